//! Text for the errno values an init can meet, as `strerror` words them.

/// `strerror`-style text for `errno`, or `None` for values outside this table.
pub fn text(errno: i32) -> Option<&'static str> {
    Some(match errno {
        1 => "Operation not permitted",
        2 => "No such file or directory",
        3 => "No such process",
        4 => "Interrupted system call",
        5 => "I/O error",
        7 => "Argument list too long",
        8 => "Exec format error",
        9 => "Bad file descriptor",
        10 => "No child processes",
        11 => "Resource temporarily unavailable",
        12 => "Out of memory",
        13 => "Permission denied",
        14 => "Bad address",
        20 => "Not a directory",
        21 => "Is a directory",
        22 => "Invalid argument",
        23 => "Too many open files in system",
        24 => "No file descriptors available",
        25 => "Not a tty",
        26 => "Text file busy",
        36 => "Filename too long",
        38 => "Function not implemented",
        40 => "Symbolic link loop",
        80 => "Accessing a corrupted shared library",
        _ => return None,
    })
}
