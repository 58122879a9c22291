//! Numbers and codes that must stay whole: `第455号`, `第三十五条`, `12号`,
//! `GB 10631`, `GB/T 10631-2013`. They are found in the folded text before
//! segmentation, so jieba never splits them, and each yields a main token plus
//! the parts a query may use on their own.

use std::sync::LazyLock;

use regex::Regex;

/// A token produced from a span, with byte offsets in the folded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SpanToken {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// A matched span of the folded text and its tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
    pub tokens: Vec<SpanToken>,
}

/// Suffixes counted by an ordinal or a number, in the regex below: 号 (decree
/// or document number), 条/款/项 (article, clause, item of a law), 章/节
/// (chapter, section).
static SPAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        // A Latin code, an optional space and a number: gb 10631, gb/t 10631-2013, iso9001.
        r"(?P<code>(?P<letters>[a-z]{1,10}(?:/[a-z]{1,4})?) ?(?P<digits>[0-9]+(?:[.\-][0-9]+)*))",
        // 第 + Arabic number, optional suffix; 第 + Chinese number + suffix.
        r"|(?P<ordinal>第(?:(?P<arabic>[0-9]+)(?P<asuffix>[号条款项章节])?|(?P<chinese>[零〇一二三四五六七八九十百千两]+)(?P<csuffix>[号条款项章节])))",
        // Arabic number + suffix without 第: 12号, 3条.
        r"|(?P<counted>(?P<number>[0-9]+)(?P<nsuffix>[号条款项]))",
    ))
    .expect("valid span regex")
});

/// Words a suffix character starts, where it is no suffix (第二项目, 第一款项).
const SUFFIX_WORDS: [&str; 11] = [
    "项目", "款项", "条件", "节点", "节目", "节约", "节日", "号召", "号称", "号码", "章程",
];

/// Finds the spans of `text` (folded: lower case, half-width), in order and
/// without overlaps.
pub(crate) fn find(text: &str) -> Vec<Span> {
    if !text.bytes().any(|b| b.is_ascii_digit()) && !text.contains('第') {
        return Vec::new();
    }
    let mut spans = Vec::new();
    for caps in SPAN.captures_iter(text) {
        let whole = caps.get(0).expect("group 0 always matches");
        let (start, mut end) = (whole.start(), whole.end());
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        let ascii_alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if caps.name("code").is_some() {
            // Part of a longer Latin or digit run: leave it to jieba.
            if ascii_alnum(before) || ascii_alnum(after) {
                continue;
            }
            spans.push(code_span(&caps, start, end));
            continue;
        }
        // A suffix that starts a word (第二项目) is no suffix: drop it, and
        // drop the span if it then needs one.
        let suffix = ["asuffix", "csuffix", "nsuffix"]
            .iter()
            .find_map(|name| caps.name(name));
        let mut suffix_text = suffix.map(|m| m.as_str());
        if let Some(m) = suffix
            && SUFFIX_WORDS
                .iter()
                .any(|w| text[m.start()..].starts_with(w))
        {
            if caps.name("arabic").is_none() {
                continue;
            }
            end = m.start();
            suffix_text = None;
        }
        if ascii_alnum(before) && caps.name("counted").is_some() {
            continue;
        }
        let suffix_text = suffix_text.unwrap_or("");
        let mut tokens = vec![SpanToken {
            text: text[start..end].to_string(),
            start,
            end,
        }];
        if let Some(arabic) = caps.name("arabic").or_else(|| caps.name("number")) {
            push_distinct(&mut tokens, arabic.as_str(), arabic.start(), arabic.end());
            if caps.name("ordinal").is_some() && !suffix_text.is_empty() {
                let counted = format!("{}{suffix_text}", arabic.as_str());
                push_distinct(&mut tokens, &counted, arabic.start(), end);
            }
        } else if let Some(chinese) = caps.name("chinese")
            && let Some(value) = chinese_number(chinese.as_str())
        {
            // 第三十五条 also as 第35条, 35条 and 35, so either writing finds the other.
            let value = value.to_string();
            push_distinct(&mut tokens, &format!("第{value}{suffix_text}"), start, end);
            push_distinct(
                &mut tokens,
                &format!("{value}{suffix_text}"),
                chinese.start(),
                end,
            );
            push_distinct(&mut tokens, &value, chinese.start(), chinese.end());
        }
        spans.push(Span { start, end, tokens });
    }
    spans
}

fn push_distinct(tokens: &mut Vec<SpanToken>, text: &str, start: usize, end: usize) {
    if !tokens.iter().any(|t| t.text == text) {
        tokens.push(SpanToken {
            text: text.to_string(),
            start,
            end,
        });
    }
}

/// `gb/t 10631-2013` → `gbt10631` (main), `gb10631`, `gb`, `10631-2013`,
/// `10631`, `2013`: the letters and the first number joined without the space
/// are the token both `GB 10631` and `GB10631` yield.
fn code_span(caps: &regex::Captures<'_>, start: usize, end: usize) -> Span {
    let letters = caps.name("letters").expect("code has letters");
    let digits = caps.name("digits").expect("code has digits");
    let first_len = digits
        .as_str()
        .find(['.', '-'])
        .unwrap_or(digits.as_str().len());
    let first = &digits.as_str()[..first_len];
    let first_end = digits.start() + first_len;

    let mut tokens = Vec::new();
    let joined: String = letters.as_str().split('/').collect();
    push_distinct(&mut tokens, &format!("{joined}{first}"), start, first_end);
    let mut offset = letters.start();
    for (i, part) in letters.as_str().split('/').enumerate() {
        if i == 0 && part.len() != letters.as_str().len() {
            push_distinct(&mut tokens, &format!("{part}{first}"), start, first_end);
        }
        if part.len() >= 2 {
            push_distinct(&mut tokens, part, offset, offset + part.len());
        }
        offset += part.len() + 1;
    }
    if first_len != digits.as_str().len() {
        push_distinct(&mut tokens, digits.as_str(), digits.start(), end);
    }
    let mut offset = digits.start();
    for (i, group) in digits.as_str().split(['.', '-']).enumerate() {
        if i == 0 || group.len() >= 2 {
            push_distinct(&mut tokens, group, offset, offset + group.len());
        }
        offset += group.len() + 1;
    }
    Span { start, end, tokens }
}

/// Value of a Chinese number: 三十五 → 35, 一百零五 → 105, 十 → 10, and digit by
/// digit when it has no unit: 二〇一五 → 2015.
pub(crate) fn chinese_number(s: &str) -> Option<u64> {
    let digit = |c: char| -> Option<u64> {
        Some(match c {
            '零' | '〇' => 0,
            '一' => 1,
            '二' | '两' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    let unit = |c: char| -> Option<u64> {
        Some(match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => return None,
        })
    };
    if s.is_empty() {
        return None;
    }
    if s.chars().all(|c| digit(c).is_some()) {
        return s
            .chars()
            .try_fold(0u64, |acc, c| acc.checked_mul(10)?.checked_add(digit(c)?));
    }
    let (mut total, mut current) = (0u64, None::<u64>);
    for c in s.chars() {
        if let Some(d) = digit(c) {
            current = Some(d);
        } else {
            let u = unit(c)?;
            total += current.unwrap_or(1) * u;
            current = None;
        }
    }
    Some(total + current.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<Vec<String>> {
        find(text)
            .into_iter()
            .map(|s| s.tokens.into_iter().map(|t| t.text).collect())
            .collect()
    }

    #[test]
    fn numbers() {
        assert_eq!(chinese_number("三十五"), Some(35));
        assert_eq!(chinese_number("十"), Some(10));
        assert_eq!(chinese_number("十二"), Some(12));
        assert_eq!(chinese_number("一百零五"), Some(105));
        assert_eq!(chinese_number("二〇一五"), Some(2015));
        assert_eq!(chinese_number("两千"), Some(2000));
    }

    #[test]
    fn spans() {
        assert_eq!(texts("国务院令第455号"), [["第455号", "455", "455号"]]);
        assert_eq!(
            texts("第三十五条规定"),
            [["第三十五条", "第35条", "35条", "35"]]
        );
        assert_eq!(texts("gb 10631"), [["gb10631", "gb", "10631"]]);
        assert_eq!(texts("gb10631"), [["gb10631", "gb", "10631"]]);
        assert_eq!(
            texts("gb/t 10631-2013"),
            [["gbt10631", "gb10631", "gb", "10631-2013", "10631", "2013"]]
        );
        assert_eq!(texts("第二项目"), Vec::<Vec<String>>::new());
        assert_eq!(texts("第3项目"), [["第3", "3"]]);
        assert_eq!(texts("第三方"), Vec::<Vec<String>>::new());
        assert_eq!(texts("abcd1234x"), Vec::<Vec<String>>::new());
    }
}
