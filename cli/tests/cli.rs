//! Whole-binary tests of `lcsession`: they run the built executable.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lcsession");

fn sample_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/data/sample-session.json")
}

fn reference_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reference.json")
}

/// Writes `bytes` to a fresh file under the test scratch directory.
fn temp_file(bytes: &[u8]) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let path =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{}-{n}.json", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Runs the binary with `args`, feeding `stdin`.
fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    // Feed stdin from a thread so a large input cannot deadlock against a full stdout pipe.
    let feeder = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

fn inspect(path: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["inspect", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(&args, b"")
}

fn stdout_ok(out: &Output) -> String {
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
    String::from_utf8(out.stdout.clone()).unwrap()
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

fn parse_json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap()
}

#[test]
fn comparator_is_strict_enough() {
    let a = parse_json(br#"{"x":[1,2.0,"s"],"y":null}"#);
    assert!(same(&a, &parse_json(br#"{"y":null,"x":[1.0,2,"s"]}"#)));
    assert!(!same(&a, &parse_json(br#"{"x":[1,2.5,"s"],"y":null}"#)));
    assert!(!same(&a, &parse_json(br#"{"x":[1,2,"s"]}"#)));
    assert!(!same(&a, &parse_json(br#"{"x":[1,2,"t"],"y":null}"#)));
    assert!(!same(&a, &parse_json(br#"{"x":[1,2,"s"],"y":false}"#)));
}

// ---------------------------------------------------------------- text format

#[test]
fn text_summary_and_transcript_of_the_sample() {
    let text = stdout_ok(&inspect(&sample_path(), &[]));
    assert!(
        text.starts_with("session id:     ses-7f3a9c2e41b8\n"),
        "{text}"
    );
    // The title is stored with `\u2014`: shown decoded.
    assert!(text.contains(
        "\ntitle:          What were the main findings in Q3? Revenue, margins — risk factors\n"
    ));
    assert!(text.contains("\nlast updated:   2026-04-22T12:34:41.342245\n"));
    assert!(text.contains("\nshared access:  read_only\n"));
    assert!(text.contains("\nindex ids:      idx-fin-reports-2025, idx-earnings-calls\n"));
    assert!(text.contains("\n  duration_ms:         41872.6\n"));
    assert!(text.contains("\n  error:               (null)\n"));
    assert!(text.contains("\n  export_config_ids:   exp-1, exp-quarterly-pdf\n"));
    assert!(text.contains("\n  is_error:            false\n"));
    assert!(text.contains("\n  total_input_tokens:  22635\n"));
    assert!(text.contains("\n  total_output_tokens: 1078\n"));
    assert!(text.contains("\n  turns:               3\n"));
    assert!(text.contains(
        "\nevents:         45 (user_input 3, thinking_delta 12, thinking 3, tool_call 3, \
         tool_result 3, text_delta 14, text 3, stop 3, unknown 1); type inferred for 1\n"
    ));
    assert!(text.contains("\nunknown fields: x_trace\n"));

    // User inputs, decoded (escaped quotes, emoji, Chinese).
    assert!(text.contains(
        "#0 user:\n  What were the main findings in our Q3 2025 report? Please focus on revenue, \
         margins and anything unusual in the \"Risk factors\" section.\n"
    ));
    assert!(text.contains("#16 user:\n  How does that compare with Q2?"));
    assert!(text.contains(
        "#32 user:\n  Perfect, thanks! 😀 Could you write a two-sentence summary in Chinese (中文)"
    ));
    // Tool calls with their arguments, the inferred one marked.
    assert!(text.contains("#7 tool call search (call_01JBQ3K9Z2XH)\n  {\"query\":"));
    assert!(text.contains("\"top_k\":8"));
    assert!(text.contains("#37 tool call search (call_01JBQ3R8W5NC) [type inferred]\n"));
    // Tool results abbreviated to 200 characters then `…`.
    let result_line = text
        .lines()
        .skip_while(|l| !l.starts_with("#8 tool result search (call_01JBQ3K9Z2XH)"))
        .nth(1)
        .unwrap();
    assert!(result_line.starts_with("  {\"total_hits\":37,"));
    assert!(result_line.ends_with('…'));
    assert_eq!(result_line.chars().count(), 2 + 200 + 1);
    assert!(text.contains("  image_attachment: doc-7-p22.png from source doc-7\n"));
    // Unknown event with its raw JSON.
    assert!(text.contains(
        "#24 unknown event citation\n  {\"type\":\"citation\",\"source\":\"doc-7\",\"span\":[10,42],\"page\":22}\n"
    ));
    // Final thinking and text, decoded (`\u2013`, `\/`, `\\`).
    assert!(text.contains("#6 thinking:\n  The user is asking about the Q3 2025 report."));
    assert!(
        text.contains("(July–September).\n\n  Plan:\n  1. search for revenue / margin figures\n")
    );
    assert!(text.contains("#14 assistant:\n  Here are the main findings"));
    assert!(text.contains("(`C:\\reports\\2025\\Q3\\10-Q.pdf`)"));
    // Stops with usage and error.
    assert!(text.contains(
        "#15 stop: is_error=false\n  usage: duration_ms=15342.8 total_input_tokens=6120 \
         total_output_tokens=412 turns=1\n  error: (null)\n"
    ));
    assert!(text.contains(
        "#31 stop: is_error=false\n  usage: duration_ms=12950.4 total_input_tokens=7480 \
         total_output_tokens=365 turns=1\n  error: index \"idx-earnings-calls\" timed out after \
         30s; results may be incomplete\n  skipped_index_ids: idx-earnings-calls\n"
    ));
    // Every delta run is followed by its full event, so no delta is shown on its own: the
    // delta texts appear only inside the full blocks.
    let transcript = text.split("\ntranscript:\n").nth(1).unwrap();
    assert!(!transcript.contains("delta"), "{transcript}");
    assert_eq!(text.matches("I should search both indexes").count(), 1);
    assert_eq!(text.matches("Hope this helps 😀").count(), 1);
    // Blank lines inside texts are not padded with the indentation.
    assert!(text.lines().all(|l| !l.ends_with(' ')), "{text}");
}

#[test]
fn delta_runs_are_merged_when_no_full_event_follows() {
    let doc = br#"{"session_id":"s","last_updated_at":"t","events":[
      {"type":"user_input","content":"hi"},
      {"type":"thinking_delta","content":"Let me "},
      {"type":"thinking_delta","content":"think\n"},
      {"type":"thinking_delta","content":"hard."},
      {"type":"tool_call","call_id":"c","name":"n","arguments":{"a":"\u00e9"}},
      {"type":"text_delta","content":"superseded "},
      {"type":"text_delta","content":"part"},
      {"type":"text","content":"the full text"},
      {"type":"text_delta","content":"Caf\u00e9 "},
      {"type":"text_delta","content":"\ud83d\ude00"},
      {"type":"stop","error":null,"is_error":true,"usage":{}},
      {"type":"text_delta","content":"tail"}
    ]}"#;
    let text = stdout_ok(&inspect(&temp_file(doc), &[]));
    let transcript = text.split("transcript:\n").nth(1).unwrap();
    assert_eq!(
        transcript,
        "\n#0 user:\n  hi\n\
         #1-#3 thinking (3 deltas):\n  Let me think\n  hard.\n\
         #4 tool call n (c)\n  {\"a\":\"é\"}\n\
         #7 assistant:\n  the full text\n\
         #8-#9 assistant (2 deltas):\n  Café 😀\n\
         #10 stop: is_error=true\n  usage: (empty)\n  error: (null)\n\
         #11 assistant (1 delta):\n  tail\n"
    );
}

#[test]
fn text_shows_missing_and_null_header_fields_differently() {
    let doc = br#"{"session_id":"s","last_updated_at":"t","events":[{"content":"x"}],
      "generated_title":null,"job_metadata":{"error":null,"turns":2,"x":1}}"#;
    let text = stdout_ok(&inspect(&temp_file(doc), &[]));
    assert!(text.contains("\ntitle:          (null)\n"), "{text}");
    assert!(text.contains("\nshared access:  (none)\n"));
    assert!(text.contains("\nindex ids:      (none)\n"));
    assert!(text.contains("\n  duration_ms:         (none)\n"));
    assert!(text.contains("\n  error:               (null)\n"));
    assert!(text.contains("\n  turns:               2\n"));
    assert!(text.contains("\nevents:         1 (untyped 1)\n"));
    assert!(text.contains("\nunknown fields: (none)\n"));
    assert!(text.contains("#0 untyped event\n  {\"content\":\"x\"}\n"));

    let doc = br#"{"session_id":"s","last_updated_at":"t","events":[],"job_metadata":null,
      "index_ids":[]}"#;
    let text = stdout_ok(&inspect(&temp_file(doc), &[]));
    assert!(text.contains("\ntitle:          (none)\n"), "{text}");
    assert!(text.contains("\njob metadata:   (null)\n"));
    assert!(text.contains("\nindex ids:      (empty)\n"));
    assert!(text.contains("\nevents:         0\n"));
}

#[test]
fn text_escapes_terminal_control_characters() {
    let doc = br#"{"session_id":"s","last_updated_at":"t","events":[
      {"type":"user_input","content":"\u001b[2Jgone\r"},
      {"type":"text","content":""}]}"#;
    let text = stdout_ok(&inspect(&temp_file(doc), &[]));
    assert!(
        text.contains("#0 user:\n  \\u001b[2Jgone\\u000d\n"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'));
    // An empty text is an empty line, without trailing spaces.
    assert!(text.ends_with("#1 assistant:\n\n"), "{text}");
    // Characters that reorder or break what a terminal shows are escaped too, in the header
    // and in texts; ordinary non-ASCII text is not.
    let doc = br#"{"session_id":"\u202egnp.exe","last_updated_at":"t","events":[
      {"type":"text","content":"a\u2028b\u2029c\u2066d\u200fe \u00e9\u20ac"}]}"#;
    let text = stdout_ok(&inspect(&temp_file(doc), &[]));
    assert!(text.contains("\\u202egnp.exe"), "{text}");
    assert!(
        text.contains("a\\u2028b\\u2029c\\u2066d\\u200fe \u{e9}\u{20ac}"),
        "{text}"
    );
    for c in ['\u{202e}', '\u{2028}', '\u{2029}', '\u{2066}', '\u{200f}'] {
        assert!(!text.contains(c), "{c:?} in {text}");
    }
}

// ---------------------------------------------------------------- json format

/// `--format json` (pretty and compact) parses to the same JSON as `input`.
fn assert_json_round_trip(input: &[u8]) {
    let expected = parse_json(input);
    let path = temp_file(input);
    for extra in [&[][..], &["--compact"][..]] {
        let mut args = vec!["--format", "json"];
        args.extend_from_slice(extra);
        let out = stdout_ok(&inspect(&path, &args));
        assert!(out.ends_with('\n'));
        assert_eq!(
            out.lines().count() == 1,
            !extra.is_empty(),
            "layout with {extra:?}"
        );
        let got = parse_json(out.as_bytes());
        assert!(same(&expected, &got), "round trip differs with {extra:?}");
    }
}

#[test]
fn json_round_trips_the_sample() {
    let input = std::fs::read(sample_path()).unwrap();
    assert_json_round_trip(&input);
    // The sample is pretty-printed with 2-space indentation like our output, so apart from
    // escapes the layout is the same line for line.
    let out = stdout_ok(&inspect(&sample_path(), &["--format", "json"]));
    assert_eq!(
        out.lines().count(),
        input.split(|&b| b == b'\n').count() - 1
    );
    assert!(out.starts_with("{\n  \"events\": [\n    {\n      \"type\": \"user_input\",\n"));
    // Strings are decoded then re-escaped: no needless escapes remain, required ones do.
    assert!(out.contains("(July–September)"));
    assert!(out.contains("revenue / margin"));
    assert!(out.contains(r#""file_path": "C:\\reports\\2025\\Q3\\10-Q.pdf""#));
    // Numbers keep their original text.
    assert!(out.contains("\"max_candidates\": 2E+2"));
    assert!(out.contains("\"duration_ms\": 41872.6"));
}

#[test]
fn json_round_trips_the_reference_example() {
    let input = std::fs::read(reference_path()).unwrap();
    assert_json_round_trip(&input);
    let out = stdout_ok(&inspect(
        &reference_path(),
        &["--format", "json", "--compact"],
    ));
    // Same key order and number text as the reference: byte-identical.
    assert_eq!(
        out.trim_end().as_bytes(),
        input.strip_suffix(b"\n").unwrap_or(&input)
    );
}

#[test]
fn json_round_trips_generated_long_texts() {
    let input = lcsession_gen::long_texts(200_000, 7);
    assert!(
        input.contains("\\ud83d"),
        "the input should hold surrogate pairs"
    );
    assert_json_round_trip(input.as_bytes());
}

#[test]
fn json_round_trips_generated_many_deltas() {
    let input = lcsession_gen::many_deltas(200_000, 7);
    assert!(input.contains('\\'), "the input should hold escapes");
    assert_json_round_trip(input.as_bytes());
}

#[test]
fn json_keeps_missing_and_null_apart() {
    let doc = br#"{"session_id":"ses-1","last_updated_at":"t","generated_title":null,
      "job_metadata":{"duration_ms":null,"error":null,"turns":0,"extra":{"k":[1,2]}},
      "events":[
        {"type":null,"call_id":"c","name":"n","arguments":{}},
        {"type":"tool_result","call_id":"c","name":"n","result":null,"image_attachment":null},
        {"type":"tool_result","call_id":"c","name":"n","result":[],
         "image_attachment":{"attachment_name":"a","source_id":"s","w":3}},
        {"type":"stop","error":null,"is_error":false,
         "usage":{"duration_ms":null,"turns":1,"cost":1.5e0},"skipped_index_ids":null},
        {"t\u0079pe":"te\u0078t","con\u0074ent":"escaped keys","extra":true}
      ]}"#;
    assert_json_round_trip(doc);
    let out = stdout_ok(&inspect(
        &temp_file(doc),
        &["--format", "json", "--compact"],
    ));
    let v = parse_json(out.as_bytes());
    let obj = v.as_object().unwrap();
    assert!(obj["generated_title"].is_null());
    assert!(!obj.contains_key("index_ids"));
    assert!(!obj.contains_key("shared_access"));
    let job = obj["job_metadata"].as_object().unwrap();
    assert!(job["duration_ms"].is_null());
    assert!(!job.contains_key("is_error"));
    assert!(!job.contains_key("export_config_ids"));
    let events = obj["events"].as_array().unwrap();
    assert!(events[0]["type"].is_null());
    assert!(events[1]["image_attachment"].is_null());
    assert_eq!(events[2]["image_attachment"]["w"], 3);
    assert!(!events[3]["usage"]
        .as_object()
        .unwrap()
        .contains_key("total_input_tokens"));
    assert!(events[3]["skipped_index_ids"].is_null());
    assert_eq!(events[4]["type"], "text");
    assert_eq!(events[4]["content"], "escaped keys");
    // Header order as written, unknown member of job_metadata kept.
    assert!(out.starts_with(r#"{"session_id":"ses-1","last_updated_at":"t","generated_title":null,"job_metadata":{"duration_ms":null,"error":null,"turns":0,"extra":{"k":[1,2]}},"#));

    // And the missing counterpart: nothing invented.
    let doc = br#"{"events":[],"session_id":"s","last_updated_at":"t"}"#;
    let out = stdout_ok(&inspect(
        &temp_file(doc),
        &["--format", "json", "--compact"],
    ));
    assert_eq!(
        out,
        "{\"events\":[],\"session_id\":\"s\",\"last_updated_at\":\"t\"}\n"
    );
}

#[test]
fn json_pretty_layout_of_small_documents() {
    let doc =
        br#"{"events":[],"session_id":"s","last_updated_at":"t","index_ids":[],"job_metadata":{}}"#;
    let out = stdout_ok(&inspect(&temp_file(doc), &["--format", "json"]));
    assert_eq!(
        out,
        "{\n  \"events\": [],\n  \"session_id\": \"s\",\n  \"last_updated_at\": \"t\",\n  \
         \"index_ids\": [],\n  \"job_metadata\": {}\n}\n"
    );
}

// ---------------------------------------------------------------- yaml format

/// `--format yaml` reads back (with a YAML parser) as the same data as `input`.
fn assert_yaml_round_trip(input: &[u8]) -> String {
    let out = stdout_ok(&inspect(&temp_file(input), &["--format", "yaml"]));
    assert!(out.ends_with('\n'));
    let got: Value = serde_norway::from_str(&out).unwrap();
    assert!(same(&parse_json(input), &got), "YAML round trip differs");
    out
}

#[test]
fn yaml_round_trips_the_sample() {
    let out = assert_yaml_round_trip(&std::fs::read(sample_path()).unwrap());
    assert!(out.starts_with("events:\n  - type: \"user_input\"\n    content: \"What were"));
    // Decoded strings, re-escaped for YAML; numbers as written, exponents made YAML 1.1-proof.
    assert!(out.contains("(July–September)"));
    assert!(out.contains("file_path: \"C:\\\\reports\\\\2025"));
    assert!(out.contains("max_candidates: 2.0E+2\n"));
    assert!(out.contains("duration_ms: 41872.6\n"));
    // Nested arrays of objects in block style.
    assert!(out.contains("      hits:\n        - doc_id: "));
}

#[test]
fn yaml_round_trips_the_reference_example() {
    assert_yaml_round_trip(&std::fs::read(reference_path()).unwrap());
}

#[test]
fn yaml_round_trips_generated_sessions() {
    for input in [
        lcsession_gen::long_texts(200_000, 7),
        lcsession_gen::many_deltas(200_000, 7),
    ] {
        assert_yaml_round_trip(input.as_bytes());
    }
}

#[test]
fn yaml_keeps_types_and_awkward_keys() {
    let doc = br##"{"session_id":"no","last_updated_at":"1.5","generated_title":null,
      "index_ids":[],"job_metadata":{},"y":"true","":{"a b":[[],{},[1,[2]]]},
      "events":[{"type":"tool_call","call_id":"null","name":"~","arguments":{"on":"0x1f",
        "k":["-","? x",": y","# z","*a","&b","!c","|","%d","@e","`f","'g'","\u0085\u2028",
        "line\nbreak","\t"," lead","trail ",""],
        "n":[1e5,-0,1.0,8.65e5,12345678901234567]}}]}"##;
    let out = assert_yaml_round_trip(doc);
    assert!(out.contains("\"y\": \"true\"\n"), "{out}");
    assert!(out.contains("index_ids: []\n"), "{out}");
    assert!(out.contains("job_metadata: {}\n"), "{out}");
}

// ---------------------------------------------------------------- events format

#[test]
fn events_format_has_one_line_per_event() {
    let separators = br#"{"session_id":"s","last_updated_at":"t","events":[
      {"type":"text","content":"a\u2028b\u2029c\u0085d"},{"type":"x","y":"\u2028"}]}"#;
    for input in [
        std::fs::read(sample_path()).unwrap(),
        lcsession_gen::many_deltas(100_000, 3).into_bytes(),
        separators.to_vec(),
    ] {
        let expected = parse_json(&input);
        let expected = expected["events"].as_array().unwrap();
        let out = stdout_ok(&inspect(&temp_file(&input), &["--format", "events"]));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), expected.len());
        // No line break of any kind inside a record (`str::lines` splits at `\n` only).
        assert!(!out.contains(['\u{85}', '\u{2028}', '\u{2029}']));
        for (i, (line, want)) in lines.iter().zip(expected).enumerate() {
            assert!(
                line.starts_with('{') && line.ends_with('}'),
                "line {i}: {line}"
            );
            assert!(
                same(&parse_json(line.as_bytes()), want),
                "event {i} differs: {line}"
            );
        }
    }
}

// ---------------------------------------------------------------- stdin, pipes, usage

#[test]
fn stdin_dash_reads_standard_input() {
    let input = std::fs::read(sample_path()).unwrap();
    let from_stdin = run(&["inspect", "-", "--format", "json"], &input);
    let from_file = inspect(&sample_path(), &["--format", "json"]);
    assert_eq!(stdout_ok(&from_stdin), stdout_ok(&from_file));
    let text = stdout_ok(&run(&["inspect", "-"], &input));
    assert!(text.starts_with("session id:     ses-7f3a9c2e41b8\n"));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let input = lcsession_gen::many_deltas(2_000_000, 1);
    let path = temp_file(input.as_bytes());
    for format in ["text", "json", "yaml", "events"] {
        let mut child = Command::new(BIN)
            .args(["inspect", path.to_str().unwrap(), "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 16];
        stdout.read_exact(&mut first).unwrap();
        drop(stdout); // like `| head -c 16`
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{format}: {:?}", out.status);
        assert!(
            out.stderr.is_empty(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let out = run(&["inspect", "x.json", "--format", "xml"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let out = run(&["inspect", "x.json", "--max-depth", "0"], b"");
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["inspect"], b"");
    assert_eq!(out.status.code(), Some(2));
    // `--compact` where there is no compact form: named, with the usage of `inspect`.
    let sample = sample_path();
    let sample = sample.to_str().unwrap();
    for format in ["text", "yaml"] {
        let out = run(&["inspect", sample, "--format", format, "--compact"], b"");
        assert_eq!(out.status.code(), Some(2), "{format}");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!(
                "`--compact` applies to `--format json` (and `events`), not `--format {format}`"
            )),
            "{err}"
        );
        assert!(err.contains("Usage: lcsession inspect"), "{err}");
    }
    for format in ["json", "events"] {
        let out = run(&["inspect", sample, "--format", format, "--compact"], b"");
        assert_eq!(out.status.code(), Some(0), "{format}");
    }
}

// ---------------------------------------------------------------- bad input

/// Runs `inspect` on `input` and returns the single stderr line, checking exit 1 and no stdout.
fn one_error_line(input: &[u8], extra: &[&str]) -> (String, String) {
    let path = temp_file(input);
    let out = inspect(&path, extra);
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.ends_with('\n'));
    (err.trim_end().to_owned(), path.to_str().unwrap().to_owned())
}

#[test]
fn truncated_input() {
    let input = std::fs::read(sample_path()).unwrap();
    let (err, path) = one_error_line(&input[..1000], &[]);
    assert_eq!(
        err,
        format!("lcsession: error: {path}:29:152: event 6: unexpected end of input (byte 1000)")
    );
    let (err, path) = one_error_line(b"{\"events\":[", &[]);
    assert_eq!(
        err,
        format!("lcsession: error: {path}:1:12: unexpected end of input (byte 11)")
    );
}

#[test]
fn invalid_escape() {
    let doc =
        br#"{"events":[{"type":"text","content":"a\x"}],"session_id":"s","last_updated_at":"t"}"#;
    let (err, path) = one_error_line(doc, &[]);
    assert_eq!(
        err,
        format!(
            "lcsession: error: {path}:1:39: event 0: invalid escape sequence in string (byte 38)"
        )
    );
}

#[test]
fn lone_surrogate() {
    let doc = "{\"events\":[\n  {\"type\":\"text\",\"content\":\"é \\ud800 x\"}],\"session_id\":\"s\",\"last_updated_at\":\"t\"}";
    let (err, path) = one_error_line(doc.as_bytes(), &[]);
    // Line 2; the column counts `é` as one character, the offset as two bytes.
    assert_eq!(doc.lines().nth(1).unwrap().find("\\ud800"), Some(31));
    let offset = doc.find("\\ud800").unwrap();
    assert_eq!(offset, 43);
    assert_eq!(
        err,
        format!(
            "lcsession: error: {path}:2:31: event 0: lone UTF-16 surrogate in \\u escape (byte 43)"
        )
    );
}

#[test]
fn trailing_garbage() {
    let doc = b"{\"events\":[],\"session_id\":\"s\",\"last_updated_at\":\"t\"}\n\n  x";
    let (err, path) = one_error_line(doc, &[]);
    assert_eq!(
        err,
        format!(
            "lcsession: error: {path}:3:3: trailing characters after the session object (byte 56)"
        )
    );
}

#[test]
fn wrong_type() {
    let doc = b"{\"events\":[],\n\"session_id\": 5,\"last_updated_at\":\"t\"}";
    let (err, path) = one_error_line(doc, &[]);
    assert_eq!(
        err,
        format!("lcsession: error: {path}:2:15: field `session_id`: expected a string (byte 28)")
    );
}

#[test]
fn missing_fields() {
    let doc = br#"{"events":[],"session_id":"s"}"#;
    let (err, path) = one_error_line(doc, &[]);
    assert_eq!(
        err,
        format!("lcsession: error: {path}:1:30: field `last_updated_at`: missing (byte 29)")
    );
    let doc = b"{\"events\":[{\"type\":\"tool_call\",\"name\":\"x\",\"arguments\":{}}],\n\"session_id\":\"s\",\"last_updated_at\":\"t\"}";
    let (err, path) = one_error_line(doc, &[]);
    assert_eq!(
        err,
        format!("lcsession: error: {path}:1:57: event 0 field `call_id`: missing (byte 56)")
    );
}

#[test]
fn invalid_utf8() {
    let doc = b"{\"events\":[],\"session_id\":\"s\xff\",\"last_updated_at\":\"t\"}";
    let (err, path) = one_error_line(doc, &[]);
    assert_eq!(
        err,
        format!("lcsession: error: {path}:1:29: invalid UTF-8 (byte 28)")
    );
    // Through stdin the file is named `<stdin>`.
    let out = run(&["inspect", "-"], doc);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "lcsession: error: <stdin>:1:29: invalid UTF-8 (byte 28)\n"
    );
}

#[test]
fn nesting_beyond_max_depth() {
    // Session (1) > events (2) > event (3) > arguments (4) > 6 more arrays (10).
    let doc = br#"{"events":[{"type":"tool_call","call_id":"c","name":"n","arguments":{"a":[[[[[["deep"]]]]]]}}],"session_id":"s","last_updated_at":"t"}"#;
    // Accepted at the default limit and at exactly 10.
    stdout_ok(&inspect(&temp_file(doc), &[]));
    stdout_ok(&inspect(&temp_file(doc), &["--max-depth", "10"]));
    let (err, path) = one_error_line(doc, &["--max-depth", "9"]);
    let tenth = doc.windows(6).position(|w| w == b"[[[[[[").unwrap() + 5;
    assert_eq!(
        err,
        format!(
            "lcsession: error: {path}:1:{}: event 0: nesting deeper than 9 levels (byte {tenth})",
            tenth + 1
        )
    );
    // The sample's deepest values are rejected with a small limit.
    let out = inspect(&sample_path(), &["--max-depth", "5"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.ends_with(
            "sample-session.json:43:24: event 7: nesting deeper than 5 levels (byte 1506)\n"
        ),
        "{err}"
    );
    // Very deep input (session, events, event, then 253 arrays: exactly the hard limit of
    // 256): no stack problem in the JSON writer.
    // serde_json cannot read this deep, but the input is compact and has no escapes, so the
    // compact output must be byte-identical.
    let mut deep =
        String::from(r#"{"events":[{"type":"tool_result","call_id":"c","name":"n","result":"#);
    deep.push_str(&"[".repeat(253));
    deep.push_str(&"]".repeat(253));
    deep.push_str(r#"}],"session_id":"s","last_updated_at":"t"}"#);
    let out = run(&["inspect", "-", "--format", "json"], deep.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("nesting deeper than 128 levels"));
    let args = [
        "inspect",
        "-",
        "--format",
        "json",
        "--compact",
        "--max-depth",
        "256",
    ];
    let out = run(&args, deep.as_bytes());
    assert_eq!(stdout_ok(&out), format!("{deep}\n"));
    let out = run(&["inspect", "-", "--max-depth", "256"], deep.as_bytes());
    assert!(stdout_ok(&out).contains("#0 tool result n (c)\n  [[[[[[[["));
    deep.insert(deep.find(']').unwrap(), '[');
    deep.insert(deep.find(']').unwrap(), ']');
    let out = run(&args, deep.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("nesting deeper than 256 levels"));
}

#[test]
fn depth_errors_point_at_the_bracket() {
    let doc =
        br#"{"events":[{"type":"text","content":"a"}],"session_id":"s","last_updated_at":"t"}"#;
    let (err, path) = one_error_line(doc, &["--max-depth", "1"]);
    assert_eq!(
        err,
        format!("lcsession: error: {path}:1:11: nesting deeper than 1 level (byte 10)")
    );
    let (err, path) = one_error_line(doc, &["--max-depth", "2"]);
    assert_eq!(
        err,
        format!("lcsession: error: {path}:1:12: event 0: nesting deeper than 2 levels (byte 11)")
    );
}

#[test]
fn a_file_name_with_a_newline_gives_one_error_line() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-nl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad\nname\u{202e}.json");
    std::fs::write(&path, b"{").unwrap();
    let out = run(&["inspect", path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("bad\\u000aname\\u202e.json:1:2: "), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn nonexistent_file() {
    let out = run(&["inspect", "/nonexistent/dir/session.json"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("lcsession: error: /nonexistent/dir/session.json: "),
        "{err}"
    );
    // A directory is unreadable too.
    let out = run(&["inspect", env!("CARGO_MANIFEST_DIR")], b"");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8(out.stderr).unwrap().lines().count(), 1);
}
