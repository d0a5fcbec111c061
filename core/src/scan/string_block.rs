//! Strings validated 64 bytes a step (x86_64, SSE2): one bitmask each of quotes, backslashes
//! and control characters per block, the escaped bytes found with simdjson's odd-backslash-run
//! arithmetic, so a long text full of escapes costs a few instructions per escape instead of a
//! new scan and a mispredicted branch after each one. Errors are the scalar scan's: the same
//! kind at the same offset (the first problem in byte order).

use safe_arch::{
    cmp_eq_mask_i8_m128i, load_unaligned_m128i, min_u8_m128i, move_mask_i8_m128i,
    set_splat_i8_m128i,
};

use crate::error::ErrorKind;
use crate::escape::decode_escape;
use crate::escaped::escaped_bytes;

use super::common_escape_len;

/// Where a block scan stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
    /// The closing quote is at `at`; `escaped` when the string has a backslash.
    End { at: usize, escaped: bool },
    /// Fewer than 64 bytes remain: continue byte by byte from `at`, which is never inside
    /// an escape; `escaped` as above for the bytes before it.
    Tail { at: usize, escaped: bool },
}

/// Quotes, backslashes and control characters among 64 bytes, one bit a byte.
#[inline(always)]
fn masks(block: &[u8; 64]) -> (u64, u64, u64) {
    let (mut quotes, mut backslashes, mut controls) = (0u64, 0u64, 0u64);
    let (quote, backslash, below) = (
        set_splat_i8_m128i(b'"' as i8),
        set_splat_i8_m128i(b'\\' as i8),
        set_splat_i8_m128i(0x1f),
    );
    for (k, chunk) in block.chunks_exact(16).enumerate() {
        let Some(chunk) = chunk.first_chunk::<16>() else {
            continue;
        };
        let v = load_unaligned_m128i(chunk);
        let bits = |m| u64::from(move_mask_i8_m128i(m) as u16) << (16 * k);
        quotes |= bits(cmp_eq_mask_i8_m128i(v, quote));
        backslashes |= bits(cmp_eq_mask_i8_m128i(v, backslash));
        controls |= bits(cmp_eq_mask_i8_m128i(min_u8_m128i(v, below), v));
    }
    (quotes, backslashes, controls)
}

/// Validates string content from `i` (just after the opening quote, or any position that
/// is not inside an escape) in 64-byte blocks, up to the closing quote or the last block.
#[inline(never)]
pub(super) fn scan(bytes: &[u8], mut i: usize) -> Result<Stop, (ErrorKind, usize)> {
    let mut carry = 0u64;
    let mut any_backslash = 0u64;
    // The end of the last surrogate pair validated: its second `\u` is not a new escape.
    let mut skip_until = 0usize;
    loop {
        let Some(block) = bytes.get(i..).and_then(|s| s.first_chunk::<64>()) else {
            let at = if skip_until > i {
                skip_until
            } else {
                i - carry as usize
            };
            return Ok(Stop::Tail {
                at,
                escaped: any_backslash != 0,
            });
        };
        let (quotes, backslashes, controls) = masks(block);
        let (mut escaped, carry_out) = escaped_bytes(backslashes, carry);
        if skip_until > i {
            escaped &= low_bits_cleared(skip_until - i);
        }
        let quotes = quotes & !escaped;
        // Bits of the bytes before the closing quote (all of them when it is not here).
        let before_end = match quotes {
            0 => u64::MAX,
            q => (1u64 << q.trailing_zeros()) - 1,
        };
        any_backslash |= backslashes & before_end;
        let controls = controls & before_end;
        // Escapes whose backslash comes before the first control character.
        let mut escapes = escaped & before_end;
        if controls != 0 {
            escapes &= (2u64 << controls.trailing_zeros()).wrapping_sub(1);
        }
        while escapes != 0 {
            let at = i + escapes.trailing_zeros() as usize - 1;
            escapes &= escapes - 1;
            let len = escape_len(bytes, at)?;
            if len > 6 {
                // The low half's `\u` is part of this escape.
                skip_until = at + len;
                escapes &= low_bits_cleared(skip_until - i);
            }
        }
        if controls != 0 {
            return Err((
                ErrorKind::ControlCharacter,
                i + controls.trailing_zeros() as usize,
            ));
        }
        if quotes != 0 {
            return Ok(Stop::End {
                at: i + quotes.trailing_zeros() as usize,
                escaped: any_backslash != 0,
            });
        }
        carry = carry_out;
        i += 64;
    }
}

/// All bits except the lowest `n` (none when `n >= 64`).
#[inline(always)]
fn low_bits_cleared(n: usize) -> u64 {
    u64::MAX.checked_shl(n as u32).unwrap_or(0)
}

/// Length of the valid escape whose backslash is at `bytes[at]`, or the error.
#[inline(always)]
fn escape_len(bytes: &[u8], at: usize) -> Result<usize, (ErrorKind, usize)> {
    match common_escape_len(bytes, at) {
        Some(len) => Ok(len),
        None => decode_escape(bytes, at).map(|(_, len)| len),
    }
}
