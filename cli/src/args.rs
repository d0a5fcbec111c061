//! Command-line arguments (clap derive).
//!
//! Every subcommand gets its own `*Args` struct and its own module; `main.rs` only dispatches.
//! `retrieve` is reachable twice with the same [`RetrieveArgs`]: as `lcsession retrieve` and,
//! spelled like the official `llp beta:chat retrieve`, as `lcsession beta:chat retrieve`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

/// Read LlamaCloud chat session dumps ("Get Full Session", `GET /api/v1/chat/{session_id}`).
#[derive(Debug, Parser)]
#[command(name = "lcsession", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,

    /// The API's options, given before or after the subcommand.
    #[command(flatten)]
    pub api: ApiArgs,
}

/// The API key and base URL: global options, as in the official CLI
/// (`lcsession --api-key KEY beta:chat retrieve ...`), used by `retrieve` only.
#[derive(Debug, clap::Args)]
pub struct ApiArgs {
    /// API key for `retrieve` [default: $LLAMA_CLOUD_API_KEY, else $LLAMA_PARSE_API_KEY].
    #[arg(long, value_name = "KEY", global = true)]
    pub api_key: Option<String>,

    /// API base URL for `retrieve` [default: $LLAMA_CLOUD_BASE_URL, else
    /// https://api.cloud.llamaindex.ai].
    // The doc comment is `--help` text, where a bare URL reads best.
    #[allow(rustdoc::bare_urls)]
    #[arg(long, value_name = "URL", global = true)]
    pub base_url: Option<String>,
}

impl ApiArgs {
    /// The name of an option given that only `retrieve` uses.
    pub fn given(&self) -> Option<&'static str> {
        if self.api_key.is_some() {
            Some("--api-key")
        } else if self.base_url.is_some() {
            Some("--base-url")
        } else {
            None
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a session dump and print it as a summary, JSON or one event per line.
    Inspect(InspectArgs),
    /// Fetch a session from the API (`GET /api/v1/chat/{session_id}`), validate it and print
    /// or save it.
    Retrieve(RetrieveArgs),
    /// The official CLI's spelling: `lcsession beta:chat retrieve ...`.
    #[command(name = "beta:chat")]
    BetaChat {
        /// What to do.
        #[command(subcommand)]
        command: BetaChatCommand,
    },
}

/// The subcommands of `beta:chat`.
#[derive(Debug, Subcommand)]
pub enum BetaChatCommand {
    /// Same as `lcsession retrieve`.
    Retrieve(RetrieveArgs),
}

/// Arguments of `lcsession inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// The session dump to read (`-` for standard input).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// With `--format json`: write one line instead of pretty-printing (`events` lines are
    /// always compact; with `text` or `yaml` it is a usage error).
    #[arg(long)]
    pub compact: bool,

    /// Deepest JSON nesting accepted (the session object is level 1; values above 256 are
    /// not allowed).
    #[arg(long, value_name = "N", default_value_t = lcsession_core::DEFAULT_MAX_DEPTH,
          value_parser = clap::value_parser!(u16).range(1..=i64::from(lcsession_core::MAX_DEPTH)))]
    pub max_depth: u16,
}

impl InspectArgs {
    /// The combinations the parser cannot rule out: `--compact` with a format that has no
    /// compact form, and the API's options (`api`), which only `retrieve` uses.
    pub fn conflict(&self, api: &ApiArgs) -> Option<String> {
        if let Some(option) = api.given() {
            return Some(format!("`{option}` applies to `retrieve`, not `inspect`"));
        }
        let name = match self.format {
            Format::Text => "text",
            Format::Yaml => "yaml",
            Format::Json | Format::Events => return None,
        };
        self.compact.then(|| {
            format!("`--compact` applies to `--format json` (and `events`), not `--format {name}`")
        })
    }
}

/// Output formats of `inspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable summary of the header, then the transcript (also `transcript`, its name
    /// in `retrieve`).
    #[value(alias = "transcript")]
    Text,
    /// The whole session re-emitted as JSON (decoded, then re-encoded).
    Json,
    /// The whole session as a YAML document (block style, strings double-quoted).
    Yaml,
    /// One compact JSON line per event.
    Events,
}

/// Arguments of `lcsession retrieve` (and `lcsession beta:chat retrieve`).
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("session").required(true).multiple(false)
    .args(["session_id", "id"])))]
#[command(after_help = "\
Configuration: the API key comes from --api-key, else LLAMA_CLOUD_API_KEY, else \
LLAMA_PARSE_API_KEY; the base URL from --base-url, else LLAMA_CLOUD_BASE_URL, else \
https://api.cloud.llamaindex.ai. Extra request headers: LLAMA_CLOUD_CUSTOM_HEADERS \
(one `Name: value` per line).

The body is validated completely before anything is written: an invalid session writes \
nothing (no output, no --output file) and exits with status 1.

Errors: a failed request prints `GET \"<url>\": <status>` (as the official CLI does), \
then the response body, on stderr; exit status 1.")]
pub struct RetrieveArgs {
    /// The session to fetch (or give it as the positional ID).
    #[arg(long, value_name = "ID")]
    pub session_id: Option<String>,

    /// The session to fetch (same as --session-id).
    #[arg(value_name = "ID")]
    pub id: Option<String>,

    /// `organization_id` query parameter.
    #[arg(long, value_name = "ID")]
    pub organization_id: Option<String>,

    /// `project_id` query parameter.
    #[arg(long, value_name = "ID")]
    pub project_id: Option<String>,

    /// Retries after a failed attempt (connection errors, timeouts, 408, 409, 429, 5xx)
    /// [default: 2].
    #[arg(long, value_name = "N")]
    pub max_retries: Option<u32>,

    /// Timeout of each attempt in seconds, from connecting to the end of the body; fractions
    /// are allowed [default: 60].
    #[arg(long, value_name = "SECONDS", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,

    /// Output format [default: pretty; with --output: nothing is printed unless --format is
    /// given].
    #[arg(long, value_enum)]
    pub format: Option<RetrieveFormat>,

    /// Save the body, exactly as received, to FILE. A new or existing regular file is
    /// written under a temporary name, then renamed into place (an existing file keeps its
    /// permissions); a symlink is followed and its target written, the link kept; a pipe,
    /// FIFO or device (e.g. /dev/stdout) is written into directly. Without --format,
    /// nothing is printed.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Show each request and response (headers, status, retries) on stderr; the API key is
    /// shown as `Bearer <REDACTED>`.
    #[arg(long)]
    pub debug: bool,
}

impl RetrieveArgs {
    /// The session id, from `--session-id` or the positional argument (clap ensures exactly
    /// one was given).
    pub fn session_id(&self) -> &str {
        self.session_id
            .as_deref()
            .or(self.id.as_deref())
            .unwrap_or_default()
    }
}

/// Output formats of `retrieve`. The official CLI's names are accepted too: `auto` (its
/// default) is `pretty`, `jsonl` is `json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RetrieveFormat {
    /// The session re-emitted as indented JSON (also `auto`).
    #[value(alias = "auto")]
    Pretty,
    /// The session re-emitted as compact JSON on one line (also `jsonl`).
    #[value(alias = "jsonl")]
    Json,
    /// The session as a YAML document (block style, strings double-quoted).
    Yaml,
    /// The summary and transcript of `lcsession inspect` (also `text`, its name there).
    #[value(alias = "text")]
    Transcript,
    /// The body bytes exactly as received.
    Raw,
}

/// Parses `--timeout`: a positive, finite number of seconds.
fn parse_timeout(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if seconds.is_nan() || seconds <= 0.0 {
        return Err("the timeout must be more than 0 seconds".to_owned());
    }
    Duration::try_from_secs_f64(seconds)
        .map_err(|_| format!("`{text}` seconds is too long a timeout"))
        .and_then(|d| {
            if d.is_zero() {
                Err("the timeout must be at least 1 nanosecond".to_owned())
            } else {
                Ok(d)
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definitions_are_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn timeouts() {
        assert_eq!(parse_timeout("0.25"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_timeout("3"), Ok(Duration::from_secs(3)));
        for bad in ["0", "-1", "nan", "inf", "x", "", "1e400", "1e-12"] {
            assert!(parse_timeout(bad).is_err(), "{bad}");
        }
    }
}
