//! Starting the program: clone, set up the child, execve with a PATH search,
//! and learn the outcome through a close-on-exec pipe.

use nanoinit::config::{Config, Session};
use nanoinit::path::{self, PATH_BUF};
use rustix::process::Pid;

use crate::log::{Level, Log};
use crate::sys::{self, CStrArray, Error, Forked};

/// Why the program is not running.
pub enum SpawnError {
    /// A syscall of nanoinit's own failed (its name and error).
    Sys(&'static str, Error),
    /// execve failed for every candidate; this is the error to report.
    Exec(Error),
}

/// Starts `argv[cfg.program..]` with `envp` and returns its pid once it has
/// executed (or died trying), so every later forward reaches a set-up child.
///
/// The caller has blocked every signal and reset every disposition to SIG_DFL,
/// so the child inherits default dispositions and nothing arrives before it
/// chooses its own mask.
pub fn spawn(cfg: &Config, log: &Log, program: usize, argv: CStrArray, envp: CStrArray) -> Result<Pid, SpawnError> {
    let (read_end, write_end) = sys::pipe().map_err(|e| SpawnError::Sys("pipe", e))?;
    let child_argv = argv.tail(program);
    match sys::fork().map_err(|e| SpawnError::Sys("clone", e))? {
        Forked::Child => {
            let err = child(cfg.session, child_argv, envp);
            let _ = sys::write(sys::borrow(&write_end), &err.0.to_ne_bytes());
            sys::exit(nanoinit::status::exec_failure_code(err.0))
        }
        Forked::Parent(pid) => {
            drop(write_end);
            if cfg.session == Session::Group {
                // Also done by the child; doing it here too means the group exists
                // before this function returns, whichever of us runs first.
                // EACCES (child already exec'd) and ESRCH (it died) are fine.
                let _ = sys::setpgid(Some(pid), Some(pid));
            }
            let mut errno = [0u8; 4];
            // Returns 0 bytes once execve closes the pipe, or 4 with its errno.
            // No EINTR here: every signal is blocked, and with no handler the
            // kernel restarts the read itself.
            match sys::read(sys::borrow(&read_end), &mut errno) {
                Ok(4) => {
                    // Collect the failed child so it never lingers as a zombie.
                    let _ = sys::wait_for(pid);
                    Err(SpawnError::Exec(Error(i32::from_ne_bytes(errno))))
                }
                // A write of 4 bytes to a pipe is atomic: 0 means execve worked.
                Ok(_) => Ok(pid),
                Err(e) => {
                    // Unknown whether execve worked. The child runs either way,
                    // and its exit code (126/127 after a failed execve) will tell.
                    log.failed(Level::Warn, "read exec status", e);
                    Ok(pid)
                }
            }
        }
    }
}

/// In the new process: its session or group, the tty, an empty mask, execve.
/// Only async-signal-safe syscalls run here; it returns the exec error.
fn child(session: Session, argv: CStrArray, envp: CStrArray) -> Error {
    let stdin = sys::stdin();
    match session {
        Session::Session => {
            let _ = sys::setsid();
            // Makes fd 0 our controlling tty when it is one (ENOTTY otherwise).
            let _ = sys::take_ctty(stdin);
        }
        Session::Group => {
            let _ = sys::setpgid(None, None);
            // Foreground on the tty, before unblocking: SIGTTOU is still blocked,
            // so tcsetpgrp from a background group cannot stop us. ENOTTY, ENXIO
            // and EBADF just mean there is no tty to take.
            let _ = sys::tcsetpgrp(stdin, sys::getpid());
        }
        Session::Inherit => {}
    }
    if let Err(e) = sys::set_mask(0) {
        return e;
    }
    let prog = argv.first().unwrap_or(b"");
    exec_search(prog, argv, envp)
}

/// execvp's search: a name with `/` as is, else each PATH entry in turn.
/// ENOENT-like errors go on to the next entry; EACCES is remembered.
fn exec_search(prog: &[u8], argv: CStrArray, envp: CStrArray) -> Error {
    let mut buf = [0u8; PATH_BUF];
    let explicit = path::is_explicit(prog);
    // A name with `/` is tried as is: a search path of one empty entry.
    let search = match envp.iter().find_map(|e| nanoinit::bytes::strip(e, b"PATH=", false)) {
        _ if explicit => b"",
        Some(p) => p,
        None => path::DEFAULT_PATH,
    };
    let mut err = libc::ENOENT;
    for dir in path::dirs(search) {
        let Some(candidate) = path::join(dir, prog, &mut buf).filter(|_| !prog.is_empty()) else {
            continue;
        };
        match sys::execve(candidate, argv, envp).0 {
            e if explicit => return Error(e),
            libc::EACCES => err = libc::EACCES,
            libc::ENOENT
            | libc::ENOTDIR
            | libc::ESTALE
            | libc::ENODEV
            | libc::ETIMEDOUT
            | libc::ENAMETOOLONG
            | libc::ELOOP => {}
            e => return Error(e),
        }
    }
    Error(err)
}
