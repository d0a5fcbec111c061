//! # lcsession-core
//!
//! A strict, zero-copy, `no_std` decoder for LlamaCloud chat sessions (the
//! `GET /api/v1/chat/{session_id}` "Get Full Session" document). No allocation, no `unsafe`,
//! no recursion.
//!
//! - [`parse`] validates the whole document (RFC 8259 strictly, every event against the
//!   session schema, trailing bytes) and decodes the header into fixed-capacity
//!   [`heapless`] structures ([`Header`]).
//! - [`Session::events`] iterates [`Event`]s that borrow from the input: the eight known
//!   types, [`EventBody::Unknown`] for newer types, [`EventBody::Untyped`] for objects without
//!   a `type` that cannot be inferred.
//! - Strings are [`JsonStr`]s, unescaped lazily; arbitrary JSON (`arguments`, `result`,
//!   `usage`, unknown fields) comes as [`RawValue`]s you can walk.
//! - Errors carry an [`ErrorKind`], a byte offset and, on request, line:column.
//!
//! ```
//! # fn main() -> Result<(), lcsession_core::Error> {
//! use lcsession_core::{EventBody, Field};
//!
//! let dump = br#"{"events":[
//!     {"type":"user_input","content":"Summarise Q3"},
//!     {"type":"tool_call","call_id":"c1","name":"search","arguments":{"query":"Q3"}},
//!     {"type":"text","content":"Revenue grew \"12%\"\n"},
//!     {"type":"stop","error":null,"is_error":false,"usage":{"total_output_tokens":42}}
//!   ],
//!   "session_id":"ses-abc123","last_updated_at":"2026-04-22T12:34:41.342245",
//!   "generated_title":null}"#;
//!
//! let session = lcsession_core::parse(dump)?;
//! assert_eq!(session.header().session_id.as_str(), "ses-abc123");
//! assert!(session.header().generated_title.is_null());
//! assert!(session.header().index_ids.is_missing());
//!
//! for event in session.events() {
//!     match event.body {
//!         EventBody::UserInput { content } => assert_eq!(content, "Summarise Q3"),
//!         EventBody::ToolCall(call) => {
//!             assert_eq!(call.arguments.get("query").unwrap().as_str().unwrap(), "Q3")
//!         }
//!         EventBody::Text { content } => assert_eq!(content, "Revenue grew \"12%\"\n"),
//!         EventBody::Stop(stop) => assert_eq!(stop.usage.total_output_tokens, Field::Present(42)),
//!         _ => unreachable!(),
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! Bad input gets an error naming what and where:
//!
//! ```
//! let dump = b"{\"events\":[{\"type\":\"tool_call\",\"name\":\"x\",\"arguments\":{}}],\n\"session_id\":\"s\",\"last_updated_at\":\"t\"}";
//! let err = lcsession_core::parse(dump).unwrap_err();
//! assert_eq!(err.to_string(), "event 0 field `call_id`: missing at byte 56");
//! assert_eq!(err.line_column(dump), (1, 57));
//! ```
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

mod decoder;
mod depth;
mod error;
mod escape;
mod escaped;
mod event;
mod field;
mod header;
mod header_serde;
mod number;
mod read;
mod scan;
mod session;
mod str;
mod tokens;
mod value;

pub use decoder::{utf8_prefix, SessionDecoder};
pub use depth::{DEFAULT_MAX_DEPTH, MAX_DEPTH};
pub use error::{line_column, Error, ErrorKind, JsonType, Location};
pub use event::{
    Event, EventBody, EventType, ImageAttachment, Stop, StrList, ToolCall, ToolResult, Usage,
};
pub use field::Field;
pub use header::{
    Header, JobMetadata, SharedAccess, DEFAULT_ID_CAPACITY, DEFAULT_LIST_CAPACITY,
    DEFAULT_TEXT_CAPACITY, SHARED_ACCESS_CAPACITY,
};
pub use heapless;
pub use number::{Number, NumberBuf, NumberError, NUMBER_CAPACITY};
pub use session::{Events, ParseOptions, Session, UnknownFields};
pub use str::{BufferTooSmall, Chars, JsonStr, Segment, Segments};
pub use tokens::{Token, Tokens};
pub use value::{Items, Members, RawValue, ValueKind};

/// Not part of the API: scanning helpers the `lcsession` crate (C ABI) shares with the core,
/// so each exists once. They may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::escaped::escaped_bytes;
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    pub use crate::scan::trusted_block::string_end;
}

/// Parses a session with the default header capacities and options.
///
/// See [`Session::parse`]; use `Session::<ID, TEXT, LIST>::parse` to choose capacities.
pub fn parse(input: &[u8]) -> Result<Session<'_>, Error> {
    Session::parse(input)
}

/// One-pass parse with the default capacities and options: each event is handed to `visit` as
/// soon as it is validated. See [`Session::parse_visiting`].
pub fn parse_visiting<'a>(
    input: &'a [u8],
    visit: impl FnMut(&Event<'a>),
) -> Result<Session<'a>, Error> {
    Session::parse_visiting(input, ParseOptions::default(), visit)
}
