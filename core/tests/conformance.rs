//! Conformance corpus in the spirit of JSONTestSuite (`tests/conformance/`, see its README):
//! every `y_` value must be accepted, every `n_` value rejected, every `i_` value decided as
//! the table below (and the README) says, in every position of a session that can hold an
//! arbitrary JSON value (a header object's member, an unknown top-level field, an event's
//! unknown member, a tool call's `arguments`, a tool result's `result`, a stop's `usage`) and,
//! for strings, in every string field. A rejection must be a syntax error whose offset points
//! into the bad value; an acceptance must give back the value exactly as written, at its
//! offset, decoded as serde_json decodes it.

mod common;

use std::fs;
use std::path::Path;

use common::{same_value, to_value};
use lcsession_core::{Error, ErrorKind, NumberError, RawValue, Session};

/// Where a value can go: text before and after it, and how to find it again.
struct Position {
    name: &'static str,
    head: &'static str,
    tail: &'static str,
    find: for<'a> fn(&Session<'a>) -> Option<RawValue<'a>>,
}

const TAIL: &str = r#"}],"session_id":"s","last_updated_at":"t"}"#;
const TAIL2: &str = r#"}}],"session_id":"s","last_updated_at":"t"}"#;

fn first_event<'a>(s: &Session<'a>) -> Option<lcsession_core::Event<'a>> {
    s.events().next()
}

const POSITIONS: [Position; 9] = [
    Position {
        name: "unknown top-level field",
        head: r#"{"events":[],"session_id":"s","last_updated_at":"t","x":"#,
        tail: "}",
        find: |s| s.unknown_fields().find(|(k, _)| *k == "x").map(|(_, v)| v),
    },
    Position {
        name: "unknown top-level field, first member",
        head: r#"{"x":"#,
        tail: r#","events":[],"session_id":"s","last_updated_at":"t"}"#,
        find: |s| s.unknown_fields().find(|(k, _)| *k == "x").map(|(_, v)| v),
    },
    Position {
        name: "header object (job_metadata) member",
        head: r#"{"events":[],"session_id":"s","last_updated_at":"t","job_metadata":{"turns":1,"x":"#,
        tail: "}}",
        find: |s| s.raw().get("job_metadata")?.get("x"),
    },
    Position {
        name: "event's unknown member",
        head: r#"{"events":[{"type":"text","content":"c","x":"#,
        tail: TAIL,
        find: |s| first_event(s)?.raw.get("x"),
    },
    Position {
        name: "unknown event type's member",
        head: r#"{"events":[{"type":"citation","x":"#,
        tail: TAIL,
        find: |s| first_event(s)?.raw.get("x"),
    },
    Position {
        name: "arguments member",
        head: r#"{"events":[{"type":"tool_call","call_id":"c","name":"n","arguments":{"x":"#,
        tail: TAIL2,
        find: |s| first_event(s)?.tool_call()?.arguments.get("x"),
    },
    Position {
        name: "arguments array item",
        head: r#"{"events":[{"type":"tool_call","call_id":"c","name":"n","arguments":{"x":[0,"#,
        tail: r#"]}}],"session_id":"s","last_updated_at":"t"}"#,
        find: |s| {
            first_event(s)?
                .tool_call()?
                .arguments
                .get("x")?
                .items()
                .nth(1)
        },
    },
    Position {
        name: "tool result",
        head: r#"{"events":[{"type":"tool_result","call_id":"c","name":"n","result":"#,
        tail: TAIL,
        find: |s| Some(first_event(s)?.tool_result()?.result),
    },
    Position {
        name: "usage member",
        head: r#"{"events":[{"type":"stop","error":null,"is_error":false,"usage":{"turns":1,"x":"#,
        tail: TAIL2,
        find: |s| first_event(s)?.stop()?.usage.raw.get("x"),
    },
];

/// Where a string can go, and how to read it back decoded.
struct StringPosition {
    name: &'static str,
    head: &'static str,
    tail: &'static str,
    /// Longest raw value that fits the field's capacity (header fields).
    max_len: usize,
    find: fn(&Session<'_>) -> Option<String>,
}

const STRING_POSITIONS: [StringPosition; 7] = [
    StringPosition {
        name: "content",
        head: r#"{"events":[{"type":"text","content":"#,
        tail: TAIL,
        max_len: usize::MAX,
        find: |s| Some(common::decode(first_event(s)?.content()?)),
    },
    StringPosition {
        name: "call_id",
        head: r#"{"events":[{"type":"tool_call","name":"n","arguments":{},"call_id":"#,
        tail: TAIL,
        max_len: usize::MAX,
        find: |s| Some(common::decode(first_event(s)?.tool_call()?.call_id)),
    },
    StringPosition {
        name: "stop error",
        head: r#"{"events":[{"type":"stop","is_error":true,"usage":{},"error":"#,
        tail: TAIL,
        max_len: usize::MAX,
        find: |s| Some(common::decode(first_event(s)?.stop()?.error?)),
    },
    StringPosition {
        name: "skipped_index_ids item",
        head: r#"{"events":[{"type":"stop","error":null,"is_error":false,"usage":{},"skipped_index_ids":["a","#,
        tail: r#"]}],"session_id":"s","last_updated_at":"t"}"#,
        max_len: usize::MAX,
        find: |s| {
            let stop = first_event(s)?;
            let list = stop.stop()?.skipped_index_ids.present().copied()?;
            list.iter().nth(1).map(common::decode)
        },
    },
    StringPosition {
        name: "session_id",
        head: r#"{"events":[],"last_updated_at":"t","session_id":"#,
        tail: "}",
        max_len: 100,
        find: |s| Some(s.header().session_id.to_string()),
    },
    StringPosition {
        name: "generated_title",
        head: r#"{"events":[],"session_id":"s","last_updated_at":"t","generated_title":"#,
        tail: "}",
        max_len: 500,
        find: |s| s.header().generated_title.present().map(|t| t.to_string()),
    },
    StringPosition {
        name: "index_ids item",
        head: r#"{"events":[],"session_id":"s","last_updated_at":"t","index_ids":["#,
        tail: "]}",
        max_len: 100,
        find: |s| {
            let ids = s.header().index_ids.present()?;
            ids.first().map(|t| t.to_string())
        },
    },
];

/// Implementation-defined cases: accepted (true) or rejected (false), and why. The README
/// in `tests/conformance/` gives the same table.
const IMPL: &[(&str, bool)] = &[
    // Valid JSON numbers beyond the range of u64/i64/f64: accepted (the grammar allows
    // them); the accessors report the range (`NumberError::OutOfRange`).
    ("i_number_huge_exponent", true),
    ("i_number_negative_huge_exponent", true),
    ("i_number_tiny", true),
    ("i_number_beyond_u64", true),
    ("i_number_beyond_i64", true),
    ("i_number_400_digits", true),
    ("i_number_huge_exponent_digits", true),
    // `\u` escapes of unpaired UTF-16 surrogates: rejected (`LoneSurrogate`), as serde_json
    // does: they cannot be decoded to UTF-8.
    ("i_string_lone_high_surrogate", false),
    ("i_string_lone_low_surrogate", false),
    ("i_string_high_surrogate_then_text", false),
    ("i_string_two_high_surrogates", false),
    ("i_string_high_surrogate_then_escape", false),
    ("i_string_reversed_pair", false),
    ("i_string_high_surrogate_at_end", false),
    // Invalid UTF-8 inside strings: rejected (`InvalidUtf8`, RFC 8259 §8.1).
    ("i_utf8_lone_continuation", false),
    ("i_utf8_truncated_two_bytes", false),
    ("i_utf8_truncated_three_bytes", false),
    ("i_utf8_overlong_slash", false),
    ("i_utf8_overlong_three_bytes", false),
    ("i_utf8_encoded_surrogate", false),
    ("i_utf8_beyond_max_codepoint", false),
    ("i_utf8_ff_byte", false),
];

/// Rejected values whose error can be detected only after the value's end: an unterminated
/// string swallows the text that follows it in the document, and so does an unclosed array
/// or object when that text continues it (a comma in the "first member" position, a `]` in
/// the "array item" position).
const DETECTED_AFTER: &[&str] = &[
    "n_string_unterminated",
    "n_string_backslash_at_end",
    "n_array_unclosed",
    "n_object_unclosed",
    "n_structure_unclosed_nested",
];

/// A value whose top-level comma makes it two valid items inside an array.
const NOT_IN_ARRAYS: &[&str] = &["n_number_comma_decimal"];

struct Case {
    name: &'static str,
    bytes: &'static [u8],
    accept: bool,
}

/// Every corpus file, embedded (Miri runs without file system access). The test
/// `corpus_is_complete` checks that this list and the folders agree.
macro_rules! corpus {
    ($($dir:literal / $name:literal,)*) => {
        &[$(($dir, $name, include_bytes!(concat!("conformance/", $dir, "/", $name, ".json")))),*]
    };
}

const CORPUS: &[(&str, &str, &[u8])] = corpus![
    "accept" / "y_array_500_items",
    "accept" / "y_array_empty",
    "accept" / "y_array_empty_whitespace",
    "accept" / "y_array_mixed",
    "accept" / "y_literal_false",
    "accept" / "y_literal_null",
    "accept" / "y_literal_true",
    "accept" / "y_number_capital_exponent",
    "accept" / "y_number_exponent",
    "accept" / "y_number_exponent_minus",
    "accept" / "y_number_exponent_plus",
    "accept" / "y_number_f64_max",
    "accept" / "y_number_fraction",
    "accept" / "y_number_fraction_exponent",
    "accept" / "y_number_i64_min",
    "accept" / "y_number_int",
    "accept" / "y_number_long_fraction",
    "accept" / "y_number_min_subnormal",
    "accept" / "y_number_negative_fraction",
    "accept" / "y_number_negative_int",
    "accept" / "y_number_negative_zero",
    "accept" / "y_number_u64_max",
    "accept" / "y_number_zero",
    "accept" / "y_number_zero_exponent",
    "accept" / "y_number_zero_fraction",
    "accept" / "y_object_duplicate_keys",
    "accept" / "y_object_empty",
    "accept" / "y_object_empty_key",
    "accept" / "y_object_empty_whitespace",
    "accept" / "y_object_escaped_key",
    "accept" / "y_object_known_names",
    "accept" / "y_object_nested",
    "accept" / "y_string_ascii",
    "accept" / "y_string_byte_order_mark",
    "accept" / "y_string_del",
    "accept" / "y_string_empty",
    "accept" / "y_string_escaped_backslash_then_u",
    "accept" / "y_string_escaped_control",
    "accept" / "y_string_escaped_max_codepoint",
    "accept" / "y_string_escaped_noncharacter",
    "accept" / "y_string_escaped_nul",
    "accept" / "y_string_known_names",
    "accept" / "y_string_line_separator",
    "accept" / "y_string_long",
    "accept" / "y_string_max_codepoint",
    "accept" / "y_string_noncharacter",
    "accept" / "y_string_simple_escapes",
    "accept" / "y_string_space",
    "accept" / "y_string_surrogate_pair",
    "accept" / "y_string_surrogate_pair_uppercase",
    "accept" / "y_string_unicode_escape",
    "accept" / "y_string_unicode_escape_uppercase",
    "accept" / "y_string_utf8_four_bytes",
    "accept" / "y_string_utf8_three_bytes",
    "accept" / "y_string_utf8_two_bytes",
    "accept" / "y_structure_nested_100_arrays",
    "accept" / "y_structure_nested_60_objects",
    "accept" / "y_structure_surrounding_whitespace",
    "accept" / "y_structure_whitespace_all_four",
    "reject" / "n_array_colon",
    "reject" / "n_array_double_comma",
    "reject" / "n_array_leading_comma",
    "reject" / "n_array_missing_comma",
    "reject" / "n_array_trailing_comma",
    "reject" / "n_array_unclosed",
    "reject" / "n_literal_capital_true",
    "reject" / "n_literal_true_suffix",
    "reject" / "n_literal_truncated_null",
    "reject" / "n_literal_undefined",
    "reject" / "n_literal_upper_null",
    "reject" / "n_number_comma_decimal",
    "reject" / "n_number_dot_exponent",
    "reject" / "n_number_double_minus",
    "reject" / "n_number_empty_exponent",
    "reject" / "n_number_exponent_fraction",
    "reject" / "n_number_exponent_sign_only",
    "reject" / "n_number_fullwidth_digit",
    "reject" / "n_number_hex",
    "reject" / "n_number_infinity",
    "reject" / "n_number_leading_dot",
    "reject" / "n_number_leading_zero",
    "reject" / "n_number_minus_only",
    "reject" / "n_number_minus_space",
    "reject" / "n_number_nan",
    "reject" / "n_number_negative_infinity",
    "reject" / "n_number_negative_leading_zero",
    "reject" / "n_number_plus",
    "reject" / "n_number_trailing_dot",
    "reject" / "n_number_trailing_letter",
    "reject" / "n_number_two_dots",
    "reject" / "n_object_comma_instead_of_colon",
    "reject" / "n_object_double_colon",
    "reject" / "n_object_missing_colon",
    "reject" / "n_object_missing_value",
    "reject" / "n_object_number_key",
    "reject" / "n_object_single_quoted_key",
    "reject" / "n_object_trailing_comma",
    "reject" / "n_object_unclosed",
    "reject" / "n_object_unquoted_key",
    "reject" / "n_string_backslash_at_end",
    "reject" / "n_string_escape_apostrophe",
    "reject" / "n_string_escape_non_hex",
    "reject" / "n_string_escape_short_u",
    "reject" / "n_string_escape_space",
    "reject" / "n_string_escape_uppercase_u",
    "reject" / "n_string_invalid_escape",
    "reject" / "n_string_raw_escape_char",
    "reject" / "n_string_raw_newline",
    "reject" / "n_string_raw_nul",
    "reject" / "n_string_raw_tab",
    "reject" / "n_string_single_quotes",
    "reject" / "n_string_unterminated",
    "reject" / "n_structure_array_closed_by_brace",
    "reject" / "n_structure_block_comment",
    "reject" / "n_structure_byte_order_mark_before_value",
    "reject" / "n_structure_close_only",
    "reject" / "n_structure_empty",
    "reject" / "n_structure_form_feed_as_whitespace",
    "reject" / "n_structure_line_comment",
    "reject" / "n_structure_nbsp_as_whitespace",
    "reject" / "n_structure_nested_200_arrays",
    "reject" / "n_structure_object_closed_by_bracket",
    "reject" / "n_structure_two_values",
    "reject" / "n_structure_unclosed_nested",
    "reject" / "n_structure_vertical_tab_as_whitespace",
    "reject" / "n_structure_whitespace_only",
    "reject" / "n_utf8_outside_string",
    "impl" / "i_number_400_digits",
    "impl" / "i_number_beyond_i64",
    "impl" / "i_number_beyond_u64",
    "impl" / "i_number_huge_exponent",
    "impl" / "i_number_huge_exponent_digits",
    "impl" / "i_number_negative_huge_exponent",
    "impl" / "i_number_tiny",
    "impl" / "i_string_high_surrogate_at_end",
    "impl" / "i_string_high_surrogate_then_escape",
    "impl" / "i_string_high_surrogate_then_text",
    "impl" / "i_string_lone_high_surrogate",
    "impl" / "i_string_lone_low_surrogate",
    "impl" / "i_string_reversed_pair",
    "impl" / "i_string_two_high_surrogates",
    "impl" / "i_utf8_beyond_max_codepoint",
    "impl" / "i_utf8_encoded_surrogate",
    "impl" / "i_utf8_ff_byte",
    "impl" / "i_utf8_lone_continuation",
    "impl" / "i_utf8_overlong_slash",
    "impl" / "i_utf8_overlong_three_bytes",
    "impl" / "i_utf8_truncated_three_bytes",
    "impl" / "i_utf8_truncated_two_bytes",
];

fn cases() -> Vec<Case> {
    CORPUS
        .iter()
        .map(|&(dir, name, bytes)| {
            let accept = match dir {
                "accept" => true,
                "reject" => false,
                _ => {
                    IMPL.iter()
                        .find(|(n, _)| *n == name)
                        .unwrap_or_else(|| panic!("{name}: no decision in IMPL"))
                        .1
                }
            };
            Case {
                name,
                bytes,
                accept,
            }
        })
        .collect()
}

fn embed(head: &str, value: &[u8], tail: &str) -> Vec<u8> {
    [head.as_bytes(), value, tail.as_bytes()].concat()
}

/// The value without JSON whitespace around it.
fn trimmed(v: &[u8]) -> (&[u8], usize) {
    let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let start = v.iter().position(|b| !ws(b)).unwrap_or(v.len());
    let end = v.iter().rposition(|b| !ws(b)).map_or(start, |e| e + 1);
    (&v[start..end], start)
}

/// Checks a rejection: a syntax error whose offset falls within the value's bytes (or just
/// after them, where a value that ends too early is detected).
fn check_reject(case: &Case, place: &str, doc: &[u8], start: usize, r: Result<usize, Error>) {
    let end = start + case.bytes.len();
    let shown = String::from_utf8_lossy(doc);
    let err = match r {
        Ok(_) => panic!("{} accepted in {place}: {shown}", case.name),
        Err(e) => e,
    };
    assert!(
        err.is_syntax(),
        "{} in {place}: {err} is not a syntax error: {shown}",
        case.name
    );
    let after = DETECTED_AFTER.contains(&case.name);
    let ok = err.offset() >= start && (after || err.offset() <= end);
    assert!(
        ok,
        "{} in {place}: error {err} outside the value's bytes {start}..={end}: {shown}",
        case.name
    );
}

/// What serde_json makes of the value, when it can hold it (not beyond f64, not deeper
/// than its recursion limit).
fn serde_value(bytes: &[u8]) -> Option<serde_json::Value> {
    serde_json::from_slice(bytes).ok()
}

fn positions() -> impl Iterator<Item = &'static Position> {
    // Under Miri (slow), one position is enough to run every value through the scanner.
    POSITIONS
        .iter()
        .take(if cfg!(miri) { 1 } else { POSITIONS.len() })
}

/// Under Miri, values longer than this are skipped (they only repeat the same paths).
const MIRI_MAX_LEN: usize = 1024;

fn skipped_under_miri(case: &Case) -> bool {
    cfg!(miri) && case.bytes.len() > MIRI_MAX_LEN
}

#[test]
#[cfg_attr(miri, ignore = "reads the folders (Miri runs isolated)")]
fn corpus_is_complete() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let mut on_disk = Vec::new();
    for (sub, prefix) in [("accept", "y_"), ("reject", "n_"), ("impl", "i_")] {
        for entry in fs::read_dir(dir.join(sub)).unwrap() {
            let file = entry.unwrap().file_name().into_string().unwrap();
            let name = file
                .strip_suffix(".json")
                .expect(".json files only")
                .to_string();
            assert!(name.starts_with(prefix), "{file} in {sub}/");
            on_disk.push((sub.to_string(), name));
        }
    }
    on_disk.sort();
    let mut listed: Vec<(String, String)> = CORPUS
        .iter()
        .map(|(d, n, _)| (d.to_string(), n.to_string()))
        .collect();
    listed.sort();
    assert_eq!(listed, on_disk, "CORPUS and the folders differ");

    let cases = cases();
    let count = |p: &str| cases.iter().filter(|c| c.name.starts_with(p)).count();
    assert!(count("y_") >= 50, "{} accept cases", count("y_"));
    assert!(count("n_") >= 50, "{} reject cases", count("n_"));
    assert_eq!(count("i_"), IMPL.len(), "every decision has its file");
    for name in DETECTED_AFTER.iter().chain(NOT_IN_ARRAYS) {
        assert!(cases.iter().any(|c| c.name == *name), "{name} missing");
    }
    // Every decision is written down in the README too.
    let readme = fs::read_to_string(dir.join("README.md")).unwrap();
    for (name, accept) in IMPL {
        let row = readme
            .lines()
            .find(|l| l.contains(&format!("`{name}`")))
            .unwrap_or_else(|| panic!("{name} not in the README"));
        let word = if *accept { "accepted" } else { "rejected" };
        assert!(
            row.contains(word),
            "README row for {name} does not say {word}"
        );
    }
}

#[test]
fn every_value_in_every_position() {
    let mut checked = 0;
    for case in cases().iter().filter(|c| !skipped_under_miri(c)) {
        let expected = if case.accept {
            serde_value(case.bytes)
        } else {
            None
        };
        for pos in positions() {
            if pos.name.contains("array") && NOT_IN_ARRAYS.contains(&case.name) {
                continue;
            }
            let doc = embed(pos.head, case.bytes, pos.tail);
            let start = pos.head.len();
            let parsed = lcsession_core::parse(&doc);
            if !case.accept {
                check_reject(case, pos.name, &doc, start, parsed.map(|s| s.event_count()));
                checked += 1;
                continue;
            }
            let session = parsed.unwrap_or_else(|e| {
                panic!(
                    "{} rejected in {}: {e}: {}",
                    case.name,
                    pos.name,
                    String::from_utf8_lossy(&doc)
                )
            });
            let value = (pos.find)(&session)
                .unwrap_or_else(|| panic!("{} not found in {}", case.name, pos.name));
            // The view is the value exactly as written, at its offset.
            let (text, lead) = trimmed(case.bytes);
            assert_eq!(
                value.as_raw_str().as_bytes(),
                text,
                "{} in {}",
                case.name,
                pos.name
            );
            assert_eq!(
                value.offset(),
                start + lead,
                "{} in {}",
                case.name,
                pos.name
            );
            if let Some(want) = &expected {
                let got = to_value(value);
                assert!(
                    same_value(&got, want),
                    "{} in {}: decoded {got} but serde_json gives {want}",
                    case.name,
                    pos.name
                );
            }
            checked += 1;
        }
    }
    let min = if cfg!(miri) { 140 } else { 1000 };
    assert!(checked > min, "{checked} placements checked");
}

#[test]
fn every_string_in_every_string_field() {
    let mut checked = 0;
    for case in cases().iter().filter(|c| !skipped_under_miri(c)) {
        let (text, _) = trimmed(case.bytes);
        if text.first() != Some(&b'"') || case.bytes.len() != text.len() {
            continue;
        }
        let expected: Option<String> = if case.accept {
            Some(serde_json::from_slice(case.bytes).expect("serde_json reads y_ strings"))
        } else {
            None
        };
        let take = if cfg!(miri) {
            1
        } else {
            STRING_POSITIONS.len()
        };
        for pos in STRING_POSITIONS.iter().take(take) {
            if case.bytes.len() > pos.max_len {
                continue;
            }
            let doc = embed(pos.head, case.bytes, pos.tail);
            let start = pos.head.len();
            let parsed = lcsession_core::parse(&doc);
            match &expected {
                None => check_reject(case, pos.name, &doc, start, parsed.map(|s| s.event_count())),
                Some(want) => {
                    let session = parsed
                        .unwrap_or_else(|e| panic!("{} rejected as {}: {e}", case.name, pos.name));
                    let got = (pos.find)(&session)
                        .unwrap_or_else(|| panic!("{} not found as {}", case.name, pos.name));
                    assert_eq!(&got, want, "{} as {}", case.name, pos.name);
                }
            }
            checked += 1;
        }
    }
    let min = if cfg!(miri) { 40 } else { 250 };
    assert!(checked > min, "{checked} placements checked");
}

#[test]
fn out_of_range_numbers_are_valid_json_with_range_errors() {
    let doc = |v: &str| embed(POSITIONS[0].head, v.as_bytes(), POSITIONS[0].tail);
    let read = |v: &str, f: fn(RawValue<'_>) -> bool| {
        let d = doc(v);
        let s = lcsession_core::parse(&d).unwrap();
        let value = (POSITIONS[0].find)(&s).unwrap();
        assert!(f(value), "{v}");
    };
    const RANGE: Result<f64, NumberError> = Err(NumberError::OutOfRange);
    read("1e400", |v| v.as_f64() == RANGE);
    read("-1e400", |v| v.as_f64() == RANGE);
    read("1e-400", |v| v.as_f64() == Ok(0.0));
    read("18446744073709551616", |v| {
        v.as_u64() == Err(NumberError::OutOfRange) && v.as_f64() == Ok(18446744073709551616.0)
    });
    read("-9223372036854775809", |v| {
        v.as_i64() == Err(NumberError::OutOfRange) && v.as_f64().is_ok()
    });
    read("1e99999999999999999999", |v| v.as_f64() == RANGE);
}

#[test]
fn rejections_name_the_problem() {
    let kind_of = |name: &str| {
        let case = cases().into_iter().find(|c| c.name == name).unwrap();
        let doc = embed(POSITIONS[0].head, case.bytes, POSITIONS[0].tail);
        lcsession_core::parse(&doc).unwrap_err().kind()
    };
    assert_eq!(
        kind_of("i_string_lone_high_surrogate"),
        ErrorKind::LoneSurrogate
    );
    assert_eq!(kind_of("i_string_reversed_pair"), ErrorKind::LoneSurrogate);
    assert_eq!(kind_of("i_utf8_overlong_slash"), ErrorKind::InvalidUtf8);
    assert_eq!(kind_of("n_string_raw_newline"), ErrorKind::ControlCharacter);
    assert_eq!(kind_of("n_string_invalid_escape"), ErrorKind::InvalidEscape);
    assert_eq!(kind_of("n_number_trailing_dot"), ErrorKind::InvalidNumber);
    // `0` is a complete number: the `1` after it is the unexpected byte.
    assert!(matches!(
        kind_of("n_number_leading_zero"),
        ErrorKind::UnexpectedByte { found: b'1', .. }
    ));
    assert!(matches!(
        kind_of("n_structure_nested_200_arrays"),
        ErrorKind::DepthLimit { limit: 128 }
    ));
}
