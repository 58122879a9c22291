//! The prose reader, shared by every encoding: supervision rules and
//! accountability sections are numbered prose in all five documents.
//!
//! Three steps: wrapped lines → paragraphs; paragraphs → subsections (the
//! rule from FORMATS.md: numbering increases by one and a real subsection is
//! followed by an inner restart at `一、` or by a paragraph starting 为/根据,
//! which skips tables of contents and inner headings alike); subsections →
//! blocks of at most a few paragraphs under their inner heading, so a record
//! cites a passage, never a whole section.

use super::{Encoding, Line, ProseBlock, Warning};
use crate::record::LineSpan;
use crate::text;

/// A block never spans more source lines than this, so citations stay precise.
const MAX_BLOCK_LINES: usize = 16;
/// Nor holds more characters than this (about what an embedding model reads well).
const MAX_BLOCK_CHARS: usize = 480;
/// An inner heading starts a new block once the current one is this long.
const MIN_BLOCK_LINES: usize = 6;
/// Text exports wrap prose at about this many characters; a paragraph of an
/// original document (one line of extracted text) counts as the lines it
/// would wrap to, so blocks are cut alike in every format.
const EXPORT_LINE_CHARS: usize = 36;
/// Headings are short and carry no clause punctuation.
const MAX_HEADING_CHARS: usize = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumberStyle {
    /// （一） or (一)
    Paren,
    /// 一、
    Dun,
}

#[derive(Debug, Clone)]
struct Paragraph<'a> {
    lines: Vec<&'a str>,
    span: LineSpan,
    /// Numbered heading: its style and value.
    heading: Option<(NumberStyle, u32)>,
    /// Lines it would take in a text export, when it came unwrapped from an
    /// original document.
    unwrapped_lines: Option<usize>,
}

impl Paragraph<'_> {
    fn first_line(&self) -> &str {
        self.lines.first().map_or("", |l| l.trim())
    }

    fn cleaned(&self) -> String {
        text::clean(&self.lines.join("\n"))
    }

    fn is_heading_of(&self, style: NumberStyle) -> bool {
        matches!(self.heading, Some((s, _)) if s == style)
    }
}

/// Reads a prose section into blocks with heading paths.
pub fn read_blocks(
    lines: &[Line],
    encoding: Encoding,
    warnings: &mut Vec<Warning>,
) -> Vec<ProseBlock> {
    let paragraphs = paragraphs(lines, encoding);
    if paragraphs.is_empty() {
        return Vec::new();
    }
    let subsections = [NumberStyle::Paren, NumberStyle::Dun]
        .into_iter()
        .map(|style| find_subsections(&paragraphs, style))
        .max_by_key(Vec::len)
        .unwrap_or_default();
    if subsections.is_empty() {
        let line = paragraphs[0].span.start;
        warnings.push(Warning::new(
            line,
            "prose section without numbered subsections; read as one subsection",
        ));
        return blocks_of_subsection(&[], None, &paragraphs);
    }
    subsections
        .iter()
        .enumerate()
        .flat_map(|(n, &start)| {
            let end = subsections.get(n + 1).copied().unwrap_or(paragraphs.len());
            let title = strip_marker(&paragraphs[start].cleaned());
            blocks_of_subsection(
                &[title],
                Some(paragraphs[start].span),
                &paragraphs[start + 1..end],
            )
        })
        .collect()
}

/// Joins hard-wrapped lines into paragraphs. A line continues the paragraph
/// before it unless that one is finished (sentence punctuation), is a
/// heading, or the line starts a list marker; blank lines between wrapped
/// halves do not matter. Text extracted from an original document already
/// has one paragraph per line.
fn paragraphs<'a>(lines: &[Line<'a>], encoding: Encoding) -> Vec<Paragraph<'a>> {
    let mut out: Vec<Paragraph<'a>> = Vec::new();
    for line in lines.iter().filter(|l| !l.is_blank()) {
        let continues = encoding != Encoding::Extracted
            && out.last().is_some_and(|p| {
                p.heading.is_none()
                    && !text::ends_sentence(p.lines.last().copied().unwrap_or(""))
                    && !text::starts_list_marker(line.text)
            });
        match out.last_mut() {
            Some(p) if continues => {
                p.lines.push(line.text);
                p.span = p.span.union(LineSpan::line(line.number));
            }
            _ => out.push(Paragraph {
                lines: vec![line.text],
                span: LineSpan::line(line.number),
                heading: heading_number(line.text),
                unwrapped_lines: (encoding == Encoding::Extracted).then(|| {
                    line.text
                        .trim()
                        .chars()
                        .count()
                        .div_ceil(EXPORT_LINE_CHARS)
                        .max(1)
                }),
            }),
        }
    }
    out
}

/// The numbering of a heading line: a Chinese numeral in （一）/(一) or 一、
/// form followed by a short title without clause punctuation.
fn heading_number(line: &str) -> Option<(NumberStyle, u32)> {
    let line = line.trim();
    let (style, numeral, rest) =
        if let Some(rest) = line.strip_prefix('（').or_else(|| line.strip_prefix('(')) {
            let close = rest.find(['）', ')'])?;
            let after = &rest[close..];
            let after = after.char_indices().nth(1).map_or("", |(i, _)| &after[i..]);
            (NumberStyle::Paren, &rest[..close], after)
        } else {
            let dun = line.find('、')?;
            (
                NumberStyle::Dun,
                &line[..dun],
                &line[dun + '、'.len_utf8()..],
            )
        };
    let value = chinese_numeral(numeral)?;
    let title = rest.trim();
    let is_title = !title.is_empty()
        && title.chars().count() <= MAX_HEADING_CHARS
        && !title.contains(['，', '；', '。', '：', ',', ';', ':']);
    is_title.then_some((style, value))
}

/// Value of a Chinese numeral from 一 to 九十九.
fn chinese_numeral(s: &str) -> Option<u32> {
    let digit = |c: char| {
        "一二三四五六七八九"
            .find(c)
            .map(|i| (i / '一'.len_utf8()) as u32 + 1)
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

/// Indices of the paragraphs that open a subsection in the given style.
fn find_subsections(paragraphs: &[Paragraph], style: NumberStyle) -> Vec<usize> {
    let mut expected = 1;
    let mut found = Vec::new();
    for (i, p) in paragraphs.iter().enumerate() {
        if p.heading == Some((style, expected)) && opens_subsection(paragraphs, i, style) {
            found.push(i);
            expected += 1;
        }
    }
    found
}

/// A candidate opens a subsection when its body begins with a purpose
/// paragraph (为…/根据…) or restarts the inner numbering at 一、.
fn opens_subsection(paragraphs: &[Paragraph], at: usize, style: NumberStyle) -> bool {
    let Some(next) = paragraphs.get(at + 1) else {
        return false;
    };
    if next.heading.is_none()
        && (next.first_line().starts_with('为') || next.first_line().starts_with("根据"))
    {
        return true;
    }
    for p in &paragraphs[at + 1..] {
        match p.heading {
            Some((NumberStyle::Dun, 1)) => return true,
            Some((s, _)) if s == style => return false,
            _ => {}
        }
    }
    false
}

/// Cuts a subsection into blocks of consecutive paragraphs, inner headings
/// included, within the line and size limits. An inner heading (一、) starts
/// a new block once the current one has [`MIN_BLOCK_LINES`] lines, so a short
/// group stays with its neighbours and a citation covers a readable passage.
/// The first block's span includes the subsection heading.
fn blocks_of_subsection(
    path: &[String],
    heading: Option<LineSpan>,
    paragraphs: &[Paragraph],
) -> Vec<ProseBlock> {
    let mut blocks = Vec::new();
    let mut current: Vec<&Paragraph> = Vec::new();
    let mut inner: Option<String> = None;
    let mut heading = heading;
    for p in paragraphs {
        let is_inner_heading = p.is_heading_of(NumberStyle::Dun);
        if !current.is_empty()
            && (exceeds_limits(&current, p)
                || (is_inner_heading && lines_of(&current) >= MIN_BLOCK_LINES))
        {
            blocks.extend(make_block(path, &inner, &current, heading.take()));
            current.clear();
        }
        if is_inner_heading {
            inner = Some(strip_marker(&p.cleaned()));
        }
        current.push(p);
    }
    blocks.extend(make_block(path, &inner, &current, heading));
    blocks
}

fn lines_of(chunk: &[&Paragraph]) -> usize {
    if let Some(lines) = chunk
        .iter()
        .map(|p| p.unwrapped_lines)
        .sum::<Option<usize>>()
    {
        return lines;
    }
    match (chunk.first(), chunk.last()) {
        (Some(first), Some(last)) => last.span.end + 1 - first.span.start,
        _ => 0,
    }
}

fn chars_of(p: &Paragraph) -> usize {
    p.lines.iter().map(|l| l.trim().chars().count()).sum()
}

/// Whether adding `next` would make the block too long to cite precisely.
fn exceeds_limits(chunk: &[&Paragraph], next: &Paragraph) -> bool {
    let start = chunk.first().map_or(next.span.start, |c| c.span.start);
    let chars: usize = chunk.iter().map(|p| chars_of(p)).sum();
    next.span.end + 1 - start > MAX_BLOCK_LINES || chars + chars_of(next) > MAX_BLOCK_CHARS
}

/// A block of paragraphs under the inner heading in force at its start; a
/// block holding only a heading says nothing and is skipped.
fn make_block(
    path: &[String],
    inner: &Option<String>,
    chunk: &[&Paragraph],
    heading: Option<LineSpan>,
) -> Option<ProseBlock> {
    if chunk.iter().all(|p| p.heading.is_some()) {
        return None;
    }
    let first_inner = chunk
        .iter()
        .find(|p| p.is_heading_of(NumberStyle::Dun))
        .map(|p| strip_marker(&p.cleaned()));
    let mut heading_path = path.to_vec();
    heading_path.extend(first_inner.or_else(|| inner.clone()));
    let mut span = chunk.iter().map(|p| p.span).reduce(LineSpan::union)?;
    if let Some(h) = heading {
        span = span.union(h);
    }
    let text = chunk
        .iter()
        .map(|p| p.cleaned())
        .collect::<Vec<_>>()
        .join("\n");
    Some(ProseBlock {
        heading_path,
        text,
        span,
    })
}

/// A heading without its numbering: （一）检验机构监管 → 检验机构监管.
fn strip_marker(heading: &str) -> String {
    match text::list_marker(heading) {
        Some(marker) => heading.trim_start()[marker.len()..].trim().to_string(),
        None => heading.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_chinese_numerals() {
        assert_eq!(chinese_numeral("一"), Some(1));
        assert_eq!(chinese_numeral("十"), Some(10));
        assert_eq!(chinese_numeral("十六"), Some(16));
        assert_eq!(chinese_numeral("二十"), Some(20));
        assert_eq!(chinese_numeral("甲"), None);
    }

    #[test]
    fn recognises_headings_but_not_list_items() {
        assert_eq!(
            heading_number("（一）检验机构监管"),
            Some((NumberStyle::Paren, 1))
        );
        assert_eq!(
            heading_number("十五、机动车检验"),
            Some((NumberStyle::Dun, 15))
        );
        assert_eq!(
            heading_number("（一）设备监理单位的工作场所、资质证明。"),
            None
        );
        assert_eq!(
            heading_number("（七）制造、修理计量器具监管"),
            Some((NumberStyle::Paren, 7))
        );
    }
}
