//! The drop-in interface, run for real: every option and environment variable
//! in each personality (argv[0] = nanoinit, tini, dumb-init, ...), as PID 1 of a
//! fresh PID namespace and as a subreaper. Workloads are small perl/sh scripts
//! that log what they receive to a file; every wait polls with a deadline.
// Table-driven tests spell their row types inline, next to the rows.
#![allow(clippy::type_complexity)]
#[path = "../common/mod.rs"]
mod common;
use common::*;

use std::cell::RefCell;
use std::fs;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::Duration;

const VERSION: &str = env!("CARGO_PKG_VERSION");
const HINT: &str = "Try 'nanoinit --help'.\n";

/// A signal catcher: `perl catcher.pl LOG TAG QUIT SIG...`. Logs `TAG:ready:PID`
/// once its handlers are set, `TAG:SIG` for each SIG caught, and `TAG:exit` when
/// it ends after a QUIT signal (`A,B`: either; `-`: never; `...+slow`: half a
/// second after). `!SIG`
/// ignores SIG. Signals by name (`USR1`) or number (`37`).
const CATCHER: &str = r#"
use strict; use warnings; use Config;
my ($log, $tag, $quit, @sigs) = @ARGV;
my @names = split ' ', $Config{sig_name};
sub name { my $s = shift; $s =~ /^\d+$/ ? $names[$s] : $s }
sub note { open(my $f, '>>', $log) or die "$log: $!"; print $f "$tag:$_[0]\n"; close $f }
my $done = 0;
my $slow = ($quit =~ s/\+slow$//);
for my $s (@sigs) {
    if ($s =~ s/^!//) { $SIG{name($s)} = 'IGNORE' } else { my $n = $s; $SIG{name($s)} = sub { note($n) } }
}
for my $q (split /,/, $quit) { next if $q eq '-'; $SIG{name($q)} = sub { note($q); $done = 1 } }
note("ready:$$");
while (!$done) { select(undef, undef, undef, 0.1) }
select(undef, undef, undef, 0.5) if $slow;
note("exit");
"#;

/// One test's workspace: a scratch dir with the catcher, a shared log, and
/// personality symlinks. Catchers it started as a subreaper's descendants are
/// SIGKILLed on drop (their pids are host pids only then).
struct Lab {
    dir: TempDir,
    mode: Mode,
    log: String,
    catcher: String,
    /// Every catcher pid seen ready.
    seen: RefCell<Vec<i32>>,
}

impl Lab {
    fn new(tag: &str, mode: Mode) -> Lab {
        let dir = TempDir::new(tag);
        let log = dir.join("log");
        let catcher = dir.join("catcher.pl");
        fs::write(&catcher, CATCHER).unwrap();
        fs::write(&log, "").unwrap();
        Lab { dir, mode, log, catcher, seen: RefCell::new(Vec::new()) }
    }

    /// Shell words running a catcher.
    fn catch(&self, tag: &str, quit: &str, sigs: &str) -> String {
        format!("perl {} {} {tag} {quit} {sigs}", self.catcher, self.log)
    }

    /// The init command: `exe` is a personality name (`nanoinit`, `tini`, ...).
    fn cmd(&self, exe: &str, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut c = command_as(self.mode, &self.dir.personality(exe), args);
        c.envs(env.iter().copied());
        c.current_dir(&self.dir.0);
        c
    }

    fn start(&self, exe: &str, args: &[&str], env: &[(&str, &str)]) -> Init {
        Init::start_ready(self.cmd(exe, args, env), self.mode)
    }

    fn run(&self, exe: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
        Init::start(self.cmd(exe, args, env), self.mode).wait()
    }

    fn lines(&self) -> Vec<String> {
        fs::read_to_string(&self.log).unwrap_or_default().lines().map(str::to_string).collect()
    }

    fn has(&self, line: &str) -> bool {
        self.lines().iter().any(|l| l == line)
    }

    /// Waits for `line` in the log; false on timeout.
    fn wait_line(&self, line: &str) -> bool {
        poll(DEADLINE, || self.has(line).then_some(())).is_some()
    }

    /// Waits for `TAG:ready:PID` and returns PID (as the catcher sees it).
    fn ready(&self, tag: &str) -> i32 {
        let prefix = format!("{tag}:ready:");
        let pid = poll(DEADLINE, || self.lines().iter().find_map(|l| l.strip_prefix(&prefix)?.parse().ok()))
            .unwrap_or_else(|| panic!("{tag} never got ready; log: {:?}", self.lines()));
        self.seen.borrow_mut().push(pid);
        pid
    }

    /// SIGKILLs the catchers seen so far, in subreaper mode (host pids), if
    /// they still run the catcher.
    fn kill_catchers(&self) {
        if self.mode != Mode::Subreaper {
            return;
        }
        let mut pids = self.seen.borrow().clone();
        pids.extend(self.lines().iter().filter_map(|l| l.split(":ready:").nth(1)?.parse::<i32>().ok()));
        for pid in pids {
            if proc_file(pid, "cmdline").contains(&self.catcher) {
                // SAFETY: kill takes plain integers; the pid runs this lab's catcher.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
            }
        }
    }

    /// Asserts `line` shows up in the log.
    fn expect(&self, line: &str) {
        assert!(self.wait_line(line), "{:?}: no {line:?} in {:?}", self.mode, self.lines());
    }

    /// Asserts `line` is not in the log after a short settle time.
    fn expect_not(&self, line: &str) {
        std::thread::sleep(Duration::from_millis(300));
        assert!(!self.has(line), "{:?}: unexpected {line:?} in {:?}", self.mode, self.lines());
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        self.kill_catchers();
    }
}

fn lines_of(s: &str) -> Vec<&str> {
    s.lines().collect()
}

fn has_line(s: &str, line: &str) -> bool {
    s.lines().any(|l| l == line)
}

/// `sh` that starts catcher `gc` in the background (same process group) and
/// then execs catcher `main`.
fn main_and_grandchild(lab: &Lab, main: (&str, &str), gc: (&str, &str)) -> String {
    format!("{} & exec {}", lab.catch("gc", gc.0, gc.1), lab.catch("main", main.0, main.1))
}

/// Waits until `pid` is stopped (state T) or no longer stopped; false on timeout.
fn wait_state(pid: i32, stopped: bool) -> bool {
    poll(DEADLINE, || ((state(pid) == Some('T')) == stopped).then_some(())).is_some()
}

mod grace;
mod job_control;
mod pause;
mod pdeathsig;
mod pty;
mod remap;
mod rewrite;
mod setsid;
mod targets;
mod trace;
mod usage;
