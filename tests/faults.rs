//! Fault injection (issue 12): every system call nanoinit makes fails once,
//! at its first and at its second use, with each plausible errno, through
//! `strace --inject=CALL:error=ERRNO:when=N`, nanoinit as a plain process and
//! as PID 1. Every run must end in bounded time with the program's exit code,
//! or with one `nanoinit: …` line saying why (exit 1; 126/127 with "cannot
//! run" when it was the program's execve that failed): never a hang, never a
//! silent exit, never a program left running without a word, and never a
//! line with a placeholder left empty.
//!
//! A default run does not make every call nanoinit can make, so the matrix
//! runs over scenarios ([`SCENARIOS`]), each taking a path of its own: a
//! forwarded signal with `-v` logging, `--grace` with a TERM-ignoring
//! leftover (PID 1's `kill(-1)`; a subreaper's pass over `/proc` with pidfds,
//! and without them as before Linux 5.3), `--wait`, `-P` ended by TERM,
//! `--setsid`, and dumb-init's job control (a forwarded TSTP, nanoinit
//! stopping itself, a CONT). Each scenario's calls come from an strace of its
//! normal run, so the lists stay true as the code changes. The setsid scenario
//! fails every call, as the default one does; the others fail only the calls
//! of their own part of the run (from the event loop, or from the grace
//! period's first signal), at their first and second use there: what comes
//! before is the default scenario's, already covered.
//!
//! Left out: `close`, because strace fails a call by skipping it, so a
//! "failed" close would leave the fd open, which Linux never does (close
//! releases the fd even when it reports an error); and `exit_group` past the
//! default scenario, because it is every run's last call, the same code in
//! every scenario, and nothing of a scenario happens after it.
//!
//! The default and setsid scenarios run a static program whose exit code no
//! fault can change (`strace::exit_program`) and follow it (`-f`) to fail the
//! child's calls before its execve too. The others trace nanoinit alone, so
//! their programs (shell scripts) are never failed: a code other than theirs
//! comes from nanoinit. Skipped when strace or binutils is missing.
//!
//! About 1,180 runs, two at a time, in about 2.5 minutes (a grace run takes a
//! second: its leftover ignores TERM). `FAULTS_ONLY=TEXT` runs the scenarios
//! whose name holds TEXT; `FAULTS_SHOW=1` prints every run's outcome.

mod common;
mod strace;

use std::collections::{BTreeMap, BTreeSet};
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
/// Calls that can fail in fewer ways, with the errnos of [`ERRNOS`] they
/// can return; the others are impossible, as the kernel's code for them has
/// no other exit: `setitimer` checks its arguments (EINVAL; EFAULT for a bad
/// pointer) and neither blocks, allocates nor takes an fd; `kill` looks the
/// target up and checks permission (EINVAL, EPERM; ESRCH) and neither blocks,
/// allocates nor takes an fd. ESRCH is no fault to inject: nanoinit reads it,
/// rightly, as "the target is gone", which a live program is not.
const ONLY_ERRNOS: [(&str, &[&str]); 2] = [("setitimer", &["EINVAL"]), ("kill", &["EINVAL", "EPERM"])];
/// Which uses of a call fail, counted from where the scenario's part begins.
const WHENS: [usize; 2] = [1, 2];
/// Calls never failed (see the module comment).
const LEFT_OUT: [&str; 1] = ["close"];
/// Calls failed in the default scenario only (see the module comment).
const DEFAULT_ONLY: [&str; 1] = ["exit_group"];
/// A run that takes longer hangs (a normal one takes well under two seconds).
const RUN_DEADLINE: Duration = Duration::from_secs(10);
/// Runs at a time (the machine has 2 cores).
const WORKERS: usize = 2;
/// The environment variable naming a run's file: its programs' readiness
/// flag, and the mark by which the test finds what a run left running.
const RUN_VAR: &str = "NANOINIT_FAULT_RUN";

/// What nanoinit runs.
#[derive(Clone, Copy)]
enum Program {
    /// `strace::exit_program`, followed with `-f`.
    Exit7,
    /// [`usr1_program`]: asks for a USR1 and exits 5 when it gets it (6 after
    /// 4 s without it: time enough on a loaded machine).
    Usr1,
    /// `sh -c SCRIPT`.
    Sh(&'static str),
    /// Pause mode (`-P`): no program.
    Pause,
}

/// Where a scenario's own part of the run begins: its calls are failed from there.
#[derive(Clone, Copy)]
enum From {
    /// nanoinit's first call (its child's, before its execve, included).
    Start,
    /// The event loop: the first read of the signalfd.
    Loop,
    /// The first call of nanoinit's whose strace line starts so.
    At(&'static str),
}

/// One path through nanoinit, with what its runs must end with.
#[derive(Clone, Copy)]
struct Scenario {
    name: &'static str,
    modes: &'static [Mode],
    flags: &'static [&'static str],
    program: Program,
    /// Faults in every run of the scenario, the normal one included.
    always: &'static [&'static str],
    from: From,
    /// Only these calls are failed (empty: every call from `from` on).
    only: &'static [&'static str],
    /// Calls the normal run must make (so the scenario took its path).
    needs: &'static [&'static str],
    /// A signal the test sends nanoinit once it blocks signals.
    send: Option<i32>,
    /// Right exit codes, each with a text stderr must then hold.
    codes: &'static [(i32, &'static str)],
}

/// A TERM-ignoring grandchild left behind when the main child (the script)
/// exits 3; it is ready (TERM ignored) before the script exits.
const LEFTOVER: &str = "sh -c 'trap \"\" TERM; echo $$ > \"$NANOINIT_FAULT_RUN\"; exec sleep 30' & \
                        while [ ! -s \"$NANOINIT_FAULT_RUN\" ]; do sleep 0.01; done; exit 3";

/// Job control as dumb-init does it (`--setsid`): the script sends nanoinit
/// TSTP; nanoinit forwards it to the script's group (whose trap notes it) and
/// stops itself; a helper CONTs nanoinit until the forwarded CONT reaches the
/// script. Each wait is bounded (2 s), so a forward a fault lost ends in the
/// script's exit 3 all the same.
const JOB_CONTROL: &str = r#"F=$NANOINIT_FAULT_RUN
trap ': > "$F.tstp"' TSTP
trap ': > "$F.cont"' CONT
n=$PPID
(
    trap '' TSTP
    i=0; while [ ! -e "$F.tstp" ] && [ $i -lt 200 ]; do sleep 0.01; i=$((i + 1)); done
    i=0; while [ ! -e "$F.cont" ] && [ $i -lt 200 ]; do kill -CONT $n; sleep 0.01; i=$((i + 1)); done
) &
h=$!
kill -TSTP $n
while kill -0 $h 2>/dev/null; do wait $h; done
exit 3"#;

const SCENARIOS: [Scenario; 9] = [
    Scenario {
        name: "default",
        modes: &MODES,
        flags: &[],
        program: Program::Exit7,
        always: &[],
        from: From::Start,
        only: &[],
        needs: &["signalfd4", "waitid"],
        send: None,
        codes: &[(PROGRAM_CODE, "")],
    },
    Scenario {
        name: "setsid, pdeathsig",
        modes: &MODES,
        flags: &["--setsid", "-p", "TERM"],
        program: Program::Exit7,
        always: &[],
        from: From::Start,
        only: &[],
        needs: &["setsid", "ioctl", "kill", "prctl"],
        send: None,
        codes: &[(PROGRAM_CODE, "")],
    },
    Scenario {
        name: "forward -v",
        modes: &MODES,
        flags: &["-v"],
        program: Program::Usr1,
        always: &[],
        from: From::Loop,
        only: &[],
        needs: &["kill", "write", "read"],
        send: None,
        codes: &[(5, ""), (6, "unable to forward")],
    },
    Scenario {
        name: "pause",
        modes: &MODES,
        flags: &["-P"],
        program: Program::Pause,
        always: &[],
        from: From::Loop,
        only: &[],
        needs: &["read"],
        send: Some(libc::SIGTERM),
        codes: &[(0, "")],
    },
    Scenario {
        name: "wait",
        modes: &MODES,
        flags: &["--wait"],
        program: Program::Sh("sleep 0.3 & exit 3"),
        always: &[],
        from: From::Loop,
        only: &[],
        needs: &["waitid"],
        send: None,
        codes: &[(3, "")],
    },
    Scenario {
        name: "grace as PID 1",
        modes: &[Mode::Pid1],
        flags: &["--grace", "1"],
        program: Program::Sh(LEFTOVER),
        always: &[],
        from: From::At("kill(-1, SIGTERM"),
        only: &[],
        needs: &["kill", "setitimer"],
        send: None,
        codes: &[(3, "")],
    },
    Scenario {
        name: "grace as subreaper",
        modes: &[Mode::Subreaper],
        flags: &["--grace", "1"],
        program: Program::Sh(LEFTOVER),
        always: &[],
        from: From::At("openat(AT_FDCWD, \"/proc\","),
        only: &[],
        needs: &["getdents64", "pidfd_open", "pidfd_send_signal", "setitimer"],
        send: None,
        codes: &[(3, "")],
    },
    Scenario {
        // As namespace PID 1 nanoinit cannot stop itself (the kernel ignores
        // it), so the path is a subreaper's.
        name: "job control (--setsid)",
        modes: &[Mode::Subreaper],
        // TSTP stays TSTP: setsid mode rewrites it to STOP by default (as
        // dumb-init does), which would stop the script and its helper too.
        flags: &["--setsid", "--rewrite", "20:20"],
        program: Program::Sh(JOB_CONTROL),
        always: &[],
        from: From::At("kill(-"),
        only: &[],
        needs: &["kill"],
        send: None,
        codes: &[(3, "")],
    },
    Scenario {
        // A kernel before 5.3: the subreaper signals by number.
        name: "grace as subreaper, no pidfds",
        modes: &[Mode::Subreaper],
        flags: &["--grace", "1"],
        program: Program::Sh(LEFTOVER),
        always: &["--inject=pidfd_open:error=ENOSYS"],
        from: From::At("openat(AT_FDCWD, \"/proc\","),
        only: &["kill"],
        needs: &["kill"],
        send: None,
        codes: &[(3, "")],
    },
];

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

/// Blocks USR1, sends it to its parent (nanoinit, which forwards it back),
/// and waits up to 4 s for it: exit 5 when it came, 6 when not.
fn usr1_program(dir: &TempDir) -> Option<String> {
    strace::assemble(
        dir,
        "usr1",
        "    .globl _start\n_start:\n\
             mov $14, %eax\n    xor %edi, %edi\n    lea set(%rip), %rsi\n    xor %edx, %edx\n    mov $8, %r10d\n    syscall\n\
             mov $110, %eax\n    syscall\n\
             mov %eax, %edi\n    mov $10, %esi\n    mov $62, %eax\n    syscall\n\
             mov $128, %eax\n    lea set(%rip), %rdi\n    xor %esi, %esi\n    lea ts(%rip), %rdx\n    mov $8, %r10d\n    syscall\n\
             mov $6, %edi\n    cmp $10, %eax\n    jne 1f\n    mov $5, %edi\n\
         1:  mov $231, %eax\n    syscall\n    jmp 1b\n\
             .data\nset: .quad 512\nts: .quad 4, 0\n",
    )
}

/// Everything a scenario's runs share.
struct Setup<'a> {
    s: &'a Scenario,
    st: &'a str,
    dir: &'a TempDir,
    prog: Vec<String>,
}

impl Setup<'_> {
    fn follow(&self) -> bool {
        matches!(self.s.program, Program::Exit7)
    }

    /// One run: `injects` failed, strace's log to `log`; what it left running
    /// (as a subreaper) is killed and counted.
    fn run(&self, mode: Mode, tag: &str, log: &str, injects: &[String]) -> (strace::Run, usize) {
        let mut extra: Vec<String> = self.s.always.iter().map(|a| a.to_string()).collect();
        extra.extend_from_slice(injects);
        let mut args: Vec<&str> = self.s.flags.to_vec();
        if !self.prog.is_empty() {
            args.push("--");
            args.extend(self.prog.iter().map(String::as_str));
        }
        let mut l = strace::launch_following(mode, self.st, self.dir, log, self.follow(), &extra, &args).unwrap();
        ignore_pipe(&mut l.cmd);
        let mark = self.dir.join(&format!("{tag}.run"));
        let _ = fs::remove_file(&mark);
        l.cmd.env(RUN_VAR, &mark);
        let send = self.s.send.map(|sig| {
            move |started: i32| {
                // To nanoinit (the started process's child) once it blocks the
                // signal: before, it would kill a plain process.
                let bit = 1u64 << (sig - 1);
                let ready = || {
                    if common::state(started).is_none_or(|s| s == 'Z') {
                        // It ended first (a fault ended nanoinit early): nobody to send to.
                        return Some(None);
                    }
                    let nanoinit = common::children(started).into_iter().find(|&pid| {
                        let exe = fs::read_link(format!("/proc/{pid}/exe")).ok();
                        exe.is_some_and(|e| e.to_str() == Some(common::bin()))
                            && common::sig_mask(pid, "SigBlk").is_some_and(|m| m & bit != 0)
                    });
                    nanoinit.map(Some)
                };
                if let Some(Some(pid)) = common::poll(RUN_DEADLINE, ready) {
                    // SAFETY: kill(2) takes plain integers; `pid` is this run's nanoinit.
                    unsafe { libc::kill(pid, sig) };
                }
            }
        });
        let r = l.run_then(self.dir, tag, RUN_DEADLINE, send.as_ref().map(|f| f as &dyn Fn(i32)));
        let left = kill_marked(&mark);
        let _ = fs::remove_file(&mark);
        // As PID 1, what is left dies with the namespace.
        (r, if mode == Mode::Pid1 { 0 } else { left })
    }
}

/// Kills each process whose environment holds `RUN_VAR=mark` (one run's, as
/// no two runs share a mark); returns how many there were.
fn kill_marked(mark: &str) -> usize {
    let needle = format!("{RUN_VAR}={mark}\0");
    let mut n = 0;
    for e in fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else { continue };
        let env = fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
        if env.windows(needle.len()).any(|w| w == needle.as_bytes()) && common::state(pid) != Some('Z') {
            // SAFETY: kill(2) takes plain integers; the mark makes `pid` this run's.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            n += 1;
        }
    }
    n
}

/// The log's calls: (tracee, name, rest of the line). Without `-f` the log
/// has one tracee and no pids.
fn calls(log: &str, follow: bool) -> Vec<(String, String, String)> {
    if follow {
        return strace::calls(log);
    }
    let prefixed: String = log.lines().map(|l| format!("0 {l}\n")).collect();
    strace::calls(&prefixed)
}

/// The calls to fail for a scenario: each with the uses (as strace counts
/// them, per tracee) that fail.
fn plan(s: &Scenario, log: &str, prog: &str) -> Result<BTreeMap<String, Vec<usize>>, String> {
    let keep = |name: &str| {
        !LEFT_OUT.contains(&name)
            && (s.only.is_empty() || s.only.contains(&name))
            && (matches!(s.from, From::Start) || !DEFAULT_ONLY.contains(&name))
    };
    let mut plan: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    if let From::Start = s.from {
        // nanoinit and its child before the program's execve: each call's
        // most uses by one of them.
        let t = strace::trace(log, prog).ok_or("no execve of the program in the log")?;
        let mut per: BTreeMap<(String, String), usize> = BTreeMap::new();
        for (pid, name) in t.all {
            *per.entry((pid, name)).or_default() += 1;
        }
        for ((_, name), n) in per {
            if keep(&name) {
                let whens = plan.entry(name).or_default();
                for w in WHENS.into_iter().filter(|&w| w <= n) {
                    if !whens.contains(&w) {
                        whens.push(w);
                    }
                }
            }
        }
        return Ok(plan);
    }
    // nanoinit alone; its counts start with the tracee (the PID 1 holder's
    // own calls and execve count too, as strace counts them).
    let all = calls(log, false);
    let begin = match s.from {
        From::Start => 0,
        From::Loop => {
            let sfd = all
                .iter()
                .find(|(_, n, _)| n == "signalfd4")
                .and_then(|(_, _, r)| r.rsplit("= ").next()?.trim().parse::<i32>().ok())
                .ok_or("no signalfd4")?;
            let read = format!("read({sfd},");
            all.iter().position(|(_, _, r)| r.starts_with(&read)).ok_or("no read of the signalfd")?
        }
        From::At(p) => all.iter().position(|(_, _, r)| r.starts_with(p)).ok_or_else(|| format!("no {p}"))?,
    };
    let mut before: BTreeMap<&str, usize> = BTreeMap::new();
    let mut total: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, (_, name, _)) in all.iter().enumerate() {
        *total.entry(name).or_default() += 1;
        if i < begin {
            *before.entry(name).or_default() += 1;
        }
    }
    for (name, &n) in &total {
        let b = before.get(name).copied().unwrap_or(0);
        if n > b && keep(name) {
            plan.insert(name.to_string(), WHENS.into_iter().map(|w| b + w).filter(|&w| w <= n).collect());
        }
    }
    Ok(plan)
}

/// One run of the matrix.
struct Case {
    scenario: usize,
    mode: Mode,
    call: String,
    when: usize,
    errno: &'static str,
}

/// A `nanoinit:` line with its numbers blanked, to tell a normal run's lines
/// (`-v`) from a faulty run's.
fn shape(line: &str) -> String {
    line.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }).collect()
}

/// Why a run's outcome is wrong, if it is. `usual` holds the shapes of the
/// normal run's lines; `left` counts the processes it left running.
fn judge(s: &Scenario, code: Option<i32>, stderr: &str, usual: &BTreeSet<String>, left: usize) -> Option<String> {
    let Some(code) = code else { return Some("hung".into()) };
    // A placeholder left empty shows as a space before a colon or a doubled
    // space (the matrix once found "to process group : errno 22").
    let malformed = |l: &&str| l.contains(" :") || l.contains("  ") || l.ends_with(' ');
    if let Some(l) = stderr.lines().filter(|l| l.starts_with("nanoinit: ")).find(malformed) {
        return Some(format!("a malformed line: {l:?}"));
    }
    let lines: Vec<&str> =
        stderr.lines().filter(|l| l.starts_with("nanoinit: ") && !usual.contains(&shape(l))).collect();
    if left > 0 && lines.is_empty() {
        return Some(format!("exit {code}, {left} process(es) left running without a word"));
    }
    if s.codes.iter().any(|&(c, says)| c == code && stderr.contains(says)) {
        return None;
    }
    let said_why = lines.len() == 1
        && match code {
            1 => true,
            126 | 127 => lines[0].contains("cannot run"),
            _ => false,
        };
    (!said_why).then(|| format!("exit {code} with {} new nanoinit line(s)", lines.len()))
}

#[test]
fn every_system_call_failing_once_ends_with_an_answer() {
    let Some(st) = strace::strace() else { return };
    let dir = TempDir::new("faults");
    let Some(exit7) = strace::exit_program(&dir) else { return };
    let Some(usr1) = usr1_program(&dir) else { return };
    let setups: Vec<Setup> = SCENARIOS
        .iter()
        .map(|s| {
            let prog = match s.program {
                Program::Exit7 => vec![exit7.clone()],
                Program::Usr1 => vec![usr1.clone()],
                Program::Sh(script) => vec!["/bin/sh".into(), "-c".into(), script.into()],
                Program::Pause => vec![],
            };
            Setup { s, st: &st, dir: &dir, prog }
        })
        .collect();
    let mut cases = Vec::new();
    let mut usual: BTreeMap<(usize, String), BTreeSet<String>> = BTreeMap::new();
    // FAULTS_ONLY=TEXT runs the scenarios whose name holds TEXT (for work on one).
    let only = std::env::var("FAULTS_ONLY").unwrap_or_default();
    for (i, set) in setups.iter().enumerate().filter(|(_, set)| set.s.name.contains(&only)) {
        let s = set.s;
        for &mode in s.modes {
            let what = format!("{} {mode:?}", s.name);
            let log = dir.join(&format!("reference-{i}-{mode:?}.log"));
            let (r, left) = set.run(mode, &format!("reference-{i}-{mode:?}"), &log, &[]);
            assert_eq!((r.code, left), (Some(s.codes[0].0), 0), "{what}: a normal run: {}", r.stderr);
            let text = fs::read_to_string(&log).unwrap();
            let plan = plan(s, &text, set.prog.first().map_or("", String::as_str))
                .unwrap_or_else(|e| panic!("{what}: {e} in {log}"));
            eprintln!("{what}: {} calls: {plan:?}", plan.len());
            let names: BTreeSet<String> = calls(&text, set.follow()).into_iter().map(|(_, n, _)| n).collect();
            for need in s.needs {
                assert!(names.contains(*need), "{what}: no {need} in the normal run ({log})");
            }
            usual.insert((i, format!("{mode:?}")), r.stderr.lines().map(shape).collect());
            for (call, whens) in plan {
                for when in whens {
                    let errnos = ONLY_ERRNOS.iter().find(|(c, _)| *c == call).map_or(&ERRNOS[..], |(_, e)| e);
                    for &errno in errnos {
                        cases.push(Case { scenario: i, mode, call: call.clone(), when, errno });
                    }
                }
            }
        }
    }
    if only.is_empty() {
        // The judge can fail: without a grace period the leftover outlives a
        // subreaper that says nothing about it.
        let i = SCENARIOS.iter().position(|s| s.name == "grace as subreaper").unwrap();
        let s = Scenario { flags: &["--grace", "0"], ..SCENARIOS[i] };
        let set = Setup { s: &s, st: &st, dir: &dir, prog: setups[i].prog.clone() };
        let (r, left) = set.run(Mode::Subreaper, "no-grace", "/dev/null", &[]);
        assert_eq!(left, 1, "the leftover was not found: {r:?}");
        let why = judge(&s, r.code, &r.stderr, &BTreeSet::new(), left);
        assert!(why.is_some_and(|w| w.contains("without a word")), "{r:?}");
    }
    // The slow scenarios first, so the two workers end together.
    cases.sort_by_key(|c| std::cmp::Reverse(c.scenario));
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let warned = AtomicUsize::new(0);
    let per = Mutex::new(BTreeMap::<usize, (usize, Duration)>::new());
    thread::scope(|sc| {
        for _ in 0..WORKERS {
            sc.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(c) = cases.get(i) else { break };
                let set = &setups[c.scenario];
                let inject = format!("--inject={}:error={}:when={}", c.call, c.errno, c.when);
                let t0 = Instant::now();
                let once = || set.run(c.mode, &format!("case{i}"), "/dev/null", std::slice::from_ref(&inject));
                let (mut r, mut left) = once();
                if let Some(why) = r.harness {
                    // Not nanoinit's doing (a loaded machine): once more.
                    eprintln!("{} {:?} {inject}: {why}; again", set.s.name, c.mode);
                    (r, left) = once();
                }
                {
                    let mut p = per.lock().unwrap();
                    let e = p.entry(c.scenario).or_default();
                    e.0 += 1;
                    e.1 += t0.elapsed();
                }
                let usual = &usual[&(c.scenario, format!("{:?}", c.mode))];
                let said = r.stderr.lines().any(|l| !usual.contains(&shape(l)));
                if set.s.codes.iter().any(|&(code, _)| r.code == Some(code)) && said {
                    warned.fetch_add(1, Ordering::Relaxed);
                }
                if std::env::var_os("FAULTS_SHOW").is_some() {
                    eprintln!("{} {:?} {inject}: {:?} {:?} left {left}", set.s.name, c.mode, r.code, r.stderr);
                }
                let wrong = r.harness.map(String::from).or_else(|| judge(set.s, r.code, &r.stderr, usual, left));
                if let Some(why) = wrong {
                    let line = format!("{} {:?} {inject}: {why}; stderr: {:?}", set.s.name, c.mode, r.stderr);
                    failures.lock().unwrap().push(line);
                }
            });
        }
    });
    for (i, (n, t)) in per.into_inner().unwrap() {
        eprintln!("  {}: {n} runs, {:.1} s of run time", SCENARIOS[i].name, t.as_secs_f64());
    }
    let failures = failures.into_inner().unwrap();
    eprintln!(
        "fault matrix: {} runs over {} scenarios ({} with the program's code and a warning) in {:.1} s; {} wrong",
        cases.len(),
        SCENARIOS.len(),
        warned.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64(),
        failures.len()
    );
    assert!(failures.is_empty(), "{} of {} runs:\n{}", failures.len(), cases.len(), failures.join("\n"));
}
