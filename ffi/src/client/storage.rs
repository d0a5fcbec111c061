//! Where a response body's bytes live: a `Vec`, or, on Linux, an anonymous memory map
//! advised to use transparent huge pages (not under Miri, which cannot map memory): for a
//! large body whose length is known, a mapping of that length; for a body without a length
//! (chunked), a reservation as large as the size limit allows, of which only the pages
//! written are ever backed by memory.
//!
//! Receiving into fresh memory faults every 4 KiB page in: on a 20 MiB body that was about
//! 6 ms of a 40 ms retrieve-and-decode in a fresh process (5,300 page faults; the same
//! writes into a huge-page mapping took 4 ms less). Where huge pages are off or the advice
//! is refused, the mapping simply stays on small pages.

use std::io::{self, Read};

/// Bodies at least this long (with a `Content-Length`) are mapped on Linux: one huge page.
#[cfg(all(target_os = "linux", not(miri)))]
const MAPPED_MIN: usize = 2 << 20;

/// A body without a length is received into a reservation of (size limit + 1) bytes when
/// that is at most this much address space; a larger limit reads into a `Vec`.
#[cfg(all(target_os = "linux", not(miri)))]
const RESERVED_MAX: usize = 1 << 30;

/// The bytes of a body, read once and never moved.
pub(crate) enum BodyBytes {
    /// On the heap (small bodies, bodies without a length, other systems).
    Heap(Vec<u8>),
    /// An anonymous mapping; the body is its first `len` bytes (all of it for a body with
    /// a length).
    #[cfg(all(target_os = "linux", not(miri)))]
    Mapped { map: memmap2::MmapMut, len: usize },
}

impl BodyBytes {
    /// The bytes.
    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            BodyBytes::Heap(v) => v,
            #[cfg(all(target_os = "linux", not(miri)))]
            BodyBytes::Mapped { map, len } => map.get(..*len).unwrap_or_default(),
        }
    }

    /// The bytes, to be filled in place.
    pub(crate) fn as_mut_slice(&mut self) -> &mut [u8] {
        match self {
            BodyBytes::Heap(v) => v,
            #[cfg(all(target_os = "linux", not(miri)))]
            BodyBytes::Mapped { map, len } => map.get_mut(..*len).unwrap_or_default(),
        }
    }

    /// Keeps only the first `len` bytes (no-op when there are fewer).
    pub(crate) fn truncate(&mut self, len: usize) {
        match self {
            BodyBytes::Heap(v) => v.truncate(len),
            #[cfg(all(target_os = "linux", not(miri)))]
            BodyBytes::Mapped { len: have, .. } => *have = len.min(*have),
        }
    }

    /// A zeroed mapping of `len` bytes for a body that long, advised to use huge pages; `None`
    /// where bodies are not mapped (shorter than 2 MiB, not Linux, Miri).
    pub(crate) fn mapped(len: usize) -> Option<io::Result<BodyBytes>> {
        #[cfg(all(target_os = "linux", not(miri)))]
        if len >= MAPPED_MIN {
            return Some(memmap2::MmapMut::map_anon(len).map(|map| {
                // Advice only: an error (huge pages disabled) leaves ordinary pages.
                let _ = map.advise(memmap2::Advice::HugePage);
                BodyBytes::Mapped { map, len }
            }));
        }
        let _ = len;
        None
    }

    /// A reservation of `max` zeroed bytes for a body without a length, to be filled from
    /// the front and then [truncated](Self::truncate) to what arrived; `None` where bodies
    /// are not mapped (`max` of 2 MiB or less, or over 1 GiB; not Linux; Miri) or when the
    /// system refuses the address space (the caller reads into a `Vec` then). Past its
    /// first 2 MiB it is advised to use huge pages, so a small body costs only small pages.
    pub(crate) fn reserved(max: usize) -> Option<BodyBytes> {
        #[cfg(all(target_os = "linux", not(miri)))]
        if max > MAPPED_MIN && max <= RESERVED_MAX {
            let map = memmap2::MmapOptions::new()
                .len(max)
                .no_reserve_swap()
                .map_anon()
                .ok()?;
            // Advice only: an error (huge pages disabled) leaves ordinary pages.
            let _ = map.advise_range(memmap2::Advice::HugePage, MAPPED_MIN, max - MAPPED_MIN);
            return Some(BodyBytes::Mapped { map, len: max });
        }
        let _ = max;
        None
    }

    /// The bytes as a `Vec` (a copy for a mapped body).
    pub(crate) fn into_vec(self) -> Vec<u8> {
        match self {
            BodyBytes::Heap(v) => v,
            #[cfg(all(target_os = "linux", not(miri)))]
            BodyBytes::Mapped { .. } => self.as_slice().to_vec(),
        }
    }

    /// Reads a body of exactly `len` bytes (its `Content-Length`), then the end of the
    /// stream (which lets the connection go back to the pool). A shorter body is an
    /// `UnexpectedEof` error, a longer one `InvalidData`.
    pub(crate) fn read_exact_len(reader: &mut impl Read, len: usize) -> io::Result<BodyBytes> {
        if let Some(mapped) = BodyBytes::mapped(len) {
            let mut bytes = mapped?;
            bytes.fill_from(reader)?;
            return Ok(bytes);
        }
        let mut bytes = Vec::with_capacity(len);
        reader.take(len as u64).read_to_end(&mut bytes)?;
        if bytes.len() < len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("the body ended after {} of {len} bytes", bytes.len()),
            ));
        }
        expect_end(reader, len)?;
        Ok(BodyBytes::Heap(bytes))
    }

    /// Fills these bytes from `reader`, then reads the end of the stream, which must come
    /// next (errors as in [`read_exact_len`](Self::read_exact_len)).
    pub(crate) fn fill_from(&mut self, reader: &mut impl Read) -> io::Result<()> {
        let buf = self.as_mut_slice();
        reader.read_exact(buf)?;
        expect_end(reader, buf.len())
    }

    /// Fills these bytes from the front with `reader` until the end of the stream or until
    /// they are full, whichever comes first, and keeps only what was read.
    pub(crate) fn fill_to_end(&mut self, reader: &mut impl Read) -> io::Result<()> {
        let len = read_to_end_or_full(reader, self.as_mut_slice())?;
        self.truncate(len);
        Ok(())
    }

    /// Reads a body without a length to its end, or to `max` bytes, whichever comes first.
    pub(crate) fn read_up_to(reader: &mut impl Read, max: u64) -> io::Result<BodyBytes> {
        if let Some(mut bytes) = usize::try_from(max).ok().and_then(BodyBytes::reserved) {
            bytes.fill_to_end(reader)?;
            return Ok(bytes);
        }
        let mut bytes = Vec::with_capacity(64 * 1024);
        reader.take(max).read_to_end(&mut bytes)?;
        Ok(BodyBytes::Heap(bytes))
    }
}

/// Reads into `buf` from the front until the end of the stream or until `buf` is full,
/// whichever comes first; returns how many bytes were read.
fn read_to_end_or_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while let Some(rest) = buf.get_mut(filled..).filter(|rest| !rest.is_empty()) {
        match reader.read(rest) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Reads the end of a body that should hold exactly `len` bytes.
pub(crate) fn expect_end(reader: &mut impl Read, len: usize) -> io::Result<()> {
    let mut probe = [0u8; 1];
    loop {
        match reader.read(&mut probe) {
            Ok(0) => return Ok(()),
            Ok(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("the body is longer than its Content-Length of {len} bytes"),
                ))
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

impl Clone for BodyBytes {
    fn clone(&self) -> Self {
        BodyBytes::Heap(self.as_slice().to_vec())
    }
}

impl PartialEq for BodyBytes {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for BodyBytes {}

/// The length only: a body can be hundreds of MiB, and may echo the API key.
impl std::fmt::Debug for BodyBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<{} bytes>", self.as_slice().len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_length_only() {
        let body = BodyBytes::Heap(b"{\"key\":\"llx-secret\"}".to_vec());
        assert_eq!(format!("{body:?}"), "<20 bytes>");
    }

    #[test]
    fn reads_exactly_the_length_or_fails() {
        // 3 MiB takes the mapped path on Linux; Miri (heap path only) gets a smaller body.
        let big = if cfg!(miri) { 5000 } else { 3 << 20 };
        for len in [0, 10, big] {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let body = BodyBytes::read_exact_len(&mut data.as_slice(), len).unwrap();
            assert_eq!(body.as_slice(), data.as_slice());
            assert_eq!(body.clone(), body);
            assert_eq!(body.into_vec(), data);
            if len > 0 {
                let short = BodyBytes::read_exact_len(&mut &data[..len - 1], len).unwrap_err();
                assert_eq!(short.kind(), io::ErrorKind::UnexpectedEof, "{len}");
                let longer = [data.as_slice(), b"x"].concat();
                let long = BodyBytes::read_exact_len(&mut longer.as_slice(), len).unwrap_err();
                assert_eq!(long.kind(), io::ErrorKind::InvalidData, "{len}");
            }
        }
    }

    #[test]
    fn a_body_without_a_length_is_read_to_its_end_or_to_the_maximum() {
        // 5 MiB max takes the reserved mapping on Linux; Miri reads into a `Vec`.
        let max = if cfg!(miri) { 6000 } else { 5 << 20 };
        for len in [0, 10, max - 1, max, max + 7] {
            let data: Vec<u8> = (0..len).map(|i| (i % 253) as u8).collect();
            let body = BodyBytes::read_up_to(&mut data.as_slice(), max as u64).unwrap();
            let want = &data[..len.min(max)];
            assert_eq!(body.as_slice(), want, "{len}");
            assert_eq!(body.clone().into_vec(), want);
        }
        let mut reserved = BodyBytes::reserved(3 << 20);
        if let Some(bytes) = &mut reserved {
            assert_eq!(bytes.as_slice().len(), 3 << 20);
            bytes.truncate(5);
            bytes.truncate(9); // never grows
            assert_eq!(bytes.as_slice(), [0; 5]);
        }
        assert_eq!(
            reserved.is_some(),
            cfg!(all(target_os = "linux", not(miri)))
        );
        assert!(BodyBytes::reserved(1 << 20).is_none()); // small: a `Vec`
    }
}
