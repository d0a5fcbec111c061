//! Header accessors: the session's top-level fields, decoded at parse time into the session
//! handle. Optional fields report an `lcs_presence` (missing, `null`, or present), so "not
//! sent" and "sent as null" stay apart.
//!
//! Text views returned here point into the session handle and stay valid until
//! `lcs_session_free`. Every accessor is thread-safe on a shared session.

use lcsession_core::{Field, SharedAccess};

use crate::panic::call;
use crate::ptr::Out;
use crate::result::lcs_result;
use crate::session::{
    lcs_session, session_ref, LCS_ID_CAPACITY, LCS_LIST_CAPACITY, LCS_TEXT_CAPACITY,
};
use crate::str::lcs_str;

// Hidden from cbindgen, which cannot expand an alias with const generics (0.29).
/// The header of a session handle.
///
/// cbindgen:ignore
type Header = lcsession_core::Header<LCS_ID_CAPACITY, LCS_TEXT_CAPACITY, LCS_LIST_CAPACITY>;
/// Its `job_metadata`.
///
/// cbindgen:ignore
type JobMetadata =
    lcsession_core::JobMetadata<LCS_ID_CAPACITY, LCS_TEXT_CAPACITY, LCS_LIST_CAPACITY>;

/// Whether an optional field was absent, explicitly `null`, or present with a value.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum lcs_presence {
    /// The key is absent.
    LCS_PRESENCE_MISSING = 0,
    /// The key is present with the value `null`.
    LCS_PRESENCE_NULL = 1,
    /// The key is present with a value.
    LCS_PRESENCE_PRESENT = 2,
}

impl lcs_presence {
    /// The presence of a core field.
    pub fn of<T>(f: &Field<T>) -> lcs_presence {
        match f {
            Field::Missing => lcs_presence::LCS_PRESENCE_MISSING,
            Field::Null => lcs_presence::LCS_PRESENCE_NULL,
            Field::Present(_) => lcs_presence::LCS_PRESENCE_PRESENT,
        }
    }
}

/// The `shared_access` mode.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum lcs_shared_access {
    /// `"query"`
    LCS_SHARED_ACCESS_QUERY = 1,
    /// `"read_only"`
    LCS_SHARED_ACCESS_READ_ONLY = 2,
    /// A value newer than this library; its text is in the accessor's `out_text`.
    LCS_SHARED_ACCESS_OTHER = 3,
}

/// Writes the presence of a field, and its value only when present.
///
/// # Safety
/// `out_presence` and `out_value` are NULL or writable.
unsafe fn optional<T, V>(
    field: &Field<T>,
    out_presence: *mut lcs_presence,
    out_value: *mut V,
    convert: impl FnOnce(&T) -> V,
) -> Result<(), lcs_result> {
    let presence = Out::new(out_presence)?;
    let value = Out::new(out_value)?;
    // SAFETY: both pointers are non-NULL and writable (caller's contract).
    unsafe {
        presence.write(lcs_presence::of(field));
        if let Field::Present(v) = field {
            value.write(convert(v));
        }
    }
    Ok(())
}

/// The header of a live session.
///
/// # Safety
/// `session` is NULL or a live handle.
unsafe fn header<'a>(session: *const lcs_session) -> Result<&'a Header, lcs_result> {
    // SAFETY: forwarded contract.
    unsafe { session_ref(session) }.map(|s| s.header())
}

/// `job_metadata` as a field of its own, so the sub-accessors report MISSING when the whole
/// object is missing or null.
fn job(h: &Header) -> Option<&JobMetadata> {
    h.job_metadata.present()
}

fn text(s: &str) -> lcs_str {
    lcs_str::new(s.as_bytes())
}

/// Writes a required text field.
///
/// # Safety
/// `session` is a live session or NULL; `out` is writable or NULL.
unsafe fn required_text(
    session: *const lcs_session,
    out: *mut lcs_str,
    field: impl FnOnce(&Header) -> &str,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `session`.
        let h = unsafe { header(session) }?;
        let out = Out::new(out)?;
        // SAFETY: `out` is writable (caller's contract).
        unsafe { out.write(text(field(h))) };
        Ok(())
    })
}

/// Writes the session id (e.g. `ses-abc123`, unescaped) to `*out`; the view lives until
/// `lcs_session_free`.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `session` is a live session; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_id(
    session: *const lcs_session,
    out: *mut lcs_str,
) -> lcs_result {
    // SAFETY: forwarded contract.
    unsafe { required_text(session, out, |h| &h.session_id) }
}

/// Writes `last_updated_at` (an ISO-8601 timestamp, unescaped) to `*out`; the view lives
/// until `lcs_session_free`.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `session` is a live session; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_last_updated_at(
    session: *const lcs_session,
    out: *mut lcs_str,
) -> lcs_result {
    // SAFETY: forwarded contract.
    unsafe { required_text(session, out, |h| &h.last_updated_at) }
}

/// Writes the presence of `generated_title` to `*out_presence` and, when present, the title
/// (unescaped; valid until `lcs_session_free`) to `*out`.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `session` is a live session; `out_presence` and `out` are writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_generated_title(
    session: *const lcs_session,
    out_presence: *mut lcs_presence,
    out: *mut lcs_str,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `session`.
        let h = unsafe { header(session) }?;
        // SAFETY: the caller's contract on the out-pointers.
        unsafe { optional(&h.generated_title, out_presence, out, |t| text(t)) }
    })
}

/// Writes the presence of `index_ids` to `*out_presence` and, when present, the number of
/// ids to `*out_count` (read them with `lcs_session_index_id`).
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `session` is a live session; the out-pointers are writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_index_ids(
    session: *const lcs_session,
    out_presence: *mut lcs_presence,
    out_count: *mut usize,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `session`.
        let h = unsafe { header(session) }?;
        // SAFETY: the caller's contract on the out-pointers.
        unsafe { optional(&h.index_ids, out_presence, out_count, |v| v.len()) }
    })
}

/// Writes index id number `i` (unescaped; valid until `lcs_session_free`) to `*out`.
///
/// Returns `LCS_OK`, `LCS_INDEX_OUT_OF_BOUNDS` (including when `index_ids` is missing or
/// null), or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `session` is a live session; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_index_id(
    session: *const lcs_session,
    i: usize,
    out: *mut lcs_str,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `session`.
        let h = unsafe { header(session) }?;
        let out = Out::new(out)?;
        let id = h
            .index_ids
            .present()
            .and_then(|ids| ids.get(i))
            .ok_or(lcs_result::LCS_INDEX_OUT_OF_BOUNDS)?;
        // SAFETY: `out` is writable (caller's contract).
        unsafe { out.write(text(id)) };
        Ok(())
    })
}

/// Writes the presence of `job_metadata` to `*out_presence`. Its members have accessors
/// of their own (`lcs_session_job_*`), which report `LCS_PRESENCE_MISSING` when the whole
/// object is missing or null.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `session` is a live session; `out_presence` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_job_metadata(
    session: *const lcs_session,
    out_presence: *mut lcs_presence,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `session`.
        let h = unsafe { header(session) }?;
        let out = Out::new(out_presence)?;
        // SAFETY: `out_presence` is writable (caller's contract).
        unsafe { out.write(lcs_presence::of(&h.job_metadata)) };
        Ok(())
    })
}

/// Writes a scalar member of `job_metadata` (missing when the object is missing or null).
///
/// # Safety
/// `session` is a live session or NULL; the out-pointers are writable or NULL.
unsafe fn job_scalar<T: Copy>(
    session: *const lcs_session,
    out_presence: *mut lcs_presence,
    out: *mut T,
    field: impl FnOnce(&JobMetadata) -> &Field<T>,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `session`.
        let h = unsafe { header(session) }?;
        let missing = Field::Missing;
        let value = job(h).map_or(&missing, field);
        // SAFETY: the caller's contract on the out-pointers.
        unsafe { optional(value, out_presence, out, |v| *v) }
    })
}

/// `job_metadata.duration_ms`: presence, and the run time in milliseconds when present.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `session` is a live session; the out-pointers are writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_job_duration_ms(
    session: *const lcs_session,
    out_presence: *mut lcs_presence,
    out: *mut f64,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `session`.
        let h = unsafe { header(session) }?;
        let missing = Field::Missing;
        let value = job(h).map_or(&missing, |j| &j.duration_ms);
        // The parse checked that the number is a finite `f64`, so the conversion succeeds.
        // SAFETY: the caller's contract on the out-pointers.
        unsafe { optional(value, out_presence, out, |n| n.as_f64().unwrap_or(0.0)) }
    })
}

/// `job_metadata.is_error`: presence, and whether the run failed when present.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `session` is a live session; the out-pointers are writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_job_is_error(
    session: *const lcs_session,
    out_presence: *mut lcs_presence,
    out: *mut bool,
) -> lcs_result {
    // SAFETY: forwarded contract.
    unsafe { job_scalar(session, out_presence, out, |j| &j.is_error) }
}

/// `job_metadata.total_input_tokens`: presence, and the count when present.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `session` is a live session; the out-pointers are writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_job_total_input_tokens(
    session: *const lcs_session,
    out_presence: *mut lcs_presence,
    out: *mut u64,
) -> lcs_result {
    // SAFETY: forwarded contract.
    unsafe { job_scalar(session, out_presence, out, |j| &j.total_input_tokens) }
}

/// `job_metadata.total_output_tokens`: presence, and the count when present.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `session` is a live session; the out-pointers are writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_job_total_output_tokens(
    session: *const lcs_session,
    out_presence: *mut lcs_presence,
    out: *mut u64,
) -> lcs_result {
    // SAFETY: forwarded contract.
    unsafe { job_scalar(session, out_presence, out, |j| &j.total_output_tokens) }
}

/// `job_metadata.turns`: presence, and the number of agent turns when present.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `session` is a live session; the out-pointers are writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_job_turns(
    session: *const lcs_session,
    out_presence: *mut lcs_presence,
    out: *mut u64,
) -> lcs_result {
    // SAFETY: forwarded contract.
    unsafe { job_scalar(session, out_presence, out, |j| &j.turns) }
}

/// `job_metadata.error`: presence, and the message (unescaped; valid until
/// `lcs_session_free`) when present.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `session` is a live session; the out-pointers are writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_job_error(
    session: *const lcs_session,
    out_presence: *mut lcs_presence,
    out: *mut lcs_str,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `session`.
        let h = unsafe { header(session) }?;
        let missing = Field::Missing;
        let field = job(h).map_or(&missing, |j| &j.error);
        // SAFETY: the caller's contract on the out-pointers.
        unsafe { optional(field, out_presence, out, |t| text(t)) }
    })
}

/// `job_metadata.export_config_ids`: presence, and the number of ids when present (read
/// them with `lcs_session_job_export_config_id`).
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `session` is a live session; the out-pointers are writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_job_export_config_ids(
    session: *const lcs_session,
    out_presence: *mut lcs_presence,
    out_count: *mut usize,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `session`.
        let h = unsafe { header(session) }?;
        let missing = Field::Missing;
        let field = job(h).map_or(&missing, |j| &j.export_config_ids);
        // SAFETY: the caller's contract on the out-pointers.
        unsafe { optional(field, out_presence, out_count, |v| v.len()) }
    })
}

/// Writes export config id number `i` (unescaped; valid until `lcs_session_free`) to `*out`.
///
/// Returns `LCS_OK`, `LCS_INDEX_OUT_OF_BOUNDS` (including when the list is missing or
/// null), or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `session` is a live session; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_job_export_config_id(
    session: *const lcs_session,
    i: usize,
    out: *mut lcs_str,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `session`.
        let h = unsafe { header(session) }?;
        let out = Out::new(out)?;
        let id = job(h)
            .and_then(|j| j.export_config_ids.present())
            .and_then(|ids| ids.get(i))
            .ok_or(lcs_result::LCS_INDEX_OUT_OF_BOUNDS)?;
        // SAFETY: `out` is writable (caller's contract).
        unsafe { out.write(text(id)) };
        Ok(())
    })
}

/// `shared_access`: its presence, and when present the mode to `*out_mode` and its wire text
/// (`"query"`, `"read_only"`, or a newer value as sent; valid until `lcs_session_free`) to
/// `*out_text`.
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `session` is a live session; the out-pointers are writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_session_shared_access(
    session: *const lcs_session,
    out_presence: *mut lcs_presence,
    out_mode: *mut lcs_shared_access,
    out_text: *mut lcs_str,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `session`.
        let h = unsafe { header(session) }?;
        let presence = Out::new(out_presence)?;
        let mode = Out::new(out_mode)?;
        let text_out = Out::new(out_text)?;
        // SAFETY: all three pointers are writable (caller's contract).
        unsafe {
            presence.write(lcs_presence::of(&h.shared_access));
            if let Field::Present(access) = &h.shared_access {
                mode.write(match access {
                    SharedAccess::Query => lcs_shared_access::LCS_SHARED_ACCESS_QUERY,
                    SharedAccess::ReadOnly => lcs_shared_access::LCS_SHARED_ACCESS_READ_ONLY,
                    SharedAccess::Other(_) => lcs_shared_access::LCS_SHARED_ACCESS_OTHER,
                });
                text_out.write(text(access.as_str()));
            }
        }
        Ok(())
    })
}
