//! The scanner reads strings eight bytes at a time (SWAR): every kind of string content and
//! every string error is placed at each position of the first 40 bytes of a string (so across
//! the 8-, 16- and 32-byte word boundaries), in each place the scanner reads strings a
//! different way (an event's `content`, a string inside a skipped `result`, a key inside it,
//! an unknown top-level field), and with the whole document shifted in memory by 0..8 bytes
//! (the UTF-8 check's word reads depend on the address). Errors must name the exact byte,
//! the same with `parse` and `parse_visiting`; valid strings must read back unchanged, on the
//! first pass and on the iteration pass.

mod common;

use common::decode;
use lcsession_core::{ErrorKind, EventBody};

/// The places a string literal can sit; `{}` is replaced by the literal's raw bytes.
const PLACES: [(&str, &str); 4] = [
    (
        "content",
        r#"{"events":[{"type":"text","content":"{}"}],"session_id":"s","last_updated_at":"t"}"#,
    ),
    (
        "result value",
        r#"{"events":[{"type":"tool_result","call_id":"c","name":"n","result":{"a":[1,"{}",true]}}],"session_id":"s","last_updated_at":"t"}"#,
    ),
    (
        "result key",
        r#"{"events":[{"type":"tool_result","call_id":"c","name":"n","result":{"{}":null}}],"session_id":"s","last_updated_at":"t"}"#,
    ),
    (
        "unknown field",
        r#"{"events":[],"session_id":"s","x":{"k":"{}"},"last_updated_at":"t"}"#,
    ),
];

/// Prefixes the literal starts with: ASCII, and two-byte characters that shift the rest off
/// the character grid of the words.
/// Under Miri (about 10^5 times slower) a sample around the 8- and 16-byte word edges.
fn prefixes() -> Vec<Vec<u8>> {
    let (ascii, wide): (Vec<usize>, Vec<usize>) = if cfg!(miri) {
        (vec![0, 7, 9], vec![3])
    } else {
        ((0..40).collect(), (0..20).collect())
    };
    let mut out = Vec::new();
    for n in ascii {
        out.push(vec![b'a'; n]);
    }
    for n in wide {
        out.push("é".repeat(n).into_bytes());
        out.push(format!("x{}", "é".repeat(n)).into_bytes());
    }
    out
}

/// The document of `place` with `literal` as its string, plus where the literal starts.
fn build(place: &str, literal: &[u8]) -> (Vec<u8>, usize) {
    let at = place.find("{}").unwrap();
    let mut d = place.as_bytes()[..at].to_vec();
    d.extend_from_slice(literal);
    d.extend_from_slice(&place.as_bytes()[at + 2..]);
    (d, at)
}

/// Parses `doc` placed at each of eight memory offsets, with `parse` and `parse_visiting`;
/// all must agree. Returns the error kind and offset, or `None` when accepted.
fn outcome(doc: &[u8]) -> Option<(ErrorKind, usize)> {
    let mut first = None;
    let shifts = if cfg!(miri) { 1 } else { 8 };
    for shift in 0..shifts {
        let mut buf = vec![b' '; shift];
        buf.extend_from_slice(doc);
        let shifted = &buf[shift..];
        let one = lcsession_core::parse(shifted)
            .err()
            .map(|e| (e.kind(), e.offset()));
        let visiting = lcsession_core::parse_visiting(shifted, |_| {})
            .err()
            .map(|e| (e.kind(), e.offset()));
        assert_eq!(one, visiting, "parse vs parse_visiting, shift {shift}");
        match first {
            None => first = Some(one),
            Some(f) => assert_eq!(f, one, "memory shift {shift} changed the outcome"),
        }
    }
    first.flatten()
}

/// The string the document's place holds, decoded, read from an accepted document on the
/// iteration pass (events) or from the raw view (unknown field).
fn read_back(name: &str, doc: &[u8]) -> String {
    let session = lcsession_core::parse(doc).unwrap();
    let mut visited = Vec::new();
    lcsession_core::parse_visiting(doc, |e| visited.push(e.raw.as_raw_str().to_owned())).unwrap();
    let events: Vec<_> = session.events().collect();
    assert_eq!(
        visited,
        events
            .iter()
            .map(|e| e.raw.as_raw_str().to_owned())
            .collect::<Vec<_>>()
    );
    match name {
        "content" => decode(events[0].content().unwrap()),
        "result value" => {
            let EventBody::ToolResult(r) = events[0].body else {
                panic!("not a tool_result")
            };
            let item = r.result.get("a").unwrap().items().nth(1).unwrap();
            decode(item.as_str().unwrap())
        }
        "result key" => {
            let EventBody::ToolResult(r) = events[0].body else {
                panic!("not a tool_result")
            };
            let (key, _) = r.result.members().next().unwrap();
            decode(key)
        }
        _ => {
            let (_, v) = session.unknown_fields().next().unwrap();
            decode(v.get("k").unwrap().as_str().unwrap())
        }
    }
}

/// Checks that `bad` placed after every prefix (and followed by `tail`) is rejected as `kind`
/// at the literal's start + prefix + `delta`.
fn rejects_everywhere(bad: &[u8], tail: &[u8], kind: ErrorKind, delta: usize) {
    for (name, place) in PLACES {
        for prefix in prefixes() {
            let mut literal = prefix.clone();
            literal.extend_from_slice(bad);
            literal.extend_from_slice(tail);
            let (d, start) = build(place, &literal);
            let want = start + prefix.len() + delta;
            assert_eq!(
                outcome(&d),
                Some((kind, want)),
                "{name}: {bad:?} after {} prefix bytes, then {tail:?}: {}",
                prefix.len(),
                String::from_utf8_lossy(&d)
            );
        }
    }
}

/// Checks that `good` placed after every prefix (and followed by `tail`) is accepted and
/// decodes to `prefix + decoded + tail` on every reading path.
fn accepts_everywhere(good: &str, decoded: &str, tail: &str) {
    for (name, place) in PLACES {
        for prefix in prefixes() {
            let prefix = String::from_utf8(prefix).unwrap();
            let literal = format!("{prefix}{good}{tail}");
            let (d, _) = build(place, literal.as_bytes());
            assert_eq!(outcome(&d), None, "{name}: {literal:?}");
            assert_eq!(
                read_back(name, &d),
                format!("{prefix}{decoded}{tail}"),
                "{name}: {literal:?}"
            );
        }
    }
}

#[test]
fn invalid_utf8_is_located_at_every_position() {
    // (bad bytes, error offset within them)
    let cases: &[(&[u8], usize)] = &[
        (b"\xff", 0),
        (b"\x80", 0),             // lone continuation byte
        (b"\xc0\x80", 0),         // overlong
        (b"\xed\xa0\x80", 0),     // encoded surrogate
        (b"\xf4\x90\x80\x80", 0), // above U+10FFFF
        (b"\xc3(", 0),            // two-byte lead, ASCII after it
        (b"\xe4\xb8(", 0),        // three-byte character cut short
        (b"\xf0\x9f\x98(", 0),    // four-byte character cut short
        (b"\xc3\xa9\xff", 2),     // after a valid character
    ];
    for &(bad, delta) in cases {
        for tail in [&b""[..], b"bbbbbbbbbbbbbbbbbbbbb", b"\\n\xc3\xa9"] {
            rejects_everywhere(bad, tail, ErrorKind::InvalidUtf8, delta);
        }
    }
}

#[test]
fn a_character_cut_by_the_closing_quote_is_invalid_utf8() {
    // The lead byte is followed by the closing quote: the quote is not a continuation byte.
    for bad in [&b"\xc3"[..], b"\xe4\xb8", b"\xf0\x9f\x98"] {
        rejects_everywhere(bad, b"", ErrorKind::InvalidUtf8, 0);
    }
}

#[test]
fn a_truncated_character_at_the_end_of_the_input_is_invalid_utf8() {
    for prefix in prefixes() {
        for cut in [&b"\xc3"[..], b"\xe4\xb8", b"\xf0\x9f\x98"] {
            let mut d = br#"{"events":[{"type":"text","content":""#.to_vec();
            let start = d.len();
            d.extend_from_slice(&prefix);
            d.extend_from_slice(cut);
            assert_eq!(
                outcome(&d),
                Some((ErrorKind::InvalidUtf8, start + prefix.len())),
                "{cut:?} after {} bytes",
                prefix.len()
            );
        }
        // A whole character, then the end of the input: the string is unterminated.
        let mut d = br#"{"events":[{"type":"text","content":""#.to_vec();
        d.extend_from_slice(&prefix);
        d.extend_from_slice("中".as_bytes());
        assert_eq!(outcome(&d), Some((ErrorKind::UnexpectedEnd, d.len())));
    }
}

#[test]
fn control_characters_are_located_at_every_position() {
    for c in [0x00u8, 0x01, 0x09, 0x0a, 0x0d, 0x1f] {
        for tail in [&b""[..], b"cccccccccccccccccc", b"\\\""] {
            rejects_everywhere(&[c], tail, ErrorKind::ControlCharacter, 0);
        }
    }
}

#[test]
fn bad_escapes_are_located_at_every_position() {
    rejects_everywhere(br"\x", b"ddddddddd", ErrorKind::InvalidEscape, 0);
    rejects_everywhere(br"\u12g4", b"", ErrorKind::InvalidEscape, 4); // at the bad digit
    rejects_everywhere(br"\U0041", b"", ErrorKind::InvalidEscape, 0);
    rejects_everywhere(b"\\\xc3\xa9", b"", ErrorKind::InvalidEscape, 0);
    rejects_everywhere(br"\ud800", b"eeeeeeeeeeeeeeee", ErrorKind::LoneSurrogate, 0);
    rejects_everywhere(br"\udc00\ud83d", b"", ErrorKind::LoneSurrogate, 0);
    rejects_everywhere(br"\ud83d\u0041", b"", ErrorKind::LoneSurrogate, 0);
}

#[test]
fn valid_content_reads_back_at_every_position() {
    accepts_everywhere("", "", "");
    accepts_everywhere("é", "é", "ffffffffffffffff");
    accepts_everywhere("中文", "中文", "");
    accepts_everywhere("😀", "😀", "g");
    accepts_everywhere("\u{7f}\u{80}\u{9f}", "\u{7f}\u{80}\u{9f}", "");
    accepts_everywhere(r#"\"\\\/\b\f\n\r\t"#, "\"\\/\u{8}\u{c}\n\r\t", "hhhhhhhhh");
    accepts_everywhere(r"\u00e9\u4e2d", "é中", "");
    accepts_everywhere(r"\ud83d\ude00", "😀", "iiiiiiiiiiiiiiiiiiiiii");
    accepts_everywhere(r#"\\\""#, "\\\"", "jj");
    accepts_everywhere(r"\u0022\u005c", "\"\\", "");
    // Bytes one off the stop bytes, which a word test must not confuse with them.
    accepts_everywhere("!#[]` ~", "!#[]` ~", "");
}
