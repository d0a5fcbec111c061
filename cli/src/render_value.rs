//! `--format json`, `yaml` and `events`: the decoded session re-emitted as a data tree,
//! through [`Emit`] (JSON or YAML).
//!
//! Members are written in input order. Known fields come from the decoded values (the typed
//! [`Header`](lcsession_core::Header) and [`EventBody`]), everything else from the raw view;
//! strings are decoded then re-escaped, numbers keep their original text. Missing fields stay
//! missing, `null` stays `null`, so the output is semantically equal to the input.

use std::io::{self, Write};

use lcsession_core::{
    Event, EventBody, Field, ImageAttachment, JobMetadata, JsonStr, RawValue, Usage,
};

use crate::emit::Emit;
use crate::inspect::{CliSession, ID_CAPACITY, LIST_CAPACITY, TEXT_CAPACITY};
use crate::json::JsonWriter;
use crate::yaml::YamlWriter;

type CliJob = JobMetadata<ID_CAPACITY, TEXT_CAPACITY, LIST_CAPACITY>;

/// Writes the whole session as one value (no trailing newline).
pub fn write_session<E: Emit>(w: &mut E, session: &CliSession<'_>) -> io::Result<()> {
    let h = session.header();
    w.begin_object()?;
    for (key, value) in session.raw().members() {
        w.key(key)?;
        if key.eq_str("events") {
            w.begin_array()?;
            for event in session.events() {
                write_event(w, &event)?;
            }
            w.end_array()?;
        } else if key.eq_str("session_id") {
            w.str(&h.session_id)?;
        } else if key.eq_str("last_updated_at") {
            w.str(&h.last_updated_at)?;
        } else if key.eq_str("generated_title") {
            field(w, &h.generated_title, value, |w, t| w.str(t))?;
        } else if key.eq_str("index_ids") {
            field(w, &h.index_ids, value, |w, ids| write_strs(w, ids))?;
        } else if key.eq_str("job_metadata") {
            field(w, &h.job_metadata, value, |w, job| write_job(w, job, value))?;
        } else if key.eq_str("shared_access") {
            field(w, &h.shared_access, value, |w, access| {
                w.str(access.as_str())
            })?;
        } else {
            w.raw(value)?;
        }
    }
    w.end_object()
}

/// Writes a decoded list of strings (`index_ids`, `export_config_ids`) as an array.
fn write_strs<E: Emit, S: AsRef<str>>(w: &mut E, items: &[S]) -> io::Result<()> {
    w.begin_array()?;
    for item in items {
        w.str(item.as_ref())?;
    }
    w.end_array()
}

/// Writes a decoded optional field; `raw` is the member's value as written, used only if the
/// decoded field says "missing" although the key is there (which parse rules out).
fn field<E: Emit, T>(
    w: &mut E,
    decoded: &Field<T>,
    raw: RawValue<'_>,
    present: impl FnOnce(&mut E, &T) -> io::Result<()>,
) -> io::Result<()> {
    match decoded {
        Field::Present(v) => present(w, v),
        Field::Null => w.null(),
        Field::Missing => w.raw(raw),
    }
}

/// A member of `job_metadata` or `usage` past their own fields: one of the counters both
/// have (`total_input_tokens`, `total_output_tokens`, `turns`, decoded in that order in
/// `counters`), else an unknown member as written.
fn counter_or_raw<E: Emit>(
    w: &mut E,
    key: JsonStr<'_>,
    value: RawValue<'_>,
    counters: [&Field<u64>; 3],
) -> io::Result<()> {
    let [input, output, turns] = counters;
    let decoded = if key.eq_str("total_input_tokens") {
        input
    } else if key.eq_str("total_output_tokens") {
        output
    } else if key.eq_str("turns") {
        turns
    } else {
        return w.raw(value);
    };
    field(w, decoded, value, |w, &n| w.u64(n))
}

fn write_job<E: Emit>(w: &mut E, job: &CliJob, raw: RawValue<'_>) -> io::Result<()> {
    w.begin_object()?;
    for (key, value) in raw.members() {
        w.key(key)?;
        if key.eq_str("duration_ms") {
            field(w, &job.duration_ms, value, |w, d| {
                w.f64(d.as_f64().unwrap_or(0.0), value.as_number_str())
            })?;
        } else if key.eq_str("error") {
            field(w, &job.error, value, |w, e| w.str(e))?;
        } else if key.eq_str("export_config_ids") {
            field(w, &job.export_config_ids, value, |w, ids| {
                write_strs(w, ids)
            })?;
        } else if key.eq_str("is_error") {
            field(w, &job.is_error, value, |w, &b| w.bool(b))?;
        } else {
            let counters = [
                &job.total_input_tokens,
                &job.total_output_tokens,
                &job.turns,
            ];
            counter_or_raw(w, key, value, counters)?;
        }
    }
    w.end_object()
}

/// Writes one event object: every member in input order, known ones from the typed body.
pub fn write_event<E: Emit>(w: &mut E, event: &Event<'_>) -> io::Result<()> {
    w.begin_object()?;
    for (key, value) in event.raw.members() {
        w.key(key)?;
        write_event_member(w, event, key, value)?;
    }
    w.end_object()
}

fn write_event_member<E: Emit>(
    w: &mut E,
    event: &Event<'_>,
    key: JsonStr<'_>,
    value: RawValue<'_>,
) -> io::Result<()> {
    if key.eq_str("type") {
        return match event.body {
            EventBody::Unknown { type_name } => w.json_str(type_name),
            // A `type` that parsed is a string naming a known type, or `null` (type inferred).
            _ if value.is_null() => w.null(),
            _ => match event.event_type().as_str() {
                Some(tag) => w.str(tag),
                None => w.raw(value),
            },
        };
    }
    match &event.body {
        EventBody::ThinkingDelta { content }
        | EventBody::TextDelta { content }
        | EventBody::Thinking { content }
        | EventBody::Text { content }
        | EventBody::UserInput { content }
            if key.eq_str("content") =>
        {
            w.json_str(*content)
        }
        EventBody::ToolCall(call) if key.eq_str("arguments") => w.raw(call.arguments),
        EventBody::ToolCall(call) if key.eq_str("call_id") => w.json_str(call.call_id),
        EventBody::ToolCall(call) if key.eq_str("name") => w.json_str(call.name),
        EventBody::ToolResult(result) if key.eq_str("call_id") => w.json_str(result.call_id),
        EventBody::ToolResult(result) if key.eq_str("name") => w.json_str(result.name),
        EventBody::ToolResult(result) if key.eq_str("result") => w.raw(result.result),
        EventBody::ToolResult(result) if key.eq_str("image_attachment") => {
            field(w, &result.image_attachment, value, |w, image| {
                write_image(w, image, value)
            })
        }
        EventBody::Stop(stop) if key.eq_str("error") => match stop.error {
            Some(error) => w.json_str(error),
            None => w.null(),
        },
        EventBody::Stop(stop) if key.eq_str("is_error") => w.bool(stop.is_error),
        EventBody::Stop(stop) if key.eq_str("usage") => write_usage(w, &stop.usage),
        EventBody::Stop(stop) if key.eq_str("skipped_index_ids") => {
            field(w, &stop.skipped_index_ids, value, |w, ids| {
                w.begin_array()?;
                for id in ids.iter() {
                    w.json_str(id)?;
                }
                w.end_array()
            })
        }
        _ => w.raw(value),
    }
}

fn write_image<E: Emit>(
    w: &mut E,
    image: &ImageAttachment<'_>,
    raw: RawValue<'_>,
) -> io::Result<()> {
    w.begin_object()?;
    for (key, value) in raw.members() {
        w.key(key)?;
        if key.eq_str("attachment_name") {
            w.json_str(image.attachment_name)?;
        } else if key.eq_str("source_id") {
            w.json_str(image.source_id)?;
        } else {
            w.raw(value)?;
        }
    }
    w.end_object()
}

fn write_usage<E: Emit>(w: &mut E, usage: &Usage<'_>) -> io::Result<()> {
    w.begin_object()?;
    for (key, value) in usage.raw.members() {
        w.key(key)?;
        if key.eq_str("duration_ms") {
            field(w, &usage.duration_ms, value, |w, d| {
                w.f64(d.as_f64().unwrap_or(0.0), value.as_number_str())
            })?;
        } else {
            let counters = [
                &usage.total_input_tokens,
                &usage.total_output_tokens,
                &usage.turns,
            ];
            counter_or_raw(w, key, value, counters)?;
        }
    }
    w.end_object()
}

/// `--format json`: the session, pretty-printed unless `compact`, then a newline.
pub fn write_json<W: Write>(
    out: &mut W,
    session: &CliSession<'_>,
    compact: bool,
) -> io::Result<()> {
    let mut w = JsonWriter::new(&mut *out, !compact);
    write_session(&mut w, session)?;
    out.write_all(b"\n")
}

/// `--format yaml`: the session as a YAML document, then a newline.
pub fn write_yaml<W: Write>(out: &mut W, session: &CliSession<'_>) -> io::Result<()> {
    let mut w = YamlWriter::new(&mut *out);
    write_session(&mut w, session)?;
    out.write_all(b"\n")
}

/// `--format events`: one compact JSON line per event.
pub fn write_events<W: Write>(out: &mut W, session: &CliSession<'_>) -> io::Result<()> {
    for event in session.events() {
        let mut w = JsonWriter::new(&mut *out, false);
        write_event(&mut w, &event)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
