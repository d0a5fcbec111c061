#!/usr/bin/env bash
# Stack the `lcsession` CLI (release build) needs, one command:
#
#   bash benches/cli_stack.sh
#
# For `inspect` of the bundled sample and for `retrieve` of a generated 20 MiB long-texts session
# from `lcsession-testserver` on 127.0.0.1, finds (by bisection over `ulimit -s`, in KiB) the
# smallest main-thread stack limit under which the command still succeeds. The limit covers the
# whole main thread (the runtime's start-up included), so it is an upper bound of what the
# command itself uses. Respects CARGO_TARGET_DIR.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."
cargo build -q --release -p lcsession-cli -p lcsession-testserver -p lcsession-gen
release="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')/release"
tmp="$(mktemp -d)"
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

"$release/lcsession-gen" long-texts --bytes 20M --out "$tmp/session.json"
mkfifo "$tmp/in"
"$release/lcsession-testserver" "$tmp/session.json" <"$tmp/in" >"$tmp/url" 2>/dev/null &
server_pid=$!
exec 4>"$tmp/in" # the server runs until this script ends and closes its stdin
for _ in $(seq 50); do [ -s "$tmp/url" ] && break; sleep 0.1; done
base="$(head -n 1 "$tmp/url")"
[[ "$base" == http://127.0.0.1:* ]] || { echo "cli_stack.sh: the server did not start" >&2; exit 1; }

# Whether "$@" succeeds with a stack limit of $1 KiB.
fits() {
    local kib=$1
    shift
    (ulimit -s "$kib" && "$@" >/dev/null 2>&1) 2>/dev/null
}

# The smallest limit in KiB (to 4 KiB; the address randomisation of the stack moves it by a
# few KiB from run to run) under which "$@" succeeds; at most 64 MiB.
smallest() {
    local lo=4 hi=65536
    fits "$hi" "$@" || { echo "fails even with $hi KiB"; return; }
    while [ $((hi - lo)) -gt 4 ]; do
        local mid=$(((lo + hi) / 2))
        if fits "$mid" "$@"; then hi=$mid; else lo=$mid; fi
    done
    echo "$hi KiB"
}

echo "| command | smallest stack limit (ulimit -s) |"
echo "|---|---:|"
echo "| \`lcsession inspect examples/data/sample-session.json\` | $(smallest "$release/lcsession" inspect examples/data/sample-session.json) |"
for format in raw transcript; do
    echo "| \`lcsession retrieve --format $format\` (20 MiB, loopback) | $(smallest "$release/lcsession" retrieve ses-bench --base-url "$base" --api-key bench --max-retries 0 --format "$format") |"
done
