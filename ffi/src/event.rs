//! Events: the `lcs_events` cursor and the tagged `lcs_event` struct it fills.

use lcsession_core::{Event, EventBody, EventType, Events, Field, Number, Usage};

use crate::header::lcs_presence;
use crate::panic::{call, guard};
use crate::ptr::{self, Out};
use crate::result::lcs_result;
use crate::session::{lcs_session, session_ref};
use crate::str::lcs_jstr;
use crate::value::lcs_value;

/// The type of an event. Numbers are explicit and never reused.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum lcs_event_type {
    /// `thinking_delta`: a streamed piece of model reasoning (`content`).
    LCS_EVENT_THINKING_DELTA = 1,
    /// `text_delta`: a streamed piece of the answer (`content`).
    LCS_EVENT_TEXT_DELTA = 2,
    /// `thinking`: a complete reasoning block (`content`).
    LCS_EVENT_THINKING = 3,
    /// `text`: a complete answer block (`content`).
    LCS_EVENT_TEXT = 4,
    /// `user_input`: what the user typed (`content`).
    LCS_EVENT_USER_INPUT = 5,
    /// `tool_call`: the model calls a tool (`call_id`, `name`, `arguments`).
    LCS_EVENT_TOOL_CALL = 6,
    /// `tool_result`: what a tool returned (`call_id`, `name`, `result`,
    /// `image_attachment`).
    LCS_EVENT_TOOL_RESULT = 7,
    /// `stop`: the end of a turn (`error`, `is_error`, `usage`, `skipped_index_ids`).
    LCS_EVENT_STOP = 8,
    /// A `type` this library does not know: `type_name` holds it, `raw` the whole object.
    LCS_EVENT_UNKNOWN = 9,
    /// No `type`, and the fields do not identify one: the whole object is in `raw`.
    LCS_EVENT_UNTYPED = 10,
}

impl lcs_event_type {
    #[inline]
    fn of(t: EventType) -> lcs_event_type {
        use lcs_event_type::*;
        match t {
            EventType::ThinkingDelta => LCS_EVENT_THINKING_DELTA,
            EventType::TextDelta => LCS_EVENT_TEXT_DELTA,
            EventType::Thinking => LCS_EVENT_THINKING,
            EventType::Text => LCS_EVENT_TEXT,
            EventType::UserInput => LCS_EVENT_USER_INPUT,
            EventType::ToolCall => LCS_EVENT_TOOL_CALL,
            EventType::ToolResult => LCS_EVENT_TOOL_RESULT,
            EventType::Stop => LCS_EVENT_STOP,
            EventType::Unknown => LCS_EVENT_UNKNOWN,
            EventType::Untyped => LCS_EVENT_UNTYPED,
        }
    }

    /// The wire tag of a known type; empty for `Unknown` and `Untyped`.
    #[inline]
    fn wire_name(t: EventType) -> &'static str {
        match t {
            EventType::ThinkingDelta => "thinking_delta",
            EventType::TextDelta => "text_delta",
            EventType::Thinking => "thinking",
            EventType::Text => "text",
            EventType::UserInput => "user_input",
            EventType::ToolCall => "tool_call",
            EventType::ToolResult => "tool_result",
            EventType::Stop => "stop",
            EventType::Unknown | EventType::Untyped => "",
        }
    }

    /// The wire tag, NUL-terminated; `"unknown"` / `"untyped"` for the last two.
    fn name(code: u32) -> &'static str {
        match code {
            1 => "thinking_delta\0",
            2 => "text_delta\0",
            3 => "thinking\0",
            4 => "text\0",
            5 => "user_input\0",
            6 => "tool_call\0",
            7 => "tool_result\0",
            8 => "stop\0",
            9 => "unknown\0",
            10 => "untyped\0",
            _ => "invalid event type\0",
        }
    }
}

/// The wire name of an event type (`"text_delta"`, …; `"unknown"` and `"untyped"` for
/// those two; "invalid event type" for other numbers): static, NUL-terminated, never NULL.
///
/// Thread-safe.
#[no_mangle]
pub extern "C" fn lcs_event_type_name(event_type: u32) -> *const core::ffi::c_char {
    guard(|| lcs_event_type::name(event_type).as_ptr().cast())
}

/// An optional unsigned integer.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct lcs_opt_u64 {
    /// Missing, null or present.
    pub presence: lcs_presence,
    /// The value when present, else 0.
    pub value: u64,
}

/// An optional floating-point number.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct lcs_opt_f64 {
    /// Missing, null or present.
    pub presence: lcs_presence,
    /// The value when present, else 0.
    pub value: f64,
}

fn opt_u64(f: Field<u64>) -> lcs_opt_u64 {
    lcs_opt_u64 {
        presence: lcs_presence::of(&f),
        value: f.into_present().unwrap_or(0),
    }
}

/// A number field as `f64` (the parse checked it is a finite `f64`).
fn opt_f64(f: Field<Number<'_>>) -> lcs_opt_f64 {
    lcs_opt_f64 {
        presence: lcs_presence::of(&f),
        value: f
            .into_present()
            .and_then(|n| n.as_f64().ok())
            .unwrap_or(0.0),
    }
}

/// Token usage of a turn, from a `stop` event.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct lcs_usage {
    /// Turn duration in milliseconds.
    pub duration_ms: lcs_opt_f64,
    /// Input tokens.
    pub total_input_tokens: lcs_opt_u64,
    /// Output tokens.
    pub total_output_tokens: lcs_opt_u64,
    /// Agent turns.
    pub turns: lcs_opt_u64,
    /// The whole `usage` object as written, unknown members included.
    pub raw: lcs_value,
}

impl lcs_usage {
    fn from_core(u: &Usage<'_>) -> lcs_usage {
        lcs_usage {
            duration_ms: opt_f64(u.duration_ms),
            total_input_tokens: opt_u64(u.total_input_tokens),
            total_output_tokens: opt_u64(u.total_output_tokens),
            turns: opt_u64(u.turns),
            raw: lcs_value::from_raw(u.raw),
        }
    }

    fn none() -> lcs_usage {
        let missing = lcs_opt_u64 {
            presence: lcs_presence::LCS_PRESENCE_MISSING,
            value: 0,
        };
        lcs_usage {
            duration_ms: lcs_opt_f64 {
                presence: lcs_presence::LCS_PRESENCE_MISSING,
                value: 0.0,
            },
            total_input_tokens: missing,
            total_output_tokens: missing,
            turns: missing,
            raw: lcs_value::none(),
        }
    }
}

/// One event, as filled by `lcs_events_next`. `type` says which fields apply; the others
/// are empty (`len` 0, `LCS_VALUE_NONE`, `LCS_PRESENCE_MISSING`, false, 0).
///
/// Every `lcs_jstr` and `lcs_value` in it points into the parsed buffer and stays valid
/// while the buffer does (it does not depend on the cursor). Plain data: copy it freely.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct lcs_event {
    /// What kind of event this is.
    pub r#type: lcs_event_type,
    /// Zero-based position in `events`.
    pub index: usize,
    /// True when the object had no `type` and the type was inferred from its fields
    /// (e.g. `arguments` + `call_id` + `name` make a tool call).
    pub inferred: bool,
    /// The `type` tag: the wire name for known types, the text as sent for
    /// `LCS_EVENT_UNKNOWN`, empty for `LCS_EVENT_UNTYPED`.
    pub type_name: lcs_jstr,
    /// The five text types: the text.
    pub content: lcs_jstr,
    /// Tool call and tool result: the id linking them.
    pub call_id: lcs_jstr,
    /// Tool call and tool result: the tool's name.
    pub name: lcs_jstr,
    /// Tool call: the arguments object (any JSON values inside).
    pub arguments: lcs_value,
    /// Tool result: what the tool returned (any JSON value).
    pub result: lcs_value,
    /// Tool result: whether `image_attachment` was absent, null or present.
    pub image_attachment: lcs_presence,
    /// Tool result with an image attachment: its `attachment_name`.
    pub attachment_name: lcs_jstr,
    /// Tool result with an image attachment: its `source_id`.
    pub source_id: lcs_jstr,
    /// Stop: `LCS_PRESENCE_NULL` for `"error": null`, `LCS_PRESENCE_PRESENT` when
    /// `error_message` holds the error text.
    pub error: lcs_presence,
    /// Stop: the error text when `error` is present.
    pub error_message: lcs_jstr,
    /// Stop: whether the turn failed.
    pub is_error: bool,
    /// Stop: token usage.
    pub usage: lcs_usage,
    /// Stop: presence of `skipped_index_ids` (newer API versions).
    pub skipped_index_ids: lcs_presence,
    /// Stop: the `skipped_index_ids` array of strings when present.
    pub skipped_index_ids_value: lcs_value,
    /// The whole event object as written, unknown fields included.
    pub raw: lcs_value,
}

impl lcs_event {
    /// The C view of a core event.
    #[inline(always)]
    pub fn from_core(e: &Event<'_>) -> lcs_event {
        let mut out = lcs_event::blank();
        out.fill_common(e);
        out.fill_body(e);
        out
    }

    /// Sets the fields every event has: type, index, inference, type name, raw object.
    #[inline(always)]
    fn fill_common(&mut self, e: &Event<'_>) {
        let ty = e.event_type();
        self.r#type = lcs_event_type::of(ty);
        self.index = e.index;
        self.inferred = e.inferred;
        self.type_name = lcs_jstr::plain(lcs_event_type::wire_name(ty));
        self.raw = lcs_value::from_raw(e.raw);
    }

    /// An untyped event at index 0 with every field empty.
    fn blank() -> lcs_event {
        lcs_event {
            r#type: lcs_event_type::LCS_EVENT_UNTYPED,
            index: 0,
            inferred: false,
            type_name: lcs_jstr::empty(),
            content: lcs_jstr::empty(),
            call_id: lcs_jstr::empty(),
            name: lcs_jstr::empty(),
            arguments: lcs_value::none(),
            result: lcs_value::none(),
            image_attachment: lcs_presence::LCS_PRESENCE_MISSING,
            attachment_name: lcs_jstr::empty(),
            source_id: lcs_jstr::empty(),
            error: lcs_presence::LCS_PRESENCE_MISSING,
            error_message: lcs_jstr::empty(),
            is_error: false,
            usage: lcs_usage::none(),
            skipped_index_ids: lcs_presence::LCS_PRESENCE_MISSING,
            skipped_index_ids_value: lcs_value::none(),
            raw: lcs_value::none(),
        }
    }

    /// Sets the fields of `e`'s type (and the type name of an unknown type). The optional
    /// parts it leaves alone when absent (`attachment_name`, `source_id`, `error_message`,
    /// `skipped_index_ids_value`) must already be blank.
    #[inline(always)]
    fn fill_body(&mut self, e: &Event<'_>) {
        let out = self;
        match &e.body {
            EventBody::ThinkingDelta { content }
            | EventBody::TextDelta { content }
            | EventBody::Thinking { content }
            | EventBody::Text { content }
            | EventBody::UserInput { content } => out.content = lcs_jstr::from_json(*content),
            EventBody::ToolCall(call) => {
                out.call_id = lcs_jstr::from_json(call.call_id);
                out.name = lcs_jstr::from_json(call.name);
                out.arguments = lcs_value::from_raw(call.arguments);
            }
            EventBody::ToolResult(res) => {
                out.call_id = lcs_jstr::from_json(res.call_id);
                out.name = lcs_jstr::from_json(res.name);
                out.result = lcs_value::from_raw(res.result);
                out.image_attachment = lcs_presence::of(&res.image_attachment);
                if let Field::Present(img) = res.image_attachment {
                    out.attachment_name = lcs_jstr::from_json(img.attachment_name);
                    out.source_id = lcs_jstr::from_json(img.source_id);
                }
            }
            EventBody::Stop(stop) => {
                match stop.error {
                    Some(msg) => {
                        out.error = lcs_presence::LCS_PRESENCE_PRESENT;
                        out.error_message = lcs_jstr::from_json(msg);
                    }
                    None => out.error = lcs_presence::LCS_PRESENCE_NULL,
                }
                out.is_error = stop.is_error;
                out.usage = lcs_usage::from_core(&stop.usage);
                out.skipped_index_ids = lcs_presence::of(&stop.skipped_index_ids);
                if let Field::Present(list) = stop.skipped_index_ids {
                    out.skipped_index_ids_value = lcs_value::from_raw(list.raw());
                }
            }
            EventBody::Unknown { type_name } => out.type_name = lcs_jstr::from_json(*type_name),
            EventBody::Untyped => {}
        }
    }
}

/// Which of the optional parts of an [`lcs_event`] an event's type fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Content,
    ToolCall,
    ToolResult,
    Stop,
    Unknown,
    Untyped,
}

impl Shape {
    fn of(body: &EventBody<'_>) -> Shape {
        match body {
            EventBody::ThinkingDelta { .. }
            | EventBody::TextDelta { .. }
            | EventBody::Thinking { .. }
            | EventBody::Text { .. }
            | EventBody::UserInput { .. } => Shape::Content,
            EventBody::ToolCall(_) => Shape::ToolCall,
            EventBody::ToolResult(_) => Shape::ToolResult,
            EventBody::Stop(_) => Shape::Stop,
            EventBody::Unknown { .. } => Shape::Unknown,
            EventBody::Untyped => Shape::Untyped,
        }
    }
}

/// One [`lcs_event`] reused for every event handed to a C visitor: after an event of the
/// same shape, only the fields that shape fills are written (a few of the struct's 408
/// bytes, where building each event anew wrote and copied all of them: a third of the time
/// of `lcs_session_parse_visiting` on a session of small delta events). The visitor sees
/// exactly what [`lcs_event::from_core`] gives.
pub(crate) struct VisitedEvent {
    event: lcs_event,
    /// The shape of the last event, `None` before the first.
    shape: Option<Shape>,
}

impl VisitedEvent {
    pub(crate) fn new() -> Self {
        VisitedEvent {
            event: lcs_event::blank(),
            shape: None,
        }
    }

    /// The C view of `e`.
    #[inline(always)]
    pub(crate) fn update(&mut self, e: &Event<'_>) -> &lcs_event {
        let shape = Shape::of(&e.body);
        if self.shape != Some(shape) {
            self.event = lcs_event::from_core(e);
            self.shape = Some(shape);
            return &self.event;
        }
        let out = &mut self.event;
        out.fill_common(e);
        // What `fill_body` sets only for some events of a shape goes back to blank; it
        // writes the rest of the shape's fields every time.
        out.attachment_name = lcs_jstr::empty();
        out.source_id = lcs_jstr::empty();
        out.error_message = lcs_jstr::empty();
        out.skipped_index_ids_value = lcs_value::none();
        out.fill_body(e);
        &self.event
    }
}

/// A cursor over a session's events, in order. Create it with `lcs_events_new`, advance it
/// with `lcs_events_next`, free it with `lcs_events_free`.
///
/// **Lifetime:** it reads the parsed buffer; free it before the session (it must not
/// outlive the session nor the buffer).
///
/// **Thread-safety:** use a cursor from one thread at a time (it may move between threads).
/// Any number of cursors over the same session may run concurrently.
#[allow(non_camel_case_types)]
pub struct lcs_events {
    /// Borrows the session's buffer (see `session.rs` for the `'static`).
    events: Events<'static>,
}

/// Creates a cursor at the first event of `session` and stores it in `*out_events`.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`. **Ownership:** the caller owns the cursor and
/// must pass it to `lcs_events_free` before freeing the session.
///
/// # Safety
/// `session` is a live session; `out_events` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_events_new(
    session: *const lcs_session,
    out_events: *mut *mut lcs_events,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `session`.
        let s = unsafe { session_ref(session) }?;
        let out = Out::new(out_events)?;
        let cursor = Box::into_raw(Box::new(lcs_events { events: s.events() }));
        // SAFETY: `out_events` is writable (caller's contract).
        unsafe { out.write(cursor) };
        Ok(())
    })
}

/// Fills `*out_event` with the next event and advances the cursor.
///
/// Returns `LCS_OK`; `LCS_END` after the last event (the cursor stays at the end);
/// `LCS_NULL_ARGUMENT`. Events were validated by the parse, so there is no other failure.
///
/// # Safety
/// `events` is a live cursor whose session and buffer are still alive; `out_event` is
/// writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_events_next(
    events: *mut lcs_events,
    out_event: *mut lcs_event,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `events`.
        let cursor = unsafe { ptr::borrow_mut(events) }?;
        let out = Out::new(out_event)?;
        let event = cursor.events.next().ok_or(lcs_result::LCS_END)?;
        // SAFETY: `out_event` is writable (caller's contract).
        unsafe { out.write(lcs_event::from_core(&event)) };
        Ok(())
    })
}

/// Writes the number of events the cursor has not yet returned to `*out_remaining`.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `events` is a live cursor; `out_remaining` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_events_remaining(
    events: *const lcs_events,
    out_remaining: *mut usize,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `events`.
        let cursor = unsafe { ptr::borrow(events) }?;
        let out = Out::new(out_remaining)?;
        // SAFETY: `out_remaining` is writable (caller's contract).
        unsafe { out.write(cursor.events.len()) };
        Ok(())
    })
}

/// Frees a cursor. NULL is allowed and does nothing. Events already returned stay valid
/// (they point into the buffer, not the cursor).
///
/// # Safety
/// `events` is NULL or was returned by `lcs_events_new` and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn lcs_events_free(events: *mut lcs_events) {
    guard(|| {
        if !events.is_null() {
            // SAFETY: `events` came from `Box::into_raw` in `lcs_events_new` and is freed only
            // once (caller's contract).
            drop(unsafe { Box::from_raw(events) });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lcsession_core::{ParseOptions, Session};

    /// Events of every shape, each shape twice in a row with other field values (an image
    /// attachment then none, an error then null, skipped ids then none, another unknown
    /// type), then shapes alternating.
    const MIXED: &str = r#"{"session_id":"s","last_updated_at":"t","events":[
        {"type":"text","content":"a"},{"type":"thinking_delta","content":"b"},
        {"type":"tool_call","call_id":"c1","name":"n1","arguments":{"q":1}},
        {"call_id":"c2","name":"n2","arguments":{}},
        {"type":"tool_result","call_id":"c1","name":"n1","result":[1],
         "image_attachment":{"attachment_name":"img","source_id":"src"}},
        {"type":"tool_result","call_id":"c2","name":"n2","result":"r"},
        {"type":"tool_result","call_id":"c3","name":"n3","result":null,"image_attachment":null},
        {"type":"stop","error":"boom","is_error":true,"usage":{"duration_ms":1.5,"turns":2},
         "skipped_index_ids":["i"]},
        {"type":"stop","error":null,"is_error":false,"usage":{}},
        {"type":"mystery","x":1},{"type":"other","y":2},
        {"z":3},{"w":4},
        {"type":"user_input","content":"u"},{"type":"stop","error":null,"is_error":false,"usage":{}},
        {"type":"text","content":"t"}]}"#;

    #[test]
    fn a_reused_event_is_what_from_core_builds() {
        let sample = include_str!("../../examples/data/sample-session.json");
        for doc in [MIXED, sample] {
            let mut reused = VisitedEvent::new();
            let mut seen = 0;
            let session: Session<'_> =
                Session::parse_visiting(doc.as_bytes(), ParseOptions::default(), |e| {
                    let want = format!("{:?}", lcs_event::from_core(e));
                    assert_eq!(format!("{:?}", reused.update(e)), want, "event {}", e.index);
                    seen += 1;
                })
                .unwrap();
            assert_eq!(seen, session.event_count());
        }
    }
}
