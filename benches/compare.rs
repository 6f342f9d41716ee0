//! `cargo bench --bench compare` (or `make bench`): nanoinit against every peer
//! init it can get — tini, tini-static, dumb-init, catatonit — interleaved in
//! one run. Writes `<target dir>/bench/report.md` and prints it.
//!
//! It reports; it never asserts. What each table means: docs/bench.md.
//!
//! The workloads (idle child, signal echo, orphan makers, a short sleep) are
//! this same binary re-executed with `WORKLOAD` as argv[1]. Inits run as PID 1
//! of a new PID namespace (a raw `clone(CLONE_NEWPID)`, with a private /proc
//! where the workload needs one) for every measurement where that matters.
//!
//! Environment: `NANOINIT_BENCH_QUICK=1` (fewer iterations, for a smoke run),
//! `NANOINIT_BENCH_BIN` (measure another nanoinit binary),
//! `NANOINIT_BENCH_NO_INSTALL=1` (never call apt-get),
//! `NANOINIT_BENCH_REPORT` (where to write the report).

use std::ffi::{CStr, CString};
use std::fmt::Write as _;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[path = "compare/trees.rs"]
mod trees;

/// argv[1] that turns this binary into a workload.
const WORKLOAD: &str = "__nanoinit_bench_workload";
/// The main child's run time in the early-SIGTERM test (a loss = it ran all of it).
const EARLY_CHILD_MS: u64 = 200;

/// How much of everything to do.
struct Plan {
    startup_runs: usize,
    strace_runs: usize,
    idle_secs: u64,
    rtt_blocks: usize,
    rtt_block: usize,
    orphans: usize,
    storm: usize,
    reap_rounds: usize,
    early_max: usize,
    early_budget: Duration,
    /// Rounds of ending a tree of `trees::TREE_SIZE` processes.
    tree_rounds: usize,
}

impl Plan {
    fn new(quick: bool) -> Plan {
        if quick {
            Plan {
                startup_runs: 30,
                strace_runs: 1,
                idle_secs: 2,
                rtt_blocks: 4,
                rtt_block: 250,
                orphans: 200,
                storm: 300,
                reap_rounds: 1,
                early_max: 100,
                early_budget: Duration::from_secs(2),
                tree_rounds: 1,
            }
        } else {
            Plan {
                startup_runs: 300,
                strace_runs: 3,
                idle_secs: 5,
                rtt_blocks: 20,
                rtt_block: 500,
                orphans: 1000,
                storm: 2000,
                reap_rounds: 3,
                early_max: 1000,
                early_budget: Duration::from_secs(5),
                tree_rounds: 3,
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(WORKLOAD) {
        workload(&args[2..]);
    }
    // `cargo bench` passes `--bench` (and filters); there is nothing to filter.
    let started = Instant::now();
    let quick = env_flag("NANOINIT_BENCH_QUICK");
    let plan = Plan::new(quick);
    let root = unsafe { libc::geteuid() } == 0;
    let mut notes: Vec<String> = Vec::new();
    if root && !env_flag("NANOINIT_BENCH_NO_INSTALL") {
        install_missing(&mut notes);
    }
    let inits = find_inits(&mut notes);
    let tmp = TmpDir::new().expect("create a temporary directory");
    let me = std::env::current_exe().expect("find this benchmark's own path");
    let me = me.to_str().expect("a UTF-8 path").to_string();
    let mut r = Report::default();
    r.header(&plan, quick, &inits);

    say(&format!("bench: {} inits: {}", inits.len(), names(&inits)));
    r.binaries(&inits);
    if root {
        say("bench: idle memory and wake-ups (all at once)");
        r.idle(&plan, &inits, &me);
    } else {
        notes.push(
            "not root: the PID-namespace measurements (idle, reaping, signals, early SIGTERM, start-up as PID 1) were skipped".into(),
        );
    }
    say("bench: syscalls to the child's execve (strace)");
    r.syscalls(&plan, &inits, &mut notes);
    say("bench: start-up overhead");
    r.startup(&plan, &inits, root);
    if root {
        say("bench: reaping");
        r.reaping(&plan, &inits, &me, &tmp.0);
        say("bench: signal round trip");
        r.round_trip(&plan, &inits, &me, &tmp.0);
        say("bench: early SIGTERM");
        r.early(&plan, &inits, &me);
        say("bench: ending a big tree");
        r.trees(plan.tree_rounds, &inits, &me, &tmp.0);
    }
    let elapsed = started.elapsed();
    r.footer(&notes, elapsed);

    let path = report_path();
    if let Some(dir) = path.parent() {
        let _ = fs::create_dir_all(dir);
    }
    match fs::write(&path, &r.out) {
        Ok(()) => say(&format!("bench: report written to {}", path.display())),
        Err(e) => say(&format!("bench: cannot write {}: {e}", path.display())),
    }
    print!("{}", r.out);
    let _ = io::stdout().flush();
}

// ---------------------------------------------------------------------------
// The inits

struct Init {
    name: &'static str,
    path: String,
    /// Wants `--` before the program.
    dashdash: bool,
    version: String,
    size: u64,
    is_static: Option<bool>,
    nanoinit: bool,
}

impl Init {
    fn argv(&self, prog: &[&str]) -> Vec<String> {
        let mut v = vec![self.path.clone()];
        if self.dashdash {
            v.push("--".into());
        }
        v.extend(prog.iter().map(|s| s.to_string()));
        v
    }
}

fn names(inits: &[Init]) -> String {
    inits.iter().map(|i| i.name).collect::<Vec<_>>().join(", ")
}

fn find_inits(notes: &mut Vec<String>) -> Vec<Init> {
    let nanoinit = std::env::var("NANOINIT_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_nanoinit").to_string());
    let candidates: [(&'static str, &[&str], bool); 5] = [
        ("nanoinit", &[], true),
        ("tini", &["/usr/bin/tini"], true),
        ("tini-static", &["/usr/bin/tini-static"], true),
        ("dumb-init", &["/usr/bin/dumb-init"], false),
        ("catatonit", &["/usr/libexec/podman/catatonit", "/usr/bin/catatonit"], true),
    ];
    let mut out = Vec::new();
    for (name, paths, dashdash) in candidates {
        let found = if name == "nanoinit" {
            Some(nanoinit.clone())
        } else {
            paths.iter().find(|p| Path::new(p).exists()).map(|p| p.to_string()).or_else(|| which(name))
        };
        let Some(path) = found else {
            notes.push(format!("{name}: not installed, not measured (as root the bench installs it with apt-get)"));
            continue;
        };
        let real = fs::canonicalize(&path).unwrap_or_else(|_| PathBuf::from(&path));
        let size = fs::metadata(&real).map(|m| m.len()).unwrap_or(0);
        let is_static = elf_is_static(&real);
        let version = version_of(&path);
        out.push(Init { name, path, dashdash, version, size, is_static, nanoinit: name == "nanoinit" });
    }
    out
}

fn which(name: &str) -> Option<String> {
    let path = std::env::var("PATH").unwrap_or_default();
    path.split(':').map(|d| format!("{d}/{name}")).find(|p| Path::new(p).is_file())
}

/// First line of `INIT --version`.
fn version_of(path: &str) -> String {
    let child =
        Command::new(path).arg("--version").stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
    let Ok(mut child) = child else { return "?".into() };
    if wait_child(&mut child, Duration::from_secs(5)).is_none() {
        return "?".into();
    }
    let mut s = String::new();
    if let Some(mut o) = child.stdout.take() {
        let _ = o.read_to_string(&mut s);
    }
    if s.trim().is_empty() {
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_string(&mut s);
        }
    }
    s.lines().next().unwrap_or("?").trim().replace('|', "/")
}

/// No PT_INTERP program header means static (also for static-pie).
fn elf_is_static(path: &Path) -> Option<bool> {
    let mut f = File::open(path).ok()?;
    let mut b = Vec::new();
    f.read_to_end(&mut b).ok()?;
    if b.len() < 64 || &b[..4] != b"\x7fELF" || b[4] != 2 {
        return None;
    }
    let u16_at = |o: usize| u16::from_le_bytes([b[o], b[o + 1]]) as usize;
    let phoff = u64::from_le_bytes(b[32..40].try_into().ok()?) as usize;
    let (phentsize, phnum) = (u16_at(54), u16_at(56));
    for i in 0..phnum {
        let o = phoff + i * phentsize;
        let ty = u32::from_le_bytes(b.get(o..o + 4)?.try_into().ok()?);
        if ty == 3 {
            return Some(false);
        }
    }
    Some(true)
}

/// Installs the Debian peers (and strace) that are missing. Time-bounded.
fn install_missing(notes: &mut Vec<String>) {
    if which("apt-get").is_none() {
        return;
    }
    // (package, files, all of them needed)
    let want: [(&str, &[&str], bool); 4] = [
        ("tini", &["/usr/bin/tini", "/usr/bin/tini-static"], true),
        ("dumb-init", &["/usr/bin/dumb-init"], true),
        ("catatonit", &["/usr/libexec/podman/catatonit", "/usr/bin/catatonit"], false),
        ("strace", &["/usr/bin/strace"], true),
    ];
    let have = |p: &&str| Path::new(p).exists();
    let missing: Vec<&str> = want
        .iter()
        .filter(|(_, files, all)| if *all { !files.iter().all(have) } else { !files.iter().any(have) })
        .map(|(pkg, ..)| *pkg)
        .collect();
    if missing.is_empty() {
        return;
    }
    say(&format!("bench: installing {}", missing.join(" ")));
    let apt = |args: &[&str]| {
        Command::new("timeout")
            .arg("240")
            .arg("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let install = |pkgs: &[&str]| {
        let mut a = vec!["install", "-y", "-qq", "--no-install-recommends"];
        a.extend_from_slice(pkgs);
        apt(&a)
    };
    if install(&missing) {
        return;
    }
    apt(&["update", "-qq"]);
    if !install(&missing) {
        for pkg in missing {
            if !install(&[pkg]) {
                notes.push(format!("apt-get could not install {pkg}"));
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Processes

/// How an init is started.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A plain child of the bench (not PID 1).
    Plain,
    /// PID 1 of a new PID namespace.
    Pid1,
    /// PID 1 of a new PID namespace, started with SIGTERM blocked (so an
    /// early TERM stays pending instead of being dropped).
    Pid1TermBlocked,
    /// PID 1 of a new PID namespace with its own /proc
    /// (like `unshare --pid --fork --mount-proc`).
    Pid1Proc,
}

/// A process this benchmark started (its pid as we see it). Dropping it
/// SIGKILLs it — and, for PID 1 of a namespace, the whole namespace.
struct Ns {
    pid: libc::pid_t,
    /// Raw wait status once reaped.
    status: Option<i32>,
}

impl Ns {
    /// A fork-like `clone` (with CLONE_NEWPID unless `Mode::Plain`) + exec
    /// `argv`, with an empty signal mask (but see `Mode::Pid1TermBlocked`)
    /// and default SIGPIPE. stdin is
    /// /dev/null; stdout and stderr go to `out` (or /dev/null).
    fn spawn(argv: &[String], mode: Mode, out: Option<RawFd>) -> io::Result<Ns> {
        let mount_proc = mode == Mode::Pid1Proc;
        let cargs: Vec<CString> = argv.iter().map(|a| CString::new(a.as_str()).expect("no NUL in argv")).collect();
        let mut ptrs: Vec<*const libc::c_char> = cargs.iter().map(|c| c.as_ptr()).collect();
        ptrs.push(std::ptr::null());
        let null_r = File::open("/dev/null")?;
        let null_w = OpenOptions::new().write(true).open("/dev/null")?;
        let out_fd = out.unwrap_or(null_w.as_raw_fd());
        let cpu = CHILD_CPU.load(Ordering::Relaxed);
        // SAFETY: an all-zero cpu_set_t is the empty set; `cpu` is below CPU_SETSIZE.
        let mut cpus: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        if cpu >= 0 {
            unsafe { libc::CPU_SET(cpu as usize, &mut cpus) };
        }
        let mut flags = libc::SIGCHLD;
        if mode != Mode::Plain {
            flags |= libc::CLONE_NEWPID;
        }
        if mount_proc {
            flags |= libc::CLONE_NEWNS;
        }
        // SAFETY: a fork-like clone (no shared VM, no new stack). The child
        // only makes raw system calls on data prepared above, then execs or exits.
        let pid = unsafe {
            libc::syscall(
                libc::SYS_clone,
                flags as libc::c_long,
                0 as libc::c_long,
                0 as libc::c_long,
                0 as libc::c_long,
                0 as libc::c_long,
            )
        };
        if pid < 0 {
            return Err(io::Error::last_os_error());
        }
        if pid == 0 {
            // SAFETY: see above; nothing here allocates or takes a lock.
            unsafe {
                if mount_proc {
                    let none: *const libc::c_char = std::ptr::null();
                    if libc::mount(none, c"/".as_ptr(), none, libc::MS_REC | libc::MS_PRIVATE, std::ptr::null()) != 0
                        || libc::mount(
                            c"proc".as_ptr(),
                            c"/proc".as_ptr(),
                            c"proc".as_ptr(),
                            libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
                            std::ptr::null(),
                        ) != 0
                    {
                        libc::_exit(126);
                    }
                }
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong);
                if cpu >= 0 {
                    libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &cpus);
                }
                libc::dup2(null_r.as_raw_fd(), 0);
                libc::dup2(out_fd, 1);
                libc::dup2(out_fd, 2);
                libc::signal(libc::SIGPIPE, libc::SIG_DFL);
                let mut empty: libc::sigset_t = std::mem::zeroed();
                libc::sigemptyset(&mut empty);
                if mode == Mode::Pid1TermBlocked {
                    libc::sigaddset(&mut empty, libc::SIGTERM);
                }
                libc::sigprocmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut());
                libc::execv(ptrs[0], ptrs.as_ptr());
                libc::_exit(127);
            }
        }
        Ok(Ns { pid: pid as libc::pid_t, status: None })
    }

    /// Exit code (128+N when killed by N), or None at the deadline.
    fn wait(&mut self, d: Duration) -> Option<i32> {
        self.wait_raw(d).map(decode_status)
    }

    /// The raw wait status, or None at the deadline.
    fn wait_raw(&mut self, d: Duration) -> Option<i32> {
        if self.status.is_none() {
            self.status = wait_pid(self.pid, d);
        }
        self.status
    }

    fn kill(&mut self) {
        if self.status.is_none() {
            // SAFETY: our own child, not yet reaped, so the pid is still ours.
            unsafe { libc::kill(self.pid, libc::SIGKILL) };
            self.status = wait_pid(self.pid, Duration::from_secs(10));
        }
    }

    /// The first child of the init (as we see it), once it exists.
    fn first_child(&self) -> Option<libc::pid_t> {
        let s = fs::read_to_string(format!("/proc/{0}/task/{0}/children", self.pid)).ok()?;
        s.split_whitespace().next()?.parse().ok()
    }
}

impl Drop for Ns {
    fn drop(&mut self) {
        self.kill();
    }
}

fn decode_status(st: i32) -> i32 {
    if libc::WIFEXITED(st) {
        libc::WEXITSTATUS(st)
    } else if libc::WIFSIGNALED(st) {
        128 + libc::WTERMSIG(st)
    } else {
        -1
    }
}

/// waitpid with a deadline: a pidfd to sleep on, polling as the fallback.
fn wait_pid(pid: libc::pid_t, d: Duration) -> Option<i32> {
    let deadline = Instant::now() + d;
    // SAFETY: plain system calls on our own child.
    let pidfd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) } as RawFd;
    let pidfd = (pidfd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(pidfd) });
    loop {
        let mut st = 0;
        let r = unsafe { libc::waitpid(pid, &mut st, libc::WNOHANG) };
        if r == pid {
            return Some(st);
        }
        if r < 0 {
            return None;
        }
        let now = Instant::now();
        if now >= deadline {
            return None;
        }
        let left = deadline - now;
        match &pidfd {
            Some(fd) => {
                poll_in(fd.as_raw_fd(), left);
            }
            None => std::thread::sleep(left.min(Duration::from_micros(200))),
        }
    }
}

/// poll(POLLIN) for up to `d`; true when readable (or hung up).
fn poll_in(fd: RawFd, d: Duration) -> bool {
    let ms = d.as_millis().clamp(1, i32::MAX as u128) as i32;
    let mut p = libc::pollfd { fd, events: libc::POLLIN, revents: 0 };
    // SAFETY: one valid pollfd.
    unsafe { libc::poll(&mut p, 1, ms) > 0 }
}

fn wait_child(child: &mut std::process::Child, d: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + d;
    loop {
        match child.try_wait() {
            Ok(Some(s)) => return Some(s),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(2)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

fn proc_status_field(pid: libc::pid_t, field: &str) -> Option<u64> {
    let s = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    field_value(&s, field)
}

fn field_value(text: &str, field: &str) -> Option<u64> {
    text.lines().find_map(|l| l.strip_prefix(field)?.strip_prefix(':')?.split_whitespace().next()?.parse().ok())
}

fn own_comm() -> String {
    fs::read_to_string("/proc/self/comm").unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Measurements

#[derive(Default)]
struct Report {
    out: String,
}

impl Report {
    fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    /// A markdown table: the first column left-aligned, numbers right-aligned.
    fn table(&mut self, head: &[&str], rows: &[Vec<String>]) {
        self.table_left(head, rows, 1);
    }

    /// Like [`Report::table`] with the first `left` columns left-aligned.
    fn table_left(&mut self, head: &[&str], rows: &[Vec<String>], left: usize) {
        self.line(&format!("| {} |", head.join(" | ")));
        self.line(&format!(
            "|{}",
            (0..head.len()).map(|i| if i < left { "---|" } else { "---:|" }).collect::<String>()
        ));
        for r in rows {
            self.line(&format!("| {} |", r.join(" | ")));
        }
        self.line("");
    }

    fn header(&mut self, plan: &Plan, quick: bool, inits: &[Init]) {
        let mut u: libc::utsname = unsafe { std::mem::zeroed() };
        // SAFETY: a valid utsname to fill.
        unsafe { libc::uname(&mut u) };
        let cstr = |a: &[libc::c_char]| unsafe { CStr::from_ptr(a.as_ptr()) }.to_string_lossy().into_owned();
        let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let model = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name")?.split_once(':').map(|(_, v)| v.trim().to_string()))
            .unwrap_or_else(|| "?".into());
        let ncpu = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        let mhz =
            cpuinfo.lines().find_map(|l| l.strip_prefix("cpu MHz")?.split_once(':').map(|(_, v)| v.trim().to_string()));
        self.line("# nanoinit bench: nanoinit and its peers, interleaved in one run");
        self.line("");
        self.line(&format!("- date: {}", utc_now()));
        self.line(&format!("- kernel: {} {} {}", cstr(&u.sysname), cstr(&u.release), cstr(&u.machine)));
        self.line(&format!(
            "- CPU: {model}{}, {ncpu} CPUs available",
            mhz.map(|m| format!(" @ {m} MHz")).unwrap_or_default()
        ));
        self.line(&format!("- inits: {}", names(inits)));
        self.line(&format!(
            "- plan{}: start-up {} runs each; signal round trip {}; {} orphans at once and a {}-step double-fork storm, {} rounds; early SIGTERM up to {} starts or {} s per init and mode",
            if quick { " (QUICK — not for publishing)" } else { "" },
            plan.startup_runs,
            plan.rtt_blocks * plan.rtt_block,
            plan.orphans,
            plan.storm,
            plan.reap_rounds,
            plan.early_max,
            plan.early_budget.as_secs()
        ));
        self.line(
            "- \"× best peer\": the value divided by the best value among the peers (nanoinit excluded); lower is better everywhere.",
        );
        self.line("");
    }

    fn binaries(&mut self, inits: &[Init]) {
        self.line("## Binary");
        self.line("");
        let best = best_peer(inits, |i| Some(i.size as f64));
        let rows: Vec<Vec<String>> = inits
            .iter()
            .map(|i| {
                vec![
                    i.name.to_string(),
                    i.version.clone(),
                    format!("`{}`", i.path),
                    i.size.to_string(),
                    match i.is_static {
                        Some(true) => "yes".into(),
                        Some(false) => "no (dynamic)".into(),
                        None => "?".into(),
                    },
                    ratio(Some(i.size as f64), best),
                ]
            })
            .collect();
        self.table_left(&["init", "version", "path", "size (bytes)", "static", "× best peer"], &rows, 3);
    }

    fn idle(&mut self, plan: &Plan, inits: &[Init], me: &str) {
        // All at once, so the idle seconds are paid once.
        let mut running: Vec<(usize, Ns)> = Vec::new();
        let mut errors: Vec<String> = Vec::new();
        for (k, i) in inits.iter().enumerate() {
            match Ns::spawn(&i.argv(&[me, WORKLOAD, "pause"]), Mode::Pid1Proc, None) {
                Ok(ns) => running.push((k, ns)),
                Err(e) => errors.push(format!("{}: {e}", i.name)),
            }
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && running.iter().any(|(_, ns)| ns.first_child().is_none()) {
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(500));
        let before: Vec<Option<u64>> =
            running.iter().map(|(_, ns)| proc_status_field(ns.pid, "voluntary_ctxt_switches")).collect();
        let before_inv: Vec<Option<u64>> =
            running.iter().map(|(_, ns)| proc_status_field(ns.pid, "nonvoluntary_ctxt_switches")).collect();
        std::thread::sleep(Duration::from_secs(plan.idle_secs));
        struct Row {
            k: usize,
            rss: Option<u64>,
            hwm: Option<u64>,
            pss: Option<u64>,
            wake: Option<u64>,
            invol: Option<u64>,
            alive: bool,
        }
        let mut rows = Vec::new();
        for (n, (k, ns)) in running.iter_mut().enumerate() {
            let after = proc_status_field(ns.pid, "voluntary_ctxt_switches");
            let after_inv = proc_status_field(ns.pid, "nonvoluntary_ctxt_switches");
            let pss =
                fs::read_to_string(format!("/proc/{}/smaps_rollup", ns.pid)).ok().and_then(|s| field_value(&s, "Pss"));
            let alive = ns.wait(Duration::ZERO).is_none() && ns.first_child().is_some();
            rows.push(Row {
                k: *k,
                rss: proc_status_field(ns.pid, "VmRSS"),
                hwm: proc_status_field(ns.pid, "VmHWM"),
                pss,
                wake: after.zip(before[n]).map(|(a, b)| a - b),
                invol: after_inv.zip(before_inv[n]).map(|(a, b)| a - b),
                alive,
            });
        }
        drop(running);
        self.line(&format!(
            "## Idle, as PID 1 of a new PID namespace (all inits at once, child asleep, {} s)",
            plan.idle_secs
        ));
        self.line("");
        let pss_of = |k: usize| rows.iter().find(|r| r.k == k).and_then(|r| r.pss.or(r.rss)).map(|v| v as f64);
        let best = best_peer(inits, |i| pss_of(inits.iter().position(|j| j.name == i.name).unwrap_or(0)));
        let table: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                let i = &inits[r.k];
                vec![
                    i.name.to_string(),
                    opt(r.rss),
                    opt(r.hwm),
                    opt(r.pss),
                    ratio(r.pss.map(|v| v as f64), best),
                    opt(r.wake),
                    opt(r.invol),
                    if r.alive { "yes".into() } else { "**no**".into() },
                ]
            })
            .collect();
        self.table(
            &[
                "init",
                "VmRSS (kB)",
                "VmHWM (kB)",
                "Pss (kB)",
                "Pss × best peer",
                &format!("wake-ups / {} s (voluntary ctx switches)", plan.idle_secs),
                "involuntary ctx switches",
                "child still running",
            ],
            &table,
        );
        for e in errors {
            self.line(&format!("- could not start {e}"));
        }
    }

    fn syscalls(&mut self, plan: &Plan, inits: &[Init], notes: &mut Vec<String>) {
        let Some(strace) = which("strace") else {
            notes.push("strace is not installed: syscall counts not measured".into());
            return;
        };
        let unshare = which("unshare");
        let tmp = std::env::temp_dir().join(format!("nanoinit-bench-strace.{}", std::process::id()));
        let mut rows = Vec::new();
        let mut best_in: Vec<Option<f64>> = Vec::new();
        for i in inits {
            let mut counts: Vec<(usize, usize, usize)> = Vec::new();
            for _ in 0..plan.strace_runs {
                let mut c = Command::new(&strace);
                c.args(["-f", "-qq", "-o"]).arg(&tmp).arg("--");
                if let Some(u) = &unshare {
                    c.args([u.as_str(), "--pid", "--fork", "--kill-child"]);
                }
                c.args(i.argv(&["/bin/true"])).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
                let ok = c.spawn().ok().and_then(|mut ch| wait_child(&mut ch, Duration::from_secs(20))).is_some();
                let text = fs::read_to_string(&tmp).unwrap_or_default();
                let _ = fs::remove_file(&tmp);
                if ok {
                    if let Some(n) = count_syscalls(&text, &i.path, "/bin/true") {
                        counts.push(n);
                    }
                }
            }
            let med = |f: fn(&(usize, usize, usize)) -> usize| {
                let mut v: Vec<f64> = counts.iter().map(f).map(|x| x as f64).collect();
                median(&mut v)
            };
            let (a, b, c) = (med(|t| t.0), med(|t| t.1), med(|t| t.2));
            best_in.push(a);
            rows.push((i.name, a, b, c));
        }
        let best = inits
            .iter()
            .zip(&best_in)
            .filter(|(i, _)| !i.nanoinit)
            .filter_map(|(_, v)| *v)
            .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.min(v))));
        self.line(&format!(
            "## System calls, `INIT -- /bin/true` as PID 1 of a new PID namespace (strace -f, median of {})",
            plan.strace_runs
        ));
        self.line("");
        let f = |v: Option<f64>| v.map(|v| format!("{v:.0}")).unwrap_or_else(|| "–".into());
        let table: Vec<Vec<String>> =
            rows.iter().map(|(n, a, b, c)| vec![n.to_string(), f(*a), ratio(*a, best), f(*b), f(*c)]).collect();
        self.table(
            &["init", "init: own execve → child's execve", "× best peer", "child: fork → execve", "init: whole run"],
            &table,
        );
    }

    fn startup(&mut self, plan: &Plan, inits: &[Init], root: bool) {
        // Column 0 is the baseline (/bin/true alone), then one per init.
        let n = inits.len() + 1;
        let mut plain: Vec<Vec<f64>> = vec![Vec::new(); n];
        let mut pid1: Vec<Vec<f64>> = vec![Vec::new(); n];
        let mut failures = vec![0usize; n];
        let argv = |k: usize| {
            if k == 0 {
                vec!["/bin/true".to_string()]
            } else {
                inits[k - 1].argv(&["/bin/true"])
            }
        };
        for round in 0..plan.startup_runs {
            for j in 0..n {
                let k = (j + round) % n;
                let a = argv(k);
                let t = Instant::now();
                let st = Command::new(&a[0])
                    .args(&a[1..])
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status();
                let dt = t.elapsed().as_secs_f64() * 1e3;
                match st {
                    Ok(s) if s.success() => plain[k].push(dt),
                    _ => failures[k] += 1,
                }
                if root {
                    let t = Instant::now();
                    let code = Ns::spawn(&a, Mode::Pid1, None).ok().and_then(|mut ns| ns.wait(Duration::from_secs(10)));
                    let dt = t.elapsed().as_secs_f64() * 1e3;
                    match code {
                        Some(0) => pid1[k].push(dt),
                        _ => failures[k] += 1,
                    }
                }
            }
        }
        let mp: Vec<Option<f64>> = plain.iter_mut().map(|v| median(v)).collect();
        let mq: Vec<Option<f64>> = pid1.iter_mut().map(|v| median(v)).collect();
        let over = |m: &[Option<f64>], k: usize| m[k].zip(m[0]).map(|(a, b)| a - b);
        let best_p = best_peer(inits, |i| over(&mp, 1 + inits.iter().position(|j| j.name == i.name).unwrap_or(0)));
        let best_q = best_peer(inits, |i| over(&mq, 1 + inits.iter().position(|j| j.name == i.name).unwrap_or(0)));
        self.line(&format!(
            "## Start-up: `INIT -- /bin/true`, spawn to reaped, median of {} interleaved runs",
            plan.startup_runs
        ));
        self.line("");
        self.line("Plain: a child of the bench (inits that can become a subreaper do). PID 1: first process of a new PID namespace (clone(CLONE_NEWPID) included).");
        self.line("");
        let ms = |v: Option<f64>| v.map(|v| format!("{v:.3}")).unwrap_or_else(|| "–".into());
        let mut rows = Vec::new();
        for k in 0..n {
            let name = if k == 0 { "(/bin/true alone)".to_string() } else { inits[k - 1].name.to_string() };
            let (ratio_p, ratio_q) = if k == 0 {
                (String::new(), String::new())
            } else {
                (ratio(over(&mp, k), best_p), ratio(over(&mq, k), best_q))
            };
            let x =
                |m: &[Option<f64>]| m[k].zip(m[0]).map(|(a, b)| format!("{:.2}", a / b)).unwrap_or_else(|| "–".into());
            let mut row = vec![name, ms(mp[k]), if k == 0 { String::new() } else { ms(over(&mp, k)) }, x(&mp), ratio_p];
            if root {
                row.extend([ms(mq[k]), if k == 0 { String::new() } else { ms(over(&mq, k)) }, x(&mq), ratio_q]);
            }
            row.push(failures[k].to_string());
            rows.push(row);
        }
        let mut head = vec!["init", "plain (ms)", "overhead (ms)", "÷ /bin/true", "overhead × best peer"];
        if root {
            head.extend(["PID 1 (ms)", "overhead (ms)", "÷ /bin/true", "overhead × best peer"]);
        }
        head.push("failed runs");
        self.table(&head, &rows);
    }

    fn reaping(&mut self, plan: &Plan, inits: &[Init], me: &str, tmp: &Path) {
        #[derive(Default, Clone)]
        struct Acc {
            at_once_ms: Vec<f64>,
            at_once_rate: Vec<f64>,
            at_once_left: usize,
            storm_rate: Vec<f64>,
            storm_end: usize,
            storm_left: usize,
            problems: Vec<String>,
        }
        let mut acc = vec![Acc::default(); inits.len()];
        let orphans = plan.orphans.to_string();
        let storm = plan.storm.to_string();
        for round in 0..plan.reap_rounds {
            for j in 0..inits.len() {
                let k = (j + round) % inits.len();
                let i = &inits[k];
                for (what, count) in [("orphans", &orphans), ("storm", &storm)] {
                    let out = tmp.join(format!("reap-{}-{what}-{round}", i.name));
                    let out_s = out.to_str().unwrap_or_default().to_string();
                    let code = Ns::spawn(&i.argv(&[me, WORKLOAD, what, count, &out_s]), Mode::Pid1Proc, None)
                        .ok()
                        .and_then(|mut ns| ns.wait(Duration::from_secs(60)));
                    let text = fs::read_to_string(&out).unwrap_or_default();
                    let _ = fs::remove_file(&out);
                    let kv = |key: &str| {
                        text.split_whitespace()
                            .find_map(|w| w.strip_prefix(key)?.strip_prefix('=')?.parse::<f64>().ok())
                    };
                    let a = &mut acc[k];
                    match (code, kv("ms"), kv("made")) {
                        (Some(_), Some(ms), Some(made)) if ms > 0.0 => {
                            if what == "orphans" {
                                a.at_once_ms.push(ms);
                                a.at_once_rate.push(made / ms * 1e3);
                                a.at_once_left = a.at_once_left.max(kv("left").unwrap_or(0.0) as usize);
                            } else {
                                a.storm_rate.push(made / ms * 1e3);
                                a.storm_end = a.storm_end.max(kv("zombies_at_end").unwrap_or(0.0) as usize);
                                a.storm_left = a.storm_left.max(kv("left").unwrap_or(0.0) as usize);
                            }
                        }
                        (None, ..) => a.problems.push(format!("{what}: init did not exit within 60 s")),
                        (Some(c), ..) => a.problems.push(format!("{what}: no result (init exit {c})")),
                    }
                }
            }
        }
        self.line(&format!(
            "## Reaping, as PID 1 of a new PID namespace (median of {} rounds; zombies: worst round)",
            plan.reap_rounds
        ));
        self.line("");
        self.line(&format!(
            "At once: {} orphans blocked on one pipe are released together; time until the last is reaped. Storm: {} serial double-forks (each grandchild is orphaned and exits at once), until all are reaped.",
            plan.orphans, plan.storm
        ));
        self.line("");
        let med = |v: &[f64]| median(&mut v.to_vec());
        let best_ms =
            best_peer(inits, |i| med(&acc[inits.iter().position(|j| j.name == i.name).unwrap_or(0)].at_once_ms));
        let best_storm = best_peer(inits, |i| {
            med(&acc[inits.iter().position(|j| j.name == i.name).unwrap_or(0)].storm_rate).map(|r| 1.0 / r)
        });
        let mut rows = Vec::new();
        let mut problems = Vec::new();
        for (k, i) in inits.iter().enumerate() {
            let a = &acc[k];
            let f0 = |v: Option<f64>| v.map(|v| format!("{v:.0}")).unwrap_or_else(|| "–".into());
            let ms = med(&a.at_once_ms);
            let sr = med(&a.storm_rate);
            rows.push(vec![
                i.name.to_string(),
                ms.map(|v| format!("{v:.1}")).unwrap_or_else(|| "–".into()),
                f0(med(&a.at_once_rate)),
                ratio(ms, best_ms),
                a.at_once_left.to_string(),
                f0(sr),
                ratio(sr.map(|r| 1.0 / r), best_storm),
                a.storm_end.to_string(),
                a.storm_left.to_string(),
            ]);
            for p in &a.problems {
                problems.push(format!("- {}: {p}", i.name));
            }
        }
        self.table(
            &[
                "init",
                "at once: time (ms)",
                "orphans/s",
                "time × best peer",
                "zombies left after 5 s",
                "storm: orphans/s",
                "time × best peer",
                "zombies at end of storm",
                "zombies left after 5 s",
            ],
            &rows,
        );
        for p in problems {
            self.line(&p);
        }
        if !self.out.ends_with("\n\n") {
            self.line("");
        }
    }

    fn round_trip(&mut self, plan: &Plan, inits: &[Init], me: &str, tmp: &Path) {
        struct Run {
            k: usize,
            ns: Ns,
            fifo: File,
            rtt: Vec<f64>,
            timeouts: usize,
            gave_up: bool,
        }
        let mut runs: Vec<Run> = Vec::new();
        let mut problems = Vec::new();
        for (k, i) in inits.iter().enumerate() {
            let path = tmp.join(format!("echo-{}", i.name));
            let cpath = CString::new(path.to_str().unwrap_or_default()).expect("no NUL");
            // SAFETY: a valid C path.
            if unsafe { libc::mkfifo(cpath.as_ptr(), 0o600) } != 0 {
                problems.push(format!("- {}: mkfifo: {}", i.name, io::Error::last_os_error()));
                continue;
            }
            let fifo = match OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(&path) {
                Ok(f) => f,
                Err(e) => {
                    problems.push(format!("- {}: open fifo: {e}", i.name));
                    continue;
                }
            };
            match Ns::spawn(
                &i.argv(&[me, WORKLOAD, "sigecho", path.to_str().unwrap_or_default()]),
                Mode::Pid1Proc,
                None,
            ) {
                Ok(ns) => runs.push(Run { k, ns, fifo, rtt: Vec::new(), timeouts: 0, gave_up: false }),
                Err(e) => problems.push(format!("- {}: {e}", i.name)),
            }
        }
        // Each child says "R" once its handler is in place.
        for r in &mut runs {
            let mut b = [0u8; 16];
            let ready = poll_in(r.fifo.as_raw_fd(), Duration::from_secs(5))
                && r.fifo.read(&mut b).is_ok_and(|n| n > 0 && b[0] == b'R');
            if !ready {
                r.gave_up = true;
                problems.push(format!("- {}: the echo child never became ready", inits[r.k].name));
            }
        }
        for block in 0..plan.rtt_blocks {
            for j in 0..runs.len() {
                let len = runs.len();
                let r = &mut runs[(j + block) % len];
                if r.gave_up {
                    continue;
                }
                let mut consecutive = 0;
                for _ in 0..plan.rtt_block {
                    let mut b = [0u8; 64];
                    let t = Instant::now();
                    // SAFETY: our own child (the namespace's init).
                    unsafe { libc::kill(r.ns.pid, libc::SIGUSR1) };
                    if poll_in(r.fifo.as_raw_fd(), Duration::from_secs(1)) && r.fifo.read(&mut b).is_ok_and(|n| n > 0) {
                        r.rtt.push(t.elapsed().as_secs_f64() * 1e6);
                        consecutive = 0;
                    } else {
                        r.timeouts += 1;
                        consecutive += 1;
                        if consecutive >= 5 {
                            r.gave_up = true;
                            problems.push(format!("- {}: gave up after 5 answers missing in a row", inits[r.k].name));
                            break;
                        }
                    }
                }
            }
        }
        let meds: Vec<(usize, Option<f64>)> = runs.iter_mut().map(|r| (r.k, median(&mut r.rtt))).collect();
        let best = best_peer(inits, |i| meds.iter().find(|(k, _)| inits[*k].name == i.name).and_then(|(_, m)| *m));
        self.line(&format!(
            "## Signal round trip, as PID 1 of a new PID namespace ({} per init, interleaved in blocks of {})",
            plan.rtt_blocks * plan.rtt_block,
            plan.rtt_block
        ));
        self.line("");
        self.line(
            "SIGUSR1 sent to the init from outside; the child's handler writes a byte to a FIFO the bench reads.",
        );
        self.line("");
        let us = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "–".into());
        let rows: Vec<Vec<String>> = runs
            .iter_mut()
            .map(|r| {
                let n = r.rtt.len();
                let med = median(&mut r.rtt);
                vec![
                    inits[r.k].name.to_string(),
                    n.to_string(),
                    us(med),
                    ratio(med, best),
                    us(percentile(&mut r.rtt, 99.0)),
                    us(percentile(&mut r.rtt, 99.9)),
                    us(r.rtt.iter().cloned().fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))),
                    r.timeouts.to_string(),
                ]
            })
            .collect();
        self.table(
            &[
                "init",
                "round trips",
                "median (µs)",
                "median × best peer",
                "p99 (µs)",
                "p99.9 (µs)",
                "max (µs)",
                "lost (no answer in 1 s)",
            ],
            &rows,
        );
        for p in problems {
            self.line(&p);
        }
        if !self.out.ends_with("\n\n") {
            self.line("");
        }
    }

    fn early(&mut self, plan: &Plan, inits: &[Init], me: &str) {
        // Orphans of a plain init that a TERM killed come to us, to be killed and reaped.
        // SAFETY: plain prctl on ourselves.
        unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1 as libc::c_ulong) };
        #[derive(Default, Clone)]
        struct Acc {
            starts: usize,
            lost: usize,
            init_killed: usize,
            other: Vec<String>,
            spent: Duration,
            done: bool,
        }
        // "Right after start" must not depend on where the scheduler puts the
        // new process: the bench spins on CPU 0, the init runs on CPU 1.
        let pinned = pin_apart();
        let launcher = own_comm();
        let sleep_ms = EARLY_CHILD_MS.to_string();
        self.line(&format!(
            "## Early SIGTERM (up to {} starts or {} s per init and mode, interleaved)",
            plan.early_max,
            plan.early_budget.as_secs()
        ));
        self.line("");
        self.line(&format!(
            "SIGTERM is sent as soon as /proc/PID/comm shows the init's execve (comm changes part-way through execve, \
             before the init's first instruction; the bench spins on one CPU, the init runs on another). \
             The child would sleep {EARLY_CHILD_MS} ms. Lost: the child slept its full time (init exit 0) instead of dying of a \
             forwarded TERM (exit 143). Modes: **PID 1**: the kernel drops a TERM sent to a namespace's PID 1 that neither blocks \
             nor catches it, and no init can act before its first instruction, so every init loses it (the runtime's race, not \
             the init's). **PID 1, TERM blocked at exec**: the launcher blocks SIGTERM, so the TERM stays pending until the init \
             takes it (the child unblocks everything first thing); a loss here is the init's own race between taking the signal \
             and its child being ready. **plain child**: such a TERM kills the init itself (\"init killed\", nothing forwarded; \
             the bench, a subreaper, kills the orphaned child)."
        ));
        self.line("");
        let mut rows = Vec::new();
        for mode in [Mode::Pid1, Mode::Pid1TermBlocked, Mode::Plain] {
            let mut acc = vec![Acc::default(); inits.len()];
            let mut round = 0usize;
            while acc.iter().any(|a| !a.done) {
                for j in 0..inits.len() {
                    let k = (j + round) % inits.len();
                    let a = &mut acc[k];
                    if a.done {
                        continue;
                    }
                    let t = Instant::now();
                    let outcome = early_one(&inits[k].argv(&[me, WORKLOAD, "sleep", &sleep_ms]), mode, &launcher);
                    a.spent += t.elapsed();
                    a.starts += 1;
                    match outcome {
                        Early::Forwarded => {}
                        Early::Lost => a.lost += 1,
                        Early::InitKilled => a.init_killed += 1,
                        Early::Other(e) => a.other.push(e),
                    }
                    if a.starts >= plan.early_max || a.spent >= plan.early_budget {
                        a.done = true;
                    }
                }
                round += 1;
            }
            for (i, a) in inits.iter().zip(&acc) {
                let mut other = a.other.clone();
                other.sort();
                other.dedup();
                let per_k = |n: usize| {
                    if a.starts > 0 {
                        format!("{:.1}", n as f64 * 1000.0 / a.starts as f64)
                    } else {
                        "–".into()
                    }
                };
                rows.push(vec![
                    i.name.to_string(),
                    match mode {
                        Mode::Pid1 => "PID 1".into(),
                        Mode::Pid1TermBlocked => "PID 1, TERM blocked at exec".into(),
                        _ => "plain child".into(),
                    },
                    a.starts.to_string(),
                    a.lost.to_string(),
                    per_k(a.lost),
                    if mode != Mode::Plain {
                        "n/a".into()
                    } else {
                        format!("{} ({}/1000)", a.init_killed, per_k(a.init_killed))
                    },
                    format!(
                        "{}{}",
                        a.other.len(),
                        if other.is_empty() { String::new() } else { format!(" ({})", other.join(", ")) }
                    ),
                ]);
            }
        }
        if let Some(saved) = pinned {
            CHILD_CPU.store(-1, Ordering::Relaxed);
            // SAFETY: restores our own affinity mask.
            unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &saved) };
        }
        self.table_left(
            &["init", "mode", "starts", "lost", "lost per 1000", "init killed by the TERM", "other outcomes"],
            &rows,
            2,
        );
        if pinned.is_none() {
            self.line("- fewer than 2 CPUs available: the bench and the init were not pinned apart, so \"right after start\" depends on the scheduler here.");
            self.line("");
        }
    }

    fn footer(&mut self, notes: &[String], elapsed: Duration) {
        self.line(&format!("Bench run time: {:.0} s.", elapsed.as_secs_f64()));
        if !notes.is_empty() {
            self.line("");
            self.line("Notes:");
            for n in notes {
                self.line(&format!("- {n}"));
            }
        }
    }
}

/// What became of one early SIGTERM.
enum Early {
    /// The child died of it (init exit 143).
    Forwarded,
    /// The child slept its full time (init exit 0).
    Lost,
    /// The init itself died of the TERM (plain mode only).
    InitKilled,
    Other(String),
}

/// One start for the early-SIGTERM test.
fn early_one(argv: &[String], mode: Mode, launcher: &str) -> Early {
    let mut ns = match Ns::spawn(argv, mode, None) {
        Ok(ns) => ns,
        Err(e) => return Early::Other(e.to_string()),
    };
    let comm = format!("/proc/{}/comm", ns.pid);
    let deadline = Instant::now() + Duration::from_secs(2);
    let outcome = loop {
        match fs::read_to_string(&comm) {
            Ok(c) if c != launcher => break None,
            Ok(_) if Instant::now() < deadline => {}
            _ => break Some(Early::Other("never exec'd".into())),
        }
    };
    let outcome = outcome.unwrap_or_else(|| {
        // SAFETY: our own child, not yet reaped.
        unsafe { libc::kill(ns.pid, libc::SIGTERM) };
        match ns.wait_raw(Duration::from_millis(EARLY_CHILD_MS + 2000)) {
            None => Early::Other("hung".into()),
            Some(st) if libc::WIFSIGNALED(st) && libc::WTERMSIG(st) == libc::SIGTERM => Early::InitKilled,
            Some(st) => match decode_status(st) {
                0 => Early::Lost,
                143 => Early::Forwarded,
                c => Early::Other(format!("exit {c}")),
            },
        }
    });
    drop(ns);
    if mode == Mode::Plain {
        kill_adopted();
    }
    outcome
}

/// Pins the bench to the first allowed CPU and future children to the
/// second; returns the old mask (None with fewer than two CPUs).
fn pin_apart() -> Option<libc::cpu_set_t> {
    // SAFETY: plain system calls on valid cpu_set_t values.
    unsafe {
        let mut saved: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut saved) != 0 {
            return None;
        }
        let allowed: Vec<usize> = (0..libc::CPU_SETSIZE as usize).filter(|&c| libc::CPU_ISSET(c, &saved)).collect();
        if allowed.len() < 2 {
            return None;
        }
        let mut mine: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(allowed[0], &mut mine);
        if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mine) != 0 {
            return None;
        }
        CHILD_CPU.store(allowed[1] as i32, Ordering::Relaxed);
        Some(saved)
    }
}

/// SIGKILLs and reaps every child of ours (orphans adopted as a subreaper).
fn kill_adopted() {
    let me = std::process::id();
    let Ok(s) = fs::read_to_string(format!("/proc/{me}/task/{me}/children")) else {
        return;
    };
    for pid in s.split_whitespace().filter_map(|p| p.parse::<libc::pid_t>().ok()) {
        // SAFETY: a child of ours (listed by the kernel), not yet reaped.
        unsafe { libc::kill(pid, libc::SIGKILL) };
        wait_pid(pid, Duration::from_secs(5));
    }
}

fn best_peer(inits: &[Init], f: impl Fn(&Init) -> Option<f64>) -> Option<f64> {
    inits
        .iter()
        .filter(|i| !i.nanoinit)
        .filter_map(f)
        .filter(|v| *v > 0.0)
        .fold(None, |m, v| Some(m.map_or(v, |m: f64| m.min(v))))
}

fn ratio(v: Option<f64>, best: Option<f64>) -> String {
    match (v, best) {
        (Some(v), Some(b)) if b > 0.0 => format!("{:.2}", v / b),
        _ => "–".into(),
    }
}

fn opt(v: Option<u64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "–".into())
}

fn median(v: &mut [f64]) -> Option<f64> {
    percentile(v, 50.0)
}

fn percentile(v: &mut [f64], p: f64) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let idx = ((p / 100.0) * (v.len() - 1) as f64).round() as usize;
    Some(v[idx.min(v.len() - 1)])
}

/// Counts, from an `strace -f` log: the init's syscalls after its own execve
/// up to the child's execve of `child`; the child's syscalls before that
/// execve; the init's syscalls over the whole run.
fn count_syscalls(text: &str, init: &str, child: &str) -> Option<(usize, usize, usize)> {
    let lines: Vec<(&str, &str)> =
        text.lines().filter_map(|l| l.split_once(' ')).map(|(p, r)| (p, r.trim_start())).collect();
    let init_exec = format!("execve(\"{init}\"");
    let child_exec = format!("execve(\"{child}\"");
    let is_call = |r: &str| !(r.starts_with("<...") || r.starts_with("---") || r.starts_with("+++"));
    let (ii, init_pid) =
        lines.iter().enumerate().find(|(_, (_, r))| r.starts_with(&init_exec)).map(|(n, (p, _))| (n, *p))?;
    let (ci, child_pid) = lines
        .iter()
        .enumerate()
        .skip(ii + 1)
        .find(|(_, (p, r))| *p != init_pid && r.starts_with(&child_exec))
        .map(|(n, (p, _))| (n, *p))?;
    let before = lines[ii + 1..ci].iter().filter(|(p, r)| *p == init_pid && is_call(r)).count();
    let child_n = lines[..ci].iter().filter(|(p, r)| *p == child_pid && is_call(r)).count();
    let total = lines[ii + 1..].iter().filter(|(p, r)| *p == init_pid && is_call(r)).count();
    Some((before, child_n, total))
}

// ---------------------------------------------------------------------------
// Workloads: this binary re-executed under an init.

fn workload(args: &[String]) -> ! {
    let arg = |n: usize| args.get(n).map(String::as_str).unwrap_or("");
    match arg(0) {
        "pause" => loop {
            // SAFETY: plain system call.
            unsafe { libc::pause() };
        },
        "sleep" => {
            // An init may hand down a blocked mask; a forwarded TERM must land.
            // SAFETY: plain system call on a valid empty set.
            unsafe {
                let mut empty: libc::sigset_t = std::mem::zeroed();
                libc::sigemptyset(&mut empty);
                libc::sigprocmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut());
            }
            std::thread::sleep(Duration::from_millis(arg(1).parse().unwrap_or(300)));
            std::process::exit(0)
        }
        "sigecho" => sigecho(arg(1)),
        "orphans" => orphans(arg(1).parse().unwrap_or(1000), arg(2)),
        "storm" => storm(arg(1).parse().unwrap_or(2000), arg(2)),
        "tree" => trees::tree(arg(1)),
        "treehost" => trees::treehost(arg(1), arg(2), args.get(3..).unwrap_or(&[])),
        other => {
            eprintln!("bench workload: unknown mode {other:?}");
            std::process::exit(2)
        }
    }
}

/// CPU the next spawned processes are pinned to (-1: none); see `Report::early`.
static CHILD_CPU: AtomicI32 = AtomicI32::new(-1);

static ECHO_FD: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_usr1(_: libc::c_int) {
    let b = b'x';
    // SAFETY: write(2) is async-signal-safe; the fd stays open for our lifetime.
    unsafe { libc::write(ECHO_FD.load(Ordering::Relaxed), (&b as *const u8).cast(), 1) };
}

/// Answers every SIGUSR1 with one byte on the FIFO at `path`.
fn sigecho(path: &str) -> ! {
    let f = OpenOptions::new().write(true).open(path).unwrap_or_else(|e| {
        eprintln!("sigecho: {path}: {e}");
        std::process::exit(1)
    });
    ECHO_FD.store(f.as_raw_fd(), Ordering::Relaxed);
    std::mem::forget(f);
    // SAFETY: installs an async-signal-safe handler; unblocks SIGUSR1.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_usr1 as extern "C" fn(libc::c_int) as libc::sighandler_t;
        sa.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(libc::SIGUSR1, &sa, std::ptr::null_mut());
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGUSR1);
        libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::write(ECHO_FD.load(Ordering::Relaxed), b"R".as_ptr().cast(), 1);
        loop {
            libc::pause();
        }
    }
}

fn write_result(out: &str, line: &str) {
    let _ = fs::write(out, line);
}

/// `n` orphans blocked on one pipe, released at once: time until all are reaped.
fn orphans(n: usize, out: &str) -> ! {
    let mut go = [0; 2];
    let mut pids = [0; 2];
    // SAFETY: single-threaded process; the forked children only make system calls.
    unsafe {
        if libc::pipe(go.as_mut_ptr()) != 0 || libc::pipe(pids.as_mut_ptr()) != 0 {
            std::process::exit(1);
        }
        let m = libc::fork();
        if m == 0 {
            libc::close(pids[0]);
            libc::close(go[1]);
            for _ in 0..n {
                let g = libc::fork();
                if g == 0 {
                    libc::close(pids[1]);
                    let mut b = 0u8;
                    libc::read(go[0], (&mut b as *mut u8).cast(), 1);
                    libc::_exit(0);
                }
                if g < 0 {
                    break;
                }
                libc::write(pids[1], (&g as *const libc::pid_t).cast(), 4);
            }
            libc::_exit(0);
        }
        libc::close(go[0]);
        libc::close(pids[1]);
    }
    let mut r = unsafe { File::from_raw_fd(pids[0]) };
    let mut bytes = Vec::new();
    let _ = r.read_to_end(&mut bytes);
    let mut alive: Vec<libc::pid_t> =
        bytes.chunks_exact(4).map(|c| libc::pid_t::from_ne_bytes([c[0], c[1], c[2], c[3]])).collect();
    let made = alive.len();
    // The intermediate has exited (its pipe end is closed); reap it so the
    // grandchildren are surely the init's.
    loop {
        let mut st = 0;
        if unsafe { libc::wait(&mut st) } < 0 {
            break;
        }
    }
    let t = Instant::now();
    unsafe { libc::close(go[1]) };
    let deadline = t + Duration::from_secs(5);
    let mut done_at = None;
    while Instant::now() < deadline {
        // SAFETY: signal 0 only checks existence; a zombie still exists.
        alive.retain(|&p| unsafe { libc::kill(p, 0) } == 0);
        if alive.is_empty() {
            done_at = Some(t.elapsed());
            break;
        }
        std::thread::sleep(Duration::from_micros(100));
    }
    let ms = done_at.unwrap_or_else(|| t.elapsed()).as_secs_f64() * 1e3;
    write_result(out, &format!("made={made} ms={ms:.3} left={}\n", alive.len()));
    std::process::exit(0)
}

/// Other processes of this PID namespace: (all, zombies).
fn others() -> (usize, usize) {
    let me = std::process::id().to_string();
    let (mut all, mut zombies) = (0, 0);
    if let Ok(d) = fs::read_dir("/proc") {
        for e in d.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name == "1" || name == me || !name.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            all += 1;
            if fs::read_to_string(format!("/proc/{name}/stat"))
                .ok()
                .and_then(|s| s.rsplit_once(") ").map(|(_, r)| r.starts_with('Z')))
                .unwrap_or(false)
            {
                zombies += 1;
            }
        }
    }
    (all, zombies)
}

/// `k` serial double-forks: each grandchild is orphaned and exits at once.
fn storm(k: usize, out: &str) -> ! {
    let t = Instant::now();
    let mut made = 0;
    for _ in 0..k {
        // SAFETY: single-threaded process; the children only fork and _exit.
        unsafe {
            let c = libc::fork();
            if c == 0 {
                libc::fork();
                libc::_exit(0);
            }
            if c < 0 {
                break;
            }
            let mut st = 0;
            libc::waitpid(c, &mut st, 0);
        }
        made += 1;
    }
    let (_, zombies_at_end) = others();
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut left = others().0;
    let mut ms = t.elapsed().as_secs_f64() * 1e3;
    while left > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_micros(200));
        ms = t.elapsed().as_secs_f64() * 1e3;
        left = others().0;
    }
    write_result(out, &format!("made={made} ms={ms:.3} zombies_at_end={zombies_at_end} left={left}\n"));
    std::process::exit(0)
}

// ---------------------------------------------------------------------------
// Small things

fn say(s: &str) {
    eprintln!("{s}");
}

fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0")
}

fn report_path() -> PathBuf {
    if let Ok(p) = std::env::var("NANOINIT_BENCH_REPORT") {
        return PathBuf::from(p);
    }
    // CARGO_TARGET_TMPDIR is <target dir>[/<triple>]/tmp; the report goes to
    // <target dir>/bench (the outermost of the two with a CACHEDIR.TAG).
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let target = tmp
        .ancestors()
        .skip(1)
        .take(2)
        .filter(|d| d.join("CACHEDIR.TAG").exists())
        .last()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench").join("report.md")
}

fn utc_now() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let (days, rem) = (secs.div_euclid(86400), secs.rem_euclid(86400));
    // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let mut s = String::new();
    let _ = write!(s, "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", rem / 3600, rem % 3600 / 60, rem % 60);
    s
}

/// A private temporary directory, removed on drop.
struct TmpDir(PathBuf);

impl TmpDir {
    fn new() -> io::Result<TmpDir> {
        let p = std::env::temp_dir().join(format!("nanoinit-bench.{}", std::process::id()));
        fs::create_dir_all(&p)?;
        Ok(TmpDir(p))
    }
}

impl Drop for TmpDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
