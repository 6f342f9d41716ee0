//! The drop-in interface as pure data: `nanoinit::config::parse(argv, env)` for
//! every option and environment variable in each personality, and the signal
//! names of `nanoinit::signals`. No process is started here (see tests/dropin/).
use nanoinit::config::{self, Action, Config, ErrorKind, Personality, Session, Target};
use nanoinit::line::Line;
use nanoinit::signals::{self, SigSet, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU};

const ARGV0: [(&str, Personality); 3] =
    [("nanoinit", Personality::Nanoinit), ("tini", Personality::Tini), ("dumb-init", Personality::DumbInit)];

/// Parses `argv` (argv[0] included) and `env`; an error comes back as its kind
/// and its rendered line.
fn parse(argv: &[&str], env: &[&str]) -> Result<Action, (ErrorKind, String)> {
    config::parse(argv.iter().map(|s| s.as_bytes()), env.iter().map(|s| s.as_bytes())).map_err(|e| {
        let mut l = Line::default();
        let line = String::from_utf8_lossy(e.render(&mut l).finish()).into_owned();
        (e.kind, line)
    })
}

/// The config for a command line that must run.
fn cfg(argv: &[&str], env: &[&str]) -> Config {
    match parse(argv, env) {
        Ok(Action::Run(c)) => c,
        other => panic!("{argv:?} {env:?}: expected a run, got {other:?}"),
    }
}

/// The rendered error for a command line that must be refused.
fn err(argv: &[&str], env: &[&str]) -> (ErrorKind, String) {
    match parse(argv, env) {
        Err(e) => e,
        other => panic!("{argv:?} {env:?}: expected an error, got {other:?}"),
    }
}

/// `argv0 args... sh` for each personality.
fn with(argv0: &str, args: &[&str]) -> Vec<String> {
    let mut v = vec![argv0.to_string()];
    v.extend(args.iter().map(|s| s.to_string()));
    v.push("sh".into());
    v
}

fn cfg_as(argv0: &str, args: &[&str], env: &[&str]) -> Config {
    let v = with(argv0, args);
    let r: Vec<&str> = v.iter().map(String::as_str).collect();
    cfg(&r, env)
}

// ---------------------------------------------------------------- personality

#[test]
fn personality_comes_from_argv0_base_name() {
    let table = [
        ("nanoinit", Personality::Nanoinit),
        ("/sbin/nanoinit", Personality::Nanoinit),
        ("init", Personality::Nanoinit),
        ("", Personality::Nanoinit),
        ("tini", Personality::Tini),
        ("/usr/bin/tini", Personality::Tini),
        ("tini-static", Personality::Tini),
        ("/sbin/docker-init", Personality::Tini),
        ("docker-init", Personality::Tini),
        ("dumb-init", Personality::DumbInit),
        ("/usr/local/bin/dumb-init", Personality::DumbInit),
        // Only exact base names count.
        ("tini/", Personality::Nanoinit),
        ("xtini", Personality::Nanoinit),
        ("TINI", Personality::Nanoinit),
        ("dumb-init.sh", Personality::Nanoinit),
        ("/tini/nanoinit", Personality::Nanoinit),
    ];
    for (argv0, want) in table {
        assert_eq!(Personality::from_argv0(argv0.as_bytes()), want, "{argv0:?}");
        assert_eq!(cfg(&[argv0, "sh"], &[]).personality, want, "{argv0:?}");
    }
}

#[test]
fn defaults_per_personality() {
    for (argv0, p) in ARGV0 {
        let c = cfg(&[argv0, "sh"], &[]);
        assert_eq!(c.program, Some(1), "{argv0}");
        assert_eq!(c.verbosity, config::DEFAULT_VERBOSITY, "{argv0}");
        assert_eq!(c.pdeathsig, 0, "{argv0}");
        assert!(!c.warn_reap && !c.wait_all, "{argv0}");
        for code in 0..=255u8 {
            assert_eq!(c.remap.apply(code), code, "{argv0} remaps {code} by default");
        }
        let (session, target, grace, job, stops) = match p {
            Personality::Nanoinit => (Session::Group, Target::Child, 3000, false, [SIGTSTP, SIGTTIN, SIGTTOU]),
            Personality::Tini => (Session::Group, Target::Child, 0, false, [SIGTSTP, 0, 0]),
            Personality::DumbInit => (Session::Session, Target::Group, 0, true, [SIGSTOP; 3]),
        };
        assert_eq!((c.session, c.target, c.grace_ms, c.job_control), (session, target, grace, job), "{argv0}");
        assert_eq!([c.rewrite.map(SIGTSTP), c.rewrite.map(SIGTTIN), c.rewrite.map(SIGTTOU)], stops, "{argv0}");
        for sig in (1..=64).filter(|s| ![SIGTSTP, SIGTTIN, SIGTTOU].contains(s)) {
            assert_eq!(c.rewrite.map(sig), sig, "{argv0}: signal {sig} is forwarded as itself");
        }
    }
    assert_eq!(config::DEFAULT_GRACE_MS, 3000);
}

// ---------------------------------------------------------------- info options

#[test]
fn help_version_license_short_and_long_in_each_personality() {
    for (argv0, p) in ARGV0 {
        for (args, want) in [
            (&["-h"][..], Action::Help),
            (&["--help"], Action::Help),
            (&["-V"], Action::Version(p)),
            (&["--version"], Action::Version(p)),
            (&["-l"], Action::License),
            (&["--license"], Action::License),
            // Anywhere among the options, and before a missing program.
            (&["-v", "-g", "--help"], Action::Help),
            (&["-vV"], Action::Version(p)),
            (&["-e", "143", "-l", "sh"], Action::License),
            (&["-P", "-h"], Action::Help),
        ] {
            let mut argv = vec![argv0];
            argv.extend_from_slice(args);
            assert_eq!(parse(&argv, &[]), Ok(want.clone()), "{argv:?}");
        }
        // After the program they belong to the program.
        assert_eq!(cfg(&[argv0, "sh", "--help"], &[]).program, Some(1));
        assert_eq!(cfg(&[argv0, "--", "--version"], &[]).program, Some(2));
    }
}

// ---------------------------------------------------------------- each option

/// How a config differs from its personality's default, for table rows.
type Check = fn(&Config, &Config) -> Result<(), String>;

fn eq<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, want {want:?}"))
    }
}

#[test]
fn every_option_short_and_long_in_each_personality() {
    // (short form, long form, check against the personality's default config)
    let table: &[(&[&str], &[&str], Check)] = &[
        (&["-s"], &["--subreaper"], |c, d| {
            eq("config", &Config { program: d.program, flags: d.flags, ..c.clone() }, d)
        }),
        (&["-v"], &["--verbose"], |c, _| eq("verbosity", c.verbosity, 2)),
        (&["-g"], &["--pgroup"], |c, d| {
            eq("target", c.target, Target::Group)?;
            let session = if d.session == Session::Session { Session::Session } else { Session::Group };
            eq("session", c.session, session)
        }),
        (&["-c"], &["--single-child"], |c, _| {
            eq("target", c.target, Target::Child)?;
            // dumb-init stops itself on TSTP/TTIN/TTOU with or without setsid.
            eq("job control", c.job_control, c.personality == Personality::DumbInit)
        }),
        (&["--setsid"], &["--setsid"], |c, _| {
            eq("session", c.session, Session::Session)?;
            eq("target", c.target, Target::Group)?;
            eq("job control", c.job_control, true)?;
            eq("TSTP", c.rewrite.map(SIGTSTP), SIGSTOP)?;
            eq("TTIN", c.rewrite.map(SIGTTIN), SIGSTOP)?;
            eq("TTOU", c.rewrite.map(SIGTTOU), SIGSTOP)
        }),
        (&["-a"], &["--signal-all"], |c, d| {
            eq("target", c.target, Target::All)?;
            eq("session", c.session, d.session)
        }),
        (&["-r", "TERM:USR1"], &["--rewrite", "TERM:USR1"], |c, _| eq("TERM", c.rewrite.map(15), 10)),
        (&["-rTERM:USR1"], &["--rewrite=TERM:USR1"], |c, _| eq("TERM", c.rewrite.map(15), 10)),
        (&["-e", "143"], &["--remap-exit", "143"], |c, _| {
            eq("143", c.remap.apply(143), 0)?;
            eq("142", c.remap.apply(142), 142)
        }),
        (&["-e143"], &["--remap-exit=143"], |c, _| eq("143", c.remap.apply(143), 0)),
        (&["-p", "TERM"], &["--pdeathsig", "SIGTERM"], |c, _| eq("pdeathsig", c.pdeathsig, 15)),
        (&["-pKILL"], &["--pdeathsig=9"], |c, _| eq("pdeathsig", c.pdeathsig, 9)),
        (&["-w"], &["--warn-reap"], |c, _| eq("warn_reap", c.warn_reap, true)),
        (&["--grace", "15"], &["--grace=15"], |c, _| eq("grace", c.grace_ms, 15_000)),
        (&["--grace", "0"], &["--grace=0"], |c, _| eq("grace", c.grace_ms, 0)),
        (&["--grace", "10"], &["--grace=010"], |c, _| eq("grace", c.grace_ms, 10_000)),
        (&["--wait"], &["--wait"], |c, _| eq("wait_all", c.wait_all, true)),
    ];
    let mut failures = Vec::new();
    for (argv0, _) in ARGV0 {
        let default = cfg(&[argv0, "sh"], &[]);
        for (short, long, check) in table {
            for args in [short, long] {
                let c = cfg_as(argv0, args, &[]);
                if let Err(e) = eq("program", c.program, Some(args.len() + 1)).and_then(|()| check(&c, &default)) {
                    failures.push(format!("{argv0} {args:?}: {e}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn pause_mode_short_and_long() {
    for (argv0, _) in ARGV0 {
        for flag in ["-P", "--pause"] {
            let c = cfg(&[argv0, flag], &[]);
            assert_eq!(c.program, None, "{argv0} {flag}");
            let c = cfg(&[argv0, "-v", flag, "-w"], &[]);
            assert_eq!((c.program, c.verbosity, c.warn_reap), (None, 2, true));
            let (kind, msg) = err(&[argv0, flag, "sleep", "1"], &[]);
            assert_eq!(kind, ErrorKind::ProgramInPause);
            assert_eq!(msg, "-P runs no program: 'sleep'\n");
            assert_eq!(err(&[argv0, flag, "--", "sh"], &[]).0, ErrorKind::ProgramInPause);
        }
    }
}

#[test]
fn single_child_in_dumb_init_keeps_the_child_in_our_group() {
    let c = cfg(&["dumb-init", "-c", "sh"], &[]);
    // Still stops itself on TSTP/TTIN/TTOU, as dumb-init does.
    assert_eq!((c.session, c.target, c.job_control), (Session::Inherit, Target::Child, true));
    // No setsid, so no job-control rewrites either.
    assert_eq!(c.rewrite.map(SIGTSTP), SIGTSTP);
}

#[test]
fn single_child_keeps_the_child_in_our_group_in_every_personality() {
    for (argv0, _) in ARGV0 {
        for flag in ["-c", "--single-child"] {
            let c = cfg(&[argv0, flag, "sh"], &[]);
            assert_eq!((c.session, c.target), (Session::Inherit, Target::Child), "{argv0} {flag}");
        }
        let c = cfg(&[argv0, "sh"], &["NANOINIT_SINGLE_CHILD=1"]);
        assert_eq!((c.session, c.target), (Session::Inherit, Target::Child), "{argv0} NANOINIT_SINGLE_CHILD");
    }
}

#[test]
fn setsid_in_tini_personality_overrides_its_ttin_ttou_drop() {
    let c = cfg(&["tini", "--setsid", "sh"], &[]);
    assert_eq!(c.rewrite.map(SIGTTIN), SIGSTOP);
    // An explicit rule beats any personality default.
    let c = cfg(&["tini", "-r", "TTIN:TTIN", "sh"], &[]);
    assert_eq!(c.rewrite.map(SIGTTIN), SIGTTIN);
    let c = cfg(&["dumb-init", "-r", "TSTP:0", "-r", "TTOU:TTOU", "sh"], &[]);
    assert_eq!([c.rewrite.map(SIGTSTP), c.rewrite.map(SIGTTIN), c.rewrite.map(SIGTTOU)], [0, SIGSTOP, SIGTTOU]);
}

#[test]
fn verbose_is_repeatable_and_capped() {
    for (args, want) in [
        (&[][..], 1),
        (&["-v"], 2),
        (&["-vv"], 3),
        (&["-v", "-v"], 3),
        (&["--verbose", "-v", "--verbose"], 4),
        (&["-vvvvvvvvvv"], config::MAX_VERBOSITY),
    ] {
        for (argv0, _) in ARGV0 {
            assert_eq!(cfg_as(argv0, args, &[]).verbosity, want, "{argv0} {args:?}");
        }
    }
}

#[test]
fn clusters_and_inline_values() {
    let c = cfg(&["nanoinit", "-vgw", "sh"], &[]);
    assert_eq!((c.verbosity, c.target, c.warn_reap), (2, Target::Group, true));
    let c = cfg(&["nanoinit", "-we143", "sh"], &[]);
    assert!(c.warn_reap && c.remap.contains(143));
    let c = cfg(&["nanoinit", "-wp", "HUP", "sh"], &[]);
    assert_eq!((c.warn_reap, c.pdeathsig, c.program), (true, 1, Some(3)));
    // Later options win over earlier ones.
    assert_eq!(cfg(&["nanoinit", "-g", "-c", "sh"], &[]).target, Target::Child);
    assert_eq!(cfg(&["nanoinit", "-c", "-g", "sh"], &[]).target, Target::Group);
    assert_eq!(cfg(&["nanoinit", "--grace", "1", "--grace", "2", "sh"], &[]).grace_ms, 2000);
    assert_eq!(cfg(&["nanoinit", "-p", "HUP", "-p", "INT", "sh"], &[]).pdeathsig, 2);
}

#[test]
fn options_stop_at_the_program_or_double_dash() {
    for (args, program) in [
        (&["nanoinit", "sh", "-v", "-c", "x"][..], 1),
        (&["nanoinit", "--", "sh"], 2),
        (&["nanoinit", "--", "-v"], 2),
        (&["nanoinit", "--", "--"], 2),
        (&["nanoinit", "-v", "--", "sh", "-g"], 3),
        (&["nanoinit", "-e", "143", "sh"], 3),
        (&["nanoinit", "-e143", "sh"], 2),
        (&["nanoinit", "--grace", "1", "sh"], 3),
        (&["nanoinit", "--grace=1", "sh"], 2),
        (&["nanoinit", "-", "x"], 1),
        (&["tini", "-s", "-g", "--", "sh", "-c", "x"], 4),
        (&["dumb-init", "-c", "sh", "-v"], 2),
    ] {
        let c = cfg(args, &[]);
        assert_eq!(c.program, Some(program), "{args:?}");
        // The program's own flags are never taken.
        if program + 1 < args.len() {
            let before = cfg(&args[..program + 1], &[]);
            assert_eq!(
                Config { program: None, flags: 0, ..c },
                Config { program: None, flags: 0, ..before },
                "{args:?}"
            );
        }
    }
}

#[test]
fn rewrite_specs_names_numbers_any_case() {
    let table: &[(&str, &[(u8, u8)])] = &[
        ("TERM:USR1", &[(15, 10)]),
        ("SIGTERM:SIGUSR1", &[(15, 10)]),
        ("15:10", &[(15, 10)]),
        ("term:usr1", &[(15, 10)]),
        ("SigTerm:sIgUsR1", &[(15, 10)]),
        ("15:0", &[(15, 0)]),
        ("TERM:0", &[(15, 0)]),
        ("RTMIN+3:SIGRTMAX-1", &[(37, 63)]),
        ("rtmin:rtmax", &[(34, 64)]),
        ("64:1", &[(64, 1)]),
        ("HUP:0,INT:TERM", &[(1, 0), (2, 15)]),
        ("ABRT:CHLD", &[(6, 17)]),
    ];
    for (spec, rules) in table {
        for form in [vec!["-r", spec], vec!["--rewrite", spec]] {
            let c = cfg_as("nanoinit", &form, &[]);
            for &(from, to) in *rules {
                assert_eq!(c.rewrite.map(from), to, "{form:?}: {from}");
            }
        }
        let env = format!("NANOINIT_REWRITE={spec}");
        let c = cfg(&["nanoinit", "sh"], &[&env]);
        for &(from, to) in *rules {
            assert_eq!(c.rewrite.map(from), to, "{env}: {from}");
        }
    }
    // Repeatable; the last rule for a signal wins; others untouched.
    let c = cfg(&["nanoinit", "-r", "TERM:USR1", "-r", "HUP:0", "-r", "TERM:USR2", "sh"], &[]);
    assert_eq!((c.rewrite.map(15), c.rewrite.map(1), c.rewrite.map(2)), (12, 0, 2));
}

#[test]
fn remap_exit_accepts_0_to_255_repeatable() {
    let c = cfg(&["nanoinit", "-e", "0", "-e", "255", "--remap-exit", "1,2", "-e143", "sh"], &[]);
    for code in 0..=255u8 {
        let want = if [0, 255, 1, 2, 143].contains(&code) { 0 } else { code };
        assert_eq!(c.remap.apply(code), want, "{code}");
    }
}

#[test]
fn pdeathsig_and_grace_values() {
    for (v, want) in
        [("TERM", 15), ("SIGKILL", 9), ("kill", 9), ("1", 1), ("RTMIN+3", 37), ("SIGRTMAX-1", 63), ("64", 64)]
    {
        assert_eq!(cfg(&["tini", "-p", v, "sh"], &[]).pdeathsig, want, "{v}");
    }
    // Whole seconds, as `docker stop -t`.
    for (v, ms) in [("0", 0), ("1", 1000), ("007", 7000), ("3600", 3_600_000), ("4294967", 4_294_967_000)] {
        assert_eq!(cfg(&["nanoinit", "--grace", v, "sh"], &[]).grace_ms, ms, "{v}");
        assert_eq!(cfg(&["tini", "--grace", v, "sh"], &[]).grace_ms, ms, "{v}");
    }
}

// ---------------------------------------------------------------- bad values

#[test]
fn bad_command_lines_name_the_option_and_the_value() {
    use ErrorKind::*;
    let table: &[(&[&str], ErrorKind, &str)] = &[
        (&["-p", "FOO", "sh"], BadValue, "bad value for -p: 'FOO'"),
        (&["--pdeathsig", "SIGFOO", "sh"], BadValue, "bad value for --pdeathsig: 'SIGFOO'"),
        (&["-p", "0", "sh"], BadValue, "bad value for -p: '0'"),
        (&["-p", "65", "sh"], BadValue, "bad value for -p: '65'"),
        (&["-r", "FOO:TERM", "sh"], BadValue, "bad value for -r: 'FOO:TERM'"),
        (&["-r", "TERM:FOO", "sh"], BadValue, "bad value for -r: 'TERM:FOO'"),
        (&["-r", "0:TERM", "sh"], BadValue, "bad value for -r: '0:TERM'"),
        (&["--rewrite", "15", "sh"], BadValue, "bad value for --rewrite: '15'"),
        (&["--rewrite=15:", "sh"], BadValue, "bad value for --rewrite: '15:'"),
        (&["-r", "RTMIN+31:1", "sh"], BadValue, "bad value for -r: 'RTMIN+31:1'"),
        (&["-e", "256", "sh"], BadValue, "bad value for -e: '256'"),
        (&["-e", "-1", "sh"], BadValue, "bad value for -e: '-1'"),
        (&["--remap-exit", "1,,2", "sh"], BadValue, "bad value for --remap-exit: '1,,2'"),
        (&["-e", "99999999999", "sh"], BadValue, "bad value for -e: '99999999999'"),
        (&["-e", "4294967296", "sh"], BadValue, "bad value for -e: '4294967296'"),
        (&["-p", "4294967311", "sh"], BadValue, "bad value for -p: '4294967311'"),
        (&["--grace", "-1", "sh"], BadValue, "bad value for --grace: '-1'"),
        (&["--grace", "x", "sh"], BadValue, "bad value for --grace: 'x'"),
        (&["--grace=1.", "sh"], BadValue, "bad value for --grace: '1.'"),
        (&["--grace", "0.5", "sh"], BadValue, "bad value for --grace: '0.5'"),
        (&["--grace", "99999999999", "sh"], BadValue, "bad value for --grace: '99999999999'"),
        (&["--grace", "4294968", "sh"], BadValue, "bad value for --grace: '4294968'"),
        (&["--grace="], BadValue, "bad value for --grace: ''"),
        (&["-p"], MissingValue, "missing value for -p"),
        (&["-v", "-e"], MissingValue, "missing value for -e"),
        (&["--rewrite"], MissingValue, "missing value for --rewrite"),
        (&["--grace"], MissingValue, "missing value for --grace"),
        (&["--wait=1", "sh"], UnexpectedValue, "no value allowed for --wait: '1'"),
        (&["--setsid=", "sh"], UnexpectedValue, "no value allowed for --setsid: ''"),
        (&["-x", "sh"], UnknownOption, "unknown option -x"),
        (&["-vx", "sh"], UnknownOption, "unknown option -x"),
        (&["--frobnicate", "sh"], UnknownOption, "unknown option --frobnicate"),
        (&["--frobnicate=1", "sh"], UnknownOption, "unknown option --frobnicate"),
        (&["--pgrou", "sh"], UnknownOption, "unknown option --pgrou"),
        (&["--Help"], UnknownOption, "unknown option --Help"),
        (&[], NoProgram, "no program given"),
        (&["-v"], NoProgram, "no program given"),
        (&["--"], NoProgram, "no program given"),
    ];
    for (argv0, _) in ARGV0 {
        for (args, kind, msg) in table {
            let mut argv = vec![argv0];
            argv.extend_from_slice(args);
            assert_eq!(err(&argv, &[]), (*kind, format!("{msg}\n")), "{argv:?}");
        }
    }
}

/// The info options take no value, like every other flag: `--help=x` is a
/// usage error naming the option and the value, not a silent answer.
#[test]
fn info_options_refuse_an_attached_value() {
    for (argv0, _) in ARGV0 {
        for name in ["help", "version", "license"] {
            let arg = format!("--{name}=x");
            let want = (ErrorKind::UnexpectedValue, format!("no value allowed for --{name}: 'x'\n"));
            assert_eq!(err(&[argv0, &arg], &[]), want, "{argv0} {arg}");
        }
        // Attached to a cluster, -h still answers (it takes no value, so the
        // rest of the cluster is never read).
        assert_eq!(parse(&[argv0, "-hx"], &[]).ok(), Some(Action::Help), "{argv0}");
    }
}

// ---------------------------------------------------------------- environment

/// Boolean variables: (name, personality it is checked in, "is it on?").
type OnCheck = fn(&Config) -> bool;
const BOOL_VARS: &[(&str, &str, OnCheck)] = &[
    ("TINI_KILL_PROCESS_GROUP", "tini", |c| c.target == Target::Group),
    ("NANOINIT_PGROUP", "nanoinit", |c| c.target == Target::Group),
    ("DUMB_INIT_SETSID", "nanoinit", |c| c.session == Session::Session),
    ("DUMB_INIT_SETSID", "dumb-init", |c| c.session == Session::Session),
    ("NANOINIT_SETSID", "tini", |c| c.session == Session::Session),
    ("NANOINIT_SINGLE_CHILD", "dumb-init", |c| c.session == Session::Inherit && c.target == Target::Child),
    ("NANOINIT_WARN_REAP", "nanoinit", |c| c.warn_reap),
    ("NANOINIT_WAIT", "tini", |c| c.wait_all),
    ("NANOINIT_SIGNAL_ALL", "dumb-init", |c| c.target == Target::All),
    ("DUMB_INIT_DEBUG", "dumb-init", |c| c.verbosity == 3),
];
const ON: [&str; 8] = ["1", "true", "TRUE", "True", "yes", "YES", "on", "On"];
const OFF: [&str; 8] = ["", "0", "false", "FALSE", "no", "No", "off", "OFF"];
const NOT_BOOL: [&str; 7] = ["2", "y", "n", "maybe", " 1", "1 ", "truee"];

#[test]
fn boolean_env_vars_parse_on_off_and_refuse_the_rest() {
    for &(var, argv0, on) in BOOL_VARS {
        for v in ON {
            assert!(on(&cfg(&[argv0, "sh"], &[&format!("{var}={v}")])), "{argv0} {var}={v:?} is on");
        }
        for v in OFF {
            if v.is_empty() && (var.starts_with("TINI_") || var == "DUMB_INIT_SETSID") {
                continue; // set but empty is on for these: see tests/startup.rs
            }
            assert!(!on(&cfg(&[argv0, "sh"], &[&format!("{var}={v}")])), "{argv0} {var}={v:?} is off");
        }
        for v in NOT_BOOL {
            let e = format!("{var}={v}");
            assert_eq!(err(&[argv0, "sh"], &[&e]), (ErrorKind::BadValue, format!("bad value for {var}: '{v}'\n")));
        }
    }
}

#[test]
fn dumb_init_setsid_off_is_single_child_mode() {
    // dumb-init's DUMB_INIT_SETSID=0 means: child in our group, signal it alone.
    let c = cfg(&["dumb-init", "sh"], &["DUMB_INIT_SETSID=0"]);
    assert_eq!((c.session, c.target, c.job_control), (Session::Inherit, Target::Child, true));
    // ... and `false` now means off too (dumb-init needs exactly "0").
    assert_eq!(cfg(&["dumb-init", "sh"], &["DUMB_INIT_SETSID=false"]).session, Session::Inherit);
}

#[test]
fn subreaper_vars_are_accepted_booleans() {
    for var in ["TINI_SUBREAPER", "NANOINIT_SUBREAPER"] {
        for (argv0, _) in ARGV0 {
            let default = cfg(&[argv0, "sh"], &[]);
            for v in ON.iter().chain(OFF.iter()) {
                assert_eq!(cfg(&[argv0, "sh"], &[&format!("{var}={v}")]), default, "{var}={v}");
            }
            assert_eq!(err(&[argv0, "sh"], &[&format!("{var}=maybe")]).0, ErrorKind::BadValue);
        }
    }
}

#[test]
fn valued_env_vars() {
    for var in ["TINI_VERBOSITY", "NANOINIT_VERBOSITY"] {
        for (v, want) in [("0", 0), ("1", 1), ("2", 2), ("3", 3), ("4", 4), ("99", 4), ("4294967295", 4)] {
            for (argv0, _) in ARGV0 {
                assert_eq!(cfg(&[argv0, "sh"], &[&format!("{var}={v}")]).verbosity, want, "{argv0} {var}={v}");
            }
        }
    }
    let c = cfg(&["nanoinit", "sh"], &["NANOINIT_REMAP_EXIT=143,1"]);
    assert_eq!((c.remap.apply(143), c.remap.apply(1), c.remap.apply(2)), (0, 0, 2));
    assert_eq!(cfg(&["nanoinit", "sh"], &["NANOINIT_PDEATHSIG=KILL"]).pdeathsig, 9);
    assert_eq!(cfg(&["tini", "sh"], &["NANOINIT_PDEATHSIG=sigrtmin+3"]).pdeathsig, 37);
    assert_eq!(cfg(&["nanoinit", "sh"], &["NANOINIT_GRACE=5"]).grace_ms, 5000);
    assert_eq!(cfg(&["tini", "sh"], &["NANOINIT_GRACE=7"]).grace_ms, 7000);
    assert_eq!(cfg(&["dumb-init", "sh"], &["NANOINIT_GRACE=0"]).grace_ms, 0);
}

#[test]
fn bad_env_values_name_the_variable_and_the_value() {
    for (entry, msg) in [
        ("TINI_VERBOSITY=abc", "bad value for TINI_VERBOSITY: 'abc'"),
        ("TINI_VERBOSITY=-1", "bad value for TINI_VERBOSITY: '-1'"),
        ("TINI_VERBOSITY=99999999999", "bad value for TINI_VERBOSITY: '99999999999'"),
        ("NANOINIT_VERBOSITY=1x", "bad value for NANOINIT_VERBOSITY: '1x'"),
        ("NANOINIT_GRACE=x", "bad value for NANOINIT_GRACE: 'x'"),
        ("NANOINIT_GRACE=-1", "bad value for NANOINIT_GRACE: '-1'"),
        ("NANOINIT_GRACE=", "bad value for NANOINIT_GRACE: ''"),
        ("NANOINIT_REWRITE=15", "bad value for NANOINIT_REWRITE: '15'"),
        ("NANOINIT_REWRITE=TERM:USR1,FOO:1", "bad value for NANOINIT_REWRITE: 'TERM:USR1,FOO:1'"),
        ("NANOINIT_REMAP_EXIT=256", "bad value for NANOINIT_REMAP_EXIT: '256'"),
        ("NANOINIT_PDEATHSIG=FOO", "bad value for NANOINIT_PDEATHSIG: 'FOO'"),
        ("NANOINIT_PDEATHSIG=0", "bad value for NANOINIT_PDEATHSIG: '0'"),
        ("NANOINIT_WAIT=2", "bad value for NANOINIT_WAIT: '2'"),
        ("DUMB_INIT_DEBUG=debug", "bad value for DUMB_INIT_DEBUG: 'debug'"),
    ] {
        for (argv0, _) in ARGV0 {
            assert_eq!(
                err(&[argv0, "sh"], &["PATH=/bin", entry]),
                (ErrorKind::BadValue, format!("{msg}\n")),
                "{argv0} {entry}"
            );
            // Even when the command line would only print something.
            assert_eq!(err(&[argv0, "--version"], &[entry]).0, ErrorKind::BadValue);
        }
    }
}

#[test]
fn unrelated_or_malformed_env_entries_are_ignored() {
    let env = [
        "PATH=/usr/bin",
        "NOEQUALS",
        "=value",
        "TINI_SUBREAPERX=maybe",
        "tini_verbosity=abc",
        "NANOINIT_GRACEFUL=x",
        "NANOINIT=1",
        " NANOINIT_WAIT=1",
    ];
    for (argv0, _) in ARGV0 {
        assert_eq!(cfg(&[argv0, "sh"], &env), cfg(&[argv0, "sh"], &[]), "{argv0}");
    }
}

#[test]
fn command_line_wins_over_env() {
    let table: &[(&str, &[&str], &str, Check)] = &[
        ("nanoinit", &["-v"], "TINI_VERBOSITY=4", |c, _| eq("verbosity", c.verbosity, 2)),
        ("nanoinit", &["-v"], "NANOINIT_VERBOSITY=0", |c, _| eq("verbosity", c.verbosity, 2)),
        ("dumb-init", &["-v"], "DUMB_INIT_DEBUG=1", |c, _| eq("verbosity", c.verbosity, 2)),
        ("nanoinit", &["--grace", "1"], "NANOINIT_GRACE=5", |c, _| eq("grace", c.grace_ms, 1000)),
        ("nanoinit", &["-p", "TERM"], "NANOINIT_PDEATHSIG=KILL", |c, _| eq("pdeathsig", c.pdeathsig, 15)),
        ("nanoinit", &["-r", "TERM:USR2"], "NANOINIT_REWRITE=TERM:USR1", |c, _| eq("TERM", c.rewrite.map(15), 12)),
        ("dumb-init", &["-c"], "DUMB_INIT_SETSID=1", |c, _| eq("session", c.session, Session::Inherit)),
        ("dumb-init", &["-c"], "NANOINIT_SETSID=1", |c, _| eq("session", c.session, Session::Inherit)),
        ("nanoinit", &["-c"], "NANOINIT_PGROUP=1", |c, _| eq("target", c.target, Target::Child)),
        ("tini", &["-c"], "TINI_KILL_PROCESS_GROUP=1", |c, _| eq("target", c.target, Target::Child)),
        ("nanoinit", &["--setsid"], "DUMB_INIT_SETSID=0", |c, _| eq("session", c.session, Session::Session)),
        ("dumb-init", &["--setsid"], "NANOINIT_SINGLE_CHILD=1", |c, _| eq("session", c.session, Session::Session)),
        ("nanoinit", &["-g"], "NANOINIT_PGROUP=0", |c, _| eq("target", c.target, Target::Group)),
        ("tini", &["-g"], "TINI_KILL_PROCESS_GROUP=off", |c, _| eq("target", c.target, Target::Group)),
        ("nanoinit", &["-w"], "NANOINIT_WARN_REAP=0", |c, _| eq("warn", c.warn_reap, true)),
        ("nanoinit", &["--wait"], "NANOINIT_WAIT=no", |c, _| eq("wait", c.wait_all, true)),
        ("nanoinit", &["-a"], "NANOINIT_SIGNAL_ALL=false", |c, _| eq("target", c.target, Target::All)),
        ("nanoinit", &["--grace", "0"], "NANOINIT_WAIT=0", |c, _| eq("grace", c.grace_ms, 0)),
    ];
    for (argv0, args, env, check) in table {
        let c = cfg_as(argv0, args, &[env]);
        let d = cfg(&[argv0, "sh"], &[]);
        if let Err(e) = check(&c, &d) {
            panic!("{argv0} {args:?} with {env}: {e}");
        }
    }
}

/// Peer variable, NANOINIT_* variable, and what the NANOINIT_* one means.
const PEER_VS_OURS: &[(&str, &str, &str, OnCheck)] = &[
    ("nanoinit", "TINI_VERBOSITY=3", "NANOINIT_VERBOSITY=0", |c| c.verbosity == 0),
    ("dumb-init", "DUMB_INIT_DEBUG=1", "NANOINIT_VERBOSITY=0", |c| c.verbosity == 0),
    ("nanoinit", "DUMB_INIT_SETSID=1", "NANOINIT_SETSID=0", |c| c.session != Session::Session),
    ("dumb-init", "DUMB_INIT_SETSID=0", "NANOINIT_SETSID=1", |c| c.session == Session::Session),
    ("tini", "TINI_KILL_PROCESS_GROUP=1", "NANOINIT_PGROUP=0", |c| c.target == Target::Child),
    ("tini", "TINI_KILL_PROCESS_GROUP=0", "NANOINIT_PGROUP=1", |c| c.target == Target::Group),
];

#[test]
fn nanoinit_env_wins_over_peer_env_listed_before_it() {
    for &(argv0, peer, ours, check) in PEER_VS_OURS {
        assert!(check(&cfg(&[argv0, "sh"], &[peer, ours])), "{argv0} with {peer} {ours}");
    }
}

/// Between variables the later one in the environment wins, peers' and ours
/// alike (one pass over the environment; documented in the README).
#[test]
fn later_env_var_wins_between_peer_and_nanoinit() {
    for &(argv0, peer, ours, check) in PEER_VS_OURS {
        assert!(!check(&cfg(&[argv0, "sh"], &[ours, peer])), "{argv0} with {ours} then {peer}");
    }
}

#[test]
fn env_and_command_line_combine() {
    let c = cfg(&["nanoinit", "-e", "1", "sh"], &["NANOINIT_REMAP_EXIT=2", "NANOINIT_REWRITE=HUP:0"]);
    assert_eq!((c.remap.apply(1), c.remap.apply(2), c.rewrite.map(1)), (0, 0, 0));
    let c = cfg(&["tini", "-g", "sh"], &["TINI_VERBOSITY=3", "NANOINIT_WAIT=1"]);
    assert_eq!((c.target, c.verbosity, c.wait_all), (Target::Group, 3, true));
}

// ---------------------------------------------------------------- signals

#[test]
fn signal_specs() {
    for (spec, want) in [
        ("TERM", 15),
        ("SIGTERM", 15),
        ("term", 15),
        ("sIgTeRm", 15),
        ("15", 15),
        ("015", 15),
        ("HUP", 1),
        ("SIGSYS", 31),
        ("RTMIN", 34),
        ("RTMIN+3", 37),
        ("sigrtmin+3", 37),
        ("SIGRTMAX-1", 63),
        ("rtmax-1", 63),
        ("RTMAX", 64),
        ("RTMIN+30", 64),
        ("RTMAX-30", 34),
        ("32", 32),
        ("64", 64),
        ("ABRT", 6),
        ("SIGCHLD", 17),
        ("IO", 29),
    ] {
        assert_eq!(signals::parse(spec.as_bytes(), false), Ok(want), "{spec}");
        assert_eq!(signals::parse(spec.as_bytes(), true), Ok(want), "{spec}");
    }
    for bad in [
        "",
        "0",
        "65",
        "256",
        "4294967311",
        "99999999999999",
        "FOO",
        "SIGFOO",
        "SIG",
        "SIGSIGTERM",
        "TERM ",
        " 15",
        "+15",
        "-15",
        "RTMIN+31",
        "RTMIN-1",
        "RTMAX+1",
        "RTMAX-31",
        "RTMIN+",
        "15.0",
        // The C headers' aliases are not accepted (names kept to one per signal).
        "IOT",
        "SIGCLD",
        "POLL",
        "UNUSED",
    ] {
        assert!(signals::parse(bad.as_bytes(), false).is_err(), "{bad:?}");
    }
    assert_eq!(signals::parse(b"0", true), Ok(0));
    assert!(signals::parse(b"00x", true).is_err());
}

#[test]
fn signal_names_round_trip() {
    for sig in 1..=signals::NSIG {
        let name = match signals::name(sig) {
            (b"", _) => format!("{sig}"),
            (n, 0) => format!("SIG{}", String::from_utf8_lossy(n)),
            (n, k) => format!("SIG{}+{k}", String::from_utf8_lossy(n)),
        };
        assert_eq!(signals::parse(name.as_bytes(), false), Ok(sig), "{name}");
        assert_eq!(signals::parse(name.to_lowercase().as_bytes(), false), Ok(sig), "{name}");
    }
    assert_eq!(signals::name(15), (&b"TERM"[..], 0));
    assert_eq!(signals::name(37), (&b"RTMIN"[..], 3));
    // Real-time signals are printed from RTMIN only; RTMAX-1 still parses.
    assert_eq!(signals::name(63), (&b"RTMIN"[..], 29));
    assert_eq!(signals::parse(b"RTMAX-1", false), Ok(63));
}

#[test]
fn sigset_and_rewrite_basics() {
    let mut s = SigSet::EMPTY;
    for sig in [1, 15, 34, 64] {
        s.insert(sig);
    }
    assert!([1, 15, 34, 64].iter().all(|&x| s.contains(x)) && !s.contains(2));
    assert_eq!(SigSet::ALL.0, u64::MAX);
    let mut r = signals::Rewrite::default();
    r.set(15, 10);
    r.set_default(15, 0);
    r.set_default(1, 0);
    assert_eq!((r.map(15), r.map(1), r.map(2)), (10, 0, 2));
}
