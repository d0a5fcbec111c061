//! Navigation inside JSON text that lcsession-core has already validated.
//!
//! `lcs_value` views cross the C boundary as `(data, len)`; the core's `RawValue` cannot be
//! rebuilt from those parts, so walking them again happens here. The input was validated by
//! the core's parse, which lets these steps be simple; on text that is *not* valid JSON (a
//! view the caller forged) they stay memory-safe, always terminate, and report `None`.

/// Index of the first non-whitespace byte at or after `i`.
#[inline]
pub(crate) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = b.get(i) {
        i += 1;
    }
    i
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// High bit set in each byte of `w` equal to `byte`. Borrows only propagate upwards, so the
/// lowest set bit is always exact (higher ones may be false positives).
#[inline(always)]
fn eq_mask(w: u64, byte: u8) -> u64 {
    let x = w ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & HIGH
}

/// The eight bytes at `i` as a little-endian word, if there are eight.
#[inline(always)]
fn word(b: &[u8], i: usize) -> Option<u64> {
    b.get(i..)?
        .first_chunk::<8>()
        .map(|w| u64::from_le_bytes(*w))
}

/// Index of the first byte at or after `i` that `hit` accepts, scanning a word at a time
/// with `mask` (whose lowest set bit must be exact); `None` if there is none.
#[inline(always)]
fn find(
    b: &[u8],
    mut i: usize,
    mask: impl Fn(u64) -> u64,
    hit: impl Fn(u8) -> bool,
) -> Option<usize> {
    while let Some(w) = word(b, i) {
        let m = mask(w);
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b.get(i..)?.iter().position(|&c| hit(c)).map(|k| i + k)
}

/// With `b[i] == '"'`, the index just past the closing quote.
#[inline]
pub(crate) fn string_end(b: &[u8], i: usize) -> Option<usize> {
    string_span(b, i).map(|(end, _)| end)
}

/// [`string_end`], and whether the string has an escape.
#[inline]
pub(crate) fn string_span(b: &[u8], i: usize) -> Option<(usize, bool)> {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    return sse2::string_span(b, i + 1);
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    return string_span_words(b, i + 1, false);
}

/// The closing quote at or after `j` (a byte that is not escaped), a word at a time; stops at
/// each backslash. `escaped`: whether a backslash came before `j`.
/// (On x86_64 only the tests call it, as the reference for the block scan.)
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
#[inline]
fn string_span_words(b: &[u8], mut j: usize, mut escaped: bool) -> Option<(usize, bool)> {
    loop {
        j = find(
            b,
            j,
            |w| eq_mask(w, b'"') | eq_mask(w, b'\\'),
            |c| c == b'"' || c == b'\\',
        )?;
        if b.get(j) == Some(&b'"') {
            return Some((j + 1, escaped));
        }
        escaped = true;
        j += 2; // a backslash and the byte it escapes
    }
}

/// High bit set in each byte of `w` below `n` (`n <= 0x80`); the lowest set bit is exact, as
/// for [`eq_mask`].
#[inline(always)]
fn lt_mask(w: u64, n: u8) -> u64 {
    w.wrapping_sub(ONES * u64::from(n)) & !w & HIGH
}

/// Whether `c` ends a scalar.
#[inline(always)]
fn is_delimiter(c: u8) -> bool {
    matches!(c, b',' | b']' | b'}' | b' ' | b'\n' | b'\r' | b'\t')
}

/// With a scalar (number, `true`, `false`, `null`) at `b[i]`, the index just past it: the
/// next delimiter (`,`, `]`, `}` or whitespace), or the end of the text.
#[inline]
pub(crate) fn scalar_end(b: &[u8], i: usize) -> Option<usize> {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    return sse2::scalar_end(b, i);
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    return scalar_end_words(b, i);
}

/// [`scalar_end`], a word at a time.
#[inline]
fn scalar_end_words(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    loop {
        // Bytes below 0x21 (whitespace, and control bytes that only a forged view holds) and
        // the three delimiter brackets/commas.
        let Some(k) = find(
            b,
            j,
            |w| lt_mask(w, 0x21) | eq_mask(w, b',') | eq_mask(w, b']') | eq_mask(w, b'}'),
            |c| c < 0x21 || c == b',' || c == b']' || c == b'}',
        ) else {
            return (b.len() > i).then_some(b.len());
        };
        if is_delimiter(*b.get(k)?) {
            return (k > i).then_some(k);
        }
        j = k + 1; // a control byte: part of the (malformed) scalar
    }
}

/// The scans with SSE2 (part of the x86_64 baseline, so compiled for every x86_64 target
/// unless explicitly disabled): 16 bytes per compare, through `safe_arch` (the same safe
/// wrappers the core uses), so the scans inline into the token reader without `unsafe`.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sse2 {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, m128i, move_mask_i8_m128i,
        set_splat_i8_m128i,
    };

    /// 16 bytes as a vector.
    #[inline(always)]
    fn load(b: &[u8; 16]) -> m128i {
        load_unaligned_m128i(b)
    }

    /// Byte-wise `v == c`.
    #[inline(always)]
    fn eq(v: m128i, c: u8) -> m128i {
        cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(c as i8))
    }

    /// Byte-wise `a | b`.
    #[inline(always)]
    fn or(a: m128i, b: m128i) -> m128i {
        bitor_m128i(a, b)
    }

    /// Bit `k` set when byte `k` of `m` is 0xff.
    #[inline(always)]
    fn bits(m: m128i) -> u64 {
        u64::from(move_mask_i8_m128i(m) as u16)
    }

    /// [`super::string_span`] from `j`, just past the opening quote.
    #[inline(always)]
    pub(super) fn string_span(b: &[u8], mut j: usize) -> Option<(usize, bool)> {
        // Most strings are short: the closing quote within 16 bytes and no backslash before.
        if let Some(chunk) = b.get(j..).and_then(|r| r.first_chunk::<16>()) {
            let v = load(chunk);
            let (quotes, backslashes) = (bits(eq(v, b'"')), bits(eq(v, b'\\')));
            let before_quote = quotes.wrapping_sub(1) & !quotes;
            if quotes != 0 && backslashes & before_quote == 0 {
                return Some((j + quotes.trailing_zeros() as usize + 1, false));
            }
            if quotes | backslashes == 0 {
                j += 16;
            }
        }
        // Then the core's trusted scan: 64 bytes at a time, escapes found without a branch
        // per backslash.
        lcsession_core::__private::string_end(b, j).map(|(end, escaped)| (end + 1, escaped))
    }

    /// [`super::scalar_end`].
    #[inline(always)]
    pub(super) fn scalar_end(b: &[u8], i: usize) -> Option<usize> {
        if let Some(chunk) = b.get(i..).and_then(|r| r.first_chunk::<16>()) {
            let v = load(chunk);
            let stops = or(
                or(or(eq(v, b','), eq(v, b']')), or(eq(v, b'}'), eq(v, b' '))),
                or(or(eq(v, b'\n'), eq(v, b'\r')), eq(v, b'\t')),
            );
            let stops = bits(stops);
            if stops != 0 {
                let k = stops.trailing_zeros() as usize;
                return (k > 0).then_some(i + k);
            }
        }
        super::scalar_end_words(b, i)
    }
}

/// The index just past the value starting at `b[i]` (no leading whitespace).
pub(crate) fn value_end(b: &[u8], i: usize) -> Option<usize> {
    let (open, close) = match *b.get(i)? {
        b'"' => return string_end(b, i),
        b'{' => (b'{', b'}'),
        b'[' => (b'[', b']'),
        _ => return scalar_end(b, i),
    };
    // Brackets of the other kind are balanced inside valid JSON, so only quotes and this
    // container's own brackets matter.
    let mut depth = 0usize;
    let mut j = i;
    loop {
        j = find(
            b,
            j,
            |w| eq_mask(w, b'"') | eq_mask(w, open) | eq_mask(w, close),
            |c| c == b'"' || c == open || c == close,
        )?;
        match *b.get(j)? {
            b'"' => {
                j = string_end(b, j)?;
                continue;
            }
            c if c == open => depth += 1,
            _ => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(j + 1);
                }
            }
        }
        j += 1;
    }
}

/// One step of a member or item walk over the container `b` from position `pos` (just past
/// the opening bracket or the previous entry). Returns the key's range (members only), the
/// value's range, and the position to resume from; `None` at the end or on malformed text.
pub(crate) struct Step {
    /// Key text between the quotes (members only).
    pub key: Option<(usize, usize)>,
    /// The value's range.
    pub value: (usize, usize),
    /// Where the next step starts.
    pub next: usize,
}

/// The next entry of an object (`member == true`) or array whose text is `b`.
pub(crate) fn next_entry(b: &[u8], pos: usize, member: bool) -> Option<Step> {
    let mut i = skip_ws(b, pos);
    match *b.get(i)? {
        b'}' | b']' => return None,
        b',' => i = skip_ws(b, i + 1),
        _ => {}
    }
    let key = if member {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let end = string_end(b, i)?;
        let key = (i + 1, end - 1);
        i = skip_ws(b, end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(b, i + 1);
        Some(key)
    } else {
        None
    };
    let end = value_end(b, i)?;
    Some(Step {
        key,
        value: (i, end),
        next: end,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn walks_members_and_items() {
        let text = br#"{ "a" : [1, "x\"]", {"b":null}] , "c\"d":true,"e":-1.5e3 }"#;
        let mut pos = 1;
        let mut seen = Vec::new();
        while let Some(step) = next_entry(text, pos, true) {
            let (ks, ke) = step.key.unwrap();
            let (vs, ve) = step.value;
            seen.push((
                String::from_utf8_lossy(&text[ks..ke]).into_owned(),
                String::from_utf8_lossy(&text[vs..ve]).into_owned(),
            ));
            pos = step.next;
        }
        assert_eq!(
            seen,
            [
                ("a".into(), r#"[1, "x\"]", {"b":null}]"#.into()),
                (r#"c\"d"#.into(), "true".into()),
                ("e".into(), "-1.5e3".into()),
            ]
        );
        let arr = br#"[1, "x\"]", {"b":null}]"#;
        let mut pos = 1;
        let mut items = Vec::new();
        while let Some(step) = next_entry(arr, pos, false) {
            items.push(&arr[step.value.0..step.value.1]);
            pos = step.next;
        }
        assert_eq!(items, [&b"1"[..], br#""x\"]""#, br#"{"b":null}"#]);
    }

    #[test]
    fn garbage_ends_the_walk() {
        for bad in [
            &b"{"[..],
            b"{\"a",
            b"{\"a\" 1}",
            b"{\"a\":",
            b"[\"\\",
            b"[{]",
            b"{]]]}",
            b"",
        ] {
            let mut pos = 1;
            let mut steps = 0;
            while let Some(step) = next_entry(bad, pos, bad.first() == Some(&b'{')) {
                assert!(step.next > pos);
                pos = step.next;
                steps += 1;
                assert!(steps < 10);
            }
        }
        assert_eq!(value_end(b"]]", 0), None);
        assert_eq!(value_end(b"\"abc", 0), None);
        assert_eq!(value_end(b"[[]", 0), None);
    }

    #[test]
    fn word_scans_agree_with_byte_scans() {
        // Long values put quotes, escapes and brackets at every offset within a word.
        let mut text = String::from("[");
        for i in 0..40 {
            text.push_str(&" ".repeat(i % 9));
            text.push_str(r#""a\"b\\",{"k":[["]"],{}]},"#);
        }
        text.push_str("null]");
        let b = text.as_bytes();
        assert_eq!(value_end(b, 0), Some(b.len()));
        let inner = br#""0123456789\"abcdef\\""#;
        assert_eq!(string_end(inner, 0), Some(inner.len()));
        let mut pos = 1;
        let mut items = 0;
        while let Some(step) = next_entry(b, pos, false) {
            pos = step.next;
            items += 1;
        }
        assert_eq!(items, 1 + 40 * 2);
    }

    /// `string_span` a byte at a time (the definition the fast scans must meet).
    pub(crate) fn string_span_bytes(b: &[u8], i: usize) -> Option<(usize, bool)> {
        let (mut j, mut escaped) = (i + 1, false);
        while j < b.len() {
            match b[j] {
                b'"' => return Some((j + 1, escaped)),
                b'\\' => {
                    escaped = true;
                    j += 2;
                }
                _ => j += 1,
            }
        }
        None
    }

    #[test]
    fn string_scans_agree_with_byte_scans() {
        // Runs of backslashes of every length up to 70, at every offset up to 140, before a
        // quote or a letter, crossing the 16- and 64-byte blocks; then the view cut short.
        // Under Miri (slow), a sample: offsets and runs around the block edges.
        let step = if cfg!(miri) { 13 } else { 1 };
        for lead in (0..140).step_by(step) {
            for run in (0..70).step_by(step) {
                for next in [b'"', b'x'] {
                    let mut text = vec![b'"'];
                    text.extend(std::iter::repeat_n(b'a', lead));
                    text.extend(std::iter::repeat_n(b'\\', run));
                    text.push(next);
                    text.extend_from_slice(b"bc\"def\"");
                    let want = string_span_bytes(&text, 0);
                    assert_eq!(string_span(&text, 0), want, "{lead} {run}");
                    assert_eq!(string_span_words(&text, 1, false), want);
                    let cut = &text[..text.len() - 5];
                    assert_eq!(string_span(cut, 0), string_span_bytes(cut, 0));
                }
            }
        }
    }

    #[test]
    fn scalar_scans_agree_with_byte_scans() {
        let bytes = |b: &[u8], i: usize| {
            let n = b[i..]
                .iter()
                .position(|&c| is_delimiter(c))
                .unwrap_or(b.len() - i);
            (n > 0).then_some(i + n)
        };
        for len in 0..40 {
            for stop in [
                &b","[..],
                b"]",
                b"}",
                b" ",
                b"\n",
                b"\r",
                b"\t",
                b"\x01,",
                b"",
            ] {
                let mut text: Vec<u8> = (0..len).map(|k| b"-0123456789.eE+"[k % 15]).collect();
                text.extend_from_slice(stop);
                text.extend_from_slice(b"1]");
                for i in 0..text.len() {
                    assert_eq!(scalar_end(&text, i), bytes(&text, i), "{len} {i}");
                    assert_eq!(scalar_end_words(&text, i), bytes(&text, i));
                }
            }
        }
    }
}
