//! Parse-and-read throughput of lcsession-core against serde_json, on the two generated
//! benchmark sessions. Run through `bash benches/report.sh`, which prints the table; the
//! rows are described in `benches/README.md`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode, Throughput};
use lcsession_benches::read::{
    read_lcsession, read_lcsession_fed, read_lcsession_one_pass, read_tagged, read_typed,
    touch_str, Feed, Unescaper,
};
use lcsession_benches::typed::{TaggedSession, TypedSession};
use lcsession_gen::{long_texts, many_deltas, BENCH_BYTES, BENCH_SEED};

/// Size of the reusable buffer the `+unescape` row decodes into (longer strings would be
/// decoded char by char; the generated inputs have none, which `check` verifies).
const UNESCAPE_BUFFER: usize = 64 * 1024;

/// Fails loudly, before anything is timed, if any representation cannot read `doc`.
fn check(name: &str, doc: &[u8]) -> usize {
    let session = lcsession_core::parse(doc)
        .unwrap_or_else(|e| panic!("{name}: lcsession_core::parse failed: {e}"));
    let events = read_lcsession(&session, &mut touch_str);
    assert_eq!(
        read_lcsession_one_pass(doc, &mut touch_str),
        events,
        "{name}: one-pass event count"
    );
    for how in [Feed::Bytes, Feed::Str] {
        assert_eq!(
            read_lcsession_fed(doc, how, &mut touch_str),
            events,
            "{name}: decoder ({how:?}) event count"
        );
    }
    let mut buf = [0u8; UNESCAPE_BUFFER];
    let mut unescaper = Unescaper::new(&mut buf);
    read_lcsession(&session, &mut |s| unescaper.decode(s));
    assert_eq!(
        unescaper.overflows, 0,
        "{name}: a string exceeds the unescape buffer"
    );
    let typed: TypedSession<'_> = serde_json::from_slice(doc)
        .unwrap_or_else(|e| panic!("{name}: serde_json typed failed: {e}"));
    assert_eq!(read_typed(&typed), events, "{name}: typed event count");
    let tagged: TaggedSession<'_> = serde_json::from_slice(doc)
        .unwrap_or_else(|e| panic!("{name}: serde_json typed_enum failed: {e}"));
    assert_eq!(
        read_tagged(&tagged),
        events,
        "{name}: typed_enum event count"
    );
    assert!(
        simd_json::to_tape(&mut doc.to_vec()).is_ok(),
        "{name}: simd_json failed"
    );
    assert!(
        sonic_rs::from_slice::<serde::de::IgnoredAny>(doc).is_ok(),
        "{name}: sonic_rs failed"
    );
    events
}

fn bench_input(c: &mut Criterion, name: &str, doc: &[u8]) {
    let events = check(name, doc);
    eprintln!("{name}: {} bytes, {events} events", doc.len());

    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(doc.len() as u64));
    // Each iteration reads 12 MiB (milliseconds): flat sampling with 20 samples keeps a
    // default run short; `--sample-size` and `--measurement-time` override.
    group.sample_size(20);
    group.sampling_mode(SamplingMode::Flat);

    group.bench_function("lcsession/parse+read", |b| {
        b.iter(|| match lcsession_core::parse(black_box(doc)) {
            Ok(session) => read_lcsession(&session, &mut touch_str),
            Err(_) => usize::MAX,
        })
    });
    group.bench_function("lcsession/one-pass parse+read", |b| {
        b.iter(|| read_lcsession_one_pass(black_box(doc), &mut touch_str))
    });
    group.bench_function("lcsession/parse+read+unescape", |b| {
        let mut buf = [0u8; UNESCAPE_BUFFER];
        b.iter(|| match lcsession_core::parse(black_box(doc)) {
            Ok(session) => {
                let mut unescaper = Unescaper::new(&mut buf);
                read_lcsession(&session, &mut |s| unescaper.decode(s))
            }
            Err(_) => usize::MAX,
        })
    });
    group.bench_function("lcsession/parse", |b| {
        b.iter(|| match lcsession_core::parse(black_box(doc)) {
            Ok(session) => black_box(&session).event_count(),
            Err(_) => usize::MAX,
        })
    });
    // Not a requirement row: splits parse+read into its two halves.
    if let Ok(session) = lcsession_core::parse(doc) {
        group.bench_function("lcsession/read", |b| {
            b.iter(|| read_lcsession(black_box(&session), &mut touch_str))
        });
    }
    group.bench_function("lcsession/decoder feed", |b| {
        b.iter(|| read_lcsession_fed(black_box(doc), Feed::Bytes, &mut touch_str))
    });
    group.bench_function("lcsession/decoder utf8_prefix+feed_str", |b| {
        b.iter(|| read_lcsession_fed(black_box(doc), Feed::Str, &mut touch_str))
    });
    group.bench_function("serde_json/typed", |b| {
        b.iter(
            || match serde_json::from_slice::<TypedSession<'_>>(black_box(doc)) {
                Ok(session) => read_typed(&session),
                Err(_) => usize::MAX,
            },
        )
    });
    group.bench_function("serde_json/typed_enum", |b| {
        b.iter(
            || match serde_json::from_slice::<TaggedSession<'_>>(black_box(doc)) {
                Ok(session) => read_tagged(&session),
                Err(_) => usize::MAX,
            },
        )
    });
    group.bench_function("serde_json/ignored_any", |b| {
        b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(doc)).is_ok())
    });
    group.bench_function("serde_json/value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(doc)).is_ok())
    });
    group.bench_function("simd_json/tape", |b| {
        // simd-json parses in place: each iteration gets a fresh copy, made untimed.
        b.iter_batched_ref(
            || doc.to_vec(),
            |buf| simd_json::to_tape(black_box(buf)).is_ok(),
            BatchSize::LargeInput,
        )
    });
    group.bench_function("sonic_rs/ignored_any", |b| {
        b.iter(|| sonic_rs::from_slice::<serde::de::IgnoredAny>(black_box(doc)).is_ok())
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    let long = long_texts(BENCH_BYTES, BENCH_SEED);
    bench_input(c, "long_texts", long.as_bytes());
    drop(long);
    let deltas = many_deltas(BENCH_BYTES, BENCH_SEED);
    bench_input(c, "many_deltas", deltas.as_bytes());
}

criterion_group!(session, benches);
criterion_main!(session);
