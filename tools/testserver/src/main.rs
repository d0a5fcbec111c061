//! `lcsession-testserver FILE [--chunked]`: serves FILE as the answer to every request on
//! an ephemeral port of 127.0.0.1, prints the base URL on the first line of stdout, and
//! logs each new TCP connection on stderr. Stops at end of stdin (or when killed).
//! Used by `benches/retrieve.sh`.

use std::io::{BufRead, Write};
use std::sync::Arc;

use lcsession_testserver::{BodyMode, Reply, Server};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(file) = args.next() else {
        eprintln!("usage: lcsession-testserver FILE [--chunked]");
        std::process::exit(2);
    };
    let chunked = args.any(|a| a == "--chunked");
    let body = match std::fs::read(&file) {
        Ok(b) => Arc::new(b),
        Err(e) => {
            eprintln!("lcsession-testserver: {file}: {e}");
            std::process::exit(1);
        }
    };
    let reply = Reply::shared(200, body).mode(if chunked {
        BodyMode::Chunked(64 * 1024)
    } else {
        BodyMode::Full
    });
    let server = Server::start(move |_, _| reply.clone());
    println!("{}", server.base_url());
    let _ = std::io::stdout().flush();
    // Serve until stdin closes, then report the counts.
    let stdin = std::io::stdin();
    for _ in stdin.lock().lines() {}
    eprintln!(
        "lcsession-testserver: {} requests on {} connections",
        server.requests().len(),
        server.connections()
    );
}
