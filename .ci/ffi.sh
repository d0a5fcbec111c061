#!/usr/bin/env bash
# CI step for the C ABI (package `lcsession`, include/, examples/c, examples/cpp):
#   1. the C and C++ examples built with ASan + UBSan (clang) and run on the sample and
#      on every bad input: expected output, expected errors, no sanitizer report; the fetch
#      examples (HTTP client) against `lcsession-testserver` on 127.0.0.1: a session
#      retrieved and saved, a body that is not a session, a closed port, a missing API key;
#   2. the same programs under valgrind: zero errors and zero leaks of any kind; a fetch
#      from 127.0.0.1 starts no thread (strace);
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
command -v strace >/dev/null || need+=(strace)
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

say "C benchmark smoke: bench.c on the sample dump, both walk APIs (the libraries must agree)"
# shellcheck disable=SC2086 # the flags are a list
cc -O1 -std=c11 -Wall -Wextra -Werror -I include examples/c/bench.c "$lib" -lcjson $listed \
  -o "$work/bench" || fail "bench.c does not build"
"$work/bench" --runs 1 --no-check examples/data/sample-session.json >/dev/null ||
  fail "bench.c: the libraries walked the sample differently (lcs_value_walk)"
"$work/bench" --runs 1 --no-check --iterator examples/data/sample-session.json >/dev/null ||
  fail "bench.c: the libraries walked the sample differently (lcs_token_next)"
native=($printed)

# --- loopback servers for the fetch examples ---------------------------------------------
say "starting lcsession-testserver (sample, and a body that is not a session)"
cargo build -q -p lcsession-testserver
testserver="$target/debug/lcsession-testserver"
server_pids=()
server_fds=()
stop_servers() {
  local fd
  for fd in "${server_fds[@]}"; do exec {fd}>&-; done
  [ ${#server_pids[@]} -eq 0 ] || wait "${server_pids[@]}" 2>/dev/null || true
}
trap stop_servers EXIT
# start_server NAME FILE: serves FILE until this script ends (the server stops when its
# stdin, a fifo held open here, closes); sets server_url.
start_server() {
  local fifo="$work/$1.stdin" fd i
  mkfifo "$fifo"
  "$testserver" "$2" <"$fifo" >"$work/$1.url" 2>"$work/$1.log" &
  server_pids+=($!)
  exec {fd}>"$fifo"
  server_fds+=("$fd")
  for i in $(seq 100); do
    grep -q '^http://' "$work/$1.url" 2>/dev/null && break
    sleep 0.1
  done
  server_url="$(head -n 1 "$work/$1.url")"
  case "$server_url" in http://127.0.0.1:*) ;; *) fail "lcsession-testserver $2 did not start" ;; esac
}
start_server sample examples/data/sample-session.json
sample_url="$server_url"
start_server invalid examples/c/bad-input/missing-call-id.json
invalid_url="$server_url"
closed_url="http://127.0.0.1:1"

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
  check_fetch "$lang" "$@"
}

# check_fetch LANG RUNNER...: the fetch example of LANG against the loopback servers.
check_fetch() {
  local lang="$1"
  shift
  local exe="$bin_dir/fetch.$lang" expected_dir="examples/$lang/expected" status
  local key=llx-ffi-ci-key-0123456789 saved="$work/fetched.json"
  local clean=(env -u LLAMA_CLOUD_API_KEY -u LLAMA_PARSE_API_KEY -u LLAMA_CLOUD_BASE_URL
    -u LLAMA_CLOUD_CUSTOM_HEADERS)
  rm -f "$saved"
  status=0
  "${clean[@]}" LLAMA_CLOUD_API_KEY="$key" "$@" "$exe" "$sample_url" ses-7f3a9c2e41b8 "$saved" \
    >"$work/out" 2>"$work/err" || status=$?
  [ "$status" = 0 ] || { cat "$work/err" >&2; fail "$exe (200) exited $status"; }
  sed "s|$saved|OUT_FILE|" "$work/out" | cmp -s - "$expected_dir/fetch.txt" ||
    { cat "$work/out" >&2; fail "$exe: output differs from $expected_dir/fetch.txt"; }
  [ ! -s "$work/err" ] || { cat "$work/err" >&2; fail "$exe wrote to stderr on a 200"; }
  cmp -s "$saved" examples/data/sample-session.json || fail "$exe saved something else"

  status=0
  "${clean[@]}" "$@" "$exe" "$sample_url" ses-7f3a9c2e41b8 >"$work/out" 2>"$work/err" || status=$?
  [ "$status" = 1 ] || fail "$exe without a key exited $status, not 1"
  cmp -s "$work/err" "$expected_dir/fetch-no-key.txt" ||
    { cat "$work/err" >&2; fail "$exe without a key: error differs from $expected_dir/fetch-no-key.txt"; }

  status=0
  "${clean[@]}" LLAMA_CLOUD_API_KEY="$key" "$@" "$exe" "$invalid_url" ses-1 >"$work/out" 2>"$work/err" ||
    status=$?
  [ "$status" = 1 ] || { cat "$work/err" >&2; fail "$exe on an invalid body exited $status, not 1"; }
  grep -q "at byte" "$work/err" || { cat "$work/err" >&2; fail "$exe: no decoder position for an invalid body"; }

  # A closed port: connection errors, retried twice (0.5 s and 1 s of backoff).
  status=0
  "${clean[@]}" LLAMA_CLOUD_API_KEY="$key" "$@" "$exe" "$closed_url" ses-1 >"$work/out" 2>"$work/err" ||
    status=$?
  [ "$status" = 1 ] || { cat "$work/err" >&2; fail "$exe on a closed port exited $status, not 1"; }
  grep -q "code: 330 " "$work/err" && grep -q "attempts: 3" "$work/err" ||
    { cat "$work/err" >&2; fail "$exe on a closed port: unexpected error"; }
  ! grep -rq "$key" "$work/out" "$work/err" || fail "$exe printed the API key"
}

say "ASan + UBSan: building the C and C++ examples with $CC_SAN / $CXX_SAN"
bin_dir="$work/asan"
mkdir -p "$bin_dir"
san=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1)
for program in "${programs[@]}" fetch; do
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
for program in "${programs[@]}" fetch; do
  build "$bin_dir/$program.c" c cc -g -O1
  build "$bin_dir/$program.cpp" cpp c++ -g -O1
done
say "valgrind: running them (zero errors, zero leaks of any kind)"
# Exit code 86 marks a valgrind finding (the programs themselves exit 0, 1 or 2).
# One allocation of the HTTP stack that is not a leak is suppressed by name (nothing else
# is): ureq's `ACCEPTS` LazyLock string (one per process, still reachable). No resolver
# thread exists to race the exit (the cause of an earlier flaky "still reachable" report):
# the client answers an IP literal such as 127.0.0.1 itself (ffi/src/client/resolve.rs).
cat >"$work/rust-statics.supp" <<'SUPP'
{
   ureq-accepts-lazylock
   Memcheck:Leak
   match-leak-kinds: reachable
   fun:malloc
   ...
   fun:*ureq*add_headers*ACCEPTS*
}
SUPP
vg=(valgrind -q --error-exitcode=86 --leak-check=full --show-leak-kinds=all
  --errors-for-leak-kinds=all --track-origins=yes --suppressions="$work/rust-statics.supp")
check c "${vg[@]}"
check cpp "${vg[@]}"

say "no threads: a fetch from an IP-literal host starts none (strace)"
# ureq's own resolver runs each lookup on a detached thread that can outlive a short
# program (an earlier flaky valgrind report); ours answers IP literals itself. Three
# attempts on a closed port must make no clone/fork system call at all.
# A container without ptrace cannot run strace at all: that is said, not failed (the
# valgrind step above still runs the same program).
if ! strace -qq -o /dev/null true 2>/dev/null; then
  say "strace cannot trace in this environment (no ptrace): thread check not run"
else
  LLAMA_CLOUD_API_KEY=llx-ffi-ci-key strace -f -qq -e trace=clone,clone3,fork,vfork \
    -o "$work/clones" "$bin_dir/fetch.c" "$closed_url" ses-1 >/dev/null 2>"$work/err" || true
  grep -q "attempts: 3" "$work/err" || { cat "$work/err" >&2; fail "fetch.c under strace: unexpected run"; }
  [ -f "$work/clones" ] || fail "strace wrote no trace"
  ! grep -qE 'clone|fork' "$work/clones" ||
    { cat "$work/clones" >&2; fail "fetch.c started a thread or process for 127.0.0.1"; }
fi

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
