//! `Client::retrieve_streaming` against the scripted loopback server: the header and the
//! events it visits are those of `retrieve` + `parse_visiting` in every framing, in memory
//! bounded by a few segments however large the body; errors and retries are those of
//! `retrieve_visiting`.
#![cfg(not(miri))]

use std::sync::Arc;
use std::time::Duration;

use lcsession::client::{
    Client, ClientError, ClientErrorKind, RetrieveOptions, StreamedSession, STREAM_HEADROOM,
    STREAM_SEGMENT, STREAM_SEGMENTS_AHEAD,
};
use lcsession_core::{Event, ParseOptions, Session};
use lcsession_testserver::{BodyMode, Reply, Server};

mod fetching;

use fetching::{big_session, SAMPLE};

const KEY: &str = "llx-streaming-test-key";

fn client(server: &Server, max_retries: u32) -> Client {
    fetching::client(server, KEY, max_retries)
}

/// The events `parse_visiting` visits, as text, and the header and count.
fn expected(doc: &[u8]) -> (Vec<String>, String) {
    let mut visited = Vec::new();
    let session: Session<'_> = Session::parse_visiting(doc, ParseOptions::default(), |e| {
        visited.push(format!("{e:?}"))
    })
    .unwrap();
    let header = format!("{:?} {}", session.header(), session.event_count());
    (visited, header)
}

fn streaming(client: &Client, visited: &mut Vec<String>) -> Result<StreamedSession, ClientError> {
    client.retrieve_streaming(
        "ses-big",
        &RetrieveOptions::default(),
        ParseOptions::default(),
        |e: &Event<'_>| visited.push(format!("{e:?}")),
    )
}

const SEGMENTS_MAX: usize = (STREAM_SEGMENTS_AHEAD + 2) * (STREAM_HEADROOM + STREAM_SEGMENT);

#[test]
fn same_header_and_events_as_parse_visiting_in_bounded_memory() {
    let big = Arc::new(big_session(8000, "\n", (0, 1000)));
    assert!(big.len() > 4 * SEGMENTS_MAX, "{}", big.len());
    // One event of 3 MiB: gathered across segments, then back to segments.
    let long = Arc::new(big_session(3000, "\n", (1500, 3 << 20)));
    for doc in [Arc::new(SAMPLE.to_vec()), big, long] {
        let (want_events, want_header) = expected(&doc);
        for mode in [
            BodyMode::Full,
            BodyMode::Stall(doc.len() / 3, Duration::from_millis(50)),
            BodyMode::Chunked(64 * 1024),
            BodyMode::CloseDelimited,
        ] {
            let server = Server::script(vec![Reply::shared(200, doc.clone())
                .mode(mode.clone())
                .header("x-request-id", "req_s")]);
            let client = client(&server, 0);
            for _ in 0..2 {
                let mut visited = Vec::new();
                let got = streaming(&client, &mut visited).unwrap();
                assert_eq!(
                    format!("{:?} {}", got.header(), got.event_count()),
                    want_header,
                    "{mode:?}"
                );
                assert!(visited == want_events, "{mode:?}: other events visited");
                assert_eq!(got.body_len(), doc.len() as u64);
                assert_eq!((got.status(), got.request_id()), (200, Some("req_s")));
                let longest = if doc.len() > 3 << 20 && doc.len() < 4 * SEGMENTS_MAX {
                    3 << 20
                } else {
                    0
                };
                assert!(
                    got.buffer_peak() <= SEGMENTS_MAX + 3 * longest,
                    "{mode:?}: {} bytes held for a body of {}",
                    got.buffer_peak(),
                    doc.len()
                );
                if longest > 0 {
                    assert!(got.buffer_peak() > longest, "the long event was gathered");
                }
            }
            if mode == BodyMode::Full {
                assert_eq!(server.connections(), 1, "the connection is reused");
            }
        }
    }
}

#[test]
fn bad_bodies_give_the_decode_error_of_parse() {
    fetching::bad_bodies_give_the_decode_error_of_parse(fetch_streaming, KEY);
}

/// `retrieve_streaming` as a [`fetching::Fetch`].
fn fetch_streaming(
    client: &Client,
    visit: &mut dyn FnMut(&Event<'_>),
) -> Result<(usize, String), ClientError> {
    let got = client.retrieve_streaming(
        "ses-big",
        &RetrieveOptions::default(),
        ParseOptions::default(),
        visit,
    )?;
    Ok((got.event_count(), got.header().session_id.to_string()))
}

#[test]
fn a_body_that_fails_after_visits_is_not_fetched_again() {
    fetching::not_fetched_again_after_visits(fetch_streaming, KEY, true);
}

#[test]
fn a_panicking_visitor_reaches_the_caller_and_the_client_goes_on() {
    fetching::panicking_visitor_reaches_the_caller(fetch_streaming, KEY);
}

#[test]
fn statuses_and_retries_are_those_of_retrieve() {
    fetching::statuses_and_retries_are_those_of_retrieve(fetch_streaming, KEY);
}

#[test]
fn a_body_over_the_limit_is_too_large() {
    let doc = Arc::new(big_session(3000, "\n", (0, 1000)));
    for mode in [BodyMode::Full, BodyMode::Chunked(64 * 1024)] {
        for (limit, ok) in [(doc.len() as u64 - 1, false), (doc.len() as u64, true)] {
            let server = Server::script(vec![Reply::shared(200, doc.clone()).mode(mode.clone())]);
            let client = Client::builder()
                .api_key("k")
                .base_url(server.base_url())
                .env(|_| None)
                .max_retries(2)
                .max_body_bytes(limit)
                .build()
                .unwrap();
            let mut visited = Vec::new();
            match streaming(&client, &mut visited) {
                Ok(got) => assert!(ok && got.event_count() == 3000, "{mode:?}"),
                Err(e) => {
                    assert!(!ok, "{mode:?} limit {limit}: {e}");
                    assert_eq!(e.kind(), ClientErrorKind::TooLarge, "{e}");
                    assert!(e.to_string().contains(&limit.to_string()), "{e}");
                    assert_eq!(server.requests().len(), 1, "not retried");
                    if !visited.is_empty() {
                        let note = format!("not retried: {} events", visited.len());
                        assert!(e.message().contains(&note), "{e}");
                    }
                }
            }
        }
    }
}

#[test]
fn a_certain_error_is_returned_without_waiting_for_the_rest() {
    // A bad escape in event 500, then, past the first segment, a pause longer than the
    // client's timeout: the error is the decoder's, from the bytes before the pause. Had the
    // decoder waited for the rest of the body (as it did while an error was certain only at
    // the end), the read would time out. (The read already waiting when the error is found
    // still ends with the timeout before the call returns: the reader is the caller's.)
    let mut doc = big_session(3000, "\n", (0, 1000));
    let at = doc
        .windows(5)
        .enumerate()
        .filter(|(_, w)| w == b"caf\\u")
        .nth(500)
        .map(|(i, _)| i + 3)
        .unwrap();
    doc[at + 1] = b'q';
    let parsed: Result<Session<'_>, _> = Session::parse(&doc);
    let want = parsed.map(drop).unwrap_err();
    assert_eq!(want.offset(), at);
    let doc = Arc::new(doc);
    let server = Server::script(vec![Reply::shared(200, doc.clone()).mode(BodyMode::Stall(
        STREAM_SEGMENT + 1000,
        Duration::from_secs(30),
    ))]);
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .env(|_| None)
        .max_retries(0)
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let mut visited = Vec::new();
    let e = streaming(&client, &mut visited).unwrap_err();
    assert_eq!(e.kind(), ClientErrorKind::InvalidBody, "{e}");
    assert!(
        e.message().contains(&format!("at byte {at}")),
        "{e}: the error of parse, {want}"
    );
    assert_eq!(visited.len(), want.event().unwrap(), "the events before it");
}
