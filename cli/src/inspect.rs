//! `lcsession inspect FILE`: validate a session dump and print it.

use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;

use lcsession_core::{ParseOptions, Session};

use crate::args::{Format, InspectArgs};
use crate::error::CliError;
use crate::render_text::{escape_controls, write_text};
use crate::render_value::{write_events, write_json, write_yaml};

/// Header capacity of id-like strings in the CLI (bytes); roomier than the core's defaults,
/// since a desktop tool should not refuse a real dump over a long id.
pub const ID_CAPACITY: usize = 256;
/// Header capacity of free text (`generated_title`, `job_metadata.error`) in bytes.
pub const TEXT_CAPACITY: usize = 16 * 1024;
/// Header capacity of id lists (`index_ids`, `export_config_ids`) in entries.
pub const LIST_CAPACITY: usize = 256;

/// The session type the CLI decodes into.
pub type CliSession<'a> = Session<'a, ID_CAPACITY, TEXT_CAPACITY, LIST_CAPACITY>;

/// The name errors use for an input path (control characters escaped: an error is one line).
pub fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_owned()
    } else {
        escape_controls(&path.display().to_string(), false).into_owned()
    }
}

/// Reads the whole input: the file, or standard input for `-`.
pub fn read_input(path: &Path) -> Result<Vec<u8>, CliError> {
    let result = if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        io::stdin().lock().read_to_end(&mut buf).map(|_| buf)
    } else {
        fs::read(path)
    };
    result.map_err(|source| CliError::Read {
        file: display_name(path),
        source,
    })
}

/// Parses `input` (named `file` in errors) with `max_depth`, into a session on the heap (its
/// header alone is 168 KiB: returned by value it would be copied through the stack).
pub fn parse<'a>(
    file: &str,
    input: &'a [u8],
    max_depth: u16,
) -> Result<Box<CliSession<'a>>, CliError> {
    let mut session = Box::<CliSession<'a>>::default();
    session
        .parse_into(input, ParseOptions { max_depth })
        .map_err(|err| {
            let (line, column) = err.line_column(input);
            CliError::Parse {
                file: file.to_owned(),
                line,
                column,
                error: err,
            }
        })?;
    Ok(session)
}

/// Runs `inspect`: everything is validated before the first byte of output is written, so bad
/// input never leaves partial output behind.
pub fn run(args: &InspectArgs) -> Result<(), CliError> {
    let input = read_input(&args.file)?;
    let session = parse(&display_name(&args.file), &input, args.max_depth)?;
    let mut out = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    match args.format {
        Format::Text => write_text(&mut out, &session)?,
        Format::Json => write_json(&mut out, &session, args.compact)?,
        Format::Yaml => write_yaml(&mut out, &session)?,
        Format::Events => write_events(&mut out, &session)?,
    }
    out.flush()?;
    Ok(())
}
