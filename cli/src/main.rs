//! `lcsession`: read LlamaCloud chat session dumps from the shell.
//!
//! `lcsession inspect FILE [--format text|json|events] [--compact] [--max-depth N]`.
//! Exit status: 0 on success (also when the reader of the output goes away early), 1 on bad
//! input or I/O errors with one line on stderr, 2 on usage errors.
#![forbid(unsafe_code)]

mod args;
mod error;
mod inspect;
mod json;
mod render_json;
mod render_text;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::error::CliError;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result: Result<(), CliError> = match &cli.command {
        Command::Inspect(args) => inspect::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            // Never panic over a closed stderr.
            let _ = writeln!(std::io::stderr().lock(), "lcsession: error: {e}");
            ExitCode::FAILURE
        }
    }
}
