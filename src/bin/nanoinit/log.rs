//! Diagnostics on stderr, one `write` per line, each prefixed `nanoinit: `.
//! Never stdout: that belongs to the program (tini logs info to stdout).
//!
//! A message is a template (see [`nanoinit::line::Line::template`]: `\x01` a
//! number, `\x02` a signal name, `\x03` a byte string) rendered by one
//! non-generic function, plus an optional errno text (skalibs' strerr style).

use nanoinit::line::Line;

use crate::sys::{self, Error};

/// Level of a message; shown when the verbosity is at least this.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Always shown.
    Error = 0,
    /// Default verbosity.
    Warn = 1,
    /// `-v`: each forwarded signal, each reaped process, the exit reason.
    Info = 2,
}

/// Writes diagnostics up to a verbosity.
#[derive(Clone, Copy)]
pub struct Log {
    verbosity: u8,
}

impl Log {
    /// A logger showing levels up to `verbosity` (errors always).
    pub fn new(verbosity: u8) -> Log {
        Log { verbosity }
    }

    /// `nanoinit: [warning: ]MESSAGE[: ERRNO TEXT]`, when `level` is enabled.
    /// `errno` 0 means none.
    pub fn emit(self, level: Level, msg: &str, args: [u32; 2], parts: &[&[u8]], errno: i32) {
        if level != Level::Error && level as u8 > self.verbosity {
            return;
        }
        let mut l = Line::default();
        l.str("nanoinit: ");
        if level == Level::Warn {
            l.str("warning: ");
        }
        l.template(msg, args, parts);
        if errno != 0 {
            l.str(": ");
            match nanoinit::errno::text(errno) {
                Some(t) => l.push(t),
                None => l.str("errno ").num(errno as u32),
            };
        }
        write_all(sys::stderr(), l.finish());
    }

    /// A message with up to two numeric arguments.
    pub fn say(self, level: Level, msg: &str, args: [u32; 2]) {
        self.emit(level, msg, args, &[], 0);
    }

    /// `unable to WHAT: ERRNO TEXT`; `what` is a fixed text. The phrase is
    /// added here rather than repeated in every caller's string, and the
    /// function is not generic over the error type, so there is one copy.
    pub fn failed(self, level: Level, what: &str, e: Error) {
        self.emit(level, "unable to \x03", [0, 0], &[what.as_bytes()], e.0);
    }
}

/// Writes all of `bytes` to `fd`, giving up on the first error (a closed stderr
/// must never stop the init).
pub fn write_all(fd: rustix::fd::BorrowedFd<'_>, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        match rustix::io::write(fd, bytes) {
            Ok(0) | Err(_) => return,
            Ok(n) => bytes = bytes.get(n..).unwrap_or(&[]),
        }
    }
}
