//! A blocking client for `GET /api/v1/chat/{session_id}` ("Get Full Session") that behaves
//! like the official LlamaCloud SDKs: same configuration sources, request, retry policy and
//! error classes (see `../shared/reference/get-full-session.md` in the project).
//!
//! ```no_run
//! use lcsession::client::{Client, RetrieveOptions};
//!
//! # fn main() -> Result<(), lcsession::client::ClientError> {
//! // API key from LLAMA_CLOUD_API_KEY (or LLAMA_PARSE_API_KEY), base URL from
//! // LLAMA_CLOUD_BASE_URL (default https://api.cloud.llamaindex.ai).
//! let client = Client::builder().build()?;
//! let body = client.retrieve("ses-abc123", &RetrieveOptions::default())?;
//! body.save("session.json")?; // the raw dump, for `lcsession inspect` later
//! let session = body.parse()?; // zero-copy over the body
//! for event in session.events() {
//!     println!("{:?}", event.event_type());
//! }
//! # Ok(()) }
//! ```
//!
//! Transport: `ureq` with rustls and the bundled Mozilla roots (`webpki-roots`). To trust the
//! operating system's certificate store instead (corporate CAs), build with the
//! `platform-verifier` feature and call `ClientBuilder::platform_roots`. Proxies come from
//! `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` and `NO_PROXY`, as with ureq. A host name is
//! looked up by the system resolver on a short-lived helper thread (ureq's, so the lookup
//! obeys the connect timeout); an IP-address host such as `127.0.0.1` or `[::1]` is used
//! as it is, with no lookup and no thread.
//!
//! [`Client::retrieve_visiting`] fetches and decodes in one call, decoding a large body while
//! it is still arriving (a helper thread receives it) and handing each event to a callback as
//! soon as it is whole; it returns a [`RetrievedSession`]: the body and its session.
//!
//! [`Client::retrieve_streaming`] does the same in bounded memory (the body is not kept):
//! for sessions larger than the memory a program can spare.
//!
//! One [`Client`] keeps idle connections in a pool and reuses them across calls; clone it
//! (cheap) or share it between threads (it is `Send + Sync`).

mod body;
mod config;
mod error;
mod overlap;
mod platform;
mod resolve;
mod retrieved;
mod retry;
mod save;
mod storage;
mod stream;
mod text_feed;
mod url;

use std::io::{self, Read};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use lcsession_core::{Event, Header, ParseOptions, Session, SessionDecoder};
use ureq::{BodyReader, ResponseExt as _};

pub use body::SessionBody;
pub use config::{
    parse_custom_headers, validate_base_url, ApiKey, DEFAULT_BASE_URL, ENV_API_KEY, ENV_BASE_URL,
    ENV_CUSTOM_HEADERS, ENV_PARSE_API_KEY, MIN_REDACTED_KEY_LEN, REDACTED,
};
pub use error::{ClientError, ClientErrorKind, ERROR_BODY_CAPACITY};
use overlap::BodyEnd;
pub use retrieved::RetrievedSession;
pub use retry::{backoff, server_delay, should_retry_status, DEFAULT_MAX_RETRIES};
use storage::BodyBytes;
pub use stream::{STREAM_HEADROOM, STREAM_SEGMENT, STREAM_SEGMENTS_AHEAD};
use text_feed::TextFeed;
pub use url::{check_session_id, session_url};

/// The default timeout of one attempt, from connecting to the end of the body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The default timeout for establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The default largest response body accepted: 256 MiB.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 256 * 1024 * 1024;
/// At most this much of an error response's body is read.
const ERROR_BODY_READ_LIMIT: u64 = 64 * 1024;
/// The `User-Agent` request header.
pub const USER_AGENT: &str = concat!("lcsession/", env!("CARGO_PKG_VERSION"));

/// Per-call parameters of [`Client::retrieve`]: the optional query parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetrieveOptions {
    /// `organization_id` query parameter (omitted when `None`).
    pub organization_id: Option<String>,
    /// `project_id` query parameter (omitted when `None`).
    pub project_id: Option<String>,
}

/// What happens during [`Client::retrieve`], for logging (`lcsession retrieve --debug`).
/// The `Authorization` header is always shown as `Bearer <REDACTED>`.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum TraceEvent<'a> {
    /// A request is about to be sent.
    Request {
        /// 0 for the first attempt.
        attempt: u32,
        /// The full URL.
        url: &'a str,
        /// Every header set by this client, in order, the key redacted.
        headers: &'a [(String, String)],
    },
    /// The server redirected the request to `url`, which the client followed (the
    /// `Authorization` header goes along only to the same host, or from `http` to `https`
    /// on it).
    Redirected {
        /// 0 for the first attempt.
        attempt: u32,
        /// Where the request went next.
        url: &'a str,
    },
    /// Response headers arrived (of the last request, after any redirects).
    Response {
        /// 0 for the first attempt.
        attempt: u32,
        /// The HTTP status.
        status: u16,
        /// The response headers, in order (the API key, should a value echo it, redacted).
        headers: &'a [(String, String)],
    },
    /// The attempt failed and another follows after `delay`.
    Retry {
        /// The attempt that failed.
        attempt: u32,
        /// How long the client waits.
        delay: Duration,
        /// Why (the error of the failed attempt).
        reason: &'a ClientError,
    },
}

/// A callback receiving [`TraceEvent`]s.
pub type TraceFn = Arc<dyn Fn(&TraceEvent<'_>) + Send + Sync>;
/// A function that waits (the default is `std::thread::sleep`).
pub type SleepFn = Arc<dyn Fn(Duration) + Send + Sync>;
/// Where environment variables are read from.
pub type EnvFn = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Configures a [`Client`]. Unset values come from the environment at
/// [`ClientBuilder::build`], then from the defaults.
#[derive(Clone, Default)]
pub struct ClientBuilder {
    api_key: Option<String>,
    base_url: Option<String>,
    headers: Vec<(String, String)>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    max_retries: Option<u32>,
    max_body_bytes: Option<u64>,
    env: Option<EnvFn>,
    sleep: Option<SleepFn>,
    trace: Option<TraceFn>,
    #[cfg(feature = "platform-verifier")]
    platform_roots: bool,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("headers", &header_names(&self.headers))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_retries", &self.max_retries)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

/// Header names for `Debug` output: values may be secrets (the key, a proxy's token).
fn header_names(headers: &[(String, String)]) -> Vec<String> {
    headers
        .iter()
        .map(|(n, _)| format!("{n}: <hidden>"))
        .collect()
}

impl ClientBuilder {
    /// The API key. Default: `LLAMA_CLOUD_API_KEY`, else `LLAMA_PARSE_API_KEY` (trimmed; empty
    /// counts as unset); with none, [`ClientBuilder::build`] fails with
    /// [`ClientErrorKind::MissingApiKey`], and with a variable that is not UTF-8, with
    /// [`ClientErrorKind::InvalidConfig`] naming it.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The base URL (`http://` or `https://`). Default: `LLAMA_CLOUD_BASE_URL` (trimmed;
    /// empty counts as unset; not UTF-8 is an error naming it), else [`DEFAULT_BASE_URL`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Adds a header sent with every request. It replaces a header of the same name
    /// (case-insensitively) set by the client or by `LLAMA_CLOUD_CUSTOM_HEADERS`.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The timeout of one attempt, from connecting to the last byte of the body. Default
    /// [`DEFAULT_TIMEOUT`] (60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The timeout for establishing a connection. Default [`DEFAULT_CONNECT_TIMEOUT`] (5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How many times a failed attempt is retried (attempts = `max_retries + 1`). Default
    /// [`DEFAULT_MAX_RETRIES`] (2), that of the Go, Java and CLI SDKs.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// The largest response body accepted; a larger one fails with
    /// [`ClientErrorKind::TooLarge`] without being read whole. Default
    /// [`DEFAULT_MAX_BODY_BYTES`] (256 MiB).
    pub fn max_body_bytes(mut self, bytes: u64) -> Self {
        self.max_body_bytes = Some(bytes);
        self
    }

    /// Where environment variables are read from. Default: the process environment.
    /// Tests and sandboxes pass a closure (`|_| None` ignores the environment).
    pub fn env(mut self, lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        self.env = Some(Arc::new(lookup));
        self
    }

    /// How the client waits between attempts. Default: `std::thread::sleep`. Tests pass a
    /// recorder to check the delays without waiting.
    pub fn sleep(mut self, sleep: impl Fn(Duration) + Send + Sync + 'static) -> Self {
        self.sleep = Some(Arc::new(sleep));
        self
    }

    /// A callback for every request, response and retry (see [`TraceEvent`]).
    pub fn trace(mut self, trace: impl Fn(&TraceEvent<'_>) + Send + Sync + 'static) -> Self {
        self.trace = Some(Arc::new(trace));
        self
    }

    /// Verify servers with the operating system's certificate store
    /// (`rustls-platform-verifier`) instead of the bundled Mozilla roots.
    #[cfg(feature = "platform-verifier")]
    pub fn platform_roots(mut self, yes: bool) -> Self {
        self.platform_roots = yes;
        self
    }

    /// Resolves the configuration and creates the client. Fails, before any request, on a
    /// missing API key, a base URL that is not `http(s)://`, an invalid header or
    /// `LLAMA_CLOUD_CUSTOM_HEADERS` line, or a zero timeout.
    pub fn build(self) -> Result<Client, ClientError> {
        // The process environment, or the lookup a test injected.
        let env = |name: &str| match &self.env {
            Some(lookup) => Ok(lookup(name)),
            None => config::process_env(name),
        };
        let api_key = match &self.api_key {
            Some(key) => ApiKey::new(key.clone())?,
            None => ApiKey::from_lookup(env)?,
        };
        let base_url = match &self.base_url {
            Some(url) => validate_base_url(url)?,
            None => match config::env_value(env(ENV_BASE_URL)?) {
                Some(url) => validate_base_url(&url).map_err(|e| {
                    ClientError::new(e.kind(), format!("{ENV_BASE_URL}: {}", e.message()))
                })?,
                None => DEFAULT_BASE_URL.to_owned(),
            },
        };
        let mut extra = match env(ENV_CUSTOM_HEADERS)? {
            Some(text) => parse_custom_headers(&text)?,
            None => Vec::new(),
        };
        for (name, value) in &self.headers {
            config::check_header(name, value)
                .map_err(|why| ClientError::new(ClientErrorKind::InvalidConfig, why))?;
        }
        extra.extend(self.headers);
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        if timeout.is_zero() || connect_timeout.is_zero() {
            return Err(ClientError::new(
                ClientErrorKind::InvalidConfig,
                "timeouts must be longer than zero",
            ));
        }

        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .timeout_connect(Some(connect_timeout))
            .user_agent(USER_AGENT)
            .accept("application/json")
            // As the official SDKs' HTTP stacks do: redirects are followed, and the key goes
            // along only to the same host (ureq's default drops it everywhere).
            .redirect_auth_headers(ureq::config::RedirectAuthHeaders::SameHost)
            .save_redirect_history(self.trace.is_some());
        #[cfg(feature = "platform-verifier")]
        let config = if self.platform_roots {
            config.tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(ureq::tls::RootCerts::PlatformVerifier)
                    .build(),
            )
        } else {
            config
        };
        let agent = ureq::Agent::with_parts(
            config.build(),
            ureq::unversioned::transport::DefaultConnector::default(),
            resolve::LiteralFirst::default(),
        );

        Ok(Client {
            inner: Arc::new(Inner {
                agent,
                api_key,
                base_url,
                extra_headers: extra,
                timeout,
                connect_timeout,
                max_retries: self.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
                max_body_bytes: self.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES),
                sleep: self.sleep.unwrap_or_else(|| Arc::new(std::thread::sleep)),
                trace: self.trace,
                jitter: retry::Jitter::new(),
            }),
        })
    }
}

/// A blocking Get Full Session client. Cheap to clone; `Send + Sync`; connections are
/// pooled and reused across calls.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    agent: ureq::Agent,
    api_key: ApiKey,
    base_url: String,
    extra_headers: Vec<(String, String)>,
    timeout: Duration,
    connect_timeout: Duration,
    max_retries: u32,
    max_body_bytes: u64,
    sleep: SleepFn,
    trace: Option<TraceFn>,
    jitter: retry::Jitter,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("api_key", &i.api_key)
            .field("base_url", &i.base_url)
            .field("extra_headers", &header_names(&i.extra_headers))
            .field("timeout", &i.timeout)
            .field("connect_timeout", &i.connect_timeout)
            .field("max_retries", &i.max_retries)
            .field("max_body_bytes", &i.max_body_bytes)
            .finish_non_exhaustive()
    }
}

/// The outcome of one failed attempt.
struct Failure {
    error: ClientError,
    retryable: bool,
    server_delay: Option<Duration>,
}

/// A body [`Client::retrieve_visiting`] received, decoded as it arrived up to its last piece.
struct Received<const ID: usize, const TEXT: usize, const LIST: usize> {
    body: SessionBody,
    feed: TextFeed<ID, TEXT, LIST>,
    /// Bytes of the body found to be UTF-8 as they arrived.
    utf8_valid: usize,
}

/// A received body's decoding, waiting for its last piece: [`Pending::finish`].
pub(crate) struct Pending<'c, const ID: usize, const TEXT: usize, const LIST: usize> {
    client: &'c Client,
    feed: TextFeed<ID, TEXT, LIST>,
    utf8_valid: usize,
    attempts: u32,
    parse: ParseOptions,
}

impl<const ID: usize, const TEXT: usize, const LIST: usize> Pending<'_, ID, TEXT, LIST> {
    /// Decodes the rest of `body` (the one [`Client::receive_pending`] returned with this)
    /// into `out`, in place, visiting the events not yet visited; an invalid body is
    /// reported as by [`Client::retrieve_visiting`], with the attempts made and the key
    /// redacted.
    pub(crate) fn finish_into<'b>(
        mut self,
        body: &'b SessionBody,
        out: &mut Session<'b, ID, TEXT, LIST>,
        visit: &mut impl FnMut(&Event<'_>),
    ) -> Result<(), ClientError> {
        retrieved::finish_decoding_into(
            body,
            &mut self.feed,
            self.utf8_valid,
            self.parse,
            out,
            visit,
        )
        .map_err(|e| self.client.decorate(e, self.attempts))
    }
}

impl Failure {
    fn fatal(error: ClientError) -> Self {
        Self {
            error,
            retryable: false,
            server_delay: None,
        }
    }

    /// This failure of a body of which `visited` events were already visited: not retried
    /// (they would be visited twice), and the error says so.
    fn not_retried_after(mut self, visited: usize) -> Self {
        self.retryable = false;
        self.error = self.error.with_note(&format!(
            "not retried: {visited} events of the body were already visited"
        ));
        self
    }
}

impl Client {
    /// A builder with nothing set (everything from the environment and defaults).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL in use (without trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The number of retries after a failed first attempt.
    pub fn max_retries(&self) -> u32 {
        self.inner.max_retries
    }

    /// The largest response body accepted, in bytes.
    pub fn max_body_bytes(&self) -> u64 {
        self.inner.max_body_bytes
    }

    /// The URL [`Client::retrieve`] requests for these arguments (it checks the session id).
    pub fn url_for(
        &self,
        session_id: &str,
        options: &RetrieveOptions,
    ) -> Result<String, ClientError> {
        session_url(
            &self.inner.base_url,
            session_id,
            options.organization_id.as_deref(),
            options.project_id.as_deref(),
        )
    }

    /// Fetches a session: `GET {base}/api/v1/chat/{session_id}`, retrying like the official
    /// SDKs (see the module documentation), and returns the body, not yet decoded (call
    /// [`SessionBody::parse`]). Fails before any request on an empty, `.` or `..` session
    /// id.
    pub fn retrieve(
        &self,
        session_id: &str,
        options: &RetrieveOptions,
    ) -> Result<SessionBody, ClientError> {
        let url = self.url_for(session_id, options)?;
        self.with_retries(|attempt| {
            self.attempt(&url, attempt, &mut |reader, len, limit| match len {
                Some(len) => BodyBytes::read_exact_len(reader, len),
                None => BodyBytes::read_up_to(reader, limit.saturating_add(1)),
            })
        })
    }

    /// Fetches a session like [`retrieve`](Self::retrieve) and decodes it while it
    /// arrives: the result of [`SessionBody::parse_visiting`] on the body, with `visit`
    /// called for each event as soon as it is whole, but sooner.
    ///
    /// On Linux, a large body (2 MiB or more with a `Content-Length`) or a body without a
    /// length (chunked; when the size limit is at most 1 GiB) is received on a short-lived
    /// helper thread while this thread decodes what has arrived, so decoding mostly
    /// overlaps the download; other bodies (and any body when no thread can be started,
    /// under a process limit) are decoded once received. A body without a length that turns
    /// out larger than the size limit fails as [`ClientErrorKind::TooLarge`] after the events
    /// in its first `max_body_bytes` were visited. The session
    /// has the default header capacities (for others:
    /// [`retrieve_visiting_with`](Self::retrieve_visiting_with)). Retries are those of
    /// `retrieve`, except that a body that fails once events of it were visited is not
    /// fetched again (its events would be visited twice): the error says how many were. A
    /// panic in `visit` reaches the caller once the helper thread has stopped (before its
    /// next read of the body).
    ///
    /// ```no_run
    /// use lcsession::client::{Client, RetrieveOptions};
    /// use lcsession_core::ParseOptions;
    ///
    /// # fn main() -> Result<(), lcsession::client::ClientError> {
    /// let client = Client::builder().build()?;
    /// let mut texts = 0;
    /// let retrieved = client.retrieve_visiting(
    ///     "ses-abc123",
    ///     &RetrieveOptions::default(),
    ///     ParseOptions::default(),
    ///     |event| texts += usize::from(event.content().is_some()),
    /// )?;
    /// println!("{} events, {texts} with text", retrieved.session().event_count());
    /// retrieved.body().save("session.json")?;
    /// # Ok(()) }
    /// ```
    pub fn retrieve_visiting(
        &self,
        session_id: &str,
        options: &RetrieveOptions,
        parse: ParseOptions,
        mut visit: impl FnMut(&Event<'_>),
    ) -> Result<RetrievedSession, ClientError> {
        let (received, attempts) =
            self.receive_decoding(session_id, options, parse, Revisits::Refused, &mut visit)?;
        let Received {
            body,
            feed,
            utf8_valid,
        } = received;
        RetrievedSession::finish(body, feed, utf8_valid, parse, &mut visit)
            .map_err(|e| self.decorate(e, attempts))
    }

    /// Fetches a session and decodes it as it arrives **in bounded memory**: the body is not
    /// kept. It arrives in segments of [`STREAM_SEGMENT`] bytes, read on a helper thread at
    /// most [`STREAM_SEGMENTS_AHEAD`] ahead of the decoder; each event is handed to `visit`
    /// as soon as it is whole, and a segment is reused once decoded. So a valid session
    /// takes at most 1.9 MiB however large it is, plus a buffer for what the decoder cannot
    /// finish yet when that outgrows [`STREAM_HEADROOM`]: an event longer than that, a long
    /// run of whitespace, or an unknown top-level member ([`StreamedSession::buffer_peak`]
    /// says how much it took; the size limit, [`ClientBuilder::max_body_bytes`], bounds it).
    /// An invalid body fails as soon as the bytes received make the error certain (a bad
    /// byte at once; a body that ends too early at its end), and the rest is not read: the
    /// connection is closed, after the read already waiting (if any) ends.
    ///
    /// The result is the header, the event count and the body's size. The events and the
    /// decode errors are those of `parse_visiting` on the whole body (an invalid body's error
    /// carries the byte offset, line and column, and the body's first 8 KiB). There is no raw
    /// dump to save and no view of unknown top-level fields: use `retrieve_visiting` for
    /// those. Retries as [`retrieve_visiting`](Self::retrieve_visiting): a body that fails
    /// once events of it were visited is not fetched again.
    ///
    /// ```no_run
    /// use lcsession::client::{Client, RetrieveOptions};
    /// use lcsession_core::ParseOptions;
    ///
    /// # fn main() -> Result<(), lcsession::client::ClientError> {
    /// let client = Client::builder().build()?;
    /// let mut chars = 0;
    /// let streamed = client.retrieve_streaming(
    ///     "ses-abc123",
    ///     &RetrieveOptions::default(),
    ///     ParseOptions::default(),
    ///     |event| chars += event.content().map_or(0, |c| c.chars().count()),
    /// )?;
    /// println!(
    ///     "{}: {} events, {chars} characters of text, {} bytes received",
    ///     streamed.header().session_id,
    ///     streamed.event_count(),
    ///     streamed.body_len(),
    /// );
    /// # Ok(()) }
    /// ```
    pub fn retrieve_streaming(
        &self,
        session_id: &str,
        options: &RetrieveOptions,
        parse: ParseOptions,
        mut visit: impl FnMut(&Event<'_>),
    ) -> Result<StreamedSession, ClientError> {
        let url = self.url_for(session_id, options)?;
        self.with_retries(|attempt| {
            let mut decoder = Box::new(SessionDecoder::new(parse));
            let streamed = self.attempt_with(&url, attempt, &mut |reader, response| {
                stream::receive_streaming(
                    reader,
                    response.content_length,
                    response.limit,
                    &mut decoder,
                    &mut visit,
                )
                .map_err(|e| self.stream_failure(e, response))
                .map(|streamed| StreamedSession {
                    streamed,
                    status: response.status,
                    request_id: response.request_id.clone(),
                })
            });
            let visited = decoder.event_count();
            match streamed {
                // An invalid body is not retried anyway, and says where it went wrong.
                Err(failure)
                    if visited > 0 && failure.error.kind() != ClientErrorKind::InvalidBody =>
                {
                    Err(failure.not_retried_after(visited))
                }
                other => other,
            }
        })
    }

    /// The failure of a streamed body.
    fn stream_failure(&self, error: stream::StreamError, response: &Response<'_>) -> Failure {
        match error {
            stream::StreamError::Io(e) => response.io_failure(e),
            stream::StreamError::TooLarge => response.too_large(),
            stream::StreamError::Invalid {
                error,
                line_column,
                head,
            } => {
                Failure::fatal(response.with_context(body::invalid_body(error, line_column, &head)))
            }
        }
    }

    /// [`retrieve_visiting`](Self::retrieve_visiting) with header capacities of the caller's
    /// choosing (as [`SessionBody::parse_with`]): once the whole body is decoded, `then` is
    /// called once with the body and its session, and its result is returned. `then` is not
    /// called when the retrieve or the decoding fails.
    ///
    /// ```no_run
    /// use lcsession::client::{Client, RetrieveOptions};
    /// use lcsession_core::ParseOptions;
    ///
    /// # fn main() -> Result<(), lcsession::client::ClientError> {
    /// let client = Client::builder().build()?;
    /// // Titles up to 4 KiB, ids up to 256 bytes, up to 64 index ids.
    /// let title = client.retrieve_visiting_with::<256, 4096, 64, _>(
    ///     "ses-abc123",
    ///     &RetrieveOptions::default(),
    ///     ParseOptions::default(),
    ///     |_event| {},
    ///     |body, session| {
    ///         println!("{} bytes, {} events", body.as_bytes().len(), session.event_count());
    ///         session.header().generated_title.clone()
    ///     },
    /// )?;
    /// println!("{title:?}");
    /// # Ok(()) }
    /// ```
    pub fn retrieve_visiting_with<const ID: usize, const TEXT: usize, const LIST: usize, R>(
        &self,
        session_id: &str,
        options: &RetrieveOptions,
        parse: ParseOptions,
        visit: impl FnMut(&Event<'_>),
        then: impl FnOnce(&SessionBody, &Session<'_, ID, TEXT, LIST>) -> R,
    ) -> Result<R, ClientError> {
        self.retrieve_then(session_id, options, parse, Revisits::Refused, visit, then)
    }

    /// [`retrieve`](Self::retrieve) then [`SessionBody::parse_with`], sooner: the body is
    /// decoded while it arrives, as by
    /// [`retrieve_visiting_with`](Self::retrieve_visiting_with), and `then` gets the body
    /// and its session. There is no visitor, so the retries are exactly `retrieve`'s: a body
    /// cut off anywhere is fetched again. `then` is not called when the retrieve or the
    /// decoding fails.
    ///
    /// ```no_run
    /// use lcsession::client::{Client, RetrieveOptions};
    /// use lcsession_core::ParseOptions;
    ///
    /// # fn main() -> Result<(), lcsession::client::ClientError> {
    /// let client = Client::builder().build()?;
    /// let events = client.retrieve_parsed_with::<256, 4096, 64, _>(
    ///     "ses-abc123",
    ///     &RetrieveOptions::default(),
    ///     ParseOptions::default(),
    ///     |_body, session| session.event_count(),
    /// )?;
    /// println!("{events} events");
    /// # Ok(()) }
    /// ```
    pub fn retrieve_parsed_with<const ID: usize, const TEXT: usize, const LIST: usize, R>(
        &self,
        session_id: &str,
        options: &RetrieveOptions,
        parse: ParseOptions,
        then: impl FnOnce(&SessionBody, &Session<'_, ID, TEXT, LIST>) -> R,
    ) -> Result<R, ClientError> {
        let visit = |_: &Event<'_>| {};
        self.retrieve_then(session_id, options, parse, Revisits::Allowed, visit, then)
    }

    /// What [`retrieve_visiting_with`](Self::retrieve_visiting_with) and
    /// [`retrieve_parsed_with`](Self::retrieve_parsed_with) do, with their retry policy.
    fn retrieve_then<const ID: usize, const TEXT: usize, const LIST: usize, R>(
        &self,
        session_id: &str,
        options: &RetrieveOptions,
        parse: ParseOptions,
        revisits: Revisits,
        mut visit: impl FnMut(&Event<'_>),
        then: impl FnOnce(&SessionBody, &Session<'_, ID, TEXT, LIST>) -> R,
    ) -> Result<R, ClientError> {
        let (body, pending) =
            self.receive_pending(session_id, options, parse, revisits, &mut visit)?;
        // On the heap: with large capacities (the CLI's header is 168 KiB) a session
        // returned by value would be copied through the stack on its way here.
        let mut session = Box::<Session<'_, ID, TEXT, LIST>>::default();
        pending.finish_into(&body, &mut session, &mut visit)?;
        Ok(then(&body, &session))
    }

    /// The receive of [`retrieve_visiting_with`](Self::retrieve_visiting_with), apart from
    /// its finish, for a caller that keeps the body somewhere of its own before decoding its
    /// last piece (the C API, whose body and session are two handles).
    pub(crate) fn receive_pending<const ID: usize, const TEXT: usize, const LIST: usize>(
        &self,
        session_id: &str,
        options: &RetrieveOptions,
        parse: ParseOptions,
        revisits: Revisits,
        visit: &mut impl FnMut(&Event<'_>),
    ) -> Result<(SessionBody, Pending<'_, ID, TEXT, LIST>), ClientError> {
        let (received, attempts) =
            self.receive_decoding(session_id, options, parse, revisits, visit)?;
        let Received {
            body,
            feed,
            utf8_valid,
        } = received;
        let pending = Pending {
            client: self,
            feed,
            utf8_valid,
            attempts,
            parse,
        };
        Ok((body, pending))
    }

    /// The retrieve of [`retrieve_visiting`](Self::retrieve_visiting): the body, decoded as
    /// it arrived up to its last piece, and the number of attempts it took.
    fn receive_decoding<const ID: usize, const TEXT: usize, const LIST: usize>(
        &self,
        session_id: &str,
        options: &RetrieveOptions,
        parse: ParseOptions,
        revisits: Revisits,
        visit: &mut impl FnMut(&Event<'_>),
    ) -> Result<(Received<ID, TEXT, LIST>, u32), ClientError> {
        let url = self.url_for(session_id, options)?;
        self.with_retries_counted(|attempt| {
            let mut feed = TextFeed::new(parse);
            let mut utf8_valid = 0;
            let received = self.attempt(&url, attempt, &mut |reader, len, limit| {
                receive_feeding(reader, len, limit, &mut feed, &mut utf8_valid, visit)
            });
            let visited = feed.event_count();
            match received {
                Ok(body) => Ok(Received {
                    body,
                    feed,
                    utf8_valid,
                }),
                Err(failure) if visited > 0 && revisits == Revisits::Refused => {
                    Err(failure.not_retried_after(visited))
                }
                Err(failure) => Err(failure),
            }
        })
    }

    /// Runs `attempt` (given the number of retries taken so far) until it succeeds, fails
    /// for good, or the retries are used up, sleeping between attempts per the policy.
    fn with_retries<T>(
        &self,
        attempt: impl FnMut(u32) -> Result<T, Failure>,
    ) -> Result<T, ClientError> {
        self.with_retries_counted(attempt).map(|(done, _)| done)
    }

    /// [`with_retries`](Self::with_retries), also returning the number of attempts made.
    fn with_retries_counted<T>(
        &self,
        mut attempt: impl FnMut(u32) -> Result<T, Failure>,
    ) -> Result<(T, u32), ClientError> {
        let mut retries_taken = 0u32;
        loop {
            match attempt(retries_taken) {
                Ok(done) => return Ok((done, retries_taken + 1)),
                Err(failure) => {
                    let error = self.decorate(failure.error, retries_taken + 1);
                    if !failure.retryable || retries_taken >= self.inner.max_retries {
                        return Err(error);
                    }
                    let delay = failure
                        .server_delay
                        .unwrap_or_else(|| backoff(retries_taken, self.inner.jitter.next()));
                    self.emit(&TraceEvent::Retry {
                        attempt: retries_taken,
                        delay,
                        reason: &error,
                    });
                    (self.inner.sleep)(delay);
                    retries_taken += 1;
                }
            }
        }
    }

    /// An error as the caller gets it: the number of attempts made, the API key redacted.
    fn decorate(&self, error: ClientError, attempts: u32) -> ClientError {
        error
            .with_attempts(attempts)
            .redact_key(&self.inner.api_key)
    }

    /// The headers of one attempt, in order: the SDK set, then `LLAMA_CLOUD_CUSTOM_HEADERS`
    /// and [`ClientBuilder::header`] ones replacing same-named ones.
    fn headers(&self, attempt: u32) -> Vec<(String, String)> {
        let mut headers: Vec<(String, String)> = [
            ("Accept", "application/json".to_owned()),
            ("Authorization", self.inner.api_key.bearer()),
            ("User-Agent", USER_AGENT.to_owned()),
            ("X-Stainless-Lang", "rust".to_owned()),
            (
                "X-Stainless-Package-Version",
                env!("CARGO_PKG_VERSION").to_owned(),
            ),
            ("X-Stainless-OS", platform::os()),
            ("X-Stainless-Arch", platform::arch()),
            ("X-Stainless-Runtime", "rustc".to_owned()),
            (
                "X-Stainless-Runtime-Version",
                platform::RUNTIME_VERSION.to_owned(),
            ),
            ("x-stainless-retry-count", attempt.to_string()),
        ]
        .into_iter()
        .map(|(n, v)| (n.to_owned(), v))
        .collect();
        for (name, value) in &self.inner.extra_headers {
            match headers
                .iter_mut()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                Some(slot) => *slot = (name.clone(), value.clone()),
                None => headers.push((name.clone(), value.clone())),
            }
        }
        headers
    }

    fn emit(&self, event: &TraceEvent<'_>) {
        if let Some(trace) = &self.inner.trace {
            trace(event);
        }
    }

    /// One request; a 2xx body is read by `receive` (given the reader, the
    /// `Content-Length` if any, and the size limit).
    fn attempt(
        &self,
        url: &str,
        attempt: u32,
        receive: &mut Receive<'_>,
    ) -> Result<SessionBody, Failure> {
        self.attempt_with(url, attempt, &mut |reader, response| {
            let bytes = receive(reader, response.content_length, response.limit)
                .map_err(|e| response.io_failure(e))?;
            if bytes.as_slice().len() as u64 > response.limit {
                return Err(response.too_large());
            }
            Ok(SessionBody::new(
                bytes,
                response.status,
                response.request_id.clone(),
                url.to_owned(),
                self.inner.api_key.clone(),
            ))
        })
    }

    /// One attempt: sends the request and reads an error response into a [`Failure`], or
    /// hands a 2xx body's reader to `receive` with what is known of the response. A
    /// `Content-Length` over the size limit fails before `receive` is called.
    fn attempt_with<T>(
        &self,
        url: &str,
        attempt: u32,
        receive: &mut dyn FnMut(&mut BodyReader<'static>, &Response<'_>) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        let headers = self.headers(attempt);
        if self.inner.trace.is_some() {
            let redacted: Vec<(String, String)> = headers
                .iter()
                .map(|(n, v)| {
                    if n.eq_ignore_ascii_case("authorization") {
                        (n.clone(), "Bearer <REDACTED>".to_owned())
                    } else {
                        // A custom header may carry the key too.
                        (n.clone(), self.inner.api_key.redact(v).into_owned())
                    }
                })
                .collect();
            self.emit(&TraceEvent::Request {
                attempt,
                url,
                headers: &redacted,
            });
        }
        let mut request = self.inner.agent.get(url);
        for (name, value) in &headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let response = request.call().map_err(|e| transport_failure(e, url))?;
        if let Some(history) = response.get_redirect_history() {
            // Kept only when tracing: the request's URL, then each place it was sent on to.
            for to in history.iter().skip(1) {
                self.emit(&TraceEvent::Redirected {
                    attempt,
                    // Server text: a `Location` may carry the key.
                    url: &self.inner.api_key.redact(&to.to_string()),
                });
            }
        }

        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let request_id = header("x-request-id");
        let should_retry = header("x-should-retry");
        let delay = server_delay(
            header("retry-after-ms").as_deref(),
            header("retry-after").as_deref(),
            SystemTime::now(),
        );
        if self.inner.trace.is_some() {
            let list: Vec<(String, String)> = response
                .headers()
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_owned(),
                        // Server text: it may echo the key.
                        self.inner
                            .api_key
                            .redact(&String::from_utf8_lossy(v.as_bytes()))
                            .into_owned(),
                    )
                })
                .collect();
            self.emit(&TraceEvent::Response {
                attempt,
                status,
                headers: &list,
            });
        }
        let content_length = response.body().content_length();
        let (_, body) = response.into_parts();
        let mut reader = body.into_with_config().limit(u64::MAX).reader();
        let response = Response {
            url,
            status,
            request_id,
            content_length: content_length.and_then(|n| usize::try_from(n).ok()),
            limit: self.inner.max_body_bytes,
        };

        if !(200..300).contains(&status) {
            let mut text = Vec::new();
            let complete = (&mut reader)
                .take(ERROR_BODY_READ_LIMIT)
                .read_to_end(&mut text)
                .is_ok();
            let reason = reason_phrase(status);
            return Err(Failure {
                error: response.with_context(
                    ClientError::new(
                        ClientErrorKind::from_status(status),
                        format!("{status} {reason}").trim_end().to_owned(),
                    )
                    .with_body(
                        &text,
                        !complete || text.len() as u64 >= ERROR_BODY_READ_LIMIT,
                    ),
                ),
                retryable: should_retry_status(status, should_retry.as_deref()),
                server_delay: delay,
            });
        }
        if content_length.is_some_and(|n| n > response.limit) {
            return Err(response.too_large());
        }
        receive(&mut reader, &response)
    }
}

/// What an attempt knows of a 2xx response when its body is read.
struct Response<'u> {
    url: &'u str,
    status: u16,
    request_id: Option<String>,
    /// The `Content-Length`, if any.
    content_length: Option<usize>,
    /// The client's size limit.
    limit: u64,
}

impl Response<'_> {
    /// `error` with the request's URL, the status and the request id.
    fn with_context(&self, error: ClientError) -> ClientError {
        error
            .with_url(self.url)
            .with_status(self.status)
            .with_request_id(self.request_id.clone())
    }

    /// The failure of a body over the size limit (not retried).
    fn too_large(&self) -> Failure {
        Failure::fatal(self.with_context(ClientError::new(
            ClientErrorKind::TooLarge,
            format!(
                "the response body is larger than the limit of {} bytes",
                self.limit
            ),
        )))
    }

    /// The failure of reading the body.
    fn io_failure(&self, error: io::Error) -> Failure {
        let mut failure = io_failure(error, "reading the response body");
        failure.error = self.with_context(failure.error);
        failure
    }
}

/// What [`Client::retrieve_streaming`] returns: the header and the counts of a session whose
/// events went to the visitor, and whose body was not kept.
#[derive(Debug)]
pub struct StreamedSession {
    streamed: stream::Streamed,
    status: u16,
    request_id: Option<String>,
}

impl StreamedSession {
    /// The session's header.
    pub fn header(&self) -> &Header {
        &self.streamed.header
    }

    /// The number of events (each was visited once).
    pub fn event_count(&self) -> usize {
        self.streamed.event_count
    }

    /// The size of the body received, in bytes.
    pub fn body_len(&self) -> u64 {
        self.streamed.body_len
    }

    /// The most memory the body took at once, in bytes: the segments allocated (each
    /// [`STREAM_HEADROOM`] + [`STREAM_SEGMENT`], at most [`STREAM_SEGMENTS_AHEAD`] + 2), plus
    /// the buffer that gathered the longest event when one was longer than the headroom.
    pub fn buffer_peak(&self) -> usize {
        self.streamed.segments * (STREAM_HEADROOM + STREAM_SEGMENT) + self.streamed.gathered_peak
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response's `x-request-id`, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

/// Whether a body that fails after some of its events were visited may be fetched again
/// (its events visited again from the first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Revisits {
    /// No: the caller's visitor has seen them (the error says how many).
    Refused,
    /// Yes: the visitor does nothing.
    Allowed,
}

/// How an attempt reads a 2xx body: given the reader, the `Content-Length` if any, and the
/// size limit.
type Receive<'r> =
    dyn FnMut(&mut BodyReader<'static>, Option<usize>, u64) -> io::Result<BodyBytes> + 'r;

/// How [`Client::retrieve_visiting`] reads a body: overlapped with decoding where the body
/// is mapped (see [`overlap`] and [`storage`]), else whole and then decoded by the final call.
fn receive_feeding<const ID: usize, const TEXT: usize, const LIST: usize>(
    reader: &mut BodyReader<'static>,
    len: Option<usize>,
    limit: u64,
    feed: &mut TextFeed<ID, TEXT, LIST>,
    utf8_valid: &mut usize,
    visit: &mut impl FnMut(&Event<'_>),
) -> io::Result<BodyBytes> {
    let max = limit.saturating_add(1);
    let (mut bytes, end) = match len {
        Some(len) => match BodyBytes::mapped(len) {
            Some(mapped) => (mapped?, BodyEnd::Exact),
            None => return BodyBytes::read_exact_len(reader, len),
        },
        // No length (chunked): into a reservation of the limit, if the system gives one.
        None => match usize::try_from(max).ok().and_then(BodyBytes::reserved) {
            Some(reserved) => (reserved, BodyEnd::Eof),
            None => return BodyBytes::read_up_to(reader, max),
        },
    };
    // The helper thread also checks the UTF-8 of each piece it received (while it is in its
    // cache), which takes that check off the decoding thread.
    let mut checked = 0;
    let overlapped = overlap::receive_overlapped(
        reader,
        bytes.as_mut_slice(),
        end,
        DECODE_PIECE,
        move |received| {
            checked = text_feed::utf8_checked(received, checked);
            checked
        },
        |received, valid| feed.feed(received, valid, visit),
    )?;
    match (overlapped, end) {
        (Some((received, valid)), _) => {
            bytes.truncate(received);
            *utf8_valid = valid;
        }
        // No helper thread: received here, decoded whole by the final call.
        (None, BodyEnd::Exact) => bytes.fill_from(reader)?,
        (None, BodyEnd::Eof) => bytes.fill_to_end(reader)?,
    }
    Ok(bytes)
}

/// [`Client::retrieve_visiting`] decodes after at least this many new bytes: a call costs a
/// little (a retried cut event, a wake-up), a long wait delays the decode.
const DECODE_PIECE: usize = 256 * 1024;

/// The canonical reason phrase of a status (`404` → `"Not Found"`), or `""` when there is
/// none.
pub fn reason_phrase(status: u16) -> &'static str {
    ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// Classifies a failure of `call()` (nothing useful was received).
fn transport_failure(error: ureq::Error, url: &str) -> Failure {
    use ureq::Error as E;
    let error = match error {
        E::Io(io) => {
            let failure = io_failure(io, "request failed");
            return Failure {
                error: failure.error.with_url(url),
                ..failure
            };
        }
        other => other,
    };
    let (kind, retryable, message) = match &error {
        E::Timeout(t) => (
            ClientErrorKind::Timeout,
            true,
            format!("request timed out ({t})"),
        ),
        E::HostNotFound => (
            ClientErrorKind::Connection,
            true,
            "host not found".to_owned(),
        ),
        E::ConnectionFailed => (
            ClientErrorKind::Connection,
            true,
            "connection failed".to_owned(),
        ),
        E::Protocol(p) => (
            ClientErrorKind::Connection,
            true,
            format!("invalid HTTP response: {p}"),
        ),
        E::Tls(t) => (ClientErrorKind::Connection, true, format!("TLS error: {t}")),
        E::BadUri(_) | E::Http(_) => (
            ClientErrorKind::InvalidConfig,
            false,
            format!("invalid request: {error}"),
        ),
        _ => (ClientErrorKind::Connection, false, error.to_string()),
    };
    Failure {
        error: ClientError::new(kind, message)
            .with_url(url)
            .with_source(error),
        retryable,
        server_delay: None,
    }
}

/// Classifies an I/O error (while connecting or reading the body): timeouts and every other
/// I/O failure (reset, early close, truncated body) are retried.
fn io_failure(error: std::io::Error, what: &str) -> Failure {
    use std::io::ErrorKind as K;
    let inner_timeout = error
        .get_ref()
        .and_then(|e| e.downcast_ref::<ureq::Error>())
        .is_some_and(|e| matches!(e, ureq::Error::Timeout(_)));
    let (kind, message) = if inner_timeout || matches!(error.kind(), K::TimedOut | K::WouldBlock) {
        (
            ClientErrorKind::Timeout,
            format!("{what}: timed out ({error})"),
        )
    } else {
        (ClientErrorKind::Connection, format!("{what}: {error}"))
    };
    Failure {
        error: ClientError::new(kind, message).with_source(error),
        retryable: true,
        server_delay: None,
    }
}
