//! Prints, as Markdown, the `size_of` of lcsession-core's types, the benchmark inputs, and the
//! peak stack use of parsing plus reading every field of every event (see
//! `lcsession_benches::stack` for the method). Run by `bash benches/report.sh`, or alone:
//! `cargo run --release -p lcsession-benches --bin mem_report`.

use std::hint::black_box;
use std::mem::size_of;
use std::process::ExitCode;
use std::ptr::null_mut;

use lcsession_benches::read::{read_lcsession, touch_str};
use lcsession_benches::stack::{peak_stack, self_test, GAP, PAINTED, THREAD_STACK};
use lcsession_benches::{nested_document, SAMPLE};
use lcsession_core::{
    Error, Event, EventBody, EventType, Events, Header, JsonStr, RawValue, Session,
    DEFAULT_ID_CAPACITY, DEFAULT_LIST_CAPACITY, DEFAULT_TEXT_CAPACITY,
};
use lcsession_testserver::{Reply, Server};

/// The small capacities reported next to the defaults (as in lcsession-core's docs).
type Small<'a> = Session<'a, 32, 64, 4>;

fn parse_only<const ID: usize, const TEXT: usize, const LIST: usize>(doc: &[u8]) -> usize {
    match Session::<ID, TEXT, LIST>::parse(doc) {
        Ok(session) => black_box(&session).event_count(),
        Err(_) => usize::MAX,
    }
}

/// `lcs_session_parse`, as C calls it (the session ends in a heap handle), then
/// `lcs_session_free`.
fn c_parse(doc: &[u8]) -> usize {
    use lcsession::{lcs_result, lcs_session_event_count, lcs_session_free, lcs_session_parse};
    let mut session = std::ptr::null_mut();
    let mut count = 0;
    // SAFETY: `doc` is readable and outlives the session, freed before returning; the error
    // pointer may be NULL.
    unsafe {
        let r = lcs_session_parse(doc.as_ptr(), doc.len(), &mut session, std::ptr::null_mut());
        if r != lcs_result::LCS_OK {
            return usize::MAX;
        }
        lcs_session_event_count(session, &mut count);
        lcs_session_free(session);
    }
    count
}

/// `lcs_session_parse_visiting` with a visitor that counts, then `lcs_session_free`.
fn c_parse_visiting(doc: &[u8]) -> usize {
    use lcsession::{lcs_result, lcs_session_free, lcs_session_parse_visiting};
    let mut session = std::ptr::null_mut();
    let mut count_of = 0usize;
    // SAFETY: as in `c_parse`; `count` follows the visitor rules.
    unsafe {
        let r = lcs_session_parse_visiting(
            doc.as_ptr(),
            doc.len(),
            0,
            Some(count),
            (&mut count_of as *mut usize).cast(),
            &mut session,
            std::ptr::null_mut(),
        );
        if r != lcs_result::LCS_OK {
            return usize::MAX;
        }
        lcs_session_free(session);
    }
    count_of
}

/// The C visitor of the `*_visiting` measurements: counts the events into the `usize` that
/// `user_data` points to.
unsafe extern "C" fn count(user_data: *mut std::ffi::c_void, _: *const lcsession::lcs_event) {
    // SAFETY: callers pass a `usize` alive for the whole parse or retrieve.
    unsafe { *user_data.cast::<usize>() += 1 };
}

/// A loopback server's URL, for [`c_retrieve_visiting`].
struct Fetch {
    base_url: String,
}

/// The session id the measured fetches ask for.
const FETCH_ID: &str = "ses-mem";

/// A client for `f.base_url` (`lcs_client_new` and its settings, no environment), or NULL.
///
/// # Safety
/// Free the client with `lcs_client_free`.
unsafe fn c_client(f: &Fetch) -> *mut lcsession::lcs_client {
    use lcsession::*;
    let key = "llx-mem-report";
    let mut client = null_mut();
    // SAFETY: every pointer is valid for its call.
    unsafe {
        if lcs_client_new(&mut client) != lcs_result::LCS_OK {
            return null_mut();
        }
        lcs_client_set_use_environment(client, false);
        lcs_client_set_api_key(client, key.as_ptr().cast(), key.len());
        lcs_client_set_base_url(client, f.base_url.as_ptr().cast(), f.base_url.len());
    }
    client
}

/// A whole C API fetch without decoding: `lcs_client_new`, the settings,
/// `lcs_client_retrieve`, then every free. The body's length, or `usize::MAX`.
fn c_retrieve(f: &Fetch) -> usize {
    use lcsession::*;
    let null = std::ptr::null;
    let (mut body, mut err) = (null_mut(), null_mut());
    let mut len = usize::MAX;
    // SAFETY: every pointer is valid for its call; each handle is freed once.
    unsafe {
        let client = c_client(f);
        if client.is_null() {
            return usize::MAX;
        }
        let r = lcs_client_retrieve(
            client,
            FETCH_ID.as_ptr().cast(),
            FETCH_ID.len(),
            null(),
            0,
            null(),
            0,
            &mut body,
            &mut err,
        );
        if r == lcs_result::LCS_OK {
            let mut data: *const u8 = std::ptr::null();
            lcs_body_bytes(body, &mut data, &mut len);
            lcs_body_free(body);
        } else {
            lcs_client_error_free(err);
        }
        lcs_client_free(client);
    }
    len
}

/// A whole C API fetch: `lcs_client_new`, the settings, `lcs_client_retrieve_visiting` of
/// `f.base_url` (decoded while it arrives, with a counting visitor), then every free.
fn c_retrieve_visiting(f: &Fetch) -> usize {
    use lcsession::*;
    let null = std::ptr::null;
    let (mut body, mut session, mut err) = (null_mut(), null_mut(), null_mut());
    let mut seen = 0usize;
    // SAFETY: every pointer is valid for its call; each handle is freed once, the session
    // before its body.
    unsafe {
        let client = c_client(f);
        if client.is_null() {
            return usize::MAX;
        }
        let r = lcs_client_retrieve_visiting(
            client,
            FETCH_ID.as_ptr().cast(),
            FETCH_ID.len(),
            null(),
            0,
            null(),
            0,
            Some(count),
            (&mut seen as *mut usize).cast(),
            &mut body,
            &mut session,
            &mut err,
        );
        if r == lcs_result::LCS_OK {
            lcs_session_free(session);
            lcs_body_free(body);
        } else {
            lcs_client_error_free(err);
            seen = usize::MAX;
        }
        lcs_client_free(client);
    }
    seen
}

fn parse_read<const ID: usize, const TEXT: usize, const LIST: usize>(doc: &[u8]) -> usize {
    match Session::<ID, TEXT, LIST>::parse(doc) {
        Ok(session) => read_lcsession(&session, &mut touch_str),
        Err(_) => usize::MAX,
    }
}

fn parse_error<const ID: usize, const TEXT: usize, const LIST: usize>(doc: &[u8]) -> String {
    match Session::<ID, TEXT, LIST>::parse(doc) {
        Err(e) => e.to_string(),
        Ok(_) => "parse failed".to_string(),
    }
}

fn iterate_only(session: &Session<'_>) -> usize {
    read_lcsession(session, &mut touch_str)
}

/// Parse, read every field, then follow every tool call's `arguments` down to its deepest
/// member with `RawValue::get` in a loop. Returns the depth reached.
fn read_and_descend(doc: &[u8]) -> usize {
    let Ok(session) = lcsession_core::parse(doc) else {
        return usize::MAX;
    };
    read_lcsession(&session, &mut touch_str);
    let mut deepest = 0;
    for event in session.events() {
        if let Some(call) = event.tool_call() {
            let mut value = call.arguments;
            let mut depth = 0;
            while let Some(inner) = value.get("a") {
                black_box(inner.as_raw_str());
                value = inner;
                depth += 1;
            }
            deepest = deepest.max(depth);
        }
    }
    deepest
}

fn serde_value(doc: &[u8]) -> usize {
    match serde_json::from_slice::<serde_json::Value>(doc) {
        Ok(v) => black_box(&v).as_object().map_or(0, |o| o.len()),
        Err(_) => usize::MAX,
    }
}

struct Doc {
    name: String,
    bytes: Vec<u8>,
}

fn describe(doc: &Doc) -> Result<String, Error> {
    let session = lcsession_core::parse(&doc.bytes)?;
    let mut counts = [0usize; EventType::KNOWN.len()];
    let mut other = 0;
    let (mut strings, mut escaped, mut string_bytes) = (0usize, 0usize, 0usize);
    let mut count_str = |s: JsonStr<'_>| {
        strings += 1;
        string_bytes += s.raw().len();
        escaped += usize::from(s.has_escapes());
    };
    read_lcsession(&session, &mut count_str);
    for event in session.events() {
        match EventType::KNOWN
            .iter()
            .position(|(_, t)| *t == event.event_type())
        {
            Some(i) => counts[i] += 1,
            None => other += 1,
        }
    }
    let mut kinds: Vec<String> = EventType::KNOWN
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|((name, _), n)| format!("{name} {n}"))
        .collect();
    if other > 0 {
        kinds.push(format!("unknown/untyped {other}"));
    }
    Ok(format!(
        "| {} | {} ({:.2} MiB) | {} | {} | {} of {} ({:.1} MiB of string text) |",
        doc.name,
        doc.bytes.len(),
        doc.bytes.len() as f64 / 1048576.0,
        session.event_count(),
        kinds.join(", "),
        escaped,
        strings,
        string_bytes as f64 / 1048576.0,
    ))
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mem_report: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let bench_bytes = lcsession_gen::BENCH_BYTES;
    let seed = lcsession_gen::BENCH_SEED;
    let docs = [
        Doc {
            name: "sample-session.json".into(),
            bytes: SAMPLE.to_vec(),
        },
        Doc {
            name: "long_texts".into(),
            bytes: lcsession_gen::long_texts(bench_bytes, seed).into_bytes(),
        },
        Doc {
            name: "many_deltas".into(),
            bytes: lcsession_gen::many_deltas(bench_bytes, seed).into_bytes(),
        },
        Doc {
            name: "nested-1".into(),
            bytes: nested_document(1).into_bytes(),
        },
        Doc {
            name: "nested-120".into(),
            bytes: nested_document(120).into_bytes(),
        },
    ];

    println!("## Inputs\n");
    println!("| input | bytes | events | event types | strings with escapes |");
    println!("|---|---:|---:|---|---|");
    for doc in &docs {
        println!(
            "{}",
            describe(doc).map_err(|e| format!("{}: {e}", doc.name))?
        );
    }

    println!(
        "\n## Sizes (`size_of`, bytes, {})\n",
        std::env::consts::ARCH
    );
    println!(
        "Default capacities: ID {DEFAULT_ID_CAPACITY} bytes, TEXT {DEFAULT_TEXT_CAPACITY} bytes, \
         LIST {DEFAULT_LIST_CAPACITY} entries.\n"
    );
    println!("| type | bytes |\n|---|---:|");
    let sizes: [(&str, usize); 14] = [
        ("`Session` (default capacities)", size_of::<Session<'_>>()),
        ("`Session<32, 64, 4>`", size_of::<Small<'_>>()),
        (
            "`Session<32, 128, 4>`",
            size_of::<Session<'_, 32, 128, 4>>(),
        ),
        (
            "`Session<128, 4096, 64>` (the C API's handles)",
            size_of::<Session<'_, 128, 4096, 64>>(),
        ),
        ("`Header` (default capacities)", size_of::<Header>()),
        ("`Header<32, 64, 4>`", size_of::<Header<32, 64, 4>>()),
        (
            "`Result<Session, Error>` (what `parse` returns)",
            size_of::<Result<Session<'_>, Error>>(),
        ),
        ("`Error`", size_of::<Error>()),
        ("`Event`", size_of::<Event<'_>>()),
        ("`EventBody`", size_of::<EventBody<'_>>()),
        ("`JsonStr`", size_of::<JsonStr<'_>>()),
        ("`RawValue`", size_of::<RawValue<'_>>()),
        ("`Events` (iterator)", size_of::<Events<'_>>()),
        ("`ParseOptions`", size_of::<lcsession_core::ParseOptions>()),
    ];
    for (name, size) in sizes {
        println!("| {name} | {size} |");
    }

    println!("\n## Peak stack use\n");
    let tests = self_test()?;
    let baseline = peak_stack(|_: &[u8]| 0, &[][..])?;
    println!(
        "Stack painting ({} KiB thread stack, {} KiB painted, resolution {GAP} bytes). \
         Self-test: a function with an 8 KiB local array measured {} bytes, one with 64 KiB \
         {} bytes (pass). An empty function measures {baseline} bytes (call overhead, included \
         in every figure). The parse result (`Session`, returned by value) sits in the \
         measured function's frame and is part of each figure; its size is shown apart.\n",
        THREAD_STACK / 1024,
        PAINTED / 1024,
        tests[0].1,
        tests[1].1,
    );
    println!("| input | work | capacities | peak stack (bytes) | of which `Session` value |");
    println!("|---|---|---|---:|---:|");
    type Work = (
        &'static str,
        &'static str,
        fn(&[u8]) -> usize,
        fn(&[u8]) -> String,
        usize,
    );
    const D: (usize, usize, usize) = (
        DEFAULT_ID_CAPACITY,
        DEFAULT_TEXT_CAPACITY,
        DEFAULT_LIST_CAPACITY,
    );
    let works: [Work; 7] = [
        (
            "parse",
            "default",
            parse_only::<{ D.0 }, { D.1 }, { D.2 }>,
            parse_error::<{ D.0 }, { D.1 }, { D.2 }>,
            size_of::<Session<'_>>(),
        ),
        (
            "parse + read every field",
            "default",
            parse_read::<{ D.0 }, { D.1 }, { D.2 }>,
            parse_error::<{ D.0 }, { D.1 }, { D.2 }>,
            size_of::<Session<'_>>(),
        ),
        (
            "parse",
            "<32, 64, 4>",
            parse_only::<32, 64, 4>,
            parse_error::<32, 64, 4>,
            size_of::<Small<'_>>(),
        ),
        (
            "parse + read every field",
            "<32, 64, 4>",
            parse_read::<32, 64, 4>,
            parse_error::<32, 64, 4>,
            size_of::<Small<'_>>(),
        ),
        (
            "parse",
            "<32, 128, 4>",
            parse_only::<32, 128, 4>,
            parse_error::<32, 128, 4>,
            size_of::<Session<'_, 32, 128, 4>>(),
        ),
        (
            "parse + read every field",
            "<32, 128, 4>",
            parse_read::<32, 128, 4>,
            parse_error::<32, 128, 4>,
            size_of::<Session<'_, 32, 128, 4>>(),
        ),
        (
            "parse",
            "<128, 4096, 64> (C API)",
            parse_only::<128, 4096, 64>,
            parse_error::<128, 4096, 64>,
            size_of::<Session<'_, 128, 4096, 64>>(),
        ),
    ];
    for doc in &docs[..3] {
        for (work, caps, f, why, session) in works {
            // A header may not fit the small capacities: say so instead of measuring an error.
            if f(&doc.bytes) == usize::MAX {
                let why = why(&doc.bytes);
                println!("| {} | {work} | {caps} | not measured: {why} | |", doc.name);
                continue;
            }
            let peak = peak_stack(f, &doc.bytes[..])?;
            println!("| {} | {work} | {caps} | {peak} | {session} |", doc.name);
        }
    }
    for doc in &docs[..3] {
        let peak = peak_stack(c_parse, &doc.bytes[..])?;
        println!(
            "| {} | `lcs_session_parse` (C API) + `lcs_session_free` | <128, 4096, 64> | {peak} | 0 (in the heap handle) |",
            doc.name
        );
        let peak = peak_stack(c_parse_visiting, &doc.bytes[..])?;
        println!(
            "| {} | `lcs_session_parse_visiting` (C API) + `lcs_session_free` | <128, 4096, 64> | {peak} | 0 (in the heap handle) |",
            doc.name
        );
    }
    for doc in &docs[..3] {
        let body = std::sync::Arc::new(doc.bytes.clone());
        let server = Server::script(vec![
            Reply::shared(200, body.clone()),
            Reply::shared(200, body.clone()),
            Reply::shared(200, body),
        ]);
        let fetch = Fetch {
            base_url: server.base_url(),
        };
        // Once to warm up (first use of the TLS and DNS machinery), then measured.
        if c_retrieve_visiting(&fetch) == usize::MAX {
            return Err(format!("{}: the loopback retrieve failed", doc.name));
        }
        let peak = peak_stack(c_retrieve_visiting, &fetch)?;
        println!(
            "| {} | `lcs_client_new` + `lcs_client_retrieve_visiting` over loopback HTTP + frees (C API; the calling thread) | <128, 4096, 64> | {peak} | 0 (in the heap handle) |",
            doc.name
        );
        let peak = peak_stack(c_retrieve, &fetch)?;
        println!(
            "| {} | `lcs_client_new` + `lcs_client_retrieve` (no decoding) over loopback HTTP + frees (C API; the calling thread) | | {peak} | |",
            doc.name
        );
    }
    for doc in &docs[..3] {
        let session = lcsession_core::parse(&doc.bytes).map_err(|e| e.to_string())?;
        let peak = peak_stack(iterate_only, &session)?;
        println!(
            "| {} | iteration alone: read every field of an already parsed session | default | {peak} | 0 (by reference) |",
            doc.name
        );
    }
    let default_size = size_of::<Session<'_>>();
    for doc in &docs[3..] {
        let depth = read_and_descend(&doc.bytes);
        let peak = peak_stack(read_and_descend, &doc.bytes[..])?;
        println!(
            "| {} | parse + read every field + descend `arguments` ({depth} levels) | default | {peak} | {default_size} |",
            doc.name
        );
    }
    for doc in &docs[3..] {
        let peak = peak_stack(serde_value, &doc.bytes[..])?;
        println!(
            "| {} | for comparison: `serde_json::from_slice::<Value>` (recursive) | - | {peak} | - |",
            doc.name
        );
    }
    Ok(())
}
