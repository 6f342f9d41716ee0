//! Start-up (issue 12): the system calls from nanoinit's execve to its
//! program's, what the program inherits (dispositions, fds 0–2), the peers'
//! variables set but empty, and the error paths that used to lose information.
//! The strace tests skip themselves when strace is not installed.

mod common;
mod strace;

use std::fs;
use std::os::unix::process::CommandExt;
use std::time::Duration;

use common::{Mode, TempDir, MODES};
use nanoinit::config::{self, Action, Session, Target};

/// Most system calls nanoinit may make from its execve to its program's (as
/// PID 1, as `make bench` counts them). tini-static makes 19, catatonit 20.
const MAX_STARTUP_CALLS: usize = 12;

/// Signals the tests ignore before starting nanoinit: PIPE and CHLD (the two
/// that matter most), a plain one, and a real-time one.
const IGNORED: [i32; 4] = [libc::SIGPIPE, libc::SIGCHLD, libc::SIGUSR1, 36];

/// Makes `cmd` start with exactly `ignored` set to SIG_IGN (glibc's
/// posix_spawn, which std may use, hands down 32 and 33 ignored) and `closed`
/// fds closed.
fn inherit_exactly(cmd: &mut std::process::Command, ignored: &'static [i32], closed: &'static [i32]) {
    // SAFETY: signal(2) and close(2) are async-signal-safe.
    unsafe {
        cmd.pre_exec(move || {
            // Raw rt_sigaction: glibc refuses to touch 32 and 33.
            let dfl = [libc::SIG_DFL, 0, 0, 0];
            for s in 1..=64 {
                libc::syscall(libc::SYS_rt_sigaction, s, dfl.as_ptr(), 0usize, 8usize);
            }
            for &s in ignored {
                libc::signal(s, libc::SIG_IGN);
            }
            for &fd in closed {
                libc::close(fd);
            }
            Ok(())
        });
    }
}

/// [`inherit_exactly`] with `IGNORED`.
fn inherit(cmd: &mut std::process::Command, closed: &'static [i32]) {
    inherit_exactly(cmd, &IGNORED, closed);
}

#[test]
fn startup_takes_at_most_12_system_calls_and_ignores_one_read() {
    let Some(st) = strace::strace() else { return };
    let dir = TempDir::new("startup-count");
    for mode in MODES {
        // Ignored PIPE and CHLD: what a careless parent hands down.
        for ignored in [&[][..], &[libc::SIGPIPE, libc::SIGCHLD]] {
            let log = dir.join("log");
            let Some(mut l) = strace::launch(mode, &st, &dir, &log, &[], &["--", "/bin/true"]) else { return };
            inherit_exactly(&mut l.cmd, ignored, &[]);
            let r = l.run(&dir, "count", common::DEADLINE);
            assert_eq!(r.code, Some(0), "{mode:?}: {}", r.stderr);
            let text = fs::read_to_string(&log).unwrap();
            let t = strace::trace(&text, "/bin/true").expect("no execve of /bin/true in the log");
            let n = t.startup.len();
            eprintln!("{mode:?}, ignoring {ignored:?}: {n} calls: {}", t.startup.join(" "));
            // One read of SigIgn; a reset only for what was ignored (unshare,
            // between the test and nanoinit as PID 1, may reset SIGCHLD itself).
            let resets: Vec<&str> = text.lines().filter(|l| l.contains("rt_sigaction(SIG")).collect();
            let names = ["SIGPIPE", "SIGCHLD"];
            assert!(resets.iter().all(|l| names.iter().any(|n| l.contains(&format!("({n},")))), "{resets:?}");
            assert_eq!(resets.is_empty(), ignored.is_empty(), "{mode:?}: {resets:?}");
            let reads = text.lines().filter(|l| l.contains("\"/proc/self/status\"")).count();
            assert_eq!(reads, 1, "{mode:?}: /proc/self/status opened once");
            if mode == Mode::Pid1 {
                assert!(n <= MAX_STARTUP_CALLS, "{n} calls from execve to execve: {}", t.startup.join(" "));
            }
        }
    }
}

/// The program's `SigIgn` and its exit code, with `IGNORED` ignored by the
/// caller and `extra` strace arguments (none: no strace).
fn program_sig_ign(mode: Mode, dir: &TempDir, extra: Option<(&str, &[String])>) -> (u64, i32) {
    let out = dir.join("sigign");
    let _ = fs::remove_file(&out);
    // sh -c passes on what it inherited (it ignores nothing itself).
    let script = format!("grep SigIgn /proc/self/status > {out}; exit 7");
    let args = ["--", "/bin/sh", "-c", &script];
    let mut l = match extra {
        None => strace::Launch::plain(common::command(mode, &args)),
        Some((st, e)) => strace::launch(mode, st, dir, "/dev/null", e, &args).expect("no holder program"),
    };
    inherit(&mut l.cmd, &[]);
    let r = l.run(dir, "sigign", common::DEADLINE);
    let text = fs::read_to_string(&out).unwrap_or_default();
    let mask = text.split_whitespace().nth(1).and_then(|m| u64::from_str_radix(m, 16).ok());
    (mask.unwrap_or_else(|| panic!("{mode:?}: no SigIgn from the program: {:?}", r.stderr)), r.code.unwrap_or(-1))
}

#[test]
fn inherited_ignores_never_reach_the_program() {
    let dir = TempDir::new("startup-ign");
    for mode in MODES {
        // sh ignores nothing by itself when run with -c; its SigIgn is what it got.
        // An ignored SIGCHLD would also lose the exit code (auto-reaped).
        assert_eq!(program_sig_ign(mode, &dir, None), (0, 7), "{mode:?}");
    }
    // When /proc cannot be read, every disposition is reset: the first openat
    // (/proc/self/status) fails, and so does the read from its fallback.
    let Some(st) = strace::strace() else { return };
    for errno in ["ENOENT", "EACCES"] {
        let inject = [format!("--inject=openat:error={errno}:when=1")];
        for mode in MODES {
            assert_eq!(program_sig_ign(mode, &dir, Some((&st, &inject))), (0, 7), "{mode:?} {errno}");
        }
    }
}

/// nanoinit's own fds (its signalfd) must sit above 2 and the program must
/// find each std fd as it was given; nanoinit's messages still reach stderr.
#[test]
fn closed_standard_fds_are_never_taken_by_nanoinit() {
    let dir = TempDir::new("startup-fds");
    let go = dir.join("go");
    // The program waits while the test looks at it and at nanoinit.
    let script = format!("while [ ! -e {go} ]; do sleep 0.01; done; exit 3");
    let st = strace::strace();
    let cases: [&'static [i32]; 5] = [&[0], &[1], &[0, 1], &[0, 2], &[0, 1, 2]];
    for mode in MODES {
        for closed in cases {
            // Also with /proc unreadable (its place held by `/` instead); the
            // fallback does not depend on the mode, so once is enough.
            let injects: Vec<Option<String>> = match &st {
                Some(_) if mode == Mode::Subreaper => vec![None, Some("--inject=openat:error=ENOENT:when=1".into())],
                _ => vec![None],
            };
            for inject in injects {
                let what = format!("{mode:?}, closed {closed:?}, {inject:?}");
                let _ = fs::remove_file(&go);
                let args = ["-v", "--", "/bin/sh", "-c", &script];
                // An inject is only planned as a subreaper with strace at hand.
                let mut c = match (&inject, &st) {
                    (Some(i), Some(s)) => {
                        strace::launch(mode, s, &dir, "/dev/null", std::slice::from_ref(i), &args).unwrap().cmd
                    }
                    _ => common::command(mode, &args),
                };
                inherit(&mut c, closed);
                let init = common::Init::start(c, mode);
                // The program, and nanoinit its parent (not one of sh's own
                // forks, which are "sh" too until they exec sleep).
                let comm = |p: i32| common::proc_file(p, "comm").trim().to_string();
                let sh = common::poll(common::DEADLINE, || {
                    common::descendants(init.pid)
                        .into_iter()
                        .find(|&p| comm(p) == "sh" && common::ppid(p).is_some_and(|pp| comm(pp) == "nanoinit"))
                })
                .expect("no sh");
                let nanoinit = common::ppid(sh).unwrap();
                // After the spawn nanoinit holds 0-2 (or their placeholders) and its signalfd.
                let fds = common::poll(common::DEADLINE, || {
                    let f = common::fds(nanoinit);
                    (f.len() == 4).then_some(f)
                })
                .unwrap_or_else(|| panic!("{what}: nanoinit's fds never settled: {:?}", common::fds(nanoinit)));
                let sfd = fds.iter().find(|(_, t)| t.contains("signalfd")).map(|(n, _)| *n);
                assert!(sfd.is_some_and(|n| n >= 3), "{what}: signalfd at {sfd:?}: {fds:?}");
                for (n, t) in fds.iter().filter(|(n, _)| *n < 3) {
                    // Given: still what the test gave (never closed, never
                    // replaced). Closed: a placeholder, never one of nanoinit's
                    // working fds.
                    let given = t.starts_with("pipe:[") || t == "/dev/null";
                    assert_eq!(given, !closed.contains(n), "{what}: fd {n} is {t}");
                }
                // The program has each fd as it was given: the closed ones
                // closed. Polled: while its loader runs, a library file sits
                // on the lowest free fd for a moment.
                let given: Vec<i32> = (0..3).filter(|n| !closed.contains(n)).collect();
                let low = || common::fds(sh).into_iter().map(|(n, _)| n).filter(|n| *n < 3).collect::<Vec<i32>>();
                let settled = common::poll(Duration::from_secs(5), || (low() == given).then_some(()));
                assert!(settled.is_some(), "{what}: the program's fds: {:?}", common::fds(sh));
                fs::write(&go, "").unwrap();
                let out = init.wait();
                assert_eq!(out.code, 3, "{what}: {}", out.stderr);
                if !closed.contains(&2) {
                    assert!(out.stderr.contains("nanoinit: reaped main child"), "{what}: {:?}", out.stderr);
                }
            }
        }
    }
}

fn parsed(argv0: &str, env: &str) -> config::Config {
    match config::parse([argv0.as_bytes(), b"sh"], [env.as_bytes()]) {
        Ok(Action::Run(c)) => c,
        other => panic!("{argv0} {env}: {other:?}"),
    }
}

#[test]
fn peer_booleans_set_but_empty_are_on() {
    // tini and dumb-init test these for presence (getenv != NULL).
    assert_eq!(parsed("tini", "TINI_KILL_PROCESS_GROUP=").target, Target::Group);
    assert_eq!(parsed("nanoinit", "TINI_KILL_PROCESS_GROUP=").target, Target::Group);
    assert_eq!(parsed("nanoinit", "DUMB_INIT_SETSID=").session, Session::Session);
    assert_eq!(parsed("dumb-init", "DUMB_INIT_SETSID=").session, Session::Session);
    assert_eq!(parsed("tini", "TINI_SUBREAPER="), parsed("tini", "TINI_SUBREAPER=1"));
    // The footgun stays closed: 0 false no off mean off, whoever's variable.
    for v in ["0", "false", "no", "off", "OFF"] {
        assert_eq!(parsed("tini", &format!("TINI_KILL_PROCESS_GROUP={v}")).target, Target::Child, "{v}");
        assert_eq!(parsed("dumb-init", &format!("DUMB_INIT_SETSID={v}")).session, Session::Inherit, "{v}");
    }
    // nanoinit's own booleans: empty is off; dumb-init's DEBUG needs "1".
    assert_eq!(parsed("nanoinit", "NANOINIT_PGROUP=").target, Target::Child);
    assert_eq!(parsed("nanoinit", "DUMB_INIT_DEBUG=").verbosity, parsed("nanoinit", "X=1").verbosity);
}

/// Runs nanoinit under strace with one injection; returns (code, stderr).
fn injected(mode: Mode, inject: &str, args: &[&str]) -> Option<(i32, String)> {
    let st = strace::strace()?;
    let dir = TempDir::new("startup-inject");
    let l = strace::launch(mode, &st, &dir, "/dev/null", &[format!("--inject={inject}")], args)?;
    let r = l.run(&dir, "inject", common::DEADLINE);
    Some((r.code.expect("outlived the deadline"), r.stderr))
}

#[test]
fn a_failed_read_of_the_exec_status_is_reported_not_taken_for_success() {
    for mode in MODES {
        // nanoinit's second read is the exec-status pipe (the first is SigIgn).
        let Some((code, err)) = injected(mode, "read:error=EIO:when=2", &["--", "/bin/sh", "-c", "exit 5"]) else {
            return;
        };
        assert_eq!(code, 5, "{mode:?}: {err}");
        assert_eq!(err, "nanoinit: warning: unable to read exec status: errno 5\n", "{mode:?}");
        // And when the program could not run, its exit code still says so.
        let (code, err) = injected(mode, "read:error=EIO:when=2", &["--", "/nonexistent"]).unwrap();
        assert_eq!(code, 127, "{mode:?}: {err}");
        assert!(err.contains("unable to read exec status"), "{mode:?}: {err}");
    }
}

#[test]
fn a_subreaper_prctl_without_effect_gives_a_reason() {
    // Success injected into PR_SET_CHILD_SUBREAPER: the call is skipped and reports 0.
    let Some((code, err)) = injected(Mode::Subreaper, "prctl:retval=0:when=1", &["--", "/bin/sh", "-c", "exit 5"])
    else {
        return;
    };
    assert_eq!(code, 5, "{err}");
    assert_eq!(err, "nanoinit: warning: unable to become subreaper: prctl had no effect\n");
}
