#!/usr/bin/env bash
# Miri: the whole lcsession-core test suite (unit, integration and doc tests) under the Miri
# interpreter, which checks for undefined behaviour in the code the tests reach (the core
# forbids `unsafe`; this covers its dependencies' unsafe code on our paths, heapless and
# core's own, and the tests' counting allocator). Slow tests use smaller inputs under
# cfg(miri). The ffi crate runs Miri in its own .ci/ffi.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS=0

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  if ! rustup toolchain install nightly --profile minimal >/dev/null 2>&1; then
    echo "miri: SKIPPED: no nightly toolchain here and none could be installed" >&2
    exit 0
  fi
fi
rustup component add miri rust-src --toolchain nightly >/dev/null
cargo +nightly miri setup >/dev/null

# The conformance test reads its corpus from disk: allow file system access.
export MIRIFLAGS="${MIRIFLAGS:--Zmiri-disable-isolation}"
cargo +nightly miri test -p lcsession-core
echo "miri: done in ${SECONDS}s"
