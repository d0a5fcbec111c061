//! The incremental decoder ([`SessionDecoder`]) against the one-shot parse: fed the input in
//! pieces (cut anywhere, byte by byte included), it must give the same session, visit the
//! same events once each in order, and fail with the same error at the same offset, reported
//! as soon as the bytes received make it certain (a bad byte at once; running out of bytes,
//! or a number the end cuts, only at the end). The same holds for
//! `feed_str`, fed by a caller checking UTF-8 with `utf8_prefix`, for `feed_into` and
//! `feed_str_into`, which write the session into the caller's, and for `feed_part` and
//! `feed_str_part`, which never return one; and for `feed_window`, given only the bytes
//! from the decoder's resume point on (a fresh copy each call), which gives the header.

// Under Miri these property and cut-everywhere runs take many minutes each; the decoder only
// drives the scanner, whose every path the other suites run under Miri.
#![cfg(not(miri))]

mod common;

use common::mutation::mutation;
use common::{doc, REFERENCE, SAMPLE};
use lcsession_core::{utf8_prefix, Error, ErrorKind, Event, ParseOptions, Session, SessionDecoder};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;

/// What a decode produced: the events visited (their `Debug` text) and the session's parts,
/// or the error.
#[derive(Debug, PartialEq)]
struct Outcome {
    visited: Vec<String>,
    result: Result<String, Error>,
}

fn describe(session: &Session<'_>) -> String {
    let unknown: Vec<String> = session
        .unknown_fields()
        .map(|(k, v)| format!("{}={}@{}", k.raw(), v.as_raw_str(), v.offset()))
        .collect();
    let events: Vec<String> = session.events().map(|e| format!("{e:?}")).collect();
    format!(
        "{:?}\nroot@{} {}\nevents@{} {}\ncount {}\nunknown {unknown:?}\niterated {events:?}",
        session.header(),
        session.raw().offset(),
        session.raw().as_raw_str(),
        session.events_raw().offset(),
        session.events_raw().as_raw_str(),
        session.event_count(),
    )
}

fn one_shot(input: &[u8]) -> Outcome {
    let mut visited = Vec::new();
    let result = Session::parse_visiting(input, ParseOptions::default(), |e: &Event<'_>| {
        visited.push(format!("{e:?}"))
    });
    let result = result.map(|s| describe(&s));
    Outcome { visited, result }
}

/// How the test feeds the decoder.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Via {
    /// `feed`.
    Bytes,
    /// `utf8_prefix` and `feed_str`, as a client checking UTF-8 itself would, falling back
    /// to `feed` to report invalid UTF-8.
    Text,
    /// `feed_into`, into a session that holds another one until the call that completes it.
    BytesInto,
    /// `Text`, through `feed_str_into` and `feed_into`.
    TextInto,
    /// `feed_part` before the input is complete, then `feed`.
    BytesPart,
    /// `Text`, through `feed_str_part` before the input is complete.
    TextPart,
}

/// A session parsed from another document: what an `_into` call must replace whole, or leave
/// alone.
fn stale() -> Session<'static> {
    Session::parse(
        br#"{"session_id":"old","last_updated_at":"old","generated_title":"old",
        "index_ids":["old"],"job_metadata":{"turns":9},"shared_access":"old","x":1,
        "events":[{"type":"text","content":"old"}]}"#,
    )
    .expect("a valid session")
}

/// One call, as `via` says.
fn feed<'a>(
    decoder: &mut SessionDecoder,
    checked: &mut usize,
    via: Via,
    input: &'a [u8],
    complete: bool,
    visit: impl FnMut(&Event<'a>),
) -> Result<Option<Session<'a>>, Error> {
    let into = |decoder: &mut SessionDecoder, text: Option<&'a str>, visit| {
        let mut out = stale();
        let done = match text {
            Some(text) => decoder.feed_str_into(text, complete, &mut out, visit),
            None => decoder.feed_into(input, complete, &mut out, visit),
        }?;
        if !done {
            // Not written by a call that does not complete the session.
            assert_eq!(describe(&out), describe(&stale()));
        }
        Ok(done.then_some(out))
    };
    let text = match utf8_prefix(input, *checked, complete) {
        Ok(valid) if matches!(via, Via::Text | Via::TextInto | Via::TextPart) => {
            *checked = valid;
            Some(std::str::from_utf8(&input[..valid]).expect("utf8_prefix checked it"))
        }
        _ => None,
    };
    match (via, text) {
        (Via::TextPart, Some(text)) if !complete => {
            decoder.feed_str_part(text, visit).map(|()| None)
        }
        (Via::BytesPart | Via::TextPart, _) if !complete => {
            decoder.feed_part(input, visit).map(|()| None)
        }
        (Via::Text | Via::TextPart, Some(text)) => decoder.feed_str(text, complete, visit),
        (Via::Bytes | Via::Text | Via::BytesPart | Via::TextPart, _) => {
            decoder.feed(input, complete, visit)
        }
        (Via::BytesInto | Via::TextInto, text) => into(decoder, text, visit),
    }
}

/// Feeds `input` cut at `cuts` (any order, any values; clamped and sorted), then whole.
fn incremental(input: &[u8], cuts: &[usize], via: Via) -> Outcome {
    let mut cuts: Vec<usize> = cuts.iter().map(|&c| c.min(input.len())).collect();
    cuts.sort_unstable();
    let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
    let mut visited = Vec::new();
    let mut checked = 0;
    let d = &mut decoder;
    for &cut in &cuts {
        match feed(d, &mut checked, via, &input[..cut], false, |e| {
            visited.push(format!("{e:?}"))
        }) {
            Ok(None) => {}
            Ok(Some(_)) => panic!("a session before the input was complete"),
            Err(e) => {
                // An early error is certain (`check` compares it with the one-shot parse's)
                // and final; running out of bytes is never certain before the end.
                assert_ne!(e.kind(), ErrorKind::UnexpectedEnd, "early {e}");
                assert!(e.offset() < cut, "early {e} at the end of {cut} bytes");
                let again = feed(d, &mut checked, via, input, true, |_| panic!("visited"));
                assert_eq!(again.err(), Some(e));
                return Outcome {
                    visited,
                    result: Err(e),
                };
            }
        }
    }
    let result = feed(d, &mut checked, via, input, true, |e| {
        visited.push(format!("{e:?}"))
    });
    let result = result.map(|s| describe(&s.expect("complete input gives the session")));
    // Finished: later calls visit nothing and repeat the error, or give nothing.
    let again = feed(d, &mut checked, via, input, true, |_| {
        panic!("visited after the end")
    });
    match &result {
        Ok(_) => assert!(matches!(again, Ok(None))),
        Err(e) => assert_eq!(again.err(), Some(*e)),
    }
    Outcome { visited, result }
}

/// The header and event count of a session, as `feed_window` gives them.
fn header_of(header: &lcsession_core::Header, count: usize) -> String {
    format!("{header:?}\ncount {count}")
}

/// Feeds `input` cut at `cuts` through `feed_window`, each call given a fresh copy of the
/// input from the decoder's resume point only (the bytes before it are gone). The result is
/// the header and count, or the error.
fn windowed(input: &[u8], cuts: &[usize]) -> Outcome {
    let mut cuts: Vec<usize> = cuts.iter().map(|&c| c.min(input.len())).collect();
    cuts.sort_unstable();
    let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
    let mut visited = Vec::new();
    let mut base = 0;
    for &cut in &cuts {
        let window = input[base..cut].to_vec();
        match decoder.feed_window(&window, base, false, |e| visited.push(format!("{e:?}"))) {
            Ok(false) => {}
            Ok(true) => panic!("a session before the input was complete"),
            Err(e) => {
                assert_ne!(e.kind(), ErrorKind::UnexpectedEnd, "early {e}");
                assert!(e.offset() < cut, "early {e} at the end of {cut} bytes");
                let rest = input[base..].to_vec();
                let again = decoder.feed_window(&rest, base, true, |_| panic!("visited"));
                assert_eq!(again.err(), Some(e));
                return Outcome {
                    visited,
                    result: Err(e),
                };
            }
        }
        assert!(decoder.consumed() >= base && decoder.consumed() <= cut);
        base = decoder.consumed();
    }
    let window = input[base..].to_vec();
    let result = decoder.feed_window(&window, base, true, |e| visited.push(format!("{e:?}")));
    let result = result.map(|done| {
        assert!(done, "complete input completes the session");
        header_of(decoder.header(), decoder.event_count())
    });
    let again = decoder.feed_window(&window, base, true, |_| panic!("visited after the end"));
    match &result {
        Ok(_) => assert_eq!(again, Ok(false)),
        Err(e) => assert_eq!(again.err(), Some(*e)),
    }
    Outcome { visited, result }
}

/// The two agree; on an error, the decoder visited the events the one-shot parse visited
/// before it.
fn check(input: &[u8], cuts: &[usize]) -> Result<(), TestCaseError> {
    let want = one_shot(input);
    let got = incremental(input, cuts, Via::Bytes);
    prop_assert_eq!(&got.result, &want.result, "cuts {:?}", cuts);
    for via in [
        Via::Text,
        Via::BytesInto,
        Via::TextInto,
        Via::BytesPart,
        Via::TextPart,
    ] {
        let got_via = incremental(input, cuts, via);
        prop_assert_eq!(&got_via, &got, "{:?}, cuts {:?}", via, cuts);
    }
    let want_header = Session::parse(input).map(|s| header_of(s.header(), s.event_count()));
    let got_window = windowed(input, cuts);
    prop_assert_eq!(
        &got_window.result,
        &want_header,
        "feed_window, cuts {:?}",
        cuts
    );
    prop_assert_eq!(
        &got_window.visited,
        &got.visited,
        "feed_window, cuts {:?}",
        cuts
    );
    match &want.result {
        Ok(_) => prop_assert_eq!(&got.visited, &want.visited),
        // With invalid UTF-8 anywhere, the one-shot parse visits nothing (it checks UTF-8
        // first); the decoder visits what came before it.
        Err(_) if std::str::from_utf8(input).is_err() => {
            prop_assert!(want.visited.is_empty());
        }
        Err(_) => prop_assert_eq!(&got.visited, &want.visited),
    }
    Ok(())
}

fn config() -> Config {
    Config {
        cases: if cfg!(miri) { 4 } else { 256 },
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn cut_anywhere_agrees_with_one_shot(
        sample in any::<bool>(),
        cuts in prop::collection::vec(any::<Index>(), 0..12),
    ) {
        let input = if sample { SAMPLE } else { REFERENCE };
        let cuts: Vec<usize> = cuts.iter().map(|i| i.index(input.len() + 1)).collect();
        check(input, &cuts)?;
    }

    #[test]
    fn mutated_and_cut_agrees_with_one_shot(
        sample in any::<bool>(),
        mutations in prop::collection::vec(mutation(), 1..5),
        cuts in prop::collection::vec(any::<Index>(), 0..12),
    ) {
        let mut bytes = if sample { SAMPLE.to_vec() } else { REFERENCE.to_vec() };
        for m in &mutations {
            m.apply(&mut bytes);
        }
        let cuts: Vec<usize> = cuts.iter().map(|i| i.index(bytes.len() + 1)).collect();
        check(&bytes, &cuts)?;
    }
}

#[test]
fn byte_by_byte_agrees_with_one_shot() {
    let limit = if cfg!(miri) { 600 } else { usize::MAX };
    for input in [REFERENCE, &SAMPLE[..SAMPLE.len().min(limit)]] {
        let cuts: Vec<usize> = (0..=input.len()).collect();
        check(input, &cuts).unwrap();
    }
    let cuts: Vec<usize> = (0..=SAMPLE.len()).step_by(7).collect();
    check(SAMPLE, &cuts).unwrap();
}

#[test]
fn an_attempt_cut_at_any_byte_resumes_correctly() {
    // Byte by byte, most calls wait (the pending bytes must double); here every cut is an
    // attempt: one cut, then the whole input.
    let step = if cfg!(miri) { 97 } else { 1 };
    for cut in (0..=REFERENCE.len()).step_by(step) {
        check(REFERENCE, &[cut]).unwrap();
    }
    let step = if cfg!(miri) { 4001 } else { 31 };
    for cut in (0..=SAMPLE.len()).step_by(step) {
        check(SAMPLE, &[cut]).unwrap();
    }
}

#[test]
fn events_are_visited_as_soon_as_they_are_whole() {
    let input = doc(&[
        r#"{"type":"text","content":"one"}"#,
        r#"{"type":"text","content":"two"}"#,
    ]);
    let input = input.as_bytes();
    let end_of_first = input.windows(5).position(|w| w == b"one\"}").unwrap() + 5;
    let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
    let texts = std::cell::RefCell::new(Vec::new());
    let visit = |e: &Event<'_>| texts.borrow_mut().push(e.content().unwrap().to_string());
    assert!(decoder
        .feed(&input[..end_of_first - 1], false, visit)
        .unwrap()
        .is_none());
    assert_eq!(decoder.event_count(), 0);
    // A cut item is retried once the pending bytes have doubled.
    let pending = end_of_first - 1 - decoder.consumed();
    let again = end_of_first - 1 + pending;
    assert!(decoder
        .feed(&input[..again], false, visit)
        .unwrap()
        .is_none());
    assert_eq!(decoder.event_count(), 1);
    assert_eq!(decoder.consumed(), end_of_first);
    assert_eq!(*texts.borrow(), ["one"]);
    let session = decoder.feed(input, true, visit).unwrap().unwrap();
    assert_eq!(session.event_count(), 2);
    assert_eq!(*texts.borrow(), ["one", "two"]);
}

/// Feeds `input[..cut]` (which must not complete the session), then the whole input.
fn cut_then_whole<'a>(decoder: &mut SessionDecoder, input: &'a [u8], cut: usize) -> Session<'a> {
    assert!(decoder
        .feed(&input[..cut], false, |_| {})
        .unwrap()
        .is_none());
    decoder.feed(input, true, |_| {}).unwrap().unwrap()
}

#[test]
fn a_number_cut_by_the_end_waits_for_its_digits() {
    let input = br#"{"session_id":"s","last_updated_at":"t","events":[],"n":12345}"#;
    let cut = input.windows(3).position(|w| w == b"123").unwrap() + 2; // after "12"
    let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
    let session = cut_then_whole(&mut decoder, input, cut);
    let (key, value) = session.unknown_fields().next().unwrap();
    assert_eq!(key, "n");
    assert_eq!(value.as_u64(), Ok(12345));
}

#[test]
fn a_character_cut_by_the_end_waits_for_its_bytes() {
    let input = doc(&[r#"{"type":"text","content":"😀é"}"#]);
    let input = input.as_bytes();
    let emoji = input.iter().position(|&b| b == 0xF0).unwrap();
    for cut in emoji..emoji + 6 {
        let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
        let session = cut_then_whole(&mut decoder, input, cut);
        let text = session.events().next().unwrap().content().unwrap();
        assert_eq!(text, "😀é");
    }
}

#[test]
fn invalid_utf8_is_reported_as_soon_as_it_arrives() {
    let mut input = doc(&[r#"{"type":"text","content":"ab"}"#]).into_bytes();
    let bad = input.windows(2).position(|w| w == b"ab").unwrap() + 1;
    input[bad] = 0xFF;
    let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
    let err = decoder.feed(&input[..bad + 1], false, |_| {}).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset(), err.event()),
        (ErrorKind::InvalidUtf8, bad, Some(0))
    );
    assert_eq!(
        err.to_string(),
        format!("event 0: invalid UTF-8 at byte {bad}")
    );
    assert_eq!(one_shot(&input).result, Err(err));
}

/// Feeds `input` in pieces of `piece` bytes (not complete); the first error and the length
/// fed when it came, or `None`.
fn first_early_error(input: &[u8], piece: usize) -> Option<(Error, usize)> {
    let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
    (1..input.len()).step_by(piece).find_map(|end| {
        decoder
            .feed_part(&input[..end], |_| {})
            .err()
            .map(|e| (e, end))
    })
}

#[test]
fn a_certain_error_is_reported_before_the_rest_arrives() {
    // A syntax error in the first event, then a megabyte the decoder need not wait for (nor
    // hold, through `feed_window`): its error is that of the one-shot parse.
    let big = "x".repeat(1 << 20);
    let input = doc(&[
        r#"{"type":"text","content":"a",}"#,
        &format!(r#"{{"type":"text","content":"{big}"}}"#),
    ]);
    let input = input.as_bytes();
    let at = input.windows(2).position(|w| w == b",}").unwrap() + 1;
    let (err, fed) = first_early_error(input, 64).expect("reported early");
    assert_eq!(Err(err), one_shot(input).result);
    assert_eq!(err.offset(), at);
    assert!(fed < 2 * at + 64, "reported after {fed} bytes");
    // Each kind of bad byte, in a string, an event, a value, after the session.
    for (bad, kind) in [
        (
            r#"{"type":"text","content":"a\qb"}"#,
            ErrorKind::InvalidEscape,
        ),
        (
            r#"{"type":"text","content":"\ud800x"}"#,
            ErrorKind::LoneSurrogate,
        ),
        (
            r#"{"type":"text","content":"a	b"}"#,
            ErrorKind::ControlCharacter,
        ),
        (
            r#"{"type":"tool_call","call_id":"c","name":"n","arguments":{"a":[1,]}}"#,
            ErrorKind::UnexpectedByte {
                found: b']',
                expected: "a JSON value",
            },
        ),
    ] {
        let input = doc(&[bad, &format!(r#"{{"type":"text","content":"{big}"}}"#)]);
        let input = input.as_bytes();
        let (err, fed) = first_early_error(input, 4096).expect(bad);
        assert_eq!(Err(err), one_shot(input).result, "{bad}");
        assert_eq!(err.kind(), kind, "{bad}");
        assert!(fed < 16 * 1024, "{bad}: reported after {fed} bytes");
    }
    let input = format!(r#"{{"session_id":"s","last_updated_at":"t","events":[]}} x{big}"#);
    let (err, _) = first_early_error(input.as_bytes(), 4096).expect("trailing bytes");
    assert_eq!(Err(err), one_shot(input.as_bytes()).result);
    assert_eq!(err.kind(), ErrorKind::TrailingBytes);
}

#[test]
fn a_number_cut_by_the_end_is_not_yet_an_error() {
    // Out of range as far as it goes, but what it is depends on what follows: more digits,
    // a fraction (then it is no integer at all), or its end.
    let head = r#"{"session_id":"s","last_updated_at":"t","job_metadata":{"turns":"#;
    let digits = "99999999999999999999";
    for (rest, want) in [
        ("}}", "out of range"),
        (".5}}", "integer"),
        ("9e-30}}", "integer"),
    ] {
        let input = format!("{head}{digits}{rest}");
        let input = input.as_bytes();
        let cut = head.len() + digits.len();
        let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
        assert_eq!(decoder.feed_part(&input[..cut], |_| {}), Ok(()), "{rest}");
        let err = decoder.feed(input, true, |_| {}).unwrap_err();
        assert_eq!(Err(err), one_shot(input).result, "{rest}");
        assert!(err.to_string().contains(want), "{rest}: {err}");
    }
    // A byte that cannot continue the number makes it certain.
    let input = format!("{head}{digits}}}}}");
    let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
    let err = decoder
        .feed_part(&input.as_bytes()[..head.len() + digits.len() + 1], |_| {})
        .unwrap_err();
    assert_eq!(Err(err), one_shot(input.as_bytes()).result);
}

#[test]
fn trailing_bytes_and_missing_fields_are_reported_at_the_end() {
    for input in [
        &br#"{"session_id":"s","last_updated_at":"t"} x"#[..],
        br#"{"session_id":"s","events":[]}"#,
        br#"  [1]"#,
        b"",
        b"   ",
    ] {
        let cuts: Vec<usize> = (0..=input.len()).collect();
        check(input, &cuts).unwrap();
        assert!(one_shot(input).result.is_err());
    }
}

#[test]
fn a_huge_event_fed_in_small_pieces_is_visited_once() {
    // One event with a 1 MiB text, fed 1 KiB at a time (the unit tests in `decoder.rs` count
    // the attempts: about log2 of the pieces, not one per piece).
    // Miri: 16 KiB in 16-byte pieces.
    let (size, piece) = if cfg!(miri) {
        (1 << 14, 16)
    } else {
        (1 << 20, 1024)
    };
    let text = "x".repeat(size);
    let input = doc(&[&format!(r#"{{"type":"text","content":"{text}"}}"#)]);
    let input = input.as_bytes();
    let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
    let mut visits = 0;
    for cut in (0..input.len()).step_by(piece) {
        assert!(decoder
            .feed(&input[..cut], false, |_| visits += 1)
            .unwrap()
            .is_none());
    }
    let session = decoder.feed(input, true, |_| visits += 1).unwrap().unwrap();
    assert_eq!((visits, session.event_count()), (1, 1));
}

#[test]
fn a_window_that_starts_after_the_resume_point_is_an_error_there() {
    let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
    let mut visited = 0;
    assert_eq!(
        decoder.feed_window(&REFERENCE[..200], 0, false, |_| visited += 1),
        Ok(false)
    );
    let resume = decoder.consumed();
    assert!(resume > 0 && resume < 200);
    let from = resume + 1;
    let err = decoder
        .feed_window(&REFERENCE[from..], from, true, |_| visited += 1)
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (ErrorKind::UnexpectedEnd, resume)
    );
    // Final, like any error.
    let again = decoder.feed_window(&REFERENCE[resume..], resume, true, |_| visited += 1);
    assert_eq!(again, Err(err));
    // Also from a decoder waiting for more bytes (an event cut at 200: nothing to do before
    // the pending bytes double), which would otherwise return without looking.
    let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
    assert_eq!(
        decoder.feed_window(&REFERENCE[..200], 0, false, |_| {}),
        Ok(false)
    );
    let resume = decoder.consumed();
    let late = decoder.feed_window(&REFERENCE[resume + 1..201], resume + 1, false, |_| {});
    assert_eq!(late, Err(err));
}
