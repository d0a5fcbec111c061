#!/usr/bin/env bash
# Link-time no-panic check. Builds the firmware and the size probes (opt-level "z", LTO,
# panic = "abort"), disassembles each linked ELF and lists every function that contains a
# call or branch into the panic machinery (core::panicking::*, *_fail, *_failed, the panic
# handler). After LTO and dead-code elimination, what is left is every panic path the
# optimiser could not prove unreachable. The check fails if any such call site is outside
# core's float parser (`<f64 as FromStr>::from_str` and `core::num::dec2flt::*`), i.e. if
# one is in lcsession-core or in the firmware.
#
# Usage: bash examples/embedded/nopanic.sh
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --quiet --bins
dir="${CARGO_TARGET_DIR:-target}/thumbv7em-none-eabihf/release"
status=0
for bin in lcsession-embedded size_parser size_baseline; do
  arm-none-eabi-objdump -d -C --no-show-raw-insn "$dir/$bin" | awk -v bin="$bin" '
    function machinery(name) {
      return name ~ /panic|_fail$|_failed$|rust_begin_unwind/
    }
    /^[0-9a-f]+ <.*>:$/ {
      fn = $0; sub(/^[0-9a-f]+ </, "", fn); sub(/>:$/, "", fn); functions++
      if (fn ~ /lcsession_core::/) core_functions++
      next
    }
    fn != "" && !machinery(fn) && match($0, /<[^>]*>$/) {
      target = substr($0, RSTART + 1, RLENGTH - 2)
      if (target !~ /\+0x[0-9a-f]+$/ && machinery(target)) sites[fn " -> " target]++
    }
    END {
      if (functions < 10 || (bin != "size_baseline" && core_functions < 5)) {
        printf "%s: the disassembly did not list the expected functions\n", bin; exit 1
      }
      bad = 0; allowed = 0
      for (s in sites) {
        if (s ~ /^<?(core::num::dec2flt::|<f64 as core::str::traits::FromStr>::from_str)/) {
          allowed += sites[s]; printf "  %s: allowed (core float parser) %s (%d)\n", bin, s, sites[s]
        } else {
          bad += sites[s]; printf "  %s: PANIC PATH %s (%d)\n", bin, s, sites[s]
        }
      }
      printf "%s: %d panic call sites outside core float parser, %d inside\n", bin, bad, allowed
      exit bad > 0
    }' || status=1
done
exit "$status"
