//! The C ABI (`lcs_*`, crate `lcsession`), called exactly as C would call it:
//! `lcs_session_parse` (and `_with_max_depth`), every header accessor, the event cursor,
//! every `lcs_jstr` through `decoded_len`/`unescape`/`chunks`/`equals`, every `lcs_value`
//! walked through `members`/`items`/`get`/`count`/`as_*`, and the unknown-field iterator.
//! Results must agree with lcsession-core, and no call may return `LCS_PANIC` (a panic
//! caught at the boundary is still a bug).
//!
//! The functions also accept views the caller builds: the input's bytes are used as an
//! `lcs_jstr` and an `lcs_value` directly, which must give answers or
//! `LCS_INVALID_ARGUMENT`, never a crash or a hang.
#![no_main]

use std::ptr;

use lcsession::*;
use libfuzzer_sys::fuzz_target;

const OK: lcs_result = lcs_result::LCS_OK;
const END: lcs_result = lcs_result::LCS_END;

fn no_panic(r: lcs_result) -> lcs_result {
    assert_ne!(
        r,
        lcs_result::LCS_PANIC,
        "a panic was caught at the C boundary"
    );
    r
}

/// Decodes a string view through every function; `None` when the view is malformed.
fn jstr(s: &lcs_jstr) -> Option<Vec<u8>> {
    let mut len = 0usize;
    // SAFETY (all calls in this file): every pointer is to a live local, and every view
    // points into `data`, which outlives the calls.
    let r = no_panic(unsafe { lcs_jstr_decoded_len(s, &mut len) });
    if r != OK {
        assert_eq!(r, lcs_result::LCS_INVALID_ARGUMENT);
        let mut out = 0usize;
        let mut buf = [0u8; 8];
        let r2 = no_panic(unsafe { lcs_jstr_unescape(s, buf.as_mut_ptr().cast(), 8, &mut out) });
        assert!(r2 == lcs_result::LCS_INVALID_ARGUMENT || r2 == lcs_result::LCS_BUFFER_TOO_SMALL);
        return None;
    }
    let mut buf = vec![0u8; len];
    let mut out = usize::MAX;
    let r = no_panic(unsafe { lcs_jstr_unescape(s, buf.as_mut_ptr().cast(), len, &mut out) });
    assert_eq!(r, OK);
    assert_eq!(out, len);
    // Bytes outside escapes pass through as they are: UTF-8 in, UTF-8 out. (A caller-built
    // view over other bytes gets them back unchanged, not an error.)
    let view = unsafe { std::slice::from_raw_parts(s.data.cast::<u8>(), s.len) };
    if std::str::from_utf8(view).is_ok() {
        assert!(
            std::str::from_utf8(&buf).is_ok(),
            "unescaped text is not UTF-8"
        );
    }
    if len > 0 {
        let mut small = vec![0u8; len - 1];
        let mut untouched = 7usize;
        let r = no_panic(unsafe {
            lcs_jstr_unescape(s, small.as_mut_ptr().cast(), len - 1, &mut untouched)
        });
        assert_eq!(r, lcs_result::LCS_BUFFER_TOO_SMALL);
        assert_eq!(untouched, 7, "out_len written on failure");
    }
    // Chunks concatenate to the same text.
    let mut it = lcs_jstr_iter {
        _rest: ptr::null(),
        _rest_len: 0,
        _char: [0; 4],
    };
    assert_eq!(no_panic(unsafe { lcs_jstr_chunks(s, &mut it) }), OK);
    let mut joined = Vec::new();
    let mut chunk = lcs_str {
        data: ptr::null(),
        len: 0,
    };
    for _ in 0..=s.len + 1 {
        match no_panic(unsafe { lcs_jstr_chunk_next(&mut it, &mut chunk) }) {
            OK => joined.extend_from_slice(unsafe {
                std::slice::from_raw_parts(chunk.data.cast::<u8>(), chunk.len)
            }),
            END => break,
            other => panic!("chunk_next: {other:?} after decoded_len succeeded"),
        }
    }
    assert_eq!(joined, buf, "chunks differ from unescape");
    let mut eq = false;
    let r = no_panic(unsafe { lcs_jstr_equals(s, buf.as_ptr().cast(), buf.len(), &mut eq) });
    if std::str::from_utf8(&buf).is_err() {
        // A caller-built view over other bytes: text that is not UTF-8 is refused as an
        // argument, whatever the view holds.
        assert_eq!(
            r,
            lcs_result::LCS_INVALID_ARGUMENT,
            "equals takes non-UTF-8 text"
        );
        return Some(buf);
    }
    assert!(r == OK && eq, "equals(self) is false");
    buf.push(b'x');
    let r = no_panic(unsafe { lcs_jstr_equals(s, buf.as_ptr().cast(), buf.len(), &mut eq) });
    assert!(r == OK && !eq, "equals(self + x) is true");
    buf.pop();
    Some(buf)
}

/// Walks a value through the C ABI. `valid`: the view came from a parse (so every call must
/// succeed); otherwise it is arbitrary text and only crashes and hangs are bugs.
fn value(v: &lcs_value, valid: bool, depth: usize) {
    if depth > 300 {
        return;
    }
    let mut b = false;
    let mut u = 0u64;
    let mut i = 0i64;
    let mut f = 0f64;
    let mut s = lcs_str {
        data: ptr::null(),
        len: 0,
    };
    no_panic(unsafe { lcs_value_as_bool(v, &mut b) });
    no_panic(unsafe { lcs_value_as_u64(v, &mut u) });
    no_panic(unsafe { lcs_value_as_i64(v, &mut i) });
    let rf = no_panic(unsafe { lcs_value_as_f64(v, &mut f) });
    if rf == OK {
        assert!(f.is_finite());
    }
    no_panic(unsafe { lcs_value_number_text(v, &mut s) });
    let mut js = lcs_jstr {
        data: ptr::null(),
        len: 0,
        escaped: false,
    };
    if no_panic(unsafe { lcs_value_as_str(v, &mut js) }) == OK {
        let decoded = jstr(&js);
        if valid {
            assert!(decoded.is_some(), "a parsed string does not decode");
        }
    }
    let mut count = usize::MAX;
    let rc = no_panic(unsafe { lcs_value_count(v, &mut count) });
    let mut it = lcs_value_iter {
        _data: ptr::null(),
        _len: 0,
        _pos: 0,
        _mode: 0,
    };
    let limit = v.len + 2;
    if no_panic(unsafe { lcs_value_members(v, &mut it) }) == OK {
        let mut key = js;
        let mut item = *v;
        let mut n = 0;
        loop {
            match no_panic(unsafe { lcs_value_member_next(&mut it, &mut key, &mut item) }) {
                OK => {}
                END => break,
                other => {
                    assert!(!valid, "member_next: {other:?} on a parsed value");
                    break;
                }
            }
            n += 1;
            assert!(n <= limit, "member iteration does not end");
            if let Some(k) = jstr(&key) {
                let mut found = *v;
                let r =
                    no_panic(unsafe { lcs_value_get(v, k.as_ptr().cast(), k.len(), &mut found) });
                if valid {
                    assert_eq!(r, OK, "get misses a key the iterator returned");
                } else if std::str::from_utf8(&k).is_err() {
                    assert_eq!(
                        r,
                        lcs_result::LCS_INVALID_ARGUMENT,
                        "get takes a non-UTF-8 key"
                    );
                }
            } else {
                assert!(!valid, "a parsed key does not decode");
            }
            value(&item, valid, depth + 1);
        }
        if valid {
            assert_eq!((rc, count), (OK, n), "count differs from the members");
        }
    }
    if no_panic(unsafe { lcs_value_items(v, &mut it) }) == OK {
        let mut item = *v;
        let mut n = 0;
        loop {
            match no_panic(unsafe { lcs_value_item_next(&mut it, &mut item) }) {
                OK => {}
                END => break,
                other => {
                    assert!(!valid, "item_next: {other:?} on a parsed value");
                    break;
                }
            }
            n += 1;
            assert!(n <= limit, "item iteration does not end");
            value(&item, valid, depth + 1);
        }
        if valid {
            assert_eq!((rc, count), (OK, n), "count differs from the items");
        }
    }
}

fn header(session: *const lcs_session) {
    let mut s = lcs_str {
        data: ptr::null(),
        len: 0,
    };
    let mut p = lcs_presence::LCS_PRESENCE_MISSING;
    let mut n = 0usize;
    let mut u = 0u64;
    let mut f = 0f64;
    let mut b = false;
    let mut mode = lcs_shared_access::LCS_SHARED_ACCESS_QUERY;
    unsafe {
        assert_eq!(no_panic(lcs_session_id(session, &mut s)), OK);
        assert_eq!(no_panic(lcs_session_last_updated_at(session, &mut s)), OK);
        assert_eq!(
            no_panic(lcs_session_generated_title(session, &mut p, &mut s)),
            OK
        );
        assert_eq!(no_panic(lcs_session_index_ids(session, &mut p, &mut n)), OK);
        let ids = if p == lcs_presence::LCS_PRESENCE_PRESENT {
            n
        } else {
            0
        };
        for i in 0..=ids {
            let r = no_panic(lcs_session_index_id(session, i, &mut s));
            assert_eq!(r == OK, i < ids);
        }
        assert_eq!(no_panic(lcs_session_job_metadata(session, &mut p)), OK);
        assert_eq!(
            no_panic(lcs_session_job_duration_ms(session, &mut p, &mut f)),
            OK
        );
        assert_eq!(
            no_panic(lcs_session_job_is_error(session, &mut p, &mut b)),
            OK
        );
        assert_eq!(
            no_panic(lcs_session_job_total_input_tokens(session, &mut p, &mut u)),
            OK
        );
        assert_eq!(
            no_panic(lcs_session_job_total_output_tokens(session, &mut p, &mut u)),
            OK
        );
        assert_eq!(no_panic(lcs_session_job_turns(session, &mut p, &mut u)), OK);
        assert_eq!(no_panic(lcs_session_job_error(session, &mut p, &mut s)), OK);
        assert_eq!(
            no_panic(lcs_session_job_export_config_ids(session, &mut p, &mut n)),
            OK
        );
        let ids = if p == lcs_presence::LCS_PRESENCE_PRESENT {
            n
        } else {
            0
        };
        for i in 0..=ids {
            let r = no_panic(lcs_session_job_export_config_id(session, i, &mut s));
            assert_eq!(r == OK, i < ids);
        }
        assert_eq!(
            no_panic(lcs_session_shared_access(
                session, &mut p, &mut mode, &mut s
            )),
            OK
        );
    }
}

fn session(data: &[u8], max_depth: u32) {
    // With the C API's header capacities (not the Rust defaults), so both fail alike.
    type CSession<'a> =
        lcsession_core::Session<'a, LCS_ID_CAPACITY, LCS_TEXT_CAPACITY, LCS_LIST_CAPACITY>;
    let core: Result<CSession<'_>, _> = lcsession_core::Session::parse_with(
        data,
        lcsession_core::ParseOptions {
            max_depth: match max_depth {
                0 => lcsession_core::DEFAULT_MAX_DEPTH,
                d => d.min(256) as u16,
            },
        },
    );
    let mut session: *mut lcs_session = ptr::null_mut();
    // Filled only on failure: start from a recognisable state.
    let mut err: lcs_parse_error = unsafe { std::mem::zeroed() };
    let r = no_panic(unsafe {
        lcs_session_parse_with_max_depth(
            data.as_ptr(),
            data.len(),
            max_depth,
            &mut session,
            &mut err,
        )
    });
    let core = match (r, core) {
        (OK, Ok(core)) => core,
        (OK, Err(e)) => panic!("C accepts what core rejects: {e}"),
        (code, Ok(_)) => panic!("C rejects ({code:?}) what core accepts"),
        (code, Err(e)) => {
            assert!(session.is_null(), "out_session written on failure");
            assert_eq!(err.code, code);
            assert_eq!(err.offset, e.offset());
            assert_eq!((err.line, err.column), e.line_column(data));
            assert!(
                lcs_result_is_syntax_error(code as u32) || lcs_result_is_schema_error(code as u32)
            );
            assert_eq!(lcs_result_is_syntax_error(code as u32), e.is_syntax());
            let msg = unsafe { std::ffi::CStr::from_ptr(err.message.as_ptr()) };
            assert!(!msg.to_bytes().is_empty());
            return;
        }
    };
    assert!(!session.is_null());
    header(session);
    let mut count = 0usize;
    assert_eq!(
        no_panic(unsafe { lcs_session_event_count(session, &mut count) }),
        OK
    );
    assert_eq!(count, core.event_count());
    let mut raw: lcs_value = unsafe { std::mem::zeroed() };
    assert_eq!(no_panic(unsafe { lcs_session_raw(session, &mut raw) }), OK);
    assert_eq!(
        no_panic(unsafe { lcs_session_events_raw(session, &mut raw) }),
        OK
    );

    let mut events: *mut lcs_events = ptr::null_mut();
    assert_eq!(
        no_panic(unsafe { lcs_events_new(session, &mut events) }),
        OK
    );
    // Not zeroed: 0 is not a valid `lcs_event_type`.
    let mut slot = std::mem::MaybeUninit::<lcs_event>::uninit();
    let mut core_events = core.events();
    loop {
        let r = no_panic(unsafe { lcs_events_next(events, slot.as_mut_ptr()) });
        let want = core_events.next();
        if r == END {
            assert!(want.is_none(), "the cursor ended early");
            break;
        }
        assert_eq!(r, OK);
        // SAFETY: written by lcs_events_next, which returned LCS_OK.
        let ev = unsafe { slot.assume_init_ref() };
        let want = want.expect("the cursor returned more events than core");
        assert_eq!(ev.index, want.index);
        assert_eq!(ev.inferred, want.inferred);
        for s in [
            &ev.type_name,
            &ev.content,
            &ev.call_id,
            &ev.name,
            &ev.attachment_name,
            &ev.source_id,
            &ev.error_message,
        ] {
            assert!(jstr(s).is_some(), "an event string does not decode");
        }
        if let Some(content) = want.content() {
            assert_eq!(jstr(&ev.content), Some(content.to_string().into_bytes()));
        }
        for v in [
            &ev.arguments,
            &ev.result,
            &ev.usage.raw,
            &ev.skipped_index_ids_value,
            &ev.raw,
        ] {
            if v.len > 0 {
                value(v, true, 0);
            }
        }
    }
    let mut remaining = 1usize;
    assert_eq!(
        no_panic(unsafe { lcs_events_remaining(events, &mut remaining) }),
        OK
    );
    assert_eq!(remaining, 0);
    assert_eq!(
        no_panic(unsafe { lcs_events_next(events, slot.as_mut_ptr()) }),
        END
    );
    unsafe { lcs_events_free(events) };

    let mut it: lcs_value_iter = unsafe { std::mem::zeroed() };
    assert_eq!(
        no_panic(unsafe { lcs_session_unknown_fields(session, &mut it) }),
        OK
    );
    let mut key: lcs_jstr = unsafe { std::mem::zeroed() };
    let mut n = 0;
    loop {
        match no_panic(unsafe { lcs_value_member_next(&mut it, &mut key, &mut raw) }) {
            OK => {
                assert!(jstr(&key).is_some());
                value(&raw, true, 0);
                n += 1;
            }
            END => break,
            other => panic!("unknown fields: {other:?}"),
        }
    }
    assert_eq!(n, core.unknown_fields().count());
    unsafe { lcs_session_free(session) };
}

fuzz_target!(|data: &[u8]| {
    session(data, 0);
    session(data, 5);

    // Views the caller builds over arbitrary bytes.
    let view = lcs_jstr {
        data: data.as_ptr().cast(),
        len: data.len(),
        escaped: data.contains(&b'\\'),
    };
    let _ = jstr(&view);
    let kind = match data.first() {
        Some(b'{') => lcs_value_kind::LCS_VALUE_OBJECT,
        Some(b'[') => lcs_value_kind::LCS_VALUE_ARRAY,
        Some(b'"') => lcs_value_kind::LCS_VALUE_STRING,
        _ => lcs_value_kind::LCS_VALUE_NUMBER,
    };
    let v = lcs_value {
        data: data.as_ptr().cast(),
        len: data.len(),
        kind,
    };
    value(&v, false, 0);
});
