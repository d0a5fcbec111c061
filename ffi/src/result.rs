//! `lcs_result`: the result code of every fallible call, and its message.
//!
//! Numbers are explicit and never reused: a code that goes away leaves a hole. Families:
//! 0–99 general, 100–199 JSON syntax errors, 200–299 session schema errors, 300–399 the
//! HTTP client (300–309 before any request, 310–329 HTTP statuses, 330–349 transport and
//! body).

use core::ffi::c_char;

use lcsession_core::{ErrorKind, NumberError};

use crate::client::ClientErrorKind;

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
    /// The library was built without the feature this call needs (e.g.
    /// `lcs_client_set_platform_roots` without the `platform-verifier` feature).
    LCS_UNSUPPORTED = 10,

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

    /// Client: no API key (none set, and neither `LLAMA_CLOUD_API_KEY` nor
    /// `LLAMA_PARSE_API_KEY` is set), or an empty one. Reported before any request.
    LCS_CLIENT_MISSING_API_KEY = 300,
    /// Client: a configuration value is unusable (base URL, header, zero timeout, a
    /// `LLAMA_CLOUD_CUSTOM_HEADERS` line). Reported before any request.
    LCS_CLIENT_INVALID_CONFIG = 301,
    /// Client: the session id is empty, `.` or `..`. Reported before any request.
    LCS_CLIENT_INVALID_SESSION_ID = 302,
    /// Client: HTTP 400 Bad Request.
    LCS_CLIENT_BAD_REQUEST = 310,
    /// Client: HTTP 401 (the API key was refused).
    LCS_CLIENT_AUTHENTICATION = 311,
    /// Client: HTTP 403 Forbidden.
    LCS_CLIENT_PERMISSION_DENIED = 312,
    /// Client: HTTP 404 (no such session).
    LCS_CLIENT_NOT_FOUND = 313,
    /// Client: HTTP 409 Conflict (after the retries it allows).
    LCS_CLIENT_CONFLICT = 314,
    /// Client: HTTP 422 Unprocessable Entity.
    LCS_CLIENT_UNPROCESSABLE_ENTITY = 315,
    /// Client: HTTP 429 Too Many Requests (after the retries it allows).
    LCS_CLIENT_RATE_LIMIT = 316,
    /// Client: HTTP 500 or above (after the retries it allows).
    LCS_CLIENT_INTERNAL_SERVER = 317,
    /// Client: any other non-success HTTP status.
    LCS_CLIENT_HTTP_STATUS = 318,
    /// Client: the connection failed, was reset or closed early (after the retries it
    /// allows).
    LCS_CLIENT_CONNECTION = 330,
    /// Client: an attempt took longer than its timeout (after the retries it allows).
    LCS_CLIENT_TIMEOUT = 331,
    /// Client: the response body is larger than the client's size limit.
    LCS_CLIENT_TOO_LARGE = 332,
    /// Client: the response is not a valid session (the error details carry the decoder's
    /// error, with its byte offset).
    LCS_CLIENT_INVALID_BODY = 333,
    /// Client: writing the dump to a file failed.
    LCS_CLIENT_IO = 334,
    /// Client: a client error without a more precise code (reserved: this version always
    /// returns one of the codes above).
    LCS_CLIENT_OTHER = 399,
}

impl lcs_result {
    /// Every code, in numeric order. A test checks each has a distinct message.
    pub fn all() -> [lcs_result; 47] {
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
            lcs_result::LCS_UNSUPPORTED,
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
            lcs_result::LCS_CLIENT_MISSING_API_KEY,
            lcs_result::LCS_CLIENT_INVALID_CONFIG,
            lcs_result::LCS_CLIENT_INVALID_SESSION_ID,
            lcs_result::LCS_CLIENT_BAD_REQUEST,
            lcs_result::LCS_CLIENT_AUTHENTICATION,
            lcs_result::LCS_CLIENT_PERMISSION_DENIED,
            lcs_result::LCS_CLIENT_NOT_FOUND,
            lcs_result::LCS_CLIENT_CONFLICT,
            lcs_result::LCS_CLIENT_UNPROCESSABLE_ENTITY,
            lcs_result::LCS_CLIENT_RATE_LIMIT,
            lcs_result::LCS_CLIENT_INTERNAL_SERVER,
            lcs_result::LCS_CLIENT_HTTP_STATUS,
            lcs_result::LCS_CLIENT_CONNECTION,
            lcs_result::LCS_CLIENT_TIMEOUT,
            lcs_result::LCS_CLIENT_TOO_LARGE,
            lcs_result::LCS_CLIENT_INVALID_BODY,
            lcs_result::LCS_CLIENT_IO,
            lcs_result::LCS_CLIENT_OTHER,
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

    /// The code for a client error kind.
    pub fn from_client_kind(kind: ClientErrorKind) -> lcs_result {
        use lcs_result::*;
        match kind {
            ClientErrorKind::MissingApiKey => LCS_CLIENT_MISSING_API_KEY,
            ClientErrorKind::InvalidConfig => LCS_CLIENT_INVALID_CONFIG,
            ClientErrorKind::InvalidSessionId => LCS_CLIENT_INVALID_SESSION_ID,
            ClientErrorKind::BadRequest => LCS_CLIENT_BAD_REQUEST,
            ClientErrorKind::Authentication => LCS_CLIENT_AUTHENTICATION,
            ClientErrorKind::PermissionDenied => LCS_CLIENT_PERMISSION_DENIED,
            ClientErrorKind::NotFound => LCS_CLIENT_NOT_FOUND,
            ClientErrorKind::Conflict => LCS_CLIENT_CONFLICT,
            ClientErrorKind::UnprocessableEntity => LCS_CLIENT_UNPROCESSABLE_ENTITY,
            ClientErrorKind::RateLimit => LCS_CLIENT_RATE_LIMIT,
            ClientErrorKind::InternalServer => LCS_CLIENT_INTERNAL_SERVER,
            ClientErrorKind::Status => LCS_CLIENT_HTTP_STATUS,
            ClientErrorKind::Connection => LCS_CLIENT_CONNECTION,
            ClientErrorKind::Timeout => LCS_CLIENT_TIMEOUT,
            ClientErrorKind::TooLarge => LCS_CLIENT_TOO_LARGE,
            ClientErrorKind::InvalidBody => LCS_CLIENT_INVALID_BODY,
            ClientErrorKind::Io => LCS_CLIENT_IO,
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
            LCS_UNSUPPORTED => "not supported by this build of the library\0",
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
            LCS_CLIENT_MISSING_API_KEY => "client error: no API key\0",
            LCS_CLIENT_INVALID_CONFIG => "client error: invalid configuration\0",
            LCS_CLIENT_INVALID_SESSION_ID => "client error: invalid session id\0",
            LCS_CLIENT_BAD_REQUEST => "client error: HTTP 400 Bad Request\0",
            LCS_CLIENT_AUTHENTICATION => "client error: HTTP 401 authentication failed\0",
            LCS_CLIENT_PERMISSION_DENIED => "client error: HTTP 403 permission denied\0",
            LCS_CLIENT_NOT_FOUND => "client error: HTTP 404 session not found\0",
            LCS_CLIENT_CONFLICT => "client error: HTTP 409 Conflict\0",
            LCS_CLIENT_UNPROCESSABLE_ENTITY => "client error: HTTP 422 Unprocessable Entity\0",
            LCS_CLIENT_RATE_LIMIT => "client error: HTTP 429 rate limit exceeded\0",
            LCS_CLIENT_INTERNAL_SERVER => "client error: HTTP 5xx server error\0",
            LCS_CLIENT_HTTP_STATUS => "client error: unexpected HTTP status\0",
            LCS_CLIENT_CONNECTION => "client error: connection failed\0",
            LCS_CLIENT_TIMEOUT => "client error: request timed out\0",
            LCS_CLIENT_TOO_LARGE => "client error: response body too large\0",
            LCS_CLIENT_INVALID_BODY => "client error: the response is not a valid session\0",
            LCS_CLIENT_IO => "client error: writing the dump failed\0",
            LCS_CLIENT_OTHER => "client error\0",
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

    /// True for the 3xx codes: the HTTP client failed.
    pub fn is_client(self) -> bool {
        (300..400).contains(&(self as u32))
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

/// True (1) when `code` is an HTTP client error (300–399): `lcs_client_*` failed before,
/// during or after the request; `lcs_client_error_details` says how.
///
/// Thread-safe.
#[no_mangle]
pub extern "C" fn lcs_result_is_client_error(code: u32) -> bool {
    crate::panic::guard(|| (300..400).contains(&code))
}
