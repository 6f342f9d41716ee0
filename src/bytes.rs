//! Byte-string helpers shared by every parser. One non-generic copy of each:
//! core's `split` and `position` instantiate per closure, and in a binary this
//! small every instantiation shows.

/// The pieces of `s` between `sep` bytes (`a::b` gives `a`, ``, `b`).
pub fn split(s: &[u8], sep: u8) -> Split<'_> {
    Split { rest: Some(s), sep }
}

/// Iterator returned by [`split`].
pub struct Split<'a> {
    rest: Option<&'a [u8]>,
    sep: u8,
}

impl<'a> Iterator for Split<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        let s = self.rest?;
        match cut(s, self.sep) {
            Some((head, tail)) => {
                self.rest = Some(tail);
                Some(head)
            }
            None => {
                self.rest = None;
                Some(s)
            }
        }
    }
}

/// Splits at the first `sep`: `(before, after)`, or `None` without one.
// Chosen by scripts/inline-search.py.
#[inline(always)]
pub fn cut(s: &[u8], sep: u8) -> Option<(&[u8], &[u8])> {
    for (i, &b) in s.iter().enumerate() {
        if b == sep {
            return Some((s.get(..i)?, s.get(i + 1..)?));
        }
    }
    None
}

/// `s` without `prefix`, if it starts with it (ASCII case folded when `ci`).
pub fn strip<'a>(s: &'a [u8], prefix: &[u8], ci: bool) -> Option<&'a [u8]> {
    s.get(..prefix.len()).filter(|h| eq(h, prefix, ci))?;
    s.get(prefix.len()..)
}

/// Byte-string equality, ASCII case folded when `ci`. Our own loop: slice `==`
/// calls `bcmp` through a GOT entry, which alone costs the binary a writable
/// segment.
pub fn eq(a: &[u8], b: &[u8], ci: bool) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y || ci && x.eq_ignore_ascii_case(y))
}

/// Index of the first space-separated word of `list` equal to `w` (ASCII case
/// folded when `ci`).
pub fn word_index(list: &[u8], w: &[u8], ci: bool) -> Option<usize> {
    split(list, b' ').position(|x| eq(x, w, ci))
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::vec::Vec;

    #[test]
    fn splits_like_core() {
        for s in [&b""[..], b"a", b"a::b", b":", b"::x:", b"abc"] {
            let ours: Vec<&[u8]> = split(s, b':').collect();
            let core: Vec<&[u8]> = s.split(|&b| b == b':').collect();
            assert_eq!(ours, core);
        }
        assert_eq!(cut(b"k=v=w", b'='), Some((&b"k"[..], &b"v=w"[..])));
        assert_eq!(cut(b"kv", b'='), None);
        assert_eq!(word_index(b"a bb C", b"c", true), Some(2));
        assert_eq!(word_index(b"a bb C", b"c", false), None);
        assert!(eq(b"SigTerm", b"SIGTERM", true) && !eq(b"TERM", b"TERMS", true) && !eq(b"a", b"A", false));
    }
}
