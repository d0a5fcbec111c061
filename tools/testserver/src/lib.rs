//! A scripted HTTP/1.1 server on `127.0.0.1` for lcsession's client tests and benchmarks.
//!
//! It listens on an ephemeral port, answers each request with the next [`Reply`] of a
//! script (or from a handler function), records every request exactly as received (request
//! line and headers, in order) and counts TCP connections. It can misbehave on purpose:
//! chunked bodies, a body cut short, a TCP reset in the middle of the body, a stall before
//! the headers. Dropping the [`Server`] stops it.
//!
//! ```
//! use lcsession_testserver::{Reply, Server};
//! let server = Server::script(vec![Reply::json(200, "{}")]);
//! let url = format!("{}/anything", server.base_url());
//! # let _ = url;
//! assert_eq!(server.connections(), 0);
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// How a reply's body goes on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyMode {
    /// `Content-Length` and the whole body.
    Full,
    /// `Transfer-Encoding: chunked`, in chunks of this many bytes.
    Chunked(usize),
    /// `Transfer-Encoding: chunked` in chunks of the first size; a pause once the chunks sent
    /// reach the second size, then the rest.
    ChunkedStall(usize, usize, Duration),
    /// `Content-Length` of the whole body, but only this many bytes are sent, then the
    /// connection is closed cleanly (FIN).
    Truncated(usize),
    /// `Content-Length` of the whole body, this many bytes, then a TCP reset (RST).
    Reset(usize),
    /// No length at all; the body ends when the connection closes.
    CloseDelimited,
    /// `Content-Length`, this many bytes, a pause, then the rest.
    Stall(usize, Duration),
}

/// One scripted response.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Extra response headers (the server adds `Content-Length` or
    /// `Transfer-Encoding` itself).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Arc<Vec<u8>>,
    /// How the body is sent.
    pub mode: BodyMode,
    /// Wait this long before sending anything (to trigger client timeouts).
    pub delay: Duration,
    /// Close the connection after this reply (`Connection: close`).
    pub close: bool,
}

impl Reply {
    /// A reply with `status` and `body`, sent with `Content-Length`, no extra headers.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Arc::new(body.into()),
            mode: BodyMode::Full,
            delay: Duration::ZERO,
            close: false,
        }
    }

    /// A reply with `Content-Type: application/json`.
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::new(status, body).header("Content-Type", "application/json")
    }

    /// A reply sharing a (large) body without copying it.
    pub fn shared(status: u16, body: Arc<Vec<u8>>) -> Self {
        Self {
            body,
            ..Self::new(status, Vec::new())
        }
        .header("Content-Type", "application/json")
    }

    /// Adds a response header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets how the body is sent.
    pub fn mode(mut self, mode: BodyMode) -> Self {
        self.mode = mode;
        self
    }

    /// Waits before answering.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Closes the connection after this reply.
    pub fn close(mut self) -> Self {
        self.close = true;
        self
    }
}

/// A request as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The request line, without CRLF (`GET /api/v1/chat/x HTTP/1.1`).
    pub line: String,
    /// The method.
    pub method: String,
    /// The request target exactly as sent (path and query).
    pub target: String,
    /// The headers in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// Which TCP connection carried it (0, 1, ... in accept order).
    pub connection: usize,
}

impl Request {
    /// The value of a header (name compared case-insensitively); `None` when absent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

type Handler = dyn Fn(&Request, usize) -> Reply + Send + Sync;

struct State {
    handler: Box<Handler>,
    requests: Mutex<Vec<Request>>,
    connections: AtomicUsize,
    stop: AtomicBool,
}

/// A running server; stops when dropped.
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts a server answering request number `n` (0-based, over all connections) with
    /// `handler(&request, n)`.
    pub fn start(handler: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let state = Arc::new(State {
            handler: Box::new(handler),
            requests: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
        });
        let accept_state = Arc::clone(&state);
        let accept = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if accept_state.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let id = accept_state.connections.fetch_add(1, Ordering::SeqCst);
                let state = Arc::clone(&accept_state);
                std::thread::spawn(move || serve_connection(stream, id, &state));
            }
        });
        Self {
            addr,
            state,
            accept: Some(accept),
        }
    }

    /// Starts a server answering the requests with `replies` in order; once they run out,
    /// the last one repeats. Panics when `replies` is empty.
    pub fn script(replies: Vec<Reply>) -> Self {
        assert!(!replies.is_empty(), "a script needs at least one reply");
        Self::start(move |_, n| {
            replies
                .get(n)
                .or(replies.last())
                .cloned()
                .unwrap_or_else(|| Reply::new(500, ""))
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.state
            .requests
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default()
    }

    /// How many TCP connections were accepted.
    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop; it sees the flag and ends.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

/// Reads requests from one connection and answers them until it closes.
fn serve_connection(stream: TcpStream, connection: usize, state: &State) {
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let mut out = write_half;
    loop {
        let Some(request) = read_request(&mut reader, connection) else {
            return;
        };
        if state.stop.load(Ordering::SeqCst) {
            return;
        }
        let n = {
            let Ok(mut requests) = state.requests.lock() else {
                return;
            };
            requests.push(request.clone());
            requests.len() - 1
        };
        let reply = (state.handler)(&request, n);
        if !write_reply(&mut out, &reply) {
            // Truncated, reset or close-delimited: dropping both halves closes the socket
            // (with a RST when SO_LINGER was set to 0).
            return;
        }
        if reply.close {
            let _ = out.shutdown(Shutdown::Both);
            return;
        }
    }
}

/// Reads a request head (the GET carries no body). `None` at EOF or on garbage.
fn read_request(reader: &mut BufReader<TcpStream>, connection: usize) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let line = line.trim_end_matches(['\r', '\n']).to_owned();
    let mut parts = line.splitn(3, ' ');
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end_matches(['\r', '\n']);
        if h.is_empty() {
            break;
        }
        let (name, value) = h.split_once(':')?;
        headers.push((name.to_owned(), value.trim().to_owned()));
    }
    Some(Request {
        line,
        method,
        target,
        headers,
        connection,
    })
}

/// Writes one reply; `false` when the connection must end afterwards.
fn write_reply(out: &mut TcpStream, reply: &Reply) -> bool {
    if !reply.delay.is_zero() {
        std::thread::sleep(reply.delay);
    }
    let reason = reason(reply.status);
    let mut head = format!("HTTP/1.1 {} {reason}\r\n", reply.status);
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let body = reply.body.as_slice();
    match reply.mode {
        BodyMode::Chunked(_) | BodyMode::ChunkedStall(..) => {
            head.push_str("Transfer-Encoding: chunked\r\n")
        }
        BodyMode::CloseDelimited => head.push_str("Connection: close\r\n"),
        _ => head.push_str(&format!("Content-Length: {}\r\n", body.len())),
    }
    if reply.close && reply.mode != BodyMode::CloseDelimited {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    if out.write_all(head.as_bytes()).is_err() {
        return false;
    }
    match &reply.mode {
        BodyMode::Full => out.write_all(body).is_ok(),
        BodyMode::Chunked(size) => write_chunked(out, body, *size, None),
        BodyMode::ChunkedStall(size, sent, pause) => {
            write_chunked(out, body, *size, Some((*sent, *pause)))
        }
        BodyMode::Truncated(sent) => {
            let _ = out.write_all(body.get(..*sent).unwrap_or(body));
            let _ = out.flush();
            false
        }
        BodyMode::Reset(sent) => {
            let _ = out.write_all(body.get(..*sent).unwrap_or(body));
            let _ = out.flush();
            // Give the bytes time to leave, then abort the connection with a RST.
            std::thread::sleep(Duration::from_millis(20));
            let _ = socket2::SockRef::from(&*out).set_linger(Some(Duration::ZERO));
            false
        }
        BodyMode::CloseDelimited => {
            let _ = out.write_all(body);
            false
        }
        BodyMode::Stall(sent, pause) => {
            let (first, rest) = body.split_at((*sent).min(body.len()));
            let _ = out.write_all(first);
            let _ = out.flush();
            std::thread::sleep(*pause);
            out.write_all(rest).is_ok()
        }
    }
}

/// Writes `body` in chunks of `size` bytes, pausing once (`stall`) after the chunks have
/// reached that many bytes; false when the connection failed.
fn write_chunked(
    out: &mut impl Write,
    body: &[u8],
    size: usize,
    mut stall: Option<(usize, Duration)>,
) -> bool {
    let mut sent = 0;
    for chunk in body.chunks(size.max(1)) {
        let framed = write!(out, "{:x}\r\n", chunk.len()).is_ok()
            && out.write_all(chunk).is_ok()
            && out.write_all(b"\r\n").is_ok()
            && out.flush().is_ok();
        if !framed {
            return false;
        }
        sent += chunk.len();
        if stall.is_some_and(|(at, _)| sent >= at) {
            if let Some((_, pause)) = stall.take() {
                std::thread::sleep(pause);
            }
        }
    }
    out.write_all(b"0\r\n\r\n").is_ok()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        409 => "Conflict",
        418 => "I'm a teapot",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
