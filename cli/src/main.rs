//! `lcsession`: read LlamaCloud chat session dumps from the shell.
//!
//! - `lcsession inspect FILE [--format text|json|yaml|events] [--compact] [--max-depth N]`: read a
//!   dump from a file.
//! - `lcsession retrieve [--session-id] ID [--organization-id ID] [--project-id ID]
//!   [--api-key KEY] [--base-url URL] [--max-retries N] [--timeout SECONDS]
//!   [--format pretty|json|yaml|transcript|raw] [--output FILE] [--debug]`, also spelled
//!   `lcsession beta:chat retrieve` like the official CLI: fetch a session from the API
//!   (`GET /api/v1/chat/{session_id}`) with the `lcsession::client` client. `--api-key` and
//!   `--base-url` are global options, also accepted before the subcommand.
//!
//! Exit status: 0 on success (also when the reader of the output goes away early), 1 on bad
//! input, I/O, configuration or request errors, 2 on usage errors. Errors go to stderr as
//! one line `lcsession: error: <what>`, except a failed request, reported like the official
//! CLI: `GET "<url>": 404 Not Found` and then the response body.
#![forbid(unsafe_code)]

mod args;
mod emit;
mod error;
mod inspect;
mod json;
mod render_text;
mod render_value;
mod retrieve;
mod yaml;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::args::{BetaChatCommand, Cli, Command};
use crate::error::CliError;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Inspect(args) = &cli.command {
        if let Some(conflict) = args.conflict(&cli.api) {
            // A usage error like clap's own (exit status 2), with the subcommand's usage.
            let mut cli = Cli::command();
            cli.build();
            let mut inspect = cli.find_subcommand("inspect").cloned().unwrap_or(cli);
            inspect
                .error(clap::error::ErrorKind::ArgumentConflict, conflict)
                .exit();
        }
    }
    let result: Result<(), CliError> = match &cli.command {
        Command::Inspect(args) => inspect::run(args),
        Command::Retrieve(args)
        | Command::BetaChat {
            command: BetaChatCommand::Retrieve(args),
        } => retrieve::run(args, &cli.api),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            // Never panic over a closed stderr.
            let _ = e.report(&mut std::io::stderr().lock());
            ExitCode::FAILURE
        }
    }
}
