//! Text for the errno values an init can meet, as musl's `strerror` words them.

/// `errno` byte, then its text, NUL-terminated; one string instead of a jump table.
const TEXTS: &[u8] = b"\x02No such file or directory\0\x07Argument list too long\0\x08Exec format error\0\
\x0dPermission denied\0\x14Not a directory\0\x24Filename too long\0\x28Symbolic link loop\0";

/// `strerror`-style text for `errno`, or `None` for values outside this table.
pub fn text(errno: i32) -> Option<&'static [u8]> {
    crate::bytes::split(TEXTS, 0)
        .find_map(|e| e.split_first().filter(|(&code, _)| i32::from(code) == errno).map(|(_, t)| t))
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn known_and_unknown() {
        assert_eq!(text(2), Some(&b"No such file or directory"[..]));
        assert_eq!(text(13), Some(&b"Permission denied"[..]));
        assert_eq!(text(8), Some(&b"Exec format error"[..]));
        assert_eq!(text(40), Some(&b"Symbolic link loop"[..]));
        assert_eq!(text(1), None);
        assert_eq!(text(0), None);
        assert_eq!(text(999), None);
        assert_eq!(text(-2), None);
    }
}
