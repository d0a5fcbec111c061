//! Receiving a body on a helper thread while the calling thread decodes what has arrived.
//!
//! The helper fills one buffer from the front (and runs a check over what it has received,
//! such as UTF-8 validation, whose result it passes on); the calling thread reads the filled
//! prefix as it grows. The buffer is split in two views over the same memory: [`Filler`] may write
//! only at and after `filled`, [`Filled`] may read only before `published`, and the filler
//! publishes a length (release) only after writing those bytes, which the reader loads
//! (acquire) before reading them. So a byte is never written and read at the same time, and
//! a reader sees every byte it is given as written.
//!
//! This module holds the client's only `unsafe` outside the C boundary: the two views are
//! built from one raw pointer because safe Rust cannot lend one part of a slice mutably while
//! a growing other part is shared. The tests run under Miri (data races, aliasing).

use std::io::{self, Read};
use std::marker::PhantomData;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;

use super::storage::expect_end;

/// The writing view: the bytes from `filled` on.
struct Filler<'b> {
    ptr: *mut u8,
    len: usize,
    filled: usize,
    published: &'b AtomicUsize,
    _buf: PhantomData<&'b mut [u8]>,
}

// SAFETY: a `Filler` is a `&mut` to the unfilled part of the buffer (which `Filled` never
// hands out), so sending it to another thread is sending a `&mut [u8]`.
unsafe impl Send for Filler<'_> {}

impl Filler<'_> {
    /// The part filled so far.
    fn filled(&self) -> &[u8] {
        // SAFETY: `..filled` is inside the buffer and written; while this shared borrow of
        // `self` lives, `unfilled` (which needs `&mut self`) cannot hand out the rest, and
        // `Filled` only reads.
        unsafe { std::slice::from_raw_parts(self.ptr, self.filled) }
    }

    /// The part not yet filled.
    fn unfilled(&mut self) -> &mut [u8] {
        // SAFETY: `filled <= len`, so the range is inside the buffer the pointer came from
        // (borrowed mutably for `'b`). No other reference to it exists: `Filled` hands out
        // only `..published`, and `published <= filled`; the `&mut self` borrow keeps this
        // one unique until `advance` moves `filled`.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.add(self.filled), self.len - self.filled) }
    }

    /// Marks the first `n` bytes of [`unfilled`](Self::unfilled) as written and publishes
    /// the new length.
    fn advance(&mut self, n: usize) {
        self.filled = self.filled.saturating_add(n).min(self.len);
        self.published.store(self.filled, Ordering::Release);
    }

    fn is_full(&self) -> bool {
        self.filled == self.len
    }
}

/// The reading view: the published prefix.
struct Filled<'b> {
    ptr: *const u8,
    len: usize,
    published: &'b AtomicUsize,
    _buf: PhantomData<&'b [u8]>,
}

impl Filled<'_> {
    /// The bytes received so far.
    fn get(&self) -> &[u8] {
        let n = self.published.load(Ordering::Acquire).min(self.len);
        // SAFETY: `..n` is inside the buffer, every byte of it was written before the release
        // store of `n` that this acquire load saw, and the filler never writes before its
        // `filled` (>= n) again: the bytes stay as they are while the slice lives.
        unsafe { std::slice::from_raw_parts(self.ptr, n) }
    }
}

/// The two views of `buf`.
fn split<'b>(buf: &'b mut [u8], published: &'b AtomicUsize) -> (Filler<'b>, Filled<'b>) {
    published.store(0, Ordering::Relaxed);
    let len = buf.len();
    let ptr = buf.as_mut_ptr();
    let filler = Filler {
        ptr,
        len,
        filled: 0,
        published,
        _buf: PhantomData,
    };
    let filled = Filled {
        ptr: ptr.cast_const(),
        len,
        published,
        _buf: PhantomData,
    };
    (filler, filled)
}

/// Reads `reader` into `buf` on a helper thread. With [`BodyEnd::Exact`]: exactly
/// `buf.len()` bytes, then the end of the stream (a shorter body is `UnexpectedEof`, a longer
/// one `InvalidData`, as [`BodyBytes::read_exact_len`](super::storage::BodyBytes::read_exact_len)
/// reports them). With [`BodyEnd::Eof`]: to the end of the stream or until `buf` is full,
/// whichever comes first (a full `buf` is not an error: the caller tells a body that is too
/// large by its length). Returns the number of bytes received.
/// Each time at least `piece` more bytes have arrived, the helper runs `check` on everything
/// received so far and, on the calling thread, `consume` is called with the prefix received
/// so far and the last result of `check` on a prefix of it (fewer calls when it is slower
/// than the network). `consume` is not called for the last bytes: the caller has the whole
/// buffer once this returns `Ok`, with the result of `check` on all of it.
///
/// A panic in `consume` stops the helper before its next read (it does not receive the rest
/// of the body; a read already waiting ends with the data or the reader's timeout), then
/// unwinds on from the calling thread.
///
/// `Ok(Some((received, checked)))`: the bytes received, and the result of `check` on all of
/// them. `Ok(None)`: no helper thread could be started (a process or memory limit); nothing
/// was read, so the caller can receive the body on its own thread instead.
pub(crate) fn receive_overlapped<R: Read + Send>(
    reader: &mut R,
    buf: &mut [u8],
    end: BodyEnd,
    piece: usize,
    mut check: impl FnMut(&[u8]) -> usize + Send,
    mut consume: impl FnMut(&[u8], usize),
) -> io::Result<Option<(usize, usize)>> {
    let published = AtomicUsize::new(0);
    // Stored after `published` covers the bytes it was computed on.
    let checked = AtomicUsize::new(0);
    let checked = &checked;
    // Set when `consume` panicked: the helper stops reading.
    let stop = AtomicBool::new(false);
    let stop = &stop;
    let (mut filler, filled) = split(buf, &published);
    // One pending wake-up at most: the helper never waits for the decoder.
    let (wake, woken) = mpsc::sync_channel::<()>(1);
    thread::scope(|scope| {
        let helper = thread::Builder::new().name("lcsession-receive".into());
        let receive = move || -> io::Result<(usize, usize)> {
            let mut told = 0usize;
            while !filler.is_full() {
                if stop.load(Ordering::Relaxed) {
                    return Err(io::Error::other("the decoder stopped the receive"));
                }
                match reader.read(filler.unfilled()) {
                    Ok(0) if end == BodyEnd::Eof => break,
                    Ok(0) => {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            format!(
                                "the body ended after {} of {} bytes",
                                filler.filled, filler.len
                            ),
                        ))
                    }
                    Ok(n) => filler.advance(n),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
                if filler.filled - told >= piece && !filler.is_full() {
                    told = filler.filled;
                    checked.store(check(filler.filled()), Ordering::Release);
                    // Full: a wake-up is already pending, which will see these bytes too.
                    let _ = wake.try_send(());
                }
            }
            drop(wake);
            let last = check(filler.filled());
            if end == BodyEnd::Exact {
                expect_end(reader, filler.len)?;
            }
            Ok((filler.filled, last))
        };
        let spawned = if thread_refused() {
            None
        } else {
            helper.spawn_scoped(scope, receive).ok()
        };
        // Nothing was read: the caller receives the body itself.
        let Some(helper) = spawned else {
            return Ok(None);
        };
        // Ends when the helper drops `wake`: the body is complete or failed.
        while woken.recv().is_ok() {
            // `checked` first: the bytes it was computed on are then published too.
            let result = checked.load(Ordering::Acquire);
            let consumed = catch_unwind(AssertUnwindSafe(|| consume(filled.get(), result)));
            if let Err(panic) = consumed {
                stop.store(true, Ordering::Relaxed);
                // The helper's result no longer matters; its own panic would be a second one.
                let _ = helper.join();
                resume_unwind(panic);
            }
        }
        match helper.join() {
            Ok(result) => result.map(Some),
            Err(panic) => resume_unwind(panic),
        }
    })
}

/// Where a body received by [`receive_overlapped`] ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyEnd {
    /// After exactly the buffer's length (its `Content-Length`).
    Exact,
    /// At the end of the stream (no length: chunked or close-delimited), at most the buffer.
    Eof,
}

#[cfg(test)]
thread_local! {
    /// Tests set this to make helper threads started from this thread fail to start.
    pub(crate) static REFUSE_THREADS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether a test refused helper threads on this thread.
pub(crate) fn thread_refused() -> bool {
    #[cfg(test)]
    return REFUSE_THREADS.with(std::cell::Cell::get);
    #[cfg(not(test))]
    false
}

/// A reader that hands out its data `step` bytes per call (like a socket), letting other
/// threads run between pieces.
#[cfg(test)]
pub(crate) struct Trickle<'a> {
    pub(crate) data: &'a [u8],
    pub(crate) step: usize,
}

#[cfg(test)]
impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        if n > 0 {
            thread::yield_now();
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 % 251) as u8).collect()
    }

    #[test]
    fn the_consumer_sees_growing_prefixes_of_exactly_the_data() {
        let len = if cfg!(miri) { 300 } else { 100_000 };
        let want = data(len);
        for (step, piece) in [(1, 1), (7, 16), (64, 10), (len, 1)] {
            let mut buf = vec![0u8; len];
            let mut reader = Trickle { data: &want, step };
            let mut seen = Vec::new();
            // `check` gives the length it saw: never more than what `consume` gets.
            let last = receive_overlapped(
                &mut reader,
                &mut buf,
                BodyEnd::Exact,
                piece,
                |filled| filled.len(),
                |prefix, checked| {
                    assert!(checked <= prefix.len() && prefix.len() <= len);
                    assert_eq!(prefix, &want[..prefix.len()], "step {step}");
                    seen.push(prefix.len());
                },
            )
            .unwrap();
            assert_eq!(last, Some((len, len)));
            assert_eq!(buf, want, "step {step}");
            assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
        }
    }

    #[test]
    fn short_and_long_bodies_fail_like_the_sequential_read() {
        let want = data(100);
        let receive = |len: usize| {
            let mut buf = vec![0u8; len];
            let mut reader = Trickle {
                data: &want,
                step: 9,
            };
            receive_overlapped(
                &mut reader,
                &mut buf,
                BodyEnd::Exact,
                8,
                <[u8]>::len,
                |_, _| {},
            )
            .map(|_| buf)
        };
        let err = receive(101).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        assert!(err.to_string().contains("after 100 of 101 bytes"), "{err}");
        assert_eq!(receive(99).unwrap_err().kind(), io::ErrorKind::InvalidData);
        assert_eq!(receive(100).unwrap(), want);

        let mut empty: [u8; 0] = [];
        let got = receive_overlapped(
            &mut Trickle { data: &[], step: 1 },
            &mut empty,
            BodyEnd::Exact,
            8,
            <[u8]>::len,
            |_, _| {},
        );
        assert_eq!(got.unwrap(), Some((0, 0)));
    }

    #[test]
    fn a_body_without_a_length_ends_at_the_end_of_the_stream_or_a_full_buffer() {
        let want = data(if cfg!(miri) { 200 } else { 50_000 });
        for (room, step) in [(want.len() + 100, 7), (want.len(), 64), (want.len() - 1, 1)] {
            let mut buf = vec![0u8; room];
            let mut reader = Trickle { data: &want, step };
            let mut seen = 0;
            let got = receive_overlapped(
                &mut reader,
                &mut buf,
                BodyEnd::Eof,
                16,
                <[u8]>::len,
                |prefix, _| {
                    assert_eq!(prefix, &want[..prefix.len()]);
                    seen = prefix.len();
                },
            )
            .unwrap();
            // A full buffer stops the receive there (the caller calls that too large).
            let len = want.len().min(room);
            assert_eq!(got, Some((len, len)), "room {room}");
            assert_eq!(&buf[..len], &want[..len]);
            assert!(seen <= len);
            assert_eq!(
                reader.data.len(),
                want.len() - len,
                "nothing read past a full buffer"
            );
        }
    }

    #[test]
    fn without_a_helper_thread_nothing_is_read() {
        let want = data(100);
        let mut reader = Trickle {
            data: &want,
            step: 9,
        };
        let mut buf = vec![0u8; 100];
        REFUSE_THREADS.with(|r| r.set(true));
        let got = receive_overlapped(
            &mut reader,
            &mut buf,
            BodyEnd::Exact,
            8,
            <[u8]>::len,
            |_, _| panic!("nothing to consume"),
        );
        REFUSE_THREADS.with(|r| r.set(false));
        assert_eq!(got.unwrap(), None);
        assert_eq!(reader.data.len(), 100, "the reader was not read");
        assert!(buf.iter().all(|&b| b == 0));
    }

    /// `Client::retrieve_visiting` without a helper thread receives the whole body, then
    /// decodes it: the same session and events, none visited while the body arrives; a
    /// truncated body fails as it does with the thread.
    #[test]
    #[cfg(not(miri))]
    fn the_client_receives_on_its_own_thread_when_no_helper_starts() {
        use crate::client::{Client, ClientErrorKind, RetrieveOptions};
        use lcsession_core::{Event, ParseOptions, Session};
        use lcsession_testserver::{BodyMode, Reply, Server};
        use std::sync::Arc;
        use std::time::{Duration, Instant};

        let mut doc = String::from(r#"{"events":["#);
        for i in 0..2500 {
            let text = r#"caf\u00e9 \"q\" é 📈 \n"#.repeat(40);
            doc.push_str(&format!(r#"{{"type":"text","content":"{text} {i}"}},"#));
        }
        doc.pop();
        doc.push_str(r#"],"session_id":"ses-big","last_updated_at":"2026-11-22T00:00:00Z"}"#);
        let doc = Arc::new(doc.into_bytes());
        assert!(
            doc.len() > 2 << 20,
            "large enough to be mapped and overlapped"
        );
        let mut want = Vec::new();
        let want_session: Session<'_> =
            Session::parse_visiting(&doc, ParseOptions::default(), |e| {
                want.push(format!("{e:?}"))
            })
            .unwrap();

        let pause = Duration::from_millis(300);
        let truncated = doc.len() - 10;
        let server = Server::script(vec![
            Reply::shared(200, doc.clone()).mode(BodyMode::Stall(doc.len() / 3, pause)),
            Reply::shared(200, doc.clone()).mode(BodyMode::Truncated(truncated)),
        ]);
        let client = Client::builder()
            .api_key("llx-no-thread-key")
            .base_url(server.base_url())
            .env(|_| None)
            .max_retries(0)
            .build()
            .unwrap();
        REFUSE_THREADS.with(|r| r.set(true));
        let start = Instant::now();
        let mut visited = Vec::new();
        let mut first_visit = None;
        let got = client.retrieve_visiting(
            "ses-big",
            &RetrieveOptions::default(),
            ParseOptions::default(),
            |e: &Event<'_>| {
                first_visit.get_or_insert_with(|| start.elapsed());
                visited.push(format!("{e:?}"));
            },
        );
        let truncated_err = client
            .retrieve_visiting(
                "ses-big",
                &RetrieveOptions::default(),
                ParseOptions::default(),
                |_: &Event<'_>| {},
            )
            .map(|_| ())
            .unwrap_err();
        REFUSE_THREADS.with(|r| r.set(false));

        let got = got.unwrap();
        assert!(got.body().as_bytes() == doc.as_slice());
        assert_eq!(format!("{:?}", got.session()), format!("{want_session:?}"));
        assert!(visited == want, "other events visited");
        assert!(
            first_visit.unwrap() >= pause,
            "visited at {first_visit:?}, during the pause: a helper thread ran"
        );
        assert_eq!(
            truncated_err.kind(),
            ClientErrorKind::Connection,
            "{truncated_err}"
        );
    }

    #[test]
    fn a_panic_in_consume_stops_the_receive_and_reaches_the_caller() {
        /// One byte a call, slowly: receiving it all would take seconds.
        struct Slow<'a>(&'a AtomicUsize);
        impl Read for Slow<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                thread::sleep(std::time::Duration::from_millis(1));
                buf[0] = b'x';
                self.0.fetch_add(1, Ordering::Relaxed);
                Ok(1)
            }
        }
        let len = if cfg!(miri) { 400 } else { 20_000 };
        let read = AtomicUsize::new(0);
        let mut buf = vec![0u8; len];
        let panicked = catch_unwind(AssertUnwindSafe(|| {
            receive_overlapped(
                &mut Slow(&read),
                &mut buf,
                BodyEnd::Eof,
                4,
                <[u8]>::len,
                |_, _| panic!("visitor failed"),
            )
        }));
        let panic = panicked.unwrap_err();
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"visitor failed"));
        assert!(read.load(Ordering::Relaxed) < len);
    }

    #[test]
    fn a_read_error_ends_the_receive() {
        struct Broken(usize);
        impl Read for Broken {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0 == 0 {
                    return Err(io::Error::new(io::ErrorKind::ConnectionReset, "reset"));
                }
                self.0 -= 1;
                buf[0] = b'x';
                Ok(1)
            }
        }
        let mut buf = vec![0u8; 50];
        let mut calls = 0;
        let err = receive_overlapped(
            &mut Broken(20),
            &mut buf,
            BodyEnd::Eof,
            4,
            <[u8]>::len,
            |p, _| {
                assert!(p.len() <= 20 && p.iter().all(|&b| b == b'x'));
                calls += 1;
            },
        )
        .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ConnectionReset);
        assert!(calls <= 5);
    }
}
