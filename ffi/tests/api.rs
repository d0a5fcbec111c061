//! The C ABI called directly from Rust: results, NULL handling, out-params, garbage input,
//! and agreement with lcsession-core on the sample dump. Runs under Miri too.
#![allow(clippy::result_large_err)]

use std::ffi::{c_char, c_void, CStr};
use std::mem::MaybeUninit;
use std::ptr::{null, null_mut};

use lcsession::*;
use lcsession_core::{EventBody, Field, RawValue, ValueKind};

const SAMPLE: &[u8] = include_bytes!("../../examples/data/sample-session.json");

/// A small session with every event type, escapes, an unknown event, an untyped one and an
/// unknown field: what the tests walk under Miri, which is too slow for the 14 KB sample.
const MINI: &[u8] = br#"{"events":[
 {"type":"user_input","content":"Q3 \"risk\"\n?"},
 {"type":"thinking_delta","content":"plan"},
 {"type":"text_delta","content":"caf\u00e9 \ud83d\ude00"},
 {"type":"thinking","content":"plan"},
 {"type":"text","content":"done"},
 {"type":"tool_call","call_id":"c1","name":"search","arguments":{"q":"x\ty","k":[1,-2,3.5e0],"f":{"a":null,"b":true}}},
 {"type":"tool_result","call_id":"c1","name":"search","result":[{"s":0.5}],"image_attachment":{"attachment_name":"p.png","source_id":"d"}},
 {"type":"stop","error":"late","is_error":false,"usage":{"duration_ms":1.5,"total_input_tokens":3,"turns":1},"skipped_index_ids":["i\u0031"]},
 {"type":"citation","page":2},
 {"call_id":"c2","name":"n","arguments":{}},
 {"content":"?"}
],
"session_id":"s\u002d1","last_updated_at":"t","generated_title":null,"index_ids":["a"],
"x_extra":{"k":[]},"job_metadata":{"turns":2,"error":"e"},"shared_access":"query"}"#;

/// The document the whole-walk tests use: the sample natively, [`MINI`] under Miri.
fn doc() -> &'static [u8] {
    if cfg!(miri) {
        MINI
    } else {
        SAMPLE
    }
}

/// A parsed session, freed on drop.
struct Parsed(*mut lcs_session);

impl Drop for Parsed {
    fn drop(&mut self) {
        unsafe { lcs_session_free(self.0) }
    }
}

fn parse(input: &[u8]) -> Result<Parsed, lcs_parse_error> {
    let mut session = null_mut();
    let mut err = MaybeUninit::<lcs_parse_error>::uninit();
    let r =
        unsafe { lcs_session_parse(input.as_ptr(), input.len(), &mut session, err.as_mut_ptr()) };
    if r == lcs_result::LCS_OK {
        assert!(!session.is_null());
        Ok(Parsed(session))
    } else {
        assert!(session.is_null(), "out_session written on failure");
        let err = unsafe { err.assume_init() };
        assert_eq!(err.code, r);
        Err(err)
    }
}

fn sample() -> Parsed {
    parse(doc()).unwrap_or_else(|e| panic!("document: {}", message(&e)))
}

fn message(e: &lcs_parse_error) -> String {
    unsafe { CStr::from_ptr(e.message.as_ptr()) }
        .to_str()
        .unwrap()
        .to_owned()
}

fn s(v: lcs_str) -> &'static str {
    let bytes = unsafe { std::slice::from_raw_parts(v.data.cast::<u8>(), v.len) };
    std::str::from_utf8(bytes).unwrap()
}

fn raw(v: lcs_jstr) -> &'static str {
    let bytes = unsafe { std::slice::from_raw_parts(v.data.cast::<u8>(), v.len) };
    std::str::from_utf8(bytes).unwrap()
}

fn text(v: &lcs_value) -> &'static str {
    let bytes = unsafe { std::slice::from_raw_parts(v.data.cast::<u8>(), v.len) };
    std::str::from_utf8(bytes).unwrap()
}

/// Decodes through `lcs_jstr_unescape`, sized by `lcs_jstr_decoded_len`.
fn unescape(v: &lcs_jstr) -> String {
    let mut n = 0;
    assert_eq!(
        unsafe { lcs_jstr_decoded_len(v, &mut n) },
        lcs_result::LCS_OK
    );
    let mut buf = vec![0 as c_char; n];
    let mut written = usize::MAX;
    let r = unsafe { lcs_jstr_unescape(v, buf.as_mut_ptr(), buf.len(), &mut written) };
    assert_eq!(r, lcs_result::LCS_OK);
    assert_eq!(written, n);
    String::from_utf8(buf.iter().map(|&c| c as u8).collect()).unwrap()
}

/// Decodes through the chunk iterator.
fn chunks(v: &lcs_jstr) -> String {
    let mut it = MaybeUninit::uninit();
    assert_eq!(
        unsafe { lcs_jstr_chunks(v, it.as_mut_ptr()) },
        lcs_result::LCS_OK
    );
    let mut it = unsafe { it.assume_init() };
    let mut out = Vec::new();
    let mut chunk = lcs_str {
        data: null(),
        len: 0,
    };
    loop {
        match unsafe { lcs_jstr_chunk_next(&mut it, &mut chunk) } {
            lcs_result::LCS_OK => out.extend_from_slice(s(chunk).as_bytes()),
            lcs_result::LCS_END => break,
            other => panic!("chunk_next: {other:?}"),
        }
    }
    // The end is sticky.
    assert_eq!(
        unsafe { lcs_jstr_chunk_next(&mut it, &mut chunk) },
        lcs_result::LCS_END
    );
    String::from_utf8(out).unwrap()
}

fn events(p: &Parsed) -> Vec<lcs_event> {
    let mut cursor = null_mut();
    assert_eq!(
        unsafe { lcs_events_new(p.0, &mut cursor) },
        lcs_result::LCS_OK
    );
    let mut out = Vec::new();
    let mut ev = MaybeUninit::<lcs_event>::uninit();
    loop {
        let mut remaining = 0;
        assert_eq!(
            unsafe { lcs_events_remaining(cursor, &mut remaining) },
            lcs_result::LCS_OK
        );
        match unsafe { lcs_events_next(cursor, ev.as_mut_ptr()) } {
            lcs_result::LCS_OK => {
                assert!(remaining > 0);
                out.push(unsafe { ev.assume_init() });
            }
            lcs_result::LCS_END => {
                assert_eq!(remaining, 0);
                break;
            }
            other => panic!("events_next: {other:?}"),
        }
    }
    assert_eq!(
        unsafe { lcs_events_next(cursor, ev.as_mut_ptr()) },
        lcs_result::LCS_END
    );
    unsafe { lcs_events_free(cursor) };
    out
}

fn kind_of(v: RawValue<'_>) -> lcs_value_kind {
    match v.kind() {
        ValueKind::Null => lcs_value_kind::LCS_VALUE_NULL,
        ValueKind::Bool => lcs_value_kind::LCS_VALUE_BOOL,
        ValueKind::Number => lcs_value_kind::LCS_VALUE_NUMBER,
        ValueKind::String => lcs_value_kind::LCS_VALUE_STRING,
        ValueKind::Array => lcs_value_kind::LCS_VALUE_ARRAY,
        ValueKind::Object => lcs_value_kind::LCS_VALUE_OBJECT,
    }
}

/// Walks `ours` through the C API and `theirs` through the core, asserting they agree on
/// every member, item and scalar, recursively. Returns the number of values compared.
fn agree(ours: &lcs_value, theirs: RawValue<'_>) -> usize {
    assert_eq!(text(ours), theirs.as_raw_str());
    assert_eq!(ours.kind, kind_of(theirs));
    let mut n = 1;
    let mut it = MaybeUninit::<lcs_value_iter>::uninit();
    let mut key = MaybeUninit::<lcs_jstr>::uninit();
    let mut val = MaybeUninit::<lcs_value>::uninit();
    let mut count = usize::MAX;
    match theirs.kind() {
        ValueKind::Object => {
            assert_eq!(
                unsafe { lcs_value_members(ours, it.as_mut_ptr()) },
                lcs_result::LCS_OK
            );
            let mut it = unsafe { it.assume_init() };
            for (k, v) in theirs.members() {
                let r =
                    unsafe { lcs_value_member_next(&mut it, key.as_mut_ptr(), val.as_mut_ptr()) };
                assert_eq!(r, lcs_result::LCS_OK);
                let (key, val) = unsafe { (key.assume_init(), val.assume_init()) };
                assert_eq!(raw(key), k.raw());
                assert_eq!(key.escaped, k.has_escapes());
                assert_eq!(unescape(&key), k.to_string());
                n += agree(&val, v);
                // `get` finds the first member with that key.
                let decoded = k.to_string();
                let mut got = MaybeUninit::<lcs_value>::uninit();
                let r = unsafe {
                    lcs_value_get(
                        ours,
                        decoded.as_ptr().cast(),
                        decoded.len(),
                        got.as_mut_ptr(),
                    )
                };
                assert_eq!(r, lcs_result::LCS_OK);
                assert_eq!(
                    text(&unsafe { got.assume_init() }),
                    theirs.get(&decoded).unwrap().as_raw_str()
                );
            }
            let r = unsafe { lcs_value_member_next(&mut it, key.as_mut_ptr(), val.as_mut_ptr()) };
            assert_eq!(r, lcs_result::LCS_END);
            assert_eq!(
                unsafe { lcs_value_count(ours, &mut count) },
                lcs_result::LCS_OK
            );
            assert_eq!(count, theirs.members().count());
            let mut item = MaybeUninit::<lcs_value>::uninit();
            assert_eq!(
                unsafe { lcs_value_item_next(&mut it, item.as_mut_ptr()) },
                lcs_result::LCS_WRONG_KIND
            );
        }
        ValueKind::Array => {
            assert_eq!(
                unsafe { lcs_value_items(ours, it.as_mut_ptr()) },
                lcs_result::LCS_OK
            );
            let mut it = unsafe { it.assume_init() };
            for v in theirs.items() {
                assert_eq!(
                    unsafe { lcs_value_item_next(&mut it, val.as_mut_ptr()) },
                    lcs_result::LCS_OK
                );
                n += agree(&unsafe { val.assume_init() }, v);
            }
            assert_eq!(
                unsafe { lcs_value_item_next(&mut it, val.as_mut_ptr()) },
                lcs_result::LCS_END
            );
            assert_eq!(
                unsafe { lcs_value_count(ours, &mut count) },
                lcs_result::LCS_OK
            );
            assert_eq!(count, theirs.items().count());
            assert_eq!(
                unsafe { lcs_value_member_next(&mut it, key.as_mut_ptr(), val.as_mut_ptr()) },
                lcs_result::LCS_WRONG_KIND
            );
        }
        ValueKind::String => {
            let mut js = MaybeUninit::<lcs_jstr>::uninit();
            assert_eq!(
                unsafe { lcs_value_as_str(ours, js.as_mut_ptr()) },
                lcs_result::LCS_OK
            );
            let js = unsafe { js.assume_init() };
            let want = theirs.as_str().unwrap();
            assert_eq!(raw(js), want.raw());
            assert_eq!(unescape(&js), want.to_string());
            assert_eq!(chunks(&js), want.to_string());
        }
        ValueKind::Number => {
            let mut u = 0u64;
            let mut i = 0i64;
            let mut f = 0f64;
            let ru = unsafe { lcs_value_as_u64(ours, &mut u) };
            let ri = unsafe { lcs_value_as_i64(ours, &mut i) };
            let rf = unsafe { lcs_value_as_f64(ours, &mut f) };
            match theirs.as_u64() {
                Ok(want) => assert_eq!((ru, u), (lcs_result::LCS_OK, want)),
                Err(e) => assert_eq!(ru, lcs_result::from_number_error(e)),
            }
            match theirs.as_i64() {
                Ok(want) => assert_eq!((ri, i), (lcs_result::LCS_OK, want)),
                Err(_) => assert_ne!(ri, lcs_result::LCS_OK),
            }
            assert_eq!((rf, f), (lcs_result::LCS_OK, theirs.as_f64().unwrap()));
            let mut t = lcs_str {
                data: null(),
                len: 0,
            };
            assert_eq!(
                unsafe { lcs_value_number_text(ours, &mut t) },
                lcs_result::LCS_OK
            );
            assert_eq!(s(t), theirs.as_number_str().unwrap());
        }
        ValueKind::Bool => {
            let mut b = false;
            assert_eq!(
                unsafe { lcs_value_as_bool(ours, &mut b) },
                lcs_result::LCS_OK
            );
            assert_eq!(Some(b), theirs.as_bool());
        }
        ValueKind::Null => {}
    }
    if theirs.kind() != ValueKind::Number {
        let mut u = 7u64;
        assert_eq!(
            unsafe { lcs_value_as_u64(ours, &mut u) },
            lcs_result::LCS_WRONG_KIND
        );
        assert_eq!(u, 7, "out-param written on failure");
    }
    n
}

#[test]
#[cfg_attr(miri, ignore = "walks the 14 KB sample: too slow under Miri")]
fn header_matches_the_core() {
    let p = sample();
    let core = lcsession_core::parse(SAMPLE).unwrap();
    let h = core.header();
    let mut v = lcs_str {
        data: null(),
        len: 0,
    };
    let mut presence = lcs_presence::LCS_PRESENCE_MISSING;
    unsafe {
        assert_eq!(lcs_session_id(p.0, &mut v), lcs_result::LCS_OK);
        assert_eq!(s(v), "ses-7f3a9c2e41b8");
        assert_eq!(lcs_session_last_updated_at(p.0, &mut v), lcs_result::LCS_OK);
        assert_eq!(s(v), h.last_updated_at.as_str());
        assert_eq!(
            lcs_session_generated_title(p.0, &mut presence, &mut v),
            lcs_result::LCS_OK
        );
        assert_eq!(presence, lcs_presence::LCS_PRESENCE_PRESENT);
        assert_eq!(
            s(v),
            "What were the main findings in Q3? Revenue, margins \u{2014} risk factors"
        );

        let mut count = 0;
        assert_eq!(
            lcs_session_index_ids(p.0, &mut presence, &mut count),
            lcs_result::LCS_OK
        );
        assert_eq!((presence, count), (lcs_presence::LCS_PRESENCE_PRESENT, 2));
        assert_eq!(lcs_session_index_id(p.0, 1, &mut v), lcs_result::LCS_OK);
        assert_eq!(s(v), "idx-earnings-calls");
        let before = v.data;
        assert_eq!(
            lcs_session_index_id(p.0, 2, &mut v),
            lcs_result::LCS_INDEX_OUT_OF_BOUNDS
        );
        assert_eq!(v.data, before, "out-param written on failure");

        assert_eq!(
            lcs_session_job_metadata(p.0, &mut presence),
            lcs_result::LCS_OK
        );
        assert_eq!(presence, lcs_presence::LCS_PRESENCE_PRESENT);
        let mut f = 0.0;
        assert_eq!(
            lcs_session_job_duration_ms(p.0, &mut presence, &mut f),
            lcs_result::LCS_OK
        );
        assert_eq!((presence, f), (lcs_presence::LCS_PRESENCE_PRESENT, 41872.6));
        let mut v2 = lcs_str {
            data: null(),
            len: 99,
        };
        assert_eq!(
            lcs_session_job_error(p.0, &mut presence, &mut v2),
            lcs_result::LCS_OK
        );
        assert_eq!(presence, lcs_presence::LCS_PRESENCE_NULL);
        assert_eq!(v2.len, 99, "value written although null");
        assert_eq!(
            lcs_session_job_export_config_ids(p.0, &mut presence, &mut count),
            lcs_result::LCS_OK
        );
        assert_eq!(count, 2);
        assert_eq!(
            lcs_session_job_export_config_id(p.0, 1, &mut v),
            lcs_result::LCS_OK
        );
        assert_eq!(s(v), "exp-quarterly-pdf");
        let mut b = true;
        assert_eq!(
            lcs_session_job_is_error(p.0, &mut presence, &mut b),
            lcs_result::LCS_OK
        );
        assert!(!b);
        let mut n = 0u64;
        assert_eq!(
            lcs_session_job_total_input_tokens(p.0, &mut presence, &mut n),
            lcs_result::LCS_OK
        );
        assert_eq!(n, 22635);
        assert_eq!(
            lcs_session_job_total_output_tokens(p.0, &mut presence, &mut n),
            lcs_result::LCS_OK
        );
        assert_eq!(n, 1078);
        assert_eq!(
            lcs_session_job_turns(p.0, &mut presence, &mut n),
            lcs_result::LCS_OK
        );
        assert_eq!(n, 3);

        let mut mode = lcs_shared_access::LCS_SHARED_ACCESS_OTHER;
        assert_eq!(
            lcs_session_shared_access(p.0, &mut presence, &mut mode, &mut v),
            lcs_result::LCS_OK
        );
        assert_eq!(mode, lcs_shared_access::LCS_SHARED_ACCESS_READ_ONLY);
        assert_eq!(s(v), "read_only");

        assert_eq!(lcs_session_event_count(p.0, &mut count), lcs_result::LCS_OK);
        assert_eq!(count, core.event_count());
        let mut rv = MaybeUninit::<lcs_value>::uninit();
        assert_eq!(lcs_session_raw(p.0, rv.as_mut_ptr()), lcs_result::LCS_OK);
        agree(&rv.assume_init(), core.raw());
        assert_eq!(
            lcs_session_events_raw(p.0, rv.as_mut_ptr()),
            lcs_result::LCS_OK
        );
        assert_eq!(text(&rv.assume_init()), core.events_raw().as_raw_str());
    }
}

#[test]
fn missing_null_and_present_stay_apart() {
    let doc = br#"{"events":[],"session_id":"s","last_updated_at":"t","index_ids":null,"job_metadata":{"turns":null},"shared_access":"team_only"}"#;
    let p = parse(doc).unwrap();
    let mut presence = lcs_presence::LCS_PRESENCE_PRESENT;
    let mut v = lcs_str {
        data: null(),
        len: 0,
    };
    let mut count = 5;
    let mut n = 9u64;
    unsafe {
        assert_eq!(
            lcs_session_generated_title(p.0, &mut presence, &mut v),
            lcs_result::LCS_OK
        );
        assert_eq!(presence, lcs_presence::LCS_PRESENCE_MISSING);
        assert!(v.data.is_null(), "value written although missing");
        assert_eq!(
            lcs_session_index_ids(p.0, &mut presence, &mut count),
            lcs_result::LCS_OK
        );
        assert_eq!((presence, count), (lcs_presence::LCS_PRESENCE_NULL, 5));
        assert_eq!(
            lcs_session_index_id(p.0, 0, &mut v),
            lcs_result::LCS_INDEX_OUT_OF_BOUNDS
        );
        assert_eq!(
            lcs_session_job_turns(p.0, &mut presence, &mut n),
            lcs_result::LCS_OK
        );
        assert_eq!((presence, n), (lcs_presence::LCS_PRESENCE_NULL, 9));
        assert_eq!(
            lcs_session_job_total_input_tokens(p.0, &mut presence, &mut n),
            lcs_result::LCS_OK
        );
        assert_eq!(presence, lcs_presence::LCS_PRESENCE_MISSING);
        let mut mode = lcs_shared_access::LCS_SHARED_ACCESS_QUERY;
        assert_eq!(
            lcs_session_shared_access(p.0, &mut presence, &mut mode, &mut v),
            lcs_result::LCS_OK
        );
        assert_eq!(
            (presence, mode, s(v)),
            (
                lcs_presence::LCS_PRESENCE_PRESENT,
                lcs_shared_access::LCS_SHARED_ACCESS_OTHER,
                "team_only"
            )
        );
        let mut count = 0;
        assert_eq!(lcs_session_event_count(p.0, &mut count), lcs_result::LCS_OK);
        assert_eq!(count, 0);
    }
    assert!(events(&p).is_empty());
    // A null job_metadata makes its members missing.
    let doc = br#"{"events":[],"session_id":"s","last_updated_at":"t","job_metadata":null}"#;
    let p = parse(doc).unwrap();
    unsafe {
        assert_eq!(
            lcs_session_job_metadata(p.0, &mut presence),
            lcs_result::LCS_OK
        );
        assert_eq!(presence, lcs_presence::LCS_PRESENCE_NULL);
        assert_eq!(
            lcs_session_job_turns(p.0, &mut presence, &mut n),
            lcs_result::LCS_OK
        );
        assert_eq!(presence, lcs_presence::LCS_PRESENCE_MISSING);
        assert_eq!(
            lcs_session_job_export_config_id(p.0, 0, &mut v),
            lcs_result::LCS_INDEX_OUT_OF_BOUNDS
        );
    }
}

#[test]
fn events_match_the_core() {
    let p = sample();
    let core = lcsession_core::parse(doc()).unwrap();
    let ours = events(&p);
    assert_eq!(ours.len(), core.event_count());
    let mut compared = 0;
    for (ev, want) in ours.iter().zip(core.events()) {
        assert_eq!(ev.index, want.index);
        assert_eq!(ev.inferred, want.inferred);
        let name = unsafe { CStr::from_ptr(lcs_event_type_name(ev.r#type as u32)) }
            .to_str()
            .unwrap();
        compared += agree(&ev.raw, want.raw);
        match want.body {
            EventBody::ThinkingDelta { content }
            | EventBody::TextDelta { content }
            | EventBody::Thinking { content }
            | EventBody::Text { content }
            | EventBody::UserInput { content } => {
                assert_eq!(raw(ev.content), content.raw());
                assert_eq!(ev.content.escaped, content.has_escapes());
                assert_eq!(unescape(&ev.content), content.to_string());
                assert_eq!(chunks(&ev.content), content.to_string());
                assert_eq!(raw(ev.type_name), name);
                assert_eq!(ev.arguments.kind, lcs_value_kind::LCS_VALUE_NONE);
            }
            EventBody::ToolCall(call) => {
                assert_eq!(ev.r#type, lcs_event_type::LCS_EVENT_TOOL_CALL);
                assert_eq!(raw(ev.call_id), call.call_id.raw());
                assert_eq!(raw(ev.name), call.name.raw());
                compared += agree(&ev.arguments, call.arguments);
                assert_eq!(ev.content.len, 0);
            }
            EventBody::ToolResult(res) => {
                assert_eq!(ev.r#type, lcs_event_type::LCS_EVENT_TOOL_RESULT);
                assert_eq!(raw(ev.call_id), res.call_id.raw());
                compared += agree(&ev.result, res.result);
                match res.image_attachment {
                    Field::Present(img) => {
                        assert_eq!(ev.image_attachment, lcs_presence::LCS_PRESENCE_PRESENT);
                        assert_eq!(raw(ev.attachment_name), img.attachment_name.raw());
                        assert_eq!(raw(ev.source_id), img.source_id.raw());
                    }
                    Field::Null => assert_eq!(ev.image_attachment, lcs_presence::LCS_PRESENCE_NULL),
                    Field::Missing => {
                        assert_eq!(ev.image_attachment, lcs_presence::LCS_PRESENCE_MISSING)
                    }
                }
            }
            EventBody::Stop(stop) => {
                assert_eq!(ev.r#type, lcs_event_type::LCS_EVENT_STOP);
                match stop.error {
                    Some(e) => assert_eq!(raw(ev.error_message), e.raw()),
                    None => assert_eq!(ev.error, lcs_presence::LCS_PRESENCE_NULL),
                }
                assert_eq!(ev.is_error, stop.is_error);
                assert_eq!(
                    ev.usage.total_input_tokens.value,
                    stop.usage.total_input_tokens.into_present().unwrap_or(0)
                );
                assert_eq!(
                    ev.usage.total_output_tokens.value,
                    stop.usage.total_output_tokens.into_present().unwrap_or(0)
                );
                assert_eq!(ev.usage.turns.presence, lcs_presence::LCS_PRESENCE_PRESENT);
                compared += agree(&ev.usage.raw, stop.usage.raw);
                if let Field::Present(list) = stop.skipped_index_ids {
                    assert_eq!(ev.skipped_index_ids, lcs_presence::LCS_PRESENCE_PRESENT);
                    compared += agree(&ev.skipped_index_ids_value, list.raw());
                } else {
                    assert_eq!(ev.skipped_index_ids, lcs_presence::LCS_PRESENCE_MISSING);
                }
            }
            EventBody::Unknown { type_name } => {
                assert_eq!(ev.r#type, lcs_event_type::LCS_EVENT_UNKNOWN);
                assert_eq!(raw(ev.type_name), type_name.raw());
                assert_eq!(name, "unknown");
            }
            EventBody::Untyped => assert_eq!(ev.r#type, lcs_event_type::LCS_EVENT_UNTYPED),
        }
    }
    assert!(ours
        .iter()
        .any(|e| e.inferred && e.r#type == lcs_event_type::LCS_EVENT_TOOL_CALL));
    assert!(ours
        .iter()
        .any(|e| e.r#type == lcs_event_type::LCS_EVENT_UNKNOWN));
    assert!(compared > 30, "compared only {compared} values");
}

#[test]
fn unknown_fields_match_the_core() {
    let p = sample();
    let core = lcsession_core::parse(doc()).unwrap();
    let mut it = MaybeUninit::<lcs_value_iter>::uninit();
    assert_eq!(
        unsafe { lcs_session_unknown_fields(p.0, it.as_mut_ptr()) },
        lcs_result::LCS_OK
    );
    let mut it = unsafe { it.assume_init() };
    let mut key = MaybeUninit::<lcs_jstr>::uninit();
    let mut val = MaybeUninit::<lcs_value>::uninit();
    let mut n = 0;
    for (k, v) in core.unknown_fields() {
        assert_eq!(
            unsafe { lcs_value_member_next(&mut it, key.as_mut_ptr(), val.as_mut_ptr()) },
            lcs_result::LCS_OK
        );
        assert_eq!(raw(unsafe { key.assume_init() }), k.raw());
        agree(&unsafe { val.assume_init() }, v);
        n += 1;
    }
    assert_eq!(n, 1);
    assert_eq!(
        unsafe { lcs_value_member_next(&mut it, key.as_mut_ptr(), val.as_mut_ptr()) },
        lcs_result::LCS_END
    );

    // Escaped known keys are still known; escaped unknown keys are reported as written.
    let doc = br#"{"session\u005fid":"s","x\u0041":1,"last_updated_at":"t","events":[],"zz":[]}"#;
    let p = parse(doc).unwrap();
    let core = lcsession_core::parse(doc).unwrap();
    assert_eq!(
        unsafe { lcs_session_unknown_fields(p.0, &mut it) },
        lcs_result::LCS_OK
    );
    let mut got = Vec::new();
    while unsafe { lcs_value_member_next(&mut it, key.as_mut_ptr(), val.as_mut_ptr()) }
        == lcs_result::LCS_OK
    {
        got.push(unescape(&unsafe { key.assume_init() }));
    }
    let want: Vec<String> = core.unknown_fields().map(|(k, _)| k.to_string()).collect();
    assert_eq!(got, want);
    assert_eq!(got, ["xA", "zz"]);
}

#[test]
fn parse_errors_say_what_and_where() {
    let doc = b"{\"events\":[{\"type\":\"tool_call\",\"name\":\"x\",\"arguments\":{}}],\n\"session_id\":\"s\",\"last_updated_at\":\"t\"}";
    let e = parse(doc).err().unwrap();
    assert_eq!(e.code, lcs_result::LCS_MISSING_FIELD);
    assert_eq!(message(&e), "event 0 field `call_id`: missing at byte 56");
    assert_eq!((e.offset, e.line, e.column), (56, 1, 57));
    assert!(e.has_event);
    assert_eq!(e.event, 0);
    assert_eq!(s(e.field), "call_id");

    let doc = b"{\n  \"events\": [\n    {},\n  ]\n}";
    let e = parse(doc).err().unwrap();
    assert_eq!(e.code, lcs_result::LCS_SYNTAX_UNEXPECTED_BYTE);
    assert_eq!((e.line, e.column), (4, 3));
    assert!(!e.has_event);
    assert_eq!(e.field.len, 0);
    assert!(message(&e).starts_with("unexpected `]`"), "{}", message(&e));

    // A syntax error inside an event names the event (no field).
    let doc = b"{\"events\": [{}, {\"type\": \"text\", \"content\": \"a\\qb\"}]}";
    let e = parse(doc).err().unwrap();
    assert_eq!(e.code, lcs_result::LCS_SYNTAX_INVALID_ESCAPE);
    assert_eq!((e.has_event, e.event, e.offset), (true, 1, 46));
    assert_eq!(e.field.len, 0);
    assert_eq!(
        message(&e),
        "event 1: invalid escape sequence in string at byte 46"
    );

    let doc =
        br#"{"events":[],"session_id":"s","last_updated_at":"t","job_metadata":{"turns":-1}}"#;
    let e = parse(doc).err().unwrap();
    assert_eq!(e.code, lcs_result::LCS_NUMBER_OUT_OF_RANGE);
    assert_eq!(s(e.field), "job_metadata.turns");
    assert!(!e.has_event);

    for (doc, code) in [
        (&b""[..], lcs_result::LCS_SYNTAX_UNEXPECTED_END),
        (b"[]", lcs_result::LCS_NOT_AN_OBJECT),
        (b"{\"events\":[]} x", lcs_result::LCS_SYNTAX_TRAILING_BYTES),
        (b"{\"a\":\"\xff\"}", lcs_result::LCS_SYNTAX_INVALID_UTF8),
        (b"{\"a\":\"\x01\"}", lcs_result::LCS_SYNTAX_CONTROL_CHARACTER),
        (b"{\"a\":\"\\x\"}", lcs_result::LCS_SYNTAX_INVALID_ESCAPE),
        (b"{\"a\":\"\\ud800\"}", lcs_result::LCS_SYNTAX_LONE_SURROGATE),
        (b"{\"a\":1.}", lcs_result::LCS_SYNTAX_INVALID_NUMBER),
        (b"{\"events\":[],\"events\":[]}", lcs_result::LCS_DUPLICATE_FIELD),
        (b"{\"events\":{}}", lcs_result::LCS_WRONG_TYPE),
        (b"{\"events\":[],\"session_id\":\"s\",\"last_updated_at\":\"t\",\"shared_access\":\"0123456789012345678901234567890123456789\"}", lcs_result::LCS_CAPACITY),
    ] {
        let e = parse(doc).err().unwrap_or_else(|| panic!("{doc:?} parsed"));
        assert_eq!(e.code, code, "{}", String::from_utf8_lossy(doc));
        assert!(e.offset <= doc.len());
        assert!(!message(&e).is_empty());
        assert!(code.is_syntax() || code.is_schema());
        assert_eq!(lcs_result_is_syntax_error(code as u32), code.is_syntax());
        assert_eq!(lcs_result_is_schema_error(code as u32), code.is_schema());
    }
}

/// A session whose header strings and lists are as given (JSON text, inserted as is).
fn header_doc(id: &str, title: &str, error: &str, index_ids: usize, export_ids: usize) -> Vec<u8> {
    let list = |n: usize, prefix: &str| {
        let ids: Vec<String> = (0..n).map(|i| format!("\"{prefix}-{i}\"")).collect();
        ids.join(",")
    };
    format!(
        r#"{{"events":[{{"type":"text","content":"x"}}],"session_id":"{id}","last_updated_at":"t","generated_title":"{title}","index_ids":[{}],"job_metadata":{{"error":"{error}","export_config_ids":[{}]}}}}"#,
        list(index_ids, "idx"),
        list(export_ids, "exp"),
    )
    .into_bytes()
}

#[test]
fn header_capacities_are_the_c_apis() {
    assert_eq!(
        (LCS_ID_CAPACITY, LCS_TEXT_CAPACITY, LCS_LIST_CAPACITY),
        (128, 4096, 64)
    );
    let t = LCS_TEXT_CAPACITY;
    let ok = |doc: &[u8]| parse(doc).unwrap_or_else(|e| panic!("{}", message(&e)));
    let fails_on = |doc: &[u8], field: &str| {
        let e = parse(doc)
            .err()
            .unwrap_or_else(|| panic!("{field}: parsed"));
        assert_eq!(e.code, lcs_result::LCS_CAPACITY, "{}", message(&e));
        assert_eq!(s(e.field), field);
        assert!(message(&e).contains(field), "{}", message(&e));
        // Parsing while visiting stops at the same place.
        let mut session = null_mut();
        let mut err = MaybeUninit::<lcs_parse_error>::uninit();
        let r = unsafe {
            lcs_session_parse_visiting(
                doc.as_ptr(),
                doc.len(),
                0,
                Some(count_event),
                null_mut(),
                &mut session,
                err.as_mut_ptr(),
            )
        };
        assert_eq!(r, lcs_result::LCS_CAPACITY);
        assert!(session.is_null());
        assert_eq!(unsafe { err.assume_init() }.offset, e.offset);
    };
    // An optional text accessor's value, which must be present.
    type Accessor =
        unsafe extern "C" fn(*const lcs_session, *mut lcs_presence, *mut lcs_str) -> lcs_result;
    let present = |p: &Parsed, accessor: Accessor| {
        let mut presence = lcs_presence::LCS_PRESENCE_MISSING;
        let mut out = lcs_str::empty();
        let r = unsafe { accessor(p.0, &mut presence, &mut out) };
        assert_eq!(r, lcs_result::LCS_OK);
        assert_eq!(presence, lcs_presence::LCS_PRESENCE_PRESENT);
        s(out).to_owned()
    };

    // Free text: a two-byte character ends at N - 1, N, or straddles N (N + 1).
    for (pad, fits) in [(t - 3, true), (t - 2, true), (t - 1, false)] {
        let text = format!("{}é", "a".repeat(pad));
        let escaped = format!("{}\\u00e9", "a".repeat(pad));
        for written in [&text, &escaped] {
            let doc = header_doc("s", written, "e", 1, 1);
            if fits {
                assert_eq!(present(&ok(&doc), lcs_session_generated_title), text);
            } else {
                fails_on(&doc, "generated_title");
            }
            let doc = header_doc("s", "t", written, 1, 1);
            if fits {
                assert_eq!(present(&ok(&doc), lcs_session_job_error), text);
            } else {
                fails_on(&doc, "job_metadata.error");
            }
        }
    }
    // Ids.
    let id = "i".repeat(LCS_ID_CAPACITY);
    let p = ok(&header_doc(&id, "t", "e", 1, 1));
    let mut out = lcs_str::empty();
    assert_eq!(unsafe { lcs_session_id(p.0, &mut out) }, lcs_result::LCS_OK);
    assert_eq!(s(out), id);
    fails_on(&header_doc(&format!("{id}i"), "t", "e", 1, 1), "session_id");

    // Lists: N entries fit, N + 1 do not.
    let n = LCS_LIST_CAPACITY;
    let p = ok(&header_doc("s", "t", "e", n, n));
    let mut presence = lcs_presence::LCS_PRESENCE_MISSING;
    let mut count = 0;
    let r = unsafe { lcs_session_index_ids(p.0, &mut presence, &mut count) };
    assert_eq!((r, count), (lcs_result::LCS_OK, n));
    let r = unsafe { lcs_session_index_id(p.0, n - 1, &mut out) };
    assert_eq!((r, s(out)), (lcs_result::LCS_OK, "idx-63"));
    let r = unsafe { lcs_session_job_export_config_id(p.0, n - 1, &mut out) };
    assert_eq!((r, s(out)), (lcs_result::LCS_OK, "exp-63"));
    fails_on(&header_doc("s", "t", "e", n + 1, 1), "index_ids");
    fails_on(
        &header_doc("s", "t", "e", 1, n + 1),
        "job_metadata.export_config_ids",
    );
}

unsafe extern "C" fn count_event(user_data: *mut c_void, _event: *const lcs_event) {
    if !user_data.is_null() {
        unsafe { *user_data.cast::<usize>() += 1 };
    }
}

#[test]
fn depth_limit_is_configurable() {
    let doc = br#"{"events":[],"session_id":"s","last_updated_at":"t","x":[[[[[1]]]]]}"#;
    let mut session = null_mut();
    let mut err = MaybeUninit::<lcs_parse_error>::uninit();
    unsafe {
        let r = lcs_session_parse_with_max_depth(
            doc.as_ptr(),
            doc.len(),
            4,
            &mut session,
            err.as_mut_ptr(),
        );
        assert_eq!(r, lcs_result::LCS_SYNTAX_DEPTH_LIMIT);
        assert!(session.is_null());
        for depth in [0, 7, 100_000] {
            let r = lcs_session_parse_with_max_depth(
                doc.as_ptr(),
                doc.len(),
                depth,
                &mut session,
                null_mut(),
            );
            assert_eq!(r, lcs_result::LCS_OK, "depth {depth}");
            lcs_session_free(session);
            session = null_mut();
        }
    }
}

#[test]
fn null_arguments_are_reported_and_out_params_untouched() {
    use lcs_result::LCS_NULL_ARGUMENT as NULL;
    let p = parse(MINI).unwrap();
    let session = p.0.cast_const();
    let ns: *const lcs_session = null();
    let mut v = lcs_str {
        data: std::ptr::dangling::<c_char>(),
        len: 77,
    };
    let mut presence = lcs_presence::LCS_PRESENCE_PRESENT;
    let mut count = 77usize;
    let mut n = 77u64;
    let mut f = 77.0f64;
    let mut b = true;
    let mut mode = lcs_shared_access::LCS_SHARED_ACCESS_OTHER;
    let mut out_session = std::ptr::dangling_mut::<lcs_session>();
    let mut err = MaybeUninit::<lcs_parse_error>::uninit();
    unsafe {
        // Parse: NULL buffer (even with length 0), NULL out.
        assert_eq!(
            lcs_session_parse(null(), 0, &mut out_session, err.as_mut_ptr()),
            NULL
        );
        assert_eq!(
            lcs_session_parse(null(), 10, &mut out_session, null_mut()),
            NULL
        );
        assert_eq!(
            lcs_session_parse(SAMPLE.as_ptr(), SAMPLE.len(), null_mut(), null_mut()),
            NULL
        );
        assert_eq!(
            lcs_session_parse_with_max_depth(null(), 0, 0, &mut out_session, null_mut()),
            NULL
        );
        assert_eq!(out_session, std::ptr::dangling_mut::<lcs_session>());
        // An absurd length is refused before anything reads it.
        assert_eq!(
            lcs_session_parse(MINI.as_ptr(), usize::MAX, &mut out_session, null_mut()),
            lcs_result::LCS_INVALID_ARGUMENT
        );
        lcs_session_free(null_mut());
        lcs_events_free(null_mut());

        assert_eq!(lcs_session_id(ns, &mut v), NULL);
        assert_eq!(lcs_session_id(session, null_mut()), NULL);
        assert_eq!(lcs_session_last_updated_at(ns, &mut v), NULL);
        assert_eq!(lcs_session_generated_title(ns, &mut presence, &mut v), NULL);
        assert_eq!(
            lcs_session_generated_title(session, null_mut(), &mut v),
            NULL
        );
        assert_eq!(
            lcs_session_generated_title(session, &mut presence, null_mut()),
            NULL
        );
        assert_eq!(lcs_session_index_ids(ns, &mut presence, &mut count), NULL);
        assert_eq!(
            lcs_session_index_ids(session, &mut presence, null_mut()),
            NULL
        );
        assert_eq!(lcs_session_index_id(ns, 0, &mut v), NULL);
        assert_eq!(lcs_session_index_id(session, 0, null_mut()), NULL);
        assert_eq!(lcs_session_job_metadata(ns, &mut presence), NULL);
        assert_eq!(lcs_session_job_metadata(session, null_mut()), NULL);
        assert_eq!(lcs_session_job_duration_ms(ns, &mut presence, &mut f), NULL);
        assert_eq!(
            lcs_session_job_duration_ms(session, &mut presence, null_mut()),
            NULL
        );
        assert_eq!(lcs_session_job_is_error(ns, &mut presence, &mut b), NULL);
        assert_eq!(
            lcs_session_job_total_input_tokens(ns, &mut presence, &mut n),
            NULL
        );
        assert_eq!(
            lcs_session_job_total_output_tokens(ns, &mut presence, &mut n),
            NULL
        );
        assert_eq!(lcs_session_job_turns(session, null_mut(), &mut n), NULL);
        assert_eq!(lcs_session_job_error(ns, &mut presence, &mut v), NULL);
        assert_eq!(
            lcs_session_job_export_config_ids(ns, &mut presence, &mut count),
            NULL
        );
        assert_eq!(lcs_session_job_export_config_id(ns, 0, &mut v), NULL);
        assert_eq!(
            lcs_session_shared_access(ns, &mut presence, &mut mode, &mut v),
            NULL
        );
        assert_eq!(
            lcs_session_shared_access(session, &mut presence, null_mut(), &mut v),
            NULL
        );
        assert_eq!(lcs_session_event_count(ns, &mut count), NULL);
        assert_eq!(lcs_session_event_count(session, null_mut()), NULL);
        assert_eq!(lcs_session_raw(ns, null_mut()), NULL);
        assert_eq!(lcs_session_events_raw(session, null_mut()), NULL);
        assert_eq!(lcs_session_unknown_fields(ns, null_mut()), NULL);

        let mut cursor = std::ptr::dangling_mut::<lcs_events>();
        assert_eq!(lcs_events_new(ns, &mut cursor), NULL);
        assert_eq!(lcs_events_new(session, null_mut()), NULL);
        assert_eq!(cursor, std::ptr::dangling_mut::<lcs_events>());
        assert_eq!(lcs_events_next(null_mut(), null_mut()), NULL);
        assert_eq!(lcs_events_remaining(null(), &mut count), NULL);
        let mut real = null_mut();
        assert_eq!(lcs_events_new(session, &mut real), lcs_result::LCS_OK);
        assert_eq!(lcs_events_next(real, null_mut()), NULL);
        assert_eq!(lcs_events_remaining(real, null_mut()), NULL);
        // The failed call did not consume an event.
        let mut remaining = 0;
        assert_eq!(
            lcs_events_remaining(real, &mut remaining),
            lcs_result::LCS_OK
        );
        assert_eq!(remaining, 11);
        lcs_events_free(real);

        let value = lcs_value {
            data: b"[1]".as_ptr().cast(),
            len: 3,
            kind: lcs_value_kind::LCS_VALUE_ARRAY,
        };
        let mut it = MaybeUninit::<lcs_value_iter>::uninit();
        let mut jv = MaybeUninit::<lcs_jstr>::uninit();
        let mut vv = MaybeUninit::<lcs_value>::uninit();
        assert_eq!(lcs_value_items(null(), it.as_mut_ptr()), NULL);
        assert_eq!(lcs_value_items(&value, null_mut()), NULL);
        assert_eq!(lcs_value_members(null(), it.as_mut_ptr()), NULL);
        assert_eq!(lcs_value_item_next(null_mut(), vv.as_mut_ptr()), NULL);
        assert_eq!(
            lcs_value_member_next(null_mut(), jv.as_mut_ptr(), vv.as_mut_ptr()),
            NULL
        );
        assert_eq!(lcs_value_items(&value, it.as_mut_ptr()), lcs_result::LCS_OK);
        assert_eq!(lcs_value_item_next(it.as_mut_ptr(), null_mut()), NULL);
        assert_eq!(lcs_value_count(null(), &mut count), NULL);
        assert_eq!(lcs_value_count(&value, null_mut()), NULL);
        assert_eq!(lcs_value_get(null(), null(), 0, vv.as_mut_ptr()), NULL);
        assert_eq!(lcs_value_get(&value, null(), 3, vv.as_mut_ptr()), NULL);
        assert_eq!(lcs_value_as_bool(null(), &mut b), NULL);
        assert_eq!(lcs_value_as_u64(&value, null_mut()), NULL);
        assert_eq!(lcs_value_as_i64(null(), null_mut()), NULL);
        assert_eq!(lcs_value_as_f64(null(), &mut f), NULL);
        assert_eq!(lcs_value_as_str(null(), jv.as_mut_ptr()), NULL);
        assert_eq!(lcs_value_number_text(null(), &mut v), NULL);
        // A NULL data pointer inside a view is a NULL argument too.
        let hollow = lcs_value {
            data: null(),
            len: 0,
            kind: lcs_value_kind::LCS_VALUE_OBJECT,
        };
        assert_eq!(lcs_value_count(&hollow, &mut count), NULL);

        let js = lcs_jstr {
            data: b"a\\nb".as_ptr().cast(),
            len: 4,
            escaped: true,
        };
        let mut buf = [0 as c_char; 8];
        let mut ji = MaybeUninit::<lcs_jstr_iter>::uninit();
        assert_eq!(lcs_jstr_decoded_len(null(), &mut count), NULL);
        assert_eq!(lcs_jstr_decoded_len(&js, null_mut()), NULL);
        assert_eq!(
            lcs_jstr_unescape(null(), buf.as_mut_ptr(), 8, &mut count),
            NULL
        );
        assert_eq!(lcs_jstr_unescape(&js, null_mut(), 8, &mut count), NULL);
        assert_eq!(
            lcs_jstr_unescape(&js, buf.as_mut_ptr(), 8, null_mut()),
            NULL
        );
        assert_eq!(lcs_jstr_equals(null(), null(), 0, &mut b), NULL);
        assert_eq!(lcs_jstr_equals(&js, null(), 1, &mut b), NULL);
        assert_eq!(lcs_jstr_equals(&js, null(), 0, null_mut()), NULL);
        assert_eq!(lcs_jstr_chunks(null(), ji.as_mut_ptr()), NULL);
        assert_eq!(lcs_jstr_chunks(&js, null_mut()), NULL);
        assert_eq!(lcs_jstr_chunk_next(null_mut(), &mut v), NULL);
        assert_eq!(buf, [0; 8]);
    }
    assert_eq!((v.len, count, n, f, b), (77, 77, 77, 77.0, true));
    assert_eq!(presence, lcs_presence::LCS_PRESENCE_PRESENT);
    assert_eq!(mode, lcs_shared_access::LCS_SHARED_ACCESS_OTHER);
}

#[test]
fn unescape_decodes_in_place_and_into_overlapping_buffers() {
    let text = br#"a\nb\u00e9\ud83d\ude00 tail"#;
    let want = "a\nbé😀 tail".as_bytes();
    // The buffer starts at the text, before it, inside it; it may also end inside it.
    for (pad, start, cap) in [
        (0, 0, text.len()),
        (0, 0, want.len()),
        (8, 0, text.len() + 8),
        (8, 3, want.len()),
        (0, 2, want.len()),
    ] {
        let mut mem = vec![b'#'; pad + text.len() + 16];
        mem[pad..pad + text.len()].copy_from_slice(text);
        let base = mem.as_mut_ptr();
        let js = lcs_jstr {
            // SAFETY (test): inside `mem`.
            data: unsafe { base.add(pad) }.cast_const().cast(),
            len: text.len(),
            escaped: true,
        };
        let mut written = 0;
        let r = unsafe { lcs_jstr_unescape(&js, base.add(start).cast(), cap, &mut written) };
        assert_eq!(r, lcs_result::LCS_OK, "pad {pad} start {start} cap {cap}");
        assert_eq!(written, want.len());
        assert_eq!(
            &mem[start..start + written],
            want,
            "pad {pad} start {start}"
        );
    }
}

#[test]
fn unescape_never_overflows_and_leaves_short_buffers_alone() {
    let js = lcs_jstr {
        data: br#"caf\u00e9 \ud83d\ude00"#.as_ptr().cast(),
        len: 22,
        escaped: true,
    };
    let want = "café 😀";
    let mut need = 0;
    unsafe {
        assert_eq!(lcs_jstr_decoded_len(&js, &mut need), lcs_result::LCS_OK);
        assert_eq!(need, want.len());
        let mut buf = [b'#' as c_char; 16];
        let mut written = 99;
        for cap in 0..need {
            assert_eq!(
                lcs_jstr_unescape(&js, buf.as_mut_ptr(), cap, &mut written),
                lcs_result::LCS_BUFFER_TOO_SMALL
            );
            assert!(
                buf.iter().all(|&c| c == b'#' as c_char),
                "short buffer written"
            );
            assert_eq!(written, 99);
        }
        assert_eq!(
            lcs_jstr_unescape(&js, buf.as_mut_ptr(), need, &mut written),
            lcs_result::LCS_OK
        );
        assert_eq!(written, need);
        let got: Vec<u8> = buf[..need].iter().map(|&c| c as u8).collect();
        assert_eq!(got, want.as_bytes());
        assert_eq!(buf[need], b'#' as c_char, "wrote past the decoded text");
        // Empty text fits in a NULL buffer of capacity 0.
        let empty = lcs_jstr {
            data: b"".as_ptr().cast(),
            len: 0,
            escaped: false,
        };
        assert_eq!(
            lcs_jstr_unescape(&empty, null_mut(), 0, &mut written),
            lcs_result::LCS_OK
        );
        assert_eq!(written, 0);
        let mut eq = false;
        assert_eq!(
            lcs_jstr_equals(&js, want.as_ptr().cast(), want.len(), &mut eq),
            lcs_result::LCS_OK
        );
        assert!(eq);
        assert_eq!(
            lcs_jstr_equals(&js, want.as_ptr().cast(), "café ".len(), &mut eq),
            lcs_result::LCS_OK
        );
        assert!(!eq);
        assert_eq!(
            lcs_jstr_equals(&empty, null(), 0, &mut eq),
            lcs_result::LCS_OK
        );
        assert!(eq);
    }
    assert_eq!(chunks(&js), want);
}

#[test]
fn forged_views_are_refused_not_trusted() {
    // Views the caller builds over text that is not valid JSON: answers may be meaningless,
    // but nothing reads out of bounds, loops or panics.
    let garbage: [&[u8]; 12] = [
        b"{",
        b"[",
        b"{\"a\"",
        b"{\"a\":",
        b"[1,",
        b"\"abc",
        b"{]",
        b"[}",
        b"-",
        b"{\"a\":[}",
        b"\"\\",
        b"{\"\\",
    ];
    let mut it = MaybeUninit::<lcs_value_iter>::uninit();
    let mut key = MaybeUninit::<lcs_jstr>::uninit();
    let mut val = MaybeUninit::<lcs_value>::uninit();
    let mut count = 0;
    for g in garbage {
        let v = lcs_value {
            data: g.as_ptr().cast(),
            len: g.len(),
            kind: lcs_value_kind::LCS_VALUE_OBJECT,
        };
        unsafe {
            let _ = lcs_value_count(&v, &mut count);
            let _ = lcs_value_get(&v, b"a".as_ptr().cast(), 1, val.as_mut_ptr());
            let mut u = 0;
            let _ = lcs_value_as_u64(&v, &mut u);
            let mut f = 0.0;
            let _ = lcs_value_as_f64(&v, &mut f);
            let mut js = MaybeUninit::<lcs_jstr>::uninit();
            if lcs_value_as_str(&v, js.as_mut_ptr()) == lcs_result::LCS_OK {
                let mut n = 0;
                let _ = lcs_jstr_decoded_len(js.as_ptr(), &mut n);
            }
            for start in [lcs_value_members, lcs_value_items] {
                if start(&v, it.as_mut_ptr()) == lcs_result::LCS_OK {
                    let mut steps = 0;
                    while lcs_value_member_next(it.as_mut_ptr(), key.as_mut_ptr(), val.as_mut_ptr())
                        == lcs_result::LCS_OK
                        || lcs_value_item_next(it.as_mut_ptr(), val.as_mut_ptr())
                            == lcs_result::LCS_OK
                    {
                        steps += 1;
                        assert!(steps < 10);
                    }
                }
            }
        }
    }
    // A non-number is not read as one; a number-looking forgery is refused.
    let forged = lcs_value {
        data: b"12abc".as_ptr().cast(),
        len: 5,
        kind: lcs_value_kind::LCS_VALUE_NUMBER,
    };
    let mut u = 3;
    assert_eq!(
        unsafe { lcs_value_as_u64(&forged, &mut u) },
        lcs_result::LCS_INVALID_ARGUMENT
    );
    assert_eq!(u, 3);
    // Malformed escapes in a forged string.
    let bad = lcs_jstr {
        data: br"ab\u12".as_ptr().cast(),
        len: 6,
        escaped: true,
    };
    let mut n = 5;
    assert_eq!(
        unsafe { lcs_jstr_decoded_len(&bad, &mut n) },
        lcs_result::LCS_INVALID_ARGUMENT
    );
    assert_eq!(n, 5);
    let mut ji = MaybeUninit::<lcs_jstr_iter>::uninit();
    let mut chunk = lcs_str {
        data: null(),
        len: 0,
    };
    unsafe {
        assert_eq!(lcs_jstr_chunks(&bad, ji.as_mut_ptr()), lcs_result::LCS_OK);
        assert_eq!(
            lcs_jstr_chunk_next(ji.as_mut_ptr(), &mut chunk),
            lcs_result::LCS_OK
        );
        assert_eq!(s(chunk), "ab");
        assert_eq!(
            lcs_jstr_chunk_next(ji.as_mut_ptr(), &mut chunk),
            lcs_result::LCS_INVALID_ARGUMENT
        );
        assert_eq!(
            lcs_jstr_chunk_next(ji.as_mut_ptr(), &mut chunk),
            lcs_result::LCS_END
        );
    }
}

#[test]
fn scalar_conversions() {
    let cases: [(&[u8], lcs_result, u64); 7] = [
        (b"18446744073709551615", lcs_result::LCS_OK, u64::MAX),
        (
            b"18446744073709551616",
            lcs_result::LCS_NUMBER_OUT_OF_RANGE,
            0,
        ),
        (b"-0", lcs_result::LCS_OK, 0),
        (b"-1", lcs_result::LCS_NUMBER_OUT_OF_RANGE, 0),
        (b"1.5", lcs_result::LCS_NOT_AN_INTEGER, 0),
        (b"1e3", lcs_result::LCS_NOT_AN_INTEGER, 0),
        (b"\"7\"", lcs_result::LCS_WRONG_KIND, 0),
    ];
    for (t, want, value) in cases {
        let v = lcs_value {
            data: t.as_ptr().cast(),
            len: t.len(),
            kind: lcs_value_kind::LCS_VALUE_NUMBER,
        };
        let mut u = 0;
        assert_eq!(
            unsafe { lcs_value_as_u64(&v, &mut u) },
            want,
            "{}",
            String::from_utf8_lossy(t)
        );
        assert_eq!(u, value);
    }
    let v = lcs_value {
        data: b"-9223372036854775808".as_ptr().cast(),
        len: 20,
        kind: lcs_value_kind::LCS_VALUE_NUMBER,
    };
    let mut i = 0;
    assert_eq!(unsafe { lcs_value_as_i64(&v, &mut i) }, lcs_result::LCS_OK);
    assert_eq!(i, i64::MIN);
    let v = lcs_value {
        data: b"1e400".as_ptr().cast(),
        len: 5,
        kind: lcs_value_kind::LCS_VALUE_NUMBER,
    };
    let mut f = 0.0;
    assert_eq!(
        unsafe { lcs_value_as_f64(&v, &mut f) },
        lcs_result::LCS_NUMBER_OUT_OF_RANGE
    );
    let v = lcs_value {
        data: b"null".as_ptr().cast(),
        len: 4,
        kind: lcs_value_kind::LCS_VALUE_NULL,
    };
    let mut b = true;
    assert_eq!(
        unsafe { lcs_value_as_bool(&v, &mut b) },
        lcs_result::LCS_WRONG_KIND
    );
    let mut it = MaybeUninit::<lcs_value_iter>::uninit();
    assert_eq!(
        unsafe { lcs_value_members(&v, it.as_mut_ptr()) },
        lcs_result::LCS_WRONG_KIND
    );
    assert_eq!(
        unsafe { lcs_value_get(&v, null(), 0, null_mut()) },
        lcs_result::LCS_NULL_ARGUMENT
    );
    let obj = br#"{"a":1,"a":2,"":3}"#;
    let v = lcs_value {
        data: obj.as_ptr().cast(),
        len: obj.len(),
        kind: lcs_value_kind::LCS_VALUE_OBJECT,
    };
    let mut out = MaybeUninit::<lcs_value>::uninit();
    assert_eq!(
        unsafe { lcs_value_get(&v, b"a".as_ptr().cast(), 1, out.as_mut_ptr()) },
        lcs_result::LCS_OK
    );
    assert_eq!(text(&unsafe { out.assume_init() }), "1");
    assert_eq!(
        unsafe { lcs_value_get(&v, null(), 0, out.as_mut_ptr()) },
        lcs_result::LCS_OK
    );
    assert_eq!(text(&unsafe { out.assume_init() }), "3");
    assert_eq!(
        unsafe { lcs_value_get(&v, b"b".as_ptr().cast(), 1, out.as_mut_ptr()) },
        lcs_result::LCS_NOT_FOUND
    );
}

#[test]
fn garbage_and_truncations_never_crash() {
    // Every prefix of the document (a stride under Miri, which is slow) and byte noise.
    let doc = doc();
    let stride = if cfg!(miri) { 61 } else { 1 };
    let mut failures = 0;
    for end in (0..doc.trim_ascii_end().len()).step_by(stride) {
        let input = &doc[..end];
        let e = parse(input)
            .err()
            .unwrap_or_else(|| panic!("prefix of {end} bytes parsed"));
        let core = lcsession_core::parse(input).unwrap_err();
        assert_eq!(e.offset, core.offset());
        assert_eq!((e.line, e.column), core.line_column(input));
        assert_eq!(e.code, lcs_result::from_kind(core.kind()));
        assert!(!message(&e).is_empty());
        failures += 1;
    }
    assert!(failures > 0);
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let rounds = if cfg!(miri) { 8 } else { 2000 };
    for _ in 0..rounds {
        let mut doc = doc.to_vec();
        for _ in 0..3 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = (seed as usize) % doc.len();
            doc[at] = (seed >> 32) as u8;
        }
        match parse(&doc) {
            Ok(p) => drop(events(&p)),
            Err(e) => assert!(e.code.is_syntax() || e.code.is_schema(), "{:?}", e.code),
        }
    }
}

#[test]
fn every_result_has_a_distinct_message() {
    let mut seen = std::collections::HashSet::new();
    for code in 0..400u32 {
        let msg = unsafe { CStr::from_ptr(lcs_result_message(code)) }
            .to_str()
            .unwrap();
        assert!(!msg.is_empty());
        match lcs_result::from_u32(code) {
            Some(r) => {
                assert_eq!(r as u32, code);
                assert_ne!(msg, "unknown result code", "{r:?}");
                assert!(seen.insert(msg), "{r:?} repeats {msg:?}");
            }
            None => assert_eq!(msg, "unknown result code"),
        }
    }
    assert_eq!(seen.len(), lcs_result::all().len());
    assert_eq!(
        unsafe { CStr::from_ptr(lcs_result_message(u32::MAX)) }
            .to_str()
            .unwrap(),
        "unknown result code"
    );
    for (n, name) in (0..12).map(|n| (n, unsafe { CStr::from_ptr(lcs_event_type_name(n)) })) {
        let name = name.to_str().unwrap();
        match n {
            1..=10 => assert_ne!(name, "invalid event type"),
            _ => assert_eq!(name, "invalid event type"),
        }
    }
}

#[test]
fn version_matches_cargo_toml() {
    let v = unsafe { CStr::from_ptr(lcs_version()) }.to_str().unwrap();
    assert_eq!(v, env!("CARGO_PKG_VERSION"));
    assert_eq!(
        LCS_VERSION_MAJOR.to_string(),
        env!("CARGO_PKG_VERSION_MAJOR")
    );
    assert_eq!(
        LCS_VERSION_MINOR.to_string(),
        env!("CARGO_PKG_VERSION_MINOR")
    );
    assert_eq!(
        LCS_VERSION_PATCH.to_string(),
        env!("CARGO_PKG_VERSION_PATCH")
    );
}

#[test]
fn sessions_are_shared_across_threads() {
    struct Shared(*mut lcs_session);
    unsafe impl Send for Shared {}
    unsafe impl Sync for Shared {}
    let p = sample();
    let shared = Shared(p.0);
    let shared = &shared;
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(move || {
                let mut cursor = null_mut();
                assert_eq!(
                    unsafe { lcs_events_new(shared.0, &mut cursor) },
                    lcs_result::LCS_OK
                );
                let mut ev = MaybeUninit::<lcs_event>::uninit();
                let mut n = 0;
                while unsafe { lcs_events_next(cursor, ev.as_mut_ptr()) } == lcs_result::LCS_OK {
                    n += 1;
                }
                unsafe { lcs_events_free(cursor) };
                assert_eq!(n, lcsession_core::parse(doc()).unwrap().event_count());
            });
        }
    });
}

#[test]
fn views_outlive_the_cursor_and_header_views_live_with_the_session() {
    let p = parse(MINI).unwrap();
    let evs = events(&p); // the cursor is freed inside
    assert_eq!(unescape(&evs[0].content), "Q3 \"risk\"\n?");
    assert_eq!(chunks(&evs[2].content), "café 😀");
    let mut id = lcs_str {
        data: null(),
        len: 0,
    };
    assert_eq!(unsafe { lcs_session_id(p.0, &mut id) }, lcs_result::LCS_OK);
    assert_eq!(s(id), "s-1");
}

/// The tokens the core's walkers imply for `v`, as (kind, depth, key, text).
fn core_tokens(
    v: RawValue<'_>,
    depth: u32,
    key: Option<String>,
    out: &mut Vec<(lcs_token_kind, u32, Option<String>, String)>,
) {
    use lcs_token_kind::*;
    let text = v.as_raw_str().to_owned();
    match v.kind() {
        ValueKind::Object => {
            out.push((LCS_TOKEN_BEGIN_OBJECT, depth, key, "{".into()));
            for (k, child) in v.members() {
                core_tokens(child, depth + 1, Some(k.raw().to_owned()), out);
            }
            out.push((LCS_TOKEN_END_OBJECT, depth, None, "}".into()));
        }
        ValueKind::Array => {
            out.push((LCS_TOKEN_BEGIN_ARRAY, depth, key, "[".into()));
            for child in v.items() {
                core_tokens(child, depth + 1, None, out);
            }
            out.push((LCS_TOKEN_END_ARRAY, depth, None, "]".into()));
        }
        ValueKind::String => out.push((LCS_TOKEN_STRING, depth, key, text)),
        ValueKind::Number => out.push((LCS_TOKEN_NUMBER, depth, key, text)),
        ValueKind::Bool => out.push((LCS_TOKEN_BOOL, depth, key, text)),
        ValueKind::Null => out.push((LCS_TOKEN_NULL, depth, key, text)),
    }
}

/// The token stream of `v` through the C API.
fn ffi_tokens(v: &lcs_value) -> Vec<(lcs_token_kind, u32, Option<String>, String)> {
    let mut it = MaybeUninit::<lcs_token_iter>::uninit();
    assert_eq!(
        unsafe { lcs_value_tokens(v, it.as_mut_ptr()) },
        lcs_result::LCS_OK
    );
    let mut it = unsafe { it.assume_init() };
    let mut tok = MaybeUninit::<lcs_token>::uninit();
    let mut out = Vec::new();
    loop {
        match unsafe { lcs_token_next(&mut it, tok.as_mut_ptr()) } {
            lcs_result::LCS_OK => {
                let t = unsafe { tok.assume_init() };
                let key = t.has_key.then(|| raw(t.key).to_owned());
                out.push((t.kind, t.depth, key, text(&t.value).to_owned()));
                // Scalars can be read with the value functions.
                if t.kind == lcs_token_kind::LCS_TOKEN_NUMBER {
                    let mut f = 0.0;
                    assert_eq!(
                        unsafe { lcs_value_as_f64(&t.value, &mut f) },
                        lcs_result::LCS_OK
                    );
                }
            }
            lcs_result::LCS_END => break,
            other => panic!("token_next: {other:?}"),
        }
    }
    assert_eq!(
        unsafe { lcs_token_next(&mut it, tok.as_mut_ptr()) },
        lcs_result::LCS_END
    );
    out
}

#[test]
fn token_streams_match_the_core_walk() {
    let p = sample();
    let core = lcsession_core::parse(doc()).unwrap();
    let mut n = 0;
    for (ev, want) in events(&p).iter().zip(core.events()) {
        let mut expected = Vec::new();
        core_tokens(want.raw, 0, None, &mut expected);
        assert_eq!(ffi_tokens(&ev.raw), expected, "event {}", ev.index);
        n += expected.len();
    }
    assert!(n > 50);
    let mut rv = MaybeUninit::<lcs_value>::uninit();
    assert_eq!(
        unsafe { lcs_session_raw(p.0, rv.as_mut_ptr()) },
        lcs_result::LCS_OK
    );
    let mut expected = Vec::new();
    core_tokens(core.raw(), 0, None, &mut expected);
    assert_eq!(ffi_tokens(&unsafe { rv.assume_init() }), expected);
    // A scalar is a stream of one token; an empty view is refused.
    let one = lcs_value {
        data: b"42".as_ptr().cast(),
        len: 2,
        kind: lcs_value_kind::LCS_VALUE_NUMBER,
    };
    assert_eq!(ffi_tokens(&one).len(), 1);
    let none = lcs_value {
        data: b"".as_ptr().cast(),
        len: 0,
        kind: lcs_value_kind::LCS_VALUE_NONE,
    };
    let mut it = MaybeUninit::<lcs_token_iter>::uninit();
    assert_eq!(
        unsafe { lcs_value_tokens(&none, it.as_mut_ptr()) },
        lcs_result::LCS_WRONG_KIND
    );
    assert_eq!(
        unsafe { lcs_value_tokens(null(), it.as_mut_ptr()) },
        lcs_result::LCS_NULL_ARGUMENT
    );
    assert_eq!(
        unsafe { lcs_value_tokens(&one, null_mut()) },
        lcs_result::LCS_NULL_ARGUMENT
    );
    assert_eq!(
        unsafe { lcs_token_next(null_mut(), null_mut()) },
        lcs_result::LCS_NULL_ARGUMENT
    );
}

/// Collects visited events (index, type, raw text) into a `Vec` passed as user data.
unsafe extern "C" fn collect(user: *mut std::ffi::c_void, ev: *const lcs_event) {
    let seen = unsafe { &mut *user.cast::<Vec<(usize, lcs_event_type, String)>>() };
    let ev = unsafe { &*ev };
    seen.push((ev.index, ev.r#type, text(&ev.raw).to_owned()));
}

#[test]
fn one_pass_visiting_sees_what_the_cursor_sees() {
    let mut seen: Vec<(usize, lcs_event_type, String)> = Vec::new();
    let mut session = null_mut();
    let mut err = MaybeUninit::<lcs_parse_error>::uninit();
    let user = (&raw mut seen).cast::<std::ffi::c_void>();
    let doc = doc();
    let r = unsafe {
        lcs_session_parse_visiting(
            doc.as_ptr(),
            doc.len(),
            0,
            Some(collect),
            user,
            &mut session,
            err.as_mut_ptr(),
        )
    };
    assert_eq!(r, lcs_result::LCS_OK);
    let p = Parsed(session);
    let want: Vec<(usize, lcs_event_type, String)> = events(&p)
        .iter()
        .map(|e| (e.index, e.r#type, text(&e.raw).to_owned()))
        .collect();
    assert_eq!(seen, want);
    assert!(!seen.is_empty());

    // An invalid document: no session, the error, and the events before it were seen.
    let bad = br#"{"events":[{"type":"text","content":"a"},{"type":"text"}],"session_id":"s","last_updated_at":"t"}"#;
    seen.clear();
    let mut session = std::ptr::dangling_mut::<lcs_session>();
    let r = unsafe {
        lcs_session_parse_visiting(
            bad.as_ptr(),
            bad.len(),
            0,
            Some(collect),
            user,
            &mut session,
            err.as_mut_ptr(),
        )
    };
    assert_eq!(r, lcs_result::LCS_MISSING_FIELD);
    assert_eq!(session, std::ptr::dangling_mut::<lcs_session>());
    let err = unsafe { err.assume_init() };
    assert_eq!((err.has_event, err.event), (true, 1));
    assert_eq!(seen.len(), 1);
    // NULL visitor or buffer.
    let mut out = null_mut();
    assert_eq!(
        unsafe {
            lcs_session_parse_visiting(
                doc.as_ptr(),
                doc.len(),
                0,
                None,
                null_mut(),
                &mut out,
                null_mut(),
            )
        },
        lcs_result::LCS_NULL_ARGUMENT
    );
    assert_eq!(
        unsafe {
            lcs_session_parse_visiting(null(), 0, 0, Some(collect), user, &mut out, null_mut())
        },
        lcs_result::LCS_NULL_ARGUMENT
    );
    assert!(out.is_null());
}

#[test]
fn text_arguments_that_are_not_utf8_are_invalid_arguments() {
    // The header's convention: text that is not UTF-8 is LCS_INVALID_ARGUMENT (it used to
    // compare, or be looked up, as raw bytes).
    let doc = br#"{"caf\u00e9":1,"a":2}"#;
    let value = lcs_value {
        data: doc.as_ptr().cast(),
        len: doc.len(),
        kind: lcs_value_kind::LCS_VALUE_OBJECT,
    };
    let js = lcs_jstr {
        data: b"caf\xc3\xa9".as_ptr().cast(),
        len: 5,
        escaped: false,
    };
    for bad in [&b"caf\xc3"[..], b"\xff", b"caf\xe9", b"a\xed\xa0\x80"] {
        let mut eq = true;
        // SAFETY: every pointer is valid for its length.
        unsafe {
            assert_eq!(
                lcs_jstr_equals(&js, bad.as_ptr().cast(), bad.len(), &mut eq),
                lcs_result::LCS_INVALID_ARGUMENT,
                "{bad:?}"
            );
            assert!(eq, "out_equal untouched");
            let mut got = MaybeUninit::<lcs_value>::uninit();
            assert_eq!(
                lcs_value_get(&value, bad.as_ptr().cast(), bad.len(), got.as_mut_ptr()),
                lcs_result::LCS_INVALID_ARGUMENT,
                "{bad:?}"
            );
        }
    }
    // The same text as UTF-8 is found.
    let mut eq = false;
    let mut got = MaybeUninit::<lcs_value>::uninit();
    // SAFETY: as above.
    unsafe {
        assert_eq!(
            lcs_jstr_equals(&js, "café".as_ptr().cast(), 5, &mut eq),
            lcs_result::LCS_OK
        );
        assert!(eq);
        assert_eq!(
            lcs_value_get(&value, "café".as_ptr().cast(), 5, got.as_mut_ptr()),
            lcs_result::LCS_OK
        );
    }
}
