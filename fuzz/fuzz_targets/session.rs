//! Whole-session parse with full iteration: `parse`, `parse_visiting`, small capacities and
//! a low depth limit must agree; every event, string (through every unescaping API) and raw
//! value (walked completely) of an accepted session is read and checked; every error points
//! into the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = lcsession_fuzz::check_session(data);
});
