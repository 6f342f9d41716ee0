//! After the main child: the grace period's TERM and KILL, `--wait`, and the peers' immediate exit.
use super::*;

/// `sh` that starts an orphan catcher (reparented to nanoinit), waits until it
/// is ready, then exits 7.
fn orphan_then_exit_7(lab: &Lab, quit: &str, sigs: &str) -> String {
    format!(
        "sh -c '{} &'; until grep -q orphan:ready {}; do sleep 0.02; done; exit 7",
        lab.catch("orphan", quit, sigs),
        lab.log
    )
}

#[test]
fn grace_terms_the_rest_and_keeps_the_main_exit_code() {
    for mode in MODES {
        let lab = Lab::new("grace-term", mode);
        for (exe, args, env) in [
            ("nanoinit", &["--grace", "5"][..], &[][..]),
            ("tini", &["--grace=5"], &[]),
            ("dumb-init", &["-c"], &[("NANOINIT_GRACE", "5")]),
            ("nanoinit", &[], &[]),
        ] {
            let _ = fs::write(&lab.log, "");
            let script = orphan_then_exit_7(&lab, "TERM", "");
            let mut argv = args.to_vec();
            argv.extend(["-v", "--", "sh", "-c", &script]);
            let o = lab.start(exe, &argv, env).wait();
            let what = format!("{mode:?} {exe} {args:?} {env:?}");
            assert_eq!(o.code, 7, "{what}: {o:?}");
            assert!(lab.has("orphan:TERM") && lab.has("orphan:exit"), "{what}: {:?}", lab.lines());
            let ms = if exe == "nanoinit" && args.is_empty() { 3000 } else { 5000 };
            let line = format!("nanoinit: TERM to the rest, KILL in {ms} ms");
            assert!(has_line(&o.stderr, &line), "{what}: {}", o.stderr);
            assert!(has_line(&o.stderr, "nanoinit: exit 7: all exited"), "{what}: {}", o.stderr);
            assert!(!o.stderr.contains("grace over"), "{what}: {}", o.stderr);
        }
    }
}

#[test]
fn grace_kills_what_ignores_term() {
    for mode in MODES {
        let lab = Lab::new("grace-kill", mode);
        let script = orphan_then_exit_7(&lab, "-", "!TERM");
        let init = lab.start("nanoinit", &["--grace", "1", "-v", "--", "sh", "-c", &script], &[]);
        let orphan = lab.ready("orphan");
        let o = init.wait();
        assert_eq!(o.code, 7, "{mode:?}: {o:?}");
        assert!(
            o.elapsed >= Duration::from_millis(800) && o.elapsed < Duration::from_secs(8),
            "{mode:?}: {:?}",
            o.elapsed
        );
        assert!(has_line(&o.stderr, "nanoinit: grace over: KILL to the rest"), "{}", o.stderr);
        if mode == Mode::Subreaper {
            assert!(poll(DEADLINE, || (!alive(orphan)).then_some(())).is_some(), "orphan {orphan} survived");
        }
        assert!(!lab.has("orphan:exit"));
    }
}

#[test]
fn nanoinit_default_grace_is_3_seconds() {
    for mode in MODES {
        let lab = Lab::new("grace-default", mode);
        let script = orphan_then_exit_7(&lab, "-", "!TERM");
        let o = lab.start("nanoinit", &["--", "sh", "-c", &script], &[]).wait();
        assert_eq!(o.code, 7, "{mode:?}: {o:?}");
        assert!(
            o.elapsed >= Duration::from_millis(2400) && o.elapsed < Duration::from_secs(15),
            "{mode:?}: {:?}",
            o.elapsed
        );
    }
}

#[test]
fn grace_lets_a_slow_exit_finish() {
    for mode in MODES {
        let lab = Lab::new("grace-slow", mode);
        let script = orphan_then_exit_7(&lab, "TERM+slow", "");
        let o = lab.start("nanoinit", &["--grace", "6", "-v", "--", "sh", "-c", &script], &[]).wait();
        assert_eq!(o.code, 7, "{mode:?}: {o:?}");
        assert!(lab.has("orphan:TERM") && lab.has("orphan:exit"), "{mode:?}: {:?}", lab.lines());
        assert!(!o.stderr.contains("grace over"), "{}", o.stderr);
    }
}

#[test]
fn tini_and_dumb_init_exit_right_after_the_main_child() {
    for mode in MODES {
        let lab = Lab::new("grace-zero", mode);
        for (exe, args) in [("tini", &[][..]), ("dumb-init", &["-c"]), ("nanoinit", &["--grace", "0"])] {
            let _ = fs::write(&lab.log, "");
            let script = orphan_then_exit_7(&lab, "TERM", "");
            let mut argv = args.to_vec();
            argv.extend(["-v", "--", "sh", "-c", &script]);
            let init = lab.start(exe, &argv, &[]);
            let orphan = lab.ready("orphan");
            let o = init.wait();
            assert_eq!(o.code, 7, "{mode:?} {exe}: {o:?}");
            assert!(has_line(&o.stderr, "nanoinit: exit 7: main child exited"), "{}", o.stderr);
            assert!(!o.stderr.contains("SIGTERM"), "{mode:?} {exe}: {}", o.stderr);
            if mode == Mode::Subreaper {
                // Left alone, still running.
                assert!(alive(orphan));
                lab.expect_not("orphan:TERM");
                lab.kill_catchers();
            }
        }
    }
}

#[test]
fn as_subreaper_only_own_descendants_are_signalled() {
    let lab = Lab::new("unrelated", Mode::Subreaper);
    let mut outsider = Command::new("sleep").arg("60").process_group(0).spawn().unwrap();
    let outsider_pid = outsider.id() as i32;
    // The grace period's TERM and KILL, and a forward to all descendants.
    let script = orphan_then_exit_7(&lab, "-", "!TERM USR1");
    let init = lab.start("nanoinit", &["-a", "--grace", "1", "--", "sh", "-c", &script], &[]);
    let orphan = lab.ready("orphan");
    let o = init.wait();
    assert_eq!(o.code, 7, "{o:?}");
    assert!(!alive(orphan));
    let script = format!("exec {}", lab.catch("main", "USR1", ""));
    let init = lab.start("nanoinit", &["--signal-all", "--", "sh", "-c", &script], &[]);
    lab.ready("main");
    init.signal(libc::SIGUSR1);
    assert_eq!(init.wait().code, 0);
    assert!(alive(outsider_pid) && outsider.try_wait().unwrap().is_none(), "the unrelated sleep was signalled");
    let _ = outsider.kill();
    let _ = outsider.wait();
}

/// As a subreaper the grace period's TERM reaches a grandchild whose parent
/// still lives and ignores TERM: the walk goes down the tree, not only over
/// our own children.
#[test]
fn grace_term_reaches_grandchildren_as_subreaper() {
    let lab = Lab::new("grand", Mode::Subreaper);
    let script = format!(
        "sh -c 'trap \"\" TERM; {} & wait' & until grep -q grand:ready {}; do sleep 0.02; done; exit 7",
        lab.catch("grand", "TERM", ""),
        lab.log
    );
    let init = lab.start("nanoinit", &["--grace", "2", "--", "sh", "-c", &script], &[]);
    lab.ready("grand");
    let o = init.wait();
    assert_eq!(o.code, 7, "{o:?}");
    assert!(lab.lines().iter().any(|l| l == "grand:TERM"), "log: {:?}", lab.lines());
}

#[test]
fn wait_keeps_running_while_any_descendant_lives() {
    for mode in MODES {
        let lab = Lab::new("wait", mode);
        for (exe, args, env) in [
            ("nanoinit", &["--wait"][..], &[][..]),
            ("tini", &["--wait"], &[]),
            ("dumb-init", &["-c"], &[("NANOINIT_WAIT", "1")]),
        ] {
            let go = lab.dir.join("go");
            let _ = fs::remove_file(&go);
            let dir = lab.dir.0.to_string_lossy().into_owned();
            let script = format!("sh -c 'until [ -e {go} ] || [ ! -d {dir} ]; do sleep 0.05; done &'; exit 4");
            let mut argv = args.to_vec();
            argv.extend(["-v", "--", "sh", "-c", &script]);
            let init = lab.start(exe, &argv, env);
            // The main child (the only process whose command line has `exit 4`)
            // is reaped, the orphan loop is left; nanoinit stays.
            let only_orphan = || {
                let kids = children(init.pid);
                (!kids.is_empty() && kids.iter().all(|&k| !proc_file(k, "cmdline").contains("exit 4"))).then_some(())
            };
            poll(DEADLINE, only_orphan).expect("main child never reaped");
            std::thread::sleep(Duration::from_millis(400));
            assert!(!init.has_exited(), "{mode:?} {exe}: exited with a descendant alive");
            fs::write(&go, "").unwrap();
            let o = init.wait();
            assert_eq!(o.code, 4, "{mode:?} {exe}: {o:?}");
            assert!(has_line(&o.stderr, "nanoinit: waiting for the rest"), "{}", o.stderr);
            assert!(has_line(&o.stderr, "nanoinit: exit 4: all exited"), "{}", o.stderr);
        }
    }
}
