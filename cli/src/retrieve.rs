//! `lcsession retrieve ID` (also `lcsession beta:chat retrieve`): fetch a session with
//! [`lcsession::client`], validate it, then print it and/or save it.
//!
//! Order of work: configuration (no request is made when it is unusable), the request (with
//! the client's retries) and the validation of the whole body with the CLI's capacities
//! (overlapped: `Client::retrieve_parsed_with` decodes a large body while it arrives),
//! `--output` (the raw bytes, saved as `SessionBody::save` does: a file is replaced
//! atomically, a link's target is written, a FIFO or device is written into), then the
//! printed format. An invalid body therefore writes nothing at all.
//!
//! Secrets: the client never puts the API key in its messages or traces (the
//! `Authorization` header is traced as `Bearer <REDACTED>`), and it replaces the key with
//! `<REDACTED>` in what the server sends back (error bodies, response headers), should the
//! server echo it. `--debug` also hides the values of the headers whose names contain a part
//! in `SECRET_HEADERS` (custom headers can carry tokens too).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};

use lcsession::client::{
    reason_phrase, Client, ClientError, ClientErrorKind, RetrieveOptions, SessionBody, TraceEvent,
    DEFAULT_MAX_RETRIES, REDACTED,
};
use lcsession_core::ParseOptions;

use crate::args::{ApiArgs, RetrieveArgs, RetrieveFormat};
use crate::emit::Emit as _;
use crate::error::CliError;
use crate::inspect::{CliSession, ID_CAPACITY, LIST_CAPACITY, TEXT_CAPACITY};
use crate::json::JsonWriter;
use crate::render_text::{escape_controls, write_text};
use crate::render_value::{write_json, write_yaml};

/// Parts of header names whose values `--debug` never shows, matched case-insensitively
/// anywhere in the name: `Authorization` (which the client already redacts),
/// `Proxy-Authorization`, cookies, and custom headers such as `X-Api-Key` or `X-Proxy-Token`
/// that `LLAMA_CLOUD_CUSTOM_HEADERS` may carry.
const SECRET_HEADERS: &[&str] = &["auth", "cookie", "key", "token", "secret", "password"];

/// Whether `--debug` hides the value of the header `name`.
fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_HEADERS.iter().any(|part| name.contains(part))
}

/// Re-indents `body` when it is exactly one JSON value (validated by lcsession-core).
///
/// The core validates whole sessions only, so the value is placed as an unknown member of a
/// minimal session; it is accepted only if the member's value spans the whole body, which
/// rules out bodies like `1,"x":2` that would otherwise splice into the wrapper.
fn pretty_json(body: &str) -> Option<String> {
    let value_text = body.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
    const PREFIX: &str = r#"{"session_id":"","last_updated_at":"","events":[],"body":"#;
    let doc = format!("{PREFIX}{value_text}}}");
    let session = CliSession::parse(doc.as_bytes()).ok()?;
    let value = session.raw().get("body")?;
    if value.offset() != PREFIX.len() || value.as_raw_str().len() != value_text.len() {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() + 64);
    let mut w = JsonWriter::new(&mut out, true);
    w.raw(value).ok()?;
    String::from_utf8(out).ok()
}

/// The error for a failed `Client::retrieve` (or an invalid body): a request headline plus
/// the response body for HTTP errors, or one line for errors before any request.
fn client_error(error: &ClientError) -> CliError {
    let line = escape_controls(&error.to_string(), false).into_owned();
    if error.request().is_none() {
        return CliError::Message(line);
    }
    let mut details = String::new();
    let http_error = error.status().is_some_and(|s| !(200..300).contains(&s));
    if http_error && error.kind() != ClientErrorKind::InvalidBody {
        if let Some(body) = error.body().filter(|b| !b.trim().is_empty()) {
            let shown = match pretty_json(body) {
                Some(pretty) => pretty,
                None => body.to_owned(),
            };
            details.push_str(&escape_controls(&shown, true));
            if !details.ends_with('\n') {
                details.push('\n');
            }
            if error.body_truncated() {
                details.push_str("(body truncated)\n");
            }
        }
    }
    CliError::Request {
        headline: line,
        details,
    }
}

/// Formats one trace event for `--debug` (curl-like: `>` request, `<` response, `*` notes).
fn debug_text(event: &TraceEvent<'_>, attempts: u64) -> String {
    let mut out = String::new();
    let header = |out: &mut String, mark: &str, name: &str, value: &str| {
        let value = if is_secret_header(name) {
            if name.eq_ignore_ascii_case("authorization") && value.starts_with("Bearer ") {
                "Bearer <REDACTED>".into()
            } else {
                Cow::Borrowed(REDACTED)
            }
        } else {
            Cow::Borrowed(value)
        };
        let _ = writeln!(
            out,
            "{mark} {}: {}",
            escape_controls(name, false),
            escape_controls(&value, false)
        );
    };
    match event {
        TraceEvent::Request {
            attempt,
            url,
            headers,
        } => {
            let _ = writeln!(
                out,
                "> GET {} (attempt {} of {attempts})",
                escape_controls(url, false),
                u64::from(*attempt) + 1
            );
            for (name, value) in headers.iter() {
                header(&mut out, ">", name, value);
            }
        }
        TraceEvent::Redirected { url, .. } => {
            let _ = writeln!(out, "* redirected to {}", escape_controls(url, false));
        }
        TraceEvent::Response {
            status, headers, ..
        } => {
            let _ = writeln!(out, "< {status} {}", reason_phrase(*status));
            for (name, value) in headers.iter() {
                header(&mut out, "<", name, value);
            }
        }
        TraceEvent::Retry {
            attempt,
            delay,
            reason,
        } => {
            let why = reason.to_string();
            let _ = writeln!(
                out,
                "* attempt {} failed: {}; retrying in {:.3} s",
                u64::from(*attempt) + 1,
                escape_controls(&why, false),
                delay.as_secs_f64()
            );
        }
        _ => {}
    }
    out
}

/// Builds the client from the arguments (the environment fills the rest).
fn build_client(args: &RetrieveArgs, api: &ApiArgs) -> Result<Client, CliError> {
    let mut builder = Client::builder();
    if let Some(key) = &api.api_key {
        builder = builder.api_key(key);
    }
    if let Some(url) = &api.base_url {
        builder = builder.base_url(url);
    }
    if let Some(retries) = args.max_retries {
        builder = builder.max_retries(retries);
    }
    if let Some(timeout) = args.timeout {
        // The connect timeout never outlasts the whole attempt's.
        builder = builder
            .timeout(timeout)
            .connect_timeout(timeout.min(lcsession::client::DEFAULT_CONNECT_TIMEOUT));
    }
    if args.debug {
        let attempts = u64::from(args.max_retries.unwrap_or(DEFAULT_MAX_RETRIES)) + 1;
        builder = builder.trace(move |event| {
            let text = debug_text(event, attempts);
            // Debug output is best effort: a closed stderr must not stop the request.
            let _ = io::stderr().lock().write_all(text.as_bytes());
        });
    }
    builder.build().map_err(|e| client_error(&e))
}

/// Runs `retrieve`.
pub fn run(args: &RetrieveArgs, api: &ApiArgs) -> Result<(), CliError> {
    let client = build_client(args, api)?;
    let options = RetrieveOptions {
        organization_id: args.organization_id.clone(),
        project_id: args.project_id.clone(),
    };
    // Decoded while it arrives (a large body on a helper thread), with the CLI's capacities,
    // and retried like `retrieve` (nothing is visited); the body is saved and printed only
    // once all of it is valid.
    client
        .retrieve_parsed_with::<ID_CAPACITY, TEXT_CAPACITY, LIST_CAPACITY, _>(
            args.session_id(),
            &options,
            ParseOptions::default(),
            |body, session| save_and_print(args, body, session),
        )
        .map_err(|e| client_error(&e))?
}

/// `--output`, then the printed format, for a valid body and its session.
fn save_and_print(
    args: &RetrieveArgs,
    body: &SessionBody,
    session: &CliSession<'_>,
) -> Result<(), CliError> {
    if let Some(path) = &args.output {
        body.save(path)
            .map_err(|e| CliError::Message(e.to_string()))?;
    }
    let format = match (args.format, &args.output) {
        (Some(format), _) => format,
        (None, Some(_)) => return Ok(()),
        (None, None) => RetrieveFormat::Pretty,
    };
    let mut out = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    match format {
        RetrieveFormat::Json => write_json(&mut out, session, true)?,
        RetrieveFormat::Pretty => write_json(&mut out, session, false)?,
        RetrieveFormat::Yaml => write_yaml(&mut out, session)?,
        RetrieveFormat::Transcript => write_text(&mut out, session)?,
        RetrieveFormat::Raw => out.write_all(body.as_bytes())?,
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_json_only_for_one_whole_value() {
        assert_eq!(
            pretty_json(" {\"detail\":\"Not Found\",\"n\":[1,2.50]}\n").as_deref(),
            Some("{\n  \"detail\": \"Not Found\",\n  \"n\": [\n    1,\n    2.50\n  ]\n}")
        );
        assert_eq!(pretty_json("\"text\"").as_deref(), Some("\"text\""));
        for not_one_value in [
            "1,\"body\":2",
            "{}, \"x\": 1",
            "<html>",
            "",
            "{\"a\":1",
            "1 2",
        ] {
            assert_eq!(pretty_json(not_one_value), None, "{not_one_value}");
        }
    }

    #[test]
    fn controls_are_escaped() {
        assert_eq!(
            escape_controls("a\u{1b}[31mb\nc\t", true),
            "a\\u001b[31mb\nc\t"
        );
        assert_eq!(escape_controls("a\nb", false), "a\\u000ab");
        assert!(matches!(escape_controls("plain", true), Cow::Borrowed(_)));
    }
}
