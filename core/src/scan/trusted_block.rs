//! The ends of strings, arrays and objects in already validated text, 64 bytes a step
//! (x86_64, SSE2), for the second (trusted) pass: it skips the `arguments`, `result` and
//! unknown values and finds the end of each text the first pass validated.
//!
//! One bitmask each of quotes, backslashes, opening and closing brackets per block; escaped
//! quotes removed with the odd-backslash-run arithmetic, so an escaped quote costs no stop.
//! For containers, the bytes inside strings come from a prefix XOR of the remaining quotes,
//! so brackets inside strings drop out without a stop at each string; brackets are visited
//! one by one only in a block where the nesting could come back to zero, elsewhere their
//! counts move the depth.

use safe_arch::{
    bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i, set_splat_i8_m128i,
};

use crate::escaped::escaped_bytes;

/// Quotes, backslashes, `{`/`[` and `}`/`]` among 64 bytes, one bit a byte.
#[inline(always)]
fn masks(block: &[u8; 64]) -> [u64; 4] {
    let mut out = [0u64; 4];
    let (quote, backslash, case, open, close) = (
        set_splat_i8_m128i(b'"' as i8),
        set_splat_i8_m128i(b'\\' as i8),
        // `[`/`]` are `{`/`}` with bit 5 clear; no other byte becomes one of those by it.
        set_splat_i8_m128i(0x20),
        set_splat_i8_m128i(b'{' as i8),
        set_splat_i8_m128i(b'}' as i8),
    );
    for (k, chunk) in block.chunks_exact(16).enumerate() {
        let Some(chunk) = chunk.first_chunk::<16>() else {
            continue;
        };
        let v = load_unaligned_m128i(chunk);
        let folded = bitor_m128i(v, case);
        let bits = |m| u64::from(move_mask_i8_m128i(m) as u16) << (16 * k);
        let [q, b, o, c] = &mut out;
        *q |= bits(cmp_eq_mask_i8_m128i(v, quote));
        *b |= bits(cmp_eq_mask_i8_m128i(v, backslash));
        *o |= bits(cmp_eq_mask_i8_m128i(folded, open));
        *c |= bits(cmp_eq_mask_i8_m128i(folded, close));
    }
    out
}

/// Bit `k` set when an odd number of the bits `0..=k` of `x` are set: with `x` the quotes
/// that open or close strings, the bytes inside strings (opening quote included).
#[inline(always)]
fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

/// Where one 64-byte block leaves the walk.
struct Walk {
    /// Brackets open before the block.
    depth: u64,
    /// 1 when the block starts escaped by an odd run of backslashes ending the last one.
    carry: u64,
    /// All ones when the block starts inside a string, else 0.
    in_string: u64,
}

impl Walk {
    /// Follows one block; the index within it just past the bracket that closes the value,
    /// if it is there.
    #[inline(always)]
    fn block(&mut self, block: &[u8; 64]) -> Option<usize> {
        let [quotes, backslashes, opens, closes] = masks(block);
        let (escaped, carry) = escaped_bytes(backslashes, self.carry);
        let inside = prefix_xor(quotes & !escaped) ^ self.in_string;
        let (opens, closes) = (opens & !inside, closes & !inside);
        if u64::from(closes.count_ones()) >= self.depth {
            // The depth may reach zero here: bracket by bracket.
            let mut brackets = opens | closes;
            while brackets != 0 {
                let k = brackets.trailing_zeros();
                brackets &= brackets - 1;
                if opens & (1u64 << k) != 0 {
                    self.depth += 1;
                } else {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return Some(k as usize + 1);
                    }
                }
            }
        } else {
            self.depth =
                self.depth + u64::from(opens.count_ones()) - u64::from(closes.count_ones());
        }
        self.carry = carry;
        self.in_string = 0u64.wrapping_sub(inside >> 63);
        None
    }
}

/// The index just past the bracket that closes the array or object opening at
/// `bytes[start]`, in validated JSON text; `None` when the text ends first (never for
/// validated text).
#[inline(never)]
pub(super) fn container_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut walk = Walk {
        depth: 0,
        carry: 0,
        in_string: 0,
    };
    blocks(bytes, start, |block, i| walk.block(block).map(|k| i + k))
        .filter(|&end| end <= bytes.len())
}

/// Runs `step` on each 64-byte block of `bytes` from `from` (with the block's index), then
/// on the last bytes padded with spaces (neither quotes, backslashes nor brackets), until it
/// returns `Some`.
#[inline(always)]
fn blocks<T>(
    bytes: &[u8],
    from: usize,
    mut step: impl FnMut(&[u8; 64], usize) -> Option<T>,
) -> Option<T> {
    let mut i = from;
    while let Some(block) = bytes.get(i..).and_then(|s| s.first_chunk::<64>()) {
        if let Some(found) = step(block, i) {
            return Some(found);
        }
        i += 64;
    }
    let mut padded = [b' '; 64];
    for (to, byte) in padded.iter_mut().zip(bytes.get(i..).unwrap_or_default()) {
        *to = *byte;
    }
    step(&padded, i)
}

/// The index of the quote closing the string whose content starts at `bytes[from]`, in
/// validated JSON text, and whether a backslash comes before it; `None` when the text ends
/// first (never for validated text). Also the `lcsession` crate's (through
/// [`crate::__private`]).
#[inline(never)]
pub fn string_end(bytes: &[u8], from: usize) -> Option<(usize, bool)> {
    let (mut carry, mut backslashes_before) = (0u64, 0u64);
    let step = |block: &[u8; 64], i: usize| {
        let [quotes, backslashes, _, _] = masks(block);
        let (escaped, carry_out) = escaped_bytes(backslashes, carry);
        carry = carry_out;
        match quotes & !escaped {
            0 => {
                backslashes_before |= backslashes;
                None
            }
            q => {
                let k = q.trailing_zeros();
                let below = backslashes & ((1u64 << k) - 1);
                Some((i + k as usize, (backslashes_before | below) != 0))
            }
        }
    };
    blocks(bytes, from, step).filter(|&(end, _)| end < bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same, one byte at a time.
    fn container_end_bytewise(bytes: &[u8], start: usize) -> Option<usize> {
        let (mut depth, mut in_string, mut escape) = (0u64, false, false);
        for (k, &b) in bytes.iter().enumerate().skip(start) {
            if in_string {
                match (escape, b) {
                    (true, _) => escape = false,
                    (false, b'\\') => escape = true,
                    (false, b'"') => in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'[' | b'{' => depth += 1,
                b']' | b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(k + 1);
                    }
                }
                _ => {}
            }
        }
        None
    }

    #[test]
    fn prefix_xor_is_a_running_parity() {
        let mut x = 0x243f_6a88_85a3_08d3u64;
        for _ in 0..if cfg!(miri) { 50 } else { 1000 } {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mut want = 0u64;
            let mut parity = 0u64;
            for k in 0..64 {
                parity ^= (x >> k) & 1;
                want |= parity << k;
            }
            assert_eq!(prefix_xor(x), want, "{x:#x}");
        }
    }

    #[test]
    fn finds_the_closing_bracket_at_every_offset() {
        // Strings holding brackets, escaped quotes and backslash runs, placed across the
        // 64-byte steps, inside nested containers; then whatever follows the value.
        let pieces = [
            "\"]}\"",
            "\"a\\\"]\"",
            "\"\\\\\"",
            "\"\\\\\\\"}\"",
            "[]",
            "{}",
            "[[[1]]]",
            "{\"k\":[\"v\",{\"]\":\"[\"}]}",
            "\"\\u005d\"",
        ];
        // Under Miri, fewer offsets (still across two block edges).
        let step = if cfg!(miri) { 29 } else { 1 };
        for pad in (0..140).step_by(step) {
            for piece in pieces {
                for wrap in ["[{x}]", "{\"a\":[x,x]}", "[x]"] {
                    let value = wrap.replace('x', &format!("\"{}\",{piece}", "p".repeat(pad)));
                    for after in ["", "]", ", \"]\"]", " } ]"] {
                        let text = format!("{value}{after}");
                        let b = text.as_bytes();
                        let want = container_end_bytewise(b, 0);
                        assert_eq!(want, Some(value.len()), "{text}");
                        assert_eq!(container_end(b, 0), want, "{text}");
                    }
                }
            }
        }
    }

    #[test]
    fn finds_the_closing_quote_at_every_offset() {
        let step = if cfg!(miri) { 29 } else { 1 };
        for pad in (0..140).step_by(step) {
            for piece in ["", "\\\"", "\\\\", "\\\\\\\"x", "\\n", "]}"] {
                for at_end in [false, true] {
                    let content = if at_end {
                        format!("{}{piece}", "p".repeat(pad))
                    } else {
                        format!("{piece}{}", "p".repeat(pad))
                    };
                    for after in ["", "\"", ",\"a\\\"\"]"] {
                        let text = format!("\"{content}\"{after}");
                        let want = (content.len() + 1, content.contains('\\'));
                        assert_eq!(string_end(text.as_bytes(), 1), Some(want), "{text}");
                    }
                }
            }
        }
        for text in ["\"", "\"abc", "\"a\\\"", "\"a\\"] {
            let long = format!("{text}{}", "x".repeat(100));
            for t in [text, long.as_str()] {
                assert_eq!(string_end(t.as_bytes(), 1), None, "{t}");
            }
        }
    }

    #[test]
    fn unterminated_text_has_no_end() {
        for text in ["[", "[\"]", "[[1]", "{\"a\":\"}", "[\"\\\"]"] {
            let long = format!("{text}{}", " ".repeat(100));
            for t in [text, long.as_str()] {
                assert_eq!(container_end(t.as_bytes(), 0), None, "{t}");
                assert_eq!(container_end_bytewise(t.as_bytes(), 0), None, "{t}");
            }
        }
    }
}
