//! The serde path (`Header: Deserialize`, read by `serde_json` and `serde_json_core`) and the
//! fast path (`lcsession_core::parse(..).header()`) agree.
//!
//! What `serde-json-core` 0.7 can and cannot do, and how these tests deal with it:
//! - `from_slice` (no unescape buffer) does not unescape at all: an escaped string arrives
//!   with its backslashes, so a header string with escapes decodes to its raw text. Documents
//!   whose header strings have escapes are compared through `from_slice_escaped` instead.
//! - `from_slice_escaped` unescapes every string it meets, skipped ones included (the
//!   `events`), into one caller buffer, so the buffer must hold the longest escaped string of
//!   the whole document; and it decodes `\uXXXX` one code unit at a time, so any surrogate pair
//!   (`\ud83d\ude00`) anywhere in the document is an error (`InvalidEscapeSequence`).
//! - It skips unknown values loosely (numbers are "chomped" up to the next delimiter without
//!   validation), so it accepts some invalid documents the fast path rejects.
//!
//! Known, deliberate differences between the serde path and the fast path (not tested as
//! agreement): the serde path does not look at `events` at all (a missing or ill-typed
//! `events` is accepted there), and `serde_json` reads `-0` as a float, so it rejects `-0` in
//! an integer field where the fast path reads 0.

mod common;

use common::{header_doc, num, REFERENCE, SAMPLE};
use lcsession_core::{ErrorKind, Field, Header, SharedAccess};

type Small = Header<8, 16, 2>;

/// The fast path's header with default capacities.
fn fast(doc: &[u8]) -> Header {
    lcsession_core::parse(doc)
        .unwrap_or_else(|e| panic!("fast path rejected: {e}"))
        .into_header()
}

fn via_serde_json(doc: &[u8]) -> Header {
    serde_json::from_slice(doc).unwrap_or_else(|e| panic!("serde_json rejected: {e}"))
}

fn via_sjc(doc: &[u8]) -> Header {
    let (h, used): (Header, usize) =
        serde_json_core::from_slice(doc).unwrap_or_else(|e| panic!("sjc rejected: {e}"));
    assert_eq!(used, doc.len());
    h
}

fn via_sjc_escaped(doc: &[u8]) -> Header {
    let mut scratch = vec![0u8; doc.len()];
    let (h, used): (Header, usize) = serde_json_core::from_slice_escaped(doc, &mut scratch)
        .unwrap_or_else(|e| panic!("sjc rejected: {e}"));
    assert_eq!(used, doc.len());
    h
}

#[test]
fn reference_example_on_all_paths() {
    let want = fast(REFERENCE);
    assert_eq!(want.session_id.as_str(), "ses-abc123");
    assert_eq!(via_serde_json(REFERENCE), want);
    assert_eq!(via_sjc(REFERENCE), want);
    assert_eq!(via_sjc_escaped(REFERENCE), want);
}

#[test]
fn sample_on_all_paths() {
    let want = fast(SAMPLE);
    assert_eq!(via_serde_json(SAMPLE), want);

    // sjc without a buffer keeps the title's `\u2014` as written; everything else agrees.
    let (raw, _): (Header, usize) = serde_json_core::from_slice(SAMPLE).unwrap();
    assert_eq!(
        raw.generated_title.present().unwrap().as_str(),
        r"What were the main findings in Q3? Revenue, margins \u2014 risk factors"
    );
    let mut patched = raw.clone();
    patched.generated_title = want.generated_title.clone();
    assert_eq!(patched, want);

    // sjc with a buffer meets the surrogate pairs in the events and gives up.
    let mut scratch = vec![0u8; SAMPLE.len()];
    assert!(serde_json_core::from_slice_escaped::<Header>(SAMPLE, &mut scratch).is_err());
}

#[test]
#[cfg_attr(
    miri,
    ignore = "eight generated dumps of 24-65 KB: far too slow under Miri"
)]
fn generated_dumps_agree() {
    for seed in 1..=4 {
        for doc in [
            lcsession_gen::long_texts(60_000, seed),
            lcsession_gen::many_deltas(30_000, seed),
        ] {
            let want = fast(doc.as_bytes());
            assert_eq!(via_serde_json(doc.as_bytes()), want, "seed {seed}");
            // Without unescaping, sjc agrees exactly when the header strings have no escapes.
            let session = lcsession_core::parse(doc.as_bytes()).unwrap();
            let title_escaped = session
                .raw()
                .get("generated_title")
                .and_then(|v| v.as_str())
                .is_some_and(|s| s.has_escapes());
            let (got, _): (Header, usize) = serde_json_core::from_slice(doc.as_bytes()).unwrap();
            if title_escaped {
                assert_ne!(got.generated_title, want.generated_title);
                let mut patched = got.clone();
                patched.generated_title = want.generated_title.clone();
                assert_eq!(patched, want);
            } else {
                assert_eq!(got, want, "seed {seed}");
            }
        }
    }
}

#[test]
fn hand_made_headers_with_escapes() {
    // BMP escapes only: every path can decode them.
    let bmp = br#"{"events":[{"type":"text","content":"caf\u00e9\n"}],"session_id":"ses-\u0031\/2","last_updated_at":"2026-04-22T12:34:41","generated_title":"Q3 \"findings\"\tcaf\u00e9 \u4e2d \\ end","index_ids":["idx-\u00e9","plain"],"job_metadata":{"error":"line1\nline2 \u2014 \"x\"","export_config_ids":["exp-\u0041"],"turns":2},"shared_access":"qu\u0065ry","x_unknown":"\u00e9"}"#;
    let want = fast(bmp);
    assert_eq!(want.session_id.as_str(), "ses-1/2");
    assert_eq!(
        want.generated_title.present().unwrap().as_str(),
        "Q3 \"findings\"\tcafé 中 \\ end"
    );
    assert_eq!(
        want.job_metadata
            .present()
            .unwrap()
            .error
            .present()
            .unwrap()
            .as_str(),
        "line1\nline2 — \"x\""
    );
    assert_eq!(want.shared_access, Field::Present(SharedAccess::Query));
    assert_eq!(via_serde_json(bmp), want);
    assert_eq!(via_sjc_escaped(bmp), want);

    // A surrogate pair in the header: serde_json agrees; sjc cannot decode it.
    let astral = br#"{"events":[],"session_id":"s","last_updated_at":"t","generated_title":"ok \ud83d\ude00 \u00e9"}"#;
    let want = fast(astral);
    assert_eq!(want.generated_title.present().unwrap().as_str(), "ok 😀 é");
    assert_eq!(via_serde_json(astral), want);
    let mut scratch = [0u8; 128];
    assert!(serde_json_core::from_slice_escaped::<Header>(astral, &mut scratch).is_err());
    // Raw (unescaped) astral characters are fine everywhere.
    let raw_astral =
        r#"{"events":[],"session_id":"s","last_updated_at":"t","generated_title":"ok 😀 é"}"#;
    let want = fast(raw_astral.as_bytes());
    assert_eq!(via_serde_json(raw_astral.as_bytes()), want);
    assert_eq!(via_sjc(raw_astral.as_bytes()), want);
}

#[test]
fn missing_null_present_agree() {
    let fields: [(&str, &str); 4] = [
        ("generated_title", r#""T""#),
        ("index_ids", r#"["a","b"]"#),
        ("job_metadata", r#"{"turns":1}"#),
        ("shared_access", r#""read_only""#),
    ];
    let job_fields: [(&str, &str); 7] = [
        ("duration_ms", "12.5"),
        ("error", r#""e""#),
        ("export_config_ids", r#"["x"]"#),
        ("is_error", "true"),
        ("total_input_tokens", "10"),
        ("total_output_tokens", "20"),
        ("turns", "3"),
    ];
    let mut docs = Vec::new();
    for mask in 0..3usize.pow(4) {
        let mut members = Vec::new();
        let mut m = mask;
        for (k, v) in fields {
            match m % 3 {
                0 => {}
                1 => members.push(format!(r#""{k}":null"#)),
                _ => members.push(format!(r#""{k}":{v}"#)),
            }
            m /= 3;
        }
        docs.push(header_doc(&members.join(",")));
    }
    for (i, (k, v)) in job_fields.iter().enumerate() {
        for variant in 0..3 {
            let members: Vec<String> = job_fields
                .iter()
                .enumerate()
                .filter_map(|(j, (k2, v2))| match (i == j, variant) {
                    (false, _) => Some(format!(r#""{k2}":{v2}"#)),
                    (true, 0) => None,
                    (true, 1) => Some(format!(r#""{k}":null"#)),
                    (true, _) => Some(format!(r#""{k}":{v}"#)),
                })
                .collect();
            docs.push(header_doc(&format!(
                r#""job_metadata":{{{}}}"#,
                members.join(",")
            )));
        }
    }
    let mut kinds = [0usize; 3];
    for d in &docs {
        let want = fast(d.as_bytes());
        kinds[0] += usize::from(want.generated_title.is_missing());
        kinds[1] += usize::from(want.generated_title.is_null());
        kinds[2] += usize::from(want.generated_title.is_present());
        assert_eq!(via_serde_json(d.as_bytes()), want, "{d}");
        assert_eq!(via_sjc(d.as_bytes()), want, "{d}");
    }
    assert!(kinds.iter().all(|&n| n > 10), "{kinds:?}");
}

#[test]
fn capacity_overflow_is_an_error_on_every_path() {
    for (doc, field, capacity) in [
        (
            r#"{"events":[],"session_id":"ses-01234","last_updated_at":"t"}"#.to_string(),
            "session_id",
            8,
        ),
        (
            r#"{"events":[],"session_id":"s","last_updated_at":"2026-04-22"}"#.to_string(),
            "last_updated_at",
            8,
        ),
        (
            header_doc(r#""generated_title":"0123456789abcdefg""#),
            "generated_title",
            16,
        ),
        (
            header_doc(r#""generated_title":"0123456789abcdeé""#),
            "generated_title",
            16,
        ),
        (header_doc(r#""index_ids":["a","b","c"]"#), "index_ids", 2),
        (header_doc(r#""index_ids":["123456789"]"#), "index_ids[]", 8),
        (
            header_doc(r#""job_metadata":{"error":"0123456789abcdefg"}"#),
            "job_metadata.error",
            16,
        ),
        (
            header_doc(r#""job_metadata":{"export_config_ids":["a","b","c"]}"#),
            "job_metadata.export_config_ids",
            2,
        ),
        (
            header_doc(&format!(r#""shared_access":"{}""#, "x".repeat(33))),
            "shared_access",
            32,
        ),
    ] {
        let err = lcsession_core::Session::<8, 16, 2>::parse(doc.as_bytes()).unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::Capacity {
                at: common::hd(field),
                capacity
            },
            "{doc}"
        );
        assert!(serde_json::from_str::<Small>(&doc).is_err(), "{doc}");
        assert!(serde_json_core::from_str::<Small>(&doc).is_err(), "{doc}");
    }
    // At the capacity, all three accept the same thing.
    let doc = header_doc(r#""generated_title":"0123456789abcdé","index_ids":["12345678","b"]"#);
    let want = lcsession_core::Session::<8, 16, 2>::parse(doc.as_bytes())
        .unwrap()
        .into_header();
    assert_eq!(serde_json::from_str::<Small>(&doc).unwrap(), want);
    assert_eq!(serde_json_core::from_str::<Small>(&doc).unwrap().0, want);
}

#[test]
fn schema_errors_are_errors_on_every_path() {
    for extra in [
        r#""job_metadata":{"turns":1.5}"#,
        r#""job_metadata":{"turns":-1}"#,
        r#""job_metadata":{"turns":18446744073709551616}"#,
        r#""job_metadata":{"turns":"1"}"#,
        r#""job_metadata":{"is_error":1}"#,
        r#""job_metadata":{"duration_ms":"1"}"#,
        r#""job_metadata":"x""#,
        r#""generated_title":5"#,
        r#""index_ids":"a""#,
        r#""index_ids":[1]"#,
        r#""shared_access":true"#,
        r#""generated_title":"a","generated_title":"b""#,
        r#""job_metadata":{"turns":1,"turns":2}"#,
    ] {
        let doc = header_doc(extra);
        let err = lcsession_core::parse(doc.as_bytes()).unwrap_err();
        assert!(!err.is_syntax(), "{doc}: {err}");
        assert!(serde_json::from_str::<Header>(&doc).is_err(), "{doc}");
        assert!(serde_json_core::from_str::<Header>(&doc).is_err(), "{doc}");
    }
    for doc in [
        r#"{"events":[],"last_updated_at":"t"}"#,
        r#"{"events":[],"session_id":"s"}"#,
        r#"{"events":[],"session_id":5,"last_updated_at":"t"}"#,
    ] {
        assert!(lcsession_core::parse(doc.as_bytes()).is_err(), "{doc}");
        assert!(serde_json::from_str::<Header>(doc).is_err(), "{doc}");
        assert!(serde_json_core::from_str::<Header>(doc).is_err(), "{doc}");
    }
    // duration_ms beyond f64: both strict paths reject (sjc's float parsing saturates, so
    // it is not asked).
    let doc = header_doc(r#""job_metadata":{"duration_ms":1e400}"#);
    assert!(lcsession_core::parse(doc.as_bytes()).is_err());
    assert!(serde_json::from_str::<Header>(&doc).is_err());
}

#[test]
fn numbers_agree() {
    for (n, turns, duration) in [
        ("0", 0u64, 0.0f64),
        ("7", 7, 7.0),
        (
            "18446744073709551615",
            u64::MAX,
            18_446_744_073_709_551_615.0,
        ),
    ] {
        let doc = header_doc(&format!(
            r#""job_metadata":{{"turns":{n},"duration_ms":{n}}}"#
        ));
        let want = fast(doc.as_bytes());
        let job = want.job_metadata.present().unwrap();
        assert_eq!(job.turns, Field::Present(turns));
        assert_eq!(job.duration_ms, Field::Present(num(duration)));
        assert_eq!(via_serde_json(doc.as_bytes()), want);
        assert_eq!(via_sjc(doc.as_bytes()), want);
    }
    for d in ["1.5", "-2.25e2", "0.1", "41872.6", "1E-3"] {
        let doc = header_doc(&format!(r#""job_metadata":{{"duration_ms":{d}}}"#));
        let want = fast(doc.as_bytes());
        assert_eq!(
            want.job_metadata.present().unwrap().duration_ms,
            Field::Present(num(d.parse::<f64>().unwrap()))
        );
        assert_eq!(via_serde_json(doc.as_bytes()), want, "{d}");
        assert_eq!(via_sjc(doc.as_bytes()), want, "{d}");
    }
    // The fast path reads `-0` as 0 in integer fields (serde_json would reject it as a float).
    let doc = header_doc(r#""job_metadata":{"turns":-0}"#);
    assert_eq!(
        fast(doc.as_bytes()).job_metadata.present().unwrap().turns,
        Field::Present(0)
    );
}

#[test]
fn the_fast_path_is_stricter_than_sjc_on_skipped_values() {
    // An invalid number inside an unknown field: the fast path and serde_json reject it,
    // sjc "chomps" it (see the module comment).
    let doc = header_doc(r#""x":1x2"#);
    assert!(lcsession_core::parse(doc.as_bytes())
        .unwrap_err()
        .is_syntax());
    assert!(serde_json::from_str::<Header>(&doc).is_err());
    assert!(serde_json_core::from_str::<Header>(&doc).is_ok());
}

#[test]
fn the_serde_path_rejects_arrays_where_objects_are_required() {
    // The fast path says WrongType (expected an object) / NotAnObject; serde's derive also
    // accepts a sequence for a struct, filling the fields by position.
    for doc in [
        header_doc(r#""job_metadata":[]"#),
        header_doc(r#""job_metadata":[12.5,"boom"]"#),
    ] {
        let err = lcsession_core::parse(doc.as_bytes()).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::WrongType { .. }), "{err}");
        assert!(
            serde_json::from_str::<Header>(&doc).is_err(),
            "serde_json accepted {doc}: {:?}",
            serde_json::from_str::<Header>(&doc)
        );
        assert!(serde_json_core::from_str::<Header>(&doc).is_err(), "{doc}");
    }
    let doc = r#"["ses-1","2026-04-22T12:34:41"]"#;
    assert_eq!(
        lcsession_core::parse(doc.as_bytes()).unwrap_err().kind(),
        ErrorKind::NotAnObject
    );
    assert!(
        serde_json::from_str::<Header>(doc).is_err(),
        "serde_json accepted {doc}: {:?}",
        serde_json::from_str::<Header>(doc)
    );
    assert!(serde_json_core::from_str::<Header>(doc).is_err(), "{doc}");
}
