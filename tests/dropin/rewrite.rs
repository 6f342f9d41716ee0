//! Rewriting and dropping signals (`-r`), and tini's TTIN/TTOU drop.
use super::*;

#[test]
fn rewrite_turns_or_drops_signals() {
    for mode in MODES {
        let lab = Lab::new("rewrite", mode);
        // (personality, options, env, signal sent, seen by the child, not seen)
        for (exe, args, env, send, seen, unseen) in [
            ("nanoinit", &["-r", "TERM:USR1"][..], &[][..], libc::SIGTERM, "USR1", "TERM"),
            ("dumb-init", &["--rewrite", "15:10"], &[], libc::SIGTERM, "USR1", "TERM"),
            ("tini", &["--rewrite=sigterm:SigUsr1"], &[], libc::SIGTERM, "USR1", "TERM"),
            ("nanoinit", &[], &[("NANOINIT_REWRITE", "TERM:USR1")], libc::SIGTERM, "USR1", "TERM"),
            ("nanoinit", &["-r", "HUP:RTMIN+3", "-r", "RTMIN+3:SIGRTMAX-1"], &[], libc::SIGHUP, "37", "63"),
            ("nanoinit", &["-r", "SIGRTMAX-1:USR1"], &[], 63, "USR1", "63"),
        ] {
            let _ = fs::write(&lab.log, "");
            let main = lab.catch("main", "USR1", "TERM HUP 37 63");
            let mut argv = args.to_vec();
            let script = format!("exec {main}");
            argv.extend(["--", "sh", "-c", &script]);
            let init = lab.start(exe, &argv, env);
            lab.ready("main");
            init.signal(send);
            if seen != "USR1" {
                lab.expect(&format!("main:{seen}"));
                init.signal(libc::SIGUSR1);
            }
            let o = init.wait();
            assert_eq!(o.code, 0, "{mode:?} {exe} {args:?}: {o:?}");
            assert!(lab.has(&format!("main:{seen}")), "{mode:?} {exe} {args:?}: {:?}", lab.lines());
            assert!(!lab.has(&format!("main:{unseen}")), "{mode:?} {exe} {args:?}: {:?}", lab.lines());
        }

        // R=0 drops: TERM never arrives, USR1 after it does.
        for (exe, args, env) in [
            ("nanoinit", &["-r", "15:0"][..], &[][..]),
            ("dumb-init", &["-r", "TERM:0"], &[]),
            ("tini", &[], &[("NANOINIT_REWRITE", "SIGTERM:0")]),
        ] {
            let _ = fs::write(&lab.log, "");
            let main = lab.catch("main", "USR1", "TERM");
            let mut argv = args.to_vec();
            let script = format!("exec {main}");
            argv.extend(["-v", "--", "sh", "-c", &script]);
            let init = lab.start(exe, &argv, env);
            lab.ready("main");
            init.signal(libc::SIGTERM);
            assert!(wait_consumed(init.pid, libc::SIGTERM));
            init.signal(libc::SIGUSR1);
            let o = init.wait();
            assert_eq!(o.code, 0, "{mode:?} {exe} {args:?}: {o:?}");
            assert!(has_line(&o.stderr, "nanoinit: dropping SIGTERM"), "{}", o.stderr);
            assert!(lab.has("main:USR1") && !lab.has("main:TERM"), "{mode:?} {exe} {args:?}: {:?}", lab.lines());
        }
    }
}

#[test]
fn tini_drops_ttin_ttou_and_nanoinit_forwards_them() {
    for mode in MODES {
        let lab = Lab::new("ttin", mode);
        for (exe, forwarded) in [("tini", false), ("docker-init", false), ("nanoinit", true)] {
            let _ = fs::write(&lab.log, "");
            let main = lab.catch("main", "USR1", "TTIN TTOU");
            let init = lab.start(exe, &["-v", "--", "sh", "-c", &format!("exec {main}")], &[]);
            lab.ready("main");
            for sig in [libc::SIGTTIN, libc::SIGTTOU] {
                init.signal(sig);
                assert!(wait_consumed(init.pid, sig));
            }
            if forwarded {
                lab.expect("main:TTIN");
                lab.expect("main:TTOU");
            }
            init.signal(libc::SIGUSR1);
            let o = init.wait();
            assert_eq!(o.code, 0, "{mode:?} {exe}: {o:?}");
            if !forwarded {
                assert!(!lab.has("main:TTIN") && !lab.has("main:TTOU"), "{mode:?} {exe}: {:?}", lab.lines());
                assert!(
                    has_line(&o.stderr, "nanoinit: dropping SIGTTIN")
                        && has_line(&o.stderr, "nanoinit: dropping SIGTTOU"),
                    "{}",
                    o.stderr
                );
            }
        }
    }
}
