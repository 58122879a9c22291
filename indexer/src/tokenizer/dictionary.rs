//! The segmentation dictionary: jieba's default one, the curated domain words
//! of `data/dictionary.txt` and the names the index builder passes in.

use std::collections::HashSet;

use jieba_rs::Jieba;

use super::fold::fold_mapped;
use super::synonyms::Synonyms;

/// The curated domain dictionary: one word a line, optionally followed by a
/// frequency; `#` starts a comment.
pub(crate) const CURATED: &str = include_str!("../../data/dictionary.txt");

/// Frequency floor for user words of three or more characters without an
/// explicit frequency. jieba's `suggest_freq` gives just enough to join a word
/// when it stands alone, which a neighbouring word can still beat in running
/// text (特种设备 is in jieba's dictionary with frequency 3); 1000 is the range
/// of ordinary words in jieba's dictionary (total ≈ 6e7), so domain terms win
/// without swallowing their neighbours. Two-character words get only the
/// suggested frequency: a strong two-character word readily splits the words
/// around it.
pub const MIN_USER_FREQ: usize = 1000;

/// Longest user word kept, in characters: longer names are sentences, not
/// words.
pub const MAX_USER_WORD_CHARS: usize = 32;

/// Pieces of a name split at punctuation are kept from this length on
/// (公安局（交警大队） → 交警大队); shorter pieces are mostly fragments.
const MIN_PIECE_CHARS: usize = 4;

/// Characters jieba segments as one block (its `RE_HAN_DEFAULT` class): a
/// dictionary word with anything else in it could never match.
fn is_word_char(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
        || c.is_ascii_alphanumeric()
        || matches!(c, '+' | '#' | '&' | '.' | '_' | '%' | '-')
}

/// Builds the jieba instance: default dictionary, curated words, the words of
/// `synonyms` (both sides, so a query token can be looked up whole), extra
/// words.
pub(crate) fn build(extra_words: impl IntoIterator<Item = String>, synonyms: &Synonyms) -> Jieba {
    let mut jieba = Jieba::new();
    let mut seen = HashSet::new();
    for (word, freq) in parse_curated(CURATED) {
        add(&mut jieba, &mut seen, &word, freq);
    }
    let mut synonym_words: Vec<&str> = synonyms
        .iter()
        .flat_map(|(word, terms)| std::iter::once(word).chain(terms.iter().map(String::as_str)))
        .collect();
    // Deterministic: suggested frequencies depend on what was added before.
    synonym_words.sort_unstable();
    for word in synonym_words {
        add(&mut jieba, &mut seen, word, None);
    }
    for name in extra_words {
        let name = fold_mapped(name.trim()).text;
        if name.chars().all(is_word_char) {
            add(&mut jieba, &mut seen, &name, None);
        } else {
            for piece in name.split(|c| !is_word_char(c)) {
                if piece.chars().count() >= MIN_PIECE_CHARS {
                    add(&mut jieba, &mut seen, piece, None);
                }
            }
        }
    }
    jieba
}

/// `(folded word, frequency)` of each entry of a curated dictionary.
pub(crate) fn parse_curated(text: &str) -> impl Iterator<Item = (String, Option<usize>)> + '_ {
    text.lines().filter_map(|line| {
        let line = line.split('#').next().unwrap_or("");
        let mut fields = line.split_whitespace();
        let word = fields.next()?;
        let freq = fields.next().and_then(|f| f.parse().ok());
        Some((fold_mapped(word).text, freq))
    })
}

fn add(jieba: &mut Jieba, seen: &mut HashSet<String>, word: &str, freq: Option<usize>) {
    let chars = word.chars().count();
    if !(2..=MAX_USER_WORD_CHARS).contains(&chars) || !word.chars().all(is_word_char) {
        return;
    }
    // A word given twice keeps its first (curated) frequency.
    if !seen.insert(word.to_string()) {
        return;
    }
    let freq = freq.unwrap_or_else(|| {
        let suggested = jieba.suggest_freq(word);
        if chars >= 3 {
            suggested.max(MIN_USER_FREQ)
        } else {
            suggested
        }
    });
    jieba.add_word(word, Some(freq), None);
}
