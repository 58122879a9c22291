//! What a who-question is about: its content words ("concepts"), each with
//! the forms the lists would write it in and how much it says.
//!
//! A question is covered by the lists only when a passage speaks to what it
//! is about — the object, place or activity — not merely to one of its words.
//! So the question is reduced to its concepts (question frames, function
//! words and the generic verbs of every duty dropped), each weighted by how
//! rare it is in the whole corpus (IDF); a word the lists never use weighs
//! as much as the question's known words on average (whether it is the
//! subject or a circumstance, words cannot tell). A colloquial
//! word counts as present when the list's own term for it is (鞭炮 → 烟花爆竹),
//! and a compound the lists never write (游泳池, 烟花厂) earns partial credit
//! through its parts, in proportion to what the part says. In a question
//! that names its topic before asking who (保健食品广告由哪个部门审查), the
//! words after the asking are what the office would do, not the topic.

use crate::tokenizer::{ChineseAnalyzer, Synonyms, fold, is_stopword};

/// One content word of a question.
#[derive(Debug, Clone, PartialEq)]
pub struct Concept {
    /// The word as the question has it (folded).
    pub word: String,
    /// Spellings that count as the concept itself: the word and the list
    /// terms its synonyms stand for.
    pub forms: Vec<String>,
    /// Sub-words, each with the share of the concept it carries.
    pub parts: Vec<(String, f32)>,
    /// Inverse document frequency of the concept in the corpus.
    pub weight: f32,
    /// Some record contains one of its forms: the lists know the word.
    pub known: bool,
    /// It stands in the clause that asks who (管道问题归哪个部门查 of a
    /// question first describing what happened): what is to be handled,
    /// not the circumstances. Every concept of a one-clause question is.
    pub asked: bool,
    /// After the words asking who, in a question that named its topic
    /// before them (审查 of 保健食品广告由哪个部门审查): what the department
    /// would do, not what the question is about.
    pub predicate: bool,
}

impl Concept {
    /// How much of the concept `text` (folded) carries: 1 for a form, a
    /// part's share for a part, else 0.
    pub fn credit(&self, text: &str) -> f32 {
        if self.forms.iter().any(|f| text.contains(f.as_str())) {
            return 1.0;
        }
        self.parts
            .iter()
            .filter(|(p, _)| text.contains(p.as_str()))
            .map(|&(_, share)| share)
            .fold(0.0, f32::max)
    }
}

/// The analysed question.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Question {
    pub concepts: Vec<Concept>,
}

/// Inverse document frequency, BM25's form: never negative, largest for a
/// word no record contains.
pub fn idf(doc_freq: u64, num_docs: u64) -> f32 {
    let (df, n) = (doc_freq as f64, num_docs.max(1) as f64);
    ((n - df + 0.5) / (df + 0.5)).ln_1p() as f32
}

impl Question {
    /// Analyses `query`; `doc_freq` counts the records containing a term.
    pub fn analyse(
        query: &str,
        analyzer: &ChineseAnalyzer,
        synonyms: &Synonyms,
        doc_freq: &dyn Fn(&str) -> u64,
        num_docs: u64,
    ) -> Question {
        let folded = fold(query);
        let glossary = glossary_entries(&folded, synonyms);
        let mut tokens = analyzer.tokens(query);
        tokens.sort_by_key(|t| (t.offset_from, std::cmp::Reverse(t.offset_to)));
        // Each covering word with the sub-words inside it.
        let mut words: Vec<(usize, usize, String, Vec<String>)> = Vec::new();
        for t in tokens {
            match words.last_mut() {
                Some((_, end, _, parts)) if t.offset_to <= *end => {
                    if !parts.contains(&t.text) {
                        parts.push(t.text);
                    }
                }
                _ => words.push((t.offset_from, t.offset_to, t.text, Vec::new())),
            }
        }
        let asked_clause = asked_clause(query);
        // Where the asked clause (or the question) says "who".
        let frame = match asked_clause {
            Some((from, to)) => super::who_frame_start(&query[from..to]).map(|at| from + at),
            None => super::who_frame_start(query),
        };
        let idf_of = |term: &str| idf(doc_freq(term), num_docs);
        let mut concepts: Vec<Concept> = Vec::new();
        let mut topic_before_frame = false;
        for (start, end, word, parts) in words {
            let asked = asked_clause.is_none_or(|(from, to)| start >= from && end <= to);
            // After the words asking who, once the question has named what
            // it is about before them, the words say what the department
            // would do (…由哪个部门审查和查处, …去哪个单位办理); a question
            // opening with them (谁负责烟花爆竹的质量) names its topic after.
            let after_frame = frame.is_some_and(|at| start >= at);
            let predicate = asked && after_frame && topic_before_frame;
            if let Some(seen) = concepts.iter_mut().find(|c| c.word == word) {
                // Told first, then asked about (…包装袋不合格…，包装袋厂归谁查).
                seen.asked |= asked;
                continue;
            }
            if !is_content_word(&word) {
                continue;
            }
            // 谁来管, 哪管: the question's frame, not what it is about.
            if super::is_who_question(&word) {
                continue;
            }
            // 这种, 一直, 各地: how the question is put, by the segmenter's
            // part of speech, not what it is about.
            if analyzer
                .part_of_speech(&word)
                .is_some_and(|tag| super::vocabulary().is_function_tag(&tag))
            {
                continue;
            }
            // A Chinese token neither the lists nor the segmenter's
            // dictionary know is an artefact of segmentation (按表上, 由谁来):
            // it carries no meaning to weigh.
            if !word.is_ascii() && doc_freq(&word) == 0 && !analyzer.has_word(&word) {
                continue;
            }
            let mut forms = vec![word.clone()];
            for term in synonyms.expand(&word) {
                push_unique(&mut forms, term);
            }
            for (key, terms) in &glossary {
                if key.contains(word.as_str()) && key.is_ascii() {
                    terms.iter().for_each(|t| push_unique(&mut forms, t));
                }
            }
            if forms.iter().all(|f| !is_content_word(f)) {
                continue;
            }
            // A word the lists also write another way is as common as
            // its most common spelling.
            let known = forms.iter().any(|f| doc_freq(f) > 0);
            let rarity = forms
                .iter()
                .map(|f| idf_of(f))
                .fold(f32::INFINITY, f32::min);
            // A part carries the share of the word's information it has.
            let mut shares: Vec<(String, f32)> = Vec::new();
            for part in parts.iter().filter(|p| is_content_word(p)) {
                let share = (idf_of(part) / rarity).min(1.0);
                shares.push((part.clone(), share));
                for term in synonyms.expand(part) {
                    let share = (idf_of(term) / rarity).min(1.0);
                    shares.push((term.clone(), share));
                }
            }
            topic_before_frame |= asked && !after_frame;
            concepts.push(Concept {
                word,
                forms,
                parts: shares,
                weight: rarity,
                known,
                asked,
                predicate,
            });
        }
        // A word no record has is either what the question is about (离婚)
        // or its circumstances (过年); words cannot tell which, and its
        // rarity here cannot be measured. It weighs as much as the
        // question's known words do on average: neither decisive nor nothing.
        let known: Vec<f32> = concepts
            .iter()
            .filter(|c| c.known)
            .map(|c| c.weight)
            .collect();
        if !known.is_empty() {
            let typical = known.iter().sum::<f32>() / known.len() as f32;
            for c in concepts.iter_mut().filter(|c| !c.known) {
                c.weight = typical;
            }
        }
        Question { concepts }
    }

    /// Sum of the concepts' weights.
    pub fn total_weight(&self) -> f32 {
        self.concepts.iter().map(|c| c.weight).sum()
    }

    /// The share of the question's weight that `text` (folded) carries, 0–1.
    pub fn coverage(&self, text: &str) -> f32 {
        self.share_of(text, |_| true)
    }

    /// The share of the weight of what the question is about (its concepts
    /// but the `predicate` ones, unless it has nothing else) that `text`
    /// carries, 0–1: whether the lists cover the question.
    pub fn topic_coverage(&self, text: &str) -> f32 {
        let any_topic = self.concepts.iter().any(|c| !c.predicate);
        self.share_of(text, |c| !any_topic || !c.predicate)
    }

    /// The share of the asked concepts' weight (those of the clause asking
    /// who) that `text` carries, 0–1.
    pub fn asked_coverage(&self, text: &str) -> f32 {
        self.share_of(text, |c| c.asked)
    }

    /// The share of the weight of the concepts `counted` keeps that `text`
    /// carries, 0–1 (0 when it keeps none).
    fn share_of(&self, text: &str, counted: impl Fn(&Concept) -> bool) -> f32 {
        let (mut got, mut total) = (0.0, 0.0);
        for c in self.concepts.iter().filter(|c| counted(c)) {
            got += c.weight * c.credit(text);
            total += c.weight;
        }
        if total <= 0.0 { 0.0 } else { got / total }
    }

    /// The concepts `text` does not carry at all.
    pub fn missing<'q>(&'q self, text: &str) -> Vec<&'q str> {
        self.concepts
            .iter()
            .filter(|c| c.credit(text) == 0.0)
            .map(|c| c.word.as_str())
            .collect()
    }
}

/// The byte range of the clause asking who, when the question has other
/// clauses too (白酒厂的塑料管道导致…超标，管道问题归哪个部门查？).
fn asked_clause(query: &str) -> Option<(usize, usize)> {
    let mut clauses = Vec::new();
    let mut from = 0;
    for (at, c) in query.char_indices() {
        if matches!(
            c,
            '，' | ',' | '。' | '；' | ';' | '？' | '?' | '！' | '!' | '：' | ':'
        ) {
            clauses.push((from, at));
            from = at + c.len_utf8();
        }
    }
    clauses.push((from, query.len()));
    clauses.retain(|&(from, to)| !query[from..to].trim().is_empty());
    if clauses.len() < 2 {
        return None;
    }
    clauses
        .into_iter()
        .find(|&(from, to)| super::is_who_question(&query[from..to]))
}

/// A word that can say what a question is about: two characters or more
/// (or a Latin word), not a stop word, not a generic duty verb.
fn is_content_word(word: &str) -> bool {
    let long_enough = word.chars().count() >= 2;
    long_enough && !is_stopword(word) && !super::vocabulary::vocabulary().is_generic_duty_word(word)
}

/// Glossary phrases (English, multi-word) found in the folded query, with
/// the list terms they stand for.
fn glossary_entries<'s>(folded: &str, synonyms: &'s Synonyms) -> Vec<(&'s str, &'s [String])> {
    synonyms
        .iter()
        .filter(|(key, _)| key.is_ascii() && contains_words(folded, key))
        .collect()
}

/// `phrase` occurs in `text` at word boundaries (for Latin-script phrases).
fn contains_words(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + phrase.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x == item) {
        list.push(item.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(query: &str, df: &dyn Fn(&str) -> u64) -> Question {
        let analyzer = ChineseAnalyzer::default();
        Question::analyse(query, &analyzer, &Synonyms::builtin(), df, 1000)
    }

    /// The words of the concepts `keep` selects, in order.
    fn words_where(q: &Question, keep: impl Fn(&Concept) -> bool) -> Vec<&str> {
        q.concepts
            .iter()
            .filter(|c| keep(c))
            .map(|c| c.word.as_str())
            .collect()
    }

    #[test]
    fn frames_and_generic_verbs_are_not_concepts() {
        let q = question("谁负责烟花爆竹的质量", &|_| 10);
        let words: Vec<&str> = q.concepts.iter().map(|c| c.word.as_str()).collect();
        assert_eq!(words, ["烟花爆竹", "质量"]);
    }

    #[test]
    fn a_colloquial_word_is_present_when_the_list_term_is() {
        let q = question("鞭炮归哪个部门管", &|_| 10);
        assert_eq!(q.coverage("负责烟花爆竹的质量监督"), 1.0);
    }

    #[test]
    fn a_word_no_record_has_weighs_like_the_known_ones() {
        let df = |t: &str| if t == "手续" { 50 } else { 0 };
        let q = question("离婚手续去哪里办", &df);
        let words: Vec<&str> = q.concepts.iter().map(|c| c.word.as_str()).collect();
        assert_eq!(words, ["离婚", "手续"]);
        assert_eq!(q.concepts[0].weight, q.concepts[1].weight);
        // A passage with 手续 alone carries half of the question, not all.
        let coverage = q.coverage("办理烟花爆竹运输许可手续");
        assert!((coverage - 0.5).abs() < 1e-6, "{coverage}");
        assert_eq!(q.missing("办理手续"), ["离婚"]);
    }

    #[test]
    fn function_words_are_not_concepts() {
        // 这种 (pronoun), 一直 (adverb), 周边 (locality): the dictionary's
        // part of speech, whatever their frequency in the lists.
        let q = question("学校周边这种网吧一直没人管，归谁管", &|_| 10);
        let words: Vec<&str> = q.concepts.iter().map(|c| c.word.as_str()).collect();
        assert!(
            words.contains(&"学校") && words.contains(&"网吧"),
            "{words:?}"
        );
        for function_word in ["这种", "一直", "周边"] {
            assert!(!words.contains(&function_word), "{words:?}");
        }
    }

    #[test]
    fn concepts_of_the_clause_asking_who_are_the_asked_ones() {
        let q = question("仓库里的烟花受潮了，烟花爆竹质量归谁管？", &|_| 10);
        let asked = words_where(&q, |c| c.asked);
        assert_eq!(asked, ["烟花爆竹", "质量"], "{q:?}");
        assert!(q.asked_coverage("烟花爆竹质量监督") > q.asked_coverage("仓库受潮"));
        // One clause: every concept is asked.
        let q = question("谁负责烟花爆竹的质量", &|_| 10);
        assert!(q.concepts.iter().all(|c| c.asked));
    }

    #[test]
    fn words_after_the_ones_asking_who_are_the_action_not_the_topic() {
        let q = question("保健食品广告由哪个部门审查和查处？", &|_| 10);
        let predicates = words_where(&q, |c| c.predicate);
        assert_eq!(predicates, ["审查", "查处"], "{q:?}");
        // A passage about the same action on another matter does not cover
        // the question; one about the matter does, whatever its verbs.
        assert_eq!(q.topic_coverage("负责审查和查处烟花爆竹违法行为"), 0.0);
        assert_eq!(q.topic_coverage("负责保健食品广告的监督管理"), 1.0);
        assert!(q.coverage("负责审查和查处烟花爆竹违法行为") > 0.0);
        // Before the words asking who, a verb is what the question is about.
        let q = question("结婚登记去哪个单位办理", &|_| 10);
        let topic = words_where(&q, |c| !c.predicate);
        assert!(topic.iter().any(|w| w.contains("结婚")), "{q:?}");
        assert!(
            q.concepts.iter().any(|c| c.word == "办理" && c.predicate),
            "{q:?}"
        );
        // Traditional script: the same words, at their place in the question.
        let q = question("保健食品廣告由哪個部門審查？", &|_| 10);
        assert!(
            q.concepts.iter().any(|c| c.word == "审查" && c.predicate),
            "{q:?}"
        );
        // A question opening with the words asking who names its topic after.
        let q = question("谁负责烟花爆竹的质量", &|_| 10);
        assert!(q.concepts.iter().all(|c| !c.predicate), "{q:?}");
    }

    #[test]
    fn question_frames_are_not_concepts() {
        let q = question("烟花爆竹燃放谁来管", &|_| 10);
        assert!(q.concepts.iter().all(|c| !c.word.contains('谁')), "{q:?}");
    }
}
