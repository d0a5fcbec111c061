//! A structure-aware session model for the `structured` target: libFuzzer's bytes become a
//! valid session (via `arbitrary`), rendered with varied key order, whitespace and escapes.
//! The parse must accept it and decode exactly the model; then byte-level mutations of the
//! rendered text explore the neighbourhood of valid sessions.

use std::fmt::Write as _;

use arbitrary::{Arbitrary, Unstructured};
use serde_json::Value;

/// A JSON value of the model (depth limited when rendered).
#[derive(Debug, Clone, Arbitrary)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A non-negative integer.
    U(u64),
    /// A signed integer.
    I(i64),
    /// A finite float (non-finite ones render as `0.5`).
    F(f64),
    /// A string.
    S(String),
    /// An array.
    A(Vec<Json>),
    /// An object (keys may repeat: the first one is what `get` finds).
    O(Vec<(String, Json)>),
}

impl Json {
    /// The value as `serde_json` would hold it (floats normalised like the renderer).
    pub fn to_value(&self, depth: usize) -> Value {
        if depth >= MAX_MODEL_DEPTH {
            return Value::Null;
        }
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::U(u) => Value::from(*u),
            Json::I(i) => Value::from(*i),
            Json::F(f) => Value::from(finite(*f)),
            Json::S(s) => Value::String(s.clone()),
            Json::A(items) => Value::Array(items.iter().map(|j| j.to_value(depth + 1)).collect()),
            Json::O(members) => {
                // serde_json keeps the last duplicate; so does to_value's Map::insert.
                let mut map = serde_json::Map::new();
                for (k, v) in members {
                    map.insert(k.clone(), v.to_value(depth + 1));
                }
                Value::Object(map)
            }
        }
    }
}

/// Deepest nesting of model values (the arguments object sits at depth 4 of 128).
pub const MAX_MODEL_DEPTH: usize = 40;

fn finite(f: f64) -> f64 {
    if f.is_finite() {
        f
    } else {
        0.5
    }
}

/// An optional field: missing, null or present.
#[derive(Debug, Clone, Arbitrary)]
pub enum Opt<T> {
    /// Key absent.
    Missing,
    /// `null`.
    Null,
    /// A value.
    Present(T),
}

/// `job_metadata`.
#[derive(Debug, Clone, Arbitrary)]
pub struct Job {
    /// `duration_ms`
    pub duration_ms: Opt<f64>,
    /// `error`
    pub error: Opt<String>,
    /// `export_config_ids`
    pub export_config_ids: Opt<Vec<String>>,
    /// `is_error`
    pub is_error: Opt<bool>,
    /// `total_input_tokens`
    pub total_input_tokens: Opt<u64>,
    /// `total_output_tokens`
    pub total_output_tokens: Opt<u64>,
    /// `turns`
    pub turns: Opt<u64>,
}

/// `usage` of a stop event.
#[derive(Debug, Clone, Arbitrary)]
pub struct Usage {
    /// `duration_ms`
    pub duration_ms: Opt<f64>,
    /// `total_input_tokens`
    pub total_input_tokens: Opt<u64>,
    /// `total_output_tokens`
    pub total_output_tokens: Opt<u64>,
    /// `turns`
    pub turns: Opt<u64>,
    /// Extra members (keys get an `x_` prefix so they are never known ones).
    pub extra: Vec<(String, Json)>,
}

/// One event of the model.
#[derive(Debug, Clone, Arbitrary)]
pub enum Ev {
    /// One of the five text types (`kind % 5`).
    Text {
        /// Which type.
        kind: u8,
        /// `content`
        content: String,
    },
    /// `tool_call`; without `type` when `untagged` (then inferred).
    ToolCall {
        /// `call_id`
        call_id: String,
        /// `name`
        name: String,
        /// `arguments`
        arguments: Vec<(String, Json)>,
        /// Omit `type`.
        untagged: bool,
    },
    /// `tool_result`
    ToolResult {
        /// `call_id`
        call_id: String,
        /// `name`
        name: String,
        /// `result`
        result: Json,
        /// `image_attachment` (name, source id)
        image: Opt<(String, String)>,
    },
    /// `stop`
    Stop {
        /// `error` (`None` = `null`)
        error: Option<String>,
        /// `is_error`
        is_error: bool,
        /// `usage`
        usage: Usage,
        /// `skipped_index_ids`
        skipped: Opt<Vec<String>>,
    },
    /// An unknown type (the tag gets an `x-` prefix).
    Unknown {
        /// The tag.
        tag: String,
        /// Other members (keys prefixed `x_`).
        fields: Vec<(String, Json)>,
    },
    /// No type and no identifying field (keys prefixed `x_`).
    Untyped {
        /// Members.
        fields: Vec<(String, Json)>,
    },
}

/// A whole session.
#[derive(Debug, Clone, Arbitrary)]
pub struct Doc {
    /// `session_id`
    pub session_id: String,
    /// `last_updated_at`
    pub last_updated_at: String,
    /// `generated_title`
    pub generated_title: Opt<String>,
    /// `index_ids`
    pub index_ids: Opt<Vec<String>>,
    /// `job_metadata`
    pub job_metadata: Opt<Job>,
    /// `shared_access`: 0 = query, 1 = read_only, else the string.
    pub shared_access: Opt<(u8, String)>,
    /// `events`
    pub events: Vec<Ev>,
    /// Unknown top-level members (keys prefixed `x_`).
    pub unknown: Vec<(String, Json)>,
    /// Seed for key order, whitespace and escapes.
    pub style: u64,
}

/// The five text types, by `kind % 5`.
pub const TEXT_TYPES: [&str; 5] = [
    "thinking_delta",
    "text_delta",
    "thinking",
    "text",
    "user_input",
];

/// Truncates to at most `max` bytes on a char boundary.
pub fn fit(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

impl Doc {
    /// Makes the model fit the default header capacities (ids 128 bytes, texts 512, lists 16,
    /// shared_access 32) so that it must be accepted.
    pub fn normalise(&mut self) {
        // Members rendered in shuffled order must have distinct keys, or which duplicate
        // comes first would depend on the shuffle.
        for e in &mut self.events {
            match e {
                Ev::Stop { usage, .. } => dedup(&mut usage.extra),
                Ev::Unknown { fields, .. } | Ev::Untyped { fields } => dedup(fields),
                _ => {}
            }
        }
        self.session_id = fit(&self.session_id, 128);
        self.last_updated_at = fit(&self.last_updated_at, 128);
        if let Opt::Present(t) = &mut self.generated_title {
            *t = fit(t, 512);
        }
        let ids = |l: &mut Vec<String>| {
            l.truncate(16);
            for s in l.iter_mut() {
                *s = fit(s, 128);
            }
        };
        if let Opt::Present(l) = &mut self.index_ids {
            ids(l);
        }
        if let Opt::Present(job) = &mut self.job_metadata {
            if let Opt::Present(e) = &mut job.error {
                *e = fit(e, 512);
            }
            if let Opt::Present(l) = &mut job.export_config_ids {
                ids(l);
            }
        }
        if let Opt::Present((_, s)) = &mut self.shared_access {
            *s = fit(s, 32);
        }
    }
}

/// Keeps the first member of each key.
fn dedup(members: &mut Vec<(String, Json)>) {
    let mut seen = std::collections::HashSet::new();
    members.retain(|(k, _)| seen.insert(k.clone()));
}

/// Deterministic choices for rendering.
pub struct Style(u64);

impl Style {
    /// From a seed.
    pub fn new(seed: u64) -> Self {
        Style(seed | 1)
    }

    fn next(&mut self) -> u64 {
        // xorshift64
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn one_in(&mut self, n: u64) -> bool {
        self.next().is_multiple_of(n)
    }

    fn ws(&mut self, out: &mut String) {
        if self.one_in(4) {
            const WS: [&str; 5] = [" ", "\n", "\t", "\r\n  ", "  "];
            out.push_str(WS[(self.next() % 5) as usize]);
        }
    }

    /// A JSON string literal for `s`, with escapes chosen at random (always for `"`, `\`
    /// and control characters; sometimes for anything else, including surrogate pairs).
    pub fn string(&mut self, s: &str, out: &mut String) {
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\u{8}' if self.one_in(2) => out.push_str("\\b"),
                '\u{c}' if self.one_in(2) => out.push_str("\\f"),
                '\n' if self.one_in(2) => out.push_str("\\n"),
                '\r' if self.one_in(2) => out.push_str("\\r"),
                '\t' if self.one_in(2) => out.push_str("\\t"),
                '/' if self.one_in(2) => out.push_str("\\/"),
                c if (c as u32) < 0x20 || self.one_in(8) => {
                    let mut units = [0u16; 2];
                    for u in c.encode_utf16(&mut units) {
                        if self.one_in(2) {
                            let _ = write!(out, "\\u{u:04x}");
                        } else {
                            let _ = write!(out, "\\u{u:04X}");
                        }
                    }
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }

    /// Renders an object from already rendered `(key, value)` members, shuffled.
    fn object(&mut self, mut members: Vec<(String, String)>, out: &mut String) {
        // Fisher-Yates with the style's generator.
        for i in (1..members.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            members.swap(i, j);
        }
        self.object_in_order(members, out);
    }

    fn object_in_order(&mut self, members: Vec<(String, String)>, out: &mut String) {
        out.push('{');
        for (i, (k, v)) in members.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            self.ws(out);
            self.string(&k, out);
            self.ws(out);
            out.push(':');
            self.ws(out);
            out.push_str(&v);
            self.ws(out);
        }
        out.push('}');
    }

    /// Renders a model value.
    pub fn json(&mut self, j: &Json, depth: usize, out: &mut String) {
        if depth >= MAX_MODEL_DEPTH {
            out.push_str("null");
            return;
        }
        match j {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::U(u) => {
                let _ = write!(out, "{u}");
            }
            Json::I(i) => {
                let _ = write!(out, "{i}");
            }
            Json::F(f) => self.float(finite(*f), out),
            Json::S(s) => self.string(s, out),
            Json::A(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    self.ws(out);
                    self.json(item, depth + 1, out);
                    self.ws(out);
                }
                out.push(']');
            }
            Json::O(members) => {
                // Kept in order: duplicate keys must stay first-wins for `get`.
                let rendered = members
                    .iter()
                    .map(|(k, v)| {
                        let mut s = String::new();
                        self.json(v, depth + 1, &mut s);
                        (k.clone(), s)
                    })
                    .collect();
                self.object_in_order(rendered, out);
            }
        }
    }

    /// A float that reads back as the same `f64` and as a float (never as an integer).
    pub fn float(&mut self, f: f64, out: &mut String) {
        match self.next() % 3 {
            0 => {
                let _ = write!(out, "{f:?}");
            }
            1 => {
                let _ = write!(out, "{f:e}");
            }
            _ => {
                let _ = write!(out, "{:E}", f);
            }
        }
    }

    fn opt<T>(
        &mut self,
        members: &mut Vec<(String, String)>,
        key: &str,
        o: &Opt<T>,
        mut render: impl FnMut(&mut Self, &T, &mut String),
    ) {
        match o {
            Opt::Missing => {}
            Opt::Null => members.push((key.to_string(), "null".to_string())),
            Opt::Present(v) => {
                let mut s = String::new();
                render(self, v, &mut s);
                members.push((key.to_string(), s));
            }
        }
    }

    fn strings(&mut self, l: &[String], out: &mut String) {
        out.push('[');
        for (i, s) in l.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            self.ws(out);
            self.string(s, out);
        }
        out.push(']');
    }

    fn extra(&mut self, fields: &[(String, Json)], depth: usize) -> Vec<(String, String)> {
        fields
            .iter()
            .map(|(k, v)| {
                let mut s = String::new();
                self.json(v, depth + 1, &mut s);
                (format!("x_{k}"), s)
            })
            .collect()
    }

    fn str_member(&mut self, key: &str, s: &str) -> (String, String) {
        let mut out = String::new();
        self.string(s, &mut out);
        (key.to_string(), out)
    }

    /// Renders an event (depth of the event object: 3).
    pub fn event(&mut self, e: &Ev, out: &mut String) {
        let mut m: Vec<(String, String)> = Vec::new();
        match e {
            Ev::Text { kind, content } => {
                m.push(self.str_member("type", TEXT_TYPES[usize::from(*kind % 5)]));
                m.push(self.str_member("content", content));
            }
            Ev::ToolCall {
                call_id,
                name,
                arguments,
                untagged,
            } => {
                if !untagged {
                    m.push(self.str_member("type", "tool_call"));
                }
                m.push(self.str_member("call_id", call_id));
                m.push(self.str_member("name", name));
                let mut args = String::new();
                self.json(&Json::O(arguments.clone()), 3, &mut args);
                m.push(("arguments".into(), args));
            }
            Ev::ToolResult {
                call_id,
                name,
                result,
                image,
            } => {
                m.push(self.str_member("type", "tool_result"));
                m.push(self.str_member("call_id", call_id));
                m.push(self.str_member("name", name));
                let mut r = String::new();
                self.json(result, 3, &mut r);
                m.push(("result".into(), r));
                self.opt(&mut m, "image_attachment", image, |st, (a, s), out| {
                    let members = vec![
                        st.str_member("attachment_name", a),
                        st.str_member("source_id", s),
                    ];
                    st.object(members, out);
                });
            }
            Ev::Stop {
                error,
                is_error,
                usage,
                skipped,
            } => {
                m.push(self.str_member("type", "stop"));
                match error {
                    Some(e) => m.push(self.str_member("error", e)),
                    None => m.push(("error".into(), "null".into())),
                }
                m.push(("is_error".into(), is_error.to_string()));
                let mut u = self.extra(&usage.extra, 4);
                self.opt(&mut u, "duration_ms", &usage.duration_ms, |st, f, out| {
                    st.float(finite(*f), out)
                });
                for (key, v) in [
                    ("total_input_tokens", &usage.total_input_tokens),
                    ("total_output_tokens", &usage.total_output_tokens),
                    ("turns", &usage.turns),
                ] {
                    self.opt(&mut u, key, v, |_, n, out| {
                        let _ = write!(out, "{n}");
                    });
                }
                let mut us = String::new();
                self.object(u, &mut us);
                m.push(("usage".into(), us));
                self.opt(&mut m, "skipped_index_ids", skipped, |st, l, out| {
                    st.strings(l, out)
                });
            }
            Ev::Unknown { tag, fields } => {
                m.push(self.str_member("type", &format!("x-{tag}")));
                m.extend(self.extra(fields, 3));
            }
            Ev::Untyped { fields } => m.extend(self.extra(fields, 3)),
        }
        self.object(m, out);
    }

    /// Renders the whole session.
    pub fn doc(&mut self, d: &Doc) -> String {
        let mut m: Vec<(String, String)> = Vec::new();
        m.push(self.str_member("session_id", &d.session_id));
        m.push(self.str_member("last_updated_at", &d.last_updated_at));
        self.opt(
            &mut m,
            "generated_title",
            &d.generated_title,
            |st, t, out| st.string(t, out),
        );
        self.opt(&mut m, "index_ids", &d.index_ids, |st, l, out| {
            st.strings(l, out)
        });
        self.opt(&mut m, "job_metadata", &d.job_metadata, |st, job, out| {
            let mut j = Vec::new();
            st.opt(&mut j, "duration_ms", &job.duration_ms, |st, f, out| {
                st.float(finite(*f), out)
            });
            st.opt(&mut j, "error", &job.error, |st, e, out| st.string(e, out));
            st.opt(
                &mut j,
                "export_config_ids",
                &job.export_config_ids,
                |st, l, out| st.strings(l, out),
            );
            st.opt(&mut j, "is_error", &job.is_error, |_, b, out| {
                out.push_str(if *b { "true" } else { "false" })
            });
            for (key, v) in [
                ("total_input_tokens", &job.total_input_tokens),
                ("total_output_tokens", &job.total_output_tokens),
                ("turns", &job.turns),
            ] {
                st.opt(&mut j, key, v, |_, n, out| {
                    let _ = write!(out, "{n}");
                });
            }
            st.object(j, out);
        });
        self.opt(
            &mut m,
            "shared_access",
            &d.shared_access,
            |st, (k, s), out| match k % 3 {
                0 => st.string("query", out),
                1 => st.string("read_only", out),
                _ => st.string(s, out),
            },
        );
        let mut events = String::from("[");
        for (i, e) in d.events.iter().enumerate() {
            if i > 0 {
                events.push(',');
            }
            self.ws(&mut events);
            self.event(e, &mut events);
            self.ws(&mut events);
        }
        events.push(']');
        m.push(("events".into(), events));
        let unknown_start = m.len();
        m.extend(self.extra(&d.unknown, 1));
        // Shuffle known members among themselves, keep unknown ones in order (the check
        // compares their order), then interleave both.
        let unknown = m.split_off(unknown_start);
        let mut known = m;
        for i in (1..known.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            known.swap(i, j);
        }
        let mut all = Vec::new();
        let (mut k, mut u) = (known.into_iter().peekable(), unknown.into_iter().peekable());
        while k.peek().is_some() || u.peek().is_some() {
            let take_known = u.peek().is_none() || (k.peek().is_some() && self.one_in(2));
            all.extend(if take_known { k.next() } else { u.next() });
        }
        let mut out = String::new();
        self.ws(&mut out);
        self.object_in_order(all, &mut out);
        self.ws(&mut out);
        out
    }
}

/// A byte-level edit of rendered text, for the neighbourhood of valid sessions.
#[derive(Debug, Clone, Arbitrary)]
pub enum Mutation {
    /// Remove the byte at `pos`.
    Delete(u16),
    /// Insert a byte.
    Insert(u16, u8),
    /// Replace a byte.
    Replace(u16, u8),
    /// Insert a JSON token from a fixed list.
    Token(u16, u8),
    /// Cut the text at `pos`.
    Truncate(u16),
    /// Copy `len` bytes from `from` to `to`.
    Copy {
        /// Source.
        from: u16,
        /// Length.
        len: u8,
        /// Destination.
        to: u16,
    },
}

const TOKENS: [&[u8]; 24] = [
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"\"",
    b"\\",
    b"\\u",
    b"\\ud83d",
    b"\\ude00",
    b"null",
    b"true",
    b"-",
    b"0",
    b"1e999",
    b".",
    b"e",
    b"\"type\"",
    b"\"events\"",
    b"\"tool_call\"",
    b"\"stop\"",
    b"\xff",
    b"\xe2\x82",
];

impl Mutation {
    /// Applies the edit (positions wrap around the text's length).
    pub fn apply(&self, text: &mut Vec<u8>) {
        let at = |p: u16, len: usize| usize::from(p) % (len + 1);
        match *self {
            Mutation::Delete(p) => {
                if !text.is_empty() {
                    let i = usize::from(p) % text.len();
                    text.remove(i);
                }
            }
            Mutation::Insert(p, b) => {
                let i = at(p, text.len());
                text.insert(i, b);
            }
            Mutation::Replace(p, b) => {
                if !text.is_empty() {
                    let i = usize::from(p) % text.len();
                    text[i] = b;
                }
            }
            Mutation::Token(p, t) => {
                let i = at(p, text.len());
                let tok = TOKENS[usize::from(t) % TOKENS.len()];
                text.splice(i..i, tok.iter().copied());
            }
            Mutation::Truncate(p) => {
                let i = at(p, text.len());
                text.truncate(i);
            }
            Mutation::Copy { from, len, to } => {
                let from = at(from, text.len());
                let end = (from + usize::from(len)).min(text.len());
                let piece = text[from..end].to_vec();
                let to = at(to, text.len());
                text.splice(to..to, piece);
            }
        }
    }
}

/// Reads a model and its mutations from libFuzzer's bytes.
pub fn from_bytes(data: &[u8]) -> arbitrary::Result<(Doc, Vec<Mutation>)> {
    let mut u = Unstructured::new(data);
    let doc = Doc::arbitrary(&mut u)?;
    let mutations = Vec::<Mutation>::arbitrary(&mut u)?;
    Ok((doc, mutations))
}
