#!/usr/bin/env bash
# Retrieve benchmark (issue: client performance), one command:
#
#   bash benches/retrieve.sh            # Markdown report on stdout, progress on stderr
#
# Serves a generated 20 MiB session (long texts) from `lcsession-testserver` on 127.0.0.1 and
# compares, in the same run, the wall time of
#   - `curl -s -o /dev/null URL` (a fresh process per fetch), with
#   - `retrieve_bench URL ID 1` (a fresh process: client, `retrieve_visiting`: the body is
#     decoded while it arrives, every event read),
#   - the same with RETRIEVE_SEQUENTIAL=1 (`retrieve`, then `parse_visiting`; information),
#   - the same with RETRIEVE_ONLY=1 (no decode; information),
#   - the same with RETRIEVE_STREAMING=1 (`retrieve_streaming`: decoded in bounded memory, the
#     body not kept; information),
#   - `lcsession retrieve --format raw` (the CLI: validated while receiving, then printed;
#     information),
# with the CPU time (user + system) of each process and the server's CPU per fetch; then
# times 100 sequential retrieve+decode calls on one client in one process and counts the
# TCP connections the server accepted for them. Respects CARGO_TARGET_DIR.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."
command -v curl >/dev/null || { echo "retrieve.sh: curl is required" >&2; exit 1; }
cargo build -q --release -p lcsession-testserver -p lcsession-gen >&2
cargo build -q --release -p lcsession --features no-trace-log --example retrieve_bench >&2
cargo build -q --release -p lcsession-cli >&2
target_dir="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
exec python3 "$here/retrieve.py" "$target_dir/release"
