//! The XHTML `pdftotext -bbox-layout` writes, read as a stream of pages.
//!
//! ```text
//! <page width="841.89" height="595.30">
//!   <flow><block …><line …>
//!     <word xMin="62.2" yMin="115.5" xMax="252.2" yMax="128.5">部门名称：…</word>
//! ```
//!
//! Only pages and words matter: poppler's flows, blocks and lines follow
//! its own reading-order guesses, which cut table cells apart or run them
//! together, so the structure is rebuilt from the word boxes instead. One
//! page is held at a time; the caller decides what to keep of it.

use std::io::BufRead;
use std::ops::ControlFlow;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::geometry::Word;

/// One page's size and words, in the order pdftotext wrote them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawPage {
    pub width: f64,
    pub height: f64,
    pub words: Vec<Word>,
}

/// Longest word kept: pdftotext never writes longer ones for real text; a
/// damaged content stream could.
const MAX_WORD_BYTES: usize = 64 << 10;

/// Calls `on_page` for every page in the output, in order, until it breaks.
/// Returns the number of pages seen, or what made the XML unreadable.
pub fn for_each_page<R: BufRead>(
    reader: R,
    mut on_page: impl FnMut(RawPage) -> ControlFlow<()>,
) -> Result<usize, String> {
    let mut xml = Reader::from_reader(reader);
    let mut buf = Vec::new();
    let mut page: Option<RawPage> = None;
    let mut word: Option<Word> = None;
    let mut pages = 0;
    loop {
        let event = xml.read_event_into(&mut buf).map_err(|e| {
            format!(
                "pdftotext output unreadable at byte {}: {e}",
                xml.buffer_position()
            )
        })?;
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                "page" => page = Some(page_of(&e)),
                "word" => word = word_of(&e),
                _ => {}
            },
            Event::Empty(e) if e.local_name().as_ref() == "page" => {
                pages += 1;
                if on_page(page_of(&e)).is_break() {
                    return Ok(pages);
                }
            }
            Event::Text(t) => {
                if let Some(w) = word.as_mut() {
                    push_bounded(&mut w.text, &t.html_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(w) = word.as_mut()
                    && let Some(c) = entity(&r)
                {
                    let mut s = [0u8; 4];
                    push_bounded(&mut w.text, c.encode_utf8(&mut s));
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "word" => {
                    if let (Some(w), Some(p)) = (word.take(), page.as_mut())
                        && !w.text.trim().is_empty()
                    {
                        p.words.push(w);
                    }
                }
                "page" => {
                    if let Some(p) = page.take() {
                        pages += 1;
                        if on_page(p).is_break() {
                            return Ok(pages);
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if let Some(p) = page.take() {
        // Output cut off inside a page (pdftotext killed): keep what came.
        pages += 1;
        let _ = on_page(p);
    }
    Ok(pages)
}

fn page_of(e: &BytesStart) -> RawPage {
    RawPage {
        width: number(e, "width").unwrap_or(0.0),
        height: number(e, "height").unwrap_or(0.0),
        words: Vec::new(),
    }
}

/// A word with all four coordinates; one without is dropped.
fn word_of(e: &BytesStart) -> Option<Word> {
    Some(Word {
        x0: number(e, "xMin")?,
        y0: number(e, "yMin")?,
        x1: number(e, "xMax")?,
        y1: number(e, "yMax")?,
        text: String::new(),
    })
}

fn number(e: &BytesStart, name: &str) -> Option<f64> {
    let attribute = e.try_get_attribute(name).ok()??;
    let value: f64 = attribute.value.trim().parse().ok()?;
    value.is_finite().then_some(value)
}

fn entity(r: &quick_xml::events::BytesRef) -> Option<char> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return Some(c);
    }
    match &**r {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

fn push_bounded(text: &mut String, more: &str) {
    if text.len() + more.len() <= MAX_WORD_BYTES {
        text.push_str(more);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"><head><title></title></head><body><doc>
  <page width="612.000000" height="792.000000">
    <flow><block xMin="1" yMin="2" xMax="3" yMax="4"><line xMin="1" yMin="2" xMax="3" yMax="4">
      <word xMin="90.1" yMin="35.8" xMax="237.1" yMax="49.4">临沂市&amp;质监局</word>
      <word xMin="240" yMin="35.8" xMax="250" yMax="49.4">&lt;1&gt;</word>
    </line></block></flow>
  </page>
  <page width="612.000000" height="792.000000">
  </page>
</doc></body></html>"#;

    #[test]
    fn reads_pages_and_words() {
        let mut pages = Vec::new();
        let n = for_each_page(SAMPLE.as_bytes(), |p| {
            pages.push(p);
            ControlFlow::Continue(())
        })
        .expect("valid sample");
        assert_eq!(n, 2);
        assert_eq!(pages[0].width, 612.0);
        assert_eq!(pages[0].words.len(), 2);
        assert_eq!(pages[0].words[0].text, "临沂市&质监局");
        assert_eq!(pages[0].words[1].text, "<1>");
        assert_eq!(pages[0].words[0].x0, 90.1);
        assert!(pages[1].words.is_empty());
    }

    #[test]
    fn stops_when_asked() {
        let mut seen = 0;
        let n = for_each_page(SAMPLE.as_bytes(), |_| {
            seen += 1;
            ControlFlow::Break(())
        })
        .expect("valid sample");
        assert_eq!((n, seen), (1, 1));
    }

    #[test]
    fn cut_output_keeps_the_words_read() {
        let cut = &SAMPLE[..SAMPLE.find("</line>").unwrap_or(SAMPLE.len())];
        let mut words = 0;
        let result = for_each_page(cut.as_bytes(), |p| {
            words += p.words.len();
            ControlFlow::Continue(())
        });
        assert!(result.is_ok() || words == 0);
        assert_eq!(words, 2);
    }
}
