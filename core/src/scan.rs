//! The single JSON scanner everything else is built on: strict RFC 8259 validation, no
//! recursion (nesting lives in a [`DepthStack`]), no allocation.
//!
//! All of the scanner's state is in the struct (`pos` plus the depth stack of the value being
//! skipped), which is what a later streaming decoder resumes from.

use crate::depth::{DepthStack, MAX_DEPTH};
use crate::error::{Error, ErrorKind, ErrorSlot, Failed};
use crate::escape::decode_escape;
use crate::str::JsonStr;
use crate::value::RawValue;

/// False with the `small` feature: the speed-only paths (the trusted second-pass scanner,
/// strings scanned inline at each call site) are compiled out.
pub(crate) const FAST_PATHS: bool = !cfg!(feature = "small");

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod string_block;
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
pub(crate) mod trusted_block;

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Quotes and backslashes among 16 bytes, one bit a byte (exact). SSE2.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn quote_and_backslash_bits16(chunk: &[u8; 16]) -> (u32, u32) {
    use safe_arch::{
        cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i, set_splat_i8_m128i,
    };
    let v = load_unaligned_m128i(chunk);
    let quotes = move_mask_i8_m128i(cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(b'"' as i8)));
    let backslashes = move_mask_i8_m128i(cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(b'\\' as i8)));
    (quotes as u32, backslashes as u32)
}

/// Quotes and backslashes among 16 bytes, one bit a byte. The lowest quote is exact, and so
/// is "a backslash below it" (SWAR false positives only sit above a true match).
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline(always)]
fn quote_and_backslash_bits16(chunk: &[u8; 16]) -> (u32, u32) {
    let (mut quotes, mut backslashes) = (0u32, 0u32);
    for (k, word) in chunk.chunks_exact(8).enumerate() {
        let w = word
            .first_chunk::<8>()
            .map_or(0, |b| u64::from_le_bytes(*b));
        quotes |= gather(byte_mask(w, b'"')) << (8 * k);
        backslashes |= gather(byte_mask(w, b'\\')) << (8 * k);
    }
    (quotes, backslashes)
}

/// A set of bytes a scan stops at, tested sixteen bytes at once (SSE2, x86_64) and eight at
/// once (SWAR, everywhere; also the x86_64 tail).
trait StopBytes {
    /// Bit k set when byte k of `chunk` is a stop.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    fn bits16(chunk: &[u8; 16]) -> u32;
    /// The high bit of byte k set when byte k of `w` (little-endian) is a stop; the lowest
    /// set bit is exact.
    fn mask8(w: u64) -> u64;
}

/// Index of the first byte of `S` at or after `i`; `Err` with the position where fewer than
/// eight bytes remain unscanned when there is none before it.
#[inline(always)]
fn next_stop<S: StopBytes>(bytes: &[u8], mut i: usize) -> Result<usize, usize> {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    while let Some(chunk) = bytes.get(i..).and_then(|s| s.first_chunk::<16>()) {
        let m = S::bits16(chunk);
        if m != 0 {
            return Ok(i + m.trailing_zeros() as usize);
        }
        i += 16;
    }
    while let Some(chunk) = bytes.get(i..).and_then(|s| s.first_chunk::<8>()) {
        let m = S::mask8(u64::from_le_bytes(*chunk));
        if m != 0 {
            return Ok(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    Err(i)
}

/// The stops of the trusted value skipper: quotes and brackets (x86_64 has
/// [`trusted_block`] instead).
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
struct Structural;

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
impl StopBytes for Structural {
    #[inline(always)]
    fn mask8(w: u64) -> u64 {
        // `| 0x20` folds `[` and `]` onto `{` and `}`.
        let folded = w | (ONES * 0x20);
        byte_mask(w, b'"') | byte_mask(folded, b'{') | byte_mask(folded, b'}')
    }
}

/// The stops of a validating string scan: `"`, `\`, control characters.
struct StringStops;

impl StopBytes for StringStops {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[inline(always)]
    fn bits16(chunk: &[u8; 16]) -> u32 {
        use safe_arch::{
            bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, min_u8_m128i,
            move_mask_i8_m128i, set_splat_i8_m128i,
        };
        let v = load_unaligned_m128i(chunk);
        let quote = cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(b'"' as i8));
        let backslash = cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(b'\\' as i8));
        let control = cmp_eq_mask_i8_m128i(min_u8_m128i(v, set_splat_i8_m128i(0x1f)), v);
        move_mask_i8_m128i(bitor_m128i(bitor_m128i(quote, backslash), control)) as u32
    }

    /// `"` and `\\` have the high bit clear, so `!(w ^ pattern) & HIGH` is `!w & HIGH`: the
    /// three tests share that factor (borrows only propagate upwards, so the lowest set bit
    /// is exact).
    #[inline(always)]
    fn mask8(w: u64) -> u64 {
        let quote = (w ^ (ONES * u64::from(b'"'))).wrapping_sub(ONES);
        let backslash = (w ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES);
        let control = w.wrapping_sub(ONES * 0x20);
        (quote | backslash | control) & !w & HIGH
    }
}

/// Index of the first quote or bracket at or after `i`; the caller handles the last few
/// bytes.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline(always)]
fn next_structural(bytes: &[u8], i: usize) -> usize {
    next_stop::<Structural>(bytes, i).unwrap_or_else(|i| i)
}

/// Index of the first string stop (`"`, `\`, control character) at or after `i`, or the
/// length of `bytes` when there is none.
#[inline(always)]
fn next_string_stop(bytes: &[u8], i: usize) -> usize {
    next_stop::<StringStops>(bytes, i).unwrap_or_else(|mut i| {
        while let Some(&b) = bytes.get(i) {
            if b == b'"' || b == b'\\' || b < 0x20 {
                break;
            }
            i += 1;
        }
        i
    })
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
/// The high bit of each byte of `m` (as SWAR masks have them), gathered into eight bits: bit
/// k for byte k. The partial products are distinct powers of two, so nothing carries.
#[inline(always)]
fn gather(m: u64) -> u32 {
    ((m >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32
}

/// Quotes and backslashes among 32 bytes, one bit a byte. The lowest quote is exact, and so
/// is "a backslash below it".
#[inline(always)]
fn quote_and_backslash_bits(chunk: &[u8; 32]) -> (u32, u32) {
    let (lo, hi) = chunk.split_at(16);
    let bits = |half: &[u8]| {
        half.first_chunk::<16>()
            .map_or((0, 0), quote_and_backslash_bits16)
    };
    let ((q0, b0), (q1, b1)) = (bits(lo), bits(hi));
    (q0 | (q1 << 16), b0 | (b1 << 16))
}

/// Bytes of `w` equal to `byte` (high bit of each). The lowest set bit is exact; a higher
/// one can be a false positive only above a true match.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline(always)]
fn byte_mask(w: u64, byte: u8) -> u64 {
    let x = w ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & HIGH
}

/// Length of a valid escape by the byte after the backslash: 2 for the simple ones, 6 for
/// `u` (its digits checked separately), 0 for the rest.
#[allow(clippy::indexing_slicing)] // evaluated at compile time
static ESCAPE_LEN: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut k = 0;
    let simple = *b"\"\\/bfnrt";
    while k < simple.len() {
        t[simple[k] as usize] = 2;
        k += 1;
    }
    t[b'u' as usize] = 6;
    t
};

/// Hex digits.
#[allow(clippy::indexing_slicing)] // evaluated at compile time
static HEX: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_hexdigit();
        b += 1;
    }
    t
};

/// Length of the escape whose backslash is at `bytes[at]` when it is one of the common ones
/// (the simple escapes, `\uXXXX` outside the surrogate range), checked without a branch;
/// `None` for a surrogate pair, an error or the end of the input ([`decode_escape`] tells).
#[inline(always)]
fn common_escape_len(bytes: &[u8], at: usize) -> Option<usize> {
    let &[c, h0, h1, h2, h3] = bytes.get(at + 1..at + 6)? else {
        return None;
    };
    let len = ESCAPE_LEN.get(usize::from(c)).copied().unwrap_or(0);
    let hex = is_hex(h0) & is_hex(h1) & is_hex(h2) & is_hex(h3);
    let surrogate = (h0 | 0x20 == b'd') & (h1 >= b'8');
    ((len == 2) | ((len == 6) & hex & !surrogate)).then_some(usize::from(len))
}

/// True for an ASCII hex digit.
#[inline(always)]
fn is_hex(b: u8) -> bool {
    HEX.get(usize::from(b)).copied().unwrap_or(false)
}

/// A cursor over UTF-8 JSON text.
#[derive(Debug, Clone)]
pub(crate) struct Scanner<'a> {
    text: &'a str,
    /// Current byte position within `text`.
    pub(crate) pos: usize,
    /// Absolute offset of `text[0]` in the caller's input (for error offsets).
    base: usize,
    /// Deepest allowed nesting, counted from the document root.
    max_depth: u16,
    /// Input already validated: skip checks that cannot fail.
    trusted: bool,
    /// The error of the last step that returned [`Failed`].
    err: ErrorSlot,
}

impl<'a> Scanner<'a> {
    /// A validating scanner over `text`, whose first byte is at absolute offset `base`.
    pub(crate) fn new(text: &'a str, base: usize, max_depth: u16) -> Self {
        Scanner {
            text,
            pos: 0,
            base,
            max_depth: max_depth.min(MAX_DEPTH),
            trusted: false,
            err: ErrorSlot::new(),
        }
    }

    /// A scanner over text that an earlier validating pass accepted.
    pub(crate) fn trusted(text: &'a str, base: usize) -> Self {
        Scanner {
            trusted: FAST_PATHS,
            ..Scanner::new(text, base, MAX_DEPTH)
        }
    }

    /// The text being scanned.
    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    /// Deepest allowed nesting.
    #[inline(always)]
    pub(crate) fn max_depth(&self) -> u16 {
        self.max_depth
    }

    /// Absolute offset of the text's first byte.
    pub(crate) fn base(&self) -> usize {
        self.base
    }

    #[inline(always)]
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// Absolute offset of the current position.
    pub(crate) fn offset(&self) -> usize {
        self.base + self.pos
    }

    /// `text[from..to]` (relative positions), empty if out of range or not on character
    /// boundaries. Written to inline well: it runs several times per event.
    #[inline(always)]
    pub(crate) fn slice(&self, from: usize, to: usize) -> &'a str {
        match self.text.split_at_checked(to) {
            Some((head, _)) => match head.split_at_checked(from) {
                Some((_, s)) => s,
                None => "",
            },
            None => "",
        }
    }

    /// The text between two absolute offsets (empty if out of range).
    pub(crate) fn text_between(&self, from: usize, to: usize) -> &'a str {
        let (Some(a), Some(b)) = (from.checked_sub(self.base), to.checked_sub(self.base)) else {
            return "";
        };
        self.text.get(a..b).unwrap_or_default()
    }

    /// Records an error of `kind` at the current position.
    #[cold]
    pub(crate) fn error(&self, kind: ErrorKind) -> Failed {
        self.err.fail(kind, self.base + self.pos)
    }

    /// Records an error of `kind` at relative position `pos`.
    #[cold]
    pub(crate) fn error_at(&self, kind: ErrorKind, pos: usize) -> Failed {
        self.err.fail(kind, self.base + pos)
    }

    /// Records an error of `kind` at absolute byte `offset`.
    #[cold]
    pub(crate) fn fail(&self, kind: ErrorKind, offset: usize) -> Failed {
        self.err.fail(kind, offset)
    }

    /// Marks the error recorded by the step that returned [`Failed`] as found inside event
    /// number `index`, whose value starts at absolute offset `start`: an error past that byte
    /// is inside it; one at it is where an event was expected (such as the `]` after a
    /// trailing comma), unless it is the event object's own depth limit.
    #[cold]
    #[inline(never)]
    pub(crate) fn error_in_event(&self, index: usize, start: usize) {
        let error = self.err.get();
        // The event object itself too deep: the error is at its `{`, and about it.
        let its_depth =
            error.offset() == start && matches!(error.kind(), ErrorKind::DepthLimit { .. });
        if error.offset() > start || its_depth {
            self.err.in_event(index);
        }
    }

    /// The error recorded by the step that returned [`Failed`].
    pub(crate) fn take_error(&self) -> Error {
        self.err.get()
    }

    /// Skips JSON whitespace.
    #[cfg_attr(not(feature = "small"), inline(always))]
    pub(crate) fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes().get(self.pos) {
            self.pos += 1;
        }
    }

    /// Skips whitespace and returns the next byte without consuming it.
    #[cfg_attr(not(feature = "small"), inline(always))]
    pub(crate) fn peek(&mut self) -> Result<u8, Failed> {
        self.skip_ws();
        match self.bytes().get(self.pos) {
            Some(&b) => Ok(b),
            None => Err(self.error(ErrorKind::UnexpectedEnd)),
        }
    }

    /// Like [`peek`](Self::peek), but a byte that cannot start a JSON value is a syntax
    /// error (so a misplaced `]` is reported as such, not as a schema type mismatch).
    #[cfg_attr(not(feature = "small"), inline(always))]
    pub(crate) fn peek_value(&mut self) -> Result<u8, Failed> {
        match self.peek()? {
            b @ (b'"' | b'{' | b'[' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n') => Ok(b),
            b => Err(self.unexpected(b, "a JSON value")),
        }
    }

    /// True when only whitespace remains.
    pub(crate) fn at_end(&mut self) -> bool {
        self.skip_ws();
        self.pos >= self.text.len()
    }

    #[cold]
    fn unexpected(&self, found: u8, expected: &'static str) -> Failed {
        self.error(ErrorKind::UnexpectedByte { found, expected })
    }

    /// Consumes `byte` (after whitespace) or fails naming `expected`.
    #[cfg_attr(not(feature = "small"), inline(always))]
    pub(crate) fn expect(&mut self, byte: u8, expected: &'static str) -> Result<(), Failed> {
        let b = self.peek()?;
        if b == byte {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected(b, expected))
        }
    }

    /// Checks the depth of the container whose bracket was just consumed.
    fn check_depth(&self, depth: u16) -> Result<(), Failed> {
        if depth > self.max_depth {
            Err(self.too_deep())
        } else {
            Ok(())
        }
    }

    /// The depth limit error for the container whose bracket was just consumed: at the
    /// bracket.
    #[cold]
    fn too_deep(&self) -> Failed {
        self.fail(
            ErrorKind::DepthLimit {
                limit: self.max_depth,
            },
            self.offset().saturating_sub(1),
        )
    }

    /// Consumes `{` opening a container at nesting `depth` (root object = 1).
    #[cfg_attr(not(feature = "small"), inline(always))]
    pub(crate) fn object_start(&mut self, depth: u16) -> Result<(), Failed> {
        self.expect(b'{', "`{`")?;
        self.check_depth(depth)
    }

    /// Consumes `[` opening a container at nesting `depth`.
    #[cfg_attr(not(feature = "small"), inline(always))]
    pub(crate) fn array_start(&mut self, depth: u16) -> Result<(), Failed> {
        self.expect(b'[', "`[`")?;
        self.check_depth(depth)
    }

    /// Reads the next member key of an object opened with [`object_start`](Self::object_start),
    /// consuming the `:` after it. `None` once the closing `}` is consumed.
    #[cfg_attr(not(feature = "small"), inline(always))]
    pub(crate) fn next_key(&mut self, first: &mut bool) -> Result<Option<JsonStr<'a>>, Failed> {
        if self.next_member(first)? {
            self.key_outlined().map(Some)
        } else {
            Ok(None)
        }
    }

    /// Moves to the next member of an object: true when positioned at the opening quote of
    /// its key, false once the closing `}` is consumed.
    #[cfg_attr(not(feature = "small"), inline(always))]
    pub(crate) fn next_member(&mut self, first: &mut bool) -> Result<bool, Failed> {
        let b = self.peek()?;
        if b == b'}' {
            self.pos += 1;
            return Ok(false);
        }
        if !*first {
            if b != b',' {
                return Err(self.unexpected(b, "`,` or `}`"));
            }
            self.pos += 1;
            self.skip_ws();
        }
        *first = false;
        match self.bytes().get(self.pos) {
            Some(b'"') => Ok(true),
            Some(&b) => Err(self.unexpected(b, "a string key")),
            None => Err(self.error(ErrorKind::UnexpectedEnd)),
        }
    }

    /// The bytes from the current position on.
    #[inline(always)]
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.bytes().get(self.pos..).unwrap_or_default()
    }

    /// A member key at the current `"` and its `:`.
    #[cfg_attr(not(feature = "small"), inline(always))]
    pub(crate) fn key(&mut self) -> Result<JsonStr<'a>, Failed> {
        let key = self.string_any()?;
        self.expect(b':', "`:`")?;
        Ok(key)
    }

    /// [`key`](Self::key) as one shared function, for the paths where size matters more.
    #[inline(never)]
    fn key_outlined(&mut self) -> Result<JsonStr<'a>, Failed> {
        self.key()
    }

    /// [`string`](Self::string) as one shared function, for the paths where size matters more.
    #[inline(never)]
    pub(crate) fn string_outlined(&mut self) -> Result<JsonStr<'a>, Failed> {
        self.string()
    }

    /// A member key (checking its opening quote) and its `:`.
    #[cfg_attr(not(feature = "small"), inline(always))]
    fn quoted_key(&mut self) -> Result<JsonStr<'a>, Failed> {
        match self.bytes().get(self.pos) {
            Some(b'"') => self.key(),
            Some(&b) => Err(self.unexpected(b, "a string key")),
            None => Err(self.error(ErrorKind::UnexpectedEnd)),
        }
    }

    /// Positions at the next item of an array opened with [`array_start`](Self::array_start).
    /// False once the closing `]` is consumed.
    #[cfg_attr(not(feature = "small"), inline(always))]
    pub(crate) fn next_item(&mut self, first: &mut bool) -> Result<bool, Failed> {
        let b = self.peek()?;
        if b == b']' {
            self.pos += 1;
            return Ok(false);
        }
        if !*first {
            if b != b',' {
                return Err(self.unexpected(b, "`,` or `]`"));
            }
            self.pos += 1;
            self.skip_ws();
        }
        *first = false;
        Ok(true)
    }

    /// [`string`](Self::string), or with the `small` feature the one shared out-of-line copy.
    #[inline(always)]
    pub(crate) fn string_any(&mut self) -> Result<JsonStr<'a>, Failed> {
        if FAST_PATHS {
            self.string()
        } else {
            self.string_outlined()
        }
    }

    /// [`string_validating`](Self::string_validating) for the validating value skipper, or
    /// with the `small` feature the one shared out-of-line copy.
    #[inline(always)]
    fn string_checked(&mut self) -> Result<JsonStr<'a>, Failed> {
        if FAST_PATHS {
            self.string_validating()
        } else {
            self.string_outlined()
        }
    }

    /// Reads a string starting at the current `"` (no leading whitespace skipped).
    #[inline(always)]
    pub(crate) fn string(&mut self) -> Result<JsonStr<'a>, Failed> {
        if FAST_PATHS && self.trusted {
            Ok(self.string_trusted_outlined())
        } else {
            self.string_validating()
        }
    }

    /// [`string_trusted`](Self::string_trusted) as one shared function: it runs on the second
    /// pass only, so code size matters more than the call.
    ///
    /// Its strings (event members: mostly short texts) usually end within 32 bytes, so it
    /// first looks at all of them without a data-dependent branch per word: the scan does not
    /// mispredict where a short string ends.
    #[inline(never)]
    fn string_trusted_outlined(&mut self) -> JsonStr<'a> {
        let i = self.pos + 1;
        if let Some(chunk) = self.bytes().get(i..).and_then(|s| s.first_chunk::<32>()) {
            let (quotes, backslashes) = quote_and_backslash_bits(chunk);
            if quotes != 0 {
                let end = i + quotes.trailing_zeros() as usize;
                if end == i || self.bytes().get(end - 1) != Some(&b'\\') {
                    let escaped = backslashes & ((1u32 << (end - i)) - 1) != 0;
                    self.pos = end + 1;
                    return JsonStr::new(self.slice(i, end), escaped);
                }
            }
        }
        self.string_trusted()
    }

    /// [`string`](Self::string) with every check: control characters, escapes, the end.
    #[inline(always)]
    fn string_validating(&mut self) -> Result<JsonStr<'a>, Failed> {
        let open = self.pos;
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        if FAST_PATHS {
            // Short strings without escapes (most keys and table cells) end at the first
            // stop of one 16-byte look; everything else is validated in 64-byte blocks.
            let i = open + 1;
            if let Some(chunk) = self.bytes().get(i..).and_then(|s| s.first_chunk::<16>()) {
                let stops = StringStops::bits16(chunk);
                let end = i + stops.trailing_zeros() as usize;
                if stops != 0 && self.bytes().get(end) == Some(&b'"') {
                    self.pos = end + 1;
                    return Ok(JsonStr::new(self.slice(i, end), false));
                }
            }
            return self.string_blocks();
        }
        self.string_from(open + 1, false)
    }

    /// [`string_validating`](Self::string_validating) past its first look: 64-byte blocks,
    /// then byte by byte for the last few bytes of the input.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[inline(never)]
    fn string_blocks(&mut self) -> Result<JsonStr<'a>, Failed> {
        let open = self.pos;
        match string_block::scan(self.bytes(), open + 1) {
            Ok(string_block::Stop::End { at, escaped }) => {
                self.pos = at + 1;
                Ok(JsonStr::new(self.slice(open + 1, at), escaped))
            }
            Ok(string_block::Stop::Tail { at, escaped }) => self.string_from(at, escaped),
            Err((kind, at)) => Err(self.error_at(kind, at)),
        }
    }

    /// Validates the string opened at `self.pos` from `i` on (never inside an escape), a stop
    /// byte at a time; `escaped` when a backslash came before `i`.
    #[inline(always)]
    fn string_from(&mut self, mut i: usize, mut escaped: bool) -> Result<JsonStr<'a>, Failed> {
        let open = self.pos;
        let bytes = self.bytes();
        loop {
            // Fast path: many bytes at a time until a byte that needs a look.
            i = next_string_stop(bytes, i);
            match bytes.get(i) {
                None => return Err(self.error_at(ErrorKind::UnexpectedEnd, i)),
                Some(b'"') => {
                    self.pos = i + 1;
                    let raw = self.slice(open + 1, i);
                    return Ok(JsonStr::new(raw, escaped));
                }
                Some(b'\\') => {
                    escaped = true;
                    i += match common_escape_len(bytes, i) {
                        Some(len) => len,
                        None => self.escape(bytes, i)?,
                    };
                }
                Some(&b) if b < 0x20 => {
                    return Err(self.error_at(ErrorKind::ControlCharacter, i));
                }
                Some(_) => i += 1,
            }
        }
    }

    /// Validates the escape at `bytes[at]` (a surrogate pair or an error); returns its length.
    #[inline(never)]
    fn escape(&self, bytes: &[u8], at: usize) -> Result<usize, Failed> {
        match decode_escape(bytes, at) {
            Ok((_, len)) => Ok(len),
            Err((kind, at)) => Err(self.error_at(kind, at)),
        }
    }

    /// [`string`](Self::string) over validated text: only the closing quote matters (an
    /// escaped quote is one after an odd run of backslashes); backslashes are noted on the
    /// way. 64 bytes a step.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[inline(always)]
    fn string_trusted(&mut self) -> JsonStr<'a> {
        let (open, bytes) = (self.pos, self.bytes());
        let (end, escaped) =
            trusted_block::string_end(bytes, open + 1).unwrap_or((bytes.len(), false));
        self.pos = end + 1;
        JsonStr::new(self.slice(open + 1, end), escaped)
    }

    /// [`string`](Self::string) over validated text, 16 or 8 bytes a step: only quotes stop
    /// the scan (backslashes are noted on the way), and a quote preceded by an odd run of
    /// backslashes is escaped.
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    #[inline(always)]
    fn string_trusted(&mut self) -> JsonStr<'a> {
        let open = self.pos;
        let bytes = self.bytes();
        let mut i = open + 1;
        // Nonzero once a backslash was seen before the closing quote (never cleared).
        let mut backslashes = 0u64;
        loop {
            let mut at_quote = false;
            while let Some(chunk) = bytes.get(i..).and_then(|s| s.first_chunk::<16>()) {
                let (q, b) = quote_and_backslash_bits16(chunk);
                if q != 0 {
                    // Keep the backslashes of the bytes below the quote.
                    let k = q.trailing_zeros();
                    backslashes |= u64::from(b & ((1u32 << k) - 1));
                    i += k as usize;
                    at_quote = true;
                    break;
                }
                backslashes |= u64::from(b);
                i += 16;
            }
            if !at_quote {
                loop {
                    match bytes.get(i) {
                        Some(b'"') | None => break,
                        Some(b'\\') => backslashes |= 1,
                        Some(_) => {}
                    }
                    i += 1;
                }
            }
            if bytes.get(i.wrapping_sub(1)) == Some(&b'\\') && i > open + 1 {
                let run = bytes
                    .get(open + 1..i)
                    .unwrap_or_default()
                    .iter()
                    .rev()
                    .take_while(|&&b| b == b'\\')
                    .count();
                if run % 2 == 1 {
                    i += 1;
                    continue;
                }
            }
            self.pos = i + 1;
            return JsonStr::new(self.slice(open + 1, i), backslashes != 0);
        }
    }

    /// Reads a number at the current position; returns its text.
    #[cfg_attr(not(feature = "small"), inline(always))]
    pub(crate) fn number(&mut self) -> Result<&'a str, Failed> {
        let bytes = self.bytes();
        let start = self.pos;
        let mut i = start;
        let digits = |mut i: usize| {
            while let Some(b'0'..=b'9') = bytes.get(i) {
                i += 1;
            }
            i
        };
        if bytes.get(i) == Some(&b'-') {
            i += 1;
        }
        match bytes.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => i = digits(i + 1),
            Some(_) => return Err(self.error_at(ErrorKind::InvalidNumber, i)),
            None => return Err(self.error_at(ErrorKind::UnexpectedEnd, i)),
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            match bytes.get(i) {
                Some(b'0'..=b'9') => i = digits(i + 1),
                Some(_) => return Err(self.error_at(ErrorKind::InvalidNumber, i)),
                None => return Err(self.error_at(ErrorKind::UnexpectedEnd, i)),
            }
        }
        if let Some(b'e' | b'E') = bytes.get(i) {
            i += 1;
            if let Some(b'+' | b'-') = bytes.get(i) {
                i += 1;
            }
            match bytes.get(i) {
                Some(b'0'..=b'9') => i = digits(i + 1),
                Some(_) => return Err(self.error_at(ErrorKind::InvalidNumber, i)),
                None => return Err(self.error_at(ErrorKind::UnexpectedEnd, i)),
            }
        }
        self.pos = i;
        Ok(self.slice(start, i))
    }

    fn literal(&mut self, word: &'static [u8]) -> Result<(), Failed> {
        for (k, &want) in word.iter().enumerate() {
            match self.bytes().get(self.pos + k) {
                Some(&b) if b == want => {}
                Some(&b) => {
                    self.pos += k;
                    return Err(self.unexpected(b, "a JSON value"));
                }
                None => return Err(self.error_at(ErrorKind::UnexpectedEnd, self.pos + k)),
            }
        }
        self.pos += word.len();
        Ok(())
    }

    /// Scans one scalar value or the opening of a container at the current byte.
    /// Returns `Some(is_object)` when a container was opened. Validating scanners only.
    #[cfg_attr(not(feature = "small"), inline(always))]
    fn value_head(&mut self) -> Result<Option<bool>, Failed> {
        match self.peek()? {
            b'"' => self.string_checked().map(|_| None),
            b'{' => {
                self.pos += 1;
                Ok(Some(true))
            }
            b'[' => {
                self.pos += 1;
                Ok(Some(false))
            }
            b'-' | b'0'..=b'9' => self.number().map(|_| None),
            b't' => self.literal(b"true").map(|_| None),
            b'f' => self.literal(b"false").map(|_| None),
            b'n' => self.literal(b"null").map(|_| None),
            b => Err(self.unexpected(b, "a JSON value")),
        }
    }

    /// [`skip_value`](Self::skip_value) over validated text: only strings and brackets
    /// matter, so the grammar is not re-checked.
    #[inline(never)]
    fn skip_trusted(&mut self) -> RawValue<'a> {
        self.skip_ws();
        let start = self.pos;
        let bytes = self.bytes();
        match bytes.get(start) {
            Some(b'"') => {
                self.string_trusted();
            }
            #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
            Some(b'{' | b'[') => {
                self.pos = trusted_block::container_end(bytes, start).unwrap_or(bytes.len());
            }
            #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
            Some(b'{' | b'[') => {
                let mut open = 0usize;
                let mut i = start;
                loop {
                    // Many bytes at a time to the next quote or bracket.
                    i = next_structural(bytes, i);
                    match bytes.get(i) {
                        None => break,
                        Some(b'"') => {
                            self.pos = i;
                            self.string_trusted();
                            i = self.pos;
                        }
                        Some(b'{' | b'[') => {
                            open += 1;
                            i += 1;
                        }
                        Some(b'}' | b']') => {
                            open = open.saturating_sub(1);
                            i += 1;
                            if open == 0 {
                                break;
                            }
                        }
                        Some(_) => i += 1,
                    }
                }
                self.pos = i;
            }
            _ => {
                while let Some(b) = bytes.get(self.pos) {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                        break;
                    }
                    self.pos += 1;
                }
            }
        }
        RawValue::new(self.slice(start, self.pos), self.base + start)
    }

    /// Validates and skips one whole value of any shape, returning a view of it.
    ///
    /// `depth` is the number of containers already open around the value. Iterative: the
    /// open containers of the skipped value live in a [`DepthStack`].
    pub(crate) fn skip_value(&mut self, depth: u16) -> Result<RawValue<'a>, Failed> {
        if FAST_PATHS && self.trusted {
            return Ok(self.skip_trusted());
        }
        self.skip_ws();
        let start = self.pos;
        // Seeded with a runtime value, not zeroed (see `DepthStack::with_fill`).
        let mut stack = DepthStack::with_fill(start as u64);
        // A member key comes before the next value (one call site for both ways in).
        let mut key_next = false;
        'value: loop {
            if key_next {
                self.quoted_key()?;
                key_next = false;
            }
            if let Some(is_object) = self.value_head()? {
                if depth + stack.len() + 1 > self.max_depth || !stack.push(is_object) {
                    return Err(self.too_deep());
                }
                let close = if is_object { b'}' } else { b']' };
                if self.peek()? == close {
                    self.pos += 1;
                    stack.pop();
                } else {
                    key_next = is_object;
                    continue 'value;
                }
            }
            // After a complete value: close containers or move to the next member/item.
            loop {
                let Some(is_object) = stack.top() else {
                    let text = self.slice(start, self.pos);
                    return Ok(RawValue::new(text, self.base + start));
                };
                let b = self.peek()?;
                match b {
                    b',' => {
                        self.pos += 1;
                        if is_object {
                            self.skip_ws();
                            key_next = true;
                        }
                        continue 'value;
                    }
                    b'}' if is_object => {
                        self.pos += 1;
                        stack.pop();
                    }
                    b']' if !is_object => {
                        self.pos += 1;
                        stack.pop();
                    }
                    _ => {
                        return Err(self.unexpected(
                            b,
                            if is_object {
                                "`,` or `}`"
                            } else {
                                "`,` or `]`"
                            },
                        ))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skip(s: &str) -> Result<&str, Error> {
        let mut sc = Scanner::new(s, 0, 128);
        let Ok(v) = sc.skip_value(0) else {
            return Err(sc.take_error());
        };
        if !sc.at_end() {
            return Err(Error::new(ErrorKind::TrailingBytes, sc.offset()));
        }
        Ok(v.as_raw_str())
    }

    #[test]
    fn accepts_valid_values() {
        for s in [
            "0",
            "-0",
            "1.5e+10",
            "-12.25E-3",
            "true",
            "false",
            "null",
            "\"\"",
            "\"a\\u00e9\\ud83d\\ude00\\n\"",
            "[]",
            "{}",
            " [1, {\"a\": [true, null, {}]}, \"x\"] ",
            "{\"a\":{\"b\":{\"c\":[[[]]]}}}",
        ] {
            assert_eq!(skip(s).map(str::trim), Ok(s.trim()), "{s}");
        }
    }

    #[test]
    fn rejects_invalid_values_at_the_right_offset() {
        let cases: &[(&str, ErrorKind, usize)] = &[
            (
                "[1,]",
                ErrorKind::UnexpectedByte {
                    found: b']',
                    expected: "a JSON value",
                },
                3,
            ),
            ("01", ErrorKind::TrailingBytes, 1),
            ("-", ErrorKind::UnexpectedEnd, 1),
            ("1.", ErrorKind::UnexpectedEnd, 2),
            ("1.e3", ErrorKind::InvalidNumber, 2),
            ("1e", ErrorKind::UnexpectedEnd, 2),
            (
                "+1",
                ErrorKind::UnexpectedByte {
                    found: b'+',
                    expected: "a JSON value",
                },
                0,
            ),
            ("\"ab", ErrorKind::UnexpectedEnd, 3),
            ("\"a\tb\"", ErrorKind::ControlCharacter, 2),
            ("\"\\x\"", ErrorKind::InvalidEscape, 1),
            ("\"\\ud800\"", ErrorKind::LoneSurrogate, 1),
            (
                "{\"a\" 1}",
                ErrorKind::UnexpectedByte {
                    found: b'1',
                    expected: "`:`",
                },
                5,
            ),
            (
                "{1:2}",
                ErrorKind::UnexpectedByte {
                    found: b'1',
                    expected: "a string key",
                },
                1,
            ),
            (
                "[1 2]",
                ErrorKind::UnexpectedByte {
                    found: b'2',
                    expected: "`,` or `]`",
                },
                3,
            ),
            (
                "{\"a\":1]",
                ErrorKind::UnexpectedByte {
                    found: b']',
                    expected: "`,` or `}`",
                },
                6,
            ),
            ("tru", ErrorKind::UnexpectedEnd, 3),
            (
                "trUe",
                ErrorKind::UnexpectedByte {
                    found: b'U',
                    expected: "a JSON value",
                },
                2,
            ),
            ("[", ErrorKind::UnexpectedEnd, 1),
            ("", ErrorKind::UnexpectedEnd, 0),
        ];
        for (s, kind, off) in cases {
            let e = skip(s).unwrap_err();
            assert_eq!((e.kind(), e.offset()), (*kind, *off), "{s:?}");
        }
    }

    #[test]
    fn depth_limit_is_exact_and_costs_no_recursion() {
        let ok = "[".repeat(128) + &"]".repeat(128);
        assert!(skip(&ok).is_ok());
        let deep = "[".repeat(129) + &"]".repeat(129);
        let e = skip(&deep).unwrap_err();
        assert_eq!(
            (e.kind(), e.offset()),
            (ErrorKind::DepthLimit { limit: 128 }, 128)
        );
        let very_deep = "[".repeat(100_000);
        assert_eq!(
            skip(&very_deep).unwrap_err().kind(),
            ErrorKind::DepthLimit { limit: 128 }
        );
    }

    #[test]
    fn swar_finds_every_stop_position() {
        for n in 0..40 {
            let s = format!("\"{}\"", "a".repeat(n));
            assert_eq!(skip(&s), Ok(s.as_str()));
            let s = format!("\"{}\\n{}\"", "é".repeat(n), "b".repeat(n));
            assert_eq!(skip(&s), Ok(s.as_str()));
            let bad = format!("\"{}\u{1f}\"", "a".repeat(n));
            assert_eq!(
                skip(&bad).unwrap_err().offset(),
                n + 1,
                "control char after {n}"
            );
        }
    }

    #[test]
    fn block_and_byte_scans_agree_at_every_offset() {
        // Escapes, backslash runs, surrogate pairs, control characters and bad escapes at
        // every offset around the 16-byte look and the 64-byte blocks, with and without more
        // text after them: the same end, escape flag, or error kind and offset.
        let tails = [
            "\\\"",
            "\\\\",
            "\\\\\\\"",
            "\\n",
            "\\u00e9",
            "\\ud83d\\ude00",
            "\\uD83D\\uDE00",
            "\\ud83d",
            "\\ude00",
            "\\ud83d\\u0041",
            "\\u12",
            "\\x",
            "\\\u{1}",
            "\u{1f}",
            "\\u00\u{1}0",
            "\\\\\\",
            "é\\t\"",
            "\u{7f}",
        ];
        let step = if cfg!(miri) { 13 } else { 1 };
        for n in (0..150).step_by(step) {
            for tail in tails {
                for after in [
                    "",
                    "\"",
                    "bb\"",
                    "\\n\u{1}\"",
                    "\u{1}\\x\"",
                    &"c".repeat(70),
                    "\\\\\"x",
                ] {
                    let s = format!("\"{}{tail}{after}", "a".repeat(n));
                    let mut blocks = Scanner::new(&s, 0, 128);
                    let got = blocks
                        .string()
                        .map(|j| (j.raw(), j.has_escapes(), blocks.pos));
                    let mut bytes = Scanner::new(&s, 0, 128);
                    let want = bytes
                        .string_from(1, false)
                        .map(|j| (j.raw(), j.has_escapes(), bytes.pos));
                    let (got, want) = (
                        got.map_err(|_| blocks.take_error()),
                        want.map_err(|_| bytes.take_error()),
                    );
                    assert_eq!(got, want, "{s:?}");
                }
            }
        }
    }

    #[test]
    fn trusted_and_validating_scans_agree_across_chunk_edges() {
        // Escaped quotes, backslash runs and brackets at every offset around the 16- and
        // 32-byte steps of the scanners.
        for n in 0..70 {
            for tail in ["\\\"x", "\\\\", "\\\\\\\"", "]}[{", "\\n"] {
                let s = format!(
                    "[\"{}{tail}\", {{\"k\": [\"{}\"]}}]",
                    "a".repeat(n),
                    "b".repeat(n)
                );
                let mut checked = Scanner::new(&s, 0, 128);
                let v = checked.skip_value(0).map(|v| v.as_raw_str());
                assert_eq!(v, Ok(s.as_str()), "{s}");
                let mut trusted = Scanner::trusted(&s, 0);
                assert_eq!(trusted.skip_value(0).map(|v| v.as_raw_str()), v, "{s}");
                let inner = s.rfind("[\"").map_or(1, |p| p + 1);
                for start in [1, inner] {
                    let (mut a, mut b) = (Scanner::new(&s, 0, 128), Scanner::trusted(&s, 0));
                    a.pos = start;
                    b.pos = start;
                    let (x, y) = (a.string(), b.string());
                    assert_eq!(
                        x.map(|j| (j.raw(), j.has_escapes())),
                        y.map(|j| (j.raw(), j.has_escapes())),
                        "{s} at {start}"
                    );
                    assert_eq!(a.pos, b.pos, "{s} at {start}");
                }
            }
        }
    }
}
