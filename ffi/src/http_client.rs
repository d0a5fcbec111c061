//! `lcs_client`: the blocking Get Full Session client (`crate::client::Client`) for C.
//!
//! The handle holds the caller's explicit settings and, once resolved, the Rust client.
//! Resolution (explicit settings, then the environment, then the defaults) happens at the
//! first `lcs_client_build` or `lcs_client_retrieve` after the last setter call, and is
//! cached until a setter changes something: a configuration error (no API key, a bad base
//! URL, ...) is reported by that call before any request is made.

use core::ffi::{c_char, c_void};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use lcsession_core::ParseOptions;

use crate::client::{Client, ClientBuilder, ClientError, RetrieveOptions, Revisits};
use crate::event::VisitedEvent;
use crate::http_body::lcs_body;
use crate::http_error::lcs_client_error;
use crate::panic::{call, guard};
use crate::ptr::{self, Out};
use crate::result::lcs_result;
use crate::session::{lcs_event_visitor, lcs_session};

/// The explicit settings of a client (what the setters stored).
#[derive(Clone)]
struct Settings {
    api_key: Option<String>,
    base_url: Option<String>,
    headers: Vec<(String, String)>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    max_retries: Option<u32>,
    max_body_bytes: Option<u64>,
    use_environment: bool,
    /// Only ever true in builds with the `platform-verifier` feature.
    platform_roots: bool,
}

impl Settings {
    /// The Rust builder for these settings.
    fn builder(&self) -> ClientBuilder {
        let mut b = Client::builder();
        if let Some(key) = &self.api_key {
            b = b.api_key(key.clone());
        }
        if let Some(url) = &self.base_url {
            b = b.base_url(url.clone());
        }
        for (name, value) in &self.headers {
            b = b.header(name.clone(), value.clone());
        }
        if let Some(t) = self.timeout {
            b = b.timeout(t);
        }
        if let Some(t) = self.connect_timeout {
            b = b.connect_timeout(t);
        }
        if let Some(n) = self.max_retries {
            b = b.max_retries(n);
        }
        if let Some(n) = self.max_body_bytes {
            b = b.max_body_bytes(n);
        }
        if !self.use_environment {
            b = b.env(|_| None);
        }
        #[cfg(feature = "platform-verifier")]
        {
            b = b.platform_roots(self.platform_roots);
        }
        b
    }
}

/// A blocking client for `GET /api/v1/chat/{session_id}` ("Get Full Session"), behaving like
/// the official LlamaCloud SDKs (configuration from the environment, retries with backoff
/// that obey the server's hints, one error code per HTTP status class). Opaque; create it
/// with `lcs_client_new`, configure it with the `lcs_client_set_*` functions, fetch with
/// `lcs_client_retrieve`, free it with `lcs_client_free`.
///
/// **Configuration:** each setting is, in order, the value set explicitly, else the
/// environment (`LLAMA_CLOUD_API_KEY` then `LLAMA_PARSE_API_KEY`, `LLAMA_CLOUD_BASE_URL`,
/// `LLAMA_CLOUD_CUSTOM_HEADERS`; disable with `lcs_client_set_use_environment`), else the
/// default. It is resolved at the first `lcs_client_build` or `lcs_client_retrieve` after the
/// last setter call (so the environment is read then, not at `lcs_client_new`).
///
/// **Thread-safety:** the setters and `lcs_client_free` need exclusive access (no other call
/// on the same client at the same time). `lcs_client_build` and `lcs_client_retrieve` may be
/// called from any number of threads at once; connections are pooled and reused.
#[allow(non_camel_case_types)]
pub struct lcs_client {
    settings: Settings,
    resolved: Mutex<Option<Client>>,
}

impl lcs_client {
    /// The resolved client, building (and caching) it when needed.
    fn resolve(&self) -> Result<Client, ClientError> {
        let mut slot = self.resolved.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(client) = slot.as_ref() {
            return Ok(client.clone());
        }
        let client = self.settings.builder().build()?;
        *slot = Some(client.clone());
        Ok(client)
    }

    /// Changes the settings and forgets the resolved client.
    fn update(&mut self, change: impl FnOnce(&mut Settings)) {
        change(&mut self.settings);
        *self
            .resolved
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }
}

/// The caller's `(text, len)` as UTF-8: NULL is `LCS_NULL_ARGUMENT` (even with `len` 0),
/// invalid UTF-8 is `LCS_INVALID_ARGUMENT`.
///
/// # Safety
/// As for `ptr::bytes`.
pub(crate) unsafe fn utf8<'a>(text: *const c_char, len: usize) -> Result<&'a str, lcs_result> {
    // SAFETY: forwarded contract.
    let bytes = unsafe { ptr::chars(text, len) }?;
    core::str::from_utf8(bytes).map_err(|_| lcs_result::LCS_INVALID_ARGUMENT)
}

/// [`utf8`], except that NULL means "not given".
///
/// # Safety
/// As for `ptr::bytes`.
unsafe fn optional_utf8<'a>(
    text: *const c_char,
    len: usize,
) -> Result<Option<&'a str>, lcs_result> {
    if text.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { utf8(text, len) }.map(Some)
}

/// Creates a client with nothing set explicitly (everything from the environment and the
/// defaults, resolved later: see `lcs_client`) and stores it in `*out_client`. Nothing is
/// read or checked yet, so this cannot fail on configuration.
///
/// Defaults: base URL `https://api.cloud.llamaindex.ai`, timeout 60 s per attempt, connect
/// timeout 5 s, 2 retries, bodies up to 256 MiB.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`; `*out_client` is written only on success.
///
/// **Ownership:** the caller owns the client and must pass it to `lcs_client_free`.
///
/// # Safety
/// `out_client` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_client_new(out_client: *mut *mut lcs_client) -> lcs_result {
    call(|| {
        let out = Out::new(out_client)?;
        let client = lcs_client {
            settings: Settings {
                api_key: None,
                base_url: None,
                headers: Vec::new(),
                timeout: None,
                connect_timeout: None,
                max_retries: None,
                max_body_bytes: None,
                use_environment: true,
                platform_roots: false,
            },
            resolved: Mutex::new(None),
        };
        // SAFETY: `out_client` is writable (caller's contract).
        unsafe { out.write(Box::into_raw(Box::new(client))) };
        Ok(())
    })
}

/// Frees a client and its idle connections. NULL is allowed and does nothing. Bodies and
/// errors it returned are independent of it and stay valid.
///
/// # Safety
/// `client` is NULL or was returned by `lcs_client_new` and not yet freed; no other thread
/// uses it.
#[no_mangle]
pub unsafe extern "C" fn lcs_client_free(client: *mut lcs_client) {
    guard(|| {
        if !client.is_null() {
            // SAFETY: `client` came from `Box::into_raw` in `lcs_client_new` and is freed only
            // once (caller's contract).
            drop(unsafe { Box::from_raw(client) });
        }
    })
}

/// Runs a setter: borrows the client mutably and applies `change`.
///
/// # Safety
/// `client` is NULL or a live client not used by another thread during the call.
unsafe fn set(
    client: *mut lcs_client,
    change: impl FnOnce(&mut Settings) -> Result<(), lcs_result>,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `client`.
        let c = unsafe { ptr::borrow_mut(client) }?;
        let mut settings = c.settings.clone();
        change(&mut settings)?;
        c.update(|s| *s = settings);
        Ok(())
    })
}

/// Sets the API key (`len` bytes of UTF-8 at `key`, copied), sent as
/// `Authorization: Bearer <key>`. It replaces `LLAMA_CLOUD_API_KEY` / `LLAMA_PARSE_API_KEY`.
/// An empty key gives `LCS_CLIENT_MISSING_API_KEY` when the client is resolved; a key with
/// characters not allowed in an HTTP header gives `LCS_CLIENT_INVALID_CONFIG`. The key never
/// appears in any error.
///
/// Returns `LCS_OK`, `LCS_NULL_ARGUMENT` (`client` or `key` NULL, even with `len` 0) or
/// `LCS_INVALID_ARGUMENT` (not UTF-8); on failure the client is unchanged.
///
/// # Safety
/// `client` is a live client used by no other thread during the call; `key` has `len`
/// readable bytes.
#[no_mangle]
pub unsafe extern "C" fn lcs_client_set_api_key(
    client: *mut lcs_client,
    key: *const c_char,
    len: usize,
) -> lcs_result {
    // SAFETY: the caller's contract on `client`.
    unsafe {
        set(client, |s| {
            // SAFETY: the caller's contract on `key`.
            s.api_key = Some(utf8(key, len)?.to_owned());
            Ok(())
        })
    }
}

/// Sets the base URL (`http://` or `https://`, copied; trailing slashes are ignored),
/// replacing `LLAMA_CLOUD_BASE_URL`. An unusable URL gives `LCS_CLIENT_INVALID_CONFIG` when
/// the client is resolved.
///
/// Returns `LCS_OK`, `LCS_NULL_ARGUMENT` or `LCS_INVALID_ARGUMENT` (not UTF-8); on failure
/// the client is unchanged.
///
/// # Safety
/// `client` is a live client used by no other thread during the call; `url` has `len`
/// readable bytes.
#[no_mangle]
pub unsafe extern "C" fn lcs_client_set_base_url(
    client: *mut lcs_client,
    url: *const c_char,
    len: usize,
) -> lcs_result {
    // SAFETY: the caller's contract on `client`.
    unsafe {
        set(client, |s| {
            // SAFETY: the caller's contract on `url`.
            s.base_url = Some(utf8(url, len)?.to_owned());
            Ok(())
        })
    }
}

/// Adds a header sent with every request (name and value copied). It replaces a header of
/// the same name (compared case-insensitively) that the client or
/// `LLAMA_CLOUD_CUSTOM_HEADERS` sets; adding the same name twice sends the last value. An
/// invalid name (not an HTTP token) or value (control characters) gives
/// `LCS_CLIENT_INVALID_CONFIG` when the client is resolved.
///
/// Returns `LCS_OK`, `LCS_NULL_ARGUMENT` or `LCS_INVALID_ARGUMENT` (not UTF-8); on failure
/// the client is unchanged.
///
/// # Safety
/// `client` is a live client used by no other thread during the call; `name` and `value`
/// have `name_len` and `value_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn lcs_client_add_header(
    client: *mut lcs_client,
    name: *const c_char,
    name_len: usize,
    value: *const c_char,
    value_len: usize,
) -> lcs_result {
    // SAFETY: the caller's contract on `client`.
    unsafe {
        set(client, |s| {
            // SAFETY: the caller's contract on `name` and `value`.
            let (name, value) = (utf8(name, name_len)?, utf8(value, value_len)?);
            s.headers.push((name.to_owned(), value.to_owned()));
            Ok(())
        })
    }
}

/// Sets the timeout of one attempt, from connecting to the last byte of the body, in
/// milliseconds (default 60000). 0 gives `LCS_CLIENT_INVALID_CONFIG` when the client is
/// resolved.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `client` is a live client used by no other thread during the call.
#[no_mangle]
pub unsafe extern "C" fn lcs_client_set_timeout_ms(client: *mut lcs_client, ms: u64) -> lcs_result {
    // SAFETY: the caller's contract on `client`.
    unsafe {
        set(client, |s| {
            s.timeout = Some(Duration::from_millis(ms));
            Ok(())
        })
    }
}

/// Sets the timeout for establishing a connection, in milliseconds (default 5000). 0 gives
/// `LCS_CLIENT_INVALID_CONFIG` when the client is resolved.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `client` is a live client used by no other thread during the call.
#[no_mangle]
pub unsafe extern "C" fn lcs_client_set_connect_timeout_ms(
    client: *mut lcs_client,
    ms: u64,
) -> lcs_result {
    // SAFETY: the caller's contract on `client`.
    unsafe {
        set(client, |s| {
            s.connect_timeout = Some(Duration::from_millis(ms));
            Ok(())
        })
    }
}

/// Sets how many times a failed attempt is retried (attempts = `retries + 1`; default 2).
/// Retried: connection errors, timeouts, 408, 409, 429 and 5xx (or as `x-should-retry`
/// says), after `retry-after-ms` / `retry-after` when the server sends one (up to 60 s), else
/// after 0.5 s, 1 s, 2 s, ... (at most 8 s, with jitter).
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `client` is a live client used by no other thread during the call.
#[no_mangle]
pub unsafe extern "C" fn lcs_client_set_max_retries(
    client: *mut lcs_client,
    retries: u32,
) -> lcs_result {
    // SAFETY: the caller's contract on `client`.
    unsafe {
        set(client, |s| {
            s.max_retries = Some(retries);
            Ok(())
        })
    }
}

/// Sets the largest response body accepted, in bytes (default 256 MiB); a larger one fails
/// with `LCS_CLIENT_TOO_LARGE` without being read whole.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `client` is a live client used by no other thread during the call.
#[no_mangle]
pub unsafe extern "C" fn lcs_client_set_max_body_bytes(
    client: *mut lcs_client,
    bytes: u64,
) -> lcs_result {
    // SAFETY: the caller's contract on `client`.
    unsafe {
        set(client, |s| {
            s.max_body_bytes = Some(bytes);
            Ok(())
        })
    }
}

/// Whether the environment variables are read (default true). With false, nothing comes
/// from the environment: the API key must be set with `lcs_client_set_api_key`, and the
/// base URL is the one set or the default.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `client` is a live client used by no other thread during the call.
#[no_mangle]
pub unsafe extern "C" fn lcs_client_set_use_environment(
    client: *mut lcs_client,
    use_environment: bool,
) -> lcs_result {
    // SAFETY: the caller's contract on `client`.
    unsafe {
        set(client, |s| {
            s.use_environment = use_environment;
            Ok(())
        })
    }
}

/// Whether servers are verified with the operating system's certificate store (true; e.g.
/// for a corporate CA) instead of the Mozilla roots bundled in the library (false, the
/// default). The OS store needs a library built with the `platform-verifier` Cargo feature
/// (`cargo build -p lcsession --release --features platform-verifier`); other builds
/// return `LCS_UNSUPPORTED` for true and change nothing.
///
/// Returns `LCS_OK`, `LCS_NULL_ARGUMENT` or `LCS_UNSUPPORTED`.
///
/// # Safety
/// `client` is a live client used by no other thread during the call.
#[no_mangle]
pub unsafe extern "C" fn lcs_client_set_platform_roots(
    client: *mut lcs_client,
    platform_roots: bool,
) -> lcs_result {
    // SAFETY: the caller's contract on `client`.
    unsafe {
        set(client, |s| {
            if platform_roots && !cfg!(feature = "platform-verifier") {
                return Err(lcs_result::LCS_UNSUPPORTED);
            }
            s.platform_roots = platform_roots;
            Ok(())
        })
    }
}

/// Resolves the configuration now (explicit settings, environment, defaults) without making
/// a request, to report a configuration error early. Optional: `lcs_client_retrieve` does it
/// when needed. The result is cached until a setter is called.
///
/// Returns `LCS_OK`, `LCS_NULL_ARGUMENT`, or `LCS_CLIENT_MISSING_API_KEY` /
/// `LCS_CLIENT_INVALID_CONFIG` with a new error in `*out_error` when `out_error` is not
/// NULL (free it with `lcs_client_error_free`).
///
/// Thread-safe (may run concurrently with `lcs_client_retrieve` on the same client).
///
/// # Safety
/// `client` is NULL or a live client; `out_error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_client_build(
    client: *const lcs_client,
    out_error: *mut *mut lcs_client_error,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `client`.
        let c = unsafe { ptr::borrow(client) }?;
        match c.resolve() {
            Ok(_) => Ok(()),
            // SAFETY: `out_error` is NULL or writable (caller's contract).
            Err(e) => Err(unsafe { lcs_client_error::report(&e, out_error) }),
        }
    })
}

/// The arguments of a retrieve call, checked.
struct Request<'a> {
    client: &'a lcs_client,
    id: &'a str,
    options: RetrieveOptions,
}

impl<'a> Request<'a> {
    /// Reads the C arguments of `lcs_client_retrieve*`: the client, the session id (UTF-8,
    /// required) and the optional organization and project ids (NULL to omit).
    ///
    /// # Safety
    /// `client` is NULL or a live client; each text pointer is NULL or has its length of
    /// readable bytes that outlive `'a`.
    unsafe fn from_c(
        client: *const lcs_client,
        session_id: (*const c_char, usize),
        organization_id: (*const c_char, usize),
        project_id: (*const c_char, usize),
    ) -> Result<Self, lcs_result> {
        // SAFETY: forwarded contract.
        unsafe {
            Ok(Request {
                client: ptr::borrow(client)?,
                id: utf8(session_id.0, session_id.1)?,
                options: RetrieveOptions {
                    organization_id: optional_utf8(organization_id.0, organization_id.1)?
                        .map(str::to_owned),
                    project_id: optional_utf8(project_id.0, project_id.1)?.map(str::to_owned),
                },
            })
        }
    }

    /// Runs `fetch` with the resolved client; a client error (of the configuration or of
    /// `fetch`) is reported into `*out_error`, as every `lcs_client_retrieve*` documents.
    ///
    /// # Safety
    /// `out_error` is NULL or writable.
    unsafe fn run<T>(
        &self,
        out_error: *mut *mut lcs_client_error,
        fetch: impl FnOnce(&Client) -> Result<T, ClientError>,
    ) -> Result<T, lcs_result> {
        // SAFETY: `out_error` is NULL or writable (forwarded contract).
        let report = |e: ClientError| unsafe { lcs_client_error::report(&e, out_error) };
        let client = self.client.resolve().map_err(report)?;
        fetch(&client).map_err(report)
    }
}

/// Fetches a session: `GET {base}/api/v1/chat/{session_id}` with the optional
/// `organization_id` and `project_id` query parameters, retrying as configured, and stores
/// the body (not yet decoded) in `*out_body`. Decode it with `lcs_body_parse`, or pass
/// `lcs_body_bytes` to `lcs_session_parse`; save it with `lcs_body_save`.
///
/// `session_id` (`session_id_len` bytes of UTF-8, required) is sent percent-encoded as one
/// path segment; an empty id, `.` and `..` give `LCS_CLIENT_INVALID_SESSION_ID` before any
/// request. `organization_id` and `project_id` are NULL to omit the parameter (the length
/// is then ignored), else UTF-8 text sent as given (an empty text sends an empty value).
///
/// Blocks until the body has arrived or the last attempt has failed: up to
/// (`max_retries` + 1) × timeout, plus the delays between attempts.
///
/// Returns `LCS_OK`; `LCS_NULL_ARGUMENT` (`client`, `session_id` or `out_body` NULL) or
/// `LCS_INVALID_ARGUMENT` (text not UTF-8), with no request made; or a client error
/// (300–399), with the details in a new `*out_error` when `out_error` is not NULL.
/// `*out_body` is written only on success, `*out_error` only on a 3xx failure.
///
/// **Ownership:** the caller owns the body (free with `lcs_body_free`) or the error (free
/// with `lcs_client_error_free`); both are independent of the client.
///
/// Thread-safe: any number of threads may retrieve through the same client at once.
///
/// # Safety
/// `client` is NULL or a live client; each text pointer is NULL or has its length of
/// readable bytes; `out_body` and `out_error` are NULL or writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn lcs_client_retrieve(
    client: *const lcs_client,
    session_id: *const c_char,
    session_id_len: usize,
    organization_id: *const c_char,
    organization_id_len: usize,
    project_id: *const c_char,
    project_id_len: usize,
    out_body: *mut *mut lcs_body,
    out_error: *mut *mut lcs_client_error,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on every pointer argument.
        let request = unsafe {
            Request::from_c(
                client,
                (session_id, session_id_len),
                (organization_id, organization_id_len),
                (project_id, project_id_len),
            )
        }?;
        let out = Out::new(out_body)?;
        // SAFETY: `out_error` is NULL or writable (caller's contract).
        let body = unsafe { request.run(out_error, |c| c.retrieve(request.id, &request.options)) }?;
        let handle = Box::into_raw(Box::new(lcs_body::new(body)));
        // SAFETY: `out_body` is writable (caller's contract).
        unsafe { out.write(handle) };
        Ok(())
    })
}

/// Fetches a session like `lcs_client_retrieve` and decodes it while it arrives, like
/// `lcs_body_parse` (default nesting limit) but in one pass: `visitor` gets each event as
/// soon as it is whole, while the rest of the body is still on its way. A large body (2 MiB
/// or more with a `Content-Length`, on Linux) is received on a short-lived helper thread
/// while the calling thread decodes (when no thread can be started, the body is received
/// first, then decoded); `visitor` always runs on the calling thread.
///
/// On success stores the body in `*out_body` and the session in `*out_session`. Retries are
/// those of `lcs_client_retrieve`, except that a body that fails after some of its events were
/// visited is not fetched again (the error message says how many were). When the body is not
/// a valid session the result is `LCS_CLIENT_INVALID_BODY` as from `lcs_body_parse`
/// (`decode_error` with offset, line and column), and `visitor` may have seen the events
/// before the error.
///
/// Returns `LCS_OK`; `LCS_NULL_ARGUMENT` (`client`, `session_id`, `visitor`, `out_body` or
/// `out_session` NULL) or `LCS_INVALID_ARGUMENT` (text not UTF-8), with no request made; or
/// a client error (300–399), with the details in a new `*out_error` when `out_error` is not
/// NULL. `*out_body` and `*out_session` are written only on success, `*out_error` only on a
/// 3xx failure.
///
/// **Ownership:** the caller owns the body (free with `lcs_body_free`) and the session (free
/// with `lcs_session_free`), which BORROWS the body: free the session before the body. Or
/// the error (free with `lcs_client_error_free`).
///
/// # Safety
/// As for `lcs_client_retrieve`; `visitor` follows the rules of `lcs_event_visitor` (the
/// event's views point into the body); `out_session` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_client_retrieve_visiting(
    client: *const lcs_client,
    session_id: *const c_char,
    session_id_len: usize,
    organization_id: *const c_char,
    organization_id_len: usize,
    project_id: *const c_char,
    project_id_len: usize,
    visitor: lcs_event_visitor,
    user_data: *mut c_void,
    out_body: *mut *mut lcs_body,
    out_session: *mut *mut lcs_session,
    out_error: *mut *mut lcs_client_error,
) -> lcs_result {
    call(|| {
        let visitor = visitor.ok_or(lcs_result::LCS_NULL_ARGUMENT)?;
        // SAFETY: the caller's contract on every pointer argument.
        let request = unsafe {
            Request::from_c(
                client,
                (session_id, session_id_len),
                (organization_id, organization_id_len),
                (project_id, project_id_len),
            )
        }?;
        let out_body = Out::new(out_body)?;
        let out_session = Out::new(out_session)?;
        // One C event, rewritten in place for each event.
        let mut c_event = VisitedEvent::new();
        let mut visit = |event: &lcsession_core::Event<'_>| {
            let c_event = c_event.update(event);
            // SAFETY: the caller supplied a valid function that returns normally; the event
            // pointer is valid for the duration of the call, as documented.
            unsafe { visitor(user_data, c_event) };
        };
        let fetch = |c: &Client| {
            let (body, pending) = c.receive_pending(
                request.id,
                &request.options,
                ParseOptions::default(),
                Revisits::Refused,
                &mut visit,
            )?;
            // The body goes to its handle before its last piece is decoded, so that the
            // session borrows it where it will stay.
            let body = Box::into_raw(Box::new(lcs_body::new(body)));
            // SAFETY: a fresh allocation, neither moved nor mutated until it is freed: below
            // on failure, or by the caller after the session (documented), which is the
            // `'static` of `lcs_body_parse`.
            let kept: &'static lcs_body = unsafe { &*body };
            // Decoded into its handle in place: a `CSession` (26 KiB) returned by value
            // would be copied through each layer.
            let mut session = lcs_session::empty();
            match pending.finish_into(kept.session_body(), &mut session.session, &mut visit) {
                Ok(()) => Ok((body, session)),
                Err(e) => {
                    // SAFETY: from `Box::into_raw` above; `kept` is not used again.
                    drop(unsafe { Box::from_raw(body) });
                    Err(e)
                }
            }
        };
        // SAFETY: `out_error` is NULL or writable (caller's contract).
        let (body, session) = unsafe { request.run(out_error, fetch) }?;
        let session = Box::into_raw(session);
        // SAFETY: both are writable (caller's contract).
        unsafe {
            out_body.write(body);
            out_session.write(session);
        }
        Ok(())
    })
}
