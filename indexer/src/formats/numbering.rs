//! Word's automatic numbering (`word/numbering.xml`): the label Word shows
//! before a numbered paragraph, such as `一、`, `（一）` or `1.`.
//!
//! Headings of responsibility lists are numbered this way as often as they
//! are typed, and the section and prose readers find headings by their
//! numbering, so the label has to be part of the text.

use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::events::Event;

/// One level of a list: how its number is written.
#[derive(Debug, Clone, Default)]
struct Level {
    start: u32,
    format: String,
    text: String,
}

/// The numbering definitions of a document and the counters of its lists.
#[derive(Debug, Clone, Default)]
pub struct Numbering {
    /// numId → abstractNumId.
    nums: HashMap<String, String>,
    /// abstractNumId → levels by ilvl.
    abstracts: HashMap<String, Vec<Level>>,
    /// numId → current value of each level.
    counters: HashMap<String, Vec<u32>>,
}

impl Numbering {
    pub fn parse(xml: &[u8]) -> Result<Numbering, quick_xml::Error> {
        let mut numbering = Numbering::default();
        let mut reader = Reader::from_reader(xml);
        let mut buf = Vec::new();
        let mut abstract_id: Option<String> = None;
        let mut num_id: Option<String> = None;
        let mut level: Option<usize> = None;
        loop {
            let event = reader.read_event_into(&mut buf)?;
            let (e, is_end) = match &event {
                Event::Start(e) | Event::Empty(e) => (Some(e.clone()), false),
                Event::End(_) => (None, true),
                Event::Eof => break,
                _ => (None, false),
            };
            if is_end {
                if let Event::End(end) = &event {
                    match end.local_name().as_ref() {
                        "abstractNum" => abstract_id = None,
                        "num" => num_id = None,
                        "lvl" => level = None,
                        _ => {}
                    }
                }
                buf.clear();
                continue;
            }
            let Some(e) = e else {
                buf.clear();
                continue;
            };
            let attr = |name: &str| {
                e.attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == name)
                    .and_then(|a| {
                        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .ok()
                            .map(|v| v.into_owned())
                    })
            };
            match e.local_name().as_ref() {
                "abstractNum" => abstract_id = attr("abstractNumId"),
                "num" => num_id = attr("numId"),
                "abstractNumId" => {
                    if let (Some(num), Some(abs)) = (&num_id, attr("val")) {
                        numbering.nums.insert(num.clone(), abs);
                    }
                }
                "lvl" => level = attr("ilvl").and_then(|v| v.parse().ok()).filter(|&l| l < 9),
                "start" | "numFmt" | "lvlText" => {
                    if let (Some(abs), Some(l)) = (&abstract_id, level) {
                        let levels = numbering.abstracts.entry(abs.clone()).or_default();
                        if levels.len() <= l {
                            levels.resize(l + 1, Level::default());
                        }
                        let value = attr("val").unwrap_or_default();
                        match e.local_name().as_ref() {
                            "start" => levels[l].start = value.parse().unwrap_or(1),
                            "numFmt" => levels[l].format = value,
                            _ => levels[l].text = value,
                        }
                    }
                }
                _ => {}
            }
            buf.clear();
        }
        Ok(numbering)
    }

    /// The label of the next paragraph of list `num_id` at `level`, counting
    /// it; deeper levels restart. `None` for bullets and unknown lists.
    pub fn next_label(&mut self, num_id: &str, level: usize) -> Option<String> {
        let levels = self.abstracts.get(self.nums.get(num_id)?)?;
        let def = levels.get(level)?;
        if def.format == "bullet" || def.format == "none" {
            return None;
        }
        let counters = self.counters.entry(num_id.to_string()).or_default();
        if counters.len() < levels.len() {
            counters.resize(levels.len(), 0);
        }
        for (l, counter) in counters.iter_mut().enumerate() {
            let start = levels.get(l).map_or(1, |d| d.start);
            if l == level {
                *counter = if *counter == 0 {
                    start.max(1)
                } else {
                    *counter + 1
                };
            } else if l > level {
                *counter = 0;
            }
        }
        let mut label = def.text.clone();
        for (l, value) in counters.iter().enumerate().take(level + 1) {
            let format = levels.get(l).map_or("decimal", |d| d.format.as_str());
            label = label.replace(
                &format!("%{}", l + 1),
                &write_number((*value).max(1), format),
            );
        }
        Some(label)
    }
}

/// A number in one of Word's formats.
fn write_number(n: u32, format: &str) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "chineseLegalSimplified"
        | "japaneseCounting"
        | "ideographDigital"
        | "taiwaneseCounting" => chinese(n),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1).map_or(n.to_string(), String::from)
        }
        "lowerLetter" => letter(n, b'a'),
        "upperLetter" => letter(n, b'A'),
        "lowerRoman" => roman(n).to_lowercase(),
        "upperRoman" => roman(n),
        _ => n.to_string(),
    }
}

fn chinese(n: u32) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n as usize].to_string(),
        10..=19 => format!(
            "十{}",
            if n > 10 {
                DIGITS[(n % 10) as usize]
            } else {
                ""
            }
        ),
        20..=99 => format!(
            "{}十{}",
            DIGITS[(n / 10) as usize],
            if !n.is_multiple_of(10) {
                DIGITS[(n % 10) as usize]
            } else {
                ""
            }
        ),
        _ => n.to_string(),
    }
}

fn letter(n: u32, base: u8) -> String {
    let i = ((n - 1) % 26) as u8;
    char::from(base + i).to_string()
}

fn roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, digits) in TABLE {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<w:numbering xmlns:w="w">
      <w:abstractNum w:abstractNumId="0">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="3"><w:abstractNumId w:val="0"/></w:num>
    </w:numbering>"#;

    #[test]
    fn labels_as_word_shows_them() {
        let mut n = Numbering::parse(XML.as_bytes()).unwrap();
        assert_eq!(n.next_label("3", 0).as_deref(), Some("一、"));
        assert_eq!(n.next_label("3", 1).as_deref(), Some("（一）"));
        assert_eq!(n.next_label("3", 1).as_deref(), Some("（二）"));
        assert_eq!(n.next_label("3", 0).as_deref(), Some("二、"));
        assert_eq!(n.next_label("3", 1).as_deref(), Some("（一）"));
        assert_eq!(n.next_label("9", 0), None);
        assert_eq!(chinese(12), "十二");
        assert_eq!(chinese(20), "二十");
    }
}
