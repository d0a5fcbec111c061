//! Peak stack use of a function, measured by stack painting.
//!
//! Method (x86_64 or aarch64 Linux only): in a fresh thread with a [`THREAD_STACK`]-byte
//! stack, read the stack pointer `sp`, fill `[sp - PAINTED, sp - GAP)` with a known 64-bit
//! pattern, call the function through a function pointer (so it cannot be inlined into the
//! measuring frame), then scan upwards from `sp - PAINTED` for the first word that no longer
//! holds the pattern. The peak is `sp` minus that word's address: the callee's deepest frame,
//! the return address and any spills, everything below the measuring frame.
//!
//! Limits: a word the callee happens to write with exactly the pattern is not seen (the peak
//! can be under-reported by a few words at most); stack reserved but never written (e.g. an
//! uninitialised buffer) is not counted; anything the compiler keeps in registers costs no
//! stack and is rightly not counted. [`self_test`] checks the method on known frames.
//!
//! This is the only `unsafe` code of the project outside the C ABI; it lives in the benchmarks
//! crate and never in `lcsession-core`.

use std::hint::black_box;

/// Stack size of the measuring thread.
pub const THREAD_STACK: usize = 4 << 20;
/// Bytes painted below the measuring frame: the largest peak that can be measured.
pub const PAINTED: usize = 1 << 20;
/// Bytes right below `sp` left unpainted (the size of x86_64's red zone): the resolution of
/// the method, as a peak under `GAP` bytes is reported as `GAP`.
pub const GAP: usize = 128;
const PATTERN: u64 = 0x5aa5_c33c_96e1_0ff0;

/// Measures the peak stack use, in bytes, of `f(input)`.
///
/// Runs `f` once in a new thread. Fails on unsupported targets, when the thread cannot be
/// started, when `f` panics, or when `f` used the whole painted region.
pub fn peak_stack<T: Sync + ?Sized>(f: fn(&T) -> usize, input: &T) -> Result<usize, String> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("stack-paint".into())
            .stack_size(THREAD_STACK)
            .spawn_scoped(scope, || measure(f, input))
            .map_err(|e| format!("cannot start the measuring thread: {e}"))?
            .join()
            .map_err(|_| "the measured function panicked".to_string())?
    })
}

#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
#[inline(always)]
fn stack_pointer() -> usize {
    let sp: usize;
    // SAFETY: copies the stack pointer register into a general register; reads no memory,
    // touches no stack and no flags.
    unsafe {
        #[cfg(target_arch = "x86_64")]
        core::arch::asm!("mov {}, rsp", out(reg) sp, options(nomem, nostack, preserves_flags));
        #[cfg(target_arch = "aarch64")]
        core::arch::asm!("mov {}, sp", out(reg) sp, options(nomem, nostack, preserves_flags));
    }
    sp
}

#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
#[inline(never)]
fn measure<T: ?Sized>(f: fn(&T) -> usize, input: &T) -> Result<usize, String> {
    let sp = stack_pointer();
    let top = (sp - GAP) & !7;
    let bottom = (sp - PAINTED) & !7;
    // SAFETY (both loops): [bottom, top) lies inside this thread's stack mapping: the thread
    // was created with THREAD_STACK (4 MiB) bytes of stack, this frame is near its top, and
    // PAINTED is 1 MiB, far from the guard page. The region is below the stack pointer, so no
    // live Rust object is there; nothing else runs on this thread meanwhile. Accesses are
    // aligned u64 and volatile so the compiler keeps every one of them.
    let mut p = bottom;
    while p < top {
        unsafe { std::ptr::write_volatile(p as *mut u64, PATTERN) };
        p += 8;
    }
    let f = black_box(f);
    black_box(f(black_box(input)));
    let mut p = bottom;
    while p < top && unsafe { std::ptr::read_volatile(p as *const u64) } == PATTERN {
        p += 8;
    }
    if p == bottom {
        return Err(format!(
            "the function used the whole painted region ({PAINTED} bytes)"
        ));
    }
    Ok(sp - p)
}

#[cfg(not(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
)))]
fn measure<T: ?Sized>(_f: fn(&T) -> usize, _input: &T) -> Result<usize, String> {
    Err("stack painting is implemented for x86_64 and aarch64 Linux only".into())
}

/// A function whose frame holds a `N`-byte array that it fully writes.
#[inline(never)]
fn uses_array<const N: usize>(_: &()) -> usize {
    let mut a = [0u8; N];
    black_box(&mut a);
    a.len()
}

/// Checks the method on frames of known size: an 8 KiB and a 64 KiB local array must be
/// reported as at least their size, and at most 1 KiB more. Returns the measured figures.
pub fn self_test() -> Result<[(usize, usize); 2], String> {
    let check = |n: usize, peak: usize| {
        if peak < n || peak > n + 1024 {
            Err(format!(
                "stack painting self-test failed: a {n}-byte array measured {peak} bytes"
            ))
        } else {
            Ok((n, peak))
        }
    };
    Ok([
        check(8192, peak_stack(uses_array::<8192>, &())?)?,
        check(65536, peak_stack(uses_array::<65536>, &())?)?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_test_passes() {
        let [(_, small), (_, large)] = self_test().unwrap();
        // Bigger frames measure bigger, by about the difference in size.
        assert!(large - small >= 65536 - 8192, "{small} {large}");
    }

    #[test]
    fn trivial_function_uses_little_stack() {
        let peak = peak_stack(|_: &()| 0, &()).unwrap();
        assert!((GAP..GAP + 128).contains(&peak), "{peak}");
    }

    #[test]
    fn too_much_stack_is_an_error_not_a_crash() {
        fn huge(_: &()) -> usize {
            uses_array::<{ 5 << 18 }>(&())
        }
        assert!(peak_stack(huge, &()).is_err());
    }
}
