//! Deterministic generator of realistic LlamaCloud "Get Full Session" dumps
//! (`GET /api/v1/chat/{session_id}`).
//!
//! * [`sample`] is the small, hand-written, pretty-printed sample shipped as
//!   `examples/data/sample-session.json`: a three-turn research-assistant
//!   conversation about a Q3 financial report that exercises every event
//!   type, every kind of JSON string escape, an unknown event type, an
//!   untyped tool call and an unknown top-level field.
//! * [`long_texts`] and [`many_deltas`] are seeded, compact benchmark inputs
//!   of any size: one dominated by long escaped strings and large tool
//!   results, the other by hundreds of thousands of tiny streaming deltas.
//!
//! All output is valid JSON (RFC 8259, UTF-8) and a pure function of its
//! arguments; the crate has no dependencies.
//!
//! ```
//! let doc = lcsession_gen::many_deltas(64 * 1024, lcsession_gen::BENCH_SEED);
//! assert!(doc.len() >= 64 * 1024);
//! assert!(doc.starts_with(r#"{"events":[{"type":"user_input""#));
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod escape;
mod rng;
mod sample;
mod synth;

pub use escape::push_json_string;

/// Default size, in bytes, of generated benchmark inputs (12 MiB).
pub const BENCH_BYTES: usize = 12 * 1024 * 1024;

/// Default seed of generated benchmark inputs.
pub const BENCH_SEED: u64 = 0x1c5e_5510_2026_0422;

/// File name under which [`sample`] is shipped in `examples/data/`.
pub const SAMPLE_FILE_NAME: &str = "sample-session.json";

/// The small realistic sample session, exactly as committed in
/// `examples/data/sample-session.json`.
///
/// Pretty-printed with two-space indentation and a trailing newline, with
/// `events` as the first key. It holds three user turns (each: `user_input`,
/// `thinking_delta`s + `thinking`, a `tool_call` with nested arguments, a
/// nested `tool_result` — one with an `image_attachment` —, `text_delta`s +
/// `text`, `stop`), an unknown `citation` event, an event without `type`
/// that is unambiguously a tool call, the unknown top-level field
/// `x_trace`, and the full header including `job_metadata`. Its strings use
/// `\n`, `\"`, `\\`, `\t`, `\/`, `\uXXXX`, surrogate pairs and raw UTF-8.
pub fn sample() -> String {
    sample::build()
}

/// A compact (single-line) session of at least `target_bytes` bytes
/// dominated by long texts, deterministic in `(target_bytes, seed)`.
///
/// Each turn has a `user_input`, one or two rounds of a few
/// `thinking_delta`s, a 2–20 KB `thinking`, a `tool_call` and a 5–50 KB
/// `tool_result` (search hits or page tables: nested objects and arrays of
/// records with strings and numbers), then a few `text_delta`s, a 2–20 KB
/// `text` and a `stop`. Texts are markdown-like prose full of `\n`, `\"`,
/// `\\`, `\t`, `\/`, raw UTF-8 and `\uXXXX` escapes including surrogate
/// pairs. `events` comes first, the header fields after it. At least one
/// turn is always written, so tiny targets still give a complete session.
pub fn long_texts(target_bytes: usize, seed: u64) -> String {
    synth::long_texts(target_bytes, seed)
}

/// A compact (single-line) session of at least `target_bytes` bytes made of
/// many small events, deterministic in `(target_bytes, seed)`.
///
/// Mostly `thinking_delta` / `text_delta` events with 1–40 byte contents
/// (occasionally escaped), and per turn a `user_input`, usually a small
/// `tool_call` / `tool_result` pair, and a `stop`. Averages roughly one
/// event per 55 bytes, so 10 MB holds well over 100,000 events. At least one
/// turn is always written.
pub fn many_deltas(target_bytes: usize, seed: u64) -> String {
    synth::many_deltas(target_bytes, seed)
}
