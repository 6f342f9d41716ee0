//! Strict number parsing and allocation-free formatting.
//!
//! Strict means: ASCII digits only, no sign, no spaces, no trailing bytes, no
//! overflow. `atoi`-style leniency is how `TINI_VERBOSITY=abc` silently became 0.

/// Digits of the largest `u32`, the most `fmt_u32` ever writes.
pub const U32_DIGITS: usize = 10;

/// Parses a decimal `u32`; `None` on anything but 1..=10 digits that fit.
pub fn parse_u32(s: &[u8]) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    let mut n: u32 = 0;
    for &b in s {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u32::from(b - b'0'))?;
    }
    Some(n)
}

/// Writes `n` in decimal into `buf` and returns the digits written.
pub fn fmt_u32(n: u32, buf: &mut [u8; U32_DIGITS]) -> &[u8] {
    let mut i = U32_DIGITS;
    let mut n = n;
    loop {
        i -= 1;
        if let Some(d) = buf.get_mut(i) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    buf.get(i..).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::format;

    #[test]
    fn strict_u32() {
        assert_eq!(parse_u32(b"0"), Some(0));
        assert_eq!(parse_u32(b"007"), Some(7));
        assert_eq!(parse_u32(b"4294967295"), Some(u32::MAX));
        assert_eq!(parse_u32(b"4294967296"), None);
        assert_eq!(parse_u32(b"99999999999999999999"), None);
        for bad in [&b""[..], b"+1", b"-1", b" 1", b"1 ", b"1x", b"0x10", b"1.0"] {
            assert_eq!(parse_u32(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn formats_like_display() {
        let mut b = [0; U32_DIGITS];
        for n in [0, 1, 9, 10, 99, 100, 4_000_000_000, u32::MAX] {
            assert_eq!(fmt_u32(n, &mut b), format!("{n}").as_bytes());
        }
    }
}
