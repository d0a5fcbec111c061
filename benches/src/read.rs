//! "Read every field of every event": the same work for each representation.
//!
//! Every string is handed to a caller-supplied function (the benchmark either `black_box`es
//! the view or decodes it), every raw JSON view, number, boolean and option is passed through
//! [`black_box`] so the optimiser cannot skip the decoding that produced it. The header is
//! read too. Unknown top-level fields are not read: the serde structs drop them.

use std::hint::black_box;

use lcsession_core::{Event, EventBody, Field, Header, JsonStr, Session};

use crate::typed::{TaggedEvent, TaggedSession, Text, TypedEvent, TypedJobMetadata, TypedSession};

/// Passes a string view through [`black_box`] without decoding it.
#[inline]
pub fn touch_str(s: JsonStr<'_>) {
    black_box(s.raw());
    black_box(s.has_escapes());
}

/// Decodes JSON strings into one reusable buffer (the "+unescape" benchmark rows).
#[derive(Debug)]
pub struct Unescaper<'b> {
    buf: &'b mut [u8],
    /// Strings longer than the buffer, decoded char by char instead.
    pub overflows: usize,
}

impl<'b> Unescaper<'b> {
    /// Decodes into `buf`; strings that do not fit are decoded by iterating their chars.
    pub fn new(buf: &'b mut [u8]) -> Self {
        Unescaper { buf, overflows: 0 }
    }

    /// Decodes `s` and passes the decoded text through [`black_box`].
    #[inline]
    pub fn decode(&mut self, s: JsonStr<'_>) {
        if let Some(plain) = s.as_str() {
            black_box(plain);
            return;
        }
        match s.decode_into(self.buf) {
            Ok(text) => {
                black_box(text);
            }
            Err(_) => {
                self.overflows += 1;
                for c in s.chars() {
                    black_box(c);
                }
            }
        }
    }
}

/// Reads the header and every field of every event; `text` receives every string.
/// Returns the number of events.
pub fn read_lcsession<'a, const ID: usize, const TEXT: usize, const LIST: usize>(
    session: &Session<'a, ID, TEXT, LIST>,
    text: &mut impl FnMut(JsonStr<'a>),
) -> usize {
    read_header(session.header());
    let mut count = 0;
    for event in session.events() {
        read_event(&event, text);
        count += 1;
    }
    count
}

/// Reads the header and every field of every event in ONE pass over the input, with
/// [`lcsession_core::parse_visiting`]. Returns the number of events, or `usize::MAX` when the
/// document is invalid.
pub fn read_lcsession_one_pass<'a>(doc: &'a [u8], text: &mut impl FnMut(JsonStr<'a>)) -> usize {
    let mut count = 0;
    match lcsession_core::parse_visiting(doc, |event| {
        read_event(event, text);
        count += 1;
    }) {
        Ok(session) => {
            read_header(session.header());
            count
        }
        Err(_) => usize::MAX,
    }
}

/// Size of the pieces [`read_lcsession_fed`] hands the incremental decoder: a typical socket
/// or SD-card read.
pub const FEED_PIECE: usize = 128 * 1024;

/// How [`read_lcsession_fed`] checks the UTF-8 of the pieces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    /// [`SessionDecoder::feed`](lcsession_core::SessionDecoder::feed): the decoder checks
    /// each piece, and the whole input once more for the final session's views.
    Bytes,
    /// [`lcsession_core::utf8_prefix`] on each new piece, then
    /// [`SessionDecoder::feed_str`](lcsession_core::SessionDecoder::feed_str).
    Str,
}

/// Reads the header and every field of every event like [`read_lcsession_one_pass`], but
/// through the incremental [`lcsession_core::SessionDecoder`], handing it the input as if it
/// arrived in [`FEED_PIECE`]-byte pieces (each call passes all the bytes so far). Returns the
/// number of events, or `usize::MAX` when the document is invalid.
pub fn read_lcsession_fed<'a>(
    doc: &'a [u8],
    how: Feed,
    text: &mut impl FnMut(JsonStr<'a>),
) -> usize {
    let mut decoder: lcsession_core::SessionDecoder =
        lcsession_core::SessionDecoder::new(lcsession_core::ParseOptions::default());
    let (mut received, mut checked) = (0usize, 0usize);
    loop {
        received = (received + FEED_PIECE).min(doc.len());
        let complete = received == doc.len();
        let Some(input) = doc.get(..received) else {
            return usize::MAX;
        };
        let mut visit = |event: &lcsession_core::Event<'a>| read_event(event, text);
        let fed = match how {
            Feed::Bytes => decoder.feed(input, complete, &mut visit),
            Feed::Str => {
                match lcsession_core::utf8_prefix(input, checked, complete) {
                    Ok(valid) => checked = valid,
                    Err(_) => return usize::MAX,
                }
                let Some(valid) = input.get(..checked) else {
                    return usize::MAX;
                };
                // SAFETY: `utf8_prefix` has checked `input[..checked]`, a piece at a time (the
                // way a client checks what it receives; `from_utf8` here would check the
                // whole prefix again at every piece).
                let s = unsafe { core::str::from_utf8_unchecked(valid) };
                decoder.feed_str(s, complete, &mut visit)
            }
        };
        match fed {
            Ok(Some(session)) => {
                read_header(session.header());
                return decoder.event_count();
            }
            Ok(None) if !complete => {}
            _ => return usize::MAX,
        }
    }
}

/// Reads every field of one event; `text` receives every string.
pub fn read_event<'a>(event: &Event<'a>, text: &mut impl FnMut(JsonStr<'a>)) {
    {
        black_box(event.index);
        black_box(event.inferred);
        black_box(event.raw.as_raw_str());
        match event.body {
            EventBody::ThinkingDelta { content }
            | EventBody::TextDelta { content }
            | EventBody::Thinking { content }
            | EventBody::Text { content }
            | EventBody::UserInput { content } => text(content),
            EventBody::ToolCall(call) => {
                black_box(call.arguments.as_raw_str());
                text(call.call_id);
                text(call.name);
            }
            EventBody::ToolResult(result) => {
                text(result.call_id);
                text(result.name);
                black_box(result.result.as_raw_str());
                match result.image_attachment {
                    Field::Present(image) => {
                        text(image.attachment_name);
                        text(image.source_id);
                    }
                    other => {
                        black_box(other.is_null());
                    }
                }
            }
            EventBody::Stop(stop) => {
                match stop.error {
                    Some(error) => text(error),
                    None => {
                        black_box(());
                    }
                }
                black_box(stop.is_error);
                black_box(stop.usage.duration_ms.map(|n| n.as_f64()));
                black_box(stop.usage.total_input_tokens);
                black_box(stop.usage.total_output_tokens);
                black_box(stop.usage.turns);
                black_box(stop.usage.raw.as_raw_str());
                match stop.skipped_index_ids {
                    Field::Present(ids) => ids.iter().for_each(&mut *text),
                    other => {
                        black_box(other.is_null());
                    }
                }
            }
            EventBody::Unknown { type_name } => text(type_name),
            EventBody::Untyped => {
                black_box(());
            }
        }
    }
}

fn read_header<const ID: usize, const TEXT: usize, const LIST: usize>(
    header: &Header<ID, TEXT, LIST>,
) {
    black_box(header.session_id.as_str());
    black_box(header.last_updated_at.as_str());
    black_box(header.generated_title.present().map(|t| t.as_str()));
    if let Some(ids) = header.index_ids.present() {
        ids.iter().for_each(|id| {
            black_box(id.as_str());
        });
    }
    if let Some(job) = header.job_metadata.present() {
        // Kept as written by the parse; converted here, as the serde types do while parsing.
        black_box(job.duration_ms.as_ref().map(|n| n.as_f64()));
        black_box(job.error.present().map(|t| t.as_str()));
        if let Some(ids) = job.export_config_ids.present() {
            ids.iter().for_each(|id| {
                black_box(id.as_str());
            });
        }
        black_box(job.is_error);
        black_box(job.total_input_tokens);
        black_box(job.total_output_tokens);
        black_box(job.turns);
    }
    black_box(header.shared_access.present().map(|s| s.as_str()));
}

#[inline]
fn touch_text(t: &Text<'_>) {
    black_box(&**t);
}

fn touch_opt(t: &Option<Text<'_>>) {
    black_box(t.as_deref());
}

fn read_typed_header(
    session_id: &Text<'_>,
    last_updated_at: &Text<'_>,
    generated_title: &Option<Text<'_>>,
    index_ids: &Option<Vec<Text<'_>>>,
    job_metadata: &Option<TypedJobMetadata<'_>>,
    shared_access: &Option<Text<'_>>,
) {
    touch_text(session_id);
    touch_text(last_updated_at);
    touch_opt(generated_title);
    if let Some(ids) = index_ids {
        ids.iter().for_each(touch_text);
    }
    if let Some(job) = job_metadata {
        black_box(job.duration_ms);
        touch_opt(&job.error);
        if let Some(ids) = &job.export_config_ids {
            ids.iter().for_each(touch_text);
        }
        black_box(job.is_error);
        black_box(job.total_input_tokens);
        black_box(job.total_output_tokens);
        black_box(job.turns);
    }
    touch_opt(shared_access);
}

/// Reads every field of a [`TypedSession`] the way [`read_lcsession`] reads a session:
/// the event is classified by its `type`, then the fields of that type are read.
/// Returns the number of events.
pub fn read_typed(session: &TypedSession<'_>) -> usize {
    read_typed_header(
        &session.session_id,
        &session.last_updated_at,
        &session.generated_title,
        &session.index_ids,
        &session.job_metadata,
        &session.shared_access,
    );
    for (index, event) in session.events.iter().enumerate() {
        black_box(index);
        read_typed_event(event);
    }
    session.events.len()
}

fn read_typed_event(e: &TypedEvent<'_>) {
    match e.ty.as_deref() {
        Some("thinking_delta" | "text_delta" | "thinking" | "text" | "user_input") => {
            touch_opt(&e.content);
        }
        Some("tool_call") => {
            black_box(e.arguments.map(|a| a.get()));
            touch_opt(&e.call_id);
            touch_opt(&e.name);
        }
        Some("tool_result") => {
            touch_opt(&e.call_id);
            touch_opt(&e.name);
            black_box(e.result.map(|r| r.get()));
            match &e.image_attachment {
                Some(image) => {
                    touch_text(&image.attachment_name);
                    touch_text(&image.source_id);
                }
                None => {
                    black_box(());
                }
            }
        }
        Some("stop") => read_typed_stop(e),
        // Unknown type, or none: everything that is there.
        other => {
            black_box(other);
            touch_opt(&e.content);
            black_box(e.arguments.map(|a| a.get()));
            touch_opt(&e.call_id);
            touch_opt(&e.name);
            black_box(e.result.map(|r| r.get()));
            if let Some(image) = &e.image_attachment {
                touch_text(&image.attachment_name);
                touch_text(&image.source_id);
            }
            read_typed_stop(e);
        }
    }
}

fn read_typed_stop(e: &TypedEvent<'_>) {
    touch_opt(&e.error);
    black_box(e.is_error);
    if let Some(usage) = &e.usage {
        black_box(usage.duration_ms);
        black_box(usage.total_input_tokens);
        black_box(usage.total_output_tokens);
        black_box(usage.turns);
    }
    if let Some(ids) = &e.skipped_index_ids {
        ids.iter().for_each(touch_text);
    }
}

/// Reads every field of a [`TaggedSession`]. Returns the number of events.
pub fn read_tagged(session: &TaggedSession<'_>) -> usize {
    read_typed_header(
        &session.session_id,
        &session.last_updated_at,
        &session.generated_title,
        &session.index_ids,
        &session.job_metadata,
        &session.shared_access,
    );
    for (index, event) in session.events.iter().enumerate() {
        black_box(index);
        match event {
            TaggedEvent::ThinkingDelta { content }
            | TaggedEvent::TextDelta { content }
            | TaggedEvent::Thinking { content }
            | TaggedEvent::Text { content }
            | TaggedEvent::UserInput { content } => touch_text(content),
            TaggedEvent::ToolCall {
                arguments,
                call_id,
                name,
            } => {
                black_box(arguments);
                touch_text(call_id);
                touch_text(name);
            }
            TaggedEvent::ToolResult {
                call_id,
                name,
                result,
                image_attachment,
            } => {
                touch_text(call_id);
                touch_text(name);
                black_box(result);
                if let Some(image) = image_attachment {
                    touch_text(&image.attachment_name);
                    touch_text(&image.source_id);
                }
            }
            TaggedEvent::Stop {
                error,
                is_error,
                usage,
                skipped_index_ids,
            } => {
                touch_opt(error);
                black_box(is_error);
                black_box(usage.duration_ms);
                black_box(usage.total_input_tokens);
                black_box(usage.total_output_tokens);
                black_box(usage.turns);
                if let Some(ids) = skipped_index_ids {
                    ids.iter().for_each(touch_text);
                }
            }
            TaggedEvent::Unknown => {
                black_box(());
            }
        }
    }
    session.events.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_representation_sees_every_event_of_the_sample() {
        let lcs = lcsession_core::parse(crate::SAMPLE).unwrap();
        let mut strings = 0;
        assert_eq!(read_lcsession(&lcs, &mut |_| strings += 1), 45);
        // 45 events; at least one string each except stops without error and untyped ones.
        assert!(strings >= 40, "{strings}");
        let typed: TypedSession<'_> = serde_json::from_slice(crate::SAMPLE).unwrap();
        assert_eq!(read_typed(&typed), 45);
    }

    #[test]
    fn unescaper_decodes_and_falls_back_on_long_strings() {
        let doc = br#"{"events":[{"type":"text","content":"a\nb"},{"type":"text","content":"0123456789\t"}],"session_id":"s","last_updated_at":"t"}"#;
        let lcs = lcsession_core::parse(doc).unwrap();
        let mut buf = [0u8; 8];
        let mut u = Unescaper::new(&mut buf);
        read_lcsession(&lcs, &mut |s| u.decode(s));
        assert_eq!(u.overflows, 1);
    }

    #[test]
    fn bench_inputs_have_only_typed_events() {
        // The tagged-enum baseline cannot read untyped events; the generated inputs have none.
        for doc in [
            lcsession_gen::long_texts(256 * 1024, lcsession_gen::BENCH_SEED),
            lcsession_gen::many_deltas(256 * 1024, lcsession_gen::BENCH_SEED),
        ] {
            let tagged: TaggedSession<'_> = serde_json::from_str(&doc).unwrap();
            let typed: TypedSession<'_> = serde_json::from_str(&doc).unwrap();
            let lcs = lcsession_core::parse(doc.as_bytes()).unwrap();
            assert_eq!(read_tagged(&tagged), lcs.event_count());
            assert_eq!(read_typed(&typed), read_lcsession(&lcs, &mut touch_str));
        }
    }
}
