//! The blocking client against a scripted HTTP server on 127.0.0.1: the request it sends
//! (line and every header, exactly), each status class, the retry policy with every delay
//! form, transport failures (reset, truncation, refused connection, slow server), size
//! limits, chunked and close-delimited bodies, configuration from the environment, and the
//! API key's absence from every error.
#![cfg(not(miri))]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use lcsession::client::{
    Client, ClientBuilder, ClientError, ClientErrorKind, RetrieveOptions, TraceEvent,
    DEFAULT_MAX_RETRIES, USER_AGENT,
};
use lcsession_testserver::{BodyMode, Reply, Request, Server};

const KEY: &str = "llx-TEST-secret-key-0123456789";
const SAMPLE: &[u8] = include_bytes!("../../examples/data/sample-session.json");

/// Records the delays the client asks to wait, without waiting.
#[derive(Clone, Default)]
struct Sleeps(Arc<Mutex<Vec<Duration>>>);

impl Sleeps {
    fn get(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

/// A client for `server` that ignores the process environment and records its sleeps.
fn builder(server: &Server, sleeps: &Sleeps) -> ClientBuilder {
    let sleeps = sleeps.clone();
    Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .env(|_| None)
        .timeout(Duration::from_secs(10))
        .sleep(move |d| sleeps.0.lock().unwrap().push(d))
}

fn retrieve(client: &Client, id: &str) -> Result<lcsession::client::SessionBody, ClientError> {
    client.retrieve(id, &RetrieveOptions::default())
}

/// The key must not appear in any rendering of an error.
fn assert_no_key(e: &ClientError) {
    let all = format!(
        "{e} | {e:?} | {} | {:?} | {:?}",
        e.message(),
        e.body(),
        e.request()
    );
    assert!(!all.contains(KEY), "key leaked: {all}");
    assert!(!all.contains("TEST-secret"), "key leaked: {all}");
}

fn status_error(status: u16, max_retries: u32) -> (ClientError, Vec<Request>) {
    let server = Server::script(vec![
        Reply::json(status, r#"{"detail":"nope"}"#).header("x-request-id", "req_abc")
    ]);
    let client = builder(&server, &Sleeps::default())
        .max_retries(max_retries)
        .build()
        .unwrap();
    let e = retrieve(&client, "ses-1").unwrap_err();
    assert_no_key(&e);
    (e, server.requests())
}

#[test]
fn success_sends_exactly_the_sdk_request() {
    let server = Server::script(vec![
        Reply::json(200, SAMPLE).header("x-request-id", "req_ok")
    ]);
    let client = builder(&server, &Sleeps::default()).build().unwrap();
    let body = retrieve(&client, "ses-abc123").unwrap();
    assert_eq!(body.as_bytes(), SAMPLE);
    assert_eq!(body.status(), 200);
    assert_eq!(body.request_id(), Some("req_ok"));
    let session = body.parse().unwrap();
    assert_eq!(session.event_count(), 45);

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.line, "GET /api/v1/chat/ses-abc123 HTTP/1.1");
    let mut headers: Vec<(String, String)> = r
        .headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
        .collect();
    headers.sort();
    let host = server.addr().to_string();
    let mut expected: Vec<(String, String)> = [
        ("accept", "application/json"),
        ("authorization", &format!("Bearer {KEY}")),
        ("host", &host),
        ("user-agent", USER_AGENT),
        ("x-stainless-arch", "x64"),
        ("x-stainless-lang", "rust"),
        ("x-stainless-os", "Linux"),
        ("x-stainless-package-version", env!("CARGO_PKG_VERSION")),
        ("x-stainless-retry-count", "0"),
        ("x-stainless-runtime", "rustc"),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect();
    let runtime = r.header("x-stainless-runtime-version").unwrap().to_owned();
    assert!(runtime.starts_with("1."), "{runtime}");
    expected.push(("x-stainless-runtime-version".into(), runtime));
    expected.sort();
    #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
    assert_eq!(headers, expected);
    assert_eq!(USER_AGENT, concat!("lcsession/", env!("CARGO_PKG_VERSION")));
}

#[test]
fn query_parameters_exactly() {
    let server = Server::script(vec![Reply::json(200, SAMPLE)]);
    let client = builder(&server, &Sleeps::default()).build().unwrap();
    let both = RetrieveOptions {
        organization_id: Some("org 1/ü".into()),
        project_id: Some("p&q=1".into()),
    };
    client.retrieve("s", &both).unwrap();
    let project_only = RetrieveOptions {
        project_id: Some("proj-9".into()),
        ..Default::default()
    };
    client.retrieve("s", &project_only).unwrap();
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/api/v1/chat/s?organization_id=org%201%2F%C3%BC&project_id=p%26q%3D1",
            "/api/v1/chat/s?project_id=proj-9",
        ]
    );
}

#[test]
fn hostile_session_ids_stay_one_path_segment() {
    let server = Server::script(vec![Reply::json(200, SAMPLE)]);
    let client = builder(&server, &Sleeps::default()).build().unwrap();
    let cases = [
        ("a/b", "/api/v1/chat/a%2Fb"),
        ("../../admin", "/api/v1/chat/..%2F..%2Fadmin"),
        (
            "x?organization_id=evil",
            "/api/v1/chat/x%3Forganization_id%3Devil",
        ),
        ("x#frag", "/api/v1/chat/x%23frag"),
        ("a b%", "/api/v1/chat/a%20b%25"),
        (
            "line\r\nX-Injected: 1",
            "/api/v1/chat/line%0D%0AX-Injected%3A%201",
        ),
        ("ünï😀", "/api/v1/chat/%C3%BCn%C3%AF%F0%9F%98%80"),
        ("...", "/api/v1/chat/..."),
    ];
    for (id, _) in &cases {
        retrieve(&client, id).unwrap();
    }
    let lines: Vec<String> = server.requests().into_iter().map(|r| r.line).collect();
    let expected: Vec<String> = cases
        .iter()
        .map(|(_, path)| format!("GET {path} HTTP/1.1"))
        .collect();
    assert_eq!(lines, expected);
    assert!(server
        .requests()
        .iter()
        .all(|r| r.header("X-Injected").is_none()));
    for id in ["", ".", ".."] {
        let e = retrieve(&client, id).unwrap_err();
        assert_eq!(e.kind(), ClientErrorKind::InvalidSessionId, "{id:?}");
        assert_eq!(e.attempts(), 0);
    }
    assert_eq!(
        server.requests().len(),
        cases.len(),
        "no request for refused ids"
    );
}

#[test]
fn every_status_class_has_its_kind() {
    let cases = [
        (400, ClientErrorKind::BadRequest, "400 Bad Request"),
        (401, ClientErrorKind::Authentication, "401 Unauthorized"),
        (403, ClientErrorKind::PermissionDenied, "403 Forbidden"),
        (404, ClientErrorKind::NotFound, "404 Not Found"),
        (409, ClientErrorKind::Conflict, "409 Conflict"),
        (
            422,
            ClientErrorKind::UnprocessableEntity,
            "422 Unprocessable Entity",
        ),
        (429, ClientErrorKind::RateLimit, "429 Too Many Requests"),
        (
            500,
            ClientErrorKind::InternalServer,
            "500 Internal Server Error",
        ),
        (
            503,
            ClientErrorKind::InternalServer,
            "503 Service Unavailable",
        ),
        (418, ClientErrorKind::Status, "418 I'm a teapot"),
        (402, ClientErrorKind::Status, "402 Payment Required"),
    ];
    for (status, kind, message) in cases {
        let (e, requests) = status_error(status, 0);
        assert_eq!(e.kind(), kind, "{status}");
        assert_eq!(e.status(), Some(status));
        assert_eq!(e.request_id(), Some("req_abc"));
        assert_eq!(e.body(), Some(r#"{"detail":"nope"}"#));
        assert_eq!(e.message(), message);
        assert_eq!(e.attempts(), 1);
        assert_eq!(requests.len(), 1);
        let url = format!(
            "GET \"http://127.0.0.1:{}/api/v1/chat/ses-1\": {message} (request id req_abc)",
            requests[0]
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("host"))
                .unwrap()
                .1
                .rsplit(':')
                .next()
                .unwrap()
        );
        assert_eq!(e.to_string(), url);
    }
}

#[test]
fn retried_statuses_and_backoff_with_jitter() {
    // 408, 409, 429 and >= 500 are retried; attempts = max_retries + 1.
    for status in [408, 409, 429, 500, 502, 503, 504] {
        let sleeps = Sleeps::default();
        let server = Server::script(vec![Reply::new(status, "busy")]);
        let client = builder(&server, &sleeps).max_retries(3).build().unwrap();
        let e = retrieve(&client, "s").unwrap_err();
        assert_eq!(e.status(), Some(status));
        assert_eq!(e.attempts(), 4, "{status}");
        let counts: Vec<String> = server
            .requests()
            .iter()
            .map(|r| r.header("x-stainless-retry-count").unwrap().to_owned())
            .collect();
        assert_eq!(counts, ["0", "1", "2", "3"], "{status}");
        // min(0.5 * 2^n, 8) s times a jitter in [0.75, 1].
        let delays = sleeps.get();
        assert_eq!(delays.len(), 3);
        for (n, d) in delays.iter().enumerate() {
            let base = 0.5 * 2f64.powi(n as i32);
            let s = d.as_secs_f64();
            assert!(
                s >= base * 0.75 - 1e-9 && s <= base + 1e-9,
                "retry {n}: {s} s"
            );
        }
    }
    // Not retried.
    for status in [400, 401, 403, 404, 422, 418] {
        let (e, requests) = status_error(status, 3);
        assert_eq!((e.attempts(), requests.len()), (1, 1), "{status}");
    }
}

#[test]
fn default_max_retries_is_two() {
    assert_eq!(DEFAULT_MAX_RETRIES, 2);
    let sleeps = Sleeps::default();
    let server = Server::script(vec![Reply::new(500, "x")]);
    let client = builder(&server, &sleeps).build().unwrap();
    assert_eq!(client.max_retries(), 2);
    let e = retrieve(&client, "s").unwrap_err();
    assert_eq!(e.attempts(), 3);
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn recovery_after_failures() {
    let sleeps = Sleeps::default();
    let server = Server::script(vec![
        Reply::new(503, "down"),
        Reply::new(429, "slow down").header("retry-after-ms", "10"),
        Reply::json(200, SAMPLE),
    ]);
    let client = builder(&server, &sleeps).build().unwrap();
    let body = retrieve(&client, "s").unwrap();
    assert_eq!(body.as_bytes(), SAMPLE);
    assert_eq!(server.requests().len(), 3);
    assert_eq!(sleeps.get()[1], Duration::from_millis(10));
}

/// The delay chosen after one failed attempt answered with `reply`.
fn delay_for(reply: Reply) -> Duration {
    let sleeps = Sleeps::default();
    let server = Server::script(vec![reply, Reply::json(200, SAMPLE)]);
    let client = builder(&server, &sleeps).max_retries(1).build().unwrap();
    retrieve(&client, "s").unwrap();
    assert_eq!(server.requests().len(), 2);
    let delays = sleeps.get();
    assert_eq!(delays.len(), 1);
    delays[0]
}

fn is_backoff(d: Duration) -> bool {
    (0.375..=0.5).contains(&d.as_secs_f64())
}

#[test]
fn server_delay_headers() {
    let busy = || Reply::new(503, "busy");
    assert_eq!(
        delay_for(busy().header("retry-after-ms", "1500")),
        Duration::from_millis(1500)
    );
    assert_eq!(
        delay_for(
            busy()
                .header("retry-after-ms", "2.5")
                .header("retry-after", "30")
        ),
        Duration::from_micros(2500)
    );
    assert_eq!(
        delay_for(busy().header("retry-after", "7")),
        Duration::from_secs(7)
    );
    assert_eq!(
        delay_for(busy().header("retry-after", "0.25")),
        Duration::from_millis(250)
    );
    let date = httpdate_in(Duration::from_secs(20));
    let d = delay_for(busy().header("retry-after", &date));
    assert!(
        d > Duration::from_secs(17) && d <= Duration::from_secs(20),
        "{d:?}"
    );
    // Out of (0, 60] seconds, unparsable, or in the past: the backoff applies.
    assert!(is_backoff(delay_for(busy().header("retry-after", "61"))));
    assert!(is_backoff(delay_for(busy().header("retry-after", "0"))));
    assert!(is_backoff(delay_for(busy().header("retry-after-ms", "-5"))));
    assert!(is_backoff(delay_for(
        busy().header("retry-after", "tomorrow")
    )));
    assert!(is_backoff(delay_for(busy().header(
        "retry-after",
        &httpdate_in(Duration::from_secs(3600))
    ))));
    assert!(is_backoff(delay_for(busy())));
}

/// An HTTP date `ahead` from now, like a server would write it.
fn httpdate_in(ahead: Duration) -> String {
    let t = SystemTime::now() + ahead;
    let secs = t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    // IMF-fixdate without a date crate: days since epoch to civil date.
    let days = (secs / 86_400) as i64;
    let (h, m, s) = ((secs / 3600) % 24, (secs / 60) % 60, secs % 60);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{weekday}, {day:02} {} {year} {h:02}:{m:02}:{s:02} GMT",
        months[(month - 1) as usize]
    )
}

#[test]
fn x_should_retry_overrides_the_status_rule() {
    // true: even a 400 is retried.
    let server = Server::script(vec![
        Reply::new(400, "again").header("x-should-retry", "true"),
        Reply::json(200, SAMPLE),
    ]);
    let client = builder(&server, &Sleeps::default()).build().unwrap();
    retrieve(&client, "s").unwrap();
    assert_eq!(server.requests().len(), 2);
    // false: even a 503 is not.
    let server = Server::script(vec![
        Reply::new(503, "stop").header("x-should-retry", "false"),
        Reply::json(200, SAMPLE),
    ]);
    let client = builder(&server, &Sleeps::default()).build().unwrap();
    let e = retrieve(&client, "s").unwrap_err();
    assert_eq!(e.kind(), ClientErrorKind::InternalServer);
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn connection_reset_mid_body_is_retried() {
    let sleeps = Sleeps::default();
    let server = Server::script(vec![
        Reply::json(200, SAMPLE).mode(BodyMode::Reset(1000)),
        Reply::json(200, SAMPLE),
    ]);
    let client = builder(&server, &sleeps).build().unwrap();
    assert_eq!(retrieve(&client, "s").unwrap().as_bytes(), SAMPLE);
    assert_eq!(server.requests().len(), 2);
    assert_eq!(server.connections(), 2);
    assert!(is_backoff(sleeps.get()[0]));

    let server = Server::script(vec![Reply::json(200, SAMPLE).mode(BodyMode::Reset(1000))]);
    let client = builder(&server, &sleeps).max_retries(0).build().unwrap();
    let e = retrieve(&client, "s").unwrap_err();
    assert_eq!(e.kind(), ClientErrorKind::Connection, "{e}");
    assert_eq!(e.status(), Some(200));
    assert_no_key(&e);
}

#[test]
fn truncated_body_is_a_connection_error() {
    let server = Server::script(vec![Reply::json(200, SAMPLE)
        .header("x-request-id", "req_cut")
        .mode(BodyMode::Truncated(SAMPLE.len() / 2))]);
    let client = builder(&server, &Sleeps::default())
        .max_retries(1)
        .build()
        .unwrap();
    let e = retrieve(&client, "s").unwrap_err();
    assert_eq!(e.kind(), ClientErrorKind::Connection, "{e}");
    assert_eq!(e.attempts(), 2);
    assert_eq!(e.request_id(), Some("req_cut"));
    assert_eq!(server.requests().len(), 2);
    assert_no_key(&e);
}

#[test]
fn refused_connection_is_retried_then_reported() {
    // Bind, learn the port, close: nothing listens there any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sleeps = Sleeps::default();
    let s2 = sleeps.clone();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .env(|_| None)
        .sleep(move |d| s2.0.lock().unwrap().push(d))
        .build()
        .unwrap();
    let e = retrieve(&client, "s").unwrap_err();
    assert_eq!(e.kind(), ClientErrorKind::Connection, "{e}");
    assert_eq!(e.attempts(), 3);
    assert_eq!(e.status(), None);
    assert_eq!(sleeps.get().len(), 2);
    assert!(e
        .to_string()
        .starts_with(&format!("GET \"http://127.0.0.1:{port}/api/v1/chat/s\": ")));
    assert_no_key(&e);
}

#[test]
fn slow_server_times_out() {
    let server = Server::script(vec![Reply::json(200, SAMPLE).delay(Duration::from_secs(3))]);
    let client = builder(&server, &Sleeps::default())
        .timeout(Duration::from_millis(300))
        .max_retries(1)
        .build()
        .unwrap();
    let start = Instant::now();
    let e = retrieve(&client, "s").unwrap_err();
    let elapsed = start.elapsed();
    assert_eq!(e.kind(), ClientErrorKind::Timeout, "{e}");
    assert_eq!(e.attempts(), 2, "timeouts are retried");
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
    assert_no_key(&e);
}

#[test]
fn timeout_while_reading_a_stalled_body() {
    // Headers and part of the body arrive, then the server pauses past the timeout.
    let server = Server::script(vec![Reply::json(200, SAMPLE)
        .header("x-request-id", "req_slow")
        .mode(BodyMode::Stall(100, Duration::from_secs(3)))]);
    let client = builder(&server, &Sleeps::default())
        .timeout(Duration::from_millis(300))
        .max_retries(0)
        .build()
        .unwrap();
    let start = Instant::now();
    let e = retrieve(&client, "s").unwrap_err();
    assert_eq!(e.kind(), ClientErrorKind::Timeout, "{e}");
    assert_eq!(e.status(), Some(200));
    assert_eq!(e.request_id(), Some("req_slow"));
    assert!(start.elapsed() < Duration::from_millis(2500));
}

#[test]
fn chunked_and_close_delimited_bodies() {
    for mode in [
        BodyMode::Chunked(1),
        BodyMode::Chunked(777),
        BodyMode::Chunked(1 << 20),
        BodyMode::CloseDelimited,
    ] {
        let server = Server::script(vec![Reply::json(200, SAMPLE).mode(mode.clone())]);
        let client = builder(&server, &Sleeps::default()).build().unwrap();
        let body = retrieve(&client, "s").unwrap();
        assert_eq!(body.as_bytes(), SAMPLE, "{mode:?}");
        assert_eq!(body.parse().unwrap().event_count(), 45);
    }
}

#[test]
fn bodies_over_the_limit_are_refused() {
    let limit = SAMPLE.len() as u64 - 1;
    for mode in [
        BodyMode::Full,
        BodyMode::Chunked(4096),
        BodyMode::CloseDelimited,
    ] {
        let server = Server::script(vec![Reply::json(200, SAMPLE).mode(mode.clone())]);
        let client = builder(&server, &Sleeps::default())
            .max_body_bytes(limit)
            .build()
            .unwrap();
        let e = retrieve(&client, "s").unwrap_err();
        assert_eq!(e.kind(), ClientErrorKind::TooLarge, "{mode:?}");
        assert!(e.message().contains(&limit.to_string()), "{e}");
        assert_eq!(server.requests().len(), 1, "not retried");
    }
    // Exactly at the limit is fine.
    let server = Server::script(vec![Reply::json(200, SAMPLE).mode(BodyMode::Chunked(100))]);
    let client = builder(&server, &Sleeps::default())
        .max_body_bytes(SAMPLE.len() as u64)
        .build()
        .unwrap();
    assert_eq!(retrieve(&client, "s").unwrap().as_bytes(), SAMPLE);
}

#[test]
fn non_json_error_body_is_kept_as_text() {
    let html = "<html><body>502 Bad Gateway</body></html>";
    let server = Server::script(vec![
        Reply::new(502, html).header("Content-Type", "text/html")
    ]);
    let client = builder(&server, &Sleeps::default())
        .max_retries(0)
        .build()
        .unwrap();
    let e = retrieve(&client, "s").unwrap_err();
    assert_eq!(e.kind(), ClientErrorKind::InternalServer);
    assert_eq!(e.body(), Some(html));
    assert_eq!(e.request_id(), None);

    // A huge error body is capped.
    let big = "x".repeat(100_000);
    let server = Server::script(vec![Reply::new(500, big.as_str())]);
    let client = builder(&server, &Sleeps::default())
        .max_retries(0)
        .build()
        .unwrap();
    let e = retrieve(&client, "s").unwrap_err();
    assert_eq!(
        e.body().unwrap().len(),
        lcsession::client::ERROR_BODY_CAPACITY
    );
    assert!(e.body_truncated());
}

#[test]
fn invalid_json_200_names_the_offset() {
    let bad = br#"{"session_id": "s", "events": [ {"type": "text", "content": "x"} ,]}"#;
    let server = Server::script(vec![
        Reply::json(200, bad.as_slice()).header("x-request-id", "req_bad")
    ]);
    let client = builder(&server, &Sleeps::default()).build().unwrap();
    let body = retrieve(&client, "s").unwrap();
    let e = body.parse().unwrap_err();
    assert_eq!(e.kind(), ClientErrorKind::InvalidBody);
    let offset = e.decode_error().unwrap().offset();
    assert_eq!(bad[offset], b']', "offset {offset}");
    assert!(e.message().contains("line 1, column"), "{e}");
    assert_eq!(e.request_id(), Some("req_bad"));
    assert_eq!(e.status(), Some(200));
    assert_eq!(server.requests().len(), 1);

    let server = Server::script(vec![Reply::json(200, "not json at all")]);
    let client = builder(&server, &Sleeps::default()).build().unwrap();
    let e = retrieve(&client, "s").unwrap().parse().unwrap_err();
    assert_eq!(e.decode_error().unwrap().offset(), 0);
}

#[test]
fn one_connection_for_many_calls() {
    let server = Server::script(vec![Reply::json(200, SAMPLE)]);
    let client = builder(&server, &Sleeps::default()).build().unwrap();
    for _ in 0..100 {
        let body = retrieve(&client, "s").unwrap();
        assert_eq!(body.as_bytes().len(), SAMPLE.len());
    }
    assert_eq!(server.requests().len(), 100);
    assert_eq!(server.connections(), 1);
    assert!(server.requests().iter().all(|r| r.connection == 0));
    // Error responses keep the connection too.
    let server = Server::script(vec![Reply::json(404, r#"{"detail":"Not Found"}"#)]);
    let client = builder(&server, &Sleeps::default()).build().unwrap();
    for _ in 0..10 {
        retrieve(&client, "s").unwrap_err();
    }
    assert_eq!(server.connections(), 1);
}

#[test]
fn large_bodies_in_every_framing() {
    // 3 MiB: with a Content-Length it is received into a huge-page mapping on Linux.
    let big = [
        &b"{\"padding\":\""[..],
        &vec![b'a'; 3 << 20],
        b"\",",
        SAMPLE.get(1..).unwrap(),
    ]
    .concat();
    let big = std::sync::Arc::new(big);
    for mode in [
        BodyMode::Full,
        BodyMode::Chunked(64 * 1024),
        BodyMode::CloseDelimited,
    ] {
        let server = Server::script(vec![Reply::shared(200, big.clone()).mode(mode.clone())]);
        let client = builder(&server, &Sleeps::default()).build().unwrap();
        for _ in 0..2 {
            let body = retrieve(&client, "s").unwrap();
            assert!(body.as_bytes() == big.as_slice(), "{mode:?}");
            assert_eq!(body.parse().unwrap().event_count(), 45);
            assert!(body.clone().into_bytes() == *big, "{mode:?}");
        }
        if mode == BodyMode::Full {
            assert_eq!(server.connections(), 1, "the mapped read ends the body");
        }
    }
    let server = Server::script(vec![
        Reply::shared(200, big.clone()).mode(BodyMode::Truncated(big.len() - 100))
    ]);
    let client = builder(&server, &Sleeps::default())
        .max_retries(0)
        .build()
        .unwrap();
    let e = retrieve(&client, "s").unwrap_err();
    assert_eq!(e.kind(), ClientErrorKind::Connection, "{e}");
}

#[test]
fn configuration_from_the_environment() {
    let server = Server::script(vec![Reply::json(200, SAMPLE)]);
    let base = server.base_url();
    let env = move |name: &str| {
        match name {
        "LLAMA_PARSE_API_KEY" => Some("parse-key".to_owned()),
        "LLAMA_CLOUD_BASE_URL" => Some(format!("{base}/")),
        "LLAMA_CLOUD_CUSTOM_HEADERS" => Some(
            "X-Team: search\nno colon line\n  X-Spaced  :  a b  \nUser-Agent: env-agent\nX-Over: env\n"
                .to_owned(),
        ),
        _ => None,
    }
    };
    let client = Client::builder()
        .env(env)
        .header("x-over", "explicit")
        .build()
        .unwrap();
    retrieve(&client, "s").unwrap();
    let r = &server.requests()[0];
    assert_eq!(r.header("authorization"), Some("Bearer parse-key"));
    assert_eq!(r.header("x-team"), Some("search"));
    assert_eq!(r.header("x-spaced"), Some("a b"));
    assert_eq!(r.header("user-agent"), Some("env-agent"));
    assert_eq!(r.header("x-over"), Some("explicit"));
    assert_eq!(
        r.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("x-over"))
            .count(),
        1
    );
    assert_eq!(r.line, "GET /api/v1/chat/s HTTP/1.1");

    // LLAMA_CLOUD_API_KEY wins over LLAMA_PARSE_API_KEY; an explicit key over both.
    let base = server.base_url();
    let client = Client::builder()
        .env(move |name| match name {
            "LLAMA_CLOUD_API_KEY" => Some("cloud-key".into()),
            "LLAMA_PARSE_API_KEY" => Some("parse-key".into()),
            "LLAMA_CLOUD_BASE_URL" => Some(base.clone()),
            _ => None,
        })
        .build()
        .unwrap();
    retrieve(&client, "s").unwrap();
    assert_eq!(
        server.requests()[1].header("authorization"),
        Some("Bearer cloud-key")
    );
}

#[test]
fn configuration_errors_come_before_any_request() {
    let server = Server::script(vec![Reply::json(200, SAMPLE)]);
    let base = server.base_url();
    let e = Client::builder()
        .env(|_| None)
        .base_url(base.clone())
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ClientErrorKind::MissingApiKey);
    assert!(e.to_string().contains("LLAMA_CLOUD_API_KEY"), "{e}");
    let e = Client::builder()
        .env(|_| None)
        .api_key("")
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ClientErrorKind::MissingApiKey);

    let bad_env_url = Client::builder()
        .env(|name| (name == "LLAMA_CLOUD_BASE_URL").then(|| "ftp://x".to_owned()))
        .api_key(KEY)
        .build()
        .unwrap_err();
    assert_eq!(bad_env_url.kind(), ClientErrorKind::InvalidConfig);
    assert!(
        bad_env_url.to_string().contains("LLAMA_CLOUD_BASE_URL"),
        "{bad_env_url}"
    );
    let bad_header = Client::builder()
        .env(|name| (name == "LLAMA_CLOUD_CUSTOM_HEADERS").then(|| "Bad Name: x".to_owned()))
        .api_key(KEY)
        .build()
        .unwrap_err();
    assert_eq!(bad_header.kind(), ClientErrorKind::InvalidConfig);
    let bad_key = Client::builder()
        .env(|_| None)
        .api_key(format!("{KEY}\r\nX-Evil: 1"))
        .build()
        .unwrap_err();
    assert_eq!(bad_key.kind(), ClientErrorKind::InvalidConfig);
    assert_no_key(&bad_key);
    let zero = Client::builder()
        .env(|_| None)
        .api_key(KEY)
        .timeout(Duration::ZERO)
        .build()
        .unwrap_err();
    assert_eq!(zero.kind(), ClientErrorKind::InvalidConfig);
    assert_eq!(server.requests().len(), 0);
    assert_eq!(server.connections(), 0);
}

#[test]
fn the_key_never_leaks_into_debug_or_traces() {
    // The server echoes the key with every character written as a JSON `\uXXXX` escape in
    // its body, and percent-encoded in a header.
    let escaped: String = KEY.bytes().map(|b| format!("\\u{b:04x}")).collect();
    let server = Server::script(vec![
        Reply::new(500, format!(r#"{{"detail":"bad key {escaped}"}}"#))
            .header("retry-after-ms", "1")
            .header("x-echo", &format!("key%3D{}", KEY.replace('-', "%2D"))),
        Reply::json(200, SAMPLE),
    ]);
    let log = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&log);
    let client = builder(&server, &Sleeps::default())
        // A custom header that carries the key as well (some proxies want it twice).
        .header("X-Upstream-Token", KEY)
        .trace(move |event| {
            let mut log = sink.lock().unwrap();
            log.push_str(&format!("{event:?}\n"));
            if let TraceEvent::Request { headers, .. } = event {
                for (n, v) in headers.iter() {
                    log.push_str(&format!("{n}: {v}\n"));
                }
            }
        })
        .build()
        .unwrap();
    assert!(!format!("{client:?}").contains(KEY));
    assert!(!format!("{:?}", builder(&server, &Sleeps::default())).contains(KEY));
    retrieve(&client, "s").unwrap();
    let log = log.lock().unwrap().clone();
    assert!(!log.contains(KEY), "{log}");
    assert!(!log.contains(&escaped), "{log}");
    assert!(!log.contains("%2D"), "{log}");
    assert!(log.contains("Authorization: Bearer <REDACTED>"), "{log}");
    assert!(log.contains("X-Upstream-Token: <REDACTED>"), "{log}");
    assert!(log.contains("key%3D<REDACTED>"), "{log}");
    // The error of a client without retries: its body, decoded, has no key either.
    let server = Server::script(vec![Reply::new(
        401,
        format!(r#"{{"detail":"bad key {escaped}"}}"#),
    )]);
    let e = retrieve(&builder(&server, &Sleeps::default()).build().unwrap(), "s").unwrap_err();
    assert_no_key(&e);
    let body = e.body().unwrap();
    assert_eq!(body, r#"{"detail":"bad key <REDACTED>"}"#);
    assert!(log.contains("Retry"), "{log}");
    assert!(log.contains("status: 500"), "{log}");
    // But the server did get it.
    assert_eq!(
        server.requests()[0]
            .header("authorization")
            .map(str::to_owned),
        Some(format!("Bearer {KEY}"))
    );
}

#[test]
fn saves_the_raw_dump() {
    let server = Server::script(vec![Reply::json(200, SAMPLE)]);
    let client = builder(&server, &Sleeps::default()).build().unwrap();
    let body = retrieve(&client, "s").unwrap();
    let dir = std::env::temp_dir().join(format!("lcsession-client-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("dump.json");
    body.save(&path).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), SAMPLE);
    let mut out = Vec::new();
    body.write_to(&mut out).unwrap();
    assert_eq!(out, SAMPLE);
    // The saved dump parses offline like the live body.
    let saved = std::fs::read(&path).unwrap();
    assert_eq!(lcsession_core::parse(&saved).unwrap().event_count(), 45);
    let e = body
        .save(dir.join("missing-dir").join("x.json"))
        .unwrap_err();
    assert_eq!(e.kind(), ClientErrorKind::Io);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_key_echoed_by_the_server_is_redacted() {
    let echo = format!(r#"{{"detail":"invalid key {KEY}"}}"#);
    let server = Server::script(vec![Reply::json(401, echo.as_str())
        .header("x-request-id", &format!("req-{KEY}"))
        .header("x-echo", &format!("Bearer {KEY}"))]);
    let log = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&log);
    let client = builder(&server, &Sleeps::default())
        .trace(move |event| {
            if let TraceEvent::Response { headers, .. } = event {
                for (n, v) in headers.iter() {
                    sink.lock().unwrap().push_str(&format!("{n}: {v}\n"));
                }
            }
        })
        .build()
        .unwrap();
    let e = retrieve(&client, "s").unwrap_err();
    assert_no_key(&e);
    assert_eq!(e.body(), Some(r#"{"detail":"invalid key <REDACTED>"}"#));
    assert_eq!(e.request_id(), Some("req-<REDACTED>"));
    let log = log.lock().unwrap().clone();
    assert!(log.contains("x-echo: Bearer <REDACTED>"), "{log}");
    assert!(!log.contains(KEY), "{log}");
}

#[test]
fn a_key_echoed_in_a_body_that_is_parsed_later_is_redacted() {
    // A 200 that is not a session and holds the key: `retrieve` succeeds; the error of the
    // later `parse` (and `parse_visiting`) is redacted like the retrieve's own errors.
    let echo = format!(r#"{{"events": [], "you_sent": "Bearer {KEY}", }}"#);
    let server = Server::script(vec![
        Reply::json(200, echo.as_str()).header("x-request-id", &format!("req-{KEY}"))
    ]);
    let client = builder(&server, &Sleeps::default()).build().unwrap();
    let body = retrieve(&client, "s").unwrap();
    assert_eq!(body.as_bytes(), echo.as_bytes());
    for e in [
        body.parse().unwrap_err(),
        body.parse_visiting::<128, 512, 16>(lcsession_core::ParseOptions::default(), |_| {})
            .unwrap_err(),
    ] {
        assert_eq!(e.kind(), ClientErrorKind::InvalidBody);
        assert_no_key(&e);
        assert_eq!(
            e.body(),
            Some(r#"{"events": [], "you_sent": "Bearer <REDACTED>", }"#)
        );
        assert_eq!(e.request_id(), Some("req-<REDACTED>"));
        assert!(e.to_string().contains("unexpected `}`"), "{e}");
    }
}

#[test]
fn redirects_are_followed_and_the_key_goes_only_to_the_same_host() {
    // Same host: the key goes along (as with the SDKs' HTTP stacks); the trace shows the hop.
    let server = Server::script(vec![
        Reply::new(302, "").header("location", "/api/v1/chat/moved"),
        Reply::json(200, SAMPLE),
    ]);
    let hops = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&hops);
    let client = builder(&server, &Sleeps::default())
        .trace(move |event| {
            if let TraceEvent::Redirected { url, .. } = event {
                sink.lock().unwrap().push(url.to_string());
            }
        })
        .build()
        .unwrap();
    let body = retrieve(&client, "s").unwrap();
    assert_eq!(body.as_bytes(), SAMPLE);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].target, "/api/v1/chat/moved");
    let auth = |r: &Request| r.header("authorization").map(str::to_owned);
    assert_eq!(auth(&requests[1]), Some(format!("Bearer {KEY}")));
    assert_eq!(
        *hops.lock().unwrap(),
        [format!("{}/api/v1/chat/moved", server.base_url())]
    );

    // Another host (`localhost` is not `127.0.0.1` by name): followed without the key.
    let other = Server::script(vec![Reply::json(200, SAMPLE)]);
    let elsewhere = format!("http://localhost:{}/elsewhere", other.addr().port());
    let server = Server::script(vec![Reply::new(307, "").header("location", &elsewhere)]);
    let body = retrieve(&builder(&server, &Sleeps::default()).build().unwrap(), "s").unwrap();
    assert_eq!(body.as_bytes(), SAMPLE);
    let requests = other.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].target, "/elsewhere");
    assert_eq!(auth(&requests[0]), None);
}
