//! Helpers shared by the integration tests (each test file uses a different subset).
#![allow(dead_code)]

pub mod mutation;

use lcsession_core::{Error, ErrorKind, Location};

/// The realistic sample dump shipped in `examples/data/` (45 events, pretty-printed).
pub const SAMPLE: &[u8] = include_bytes!("../../../examples/data/sample-session.json");

/// The seed example of the contract, verbatim (see `fixtures/README.md`).
pub const REFERENCE: &[u8] = include_bytes!("../fixtures/reference.json");

/// What comes before the events in [`doc`].
pub const HEAD: &str = r#"{"events":["#;
/// What comes after the events in [`doc`].
pub const TAIL: &str = r#"],"session_id":"s","last_updated_at":"t"}"#;

/// A minimal valid session around `events` (each an event object's JSON text).
pub fn doc(events: &[&str]) -> String {
    format!("{HEAD}{}{TAIL}", events.join(","))
}

/// A minimal session with a single header member `extra` (`"key":value`) added after the
/// required fields.
pub fn header_doc(extra: &str) -> String {
    if extra.is_empty() {
        r#"{"events":[],"session_id":"s","last_updated_at":"t"}"#.to_string()
    } else {
        format!(r#"{{"events":[],"session_id":"s","last_updated_at":"t",{extra}}}"#)
    }
}

/// Parses with default capacities and returns the error; panics if the document is accepted.
pub fn parse_err(doc: &str) -> Error {
    match lcsession_core::parse(doc.as_bytes()) {
        Ok(_) => panic!("accepted but should fail: {doc}"),
        Err(e) => e,
    }
}

/// Byte offset of the first occurrence of `needle` in `hay`; panics if absent.
pub fn at(hay: &str, needle: &str) -> usize {
    hay.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {hay:?}"))
}

/// Byte offset of the last occurrence of `needle` in `hay`; panics if absent.
pub fn at_last(hay: &str, needle: &str) -> usize {
    hay.rfind(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {hay:?}"))
}

/// Asserts that `err` is `kind` at byte `offset`, showing the document on failure.
#[track_caller]
pub fn assert_err(err: Error, kind: ErrorKind, offset: usize, doc: &str) {
    assert_eq!(
        (err.kind(), err.offset()),
        (kind, offset),
        "error {err} for document {doc}"
    );
}

/// Shorthand for an event location.
pub fn ev(index: usize, field: &'static str) -> Location {
    Location::event(index, field)
}

/// Shorthand for a header location.
pub fn hd(field: &'static str) -> Location {
    Location::header(field)
}

/// A heapless string from `s`; panics when it does not fit.
pub fn hs<const N: usize>(s: &str) -> lcsession_core::heapless::String<N> {
    lcsession_core::heapless::String::try_from(s).expect("fits")
}

/// A header number with the value `v`.
pub fn num(v: f64) -> lcsession_core::NumberBuf {
    lcsession_core::NumberBuf::from_f64(v).expect("finite")
}

/// The present `f64` of an event number field (`Missing`/`Null` kept).
pub fn f64_of(f: lcsession_core::Field<lcsession_core::Number<'_>>) -> lcsession_core::Field<f64> {
    f.map(|n| n.as_f64().expect("validated"))
}

/// A heapless list of heapless strings; panics when it does not fit.
pub fn hl<const S: usize, const L: usize>(
    items: &[&str],
) -> lcsession_core::heapless::Vec<lcsession_core::heapless::String<S>, L> {
    let mut v = lcsession_core::heapless::Vec::new();
    for s in items {
        v.push(hs::<S>(s)).expect("fits");
    }
    v
}

/// Rebuilds a `serde_json::Value` by walking a [`lcsession_core::RawValue`]: strings through
/// `decode_into`, numbers the way `serde_json` classifies them (non-negative integers that
/// fit `u64`, negative ones that fit `i64`, everything else — including `-0` — as `f64`).
pub fn to_value(v: lcsession_core::RawValue<'_>) -> serde_json::Value {
    use lcsession_core::ValueKind;
    use serde_json::Value;
    match v.kind() {
        ValueKind::Null => {
            assert!(v.is_null());
            Value::Null
        }
        ValueKind::Bool => Value::Bool(v.as_bool().expect("bool")),
        ValueKind::String => Value::String(decode(v.as_str().expect("string"))),
        ValueKind::Number => {
            let text = v.as_number_str().expect("number");
            if !text.starts_with('-') {
                if let Ok(u) = v.as_u64() {
                    return Value::from(u);
                }
            } else if let Ok(i) = v.as_i64() {
                if i != 0 {
                    return Value::from(i);
                }
            }
            let f = v.as_f64().expect("finite number");
            Value::from(f)
        }
        ValueKind::Array => Value::Array(v.items().map(to_value).collect()),
        ValueKind::Object => {
            let mut map = serde_json::Map::new();
            for (k, x) in v.members() {
                map.insert(decode(k), to_value(x));
            }
            Value::Object(map)
        }
    }
}

/// [`to_value`] from the one-pass [`RawValue::tokens`](lcsession_core::RawValue::tokens)
/// walk instead of the nested one (numbers compared by their text's value).
pub fn tokens_to_value(v: lcsession_core::RawValue<'_>) -> serde_json::Value {
    use lcsession_core::Token;
    use serde_json::Value;
    // Open containers, each with the key its value goes under in the parent.
    let mut open: Vec<(Option<String>, Value)> = Vec::new();
    let mut key: Option<String> = None;
    let mut done = None;
    for token in v.tokens() {
        assert!(done.is_none(), "a token after the value: {token:?}");
        let scalar = match token {
            Token::ObjectStart | Token::ArrayStart => {
                let empty = if token == Token::ObjectStart {
                    Value::Object(serde_json::Map::new())
                } else {
                    Value::Array(Vec::new())
                };
                open.push((key.take(), empty));
                continue;
            }
            Token::Key(k) => {
                key = Some(decode(k));
                continue;
            }
            Token::ObjectEnd | Token::ArrayEnd => {
                let (k, value) = open.pop().expect("an open container");
                key = k;
                value
            }
            Token::String(s) => Value::String(decode(s)),
            Token::Number(n) => serde_json::from_str(n).expect("a number"),
            Token::Bool(b) => Value::Bool(b),
            Token::Null => Value::Null,
        };
        match open.last_mut() {
            None => done = Some(scalar),
            Some((_, Value::Array(items))) => items.push(scalar),
            Some((_, Value::Object(map))) => {
                map.insert(key.take().expect("a key before the value"), scalar);
            }
            Some(_) => unreachable!(),
        }
    }
    assert!(open.is_empty(), "containers left open");
    done.expect("a whole value")
}

/// Decodes a JSON string with `decode_into` into an exactly sized buffer, cross-checking
/// `decoded_len`, `chars` and `Display`.
pub fn decode(s: lcsession_core::JsonStr<'_>) -> String {
    let mut buf = vec![0u8; s.decoded_len()];
    let out = s.decode_into(&mut buf).expect("exact buffer").to_owned();
    assert_eq!(out.len(), s.decoded_len());
    assert_eq!(s.chars().collect::<String>(), out);
    assert_eq!(s.to_string(), out);
    assert!(s == out.as_str());
    out
}

/// Structural equality of JSON values where floats may differ by a few ULPs
/// (`serde_json` without `float_roundtrip` is not always correctly rounded; `core` is).
pub fn same_value(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if x.is_f64() || y.is_f64() {
                match (x.as_f64(), y.as_f64()) {
                    (Some(p), Some(q)) => {
                        x.is_f64() == y.is_f64()
                            && p.is_sign_negative() == q.is_sign_negative()
                            && (p == q || p.to_bits().abs_diff(q.to_bits()) <= 4)
                    }
                    _ => false,
                }
            } else {
                x == y
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_value(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, p)| y.get(k).is_some_and(|q| same_value(p, q)))
        }
        _ => a == b,
    }
}
