//! The library version, as macros in the header and at run time.

use core::ffi::c_char;

/// Major version of the library this header belongs to (matches Cargo.toml; tested).
pub const LCS_VERSION_MAJOR: u32 = 0;
/// Minor version of the library this header belongs to.
pub const LCS_VERSION_MINOR: u32 = 1;
/// Patch version of the library this header belongs to.
pub const LCS_VERSION_PATCH: u32 = 0;
/// The version of the linked library (compare with the header's `LCS_VERSION_STRING` to detect
/// a header and library mismatch): static, NUL-terminated, never NULL.
///
/// Thread-safe.
#[no_mangle]
pub extern "C" fn lcs_version() -> *const c_char {
    crate::panic::guard(|| concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast())
}
