//! Which bytes of a 64-byte block a backslash escapes: simdjson's odd-backslash-run
//! arithmetic, shared by the core's block string scan and the `lcsession` crate's C value
//! walk (through [`crate::__private`]).

/// The bytes escaped by a backslash in a 64-byte block (the byte after each odd-length run of
/// backslashes; escaped backslashes excluded), given the block's backslashes (bit `k` for
/// byte `k`) and `carry` (1 when the previous block ended in an odd run, so the first byte is
/// escaped). Returns them and the carry into the next block. Runs are told apart by the
/// parity of where they start, with one addition instead of a loop over the backslashes.
#[inline(always)]
pub fn escaped_bytes(backslashes: u64, carry: u64) -> (u64, u64) {
    const EVEN: u64 = 0x5555_5555_5555_5555;
    // A backslash escaped by the previous block's run starts nothing.
    let bs = backslashes & !carry;
    let follows_escape = (bs << 1) | carry;
    let odd_starts = bs & !EVEN & !follows_escape;
    let (even_runs, overflow) = odd_starts.overflowing_add(bs);
    let escaped = (EVEN ^ (even_runs << 1)) & follows_escape;
    (escaped & !backslashes, u64::from(overflow))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The escaped bytes, one byte at a time.
    fn escaped_bytes_one_by_one(bs: u64, carry: u64) -> (u64, u64) {
        let (mut escaped, mut escape_next) = (0u64, carry == 1);
        for k in 0..64 {
            if escape_next {
                escaped |= 1 << k;
                escape_next = false;
            } else if bs & (1 << k) != 0 {
                escape_next = true;
            }
        }
        (escaped & !bs, u64::from(escape_next))
    }

    #[test]
    fn escaped_bytes_follow_odd_backslash_runs() {
        // Every run length at every offset, alone and among other backslashes, with and
        // without a carry in.
        let step = if cfg!(miri) { 7 } else { 1 };
        for carry in [0, 1] {
            for len in (1..=64).step_by(step) {
                for at in (0..=64 - len).step_by(step) {
                    let run = (u64::MAX >> (64 - len)) << at;
                    for other in [0, 0x8000_0000_0000_0001, 0x0123_4567_89ab_cdef] {
                        let bs = run | other;
                        assert_eq!(
                            escaped_bytes(bs, carry),
                            escaped_bytes_one_by_one(bs, carry),
                            "bs {bs:#x} carry {carry}"
                        );
                    }
                }
            }
        }
        // Many runs per block: pseudo-random masks, dense and sparse.
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for n in 0..if cfg!(miri) { 500 } else { 20_000 } {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let bs = if n % 2 == 0 { x } else { x & x.rotate_left(17) };
            let carry = (x >> 40) & 1;
            assert_eq!(
                escaped_bytes(bs, carry),
                escaped_bytes_one_by_one(bs, carry),
                "{bs:#x} {carry}"
            );
        }
    }
}
