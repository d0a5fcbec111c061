//! The session document: strict whole-document validation, the header, and the event iterator.

use crate::depth::DEFAULT_MAX_DEPTH;
use crate::error::{Error, ErrorKind, Failed, JsonType, Location};
use crate::event::{decode_event, Event};
use crate::header::{
    decode_shared_access, Header, DEFAULT_ID_CAPACITY, DEFAULT_LIST_CAPACITY, DEFAULT_TEXT_CAPACITY,
};
use crate::read;
use crate::scan::Scanner;
use crate::str::JsonStr;
use crate::value::{Members, RawValue};

/// The visitor handed to `Session::fill`: with the `small` feature a `&mut dyn FnMut`, so
/// that every visitor shares one copy of the parser (a call through a pointer per event);
/// otherwise the closure itself, inlined.
macro_rules! visitor {
    ($v:expr, $a:lifetime) => {{
        #[cfg(feature = "small")]
        let v: &mut dyn FnMut(&Event<$a>) = $v;
        #[cfg(not(feature = "small"))]
        let v = $v;
        v
    }};
}

/// Options for [`Session::parse_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    /// Deepest nesting accepted, counting the session object as 1 (an event's `arguments`
    /// object is at depth 4). Default [`DEFAULT_MAX_DEPTH`] (128); values above
    /// [`MAX_DEPTH`](crate::MAX_DEPTH) (256) are clamped. Deeper input is an
    /// [`ErrorKind::DepthLimit`] error. Depth costs no stack: it is tracked in a bit stack.
    pub max_depth: u16,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}

/// The top-level keys this library decodes; anything else is an unknown field.
const TOP: [&str; 7] = [
    "events",
    "session_id",
    "last_updated_at",
    "generated_title",
    "index_ids",
    "job_metadata",
    "shared_access",
];

/// A validated session: the decoded [`Header`] plus zero-copy access to the events and
/// unknown fields, all borrowing the input.
///
/// The const generics are the header's capacities (see [`Header`]); [`parse`](crate::parse)
/// uses the defaults.
///
/// ```
/// # fn main() -> Result<(), lcsession_core::Error> {
/// use lcsession_core::Session;
/// let doc = br#"{"events":[{"content":"content","type":"thinking_delta"}],"last_updated_at":"2026-04-22T12:34:41.342245","session_id":"ses-abc123","generated_title":"What were the main findings in Q3?...","index_ids":["idx-abc123","idx-def456"],"job_metadata":{"duration_ms":0,"error":"error","export_config_ids":["string"],"is_error":true,"total_input_tokens":0,"total_output_tokens":0,"turns":0}}"#;
/// // Small capacities for a microcontroller: 32-byte ids, 64-byte texts, 4-entry lists.
/// let session = Session::<32, 64, 4>::parse(doc)?;
/// assert_eq!(session.header().session_id.as_str(), "ses-abc123");
/// assert_eq!(session.event_count(), 1);
/// for event in session.events() {
///     assert_eq!(event.content().unwrap(), "content");
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Session<
    'a,
    const ID: usize = DEFAULT_ID_CAPACITY,
    const TEXT: usize = DEFAULT_TEXT_CAPACITY,
    const LIST: usize = DEFAULT_LIST_CAPACITY,
> {
    header: Header<ID, TEXT, LIST>,
    root: RawValue<'a>,
    events: RawValue<'a>,
    event_count: usize,
}

/// The whole input as text. `simdutf8` validates (SIMD where the CPU has it); on failure
/// `core::str::from_utf8` runs again for the position of the first bad byte.
#[inline]
pub(crate) fn utf8(input: &[u8]) -> Result<&str, core::str::Utf8Error> {
    match simdutf8::basic::from_utf8(input) {
        Ok(text) => Ok(text),
        Err(_) => core::str::from_utf8(input),
    }
}

/// An empty session (no events, empty header), to [`parse_into`](Session::parse_into).
impl<const ID: usize, const TEXT: usize, const LIST: usize> Default
    for Session<'_, ID, TEXT, LIST>
{
    fn default() -> Self {
        Session {
            header: Header::default(),
            root: RawValue::new("", 0),
            events: RawValue::new("[]", 0),
            event_count: 0,
        }
    }
}

impl<'a, const ID: usize, const TEXT: usize, const LIST: usize> Session<'a, ID, TEXT, LIST> {
    /// Validates `input` as a whole (RFC 8259 strictly, the session schema, every event) and
    /// decodes the header. Nothing is copied except header strings into their fixed capacity.
    #[inline]
    pub fn parse(input: &'a [u8]) -> Result<Self, Error> {
        Self::parse_with(input, ParseOptions::default())
    }

    /// [`parse`](Self::parse) with options.
    #[inline]
    pub fn parse_with(input: &'a [u8], options: ParseOptions) -> Result<Self, Error> {
        match utf8(input) {
            Ok(text) => Self::parse_str(text, options),
            Err(e) => Err(utf8_error::<ID, TEXT, LIST>(
                input,
                e.valid_up_to(),
                options,
            )),
        }
    }

    /// Parses into `self`, replacing what it held: the same as [`parse_with`](Self::parse_with)
    /// without a second `Session` on the stack (a `Session` returned by value is built, then
    /// moved; this one is filled in place). On error, `self` is left empty, as
    /// [`Session::default`].
    ///
    /// ```
    /// # fn main() -> Result<(), lcsession_core::Error> {
    /// use lcsession_core::{ParseOptions, Session};
    /// let doc = br#"{"events":[],"session_id":"s","last_updated_at":"t"}"#;
    /// let mut session = Session::<32, 64, 4>::default();
    /// session.parse_into(doc, ParseOptions::default())?;
    /// assert_eq!(session.header().session_id.as_str(), "s");
    /// assert!(session.parse_into(b"[]", ParseOptions::default()).is_err());
    /// assert_eq!(session.header().session_id.as_str(), "");
    /// # Ok(()) }
    /// ```
    pub fn parse_into(&mut self, input: &'a [u8], options: ParseOptions) -> Result<(), Error> {
        self.parse_into_visiting(input, options, |_| {})
    }

    /// [`parse_into`](Self::parse_into), handing each event to `visit` as soon as it is
    /// validated, as [`parse_visiting`](Self::parse_visiting) does.
    ///
    /// ```
    /// # fn main() -> Result<(), lcsession_core::Error> {
    /// use lcsession_core::{ParseOptions, Session};
    /// let doc = br#"{"events":[{"type":"text","content":"a"}],"session_id":"s","last_updated_at":"t"}"#;
    /// let mut session = Session::<32, 64, 4>::default();
    /// let mut seen = 0;
    /// session.parse_into_visiting(doc, ParseOptions::default(), |_| seen += 1)?;
    /// assert_eq!((seen, session.event_count()), (1, 1));
    /// # Ok(()) }
    /// ```
    pub fn parse_into_visiting(
        &mut self,
        input: &'a [u8],
        options: ParseOptions,
        mut visit: impl FnMut(&Event<'a>),
    ) -> Result<(), Error> {
        // What an earlier parse left must not show through fields this input lacks.
        self.clear();
        let result = match utf8(input) {
            Ok(text) => self.fill(text, options, visitor!(&mut visit, 'a)),
            Err(e) => Err(utf8_error::<ID, TEXT, LIST>(
                input,
                e.valid_up_to(),
                options,
            )),
        };
        if result.is_err() {
            self.clear();
        }
        result
    }

    /// [`parse_with`](Self::parse_with) for text already known to be UTF-8.
    #[inline]
    pub fn parse_str(text: &'a str, options: ParseOptions) -> Result<Self, Error> {
        Self::parse_str_visiting(text, options, |_| {})
    }

    /// Parses and validates like [`parse_with`](Self::parse_with), handing each event to
    /// `visit` as soon as it is validated: one pass over the input instead of a parse followed
    /// by [`events`](Self::events). The session is returned only if the whole document is
    /// valid; when it is not, `visit` may already have seen the events before the error (as a
    /// streaming reader would).
    ///
    /// ```
    /// # fn main() -> Result<(), lcsession_core::Error> {
    /// let doc = br#"{"events":[{"type":"text","content":"a"},{"type":"text","content":"b"}],
    ///               "session_id":"s","last_updated_at":"t"}"#;
    /// let mut texts = Vec::new();
    /// let session = lcsession_core::parse_visiting(doc, |e| {
    ///     texts.push(e.content().unwrap().to_string());
    /// })?;
    /// assert_eq!(texts, ["a", "b"]);
    /// assert_eq!(session.event_count(), 2);
    /// # Ok(()) }
    /// ```
    pub fn parse_visiting(
        input: &'a [u8],
        options: ParseOptions,
        mut visit: impl FnMut(&Event<'a>),
    ) -> Result<Self, Error> {
        match utf8(input) {
            Ok(text) => Self::parse_str_visiting(text, options, &mut visit),
            Err(e) => Err(utf8_error::<ID, TEXT, LIST>(
                input,
                e.valid_up_to(),
                options,
            )),
        }
    }

    fn parse_str_visiting(
        text: &'a str,
        options: ParseOptions,
        mut visit: impl FnMut(&Event<'a>),
    ) -> Result<Self, Error> {
        // Filled inside the returned value itself, so that no second `Session` is built on the
        // stack and moved (one return place, no early return).
        let visit = visitor!(&mut visit, 'a);
        let mut result = Ok(Session::default());
        if let Ok(session) = &mut result {
            if let Err(e) = session.fill(text, options, visit) {
                result = Err(e);
            }
        }
        result
    }

    /// Empties the session in place (no `Session` temporary on the stack).
    fn clear(&mut self) {
        self.header.clear();
        self.root = RawValue::new("", 0);
        self.events = RawValue::new("[]", 0);
        self.event_count = 0;
    }

    /// Parses `text` into `self`, which must be empty (as [`Session::default`]).
    #[inline(never)]
    fn fill<V: FnMut(&Event<'a>) + ?Sized>(
        &mut self,
        text: &'a str,
        options: ParseOptions,
        visit: &mut V,
    ) -> Result<(), Error> {
        let mut sc = Scanner::new(text, 0, options.max_depth);
        self.fill_from(&mut sc, visit)
            .map_err(|Failed| sc.take_error())
    }

    /// The body of [`fill`](Self::fill): errors are left in the scanner.
    #[cfg_attr(not(feature = "small"), inline(always))]
    fn fill_from<V: FnMut(&Event<'a>) + ?Sized>(
        &mut self,
        sc: &mut Scanner<'a>,
        visit: &mut V,
    ) -> Result<(), Failed> {
        if sc.peek_value()? != b'{' {
            return Err(sc.error(ErrorKind::NotAnObject));
        }
        let start = sc.offset();
        sc.object_start(1)?;
        let header = &mut self.header;
        let mut events = None;
        let mut seen = 0u32;
        let mut first = true;
        while let Some(key) = sc.next_key(&mut first)? {
            let Some(i) = top_key(&key) else {
                sc.skip_value(1)?;
                continue;
            };
            let at = top_location(i);
            read::mark_seen(&mut seen, i as u32, sc, at)?;
            if i == 0 {
                events = Some(scan_events(sc, visit)?);
            } else {
                read_header_member(sc, i, at, header)?;
            }
        }
        let close = sc.offset().saturating_sub(1);
        let root = RawValue::new(sc.text_between(start, sc.offset()), start);
        if !sc.at_end() {
            return Err(sc.error(ErrorKind::TrailingBytes));
        }
        if let Some(missing) = missing_required(seen) {
            return Err(sc.fail(missing, close));
        }
        if let Some((events, event_count)) = events {
            self.events = RawValue::new(events.as_raw_str(), events.offset());
            self.event_count = event_count;
        }
        self.root = root;
        Ok(())
    }

    /// A session from the parts the incremental decoder validated.
    pub(crate) fn from_parts(
        header: Header<ID, TEXT, LIST>,
        root: RawValue<'a>,
        events: RawValue<'a>,
        event_count: usize,
    ) -> Self {
        Session {
            header,
            root,
            events,
            event_count,
        }
    }

    /// Makes this the session of `header` (swapped in: `header` gets this one's, cleared),
    /// `root`, `events` and `event_count`, without moving a header through the stack.
    pub(crate) fn set_parts(
        &mut self,
        header: &mut Header<ID, TEXT, LIST>,
        root: RawValue<'a>,
        events: RawValue<'a>,
        event_count: usize,
    ) {
        core::mem::swap(&mut self.header, header);
        header.clear();
        self.root = root;
        self.events = events;
        self.event_count = event_count;
    }

    /// The decoded header.
    pub fn header(&self) -> &Header<ID, TEXT, LIST> {
        &self.header
    }

    /// Takes the header out of the session.
    pub fn into_header(self) -> Header<ID, TEXT, LIST> {
        self.header
    }

    /// Number of events.
    pub fn event_count(&self) -> usize {
        self.event_count
    }

    /// The events, in order, decoded on the fly from the input (no copies, no allocation).
    /// They were all validated by [`parse`](Self::parse), so iteration cannot fail.
    pub fn events(&self) -> Events<'a> {
        let mut scanner = Scanner::trusted(self.events.as_raw_str(), self.events.offset());
        scanner.pos = 1;
        Events {
            scanner,
            first: true,
            index: 0,
            count: self.event_count,
        }
    }

    /// The `events` array as written.
    pub fn events_raw(&self) -> RawValue<'a> {
        self.events
    }

    /// The whole session object as written.
    pub fn raw(&self) -> RawValue<'a> {
        self.root
    }

    /// Top-level members this library does not decode, as key and raw value, in input order.
    pub fn unknown_fields(&self) -> UnknownFields<'a> {
        UnknownFields {
            members: self.root.members(),
        }
    }
}

/// A UTF-8 error at byte `valid` of `input`, unless the valid text before it already has a
/// syntax or schema error: the first problem is reported. Out of line: it parses once more.
#[cold]
#[inline(never)]
fn utf8_error<const ID: usize, const TEXT: usize, const LIST: usize>(
    input: &[u8],
    valid: usize,
    options: ParseOptions,
) -> Error {
    let prefix = input
        .get(..valid)
        .and_then(|p| core::str::from_utf8(p).ok())
        .unwrap_or_default();
    let mut session = Session::<'_, ID, TEXT, LIST>::default();
    let mut none = |_: &Event<'_>| {};
    first_problem(
        session.fill(prefix, options, visitor!(&mut none, '_)),
        valid,
    )
}

/// Reads the value of the header member `TOP[i]` (`i` from 1; 0, `events`, is the caller's)
/// into `header`. Every reader clears its field first, so a member read again (the
/// incremental decoder retrying it with more input) leaves no trace of the first try.
#[cfg_attr(not(feature = "small"), inline(always))]
pub(crate) fn read_header_member<const ID: usize, const TEXT: usize, const LIST: usize>(
    sc: &mut Scanner<'_>,
    i: usize,
    at: Location,
    header: &mut Header<ID, TEXT, LIST>,
) -> Result<(), Failed> {
    match i {
        1 => read::heapless_string(sc, at, &mut header.session_id),
        2 => read::heapless_string(sc, at, &mut header.last_updated_at),
        3 => read::nullable_into(sc, &mut header.generated_title, |sc, out| {
            read::heapless_string(sc, at, out)
        }),
        4 => {
            let item = Location::header("index_ids[]");
            read::nullable_into(sc, &mut header.index_ids, |sc, out| {
                read::heapless_string_list(sc, 2, at, item, out)
            })
        }
        5 => read::nullable_into(sc, &mut header.job_metadata, |sc, job| {
            job.decode_into(sc, 1)
        }),
        _ => {
            header.shared_access = read::nullable(sc, decode_shared_access)?;
            Ok(())
        }
    }
}

/// The index of a top-level key among the decoded ones ([`TOP`]), `None` for an unknown one.
#[inline(always)]
pub(crate) fn top_key(key: &JsonStr<'_>) -> Option<usize> {
    TOP.iter().position(|name| key.eq_str(name))
}

/// The location naming top-level member `i`.
#[inline(always)]
pub(crate) fn top_location(i: usize) -> Location {
    Location::header(TOP.get(i).copied().unwrap_or(""))
}

/// The error for the first required header field (the first three of [`TOP`]) that `seen`
/// lacks.
pub(crate) fn missing_required(seen: u32) -> Option<ErrorKind> {
    TOP.iter()
        .enumerate()
        .take(3)
        .find(|(bit, _)| seen & (1 << bit) == 0)
        .map(|(_, name)| ErrorKind::MissingField(Location::header(name)))
}

/// Enters the `events` array at its `[` (a wrong type names the field); returns the `[`'s
/// offset.
#[cfg_attr(not(feature = "small"), inline(always))]
pub(crate) fn open_events(sc: &mut Scanner<'_>) -> Result<usize, Failed> {
    if sc.peek_value()? != b'[' {
        return Err(sc.error(ErrorKind::WrongType {
            at: Location::header("events"),
            expected: JsonType::Array,
        }));
    }
    let start = sc.offset();
    sc.array_start(2)?;
    Ok(start)
}

/// The error for input whose first invalid UTF-8 byte is at `bad`, given the outcome of
/// decoding the valid text before it: that text's own error when it comes first (the first
/// problem is reported), else invalid UTF-8 at `bad`, in the event where that text ended.
pub(crate) fn first_problem(before: Result<(), Error>, bad: usize) -> Error {
    let invalid = Error::new(ErrorKind::InvalidUtf8, bad);
    match before {
        Err(err) if err.offset() < bad => err,
        // The text ended at `bad` inside this event.
        Err(err) => err.event().map_or(invalid, |index| invalid.in_event(index)),
        Ok(()) => invalid,
    }
}

/// Validates every event, handing each to `visit`; returns the array's view and its length.
#[cfg_attr(not(feature = "small"), inline(always))]
fn scan_events<'a, V: FnMut(&Event<'a>) + ?Sized>(
    sc: &mut Scanner<'a>,
    visit: &mut V,
) -> Result<(RawValue<'a>, usize), Failed> {
    let start = open_events(sc)?;
    let mut count = 0;
    let mut first = true;
    while sc.next_item(&mut first)? {
        // Visited where it was decoded: moving the ~200-byte event out of the `Option`
        // first cost a `memcpy` per event in some callers (the C library's).
        let event = decode_event(sc, count, 2);
        match &event {
            Some(event) => visit(event),
            None => return Err(Failed),
        }
        count += 1;
    }
    Ok((
        RawValue::new(sc.text_between(start, sc.offset()), start),
        count,
    ))
}

/// Iterator over a session's events; see [`Session::events`].
#[derive(Debug, Clone)]
pub struct Events<'a> {
    scanner: Scanner<'a>,
    first: bool,
    index: usize,
    count: usize,
}

impl<'a> Iterator for Events<'a> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if self.index >= self.count {
            return None;
        }
        // Every step here succeeded once already during `parse`, on the same bytes.
        if let Ok(true) = self.scanner.next_item(&mut self.first) {
            let event = decode_event(&mut self.scanner, self.index, 2);
            self.index = if event.is_some() {
                self.index + 1
            } else {
                self.count
            };
            return event;
        }
        self.index = self.count;
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.count - self.index;
        (n, Some(n))
    }
}

impl ExactSizeIterator for Events<'_> {}
impl core::iter::FusedIterator for Events<'_> {}

/// Iterator over a session's unknown top-level fields; see [`Session::unknown_fields`].
#[derive(Debug, Clone)]
pub struct UnknownFields<'a> {
    members: Members<'a>,
}

impl<'a> Iterator for UnknownFields<'a> {
    type Item = (JsonStr<'a>, RawValue<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        self.members
            .by_ref()
            .find(|(key, _)| !TOP.iter().any(|name| key.eq_str(name)))
    }
}

impl core::iter::FusedIterator for UnknownFields<'_> {}
