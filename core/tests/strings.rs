//! `JsonStr` and string syntax: every escape, surrogate pairs, lone surrogates, control
//! characters, invalid UTF-8 at the exact byte, `decode_into` / `decode_to_heapless` buffers,
//! `chars`, comparisons, `Display`; error offsets and line:column in a pretty-printed document.

mod common;

use common::{assert_err, at, doc, ev, HEAD, REFERENCE, SAMPLE};
use lcsession_core::heapless;
use lcsession_core::{BufferTooSmall, ErrorKind, JsonStr, JsonType, Segment};

/// The `content` of a one-event session whose content literal is `raw` (between the quotes).
/// The document is leaked (tests only) so the `JsonStr` can be returned.
fn content(raw: &str) -> JsonStr<'static> {
    let d: &'static str =
        Box::leak(doc(&[&format!(r#"{{"type":"text","content":"{raw}"}}"#)]).into_boxed_str());
    let s = lcsession_core::parse(d.as_bytes()).unwrap_or_else(|e| panic!("{e}: {d}"));
    let c = s.events().next().unwrap().content().unwrap();
    assert_eq!(c.raw(), raw);
    c
}

/// Where the content literal of [`bytes_doc`] starts (just after its opening quote).
fn content_start() -> usize {
    HEAD.len() + r#"{"type":"text","content":""#.len()
}

/// A one-event session whose content is the raw bytes `inner` (need not be valid).
fn bytes_doc(inner: &[u8]) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend_from_slice(HEAD.as_bytes());
    d.extend_from_slice(br#"{"type":"text","content":""#);
    d.extend_from_slice(inner);
    d.extend_from_slice(br#""}"#);
    d.extend_from_slice(common::TAIL.as_bytes());
    assert_eq!(content_start(), HEAD.len() + 26);
    d
}

#[test]
fn every_escape_decodes() {
    let cases: &[(&str, &str)] = &[
        (r#"\""#, "\""),
        (r"\\", "\\"),
        (r"\/", "/"),
        (r"\b", "\u{8}"),
        (r"\f", "\u{c}"),
        (r"\n", "\n"),
        (r"\r", "\r"),
        (r"\t", "\t"),
        (r"\u0000", "\0"),
        (r"\u001f", "\u{1f}"),
        (r"\u001F", "\u{1f}"),
        (r"\u0041", "A"),
        (r"\u007f", "\u{7f}"),
        (r"\u00e9", "é"),
        (r"\u00E9", "é"),
        (r"\u2028", "\u{2028}"),
        (r"\u4e2d", "中"),
        (r"\uFFFF", "\u{ffff}"),
        (r"\ufeff", "\u{feff}"),
        (r"\ud800\udc00", "\u{10000}"),
        (r"\ud83d\ude00", "😀"),
        (r"\uD83D\uDE00", "😀"),
        (r"\uD83d\uDe00", "😀"),
        (r"\udbff\udfff", "\u{10ffff}"),
    ];
    for (raw, want) in cases {
        for wrapped in [raw.to_string(), format!("a{raw}b"), format!("{raw}{raw}")] {
            let want = if wrapped.starts_with('a') {
                format!("a{want}b")
            } else if wrapped.len() == 2 * raw.len() {
                format!("{want}{want}")
            } else {
                want.to_string()
            };
            let s = content(&wrapped);
            assert!(s.has_escapes());
            assert_eq!(s.as_str(), None);
            assert_eq!(s.decoded_len(), want.len(), "{wrapped}");
            assert_eq!(common::decode(s), want, "{wrapped}");
        }
    }
    // All of them in one string, next to raw UTF-8.
    let raw: String = cases.iter().map(|(r, _)| *r).collect::<Vec<_>>().join("é");
    let want: String = cases.iter().map(|(_, w)| *w).collect::<Vec<_>>().join("é");
    assert_eq!(common::decode(content(&raw)), want);
}

#[test]
fn segments_split_text_and_escapes() {
    let s = content(r"ab\ncd\u00e9\ud83d\ude00é");
    let segs: Vec<Segment<'_>> = s.segments().collect();
    assert_eq!(
        segs,
        [
            Segment::Text("ab"),
            Segment::Char('\n'),
            Segment::Text("cd"),
            Segment::Char('é'),
            Segment::Char('😀'),
            Segment::Text("é"),
        ]
    );
    let plain = content("no escapes é 😀");
    assert_eq!(
        plain.segments().collect::<Vec<_>>(),
        [Segment::Text("no escapes é 😀")]
    );
    assert_eq!(content("").segments().count(), 0);
}

#[test]
fn plain_strings_borrow_from_the_input() {
    let s = content("caf\u{e9} 中文 😀 \u{7f}");
    assert!(!s.has_escapes());
    assert_eq!(s.as_str(), Some("café 中文 😀 \u{7f}"));
    assert_eq!(s.decoded_len(), s.raw().len());
    assert_eq!(format!("{s:?}"), "\"café 中文 😀 \u{7f}\"");
    let e = content(r"a\nb");
    assert_eq!(format!("{e:?}"), r#""a\nb""#);
    assert_eq!(format!("{e}"), "a\nb");
}

#[test]
fn decode_into_buffers() {
    for raw in [r"caf\u00e9 \ud83d\ude00\n", "café 😀", ""] {
        let s = content(raw);
        let n = s.decoded_len();
        let want = common::decode(s);
        let mut exact = vec![0u8; n];
        assert_eq!(s.decode_into(&mut exact), Ok(want.as_str()));
        let mut big = vec![0xAAu8; n + 10];
        assert_eq!(s.decode_into(&mut big), Ok(want.as_str()));
        if n > 0 {
            for short in [n - 1, n / 2, 0] {
                let mut buf = vec![0u8; short];
                assert_eq!(
                    s.decode_into(&mut buf),
                    Err(BufferTooSmall { needed: n }),
                    "{raw} into {short}"
                );
            }
            assert_eq!(
                BufferTooSmall { needed: n }.to_string(),
                format!("buffer too small: {n} bytes needed")
            );
        } else {
            assert_eq!(s.decode_into(&mut []), Ok(""));
        }
    }
}

#[test]
fn decode_to_heapless_is_all_or_nothing() {
    let s = content(r"\u00e9\ud83d\ude00x"); // 2 + 4 + 1 = 7 bytes
    let mut exact: heapless::String<7> = heapless::String::new();
    assert_eq!(s.decode_to_heapless(&mut exact), Ok(()));
    assert_eq!(exact.as_str(), "é😀x");
    let mut short: heapless::String<6> = heapless::String::new();
    assert!(s.decode_to_heapless(&mut short).is_err());
    assert_eq!(short.as_str(), "");
    // Appends, and leaves the old contents on failure.
    let mut out: heapless::String<10> = heapless::String::try_from("abc").unwrap();
    assert_eq!(s.decode_to_heapless(&mut out), Ok(()));
    assert_eq!(out.as_str(), "abcé😀x");
    assert_eq!(
        s.decode_to_heapless(&mut out),
        Err(BufferTooSmall { needed: 17 })
    );
    assert_eq!(out.as_str(), "abcé😀x");
}

#[test]
fn chars_iterate_decoded_characters() {
    let s = content(r"a\u00e9\ud83d\ude00\tz中");
    assert_eq!(
        s.chars().collect::<Vec<_>>(),
        ['a', 'é', '😀', '\t', 'z', '中']
    );
    let mut it = s.chars();
    assert_eq!(it.by_ref().count(), 6);
    assert_eq!(it.next(), None);
    assert_eq!(content("").chars().count(), 0);
}

#[test]
fn comparisons_with_str() {
    for raw in [r"ab\u0063", "abc"] {
        let s = content(raw);
        assert!(s == "abc", "{raw}");
        assert!(s.eq_str("abc"));
        assert!(PartialEq::<str>::eq(&s, "abc"));
        for other in ["ab", "abcd", "", "abd", "ABC", "abc\0", "xabc"] {
            assert!(s != other, "{raw} vs {other:?}");
            assert!(!s.eq_str(other));
            assert!(!PartialEq::<str>::eq(&s, other));
        }
    }
    let e = content("");
    assert!(e == "");
    assert!(e != "a");
    let esc = content(r"\u00e9");
    assert!(esc == "é");
    assert!(esc != "e");
    assert!(esc != "\u{e9}\u{e9}");
    // A prefix of a multi-byte character is not equal.
    assert!(content(r"\ud83d\ude00") != "\u{1f600}x");
}

// ---------------------------------------------------------------------------------------------
// Errors inside strings

#[test]
fn lone_surrogates_are_rejected_at_the_escape() {
    for (inner, bad_at) in [
        (r"\ud83d", 0),
        (r"x\ud83d", 1),
        (r"\ud83dx", 0),
        (r"\ud83d\n", 0),
        (r"\ud83d\u0041", 0),
        (r"\ud83d\ud83d", 0),
        (r"\ud83d\ud83d\ude00", 0),
        (r"\ude00", 0),
        (r"ab\udfff", 2),
        (r"\ude00\ud83d", 0),
        (r"\uDC00", 0),
    ] {
        let d = bytes_doc(inner.as_bytes());
        let err = lcsession_core::parse(&d).unwrap_err();
        assert_eq!(
            (err.kind(), err.offset()),
            (ErrorKind::LoneSurrogate, content_start() + bad_at),
            "{inner}"
        );
        assert!(err.is_syntax());
    }
}

#[test]
fn invalid_escapes_are_rejected_at_the_bad_byte() {
    for (inner, bad_at) in [
        (r"\x", 0),
        (r"\a", 0),
        (r"\'", 0),
        (r"\0", 0),
        (r"\U0041", 0),
        (r"ab\ ", 2),
        (r"\u12g4", 4),
        (r"\u+123", 2),
        (r"\u 123", 2),
        (r"\uD83D\uDE0x", 11),
    ] {
        let d = bytes_doc(inner.as_bytes());
        let err = lcsession_core::parse(&d).unwrap_err();
        assert_eq!(
            (err.kind(), err.offset()),
            (ErrorKind::InvalidEscape, content_start() + bad_at),
            "{inner}"
        );
    }
    // `\u00` followed by the closing quote: the quote is not a hex digit.
    let d = bytes_doc(br"\u00");
    let err = lcsession_core::parse(&d).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (ErrorKind::InvalidEscape, content_start() + 4)
    );
}

#[test]
fn raw_control_characters_are_rejected() {
    for c in 0u8..0x20 {
        for prefix in [&b""[..], b"abc", b"abcdefghijklmnop"] {
            let mut inner = prefix.to_vec();
            inner.push(c);
            inner.extend_from_slice(b"tail");
            let d = bytes_doc(&inner);
            let err = lcsession_core::parse(&d).unwrap_err();
            assert_eq!(
                (err.kind(), err.offset()),
                (ErrorKind::ControlCharacter, content_start() + prefix.len()),
                "byte {c:#04x} after {} bytes",
                prefix.len()
            );
        }
    }
    // DEL and C1 controls are not JSON control characters.
    let s = content("\u{7f}\u{80}\u{9f}");
    assert_eq!(s.as_str(), Some("\u{7f}\u{80}\u{9f}"));
    // In a key too.
    let d = "{\"events\":[],\"session_id\":\"s\",\"last_updated_at\":\"t\",\"x\ny\":1}";
    assert_err(
        lcsession_core::parse(d.as_bytes()).unwrap_err(),
        ErrorKind::ControlCharacter,
        at(d, "\n"),
        d,
    );
}

#[test]
fn invalid_utf8_is_reported_at_the_exact_byte() {
    let cases: &[(&[u8], usize)] = &[
        (b"\xff", 0),
        (b"abc\xfe", 3),
        (b"\xc0\x80", 0),           // overlong NUL
        (b"a\xc1\xbf", 1),          // overlong
        (b"\xed\xa0\x80", 0),       // an encoded surrogate
        (b"ab\xf4\x90\x80\x80", 2), // above U+10FFFF
        (b"\x80", 0),               // lone continuation byte
        (b"caf\xc3", 3),            // truncated before the quote
        (b"\xe4\xb8", 0),           // truncated 3-byte character
        (b"\xe4\xb8\xad\xe4\xb8", 3),
        (b"\xf0\x9f\x98", 0), // truncated 4-byte character
        (b"\xc3\xa9\xff", 2),
    ];
    for (inner, bad_at) in cases {
        let d = bytes_doc(inner);
        let err = lcsession_core::parse(&d).unwrap_err();
        assert_eq!(
            (err.kind(), err.offset()),
            (ErrorKind::InvalidUtf8, content_start() + bad_at),
            "{inner:?}"
        );
        assert!(err.is_syntax());
        // The document's only event holds the string.
        assert_eq!(err.event(), Some(0));
        assert_eq!(
            err.to_string(),
            format!(
                "event 0: invalid UTF-8 at byte {}",
                content_start() + bad_at
            )
        );
    }

    // In a header string, a key, an unknown value, and between tokens.
    for (d, needle) in [
        (
            &b"{\"events\":[],\"session_id\":\"s\xff\",\"last_updated_at\":\"t\"}"[..],
            &b"\xff"[..],
        ),
        (
            b"{\"events\":[],\"session_id\":\"s\",\"last_updated_at\":\"t\",\"k\xc3\":1}",
            b"\xc3",
        ),
        (
            b"{\"events\":[],\"session_id\":\"s\",\"last_updated_at\":\"t\",\"k\":[\"\xe2\x82\"]}",
            b"\xe2",
        ),
        (
            b"{\"events\":[],\"session_id\":\"s\",\"last_updated_at\":\"t\"}\xff",
            b"\xff",
        ),
    ] {
        let err = lcsession_core::parse(d).unwrap_err();
        let want = d.windows(needle.len()).position(|w| w == needle).unwrap();
        assert_eq!((err.kind(), err.offset()), (ErrorKind::InvalidUtf8, want));
        assert_eq!(err.event(), None, "not in an event");
    }

    // Valid UTF-8 that is not JSON whitespace (a no-break space) is a syntax error there.
    let d = "{\"events\":[],\u{a0}\"session_id\":\"s\",\"last_updated_at\":\"t\"}";
    let err = lcsession_core::parse(d.as_bytes()).unwrap_err();
    assert_eq!(err.offset(), at(d, "\u{a0}"));
    assert!(matches!(
        err.kind(),
        ErrorKind::UnexpectedByte { found: 0xc2, .. }
    ));
}

/// The whole-input check is SIMD (simdutf8) on long inputs when the `std` feature picks it at
/// run time, and `core::str::from_utf8` on short ones: bad sequences anywhere in a long text,
/// across 16/32/64-byte block edges, are found at their exact byte, and valid multi-byte
/// characters straddling those edges pass.
#[test]
fn invalid_utf8_in_long_text_is_found_at_the_exact_byte_across_block_edges() {
    let bad: &[&[u8]] = &[
        b"\xff",
        b"\xc0\x80",
        b"\xed\xa0\x80",
        b"\xf4\x90\x80\x80",
        b"\x80",
        b"\xe4\xb8",
        b"\xf0\x9f\x98",
    ];
    let filler = "ab\u{e9}cd\u{4e2d}ef\u{1f600}gh ".repeat(40); // 1-, 2-, 3-, 4-byte characters
    let valid = bytes_doc(filler.as_bytes());
    let session = lcsession_core::parse(&valid).unwrap();
    assert_eq!(
        session.events().next().unwrap().content().unwrap(),
        filler.as_str()
    );
    // Sampled more sparsely under Miri, which is ~1000x slower.
    const STEP: usize = if cfg!(miri) { 61 } else { 3 };
    let mut checked = 0;
    for cut in (0..filler.len())
        .filter(|&k| filler.is_char_boundary(k))
        .step_by(STEP)
    {
        for seq in bad {
            let mut inner = filler.as_bytes()[..cut].to_vec();
            inner.extend_from_slice(seq);
            inner.extend_from_slice(&filler.as_bytes()[cut..]);
            let err = lcsession_core::parse(&bytes_doc(&inner)).unwrap_err();
            assert_eq!(
                (err.kind(), err.offset()),
                (ErrorKind::InvalidUtf8, content_start() + cut),
                "{seq:?} at {cut}"
            );
            checked += 1;
        }
    }
    assert!(checked > 1000 / STEP, "{checked}");
}

#[test]
fn the_first_problem_wins_over_later_invalid_utf8() {
    // A syntax error before the bad byte is reported, not the bad byte.
    let mut d = bytes_doc(br"\x");
    d.extend_from_slice(b"\xff");
    let err = lcsession_core::parse(&d).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (ErrorKind::InvalidEscape, content_start())
    );
    // A schema error before the bad byte too.
    let mut d = br#"{"events":[{"type":"text","content":5},"#.to_vec();
    d.extend_from_slice(b"{\"type\":\"text\",\"content\":\"\xff\"}]}");
    let err = lcsession_core::parse(&d).unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::WrongType {
            at: ev(0, "content"),
            expected: JsonType::String
        }
    );
    // But invalid UTF-8 before a schema error is reported first.
    let mut d = b"{\"events\":[{\"type\":\"text\",\"content\":\"\xff\"},".to_vec();
    d.extend_from_slice(br#"{"type":"text","content":5}]}"#);
    let err = lcsession_core::parse(&d).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidUtf8);
}

#[test]
fn a_high_surrogate_then_backslash_then_invalid_utf8() {
    let d = bytes_doc(b"\\ud83d\\\xff");
    let err = lcsession_core::parse(&d).unwrap_err();
    // The input does not end there: the problem is the byte after the backslash.
    assert_ne!(err.kind(), ErrorKind::UnexpectedEnd, "{err}");
    assert_eq!(err.offset(), content_start() + 7, "{err}");
}

#[test]
fn truncated_documents_end_at_their_length() {
    // Every strict prefix of a valid document fails with UnexpectedEnd at the prefix's end
    // (or InvalidUtf8 where the cut splits a character).
    // (Under Miri the 13 KB sample's quadratic sweep would take hours: the reference only.)
    let inputs: &[&[u8]] = if cfg!(miri) {
        &[REFERENCE]
    } else {
        &[REFERENCE, SAMPLE]
    };
    for &input in inputs {
        let text = std::str::from_utf8(input).unwrap();
        let complete = text.trim_end().len();
        for len in 0..complete {
            let prefix = &input[..len];
            let err = lcsession_core::parse(prefix).unwrap_err();
            if text.is_char_boundary(len) {
                assert_eq!(
                    (err.kind(), err.offset()),
                    (ErrorKind::UnexpectedEnd, len),
                    "prefix {:?}",
                    &text[len.saturating_sub(30)..len]
                );
            } else {
                let start = (0..len).rev().find(|&i| text.is_char_boundary(i)).unwrap();
                assert_eq!((err.kind(), err.offset()), (ErrorKind::InvalidUtf8, start));
            }
        }
    }
}

#[test]
fn truncated_documents_fail_within_the_input() {
    // The part of the sweep above that holds today: every strict prefix is rejected, as a
    // syntax error, at an offset within the prefix, and at its end unless the cut is inside
    // an escape sequence.
    let inputs: &[&[u8]] = if cfg!(miri) {
        &[REFERENCE]
    } else {
        &[REFERENCE, SAMPLE]
    };
    for &input in inputs {
        let text = std::str::from_utf8(input).unwrap();
        let complete = text.trim_end().len();
        for len in 0..complete {
            let err = lcsession_core::parse(&input[..len]).unwrap_err();
            assert!(err.is_syntax(), "{err}");
            assert!(err.offset() <= len);
            if text.is_char_boundary(len) && !text[..len].ends_with('\\') {
                assert_eq!(
                    (err.kind(), err.offset()),
                    (ErrorKind::UnexpectedEnd, len),
                    "prefix {:?}",
                    &text[len.saturating_sub(30)..len]
                );
            }
        }
        for len in complete..=input.len() {
            assert!(lcsession_core::parse(&input[..len]).is_ok());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Offsets and line:column in a pretty-printed document

const PRETTY: &str = "{\n  \"events\": [\n    {\"type\": \"text\", \"content\": \"é 中 @\"}\n  ],\n  \"session_id\": \"s\",\n  \"last_updated_at\": \"t\"\n}\n";

/// PRETTY with the `@` on line 3 replaced by `bad`; returns the document and the byte offset
/// and 1-based column of the replacement.
fn line3(bad: &str) -> (String, usize, usize) {
    let off = at(PRETTY, "@");
    let line_start = at(PRETTY, "    {\"type\"");
    let col = PRETTY[line_start..off].chars().count() + 1;
    (PRETTY.replacen('@', bad, 1), off, col)
}

#[test]
fn errors_on_line_three_have_line_and_column() {
    assert!(lcsession_core::parse(PRETTY.as_bytes()).is_ok());
    let (_, _, col) = line3("x");
    assert_eq!(col, 38, "columns count characters, not bytes");
    for (bad, kind, delta) in [
        (r"\q", ErrorKind::InvalidEscape, 0),
        ("\t", ErrorKind::ControlCharacter, 0),
        (r"\udc00", ErrorKind::LoneSurrogate, 0),
        (r"ok \u00zz", ErrorKind::InvalidEscape, 7),
    ] {
        let (d, off, col) = line3(bad);
        let err = lcsession_core::parse(d.as_bytes()).unwrap_err();
        assert_eq!((err.kind(), err.offset()), (kind, off + delta), "{bad}");
        assert_eq!(err.line_column(d.as_bytes()), (3, col + delta), "{bad}");
        assert_eq!(
            lcsession_core::line_column(d.as_bytes(), err.offset()),
            (3, col + delta)
        );
    }
    // Invalid UTF-8 on line 3.
    let (d, off, col) = line3("@");
    let mut bytes = d.into_bytes();
    bytes[off] = 0xff;
    let err = lcsession_core::parse(&bytes).unwrap_err();
    assert_eq!((err.kind(), err.offset()), (ErrorKind::InvalidUtf8, off));
    assert_eq!(err.line_column(&bytes), (3, col));

    // A missing comma on line 3 (syntax) and a schema error there.
    let d = PRETTY.replacen(r#""type": "text","#, r#""type": "text""#, 1);
    let err = lcsession_core::parse(d.as_bytes()).unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::UnexpectedByte {
            found: b'"',
            expected: "`,` or `}`"
        }
    );
    assert_eq!(err.line_column(d.as_bytes()), (3, 21));
    let d = PRETTY.replacen(r#""type": "text""#, r#""type": 5"#, 1);
    let err = lcsession_core::parse(d.as_bytes()).unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::WrongType {
            at: ev(0, "type"),
            expected: JsonType::String
        }
    );
    assert_eq!(err.line_column(d.as_bytes()), (3, 14));
    let d = PRETTY.replacen(r#""content""#, r#""body""#, 1);
    let err = lcsession_core::parse(d.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingField(ev(0, "content")));
    let (line, col) = err.line_column(d.as_bytes());
    assert_eq!(line, 3);
    assert_eq!(d.lines().nth(2).unwrap().chars().nth(col - 1), Some('}'));
    // A missing header field is reported on the last line, at the closing brace.
    let d = PRETTY.replacen("  \"session_id\": \"s\",\n", "", 1);
    let err = lcsession_core::parse(d.as_bytes()).unwrap_err();
    assert_eq!(err.line_column(d.as_bytes()), (6, 1));
}

#[test]
fn line_column_edges() {
    let input = "ab\ncé\r\nxyz".as_bytes();
    assert_eq!(lcsession_core::line_column(input, 0), (1, 1));
    assert_eq!(lcsession_core::line_column(input, 2), (1, 3));
    assert_eq!(lcsession_core::line_column(input, 3), (2, 1));
    assert_eq!(lcsession_core::line_column(input, 6), (2, 3), "after é");
    assert_eq!(lcsession_core::line_column(input, 8), (3, 1));
    assert_eq!(lcsession_core::line_column(input, 11), (3, 4));
    assert_eq!(lcsession_core::line_column(input, 1000), (3, 4), "clamped");
    assert_eq!(lcsession_core::line_column(b"", 0), (1, 1));
}

#[test]
fn number_syntax_errors_are_located() {
    for (num, kind, delta) in [
        (
            "01",
            ErrorKind::UnexpectedByte {
                found: b'1',
                expected: "`,` or `}`",
            },
            1,
        ),
        ("-", ErrorKind::InvalidNumber, 1),
        ("-a", ErrorKind::InvalidNumber, 1),
        ("1.", ErrorKind::InvalidNumber, 2),
        ("1.e5", ErrorKind::InvalidNumber, 2),
        ("1e", ErrorKind::InvalidNumber, 2),
        ("1e+", ErrorKind::InvalidNumber, 3),
        (
            "-01",
            ErrorKind::UnexpectedByte {
                found: b'1',
                expected: "`,` or `}`",
            },
            2,
        ),
        (
            ".5",
            ErrorKind::UnexpectedByte {
                found: b'.',
                expected: "a JSON value",
            },
            0,
        ),
        (
            "+1",
            ErrorKind::UnexpectedByte {
                found: b'+',
                expected: "a JSON value",
            },
            0,
        ),
        (
            "0x10",
            ErrorKind::UnexpectedByte {
                found: b'x',
                expected: "`,` or `}`",
            },
            1,
        ),
        (
            "NaN",
            ErrorKind::UnexpectedByte {
                found: b'N',
                expected: "a JSON value",
            },
            0,
        ),
        (
            "Infinity",
            ErrorKind::UnexpectedByte {
                found: b'I',
                expected: "a JSON value",
            },
            0,
        ),
        (
            "1_000",
            ErrorKind::UnexpectedByte {
                found: b'_',
                expected: "`,` or `}`",
            },
            1,
        ),
    ] {
        let d = format!(r#"{{"events":[],"session_id":"s","last_updated_at":"t","x":{num}}}"#);
        let start = at(&d, r#""x":"#) + 4;
        let err = lcsession_core::parse(d.as_bytes()).unwrap_err();
        assert_err(err, kind, start + delta, &d);
        assert!(err.is_syntax());
    }
}
