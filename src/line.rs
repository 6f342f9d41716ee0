//! A log line built from fragments in a fixed buffer, written with one `write`.

use crate::num::{fmt_u32, U32_DIGITS};

/// Longest line nanoinit writes; longer content is cut and still ends in a newline.
pub const LINE_MAX: usize = 512;

/// One piece of a message. A message is a slice of these, rendered by one
/// function, so a log call site costs a few stores rather than inlined formatting.
#[derive(Clone, Copy)]
pub enum Frag<'a> {
    /// Literal text.
    Str(&'a str),
    /// Bytes as given (a program name, an option value).
    Bytes(&'a [u8]),
    /// A number in decimal.
    Num(u32),
    /// A signal by name.
    Sig(u8),
}

/// One line of output, built without allocation.
pub struct Line {
    buf: [u8; LINE_MAX],
    len: usize,
}

impl Default for Line {
    fn default() -> Self {
        Line { buf: [0; LINE_MAX], len: 0 }
    }
}

impl Line {
    /// Appends bytes, dropping what does not fit (one byte stays free for the newline).
    pub fn push(&mut self, s: &[u8]) -> &mut Self {
        for &b in s {
            if self.len + 1 >= LINE_MAX {
                break;
            }
            if let Some(slot) = self.buf.get_mut(self.len) {
                *slot = b;
                self.len += 1;
            }
        }
        self
    }
    /// Appends a string.
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.push(s.as_bytes())
    }
    /// Appends a number in decimal.
    pub fn num(&mut self, n: u32) -> &mut Self {
        let mut d = [0; U32_DIGITS];
        self.push(fmt_u32(n, &mut d))
    }
    /// Appends a signal's name (`SIGTERM`, `SIGRTMIN+3`, or the number when it has none).
    pub fn sig(&mut self, sig: u8) -> &mut Self {
        match crate::signals::name(sig) {
            ("", _) => self.num(u32::from(sig)),
            (n, off) => {
                self.str("SIG").str(n);
                if let Some((op, k)) = off {
                    self.push(&[op]).num(u32::from(k));
                }
                self
            }
        }
    }
    /// Appends each fragment.
    pub fn frags(&mut self, frags: &[Frag<'_>]) -> &mut Self {
        for f in frags {
            match *f {
                Frag::Str(s) => self.str(s),
                Frag::Bytes(b) => self.push(b),
                Frag::Num(n) => self.num(n),
                Frag::Sig(s) => self.sig(s),
            };
        }
        self
    }
    /// The line so far followed by a newline.
    pub fn finish(&mut self) -> &[u8] {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = b'\n';
        }
        self.buf.get(..=self.len).unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_and_truncates() {
        let mut l = Line::default();
        assert_eq!(l.str("pid ").num(42).str(" got ").sig(15).sig(37).sig(33).finish(), b"pid 42 got SIGTERMSIGRTMIN+333\n");
        let mut l = Line::default();
        let big = [b'x'; 2 * LINE_MAX];
        let out = l.push(&big).str("tail").finish();
        assert_eq!(out.len(), LINE_MAX);
        assert_eq!(out.last(), Some(&b'\n'));
    }
}
