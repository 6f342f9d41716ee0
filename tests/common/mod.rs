//! Shared test harness: runs the built nanoinit as PID 1 of a new PID
//! namespace (`unshare --pid --fork --mount-proc`) or as a plain process (a
//! subreaper), with a deadline on everything and cleanup of only what it started.
//!
//! - [`init`]: starting an init, waiting for it, cleaning up what it started;
//! - [`proc`]: reading `/proc` (stat, status, fds, the process tree);
//! - [`files`]: temporary directories, files and programs on PATH.
//!
//! Everything is re-exported here, so a test reads `common::name` (or `use common::*`).
// Each test binary compiles this module and uses only a part of it.
#![allow(dead_code)]

pub mod files;
pub mod init;
pub mod proc;

pub use files::*;
pub use init::*;
pub use proc::*;

use std::thread;
use std::time::{Duration, Instant};

/// Default deadline for one run, and for each wait on a condition.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// Polls `f` every few ms until it returns Some or `within` passes.
pub fn poll<T>(within: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let end = Instant::now() + within;
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() > end {
            return None;
        }
        thread::sleep(Duration::from_millis(2));
    }
}

/// Spins (yielding) until `f` holds, at most `within`; whether it did. For
/// states too short-lived for [`poll`]'s sleeps (a stop the next step undoes).
pub fn spin_until(within: Duration, mut f: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + within;
    while !f() {
        if Instant::now() > end {
            return false;
        }
        thread::yield_now();
    }
    true
}

/// Lines of `text` that start with `prefix`.
pub fn count_lines(text: &str, prefix: &str) -> usize {
    text.lines().filter(|l| l.starts_with(prefix)).count()
}

/// Whether we are root (the PID-namespace tests need it).
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}
