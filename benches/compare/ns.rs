//! Process plumbing: starting an init as PID 1 of a new PID namespace (or as a
//! plain child), waiting with deadlines, CPU pinning, reading /proc.
use super::*;

/// How an init is started.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
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
pub struct Ns {
    pub pid: libc::pid_t,
    /// Raw wait status once reaped.
    pub status: Option<i32>,
}

impl Ns {
    /// A fork-like `clone` (with CLONE_NEWPID unless `Mode::Plain`) + exec
    /// `argv`, with an empty signal mask (but see `Mode::Pid1TermBlocked`)
    /// and default SIGPIPE. stdin is
    /// /dev/null; stdout and stderr go to `out` (or /dev/null).
    pub fn spawn(argv: &[String], mode: Mode, out: Option<RawFd>) -> io::Result<Ns> {
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
                default_dispositions();
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
    pub fn wait(&mut self, d: Duration) -> Option<i32> {
        self.wait_raw(d).map(decode_status)
    }

    /// The raw wait status, or None at the deadline.
    pub fn wait_raw(&mut self, d: Duration) -> Option<i32> {
        if self.status.is_none() {
            self.status = wait_pid(self.pid, d);
        }
        self.status
    }

    pub fn kill(&mut self) {
        if self.status.is_none() {
            // SAFETY: our own child, not yet reaped, so the pid is still ours.
            unsafe { libc::kill(self.pid, libc::SIGKILL) };
            self.status = wait_pid(self.pid, Duration::from_secs(10));
        }
    }

    /// The first child of the init (as we see it), once it exists.
    pub fn first_child(&self) -> Option<libc::pid_t> {
        let s = fs::read_to_string(format!("/proc/{0}/task/{0}/children", self.pid)).ok()?;
        s.split_whitespace().next()?.parse().ok()
    }
}

impl Drop for Ns {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn decode_status(st: i32) -> i32 {
    if libc::WIFEXITED(st) {
        libc::WEXITSTATUS(st)
    } else if libc::WIFSIGNALED(st) {
        128 + libc::WTERMSIG(st)
    } else {
        -1
    }
}

/// waitpid with a deadline: a pidfd to sleep on, polling as the fallback.
pub fn wait_pid(pid: libc::pid_t, d: Duration) -> Option<i32> {
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
pub fn poll_in(fd: RawFd, d: Duration) -> bool {
    let ms = d.as_millis().clamp(1, i32::MAX as u128) as i32;
    let mut p = libc::pollfd { fd, events: libc::POLLIN, revents: 0 };
    // SAFETY: one valid pollfd.
    unsafe { libc::poll(&mut p, 1, ms) > 0 }
}

pub fn wait_child(child: &mut std::process::Child, d: Duration) -> Option<std::process::ExitStatus> {
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

pub fn proc_status_field(pid: libc::pid_t, field: &str) -> Option<u64> {
    let s = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    field_value(&s, field)
}

pub fn field_value(text: &str, field: &str) -> Option<u64> {
    text.lines().find_map(|l| l.strip_prefix(field)?.strip_prefix(':')?.split_whitespace().next()?.parse().ok())
}

pub fn own_comm() -> String {
    fs::read_to_string("/proc/self/comm").unwrap_or_default()
}

/// CPU the next spawned processes are pinned to (-1: none); see `Report::early`.
pub static CHILD_CPU: AtomicI32 = AtomicI32::new(-1);

/// Pins the bench to the first allowed CPU and future children to the
/// second; returns the old mask (None with fewer than two CPUs).
pub fn pin_apart() -> Option<libc::cpu_set_t> {
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
pub fn kill_adopted() {
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

/// Sets every signal's disposition to the default, as runc and crun do before
/// they exec a container's PID 1, so that what an init does at start-up does
/// not depend on what the bench's own parent ignored (a `nohup` ignores HUP).
/// A raw `rt_sigaction` with an all-zero action: glibc refuses 32 and 33.
///
/// # Safety
/// Only between fork and exec (it changes the whole process's dispositions).
pub unsafe fn default_dispositions() {
    let dfl = [0u64; 4];
    for sig in 1..=64 {
        if sig != libc::SIGKILL && sig != libc::SIGSTOP {
            libc::syscall(libc::SYS_rt_sigaction, sig, dfl.as_ptr(), std::ptr::null::<u64>(), 8);
        }
    }
}
