//! PDF with a text layer → [`Layout`].
//!
//! The text and the position of every word come from poppler's
//! `pdftotext -bbox-layout` (Debian package poppler-utils). Poppler is the
//! most robust reader of the PDFs publishers actually produce: CID-keyed
//! CJK fonts, ToUnicode maps (and their absence), Identity-H encodings,
//! damaged cross-reference tables are all handled, and it reports each word
//! with its box. No Rust PDF crate extracts CJK text with positions as
//! reliably, and shelling out keeps a malformed file's parser crash out of
//! our process.
//!
//! The output is read as a stream, one page at a time, and only the words
//! are kept. Lines, running headers and footers, paragraphs, tables,
//! merged cells and rows cut by page breaks are then rebuilt from the word
//! positions and each page's own geometry (submodules below); every
//! paragraph and row gets the [`Place`](super::Place) of its page.

mod bbox;
mod geometry;
mod grid;
mod header;
mod running;
mod walk;

use std::io::{BufReader, Read, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::{Format, FormatError, Layout};
use geometry::{Page, lines_of};

/// More pages than this are refused: no responsibility list is that long,
/// and the words of every page are held until the document is assembled.
pub const MAX_PAGES: usize = 2000;

/// pdftotext is stopped after this long; a well-formed PDF of
/// [`MAX_PAGES`] pages takes a fraction of it.
const TIMEOUT: Duration = Duration::from_secs(300);

/// Most stderr kept from pdftotext (it can print an error per object of a
/// damaged file).
const MAX_STDERR: usize = 16 << 10;

const PDFTOTEXT: &str = "pdftotext";
const TOOL: &str = "pdftotext (poppler-utils)";
const HINT: &str = "install poppler-utils (Debian: apt install poppler-utils)";

/// Reads a PDF's text layer into paragraphs and tables.
pub fn read(bytes: &[u8]) -> Result<(Layout, Vec<(usize, String)>), FormatError> {
    let file = TempPdf::write(bytes)?;
    let extracted = run_pdftotext(PDFTOTEXT, file.path())?;
    drop(file);
    let mut warnings = extracted.warnings;
    let mut pages = extracted.pages;
    if pages.iter().all(|p| p.lines.is_empty()) {
        return Err(FormatError::NoTextLayer);
    }
    let empty: Vec<String> = pages
        .iter()
        .filter(|p| p.lines.is_empty())
        .map(|p| p.number.to_string())
        .collect();
    if !empty.is_empty() {
        warnings.push((
            0,
            format!(
                "page(s) {} have no text layer (scanned images?); their content is missing",
                abbreviate(&empty)
            ),
        ));
    }
    running::strip(&mut pages);
    Ok((walk::layout(&pages), warnings))
}

/// pdftotext's pages and what went wrong without stopping it.
struct Extracted {
    pages: Vec<Page>,
    warnings: Vec<(usize, String)>,
}

/// Runs pdftotext (`program`) on the file and reads its pages as they come.
fn run_pdftotext(program: &str, path: &Path) -> Result<Extracted, FormatError> {
    let mut child = Command::new(program)
        .args(["-bbox-layout", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => {
                FormatError::ToolMissing {
                    tool: TOOL,
                    format: Format::Pdf,
                    hint: HINT,
                }
            }
            _ => FormatError::corrupt(Format::Pdf, format!("cannot run pdftotext: {e}")),
        })?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(FormatError::corrupt(
            Format::Pdf,
            "pdftotext pipes unavailable",
        ));
    };
    let stderr_reader = std::thread::spawn(move || read_bounded(stderr, MAX_STDERR));
    let watchdog = Watchdog::start(child, TIMEOUT);

    let mut pages: Vec<Page> = Vec::new();
    let mut too_many = false;
    let parsed = bbox::for_each_page(BufReader::new(stdout), |raw| {
        if pages.len() >= MAX_PAGES {
            too_many = true;
            return ControlFlow::Break(());
        }
        pages.push(Page {
            number: pages.len() as u32 + 1,
            width: raw.width,
            height: raw.height,
            lines: lines_of(raw.words),
        });
        ControlFlow::Continue(())
    });
    let outcome = watchdog.finish(too_many || parsed.is_err());
    let stderr = stderr_reader.join().unwrap_or_default();
    let warnings = judge(&outcome, &stderr, pages.len(), too_many, parsed.err())?;
    Ok(Extracted { pages, warnings })
}

/// What pdftotext's exit, its stderr and the pages read say: an error, or
/// the problems worth a warning.
fn judge(
    outcome: &Outcome,
    stderr: &str,
    pages: usize,
    too_many: bool,
    unreadable: Option<String>,
) -> Result<Vec<(usize, String)>, FormatError> {
    let message = last_message(stderr);
    if too_many {
        return Err(FormatError::TooLarge {
            format: Format::Pdf,
            what: format!("more than {MAX_PAGES} pages"),
        });
    }
    // Older poppler also refuses a file whose owner forbids copying text.
    let refused = stderr.contains("Incorrect password")
        || stderr.contains("Permission Error")
        || (stderr.contains("ncrypt") && pages == 0);
    if refused {
        return Err(FormatError::Encrypted { what: "the PDF" });
    }
    let status = match outcome {
        Outcome::Exited(status) => status,
        Outcome::TimedOut => {
            return Err(FormatError::corrupt(
                Format::Pdf,
                format!("pdftotext did not finish within {} s", TIMEOUT.as_secs()),
            ));
        }
        Outcome::Failed(e) => return Err(FormatError::corrupt(Format::Pdf, e)),
    };
    let mut warnings = Vec::new();
    if let Some(e) = unreadable {
        if pages == 0 {
            return Err(FormatError::corrupt(Format::Pdf, e));
        }
        warnings.push((0, format!("{e}; pages after {pages} are missing")));
    }
    let damaged = |what: &str| {
        let reason = match &message {
            Some(m) => format!("{what} ({m})"),
            None => what.to_string(),
        };
        FormatError::corrupt(
            Format::Pdf,
            format!("{reason}; the file may be damaged or truncated"),
        )
    };
    if !status.success() {
        return Err(damaged(&format!("pdftotext failed with {status}")));
    }
    if pages == 0 {
        return Err(damaged("no pages"));
    }
    if let Some(m) = message.filter(|_| stderr.contains("Error")) {
        warnings.push((
            0,
            format!("the PDF is damaged (poppler: {m}); some text may be missing"),
        ));
    }
    Ok(warnings)
}

/// The last non-empty line of a tool's stderr.
fn last_message(stderr: &str) -> Option<String> {
    stderr
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .map(str::to_string)
}

fn read_bounded(mut from: impl Read, limit: usize) -> String {
    let mut kept = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        match from.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = limit.saturating_sub(kept.len());
                kept.extend_from_slice(&chunk[..n.min(room)]);
            }
        }
    }
    String::from_utf8_lossy(&kept).into_owned()
}

/// "3, 4, 5, … (12 pages)" for a long list.
fn abbreviate(items: &[String]) -> String {
    if items.len() <= 10 {
        items.join(", ")
    } else {
        format!("{}, … ({} pages)", items[..10].join(", "), items.len())
    }
}

/// How the child ended.
enum Outcome {
    Exited(ExitStatus),
    TimedOut,
    Failed(String),
}

/// Kills the child if it runs past a deadline. The child is waited for on
/// a thread of its own so that reading its output never blocks the
/// deadline (a hung pdftotext stops writing, our read then ends when it is
/// killed).
struct Watchdog {
    stop: std::sync::mpsc::Sender<bool>,
    thread: std::thread::JoinHandle<Outcome>,
}

impl Watchdog {
    fn start(mut child: Child, timeout: Duration) -> Watchdog {
        let (stop, stopped) = std::sync::mpsc::channel::<bool>();
        let thread = std::thread::spawn(move || {
            let deadline = Instant::now() + timeout;
            loop {
                match child.try_wait() {
                    Ok(Some(status)) => return Outcome::Exited(status),
                    Ok(None) => {}
                    Err(e) => return Outcome::Failed(format!("waiting for pdftotext: {e}")),
                }
                let now = Instant::now();
                if now >= deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Outcome::TimedOut;
                }
                let wait = (deadline - now).min(Duration::from_millis(20));
                match stopped.recv_timeout(wait) {
                    // Asked to stop early (we have read enough): kill it.
                    Ok(true) => {
                        let _ = child.kill();
                        return match child.wait() {
                            Ok(status) => Outcome::Exited(status),
                            Err(e) => Outcome::Failed(format!("waiting for pdftotext: {e}")),
                        };
                    }
                    Ok(false) | Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {}
                }
            }
        });
        Watchdog { stop, thread }
    }

    /// Waits for the child; `kill` when its output is no longer wanted.
    fn finish(self, kill: bool) -> Outcome {
        let _ = self.stop.send(kill);
        self.thread
            .join()
            .unwrap_or_else(|_| Outcome::Failed("pdftotext watchdog panicked".into()))
    }
}

/// The PDF's bytes in a file of their own for pdftotext, removed on drop.
struct TempPdf {
    path: PathBuf,
}

impl TempPdf {
    fn write(bytes: &[u8]) -> Result<TempPdf, FormatError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir();
        let failed = |e: std::io::Error| {
            FormatError::corrupt(
                Format::Pdf,
                format!("cannot write a temporary copy in {}: {e}", dir.display()),
            )
        };
        for _ in 0..16 {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let name = format!(
                "qsearch-pdf-{}-{}-{nanos}.pdf",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            );
            let path = dir.join(name);
            let mut file = match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(failed(e)),
            };
            let temp = TempPdf { path };
            file.write_all(bytes)
                .and_then(|()| file.flush())
                .map_err(failed)?;
            return Ok(temp);
        }
        Err(failed(std::io::Error::other("no free file name")))
    }

    fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempPdf {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests;
