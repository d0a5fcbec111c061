//! `lcs_result`: the result code of every fallible call, and its message.
//!
//! Numbers are explicit and never reused: a code that goes away leaves a hole. Families:
//! 0–99 general, 100–199 JSON syntax errors, 200–299 session schema errors, 300–399
//! reserved for the HTTP client.

use core::ffi::c_char;

use lcsession_core::{ErrorKind, NumberError};

/// The result of a fallible `lcs_` call. `LCS_OK` (0) is success; everything else says
/// what went wrong.
///
/// Read it from C as a `uint32_t` and compare with the constants: a future version may
/// return a code this header does not list (treat unknown codes as errors;
/// `lcs_result_message` names them "unknown result code").
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum lcs_result {
    /// Success.
    LCS_OK = 0,
    /// A required pointer argument was NULL.
    LCS_NULL_ARGUMENT = 1,
    /// The library panicked; the call had no effect. Please report it as a bug.
    LCS_PANIC = 2,
    /// An argument is out of its domain (e.g. a length larger than `PTRDIFF_MAX`, or a view
    /// or iterator that this library did not produce).
    LCS_INVALID_ARGUMENT = 3,
    /// The caller's buffer is too small; nothing was written.
    LCS_BUFFER_TOO_SMALL = 4,
    /// An iterator or cursor has no more items (not an error: the normal end of a loop).
    LCS_END = 5,
    /// The value is not of the kind the call needs (e.g. `lcs_value_as_u64` on a string).
    LCS_WRONG_KIND = 6,
    /// `lcs_value_get`: the object has no member with that key.
    LCS_NOT_FOUND = 7,
    /// An index is not below the length of the list it indexes.
    LCS_INDEX_OUT_OF_BOUNDS = 8,
    /// A number with a fraction or an exponent was read as an integer.
    LCS_NOT_AN_INTEGER = 9,

    /// Syntax: the input ended inside a value.
    LCS_SYNTAX_UNEXPECTED_END = 100,
    /// Syntax: a byte that cannot start or continue the expected token.
    LCS_SYNTAX_UNEXPECTED_BYTE = 101,
    /// Syntax: the input is not valid UTF-8.
    LCS_SYNTAX_INVALID_UTF8 = 102,
    /// Syntax: a raw control character (U+0000..U+001F) inside a string.
    LCS_SYNTAX_CONTROL_CHARACTER = 103,
    /// Syntax: an escape sequence JSON does not define.
    LCS_SYNTAX_INVALID_ESCAPE = 104,
    /// Syntax: a `\uD800`–`\uDFFF` escape that is not part of a surrogate pair.
    LCS_SYNTAX_LONE_SURROGATE = 105,
    /// Syntax: a number that does not follow the JSON grammar.
    LCS_SYNTAX_INVALID_NUMBER = 106,
    /// Syntax: non-whitespace bytes after the session object.
    LCS_SYNTAX_TRAILING_BYTES = 107,
    /// Syntax: nesting deeper than the limit in force.
    LCS_SYNTAX_DEPTH_LIMIT = 108,
    /// Syntax: a syntax error this version cannot name more precisely.
    LCS_SYNTAX_OTHER = 199,

    /// Schema: the document is not a JSON object.
    LCS_NOT_AN_OBJECT = 200,
    /// Schema: a required field is absent.
    LCS_MISSING_FIELD = 201,
    /// Schema: a field holds the wrong JSON type.
    LCS_WRONG_TYPE = 202,
    /// Schema: a known field appears twice in the same object.
    LCS_DUPLICATE_FIELD = 203,
    /// Schema: a header value does not fit its fixed capacity.
    LCS_CAPACITY = 204,
    /// Schema (and `lcs_value_as_*`): a number does not fit its target type.
    LCS_NUMBER_OUT_OF_RANGE = 205,
    /// Schema: a string field holds a value outside its allowed set.
    LCS_INVALID_VALUE = 206,
    /// Schema: a schema error this version cannot name more precisely.
    LCS_SCHEMA_OTHER = 299,
}

impl lcs_result {
    /// Every code, in numeric order. A test checks each has a distinct message.
    pub fn all() -> [lcs_result; 28] {
        [
            lcs_result::LCS_OK,
            lcs_result::LCS_NULL_ARGUMENT,
            lcs_result::LCS_PANIC,
            lcs_result::LCS_INVALID_ARGUMENT,
            lcs_result::LCS_BUFFER_TOO_SMALL,
            lcs_result::LCS_END,
            lcs_result::LCS_WRONG_KIND,
            lcs_result::LCS_NOT_FOUND,
            lcs_result::LCS_INDEX_OUT_OF_BOUNDS,
            lcs_result::LCS_NOT_AN_INTEGER,
            lcs_result::LCS_SYNTAX_UNEXPECTED_END,
            lcs_result::LCS_SYNTAX_UNEXPECTED_BYTE,
            lcs_result::LCS_SYNTAX_INVALID_UTF8,
            lcs_result::LCS_SYNTAX_CONTROL_CHARACTER,
            lcs_result::LCS_SYNTAX_INVALID_ESCAPE,
            lcs_result::LCS_SYNTAX_LONE_SURROGATE,
            lcs_result::LCS_SYNTAX_INVALID_NUMBER,
            lcs_result::LCS_SYNTAX_TRAILING_BYTES,
            lcs_result::LCS_SYNTAX_DEPTH_LIMIT,
            lcs_result::LCS_SYNTAX_OTHER,
            lcs_result::LCS_NOT_AN_OBJECT,
            lcs_result::LCS_MISSING_FIELD,
            lcs_result::LCS_WRONG_TYPE,
            lcs_result::LCS_DUPLICATE_FIELD,
            lcs_result::LCS_CAPACITY,
            lcs_result::LCS_NUMBER_OUT_OF_RANGE,
            lcs_result::LCS_INVALID_VALUE,
            lcs_result::LCS_SCHEMA_OTHER,
        ]
    }

    /// The code for a decoding error kind.
    pub fn from_kind(kind: ErrorKind) -> lcs_result {
        use lcs_result::*;
        match kind {
            ErrorKind::UnexpectedEnd => LCS_SYNTAX_UNEXPECTED_END,
            ErrorKind::UnexpectedByte { .. } => LCS_SYNTAX_UNEXPECTED_BYTE,
            ErrorKind::InvalidUtf8 => LCS_SYNTAX_INVALID_UTF8,
            ErrorKind::ControlCharacter => LCS_SYNTAX_CONTROL_CHARACTER,
            ErrorKind::InvalidEscape => LCS_SYNTAX_INVALID_ESCAPE,
            ErrorKind::LoneSurrogate => LCS_SYNTAX_LONE_SURROGATE,
            ErrorKind::InvalidNumber => LCS_SYNTAX_INVALID_NUMBER,
            ErrorKind::TrailingBytes => LCS_SYNTAX_TRAILING_BYTES,
            ErrorKind::DepthLimit { .. } => LCS_SYNTAX_DEPTH_LIMIT,
            ErrorKind::NotAnObject => LCS_NOT_AN_OBJECT,
            ErrorKind::MissingField(_) => LCS_MISSING_FIELD,
            ErrorKind::WrongType { .. } => LCS_WRONG_TYPE,
            ErrorKind::DuplicateField(_) => LCS_DUPLICATE_FIELD,
            ErrorKind::Capacity { .. } => LCS_CAPACITY,
            ErrorKind::NumberOutOfRange(_) => LCS_NUMBER_OUT_OF_RANGE,
            ErrorKind::InvalidValue(_) => LCS_INVALID_VALUE,
            // `ErrorKind` is non-exhaustive: a newer core may add kinds.
            _ => LCS_SCHEMA_OTHER,
        }
    }

    /// The code for a failed number conversion.
    pub fn from_number_error(e: NumberError) -> lcs_result {
        match e {
            NumberError::NotANumber => lcs_result::LCS_WRONG_KIND,
            NumberError::NotAnInteger => lcs_result::LCS_NOT_AN_INTEGER,
            NumberError::OutOfRange => lcs_result::LCS_NUMBER_OUT_OF_RANGE,
        }
    }

    /// The code with this number, if this version defines one.
    pub fn from_u32(code: u32) -> Option<lcs_result> {
        Self::all().into_iter().find(|r| *r as u32 == code)
    }

    /// A short English description, NUL-terminated.
    pub fn message(self) -> &'static str {
        use lcs_result::*;
        match self {
            LCS_OK => "success\0",
            LCS_NULL_ARGUMENT => "a required pointer argument was NULL\0",
            LCS_PANIC => "internal error: the library panicked (please report this bug)\0",
            LCS_INVALID_ARGUMENT => "invalid argument\0",
            LCS_BUFFER_TOO_SMALL => "the buffer is too small\0",
            LCS_END => "no more items\0",
            LCS_WRONG_KIND => "the value is not of the requested kind\0",
            LCS_NOT_FOUND => "no member with that key\0",
            LCS_INDEX_OUT_OF_BOUNDS => "index out of bounds\0",
            LCS_NOT_AN_INTEGER => "the number is not an integer\0",
            LCS_SYNTAX_UNEXPECTED_END => "syntax error: unexpected end of input\0",
            LCS_SYNTAX_UNEXPECTED_BYTE => "syntax error: unexpected character\0",
            LCS_SYNTAX_INVALID_UTF8 => "syntax error: invalid UTF-8\0",
            LCS_SYNTAX_CONTROL_CHARACTER => "syntax error: raw control character in string\0",
            LCS_SYNTAX_INVALID_ESCAPE => "syntax error: invalid escape sequence in string\0",
            LCS_SYNTAX_LONE_SURROGATE => "syntax error: lone UTF-16 surrogate in \\u escape\0",
            LCS_SYNTAX_INVALID_NUMBER => "syntax error: invalid number\0",
            LCS_SYNTAX_TRAILING_BYTES => {
                "syntax error: trailing characters after the session object\0"
            }
            LCS_SYNTAX_DEPTH_LIMIT => "syntax error: nesting too deep\0",
            LCS_SYNTAX_OTHER => "syntax error\0",
            LCS_NOT_AN_OBJECT => "schema error: the session is not a JSON object\0",
            LCS_MISSING_FIELD => "schema error: a required field is missing\0",
            LCS_WRONG_TYPE => "schema error: a field has the wrong type\0",
            LCS_DUPLICATE_FIELD => "schema error: a field appears twice\0",
            LCS_CAPACITY => "schema error: a header value does not fit its capacity\0",
            LCS_NUMBER_OUT_OF_RANGE => "number out of range\0",
            LCS_INVALID_VALUE => "schema error: a field has a value outside its allowed set\0",
            LCS_SCHEMA_OTHER => "schema error\0",
        }
    }

    /// True for the 1xx codes: the input is not valid JSON.
    pub fn is_syntax(self) -> bool {
        (100..200).contains(&(self as u32))
    }

    /// True for the 2xx codes: valid JSON that breaks the session schema.
    pub fn is_schema(self) -> bool {
        (200..300).contains(&(self as u32))
    }
}

/// A short English description of a result code: a static, NUL-terminated string that is
/// never NULL and never freed. Codes this version does not define give
/// "unknown result code".
///
/// Thread-safe.
#[no_mangle]
pub extern "C" fn lcs_result_message(code: u32) -> *const c_char {
    crate::panic::guard(|| {
        lcs_result::from_u32(code)
            .map_or("unknown result code\0", lcs_result::message)
            .as_ptr()
            .cast()
    })
}

/// True (1) when `code` is a syntax error (100–199): the input is not valid JSON.
///
/// Thread-safe.
#[no_mangle]
pub extern "C" fn lcs_result_is_syntax_error(code: u32) -> bool {
    crate::panic::guard(|| (100..200).contains(&code))
}

/// True (1) when `code` is a schema error (200–299): valid JSON that is not a session.
///
/// Thread-safe.
#[no_mangle]
pub extern "C" fn lcs_result_is_schema_error(code: u32) -> bool {
    crate::panic::guard(|| (200..300).contains(&code))
}
