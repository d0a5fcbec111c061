//! A small streaming YAML writer (`--format yaml`): block style, 2-space indentation, every
//! string double-quoted.
//!
//! The output reads back as the same data in YAML 1.2 and YAML 1.1 parsers (PyYAML, libyaml,
//! yq): strings are always quoted, so `no`, `1.0` or `null` stay strings; keys are written
//! plain only when no parser can read them as anything but a string; numbers keep their
//! value and are written in a form both YAML versions resolve as numbers (see
//! [`yaml_number`]).

use std::borrow::Cow;
use std::io::{self, Write};

use lcsession_core::JsonStr;

use crate::emit::Emit;
use crate::json::write_quoted;

/// One open container.
struct Frame {
    /// Column of this container's entries (keys, or the `-` of items).
    indent: usize,
    /// Entries written so far.
    count: usize,
    /// The first entry goes on the current line (the container is an array item, after its
    /// `-`), the next ones on lines of their own.
    first_inline: bool,
    is_object: bool,
}

/// Writes one value to `out` as a YAML document through [`Emit`].
pub struct YamlWriter<W: Write> {
    out: W,
    open: Vec<Frame>,
    /// A key and its `:` were just written; the value follows.
    after_key: bool,
    /// Something was written: an entry starts on a new line.
    started: bool,
}

impl<W: Write> YamlWriter<W> {
    /// A writer of one YAML document (no `---`, no final newline).
    pub fn new(out: W) -> Self {
        YamlWriter {
            out,
            open: Vec::new(),
            after_key: false,
            started: false,
        }
    }

    /// Starts the next entry (key or item) of the innermost container.
    fn entry(&mut self) -> io::Result<()> {
        let Some(frame) = self.open.last_mut() else {
            return Ok(());
        };
        let inline = frame.count == 0 && frame.first_inline;
        let indent = frame.indent;
        frame.count += 1;
        if inline {
            self.out.write_all(b" ")
        } else {
            if self.started {
                self.out.write_all(b"\n")?;
            }
            self.started = true;
            write!(self.out, "{:indent$}", "")
        }
    }

    /// What comes before a value: nothing at the root, ` ` after a key, `- ` (on its own
    /// line) in an array. Returns the indentation and inline flag a container opened here
    /// gives its entries.
    fn before_value(&mut self) -> io::Result<(usize, bool)> {
        if self.after_key {
            self.after_key = false;
            let indent = self.open.last().map_or(0, |f| f.indent + 2);
            return Ok((indent, false));
        }
        match self.open.last() {
            Some(frame) if !frame.is_object => {
                // The item's `-` is at the array's column; what follows it starts 2 further.
                let dash = frame.indent;
                self.entry()?;
                self.out.write_all(b"-")?;
                Ok((dash + 2, true))
            }
            _ => Ok((0, false)),
        }
    }

    /// What comes before a scalar: [`before_value`](Self::before_value), then a space unless
    /// at the root.
    fn before_scalar(&mut self) -> io::Result<()> {
        self.before_value()?;
        self.space_unless_root()
    }

    /// The space between a key's `:` or an item's `-` and what follows on that line.
    fn space_unless_root(&mut self) -> io::Result<()> {
        self.started = true;
        if self.open.is_empty() {
            Ok(())
        } else {
            self.out.write_all(b" ")
        }
    }

    /// Writes a scalar's text after the separator its place needs.
    fn scalar(&mut self, text: &str) -> io::Result<()> {
        self.before_scalar()?;
        self.out.write_all(text.as_bytes())
    }

    fn begin(&mut self, is_object: bool) -> io::Result<()> {
        let (indent, first_inline) = self.before_value()?;
        self.open.push(Frame {
            indent,
            count: 0,
            first_inline,
            is_object,
        });
        Ok(())
    }

    fn end(&mut self, empty: &str) -> io::Result<()> {
        let Some(frame) = self.open.pop() else {
            return Ok(());
        };
        if frame.count > 0 {
            return Ok(());
        }
        // An empty container is written in flow style where its value goes.
        self.space_unless_root()?;
        self.out.write_all(empty.as_bytes())
    }
}

impl<W: Write> Emit for YamlWriter<W> {
    fn begin_object(&mut self) -> io::Result<()> {
        self.begin(true)
    }

    fn end_object(&mut self) -> io::Result<()> {
        self.end("{}")
    }

    fn begin_array(&mut self) -> io::Result<()> {
        self.begin(false)
    }

    fn end_array(&mut self) -> io::Result<()> {
        self.end("[]")
    }

    fn key(&mut self, key: JsonStr<'_>) -> io::Result<()> {
        self.entry()?;
        match key.as_str().filter(|k| is_plain_key(k)) {
            Some(plain) => self.out.write_all(plain.as_bytes())?,
            None => write_quoted(&mut self.out, key, write_yaml_escaped)?,
        }
        self.out.write_all(b":")?;
        self.after_key = true;
        Ok(())
    }

    fn str(&mut self, s: &str) -> io::Result<()> {
        self.before_scalar()?;
        self.out.write_all(b"\"")?;
        write_yaml_escaped(&mut self.out, s)?;
        self.out.write_all(b"\"")
    }

    fn json_str(&mut self, s: JsonStr<'_>) -> io::Result<()> {
        self.before_scalar()?;
        write_quoted(&mut self.out, s, write_yaml_escaped)
    }

    fn null(&mut self) -> io::Result<()> {
        self.scalar("null")
    }

    fn bool(&mut self, b: bool) -> io::Result<()> {
        self.scalar(if b { "true" } else { "false" })
    }

    fn u64(&mut self, n: u64) -> io::Result<()> {
        self.scalar(&n.to_string())
    }

    fn number(&mut self, text: &str) -> io::Result<()> {
        self.scalar(&yaml_number(text))
    }
}

/// True when `key` can be written unquoted: an ASCII identifier that no YAML version reads
/// as a boolean or null (`y`, `no`, `on`, `null`, ... in YAML 1.1).
fn is_plain_key(key: &str) -> bool {
    const RESERVED: [&str; 9] = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"];
    let mut bytes = key.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !RESERVED.iter().any(|r| key.eq_ignore_ascii_case(r))
}

/// JSON number text as YAML that YAML 1.1 and 1.2 parsers both read as the same number.
///
/// JSON's integers and plain decimals are already YAML numbers in both. An exponent is where
/// they differ: YAML 1.1 (PyYAML) reads `8.65e5` and `1e5` as strings, since its float needs a
/// `.` in the mantissa and a sign on the exponent. Those get both (`8.65e+5`, `1.0e+5`), which
/// is the same decimal value.
pub fn yaml_number(text: &str) -> Cow<'_, str> {
    let Some(e) = text.find(['e', 'E']) else {
        return Cow::Borrowed(text);
    };
    let (mantissa, exponent) = text.split_at(e);
    let (e, digits) = exponent.split_at(1);
    let dot = if mantissa.contains('.') { "" } else { ".0" };
    let sign = if digits.starts_with(['+', '-']) {
        ""
    } else {
        "+"
    };
    if dot.is_empty() && sign.is_empty() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(format!("{mantissa}{dot}{e}{sign}{digits}"))
}

/// The short escape for one character inside a YAML double-quoted string, if it has one.
fn short_escape(c: char) -> Option<&'static str> {
    match c {
        '"' => Some("\\\""),
        '\\' => Some("\\\\"),
        '\n' => Some("\\n"),
        '\t' => Some("\\t"),
        '\r' => Some("\\r"),
        _ => None,
    }
}

/// Characters written as `\uXXXX`: every one YAML does not allow unescaped (C0 and C1
/// controls, DEL, the byte order mark, U+FFFE, U+FFFF), plus the YAML 1.1 line breaks (NEL,
/// U+2028, U+2029), which a YAML 1.1 parser would fold.
fn needs_code_escape(c: char) -> bool {
    matches!(
        c,
        '\0'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{feff}'
            | '\u{fffe}'
            | '\u{ffff}'
    )
}

/// Writes the body of a double-quoted YAML string (no quotes).
fn write_yaml_escaped<W: Write + ?Sized>(out: &mut W, s: &str) -> io::Result<()> {
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let short = short_escape(c);
        if short.is_none() && !needs_code_escape(c) {
            continue;
        }
        out.write_all(s.get(start..i).unwrap_or_default().as_bytes())?;
        match short {
            Some(esc) => out.write_all(esc.as_bytes())?,
            None => write!(out, "\\u{:04x}", u32::from(c))?,
        }
        start = i + c.len_utf8();
    }
    out.write_all(s.get(start..).unwrap_or_default().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml_of(json: &str) -> String {
        let session =
            format!(r#"{{"session_id":"s","last_updated_at":"t","events":[],"x":{json}}}"#);
        let s = lcsession_core::parse(session.as_bytes()).unwrap();
        let mut buf = Vec::new();
        let mut w = YamlWriter::new(&mut buf);
        w.raw(s.raw().get("x").unwrap()).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn block_layout() {
        assert_eq!(
            yaml_of(r#"{"a":[1,{"b":null,"c":[true,[]]},[2,[3]],{}],"e":{},"f":"t"}"#),
            "a:\n  - 1\n  - b: null\n    c:\n      - true\n      - []\n  - - 2\n    - - 3\n  - {}\ne: {}\nf: \"t\""
        );
        assert_eq!(yaml_of("[]"), "[]");
        assert_eq!(yaml_of("{}"), "{}");
        assert_eq!(yaml_of("\"s\""), "\"s\"");
        assert_eq!(yaml_of("[{\"k\":{\"m\":1}}]"), "- k:\n    m: 1");
    }

    #[test]
    fn keys_are_plain_only_when_unambiguous() {
        assert_eq!(
            yaml_of(r#"{"call_id":1,"no":2,"NULL":3,"a b":4,"":5,"1x":6,"é":7,"x-y":8,"q\"":9}"#),
            "call_id: 1\n\"no\": 2\n\"NULL\": 3\n\"a b\": 4\n\"\": 5\n\"1x\": 6\n\"é\": 7\nx-y: 8\n\"q\\\"\": 9"
        );
    }

    #[test]
    fn strings_escape_what_yaml_requires() {
        assert_eq!(
            yaml_of(r#""a\"b\\c\n\t\u0001\u007f\u0085\u2028\ufeffé😀 no""#),
            "\"a\\\"b\\\\c\\n\\t\\u0001\\u007f\\u0085\\u2028\\ufeffé😀 no\""
        );
    }

    #[test]
    fn numbers_read_as_numbers_in_both_yaml_versions() {
        for (json, yaml) in [
            ("0", "0"),
            ("-12", "-12"),
            ("2.50", "2.50"),
            ("8.65e5", "8.65e+5"),
            ("1e5", "1.0e+5"),
            ("-1E-7", "-1.0E-7"),
            ("3.5e+2", "3.5e+2"),
        ] {
            assert_eq!(yaml_number(json), yaml, "{json}");
        }
    }
}
