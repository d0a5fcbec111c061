//! lcsession: C ABI over lcsession-core (work in progress).
