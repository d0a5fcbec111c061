//! [`RetrievedSession`]: a body and the session decoded from it while it arrived.

use lcsession_core::{
    Event, ParseOptions, Session, DEFAULT_ID_CAPACITY, DEFAULT_LIST_CAPACITY, DEFAULT_TEXT_CAPACITY,
};

use super::body::SessionBody;
use super::error::ClientError;
use super::text_feed::TextFeed;

self_cell::self_cell!(
    /// The body and the session borrowing it, in one value.
    struct Decoded {
        owner: SessionBody,
        #[covariant]
        dependent: Session,
    }
    impl {Debug}
);

/// A session returned by [`Client::retrieve_visiting`](super::Client::retrieve_visiting):
/// the body, held once, and the session decoded from it (zero-copy, borrowing the body), so
/// nothing is parsed twice.
#[derive(Debug)]
pub struct RetrievedSession(Decoded);

impl RetrievedSession {
    /// Completes `feed` (fed a prefix of `body` while it arrived, or nothing) on the whole
    /// body, of which `utf8_valid` bytes were found to be UTF-8 as they arrived (or 0).
    pub(crate) fn finish(
        body: SessionBody,
        mut feed: TextFeed<DEFAULT_ID_CAPACITY, DEFAULT_TEXT_CAPACITY, DEFAULT_LIST_CAPACITY>,
        utf8_valid: usize,
        parse: ParseOptions,
        visit: &mut impl FnMut(&Event<'_>),
    ) -> Result<Self, ClientError> {
        Decoded::try_new(body, |body| {
            // The default capacities: small enough to build here and move into the cell.
            let mut session = Session::default();
            finish_decoding_into(body, &mut feed, utf8_valid, parse, &mut session, visit)?;
            Ok(session)
        })
        .map(RetrievedSession)
    }

    /// The decoded session.
    pub fn session(&self) -> &Session<'_> {
        self.0.borrow_dependent()
    }

    /// The body, as received (to save it as a dump, or for its status and request id).
    pub fn body(&self) -> &SessionBody {
        self.0.borrow_owner()
    }

    /// The body, giving up the session.
    pub fn into_body(self) -> SessionBody {
        self.0.into_owner()
    }
}

/// Completes `feed` (fed a prefix of `body` while it arrived, or nothing) on the whole
/// `body`, of which `utf8_valid` bytes were found to be UTF-8 as they arrived (or 0), into
/// `out`: the session `SessionBody::parse_visiting` would return, or its error. `out` is
/// written in place, so a session of large capacities never crosses the stack.
pub(crate) fn finish_decoding_into<'b, const ID: usize, const TEXT: usize, const LIST: usize>(
    body: &'b SessionBody,
    feed: &mut TextFeed<ID, TEXT, LIST>,
    utf8_valid: usize,
    parse: ParseOptions,
    out: &mut Session<'b, ID, TEXT, LIST>,
    visit: &mut impl FnMut(&Event<'_>),
) -> Result<(), ClientError> {
    match feed.finish_into(body.as_bytes(), utf8_valid, out, visit) {
        Ok(true) => Ok(()),
        Err(e) => Err(body.invalid(e)),
        // Not reachable (every earlier call had an incomplete input); parsing again gives the
        // right answer anyway.
        Ok(false) => out
            .parse_into(body.as_bytes(), parse)
            .map_err(|e| body.invalid(e)),
    }
}
