//! Diagnostics on stderr, one `write` per line, each prefixed `nanoinit: `.
//! Never stdout: that belongs to the program (tini logs info to stdout).
//!
//! A message is a slice of [`Frag`]s plus an optional errno, rendered by one
//! non-generic function (skalibs' strerr style).

use nanoinit::line::{Frag, Line};

use crate::sys::{self, Error};

pub use nanoinit::line::Frag::{Bytes, Num, Sig, Str};

/// Level of a message; shown when the verbosity is at least this.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Always shown.
    Error = 0,
    /// Default verbosity.
    Warn = 1,
    /// `-v`: each forwarded signal, each reaped process, the exit reason.
    Info = 2,
    /// `-vv`.
    Debug = 3,
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

    /// `nanoinit: [warning: ]FRAGS[: ERRNO TEXT]`, when `level` is enabled.
    #[inline(never)]
    pub fn say(self, level: Level, frags: &[Frag<'_>], errno: Option<Error>) {
        if level != Level::Error && level as u8 > self.verbosity {
            return;
        }
        let mut l = Line::default();
        l.str("nanoinit: ");
        if level == Level::Warn {
            l.str("warning: ");
        }
        l.frags(frags);
        if let Some(e) = errno {
            l.str(": ");
            match nanoinit::errno::text(e.0) {
                Some(t) => l.str(t),
                None => l.str("errno ").num(e.0 as u32),
            };
        }
        write_all(sys::stderr(), l.finish());
    }

    /// `nanoinit: [warning: ]unable to WHAT: ERRNO TEXT`.
    pub fn failed(self, level: Level, what: &str, e: impl Into<Error>) {
        self.say(level, &[Str("unable to "), Str(what)], Some(e.into()));
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
