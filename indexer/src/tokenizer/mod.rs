//! Chinese analysis for the index and for queries.
//!
//! [`ChineseAnalyzer`] turns text into [`AnalyzedToken`]s, in this order:
//!
//! 1. **Fold** ([`fold`]): traditional → simplified with `zhconv` (zh-Hans,
//!    the MediaWiki and OpenCC tables), full-width ASCII → half-width, lower
//!    case. 煙花爆竹 and ＧＢ１０６３１ are indexed and queried as 烟花爆竹 and
//!    gb10631.
//! 2. **Numbers and codes** stay whole: `第455号` (also `455号` and `455`),
//!    `第三十五条` (also `第35条`, `35条`, `35`), `12号`; a Latin code with an
//!    optional space and a number is one token without the space, so
//!    `GB 10631` and `GB10631` both yield `gb10631` (plus `gb` and `10631`);
//!    `GB/T 10631-2013` yields `gbt10631`, `gb10631`, `gb`, `10631-2013`,
//!    `10631` and `2013`.
//! 3. **Segmentation** of the rest with jieba (HMM on) over jieba's dictionary
//!    plus the curated `data/dictionary.txt`, the words of
//!    `data/synonyms.toml` and the names the index builder passes in (matter
//!    and department names), so 烟花爆竹, 特种设备, 工业产品生产许可证,
//!    市场监督管理局 and 出租车计价器 stay whole.
//! 4. **Search-mode sub-words**: each word of three or more characters also
//!    yields every dictionary word inside it (烟花爆竹 → 烟花, 爆竹). jieba's
//!    `cut_for_search` yields only the two- and three-character ones; longer
//!    ones are needed because whole names are words here: 烟花爆竹 must be
//!    found inside the matter name 烟花爆竹经营许可.
//! 5. Tokens without a letter, digit or ideograph (spaces, punctuation,
//!    emoji) are dropped, and so are tokens over [`MAX_TOKEN_BYTES`].
//!
//! **Positions** count content characters (letters, digits, ideographs; not
//! spaces or punctuation) before the token: a sub-word gets the position of
//! the character it starts at, so 烟花爆竹 → 烟花爆竹@0, 烟花@0, 爆竹@2. Phrase
//! queries then match whenever the query's tokens are found at the same
//! relative character offsets, however the document's text was cut: the
//! phrase 烟花爆竹经营 finds the single word 烟花爆竹经营许可, and 爆竹经营
//! finds 烟花爆竹经营 (with word positions, where a sub-word shares its
//! covering word's position, neither would). Spaces and punctuation do not
//! count, so `GB 10631` and `GB10631` have the same positions. Slop is
//! therefore measured in characters.
//!
//! **Offsets** are byte offsets into the original, unfolded text, so
//! tantivy's snippets highlight the original. zhconv's zh-Hans rules map
//! character to character (checked: no rule changes the length), so folded
//! characters are aligned one to one. Should a conversion ever change the
//! number of characters, the text is converted again run by run and a run
//! whose length changed is aligned proportionally: offsets stay char
//! boundaries, in range and monotone, at worst a character off inside that
//! run.
//!
//! Stop words ([`is_stopword`]) and synonyms ([`Synonyms`]) are for queries:
//! the index keeps every token.

mod dictionary;
mod fold;
mod spans;
mod stopwords;
mod synonyms;

use std::sync::Arc;

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

pub use dictionary::{MAX_USER_WORD_CHARS, MIN_USER_FREQ};
pub use stopwords::is_stopword;
pub use synonyms::{Synonyms, SynonymsError};

use fold::{Folded, fold_mapped, is_content};

/// Name under which [`register`] installs the analyzer; text fields use it
/// as their tokenizer.
pub const TOKENIZER_NAME: &str = "qsearch_zh";

/// Tokens longer than this many bytes are dropped (an encoded blob is no
/// search term; tantivy itself drops tokens over 65 530 bytes).
pub const MAX_TOKEN_BYTES: usize = 255;

/// Words longer than this many characters get no sub-words (a guard against
/// pathological HMM output; user words are at most [`MAX_USER_WORD_CHARS`]).
const MAX_SUBWORD_SOURCE_CHARS: usize = 64;

/// Traditional → simplified (zhconv, zh-Hans), full-width ASCII → half-width,
/// lower case. Applied to documents and queries alike. Keeps the number of
/// characters except where a script conversion rule would change it.
pub fn fold(text: &str) -> String {
    fold_mapped(text).text
}

/// Byte offset in `text` where the first match of `pattern` in the folded
/// text begins: a pattern written in simplified Chinese found in a
/// traditional or full-width question, at its place in the question.
pub fn find_folded(text: &str, pattern: &regex::Regex) -> Option<usize> {
    let folded = fold_mapped(text);
    let found = pattern.find(&folded.text)?;
    let at = folded.char_at_byte(found.start());
    Some(folded.original_range(text, at, at + 1).0)
}

/// Traditional → simplified only (no case or width change): for text handed
/// to the embedding model, which was given simplified passages.
pub fn simplified(text: &str) -> String {
    fold::to_simplified(text)
}

/// One token: its folded text, its byte range in the original text and its
/// position (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AnalyzedToken {
    pub text: String,
    pub offset_from: usize,
    pub offset_to: usize,
    pub position: usize,
}

/// jieba in search mode over the domain dictionary, with folding and number
/// handling. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ChineseAnalyzer {
    jieba: Arc<Jieba>,
}

impl Default for ChineseAnalyzer {
    fn default() -> Self {
        Self::new(std::iter::empty())
    }
}

/// A token before offsets and positions are resolved: folded character range.
struct Raw {
    text: String,
    start: usize,
    end: usize,
}

impl ChineseAnalyzer {
    /// Loads jieba's default dictionary, the curated `data/dictionary.txt`,
    /// the words of the built-in [`Synonyms`] and `extra_words` (matter and
    /// department names from the records).
    ///
    /// Words are folded first. Words without a frequency get jieba's
    /// suggested one, at least [`MIN_USER_FREQ`] from three characters on, so
    /// they win over their parts. Names with punctuation are split there and
    /// their pieces of four or more characters added; words over
    /// [`MAX_USER_WORD_CHARS`] are skipped.
    pub fn new(extra_words: impl IntoIterator<Item = String>) -> Self {
        Self::with_synonyms(extra_words, &Synonyms::builtin())
    }

    /// [`ChineseAnalyzer::new`] with the words of another synonyms file (one
    /// loaded with [`Synonyms::load`]) in the dictionary instead of the
    /// built-in ones, so that every word it lists is one query token.
    pub fn with_synonyms(
        extra_words: impl IntoIterator<Item = String>,
        synonyms: &Synonyms,
    ) -> Self {
        ChineseAnalyzer {
            jieba: Arc::new(dictionary::build(extra_words, synonyms)),
        }
    }

    /// True when `word` (folded here) is in the segmentation dictionary.
    pub fn has_word(&self, word: &str) -> bool {
        self.jieba.has_word(&fold(word))
    }

    /// The segmenter dictionary's part-of-speech tag of `word` (folded
    /// here) when it is one dictionary word with a tag: `r` for 这种, `n`
    /// for 种子. Words added from the lists' vocabulary carry none.
    pub fn part_of_speech(&self, word: &str) -> Option<String> {
        let word = fold(word);
        if !self.jieba.has_word(&word) {
            return None;
        }
        match self.jieba.tag(&word, false).as_slice() {
            [tag] if tag.word == word && !tag.tag.is_empty() => Some(tag.tag.to_string()),
            _ => None,
        }
    }

    /// Analyses `text`: tokens ordered by position, at most one token of a
    /// given text per position.
    pub fn tokens(&self, text: &str) -> Vec<AnalyzedToken> {
        let folded = fold_mapped(text);
        let mut raw = Vec::new();
        let mut cursor = 0;
        for span in spans::find(&folded.text) {
            self.segment(&folded, cursor, span.start, &mut raw);
            for token in span.tokens {
                raw.push(Raw {
                    text: token.text,
                    start: folded.char_at_byte(token.start),
                    end: folded.char_at_byte(token.end),
                });
            }
            cursor = span.end;
        }
        self.segment(&folded, cursor, folded.text.len(), &mut raw);
        resolve(text, &folded, raw)
    }

    /// Segments folded bytes `from..to` with jieba and adds the sub-words.
    fn segment(&self, folded: &Folded, from: usize, to: usize, out: &mut Vec<Raw>) {
        if from >= to {
            return;
        }
        let piece = &folded.text[from..to];
        let base = folded.char_at_byte(from);
        for token in self.jieba.cut(piece, true) {
            let word = token.word;
            if word.len() > MAX_TOKEN_BYTES || !word.chars().any(is_content) {
                continue;
            }
            let start = base + token.start;
            let chars = token.end - token.start;
            out.push(Raw {
                text: word.to_string(),
                start,
                end: start + chars,
            });
            if word.is_ascii() {
                ascii_parts(word, start, out);
            } else if (3..=MAX_SUBWORD_SOURCE_CHARS).contains(&chars) {
                self.subwords(word, start, out);
            }
        }
    }

    /// Every dictionary word strictly inside `word` (search mode).
    fn subwords(&self, word: &str, start: usize, out: &mut Vec<Raw>) {
        let bounds: Vec<usize> = word
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(word.len()))
            .collect();
        let n = bounds.len() - 1;
        for len in 2..n {
            for i in 0..=n - len {
                let sub = &word[bounds[i]..bounds[i + len]];
                if self.jieba.has_word(sub) {
                    out.push(Raw {
                        text: sub.to_string(),
                        start: start + i,
                        end: start + i + len,
                    });
                }
            }
        }
    }
}

/// Parts of an ASCII token joined by `.`, `-` or `_` (2015-07-01, v1.2),
/// each of two or more characters.
fn ascii_parts(word: &str, start: usize, out: &mut Vec<Raw>) {
    if !word.contains(['.', '-', '_']) {
        return;
    }
    let mut offset = 0;
    for part in word.split(['.', '-', '_']) {
        if part.len() >= 2 && part.len() < word.len() {
            out.push(Raw {
                text: part.to_string(),
                start: start + offset,
                end: start + offset + part.len(),
            });
        }
        offset += part.len() + 1;
    }
}

/// Original offsets and positions; sorted by position, deduplicated.
fn resolve(original: &str, folded: &Folded, mut raw: Vec<Raw>) -> Vec<AnalyzedToken> {
    // By start, then shorter first: offsets and positions never decrease.
    raw.sort_by(|a, b| a.start.cmp(&b.start).then(a.end.cmp(&b.end)));
    let mut out: Vec<AnalyzedToken> = Vec::with_capacity(raw.len());
    let mut group = 0;
    for r in raw {
        if r.text.len() > MAX_TOKEN_BYTES || r.start >= r.end {
            continue;
        }
        let position = folded.chars[r.start].position;
        if out.last().is_some_and(|t| t.position != position) {
            group = out.len();
        }
        if out[group..].iter().any(|t| t.text == r.text) {
            continue;
        }
        let (offset_from, offset_to) = folded.original_range(original, r.start, r.end);
        out.push(AnalyzedToken {
            text: r.text,
            offset_from,
            offset_to,
            position,
        });
    }
    out
}

/// Installs `analyzer` as [`TOKENIZER_NAME`] on `index`. tantivy does not
/// persist custom tokenizers, so call this every time an index is created or
/// opened, before indexing or parsing queries.
pub fn register(index: &tantivy::Index, analyzer: &ChineseAnalyzer) {
    index
        .tokenizers()
        .register(TOKENIZER_NAME, analyzer.clone());
}

/// The tokens of one text for tantivy, in [`ChineseAnalyzer::tokens`] order.
///
/// One difference: the end offset never decreases from one token to the next.
/// A sub-word strictly inside a longer word (产品 in 工业产品生产许可证) has its
/// end extended to the end of that word. tantivy's snippet generator ends a
/// fragment at the end of its last token, so an earlier, longer highlighted
/// token would otherwise reach past the fragment (and `Snippet::to_html`
/// would panic slicing it). tantivy keeps no offsets in the index, so this
/// only widens such a sub-word's highlight.
pub struct ChineseTokenStream {
    tokens: std::vec::IntoIter<AnalyzedToken>,
    token: Token,
    max_offset_to: usize,
}

impl Tokenizer for ChineseAnalyzer {
    type TokenStream<'a> = ChineseTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ChineseTokenStream {
        ChineseTokenStream {
            tokens: self.tokens(text).into_iter(),
            token: Token::default(),
            max_offset_to: 0,
        }
    }
}

impl TokenStream for ChineseTokenStream {
    fn advance(&mut self) -> bool {
        match self.tokens.next() {
            Some(t) => {
                self.max_offset_to = self.max_offset_to.max(t.offset_to);
                self.token = Token {
                    offset_from: t.offset_from,
                    offset_to: self.max_offset_to,
                    position: t.position,
                    text: t.text,
                    position_length: 1,
                };
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// The tokens are a superset of jieba's own search mode wherever no
    /// number or code span is involved.
    #[test]
    fn superset_of_cut_for_search() {
        let analyzer = ChineseAnalyzer::default();
        let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds");
        let mut checked = 0;
        for entry in std::fs::read_dir(seeds).expect("seeds directory") {
            let text = std::fs::read_to_string(entry.expect("entry").path()).expect("seed text");
            for line in text
                .lines()
                .filter(|l| !l.contains('第') && !l.bytes().any(|b| b.is_ascii_alphanumeric()))
                .take(200)
            {
                let folded = fold(line);
                let ours: HashSet<String> =
                    analyzer.tokens(line).into_iter().map(|t| t.text).collect();
                for t in analyzer.jieba.cut_for_search(&folded, true) {
                    if t.word.chars().any(is_content) {
                        assert!(ours.contains(t.word), "{} missing in {line}", t.word);
                    }
                }
                checked += 1;
            }
        }
        assert!(checked > 100);
    }
}
