//! What `-v` traces and what `-w` warns about.
use super::*;

#[test]
fn verbose_traces_forwards_reaps_and_the_exit_reason() {
    for mode in MODES {
        let lab = Lab::new("trace", mode);
        // Forwarded to the child; reaped with its exit code; why nanoinit exits.
        let main = lab.catch("a", "USR1", "");
        let init = lab.start("nanoinit", &["-v", "--", "sh", "-c", &format!("exec {main}")], &[]);
        let pid = lab.ready("a");
        init.signal(libc::SIGUSR1);
        let o = init.wait();
        assert_eq!(o.code, 0, "{mode:?}: {o:?}");
        assert_eq!(
            lines_of(&o.stderr),
            [
                format!("nanoinit: forwarded SIGUSR1 to child {pid}"),
                format!("nanoinit: reaped main child {pid}: exit code 0"),
                "nanoinit: exit 0: main child exited".to_string(),
            ],
            "{mode:?}"
        );

        // To the group, to all, dropped, rewritten to a real-time signal.
        for (args, send, line) in [
            (&["-v", "-g"][..], libc::SIGUSR1, "forwarded SIGUSR1 to process group {pid}"),
            (&["-va"], libc::SIGUSR1, "forwarded SIGUSR1 to all descendants"),
            (&["-v", "-r", "USR1:RTMIN+3"], libc::SIGUSR1, "forwarded SIGRTMIN+3 to child {pid}"),
            (&["-v", "-r", "HUP:0", "-r", "USR2:USR1"], libc::SIGHUP, "dropping SIGHUP"),
        ] {
            let _ = fs::write(&lab.log, "");
            let main = lab.catch("b", "USR1,37", "");
            let mut argv = args.to_vec();
            let script = format!("exec {main}");
            argv.extend(["--", "sh", "-c", &script]);
            let init = lab.start("nanoinit", &argv, &[]);
            let pid = lab.ready("b");
            init.signal(send);
            if send == libc::SIGHUP {
                assert!(wait_consumed(init.pid, libc::SIGHUP));
                init.signal(libc::SIGUSR2);
            }
            let o = init.wait();
            let line = format!("nanoinit: {}", line.replace("{pid}", &pid.to_string()));
            assert!(has_line(&o.stderr, &line), "{mode:?} {args:?}: no {line:?} in\n{}", o.stderr);
            if args.contains(&"USR1:RTMIN+3") {
                assert!(lab.has("b:37"), "{mode:?}: RTMIN+3 not received: {:?}", lab.lines());
            }
        }

        // Killed by a signal, with and without a core dump.
        let o = lab.run("nanoinit", &["-v", "sh", "-c", "kill -KILL $$"], &[]);
        assert_eq!(o.code, 137);
        assert!(
            o.stderr
                .lines()
                .any(|l| l.starts_with("nanoinit: reaped main child ") && l.ends_with(": killed by SIGKILL")),
            "{}",
            o.stderr
        );
        assert!(has_line(&o.stderr, "nanoinit: exit 137: main child exited"), "{}", o.stderr);
        let o = lab.run("nanoinit", &["-v", "sh", "-c", "ulimit -c unlimited 2>/dev/null; kill -SEGV $$"], &[]);
        assert_eq!(o.code, 139);
        let core_file =
            fs::read_dir(&lab.dir.0).unwrap().flatten().any(|e| e.file_name().to_string_lossy().starts_with("core"));
        let want = if core_file { ": killed by SIGSEGV (core dumped)" } else { ": killed by SIGSEGV" };
        assert!(
            o.stderr.lines().any(|l| l.starts_with("nanoinit: reaped main child ") && l.ends_with(want)),
            "{want}: {}",
            o.stderr
        );

        // Quiet by default, and with TINI_VERBOSITY=0 / NANOINIT_VERBOSITY=0.
        for env in [&[][..], &[("TINI_VERBOSITY", "0")], &[("NANOINIT_VERBOSITY", "0")]] {
            let o = lab.run("tini", &["--", "sh", "-c", "exit 5"], env);
            assert_eq!((o.code, o.stderr.as_str(), o.stdout.as_str()), (5, "", ""), "{env:?}");
        }
        // Verbosity from the environment, in each personality.
        for (exe, env) in [
            ("tini", ("TINI_VERBOSITY", "2")),
            ("nanoinit", ("NANOINIT_VERBOSITY", "2")),
            ("dumb-init", ("DUMB_INIT_DEBUG", "1")),
        ] {
            let o = lab.run(exe, &["--", "sh", "-c", "exit 5"], &[env]);
            assert!(has_line(&o.stderr, "nanoinit: exit 5: main child exited"), "{exe} {env:?}: {o:?}");
        }
    }
}

#[test]
fn warn_reap_warns_once_per_reaped_orphan() {
    let orphans = r#"sh -c '(sleep 0.2; exit 5) & (sleep 0.2; exit 6) &'"#;
    for mode in MODES {
        let lab = Lab::new("warn", mode);
        for (exe, args, env, warn) in [
            ("nanoinit", &["-w", "--wait"][..], &[][..], true),
            ("tini", &["--warn-reap", "--wait"], &[], true),
            ("dumb-init", &["-c", "--wait"], &[("NANOINIT_WARN_REAP", "1")], true),
            ("nanoinit", &["--wait"], &[], false),
            ("tini", &["--wait"], &[("NANOINIT_WARN_REAP", "off")], false),
        ] {
            let mut argv = args.to_vec();
            argv.extend(["--", "sh", "-c", orphans]);
            let o = lab.run(exe, &argv, env);
            assert_eq!(o.code, 0, "{mode:?} {exe} {args:?}: {o:?}");
            let mut warnings: Vec<&str> =
                o.stderr.lines().filter(|l| l.starts_with("nanoinit: warning: reaped process ")).collect();
            warnings.sort_by_key(|l| l.chars().last());
            if warn {
                assert_eq!(warnings.len(), 2, "{mode:?} {exe} {args:?}: {}", o.stderr);
                assert!(
                    warnings[0].ends_with(": exit code 5") && warnings[1].ends_with(": exit code 6"),
                    "{warnings:?}"
                );
            } else {
                assert_eq!(o.stderr, "", "{mode:?} {exe} {args:?}");
            }
        }
    }
}
