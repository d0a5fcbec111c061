//! The interface the session renderer ([`crate::render_value`]) writes through, so one walk
//! of a decoded session produces JSON ([`crate::json::JsonWriter`]) or YAML
//! ([`crate::yaml::YamlWriter`]).

use std::io;

use lcsession_core::{JsonStr, RawValue, Token};

/// A writer of one data tree: objects, arrays and scalars, in document order.
///
/// Call [`key`](Self::key) before each object member's value; containers are opened and
/// closed with `begin_*` / `end_*`. Writers do not check that the calls form a valid tree:
/// the renderer drives them from already validated sessions.
pub trait Emit {
    /// Opens an object.
    fn begin_object(&mut self) -> io::Result<()>;
    /// Closes the innermost object.
    fn end_object(&mut self) -> io::Result<()>;
    /// Opens an array.
    fn begin_array(&mut self) -> io::Result<()>;
    /// Closes the innermost array.
    fn end_array(&mut self) -> io::Result<()>;
    /// Writes an object key (decoded, then escaped as the format needs).
    fn key(&mut self, key: JsonStr<'_>) -> io::Result<()>;
    /// Writes a string value from plain text.
    fn str(&mut self, s: &str) -> io::Result<()>;
    /// Writes a string value from a [`JsonStr`] (decoded, then escaped afresh).
    fn json_str(&mut self, s: JsonStr<'_>) -> io::Result<()>;
    /// Writes `null`.
    fn null(&mut self) -> io::Result<()>;
    /// Writes `true` or `false`.
    fn bool(&mut self, b: bool) -> io::Result<()>;
    /// Writes an unsigned integer.
    fn u64(&mut self, n: u64) -> io::Result<()>;
    /// Writes a number given as validated JSON number text.
    fn number(&mut self, text: &str) -> io::Result<()>;

    /// Writes a float: `raw` (the number's original text) when given, otherwise the shortest
    /// text that reads back as `v` (integral values without `.0`).
    fn f64(&mut self, v: f64, raw: Option<&str>) -> io::Result<()> {
        match raw {
            Some(text) => self.number(text),
            // `Display` for f64 never uses an exponent and prints `1.0` as `1`; the core
            // only yields finite values.
            None => self.number(&v.to_string()),
        }
    }

    /// Re-emits a raw value: strings and keys decoded then re-escaped, numbers as their
    /// original text. One pass over the value's tokens, with no recursion whatever its depth.
    fn raw(&mut self, value: RawValue<'_>) -> io::Result<()> {
        value.tokens().try_for_each(|token| self.token(token))
    }

    /// Writes one token of a raw value's [`RawValue::tokens`] walk.
    fn token(&mut self, token: Token<'_>) -> io::Result<()> {
        match token {
            Token::ObjectStart => self.begin_object(),
            Token::ObjectEnd => self.end_object(),
            Token::ArrayStart => self.begin_array(),
            Token::ArrayEnd => self.end_array(),
            Token::Key(key) => self.key(key),
            Token::String(s) => self.json_str(s),
            Token::Number(text) => self.number(text),
            Token::Bool(b) => self.bool(b),
            Token::Null => self.null(),
        }
    }
}
