//! Strict number parsing and allocation-free formatting.
//!
//! Strict means: ASCII digits only, no sign, no spaces, no trailing bytes, no
//! overflow. `atoi`-style leniency is how `TINI_VERBOSITY=abc` silently became 0.

/// Digits of the largest `u32`, the most `fmt_u32` ever writes.
pub const U32_DIGITS: usize = 10;

/// Milliseconds in a second.
const MS_PER_S: u32 = 1000;

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

/// Parses seconds with up to three decimals (`2`, `0.5`, `1.250`) into milliseconds.
pub fn parse_seconds_ms(s: &[u8]) -> Option<u32> {
    let (int, frac) = crate::bytes::cut(s, b'.').unwrap_or((s, &[]));
    if s.last() == Some(&b'.') || frac.len() > 3 {
        return None;
    }
    let whole = parse_u32(int)?.checked_mul(MS_PER_S)?;
    let mut part = if frac.is_empty() { 0 } else { parse_u32(frac)? };
    for _ in frac.len()..3 {
        part *= 10;
    }
    whole.checked_add(part)
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
    fn seconds() {
        assert_eq!(parse_seconds_ms(b"2"), Some(2000));
        assert_eq!(parse_seconds_ms(b"0"), Some(0));
        assert_eq!(parse_seconds_ms(b"0.5"), Some(500));
        assert_eq!(parse_seconds_ms(b"1.25"), Some(1250));
        assert_eq!(parse_seconds_ms(b"1.001"), Some(1001));
        assert_eq!(parse_seconds_ms(b"4294967"), Some(4_294_967_000));
        for bad in [&b""[..], b"-1", b"1.", b".5", b"1.2345", b"4294968", b"1..2", b"1.x", b"1e3"] {
            assert_eq!(parse_seconds_ms(bad), None, "{bad:?}");
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
