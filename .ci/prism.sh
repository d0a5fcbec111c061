#!/usr/bin/env bash
# Mock-server check, the way the official LlamaCloud SDKs test: Prism serves api/openapi.yaml on
# 127.0.0.1:4010 and the Rust client (cli/tests/prism.rs, #[ignore]d tests selected by
# TEST_API_BASE_URL) and `lcsession retrieve` run against it.
#
# Prism runs with --errors: a request or a response that does not match the description is
# an error (a response example that violates its own schema comes back as a 500), so this
# also checks api/openapi.yaml against itself.
#
# Prints "SKIPPED" and exits 0 only when npm or its registry cannot be reached; any other
# failure fails the script. Prism is stopped on every exit.
set -euo pipefail
cd "$(dirname "$0")/.."

PRISM_PKG="@stainless-api/prism-cli@5.16.1"
PORT="${PRISM_PORT:-4010}"
BASE="http://127.0.0.1:${PORT}"
LOG="$(mktemp -t prism.XXXXXX.log)"
started=$SECONDS

skip() {
  echo "prism.sh: SKIPPED: $*"
  exit 0
}

if ! command -v npm >/dev/null 2>&1; then
  skip "npm is not installed"
fi
# Install (or find in the npx cache) the pinned Prism first, so that the time limit below
# only covers the server start.
if ! version="$(timeout 600 npm exec --yes --package="$PRISM_PKG" -- prism --version 2>>"$LOG")"; then
  if ! timeout 60 npm ping >/dev/null 2>&1; then
    skip "the npm registry cannot be reached (npm ping failed)"
  fi
  cat "$LOG" >&2
  echo "prism.sh: FAILED: could not run $PRISM_PKG" >&2
  exit 1
fi
echo "prism.sh: prism $version ($((SECONDS - started)) s to install/find)"

if curl -s -o /dev/null --max-time 2 "$BASE/"; then
  echo "prism.sh: FAILED: something already listens on $BASE (set PRISM_PORT)" >&2
  exit 1
fi

# setsid: Prism (npm exec -> node) gets its own process group, killed whole at exit.
setsid npm exec --yes --package="$PRISM_PKG" -- \
  prism mock api/openapi.yaml --errors -h 127.0.0.1 -p "$PORT" >>"$LOG" 2>&1 &
prism_pid=$!
stop_prism() {
  kill -TERM -- "-$prism_pid" 2>/dev/null || true
  wait "$prism_pid" 2>/dev/null || true
  rm -f "$LOG"
}
trap stop_prism EXIT

# Wait until it answers (any HTTP status), at most 60 s.
for _ in $(seq 1 120); do
  if ! kill -0 "$prism_pid" 2>/dev/null; then
    cat "$LOG" >&2
    echo "prism.sh: FAILED: Prism exited during start-up" >&2
    exit 1
  fi
  if curl -s -o /dev/null --max-time 1 "$BASE/"; then
    break
  fi
  sleep 0.5
done
if ! curl -s -o /dev/null --max-time 1 "$BASE/"; then
  cat "$LOG" >&2
  echo "prism.sh: FAILED: Prism did not answer on $BASE within 60 s" >&2
  exit 1
fi
echo "prism.sh: Prism answers on $BASE ($((SECONDS - started)) s)"

fail() {
  echo "prism.sh: FAILED: $*" >&2
  echo "--- Prism log (last 40 lines)" >&2
  tail -n 40 "$LOG" >&2
  exit 1
}

# (a) The Rust client against the mock.
TEST_API_BASE_URL="$BASE" cargo test -q -p lcsession-cli --test prism -- --ignored \
  || fail "cargo test --test prism -- --ignored"

# (b) The CLI, as a user would run it.
cargo build -q -p lcsession-cli
bin="$(cargo metadata --format-version 1 --no-deps \
  | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')/debug/lcsession"
[ -x "$bin" ] || fail "no binary at $bin"
unset LLAMA_CLOUD_API_KEY LLAMA_PARSE_API_KEY LLAMA_CLOUD_BASE_URL LLAMA_CLOUD_CUSTOM_HEADERS

out="$("$bin" retrieve --base-url "$BASE" --api-key test ses-7f3a9c2e41b8 --format transcript)" \
  || fail "lcsession retrieve --format transcript exited with $?"
grep -q '^session id:     ses-7f3a9c2e41b8$' <<<"$out" || fail "no session id line in: $out"
grep -q '^transcript:$' <<<"$out" || fail "no transcript in: $out"
grep -q 'search_indexes' <<<"$out" || fail "no tool call in: $out"
echo "prism.sh: lcsession retrieve --format transcript: $(wc -l <<<"$out") lines"

# --debug: the request passed Prism's validation (no sl-violations header) and the key is
# redacted.
debug="$("$bin" retrieve --base-url "$BASE" --api-key test-key-123456 ses-7f3a9c2e41b8 \
  --format raw --debug 2>&1 >/dev/null)" || fail "lcsession retrieve --debug failed: $debug"
grep -q '^> Authorization: Bearer <REDACTED>$' <<<"$debug" || fail "no redacted key in: $debug"
grep -q '^< 200 OK$' <<<"$debug" || fail "no 200 in: $debug"
if grep -qi 'sl-violations' <<<"$debug"; then fail "Prism reports violations: $debug"; fi
if grep -q 'test-key-123456' <<<"$debug"; then fail "the key leaked: $debug"; fi

# A documented error: 404 selected with Prefer, exit status 1, official CLI's first line.
set +e
err="$(LLAMA_CLOUD_CUSTOM_HEADERS='Prefer: code=404' "$bin" retrieve --base-url "$BASE" \
  --api-key test ses-gone 2>&1 >/dev/null)"
status=$?
set -e
[ "$status" -eq 1 ] || fail "404: exit status $status, expected 1: $err"
[ "$(head -n 1 <<<"$err")" = "GET \"$BASE/api/v1/chat/ses-gone\": 404 Not Found" ] \
  || fail "404: unexpected first line: $err"
grep -q '"detail": "Session not found"' <<<"$err" || fail "404: no body in: $err"

echo "prism.sh: OK ($((SECONDS - started)) s)"
