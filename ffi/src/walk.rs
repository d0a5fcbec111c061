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

/// With `b[i] == '"'`, the index just past the closing quote.
#[inline]
pub(crate) fn string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        let rest = b.get(j..)?;
        let k = rest.iter().position(|&c| c == b'"' || c == b'\\')?;
        j += k;
        if b.get(j) == Some(&b'"') {
            return Some(j + 1);
        }
        j += 2; // a backslash and the byte it escapes
    }
}

/// The index just past the value starting at `b[i]` (no leading whitespace).
pub(crate) fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match *b.get(j)? {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let len = b
                .get(i..)?
                .iter()
                .position(|c| matches!(c, b',' | b']' | b'}' | b' ' | b'\n' | b'\r' | b'\t'))
                .unwrap_or(b.len() - i);
            (len > 0).then_some(i + len)
        }
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
}
