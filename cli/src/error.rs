//! The CLI's errors and how they are reported (one line on stderr, exit status 1).

use std::fmt;
use std::io;

use lcsession_core::ErrorKind;

/// Something that stops a command.
#[derive(Debug)]
pub enum CliError {
    /// The input could not be read.
    Read {
        /// The input's name as given (`<stdin>` for `-`).
        file: String,
        /// Why.
        source: io::Error,
    },
    /// The input is not a valid session.
    Parse {
        /// The input's name as given (`<stdin>` for `-`).
        file: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column (in characters) of the problem.
        column: usize,
        /// What is wrong.
        kind: ErrorKind,
        /// Byte offset of the problem.
        offset: usize,
    },
    /// Writing the output failed (a closed pipe is not reported: see [`CliError::is_broken_pipe`]).
    Write(io::Error),
}

impl CliError {
    /// True when the reader of our output went away (`lcsession … | head`): not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Write(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl From<io::Error> for CliError {
    fn from(e: io::Error) -> Self {
        CliError::Write(e)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Read { file, source } => write!(f, "{file}: {source}"),
            CliError::Parse {
                file,
                line,
                column,
                kind,
                offset,
            } => write!(f, "{file}:{line}:{column}: {kind} (byte {offset})"),
            CliError::Write(e) => write!(f, "writing output: {e}"),
        }
    }
}
