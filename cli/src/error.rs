//! The CLI's errors and how they are reported on stderr (exit status 1).
//!
//! Most errors are one line, `lcsession: error: <what>`. A failed request is reported like
//! the official CLI: its first line is `GET "<url>": <why>` with no prefix, followed by the
//! response body when there is one (see [`CliError::report`]).

use std::fmt;
use std::io;

use lcsession_core::Error;

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
        /// What is wrong, and where in the input.
        error: Error,
    },
    /// Writing the output failed (a closed pipe is not reported: see [`CliError::is_broken_pipe`]).
    Write(io::Error),
    /// A problem found before any request (configuration, session id) or after the response
    /// (saving the dump): one line, already free of secrets.
    Message(String),
    /// A request failed, or its response is unusable.
    Request {
        /// `GET "<url>": <why>`, already free of secrets.
        headline: String,
        /// What follows the headline: the error response's body (pretty-printed when it is
        /// JSON) ending with a newline, or empty.
        details: String,
    },
}

impl CliError {
    /// True when the reader of our output went away (`lcsession … | head`): not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Write(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl CliError {
    /// Writes the error to `out` (stderr): `lcsession: error: <message>`, or for a failed
    /// request its headline and details.
    pub fn report<W: io::Write>(&self, out: &mut W) -> io::Result<()> {
        match self {
            CliError::Request { headline, details } => {
                writeln!(out, "{headline}")?;
                out.write_all(details.as_bytes())
            }
            other => writeln!(out, "lcsession: error: {other}"),
        }?;
        out.flush()
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
                error,
            } => write!(
                f,
                "{file}:{line}:{column}: {} (byte {})",
                error.what(),
                error.offset()
            ),
            CliError::Write(e) => write!(f, "writing output: {e}"),
            CliError::Message(message) => f.write_str(message),
            CliError::Request { headline, .. } => f.write_str(headline),
        }
    }
}
