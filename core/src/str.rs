//! Zero-copy JSON strings with lazy unescaping.

use core::fmt;

use crate::escape::decode_escape;

/// A validated JSON string, borrowed from the input as written (escapes and all).
///
/// Nothing is decoded until asked: [`as_str`](Self::as_str) borrows when there are no escapes,
/// [`decode_into`](Self::decode_into) writes into a caller buffer, [`chars`](Self::chars) and
/// [`segments`](Self::segments) iterate, `==` compares with a `&str`, and `Display` writes the
/// decoded text — all without allocating.
///
/// ```
/// # fn main() -> Result<(), lcsession_core::Error> {
/// let doc = br#"{"events":[{"type":"text","content":"caf\u00e9 \"ok\" \ud83d\ude00"}],
///               "session_id":"s","last_updated_at":"t"}"#;
/// let session = lcsession_core::parse(doc)?;
/// let event = session.events().next().unwrap();
/// let text = event.content().unwrap();
/// assert!(text.has_escapes());
/// assert_eq!(text, "café \"ok\" 😀");
/// let mut buf = [0u8; 64];
/// assert_eq!(text.decode_into(&mut buf).unwrap(), "café \"ok\" 😀");
/// # Ok(()) }
/// ```
///
/// Equality and hashing between two `JsonStr`s use the decoded text, so `"c1"` and
/// `"c\u0031"` are equal (as a call id and its result's call id should be).
#[derive(Clone, Copy)]
pub struct JsonStr<'a> {
    raw: &'a str,
    /// 1 when `raw` has escapes. A full word rather than a `bool`: with no padding bytes,
    /// results carrying a `JsonStr` move as whole words (measurably faster in the scanner).
    escaped: usize,
}

/// The buffer given to [`JsonStr::decode_into`] is shorter than the decoded string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BufferTooSmall {
    /// Bytes the decoded string needs.
    pub needed: usize,
}

impl fmt::Display for BufferTooSmall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "buffer too small: {} bytes needed", self.needed)
    }
}

impl core::error::Error for BufferTooSmall {}

/// A piece of a decoded string: a run of text borrowed from the input, or one unescaped char.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment<'a> {
    /// Text with no escapes, borrowed from the input.
    Text(&'a str),
    /// The character an escape sequence stands for.
    Char(char),
}

impl<'a> JsonStr<'a> {
    /// Wraps `raw` (the text between the quotes); `escaped` must be true if it has a backslash.
    pub(crate) const fn new(raw: &'a str, escaped: bool) -> Self {
        JsonStr {
            raw,
            escaped: escaped as usize,
        }
    }

    /// The string exactly as written between the quotes, escapes included.
    pub const fn raw(&self) -> &'a str {
        self.raw
    }

    /// True when the string contains at least one escape sequence.
    pub const fn has_escapes(&self) -> bool {
        self.escaped != 0
    }

    /// The decoded text, borrowed, when the string has no escapes.
    pub const fn as_str(&self) -> Option<&'a str> {
        if self.has_escapes() {
            None
        } else {
            Some(self.raw)
        }
    }

    /// Iterates the decoded string as borrowed text runs and unescaped characters.
    pub fn segments(&self) -> Segments<'a> {
        Segments { rest: self.raw }
    }

    /// Iterates the decoded characters.
    pub fn chars(&self) -> Chars<'a> {
        Chars {
            segments: self.segments(),
            current: "".chars(),
        }
    }

    /// Length in bytes of the decoded (UTF-8) string.
    pub fn decoded_len(&self) -> usize {
        if !self.has_escapes() {
            return self.raw.len();
        }
        self.segments()
            .map(|s| match s {
                Segment::Text(t) => t.len(),
                Segment::Char(c) => c.len_utf8(),
            })
            .sum()
    }

    /// Decodes into `buf` and returns the decoded text, borrowed from `buf`.
    pub fn decode_into<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str, BufferTooSmall> {
        let mut n = 0;
        let mut utf8 = [0u8; 4];
        for seg in self.segments() {
            let piece = match seg {
                Segment::Text(t) => t.as_bytes(),
                Segment::Char(c) => c.encode_utf8(&mut utf8).as_bytes(),
            };
            match buf.get_mut(n..n + piece.len()) {
                Some(dst) => dst.copy_from_slice(piece),
                None => {
                    return Err(BufferTooSmall {
                        needed: self.decoded_len(),
                    })
                }
            }
            n += piece.len();
        }
        let out = buf.get(..n).unwrap_or_default();
        core::str::from_utf8(out).map_err(|_| BufferTooSmall { needed: n })
    }

    /// Appends the decoded text to a fixed-capacity string; `Err` (leaving `out` unchanged)
    /// when it does not fit.
    pub fn decode_to_heapless<const N: usize>(
        &self,
        out: &mut heapless::String<N>,
    ) -> Result<(), BufferTooSmall> {
        // Checked up front, so that `out` never needs cutting back (no `truncate`, whose
        // char-boundary check is a panic path).
        let needed = out.len() + self.decoded_len();
        if needed > N {
            return Err(BufferTooSmall { needed });
        }
        let mut utf8 = [0u8; 4];
        for seg in self.segments() {
            let piece = match seg {
                Segment::Text(t) => t,
                Segment::Char(c) => c.encode_utf8(&mut utf8),
            };
            // Cannot fail: `needed` fits.
            let _ = out.push_str(piece);
        }
        Ok(())
    }

    /// Compares the decoded string with `other`, without allocating.
    pub fn eq_str(&self, other: &str) -> bool {
        if !self.has_escapes() {
            return self.raw == other;
        }
        let mut rest = other.as_bytes();
        let mut utf8 = [0u8; 4];
        for seg in self.segments() {
            let piece = match seg {
                Segment::Text(t) => t.as_bytes(),
                Segment::Char(c) => c.encode_utf8(&mut utf8).as_bytes(),
            };
            match rest.strip_prefix(piece) {
                Some(r) => rest = r,
                None => return false,
            }
        }
        rest.is_empty()
    }
}

impl PartialEq for JsonStr<'_> {
    fn eq(&self, other: &Self) -> bool {
        if !self.has_escapes() && !other.has_escapes() {
            return self.raw == other.raw;
        }
        self.chars().eq(other.chars())
    }
}

impl Eq for JsonStr<'_> {}

impl core::hash::Hash for JsonStr<'_> {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        // Same bytes as hashing the decoded `str` piece by piece, plus a terminator.
        let mut utf8 = [0u8; 4];
        for seg in self.segments() {
            match seg {
                Segment::Text(t) => state.write(t.as_bytes()),
                Segment::Char(c) => state.write(c.encode_utf8(&mut utf8).as_bytes()),
            }
        }
        state.write_u8(0xff);
    }
}

impl PartialEq<str> for JsonStr<'_> {
    fn eq(&self, other: &str) -> bool {
        self.eq_str(other)
    }
}

impl PartialEq<&str> for JsonStr<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.eq_str(other)
    }
}

impl fmt::Display for JsonStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for seg in self.segments() {
            match seg {
                Segment::Text(t) => f.write_str(t)?,
                Segment::Char(c) => fmt::Write::write_char(f, c)?,
            }
        }
        Ok(())
    }
}

impl fmt::Debug for JsonStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self.raw)
    }
}

/// Iterator over the [`Segment`]s of a [`JsonStr`].
#[derive(Debug, Clone)]
pub struct Segments<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Segments<'a> {
    type Item = Segment<'a>;

    fn next(&mut self) -> Option<Segment<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        match self.rest.find('\\') {
            Some(0) => match decode_escape(self.rest.as_bytes(), 0) {
                Ok((c, len)) => {
                    self.rest = self.rest.get(len..).unwrap_or_default();
                    Some(Segment::Char(c))
                }
                // Unreachable for validated strings; end rather than loop.
                Err(_) => {
                    self.rest = "";
                    Some(Segment::Char(char::REPLACEMENT_CHARACTER))
                }
            },
            Some(k) => {
                let (text, rest) = self.rest.split_at_checked(k)?;
                self.rest = rest;
                Some(Segment::Text(text))
            }
            None => {
                let text = self.rest;
                self.rest = "";
                Some(Segment::Text(text))
            }
        }
    }
}

impl core::iter::FusedIterator for Segments<'_> {}

/// Iterator over the decoded `char`s of a [`JsonStr`].
#[derive(Debug, Clone)]
pub struct Chars<'a> {
    segments: Segments<'a>,
    current: core::str::Chars<'a>,
}

impl Iterator for Chars<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        loop {
            if let Some(c) = self.current.next() {
                return Some(c);
            }
            match self.segments.next()? {
                Segment::Text(t) => self.current = t.chars(),
                Segment::Char(c) => return Some(c),
            }
        }
    }
}

impl core::iter::FusedIterator for Chars<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(raw: &str) -> JsonStr<'_> {
        JsonStr::new(raw, raw.contains('\\'))
    }

    #[test]
    fn plain_strings_borrow() {
        let j = s("hello");
        assert_eq!(j.as_str(), Some("hello"));
        assert!(!j.has_escapes());
        assert_eq!(j.decoded_len(), 5);
        assert_eq!(j, "hello");
        assert_ne!(j, "hell");
    }

    #[test]
    fn escaped_strings_decode_every_way() {
        let j = s(r#"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00z"#);
        let want = "a\"b\\c/d\u{8}\u{c}\n\r\té😀z";
        assert_eq!(j.as_str(), None);
        assert_eq!(j.decoded_len(), want.len());
        assert_eq!(j.chars().collect::<String>(), want);
        assert_eq!(format!("{j}"), want);
        assert!(j == want);
        assert!(j != "a\"b");
        assert!(j != format!("{want}x").as_str());
        let mut buf = [0u8; 64];
        assert_eq!(j.decode_into(&mut buf), Ok(want));
        let mut small = [0u8; 5];
        assert_eq!(
            j.decode_into(&mut small),
            Err(BufferTooSmall { needed: want.len() })
        );
    }

    #[test]
    fn equality_and_hash_use_the_decoded_text() {
        use std::hash::{BuildHasher, RandomState};
        let plain = s("c1");
        let escaped = s(r"c\u0031");
        assert_eq!(plain, escaped);
        assert_ne!(plain, s("c2"));
        assert_ne!(escaped, s(r"c\u0032"));
        let h = RandomState::new();
        assert_eq!(h.hash_one(plain), h.hash_one(escaped));
    }

    #[test]
    fn heapless_decode_is_all_or_nothing() {
        let j = s(r"\u00e9\u00e9");
        let mut exact: heapless::String<4> = heapless::String::new();
        assert!(j.decode_to_heapless(&mut exact).is_ok());
        assert_eq!(exact.as_str(), "éé");
        let mut short: heapless::String<3> = heapless::String::new();
        assert!(j.decode_to_heapless(&mut short).is_err());
        assert_eq!(short.as_str(), "");
    }
}
