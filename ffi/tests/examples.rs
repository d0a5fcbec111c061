//! The C and C++ side, built and run inside `cargo test` with the `cc` crate:
//! - `include/lcsession.h` compiles cleanly as C99 and C11 and as C++17 (with
//!   `-Wall -Wextra -Wpedantic -Werror`), and its version macros match the library;
//! - `examples/c` and `examples/cpp` print the expected text for the sample dump and the
//!   expected error (with line:column and byte offset, exit status 1) for bad inputs;
//! - `examples/c/fetch.c` and `examples/cpp/fetch.cpp` retrieve a session from a loopback
//!   `lcsession_testserver::Server`: the summary and the saved dump for a 200, the error
//!   details (status, request id, message, body; exit status 1) for a 404, and a missing API
//!   key reported before any request;
//! - the static-link flags documented in the pkg-config template link a working program.
//!
//! The library linked is this run's `liblcsession.a` (see `native/mod.rs`).
//!
//! These tests run on Linux (glibc) only and are skipped under Miri, which cannot run C.
#![cfg(all(target_os = "linux", target_env = "gnu"))]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod native;
use native::{root, run_ok, scratch, staticlib, NATIVE_STATIC_LIBS};

/// The C or C++ compiler the `cc` crate picks (honours `CC`, `CXX`, `CFLAGS`, ...).
fn compiler(cpp: bool) -> cc::Tool {
    native::cc_build(cpp).get_compiler()
}

/// Compiles and links `sources` into `scratch()/name` with strict warnings.
fn build(name: &str, sources: &[PathBuf], std: &str, extra: &[&str]) -> PathBuf {
    let cpp = std.starts_with("c++");
    let out = scratch().join(name);
    let mut cmd = compiler(cpp).to_command();
    cmd.arg(format!("-std={std}"))
        .args([
            "-Wall",
            "-Wextra",
            "-Wpedantic",
            "-Wshadow",
            "-Wconversion",
            "-Werror",
        ])
        .arg("-I")
        .arg(root().join("include"))
        .args(sources)
        .arg("-o")
        .arg(&out)
        .args(extra);
    run_ok(cmd, &format!("compile {name}"));
    out
}

/// Builds `sources` against the static library.
fn build_static(name: &str, sources: &[PathBuf], std: &str) -> PathBuf {
    let lib = staticlib();
    let mut extra = vec![lib.to_str().expect("UTF-8 path")];
    extra.extend(NATIVE_STATIC_LIBS);
    build(name, sources, std, &extra)
}

fn run(exe: &Path, args: &[&str]) -> Output {
    Command::new(exe)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()))
}

fn expected(dir: &str, file: &str) -> String {
    let path = root().join(dir).join("expected").join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Bad inputs and the expected file holding what the programs print for them.
const BAD_INPUTS: &[&str] = &[
    "empty",
    "missing-call-id",
    "not-utf8",
    "trailing-comma",
    "truncated",
];

/// Runs one example program through every case and compares with `dir/expected`.
fn check_program(exe: &Path, program: &str, dir: &str) {
    let sample = run(exe, &["examples/data/sample-session.json"]);
    let stdout = String::from_utf8(sample.stdout).expect("UTF-8 output");
    assert!(
        sample.status.success(),
        "{program} failed on the sample: {}",
        String::from_utf8_lossy(&sample.stderr)
    );
    assert!(sample.stderr.is_empty(), "{program} wrote to stderr");
    let want = expected(dir, &format!("{program}.txt"));
    if stdout != want {
        let line = stdout
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || "a length difference".to_owned(),
                |i| format!("line {}", i + 1),
            );
        panic!("{dir}/{program}: output differs from {dir}/expected/{program}.txt at {line}:\n{stdout}");
    }

    for bad in BAD_INPUTS {
        let input = format!("examples/c/bad-input/{bad}.json");
        let out = run(exe, &[&input]);
        let stderr = String::from_utf8(out.stderr).expect("UTF-8 errors");
        assert_eq!(out.status.code(), Some(1), "{program} {input}: {stderr}");
        assert!(out.stdout.is_empty(), "{program} {input} printed output");
        assert_eq!(
            stderr,
            expected(dir, &format!("bad-{bad}.txt")),
            "{program} {input}"
        );
        // The message names the place: path:line:column and the byte offset.
        assert!(
            stderr.contains(&format!("{input}:")) && stderr.contains(" at byte "),
            "{stderr}"
        );
    }

    let missing = run(exe, &["examples/c/bad-input/no-such-file.json"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr)
        .starts_with("error: examples/c/bad-input/no-such-file.json: "));
    let usage = run(exe, &[]);
    assert_eq!(usage.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&usage.stderr),
        format!("usage: {program} FILE\n")
    );
}

fn sources(dir: &str, file: &str) -> Vec<PathBuf> {
    vec![root().join(dir).join(file)]
}

/// A program that includes the header and checks the version macros against the library.
const HEADER_CHECK_C: &str = r#"
#include <stdio.h>
#include <string.h>
#include "lcsession.h"

/* Result codes are stable numbers. */
typedef char ok_is_zero[LCS_OK == 0 ? 1 : -1];
typedef char panic_is_two[LCS_PANIC == 2 ? 1 : -1];
typedef char missing_field_is_201[LCS_MISSING_FIELD == 201 ? 1 : -1];
typedef char client_not_found_is_313[LCS_CLIENT_NOT_FOUND == 313 ? 1 : -1];

int main(void) {
  ok_is_zero a;
  panic_is_two b;
  missing_field_is_201 c;
  client_not_found_is_313 d;
  lcs_session *s = NULL;
  lcs_client *client = NULL;
  lcs_client_error *err = NULL;
  (void)a; (void)b; (void)c; (void)d;
  if (strcmp(lcs_version(), LCS_VERSION_STRING) != 0) {
    fprintf(stderr, "header %s, library %s\n", LCS_VERSION_STRING, lcs_version());
    return 1;
  }
  if (lcs_session_parse(NULL, 0, &s, NULL) != LCS_NULL_ARGUMENT || s != NULL) return 1;
  /* A client with no key and no environment fails to build, with details, before any request. */
  if (lcs_client_new(&client) != LCS_OK) return 1;
  if (lcs_client_set_use_environment(client, false) != LCS_OK) return 1;
  if (lcs_client_build(client, &err) != LCS_CLIENT_MISSING_API_KEY || err == NULL) return 1;
  if (!lcs_result_is_client_error(LCS_CLIENT_MISSING_API_KEY)) return 1;
  lcs_client_error_free(err);
  lcs_client_free(client);
  printf("%d.%d.%d\n", LCS_VERSION_MAJOR, LCS_VERSION_MINOR, LCS_VERSION_PATCH);
  return 0;
}
"#;

const HEADER_CHECK_CPP: &str = r#"
#include <cstring>
#include <iostream>
#include "lcsession.h"
#include "lcsession.hpp"

static_assert(LCS_OK == 0, "LCS_OK");
static_assert(sizeof(lcs_result) == 4, "lcs_result is 32 bits");

int main() {
  if (std::strcmp(lcs_version(), LCS_VERSION_STRING) != 0) return 1;
  if (lcs::version() != LCS_VERSION_STRING) return 1;
  try {
    lcs::session::parse(std::string_view("{\n  \"events\": [}"));
    return 1;
  } catch (const lcs::error &e) {
    if (e.code() != LCS_SYNTAX_UNEXPECTED_BYTE || e.line() != 2 || e.offset() != 15) return 1;
  }
  // A one-pass token walk over a tool call's arguments.
  static const char doc[] =
      "{\"session_id\":\"s\",\"last_updated_at\":\"t\",\"events\":[{\"type\":\"tool_call\","
      "\"call_id\":\"c\",\"name\":\"n\",\"arguments\":{\"k\":[1,\"x\"],\"m\":{\"z\":null}}}]}";
  lcs::session s = lcs::session::parse(std::string_view(doc));
  int tokens = 0, keys = 0;
  for (const lcs::event &e : s.events())
    for (const lcs::token &t : e.arguments().tokens()) {
      tokens++;
      if (t.key) keys++;
      if (t.kind == LCS_TOKEN_NUMBER && t.value.as_u64() != 1) return 1;
    }
  if (tokens != 9 || keys != 3) return 1;
  // The same walk in one library call; stopping early; an exception comes back out.
  int walked = 0, walked_keys = 0;
  for (const lcs::event &e : s.events())
    e.arguments().walk([&](const lcs::token &t) {
      walked++;
      if (t.key) walked_keys++;
    });
  if (walked != 9 || walked_keys != 3) return 1;
  int first_two = 0;
  for (const lcs::event &e : s.events())
    e.arguments().walk([&](const lcs::token &) { return ++first_two < 2; });
  if (first_two != 2) return 1;
  try {
    for (const lcs::event &e : s.events()) e.arguments().walk([](const lcs::token &) { throw 7; });
    return 1;
  } catch (int thrown) {
    if (thrown != 7) return 1;
  }
  // One-pass parse with a visitor; an exception from the visitor comes back out.
  std::size_t visited = 0;
  lcs::session v = lcs::session::parse_visiting(doc, sizeof doc - 1, [&](const lcs::event &e) {
    if (e.type() == lcs::event_type::tool_call && e.name() == "n") visited++;
  });
  if (visited != 1 || v.event_count() != 1) return 1;
  // The client wrapper: a configuration error is an lcs::client_error, before any request.
  try {
    lcs::client c;
    c.use_environment(false).base_url("http://127.0.0.1:1").max_retries(0);
    c.retrieve("ses-1");
    return 1;
  } catch (const lcs::client_error &e) {
    if (e.code() != LCS_CLIENT_MISSING_API_KEY || !e.is_client() || e.attempts() != 0) return 1;
    if (e.status() != 0 || e.request_id() || e.kind() != "missing_api_key") return 1;
  }
  // retrieve_visiting: nothing to visit on a refused connection; the client error comes out.
  try {
    lcs::client c;
    c.use_environment(false).api_key("k").base_url("http://127.0.0.1:1").max_retries(0);
    c.retrieve_visiting("ses-1", [](const lcs::event &) { throw 43; });
    return 1;
  } catch (const lcs::client_error &e) {
    if (e.code() != LCS_CLIENT_CONNECTION || e.attempts() != 1) return 1;
  }
  try {
    lcs::session::parse_visiting(doc, sizeof doc - 1, [](const lcs::event &) { throw 42; });
    return 1;
  } catch (int thrown) {
    if (thrown != 42) return 1;
  }
  std::cout << LCS_VERSION_MAJOR << "." << LCS_VERSION_MINOR << "." << LCS_VERSION_PATCH << "\n";
  return 0;
}
"#;

fn header_check(std: &str) {
    let cpp = std.starts_with("c++");
    let src = scratch().join(format!(
        "header_check_{std}.{}",
        if cpp { "cpp" } else { "c" }
    ));
    std::fs::write(
        &src,
        if cpp {
            HEADER_CHECK_CPP
        } else {
            HEADER_CHECK_C
        },
    )
    .expect("write check");
    let exe = build_static(&format!("header_check_{std}"), &[src], std);
    let out = run(&exe, &[]);
    assert!(
        out.status.success(),
        "{std}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        env!("CARGO_PKG_VERSION")
    );
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot run C")]
fn header_compiles_as_c99() {
    header_check("c99");
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot run C")]
fn header_compiles_as_c11() {
    header_check("c11");
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot run C")]
fn header_and_wrapper_compile_as_cpp17() {
    header_check("c++17");
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot run C")]
fn c_transcript_matches_expected() {
    let exe = build_static(
        "transcript_c",
        &sources("examples/c", "transcript.c"),
        "c99",
    );
    check_program(&exe, "transcript", "examples/c");
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot run C")]
fn c_tool_values_match_expected() {
    let exe = build_static(
        "tool_values_c",
        &sources("examples/c", "tool_values.c"),
        "c99",
    );
    check_program(&exe, "tool_values", "examples/c");
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot run C")]
fn cpp_transcript_matches_expected() {
    let exe = build_static(
        "transcript_cpp",
        &sources("examples/cpp", "transcript.cpp"),
        "c++17",
    );
    check_program(&exe, "transcript", "examples/cpp");
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot run C")]
fn cpp_tool_values_match_expected() {
    let exe = build_static(
        "tool_values_cpp",
        &sources("examples/cpp", "tool_values.cpp"),
        "c++17",
    );
    check_program(&exe, "tool_values", "examples/cpp");
}

#[test]
#[cfg_attr(miri, ignore = "reads files")]
fn c_and_cpp_expect_the_same_text() {
    let dir = root().join("examples/c/expected");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("examples/c/expected") {
        let name = entry.expect("entry").file_name();
        let c = std::fs::read(dir.join(&name)).expect("read");
        let cpp =
            std::fs::read(root().join("examples/cpp/expected").join(&name)).expect("cpp twin");
        assert_eq!(
            c, cpp,
            "{name:?} differs between examples/c and examples/cpp"
        );
        n += 1;
    }
    assert_eq!(n, 2 + BAD_INPUTS.len() + FETCH_EXPECTED.len());
}

/// Runs `pkg-config ARGS lcsession` against the given prefix; `None` when pkg-config is not
/// installed (`.ci/ffi.sh` installs it and repeats this check in shell).
fn pkg_config(prefix: &Path, args: &[&str]) -> Option<Vec<String>> {
    let out = Command::new("pkg-config")
        .args(args)
        .arg("lcsession")
        .env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig"))
        .output();
    match out {
        Ok(out) => {
            assert!(
                out.status.success(),
                "pkg-config: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let text = String::from_utf8(out.stdout).expect("UTF-8");
            Some(text.split_whitespace().map(str::to_owned).collect())
        }
        Err(e) => {
            eprintln!("skipped: pkg-config not available ({e})");
            None
        }
    }
}

/// Installs with `ffi/install.sh --from <this run's deps directory>` into a fresh prefix.
fn install(name: &str, extra: &[&str]) -> PathBuf {
    let prefix = scratch().join(name);
    let lib = staticlib();
    let from = lib.parent().expect("library directory");
    let mut cmd = Command::new("bash");
    cmd.arg(root().join("ffi/install.sh"))
        .arg("--prefix")
        .arg(&prefix)
        .arg("--from")
        .arg(from)
        .args(extra);
    run_ok(cmd, "ffi/install.sh");
    prefix
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot run C")]
fn pkg_config_static_flags_link_the_example() {
    let prefix = install("prefix-static", &["--static-only"]);
    assert!(prefix.join("include/lcsession.h").is_file());
    assert!(prefix.join("include/lcsession.hpp").is_file());
    assert!(!prefix.join("lib/liblcsession.so").exists());
    let Some(version) = pkg_config(&prefix, &["--modversion"]) else {
        return;
    };
    assert_eq!(version, [env!("CARGO_PKG_VERSION")]);
    let cflags = pkg_config(&prefix, &["--cflags"]).expect("pkg-config");
    let libs = pkg_config(&prefix, &["--static", "--libs"]).expect("pkg-config");
    let mut expected_libs = vec![
        format!("-L{}", prefix.join("lib").display()),
        "-llcsession".to_owned(),
    ];
    expected_libs.extend(NATIVE_STATIC_LIBS.iter().map(|s| s.to_string()));
    assert_eq!(libs, expected_libs);
    // Build exactly as a C user would: cc app.c $(pkg-config --cflags --static --libs lcsession).
    let out = scratch().join("transcript_pkg_static");
    let mut cmd = compiler(false).to_command();
    cmd.args(["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Werror"])
        .args(&cflags)
        .arg(root().join("examples/c/transcript.c"))
        .arg("-o")
        .arg(&out)
        .args(&libs);
    run_ok(cmd, "static link through pkg-config");
    let run = run(&out, &["examples/data/sample-session.json"]);
    assert!(run.status.success());
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        expected("examples/c", "transcript.txt")
    );
    // Statically linked: no run-time dependency on liblcsession.so.
    let ldd = Command::new("ldd").arg(&out).output();
    if let Ok(ldd) = ldd {
        assert!(!String::from_utf8_lossy(&ldd.stdout).contains("liblcsession"));
    }
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot run C")]
fn pkg_config_shared_flags_link_the_example() {
    let prefix = install("prefix-shared", &[]);
    assert!(prefix.join("lib/liblcsession.so").is_file());
    let Some(cflags) = pkg_config(&prefix, &["--cflags"]) else {
        return;
    };
    let libs = pkg_config(&prefix, &["--libs"]).expect("pkg-config");
    assert_eq!(
        libs,
        [
            format!("-L{}", prefix.join("lib").display()),
            "-llcsession".to_owned()
        ]
    );
    let out = scratch().join("tool_values_pkg_shared");
    let mut cmd = compiler(false).to_command();
    cmd.args(["-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror"])
        .args(&cflags)
        .arg(root().join("examples/c/tool_values.c"))
        .arg("-o")
        .arg(&out)
        .args(&libs);
    run_ok(cmd, "shared link through pkg-config");
    let run = Command::new(&out)
        .arg("examples/data/sample-session.json")
        .current_dir(root())
        .env("LD_LIBRARY_PATH", prefix.join("lib"))
        .output()
        .expect("run");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        expected("examples/c", "tool_values.txt")
    );
}

#[test]
#[cfg_attr(miri, ignore = "reads files")]
fn pc_template_lists_the_native_static_libs() {
    let template = std::fs::read_to_string(root().join("ffi/lcsession.pc.in")).expect("template");
    let line = template
        .lines()
        .find_map(|l| l.strip_prefix("Libs.private:"))
        .expect("Libs.private line");
    let listed: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(listed, NATIVE_STATIC_LIBS);
}

/// The expected files of the fetch examples (in `examples/{c,cpp}/expected/`).
const FETCH_EXPECTED: &[&str] = &["fetch.txt", "fetch-not-found.txt", "fetch-no-key.txt"];

/// The sample dump, which the fetch tests serve.
const SAMPLE: &[u8] = include_bytes!("../../examples/data/sample-session.json");

/// The key the fetch tests pass through the environment (never printed).
const FETCH_KEY: &str = "llx-fetch-test-key-0123456789";

/// Runs a fetch program with a controlled environment: only the API key variables are
/// changed (`key` None removes both).
fn run_fetch(exe: &Path, args: &[&str], key: Option<&str>) -> Output {
    let mut cmd = Command::new(exe);
    cmd.args(args)
        .current_dir(root())
        .env_remove("LLAMA_CLOUD_API_KEY")
        .env_remove("LLAMA_PARSE_API_KEY")
        .env_remove("LLAMA_CLOUD_BASE_URL")
        .env_remove("LLAMA_CLOUD_CUSTOM_HEADERS");
    if let Some(key) = key {
        cmd.env("LLAMA_CLOUD_API_KEY", key);
    }
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()))
}

/// A fetch program through its three cases against loopback servers.
fn check_fetch(exe: &Path, dir: &str) {
    use lcsession_testserver::{Reply, Server};

    // 200: the summary, and the saved dump is the body byte for byte.
    let server = Server::script(vec![
        Reply::json(200, SAMPLE).header("x-request-id", "req_ok")
    ]);
    let out_file = scratch().join(format!("fetched-{}.json", dir.replace('/', "-")));
    let _ = std::fs::remove_file(&out_file);
    let out_arg = out_file.to_str().expect("UTF-8 path");
    let ok = run_fetch(
        exe,
        &[&server.base_url(), "ses-7f3a9c2e41b8", out_arg],
        Some(FETCH_KEY),
    );
    let stderr = String::from_utf8_lossy(&ok.stderr);
    assert!(ok.status.success(), "{dir} fetch: {stderr}");
    assert!(
        ok.stderr.is_empty(),
        "{dir} fetch wrote to stderr: {stderr}"
    );
    assert_eq!(
        String::from_utf8_lossy(&ok.stdout).replace(out_arg, "OUT_FILE"),
        expected(dir, "fetch.txt")
    );
    assert_eq!(std::fs::read(&out_file).expect("saved dump"), SAMPLE);
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].target, "/api/v1/chat/ses-7f3a9c2e41b8");
    assert_eq!(
        requests[0].header("authorization"),
        Some(format!("Bearer {FETCH_KEY}").as_str())
    );

    // 404 with a JSON error body and a request id: the details, exit status 1.
    let server = Server::script(vec![Reply::json(
        404,
        r#"{"detail":"Session ses-missing not found"}"#,
    )
    .header("x-request-id", "req_404_abc")]);
    let missing = run_fetch(exe, &[&server.base_url(), "ses-missing"], Some(FETCH_KEY));
    let stderr = String::from_utf8(missing.stderr).expect("UTF-8");
    assert_eq!(missing.status.code(), Some(1), "{dir}: {stderr}");
    assert!(missing.stdout.is_empty());
    assert_eq!(
        stderr.replace(&server.base_url(), "BASE_URL"),
        expected(dir, "fetch-not-found.txt")
    );
    assert!(!stderr.contains(FETCH_KEY));
    assert_eq!(server.requests().len(), 1, "a 404 is not retried");

    // No API key: the error comes before any request.
    let server = Server::script(vec![Reply::json(200, SAMPLE)]);
    let no_key = run_fetch(exe, &[&server.base_url(), "ses-7f3a9c2e41b8"], None);
    let stderr = String::from_utf8(no_key.stderr).expect("UTF-8");
    assert_eq!(no_key.status.code(), Some(1), "{dir}: {stderr}");
    assert_eq!(stderr, expected(dir, "fetch-no-key.txt"));
    assert_eq!(server.requests().len(), 0);
    assert_eq!(server.connections(), 0);

    let usage = run_fetch(exe, &[], None);
    assert_eq!(usage.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&usage.stderr),
        "usage: fetch BASE_URL SESSION_ID [OUT_FILE]\n"
    );
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot run C")]
fn c_fetch_against_a_loopback_server() {
    let exe = build_static("fetch_c", &sources("examples/c", "fetch.c"), "c99");
    check_fetch(&exe, "examples/c");
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot run C")]
fn cpp_fetch_against_a_loopback_server() {
    let exe = build_static("fetch_cpp", &sources("examples/cpp", "fetch.cpp"), "c++17");
    check_fetch(&exe, "examples/cpp");
}
