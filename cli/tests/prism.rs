//! The Rust client and `lcsession retrieve` against a Prism mock of `api/openapi.yaml`, the
//! way the official SDKs test (`TEST_API_BASE_URL`, Prism on 127.0.0.1:4010).
//!
//! Ignored by default: `.ci/prism.sh` starts Prism and runs
//! `TEST_API_BASE_URL=http://127.0.0.1:4010 cargo test -p lcsession-cli --test prism -- --ignored`.
//! The mock answers every well-formed request with the 200 example of the description;
//! `Prefer: code=404` (or 401, 422) selects another documented response.

use std::process::Command;

use lcsession::client::{Client, ClientErrorKind, RetrieveOptions};
use lcsession_core::{EventBody, EventType, Field};

const BIN: &str = env!("CARGO_BIN_EXE_lcsession");
/// The session id of the description's 200 example.
const EXAMPLE_ID: &str = "ses-7f3a9c2e41b8";

fn base_url() -> String {
    std::env::var("TEST_API_BASE_URL").unwrap_or_else(|_| {
        panic!("set TEST_API_BASE_URL to the Prism mock's URL (see .ci/prism.sh)")
    })
}

/// A client for the mock that ignores the developer's environment.
fn client(extra: &[(&str, &str)]) -> Client {
    let mut builder = Client::builder()
        .api_key("test")
        .base_url(base_url())
        .max_retries(0)
        .env(|_| None);
    for (name, value) in extra {
        builder = builder.header(*name, *value);
    }
    builder.build().unwrap()
}

fn options() -> RetrieveOptions {
    RetrieveOptions {
        organization_id: Some("org-1".into()),
        project_id: Some("prj-1".into()),
    }
}

#[test]
#[ignore = "needs a Prism mock: run .ci/prism.sh"]
fn the_mock_session_is_valid_and_complete() {
    let body = client(&[]).retrieve(EXAMPLE_ID, &options()).unwrap();
    assert_eq!(body.status(), 200);
    let session = body.parse().unwrap();
    let header = session.header();
    assert_eq!(header.session_id.as_str(), EXAMPLE_ID);
    assert_eq!(
        header.last_updated_at.as_str(),
        "2026-04-22T12:34:41.342245"
    );
    assert!(matches!(header.generated_title, Field::Present(ref t) if t.contains('\u{2014}')));
    assert!(matches!(header.index_ids, Field::Present(ref ids) if ids.len() == 2));
    let Field::Present(job) = &header.job_metadata else {
        panic!("job_metadata: {:?}", header.job_metadata)
    };
    assert_eq!(job.turns, Field::Present(1));
    assert!(job.error.is_null());
    assert!(session.unknown_fields().next().is_none());

    // All eight types, each tagged, none unknown.
    let mut seen = Vec::new();
    for event in session.events() {
        assert!(!event.inferred, "event {} has no type", event.index);
        let t = event.event_type();
        assert!(
            !matches!(t, EventType::Unknown | EventType::Untyped),
            "event {}: {t:?}",
            event.index
        );
        if !seen.contains(&t) {
            seen.push(t);
        }
        if let EventBody::ToolCall(call) = &event.body {
            assert_eq!(call.arguments.get("top_k").unwrap().as_u64(), Ok(8));
        }
        if let EventBody::ToolResult(result) = &event.body {
            assert!(matches!(result.image_attachment, Field::Present(_)));
        }
    }
    assert_eq!(seen.len(), 8, "{seen:?}");
    assert_eq!(session.event_count(), 10);
}

#[test]
#[ignore = "needs a Prism mock: run .ci/prism.sh"]
fn retrieve_visiting_gives_the_same_session() {
    let body = client(&[]).retrieve(EXAMPLE_ID, &options()).unwrap();
    let want = body.parse().unwrap();
    let mut visited = Vec::new();
    let got = client(&[])
        .retrieve_visiting(
            EXAMPLE_ID,
            &options(),
            lcsession_core::ParseOptions::default(),
            |e| visited.push(format!("{e:?}")),
        )
        .unwrap();
    assert_eq!(got.session().header(), want.header());
    assert_eq!(got.session().event_count(), 10);
    let events: Vec<String> = want.events().map(|e| format!("{e:?}")).collect();
    assert_eq!(visited, events);
}

#[test]
#[ignore = "needs a Prism mock: run .ci/prism.sh"]
fn a_hostile_id_reaches_the_mock_as_one_segment() {
    let body = client(&[]).retrieve("a/b?c#d e%", &options()).unwrap();
    assert!(body
        .url()
        .ends_with("/api/v1/chat/a%2Fb%3Fc%23d%20e%25?organization_id=org-1&project_id=prj-1"));
    assert!(body.parse().unwrap().event_count() > 0);
}

#[test]
#[ignore = "needs a Prism mock: run .ci/prism.sh"]
fn documented_error_responses() {
    let cases = [
        ("404", ClientErrorKind::NotFound, "Session not found"),
        (
            "422",
            ClientErrorKind::UnprocessableEntity,
            "\"loc\":[\"query\",\"project_id\"]",
        ),
        (
            "401",
            ClientErrorKind::Authentication,
            "Invalid authentication credentials",
        ),
    ];
    for (code, kind, needle) in cases {
        let prefer = format!("code={code}");
        let err = client(&[("Prefer", &prefer)])
            .retrieve(EXAMPLE_ID, &options())
            .unwrap_err();
        assert_eq!(err.kind(), kind, "{code}: {err}");
        assert_eq!(err.status().map(|s| s.to_string()).as_deref(), Some(code));
        assert_eq!(err.attempts(), 1);
        let body = err.body().unwrap_or_default();
        assert!(body.contains(needle), "{code}: {body}");
        assert!(err
            .to_string()
            .starts_with(&format!("GET \"{}/api/v1/chat/", base_url())));
    }
}

#[test]
#[ignore = "needs a Prism mock: run .ci/prism.sh"]
fn a_wrong_auth_scheme_is_refused() {
    // Replacing the bearer token breaks the description's security requirement.
    let err = client(&[("Authorization", "Basic dGVzdDp0ZXN0")])
        .retrieve(EXAMPLE_ID, &options())
        .unwrap_err();
    assert_eq!(err.kind(), ClientErrorKind::Authentication, "{err}");
}

#[test]
#[ignore = "needs a Prism mock: run .ci/prism.sh"]
fn the_cli_prints_the_transcript() {
    let out = Command::new(BIN)
        .args([
            "retrieve",
            "--base-url",
            &base_url(),
            "--api-key",
            "test",
            "--max-retries",
            "0",
            EXAMPLE_ID,
            "--format",
            "transcript",
        ])
        .env_remove("LLAMA_CLOUD_CUSTOM_HEADERS")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(&format!("session id:     {EXAMPLE_ID}\n")),
        "{text}"
    );
    assert!(text.contains("\ntranscript:\n"), "{text}");
    assert!(text.contains("search_indexes"), "{text}");
}
