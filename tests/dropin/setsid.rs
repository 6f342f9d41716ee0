//! Setsid mode (dumb-init's default): the child leads a session; its group gets TERM at the end.
use super::*;

#[test]
fn setsid_mode_child_leads_a_session_and_its_group_gets_term_at_the_end() {
    for mode in MODES {
        let lab = Lab::new("setsid", mode);
        for (exe, args, env) in [
            ("dumb-init", &[][..], &[][..]),
            ("nanoinit", &["--setsid"], &[]),
            ("nanoinit", &[], &[("DUMB_INIT_SETSID", "1")]),
            ("tini", &[], &[("NANOINIT_SETSID", "on")]),
        ] {
            let _ = fs::write(&lab.log, "");
            let script = main_and_grandchild(&lab, ("USR1", "HUP"), ("TERM", "HUP USR1"));
            let mut argv = args.to_vec();
            // As PID 1 nanoinit's exit would SIGKILL the grandchild before it logs.
            if mode == Mode::Pid1 {
                argv.push("--wait");
            }
            argv.extend(["-v", "--", "sh", "-c", &script]);
            let init = lab.start(exe, &argv, env);
            lab.ready("main");
            let gc = lab.ready("gc");
            let child = init.main_child();
            let what = format!("{mode:?} {exe} {args:?} {env:?}");
            assert_eq!(stat_num(child, SESSION), Some(child as i64), "{what}: sid == pid");
            assert_eq!(stat_num(child, PGRP), Some(child as i64), "{what}: pgid == pid");
            assert_ne!(stat_num(init.pid, SESSION), Some(child as i64), "{what}");
            if mode == Mode::Subreaper {
                assert_eq!(stat_num(gc, PGRP), Some(child as i64), "{what}: grandchild in the child's group");
            }
            // Signals go to the group.
            init.signal(libc::SIGHUP);
            lab.expect("main:HUP");
            lab.expect("gc:HUP");
            // The main child exits: its group gets TERM.
            init.signal(libc::SIGUSR1);
            lab.expect("gc:TERM");
            lab.expect("gc:exit");
            let o = init.wait();
            assert_eq!(o.code, 0, "{what}: {o:?}");
            assert!(
                o.stderr.lines().any(|l| l.starts_with("nanoinit: forwarded SIGTERM to process group ")),
                "{what}: {}",
                o.stderr
            );
        }
    }
}
