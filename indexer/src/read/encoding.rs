//! Encoding detection from the text itself, so a catalog entry may omit the
//! encoding and a wrong declaration is noticed.

use super::{Encoding, Line, sections};

/// Guesses a document's encoding from the shape of its lines.
pub fn detect(lines: &[Line]) -> Encoding {
    let non_blank = lines.iter().filter(|l| !l.is_blank()).count().max(1);
    let leading_tab = lines
        .iter()
        .filter(|l| l.text.trim_start_matches(' ').starts_with('\t'))
        .count();
    let inner_tab = lines
        .iter()
        .filter(|l| {
            let t = l.text.trim_start_matches(' ');
            !t.starts_with('\t') && t.contains('\t')
        })
        .count();
    let has_sections = lines
        .iter()
        .any(|l| sections::heading_kind(l.text).is_some());
    if leading_tab * 5 >= non_blank {
        Encoding::TabCells
    } else if inner_tab * 20 >= non_blank {
        Encoding::Tsv
    } else if has_sections {
        Encoding::PdfColumns
    } else {
        Encoding::Prose
    }
}
