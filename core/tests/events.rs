//! Events: every type and field, missing / null / present, wrong types with exact locations
//! and offsets, unknown and untyped events, inference, duplicates and escaped keys.

mod common;

use common::{assert_err, at, doc, ev, f64_of, parse_err, to_value, SAMPLE};
use lcsession_core::{
    Error, ErrorKind, Event, EventBody, EventType, Field, JsonType, NumberError, ParseOptions,
    Session, ValueKind,
};

type DefaultSession<'a> = Session<'a>;

/// Two valid events placed before the event under test, so indices are checked (it is event 2).
const E0: &str = r#"{"type":"text","content":"a"}"#;
const E1: &str = r#"{"type":"user_input","content":"b"}"#;

/// The single event of a minimal session (the document is leaked: tests only).
fn one(event: &str) -> Event<'static> {
    let d: &'static str = Box::leak(doc(&[event]).into_boxed_str());
    let session =
        lcsession_core::parse(d.as_bytes()).unwrap_or_else(|e| panic!("rejected: {e} in {d}"));
    assert_eq!(session.event_count(), 1);
    let mut events = session.events();
    let e = events.next().expect("one event");
    assert!(events.next().is_none());
    assert_eq!(e.index, 0);
    assert_eq!(e.raw.as_raw_str(), event.trim());
    e
}

/// Places `event` as event 2 and returns the document and the event's byte offset.
fn placed(event: &str) -> (String, usize) {
    let d = doc(&[E0, E1, event]);
    let start = common::HEAD.len() + E0.len() + 1 + E1.len() + 1;
    assert_eq!(&d[start..start + event.len()], event);
    (d, start)
}

/// Parses `event` as event 2 and returns the error, the document and the event's offset.
fn event_err(event: &str) -> (Error, String, usize) {
    let (d, start) = placed(event);
    (parse_err(&d), d, start)
}

/// Offset inside `event` of the value of member `key` (first occurrence, compact JSON).
fn value_at(event: &str, key: &str) -> usize {
    at(event, &format!("\"{key}\":")) + key.len() + 3
}

fn event_json(ty: &str, fields: &[(&str, &str)]) -> String {
    let mut s = format!(r#"{{"type":"{ty}""#);
    for (k, v) in fields {
        s.push_str(&format!(r#","{k}":{v}"#));
    }
    s.push('}');
    s
}

// ---------------------------------------------------------------------------------------------
// The five text-bearing types

#[test]
fn text_types_decode_content_with_escapes() {
    let raw = r#"line\n\"quoted\" back\\slash \/ tab\t caf\u00e9 \ud83d\ude00 raw é 中 😀"#;
    let want = "line\n\"quoted\" back\\slash / tab\t café 😀 raw é 中 😀";
    for (tag, ty) in EventType::KNOWN.iter().take(5) {
        let e = one(&format!(r#"{{"type":"{tag}","content":"{raw}"}}"#));
        assert_eq!(e.event_type(), *ty);
        assert_eq!(ty.as_str(), Some(*tag));
        assert!(!e.inferred);
        let content = e.content().expect("content");
        assert_eq!(content, want);
        assert_eq!(content.raw(), raw);
        assert!(content.has_escapes());
        assert_eq!(content.as_str(), None);
        let body_content = match e.body {
            EventBody::ThinkingDelta { content } => (EventType::ThinkingDelta, content),
            EventBody::TextDelta { content } => (EventType::TextDelta, content),
            EventBody::Thinking { content } => (EventType::Thinking, content),
            EventBody::Text { content } => (EventType::Text, content),
            EventBody::UserInput { content } => (EventType::UserInput, content),
            other => panic!("{other:?}"),
        };
        assert_eq!(body_content, (*ty, content));
        assert!(e.tool_call().is_none() && e.tool_result().is_none() && e.stop().is_none());
    }
}

#[test]
fn plain_content_borrows_and_empty_content_is_fine() {
    let e = one(r#"{"type":"text_delta","content":"Hel"}"#);
    assert_eq!(e.content().unwrap().as_str(), Some("Hel"));
    let e = one(r#"{"content":"","type":"text"}"#);
    assert_eq!(e.content().unwrap().as_str(), Some(""));
    assert_eq!(e.event_type(), EventType::Text);
}

#[test]
fn event_type_names() {
    let names: Vec<_> = EventType::KNOWN.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "thinking_delta",
            "text_delta",
            "thinking",
            "text",
            "user_input",
            "tool_call",
            "tool_result",
            "stop"
        ]
    );
    for (name, ty) in EventType::KNOWN {
        assert_eq!(ty.as_str(), Some(name));
    }
    assert_eq!(EventType::Unknown.as_str(), None);
    assert_eq!(EventType::Untyped.as_str(), None);
}

// ---------------------------------------------------------------------------------------------
// tool_call

const ARGS: &str = r#"{"query":"Q3 \"rev\" caf\u00e9","top_k":5,"neg":-7,"big":18446744073709551615,"ratio":0.35,"exp":2E+2,"negzero":-0,"flag":true,"off":false,"none":null,"filters":{"year":2025,"tags":["a","b",{"deep":[1,[2,[3]]]}]},"empty_obj":{},"empty_arr":[],"query":"second"}"#;

#[test]
fn tool_call_arguments_are_walkable() {
    let e = one(&format!(
        r#"{{"type":"tool_call","call_id":"c\u0031","name":"search","arguments":{ARGS}}}"#
    ));
    assert_eq!(e.event_type(), EventType::ToolCall);
    let call = e.tool_call().unwrap();
    assert_eq!(call.call_id, "c1");
    assert!(call.call_id.has_escapes());
    assert_eq!(call.name.as_str(), Some("search"));
    let args = call.arguments;
    assert_eq!(args.kind(), ValueKind::Object);
    assert_eq!(args.as_raw_str(), ARGS);

    // The first `query` wins for `get`; `members` shows both, in order.
    assert_eq!(
        args.get("query").unwrap().as_str().unwrap(),
        "Q3 \"rev\" café"
    );
    let keys: Vec<String> = args.members().map(|(k, _)| k.to_string()).collect();
    assert_eq!(
        keys,
        [
            "query",
            "top_k",
            "neg",
            "big",
            "ratio",
            "exp",
            "negzero",
            "flag",
            "off",
            "none",
            "filters",
            "empty_obj",
            "empty_arr",
            "query"
        ]
    );

    let top_k = args.get("top_k").unwrap();
    assert_eq!(top_k.kind(), ValueKind::Number);
    assert_eq!(top_k.as_number_str(), Some("5"));
    assert_eq!(top_k.as_u64(), Ok(5));
    assert_eq!(top_k.as_i64(), Ok(5));
    assert_eq!(top_k.as_f64(), Ok(5.0));

    let neg = args.get("neg").unwrap();
    assert_eq!(neg.as_i64(), Ok(-7));
    assert_eq!(neg.as_u64(), Err(NumberError::OutOfRange));
    assert_eq!(neg.as_f64(), Ok(-7.0));

    let big = args.get("big").unwrap();
    assert_eq!(big.as_u64(), Ok(u64::MAX));
    assert_eq!(big.as_i64(), Err(NumberError::OutOfRange));
    assert_eq!(big.as_f64(), Ok(18_446_744_073_709_551_615.0));

    let ratio = args.get("ratio").unwrap();
    assert_eq!(ratio.as_f64(), Ok(0.35));
    assert_eq!(ratio.as_u64(), Err(NumberError::NotAnInteger));
    assert_eq!(ratio.as_i64(), Err(NumberError::NotAnInteger));

    let exp = args.get("exp").unwrap();
    assert_eq!(exp.as_f64(), Ok(200.0));
    assert_eq!(exp.as_u64(), Err(NumberError::NotAnInteger));

    let negzero = args.get("negzero").unwrap();
    assert_eq!(negzero.as_u64(), Ok(0));
    assert_eq!(negzero.as_i64(), Ok(0));
    assert!(negzero.as_f64().unwrap().is_sign_negative());

    assert_eq!(args.get("flag").unwrap().as_bool(), Some(true));
    assert_eq!(args.get("off").unwrap().as_bool(), Some(false));
    assert_eq!(args.get("flag").unwrap().kind(), ValueKind::Bool);
    let none = args.get("none").unwrap();
    assert!(none.is_null());
    assert_eq!(none.kind(), ValueKind::Null);
    assert_eq!(none.as_bool(), None);
    assert_eq!(none.as_u64(), Err(NumberError::NotANumber));

    let filters = args.get("filters").unwrap();
    assert_eq!(filters.get("year").unwrap().as_u64(), Ok(2025));
    let tags = filters.get("tags").unwrap();
    assert_eq!(tags.kind(), ValueKind::Array);
    let items: Vec<_> = tags.items().collect();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].as_str().unwrap(), "a");
    assert_eq!(items[1].as_str().unwrap(), "b");
    let deep = items[2].get("deep").unwrap();
    assert_eq!(deep.as_raw_str(), "[1,[2,[3]]]");
    let level2 = deep.items().nth(1).unwrap();
    let level3 = level2.items().nth(1).unwrap();
    assert_eq!(level3.items().next().unwrap().as_u64(), Ok(3));

    assert_eq!(args.get("empty_obj").unwrap().members().count(), 0);
    assert_eq!(args.get("empty_arr").unwrap().items().count(), 0);
    assert!(args.get("absent").is_none());
    // Kind-mismatched walking is empty, not a panic.
    assert_eq!(args.items().count(), 0);
    assert_eq!(tags.members().count(), 0);
    assert!(tags.get("a").is_none());
    assert_eq!(
        args.get("query").unwrap().as_u64(),
        Err(NumberError::NotANumber)
    );
    assert_eq!(args.as_str(), None);
    assert_eq!(args.as_bool(), None);
    assert_eq!(args.as_number_str(), None);

    // The whole thing agrees with serde_json, duplicate keys aside (serde_json keeps the last).
    let want: serde_json::Value = serde_json::from_str(ARGS).unwrap();
    assert_eq!(to_value(args), want);
}

#[test]
fn raw_value_offsets_point_into_the_input() {
    let event = "{\"type\":\"tool_call\", \"call_id\":\"c\",\"name\":\"n\",\n  \"arguments\" : { \"q\" : [ 1 , { } ] } }";
    let d = doc(&[event]);
    let session = lcsession_core::parse(d.as_bytes()).unwrap();
    let e = session.events().next().unwrap();
    let args = e.tool_call().unwrap().arguments;
    assert_eq!(args.as_raw_str(), r#"{ "q" : [ 1 , { } ] }"#);
    assert_eq!(args.offset(), at(&d, "{ \"q\""));
    let q = args.get("q").unwrap();
    assert_eq!(
        &d[q.offset()..q.offset() + q.as_raw_str().len()],
        "[ 1 , { } ]"
    );
    for item in q.items() {
        assert_eq!(
            &d[item.offset()..item.offset() + item.as_raw_str().len()],
            item.as_raw_str()
        );
    }
    assert_eq!(e.raw.offset(), common::HEAD.len());
    assert_eq!(e.raw.as_raw_str(), event);
    assert_eq!(format!("{}", args), args.as_raw_str());
}

#[test]
fn tool_call_requires_an_object() {
    for (bad, off_in_value) in [("[]", 0), (r#""q""#, 0), ("null", 0), ("1", 0)] {
        let event = event_json(
            "tool_call",
            &[
                ("call_id", r#""c""#),
                ("name", r#""n""#),
                ("arguments", bad),
            ],
        );
        let (err, d, start) = event_err(&event);
        assert_err(
            err,
            ErrorKind::WrongType {
                at: ev(2, "arguments"),
                expected: JsonType::Object,
            },
            start + value_at(&event, "arguments") + off_in_value,
            &d,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// tool_result

#[test]
fn tool_result_with_every_kind_of_result() {
    for (result, kind) in [
        (r#""plain text""#, ValueKind::String),
        ("1.5", ValueKind::Number),
        ("-3", ValueKind::Number),
        ("true", ValueKind::Bool),
        ("false", ValueKind::Bool),
        ("null", ValueKind::Null),
        (r#"[1,"a",null,{"b":[]}]"#, ValueKind::Array),
        (r#"{"hits":[{"score":0.9}],"total":1}"#, ValueKind::Object),
        ("{}", ValueKind::Object),
        ("[]", ValueKind::Array),
    ] {
        let e = one(&format!(
            r#"{{"type":"tool_result","call_id":"c1","name":"search","result":{result}}}"#
        ));
        let r = e.tool_result().expect("tool_result");
        assert_eq!(r.result.kind(), kind, "{result}");
        assert_eq!(r.result.as_raw_str(), result);
        assert_eq!(r.call_id, "c1");
        assert_eq!(r.name, "search");
        assert_eq!(r.image_attachment, Field::Missing);
        assert_eq!(
            to_value(r.result),
            serde_json::from_str::<serde_json::Value>(result).unwrap()
        );
    }
}

#[test]
fn tool_result_image_attachment_missing_null_present() {
    let base = r#""type":"tool_result","call_id":"c","name":"n","result":1"#;
    let e = one(&format!("{{{base}}}"));
    assert!(e.tool_result().unwrap().image_attachment.is_missing());
    let e = one(&format!(r#"{{{base},"image_attachment":null}}"#));
    assert!(e.tool_result().unwrap().image_attachment.is_null());
    let e = one(&format!(
        r#"{{{base},"image_attachment":{{"source_id":"doc-\u0037","extra":[1],"attachment_name":"p22.png"}}}}"#
    ));
    let img = e
        .tool_result()
        .unwrap()
        .image_attachment
        .present()
        .copied()
        .unwrap();
    assert_eq!(img.attachment_name, "p22.png");
    assert_eq!(img.source_id, "doc-7");
    assert_eq!(
        e.raw
            .get("image_attachment")
            .unwrap()
            .get("extra")
            .unwrap()
            .as_raw_str(),
        "[1]"
    );
}

#[test]
fn tool_result_image_attachment_errors() {
    let fields = [("call_id", r#""c""#), ("name", r#""n""#), ("result", "1")];
    for bad in ["5", "[]", r#""x""#, "true"] {
        let mut f = fields.to_vec();
        f.push(("image_attachment", bad));
        let event = event_json("tool_result", &f);
        let (err, d, start) = event_err(&event);
        assert_err(
            err,
            ErrorKind::WrongType {
                at: ev(2, "image_attachment"),
                expected: JsonType::Object,
            },
            start + value_at(&event, "image_attachment"),
            &d,
        );
    }

    // A member of the wrong type.
    for (img, field, bad_value) in [
        (
            r#"{"attachment_name":1,"source_id":"s"}"#,
            "image_attachment.attachment_name",
            "1",
        ),
        (
            r#"{"attachment_name":"a","source_id":null}"#,
            "image_attachment.source_id",
            "null",
        ),
    ] {
        let mut f = fields.to_vec();
        f.push(("image_attachment", img));
        let event = event_json("tool_result", &f);
        let (err, d, start) = event_err(&event);
        let img_at = start + value_at(&event, "image_attachment");
        let key = field.trim_start_matches("image_attachment.");
        assert_err(
            err,
            ErrorKind::WrongType {
                at: ev(2, field),
                expected: JsonType::String,
            },
            img_at + value_at(img, key),
            &d,
        );
        assert_eq!(&d[err.offset()..err.offset() + bad_value.len()], bad_value);
    }

    // A missing member: reported at the attachment's closing brace.
    for (img, field) in [
        (r#"{"source_id":"s"}"#, "image_attachment.attachment_name"),
        (r#"{"attachment_name":"a"}"#, "image_attachment.source_id"),
        ("{}", "image_attachment.attachment_name"),
    ] {
        let mut f = fields.to_vec();
        f.push(("image_attachment", img));
        let event = event_json("tool_result", &f);
        let (err, d, start) = event_err(&event);
        let img_at = start + value_at(&event, "image_attachment");
        assert_err(
            err,
            ErrorKind::MissingField(ev(2, field)),
            img_at + img.len() - 1,
            &d,
        );
    }

    // A duplicate member: reported at the second value.
    let img = r#"{"attachment_name":"a","source_id":"s","attachment_name":"b"}"#;
    let mut f = fields.to_vec();
    f.push(("image_attachment", img));
    let event = event_json("tool_result", &f);
    let (err, d, start) = event_err(&event);
    assert_err(
        err,
        ErrorKind::DuplicateField(ev(2, "image_attachment.attachment_name")),
        start + at(&event, r#""b""#),
        &d,
    );
}

// ---------------------------------------------------------------------------------------------
// stop

fn stop_event(error: &str, usage: &str) -> String {
    format!(r#"{{"type":"stop","error":{error},"is_error":true,"usage":{usage}}}"#)
}

#[test]
fn stop_error_string_or_null() {
    let e = one(&stop_event(r#""index \"x\" timed out\n""#, "{}"));
    let stop = e.stop().unwrap();
    assert_eq!(stop.error.unwrap(), "index \"x\" timed out\n");
    assert!(stop.is_error);
    let e = one(&stop_event("null", "{}"));
    assert_eq!(e.stop().unwrap().error, None);
    let e = one(r#"{"type":"stop","error":"","is_error":false,"usage":{}}"#);
    assert_eq!(e.stop().unwrap().error.unwrap(), "");
    assert!(!e.stop().unwrap().is_error);
}

#[test]
fn stop_usage_fields_missing_null_present() {
    let e = one(&stop_event("null", "{}"));
    let u = e.stop().unwrap().usage;
    assert_eq!(
        (
            f64_of(u.duration_ms),
            u.total_input_tokens,
            u.total_output_tokens,
            u.turns
        ),
        (
            Field::Missing,
            Field::Missing,
            Field::Missing,
            Field::Missing
        )
    );
    assert_eq!(u.raw.as_raw_str(), "{}");

    let e = one(&stop_event(
        "null",
        r#"{"duration_ms":null,"total_input_tokens":null,"total_output_tokens":null,"turns":null}"#,
    ));
    let u = e.stop().unwrap().usage;
    assert_eq!(
        (
            f64_of(u.duration_ms),
            u.total_input_tokens,
            u.total_output_tokens,
            u.turns
        ),
        (Field::Null, Field::Null, Field::Null, Field::Null)
    );

    let usage = r#"{"turns":3,"duration_ms":12950.4,"cache_read_tokens":{"n":[1]},"total_output_tokens":365,"total_input_tokens":7480}"#;
    let e = one(&stop_event("null", usage));
    let u = e.stop().unwrap().usage;
    assert_eq!(f64_of(u.duration_ms), Field::Present(12950.4));
    assert_eq!(u.total_input_tokens, Field::Present(7480));
    assert_eq!(u.total_output_tokens, Field::Present(365));
    assert_eq!(u.turns, Field::Present(3));
    assert_eq!(u.raw.as_raw_str(), usage);
    // Unknown members of usage are kept.
    assert_eq!(
        u.raw.get("cache_read_tokens").unwrap().as_raw_str(),
        r#"{"n":[1]}"#
    );

    // Each field alone, so none of them leaks into another.
    for (i, key) in [
        "duration_ms",
        "total_input_tokens",
        "total_output_tokens",
        "turns",
    ]
    .iter()
    .enumerate()
    {
        let e = one(&stop_event("null", &format!(r#"{{"{key}":7}}"#)));
        let u = e.stop().unwrap().usage;
        let got = [
            u.duration_ms.map(|f| f.as_u64().unwrap()),
            u.total_input_tokens,
            u.total_output_tokens,
            u.turns,
        ];
        for (j, g) in got.iter().enumerate() {
            let want = if i == j {
                Field::Present(7)
            } else {
                Field::Missing
            };
            assert_eq!(*g, want, "{key}");
        }
    }
}

#[test]
fn stop_usage_numbers() {
    let cases: &[(&str, Field<f64>, Field<u64>)] = &[
        ("0", Field::Present(0.0), Field::Present(0)),
        ("-0", Field::Present(-0.0), Field::Present(0)),
        (
            "18446744073709551615",
            Field::Present(18_446_744_073_709_551_615.0),
            Field::Present(u64::MAX),
        ),
    ];
    for (n, dur, tokens) in cases {
        let e = one(&stop_event(
            "null",
            &format!(r#"{{"duration_ms":{n},"total_input_tokens":{n}}}"#),
        ));
        let u = e.stop().unwrap().usage;
        assert_eq!(f64_of(u.duration_ms), *dur, "{n}");
        assert_eq!(u.total_input_tokens, *tokens, "{n}");
    }
    for (n, want) in [
        ("1.5e3", 1500.0),
        ("2E-1", 0.2),
        ("-12.25", -12.25),
        ("1e308", 1e308),
    ] {
        let e = one(&stop_event("null", &format!(r#"{{"duration_ms":{n}}}"#)));
        let got = e.stop().unwrap().usage.duration_ms;
        assert_eq!(f64_of(got), Field::Present(want));
        assert_eq!(got.present().unwrap().as_str(), n);
    }
}

#[test]
fn stop_usage_number_errors() {
    let cases: &[(&str, &str, ErrorKind)] = &[
        (
            "total_input_tokens",
            "18446744073709551616",
            ErrorKind::NumberOutOfRange(ev(2, "usage.total_input_tokens")),
        ),
        (
            "total_output_tokens",
            "-1",
            ErrorKind::NumberOutOfRange(ev(2, "usage.total_output_tokens")),
        ),
        (
            "turns",
            "-9223372036854775808",
            ErrorKind::NumberOutOfRange(ev(2, "usage.turns")),
        ),
        (
            "total_input_tokens",
            "1.5",
            ErrorKind::WrongType {
                at: ev(2, "usage.total_input_tokens"),
                expected: JsonType::Integer,
            },
        ),
        (
            "turns",
            "1.0",
            ErrorKind::WrongType {
                at: ev(2, "usage.turns"),
                expected: JsonType::Integer,
            },
        ),
        (
            "turns",
            "1e2",
            ErrorKind::WrongType {
                at: ev(2, "usage.turns"),
                expected: JsonType::Integer,
            },
        ),
        (
            "total_output_tokens",
            r#""5""#,
            ErrorKind::WrongType {
                at: ev(2, "usage.total_output_tokens"),
                expected: JsonType::Integer,
            },
        ),
        (
            "turns",
            "true",
            ErrorKind::WrongType {
                at: ev(2, "usage.turns"),
                expected: JsonType::Integer,
            },
        ),
        (
            "turns",
            "[1]",
            ErrorKind::WrongType {
                at: ev(2, "usage.turns"),
                expected: JsonType::Integer,
            },
        ),
        (
            "duration_ms",
            r#""12.5""#,
            ErrorKind::WrongType {
                at: ev(2, "usage.duration_ms"),
                expected: JsonType::Number,
            },
        ),
        (
            "duration_ms",
            "{}",
            ErrorKind::WrongType {
                at: ev(2, "usage.duration_ms"),
                expected: JsonType::Number,
            },
        ),
        (
            "duration_ms",
            "1e400",
            ErrorKind::NumberOutOfRange(ev(2, "usage.duration_ms")),
        ),
        (
            "duration_ms",
            "-1e400",
            ErrorKind::NumberOutOfRange(ev(2, "usage.duration_ms")),
        ),
    ];
    for (key, value, kind) in cases {
        let usage = format!(r#"{{"other":1,"{key}":{value}}}"#);
        let event = stop_event("null", &usage);
        let (err, d, start) = event_err(&event);
        let value_offset = start + value_at(&event, "usage") + value_at(&usage, key);
        assert_err(err, *kind, value_offset, &d);
        assert_eq!(&d[value_offset..value_offset + value.len()], *value);
    }
    // The message names the event and field.
    let event = stop_event("null", r#"{"total_input_tokens":18446744073709551616}"#);
    let (err, _, start) = event_err(&event);
    assert_eq!(
        err.to_string(),
        format!(
            "event 2 field `usage.total_input_tokens`: number out of range at byte {}",
            start + at(&event, "18446744073709551616")
        )
    );
}

#[test]
fn stop_usage_duplicate_member() {
    let usage = r#"{"turns":1,"duration_ms":2,"turns":3}"#;
    let event = stop_event("null", usage);
    let (err, d, start) = event_err(&event);
    assert_err(
        err,
        ErrorKind::DuplicateField(ev(2, "usage.turns")),
        start + value_at(&event, "usage") + at(usage, "3}"),
        &d,
    );
}

#[test]
fn stop_skipped_index_ids() {
    let base = r#""type":"stop","error":null,"is_error":false,"usage":{}"#;
    let e = one(&format!("{{{base}}}"));
    assert!(e.stop().unwrap().skipped_index_ids.is_missing());
    let e = one(&format!(r#"{{{base},"skipped_index_ids":null}}"#));
    assert!(e.stop().unwrap().skipped_index_ids.is_null());
    let e = one(&format!(
        r#"{{{base},"skipped_index_ids":["idx-a","idx-\u0062",""]}}"#
    ));
    let list = e
        .stop()
        .unwrap()
        .skipped_index_ids
        .present()
        .copied()
        .unwrap();
    let ids: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    assert_eq!(ids, ["idx-a", "idx-b", ""]);
    assert_eq!(list.raw().as_raw_str(), r#"["idx-a","idx-\u0062",""]"#);
    let e = one(&format!(r#"{{{base},"skipped_index_ids":[]}}"#));
    assert_eq!(
        e.stop()
            .unwrap()
            .skipped_index_ids
            .present()
            .unwrap()
            .iter()
            .count(),
        0
    );

    for (value, bad) in [
        (r#"["a",1,"b"]"#, "1"),
        (r#"[null]"#, "null"),
        (r#"["a",["b"]]"#, r#"["b"]"#),
        (r#""a""#, r#""a""#),
        ("{}", "{}"),
        ("7", "7"),
    ] {
        let event = format!(r#"{{{base},"skipped_index_ids":{value}}}"#);
        let (err, d, start) = event_err(&event);
        let value_offset = start + value_at(&event, "skipped_index_ids");
        let bad_offset = value_offset + at(value, bad);
        assert_err(
            err,
            ErrorKind::WrongType {
                at: ev(2, "skipped_index_ids"),
                expected: JsonType::StringArray,
            },
            bad_offset,
            &d,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Missing fields and wrong types, for every known type

struct Shape {
    ty: &'static str,
    fields: &'static [(&'static str, &'static str)],
    wrong: &'static [(&'static str, &'static str, JsonType)],
}

const TEXT_WRONG: &[(&str, &str, JsonType)] = &[
    ("content", "5", JsonType::String),
    ("content", "null", JsonType::String),
    ("content", r#"["a"]"#, JsonType::String),
    ("content", r#"{"text":"a"}"#, JsonType::String),
    ("content", "false", JsonType::String),
];

const SHAPES: &[Shape] = &[
    Shape {
        ty: "thinking_delta",
        fields: &[("content", r#""x""#)],
        wrong: TEXT_WRONG,
    },
    Shape {
        ty: "text_delta",
        fields: &[("content", r#""x""#)],
        wrong: TEXT_WRONG,
    },
    Shape {
        ty: "thinking",
        fields: &[("content", r#""x""#)],
        wrong: TEXT_WRONG,
    },
    Shape {
        ty: "text",
        fields: &[("content", r#""x""#)],
        wrong: TEXT_WRONG,
    },
    Shape {
        ty: "user_input",
        fields: &[("content", r#""x""#)],
        wrong: TEXT_WRONG,
    },
    Shape {
        ty: "tool_call",
        fields: &[
            ("arguments", r#"{"query":"q"}"#),
            ("call_id", r#""c1""#),
            ("name", r#""search""#),
        ],
        wrong: &[
            ("arguments", r#""q""#, JsonType::Object),
            ("arguments", "[]", JsonType::Object),
            ("arguments", "null", JsonType::Object),
            ("call_id", "1", JsonType::String),
            ("call_id", "null", JsonType::String),
            ("name", "{}", JsonType::String),
            ("name", "true", JsonType::String),
        ],
    },
    Shape {
        ty: "tool_result",
        fields: &[
            ("call_id", r#""c1""#),
            ("name", r#""search""#),
            ("result", r#"{"a":1}"#),
        ],
        wrong: &[
            ("call_id", "1", JsonType::String),
            ("call_id", "[]", JsonType::String),
            ("name", "false", JsonType::String),
            ("name", "null", JsonType::String),
            ("image_attachment", "5", JsonType::Object),
        ],
    },
    Shape {
        ty: "stop",
        fields: &[("error", "null"), ("is_error", "false"), ("usage", "{}")],
        wrong: &[
            ("error", "5", JsonType::StringOrNull),
            ("error", "{}", JsonType::StringOrNull),
            ("error", "false", JsonType::StringOrNull),
            ("is_error", r#""false""#, JsonType::Bool),
            ("is_error", "null", JsonType::Bool),
            ("is_error", "0", JsonType::Bool),
            ("usage", "[]", JsonType::Object),
            ("usage", "null", JsonType::Object),
            ("usage", r#""x""#, JsonType::Object),
            ("skipped_index_ids", r#""x""#, JsonType::StringArray),
        ],
    },
];

#[test]
fn every_known_type_decodes_when_complete() {
    for shape in SHAPES {
        let event = event_json(shape.ty, shape.fields);
        let (d, _) = placed(&event);
        let session = lcsession_core::parse(d.as_bytes()).unwrap();
        let e = session.events().nth(2).unwrap();
        assert_eq!(e.index, 2);
        assert_eq!(e.event_type().as_str(), Some(shape.ty));
        assert!(!e.inferred);
        // `type` last decodes the same.
        let mut fields = shape.fields.to_vec();
        fields.reverse();
        let mut reordered = String::from("{");
        for (k, v) in &fields {
            reordered.push_str(&format!(r#""{k}":{v},"#));
        }
        reordered.push_str(&format!(r#""type":"{}"}}"#, shape.ty));
        let e2 = one(&reordered);
        assert_eq!(e2.event_type(), e.event_type());
    }
}

#[test]
fn every_missing_required_field_is_named() {
    for shape in SHAPES {
        for (missing, _) in shape.fields {
            let fields: Vec<_> = shape
                .fields
                .iter()
                .filter(|(k, _)| k != missing)
                .copied()
                .collect();
            let event = event_json(shape.ty, &fields);
            let (err, d, start) = event_err(&event);
            let field: &'static str = shape.fields.iter().find(|(k, _)| k == missing).unwrap().0;
            assert_err(
                err,
                ErrorKind::MissingField(ev(2, field)),
                start + event.len() - 1,
                &d,
            );
            assert_eq!(
                err.to_string(),
                format!(
                    "event 2 field `{field}`: missing at byte {}",
                    start + event.len() - 1
                )
            );
            assert!(!err.is_syntax());
        }
    }
}

#[test]
fn every_wrong_type_is_located_at_the_value() {
    for shape in SHAPES {
        for (key, bad, expected) in shape.wrong {
            let mut fields: Vec<_> = shape
                .fields
                .iter()
                .map(|&(k, v)| if k == *key { (k, *bad) } else { (k, v) })
                .collect();
            if !fields.iter().any(|(k, _)| k == key) {
                fields.push((key, bad));
            }
            let event = event_json(shape.ty, &fields);
            let (err, d, start) = event_err(&event);
            let off = start + value_at(&event, key);
            assert_err(
                err,
                ErrorKind::WrongType {
                    at: ev(2, key),
                    expected: *expected,
                },
                off,
                &d,
            );
            assert_eq!(&d[off..off + bad.len()], *bad);
            assert!(!err.is_syntax());
        }
    }
}

#[test]
fn an_event_that_is_not_an_object() {
    for bad in ["5", "null", r#""text""#, "[]", "true"] {
        let (d, start) = placed(bad);
        let err = parse_err(&d);
        assert_err(
            err,
            ErrorKind::WrongType {
                at: ev(2, ""),
                expected: JsonType::Object,
            },
            start,
            &d,
        );
        assert_eq!(
            err.to_string(),
            format!("event 2: expected an object at byte {start}")
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Unknown and untyped events

#[test]
fn unknown_type_keeps_the_raw_object() {
    let event = r#"{"type":"citation","source":"doc-7","span":[10,42],"content":5,"usage":"x"}"#;
    let e = one(event);
    assert_eq!(e.event_type(), EventType::Unknown);
    assert!(!e.inferred);
    match e.body {
        EventBody::Unknown { type_name } => assert_eq!(type_name, "citation"),
        other => panic!("{other:?}"),
    }
    assert_eq!(e.raw.as_raw_str(), event);
    assert_eq!(e.raw.get("source").unwrap().as_str().unwrap(), "doc-7");
    assert_eq!(e.raw.get("span").unwrap().items().count(), 2);
    assert_eq!(e.content(), None);

    // Escaped tag, empty tag, and a tag that only differs in case.
    for (tag, name) in [
        (r#""cit\u0061tion""#, "citation"),
        (r#""""#, ""),
        (r#""Text""#, "Text"),
        (r#""text ""#, "text "),
    ] {
        let e = one(&format!(r#"{{"type":{tag}}}"#));
        match e.body {
            EventBody::Unknown { type_name } => assert_eq!(type_name, name),
            other => panic!("{tag}: {other:?}"),
        }
    }
}

#[test]
fn escaped_known_tags_and_keys_match() {
    let e = one(r#"{"type":"te\u0078t","content":"x"}"#);
    assert_eq!(e.event_type(), EventType::Text);
    let e = one(r#"{"\u0074ype":"text","\u0063ontent":"x"}"#);
    assert_eq!(e.event_type(), EventType::Text);
    assert_eq!(e.content().unwrap(), "x");
    let e = one(
        r#"{"\u0074\u0079\u0070\u0065":"tool_call","call\u005fid":"c","n\u0061me":"n","\u0061rguments":{}}"#,
    );
    let call = e.tool_call().unwrap();
    assert_eq!((call.call_id, call.name), (call.call_id, call.name));
    assert_eq!(call.call_id, "c");
    assert_eq!(call.name, "n");
    let e = one(r#"{"type":"stop","error":null,"is_error":false,"us\u0061ge":{"tu\u0072ns":2}}"#);
    assert_eq!(e.stop().unwrap().usage.turns, Field::Present(2));
    // A duplicate written once plainly and once escaped is still a duplicate.
    let event = r#"{"type":"text","content":"a","c\u006fntent":"b"}"#;
    let (err, d, start) = event_err(event);
    assert_err(
        err,
        ErrorKind::DuplicateField(ev(2, "content")),
        start + at(event, r#""b""#),
        &d,
    );
}

#[test]
fn type_null_is_absent_and_other_types_are_errors() {
    let e = one(r#"{"type":null,"arguments":{},"call_id":"c","name":"n"}"#);
    assert_eq!(e.event_type(), EventType::ToolCall);
    assert!(e.inferred);
    let e = one(r#"{"type":null,"content":"x"}"#);
    assert_eq!(e.event_type(), EventType::Untyped);
    for bad in ["5", "true", "{}", r#"["text"]"#] {
        let event = format!(r#"{{"content":"x","type":{bad}}}"#);
        let (err, d, start) = event_err(&event);
        assert_err(
            err,
            ErrorKind::WrongType {
                at: ev(2, "type"),
                expected: JsonType::String,
            },
            start + value_at(&event, "type"),
            &d,
        );
    }
}

#[test]
fn untyped_inference() {
    // Only the tool_call family.
    let e = one(r#"{"arguments":{"q":1},"call_id":"c","name":"n"}"#);
    assert_eq!(e.event_type(), EventType::ToolCall);
    assert!(e.inferred);
    assert_eq!(e.tool_call().unwrap().arguments.as_raw_str(), r#"{"q":1}"#);
    // tool_call family plus text-bearing content is still unambiguous.
    let e = one(r#"{"arguments":{},"call_id":"c","name":"n","content":"x"}"#);
    assert_eq!(e.event_type(), EventType::ToolCall);
    assert!(e.inferred);

    // The tool_result family: `result` or `image_attachment`.
    let e = one(r#"{"result":[1],"call_id":"c","name":"n"}"#);
    assert_eq!(e.event_type(), EventType::ToolResult);
    assert!(e.inferred);
    let e = one(
        r#"{"result":null,"call_id":"c","name":"n","image_attachment":{"attachment_name":"a","source_id":"s"}}"#,
    );
    assert_eq!(e.event_type(), EventType::ToolResult);
    assert!(e.tool_result().unwrap().result.is_null());
    assert!(e.tool_result().unwrap().image_attachment.is_present());

    // The stop family: `usage` or `is_error`.
    let e = one(r#"{"error":null,"is_error":false,"usage":{"turns":1}}"#);
    assert_eq!(e.event_type(), EventType::Stop);
    assert!(e.inferred);
    assert_eq!(e.stop().unwrap().usage.turns, Field::Present(1));

    // Text-bearing events all look alike: untyped.
    for event in [
        r#"{"content":"x"}"#,
        r#"{}"#,
        r#"{"call_id":"c","name":"n"}"#,
        r#"{"error":"e"}"#,
        r#"{"whatever":[1,2]}"#,
    ] {
        let e = one(event);
        assert_eq!(e.event_type(), EventType::Untyped, "{event}");
        assert!(matches!(e.body, EventBody::Untyped));
        assert!(!e.inferred);
        assert_eq!(e.raw.as_raw_str(), event);
    }

    // Conflicting families: untyped.
    for event in [
        r#"{"arguments":{},"result":1,"call_id":"c","name":"n"}"#,
        r#"{"arguments":{},"call_id":"c","name":"n","usage":{}}"#,
        r#"{"result":1,"call_id":"c","name":"n","is_error":false}"#,
        r#"{"image_attachment":null,"is_error":false,"error":null,"usage":{}}"#,
    ] {
        let e = one(event);
        assert_eq!(e.event_type(), EventType::Untyped, "{event}");
        assert!(!e.inferred);
    }

    // Inferred but incomplete or ill-typed: untyped, not an error (no `type` was claimed).
    for event in [
        r#"{"arguments":{}}"#,
        r#"{"arguments":5,"call_id":"c","name":"n"}"#,
        r#"{"arguments":{},"call_id":7,"name":"n"}"#,
        r#"{"result":1}"#,
        r#"{"result":1,"call_id":"c","name":"n","image_attachment":5}"#,
        r#"{"result":1,"call_id":"c","name":"n","image_attachment":{}}"#,
        r#"{"is_error":true}"#,
        r#"{"usage":{},"error":null,"is_error":"no"}"#,
        r#"{"usage":{"turns":-1},"error":null,"is_error":false}"#,
        r#"{"usage":{"turns":1.5},"error":null,"is_error":false}"#,
        r#"{"usage":{},"error":null,"is_error":false,"skipped_index_ids":[1]}"#,
    ] {
        let e = one(event);
        assert_eq!(e.event_type(), EventType::Untyped, "{event}");
        assert!(!e.inferred, "{event}");
    }
}

#[test]
fn duplicate_known_keys_are_errors() {
    for (event, field, dup_value) in [
        (
            r#"{"type":"text","content":"a","content":"b"}"#,
            "content",
            r#""b""#,
        ),
        (
            r#"{"type":"text","type":"text","content":"a"}"#,
            "type",
            r#""text","content""#,
        ),
        (
            r#"{"type":"tool_call","arguments":{},"call_id":"c","name":"n","arguments":[]}"#,
            "arguments",
            "[]",
        ),
        (
            r#"{"type":"stop","error":null,"is_error":false,"usage":{},"is_error":true}"#,
            "is_error",
            "true",
        ),
        // A known key that the type does not use is still checked.
        (
            r#"{"type":"text","content":"a","name":"x","name":"y"}"#,
            "name",
            r#""y""#,
        ),
    ] {
        let (err, d, start) = event_err(event);
        assert_err(
            err,
            ErrorKind::DuplicateField(ev(2, field)),
            start + at(event, dup_value),
            &d,
        );
    }
}

#[test]
fn unknown_members_are_tolerated_and_reachable() {
    let event = r#"{"type":"text","content":"x","content_extra":{"a":[1,{"b":null}]},"id":"evt-1","content_x":"y","x":1,"x":2}"#;
    let e = one(event);
    assert_eq!(e.content().unwrap(), "x");
    assert_eq!(
        e.raw.get("content_extra").unwrap().as_raw_str(),
        r#"{"a":[1,{"b":null}]}"#
    );
    assert_eq!(e.raw.get("id").unwrap().as_str().unwrap(), "evt-1");
    // Duplicate unknown members are not this library's business; `get` finds the first.
    assert_eq!(e.raw.get("x").unwrap().as_u64(), Ok(1));
    assert_eq!(e.raw.members().filter(|(k, _)| *k == "x").count(), 2);
    assert_eq!(e.raw.members().count(), 7);
}

#[test]
fn invalid_json_in_an_unknown_member_is_still_a_syntax_error() {
    for (bad, kind) in [
        ("[1,]", None),
        (
            "01",
            Some(ErrorKind::UnexpectedByte {
                found: b'1',
                expected: "`,` or `}`",
            }),
        ),
        (r#""\x""#, Some(ErrorKind::InvalidEscape)),
        ("nul", None),
        ("1.", Some(ErrorKind::InvalidNumber)),
    ] {
        let event = format!(r#"{{"type":"text","content":"x","extra":{bad}}}"#);
        let (err, d, _) = event_err(&event);
        assert!(err.is_syntax(), "{bad}: {err}");
        if let Some(kind) = kind {
            assert_eq!(err.kind(), kind, "{bad} in {d}");
        }
    }
}

#[test]
fn arguments_depth_counts_from_the_root() {
    // root object = 1, events = 2, the event = 3, arguments = 4.
    let ok = doc(&[r#"{"type":"tool_call","call_id":"c","name":"n","arguments":{"a":1}}"#]);
    let opts = ParseOptions { max_depth: 4 };
    assert!(DefaultSession::parse_with(ok.as_bytes(), opts).is_ok());
    let deep = doc(&[r#"{"type":"tool_call","call_id":"c","name":"n","arguments":{"a":[]}}"#]);
    let err = DefaultSession::parse_with(deep.as_bytes(), opts).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DepthLimit { limit: 4 });
    assert_eq!(err.offset(), at(&deep, "[]"));
    let err = DefaultSession::parse_with(ok.as_bytes(), ParseOptions { max_depth: 3 }).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DepthLimit { limit: 3 });
}

// ---------------------------------------------------------------------------------------------
// The sample, event by event, against serde_json

#[test]
fn sample_events_agree_with_serde_json() {
    let session = lcsession_core::parse(SAMPLE).unwrap();
    let want: serde_json::Value = serde_json::from_slice(SAMPLE).unwrap();
    let want = want["events"].as_array().unwrap();
    assert_eq!(session.event_count(), 45);
    assert_eq!(session.events().len(), 45);
    let mut it = session.events();
    it.next();
    assert_eq!(it.len(), 44);
    assert_eq!(it.size_hint(), (44, Some(44)));

    let mut counts = std::collections::BTreeMap::new();
    for (i, (e, w)) in session.events().zip(want).enumerate() {
        assert_eq!(e.index, i);
        *counts.entry(format!("{:?}", e.event_type())).or_insert(0) += 1;
        assert_eq!(to_value(e.raw), *w, "event {i}");
        let tag = w.get("type").and_then(|t| t.as_str());
        match (tag, e.event_type()) {
            (Some("citation"), EventType::Unknown) | (None, EventType::ToolCall) => {}
            (Some(t), ty) => assert_eq!(ty.as_str(), Some(t), "event {i}"),
            (None, ty) => panic!("event {i}: {ty:?}"),
        }
        assert_eq!(e.inferred, tag.is_none(), "event {i}");
        if let Some(c) = e.content() {
            assert_eq!(c.to_string(), w["content"].as_str().unwrap());
        }
        if let Some(call) = e.tool_call() {
            assert_eq!(to_value(call.arguments), w["arguments"]);
            assert_eq!(call.call_id.to_string(), w["call_id"].as_str().unwrap());
            assert_eq!(call.name.to_string(), w["name"].as_str().unwrap());
        }
        if let Some(r) = e.tool_result() {
            assert_eq!(to_value(r.result), w["result"]);
            assert_eq!(r.call_id.to_string(), w["call_id"].as_str().unwrap());
            match (&r.image_attachment, w.get("image_attachment")) {
                (Field::Missing, None) => {}
                (Field::Present(img), Some(v)) => {
                    assert_eq!(img.attachment_name, v["attachment_name"].as_str().unwrap());
                    assert_eq!(img.source_id, v["source_id"].as_str().unwrap());
                }
                other => panic!("event {i}: {other:?}"),
            }
        }
        if let Some(s) = e.stop() {
            assert_eq!(
                s.error.map(|x| x.to_string()).as_deref(),
                w["error"].as_str()
            );
            assert_eq!(s.is_error, w["is_error"].as_bool().unwrap());
            let u = &w["usage"];
            assert_eq!(
                f64_of(s.usage.duration_ms).present().copied(),
                u["duration_ms"].as_f64()
            );
            assert_eq!(
                s.usage.total_input_tokens.present().copied(),
                u["total_input_tokens"].as_u64()
            );
            assert_eq!(
                s.usage.total_output_tokens.present().copied(),
                u["total_output_tokens"].as_u64()
            );
            assert_eq!(s.usage.turns.present().copied(), u["turns"].as_u64());
            let skipped: Option<Vec<String>> = s
                .skipped_index_ids
                .present()
                .map(|l| l.iter().map(|x| x.to_string()).collect());
            let want_skipped: Option<Vec<String>> = w
                .get("skipped_index_ids")
                .map(|v| serde_json::from_value(v.clone()).unwrap());
            assert_eq!(skipped, want_skipped);
        }
    }
    let counts: Vec<(String, i32)> = counts.into_iter().collect();
    let expect = [
        ("Stop", 3),
        ("Text", 3),
        ("TextDelta", 14),
        ("Thinking", 3),
        ("ThinkingDelta", 12),
        ("ToolCall", 3),
        ("ToolResult", 3),
        ("Unknown", 1),
        ("UserInput", 3),
    ];
    assert_eq!(
        counts,
        expect
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect::<Vec<_>>()
    );
    let e24 = session.events().nth(24).unwrap();
    assert!(matches!(e24.body, EventBody::Unknown { type_name } if type_name == "citation"));
    let e37 = session.events().nth(37).unwrap();
    assert!(e37.inferred);
    assert_eq!(e37.event_type(), EventType::ToolCall);
    let stop = session.events().nth(31).unwrap();
    assert_eq!(
        f64_of(stop.stop().unwrap().usage.duration_ms),
        Field::Present(12950.4)
    );
}

#[test]
fn events_iterator_is_fused_and_restartable() {
    let session = lcsession_core::parse(SAMPLE).unwrap();
    let mut it = session.events();
    assert_eq!(it.by_ref().count(), 45);
    assert!(it.next().is_none());
    assert!(it.next().is_none());
    assert_eq!(it.len(), 0);
    // A new iterator starts over, and gives equal events.
    let a: Vec<Event<'_>> = session.events().collect();
    let b: Vec<Event<'_>> = session.events().collect();
    assert_eq!(a, b);
    assert_eq!(
        session.events_raw().as_raw_str().len(),
        session.events_raw().as_raw_str().trim().len()
    );
    assert_eq!(session.events_raw().items().count(), 45);
    // Empty events.
    let d = doc(&[]);
    let s = lcsession_core::parse(d.as_bytes()).unwrap();
    assert_eq!(s.event_count(), 0);
    assert!(s.events().next().is_none());
}

// ---------------------------------------------------------------------------------------------
// Syntax errors inside an event name it

/// The error of `d` through `parse`, `parse_visiting` and the incremental decoder (fed one
/// byte at a time, then whole), which must agree.
fn error_every_way(d: &[u8]) -> Error {
    error_every_way_with(d, ParseOptions::default())
}

/// [`error_every_way`] with `options`.
fn error_every_way_with(d: &[u8], options: ParseOptions) -> Error {
    let err = match DefaultSession::parse_with(d, options) {
        Ok(_) => panic!("accepted: {}", String::from_utf8_lossy(d)),
        Err(e) => e,
    };
    let one_pass = DefaultSession::parse_visiting(d, options, |_| {}).map(drop);
    assert_eq!(one_pass, Err(err));
    let mut decoder: lcsession_core::SessionDecoder = lcsession_core::SessionDecoder::new(options);
    let mut fed = Ok(None);
    for end in 1..=d.len() {
        fed = decoder.feed(&d[..end], end == d.len(), |_| {});
        if fed.is_err() {
            break;
        }
    }
    assert_eq!(fed.map(drop), Err(err));
    err
}

#[test]
fn syntax_errors_inside_an_event_name_it() {
    let deep = format!(
        r#"{{"type":"tool_call","call_id":"c","name":"n","arguments":{}1{}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    // (event 2, the byte at fault in it, what is wrong)
    let cases: &[(&str, &str, &str)] = &[
        (
            r#"{"type":"text","content":"a\qb"}"#,
            "\\q",
            "invalid escape sequence in string",
        ),
        (
            "{\"type\":\"text\",\"content\":\"a\tb\"}",
            "\t",
            "raw control character in string",
        ),
        (
            r#"{"type":"text","content":"\ud800x"}"#,
            "\\ud800",
            "lone UTF-16 surrogate in \\u escape",
        ),
        (
            r#"{"type":"tool_call","call_id":"c","name":"n","arguments":{"a":01}}"#,
            "1}",
            "unexpected `1`",
        ),
        (
            r#"{"type":"tool_call","call_id":"c","name":"n","arguments":{"a" 1}}"#,
            " 1}",
            "unexpected `1`, expected `:`",
        ),
        (
            r#"{"type":"tool_result","call_id":"c","result":[1.e5]}"#,
            "e5",
            "invalid number",
        ),
        (r#"{"type":"stop","usage":{"x":tru}}"#, "tru", "unexpected"),
        (
            r#"{"zzz":[1,2,],"type":"text","content":"a"}"#,
            "],",
            "unexpected `]`",
        ),
        (
            r#"{"type":"text" "content":"a"}"#,
            " \"content",
            "unexpected",
        ),
        (&deep, "[[[[[[[[", "nesting deeper than 128 levels"),
    ];
    for &(event, needle, what) in cases {
        let (d, start) = placed(event);
        let err = error_every_way(d.as_bytes());
        assert!(err.is_syntax(), "{err} in {d}");
        assert_eq!(err.event(), Some(2), "{err} in {d}");
        assert!(
            err.offset() > start && err.offset() < start + event.len(),
            "{err} in {d}"
        );
        let message = err.to_string();
        assert!(message.starts_with("event 2: "), "{message}");
        assert!(message.contains(what), "{message} should say {what}");
        assert!(
            message.ends_with(&format!(" at byte {}", err.offset())),
            "{message}"
        );
        assert_eq!(
            err.what().to_string(),
            message[..message.len() - format!(" at byte {}", err.offset()).len()]
        );
        // The needle only helps find the place: the error is at or after it.
        assert!(err.offset() >= start + at(event, needle), "{err} in {d}");
    }

    // Cut inside event 2 (every byte after its `{`): the end of input is in that event.
    let (d, start) =
        placed(r#"{"type":"tool_call","call_id":"c","name":"n","arguments":{"q":[1,"x"]}}"#);
    for cut in start + 1..d.len() - common::TAIL.len() {
        let err = error_every_way(&d.as_bytes()[..cut]);
        assert_eq!(
            (err.kind(), err.event()),
            (ErrorKind::UnexpectedEnd, Some(2)),
            "cut at {cut}"
        );
    }

    // Invalid UTF-8 inside event 2 names it, as the syntax error at its place would.
    let (d, start) = placed(r#"{"type":"text","content":"aé"}"#);
    let mut bytes = d.into_bytes();
    let bad = start + at(r#"{"type":"text","content":"aé"}"#, "é");
    bytes[bad] = 0xFF;
    let err = error_every_way(&bytes);
    assert_eq!(
        (err.kind(), err.offset(), err.event()),
        (ErrorKind::InvalidUtf8, bad, Some(2))
    );
    assert_eq!(
        err.to_string(),
        format!("event 2: invalid UTF-8 at byte {bad}")
    );
}

#[test]
fn errors_outside_events_name_none() {
    let cases: &[String] = &[
        // Where an event was expected, not inside one.
        r#"{"events":[{"type":"text","content":"a"},]}"#.to_owned(),
        r#"{"events":[{"type":"text","content":"a"} {}]}"#.to_owned(),
        r#"{"events":[{"type":"text","content":"a"},"#.to_owned(),
        r#"{"events":[{"type":"text","content":"a"}, x]}"#.to_owned(),
        // In the header, and after the session.
        r#"{"events":[],"session_id":"s\x","last_updated_at":"t"}"#.to_owned(),
        r#"{"events":[],"session_id":"s","last_updated_at":"t","k":[1,]}"#.to_owned(),
        r#"{"session_id":"s","last_updated_at":"t","events":[]} x"#.to_owned(),
        format!("{} ]", doc(&[E0])),
    ];
    for d in cases {
        let err = error_every_way(d.as_bytes());
        assert!(err.is_syntax(), "{err} in {d}");
        assert_eq!(err.event(), None, "{err} in {d}");
        assert!(!err.to_string().starts_with("event"), "{err}");
    }

    // Invalid UTF-8 where an event starts, in the header, after the session.
    for (d, needle) in [
        (
            &b"{\"events\":[{\"type\":\"text\",\"content\":\"a\"},\xff]}"[..],
            &b"\xff"[..],
        ),
        (
            b"{\"events\":[],\"session_id\":\"\xc3(\",\"last_updated_at\":\"t\"}",
            b"\xc3",
        ),
        (
            b"{\"events\":[],\"session_id\":\"s\",\"last_updated_at\":\"t\"}\xff",
            b"\xff",
        ),
    ] {
        let err = error_every_way(d);
        let bad = d.windows(needle.len()).position(|w| w == needle).unwrap();
        assert_eq!(
            (err.kind(), err.offset(), err.event()),
            (ErrorKind::InvalidUtf8, bad, None)
        );
    }

    // Schema errors keep their own location, with or without an event.
    let (err, _, _) = event_err(r#"{"type":"tool_call","name":"n","arguments":{}}"#);
    assert_eq!(err.event(), Some(2));
    assert_eq!(err.kind().location(), Some(ev(2, "call_id")));
    assert!(
        err.to_string()
            .starts_with("event 2 field `call_id`: missing"),
        "{err}"
    );
    let err = parse_err(r#"{"events":[],"session_id":1,"last_updated_at":"t"}"#);
    assert_eq!(err.event(), None);
}

#[test]
fn depth_errors_point_at_the_bracket_of_the_container_too_deep() {
    let events = r#"{"events":[{"type":"stop","usage":{"total_tokens":1}}],"session_id":"s","last_updated_at":"t"}"#;
    let index_ids = r#"{"session_id":"s","last_updated_at":"t","index_ids":["i"],"events":[]}"#;
    let job = r#"{"session_id":"s","last_updated_at":"t","job_metadata":{"export_config_ids":["e"]},"events":[]}"#;
    // (document, limit, the first container too deep, the event it is in)
    let cases: &[(&str, u16, &str, Option<usize>)] = &[
        (events, 1, r#"[{"type""#, None),
        (events, 2, r#"{"type""#, Some(0)),
        (events, 3, r#"{"total_tokens""#, Some(0)),
        (index_ids, 1, r#"["i"]"#, None),
        (job, 1, r#"{"export_config_ids""#, None),
        (job, 2, r#"["e"]"#, None),
    ];
    for &(d, limit, container, event) in cases {
        let d = d.as_bytes();
        // The same error through `parse`, `parse_visiting` and the incremental decoder.
        let err = error_every_way_with(d, ParseOptions { max_depth: limit });
        let what = format!("limit {limit}, {container}");
        assert_eq!(err.kind(), ErrorKind::DepthLimit { limit }, "{what}");
        assert_eq!(
            err.offset(),
            at(std::str::from_utf8(d).unwrap(), container),
            "{what}"
        );
        assert_eq!(err.event(), event, "{what}");
    }
    let err =
        DefaultSession::parse_with(events.as_bytes(), ParseOptions { max_depth: 1 }).unwrap_err();
    assert_eq!(err.to_string(), "nesting deeper than 1 level at byte 10");
}
