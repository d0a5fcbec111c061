//! Events: the eight tagged types, unknown types and untyped objects, decoded zero-copy.

use crate::error::{ErrorKind, ErrorSlot, Failed, JsonType, Location};
use crate::field::Field;
use crate::number::{parse_u64, Number};
use crate::read;
use crate::scan::{Scanner, FAST_PATHS};
use crate::str::JsonStr;
use crate::value::{RawValue, ValueKind};

/// The type tag of an event, as a plain enum (C-friendly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    /// `thinking_delta`: a streamed piece of model reasoning.
    ThinkingDelta,
    /// `text_delta`: a streamed piece of the answer.
    TextDelta,
    /// `thinking`: a complete reasoning block.
    Thinking,
    /// `text`: a complete answer block.
    Text,
    /// `user_input`: what the user typed.
    UserInput,
    /// `tool_call`: the model calls a tool.
    ToolCall,
    /// `tool_result`: what the tool returned.
    ToolResult,
    /// `stop`: the end of a turn, with token usage.
    Stop,
    /// A `type` this library does not know.
    Unknown,
    /// No `type`, and the fields do not identify one.
    Untyped,
}

impl EventType {
    /// The eight known types in wire order, with their tags.
    pub const KNOWN: [(&'static str, EventType); 8] = [
        ("thinking_delta", EventType::ThinkingDelta),
        ("text_delta", EventType::TextDelta),
        ("thinking", EventType::Thinking),
        ("text", EventType::Text),
        ("user_input", EventType::UserInput),
        ("tool_call", EventType::ToolCall),
        ("tool_result", EventType::ToolResult),
        ("stop", EventType::Stop),
    ];

    /// The wire tag (`"text_delta"`, …); `None` for `Unknown` and `Untyped`.
    pub fn as_str(self) -> Option<&'static str> {
        Self::KNOWN
            .iter()
            .find(|(_, t)| *t == self)
            .map(|(name, _)| *name)
    }

    fn from_tag(tag: JsonStr<'_>) -> Option<EventType> {
        match tag.as_str() {
            Some("thinking_delta") => Some(EventType::ThinkingDelta),
            Some("text_delta") => Some(EventType::TextDelta),
            Some("thinking") => Some(EventType::Thinking),
            Some("text") => Some(EventType::Text),
            Some("user_input") => Some(EventType::UserInput),
            Some("tool_call") => Some(EventType::ToolCall),
            Some("tool_result") => Some(EventType::ToolResult),
            Some("stop") => Some(EventType::Stop),
            Some(_) => None,
            None => Self::KNOWN
                .iter()
                .find(|(name, _)| tag.eq_str(name))
                .map(|(_, t)| *t),
        }
    }
}

/// A `tool_call` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToolCall<'a> {
    /// The call's arguments: an object of arbitrary JSON values.
    pub arguments: RawValue<'a>,
    /// The id that links the call to its result.
    pub call_id: JsonStr<'a>,
    /// The tool's name.
    pub name: JsonStr<'a>,
}

/// Where to lazily resolve a page screenshot attached to a tool result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageAttachment<'a> {
    /// The attachment's name.
    pub attachment_name: JsonStr<'a>,
    /// The source document id.
    pub source_id: JsonStr<'a>,
}

/// A `tool_result` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToolResult<'a> {
    /// The id of the call this answers.
    pub call_id: JsonStr<'a>,
    /// The tool's name.
    pub name: JsonStr<'a>,
    /// What the tool returned: any JSON value.
    pub result: RawValue<'a>,
    /// Optional page screenshot coordinates.
    pub image_attachment: Field<ImageAttachment<'a>>,
}

/// Token usage of a turn, from a `stop` event. Every field is optional.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Usage<'a> {
    /// Turn duration in milliseconds, as written (convert with [`Number::as_f64`]).
    pub duration_ms: Field<Number<'a>>,
    /// Input tokens.
    pub total_input_tokens: Field<u64>,
    /// Output tokens.
    pub total_output_tokens: Field<u64>,
    /// Agent turns.
    pub turns: Field<u64>,
    /// The whole `usage` object, unknown members included.
    pub raw: RawValue<'a>,
}

/// A validated array of strings, walked without allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StrList<'a> {
    raw: RawValue<'a>,
}

impl<'a> StrList<'a> {
    /// The strings, in order.
    pub fn iter(&self) -> impl Iterator<Item = JsonStr<'a>> + 'a {
        self.raw.items().filter_map(|v| v.as_str())
    }

    /// The array as written.
    pub fn raw(&self) -> RawValue<'a> {
        self.raw
    }
}

/// A `stop` event: the end of a turn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stop<'a> {
    /// The error message, or `None` for `null`.
    pub error: Option<JsonStr<'a>>,
    /// Whether the turn failed.
    pub is_error: bool,
    /// Token usage.
    pub usage: Usage<'a>,
    /// Indexes skipped during the turn (newer API versions).
    pub skipped_index_ids: Field<StrList<'a>>,
}

/// What an event holds, by type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EventBody<'a> {
    /// `thinking_delta`
    ThinkingDelta {
        /// The text.
        content: JsonStr<'a>,
    },
    /// `text_delta`
    TextDelta {
        /// The text.
        content: JsonStr<'a>,
    },
    /// `thinking`
    Thinking {
        /// The text.
        content: JsonStr<'a>,
    },
    /// `text`
    Text {
        /// The text.
        content: JsonStr<'a>,
    },
    /// `user_input`
    UserInput {
        /// The text.
        content: JsonStr<'a>,
    },
    /// `tool_call`
    ToolCall(ToolCall<'a>),
    /// `tool_result`
    ToolResult(ToolResult<'a>),
    /// `stop`
    Stop(Stop<'a>),
    /// A `type` this library does not know; the whole object is in [`Event::raw`].
    Unknown {
        /// The `type` value as sent.
        type_name: JsonStr<'a>,
    },
    /// No `type` and no unambiguous fields; the whole object is in [`Event::raw`].
    Untyped,
}

/// One event of the session, borrowed from the input.
///
/// ```
/// # fn main() -> Result<(), lcsession_core::Error> {
/// use lcsession_core::{EventBody, EventType};
/// let doc = br#"{"session_id":"s","last_updated_at":"t","events":[
///   {"type":"text_delta","content":"Hel"},
///   {"type":"citation","doc":"d-7"},
///   {"call_id":"c1","name":"search","arguments":{}}]}"#;
/// let session = lcsession_core::parse(doc)?;
/// let kinds: Vec<EventType> = session.events().map(|e| e.event_type()).collect();
/// assert_eq!(kinds, [EventType::TextDelta, EventType::Unknown, EventType::ToolCall]);
/// let unknown = session.events().nth(1).unwrap();
/// assert!(matches!(unknown.body, EventBody::Unknown { type_name } if type_name == "citation"));
/// assert_eq!(unknown.raw.get("doc").unwrap().as_str().unwrap(), "d-7");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event<'a> {
    /// Zero-based position in `events`.
    pub index: usize,
    /// True when the object had no `type` and the type was inferred from its fields.
    pub inferred: bool,
    /// The typed content.
    pub body: EventBody<'a>,
    /// The whole event object as written, unknown fields included.
    pub raw: RawValue<'a>,
}

impl<'a> Event<'a> {
    /// The event's type tag.
    pub fn event_type(&self) -> EventType {
        match self.body {
            EventBody::ThinkingDelta { .. } => EventType::ThinkingDelta,
            EventBody::TextDelta { .. } => EventType::TextDelta,
            EventBody::Thinking { .. } => EventType::Thinking,
            EventBody::Text { .. } => EventType::Text,
            EventBody::UserInput { .. } => EventType::UserInput,
            EventBody::ToolCall(_) => EventType::ToolCall,
            EventBody::ToolResult(_) => EventType::ToolResult,
            EventBody::Stop(_) => EventType::Stop,
            EventBody::Unknown { .. } => EventType::Unknown,
            EventBody::Untyped => EventType::Untyped,
        }
    }

    /// The `content` of the five text-bearing types.
    pub fn content(&self) -> Option<JsonStr<'a>> {
        match self.body {
            EventBody::ThinkingDelta { content }
            | EventBody::TextDelta { content }
            | EventBody::Thinking { content }
            | EventBody::Text { content }
            | EventBody::UserInput { content } => Some(content),
            _ => None,
        }
    }

    /// The call, for `tool_call` events.
    pub fn tool_call(&self) -> Option<&ToolCall<'a>> {
        match &self.body {
            EventBody::ToolCall(c) => Some(c),
            _ => None,
        }
    }

    /// The result, for `tool_result` events.
    pub fn tool_result(&self) -> Option<&ToolResult<'a>> {
        match &self.body {
            EventBody::ToolResult(r) => Some(r),
            _ => None,
        }
    }

    /// The stop, for `stop` events.
    pub fn stop(&self) -> Option<&Stop<'a>> {
        match &self.body {
            EventBody::Stop(s) => Some(s),
            _ => None,
        }
    }
}

/// The body of a text-bearing event type (`Untyped` for any other type).
#[inline]
fn text_body(ty: EventType, content: JsonStr<'_>) -> EventBody<'_> {
    match ty {
        EventType::ThinkingDelta => EventBody::ThinkingDelta { content },
        EventType::TextDelta => EventBody::TextDelta { content },
        EventType::Thinking => EventBody::Thinking { content },
        EventType::Text => EventBody::Text { content },
        EventType::UserInput => EventBody::UserInput { content },
        _ => EventBody::Untyped,
    }
}

/// A captured member value: strings keep their escape flag from the scan.
#[derive(Clone, Copy)]
enum Slot<'a> {
    Str(JsonStr<'a>, RawValue<'a>),
    Other(RawValue<'a>),
}

impl<'a> Slot<'a> {
    fn raw(&self) -> RawValue<'a> {
        match self {
            Slot::Str(_, r) | Slot::Other(r) => *r,
        }
    }
}

/// Known event member names; a slot each.
const KEYS: [&str; 11] = [
    "type",
    "content",
    "arguments",
    "call_id",
    "name",
    "result",
    "image_attachment",
    "error",
    "is_error",
    "usage",
    "skipped_index_ids",
];
const TYPE: usize = 0;
const CONTENT: usize = 1;
const ARGUMENTS: usize = 2;
const CALL_ID: usize = 3;
const NAME: usize = 4;
const RESULT: usize = 5;
const IMAGE: usize = 6;
const ERROR: usize = 7;
const IS_ERROR: usize = 8;
const USAGE: usize = 9;
const SKIPPED: usize = 10;

#[inline]
fn key_index(key: JsonStr<'_>) -> Option<usize> {
    match key.as_str() {
        Some(k) => match k {
            "type" => Some(TYPE),
            "content" => Some(CONTENT),
            "arguments" => Some(ARGUMENTS),
            "call_id" => Some(CALL_ID),
            "name" => Some(NAME),
            "result" => Some(RESULT),
            "image_attachment" => Some(IMAGE),
            "error" => Some(ERROR),
            "is_error" => Some(IS_ERROR),
            "usage" => Some(USAGE),
            "skipped_index_ids" => Some(SKIPPED),
            _ => None,
        },
        None => KEYS.iter().position(|name| key.eq_str(name)),
    }
}

/// Recognises a known member name written verbatim at the start of `rest` (which begins at
/// the opening quote), closing quote included: the common case, matched without scanning.
/// Names with escapes, or unknown names, return `None` and take the general path.
#[inline(always)]
fn quoted_key(rest: &[u8]) -> Option<(usize, usize)> {
    let k = match rest.get(1)? {
        b't' if rest.starts_with(b"\"type\"") => TYPE,
        b'c' if rest.starts_with(b"\"content\"") => CONTENT,
        b'c' if rest.starts_with(b"\"call_id\"") => CALL_ID,
        b'a' if rest.starts_with(b"\"arguments\"") => ARGUMENTS,
        b'n' if rest.starts_with(b"\"name\"") => NAME,
        b'r' if rest.starts_with(b"\"result\"") => RESULT,
        b'i' if rest.starts_with(b"\"image_attachment\"") => IMAGE,
        b'i' if rest.starts_with(b"\"is_error\"") => IS_ERROR,
        b'e' if rest.starts_with(b"\"error\"") => ERROR,
        b'u' if rest.starts_with(b"\"usage\"") => USAGE,
        b's' if rest.starts_with(b"\"skipped_index_ids\"") => SKIPPED,
        _ => return None,
    };
    Some((k, KEYS.get(k).map_or(0, |key| key.len() + 2)))
}

/// Recognises a known type tag written verbatim (quotes included) at the start of `rest`.
#[inline(always)]
fn quoted_tag(rest: &[u8]) -> Option<(EventType, usize)> {
    let (ty, len) = match rest.get(1)? {
        b't' => {
            if rest.starts_with(b"\"thinking_delta\"") {
                (EventType::ThinkingDelta, 16)
            } else if rest.starts_with(b"\"text_delta\"") {
                (EventType::TextDelta, 12)
            } else if rest.starts_with(b"\"thinking\"") {
                (EventType::Thinking, 10)
            } else if rest.starts_with(b"\"text\"") {
                (EventType::Text, 6)
            } else if rest.starts_with(b"\"tool_call\"") {
                (EventType::ToolCall, 11)
            } else if rest.starts_with(b"\"tool_result\"") {
                (EventType::ToolResult, 13)
            } else {
                return None;
            }
        }
        b'u' if rest.starts_with(b"\"user_input\"") => (EventType::UserInput, 12),
        b's' if rest.starts_with(b"\"stop\"") => (EventType::Stop, 6),
        _ => return None,
    };
    Some((ty, len))
}

/// The shape of nearly every text event on the wire, `{"type":"<tag>","content":"…"}`
/// without whitespace, decoded straight from the bytes. `None` (with the scanner unmoved) for
/// anything else, including errors, which the general path then reports.
#[inline(always)]
fn compact_text_event<'a>(sc: &mut Scanner<'a>, index: usize, depth: u16) -> Option<Event<'a>> {
    let start = sc.pos;
    let rest = sc.rest();
    if !rest.starts_with(b"{\"type\":") || depth > sc.max_depth() {
        return None;
    }
    let (ty, len) = quoted_tag(rest.get(8..)?)?;
    let content_at = 8 + len + 11;
    if !rest.get(8 + len..)?.starts_with(b",\"content\":\"") {
        return None;
    }
    sc.pos = start + content_at;
    let content = match sc.string() {
        Ok(content) if sc.rest().first() == Some(&b'}') => content,
        _ => {
            sc.pos = start;
            return None;
        }
    };
    let body = match ty {
        EventType::ThinkingDelta => EventBody::ThinkingDelta { content },
        EventType::TextDelta => EventBody::TextDelta { content },
        EventType::Thinking => EventBody::Thinking { content },
        EventType::Text => EventBody::Text { content },
        EventType::UserInput => EventBody::UserInput { content },
        _ => {
            sc.pos = start;
            return None;
        }
    };
    sc.pos += 1;
    Some(Event {
        index,
        inferred: false,
        body,
        raw: RawValue::new(sc.slice(start, sc.pos), sc.base() + start),
    })
}

/// The captured members of one event object, as compact spans into the scanner's text.
struct Slots<'a> {
    text: &'a str,
    base: usize,
    /// Bit k: member k was present.
    present: u16,
    /// Bit k: member k is a string (its span is the text between the quotes).
    strings: u16,
    /// Bit k: that string has escapes.
    escaped: u16,
    /// The type tag, when `type` was recognised during the scan.
    tag: Option<EventType>,
    spans: [(usize, usize); KEYS.len()],
    index: usize,
    raw: RawValue<'a>,
    /// The error of the check that returned [`Failed`].
    err: ErrorSlot,
}

/// Decodes the event object at the scanner. `depth` counts the containers around it.
///
/// Returns the event as an `Option` (the error, if any, is left in the scanner, marked with
/// `index` when it is a syntax error inside the object) so that the
/// event is built straight into the caller's `Option` — what [`Iterator::next`] returns —
/// rather than copied out of a `Result`.
#[inline(never)]
pub(crate) fn decode_event<'a>(
    sc: &mut Scanner<'a>,
    index: usize,
    depth: u16,
) -> Option<Event<'a>> {
    // Where the event's value starts (`decode_event_inner` skips the same whitespace).
    sc.skip_ws();
    let start = sc.offset();
    let event = decode_event_inner(sc, index, depth);
    if event.is_none() {
        sc.error_in_event(index, start);
    }
    event
}

#[cfg_attr(not(feature = "small"), inline(always))]
fn decode_event_inner<'a>(sc: &mut Scanner<'a>, index: usize, depth: u16) -> Option<Event<'a>> {
    if sc.peek_value().ok()? != b'{' {
        sc.error(ErrorKind::WrongType {
            at: Location::event(index, ""),
            expected: JsonType::Object,
        });
        return None;
    }
    if FAST_PATHS {
        if let Some(event) = compact_text_event(sc, index, depth + 1) {
            return Some(event);
        }
    }
    let start = sc.pos;
    sc.object_start(depth + 1).ok()?;
    let mut slots = Slots {
        text: sc.text(),
        base: sc.base(),
        present: 0,
        strings: 0,
        escaped: 0,
        tag: None,
        spans: [(0, 0); KEYS.len()],
        index,
        raw: RawValue::new("", 0),
        err: ErrorSlot::new(),
    };
    let mut first = true;
    loop {
        if !sc.next_member(&mut first).ok()? {
            break;
        }
        let known = if FAST_PATHS {
            quoted_key(sc.rest())
        } else {
            None
        };
        let k = match known {
            Some((k, len)) => {
                sc.pos += len;
                sc.expect(b':', "`:`").ok()?;
                k
            }
            None => match key_index(sc.key().ok()?) {
                Some(k) => k,
                None => {
                    sc.skip_value(depth + 1).ok()?;
                    continue;
                }
            },
        };
        let bit = 1u16 << k;
        if slots.present & bit != 0 {
            sc.error(ErrorKind::DuplicateField(Location::event(
                index,
                KEYS.get(k).copied().unwrap_or(""),
            )));
            return None;
        }
        slots.present |= bit;
        let span = if sc.peek_value().ok()? == b'"' {
            let open = sc.pos;
            slots.strings |= bit;
            let tag = if FAST_PATHS && k == TYPE {
                quoted_tag(sc.rest())
            } else {
                None
            };
            match tag {
                Some((tag, len)) => {
                    slots.tag = Some(tag);
                    sc.pos += len;
                }
                None => {
                    if sc.string_any().ok()?.has_escapes() {
                        slots.escaped |= bit;
                    }
                }
            }
            (open + 1, sc.pos - 1)
        } else {
            let v = sc.skip_value(depth + 1).ok()?;
            let from = v.offset() - slots.base;
            (from, from + v.as_raw_str().len())
        };
        if let Some(slot) = slots.spans.get_mut(k) {
            *slot = span;
        }
    }
    slots.raw = RawValue::new(sc.slice(start, sc.pos), slots.base + start);
    // `to_event` writes the event straight into this function's return slot; an error
    // was recorded in `slots.err` and moves to the scanner.
    let event = slots.to_event();
    if event.is_none() {
        let e = slots.err.get();
        sc.fail(e.kind(), e.offset());
    }
    event
}

impl<'a> Slots<'a> {
    #[inline]
    fn get(&self, k: usize) -> Option<Slot<'a>> {
        let bit = 1u16 << k;
        if self.present & bit == 0 {
            return None;
        }
        let &(from, to) = self.spans.get(k)?;
        if self.strings & bit != 0 {
            let inner = self.text.get(from..to)?;
            let quoted = self.text.get(from - 1..to + 1)?;
            Some(Slot::Str(
                JsonStr::new(inner, self.escaped & bit != 0),
                RawValue::new(quoted, self.base + from - 1),
            ))
        } else {
            Some(Slot::Other(RawValue::new(
                self.text.get(from..to)?,
                self.base + from,
            )))
        }
    }

    fn at(&self, k: usize) -> Location {
        Location::event(self.index, KEYS.get(k).copied().unwrap_or(""))
    }

    /// Records a missing-field error (pointing at the event's closing `}`).
    fn missing(&self, k: usize) -> Failed {
        self.fail(ErrorKind::MissingField(self.at(k)), self.end())
    }

    /// Offset of the event's closing `}`.
    fn end(&self) -> usize {
        self.raw.offset() + self.raw.as_raw_str().len().saturating_sub(1)
    }

    /// Records an error of `kind` at absolute byte `offset`.
    fn fail(&self, kind: ErrorKind, offset: usize) -> Failed {
        self.err.fail(kind, offset)
    }

    fn wrong(&self, at: Location, value: RawValue<'_>, expected: JsonType) -> Failed {
        self.fail(ErrorKind::WrongType { at, expected }, value.offset())
    }

    #[inline]
    fn string(&self, k: usize) -> Result<JsonStr<'a>, Failed> {
        let bit = 1u16 << k;
        match self.spans.get(k) {
            Some(&(from, to)) if self.strings & bit != 0 => Ok(JsonStr::new(
                self.text.get(from..to).unwrap_or_default(),
                self.escaped & bit != 0,
            )),
            _ => Err(self.not_a_string(k)),
        }
    }

    #[cold]
    fn not_a_string(&self, k: usize) -> Failed {
        match self.get(k) {
            Some(slot) => self.wrong(self.at(k), slot.raw(), JsonType::String),
            None => self.missing(k),
        }
    }

    #[inline]
    fn value(&self, k: usize) -> Result<RawValue<'a>, Failed> {
        self.get(k).map(|s| s.raw()).ok_or_else(|| self.missing(k))
    }

    #[inline]
    fn object(&self, k: usize) -> Result<RawValue<'a>, Failed> {
        let v = self.value(k)?;
        if v.kind() == ValueKind::Object {
            Ok(v)
        } else {
            Err(self.wrong(self.at(k), v, JsonType::Object))
        }
    }

    #[inline]
    fn to_event(&self) -> Option<Event<'a>> {
        let (ty, inferred) = match self.tag {
            Some(tag) => (tag, false),
            None => self.slow_type().ok()?,
        };
        // The five text-bearing types inline (the bulk of a session); the rest out of line.
        let body = match ty {
            EventType::ThinkingDelta
            | EventType::TextDelta
            | EventType::Thinking
            | EventType::Text
            | EventType::UserInput => text_body(ty, self.string(CONTENT).ok()?),
            _ => match self.body(ty) {
                Ok(body) => body,
                // No `type` was claimed, so fields that do not fit a guess are no contract
                // breach.
                Err(_) if inferred => return Some(self.finish(EventBody::Untyped, false)),
                Err(Failed) => return None,
            },
        };
        Some(self.finish(body, inferred))
    }

    /// The type when it was not a verbatim known tag: an escaped or unknown tag, a wrong
    /// type, or inferred from the fields (`Unknown`/`Untyped` for the event objects as is).
    #[inline(never)]
    fn slow_type(&self) -> Result<(EventType, bool), Failed> {
        Ok(match self.get(TYPE) {
            Some(Slot::Str(tag, _)) => match EventType::from_tag(tag) {
                Some(t) => (t, false),
                None => (EventType::Unknown, false),
            },
            Some(Slot::Other(v)) if !v.is_null() => {
                return Err(self.wrong(self.at(TYPE), v, JsonType::String));
            }
            _ => match self.infer() {
                Some(t) => (t, true),
                None => (EventType::Untyped, false),
            },
        })
    }

    #[inline]
    fn finish(&self, body: EventBody<'a>, inferred: bool) -> Event<'a> {
        Event {
            index: self.index,
            inferred,
            body,
            raw: self.raw,
        }
    }

    /// The type of an untyped event, when exactly one family of fields is present:
    /// `arguments` (tool_call), `result`/`image_attachment` (tool_result),
    /// `usage`/`is_error` (stop). Text-bearing types all look alike, so they stay untyped.
    #[inline]
    fn infer(&self) -> Option<EventType> {
        let has = |k| self.get(k).is_some();
        let call = has(ARGUMENTS);
        let result = has(RESULT) || has(IMAGE);
        let stop = has(USAGE) || has(IS_ERROR);
        match (call, result, stop) {
            (true, false, false) => Some(EventType::ToolCall),
            (false, true, false) => Some(EventType::ToolResult),
            (false, false, true) => Some(EventType::Stop),
            _ => None,
        }
    }

    #[inline(never)]
    fn body(&self, ty: EventType) -> Result<EventBody<'a>, Failed> {
        Ok(match ty {
            EventType::ThinkingDelta
            | EventType::TextDelta
            | EventType::Thinking
            | EventType::Text
            | EventType::UserInput => text_body(ty, self.string(CONTENT)?),
            EventType::ToolCall => EventBody::ToolCall(ToolCall {
                arguments: self.object(ARGUMENTS)?,
                call_id: self.string(CALL_ID)?,
                name: self.string(NAME)?,
            }),
            EventType::ToolResult => EventBody::ToolResult(ToolResult {
                call_id: self.string(CALL_ID)?,
                name: self.string(NAME)?,
                result: self.value(RESULT)?,
                image_attachment: self.image_attachment()?,
            }),
            EventType::Stop => EventBody::Stop(self.stop()?),
            EventType::Unknown => EventBody::Unknown {
                type_name: self.string(TYPE)?,
            },
            EventType::Untyped => EventBody::Untyped,
        })
    }

    fn image_attachment(&self) -> Result<Field<ImageAttachment<'a>>, Failed> {
        let Some(slot) = self.get(IMAGE) else {
            return Ok(Field::Missing);
        };
        let v = slot.raw();
        if v.is_null() {
            return Ok(Field::Null);
        }
        if v.kind() != ValueKind::Object {
            return Err(self.wrong(self.at(IMAGE), v, JsonType::Object));
        }
        let name_at = Location::event(self.index, "image_attachment.attachment_name");
        let source_at = Location::event(self.index, "image_attachment.source_id");
        let mut name = None;
        let mut source = None;
        for (key, value) in v.members() {
            let (target, at) = if key.eq_str("attachment_name") {
                (&mut name, name_at)
            } else if key.eq_str("source_id") {
                (&mut source, source_at)
            } else {
                continue;
            };
            if target.is_some() {
                return Err(self.fail(ErrorKind::DuplicateField(at), value.offset()));
            }
            *target = Some(
                value
                    .as_str()
                    .ok_or_else(|| self.wrong(at, value, JsonType::String))?,
            );
        }
        let end = v.offset() + v.as_raw_str().len().saturating_sub(1);
        Ok(Field::Present(ImageAttachment {
            attachment_name: name
                .ok_or_else(|| self.fail(ErrorKind::MissingField(name_at), end))?,
            source_id: source.ok_or_else(|| self.fail(ErrorKind::MissingField(source_at), end))?,
        }))
    }

    fn stop(&self) -> Result<Stop<'a>, Failed> {
        let error = match self.get(ERROR) {
            None => return Err(self.missing(ERROR)),
            Some(Slot::Str(s, _)) => Some(s),
            Some(Slot::Other(v)) if v.is_null() => None,
            Some(Slot::Other(v)) => {
                return Err(self.wrong(self.at(ERROR), v, JsonType::StringOrNull))
            }
        };
        let is_error_value = self.value(IS_ERROR)?;
        let is_error = is_error_value
            .as_bool()
            .ok_or_else(|| self.wrong(self.at(IS_ERROR), is_error_value, JsonType::Bool))?;
        let usage = self.usage(self.object(USAGE)?)?;
        let skipped_index_ids = match self.get(SKIPPED) {
            None => Field::Missing,
            Some(s) if s.raw().is_null() => Field::Null,
            Some(s) => {
                let v = s.raw();
                let at = self.at(SKIPPED);
                if v.kind() != ValueKind::Array {
                    return Err(self.wrong(at, v, JsonType::StringArray));
                }
                if let Some(bad) = v.items().find(|item| item.kind() != ValueKind::String) {
                    return Err(self.wrong(at, bad, JsonType::StringArray));
                }
                Field::Present(StrList { raw: v })
            }
        };
        Ok(Stop {
            error,
            is_error,
            usage,
            skipped_index_ids,
        })
    }

    fn usage(&self, raw: RawValue<'a>) -> Result<Usage<'a>, Failed> {
        const FIELDS: [&str; 4] = [
            "usage.duration_ms",
            "usage.total_input_tokens",
            "usage.total_output_tokens",
            "usage.turns",
        ];
        let mut usage = Usage {
            duration_ms: Field::Missing,
            total_input_tokens: Field::Missing,
            total_output_tokens: Field::Missing,
            turns: Field::Missing,
            raw,
        };
        let mut seen = 0u32;
        const KEYS: [&str; 4] = [
            "duration_ms",
            "total_input_tokens",
            "total_output_tokens",
            "turns",
        ];
        for (key, value) in raw.members() {
            let Some(i) = KEYS.iter().position(|k| key.eq_str(k)) else {
                continue;
            };
            let at = Location::event(self.index, FIELDS.get(i).copied().unwrap_or("usage"));
            if seen & (1 << i) != 0 {
                return Err(self.fail(ErrorKind::DuplicateField(at), value.offset()));
            }
            seen |= 1 << i;
            if value.is_null() {
                continue_null(&mut usage, i);
                continue;
            }
            let want = if i == 0 {
                JsonType::Number
            } else {
                JsonType::Integer
            };
            let Some(text) = value.as_number_str() else {
                return Err(self.wrong(at, value, want));
            };
            if i == 0 {
                let n = read::finite(text, at).map_err(|kind| self.fail(kind, value.offset()))?;
                usage.duration_ms = Field::Present(n);
            } else {
                let n = Field::Present(
                    parse_u64(text)
                        .map_err(|e| self.fail(read::number_error(e, at, want), value.offset()))?,
                );
                match i {
                    1 => usage.total_input_tokens = n,
                    2 => usage.total_output_tokens = n,
                    _ => usage.turns = n,
                }
            }
        }
        Ok(usage)
    }
}

fn continue_null(usage: &mut Usage<'_>, i: usize) {
    match i {
        0 => usage.duration_ms = Field::Null,
        1 => usage.total_input_tokens = Field::Null,
        2 => usage.total_output_tokens = Field::Null,
        _ => usage.turns = Field::Null,
    }
}
