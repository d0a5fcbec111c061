//! Differential property tests against `serde_json`.
//!
//! (a) Random JSON values (arbitrary nesting, strings of random Unicode including astral
//!     characters, every escape, numbers of many shapes, plus valid and invalid raw tokens)
//!     are embedded as an unknown top-level field, as tool_call `arguments`, as tool_result
//!     `result` and as an unknown member of `usage`, written both by `serde_json` and by our
//!     own writer that escapes characters at random as `\uXXXX` (surrogate pairs for astral
//!     characters) and adds random whitespace. lcsession must accept exactly when serde_json
//!     does, and walking the `RawValue` (level by level, and as one token stream) must
//!     rebuild a value equal to serde_json's.
//! (b) The sample and the reference example, randomly mutated (byte flips, insertions,
//!     deletions, truncation, duplicated spans): lcsession never panics, its error offsets
//!     stay within the input, everything it accepts serde_json accepts (and reads the same),
//!     and whatever serde_json rejects as a syntax error lcsession rejects.
//! (c) Long strings dense with escapes, surrogate pairs and backslash runs, half of them with
//!     one invalid piece somewhere, as event text and in an unknown field: accepted exactly
//!     when serde_json accepts them, with the same decoded text.
//!
//! Case counts are fixed (256 per property; 8 under Miri) so the suite takes seconds in
//! debug builds; `PROPTEST_CASES` overrides them for longer runs.

mod common;

use common::mutation::mutation;
use common::{same_value, to_value, tokens_to_value, REFERENCE, SAMPLE};
use lcsession_core::{RawValue, Session};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;
use serde_json::Value;

fn config() -> Config {
    Config {
        cases: if cfg!(miri) { 8 } else { 256 },
        failure_persistence: None,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------------------------
// (a) random values

/// A JSON value as we want to write it.
#[derive(Debug, Clone)]
enum J {
    Null,
    Bool(bool),
    /// Number text, written as is.
    Num(String),
    /// A string's decoded content.
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
    /// Raw text written as is: edge cases, valid or not.
    Raw(&'static str),
}

/// Raw tokens: some valid edge cases, some invalid JSON.
const RAW_TOKENS: &[&str] = &[
    // valid
    "-0",
    "0e0",
    "-0.0E-0",
    "1E+2",
    "123456789012345678901234567890",
    "-123456789012345678901234567890.5e-10",
    "1e-400",
    r#""\u0000\u001f\/\b\f\n\r\t\"\\""#,
    r#""\uD834\uDD1E""#,
    r#""\uFFFF\uFFFE\u2028""#,
    "[]",
    "{}",
    "[[]]",
    r#"{"":{}}"#,
    // invalid
    "01",
    "-01",
    "1.",
    ".5",
    "+1",
    "-",
    "1e",
    "1e+",
    "0x1F",
    "NaN",
    "Infinity",
    "tru",
    "nul",
    "True",
    "'s'",
    r#""\x""#,
    r#""\u12""#,
    r#""\u12G4""#,
    r#""\ud800""#,
    r#""\udc00x""#,
    r#""\ud83d\u0041""#,
    "\"a\tb\"",
    "\"a\nb\"",
    "\"a\u{1}b\"",
    "[1,]",
    "[,1]",
    "[1 2]",
    r#"{"a":1,}"#,
    r#"{"a"}"#,
    r#"{"a" 1}"#,
    "{1:2}",
    r#"{"a":1"#,
    "[",
    "\"open",
];

fn number_text() -> impl Strategy<Value = String> {
    let finite = any::<f64>().prop_filter("finite, away from overflow", |f| {
        f.is_finite() && f.abs() < 1e300
    });
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        finite.clone().prop_map(|f| format!("{f:?}")),
        finite.clone().prop_map(|f| format!("{f:e}")),
        finite.prop_map(|f| format!("{f:E}")),
        "-?(0|[1-9][0-9]{0,24})(\\.[0-9]{1,18})?([eE][+-]?[0-9]{1,2})?",
    ]
}

fn string_content() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z\"\\\\/ ]{0,8}",
        "[\\x00-\\x1f\u{7f}-\u{a0}é中😀\u{10ffff}\u{fffd}]{0,6}",
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        string_content(),
        prop::sample::select(&["type", "content", "query", "", "x", "a"][..])
            .prop_map(String::from),
    ]
}

fn leaf() -> impl Strategy<Value = J> {
    prop_oneof![
        2 => Just(J::Null),
        2 => any::<bool>().prop_map(J::Bool),
        6 => number_text().prop_map(J::Num),
        6 => string_content().prop_map(J::Str),
        1 => prop::sample::select(RAW_TOKENS).prop_map(J::Raw),
    ]
}

fn value() -> impl Strategy<Value = J> {
    leaf().prop_recursive(6, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(J::Arr),
            prop::collection::vec((key(), inner), 0..6).prop_map(J::Obj),
        ]
    })
}

/// A tiny deterministic PRNG for the writer's choices (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn one_in(&mut self, n: u64) -> bool {
        self.next().is_multiple_of(n)
    }
}

fn push_u_escape(out: &mut String, unit: u32, rng: &mut Rng) {
    if rng.one_in(2) {
        out.push_str(&format!("\\u{unit:04x}"));
    } else {
        out.push_str(&format!("\\u{unit:04X}"));
    }
}

/// Writes `s` as a JSON string literal: with `serde_json` when `rng` is `None`, else escaping
/// characters at random (every character may become `\uXXXX` or a surrogate pair).
fn push_string(out: &mut String, s: &str, rng: Option<&mut Rng>) {
    let Some(rng) = rng else {
        out.push_str(&serde_json::to_string(s).unwrap());
        return;
    };
    out.push('"');
    for c in s.chars() {
        let short = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '/' => Some("\\/"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            _ => None,
        };
        let must_escape = c == '"' || c == '\\' || c < ' ';
        if !must_escape && rng.one_in(2) {
            out.push(c);
        } else if let (Some(short), true) = (short, rng.one_in(2)) {
            out.push_str(short);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                push_u_escape(out, u32::from(*unit), rng);
            }
        }
    }
    out.push('"');
}

fn push_ws(out: &mut String, rng: &mut Option<&mut Rng>) {
    if let Some(rng) = rng {
        match rng.next() % 8 {
            0 => out.push(' '),
            1 => out.push_str("\n  "),
            2 => out.push('\t'),
            3 => out.push_str("\r\n"),
            _ => {}
        }
    }
}

fn render(j: &J, mut rng: Option<&mut Rng>, out: &mut String) {
    match j {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Num(n) => out.push_str(n),
        J::Raw(r) => out.push_str(r),
        J::Str(s) => push_string(out, s, rng.as_deref_mut()),
        J::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_ws(out, &mut rng);
                render(item, rng.as_deref_mut(), out);
                push_ws(out, &mut rng);
            }
            out.push(']');
        }
        J::Obj(members) => {
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_ws(out, &mut rng);
                push_string(out, k, rng.as_deref_mut());
                push_ws(out, &mut rng);
                out.push(':');
                push_ws(out, &mut rng);
                render(v, rng.as_deref_mut(), out);
                push_ws(out, &mut rng);
            }
            out.push('}');
        }
    }
}

/// One embedding of a value text into a session: `prefix`, the value, `suffix`.
struct Place {
    name: &'static str,
    prefix: &'static str,
    suffix: &'static str,
    pointer: &'static str,
    extract: for<'a> fn(&Session<'a>) -> Option<RawValue<'a>>,
}

const PLACES: &[Place] = &[
    Place {
        name: "unknown top-level field",
        prefix: r#"{"events":[],"session_id":"s","x":"#,
        suffix: r#","last_updated_at":"t"}"#,
        pointer: "/x",
        extract: |s| s.unknown_fields().next().map(|(_, v)| v),
    },
    Place {
        name: "tool_call arguments",
        prefix: r#"{"events":[{"type":"tool_call","call_id":"c","arguments":"#,
        suffix: r#","name":"n"}],"session_id":"s","last_updated_at":"t"}"#,
        pointer: "/events/0/arguments",
        extract: |s| {
            s.events()
                .next()
                .and_then(|e| e.tool_call().map(|c| c.arguments))
        },
    },
    Place {
        name: "tool_result result",
        prefix: r#"{"events":[{"type":"tool_result","call_id":"c","name":"n","result":"#,
        suffix: r#"}],"session_id":"s","last_updated_at":"t"}"#,
        pointer: "/events/0/result",
        extract: |s| {
            s.events()
                .next()
                .and_then(|e| e.tool_result().map(|r| r.result))
        },
    },
    Place {
        name: "usage unknown member",
        prefix: r#"{"events":[{"type":"stop","error":null,"is_error":false,"usage":{"turns":1,"x_extra":"#,
        suffix: r#"}}],"session_id":"s","last_updated_at":"t"}"#,
        pointer: "/events/0/usage/x_extra",
        extract: |s| {
            s.events()
                .next()
                .and_then(|e| e.stop().and_then(|st| st.usage.raw.get("x_extra")))
        },
    },
];

fn check_value_text(text: &str, is_object: bool) -> Result<(), TestCaseError> {
    for place in PLACES {
        // `arguments` must be an object: wrap anything else.
        let wrapped;
        let text = if place.name == "tool_call arguments" && !is_object {
            wrapped = format!(r#"{{"v":{text}}}"#);
            wrapped.as_str()
        } else {
            text
        };
        let doc = format!("{}{text}{}", place.prefix, place.suffix);
        let value_at = place.prefix.len();
        let ours = lcsession_core::parse(doc.as_bytes());
        let theirs = serde_json::from_str::<Value>(&doc);
        match (&ours, &theirs) {
            (Ok(session), Ok(want)) => {
                let raw = (place.extract)(session);
                prop_assert!(raw.is_some(), "{}: no value in {doc}", place.name);
                let raw = raw.unwrap();
                prop_assert_eq!(raw.as_raw_str(), text);
                prop_assert_eq!(raw.offset(), value_at);
                let got = to_value(raw);
                let want = want.pointer(place.pointer).unwrap();
                prop_assert!(
                    same_value(&got, want),
                    "{}: rebuilt {got} but serde_json read {want} from {doc}",
                    place.name
                );
                let got = tokens_to_value(raw);
                prop_assert!(
                    same_value(&got, want),
                    "{}: the tokens rebuilt {got} but serde_json read {want} from {doc}",
                    place.name
                );
            }
            (Err(e), Err(_)) => {
                prop_assert!(e.is_syntax(), "{}: {e} in {doc}", place.name);
                // Never before the value; past it only when the value swallows what follows
                // (an unterminated string or container).
                prop_assert!(
                    value_at <= e.offset() && e.offset() <= doc.len(),
                    "{}: error {e} outside {value_at}..{} in {doc}",
                    place.name,
                    doc.len()
                );
            }
            (Ok(_), Err(e)) => {
                prop_assert!(
                    false,
                    "{}: only serde_json rejects ({e}): {doc}",
                    place.name
                )
            }
            (Err(e), Ok(_)) => {
                prop_assert!(false, "{}: only lcsession rejects ({e}): {doc}", place.name)
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_values_agree_with_serde_json(v in value(), seed in any::<u64>()) {
        let is_object = matches!(v, J::Obj(_));
        let mut plain = String::new();
        render(&v, None, &mut plain);
        check_value_text(&plain, is_object)?;
        let mut rng = Rng(seed | 1);
        let mut escaped = String::new();
        render(&v, Some(&mut rng), &mut escaped);
        check_value_text(&escaped, is_object)?;
    }
}

#[test]
fn numbers_beyond_f64_are_valid_json_but_not_finite() {
    // JSON's grammar allows 1e400; serde_json's Value cannot hold it and rejects the document,
    // lcsession accepts it as a raw value and reports OutOfRange when asked for an f64.
    let doc = r#"{"events":[],"session_id":"s","last_updated_at":"t","x":[1e400,-1e400]}"#;
    assert!(serde_json::from_str::<Value>(doc).is_err());
    let s = lcsession_core::parse(doc.as_bytes()).unwrap();
    let (_, x) = s.unknown_fields().next().unwrap();
    for item in x.items() {
        assert_eq!(item.as_f64(), Err(lcsession_core::NumberError::OutOfRange));
    }
}

// ---------------------------------------------------------------------------------------------
// (b) mutated documents

fn serde_error_is_number_range(e: &serde_json::Error) -> bool {
    e.to_string().starts_with("number out of range")
}

fn serde_error_is_depth(e: &serde_json::Error) -> bool {
    e.to_string().starts_with("recursion limit exceeded")
}

fn check_mutated(bytes: &[u8]) -> Result<(), TestCaseError> {
    let ours = lcsession_core::parse(bytes);
    let theirs = serde_json::from_slice::<Value>(bytes);
    let show = || String::from_utf8_lossy(bytes).into_owned();
    match (&ours, &theirs) {
        (Ok(session), Ok(want)) => {
            // Syntax agreement, and the same values.
            let got = to_value(session.raw());
            prop_assert!(same_value(&got, want), "values differ for {}", show());
            let n = want["events"].as_array().map_or(0, Vec::len);
            prop_assert_eq!(session.event_count(), n);
            let mut seen = 0;
            for (i, e) in session.events().enumerate() {
                prop_assert_eq!(e.index, i);
                prop_assert!(same_value(&to_value(e.raw), &want["events"][i]));
                seen += 1;
            }
            prop_assert_eq!(seen, n);
        }
        (Ok(_), Err(e)) => {
            prop_assert!(
                serde_error_is_number_range(e) || serde_error_is_depth(e),
                "lcsession accepted what serde_json rejects ({e}): {}",
                show()
            );
        }
        (Err(err), theirs) => {
            prop_assert!(
                err.offset() <= bytes.len(),
                "offset {} beyond {} bytes",
                err.offset(),
                bytes.len()
            );
            let _ = err.to_string();
            let _ = err.line_column(bytes);
            if err.is_syntax() {
                let depth = matches!(err.kind(), lcsession_core::ErrorKind::DepthLimit { .. });
                prop_assert!(
                    theirs.is_err() || depth,
                    "lcsession syntax error {err} but serde_json accepts: {}",
                    show()
                );
            }
        }
    }
    if let Err(e) = &theirs {
        let syntax = matches!(
            e.classify(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof
        );
        if syntax && !serde_error_is_number_range(e) && !serde_error_is_depth(e) {
            prop_assert!(
                ours.is_err(),
                "serde_json syntax error ({e}) but lcsession accepts: {}",
                show()
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_documents_agree_with_serde_json(
        sample in any::<bool>(),
        mutations in prop::collection::vec(mutation(), 1..5),
    ) {
        let mut bytes = if sample { SAMPLE.to_vec() } else { REFERENCE.to_vec() };
        for m in &mutations {
            m.apply(&mut bytes);
        }
        check_mutated(&bytes)?;
    }
}

#[test]
fn the_unmutated_inputs_pass_the_same_checks() {
    for input in [SAMPLE, REFERENCE] {
        check_mutated(input).unwrap();
    }
    // And a few hand-made mutations that must be rejected by both.
    for bad in [&b"{"[..], b"", b"{\"events\":[],}", b"\xef\xbb\xbf{}"] {
        check_mutated(bad).unwrap();
        assert!(lcsession_core::parse(bad).is_err());
        assert!(serde_json::from_slice::<Value>(bad).is_err());
    }
}

// ---------------------------------------------------------------------------------------------
// (c) long strings dense with escapes

/// Pieces of valid string text that stress the string scanners: escapes of every kind,
/// surrogate pairs, backslash runs, multi-byte characters.
const GOOD_PIECES: &[&str] = &[
    "a",
    "bc",
    "é",
    "😀",
    "\\\"",
    "\\\\",
    "\\/",
    "\\b",
    "\\n",
    "\\t",
    "\\u00e9",
    "\\u0000",
    "\\ud83d\\ude00",
    "\\uDBFF\\uDFFF",
    "\\\\\\\\",
];

/// Pieces that make a string invalid (or end it early): lone surrogate halves, cut and
/// unknown escapes, raw quotes, lone backslashes, control characters.
const BAD_PIECES: &[&str] = &[
    "\\ud83d",
    "\\ude00",
    "\\ud83d\\u0041",
    "\\u12",
    "\\x",
    "\\",
    "\"",
    "\u{1}",
    "\t",
    "\\\\\\",
];

proptest! {
    #![proptest_config(config())]

    /// Strings of up to a few hundred bytes made of [`GOOD_PIECES`] and plain runs, with one
    /// of [`BAD_PIECES`] inserted half the time (so the troublemakers land at every offset
    /// of the 16- and 64-byte scan steps), as event text and inside an unknown field:
    /// accepted exactly when serde_json accepts them, with the same decoded text.
    #[test]
    fn long_escaped_strings_agree_with_serde_json(
        picks in prop::collection::vec((0usize..GOOD_PIECES.len() * 3, 0usize..8), 0..160),
        bad in prop::option::of((any::<Index>(), 0usize..BAD_PIECES.len())),
    ) {
        let mut pieces: Vec<String> = picks
            .iter()
            .map(|&(k, run)| match GOOD_PIECES.get(k) {
                Some(piece) => piece.to_string(),
                // Two picks in three are plain runs of 1-8 letters.
                None => "xyzwvuts".get(..=run).unwrap_or("x").to_string(),
            })
            .collect();
        if let Some((at, k)) = bad {
            let at = at.index(pieces.len() + 1);
            pieces.insert(at, BAD_PIECES.get(k).copied().unwrap_or("\\").to_string());
        }
        let text = pieces.concat();
        let doc = format!(
            r#"{{"events":[{{"type":"thinking","content":"{text}"}}],"session_id":"s","last_updated_at":"t","x":["{text}"]}}"#
        );
        let ours = lcsession_core::parse(doc.as_bytes());
        let theirs = serde_json::from_str::<Value>(&doc);
        match (&ours, &theirs) {
            (Ok(session), Ok(value)) => {
                let want = value["events"][0]["content"].as_str().unwrap_or_default();
                let event = session.events().next();
                let content = event.as_ref().and_then(|e| e.content());
                prop_assert!(content.is_some_and(|c| c == *want), "{doc:?}");
            }
            (Err(e), Err(_)) => {
                prop_assert!(e.offset() <= doc.len(), "{doc:?}: {e}");
            }
            _ => prop_assert!(
                false,
                "lcsession {:?}, serde_json {:?} on {doc:?}",
                ours.as_ref().err(),
                theirs.as_ref().err()
            ),
        }
    }
}
