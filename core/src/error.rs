//! Errors: a kind, the byte offset where it was found, and line:column on request.

use core::cell::Cell;
use core::fmt;

/// Where in the session a schema error was found: an optional event index and a field path.
///
/// `field` is a dotted path such as `"job_metadata.turns"` or `"usage.total_input_tokens"`;
/// `event` is the zero-based index in `events` when the field belongs to an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// Zero-based event index, when the field belongs to an event.
    pub event: Option<usize>,
    /// Dotted field path, e.g. `"job_metadata.turns"`; `""` for the event object itself.
    pub field: &'static str,
}

impl Location {
    /// A header (top-level) field.
    pub const fn header(field: &'static str) -> Self {
        Location { event: None, field }
    }

    /// A field of event number `index`.
    pub const fn event(index: usize, field: &'static str) -> Self {
        Location {
            event: Some(index),
            field,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.event, self.field) {
            (Some(i), "") => write!(f, "event {i}"),
            (Some(i), field) => write!(f, "event {i} field `{field}`"),
            (None, field) => write!(f, "field `{field}`"),
        }
    }
}

/// A JSON value type, used in "expected …" messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    /// `null`
    Null,
    /// `true` / `false`
    Bool,
    /// Any number.
    Number,
    /// A number without fraction or exponent.
    Integer,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
    /// A string or `null`.
    StringOrNull,
    /// An array of strings.
    StringArray,
}

impl fmt::Display for JsonType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JsonType::Null => "null",
            JsonType::Bool => "a boolean",
            JsonType::Number => "a number",
            JsonType::Integer => "an integer",
            JsonType::String => "a string",
            JsonType::Array => "an array",
            JsonType::Object => "an object",
            JsonType::StringOrNull => "a string or null",
            JsonType::StringArray => "an array of strings",
        })
    }
}

/// What went wrong. Syntax kinds come from the JSON scanner; the others from the session schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ended inside a value.
    UnexpectedEnd,
    /// A byte that cannot start or continue the expected token.
    UnexpectedByte {
        /// The byte found.
        found: u8,
        /// What the grammar allowed here, in words.
        expected: &'static str,
    },
    /// The input is not valid UTF-8.
    InvalidUtf8,
    /// A raw control character (U+0000..U+001F) inside a string.
    ControlCharacter,
    /// A backslash escape that JSON does not define, or malformed `\uXXXX` digits.
    InvalidEscape,
    /// A `\uD800`–`\uDFFF` escape that is not part of a valid surrogate pair.
    LoneSurrogate,
    /// A number that does not follow the JSON grammar.
    InvalidNumber,
    /// Non-whitespace bytes after the session object.
    TrailingBytes,
    /// Nesting deeper than the configured limit.
    DepthLimit {
        /// The limit in force.
        limit: u16,
    },
    /// The document is not a JSON object.
    NotAnObject,
    /// A required field is absent.
    MissingField(Location),
    /// A field holds the wrong JSON type.
    WrongType {
        /// The field.
        at: Location,
        /// The type the schema wants.
        expected: JsonType,
    },
    /// A known field appears twice in the same object.
    DuplicateField(Location),
    /// A decoded value does not fit the fixed capacity chosen for it.
    Capacity {
        /// The field.
        at: Location,
        /// The capacity (bytes for strings, items for lists).
        capacity: usize,
    },
    /// A number does not fit its target type: an integer beyond `u64`, a negative count,
    /// or a float that overflows `f64`.
    NumberOutOfRange(Location),
    /// A string field holds a value outside its allowed set.
    InvalidValue(Location),
}

/// A decoding error: its [`ErrorKind`], the byte offset in the input where it was detected,
/// and the event it is in, if any.
///
/// ```
/// let input = b"{\"events\": [{},]}";
/// let err = lcsession_core::parse(input).unwrap_err();
/// assert_eq!(err.offset(), 15);
/// assert_eq!(err.line_column(input), (1, 16));
/// assert_eq!(err.event(), None); // between events, not inside one
/// assert_eq!(err.to_string(), "unexpected `]`, expected a JSON value at byte 15");
///
/// let input = br#"{"events": [{}, {"type": "text", "content": "a\qb"}]}"#;
/// let err = lcsession_core::parse(input).unwrap_err();
/// assert_eq!(err.event(), Some(1));
/// assert_eq!(err.to_string(), "event 1: invalid escape sequence in string at byte 46");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    offset: usize,
    /// The event object a syntax error is inside (schema kinds carry theirs in a [`Location`]).
    in_event: Option<usize>,
}

impl Error {
    /// An error of `kind` at byte `offset` (in no event beyond the one `kind`'s [`Location`]
    /// names).
    pub const fn new(kind: ErrorKind, offset: usize) -> Self {
        Error {
            kind,
            offset,
            in_event: None,
        }
    }

    /// The same error, found inside event number `index` (zero-based). Only syntax errors
    /// take it: a schema error's event is its [`Location`]'s, so this returns them unchanged.
    #[must_use]
    pub(crate) const fn in_event(self, index: usize) -> Self {
        if self.is_syntax() {
            Error {
                in_event: Some(index),
                ..self
            }
        } else {
            self
        }
    }

    /// Zero-based index of the event the error is in: the event of a schema error's
    /// [`Location`], or the event object a syntax error was found inside. `None` in the
    /// header, between events, and after the session.
    pub const fn event(&self) -> Option<usize> {
        match self.kind.location() {
            Some(at) => at.event,
            None => self.in_event,
        }
    }

    /// What went wrong and in which event, without the offset: the message of
    /// [`Display`](fmt::Display) up to ` at byte N`, for callers that print the position
    /// their own way (`FILE:LINE:COL: <what>`).
    pub fn what(&self) -> impl fmt::Display + '_ {
        What(self)
    }

    /// What went wrong.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Byte offset into the input where the problem was detected.
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// 1-based line and column (in characters) of [`offset`](Self::offset) within `input`,
    /// which must be the buffer that was parsed.
    pub fn line_column(&self, input: &[u8]) -> (usize, usize) {
        line_column(input, self.offset)
    }

    /// True for errors of the JSON grammar (as opposed to the session schema).
    pub const fn is_syntax(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::UnexpectedEnd
                | ErrorKind::UnexpectedByte { .. }
                | ErrorKind::InvalidUtf8
                | ErrorKind::ControlCharacter
                | ErrorKind::InvalidEscape
                | ErrorKind::LoneSurrogate
                | ErrorKind::InvalidNumber
                | ErrorKind::TrailingBytes
                | ErrorKind::DepthLimit { .. }
        )
    }
}

/// Inside the decoder, a failed step returns this marker and the error itself waits in an
/// [`ErrorSlot`]: `?` then moves one byte instead of a whole [`Error`] through every frame
/// (on a Cortex-M that copying was about a tenth of the parser's code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Failed;

/// Where a decoding step records its error before returning [`Failed`]. Read once, where the
/// decoder hands a `Result<_, Error>` to its caller.
#[derive(Debug, Clone)]
pub(crate) struct ErrorSlot(Cell<Error>);

impl ErrorSlot {
    /// A slot holding a placeholder (read only after a [`fail`](Self::fail)).
    pub(crate) const fn new() -> Self {
        ErrorSlot(Cell::new(Error::new(ErrorKind::UnexpectedEnd, 0)))
    }

    /// Records an error of `kind` at absolute byte `offset`.
    #[cold]
    #[inline(never)]
    pub(crate) fn fail(&self, kind: ErrorKind, offset: usize) -> Failed {
        self.0.set(Error::new(kind, offset));
        Failed
    }

    /// The recorded error.
    pub(crate) fn get(&self) -> Error {
        self.0.get()
    }

    /// Marks the recorded error as found inside event number `index` (see
    /// [`Error::in_event`]).
    pub(crate) fn in_event(&self, index: usize) {
        self.0.set(self.0.get().in_event(index));
    }
}

/// 1-based line and column (counted in characters, not bytes) of byte `offset` in `input`.
pub fn line_column(input: &[u8], offset: usize) -> (usize, usize) {
    let end = offset.min(input.len());
    let before = input.get(..end).unwrap_or(&[]);
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let column = 1 + before
        .get(line_start..)
        .unwrap_or(&[])
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count();
    (line, column)
}

impl ErrorKind {
    /// The field a schema error is about (and its event, if any); `None` for syntax errors
    /// and [`NotAnObject`](Self::NotAnObject).
    pub const fn location(&self) -> Option<Location> {
        match *self {
            ErrorKind::MissingField(at)
            | ErrorKind::WrongType { at, .. }
            | ErrorKind::DuplicateField(at)
            | ErrorKind::Capacity { at, .. }
            | ErrorKind::NumberOutOfRange(at)
            | ErrorKind::InvalidValue(at) => Some(at),
            _ => None,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::UnexpectedEnd => f.write_str("unexpected end of input"),
            ErrorKind::UnexpectedByte { found, expected } => {
                if found.is_ascii_graphic() {
                    write!(f, "unexpected `{}`, expected {expected}", *found as char)
                } else {
                    write!(f, "unexpected byte 0x{found:02x}, expected {expected}")
                }
            }
            ErrorKind::InvalidUtf8 => f.write_str("invalid UTF-8"),
            ErrorKind::ControlCharacter => f.write_str("raw control character in string"),
            ErrorKind::InvalidEscape => f.write_str("invalid escape sequence in string"),
            ErrorKind::LoneSurrogate => f.write_str("lone UTF-16 surrogate in \\u escape"),
            ErrorKind::InvalidNumber => f.write_str("invalid number"),
            ErrorKind::TrailingBytes => f.write_str("trailing characters after the session object"),
            ErrorKind::DepthLimit { limit: 1 } => f.write_str("nesting deeper than 1 level"),
            ErrorKind::DepthLimit { limit } => write!(f, "nesting deeper than {limit} levels"),
            ErrorKind::NotAnObject => f.write_str("the session is not a JSON object"),
            ErrorKind::MissingField(at) => write!(f, "{at}: missing"),
            ErrorKind::WrongType { at, expected } => write!(f, "{at}: expected {expected}"),
            ErrorKind::DuplicateField(at) => write!(f, "{at}: duplicate"),
            ErrorKind::Capacity { at, capacity } => {
                write!(f, "{at}: does not fit its capacity of {capacity}")
            }
            ErrorKind::NumberOutOfRange(at) => write!(f, "{at}: number out of range"),
            ErrorKind::InvalidValue(at) => write!(f, "{at}: value not allowed"),
        }
    }
}

/// [`Error::what`]: the kind, after `event N: ` for a syntax error inside an event.
struct What<'e>(&'e Error);

impl fmt::Display for What<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(index) = self.0.in_event {
            write!(f, "event {index}: ")?;
        }
        write!(f, "{}", self.0.kind)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.what(), self.offset)
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_chars() {
        let input = "{\n  \"é\": x".as_bytes();
        let off = input.iter().position(|&b| b == b'x').unwrap();
        assert_eq!(line_column(input, off), (2, 8));
        assert_eq!(line_column(input, 0), (1, 1));
        assert_eq!(line_column(input, 10_000), line_column(input, input.len()));
    }

    #[test]
    fn messages_name_the_place() {
        let e = Error::new(ErrorKind::MissingField(Location::event(3, "call_id")), 17);
        assert_eq!(
            format!("{e}"),
            "event 3 field `call_id`: missing at byte 17"
        );
    }
}
