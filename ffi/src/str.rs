//! String views: `lcs_str` (decoded UTF-8 text) and `lcs_jstr` (a JSON string as written
//! in the input, escapes and all), with unescaping into caller memory.

use core::ffi::c_char;

use lcsession_core::JsonStr;

use crate::panic::call;
use crate::ptr::{self, Out, Sink};
use crate::result::lcs_result;

/// Where empty views point, so `data` is never NULL.
static EMPTY: u8 = 0;

/// A view of UTF-8 text: `len` bytes at `data`, **not** NUL-terminated (print it with
/// `printf("%.*s", (int)s.len, s.data)` or `fwrite`).
///
/// `data` is never NULL (an empty view points at a static NUL byte). The bytes belong to
/// whatever produced the view; each function says how long they stay valid. Plain data:
/// copy it freely, share it between threads while the bytes live.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct lcs_str {
    /// First byte; never NULL.
    pub data: *const c_char,
    /// Length in bytes.
    pub len: usize,
}

impl lcs_str {
    /// A view of `text` (which must outlive every use of the view).
    #[inline]
    pub fn new(text: &[u8]) -> lcs_str {
        if text.is_empty() {
            return lcs_str::empty();
        }
        lcs_str {
            data: text.as_ptr().cast(),
            len: text.len(),
        }
    }

    /// The empty view.
    #[inline]
    pub fn empty() -> lcs_str {
        lcs_str {
            data: (&raw const EMPTY).cast(),
            len: 0,
        }
    }
}

/// A JSON string exactly as written in the parsed input (between the quotes): `len` bytes at
/// `data`, not NUL-terminated, valid while the parsed buffer is.
///
/// When `escaped` is false the bytes *are* the text. When it is true they contain escape
/// sequences (`\n`, `\"`, `\u00e9`, …): decode them with `lcs_jstr_unescape` (into your
/// buffer), `lcs_jstr_chunks` (piece by piece, no buffer) or compare with `lcs_jstr_equals`.
/// Those functions read only `data` and `len` (they rescan for escapes), so a view you
/// build yourself over JSON string text works too; malformed escapes in such a view give
/// `LCS_INVALID_ARGUMENT`. Plain data: copy it freely.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct lcs_jstr {
    /// First byte; never NULL.
    pub data: *const c_char,
    /// Length in bytes, escapes included.
    pub len: usize,
    /// True when the text contains at least one escape sequence.
    pub escaped: bool,
}

impl lcs_jstr {
    /// A view of a decoded core string.
    #[inline]
    pub fn from_json(s: JsonStr<'_>) -> lcs_jstr {
        lcs_jstr::raw(s.raw().as_bytes(), s.has_escapes())
    }

    /// A view of static text without escapes.
    #[inline]
    pub fn plain(s: &'static str) -> lcs_jstr {
        lcs_jstr::raw(s.as_bytes(), false)
    }

    /// A view of raw string text.
    #[inline]
    pub fn raw(raw: &[u8], escaped: bool) -> lcs_jstr {
        let s = lcs_str::new(raw);
        lcs_jstr {
            data: s.data,
            len: s.len,
            escaped,
        }
    }

    /// The empty string.
    #[inline]
    pub fn empty() -> lcs_jstr {
        lcs_jstr::raw(b"", false)
    }
}

/// Reads `data` and `len` of a caller's `lcs_jstr` (never its `escaped` flag, which C may
/// have left as any byte) as a slice.
///
/// # Safety
/// `s` is NULL or points to an `lcs_jstr` whose `data`/`len` describe readable bytes that
/// outlive `'a`.
pub(crate) unsafe fn jstr_bytes<'a>(s: *const lcs_jstr) -> Result<&'a [u8], lcs_result> {
    if s.is_null() {
        return Err(lcs_result::LCS_NULL_ARGUMENT);
    }
    // SAFETY: `s` is non-NULL and points to an `lcs_jstr` (caller's contract); reading the
    // two fields through the raw place reads neither `escaped` nor padding.
    let (data, len) = unsafe { ((*s).data, (*s).len) };
    // SAFETY: forwarded contract on `data`/`len`.
    unsafe { ptr::chars(data, len) }
}

/// One decoded piece of a JSON string: a run of plain bytes or one unescaped character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    /// Bytes without escapes, as written.
    Text(&'a [u8]),
    /// The UTF-8 encoding of an escaped character (`len` bytes of `bytes`).
    Char { bytes: [u8; 4], len: usize },
}

impl Piece<'_> {
    /// The piece's decoded bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            Piece::Text(t) => t,
            Piece::Char { bytes, len } => bytes.get(..*len).unwrap_or_default(),
        }
    }
}

/// A malformed escape sequence (only possible in a view the caller built).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadEscape;

fn hex4(b: &[u8]) -> Result<u32, BadEscape> {
    let digits = b.get(..4).ok_or(BadEscape)?;
    digits.iter().try_fold(0u32, |acc, &d| {
        let v = (d as char).to_digit(16).ok_or(BadEscape)?;
        Ok(acc * 16 + v)
    })
}

/// Splits the first piece off `rest`: `None` at the end, else the piece and the bytes consumed.
pub(crate) fn next_piece(rest: &[u8]) -> Option<Result<(Piece<'_>, usize), BadEscape>> {
    if *rest.first()? == b'\\' {
        return Some(decode_escape(rest));
    }
    let end = rest.iter().position(|&b| b == b'\\').unwrap_or(rest.len());
    Some(Ok((Piece::Text(rest.get(..end).unwrap_or_default()), end)))
}

/// Decodes the escape sequence at the start of `rest` (which begins with a backslash).
fn decode_escape(rest: &[u8]) -> Result<(Piece<'_>, usize), BadEscape> {
    let simple = |c: u8| Piece::Char {
        bytes: [c, 0, 0, 0],
        len: 1,
    };
    let (piece, used) = match rest.get(1).ok_or(BadEscape)? {
        b'"' => (simple(b'"'), 2),
        b'\\' => (simple(b'\\'), 2),
        b'/' => (simple(b'/'), 2),
        b'b' => (simple(0x08), 2),
        b'f' => (simple(0x0c), 2),
        b'n' => (simple(b'\n'), 2),
        b'r' => (simple(b'\r'), 2),
        b't' => (simple(b'\t'), 2),
        b'u' => {
            let hi = hex4(rest.get(2..).unwrap_or_default())?;
            let (code, used) = match hi {
                0xD800..=0xDBFF => {
                    if rest.get(6..8) != Some(b"\\u") {
                        return Err(BadEscape);
                    }
                    let lo = hex4(rest.get(8..).unwrap_or_default())?;
                    if !(0xDC00..=0xDFFF).contains(&lo) {
                        return Err(BadEscape);
                    }
                    (0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00), 12)
                }
                0xDC00..=0xDFFF => return Err(BadEscape),
                c => (c, 6),
            };
            let c = char::from_u32(code).ok_or(BadEscape)?;
            let mut bytes = [0u8; 4];
            let len = c.encode_utf8(&mut bytes).len();
            (Piece::Char { bytes, len }, used)
        }
        _ => return Err(BadEscape),
    };
    Ok((piece, used))
}

/// Calls `f` with each decoded piece of `raw`.
pub(crate) fn for_each_piece(
    raw: &[u8],
    mut f: impl FnMut(&[u8]) -> bool,
) -> Result<bool, BadEscape> {
    let mut rest = raw;
    while let Some(step) = next_piece(rest) {
        let (piece, used) = step?;
        if !f(piece.bytes()) {
            return Ok(false);
        }
        rest = rest.get(used..).unwrap_or_default();
    }
    Ok(true)
}

/// Decoded length of raw JSON string text.
pub(crate) fn decoded_len(raw: &[u8]) -> Result<usize, BadEscape> {
    let mut n = 0usize;
    for_each_piece(raw, |p| {
        n += p.len();
        true
    })?;
    Ok(n)
}

/// True when raw JSON string text decodes to exactly `text`.
pub(crate) fn decoded_eq(raw: &[u8], text: &[u8]) -> Result<bool, BadEscape> {
    if !raw.contains(&b'\\') {
        return Ok(raw == text);
    }
    let mut rest = text;
    let all = for_each_piece(raw, |p| match rest.strip_prefix(p) {
        Some(r) => {
            rest = r;
            true
        }
        None => false,
    })?;
    Ok(all && rest.is_empty())
}

impl From<BadEscape> for lcs_result {
    fn from(_: BadEscape) -> lcs_result {
        lcs_result::LCS_INVALID_ARGUMENT
    }
}

/// Writes the decoded length in bytes of `s` (what `lcs_jstr_unescape` needs) to `*out_len`.
///
/// Returns `LCS_OK`, `LCS_NULL_ARGUMENT`, or `LCS_INVALID_ARGUMENT` for a malformed escape.
/// Thread-safe.
///
/// # Safety
/// `s` points to an `lcs_jstr` whose bytes are valid; `out_len` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_jstr_decoded_len(
    s: *const lcs_jstr,
    out_len: *mut usize,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `s`.
        let raw = unsafe { jstr_bytes(s) }?;
        let out = Out::new(out_len)?;
        let n = decoded_len(raw)?;
        // SAFETY: `out_len` is writable (caller's contract).
        unsafe { out.write(n) };
        Ok(())
    })
}

/// Decodes `s` (resolving every escape) into `buf`, which has room for `cap` bytes, and
/// writes the decoded length to `*out_len`. No NUL is appended.
///
/// `buf` may overlap the bytes of `s`: decoding in place (into the text's own storage, when
/// the caller owns it) works, since the decoded text is never longer than the escaped one.
///
/// Returns `LCS_OK`; `LCS_BUFFER_TOO_SMALL` when the text needs more than `cap` bytes (then
/// neither `buf` nor `*out_len` is touched: ask `lcs_jstr_decoded_len`); `LCS_NULL_ARGUMENT`
/// (`buf` may be NULL only when `cap` is 0); `LCS_INVALID_ARGUMENT` for a malformed escape.
/// Thread-safe.
///
/// # Safety
/// `s` points to an `lcs_jstr` whose bytes are valid; `buf` is NULL or has `cap` writable
/// bytes; `out_len` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_jstr_unescape(
    s: *const lcs_jstr,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `s`.
        let raw = unsafe { jstr_bytes(s) }?;
        // Decoding in place (`buf` over the text itself) is allowed: such a text is copied
        // first, so no byte is read through `raw` once the sink writes.
        let copy;
        let raw = if ptr::overlaps(raw, buf.cast(), cap) {
            copy = raw.to_vec();
            copy.as_slice()
        } else {
            raw
        };
        // SAFETY: the caller's contract on `buf`/`cap`; `raw` does not overlap it.
        let mut sink = unsafe { Sink::new(buf, cap) }?;
        let out = Out::new(out_len)?;
        // Measure first, so a short buffer is left untouched.
        if decoded_len(raw)? > cap {
            return Err(lcs_result::LCS_BUFFER_TOO_SMALL);
        }
        if !for_each_piece(raw, |p| sink.push(p))? {
            return Err(lcs_result::LCS_BUFFER_TOO_SMALL);
        }
        // SAFETY: `out_len` is writable (caller's contract).
        unsafe { out.write(sink.len()) };
        Ok(())
    })
}

/// Compares the decoded text of `s` with the `len` bytes at `text`; writes the answer to
/// `*out_equal`. `text` may be NULL when `len` is 0.
///
/// Returns `LCS_OK`, `LCS_NULL_ARGUMENT`, or `LCS_INVALID_ARGUMENT` for a malformed escape
/// in `s` or `text` that is not UTF-8 (the header's rule for text arguments; `*out_equal`
/// is then untouched).
/// Thread-safe.
///
/// # Safety
/// `s` points to an `lcs_jstr` whose bytes are valid; `text` is NULL or has `len` readable
/// bytes; `out_equal` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_jstr_equals(
    s: *const lcs_jstr,
    text: *const c_char,
    len: usize,
    out_equal: *mut bool,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `s`.
        let raw = unsafe { jstr_bytes(s) }?;
        // SAFETY: the caller's contract on `text`/`len`.
        let text = unsafe { ptr::utf8_or_empty(text, len) }?.as_bytes();
        let out = Out::new(out_equal)?;
        let eq = decoded_eq(raw, text)?;
        // SAFETY: `out_equal` is writable (caller's contract).
        unsafe { out.write(eq) };
        Ok(())
    })
}

/// A caller-held iterator over the decoded pieces of an `lcs_jstr`, for streaming text out
/// without a buffer. Initialise it with `lcs_jstr_chunks`; the fields are private.
///
/// Thread-compatible: use one iterator from one thread at a time.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct lcs_jstr_iter {
    /// Private: the text not yet decoded.
    pub _rest: *const c_char,
    /// Private: its length.
    pub _rest_len: usize,
    /// Private: the UTF-8 bytes of the last escaped character.
    pub _char: [c_char; 4],
}

/// Starts iterating the decoded pieces of `s` (see `lcs_jstr_chunk_next`).
///
/// Returns `LCS_OK` or `LCS_NULL_ARGUMENT`. The iterator borrows the bytes of `s`.
///
/// # Safety
/// `s` points to an `lcs_jstr` whose bytes are valid; `out_iter` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_jstr_chunks(
    s: *const lcs_jstr,
    out_iter: *mut lcs_jstr_iter,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `s`.
        let raw = unsafe { jstr_bytes(s) }?;
        let out = Out::new(out_iter)?;
        let view = lcs_str::new(raw);
        // SAFETY: `out_iter` is writable (caller's contract).
        unsafe {
            out.write(lcs_jstr_iter {
                _rest: view.data,
                _rest_len: view.len,
                _char: [0; 4],
            })
        };
        Ok(())
    })
}

/// Writes the next decoded piece to `*out_chunk`: either a run of text (pointing into the
/// input) or one escaped character (pointing into the iterator itself, valid until the next
/// call on it). Concatenated, the chunks are the decoded text.
///
/// Returns `LCS_OK`, `LCS_END` when done, `LCS_NULL_ARGUMENT`, or `LCS_INVALID_ARGUMENT` for
/// a malformed escape (the iterator is then exhausted).
///
/// # Safety
/// `iter` was initialised by `lcs_jstr_chunks` and the text it borrows is still valid;
/// `out_chunk` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_jstr_chunk_next(
    iter: *mut lcs_jstr_iter,
    out_chunk: *mut lcs_str,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `iter`.
        let it = unsafe { ptr::borrow_mut(iter) }?;
        let out = Out::new(out_chunk)?;
        // SAFETY: `_rest`/`_rest_len` were set by `lcs_jstr_chunks` or by this function to a
        // suffix of text the caller guarantees is still valid.
        let rest = unsafe { ptr::chars(it._rest, it._rest_len) }?;
        let (piece, used) = match next_piece(rest) {
            None => return Err(lcs_result::LCS_END),
            Some(Ok(step)) => step,
            Some(Err(e)) => {
                it._rest_len = 0;
                return Err(e.into());
            }
        };
        let chunk = match piece {
            Piece::Text(t) => lcs_str::new(t),
            Piece::Char { bytes, len } => {
                for (dst, src) in it._char.iter_mut().zip(bytes) {
                    *dst = src as c_char;
                }
                lcs_str {
                    data: it._char.as_ptr(),
                    len,
                }
            }
        };
        // `lcs_str::new` keeps a valid pointer even when nothing remains.
        let next = lcs_str::new(rest.get(used..).unwrap_or_default());
        it._rest = next.data;
        it._rest_len = next.len;
        // SAFETY: `out_chunk` is writable (caller's contract).
        unsafe { out.write(chunk) };
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(raw: &str) -> Result<Vec<u8>, BadEscape> {
        let mut v = Vec::new();
        for_each_piece(raw.as_bytes(), |p| {
            v.extend_from_slice(p);
            true
        })?;
        Ok(v)
    }

    #[test]
    fn decodes_every_escape() {
        let raw = r#"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00z"#;
        let want = "a\"b\\c/d\u{8}\u{c}\n\r\té😀z";
        assert_eq!(decode(raw).unwrap(), want.as_bytes());
        assert_eq!(decoded_len(raw.as_bytes()), Ok(want.len()));
        assert_eq!(decoded_eq(raw.as_bytes(), want.as_bytes()), Ok(true));
        assert_eq!(decoded_eq(raw.as_bytes(), b"a\"b"), Ok(false));
        assert_eq!(decode("plain").unwrap(), b"plain");
        assert_eq!(decode("").unwrap(), b"");
    }

    #[test]
    fn rejects_malformed_escapes() {
        for bad in [
            r"\",
            r"\x",
            r"\u12",
            r"\u12G4",
            r"\ud83d",
            r"\ud83d\u0041",
            r"\ude00",
            r"\ud83dx\ude00",
        ] {
            assert_eq!(decode(bad), Err(BadEscape), "{bad}");
        }
    }
}
