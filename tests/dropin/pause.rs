//! `-P`: pause mode runs nothing and reaps.
use super::*;

#[test]
fn pause_mode_runs_nothing_and_exits_0_on_term_or_int() {
    for mode in MODES {
        let lab = Lab::new("pause", mode);
        for exe in ["nanoinit", "tini", "dumb-init"] {
            for (flag, quit) in [("-P", libc::SIGTERM), ("--pause", libc::SIGINT)] {
                let init = lab.start(exe, &["-v", flag], &[]);
                assert!(children(init.pid).is_empty());
                for sig in [libc::SIGUSR1, libc::SIGHUP, libc::SIGTSTP, libc::SIGCHLD] {
                    init.signal(sig);
                    assert!(wait_consumed(init.pid, sig));
                }
                assert!(!init.has_exited() && state(init.pid) != Some('T'), "{mode:?} {exe} {flag}");
                init.signal(quit);
                let o = init.wait();
                assert_eq!(o.code, 0, "{mode:?} {exe} {flag}: {o:?}");
                assert!(has_line(&o.stderr, "nanoinit: exit 0: paused, got TERM/INT"), "{}", o.stderr);
            }
        }
    }
}

#[test]
fn pause_mode_as_pid1_reaps_orphans() {
    let lab = Lab::new("pause-reap", Mode::Pid1);
    let init = lab.start("nanoinit", &["-P", "-w"], &[]);
    // A process entering the namespace leaves an orphan behind: PID 1 adopts it.
    let st = Command::new("nsenter")
        .args(["-t", &init.pid.to_string(), "-p", "--", "sh", "-c", "(sleep 0.2; exit 3) & exit 0"])
        .status()
        .unwrap();
    assert!(st.success());
    poll(DEADLINE, || descendants(init.pid).is_empty().then_some(())).expect("the orphan was never reaped");
    init.signal(libc::SIGTERM);
    let o = init.wait();
    assert_eq!(o.code, 0);
    assert!(
        o.stderr.lines().any(|l| l.starts_with("nanoinit: warning: reaped process ") && l.ends_with(": exit code 3")),
        "{}",
        o.stderr
    );
}
