//! Collecting dead children: drain every zombie, note the main child's end.

use nanoinit::status::Ended;
use rustix::io::Errno;
use rustix::process::{self, Pid, WaitId, WaitIdOptions, WaitOptions};

use crate::log::{Level, Log};

/// What a drain left behind.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Left {
    /// Some children are still running.
    Running,
    /// No child at all: every descendant is gone.
    Nothing,
}

/// Reaps children and remembers how the main one ended.
pub struct Reaper {
    /// The main child, while it has not been reaped.
    pub main: Option<Pid>,
    /// How the main child ended, once it has been reaped.
    pub ended: Option<Ended>,
    warn_others: bool,
    log: Log,
}

impl Reaper {
    /// A reaper watching `main` (none in pause mode).
    pub fn new(main: Option<Pid>, warn_others: bool, log: Log) -> Reaper {
        Reaper { main, ended: None, warn_others, log }
    }

    /// Whether the main child has exited but is not yet reaped (its pid, and so
    /// its process group, are still reserved).
    pub fn main_is_zombie(&self) -> bool {
        let Some(main) = self.main else { return false };
        let opts = WaitIdOptions::EXITED | WaitIdOptions::NOHANG | WaitIdOptions::NOWAIT;
        matches!(process::waitid(WaitId::Pid(main), opts), Ok(Some(_)))
    }

    /// Reaps every child that is dead now. SIGCHLDs coalesce, so this loops
    /// until the kernel says "none" rather than counting signals.
    pub fn drain(&mut self) -> Left {
        loop {
            match process::wait(WaitOptions::NOHANG) {
                Ok(Some((pid, status))) => self.reaped(pid, status.as_raw() as u32),
                Ok(None) => return Left::Running,
                Err(Errno::CHILD) => return Left::Nothing,
                Err(Errno::INTR) => continue,
                Err(e) => {
                    self.log.failed(Level::Error, "wait", e.into());
                    return Left::Running;
                }
            }
        }
    }

    // Chosen by scripts/inline-search.py.
    #[inline(never)]
    fn reaped(&mut self, pid: Pid, raw: u32) {
        let ended = Ended::from_wait_status(raw).unwrap_or(Ended::Exited(nanoinit::status::EXIT_INTERNAL));
        let is_main = self.main == Some(pid);
        if is_main {
            self.main = None;
            self.ended = Some(ended);
        }
        let level = if !is_main && self.warn_others { Level::Warn } else { Level::Info };
        let who: &[u8] = if is_main { b"main child" } else { b"process" };
        let (msg, how, core): (_, _, &[u8]) = match ended {
            Ended::Exited(c) => ("reaped \x03 \x01: exit code \x01", c, b""),
            Ended::Signaled { sig, core } => {
                ("reaped \x03 \x01: killed by \x02\x03", sig, if core { b" (core dumped)" } else { b"" })
            }
        };
        self.log.emit(level, msg, [pid.as_raw_pid() as u32, how.into()], &[who, core], 0);
    }
}
