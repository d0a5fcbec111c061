//! A small streaming JSON writer: pretty (2-space indentation) or compact, with correct string
//! escaping of decoded text.

use std::io::{self, Write};

use lcsession_core::{JsonStr, Segment};

use crate::emit::Emit;

/// Writes one JSON value to `out` through [`Emit`], tracking commas and indentation.
pub struct JsonWriter<W: Write> {
    out: W,
    pretty: bool,
    /// One entry per open container: whether it already holds a value.
    open: Vec<bool>,
    /// A key was just written; the next value follows it on the same line.
    after_key: bool,
}

impl<W: Write> JsonWriter<W> {
    /// A writer; `pretty` selects 2-space indentation, otherwise everything is on one line.
    pub fn new(out: W, pretty: bool) -> Self {
        JsonWriter {
            out,
            pretty,
            open: Vec::new(),
            after_key: false,
        }
    }

    /// The output so far.
    pub fn get_ref(&self) -> &W {
        &self.out
    }

    /// Gives the output back.
    pub fn into_inner(self) -> W {
        self.out
    }

    fn newline_indent(&mut self) -> io::Result<()> {
        self.out.write_all(b"\n")?;
        for _ in 0..self.open.len() {
            self.out.write_all(b"  ")?;
        }
        Ok(())
    }

    /// Separator and indentation before a value or key.
    fn before(&mut self) -> io::Result<()> {
        if self.after_key {
            self.after_key = false;
            return Ok(());
        }
        if let Some(has_items) = self.open.last_mut() {
            let comma = *has_items;
            *has_items = true;
            if comma {
                self.out.write_all(b",")?;
            }
            if self.pretty {
                self.newline_indent()?;
            }
        }
        Ok(())
    }

    /// Writes pre-validated JSON text verbatim (a number or literal).
    fn literal(&mut self, text: &str) -> io::Result<()> {
        self.before()?;
        self.out.write_all(text.as_bytes())
    }

    fn colon(&mut self) -> io::Result<()> {
        self.out.write_all(if self.pretty { b": " } else { b":" })?;
        self.after_key = true;
        Ok(())
    }

    fn end(&mut self, close: &[u8]) -> io::Result<()> {
        let had_items = self.open.pop().unwrap_or(false);
        if had_items && self.pretty {
            self.newline_indent()?;
        }
        self.out.write_all(close)
    }
}

impl<W: Write> Emit for JsonWriter<W> {
    fn begin_object(&mut self) -> io::Result<()> {
        self.before()?;
        self.out.write_all(b"{")?;
        self.open.push(false);
        Ok(())
    }

    fn end_object(&mut self) -> io::Result<()> {
        self.end(b"}")
    }

    fn begin_array(&mut self) -> io::Result<()> {
        self.before()?;
        self.out.write_all(b"[")?;
        self.open.push(false);
        Ok(())
    }

    fn end_array(&mut self) -> io::Result<()> {
        self.end(b"]")
    }

    fn key(&mut self, key: JsonStr<'_>) -> io::Result<()> {
        self.before()?;
        write_escaped(&mut self.out, key)?;
        self.colon()
    }

    fn str(&mut self, s: &str) -> io::Result<()> {
        self.before()?;
        write_escaped_str(&mut self.out, s)
    }

    fn json_str(&mut self, s: JsonStr<'_>) -> io::Result<()> {
        self.before()?;
        write_escaped(&mut self.out, s)
    }

    fn null(&mut self) -> io::Result<()> {
        self.literal("null")
    }

    fn bool(&mut self, b: bool) -> io::Result<()> {
        self.literal(if b { "true" } else { "false" })
    }

    fn u64(&mut self, n: u64) -> io::Result<()> {
        self.before()?;
        write!(self.out, "{n}")
    }

    fn number(&mut self, text: &str) -> io::Result<()> {
        self.literal(text)
    }
}

/// The escape for one byte, if JSON needs one (`"`, `\` and control characters).
fn escape_for(b: u8) -> Option<&'static str> {
    const HEX: [&str; 32] = [
        "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
        "\\b", "\\t", "\\n", "\\u000b", "\\f", "\\r", "\\u000e", "\\u000f", "\\u0010", "\\u0011",
        "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017", "\\u0018", "\\u0019",
        "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f",
    ];
    match b {
        b'"' => Some("\\\""),
        b'\\' => Some("\\\\"),
        0..=0x1f => HEX.get(usize::from(b)).copied(),
        _ => None,
    }
}

/// The escape for the character starting at `bytes[i]` when JSON allows it raw but line-based
/// readers split at it: U+0085 (next line), U+2028 and U+2029 (line and paragraph separators;
/// raw, they also made JSON invalid JavaScript before ES2019). With its length in bytes.
fn escape_line_break(bytes: &[u8], i: usize) -> Option<(&'static str, usize)> {
    match bytes.get(i..i + 3) {
        Some([0xE2, 0x80, 0xA8]) => Some(("\\u2028", 3)),
        Some([0xE2, 0x80, 0xA9]) => Some(("\\u2029", 3)),
        _ => match bytes.get(i..i + 2) {
            Some([0xC2, 0x85]) => Some(("\\u0085", 2)),
            _ => None,
        },
    }
}

/// Writes the body of a string (no quotes), escaping what JSON requires, and the Unicode line
/// breaks of [`escape_line_break`] so that JSON Lines output stays one record per line for any
/// reader. Other non-ASCII text is written as UTF-8.
fn write_escaped_body<W: Write + ?Sized>(out: &mut W, s: &str) -> io::Result<()> {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let escape = match b {
            0xC2 | 0xE2 => escape_line_break(bytes, i),
            _ => escape_for(b).map(|esc| (esc, 1)),
        };
        if let Some((esc, len)) = escape {
            out.write_all(bytes.get(start..i).unwrap_or_default())?;
            out.write_all(esc.as_bytes())?;
            start = i + len;
            i += len;
        } else {
            i += 1;
        }
    }
    out.write_all(bytes.get(start..).unwrap_or_default())
}

/// Writes `s` as a quoted, escaped JSON string.
pub fn write_escaped_str<W: Write + ?Sized>(out: &mut W, s: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    write_escaped_body(out, s)?;
    out.write_all(b"\"")
}

/// Writes the decoded text of `s` as a quoted JSON string, escaped afresh.
pub fn write_escaped<W: Write + ?Sized>(out: &mut W, s: JsonStr<'_>) -> io::Result<()> {
    write_quoted(out, s, write_escaped_body)
}

/// Writes the decoded text of `s` between double quotes, each piece escaped by `body` (JSON's
/// escapes, or YAML's for its double-quoted strings).
pub fn write_quoted<W: Write + ?Sized>(
    out: &mut W,
    s: JsonStr<'_>,
    body: fn(&mut W, &str) -> io::Result<()>,
) -> io::Result<()> {
    out.write_all(b"\"")?;
    if let Some(plain) = s.as_str() {
        body(out, plain)?;
    } else {
        let mut buf = [0u8; 4];
        for segment in s.segments() {
            match segment {
                Segment::Text(t) => body(out, t)?,
                Segment::Char(c) => body(out, c.encode_utf8(&mut buf))?,
            }
        }
    }
    out.write_all(b"\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(
        f: impl FnOnce(&mut JsonWriter<&mut Vec<u8>>) -> io::Result<()>,
        pretty: bool,
    ) -> String {
        let mut buf = Vec::new();
        let mut w = JsonWriter::new(&mut buf, pretty);
        f(&mut w).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn escapes_what_json_requires() {
        let mut out = Vec::new();
        write_escaped_str(&mut out, "a\"b\\c\n\t\u{1}é😀\u{7f}").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"a\\\"b\\\\c\\n\\t\\u0001é😀\u{7f}\""
        );
    }

    #[test]
    fn escapes_unicode_line_breaks() {
        let mut out = Vec::new();
        // Neighbours with the same first bytes (U+2027, U+00A0, U+20AC) stay raw.
        write_escaped_str(&mut out, "a\u{2028}b\u{2029}\u{85}c\u{2027}\u{a0}\u{20ac}").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"a\\u2028b\\u2029\\u0085c\u{2027}\u{a0}\u{20ac}\""
        );
    }

    #[test]
    fn pretty_and_compact_layouts() {
        let doc = br#"{"session_id":"s","last_updated_at":"t","events":[],"x":{"a":[1,{"b":null},[]],"e":{}}}"#;
        let s = lcsession_core::parse(doc).unwrap();
        assert_eq!(
            render(|w| w.raw(s.raw()), false),
            r#"{"session_id":"s","last_updated_at":"t","events":[],"x":{"a":[1,{"b":null},[]],"e":{}}}"#
        );
        assert_eq!(
            render(|w| w.raw(s.raw().get("x").unwrap()), true),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    },\n    []\n  ],\n  \"e\": {}\n}"
        );
    }

    #[test]
    fn floats_without_raw_text() {
        assert_eq!(render(|w| w.f64(0.0, None), false), "0");
        assert_eq!(render(|w| w.f64(41872.6, None), false), "41872.6");
        assert_eq!(render(|w| w.f64(2.0, Some("2E+0")), false), "2E+0");
    }
}
