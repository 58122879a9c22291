//! Highlighted snippets, sized in characters.
//!
//! tantivy's SnippetGenerator counts its limit in bytes; a CJK character is
//! three bytes in UTF-8, so the limit is scaled to keep snippets the same
//! visible length as Latin ones.

use tantivy::Searcher;
use tantivy::query::Query;
use tantivy::snippet::SnippetGenerator;

use crate::index::IndexFields;

/// Visible characters of a snippet.
pub const SNIPPET_CHARS: usize = 80;
const BYTES_PER_CJK_CHAR: usize = 3;

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

    /// An HTML snippet of `text`; the text's start when nothing matched.
    pub fn of(&self, text: &str) -> String {
        // Records are cut to this when read; the generator's work grows with
        // the text, so it never sees more.
        let text = crate::text::prefix_chars(text, crate::extract::MAX_FIELD_CHARS);
        if let Some(g) = &self.generator {
            let snippet = g.snippet(text);
            if !snippet.highlighted().is_empty() {
                return snippet.to_html();
            }
        }
        let head: String = text.chars().take(SNIPPET_CHARS).collect();
        let ellipsis = if head.len() < text.len() { "…" } else { "" };
        html_escape(&head) + ellipsis
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
