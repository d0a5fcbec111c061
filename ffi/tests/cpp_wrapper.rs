//! The C++ wrapper `include/lcsession.hpp`, built inside `cargo test` with the `cc` crate's
//! C++ compiler (required) and with `clang++` when it is installed (else skipped, saying so):
//! - `ffi/tests/cpp/wrapper.cpp` compiles as C++17 and C++20 with
//!   `-Wall -Wextra -Wshadow -Wconversion -Werror -pedantic` and passes its runtime checks:
//!   a default `lcs::event` has empty, non-NULL views; `lcs::session::parse("literal")`;
//!   the range iterators are C++20 input iterators with `end_sentinel` as their sentinel
//!   (range algorithms and views); `client::get() const` is const; `lcs::retrieved` move
//!   assignment frees a session before the body it borrows (checked at run time by wrapping
//!   `lcs_session_free` / `lcs_body_free` with `-Wl,--wrap`), against a loopback
//!   `lcsession_testserver::Server`;
//! - every case of `ffi/tests/cpp/must_not_compile.cpp` (views into temporaries, copies of
//!   `lcs::retrieved`, setters through a const client) is rejected, for the expected reason
//!   and on the case's own lines, while the file without a case compiles (the control).
//!
//! The static library is the one `cargo test` built for this run, beside the test
//! executable (see `ffi/tests/examples.rs`). Linux (glibc) only; skipped under Miri.
#![cfg(all(target_os = "linux", target_env = "gnu"))]

use std::path::{Path, PathBuf};
use std::process::Command;

mod native;
use native::{root, run_ok, scratch, staticlib, NATIVE_STATIC_LIBS};

/// The C++ test sources.
fn cpp_dir() -> PathBuf {
    root().join("ffi/tests/cpp")
}

/// The warnings the header must compile cleanly under.
const STRICT: &[&str] = &[
    "-Wall",
    "-Wextra",
    "-Wshadow",
    "-Wconversion",
    "-Werror",
    "-pedantic",
];

/// The C functions wrapper.cpp interposes (`-Wl,--wrap`) to record which session borrows
/// which body and the order they are freed in.
const WRAPPED: &[&str] = &[
    "lcs_body_free",
    "lcs_session_free",
    "lcs_body_parse",
    "lcs_client_retrieve_visiting",
];

/// Which C++ compiler a test uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cxx {
    /// The `cc` crate's C++ compiler (honours `CXX`, `CXXFLAGS`; usually g++): required.
    Default,
    /// `clang++`, when installed and not already the default.
    Clang,
}

impl Cxx {
    fn label(self) -> &'static str {
        match self {
            Cxx::Default => "default",
            Cxx::Clang => "clang",
        }
    }
}

/// True when `tool --version` runs.
fn runs(tool: &cc::Tool) -> Result<(), String> {
    match tool.to_command().arg("--version").output() {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(format!(
            "{} --version failed: {}",
            tool.path().display(),
            String::from_utf8_lossy(&out.stderr)
        )),
        Err(e) => Err(format!("cannot run {}: {e}", tool.path().display())),
    }
}

/// The compiler for `which`, or None (with the reason printed) when clang++ is unavailable.
/// The default compiler must exist: its absence fails the test.
fn compiler(which: Cxx) -> Option<cc::Tool> {
    let default = native::cc_build(true).get_compiler();
    if let Err(e) = runs(&default) {
        panic!("the cc crate's C++ compiler is required: {e}");
    }
    match which {
        Cxx::Default => Some(default),
        Cxx::Clang if default.is_like_clang() => {
            eprintln!(
                "skipped: the default C++ compiler ({}) is clang already",
                default.path().display()
            );
            None
        }
        Cxx::Clang => {
            let clang = native::cc_build(true).compiler("clang++").get_compiler();
            match runs(&clang) {
                Ok(()) => Some(clang),
                Err(e) => {
                    eprintln!("skipped: clang++ is not available ({e})");
                    None
                }
            }
        }
    }
}

/// A command compiling `source` with `tool` as `std` under the strict warnings.
fn compile(tool: &cc::Tool, std: &str, source: &Path) -> Command {
    let mut cmd = tool.to_command();
    cmd.arg(format!("-std={std}"))
        .args(STRICT)
        .arg("-I")
        .arg(root().join("include"))
        .arg(source);
    cmd
}

/// True when `tool` can instantiate `std::views::take` over a `std::vector` as C++20 (clang
/// 14 with libstdc++ 12 cannot: a toolchain defect, not the wrapper's).
fn std_ranges_work(tool: &cc::Tool, name: &str) -> bool {
    let probe = scratch().join(format!("ranges_probe_{name}.cpp"));
    std::fs::write(
        &probe,
        "#include <ranges>\n#include <vector>\nint main() {\n  std::vector<int> v{1, 2, 3};\n  \
         int n = 0;\n  for (int x : v | std::views::take(2)) n += x;\n  return n == 3 ? 0 : 1;\n}\n",
    )
    .expect("write probe");
    let out = compile(tool, "c++20", &probe)
        .arg("-fsyntax-only")
        .output()
        .expect("run the compiler");
    out.status.success()
}

/// A loopback server answering request `n` with a valid session "ses-<n>" of two events.
fn server() -> lcsession_testserver::Server {
    use lcsession_testserver::{Reply, Server};
    Server::start(|_, n| {
        Reply::json(
            200,
            format!(
                "{{\"session_id\":\"ses-{n}\",\"last_updated_at\":\"2025-01-01T00:00:00Z\",\
                 \"events\":[{{\"type\":\"text\",\"content\":\"one\"}},\
                 {{\"type\":\"text\",\"content\":\"two\"}}]}}"
            ),
        )
    })
}

/// Builds wrapper.cpp with `which` as `std`, runs it against a loopback server and checks
/// that every group ran and passed.
fn wrapper_program(which: Cxx, std: &str) {
    let Some(tool) = compiler(which) else {
        return;
    };
    let name = format!("wrapper_{}_{std}", which.label());
    let exe = scratch().join(&name);
    let mut cmd = compile(&tool, std, &cpp_dir().join("wrapper.cpp"));
    cmd.arg("-DLCS_WRAP_FREES");
    let ranges_work = std == "c++17" || std_ranges_work(&tool, &name);
    if !ranges_work {
        // Only clang may fall back (g++'s standard library must work); the program says so.
        assert!(
            tool.is_like_clang(),
            "{name}: the compiler cannot instantiate std::views::take over a std::vector"
        );
        eprintln!(
            "{name}: this clang cannot instantiate its standard library's <ranges>: the \
             C++20 concept checks run, the range algorithms are not built"
        );
        cmd.arg("-DLCS_TEST_BROKEN_STD_RANGES");
    }
    cmd.arg("-o")
        .arg(&exe)
        .arg(staticlib())
        .arg(format!("-Wl,--wrap={}", WRAPPED.join(",--wrap=")))
        .args(NATIVE_STATIC_LIBS);
    run_ok(cmd, &format!("compile {name}"));

    let server = server();
    let out = Command::new(&exe)
        .arg(server.base_url())
        .env_remove("LLAMA_CLOUD_API_KEY")
        .env_remove("LLAMA_PARSE_API_KEY")
        .env_remove("LLAMA_CLOUD_BASE_URL")
        .env_remove("LLAMA_CLOUD_CUSTOM_HEADERS")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{name} failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    println!("{name}:\n{stdout}");
    let mut groups = vec![
        "default event",
        "parse a string literal",
        "raw, unknown_fields, event_count on a temporary",
        "iterators",
        "const client",
        "json_string::str",
        "retrieved",
        "free order",
    ];
    if std == "c++20" && ranges_work {
        groups.push("C++20 ranges");
    }
    for group in groups {
        assert!(
            stdout.lines().any(|l| l == format!("ok {group}")),
            "{name}: no \"ok {group}\" in:\n{stdout}"
        );
    }
    assert!(!stdout.contains("skipped"), "{name}: {stdout}");
    assert!(stdout.ends_with("all passed\n"), "{name}: {stdout}");
    let requests = server.requests();
    let targets: Vec<&str> = requests.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(
        targets,
        [
            "/api/v1/chat/ses-a",
            "/api/v1/chat/ses-b",
            "/api/v1/chat/ses-c",
            "/api/v1/chat/ses-d"
        ]
    );
}

/// Why the compiler must reject a case.
#[derive(Clone, Copy, Debug)]
enum Reason {
    /// A use of this deleted member function (`id`), constructor (`retrieved`) or operator
    /// (`=`): g++ names it `...::id(`, clang `'id'`, `'lcs::retrieved'`, `operator '='`.
    Deleted(&'static str),
    /// A `const lcs_client *` passed where a mutable one is needed.
    ConstClient,
}

impl Reason {
    /// True when the compiler's `stderr` gives this reason.
    fn matches(self, stderr: &str) -> bool {
        match self {
            Reason::Deleted(what) => {
                stderr.contains("deleted")
                    && [
                        format!("::{what}("),
                        format!("::operator{what}("),
                        format!("'{what}'"),
                        format!("'lcs::{what}'"),
                        format!("operator '{what}'"),
                    ]
                    .iter()
                    .any(|p| stderr.contains(p.as_str()))
            }
            Reason::ConstClient => stderr.contains("const lcs_client"),
        }
    }
}

/// Every case of must_not_compile.cpp and why it must not compile.
const CASES: &[(&str, Reason)] = &[
    ("CASE_SESSION_ID", Reason::Deleted("id")),
    (
        "CASE_SESSION_LAST_UPDATED_AT",
        Reason::Deleted("last_updated_at"),
    ),
    (
        "CASE_SESSION_GENERATED_TITLE",
        Reason::Deleted("generated_title"),
    ),
    ("CASE_SESSION_INDEX_IDS", Reason::Deleted("index_ids")),
    ("CASE_SESSION_JOB_METADATA", Reason::Deleted("job_metadata")),
    (
        "CASE_SESSION_SHARED_ACCESS",
        Reason::Deleted("shared_access"),
    ),
    ("CASE_SESSION_EVENTS", Reason::Deleted("events")),
    ("CASE_PARSE_TEMPORARY_STRING", Reason::Deleted("parse")),
    (
        "CASE_PARSE_CONST_TEMPORARY_STRING",
        Reason::Deleted("parse"),
    ),
    ("CASE_SESSION_MOVED_ID", Reason::Deleted("id")),
    ("CASE_BODY_BYTES", Reason::Deleted("bytes")),
    ("CASE_BODY_REQUEST_ID", Reason::Deleted("request_id")),
    ("CASE_BODY_URL", Reason::Deleted("url")),
    ("CASE_BODY_PARSE", Reason::Deleted("parse")),
    ("CASE_BODY_PARSE_CONST_TEMPORARY", Reason::Deleted("parse")),
    ("CASE_RETRIEVED_SESSION_ID", Reason::Deleted("id")),
    ("CASE_RETRIEVED_SESSION_EVENTS", Reason::Deleted("events")),
    ("CASE_RETRIEVED_BODY_BYTES", Reason::Deleted("bytes")),
    ("CASE_RETRIEVED_BODY_URL", Reason::Deleted("url")),
    ("CASE_RETRIEVED_BODY_PARSE", Reason::Deleted("parse")),
    ("CASE_RETRIEVED_COPY", Reason::Deleted("retrieved")),
    ("CASE_RETRIEVED_COPY_ASSIGN", Reason::Deleted("=")),
    ("CASE_CONST_CLIENT_SETTER", Reason::ConstClient),
];

/// The `#ifdef CASE_...` blocks of `text`: (macro, first line, last line), 1-based.
fn case_blocks(text: &str) -> Vec<(String, usize, usize)> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, usize)> = None;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if let Some(name) = line.trim().strip_prefix("#ifdef CASE_") {
            assert!(open.is_none(), "nested case at line {line_no}");
            open = Some((format!("CASE_{}", name.trim()), line_no));
        } else if line.trim() == "#endif" {
            if let Some((name, start)) = open.take() {
                blocks.push((name, start, line_no));
            }
        }
    }
    assert!(open.is_none(), "unterminated case block");
    blocks
}

/// The 1-based lines of `file` that the compiler reports errors at.
fn error_lines(stderr: &str, file: &str) -> Vec<usize> {
    stderr
        .lines()
        .filter(|l| l.contains(": error:"))
        .filter_map(|l| {
            let rest = &l[l.find(file)? + file.len()..];
            let rest = rest.strip_prefix(':')?;
            rest.split(':').next()?.parse().ok()
        })
        .collect()
}

/// The control compiles cleanly as C++17 and C++20; each case is rejected as C++17, for its
/// reason, with an error on its own lines.
fn dangling_uses_are_rejected(which: Cxx) {
    let Some(tool) = compiler(which) else {
        return;
    };
    let file = "must_not_compile.cpp";
    let source = cpp_dir().join(file);
    let text = std::fs::read_to_string(&source).expect("must_not_compile.cpp");
    let blocks = case_blocks(&text);
    let mut in_file: Vec<&str> = blocks.iter().map(|(name, _, _)| name.as_str()).collect();
    let mut listed: Vec<&str> = CASES.iter().map(|(name, _)| *name).collect();
    in_file.sort_unstable();
    listed.sort_unstable();
    assert_eq!(in_file, listed, "the cases of {file} and CASES differ");

    for std in ["c++17", "c++20"] {
        let mut cmd = compile(&tool, std, &source);
        cmd.arg("-fsyntax-only");
        run_ok(cmd, &format!("{file} without a case ({std}, the control)"));
    }

    for (name, start, end) in &blocks {
        let (_, reason) = CASES.iter().find(|(n, _)| n == name).expect("listed case");
        let out = compile(&tool, "c++17", &source)
            .arg("-fsyntax-only")
            .arg(format!("-D{name}"))
            .output()
            .expect("run the compiler");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success(),
            "{name}: {} accepted it",
            tool.path().display()
        );
        let lines = error_lines(&stderr, file);
        assert!(
            lines.iter().any(|l| (start..=end).contains(&l)),
            "{name}: no error on lines {start}-{end} of {file}:\n{stderr}"
        );
        assert!(
            lines.iter().all(|l| (start..=end).contains(&l)),
            "{name}: errors outside lines {start}-{end} of {file}:\n{stderr}"
        );
        assert!(
            reason.matches(&stderr),
            "{name}: not rejected for {reason:?}:\n{stderr}"
        );
    }
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot run C++")]
fn wrapper_program_cpp17_default_compiler() {
    wrapper_program(Cxx::Default, "c++17");
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot run C++")]
fn wrapper_program_cpp20_default_compiler() {
    wrapper_program(Cxx::Default, "c++20");
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot run C++")]
fn wrapper_program_cpp17_clang() {
    wrapper_program(Cxx::Clang, "c++17");
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot run C++")]
fn wrapper_program_cpp20_clang() {
    wrapper_program(Cxx::Clang, "c++20");
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot run C++")]
fn dangling_uses_are_rejected_default_compiler() {
    dangling_uses_are_rejected(Cxx::Default);
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot run C++")]
fn dangling_uses_are_rejected_clang() {
    dangling_uses_are_rejected(Cxx::Clang);
}
