//! The supervisor's decisions as a state machine: the binary's loop feeds in
//! what happened ([`Event`]) and performs what comes out through a [`Sink`].
//! Nothing here makes a system call, so every phase change is tested on the
//! host (tests/policy.rs); the actions go through a trait, not a list, so
//! nothing is stored between deciding and doing.
//!
//! Phases: the main child runs → it is reaped → the rest of the tree is either
//! gone (exit), waited for (`--wait`), or sent TERM, then KILL after the grace
//! period, then given [`KILL_WAIT_MS`] before nanoinit exits anyway.

use crate::config::{Config, Session, Target};
use crate::signals::{SIGALRM, SIGCHLD, SIGINT, SIGKILL, SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU};
use crate::status::{Ended, EXIT_INTERNAL};

/// `si_code` of a signal sent with kill(2), or by the kernel in the name of
/// the process that caused it (SIGPIPE from a write to a pipe with no reader).
pub const SI_USER: i32 = 0;
/// `si_code` of a signal the kernel sends on its own behalf (our timer's SIGALRM).
pub const SI_KERNEL: i32 = 0x80;
/// How long after SIGKILL nanoinit waits for the last descendants before it
/// exits anyway (a process in uninterruptible sleep can outlive any signal).
pub const KILL_WAIT_MS: u32 = 1000;
/// How soon a failed wait is tried again: a child that ended while the wait
/// failed sends no second SIGCHLD, so the timer makes the next event.
pub const WAIT_RETRY_MS: u32 = 100;
/// `Policy::main` once there is no main child: the kernel never gives out pid 0.
const NO_CHILD: u32 = 0;
/// nanoinit's pid as namespace init: the kernel ignores a stop it sends itself.
const INIT_PID: u32 = 1;

/// Something that happened, as the loop read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A signal from the signalfd: its number, the sender's pid and `si_code`.
    Signal { signo: u8, pid: u32, code: i32 },
    /// Child `pid` ended. Its zombie still holds the pid (and so its process
    /// group) while this event's actions run; the loop reaps it right after.
    Exited { pid: u32, ended: Ended },
    /// A reap found no more ended children; `left` is false when no child at all is left.
    Drained { left: bool },
    /// Waiting for children failed (the error is already reported).
    WaitFailed,
    /// Reading the signalfd failed twice in a row (the errors are already
    /// reported): no signal can be heard until a read works again.
    ReadFailed,
}

/// Who a signal goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum To {
    /// The main child (not yet reaped).
    Child(u32),
    /// The process group led by the main child (its leader not yet reaped).
    Group(u32),
    /// Every descendant of nanoinit.
    Descendants,
}

/// How much a note matters; the binary shows it when its verbosity is at least this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Always shown.
    Error = 0,
    /// Default verbosity.
    Warn = 1,
    /// `-v`: each forwarded signal, each reaped process, the exit reason.
    Info = 2,
}

/// What the policy asks of the binary. Messages are templates for
/// [`crate::line::Line::template`].
pub trait Sink {
    /// Sends `sig` to `to`.
    fn send(&mut self, to: To, sig: u8);
    /// Arms the one timer: a SIGALRM with `SI_KERNEL` after `ms`. False when
    /// it could not be armed: no SIGALRM will come.
    fn arm(&mut self, ms: u32) -> bool;
    /// Stops nanoinit itself (job control: the shell that sent a stop sees us stopped).
    fn stop_self(&mut self);
    /// Says `msg` with one numeric argument at `level`.
    fn note(&mut self, level: Level, msg: &'static str, arg: u32);
    /// Says that `pid` (the main child when `main`) was reaped and how it ended.
    fn reaped(&mut self, level: Level, pid: u32, ended: Ended, main: bool);
    /// Exits with `code`, saying `why` at info level. Nothing is asked after it.
    fn exit(&mut self, code: u8, why: &'static str);
}

/// Where the run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The main child runs (in pause mode: until TERM or INT).
    Running,
    /// The main child is gone; the rest got TERM; waiting for them or the deadline.
    Grace,
    /// The grace period ended; the rest got KILL.
    Killing,
    /// `--wait`: the main child is gone; waiting for every descendant.
    Waiting,
    /// Exit was asked.
    Done,
}

/// The supervisor's state between events.
pub struct Policy<'a> {
    cfg: &'a Config,
    /// nanoinit's own pid, as it sees itself.
    me: u32,
    /// The main child while it is not reaped; [`NO_CHILD`] once it is (or in
    /// pause mode).
    main: u32,
    /// The code to exit with: the main child's (remapped) once it is reaped.
    code: u8,
    phase: Phase,
}

impl<'a> Policy<'a> {
    /// A policy for nanoinit `me` supervising `main` (none in pause mode).
    pub fn new(cfg: &'a Config, me: u32, main: Option<u32>) -> Self {
        Policy { cfg, me, main: main.unwrap_or(NO_CHILD), code: 0, phase: Phase::Running }
    }

    /// Where the run stands.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Decides what `event` calls for and asks `sink` to do it. Inlined: each
    /// call in the binary's loop passes one kind of event, so the match folds
    /// away there and no event is built in memory.
    #[inline(always)]
    pub fn on(&mut self, event: Event, sink: &mut impl Sink) {
        if self.phase == Phase::Done {
            return;
        }
        match event {
            Event::Signal { signo, pid, code } => self.signal(signo, pid, code, sink),
            Event::Exited { pid, ended } => self.exited(pid, ended, sink),
            Event::Drained { left } => self.drained(left, sink),
            Event::WaitFailed => {
                // In Grace and Killing the deadline is armed already; it is the next event.
                if matches!(self.phase, Phase::Running | Phase::Waiting) {
                    sink.arm(WAIT_RETRY_MS);
                }
            }
            Event::ReadFailed => {
                // The loop goes on waiting for children instead, but pause mode
                // has nothing to wait for and can no longer hear its TERM, and
                // the grace deadline comes as a signal too: KILL now, not never.
                if self.cfg.program.is_none() {
                    self.finish(EXIT_INTERNAL, "cannot hear signals", sink);
                } else if self.phase == Phase::Grace {
                    self.deadline(sink);
                }
            }
        }
    }

    fn signal(&mut self, sig: u8, sender: u32, code: i32, sink: &mut impl Sink) {
        if sig == SIGCHLD {
            // Never forwarded: the loop reaps after every read, whatever came.
            return;
        }
        if sig == SIGALRM && code == SI_KERNEL {
            // Only our own timer makes the kernel send SIGALRM as SI_KERNEL.
            return self.deadline(sink);
        }
        // nanoinit's own doing: SIGPIPE from a log write nobody reads, SIGHUP
        // and SIGCONT from letting go of the tty. Another process cannot send
        // SI_USER or SI_KERNEL with our pid (rt_sigqueueinfo refuses si_code
        // >= 0 when not sent to oneself), so this is never someone else's.
        if sender == self.me && (code == SI_USER || code == SI_KERNEL) {
            return;
        }
        if self.cfg.program.is_none() {
            // Pause mode: no child to forward to.
            if sig == SIGTERM || sig == SIGINT {
                self.finish(0, "paused, got TERM/INT", sink);
            }
            return;
        }
        let to = self.cfg.rewrite.map(sig);
        if to == 0 {
            sink.note(Level::Info, crate::msg!("dropping " {sig sig}), sig.into());
        } else {
            let main = self.main;
            let dest = match (self.phase, self.cfg.target) {
                (Phase::Running, Target::Child) if main != NO_CHILD => To::Child(main),
                (Phase::Running, Target::Group) if main != NO_CHILD => To::Group(main),
                _ => To::Descendants,
            };
            sink.send(dest, to);
        }
        // dumb-init stops itself after any of these, rewritten or dropped, with
        // or without setsid; as namespace PID 1 the kernel would ignore it.
        if self.cfg.job_control && matches!(sig, SIGTSTP | SIGTTIN | SIGTTOU) && self.me != INIT_PID {
            sink.stop_self();
        }
    }

    fn exited(&mut self, pid: u32, ended: Ended, sink: &mut impl Sink) {
        let main = self.main == pid;
        if main {
            if self.cfg.session == Session::Session {
                // dumb-init's rule: the session's group gets TERM when its
                // leader exits. The zombie still holds the pid, so the group
                // number cannot have been reused.
                let sig = self.cfg.rewrite.map(SIGTERM);
                if sig != 0 {
                    sink.send(To::Group(pid), sig);
                }
            }
            self.main = NO_CHILD;
            self.code = self.cfg.remap.apply(ended.shell_code());
        }
        let level = if !main && self.cfg.warn_reap { Level::Warn } else { Level::Info };
        sink.reaped(level, pid, ended, main);
    }

    fn drained(&mut self, left: bool, sink: &mut impl Sink) {
        match self.phase {
            Phase::Running if self.main == NO_CHILD && self.cfg.program.is_some() => self.main_exited(left, sink),
            Phase::Grace | Phase::Killing | Phase::Waiting if !left => self.finish(self.code, "all exited", sink),
            _ => {}
        }
    }

    /// The main child is gone: what to do with the rest of the tree.
    fn main_exited(&mut self, left: bool, sink: &mut impl Sink) {
        if left && self.cfg.wait_all {
            sink.note(Level::Info, "waiting for the rest", 0);
            self.phase = Phase::Waiting;
        } else if left && self.cfg.grace_ms > 0 {
            sink.note(Level::Info, crate::msg!("TERM to the rest, KILL in " {num grace_ms} " ms"), self.cfg.grace_ms);
            sink.send(To::Descendants, SIGTERM);
            self.phase = Phase::Grace;
            if !sink.arm(self.cfg.grace_ms) {
                // No timer, no end to the grace: a process that ignores TERM
                // would keep us waiting forever (the fault matrix's failed
                // setitimer, issue 12). The grace is cut short instead.
                self.deadline(sink);
            }
        } else {
            self.finish(self.code, "main child exited", sink);
        }
    }

    fn deadline(&mut self, sink: &mut impl Sink) {
        match self.phase {
            Phase::Grace => {
                sink.note(Level::Info, "grace over: KILL to the rest", 0);
                sink.send(To::Descendants, SIGKILL);
                sink.arm(KILL_WAIT_MS);
                self.phase = Phase::Killing;
            }
            Phase::Killing => {
                sink.note(Level::Warn, "some outlived KILL", 0);
                self.finish(self.code, "gave up waiting", sink);
            }
            // A wait retry: the loop reaps after every read.
            _ => {}
        }
    }

    fn finish(&mut self, code: u8, why: &'static str, sink: &mut impl Sink) {
        self.phase = Phase::Done;
        sink.exit(code, why);
    }
}
