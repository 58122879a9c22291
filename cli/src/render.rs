//! Terminal rendering of search results: one block per hit with its
//! `file:line` citation; colour only when stdout is a terminal.

use std::io::IsTerminal;

use owo_colors::{OwoColorize, Stream};
use qsearch::SearchResponse;
use qsearch::answer::Answer;
use qsearch::search::Hit;

pub fn print_response(response: &SearchResponse, explain: bool) {
    for warning in &response.warnings {
        eprintln!("qsearch: {warning}");
    }
    if let Some(answer) = &response.answer {
        print_answer(answer);
    }
    if response.hits.is_empty() {
        println!(
            "no results for {:?} ({} mode)",
            response.query,
            response.mode.as_str()
        );
        return;
    }
    for hit in &response.hits {
        print_hit(hit, explain);
    }
}

/// The one-line answer, e.g. `烟花爆竹安全监管（质量）: 质监局 (今 市场监督管理局) — 鹿泉区, 常德市`.
fn print_answer(answer: &Answer) {
    let names: Vec<String> = answer
        .departments
        .iter()
        .map(|d| {
            let now = if d.current_name != d.name {
                format!(" (今 {})", d.current_name)
            } else {
                String::new()
            };
            format!("{}{now} — {}", d.name, d.bureaus.join(", "))
        })
        .collect();
    let line = format!("{}: {}", answer.topic, names.join("; "));
    println!("{}", line.if_supports_color(Stream::Stdout, |s| s.bold()));
    for d in answer.departments.iter().filter(|d| !d.offices.is_empty()) {
        println!("   {} 科室/电话: {}", d.name, d.offices.join("; "));
    }
    if !answer.also_involved.is_empty() {
        let others: Vec<&str> = answer
            .also_involved
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        println!("   也涉及 (also involved): {}", others.join(", "));
    }
    println!();
}

fn print_hit(hit: &Hit, explain: bool) {
    let citation = format!(
        "{}:{}-{}",
        hit.source.file, hit.source.line_start, hit.source.line_end
    );
    println!(
        "{} {}  {} · {} · {}",
        format!("#{}", hit.rank).if_supports_color(Stream::Stdout, |s| s.bold()),
        citation.if_supports_color(Stream::Stdout, |s| s.cyan()),
        hit.place,
        section_label(&hit.section),
        hit.matter.if_supports_color(Stream::Stdout, |s| s.yellow()),
    );
    if let Some(dept) = &hit.department {
        let mut line = format!("   部门: {dept}");
        if let (Some(c), Some(now)) = (&hit.department_canonical, &hit.department_current) {
            if c != dept {
                line.push_str(&format!(" ({c})"));
            }
            if now != c {
                line.push_str(&format!(" → 今 {now}"));
            }
        }
        if let Some(phone) = &hit.phone {
            line.push_str(&format!("  电话: {phone}"));
        }
        println!("{}", line.if_supports_color(Stream::Stdout, |s| s.green()));
    }
    println!("   {}", highlight(&hit.snippet));
    if explain && let Some(e) = &hit.explain {
        println!(
            "   explain: bm25 rank {} score {} · vector rank {} cosine {} · fused {:.4}",
            opt(e.bm25_rank),
            opt(e.bm25_score.map(|s| format!("{s:.3}"))),
            opt(e.vector_rank),
            opt(e.cosine.map(|c| format!("{c:.3}"))),
            e.fused_score
        );
    }
    println!();
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or("-".to_string(), |v| v.to_string())
}

fn section_label(section: &str) -> &str {
    qsearch::SectionKind::parse(section).map_or(section, |k| k.label())
}

/// Turns the snippet's `<b>` markup into terminal emphasis (or 【】 when
/// not a terminal) and unescapes HTML entities.
fn highlight(snippet: &str) -> String {
    let (open, close) = if std::io::stdout().is_terminal() {
        ("\x1b[1;31m", "\x1b[0m")
    } else {
        ("【", "】")
    };
    snippet
        .replace("<b>", open)
        .replace("</b>", close)
        .replace('\n', " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}
