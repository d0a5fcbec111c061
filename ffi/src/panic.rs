//! The panic boundary: every export runs its body through [`guard`], so a panic never
//! unwinds into C (which would abort the process, or worse). A fallible call turns a panic
//! into `LCS_PANIC`; the few infallible ones return a documented neutral value.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::result::lcs_result;

/// What an export returns when its body panicked.
pub(crate) trait OnPanic {
    /// The value returned instead of unwinding.
    fn on_panic() -> Self;
}

impl OnPanic for lcs_result {
    fn on_panic() -> Self {
        lcs_result::LCS_PANIC
    }
}

impl OnPanic for () {
    fn on_panic() -> Self {}
}

impl OnPanic for bool {
    fn on_panic() -> Self {
        false
    }
}

impl<T> OnPanic for *const T {
    fn on_panic() -> Self {
        std::ptr::null()
    }
}

/// Runs `body`, turning a panic into `R::on_panic()`.
///
/// `AssertUnwindSafe` is sound here: after a panic the export returns at once, and nothing
/// a body touches is observed again in a broken state (bodies write their out-params only
/// as their last step, and the handles they mutate — event cursors — are left at worst
/// exhausted).
#[inline]
pub(crate) fn guard<R: OnPanic>(body: impl FnOnce() -> R) -> R {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| R::on_panic())
}

/// [`guard`] for a body written with `?`: `Ok(())` is `LCS_OK`, `Err(code)` is `code` (which
/// may be a non-error status such as `LCS_END`).
#[inline]
pub(crate) fn call(body: impl FnOnce() -> Result<(), lcs_result>) -> lcs_result {
    guard(|| match body() {
        Ok(()) => lcs_result::LCS_OK,
        Err(code) => code,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_result_code() {
        #[allow(clippy::panic)]
        let r: lcs_result = guard(|| panic!("boom"));
        assert_eq!(r, lcs_result::LCS_PANIC);
        let p: *const u8 = guard(|| panic!("boom"));
        assert!(p.is_null());
        assert!(!guard(|| -> bool { panic!("boom") }));
        assert_eq!(guard(|| lcs_result::LCS_END), lcs_result::LCS_END);
        assert_eq!(call(|| Ok(())), lcs_result::LCS_OK);
        assert_eq!(call(|| Err(lcs_result::LCS_END)), lcs_result::LCS_END);
        assert_eq!(call(|| panic!("boom")), lcs_result::LCS_PANIC);
    }
}
