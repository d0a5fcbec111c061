#!/usr/bin/env bash
# Embedded proof: builds examples/embedded (no_std firmware for a Cortex-M4, opt-level "z"),
# boots it in QEMU's mps2-an386 board, compares its summary of the sample dump with
# examples/embedded/expected.txt, checks that its stack use does not depend on nesting
# depth, runs the link-time no-panic check and prints the parser's code size.
# Installs what it needs (thumbv7em target, qemu-system-arm, binutils-arm-none-eabi).
set -euo pipefail
cd "$(dirname "$0")/../examples/embedded"
SECONDS=0

rustup target add thumbv7em-none-eabihf >/dev/null
if ! command -v qemu-system-arm >/dev/null || ! command -v arm-none-eabi-objdump >/dev/null; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq qemu-system-arm binutils-arm-none-eabi >/dev/null
fi

cargo fmt --check
cargo clippy --release --bins --quiet -- -D warnings
cargo build --release --bins --quiet
elf="${CARGO_TARGET_DIR:-target}/thumbv7em-none-eabihf/release/lcsession-embedded"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
# The firmware exits QEMU through semihosting; the timeout only guards against a hang.
if ! timeout 120 qemu-system-arm -machine mps2-an386 -cpu cortex-m4 -nographic \
  -monitor none -serial none -semihosting-config enable=on,target=native \
  -kernel "$elf" >"$out"; then
  cat "$out"
  echo "embedded: the firmware failed or did not finish" >&2
  exit 1
fi
cat "$out"

# The summary must match exactly; the measured figures are checked below instead.
if ! diff -u expected.txt <(grep -v -E '^(stack|size) ' "$out"); then
  echo "embedded: output differs from examples/embedded/expected.txt" >&2
  exit 1
fi
figure() { awk -v k="$1" 'index($0, k ": ") == 1 { print substr($0, length(k) + 3) }' "$out"; }
for api in "parse" "parse_into caller's session" "parse_visiting" "events() read everything"; do
  flat=$(figure "stack $api flat")
  deep=$(figure "stack $api deep")
  if [ -z "$flat" ] || [ "$flat" != "$deep" ]; then
    echo "embedded: $api uses ${flat:-?} bytes of stack nested once but ${deep:-?} nested 128 deep" >&2
    exit 1
  fi
done
# The goal: at most 2 KiB for the parser filling a caller's session, and for iterating.
for api in "parse_into caller's session" "events() read everything"; do
  for input in sample flat deep; do
    used=$(figure "stack $api $input")
    if [ -z "$used" ] || [ "$used" -gt 2048 ]; then
      echo "embedded: $api ($input) uses ${used:-?} bytes of stack, above the 2 KiB goal" >&2
      exit 1
    fi
  done
done
# Regression guard for `parse` (which holds the returned session twice; see
# examples/embedded/README.md).
peak=$(figure "stack parse sample")
if [ "$peak" -gt 4608 ]; then
  echo "embedded: parse uses $peak bytes of stack, above the 4.5 KiB guard" >&2
  exit 1
fi

bash nopanic.sh
# The goal: the parser's .text at most 16 KiB (see examples/embedded/README.md).
bash size.sh --max-text 16384
echo "embedded: ok (${SECONDS}s)"
