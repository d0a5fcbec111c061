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

# Some tests leak their input on purpose (Box::leak, to return borrowed events).
export MIRIFLAGS="${MIRIFLAGS:--Zmiri-ignore-leaks}"
if cargo nextest --version >/dev/null 2>&1; then
  # One Miri process per test, two at a time: the suite takes about 6 minutes on 2 cores
  # instead of about 12 one binary after another.
  cargo +nightly miri nextest run -p lcsession-core -j 2 --no-fail-fast
  cargo +nightly miri test -p lcsession-core --doc
else
  cargo +nightly miri test -p lcsession-core
fi
echo "miri: done in ${SECONDS}s"
