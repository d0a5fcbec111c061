//! What the loopback fetch tests share: a client for the scripted server and generated
//! sessions.

use std::sync::Arc;
use std::time::Duration;

use lcsession::client::{Client, ClientError, ClientErrorKind};
use lcsession_core::{Event, ParseOptions, Session};
use lcsession_testserver::{BodyMode, Reply, Server};

/// The bundled sample dump.
pub const SAMPLE: &[u8] = include_bytes!("../../../examples/data/sample-session.json");

/// A client of `server` with the API key `key`, no environment, and sleeps between retries
/// skipped.
pub fn client(server: &Server, key: &str, max_retries: u32) -> Client {
    Client::builder()
        .api_key(key)
        .base_url(server.base_url())
        .env(|_| None)
        .max_retries(max_retries)
        .timeout(Duration::from_secs(20))
        .sleep(|_| {})
        .build()
        .unwrap()
}

/// A valid session of `events` text events of about 1,000 bytes (escapes, multi-byte
/// characters) separated by `separator` after each comma, the header after the events;
/// event `long.0` is `long.1` bytes instead.
pub fn big_session(events: usize, separator: &str, long: (usize, usize)) -> Vec<u8> {
    let mut doc = String::from(r#"{"events":["#);
    for i in 0..events {
        if i > 0 {
            doc.push(',');
            doc.push_str(separator);
        }
        doc.push_str(r#"{"type":"text","content":""#);
        let end = doc.len() + if i == long.0 { long.1 } else { 1000 };
        while doc.len() < end {
            doc.push_str(r#"caf\u00e9 \"q\" é 📈 \n"#);
        }
        doc.push_str(&format!(r#" {i}"}}"#));
    }
    doc.push_str(r#"],"session_id":"ses-big","last_updated_at":"2026-11-22T00:00:00Z"}"#);
    doc.into_bytes()
}

/// A fetch that visits events, as `retrieve_visiting` and `retrieve_streaming` do: the
/// event count and session id of what it got.
pub type Fetch = fn(&Client, &mut dyn FnMut(&Event<'_>)) -> Result<(usize, String), ClientError>;

/// The events `parse_visiting` visits in `doc`, as text.
pub fn expected_events(doc: &[u8]) -> Vec<String> {
    let mut visited = Vec::new();
    let _: Session<'_> = Session::parse_visiting(doc, ParseOptions::default(), |e| {
        visited.push(format!("{e:?}"))
    })
    .unwrap();
    visited
}

/// `fetch` with every visited event recorded.
fn recording(
    fetch: Fetch,
    client: &Client,
    visited: &mut Vec<String>,
) -> Result<(usize, String), ClientError> {
    fetch(client, &mut |e| visited.push(format!("{e:?}")))
}

/// A body cut after events were visited is not fetched again, and the error says how many
/// were (checked when `overlapped`: the body is decoded while it arrives); one cut before
/// any event is retried, every event then visited once; a truncated body with no retries
/// left is a connection error.
pub fn not_fetched_again_after_visits(fetch: Fetch, key: &str, overlapped: bool) {
    let doc = Arc::new(big_session(3000, "\n", (0, 1000)));
    let want_events = expected_events(&doc);
    // Cut after 2.5 MiB: events were visited, so no retry although one is allowed.
    let server_cut = Server::script(vec![
        Reply::shared(200, doc.clone()).mode(BodyMode::Reset(5 << 19)),
        Reply::shared(200, doc.clone()),
    ]);
    let mut visited = Vec::new();
    let e = recording(fetch, &client(&server_cut, key, 2), &mut visited).unwrap_err();
    assert_eq!(e.kind(), ClientErrorKind::Connection, "{e}");
    if overlapped {
        assert!(!visited.is_empty());
        let note = format!(
            "not retried: {} events of the body were already visited",
            visited.len()
        );
        assert!(e.message().contains(&note), "{e}");
        assert_eq!((e.attempts(), server_cut.requests().len()), (1, 1));
        assert!(visited.as_slice() == &want_events[..visited.len()]);
    }

    let server = Server::script(vec![
        Reply::shared(200, doc.clone()).mode(BodyMode::Reset(20)),
        Reply::shared(200, doc.clone()).mode(BodyMode::Truncated(30)),
        Reply::shared(200, doc.clone()),
    ]);
    let mut visited = Vec::new();
    let (count, _) = recording(fetch, &client(&server, key, 2), &mut visited).unwrap();
    assert_eq!((server.requests().len(), count), (3, 3000));
    assert!(visited == want_events);

    let server = Server::script(vec![
        Reply::shared(200, doc.clone()).mode(BodyMode::Truncated(doc.len() - 10))
    ]);
    let e = recording(fetch, &client(&server, key, 0), &mut Vec::new()).unwrap_err();
    assert_eq!(e.kind(), ClientErrorKind::Connection, "{e}");
}

/// A visitor's panic reaches the caller, and the half-read connection is not reused: the
/// next call gets its whole session.
pub fn panicking_visitor_reaches_the_caller(fetch: Fetch, key: &str) {
    let doc = Arc::new(big_session(3000, "\n", (0, 1000)));
    let server = Server::script(vec![
        Reply::shared(200, doc),
        Reply::shared(200, Arc::new(SAMPLE.to_vec())),
    ]);
    let client = client(&server, key, 0);
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        fetch(&client, &mut |_| panic!("visitor failed"))
    }));
    let payload = panicked.expect_err("the visitor's panic reaches the caller");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"visitor failed"));
    let (count, _) = recording(fetch, &client, &mut Vec::new()).unwrap();
    assert_eq!(count, expected_events(SAMPLE).len());
    assert_eq!(server.requests().len(), 2);
}

/// A 503 is retried; a 404 is not, and the error carries the status but not the key.
pub fn statuses_and_retries_are_those_of_retrieve(fetch: Fetch, key: &str) {
    let server = Server::script(vec![
        Reply::json(503, r#"{"detail":"busy"}"#),
        Reply::json(200, SAMPLE),
    ]);
    let mut visited = Vec::new();
    let (_, id) = recording(fetch, &client(&server, key, 2), &mut visited).unwrap();
    assert_eq!(server.requests().len(), 2);
    assert_eq!((visited.len(), id.as_str()), (45, "ses-7f3a9c2e41b8"));

    let server = Server::script(vec![Reply::json(404, r#"{"detail":"Not Found"}"#)]);
    let e = recording(fetch, &client(&server, key, 2), &mut Vec::new()).unwrap_err();
    assert_eq!(e.kind(), ClientErrorKind::NotFound);
    assert_eq!(e.status(), Some(404));
    assert!(!format!("{e:?}{e}").contains(key));
}

/// Invalid bodies (a syntax error late in the body, invalid UTF-8 early, a control
/// character, not JSON), with a length and chunked: the decode error of `parse`, at the
/// line and column it gives on the whole body, with the request id and the body's
/// beginning, not retried.
pub fn bad_bodies_give_the_decode_error_of_parse(fetch: Fetch, key: &str) {
    let doc = big_session(3000, "\n", (0, 1000));
    let mut syntax = doc.clone();
    let at = syntax.len() - 100;
    let at = syntax[..at].windows(3).rposition(|w| w == b"},\n").unwrap();
    syntax[at + 1] = b':';
    let mut utf8 = doc.clone();
    utf8[1 << 20] = 0xff; // inside a text, early: certain as soon as it arrives
    let mut small = SAMPLE.to_vec();
    small[500] = 0x01; // a control character
    for doc in [syntax, utf8, small, b"not json".to_vec()] {
        let want = lcsession_core::parse(&doc).unwrap_err();
        let (line, column) = want.line_column(&doc);
        let doc = Arc::new(doc);
        for mode in [BodyMode::Full, BodyMode::Chunked(100_000)] {
            let server = Server::script(vec![Reply::shared(200, doc.clone())
                .mode(mode.clone())
                .header("x-request-id", "req_bad")]);
            let e = recording(fetch, &client(&server, key, 2), &mut Vec::new()).unwrap_err();
            assert_eq!(e.kind(), ClientErrorKind::InvalidBody, "{mode:?}: {e}");
            assert_eq!(e.decode_error(), Some(&want), "{mode:?}");
            let at = format!("(line {line}, column {column})");
            assert!(e.message().contains(&at), "{e}");
            assert_eq!(e.request_id(), Some("req_bad"));
            let head = e.body().expect("the body's beginning").as_bytes();
            assert!(head.len() + 4 > doc.len().min(8192), "{}", head.len());
            let lossy = String::from_utf8_lossy(&doc[..doc.len().min(8192)]);
            assert!(lossy.starts_with(&*String::from_utf8_lossy(head)));
            assert_eq!(server.requests().len(), 1, "an invalid body is not retried");
        }
    }
}
