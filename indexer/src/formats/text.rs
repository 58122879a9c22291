//! Plain text: UTF-8, GBK/GB18030 (what Chinese Windows saves), or UTF-16
//! with a byte order mark, decoded to UTF-8 with its lines kept.
//!
//! Decoding never fails: a stray NUL byte is removed, bytes no candidate
//! encoding accepts are replaced with U+FFFD, and each is a warning on the
//! line it happened, so the rest of the document still indexes.

use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

use super::{Extracted, Format};

/// Binary data, not text: NUL bytes are more than a stray one or two,
/// and the text is not UTF-16 (where every other byte of ASCII is NUL).
pub fn is_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return false;
    }
    if utf16_without_bom(bytes).is_some() {
        return false;
    }
    let nuls = bytes.iter().filter(|&&b| b == 0).count();
    if nuls > 16 && nuls * 100 > bytes.len() {
        return true;
    }
    // Control bytes other than tab, line feed, form feed and carriage
    // return are rare in any text encoding and common in binary data; a
    // text that is neither UTF-8 nor GB18030 and holds many is not text.
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c) || b == 0x7f)
        .count();
    controls * 50 > sample.len()
        && std::str::from_utf8(bytes).is_err()
        && GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .is_none()
}

/// [`decode`] taking the bytes: UTF-8 without a byte order mark or NULs
/// (the common case) becomes the text without a copy.
pub fn decode_owned(bytes: Vec<u8>) -> Extracted {
    let plain = !bytes.starts_with(&[0xff, 0xfe])
        && !bytes.starts_with(&[0xfe, 0xff])
        && !bytes.starts_with(&[0xef, 0xbb, 0xbf])
        && !bytes.contains(&0)
        && utf16_without_bom(&bytes).is_none();
    if !plain {
        return decode(&bytes);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Extracted {
            format: Format::Text,
            text,
            places: Vec::new(),
            warnings: Vec::new(),
        },
        Err(e) => decode(e.as_bytes()),
    }
}

/// Decodes text bytes; see the module documentation.
pub fn decode(bytes: &[u8]) -> Extracted {
    let mut warnings = Vec::new();
    let text = if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        UTF_16LE.decode_without_bom_handling(rest).0.into_owned()
    } else if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        UTF_16BE.decode_without_bom_handling(rest).0.into_owned()
    } else if let Some(utf16) = utf16_without_bom(bytes) {
        warnings.push((
            1,
            "UTF-16 text without a byte order mark; decoded by the position of its NUL bytes"
                .to_string(),
        ));
        utf16.decode_without_bom_handling(bytes).0.into_owned()
    } else {
        let bytes = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(bytes);
        let bytes = strip_nuls(bytes, &mut warnings);
        decode_8bit(&bytes, &mut warnings)
    };
    Extracted {
        format: Format::Text,
        text,
        places: Vec::new(),
        warnings,
    }
}

/// UTF-8 when valid; else GB18030 (a superset of GBK and GB2312) when it
/// decodes without errors; else UTF-8 with the invalid bytes replaced.
fn decode_8bit(bytes: &[u8], warnings: &mut Vec<(usize, String)>) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(e) => {
            let (gb, had_errors) = GB18030.decode_without_bom_handling(bytes);
            if !had_errors {
                return gb.into_owned();
            }
            warnings.push((
                line_at(bytes, e.valid_up_to()),
                "not valid UTF-8 (nor GBK/GB18030); invalid bytes replaced with U+FFFD".to_string(),
            ));
            String::from_utf8_lossy(bytes).into_owned()
        }
    }
}

/// A text with a stray NUL keeps its lines; the NULs go, with a warning.
fn strip_nuls<'b>(
    bytes: &'b [u8],
    warnings: &mut Vec<(usize, String)>,
) -> std::borrow::Cow<'b, [u8]> {
    let nuls = bytes.iter().filter(|&&b| b == 0).count();
    if nuls == 0 {
        return std::borrow::Cow::Borrowed(bytes);
    }
    let first = bytes.iter().position(|&b| b == 0).unwrap_or(0);
    warnings.push((
        line_at(bytes, first),
        format!("{nuls} NUL byte(s) removed (the first on this line)"),
    ));
    std::borrow::Cow::Owned(bytes.iter().copied().filter(|&b| b != 0).collect())
}

fn line_at(bytes: &[u8], offset: usize) -> usize {
    1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count()
}

/// UTF-16 without a byte order mark: in ASCII-heavy text every other
/// byte is NUL (little endian: the odd ones).
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let half = sample.len() / 2;
    if half < 8 {
        return None;
    }
    let even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if odd * 10 > half * 3 && even * 10 < half {
        Some(UTF_16LE)
    } else if even * 10 > half * 3 && odd * 10 < half {
        Some(UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le_with_bom(text: &str) -> Vec<u8> {
        let mut bytes = vec![0xff, 0xfe];
        bytes.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        bytes
    }

    #[test]
    fn decodes_gbk_utf16_and_utf8() {
        let text = "一、部门职责\n烟花爆竹\n";
        let (gbk, _, _) = GB18030.encode(text);
        assert_eq!(decode(&gbk).text, text);
        assert_eq!(decode(&utf16le_with_bom(text)).text, text);
        assert_eq!(decode(text.as_bytes()).text, text);
        let mut bom = vec![0xef, 0xbb, 0xbf];
        bom.extend(text.as_bytes());
        assert_eq!(decode(&bom).text, text);
    }

    #[test]
    fn random_bytes_are_binary_and_chinese_text_is_not() {
        let mut state = 0x2545_f491_u32;
        let random: Vec<u8> = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state as u8
            })
            .collect();
        assert!(is_binary(&random));
        let (gbk, _, _) = GB18030.encode("一、部门职责\n\t序号\t管理事项\n");
        assert!(!is_binary(&gbk));
        assert!(!is_binary("一、部门职责\n".as_bytes()));
    }

    #[test]
    fn owned_bytes_decode_as_borrowed_ones() {
        for bytes in [
            "一、部门职责\n".as_bytes().to_vec(),
            b"a\0b\n".to_vec(),
            vec![0xef, 0xbb, 0xbf, b'x'],
            b"ok\n\xff\xff\n".to_vec(),
        ] {
            assert_eq!(decode_owned(bytes.clone()), decode(&bytes));
        }
    }

    #[test]
    fn stray_nul_is_removed_with_a_warning_on_its_line() {
        let decoded = decode("a\nb\0c\n".as_bytes());
        assert_eq!(decoded.text, "a\nbc\n");
        assert_eq!(decoded.warnings[0].0, 2);
    }

    #[test]
    fn invalid_bytes_are_replaced_and_reported() {
        let decoded = decode(b"ok\n\xff\xff\xff\n");
        assert!(decoded.text.contains('\u{fffd}'));
        assert_eq!(decoded.warnings[0].0, 2);
    }
}
