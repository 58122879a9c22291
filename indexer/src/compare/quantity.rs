//! Numbers with units in a passage — frequencies (每年不少于1次), deadlines
//! (15个工作日内, 24小时内), amounts (1万元以上3万元以下), ratios (15%-25%)
//! and head counts (不得少于2人) — normalised to (value, unit, bound) so
//! that bureaus' passages can be compared number by number.
//!
//! Dates (2015年7月, 3月15日), article and decree numbers (第九次, 第455号)
//! are not quantities and are left out.

use once_cell::sync::Lazy;
use regex::Regex;
use serde::{Deserialize, Serialize};

/// What a quantity measures.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuantityKind {
    /// How often: 次 per 年/季度/月/周/日.
    Frequency,
    /// How long: 工作日, 日, 小时, 月, 年.
    Deadline,
    /// Money, in 元.
    Amount,
    /// A share, in %; or a multiple (倍) of a value.
    Ratio,
    /// How many: people (人), units (家), times without a period (次).
    Count,
}

impl QuantityKind {
    pub fn label(self) -> &'static str {
        match self {
            QuantityKind::Frequency => "频次",
            QuantityKind::Deadline => "时限",
            QuantityKind::Amount => "金额",
            QuantityKind::Ratio => "比例",
            QuantityKind::Count => "数量",
        }
    }
}

/// How the value bounds the quantity.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// As written: 一年一次, 15个工作日.
    Exact,
    /// 不少于, 至少, 以上.
    AtLeast,
    /// 不超过, 以下, 以内, 内 (and 未满: short of it).
    AtMost,
    /// From `value` to `upper`: 1万元以上3万元以下, 1至2次, 15%-25%.
    Range,
}

/// One number with its unit, as written and normalised.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    /// The words it was read from, e.g. 每年不少于1次.
    pub text: String,
    pub kind: QuantityKind,
    pub value: f64,
    /// The top of a range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upper: Option<f64>,
    /// Normalised unit: 次/年, 工作日, 日, 小时, 月, 年, 元, %, 倍, 人, 家, 次.
    pub unit: String,
    pub bound: Bound,
    /// The comparable form, e.g. `≥1次/年`, `≤15工作日`, `1万–3万元`.
    pub normalised: String,
    /// Set by a comparison: another bureau states this kind differently.
    #[serde(default)]
    pub differs: bool,
}

const CN_NUM: &str = "零〇一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟";
const AT_LEAST: [&str; 6] = ["不得少于", "不少于", "不低于", "至少", "最少", "满"];
const AT_MOST: [&str; 5] = ["不得超过", "不超过", "不多于", "最多", "最长"];

/// A number, then an optional range end, then the unit and what follows it.
static QUANTITY: Lazy<Regex> = Lazy::new(|| {
    let n = format!(r"(?:\d+(?:\.\d+)?|[{CN_NUM}]+)\s*(?:万|千)?");
    Regex::new(&format!(
        r"(?P<n>{n})\s*(?:(?P<u1>个工作日|工作日|个月|小时|日|天|年|次|元|倍|%|％)?\s*(?:以上)?\s*(?:至|-|－|~|～|到)\s*(?P<n2>{n})\s*)?(?P<unit>个工作日|工作日|个月|小时|日|天|周|年|次|元|倍|%|％|人|名|家)(?P<after>以上|以下|以内|之内|内)?"
    ))
    .expect("quantity pattern")
});

static PERIOD: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?:每(?:个)?|一|1)\s*(?P<p>半年|年度|年|季度|季|个月|月|周|日|天)|(?P<y>年度|全年)",
    )
    .expect("period pattern")
});

/// The quantities of a text, in order.
pub fn extract(text: &str) -> Vec<Quantity> {
    let text = &ascii_digits(text);
    let mut out: Vec<Quantity> = Vec::new();
    let matches: Vec<regex::Captures> = QUANTITY.captures_iter(text).collect();
    let mut skip_next = false;
    // 1万元以上3万元以下: a lower bound followed by an upper bound of the same
    // unit is one range.
    let mut i = 0;
    while i < matches.len() {
        let m = &matches[i];
        let whole = m.get(0).expect("match");
        let start = whole.start();
        let before = &text[..start];
        if before.ends_with('第') || before.ends_with("附件") {
            i += 1;
            continue;
        }
        let unit_raw = &m["unit"];
        let after_text = &text[whole.end()..];
        let Some(value) = number(&m["n"]) else {
            i += 1;
            continue;
        };
        // 1至2次, 15%-25%: the first number starts the range.
        let mut upper = m.name("n2").and_then(|n| number(n.as_str()));
        let mut end = whole.end();
        let mut bound = match m.name("after").map(|a| a.as_str()) {
            Some("以上") => Bound::AtLeast,
            Some(_) => Bound::AtMost,
            None => Bound::Exact,
        };
        if upper.is_some() {
            bound = Bound::Range;
        } else if bound == Bound::AtLeast
            && let Some(next) = matches.get(i + 1)
            && next.name("after").is_some_and(|a| a.as_str() == "以下")
            && next["unit"] == *unit_raw
            && next.get(0).expect("match").start() - end <= 3
            && let Some(top) = number(&next["n"])
        {
            upper = Some(top);
            bound = Bound::Range;
            end = next.get(0).expect("match").end();
            skip_next = true;
        }
        let clause_start = before
            .rfind(['，', '。', '；', ',', ';', '：', '\n', '\t'])
            .map(|p| p + before[p..].chars().next().map_or(1, char::len_utf8))
            .unwrap_or(0);
        let clause = &before[clause_start..];
        if bound == Bound::Exact {
            let near = tail_chars(clause, 14);
            // 未满1年, 不满三年: short of the value.
            if near.contains("未满") || near.contains("不满") || near.contains("不足") {
                bound = Bound::AtMost;
            } else if AT_LEAST.iter().any(|w| near.contains(w)) {
                bound = Bound::AtLeast;
            } else if AT_MOST.iter().any(|w| near.contains(w)) {
                bound = Bound::AtMost;
            }
        }
        let Some((kind, unit)) = kind_and_unit(unit_raw, clause, after_text, bound, value) else {
            i += 1;
            continue;
        };
        let mut from = start;
        if kind == QuantityKind::Frequency
            && let Some(p) = PERIOD.find_iter(clause).last()
        {
            from = clause_start + p.start();
        }
        // A 每年 / 一年 period read as its own 1年 quantity just before.
        if kind == QuantityKind::Frequency
            && out.last().is_some_and(|q: &Quantity| {
                q.kind == QuantityKind::Deadline
                    && q.unit == "年"
                    && text[from..start].contains(&q.text)
            })
        {
            out.pop();
        }
        let quantity = Quantity {
            text: text[from..end].trim().to_string(),
            kind,
            value,
            upper,
            normalised: normalise(value, upper, &unit, bound),
            unit,
            bound,
            differs: false,
        };
        out.push(quantity);
        i += if std::mem::take(&mut skip_next) { 2 } else { 1 };
    }
    out
}

/// Whether a unit, in its context, makes a quantity, and which.
fn kind_and_unit(
    unit: &str,
    clause: &str,
    after: &str,
    bound: Bound,
    value: f64,
) -> Option<(QuantityKind, String)> {
    let prev = clause.chars().next_back();
    Some(match unit {
        "次" => {
            if after.starts_with('性') {
                return None;
            }
            match period(clause) {
                Some(p) => (QuantityKind::Frequency, format!("次/{p}")),
                None if bound != Bound::Exact => (QuantityKind::Count, "次".into()),
                None => return None,
            }
        }
        "个工作日" | "工作日" => (QuantityKind::Deadline, "工作日".into()),
        "日" | "天" => {
            // 3月15日 is a date, 日内 / 日起 a time limit.
            if prev == Some('月') || value > 366.0 {
                return None;
            }
            (QuantityKind::Deadline, "日".into())
        }
        "小时" => (QuantityKind::Deadline, "小时".into()),
        "个月" => (QuantityKind::Deadline, "月".into()),
        "年" => {
            // 2015年 is a date; 2年内, 一年以上 a duration.
            if value >= 100.0 || bound == Bound::Exact || after.starts_with('度') {
                return None;
            }
            (QuantityKind::Deadline, "年".into())
        }
        "周" => (QuantityKind::Deadline, "周".into()),
        "元" => (QuantityKind::Amount, "元".into()),
        "倍" => (QuantityKind::Ratio, "倍".into()),
        "%" | "％" => (QuantityKind::Ratio, "%".into()),
        "人" | "名" | "家" => {
            if bound == Bound::Exact {
                return None;
            }
            let unit = if unit == "家" { "家" } else { "人" };
            (QuantityKind::Count, unit.into())
        }
        _ => return None,
    })
}

/// The period a count of 次 is per, from the clause before it.
fn period(clause: &str) -> Option<&'static str> {
    let caps = PERIOD.captures_iter(clause).last()?;
    let p = caps
        .name("p")
        .or_else(|| caps.name("y"))
        .map(|m| m.as_str())?;
    Some(match p {
        "年" | "年度" | "全年" => "年",
        "半年" => "半年",
        "季度" | "季" => "季度",
        "月" | "个月" => "月",
        "周" => "周",
        _ => "日",
    })
}

/// The value of a number as written: 15, 0.5, 三十, 一千, 3万, 贰万.
fn number(written: &str) -> Option<f64> {
    let written: String = written.chars().filter(|c| !c.is_whitespace()).collect();
    let (digits, factor) = if let Some(d) = written.strip_suffix('万') {
        (d.to_string(), 10_000.0)
    } else if let Some(d) = written.strip_suffix('千')
        && d.chars().all(|c| c.is_ascii_digit() || c == '.')
        && !d.is_empty()
    {
        (d.to_string(), 1_000.0)
    } else {
        (written.clone(), 1.0)
    };
    if digits.is_empty() {
        return None;
    }
    if let Ok(v) = digits.parse::<f64>() {
        return Some(v * factor);
    }
    let plain: String = digits
        .chars()
        .map(|c| match c {
            '壹' => '一',
            '贰' => '二',
            '叁' => '三',
            '肆' => '四',
            '伍' => '五',
            '陆' => '六',
            '柒' => '七',
            '捌' => '八',
            '玖' => '九',
            '拾' => '十',
            '佰' => '百',
            '仟' => '千',
            c => c,
        })
        .collect();
    crate::laws::numeral(&plain).map(|v| f64::from(v) * factor)
}

fn ascii_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            c => c,
        })
        .collect()
}

fn tail_chars(s: &str, n: usize) -> &str {
    let count = s.chars().count();
    let skip = count.saturating_sub(n);
    let at = s.char_indices().nth(skip).map_or(s.len(), |(i, _)| i);
    &s[at..]
}

fn show(v: f64) -> String {
    if v >= 10_000.0 && (v % 10_000.0).abs() < f64::EPSILON {
        format!("{}万", v / 10_000.0)
    } else {
        format!("{v}")
    }
}

fn normalise(value: f64, upper: Option<f64>, unit: &str, bound: Bound) -> String {
    match (bound, upper) {
        (Bound::Range, Some(top)) => format!("{}–{}{unit}", show(value), show(top)),
        (Bound::AtLeast, _) => format!("≥{}{unit}", show(value)),
        (Bound::AtMost, _) => format!("≤{}{unit}", show(value)),
        _ => format!("{}{unit}", show(value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(text: &str) -> Vec<String> {
        extract(text).into_iter().map(|q| q.normalised).collect()
    }

    #[test]
    fn frequencies_from_the_seeds() {
        // 000:1705, 002:154, 004:136, 001:1117-like, 001:1378, 003:1196.
        assert_eq!(
            norms("县级质量技术监督部门对辖区内获证企业的巡查频次每年不少于1次。"),
            ["≥1次/年"]
        );
        assert_eq!(
            norms("（一）对辖区内获证企业的日常监督检查频次每年度不少于 1 次。"),
            ["≥1次/年"]
        );
        assert_eq!(
            norms("机构每年至少自查一次，当地市场监督管理部门对自查情况进行实地核查。"),
            ["≥1次/年"]
        );
        assert_eq!(
            norms("（一）定期检查。一般一年检查一次，机构自查和现场抽查相结合。"),
            ["1次/年"]
        );
        assert_eq!(
            norms("1、定期检查。一般为一年1至2次，在每年纤维的收购加工时期"),
            ["1–2次/年"]
        );
        assert_eq!(
            norms(
                "1、日常巡查：机动车安检机构每月 1 次，向社会提供公 证数据的实验室每年不少于 2 次，检查面要"
            ),
            ["1次/月", "≥2次/年"]
        );
        let q =
            &extract("其中，属于特种设备重点监督检查的使用单位，每年日常监督检查次数不得少于1次。")
                [0];
        assert_eq!(q.text, "每年日常监督检查次数不得少于1次");
        assert_eq!(
            (q.kind, q.value, q.bound),
            (QuantityKind::Frequency, 1.0, Bound::AtLeast)
        );
    }

    #[test]
    fn deadlines_amounts_and_ratios_from_the_seeds() {
        assert_eq!(norms("市局稽查队在15个工作日内"), ["≤15工作日"]);
        assert_eq!(norms("于案发之日起七日内"), ["≤7日"]);
        assert_eq!(norms("应当在24小时内报告"), ["≤24小时"]);
        assert_eq!(norms("一般应当在3个月内"), ["≤3月"]);
        assert_eq!(norms("并处以1万元以上3万元以下罚款"), ["1万–3万元"]);
        assert_eq!(norms("可并处一千元以下罚款"), ["≤1000元"]);
        assert_eq!(norms("处1千元以下"), ["≤1000元"]);
        assert_eq!(norms("实施了罚款贰万元"), ["2万元"]);
        assert_eq!(norms("器具货值金额一倍以上三倍以下的罚款"), ["1–3倍"]);
        assert_eq!(norms("每年不少于全县取证单位总数的 15%-25%"), ["15–25%"]);
        assert_eq!(norms("抽样人员不得少于2名。"), ["≥2人"]);
        assert_eq!(norms("检验报告之日起15日内"), ["≤15日"]);
        assert_eq!(norms("通知书之日起十五日内"), ["≤15日"]);
        assert_eq!(norms("有无连续一年以上"), ["≥1年"]);
        assert_eq!(norms("许可资质未满1年"), ["≤1年"]);
        assert_eq!(
            norms("责令停止并处一百元以上一千元以下罚款"),
            ["100–1000元"]
        );
    }

    #[test]
    fn dates_and_ordinals_are_not_quantities() {
        assert!(norms("《中华人民共和国产品质量法》（1993年2月22日第七届全国人民代表大会常务委员会第三十次会议通过）").is_empty());
        assert!(norms("二〇一五年七月").is_empty());
        assert!(norms("国务院令第455号").is_empty());
        assert!(norms("一次性告知").is_empty());
    }
}
