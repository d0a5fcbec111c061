//! [`ClientError`]: the one error type of the client, with a [`ClientErrorKind`] per cause.

use std::fmt;

/// How many bytes of an error response's body a [`ClientError`] keeps (as text).
pub const ERROR_BODY_CAPACITY: usize = 8 * 1024;

/// What went wrong, one kind per HTTP status class of the official SDKs plus the failures
/// that happen before or around the HTTP exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ClientErrorKind {
    /// No API key: none given, and neither `LLAMA_CLOUD_API_KEY` nor `LLAMA_PARSE_API_KEY`
    /// is set. Raised before any request.
    MissingApiKey,
    /// A configuration value is unusable (base URL, header, timeout). Raised before any
    /// request.
    InvalidConfig,
    /// The session id is empty, `.` or `..`. Raised before any request.
    InvalidSessionId,
    /// HTTP 400.
    BadRequest,
    /// HTTP 401.
    Authentication,
    /// HTTP 403.
    PermissionDenied,
    /// HTTP 404.
    NotFound,
    /// HTTP 409 (after the retries it allows).
    Conflict,
    /// HTTP 422.
    UnprocessableEntity,
    /// HTTP 429 (after the retries it allows).
    RateLimit,
    /// HTTP 500 or above (after the retries it allows).
    InternalServer,
    /// Any other non-success status.
    Status,
    /// The connection failed, was reset, or closed before the whole body arrived (after
    /// the retries it allows).
    Connection,
    /// The request took longer than its timeout (after the retries it allows).
    Timeout,
    /// The response body is larger than the client's size limit.
    TooLarge,
    /// The response arrived but is not a valid session; [`ClientError::decode_error`] has
    /// the decoder's error with its byte offset.
    InvalidBody,
    /// Writing the dump to a file or writer failed.
    Io,
}

impl ClientErrorKind {
    /// The kind for a non-success HTTP status.
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => Self::BadRequest,
            401 => Self::Authentication,
            403 => Self::PermissionDenied,
            404 => Self::NotFound,
            409 => Self::Conflict,
            422 => Self::UnprocessableEntity,
            429 => Self::RateLimit,
            500.. => Self::InternalServer,
            _ => Self::Status,
        }
    }

    /// A stable lower-case name (`"not_found"`, `"timeout"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MissingApiKey => "missing_api_key",
            Self::InvalidConfig => "invalid_config",
            Self::InvalidSessionId => "invalid_session_id",
            Self::BadRequest => "bad_request",
            Self::Authentication => "authentication",
            Self::PermissionDenied => "permission_denied",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::UnprocessableEntity => "unprocessable_entity",
            Self::RateLimit => "rate_limit",
            Self::InternalServer => "internal_server",
            Self::Status => "status",
            Self::Connection => "connection",
            Self::Timeout => "timeout",
            Self::TooLarge => "too_large",
            Self::InvalidBody => "invalid_body",
            Self::Io => "io",
        }
    }
}

/// An error of the client. It never contains the API key: the key is not part of any
/// message, URL or header kept here.
///
/// `Display` gives one line; for an HTTP status it reads like the official CLI:
/// `GET "https://host/api/v1/chat/abc": 404 Not Found`. The response body (capped at
/// [`ERROR_BODY_CAPACITY`] bytes) is in [`ClientError::body`].
#[derive(Debug)]
pub struct ClientError(Box<Details>);

/// The fields of a [`ClientError`], boxed so that `Result<_, ClientError>` stays small.
#[derive(Debug)]
struct Details {
    kind: ClientErrorKind,
    message: String,
    method_url: Option<String>,
    status: Option<u16>,
    request_id: Option<String>,
    body: Option<String>,
    body_truncated: bool,
    attempts: u32,
    decode: Option<lcsession_core::Error>,
    /// Line and column of `decode` in the body (1-based).
    decode_line_column: (usize, usize),
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl ClientError {
    pub(crate) fn new(kind: ClientErrorKind, message: impl Into<String>) -> Self {
        Self(Box::new(Details {
            kind,
            message: message.into(),
            method_url: None,
            status: None,
            request_id: None,
            body: None,
            body_truncated: false,
            attempts: 0,
            decode: None,
            decode_line_column: (0, 0),
            source: None,
        }))
    }

    pub(crate) fn with_url(mut self, url: &str) -> Self {
        self.0.method_url = Some(format!("GET \"{url}\""));
        self
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.0.status = Some(status);
        self
    }

    pub(crate) fn with_request_id(mut self, id: Option<String>) -> Self {
        self.0.request_id = id;
        self
    }

    pub(crate) fn with_body(mut self, body: &[u8], truncated: bool) -> Self {
        let (text, cut) = cap_text(body);
        self.0.body = Some(text);
        self.0.body_truncated = truncated || cut;
        self
    }

    /// Replaces the key wherever server-written text could have echoed it.
    pub(crate) fn redact_key(mut self, key: &super::ApiKey) -> Self {
        let d = &mut *self.0;
        let texts = [
            Some(&mut d.message),
            d.method_url.as_mut(),
            d.request_id.as_mut(),
            d.body.as_mut(),
        ];
        for text in texts.into_iter().flatten() {
            if let std::borrow::Cow::Owned(clean) = key.redact(text) {
                *text = clean;
            }
        }
        self
    }

    /// Appends `note` to the message (`message (note)`).
    pub(crate) fn with_note(mut self, note: &str) -> Self {
        self.0.message = format!("{} ({note})", self.0.message);
        self
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.0.attempts = attempts;
        self
    }

    pub(crate) fn with_decode(
        mut self,
        error: lcsession_core::Error,
        line_column: (usize, usize),
    ) -> Self {
        self.0.decode = Some(error);
        self.0.decode_line_column = line_column;
        self
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.0.source = Some(Box::new(source));
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ClientErrorKind {
        self.0.kind
    }

    /// The HTTP status of the response, when one arrived.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }

    /// The `x-request-id` response header, when the server sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// The response body as text (invalid UTF-8 replaced), at most [`ERROR_BODY_CAPACITY`]
    /// bytes, when a response arrived with an error status. For [`ClientErrorKind::InvalidBody`]
    /// this is the beginning of the body that failed to decode.
    pub fn body(&self) -> Option<&str> {
        self.0.body.as_deref()
    }

    /// Whether [`ClientError::body`] holds only the beginning of a longer body.
    pub fn body_truncated(&self) -> bool {
        self.0.body_truncated
    }

    /// How many HTTP attempts were made (0 when the error came before any request).
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }

    /// For [`ClientErrorKind::InvalidBody`]: the decoder's error (kind, byte offset; its line
    /// and column: [`decode_line_column`](Self::decode_line_column)).
    pub fn decode_error(&self) -> Option<&lcsession_core::Error> {
        self.0.decode.as_ref()
    }

    /// The 1-based line and column of [`decode_error`](Self::decode_error) in the body, when
    /// there is one (kept here because the body itself is not).
    pub fn decode_line_column(&self) -> Option<(usize, usize)> {
        self.0.decode.map(|_| self.0.decode_line_column)
    }

    /// The error message alone, without the `GET "<url>": ` prefix.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The request line of the failed exchange, `GET "<url>"`, when a request was made.
    pub fn request(&self) -> Option<&str> {
        self.0.method_url.as_deref()
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(request) = &self.0.method_url {
            write!(f, "{request}: ")?;
        }
        f.write_str(&self.0.message)?;
        if let Some(id) = &self.0.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        if let Some(decode) = &self.0.decode {
            return Some(decode);
        }
        self.0
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// The first [`ERROR_BODY_CAPACITY`] bytes of `body` as text, cut at a character boundary;
/// `true` when something was cut. Only the head of the body is converted (a rejected
/// session body can be hundreds of MiB).
fn cap_text(body: &[u8]) -> (String, bool) {
    // Three bytes more than the capacity: enough to finish a character that straddles it.
    let head = body.get(..ERROR_BODY_CAPACITY + 3).unwrap_or(body);
    let text = String::from_utf8_lossy(head);
    if text.len() <= ERROR_BODY_CAPACITY && head.len() == body.len() {
        return (text.into_owned(), false);
    }
    let mut end = ERROR_BODY_CAPACITY.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (text.get(..end).unwrap_or_default().to_owned(), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_per_status_class() {
        let cases = [
            (400, ClientErrorKind::BadRequest),
            (401, ClientErrorKind::Authentication),
            (403, ClientErrorKind::PermissionDenied),
            (404, ClientErrorKind::NotFound),
            (409, ClientErrorKind::Conflict),
            (422, ClientErrorKind::UnprocessableEntity),
            (429, ClientErrorKind::RateLimit),
            (500, ClientErrorKind::InternalServer),
            (503, ClientErrorKind::InternalServer),
            (599, ClientErrorKind::InternalServer),
            (402, ClientErrorKind::Status),
            (418, ClientErrorKind::Status),
            (304, ClientErrorKind::Status),
        ];
        for (status, kind) in cases {
            assert_eq!(ClientErrorKind::from_status(status), kind, "{status}");
        }
    }

    #[test]
    fn body_is_capped_at_a_char_boundary() {
        let mut body = "a".repeat(ERROR_BODY_CAPACITY - 1).into_bytes();
        body.extend("é and more".as_bytes());
        let e = ClientError::new(ClientErrorKind::InternalServer, "x").with_body(&body, false);
        assert!(e.body_truncated());
        assert_eq!(e.body().unwrap().len(), ERROR_BODY_CAPACITY - 1);
        let short = ClientError::new(ClientErrorKind::NotFound, "x").with_body(b"{}", false);
        assert!(!short.body_truncated());
        assert_eq!(short.body(), Some("{}"));
    }

    #[test]
    fn display_reads_like_the_official_cli() {
        let e = ClientError::new(ClientErrorKind::NotFound, "404 Not Found")
            .with_url("http://127.0.0.1:1/api/v1/chat/x")
            .with_request_id(Some("req_1".into()));
        assert_eq!(
            e.to_string(),
            "GET \"http://127.0.0.1:1/api/v1/chat/x\": 404 Not Found (request id req_1)"
        );
    }
}
