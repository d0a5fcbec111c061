//! `lcs_client_error`: the details of a failed `lcs_client_*` / `lcs_body_*` call (HTTP
//! status, request id, one-line message, capped error body, attempts, decoder position),
//! as an opaque handle read through one `lcs_client_error_details` call.
//!
//! The handle is a snapshot: every string is copied out of the Rust `ClientError` when the
//! handle is made, so views into it stay valid, unchanged, until `lcs_client_error_free`.
//! It never holds the API key: the client never puts it in an error, and an error body that
//! echoes it back (some debugging proxies do) has it replaced by `<REDACTED>` by the client.

use crate::client::ClientError;
use crate::panic::{call, guard};
use crate::ptr::{self, Out};
use crate::result::lcs_result;
use crate::session::{lcs_parse_error, LCS_PARSE_ERROR_MESSAGE_CAPACITY};
use crate::str::lcs_str;

/// Why an `lcs_client_*` or `lcs_body_*` call failed. Opaque; the failing call creates it
/// (in its `out_error` parameter, only when it returns a client error code, 300–399); read it
/// with `lcs_client_error_details`; free it with `lcs_client_error_free`.
///
/// **Lifetime:** independent of the client and body that produced it; the views that
/// `lcs_client_error_details` writes point into the handle and stay valid until
/// `lcs_client_error_free`.
///
/// **Thread-safety:** immutable: any number of threads may read it at once. Free it once,
/// when no other thread uses it.
///
/// It never contains the API key: an error body that echoes it back has it replaced by
/// `<REDACTED>`, whether the call was a retrieve or a later `lcs_body_parse` (keys shorter
/// than 4 characters are not searched for).
#[allow(non_camel_case_types)]
pub struct lcs_client_error {
    code: lcs_result,
    kind: &'static str,
    status: u16,
    attempts: u32,
    message: String,
    reason: String,
    request: String,
    request_id: Option<String>,
    body: Option<String>,
    body_truncated: bool,
    decode: Option<lcs_parse_error>,
}

/// The details of an `lcs_client_error`, as filled by `lcs_client_error_details`. Every
/// `lcs_str` points into the error handle: valid until `lcs_client_error_free`, UTF-8, not
/// NUL-terminated, never NULL (empty when absent). Plain data otherwise: nothing to free.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct lcs_client_error_info {
    /// The result code the failing call returned (300–399).
    pub code: lcs_result,
    /// A stable lower-case name of the kind: `"not_found"`, `"timeout"`, `"invalid_body"`,
    /// ... (the Rust `ClientErrorKind::as_str`).
    pub kind: lcs_str,
    /// The HTTP status of the response, or 0 when no response arrived (configuration,
    /// connection and timeout errors).
    pub status: u16,
    /// How many HTTP attempts the failed call made: 0 when it failed before any request, and
    /// for `lcs_body_parse`, which decodes a body already received and makes none.
    pub attempts: u32,
    /// The whole error on one line, like the official CLI:
    /// `GET "https://host/api/v1/chat/ses-1": 404 Not Found (request id req_1)`.
    pub message: lcs_str,
    /// The message alone, without the request and the request id: `404 Not Found`.
    pub reason: lcs_str,
    /// The request, `GET "<url>"`, or empty when no request was made.
    pub request: lcs_str,
    /// True when the server sent an `x-request-id` header.
    pub has_request_id: bool,
    /// The `x-request-id` response header (empty when `has_request_id` is false).
    pub request_id: lcs_str,
    /// True when a response body is attached: the error body of an HTTP error status, or the
    /// beginning of a body that is not a valid session.
    pub has_body: bool,
    /// The body as text (invalid UTF-8 replaced by U+FFFD), at most 8 KiB.
    pub body: lcs_str,
    /// True when `body` holds only the beginning of a longer body.
    pub body_truncated: bool,
    /// True for `LCS_CLIENT_INVALID_BODY`: `decode_error` says where the body is invalid.
    pub has_decode_error: bool,
    /// The decoder's error, as `lcs_session_parse` reports it (code 1xx/2xx, byte offset,
    /// line, column, event, field, message); all zero and empty unless `has_decode_error`.
    pub decode_error: lcs_parse_error,
}

/// An empty `lcs_parse_error` (code `LCS_OK`) for errors without a decoder position.
fn no_parse_error() -> lcs_parse_error {
    lcs_parse_error {
        code: lcs_result::LCS_OK,
        offset: 0,
        line: 0,
        column: 0,
        has_event: false,
        event: 0,
        field: lcs_str::empty(),
        message: [0; LCS_PARSE_ERROR_MESSAGE_CAPACITY],
    }
}

impl lcs_client_error {
    /// A snapshot of `error` (a decode error comes with its line and column). The client has
    /// already redacted the key from server text.
    pub(crate) fn new(error: &ClientError) -> Self {
        lcs_client_error {
            code: lcs_result::from_client_kind(error.kind()),
            kind: error.kind().as_str(),
            status: error.status().unwrap_or(0),
            attempts: error.attempts(),
            message: error.to_string(),
            reason: error.message().to_owned(),
            request: error.request().unwrap_or_default().to_owned(),
            request_id: error.request_id().map(str::to_owned),
            body: error.body().map(str::to_owned),
            body_truncated: error.body_truncated(),
            decode: error
                .decode_error()
                .zip(error.decode_line_column())
                .map(|(e, at)| lcs_parse_error::at(e, at)),
        }
    }

    /// The result code of this error.
    pub(crate) fn code(&self) -> lcs_result {
        self.code
    }

    /// Stores a new handle for `error` in `*out_error` when `out_error` is not NULL, and
    /// returns the error's code.
    ///
    /// # Safety
    /// `out_error` is NULL or writable.
    pub(crate) unsafe fn report(
        error: &ClientError,
        out_error: *mut *mut lcs_client_error,
    ) -> lcs_result {
        let handle = lcs_client_error::new(error);
        let code = handle.code();
        if let Ok(out) = Out::new(out_error) {
            // SAFETY: `out_error` is non-NULL and writable (caller's contract).
            unsafe { out.write(Box::into_raw(Box::new(handle))) };
        }
        code
    }

    fn info(&self) -> lcs_client_error_info {
        let opt = |s: &Option<String>| {
            s.as_deref()
                .map_or(lcs_str::empty(), |s| lcs_str::new(s.as_bytes()))
        };
        lcs_client_error_info {
            code: self.code,
            kind: lcs_str::new(self.kind.as_bytes()),
            status: self.status,
            attempts: self.attempts,
            message: lcs_str::new(self.message.as_bytes()),
            reason: lcs_str::new(self.reason.as_bytes()),
            request: lcs_str::new(self.request.as_bytes()),
            has_request_id: self.request_id.is_some(),
            request_id: opt(&self.request_id),
            has_body: self.body.is_some(),
            body: opt(&self.body),
            body_truncated: self.body_truncated,
            has_decode_error: self.decode.is_some(),
            decode_error: self.decode.unwrap_or_else(no_parse_error),
        }
    }
}

/// Writes the details of `error` to `*out_info` (views valid until
/// `lcs_client_error_free`).
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`; `*out_info` is written only on success.
///
/// Thread-safe (the error is immutable).
///
/// # Safety
/// `error` is NULL or a live handle from an `lcs_client_*` / `lcs_body_*` call;
/// `out_info` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_client_error_details(
    error: *const lcs_client_error,
    out_info: *mut lcs_client_error_info,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `error`.
        let e = unsafe { ptr::borrow(error) }?;
        let out = Out::new(out_info)?;
        // SAFETY: `out_info` is writable (caller's contract).
        unsafe { out.write(e.info()) };
        Ok(())
    })
}

/// Frees an error. NULL is allowed and does nothing. Every view from
/// `lcs_client_error_details` dies with it.
///
/// # Safety
/// `error` is NULL or a handle from an `lcs_client_*` / `lcs_body_*` call, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn lcs_client_error_free(error: *mut lcs_client_error) {
    guard(|| {
        if !error.is_null() {
            // SAFETY: `error` came from `Box::into_raw` in `report` and is freed only once
            // (caller's contract).
            drop(unsafe { Box::from_raw(error) });
        }
    })
}
