//! The event loop under faults (issue 12): a log pipe with no reader, a full
//! log pipe whose reader never reads, a failing wait, a failing signalfd read,
//! the setsid leader's exit racing the reap, and dumb-init's job control
//! without setsid. Failures are injected into the running nanoinit alone with
//! `strace -p` (by syscall and errno), so neither `unshare` nor the program is
//! touched.
mod common;
use common::*;

use std::os::fd::AsRawFd;
use std::process::{Child, Command, Stdio};

/// The signals pending for `pid`, for its threads and for the whole process
/// (a SIGPIPE from a write is sent to the thread).
fn pending(pid: i32) -> u64 {
    sig_mask(pid, "SigPnd").unwrap_or(0) | sig_mask(pid, "ShdPnd").unwrap_or(0)
}

/// A pipe whose reader is already gone, as the write end for a child's stderr.
fn pipe_without_reader() -> Stdio {
    let (read, write) = std::io::pipe().expect("pipe");
    drop(read);
    Stdio::from(write)
}

/// strace attached to one process, injecting faults; killed on drop if the
/// traced process has not ended it already.
struct Tracer(Child);

impl Tracer {
    /// Attaches to `pid` with `args` (e.g. `-e inject=…`) and returns once attached.
    fn attach(pid: i32, args: &[&str]) -> Tracer {
        let strace = which("strace").expect("strace not installed (make deps)");
        let child = Command::new(strace)
            .args(["-qq", "-o", "/dev/null", "-p", &pid.to_string()])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn strace");
        let attached = || status_field(pid, "TracerPid").is_some_and(|t| t != "0");
        poll(DEADLINE, || attached().then_some(())).expect("strace never attached");
        Tracer(child)
    }
}

impl Drop for Tracer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `sh -c` script that waits for `file` to exist.
fn until(file: &str) -> String {
    format!("while [ ! -e {file} ]; do sleep 0.01; done")
}

fn touch(path: &str) {
    std::fs::write(path, "").unwrap();
}

#[test]
fn a_log_pipe_with_no_reader_costs_the_program_nothing() {
    for mode in MODES {
        for verbose in [true, false] {
            let what = format!("{mode:?} verbose={verbose}");
            let dir = TempDir::new("deadlog");
            let go = dir.join("go");
            // The program ignores USR1; an orphan it leaves ends when told to.
            let script = format!("trap '' USR1; (sh -c '{}' &); exec sleep 1000", until(&go));
            let flags: &[&str] = if verbose { &["-v", "-w"] } else { &["-w"] };
            let mut cmd = command(mode, flags);
            cmd.args(["--", "sh", "-c", &script]).stderr(pipe_without_reader());
            let init = Init::start_ready(cmd, mode);
            let _guard = TreeGuard::new(init.pid);
            let main = init.main_child();
            wait_comm(main, "sleep");
            if verbose {
                // Logged as forwarded: the write fails, the kernel raises SIGPIPE on nanoinit.
                init.signal(libc::SIGUSR1);
            }
            // The orphan's reap is a warning (-w): one more write to the dead pipe.
            touch(&go);
            let reaped = poll(DEADLINE, || (children(init.pid) == [main]).then_some(()));
            assert!(reaped.is_some(), "{what}: the orphan was never reaped: SIGCHLD starved");
            let pipe = 1u64 << (libc::SIGPIPE - 1);
            assert!(poll(DEADLINE, || (pending(init.pid) & pipe == 0).then_some(())).is_some(), "{what}");
            assert!(alive(main), "{what}: the program died (SIGPIPE forwarded?)");
            init.signal(libc::SIGTERM);
            let o = init.wait();
            assert_eq!(o.code, 128 + libc::SIGTERM, "{what}: TERM must still reach the program: {o:?}");
        }
    }
}

/// Bytes a pipe holds at least (one page): the full log pipe below fills fast.
const SMALL_PIPE: i32 = 4096;

#[test]
fn a_full_log_pipe_nobody_reads_never_stops_the_init() {
    for mode in MODES {
        let what = format!("{mode:?}");
        let dir = TempDir::new("fulllog");
        let go = dir.join("go");
        // A reader that never reads: the test keeps the read end open to the
        // end. With -v each reaped orphan is a line of ~40 bytes, so 300 of
        // them fill the pipe; a blocking write would then stop nanoinit.
        let (read, write) = std::io::pipe().expect("pipe");
        // SAFETY: fcntl on an fd we own, with an int argument.
        assert!(unsafe { libc::fcntl(write.as_raw_fd(), libc::F_SETPIPE_SZ, SMALL_PIPE) } >= SMALL_PIPE);
        let script = format!(
            "trap 'exit 7' TERM; i=0; while [ $i -lt 300 ]; do ( : & ); i=$((i + 1)); done; : > {go}; \
             while :; do sleep 0.1; done"
        );
        let mut cmd = command(mode, &["-v", "--", "sh", "-c", &script]);
        cmd.stderr(Stdio::from(write));
        let init = Init::start_ready(cmd, mode);
        let _guard = TreeGuard::new(init.pid);
        wait_for_file(&go, DEADLINE);
        // Every orphan reaped (only the program is left), its line written or not.
        let main = init.main_child();
        let reaped = poll(DEADLINE, || (children(init.pid) == [main]).then_some(()));
        assert!(reaped.is_some(), "{what}: orphans left unreaped: nanoinit blocked on the full pipe?");
        init.signal(libc::SIGTERM);
        let o = init.wait();
        assert_eq!(o.code, 7, "{what}: TERM must reach the program: {o:?}");
        drop(read);
    }
}

#[test]
fn a_failed_wait_is_retried_and_the_exit_code_kept() {
    for mode in MODES {
        // Once, and three times in a row: every retry must come by itself.
        for when in ["1", "1..3"] {
            let dir = TempDir::new("waitfail");
            let go = dir.join("go");
            let script = format!("{}; exit 7", until(&go));
            let init = Init::start_ready(command(mode, &["--", "sh", "-c", &script]), mode);
            let _guard = TreeGuard::new(init.pid);
            init.main_child();
            let inject = format!("inject=wait4,waitid:error=EIO:when={when}");
            let _t = Tracer::attach(init.pid, &["-e", "trace=wait4,waitid", "-e", &inject]);
            touch(&go);
            let o = init.wait();
            assert_eq!(o.code, 7, "{mode:?} when={when}: {o:?}");
            assert!(o.stderr.contains("nanoinit: unable to wait: "), "{mode:?} when={when}: {}", o.stderr);
        }
    }
}

#[test]
fn a_failed_signalfd_read_keeps_the_exit_code() {
    for mode in MODES {
        // Once (read again at once), and for good (wait for the children instead).
        for when in ["1", "1+"] {
            let dir = TempDir::new("readfail");
            let go = dir.join("go");
            let script = format!("trap '' USR1; {}; exit 7", until(&go));
            let init = Init::start_ready(command(mode, &["--", "sh", "-c", &script]), mode);
            let _guard = TreeGuard::new(init.pid);
            let main = init.main_child();
            let usr1 = 1u64 << (libc::SIGUSR1 - 1);
            let ignores = || (sig_mask(main, "SigIgn").unwrap_or(0) & usr1 != 0).then_some(());
            poll(DEADLINE, ignores).expect("trap never set");
            let inject = format!("inject=read:error=EIO:when={when}");
            let _t = Tracer::attach(init.pid, &["-e", "trace=read", "-e", &inject]);
            // Ends the read that was under way when strace attached; the next one fails.
            init.signal(libc::SIGUSR1);
            touch(&go);
            let o = init.wait();
            assert_eq!(o.code, 7, "{mode:?} when={when}: {o:?}");
            assert!(o.stderr.contains("nanoinit: unable to read signalfd: "), "{mode:?} when={when}: {}", o.stderr);
        }
    }
}

#[test]
fn setsid_leader_exit_always_terms_its_group() {
    for mode in MODES {
        let dir = TempDir::new("leader");
        let (orphan_go, main_go) = (dir.join("orphan"), dir.join("main"));
        // An orphan that ends first, so nanoinit looks at its children while the leader still runs.
        let script = format!("(sh -c '{}' &); {}; exit 3", until(&orphan_go), until(&main_go));
        let init = Init::start_ready(command(mode, &["--setsid", "-v", "--", "sh", "-c", &script]), mode);
        let _guard = TreeGuard::new(init.pid);
        let main = init.main_child();
        let orphan = poll(DEADLINE, || children(init.pid).into_iter().find(|&p| p != main)).expect("no orphan");
        // Holds nanoinit's first wait-related call for a second after it returns:
        // the leader exits in that window.
        let _t =
            Tracer::attach(init.pid, &["-e", "trace=wait4,waitid", "-e", "inject=waitid:delay_exit=1000000:when=1"]);
        touch(&orphan_go);
        poll(DEADLINE, || matches!(state(orphan), Some('Z') | None).then_some(()));
        touch(&main_go);
        let o = init.wait();
        assert_eq!(o.code, 3, "{mode:?}: {o:?}");
        assert!(
            o.stderr.lines().any(|l| l.starts_with("nanoinit: forwarded SIGTERM to process group ")),
            "{mode:?}: the leader was reaped without its group's TERM:\n{}",
            o.stderr
        );
    }
}

#[test]
fn dumb_init_without_setsid_stops_itself_like_dumb_init() {
    let dir = TempDir::new("jobctl");
    let dumb = dir.personality("dumb-init");
    let mode = Mode::Subreaper; // as PID 1 the kernel ignores a self-stop
    for (args, env) in [(&["-c"][..], None), (&[][..], Some("DUMB_INIT_SETSID=0"))] {
        let what = format!("{args:?} {env:?}");
        let mut cmd = command_as(mode, &dumb, args);
        cmd.args(["sh", "-c", "exec sleep 1000"]);
        if let Some(kv) = env {
            let (k, v) = kv.split_once('=').unwrap();
            cmd.env(k, v);
        }
        let init = Init::start_ready(cmd, mode);
        let _guard = TreeGuard::new(init.pid);
        let main = init.main_child();
        wait_comm(main, "sleep");
        let stopped = |pid, want: bool| poll(DEADLINE, || ((state(pid) == Some('T')) == want).then_some(())).is_some();
        init.signal(libc::SIGTSTP);
        assert!(stopped(main, true), "{what}: TSTP not forwarded");
        assert!(stopped(init.pid, true), "{what}: nanoinit did not stop itself");
        init.signal(libc::SIGCONT);
        assert!(stopped(init.pid, false) && stopped(main, false), "{what}: not continued");
        init.signal(libc::SIGTERM);
        let o = init.wait();
        assert_eq!(o.code, 128 + libc::SIGTERM, "{what}: {o:?}");
    }
}
