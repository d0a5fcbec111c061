//! Validated raw JSON values with zero-copy walking.

use core::fmt;

use crate::number::{parse_f64, parse_i64, parse_u64, NumberError};
use crate::scan::Scanner;
use crate::str::JsonStr;
use crate::tokens::Tokens;

/// The JSON type of a [`RawValue`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// `null`
    Null,
    /// `true` or `false`
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

/// A validated JSON value (any shape), borrowed from the input exactly as written.
///
/// Walk it without allocating: [`members`](Self::members) and [`get`](Self::get) for objects,
/// [`items`](Self::items) for arrays, typed accessors for scalars, or all of it at once as
/// [`tokens`](Self::tokens).
///
/// ```
/// # fn main() -> Result<(), lcsession_core::Error> {
/// let doc = br#"{"session_id":"s","last_updated_at":"t","events":[
///   {"type":"tool_call","call_id":"c1","name":"search",
///    "arguments":{"query":"Q3 revenue","filters":{"year":2026},"top_k":5}}]}"#;
/// let session = lcsession_core::parse(doc)?;
/// let call = session.events().next().unwrap();
/// let args = call.tool_call().unwrap().arguments;
/// assert_eq!(args.get("query").and_then(|v| v.as_str()).unwrap(), "Q3 revenue");
/// assert_eq!(args.get("top_k").unwrap().as_u64(), Ok(5));
/// assert_eq!(args.get("filters").unwrap().get("year").unwrap().as_i64(), Ok(2026));
/// assert_eq!(args.members().count(), 3);
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RawValue<'a> {
    text: &'a str,
    offset: usize,
}

impl<'a> RawValue<'a> {
    /// Wraps validated value text found at absolute byte `offset`.
    pub(crate) const fn new(text: &'a str, offset: usize) -> Self {
        RawValue { text, offset }
    }

    /// The value's JSON text exactly as in the input.
    pub const fn as_raw_str(&self) -> &'a str {
        self.text
    }

    /// Byte offset of the value within the parsed input.
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// The value's JSON type.
    pub fn kind(&self) -> ValueKind {
        match self.text.as_bytes().first() {
            Some(b'{') => ValueKind::Object,
            Some(b'[') => ValueKind::Array,
            Some(b'"') => ValueKind::String,
            Some(b't' | b'f') => ValueKind::Bool,
            Some(b'n') => ValueKind::Null,
            _ => ValueKind::Number,
        }
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        self.text == "null"
    }

    /// The boolean, if this is `true` or `false`.
    pub fn as_bool(&self) -> Option<bool> {
        match self.text {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<JsonStr<'a>> {
        let inner = self.text.strip_prefix('"')?.strip_suffix('"')?;
        Some(JsonStr::new(inner, inner.contains('\\')))
    }

    /// The number's text as written, if this is a number.
    pub fn as_number_str(&self) -> Option<&'a str> {
        (self.kind() == ValueKind::Number).then_some(self.text)
    }

    fn number(&self) -> Result<&'a str, NumberError> {
        self.as_number_str().ok_or(NumberError::NotANumber)
    }

    /// The number as `u64`: an error if it is not a number, has a fraction or exponent, is
    /// negative, or overflows.
    pub fn as_u64(&self) -> Result<u64, NumberError> {
        parse_u64(self.number()?)
    }

    /// The number as `i64`: an error if it is not a number, not an integer, or overflows.
    pub fn as_i64(&self) -> Result<i64, NumberError> {
        parse_i64(self.number()?)
    }

    /// The number as a finite `f64` (an error if it overflows).
    pub fn as_f64(&self) -> Result<f64, NumberError> {
        parse_f64(self.number()?)
    }

    /// The members of an object, in input order (empty for other kinds).
    pub fn members(&self) -> Members<'a> {
        let mut scanner = Scanner::trusted(self.text, self.offset);
        let open = self.kind() == ValueKind::Object;
        if open {
            scanner.pos = 1;
        }
        Members {
            scanner,
            first: true,
            done: !open,
        }
    }

    /// The items of an array, in order (empty for other kinds).
    pub fn items(&self) -> Items<'a> {
        let mut scanner = Scanner::trusted(self.text, self.offset);
        let open = self.kind() == ValueKind::Array;
        if open {
            scanner.pos = 1;
        }
        Items {
            scanner,
            first: true,
            done: !open,
        }
    }

    /// The whole value as [`Token`](crate::Token)s in document order, in one pass over its text: the way to
    /// re-emit or convert a value of any depth without recursion.
    ///
    /// ```
    /// use lcsession_core::Token;
    /// # fn main() -> Result<(), lcsession_core::Error> {
    /// let doc = br#"{"session_id":"s","last_updated_at":"t","events":[],
    ///                "extra":{"ids":[1,2],"ok":true}}"#;
    /// let session = lcsession_core::parse(doc)?;
    /// let extra = session.raw().get("extra").unwrap();
    /// let mut numbers = 0;
    /// let mut depth = 0;
    /// for token in extra.tokens() {
    ///     match token {
    ///         Token::ObjectStart | Token::ArrayStart => depth += 1,
    ///         Token::ObjectEnd | Token::ArrayEnd => depth -= 1,
    ///         Token::Number(_) => numbers += 1,
    ///         Token::Key(key) => assert!(key == "ids" || key == "ok"),
    ///         _ => {}
    ///     }
    /// }
    /// assert_eq!((numbers, depth), (2, 0));
    /// # Ok(()) }
    /// ```
    pub fn tokens(&self) -> Tokens<'a> {
        Tokens::new(self)
    }

    /// The value of the first member named `key` (compared after unescaping), if an object.
    pub fn get(&self, key: &str) -> Option<RawValue<'a>> {
        self.members().find(|(k, _)| k.eq_str(key)).map(|(_, v)| v)
    }
}

impl fmt::Debug for RawValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawValue({})", self.text)
    }
}

impl fmt::Display for RawValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text)
    }
}

/// Iterator over an object's `(key, value)` pairs; see [`RawValue::members`].
#[derive(Debug, Clone)]
pub struct Members<'a> {
    scanner: Scanner<'a>,
    first: bool,
    done: bool,
}

impl<'a> Iterator for Members<'a> {
    type Item = (JsonStr<'a>, RawValue<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        // The value was validated when it was parsed, so these steps cannot fail; an error
        // would only end the iteration.
        match self.scanner.next_key(&mut self.first) {
            Ok(Some(key)) => match self.scanner.skip_value(0) {
                Ok(value) => return Some((key, value)),
                Err(_) => self.done = true,
            },
            Ok(None) | Err(_) => self.done = true,
        }
        None
    }
}

impl core::iter::FusedIterator for Members<'_> {}

/// Iterator over an array's items; see [`RawValue::items`].
#[derive(Debug, Clone)]
pub struct Items<'a> {
    scanner: Scanner<'a>,
    first: bool,
    done: bool,
}

impl<'a> Iterator for Items<'a> {
    type Item = RawValue<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.scanner.next_item(&mut self.first) {
            Ok(true) => match self.scanner.skip_value(0) {
                Ok(value) => return Some(value),
                Err(_) => self.done = true,
            },
            Ok(false) | Err(_) => self.done = true,
        }
        None
    }
}

impl core::iter::FusedIterator for Items<'_> {}
