//! The legal-basis index: which laws, regulations, rules and standards the
//! duties rest on, extracted from every record's basis field and text.
//!
//! Pure functions over records (no engine state):
//!
//! - [`extract`] finds the citations of one text: `《…》` titles, decree
//!   numbers (国务院令第455号, 质检总局令第121号), articles (第X条, in Arabic or
//!   Chinese numerals, 第X款, 第X项, ranges) and standards (GB/T 12345-2008,
//!   GB 10631, JJF/JJG, TSG R0009-2009).
//! - Titles are normalised: whitespace removed, the 中华人民共和国 prefix
//!   folded, 实施条例/实施细则/实施办法 kept as their own instruments. Titles
//!   that are forms, certificates or notices (ending in 证, 书, 表, 单, 记录 …)
//!   are not laws.
//! - [`LawIndex::build`] groups the citations of all records into
//!   instruments: a decree number the documents pair with exactly one title
//!   (`《烟花爆竹安全管理条例》（国务院令第455号）`) stands for that title, and a
//!   standard code stands for the titles written with it.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::record::{Inherited, Record, SectionKind};

/// What kind of instrument a citation names.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 法: 产品质量法, 特种设备安全法.
    Law,
    /// 条例 (administrative and local regulations, 实施条例 too).
    Regulation,
    /// 办法, 规定, 细则, 规则, 规范 … (rules, 实施细则/实施办法 too).
    Rule,
    /// National standards and technical codes: GB, GB/T, JJF, JJG, TSG.
    Standard,
    /// Other normative documents: 通知, 意见, 纲要, 目录, 方案 …
    Document,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Law => "law",
            Kind::Regulation => "regulation",
            Kind::Rule => "rule",
            Kind::Standard => "standard",
            Kind::Document => "document",
        }
    }

    /// The Chinese name, as shown.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Law => "法律",
            Kind::Regulation => "条例",
            Kind::Rule => "规章",
            Kind::Standard => "标准",
            Kind::Document => "规范性文件",
        }
    }
}

/// Which part of a record a citation was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The basis (依据) column of a table row.
    Basis,
    /// The record's own text (duty, work item, service content, paragraph).
    Text,
}

/// One citation found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    /// As the text writes it, without the brackets: the title, else the
    /// decree number or standard code.
    pub as_written: String,
    /// The normalised title, if the citation has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The decree number written with it (normalised, e.g. 国务院令第455号).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decree: Option<String>,
    /// The standard code written with it (e.g. GB/T 14308-2010).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard: Option<String>,
    pub kind: Kind,
    /// Articles cited, normalised to Chinese numerals (第五十九条, 第四条第二款).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub articles: Vec<String>,
}

const NUM: &str = r"[0-9０-９]+|[一二三四五六七八九十百千零〇两]+";

static ARTICLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:第\s*(?P<ch>{NUM})\s*章\s*)?第\s*(?P<a>{NUM})\s*条(?:\s*之\s*(?P<z>{NUM}))?(?:\s*第\s*(?P<k>{NUM})\s*款)?(?:\s*第\s*(?P<x>{NUM})\s*项)?"
    ))
    .expect("valid article regex")
});

/// A further article of a run: `、第六条`, `和第十条`, `至二十条`, `、二十八条`,
/// `第二章第三条` (no separator).
static ARTICLE_MORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\s*(?:(?P<sep>、|，|,|和|及|以及|或者|或|至|到|—|-|～|~)\s*第?|第)\s*(?:(?P<ch>{NUM})\s*章\s*第\s*)?(?P<a>{NUM})\s*条(?:\s*之\s*(?P<z>{NUM}))?(?:\s*第\s*(?P<k>{NUM})\s*款)?(?:\s*第\s*(?P<x>{NUM})\s*项)?"
    ))
    .expect("valid article continuation regex")
});

/// 令第455号, 令455号, 第470号令 (the issuer is read from the characters before).
static DECREE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"令\s*第?\s*(?P<a>[0-9０-９]+|[一二三四五六七八九十百零〇]+)\s*号令?|第\s*(?P<b>[0-9０-９]+)\s*号令")
        .expect("valid decree regex")
});

static STANDARD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<p>GB/T|GB/Z|GB|JJG|JJF|TSG|DB\d{2}/T|DB\d{2})\s*(?P<l>[A-Z]{0,2})\s*(?P<n>\d+(?:\.\d+)?)(?:\s*[-—–－]\s*(?P<y>(?:19|20)\d{2}))?")
        .expect("valid standard regex")
});

/// `（国家质量监督检验检疫总局第133号）`: a decree number without 令, only
/// accepted in the parentheses after a title.
static BARE_DECREE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"第\s*(?P<a>[0-9０-９]+)\s*号").expect("valid bare decree regex"));

/// A list item marker after a boundary: `1.`, `2、`, `（3）`.
static ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[；;。\s])\s*(?:[（(]\d{1,2}[)）]|\d{1,2}[.、．])").expect("valid item regex")
});

/// Title endings of forms, certificates, notices and records: not laws.
const FORM_ENDINGS: &[&str] = &[
    "证",
    "证书",
    "证件",
    "书",
    "表",
    "单",
    "记录",
    "笔录",
    "报告",
    "报表",
    "计划",
    "稿",
    "预案",
    "清单",
    "台账",
    "卡",
    "簿",
    "登记册",
];

/// Titles that name no instrument on their own.
const GENERIC_TITLES: &[&str] = &[
    "实施细则",
    "实施办法",
    "实施条例",
    "通知",
    "通知书",
    "办法",
    "条例",
    "规定",
    "法",
    "意见",
];

const STANDARD_ENDINGS: &[&str] = &["规程", "技术条件", "划分与评定", "方法"];
const RULE_ENDINGS: &[&str] = &[
    "办法", "规定", "细则", "规则", "准则", "基准", "标准", "规范",
];

/// Normalises a title for display: whitespace removed, parentheses
/// full-width, the 中华人民共和国 prefix folded.
pub fn display_title(raw: &str) -> String {
    let mut s: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            c => c,
        })
        .collect();
    for prefix in ["中华人民共和国", "中华人名共和国"] {
        if let Some(rest) = s.strip_prefix(prefix)
            && !rest.is_empty()
        {
            s = rest.to_string();
            break;
        }
    }
    s
}

/// The key titles are grouped by: the display title without inner 〈〉 and
/// enumeration commas (制造、修理… = 制造修理…).
pub fn title_key(raw: &str) -> String {
    display_title(raw)
        .chars()
        .filter(|c| !matches!(c, '〈' | '〉' | '<' | '>' | '《' | '》' | '、' | '·'))
        .collect()
}

/// Whether a title names a form, certificate, notice or record rather than
/// an instrument (《计量检定员证》, 《立案审批表》, 《责令改正通知书》).
pub fn is_form(title: &str) -> bool {
    let key = title_key(title);
    let t = without_trailing_parenthetical(&key);
    FORM_ENDINGS.iter().any(|e| t.ends_with(e))
}

/// The kind of instrument a title names; `None` for forms and generic words.
pub fn classify(title: &str) -> Option<Kind> {
    let key = title_key(title);
    let t = without_trailing_parenthetical(&key);
    if t.chars().count() < 2 || GENERIC_TITLES.contains(&t) || is_form(title) {
        return None;
    }
    if STANDARD_ENDINGS.iter().any(|e| t.ends_with(e)) {
        return Some(Kind::Standard);
    }
    if t.ends_with("条例") {
        return Some(Kind::Regulation);
    }
    if RULE_ENDINGS.iter().any(|e| t.ends_with(e)) {
        return Some(Kind::Rule);
    }
    if t.ends_with('法') {
        return Some(Kind::Law);
    }
    Some(Kind::Document)
}

fn without_trailing_parenthetical(t: &str) -> &str {
    if t.ends_with('）')
        && let Some(open) = t.rfind('（')
        && open > 0
    {
        return &t[..open];
    }
    t
}

/// The value of an Arabic or Chinese numeral (五十九, 一百零五, 两, 43, ４３).
pub fn numeral(s: &str) -> Option<u32> {
    let ascii: String = s
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect();
    if let Ok(n) = ascii.parse::<u32>() {
        return Some(n);
    }
    let digit = |c: char| match c {
        '零' | '〇' => Some(0),
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    };
    let (mut total, mut current) = (0u32, 0u32);
    let mut any = false;
    for c in s.chars() {
        any = true;
        if let Some(d) = digit(c) {
            current = d;
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => return None,
        };
        total += current.max(if unit == 10 { 1 } else { current }) * unit;
        current = 0;
    }
    any.then_some(total + current)
}

/// A number in Chinese numerals, as articles are written (59 → 五十九).
pub fn chinese_numeral(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if n == 0 {
        return "零".into();
    }
    if n >= 10000 {
        return n.to_string();
    }
    let digits = [n / 1000, n / 100 % 10, n / 10 % 10, n % 10];
    let units = ["千", "百", "十", ""];
    let mut out = String::new();
    let mut zero = false;
    let mut started = false;
    for (i, &d) in digits.iter().enumerate() {
        if d == 0 {
            if started {
                zero = true;
            }
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        // 十五, not 一十五, when the number starts with the tens.
        if !(d == 1 && i == 2 && !started) {
            out.push_str(D[d as usize]);
        }
        out.push_str(units[i]);
        started = true;
    }
    out
}

fn cn(s: Option<regex::Match<'_>>) -> Option<String> {
    s.and_then(|m| numeral(m.as_str())).map(chinese_numeral)
}

fn article_of(caps: &regex::Captures<'_>) -> Option<String> {
    let a = cn(caps.name("a"))?;
    let mut out = String::new();
    if let Some(ch) = cn(caps.name("ch")) {
        out.push_str(&format!("第{ch}章"));
    }
    out.push_str(&format!("第{a}条"));
    if let Some(z) = cn(caps.name("z")) {
        out.push_str(&format!("之{z}"));
    }
    if let Some(k) = cn(caps.name("k")) {
        out.push_str(&format!("第{k}款"));
    }
    if let Some(x) = cn(caps.name("x")) {
        out.push_str(&format!("第{x}项"));
    }
    Some(out)
}

/// The run of articles starting exactly at byte `at` of `text`, and where it ends.
fn article_run(text: &str, at: usize) -> (Vec<String>, usize) {
    let rest = &text[at..];
    let Some(first) = ARTICLE
        .captures(rest)
        .filter(|c| c.get(0).is_some_and(|m| m.start() == 0))
    else {
        return (Vec::new(), at);
    };
    let mut out: Vec<String> = article_of(&first).into_iter().collect();
    let mut end = at + first.get(0).map_or(0, |m| m.end());
    while let Some(more) = ARTICLE_MORE.captures(&text[end..]) {
        let Some(article) = article_of(&more) else {
            break;
        };
        let range = matches!(
            more.name("sep").map(|m| m.as_str()),
            Some("至" | "到" | "—" | "-" | "～" | "~")
        );
        match (range, out.last_mut()) {
            (true, Some(last)) => last.push_str(&format!("至{article}")),
            _ => out.push(article),
        }
        end += more.get(0).map_or(0, |m| m.end());
    }
    (out, end)
}

/// The normalised issuer of a decree from the characters before `令`.
fn decree_issuer(before: &str) -> Option<String> {
    let run: String = {
        let mut chars: Vec<char> = before
            .chars()
            .rev()
            .take_while(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
            .take(24)
            .collect();
        chars.reverse();
        chars.into_iter().collect()
    };
    let cut = run
        .char_indices()
        .filter(|(_, c)| "年月日据照依和及与见、".contains(*c))
        .map(|(i, c)| i + c.len_utf8())
        .next_back()
        .unwrap_or(0);
    let mut s = run[cut..].trim_start_matches("中华人民共和国").to_string();
    if s.is_empty() {
        return None;
    }
    if s.ends_with("质量监督检验检疫总局") || s == "国家质检总局" || s == "质检总局" || s == "总局"
    {
        s = "质检总局".into();
    } else if s.ends_with("技术监督局") || s.ends_with("技监局") {
        s = "国家技术监督局".into();
    } else if s.ends_with("国务院") {
        s = "国务院".into();
    } else if s == "环保部" {
        s = "环境保护部".into();
    } else if let Some(p) = s.strip_suffix("人民政府") {
        s = format!("{p}政府");
    }
    let issuer_like = [
        "院", "局", "部", "委", "政府", "主席", "署", "厅", "会", "办",
    ];
    issuer_like.iter().any(|e| s.ends_with(e)).then_some(s)
}

/// A decree match at its position: `(start, end, normalised)`.
fn decrees(text: &str) -> Vec<(usize, usize, String)> {
    DECREE
        .captures_iter(text)
        .filter_map(|c| {
            let m = c.get(0)?;
            let n = numeral(c.name("a").or(c.name("b"))?.as_str())?;
            let issuer = decree_issuer(&text[..m.start()])?;
            Some((m.start(), m.end(), format!("{issuer}令第{n}号")))
        })
        .collect()
}

/// `总局第133号` inside parentheses: a decree of a known issuer without 令.
fn bare_decree(inside: &str) -> Option<String> {
    let c = BARE_DECREE.captures(inside)?;
    let m = c.get(0)?;
    let n = numeral(c.name("a")?.as_str())?;
    let issuer = decree_issuer(&inside[..m.start()])?;
    (issuer.ends_with("总局") || issuer == "国务院").then(|| format!("{issuer}令第{n}号"))
}

/// Normalises a decree number as written (国务院令455号 → 国务院令第455号).
pub fn normalise_decree(s: &str) -> Option<String> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    decrees(&s).into_iter().next().map(|(_, _, d)| d)
}

/// Standard codes: `(start, end, code with year, key without year)`.
fn standards(text: &str) -> Vec<(usize, usize, String, String)> {
    STANDARD
        .captures_iter(text)
        .filter_map(|c| {
            let m = c.get(0)?;
            if text[..m.start()]
                .chars()
                .next_back()
                .is_some_and(|p| p.is_ascii_alphanumeric())
            {
                return None;
            }
            let prefix = c.name("p")?.as_str();
            let letters = c.name("l").map_or("", |l| l.as_str());
            let number = c.name("n")?.as_str();
            if prefix == "TSG" && letters.is_empty() {
                return None;
            }
            let key = format!("{prefix} {letters}{number}");
            let code = match c.name("y") {
                Some(y) => format!("{key}-{}", y.as_str()),
                None => key.clone(),
            };
            Some((m.start(), m.end(), code, key))
        })
        .collect()
}

/// Normalises a standard code as written (GB/T14308- 2010 → GB/T 14308-2010).
pub fn normalise_standard(s: &str) -> Option<(String, String)> {
    standards(s).into_iter().next().map(|(_, _, c, k)| (c, k))
}

/// `《…》` titles as byte spans of their content, recovering a title whose
/// opening bracket is missing (`3.气瓶充装站安全技术条件》`).
fn title_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut open: Option<usize> = None;
    let mut last_close = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '《' => open = Some(i + c.len_utf8()),
            '》' => {
                match open.take() {
                    Some(s) if text[s..i].chars().count() <= 120 => spans.push((s, i)),
                    Some(_) => {}
                    None => {
                        let before = &text[last_close..i];
                        let start = before
                            .char_indices()
                            .filter(|(_, c)| "；;。，,\n：:、（(）)《》".contains(*c))
                            .map(|(j, c)| j + c.len_utf8())
                            .next_back()
                            .unwrap_or(0);
                        let cand = before[start..].trim_start_matches(|c: char| {
                            c.is_ascii_digit() || c.is_whitespace() || ".．、".contains(c)
                        });
                        let n = cand.chars().count();
                        if (4..=40).contains(&n) {
                            spans.push((i - cand.len(), i));
                        }
                    }
                }
                last_close = i + c.len_utf8();
            }
            _ => {}
        }
    }
    spans
}

/// All `《…》` titles of a text as written (forms included).
pub fn titles(text: &str) -> Vec<String> {
    let text = prepare(text);
    title_spans(&text)
        .into_iter()
        .map(|(s, e)| text[s..e].trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

fn prepare(text: &str) -> String {
    text.replace("〈〈", "《").replace("〉〉", "》")
}

/// A parenthetical starting at byte `at` (after whitespace): its content's
/// span and where it ends.
fn parenthetical(text: &str, at: usize) -> Option<(usize, usize, usize)> {
    let rest = &text[at..];
    let lead = rest.len() - rest.trim_start().len();
    let start = at + lead;
    let open = text[start..].chars().next()?;
    if open != '（' && open != '(' {
        return None;
    }
    let inner = start + open.len_utf8();
    let mut depth = 1;
    for (j, c) in text[inner..].char_indices() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some((inner, inner + j, inner + j + c.len_utf8()));
                }
            }
            '《' | '\n' => return None,
            _ => {}
        }
        if j > 200 {
            return None;
        }
    }
    None
}

/// The citations of one text. In a basis field (`field == Basis`) an
/// article that does not follow a title directly (`…第五十九条：…。第六十条：…`)
/// belongs to the first instrument of its list item; in other text only
/// articles written right after a title count.
pub fn extract(text: &str, field: Field) -> Vec<Citation> {
    let text = prepare(text);
    let text = text.as_str();
    let mut out: Vec<(usize, Citation)> = Vec::new();
    let mut used: Vec<(usize, usize)> = Vec::new();
    for (s, e) in title_spans(text) {
        let raw = text[s..e].trim();
        let Some(mut kind) = classify(raw) else {
            continue;
        };
        let close = e + '》'.len_utf8();
        let mut after = close;
        let mut decree = None;
        let mut standard = None;
        if let Some((ps, pe, end)) = parenthetical(text, close) {
            let inside = &text[ps..pe];
            decree = decrees(inside)
                .into_iter()
                .next()
                .map(|d| d.2)
                .or_else(|| bare_decree(inside));
            standard = standards(inside).into_iter().next().map(|d| d.2);
            after = end;
        } else if let Some((ds, de, d)) = decrees(text).into_iter().find(|(ds, _, _)| {
            *ds >= close
                && text[close..*ds].chars().all(crate::text::is_cjk)
                && text[close..*ds].chars().count() <= 12
        }) {
            // 《…》国家技监局令第19号 (no parentheses)
            let _ = ds;
            decree = Some(d);
            after = de;
        }
        if standard.is_some() {
            kind = Kind::Standard;
        }
        let rest = text[after..].trim_start();
        let rest = rest.strip_prefix(['：', ':']).unwrap_or(rest).trim_start();
        let (articles, end) = article_run(text, text.len() - rest.len());
        used.push((s, end.max(after)));
        out.push((
            s,
            Citation {
                as_written: raw.to_string(),
                title: Some(display_title(raw)),
                decree,
                standard,
                kind,
                articles,
            },
        ));
    }
    let inside = |i: usize, used: &[(usize, usize)]| used.iter().any(|&(s, e)| i >= s && i < e);
    for (s, e, d) in decrees(text) {
        if inside(s, &used) {
            continue;
        }
        let kind = if d.starts_with("国务院") {
            Kind::Regulation
        } else if d.starts_with("主席") {
            Kind::Law
        } else {
            Kind::Rule
        };
        let lead = text[e..].len() - text[e..].trim_start().len();
        let (articles, end) = article_run(text, e + lead);
        used.push((s, end.max(e)));
        out.push((
            s,
            Citation {
                as_written: text[s..e].to_string(),
                title: None,
                decree: Some(d),
                standard: None,
                kind,
                articles,
            },
        ));
    }
    for (s, e, code, _) in standards(text) {
        if inside(s, &used) {
            continue;
        }
        used.push((s, e));
        out.push((
            s,
            Citation {
                as_written: text[s..e].to_string(),
                title: None,
                decree: None,
                standard: Some(code),
                kind: Kind::Standard,
                articles: Vec::new(),
            },
        ));
    }
    out.sort_by_key(|(s, _)| *s);
    if field == Field::Basis {
        attach_loose_articles(text, &mut out, &used);
    }
    out.into_iter().map(|(_, c)| c).collect()
}

/// Articles of a basis field not written right after a title go to the
/// first instrument of their list item.
fn attach_loose_articles(text: &str, out: &mut [(usize, Citation)], used: &[(usize, usize)]) {
    let mut items: Vec<usize> = text
        .char_indices()
        .filter(|(_, c)| *c == '\n')
        .map(|(i, _)| i)
        .collect();
    items.extend(ITEM.find_iter(text).map(|m| m.start()));
    items.sort_unstable();
    let item_of = |i: usize| items.partition_point(|&b| b <= i);
    let mut at = 0;
    while let Some(m) = ARTICLE.find_at(text, at) {
        at = m.end();
        if used.iter().any(|&(s, e)| m.start() >= s && m.start() < e) {
            continue;
        }
        let (articles, end) = article_run(text, m.start());
        at = end.max(m.end());
        let item = item_of(m.start());
        let head = out
            .iter_mut()
            .find(|(s, _)| *s < m.start() && item_of(*s) == item);
        if let Some((_, c)) = head {
            for a in articles {
                if !c.articles.contains(&a) {
                    c.articles.push(a);
                }
            }
        }
    }
}

/// The citations of a record: its basis field, then its text.
pub fn record_citations(record: &Record) -> Vec<(Field, Citation)> {
    let mut out: Vec<(Field, Citation)> = extract(record.basis(), Field::Basis)
        .into_iter()
        .map(|c| (Field::Basis, c))
        .collect();
    out.extend(
        extract(record.text(), Field::Text)
            .into_iter()
            .map(|c| (Field::Text, c)),
    );
    out
}

/// One record citing an instrument.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitingRecord {
    pub record_id: String,
    pub section: SectionKind,
    pub matter: String,
    pub text: String,
    /// Articles cited, in order of appearance.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub articles: Vec<String>,
    /// How the record writes the instrument.
    pub as_written: Vec<String>,
    /// True when the citation is in a basis cell carried down from the row
    /// above (its text is on that row's lines).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inherited: bool,
    pub file: String,
    pub line_start: usize,
    pub line_end: usize,
}

/// The records of one bureau citing an instrument.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BureauCitations {
    pub bureau: String,
    pub place: String,
    pub file: String,
    pub records: Vec<CitingRecord>,
}

/// One law, regulation, rule, standard or document with everything citing it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instrument {
    /// Canonical name: the normalised title (中华人民共和国 folded), the
    /// standard code, or the decree number when no title is paired with it.
    pub name: String,
    pub kind: Kind,
    /// Every spelling the documents use, as written.
    pub variants: Vec<String>,
    /// Decree numbers the documents write with it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decrees: Vec<String>,
    /// Standard codes it is known by.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub standards: Vec<String>,
    /// Number of records citing it.
    pub citing: usize,
    /// The citing records, grouped by bureau in list order.
    pub bureaus: Vec<BureauCitations>,
    /// Grouping keys of its titles (for lookup).
    #[serde(skip)]
    keys: Vec<String>,
}

/// A bureau's count in a summary.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BureauCount {
    pub place: String,
    pub bureau: String,
    pub records: usize,
}

/// An instrument without its records: what `qsearch laws` lists.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstrumentSummary {
    pub name: String,
    pub kind: Kind,
    pub variants: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decrees: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub standards: Vec<String>,
    pub citing: usize,
    pub by_bureau: Vec<BureauCount>,
}

/// A `《…》` title that is not counted as a law (form, certificate, notice).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotLaw {
    pub title: String,
    pub count: usize,
}

/// The legal-basis index of a set of records.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LawIndex {
    /// Most cited first.
    pub instruments: Vec<Instrument>,
    /// Titles in 《》 that were not counted (forms, certificates, notices).
    pub not_laws: Vec<NotLaw>,
    /// Per record (in record order): indexes into `instruments`.
    #[serde(skip)]
    by_record: Vec<Vec<usize>>,
}

/// Why a lookup found nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupError {
    /// Nothing matches; the names are near misses, if any.
    NotFound(Vec<String>),
    /// Several instruments contain the name.
    Ambiguous(Vec<String>),
}

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn find(&mut self, i: usize) -> usize {
        let mut r = i;
        while self.0[r] != r {
            r = self.0[r];
        }
        let mut i = i;
        while self.0[i] != r {
            let next = self.0[i];
            self.0[i] = r;
            i = next;
        }
        r
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            self.0[hi] = lo;
        }
    }
}

impl LawIndex {
    /// Builds the index over all records (basis fields and texts).
    pub fn build(records: &[Record]) -> LawIndex {
        let cited: Vec<Vec<(Field, Citation)>> = records.iter().map(record_citations).collect();
        // Nodes: titles, decrees and standards by key.
        let mut nodes: HashMap<String, usize> = HashMap::new();
        let node = |key: String, nodes: &mut HashMap<String, usize>| -> usize {
            let n = nodes.len();
            *nodes.entry(key).or_insert(n)
        };
        let mut decree_titles: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut links: Vec<(String, String)> = Vec::new();
        for c in cited.iter().flatten().map(|(_, c)| c) {
            if let Some(t) = &c.title {
                let tk = format!("t:{}", title_key(t));
                node(tk.clone(), &mut nodes);
                if let Some(d) = &c.decree {
                    let ts = decree_titles.entry(d.clone()).or_default();
                    if !ts.contains(&tk) {
                        ts.push(tk.clone());
                    }
                }
                if let Some(s) = &c.standard {
                    links.push((tk, format!("s:{}", standard_key(s))));
                }
            }
            if let Some(d) = &c.decree {
                node(format!("d:{d}"), &mut nodes);
            }
            if let Some(s) = &c.standard {
                node(format!("s:{}", standard_key(s)), &mut nodes);
            }
        }
        for (d, ts) in &decree_titles {
            if ts.len() == 1 {
                links.push((ts[0].clone(), format!("d:{d}")));
            }
        }
        let mut uf = UnionFind((0..nodes.len()).collect());
        for (a, b) in &links {
            uf.union(nodes[a], nodes[b]);
        }
        let key_of = |c: &Citation| -> String {
            match (&c.title, &c.standard, &c.decree) {
                (Some(t), _, _) => format!("t:{}", title_key(t)),
                (None, Some(s), _) => format!("s:{}", standard_key(s)),
                (None, None, Some(d)) => format!("d:{d}"),
                (None, None, None) => String::new(),
            }
        };
        // Groups in order of first citation.
        let mut group_of_root: HashMap<usize, usize> = HashMap::new();
        let mut groups: Vec<Draft> = Vec::new();
        let mut by_record: Vec<Vec<usize>> = vec![Vec::new(); records.len()];
        for (ri, (record, cs)) in records.iter().zip(&cited).enumerate() {
            for (field, c) in cs {
                let Some(&n) = nodes.get(&key_of(c)) else {
                    continue;
                };
                let root = uf.find(n);
                let g = *group_of_root.entry(root).or_insert_with(|| {
                    groups.push(Draft::default());
                    groups.len() - 1
                });
                groups[g].add(ri, record, *field, c);
                if !by_record[ri].contains(&g) {
                    by_record[ri].push(g);
                }
            }
        }
        let mut instruments: Vec<(usize, Instrument)> = groups
            .into_iter()
            .enumerate()
            .map(|(i, d)| (i, d.finish()))
            .collect();
        instruments.sort_by(|(_, a), (_, b)| b.citing.cmp(&a.citing).then(a.name.cmp(&b.name)));
        let mut position = vec![0; instruments.len()];
        for (new, (old, _)) in instruments.iter().enumerate() {
            position[*old] = new;
        }
        for gs in &mut by_record {
            for g in gs.iter_mut() {
                *g = position[*g];
            }
        }
        let mut not_laws: BTreeMap<String, usize> = BTreeMap::new();
        for r in records {
            for t in titles(r.basis()).into_iter().chain(titles(r.text())) {
                if classify(&t).is_none() {
                    *not_laws.entry(display_title(&t)).or_default() += 1;
                }
            }
        }
        let mut not_laws: Vec<NotLaw> = not_laws
            .into_iter()
            .map(|(title, count)| NotLaw { title, count })
            .collect();
        not_laws.sort_by(|a, b| b.count.cmp(&a.count).then(a.title.cmp(&b.title)));
        LawIndex {
            instruments: instruments.into_iter().map(|(_, i)| i).collect(),
            not_laws,
            by_record,
        }
    }

    /// The instruments without their records, most cited first.
    pub fn summaries(&self) -> Vec<InstrumentSummary> {
        self.instruments.iter().map(Instrument::summary).collect()
    }

    /// Canonical names of the instruments record `i` (in record order) cites.
    pub fn names_of(&self, record: usize) -> Vec<String> {
        self.by_record
            .get(record)
            .map(|gs| {
                gs.iter()
                    .map(|&g| self.instruments[g].name.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// An instrument by canonical name, any variant, decree number or
    /// standard code (with or without the year); else the one instrument
    /// whose name contains the query.
    pub fn find(&self, query: &str) -> Result<&Instrument, LookupError> {
        let q = query.trim().trim_start_matches('《').trim_end_matches('》');
        let key = title_key(q);
        if key.is_empty() {
            return Err(LookupError::NotFound(Vec::new()));
        }
        let decree = normalise_decree(q);
        let standard = normalise_standard(q).map(|(_, k)| k);
        let by_name = self
            .instruments
            .iter()
            .find(|i| title_key(&i.name) == key || i.keys.contains(&key));
        if let Some(i) = by_name {
            return Ok(i);
        }
        // A decree number the documents write with several titles is ambiguous.
        let by_number: Vec<&Instrument> = self
            .instruments
            .iter()
            .filter(|i| {
                decree.as_ref().is_some_and(|d| i.decrees.contains(d))
                    || standard
                        .as_ref()
                        .is_some_and(|s| i.standards.iter().any(|c| standard_key(c) == *s))
            })
            .collect();
        match by_number.as_slice() {
            [one] => return Ok(one),
            [] => {}
            many => {
                return Err(LookupError::Ambiguous(
                    many.iter().map(|i| i.name.clone()).collect(),
                ));
            }
        }
        let containing: Vec<&Instrument> = self
            .instruments
            .iter()
            .filter(|i| i.keys.iter().any(|k| k.contains(&key)) || i.name.contains(&key))
            .collect();
        match containing.as_slice() {
            [one] => Ok(one),
            [] => Err(LookupError::NotFound(Vec::new())),
            many => Err(LookupError::Ambiguous(
                many.iter().take(10).map(|i| i.name.clone()).collect(),
            )),
        }
    }
}

fn standard_key(code: &str) -> String {
    normalise_standard(code).map_or_else(|| code.to_string(), |(_, k)| k)
}

impl Instrument {
    pub fn summary(&self) -> InstrumentSummary {
        InstrumentSummary {
            name: self.name.clone(),
            kind: self.kind,
            variants: self.variants.clone(),
            decrees: self.decrees.clone(),
            standards: self.standards.clone(),
            citing: self.citing,
            by_bureau: self
                .bureaus
                .iter()
                .map(|b| BureauCount {
                    place: b.place.clone(),
                    bureau: b.bureau.clone(),
                    records: b.records.len(),
                })
                .collect(),
        }
    }

    /// Bureaus citing it.
    pub fn bureau_count(&self) -> usize {
        self.bureaus.len()
    }
}

/// An instrument being assembled.
#[derive(Default)]
struct Draft {
    /// Display titles with their counts, in order of first sight.
    titles: Vec<(String, usize, Kind)>,
    variants: Vec<String>,
    decrees: Vec<String>,
    standards: Vec<String>,
    kind: Option<Kind>,
    bureaus: Vec<BureauCitations>,
    last: Option<usize>,
}

impl Draft {
    fn add(&mut self, ri: usize, record: &Record, field: Field, c: &Citation) {
        if let Some(t) = &c.title {
            match self.titles.iter_mut().find(|(x, _, _)| x == t) {
                Some(e) => e.1 += 1,
                None => self.titles.push((t.clone(), 1, c.kind)),
            }
        }
        push_new(&mut self.variants, c.as_written.clone());
        if let Some(d) = &c.decree {
            push_new(&mut self.decrees, d.clone());
        }
        if let Some(s) = &c.standard {
            push_new(&mut self.standards, s.clone());
        }
        if c.kind == Kind::Standard || self.kind.is_none() {
            self.kind = Some(c.kind);
        }
        let pos = match self
            .bureaus
            .iter()
            .position(|b| b.file == record.source.file)
        {
            Some(p) => p,
            None => {
                self.bureaus.push(BureauCitations {
                    bureau: record.bureau.name.clone(),
                    place: record.bureau.place.clone(),
                    file: record.source.file.clone(),
                    records: Vec::new(),
                });
                self.bureaus.len() - 1
            }
        };
        let list = &mut self.bureaus[pos].records;
        let inherited = field == Field::Basis && record.inherits(Inherited::Basis);
        if self.last != Some(ri) || list.is_empty() {
            list.push(CitingRecord {
                record_id: record.id.clone(),
                section: record.section,
                matter: record.matter().to_string(),
                text: record.text().to_string(),
                articles: Vec::new(),
                as_written: Vec::new(),
                inherited,
                file: record.source.file.clone(),
                line_start: record.source.line_start,
                line_end: record.source.line_end,
            });
            self.last = Some(ri);
        }
        let entry = list.last_mut().expect("just pushed");
        entry.inherited &= inherited;
        push_new(&mut entry.as_written, c.as_written.clone());
        for a in &c.articles {
            push_new(&mut entry.articles, a.clone());
        }
    }

    fn finish(self) -> Instrument {
        let best_title = self
            .titles
            .iter()
            .enumerate()
            .max_by(|(ia, a), (ib, b)| a.1.cmp(&b.1).then(ib.cmp(ia)))
            .map(|(_, t)| t.clone());
        let kind = self.kind.unwrap_or(Kind::Document);
        let name = if kind == Kind::Standard && !self.standards.is_empty() {
            // The latest edition seen names the standard.
            self.standards
                .iter()
                .max_by_key(|s| (s.len(), s.to_string()))
                .cloned()
                .unwrap_or_default()
        } else if let Some((t, _, _)) = &best_title {
            t.clone()
        } else if let Some(d) = self.decrees.first() {
            d.clone()
        } else {
            self.variants.first().cloned().unwrap_or_default()
        };
        let kind = match (&best_title, kind) {
            (_, Kind::Standard) => Kind::Standard,
            (Some((_, _, k)), _) => *k,
            (None, k) => k,
        };
        let mut keys: Vec<String> = Vec::new();
        for (t, _, _) in &self.titles {
            push_new(&mut keys, title_key(t));
        }
        for v in &self.variants {
            push_new(&mut keys, title_key(v));
        }
        Instrument {
            citing: self.bureaus.iter().map(|b| b.records.len()).sum(),
            name,
            kind,
            variants: self.variants,
            decrees: self.decrees,
            standards: self.standards,
            bureaus: self.bureaus,
            keys,
        }
    }
}

fn push_new(v: &mut Vec<String>, s: String) {
    if !v.contains(&s) {
        v.push(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Citation {
        let cs = extract(text, Field::Basis);
        assert_eq!(cs.len(), 1, "{text}: {cs:?}");
        cs.into_iter().next().unwrap()
    }

    #[test]
    fn numerals_both_ways() {
        for (s, n) in [
            ("五十九", 59),
            ("十", 10),
            ("十五", 15),
            ("一百零五", 105),
            ("一百", 100),
            ("两", 2),
            ("43", 43),
            ("４３", 43),
            ("一百一十", 110),
        ] {
            assert_eq!(numeral(s), Some(n), "{s}");
            assert_eq!(numeral(&chinese_numeral(n)), Some(n), "{n}");
        }
        assert_eq!(chinese_numeral(59), "五十九");
        assert_eq!(chinese_numeral(105), "一百零五");
        assert_eq!(chinese_numeral(10), "十");
        assert_eq!(chinese_numeral(110), "一百一十");
    }

    #[test]
    fn titles_are_folded() {
        assert_eq!(display_title("中华人民共和国产品质量 法"), "产品质量法");
        assert_eq!(
            title_key("山东省实施〈标准化法〉办法"),
            "山东省实施标准化法办法"
        );
        assert_eq!(
            classify("中华人民共和国标准化法实施条例"),
            Some(Kind::Regulation)
        );
        assert_eq!(classify("计量法实施细则"), Some(Kind::Rule));
        assert_eq!(classify("产品质量法"), Some(Kind::Law));
        assert_eq!(classify("产品防伪监督管理办法"), Some(Kind::Rule));
        assert_eq!(classify("质量发展纲要（2011-2020）"), Some(Kind::Document));
        for form in [
            "计量检定员证",
            "立案审批表",
            "责令改正通知书",
            "责 令改正通知书",
            "现场检查笔录",
            "特种设备安全监督检查记录",
            "实施细则",
            "处罚决定书发文稿",
        ] {
            assert_eq!(classify(form), None, "{form}");
        }
    }

    #[test]
    fn decree_paired_with_title() {
        let c = one("1.《烟花爆竹安全管理条例》（国务院令第455号）；");
        assert_eq!(c.title.as_deref(), Some("烟花爆竹安全管理条例"));
        assert_eq!(c.decree.as_deref(), Some("国务院令第455号"));
        let c = one("《烟花爆竹安全管理条例》(2006年1月国务院令455号);");
        assert_eq!(c.decree.as_deref(), Some("国务院令第455号"));
        let c = one("《烟花爆竹安全管理条例》（中华人民共和国国务院令第455号令）");
        assert_eq!(c.decree.as_deref(), Some("国务院令第455号"));
        let c = one("《棉花质量监督管理条例》（国务院第470号令）");
        assert_eq!(c.decree.as_deref(), Some("国务院令第470号"));
        let c = one(
            "《机动车安全技术检验机构监督管理办法》（国家质量监督检验检疫总局令第121号）第十九条；",
        );
        assert_eq!(c.decree.as_deref(), Some("质检总局令第121号"));
        assert_eq!(c.articles, ["第十九条"]);
    }

    #[test]
    fn articles_runs_and_ranges() {
        let c = one("《计量法》第十五条、第十六条");
        assert_eq!(c.articles, ["第十五条", "第十六条"]);
        let c = one("《标准化法》第五条第三款、第六条第二款；");
        assert_eq!(c.articles, ["第五条第三款", "第六条第二款"]);
        let c = one("《条例》外《棉花质量监督管理条例》第四十五条至五十条");
        assert_eq!(c.articles, ["第四十五条至第五十条"]);
        let c = one("《特种设备安全法》第一百条第二款");
        assert_eq!(c.articles, ["第一百条第二款"]);
        let c = one("《工业产品生产许可证管理条例实施办法》第43条");
        assert_eq!(c.articles, ["第四十三条"]);
        let c = one(
            "国务院《质量发纲要（2011-2020年）》（国发〔2012〕9号）：第五章第四条第二章第三条，第五章第五条；",
        );
        assert_eq!(c.articles, ["第五章第四条", "第二章第三条", "第五章第五条"]);
        let c = one(
            "根据《产品质量监督抽查管理办法》（国家质量监督检验检疫总局第133号）第四十八条规定",
        );
        assert_eq!(c.decree.as_deref(), Some("质检总局令第133号"));
        assert_eq!(c.articles, ["第四十八条"]);
        let cs = extract(
            "《棉花质量监督管理条例》第四条、《茧丝质量监督管理办法》第三条",
            Field::Basis,
        );
        assert_eq!(cs[0].articles, ["第四条"]);
        assert_eq!(cs[1].articles, ["第三条"]);
    }

    #[test]
    fn loose_articles_go_to_the_item_head() {
        let text = "1. 《工业产品生产许可证管理条例》（2005年7月国务院令第440号）第五十九条：违反本条例规定的。第六十条：依照本条例和《中华人民共和国行政许可法》应当举行听证而不举行听证的。第六十一条：办理的。\n2. 《设备监理单位资格管理办法》第二十七条：违反的。";
        let cs = extract(text, Field::Basis);
        assert_eq!(cs.len(), 3, "{cs:?}");
        assert_eq!(cs[0].articles, ["第五十九条", "第六十条", "第六十一条"]);
        assert!(cs[1].articles.is_empty());
        assert_eq!(cs[2].articles, ["第二十七条"]);
        // Not in prose text.
        let cs = extract(text, Field::Text);
        assert_eq!(cs[0].articles, ["第五十九条"]);
    }

    #[test]
    fn standards() {
        let c = one("1、《中华人民共和国星级酒店评定标准》（GB/T14308-2010）；");
        assert_eq!(c.standard.as_deref(), Some("GB/T 14308-2010"));
        assert_eq!(c.kind, Kind::Standard);
        let c = one("配备和管理通则（GB 17167-2006）的要求");
        assert_eq!(c.standard.as_deref(), Some("GB 17167-2006"));
        let c = one("执行 GB 10631 规定");
        assert_eq!(c.standard.as_deref(), Some("GB 10631"));
        let c = one("《车用气瓶安全技术监察规程》（TSG R0009-2009）");
        assert_eq!(c.standard.as_deref(), Some("TSG R0009-2009"));
        // A title whose opening bracket is missing.
        let cs = extract(
            "（TSG R0009-2009）3.气瓶充装站安全技术条件》（GB27550-2011）；",
            Field::Basis,
        );
        let c = cs.iter().find(|c| c.title.is_some()).unwrap();
        assert_eq!(c.title.as_deref(), Some("气瓶充装站安全技术条件"));
        assert_eq!(c.standard.as_deref(), Some("GB 27550-2011"));
    }

    #[test]
    fn decree_issuers_are_normalised() {
        for (written, decree) in [
            ("国务院令第455号", "国务院令第455号"),
            ("中华人民共和国国务院令第455号令", "国务院令第455号"),
            ("2006年1月国务院令455号", "国务院令第455号"),
            ("国家质量监督检验检疫总局令第121号", "质检总局令第121号"),
            ("国家质检总局令第49号", "质检总局令第49号"),
            ("总局令第133号", "质检总局令第133号"),
            ("2012年7月，环保部令第22号", "环境保护部令第22号"),
            ("湖南省人民政府令第244号", "湖南省政府令第244号"),
            ("主席令第9号", "主席令第9号"),
        ] {
            assert_eq!(
                normalise_decree(written).as_deref(),
                Some(decree),
                "{written}"
            );
        }
        // Document numbers (文号) and announcements are not decrees.
        for written in [
            "国发〔2012〕9号",
            "临编〔2005〕32号",
            "国家质检总局2011年第11号公告",
        ] {
            assert_eq!(extract(written, Field::Basis), [], "{written}");
        }
    }

    #[test]
    fn index_pairs_decrees_and_codes_across_records() {
        use crate::record::{Bureau, Fields, Level, Source};
        let record = |id: &str, place: &str, basis: &str| Record {
            id: id.into(),
            bureau: Bureau {
                name: format!("{place}质量技术监督局"),
                place: place.into(),
                province: "河北省".into(),
                city: place.into(),
                county: None,
                level: Level::City,
            },
            section: SectionKind::Duties,
            fields: Fields::Duty {
                main_duty: "负责".into(),
                work_item: "监督".into(),
                unit: String::new(),
                basis: basis.into(),
                remark: String::new(),
            },
            source: Source {
                file: format!("{id}.txt"),
                line_start: 1,
                line_end: 2,
                place: None,
            },
            inherited: Vec::new(),
        };
        let records = [
            record(
                "a",
                "甲市",
                "《烟花爆竹安全管理条例》（国务院令第455号）第四条",
            ),
            record(
                "b",
                "乙市",
                "国务院令第455号第十条；《中华人民共和国产品质量法》",
            ),
            record("c", "丙市", "《产品质量法》第八条；《立案审批表》"),
            record(
                "d",
                "丁市",
                "《A办法》（质检总局令第1号）；《B办法》（质检总局令第1号）",
            ),
        ];
        let index = LawIndex::build(&records);
        let fireworks = index.find("国务院令第455号").unwrap();
        assert_eq!(fireworks.name, "烟花爆竹安全管理条例");
        assert_eq!(fireworks.citing, 2);
        assert_eq!(fireworks.bureaus[1].records[0].articles, ["第十条"]);
        let quality = index.find("中华人民共和国产品质量法").unwrap();
        assert_eq!(quality.name, "产品质量法");
        assert_eq!(quality.bureau_count(), 2);
        assert_eq!(index.names_of(2), ["产品质量法"]);
        assert!(index.find("立案审批表").is_err());
        assert_eq!(index.not_laws[0].title, "立案审批表");
        // One decree number written with two titles stands for neither.
        assert!(matches!(
            index.find("质检总局令第1号"),
            Err(LookupError::Ambiguous(_))
        ));
        assert_ne!(
            index.find("A办法").unwrap().name,
            index.find("B办法").unwrap().name
        );
    }

    #[test]
    fn decree_alone_and_garbled_brackets() {
        let c = one("依据国务院令第455号的规定");
        assert_eq!(c.title, None);
        assert_eq!(c.decree.as_deref(), Some("国务院令第455号"));
        let cs = extract(
            "《农业标准化管理办法〉〉国家技监局令第19号）、〈〈服务业标准化试点实施细则》",
            Field::Basis,
        );
        assert_eq!(cs.len(), 2, "{cs:?}");
        assert_eq!(cs[0].decree.as_deref(), Some("国家技术监督局令第19号"));
        assert_eq!(cs[1].title.as_deref(), Some("服务业标准化试点实施细则"));
    }
}
