//! Structure-aware: libFuzzer's bytes become a valid session model (`arbitrary`), rendered
//! with shuffled keys, random whitespace and random escapes (surrogate pairs included). The
//! parse must accept it and decode exactly the model: header, every event, every string,
//! every arguments/result value, unknown fields in order. Then byte-level mutations of the
//! rendered text (tokens, deletions, truncations, copies) explore the neighbourhood of
//! valid sessions under the same invariants as the `session` target.
#![no_main]

use lcsession_core::{EventBody, Field, SharedAccess};
use lcsession_fuzz::model::{self, Ev, Json, Opt, Style, TEXT_TYPES};
use lcsession_fuzz::{decode, to_value};
use libfuzzer_sys::fuzz_target;

fn same_opt<T, U: std::fmt::Debug>(got: &Field<U>, want: &Opt<T>, eq: impl Fn(&U, &T) -> bool) {
    match (got, want) {
        (Field::Missing, Opt::Missing) | (Field::Null, Opt::Null) => {}
        (Field::Present(g), Opt::Present(w)) if eq(g, w) => {}
        _ => panic!("field decoded as {got:?}"),
    }
}

fn strs_eq<const N: usize, const L: usize>(
    got: &lcsession_core::heapless::Vec<lcsession_core::heapless::String<N>, L>,
    want: &[String],
) -> bool {
    got.iter()
        .map(|s| s.as_str())
        .eq(want.iter().map(String::as_str))
}

fn object(members: &[(String, Json)], prefix: &str) -> serde_json::Value {
    let renamed: Vec<(String, Json)> = members
        .iter()
        .map(|(k, v)| (format!("{prefix}{k}"), v.clone()))
        .collect();
    Json::O(renamed).to_value(3)
}

fn check_model(doc: &model::Doc, text: &str) {
    let session = match lcsession_fuzz::check_session(text.as_bytes()) {
        Ok(s) => s,
        Err(e) => panic!("valid session rejected: {e}\n{text}"),
    };
    let h = session.header();
    assert_eq!(h.session_id.as_str(), doc.session_id);
    assert_eq!(h.last_updated_at.as_str(), doc.last_updated_at);
    same_opt(&h.generated_title, &doc.generated_title, |g, w| {
        g.as_str() == w
    });
    same_opt(&h.index_ids, &doc.index_ids, |g, w| strs_eq(g, w));
    same_opt(&h.job_metadata, &doc.job_metadata, |g, w| {
        same_opt(&g.duration_ms, &w.duration_ms, |a, b| {
            a.as_f64() == Ok(model_float(*b))
        });
        same_opt(&g.error, &w.error, |a, b| a.as_str() == b);
        same_opt(&g.export_config_ids, &w.export_config_ids, |a, b| {
            strs_eq(a, b)
        });
        same_opt(&g.is_error, &w.is_error, |a, b| a == b);
        same_opt(&g.total_input_tokens, &w.total_input_tokens, |a, b| a == b);
        same_opt(&g.total_output_tokens, &w.total_output_tokens, |a, b| {
            a == b
        });
        same_opt(&g.turns, &w.turns, |a, b| a == b);
        true
    });
    same_opt(&h.shared_access, &doc.shared_access, |g, (k, s)| {
        match k % 3 {
            0 => *g == SharedAccess::Query,
            1 => *g == SharedAccess::ReadOnly,
            _ => g.as_str() == s,
        }
    });

    assert_eq!(session.event_count(), doc.events.len());
    for (e, want) in session.events().zip(&doc.events) {
        match (e.body, want) {
            (_, Ev::Text { kind, content }) => {
                assert_eq!(
                    e.event_type().as_str(),
                    Some(TEXT_TYPES[usize::from(kind % 5)])
                );
                assert_eq!(decode(e.content().expect("content")), *content);
            }
            (
                EventBody::ToolCall(c),
                Ev::ToolCall {
                    call_id,
                    name,
                    arguments,
                    untagged,
                },
            ) => {
                assert_eq!(e.inferred, *untagged);
                assert_eq!(decode(c.call_id), *call_id);
                assert_eq!(decode(c.name), *name);
                assert_eq!(to_value(c.arguments), Some(object(arguments, "")));
            }
            (
                EventBody::ToolResult(r),
                Ev::ToolResult {
                    call_id,
                    name,
                    result,
                    image,
                },
            ) => {
                assert_eq!(decode(r.call_id), *call_id);
                assert_eq!(decode(r.name), *name);
                assert_eq!(to_value(r.result), Some(result.to_value(3)));
                same_opt(&r.image_attachment, image, |g, (a, s)| {
                    decode(g.attachment_name) == *a && decode(g.source_id) == *s
                });
            }
            (
                EventBody::Stop(s),
                Ev::Stop {
                    error,
                    is_error,
                    usage,
                    skipped,
                },
            ) => {
                assert_eq!(s.error.map(decode), error.clone());
                assert_eq!(s.is_error, *is_error);
                same_opt(&s.usage.duration_ms, &usage.duration_ms, |a, b| {
                    a.as_f64() == Ok(model_float(*b))
                });
                same_opt(
                    &s.usage.total_input_tokens,
                    &usage.total_input_tokens,
                    |a, b| a == b,
                );
                same_opt(
                    &s.usage.total_output_tokens,
                    &usage.total_output_tokens,
                    |a, b| a == b,
                );
                same_opt(&s.usage.turns, &usage.turns, |a, b| a == b);
                // Keys are distinct (`Doc::normalise`); members sit at depth 5 (session 1 >
                // events 2 > event 3 > usage 4), where the model's depth cut applies.
                for (k, v) in &usage.extra {
                    let key = format!("x_{k}");
                    let got = s.usage.raw.get(&key).and_then(to_value);
                    assert_eq!(got, Some(v.to_value(5)), "usage member {key}");
                }
                same_opt(&s.skipped_index_ids, skipped, |g, w| {
                    g.iter().map(decode).eq(w.iter().cloned())
                });
            }
            (EventBody::Unknown { type_name }, Ev::Unknown { tag, fields }) => {
                assert_eq!(decode(type_name), format!("x-{tag}"));
                let mut raw = object(fields, "x_");
                if let serde_json::Value::Object(m) = &mut raw {
                    m.insert("type".into(), format!("x-{tag}").into());
                }
                assert_eq!(to_value(e.raw), Some(raw));
            }
            (EventBody::Untyped, Ev::Untyped { fields }) => {
                assert!(!e.inferred);
                assert_eq!(to_value(e.raw), Some(object(fields, "x_")));
            }
            (body, want) => panic!("event {} decoded as {body:?}, model {want:?}", e.index),
        }
    }

    let unknown: Vec<(String, Option<serde_json::Value>)> = session
        .unknown_fields()
        .map(|(k, v)| (decode(k), to_value(v)))
        .collect();
    let want: Vec<(String, Option<serde_json::Value>)> = doc
        .unknown
        .iter()
        .map(|(k, v)| (format!("x_{k}"), Some(v.to_value(2))))
        .collect();
    assert_eq!(unknown, want);
}

fn model_float(f: f64) -> f64 {
    if f.is_finite() {
        f
    } else {
        0.5
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok((mut doc, mutations)) = model::from_bytes(data) else {
        return;
    };
    doc.normalise();
    let text = Style::new(doc.style).doc(&doc);
    check_model(&doc, &text);

    let mut bytes = text.into_bytes();
    for m in mutations.iter().take(8) {
        m.apply(&mut bytes);
        let _ = lcsession_fuzz::check_session(&bytes);
    }
});
