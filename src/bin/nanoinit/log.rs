//! Diagnostics on stderr, one `write` per line, each prefixed `nanoinit: `.
//! Never stdout: that belongs to the program (tini logs info to stdout).
//!
//! A message is a template written with [`nanoinit::msg!`] (placeholders
//! `{num …}`, `{sig …}`, `{text …}`; see [`nanoinit::line::Line::template`]),
//! rendered by one non-generic function, plus an optional errno text
//! (skalibs' strerr style).

use core::cell::Cell;
use nanoinit::line::Line;
use nanoinit::msg;

use crate::sys::{self, Error};

pub use nanoinit::policy::Level;

/// Writes diagnostics up to a verbosity. A run makes one and lends it to every
/// step by reference, so that its one mutable field (the binary's only state
/// outside a stack frame) holds for all of them; a `static` would cost the
/// binary a writable segment of its own.
pub struct Log {
    /// Levels below this are shown: verbosity + 1, so errors (0) always are;
    /// 0 once a write to stderr found no reader (EPIPE): the log collector is
    /// gone, and each further write would only raise another SIGPIPE on us.
    shown_below: Cell<u8>,
}

impl Log {
    /// A logger showing levels up to `verbosity` (errors always).
    pub fn new(verbosity: u8) -> Log {
        Log { shown_below: Cell::new(verbosity.saturating_add(1)) }
    }

    /// `nanoinit: [warning: ]MESSAGE[: ERRNO TEXT]`, when `level` is enabled.
    /// `errno` 0 means none.
    pub fn emit(&self, level: Level, msg: &str, args: [u32; 2], parts: &[&[u8]], errno: i32) {
        // A full pipe whose reader does not read (a stalled log collector)
        // must not stop the init: a line that cannot be written at once is
        // dropped, never waited for.
        if level as u8 >= self.shown_below.get() || !sys::writable_now(sys::stderr()) {
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
        if !write_all(sys::stderr(), l.finish()) {
            self.shown_below.set(0);
        }
    }

    /// A message with up to two numeric arguments.
    pub fn say(&self, level: Level, msg: &str, args: [u32; 2]) {
        self.emit(level, msg, args, &[], 0);
    }

    /// `unable to WHAT: ERRNO TEXT`; `what` is a fixed text. The phrase is
    /// added here rather than repeated in every caller's string, and the
    /// function is not generic over the error type, so there is one copy.
    pub fn failed(&self, level: Level, what: &str, e: Error) {
        self.emit(level, msg!("unable to " {text what}), [0, 0], &[what.as_bytes()], e.0);
    }
}

/// Writes all of `bytes` to `fd`, giving up on the first error (a closed stderr
/// must never stop the init). False when the reader is gone (EPIPE).
pub fn write_all(fd: sys::BorrowedFd<'_>, mut bytes: &[u8]) -> bool {
    while !bytes.is_empty() {
        match sys::write(fd, bytes) {
            Err(Error(libc::EPIPE)) => return false,
            Ok(0) | Err(_) => break,
            Ok(n) => bytes = bytes.get(n..).unwrap_or(&[]),
        }
    }
    true
}
