//! Reading the kernel's process table: the two formats the subreaper's tree
//! walk parses (`/proc` directory entries, `/proc/PID/stat`).

use crate::bytes;
use crate::num::parse_u32;

/// The parent pid in a `/proc/PID/stat` line (or its first bytes: the fields
/// up to the parent's always fit in 128). The name between the parentheses
/// may hold any byte, `)` and spaces included, so the fields are counted from
/// the last `)`; a short read that cut the parent's number is refused by
/// asking for the space after it.
pub fn stat_ppid(stat: &[u8]) -> Option<u32> {
    let close = stat.iter().rposition(|&b| b == b')')?;
    // ") S 123 …": the state is one letter, then the parent; the space after
    // the parent's number shows it was read whole.
    number_before(stat.get(close + STATE_TO_PPID..)?, b' ')
}

/// The decimal number `s` starts with, which `end` must follow.
#[inline(never)]
fn number_before(s: &[u8], end: u8) -> Option<u32> {
    parse_u32(bytes::cut(s, end)?.0)
}

/// From the `)` that ends the name to the parent's number: `) S `.
const STATE_TO_PPID: usize = 4;

/// The numeric names (pids, in `/proc`) in a buffer filled by `getdents64`
/// (`struct linux_dirent64` records: inode u64, offset i64, record length
/// u16, type u8, name NUL); other names are skipped.
pub fn dirents(buf: &[u8]) -> Dirents<'_> {
    Dirents { rest: buf }
}

/// Byte offset of `d_reclen` in a `linux_dirent64`.
const RECLEN_AT: usize = 16;
/// Byte offset of `d_name` in a `linux_dirent64`.
const NAME_AT: usize = 19;

/// Iterator returned by [`dirents`].
pub struct Dirents<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Dirents<'a> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        loop {
            let len = self.rest.get(RECLEN_AT..RECLEN_AT + 2)?;
            let len = usize::from(u16::from_ne_bytes([len[0], len[1]]));
            // A record shorter than its header would loop forever; the kernel
            // never writes one, and a truncated record ends the iteration.
            let (rec, rest) = (self.rest.get(..len)?, self.rest.get(len..)?);
            let name = rec.get(NAME_AT..)?;
            self.rest = rest;
            if let Some(pid) = number_before(name, 0) {
                return Some(pid);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::vec::Vec;

    #[test]
    fn parent_after_the_last_paren() {
        assert_eq!(stat_ppid(b"42 (sh) S 7 42 42 0 -1 4194560 1"), Some(7));
        assert_eq!(stat_ppid(b"42 (a) b) (c) R 1 2 3"), Some(1));
        assert_eq!(stat_ppid(b"9 (kworker/u8:2-events_unbound) I 2 0 0"), Some(2));
        assert_eq!(stat_ppid(b"1 (init) S 0 1 1 0"), Some(0));
    }

    #[test]
    fn short_or_odd_stat_is_refused() {
        // Cut inside the parent's number: "1234" may be "12".
        assert_eq!(stat_ppid(b"42 (sh) S 12"), None);
        for bad in [&b""[..], b"42 (sh", b"42 (sh) S", b"42 (sh) S x 1", b"42 (sh) S -1 1"] {
            assert_eq!(stat_ppid(bad), None, "{bad:?}");
        }
    }

    fn record(name: &[u8]) -> Vec<u8> {
        // Padded to 8 bytes like the kernel's records.
        let len = (NAME_AT + name.len() + 1).div_ceil(8) * 8;
        let mut r = std::vec![0u8; len];
        r[RECLEN_AT..RECLEN_AT + 2].copy_from_slice(&(len as u16).to_ne_bytes());
        r[NAME_AT..NAME_AT + name.len()].copy_from_slice(name);
        r
    }

    #[test]
    fn pids_of_records() {
        let mut buf = Vec::new();
        for n in [&b"."[..], b"..", b"1", b"self", b"4194304", b"12x", b"a-long-name-of-some-length", b"77"] {
            buf.extend(record(n));
        }
        let pids: Vec<u32> = dirents(&buf).collect();
        assert_eq!(pids, [1, 4194304, 77]);
    }

    #[test]
    fn broken_records_end_the_walk() {
        let mut buf = record(b"1");
        buf.extend(record(b"2"));
        // Zero length: ends rather than looping.
        let mut zero = record(b"3");
        zero[RECLEN_AT] = 0;
        zero[RECLEN_AT + 1] = 0;
        let mut b2 = buf.clone();
        b2.extend(&zero);
        b2.extend(record(b"4"));
        assert_eq!(dirents(&b2).collect::<Vec<_>>(), [1, 2]);
        // Truncated: the cut record is dropped.
        assert_eq!(dirents(&buf[..buf.len() - 1]).collect::<Vec<_>>(), [1]);
        assert_eq!(dirents(&[]).count(), 0);
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_end(buf in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            // Never panics nor loops; every pid comes from a digit-only name.
            let _ = dirents(&buf).count();
            let _ = stat_ppid(&buf);
        }
    }
}
