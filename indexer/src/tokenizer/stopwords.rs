//! Query stop words: question and function words that say nothing about the
//! matter asked about (谁管电梯 → 电梯). Only queries are filtered; the index
//! keeps every token, so phrases still match.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::fold::fold_mapped;

/// One word a line, `#` starts a comment.
const STOPWORDS: &str = include_str!("../../data/stopwords.txt");

static SET: LazyLock<HashSet<String>> = LazyLock::new(|| {
    STOPWORDS
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(|l| fold_mapped(l).text)
        .collect()
});

/// True when `token` (a query token, folded or not) is a stop word.
pub fn is_stopword(token: &str) -> bool {
    if SET.contains(token) {
        return true;
    }
    let folded = fold_mapped(token).text;
    folded != token && SET.contains(&folded)
}
