//! Quick interleaved timing of the parse paths against serde_json on one generated input, for
//! iterating on the core's speed on a busy machine (minimum of N rounds, each row once per
//! round, so every row sees the same machine load):
//!
//! ```sh
//! cargo run --release -p lcsession-benches --bin probe -- long_texts 30
//! perf record -g target/release/probe long_texts 100 one-pass   # one row only
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use lcsession_benches::read::{
    read_lcsession, read_lcsession_fed, read_lcsession_one_pass, read_typed, touch_str, Feed,
};
use lcsession_benches::typed::TypedSession;

type Row = (&'static str, fn(&[u8]) -> usize);

thread_local! {
    /// simd-json parses in place: the input is copied here (reused, so no page faults).
    static SIMD_JSON_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

const ROWS: [Row; 10] = [
    ("from_utf8 (whole input)", |d| {
        core::str::from_utf8(d).map_or(0, str::len)
    }),
    ("lcsession/parse", |d| {
        lcsession_core::parse(d).map_or(usize::MAX, |s| s.event_count())
    }),
    ("lcsession/parse+read", |d| {
        lcsession_core::parse(d).map_or(usize::MAX, |s| read_lcsession(&s, &mut touch_str))
    }),
    ("lcsession/one-pass", |d| {
        read_lcsession_one_pass(d, &mut touch_str)
    }),
    ("lcsession/decoder feed", |d| {
        read_lcsession_fed(d, Feed::Bytes, &mut touch_str)
    }),
    ("lcsession/decoder feed_str", |d| {
        read_lcsession_fed(d, Feed::Str, &mut touch_str)
    }),
    ("serde_json/ignored_any", |d| {
        usize::from(serde_json::from_slice::<serde::de::IgnoredAny>(d).is_ok())
    }),
    ("serde_json/typed", |d| {
        serde_json::from_slice::<TypedSession<'_>>(d).map_or(usize::MAX, |s| read_typed(&s))
    }),
    // Peers, for information. simd-json parses in place, so this row includes a copy.
    ("simd_json/tape (+copy)", |d| {
        SIMD_JSON_BUFFER.with_borrow_mut(|buf| {
            buf.clear();
            buf.extend_from_slice(d);
            usize::from(simd_json::to_tape(buf).is_ok())
        })
    }),
    ("sonic_rs/ignored_any", |d| {
        usize::from(sonic_rs::from_slice::<serde::de::IgnoredAny>(d).is_ok())
    }),
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let input = args.get(1).map_or("long_texts", String::as_str);
    let rounds: u32 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(20);
    let (bytes, seed) = (lcsession_gen::BENCH_BYTES, lcsession_gen::BENCH_SEED);
    let doc = match input {
        "long_texts" => lcsession_gen::long_texts(bytes, seed),
        _ => lcsession_gen::many_deltas(bytes, seed),
    };
    let doc = doc.as_bytes();
    // An optional third argument keeps only the rows whose name contains it (for profilers).
    let only = args.get(3).map_or("", String::as_str);
    let mut best = [Duration::MAX; ROWS.len()];
    for _ in 0..rounds {
        for (k, (name, f)) in ROWS.iter().enumerate() {
            if !name.contains(only) {
                continue;
            }
            let t = Instant::now();
            black_box(f(black_box(doc)));
            let e = t.elapsed();
            if let Some(b) = best.get_mut(k) {
                *b = (*b).min(e);
            }
        }
    }
    let time_of = |row: &str| {
        ROWS.iter()
            .zip(best)
            .find(|((name, _), _)| *name == row)
            .map_or(Duration::MAX, |(_, t)| t)
    };
    let (ignored, typed) = (
        time_of("serde_json/ignored_any"),
        time_of("serde_json/typed"),
    );
    for ((name, _), t) in ROWS.iter().zip(best) {
        if t == Duration::MAX {
            continue;
        }
        let mibs = doc.len() as f64 / t.as_secs_f64() / 1048576.0;
        println!(
            "{input:12} {name:26} {:8.2} ms {mibs:7.0} MiB/s  ignored/x {:5.2}  typed/x {:5.2}",
            t.as_secs_f64() * 1e3,
            ignored.as_secs_f64() / t.as_secs_f64(),
            typed.as_secs_f64() / t.as_secs_f64()
        );
    }
}
