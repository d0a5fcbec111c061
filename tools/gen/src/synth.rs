//! Seeded synthetic sessions for benchmarks: [`long_texts`] and
//! [`many_deltas`].
//!
//! Everything is written straight into one pre-allocated `String`; text is
//! composed in a scratch buffer and escaped on the fly, choosing per
//! character (from the seeded PRNG) whether `/` becomes `\/` and whether a
//! non-ASCII character is written raw or as a `\uXXXX` escape / surrogate
//! pair. The output is therefore valid JSON and fully determined by
//! `(target_bytes, seed)`.

use std::fmt::Write as _;

use crate::escape::escape_content;
use crate::rng::Rng;

const WORDS: &[&str] = &[
    "the",
    "the",
    "the",
    "of",
    "of",
    "and",
    "and",
    "in",
    "in",
    "to",
    "to",
    "for",
    "with",
    "on",
    "by",
    "was",
    "is",
    "a",
    "a",
    "an",
    "that",
    "this",
    "from",
    "as",
    "at",
    "we",
    "our",
    "it",
    "which",
    "revenue",
    "margin",
    "operating",
    "quarter",
    "guidance",
    "segment",
    "growth",
    "decline",
    "forecast",
    "cash",
    "flow",
    "capital",
    "expenditure",
    "headcount",
    "compared",
    "year",
    "over",
    "previous",
    "analysts",
    "expected",
    "report",
    "notes",
    "section",
    "table",
    "page",
    "increase",
    "decrease",
    "basis",
    "points",
    "driven",
    "demand",
    "pricing",
    "mix",
    "currency",
    "headwinds",
    "tailwinds",
    "inventory",
    "backlog",
    "customers",
    "retention",
    "churn",
    "pipeline",
    "contracts",
    "deferred",
    "recognised",
    "adjusted",
    "EBITDA",
    "net",
    "income",
    "per",
    "share",
    "dividend",
    "buyback",
    "liquidity",
    "debt",
    "covenant",
    "risk",
    "factors",
    "exposure",
    "volatility",
    "supply",
    "chain",
    "data-centre",
    "build-out",
    "Cloud",
    "Devices",
    "Services",
    "subscription",
    "renewals",
    "management",
    "commentary",
    "outlook",
    "fiscal",
    "Q3",
    "Q2",
    "10-Q",
    "YoY",
    "QoQ",
    "gross",
    "R&D",
    "SG&A",
    "free",
    "impairment",
    "goodwill",
    "tax",
    "rate",
    "effective",
    "one-off",
    "restructuring",
    "charge",
    "EMEA",
    "APAC",
    "Americas",
    "consumer",
    "enterprise",
    "ARR",
    "bookings",
    "user",
    "asked",
    "should",
    "check",
    "confirm",
    "likely",
];

const INTL: &[&str] = &[
    "café",
    "Société Générale",
    "naïve",
    "Zürich",
    "São Paulo",
    "Málaga",
    "Ærø",
    "€142",
    "±0.5%",
    "≈",
    "—",
    "…",
    "“headline”",
    "中文",
    "收入",
    "营业利润率",
    "第三季度",
    "同比增长",
    "日本語",
    "한국어",
    "Ελλάδα",
    "Россия",
    "😀",
    "📈",
    "📉",
    "✅",
    "🚀",
    "µs",
    "Ω",
    "→",
    "½",
    "Δ",
];

const SECTIONS: &[&str] = &[
    "Management's Discussion & Analysis",
    "Item 1A. Risk Factors",
    "Note 11 — Segment information",
    "Prepared remarks",
    "Q&A session",
    "Liquidity and Capital Resources",
    "Consolidated Statements of Cash Flows",
];

const DOC_TYPES: &[&str] = &[
    "10-Q",
    "10-K",
    "earnings_call_transcript",
    "analyst_note",
    "press_release",
];

const INDEX_IDS: &[&str] = &["idx-fin-reports-2025", "idx-earnings-calls"];

const TITLES: &[&str] = &[
    "What were the main findings in Q3? Revenue, margins — risk factors",
    "Q3 2025 deep dive: \"margin expansion\" and segment mix",
    "Compare Q2 vs Q3 segment revenue (10-Q p.22)",
    "Summarise Société Générale's note for the Shanghai team (中文)",
];

/// Streaming writer for one synthetic session.
struct Gen {
    out: String,
    rng: Rng,
    scratch: String,
    stream: String,
    seed: u64,
    first_event: bool,
    turns: u64,
    input_tokens: u64,
    output_tokens: u64,
    duration_tenths: u64,
    turn_start: usize,
}

impl Gen {
    fn new(target_bytes: usize, seed: u64, salt: u64) -> Self {
        let mut out = String::with_capacity(target_bytes + target_bytes / 16 + 128 * 1024);
        out.push_str("{\"events\":[");
        Gen {
            out,
            rng: Rng::new(seed ^ salt),
            scratch: String::with_capacity(32 * 1024),
            stream: String::with_capacity(32 * 1024),
            seed,
            first_event: true,
            turns: 0,
            input_tokens: 0,
            output_tokens: 0,
            duration_tenths: 0,
            turn_start: 0,
        }
    }

    // ---- low-level JSON writing -------------------------------------------

    /// Writes `scratch` as a JSON string, escaping with a random mix of
    /// raw / escaped non-ASCII and `/` vs `\/`.
    fn push_scratch(&mut self) {
        let Gen {
            out, rng, scratch, ..
        } = self;
        out.push('"');
        escape_content(out, scratch, |c| {
            if c == '/' {
                rng.chance(1, 4)
            } else {
                rng.chance(1, 3)
            }
        });
        out.push('"');
    }

    /// Writes `s` as a JSON string (same mixed escaping as `push_scratch`).
    fn push_str_value(&mut self, s: &str) {
        self.scratch.clear();
        self.scratch.push_str(s);
        self.push_scratch();
    }

    fn begin_event(&mut self, ty: &str) {
        if !self.first_event {
            self.out.push(',');
        }
        self.first_event = false;
        self.out.push_str("{\"type\":\"");
        self.out.push_str(ty);
        self.out.push('"');
    }

    fn push_int(&mut self, v: i64) {
        let _ = write!(self.out, "{v}");
    }

    /// `0.xxxx`
    fn push_score(&mut self) {
        let v = self.rng.below(10_000);
        let _ = write!(self.out, "0.{v:04}");
    }

    /// A number in one of several JSON spellings: integers, negatives,
    /// decimals and exponents (`1.25e6`, `-4.5E-3`, `2e+3`).
    fn push_number(&mut self) {
        let r = &mut self.rng;
        let _ = match r.below(8) {
            0 => write!(self.out, "{}", r.below(100_000)),
            1 => write!(self.out, "-{}", 1 + r.below(5_000)),
            2 | 3 => write!(self.out, "{}.{:02}", r.below(1_000), r.below(100)),
            4 => write!(self.out, "-{}.{:02}", r.below(100), 1 + r.below(99)),
            5 => write!(
                self.out,
                "{}.{}e{}",
                1 + r.below(9),
                r.below(1_000),
                r.below(10)
            ),
            6 => write!(
                self.out,
                "-{}.{}E-{}",
                1 + r.below(9),
                r.below(100),
                1 + r.below(8)
            ),
            _ => write!(self.out, "{}e+{}", 1 + r.below(9), r.below(4)),
        };
    }

    fn push_bool(&mut self) {
        let b = self.rng.chance(1, 2);
        self.out.push_str(if b { "true" } else { "false" });
    }

    fn push_call_id(&mut self) -> u64 {
        let id = self.rng.next_u64();
        self.write_call_id(id);
        id
    }

    fn write_call_id(&mut self, id: u64) {
        let _ = write!(self.out, "\"call_{id:016x}\"");
    }

    // ---- text composition (into scratch, raw) -----------------------------

    fn word(&mut self, capitalise: bool) {
        let start = self.scratch.len();
        if self.rng.chance(1, 30) {
            let w = *self.rng.pick(INTL);
            self.scratch.push_str(w);
        } else {
            let w = *self.rng.pick(WORDS);
            self.scratch.push_str(w);
        }
        if capitalise && self.scratch.as_bytes()[start].is_ascii_lowercase() {
            self.scratch[start..start + 1].make_ascii_uppercase();
        }
    }

    fn sentence(&mut self) {
        let n = self.rng.range(5, 22);
        for i in 0..n {
            if i > 0 {
                self.scratch.push(' ');
            }
            match self.rng.below(40) {
                0 => {
                    self.scratch.push('"');
                    for j in 0..self.rng.range(1, 4) {
                        if j > 0 {
                            self.scratch.push(' ');
                        }
                        self.word(false);
                    }
                    self.scratch.push('"');
                }
                1 => {
                    let (a, b) = (self.rng.below(60), self.rng.below(10));
                    let _ = write!(self.scratch, "{a}.{b}%");
                }
                2 => {
                    let (a, b) = (1 + self.rng.below(9), self.rng.below(100));
                    let _ = write!(self.scratch, "${a}.{b:02}B");
                }
                3 => {
                    let w = *self.rng.pick(INTL);
                    self.scratch.push_str(w);
                }
                _ => self.word(i == 0),
            }
        }
        let end = *self.rng.pick(&[". ", ". ", ". ", ". ", "? ", "; ", ": "]);
        self.scratch.push_str(end);
    }

    fn block(&mut self) {
        match self.rng.below(24) {
            0..=2 => {
                for _ in 0..self.rng.range(2, 5) {
                    self.scratch.push_str("- ");
                    self.sentence();
                    self.scratch.push('\n');
                }
                self.scratch.push('\n');
            }
            3 | 4 => {
                self.scratch.push_str("Segment\tQ2 2025\tQ3 2025\tChange\n");
                for _ in 0..self.rng.range(2, 5) {
                    self.word(true);
                    let (a, b, c) = (self.rng.below(500), self.rng.below(500), self.rng.below(99));
                    let sign = if self.rng.chance(1, 3) { '-' } else { '+' };
                    let _ = writeln!(
                        self.scratch,
                        "\t{}.{:02}\t{}.{:02}\t{sign}0.{c:02}",
                        a / 100,
                        a % 100,
                        b / 100,
                        b % 100
                    );
                }
                self.scratch.push('\n');
            }
            5 => {
                let (q, p) = (1 + self.rng.below(4), 1 + self.rng.below(120));
                let _ = write!(
                    self.scratch,
                    "Source: C:\\reports\\2025\\Q{q}\\10-Q.pdf, p.{p} (https://reports.example.com/2025/q{q}/10-q.html#page={p})\n\n"
                );
            }
            6 => {
                let v = self.rng.below(1000);
                let _ = write!(
                    self.scratch,
                    "```json\n{{\"metric\": \"operating_margin\", \"value\": {}.{}, \"unit\": \"%\"}}\n```\n\n",
                    v / 10,
                    v % 10
                );
            }
            7 => {
                self.scratch.push_str("## ");
                for j in 0..self.rng.range(2, 5) {
                    if j > 0 {
                        self.scratch.push(' ');
                    }
                    self.word(j == 0);
                }
                self.scratch.push_str("\n\n");
            }
            _ => {
                for _ in 0..self.rng.range(2, 6) {
                    self.sentence();
                }
                self.scratch.push_str("\n\n");
            }
        }
    }

    /// Fills `scratch` with markdown-ish prose of at least `target` bytes.
    fn prose(&mut self, target: usize) {
        self.scratch.clear();
        while self.scratch.len() < target {
            self.block();
        }
    }

    /// Fills `scratch` with one or a few sentences of at least `target` bytes.
    fn short_prose(&mut self, target: usize) {
        self.scratch.clear();
        while self.scratch.len() < target {
            self.sentence();
        }
        let trimmed = self.scratch.trim_end().len();
        self.scratch.truncate(trimmed);
    }

    // ---- events ------------------------------------------------------------

    /// `{"type":ty,"content":<scratch>}`
    fn content_event(&mut self, ty: &str) {
        self.begin_event(ty);
        self.out.push_str(",\"content\":");
        self.push_scratch();
        self.out.push('}');
    }

    fn user_input(&mut self, lo: usize, hi: usize) {
        self.turns += 1;
        self.turn_start = self.out.len();
        let n = self.rng.range(lo, hi);
        self.short_prose(n);
        let base = self
            .scratch
            .trim_end_matches(['.', ';', ':', '?', '!', ' '])
            .len();
        self.scratch.truncate(base);
        self.scratch.push('?');
        self.content_event("user_input");
    }

    /// Composes prose of at least `target` bytes into `stream`.
    fn stream_prose(&mut self, target: usize) {
        self.prose(target);
        let trimmed = self.scratch.trim_end().len();
        self.scratch.truncate(trimmed);
        std::mem::swap(&mut self.scratch, &mut self.stream);
    }

    /// Emits `stream`, from its start, as consecutive 1–40 byte `ty` deltas
    /// (at most `max_chunks` of them), as the service streams text.
    fn stream_deltas(&mut self, ty: &str, max_chunks: usize) {
        let mut pos = 0;
        let mut chunks = 0;
        while pos < self.stream.len() && chunks < max_chunks {
            let len = (1 + self.rng.below(8) + self.rng.below(16) + self.rng.below(17)) as usize;
            let mut end = (pos + len).min(self.stream.len());
            while !self.stream.is_char_boundary(end) {
                end -= 1;
            }
            if end == pos {
                // The chunk fell inside one multi-byte character: keep it whole.
                end = pos + self.stream[pos..].chars().next().map_or(1, char::len_utf8);
            }
            self.scratch.clear();
            self.scratch.push_str(&self.stream[pos..end]);
            self.content_event(ty);
            pos = end;
            chunks += 1;
        }
    }

    /// A few `delta_ty` deltas, then the 2–20 KB `full_ty` event whose
    /// content they start.
    fn long_streamed(&mut self, delta_ty: &str, full_ty: &str) {
        let n = self.rng.range(2_000, 18_000);
        self.stream_prose(n);
        let k = self.rng.range(2, 5);
        self.stream_deltas(delta_ty, k);
        std::mem::swap(&mut self.scratch, &mut self.stream);
        self.content_event(full_ty);
    }

    /// A complete streamed text of about `lo..=hi` bytes as deltas only.
    fn deltas(&mut self, ty: &str, lo: usize, hi: usize) {
        let n = self.rng.range(lo, hi);
        self.stream_prose(n);
        self.stream_deltas(ty, usize::MAX);
    }

    /// Writes a tool call and its result; the result's serialized size is
    /// about `result_bytes` (at least one record).
    fn tool_round(&mut self, result_bytes: usize) {
        let read_pages = self.rng.chance(1, 3);
        let name = if read_pages { "read_pages" } else { "search" };
        let doc = 1 + self.rng.below(60) as i64;
        let first_page = 1 + self.rng.below(120) as i64;

        self.begin_event("tool_call");
        self.out.push_str(",\"arguments\":{");
        if read_pages {
            let _ = write!(self.out, "\"doc_id\":\"doc-{doc}\",\"pages\":[");
            for p in 0..self.rng.range(1, 4) as i64 {
                if p > 0 {
                    self.out.push(',');
                }
                self.push_int(first_page + p);
            }
            self.out
                .push_str("],\"include_tables\":true,\"render\":{\"format\":\"png\",\"dpi\":");
            let dpi = *self.rng.pick(&[72, 150, 300]);
            self.push_int(dpi);
            self.out.push_str(",\"scale\":1.0e0,\"grayscale\":");
            self.push_bool();
            self.out.push_str("}}");
        } else {
            self.out.push_str("\"query\":");
            let n = self.rng.range(20, 90);
            self.short_prose(n);
            self.push_scratch();
            self.out.push_str(
                ",\"index_ids\":[\"idx-fin-reports-2025\",\"idx-earnings-calls\"],\"top_k\":",
            );
            let k = self.rng.range(3, 20) as i64;
            self.push_int(k);
            self.out
                .push_str(",\"filters\":{\"fiscal_year\":2025,\"fiscal_quarter\":\"Q");
            let q = 1 + self.rng.below(4) as i64;
            self.push_int(q);
            self.out.push_str("\",\"doc_types\":[");
            for i in 0..self.rng.range(1, 3) {
                if i > 0 {
                    self.out.push(',');
                }
                let t = *self.rng.pick(DOC_TYPES);
                self.push_str_value(t);
            }
            self.out.push_str(
                "],\"date_range\":{\"from\":\"2025-07-01\",\"to\":\"2025-09-30\"},\"min_score\":",
            );
            self.push_score();
            self.out.push_str(",\"exclude_drafts\":");
            self.push_bool();
            self.out.push_str(
                ",\"author\":null},\"rerank\":{\"model\":\"rerank-v2\",\"recency_bias\":",
            );
            self.push_number();
            self.out.push_str("}}");
        }
        self.out.push_str(",\"call_id\":");
        let call = self.push_call_id();
        let _ = write!(self.out, ",\"name\":\"{name}\"}}");

        self.begin_event("tool_result");
        self.out.push_str(",\"call_id\":");
        self.write_call_id(call);
        let _ = write!(self.out, ",\"name\":\"{name}\",\"result\":");
        let start = self.out.len();
        if read_pages {
            self.pages_result(doc, first_page, start + result_bytes);
        } else {
            self.search_result(start + result_bytes);
        }
        if read_pages && self.rng.chance(1, 2) {
            let _ = write!(
                self.out,
                ",\"image_attachment\":{{\"attachment_name\":\"doc-{doc}-p{first_page}.png\",\"source_id\":\"doc-{doc}\"}}"
            );
        }
        self.out.push('}');
    }

    fn search_result(&mut self, until: usize) {
        self.out.push_str("{\"total_hits\":");
        let total = self.rng.range(50, 5_000) as i64;
        self.push_int(total);
        let ms = self.rng.below(5_000);
        let _ = write!(self.out, ",\"elapsed_ms\":{}.{}", ms / 10, ms % 10);
        if self.rng.chance(1, 2) {
            self.out.push_str(",\"next_cursor\":null,\"hits\":[");
        } else {
            let c = self.rng.next_u64();
            let _ = write!(self.out, ",\"next_cursor\":\"cur_{c:x}\",\"hits\":[");
        }
        let mut first = true;
        while first || self.out.len() < until {
            if !first {
                self.out.push(',');
            }
            first = false;
            self.hit();
        }
        self.out.push_str("]}");
    }

    fn hit(&mut self) {
        let doc = 1 + self.rng.below(500) as i64;
        let _ = write!(self.out, "{{\"doc_id\":\"doc-{doc}\",\"title\":");
        let n = self.rng.range(15, 60);
        self.short_prose(n);
        self.push_scratch();
        self.out.push_str(",\"page\":");
        let page = 1 + self.rng.below(300) as i64;
        self.push_int(page);
        self.out.push_str(",\"score\":");
        self.push_score();
        self.out.push_str(",\"snippet\":");
        let n = self.rng.range(60, 400);
        self.short_prose(n);
        self.push_scratch();
        self.out.push_str(",\"metadata\":{\"section\":");
        let section = *self.rng.pick(SECTIONS);
        self.push_str_value(section);
        let q = 1 + self.rng.below(4);
        let _ = write!(
            self.out,
            ",\"fiscal_year\":2025,\"quarter\":\"Q{q}\",\"amount\":"
        );
        self.push_number();
        self.out.push_str(",\"change_pct\":");
        self.push_number();
        self.out.push_str(",\"tags\":[");
        for i in 0..self.rng.range(0, 4) {
            if i > 0 {
                self.out.push(',');
            }
            let t = *self.rng.pick(WORDS);
            self.push_str_value(t);
        }
        self.out.push_str("],\"verified\":");
        self.push_bool();
        self.out.push_str(",\"reviewer\":null}}");
    }

    fn pages_result(&mut self, doc: i64, page: i64, until: usize) {
        let _ = write!(
            self.out,
            "{{\"doc_id\":\"doc-{doc}\",\"pages\":[{{\"page\":{page}"
        );
        self.out.push_str(",\"text\":");
        let n = self.rng.range(200, 2_000);
        self.prose(n);
        self.push_scratch();
        self.out.push_str(",\"tables\":[{\"title\":");
        let n = self.rng.range(10, 50);
        self.short_prose(n);
        self.push_scratch();
        self.out.push_str(",\"columns\":[\"Segment\",\"Region\",\"Q2 2025\",\"Q3 2025\",\"Change\",\"Restated\",\"Note\"],\"rows\":[");
        let mut first = true;
        while first || self.out.len() < until {
            if !first {
                self.out.push(',');
            }
            first = false;
            self.out.push('[');
            self.scratch.clear();
            self.word(true);
            self.push_scratch();
            self.out.push(',');
            let region =
                *self
                    .rng
                    .pick(&["EMEA", "APAC", "Americas", "São Paulo", "Zürich", "中国"]);
            self.push_str_value(region);
            for _ in 0..3 {
                self.out.push(',');
                self.push_number();
            }
            self.out.push(',');
            self.push_bool();
            self.out.push(',');
            if self.rng.chance(1, 3) {
                let n = self.rng.range(10, 80);
                self.short_prose(n);
                self.push_scratch();
            } else {
                self.out.push_str("null");
            }
            self.out.push(']');
        }
        self.out.push_str("]}]}],\"truncated\":");
        self.push_bool();
        self.out.push('}');
    }

    fn stop(&mut self) {
        let turn_bytes = (self.out.len() - self.turn_start) as u64;
        let input = 800 + self.rng.below(4_000) + self.out.len() as u64 / 64;
        let output = 20 + turn_bytes / 16;
        let tenths = 5_000 + self.rng.below(300_000);
        self.input_tokens += input;
        self.output_tokens += output;
        self.duration_tenths += tenths;
        let skipped = self.rng.chance(1, 16);
        self.begin_event("stop");
        if skipped {
            self.out.push_str(",\"error\":");
            self.push_str_value(
                "index \"idx-earnings-calls\" timed out after 30s; results may be incomplete",
            );
        } else {
            self.out.push_str(",\"error\":null");
        }
        let _ = write!(
            self.out,
            ",\"is_error\":false,\"usage\":{{\"duration_ms\":{}.{},\"total_input_tokens\":{input},\"total_output_tokens\":{output},\"turns\":1}}",
            tenths / 10,
            tenths % 10
        );
        if skipped {
            self.out
                .push_str(",\"skipped_index_ids\":[\"idx-earnings-calls\"]");
        }
        self.out.push('}');
    }

    /// Closes `events` and writes the header fields after it.
    fn finish(mut self) -> String {
        self.out.push_str("],\"last_updated_at\":");
        let (day, h, m, s, us) = (
            1 + self.rng.below(28),
            self.rng.below(24),
            self.rng.below(60),
            self.rng.below(60),
            self.rng.below(1_000_000),
        );
        let _ = write!(
            self.out,
            "\"2026-04-{day:02}T{h:02}:{m:02}:{s:02}.{us:06}\""
        );
        let _ = write!(
            self.out,
            ",\"session_id\":\"ses-{:016x}\",\"generated_title\":",
            self.seed
        );
        let title = *self.rng.pick(TITLES);
        self.push_str_value(title);
        self.out.push_str(",\"index_ids\":[");
        for (i, id) in INDEX_IDS.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            let _ = write!(self.out, "\"{id}\"");
        }
        let _ = write!(
            self.out,
            "],\"shared_access\":\"read_only\",\"job_metadata\":{{\"duration_ms\":{}.{},\"error\":null,\"export_config_ids\":[\"exp-1\"],\"is_error\":false,\"total_input_tokens\":{},\"total_output_tokens\":{},\"turns\":{}}}}}",
            self.duration_tenths / 10,
            self.duration_tenths % 10,
            self.input_tokens,
            self.output_tokens,
            self.turns
        );
        self.out
    }
}

/// See [`crate::long_texts`].
pub(crate) fn long_texts(target_bytes: usize, seed: u64) -> String {
    let mut g = Gen::new(target_bytes, seed, 0x4c4f_4e47_5445_5854); // "LONGTEXT"
    loop {
        g.user_input(60, 600);
        let rounds = g.rng.range(1, 2);
        for _ in 0..rounds {
            g.long_streamed("thinking_delta", "thinking");
            let n = g.rng.range(5_000, 49_000);
            g.tool_round(n);
        }
        g.long_streamed("text_delta", "text");
        g.stop();
        if g.out.len() >= target_bytes {
            break;
        }
    }
    g.finish()
}

/// See [`crate::many_deltas`].
pub(crate) fn many_deltas(target_bytes: usize, seed: u64) -> String {
    let mut g = Gen::new(target_bytes, seed, 0x4445_4c54_4153_2121); // "DELTAS!!"
    loop {
        g.user_input(20, 300);
        g.deltas("thinking_delta", 150, 2_400);
        if g.rng.chance(2, 3) {
            let n = g.rng.range(200, 1_500);
            g.tool_round(n);
            g.deltas("thinking_delta", 80, 1_200);
        }
        g.deltas("text_delta", 300, 6_000);
        g.stop();
        if g.out.len() >= target_bytes {
            break;
        }
    }
    g.finish()
}
