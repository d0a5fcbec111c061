#!/usr/bin/env bash
# CI step for the C ABI (package `lcsession`, include/, examples/c, examples/cpp):
#   1. the C and C++ examples built with ASan + UBSan (clang) and run on the sample and
#      on every bad input: expected output, expected errors, no sanitizer report;
#   2. the same programs under valgrind: zero errors and zero leaks of any kind;
#   3. the static-link flags: ffi/lcsession.pc.in lists what rustc says a static link needs,
#      and `pkg-config --static --libs` links a working program;
#   4. Miri over the crate's Rust tests (the C ones are ignored there).
# Installs what it needs itself; about 3-5 minutes on 2 cores with a warm cargo cache.
# Honours CARGO_TARGET_DIR; LCS_CI_SKIP_MIRI=1 skips step 4 (for quick local runs).
# Run from anywhere: bash .ci/ffi.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
target="${CARGO_TARGET_DIR:-$repo/target}"
work="$target/ffi-ci"
rm -rf "$work"
mkdir -p "$work"

say() { printf -- '-- %s\n' "$*"; }
fail() { printf 'ffi.sh: FAILED: %s\n' "$*" >&2; exit 1; }

# --- tools ------------------------------------------------------------------------------
need=()
command -v clang >/dev/null || need+=(clang)
command -v valgrind >/dev/null || need+=(valgrind)
command -v pkg-config >/dev/null || need+=(pkg-config)
[ -f /usr/include/cjson/cJSON.h ] || need+=(libcjson-dev)
[ -f /usr/include/jsmn.h ] || need+=(libjsmn-dev)
# clang's sanitizer runtimes (Debian ships them separately from clang on some versions).
if command -v clang >/dev/null && ! echo 'int main(void){return 0;}' |
    clang -x c -fsanitize=address,undefined -o "$work/probe" - 2>/dev/null; then
  need+=("libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev")
fi
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
CC_SAN="${CC_SAN:-clang}"
CXX_SAN="${CXX_SAN:-clang++}"

# --- the library --------------------------------------------------------------------------
say "building liblcsession.a (debug)"
cargo build -q -p lcsession
lib="$target/debug/liblcsession.a"
[ -f "$lib" ] || fail "$lib not built"

say "checking the static-link flags against rustc"
printed="$(cargo rustc -q -p lcsession --lib --crate-type staticlib -- --print native-static-libs 2>&1 |
  sed -n 's/.*native-static-libs: //p' | tail -n 1)"
listed="$(sed -n 's/^Libs.private: //p' ffi/lcsession.pc.in)"
[ -n "$printed" ] || fail "rustc printed no native-static-libs"
[ "$printed" = "$listed" ] ||
  fail "ffi/lcsession.pc.in lists '$listed' but rustc needs '$printed' (update the template and ffi/tests/examples.rs)"
# `cargo rustc` rebuilt the library; build it again as the tests expect it.
cargo build -q -p lcsession
native=($printed)

# --- the programs -----------------------------------------------------------------------
programs=(transcript tool_values)
bad_inputs=(empty missing-call-id not-utf8 trailing-comma truncated)

build() { # build OUT LANG(c|cpp) COMPILER FLAGS...
  local out="$1" lang="$2" cc="$3"
  shift 3
  local name src std
  name="$(basename "$out")"
  name="${name%%.*}"
  if [ "$lang" = c ]; then src="examples/c/$name.c"; std=-std=c99; else src="examples/cpp/$name.cpp"; std=-std=c++17; fi
  "$cc" "$std" -Wall -Wextra -Wpedantic -Werror -Iinclude "$@" "$src" -o "$out" "$lib" "${native[@]}"
}

# check RUNNER... : runs every program of $bin_dir through the sample and the bad inputs.
check() {
  local lang="$1"
  shift
  local expected_dir="examples/$lang/expected" program out status
  for program in "${programs[@]}"; do
    local exe="$bin_dir/$program.$lang"
    status=0
    "$@" "$exe" examples/data/sample-session.json >"$work/out" 2>"$work/err" || status=$?
    [ "$status" = 0 ] || { cat "$work/err" >&2; fail "$exe on the sample exited $status"; }
    cmp -s "$work/out" "$expected_dir/$program.txt" ||
      { diff "$expected_dir/$program.txt" "$work/out" | head -20 >&2; fail "$exe: output differs from $expected_dir/$program.txt"; }
    [ ! -s "$work/err" ] || { cat "$work/err" >&2; fail "$exe wrote to stderr on the sample"; }
    local bad
    for bad in "${bad_inputs[@]}"; do
      status=0
      "$@" "$exe" "examples/c/bad-input/$bad.json" >"$work/out" 2>"$work/err" || status=$?
      [ "$status" = 1 ] || { cat "$work/err" >&2; fail "$exe on $bad.json exited $status, not 1"; }
      cmp -s "$work/err" "$expected_dir/bad-$bad.txt" ||
        { cat "$work/err" >&2; fail "$exe on $bad.json: error differs from $expected_dir/bad-$bad.txt"; }
    done
    status=0
    "$@" "$exe" examples/c/bad-input/no-such-file.json >/dev/null 2>"$work/err" || status=$?
    [ "$status" = 2 ] || fail "$exe on a missing file exited $status, not 2"
  done
}

say "ASan + UBSan: building the C and C++ examples with $CC_SAN / $CXX_SAN"
bin_dir="$work/asan"
mkdir -p "$bin_dir"
san=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1)
for program in "${programs[@]}"; do
  build "$bin_dir/$program.c" c "$CC_SAN" "${san[@]}"
  build "$bin_dir/$program.cpp" cpp "$CXX_SAN" "${san[@]}"
done
say "ASan + UBSan: running them"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87
check c
check cpp
unset ASAN_OPTIONS UBSAN_OPTIONS

say "valgrind: building without sanitizers"
bin_dir="$work/plain"
mkdir -p "$bin_dir"
for program in "${programs[@]}"; do
  build "$bin_dir/$program.c" c cc -g -O1
  build "$bin_dir/$program.cpp" cpp c++ -g -O1
done
say "valgrind: running them (zero errors, zero leaks of any kind)"
# Exit code 86 marks a valgrind finding (the programs themselves exit 0, 1 or 2).
vg=(valgrind -q --error-exitcode=86 --leak-check=full --show-leak-kinds=all
  --errors-for-leak-kinds=all --track-origins=yes)
check c "${vg[@]}"
check cpp "${vg[@]}"

say "pkg-config: static link of examples/c/transcript.c"
bash ffi/install.sh --prefix "$work/prefix" --static-only --from "$target/debug" >/dev/null
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
[ "$(pkg-config --modversion lcsession)" = "$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)" ] ||
  fail "pkg-config --modversion does not match Cargo.toml"
# shellcheck disable=SC2046
cc -std=c99 -Wall -Wextra -Wpedantic -Werror $(pkg-config --cflags lcsession) \
  examples/c/transcript.c -o "$work/transcript-pkg" $(pkg-config --static --libs lcsession)
"$work/transcript-pkg" examples/data/sample-session.json | cmp -s - examples/c/expected/transcript.txt ||
  fail "the pkg-config static build prints something else"
! ldd "$work/transcript-pkg" | grep -q liblcsession || fail "the pkg-config build links liblcsession dynamically"
unset PKG_CONFIG_PATH

# --- Miri ---------------------------------------------------------------------------------
say "Miri: cargo +nightly miri test -p lcsession"
if [ -n "${LCS_CI_SKIP_MIRI:-}" ]; then
  say "Miri skipped: LCS_CI_SKIP_MIRI is set"
elif ! cargo +nightly miri --version >/dev/null 2>&1; then
  rustup component add miri rust-src --toolchain nightly >/dev/null 2>&1 || true
fi
if [ -n "${LCS_CI_SKIP_MIRI:-}" ]; then
  :
elif cargo +nightly miri --version >/dev/null 2>&1; then
  status=0
  cargo +nightly miri test -p lcsession >"$work/miri.log" 2>&1 || status=$?
  grep -E '^(test result|error)' "$work/miri.log" || true
  [ "$status" = 0 ] || { tail -n 40 "$work/miri.log" >&2; fail "Miri"; }
else
  # This machine kind has one toolchain and cannot fetch another (see the environment
  # notes); Miri runs wherever a nightly toolchain with the miri component exists.
  say "Miri SKIPPED: no nightly toolchain with miri on this machine"
fi

say "ffi: all checks passed (${SECONDS}s)"
