//! The one JSON escape decoder, shared by validation (scanner) and decoding ([`crate::JsonStr`]).

use crate::error::ErrorKind;

/// Decodes the escape that starts with the backslash at `bytes[at]`.
///
/// Returns the character and the escape's length in bytes (2, 6, or 12 for a surrogate
/// pair). On failure returns the error kind and the byte offset (relative to `bytes`) to
/// report.
pub(crate) fn decode_escape(bytes: &[u8], at: usize) -> Result<(char, usize), (ErrorKind, usize)> {
    let c = match bytes.get(at + 1) {
        None => return Err((ErrorKind::UnexpectedEnd, at + 1)),
        Some(b'"') => '"',
        Some(b'\\') => '\\',
        Some(b'/') => '/',
        Some(b'b') => '\u{08}',
        Some(b'f') => '\u{0c}',
        Some(b'n') => '\n',
        Some(b'r') => '\r',
        Some(b't') => '\t',
        Some(b'u') => return decode_unicode(bytes, at),
        Some(_) => return Err((ErrorKind::InvalidEscape, at)),
    };
    Ok((c, 2))
}

fn decode_unicode(bytes: &[u8], at: usize) -> Result<(char, usize), (ErrorKind, usize)> {
    let hi = hex4(bytes, at + 2)?;
    match hi {
        0xD800..=0xDBFF => {
            match (bytes.get(at + 6), bytes.get(at + 7)) {
                (Some(b'\\'), Some(b'u')) => {}
                (None, _) => return Err((ErrorKind::UnexpectedEnd, at + 6)),
                (Some(b'\\'), None) => return Err((ErrorKind::UnexpectedEnd, at + 7)),
                _ => return Err((ErrorKind::LoneSurrogate, at)),
            }
            let lo = hex4(bytes, at + 8)?;
            if !(0xDC00..=0xDFFF).contains(&lo) {
                return Err((ErrorKind::LoneSurrogate, at));
            }
            let cp = 0x10000 + ((u32::from(hi) - 0xD800) << 10) + (u32::from(lo) - 0xDC00);
            char::from_u32(cp)
                .map(|c| (c, 12))
                .ok_or((ErrorKind::LoneSurrogate, at))
        }
        0xDC00..=0xDFFF => Err((ErrorKind::LoneSurrogate, at)),
        _ => char::from_u32(u32::from(hi))
            .map(|c| (c, 6))
            .ok_or((ErrorKind::LoneSurrogate, at)),
    }
}

fn hex4(bytes: &[u8], at: usize) -> Result<u16, (ErrorKind, usize)> {
    let mut v: u16 = 0;
    for i in at..at + 4 {
        let d = match bytes.get(i) {
            None => return Err((ErrorKind::UnexpectedEnd, i)),
            Some(b) => match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => return Err((ErrorKind::InvalidEscape, i)),
            },
        };
        v = (v << 4) | u16::from(d);
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_escapes() {
        for (src, c) in [
            (&b"\\n"[..], '\n'),
            (b"\\\"", '"'),
            (b"\\/", '/'),
            (b"\\b", '\u{8}'),
            (b"\\f", '\u{c}'),
            (b"\\r", '\r'),
            (b"\\t", '\t'),
            (b"\\\\", '\\'),
        ] {
            assert_eq!(decode_escape(src, 0), Ok((c, 2)));
        }
    }

    #[test]
    fn unicode_and_pairs() {
        assert_eq!(decode_escape(b"\\u00e9", 0), Ok(('é', 6)));
        assert_eq!(decode_escape(b"\\u00E9", 0), Ok(('é', 6)));
        assert_eq!(decode_escape(b"\\ud83d\\ude00", 0), Ok(('😀', 12)));
        assert_eq!(decode_escape(b"\\uDBFF\\uDFFF", 0), Ok(('\u{10FFFF}', 12)));
        assert_eq!(decode_escape(b"\\u0000", 0), Ok(('\0', 6)));
    }

    #[test]
    fn bad_escapes() {
        assert_eq!(decode_escape(b"\\x", 0), Err((ErrorKind::InvalidEscape, 0)));
        assert_eq!(
            decode_escape(b"\\u12g4", 0),
            Err((ErrorKind::InvalidEscape, 4))
        );
        assert_eq!(
            decode_escape(b"\\u12", 0),
            Err((ErrorKind::UnexpectedEnd, 4))
        );
        assert_eq!(decode_escape(b"\\", 0), Err((ErrorKind::UnexpectedEnd, 1)));
        assert_eq!(
            decode_escape(b"\\ude00", 0),
            Err((ErrorKind::LoneSurrogate, 0))
        );
        assert_eq!(
            decode_escape(b"\\ud83dx", 0),
            Err((ErrorKind::LoneSurrogate, 0))
        );
        assert_eq!(
            decode_escape(b"\\ud83d", 0),
            Err((ErrorKind::UnexpectedEnd, 6))
        );
        assert_eq!(
            decode_escape(b"\\ud83d\\", 0),
            Err((ErrorKind::UnexpectedEnd, 7))
        );
        assert_eq!(
            decode_escape(b"\\ud83d\\u0041", 0),
            Err((ErrorKind::LoneSurrogate, 0))
        );
        assert_eq!(
            decode_escape(b"\\ud83d\\n", 0),
            Err((ErrorKind::LoneSurrogate, 0))
        );
    }
}
