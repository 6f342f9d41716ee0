//! The event loop: one blocking signalfd read at a time. SIGCHLD reaps, every
//! other signal is forwarded; it ends with the main child (and, by policy, the
//! rest of the tree). No timeout in the read: an idle init never wakes up.

use nanoinit::config::{Config, Session, Target};
use nanoinit::signals::{SigSet, SIGALRM, SIGCHLD, SIGINT, SIGKILL, SIGSTOP, SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU};
use nanoinit::status::EXIT_INTERNAL;
use rustix::fd::OwnedFd;
use rustix::process::Pid;

use crate::log::{Level, Log};
use crate::reap::{Left, Reaper};
use crate::sys::Error;
use crate::{sys, tree};

/// How long after SIGKILL nanoinit waits for the last descendants before it
/// exits anyway (a process in uninterruptible sleep can outlive any signal).
const KILL_WAIT_MS: u32 = 1000;

/// Where the run stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// The main child runs (or, in pause mode, nothing ever ends the run but TERM/INT).
    Running,
    /// The main child is gone; the rest got SIGTERM; waiting for them or the deadline.
    Grace,
    /// The grace period ended; the rest got SIGKILL.
    Killing,
    /// `--wait`: the main child is gone; waiting for every descendant.
    Waiting,
    /// Exit with `code`.
    Done,
}

/// The state the loop carries between signals.
pub struct Supervisor<'a> {
    cfg: &'a Config,
    log: Log,
    me: Pid,
    reaper: Reaper,
    phase: Phase,
    /// The code to exit with: the main child's (remapped) once it is known.
    code: u8,
    /// Signals to swallow once when they come in our own name: the SIGHUP and
    /// SIGCONT the kernel sends when we let go of the tty (dumb-init#136).
    ignore_once: SigSet,
    /// Whether our SIGALRM deadline is armed.
    deadline: bool,
    /// Whether the main child's group got its TERM already (setsid mode).
    group_termed: bool,
}

impl<'a> Supervisor<'a> {
    /// A supervisor for `main` (none in pause mode).
    pub fn new(cfg: &'a Config, log: Log, me: Pid, main: Option<Pid>, ignore_once: SigSet) -> Self {
        Supervisor {
            cfg,
            log,
            me,
            reaper: Reaper::new(main, cfg.warn_reap, log),
            phase: Phase::Running,
            code: 0,
            ignore_once,
            deadline: false,
            group_termed: false,
        }
    }

    /// Runs until the policy says exit; returns the exit code.
    // Chosen by scripts/inline-search.py.
    #[inline(never)]
    pub fn run(&mut self, sfd: &OwnedFd) -> u8 {
        loop {
            let info = match sys::read_signal(sys::borrow(sfd)) {
                Ok(info) => info,
                Err(e) => {
                    self.log.failed(Level::Error, "read signalfd", e);
                    return EXIT_INTERNAL;
                }
            };
            match info.signo {
                SIGCHLD => self.on_child_exit(),
                SIGALRM if info.code == sys::SI_KERNEL && self.deadline => self.on_deadline(),
                sig => self.on_signal(sig, info.pid),
            }
            if self.phase == Phase::Done {
                return self.code;
            }
        }
    }

    fn on_child_exit(&mut self) {
        if self.cfg.session == Session::Session && !self.group_termed && self.reaper.main_is_zombie() {
            // dumb-init's rule: the session's group gets SIGTERM when its leader
            // exits. Sent before the reap, while the zombie still holds the pid,
            // so the number cannot have been reused.
            self.group_termed = true;
            if let Some(main) = self.reaper.main {
                let sig = self.cfg.rewrite.map(SIGTERM);
                if sig != 0 {
                    self.send(Dest::Group(main), sig);
                }
            }
        }
        let left = self.reaper.drain();
        if self.phase == Phase::Running {
            if let Some(ended) = self.reaper.ended {
                self.code = self.cfg.remap.apply(ended.shell_code());
                self.main_exited(left);
            }
        } else if left == Left::Nothing {
            self.finish("all exited");
        }
    }

    /// The main child is gone: what to do with the rest of the tree.
    fn main_exited(&mut self, left: Left) {
        if left == Left::Nothing {
            self.finish("main child exited");
        } else if self.cfg.wait_all {
            self.log.say(Level::Info, "waiting for the rest", [0, 0]);
            self.phase = Phase::Waiting;
        } else if self.cfg.grace_ms > 0 {
            let msg = "TERM to the rest, KILL in \x01 ms";
            self.log.say(Level::Info, msg, [self.cfg.grace_ms, 0]);
            self.send(Dest::Descendants, SIGTERM);
            self.arm(self.cfg.grace_ms);
            self.phase = Phase::Grace;
        } else {
            self.finish("main child exited");
        }
    }

    fn on_deadline(&mut self) {
        self.deadline = false;
        match self.phase {
            Phase::Grace => {
                self.log.say(Level::Info, "grace over: KILL to the rest", [0, 0]);
                self.send(Dest::Descendants, SIGKILL);
                self.arm(KILL_WAIT_MS);
                self.phase = Phase::Killing;
            }
            Phase::Killing => {
                self.log.say(Level::Warn, "some outlived KILL", [0, 0]);
                self.phase = Phase::Done;
            }
            _ => {}
        }
    }

    fn on_signal(&mut self, sig: u8, sender: u32) {
        // Letting go of the tty as session leader makes the kernel send our
        // group SIGHUP and SIGCONT in our own name (si_pid = us, SI_USER);
        // nobody else can send a signal as us.
        if sender == self.me.as_raw_pid() as u32 && self.ignore_once.contains(sig) {
            self.ignore_once.remove(sig);
            return;
        }
        if self.cfg.program.is_none() {
            // Pause mode: no child to forward to.
            if sig == SIGTERM || sig == SIGINT {
                self.code = 0;
                self.finish("paused, got TERM/INT");
            }
            return;
        }
        let to = self.cfg.rewrite.map(sig);
        if to == 0 {
            self.log.say(Level::Info, "dropping \x02", [sig.into(), 0]);
            return;
        }
        let dest = match (self.phase, self.reaper.main, self.cfg.target) {
            (Phase::Running, Some(main), Target::Child) => Dest::Child(main),
            (Phase::Running, Some(main), Target::Group) => Dest::Group(main),
            _ => Dest::Descendants,
        };
        self.send(dest, to);
        if self.cfg.job_control && matches!(sig, SIGTSTP | SIGTTIN | SIGTTOU) && self.me != Pid::INIT {
            // Stop with the job, so the shell that sent the stop sees us stopped
            // (as namespace PID 1 the kernel would ignore this anyway).
            let _ = sys::kill(self.me, SIGSTOP);
        }
    }

    fn send(&self, dest: Dest, sig: u8) {
        let (res, who, id): (_, &[u8], u32) = match dest {
            Dest::Child(p) => (sys::kill(p, sig), b"child ", p.as_raw_pid() as u32),
            Dest::Group(p) => (sys::kill_group(p, sig), b"process group ", p.as_raw_pid() as u32),
            Dest::Descendants => (tree::signal_descendants(self.me, sig), b"all descendants", 0),
        };
        let args = [sig.into(), id];
        let (level, msg, errno) = match res {
            Ok(()) if id == 0 => (Level::Info, "forwarded \x02 to \x03", 0),
            Ok(()) => (Level::Info, "forwarded \x02 to \x03\x01", 0),
            // The target died since; its SIGCHLD is on its way.
            Err(Error(libc::ESRCH)) => return,
            Err(e) => (Level::Warn, "unable to forward \x02 to \x03", e.0),
        };
        self.log.emit(level, msg, args, &[who], errno);
    }

    fn arm(&mut self, ms: u32) {
        match sys::alarm_ms(ms) {
            Ok(()) => self.deadline = true,
            Err(e) => {
                // Without a timer there is no deadline: wait for the tree instead.
                self.log.failed(Level::Warn, "arm timer", e);
            }
        }
    }

    fn finish(&mut self, why: &str) {
        self.log.emit(Level::Info, "exit \x01: \x03", [self.code.into(), 0], &[why.as_bytes()], 0);
        self.phase = Phase::Done;
    }
}

/// Who a signal goes to.
#[derive(Clone, Copy)]
enum Dest {
    /// The main child (not yet reaped).
    Child(Pid),
    /// The main child's process group (its leader not yet reaped).
    Group(Pid),
    /// Every descendant of nanoinit.
    Descendants,
}
