//! serde_json baselines: borrowed typed structs equivalent to what `lcsession-core` decodes.
//!
//! [`TypedSession`] is the fastest honest serde representation of the session: every string
//! is a [`Text`] (borrowed when it has no escapes, allocated when it has), `arguments` and
//! `result` are borrowed `&RawValue`s (validated, not decoded), `usage` is a typed struct, and
//! the event is one flat struct of optional fields whose `type` the reader dispatches on. The
//! header mirrors [`lcsession_core::Header`] with `Option`s.
//!
//! [`TaggedSession`] (information only) is the idiomatic serde model: an internally tagged
//! enum of the eight event types. serde buffers every event of an internally tagged enum
//! before choosing the variant, and `&RawValue` cannot be read from that buffer, so
//! `arguments` and `result` are `serde_json::Value` there. Unknown types map to a unit
//! variant (their fields are dropped); events without `type` fail, as serde cannot infer them.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use serde::de::{Deserializer, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

/// A JSON string borrowed from the input when it has no escapes, decoded into a new
/// allocation when it has.
///
/// `Cow<'a, str>` with `#[serde(borrow)]` borrows only as a direct field; inside `Option` or
/// `Vec` serde always allocates (serde issue 1497). This newtype borrows everywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<'a>(pub Cow<'a, str>);

impl Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// The session document, as borrowed typed structs (flat event representation).
#[derive(Debug, Deserialize)]
pub struct TypedSession<'a> {
    /// The events, in order.
    #[serde(borrow)]
    pub events: Vec<TypedEvent<'a>>,
    /// `session_id`
    #[serde(borrow)]
    pub session_id: Text<'a>,
    /// `last_updated_at`
    #[serde(borrow)]
    pub last_updated_at: Text<'a>,
    /// `generated_title` (missing or null: `None`).
    #[serde(borrow)]
    pub generated_title: Option<Text<'a>>,
    /// `index_ids`
    #[serde(borrow)]
    pub index_ids: Option<Vec<Text<'a>>>,
    /// `job_metadata`
    #[serde(borrow)]
    pub job_metadata: Option<TypedJobMetadata<'a>>,
    /// `shared_access`
    #[serde(borrow)]
    pub shared_access: Option<Text<'a>>,
}

/// `job_metadata`, every field optional.
#[derive(Debug, Deserialize)]
pub struct TypedJobMetadata<'a> {
    /// `duration_ms`
    pub duration_ms: Option<f64>,
    /// `error`
    #[serde(borrow)]
    pub error: Option<Text<'a>>,
    /// `export_config_ids`
    #[serde(borrow)]
    pub export_config_ids: Option<Vec<Text<'a>>>,
    /// `is_error`
    pub is_error: Option<bool>,
    /// `total_input_tokens`
    pub total_input_tokens: Option<u64>,
    /// `total_output_tokens`
    pub total_output_tokens: Option<u64>,
    /// `turns`
    pub turns: Option<u64>,
}

/// One event as a flat struct of every field any event type has.
#[derive(Debug, Deserialize)]
pub struct TypedEvent<'a> {
    /// `type` (missing on untyped events).
    #[serde(rename = "type", borrow)]
    pub ty: Option<Text<'a>>,
    /// `content` of the five text-bearing types.
    #[serde(borrow)]
    pub content: Option<Text<'a>>,
    /// `arguments` of `tool_call`, validated but not decoded.
    #[serde(borrow)]
    pub arguments: Option<&'a RawValue>,
    /// `call_id` of `tool_call` and `tool_result`.
    #[serde(borrow)]
    pub call_id: Option<Text<'a>>,
    /// `name` of `tool_call` and `tool_result`.
    #[serde(borrow)]
    pub name: Option<Text<'a>>,
    /// `result` of `tool_result`, validated but not decoded (`None` for `null`).
    #[serde(borrow)]
    pub result: Option<&'a RawValue>,
    /// `image_attachment` of `tool_result`.
    #[serde(borrow)]
    pub image_attachment: Option<TypedImageAttachment<'a>>,
    /// `error` of `stop`.
    #[serde(borrow)]
    pub error: Option<Text<'a>>,
    /// `is_error` of `stop`.
    pub is_error: Option<bool>,
    /// `usage` of `stop`.
    pub usage: Option<TypedUsage>,
    /// `skipped_index_ids` of `stop`.
    #[serde(borrow)]
    pub skipped_index_ids: Option<Vec<Text<'a>>>,
}

/// `image_attachment` of a `tool_result`.
#[derive(Debug, Deserialize)]
pub struct TypedImageAttachment<'a> {
    /// `attachment_name`
    #[serde(borrow)]
    pub attachment_name: Text<'a>,
    /// `source_id`
    #[serde(borrow)]
    pub source_id: Text<'a>,
}

/// `usage` of a `stop`, every field optional.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct TypedUsage {
    /// `duration_ms`
    pub duration_ms: Option<f64>,
    /// `total_input_tokens`
    pub total_input_tokens: Option<u64>,
    /// `total_output_tokens`
    pub total_output_tokens: Option<u64>,
    /// `turns`
    pub turns: Option<u64>,
}

/// The session document with events as an internally tagged enum (information only).
#[derive(Debug, Deserialize)]
pub struct TaggedSession<'a> {
    /// The events, in order.
    #[serde(borrow)]
    pub events: Vec<TaggedEvent<'a>>,
    /// `session_id`
    #[serde(borrow)]
    pub session_id: Text<'a>,
    /// `last_updated_at`
    #[serde(borrow)]
    pub last_updated_at: Text<'a>,
    /// `generated_title`
    #[serde(borrow)]
    pub generated_title: Option<Text<'a>>,
    /// `index_ids`
    #[serde(borrow)]
    pub index_ids: Option<Vec<Text<'a>>>,
    /// `job_metadata`
    #[serde(borrow)]
    pub job_metadata: Option<TypedJobMetadata<'a>>,
    /// `shared_access`
    #[serde(borrow)]
    pub shared_access: Option<Text<'a>>,
}

/// One event as serde's internally tagged enum.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TaggedEvent<'a> {
    /// `thinking_delta`
    ThinkingDelta {
        /// The text.
        #[serde(borrow)]
        content: Text<'a>,
    },
    /// `text_delta`
    TextDelta {
        /// The text.
        #[serde(borrow)]
        content: Text<'a>,
    },
    /// `thinking`
    Thinking {
        /// The text.
        #[serde(borrow)]
        content: Text<'a>,
    },
    /// `text`
    Text {
        /// The text.
        #[serde(borrow)]
        content: Text<'a>,
    },
    /// `user_input`
    UserInput {
        /// The text.
        #[serde(borrow)]
        content: Text<'a>,
    },
    /// `tool_call`
    ToolCall {
        /// The arguments, decoded into a tree (`&RawValue` is impossible here).
        arguments: serde_json::Value,
        /// `call_id`
        #[serde(borrow)]
        call_id: Text<'a>,
        /// `name`
        #[serde(borrow)]
        name: Text<'a>,
    },
    /// `tool_result`
    ToolResult {
        /// `call_id`
        #[serde(borrow)]
        call_id: Text<'a>,
        /// `name`
        #[serde(borrow)]
        name: Text<'a>,
        /// The result, decoded into a tree.
        result: serde_json::Value,
        /// `image_attachment`
        #[serde(borrow)]
        image_attachment: Option<TypedImageAttachment<'a>>,
    },
    /// `stop`
    Stop {
        /// `error`
        #[serde(borrow)]
        error: Option<Text<'a>>,
        /// `is_error`
        is_error: bool,
        /// `usage`
        usage: TypedUsage,
        /// `skipped_index_ids`
        #[serde(borrow)]
        skipped_index_ids: Option<Vec<Text<'a>>>,
    },
    /// Any other `type` (its fields are dropped).
    #[serde(other)]
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_borrows_plain_strings_and_decodes_escaped_ones() {
        let doc =
            br#"{"events":[{"type":"text","content":"plain","skipped_index_ids":["a","b\n"]}],
            "session_id":"s","last_updated_at":"t","generated_title":"caf\u00e9"}"#;
        let s: TypedSession<'_> = serde_json::from_slice(doc).unwrap();
        let e = &s.events[0];
        assert!(matches!(
            e.content.as_ref().unwrap().0,
            Cow::Borrowed("plain")
        ));
        let ids = e.skipped_index_ids.as_ref().unwrap();
        assert!(matches!(ids[0].0, Cow::Borrowed("a")));
        assert_eq!(&*ids[1], "b\n");
        assert!(matches!(ids[1].0, Cow::Owned(_)));
        assert_eq!(&**s.generated_title.as_ref().unwrap(), "café");
    }

    #[test]
    fn typed_and_tagged_read_the_sample_like_lcsession() {
        let typed: TypedSession<'_> = serde_json::from_slice(crate::SAMPLE).unwrap();
        let lcs = lcsession_core::parse(crate::SAMPLE).unwrap();
        assert_eq!(typed.events.len(), lcs.event_count());
        for (t, e) in typed.events.iter().zip(lcs.events()) {
            assert_eq!(
                t.content.as_deref(),
                e.content().map(|c| c.to_string()).as_deref()
            );
            if let Some(call) = e.tool_call() {
                assert_eq!(t.arguments.unwrap().get(), call.arguments.as_raw_str());
            }
        }
        assert_eq!(&*typed.session_id, lcs.header().session_id.as_str());
        // The sample has an untyped tool call: the tagged enum cannot read it.
        assert!(serde_json::from_slice::<TaggedSession<'_>>(crate::SAMPLE).is_err());
    }
}
