//! What every binary of this package shares: semihosting output, exit, the panic and
//! hard-fault handlers, and stack painting. Included with `#[path]` by each binary.
#![allow(dead_code)] // each binary uses a different part

use cortex_m_rt::{exception, ExceptionFrame};
use cortex_m_semihosting::{debug, hio};

/// Pattern painted over free stack before a measurement.
const PAINT: u32 = 0xC5AC_5AC5;

extern "C" {
    /// End of `.bss`/`.uninit`, start of the free RAM below the stack (cortex-m-rt).
    static mut __sheap: u32;
}

/// Paints the free RAM between the end of static data and just below this function's
/// frame.
#[inline(never)]
fn paint_stack() {
    let bottom = core::ptr::addr_of_mut!(__sheap) as usize;
    let top = cortex_m::register::msp::read() as usize - 16;
    let mut p = bottom;
    while p < top {
        // SAFETY: [bottom, top) is free RAM below the live stack: nothing lives there.
        unsafe { core::ptr::write_volatile(p as *mut u32, PAINT) };
        p += 4;
    }
}

/// Lowest address whose paint was overwritten since `paint_stack`.
#[inline(never)]
fn low_water_mark() -> usize {
    let mut p = core::ptr::addr_of_mut!(__sheap) as usize;
    let top = cortex_m::register::msp::read() as usize;
    // SAFETY: reads of RAM between the end of static data and the live stack pointer.
    while p < top && unsafe { core::ptr::read_volatile(p as *const u32) } == PAINT {
        p += 4;
    }
    p
}

/// Runs `f(arg)` on freshly painted stack; returns its result and the bytes of stack it
/// used below the caller's stack pointer (its frames, its callees' frames and the value it
/// returns, when that is returned through memory).
#[inline(always)]
pub fn measure<A, R>(arg: A, f: fn(A) -> R) -> (R, usize) {
    paint_stack();
    let base = cortex_m::register::msp::read() as usize;
    let r = f(core::hint::black_box(arg));
    (r, base - low_water_mark())
}

/// Semihosting output that ignores write errors (there is nowhere to report them).
pub struct Out(Option<hio::HostStream>);

impl Out {
    /// The host's standard output.
    pub fn stdout() -> Self {
        Out(hio::hstdout().ok())
    }

    /// Writes raw bytes.
    pub fn bytes(&mut self, b: &[u8]) {
        if let Some(h) = self.0.as_mut() {
            let _ = h.write_all(b);
        }
    }

    /// Writes `n` in decimal without `core::fmt` (the size probes avoid it).
    pub fn decimal(&mut self, mut n: u32) {
        let mut buf = [0u8; 10];
        let mut i = buf.len();
        loop {
            i -= 1;
            if let Some(d) = buf.get_mut(i) {
                *d = b'0' + (n % 10) as u8;
            }
            n /= 10;
            if n == 0 || i == 0 {
                break;
            }
        }
        self.bytes(buf.get(i..).unwrap_or(&[]));
    }
}

impl core::fmt::Write for Out {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.bytes(s.as_bytes());
        Ok(())
    }
}

/// Ends the QEMU run with success or failure.
pub fn exit(ok: bool) -> ! {
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    #[allow(clippy::empty_loop)]
    loop {}
}

/// A panic reports itself and fails the run. `nopanic.sh` checks the linked firmware: the
/// only calls into the panic machinery must come from core's float parser (README.md).
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    Out::stdout().bytes(b"panic\n");
    exit(false)
}

#[exception]
unsafe fn HardFault(_frame: &ExceptionFrame) -> ! {
    Out::stdout().bytes(b"hard fault\n");
    exit(false)
}
