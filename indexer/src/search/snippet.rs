//! Snippets with structured highlights, sized in characters.
//!
//! A snippet is plain text plus the character ranges the query matched,
//! not markup: each front end renders highlights its own way (the terminal
//! with colour or 【】, the page with `<mark>` built as DOM nodes), and no
//! front end has to parse or escape HTML from the library.
//!
//! tantivy's SnippetGenerator counts its limit in bytes; a CJK character is
//! three bytes in UTF-8, so the limit is scaled to keep snippets the same
//! visible length as Latin ones.

use serde::{Deserialize, Serialize};
use tantivy::Searcher;
use tantivy::query::Query;
use tantivy::snippet::SnippetGenerator;

use crate::index::IndexFields;

/// Visible characters of a snippet.
pub const SNIPPET_CHARS: usize = 80;
const BYTES_PER_CJK_CHAR: usize = 3;

/// A passage fragment and the words in it that matched.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snippet {
    /// Plain text (not escaped); `…` marks a cut end.
    pub text: String,
    /// Matched ranges `[start, end)` in characters (Unicode scalar values)
    /// of `text`, in order and not overlapping.
    pub highlights: Vec<[usize; 2]>,
}

impl Snippet {
    /// The text with each highlight wrapped in `open` … `close`.
    pub fn marked(&self, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + 8 * self.highlights.len());
        let mut ranges = self.highlights.iter().peekable();
        for (i, c) in self.text.chars().enumerate() {
            if ranges.peek().is_some_and(|r| r[0] == i) {
                out.push_str(open);
            }
            out.push(c);
            if let Some(r) = ranges.peek()
                && r[1] == i + 1
            {
                out.push_str(close);
                ranges.next();
            }
        }
        out
    }
}

pub struct Snippets {
    generator: Option<SnippetGenerator>,
}

impl Snippets {
    pub fn new(searcher: &Searcher, query: Option<&dyn Query>, fields: &IndexFields) -> Snippets {
        let generator = query
            .and_then(|q| SnippetGenerator::create(searcher, q, fields.text).ok())
            .map(|mut g| {
                g.set_max_num_chars(SNIPPET_CHARS * BYTES_PER_CJK_CHAR);
                g
            });
        Snippets { generator }
    }

    /// The best matching fragment of `text`; its start when nothing matched.
    pub fn of(&self, text: &str) -> Snippet {
        // Records are cut to this when read; the generator's work grows with
        // the text, so it never sees more.
        let text = crate::text::prefix_chars(text, crate::extract::MAX_FIELD_CHARS);
        if let Some(g) = &self.generator {
            let snippet = g.snippet(text);
            if !snippet.highlighted().is_empty() {
                let fragment = snippet.fragment();
                let char_at = |byte: usize| fragment[..byte.min(fragment.len())].chars().count();
                let highlights = snippet
                    .highlighted()
                    .iter()
                    .filter(|h| {
                        fragment.is_char_boundary(h.start) && fragment.is_char_boundary(h.end)
                    })
                    .map(|h| [char_at(h.start), char_at(h.end)])
                    .filter(|[s, e]| s < e)
                    .collect();
                return Snippet {
                    text: fragment.to_string(),
                    highlights: merged(highlights),
                };
            }
        }
        let head: String = text.chars().take(SNIPPET_CHARS).collect();
        let ellipsis = if head.len() < text.len() { "…" } else { "" };
        Snippet {
            text: head + ellipsis,
            highlights: Vec::new(),
        }
    }
}

/// Ranges in order, overlapping and touching ones joined: jieba's search
/// mode yields 烟花爆竹 and its parts 烟花, 爆竹 at once, and each would
/// otherwise be marked on its own (【烟花】爆竹】).
fn merged(mut ranges: Vec<[usize; 2]>) -> Vec<[usize; 2]> {
    ranges.sort_unstable();
    let mut out: Vec<[usize; 2]> = Vec::with_capacity(ranges.len());
    for [start, end] in ranges {
        match out.last_mut() {
            Some(last) if start <= last[1] => last[1] = last[1].max(end),
            _ => out.push([start, end]),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_and_touching_ranges_are_one_highlight() {
        let ranges = merged(vec![[2, 6], [2, 4], [4, 6], [7, 9], [9, 10], [12, 13]]);
        assert_eq!(ranges, [[2, 6], [7, 10], [12, 13]]);
        let s = Snippet {
            text: "负责烟花爆竹的质量".into(),
            highlights: merged(vec![[2, 4], [2, 6]]),
        };
        assert_eq!(s.marked("【", "】"), "负责【烟花爆竹】的质量");
    }

    #[test]
    fn marks_ranges_in_characters() {
        let s = Snippet {
            text: "负责烟花爆竹的质量".into(),
            highlights: vec![[2, 6], [7, 9]],
        };
        assert_eq!(s.marked("【", "】"), "负责【烟花爆竹】的【质量】");
        assert_eq!(Snippet::default().marked("<", ">"), "");
    }
}
