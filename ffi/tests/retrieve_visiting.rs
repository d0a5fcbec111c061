//! `Client::retrieve_visiting` against the scripted loopback server: the session and the
//! events it visits are exactly those of `retrieve` + `parse_visiting`, in every framing and
//! size (large bodies are decoded while they arrive, on Linux); a bad body gives the same
//! decode error; a body that fails after events were visited is not fetched again.
#![cfg(not(miri))]

use std::sync::Arc;
use std::time::{Duration, Instant};

use lcsession::client::{Client, ClientError, ClientErrorKind, RetrieveOptions, RetrievedSession};
use lcsession_core::{Event, ParseOptions, Session};
use lcsession_testserver::{BodyMode, Reply, Server};

mod fetching;

use fetching::{big_session, SAMPLE};

const KEY: &str = "llx-visiting-test-key";

fn client(server: &Server, max_retries: u32) -> Client {
    fetching::client(server, KEY, max_retries)
}

/// The events `parse_visiting` visits, as text.
fn expected(doc: &[u8]) -> (Vec<String>, String) {
    let mut visited = Vec::new();
    let session: Session<'_> = Session::parse_visiting(doc, ParseOptions::default(), |e| {
        visited.push(format!("{e:?}"))
    })
    .unwrap();
    (visited, format!("{session:?}"))
}

fn visiting(client: &Client, visited: &mut Vec<String>) -> Result<RetrievedSession, ClientError> {
    client.retrieve_visiting(
        "ses-big",
        &RetrieveOptions::default(),
        ParseOptions::default(),
        |e: &Event<'_>| visited.push(format!("{e:?}")),
    )
}

#[test]
fn same_session_and_events_as_parse_visiting_in_every_framing() {
    let big = Arc::new(big_session(3000, "", (0, 1000)));
    assert!(
        big.len() > 2 << 20,
        "large enough for the overlapped receive"
    );
    for doc in [Arc::new(SAMPLE.to_vec()), big] {
        let (want_events, want_session) = expected(&doc);
        for mode in [
            BodyMode::Full,
            BodyMode::Stall(doc.len() / 3, Duration::from_millis(50)),
            BodyMode::Chunked(64 * 1024),
            BodyMode::CloseDelimited,
        ] {
            let server = Server::script(vec![Reply::shared(200, doc.clone()).mode(mode.clone())]);
            let client = client(&server, 0);
            for _ in 0..2 {
                let mut visited = Vec::new();
                let got = visiting(&client, &mut visited).unwrap();
                assert!(got.body().as_bytes() == doc.as_slice(), "{mode:?}");
                assert_eq!(got.body().status(), 200);
                assert_eq!(format!("{:?}", got.session()), want_session, "{mode:?}");
                assert!(visited == want_events, "{mode:?}: other events visited");
                assert!(got.into_body().as_bytes() == doc.as_slice());
            }
            if mode == BodyMode::Full {
                assert_eq!(
                    server.connections(),
                    1,
                    "{mode:?}: the connection is reused"
                );
            }
        }
    }
}

#[test]
fn large_bodies_are_decoded_while_they_arrive() {
    // The server sends a third, pauses, then the rest, with a `Content-Length` or chunked:
    // on Linux the events of the first third are visited during the pause. (Elsewhere the
    // body is decoded once received.)
    let doc = Arc::new(big_session(3000, "", (0, 1000)));
    let pause = Duration::from_millis(800);
    let third = doc.len() / 3;
    for mode in [
        BodyMode::Stall(third, pause),
        BodyMode::ChunkedStall(64 * 1024, third, pause),
    ] {
        let server = Server::script(vec![Reply::shared(200, doc.clone()).mode(mode.clone())]);
        let client = client(&server, 0);
        let start = Instant::now();
        let mut first_visit = None;
        let got = client
            .retrieve_visiting(
                "ses-big",
                &RetrieveOptions::default(),
                ParseOptions::default(),
                |_: &Event<'_>| {
                    first_visit.get_or_insert_with(|| start.elapsed());
                },
            )
            .unwrap();
        let total = start.elapsed();
        assert_eq!(got.session().event_count(), 3000);
        assert_eq!(got.body().as_bytes(), doc.as_slice(), "{mode:?}");
        assert!(total >= pause);
        let first_visit = first_visit.unwrap();
        if cfg!(target_os = "linux") {
            assert!(
                first_visit + pause / 2 < total,
                "{mode:?}: first event visited at {first_visit:?} of {total:?}: not during the pause"
            );
        } else {
            assert!(first_visit + pause / 2 >= total);
        }
    }
}

#[test]
fn a_chunked_body_over_the_limit_is_too_large_after_its_first_events() {
    // Limits between 2 MiB and 1 GiB receive a chunked body into a reservation of the limit
    // (decoded while it arrives): one byte over is refused, the limit itself is accepted.
    let doc = Arc::new(big_session(3000, "", (0, 1000)));
    assert!(doc.len() > 2 << 20, "{}", doc.len());
    for (limit, ok) in [(doc.len() as u64 - 1, false), (doc.len() as u64, true)] {
        let chunked = Reply::shared(200, doc.clone()).mode(BodyMode::Chunked(64 * 1024));
        let server = Server::script(vec![chunked.clone(), chunked]);
        let client = Client::builder()
            .api_key("k")
            .base_url(server.base_url())
            .env(|_| None)
            .max_retries(0)
            .max_body_bytes(limit)
            .build()
            .unwrap();
        let mut visited = 0;
        let got = client.retrieve_visiting(
            "ses-big",
            &RetrieveOptions::default(),
            ParseOptions::default(),
            |_: &Event<'_>| visited += 1,
        );
        match got {
            Ok(got) => {
                assert!(ok, "limit {limit}");
                assert_eq!(got.body().as_bytes(), doc.as_slice());
                assert_eq!(visited, 3000);
            }
            Err(e) => {
                assert!(!ok, "limit {limit}: {e}");
                assert_eq!(e.kind(), ClientErrorKind::TooLarge, "{e}");
                assert!(visited < 3000, "{visited}");
            }
        }
        // `retrieve` (no decoding) reads into a reservation too.
        let body = client.retrieve("ses-big", &RetrieveOptions::default());
        match body {
            Ok(body) => assert!(ok && body.as_bytes() == doc.as_slice()),
            Err(e) => assert!(!ok && e.kind() == ClientErrorKind::TooLarge, "{e}"),
        }
    }
}

#[test]
fn bad_bodies_give_the_decode_error_of_parse() {
    fetching::bad_bodies_give_the_decode_error_of_parse(fetch_visiting, KEY);
}

/// `retrieve_visiting` as a [`fetching::Fetch`].
fn fetch_visiting(
    client: &Client,
    visit: &mut dyn FnMut(&Event<'_>),
) -> Result<(usize, String), ClientError> {
    let got = client.retrieve_visiting(
        "ses-big",
        &RetrieveOptions::default(),
        ParseOptions::default(),
        visit,
    )?;
    let header = got.session().header();
    Ok((got.session().event_count(), header.session_id.to_string()))
}

#[test]
fn a_body_that_fails_after_visits_is_not_fetched_again() {
    // Elsewhere than Linux the body is received whole, then decoded.
    let overlapped = cfg!(target_os = "linux");
    fetching::not_fetched_again_after_visits(fetch_visiting, KEY, overlapped);
}

#[test]
fn a_panicking_visitor_reaches_the_caller_and_the_client_goes_on() {
    fetching::panicking_visitor_reaches_the_caller(fetch_visiting, KEY);
}

#[test]
fn statuses_and_retries_are_those_of_retrieve() {
    fetching::statuses_and_retries_are_those_of_retrieve(fetch_visiting, KEY);
}

const TITLE_PIECE: &str = "Résumé 📈 ";
const TITLE_REPEAT: usize = 2000 / TITLE_PIECE.len();

/// `doc` (a session object without a title and index ids) with a ~2,000-byte title of multi-byte characters and 40 index
/// ids: over the default capacities (512-byte texts, 16 list items).
fn with_big_header(doc: &[u8]) -> Vec<u8> {
    let mut doc = doc.to_vec();
    let close = doc.iter().rposition(|&b| b == b'}').unwrap();
    doc.truncate(close);
    let title = TITLE_PIECE.repeat(TITLE_REPEAT);
    let ids: Vec<String> = (0..40).map(|i| format!("\"idx-{i}\"")).collect();
    doc.extend_from_slice(
        format!(
            r#","generated_title":"{title}","index_ids":[{}]}}"#,
            ids.join(",")
        )
        .as_bytes(),
    );
    doc
}

#[test]
fn other_capacities_through_retrieve_visiting_with() {
    type Big<'a> = Session<'a, 128, 4096, 64>;
    // Received whole, then decoded (20 KiB); decoded while it arrives (3 MiB).
    for doc in [
        with_big_header(&big_session(20, "", (0, 1000))),
        with_big_header(&big_session(3000, "", (0, 1000))),
    ] {
        let doc = Arc::new(doc);
        let mut want_events = Vec::new();
        let want: Big<'_> = Session::parse_visiting(&doc, ParseOptions::default(), |e| {
            want_events.push(format!("{e:?}"))
        })
        .unwrap();
        assert_eq!(
            want.header().index_ids.present().map(|ids| ids.len()),
            Some(40)
        );
        let server = Server::script(vec![
            Reply::shared(200, doc.clone()),
            Reply::shared(200, doc.clone()),
        ]);
        let client = client(&server, 0);

        // The default capacities reject the title, as `retrieve` + `parse` would.
        let e = visiting(&client, &mut Vec::new()).unwrap_err();
        assert_eq!(e.kind(), ClientErrorKind::InvalidBody, "{e}");
        let want_error = lcsession_core::parse(&doc).unwrap_err();
        assert_eq!(e.decode_error(), Some(&want_error));
        assert!(e.to_string().contains("generated_title"), "{e}");

        let (mut visited, mut calls) = (Vec::new(), 0);
        let title_len = client
            .retrieve_visiting_with::<128, 4096, 64, _>(
                "ses-big",
                &RetrieveOptions::default(),
                ParseOptions::default(),
                |e| visited.push(format!("{e:?}")),
                |body, session| {
                    calls += 1;
                    assert!(body.as_bytes() == doc.as_slice());
                    assert_eq!(format!("{session:?}"), format!("{want:?}"));
                    session.header().generated_title.present().map(|t| t.len())
                },
            )
            .unwrap();
        assert_eq!(
            (calls, title_len),
            (1, Some(TITLE_PIECE.len() * TITLE_REPEAT))
        );
        assert!(visited == want_events, "other events visited");
        assert_eq!(server.requests().len(), 2);
    }
}

#[test]
fn retrieve_visiting_with_calls_nothing_on_failure() {
    let mut bad = with_big_header(&big_session(3000, "", (0, 1000)));
    let title = bad
        .windows(17)
        .rposition(|w| w == b"generated_title\":")
        .unwrap();
    bad[title + 18 + 13] = b'\x01'; // the first title piece's last space, after all events
    let bad = Arc::new(bad);
    let want = Session::<128, 4096, 64>::parse(&bad).unwrap_err();
    assert_eq!(want.kind(), lcsession_core::ErrorKind::ControlCharacter);
    let server = Server::script(vec![
        Reply::shared(200, bad.clone()).header("x-request-id", "req_bad"),
        Reply::json(404, r#"{"detail":"Not Found"}"#),
    ]);
    let client = client(&server, 2);
    let mut called = false;
    let mut retrieve = || {
        client.retrieve_visiting_with::<128, 4096, 64, _>(
            "ses-big",
            &RetrieveOptions::default(),
            ParseOptions::default(),
            |_| {},
            |_, _| called = true,
        )
    };
    let e = retrieve().unwrap_err();
    assert_eq!(e.kind(), ClientErrorKind::InvalidBody, "{e}");
    assert_eq!(e.decode_error(), Some(&want));
    assert_eq!(e.request_id(), Some("req_bad"));
    assert_eq!(e.attempts(), 1);
    let e = retrieve().unwrap_err();
    assert_eq!(e.kind(), ClientErrorKind::NotFound);
    assert!(!called, "`then` runs only for a valid session");
    assert_eq!(server.requests().len(), 2, "neither is retried");
}

#[test]
fn retrieve_parsed_with_retries_a_body_cut_after_its_events_were_decoded() {
    // Cut at 80% (thousands of events decoded): `retrieve_visiting` must not fetch it again,
    // `retrieve_parsed_with` (no visitor) does, like `retrieve`.
    let doc = Arc::new(big_session(3000, "", (0, 1000)));
    let (_, want_session) = expected(&doc);
    let cut = doc.len() * 4 / 5;
    for mode in [BodyMode::Truncated(cut), BodyMode::Reset(cut)] {
        let server = Server::script(vec![
            Reply::shared(200, doc.clone()).mode(mode.clone()),
            Reply::shared(200, doc.clone()),
        ]);
        let got = client(&server, 2)
            .retrieve_parsed_with::<128, 512, 16, _>(
                "ses-big",
                &RetrieveOptions::default(),
                ParseOptions::default(),
                |body, session| {
                    assert!(body.as_bytes() == doc.as_slice());
                    format!("{session:?}")
                },
            )
            .unwrap();
        assert_eq!(got, want_session, "{mode:?}");
        assert_eq!(server.requests().len(), 2, "{mode:?}");

        // The same cut with a visitor: one request, the error names the visited events.
        let server = Server::script(vec![
            Reply::shared(200, doc.clone()).mode(mode.clone()),
            Reply::shared(200, doc.clone()),
        ]);
        let e = visiting(&client(&server, 2), &mut Vec::new()).unwrap_err();
        assert!(e.to_string().contains("not retried"), "{e}");
        assert_eq!(server.requests().len(), 1, "{mode:?}");
    }
}
