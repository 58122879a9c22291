//! (being written)

use super::{FormatError, Layout};

pub fn read(_bytes: &[u8]) -> Result<(Layout, Vec<(usize, String)>), FormatError> {
    Err(FormatError::Unsupported {
        what: "docx".into(),
        hint: "not yet".into(),
    })
}
