#!/usr/bin/env python3
"""Prints criterion's results for the `session` benchmark as a Markdown table.

Usage: report.py CRITERION_DIR STARTED_UNIX_TIME

Reads CRITERION_DIR/<input>/<bench>/new/{benchmark,estimates,sample}.json (stdlib only).
Besides criterion's mean, it shows the fastest sample (time per iteration of the quickest
sample): on a machine shared with other work, preemption inflates the mean but rarely the
fastest sample, so ratios of fastest samples are the steadier figure there. PASS/FAIL uses
the means, as criterion reports them. Results
written before STARTED_UNIX_TIME come from an earlier run; they are shown, marked stale, and
never count for PASS. Exit status 0 even on FAIL: the table is the output.
"""

import json
import os
import sys

INPUTS = ["long_texts", "many_deltas"]
BASE = "lcsession/parse+read"
ONE_PASS = "lcsession/one-pass parse+read"
ROWS = [
    (BASE, "parse, then iterate and read every field of every event (two passes)"),
    (ONE_PASS, "parse_visiting: validate and read every field of every event in one pass"),
    ("lcsession/parse+read+unescape", "the same, plus decoding every string into a buffer"),
    ("lcsession/parse", "parse (full validation) only"),
    ("lcsession/read", "read every field of an already parsed session (info)"),
    (
        "lcsession/decoder feed",
        "one pass through the incremental SessionDecoder::feed, input in 128 KiB pieces (info)",
    ),
    (
        "lcsession/decoder utf8_prefix+feed_str",
        "the same, UTF-8 checked per piece by utf8_prefix, then feed_str (info)",
    ),
    ("serde_json/typed", "borrowed typed structs, flat event struct, then read"),
    ("serde_json/typed_enum", "internally tagged enum, Value for arguments/result (info)"),
    ("serde_json/ignored_any", "validation only (IgnoredAny)"),
    ("serde_json/value", "serde_json::Value tree (info)"),
    ("simd_json/tape", "peer (info): simd-json tape (in place; input copied untimed)"),
    ("sonic_rs/ignored_any", "peer (info): sonic-rs, validation only (IgnoredAny)"),
]
# (row, minimum ratio row/BASE, what it checks)
REQUIREMENTS = [
    ("serde_json/typed", 4.0, "at least 4x faster than serde_json typed structs"),
    ("serde_json/ignored_any", 1.0, "at least as fast as serde_json IgnoredAny"),
]
MIB = 1 << 20


def load(group_dir):
    """Maps function id -> (mean ns, low ns, high ns, bytes, mtime, fastest ns) for one input."""
    found = {}
    if not os.path.isdir(group_dir):
        return found
    for entry in os.listdir(group_dir):
        new = os.path.join(group_dir, entry, "new")
        try:
            with open(os.path.join(new, "benchmark.json")) as f:
                bench = json.load(f)
            estimates_path = os.path.join(new, "estimates.json")
            with open(estimates_path) as f:
                mean = json.load(f)["mean"]
            with open(os.path.join(new, "sample.json")) as f:
                sample = json.load(f)
            fastest = min(t / n for t, n in zip(sample["times"], sample["iters"]) if n > 0)
        except (OSError, ValueError, KeyError, TypeError):
            continue
        throughput = bench.get("throughput") or {}
        found[bench.get("function_id") or entry] = (
            mean["point_estimate"],
            mean["confidence_interval"]["lower_bound"],
            mean["confidence_interval"]["upper_bound"],
            throughput.get("Bytes") or throughput.get("BytesDecimal"),
            os.path.getmtime(estimates_path),
            fastest,
        )
    return found


def fmt_time(ns):
    if ns >= 1e9:
        return f"{ns / 1e9:.3f} s"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    return f"{ns / 1e3:.1f} µs"


def relative(row, value, base):
    """How `value` compares with the baseline's, in words."""
    if row == BASE:
        return "baseline"
    if base is None:
        return "-"
    if value >= base:
        return f"{value / base:.2f}x slower"
    return f"{base / value:.2f}x faster"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    criterion_dir, started = sys.argv[1], float(sys.argv[2])
    verdicts = []
    any_stale = False
    for name in INPUTS:
        results = load(os.path.join(criterion_dir, name))
        size = next((r[3] for r in results.values() if r[3]), None)
        print(f"## {name}" + (f" ({size} bytes, {size / MIB:.2f} MiB)" if size else ""))
        print()
        print(
            "| benchmark | what | mean | 95% CI of mean | MiB/s (mean) | vs lcsession/parse+read "
            "(mean) | fastest sample | vs lcsession/parse+read (fastest) |"
        )
        print("|---|---|---:|---:|---:|---|---:|---|")
        base = results.get(BASE)
        for row, what in ROWS:
            r = results.get(row)
            if r is None:
                print(f"| `{row}` | {what} | not run | | | | | |")
                continue
            mean, low, high, nbytes, mtime, fastest = r
            stale = mtime < started
            any_stale |= stale
            speed = f"{nbytes / (mean / 1e9) / MIB:.1f}" if nbytes else "-"
            rel = relative(row, mean, base[0] if base else None)
            rel_fast = relative(row, fastest, base[5] if base else None)
            mark = " (stale: earlier run)" if stale else ""
            print(
                f"| `{row}`{mark} | {what} | {fmt_time(mean)} | "
                f"{fmt_time(low)} – {fmt_time(high)} | {speed} | {rel} | "
                f"{fmt_time(fastest)} | {rel_fast} |"
            )
        print()
        for base_row in (BASE, ONE_PASS):
            lcs = results.get(base_row)
            for row, minimum, what in REQUIREMENTS:
                other = results.get(row)
                label = f"{what} (`{base_row}`)"
                if lcs is None or other is None:
                    verdicts.append((name, label, "NOT RUN", "missing results"))
                    continue
                ratio = other[0] / lcs[0]
                stale = lcs[4] < started or other[4] < started
                if stale:
                    verdict = "STALE"
                else:
                    verdict = "PASS" if ratio >= minimum else "FAIL"
                verdicts.append(
                    (
                        name,
                        label,
                        verdict,
                        f"`{row}` / `{base_row}` = {ratio:.2f} (need >= {minimum:g}); "
                        f"fastest samples: {other[5] / lcs[5]:.2f}",
                    )
                )
    print("## Requirements")
    print()
    print("| input | requirement | result | measured |")
    print("|---|---|---|---|")
    for name, what, verdict, detail in verdicts:
        print(f"| {name} | {what} | **{verdict}** | {detail} |")
    print()
    print(
        "Verdicts use the ratio of criterion's mean times; the ratio of the fastest samples "
        "(time per iteration of the quickest sample) is given beside it, steadier on a busy "
        "machine. MiB/s counts input bytes, 1 MiB = 2^20 bytes."
        + (" Rows marked stale were not measured by this run (filtered out?)." if any_stale else "")
    )


if __name__ == "__main__":
    main()
