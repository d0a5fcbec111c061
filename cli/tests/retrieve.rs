//! Whole-binary tests of `lcsession retrieve` (and `beta:chat retrieve`): the built
//! executable against the scripted loopback server of `lcsession-testserver`.
//!
//! Every child process runs with the LlamaCloud and proxy variables removed, so the tests do
//! not depend on (or leak into) the developer's environment; the key is given with
//! `--api-key` or set on the child only.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use lcsession_testserver::{BodyMode, Reply, Server};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lcsession");
const KEY: &str = "llx-test-secret-4f9a1c";
const SAMPLE_ID: &str = "ses-7f3a9c2e41b8";

/// Variables a child must not inherit.
const SCRUBBED: &[&str] = &[
    "LLAMA_CLOUD_API_KEY",
    "LLAMA_PARSE_API_KEY",
    "LLAMA_CLOUD_BASE_URL",
    "LLAMA_CLOUD_CUSTOM_HEADERS",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
];

fn sample_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/data/sample-session.json")
}

fn sample() -> Vec<u8> {
    std::fs::read(sample_path()).unwrap()
}

fn temp_path(name: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("retrieve-{}-{n}-{name}", std::process::id()))
}

/// The binary with `args` and extra environment variables `env`, ready to run.
fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    for name in SCRUBBED {
        cmd.env_remove(name);
    }
    for (name, value) in env {
        cmd.env(name, value);
    }
    cmd
}

/// Runs the binary with `args` and extra environment variables `env`.
fn run_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    command(args, env).output().unwrap()
}

/// `retrieve` against `server` with the test key and no retries, ready to run.
fn retrieve_command(server: &Server, extra: &[&str]) -> Command {
    let base = server.base_url();
    let mut args = vec![
        "retrieve",
        "--base-url",
        &base,
        "--api-key",
        KEY,
        "--max-retries",
        "0",
        "--timeout",
        "5",
    ];
    args.extend_from_slice(extra);
    command(&args, &[])
}

/// Runs `retrieve` against `server` with the test key and no retries.
fn retrieve(server: &Server, extra: &[&str]) -> Output {
    retrieve_command(server, extra).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// `lcsession inspect` of the sample dump with `args`.
fn inspect_sample(args: &[&str]) -> Output {
    let sample = sample_path();
    let mut all = vec!["inspect", sample.to_str().unwrap()];
    all.extend_from_slice(args);
    run_env(&all, &[])
}

fn stdout_ok(out: &Output) -> Vec<u8> {
    assert!(
        out.status.success(),
        "status {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout.clone()
}

/// Checks exit status 1 and no stdout; returns stderr.
fn failed(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "stdout: {}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(!stderr.contains(KEY), "the key leaked: {stderr}");
    stderr
}

/// Semantic JSON equality: numbers compare by their f64 value, objects by key set.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn sample_server() -> Server {
    Server::script(vec![Reply::json(200, sample())])
}

// ---------------------------------------------------------------- formats

#[test]
fn raw_is_byte_identical() {
    let server = sample_server();
    let out = stdout_ok(&retrieve(&server, &[SAMPLE_ID, "--format", "raw"]));
    assert_eq!(out, sample());
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].line,
        format!("GET /api/v1/chat/{SAMPLE_ID} HTTP/1.1")
    );
    assert_eq!(
        requests[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(requests[0].header("accept"), Some("application/json"));
}

#[test]
fn json_is_compact_and_semantically_equal() {
    let server = sample_server();
    let out = stdout_ok(&retrieve(&server, &[SAMPLE_ID, "--format", "json"]));
    let out = text(&out);
    assert!(out.ends_with("}\n"), "{out}");
    assert_eq!(out.lines().count(), 1, "not compact");
    let got: Value = serde_json::from_str(&out).unwrap();
    let want: Value = serde_json::from_slice(&sample()).unwrap();
    assert!(same(&got, &want), "{out}");
    // Byte for byte the rendering of `inspect --format json --compact`.
    let inspect = inspect_sample(&["--format", "json", "--compact"]);
    assert_eq!(text(&stdout_ok(&inspect)), out);
}

#[test]
fn pretty_is_the_default_and_indented() {
    let server = sample_server();
    let default = stdout_ok(&retrieve(&server, &[SAMPLE_ID]));
    let pretty = stdout_ok(&retrieve(&server, &[SAMPLE_ID, "--format", "pretty"]));
    assert_eq!(default, pretty);
    let out = text(&pretty);
    assert!(out.starts_with("{\n  \"events\": [\n    {\n"), "{out}");
    assert!(out.lines().count() > 100);
    let got: Value = serde_json::from_str(&out).unwrap();
    let want: Value = serde_json::from_slice(&sample()).unwrap();
    assert!(same(&got, &want));
    // The same rendering as `inspect --format json`.
    let inspect = inspect_sample(&["--format", "json"]);
    assert_eq!(stdout_ok(&inspect), pretty);
}

#[test]
fn transcript_equals_inspect() {
    let server = sample_server();
    let out = stdout_ok(&retrieve(&server, &[SAMPLE_ID, "--format", "transcript"]));
    let inspect = stdout_ok(&inspect_sample(&[]));
    assert_eq!(text(&out), text(&inspect));
    assert!(text(&out).starts_with(&format!("session id:     {SAMPLE_ID}\n")));
    assert!(text(&out).contains("\ntranscript:\n"));
    // Each command accepts the other's name for it.
    let server = sample_server();
    let text_format = stdout_ok(&retrieve(&server, &[SAMPLE_ID, "--format", "text"]));
    assert_eq!(text_format, out);
    let inspect_transcript = stdout_ok(&inspect_sample(&["--format", "transcript"]));
    assert_eq!(inspect_transcript, inspect);
}

#[test]
fn the_official_cli_format_names_are_accepted() {
    let server = sample_server();
    let pretty = stdout_ok(&retrieve(&server, &[SAMPLE_ID, "--format", "pretty"]));
    let json = stdout_ok(&retrieve(&server, &[SAMPLE_ID, "--format", "json"]));
    assert_eq!(
        stdout_ok(&retrieve(&server, &[SAMPLE_ID, "--format", "auto"])),
        pretty
    );
    assert_eq!(
        stdout_ok(&retrieve(&server, &[SAMPLE_ID, "--format", "jsonl"])),
        json
    );
    let yaml = text(&stdout_ok(&retrieve(
        &server,
        &[SAMPLE_ID, "--format", "yaml"],
    )));
    let got: Value = serde_norway::from_str(&yaml).unwrap();
    let want: Value = serde_json::from_slice(&sample()).unwrap();
    assert!(same(&got, &want), "{yaml}");
    // The same rendering as `inspect --format yaml`.
    let inspect = inspect_sample(&["--format", "yaml"]);
    assert_eq!(text(&stdout_ok(&inspect)), yaml);
    let out = retrieve(&server, &[SAMPLE_ID, "--format", "explore"]);
    assert_eq!(out.status.code(), Some(2));
}

// ---------------------------------------------------------------- spellings and ids

#[test]
fn both_spellings_and_both_id_forms_send_the_same_request() {
    let server = sample_server();
    let base = server.base_url();
    let common = [
        "--base-url",
        base.as_str(),
        "--api-key",
        KEY,
        "--max-retries",
        "0",
        "--format",
        "raw",
    ];
    let forms: [&[&str]; 4] = [
        &["retrieve", "--session-id", SAMPLE_ID],
        &["retrieve", SAMPLE_ID],
        &["beta:chat", "retrieve", "--session-id", SAMPLE_ID],
        &["beta:chat", "retrieve", SAMPLE_ID],
    ];
    for form in forms {
        let mut args = form.to_vec();
        args.extend_from_slice(&common);
        assert_eq!(stdout_ok(&run_env(&args, &[])), sample(), "{form:?}");
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    for r in requests {
        assert_eq!(r.target, format!("/api/v1/chat/{SAMPLE_ID}"));
    }
}

#[test]
fn id_twice_or_never_is_a_usage_error() {
    let server = sample_server();
    for extra in [&["--session-id", "a", "b"][..], &[][..]] {
        let out = retrieve(&server, extra);
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        assert!(out.stdout.is_empty());
    }
    let out = run_env(
        &[
            "beta:chat",
            "retrieve",
            "--api-key",
            KEY,
            "--session-id",
            "a",
            "b",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(server.requests().len(), 0);
}

#[test]
fn organization_and_project_go_in_the_query() {
    let server = sample_server();
    stdout_ok(&retrieve(
        &server,
        &[
            SAMPLE_ID,
            "--organization-id",
            "org 1&x=y",
            "--project-id",
            "prj-2",
            "--format",
            "raw",
        ],
    ));
    stdout_ok(&retrieve(
        &server,
        &[SAMPLE_ID, "--project-id", "prj-3", "--format", "raw"],
    ));
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            format!("/api/v1/chat/{SAMPLE_ID}?organization_id=org%201%26x%3Dy&project_id=prj-2"),
            format!("/api/v1/chat/{SAMPLE_ID}?project_id=prj-3"),
        ]
    );
}

#[test]
fn a_hostile_id_is_one_path_segment() {
    let server = sample_server();
    stdout_ok(&retrieve(
        &server,
        &["--session-id", "a/b?c#d e%", "--format", "raw"],
    ));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].line,
        "GET /api/v1/chat/a%2Fb%3Fc%23d%20e%25 HTTP/1.1"
    );
}

#[test]
fn bad_session_ids_make_no_request() {
    let server = sample_server();
    for id in ["", ".", ".."] {
        let out = retrieve(&server, &["--session-id", id]);
        let stderr = failed(&out);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("lcsession: error: "), "{stderr}");
        assert!(stderr.contains("session id"), "{stderr}");
    }
    assert_eq!(server.connections(), 0);
}

// ---------------------------------------------------------------- --output

/// A generated 3 MiB session (decoded while it arrives) with a title of about 2,000 bytes
/// and 40 index ids: over the library's default capacities, within the CLI's.
fn large_session_with_long_header() -> Vec<u8> {
    let doc = lcsession_gen::long_texts(3 << 20, 11);
    let from = doc.find(r#","generated_title":"#).unwrap();
    let to = doc.find(r#","shared_access":"#).unwrap();
    let title = "Résumé 📈 \\u00e9 ".repeat(120);
    let ids: Vec<String> = (0..40).map(|i| format!("\"idx-{i}\"")).collect();
    let header = format!(
        r#","generated_title":"{title}","index_ids":[{}]"#,
        ids.join(",")
    );
    format!("{}{header}{}", &doc[..from], &doc[to..]).into_bytes()
}

#[test]
fn a_large_session_with_a_long_title_prints_like_inspect() {
    let doc = large_session_with_long_header();
    assert!(doc.len() > 3 << 20);
    let dump = temp_path("large.json");
    std::fs::write(&dump, &doc).unwrap();
    let server = Server::script(vec![Reply::json(200, doc.clone()); 4]);
    let raw = stdout_ok(&retrieve(&server, &["ses-large", "--format", "raw"]));
    assert!(raw == doc, "raw differs");
    for (format, inspect_args) in [
        ("json", &["--format", "json", "--compact"][..]),
        ("pretty", &["--format", "json"]),
        ("transcript", &[]),
    ] {
        let out = stdout_ok(&retrieve(&server, &["ses-large", "--format", format]));
        let mut args = vec!["inspect", dump.to_str().unwrap()];
        args.extend_from_slice(inspect_args);
        let inspect = stdout_ok(&run_env(&args, &[]));
        assert!(out == inspect, "{format}: not the output of inspect");
    }
    let out = text(&stdout_ok(&run_env(
        &["inspect", dump.to_str().unwrap(), "--format", "json"],
        &[],
    )));
    let got: Value = serde_json::from_str(&out).unwrap();
    let want: Value = serde_json::from_slice(&doc).unwrap();
    assert!(same(&got, &want));
    assert_eq!(got["index_ids"].as_array().map(Vec::len), Some(40));
    assert_eq!(server.requests().len(), 4);
}

#[test]
fn a_large_invalid_body_names_its_error_and_writes_nothing() {
    let mut doc = large_session_with_long_header();
    // A control character in the title, after all the events.
    let at = doc
        .windows(8)
        .rposition(|w| w == "Résumé".as_bytes())
        .unwrap();
    doc[at] = 0x01;
    let dump = temp_path("large-invalid.json");
    std::fs::write(&dump, &doc).unwrap();
    let inspect = run_env(&["inspect", dump.to_str().unwrap()], &[]);
    assert_eq!(inspect.status.code(), Some(1));
    // `inspect` and `retrieve` put the same facts in their own forms.
    let inspect_error = text(&inspect.stderr);
    let column = inspect_error
        .split_once(":1:")
        .and_then(|(_, rest)| rest.split_once(':'))
        .map(|(column, _)| column.to_owned())
        .unwrap();
    assert!(
        inspect_error.ends_with(&format!(
            ":1:{column}: raw control character in string (byte {at})\n"
        )),
        "{inspect_error}"
    );
    let reason =
        format!("raw control character in string at byte {at} (line 1, column {column})\n");

    let server = Server::script(vec![Reply::json(200, doc)]);
    let path = temp_path("large-invalid-out.json");
    let stderr = failed(&retrieve(
        &server,
        &["ses-large", "--output", path.to_str().unwrap()],
    ));
    let url = format!("{}/api/v1/chat/ses-large", server.base_url());
    assert_eq!(
        stderr,
        format!("GET \"{url}\": the response is not a valid session: {reason}")
    );
    assert!(!path.exists());
}

#[test]
fn output_saves_the_exact_bytes_and_prints_nothing_by_default() {
    // A body with escapes and odd spacing: the saved file must be these bytes, not a
    // re-encoding.
    let body = b" {\"session_id\":\"s\\u0031\",  \"last_updated_at\":\"t\",\"events\":[{\"type\":\"text\",\"content\":\"a\\/b\"}]}\n".to_vec();
    let server = Server::script(vec![Reply::json(200, body.clone())]);
    let path = temp_path("out.json");
    let out = retrieve(&server, &["s1", "--output", path.to_str().unwrap()]);
    assert!(stdout_ok(&out).is_empty());
    assert_eq!(std::fs::read(&path).unwrap(), body);

    // With an explicit --format it also prints.
    let path2 = temp_path("out2.json");
    let out = retrieve(
        &server,
        &["s1", "-o", path2.to_str().unwrap(), "--format", "json"],
    );
    let printed: Value = serde_json::from_slice(&stdout_ok(&out)).unwrap();
    assert_eq!(printed["session_id"], "s1");
    assert_eq!(std::fs::read(&path2).unwrap(), body);
    // No temporary file is left behind.
    let dir = path.parent().unwrap();
    let leftovers = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn output_into_a_missing_directory_fails_cleanly() {
    let server = sample_server();
    let path = temp_path("no-such-dir").join("x.json");
    let out = retrieve(&server, &[SAMPLE_ID, "--output", path.to_str().unwrap()]);
    let stderr = failed(&out);
    assert!(stderr.starts_with("lcsession: error: writing "), "{stderr}");
    assert!(stderr.contains("x.json"), "{stderr}");
    assert!(!path.exists());
}

// ---------------------------------------------------------------- --debug

#[test]
fn debug_shows_the_exchange_with_the_key_redacted() {
    let server = Server::script(vec![
        Reply::json(200, sample()).header("x-request-id", "req_42")
    ]);
    let out = retrieve(&server, &[SAMPLE_ID, "--debug", "--format", "raw"]);
    assert!(out.status.success());
    assert_eq!(out.stdout, sample());
    let stderr = text(&out.stderr);
    assert!(!stderr.contains(KEY), "{stderr}");
    let url = format!("{}/api/v1/chat/{SAMPLE_ID}", server.base_url());
    assert!(
        stderr.starts_with(&format!("> GET {url} (attempt 1 of 1)\n")),
        "{stderr}"
    );
    for line in [
        "> Authorization: Bearer <REDACTED>\n",
        "> Accept: application/json\n",
        "> x-stainless-retry-count: 0\n",
        "< 200 OK\n",
        "< x-request-id: req_42\n",
    ] {
        assert!(stderr.contains(line), "missing {line:?} in {stderr}");
    }
    assert!(stderr.contains("\n> User-Agent: lcsession/"), "{stderr}");
    // Every request header the server saw (except `Host`, added by the HTTP stack) is in the
    // dump, the key's value redacted. Header names are case-insensitive on the wire.
    let request = &server.requests()[0];
    assert!(request.headers.len() >= 10, "{:?}", request.headers);
    let dumped: Vec<(String, String)> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("> ")?.split_once(": "))
        .map(|(n, v)| (n.to_ascii_lowercase(), v.to_owned()))
        .collect();
    for (name, value) in &request.headers {
        let name = name.to_ascii_lowercase();
        let shown = match name.as_str() {
            "host" => continue,
            "authorization" => "Bearer <REDACTED>",
            _ => value.as_str(),
        };
        assert!(
            dumped.contains(&(name.clone(), shown.to_owned())),
            "header {name}: {value} missing from {stderr}"
        );
    }
}

#[test]
fn debug_hides_custom_headers_that_look_secret() {
    let server = sample_server();
    let out = retrieve_command(&server, &[SAMPLE_ID, "--debug", "--format", "raw"])
        .env(
            "LLAMA_CLOUD_CUSTOM_HEADERS",
            "X-Proxy-Token: hunter2-token\nX-Api-Key: hunter2-key\nCookie: hunter2-cookie\n\
             X-Client-Secret: hunter2-secret\nX-Trace: visible",
        )
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("hunter2"), "{stderr}");
    for name in ["X-Proxy-Token", "X-Api-Key", "Cookie", "X-Client-Secret"] {
        assert!(
            stderr.contains(&format!("> {name}: <REDACTED>\n")),
            "{name}: {stderr}"
        );
    }
    assert!(stderr.contains("> X-Trace: visible\n"), "{stderr}");
    // They were sent as given.
    let request = &server.requests()[0];
    assert_eq!(request.header("x-proxy-token"), Some("hunter2-token"));
}

#[test]
fn debug_without_the_flag_is_silent() {
    let server = sample_server();
    let out = retrieve(&server, &[SAMPLE_ID, "--format", "raw"]);
    assert!(out.stderr.is_empty());
}

#[test]
fn a_key_from_the_environment_is_used_and_never_shown() {
    let server = Server::script(vec![Reply::json(
        401,
        format!("{{\"detail\":\"Invalid API key {KEY}\"}}"),
    )]);
    let base = server.base_url();
    let out = run_env(
        &[
            "retrieve",
            SAMPLE_ID,
            "--base-url",
            &base,
            "--max-retries",
            "0",
            "--debug",
        ],
        &[("LLAMA_CLOUD_API_KEY", KEY)],
    );
    let stderr = failed(&out);
    // The server echoed the key in its body: redacted in the printout.
    assert!(
        stderr.contains("\"detail\": \"Invalid API key <REDACTED>\""),
        "{stderr}"
    );
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

// ---------------------------------------------------------------- errors

#[test]
fn not_found_prints_the_request_line_and_the_pretty_body() {
    let server = Server::script(vec![Reply::json(
        404,
        r#"{"detail":"Session not found","ids":[1,2]}"#,
    )]);
    let out = retrieve(&server, &["ses-missing"]);
    let stderr = failed(&out);
    let url = format!("{}/api/v1/chat/ses-missing", server.base_url());
    assert_eq!(
        stderr,
        format!(
            "GET \"{url}\": 404 Not Found\n{{\n  \"detail\": \"Session not found\",\n  \"ids\": [\n    1,\n    2\n  ]\n}}\n"
        )
    );
    assert_eq!(server.requests().len(), 1, "404 is not retried");
}

#[test]
fn error_body_that_is_not_json_is_shown_as_text_and_the_request_id_too() {
    let server = Server::script(vec![Reply::new(403, "forbidden\x1b[31m here")
        .header("content-type", "text/plain")
        .header("x-request-id", "req_7")]);
    let out = retrieve(&server, &["s"]);
    let stderr = failed(&out);
    let url = format!("{}/api/v1/chat/s", server.base_url());
    assert_eq!(
        stderr,
        format!("GET \"{url}\": 403 Forbidden (request id req_7)\nforbidden\\u001b[31m here\n")
    );
}

#[test]
fn validation_error_422_body_is_pretty() {
    let body = r#"{"detail":[{"loc":["query","project_id"],"msg":"bad","type":"value_error"}]}"#;
    let server = Server::script(vec![Reply::json(422, body)]);
    let stderr = failed(&retrieve(&server, &["s", "--project-id", "x"]));
    let mut lines = stderr.lines();
    assert!(lines
        .next()
        .unwrap()
        .ends_with(": 422 Unprocessable Entity"));
    let rest: Vec<&str> = lines.collect();
    let parsed: Value = serde_json::from_str(&rest.join("\n")).unwrap();
    assert_eq!(parsed, serde_json::from_str::<Value>(body).unwrap());
}

#[test]
fn a_500_then_200_with_one_retry() {
    let server = Server::script(vec![
        Reply::json(500, r#"{"detail":"boom"}"#).header("retry-after-ms", "10"),
        Reply::json(200, sample()),
    ]);
    let base = server.base_url();
    let out = run_env(
        &[
            "retrieve",
            SAMPLE_ID,
            "--base-url",
            &base,
            "--api-key",
            KEY,
            "--max-retries",
            "1",
            "--format",
            "raw",
            "--debug",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(out.stdout, sample());
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].header("x-stainless-retry-count"), Some("0"));
    assert_eq!(requests[1].header("x-stainless-retry-count"), Some("1"));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("(attempt 1 of 2)\n"), "{stderr}");
    assert!(stderr.contains("(attempt 2 of 2)\n"), "{stderr}");
    assert!(stderr.contains("< 500 Internal Server Error\n"), "{stderr}");
    assert!(
        stderr.contains("* attempt 1 failed: GET \"") && stderr.contains("retrying in 0.010 s\n"),
        "{stderr}"
    );
}

#[test]
fn retries_exhausted_reports_the_last_error() {
    let server = Server::script(vec![
        Reply::json(503, r#"{"detail":"busy"}"#).header("retry-after-ms", "5")
    ]);
    let base = server.base_url();
    let out = run_env(
        &[
            "retrieve",
            "s",
            "--base-url",
            &base,
            "--api-key",
            KEY,
            "--max-retries",
            "2",
        ],
        &[],
    );
    let stderr = failed(&out);
    assert!(stderr.starts_with("GET \""), "{stderr}");
    assert!(stderr.contains(": 503 Service Unavailable\n"), "{stderr}");
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn missing_key_makes_no_request() {
    let server = sample_server();
    let base = server.base_url();
    let out = run_env(&["retrieve", SAMPLE_ID, "--base-url", &base], &[]);
    let stderr = failed(&out);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("lcsession: error: no API key"),
        "{stderr}"
    );
    assert!(stderr.contains("LLAMA_CLOUD_API_KEY"), "{stderr}");
    // An empty variable counts as unset, and so does one of only whitespace (trimmed, as the
    // TypeScript SDK reads it).
    for blank in ["", " \t "] {
        let out = run_env(
            &["retrieve", SAMPLE_ID, "--base-url", &base],
            &[("LLAMA_CLOUD_API_KEY", blank)],
        );
        assert!(failed(&out).starts_with("lcsession: error: no API key"));
        let out = run_env(
            &[
                "retrieve",
                SAMPLE_ID,
                "--base-url",
                &base,
                "--api-key",
                blank,
            ],
            &[],
        );
        assert!(failed(&out).contains("the API key is empty"));
    }
    assert_eq!(server.connections(), 0);
}

#[test]
fn a_blank_key_variable_falls_back_and_a_padded_one_is_trimmed() {
    let server = Server::script(vec![Reply::json(200, sample()), Reply::json(200, sample())]);
    let base = server.base_url();
    let args = [
        "retrieve",
        SAMPLE_ID,
        "--base-url",
        &base,
        "--format",
        "raw",
    ];
    let out = run_env(
        &args,
        &[("LLAMA_CLOUD_API_KEY", "  "), ("LLAMA_PARSE_API_KEY", KEY)],
    );
    assert_eq!(stdout_ok(&out), sample());
    let padded = format!(" {KEY}\n");
    let out = run_env(&args, &[("LLAMA_CLOUD_API_KEY", &padded)]);
    assert_eq!(stdout_ok(&out), sample());
    for request in server.requests() {
        assert_eq!(
            request.header("authorization").map(str::to_owned),
            Some(format!("Bearer {KEY}"))
        );
    }
}

#[test]
fn a_variable_that_is_not_utf8_is_an_error_naming_it() {
    use std::os::unix::ffi::OsStrExt;
    let server = sample_server();
    let base = server.base_url();
    let bad = std::ffi::OsStr::from_bytes(b"http://127.0.0.1:1/\xff");
    for (name, args) in [
        (
            "LLAMA_CLOUD_BASE_URL",
            vec!["retrieve", SAMPLE_ID, "--api-key", KEY],
        ),
        (
            "LLAMA_CLOUD_API_KEY",
            vec!["retrieve", SAMPLE_ID, "--base-url", &base],
        ),
        (
            "LLAMA_CLOUD_CUSTOM_HEADERS",
            vec!["retrieve", SAMPLE_ID, "--base-url", &base, "--api-key", KEY],
        ),
    ] {
        let out = command(&args, &[]).env(name, bad).output().unwrap();
        let stderr = failed(&out);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains(&format!("{name} is set but is not valid UTF-8")),
            "{stderr}"
        );
    }
    // Not read (an argument wins): not an error.
    let out = command(
        &[
            "retrieve",
            SAMPLE_ID,
            "--base-url",
            &base,
            "--api-key",
            KEY,
            "--format",
            "raw",
        ],
        &[],
    )
    .env("LLAMA_CLOUD_BASE_URL", bad)
    .env("LLAMA_CLOUD_API_KEY", bad)
    .output()
    .unwrap();
    assert_eq!(stdout_ok(&out), sample());
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn bad_base_urls_make_no_request() {
    for (args, env) in [
        (&["--base-url", "ftp://127.0.0.1:1"][..], &[][..]),
        (&["--base-url", "127.0.0.1:4010"][..], &[][..]),
        (&[][..], &[("LLAMA_CLOUD_BASE_URL", "localhost")][..]),
    ] {
        let mut all = vec!["retrieve", "s", "--api-key", KEY];
        all.extend_from_slice(args);
        let out = run_env(&all, env);
        let stderr = failed(&out);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("lcsession: error: "), "{stderr}");
        assert!(stderr.contains("base URL"), "{stderr}");
    }
}

#[test]
fn base_url_from_the_environment() {
    let server = sample_server();
    let base = server.base_url();
    let out = run_env(
        &[
            "retrieve",
            SAMPLE_ID,
            "--format",
            "raw",
            "--max-retries",
            "0",
        ],
        &[
            ("LLAMA_CLOUD_BASE_URL", &base),
            ("LLAMA_PARSE_API_KEY", KEY),
        ],
    );
    assert_eq!(stdout_ok(&out), sample());
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn an_invalid_200_body_names_the_decoder_error_and_writes_nothing() {
    let body = b"{\"session_id\":\"s\",\"last_updated_at\":\"t\",\n\"events\":[{\"type\":\"tool_call\",\"name\":\"x\",\"arguments\":{}}]}";
    let server = Server::script(vec![Reply::json(200, body.to_vec())]);
    let path = temp_path("invalid.json");
    for format in ["raw", "pretty", "transcript"] {
        let out = retrieve(
            &server,
            &["s", "--format", format, "--output", path.to_str().unwrap()],
        );
        let stderr = failed(&out);
        let url = format!("{}/api/v1/chat/s", server.base_url());
        assert_eq!(
            stderr,
            format!(
                "GET \"{url}\": the response is not a valid session: event 0 field `call_id`: \
                 missing at byte 96 (line 2, column 56)\n"
            )
        );
        assert!(!path.exists());
    }
}

#[test]
fn a_truncated_json_body_is_invalid() {
    let server = Server::script(vec![Reply::json(200, r#"{"session_id":"s","events":["#)]);
    let stderr = failed(&retrieve(&server, &["s"]));
    assert!(
        stderr.contains(
            "not a valid session: unexpected end of input at byte 28 (line 1, column 29)"
        ),
        "{stderr}"
    );
}

#[test]
fn timeout_against_a_slow_reply() {
    let server = Server::script(vec![
        Reply::json(200, sample()).delay(Duration::from_secs(3))
    ]);
    let base = server.base_url();
    let started = Instant::now();
    let out = run_env(
        &[
            "retrieve",
            SAMPLE_ID,
            "--base-url",
            &base,
            "--api-key",
            KEY,
            "--max-retries",
            "0",
            "--timeout",
            "0.3",
        ],
        &[],
    );
    let elapsed = started.elapsed();
    let stderr = failed(&out);
    assert!(stderr.starts_with("GET \""), "{stderr}");
    assert!(stderr.contains("timed out"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[test]
fn connection_refused_is_reported() {
    // A port that was just free: bind, note it, release.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let out = run_env(
        &[
            "retrieve",
            "s",
            "--base-url",
            &base,
            "--api-key",
            KEY,
            "--max-retries",
            "0",
        ],
        &[],
    );
    let stderr = failed(&out);
    assert!(
        stderr.starts_with(&format!("GET \"{base}/api/v1/chat/s\": ")),
        "{stderr}"
    );
}

#[test]
fn bad_timeouts_are_usage_errors() {
    for t in ["0", "-1", "abc", "nan"] {
        let out = run_env(&["retrieve", "s", "--api-key", KEY, "--timeout", t], &[]);
        assert_eq!(out.status.code(), Some(2), "{t}");
    }
}

#[test]
fn help_mentions_retrieve_and_the_environment() {
    let out = run_env(&["--help"], &[]);
    let help = text(&stdout_ok(&out));
    assert!(help.contains("retrieve"), "{help}");
    assert!(help.contains("beta:chat"), "{help}");
    let out = run_env(&["retrieve", "--help"], &[]);
    let help = text(&stdout_ok(&out));
    for word in [
        "--session-id",
        "--organization-id",
        "--project-id",
        "--api-key",
        "--base-url",
        "--max-retries",
        "--timeout",
        "--format",
        "--output",
        "--debug",
        "LLAMA_CLOUD_API_KEY",
        "LLAMA_CLOUD_BASE_URL",
    ] {
        assert!(help.contains(word), "{word} missing from {help}");
    }
}

#[test]
fn a_large_body_cut_off_after_many_events_is_fetched_again() {
    // 3 MiB: decoded while it arrives, so thousands of events are decoded before the cut.
    let doc = std::sync::Arc::new(lcsession_gen::long_texts(3 << 20, 5).into_bytes());
    let cut = doc.len() * 4 / 5;
    let server = Server::script(vec![
        Reply::shared(200, doc.clone()).mode(BodyMode::Truncated(cut)),
        Reply::shared(200, doc.clone()),
    ]);
    let base = server.base_url();
    let out = run_env(
        &[
            "retrieve",
            "--base-url",
            &base,
            "--api-key",
            KEY,
            "--max-retries",
            "1",
            "--format",
            "raw",
            "ses-cut",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stdout == *doc);
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn api_key_and_base_url_are_global_options() {
    // As in the official CLI: `llp --api-key KEY --base-url URL beta:chat retrieve ...`.
    let server = Server::script(vec![Reply::json(200, sample()); 3]);
    let base = server.base_url();
    let forms: [&[&str]; 3] = [
        &[
            "--api-key",
            KEY,
            "--base-url",
            &base,
            "beta:chat",
            "retrieve",
            SAMPLE_ID,
        ],
        &["--base-url", &base, "retrieve", "--api-key", KEY, SAMPLE_ID],
        &[
            "beta:chat",
            "--api-key",
            KEY,
            "retrieve",
            "--base-url",
            &base,
            SAMPLE_ID,
        ],
    ];
    for form in forms {
        let mut args = form.to_vec();
        args.extend_from_slice(&["--max-retries", "0", "--format", "raw"]);
        assert_eq!(stdout_ok(&run_env(&args, &[])), sample(), "{form:?}");
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for r in requests {
        assert_eq!(
            r.header("authorization").map(str::to_owned),
            Some(format!("Bearer {KEY}"))
        );
    }
    // `inspect` has no use for them: a usage error, not silently ignored.
    let sample = sample_path();
    for option in ["--api-key", "--base-url"] {
        let out = run_env(&[option, "x", "inspect", sample.to_str().unwrap()], &[]);
        assert_eq!(out.status.code(), Some(2));
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains(&format!("`{option}` applies to `retrieve`, not `inspect`")),
            "{stderr}"
        );
    }
}

#[test]
fn a_header_over_the_capacities_is_said_to_be_so() {
    // A valid session with more index ids than the CLI holds: not called invalid.
    let ids: Vec<String> = (0..300).map(|i| format!("\"idx-{i}\"")).collect();
    let doc = format!(
        r#"{{"events":[],"session_id":"s","last_updated_at":"t","index_ids":[{}]}}"#,
        ids.join(",")
    );
    let server = Server::script(vec![Reply::json(200, doc.as_bytes())]);
    let out = retrieve(&server, &["s"]);
    let stderr = failed(&out);
    assert!(
        stderr.contains("the session does not fit the header capacities: field `index_ids`: does not fit its capacity of 256"),
        "{stderr}"
    );
    assert!(!stderr.contains("not a valid session"), "{stderr}");
}

// ---------------------------------------------------------------- --output targets

/// A new empty directory for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = temp_path(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `retrieve SAMPLE_ID -o output` and checks that it succeeded silently on stderr.
fn retrieve_to(server: &Server, output: &Path) -> Output {
    let out = retrieve(server, &[SAMPLE_ID, "-o", output.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    out
}

#[test]
#[cfg(unix)]
fn output_to_a_symlink_keeps_the_link_and_writes_its_target() {
    let server = sample_server();
    let dir = temp_dir("symlink");
    let target = dir.join("target.json");
    std::fs::write(&target, "old").unwrap();
    let link = dir.join("link.json");
    std::os::unix::fs::symlink("target.json", &link).unwrap();

    let out = retrieve_to(&server, &link);
    assert!(out.stdout.is_empty());
    let meta = std::fs::symlink_metadata(&link).unwrap();
    assert!(meta.file_type().is_symlink(), "the link was replaced");
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("target.json"));
    assert_eq!(std::fs::read(&target).unwrap(), sample());
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names, ["link.json", "target.json"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
#[cfg(target_os = "linux")]
fn output_to_a_link_to_standard_output_writes_into_the_pipe() {
    // Like `-o /dev/stdout` (a link to /proc/self/fd/1), but with a link of our own: the
    // child follows it to its own standard output, a pipe to this test.
    let server = sample_server();
    let dir = temp_dir("stdout");
    let link = dir.join("stdout");
    std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();

    let out = retrieve_to(&server, &link);
    assert!(
        out.stdout == sample(),
        "stdout has {} bytes, not the {} of the body",
        out.stdout.len(),
        sample().len()
    );
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
#[cfg(target_os = "linux")]
fn output_to_standard_output_open_on_a_deleted_file_writes_into_it() {
    // `/proc/self/fd/1` of a child whose standard output is a file that has no name any
    // more: there is nothing to rename over, so the file is written in place.
    use std::io::{Read, Seek};
    let server = sample_server();
    let dir = temp_dir("deleted");
    let path = dir.join("stdout.json");
    let mut file = std::fs::File::options()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .unwrap();
    std::io::Write::write_all(&mut file, b"old content").unwrap();
    std::fs::remove_file(&path).unwrap();

    let out = retrieve_command(&server, &[SAMPLE_ID, "-o", "/proc/self/fd/1"])
        .stdout(file.try_clone().unwrap())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut got = Vec::new();
    file.rewind().unwrap();
    file.read_to_end(&mut got).unwrap();
    assert!(
        got == sample(),
        "the file has {} bytes, not the {} of the body",
        got.len(),
        sample().len()
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn debug_shows_each_redirect() {
    let server = Server::script(vec![
        Reply::new(302, "").header("location", "/api/v1/chat/moved"),
        Reply::json(200, sample()),
    ]);
    let out = retrieve(&server, &[SAMPLE_ID, "--debug", "--format", "raw"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(out.stdout, sample());
    let stderr = text(&out.stderr);
    let hop = format!("* redirected to {}/api/v1/chat/moved\n", server.base_url());
    assert!(stderr.contains(&hop), "{stderr}");
    // A `Location` carrying the key is shown without it.
    let server = Server::script(vec![
        Reply::new(302, "").header("location", &format!("/api/v1/chat/next?k={KEY}")),
        Reply::json(200, sample()),
    ]);
    let out = retrieve(&server, &[SAMPLE_ID, "--debug", "--format", "raw"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(out.stdout, sample());
    let stderr = text(&out.stderr);
    assert!(!stderr.contains(KEY), "{stderr}");
    assert!(
        stderr.contains("/api/v1/chat/next?k=<REDACTED>"),
        "{stderr}"
    );
    // The key went along to the same host, and is not shown.
    assert_eq!(
        server.requests()[1]
            .header("authorization")
            .map(str::to_owned),
        Some(format!("Bearer {KEY}"))
    );
    assert!(!stderr.contains(KEY), "{stderr}");
}
