//! `serde::Deserialize` for the header types, written out so that only JSON objects are
//! accepted (serde's derive would also fill a struct from an array, by position), duplicate
//! fields are errors and unknown fields are skipped — the same rules as the fast path.

use core::fmt;
use core::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::field::Field;
use crate::header::{Header, JobMetadata};

/// Reads one map key as an index into `names` (`None` for an unknown key).
struct KeyIndex<const N: usize> {
    names: [&'static str; N],
}

impl<'de, const N: usize> de::DeserializeSeed<'de> for KeyIndex<N> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<const N: usize> Visitor<'_> for KeyIndex<N> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<usize>, E> {
        Ok(self.names.iter().position(|n| *n == v))
    }
}

/// Stores `value` in `slot`, failing on a second occurrence of the field.
fn set_once<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

const HEADER_FIELDS: [&str; 6] = [
    "session_id",
    "last_updated_at",
    "generated_title",
    "index_ids",
    "job_metadata",
    "shared_access",
];

impl<'de, const ID: usize, const TEXT: usize, const LIST: usize> Deserialize<'de>
    for Header<ID, TEXT, LIST>
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<const ID: usize, const TEXT: usize, const LIST: usize>;

        impl<'de, const ID: usize, const TEXT: usize, const LIST: usize> Visitor<'de>
            for V<ID, TEXT, LIST>
        {
            type Value = Header<ID, TEXT, LIST>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a session object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let (mut id, mut updated, mut title, mut indexes, mut job, mut shared) =
                    (None, None, None, None, None, None);
                while let Some(key) = map.next_key_seed(KeyIndex {
                    names: HEADER_FIELDS,
                })? {
                    match key {
                        Some(0) => set_once(&mut map, &mut id, "session_id")?,
                        Some(1) => set_once(&mut map, &mut updated, "last_updated_at")?,
                        Some(2) => set_once(&mut map, &mut title, "generated_title")?,
                        Some(3) => set_once(&mut map, &mut indexes, "index_ids")?,
                        Some(4) => set_once(&mut map, &mut job, "job_metadata")?,
                        Some(_) => set_once(&mut map, &mut shared, "shared_access")?,
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(Header {
                    session_id: id.ok_or_else(|| de::Error::missing_field("session_id"))?,
                    last_updated_at: updated
                        .ok_or_else(|| de::Error::missing_field("last_updated_at"))?,
                    generated_title: title.unwrap_or(Field::Missing),
                    index_ids: indexes.unwrap_or(Field::Missing),
                    job_metadata: job.unwrap_or(Field::Missing),
                    shared_access: shared.unwrap_or(Field::Missing),
                })
            }
        }

        deserializer.deserialize_struct("Header", &HEADER_FIELDS, V::<ID, TEXT, LIST>)
    }
}

const JOB_FIELDS: [&str; 7] = [
    "duration_ms",
    "error",
    "export_config_ids",
    "is_error",
    "total_input_tokens",
    "total_output_tokens",
    "turns",
];

impl<'de, const ID: usize, const TEXT: usize, const LIST: usize> Deserialize<'de>
    for JobMetadata<ID, TEXT, LIST>
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<const ID: usize, const TEXT: usize, const LIST: usize>(PhantomData<()>);

        impl<'de, const ID: usize, const TEXT: usize, const LIST: usize> Visitor<'de>
            for V<ID, TEXT, LIST>
        {
            type Value = JobMetadata<ID, TEXT, LIST>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a job metadata object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let (mut duration, mut error, mut exports, mut is_error) = (None, None, None, None);
                let (mut input, mut output, mut turns) = (None, None, None);
                while let Some(key) = map.next_key_seed(KeyIndex { names: JOB_FIELDS })? {
                    match key {
                        Some(0) => set_once(&mut map, &mut duration, "duration_ms")?,
                        Some(1) => set_once(&mut map, &mut error, "error")?,
                        Some(2) => set_once(&mut map, &mut exports, "export_config_ids")?,
                        Some(3) => set_once(&mut map, &mut is_error, "is_error")?,
                        Some(4) => set_once(&mut map, &mut input, "total_input_tokens")?,
                        Some(5) => set_once(&mut map, &mut output, "total_output_tokens")?,
                        Some(_) => set_once(&mut map, &mut turns, "turns")?,
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(JobMetadata {
                    duration_ms: duration.unwrap_or(Field::Missing),
                    error: error.unwrap_or(Field::Missing),
                    export_config_ids: exports.unwrap_or(Field::Missing),
                    is_error: is_error.unwrap_or(Field::Missing),
                    total_input_tokens: input.unwrap_or(Field::Missing),
                    total_output_tokens: output.unwrap_or(Field::Missing),
                    turns: turns.unwrap_or(Field::Missing),
                })
            }
        }

        deserializer.deserialize_struct(
            "JobMetadata",
            &JOB_FIELDS,
            V::<ID, TEXT, LIST>(PhantomData),
        )
    }
}
