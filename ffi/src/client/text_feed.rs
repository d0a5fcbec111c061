//! [`TextFeed`]: the incremental decoder fed a body whose UTF-8 is checked as it arrives, each
//! byte once.
//!
//! `SessionDecoder::feed` checks the bytes it decodes and, to hand out a session over the
//! whole body as text, the whole body once more at the end: on a 20 MiB body about 2 ms after
//! the last byte arrived, on the critical path. Here each new piece is checked once with
//! `utf8_prefix` ([`utf8_checked`], on the receiving thread, so the check leaves the decoding
//! thread too) and the decoder gets text (`feed_str`); the final session needs no second
//! check. Bodies that are not UTF-8 go through `feed`, which reports the first bad byte.

use lcsession_core::{utf8_prefix, Error, Event, ParseOptions, Session, SessionDecoder};

/// A [`SessionDecoder`] fed text whose UTF-8 [`utf8_checked`] found valid; its header
/// capacities are the session's.
///
/// The decoder lives on the heap: it holds a whole header (26 KiB with the C API's
/// capacities, 168 KiB with the CLI's), and the feed is moved through the retry and receive
/// layers, each move a copy of the caller's stack otherwise.
#[derive(Debug)]
pub(crate) struct TextFeed<const ID: usize, const TEXT: usize, const LIST: usize> {
    decoder: Box<SessionDecoder<ID, TEXT, LIST>>,
}

impl<const ID: usize, const TEXT: usize, const LIST: usize> TextFeed<ID, TEXT, LIST> {
    pub(crate) fn new(options: ParseOptions) -> Self {
        TextFeed {
            decoder: Box::new(SessionDecoder::new(options)),
        }
    }

    /// Events visited so far.
    pub(crate) fn event_count(&self) -> usize {
        self.decoder.event_count()
    }

    /// Decodes what `received` (the body so far, the previous `received` extended: the
    /// caller's contract) adds, up to `valid`: a result of [`utf8_checked`] on a prefix of
    /// these bytes (computed on the receiving thread). An error is kept by the decoder for
    /// [`finish`](Self::finish).
    pub(crate) fn feed(
        &mut self,
        received: &[u8],
        valid: usize,
        visit: &mut impl FnMut(&Event<'_>),
    ) {
        // Not `feed_str`: its result has room for a whole session, in this frame.
        let _ = self
            .decoder
            .feed_str_part(checked_text(received, valid), visit);
    }

    /// Decodes the rest of the whole `body` (the last `received` extended) into `out`, as
    /// `Session::parse_into_visiting` on `body` would: `Ok(true)` when it did; `Ok(false)`
    /// only when this feed had already finished. `valid`: a result of [`utf8_checked`] on a
    /// prefix of `body`, or 0.
    pub(crate) fn finish_into<'a>(
        &mut self,
        body: &'a [u8],
        valid: usize,
        out: &mut Session<'a, ID, TEXT, LIST>,
        visit: &mut impl FnMut(&Event<'_>),
    ) -> Result<bool, Error> {
        match utf8_prefix(body, valid, true) {
            Ok(valid) if valid == body.len() => {
                self.decoder
                    .feed_str_into(checked_text(body, valid), true, out, visit)
            }
            // Not UTF-8: the decoder checks the bytes itself and reports the first bad one.
            _ => self.decoder.feed_into(body, true, out, visit),
        }
    }
}

/// How much of the growing `received` is known to be UTF-8, given that `checked` bytes were
/// by an earlier call (start with 0): each byte is checked once; a character cut by the end
/// waits for its last bytes; at invalid UTF-8 it stops advancing.
pub(crate) fn utf8_checked(received: &[u8], checked: usize) -> usize {
    utf8_prefix(received, checked, false).unwrap_or(checked)
}

/// `bytes[..valid]` as text, where `utf8_prefix` has accepted it piece by piece.
fn checked_text(bytes: &[u8], valid: usize) -> &str {
    let bytes = bytes.get(..valid).unwrap_or_default();
    debug_assert!(
        std::str::from_utf8(bytes).is_ok(),
        "utf8_prefix accepted it"
    );
    // SAFETY: `utf8_prefix` returns `valid` only after `core::str::from_utf8` (or simdutf8)
    // accepted `bytes[checked..valid]`, every earlier piece likewise, each piece ending where
    // the next begins; valid UTF-8 pieces concatenate to valid UTF-8. The pieces are the same
    // bytes as now: a body's received prefix is never written again (the receive writes only
    // after what it published; `SessionBody` holds the bytes unchanged).
    unsafe { std::str::from_utf8_unchecked(bytes) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lcsession_core::ErrorKind;

    const SAMPLE: &[u8] = include_bytes!("../../../examples/data/sample-session.json");

    fn fed<'a>(body: &'a [u8], piece: usize) -> (Vec<String>, Result<Option<Session<'a>>, Error>) {
        let mut feed = TextFeed::new(ParseOptions::default());
        let mut visited = Vec::new();
        let mut visit = |e: &Event<'_>| visited.push(format!("{e:?}"));
        let (mut end, mut valid) = (0, 0);
        while end < body.len() {
            end = (end + piece).min(body.len());
            valid = utf8_checked(&body[..end], valid);
            feed.feed(&body[..end], valid, &mut visit);
        }
        let mut session = Session::default();
        let result = feed.finish_into(body, valid, &mut session, &mut visit);
        (visited, result.map(|done| done.then_some(session)))
    }

    #[test]
    fn agrees_with_parse_visiting_in_any_pieces() {
        let mut bad_utf8 = SAMPLE.to_vec();
        bad_utf8[900] = 0xC3; // a lead byte without its continuation
        let mut bad_json = SAMPLE.to_vec();
        bad_json[700] = b'\x01';
        let pieces: &[usize] = if cfg!(miri) {
            &[997]
        } else {
            &[1, 3, 64, 997, 1 << 20]
        };
        for body in [SAMPLE, &bad_utf8, &bad_json, "é".as_bytes(), b"\xF0\x9F"] {
            let mut want_visited = Vec::new();
            let want: Result<Session<'_>, Error> =
                Session::parse_visiting(body, ParseOptions::default(), |e| {
                    want_visited.push(format!("{e:?}"))
                });
            for &piece in pieces {
                let (visited, got) = fed(body, piece);
                let got = got.map(|s| s.expect("complete"));
                assert_eq!(got, want, "piece {piece}");
                // Events before invalid UTF-8 are visited as they arrive (the one-shot parse
                // checks the whole input first).
                if got.is_ok() || !matches!(want, Err(e) if e.kind() == ErrorKind::InvalidUtf8) {
                    assert_eq!(visited, want_visited, "piece {piece}");
                }
            }
        }
    }
}
