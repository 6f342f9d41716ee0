//! The syscall layer: the only `unsafe` in nanoinit besides the entry point.
//!
//! Every syscall nanoinit makes is a raw one here, each behind a safe function
//! with a typed result, through the `syscall3`/`syscall5` of `arch`. rustix supplies
//! types only (`Pid`): on i686 its syscalls go through the vDSO, whose parser
//! costs ~2.8 KB and keeps panic paths the release link refuses, and its
//! runtime calls (clone, execve, the signal mask) are private anyway.
//!
//! # Safety
//! Everything here relies on nanoinit being single-threaded (no libc, no threads),
//! so a fork-style `clone` copies a consistent address space.
#![allow(unsafe_code)]

use core::ffi::CStr;
use core::marker::PhantomData;
use nanoinit::signals::SigSet;
use rustix::process::Pid;
use static_assertions::const_assert_eq;

// One file per architecture: the entry point, the system-call instruction and
// the memory routines core calls. Everything else is shared.
#[cfg_attr(target_arch = "x86_64", path = "x86_64.rs")]
#[cfg_attr(target_arch = "aarch64", path = "aarch64.rs")]
#[cfg_attr(target_arch = "arm", path = "arm.rs")]
#[cfg_attr(target_arch = "x86", path = "x86.rs")]
#[cfg_attr(target_arch = "riscv64", path = "riscv64.rs")]
#[cfg_attr(target_arch = "powerpc64", path = "powerpc64.rs")]
#[cfg_attr(target_arch = "s390x", path = "s390x.rs")]
mod arch;
#[cfg(not(any(
    target_arch = "x86_64",
    target_arch = "aarch64",
    target_arch = "arm",
    target_arch = "x86",
    target_arch = "riscv64",
    all(target_arch = "powerpc64", target_endian = "little"),
    target_arch = "s390x",
)))]
compile_error!("nanoinit supports x86_64, aarch64, armv7, i686, riscv64, powerpc64le and s390x");

use arch::{syscall3, syscall5};

/// Bytes in the kernel's signal set (64 signals), as rt_sigprocmask and signalfd4 want it.
const KERNEL_SIGSET: usize = 8;
const_assert_eq!(KERNEL_SIGSET * 8, nanoinit::signals::NSIG as usize);

/// Size of one `struct signalfd_siginfo` record.
pub const SIGINFO_SIZE: usize = 128;
const_assert_eq!(core::mem::size_of::<libc::signalfd_siginfo>(), SIGINFO_SIZE);
const_assert_eq!(core::mem::offset_of!(libc::signalfd_siginfo, ssi_signo), 0);
const_assert_eq!(core::mem::offset_of!(libc::signalfd_siginfo, ssi_code), 8);
const_assert_eq!(core::mem::offset_of!(libc::signalfd_siginfo, ssi_pid), 12);

/// An errno value a syscall failed with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Error(pub i32);

/// A syscall's result.
pub type Result<T> = core::result::Result<T, Error>;

/// Turns a raw syscall return into a `Result`.
fn check(ret: isize) -> Result<usize> {
    if (-4095..0).contains(&ret) {
        Err(Error(-ret as i32))
    } else {
        Ok(ret as usize)
    }
}

/// `rt_sigprocmask(SIG_SETMASK, mask)`—sets the signal mask.
// Chosen by scripts/inline-search.py.
#[inline(always)]
pub fn set_mask(mask: u64) -> Result<()> {
    // SAFETY: `mask` is 8 readable bytes, the size argument says 8, and the
    // old-mask pointer is null.
    check(unsafe {
        syscall5(
            libc::SYS_rt_sigprocmask as usize,
            libc::SIG_SETMASK as usize,
            &mask as *const u64 as usize,
            0,
            KERNEL_SIGSET,
            0,
        )
    })
    .map(|_| ())
}

/// Blocks every signal, real-time ones included.
pub fn block_all() -> Result<()> {
    set_mask(SigSet::ALL.0)
}

/// The kernel's `struct sigaction` for SIG_DFL: no flags, no restorer, an
/// empty mask. Its layout differs by architecture (riscv64 has no restorer,
/// 32-bit ones have 4-byte words), but all zero bytes mean the same everywhere,
/// and 32 bytes cover the largest (the kernel reads only its own size).
const SIGACTION_DFL: [u64; 4] = [0; 4];
const_assert_eq!(libc::SIG_DFL, 0);
// writable_now hands the kernel one pollfd as libc lays it out.
const_assert_eq!(core::mem::size_of::<libc::pollfd>(), 8);

/// `rt_sigaction(sig, SIG_DFL)` for each signal of `set`: an inherited SIG_IGN
/// would otherwise reach the child (and an ignored SIGCHLD would make the kernel
/// reap our children before we see their status). KILL and STOP are refused by
/// the kernel, harmlessly.
#[inline(always)]
pub fn default_dispositions(set: SigSet) {
    let dfl = SIGACTION_DFL;
    let (mut left, mut sig) = (set.0, 0usize);
    // A shift loop rather than a range over 1..=64: smaller, and it stops after
    // the last signal to reset.
    while left != 0 {
        sig += 1;
        if left & 1 != 0 {
            // SAFETY: `dfl` is a valid kernel sigaction (see SIGACTION_DFL) for the
            // duration of the call, the old-action pointer is null, and the set size is the kernel's.
            let _ = unsafe {
                syscall5(libc::SYS_rt_sigaction as usize, sig, &dfl as *const _ as usize, 0, KERNEL_SIGSET, 0)
            };
        }
        left >>= 1;
    }
}

/// `signalfd4(-1, all 64, SFD_CLOEXEC)`—one fd that yields every blocked signal.
// Chosen by scripts/inline-search.py.
#[inline(always)]
pub fn signalfd_all() -> Result<OwnedFd> {
    let mask = SigSet::ALL.0;
    // SAFETY: `mask` is 8 readable bytes and the size argument says 8.
    let fd = check(unsafe {
        syscall5(
            libc::SYS_signalfd4 as usize,
            -1isize as usize,
            &mask as *const u64 as usize,
            KERNEL_SIGSET,
            libc::SFD_CLOEXEC as usize,
            0,
        )
    })?;
    owned(fd)
}

/// A file descriptor nanoinit opened; closed when dropped.
pub struct OwnedFd(i32);

impl OwnedFd {
    /// The fd number.
    pub fn as_raw_fd(&self) -> i32 {
        self.0
    }
}

impl Drop for OwnedFd {
    // One out-of-line close: inlined, each of its drop sites repeated the
    // syscall set-up (measured: amd64 -64, arm64 -84, ppc64le -48, s390x -78 B).
    #[inline(never)]
    fn drop(&mut self) {
        // SAFETY: we own this fd and nothing uses it after the drop. An error
        // leaves nothing to do.
        let _ = unsafe { syscall3(libc::SYS_close as usize, self.0 as usize, 0, 0) };
    }
}

/// A file descriptor borrowed for some calls: open for the lifetime `'a`.
#[derive(Clone, Copy)]
pub struct BorrowedFd<'a>(i32, PhantomData<&'a OwnedFd>);

/// Wraps a fresh fd from the kernel.
fn owned(fd: usize) -> Result<OwnedFd> {
    let fd = fd as i32;
    if fd < 0 {
        return Err(Error(libc::EBADF));
    }
    Ok(OwnedFd(fd))
}

/// Borrows an owned fd; it stays open while the borrow lives.
pub fn borrow(fd: &OwnedFd) -> BorrowedFd<'_> {
    BorrowedFd(fd.0, PhantomData)
}

/// `openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC | extra)`. Not rustix's `open`,
/// whose fd conversion keeps an assert (a panic path) in the binary.
pub fn open_readonly(path_with_nul: &[u8], extra: i32) -> Result<OwnedFd> {
    if path_with_nul.last() != Some(&0) {
        return Err(Error(libc::EINVAL));
    }
    let flags = libc::O_RDONLY | libc::O_CLOEXEC | extra;
    // SAFETY: the path is NUL-terminated (checked above) and lives across the call.
    owned(check(unsafe {
        syscall5(
            libc::SYS_openat as usize,
            libc::AT_FDCWD as usize,
            path_with_nul.as_ptr() as usize,
            flags as usize,
            0,
            0,
        )
    })?)
}

/// Records read from the signalfd at once. Signals pending together come
/// together, so none waits behind another that keeps coming (the kernel hands
/// out the lowest number first).
pub const SIGNAL_BATCH: usize = 8;

/// Room for one read of the signalfd.
pub type SignalBuf = [[u8; SIGINFO_SIZE]; SIGNAL_BATCH];

/// One record read from the signalfd.
#[derive(Clone, Copy)]
pub struct SigInfo {
    /// The signal number.
    pub signo: u8,
    /// How it was sent (`SI_USER` for kill(2), `SI_KERNEL`, …).
    pub code: i32,
    /// The sender's pid, as we see it.
    pub pid: u32,
}

impl SigInfo {
    /// Decodes one record.
    pub fn from_record(rec: &[u8; SIGINFO_SIZE]) -> SigInfo {
        // The kernel writes the record in the machine's byte order (big-endian
        // on s390x), so each field is read natively. Constant offsets into a
        // fixed-size array: checked at compile time.
        let word = |at: usize| u32::from_ne_bytes([rec[at], rec[at + 1], rec[at + 2], rec[at + 3]]);
        SigInfo { signo: word(0) as u8, code: word(8) as i32, pid: word(12) }
    }
}

/// Blocks until signals arrive on `fd` and returns the records read (up to
/// [`SIGNAL_BATCH`]), retrying EINTR.
pub fn read_signals<'b>(fd: BorrowedFd<'_>, buf: &'b mut SignalBuf) -> Result<&'b [[u8; SIGINFO_SIZE]]> {
    let n = loop {
        match read(fd, buf.as_flattened_mut()) {
            Err(Error(libc::EINTR)) => continue,
            Err(e) => return Err(e),
            Ok(n) => break n / SIGINFO_SIZE,
        }
    };
    // A signalfd read returns whole records only; zero of them would be a kernel bug.
    match buf.get(..n) {
        Some(recs) if n > 0 => Ok(recs),
        _ => Err(Error(libc::EIO)),
    }
}

/// `waitid`'s `siginfo_t`: 128 bytes; for SIGCHLD the pid and status sit
/// after signo, errno, code and the padding that aligns the union to a pointer
/// (none on 32-bit platforms). Read as native ints (s390x is big-endian).
#[repr(C, align(8))]
struct ChildInfo([i32; SIGINFO_SIZE / 4]);
const_assert_eq!(core::mem::size_of::<libc::siginfo_t>(), SIGINFO_SIZE);
/// Index of `si_code`, `si_pid` and `si_status` in [`ChildInfo`].
const SI_CODE: usize = 2;
const SI_PID: usize = (3 * 4usize).next_multiple_of(core::mem::size_of::<usize>()) / 4;
const SI_STATUS: usize = SI_PID + 2;

/// A child that ended, as `waitid` reports it.
pub struct ChildEnd {
    /// Its pid.
    pub pid: u32,
    /// `CLD_EXITED`, `CLD_KILLED` or `CLD_DUMPED`.
    pub code: i32,
    /// The exit code or the signal.
    pub status: i32,
}

/// `waitid(idtype, id, WEXITED | flags)`—an ended child, or `None` (with
/// WNOHANG) when none has ended yet. Rustix's `waitid` keeps the pid to itself.
// Inlined at its two calls (the reap loop): measured -72 B on amd64, -140 on ppc64le.
#[inline(always)]
pub fn waitid(idtype: u32, id: u32, flags: i32) -> Result<Option<ChildEnd>> {
    let mut info = ChildInfo([0; SIGINFO_SIZE / 4]);
    // SAFETY: `info` is a writable, zeroed, aligned siginfo_t of the kernel's
    // size; the rusage pointer is null.
    check(unsafe {
        syscall5(
            libc::SYS_waitid as usize,
            idtype as usize,
            id as usize,
            &mut info as *mut ChildInfo as usize,
            (libc::WEXITED | flags) as usize,
            0,
        )
    })?;
    let [code, pid, status] = [info.0[SI_CODE], info.0[SI_PID], info.0[SI_STATUS]];
    // With WNOHANG and no ended child the kernel writes pid 0.
    Ok((pid > 0).then_some(ChildEnd { pid: pid as u32, code, status }))
}

/// Which side of a fork-style clone we are on.
pub enum Forked {
    /// In the new process.
    Child,
    /// In nanoinit; the new process has this pid.
    Parent(Pid),
}

/// The first two `clone` arguments for fork semantics: flags SIGCHLD, no new
/// stack. s390x alone takes the stack first (the rest are 0 either way).
const CLONE_ARGS: (usize, usize) =
    if cfg!(target_arch = "s390x") { (0, libc::SIGCHLD as usize) } else { (libc::SIGCHLD as usize, 0) };

/// `clone(SIGCHLD)`—fork semantics: the child gets a copy of the address space.
// Chosen by scripts/inline-search.py.
#[inline(always)]
pub fn fork() -> Result<Forked> {
    // SAFETY: with no CLONE_VM and a null stack the child runs on a private copy
    // of our memory, as after fork(2); nanoinit has one thread, so that copy is
    // consistent.
    let pid = check(unsafe { syscall3(libc::SYS_clone as usize, CLONE_ARGS.0, CLONE_ARGS.1, 0) })?;
    match i32::try_from(pid).ok().and_then(Pid::from_raw) {
        None => Ok(Forked::Child),
        Some(p) => Ok(Forked::Parent(p)),
    }
}

/// A NULL-terminated `char *[]` as the kernel hands it to us (argv, envp).
#[derive(Clone, Copy)]
pub struct CStrArray(*const *const u8);

impl CStrArray {
    /// The strings from `index` on, as a new array (the tail shares the storage).
    pub fn tail(self, index: usize) -> CStrArray {
        let mut p = self.0;
        for _ in 0..index {
            // SAFETY: we only step past non-null entries, so we stay within the
            // array, whose last entry is null.
            unsafe {
                if (*p).is_null() {
                    break;
                }
                p = p.add(1);
            }
        }
        CStrArray(p)
    }
    /// The strings, without their NULs.
    pub fn iter(self) -> CStrIter {
        CStrIter(self.0)
    }
    /// The first string.
    // Chosen by scripts/inline-search.py.
    #[inline(always)]
    pub fn first(self) -> Option<&'static [u8]> {
        self.iter().next()
    }
}

/// Iterator over a [`CStrArray`].
#[derive(Clone)]
pub struct CStrIter(*const *const u8);

impl Iterator for CStrIter {
    type Item = &'static [u8];
    fn next(&mut self) -> Option<&'static [u8]> {
        // SAFETY: the pointer walks an array the kernel laid out on our initial
        // stack, NULL-terminated, whose strings are NUL-terminated and live (and
        // are never written) for the whole run.
        unsafe {
            let s = *self.0;
            if s.is_null() {
                return None;
            }
            self.0 = self.0.add(1);
            Some(CStr::from_ptr(s.cast()).to_bytes())
        }
    }
}

/// The process's arguments and environment, from the initial stack.
pub struct StartupArgs {
    /// `argv`.
    pub argv: CStrArray,
    /// `envp`.
    pub envp: CStrArray,
}

impl StartupArgs {
    /// Reads argc/argv/envp from the stack pointer the kernel started us with.
    ///
    /// # Safety
    /// `sp` must be the initial stack pointer of the process (see `arch::init_entry`).
    pub unsafe fn from_initial_stack(sp: *const usize) -> StartupArgs {
        // SAFETY: at process start, [sp] is argc, then argc argv pointers, a null,
        // then the environment pointers and their null (the ELF ABI).
        unsafe {
            let argc = *sp;
            let argv = sp.add(1) as *const *const u8;
            StartupArgs { argv: CStrArray(argv), envp: CStrArray(argv.add(argc + 1)) }
        }
    }
}

/// `execve(path, argv, envp)`—only returns on failure, with the error.
pub fn execve(path_with_nul: &[u8], argv: CStrArray, envp: CStrArray) -> Error {
    if path_with_nul.last() != Some(&0) {
        return Error(libc::EINVAL);
    }
    // SAFETY: `path_with_nul` is NUL-terminated (checked above); argv and envp are
    // NULL-terminated arrays of NUL-terminated strings from our initial stack.
    let ret = unsafe {
        syscall3(libc::SYS_execve as usize, path_with_nul.as_ptr() as usize, argv.0 as usize, envp.0 as usize)
    };
    check(ret).err().unwrap_or(Error(libc::EINVAL))
}

/// `exit_group(code)`—ends the process.
// Chosen by scripts/inline-search.py.
#[inline(always)]
pub fn exit(code: u8) -> ! {
    // exit_group does not return; if it ever did (a fault injected by a
    // tracer), trying again beats spinning. The loop also tells the type
    // checker that this function never returns, without a panic path.
    loop {
        // SAFETY: exit_group takes an int and ends the process.
        unsafe {
            syscall3(libc::SYS_exit_group as usize, usize::from(code), 0, 0);
        }
    }
}

/// A zero `struct timespec`, "do not wait", for rt_sigtimedwait and ppoll:
/// both fields are a C `long` (one `usize`) in the ABI of every platform's
/// calls of those numbers (armv7's and i686's take the 32-bit timespec).
const NO_WAIT: [usize; 2] = [0; 2];

/// `setitimer(ITIMER_REAL)`—SIGALRM (si_code SI_KERNEL) after `ms`; 0 disarms.
/// The next SIGALRM read is this timer's: one that an earlier timer raised and
/// nobody has read yet is taken off the queue (a stale one would end a new
/// grace period at once).
pub fn alarm_ms(ms: u32) -> Result<()> {
    let value = [0usize, 0, (ms / 1000) as usize, ((ms % 1000) * 1000) as usize];
    // SAFETY: `value` is a valid `struct itimerval` (interval 0, value s/us); the
    // old-value pointer is null.
    check(unsafe { syscall3(libc::SYS_setitimer as usize, libc::ITIMER_REAL as usize, value.as_ptr() as usize, 0) })?;
    let alarm: u64 = 1 << (libc::SIGALRM - 1);
    let no_wait = NO_WAIT;
    // After setitimer, which cancelled the earlier timer: the new one cannot
    // have fired yet. EAGAIN (none pending) is the usual answer and fine.
    // SAFETY: the set and the zero `struct timespec` are valid for the call;
    // the siginfo pointer is null; the set size is the kernel's.
    let _ = unsafe {
        syscall5(
            libc::SYS_rt_sigtimedwait as usize,
            &alarm as *const u64 as usize,
            0,
            no_wait.as_ptr() as usize,
            KERNEL_SIGSET,
            0,
        )
    };
    Ok(())
}

/// `close_range(first, last, 0)`—closes every fd in `first..=last`.
///
/// Callers must own no fd object in that range (an `OwnedFd` there would later
/// close a number that may have been reused).
// Chosen by scripts/inline-search.py.
#[inline(always)]
pub fn close_range(first: u32, last: u32) -> Result<()> {
    // SAFETY: close_range only closes fds; the caller guarantees no live owned
    // fd object refers to one in the range.
    check(unsafe { syscall3(libc::SYS_close_range as usize, first as usize, last as usize, 0) }).map(|_| ())
}

/// `ioctl(0, TIOCNOTTY)`—lets go of the controlling tty.
pub fn release_ctty() -> Result<()> {
    // SAFETY: TIOCNOTTY takes no argument.
    check(unsafe { syscall3(libc::SYS_ioctl as usize, 0, libc::TIOCNOTTY as usize, 0) }).map(|_| ())
}

/// A pid as the kernel's `pid_t` argument (sign-extended: negative ones mean groups).
fn pid_arg(pid: i32) -> usize {
    pid as isize as usize
}

/// `kill(pid, sig)`.
// Chosen by scripts/inline-search.py.
#[inline(always)]
pub fn kill(pid: Pid, sig: u8) -> Result<()> {
    kill_id(pid.as_raw_pid(), sig)
}

/// `pidfd_open(pid, 0)`—a handle on the process that holds `pid` now: a
/// signal through it reaches that process or nobody, even once the number has
/// been reused.
pub fn pidfd_open(pid: Pid) -> Result<OwnedFd> {
    // SAFETY: pidfd_open takes a pid and flags, no pointers.
    owned(check(unsafe { syscall3(libc::SYS_pidfd_open as usize, pid.as_raw_pid() as usize, 0, 0) })?)
}

/// `pidfd_send_signal(pidfd, sig, NULL, 0)`.
pub fn pidfd_kill(pidfd: &OwnedFd, sig: u8) -> Result<()> {
    // SAFETY: the siginfo pointer is null (the kernel fills in a kill(2)-like
    // one) and the flags 0; the fd is open while `pidfd` is borrowed.
    check(unsafe { syscall5(libc::SYS_pidfd_send_signal as usize, pidfd.0 as usize, usize::from(sig), 0, 0, 0) })
        .map(|_| ())
}

/// `getdents64(fd, buf)`—the next directory records; 0 at the end.
pub fn getdents(dir: &OwnedFd, buf: &mut [u8]) -> Result<usize> {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`, which
    // lives across the call; the fd is open while `dir` is borrowed.
    check(unsafe { syscall3(libc::SYS_getdents64 as usize, dir.0 as usize, buf.as_mut_ptr() as usize, buf.len()) })
}

/// `kill(-1, sig)`—every process we may signal except ourselves (as namespace
/// PID 1: every process in the namespace).
pub fn kill_all(sig: u8) -> Result<()> {
    kill_id(-1, sig)
}

/// `kill(id, sig)` with kill(2)'s own numbering: `id` > 0 a process, < 0 the
/// process group -id, -1 everyone we may signal (see [`kill_all`]). Callers
/// pass pids the kernel gave us, never 0 (our own group).
pub fn kill_id(id: i32, sig: u8) -> Result<()> {
    // SAFETY: kill takes two integers; any signal number is checked by the kernel.
    check(unsafe { syscall3(libc::SYS_kill as usize, pid_arg(id), usize::from(sig), 0) }).map(|_| ())
}

/// `prctl(option, arg)`.
fn prctl(option: i32, arg: usize) -> Result<usize> {
    // SAFETY: every option used here takes an integer, or (PR_GET_CHILD_SUBREAPER)
    // a pointer to an int that the caller provides.
    check(unsafe { syscall3(libc::SYS_prctl as usize, option as usize, arg, 0) })
}

/// `prctl(PR_SET_PDEATHSIG, sig)`.
pub fn set_pdeathsig(sig: u8) -> Result<()> {
    prctl(libc::PR_SET_PDEATHSIG, usize::from(sig)).map(|_| ())
}

/// `prctl(PR_SET_CHILD_SUBREAPER, 1)`, read back with PR_GET_CHILD_SUBREAPER:
/// `Ok(false)` when the kernel accepted it without effect.
pub fn become_subreaper() -> Result<bool> {
    prctl(libc::PR_SET_CHILD_SUBREAPER, 1)?;
    let mut set: i32 = 0;
    prctl(libc::PR_GET_CHILD_SUBREAPER, &mut set as *mut i32 as usize)?;
    Ok(set != 0)
}

/// A pid the kernel returned (always positive).
fn pid_from(ret: usize) -> Result<Pid> {
    i32::try_from(ret).ok().and_then(Pid::from_raw).ok_or(Error(libc::ESRCH))
}

/// `getpid()`.
pub fn getpid() -> Pid {
    // SAFETY: getpid takes nothing and cannot fail.
    let ret = unsafe { syscall3(libc::SYS_getpid as usize, 0, 0, 0) };
    // A pid is never 0 or negative; PID 1 is a harmless stand-in that cannot occur.
    pid_from(ret as usize).unwrap_or(Pid::INIT)
}

/// `setsid()`.
pub fn setsid() -> Result<()> {
    // SAFETY: setsid takes nothing.
    check(unsafe { syscall3(libc::SYS_setsid as usize, 0, 0, 0) }).map(|_| ())
}

/// `setpgid(pid, pgid)`; `None` means 0 (ourselves / the pid itself).
pub fn setpgid(pid: Option<Pid>, pgid: Option<Pid>) -> Result<()> {
    let raw = |p: Option<Pid>| p.map_or(0, |p| pid_arg(p.as_raw_pid()));
    // SAFETY: setpgid takes two integers.
    check(unsafe { syscall3(libc::SYS_setpgid as usize, raw(pid), raw(pgid), 0) }).map(|_| ())
}

/// `chdir("/")`.
pub fn chdir_root() -> Result<()> {
    // SAFETY: the path is a NUL-terminated static string.
    check(unsafe { syscall3(libc::SYS_chdir as usize, c"/".as_ptr() as usize, 0, 0) }).map(|_| ())
}

/// `ioctl(fd, TIOCSCTTY, 0)`—makes the tty on `fd` our controlling tty.
pub fn take_ctty(fd: BorrowedFd<'_>) -> Result<()> {
    // SAFETY: TIOCSCTTY takes an integer (0: do not steal it from another session).
    check(unsafe { syscall3(libc::SYS_ioctl as usize, fd.0 as usize, libc::TIOCSCTTY as usize, 0) }).map(|_| ())
}

/// `tcsetpgrp(fd, pgid)`—`ioctl(fd, TIOCSPGRP, &pgid)`.
pub fn tcsetpgrp(fd: BorrowedFd<'_>, pgid: Pid) -> Result<()> {
    let pgid: i32 = pgid.as_raw_pid();
    // SAFETY: TIOCSPGRP reads one pid_t from the pointer, which lives across the call.
    check(unsafe {
        syscall3(libc::SYS_ioctl as usize, fd.0 as usize, libc::TIOCSPGRP as usize, &pgid as *const i32 as usize)
    })
    .map(|_| ())
}

/// `pipe2(O_CLOEXEC)`—(read end, write end).
pub fn pipe() -> Result<(OwnedFd, OwnedFd)> {
    let mut fds = [-1i32; 2];
    // SAFETY: pipe2 writes two ints into `fds`, which lives across the call.
    check(unsafe { syscall3(libc::SYS_pipe2 as usize, fds.as_mut_ptr() as usize, libc::O_CLOEXEC as usize, 0) })?;
    Ok((owned(fds[0] as usize)?, owned(fds[1] as usize)?))
}

/// `read(fd, buf)`—the bytes read.
pub fn read(fd: BorrowedFd<'_>, buf: &mut [u8]) -> Result<usize> {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`.
    check(unsafe { syscall3(libc::SYS_read as usize, fd.0 as usize, buf.as_mut_ptr() as usize, buf.len()) })
}

/// `write(fd, bytes)`—the bytes written.
pub fn write(fd: BorrowedFd<'_>, bytes: &[u8]) -> Result<usize> {
    // SAFETY: the kernel reads at most `bytes.len()` bytes from `bytes`.
    check(unsafe { syscall3(libc::SYS_write as usize, fd.0 as usize, bytes.as_ptr() as usize, bytes.len()) })
}

/// Whether a write to `fd` would not block now: `ppoll` for POLLOUT with a
/// zero timeout. A pipe is writable while it has a free page, more than any
/// line of ours. True when the kernel cannot tell (ppoll failed), so that the
/// write is tried as it would be without this check.
pub fn writable_now(fd: BorrowedFd<'_>) -> bool {
    let mut poll = libc::pollfd { fd: fd.0, events: libc::POLLOUT, revents: 0 };
    let no_wait = NO_WAIT;
    // SAFETY: `poll` is one pollfd and `no_wait` a zeroed timespec, both live
    // across the call; the signal mask pointer is null (the mask is kept).
    let ready = unsafe {
        syscall5(libc::SYS_ppoll as usize, &mut poll as *mut libc::pollfd as usize, 1, no_wait.as_ptr() as usize, 0, 0)
    };
    check(ready).map_or(true, |_| poll.revents & libc::POLLOUT != 0)
}

/// `wait4(pid, NULL, 0)`—waits for that child to end and reaps it.
pub fn wait_for(pid: Pid) -> Result<()> {
    // SAFETY: the status and rusage pointers are null.
    check(unsafe { syscall5(libc::SYS_wait4 as usize, pid_arg(pid.as_raw_pid()), 0, 0, 0, 0) }).map(|_| ())
}

// The standard fds: borrowed for single calls; a closed one makes the call fail
// with EBADF, which every caller tolerates.

/// fd 0.
pub fn stdin() -> BorrowedFd<'static> {
    BorrowedFd(0, PhantomData)
}

/// fd 1.
pub fn stdout() -> BorrowedFd<'static> {
    BorrowedFd(1, PhantomData)
}

/// fd 2.
pub fn stderr() -> BorrowedFd<'static> {
    BorrowedFd(2, PhantomData)
}
