//! [`SessionDecoder`]: a session decoded while its bytes are still arriving.
//!
//! The decoder is fed the input received so far, again and again as it grows, and decodes
//! each complete top-level member and each complete event once, handing events to a visitor
//! as soon as they are whole. Its state is positions, counts and the header: no borrow of the
//! input survives a call, so the buffer can grow (or be written by a reader) between calls.
//!
//! How a call works: the bytes from the resume point (just after the last complete member or
//! event) to the end are checked as UTF-8 (a character cut by the end waits for its last
//! bytes) and scanned. A member or event that the end of the input cuts fails; it is retried
//! from its start on a later call, but only once the bytes after the resume point have
//! doubled, so an item is scanned at most about twice over however it is cut. A failure is
//! final as soon as the bytes still to come cannot change it: at once for a bad byte (a
//! control character in a string, a stray comma, invalid UTF-8), once the input is complete
//! for a failure that ran out of bytes or that a number cut by the end could change (see
//! `is_certain`). So the errors (kind and offset) are exactly those of
//! [`Session::parse_visiting`] on the whole input, and the bytes after an error are not
//! waited for.

use crate::error::{Error, ErrorKind, Failed};
use crate::event::{decode_event, Event};
use crate::header::{Header, DEFAULT_ID_CAPACITY, DEFAULT_LIST_CAPACITY, DEFAULT_TEXT_CAPACITY};
use crate::read;
use crate::scan::Scanner;
use crate::session::{
    first_problem, missing_required, open_events, read_header_member, top_key, top_location, utf8,
    ParseOptions, Session,
};
use crate::value::RawValue;

/// Where in the session object the decoder stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before the session's `{`.
    Start,
    /// Between top-level members (`first`: none read yet).
    Members,
    /// Inside the `events` array (`first`: no event read yet).
    Events,
    /// After the session's `}`, at this absolute offset plus one.
    Closed(usize),
    /// Finished: the session was returned, or an error (kept to be returned again).
    Done(Option<Error>),
}

/// A session decoded incrementally from a growing input: each call to
/// [`feed`](SessionDecoder::feed) passes all the bytes received so far.
///
/// The result is that of [`Session::parse_visiting`] on the whole input — the same header,
/// the same events in the same order, each visited once, and the same error at the same
/// offset — but events are visited while the rest of the input is still on its way, so
/// decoding overlaps receiving. It uses no allocation and no recursion; the const generics are
/// the header's capacities, as for [`Session`].
///
/// Where the stack is tight and the capacities large: [`feed_part`](SessionDecoder::feed_part)
/// for the calls before the input is complete and [`feed_into`](SessionDecoder::feed_into)
/// for the last one keep the session out of the caller's frame (`feed`'s result has room
/// for a whole session on every call), and the decoder itself, which holds the header as it
/// is decoded, can live wherever the caller puts it (a `static`, a `Box`).
///
/// ```
/// # fn main() -> Result<(), lcsession_core::Error> {
/// use lcsession_core::{ParseOptions, SessionDecoder};
/// let doc = br#"{"session_id":"s","last_updated_at":"t","events":[{"type":"text","content":"a"},{"type":"text","content":"b"}]}"#;
/// let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
/// let mut texts = Vec::new();
/// // The bytes arrive in pieces: 40, then 70, then all of them.
/// for (received, complete) in [(40, false), (70, false), (doc.len(), true)] {
///     let done = decoder.feed(&doc[..received], complete, |e| {
///         texts.push(e.content().unwrap().to_string());
///     })?;
///     if let Some(session) = done {
///         assert_eq!(session.event_count(), 2);
///         assert_eq!(session.header().session_id.as_str(), "s");
///     }
/// }
/// assert_eq!(texts, ["a", "b"]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SessionDecoder<
    const ID: usize = DEFAULT_ID_CAPACITY,
    const TEXT: usize = DEFAULT_TEXT_CAPACITY,
    const LIST: usize = DEFAULT_LIST_CAPACITY,
> {
    header: Header<ID, TEXT, LIST>,
    options: ParseOptions,
    phase: Phase,
    /// No member or event read yet in the current object or array.
    first: bool,
    /// Absolute offset just after the last complete member or event.
    resume: usize,
    /// Known top-level members seen (bit per `TOP` entry).
    seen: u32,
    /// Offset of the session's `{`.
    root_start: usize,
    /// Offset of the `events` array's `[`.
    events_start: usize,
    /// The `events` array's span, once closed.
    events: Option<(usize, usize)>,
    /// Events decoded (and visited) so far.
    event_count: usize,
    /// A call with less input than this (and not complete) does nothing: the last attempt
    /// stopped for want of bytes.
    wait_until: usize,
}

impl<const ID: usize, const TEXT: usize, const LIST: usize> SessionDecoder<ID, TEXT, LIST> {
    /// A decoder at the start of a session.
    pub fn new(options: ParseOptions) -> Self {
        SessionDecoder {
            header: Header::default(),
            options,
            phase: Phase::Start,
            first: true,
            resume: 0,
            seen: 0,
            root_start: 0,
            events_start: 0,
            events: None,
            event_count: 0,
            wait_until: 0,
        }
    }

    /// Number of events decoded and visited so far.
    pub fn event_count(&self) -> usize {
        self.event_count
    }

    /// Bytes of the input fully decoded so far: the next call resumes here.
    pub fn consumed(&self) -> usize {
        self.resume
    }

    /// Decodes what `input` adds since the last call, visiting each event that became whole.
    ///
    /// `input` is everything received so far: each call must pass the previous input
    /// extended (anything else gives unspecified, but memory-safe and panic-free, results).
    /// `complete` says no more bytes will come. Returns `Ok(None)` while the session is not
    /// yet complete, `Ok(Some(session))` once (on the call with `complete` set), and `Err`
    /// as soon as an error is certain: when the bytes that arrived already make it the
    /// error of the whole input (a bad byte, invalid UTF-8, a missing field at its object's
    /// `}`), else once the input is complete (the input ends too early; a number the end cuts
    /// is out of range, or not of the field's type). After `Some` or `Err`, further calls
    /// return that error again or, after success, `Ok(None)`.
    pub fn feed<'a>(
        &mut self,
        input: &'a [u8],
        complete: bool,
        mut visit: impl FnMut(&Event<'a>),
    ) -> Result<Option<Session<'a, ID, TEXT, LIST>>, Error> {
        let closed = self.decode_bytes(input, complete, &mut visit)?;
        self.finish(closed)
    }

    /// [`feed`](Self::feed) that writes the finished session into `out` instead of
    /// returning it, as [`Session::parse_into`] does for a whole input: the session (tens of
    /// KiB with large capacities) is not moved through the caller's stack. Returns
    /// `Ok(true)` on the call that completes the session, the one call that writes `out`;
    /// `Ok(false)` while it is not complete (and after it was), errors as `feed`.
    ///
    /// ```
    /// # fn main() -> Result<(), lcsession_core::Error> {
    /// use lcsession_core::{ParseOptions, Session, SessionDecoder};
    /// let doc = br#"{"session_id":"s","last_updated_at":"t","events":[{"type":"text","content":"a"}]}"#;
    /// let mut decoder = SessionDecoder::<32, 64, 4>::new(ParseOptions::default());
    /// let mut session = Session::<32, 64, 4>::default();
    /// assert!(!decoder.feed_into(&doc[..50], false, &mut session, |_| {})?);
    /// assert!(decoder.feed_into(doc, true, &mut session, |_| {})?);
    /// assert_eq!((session.event_count(), session.header().session_id.as_str()), (1, "s"));
    /// # Ok(()) }
    /// ```
    pub fn feed_into<'a>(
        &mut self,
        input: &'a [u8],
        complete: bool,
        out: &mut Session<'a, ID, TEXT, LIST>,
        mut visit: impl FnMut(&Event<'a>),
    ) -> Result<bool, Error> {
        let closed = self.decode_bytes(input, complete, &mut visit)?;
        self.finish_into(closed, out)
    }

    /// [`feed`](Self::feed) for a call before the input is complete, which never returns
    /// the session: it needs no room for one in the caller's stack frame (with large
    /// capacities, `feed`'s result is tens of KiB even when it is `Ok(None)`). Errors as
    /// `feed`'s, as soon as they are certain.
    ///
    /// ```
    /// # fn main() -> Result<(), lcsession_core::Error> {
    /// use lcsession_core::{ParseOptions, SessionDecoder};
    /// let doc = br#"{"session_id":"s","last_updated_at":"t","events":[{"type":"text","content":"a"}]}"#;
    /// let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
    /// let mut visited = 0;
    /// decoder.feed_part(&doc[..80], |_| visited += 1)?;
    /// assert_eq!(visited, 1); // the event is whole; the session is not
    /// let session = decoder.feed(doc, true, |_| visited += 1)?.expect("complete");
    /// assert_eq!((visited, session.event_count()), (1, 1));
    /// # Ok(()) }
    /// ```
    pub fn feed_part<'a>(
        &mut self,
        input: &'a [u8],
        mut visit: impl FnMut(&Event<'a>),
    ) -> Result<(), Error> {
        // Without `complete`, a call ends waiting for more bytes or with an error.
        self.decode_bytes(input, false, &mut visit).map(drop)
    }

    /// [`feed`](Self::feed) for a caller that checks the UTF-8 itself as the bytes arrive
    /// (with [`utf8_prefix`]): `text` is all the input so far, valid UTF-8 up to its end
    /// (cut before a character the end would split). Saves the decoder's own checks,
    /// including a last pass over the whole input.
    pub fn feed_str<'a>(
        &mut self,
        text: &'a str,
        complete: bool,
        mut visit: impl FnMut(&Event<'a>),
    ) -> Result<Option<Session<'a, ID, TEXT, LIST>>, Error> {
        let closed = self.decode_text(text, complete, &mut visit)?;
        self.finish(closed)
    }

    /// [`feed_part`](Self::feed_part) for text, as [`feed_str`](Self::feed_str) takes it.
    pub fn feed_str_part<'a>(
        &mut self,
        text: &'a str,
        mut visit: impl FnMut(&Event<'a>),
    ) -> Result<(), Error> {
        self.decode_text(text, false, &mut visit).map(drop)
    }

    /// [`feed_str`](Self::feed_str) that writes the finished session into `out`, as
    /// [`feed_into`](Self::feed_into) does.
    pub fn feed_str_into<'a>(
        &mut self,
        text: &'a str,
        complete: bool,
        out: &mut Session<'a, ID, TEXT, LIST>,
        mut visit: impl FnMut(&Event<'a>),
    ) -> Result<bool, Error> {
        let closed = self.decode_text(text, complete, &mut visit)?;
        self.finish_into(closed, out)
    }

    /// [`feed`](Self::feed) in bounded memory, for a session larger than the caller can
    /// hold: `window` is the input from absolute offset `base` to what has arrived, and
    /// `base` is at most [`consumed`](Self::consumed) (so the bytes before `consumed()` may
    /// be dropped between calls; a `window` that starts after it gives an `UnexpectedEnd`
    /// error at `consumed()`). Events are visited as with `feed`, and errors (kind and
    /// absolute offset) are the same. Returns `Ok(true)` on the call that completes the
    /// session, the header then in [`header`](Self::header); `Ok(false)` while it is not
    /// complete (and after it was).
    ///
    /// There is no [`Session`] at the end: its views of the whole object and of the
    /// `events` array would borrow bytes that are gone. Unknown top-level members are
    /// validated and skipped. An error can point at the byte just before `consumed()` (a
    /// missing field, at the session's `}`): keep that byte to tell its line and column.
    /// What the decoder holds on to is an item not yet whole (an event, a member, a run of
    /// whitespace). An error is returned as soon as it is certain (see [`feed`](Self::feed)),
    /// so what follows a bad byte need not be held; only a failure that could be the end of
    /// the window (ran out of bytes, a cut number) waits for more.
    ///
    /// ```
    /// # fn main() -> Result<(), lcsession_core::Error> {
    /// use lcsession_core::{ParseOptions, SessionDecoder};
    /// let doc = br#"{"session_id":"s","last_updated_at":"t","events":[{"type":"text","content":"a"},{"type":"text","content":"b"}]}"#;
    /// let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
    /// let mut buffer = Vec::new(); // holds the input from `base` on
    /// let (mut base, mut texts) = (0, Vec::new());
    /// for piece in doc.chunks(16) {
    ///     buffer.extend_from_slice(piece);
    ///     let complete = base + buffer.len() == doc.len();
    ///     decoder.feed_window(&buffer, base, complete, |e| {
    ///         texts.push(e.content().unwrap().to_string());
    ///     })?;
    ///     // Drop what is decoded: the buffer stays about one event long.
    ///     buffer.drain(..decoder.consumed() - base);
    ///     base = decoder.consumed();
    /// }
    /// assert_eq!(texts, ["a", "b"]);
    /// assert_eq!(decoder.header().session_id.as_str(), "s");
    /// # Ok(()) }
    /// ```
    pub fn feed_window<'a>(
        &mut self,
        window: &'a [u8],
        base: usize,
        complete: bool,
        mut visit: impl FnMut(&Event<'a>),
    ) -> Result<bool, Error> {
        if matches!(self.phase, Phase::Done(_)) {
            return self.finished::<()>().map(|_| false);
        }
        // Checked first: a call that waits for more bytes still tells a window gone too far.
        let Some(from) = self.resume.checked_sub(base) else {
            let error = Error::new(ErrorKind::UnexpectedEnd, self.resume);
            self.phase = Phase::Done(Some(error));
            return Err(error);
        };
        let end = base.saturating_add(window.len());
        if !self.ready(end, complete) {
            return Ok(false);
        }
        let text = Window::new(window, base, from, complete);
        let close = self.advance(text.text, text.bad, end, complete, &mut visit)?;
        if close.is_none() {
            return Ok(false);
        }
        self.phase = Phase::Done(None);
        Ok(true)
    }

    /// The header decoded so far: whole once the session is complete (after
    /// [`feed_window`](Self::feed_window) returned `Ok(true)`). The other calls hand the
    /// header over with the session, leaving a default one here.
    pub fn header(&self) -> &Header<ID, TEXT, LIST> {
        &self.header
    }

    /// The work of [`feed`](Self::feed): `Some` with the input as text (up to at least the
    /// session's end) and the offset after the session's `}` once it is whole and valid.
    fn decode_bytes<'a>(
        &mut self,
        input: &'a [u8],
        complete: bool,
        visit: &mut impl FnMut(&Event<'a>),
    ) -> Result<Option<(&'a str, usize)>, Error> {
        if !self.ready(input.len(), complete) {
            return self.finished();
        }
        let window = Window::new(input, 0, self.resume, complete);
        let close = self.advance(window.text, window.bad, input.len(), complete, visit)?;
        // The views of the whole object and of the events array need it as one text: it is
        // checked once more as UTF-8 (each part was checked as it came).
        let text = close
            .and_then(|close| input.get(..close))
            .and_then(|b| simdutf8::basic::from_utf8(b).ok());
        Ok(close.map(|close| (text.unwrap_or_default(), close)))
    }

    /// The work of [`feed_str`](Self::feed_str), as [`decode_bytes`](Self::decode_bytes).
    fn decode_text<'a>(
        &mut self,
        text: &'a str,
        complete: bool,
        visit: &mut impl FnMut(&Event<'a>),
    ) -> Result<Option<(&'a str, usize)>, Error> {
        if !self.ready(text.len(), complete) {
            return self.finished();
        }
        // The resume point follows an ASCII token, so it is a character boundary.
        let window = text.get(self.resume..).unwrap_or_default();
        let close = self.advance(window, None, text.len(), complete, visit)?;
        Ok(close.map(|close| (text, close)))
    }

    /// False when this call has nothing to do: finished, or waiting for more bytes.
    fn ready(&self, len: usize, complete: bool) -> bool {
        !matches!(self.phase, Phase::Done(_)) && (complete || len >= self.wait_until)
    }

    /// What a call that has nothing to do returns.
    fn finished<T>(&self) -> Result<Option<T>, Error> {
        match self.phase {
            Phase::Done(Some(error)) => Err(error),
            _ => Ok(None),
        }
    }

    /// Decodes `window` (the input from the resume point; `bad`: the offset of invalid
    /// UTF-8 that ends it). `Ok(Some(close))` once the session is whole and valid, with the
    /// offset after its `}`; `Ok(None)` to wait for more; `Err` when the error is certain.
    fn advance<'a>(
        &mut self,
        window: &'a str,
        bad: Option<usize>,
        len: usize,
        complete: bool,
        visit: &mut impl FnMut(&Event<'a>),
    ) -> Result<Option<usize>, Error> {
        // Invalid UTF-8 ends the usable text: what comes before it is decoded as if it were
        // the whole input, and its own first error wins when it comes first.
        let complete = complete || bad.is_some();
        let mut sc = Scanner::new(window, self.resume, self.options.max_depth);
        let result = self.run(&mut sc, complete, visit);
        let outcome = match (result, bad) {
            (Err(Failed), None) if !complete => {
                let error = sc.take_error();
                if !is_certain(&error, window, sc.base()) {
                    let pending = len.saturating_sub(self.resume);
                    self.wait_until = len.saturating_add(pending.max(1));
                    return Ok(None);
                }
                error
            }
            (Err(Failed), None) => sc.take_error(),
            (result, Some(bad)) => {
                first_problem(result.map(drop).map_err(|_| sc.take_error()), bad)
            }
            (Ok(close), None) => return Ok(Some(close)),
        };
        self.phase = Phase::Done(Some(outcome));
        Err(outcome)
    }

    /// The session, once [`advance`](Self::advance) validated it whole (`closed`: the text
    /// and the offset after the session's `}`).
    fn finish<'a>(
        &mut self,
        closed: Option<(&'a str, usize)>,
    ) -> Result<Option<Session<'a, ID, TEXT, LIST>>, Error> {
        let Some((root, events)) = self.close(closed)? else {
            return Ok(None);
        };
        Ok(Some(Session::from_parts(
            core::mem::take(&mut self.header),
            root,
            events,
            self.event_count,
        )))
    }

    /// [`finish`](Self::finish) into `out`: the header is swapped in, not moved through the
    /// stack.
    fn finish_into<'a>(
        &mut self,
        closed: Option<(&'a str, usize)>,
        out: &mut Session<'a, ID, TEXT, LIST>,
    ) -> Result<bool, Error> {
        let Some((root, events)) = self.close(closed)? else {
            return Ok(false);
        };
        out.set_parts(&mut self.header, root, events, self.event_count);
        Ok(true)
    }

    /// Decodes from the resume point; `Ok` with the offset after the session's `}` once the
    /// whole session is validated (only when `complete`).
    fn run<'a, V: FnMut(&Event<'a>)>(
        &mut self,
        sc: &mut Scanner<'a>,
        complete: bool,
        visit: &mut V,
    ) -> Result<usize, Failed> {
        loop {
            match self.phase {
                Phase::Start => {
                    if sc.peek_value()? != b'{' {
                        return Err(sc.error(ErrorKind::NotAnObject));
                    }
                    let start = sc.offset();
                    sc.object_start(1)?;
                    self.root_start = start;
                    self.phase = Phase::Members;
                    self.first = true;
                }
                Phase::Members => {
                    let mut first = self.first;
                    let mut seen = self.seen;
                    let Some(key) = sc.next_key(&mut first)? else {
                        self.phase = Phase::Closed(sc.offset());
                        self.resume = sc.offset();
                        continue;
                    };
                    let mut phase = Phase::Members;
                    match top_key(&key) {
                        None => {
                            sc.skip_value(1)?;
                        }
                        Some(i) => {
                            let at = top_location(i);
                            read::mark_seen(&mut seen, i as u32, sc, at)?;
                            if i == 0 {
                                self.events_start = open_events(sc)?;
                                phase = Phase::Events;
                                first = true;
                            } else {
                                read_header_member(sc, i, at, &mut self.header)?;
                            }
                        }
                    }
                    // A value that ends the input may not be whole (a number can go on).
                    if !complete && sc.offset() >= sc.base() + sc.text().len() {
                        return Err(sc.error(ErrorKind::UnexpectedEnd));
                    }
                    // The member is whole: commit it.
                    self.phase = phase;
                    self.first = first;
                    self.seen = seen;
                }
                Phase::Events => {
                    let mut first = self.first;
                    if sc.next_item(&mut first)? {
                        // An event is an object: once decoded, it is whole.
                        // Visited in place (moving it out of the `Option` is a copy).
                        let event = decode_event(sc, self.event_count, 2);
                        match &event {
                            Some(event) => visit(event),
                            None => return Err(Failed),
                        }
                        self.event_count += 1;
                        self.first = first;
                    } else {
                        self.events = Some((self.events_start, sc.offset()));
                        self.phase = Phase::Members;
                        self.first = false;
                    }
                }
                Phase::Closed(end) => {
                    if !sc.at_end() {
                        return Err(sc.error(ErrorKind::TrailingBytes));
                    }
                    if !complete {
                        return Err(sc.error(ErrorKind::UnexpectedEnd));
                    }
                    if let Some(missing) = missing_required(self.seen) {
                        return Err(sc.fail(missing, end.saturating_sub(1)));
                    }
                    return Ok(end);
                }
                Phase::Done(_) => return Err(sc.error(ErrorKind::UnexpectedEnd)),
            }
            self.resume = sc.offset();
        }
    }

    /// The views of the finished session (`closed`: as [`finish`](Self::finish) takes it),
    /// marking the decoder done either way.
    fn close<'a>(
        &mut self,
        closed: Option<(&'a str, usize)>,
    ) -> Result<Option<(RawValue<'a>, RawValue<'a>)>, Error> {
        let Some((text, end)) = closed else {
            return Ok(None);
        };
        let outcome = self.spans(text, end);
        self.phase = Phase::Done(outcome.as_ref().err().copied());
        outcome.map(Some)
    }

    /// The views of the whole session and of its `events` array in `text`, which ends the
    /// session at `end`.
    fn spans<'a>(&self, text: &'a str, end: usize) -> Result<(RawValue<'a>, RawValue<'a>), Error> {
        let start = self.root_start;
        let root = text
            .get(start..end)
            .ok_or(Error::new(ErrorKind::InvalidUtf8, start))?;
        let events = match self.events {
            Some((from, to)) => {
                let span = from.checked_sub(start).zip(to.checked_sub(start));
                let text = span.and_then(|(a, b)| root.get(a..b)).unwrap_or("[]");
                RawValue::new(text, from)
            }
            None => RawValue::new("[]", 0),
        };
        Ok((RawValue::new(root, start), events))
    }
}

/// The text of one call: from the resume point to the end of the input (less a character
/// the end cuts, unless the input is complete) or to the first invalid UTF-8.
struct Window<'a> {
    text: &'a str,
    /// Absolute offset of the first invalid byte.
    bad: Option<usize>,
}

impl<'a> Window<'a> {
    /// `input` starts at absolute offset `base`; `from` is relative to it.
    fn new(input: &'a [u8], base: usize, from: usize, complete: bool) -> Self {
        let rest = input.get(from..).unwrap_or_default();
        let rest = if complete {
            rest
        } else {
            rest.get(..rest.len() - cut_char_len(rest))
                .unwrap_or_default()
        };
        match utf8(rest) {
            Ok(text) => Window { text, bad: None },
            Err(e) => {
                let valid = e.valid_up_to();
                let text = rest
                    .get(..valid)
                    .and_then(|b| core::str::from_utf8(b).ok())
                    .unwrap_or_default();
                Window {
                    text,
                    bad: Some(base + from + valid),
                }
            }
        }
    }
}

/// Whether `error`, found in `window` (the input from absolute offset `base` to the end of
/// what has arrived), is the error of the whole input however it goes on.
///
/// The bytes before the error's offset are there, and the scanner decides from them and the
/// byte at the offset, except in two cases, which depend on what comes next:
/// - running out of bytes (`UnexpectedEnd`);
/// - a number, which the end of the window may cut: `99999999999999999999` is out of range
///   for a count, but `99999999999999999999.5` is not an integer at all. An error at a byte
///   that could belong to a number is certain once a byte that could not follows it.
fn is_certain(error: &Error, window: &str, base: usize) -> bool {
    if error.kind() == ErrorKind::UnexpectedEnd {
        return false;
    }
    let rest = error
        .offset()
        .checked_sub(base)
        .and_then(|at| window.as_bytes().get(at..))
        .unwrap_or_default();
    rest.iter()
        .any(|b| !matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
}

/// Checks UTF-8 as bytes arrive: `input` is everything received so far, of which the first
/// `checked` bytes were accepted by an earlier call. Returns how many bytes are now known to
/// be valid UTF-8 (a character cut by the end of an incomplete input is left for later), or
/// `Err` with the offset of the first invalid byte. For [`SessionDecoder::feed_str`].
///
/// ```
/// use lcsession_core::utf8_prefix;
/// let text = "é!".as_bytes();
/// assert_eq!(utf8_prefix(&text[..1], 0, false), Ok(0)); // "é" is cut: wait
/// assert_eq!(utf8_prefix(text, 0, false), Ok(3));
/// assert_eq!(utf8_prefix(b"ab\xff", 0, false), Err(2));
/// assert_eq!(utf8_prefix(&text[..1], 0, true), Err(0)); // complete: a cut char is invalid
/// ```
pub fn utf8_prefix(input: &[u8], checked: usize, complete: bool) -> Result<usize, usize> {
    let checked = checked.min(input.len());
    let window = Window::new(input, 0, checked, complete);
    match window.bad {
        Some(bad) => Err(bad),
        None => Ok(checked + window.text.len()),
    }
}

/// Length of a multi-byte character cut short at the end of `bytes` (0 when the last
/// character is whole, or when the bytes are not UTF-8 anyway: the check will tell).
fn cut_char_len(bytes: &[u8]) -> usize {
    for back in 1..=bytes.len().min(3) {
        let Some(&b) = bytes.get(bytes.len() - back) else {
            return 0;
        };
        if b & 0xC0 == 0x80 {
            continue; // a continuation byte: look further back for the lead
        }
        let needed = match b {
            0xF0..=0xF4 => 4,
            0xE0..=0xEF => 3,
            0xC2..=0xDF => 2,
            _ => return 0, // ASCII, or a byte that never leads: the check decides
        };
        return if needed > back { back } else { 0 };
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1 MiB event fed 1 KiB at a time is attempted about log2(1024) times, not 1024
    /// times: each failed attempt moves `wait_until`, and it doubles the pending bytes.
    #[test]
    #[cfg_attr(
        miri,
        ignore = "minutes under Miri; the count is the same logic natively"
    )]
    fn retries_of_a_cut_item_are_geometric() {
        let mut input = b"{\"session_id\":\"s\",\"last_updated_at\":\"t\",\"events\":[{\"type\":\"text\",\"content\":\"".to_vec();
        // Miri: 16 KiB in 16-byte pieces (the same 1024 pieces, in minutes less).
        let (size, piece) = if cfg!(miri) {
            (1 << 14, 16)
        } else {
            (1 << 20, 1024)
        };
        input.resize(input.len() + size, b'x');
        input.extend_from_slice(b"\"}]}");
        let mut decoder: SessionDecoder = SessionDecoder::new(ParseOptions::default());
        let mut attempts = 0;
        let mut last = decoder.wait_until;
        for cut in (piece..input.len()).step_by(piece) {
            assert!(matches!(
                decoder.feed(&input[..cut], false, |_| {}),
                Ok(None)
            ));
            if decoder.wait_until != last {
                attempts += 1;
                last = decoder.wait_until;
            }
        }
        assert!((9..=13).contains(&attempts), "{attempts} attempts");
        let session = decoder.feed(&input, true, |_| {}).unwrap().unwrap();
        assert_eq!(session.event_count(), 1);
    }

    #[test]
    fn a_char_cut_at_the_end_is_measured() {
        assert_eq!(cut_char_len(b"ab"), 0);
        assert_eq!(cut_char_len("é".as_bytes()), 0);
        assert_eq!(cut_char_len(&"é".as_bytes()[..1]), 1);
        assert_eq!(cut_char_len(&"😀".as_bytes()[..3]), 3);
        assert_eq!(cut_char_len(&"😀".as_bytes()[..2]), 2);
        assert_eq!(cut_char_len("😀".as_bytes()), 0);
        assert_eq!(cut_char_len(b"\x80\x80\x80"), 0);
        assert_eq!(cut_char_len(b""), 0);
        assert_eq!(cut_char_len(b"a\xff"), 0);
        assert_eq!(cut_char_len(b"a\xc0"), 0);
    }
}
