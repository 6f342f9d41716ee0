//! Starting an init (PID 1 of a new namespace, or a subreaper), waiting for it
//! with a deadline, and killing only what it started.
use super::{blocks_all, children, descendants, poll, proc_file, start_time, state, which, DEADLINE};
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

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

/// Every environment variable nanoinit reads; removed from each command so the
/// caller's environment cannot change a result (a test sets what it needs).
pub const OUR_VARS: [&str; 19] = [
    "TINI_SUBREAPER",
    "TINI_KILL_PROCESS_GROUP",
    "TINI_VERBOSITY",
    "DUMB_INIT_SETSID",
    "DUMB_INIT_DEBUG",
    "NANOINIT_VERBOSITY",
    "NANOINIT_VERBOSE",
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
    "NANOINIT_PAUSE",
];

/// Removes [`OUR_VARS`] from `c`'s environment.
pub fn without_our_vars(c: &mut Command) -> &mut Command {
    for v in OUR_VARS {
        c.env_remove(v);
    }
    c
}

/// A command that runs nanoinit with `args`.
pub fn command(mode: Mode, args: &[&str]) -> Command {
    command_as(mode, bin(), args)
}

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
    without_our_vars(c.args(args));
    c.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    // Its own process group, so a cleanup kill reaches what it started and nothing else.
    c.process_group(0);
    c
}

/// Runs to completion: start, wait, collect.
pub fn run(mode: Mode, args: &[&str]) -> Output {
    Init::start(command(mode, args), mode).wait()
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
                None if init.has_exited() => Some(-1),
                None => None,
            })
            .expect("unshare never forked");
        }
        let pid = init.pid;
        poll(DEADLINE, || {
            (pid < 0 || init.has_exited() || !matches!(proc_file(pid, "comm").trim(), "unshare" | "")).then_some(())
        });
        init
    }

    /// Starts and waits until every signal is blocked (nanoinit's first action),
    /// so a signal sent now is never lost.
    pub fn start_ready(cmd: Command, mode: Mode) -> Init {
        let init = Init::start(cmd, mode);
        let pid = init.pid;
        poll(DEADLINE, || (pid < 0 || init.has_exited() || blocks_all(pid)).then_some(()));
        init
    }

    /// The process the test started: `unshare` in [`Mode::Pid1`], nanoinit itself otherwise.
    pub fn outer(&self) -> i32 {
        self.child.as_ref().map_or(-1, |c| c.id() as i32)
    }

    /// Whether the started process has ended (it stays a zombie until waited,
    /// so this does not collect it).
    pub fn has_exited(&self) -> bool {
        state(self.outer()).is_none_or(|s| s == 'Z')
    }

    /// Whether the started process ends within `d`. It is not collected: call
    /// [`Init::wait_for`] afterwards either way.
    pub fn ends_within(&self, d: Duration) -> bool {
        poll(d, || self.has_exited().then_some(())).is_some()
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
        // SAFETY: kill has no memory preconditions; the pid is the init we started.
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

impl Drop for Init {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            kill_tree(&mut c);
        }
    }
}

fn kill_tree(child: &mut Child) {
    // SAFETY: kill has no memory preconditions. The child leads its own process
    // group (see `command_as`), so this reaches only what the test started.
    unsafe {
        libc::kill(-(child.id() as i32), libc::SIGKILL);
    }
    let _ = child.kill();
    let _ = child.wait();
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
            // SAFETY: kill has no memory preconditions; p descends from our init.
            unsafe {
                libc::kill(p, libc::SIGKILL);
            }
        }
    }
}
