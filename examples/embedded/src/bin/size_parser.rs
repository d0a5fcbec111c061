//! Size probe, parser: `Session::<32, 128, 4>::parse` of the dump, then `events()` with
//! every event decoded (`black_box` keeps each one), the header and the unknown fields.
//! Nothing else: no value walking, no unescaping, no `core::fmt`. `size.sh` subtracts
//! `size_baseline`'s `.text` from this one's.
#![no_std]
#![no_main]

use core::hint::black_box;

#[path = "../rt.rs"]
mod rt;

static SAMPLE: &[u8] = include_bytes!("../../../data/sample-session.json");

#[cortex_m_rt::entry]
fn main() -> ! {
    let mut n = 0u32;
    let ok = match lcsession_core::Session::<32, 128, 4>::parse(black_box(SAMPLE)) {
        Ok(session) => {
            black_box(session.header());
            for event in session.events() {
                black_box(&event);
                n += 1;
            }
            for field in session.unknown_fields() {
                black_box(&field);
            }
            true
        }
        Err(e) => {
            black_box(e);
            false
        }
    };
    let mut out = rt::Out::stdout();
    out.decimal(n);
    out.bytes(b"\n");
    rt::exit(ok)
}
