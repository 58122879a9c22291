//! The one step from the intermediate model to records, shared by all
//! encodings: cleaning, department resolution, spans and ids happen here and
//! only here.

use std::collections::HashMap;

use crate::departments::DepartmentTable;
use crate::read::{Column, ProseBlock, ReadDocument, Row, SectionBody};
use crate::record::{Bureau, Department, Fields, Inherited, LineSpan, Record, SectionKind, Source};
use crate::text;

/// Turns a read document into records with provenance.
pub fn records(doc: &ReadDocument, file: &str, bureau: &Bureau) -> Vec<Record> {
    let mut ids = IdMaker::new(file);
    let mut out = Vec::new();
    for section in &doc.sections {
        match &section.body {
            SectionBody::Table(table) => {
                for row in &table.rows {
                    for (fields, span) in row_records(section.kind, row, bureau) {
                        let mut record = make(&mut ids, bureau, section.kind, fields, file, span);
                        record.inherited = inherited(row);
                        out.push(record);
                    }
                }
            }
            SectionBody::Prose(blocks) => {
                for block in blocks.iter().filter(|b| !b.text.is_empty()) {
                    let fields = prose_fields(block);
                    out.push(make(
                        &mut ids,
                        bureau,
                        section.kind,
                        fields,
                        file,
                        block.span,
                    ));
                }
            }
        }
    }
    out
}

/// Characters one text field of a record keeps: six times the longest field
/// of the seeds (675). A longer field (a document with no structure the
/// readers recognise, e.g. one 50 MB line) is cut to this, with a warning
/// ([`cap_fields`]), so one document cannot make indexing, embedding and
/// every response that shows the record as large as itself.
pub const MAX_FIELD_CHARS: usize = 4000;

/// Cuts every text field of `record` to [`MAX_FIELD_CHARS`] characters;
/// returns the fields cut and how many characters each had.
pub fn cap_fields(record: &mut Record) -> Vec<(&'static str, usize)> {
    record
        .fields
        .texts_mut()
        .into_iter()
        .filter_map(|(name, text)| {
            text::truncate_chars(text, MAX_FIELD_CHARS).map(|chars| (name, chars))
        })
        .collect()
}

fn make(
    ids: &mut IdMaker,
    bureau: &Bureau,
    section: SectionKind,
    fields: Fields,
    file: &str,
    span: LineSpan,
) -> Record {
    Record {
        id: ids.next(section, span),
        bureau: bureau.clone(),
        section,
        fields,
        source: Source::new(file, span),
        inherited: Vec::new(),
    }
}

/// The basis and case cells a row got from a merged cell above it.
fn inherited(row: &Row) -> Vec<Inherited> {
    [
        (Column::Basis, Inherited::Basis),
        (Column::Case, Inherited::Case),
    ]
    .into_iter()
    .filter(|(column, _)| {
        row.cell(*column)
            .is_some_and(|c| c.span.is_none() && !c.is_blank())
    })
    .map(|(_, field)| field)
    .collect()
}

fn prose_fields(block: &ProseBlock) -> Fields {
    Fields::Prose {
        heading_path: block.heading_path.clone(),
        text: block.text.clone(),
    }
}

/// The records of one table row: none for an empty row, one per work item
/// for duties (an HTML cell may list several), one otherwise.
fn row_records(kind: SectionKind, row: &Row, bureau: &Bureau) -> Vec<(Fields, LineSpan)> {
    let clean = |c: Column| text::clean(row.text(c));
    let own_span = |cols: &[Column]| cited_span(row, cols);
    match kind {
        SectionKind::Duties => {
            let Some(span) = own_span(&[
                Column::Number,
                Column::MainDuty,
                Column::WorkItem,
                Column::Unit,
            ]) else {
                return Vec::new();
            };
            let mut items = work_items(row.text(Column::WorkItem));
            let own_main_duty = row
                .cell(Column::MainDuty)
                .is_some_and(|c| c.span.is_some() && !c.is_blank());
            if items.is_empty() && own_main_duty {
                items.push(String::new()); // a main duty without work items is still a duty
            }
            items
                .into_iter()
                .map(|work_item| {
                    let fields = Fields::Duty {
                        main_duty: clean(Column::MainDuty),
                        work_item,
                        unit: clean(Column::Unit),
                        basis: clean(Column::Basis),
                        remark: clean(Column::Remark),
                    };
                    (fields, span)
                })
                .collect()
        }
        SectionKind::Boundary => {
            let duty = clean(Column::Duty);
            let as_written = clean(Column::Department);
            let span = own_span(&[
                Column::Number,
                Column::Matter,
                Column::Department,
                Column::Duty,
            ]);
            let (Some(span), false) = (span, duty.is_empty() && as_written.is_empty()) else {
                return Vec::new();
            };
            let fields = Fields::Boundary {
                matter: clean(Column::Matter),
                department: resolve_department(&as_written, bureau),
                duty,
                basis: clean(Column::Basis),
                case: clean(Column::Case),
            };
            vec![(fields, span)]
        }
        SectionKind::PublicService => {
            // A service table may head its name column as a matter (事项名称).
            let service = match clean(Column::Service) {
                s if s.is_empty() => clean(Column::Matter),
                s => s,
            };
            let Some(span) = own_span(&[
                Column::Number,
                Column::Service,
                Column::Matter,
                Column::Content,
                Column::Unit,
                Column::Phone,
            ]) else {
                return Vec::new();
            };
            if service.is_empty() {
                return Vec::new();
            }
            let fields = Fields::Service {
                service,
                content: clean(Column::Content),
                basis: clean(Column::Basis),
                unit: clean(Column::Unit),
                phone: clean(Column::Phone),
            };
            vec![(fields, span)]
        }
        SectionKind::Supervision | SectionKind::Accountability => Vec::new(),
    }
}

/// Rows longer than this are cited by their core cells only.
const MAX_ROW_LINES: usize = 16;

/// The lines a row's record cites: all of the row's own cells (its basis and
/// case too, where they are its own and not carried down), unless that makes
/// the citation too long, then just the core cells.
fn cited_span(row: &Row, core: &[Column]) -> Option<LineSpan> {
    let core_span = row.span_of(core);
    match (row.span(), core_span) {
        (Some(full), _) if full.len() <= MAX_ROW_LINES => Some(full),
        (full, core) => core.or(full),
    }
}

/// Work items of a duty cell. HTML cells list several items as `<p>`
/// paragraphs, each its own record; other cells are one item.
fn work_items(raw: &str) -> Vec<String> {
    let cleaned = text::clean(raw);
    if cleaned.is_empty() {
        return Vec::new();
    }
    if raw.contains("<p>") {
        cleaned
            .lines()
            .map(str::to_string)
            .filter(|l| !l.is_empty())
            .collect()
    } else {
        vec![cleaned]
    }
}

/// A boundary row without a department is a joint duty of the departments
/// its text names.
fn resolve_department(as_written: &str, bureau: &Bureau) -> Department {
    if as_written.is_empty() {
        return Department::default();
    }
    DepartmentTable::builtin().resolve(as_written, bureau.level)
}

/// Stable ids: the document's name, section and line span, with a counter
/// when several records share a span (work items of one HTML cell). The
/// whole name (without `.txt`; `/` of a subdirectory as `~`) keeps ids of
/// different documents apart: `002_57c….txt` and `002_revised.txt` share
/// their number but not their ids.
struct IdMaker {
    stem: String,
    seen: HashMap<String, usize>,
}

/// The part of a record id that names its document.
pub fn id_stem(file: &str) -> String {
    file.strip_suffix(".txt").unwrap_or(file).replace('/', "~")
}

impl IdMaker {
    fn new(file: &str) -> Self {
        let stem = id_stem(file);
        IdMaker {
            stem,
            seen: HashMap::new(),
        }
    }

    fn next(&mut self, section: SectionKind, span: LineSpan) -> String {
        let base = format!(
            "{}-{}-{}-{}",
            self.stem,
            section.as_str(),
            span.start,
            span.end
        );
        let n = self.seen.entry(base.clone()).or_insert(0);
        *n += 1;
        if *n == 1 { base } else { format!("{base}-{n}") }
    }
}
