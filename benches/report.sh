#!/usr/bin/env bash
# One command for the lcsession performance report (see benches/README.md):
#
#   bash benches/report.sh                                   # default criterion settings
#   bash benches/report.sh -- --measurement-time 5           # arguments go to `cargo bench`
#   bash benches/report.sh > report.md                       # stdout is the Markdown report
#
# Runs the criterion benchmark `session` (progress on stderr), then prints to stdout: the
# machine, the toolchain, a table per input with mean time, throughput (MiB/s, 1 MiB = 2^20
# bytes) and the ratio to `lcsession/parse+read`, PASS/FAIL for the two requirements, and the
# size_of / peak stack report of `mem_report`. Respects CARGO_TARGET_DIR.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."

started="$(date +%s)"
cargo bench -p lcsession-benches --bench session "$@" >&2

target_dir="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"

cpu="$(LC_ALL=C lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)"
echo "# lcsession performance report"
echo
echo "- machine: ${cpu:-unknown CPU}, $(nproc) logical cores available ($(uname -sm))"
echo "- toolchain: $(rustc -V)"
echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo ' (with local changes)')"
echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "- benchmark arguments: ${*:-(criterion defaults)}"
echo

python3 "$here/report.py" "$target_dir/criterion" "$started"

echo
cargo run --release -q -p lcsession-benches --bin mem_report
