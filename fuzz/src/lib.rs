//! Checks shared by the fuzz targets in `fuzz_targets/`.
//!
//! Every check panics (which libFuzzer reports as a crash) when lcsession-core breaks one of
//! its documented promises on some input: a parse that accepts must iterate completely and
//! consistently, every view must point into the input, every string must decode the same
//! way through every API, both parse paths must agree, and errors must point into the input.
#![deny(missing_docs)]

pub mod model;

use lcsession_core::{
    utf8_prefix, Error, ErrorKind, Event, EventBody, Field, Header, JsonStr, ParseOptions,
    RawValue, Segment, Session, SessionDecoder, Token, ValueKind,
};

/// Fully parses `data` the ways a user can, checks every invariant, and returns the default
/// parse's result.
pub fn check_session(data: &[u8]) -> Result<Session<'_>, Error> {
    let parsed: Result<Session<'_>, Error> = Session::parse(data);
    let mut visited = Vec::new();
    let one_pass: Result<Session<'_>, Error> =
        Session::parse_visiting(data, ParseOptions::default(), |e| visited.push(*e));
    match (&parsed, &one_pass) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b, "parse and parse_visiting disagree");
            let events: Vec<Event<'_>> = a.events().collect();
            assert_eq!(events, visited, "parse_visiting saw other events");
            check_parsed(data, a);
        }
        (Err(a), Err(b)) => {
            assert_eq!(a, b, "parse and parse_visiting give different errors");
            check_error(data, a);
        }
        _ => panic!("parse: {parsed:?}, parse_visiting: {one_pass:?}"),
    }

    // Smaller capacities fail only by capacity, and accept only what the defaults accept.
    match (Session::<4, 8, 1>::parse(data), &parsed) {
        (Ok(small), Ok(big)) => {
            assert_eq!(small.event_count(), big.event_count());
            assert_eq!(small.header().session_id, big.header().session_id.as_str());
        }
        (Ok(_), Err(e)) => panic!("small capacities accept what the defaults reject: {e}"),
        (Err(e), Ok(_)) => assert!(
            matches!(e.kind(), ErrorKind::Capacity { .. }),
            "small capacities fail with {e}"
        ),
        (Err(e), Err(_)) => check_error(data, &e),
    }

    // A lower depth limit fails only by depth, and accepts only what 128 accepts.
    let shallow: Result<Session<'_>, Error> =
        Session::parse_with(data, ParseOptions { max_depth: 6 });
    match (&shallow, &parsed) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Ok(_), Err(e)) => panic!("max_depth 6 accepts what 128 rejects: {e}"),
        (Err(e), Ok(_)) => assert_eq!(e.kind(), ErrorKind::DepthLimit { limit: 6 }),
        (Err(e), Err(_)) => check_error(data, e),
    }

    // A reused session parsed into gives the fresh parse, whatever it held before (here the
    // reference example, every optional field present); a failure leaves it empty.
    let mut reused = Session::parse(REFERENCE).expect("the reference example parses");
    let mut visited_into = Vec::new();
    let into = reused.parse_into_visiting(data, ParseOptions::default(), |e| visited_into.push(*e));
    match (&into, &parsed) {
        (Ok(()), Ok(fresh)) => {
            assert_eq!(
                &reused, fresh,
                "parse_into a reused session differs from parse"
            );
            assert_eq!(
                visited_into, visited,
                "parse_into_visiting saw other events"
            );
        }
        (Err(a), Err(b)) => {
            assert_eq!(a, b, "parse_into and parse give different errors");
            assert_eq!(
                reused,
                Session::default(),
                "a failed parse_into left data behind"
            );
        }
        _ => panic!("parse_into: {into:?}, parse: {parsed:?}"),
    }

    check_incremental(data, &one_pass, &visited);
    parsed
}

/// The reference example of the API contract: every header field present.
const REFERENCE: &[u8] = include_bytes!("../../core/tests/fixtures/reference.json");

/// The incremental decoder, fed `data` in pieces (cut at offsets taken from the data itself,
/// so the fuzzer steers them), must give what the one-pass parse gave: the same session and
/// the same events (each once, in order), or the same error.
pub fn check_incremental<'a>(
    data: &'a [u8],
    one_pass: &Result<Session<'a>, Error>,
    all: &[Event<'a>],
) {
    let len = data.len();
    let seed = data
        .iter()
        .take(8)
        .fold(7usize, |h, &b| h.wrapping_mul(31) ^ usize::from(b));
    let mut cuts: Vec<usize> = (1..6usize)
        .map(|k| seed.wrapping_mul(k) % (len + 1))
        .collect();
    cuts.sort_unstable();
    check_windowed(data, one_pass, all, &cuts);
    // Half the inputs go through `feed_str`, checked piece by piece with `utf8_prefix` as a
    // client does (back to `feed` once the bytes are not UTF-8, to report it). Independently,
    // half go through `feed_part` / `feed_str_part` before the input is complete and
    // `feed_into` / `feed_str_into` (into a reused session) on the last call.
    let text = seed & 1 == 1;
    let parts = seed & 2 == 2;
    let mut checked = 0;
    let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
    let mut visited = Vec::new();
    let mut result = None;
    for end in cuts.into_iter().chain([len]) {
        let input = &data[..end];
        let complete = end == len;
        let visit = |e: &Event<'a>| visited.push(*e);
        let text = match utf8_prefix(input, checked, complete) {
            Ok(valid) if text => {
                assert!(
                    valid >= checked && valid <= end,
                    "utf8_prefix went back or past"
                );
                checked = valid;
                Some(std::str::from_utf8(&input[..valid]).expect("utf8_prefix checked it"))
            }
            _ => None,
        };
        let fed = match (parts, complete, text) {
            (false, _, Some(text)) => decoder.feed_str(text, complete, visit),
            (false, _, None) => decoder.feed(input, complete, visit),
            (true, false, Some(text)) => decoder.feed_str_part(text, visit).map(|()| None),
            (true, false, None) => decoder.feed_part(input, visit).map(|()| None),
            (true, true, text) => {
                let mut into = Session::parse(REFERENCE).expect("the reference example parses");
                let done = match text {
                    Some(text) => decoder.feed_str_into(text, true, &mut into, visit),
                    None => decoder.feed_into(input, true, &mut into, visit),
                };
                match done {
                    Ok(true) => Ok(Some(into)),
                    Ok(false) => panic!("feed_into did not finish the complete input"),
                    Err(e) => Err(e),
                }
            }
        };
        match fed {
            Ok(None) => assert!(end < len, "no session for the complete input"),
            Ok(Some(session)) => {
                result = Some(Ok(session));
                break;
            }
            Err(e) => {
                result = Some(Err(e));
                break;
            }
        }
    }
    match (result, one_pass) {
        (Some(Ok(got)), Ok(want)) => {
            assert_eq!(&got, want, "the incremental decoder gives another session");
            assert_eq!(visited, all, "the incremental decoder visits other events");
        }
        (Some(Err(got)), Err(want)) => {
            assert_eq!(&got, want, "the incremental decoder gives another error");
            check_visited_before_error(data, &visited, all, "the incremental decoder");
        }
        (got, _) => panic!("incremental: {got:?}, one pass: {one_pass:?}"),
    }
}

/// After the same error as the one-pass parse, `who` visited the events that parse visited
/// before it (`all`). The one-pass parse checks UTF-8 first: with a bad byte anywhere it
/// visits nothing, where a decoder visits what came before it.
fn check_visited_before_error<T: PartialEq + std::fmt::Debug>(
    data: &[u8],
    visited: &[T],
    all: &[T],
    who: &str,
) {
    if std::str::from_utf8(data).is_ok() {
        assert_eq!(visited, all, "{who} visits other events");
    } else {
        assert!(
            all.is_empty(),
            "parse_visiting visited before invalid UTF-8"
        );
    }
}

/// `SessionDecoder::feed_window` fed `data` cut at `cuts`, each call given a fresh copy of
/// the bytes from the decoder's resume point only: the header, the event count, the events
/// visited and the error are those of the one-pass parse.
fn check_windowed<'a>(
    data: &[u8],
    one_pass: &Result<Session<'a>, Error>,
    all: &[Event<'a>],
    cuts: &[usize],
) {
    let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
    let mut visited = Vec::new();
    let mut base = 0;
    let mut result = None;
    // A cut can fall at the end of the input too: only the last call says it is complete.
    let calls = cuts.iter().map(|&cut| (cut, false));
    for (end, complete) in calls.chain([(data.len(), true)]) {
        let window = data[base..end.max(base)].to_vec();
        match decoder.feed_window(&window, base, complete, |e| visited.push(format!("{e:?}"))) {
            Ok(false) => assert!(!complete, "feed_window did not finish the complete input"),
            Ok(true) => {
                assert!(complete, "a session before the input was complete");
                result = Some(Ok(()));
            }
            Err(e) => {
                result = Some(Err(e));
                break;
            }
        }
        assert!(decoder.consumed() >= base && decoder.consumed() <= end.max(base));
        base = decoder.consumed();
    }
    let all: Vec<String> = all.iter().map(|e| format!("{e:?}")).collect();
    match (result, one_pass) {
        (Some(Ok(())), Ok(want)) => {
            assert_eq!(
                decoder.header(),
                want.header(),
                "feed_window gives another header"
            );
            assert_eq!(decoder.event_count(), want.event_count());
            assert_eq!(visited, all, "feed_window visits other events");
        }
        (Some(Err(got)), Err(want)) => {
            assert_eq!(&got, want, "feed_window gives another error");
            check_visited_before_error(data, &visited, &all, "feed_window");
        }
        (got, _) => panic!("feed_window: {got:?}, one pass: {one_pass:?}"),
    }
}

/// An error must point into the input (or just past its end) and describe itself.
pub fn check_error(data: &[u8], e: &Error) {
    assert!(
        e.offset() <= data.len(),
        "error offset {} beyond the input's {} bytes: {e}",
        e.offset(),
        data.len()
    );
    let (line, column) = e.line_column(data);
    assert!(line >= 1 && column >= 1);
    assert!(!e.to_string().is_empty());
}

/// Everything a user can read from an accepted session.
fn check_parsed(data: &[u8], s: &Session<'_>) {
    assert!(!data.is_empty(), "accepted an empty input");
    check_header(s.header());
    let root = s.raw();
    check_raw(data, root);
    assert_eq!(root.kind(), ValueKind::Object);
    check_raw(data, s.events_raw());
    assert_eq!(s.events_raw().kind(), ValueKind::Array);
    assert_eq!(s.events_raw().items().count(), s.event_count());

    let events = s.events();
    assert_eq!(events.len(), s.event_count());
    let mut n = 0;
    for (i, e) in events.enumerate() {
        assert_eq!(e.index, i);
        check_event(data, &e);
        n += 1;
    }
    assert_eq!(n, s.event_count());
    assert!(s.events().nth(s.event_count()).is_none());

    const TOP: [&str; 7] = [
        "events",
        "session_id",
        "last_updated_at",
        "generated_title",
        "index_ids",
        "job_metadata",
        "shared_access",
    ];
    let mut unknown = 0;
    for (key, value) in s.unknown_fields() {
        let key = decode(key);
        assert!(
            !TOP.contains(&key.as_str()),
            "known key {key:?} listed as unknown"
        );
        check_raw(data, value);
        walk(data, value, 0);
        unknown += 1;
    }
    let known = root
        .members()
        .filter(|(k, _)| TOP.iter().any(|t| k.eq_str(t)))
        .count();
    assert_eq!(known + unknown, root.members().count());
}

fn check_header<const I: usize, const T: usize, const L: usize>(h: &Header<I, T, L>) {
    let _ = format!("{h:?}");
    if let Field::Present(job) = &h.job_metadata {
        if let Field::Present(d) = &job.duration_ms {
            assert!(d.as_f64().is_ok_and(f64::is_finite));
        }
    }
}

fn check_event(data: &[u8], e: &Event<'_>) {
    check_raw(data, e.raw);
    assert_eq!(e.raw.kind(), ValueKind::Object);
    let ty = e.event_type();
    if let Some(tag) = ty.as_str() {
        if !e.inferred {
            let t = e
                .raw
                .get("type")
                .and_then(|v| v.as_str())
                .expect("typed event has a tag");
            assert!(t.eq_str(tag), "tag {t} for {ty:?}");
        }
    }
    match e.body {
        EventBody::ThinkingDelta { content }
        | EventBody::TextDelta { content }
        | EventBody::Thinking { content }
        | EventBody::Text { content }
        | EventBody::UserInput { content } => {
            assert_eq!(Some(content), e.content());
            check_str(data, content);
        }
        EventBody::ToolCall(c) => {
            check_str(data, c.call_id);
            check_str(data, c.name);
            check_raw(data, c.arguments);
            assert_eq!(c.arguments.kind(), ValueKind::Object);
            walk(data, c.arguments, 0);
        }
        EventBody::ToolResult(r) => {
            check_str(data, r.call_id);
            check_str(data, r.name);
            check_raw(data, r.result);
            walk(data, r.result, 0);
            if let Field::Present(img) = r.image_attachment {
                check_str(data, img.attachment_name);
                check_str(data, img.source_id);
            }
        }
        EventBody::Stop(stop) => {
            if let Some(err) = stop.error {
                check_str(data, err);
            }
            check_raw(data, stop.usage.raw);
            walk(data, stop.usage.raw, 0);
            if let Field::Present(d) = stop.usage.duration_ms {
                assert!(d.as_f64().is_ok_and(f64::is_finite));
            }
            if let Field::Present(list) = stop.skipped_index_ids {
                check_raw(data, list.raw());
                assert_eq!(list.iter().count(), list.raw().items().count());
                for id in list.iter() {
                    check_str(data, id);
                }
            }
        }
        EventBody::Unknown { type_name } => {
            check_str(data, type_name);
            walk(data, e.raw, 0);
        }
        EventBody::Untyped => walk(data, e.raw, 0),
    }
}

/// The view's text is exactly the input's bytes at its offset.
pub fn check_raw(data: &[u8], v: RawValue<'_>) {
    let text = v.as_raw_str().as_bytes();
    assert!(!text.is_empty(), "empty raw value");
    assert_eq!(
        data.get(v.offset()..v.offset() + text.len()),
        Some(text),
        "raw value not at its offset"
    );
    assert!(!text.first().is_some_and(u8::is_ascii_whitespace));
    assert!(!text.last().is_some_and(u8::is_ascii_whitespace));
}

/// A string borrowed from the input: its raw text lies inside the input and every decoding
/// API gives the same text.
pub fn check_str(data: &[u8], s: JsonStr<'_>) -> String {
    let raw = s.raw().as_bytes();
    let base = data.as_ptr() as usize;
    let at = raw.as_ptr() as usize;
    assert!(
        at >= base && at + raw.len() <= base + data.len(),
        "string not in the input"
    );
    decode(s)
}

/// Decodes `s` through every API and checks that they agree.
pub fn decode(s: JsonStr<'_>) -> String {
    let n = s.decoded_len();
    let mut buf = vec![0u8; n];
    let out = s
        .decode_into(&mut buf)
        .expect("exact buffer is enough")
        .to_owned();
    assert_eq!(out.len(), n);
    if n > 0 {
        let mut short = vec![0u8; n - 1];
        assert_eq!(
            s.decode_into(&mut short).map(|_| ()),
            Err(lcsession_core::BufferTooSmall { needed: n })
        );
    }
    assert_eq!(s.chars().collect::<String>(), out);
    let mut joined = String::new();
    for seg in s.segments() {
        match seg {
            Segment::Text(t) => {
                assert!(!t.is_empty(), "empty text segment");
                assert!(!t.contains('\\'), "escape left in a text segment");
                joined.push_str(t);
            }
            Segment::Char(c) => joined.push(c),
        }
    }
    assert_eq!(joined, out);
    assert_eq!(s.to_string(), out);
    assert!(s.eq_str(&out));
    assert!(s == out.as_str());
    let mut longer = out.clone();
    longer.push('x');
    assert!(!s.eq_str(&longer));
    assert_eq!(s.has_escapes(), s.raw().contains('\\'));
    if !s.has_escapes() {
        assert_eq!(s.as_str(), Some(out.as_str()));
    }
    let mut hs = lcsession_core::heapless::String::<64>::new();
    match s.decode_to_heapless(&mut hs) {
        Ok(()) => assert_eq!(hs.as_str(), out),
        Err(e) => {
            assert!(n > 64);
            assert_eq!(e.needed, n);
            assert!(hs.is_empty());
        }
    }
    out
}

/// The tokens of `v` found level by level: what `RawValue::tokens` must yield in one pass.
fn nested_tokens<'a>(v: RawValue<'a>, out: &mut Vec<Token<'a>>) {
    match v.kind() {
        ValueKind::Object => {
            out.push(Token::ObjectStart);
            for (key, value) in v.members() {
                out.push(Token::Key(key));
                nested_tokens(value, out);
            }
            out.push(Token::ObjectEnd);
        }
        ValueKind::Array => {
            out.push(Token::ArrayStart);
            for item in v.items() {
                nested_tokens(item, out);
            }
            out.push(Token::ArrayEnd);
        }
        ValueKind::String => out.push(Token::String(v.as_str().expect("a string"))),
        ValueKind::Number => out.push(Token::Number(v.as_raw_str())),
        ValueKind::Bool => out.push(Token::Bool(v.as_bool().expect("a bool"))),
        ValueKind::Null => out.push(Token::Null),
    }
}

/// A token with its strings as written (`Token`'s own equality compares decoded text).
fn exact<'a>(t: &Token<'a>) -> (Token<'a>, Option<&'a str>) {
    match t {
        Token::Key(s) | Token::String(s) => (*t, Some(s.raw())),
        _ => (*t, None),
    }
}

/// Walks a value completely, checking every accessor on every node (and, for the whole
/// value, that its token stream is the nested walk's).
pub fn walk(data: &[u8], v: RawValue<'_>, depth: usize) {
    assert!(depth <= 256, "deeper than any limit");
    if depth == 0 {
        let mut want = Vec::new();
        nested_tokens(v, &mut want);
        let got: Vec<_> = v.tokens().collect();
        assert!(
            got.iter().map(exact).eq(want.iter().map(exact)),
            "tokens {got:?} but the nested walk gives {want:?}"
        );
    }
    check_raw(data, v);
    let text = v.as_raw_str();
    match v.kind() {
        ValueKind::Null => assert!(v.is_null() && text == "null"),
        ValueKind::Bool => assert!(v.as_bool().is_some()),
        ValueKind::String => {
            check_str(data, v.as_str().expect("a string"));
        }
        ValueKind::Number => {
            assert_eq!(v.as_number_str(), Some(text));
            let f = v.as_f64();
            if let Ok(u) = v.as_u64() {
                assert_eq!(u.to_string(), text.trim_start_matches('-'));
                assert!(f.is_ok());
            }
            if let Ok(i) = v.as_i64() {
                assert!(f.is_ok());
                if i != 0 {
                    assert_eq!(i.to_string(), text);
                }
            }
            if let Ok(x) = f {
                assert!(x.is_finite());
                assert_eq!(text.parse::<f64>().ok(), Some(x));
            }
        }
        ValueKind::Array => {
            assert_eq!(v.members().count(), 0);
            let mut n = 0;
            for item in v.items() {
                walk(data, item, depth + 1);
                n += 1;
            }
            assert_eq!(n == 0, text[1..text.len() - 1].trim().is_empty());
        }
        ValueKind::Object => {
            assert_eq!(v.items().count(), 0);
            let mut n = 0;
            for (key, value) in v.members() {
                let k = check_str(data, key);
                let first = v.get(&k).expect("get finds every key");
                let first_match = v.members().find(|(k2, _)| *k2 == key).map(|(_, x)| x);
                assert_eq!(Some(first), first_match, "get returns the first match");
                walk(data, value, depth + 1);
                n += 1;
            }
            assert_eq!(n == 0, text[1..text.len() - 1].trim().is_empty());
        }
    }
    if v.kind() != ValueKind::Number {
        assert!(v.as_number_str().is_none());
        assert!(v.as_u64().is_err() && v.as_f64().is_err());
    }
}

/// Rebuilds a `serde_json::Value` from a walked value, numbers classified the way
/// `serde_json` does: non-negative integers that fit `u64`, negative ones that fit `i64`,
/// everything else (including `-0`) as `f64`; `None` for a float beyond `f64`.
pub fn to_value(v: RawValue<'_>) -> Option<serde_json::Value> {
    use serde_json::Value;
    Some(match v.kind() {
        ValueKind::Null => Value::Null,
        ValueKind::Bool => Value::Bool(v.as_bool()?),
        ValueKind::String => Value::String(decode(v.as_str()?)),
        ValueKind::Number => {
            let text = v.as_number_str()?;
            if !text.starts_with('-') {
                if let Ok(u) = v.as_u64() {
                    return Some(Value::from(u));
                }
            } else if let Ok(i) = v.as_i64() {
                if i != 0 {
                    return Some(Value::from(i));
                }
            }
            Value::from(v.as_f64().ok()?)
        }
        ValueKind::Array => Value::Array(v.items().map(to_value).collect::<Option<_>>()?),
        ValueKind::Object => {
            let mut map = serde_json::Map::new();
            for (k, x) in v.members() {
                map.insert(decode(k), to_value(x)?);
            }
            Value::Object(map)
        }
    })
}

/// True for `serde_json`'s "number out of range" (valid JSON it cannot hold in an `f64`).
pub fn serde_error_is_number_range(e: &serde_json::Error) -> bool {
    e.to_string().starts_with("number out of range")
}

/// True for `serde_json`'s recursion limit.
pub fn serde_error_is_depth(e: &serde_json::Error) -> bool {
    e.to_string().starts_with("recursion limit exceeded")
}
