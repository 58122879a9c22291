//! Words and lines with their boxes, and how their text is joined.
//!
//! Coordinates are PDF points with y growing downwards, as pdftotext
//! writes them. Everything the structure reader decides is relative to the
//! height of a line of text, so documents set in other sizes behave alike.

use std::sync::LazyLock;

use regex::Regex;

/// One word as pdftotext found it: a run of glyphs without a space.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub text: String,
}

impl Word {
    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }

    pub fn centre_x(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }

    pub fn centre_y(&self) -> f64 {
        (self.y0 + self.y1) / 2.0
    }

    fn has_cjk(&self) -> bool {
        self.text.chars().any(is_cjk)
    }
}

/// Words sharing a baseline, left to right.
///
/// The vertical extent is taken from the words set in a CJK font when
/// there are any: a Latin fallback font has other ascent and descent, and
/// a digit at the start of a line would otherwise move its top by a point
/// or two — as much as the gap that separates two table rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub words: Vec<Word>,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Line {
    /// A line of the given words (not empty), sorted left to right.
    pub fn new(mut words: Vec<Word>) -> Line {
        words.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let x0 = words.iter().map(|w| w.x0).fold(f64::INFINITY, f64::min);
        let x1 = words.iter().map(|w| w.x1).fold(f64::NEG_INFINITY, f64::max);
        let cjk: Vec<&Word> = words.iter().filter(|w| w.has_cjk()).collect();
        let basis: Vec<&Word> = if cjk.is_empty() {
            words.iter().collect()
        } else {
            cjk
        };
        let y0 = basis.iter().map(|w| w.y0).fold(f64::INFINITY, f64::min);
        let y1 = basis.iter().map(|w| w.y1).fold(f64::NEG_INFINITY, f64::max);
        Line {
            words,
            x0,
            y0,
            x1,
            y1,
        }
    }

    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }

    /// The width of one CJK character in the line's font, from its words
    /// of CJK characters only.
    pub fn em(&self) -> Option<f64> {
        self.words
            .iter()
            .filter(|w| !w.text.is_empty() && w.text.chars().all(is_cjk))
            .map(|w| (w.x1 - w.x0) / w.text.chars().count() as f64)
            .max_by(f64::total_cmp)
    }

    /// The words' text, spaced as a reader would write it.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let mut previous: Option<&Word> = None;
        for word in &self.words {
            if let Some(p) = previous
                && needs_space(p, word)
            {
                out.push(' ');
            }
            out.push_str(&word.text);
            previous = Some(word);
        }
        out
    }
}

/// One page's lines, top to bottom, with the page's size.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// 1-based.
    pub number: u32,
    pub width: f64,
    pub height: f64,
    pub lines: Vec<Line>,
}

/// Groups words into lines: a word belongs to the line whose first word's
/// vertical centre is within half a line height of its own. Lines come out
/// top to bottom.
pub fn lines_of(mut words: Vec<Word>) -> Vec<Line> {
    words.retain(|w| !w.text.trim().is_empty() && w.x1 >= w.x0 && w.y1 >= w.y0);
    words.sort_by(|a, b| a.centre_y().total_cmp(&b.centre_y()));
    let mut lines: Vec<Line> = Vec::new();
    let mut current: Vec<Word> = Vec::new();
    let mut anchor = f64::NEG_INFINITY;
    let mut reach = 0.0;
    for word in words {
        if !current.is_empty() && word.centre_y() - anchor > reach {
            lines.push(Line::new(std::mem::take(&mut current)));
        }
        if current.is_empty() {
            anchor = word.centre_y();
            reach = word.height().max(1.0) / 2.0;
        }
        current.push(word);
    }
    if !current.is_empty() {
        lines.push(Line::new(current));
    }
    lines.sort_by(|a, b| a.y0.total_cmp(&b.y0));
    lines
}

/// pdftotext ends a word at every visible gap. Between two CJK characters
/// a gap is justification or a font change, never a space; between Latin
/// letters or digits it is a space. A CJK–Latin boundary keeps its space
/// only when the gap is as wide as a real one (word processors put a
/// quarter em between the scripts on their own).
fn needs_space(left: &Word, right: &Word) -> bool {
    let (Some(a), Some(b)) = (left.text.chars().last(), right.text.chars().next()) else {
        return false;
    };
    let gap = right.x0 - left.x1;
    let em = left.height().min(right.height()).max(1.0) / 1.3;
    if is_cjk(a) && is_cjk(b) {
        false
    } else if is_cjk(a) || is_cjk(b) {
        gap > 0.45 * em
    } else {
        gap > 0.1 * em
    }
}

/// Joins a wrapped line to the text before it: Latin or digit runs on both
/// sides of the break were separated by a space the wrap consumed; CJK text
/// is written without one.
pub fn join_wrapped(text: &mut String, next: &str) {
    let next = next.trim();
    if next.is_empty() {
        return;
    }
    let trimmed_len = text.trim_end().len();
    text.truncate(trimmed_len);
    if let (Some(a), Some(b)) = (text.chars().last(), next.chars().next())
        && a.is_ascii_alphanumeric()
        && b.is_ascii_alphanumeric()
    {
        text.push(' ');
    }
    text.push_str(next);
}

/// CJK ideographs, kana and the CJK and full-width punctuation blocks.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF
        | 0x3000..=0x303F
        | 0x3040..=0x30FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF
        | 0x20000..=0x2FA1F)
        || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·')
}

static LIST_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(（[一二三四五六七八九十百]+）|\([一二三四五六七八九十百]+\)|[一二三四五六七八九十百]+、|（\d+）|\(\d+\)|\d+[、）)]|\d+[.．]([^\d]|$)|[①-⑳]|第[一二三四五六七八九十百\d]+[章节条部分])",
    )
    .expect("valid list marker regex")
});

/// Does the text start with a list marker or a numbered heading (`一、`,
/// `（一）`, `（1）`, `1.`, `1、`, `①`, `第二条`)? Such a line starts a
/// paragraph of its own even when the line above it is full.
pub fn starts_list_item(text: &str) -> bool {
    LIST_MARKER.is_match(text)
}

/// The median of some values (0 for none).
pub fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn word(x0: f64, y0: f64, x1: f64, text: &str) -> Word {
        Word {
            x0,
            y0,
            x1,
            y1: y0 + 13.0,
            text: text.into(),
        }
    }

    #[test]
    fn words_become_lines_spaced_by_script() {
        let lines = lines_of(vec![
            word(100.0, 10.0, 160.0, "疫总局令第"),
            word(162.0, 10.2, 181.0, "121"),
            word(183.0, 10.0, 213.0, "号）；"),
            word(100.0, 24.3, 130.0, "Hello"),
            word(134.0, 24.3, 160.0, "world"),
        ]);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text(), "疫总局令第121号）；");
        assert_eq!(lines[1].text(), "Hello world");
    }

    #[test]
    fn wrapped_lines_join_without_a_space_unless_both_sides_are_latin() {
        let mut text = String::from("负责生产领域");
        join_wrapped(&mut text, "产品质量");
        assert_eq!(text, "负责生产领域产品质量");
        let mut text = String::from("ISO 9001");
        join_wrapped(&mut text, "2015 版");
        assert_eq!(text, "ISO 9001 2015 版");
    }

    #[test]
    fn list_markers() {
        for yes in [
            "（1）负责",
            "1.《道路交通安全法》",
            "2、负责",
            "①负责",
            "一、部门职责",
            "（一）监督",
            "第三条",
        ] {
            assert!(starts_list_item(yes), "{yes}");
        }
        for no in ["1.5倍以上", "2015年", "负责（1）", "市质监局"] {
            assert!(!starts_list_item(no), "{no}");
        }
    }
}
