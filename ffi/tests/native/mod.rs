//! What the tests that build C and C++ programs share (`examples.rs`, `cpp_wrapper.rs`):
//! where the repository and this run's static library are, the link flags, a scratch
//! directory per test binary, and the `cc` crate's compiler for this target.
//!
//! Which library is linked: `cargo test` compiles this package's lib target once, for all
//! its crate types, into the same `deps/` directory as the test executables (it does not
//! copy it up to `target/<profile>/` in a test build). So the static library of *this* test
//! run is `liblcsession.a` beside `std::env::current_exe()`, whatever the target directory
//! or profile. Nothing is hardcoded and nothing is rebuilt here.
#![allow(dead_code)] // Each test binary uses its own part.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repository root")
        .to_path_buf()
}

/// The static library built for this test run (see the module documentation).
pub fn staticlib() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let deps = exe.parent().expect("deps directory");
    let candidates = [
        deps.join("liblcsession.a"),
        deps.parent()
            .expect("profile directory")
            .join("liblcsession.a"),
    ];
    candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .unwrap_or_else(|| panic!("liblcsession.a not found in {candidates:?}"))
}

/// Libraries the Rust standard library needs when linked statically on this target: the
/// output of `cargo rustc -p lcsession --crate-type staticlib -- --print native-static-libs`
/// (kept in step with `ffi/lcsession.pc.in` by a test in `examples.rs`).
pub const NATIVE_STATIC_LIBS: &[&str] = &[
    "-lgcc_s",
    "-lutil",
    "-lrt",
    "-lpthread",
    "-lm",
    "-ldl",
    "-lc",
];

/// A scratch directory for this test binary (`lcsession-<test>-<pid>` beside it), created
/// once; what earlier runs left behind (their process is gone) is removed first.
pub fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let exe = std::env::current_exe().expect("current_exe");
        let deps = exe.parent().expect("deps");
        let prefix = format!("lcsession-{}-", env!("CARGO_CRATE_NAME"));
        for entry in std::fs::read_dir(deps).into_iter().flatten().flatten() {
            let name = entry.file_name();
            let pid = name.to_str().and_then(|n| n.strip_prefix(prefix.as_str()));
            if pid.is_some_and(|pid| !Path::new("/proc").join(pid).exists()) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let dir = deps.join(format!("{prefix}{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create scratch directory");
        dir
    })
}

/// The `cc` crate set up for this target (honours `CC`, `CXX`, `CFLAGS`, ...), C++ when
/// `cpp`, writing into [`scratch`].
pub fn cc_build(cpp: bool) -> cc::Build {
    let triple = format!("{}-unknown-linux-gnu", std::env::consts::ARCH);
    let mut build = cc::Build::new();
    build
        .cpp(cpp)
        .cargo_metadata(false)
        .cargo_warnings(false)
        .target(&triple)
        .host(&triple)
        .opt_level(1)
        .debug(false)
        .out_dir(scratch());
    build
}

/// Runs `cmd` and returns its output; a failure to start or a failed exit panics with
/// `what` and both output streams.
pub fn run_ok(mut cmd: Command, what: &str) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
