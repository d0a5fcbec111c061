//! `--format text`: a readable summary of the header, then the transcript.
//!
//! Strings are shown decoded. Control characters other than newline and tab, and the
//! characters that reorder or break lines unseen (bidirectional overrides, U+2028/U+2029), are
//! shown as `\uXXXX` so a hostile dump cannot drive the terminal or disguise what it shows;
//! multi-line text is indented under its block's label.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

use lcsession_core::{Event, EventBody, EventType, Field, JsonStr, RawValue, Segment, Usage};

use crate::emit::Emit as _;
use crate::inspect::CliSession;
use crate::json::JsonWriter;

/// How many characters of a tool result's compact JSON the transcript shows.
pub const RESULT_PREVIEW_CHARS: usize = 200;

/// Whether text for a terminal shows `c` as `\uXXXX`: control characters (the caller keeps
/// tab, and newline where it means one), bidirectional marks, embeddings, overrides and
/// isolates (which reorder what is displayed), and the Unicode line and paragraph separators.
pub fn escaped_for_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
                | '\u{2028}' | '\u{2029}'
        )
}

/// Makes text from a dump, a server or a file name safe for a terminal: what
/// [`escaped_for_terminal`] says is shown as `\uXXXX`, except tab and (when `keep_newlines`)
/// newline.
pub fn escape_controls(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let keep = |c: char| c == '\t' || (keep_newlines && c == '\n') || !escaped_for_terminal(c);
    if text.chars().all(keep) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if keep(c) {
            out.push(c);
        } else {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        }
    }
    Cow::Owned(out)
}

/// Indentation of block contents.
const INDENT: &str = "  ";

/// Writes the summary and the transcript.
pub fn write_text<W: Write>(out: &mut W, session: &CliSession<'_>) -> io::Result<()> {
    write_summary(out, session)?;
    out.write_all(b"\ntranscript:\n")?;
    write_transcript(out, session)
}

/// Writes decoded text for a terminal: control characters other than newline and tab are
/// escaped, and lines after a newline are indented. Indentation is written only before a
/// line's first character, so blank lines (and empty texts) carry no trailing spaces.
struct TextOut<'w, W: Write> {
    out: &'w mut W,
    indent: &'w str,
    at_line_start: bool,
}

impl<'w, W: Write> TextOut<'w, W> {
    /// Text continuing the current line (`at_line_start` false) or starting a new indented
    /// line (true).
    fn new(out: &'w mut W, indent: &'w str, at_line_start: bool) -> Self {
        TextOut {
            out,
            indent,
            at_line_start,
        }
    }

    /// Writes the indentation if a new line starts here.
    fn indent_line(&mut self) -> io::Result<()> {
        if self.at_line_start {
            self.at_line_start = false;
            self.out.write_all(self.indent.as_bytes())?;
        }
        Ok(())
    }

    /// Text without special characters.
    fn plain(&mut self, s: &str) -> io::Result<()> {
        if s.is_empty() {
            return Ok(());
        }
        self.indent_line()?;
        self.out.write_all(s.as_bytes())
    }

    /// Any decoded text: runs of ordinary characters are written in one go.
    fn str(&mut self, s: &str) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in s.char_indices() {
            if c == '\t' || !escaped_for_terminal(c) {
                continue;
            }
            self.plain(s.get(start..i).unwrap_or_default())?;
            start = i + c.len_utf8();
            if c == '\n' {
                self.out.write_all(b"\n")?;
                self.at_line_start = true;
            } else {
                self.indent_line()?;
                write!(self.out, "\\u{:04x}", u32::from(c))?;
            }
        }
        self.plain(s.get(start..).unwrap_or_default())
    }

    /// A JSON string, decoded segment by segment.
    fn json(&mut self, s: JsonStr<'_>) -> io::Result<()> {
        let mut buf = [0u8; 4];
        for segment in s.segments() {
            match segment {
                Segment::Text(t) => self.str(t)?,
                Segment::Char(c) => self.str(c.encode_utf8(&mut buf))?,
            }
        }
        Ok(())
    }
}

fn write_str<W: Write>(out: &mut W, s: &str) -> io::Result<()> {
    TextOut::new(out, INDENT, false).str(s)
}

fn write_json_str<W: Write>(out: &mut W, s: JsonStr<'_>, indent: &str) -> io::Result<()> {
    TextOut::new(out, indent, false).json(s)
}

/// Writes a text block (the concatenation of `parts`) on the lines after its label, every
/// line indented.
fn write_block<'s, W: Write>(
    out: &mut W,
    parts: impl IntoIterator<Item = JsonStr<'s>>,
) -> io::Result<()> {
    let mut text = TextOut::new(out, INDENT, true);
    for part in parts {
        text.json(part)?;
    }
    Ok(())
}

/// A header field: its value, `(none)` when missing, `(null)` when null.
fn write_field<W: Write, T>(
    out: &mut W,
    field: &Field<T>,
    present: impl FnOnce(&mut W, &T) -> io::Result<()>,
) -> io::Result<()> {
    match field {
        Field::Present(v) => present(out, v),
        Field::Null => out.write_all(b"(null)"),
        Field::Missing => out.write_all(b"(none)"),
    }
}

/// A list of strings, comma-separated; `(empty)` for an empty list.
fn write_list<'s, W: Write>(out: &mut W, items: impl Iterator<Item = &'s str>) -> io::Result<()> {
    let mut any = false;
    for item in items {
        if any {
            out.write_all(b", ")?;
        }
        any = true;
        write_str(out, item)?;
    }
    if !any {
        out.write_all(b"(empty)")?;
    }
    Ok(())
}

fn write_summary<W: Write>(out: &mut W, session: &CliSession<'_>) -> io::Result<()> {
    let h = session.header();
    out.write_all(b"session id:     ")?;
    write_str(out, &h.session_id)?;
    out.write_all(b"\ntitle:          ")?;
    write_field(out, &h.generated_title, |out, t| write_str(out, t))?;
    out.write_all(b"\nlast updated:   ")?;
    write_str(out, &h.last_updated_at)?;
    out.write_all(b"\nshared access:  ")?;
    write_field(out, &h.shared_access, |out, a| write_str(out, a.as_str()))?;
    out.write_all(b"\nindex ids:      ")?;
    write_field(out, &h.index_ids, |out, ids| {
        write_list(out, ids.iter().map(|s| s.as_str()))
    })?;
    out.write_all(b"\njob metadata:")?;
    match &h.job_metadata {
        Field::Present(job) => {
            out.write_all(b"\n  duration_ms:         ")?;
            // The parse checked that the number is a finite `f64`.
            write_field(out, &job.duration_ms, |out, d| {
                write!(out, "{}", d.as_f64().unwrap_or(0.0))
            })?;
            out.write_all(b"\n  error:               ")?;
            write_field(out, &job.error, |out, e| write_str(out, e))?;
            out.write_all(b"\n  export_config_ids:   ")?;
            write_field(out, &job.export_config_ids, |out, ids| {
                write_list(out, ids.iter().map(|s| s.as_str()))
            })?;
            out.write_all(b"\n  is_error:            ")?;
            write_field(out, &job.is_error, |out, b| write!(out, "{b}"))?;
            out.write_all(b"\n  total_input_tokens:  ")?;
            write_field(out, &job.total_input_tokens, |out, n| write!(out, "{n}"))?;
            out.write_all(b"\n  total_output_tokens: ")?;
            write_field(out, &job.total_output_tokens, |out, n| write!(out, "{n}"))?;
            out.write_all(b"\n  turns:               ")?;
            write_field(out, &job.turns, |out, n| write!(out, "{n}"))?;
        }
        other => {
            out.write_all(b"   ")?;
            write_field(out, other, |_, _| Ok(()))?;
        }
    }
    write_counts(out, session)?;
    out.write_all(b"\nunknown fields: ")?;
    let mut any = false;
    for (key, _) in session.unknown_fields() {
        if any {
            out.write_all(b", ")?;
        }
        any = true;
        write_json_str(out, key, INDENT)?;
    }
    if !any {
        out.write_all(b"(none)")?;
    }
    out.write_all(b"\n")
}

/// The order event types are counted in: wire order, then unknown and untyped.
const COUNT_ORDER: [EventType; 10] = [
    EventType::UserInput,
    EventType::ThinkingDelta,
    EventType::Thinking,
    EventType::ToolCall,
    EventType::ToolResult,
    EventType::TextDelta,
    EventType::Text,
    EventType::Stop,
    EventType::Unknown,
    EventType::Untyped,
];

fn type_label(t: EventType) -> &'static str {
    match t {
        EventType::Unknown => "unknown",
        EventType::Untyped => "untyped",
        other => other.as_str().unwrap_or("?"),
    }
}

/// `events: N (type count, …)`, non-zero counts only, plus how many types were inferred.
fn write_counts<W: Write>(out: &mut W, session: &CliSession<'_>) -> io::Result<()> {
    let mut counts = [0usize; COUNT_ORDER.len()];
    let mut inferred = 0usize;
    for event in session.events() {
        let t = event.event_type();
        if let Some(slot) = COUNT_ORDER
            .iter()
            .position(|&c| c == t)
            .and_then(|i| counts.get_mut(i))
        {
            *slot += 1;
        }
        inferred += usize::from(event.inferred);
    }
    write!(out, "\nevents:         {}", session.event_count())?;
    let mut first = true;
    for (t, n) in COUNT_ORDER.iter().zip(counts) {
        if n == 0 {
            continue;
        }
        out.write_all(if first { b" (" } else { b", " })?;
        first = false;
        write!(out, "{} {n}", type_label(*t))?;
    }
    if !first {
        out.write_all(b")")?;
    }
    if inferred > 0 {
        write!(out, "; type inferred for {inferred}")?;
    }
    Ok(())
}

/// A run of consecutive deltas of one type, held until we know whether a full event follows.
struct DeltaRun<'a> {
    kind: EventType,
    first: usize,
    last: usize,
    parts: Vec<JsonStr<'a>>,
}

fn write_transcript<W: Write>(out: &mut W, session: &CliSession<'_>) -> io::Result<()> {
    let mut run: Option<DeltaRun<'_>> = None;
    for event in session.events() {
        let t = event.event_type();
        if let Some(r) = run.as_mut() {
            if r.kind == t {
                r.last = event.index;
                r.parts.extend(event.content());
                continue;
            }
        }
        if let Some(r) = run.take() {
            let superseded = matches!(
                (r.kind, t),
                (EventType::ThinkingDelta, EventType::Thinking)
                    | (EventType::TextDelta, EventType::Text)
            );
            if !superseded {
                write_run(out, &r)?;
            }
        }
        if matches!(t, EventType::ThinkingDelta | EventType::TextDelta) {
            run = Some(DeltaRun {
                kind: t,
                first: event.index,
                last: event.index,
                parts: event.content().into_iter().collect(),
            });
            continue;
        }
        write_event(out, &event)?;
    }
    if let Some(r) = run {
        write_run(out, &r)?;
    }
    Ok(())
}

fn write_run<W: Write>(out: &mut W, run: &DeltaRun<'_>) -> io::Result<()> {
    let label = if run.kind == EventType::ThinkingDelta {
        "thinking"
    } else {
        "assistant"
    };
    if run.first == run.last {
        writeln!(out, "#{} {label} (1 delta):", run.first)?;
    } else {
        writeln!(
            out,
            "#{}-#{} {label} ({} deltas):",
            run.first,
            run.last,
            run.parts.len()
        )?;
    }
    // One character stream, so a newline at the end of a part indents the next part's text.
    write_block(out, run.parts.iter().copied())?;
    out.write_all(b"\n")
}

/// Compact JSON of a raw value (strings decoded and re-escaped).
fn compact(value: RawValue<'_>) -> io::Result<String> {
    compact_prefix(value, usize::MAX)
}

/// [`compact`], or a prefix of it holding more than `max_chars` characters: the writing
/// stops after the first token that takes it past `4 * max_chars + 4` bytes (a character
/// is at most 4), so a preview of a large value does not render all of it.
fn compact_prefix(value: RawValue<'_>, max_chars: usize) -> io::Result<String> {
    let enough = max_chars.saturating_mul(4).saturating_add(4);
    let mut w = JsonWriter::new(Vec::new(), false);
    for token in value.tokens() {
        w.token(token)?;
        if w.get_ref().len() >= enough {
            break;
        }
    }
    // The writer only emits UTF-8 (validated input text and `&str`s), so no copy is made.
    Ok(String::from_utf8(w.into_inner())
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// The first `max` characters of `s`, then `…` if anything was cut.
fn abbreviate(s: &str, max: usize) -> (&str, bool) {
    match s.char_indices().nth(max) {
        Some((cut, _)) => (s.get(..cut).unwrap_or(s), true),
        None => (s, false),
    }
}

fn write_event<W: Write>(out: &mut W, event: &Event<'_>) -> io::Result<()> {
    let i = event.index;
    let inferred = if event.inferred {
        " [type inferred]"
    } else {
        ""
    };
    match &event.body {
        EventBody::UserInput { content } => {
            write!(out, "\n#{i} user:\n")?;
            write_block(out, [*content])?;
        }
        EventBody::Thinking { content } => {
            writeln!(out, "#{i} thinking:")?;
            write_block(out, [*content])?;
        }
        EventBody::Text { content } => {
            writeln!(out, "#{i} assistant:")?;
            write_block(out, [*content])?;
        }
        // Deltas are merged by the caller; a lone one is shown as it is.
        EventBody::ThinkingDelta { content } | EventBody::TextDelta { content } => {
            writeln!(out, "#{i} {}:", type_label(event.event_type()))?;
            write_block(out, [*content])?;
        }
        EventBody::ToolCall(call) => {
            write!(out, "#{i} tool call ")?;
            write_json_str(out, call.name, INDENT)?;
            out.write_all(b" (")?;
            write_json_str(out, call.call_id, INDENT)?;
            write!(out, "){inferred}\n{INDENT}")?;
            write_str(out, &compact(call.arguments)?)?;
        }
        EventBody::ToolResult(result) => {
            write!(out, "#{i} tool result ")?;
            write_json_str(out, result.name, INDENT)?;
            out.write_all(b" (")?;
            write_json_str(out, result.call_id, INDENT)?;
            write!(out, "){inferred}\n{INDENT}")?;
            let json = compact_prefix(result.result, RESULT_PREVIEW_CHARS)?;
            let (shown, cut) = abbreviate(&json, RESULT_PREVIEW_CHARS);
            write_str(out, shown)?;
            if cut {
                out.write_all("…".as_bytes())?;
            }
            match &result.image_attachment {
                Field::Present(image) => {
                    write!(out, "\n{INDENT}image_attachment: ")?;
                    write_json_str(out, image.attachment_name, INDENT)?;
                    out.write_all(b" from source ")?;
                    write_json_str(out, image.source_id, INDENT)?;
                }
                Field::Null => write!(out, "\n{INDENT}image_attachment: (null)")?,
                Field::Missing => {}
            }
        }
        EventBody::Stop(stop) => {
            write!(out, "#{i} stop{inferred}: is_error={}", stop.is_error)?;
            write!(out, "\n{INDENT}usage: ")?;
            write_usage(out, &stop.usage)?;
            write!(out, "\n{INDENT}error: ")?;
            match stop.error {
                Some(e) => write_json_str(out, e, "         ")?,
                None => out.write_all(b"(null)")?,
            }
            match &stop.skipped_index_ids {
                Field::Present(ids) => {
                    write!(out, "\n{INDENT}skipped_index_ids: ")?;
                    let mut any = false;
                    for id in ids.iter() {
                        if any {
                            out.write_all(b", ")?;
                        }
                        any = true;
                        write_json_str(out, id, INDENT)?;
                    }
                    if !any {
                        out.write_all(b"(empty)")?;
                    }
                }
                Field::Null => write!(out, "\n{INDENT}skipped_index_ids: (null)")?,
                Field::Missing => {}
            }
        }
        EventBody::Unknown { type_name } => {
            write!(out, "#{i} unknown event ")?;
            write_json_str(out, *type_name, INDENT)?;
            write!(out, "\n{INDENT}")?;
            write_str(out, &compact(event.raw)?)?;
        }
        EventBody::Untyped => {
            write!(out, "#{i} untyped event\n{INDENT}")?;
            write_str(out, &compact(event.raw)?)?;
        }
    }
    out.write_all(b"\n")
}

/// `key=value` for every usage member in input order; `(empty)` for `{}`.
fn write_usage<W: Write>(out: &mut W, usage: &Usage<'_>) -> io::Result<()> {
    let mut any = false;
    for (key, value) in usage.raw.members() {
        if any {
            out.write_all(b" ")?;
        }
        any = true;
        write_json_str(out, key, INDENT)?;
        out.write_all(b"=")?;
        let typed = if key.eq_str("duration_ms") {
            typed_number(&usage.duration_ms.map(|d| d.as_f64().unwrap_or(0.0)))
        } else if key.eq_str("total_input_tokens") {
            typed_number(&usage.total_input_tokens)
        } else if key.eq_str("total_output_tokens") {
            typed_number(&usage.total_output_tokens)
        } else if key.eq_str("turns") {
            typed_number(&usage.turns)
        } else {
            None
        };
        match typed {
            Some(text) => out.write_all(text.as_bytes())?,
            None => write_str(out, &compact(value)?)?,
        }
    }
    if !any {
        out.write_all(b"(empty)")?;
    }
    Ok(())
}

fn typed_number<T: std::fmt::Display>(field: &Field<T>) -> Option<String> {
    match field {
        Field::Present(v) => Some(v.to_string()),
        Field::Null => Some("null".to_owned()),
        Field::Missing => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compact_prefix_previews_like_the_whole_rendering() {
        let value = r#"{"hits":[{"t":"caf\u00e9 📈 \"q\"","n":[1,2.5,-3e2],"ok":true,"x":null},"#
            .to_owned()
            + &r#""Ærø 中文 \n",{"k":{}},"#.repeat(80)
            + "[]]}";
        let doc = format!(r#"{{"session_id":"s","last_updated_at":"t","events":[],"v":{value}}}"#);
        let session = CliSession::parse(doc.as_bytes()).unwrap();
        let v = session.raw().get("v").unwrap();
        let whole = compact(v).unwrap();
        assert!(whole.chars().count() > 1000);
        for max in [0, 1, 5, 17, 40, 200, 999, 5000] {
            let prefix = compact_prefix(v, max).unwrap();
            assert!(whole.starts_with(&prefix), "max {max}");
            assert_eq!(
                abbreviate(&prefix, max),
                abbreviate(&whole, max),
                "max {max}"
            );
            assert!(prefix.len() <= (4 * max + 4).max(40) + 64 || prefix == whole);
        }
    }

    #[test]
    fn abbreviate_counts_chars() {
        assert_eq!(abbreviate("héllo", 2), ("hé", true));
        assert_eq!(abbreviate("hé", 2), ("hé", false));
    }

    #[test]
    fn control_characters_are_escaped_and_lines_indented() {
        let mut out = Vec::new();
        TextOut::new(&mut out, "  ", false)
            .str("a\u{1b}[31m\n\nb\tc\u{9b}\n\u{7f}")
            .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a\\u001b[31m\n\n  b\tc\\u009b\n  \\u007f"
        );
    }
}
