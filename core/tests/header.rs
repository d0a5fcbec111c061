//! The session header: the reference example verbatim, key order, missing / null / present,
//! shared_access, unknown top-level fields, required fields, duplicates, trailing bytes,
//! non-object roots, depth.

mod common;

use common::{assert_err, at, at_last, hd, header_doc, hl, hs, num, parse_err, REFERENCE, SAMPLE};
use lcsession_core::{ErrorKind, Location};
use lcsession_core::{
    EventBody, EventType, Field, Header, JobMetadata, JsonType, ParseOptions, Session,
    SharedAccess, DEFAULT_ID_CAPACITY, DEFAULT_LIST_CAPACITY, DEFAULT_MAX_DEPTH,
    DEFAULT_TEXT_CAPACITY, MAX_DEPTH,
};

type DefaultSession<'a> = Session<'a>;

fn reference_header() -> Header {
    Header {
        session_id: hs("ses-abc123"),
        last_updated_at: hs("2026-04-22T12:34:41.342245"),
        generated_title: Field::Present(hs("What were the main findings in Q3?...")),
        index_ids: Field::Present(hl(&["idx-abc123", "idx-def456"])),
        job_metadata: Field::Present(JobMetadata {
            duration_ms: Field::Present(num(0.0)),
            error: Field::Present(hs("error")),
            export_config_ids: Field::Present(hl(&["string"])),
            is_error: Field::Present(true),
            total_input_tokens: Field::Present(0),
            total_output_tokens: Field::Present(0),
            turns: Field::Present(0),
        }),
        shared_access: Field::Missing,
    }
}

fn header_of(doc: &str) -> Header {
    lcsession_core::parse(doc.as_bytes())
        .unwrap_or_else(|e| panic!("rejected: {e} in {doc}"))
        .into_header()
}

#[test]
fn reference_example_decodes_exactly() {
    let text = std::str::from_utf8(REFERENCE).unwrap();
    assert!(text.starts_with(r#"{"events":[{"content":"content","type":"thinking_delta"}]"#));
    let session = lcsession_core::parse(REFERENCE).unwrap();
    assert_eq!(*session.header(), reference_header());
    assert_eq!(session.event_count(), 1);
    let events: Vec<_> = session.events().collect();
    assert_eq!(events.len(), 1);
    let e = events[0];
    assert_eq!(e.index, 0);
    assert!(!e.inferred);
    assert_eq!(e.event_type(), EventType::ThinkingDelta);
    match e.body {
        EventBody::ThinkingDelta { content } => {
            assert_eq!(content.as_str(), Some("content"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        e.raw.as_raw_str(),
        r#"{"content":"content","type":"thinking_delta"}"#
    );
    assert_eq!(e.raw.offset(), 11);
    assert_eq!(
        session.events_raw().as_raw_str(),
        r#"[{"content":"content","type":"thinking_delta"}]"#
    );
    assert_eq!(session.events_raw().offset(), 10);
    assert_eq!(session.raw().as_raw_str(), text);
    assert_eq!(session.raw().offset(), 0);
    assert_eq!(session.unknown_fields().count(), 0);

    // With small capacities that still fit, and as `&str`.
    let small = Session::<26, 37, 2>::parse(REFERENCE).unwrap();
    assert_eq!(small.header().session_id.as_str(), "ses-abc123");
    assert_eq!(small.header().generated_title.present().unwrap().len(), 37);
    let s = DefaultSession::parse_str(text, ParseOptions::default()).unwrap();
    assert_eq!(*s.header(), reference_header());
    // Surrounding whitespace is fine.
    let padded = format!(" \n\t{text}\r\n ");
    assert_eq!(header_of(&padded), reference_header());
}

#[test]
fn sample_header() {
    let session = lcsession_core::parse(SAMPLE).unwrap();
    let h = session.header();
    assert_eq!(h.session_id.as_str(), "ses-7f3a9c2e41b8");
    assert_eq!(h.last_updated_at.as_str(), "2026-04-22T12:34:41.342245");
    assert_eq!(
        h.generated_title.present().unwrap().as_str(),
        "What were the main findings in Q3? Revenue, margins — risk factors"
    );
    assert_eq!(
        h.index_ids,
        Field::Present(hl(&["idx-fin-reports-2025", "idx-earnings-calls"]))
    );
    assert_eq!(h.shared_access, Field::Present(SharedAccess::ReadOnly));
    let job = h.job_metadata.present().unwrap();
    assert_eq!(job.duration_ms, Field::Present(num(41872.6)));
    assert_eq!(job.duration_ms.present().unwrap().as_str(), "41872.6");
    assert_eq!(job.error, Field::Null);
    assert_eq!(
        job.export_config_ids,
        Field::Present(hl(&["exp-1", "exp-quarterly-pdf"]))
    );
    assert_eq!(job.is_error, Field::Present(false));
    assert_eq!(job.total_input_tokens, Field::Present(22635));
    assert_eq!(job.total_output_tokens, Field::Present(1078));
    assert_eq!(job.turns, Field::Present(3));
    let unknown: Vec<(String, String)> = session
        .unknown_fields()
        .map(|(k, v)| (k.to_string(), v.as_raw_str().to_string()))
        .collect();
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0].0, "x_trace");
    let v: serde_json::Value = serde_json::from_str(&unknown[0].1).unwrap();
    assert_eq!(v, serde_json::json!({"region": "eu-west-1", "attempt": 1}));
}

#[test]
fn key_order_does_not_matter() {
    let events = r#""events":[{"type":"text","content":"x"},{"type":"user_input","content":"y"}]"#;
    let rest = [
        r#""session_id":"ses-1""#,
        r#""last_updated_at":"2026-04-22T12:34:41""#,
        r#""generated_title":"T""#,
        r#""index_ids":["a"]"#,
        r#""job_metadata":{"turns":2}"#,
        r#""shared_access":"query""#,
        r#""x_extra":[1]"#,
    ];
    let first = format!("{{{events},{}}}", rest.join(","));
    let last = format!("{{{},{events}}}", rest.join(","));
    let middle = format!(
        "{{{},{events},{}}}",
        rest[..3].join(","),
        rest[3..].join(",")
    );
    let mut reversed: Vec<&str> = rest.to_vec();
    reversed.reverse();
    let shuffled = format!(
        "{{{},{events},{}}}",
        reversed[..4].join(","),
        reversed[4..].join(",")
    );
    let want = header_of(&first);
    assert_eq!(want.session_id.as_str(), "ses-1");
    assert_eq!(
        want.job_metadata.present().unwrap().turns,
        Field::Present(2)
    );
    for d in [&last, &middle, &shuffled] {
        let s = lcsession_core::parse(d.as_bytes()).unwrap();
        assert_eq!(*s.header(), want, "{d}");
        assert_eq!(s.event_count(), 2);
        let contents: Vec<String> = s
            .events()
            .map(|e| e.content().unwrap().to_string())
            .collect();
        assert_eq!(contents, ["x", "y"]);
        assert_eq!(
            s.unknown_fields()
                .map(|(k, v)| (k.to_string(), v.as_raw_str()))
                .collect::<Vec<_>>(),
            [("x_extra".to_string(), "[1]")]
        );
    }
}

#[test]
fn optional_header_fields_missing_null_present() {
    let h = header_of(&header_doc(""));
    assert_eq!(h.session_id.as_str(), "s");
    assert_eq!(h.last_updated_at.as_str(), "t");
    assert!(h.generated_title.is_missing());
    assert!(h.index_ids.is_missing());
    assert!(h.job_metadata.is_missing());
    assert!(h.shared_access.is_missing());

    let h = header_of(&header_doc(
        r#""generated_title":null,"index_ids":null,"job_metadata":null,"shared_access":null"#,
    ));
    assert!(h.generated_title.is_null());
    assert!(h.index_ids.is_null());
    assert!(h.job_metadata.is_null());
    assert!(h.shared_access.is_null());

    let h = header_of(&header_doc(
        r#""generated_title":"Q3 \"findings\"","index_ids":[],"job_metadata":{},"shared_access":"query""#,
    ));
    assert_eq!(h.generated_title, Field::Present(hs("Q3 \"findings\"")));
    assert_eq!(h.index_ids, Field::Present(hl(&[])));
    assert_eq!(h.job_metadata, Field::Present(JobMetadata::default()));
    assert_eq!(h.shared_access, Field::Present(SharedAccess::Query));
}

#[test]
fn each_job_metadata_field_missing_null_present() {
    let present: [(&str, &str); 7] = [
        ("duration_ms", "41872.6"),
        ("error", r#""boom \u2014 \"x\"""#),
        ("export_config_ids", r#"["exp-1","exp-\u0032"]"#),
        ("is_error", "true"),
        ("total_input_tokens", "22635"),
        ("total_output_tokens", "1078"),
        ("turns", "3"),
    ];
    let full = JobMetadata {
        duration_ms: Field::Present(num(41872.6)),
        error: Field::Present(hs("boom — \"x\"")),
        export_config_ids: Field::Present(hl(&["exp-1", "exp-2"])),
        is_error: Field::Present(true),
        total_input_tokens: Field::Present(22635),
        total_output_tokens: Field::Present(1078),
        turns: Field::Present(3),
    };
    let all = present
        .iter()
        .map(|(k, v)| format!(r#""{k}":{v}"#))
        .collect::<Vec<_>>()
        .join(",");
    let h = header_of(&header_doc(&format!(r#""job_metadata":{{{all}}}"#)));
    assert_eq!(h.job_metadata, Field::Present(full.clone()));

    for (i, (key, _)) in present.iter().enumerate() {
        for variant in ["missing", "null"] {
            let members = present
                .iter()
                .enumerate()
                .filter_map(|(j, (k, v))| match (j == i, variant) {
                    (false, _) => Some(format!(r#""{k}":{v}"#)),
                    (true, "null") => Some(format!(r#""{k}":null"#)),
                    (true, _) => None,
                })
                .collect::<Vec<_>>()
                .join(",");
            let h = header_of(&header_doc(&format!(r#""job_metadata":{{{members}}}"#)));
            let job = h.job_metadata.present().unwrap().clone();
            let mut want = full.clone();
            macro_rules! set {
                ($f:ident) => {
                    want.$f = if variant == "null" {
                        Field::Null
                    } else {
                        Field::Missing
                    }
                };
            }
            match *key {
                "duration_ms" => set!(duration_ms),
                "error" => set!(error),
                "export_config_ids" => set!(export_config_ids),
                "is_error" => set!(is_error),
                "total_input_tokens" => set!(total_input_tokens),
                "total_output_tokens" => set!(total_output_tokens),
                _ => set!(turns),
            }
            assert_eq!(job, want, "{key} {variant}");
        }
    }
}

#[test]
fn job_metadata_numbers() {
    for (n, want) in [("0", 0), ("-0", 0), ("18446744073709551615", u64::MAX)] {
        let h = header_of(&header_doc(&format!(r#""job_metadata":{{"turns":{n}}}"#)));
        assert_eq!(
            h.job_metadata.present().unwrap().turns,
            Field::Present(want)
        );
    }
    for (n, want) in [("0", 0.0), ("1e3", 1000.0), ("-2.5E-1", -0.25), ("7", 7.0)] {
        let h = header_of(&header_doc(&format!(
            r#""job_metadata":{{"duration_ms":{n}}}"#
        )));
        assert_eq!(
            h.job_metadata.present().unwrap().duration_ms,
            Field::Present(num(want))
        );
    }
}

#[test]
fn header_wrong_types_and_ranges() {
    let cases: &[(&str, &str, ErrorKind)] = &[
        (
            r#""generated_title":5"#,
            "5",
            ErrorKind::WrongType {
                at: hd("generated_title"),
                expected: JsonType::String,
            },
        ),
        (
            r#""generated_title":["t"]"#,
            r#"["t"]"#,
            ErrorKind::WrongType {
                at: hd("generated_title"),
                expected: JsonType::String,
            },
        ),
        (
            r#""index_ids":"idx""#,
            r#""idx""#,
            ErrorKind::WrongType {
                at: hd("index_ids"),
                expected: JsonType::StringArray,
            },
        ),
        (
            r#""index_ids":["a",7]"#,
            "7",
            ErrorKind::WrongType {
                at: hd("index_ids"),
                expected: JsonType::StringArray,
            },
        ),
        (
            r#""index_ids":["a",null]"#,
            "null",
            ErrorKind::WrongType {
                at: hd("index_ids"),
                expected: JsonType::StringArray,
            },
        ),
        (
            r#""job_metadata":[]"#,
            "[]",
            ErrorKind::WrongType {
                at: hd("job_metadata"),
                expected: JsonType::Object,
            },
        ),
        (
            r#""job_metadata":"x""#,
            r#""x""#,
            ErrorKind::WrongType {
                at: hd("job_metadata"),
                expected: JsonType::Object,
            },
        ),
        (
            r#""job_metadata":{"is_error":"yes"}"#,
            r#""yes""#,
            ErrorKind::WrongType {
                at: hd("job_metadata.is_error"),
                expected: JsonType::Bool,
            },
        ),
        (
            r#""job_metadata":{"error":false}"#,
            "false",
            ErrorKind::WrongType {
                at: hd("job_metadata.error"),
                expected: JsonType::String,
            },
        ),
        (
            r#""job_metadata":{"duration_ms":"1"}"#,
            r#""1""#,
            ErrorKind::WrongType {
                at: hd("job_metadata.duration_ms"),
                expected: JsonType::Number,
            },
        ),
        (
            r#""job_metadata":{"duration_ms":1e999}"#,
            "1e999",
            ErrorKind::NumberOutOfRange(hd("job_metadata.duration_ms")),
        ),
        (
            r#""job_metadata":{"turns":1.5}"#,
            "1.5",
            ErrorKind::WrongType {
                at: hd("job_metadata.turns"),
                expected: JsonType::Integer,
            },
        ),
        (
            r#""job_metadata":{"turns":3e0}"#,
            "3e0",
            ErrorKind::WrongType {
                at: hd("job_metadata.turns"),
                expected: JsonType::Integer,
            },
        ),
        (
            r#""job_metadata":{"total_input_tokens":-5}"#,
            "-5",
            ErrorKind::NumberOutOfRange(hd("job_metadata.total_input_tokens")),
        ),
        (
            r#""job_metadata":{"total_output_tokens":18446744073709551616}"#,
            "18446744073709551616",
            ErrorKind::NumberOutOfRange(hd("job_metadata.total_output_tokens")),
        ),
        (
            r#""job_metadata":{"total_output_tokens":true}"#,
            "true",
            ErrorKind::WrongType {
                at: hd("job_metadata.total_output_tokens"),
                expected: JsonType::Integer,
            },
        ),
        (
            r#""job_metadata":{"export_config_ids":{}}"#,
            "{}",
            ErrorKind::WrongType {
                at: hd("job_metadata.export_config_ids"),
                expected: JsonType::StringArray,
            },
        ),
        (
            r#""job_metadata":{"export_config_ids":[[]]}"#,
            "[]]",
            ErrorKind::WrongType {
                at: hd("job_metadata.export_config_ids"),
                expected: JsonType::StringArray,
            },
        ),
        (
            r#""shared_access":5"#,
            "5",
            ErrorKind::WrongType {
                at: hd("shared_access"),
                expected: JsonType::String,
            },
        ),
    ];
    for (extra, bad, kind) in cases {
        let d = header_doc(extra);
        let err = parse_err(&d);
        assert_err(err, *kind, at_last(&d, bad), &d);
        assert!(!err.is_syntax());
    }
    for (field, bad) in [("session_id", "5"), ("last_updated_at", "null")] {
        let d =
            format!(r#"{{"events":[],"{field}":{bad},"session_id":"s","last_updated_at":"t"}}"#);
        let err = parse_err(&d);
        assert_err(
            err,
            ErrorKind::WrongType {
                at: Location::header(if field == "session_id" {
                    "session_id"
                } else {
                    "last_updated_at"
                }),
                expected: JsonType::String,
            },
            at(&d, bad),
            &d,
        );
    }
    let d = r#"{"events":{},"session_id":"s","last_updated_at":"t"}"#;
    assert_err(
        parse_err(d),
        ErrorKind::WrongType {
            at: hd("events"),
            expected: JsonType::Array,
        },
        10,
        d,
    );
    let d = r#"{"session_id":"s","last_updated_at":"t","events":null}"#;
    assert_err(
        parse_err(d),
        ErrorKind::WrongType {
            at: hd("events"),
            expected: JsonType::Array,
        },
        at(d, "null"),
        d,
    );
    assert_eq!(
        parse_err(d).to_string(),
        format!(
            "field `events`: expected an array at byte {}",
            at(d, "null")
        )
    );
}

#[test]
fn shared_access_values() {
    for (value, want) in [
        (r#""query""#, SharedAccess::Query),
        (r#""read_only""#, SharedAccess::ReadOnly),
        (r#""qu\u0065ry""#, SharedAccess::Query),
        (r#""read\u005fonly""#, SharedAccess::ReadOnly),
        (r#""write""#, SharedAccess::Other(hs("write"))),
        (r#""""#, SharedAccess::Other(hs(""))),
        (r#""Query""#, SharedAccess::Other(hs("Query"))),
        (r#""caf\u00e9""#, SharedAccess::Other(hs("café"))),
        (
            &format!(r#""{}""#, "x".repeat(32)),
            SharedAccess::Other(hs(&"x".repeat(32))),
        ),
        (
            &format!(r#""{}é""#, "x".repeat(30)),
            SharedAccess::Other(hs(&format!("{}é", "x".repeat(30)))),
        ),
    ] {
        let h = header_of(&header_doc(&format!(r#""shared_access":{value}"#)));
        assert_eq!(h.shared_access, Field::Present(want.clone()), "{value}");
        assert_eq!(
            h.shared_access.present().unwrap().as_str(),
            match &want {
                SharedAccess::Query => "query",
                SharedAccess::ReadOnly => "read_only",
                SharedAccess::Other(s) => s.as_str(),
            }
        );
    }
    for value in [
        format!(r#""{}""#, "x".repeat(33)),
        format!(r#""{}é""#, "x".repeat(31)),
        format!(r#""{}\u00e9""#, "x".repeat(31)),
    ] {
        let d = header_doc(&format!(r#""shared_access":{value}"#));
        assert_err(
            parse_err(&d),
            ErrorKind::Capacity {
                at: hd("shared_access"),
                capacity: 32,
            },
            at(&d, &value),
            &d,
        );
    }
}

#[test]
fn unknown_top_level_fields_are_kept_as_raw_json() {
    let d = concat!(
        r#"{"x_trace":{"region":"eu-west-1","nested":[1,{"a":null}],"s":"\"q\""},"#,
        r#""events":[],"\u0078_escaped":"v\u00e9","session_id":"s","#,
        r#""x_num":-1.5e3,"last_updated_at":"t","x_null":null,"x_arr":[ 1 , 2 ],"#,
        r#""\u0065vents_like":true,"x_dup":1,"x_dup":2}"#
    );
    let s = lcsession_core::parse(d.as_bytes()).unwrap();
    let got: Vec<(String, &str, &str, usize)> = s
        .unknown_fields()
        .map(|(k, v)| (k.to_string(), k.raw(), v.as_raw_str(), v.offset()))
        .collect();
    let want = [
        (
            "x_trace",
            "x_trace",
            r#"{"region":"eu-west-1","nested":[1,{"a":null}],"s":"\"q\""}"#,
        ),
        ("x_escaped", r"\u0078_escaped", r#""v\u00e9""#),
        ("x_num", "x_num", "-1.5e3"),
        ("x_null", "x_null", "null"),
        ("x_arr", "x_arr", "[ 1 , 2 ]"),
        ("events_like", r"\u0065vents_like", "true"),
        ("x_dup", "x_dup", "1"),
        ("x_dup", "x_dup", "2"),
    ];
    assert_eq!(got.len(), want.len());
    for ((k, raw_k, v, off), (wk, wraw, wv)) in got.iter().zip(want) {
        assert_eq!((k.as_str(), *raw_k, *v), (wk, wraw, wv));
        assert_eq!(&d[*off..off + v.len()], *v);
    }
    let (_, trace) = s.unknown_fields().next().unwrap();
    assert!(trace
        .get("nested")
        .unwrap()
        .items()
        .nth(1)
        .unwrap()
        .get("a")
        .unwrap()
        .is_null());
    assert_eq!(trace.get("s").unwrap().as_str().unwrap(), "\"q\"");
    let (_, esc) = s.unknown_fields().nth(1).unwrap();
    assert_eq!(esc.as_str().unwrap(), "vé");

    // Known keys, escaped or not, are never reported as unknown.
    let d =
        r#"{"\u0065vents":[],"session\u005fid":"s","last_updated_at":"t","generated_title":null}"#;
    let s = lcsession_core::parse(d.as_bytes()).unwrap();
    assert_eq!(s.unknown_fields().count(), 0);
    assert_eq!(s.header().session_id.as_str(), "s");
}

#[test]
fn missing_required_fields() {
    for (d, field) in [
        (r#"{"session_id":"s","last_updated_at":"t"}"#, "events"),
        (r#"{"events":[],"last_updated_at":"t"}"#, "session_id"),
        (r#"{"events":[],"session_id":"s"}"#, "last_updated_at"),
        (
            r#"{"events":[],"session_id":"s","last_updated":"t"}"#,
            "last_updated_at",
        ),
        (
            r#"{"events":[],"sessionId":"s","last_updated_at":"t"}"#,
            "session_id",
        ),
        (r#"{}"#, "events"),
        (r#"  {  }  "#, "events"),
    ] {
        let err = parse_err(d);
        assert_err(err, ErrorKind::MissingField(hd(field)), at_last(d, "}"), d);
        assert_eq!(
            err.to_string(),
            format!("field `{field}`: missing at byte {}", at_last(d, "}"))
        );
    }
}

#[test]
fn duplicate_top_level_keys() {
    for (d, field, dup) in [
        (
            r#"{"events":[],"session_id":"a","last_updated_at":"t","session_id":"b"}"#,
            "session_id",
            r#""b""#,
        ),
        (
            r#"{"events":[],"session_id":"a","events":[],"last_updated_at":"t"}"#,
            "events",
            "[],\"last",
        ),
        (
            r#"{"events":[],"session_id":"a","last_updated_at":"t","generated_title":null,"generated_title":"x"}"#,
            "generated_title",
            r#""x""#,
        ),
        (
            r#"{"events":[],"session_id":"a","last_updated_at":"t","shared_access":"query","shared_\u0061ccess":"query"}"#,
            "shared_access",
            r#""query"}"#,
        ),
        (
            r#"{"events":[],"session_id":"a","last_updated_at":"t","index_ids":[],"index_ids":null}"#,
            "index_ids",
            "null",
        ),
        (
            r#"{"events":[],"session_id":"a","last_updated_at":"t","job_metadata":{},"job_metadata":{}}"#,
            "job_metadata",
            "{}}",
        ),
        (
            r#"{"events":[],"session_id":"a","last_updated_at":"t","job_metadata":{"turns":1,"turns":2}}"#,
            "job_metadata.turns",
            "2}",
        ),
        (
            r#"{"events":[],"session_id":"a","last_updated_at":"t","job_metadata":{"error":null,"error":null}}"#,
            "job_metadata.error",
            "null}",
        ),
    ] {
        let err = parse_err(d);
        assert_err(
            err,
            ErrorKind::DuplicateField(hd(field)),
            at_last(d, dup),
            d,
        );
        assert!(!err.is_syntax());
    }
}

#[test]
fn trailing_bytes() {
    let base = std::str::from_utf8(REFERENCE).unwrap();
    for (suffix, offset_in_suffix) in [
        ("x", 0),
        (" {}", 1),
        ("\n,", 1),
        ("}", 0),
        ("\t\r\n null", 4),
        ("\u{0}", 0),
    ] {
        let d = format!("{base}{suffix}");
        let err = parse_err(&d);
        assert_err(
            err,
            ErrorKind::TrailingBytes,
            base.len() + offset_in_suffix,
            &d,
        );
        assert!(err.is_syntax());
    }
    // Whitespace only is fine.
    assert!(lcsession_core::parse(format!("{base} \t\r\n").as_bytes()).is_ok());
}

#[test]
fn the_root_must_be_an_object() {
    for (d, off) in [
        ("[]", 0),
        ("  [1,2]", 2),
        (r#""session""#, 0),
        ("null", 0),
        ("5", 0),
        ("\n-1", 1),
        ("true", 0),
    ] {
        let err = parse_err(d);
        assert_err(err, ErrorKind::NotAnObject, off, d);
        assert_eq!(
            err.to_string(),
            format!("the session is not a JSON object at byte {off}")
        );
    }
    for d in ["", "   \n"] {
        assert_err(parse_err(d), ErrorKind::UnexpectedEnd, d.len(), d);
    }
    let err = parse_err("}");
    assert_eq!(
        err.kind(),
        ErrorKind::UnexpectedByte {
            found: b'}',
            expected: "a JSON value"
        }
    );
    // A UTF-8 byte order mark is rejected, at byte 0.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(REFERENCE);
    let err = lcsession_core::parse(&bom).unwrap_err();
    assert_eq!(err.offset(), 0);
    assert!(err.is_syntax());
}

fn nested_unknown(depth: usize) -> String {
    // `depth` arrays inside the root object.
    format!(
        r#"{{"events":[],"session_id":"s","last_updated_at":"t","x":{}{}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

#[test]
fn depth_limit_counts_the_root_as_one() {
    assert_eq!(DEFAULT_MAX_DEPTH, 128);
    assert_eq!(MAX_DEPTH, 256);
    assert!(lcsession_core::parse(nested_unknown(127).as_bytes()).is_ok());
    let d = nested_unknown(128);
    let err = parse_err(&d);
    assert_eq!(err.kind(), ErrorKind::DepthLimit { limit: 128 });
    assert_eq!(err.offset(), at(&d, r#""x":"#) + 4 + 127);
    assert!(err.is_syntax());
    assert_eq!(
        err.to_string(),
        format!("nesting deeper than 128 levels at byte {}", err.offset())
    );

    // Custom limits, and the ceiling.
    let opts = |max_depth| ParseOptions { max_depth };
    assert!(DefaultSession::parse_with(nested_unknown(9).as_bytes(), opts(10)).is_ok());
    assert_eq!(
        DefaultSession::parse_with(nested_unknown(10).as_bytes(), opts(10))
            .unwrap_err()
            .kind(),
        ErrorKind::DepthLimit { limit: 10 }
    );
    assert!(DefaultSession::parse_with(nested_unknown(255).as_bytes(), opts(1000)).is_ok());
    assert_eq!(
        DefaultSession::parse_with(nested_unknown(256).as_bytes(), opts(1000))
            .unwrap_err()
            .kind(),
        ErrorKind::DepthLimit { limit: 256 }
    );
    // The header's own containers count too: index_ids is at depth 2,
    // job_metadata.export_config_ids at 3.
    let d = header_doc(r#""index_ids":["a"]"#);
    assert!(DefaultSession::parse_with(d.as_bytes(), opts(2)).is_ok());
    assert_eq!(
        DefaultSession::parse_with(d.as_bytes(), opts(1))
            .unwrap_err()
            .kind(),
        ErrorKind::DepthLimit { limit: 1 }
    );
    let d = header_doc(r#""job_metadata":{"export_config_ids":["a"]}"#);
    assert!(DefaultSession::parse_with(d.as_bytes(), opts(3)).is_ok());
    assert_eq!(
        DefaultSession::parse_with(d.as_bytes(), opts(2))
            .unwrap_err()
            .kind(),
        ErrorKind::DepthLimit { limit: 2 }
    );
    // Very deep input costs no recursion.
    let mut deep = String::from(r#"{"events":[],"session_id":"s","last_updated_at":"t","x":"#);
    deep.push_str(&"[".repeat(1_000_000));
    assert_eq!(
        parse_err(&deep).kind(),
        ErrorKind::DepthLimit { limit: 128 }
    );
}

#[test]
fn default_capacities() {
    assert_eq!(
        (
            DEFAULT_ID_CAPACITY,
            DEFAULT_TEXT_CAPACITY,
            DEFAULT_LIST_CAPACITY
        ),
        (128, 512, 16)
    );
    let h: Header = Header::default();
    assert_eq!(h.session_id.capacity(), 128);
    assert!(h.generated_title.is_missing());
}

/// Depth of nested arrays under `v`, walked with `items()` (recursion is fine in a test).
fn array_depth(v: lcsession_core::RawValue<'_>) -> usize {
    match v.items().next() {
        Some(inner) => 1 + array_depth(inner),
        None if v.kind() == lcsession_core::ValueKind::Array => 1,
        None => 0,
    }
}

#[test]
fn values_at_the_depth_limit_are_walked_completely() {
    // Walking never stops early at depths that parsing accepted, whatever the limit.
    for (limit, nested) in [(128u16, 127usize), (256, 255), (10, 9)] {
        let d = nested_unknown(nested);
        let s =
            DefaultSession::parse_with(d.as_bytes(), ParseOptions { max_depth: limit }).unwrap();
        let (_, x) = s.unknown_fields().next().unwrap();
        assert_eq!(array_depth(x), nested, "limit {limit}");
        let via_root = s.raw().get("x").unwrap();
        assert_eq!(array_depth(via_root), nested);
    }
    // The same inside an event: root 1, events 2, event 3, arguments 4, then arrays.
    let inner = 256 - 4;
    let call = |n: usize| {
        common::doc(&[&format!(
            r#"{{"type":"tool_call","call_id":"c","name":"n","arguments":{{"a":{}{}}}}}"#,
            "[".repeat(n),
            "]".repeat(n)
        )])
    };
    let d = call(inner);
    let s = DefaultSession::parse_with(d.as_bytes(), ParseOptions { max_depth: 256 }).unwrap();
    let e = s.events().next().expect("the event is iterated");
    let args = e.tool_call().unwrap().arguments;
    assert_eq!(array_depth(args.get("a").unwrap()), inner);
    let too_deep = call(inner + 1);
    assert_eq!(
        DefaultSession::parse_with(too_deep.as_bytes(), ParseOptions { max_depth: 256 })
            .unwrap_err()
            .kind(),
        ErrorKind::DepthLimit { limit: 256 }
    );
}

/// `parse_into` and `parse_into_visiting` on a reused session give what a fresh parse gives,
/// whatever the session held before: nothing of an earlier header shows through a field the
/// new input lacks, and a failed parse leaves the session empty.
#[test]
fn parse_into_replaces_everything_an_earlier_parse_left() {
    let minimal = br#"{"events":[],"session_id":"s","last_updated_at":"t"}"#;
    let nulls = br#"{"events":[{"type":"text","content":"x"}],"session_id":"s","last_updated_at":"t","generated_title":null,"index_ids":null,"job_metadata":null,"shared_access":null}"#;
    let shared = br#"{"events":[],"session_id":"s","last_updated_at":"t","shared_access":"query","job_metadata":{"turns":3}}"#;
    // Under Miri the small documents only (every pair of five took 6 minutes there).
    let docs: &[&[u8]] = if cfg!(miri) {
        &[REFERENCE, minimal, nulls]
    } else {
        &[REFERENCE, SAMPLE, minimal, nulls, shared]
    };
    let options = ParseOptions::default();
    let mut session = DefaultSession::default();
    for &before in docs {
        for &after in docs {
            session.parse_into(before, options).expect("before");
            session.parse_into(after, options).expect("after");
            assert_eq!(session, DefaultSession::parse(after).expect("fresh"));

            session.parse_into(before, options).expect("before");
            let mut visited = Vec::new();
            session
                .parse_into_visiting(after, options, |e| visited.push(*e))
                .expect("after, visiting");
            assert_eq!(session, DefaultSession::parse(after).expect("fresh"));
            let events: Vec<_> = session.events().collect();
            assert_eq!(visited, events);
        }
        session.parse_into(before, options).expect("before");
        let err = session
            .parse_into(b"{\"events\":[]}", options)
            .expect_err("no session_id");
        assert_eq!(
            err,
            DefaultSession::parse(b"{\"events\":[]}").expect_err("fresh")
        );
        assert_eq!(session, DefaultSession::default());
        session.parse_into(before, options).expect("before");
        let err = session
            .parse_into(b"{\"a\":\"\xff\"}", options)
            .expect_err("not UTF-8");
        assert_eq!(err.kind(), ErrorKind::InvalidUtf8);
        assert_eq!(session, DefaultSession::default());
    }
}
