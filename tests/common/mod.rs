//! Shared test harness: runs the built nanoinit as PID 1 of a new PID
//! namespace (`unshare --pid --fork --mount-proc`) or as a plain process (a
//! subreaper), with a deadline on everything and cleanup of only what it started.
#![allow(dead_code)]

use std::fs;
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Default deadline for one run.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// The binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_nanoinit")
}

/// How the init is started.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// PID 1 of a fresh PID namespace.
    Pid1,
    /// A plain child of the test (nanoinit makes itself a subreaper).
    Subreaper,
}

/// Both modes, for table-driven tests.
pub const MODES: [Mode; 2] = [Mode::Pid1, Mode::Subreaper];

/// A command that runs `prog args...` (prog is nanoinit unless `argv0` is used).
pub fn command(mode: Mode, args: &[&str]) -> Command {
    command_as(mode, bin(), args)
}

/// Every environment variable nanoinit reads; removed from each command so the
/// caller's environment cannot change a result (a test sets what it needs).
pub const OUR_VARS: [&str; 17] = [
    "TINI_SUBREAPER",
    "TINI_KILL_PROCESS_GROUP",
    "TINI_VERBOSITY",
    "DUMB_INIT_SETSID",
    "DUMB_INIT_DEBUG",
    "NANOINIT_VERBOSITY",
    "NANOINIT_SUBREAPER",
    "NANOINIT_PGROUP",
    "NANOINIT_SINGLE_CHILD",
    "NANOINIT_SETSID",
    "NANOINIT_REWRITE",
    "NANOINIT_REMAP_EXIT",
    "NANOINIT_PDEATHSIG",
    "NANOINIT_WARN_REAP",
    "NANOINIT_GRACE",
    "NANOINIT_WAIT",
    "NANOINIT_SIGNAL_ALL",
];

/// Like [`command`] but running `exe` (e.g. a `tini` symlink to nanoinit).
/// `unshare` is named by absolute path, so a test may clear the environment or
/// change PATH.
pub fn command_as(mode: Mode, exe: &str, args: &[&str]) -> Command {
    let mut c = match mode {
        Mode::Pid1 => {
            let mut c = Command::new(which("unshare").expect("unshare not found"));
            // --kill-child: if the test kills unshare, the init (and so the
            // whole namespace) dies with it.
            c.args(["--pid", "--fork", "--mount-proc", "--kill-child=SIGKILL", exe]);
            c
        }
        Mode::Subreaper => Command::new(exe),
    };
    c.args(args);
    for v in OUR_VARS {
        c.env_remove(v);
    }
    c.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    // Its own process group, so a cleanup kill reaches what it started and nothing else.
    c.process_group(0);
    c
}

/// What a finished run left.
#[derive(Debug)]
pub struct Output {
    /// Exit code, or 128+N when killed by signal N.
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

/// A running init.
pub struct Init {
    child: Option<Child>,
    /// nanoinit's pid as the host sees it.
    pub pid: i32,
    out: Option<Pipe>,
    err: Option<Pipe>,
    started: Instant,
}

/// Output collected from a pipe by a thread. A descendant that outlives the
/// init (an orphan nanoinit was told not to wait for) may hold the pipe open
/// forever, so collection has a deadline instead of waiting for EOF.
struct Pipe {
    data: Arc<Mutex<Vec<u8>>>,
    eof: Arc<AtomicBool>,
}

/// How long output may keep coming after the init has exited.
const DRAIN: Duration = Duration::from_secs(2);

impl Pipe {
    fn text(&self) -> String {
        poll(DRAIN, || self.eof.load(Ordering::SeqCst).then_some(()));
        String::from_utf8_lossy(&self.data.lock().unwrap()).into_owned()
    }
}

fn reader(mut r: impl Read + Send + 'static) -> Pipe {
    let data = Arc::new(Mutex::new(Vec::new()));
    let eof = Arc::new(AtomicBool::new(false));
    let (d, e) = (data.clone(), eof.clone());
    thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = r.read(&mut buf) {
            d.lock().unwrap().extend_from_slice(&buf[..n]);
        }
        e.store(true, Ordering::SeqCst);
    });
    Pipe { data, eof }
}

/// Reads `/proc/PID/FILE`, empty when gone.
pub fn proc_file(pid: i32, file: &str) -> String {
    fs::read_to_string(format!("/proc/{pid}/{file}")).unwrap_or_default()
}

/// A field of `/proc/PID/status` (e.g. `SigBlk`).
pub fn status_field(pid: i32, field: &str) -> Option<String> {
    proc_file(pid, "status").lines().find_map(|l| l.strip_prefix(&format!("{field}:")).map(|v| v.trim().to_string()))
}

/// Direct children of `pid` (needs CONFIG_PROC_CHILDREN).
pub fn children(pid: i32) -> Vec<i32> {
    proc_file(pid, &format!("task/{pid}/children")).split_whitespace().filter_map(|s| s.parse().ok()).collect()
}

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

impl Init {
    /// Starts `cmd` and waits until nanoinit itself has been exec'd.
    pub fn start(mut cmd: Command, mode: Mode) -> Init {
        let mut child = cmd.spawn().expect("spawn");
        let out = child.stdout.take().map(reader);
        let err = child.stderr.take().map(reader);
        let outer = child.id() as i32;
        let mut init = Init { child: Some(child), pid: outer, out, err, started: Instant::now() };
        // A run that ends at once (usage error, exec failure) has no pid to find.
        if mode == Mode::Pid1 {
            init.pid = poll(DEADLINE, || match children(outer).first() {
                Some(&p) => Some(p),
                None if init.exited() => Some(-1),
                None => None,
            })
            .expect("unshare never forked");
        }
        let pid = init.pid;
        poll(DEADLINE, || {
            (pid < 0 || init.exited() || !matches!(proc_file(pid, "comm").trim(), "unshare" | "")).then_some(())
        });
        init
    }

    /// Whether the started process has ended (it stays a zombie until waited).
    fn exited(&self) -> bool {
        let id = self.child.as_ref().map_or(0, |c| c.id() as i32);
        proc_file(id, "stat").rsplit(')').next().is_none_or(|f| f.trim_start().starts_with('Z'))
    }

    /// Starts and waits until every signal is blocked (nanoinit's first action),
    /// so a signal sent now is never lost.
    pub fn start_ready(cmd: Command, mode: Mode) -> Init {
        let init = Init::start(cmd, mode);
        let pid = init.pid;
        // SIGKILL and SIGSTOP cannot be blocked: the kernel shows fffffffffffbfeff.
        const UNBLOCKABLE: u64 = 1 << (libc::SIGKILL - 1) | 1 << (libc::SIGSTOP - 1);
        let all = || {
            status_field(pid, "SigBlk")
                .and_then(|m| u64::from_str_radix(&m, 16).ok())
                .is_some_and(|m| m | UNBLOCKABLE == u64::MAX)
        };
        poll(DEADLINE, || (pid < 0 || init.exited() || all()).then_some(()));
        init
    }

    /// Waits until the init has a child (the main program is running).
    pub fn main_child(&self) -> i32 {
        let pid = self.pid;
        poll(DEADLINE, || children(pid).first().copied()).expect("no main child")
    }

    /// Sends `sig` to nanoinit from outside (the way `docker kill` does).
    pub fn signal(&self, sig: i32) {
        // -1 means "exited before its pid was found"; kill(-1) would signal everything.
        assert!(self.pid > 0, "no init pid to signal");
        unsafe {
            libc::kill(self.pid, sig);
        }
    }

    /// Waits for the run to end within `deadline`, or kills it and panics.
    pub fn wait_for(mut self, deadline: Duration) -> Output {
        let mut child = self.child.take().unwrap();
        let end = self.started + deadline;
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if Instant::now() > end {
                kill_tree(&mut child);
                let err = self.err.take().map(|p| p.text()).unwrap_or_default();
                panic!("init still running after {deadline:?}; stderr:\n{err}");
            }
            thread::sleep(Duration::from_millis(5));
        };
        let elapsed = self.started.elapsed();
        let code = status.code().unwrap_or_else(|| 128 + status.signal().unwrap_or(0));
        let stdout = self.out.take().map(|p| p.text()).unwrap_or_default();
        let stderr = self.err.take().map(|p| p.text()).unwrap_or_default();
        Output { code, stdout, stderr, elapsed }
    }

    /// [`Init::wait_for`] with the default deadline.
    pub fn wait(self) -> Output {
        self.wait_for(DEADLINE)
    }
}

fn kill_tree(child: &mut Child) {
    // The child leads its own process group (see `command_as`).
    unsafe {
        libc::kill(-(child.id() as i32), libc::SIGKILL);
    }
    let _ = child.kill();
    let _ = child.wait();
}

impl Drop for Init {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            kill_tree(&mut c);
        }
    }
}

/// Runs to completion: start, wait, collect.
pub fn run(mode: Mode, args: &[&str]) -> Output {
    Init::start(command(mode, args), mode).wait()
}

/// Zombies (state Z) among the processes of `/proc` whose ancestry includes `root`.
pub fn zombies_under(root: i32) -> Vec<i32> {
    let mut z = Vec::new();
    for e in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else { continue };
        let stat = proc_file(pid, "stat");
        let Some(close) = stat.rfind(')') else { continue };
        let mut f = stat[close + 1..].split_whitespace();
        if f.next() == Some("Z") && descends(pid, root) {
            z.push(pid);
        }
    }
    z
}

/// Parent pid from /proc.
pub fn ppid(pid: i32) -> Option<i32> {
    let stat = proc_file(pid, "stat");
    let close = stat.rfind(')')?;
    stat[close + 1..].split_whitespace().nth(1)?.parse().ok()
}

/// Whether `root` is an ancestor of `pid`.
pub fn descends(pid: i32, root: i32) -> bool {
    let mut cur = pid;
    for _ in 0..4096 {
        match ppid(cur) {
            Some(p) if p == root => return true,
            Some(p) if p > 1 => cur = p,
            _ => return false,
        }
    }
    false
}

/// Whether we are root (the PID-namespace tests need it).
pub fn is_root() -> bool {
    unsafe { libc::geteuid() == 0 }
}

// ---- Helpers added for tests/core.rs ----

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("nanoinit-{tag}-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }

    /// `self/rel` as a string.
    pub fn join(&self, rel: &str) -> String {
        self.0.join(rel).to_string_lossy().into_owned()
    }

    pub fn path(&self) -> String {
        self.0.to_string_lossy().into_owned()
    }

    /// A symlink `self/name` → the nanoinit binary (`tini`, `dumb-init`, ...).
    pub fn personality(&self, name: &str) -> String {
        let link = self.join(name);
        if fs::symlink_metadata(&link).is_err() {
            std::os::unix::fs::symlink(bin(), &link).unwrap();
        }
        link
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Writes `content` to `path` with permissions `mode` (octal string, e.g. "755").
/// The file is written by a short-lived `sh`, never through an fd of the test
/// process: a write fd held here would leak into children other test threads
/// fork at that moment, and exec of the file would fail with ETXTBSY.
pub fn write_file(path: &str, content: &str, mode: &str) {
    use std::io::Write;
    if let Some(dir) = std::path::Path::new(path).parent() {
        fs::create_dir_all(dir).expect("create dirs");
    }
    let mut c = Command::new("sh")
        .args(["-c", "cat > \"$1\" && chmod \"$2\" \"$1\"", "sh", path, mode])
        .stdin(Stdio::piped())
        .spawn()
        .expect("spawn sh to write a file");
    c.stdin.take().unwrap().write_all(content.as_bytes()).unwrap();
    assert!(c.wait().unwrap().success(), "writing {path} failed");
}

/// Absolute path of `name` found in the test's own PATH (so a Command whose
/// environment changes PATH can still find it).
pub fn which(name: &str) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var("PATH").unwrap_or_else(|_| "/usr/local/bin:/usr/bin:/bin".into());
    path.split(':').map(|d| std::path::Path::new(d).join(name)).find_map(|p| {
        let m = fs::metadata(&p).ok()?;
        (m.is_file() && m.permissions().mode() & 0o111 != 0).then(|| p.to_string_lossy().into_owned())
    })
}

/// A `/proc/PID/status` signal mask field (`SigCgt`, `SigBlk`, ...) as a number.
pub fn sig_mask(pid: i32, field: &str) -> Option<u64> {
    u64::from_str_radix(&status_field(pid, field)?, 16).ok()
}

/// Whether `pid` has a handler installed for `sig` (e.g. a shell trap).
pub fn catches(pid: i32, sig: i32) -> bool {
    sig_mask(pid, "SigCgt").is_some_and(|m| m & (1u64 << (sig - 1)) != 0)
}

/// Waits until `pid` catches `sig`; panics after the deadline.
pub fn wait_catches(pid: i32, sig: i32) {
    poll(DEADLINE, || catches(pid, sig).then_some(()))
        .unwrap_or_else(|| panic!("pid {pid} never installed a handler for signal {sig}"));
}

/// Waits until `pid`'s comm is `comm` (e.g. the child has exec'd `sleep`).
pub fn wait_comm(pid: i32, comm: &str) {
    poll(DEADLINE, || (proc_file(pid, "comm").trim() == comm).then_some(()))
        .unwrap_or_else(|| panic!("pid {pid} never became {comm:?} (comm {:?})", proc_file(pid, "comm").trim()));
}

/// `pid` as its own (innermost) PID namespace sees it: the last `NSpid` entry.
pub fn ns_pid(pid: i32) -> Option<i32> {
    status_field(pid, "NSpid")?.split_whitespace().last()?.parse().ok()
}

/// Open fds of `pid` with their link targets, sorted by number.
pub fn fds(pid: i32) -> Vec<(i32, String)> {
    let mut v: Vec<(i32, String)> = fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| {
            d.flatten()
                .filter_map(|e| {
                    let n = e.file_name().to_string_lossy().parse().ok()?;
                    let t = fs::read_link(e.path()).ok()?.to_string_lossy().into_owned();
                    Some((n, t))
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Every live process whose ancestry includes `root` (zombies included).
pub fn descendants(root: i32) -> Vec<i32> {
    fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().to_string_lossy().parse::<i32>().ok())
                .filter(|&p| descends(p, root))
                .collect()
        })
        .unwrap_or_default()
}

/// Start time of `pid` (field 22 of its stat), to tell it from a later process
/// that reuses the number.
pub fn start_time(pid: i32) -> Option<u64> {
    let stat = proc_file(pid, "stat");
    let close = stat.rfind(')')?;
    stat[close + 1..].split_whitespace().nth(19)?.parse().ok()
}

/// On drop, SIGKILLs every descendant of the pid (if that pid is still the
/// same process). Declare it after the [`Init`] it guards so it drops first:
/// in subreaper mode the init's own cleanup kill reaches only its process
/// group, not the child's, which nanoinit moves to a group of its own.
pub struct TreeGuard {
    pid: i32,
    start: Option<u64>,
}

impl TreeGuard {
    pub fn new(pid: i32) -> TreeGuard {
        TreeGuard { pid, start: start_time(pid) }
    }
}

impl Drop for TreeGuard {
    fn drop(&mut self) {
        if self.start.is_none() || start_time(self.pid) != self.start {
            return;
        }
        for p in descendants(self.pid) {
            unsafe {
                libc::kill(p, libc::SIGKILL);
            }
        }
    }
}

// ---- Helpers added for tests/storms.rs, hostile.rs, hygiene.rs ----

/// Waits until `path` exists, or panics after `within`.
pub fn wait_for_file(path: &str, within: Duration) {
    poll(within, || std::path::Path::new(path).exists().then_some(()))
        .unwrap_or_else(|| panic!("{path} never appeared"));
}

/// Spins (yielding) until `f` holds, at most `within`; whether it did.
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

// ---------------------------------------------------------------- added for tests/dropin.rs

impl Init {
    /// The process the test started: `unshare` in [`Mode::Pid1`], nanoinit itself otherwise.
    pub fn outer(&self) -> i32 {
        self.child.as_ref().map_or(-1, |c| c.id() as i32)
    }

    /// Whether the started process has ended (without collecting it).
    pub fn has_exited(&self) -> bool {
        self.exited()
    }
}

/// The fields of `/proc/PID/stat` after the comm: `[0]` is the state (field 3 of
/// proc(5)), `[1]` ppid, `[2]` pgrp, `[3]` session, `[4]` tty_nr, `[5]` tpgid.
pub fn stat_fields(pid: i32) -> Vec<String> {
    let stat = proc_file(pid, "stat");
    match stat.rfind(')') {
        Some(close) => stat[close + 1..].split_whitespace().map(str::to_string).collect(),
        None => Vec::new(),
    }
}

/// One numeric field of [`stat_fields`].
pub fn stat_num(pid: i32, index: usize) -> Option<i64> {
    stat_fields(pid).get(index)?.parse().ok()
}

/// The process state letter (`S`, `R`, `T`, `Z`, ...), `None` when gone.
pub fn state(pid: i32) -> Option<char> {
    stat_fields(pid).first()?.chars().next()
}

/// Whether `pid` exists and is not a zombie.
pub fn alive(pid: i32) -> bool {
    pid > 0 && !matches!(state(pid), None | Some('Z') | Some('X'))
}

/// Every process whose ancestry includes `root`.
pub fn tree(root: i32) -> Vec<i32> {
    let mut v = Vec::new();
    for e in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else { continue };
        if descends(pid, root) {
            v.push(pid);
        }
    }
    v
}

/// The host pid of the process under `root` whose pid in its own namespace is `ns_pid`.
pub fn host_pid(root: i32, ns_pid: i32) -> Option<i32> {
    let own = |p: i32| status_field(p, "NSpid").and_then(|v| v.split_whitespace().last()?.parse::<i32>().ok());
    if own(root) == Some(ns_pid) {
        return Some(root);
    }
    tree(root).into_iter().find(|&p| own(p) == Some(ns_pid))
}

/// Waits until `sig` is no longer pending for the whole process `pid` (nanoinit
/// has read it from its signalfd and acted on it). False on timeout.
pub fn wait_consumed(pid: i32, sig: i32) -> bool {
    let bit = 1u64 << (sig - 1);
    poll(DEADLINE, || {
        let pending = status_field(pid, "ShdPnd").and_then(|v| u64::from_str_radix(&v, 16).ok()).unwrap_or(0);
        (pending & bit == 0).then_some(())
    })
    .is_some()
}

impl Init {
    /// Whether the started process ends within `d`. It is not collected: call
    /// [`Init::wait_for`] afterwards either way.
    pub fn ends_within(&self, d: Duration) -> bool {
        poll(d, || self.exited().then_some(())).is_some()
    }
}

/// Whether `pid` blocks every signal that can be blocked.
pub fn blocks_all(pid: i32) -> bool {
    const UNBLOCKABLE: u64 = 1 << (libc::SIGKILL - 1) | 1 << (libc::SIGSTOP - 1);
    sig_mask(pid, "SigBlk").is_some_and(|m| m | UNBLOCKABLE == u64::MAX)
}
