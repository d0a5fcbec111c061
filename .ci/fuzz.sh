#!/usr/bin/env bash
# Fuzz smoke test: builds every cargo-fuzz target in fuzz/ once (nightly, AddressSanitizer,
# debug assertions and overflow checks on) and runs each for FUZZ_SECONDS (default 40) from
# a seed corpus copied into a temporary directory, so nothing the fuzzer finds is written
# into the repository. A crash fails the step and prints the input; make it a regression
# test in core/tests/fuzz_regressions.rs. Long campaigns: see fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS=0
secs="${FUZZ_SECONDS:-40}"

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  if ! rustup toolchain install nightly --profile minimal >/dev/null 2>&1; then
    echo "fuzz: SKIPPED: no nightly toolchain here and none could be installed" >&2
    exit 0
  fi
fi
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --version "^0.13"
fi

# The fuzz package is not a workspace member: format and lint it here.
(cd fuzz && cargo fmt --check && cargo clippy --quiet --all-targets -- -D warnings)
# One build for every target (the runs below reuse it).
cargo +nightly fuzz build
echo "fuzz: built in ${SECONDS}s"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
seeds="$work/seeds"
mkdir -p "$seeds/session" "$seeds/value"
# Whole sessions: the samples, the fixtures, the C examples' bad inputs, fuzz/seeds, and
# every past crash.
cp examples/data/*.json core/tests/fixtures/*.json examples/c/bad-input/* fuzz/seeds/*.json \
  "$seeds/session/"
if [ -d fuzz/regressions ]; then cp fuzz/regressions/* "$seeds/session/" 2>/dev/null || true; fi
# Values: the conformance corpus (the value and differential targets embed them).
for d in accept reject impl; do cp core/tests/conformance/$d/* "$seeds/value/"; done

status=0
for target in $(cargo +nightly fuzz list); do
  corpus="$work/corpus-$target"
  artifacts="$work/artifacts-$target/"
  mkdir -p "$corpus" "$artifacts"
  case "$target" in
    value | differential) seed_dirs=("$seeds/value" "$seeds/session") ;;
    structured) seed_dirs=() ;;
    *) seed_dirs=("$seeds/session" "$seeds/value") ;;
  esac
  dict=()
  if [ "$target" != structured ]; then dict=(-dict=fuzz/json.dict); fi
  log="$work/$target.log"
  if cargo +nightly fuzz run "$target" "$corpus" "${seed_dirs[@]}" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$artifacts" -print_final_stats=1 "${dict[@]}" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    echo "fuzz: $target: ok, ${runs:-?} runs in ${secs}s, $cov, corpus $(ls "$corpus" | wc -l) inputs"
  else
    status=1
    echo "fuzz: $target: FAILED" >&2
    grep -v -E '^(#[0-9]+|INFO:)' "$log" | tail -60 >&2
    for f in "$artifacts"*; do
      [ -f "$f" ] || continue
      echo "fuzz: $target: input $(basename "$f") ($(wc -c <"$f") bytes), base64:" >&2
      base64 -w 0 "$f" >&2
      echo >&2
    done
  fi
done
echo "fuzz: done in ${SECONDS}s"
exit "$status"
