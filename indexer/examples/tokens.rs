//! Prints the analyzer's tokens for each argument (a debugging aid).
fn main() {
    let analyzer = qsearch::tokenizer::ChineseAnalyzer::default();
    for text in std::env::args().skip(1) {
        let tokens: Vec<String> = analyzer
            .tokens(&text)
            .into_iter()
            .map(|t| format!("{}@{}", t.text, t.position))
            .collect();
        println!("{text}: {}", tokens.join(" "));
    }
}
