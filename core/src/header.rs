//! The session header: fixed-capacity `heapless` structures, decoded by the fast path and,
//! through `serde::Deserialize`, by `serde_json_core` or `serde_json`.

use core::fmt;

use heapless::{String, Vec};
use serde::de::{Deserializer, Visitor};
use serde::Deserialize;

use crate::error::{ErrorKind, Failed, Location};
use crate::field::Field;
use crate::number::{NumberBuf, NUMBER_CAPACITY};
use crate::read;
use crate::scan::Scanner;

/// Default capacity in bytes of id-like strings: `session_id`, `last_updated_at`, each entry
/// of `index_ids` and `job_metadata.export_config_ids`.
pub const DEFAULT_ID_CAPACITY: usize = 128;
/// Default capacity in bytes of free text: `generated_title` and `job_metadata.error`.
pub const DEFAULT_TEXT_CAPACITY: usize = 512;
/// Default capacity in entries of `index_ids` and `job_metadata.export_config_ids`.
pub const DEFAULT_LIST_CAPACITY: usize = 16;
/// Capacity in bytes of an unrecognised `shared_access` value.
pub const SHARED_ACCESS_CAPACITY: usize = 32;

/// Who may use a shared session.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SharedAccess {
    /// `"query"`
    Query,
    /// `"read_only"`
    ReadOnly,
    /// A value newer than this library, kept as sent.
    Other(String<SHARED_ACCESS_CAPACITY>),
}

impl SharedAccess {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            SharedAccess::Query => "query",
            SharedAccess::ReadOnly => "read_only",
            SharedAccess::Other(s) => s.as_str(),
        }
    }

    /// Maps a decoded wire value; `None` when an unknown value exceeds its capacity.
    fn from_wire(s: &str) -> Option<Self> {
        Some(match s {
            "query" => SharedAccess::Query,
            "read_only" => SharedAccess::ReadOnly,
            other => SharedAccess::Other(String::try_from(other).ok()?),
        })
    }
}

impl<'de> Deserialize<'de> for SharedAccess {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = SharedAccess;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a shared access mode")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<SharedAccess, E> {
                SharedAccess::from_wire(v)
                    .ok_or_else(|| E::invalid_length(v.len(), &"a shorter shared access mode"))
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// Metadata of the session's last job run. Every field is optional.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JobMetadata<
    const ID: usize = DEFAULT_ID_CAPACITY,
    const TEXT: usize = DEFAULT_TEXT_CAPACITY,
    const LIST: usize = DEFAULT_LIST_CAPACITY,
> {
    /// Run time in milliseconds, as written (convert with [`NumberBuf::as_f64`]).
    pub duration_ms: Field<NumberBuf>,
    /// Error message of a failed run.
    pub error: Field<String<TEXT>>,
    /// Export configurations applied.
    pub export_config_ids: Field<Vec<String<ID>, LIST>>,
    /// Whether the run failed.
    pub is_error: Field<bool>,
    /// Input tokens over the run.
    pub total_input_tokens: Field<u64>,
    /// Output tokens over the run.
    pub total_output_tokens: Field<u64>,
    /// Agent turns in the run.
    pub turns: Field<u64>,
}

/// The session header: every top-level field except `events`, decoded into fixed capacity.
///
/// Capacities are const generics with documented defaults ([`DEFAULT_ID_CAPACITY`],
/// [`DEFAULT_TEXT_CAPACITY`], [`DEFAULT_LIST_CAPACITY`]); a value that does not fit is an
/// [`ErrorKind::Capacity`] error naming the field, never a truncation.
///
/// It also implements `serde::Deserialize` (from a whole session document; `events` and
/// unknown fields are skipped), so `serde_json_core::from_slice` and `serde_json` read it:
///
/// ```
/// use lcsession_core::Header;
/// let doc = br#"{"events":[],"session_id":"ses-1","last_updated_at":"2026-04-22T12:34:41"}"#;
/// let (h, _): (Header, usize) = serde_json_core::from_slice(doc).unwrap();
/// assert_eq!(h.session_id.as_str(), "ses-1");
/// assert!(h.generated_title.is_missing());
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Header<
    const ID: usize = DEFAULT_ID_CAPACITY,
    const TEXT: usize = DEFAULT_TEXT_CAPACITY,
    const LIST: usize = DEFAULT_LIST_CAPACITY,
> {
    /// The session id, e.g. `ses-abc123`.
    pub session_id: String<ID>,
    /// ISO-8601 timestamp of the last update, e.g. `2026-04-22T12:34:41.342245`.
    pub last_updated_at: String<ID>,
    /// Title generated from the conversation.
    pub generated_title: Field<String<TEXT>>,
    /// Indexes the session is bound to (`null` on unbound sessions).
    pub index_ids: Field<Vec<String<ID>, LIST>>,
    /// Metadata of the last job run (`null` before the first run).
    pub job_metadata: Field<JobMetadata<ID, TEXT, LIST>>,
    /// Sharing mode (newer API versions only).
    pub shared_access: Field<SharedAccess>,
}

impl<const ID: usize, const TEXT: usize, const LIST: usize> Header<ID, TEXT, LIST> {
    /// Empties every field in place (as [`Header::default`], without a temporary).
    pub(crate) fn clear(&mut self) {
        self.session_id.clear();
        self.last_updated_at.clear();
        self.generated_title = Field::Missing;
        self.index_ids = Field::Missing;
        self.job_metadata = Field::Missing;
        self.shared_access = Field::Missing;
    }
}

const JOB: [&str; 7] = [
    "duration_ms",
    "error",
    "export_config_ids",
    "is_error",
    "total_input_tokens",
    "total_output_tokens",
    "turns",
];

/// Field paths of `job_metadata` members, for error locations.
const JOB_PATHS: [&str; 7] = [
    "job_metadata.duration_ms",
    "job_metadata.error",
    "job_metadata.export_config_ids",
    "job_metadata.is_error",
    "job_metadata.total_input_tokens",
    "job_metadata.total_output_tokens",
    "job_metadata.turns",
];

impl<const ID: usize, const TEXT: usize, const LIST: usize> JobMetadata<ID, TEXT, LIST> {
    /// Decodes the object at the scanner into `self`, in place (nesting `depth` = containers
    /// around it).
    pub(crate) fn decode_into(&mut self, sc: &mut Scanner<'_>, depth: u16) -> Result<(), Failed> {
        let at = Location::header("job_metadata");
        if sc.peek_value()? != b'{' {
            return Err(sc.error(ErrorKind::WrongType {
                at,
                expected: crate::JsonType::Object,
            }));
        }
        sc.object_start(depth + 1)?;
        let job = self;
        let mut seen = 0u32;
        let mut first = true;
        while let Some(key) = sc.next_key(&mut first)? {
            let Some(i) = JOB.iter().position(|name| key.eq_str(name)) else {
                sc.skip_value(depth + 1)?;
                continue;
            };
            let at = Location::header(JOB_PATHS.get(i).copied().unwrap_or("job_metadata"));
            read::mark_seen(&mut seen, i as u32, sc, at)?;
            match i {
                0 => {
                    job.duration_ms = read::nullable(sc, |sc| {
                        let start = sc.offset();
                        let number = read::number(sc, at)?;
                        NumberBuf::from_number(number).ok_or_else(|| {
                            sc.fail(
                                ErrorKind::Capacity {
                                    at,
                                    capacity: NUMBER_CAPACITY,
                                },
                                start,
                            )
                        })
                    })?
                }
                1 => read::nullable_into(sc, &mut job.error, |sc, out| {
                    read::heapless_string(sc, at, out)
                })?,
                2 => {
                    let item = Location::header("job_metadata.export_config_ids[]");
                    read::nullable_into(sc, &mut job.export_config_ids, |sc, out| {
                        read::heapless_string_list(sc, depth + 2, at, item, out)
                    })?;
                }
                3 => job.is_error = read::nullable(sc, |sc| read::boolean(sc, at))?,
                4 => job.total_input_tokens = read::nullable(sc, |sc| read::unsigned(sc, at))?,
                5 => job.total_output_tokens = read::nullable(sc, |sc| read::unsigned(sc, at))?,
                _ => job.turns = read::nullable(sc, |sc| read::unsigned(sc, at))?,
            }
        }
        Ok(())
    }
}

/// Decodes a `shared_access` string.
pub(crate) fn decode_shared_access(sc: &mut Scanner<'_>) -> Result<SharedAccess, Failed> {
    let at = Location::header("shared_access");
    sc.skip_ws();
    let start = sc.offset();
    let s = read::string(sc, at)?;
    // Decoded into a `heapless::String`, not a zeroed array: no `memset` on small targets.
    let mut buf = String::<SHARED_ACCESS_CAPACITY>::new();
    s.decode_to_heapless(&mut buf)
        .ok()
        .and_then(|()| SharedAccess::from_wire(&buf))
        .ok_or_else(|| {
            sc.fail(
                ErrorKind::Capacity {
                    at,
                    capacity: SHARED_ACCESS_CAPACITY,
                },
                start,
            )
        })
}
