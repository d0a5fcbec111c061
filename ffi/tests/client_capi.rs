//! The C ABI of the HTTP client (`lcs_client_*`, `lcs_body_*`, `lcs_client_error_*`) called
//! from Rust against loopback `lcsession_testserver` servers: NULL for every pointer
//! argument, zero lengths, invalid UTF-8, out-params untouched on failure, the error details
//! of each failure class, body bytes through `lcs_session_parse`, saving, and the API key
//! absent from every detail.
//!
//! Every client here reads nothing from the environment (`lcs_client_set_use_environment`
//! false) so the results do not depend on the shell running the tests; the environment path
//! is covered by `examples.rs` (fetch.c run as a child process). Retries use
//! `retry-after-ms: 1` or `max_retries` 0, so nothing waits for the default backoff.
//! Under Miri (no sockets) only the tests that make no request run.

use std::ffi::{c_char, CStr};
use std::mem::MaybeUninit;
use std::ptr::{null, null_mut};
use std::time::{Duration, Instant};

use lcsession::*;
use lcsession_testserver::{BodyMode, Reply, Server};

const SAMPLE: &[u8] = include_bytes!("../../examples/data/sample-session.json");
const KEY: &str = "llx-capi-secret-key-9f8e7d6c";

/// A dangling, recognisable pointer: out-params are pre-filled with it to prove they were
/// not written.
fn sentinel<T>() -> *mut T {
    std::ptr::without_provenance_mut(0x5a5a_5a50)
}

/// An owned `lcs_client`.
struct Client(*mut lcs_client);

impl Drop for Client {
    fn drop(&mut self) {
        unsafe { lcs_client_free(self.0) }
    }
}

impl Client {
    /// A client for `base_url` with the test key, no environment, no retries.
    fn new(base_url: &str) -> Client {
        let c = Client::bare();
        c.set(lcs_client_set_api_key, KEY);
        c.set(lcs_client_set_base_url, base_url);
        assert_eq!(
            unsafe { lcs_client_set_max_retries(c.0, 0) },
            lcs_result::LCS_OK
        );
        c
    }

    /// A client with nothing set but "no environment".
    fn bare() -> Client {
        let mut p = sentinel();
        assert_eq!(unsafe { lcs_client_new(&mut p) }, lcs_result::LCS_OK);
        assert!(!p.is_null() && p != sentinel());
        assert_eq!(
            unsafe { lcs_client_set_use_environment(p, false) },
            lcs_result::LCS_OK
        );
        Client(p)
    }

    fn set(
        &self,
        f: unsafe extern "C" fn(*mut lcs_client, *const c_char, usize) -> lcs_result,
        text: &str,
    ) {
        assert_eq!(
            unsafe { f(self.0, text.as_ptr().cast(), text.len()) },
            lcs_result::LCS_OK
        );
    }

    fn retrieve(&self, id: &str) -> Result<Body, (lcs_result, Error)> {
        self.retrieve_with(id, None, None)
    }

    fn retrieve_with(
        &self,
        id: &str,
        org: Option<&str>,
        project: Option<&str>,
    ) -> Result<Body, (lcs_result, Error)> {
        let (org_ptr, org_len) = org.map_or((null(), 0), |s| (s.as_ptr().cast(), s.len()));
        let (pr_ptr, pr_len) = project.map_or((null(), 0), |s| (s.as_ptr().cast(), s.len()));
        let mut body = sentinel();
        let mut err = sentinel();
        let r = unsafe {
            lcs_client_retrieve(
                self.0,
                id.as_ptr().cast(),
                id.len(),
                org_ptr,
                org_len,
                pr_ptr,
                pr_len,
                &mut body,
                &mut err,
            )
        };
        if r == lcs_result::LCS_OK {
            assert_eq!(err, sentinel(), "out_error written on success");
            assert!(!body.is_null() && body != sentinel());
            Ok(Body(body))
        } else {
            assert_eq!(body, sentinel(), "out_body written on failure");
            assert!(r.is_client(), "{r:?}");
            assert!(!err.is_null() && err != sentinel(), "no error for {r:?}");
            Err((r, Error(err)))
        }
    }

    fn build(&self) -> Result<(), (lcs_result, Error)> {
        let mut err = sentinel();
        let r = unsafe { lcs_client_build(self.0, &mut err) };
        if r == lcs_result::LCS_OK {
            assert_eq!(err, sentinel());
            Ok(())
        } else {
            Err((r, Error(err)))
        }
    }
}

/// An owned `lcs_body`.
struct Body(*mut lcs_body);

impl Drop for Body {
    fn drop(&mut self) {
        unsafe { lcs_body_free(self.0) }
    }
}

impl Body {
    fn bytes(&self) -> &[u8] {
        let mut data = null();
        let mut len = 0;
        assert_eq!(
            unsafe { lcs_body_bytes(self.0, &mut data, &mut len) },
            lcs_result::LCS_OK
        );
        assert!(!data.is_null());
        unsafe { std::slice::from_raw_parts(data, len) }
    }

    fn parse(&self) -> Result<*mut lcs_session, (lcs_result, Error)> {
        let mut session = sentinel();
        let mut err = sentinel();
        let r = unsafe { lcs_body_parse(self.0, &mut session, &mut err) };
        if r == lcs_result::LCS_OK {
            assert_eq!(err, sentinel());
            Ok(session)
        } else {
            assert_eq!(session, sentinel(), "out_session written on failure");
            Err((r, Error(err)))
        }
    }
}

/// An owned `lcs_client_error`.
struct Error(*mut lcs_client_error);

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.details())
    }
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Body({} bytes)", self.bytes().len())
    }
}

impl Drop for Error {
    fn drop(&mut self) {
        unsafe { lcs_client_error_free(self.0) }
    }
}

/// The details of an error, copied into Rust strings.
#[derive(Debug)]
struct Details {
    code: lcs_result,
    kind: String,
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

fn text(s: lcs_str) -> String {
    assert!(!s.data.is_null());
    let bytes = unsafe { std::slice::from_raw_parts(s.data.cast::<u8>(), s.len) };
    std::str::from_utf8(bytes).expect("UTF-8 view").to_owned()
}

impl Error {
    fn details(&self) -> Details {
        let mut info = MaybeUninit::<lcs_client_error_info>::uninit();
        assert_eq!(
            unsafe { lcs_client_error_details(self.0, info.as_mut_ptr()) },
            lcs_result::LCS_OK
        );
        let i = unsafe { info.assume_init() };
        if !i.has_request_id {
            assert_eq!(i.request_id.len, 0);
        }
        if !i.has_body {
            assert_eq!(i.body.len, 0);
        }
        if !i.has_decode_error {
            assert_eq!(i.decode_error.code, lcs_result::LCS_OK);
        }
        let d = Details {
            code: i.code,
            kind: text(i.kind),
            status: i.status,
            attempts: i.attempts,
            message: text(i.message),
            reason: text(i.reason),
            request: text(i.request),
            request_id: i.has_request_id.then(|| text(i.request_id)),
            body: i.has_body.then(|| text(i.body)),
            body_truncated: i.body_truncated,
            decode: i.has_decode_error.then_some(i.decode_error),
        };
        // The key never appears in any detail.
        for s in [&d.kind, &d.message, &d.reason, &d.request]
            .into_iter()
            .chain(d.request_id.as_ref())
            .chain(d.body.as_ref())
        {
            assert!(!s.contains(KEY), "the API key leaked: {s:?}");
            assert!(!s.contains("capi-secret"), "part of the key leaked: {s:?}");
        }
        if let Some(decode) = &d.decode {
            let msg = unsafe { CStr::from_ptr(decode.message.as_ptr()) };
            assert!(!msg.to_string_lossy().contains(KEY));
        }
        d
    }
}

fn sample_server() -> Server {
    Server::script(vec![
        Reply::json(200, SAMPLE).header("x-request-id", "req_sample")
    ])
}

#[test]
fn free_functions_accept_null() {
    unsafe {
        lcs_client_free(null_mut());
        lcs_body_free(null_mut());
        lcs_client_error_free(null_mut());
    }
}

#[test]
fn configuration_errors_need_no_network() {
    // No key, no environment: build and retrieve fail before any request, with details.
    let c = Client::bare();
    let (r, e) = c.build().expect_err("no key");
    assert_eq!(r, lcs_result::LCS_CLIENT_MISSING_API_KEY);
    let d = e.details();
    assert_eq!(
        (d.kind.as_str(), d.status, d.attempts),
        ("missing_api_key", 0, 0)
    );
    assert!(d.request.is_empty() && d.request_id.is_none() && d.body.is_none());
    let (r, _) = c.retrieve("ses-1").expect_err("no key");
    assert_eq!(r, lcs_result::LCS_CLIENT_MISSING_API_KEY);
    // A key with a control character: invalid configuration, and the key is not repeated.
    let c = Client::bare();
    c.set(lcs_client_set_api_key, &format!("{KEY}\n"));
    let (r, e) = c.build().expect_err("bad key");
    assert_eq!(r, lcs_result::LCS_CLIENT_INVALID_CONFIG);
    e.details(); // asserts the key is absent
                 // out_error NULL: the code alone.
    assert_eq!(
        unsafe { lcs_client_build(c.0, null_mut()) },
        lcs_result::LCS_CLIENT_INVALID_CONFIG
    );
    // NULL and invalid UTF-8 arguments of the setters.
    let bad: &[u8] = b"\xff";
    unsafe {
        assert_eq!(
            lcs_client_set_base_url(c.0, bad.as_ptr().cast(), 1),
            lcs_result::LCS_INVALID_ARGUMENT
        );
        assert_eq!(
            lcs_client_set_api_key(null_mut(), null(), 0),
            lcs_result::LCS_NULL_ARGUMENT
        );
    }
}

#[test]
#[cfg_attr(miri, ignore = "Miri has no sockets")]
fn client_functions_reject_null() {
    use lcs_result::LCS_NULL_ARGUMENT as NULL;
    let server = sample_server();
    let c = Client::new(&server.base_url());
    let s = "x".as_ptr().cast::<c_char>();
    unsafe {
        assert_eq!(lcs_client_new(null_mut()), NULL);
        for f in [lcs_client_set_api_key, lcs_client_set_base_url] {
            assert_eq!(f(null_mut(), s, 1), NULL);
            assert_eq!(f(c.0, null(), 0), NULL);
            assert_eq!(f(c.0, null(), 1), NULL);
        }
        assert_eq!(lcs_client_add_header(null_mut(), s, 1, s, 1), NULL);
        assert_eq!(lcs_client_add_header(c.0, null(), 0, s, 1), NULL);
        assert_eq!(lcs_client_add_header(c.0, s, 1, null(), 0), NULL);
        assert_eq!(lcs_client_set_timeout_ms(null_mut(), 1), NULL);
        assert_eq!(lcs_client_set_connect_timeout_ms(null_mut(), 1), NULL);
        assert_eq!(lcs_client_set_max_retries(null_mut(), 1), NULL);
        assert_eq!(lcs_client_set_max_body_bytes(null_mut(), 1), NULL);
        assert_eq!(lcs_client_set_use_environment(null_mut(), true), NULL);

        let mut err = sentinel();
        assert_eq!(lcs_client_build(null(), &mut err), NULL);
        assert_eq!(err, sentinel());
        assert_eq!(lcs_client_build(c.0, null_mut()), lcs_result::LCS_OK);

        let mut body = sentinel();
        let id = "ses-1";
        let idp = id.as_ptr().cast::<c_char>();
        let r = |client, idp: *const c_char, out: *mut *mut lcs_body, err| {
            lcs_client_retrieve(client, idp, id.len(), null(), 0, null(), 0, out, err)
        };
        assert_eq!(r(null(), idp, &mut body, &mut err), NULL);
        assert_eq!(r(c.0, null(), &mut body, &mut err), NULL);
        assert_eq!(r(c.0, idp, null_mut(), &mut err), NULL);
        assert_eq!((body, err), (sentinel(), sentinel()));
        assert_eq!(server.requests().len(), 0, "a NULL argument made a request");
        // out_error may be NULL: the call still works.
        assert_eq!(r(c.0, idp, &mut body, null_mut()), lcs_result::LCS_OK);
        lcs_body_free(body);
    }
    // The setters above were refused: the client still works as configured.
    assert!(c.retrieve("ses-1").is_ok());
    assert_eq!(server.requests().len(), 2);
}

#[test]
#[cfg_attr(miri, ignore = "Miri has no sockets")]
fn body_and_error_functions_reject_null() {
    use lcs_result::LCS_NULL_ARGUMENT as NULL;
    let server = sample_server();
    let c = Client::new(&server.base_url());
    let body = c.retrieve("ses-1").expect("retrieve");
    let b = body.0;
    unsafe {
        let mut data = sentinel::<u8>().cast_const();
        let mut len = 7usize;
        assert_eq!(lcs_body_bytes(null(), &mut data, &mut len), NULL);
        assert_eq!(lcs_body_bytes(b, null_mut(), &mut len), NULL);
        assert_eq!(lcs_body_bytes(b, &mut data, null_mut()), NULL);
        assert_eq!((data, len), (sentinel::<u8>().cast_const(), 7));

        let mut status = 7u16;
        assert_eq!(lcs_body_status(null(), &mut status), NULL);
        assert_eq!(lcs_body_status(b, null_mut()), NULL);
        assert_eq!(status, 7);

        let mut present = true;
        let mut id = lcs_str {
            data: null(),
            len: 7,
        };
        assert_eq!(lcs_body_request_id(null(), &mut present, &mut id), NULL);
        assert_eq!(lcs_body_request_id(b, null_mut(), &mut id), NULL);
        assert_eq!(lcs_body_request_id(b, &mut present, null_mut()), NULL);
        assert_eq!(lcs_body_url(null(), &mut id), NULL);
        assert_eq!(lcs_body_url(b, null_mut()), NULL);
        assert!(id.data.is_null() && id.len == 7 && present);

        let mut session = sentinel();
        let mut err = sentinel();
        assert_eq!(lcs_body_parse(null(), &mut session, &mut err), NULL);
        assert_eq!(lcs_body_parse(b, null_mut(), &mut err), NULL);
        assert_eq!((session, err), (sentinel(), sentinel()));
        // out_error may be NULL.
        assert_eq!(
            lcs_body_parse(b, &mut session, null_mut()),
            lcs_result::LCS_OK
        );
        lcs_session_free(session);

        let path = "/nonexistent/x.json";
        let pp = path.as_ptr().cast::<c_char>();
        assert_eq!(lcs_body_save(null(), pp, path.len(), &mut err), NULL);
        assert_eq!(lcs_body_save(b, null(), 0, &mut err), NULL);
        assert_eq!(lcs_body_save(b, null(), 3, &mut err), NULL);
        assert_eq!(err, sentinel());
        assert_eq!(
            lcs_body_save(b, pp, path.len(), null_mut()),
            lcs_result::LCS_CLIENT_IO
        );

        let (_, e) = Client::new("http://127.0.0.1:1")
            .retrieve("x")
            .expect_err("closed port");
        let mut info = MaybeUninit::<lcs_client_error_info>::uninit();
        assert_eq!(lcs_client_error_details(null(), info.as_mut_ptr()), NULL);
        assert_eq!(lcs_client_error_details(e.0, null_mut()), NULL);
    }
}

#[test]
#[cfg_attr(miri, ignore = "Miri has no sockets")]
fn invalid_utf8_is_an_invalid_argument() {
    use lcs_result::LCS_INVALID_ARGUMENT as INVALID;
    let server = sample_server();
    let c = Client::new(&server.base_url());
    let bad: &[u8] = b"ses-\xff\xfe";
    let bp = bad.as_ptr().cast::<c_char>();
    unsafe {
        assert_eq!(lcs_client_set_api_key(c.0, bp, bad.len()), INVALID);
        assert_eq!(lcs_client_set_base_url(c.0, bp, bad.len()), INVALID);
        assert_eq!(lcs_client_add_header(c.0, bp, bad.len(), bp, 1), INVALID);
        assert_eq!(
            lcs_client_add_header(c.0, "X-A".as_ptr().cast(), 3, bp, bad.len()),
            INVALID
        );
        let mut body = sentinel();
        let mut err = sentinel();
        let id = "ses-1".as_ptr().cast::<c_char>();
        for (i, o, p) in [(bp, id, id), (id, bp, id), (id, id, bp)] {
            let (il, ol, pl) = (
                if i == bp { bad.len() } else { 5 },
                if o == bp { bad.len() } else { 5 },
                if p == bp { bad.len() } else { 5 },
            );
            assert_eq!(
                lcs_client_retrieve(c.0, i, il, o, ol, p, pl, &mut body, &mut err),
                INVALID
            );
        }
        assert_eq!((body, err), (sentinel(), sentinel()));
    }
    assert_eq!(server.requests().len(), 0);
    // Nothing was changed by the refused setters: the key and URL are still the good ones.
    let body = c.retrieve("ses-1").expect("client unchanged");
    assert_eq!(body.bytes(), SAMPLE);
    let req = &server.requests()[0];
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(req.header("x-a"), None);
}

#[test]
#[cfg_attr(miri, ignore = "Miri has no sockets")]
fn zero_lengths() {
    let server = sample_server();
    // An empty session id (non-NULL pointer, length 0): refused before any request.
    let c = Client::new(&server.base_url());
    let (r, e) = c.retrieve("").expect_err("empty id");
    assert_eq!(r, lcs_result::LCS_CLIENT_INVALID_SESSION_ID);
    let d = e.details();
    assert_eq!((d.code, d.status, d.attempts), (r, 0, 0));
    assert_eq!(d.kind, "invalid_session_id");
    assert_eq!(d.request, "");
    for dots in [".", ".."] {
        assert_eq!(
            c.retrieve(dots).err().map(|e| e.0),
            Some(lcs_result::LCS_CLIENT_INVALID_SESSION_ID)
        );
    }
    assert_eq!(server.requests().len(), 0);

    // An empty key: missing.
    let c = Client::bare();
    c.set(lcs_client_set_api_key, "");
    c.set(lcs_client_set_base_url, &server.base_url());
    let (r, e) = c.build().expect_err("empty key");
    assert_eq!(r, lcs_result::LCS_CLIENT_MISSING_API_KEY);
    assert_eq!(e.details().attempts, 0);
    // An empty base URL: invalid configuration, reported by retrieve as well.
    let c = Client::new("");
    let (r, e) = c.retrieve("ses-1").expect_err("empty URL");
    assert_eq!(r, lcs_result::LCS_CLIENT_INVALID_CONFIG);
    assert!(
        e.details().message.contains("base URL"),
        "{:?}",
        e.details()
    );
    assert_eq!(server.requests().len(), 0);

    // Empty organization and project ids are sent as empty values; NULL omits them.
    let c = Client::new(&server.base_url());
    c.retrieve_with("ses-1", Some(""), Some(""))
        .expect("empty query values");
    c.retrieve_with("ses-1", Some("org 1"), None)
        .expect("org only");
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/api/v1/chat/ses-1?organization_id=&project_id=",
            "/api/v1/chat/ses-1?organization_id=org%201",
        ]
    );

    // An empty path: refused, nothing written.
    let body = c.retrieve("ses-1").expect("retrieve");
    let mut err = sentinel();
    let r = unsafe { lcs_body_save(body.0, "x".as_ptr().cast(), 0, &mut err) };
    assert_eq!(r, lcs_result::LCS_INVALID_ARGUMENT);
    assert_eq!(err, sentinel());

    // An empty 200 body: retrieved, and it fails to parse with a decoder position.
    let empty = Server::script(vec![Reply::json(200, "")]);
    let body = Client::new(&empty.base_url())
        .retrieve("s")
        .expect("empty body");
    assert_eq!(body.bytes(), b"");
    let (r, e) = body.parse().expect_err("empty body is no session");
    assert_eq!(r, lcs_result::LCS_CLIENT_INVALID_BODY);
    let decode = e.details().decode.expect("decode error");
    assert_eq!(decode.code, lcs_result::LCS_SYNTAX_UNEXPECTED_END);
    assert_eq!(decode.offset, 0);
}

#[test]
#[cfg_attr(miri, ignore = "Miri has no sockets")]
fn success_body_parses_and_saves() {
    let server = sample_server();
    let c = Client::new(&server.base_url());
    c.set(lcs_client_set_api_key, KEY);
    unsafe {
        let (n, v) = ("X-Trace", "t-1");
        assert_eq!(
            lcs_client_add_header(c.0, n.as_ptr().cast(), n.len(), v.as_ptr().cast(), v.len()),
            lcs_result::LCS_OK
        );
    }
    let body = c
        .retrieve_with("ses 7/f", Some("org-1"), Some("prj-2"))
        .expect("retrieve");
    assert_eq!(body.bytes(), SAMPLE);

    let req = &server.requests()[0];
    assert_eq!(
        req.target,
        "/api/v1/chat/ses%207%2Ff?organization_id=org-1&project_id=prj-2"
    );
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(req.header("x-trace"), Some("t-1"));

    let mut status = 0;
    let mut present = false;
    let mut id = lcs_str::empty();
    let mut url = lcs_str::empty();
    unsafe {
        assert_eq!(lcs_body_status(body.0, &mut status), lcs_result::LCS_OK);
        assert_eq!(
            lcs_body_request_id(body.0, &mut present, &mut id),
            lcs_result::LCS_OK
        );
        assert_eq!(lcs_body_url(body.0, &mut url), lcs_result::LCS_OK);
    }
    assert_eq!(status, 200);
    assert!(present);
    assert_eq!(text(id), "req_sample");
    assert_eq!(
        text(url),
        format!(
            "{}/api/v1/chat/ses%207%2Ff?organization_id=org-1&project_id=prj-2",
            server.base_url()
        )
    );

    // The body's bytes through the existing lcs_session_parse (the session borrows them).
    let bytes = body.bytes();
    let mut session = null_mut();
    let r = unsafe { lcs_session_parse(bytes.as_ptr(), bytes.len(), &mut session, null_mut()) };
    assert_eq!(r, lcs_result::LCS_OK);
    let mut count = 0;
    unsafe {
        assert_eq!(
            lcs_session_event_count(session, &mut count),
            lcs_result::LCS_OK
        );
        lcs_session_free(session);
    }
    assert_eq!(count, 45);

    // And through lcs_body_parse.
    let session = body.parse().expect("parse");
    let mut sid = lcs_str::empty();
    unsafe {
        assert_eq!(lcs_session_id(session, &mut sid), lcs_result::LCS_OK);
        assert_eq!(text(sid), "ses-7f3a9c2e41b8");
        lcs_session_free(session);
    }

    // Saved byte for byte, replacing an existing file, no temporary left behind.
    let dir = std::env::temp_dir().join(format!("lcs-capi-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("dump.json");
    std::fs::write(&path, "old").expect("old file");
    let p = path.to_str().expect("UTF-8");
    let mut err = sentinel();
    let r = unsafe { lcs_body_save(body.0, p.as_ptr().cast(), p.len(), &mut err) };
    assert_eq!(r, lcs_result::LCS_OK);
    assert_eq!(err, sentinel());
    assert_eq!(std::fs::read(&path).expect("saved"), SAMPLE);
    assert_eq!(std::fs::read_dir(&dir).expect("dir").count(), 1);

    // A path that cannot be written: LCS_CLIENT_IO naming the path.
    let bad = dir.join("no-such-dir/dump.json");
    let b = bad.to_str().expect("UTF-8");
    let r = unsafe { lcs_body_save(body.0, b.as_ptr().cast(), b.len(), &mut err) };
    assert_eq!(r, lcs_result::LCS_CLIENT_IO);
    let d = Error(err).details();
    assert_eq!((d.code, d.kind.as_str(), d.status), (r, "io", 0));
    assert!(d.message.contains(b), "{}", d.message);
    std::fs::remove_dir_all(&dir).expect("cleanup");
    drop(body); // the body outlived both sessions
}

#[test]
#[cfg_attr(miri, ignore = "Miri has no sockets")]
fn not_found_details() {
    let server = Server::script(vec![
        Reply::json(404, r#"{"detail":"Session not found"}"#).header("x-request-id", "req_404")
    ]);
    let c = Client::new(&server.base_url());
    let (r, e) = c.retrieve("ses-gone").expect_err("404");
    assert_eq!(r, lcs_result::LCS_CLIENT_NOT_FOUND);
    let d = e.details();
    let url = format!("{}/api/v1/chat/ses-gone", server.base_url());
    assert_eq!(d.code, r);
    assert_eq!(d.kind, "not_found");
    assert_eq!(d.status, 404);
    assert_eq!(d.attempts, 1);
    assert_eq!(
        d.message,
        format!("GET \"{url}\": 404 Not Found (request id req_404)")
    );
    assert_eq!(d.reason, "404 Not Found");
    assert_eq!(d.request, format!("GET \"{url}\""));
    assert_eq!(d.request_id.as_deref(), Some("req_404"));
    assert_eq!(d.body.as_deref(), Some(r#"{"detail":"Session not found"}"#));
    assert!(!d.body_truncated);
    assert!(d.decode.is_none());
    assert_eq!(server.requests().len(), 1);
}

#[test]
#[cfg_attr(miri, ignore = "Miri has no sockets")]
fn every_status_class_has_its_code() {
    let cases = [
        (400, lcs_result::LCS_CLIENT_BAD_REQUEST, "bad_request"),
        (401, lcs_result::LCS_CLIENT_AUTHENTICATION, "authentication"),
        (
            403,
            lcs_result::LCS_CLIENT_PERMISSION_DENIED,
            "permission_denied",
        ),
        (404, lcs_result::LCS_CLIENT_NOT_FOUND, "not_found"),
        (409, lcs_result::LCS_CLIENT_CONFLICT, "conflict"),
        (
            422,
            lcs_result::LCS_CLIENT_UNPROCESSABLE_ENTITY,
            "unprocessable_entity",
        ),
        (429, lcs_result::LCS_CLIENT_RATE_LIMIT, "rate_limit"),
        (
            503,
            lcs_result::LCS_CLIENT_INTERNAL_SERVER,
            "internal_server",
        ),
        (418, lcs_result::LCS_CLIENT_HTTP_STATUS, "status"),
    ];
    for (status, code, kind) in cases {
        let server = Server::script(vec![Reply::json(status, "{}")]);
        let (r, e) = Client::new(&server.base_url())
            .retrieve("s")
            .expect_err("error status");
        assert_eq!(r, code, "{status}");
        assert!(lcs_result_is_client_error(r as u32));
        let d = e.details();
        assert_eq!((d.status, d.kind.as_str()), (status, kind));
    }
}

#[test]
#[cfg_attr(miri, ignore = "Miri has no sockets")]
fn server_error_after_retries() {
    let server = Server::script(vec![Reply::json(500, r#"{"error":"boom"}"#)
        .header("retry-after-ms", "1")
        .header("x-request-id", "req_500")]);
    let c = Client::new(&server.base_url());
    assert_eq!(
        unsafe { lcs_client_set_max_retries(c.0, 2) },
        lcs_result::LCS_OK
    );
    let started = Instant::now();
    let (r, e) = c.retrieve("ses-1").expect_err("500");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(r, lcs_result::LCS_CLIENT_INTERNAL_SERVER);
    let d = e.details();
    assert_eq!((d.status, d.attempts), (500, 3));
    assert_eq!(d.reason, "500 Internal Server Error");
    assert_eq!(d.request_id.as_deref(), Some("req_500"));
    assert_eq!(d.body.as_deref(), Some(r#"{"error":"boom"}"#));
    let retry_counts: Vec<Option<String>> = server
        .requests()
        .iter()
        .map(|r| r.header("x-stainless-retry-count").map(str::to_owned))
        .collect();
    assert_eq!(
        retry_counts,
        [Some("0".into()), Some("1".into()), Some("2".into())]
    );
}

#[test]
#[cfg_attr(miri, ignore = "Miri has no sockets")]
fn invalid_body_carries_the_decoder_position() {
    let doc: &[u8] =
        b"{\"session_id\":\"s\",\n\"last_updated_at\":\"t\",\"events\":[{\"type\":\"text\"}]}";
    let core_err = lcsession_core::parse(doc).expect_err("invalid");
    let server = Server::script(vec![Reply::json(200, doc).header("x-request-id", "req_bad")]);
    let c = Client::new(&server.base_url());
    let body = c
        .retrieve("s")
        .expect("a 200 is retrieved; decoding is separate");
    let (r, e) = body.parse().expect_err("invalid body");
    assert_eq!(r, lcs_result::LCS_CLIENT_INVALID_BODY);
    let d = e.details();
    assert_eq!(
        (d.kind.as_str(), d.status, d.attempts),
        ("invalid_body", 200, 0)
    );
    assert_eq!(d.request_id.as_deref(), Some("req_bad"));
    assert!(
        d.message.starts_with(&format!(
            "GET \"{}/api/v1/chat/s\": the response is not a valid session: ",
            server.base_url()
        )),
        "{}",
        d.message
    );
    assert!(d.message.ends_with("(request id req_bad)"), "{}", d.message);
    assert_eq!(d.body.as_deref().map(str::as_bytes), Some(doc));
    let decode = d.decode.expect("decoder error");
    assert_eq!(decode.code, lcs_result::LCS_MISSING_FIELD);
    assert_eq!(decode.offset, core_err.offset());
    assert_eq!((decode.line, decode.column), core_err.line_column(doc));
    assert!(decode.has_event && decode.event == 0);
    assert_eq!(text(decode.field), "content");
    // lcs_session_parse over the same bytes reports the same position.
    let bytes = body.bytes();
    let mut session = sentinel();
    let mut perr = MaybeUninit::<lcs_parse_error>::uninit();
    let r =
        unsafe { lcs_session_parse(bytes.as_ptr(), bytes.len(), &mut session, perr.as_mut_ptr()) };
    assert_eq!(r, lcs_result::LCS_MISSING_FIELD);
    assert_eq!(unsafe { perr.assume_init() }.offset, decode.offset);
}

#[test]
#[cfg_attr(miri, ignore = "Miri has no sockets")]
fn too_large() {
    let server = sample_server();
    let c = Client::new(&server.base_url());
    assert_eq!(
        unsafe { lcs_client_set_max_body_bytes(c.0, 100) },
        lcs_result::LCS_OK
    );
    let (r, e) = c.retrieve("s").expect_err("too large");
    assert_eq!(r, lcs_result::LCS_CLIENT_TOO_LARGE);
    let d = e.details();
    assert_eq!(
        (d.kind.as_str(), d.status, d.attempts),
        ("too_large", 200, 1)
    );
    assert!(d.message.contains("100 bytes"), "{}", d.message);
    // Without a Content-Length too (chunked), and exactly at the limit it passes.
    let chunked = Server::script(vec![Reply::json(200, SAMPLE).mode(BodyMode::Chunked(1000))]);
    let c = Client::new(&chunked.base_url());
    unsafe { lcs_client_set_max_body_bytes(c.0, SAMPLE.len() as u64 - 1) };
    assert_eq!(
        c.retrieve("s").err().map(|e| e.0),
        Some(lcs_result::LCS_CLIENT_TOO_LARGE)
    );
    unsafe { lcs_client_set_max_body_bytes(c.0, SAMPLE.len() as u64) };
    assert_eq!(c.retrieve("s").expect("at the limit").bytes(), SAMPLE);
}

#[test]
#[cfg_attr(miri, ignore = "Miri has no sockets")]
fn timeout() {
    let server = Server::script(vec![Reply::json(200, SAMPLE).delay(Duration::from_secs(3))]);
    let c = Client::new(&server.base_url());
    unsafe {
        assert_eq!(lcs_client_set_timeout_ms(c.0, 200), lcs_result::LCS_OK);
        assert_eq!(
            lcs_client_set_connect_timeout_ms(c.0, 200),
            lcs_result::LCS_OK
        );
    }
    let started = Instant::now();
    let (r, e) = c.retrieve("s").expect_err("timeout");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(r, lcs_result::LCS_CLIENT_TIMEOUT);
    let d = e.details();
    assert_eq!((d.kind.as_str(), d.status, d.attempts), ("timeout", 0, 1));
    assert!(d.request_id.is_none() && d.body.is_none());
    // A zero timeout is a configuration error, before any request.
    unsafe { lcs_client_set_timeout_ms(c.0, 0) };
    assert_eq!(
        c.retrieve("s").err().map(|e| e.0),
        Some(lcs_result::LCS_CLIENT_INVALID_CONFIG)
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
#[cfg_attr(miri, ignore = "Miri has no sockets")]
fn extreme_settings_do_not_panic() {
    let server = sample_server();
    let c = Client::new(&server.base_url());
    unsafe {
        assert_eq!(lcs_client_set_timeout_ms(c.0, u64::MAX), lcs_result::LCS_OK);
        assert_eq!(
            lcs_client_set_connect_timeout_ms(c.0, u64::MAX),
            lcs_result::LCS_OK
        );
        assert_eq!(
            lcs_client_set_max_body_bytes(c.0, u64::MAX),
            lcs_result::LCS_OK
        );
        assert_eq!(
            lcs_client_set_max_retries(c.0, u32::MAX),
            lcs_result::LCS_OK
        );
    }
    assert_eq!(c.retrieve("s").expect("huge limits").bytes(), SAMPLE);
    // The limit 0 refuses any non-empty body.
    unsafe { lcs_client_set_max_body_bytes(c.0, 0) };
    assert_eq!(
        c.retrieve("s").err().map(|e| e.0),
        Some(lcs_result::LCS_CLIENT_TOO_LARGE)
    );
}

#[test]
#[cfg_attr(miri, ignore = "Miri has no sockets")]
fn connection_refused() {
    let c = Client::new("http://127.0.0.1:1");
    let (r, e) = c.retrieve("s").expect_err("closed port");
    assert_eq!(r, lcs_result::LCS_CLIENT_CONNECTION);
    let d = e.details();
    assert_eq!(
        (d.kind.as_str(), d.status, d.attempts),
        ("connection", 0, 1)
    );
    assert_eq!(d.request, "GET \"http://127.0.0.1:1/api/v1/chat/s\"");
}

#[test]
#[cfg_attr(miri, ignore = "Miri has no sockets")]
fn the_key_is_redacted_when_a_server_echoes_it() {
    // A server that puts the Authorization header it received into its error body and its
    // request id (as some debugging proxies do).
    let server = Server::start(|req, _| {
        let auth = req.header("authorization").unwrap_or_default().to_owned();
        Reply::json(
            401,
            format!(r#"{{"detail":"bad credentials","got":"{auth}"}}"#),
        )
        .header("x-request-id", &format!("req {auth}"))
    });
    let c = Client::new(&server.base_url());
    let (r, e) = c.retrieve("s").expect_err("401");
    assert_eq!(r, lcs_result::LCS_CLIENT_AUTHENTICATION);
    let d = e.details(); // asserts the key is nowhere
    assert_eq!(
        d.body.as_deref(),
        Some(r#"{"detail":"bad credentials","got":"Bearer <REDACTED>"}"#)
    );
    assert_eq!(d.request_id.as_deref(), Some("req Bearer <REDACTED>"));
    assert!(d.message.ends_with("(request id req Bearer <REDACTED>)"));
}

#[test]
#[cfg_attr(miri, ignore = "Miri has no sockets")]
fn the_key_is_redacted_when_a_body_that_echoes_it_is_parsed_later() {
    // A 200 whose body is not a session and holds the key: the retrieve succeeds, and the
    // error of the later lcs_body_parse is redacted like the retrieve's own errors.
    let server = Server::start(|req, _| {
        let auth = req.header("authorization").unwrap_or_default().to_owned();
        Reply::json(200, format!(r#"{{"you_sent": "{auth}""#))
            .header("x-request-id", &format!("req {auth}"))
    });
    let c = Client::new(&server.base_url());
    let body = c.retrieve("s").expect("a 200 body");
    let (r, e) = body.parse().expect_err("not a session");
    assert_eq!(r, lcs_result::LCS_CLIENT_INVALID_BODY);
    let d = e.details(); // asserts the key is nowhere
    assert_eq!(
        d.body.as_deref(),
        Some(r#"{"you_sent": "Bearer <REDACTED>""#)
    );
    assert_eq!(d.request_id.as_deref(), Some("req Bearer <REDACTED>"));
    assert!(
        d.message.contains("unexpected end of input"),
        "{}",
        d.message
    );
}

#[test]
#[cfg_attr(miri, ignore = "Miri has no sockets")]
fn setters_after_build_take_effect() {
    let server = sample_server();
    let c = Client::bare();
    c.set(lcs_client_set_base_url, &server.base_url());
    let (r, e) = c.build().expect_err("no key, no environment");
    assert_eq!(r, lcs_result::LCS_CLIENT_MISSING_API_KEY);
    let d = e.details();
    assert!(d.message.contains("LLAMA_CLOUD_API_KEY"), "{}", d.message);
    assert_eq!((d.attempts, d.status), (0, 0));
    let (r, _) = c.retrieve("s").expect_err("still no key");
    assert_eq!(r, lcs_result::LCS_CLIENT_MISSING_API_KEY);
    assert_eq!(server.connections(), 0);

    c.set(lcs_client_set_api_key, KEY);
    c.build().expect("key set");
    c.retrieve("s").expect("retrieve");
    // A later setter replaces the resolved client.
    c.set(lcs_client_set_base_url, "ftp://nowhere");
    assert_eq!(
        c.build().err().map(|e| e.0),
        Some(lcs_result::LCS_CLIENT_INVALID_CONFIG)
    );
    unsafe {
        let (n, v) = ("bad name", "v");
        assert_eq!(
            lcs_client_add_header(c.0, n.as_ptr().cast(), n.len(), v.as_ptr().cast(), v.len()),
            lcs_result::LCS_OK
        );
    }
    c.set(lcs_client_set_base_url, &server.base_url());
    let (r, e) = c.build().expect_err("bad header name");
    assert_eq!(r, lcs_result::LCS_CLIENT_INVALID_CONFIG);
    assert!(
        e.details().message.contains("bad name"),
        "{:?}",
        e.details()
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
#[cfg_attr(miri, ignore = "Miri has no sockets")]
fn one_client_many_threads() {
    let server = sample_server();
    let c = Client::new(&server.base_url());
    let shared = c.0 as usize;
    std::thread::scope(|scope| {
        for i in 0..4 {
            scope.spawn(move || {
                let client = shared as *const lcs_client;
                for j in 0..3 {
                    let id = format!("ses-{i}-{j}");
                    let mut body = null_mut();
                    let r = unsafe {
                        lcs_client_retrieve(
                            client,
                            id.as_ptr().cast(),
                            id.len(),
                            null(),
                            0,
                            null(),
                            0,
                            &mut body,
                            null_mut(),
                        )
                    };
                    assert_eq!(r, lcs_result::LCS_OK);
                    assert_eq!(Body(body).bytes(), SAMPLE);
                }
            });
        }
    });
    assert_eq!(server.requests().len(), 12);
}

#[test]
#[cfg_attr(miri, ignore = "Miri has no sockets")]
fn platform_roots_need_the_feature() {
    let server = sample_server();
    let c = Client::new(&server.base_url());
    assert_eq!(
        unsafe { lcs_client_set_platform_roots(null_mut(), true) },
        lcs_result::LCS_NULL_ARGUMENT
    );
    // false (the bundled roots) is always accepted.
    assert_eq!(
        unsafe { lcs_client_set_platform_roots(c.0, false) },
        lcs_result::LCS_OK
    );
    let want = if cfg!(feature = "platform-verifier") {
        lcs_result::LCS_OK
    } else {
        lcs_result::LCS_UNSUPPORTED
    };
    assert_eq!(unsafe { lcs_client_set_platform_roots(c.0, true) }, want);
    assert_eq!(
        unsafe { CStr::from_ptr(lcs_result_message(lcs_result::LCS_UNSUPPORTED as u32)) }.to_str(),
        Ok("not supported by this build of the library")
    );
    // Refused or not, the client still works (the roots only matter for https).
    c.build().unwrap_or_else(|(r, _)| panic!("{r:?}"));
    let body = c.retrieve("ses-1").unwrap_or_else(|(r, _)| panic!("{r:?}"));
    drop(body);
    assert_eq!(server.requests().len(), 1);
}

/// Counts the events `lcs_client_retrieve_visiting` hands over and checks each is in order.
unsafe extern "C" fn count_events(user_data: *mut std::ffi::c_void, event: *const lcs_event) {
    let seen = unsafe { &mut *user_data.cast::<Vec<usize>>() };
    seen.push(unsafe { (*event).index });
}

/// The body, the session (to free) and the visited event indexes.
type Visited = (Body, *mut lcs_session, Vec<usize>);

impl Client {
    /// `lcs_client_retrieve_visiting` for `id`: the body, the session and the visited event
    /// indexes, or the failure.
    fn retrieve_visiting(&self, id: &str) -> Result<Visited, (lcs_result, Error, Vec<usize>)> {
        let mut seen: Vec<usize> = Vec::new();
        let (mut body, mut session, mut err) = (sentinel(), sentinel(), sentinel());
        let r = unsafe {
            lcs_client_retrieve_visiting(
                self.0,
                id.as_ptr().cast(),
                id.len(),
                null(),
                0,
                null(),
                0,
                Some(count_events),
                (&mut seen as *mut Vec<usize>).cast(),
                &mut body,
                &mut session,
                &mut err,
            )
        };
        if r == lcs_result::LCS_OK {
            assert_eq!(err, sentinel(), "out_error written on success");
            assert!(!body.is_null() && body != sentinel());
            assert!(!session.is_null() && session != sentinel());
            Ok((Body(body), session, seen))
        } else {
            assert_eq!(body, sentinel(), "out_body written on failure");
            assert_eq!(session, sentinel(), "out_session written on failure");
            assert!(!err.is_null() && err != sentinel(), "no error for {r:?}");
            Err((r, Error(err), seen))
        }
    }
}

#[test]
#[cfg_attr(miri, ignore = "Miri has no sockets")]
fn retrieve_visiting_gives_body_session_and_every_event() {
    // The sample, and a 3 MiB body (decoded while it arrives, on Linux).
    let big = [
        &b"{\"padding\":\""[..],
        &vec![b'a'; 3 << 20],
        b"\",",
        SAMPLE.get(1..).unwrap(),
    ]
    .concat();
    for doc in [SAMPLE.to_vec(), big] {
        let doc = std::sync::Arc::new(doc);
        let server = Server::script(vec![Reply::shared(200, doc.clone())
            .mode(BodyMode::Stall(doc.len() / 2, Duration::from_millis(20)))]);
        let c = Client::new(&server.base_url());
        let (body, session, seen) = c.retrieve_visiting("ses-1").expect("retrieve_visiting");
        assert!(body.bytes() == doc.as_slice());
        assert_eq!(seen, (0..45).collect::<Vec<_>>());
        let mut count = 0;
        let mut sid = lcs_str::empty();
        unsafe {
            assert_eq!(
                lcs_session_event_count(session, &mut count),
                lcs_result::LCS_OK
            );
            assert_eq!(lcs_session_id(session, &mut sid), lcs_result::LCS_OK);
        }
        assert_eq!(count, 45);
        assert_eq!(text(sid), "ses-7f3a9c2e41b8");
        // The session's views point into the body: iterate them before freeing.
        let mut cursor = null_mut();
        let mut event = MaybeUninit::<lcs_event>::uninit();
        let mut iterated = 0;
        unsafe {
            assert_eq!(lcs_events_new(session, &mut cursor), lcs_result::LCS_OK);
            while lcs_events_next(cursor, event.as_mut_ptr()) == lcs_result::LCS_OK {
                iterated += 1;
            }
            lcs_events_free(cursor);
            lcs_session_free(session);
        }
        assert_eq!(iterated, 45);
        drop(body);
    }
}

#[test]
#[cfg_attr(miri, ignore = "Miri has no sockets")]
fn retrieve_visiting_reports_an_invalid_body_with_its_position() {
    let doc: &[u8] =
        b"{\"session_id\":\"s\",\n\"last_updated_at\":\"t\",\"events\":[{\"type\":\"text\"}]}";
    let core_err = lcsession_core::parse(doc).expect_err("invalid");
    let server = Server::script(vec![Reply::json(200, doc).header("x-request-id", "req_bad")]);
    let c = Client::new(&server.base_url());
    let (r, e, seen) = c.retrieve_visiting("s").expect_err("invalid body");
    assert_eq!(r, lcs_result::LCS_CLIENT_INVALID_BODY);
    assert!(seen.is_empty());
    let d = e.details();
    assert_eq!((d.kind.as_str(), d.status), ("invalid_body", 200));
    assert_eq!(d.request_id.as_deref(), Some("req_bad"));
    let decode = d.decode.expect("decoder error");
    assert_eq!(decode.code, lcs_result::LCS_MISSING_FIELD);
    assert_eq!(decode.offset, core_err.offset());
    assert_eq!((decode.line, decode.column), core_err.line_column(doc));
    assert_eq!((decode.line, decode.column), (2, 47)); // not from an empty input
    assert_eq!(text(decode.field), "content");
}

#[test]
fn retrieve_visiting_rejects_null() {
    let c = Client::bare();
    let id = "s";
    let mut seen: Vec<usize> = Vec::new();
    let user: *mut std::ffi::c_void = (&mut seen as *mut Vec<usize>).cast();
    let (mut body, mut session) = (sentinel(), sentinel());
    let visitor: lcs_event_visitor = Some(count_events);
    unsafe {
        let call = |client, id: *const c_char, visitor, out_body, out_session| {
            lcs_client_retrieve_visiting(
                client,
                id,
                1,
                null(),
                0,
                null(),
                0,
                visitor,
                user,
                out_body,
                out_session,
                null_mut(),
            )
        };
        let idp = id.as_ptr().cast();
        for r in [
            call(null(), idp, visitor, &mut body, &mut session),
            call(c.0, null(), visitor, &mut body, &mut session),
            call(c.0, idp, None, &mut body, &mut session),
            call(c.0, idp, visitor, null_mut(), &mut session),
            call(c.0, idp, visitor, &mut body, null_mut()),
        ] {
            assert_eq!(r, lcs_result::LCS_NULL_ARGUMENT);
        }
    }
    assert_eq!((body, session), (sentinel(), sentinel()));
    assert!(seen.is_empty());
}

/// A session with `events` text events after `padding` bytes of an unknown field, then a
/// header with a title of `title_chars` two-byte characters and `index_ids` ids.
fn session_with_header(
    padding: usize,
    events: usize,
    title_chars: usize,
    index_ids: usize,
) -> Vec<u8> {
    let events: Vec<String> = (0..events)
        .map(|i| format!(r#"{{"type":"text","content":"e{i}"}}"#))
        .collect();
    let ids: Vec<String> = (0..index_ids).map(|i| format!("\"idx-{i}\"")).collect();
    format!(
        r#"{{"padding":"{}","events":[{}],"session_id":"s","last_updated_at":"t","generated_title":"{}","index_ids":[{}]}}"#,
        "a".repeat(padding),
        events.join(","),
        "é".repeat(title_chars),
        ids.join(","),
    )
    .into_bytes()
}

#[test]
#[cfg_attr(miri, ignore = "Miri has no sockets")]
fn sessions_decode_up_to_the_c_capacities_whichever_way_they_arrive() {
    // A 4,000-byte title and 64 index ids: beyond the Rust defaults, within the C API's.
    for padding in [0, 3 << 20] {
        let doc = std::sync::Arc::new(session_with_header(padding, 5, 2000, LCS_LIST_CAPACITY));
        let check = |session: *mut lcs_session| {
            let mut presence = lcs_presence::LCS_PRESENCE_MISSING;
            let (mut title, mut id) = (lcs_str::empty(), lcs_str::empty());
            let mut count = 0;
            unsafe {
                let r = lcs_session_generated_title(session, &mut presence, &mut title);
                assert_eq!(r, lcs_result::LCS_OK);
                let r = lcs_session_index_ids(session, &mut presence, &mut count);
                assert_eq!(r, lcs_result::LCS_OK);
                let r = lcs_session_index_id(session, count - 1, &mut id);
                assert_eq!(r, lcs_result::LCS_OK);
            }
            // Header views live with the session.
            assert_eq!(text(title), "é".repeat(2000));
            assert_eq!((count, text(id)), (LCS_LIST_CAPACITY, "idx-63".to_owned()));
            unsafe { lcs_session_free(session) };
        };
        let server = Server::script(vec![
            Reply::shared(200, doc.clone()),
            Reply::shared(200, doc.clone()),
        ]);
        let c = Client::new(&server.base_url());
        let (body, session, seen) = c.retrieve_visiting("s").expect("retrieve_visiting");
        assert_eq!(seen, (0..5).collect::<Vec<_>>());
        check(session);
        drop(body);
        let body = c.retrieve("s").unwrap_or_else(|(r, _)| panic!("{r:?}"));
        check(
            body.parse()
                .unwrap_or_else(|(r, e)| panic!("{r:?} {}", e.details().message)),
        );
    }

    // One index id more: the decoder's capacity error, naming the field, after every event.
    for padding in [0, 3 << 20] {
        let doc = session_with_header(padding, 5, 10, LCS_LIST_CAPACITY + 1);
        let core_err = lcsession_core::parse(&doc).expect_err("65 ids");
        let server = Server::script(vec![
            Reply::json(200, doc.clone()),
            Reply::json(200, doc.clone()),
        ]);
        let c = Client::new(&server.base_url());
        let (r, e, seen) = c.retrieve_visiting("s").expect_err("too many ids");
        assert_eq!(r, lcs_result::LCS_CLIENT_INVALID_BODY);
        assert_eq!(seen, (0..5).collect::<Vec<_>>());
        let decode = e.details().decode.expect("decoder error");
        assert_eq!(decode.code, lcs_result::LCS_CAPACITY);
        assert_eq!(text(decode.field), "index_ids");
        // 65 ids overflow the C capacity at the 65th, the default one at the 17th.
        assert!(decode.offset > core_err.offset());
        let body = c.retrieve("s").unwrap_or_else(|(r, _)| panic!("{r:?}"));
        let (r, e) = body.parse().expect_err("too many ids");
        assert_eq!(r, lcs_result::LCS_CLIENT_INVALID_BODY);
        assert_eq!(e.details().decode.map(|d| d.offset), Some(decode.offset));
        assert_eq!(server.requests().len(), 2, "an invalid body is not retried");
    }
}
