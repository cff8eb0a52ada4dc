//! Bytes to text: encoding detection and transcoding (UTF-8 with or without BOM, UTF-16,
//! GB18030/GBK from Chinese clinics, Windows-1252 from Western spreadsheets).

use std::borrow::Cow;

use serde::Serialize;

/// The character encoding a file was read in, reported back to the user by `summary`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Gb18030,
    Windows1252,
}

impl TextEncoding {
    /// A short label for reports.
    pub fn label(self) -> &'static str {
        match self {
            Self::Utf8 => "UTF-8",
            Self::Utf8Bom => "UTF-8 (BOM)",
            Self::Utf16Le => "UTF-16LE",
            Self::Utf16Be => "UTF-16BE",
            Self::Gb18030 => "GB18030",
            Self::Windows1252 => "Windows-1252",
        }
    }
}

/// Decode a file's bytes to text, choosing the encoding from the bytes themselves.
///
/// Valid UTF-8 wins. Otherwise the bytes are GB18030 when most non-ASCII bytes come in
/// (lead, trail) pairs in the GB2312 ideograph range — Chinese text — and Windows-1252
/// otherwise, where accented letters stand alone between ASCII bytes.
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, TextEncoding) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return match std::str::from_utf8(rest) {
            Ok(text) => (Cow::Borrowed(text), TextEncoding::Utf8Bom),
            Err(_) => (String::from_utf8_lossy(rest), TextEncoding::Utf8Bom),
        };
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        let (text, _) = encoding_rs::UTF_16LE.decode_with_bom_removal(bytes);
        return (text, TextEncoding::Utf16Le);
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let (text, _) = encoding_rs::UTF_16BE.decode_with_bom_removal(bytes);
        return (text, TextEncoding::Utf16Be);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (Cow::Borrowed(text), TextEncoding::Utf8);
    }
    if looks_like_gb18030(bytes) {
        let (text, _, _) = encoding_rs::GB18030.decode(bytes);
        (text, TextEncoding::Gb18030)
    } else {
        let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
        (text, TextEncoding::Windows1252)
    }
}

/// True when at least 80% of the non-ASCII bytes form GB2312 ideograph pairs.
fn looks_like_gb18030(bytes: &[u8]) -> bool {
    let mut num_high = 0usize;
    let mut num_paired = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(&t) if (0x81..=0xFE).contains(&b) && (0x40..=0xFE).contains(&t) && t != 0x7F => {
                num_high += 2;
                if (0xA1..=0xF7).contains(&b) && t >= 0xA1 {
                    num_paired += 2;
                }
                i += 2;
            }
            _ => {
                num_high += 1;
                i += 1;
            }
        }
    }
    num_high > 0 && num_paired * 5 >= num_high * 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(b"a,b").1, TextEncoding::Utf8);
        let (text, enc) = decode(b"\xEF\xBB\xBFa,b");
        assert_eq!((text.as_ref(), enc), ("a,b", TextEncoding::Utf8Bom));
    }

    #[test]
    fn gbk_is_transcoded() {
        let (bytes, _, _) = encoding_rs::GBK.encode("患者编号,体重\nP1,60");
        let (text, enc) = decode(&bytes);
        assert_eq!(enc, TextEncoding::Gb18030);
        assert_eq!(text, "患者编号,体重\nP1,60");
    }

    #[test]
    fn windows_1252_is_transcoded() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode("site,name\nZürich,José");
        let (text, enc) = decode(&bytes);
        assert_eq!(enc, TextEncoding::Windows1252);
        assert_eq!(text, "site,name\nZürich,José");
    }
}
