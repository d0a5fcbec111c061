//! `retrieve_bench URL_BASE SESSION_ID [COUNT]`: retrieves a session COUNT times (default 1)
//! with one client, each time decoding it fully (validation, header, every event read), and
//! prints one line per retrieve: `<seconds> <bytes> <events> <bytes read>`. Used by
//! `benches/retrieve.sh` (which compares it with curl); the API key is a placeholder the
//! loopback server ignores.
//!
//! By default it calls `Client::retrieve_visiting` (decoding while the body arrives). With
//! `RETRIEVE_SEQUENTIAL=1` it calls `retrieve`, then `parse_visiting` on the whole body;
//! with `RETRIEVE_ONLY=1` it calls `retrieve` only (no decoding, to split the time); with
//! `RETRIEVE_STREAMING=1` it calls `retrieve_streaming` (decoding while receiving, in
//! bounded memory).

use std::time::Instant;

use lcsession::client::{Client, RetrieveOptions};
use lcsession_core::{Event, ParseOptions, Session};

/// Touches what a reader would: the text, or the call id and arguments.
fn touch(event: &Event<'_>) -> usize {
    event.content().map_or(0, |c| c.raw().len())
        + event.tool_call().map_or(0, |t| {
            t.call_id.raw().len() + t.arguments.as_raw_str().len()
        })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(base), Some(id)) = (args.next(), args.next()) else {
        eprintln!("usage: retrieve_bench URL_BASE SESSION_ID [COUNT]");
        std::process::exit(2);
    };
    let count: u32 = args.next().map(|c| c.parse()).transpose()?.unwrap_or(1);
    let client = Client::builder()
        .api_key("bench")
        .base_url(base)
        .env(|_| None)
        .max_retries(0)
        .build()?;
    for _ in 0..count {
        let start = Instant::now();
        let report = |bytes: usize, events: usize, read: usize| {
            let secs = start.elapsed().as_secs_f64();
            println!("{secs:.6} {bytes} {events} {read}");
        };
        let mut read = 0usize;
        if std::env::var_os("RETRIEVE_STREAMING").is_some() {
            // Decoding while receiving, in bounded memory: the body is not kept.
            let streamed = client.retrieve_streaming(
                &id,
                &RetrieveOptions::default(),
                ParseOptions::default(),
                |event| read += touch(event),
            )?;
            let bytes = usize::try_from(streamed.body_len())?;
            report(bytes, streamed.event_count(), read);
            continue;
        }
        if std::env::var_os("RETRIEVE_SEQUENTIAL").is_none()
            && std::env::var_os("RETRIEVE_ONLY").is_none()
        {
            // Decoding while receiving: one pass, each event read as it is validated.
            let retrieved = client.retrieve_visiting(
                &id,
                &RetrieveOptions::default(),
                ParseOptions::default(),
                |event| read += touch(event),
            )?;
            let (bytes, events) = (
                retrieved.body().as_bytes().len(),
                retrieved.session().event_count(),
            );
            report(bytes, events, read);
            continue;
        }
        let body = client.retrieve(&id, &RetrieveOptions::default())?;
        if std::env::var_os("RETRIEVE_ONLY").is_some() {
            report(body.as_bytes().len(), 0, 0);
            continue;
        }
        // One pass: validate everything and read every event as it is validated.
        let session: Session =
            body.parse_visiting(ParseOptions::default(), |event| read += touch(event))?;
        report(body.as_bytes().len(), session.event_count(), read);
    }
    Ok(())
}
