#!/usr/bin/env bash
# The C benchmark, in one command: lcsession's C API against cJSON and jsmn, parsing and
# walking every event of the two large generated dumps (12 MiB each, seeded).
#
#   bash examples/c/bench.sh [--runs N] [--no-check]
#
# Needs a C compiler, libcjson-dev and libjsmn-dev (Debian: apt-get install -y libcjson-dev
# libjsmn-dev). Builds liblcsession.a and lcsession-gen in release mode, generates the dumps
# once into $CARGO_TARGET_DIR/lcs-bench (default target/lcs-bench), builds bench.c with -O2
# and runs it. Exits 1 when lcsession is not >= 3x faster than cJSON and faster than jsmn.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
target="${CARGO_TARGET_DIR:-$repo/target}"
out="$target/lcs-bench"
mkdir -p "$out"

for dep in /usr/include/cjson/cJSON.h /usr/include/jsmn.h; do
  [ -f "$dep" ] || { echo "bench.sh: $dep missing: apt-get install -y libcjson-dev libjsmn-dev" >&2; exit 2; }
done

cargo build --release -q -p lcsession -p lcsession-gen
gen="$target/release/lcsession-gen"
for kind in long-texts many-deltas; do
  [ -s "$out/$kind.json" ] || "$gen" "$kind" --out "$out/$kind.json"
done

"${CC:-cc}" -O2 -std=c11 -Wall -Wextra -Werror -I include examples/c/bench.c \
  "$target/release/liblcsession.a" -lcjson -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc \
  -o "$out/bench"
"$out/bench" "$@" "$out/long-texts.json" "$out/many-deltas.json"
