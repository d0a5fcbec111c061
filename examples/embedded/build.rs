//! Puts `memory.x` on the linker's search path and writes the two generated session dumps
//! that the firmware measures stack use with: one whose tool-call arguments and unknown
//! top-level field nest as deep as the default limit allows, and one of the same shape
//! nested only once.

use std::env;
use std::fs;
use std::path::PathBuf;

/// Depth of the deep document: the default `max_depth` (128), counting the session object
/// as 1.
const MAX_DEPTH: usize = 128;

/// A session with one tool call whose `arguments.a` is `levels` nested arrays around `1`,
/// and an unknown top-level field `x_deep` nested `levels + 3` deep, so both the event path
/// and the skip path reach the limit.
fn session(levels: usize) -> String {
    let open = "[".repeat(levels);
    let close = "]".repeat(levels);
    let open_x = "[".repeat(levels + 3);
    let close_x = "]".repeat(levels + 3);
    format!(
        "{{\"events\":[{{\"type\":\"tool_call\",\"call_id\":\"c1\",\"name\":\"nest\",\
         \"arguments\":{{\"a\":{open}1{close}}}}}],\"x_deep\":{open_x}2{close_x},\
         \"session_id\":\"ses-deep\",\"last_updated_at\":\"t\"}}"
    )
}

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out.join("memory.x"), include_bytes!("memory.x")).expect("write memory.x");
    // root (1) > events (2) > event (3) > arguments (4) > `a` arrays (5..=128)
    fs::write(out.join("deep-session.json"), session(MAX_DEPTH - 4)).expect("write deep");
    fs::write(out.join("flat-session.json"), session(1)).expect("write flat");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");
    println!("cargo:rerun-if-changed=build.rs");
}
