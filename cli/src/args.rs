//! Command-line arguments (clap derive).
//!
//! Every subcommand gets its own `*Args` struct and its own module; `main.rs` only dispatches.
//! The next subcommand planned is `retrieve --session-id ID` (fetching a session from the
//! API), also reachable as `beta:chat retrieve` like the official `llp beta:chat retrieve`:
//! it will be a `Retrieve(RetrieveArgs)` variant plus a `#[command(name = "beta:chat")]`
//! variant holding a nested subcommand enum with the same `RetrieveArgs`.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Read LlamaCloud chat session dumps ("Get Full Session", `GET /api/v1/chat/{session_id}`).
#[derive(Debug, Parser)]
#[command(name = "lcsession", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a session dump and print it as a summary, JSON or one event per line.
    Inspect(InspectArgs),
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

    /// With `--format json`: write one line instead of pretty-printing.
    #[arg(long)]
    pub compact: bool,

    /// Deepest JSON nesting accepted (the session object is level 1; values above 256 are
    /// not allowed).
    #[arg(long, value_name = "N", default_value_t = lcsession_core::DEFAULT_MAX_DEPTH,
          value_parser = clap::value_parser!(u16).range(1..=i64::from(lcsession_core::MAX_DEPTH)))]
    pub max_depth: u16,
}

/// Output formats of `inspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable summary of the header, then the transcript.
    Text,
    /// The whole session re-emitted as JSON (decoded, then re-encoded).
    Json,
    /// One compact JSON line per event.
    Events,
}
