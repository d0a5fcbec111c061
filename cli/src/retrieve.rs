//! `lcsession retrieve ID` (also `lcsession beta:chat retrieve`): fetch a session with
//! [`lcsession::client`], validate it, then print it and/or save it.
//!
//! Order of work: configuration (no request is made when it is unusable), the request (with
//! the client's retries), validation of the whole body with the CLI's capacities, `--output`
//! (atomic save of the raw bytes), then the printed format. An invalid body therefore writes
//! nothing at all.
//!
//! Secrets: the client never puts the API key in its messages or traces (the
//! `Authorization` header is traced as `Bearer <REDACTED>`). What the server sends back
//! (error bodies, response headers) is not under our control, so every text printed on
//! stderr also has the key (from `--api-key` or the environment) replaced by `<REDACTED>`.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};
use std::sync::Arc;

use lcsession::client::{
    Client, ClientError, ClientErrorKind, RetrieveOptions, TraceEvent, DEFAULT_MAX_RETRIES,
    ENV_API_KEY, ENV_PARSE_API_KEY,
};
use lcsession_core::ParseOptions;

use crate::args::{RetrieveArgs, RetrieveFormat};
use crate::error::CliError;
use crate::inspect::{CliSession, ID_CAPACITY, LIST_CAPACITY, TEXT_CAPACITY};
use crate::json::JsonWriter;
use crate::render_json::write_json;
use crate::render_text::write_text;

/// Header names whose values `--debug` never shows (besides `Authorization`, which the
/// client already redacts).
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "api-key",
];

/// The replacement for secrets in anything printed on stderr.
const REDACTED: &str = "<REDACTED>";

/// Secrets shorter than this are not searched for in server texts: replacing every
/// occurrence of a two-letter "key" would garble the output and protect nothing.
const MIN_SECRET_LEN: usize = 6;

/// Replaces known secrets (the API key candidates) in texts we did not write ourselves.
#[derive(Debug, Clone, Default)]
struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    /// The key given on the command line and the keys in the environment variables the
    /// client reads.
    fn new(explicit: Option<&str>) -> Self {
        let mut secrets: Vec<String> = explicit.map(str::to_owned).into_iter().collect();
        for name in [ENV_API_KEY, ENV_PARSE_API_KEY] {
            if let Ok(value) = std::env::var(name) {
                secrets.push(value);
            }
        }
        secrets.retain(|s| s.len() >= MIN_SECRET_LEN);
        // Longest first, so a key containing another is replaced whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Redactor { secrets }
    }

    fn apply<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut text = Cow::Borrowed(text);
        for secret in &self.secrets {
            if text.contains(secret.as_str()) {
                text = Cow::Owned(text.replace(secret.as_str(), REDACTED));
            }
        }
        text
    }
}

/// Makes server-provided text safe for a terminal: control characters other than newline
/// and tab are shown as `\uXXXX` (when `keep_newlines` is false, newlines too).
fn escape_controls(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let keep = |c: char| c == '\t' || (keep_newlines && c == '\n') || !c.is_control();
    if text.chars().all(keep) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if keep(c) {
            out.push(c);
        } else {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        }
    }
    Cow::Owned(out)
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
fn client_error(error: &ClientError, redactor: &Redactor) -> CliError {
    let line = escape_controls(&redactor.apply(&error.to_string()), false).into_owned();
    if error.request().is_none() {
        return CliError::Message(line);
    }
    let mut details = String::new();
    let http_error = error.status().is_some_and(|s| !(200..300).contains(&s));
    if http_error && error.kind() != ClientErrorKind::InvalidBody {
        if let Some(body) = error.body().filter(|b| !b.trim().is_empty()) {
            let body = redactor.apply(body);
            let shown = match pretty_json(&body) {
                Some(pretty) => pretty,
                None => body.into_owned(),
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
fn debug_text(event: &TraceEvent<'_>, attempts: u64, redactor: &Redactor) -> String {
    let mut out = String::new();
    let header = |out: &mut String, mark: &str, name: &str, value: &str| {
        let value = if SECRET_HEADERS.iter().any(|s| name.eq_ignore_ascii_case(s)) {
            if name.eq_ignore_ascii_case("authorization") && value.starts_with("Bearer ") {
                "Bearer <REDACTED>".into()
            } else {
                Cow::Borrowed(REDACTED)
            }
        } else {
            redactor.apply(value)
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
        TraceEvent::Response {
            status, headers, ..
        } => {
            let _ = writeln!(out, "< {status} {}", reason(*status));
            for (name, value) in headers.iter() {
                header(&mut out, "<", name, value);
            }
        }
        TraceEvent::Retry {
            attempt,
            delay,
            reason,
        } => {
            let why = redactor.apply(&reason.to_string()).into_owned();
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

/// The reason phrase of the common statuses (the client's errors carry their own).
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// Builds the client from the arguments (the environment fills the rest).
fn build_client(args: &RetrieveArgs, redactor: &Redactor) -> Result<Client, CliError> {
    let mut builder = Client::builder();
    if let Some(key) = &args.api_key {
        builder = builder.api_key(key);
    }
    if let Some(url) = &args.base_url {
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
        let redactor = Arc::new(redactor.clone());
        builder = builder.trace(move |event| {
            let text = debug_text(event, attempts, &redactor);
            // Debug output is best effort: a closed stderr must not stop the request.
            let _ = io::stderr().lock().write_all(text.as_bytes());
        });
    }
    builder.build().map_err(|e| client_error(&e, redactor))
}

/// Runs `retrieve`.
pub fn run(args: &RetrieveArgs) -> Result<(), CliError> {
    let redactor = Redactor::new(args.api_key.as_deref());
    let client = build_client(args, &redactor)?;
    let options = RetrieveOptions {
        organization_id: args.organization_id.clone(),
        project_id: args.project_id.clone(),
    };
    let body = client
        .retrieve(args.session_id(), &options)
        .map_err(|e| client_error(&e, &redactor))?;
    let session: CliSession<'_> = body
        .parse_with::<ID_CAPACITY, TEXT_CAPACITY, LIST_CAPACITY>(ParseOptions::default())
        .map_err(|e| client_error(&e, &redactor))?;

    if let Some(path) = &args.output {
        body.save(path)
            .map_err(|e| CliError::Message(redactor.apply(&e.to_string()).into_owned()))?;
    }
    let format = match (args.format, &args.output) {
        (Some(format), _) => format,
        (None, Some(_)) => return Ok(()),
        (None, None) => RetrieveFormat::Pretty,
    };
    let mut out = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    match format {
        RetrieveFormat::Json => write_json(&mut out, &session, true)?,
        RetrieveFormat::Pretty => write_json(&mut out, &session, false)?,
        RetrieveFormat::Transcript => write_text(&mut out, &session)?,
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

    #[test]
    fn redactor_replaces_long_secrets_only() {
        let r = Redactor {
            secrets: vec!["llx-secret-123".into()],
        };
        assert_eq!(r.apply("bad key llx-secret-123!"), "bad key <REDACTED>!");
        assert_eq!(r.apply("nothing"), "nothing");
    }
}
