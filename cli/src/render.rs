//! Terminal rendering of search results: one block per hit with its
//! `file:line` citation; colour only when stdout is a terminal.

use std::sync::atomic::{AtomicU8, Ordering};

use owo_colors::{OwoColorize, Stream};
use qsearch::SearchResponse;
use qsearch::answer::{Answer, AnswerDepartment, Coverage};
use qsearch::search::Hit;

/// `--color`: 0 auto, 1 always, 2 never.
static COLOR: AtomicU8 = AtomicU8::new(0);

/// Forces colour on or off (`None`: colour a terminal unless NO_COLOR is set).
pub fn set_color(choice: Option<bool>) {
    COLOR.store(
        match choice {
            None => 0,
            Some(true) => 1,
            Some(false) => 2,
        },
        Ordering::Relaxed,
    );
    match choice {
        Some(on) => owo_colors::set_override(on),
        None => owo_colors::unset_override(),
    }
}

/// Whether stdout gets colour: `--color`, else a terminal without NO_COLOR
/// (the same test owo-colors makes for the other styles).
fn colour() -> bool {
    match COLOR.load(Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => supports_color::on_cached(supports_color::Stream::Stdout).is_some(),
    }
}

pub fn print_response(response: &SearchResponse, explain: bool) {
    for warning in &response.warnings {
        eprintln!("qsearch: {warning}");
    }
    let answer = response.answer.as_ref().filter(|a| a.asked);
    if let Some(answer) = answer {
        print_answer(answer, &response.query, explain);
    }
    if response.hits.is_empty() {
        println!(
            "no results for {:?} ({} mode)",
            response.query,
            response.mode.as_str()
        );
        return;
    }
    if answer.is_some_and(|a| a.coverage != Coverage::Covered) {
        println!("可能相关的条文 (possibly related passages):\n");
    }
    for hit in &response.hits {
        print_hit(hit, explain);
    }
}

/// The answer: for a covered question one line such as
/// `烟花爆竹安全监管（质量）: 质监局 (今 市场监督管理局) — 鹿泉区, 常德市`; otherwise
/// a plain statement that the lists do not say, the nearest matters they do
/// cover and the candidates, if any, marked as such.
fn print_answer(answer: &Answer, query: &str, explain: bool) {
    match answer.coverage {
        Coverage::Covered => {
            let names: Vec<String> = answer.departments.iter().map(department_line).collect();
            let line = format!("{}: {}", answer.topic, names.join("; "));
            println!("{}", line.if_supports_color(Stream::Stdout, |s| s.bold()));
            for d in answer.departments.iter().filter(|d| !d.offices.is_empty()) {
                println!("   {} 科室/电话: {}", d.name, d.offices.join("; "));
            }
            for d in &answer.departments {
                if let Some(case) = &d.case {
                    println!("   {} 见事例 (from the list's case): 「{case}」", d.name);
                }
            }
            if !answer.also_involved.is_empty() {
                let others: Vec<&str> = answer
                    .also_involved
                    .iter()
                    .map(|d| d.name.as_str())
                    .collect();
                println!("   也涉及 (also involved): {}", others.join(", "));
            }
        }
        Coverage::Uncertain | Coverage::NotCovered => {
            let line = format!(
                "这些清单没有写明谁负责「{}」(not covered by the loaded lists: {})",
                query.trim(),
                answer.lists.join(", ")
            );
            println!("{}", line.if_supports_color(Stream::Stdout, |s| s.bold()));
            if !answer.candidates.is_empty() {
                let names: Vec<String> = answer.candidates.iter().map(department_line).collect();
                println!(
                    "   不确定 (uncertain) — 相关条文涉及的部门, 仅供参考 (candidates, not an answer): {}",
                    names.join("; ")
                );
            }
            if !answer.nearest_matters.is_empty() {
                let near: Vec<String> = answer
                    .nearest_matters
                    .iter()
                    .map(|m| format!("{} ({} {})", m.matter, m.place, m.source.citation()))
                    .collect();
                println!(
                    "   清单涉及的相近事项 (nearest matters the lists cover): {}",
                    near.join("; ")
                );
            }
            println!("   提示: 12345 是政府服务便民热线 (12345 is the general government hotline)");
        }
    }
    if explain {
        println!(
            "   explain: {} · confidence {:.2} · {}",
            answer.coverage.as_str(),
            answer.confidence,
            answer.reason
        );
        let concepts: Vec<String> = answer
            .concepts
            .iter()
            .map(|c| {
                let unknown = if c.known { "" } else { " (not in the lists)" };
                format!(
                    "{} w{:.1}{unknown} {:.0}%",
                    c.word,
                    c.weight,
                    c.credit * 100.0
                )
            })
            .collect();
        println!("   concepts: {}", concepts.join(", "));
    }
    println!();
}

/// `质监局 (今 市场监督管理局) — 鹿泉区, 常德市`
fn department_line(d: &AnswerDepartment) -> String {
    let now = if d.current_name != d.name {
        format!(" (今 {})", d.current_name)
    } else {
        String::new()
    };
    format!("{}{now} — {}", d.name, d.bureaus.join(", "))
}

fn print_hit(hit: &Hit, explain: bool) {
    let citation = hit.source.citation();
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

/// The snippet with its highlights in terminal emphasis (or 【】 when not
/// colouring), on one line.
fn highlight(snippet: &qsearch::search::snippet::Snippet) -> String {
    let (open, close) = if colour() {
        ("\x1b[1;31m", "\x1b[0m")
    } else {
        ("【", "】")
    };
    snippet.marked(open, close).replace('\n', " ")
}
