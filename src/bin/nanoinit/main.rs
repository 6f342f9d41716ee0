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
use nanoinit::policy::Policy;
use nanoinit::status::{exec_failure_code, EXIT_INTERNAL, EXIT_USAGE};
use nanoinit::{help, text};
use rustix::process::Pid;

use crate::log::{Level, Log};
use crate::spawn::SpawnError;
use crate::sys::{Error, StartupArgs};

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
    sys::exit(run(&args, blocked.is_ok()))
}

/// The whole program; returns the exit code.
fn run(args: &StartupArgs, blocked: bool) -> u8 {
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

/// `--help`, in one write. Not inlined: its buffer then takes stack only here,
/// not in every frame of a run.
#[inline(never)]
fn print_help(personality: Personality) -> u8 {
    let mut buf = [0; help::TEMPLATE_LEN];
    log::write_all(sys::stdout(), help::render(personality, &mut buf));
    0
}

/// Runs the configured program (or pause mode) to its end; returns the exit code.
fn supervise_program(args: &StartupArgs, blocked: bool, cfg: &Config) -> u8 {
    let log = Log::new(cfg.verbosity);
    if !blocked {
        log.say(Level::Error, "unable to block signals", [0, 0]);
        return EXIT_INTERNAL;
    }
    // Inherited SIG_IGN must not reach the child, and an ignored SIGCHLD would
    // have the kernel reap our children before we learn their status.
    sys::default_all_dispositions();
    let me = sys::getpid();
    if me != Pid::INIT {
        become_subreaper(log);
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
            match spawn::spawn(cfg, index, args.argv, args.envp) {
                Ok(pid) => Some(pid.as_raw_pid() as u32),
                Err(SpawnError::Exec(e)) => {
                    let prog = args.argv.tail(index).first().unwrap_or(b"");
                    log.emit(Level::Error, "cannot run '\x03'", [0, 0], &[prog], e.0);
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
    let_go_of_resources(log, sfd.as_raw_fd());
    let mut policy = Policy::new(cfg, me.as_raw_pid() as u32, main);
    supervise::run(&mut policy, &mut supervise::Act { log, me }, &sfd)
}

/// Not PID 1: orphans of our tree must still come to us to be reaped.
fn become_subreaper(log: Log) {
    // Read back: a prctl that "succeeds" without effect must not go unnoticed.
    match sys::become_subreaper() {
        Ok(true) => {}
        Ok(false) => log.failed(Level::Warn, "become subreaper", Error(0)),
        Err(e) => log.failed(Level::Warn, "become subreaper", e),
    }
}

/// Pins nothing: cwd to `/` (a mount can be unmounted) and our fds ≥ 3 closed
/// (inherited ones, now held by the child, stay open only there).
fn let_go_of_resources(log: Log, keep: i32) {
    if let Err(e) = sys::chdir_root() {
        log.failed(Level::Warn, "chdir to /", e);
    }
    const FIRST: u32 = 3;
    let keep = keep as u32;
    let below = if keep > FIRST { sys::close_range(FIRST, keep - 1) } else { Ok(()) };
    // Failure leaves fds open in nanoinit only; nothing to report to anyone.
    let _ = below.and_then(|()| sys::close_range(keep.saturating_add(1), u32::MAX));
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
