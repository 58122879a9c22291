//! The word lists the who-answer reads, from `data/answer_words.toml`.

use std::sync::LazyLock;

use serde::Deserialize;

const TOML: &str = include_str!("../../data/answer_words.toml");

/// The answer's vocabulary.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    /// Words nearly every duty uses (监管, 负责, 环节 …): not concepts.
    pub generic_duty_words: Vec<String>,
    /// jieba part-of-speech classes (first letter) of function words.
    pub function_word_tags: Vec<String>,
    /// 向, 通报 …: before a department's name in a case, it is addressed.
    pub recipient_markers: Vec<String>,
    /// 之外, 以外: what precedes them in a clause is excluded.
    pub exclusion_markers: Vec<String>,
    /// 负责, 承担 …: after a department's name, the clause is its duty.
    pub owning_verbs: Vec<String>,
}

static BUILTIN: LazyLock<Vocabulary> =
    LazyLock::new(|| toml::from_str(TOML).expect("data/answer_words.toml is valid"));

/// The shipped vocabulary.
pub fn vocabulary() -> &'static Vocabulary {
    &BUILTIN
}

impl Vocabulary {
    pub fn is_generic_duty_word(&self, word: &str) -> bool {
        self.generic_duty_words.iter().any(|w| w == word)
    }

    /// Whether a word tagged `tag` says how a question is put rather than
    /// what it is about.
    pub fn is_function_tag(&self, tag: &str) -> bool {
        let class = tag.get(..1).unwrap_or_default();
        !class.is_empty() && self.function_word_tags.iter().any(|t| t == class)
    }
}
