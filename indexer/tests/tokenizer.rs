//! Behaviour of the Chinese analyzer: segmentation, folding, numbers and
//! codes, offsets, positions, synonyms, stop words, and its use in a tantivy
//! index (phrase queries and snippets).

use std::collections::BTreeSet;
use std::sync::LazyLock;

use proptest::prelude::*;
use qsearch::tokenizer::{
    AnalyzedToken, ChineseAnalyzer, Synonyms, TOKENIZER_NAME, fold, is_stopword, register,
};
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{TokenStream, Tokenizer};
use tantivy::{Index, TantivyDocument, doc};

static ANALYZER: LazyLock<ChineseAnalyzer> =
    LazyLock::new(|| ChineseAnalyzer::new(std::iter::empty()));

fn texts(text: &str) -> Vec<String> {
    ANALYZER.tokens(text).into_iter().map(|t| t.text).collect()
}

fn set(text: &str) -> BTreeSet<String> {
    texts(text).into_iter().collect()
}

fn has(text: &str, token: &str) -> bool {
    texts(text).iter().any(|t| t == token)
}

fn find<'a>(tokens: &'a [AnalyzedToken], text: &str) -> &'a AnalyzedToken {
    tokens
        .iter()
        .find(|t| t.text == text)
        .unwrap_or_else(|| panic!("no token {text} in {tokens:?}"))
}

#[test]
fn search_mode_yields_whole_word_and_sub_words() {
    let tokens = set("烟花爆竹");
    for t in ["烟花爆竹", "烟花", "爆竹"] {
        assert!(tokens.contains(t), "{t} missing from {tokens:?}");
    }
    assert!(has("安装简单", "简单"));
}

#[test]
fn traditional_is_folded_to_simplified() {
    assert_eq!(set("煙花爆竹"), set("烟花爆竹"));
    assert_eq!(fold("煙花爆竹 ＧＢ１０６３１"), "烟花爆竹 gb10631");
    assert_eq!(fold("質量技術監督局"), "质量技术监督局");
    // Offsets point into the original, traditional text.
    let original = "生產煙花爆竹";
    let tokens = ANALYZER.tokens(original);
    let t = find(&tokens, "烟花爆竹");
    assert_eq!(&original[t.offset_from..t.offset_to], "煙花爆竹");
    let t = find(&tokens, "爆竹");
    assert_eq!(&original[t.offset_from..t.offset_to], "爆竹");
}

#[test]
fn decree_numbers_stay_whole() {
    let decree = set("国务院令第455号");
    let alone = set("第455号");
    let shared: Vec<_> = decree
        .intersection(&alone)
        .filter(|t| t.contains("455"))
        .collect();
    assert!(
        shared.contains(&&"第455号".to_string()),
        "{decree:?} / {alone:?}"
    );
    assert!(decree.contains("国务院"), "{decree:?}");
    // Chinese numerals meet Arabic ones.
    let article = set("依据第三十五条规定");
    assert!(
        article.contains("第三十五条") && article.contains("第35条"),
        "{article:?}"
    );
    assert!(set("第35条").is_subset(&article));
}

#[test]
fn latin_codes_with_and_without_space_share_a_token() {
    let spaced = set("GB 10631");
    let joined = set("GB10631");
    assert!(spaced.contains("gb10631"), "{spaced:?}");
    assert!(joined.contains("gb10631"), "{joined:?}");
    assert_eq!(spaced, joined);
    assert_eq!(set("ＧＢ　１０６３１"), spaced);
    // The positions are the same too, so phrases match either way.
    let positions = |text: &str| -> Vec<(String, usize)> {
        ANALYZER
            .tokens(text)
            .into_iter()
            .map(|t| (t.text, t.position))
            .collect()
    };
    assert_eq!(positions("烟花GB 10631"), positions("烟花GB10631"));
    let standard = set("执行GB/T 10631-2013标准");
    for t in ["gbt10631", "gb10631", "10631", "2013"] {
        assert!(standard.contains(t), "{t} missing from {standard:?}");
    }
}

#[test]
fn domain_words_stay_whole_and_yield_sub_words() {
    let licence = set("工业产品生产许可证");
    for t in [
        "工业产品生产许可证",
        "工业产品",
        "生产许可证",
        "许可证",
        "产品",
    ] {
        assert!(licence.contains(t), "{t} missing from {licence:?}");
    }
    for word in ["特种设备", "计量器具", "危险化学品", "烟花爆竹"] {
        assert!(has(&format!("加强{word}监督管理"), word), "{word}");
    }
    for dept in ["市场监督管理局", "质量技术监督局", "安全生产监督管理局"] {
        assert!(has(&format!("石家庄市鹿泉区{dept}负责"), dept), "{dept}");
    }
    assert!(has("市场监督管理局", "管理局"));
}

#[test]
fn extra_words_from_records_stay_whole() {
    let analyzer = ChineseAnalyzer::new([
        "烟花爆竹零售经营许可".to_string(),
        "公安局（交警大队）".to_string(),
    ]);
    let tokens: BTreeSet<String> = analyzer
        .tokens("办理烟花爆竹零售经营许可")
        .into_iter()
        .map(|t| t.text)
        .collect();
    assert!(tokens.contains("烟花爆竹零售经营许可"), "{tokens:?}");
    // Four-character words inside a long word are sub-words too.
    assert!(tokens.contains("烟花爆竹"), "{tokens:?}");
    assert!(analyzer.has_word("交警大队"));
    assert!(!ANALYZER.has_word("烟花爆竹零售经营许可"));
}

#[test]
fn positions_count_characters() {
    let tokens = ANALYZER.tokens("烟花爆竹，经营");
    assert_eq!(find(&tokens, "烟花爆竹").position, 0);
    assert_eq!(find(&tokens, "烟花").position, 0);
    assert_eq!(find(&tokens, "爆竹").position, 2);
    // Punctuation does not count.
    assert_eq!(find(&tokens, "经营").position, 4);
    assert!(tokens.windows(2).all(|w| w[0].position <= w[1].position));
}

#[test]
fn punctuation_and_spaces_are_dropped() {
    for t in texts("《烟花爆竹安全管理条例》、 😀 ！") {
        assert!(t.chars().any(char::is_alphanumeric), "{t:?}");
    }
    assert!(texts("").is_empty());
    assert!(texts("，。 ！😀").is_empty());
}

#[test]
fn synonyms_expand_colloquial_words() {
    let synonyms = Synonyms::builtin();
    assert!(synonyms.expand("鞭炮").contains(&"烟花爆竹".to_string()));
    assert!(synonyms.expand("电梯").contains(&"特种设备".to_string()));
    assert!(synonyms.expand("電梯").contains(&"特种设备".to_string()));
    assert!(synonyms.expand("秤").contains(&"计量器具".to_string()));
    assert!(synonyms.expand("工商").contains(&"市场监管".to_string()));
    assert!(
        synonyms
            .expand("质监")
            .contains(&"质量技术监督".to_string())
    );
    assert!(synonyms.expand("安监").contains(&"安全生产".to_string()));
    assert!(synonyms.expand("消防通道").contains(&"消防".to_string()));
    assert!(synonyms.expand("假货").contains(&"打假".to_string()));
    assert!(synonyms.expand("质量").is_empty());

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("synonyms.toml");
    std::fs::write(&path, "[terms]\n\"特種設備\" = [\"電梯\", \"扶梯\"]\n").unwrap();
    let loaded = Synonyms::load(&path).unwrap();
    assert_eq!(loaded.expand("电梯"), ["特种设备".to_string()]);
    assert_eq!(loaded.len(), 2);
    assert!(Synonyms::load(dir.path().join("missing.toml")).is_err());
    assert!(Synonyms::parse("[terms]\n\"a\" = 1\n").is_err());
}

#[test]
fn english_words_map_to_the_lists_terms_in_query_order() {
    let synonyms = Synonyms::builtin();
    let terms = synonyms.document_terms("Who regulates FIREWORKS quality?");
    assert_eq!(terms, ["监督管理", "烟花爆竹", "质量"]);
    assert!(synonyms.document_terms("xyz 第591号").is_empty());

    let text = qsearch::search::query::embedding_text("who regulates fireworks quality", &synonyms);
    assert_eq!(
        text,
        "who regulates fireworks quality 监督管理 烟花爆竹 质量"
    );
    assert_eq!(
        qsearch::search::query::embedding_text("煙花爆竹品質誰監管", &synonyms),
        "烟花爆竹品质谁监管"
    );
    // Chinese questions are otherwise embedded as typed.
    let chinese = "过年放鞭炮出事找谁";
    assert_eq!(
        qsearch::search::query::embedding_text(chinese, &synonyms),
        chinese
    );
}

#[test]
fn stop_words_are_question_and_function_words() {
    for w in [
        "谁",
        "哪个",
        "部门",
        "负责",
        "管",
        "的",
        "吗",
        "什么",
        "怎么",
        "哪裡",
        "Who",
        "department",
    ] {
        assert!(is_stopword(w), "{w}");
    }
    for w in ["质量", "安全", "监督", "电梯", "烟花爆竹", "投诉", "监管"] {
        assert!(!is_stopword(w), "{w}");
    }
}

/// Characters that exercise folding and offsets: traditional, simplified,
/// full-width, emoji, combining marks, ASCII, spaces, punctuation.
fn text_strategy() -> impl Strategy<Value = String> {
    let chars: Vec<char> = "煙花爆竹烟花爆竹質量監督乾燥第号条款ＧＢ１２３００ gb GB10631/-.,，。《》😀👨‍👩‍👧é\u{301}İẞ\t\n\u{3000}十三五"
        .chars()
        .collect();
    let one = prop_oneof![3 => prop::sample::select(chars), 1 => any::<char>()];
    prop::collection::vec(one, 0..48).prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn offsets_are_char_boundaries_in_range(text in text_strategy()) {
        let tokens = ANALYZER.tokens(&text);
        let mut last = (0, 0);
        for t in &tokens {
            prop_assert!(t.offset_from < t.offset_to, "{t:?}");
            prop_assert!(t.offset_to <= text.len(), "{t:?}");
            prop_assert!(text.is_char_boundary(t.offset_from) && text.is_char_boundary(t.offset_to));
            prop_assert!(!t.text.is_empty());
            prop_assert!((t.position, t.offset_from) >= last, "{tokens:?}");
            last = (t.position, t.offset_from);
        }
        // The tantivy stream's offsets never decrease.
        let mut analyzer = ANALYZER.clone();
        let mut stream = analyzer.token_stream(&text);
        let (mut from, mut to) = (0, 0);
        while stream.advance() {
            let t = stream.token();
            prop_assert!(t.offset_from >= from && t.offset_to >= to && t.offset_to <= text.len());
            prop_assert!(text.is_char_boundary(t.offset_to));
            (from, to) = (t.offset_from, t.offset_to);
        }
    }
}

fn index_with(docs: &[&str]) -> (Index, tantivy::schema::Field) {
    let mut schema = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(TOKENIZER_NAME)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let body = schema.add_text_field(
        "body",
        TextOptions::default().set_indexing_options(indexing) | STORED,
    );
    let index = Index::create_in_ram(schema.build());
    register(&index, &ANALYZER);
    let mut writer = index.writer(15_000_000).unwrap();
    for text in docs {
        writer.add_document(doc!(body => *text)).unwrap();
    }
    writer.commit().unwrap();
    (index, body)
}

fn hits(index: &Index, field: tantivy::schema::Field, query: &str) -> Vec<String> {
    let searcher = index.reader().unwrap().searcher();
    let query = QueryParser::for_index(index, vec![field])
        .parse_query(query)
        .unwrap();
    let mut out: Vec<String> = searcher
        .search(&query, &TopDocs::with_limit(10).order_by_score())
        .unwrap()
        .into_iter()
        .map(|(_, address)| {
            let doc: TantivyDocument = searcher.doc(address).unwrap();
            doc.get_first(field)
                .and_then(|v| tantivy::schema::Value::as_str(&v).map(str::to_string))
                .unwrap()
        })
        .collect();
    out.sort();
    out
}

#[test]
fn phrase_queries_find_the_phrase_in_an_index() {
    let docs = [
        "负责烟花爆竹经营许可的监督检查",
        "组织实施工业产品生产许可证管理工作",
        "电梯等特种设备的安全监察",
        "执行GB 10631标准",
        "煙花和爆竹的運輸",
    ];
    let (index, body) = index_with(&docs);
    assert_eq!(hits(&index, body, "\"烟花爆竹经营\""), [docs[0]]);
    assert_eq!(hits(&index, body, "\"爆竹经营\""), [docs[0]]);
    assert_eq!(hits(&index, body, "\"煙花爆竹\""), [docs[0]]);
    assert_eq!(hits(&index, body, "\"生产许可证管理\""), [docs[1]]);
    assert_eq!(hits(&index, body, "\"特种设备\""), [docs[2]]);
    assert_eq!(hits(&index, body, "\"GB10631\""), [docs[3]]);
    assert_eq!(hits(&index, body, "\"烟花\"").len(), 2);
    assert!(hits(&index, body, "\"经营烟花爆竹\"").is_empty());

    // The same holds with extra words from the records: a whole matter name.
    let analyzer = ChineseAnalyzer::new(["烟花爆竹经营许可".to_string()]);
    register(&index, &analyzer);
    let mut writer = index.writer::<TantivyDocument>(15_000_000).unwrap();
    writer.delete_all_documents().unwrap();
    writer.add_document(doc!(body => docs[0])).unwrap();
    writer.commit().unwrap();
    assert_eq!(hits(&index, body, "\"烟花爆竹经营\""), [docs[0]]);
    assert_eq!(hits(&index, body, "\"经营许可\""), [docs[0]]);
}

#[test]
fn snippets_highlight_the_original_text() {
    let docs = ["依法对生產、銷售煙花爆竹的企業實施工業產品生產許可證管理，特种设备检验所负责"];
    let (index, body) = index_with(&docs);
    let searcher = index.reader().unwrap().searcher();
    for (query, expected) in [
        ("烟花爆竹", "煙花爆竹"),
        ("工业产品生产许可证", "工業產品生產許可證"),
        ("产品", "產品"),
    ] {
        let query = QueryParser::for_index(&index, vec![body])
            .parse_query(query)
            .unwrap();
        let generator = SnippetGenerator::create(&searcher, &*query, body).unwrap();
        let snippet = generator.snippet(docs[0]);
        let html = snippet.to_html();
        assert!(html.contains(&format!("<b>{expected}")), "{html}");
    }
}

#[test]
fn every_curated_word_stays_whole() {
    let curated = include_str!("../data/dictionary.txt");
    let mut split = Vec::new();
    for line in curated.lines() {
        let Some(word) = line
            .split('#')
            .next()
            .and_then(|l| l.split_whitespace().next())
        else {
            continue;
        };
        if !has(word, &fold(word)) {
            split.push(word);
        }
    }
    assert!(split.is_empty(), "split: {split:?}");
}

#[test]
fn every_synonym_word_is_one_query_token() {
    let synonyms = Synonyms::builtin();
    assert!(synonyms.len() > 50);
    let mut split = Vec::new();
    for (word, terms) in synonyms.iter() {
        for w in std::iter::once(word).chain(terms.iter().map(String::as_str)) {
            // Multi-word English phrases are found in the folded query text,
            // not as single tokens.
            if w.chars().count() > 1 && !w.contains([' ', '-']) && !has(w, w) {
                split.push(w.to_string());
            }
        }
    }
    assert!(split.is_empty(), "split: {split:?}");
}
