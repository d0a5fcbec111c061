//! Random mutations of a document (byte flips, insertions, deletions, truncation, duplicated
//! spans, letters and digits swapped for others), for the property tests.

use proptest::prelude::*;
use proptest::sample::Index;

/// One edit of a document.
#[derive(Debug, Clone)]
pub enum Mutation {
    Xor(Index, u8),
    Set(Index, u8),
    Insert(Index, u8),
    Delete(Index, u8),
    Truncate(Index),
    Duplicate(Index, u8, Index),
    /// Replaces the first letter or digit at or after the index with another of its kind:
    /// mostly keeps the syntax, so keys, tags and numbers change (schema paths).
    Alnum(Index, u8),
}

/// Bytes worth inserting: JSON structure, escapes, digits, and UTF-8 troublemakers.
const INTERESTING: &[u8] =
    b"{}[]\",:\\/ \n\t0123456789-+.eEtrufalsn\x00\x1f\x7f\x80\xbf\xc3\xe2\xed\xf0\xf4\xff";

fn byte() -> impl Strategy<Value = u8> {
    prop_oneof![prop::sample::select(INTERESTING), any::<u8>()]
}

/// Any one edit.
pub fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => (any::<Index>(), 1u8..=255).prop_map(|(i, x)| Mutation::Xor(i, x)),
        1 => (any::<Index>(), byte()).prop_map(|(i, b)| Mutation::Set(i, b)),
        1 => (any::<Index>(), byte()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        1 => (any::<Index>(), 1u8..8).prop_map(|(i, n)| Mutation::Delete(i, n)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => (any::<Index>(), 1u8..64, any::<Index>())
            .prop_map(|(a, n, b)| Mutation::Duplicate(a, n, b)),
        4 => (any::<Index>(), any::<u8>()).prop_map(|(i, n)| Mutation::Alnum(i, n)),
    ]
}

impl Mutation {
    pub fn apply(&self, bytes: &mut Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        let len = bytes.len();
        match self {
            Mutation::Xor(i, x) => bytes[i.index(len)] ^= x,
            Mutation::Set(i, b) => bytes[i.index(len)] = *b,
            Mutation::Insert(i, b) => bytes.insert(i.index(len + 1), *b),
            Mutation::Delete(i, n) => {
                let at = i.index(len);
                let end = (at + usize::from(*n)).min(len);
                bytes.drain(at..end);
            }
            Mutation::Truncate(i) => bytes.truncate(i.index(len)),
            Mutation::Duplicate(from, n, to) => {
                let a = from.index(len);
                let b = (a + usize::from(*n)).min(len);
                let span = bytes[a..b].to_vec();
                let at = to.index(len + 1);
                bytes.splice(at..at, span);
            }
            Mutation::Alnum(i, n) => {
                let start = i.index(len);
                if let Some(b) = bytes[start..]
                    .iter_mut()
                    .find(|b| b.is_ascii_alphanumeric())
                {
                    *b = if b.is_ascii_digit() {
                        b'0' + n % 10
                    } else {
                        b'a' + n % 26
                    };
                }
            }
        }
    }
}
