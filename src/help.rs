//! `--help`. The text is src/help.txt, written to be read and to fit 40 lines
//! of 80 columns. build.rs turns it into one template for the three
//! personalities (`{A|B|C}` where they differ) and packs that with LZ77 to
//! about half its size; [`render`] unpacks it on the stack and keeps the
//! personality's parts. The help is data every platform carries; a
//! dictionary of frequent words, measured against LZ77, saved a third as much.
//!
//! Packed format: a byte below 0x80 is itself (the text is ASCII). A byte
//! `1LLLLDDD` and the byte after it, `dddddddd`, copy `LLLL + 3` bytes from
//! `DDDdddddddd + 1` bytes back in the output; the copy may overlap what it
//! writes (a run of spaces is one copy at distance 1).

use crate::config::Personality;

include!(concat!(env!("OUT_DIR"), "/help.rs"));

/// Top bit of a byte: the first byte of a copy.
const COPY: u8 = 0x80;
/// Shortest copy; a copy's length field counts from here.
const MIN_COPY: usize = 3;

/// The help of personality `p`, unpacked into `buf`.
pub fn render(p: Personality, buf: &mut [u8; TEMPLATE_LEN]) -> &[u8] {
    let len = unpack(&PACKED, buf);
    select(buf, len, p as u8)
}

/// Unpacks `packed` into `out`; returns the length written. Output beyond
/// `out` is dropped, and a copy from before the start copies zeros: garbage in
/// gives garbage out, never a fault.
fn unpack(packed: &[u8], out: &mut [u8]) -> usize {
    let mut len = 0usize;
    let mut bytes = packed.iter();
    while let Some(&b) = bytes.next() {
        let (count, dist) = if b & COPY == 0 {
            // A literal is a copy of one byte from "distance 0": write `b` itself.
            (1, 0)
        } else {
            let low = bytes.next().copied().unwrap_or(0);
            (usize::from(b >> 3 & 0xf) + MIN_COPY, (usize::from(b & 7) << 8 | usize::from(low)) + 1)
        };
        for _ in 0..count {
            let c = if dist == 0 { b } else { out.get(len.wrapping_sub(dist)).copied().unwrap_or(0) };
            if let Some(slot) = out.get_mut(len) {
                *slot = c;
                len += 1;
            }
        }
    }
    len
}

/// Keeps, of the first `len` bytes of `buf`, the text outside `{A|B|C}` and
/// part number `p` inside; moves it to the front of `buf` (it never grows).
fn select(buf: &mut [u8], len: usize, p: u8) -> &[u8] {
    // Outside an alternative `part` is `p` too: one comparison decides.
    let mut part = p;
    let mut kept = 0;
    for i in 0..len {
        let b = buf.get(i).copied().unwrap_or(0);
        match b {
            b'{' => part = 0,
            b'|' => part = part.wrapping_add(1),
            b'}' => part = p,
            _ if part == p => {
                if let Some(slot) = buf.get_mut(kept) {
                    *slot = b;
                    kept += 1;
                }
            }
            _ => {}
        }
    }
    buf.get(..kept).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::string::String;
    use std::vec::Vec;

    const ALL: [Personality; 3] = [Personality::Nanoinit, Personality::Tini, Personality::DumbInit];

    /// src/help.txt read as its header comment says, independently of build.rs.
    fn from_source(p: Personality) -> String {
        let tag = ['n', 't', 'd'][p as usize];
        let mut out = String::new();
        for line in include_str!("help.txt").lines().filter(|l| !l.starts_with('#')) {
            let line = match line.strip_prefix('[').and_then(|l| l.split_once(']')) {
                Some((tags, text)) if tags.chars().all(|c| "ntd".contains(c)) => {
                    if !tags.contains(tag) {
                        continue;
                    }
                    text
                }
                _ => line,
            };
            let mut rest = line;
            while let Some((head, tail)) = rest.split_once('{') {
                let (alts, tail) = tail.split_once('}').unwrap();
                out.push_str(head);
                out.push_str(alts.split('|').nth(p as usize).unwrap());
                rest = tail;
            }
            out.push_str(rest);
            out.push('\n');
        }
        out
    }

    fn rendered(p: Personality) -> String {
        let mut buf = [0; TEMPLATE_LEN];
        String::from_utf8(render(p, &mut buf).to_vec()).unwrap()
    }

    #[test]
    fn unpacked_text_is_the_source() {
        for p in ALL {
            assert_eq!(rendered(p), from_source(p), "{p:?}");
        }
    }

    #[test]
    fn fits_a_terminal_and_says_who_it_is() {
        for p in ALL {
            let text = rendered(p);
            assert!(text.lines().count() <= 40, "{p:?}: {} lines", text.lines().count());
            for line in text.lines() {
                assert!(line.len() <= 80 && !line.ends_with(' '), "{p:?}: {line:?}");
                assert!(!line.contains(['{', '|', '}']), "{p:?}: markup left in {line:?}");
            }
            let name = ["nanoinit", "tini", "dumb-init"][p as usize];
            assert!(text.starts_with(&std::format!("usage: {name} [OPTION]...")), "{p:?}");
        }
    }

    /// The packing pays: shared and packed, the three texts take less than one.
    #[test]
    fn packed_is_smaller_than_one_personality() {
        assert!(ALL.iter().all(|&p| PACKED.len() < rendered(p).len()), "{} B", PACKED.len());
    }

    #[test]
    fn format_examples() {
        let mut out = [0u8; 16];
        // "ab" then copy 4 from 2 back (overlapping), then "c".
        let n = unpack(&[b'a', b'b', COPY | 1 << 3, 1, b'c'], &mut out);
        assert_eq!(&out[..n], b"abababc");
        // A run: " " then 5 more from 1 back.
        let n = unpack(&[b' ', COPY | 2 << 3, 0], &mut out);
        assert_eq!(&out[..n], b"      ");
        let mut t = *b"a{x|y|z}b{1|2|3}\n";
        assert_eq!(select(&mut t, 17, 1), b"ayb2\n");
    }

    /// Truncated or corrupt input (a copy from before the start, output past
    /// the buffer, a copy with no second byte) ends without a fault.
    #[test]
    fn bad_input_is_bounded() {
        let mut out = [0u8; 8];
        assert_eq!(unpack(&[COPY | 0x7f, 0xff], &mut out), 8);
        assert_eq!(unpack(&[b'a', COPY], &mut out), 4);
        let noise: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
        let mut big = [0u8; TEMPLATE_LEN];
        let n = unpack(&noise, &mut big);
        assert!(n <= TEMPLATE_LEN);
        assert!(select(&mut big, n, 2).len() <= n);
    }
}
