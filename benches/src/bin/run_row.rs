//! Runs one benchmark row a fixed number of times, for profilers and for counting cycles on a
//! busy machine, where wall-clock means are unreliable:
//!
//! ```sh
//! cargo build --release -p lcsession-benches --bin run_row
//! perf stat -e task-clock,cycles:u,instructions:u target/release/run_row many_deltas lcsession/parse+read 20
//! perf record -g target/release/run_row long_texts serde_json/typed 20
//! ```
//!
//! The input is generated before the timed loop; `setup` as the row name runs nothing else,
//! so its counts can be subtracted. Prints the rows' per-iteration wall time (informative).

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use lcsession_benches::read::{read_lcsession, read_tagged, read_typed, touch_str, Unescaper};
use lcsession_benches::typed::{TaggedSession, TypedSession};

const ROWS: [&str; 9] = [
    "setup",
    "lcsession/parse+read",
    "lcsession/parse+read+unescape",
    "lcsession/parse",
    "lcsession/read",
    "serde_json/typed",
    "serde_json/typed_enum",
    "serde_json/ignored_any",
    "serde_json/value",
];

fn run_once(row: &str, doc: &[u8], buf: &mut [u8]) -> Result<usize, String> {
    let doc = black_box(doc);
    let n = match row {
        "setup" => 0,
        "lcsession/parse+read" => {
            let session = lcsession_core::parse(doc).map_err(|e| e.to_string())?;
            read_lcsession(&session, &mut touch_str)
        }
        "lcsession/parse+read+unescape" => {
            let session = lcsession_core::parse(doc).map_err(|e| e.to_string())?;
            let mut unescaper = Unescaper::new(buf);
            read_lcsession(&session, &mut |s| unescaper.decode(s))
        }
        "lcsession/parse" => lcsession_core::parse(doc)
            .map_err(|e| e.to_string())?
            .event_count(),
        "serde_json/typed" => {
            read_typed(&serde_json::from_slice::<TypedSession<'_>>(doc).map_err(|e| e.to_string())?)
        }
        "serde_json/typed_enum" => read_tagged(
            &serde_json::from_slice::<TaggedSession<'_>>(doc).map_err(|e| e.to_string())?,
        ),
        "serde_json/ignored_any" => {
            serde_json::from_slice::<serde::de::IgnoredAny>(doc).map_err(|e| e.to_string())?;
            0
        }
        "serde_json/value" => {
            black_box(serde_json::from_slice::<serde_json::Value>(doc).map_err(|e| e.to_string())?);
            0
        }
        other => return Err(format!("unknown row `{other}`; rows: {}", ROWS.join(", "))),
    };
    Ok(n)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, row, iterations] = args.as_slice() else {
        eprintln!(
            "usage: run_row long_texts|many_deltas ROW ITERATIONS\nrows: {}",
            ROWS.join(", ")
        );
        return ExitCode::FAILURE;
    };
    let Ok(iterations) = iterations.parse::<u32>() else {
        eprintln!("run_row: ITERATIONS must be a number, got `{iterations}`");
        return ExitCode::FAILURE;
    };
    let (bytes, seed) = (lcsession_gen::BENCH_BYTES, lcsession_gen::BENCH_SEED);
    let doc = match input.as_str() {
        "long_texts" => lcsession_gen::long_texts(bytes, seed),
        "many_deltas" => lcsession_gen::many_deltas(bytes, seed),
        other => {
            eprintln!("run_row: unknown input `{other}` (long_texts or many_deltas)");
            return ExitCode::FAILURE;
        }
    };
    let mut buf = vec![0u8; 64 * 1024];
    let parsed = lcsession_core::parse(doc.as_bytes());
    let start = Instant::now();
    for _ in 0..iterations {
        let result = if row == "lcsession/read" {
            match &parsed {
                Ok(session) => Ok(read_lcsession(black_box(session), &mut touch_str)),
                Err(e) => Err(e.to_string()),
            }
        } else {
            run_once(row, doc.as_bytes(), &mut buf)
        };
        if let Err(e) = result {
            eprintln!("run_row: {input} {row}: {e}");
            return ExitCode::FAILURE;
        }
    }
    if iterations > 0 {
        let each = start.elapsed() / iterations;
        eprintln!("{input} {row}: {each:?} per iteration (wall clock)");
    }
    ExitCode::SUCCESS
}
