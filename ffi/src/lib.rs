//! # lcsession: the C ABI of lcsession-core
//!
//! Reads LlamaCloud "Get Full Session" dumps (`GET /api/v1/chat/{session_id}`) from C and
//! C++. The header `include/lcsession.h` is generated from this crate by cbindgen;
//! `include/lcsession.hpp` wraps it for C++17.
//!
//! Conventions (those of rustls-ffi):
//! - every fallible call returns an [`lcs_result`] (`LCS_OK` = 0), with explicit numbers that
//!   are never reused; out-parameters are written only on success;
//! - NULL is detected everywhere and gives `LCS_NULL_ARGUMENT`; a panic never crosses the
//!   boundary (it becomes `LCS_PANIC`);
//! - opaque handles come in `_new`/`_parse` and `_free` pairs, `_free` accepts NULL;
//! - text leaves as `(pointer, length)` views that are never NUL-terminated; each function
//!   documents who owns the bytes and how long they live; each type documents its
//!   thread-safety.
//!
//! The input is never copied: a session borrows the caller's buffer (see `session.rs`).
//!
//! Rust code should use `lcsession-core` directly to decode; this crate adds
//! [`client`], the blocking HTTP client that fetches sessions like the official SDKs do
//! (its C ABI is `lcs_client_*`).
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod client;
mod event;
mod header;
mod http_body;
mod http_client;
mod http_error;
mod panic;
mod ptr;
mod result;
mod session;
mod str;
mod token;
mod value;
mod version;
mod walk;

pub use event::{
    lcs_event, lcs_event_type, lcs_event_type_name, lcs_events, lcs_events_free, lcs_events_new,
    lcs_events_next, lcs_events_remaining, lcs_opt_f64, lcs_opt_u64, lcs_usage,
};
pub use header::{
    lcs_presence, lcs_session_generated_title, lcs_session_id, lcs_session_index_id,
    lcs_session_index_ids, lcs_session_job_duration_ms, lcs_session_job_error,
    lcs_session_job_export_config_id, lcs_session_job_export_config_ids, lcs_session_job_is_error,
    lcs_session_job_metadata, lcs_session_job_total_input_tokens,
    lcs_session_job_total_output_tokens, lcs_session_job_turns, lcs_session_last_updated_at,
    lcs_session_shared_access, lcs_shared_access,
};
pub use http_body::{
    lcs_body, lcs_body_bytes, lcs_body_free, lcs_body_parse, lcs_body_request_id, lcs_body_save,
    lcs_body_status, lcs_body_url,
};
pub use http_client::{
    lcs_client, lcs_client_add_header, lcs_client_build, lcs_client_free, lcs_client_new,
    lcs_client_retrieve, lcs_client_retrieve_visiting, lcs_client_set_api_key,
    lcs_client_set_base_url, lcs_client_set_connect_timeout_ms, lcs_client_set_max_body_bytes,
    lcs_client_set_max_retries, lcs_client_set_platform_roots, lcs_client_set_timeout_ms,
    lcs_client_set_use_environment,
};
pub use http_error::{
    lcs_client_error, lcs_client_error_details, lcs_client_error_free, lcs_client_error_info,
};
pub use result::{
    lcs_result, lcs_result_is_client_error, lcs_result_is_schema_error, lcs_result_is_syntax_error,
    lcs_result_message,
};
pub use session::{
    lcs_event_visitor, lcs_parse_error, lcs_session, lcs_session_event_count,
    lcs_session_events_raw, lcs_session_free, lcs_session_parse, lcs_session_parse_visiting,
    lcs_session_parse_with_max_depth, lcs_session_raw, lcs_session_unknown_fields, LCS_ID_CAPACITY,
    LCS_LIST_CAPACITY, LCS_PARSE_ERROR_MESSAGE_CAPACITY, LCS_TEXT_CAPACITY,
};
pub use str::{
    lcs_jstr, lcs_jstr_chunk_next, lcs_jstr_chunks, lcs_jstr_decoded_len, lcs_jstr_equals,
    lcs_jstr_iter, lcs_jstr_unescape, lcs_str,
};
pub use token::{
    lcs_token, lcs_token_iter, lcs_token_kind, lcs_token_next, lcs_token_visitor, lcs_value_tokens,
    lcs_value_walk, LCS_TOKEN_MAX_DEPTH, LCS_TOKEN_STACK_BYTES,
};
pub use value::{
    lcs_value, lcs_value_as_bool, lcs_value_as_f64, lcs_value_as_i64, lcs_value_as_str,
    lcs_value_as_u64, lcs_value_count, lcs_value_get, lcs_value_item_next, lcs_value_items,
    lcs_value_iter, lcs_value_kind, lcs_value_member_next, lcs_value_members,
    lcs_value_number_text,
};
pub use version::{lcs_version, LCS_VERSION_MAJOR, LCS_VERSION_MINOR, LCS_VERSION_PATCH};
