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

    /// The next token, or `Err(LCS_END)`; `Err(LCS_INVALID_ARGUMENT)` (ending the stream) on
    /// text that is not valid JSON.
    fn step(&mut self, b: &[u8]) -> Result<Tok, lcs_result> {
        if self._done != 0 {
            return Err(lcs_result::LCS_END);
        }
        let token = self.read(b);
        if token.is_err() {
            self._done = 1;
        }
        token
    }

    fn read(&mut self, b: &[u8]) -> Result<Tok, lcs_result> {
        let invalid = lcs_result::LCS_INVALID_ARGUMENT;
        let mut i = skip_ws(b, self._pos);
        let mut key = None;
        if self._open > 0 {
            if b.get(i) == Some(&b',') {
                i = skip_ws(b, i + 1);
            }
            let c = *b.get(i).ok_or(invalid)?;
            if c == b'}' || c == b']' {
                if (c == b'}') != self.is_object(self._open - 1) {
                    return Err(invalid);
                }
                self._open -= 1;
                self._pos = i + 1;
                if self._open == 0 {
                    self._done = 1;
                }
                let (kind, vkind) = if c == b'}' {
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
                return Ok(Tok::new(kind, self._open, None, (i, i + 1), vkind));
            }
            if self.is_object(self._open - 1) {
                if c != b'"' {
                    return Err(invalid);
                }
                let (end, escaped) = string_span(b, i).ok_or(invalid)?;
                key = Some((i + 1, end - 1, escaped));
                i = skip_ws(b, end);
                if b.get(i) != Some(&b':') {
                    return Err(invalid);
                }
                i = skip_ws(b, i + 1);
            }
        }
        let depth = self._open;
        let c = *b.get(i).ok_or(invalid)?;
        let tok = match c {
            b'{' | b'[' => {
                if self._open as usize >= LCS_TOKEN_MAX_DEPTH {
                    return Err(invalid);
                }
                self.set_object(self._open, c == b'{');
                self._open += 1;
                self._pos = i + 1;
                let (kind, vkind) = if c == b'{' {
                    (
                        lcs_token_kind::LCS_TOKEN_BEGIN_OBJECT,
                        lcs_value_kind::LCS_VALUE_OBJECT,
                    )
                } else {
                    (
                        lcs_token_kind::LCS_TOKEN_BEGIN_ARRAY,
                        lcs_value_kind::LCS_VALUE_ARRAY,
                    )
                };
                return Ok(Tok::new(kind, depth, key, (i, i + 1), vkind));
            }
            b'"' => {
                let end = string_end(b, i).ok_or(invalid)?;
                self._pos = end;
                Tok::new(
                    lcs_token_kind::LCS_TOKEN_STRING,
                    depth,
                    key,
                    (i, end),
                    lcs_value_kind::LCS_VALUE_STRING,
                )
            }
            _ => {
                let end = scalar_end(b, i).ok_or(invalid)?;
                self._pos = end;
                let text = b.get(i..end).ok_or(invalid)?;
                let (kind, vkind) = match lcs_value_kind::of(text) {
                    lcs_value_kind::LCS_VALUE_NULL => (
                        lcs_token_kind::LCS_TOKEN_NULL,
                        lcs_value_kind::LCS_VALUE_NULL,
                    ),
                    lcs_value_kind::LCS_VALUE_BOOL => (
                        lcs_token_kind::LCS_TOKEN_BOOL,
                        lcs_value_kind::LCS_VALUE_BOOL,
                    ),
                    lcs_value_kind::LCS_VALUE_NUMBER => (
                        lcs_token_kind::LCS_TOKEN_NUMBER,
                        lcs_value_kind::LCS_VALUE_NUMBER,
                    ),
                    _ => return Err(invalid),
                };
                Tok::new(kind, depth, key, (i, end), vkind)
            }
        };
        if self._open == 0 {
            self._done = 1; // a scalar at the top level is the whole stream
        }
        Ok(tok)
    }
}

/// A token as positions in the value's text (built into an `lcs_token` at the boundary).
pub(crate) struct Tok {
    kind: lcs_token_kind,
    depth: u32,
    /// Start, end and "has escapes" of the key's contents.
    key: Option<(usize, usize, bool)>,
    value: (usize, usize),
    vkind: lcs_value_kind,
}

impl Tok {
    #[inline(always)]
    fn new(
        kind: lcs_token_kind,
        depth: u32,
        key: Option<(usize, usize, bool)>,
        value: (usize, usize),
        vkind: lcs_value_kind,
    ) -> Tok {
        Tok {
            kind,
            depth,
            key,
            value,
            vkind,
        }
    }

    /// The C token, with views into `b` (the text the positions refer to).
    #[inline(always)]
    fn to_c(&self, b: &[u8]) -> lcs_token {
        let value = b.get(self.value.0..self.value.1).unwrap_or_default();
        let key = self
            .key
            .and_then(|(s, e, escaped)| Some((b.get(s..e)?, escaped)));
        lcs_token {
            kind: self.kind,
            depth: self.depth,
            has_key: key.is_some(),
            key: key.map_or_else(lcs_jstr::empty, |(k, escaped)| lcs_jstr::raw(k, escaped)),
            value: lcs_value {
                data: value.as_ptr().cast(),
                len: value.len(),
                kind: self.vkind,
            },
        }
    }
}

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
        let token = it.step(text)?;
        // SAFETY: `out_token` is writable (caller's contract).
        unsafe { out.write(token.to_c(text)) };
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
        loop {
            match it.step(text) {
                Ok(token) => {
                    let token = token.to_c(text);
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
            match it.step(text) {
                // SAFETY: the views point into `text`, alive for the whole test.
                Ok(t) => out.push(unsafe { flat(&t.to_c(text)) }),
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
}
