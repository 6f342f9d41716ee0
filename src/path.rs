//! The PATH search execvp does, in a fixed buffer.

/// Size of the buffer a candidate path is built in, NUL included (Linux `PATH_MAX`).
pub const PATH_BUF: usize = 4096;

/// The search path when `PATH` is unset, as glibc's and musl's execvp use for root.
pub const DEFAULT_PATH: &[u8] = b"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Whether `prog` is used as given rather than searched for (it contains a `/`).
// A plain scan: core's `contains` goes through its vectorised memchr, 200 bytes more.
#[allow(clippy::manual_contains)]
pub fn is_explicit(prog: &[u8]) -> bool {
    prog.iter().any(|&b| b == b'/')
}

/// The directories of a `PATH` value in order; an empty entry means the current directory.
pub fn dirs(path: &[u8]) -> impl Iterator<Item = &[u8]> {
    crate::bytes::split(path, b':')
}

/// Writes `dir/prog\0` into `buf` and returns it with its NUL, or `None` when it
/// does not fit. An empty `dir` yields `prog` itself (relative to the cwd).
pub fn join<'b>(dir: &[u8], prog: &[u8], buf: &'b mut [u8; PATH_BUF]) -> Option<&'b [u8]> {
    let sep: &[u8] = if dir.is_empty() || dir.last() == Some(&b'/') { b"" } else { b"/" };
    let mut len = 0;
    for part in [dir, sep, prog, b"\0"] {
        len = append(buf, len, part)?;
    }
    buf.get(..len)
}

/// Copies `src` into `buf` at `at`; returns the new end, or `None` when it does not fit.
// Chosen by scripts/inline-search.py.
#[inline]
pub fn append(buf: &mut [u8], at: usize, src: &[u8]) -> Option<usize> {
    let end = at.checked_add(src.len())?;
    let dst = buf.get_mut(at..end)?;
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s;
    }
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::vec::Vec;

    #[test]
    fn splits_like_execvp() {
        let d: Vec<&[u8]> = dirs(b"/a::/b/").collect();
        assert_eq!(d, [&b"/a"[..], b"", b"/b/"]);
        assert_eq!(dirs(b"").count(), 1);
    }

    #[test]
    fn joins_into_the_buffer() {
        let mut b = [0u8; PATH_BUF];
        assert_eq!(join(b"/bin", b"sh", &mut b), Some(&b"/bin/sh\0"[..]));
        assert_eq!(join(b"/bin/", b"sh", &mut b), Some(&b"/bin/sh\0"[..]));
        assert_eq!(join(b"", b"sh", &mut b), Some(&b"sh\0"[..]));
        let long = [b'a'; PATH_BUF];
        assert_eq!(join(&long[..PATH_BUF - 4], b"sh", &mut b).map(<[u8]>::len), Some(PATH_BUF));
        assert_eq!(join(&long[..PATH_BUF - 3], b"sh", &mut b), None);
        assert_eq!(join(&long, &long, &mut b), None);
    }

    #[test]
    fn explicit_names() {
        assert!(is_explicit(b"./x") && is_explicit(b"/bin/sh") && !is_explicit(b"sh"));
    }
}
