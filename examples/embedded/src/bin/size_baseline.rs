//! Size probe, baseline: the runtime, the output routine and the session dump, but no
//! parser. `size.sh` subtracts its `.text` from `size_parser`'s.
#![no_std]
#![no_main]

#[path = "../rt.rs"]
mod rt;

/// The same dump as the parser probe, so that both carry it in `.rodata`.
static SAMPLE: &[u8] = include_bytes!("../../../data/sample-session.json");

#[cortex_m_rt::entry]
fn main() -> ! {
    let n = core::hint::black_box(SAMPLE).len();
    let mut out = rt::Out::stdout();
    out.decimal(n as u32);
    out.bytes(b"\n");
    rt::exit(true)
}
