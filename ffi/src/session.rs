//! `lcs_session`: parsing a caller-owned buffer, the parse error, and whole-document access.
//!
//! # Why the handle holds a `Session<'static>`
//!
//! The core's `Session<'a>` borrows the input for `'a`. C cannot express that borrow, so the
//! handle stores a `Session<'static>` built from a slice over the caller's buffer, and the
//! C contract carries the lifetime instead: **the buffer must stay valid and unmodified
//! until `lcs_session_free`**. Nothing in this crate hands out a Rust reference with the
//! fake `'static` lifetime: every view leaving the crate is a raw `(pointer, length)` pair
//! whose validity the header documents in the same terms. Copying the input instead would
//! be safer for careless callers but would cost a copy of documents that may be hundreds of
//! megabytes, which this library exists to avoid.

use core::ffi::{c_char, c_void};
use core::fmt::Write as _;

use lcsession_core::{Error, ParseOptions, Session, DEFAULT_MAX_DEPTH};

use crate::event::{lcs_event, VisitedEvent};
use crate::panic::{call, guard};
use crate::ptr::{self, Out};
use crate::result::lcs_result;
use crate::str::{decoded_eq, lcs_str};
use crate::value::{lcs_value, lcs_value_iter, MODE_UNKNOWN_FIELDS};

/// Capacity in bytes of the id-like header strings of a session parsed through this API:
/// `session_id`, `last_updated_at`, each of `index_ids` and `job_metadata.export_config_ids`.
/// Longer is an `LCS_CAPACITY` error naming the field, never a truncation.
pub const LCS_ID_CAPACITY: usize = 128;

/// Capacity in bytes of the free-text header strings of a session parsed through this API:
/// `generated_title` and `job_metadata.error` (8x the Rust default: this API runs on hosts
/// with an allocator, where the header lives on the heap).
pub const LCS_TEXT_CAPACITY: usize = 4096;

/// Capacity in entries of `index_ids` and of `job_metadata.export_config_ids` of a session
/// parsed through this API (4x the Rust default).
pub const LCS_LIST_CAPACITY: usize = 64;

// Hidden from cbindgen, which cannot expand an alias with const generics (0.29).
/// The session every handle holds: the core's, with this API's capacities.
///
/// cbindgen:ignore
pub(crate) type CSession<'a> = Session<'a, LCS_ID_CAPACITY, LCS_TEXT_CAPACITY, LCS_LIST_CAPACITY>;

/// A parsed, fully validated session. Opaque; create it with `lcs_session_parse`, free it
/// with `lcs_session_free`. Its header holds up to `LCS_ID_CAPACITY`, `LCS_TEXT_CAPACITY`
/// and `LCS_LIST_CAPACITY` (a parse of a header that does not fit fails with
/// `LCS_CAPACITY`, naming the field).
///
/// **Lifetime:** it borrows the buffer it was parsed from, which must stay valid and
/// unmodified until `lcs_session_free`. Views into the header (`lcs_str` from
/// `lcs_session_id` and friends) point into the session itself and die with it; views into
/// the document (`lcs_jstr`, `lcs_value`, events) point into the buffer.
///
/// **Thread-safety:** immutable after parsing: any number of threads may call the
/// `const lcs_session *` functions concurrently. Free it once, when no other thread uses it.
#[allow(non_camel_case_types)]
pub struct lcs_session {
    /// Borrows the caller's buffer; see the module documentation for the `'static`.
    pub(crate) session: CSession<'static>,
}

impl lcs_session {
    /// An empty handle, to parse into in place: a `CSession` returned by value would cross
    /// the caller's stack (26 KiB) on its way to the heap, twice.
    pub(crate) fn empty() -> Box<Self> {
        Box::new(lcs_session {
            session: CSession::default(),
        })
    }
}

/// Capacity, NUL included, of `lcs_parse_error.message`.
pub const LCS_PARSE_ERROR_MESSAGE_CAPACITY: usize = 192;

/// Why a parse failed, and where. Filled by `lcs_session_parse` only when it fails with a
/// syntax (1xx) or schema (2xx) code. Plain data: no pointers to free.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct lcs_parse_error {
    /// The result code returned by the parse.
    pub code: lcs_result,
    /// Byte offset in the input where the problem was detected.
    pub offset: usize,
    /// 1-based line of `offset`.
    pub line: usize,
    /// 1-based column of `offset`, counted in characters (not bytes).
    pub column: usize,
    /// True when the error is in an event: a schema error about one of its fields (a missing
    /// field, a field of the wrong type), or a syntax error (`lcs_result_is_syntax_error`)
    /// found inside its object. Its zero-based index is then `event`. False in the header,
    /// between events and after the session.
    pub has_event: bool,
    /// Zero-based index of the event at fault (meaningful when `has_event`).
    pub event: usize,
    /// The field at fault as a dotted path (`"call_id"`, `"job_metadata.turns"`,
    /// `"usage.total_input_tokens"`), or empty for syntax errors. Static storage.
    pub field: lcs_str,
    /// A NUL-terminated English message naming what and where, e.g.
    /// "event 3 field `call_id`: missing at byte 812".
    pub message: [c_char; LCS_PARSE_ERROR_MESSAGE_CAPACITY],
}

/// Writes formatted text into a fixed buffer, truncating at a character boundary and always
/// leaving room for the NUL.
struct MessageBuf {
    buf: [c_char; LCS_PARSE_ERROR_MESSAGE_CAPACITY],
    len: usize,
}

impl core::fmt::Write for MessageBuf {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for ch in s.chars() {
            let mut utf8 = [0u8; 4];
            let bytes = ch.encode_utf8(&mut utf8).as_bytes();
            if self.len + bytes.len() >= LCS_PARSE_ERROR_MESSAGE_CAPACITY {
                return Ok(());
            }
            for &b in bytes {
                if let Some(slot) = self.buf.get_mut(self.len) {
                    *slot = b as c_char;
                }
                self.len += 1;
            }
        }
        Ok(())
    }
}

impl lcs_parse_error {
    /// Describes `err`, found while parsing `input`.
    pub fn new(err: &Error, input: &[u8]) -> lcs_parse_error {
        lcs_parse_error::at(err, err.line_column(input))
    }

    /// Describes `err`, at this 1-based line and column of its input.
    pub(crate) fn at(err: &Error, (line, column): (usize, usize)) -> lcs_parse_error {
        let at = err.kind().location();
        let mut message = MessageBuf {
            buf: [0; LCS_PARSE_ERROR_MESSAGE_CAPACITY],
            len: 0,
        };
        let _ = write!(message, "{err}");
        lcs_parse_error {
            code: lcs_result::from_kind(err.kind()),
            offset: err.offset(),
            line,
            column,
            has_event: err.event().is_some(),
            event: err.event().unwrap_or(0),
            field: lcs_str::new(at.map_or("", |a| a.field).as_bytes()),
            message: message.buf,
        }
    }
}

/// Parses and validates the session in the `len` bytes at `buf` (UTF-8 JSON, not
/// NUL-terminated) without copying them, and stores a new session in `*out_session`.
///
/// The whole document is checked: strict JSON (RFC 8259), UTF-8, every event against the
/// schema, trailing bytes. Nesting deeper than 128 levels is rejected (see
/// `lcs_session_parse_with_max_depth`).
///
/// Returns `LCS_OK`; a syntax (1xx) or schema (2xx) code, with details in `*out_error` when
/// it is not NULL; `LCS_NULL_ARGUMENT` when `buf` (even with `len` 0) or `out_session` is
/// NULL. `*out_session` is written only on success, `*out_error` only on a 1xx/2xx failure.
///
/// **Ownership:** the caller owns the new session and must pass it to `lcs_session_free`.
/// The session borrows `buf`: keep the buffer valid and unmodified until then.
///
/// # Safety
/// `buf` is NULL or has `len` readable bytes that outlive the session; `out_session` and
/// `out_error` (which may be NULL) are writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_parse(
    buf: *const u8,
    len: usize,
    out_session: *mut *mut lcs_session,
    out_error: *mut lcs_parse_error,
) -> lcs_result {
    // SAFETY: forwarded contract.
    unsafe {
        parse(
            buf,
            len,
            u32::from(DEFAULT_MAX_DEPTH),
            out_session,
            out_error,
        )
    }
}

/// `lcs_session_parse` with a nesting limit: the deepest nesting accepted, counting the
/// session object as 1 (a tool call's `arguments` object is at depth 4). 0 means the
/// default (128); values above 256 are treated as 256.
///
/// # Safety
/// As for `lcs_session_parse`.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_parse_with_max_depth(
    buf: *const u8,
    len: usize,
    max_depth: u32,
    out_session: *mut *mut lcs_session,
    out_error: *mut lcs_parse_error,
) -> lcs_result {
    // SAFETY: forwarded contract.
    unsafe { parse(buf, len, max_depth, out_session, out_error) }
}

/// # Safety
/// As for [`lcs_session_parse`].
unsafe fn parse(
    buf: *const u8,
    len: usize,
    max_depth: u32,
    out_session: *mut *mut lcs_session,
    out_error: *mut lcs_parse_error,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller guarantees `len` readable bytes that outlive the session, which
        // is what the `'static` stands for (see the module documentation).
        let input: &'static [u8] = unsafe { ptr::bytes(buf, len) }?;
        let out = Out::new(out_session)?;
        let mut handle = lcs_session::empty();
        let parsed = handle
            .session
            .parse_into(input, options(max_depth))
            .map(|()| handle);
        finish(parsed, input, out, out_error)
    })
}

/// Parse options for a C `max_depth` (0 = the default).
fn options(max_depth: u32) -> ParseOptions {
    ParseOptions {
        max_depth: match max_depth {
            0 => DEFAULT_MAX_DEPTH,
            d => u16::try_from(d).unwrap_or(u16::MAX),
        },
    }
}

/// Stores a parsed session, or describes the error.
fn finish(
    parsed: Result<Box<lcs_session>, Error>,
    input: &[u8],
    out: Out<*mut lcs_session>,
    out_error: *mut lcs_parse_error,
) -> Result<(), lcs_result> {
    match parsed {
        Ok(handle) => {
            let handle = Box::into_raw(handle);
            // SAFETY: `out_session` is writable (caller's contract).
            unsafe { out.write(handle) };
            Ok(())
        }
        Err(err) => {
            let details = lcs_parse_error::new(&err, input);
            if let Ok(out_error) = Out::new(out_error) {
                // SAFETY: `out_error` is non-NULL and writable (caller's contract).
                unsafe { out_error.write(details) };
            }
            Err(details.code)
        }
    }
}

/// A function `lcs_session_parse_visiting` (and `lcs_client_retrieve_visiting`) calls with
/// each event as soon as it is validated.
///
/// `event` is valid only during the call (copy the struct to keep it; its views point into
/// the buffer, or the retrieved body, and stay valid as long as it does). The function must
/// return normally: no `longjmp` out of it, no C++ exception through it.
#[allow(non_camel_case_types)]
pub type lcs_event_visitor =
    Option<unsafe extern "C" fn(user_data: *mut c_void, event: *const lcs_event)>;

/// Parses like `lcs_session_parse_with_max_depth`, and hands each event to `visitor` as soon
/// as it is validated: one pass over the input, instead of a parse followed by an
/// `lcs_events` cursor (which decodes every event again). `user_data` is passed through.
///
/// The session is stored in `*out_session` only when the whole document is valid; when it is
/// not, `visitor` may already have seen the events before the error (as a streaming reader
/// would), and the error is reported as by `lcs_session_parse`.
///
/// Returns what `lcs_session_parse` returns; `LCS_NULL_ARGUMENT` also when `visitor` is
/// NULL.
///
/// # Safety
/// As for `lcs_session_parse`; `visitor` follows the rules of `lcs_event_visitor`.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_parse_visiting(
    buf: *const u8,
    len: usize,
    max_depth: u32,
    visitor: lcs_event_visitor,
    user_data: *mut c_void,
    out_session: *mut *mut lcs_session,
    out_error: *mut lcs_parse_error,
) -> lcs_result {
    call(|| {
        let visitor = visitor.ok_or(lcs_result::LCS_NULL_ARGUMENT)?;
        // SAFETY: the caller guarantees `len` readable bytes that outlive the session (see
        // the module documentation for the `'static`).
        let input: &'static [u8] = unsafe { ptr::bytes(buf, len) }?;
        let out = Out::new(out_session)?;
        // One C event, rewritten in place for each event.
        let mut c_event = VisitedEvent::new();
        let visit = |event: &lcsession_core::Event<'_>| {
            let c_event = c_event.update(event);
            // SAFETY: the caller supplied a valid function that returns normally; the event
            // pointer is valid for the duration of the call, as documented.
            unsafe { visitor(user_data, c_event) };
        };
        let mut handle = lcs_session::empty();
        let parsed = handle
            .session
            .parse_into_visiting(input, options(max_depth), visit)
            .map(|()| handle);
        finish(parsed, input, out, out_error)
    })
}

/// Frees a session. NULL is allowed and does nothing. Every view into the session's header
/// dies with it; the caller's buffer is not touched and may be freed afterwards.
///
/// # Safety
/// `session` is NULL or was returned by `lcs_session_parse` and not yet freed; no cursor or
/// view of it is used afterwards.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_free(session: *mut lcs_session) {
    guard(|| {
        if !session.is_null() {
            // SAFETY: `session` came from `Box::into_raw` in `parse` and is freed only once
            // (caller's contract).
            drop(unsafe { Box::from_raw(session) });
        }
    })
}

/// Borrows the session behind a handle.
///
/// # Safety
/// `session` is NULL or a live handle from `lcs_session_parse`.
pub(crate) unsafe fn session_ref<'a>(
    session: *const lcs_session,
) -> Result<&'a CSession<'static>, lcs_result> {
    // SAFETY: forwarded contract.
    unsafe { ptr::borrow(session) }.map(|s| &s.session)
}

/// Writes the number of events to `*out_count`.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `session` is a live session; `out_count` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_event_count(
    session: *const lcs_session,
    out_count: *mut usize,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `session`.
        let s = unsafe { session_ref(session) }?;
        let out = Out::new(out_count)?;
        // SAFETY: `out_count` is writable (caller's contract).
        unsafe { out.write(s.event_count()) };
        Ok(())
    })
}

/// Writes a view of the whole session object, as written, to `*out_value` (valid while the
/// buffer is).
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `session` is a live session; `out_value` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_raw(
    session: *const lcs_session,
    out_value: *mut lcs_value,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `session`.
        let s = unsafe { session_ref(session) }?;
        let out = Out::new(out_value)?;
        // SAFETY: `out_value` is writable (caller's contract).
        unsafe { out.write(lcs_value::from_raw(s.raw())) };
        Ok(())
    })
}

/// Writes a view of the `events` array, as written, to `*out_value` (valid while the buffer
/// is).
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `session` is a live session; `out_value` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_events_raw(
    session: *const lcs_session,
    out_value: *mut lcs_value,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `session`.
        let s = unsafe { session_ref(session) }?;
        let out = Out::new(out_value)?;
        // SAFETY: `out_value` is writable (caller's contract).
        unsafe { out.write(lcs_value::from_raw(s.events_raw())) };
        Ok(())
    })
}

/// The top-level keys the library decodes; every other top-level member is an unknown field.
/// (Kept in step with the core by a test comparing with `Session::unknown_fields`.)
const KNOWN_FIELDS: [&[u8]; 7] = [
    b"events",
    b"session_id",
    b"last_updated_at",
    b"generated_title",
    b"index_ids",
    b"job_metadata",
    b"shared_access",
];

/// True when `key` (raw text of a key of the session object) is one the library decodes.
pub(crate) fn is_known_field(key: &[u8]) -> bool {
    KNOWN_FIELDS
        .iter()
        .any(|name| decoded_eq(key, name).unwrap_or(false))
}

/// Starts iterating the top-level members this library does not decode (fields newer than
/// it), in input order: call `lcs_value_member_next` on the iterator.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`. The iterator borrows the buffer.
///
/// # Safety
/// `session` is a live session; `out_iter` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_unknown_fields(
    session: *const lcs_session,
    out_iter: *mut lcs_value_iter,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `session`.
        let s = unsafe { session_ref(session) }?;
        let out = Out::new(out_iter)?;
        let iter = lcs_value_iter::new(s.raw().as_raw_str().as_bytes(), MODE_UNKNOWN_FIELDS);
        // SAFETY: `out_iter` is writable (caller's contract).
        unsafe { out.write(iter) };
        Ok(())
    })
}
