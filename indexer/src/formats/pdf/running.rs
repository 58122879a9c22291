//! Running headers and footers: the bureau's name above every page, `第 3
//! 页 共 10 页` below it. They are not part of the list, and left in they
//! would cut a table row or a paragraph in two at every page break.
//!
//! A line is running text when it is one of the outermost lines of its page,
//! lies in the top or bottom band of the page, and either repeats on most
//! pages (digits ignored, so `第 3 页` and `第 4 页` repeat) or is a bare
//! page number.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::geometry::{Line, Page};

/// Share of the page height at its top and bottom where running text sits.
const BAND: f64 = 0.12;
/// How many lines at each end of a page may be running text.
const OUTERMOST: usize = 2;

static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(第#页([,，/]?共#页)?|共#页[,，]?第#页|[-—–]#[-—–]|#|#/#|[Pp]age#(of#)?|#of#)$")
        .expect("valid page number regex")
});

/// Removes running headers and footers from every page.
pub fn strip(pages: &mut [Page]) {
    let with_text = pages.iter().filter(|p| !p.lines.is_empty()).count();
    let mut seen: HashMap<(bool, String), usize> = HashMap::new();
    for page in pages.iter() {
        let mut keys: Vec<(bool, String)> = outer_lines(page)
            .map(|(top, line)| (top, key(&line.text())))
            .collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            *seen.entry(k).or_default() += 1;
        }
    }
    let repeats = |top: bool, k: &str| {
        with_text >= 2
            && seen.get(&(top, k.to_string())).copied().unwrap_or(0) * 2 >= with_text.max(3)
    };
    for page in pages.iter_mut() {
        let drop: Vec<usize> = outer_indices(page)
            .filter(|&(top, i)| {
                let k = key(&page.lines[i].text());
                PAGE_NUMBER.is_match(&k) || repeats(top, &k)
            })
            .map(|(_, i)| i)
            .collect();
        let mut i = 0;
        page.lines.retain(|_| {
            let keep = !drop.contains(&i);
            i += 1;
            keep
        });
    }
}

/// Indices of the outermost lines in the bands, with whether at the top.
fn outer_indices(page: &Page) -> impl Iterator<Item = (bool, usize)> + '_ {
    let n = page.lines.len();
    let top = (0..n.min(OUTERMOST))
        .take_while(|&i| page.lines[i].y1 <= page.height * BAND)
        .map(|i| (true, i));
    let bottom = (n.saturating_sub(OUTERMOST)..n)
        .rev()
        .take_while(|&i| page.lines[i].y0 >= page.height * (1.0 - BAND))
        .map(|i| (false, i));
    top.chain(bottom)
}

fn outer_lines(page: &Page) -> impl Iterator<Item = (bool, &Line)> + '_ {
    outer_indices(page).map(|(top, i)| (top, &page.lines[i]))
}

/// Text compared across pages: no spaces, digit runs as `#`.
fn key(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        let digit = c.is_ascii_digit() || ('０'..='９').contains(&c);
        if digit {
            if !out.ends_with('#') {
                out.push('#');
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::pdf::geometry::{Word, lines_of};

    fn page(number: u32, texts: &[(f64, &str)]) -> Page {
        let words = texts
            .iter()
            .map(|&(y, t)| Word {
                x0: 100.0,
                y0: y,
                x1: 100.0 + 10.0 * t.chars().count() as f64,
                y1: y + 12.0,
                text: t.to_string(),
            })
            .collect();
        Page {
            number,
            width: 600.0,
            height: 800.0,
            lines: lines_of(words),
        }
    }

    #[test]
    fn drops_repeated_headers_and_page_numbers_only() {
        let mut pages: Vec<Page> = (1..=4)
            .map(|n| {
                let number = format!("第 {n} 页 共 4 页");
                let body = format!("正文第{n}段");
                page(
                    n,
                    &[
                        (30.0, "某某局责任清单"),
                        (100.0, body.as_str()),
                        (740.0, "3"),
                        (770.0, number.as_str()),
                    ],
                )
            })
            .collect();
        pages[0]
            .lines
            .insert(1, page(1, &[(60.0, "只在首页的标题")]).lines.remove(0));
        strip(&mut pages);
        let texts: Vec<String> = pages[0].lines.iter().map(Line::text).collect();
        // "3" is a bare number in the bottom band: a page number.
        assert_eq!(texts, ["只在首页的标题", "正文第1段"]);
        assert_eq!(pages[3].lines.len(), 1);
    }

    #[test]
    fn page_number_forms() {
        for t in [
            "第 3 页",
            "- 3 -",
            "3",
            "第3页 共10页",
            "3/10",
            "Page 3 of 10",
            "—12—",
        ] {
            assert!(PAGE_NUMBER.is_match(&key(t)), "{t}");
        }
        for t in ["第3条", "3.负责", "二、职责边界"] {
            assert!(!PAGE_NUMBER.is_match(&key(t)), "{t}");
        }
    }
}
