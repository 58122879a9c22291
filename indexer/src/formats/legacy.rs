//! Old binary Office documents (Word 97–2003 `.doc`, Excel `.xls`), and
//! password-protected Office documents, which share their OLE2 container.
//!
//! Their formats are converted, not parsed: LibreOffice (`soffice
//! --headless --convert-to`) writes the `.docx`/`.xlsx` the other readers
//! take. Without it the error says how to convert by hand.

use std::process::Command;

use super::{Format, FormatError};

/// A legacy document converted to its modern format.
pub struct Converted {
    pub bytes: Vec<u8>,
    /// `docx` or `xlsx`.
    pub to: &'static str,
}

/// Converts an OLE2 document with LibreOffice.
pub fn convert(bytes: &[u8]) -> Result<Converted, FormatError> {
    // Encrypted OOXML keeps its package in an OLE stream of this name (UTF-16).
    let encrypted: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    if bytes.windows(encrypted.len()).any(|w| w == encrypted) {
        return Err(FormatError::Encrypted {
            what: "the Office document",
        });
    }
    let workbook: Vec<u8> = "Workbook"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let to = if bytes.windows(workbook.len()).any(|w| w == workbook) {
        "xlsx"
    } else {
        "docx"
    };
    let Some(soffice) = find_soffice() else {
        return Err(FormatError::ToolMissing {
            tool: "LibreOffice (soffice)",
            format: Format::Ole,
            hint: "install it (Debian: apt install libreoffice-writer-nogui libreoffice-calc-nogui), or save the document as .docx/.xlsx and add that",
        });
    };
    let dir = tempfile_dir().map_err(|e| FormatError::corrupt(Format::Ole, e))?;
    let input = dir.join(format!(
        "document.{}",
        if to == "xlsx" { "xls" } else { "doc" }
    ));
    std::fs::write(&input, bytes).map_err(|e| FormatError::corrupt(Format::Ole, e))?;
    let output = Command::new(soffice)
        .arg("--headless")
        .arg("--norestore")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.join("profile").display()
        ))
        .arg("--convert-to")
        .arg(to)
        .arg("--outdir")
        .arg(&dir)
        .arg(&input)
        .output();
    let converted = dir.join(format!("document.{to}"));
    let result = match output {
        Ok(_) if converted.is_file() => std::fs::read(&converted)
            .map(|bytes| Converted { bytes, to })
            .map_err(|e| FormatError::corrupt(Format::Ole, e)),
        Ok(out) => {
            // LibreOffice prints warnings (javaldx …) before its error line.
            let stderr = String::from_utf8_lossy(&out.stderr);
            let why = stderr
                .lines()
                .rfind(|l| l.starts_with("Error"))
                .unwrap_or("no output file")
                .trim_start_matches("Error:")
                .trim();
            Err(FormatError::corrupt(
                Format::Ole,
                format!(
                    "LibreOffice could not convert it ({why}); it may be damaged, or not a Word/Excel document"
                ),
            ))
        }
        Err(e) => Err(FormatError::corrupt(
            Format::Ole,
            format!("LibreOffice did not run: {e}"),
        )),
    };
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn find_soffice() -> Option<&'static str> {
    ["soffice", "libreoffice"].into_iter().find(|tool| {
        Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

fn tempfile_dir() -> std::io::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "qsearch-convert-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
