//! Where a signal goes: the child, its process group (`-g`), every descendant (`-a`); `-c` keeps the child in our group.
use super::*;

#[test]
fn pgroup_forwards_to_the_childs_process_group() {
    for mode in MODES {
        let lab = Lab::new("pgroup", mode);
        for (exe, args, env) in [
            ("nanoinit", &["-g"][..], &[][..]),
            ("nanoinit", &["--pgroup"], &[]),
            ("tini", &["-g"], &[]),
            ("tini", &[], &[("TINI_KILL_PROCESS_GROUP", "1")]),
            ("nanoinit", &[], &[("NANOINIT_PGROUP", "yes")]),
        ] {
            let _ = fs::write(&lab.log, "");
            // Nobody quits on USR1: an exit would end the run (or bring the grace
            // period's TERM) before the other one has logged it.
            let script = main_and_grandchild(&lab, ("HUP", "USR1"), ("HUP,TERM", "USR1"));
            let mut argv = args.to_vec();
            argv.extend(["-v", "--", "sh", "-c", &script]);
            let init = lab.start(exe, &argv, env);
            lab.ready("main");
            lab.ready("gc");
            let child = init.main_child();
            assert_eq!(stat_num(child, PGRP), Some(child as i64), "{mode:?} {exe}: child leads its group");
            init.signal(libc::SIGUSR1);
            lab.expect("main:USR1");
            let gc_got_it = lab.wait_line("gc:USR1");
            init.signal(libc::SIGHUP);
            let o = init.wait();
            assert!(gc_got_it, "{mode:?} {exe} {args:?} {env:?}: {:?} {o:?}", lab.lines());
            assert_eq!(o.code, 0, "{mode:?} {exe} {args:?} {env:?}: {o:?}");
        }
    }
}

#[test]
fn default_target_is_the_child_alone() {
    for mode in MODES {
        let lab = Lab::new("child", mode);
        for (exe, args) in [("nanoinit", &[][..]), ("tini", &[]), ("dumb-init", &["-c"]), ("nanoinit", &["-c"])] {
            let _ = fs::write(&lab.log, "");
            let script = main_and_grandchild(&lab, ("USR1", "HUP"), ("TERM", "HUP USR1"));
            let mut argv = args.to_vec();
            argv.extend(["--grace", "5", "--", "sh", "-c", &script]);
            let init = lab.start(exe, &argv, &[]);
            lab.ready("main");
            lab.ready("gc");
            init.signal(libc::SIGHUP);
            lab.expect("main:HUP");
            lab.expect_not("gc:HUP");
            init.signal(libc::SIGUSR1);
            // The grace period TERMs the grandchild once the main child is gone.
            lab.expect("gc:TERM");
            let o = init.wait();
            assert_eq!(o.code, 0, "{mode:?} {exe} {args:?}: {o:?}");
            assert!(!lab.has("gc:USR1") && !lab.has("gc:HUP"), "{mode:?} {exe} {args:?}: {:?}", lab.lines());
        }
    }
}

/// Checks that `-c` (or its env forms) leaves the child in nanoinit's process group.
fn single_child_group_check(cases: &[(&str, &[&str], &[(&str, &str)])]) {
    let mut failures = Vec::new();
    for mode in MODES {
        let lab = Lab::new("single", mode);
        for (exe, args, env) in cases {
            let mut argv = args.to_vec();
            argv.extend(["--", "sleep", "30"]);
            let init = lab.start(exe, &argv, env);
            let child = init.main_child();
            let (ours, its) = (stat_num(init.pid, PGRP), stat_num(child, PGRP));
            if ours != its || stat_num(child, SESSION) != stat_num(init.pid, SESSION) {
                failures.push(format!("{mode:?} {exe} {args:?} {env:?}: nanoinit pgid {ours:?}, child pgid {its:?}"));
            }
            init.signal(libc::SIGTERM);
            let o = init.wait();
            assert_eq!(o.code, 143, "{mode:?} {exe} {args:?}: {o:?}");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `-c` (or its env forms) leaves the child in nanoinit's process group and
/// session, in every personality (dumb-init's default would be a new session).
#[test]
fn single_child_stays_in_our_group_in_every_personality() {
    single_child_group_check(&[
        ("dumb-init", &["-c"], &[]),
        ("dumb-init", &["--single-child"], &[]),
        ("dumb-init", &[], &[("DUMB_INIT_SETSID", "0")]),
        ("dumb-init", &[], &[("NANOINIT_SINGLE_CHILD", "1")]),
        ("nanoinit", &["-c"], &[]),
        ("nanoinit", &[], &[("NANOINIT_SINGLE_CHILD", "1")]),
        ("tini", &["--single-child"], &[]),
    ]);
}

#[test]
fn signal_all_reaches_a_double_forked_daemon() {
    for mode in MODES {
        let lab = Lab::new("all", mode);
        for (exe, args, env, reached) in [
            ("nanoinit", &["-a"][..], &[][..], true),
            ("nanoinit", &["--signal-all"], &[], true),
            ("tini", &[], &[("NANOINIT_SIGNAL_ALL", "1")], true),
            ("dumb-init", &["-a"], &[], true),
            ("nanoinit", &[], &[], false),
            ("dumb-init", &[], &[], false),
        ] {
            let _ = fs::write(&lab.log, "");
            // The daemon: its own session, reparented to nanoinit once its parent exits.
            let script = format!(
                "sh -c 'setsid {} &'; exec {}",
                lab.catch("daemon", "USR1,TERM", ""),
                lab.catch("main", "USR1", "")
            );
            let mut argv = args.to_vec();
            argv.extend(["--grace", "5", "--", "sh", "-c", &script]);
            let init = lab.start(exe, &argv, env);
            lab.ready("main");
            let daemon = lab.ready("daemon");
            if mode == Mode::Subreaper {
                assert_eq!(ppid(daemon), Some(init.pid), "the daemon is an orphan of nanoinit");
                assert_eq!(stat_num(daemon, SESSION), Some(daemon as i64), "the daemon leads its own session");
            }
            init.signal(libc::SIGUSR1);
            lab.expect("main:USR1");
            if reached {
                lab.expect("daemon:USR1");
            } else {
                // It only gets the grace period's TERM once the main child is gone.
                lab.expect("daemon:TERM");
                assert!(!lab.has("daemon:USR1"), "{mode:?} {exe} {args:?}: {:?}", lab.lines());
            }
            let o = init.wait();
            assert_eq!(o.code, 0, "{mode:?} {exe} {args:?} {env:?}: {o:?}");
        }
    }
}
