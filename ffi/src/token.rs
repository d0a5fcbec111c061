//! `lcs_token_iter`: a depth-first token stream over an `lcs_value`, for walking a whole
//! value in one pass.
//!
//! Member and item iterators hand out each child as a complete view, which means finding
//! where it ends; walking nested values with them scans deep bytes once per level. The token
//! stream reads every byte once, whatever the depth, and keeps its state (position and an
//! object/array bit per level) in a caller-held struct: no allocation, no recursion.

use core::ffi::{c_char, c_void};

use crate::panic::call;
use crate::ptr::{self, Out};
use crate::result::lcs_result;
use crate::str::lcs_jstr;
use crate::value::{lcs_value, lcs_value_kind, value_bytes};
use crate::walk::{scalar_end, skip_ws, string_end, string_span};

/// Deepest nesting a token stream follows, counting the walked value as level 1 (the parser
/// never accepts more than 256 levels in a whole session).
pub const LCS_TOKEN_MAX_DEPTH: usize = 256;

/// Bytes of `lcs_token_iter` holding one object/array bit per level.
pub const LCS_TOKEN_STACK_BYTES: usize = 32;

const _: () = assert!(LCS_TOKEN_STACK_BYTES * 8 == LCS_TOKEN_MAX_DEPTH);

/// What a token is.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum lcs_token_kind {
    /// `null`
    LCS_TOKEN_NULL = 1,
    /// `true` or `false`
    LCS_TOKEN_BOOL = 2,
    /// A number.
    LCS_TOKEN_NUMBER = 3,
    /// A string.
    LCS_TOKEN_STRING = 4,
    /// `[`: an array starts; its items follow, then `LCS_TOKEN_END_ARRAY`.
    LCS_TOKEN_BEGIN_ARRAY = 5,
    /// `]`
    LCS_TOKEN_END_ARRAY = 6,
    /// `{`: an object starts; its members follow (each token carrying its key), then
    /// `LCS_TOKEN_END_OBJECT`.
    LCS_TOKEN_BEGIN_OBJECT = 7,
    /// `}`
    LCS_TOKEN_END_OBJECT = 8,
}

/// One token of a value, as filled by `lcs_token_next`. Plain data; its views point into
/// the parsed buffer.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct lcs_token {
    /// What the token is.
    pub kind: lcs_token_kind,
    /// Nesting level: 0 for the walked value itself, d + 1 for the members or items of a
    /// container at level d. An END token has the level of its BEGIN.
    pub depth: u32,
    /// True when the token (a scalar or a BEGIN) is the value of an object member.
    pub has_key: bool,
    /// That member's key, as written (empty when `has_key` is false).
    pub key: lcs_jstr,
    /// Scalars: the value (use `lcs_value_as_*` on it). BEGIN and END: the one bracket byte,
    /// with kind `LCS_VALUE_OBJECT` or `LCS_VALUE_ARRAY`.
    pub value: lcs_value,
}

/// A caller-held token stream over one value. Initialise it with `lcs_value_tokens`; the
/// fields are private. It borrows the parsed buffer; use it from one thread at a time.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct lcs_token_iter {
    /// Private: the value's text.
    pub _data: *const c_char,
    /// Private: its length.
    pub _len: usize,
    /// Private: where the next token starts.
    pub _pos: usize,
    /// Private: number of containers open.
    pub _open: u32,
    /// Private: 1 once the stream has ended.
    pub _done: u32,
    /// Private: bit `i` set when open container `i` is an object.
    pub _objects: [u8; LCS_TOKEN_STACK_BYTES],
}

impl lcs_token_iter {
    /// A stream at the start of `text`.
    fn over(text: &[u8]) -> lcs_token_iter {
        lcs_token_iter {
            _data: text.as_ptr().cast(),
            _len: text.len(),
            _pos: 0,
            _open: 0,
            _done: 0,
            _objects: [0; LCS_TOKEN_STACK_BYTES],
        }
    }

    fn is_object(&self, level: u32) -> bool {
        let i = level as usize;
        self._objects
            .get(i / 8)
            .is_some_and(|byte| byte & (1 << (i % 8)) != 0)
    }

    fn set_object(&mut self, level: u32, object: bool) {
        let i = level as usize;
        if let Some(byte) = self._objects.get_mut(i / 8) {
            if object {
                *byte |= 1 << (i % 8);
            } else {
                *byte &= !(1 << (i % 8));
            }
        }
    }

    /// Writes the next token to `out`, or returns `Err(LCS_END)`; `Err(LCS_INVALID_ARGUMENT)`
    /// (ending the stream) on text that is not valid JSON. `out` is written only on success.
    #[inline(always)]
    fn step_into(&mut self, b: &[u8], out: &mut lcs_token) -> Result<(), lcs_result> {
        if self._done != 0 {
            return Err(lcs_result::LCS_END);
        }
        let r = self.read_into(b, out);
        if r.is_err() {
            self._done = 1;
        }
        r
    }

    /// One token. The text was validated by the parse (or is the caller's forged view), so
    /// this only finds token boundaries: the first byte says what the token is, and the end
    /// of a string (the closing quote) or a scalar (the next delimiter) is found a word at a
    /// time; nothing is decoded or checked beyond what keeps the walk well-formed (brackets
    /// that match, a `"` key and a `:` in objects).
    #[inline(always)]
    fn read_into(&mut self, b: &[u8], out: &mut lcs_token) -> Result<(), lcs_result> {
        let invalid = lcs_result::LCS_INVALID_ARGUMENT;
        let mut i = self._pos;
        let mut c = byte_after_ws(b, &mut i).ok_or(invalid)?;
        let mut key = None;
        if self._open > 0 {
            if c == b',' {
                i += 1;
                c = byte_after_ws(b, &mut i).ok_or(invalid)?;
            }
            let in_object = self.is_object(self._open - 1);
            if c == b'}' || c == b']' {
                if (c == b'}') != in_object {
                    return Err(invalid);
                }
                self._open -= 1;
                self._pos = i + 1;
                if self._open == 0 {
                    self._done = 1;
                }
                let (kind, vkind) = if in_object {
                    (
                        lcs_token_kind::LCS_TOKEN_END_OBJECT,
                        lcs_value_kind::LCS_VALUE_OBJECT,
                    )
                } else {
                    (
                        lcs_token_kind::LCS_TOKEN_END_ARRAY,
                        lcs_value_kind::LCS_VALUE_ARRAY,
                    )
                };
                *out = token(b, kind, self._open, None, i, i + 1, vkind);
                return Ok(());
            }
            if in_object {
                if c != b'"' {
                    return Err(invalid);
                }
                let (end, escaped) = string_span(b, i).ok_or(invalid)?;
                key = Some((i + 1, end - 1, escaped));
                i = end;
                if byte_after_ws(b, &mut i) != Some(b':') {
                    return Err(invalid);
                }
                i += 1;
                c = byte_after_ws(b, &mut i).ok_or(invalid)?;
            }
        }
        let depth = self._open;
        let (kind, vkind, end) = match c {
            b'"' => (
                lcs_token_kind::LCS_TOKEN_STRING,
                lcs_value_kind::LCS_VALUE_STRING,
                string_end(b, i).ok_or(invalid)?,
            ),
            b'{' | b'[' => {
                if self._open as usize >= LCS_TOKEN_MAX_DEPTH {
                    return Err(invalid);
                }
                self.set_object(self._open, c == b'{');
                self._open += 1;
                if c == b'{' {
                    (
                        lcs_token_kind::LCS_TOKEN_BEGIN_OBJECT,
                        lcs_value_kind::LCS_VALUE_OBJECT,
                        i + 1,
                    )
                } else {
                    (
                        lcs_token_kind::LCS_TOKEN_BEGIN_ARRAY,
                        lcs_value_kind::LCS_VALUE_ARRAY,
                        i + 1,
                    )
                }
            }
            b'-' | b'0'..=b'9' => (
                lcs_token_kind::LCS_TOKEN_NUMBER,
                lcs_value_kind::LCS_VALUE_NUMBER,
                scalar_end(b, i).ok_or(invalid)?,
            ),
            b't' | b'f' => (
                lcs_token_kind::LCS_TOKEN_BOOL,
                lcs_value_kind::LCS_VALUE_BOOL,
                scalar_end(b, i).ok_or(invalid)?,
            ),
            b'n' => (
                lcs_token_kind::LCS_TOKEN_NULL,
                lcs_value_kind::LCS_VALUE_NULL,
                scalar_end(b, i).ok_or(invalid)?,
            ),
            _ => return Err(invalid),
        };
        self._pos = end;
        if self._open == 0 {
            self._done = 1; // a scalar at the top level is the whole stream
        }
        *out = token(b, kind, depth, key, i, end, vkind);
        Ok(())
    }
}

/// The byte at or after `*i` that is not whitespace, with `*i` moved to it.
#[inline(always)]
fn byte_after_ws(b: &[u8], i: &mut usize) -> Option<u8> {
    let c = *b.get(*i)?;
    if c > b' ' {
        return Some(c);
    }
    *i = skip_ws(b, *i);
    b.get(*i).copied()
}

/// The C token for positions in `b`: the key's contents `(start, end, escaped)`, the
/// value's range `start..end`.
#[inline(always)]
fn token(
    b: &[u8],
    kind: lcs_token_kind,
    depth: u32,
    key: Option<(usize, usize, bool)>,
    start: usize,
    end: usize,
    vkind: lcs_value_kind,
) -> lcs_token {
    let value = b.get(start..end).unwrap_or_default();
    let (has_key, key) = match key {
        Some((s, e, escaped)) => (
            true,
            lcs_jstr::raw(b.get(s..e).unwrap_or_default(), escaped),
        ),
        None => (false, lcs_jstr::empty()),
    };
    lcs_token {
        kind,
        depth,
        has_key,
        key,
        value: lcs_value {
            data: value.as_ptr().cast(),
            len: value.len(),
            kind: vkind,
        },
    }
}

/// A placeholder token, overwritten before anyone sees it.
const EMPTY_TOKEN: lcs_token = lcs_token {
    kind: lcs_token_kind::LCS_TOKEN_NULL,
    depth: 0,
    has_key: false,
    key: lcs_jstr {
        data: core::ptr::null(),
        len: 0,
        escaped: false,
    },
    value: lcs_value {
        data: core::ptr::null(),
        len: 0,
        kind: lcs_value_kind::LCS_VALUE_NONE,
    },
};

/// Starts a depth-first token stream over `v` (any kind but `LCS_VALUE_NONE`): read it with
/// `lcs_token_next`. Each byte is read once, so this is the cheapest way to visit every
/// value inside a large one.
///
/// Returns `LCS_OK`, `LCS_NULL_ARGUMENT`, or `LCS_WRONG_KIND` for an empty view.
///
/// # Safety
/// `v` points to a valid `lcs_value`; `out_iter` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_value_tokens(
    v: *const lcs_value,
    out_iter: *mut lcs_token_iter,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `v`.
        let text = unsafe { value_bytes(v) }?;
        let out = Out::new(out_iter)?;
        if text.is_empty() {
            return Err(lcs_result::LCS_WRONG_KIND);
        }
        // SAFETY: `out_iter` is writable (caller's contract).
        unsafe { out.write(lcs_token_iter::over(text)) };
        Ok(())
    })
}

/// Writes the next token to `*out_token`.
///
/// Returns `LCS_OK`; `LCS_END` after the last token (the END of the walked container, or the
/// walked scalar); `LCS_NULL_ARGUMENT`; `LCS_INVALID_ARGUMENT` when the view's text is not
/// valid JSON (the stream then ends).
///
/// # Safety
/// `iter` was initialised by `lcs_value_tokens` and the parsed buffer is still valid;
/// `out_token` is writable.
#[no_mangle]
pub unsafe extern "C" fn lcs_token_next(
    iter: *mut lcs_token_iter,
    out_token: *mut lcs_token,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `iter`.
        let it = unsafe { ptr::borrow_mut(iter) }?;
        let out = Out::new(out_token)?;
        // SAFETY: `_data`/`_len` were set by `lcs_value_tokens` over a view the caller keeps
        // valid.
        let text = unsafe { ptr::chars(it._data, it._len) }?;
        let mut token = EMPTY_TOKEN;
        it.step_into(text, &mut token)?;
        // SAFETY: `out_token` is writable (caller's contract).
        unsafe { out.write(token) };
        Ok(())
    })
}

/// Called by `lcs_value_walk` with each token (valid during the call only; copy what you keep)
/// and the caller's `user` pointer. Return true to go on, false to stop the walk.
#[allow(non_camel_case_types)]
pub type lcs_token_visitor =
    Option<unsafe extern "C" fn(user: *mut c_void, token: *const lcs_token) -> bool>;

/// Calls `visit(user, &token)` for every token of `v` in order: the same tokens, with the
/// same depths and keys, as `lcs_value_tokens` + `lcs_token_next` would give, in one call.
/// Cheaper than the iterator for walking whole values (no call into the library per token).
///
/// Returns `LCS_OK` after the last token or when `visit` returned false; `LCS_NULL_ARGUMENT`
/// (`v` or `visit` NULL); `LCS_WRONG_KIND` for an empty view; `LCS_INVALID_ARGUMENT` when the
/// view's text is not valid JSON (the tokens before the problem have been visited).
///
/// # Safety
/// `v` is NULL or a view into a buffer that stays valid during the call; `visit` is NULL or
/// a function that does not unwind (C++: `noexcept`, or catch inside); `user` is passed
/// through untouched.
#[no_mangle]
pub unsafe extern "C" fn lcs_value_walk(
    v: *const lcs_value,
    visit: lcs_token_visitor,
    user: *mut c_void,
) -> lcs_result {
    call(|| {
        // SAFETY: the caller's contract on `v`.
        let text = unsafe { value_bytes(v) }?;
        let visit = visit.ok_or(lcs_result::LCS_NULL_ARGUMENT)?;
        if text.is_empty() {
            return Err(lcs_result::LCS_WRONG_KIND);
        }
        let mut it = lcs_token_iter::over(text);
        let mut token = EMPTY_TOKEN;
        loop {
            match it.step_into(text, &mut token) {
                Ok(()) => {
                    // SAFETY: `visit` is a non-unwinding C function (caller's contract);
                    // `token` lives across the call.
                    if !unsafe { visit(user, &token) } {
                        return Ok(());
                    }
                }
                Err(lcs_result::LCS_END) => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    type Flat = Vec<(lcs_token_kind, u32, Option<String>, String)>;

    /// A C token as (kind, depth, key, value) text; an escaped key gets a trailing `*`.
    ///
    /// # Safety
    /// The token's views point into memory alive for the call.
    unsafe fn flat(t: &lcs_token) -> (lcs_token_kind, u32, Option<String>, String) {
        let view = |p: *const c_char, n: usize| {
            // SAFETY: the caller's contract.
            String::from_utf8_lossy(unsafe { core::slice::from_raw_parts(p.cast::<u8>(), n) })
                .into_owned()
        };
        let key = t.has_key.then(|| {
            let mut k = view(t.key.data, t.key.len);
            if t.key.escaped {
                k.push('*');
            }
            k
        });
        (t.kind, t.depth, key, view(t.value.data, t.value.len))
    }

    fn tokens(text: &[u8]) -> Result<Flat, lcs_result> {
        let mut it = lcs_token_iter::over(text);
        let mut out = Vec::new();
        loop {
            let mut t = EMPTY_TOKEN;
            match it.step_into(text, &mut t) {
                // SAFETY: the views point into `text`, alive for the whole test.
                Ok(()) => out.push(unsafe { flat(&t) }),
                Err(lcs_result::LCS_END) => return Ok(out),
                Err(e) => return Err(e),
            }
        }
    }

    #[test]
    fn streams_nested_values() {
        use lcs_token_kind::*;
        let got = tokens(br#"{"a": [1, {"b\"": null}], "c": "x", "d": []}"#).unwrap();
        let want: Flat = vec![
            (LCS_TOKEN_BEGIN_OBJECT, 0, None, "{".into()),
            (LCS_TOKEN_BEGIN_ARRAY, 1, Some("a".into()), "[".into()),
            (LCS_TOKEN_NUMBER, 2, None, "1".into()),
            (LCS_TOKEN_BEGIN_OBJECT, 2, None, "{".into()),
            (LCS_TOKEN_NULL, 3, Some(r#"b\"*"#.into()), "null".into()),
            (LCS_TOKEN_END_OBJECT, 2, None, "}".into()),
            (LCS_TOKEN_END_ARRAY, 1, None, "]".into()),
            (LCS_TOKEN_STRING, 1, Some("c".into()), "\"x\"".into()),
            (LCS_TOKEN_BEGIN_ARRAY, 1, Some("d".into()), "[".into()),
            (LCS_TOKEN_END_ARRAY, 1, None, "]".into()),
            (LCS_TOKEN_END_OBJECT, 0, None, "}".into()),
        ];
        assert_eq!(got, want);
        assert_eq!(
            tokens(b"-1.5").unwrap(),
            [(LCS_TOKEN_NUMBER, 0, None, "-1.5".into())]
        );
        assert_eq!(
            tokens(b"true").unwrap(),
            [(LCS_TOKEN_BOOL, 0, None, "true".into())]
        );
    }

    #[test]
    fn garbage_ends_the_stream() {
        for bad in [
            &b"{"[..],
            b"[1,",
            b"{\"a\" 1}",
            b"{1:2}",
            b"[}",
            b"{]",
            b"\"abc",
            b"[x]",
            b"]",
        ] {
            assert_eq!(
                tokens(bad).err(),
                Some(lcs_result::LCS_INVALID_ARGUMENT),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let deep = "[".repeat(LCS_TOKEN_MAX_DEPTH + 1);
        assert_eq!(
            tokens(deep.as_bytes()).err(),
            Some(lcs_result::LCS_INVALID_ARGUMENT)
        );
        let ok = format!(
            "{}{}",
            "[".repeat(LCS_TOKEN_MAX_DEPTH),
            "]".repeat(LCS_TOKEN_MAX_DEPTH)
        );
        assert_eq!(
            tokens(ok.as_bytes()).map(|t| t.len()),
            Ok(2 * LCS_TOKEN_MAX_DEPTH)
        );
    }

    /// What `lcs_value_walk` saw: (kind, depth, key, value) per token, and the result.
    fn walked(text: &[u8], stop_after: usize) -> (Flat, lcs_result) {
        struct Seen {
            tokens: Flat,
            stop_after: usize,
        }
        unsafe extern "C" fn visit(user: *mut c_void, t: *const lcs_token) -> bool {
            // SAFETY: `user` is the `Seen` below.
            let seen = unsafe { &mut *user.cast::<Seen>() };
            // SAFETY: `t` and its views (into the walked text) are valid during the call.
            seen.tokens.push(unsafe { flat(&*t) });
            seen.tokens.len() < seen.stop_after
        }
        let mut seen = Seen {
            tokens: Vec::new(),
            stop_after,
        };
        let v = lcs_value {
            data: text.as_ptr().cast(),
            len: text.len(),
            kind: lcs_value_kind::of(text),
        };
        // SAFETY: `v` views `text`; `visit` does not unwind.
        let r = unsafe { lcs_value_walk(&v, Some(visit), (&raw mut seen).cast()) };
        (seen.tokens, r)
    }

    #[test]
    fn walk_visits_the_tokens_of_the_stream() {
        for text in [
            &br#"{"a": [1, {"b\"": null}], "c": "x", "d": [], "e": {"f": true}}"#[..],
            b"[[[]], {}, -1.5e3, \"s\"]",
            b"-1.5",
            b"\"only\"",
        ] {
            let streamed = tokens(text).unwrap();
            let (seen, r) = walked(text, usize::MAX);
            assert_eq!(r, lcs_result::LCS_OK);
            assert_eq!(seen, streamed, "{}", String::from_utf8_lossy(text));
        }
        // Stopping early: exactly the tokens asked for, and OK.
        let (seen, r) = walked(br#"[1, 2, 3, 4]"#, 3);
        assert_eq!(r, lcs_result::LCS_OK);
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[2].3, "2");
        // Garbage: the tokens before the problem, then INVALID_ARGUMENT.
        let (seen, r) = walked(b"[1, 2, x]", usize::MAX);
        assert_eq!(r, lcs_result::LCS_INVALID_ARGUMENT);
        assert_eq!(seen.len(), 3);
    }

    #[test]
    fn walk_rejects_null_and_empty() {
        unsafe extern "C" fn never(_: *mut c_void, _: *const lcs_token) -> bool {
            unreachable!()
        }
        let text = b"[1]";
        let v = lcs_value {
            data: text.as_ptr().cast(),
            len: text.len(),
            kind: lcs_value_kind::LCS_VALUE_ARRAY,
        };
        let empty = lcs_value { len: 0, ..v };
        let null = core::ptr::null_mut();
        // SAFETY: valid or NULL arguments; `never` is never called.
        unsafe {
            assert_eq!(
                lcs_value_walk(core::ptr::null(), Some(never), null),
                lcs_result::LCS_NULL_ARGUMENT
            );
            assert_eq!(
                lcs_value_walk(&v, None, null),
                lcs_result::LCS_NULL_ARGUMENT
            );
            assert_eq!(
                lcs_value_walk(&empty, Some(never), null),
                lcs_result::LCS_WRONG_KIND
            );
        }
    }

    /// A token as exact positions in the walked text: kind, depth, the key's
    /// `(start, len, escaped)` (start 0 for an empty key), the value's `(start, len)` and
    /// its kind.
    type Exact = (
        lcs_token_kind,
        u32,
        Option<(usize, usize, bool)>,
        (usize, usize),
        lcs_value_kind,
    );

    /// The token stream as the first implementation produced it (a byte at a time, the
    /// scalar ended by the next delimiter and typed by its first byte): the tokens, then
    /// `LCS_OK` at the end or the error that ended it. The fast path must match it on every
    /// input, valid or not.
    fn reference(b: &[u8]) -> (Vec<Exact>, lcs_result) {
        use lcs_token_kind::*;
        use lcs_value_kind::*;
        let invalid = lcs_result::LCS_INVALID_ARGUMENT;
        let ws = |mut i: usize| {
            while matches!(b.get(i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
                i += 1;
            }
            i
        };
        let string = |i: usize| crate::walk::tests::string_span_bytes(b, i);
        let scalar = |i: usize| {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b']' | b'}' | b' ' | b'\n' | b'\r' | b'\t')
            {
                j += 1;
            }
            (j > i).then_some(j)
        };
        let (mut out, mut pos, mut open) = (Vec::new(), 0, Vec::<bool>::new());
        loop {
            let mut i = ws(pos);
            let mut key = None;
            if let Some(&in_object) = open.last() {
                if b.get(i) == Some(&b',') {
                    i = ws(i + 1);
                }
                let Some(&c) = b.get(i) else {
                    return (out, invalid);
                };
                if c == b'}' || c == b']' {
                    if (c == b'}') != in_object {
                        return (out, invalid);
                    }
                    open.pop();
                    let kind = if in_object {
                        (LCS_TOKEN_END_OBJECT, LCS_VALUE_OBJECT)
                    } else {
                        (LCS_TOKEN_END_ARRAY, LCS_VALUE_ARRAY)
                    };
                    out.push((kind.0, open.len() as u32, None, (i, 1), kind.1));
                    pos = i + 1;
                    if open.is_empty() {
                        return (out, lcs_result::LCS_OK);
                    }
                    continue;
                }
                if in_object {
                    if c != b'"' {
                        return (out, invalid);
                    }
                    let Some((end, escaped)) = string(i) else {
                        return (out, invalid);
                    };
                    let len = end - 1 - (i + 1);
                    key = Some((if len == 0 { 0 } else { i + 1 }, len, escaped));
                    i = ws(end);
                    if b.get(i) != Some(&b':') {
                        return (out, invalid);
                    }
                    i = ws(i + 1);
                }
            }
            let depth = open.len() as u32;
            let Some(&c) = b.get(i) else {
                return (out, invalid);
            };
            let (kind, vkind, end) = match c {
                b'{' | b'[' => {
                    if open.len() >= LCS_TOKEN_MAX_DEPTH {
                        return (out, invalid);
                    }
                    open.push(c == b'{');
                    if c == b'{' {
                        (LCS_TOKEN_BEGIN_OBJECT, LCS_VALUE_OBJECT, Some(i + 1))
                    } else {
                        (LCS_TOKEN_BEGIN_ARRAY, LCS_VALUE_ARRAY, Some(i + 1))
                    }
                }
                b'"' => (LCS_TOKEN_STRING, LCS_VALUE_STRING, string(i).map(|e| e.0)),
                b'-' | b'0'..=b'9' => (LCS_TOKEN_NUMBER, LCS_VALUE_NUMBER, scalar(i)),
                b't' | b'f' => (LCS_TOKEN_BOOL, LCS_VALUE_BOOL, scalar(i)),
                b'n' => (LCS_TOKEN_NULL, LCS_VALUE_NULL, scalar(i)),
                _ => return (out, invalid),
            };
            let Some(end) = end else {
                return (out, invalid);
            };
            out.push((kind, depth, key, (i, end - i), vkind));
            pos = end;
            if open.is_empty() {
                return (out, lcs_result::LCS_OK);
            }
        }
    }

    /// A C token as [`Exact`] positions relative to `b`; checks that no view is NULL.
    fn exact(b: &[u8], t: &lcs_token) -> Exact {
        let at = |p: *const c_char| (p as usize).wrapping_sub(b.as_ptr() as usize);
        assert!(!t.key.data.is_null() && !t.value.data.is_null());
        assert!(t.has_key || t.key.len == 0);
        let key = t.has_key.then(|| {
            let start = if t.key.len == 0 { 0 } else { at(t.key.data) };
            (start, t.key.len, t.key.escaped)
        });
        (
            t.kind,
            t.depth,
            key,
            (at(t.value.data), t.value.len),
            t.value.kind,
        )
    }

    /// The tokens of `b` through `lcs_value_tokens` + `lcs_token_next` and through
    /// `lcs_value_walk`, each with the result that ended it; both must match the reference.
    fn assert_same_as_reference(b: &[u8]) {
        let want = reference(b);
        let v = lcs_value {
            data: b.as_ptr().cast(),
            len: b.len(),
            kind: lcs_value_kind::of(b),
        };
        // The iterator.
        let mut it = lcs_token_iter::over(b);
        let mut tok = EMPTY_TOKEN;
        let mut got = Vec::new();
        let end = loop {
            // SAFETY: `it` views `b`, alive here; `tok` is writable.
            match unsafe { lcs_token_next(&mut it, &mut tok) } {
                lcs_result::LCS_OK => got.push(exact(b, &tok)),
                lcs_result::LCS_END => break lcs_result::LCS_OK,
                e => break e,
            }
        };
        assert_eq!(
            (&got, end),
            (&want.0, want.1),
            "{}",
            String::from_utf8_lossy(b)
        );
        // SAFETY: as above; the stream has ended.
        let after = unsafe { lcs_token_next(&mut it, &mut tok) };
        assert_eq!(after, lcs_result::LCS_END);
        // The walk.
        unsafe extern "C" fn visit(user: *mut c_void, t: *const lcs_token) -> bool {
            // SAFETY: `user` is the pair below.
            let (b, seen) = unsafe { &mut *user.cast::<(&[u8], Vec<Exact>)>() };
            // SAFETY: `t` is valid during the call.
            seen.push(exact(b, unsafe { &*t }));
            true
        }
        let mut seen: (&[u8], Vec<Exact>) = (b, Vec::new());
        // SAFETY: `v` views `b`; `visit` does not unwind.
        let r = unsafe { lcs_value_walk(&v, Some(visit), (&raw mut seen).cast()) };
        assert_eq!(
            (&seen.1, r),
            (&want.0, want.1),
            "{}",
            String::from_utf8_lossy(b)
        );
    }

    /// A deterministic xorshift generator for the generated inputs.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[self.below(from.len())]
        }
    }

    /// Whitespace between tokens: mostly none, sometimes any of the four.
    fn ws(r: &mut Rng, out: &mut String) {
        if r.below(4) == 0 {
            out.push_str(r.pick(&[" ", "\n", "\r\n\t", "  \t "]));
        }
    }

    /// String contents crossing word boundaries: escapes of every kind, multi-byte UTF-8.
    fn string(r: &mut Rng, out: &mut String) {
        const PIECES: &[&str] = &[
            "a",
            "text ",
            "0123456789abcdef",
            r#"\""#,
            r"\\",
            r"\/",
            r"\n",
            r"\t",
            r"\u00e9",
            r"\ud83d\ude00",
            "é",
            "中文",
            "😀",
            "]}",
            "[{",
            ",:",
            r#"\"]"#,
            r#"\\\""#,
        ];
        out.push('"');
        for _ in 0..r.below(12) {
            out.push_str(r.pick(PIECES));
        }
        out.push('"');
    }

    fn value(r: &mut Rng, depth: usize, out: &mut String) {
        let kind = if depth >= 6 {
            2 + r.below(4)
        } else {
            r.below(6)
        };
        match kind {
            0 | 1 => {
                let object = kind == 0;
                out.push(if object { '{' } else { '[' });
                for k in 0..r.below(5) {
                    ws(r, out);
                    if k > 0 {
                        out.push(',');
                        ws(r, out);
                    }
                    if object {
                        match r.below(4) {
                            0 => out.push_str(r.pick(&[r#""""#, r#""ключ""#, r#""キー""#])),
                            _ => string(r, out),
                        }
                        ws(r, out);
                        out.push(':');
                        ws(r, out);
                    }
                    value(r, depth + 1, out);
                }
                ws(r, out);
                out.push(if object { '}' } else { ']' });
            }
            2 => string(r, out),
            3 | 4 => out.push_str(r.pick(&[
                "0",
                "-0",
                "7",
                "-1.5",
                "1e10",
                "-1.5E-3",
                "2.5e+300",
                "0.000935",
                "12345678901234567890",
                "-0.0e0",
                "98765.4321e-12",
            ])),
            _ => out.push_str(r.pick(&["true", "false", "null"])),
        }
    }

    #[test]
    fn fast_path_matches_the_reference_on_tricky_values() {
        for text in [
            r#"{"a": [1, {"b\"": null}], "c": "x", "d": [], "e": {"f": true}}"#,
            r#"{"":{},"k":[[],{},[[{}]]],"\u00e9\"":"","é":{"":[]}}"#,
            r#"[-0,1e10,-1.5E-3,2.5e+300,0.000935,12345678901234567890,-0.0e0]"#,
            r#"{"ключ":"значение","キー":"\ud83d\ude00","😀":"\\","x\\":"\"\\\""}"#,
            " [ 1 ,\n\t\"a\" ,\r\n true , false , null ] ",
            "[\"0123456789abcdef\\\"0123456789abcdef\",\"\\\\\\\\\\\\\\\\\\\\\"]",
            "-1.5",
            "\"only\"",
            "true",
            "[]",
            "{}",
        ] {
            assert_same_as_reference(text.as_bytes());
        }
    }

    #[test]
    fn fast_path_matches_the_reference_on_generated_values() {
        let mut r = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..if cfg!(miri) { 40 } else { 3000 } {
            let mut text = String::new();
            value(&mut r, 0, &mut text);
            assert_same_as_reference(text.as_bytes());
        }
    }

    #[test]
    fn fast_path_matches_the_reference_on_garbage() {
        const BYTES: &[u8] = b"{}[]\",:\\ \n\t\x01\x00-0e.xtfn\xff";
        let mut r = Rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..if cfg!(miri) { 20 } else { 3000 } {
            let mut text = String::new();
            value(&mut r, 0, &mut text);
            let mut bytes = text.into_bytes();
            // Every (non-empty: the API refuses empty views) truncation of a short value, and
            // random bytes overwritten anywhere.
            if bytes.len() < 40 {
                for n in 1..bytes.len() {
                    assert_same_as_reference(&bytes[..n]);
                }
            }
            for _ in 0..1 + r.below(3) {
                let at = r.below(bytes.len());
                bytes[at] = BYTES[r.below(BYTES.len())];
            }
            assert_same_as_reference(&bytes);
        }
    }
}
