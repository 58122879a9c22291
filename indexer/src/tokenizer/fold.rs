//! Folding: traditional → simplified Chinese, full-width ASCII → half-width,
//! lower-case letters; plus the map from folded characters back to byte
//! offsets in the original text, so tokens can be highlighted in it.

use zhconv::{Variant, zhconv};

/// Where one character of the folded text comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CharMap {
    /// Byte offset of the character in the folded text.
    pub folded: usize,
    /// Byte offset in the original text of the character it was folded from;
    /// always a char boundary of the original, never decreasing.
    pub original: usize,
    /// Number of content characters (letters, digits, ideographs) before it:
    /// the token position of a token starting here.
    pub position: usize,
}

/// Folded text with one [`CharMap`] per character plus a sentinel for the end.
#[derive(Debug, Clone)]
pub(crate) struct Folded {
    pub text: String,
    pub chars: Vec<CharMap>,
}

impl Folded {
    /// Index of the folded character starting at byte `byte` of the folded
    /// text (or of the sentinel for `text.len()`).
    pub fn char_at_byte(&self, byte: usize) -> usize {
        self.chars.partition_point(|c| c.folded < byte)
    }

    /// Byte range in the original text of folded characters `start..end`.
    /// Always char boundaries of `original`, in range, and non-empty when the
    /// original has a character there.
    pub fn original_range(&self, original: &str, start: usize, end: usize) -> (usize, usize) {
        let last = self.chars.len() - 1;
        let from = self.chars[start.min(last)].original;
        let mut to = self.chars[end.min(last)].original.max(from);
        if to == from {
            // Several folded characters squeezed into one original one: cover
            // that character rather than nothing.
            if let Some(c) = original[from..].chars().next() {
                to = from + c.len_utf8();
            }
        }
        (from, to)
    }
}

/// True for the characters that count for positions and make a token worth
/// keeping: letters, digits and ideographs, not spaces, punctuation, symbols.
pub(crate) fn is_content(c: char) -> bool {
    // The common case first: a CJK ideograph is alphanumeric, and the
    // general Unicode lookup for it is slow (a tenth of a search's time).
    is_cjk_ideograph(c) || c.is_alphanumeric()
}

/// The CJK Unified Ideographs block, where nearly all the lists' text is.
fn is_cjk_ideograph(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Full-width ASCII → ASCII, ideographic space → space, upper → lower case
/// (only when lower-casing yields a single character, so this never changes
/// the number of characters).
pub(crate) fn fold_char(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else if is_cjk_ideograph(c) {
        c
    } else if c.is_uppercase() {
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) => l,
            _ => c,
        }
    } else {
        c
    }
}

/// Traditional → simplified with zhconv's maintained tables (MediaWiki and
/// OpenCC), including its phrase rules (乾燥 → 干燥 but 乾隆 stays).
pub(crate) fn to_simplified(text: &str) -> String {
    zhconv(text, Variant::ZhHans)
}

/// Folds `original`, see [`super::fold`].
pub(crate) fn fold_mapped(original: &str) -> Folded {
    fold_mapped_with(original, to_simplified)
}

/// [`fold_mapped`] with the script conversion passed in, so the fallback for
/// conversions that change the number of characters can be tested.
///
/// The conversion maps character to character for the zh-Hans tables as
/// shipped, so the converted text is aligned with the original character by
/// character. Should a conversion ever change the number of characters, the
/// text is converted again run by run (runs of non-ASCII, non-space
/// characters, which is where conversion rules apply), each run aligned
/// character by character when its length is unchanged and proportionally
/// otherwise: offsets stay on char boundaries, in range and monotone.
pub(crate) fn fold_mapped_with(original: &str, convert: impl Fn(&str) -> String) -> Folded {
    let converted = convert(original);
    let mut out = Builder::new(converted.len(), original.len());
    if converted.chars().count() == original.chars().count() {
        for ((offset, _), c) in original.char_indices().zip(converted.chars()) {
            out.push(c, offset);
        }
    } else {
        let mut run_start = None;
        for (i, c) in original.char_indices() {
            if c.is_ascii() || c.is_whitespace() {
                if let Some(start) = run_start.take() {
                    out.push_run(original, start, i, &convert);
                }
                out.push(c, i);
            } else if run_start.is_none() {
                run_start = Some(i);
            }
        }
        if let Some(start) = run_start {
            out.push_run(original, start, original.len(), &convert);
        }
    }
    out.finish(original.len())
}

struct Builder {
    text: String,
    chars: Vec<CharMap>,
    position: usize,
}

impl Builder {
    fn new(bytes: usize, original_bytes: usize) -> Self {
        Builder {
            text: String::with_capacity(bytes),
            // Most of the text is CJK, three bytes a character.
            chars: Vec::with_capacity(original_bytes / 3 + 1),
            position: 0,
        }
    }

    fn push(&mut self, c: char, original: usize) {
        let c = fold_char(c);
        self.chars.push(CharMap {
            folded: self.text.len(),
            original,
            position: self.position,
        });
        self.text.push(c);
        if is_content(c) {
            self.position += 1;
        }
    }

    /// Converts `original[start..end]` on its own and aligns it.
    fn push_run(
        &mut self,
        original: &str,
        start: usize,
        end: usize,
        convert: &impl Fn(&str) -> String,
    ) {
        let run = &original[start..end];
        let converted = convert(run);
        let offsets: Vec<usize> = run.char_indices().map(|(i, _)| start + i).collect();
        let n = offsets.len();
        let m = converted.chars().count();
        for (j, c) in converted.chars().enumerate() {
            // j * n / m < n for j < m, so the index is in range.
            let k = if m == n { j } else { j * n / m };
            self.push(c, offsets[k]);
        }
    }

    fn finish(mut self, original_len: usize) -> Folded {
        self.chars.push(CharMap {
            folded: self.text.len(),
            original: original_len,
            position: self.position,
        });
        Folded {
            text: self.text,
            chars: self.chars,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(original: &str, folded: &Folded) {
        let mut last = 0;
        for c in &folded.chars {
            assert!(original.is_char_boundary(c.original));
            assert!(folded.text.is_char_boundary(c.folded));
            assert!(c.original >= last);
            last = c.original;
        }
        assert_eq!(folded.chars.len(), folded.text.chars().count() + 1);
    }

    #[test]
    fn identity_alignment() {
        let original = "煙花爆竹 ＧＢ１０６３１";
        let folded = fold_mapped(original);
        assert_eq!(folded.text, "烟花爆竹 gb10631");
        check(original, &folded);
        let (from, to) = folded.original_range(original, 0, 4);
        assert_eq!(&original[from..to], "煙花爆竹");
    }

    #[test]
    fn length_changing_conversion_falls_back_per_run() {
        // A made-up conversion that doubles 煙 and drops 竹.
        let convert = |s: &str| s.replace('煙', "烟烟").replace('竹', "");
        let original = "a煙花爆竹，b煙c";
        let folded = fold_mapped_with(original, convert);
        assert_eq!(folded.text, "a烟烟花爆,b烟烟c");
        check(original, &folded);
        for start in 0..folded.chars.len() {
            for end in start..folded.chars.len() {
                let (from, to) = folded.original_range(original, start, end);
                assert!(from <= to && to <= original.len());
                assert!(original.is_char_boundary(from) && original.is_char_boundary(to));
            }
        }
        // ASCII outside the changed runs stays exactly aligned.
        let b = folded.char_at_byte(folded.text.find('b').unwrap());
        let (from, to) = folded.original_range(original, b, b + 1);
        assert_eq!(&original[from..to], "b");
    }
}
