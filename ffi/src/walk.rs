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

/// [`string_end`], and whether the string has an escape (the scan stops at each anyway).
#[inline]
pub(crate) fn string_span(b: &[u8], i: usize) -> Option<(usize, bool)> {
    let mut j = i + 1;
    let mut escaped = false;
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
    let mut j = i;
    loop {
        // A word at a time: bytes below 0x21 (whitespace, and control bytes that only a
        // forged view holds) and the three delimiter brackets/commas.
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
mod tests {
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
}
