//! Receiving a body in bounded memory (`Client::retrieve_streaming`): the body arrives in
//! segments, each decoded as it comes (`SessionDecoder::feed_window`) and recycled once
//! decoded, so the memory held is a few segments, not the body (plus what the decoder
//! cannot finish yet when that outgrows the headroom: a long event, a long run of
//! whitespace). An error stops it as soon as the decoder finds it certain.
//!
//! A segment is read whole ([`STREAM_SEGMENT`] bytes, or to the end of the body) into a buffer
//! with [`STREAM_HEADROOM`] free bytes before it. The bytes the decoder could not finish with (the
//! start of an event the segment's end cuts, usually a few KiB) are copied into the next
//! segment's headroom, just before its data, so the decoder sees one contiguous window
//! without the segment being copied. An event longer than the headroom is gathered in a
//! growing buffer of its own until it is whole.
//!
//! A helper thread reads the segments while the calling thread decodes (at most
//! [`STREAM_SEGMENTS_AHEAD`] waiting); where no thread can be started, the calling thread reads and
//! decodes in turn. Either way no `unsafe`: segments move between the threads by channel.

use std::io::{self, Read};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread;

use lcsession_core::{Event, Header, SessionDecoder};

use super::error::ERROR_BODY_CAPACITY;
use super::overlap::thread_refused;

/// The body bytes in one segment of [`Client::retrieve_streaming`](super::Client::retrieve_streaming).
pub const STREAM_SEGMENT: usize = 256 * 1024;
/// Free bytes before a segment's data, for the cut event carried over from the previous one.
pub const STREAM_HEADROOM: usize = 64 * 1024;
/// Segments the receiving thread may have read ahead of the decoder.
pub const STREAM_SEGMENTS_AHEAD: usize = 4;

/// What a streamed body left: the header and the counts (the events went to the visitor).
#[derive(Debug)]
pub(crate) struct Streamed {
    pub(crate) header: Box<Header>,
    pub(crate) event_count: usize,
    pub(crate) body_len: u64,
    /// Segments allocated.
    pub(crate) segments: usize,
    /// The largest capacity of a buffer that gathered a long event.
    pub(crate) gathered_peak: usize,
}

/// Why a streamed body did not give a session.
#[derive(Debug)]
pub(crate) enum StreamError {
    /// Reading failed (connection, timeout, a body shorter than its length).
    Io(io::Error),
    /// More bytes than the size limit.
    TooLarge,
    /// The bytes are not a valid session: the decoder's error, its line and column, and the
    /// first bytes of the body (as many as the error's body text needs).
    Invalid {
        error: lcsession_core::Error,
        line_column: (usize, usize),
        head: Vec<u8>,
    },
}

/// Reads `reader` to its end (`len`: the `Content-Length`, if any; at most `limit` bytes),
/// decoding as it goes with `decoder` and visiting each event as soon as it is whole; on a
/// helper thread when one starts. A panic in `visit` reaches the caller once the helper
/// has stopped (before its next read).
pub(crate) fn receive_streaming(
    reader: &mut (impl Read + Send),
    len: Option<usize>,
    limit: u64,
    decoder: &mut SessionDecoder,
    visit: &mut impl FnMut(&Event<'_>),
) -> Result<Streamed, StreamError> {
    let mut source = Source {
        reader,
        len,
        limit,
        received: 0,
    };
    let mut sink = Sink::new(decoder);
    let overlapped = if thread_refused() {
        None
    } else {
        receive_overlapped(&mut source, &mut sink, visit)
    };
    // No helper thread could be started (nothing was read): the calling thread does it all.
    overlapped.unwrap_or_else(|| receive_inline(&mut source, &mut sink, visit))
}

/// [`receive_streaming`] with a helper thread reading; `None` when it could not be started.
fn receive_overlapped(
    source: &mut Source<'_, impl Read + Send>,
    sink: &mut Sink<'_>,
    visit: &mut impl FnMut(&Event<'_>),
) -> Option<Result<Streamed, StreamError>> {
    thread::scope(|scope| {
        let (full_tx, full_rx) = mpsc::sync_channel::<Piece>(STREAM_SEGMENTS_AHEAD);
        let (free_tx, free_rx) = mpsc::channel::<Vec<u8>>();
        let receive = move || -> usize {
            let mut segments = Segments::default();
            loop {
                let segment = match free_rx.try_recv() {
                    Ok(segment) => segment,
                    Err(_) if segments.allocated < STREAM_SEGMENTS_AHEAD + 2 => segments.new_one(),
                    Err(_) => match free_rx.recv() {
                        Ok(segment) => segment,
                        // The decoder is done (finished, failed or panicked).
                        Err(_) => return segments.allocated,
                    },
                };
                let piece = source.next(segment);
                let last = !matches!(piece, Piece::Data(..));
                if full_tx.send(piece).is_err() || last {
                    return segments.allocated;
                }
            }
        };
        let helper = thread::Builder::new()
            .name("lcsession-stream".into())
            .spawn_scoped(scope, receive)
            .ok()?;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            for piece in full_rx.iter() {
                match piece {
                    Piece::Data(segment, n) => {
                        for spare in sink.take(segment, n, visit)? {
                            // The helper may have stopped already; the segment is dropped then.
                            let _ = free_tx.send(spare);
                        }
                    }
                    Piece::End => return sink.finish(visit),
                    Piece::Failed(e) => return Err(e),
                }
            }
            // The helper ends with `End` or `Failed`; it can only stop early by a panic.
            Err(StreamError::Io(io::Error::other(
                "the receiving thread stopped",
            )))
        }));
        // Unblocks the helper wherever it waits: its next send or its wait for a segment.
        drop(full_rx);
        drop(free_tx);
        let allocated = match helper.join() {
            Ok(allocated) => allocated,
            Err(panic) => resume_unwind(panic),
        };
        match outcome {
            Ok(result) => Some(result.map(|streamed| streamed.with_segments(allocated))),
            Err(panic) => resume_unwind(panic),
        }
    })
}

/// [`receive_streaming`] on the calling thread alone: read a segment, decode it, and so on.
fn receive_inline(
    source: &mut Source<'_, impl Read>,
    sink: &mut Sink<'_>,
    visit: &mut impl FnMut(&Event<'_>),
) -> Result<Streamed, StreamError> {
    let mut segments = Segments::default();
    let mut spare = Vec::new();
    loop {
        let segment = spare.pop().unwrap_or_else(|| segments.new_one());
        match source.next(segment) {
            Piece::Data(segment, n) => spare.extend(sink.take(segment, n, visit)?),
            Piece::End => return Ok(sink.finish(visit)?.with_segments(segments.allocated)),
            Piece::Failed(e) => return Err(e),
        }
    }
}

/// Allocates segments, counting them.
#[derive(Default)]
struct Segments {
    allocated: usize,
}

impl Segments {
    fn new_one(&mut self) -> Vec<u8> {
        self.allocated += 1;
        vec![0u8; STREAM_HEADROOM + STREAM_SEGMENT]
    }
}

impl Streamed {
    /// With the number of segments allocated.
    fn with_segments(mut self, allocated: usize) -> Self {
        self.segments = allocated;
        self
    }
}

/// What the receiving side hands the decoder.
enum Piece {
    /// A segment and the number of body bytes in it (after its headroom; at least one).
    Data(Vec<u8>, usize),
    /// The body is complete.
    End,
    /// Receiving failed.
    Failed(StreamError),
}

/// The receiving side: the body's reader and what it has given so far.
struct Source<'r, R> {
    reader: &'r mut R,
    len: Option<usize>,
    limit: u64,
    received: u64,
}

impl<R: Read> Source<'_, R> {
    /// Fills `segment` after its headroom, to its end or the end of the body.
    fn next(&mut self, mut segment: Vec<u8>) -> Piece {
        segment.resize(STREAM_HEADROOM + STREAM_SEGMENT, 0);
        let room = segment.get_mut(STREAM_HEADROOM..).unwrap_or_default();
        let mut n = 0;
        while n < room.len() {
            match self.reader.read(room.get_mut(n..).unwrap_or_default()) {
                Ok(0) => break,
                Ok(read) => n += read,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Piece::Failed(StreamError::Io(e)),
            }
        }
        self.received += n as u64;
        if self.received > self.limit {
            return Piece::Failed(StreamError::TooLarge);
        }
        if n > 0 {
            return Piece::Data(segment, n);
        }
        match self.len {
            Some(len) if self.received < len as u64 => {
                Piece::Failed(StreamError::Io(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("the body ended after {} of {len} bytes", self.received),
                )))
            }
            _ => Piece::End,
        }
    }
}

/// The decoding side: the decoder, and the bytes it has not finished with.
struct Sink<'d> {
    decoder: &'d mut SessionDecoder,
    /// Holds the window: the bytes from `base` (absolute) at `start`, to `end`.
    holder: Holder,
    start: usize,
    end: usize,
    base: usize,
    /// The body's first bytes, for an error.
    head: Vec<u8>,
    lines: Lines,
    /// The largest capacity of a gathered event.
    gathered_peak: usize,
}

/// Where the window's bytes are.
enum Holder {
    /// Nothing yet.
    Empty,
    /// A segment (the bytes before the window are headroom, or decoded).
    Segment(Vec<u8>),
    /// An event longer than the headroom, gathered across segments.
    Gathered(Vec<u8>),
}

/// The bytes `holder` holds (the window and what is around it).
fn held(holder: &Holder) -> &[u8] {
    match holder {
        Holder::Empty => &[],
        Holder::Segment(bytes) | Holder::Gathered(bytes) => bytes,
    }
}

impl<'d> Sink<'d> {
    fn new(decoder: &'d mut SessionDecoder) -> Self {
        Sink {
            decoder,
            holder: Holder::Empty,
            start: 0,
            end: 0,
            base: 0,
            head: Vec::new(),
            lines: Lines::default(),
            gathered_peak: 0,
        }
    }

    /// Decodes `segment` (`n` body bytes after its headroom) after what is pending; returns
    /// the segments it is done with.
    fn take(
        &mut self,
        mut segment: Vec<u8>,
        n: usize,
        visit: &mut impl FnMut(&Event<'_>),
    ) -> Result<Vec<Vec<u8>>, StreamError> {
        let data = segment
            .get(STREAM_HEADROOM..STREAM_HEADROOM + n)
            .unwrap_or_default();
        // One byte more than an error's body text looks at (`cap_text`), so it tells a
        // longer body as it would from the whole one.
        let keep = ERROR_BODY_CAPACITY + 4;
        if self.head.len() < keep {
            let take = (keep - self.head.len()).min(n);
            self.head
                .extend_from_slice(data.get(..take).unwrap_or_default());
        }
        // Drop what the decoder is done with (counting its lines for errors), but the last
        // byte: an error can point at it (a missing field, at the session's `}`).
        let done = self
            .decoder
            .consumed()
            .saturating_sub(1)
            .saturating_sub(self.base);
        let done = done.min(self.end - self.start);
        self.lines.advance(
            held(&self.holder)
                .get(self.start..self.start + done)
                .unwrap_or_default(),
        );
        self.start += done;
        self.base += done;
        let pending = self.end - self.start;
        let mut freed = Vec::new();
        let previous = std::mem::replace(&mut self.holder, Holder::Empty);
        if pending <= STREAM_HEADROOM {
            // The usual case: the cut event goes into the headroom, before the new bytes.
            let from = STREAM_HEADROOM - pending;
            let carried = held(&previous)
                .get(self.start..self.end)
                .unwrap_or_default();
            if let Some(to) = segment.get_mut(from..STREAM_HEADROOM) {
                to.copy_from_slice(carried);
            }
            self.holder = Holder::Segment(segment);
            self.start = from;
            self.end = STREAM_HEADROOM + n;
            if let Holder::Segment(previous) = previous {
                freed.push(previous);
            }
        } else {
            // An event longer than the headroom: gathered in a buffer of its own.
            let mut gathered = match previous {
                Holder::Gathered(mut before) => {
                    before.drain(..self.start);
                    before
                }
                Holder::Segment(before) => {
                    let mut gathered = Vec::with_capacity(2 * (pending + n));
                    gathered
                        .extend_from_slice(before.get(self.start..self.end).unwrap_or_default());
                    // Back to the pool: a segment kept out of it would be lost to the
                    // receiving thread, which waits for one once it has allocated its all.
                    freed.push(before);
                    gathered
                }
                Holder::Empty => Vec::new(),
            };
            gathered.extend_from_slice(data);
            self.gathered_peak = self.gathered_peak.max(gathered.capacity());
            self.start = 0;
            self.end = gathered.len();
            self.holder = Holder::Gathered(gathered);
            freed.push(segment);
        }
        self.feed(false, visit)?;
        Ok(freed)
    }

    /// Decodes the last window, with the body complete.
    fn finish(&mut self, visit: &mut impl FnMut(&Event<'_>)) -> Result<Streamed, StreamError> {
        self.feed(true, visit)?;
        Ok(Streamed {
            header: Box::new(self.decoder.header().clone()),
            event_count: self.decoder.event_count(),
            body_len: (self.base + (self.end - self.start)) as u64,
            segments: 0,
            gathered_peak: self.gathered_peak,
        })
    }

    fn feed(
        &mut self,
        complete: bool,
        visit: &mut impl FnMut(&Event<'_>),
    ) -> Result<(), StreamError> {
        let window = held(&self.holder)
            .get(self.start..self.end)
            .unwrap_or_default();
        match self
            .decoder
            .feed_window(window, self.base, complete, |e| visit(e))
        {
            Ok(_) => Ok(()),
            Err(error) => {
                let at = error.offset().saturating_sub(self.base);
                Err(StreamError::Invalid {
                    error,
                    line_column: self.lines.line_column(window, at),
                    head: std::mem::take(&mut self.head),
                })
            }
        }
    }
}

/// Line and column counting over the bytes dropped so far, for an error's line:column.
#[derive(Debug, Default)]
struct Lines {
    /// Newlines dropped.
    newlines: usize,
    /// Characters dropped after the last newline.
    column: usize,
}

impl Lines {
    /// Counts `dropped`, the bytes that follow those counted so far.
    fn advance(&mut self, dropped: &[u8]) {
        let (newlines, chars) = counts(dropped);
        if newlines == 0 {
            self.column += chars;
            return;
        }
        self.newlines += newlines;
        // Not reached without a newline: found scanning back from the end.
        let last = dropped.iter().rposition(|&b| b == b'\n').unwrap_or(0);
        self.column = counts(dropped.get(last + 1..).unwrap_or_default()).1;
    }

    /// 1-based line and column (in characters) of `offset` in `window`, the bytes after
    /// those counted.
    fn line_column(&self, window: &[u8], offset: usize) -> (usize, usize) {
        let (line, column) = lcsession_core::line_column(window, offset);
        if line > 1 {
            (self.newlines + line, column)
        } else {
            (self.newlines + 1, self.column + column)
        }
    }
}

/// The newlines and the characters (bytes that do not continue a UTF-8 sequence) in
/// `bytes`, in one pass that the compiler vectorises: per-lane byte counters, added up
/// before they could overflow.
fn counts(bytes: &[u8]) -> (usize, usize) {
    const LANES: usize = 32;
    let (mut newlines, mut chars) = (0usize, 0usize);
    for block in bytes.chunks(LANES * 255) {
        let mut lane_newlines = [0u8; LANES];
        let mut lane_chars = [0u8; LANES];
        let mut words = block.chunks_exact(LANES);
        for word in &mut words {
            for ((n, c), &b) in lane_newlines.iter_mut().zip(&mut lane_chars).zip(word) {
                *n += u8::from(b == b'\n');
                *c += u8::from((b & 0xC0) != 0x80);
            }
        }
        for &b in words.remainder() {
            newlines += usize::from(b == b'\n');
            chars += usize::from((b & 0xC0) != 0x80);
        }
        newlines += lane_newlines.iter().map(|&n| usize::from(n)).sum::<usize>();
        chars += lane_chars.iter().map(|&c| usize::from(c)).sum::<usize>();
    }
    (newlines, chars)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::overlap::{Trickle, REFUSE_THREADS};
    use lcsession_core::{ParseOptions, Session};

    /// Text events of about `size` bytes each (escapes, multi-byte characters), one per line
    /// when `lines`; the header after the events.
    fn session(sizes: &[usize], lines: bool) -> Vec<u8> {
        let mut doc = String::from("{\"events\":[");
        for (i, &size) in sizes.iter().enumerate() {
            if i > 0 {
                doc.push(',');
            }
            if lines {
                doc.push('\n');
            }
            doc.push_str(r#"{"type":"text","content":""#);
            let end = doc.len() + size;
            while doc.len() < end {
                doc.push_str(r#"caf\u00e9 \"q\" é 📈 \n"#);
            }
            doc.push_str(&format!(r#" {i}"}}"#));
        }
        doc.push_str("],\n\"session_id\":\"ses-s\",\"last_updated_at\":\"t\"}");
        doc.into_bytes()
    }

    /// Streams `doc` `step` bytes per read, inline or with the helper thread.
    fn stream(
        doc: &[u8],
        step: usize,
        inline: bool,
        limit: u64,
    ) -> (Result<Streamed, StreamError>, Vec<String>) {
        let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
        let mut visited = Vec::new();
        let mut reader = Trickle { data: doc, step };
        REFUSE_THREADS.with(|r| r.set(inline));
        let got = receive_streaming(
            &mut reader,
            Some(doc.len()),
            limit,
            &mut decoder,
            &mut |e: &Event<'_>| visited.push(format!("{e:?}")),
        );
        REFUSE_THREADS.with(|r| r.set(false));
        (got, visited)
    }

    #[test]
    // Sessions past a segment and the headroom take many minutes under Miri; this module has
    // no `unsafe`, and its thread and channel use runs under Miri in the other tests.
    #[cfg_attr(miri, ignore)]
    fn the_header_and_events_are_those_of_parse_visiting() {
        let events = 700;
        // Short events, and (past the headroom) long ones gathered across segments.
        let mut sizes = vec![1000; events];
        sizes[events / 2] = STREAM_HEADROOM + 5000;
        sizes[events - 1] = 3 * STREAM_SEGMENT;
        for doc in [session(&sizes, false), session(&[10, 20], true)] {
            let mut want_events = Vec::new();
            let want: Session<'_> = Session::parse_visiting(&doc, ParseOptions::default(), |e| {
                want_events.push(format!("{e:?}"))
            })
            .unwrap();
            for (step, inline) in [(doc.len(), false), (7_777, false), (100_000, true)] {
                let (got, visited) = stream(&doc, step, inline, u64::MAX);
                let got = got.unwrap();
                assert_eq!(format!("{:?}", got.header), format!("{:?}", want.header()));
                assert_eq!(got.event_count, want.event_count());
                assert_eq!(got.body_len, doc.len() as u64);
                assert!(visited == want_events, "step {step}, inline {inline}");
                let segments = (STREAM_SEGMENTS_AHEAD + 2) * (STREAM_HEADROOM + STREAM_SEGMENT);
                let buffer_peak =
                    got.segments * (STREAM_HEADROOM + STREAM_SEGMENT) + got.gathered_peak;
                assert!(buffer_peak <= segments + 4 * sizes[events - 1]);
            }
        }
    }

    #[test]
    // Sessions past a segment and the headroom take many minutes under Miri; this module has
    // no `unsafe`, and its thread and channel use runs under Miri in the other tests.
    #[cfg_attr(miri, ignore)]
    fn errors_have_the_offset_line_and_column_of_the_whole_body() {
        let events = 900;
        let doc = session(&vec![1000; events], true);
        let third = doc.len() / 3;
        // A control character inside a text, late; a syntax error between two late events;
        // invalid UTF-8; a cut body.
        let mut control = doc.clone();
        let at = control[2 * third..]
            .iter()
            .position(|&b| b == b'q')
            .unwrap()
            + 2 * third;
        control[at] = 0x01;
        let mut syntax = doc.clone();
        let at = syntax[2 * third..]
            .windows(3)
            .position(|w| w == b"},\n")
            .unwrap()
            + 2 * third;
        syntax[at + 1] = b':';
        let mut utf8 = doc.clone();
        let at = utf8[third..].iter().position(|&b| b == b'q').unwrap() + third;
        utf8[at] = 0xff;
        let cut = doc[..doc.len() - 10].to_vec();
        // Missing fields are reported at the session's `}`, here segments before the end.
        let mut missing = b"{\"events\":[]\n}".to_vec();
        missing.resize(missing.len() + 3 * STREAM_SEGMENT, b' ');
        for bad in [control, syntax, utf8, cut, missing] {
            let want = lcsession_core::parse(&bad).unwrap_err();
            for (step, inline) in [(bad.len(), false), (5_000, true)] {
                let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
                let mut reader = Trickle { data: &bad, step };
                REFUSE_THREADS.with(|r| r.set(inline));
                let got = receive_streaming(&mut reader, None, u64::MAX, &mut decoder, &mut |_| {});
                REFUSE_THREADS.with(|r| r.set(false));
                match got {
                    Err(StreamError::Invalid {
                        error,
                        line_column,
                        head,
                    }) => {
                        assert_eq!(error, want);
                        assert_eq!(line_column, want.line_column(&bad), "{want}");
                        assert_eq!(head, bad[..(ERROR_BODY_CAPACITY + 4).min(bad.len())]);
                    }
                    other => panic!("{want}: {other:?}"),
                }
            }
        }
    }

    #[test]
    #[cfg_attr(miri, ignore)] // Many segments: minutes under Miri.
    fn many_long_events_reuse_the_segments() {
        // Each long event takes the decoder from a segment to a gathered buffer and back:
        // every segment must go back to the pool, or the receiving thread, once it has
        // allocated all it may, waits for one forever.
        let mut sizes = Vec::new();
        for _ in 0..10 {
            sizes.push(STREAM_SEGMENT + 10_000);
            sizes.extend([500; 700]);
        }
        let doc = session(&sizes, false);
        let want: Session<'_> = Session::parse(&doc).unwrap();
        for inline in [false, true] {
            let (tx, rx) = mpsc::channel();
            let doc = doc.clone();
            thread::spawn(move || {
                let (got, visited) = stream(&doc, 50_000, inline, u64::MAX);
                let _ = tx.send(got.map(|s| (s.event_count, s.segments, visited.len())));
            });
            let got = rx.recv_timeout(std::time::Duration::from_secs(60));
            let (count, segments, visited) = got.expect("finished").unwrap();
            assert_eq!((count, visited), (want.event_count(), want.event_count()));
            assert!(segments <= STREAM_SEGMENTS_AHEAD + 2, "{segments} segments");
        }
    }

    #[test]
    fn a_short_or_too_large_body_fails() {
        let doc = session(&[100; 20], false);
        let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
        let mut reader = Trickle {
            data: &doc[..doc.len() - 1],
            step: 64,
        };
        let got = receive_streaming(
            &mut reader,
            Some(doc.len()),
            u64::MAX,
            &mut decoder,
            &mut |_| {},
        );
        match got {
            Err(StreamError::Io(e)) => {
                assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
                assert!(
                    e.to_string()
                        .contains(&format!("after {} of {}", doc.len() - 1, doc.len())),
                    "{e}"
                );
            }
            other => panic!("{other:?}"),
        }
        for (limit, ok) in [(doc.len() as u64 - 1, false), (doc.len() as u64, true)] {
            let (got, _) = stream(&doc, 64, false, limit);
            match got {
                Ok(got) => assert!(ok && got.body_len == doc.len() as u64),
                Err(e) => assert!(!ok && matches!(e, StreamError::TooLarge), "{e:?}"),
            }
        }
    }

    #[test]
    fn a_panicking_visitor_reaches_the_caller() {
        let doc = session(&[1000; 40], false);
        for inline in [false, true] {
            let panicked = std::panic::catch_unwind(|| {
                let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
                let mut reader = Trickle {
                    data: &doc,
                    step: 100,
                };
                REFUSE_THREADS.with(|r| r.set(inline));
                let _ = receive_streaming(&mut reader, None, u64::MAX, &mut decoder, &mut |_| {
                    panic!("visitor failed")
                });
            });
            REFUSE_THREADS.with(|r| r.set(false));
            let payload = panicked.expect_err("the panic reaches the caller");
            assert_eq!(payload.downcast_ref::<&str>(), Some(&"visitor failed"));
        }
    }

    #[test]
    fn counts_agree_with_a_byte_loop() {
        let text = "a\né📈\n\nxyz".repeat(if cfg!(miri) { 700 } else { 3000 });
        let bytes = text.as_bytes();
        for len in [0, 1, 31, 32, 33, 255 * 32, 255 * 32 + 1, bytes.len()] {
            let b = &bytes[..len];
            let newlines = b.iter().filter(|&&c| c == b'\n').count();
            let chars = b.iter().filter(|&&c| (c & 0xC0) != 0x80).count();
            assert_eq!(counts(b), (newlines, chars), "{len}");
        }
    }
}
