//! Top-level section splitting, shared by every encoding.
//!
//! A bare `一、` is not enough to find a top-level section: inner headings use
//! the same numbering. A section heading names one of the five known section
//! kinds and nothing else on its line, which also rejects the table of
//! contents of 002 (`一、部门主要职责\t(1)`).

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::{Encoding, Line};
use crate::record::{LineSpan, SectionKind};

static SECTION_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[一二三四五六]、(部门(主要)?职责|(与相关部门的)?(部门)?职责边界|公共服务事项|事中事后监(督)?管(理)?制度|责任追究机制)(登记表)?$",
    )
    .expect("valid section heading regex")
});

/// A section found in a document: its kind, heading line and body lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundSection {
    pub kind: SectionKind,
    pub title: String,
    pub heading: LineSpan,
    /// Indices into the document's line slice, heading excluded.
    pub body: Range<usize>,
}

/// The section kind a heading line announces, if it is a top-level heading.
pub fn heading_kind(line: &str) -> Option<SectionKind> {
    let squashed: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let caps = SECTION_HEADING.captures(&squashed)?;
    let name = caps.get(1)?.as_str();
    let kind = if name.contains("边界") {
        SectionKind::Boundary
    } else if name.contains("职责") {
        SectionKind::Duties
    } else if name.contains("公共服务") {
        SectionKind::PublicService
    } else if name.contains("追究") {
        SectionKind::Accountability
    } else {
        SectionKind::Supervision
    };
    Some(kind)
}

/// Splits a document into its top-level sections. A prose-only document
/// (encoding D) without any top-level heading is one supervision section.
pub fn split(lines: &[Line], encoding: Encoding) -> Vec<FoundSection> {
    let headings: Vec<(usize, SectionKind)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| heading_kind(l.text).map(|k| (i, k)))
        .collect();
    if headings.is_empty() {
        return whole_document_as_prose(lines, encoding);
    }
    headings
        .iter()
        .enumerate()
        .map(|(n, &(i, kind))| {
            let end = headings.get(n + 1).map_or(lines.len(), |&(next, _)| next);
            FoundSection {
                kind,
                title: lines[i].text.trim().to_string(),
                heading: LineSpan::line(lines[i].number),
                body: i + 1..end,
            }
        })
        .collect()
}

fn whole_document_as_prose(lines: &[Line], encoding: Encoding) -> Vec<FoundSection> {
    let Some(first) = lines.iter().position(|l| !l.is_blank()) else {
        return Vec::new();
    };
    // A prose-only export, or an original document's text: a whole
    // document of numbered prose is one supervision section.
    if !matches!(encoding, Encoding::Prose | Encoding::Extracted) {
        return Vec::new();
    }
    vec![FoundSection {
        kind: SectionKind::Supervision,
        title: lines[first].text.trim().to_string(),
        heading: LineSpan::line(lines[first].number),
        body: first..lines.len(),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_every_heading_form() {
        assert_eq!(
            heading_kind("   一、部门职责登记表"),
            Some(SectionKind::Duties)
        );
        assert_eq!(heading_kind("一、部门主要职责"), Some(SectionKind::Duties));
        assert_eq!(
            heading_kind("二、与相关部门的职责边界登记表"),
            Some(SectionKind::Boundary)
        );
        assert_eq!(
            heading_kind("二、部门职责边界"),
            Some(SectionKind::Boundary)
        );
        assert_eq!(
            heading_kind("三、公共服务事项登记表"),
            Some(SectionKind::PublicService)
        );
        assert_eq!(
            heading_kind("四、事中事后监督管理制度 "),
            Some(SectionKind::Supervision)
        );
        assert_eq!(
            heading_kind("三、事中事后监管制度"),
            Some(SectionKind::Supervision)
        );
        assert_eq!(
            heading_kind("五、责任追究机制"),
            Some(SectionKind::Accountability)
        );
    }

    #[test]
    fn rejects_inner_headings_and_table_of_contents() {
        assert_eq!(heading_kind("一、部门主要职责\t(1)"), None);
        assert_eq!(heading_kind("一、监督检查对象"), None);
        assert_eq!(heading_kind("一、行政机关"), None);
    }
}
