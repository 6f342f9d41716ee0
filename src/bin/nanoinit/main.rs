//! nanoinit: the init process for containers.
//!
//! config → spawn → supervise → exit status. This file is the entry point and
//! the wiring; each step lives in its own module.
#![no_std]
#![no_main]
#![deny(unsafe_code)]

mod log;
mod reap;
mod spawn;
mod supervise;
mod sys;
mod tree;

use nanoinit::config::{self, Config, Parsed, Personality, Session};
use nanoinit::msg;
use nanoinit::policy::Policy;
use nanoinit::signals::{self, SigSet, SIGKILL, SIGSTOP};
use nanoinit::status::{exec_failure_code, EXIT_INTERNAL, EXIT_USAGE};
use nanoinit::{help, text};
use rustix::process::Pid;

use crate::log::{Level, Log};
use crate::spawn::SpawnError;
use crate::sys::StartupArgs;

/// Called by `init_entry` with the kernel's initial stack pointer.
///
/// # Safety
/// `sp` must be the process's initial stack pointer (argc, argv, envp).
#[allow(unsafe_code)]
pub unsafe extern "C" fn entry(sp: *const usize) -> ! {
    // First action: block every signal. As namespace PID 1 a signal with no
    // handler that arrives unblocked is dropped; blocked, it waits for the signalfd.
    let blocked = sys::block_all();
    // SAFETY: `sp` is the process's initial stack pointer, passed by init_entry.
    let args = unsafe { StartupArgs::from_initial_stack(sp) };
    sys::exit(run(&args, blocked))
}

/// The whole program; returns the exit code.
fn run(args: &StartupArgs, blocked: sys::Result<()>) -> u8 {
    let mut argv = args.argv.iter();
    let personality = Personality::from_argv0(argv.next().unwrap_or(b""));
    let mut cfg = Config::defaults(personality);
    let text = match config::parse_into(&mut cfg, argv, args.envp.iter()) {
        Ok(Parsed::Run) => return supervise_program(args, blocked, &cfg),
        Ok(Parsed::Help) => return print_help(personality),
        Ok(Parsed::License) => text::LICENSE,
        Ok(Parsed::Version) => match personality {
            Personality::Tini => text::VERSION_LINE_TINI,
            _ => text::VERSION_LINE,
        },
        Err(e) => {
            Log::new(0).emit(Level::Error, e.template(), [0, 0], &e.parts(), 0);
            log::write_all(sys::stderr(), text::USAGE_HINT.as_bytes());
            return EXIT_USAGE;
        }
    };
    log::write_all(sys::stdout(), text.as_bytes());
    0
}

/// `--help`, in one write. Inlined, its buffer still takes no stack of a run:
/// the compiler lays it over the run's own buffers (the entry frame measured
/// the same size with it on amd64, arm64 and ppc64le).
fn print_help(personality: Personality) -> u8 {
    let mut buf = [0; help::TEMPLATE_LEN];
    log::write_all(sys::stdout(), help::render(personality, &mut buf));
    0
}

/// Runs the configured program (or pause mode) to its end; returns the exit code.
fn supervise_program(args: &StartupArgs, blocked: sys::Result<()>, cfg: &Config) -> u8 {
    let log = Log::new(cfg.verbosity);
    if let Err(e) = blocked {
        log.failed(Level::Error, "block signals", e);
        return EXIT_INTERNAL;
    }
    clean_inheritance();
    let me = sys::getpid();
    if me != Pid::INIT {
        become_subreaper(&log);
    }
    if cfg.pdeathsig != 0 {
        if let Err(e) = sys::set_pdeathsig(cfg.pdeathsig) {
            log.failed(Level::Warn, "set pdeathsig", e);
        }
    }
    let sfd = match sys::signalfd_all() {
        Ok(fd) => fd,
        Err(e) => {
            log.failed(Level::Error, "create signalfd", e);
            return EXIT_INTERNAL;
        }
    };

    let main = match cfg.program {
        None => None,
        Some(index) => {
            if cfg.session == Session::Session {
                // Gives fd 0's tty up for the child. When we led the session the
                // kernel sends us SIGHUP and SIGCONT for it in our own name: the
                // policy never forwards a signal we raised ourselves.
                // ENOTTY when fd 0 is no tty (or not ours): nothing was released.
                let _ = sys::release_ctty();
            }
            match spawn::spawn(cfg, &log, index, args.argv, args.envp) {
                Ok(pid) => Some(pid.as_raw_pid() as u32),
                Err(SpawnError::Exec(e)) => {
                    let prog = args.argv.tail(index).first().unwrap_or(b"");
                    log.emit(Level::Error, msg!("cannot run '" {text program} "'"), [0, 0], &[prog], e.0);
                    return exec_failure_code(e.0);
                }
                Err(SpawnError::Sys(what, e)) => {
                    log.failed(Level::Error, what, e);
                    return EXIT_INTERNAL;
                }
            }
        }
    };

    // From here on nanoinit exits only when the policy says so; failures are
    // logged and the loop goes on.
    let_go_of_resources(&log, sfd.as_raw_fd());
    let mut policy = Policy::new(cfg, me.as_raw_pid() as u32, main);
    supervise::run(&mut policy, &mut supervise::Act { log, me }, &sfd)
}

/// The lowest fd nanoinit's own files may take: 0–2 belong to the program.
const FIRST_OWN_FD: i32 = 3;
/// Bytes of `/proc/self/status` read; its `SigIgn:` line is about 700 bytes in.
const STATUS_BUF: usize = 2048;

/// Undoes what must not pass from our parent to the program, before nanoinit
/// opens anything of its own: dispositions set to SIG_IGN (the only ones
/// execve keeps; an ignored SIGCHLD would also have the kernel reap our
/// children unseen), and closed standard fds, which our own fds would take.
///
/// One read of `SigIgn` names the few signals to reset (all of them when /proc
/// cannot tell). The fd it is read from says whether 0–2 are open, since the
/// kernel hands out the lowest free number: one that lands below 3 stays open,
/// close-on-exec, holding the place (the program still finds that fd closed,
/// as it would without nanoinit), and the next one is tried. Without /proc, `/`
/// (O_PATH) holds the places.
#[inline(always)]
fn clean_inheritance() {
    // Every signal but KILL and STOP, whose dispositions nobody can change.
    let mut ignored = SigSet(SigSet::ALL.0 & !(1 << (SIGKILL - 1) | 1 << (SIGSTOP - 1)));
    // One try per std fd that may need its place held, and the one that reads.
    for _ in 0..=FIRST_OWN_FD {
        let Ok(fd) =
            sys::open_readonly(b"/proc/self/status\0", 0).or_else(|_| sys::open_readonly(b"/\0", libc::O_PATH))
        else {
            break;
        };
        if fd.as_raw_fd() < FIRST_OWN_FD {
            core::mem::forget(fd);
            continue;
        }
        let mut buf = [0u8; STATUS_BUF];
        // On `/` (O_PATH) the read fails: then every signal is reset.
        if let Ok(n) = sys::read(sys::borrow(&fd), &mut buf) {
            ignored = signals::ignored_from_status(buf.get(..n).unwrap_or(&[])).unwrap_or(ignored);
        }
        // Left open (close-on-exec): `let_go_of_resources` closes it with the
        // rest once the program runs, one system call fewer before it starts.
        core::mem::forget(fd);
        break;
    }
    sys::default_dispositions(ignored);
}

/// Not PID 1: orphans of our tree must still come to us to be reaped.
fn become_subreaper(log: &Log) {
    // Read back: a prctl that "succeeds" without effect (a sandbox that stubs
    // it) must not go unnoticed.
    let (what, e) = match sys::become_subreaper() {
        Ok(true) => return,
        Ok(false) => ("become subreaper: prctl had no effect", sys::Error(0)),
        Err(e) => ("become subreaper", e),
    };
    log.failed(Level::Warn, what, e);
}

/// Pins nothing: cwd to `/` (a mount can be unmounted) and our fds ≥ 3 closed
/// (inherited ones, now held by the child, stay open only there).
#[inline(always)]
fn let_go_of_resources(log: &Log, keep: i32) {
    if let Err(e) = sys::chdir_root() {
        log.failed(Level::Warn, "chdir to /", e);
    }
    let (first, keep) = (FIRST_OWN_FD as u32, keep as u32);
    // Below `keep`, then above it once that worked. Failure leaves fds open in
    // nanoinit only; nothing to report to anyone.
    if keep <= first || sys::close_range(first, keep - 1).is_ok() {
        let _ = sys::close_range(keep.saturating_add(1).max(first), u32::MAX);
    }
}

#[cfg(not(any(debug_assertions, feature = "allow-panic")))]
#[allow(unsafe_code)]
unsafe extern "C" {
    /// Never defined: a release build that still calls it has a panic path, and
    /// fails to link. See README, "When the no-panic link check fires".
    fn nanoinit_release_build_has_a_panic_path() -> !;
}

#[panic_handler]
#[allow(unsafe_code)]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    #[cfg(not(any(debug_assertions, feature = "allow-panic")))]
    // SAFETY: this call is meant to fail the link; it is never executed.
    unsafe {
        nanoinit_release_build_has_a_panic_path()
    }
    #[cfg(any(debug_assertions, feature = "allow-panic"))]
    sys::exit(EXIT_INTERNAL)
}

/// Dev builds (no LTO) keep a reference to this from the unwind-built libcore;
/// with panic=abort it is never called.
#[unsafe(no_mangle)]
#[allow(unsafe_code)]
extern "C" fn rust_eh_personality() {}
