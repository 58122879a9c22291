//! Original documents → text the readers understand.
//!
//! Publishers issue their lists as Word documents, Excel workbooks, web
//! pages and PDFs as well as plain text. The format is recognised from the
//! bytes (magic numbers, the container's parts), never from the file name.
//! Plain text is decoded (UTF-8, GBK/GB18030, UTF-16 with a byte order
//! mark) and read by its encoding's reader as before; every other format is
//! read into a [`Layout`] of paragraphs and tables (merged cells resolved)
//! and rendered as encoding E: one line per paragraph, one tab-separated
//! line per table row, each line with its [`Place`] in the original.
//!
//! A document that cannot be read is a [`FormatError`] naming the reason
//! (corrupt, encrypted, no text layer, unsupported); the corpus reports it
//! against the file and goes on with the others.

pub mod cache;
pub mod docx;
pub mod html;
pub mod layout;
pub mod legacy;
pub mod numbering;
pub mod pdf;
pub mod place;
pub mod text;
pub mod xlsx;

use std::fmt;
use std::io::Read;

pub use cache::ExtractionCache;
pub use layout::{Block, Grid, GridCell, GridRow, Layout, Rendered};
pub use place::Place;

/// No part of a container is inflated beyond this: a zip bomb or a huge
/// embedded object is refused instead of filling memory.
pub const MAX_PART_BYTES: u64 = 256 << 20;

/// Document formats, as recognised from content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Text,
    Docx,
    Xlsx,
    Html,
    Pdf,
    /// An OLE2 compound file: Word 97–2003 `.doc`, Excel `.xls`, or an
    /// encrypted (password-protected) Office document.
    Ole,
    /// A zip archive that is not a Word or Excel document.
    OtherZip,
    /// Bytes no reader understands (binary data).
    Unknown,
}

impl Format {
    /// Recognises the format from the first bytes and, for zip containers,
    /// the names of their parts.
    pub fn sniff(bytes: &[u8]) -> Format {
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
            return zip_kind(bytes);
        }
        if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            return Format::Ole;
        }
        let head = &bytes[..bytes.len().min(1024)];
        if find(head, b"%PDF-").is_some() {
            return Format::Pdf;
        }
        if looks_like_html(head) {
            return Format::Html;
        }
        if text::is_binary(bytes) {
            return Format::Unknown;
        }
        Format::Text
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Ole => "ole",
            Format::OtherZip => "zip",
            Format::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a document could not be read, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("corrupt {format} file: {reason}")]
    Corrupt { format: Format, reason: String },
    #[error("{what} is encrypted (password-protected); save an unprotected copy and add that")]
    Encrypted { what: &'static str },
    #[error(
        "PDF has no text layer (a scanned image); run OCR on it first (e.g. `ocrmypdf -l chi_sim in.pdf out.pdf`) and add the result"
    )]
    NoTextLayer,
    #[error("unsupported format: {what}; {hint}")]
    Unsupported { what: String, hint: String },
    #[error("{tool} is needed to read {format} files but was not found ({hint})")]
    ToolMissing {
        tool: &'static str,
        format: Format,
        hint: &'static str,
    },
    #[error("{format} file too large: {what}")]
    TooLarge { format: Format, what: String },
}

impl FormatError {
    pub(crate) fn corrupt(format: Format, reason: impl fmt::Display) -> FormatError {
        FormatError::Corrupt {
            format,
            reason: reason.to_string(),
        }
    }
}

/// A document's text as the readers take it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Extracted {
    pub format: Format,
    pub text: String,
    /// For a layout-rendered document, the place of each line (`places[n-1]`
    /// for line `n`); empty for plain text, which is cited by line.
    pub places: Vec<Place>,
    /// Problems that did not stop the reading: the line they concern
    /// (0 when none) and what happened.
    pub warnings: Vec<(usize, String)>,
}

impl Extracted {
    /// Was the text rendered from a layout (encoding E)?
    pub fn is_layout(&self) -> bool {
        self.format != Format::Text
    }

    fn from_layout(format: Format, layout: &Layout, warnings: Vec<(usize, String)>) -> Extracted {
        let Rendered { text, places } = layout.render();
        Extracted {
            format,
            text,
            places,
            warnings,
        }
    }
}

/// Reads a document of any supported format into text.
pub fn extract(bytes: &[u8]) -> Result<Extracted, FormatError> {
    let format = Format::sniff(bytes);
    match format {
        Format::Text => Ok(text::decode(bytes)),
        Format::Docx => {
            let (layout, warnings) = docx::read(bytes)?;
            Ok(Extracted::from_layout(format, &layout, warnings))
        }
        Format::Xlsx => {
            let (layout, warnings) = xlsx::read(bytes)?;
            Ok(Extracted::from_layout(format, &layout, warnings))
        }
        Format::Html => {
            let (layout, warnings) = html::read(bytes)?;
            Ok(Extracted::from_layout(format, &layout, warnings))
        }
        Format::Pdf => {
            let (layout, warnings) = pdf::read(bytes)?;
            Ok(Extracted::from_layout(format, &layout, warnings))
        }
        Format::Ole => {
            let converted = legacy::convert(bytes)?;
            let mut extracted = extract(&converted.bytes)?;
            extracted.warnings.insert(
                0,
                (
                    0,
                    format!(
                        "old binary Office document converted to {} with LibreOffice",
                        converted.to
                    ),
                ),
            );
            Ok(extracted)
        }
        Format::OtherZip => Err(FormatError::Unsupported {
            what: "a zip archive that is not a Word (.docx) or Excel (.xlsx) document".into(),
            hint: "unpack it and add the documents inside".into(),
        }),
        Format::Unknown => Err(FormatError::Unsupported {
            what: "binary data of no known document format".into(),
            hint: "qsearch reads text, .docx, .xlsx, .html and .pdf (and .doc/.xls with LibreOffice installed)".into(),
        }),
    }
}

fn zip_kind(bytes: &[u8]) -> Format {
    let Ok(archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        // A cut zip still starts like one; which one decides the message.
        return if find(bytes, b"word/").is_some() {
            Format::Docx
        } else if find(bytes, b"xl/").is_some() {
            Format::Xlsx
        } else {
            Format::OtherZip
        };
    };
    let names: Vec<String> = archive
        .file_names()
        .filter_map(|name| name.ok().map(|n| n.into_owned()))
        .collect();
    let has = |part: &str| names.iter().any(|n| n == part);
    if has("word/document.xml") {
        Format::Docx
    } else if has("xl/workbook.xml") {
        Format::Xlsx
    } else {
        Format::OtherZip
    }
}

fn looks_like_html(head: &[u8]) -> bool {
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace() && !matches!(b, 0xEF | 0xBB | 0xBF))
        .unwrap_or(head.len());
    let lower = head[start..].to_ascii_lowercase();
    lower.starts_with(b"<!doctype html")
        || lower.starts_with(b"<html")
        || (lower.starts_with(b"<")
            && (find(&lower, b"<table").is_some()
                || find(&lower, b"<body").is_some()
                || find(&lower, b"<meta").is_some()))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A zip container's part, bounded by [`MAX_PART_BYTES`]; `None` when absent.
pub(crate) fn zip_part(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
    format: Format,
) -> Result<Option<Vec<u8>>, FormatError> {
    let file = match archive.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(zip::result::ZipError::UnsupportedArchive(what)) if what.contains("ncrypt") => {
            return Err(FormatError::Encrypted {
                what: "the archive",
            });
        }
        Err(e) => return Err(FormatError::corrupt(format, format!("{name}: {e}"))),
    };
    let mut out = Vec::new();
    file.take(MAX_PART_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| FormatError::corrupt(format, format!("{name}: {e}")))?;
    if out.len() as u64 > MAX_PART_BYTES {
        return Err(FormatError::TooLarge {
            format,
            what: format!("{name} inflates beyond {} MB", MAX_PART_BYTES >> 20),
        });
    }
    Ok(Some(out))
}

/// Opens a zip container, reporting a damaged one as corrupt.
pub(crate) fn open_zip(
    bytes: &[u8],
    format: Format,
) -> Result<zip::ZipArchive<std::io::Cursor<&[u8]>>, FormatError> {
    zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
        FormatError::corrupt(
            format,
            format!("not a complete zip container ({e}); the file may be truncated"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_formats_by_content() {
        assert_eq!(Format::sniff("一、部门职责\n".as_bytes()), Format::Text);
        assert_eq!(Format::sniff(b"%PDF-1.7\n..."), Format::Pdf);
        assert_eq!(
            Format::sniff(b"  <!DOCTYPE html><html><body></body></html>"),
            Format::Html
        );
        assert_eq!(
            Format::sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]),
            Format::Ole
        );
        assert_eq!(Format::sniff(b"PK\x03\x04garbage"), Format::OtherZip);
        assert_eq!(
            Format::sniff(&[0u8, 1, 2, 0, 0, 0, 7, 0, 0, 0].repeat(100)),
            Format::Unknown
        );
    }
}
