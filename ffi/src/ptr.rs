//! Every conversion from a C pointer lives here, so each `unsafe` block is small, has one
//! job and states why it is sound. The rest of the crate works with references and slices.
//!
//! Contract shared by every export (stated once in the header): a non-NULL pointer must be
//! valid for the access its parameter documents, properly aligned, and not mutated by
//! another thread during the call. NULL is always detected and reported.

use core::ffi::c_char;
use core::ptr;

use crate::result::lcs_result;

/// Borrows `*p`, or `Err(LCS_NULL_ARGUMENT)` for NULL.
///
/// # Safety
/// `p` is NULL or points to a valid, initialised `T` that outlives `'a` and is not mutated
/// while borrowed.
#[inline]
pub(crate) unsafe fn borrow<'a, T>(p: *const T) -> Result<&'a T, lcs_result> {
    // SAFETY: the caller's contract above; `as_ref` handles NULL.
    unsafe { p.as_ref() }.ok_or(lcs_result::LCS_NULL_ARGUMENT)
}

/// Borrows `*p` mutably, or `Err(LCS_NULL_ARGUMENT)` for NULL.
///
/// # Safety
/// `p` is NULL or points to a valid, initialised `T` that outlives `'a` and is not accessed
/// elsewhere while borrowed.
#[inline]
pub(crate) unsafe fn borrow_mut<'a, T>(p: *mut T) -> Result<&'a mut T, lcs_result> {
    // SAFETY: the caller's contract above; `as_mut` handles NULL.
    unsafe { p.as_mut() }.ok_or(lcs_result::LCS_NULL_ARGUMENT)
}

/// A checked, not yet written out-parameter. Writing never reads or drops the old contents,
/// so the caller's memory may be uninitialised.
pub(crate) struct Out<T>(*mut T);

impl<T> Out<T> {
    /// `Err(LCS_NULL_ARGUMENT)` for NULL.
    #[inline]
    pub(crate) fn new(p: *mut T) -> Result<Self, lcs_result> {
        if p.is_null() {
            Err(lcs_result::LCS_NULL_ARGUMENT)
        } else {
            Ok(Out(p))
        }
    }

    /// Stores `value`.
    ///
    /// # Safety
    /// The pointer given to [`Out::new`] is valid for writes of a `T` and properly aligned.
    #[inline(always)]
    pub(crate) unsafe fn write(self, value: T) {
        // SAFETY: non-NULL (checked in `new`), valid and aligned per the caller's contract;
        // `write` does not read or drop the previous, possibly uninitialised, contents.
        unsafe { ptr::write(self.0, value) }
    }
}

/// The caller's `(buf, len)` byte range as a slice.
///
/// NULL is `LCS_NULL_ARGUMENT` even when `len` is 0; a length beyond `isize::MAX` (which no
/// real object can have) is `LCS_INVALID_ARGUMENT`.
///
/// # Safety
/// When `buf` is not NULL, it points to `len` readable bytes that outlive `'a` and are not
/// mutated while borrowed.
#[inline]
pub(crate) unsafe fn bytes<'a>(buf: *const u8, len: usize) -> Result<&'a [u8], lcs_result> {
    if buf.is_null() {
        return Err(lcs_result::LCS_NULL_ARGUMENT);
    }
    if len > isize::MAX as usize {
        return Err(lcs_result::LCS_INVALID_ARGUMENT);
    }
    // SAFETY: non-NULL, `len` fits `isize`, and the caller guarantees `len` readable bytes
    // that live for `'a` unmutated; `u8` has alignment 1.
    Ok(unsafe { core::slice::from_raw_parts(buf, len) })
}

/// [`bytes`] for `const char *` text.
///
/// # Safety
/// As for [`bytes`].
#[inline]
pub(crate) unsafe fn chars<'a>(text: *const c_char, len: usize) -> Result<&'a [u8], lcs_result> {
    // SAFETY: forwarded contract; `c_char` and `u8` have the same size and alignment.
    unsafe { bytes(text.cast(), len) }
}

/// [`chars`], except that NULL with `len == 0` is the empty text.
///
/// # Safety
/// As for [`bytes`].
#[inline]
pub(crate) unsafe fn chars_or_empty<'a>(
    text: *const c_char,
    len: usize,
) -> Result<&'a [u8], lcs_result> {
    if text.is_null() && len == 0 {
        return Ok(&[]);
    }
    // SAFETY: forwarded contract.
    unsafe { chars(text, len) }
}

/// [`chars_or_empty`] as UTF-8: text that is not UTF-8 is `LCS_INVALID_ARGUMENT`.
///
/// # Safety
/// As for [`bytes`].
#[inline]
pub(crate) unsafe fn utf8_or_empty<'a>(
    text: *const c_char,
    len: usize,
) -> Result<&'a str, lcs_result> {
    // SAFETY: forwarded contract.
    let bytes = unsafe { chars_or_empty(text, len) }?;
    core::str::from_utf8(bytes).map_err(|_| lcs_result::LCS_INVALID_ARGUMENT)
}

/// The caller's writable `(buf, cap)` byte range, filled front to back. It never forms a
/// reference to the caller's memory (which may be uninitialised) and never writes past `cap`.
pub(crate) struct Sink {
    ptr: *mut u8,
    cap: usize,
    len: usize,
}

/// Whether `bytes` and the `cap` bytes at `buf` share any byte (addresses compared, nothing
/// read).
pub(crate) fn overlaps(bytes: &[u8], buf: *const u8, cap: usize) -> bool {
    let (a, b) = (bytes.as_ptr() as usize, buf as usize);
    !bytes.is_empty() && cap != 0 && a < b.saturating_add(cap) && b < a.saturating_add(bytes.len())
}

impl Sink {
    /// NULL with `cap == 0` is an empty buffer (nothing can be written through it); NULL
    /// otherwise is `LCS_NULL_ARGUMENT`; `cap` beyond `isize::MAX` is `LCS_INVALID_ARGUMENT`.
    ///
    /// # Safety
    /// When `buf` is not NULL, it points to `cap` writable bytes not accessed elsewhere while
    /// the sink is in use: in particular, no slice passed to [`Sink::push`] overlaps them.
    #[inline]
    pub(crate) unsafe fn new(buf: *mut c_char, cap: usize) -> Result<Self, lcs_result> {
        if buf.is_null() && cap != 0 {
            return Err(lcs_result::LCS_NULL_ARGUMENT);
        }
        if cap > isize::MAX as usize {
            return Err(lcs_result::LCS_INVALID_ARGUMENT);
        }
        Ok(Sink {
            ptr: buf.cast(),
            cap,
            len: 0,
        })
    }

    /// Appends `bytes`; `false` (writing nothing) when they do not fit.
    #[inline]
    pub(crate) fn push(&mut self, bytes: &[u8]) -> bool {
        if bytes.len() > self.cap - self.len {
            return false;
        }
        if !bytes.is_empty() {
            // SAFETY: `len + bytes.len() <= cap`, so the destination lies inside the caller's
            // writable range (non-NULL, since `cap > 0` here); `bytes` does not overlap it
            // (the sink's contract: a source that might is copied first, see `overlaps`).
            unsafe {
                ptr::copy_nonoverlapping(bytes.as_ptr(), self.ptr.add(self.len), bytes.len());
            }
        }
        self.len += bytes.len();
        true
    }

    /// Bytes written so far.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}
