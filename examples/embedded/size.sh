#!/usr/bin/env bash
# The parser's code size on a Cortex-M4 (thumbv7em-none-eabihf) at opt-level "z" with LTO:
# `.text` of the `size_parser` probe (parse + events() + header + unknown fields of the
# sample dump, Session<32, 128, 4>) minus `.text` of the `size_baseline` probe (same runtime,
# same output routine, no parser). Everything the parser pulls in is counted: lcsession-core
# itself, core's UTF-8 check, memcpy/memset/memchr (the probe reads no float, so no float
# parser or soft double arithmetic is linked). Also prints a breakdown by symbol family and the `.rodata` difference.
#
# Usage: bash examples/embedded/size.sh [--max-text BYTES]   (fails above BYTES when given)
set -euo pipefail
cd "$(dirname "$0")"
max_text=""
if [ "${1:-}" = "--max-text" ]; then max_text="$2"; fi

cargo build --release --quiet --bin size_baseline --bin size_parser
dir="${CARGO_TARGET_DIR:-target}/thumbv7em-none-eabihf/release"
size_of() { arm-none-eabi-size -A "$1" | awk -v s="$2" '$1 == s { print $2 }'; }

base_text=$(size_of "$dir/size_baseline" .text)
full_text=$(size_of "$dir/size_parser" .text)
base_ro=$(size_of "$dir/size_baseline" .rodata)
full_ro=$(size_of "$dir/size_parser" .rodata)
text=$((full_text - base_text))
echo "parser .text: $text bytes ($full_text with the parser - $base_text without)"
echo "parser .rodata: $((full_ro - base_ro)) bytes ($full_ro - $base_ro)"
echo "breakdown of the probe's .text by symbol (arm-none-eabi-nm -S):"
arm-none-eabi-nm -C -S -t d "$dir/size_parser" | awk '
  $3 ~ /^[tT]$/ {
    size = $2 + 0; name = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", name)
    if (name ~ /lcsession_core::/) group = "lcsession-core"
    else if (name ~ /dec2flt|f64 as core::str::traits::FromStr/) group = "core float parser (f64 from_str)"
    else if (name ~ /^compiler_builtins::float|^__aeabi_(ul2d|l2d|d2|dmul|ddiv|dadd|dsub)/) group = "soft double arithmetic"
    else if (name ~ /from_utf8/) group = "core UTF-8 validation"
    else if (name ~ /mem(cpy|set|clr|move|cmp)|memchr/) group = "memcpy, memset, memchr"
    else group = "runtime, output and the probe itself"
    total[group] += size
  }
  END { for (g in total) printf "  %6d  %s\n", total[g], g }' | sort -rn
if [ -n "$max_text" ] && [ "$text" -gt "$max_text" ]; then
  echo "parser .text $text bytes is above the limit of $max_text" >&2
  exit 1
fi
