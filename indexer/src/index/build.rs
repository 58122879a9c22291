//! Writing one index generation: tantivy documents and the record list.

use std::io::Write;
use std::path::Path;

use tantivy::{Index, TantivyDocument};

use super::filters::FilterKeys;
use super::schema::IndexFields;
use super::store::{MANIFEST, Manifest};
use super::{RECORDS_FILE, analyzer_for};
use crate::corpus::Corpus;
use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::record::{Inherited, Record};
use crate::tokenizer;

const WRITER_MEMORY: usize = 64 * 1024 * 1024;

/// Writes a complete generation into `dir`; the manifest is written last, so
/// a directory without one is never mistaken for a complete index. Returns
/// the manifest as written (with the record list's checksum).
pub fn write_generation(
    dir: &Path,
    corpus: &Corpus,
    manifest: &Manifest,
    progress: &dyn Progress,
) -> Result<Manifest> {
    let records = &corpus.records;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let (schema, fields) = IndexFields::schema();
    let index = Index::create_in_dir(dir, schema)?;
    tokenizer::register(&index, &analyzer_for(records));
    let mut writer = index.writer_with_num_threads(1, WRITER_MEMORY)?;
    progress.begin("indexing", records.len() as u64);
    for (i, record) in records.iter().enumerate() {
        writer.add_document(document(&fields, i, record))?;
        progress.advance(1);
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    drop(index);
    // The writer's lock files mean nothing once the generation is published
    // (nothing writes it again, and readers take no locks).
    for lock in [".tantivy-writer.lock", ".tantivy-meta.lock"] {
        let _ = std::fs::remove_file(dir.join(lock));
    }
    progress.end();
    write_sources(dir, &corpus.sources)?;
    let mut manifest = manifest.clone();
    manifest.records_sha256 = Some(write_records(dir, records)?);
    let manifest_json =
        serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Other(e.to_string()))?;
    let path = dir.join(MANIFEST);
    std::fs::write(&path, manifest_json).map_err(|e| Error::io(&path, e))?;
    Ok(manifest)
}

fn document(f: &IndexFields, idx: usize, record: &Record) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_u64(f.record_idx, idx as u64);
    doc.add_text(f.matter, record.matter());
    if let Some(d) = record.department() {
        for name in [&d.as_written, &d.canonical, &d.current] {
            doc.add_text(f.department, name);
        }
    }
    doc.add_text(f.text, record.text());
    doc.add_text(f.context, context_of(record));
    let own_or_inherited = |field: Inherited| {
        if record.inherits(field) {
            f.inherited
        } else {
            match field {
                Inherited::Basis => f.basis,
                Inherited::Case => f.case,
            }
        }
    };
    doc.add_text(own_or_inherited(Inherited::Basis), record.basis());
    doc.add_text(own_or_inherited(Inherited::Case), record.case());
    let keys = FilterKeys::of(record);
    for b in &keys.bureau {
        doc.add_text(f.bureau, b);
    }
    for p in &keys.province {
        doc.add_text(f.province, p);
    }
    doc.add_text(f.section, &keys.section);
    for d in &keys.department {
        doc.add_text(f.department_key, d);
    }
    doc
}

/// Text around the record's own text that still says what it is about.
fn context_of(record: &Record) -> String {
    use crate::record::Fields;
    match &record.fields {
        Fields::Prose { heading_path, .. } => heading_path.join(" "),
        Fields::Duty { unit, remark, .. } => format!("{unit} {remark}"),
        Fields::Service { unit, phone, .. } => format!("{unit} {phone}"),
        Fields::Boundary { .. } => String::new(),
    }
}

/// Writes the record list; returns its checksum.
fn write_records(dir: &Path, records: &[Record]) -> Result<String> {
    let path = dir.join(RECORDS_FILE);
    let mut bytes = Vec::new();
    for record in records {
        let line = serde_json::to_string(record).map_err(|e| Error::Other(e.to_string()))?;
        writeln!(bytes, "{line}").map_err(|e| Error::io(&path, e))?;
    }
    std::fs::write(&path, &bytes).map_err(|e| Error::io(&path, e))?;
    Ok(super::records_checksum(&bytes))
}

/// The documents as read, under `sources/`: the lines a record cites are
/// served from here, so they match the index even after a seed changes.
fn write_sources(dir: &Path, sources: &[(String, Vec<u8>)]) -> Result<()> {
    for (file, bytes) in sources {
        let path = dir.join(super::SOURCES_DIR).join(file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}
