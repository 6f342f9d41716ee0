//! The syscall layer: the only `unsafe` in nanoinit besides the entry point.
//!
//! rustix does every syscall it exposes publicly. The ones it keeps private
//! (rt_sigprocmask, rt_sigaction, signalfd4, clone, execve, exit_group,
//! setitimer, close_range, TIOCNOTTY) are raw syscalls here, each behind a safe
//! function with a typed result; so are `openat` and fd borrowing, whose rustix
//! forms keep an assert (a panic path) in the binary, `waitid`, whose rustix
//! form hides the pid, and `kill` by a raw id, which needs no `Pid` round trip.
//!
//! # Safety
//! Everything here relies on nanoinit being single-threaded (no libc, no threads),
//! so a fork-style `clone` copies a consistent address space.
#![allow(unsafe_code)]

use core::ffi::CStr;
use nanoinit::signals::SigSet;
use rustix::fd::{BorrowedFd, FromRawFd, OwnedFd};
use rustix::process::{Pid, Signal};
use static_assertions::const_assert_eq;

#[cfg_attr(target_arch = "x86_64", path = "x86_64.rs")]
#[cfg_attr(target_arch = "aarch64", path = "aarch64.rs")]
mod arch;
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
compile_error!("nanoinit supports x86_64 and aarch64");

use arch::syscall5;

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
///
/// Our own type rather than rustix's `Errno`: building that one from a raw
/// number goes through an assert, a panic path the release link refuses.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Error(pub i32);

impl From<rustix::io::Errno> for Error {
    fn from(e: rustix::io::Errno) -> Error {
        Error(e.raw_os_error())
    }
}

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

/// The kernel's `struct sigaction` (the same layout on x86_64 and aarch64).
#[repr(C)]
struct KernelSigaction {
    handler: usize,
    flags: u64,
    restorer: usize,
    mask: u64,
}

/// `rt_sigaction(sig, SIG_DFL)` for each signal of `set`: an inherited SIG_IGN
/// would otherwise reach the child (and an ignored SIGCHLD would make the kernel
/// reap our children before we see their status). KILL and STOP are refused by
/// the kernel, harmlessly.
#[inline(always)]
pub fn default_dispositions(set: SigSet) {
    let dfl = KernelSigaction { handler: libc::SIG_DFL, flags: 0, restorer: 0, mask: 0 };
    let (mut left, mut sig) = (set.0, 0usize);
    // A shift loop rather than a range over 1..=64: smaller, and it stops after
    // the last signal to reset.
    while left != 0 {
        sig += 1;
        if left & 1 != 0 {
            // SAFETY: `dfl` is a valid kernel sigaction for the duration of the
            // call, the old-action pointer is null, and the set size is the kernel's.
            let _ = unsafe {
                syscall5(libc::SYS_rt_sigaction as usize, sig, &dfl as *const _ as usize, 0, KERNEL_SIGSET, 0)
            };
        }
        left >>= 1;
    }
}

/// `signalfd4(-1, all 64, SFD_CLOEXEC)`—one fd that yields every blocked signal.
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

/// Wraps a fresh fd from the kernel. The `< 0` test on the i32 is what lets
/// LLVM drop `from_raw_fd`'s assert.
fn owned(fd: usize) -> Result<OwnedFd> {
    let fd = fd as i32;
    if fd < 0 {
        return Err(Error(libc::EBADF));
    }
    // SAFETY: the kernel just returned this fd to us; nobody else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Borrows an owned fd without rustix's `as_fd`, whose `!= -1` assert (a panic
/// path) LLVM keeps when it does not inline it.
pub fn borrow(fd: &OwnedFd) -> BorrowedFd<'_> {
    use rustix::fd::AsRawFd;
    const_assert_eq!(core::mem::size_of::<BorrowedFd<'static>>(), core::mem::size_of::<i32>());
    // SAFETY: BorrowedFd is `repr(transparent)` over the raw fd, and an OwnedFd
    // never holds -1 (the one value BorrowedFd excludes); the borrow is tied to
    // `fd`'s lifetime, so the fd stays open while it is used.
    unsafe { core::mem::transmute::<i32, BorrowedFd<'_>>(fd.as_raw_fd()) }
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
        // Constant offsets into a fixed-size array: checked at compile time.
        let word = |at: usize| u32::from_ne_bytes([rec[at], rec[at + 1], rec[at + 2], rec[at + 3]]);
        SigInfo { signo: word(0) as u8, code: word(8) as i32, pid: word(12) }
    }
}

/// Blocks until signals arrive on `fd` and returns the records read (up to
/// [`SIGNAL_BATCH`]), retrying EINTR.
pub fn read_signals<'b>(fd: BorrowedFd<'_>, buf: &'b mut SignalBuf) -> Result<&'b [[u8; SIGINFO_SIZE]]> {
    let n = loop {
        match rustix::io::read(fd, buf.as_flattened_mut()) {
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
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
/// after signo, errno, code and the padding that aligns the union.
#[repr(C, align(8))]
struct ChildInfo([i32; SIGINFO_SIZE / 4]);
const_assert_eq!(core::mem::size_of::<libc::siginfo_t>(), SIGINFO_SIZE);
/// Index of `si_code`, `si_pid` and `si_status` in [`ChildInfo`] (64-bit layout).
const SI_CODE: usize = 2;
const SI_PID: usize = 4;
const SI_STATUS: usize = 6;

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

/// `clone(SIGCHLD)`—fork semantics: the child gets a copy of the address space.
#[inline(always)]
pub fn fork() -> Result<Forked> {
    // SAFETY: with no CLONE_VM and a null stack the child runs on a private copy
    // of our memory, as after fork(2); nanoinit has one thread, so that copy is
    // consistent.
    let pid = check(unsafe { syscall5(libc::SYS_clone as usize, libc::SIGCHLD as usize, 0, 0, 0, 0) })?;
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
        syscall5(libc::SYS_execve as usize, path_with_nul.as_ptr() as usize, argv.0 as usize, envp.0 as usize, 0, 0)
    };
    check(ret).err().unwrap_or(Error(libc::EINVAL))
}

/// `exit_group(code)`—ends the process.
#[inline(always)]
pub fn exit(code: u8) -> ! {
    // exit_group does not return; if it ever did (a fault injected by a
    // tracer), trying again beats spinning. The loop also tells the type
    // checker that this function never returns, without a panic path.
    loop {
        // SAFETY: exit_group takes an int and ends the process.
        unsafe {
            syscall5(libc::SYS_exit_group as usize, usize::from(code), 0, 0, 0, 0);
        }
    }
}

/// `setitimer(ITIMER_REAL)`—SIGALRM (si_code SI_KERNEL) after `ms`; 0 disarms.
pub fn alarm_ms(ms: u32) -> Result<()> {
    let value = [0usize, 0, (ms / 1000) as usize, ((ms % 1000) * 1000) as usize];
    // SAFETY: `value` is a valid `struct itimerval` (interval 0, value s/us); the
    // old-value pointer is null.
    check(unsafe {
        syscall5(libc::SYS_setitimer as usize, libc::ITIMER_REAL as usize, value.as_ptr() as usize, 0, 0, 0)
    })
    .map(|_| ())
}

/// `close_range(first, last, 0)`—closes every fd in `first..=last`.
///
/// Callers must own no fd object in that range (an `OwnedFd` there would later
/// close a number that may have been reused).
#[inline(always)]
pub fn close_range(first: u32, last: u32) -> Result<()> {
    // SAFETY: close_range only closes fds; the caller guarantees no live owned
    // fd object refers to one in the range.
    check(unsafe { syscall5(libc::SYS_close_range as usize, first as usize, last as usize, 0, 0, 0) }).map(|_| ())
}

/// `ioctl(0, TIOCNOTTY)`—lets go of the controlling tty.
pub fn release_ctty() -> Result<()> {
    // SAFETY: TIOCNOTTY takes no argument.
    check(unsafe { syscall5(libc::SYS_ioctl as usize, 0, libc::TIOCNOTTY as usize, 0, 0, 0) }).map(|_| ())
}

/// A signal number as rustix's type.
fn signal(sig: u8) -> Signal {
    // SAFETY: the number goes straight to kill(2), which accepts any 1..=64 and
    // reports EINVAL for anything else; no handler is installed from it.
    unsafe { Signal::from_raw_unchecked(i32::from(sig)) }
}

/// `kill(pid, sig)`.
#[inline(always)]
pub fn kill(pid: Pid, sig: u8) -> Result<()> {
    Ok(rustix::process::kill_process(pid, signal(sig))?)
}

/// `kill(id, sig)` with kill(2)'s own numbering: `id` > 0 a process, < 0 the
/// process group -id. For pids the kernel gave us; never 0 or -1 (those mean
/// our own group and everyone).
pub fn kill_id(id: i32, sig: u8) -> Result<()> {
    // SAFETY: kill takes two integers and touches no memory of ours.
    check(unsafe { syscall5(libc::SYS_kill as usize, id as usize, usize::from(sig), 0, 0, 0) }).map(|_| ())
}

/// `kill(-1, sig)`—every process we may signal except ourselves (as namespace
/// PID 1: every process in the namespace).
pub fn kill_all(sig: u8) -> Result<()> {
    Ok(rustix::process::kill_process_group(Pid::INIT, signal(sig))?)
}

/// `prctl(PR_SET_PDEATHSIG, sig)`.
pub fn set_pdeathsig(sig: u8) -> Result<()> {
    Ok(rustix::process::set_parent_process_death_signal(Some(signal(sig)))?)
}

// The standard fds are built in const context: `borrow_raw` asserts at run
// time, and a run-time assert is a panic path.
// SAFETY (all three): they are only borrowed for single calls; a closed one
// makes the call fail with EBADF, which every caller tolerates.
#[allow(clippy::undocumented_unsafe_blocks)]
const STDIN: BorrowedFd<'static> = unsafe { BorrowedFd::borrow_raw(0) };
#[allow(clippy::undocumented_unsafe_blocks)]
const STDOUT: BorrowedFd<'static> = unsafe { BorrowedFd::borrow_raw(1) };
#[allow(clippy::undocumented_unsafe_blocks)]
const STDERR: BorrowedFd<'static> = unsafe { BorrowedFd::borrow_raw(2) };

/// fd 0.
pub fn stdin() -> BorrowedFd<'static> {
    STDIN
}

/// fd 1.
pub fn stdout() -> BorrowedFd<'static> {
    STDOUT
}

/// fd 2.
pub fn stderr() -> BorrowedFd<'static> {
    STDERR
}
