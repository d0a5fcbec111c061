//! [`SessionBody`]: a retrieved session, held once as owned bytes.

use std::io::{self, Write};
use std::path::Path;

use lcsession_core::{line_column, ErrorKind, Event, ParseOptions, Session};

use super::config::ApiKey;
use super::error::{ClientError, ClientErrorKind};
use super::save;
use super::storage::BodyBytes;

/// The body of a successful Get Full Session response, as received (not yet decoded).
///
/// The bytes are owned here and never copied again: [`SessionBody::parse`] decodes them
/// zero-copy with `lcsession-core` (the session borrows this body), and
/// [`SessionBody::write_to`] / [`SessionBody::save`] store them as a dump for later
/// offline parsing (`lcsession inspect`, `lcs_session_parse`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionBody {
    bytes: BodyBytes,
    status: u16,
    request_id: Option<String>,
    url: String,
    /// The key of the request, kept only to redact it from the errors of a later parse
    /// (a body that echoes it back); `Debug` shows `ApiKey(<redacted>)`.
    key: ApiKey,
}

impl SessionBody {
    pub(crate) fn new(
        bytes: BodyBytes,
        status: u16,
        request_id: Option<String>,
        url: String,
        key: ApiKey,
    ) -> Self {
        Self {
            bytes,
            status,
            request_id,
            url,
            key,
        }
    }

    /// The body bytes, exactly as received.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.as_slice()
    }

    /// The body bytes as a `Vec`: moved out, or copied when the body was received into a
    /// huge-page mapping (bodies of 2 MiB and more with a `Content-Length`, on Linux).
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes.into_vec()
    }

    /// The HTTP status of the response (a 2xx).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `x-request-id` response header, when the server sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The URL that was requested.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Decodes the body with the default header capacities (see
    /// [`SessionBody::parse_with`]).
    pub fn parse(&self) -> Result<Session<'_>, ClientError> {
        self.parse_with(ParseOptions::default())
    }

    /// Validates the whole body and decodes it with `lcsession-core`, zero-copy; the
    /// capacities are those of the `Session` type asked for. A body that is not a valid
    /// session gives [`ClientErrorKind::InvalidBody`] carrying the decoder's error (its
    /// byte offset, and line:column in the message) and the beginning of the body.
    pub fn parse_with<const ID: usize, const TEXT: usize, const LIST: usize>(
        &self,
        options: ParseOptions,
    ) -> Result<Session<'_, ID, TEXT, LIST>, ClientError> {
        Session::parse_with(self.bytes.as_slice(), options).map_err(|e| self.invalid(e))
    }

    /// Validates and decodes the body in one pass, calling `visit` for each event as it is
    /// validated (see `lcsession_core::Session::parse_visiting`): the fastest way to read
    /// every event once. Errors as in [`SessionBody::parse_with`]; events before the error
    /// may already have been visited.
    pub fn parse_visiting<'a, const ID: usize, const TEXT: usize, const LIST: usize>(
        &'a self,
        options: ParseOptions,
        visit: impl FnMut(&Event<'a>),
    ) -> Result<Session<'a, ID, TEXT, LIST>, ClientError> {
        Session::parse_visiting(self.bytes.as_slice(), options, visit).map_err(|e| self.invalid(e))
    }

    /// The error for a body the decoder rejected (the request's API key replaced by
    /// `<REDACTED>` wherever the body echoes it).
    pub fn invalid(&self, error: lcsession_core::Error) -> ClientError {
        let at = line_column(self.bytes.as_slice(), error.offset());
        invalid_body(error, at, self.bytes.as_slice())
            .with_url(&self.url)
            .with_status(self.status)
            .with_request_id(self.request_id.clone())
            .redact_key(&self.key)
    }

    /// Writes the raw body to `writer` (then flushes it).
    pub fn write_to(&self, mut writer: impl Write) -> Result<(), ClientError> {
        writer
            .write_all(self.bytes.as_slice())
            .and_then(|()| writer.flush())
            .map_err(|e| {
                ClientError::new(ClientErrorKind::Io, format!("writing the session: {e}"))
                    .with_source(e)
            })
    }

    /// Saves the raw body as a dump file at `path`, according to what is there (symbolic
    /// links are followed first; the links themselves are never replaced):
    ///
    /// - **Nothing** (the usual case): the dump is written beside `path` under a temporary
    ///   name, synced, then renamed to `path`, so `path` never holds a partial dump. The
    ///   new file has the default permissions (0666 less the umask on Unix).
    /// - **A regular file**, directly or through symlinks: that file (the links' final
    ///   target, resolved with [`std::fs::canonicalize`]) is replaced atomically the same
    ///   way, the temporary file being in the target's directory. On Unix the new file gets
    ///   the permission bits of the file it replaces (e.g. 0600 stays 0600), set before the
    ///   bytes are written; the owner is not kept (it is the caller's). This includes
    ///   `/dev/stdout` when standard output is redirected to a file: that file is replaced,
    ///   not appended to.
    /// - **A dangling symlink** (or a chain of them): the missing file at the end of the
    ///   chain is created, atomically as above (temporary name in its directory, then
    ///   renamed); the link is kept. A missing directory there is an error.
    /// - **Something else** (Unix: a FIFO, a character or block device, a socket, or
    ///   `/dev/stdout` leading to a pipe or a terminal): the bytes are written straight into
    ///   it (opened for writing, without creating, truncating or renaming anything), then
    ///   flushed. Opening a FIFO waits for a reader. On other platforms such a path is
    ///   replaced by a new file as in the first case.
    /// - **A directory** (directly or through symlinks): an error; nothing is written.
    ///
    /// A regular file whose name cannot be resolved back to it (say a `/proc/self/fd/N`
    /// link to a deleted file) is truncated and written in place.
    ///
    /// What is at `path` is examined once, before writing: a file that changes kind in
    /// between is handled as it was. Errors are [`ClientErrorKind::Io`]; their message
    /// names `path` (and the link's target when the target was being written) and the
    /// system error.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), ClientError> {
        let path = path.as_ref();
        let bytes = self.bytes.as_slice();
        let error = |target: &Path, e: io::Error| {
            let message = if target != path && path.is_symlink() {
                format!(
                    "writing {} (a link to {}): {e}",
                    path.display(),
                    target.display()
                )
            } else {
                format!("writing {}: {e}", path.display())
            };
            ClientError::new(ClientErrorKind::Io, message).with_source(e)
        };
        save::write_dump(path, bytes).map_err(|(target, e)| error(&target, e))
    }
}

/// The [`ClientErrorKind::InvalidBody`] error for the decoder's `error`, at `line_column`
/// of a body that begins with `head` (the whole body, or at least its first
/// `ERROR_BODY_CAPACITY` + 4 bytes).
pub(crate) fn invalid_body(
    error: lcsession_core::Error,
    (line, column): (usize, usize),
    head: &[u8],
) -> ClientError {
    // A value over a header capacity is the reader's limit, not a fault of the session.
    let what = match error.kind() {
        ErrorKind::Capacity { .. } => "the session does not fit the header capacities",
        _ => "the response is not a valid session",
    };
    ClientError::new(
        ClientErrorKind::InvalidBody,
        format!("{what}: {error} (line {line}, column {column})"),
    )
    .with_body(head, false)
    .with_decode(error, (line, column))
}
