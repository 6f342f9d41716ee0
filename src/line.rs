//! A log line built from fragments in a fixed buffer, written with one `write`.

use crate::num::{fmt_u32, U32_DIGITS};

/// Longest line nanoinit writes; longer content is cut and still ends in a newline.
pub const LINE_MAX: usize = 512;

/// In a message template: insert the next argument as a decimal number.
pub const NUM: u8 = 1;
/// In a message template: insert the next argument as a signal name.
pub const SIG: u8 = 2;
/// In a message template: insert the next byte-string argument.
pub const BYTES: u8 = 3;

/// A message template written as what it prints: literal text, and one
/// placeholder per argument in braces, typed by its first word and named for
/// what it holds: `{num NAME}` a number, `{sig NAME}` a signal name, `{text
/// NAME}` a byte string. `msg!("reaped " {text who} " " {num pid})` is the
/// literal `"reaped \x03 \x01"` (see [`NUM`], [`SIG`], [`BYTES`]), built by
/// `concat!` at compile time: the names cost nothing and are for the reader.
#[macro_export]
macro_rules! msg {
    (@ {num $name:ident}) => {
        "\x01"
    };
    (@ {sig $name:ident}) => {
        "\x02"
    };
    (@ {text $name:ident}) => {
        "\x03"
    };
    (@ $text:literal) => {
        $text
    };
    ($($piece:tt)*) => {
        concat!($($crate::msg!(@ $piece)),*)
    };
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
        let (n, k) = crate::signals::name(sig);
        if n.is_empty() {
            return self.num(u32::from(sig));
        }
        self.str("SIG").push(n);
        if k != 0 {
            self.str("+").num(u32::from(k));
        }
        self
    }
    /// Appends a message template: text in which the bytes [`NUM`] and [`SIG`]
    /// take the next of `args`, and [`BYTES`] the next of `parts`. A call site
    /// then costs one string and a few registers, not inlined formatting.
    pub fn template(&mut self, msg: &str, args: [u32; 2], parts: &[&[u8]]) -> &mut Self {
        let [mut arg, mut later] = args;
        let mut part = parts.iter();
        for &b in msg.as_bytes() {
            match b {
                NUM | SIG => {
                    if b == NUM {
                        self.num(arg);
                    } else {
                        self.sig(arg as u8);
                    }
                    arg = core::mem::take(&mut later);
                }
                BYTES => {
                    self.printable(part.next().copied().unwrap_or(b""));
                }
                _ => {
                    self.push(&[b]);
                }
            }
        }
        self
    }

    /// Appends bytes from outside (a program name, an option value) with
    /// control bytes shown as `?`, so a message stays one line and sends no
    /// escape sequence to a terminal.
    pub fn printable(&mut self, s: &[u8]) -> &mut Self {
        for &b in s {
            self.push(&[if b < b' ' || b == 0x7f { b'?' } else { b }]);
        }
        self
    }
    /// The bytes so far.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
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
        assert_eq!(
            l.str("pid ").num(42).str(" got ").sig(15).sig(37).sig(33).finish(),
            b"pid 42 got SIGTERMSIGRTMIN+333\n"
        );
        // The macro spells the same template as the raw bytes.
        assert_eq!(
            crate::msg!("a " {sig s} " b " {num n} " '" {text x} "'" {num m} {text y} {text z}),
            "a \x02 b \x01 '\x03'\x01\x03\x03"
        );
        let mut l = Line::default();
        assert_eq!(
            l.template("a \x02 b \x01 '\x03'\x01\x03\x03", [15, 7], &[b"x", b"y"]).finish(),
            b"a SIGTERM b 7 'x'0y\n"
        );
        let mut l = Line::default();
        let big = [b'x'; 2 * LINE_MAX];
        let out = l.push(&big).str("tail").finish();
        assert_eq!(out.len(), LINE_MAX);
        assert_eq!(out.last(), Some(&b'\n'));
    }
}
