//! From a wait status to the init's own exit code.

/// Exit code when the program could not be found (the shell's convention).
pub const EXIT_NOT_FOUND: u8 = 127;
/// Exit code when the program was found but could not be executed.
pub const EXIT_CANNOT_EXEC: u8 = 126;
/// Exit code for a command-line or environment error.
pub const EXIT_USAGE: u8 = 2;
/// Exit code when nanoinit itself failed before the program ran.
pub const EXIT_INTERNAL: u8 = 1;
/// Base added to a signal number for "killed by signal N", as sh does.
pub const SIGNAL_EXIT_BASE: u32 = 128;

/// The exit code for a program that could not be executed, as sh reports it:
/// 127 when it was not found, 126 when it was found but could not run
/// (EACCES, ENOEXEC, a directory, …).
// Chosen by scripts/inline-search.py.
#[inline(never)]
pub fn exec_failure_code(errno: i32) -> u8 {
    match errno {
        libc::ENOENT | libc::ENOTDIR | libc::ENAMETOOLONG => EXIT_NOT_FOUND,
        _ => EXIT_CANNOT_EXEC,
    }
}

/// How a reaped process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// `exit(code)`.
    Exited(u8),
    /// Killed by signal `sig`; `core` when it dumped core.
    Signaled { sig: u8, core: bool },
}

impl Ended {
    /// Decodes a raw `wait4` status. Stopped/continued statuses never come from a
    /// wait without `WUNTRACED`/`WCONTINUED`; they decode as `None`.
    pub fn from_wait_status(raw: u32) -> Option<Ended> {
        let low = raw & 0x7f;
        if low == 0 {
            Some(Ended::Exited(((raw >> 8) & 0xff) as u8))
        } else if low != 0x7f && raw & 0xffff_0000 == 0 && raw & 0xff00 == 0 {
            Some(Ended::Signaled { sig: low as u8, core: raw & 0x80 != 0 })
        } else {
            None
        }
    }

    /// Decodes what `waitid(WEXITED)` reports: `si_code` `CLD_EXITED` with the
    /// exit code, or `CLD_KILLED`/`CLD_DUMPED` with the signal (the only codes
    /// it gives for an ended child).
    pub fn from_siginfo(code: i32, status: i32) -> Ended {
        match code {
            libc::CLD_EXITED => Ended::Exited(status as u8),
            _ => Ended::Signaled { sig: status as u8, core: code == libc::CLD_DUMPED },
        }
    }

    /// The exit code a shell would report: the code, or 128+N, kept in 0..=255.
    pub fn shell_code(self) -> u8 {
        match self {
            Ended::Exited(c) => c,
            Ended::Signaled { sig, .. } => ((SIGNAL_EXIT_BASE + u32::from(sig)) % 256) as u8,
        }
    }
}

/// A set of exit codes 0..=255 that are reported as 0 (tini's `-e`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RemapSet([u64; 4]);

// `code / 64` is at most 3, so the indexing below cannot fail (no panic path).
impl RemapSet {
    /// Adds `code` to the set.
    pub fn insert(&mut self, code: u8) {
        self.0[usize::from(code / 64)] |= 1 << (code % 64);
    }
    /// Whether `code` is in the set.
    pub fn contains(&self, code: u8) -> bool {
        self.0[usize::from(code / 64)] & (1 << (code % 64)) != 0
    }
    /// `code`, or 0 when the user asked for it to count as success.
    pub fn apply(&self, code: u8) -> u8 {
        if self.contains(code) {
            0
        } else {
            code
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_the_libc_macros() {
        for code in 0..=255u32 {
            assert_eq!(Ended::from_wait_status(code << 8), Some(Ended::Exited(code as u8)));
        }
        for sig in 1..=64u32 {
            let raw = sig;
            let e = Ended::from_wait_status(raw).unwrap();
            assert_eq!(e, Ended::Signaled { sig: sig as u8, core: false });
            assert_eq!(u32::from(e.shell_code()), (128 + sig) % 256);
            let core = Ended::from_wait_status(raw | 0x80).unwrap();
            assert_eq!(core, Ended::Signaled { sig: sig as u8, core: true });
        }
        // Stopped by SIGTSTP, and continued: never an exit.
        assert_eq!(Ended::from_wait_status(0x147f), None);
        assert_eq!(Ended::from_wait_status(0xffff), None);
    }

    #[test]
    fn decodes_waitid_like_wait4() {
        assert_eq!(Ended::from_siginfo(libc::CLD_EXITED, 7), Ended::Exited(7));
        assert_eq!(Ended::from_siginfo(libc::CLD_EXITED, 255), Ended::Exited(255));
        assert_eq!(Ended::from_siginfo(libc::CLD_KILLED, 9), Ended::Signaled { sig: 9, core: false });
        assert_eq!(Ended::from_siginfo(libc::CLD_DUMPED, 11), Ended::Signaled { sig: 11, core: true });
        assert_eq!(Ended::from_siginfo(libc::CLD_KILLED, 64).shell_code(), 192);
    }

    #[test]
    fn exec_failures_map_like_sh() {
        assert_eq!(exec_failure_code(2), 127);
        assert_eq!(exec_failure_code(20), 127);
        assert_eq!(exec_failure_code(13), 126);
        assert_eq!(exec_failure_code(8), 126);
        assert_eq!(exec_failure_code(21), 126);
    }

    #[test]
    fn remap_every_code() {
        for code in 0..=255u8 {
            let mut only = RemapSet::default();
            only.insert(code);
            for other in 0..=255u8 {
                let want = if other == code { 0 } else { other };
                assert_eq!(only.apply(other), want);
            }
        }
    }
}
