//! `lcs_value`: a view of any JSON value in the parsed input (tool arguments and results,
//! usage, unknown fields, whole events), walked without allocating.

use core::ffi::c_char;

use lcsession_core::{NumberError, RawValue, ValueKind};

use crate::panic::call;
use crate::ptr::{self, Out};
use crate::result::lcs_result;
use crate::str::{decoded_eq, lcs_jstr, lcs_str};
use crate::walk;

/// The JSON type of an `lcs_value`.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum lcs_value_kind {
    /// No value: the field does not apply to this event, or is absent (`len` is 0).
    LCS_VALUE_NONE = 0,
    /// `null`
    LCS_VALUE_NULL = 1,
    /// `true` or `false`
    LCS_VALUE_BOOL = 2,
    /// A number.
    LCS_VALUE_NUMBER = 3,
    /// A string.
    LCS_VALUE_STRING = 4,
    /// An array.
    LCS_VALUE_ARRAY = 5,
    /// An object.
    LCS_VALUE_OBJECT = 6,
}

impl lcs_value_kind {
    /// The kind of the value whose text starts with `b`.
    #[inline]
    pub(crate) fn of(text: &[u8]) -> lcs_value_kind {
        match text.first() {
            Some(b'{') => lcs_value_kind::LCS_VALUE_OBJECT,
            Some(b'[') => lcs_value_kind::LCS_VALUE_ARRAY,
            Some(b'"') => lcs_value_kind::LCS_VALUE_STRING,
            Some(b't' | b'f') => lcs_value_kind::LCS_VALUE_BOOL,
            Some(b'n') => lcs_value_kind::LCS_VALUE_NULL,
            Some(b'-' | b'0'..=b'9') => lcs_value_kind::LCS_VALUE_NUMBER,
            _ => lcs_value_kind::LCS_VALUE_NONE,
        }
    }
}

/// A JSON value exactly as written in the parsed input: `len` bytes of JSON text at `data`
/// (not NUL-terminated) and its `kind`. Valid while the parsed buffer is; plain data, copy
/// it freely and share it between threads.
///
/// Walk objects with `lcs_value_members` / `lcs_value_member_next` or `lcs_value_get`,
/// arrays with `lcs_value_items` / `lcs_value_item_next`, and read scalars with
/// `lcs_value_as_bool`, `_as_u64`, `_as_i64`, `_as_f64`, `_as_str` and `_number_text`.
/// Functions taking an `lcs_value` read only `data` and `len` (the kind is recomputed);
/// a view over text that is not valid JSON gives wrong answers or `LCS_INVALID_ARGUMENT`,
/// never a crash.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct lcs_value {
    /// First byte of the JSON text; never NULL.
    pub data: *const c_char,
    /// Length in bytes; 0 only for `LCS_VALUE_NONE`.
    pub len: usize,
    /// The JSON type.
    pub kind: lcs_value_kind,
}

impl lcs_value {
    /// A view of validated JSON text.
    #[inline]
    pub fn from_text(text: &[u8]) -> lcs_value {
        let view = lcs_str::new(text);
        lcs_value {
            data: view.data,
            len: view.len,
            kind: lcs_value_kind::of(text),
        }
    }

    /// A view of a core value.
    #[inline]
    pub fn from_raw(v: RawValue<'_>) -> lcs_value {
        debug_assert_eq!(
            lcs_value_kind::of(v.as_raw_str().as_bytes()),
            match v.kind() {
                ValueKind::Null => lcs_value_kind::LCS_VALUE_NULL,
                ValueKind::Bool => lcs_value_kind::LCS_VALUE_BOOL,
                ValueKind::Number => lcs_value_kind::LCS_VALUE_NUMBER,
                ValueKind::String => lcs_value_kind::LCS_VALUE_STRING,
                ValueKind::Array => lcs_value_kind::LCS_VALUE_ARRAY,
                ValueKind::Object => lcs_value_kind::LCS_VALUE_OBJECT,
            }
        );
        lcs_value::from_text(v.as_raw_str().as_bytes())
    }

    /// No value.
    pub fn none() -> lcs_value {
        lcs_value::from_text(b"")
    }
}

/// Reads `data` and `len` of a caller's `lcs_value` (never `kind`, which C may have set to
/// any number) as a slice.
///
/// # Safety
/// `v` is NULL or points to an `lcs_value` whose `data`/`len` describe readable bytes that
/// outlive `'a`.
pub(crate) unsafe fn value_bytes<'a>(v: *const lcs_value) -> Result<&'a [u8], lcs_result> {
    if v.is_null() {
        return Err(lcs_result::LCS_NULL_ARGUMENT);
    }
    // SAFETY: `v` is non-NULL and points to an `lcs_value` (caller's contract); reading the
    // two fields through the raw place does not read `kind`.
    let (data, len) = unsafe { ((*v).data, (*v).len) };
    // SAFETY: forwarded contract on `data`/`len`.
    unsafe { ptr::chars(data, len) }
}

/// A caller-held iterator over the members of an object or the items of an array.
/// Initialise it with `lcs_value_members` or `lcs_value_items` (or
/// `lcs_session_unknown_fields`); the fields are private. It borrows the parsed buffer.
///
/// Plain data; use one iterator from one thread at a time.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct lcs_value_iter {
    /// Private: the container's text.
    pub _data: *const c_char,
    /// Private: its length.
    pub _len: usize,
    /// Private: where the next entry starts.
    pub _pos: usize,
    /// Private: 1 for an object's members, 2 for an array's items, 3 for unknown fields.
    pub _mode: u32,
}

pub(crate) const MODE_MEMBERS: u32 = 1;
pub(crate) const MODE_ITEMS: u32 = 2;
pub(crate) const MODE_UNKNOWN_FIELDS: u32 = 3;

impl lcs_value_iter {
    pub(crate) fn new(text: &[u8], mode: u32) -> lcs_value_iter {
        let view = lcs_str::new(text);
        lcs_value_iter {
            _data: view.data,
            _len: view.len,
            _pos: 1,
            _mode: mode,
        }
    }

    /// The next entry: key text between the quotes (members only) and value text.
    ///
    /// # Safety
    /// `_data`/`_len` still describe the container this iterator was started on, whose bytes
    /// are valid for `'a`.
    pub(crate) unsafe fn step<'a>(&mut self) -> Result<(&'a [u8], &'a [u8]), lcs_result> {
        // SAFETY: forwarded contract.
        let text: &'a [u8] = unsafe { ptr::chars(self._data, self._len) }?;
        let member = self._mode != MODE_ITEMS;
        let Some(step) = walk::next_entry(text, self._pos, member) else {
            self._pos = self._len;
            return Err(lcs_result::LCS_END);
        };
        self._pos = step.next;
        let (ka, kb) = step.key.unwrap_or_default();
        let key = text.get(ka..kb).unwrap_or_default();
        let value = text.get(step.value.0..step.value.1).unwrap_or_default();
        Ok((key, value))
    }
}

/// Starts iterating the members of object `v` (see `lcs_value_member_next`).
///
/// Returns `LCS_OK`, `LCS_NULL_ARGUMENT`, or `LCS_WRONG_KIND` when `v` is not an object.
///
/// # Safety
/// `v` points to a valid `lcs_value`; `out_iter` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_value_members(
    v: *const lcs_value,
    out_iter: *mut lcs_value_iter,
) -> lcs_result {
    // SAFETY: forwarded contract.
    unsafe { start(v, out_iter, lcs_value_kind::LCS_VALUE_OBJECT, MODE_MEMBERS) }
}

/// Starts iterating the items of array `v` (see `lcs_value_item_next`).
///
/// Returns `LCS_OK`, `LCS_NULL_ARGUMENT`, or `LCS_WRONG_KIND` when `v` is not an array.
///
/// # Safety
/// `v` points to a valid `lcs_value`; `out_iter` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_value_items(
    v: *const lcs_value,
    out_iter: *mut lcs_value_iter,
) -> lcs_result {
    // SAFETY: forwarded contract.
    unsafe { start(v, out_iter, lcs_value_kind::LCS_VALUE_ARRAY, MODE_ITEMS) }
}

/// # Safety
/// As for [`lcs_value_members`].
unsafe fn start(
    v: *const lcs_value,
    out_iter: *mut lcs_value_iter,
    want: lcs_value_kind,
    mode: u32,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `v`.
        let text = unsafe { value_bytes(v) }?;
        let out = Out::new(out_iter)?;
        if lcs_value_kind::of(text) != want {
            return Err(lcs_result::LCS_WRONG_KIND);
        }
        // SAFETY: `out_iter` is writable (caller's contract).
        unsafe { out.write(lcs_value_iter::new(text, mode)) };
        Ok(())
    })
}

/// Writes the next member's key to `*out_key` and value to `*out_value`.
///
/// Returns `LCS_OK`; `LCS_END` after the last member; `LCS_NULL_ARGUMENT`;
/// `LCS_WRONG_KIND` for an iterator started by `lcs_value_items`. Keys are JSON strings as
/// written (`escaped` tells whether they need `lcs_jstr_unescape`).
///
/// # Safety
/// `iter` was initialised by `lcs_value_members` (or `lcs_session_unknown_fields`) and the
/// parsed buffer is still valid; the out-pointers are writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_value_member_next(
    iter: *mut lcs_value_iter,
    out_key: *mut lcs_jstr,
    out_value: *mut lcs_value,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `iter`.
        let it = unsafe { ptr::borrow_mut(iter) }?;
        let key_out = Out::new(out_key)?;
        let value_out = Out::new(out_value)?;
        if it._mode != MODE_MEMBERS && it._mode != MODE_UNKNOWN_FIELDS {
            return Err(lcs_result::LCS_WRONG_KIND);
        }
        let (key, value) = loop {
            // SAFETY: the iterator was started on a container that is still valid.
            let (key, value) = unsafe { it.step() }?;
            if it._mode == MODE_UNKNOWN_FIELDS && crate::session::is_known_field(key) {
                continue;
            }
            break (
                lcs_jstr::raw(key, key.contains(&b'\\')),
                lcs_value::from_text(value),
            );
        };
        // SAFETY: both out-pointers are writable (caller's contract).
        unsafe {
            key_out.write(key);
            value_out.write(value);
        }
        Ok(())
    })
}

/// Writes the next item to `*out_value`.
///
/// Returns `LCS_OK`; `LCS_END` after the last item; `LCS_NULL_ARGUMENT`; `LCS_WRONG_KIND`
/// for an iterator over members.
///
/// # Safety
/// `iter` was initialised by `lcs_value_items` and the parsed buffer is still valid;
/// `out_value` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_value_item_next(
    iter: *mut lcs_value_iter,
    out_value: *mut lcs_value,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `iter`.
        let it = unsafe { ptr::borrow_mut(iter) }?;
        let out = Out::new(out_value)?;
        if it._mode != MODE_ITEMS {
            return Err(lcs_result::LCS_WRONG_KIND);
        }
        // SAFETY: the iterator was started on a container that is still valid.
        let (_, value) = unsafe { it.step() }?;
        // SAFETY: `out_value` is writable (caller's contract).
        unsafe { out.write(lcs_value::from_text(value)) };
        Ok(())
    })
}

/// Writes the number of members (object) or items (array) of `v` to `*out_count`.
///
/// Returns `LCS_OK`, `LCS_NULL_ARGUMENT`, or `LCS_WRONG_KIND` for other kinds.
///
/// # Safety
/// `v` points to a valid `lcs_value`; `out_count` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_value_count(v: *const lcs_value, out_count: *mut usize) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `v`.
        let text = unsafe { value_bytes(v) }?;
        let out = Out::new(out_count)?;
        let member = match lcs_value_kind::of(text) {
            lcs_value_kind::LCS_VALUE_OBJECT => true,
            lcs_value_kind::LCS_VALUE_ARRAY => false,
            _ => return Err(lcs_result::LCS_WRONG_KIND),
        };
        let mut n = 0;
        let mut pos = 1;
        while let Some(step) = walk::next_entry(text, pos, member) {
            n += 1;
            pos = step.next;
        }
        // SAFETY: `out_count` is writable (caller's contract).
        unsafe { out.write(n) };
        Ok(())
    })
}

/// Looks up the first member of object `v` whose (unescaped) key equals the `key_len`
/// bytes at `key`, and writes its value to `*out_value`. `key` may be NULL when `key_len`
/// is 0.
///
/// Returns `LCS_OK`, `LCS_NOT_FOUND`, `LCS_NULL_ARGUMENT`, `LCS_WRONG_KIND` when `v` is
/// not an object, or `LCS_INVALID_ARGUMENT` when `key` is not UTF-8.
///
/// # Safety
/// `v` points to a valid `lcs_value`; `key` is NULL or has `key_len` readable bytes;
/// `out_value` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_value_get(
    v: *const lcs_value,
    key: *const c_char,
    key_len: usize,
    out_value: *mut lcs_value,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `v`.
        let text = unsafe { value_bytes(v) }?;
        // SAFETY: the caller's contract on `key`.
        let key = unsafe { ptr::utf8_or_empty(key, key_len) }?.as_bytes();
        let out = Out::new(out_value)?;
        if lcs_value_kind::of(text) != lcs_value_kind::LCS_VALUE_OBJECT {
            return Err(lcs_result::LCS_WRONG_KIND);
        }
        let mut pos = 1;
        while let Some(step) = walk::next_entry(text, pos, true) {
            pos = step.next;
            let (a, b) = step.key.unwrap_or_default();
            if decoded_eq(text.get(a..b).unwrap_or_default(), key)? {
                let value = text.get(step.value.0..step.value.1).unwrap_or_default();
                // SAFETY: `out_value` is writable (caller's contract).
                unsafe { out.write(lcs_value::from_text(value)) };
                return Ok(());
            }
        }
        Err(lcs_result::LCS_NOT_FOUND)
    })
}

/// Writes the boolean `v` holds to `*out`.
///
/// Returns `LCS_OK`, `LCS_NULL_ARGUMENT`, or `LCS_WRONG_KIND` when `v` is not `true`/`false`.
///
/// # Safety
/// `v` points to a valid `lcs_value`; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_value_as_bool(v: *const lcs_value, out: *mut bool) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `v`.
        let text = unsafe { value_bytes(v) }?;
        let out = Out::new(out)?;
        let b = match text {
            b"true" => true,
            b"false" => false,
            _ => return Err(lcs_result::LCS_WRONG_KIND),
        };
        // SAFETY: `out` is writable (caller's contract).
        unsafe { out.write(b) };
        Ok(())
    })
}

/// Writes the string `v` holds (as written: see `lcs_jstr`) to `*out`.
///
/// Returns `LCS_OK`, `LCS_NULL_ARGUMENT`, or `LCS_WRONG_KIND` when `v` is not a string.
///
/// # Safety
/// `v` points to a valid `lcs_value`; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_value_as_str(v: *const lcs_value, out: *mut lcs_jstr) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `v`.
        let text = unsafe { value_bytes(v) }?;
        let out = Out::new(out)?;
        let inner = text
            .strip_prefix(b"\"")
            .and_then(|t| t.strip_suffix(b"\""))
            .ok_or(lcs_result::LCS_WRONG_KIND)?;
        // SAFETY: `out` is writable (caller's contract).
        unsafe { out.write(lcs_jstr::raw(inner, inner.contains(&b'\\'))) };
        Ok(())
    })
}

/// The text of a number value, checked to look like one.
fn number_text(text: &[u8]) -> Result<&str, lcs_result> {
    if lcs_value_kind::of(text) != lcs_value_kind::LCS_VALUE_NUMBER {
        return Err(lcs_result::LCS_WRONG_KIND);
    }
    let ok = text
        .iter()
        .all(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'));
    match core::str::from_utf8(text) {
        Ok(s) if ok => Ok(s),
        _ => Err(lcs_result::LCS_INVALID_ARGUMENT),
    }
}

/// `(negative, digits)` of an integer, or the reason it is not one.
fn integer(text: &str) -> Result<(bool, u64), lcs_result> {
    if text.contains(['.', 'e', 'E']) {
        return Err(lcs_result::from_number_error(NumberError::NotAnInteger));
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(lcs_result::LCS_INVALID_ARGUMENT);
    }
    let m = digits.bytes().try_fold(0u64, |acc, d| {
        acc.checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
            .ok_or(lcs_result::from_number_error(NumberError::OutOfRange))
    })?;
    Ok((negative, m))
}

/// Writes the number `v` holds as a `uint64_t` to `*out`.
///
/// Returns `LCS_OK`; `LCS_WRONG_KIND` (not a number); `LCS_NOT_AN_INTEGER` (a fraction or
/// exponent: use `lcs_value_as_f64`); `LCS_NUMBER_OUT_OF_RANGE` (negative, or above
/// `UINT64_MAX`); `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `v` points to a valid `lcs_value`; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_value_as_u64(v: *const lcs_value, out: *mut u64) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `v`.
        let text = unsafe { value_bytes(v) }?;
        let out = Out::new(out)?;
        let n = match integer(number_text(text)?)? {
            (false, m) | (true, m @ 0) => m,
            (true, _) => return Err(lcs_result::LCS_NUMBER_OUT_OF_RANGE),
        };
        // SAFETY: `out` is writable (caller's contract).
        unsafe { out.write(n) };
        Ok(())
    })
}

/// Writes the number `v` holds as an `int64_t` to `*out`.
///
/// Returns `LCS_OK`, `LCS_WRONG_KIND`, `LCS_NOT_AN_INTEGER`, `LCS_NUMBER_OUT_OF_RANGE`, or
/// `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `v` points to a valid `lcs_value`; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_value_as_i64(v: *const lcs_value, out: *mut i64) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `v`.
        let text = unsafe { value_bytes(v) }?;
        let out = Out::new(out)?;
        let (negative, m) = integer(number_text(text)?)?;
        let n = if negative {
            0i64.checked_sub_unsigned(m)
        } else {
            i64::try_from(m).ok()
        }
        .ok_or(lcs_result::LCS_NUMBER_OUT_OF_RANGE)?;
        // SAFETY: `out` is writable (caller's contract).
        unsafe { out.write(n) };
        Ok(())
    })
}

/// Writes the number `v` holds as a `double` (correctly rounded) to `*out`.
///
/// Returns `LCS_OK`, `LCS_WRONG_KIND`, `LCS_NUMBER_OUT_OF_RANGE` (beyond the range of a
/// finite `double`), or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `v` points to a valid `lcs_value`; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_value_as_f64(v: *const lcs_value, out: *mut f64) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `v`.
        let text = unsafe { value_bytes(v) }?;
        let out = Out::new(out)?;
        let x = match number_text(text)?.parse::<f64>() {
            Ok(x) if x.is_finite() => x,
            Ok(_) => return Err(lcs_result::LCS_NUMBER_OUT_OF_RANGE),
            Err(_) => return Err(lcs_result::LCS_INVALID_ARGUMENT),
        };
        // SAFETY: `out` is writable (caller's contract).
        unsafe { out.write(x) };
        Ok(())
    })
}

/// Writes the text of number `v`, exactly as written (e.g. `-1.50e3`), to `*out`: for
/// printing, or for parsing big numbers yourself.
///
/// Returns `LCS_OK`, `LCS_WRONG_KIND`, or `LCS_NULL_ARGUMENT`.
///
/// # Safety
/// `v` points to a valid `lcs_value`; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_value_number_text(
    v: *const lcs_value,
    out: *mut lcs_str,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `v`.
        let text = unsafe { value_bytes(v) }?;
        let out = Out::new(out)?;
        let n = number_text(text)?;
        // SAFETY: `out` is writable (caller's contract).
        unsafe { out.write(lcs_str::new(n.as_bytes())) };
        Ok(())
    })
}
