//! Integration tests for `lcsession-gen`: validity, reproducibility and the
//! coverage promises of the shipped sample.

use lcsession_gen::{long_texts, many_deltas, push_json_string, sample, BENCH_SEED};
use serde_json::Value;

const COMMITTED_SAMPLE: &str = include_str!("../../../examples/data/sample-session.json");

const MB: usize = 1024 * 1024;

fn parse(doc: &str) -> Value {
    match serde_json::from_str(doc) {
        Ok(v) => v,
        Err(e) => {
            let line = doc.lines().nth(e.line().saturating_sub(1)).unwrap_or("");
            let col = e.column().saturating_sub(1).min(line.len());
            let lo = col.saturating_sub(80);
            let snippet: String = line.bytes().skip(lo).take(160).map(char::from).collect();
            panic!("invalid JSON: {e}\nnear: {snippet}");
        }
    }
}

fn events(v: &Value) -> &Vec<Value> {
    v["events"].as_array().expect("events array")
}

fn type_count(v: &Value, ty: &str) -> usize {
    events(v).iter().filter(|e| e["type"] == ty).count()
}

const KNOWN_TYPES: [&str; 8] = [
    "thinking_delta",
    "text_delta",
    "thinking",
    "text",
    "user_input",
    "tool_call",
    "tool_result",
    "stop",
];

/// Header fields every generated document carries.
fn assert_header(v: &Value) {
    assert!(v["session_id"].as_str().unwrap().starts_with("ses-"));
    assert!(v["last_updated_at"].is_string());
    assert!(v["generated_title"].is_string());
    assert_eq!(v["index_ids"].as_array().unwrap().len(), 2);
    assert_eq!(v["shared_access"], "read_only");
    let jm = v["job_metadata"].as_object().expect("job_metadata");
    for key in [
        "duration_ms",
        "error",
        "export_config_ids",
        "is_error",
        "total_input_tokens",
        "total_output_tokens",
        "turns",
    ] {
        assert!(jm.contains_key(key), "job_metadata.{key} missing");
    }
    assert_eq!(
        jm["turns"].as_u64().unwrap() as usize,
        type_count(v, "user_input")
    );
}

/// Every event is a known type with the documented fields.
fn assert_event_shapes(v: &Value) {
    for e in events(v) {
        let ty = e["type"].as_str().expect("type");
        match ty {
            "thinking_delta" | "text_delta" | "thinking" | "text" | "user_input" => {
                assert!(e["content"].is_string(), "{e}")
            }
            "tool_call" => {
                assert!(
                    e["arguments"].is_object() && e["call_id"].is_string() && e["name"].is_string()
                )
            }
            "tool_result" => {
                assert!(
                    e["call_id"].is_string() && e["name"].is_string() && e.get("result").is_some()
                )
            }
            "stop" => {
                assert!(e["is_error"].is_boolean() && e["usage"].is_object());
                assert!(e["error"].is_null() || e["error"].is_string());
            }
            other => panic!("unexpected event type {other}"),
        }
    }
}

#[test]
fn committed_sample_is_reproducible() {
    assert!(
        COMMITTED_SAMPLE == sample(),
        "examples/data/sample-session.json is stale: run `cargo run -p lcsession-gen -- write-samples examples/data`"
    );
}

#[test]
fn sample_is_valid_pretty_json() {
    let s = sample();
    let v = parse(&s);
    assert!(s.starts_with("{\n  \"events\": [\n    {\n      \"type\": "));
    assert!(s.ends_with("}\n"));
    assert!(s.lines().count() > 200, "sample should be multi-line");
    // `events` is the first key, header after it.
    assert!(s.find("\"events\"").unwrap() < s.find("\"session_id\"").unwrap());
    assert_eq!(v.as_object().unwrap().keys().count(), 8);
}

#[test]
fn sample_covers_every_event_type() {
    let v = parse(&sample());
    for ty in KNOWN_TYPES {
        assert!(type_count(&v, ty) > 0, "no {ty} event");
    }
    assert_eq!(type_count(&v, "user_input"), 3);
    assert_eq!(type_count(&v, "stop"), 3);
    assert_eq!(type_count(&v, "thinking"), 3);
    assert_eq!(type_count(&v, "text"), 3);
    // An unknown event type.
    assert_eq!(type_count(&v, "citation"), 1);
    // Exactly one event without a type, and it is unambiguously a tool call.
    let untyped: Vec<_> = events(&v)
        .iter()
        .filter(|e| e.get("type").is_none())
        .collect();
    assert_eq!(untyped.len(), 1);
    let u = untyped[0];
    assert!(u["arguments"].is_object() && u["call_id"].is_string() && u["name"].is_string());
    // Every tool result answers an earlier call (typed or untyped).
    let calls: Vec<_> = events(&v)
        .iter()
        .filter(|e| e.get("arguments").is_some())
        .map(|e| &e["call_id"])
        .collect();
    for r in events(&v).iter().filter(|e| e["type"] == "tool_result") {
        assert!(calls.contains(&&r["call_id"]));
    }
}

#[test]
fn sample_covers_fields_and_escapes() {
    let s = sample();
    let v = parse(&s);
    // Header and unknown top-level field.
    assert_header(&v);
    assert_eq!(v["x_trace"]["region"], "eu-west-1");
    assert_eq!(v["job_metadata"]["turns"], 3);
    assert_eq!(v["job_metadata"]["is_error"], false);
    assert!(v["job_metadata"]["error"].is_null());
    // Stops: one with error null / is_error false, one with skipped ids.
    let stops: Vec<_> = events(&v).iter().filter(|e| e["type"] == "stop").collect();
    assert!(stops
        .iter()
        .any(|e| e["error"].is_null() && e["is_error"] == false));
    assert!(stops.iter().any(|e| e["skipped_index_ids"].is_array()));
    let sum = |k: &str| {
        stops
            .iter()
            .map(|e| e["usage"][k].as_u64().unwrap())
            .sum::<u64>()
    };
    assert_eq!(
        v["job_metadata"]["total_input_tokens"].as_u64().unwrap(),
        sum("total_input_tokens")
    );
    assert_eq!(
        v["job_metadata"]["total_output_tokens"].as_u64().unwrap(),
        sum("total_output_tokens")
    );
    // One image attachment.
    let images = events(&v)
        .iter()
        .filter(|e| e.get("image_attachment").is_some())
        .count();
    assert_eq!(images, 1);
    // Aggregated events equal the concatenation of their deltas.
    let mut acc = String::new();
    for e in events(&v) {
        match e["type"].as_str() {
            Some("thinking_delta" | "text_delta") => acc.push_str(e["content"].as_str().unwrap()),
            Some("thinking" | "text") => {
                assert_eq!(e["content"].as_str().unwrap(), acc);
                acc.clear();
            }
            _ => {}
        }
    }
    // Nested tool-call arguments with every number spelling.
    let args = &events(&v)
        .iter()
        .find(|e| e["type"] == "tool_call")
        .unwrap()["arguments"];
    assert!(args["filters"]["date_range"].is_object() && args["index_ids"].is_array());
    assert!(args["filters"]["author"].is_null());
    for raw in ["-0.25", "1.5e-3", "2E+2"] {
        assert!(s.contains(&format!(": {raw}")), "missing number {raw}");
    }
    // Escapes, written literally in the file.
    for esc in [
        r"\n",
        r#"\""#,
        r"\\",
        r"\t",
        r"\/",
        r"\u00e9",
        r"\u2014",
        r"\ud83d\ude00",
    ] {
        assert!(s.contains(esc), "missing escape {esc}");
    }
    // Raw non-ASCII.
    for raw in ["é", "中文", "😀"] {
        assert!(s.contains(raw), "missing raw {raw}");
    }
    // Decoded surrogate pair.
    assert!(s.contains(r"\ud83d\ude00") && v.to_string().contains('😀'));
}

#[test]
fn long_texts_is_valid_sized_and_long() {
    let target = 2 * MB;
    let doc = long_texts(target, BENCH_SEED);
    assert!(doc.len() >= target);
    assert!(!doc.contains('\n'), "compact output is a single line");
    assert!(doc.starts_with("{\"events\":["));
    let v = parse(&doc);
    assert_header(&v);
    assert_event_shapes(&v);
    for ty in KNOWN_TYPES {
        assert!(type_count(&v, ty) > 0, "no {ty} event");
    }
    let long = events(&v)
        .iter()
        .filter(|e| e["type"] == "thinking" || e["type"] == "text")
        .map(|e| e["content"].as_str().unwrap().len())
        .collect::<Vec<_>>();
    assert!(
        long.iter().all(|&n| (2_000..=21_000).contains(&n)),
        "{long:?}"
    );
    let results = events(&v)
        .iter()
        .filter(|e| e["type"] == "tool_result")
        .map(|e| e["result"].to_string().len())
        .collect::<Vec<_>>();
    assert!(
        results.iter().all(|&n| (4_500..=55_000).contains(&n)),
        "{results:?}"
    );
    assert!(events(&v)
        .iter()
        .any(|e| e.get("image_attachment").is_some()));
    for esc in [r"\n", r#"\""#, r"\\", r"\t", r"\/"] {
        assert!(doc.contains(esc), "missing escape {esc}");
    }
    assert!(doc.contains(r"\ud83d\u"), "missing surrogate pair");
    assert!(
        doc.contains("中文") || doc.contains("é"),
        "missing raw UTF-8"
    );
}

#[test]
fn many_deltas_is_valid_sized_and_small() {
    let target = 10 * MB;
    let doc = many_deltas(target, BENCH_SEED);
    assert!(doc.len() >= target);
    assert!(!doc.contains('\n'));
    let v = parse(&doc);
    assert_header(&v);
    assert_event_shapes(&v);
    let n = events(&v).len();
    assert!(n > 100_000, "only {n} events");
    let deltas = type_count(&v, "thinking_delta") + type_count(&v, "text_delta");
    assert!(deltas * 10 > n * 9, "deltas should dominate: {deltas}/{n}");
    for ty in ["user_input", "tool_call", "tool_result", "stop"] {
        assert!(type_count(&v, ty) > 0, "no {ty} event");
    }
    for e in events(&v) {
        if e["type"] == "thinking_delta" || e["type"] == "text_delta" {
            let len = e["content"].as_str().unwrap().len();
            assert!((1..=40).contains(&len), "delta of {len} bytes");
        }
    }
}

#[test]
fn deterministic_per_seed() {
    for f in [long_texts as fn(usize, u64) -> String, many_deltas] {
        let a = f(300_000, 7);
        assert_eq!(a, f(300_000, 7));
        assert_ne!(a, f(300_000, 8));
    }
    assert_eq!(sample(), sample());
}

#[test]
fn sizes_at_least_target_for_many_targets_and_seeds() {
    for (i, target) in [0, 1, 1_000, 50_000, 123_457].into_iter().enumerate() {
        for f in [long_texts as fn(usize, u64) -> String, many_deltas] {
            let doc = f(target, i as u64 * 31 + 1);
            assert!(doc.len() >= target);
            let v = parse(&doc);
            assert_event_shapes(&v);
            assert!(type_count(&v, "stop") >= 1);
        }
    }
}

#[test]
fn push_json_string_round_trips() {
    let cases = [
        "",
        "plain",
        "q\"b\\s/n\n\t\r\u{8}\u{c}\u{0}\u{1f}",
        "é中文😀\u{7f}\u{2028}",
        "\u{10ffff}",
    ];
    for s in cases {
        for ascii in [false, true] {
            let mut out = String::new();
            push_json_string(&mut out, s, ascii);
            if ascii {
                assert!(out.is_ascii());
            }
            assert_eq!(serde_json::from_str::<String>(&out).unwrap(), s);
        }
    }
}
