//! Proof that decoding allocates nothing: a counting global allocator records every heap
//! allocation, reallocation and free made by the current thread while a flag is set, and
//! `parse` plus a full walk of every event and field (strings decoded into a stack buffer,
//! values walked with an explicit stack and as token streams, numbers read) must make none; so must the
//! incremental decoder fed a document in pieces.
//!
//! This file holds a single test on purpose: the allocator is process-wide. Counting is
//! per thread (a `thread_local` flag), so the test harness's own allocations on other
//! threads cannot interfere, whatever `--test-threads` is.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fmt::Write as _;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use lcsession_core::heapless;
use lcsession_core::{
    EventBody, Field, Items, JsonStr, Members, ParseOptions, RawValue, Session, SessionDecoder,
    SharedAccess, Token, ValueKind,
};

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);
static FREES: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Set while the measured code runs on this thread. `const` and without `Drop`, so
    /// reading it never allocates (no lazy initialisation, no destructor registration).
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn counting() -> bool {
    COUNTING.try_with(Cell::get).unwrap_or(false)
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the
// bookkeeping only touches atomics and a const thread-local `Cell<bool>`.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if counting() {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: forwarded as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if counting() {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: forwarded as is.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if counting() {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: forwarded as is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if counting() {
            FREES.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// What the walk saw, so the work cannot be optimised away and can be sanity-checked.
#[derive(Debug, Default)]
struct Stats {
    events: usize,
    strings: usize,
    decoded_bytes: usize,
    long_strings: usize,
    numbers: usize,
    containers: usize,
    scalars: usize,
    tokens: usize,
}

/// A `fmt::Write` sink that only counts bytes.
struct Sink(usize);

impl std::fmt::Write for Sink {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0 += s.len();
        Ok(())
    }
}

fn touch_str(s: JsonStr<'_>, buf: &mut [u8], st: &mut Stats) {
    let n = s.decoded_len();
    match s.decode_into(buf) {
        Ok(text) => {
            assert_eq!(text.len(), n);
            assert!(s.eq_str(text));
            st.decoded_bytes += black_box(text).len();
        }
        Err(e) => {
            assert_eq!(e.needed, n);
            assert!(n > buf.len());
            st.long_strings += 1;
        }
    }
    let chars = s.chars().map(char::len_utf8).sum::<usize>();
    assert_eq!(chars, n);
    let mut sink = Sink(0);
    write!(sink, "{s}").unwrap();
    assert_eq!(sink.0, n);
    if let Some(plain) = s.as_str() {
        assert_eq!(plain.len(), n);
    }
    let mut small: heapless::String<64> = heapless::String::new();
    assert_eq!(s.decode_to_heapless(&mut small).is_ok(), n <= 64);
    st.strings += 1;
}

fn touch_scalar(v: RawValue<'_>, buf: &mut [u8], st: &mut Stats) {
    match v.kind() {
        ValueKind::Null => assert!(v.is_null()),
        ValueKind::Bool => {
            black_box(v.as_bool().unwrap());
        }
        ValueKind::Number => {
            let text = v.as_number_str().unwrap();
            black_box((v.as_u64().ok(), v.as_i64().ok()));
            assert!(v.as_f64().unwrap().is_finite());
            black_box(text);
            st.numbers += 1;
        }
        ValueKind::String => touch_str(v.as_str().unwrap(), buf, st),
        ValueKind::Array | ValueKind::Object => unreachable!(),
    }
    st.scalars += 1;
}

enum Frame<'a> {
    Items(Items<'a>),
    Members(Members<'a>),
}

type Stack<'a> = heapless::Vec<Frame<'a>, 260>;

fn visit<'a>(v: RawValue<'a>, stack: &mut Stack<'a>, buf: &mut [u8], st: &mut Stats) {
    match v.kind() {
        ValueKind::Array => {
            st.containers += 1;
            assert!(stack.push(Frame::Items(v.items())).is_ok(), "too deep");
        }
        ValueKind::Object => {
            st.containers += 1;
            assert!(stack.push(Frame::Members(v.members())).is_ok(), "too deep");
        }
        _ => touch_scalar(v, buf, st),
    }
}

/// Walks a whole value with an explicit stack of open containers (no recursion).
fn walk(root: RawValue<'_>, buf: &mut [u8], st: &mut Stats) {
    let mut stack: Stack<'_> = heapless::Vec::new();
    visit(root, &mut stack, buf, st);
    while let Some(top) = stack.last_mut() {
        let next = match top {
            Frame::Items(items) => items.next(),
            Frame::Members(members) => members.next().map(|(k, v)| {
                touch_str(k, buf, st);
                v
            }),
        };
        match next {
            Some(v) => visit(v, &mut stack, buf, st),
            None => {
                stack.pop();
            }
        }
    }
}

fn touch_header<const I: usize, const T: usize, const L: usize>(
    h: &lcsession_core::Header<I, T, L>,
) -> usize {
    let mut n = h.session_id.len() + h.last_updated_at.len();
    if let Some(t) = h.generated_title.present() {
        n += t.len();
    }
    if let Some(ids) = h.index_ids.present() {
        n += ids.iter().map(|s| s.len()).sum::<usize>();
    }
    if let Some(job) = h.job_metadata.present() {
        n += job
            .duration_ms
            .present()
            .map_or(0, |d| d.as_f64().unwrap_or(0.0) as usize);
        n += job.error.present().map_or(0, |e| e.len());
        n += job
            .export_config_ids
            .present()
            .map_or(0, |l| l.iter().map(|s| s.len()).sum());
        n += usize::from(job.is_error == Field::Present(true));
        n += job.total_input_tokens.present().map_or(0, |x| *x as usize);
        n += job.total_output_tokens.present().map_or(0, |x| *x as usize);
        n += job.turns.present().map_or(0, |x| *x as usize);
    }
    n += match h.shared_access.present() {
        Some(SharedAccess::Query) => 1,
        Some(SharedAccess::ReadOnly) => 2,
        Some(SharedAccess::Other(s)) => s.len(),
        None => 0,
    };
    n
}

/// Parses `input` and touches everything in it.
fn decode_everything(input: &[u8], buf: &mut [u8], st: &mut Stats) {
    let session = lcsession_core::parse(input).unwrap();
    black_box(touch_header(session.header()));
    for (key, value) in session.unknown_fields() {
        touch_str(key, buf, st);
        walk(value, buf, st);
    }
    let events = session.events();
    assert_eq!(events.len(), session.event_count());
    for event in events {
        st.events += 1;
        black_box((event.index, event.inferred, event.event_type().as_str()));
        match event.body {
            EventBody::ThinkingDelta { content }
            | EventBody::TextDelta { content }
            | EventBody::Thinking { content }
            | EventBody::Text { content }
            | EventBody::UserInput { content } => touch_str(content, buf, st),
            EventBody::ToolCall(call) => {
                touch_str(call.call_id, buf, st);
                touch_str(call.name, buf, st);
                walk(call.arguments, buf, st);
                if let Some(q) = call.arguments.get("query") {
                    black_box(q.kind());
                }
            }
            EventBody::ToolResult(result) => {
                touch_str(result.call_id, buf, st);
                touch_str(result.name, buf, st);
                walk(result.result, buf, st);
                if let Field::Present(img) = result.image_attachment {
                    touch_str(img.attachment_name, buf, st);
                    touch_str(img.source_id, buf, st);
                }
            }
            EventBody::Stop(stop) => {
                if let Some(e) = stop.error {
                    touch_str(e, buf, st);
                }
                black_box(stop.is_error);
                let u = stop.usage;
                black_box((
                    u.duration_ms,
                    u.total_input_tokens,
                    u.total_output_tokens,
                    u.turns,
                ));
                walk(u.raw, buf, st);
                if let Field::Present(list) = stop.skipped_index_ids {
                    for id in list.iter() {
                        touch_str(id, buf, st);
                    }
                }
            }
            EventBody::Unknown { type_name } => touch_str(type_name, buf, st),
            EventBody::Untyped => {}
        }
        // The whole event object too, unknown members included.
        walk(event.raw, buf, st);
    }
    // And the whole document as one value, level by level and as one token stream.
    walk(session.raw(), buf, st);
    for token in session.raw().tokens() {
        st.tokens += 1;
        match token {
            Token::Key(s) | Token::String(s) => touch_str(s, buf, st),
            Token::Number(text) => st.numbers += usize::from(!text.is_empty()),
            _ => {}
        }
    }
}

#[test]
#[cfg_attr(
    miri,
    ignore = "400 KB of generated input: hours under Miri; the same paths run in other tests"
)]
fn parse_and_full_iteration_allocate_nothing() {
    // Inputs are built before counting starts.
    let long = lcsession_gen::long_texts(300_000, 1);
    let deltas = lcsession_gen::many_deltas(100_000, 1);
    let sample: &[u8] = include_bytes!("../../examples/data/sample-session.json");
    let invalid: &[u8] = b"{\"events\":[{\"type\":\"tool_call\",\"name\":\"x\",\"arguments\":{}}],\n\"session_id\":\"s\",\"last_updated_at\":\"t\"}";
    let too_long: &[u8] = br#"{"events":[],"session_id":"ses-0123456789","last_updated_at":"t"}"#;
    let bad_utf8: &[u8] = b"{\"events\":[{\"type\":\"text\",\"content\":\"\xff\"}]}";
    let mut buf = [0u8; 64 * 1024];
    let mut st = Stats::default();
    let mut msg = Sink(0);

    ALLOCS.store(0, Ordering::SeqCst);
    FREES.store(0, Ordering::SeqCst);
    COUNTING.with(|c| c.set(true));

    decode_everything(sample, &mut buf, &mut st);
    decode_everything(long.as_bytes(), &mut buf, &mut st);
    decode_everything(deltas.as_bytes(), &mut buf, &mut st);
    // Small capacities and options take the same paths.
    let small = Session::<32, 128, 4>::parse_with(sample, ParseOptions { max_depth: 16 });
    black_box(touch_header(small.unwrap().header()));
    // The incremental decoder, fed in 4 KiB pieces, visiting every event.
    let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
    let mut visited = 0usize;
    for end in (0..long.len()).step_by(4096).chain([long.len()]) {
        let done = decoder.feed(&long.as_bytes()[..end], end == long.len(), |e| {
            visited += e.raw.as_raw_str().len();
        });
        if let Some(session) = done.unwrap() {
            black_box(touch_header(session.header()));
        }
    }
    assert!(visited > 0);
    // Error paths, messages and positions allocate nothing either.
    for input in [invalid, too_long, bad_utf8] {
        let err = Session::<8, 8, 1>::parse(input).unwrap_err();
        write!(msg, "{err} {:?}", err.kind()).unwrap();
        black_box(err.line_column(input));
    }

    COUNTING.with(|c| c.set(false));
    let allocs = ALLOCS.load(Ordering::SeqCst);
    let frees = FREES.load(Ordering::SeqCst);

    eprintln!("walked: {st:?}");
    assert_eq!(allocs, 0, "heap allocations during decoding");
    assert_eq!(frees, 0, "heap frees during decoding");
    // The walk really did the work.
    assert!(st.events > 45 + 100, "{st:?}");
    assert!(st.strings > 1000, "{st:?}");
    assert!(st.numbers > 100, "{st:?}");
    assert!(st.containers > 100, "{st:?}");
    assert!(st.tokens > 20_000, "{st:?}");
    assert!(st.decoded_bytes > 300_000, "{st:?}");
    assert!(msg.0 > 50);

    // Sanity check of the counter itself: it does see allocations on this thread.
    COUNTING.with(|c| c.set(true));
    let v = black_box(vec![1u8; 100]);
    COUNTING.with(|c| c.set(false));
    drop(v);
    assert_eq!(ALLOCS.load(Ordering::SeqCst), 1);
}
