//! Nesting depth as a bit stack: one bit a level (object or array), no recursion, fixed size.

/// The hard ceiling on nesting depth: the bit stack holds this many levels.
pub const MAX_DEPTH: u16 = 256;

/// The default nesting limit, the same as `serde_json`'s recursion limit.
pub const DEFAULT_MAX_DEPTH: u16 = 128;

const WORDS: usize = MAX_DEPTH as usize / 64;

/// A stack of container kinds, one bit a level: 1 = object, 0 = array.
///
/// 40 bytes whatever the depth (34 used, padded to 8-byte alignment), so scanning a deeply
/// nested value costs no stack per level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DepthStack {
    bits: [u64; WORDS],
    len: u16,
}

impl DepthStack {
    /// An empty stack whose unused words hold `fill`: any value is correct, as
    /// [`push`](Self::push) writes each word whole when it starts using it. A value the
    /// compiler cannot see keeps a `memset` call out of small builds.
    pub(crate) const fn with_fill(fill: u64) -> Self {
        DepthStack {
            bits: [fill; WORDS],
            len: 0,
        }
    }

    /// Number of open containers.
    pub(crate) const fn len(&self) -> u16 {
        self.len
    }

    /// Pushes a level; false when the stack is full.
    pub(crate) fn push(&mut self, is_object: bool) -> bool {
        let word = usize::from(self.len / 64);
        let bit = 1u64 << (self.len % 64);
        match self.bits.get_mut(word) {
            Some(w) => {
                if self.len.is_multiple_of(64) {
                    // The word's first level: its other bits are not in use yet.
                    *w = u64::from(is_object);
                } else if is_object {
                    *w |= bit;
                } else {
                    *w &= !bit;
                }
                self.len += 1;
                true
            }
            None => false,
        }
    }

    /// The innermost open container: `Some(true)` for an object, `Some(false)` for an array.
    pub(crate) fn top(&self) -> Option<bool> {
        let top = self.len.checked_sub(1)?;
        let word = self.bits.get(usize::from(top / 64))?;
        Some(word & (1u64 << (top % 64)) != 0)
    }

    /// Pops the innermost level.
    pub(crate) fn pop(&mut self) {
        self.len = self.len.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stack_is_40_bytes_as_documented() {
        assert_eq!(core::mem::size_of::<DepthStack>(), 40);
    }

    #[test]
    fn push_pop_round_trip_to_the_ceiling() {
        let mut s = DepthStack::with_fill(0);
        for i in 0..MAX_DEPTH {
            assert!(s.push(i % 3 == 0));
        }
        assert!(!s.push(true));
        for i in (0..MAX_DEPTH).rev() {
            assert_eq!(s.top(), Some(i % 3 == 0));
            s.pop();
        }
        assert_eq!(s.top(), None);
        assert_eq!(s.len(), 0);
    }

    #[test]
    fn unused_words_do_not_matter() {
        for fill in [0, u64::MAX, 0x5555_5555_5555_5555] {
            let mut s = DepthStack::with_fill(fill);
            for i in 0..MAX_DEPTH {
                assert!(s.push(i % 5 == 1));
            }
            for i in (0..MAX_DEPTH).rev() {
                assert_eq!(s.top(), Some(i % 5 == 1), "fill {fill:#x} level {i}");
                s.pop();
            }
        }
    }
}
