//! Fault injection (issue 12): every system call nanoinit makes fails once,
//! at its first and at its second use, with each plausible errno, through
//! `strace -f --inject=CALL:error=ERRNO:when=N`, nanoinit as a plain process
//! and as PID 1. Every run must end in bounded time with the program's exit
//! code, or with one `nanoinit: …` line saying why (exit 1; 126/127 with
//! "cannot run" when it was the program's execve that failed): never a hang,
//! never a silent exit.
//!
//! The calls come from an strace of a normal run, so the list stays true as
//! the code changes. `close` is left out: strace fails a call by skipping it,
//! so a "failed" close would leave the fd open, which Linux never does (close
//! releases the fd even when it reports an error).
//!
//! The program is a static one whose exit code no fault can change
//! (`strace::exit_program`), so a code other than its own comes from nanoinit.
//! Skipped when strace or binutils is missing. About 300 runs, two at a time.

mod common;
mod strace;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::process::CommandExt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use common::{Mode, TempDir, MODES};
use strace::PROGRAM_CODE;

/// The errnos each call fails with: transient, resource, permission, bad
/// argument, missing call, bad fd, I/O.
const ERRNOS: [&str; 9] = ["EINTR", "EAGAIN", "ENOMEM", "EMFILE", "EPERM", "EINVAL", "ENOSYS", "EBADF", "EIO"];
/// Which use of a call fails.
const WHENS: [usize; 2] = [1, 2];
/// Calls never failed (see the module comment).
const LEFT_OUT: [&str; 1] = ["close"];
/// A run that takes longer hangs (a normal one takes well under a second).
const RUN_DEADLINE: Duration = Duration::from_secs(10);
/// Runs at a time (the machine has 2 cores).
const WORKERS: usize = 2;

/// Starts nanoinit with SIGPIPE ignored, as a careless parent leaves it, so
/// the disposition reset (rt_sigaction) is one of the calls made.
fn ignore_pipe(cmd: &mut std::process::Command) {
    // SAFETY: signal(2) is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGPIPE, libc::SIG_IGN);
            Ok(())
        });
    }
}

/// Each call nanoinit makes in a normal run, with its most uses by one process
/// (nanoinit, or its child before the program's execve).
fn calls_made(mode: Mode, st: &str, dir: &TempDir, prog: &str) -> BTreeMap<String, usize> {
    let log = dir.join(&format!("reference-{mode:?}.log"));
    let mut l = strace::launch(mode, st, dir, &log, &[], &["--", prog]).expect("launch");
    ignore_pipe(&mut l.cmd);
    let r = l.run(dir, "reference", common::DEADLINE);
    assert_eq!(r.code, Some(PROGRAM_CODE), "{mode:?}: a normal run: {}", r.stderr);
    let text = fs::read_to_string(&log).unwrap();
    let t = strace::trace(&text, prog).expect("no execve of the program in the log");
    let mut per: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (pid, name) in t.all {
        *per.entry((pid, name)).or_default() += 1;
    }
    let mut most: BTreeMap<String, usize> = BTreeMap::new();
    for ((_, name), n) in per {
        if !LEFT_OUT.contains(&name.as_str()) {
            let m = most.entry(name).or_default();
            *m = (*m).max(n);
        }
    }
    most
}

/// One run of the matrix.
struct Case {
    mode: Mode,
    call: String,
    when: usize,
    errno: &'static str,
}

/// Why a run's outcome is wrong, if it is.
fn judge(code: Option<i32>, stderr: &str) -> Option<String> {
    let Some(code) = code else { return Some("hung".into()) };
    if code == PROGRAM_CODE {
        return None;
    }
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("nanoinit: ")).collect();
    let said_why = lines.len() == 1
        && match code {
            1 => true,
            126 | 127 => lines[0].contains("cannot run"),
            _ => false,
        };
    (!said_why).then(|| format!("exit {code} with {} nanoinit line(s)", lines.len()))
}

#[test]
fn every_system_call_failing_once_ends_with_an_answer() {
    let Some(st) = strace::strace() else { return };
    let dir = TempDir::new("faults");
    let Some(prog) = strace::exit_program(&dir) else { return };
    let mut cases = Vec::new();
    for mode in MODES {
        let calls = calls_made(mode, &st, &dir, &prog);
        eprintln!("{mode:?}: {} calls: {calls:?}", calls.len());
        assert!(calls.contains_key("signalfd4") && calls.contains_key("waitid"), "{calls:?}");
        for (call, &uses) in &calls {
            for when in WHENS.into_iter().filter(|&w| w <= uses) {
                for errno in ERRNOS {
                    cases.push(Case { mode, call: call.clone(), when, errno });
                }
            }
        }
    }
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let warned = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..WORKERS {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(c) = cases.get(i) else { break };
                let inject = format!("--inject={}:error={}:when={}", c.call, c.errno, c.when);
                let once = || {
                    let injects = std::slice::from_ref(&inject);
                    let mut l = strace::launch(c.mode, &st, &dir, "/dev/null", injects, &["--", &prog]).unwrap();
                    ignore_pipe(&mut l.cmd);
                    l.run(&dir, &format!("case{i}"), RUN_DEADLINE)
                };
                let mut r = once();
                if let Some(why) = r.harness {
                    // Not nanoinit's doing (a loaded machine): once more.
                    eprintln!("{:?} {inject}: {why}; again", c.mode);
                    r = once();
                }
                if r.code == Some(PROGRAM_CODE) && !r.stderr.is_empty() {
                    warned.fetch_add(1, Ordering::Relaxed);
                }
                if std::env::var_os("FAULTS_SHOW").is_some() {
                    eprintln!("{:?} {inject}: {:?} {:?}", c.mode, r.code, r.stderr);
                }
                if let Some(why) = r.harness.map(String::from).or_else(|| judge(r.code, &r.stderr)) {
                    failures.lock().unwrap().push(format!("{:?} {inject}: {why}; stderr: {:?}", c.mode, r.stderr));
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    eprintln!(
        "fault matrix: {} runs ({} with the program's code and a warning) in {:.1} s; {} wrong",
        cases.len(),
        warned.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64(),
        failures.len()
    );
    assert!(failures.is_empty(), "{} of {} runs:\n{}", failures.len(), cases.len(), failures.join("\n"));
}
