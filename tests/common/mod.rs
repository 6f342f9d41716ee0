//! Shared test harness: runs the built nanoinit as PID 1 of a new PID
//! namespace (`unshare --pid --fork --mount-proc`) or as a plain process (a
//! subreaper), with a deadline on everything and cleanup of only what it started.
#![allow(dead_code)]

use std::fs;
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, Stdio};
use std::thread::{self, JoinHandle};
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

/// Like [`command`] but running `exe` (e.g. a `tini` symlink to nanoinit).
pub fn command_as(mode: Mode, exe: &str, args: &[&str]) -> Command {
    let mut c = match mode {
        Mode::Pid1 => {
            let mut c = Command::new("unshare");
            // --kill-child: if the test kills unshare, the init (and so the
            // whole namespace) dies with it.
            c.args(["--pid", "--fork", "--mount-proc", "--kill-child=SIGKILL", exe]);
            c
        }
        Mode::Subreaper => Command::new(exe),
    };
    c.args(args);
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
    out: Option<JoinHandle<String>>,
    err: Option<JoinHandle<String>>,
    started: Instant,
}

fn reader(mut r: impl Read + Send + 'static) -> JoinHandle<String> {
    thread::spawn(move || {
        let mut v = Vec::new();
        let _ = r.read_to_end(&mut v);
        String::from_utf8_lossy(&v).into_owned()
    })
}

/// Reads `/proc/PID/FILE`, empty when gone.
pub fn proc_file(pid: i32, file: &str) -> String {
    fs::read_to_string(format!("/proc/{pid}/{file}")).unwrap_or_default()
}

/// A field of `/proc/PID/status` (e.g. `SigBlk`).
pub fn status_field(pid: i32, field: &str) -> Option<String> {
    proc_file(pid, "status")
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")).map(|v| v.trim().to_string()))
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
        poll(DEADLINE, || (pid < 0 || init.exited() || !matches!(proc_file(pid, "comm").trim(), "unshare" | "")).then_some(()));
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
        poll(DEADLINE, || (status_field(pid, "SigBlk").as_deref() == Some("ffffffffffffffff")).then_some(()));
        init
    }

    /// Waits until the init has a child (the main program is running).
    pub fn main_child(&self) -> i32 {
        let pid = self.pid;
        poll(DEADLINE, || children(pid).first().copied()).expect("no main child")
    }

    /// Sends `sig` to nanoinit from outside (the way `docker kill` does).
    pub fn signal(&self, sig: i32) {
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
                let err = self.err.take().map(|h| h.join().unwrap()).unwrap_or_default();
                panic!("init still running after {deadline:?}; stderr:\n{err}");
            }
            thread::sleep(Duration::from_millis(5));
        };
        let elapsed = self.started.elapsed();
        let code = status.code().unwrap_or_else(|| 128 + status.signal().unwrap_or(0));
        let stdout = self.out.take().map(|h| h.join().unwrap()).unwrap_or_default();
        let stderr = self.err.take().map(|h| h.join().unwrap()).unwrap_or_default();
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
