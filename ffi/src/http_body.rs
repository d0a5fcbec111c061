//! `lcs_body`: a retrieved session body (owned bytes), its metadata, decoding it into an
//! `lcs_session` that borrows it, and saving it as a dump file.

use core::ffi::c_char;

use lcsession_core::ParseOptions;

use crate::client::SessionBody;
use crate::http_error::lcs_client_error;
use crate::panic::{call, guard};
use crate::ptr::{self, Out};
use crate::result::lcs_result;
use crate::session::lcs_session;
use crate::str::lcs_str;

/// Where an empty body's data pointer points, so it is never NULL or dangling.
static EMPTY: u8 = 0;

/// The body of a successful Get Full Session response, exactly as received, not yet
/// decoded. Opaque; `lcs_client_retrieve` creates it, `lcs_body_free` frees it.
///
/// **Lifetime:** it owns its bytes. `lcs_body_bytes` views them, and a session made from
/// them (`lcs_body_parse`, or `lcs_session_parse` over `lcs_body_bytes`) BORROWS them: the
/// body must outlive every such session (free the session first, then the body).
///
/// **Thread-safety:** immutable: any number of threads may read, parse or save it at once.
/// Free it once, when no other thread uses it.
#[allow(non_camel_case_types)]
pub struct lcs_body {
    body: SessionBody,
}

impl lcs_body {
    /// Wraps a retrieved body.
    pub(crate) fn new(body: SessionBody) -> Self {
        lcs_body { body }
    }

    /// The body it wraps.
    pub(crate) fn session_body(&self) -> &SessionBody {
        &self.body
    }
}

/// Borrows the body behind a handle.
///
/// # Safety
/// `body` is NULL or a live handle from `lcs_client_retrieve`.
unsafe fn body_ref<'a>(body: *const lcs_body) -> Result<&'a SessionBody, lcs_result> {
    // SAFETY: forwarded contract.
    unsafe { ptr::borrow(body) }.map(|b| &b.body)
}

/// Frees a body. NULL is allowed and does nothing. Every view of its bytes dies with it, so
/// free any session parsed from it first.
///
/// # Safety
/// `body` is NULL or was returned by `lcs_client_retrieve` and not yet freed; no session,
/// view or thread uses it afterwards.
#[no_mangle]
pub unsafe extern "C" fn lcs_body_free(body: *mut lcs_body) {
    guard(|| {
        if !body.is_null() {
            // SAFETY: `body` came from `Box::into_raw` in `lcs_client_retrieve` and is freed
            // only once (caller's contract).
            drop(unsafe { Box::from_raw(body) });
        }
    })
}

/// Writes a view of the body's bytes, exactly as received (normally UTF-8 JSON, not
/// NUL-terminated): `*out_len` bytes at `*out_data`. `*out_data` is never NULL, even for an
/// empty body. The bytes are valid and unchanged until `lcs_body_free`; they can be passed
/// to `lcs_session_parse`, and the session then borrows them (free it before the body).
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`; both out-params are written only on success.
///
/// # Safety
/// `body` is NULL or a live body; `out_data` and `out_len` are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_body_bytes(
    body: *const lcs_body,
    out_data: *mut *const u8,
    out_len: *mut usize,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `body`.
        let b = unsafe { body_ref(body) }?;
        let (data, len) = (Out::new(out_data)?, Out::new(out_len)?);
        let bytes = b.as_bytes();
        let ptr = if bytes.is_empty() {
            &raw const EMPTY
        } else {
            bytes.as_ptr()
        };
        // SAFETY: both are writable (caller's contract).
        unsafe {
            data.write(ptr);
            len.write(bytes.len());
        }
        Ok(())
    })
}

/// Writes the HTTP status of the response (a 2xx) to `*out_status`.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `body` is NULL or a live body; `out_status` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_body_status(
    body: *const lcs_body,
    out_status: *mut u16,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `body`.
        let b = unsafe { body_ref(body) }?;
        let out = Out::new(out_status)?;
        // SAFETY: writable (caller's contract).
        unsafe { out.write(b.status()) };
        Ok(())
    })
}

/// Writes whether the server sent an `x-request-id` header to `*out_present`, and its value
/// (empty when absent; valid until `lcs_body_free`) to `*out_id`.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`; the out-params are written only on success.
///
/// # Safety
/// `body` is NULL or a live body; `out_present` and `out_id` are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_body_request_id(
    body: *const lcs_body,
    out_present: *mut bool,
    out_id: *mut lcs_str,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `body`.
        let b = unsafe { body_ref(body) }?;
        let (present, id) = (Out::new(out_present)?, Out::new(out_id)?);
        let value = b.request_id();
        // SAFETY: writable (caller's contract).
        unsafe {
            present.write(value.is_some());
            id.write(lcs_str::new(value.unwrap_or_default().as_bytes()));
        }
        Ok(())
    })
}

/// Writes the URL that was requested (valid until `lcs_body_free`) to `*out_url`.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `body` is NULL or a live body; `out_url` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_body_url(body: *const lcs_body, out_url: *mut lcs_str) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `body`.
        let b = unsafe { body_ref(body) }?;
        let out = Out::new(out_url)?;
        // SAFETY: writable (caller's contract).
        unsafe { out.write(lcs_str::new(b.url().as_bytes())) };
        Ok(())
    })
}

/// Decodes the body like `lcs_session_parse` (whole-document validation, default nesting
/// limit) and stores the session in `*out_session`; the error, when the body is not a valid
/// session, is a client error naming the request (`GET "<url>": the response is not a valid
/// session: ... (request id X)`) with the decoder's position in its details.
///
/// Returns `LCS_OK`; `LCS_NULL_ARGUMENT`; or `LCS_CLIENT_INVALID_BODY` with a new error in
/// `*out_error` when `out_error` is not NULL (`has_decode_error` set, `decode_error` as
/// `lcs_session_parse` would fill it). `*out_session` is written only on success,
/// `*out_error` only on failure with `LCS_CLIENT_INVALID_BODY`.
///
/// **Ownership:** the caller owns the session (free with `lcs_session_free`), which BORROWS
/// the body: free the session before the body.
///
/// # Safety
/// `body` is NULL or a live body that outlives the session; `out_session` and `out_error`
/// are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_body_parse(
    body: *const lcs_body,
    out_session: *mut *mut lcs_session,
    out_error: *mut *mut lcs_client_error,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `body`.
        let b = unsafe { body_ref(body) }?;
        let out = Out::new(out_session)?;
        // SAFETY: the body's bytes live in its heap buffer, which never moves or changes
        // while the body lives, and the caller keeps the body alive until the session is
        // freed: that is what the `'static` stands for (as in `lcs_session_parse`).
        let input: &'static [u8] =
            unsafe { core::slice::from_raw_parts(b.as_bytes().as_ptr(), b.as_bytes().len()) };
        let mut handle = lcs_session::empty();
        match handle.session.parse_into(input, ParseOptions::default()) {
            Ok(()) => {
                let handle = Box::into_raw(handle);
                // SAFETY: `out_session` is writable (caller's contract).
                unsafe { out.write(handle) };
                Ok(())
            }
            Err(e) => {
                let error = b.invalid(e);
                // SAFETY: `out_error` is NULL or writable (caller's contract).
                Err(unsafe { lcs_client_error::report(&error, out_error) })
            }
        }
    })
}

/// The caller's path bytes as a path (any bytes on Unix; UTF-8 elsewhere).
fn path_of(bytes: &[u8]) -> Result<std::path::PathBuf, lcs_result> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(std::ffi::OsStr::from_bytes(bytes).into())
    }
    #[cfg(not(unix))]
    {
        core::str::from_utf8(bytes)
            .map(Into::into)
            .map_err(|_| lcs_result::LCS_INVALID_ARGUMENT)
    }
}

/// Saves the body, byte for byte, as a dump file at `path` (`path_len` bytes, not
/// NUL-terminated; any bytes on Unix, UTF-8 elsewhere), for later offline parsing.
/// Symbolic links at `path` are followed and kept; what they lead to decides the rest:
///
/// - nothing, or an existing regular file: the dump is written under a temporary name in
///   the same directory, then renamed into place, so the file never holds a partial dump;
///   an existing file is replaced and (on Unix) keeps its permissions. A dangling link gets
///   its target created this way;
/// - a FIFO, device or other non-regular file (Unix; e.g. `/dev/stdout` leading to a pipe):
///   the bytes are written straight into it, nothing is created or renamed (opening a FIFO
///   waits for a reader);
/// - a directory: `LCS_CLIENT_IO`, nothing is written.
///
/// Returns `LCS_OK`; `LCS_NULL_ARGUMENT`; `LCS_INVALID_ARGUMENT` for an empty path (nothing
/// is written); or `LCS_CLIENT_IO` with a new error in `*out_error` when `out_error` is not
/// NULL (its message names the path and the system error).
///
/// # Safety
/// `body` is NULL or a live body; `path` is NULL or has `path_len` readable bytes;
/// `out_error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_body_save(
    body: *const lcs_body,
    path: *const c_char,
    path_len: usize,
    out_error: *mut *mut lcs_client_error,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `body` and `path`.
        let (b, path) = unsafe { (body_ref(body)?, ptr::chars(path, path_len)?) };
        if path.is_empty() {
            return Err(lcs_result::LCS_INVALID_ARGUMENT);
        }
        b.save(path_of(path)?).map_err(|e| {
            // SAFETY: `out_error` is NULL or writable (caller's contract).
            unsafe { lcs_client_error::report(&e, out_error) }
        })
    })
}
