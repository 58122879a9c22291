//! Text cleaning shared by every reader: the documents were exported from
//! Word, HTML and PDF, and each export leaves its own debris in the text.

use std::sync::LazyLock;

use regex::Regex;

/// Characters the documents use as CJK text (ideographs and CJK punctuation).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
    0x3000..=0x303F   // CJK punctuation
    | 0x3400..=0x4DBF // extension A
    | 0x4E00..=0x9FFF // unified ideographs
    | 0xF900..=0xFAFF // compatibility ideographs
    | 0xFF00..=0xFFEF // full-width forms (，（）：)
    | 0x2018..=0x201F // quotes “ ”
    | 0x2014..=0x2026 // dashes, ellipsis
    )
}

/// Circled numbers ①…⑳, ㉑…㊿: list markers in 002 whose later values are
/// corrupted in the export, so they are stripped, never used as ids.
fn is_circled_number(c: char) -> bool {
    matches!(c as u32, 0x2460..=0x2473 | 0x3251..=0x325F | 0x32B1..=0x32BF)
}

static LIST_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、|（\d+）|\(\d+\)|\d+[.、．]|[①-⑳])")
        .expect("valid list marker regex")
});

static MARKUP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"</?[a-zA-Z][^>]{0,20}>").expect("valid markup regex"));

static PERSONAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\b1[3-9]\d{9}\b)|(?:[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")
        .expect("valid personal-data regex")
});

/// True when a line starts a list item or a numbered heading, which is where a
/// wrapped paragraph must not be joined.
pub fn starts_list_marker(line: &str) -> bool {
    LIST_MARKER.is_match(line.trim_start())
}

/// The list marker a line starts with, if any.
pub fn list_marker(line: &str) -> Option<&str> {
    LIST_MARKER.find(line.trim_start()).map(|m| m.as_str())
}

/// True when a paragraph is finished: the next line does not continue it.
pub fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .ends_with(['。', '；', '：', '！', '？', ';', '!', '?'])
}

/// Joins hard-wrapped lines into one paragraph: no separator between CJK
/// halves, a space only between two Latin/digit runs, and a line break kept
/// before list markers.
pub fn join_wrapped<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            if starts_list_marker(line) {
                out.push('\n');
            } else if needs_space(out.chars().last(), line.chars().next()) {
                out.push(' ');
            }
        }
        out.push_str(line);
    }
    out
}

fn needs_space(before: Option<char>, after: Option<char>) -> bool {
    matches!((before, after), (Some(b), Some(a)) if b.is_ascii_alphanumeric() && a.is_ascii_alphanumeric())
}

/// Removes spaces that PDF justification put between CJK characters
/// (`安 全 技 术` → `安全技术`, `第 591 号` → `第591号`) but keeps the space in
/// `GB 10631`.
pub fn remove_cjk_spaces(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ' ' || c == '\u{3000}' || c == '\u{a0}' {
            let run_end = (i..chars.len())
                .find(|&j| !matches!(chars[j], ' ' | '\u{3000}' | '\u{a0}'))
                .unwrap_or(chars.len());
            let before = out.chars().last();
            let after = chars.get(run_end).copied();
            if !spaces_removable(before, after) {
                out.push(' ');
            }
            i = run_end;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

fn spaces_removable(before: Option<char>, after: Option<char>) -> bool {
    match (before, after) {
        (None, _) | (_, None) => true,
        (Some(b), Some(a)) => {
            (is_cjk(b) && (is_cjk(a) || a.is_ascii_digit())) || (b.is_ascii_digit() && is_cjk(a))
        }
    }
}

/// Strips circled numbers and removes personal contact data (mobile
/// numbers, e-mail addresses) that must never reach the index.
pub fn strip_debris(text: &str) -> String {
    let no_personal = PERSONAL.replace_all(text, "");
    no_personal
        .chars()
        .filter(|c| !is_circled_number(*c))
        .collect()
}

/// The full cleaning of a table cell or paragraph: markup paragraphs kept as
/// lines, debris stripped, wraps joined, justified spaces removed, tabs gone.
pub fn clean(raw: &str) -> String {
    let paragraphs: Vec<String> = MARKUP
        .split(&raw.replace('\t', " "))
        .map(|part| {
            remove_cjk_spaces(&join_wrapped(strip_debris(part).lines()))
                .trim()
                .to_string()
        })
        .filter(|p| !p.is_empty())
        .collect();
    paragraphs.join("\n")
}

/// Text with all whitespace removed, for comparisons that must not depend on
/// wrapping.
pub fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Cuts `text` to its first `max` characters (on a character boundary);
/// returns how many characters it had when it was longer.
pub fn truncate_chars(text: &mut String, max: usize) -> Option<usize> {
    let (cut, _) = text.char_indices().nth(max)?;
    let chars = max + text[cut..].chars().count();
    text.truncate(cut);
    text.shrink_to_fit();
    Some(chars)
}

/// The first `max` characters of `text` (all of it when it is shorter).
pub fn prefix_chars(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((cut, _)) => &text[..cut],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_cjk_wraps_without_spaces() {
        assert_eq!(clean("抽样检\n\n查、检验"), "抽样检查、检验");
        assert_eq!(clean("市交通\n\n运输局"), "市交通运输局");
    }

    #[test]
    fn keeps_breaks_before_list_markers() {
        assert_eq!(
            clean("职责如下：\n1.检查\n2.处罚"),
            "职责如下：\n1.检查\n2.处罚"
        );
    }

    #[test]
    fn removes_justified_spaces_but_keeps_latin_ones() {
        assert_eq!(clean("安 全 技 术 条 件 》"), "安全技术条件》");
        assert_eq!(clean("国务院令第 591 号"), "国务院令第591号");
        assert_eq!(clean("符合 GB 10631 标准"), "符合 GB 10631标准");
    }

    #[test]
    fn strips_markup_circled_numbers_and_personal_data() {
        assert_eq!(clean("<p>①贯彻执行</p><p>②组织</p>"), "贯彻执行\n组织");
        assert_eq!(clean("手机号码：13973660265"), "手机号码：");
        assert_eq!(clean("联系邮箱：someone@qq.com"), "联系邮箱：");
        assert_eq!(clean("12365 投诉"), "12365投诉");
    }

    #[test]
    fn truncation_counts_characters_not_bytes() {
        let mut text = "烟花爆竹".repeat(3);
        assert_eq!(truncate_chars(&mut text, 5), Some(12));
        assert_eq!(text, "烟花爆竹烟");
        assert_eq!(truncate_chars(&mut text, 5), None);
        assert_eq!(prefix_chars("烟花爆竹", 2), "烟花");
        assert_eq!(prefix_chars("烟花", 5), "烟花");
    }
}
