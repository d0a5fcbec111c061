#!/usr/bin/env bash
# Installs the lcsession C library: liblcsession.a (and .so), include/lcsession.h and
# lcsession.hpp, and a pkg-config file generated from ffi/lcsession.pc.in.
#
#   bash ffi/install.sh [--prefix DIR] [--libdir DIR] [--static-only] [--from DIR]
#
#   --prefix DIR    install root (default /usr/local)
#   --libdir DIR    library directory (default PREFIX/lib); the .pc goes to LIBDIR/pkgconfig
#   --static-only   install only liblcsession.a, so that `-llcsession` links statically
#                   (with both installed, the linker prefers the shared library)
#   --from DIR      take liblcsession.a/.so from DIR instead of building them with
#                   `cargo build --release -p lcsession --features capi` (honours CARGO_TARGET_DIR)
#
# Then: cc app.c $(pkg-config --cflags lcsession) $(pkg-config --static --libs lcsession)
# (cargo-c users can run `cargo cinstall -p lcsession --release` instead; see
# examples/c/README.md.)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix=/usr/local
libdir=
static_only=0
from=

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --prefix=*) prefix="${1#*=}"; shift ;;
    --libdir) libdir="$2"; shift 2 ;;
    --libdir=*) libdir="${1#*=}"; shift ;;
    --static-only) static_only=1; shift ;;
    --from) from="$2"; shift 2 ;;
    --from=*) from="${1#*=}"; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
libdir="${libdir:-$prefix/lib}"
includedir="$prefix/include"

if [ -z "$from" ]; then
  (cd "$repo" && cargo build --release -p lcsession --features capi)
  target_dir="${CARGO_TARGET_DIR:-$repo/target}"
  from="$target_dir/release"
fi
[ -f "$from/liblcsession.a" ] || { echo "install.sh: $from/liblcsession.a not found" >&2; exit 1; }

# The version the header declares (tested to match Cargo.toml).
version="$(awk '/#define LCS_VERSION_(MAJOR|MINOR|PATCH) /{v = v (v ? "." : "") $3} END {print v}' "$repo/include/lcsession.h")"

mkdir -p "$libdir/pkgconfig" "$includedir"
install -m 644 "$from/liblcsession.a" "$libdir/"
if [ "$static_only" = 0 ]; then
  install -m 755 "$from/liblcsession.so" "$libdir/"
fi
install -m 644 "$repo/include/lcsession.h" "$repo/include/lcsession.hpp" "$includedir/"
sed -e "s|@PREFIX@|$prefix|" -e "s|@LIBDIR@|$libdir|" -e "s|@INCLUDEDIR@|$includedir|" \
    -e "s|@VERSION@|$version|" "$repo/ffi/lcsession.pc.in" > "$libdir/pkgconfig/lcsession.pc"
echo "installed lcsession $version to $prefix (pkg-config file: $libdir/pkgconfig/lcsession.pc)"
