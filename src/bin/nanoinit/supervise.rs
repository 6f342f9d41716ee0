//! The event loop: read what the signalfd has, feed it to the policy, reap,
//! and do what the policy asks. No timeout in the read: an idle init never
//! wakes up. The decisions live in [`nanoinit::policy`].

use nanoinit::msg;
use nanoinit::policy::{Event, Policy, Sink, To};
use nanoinit::signals::SIGSTOP;
use nanoinit::status::Ended;
use rustix::process::Pid;

use crate::log::{Level, Log};
use crate::sys::{self, Error, SigInfo, SignalBuf};
use crate::{reap, tree};

/// Runs the policy until it asks to exit; every failure is reported and the
/// loop goes on. Inlined into its one caller, the start-up (measured: -344 B
/// on ppc64le, -64 on amd64; the entry frame grew by 32 B).
#[inline(always)]
pub fn run(policy: &mut Policy<'_>, act: &mut Act, sfd: &sys::OwnedFd) -> ! {
    let mut buf: SignalBuf = [[0; sys::SIGINFO_SIZE]; sys::SIGNAL_BATCH];
    let mut failed_before = false;
    loop {
        let failed = match sys::read_signals(sys::borrow(sfd), &mut buf) {
            Ok(records) => {
                for rec in records {
                    let SigInfo { signo, pid, code } = SigInfo::from_record(rec);
                    policy.on(Event::Signal { signo, pid, code }, act);
                }
                false
            }
            Err(e) => {
                act.log.failed(Level::Error, "read signalfd", e);
                true
            }
        };
        // One failure may pass: read again at once. Twice in a row, the
        // signalfd is broken and the children's ends are all there is to
        // hear: wait for them rather than spin.
        let broken = failed && failed_before;
        if broken {
            policy.on(Event::ReadFailed, act);
        }
        failed_before = failed;
        // Whatever came: a SIGCHLD may wait behind the signals just read.
        reap::drain(policy, act, broken);
    }
}

/// Performs the policy's actions with system calls.
pub struct Act {
    /// Where messages go.
    pub log: Log,
    /// nanoinit's own pid.
    pub me: Pid,
}

impl Sink for Act {
    fn send(&mut self, to: To, sig: u8) {
        let (res, who, id): (_, &[u8], u32) = match to {
            // The policy names only pids the kernel gave us (never 0 or 1).
            To::Child(p) => (sys::kill_id(p as i32, sig), b"child ", p),
            To::Group(p) => (sys::kill_id(-(p as i32), sig), b"process group ", p),
            To::Descendants => (tree::signal_descendants(self.me, sig), b"all descendants", 0),
        };
        let (level, done, errno): (_, &[u8], _) = match res {
            Ok(()) => (Level::Info, b"forwarded", 0),
            // The target died since; its SIGCHLD is on its way.
            Err(Error(libc::ESRCH)) => return,
            Err(e) => (Level::Warn, b"unable to forward", e.0),
        };
        let msg = if id == 0 {
            msg!({text done} " " {sig sig} " to " {text target})
        } else {
            msg!({text done} " " {sig sig} " to " {text target} {num id})
        };
        self.log.emit(level, msg, [sig.into(), id], &[done, who], errno);
    }

    fn arm(&mut self, ms: u32) -> bool {
        let armed = sys::alarm_ms(ms);
        if let Err(e) = armed {
            self.log.failed(Level::Warn, "arm timer", e);
        }
        armed.is_ok()
    }

    fn stop_self(&mut self) {
        let _ = sys::kill(self.me, SIGSTOP);
    }

    #[inline(always)]
    fn note(&mut self, level: Level, msg: &'static str, arg: u32) {
        self.log.say(level, msg, [arg, 0]);
    }

    fn reaped(&mut self, level: Level, pid: u32, ended: Ended, main: bool) {
        let who: &[u8] = if main { b"main child" } else { b"process" };
        let (msg, how, core): (_, _, &[u8]) = match ended {
            Ended::Exited(c) => (msg!("reaped " {text who} " " {num pid} ": exit code " {num code}), c, b""),
            Ended::Signaled { sig, core } => (
                msg!("reaped " {text who} " " {num pid} ": killed by " {sig sig} {text core_dumped}),
                sig,
                if core { b" (core dumped)" } else { b"" },
            ),
        };
        self.log.emit(level, msg, [pid, how.into()], &[who, core], 0);
    }

    fn exit(&mut self, code: u8, why: &'static str) {
        self.log.emit(Level::Info, msg!("exit " {num code} ": " {text why}), [code.into(), 0], &[why.as_bytes()], 0);
        sys::exit(code)
    }
}
