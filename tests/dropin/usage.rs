//! Info options (`-h`, `-V`, `-l`) and usage errors, in every personality and mode.
use super::*;

#[test]
fn info_options_print_to_stdout_and_exit_0() {
    for mode in MODES {
        let lab = Lab::new("info", mode);
        for exe in ["nanoinit", "tini", "tini-static", "docker-init", "dumb-init"] {
            for flag in ["-h", "--help", "-V", "--version", "-l", "--license"] {
                let o = lab.run(exe, &[flag], &[]);
                let what = format!("{mode:?} {exe} {flag}: {o:?}");
                assert_eq!((o.code, o.stderr.as_str()), (0, ""), "{what}");
                match flag {
                    "-h" | "--help" => assert!(
                        o.stdout.contains("nanoinit") && o.stdout.contains("PROGRAM") && o.stdout.contains("--grace"),
                        "{what}"
                    ),
                    "-l" | "--license" => assert!(o.stdout.contains("MIT"), "{what}"),
                    _ => {
                        assert_eq!(o.stdout.lines().count(), 1, "{what}");
                        let want = match exe {
                            // dumb-init prints nanoinit's line (see dumb_init_version_is_nanoinits_line).
                            "nanoinit" | "dumb-init" => format!("nanoinit {VERSION} (git "),
                            // What `docker info` parses.
                            _ => format!("tini version {VERSION} - git."),
                        };
                        let git = o.stdout.strip_prefix(&want).unwrap_or_else(|| panic!("{what}"));
                        let git = git.trim_end_matches('\n').trim_end_matches(')');
                        assert!(!git.is_empty() && !git.contains(' '), "{what}");
                    }
                }
            }
        }
    }
}

#[test]
fn bad_values_give_one_error_line_the_hint_and_exit_2() {
    let table: &[(&[&str], &[(&str, &str)], &str)] = &[
        (&["-p", "FOO", "true"], &[], "bad value for -p: 'FOO'"),
        (&["--pdeathsig=SIGNOPE", "true"], &[], "bad value for --pdeathsig: 'SIGNOPE'"),
        (&["-r", "TERM:FOO", "true"], &[], "bad value for -r: 'TERM:FOO'"),
        (&["--rewrite", "15", "true"], &[], "bad value for --rewrite: '15'"),
        (&["-e", "256", "true"], &[], "bad value for -e: '256'"),
        (&["-e", "99999999999", "true"], &[], "bad value for -e: '99999999999'"),
        (&["--grace", "-1", "true"], &[], "bad value for --grace: '-1'"),
        (&["--grace", "99999999999", "true"], &[], "bad value for --grace: '99999999999'"),
        (&["-p"], &[], "missing value for -p"),
        (&["-v", "--grace"], &[], "missing value for --grace"),
        (&["--rewrite"], &[], "missing value for --rewrite"),
        (&["-x", "true"], &[], "unknown option -x"),
        (&["--bogus", "true"], &[], "unknown option --bogus"),
        (&[], &[], "no program given"),
        (&["-v", "--"], &[], "no program given"),
        (&["-P", "true"], &[], "-P runs no program: 'true'"),
        // Info options refuse a value like every other flag.
        (&["--help=x"], &[], "no value allowed for --help: 'x'"),
        (&["--license=x"], &[], "no value allowed for --license: 'x'"),
        (&["--version=x"], &[], "no value allowed for --version: 'x'"),
        (&["true"], &[("TINI_VERBOSITY", "abc")], "bad value for TINI_VERBOSITY: 'abc'"),
        (&["true"], &[("NANOINIT_GRACE", "x")], "bad value for NANOINIT_GRACE: 'x'"),
        (&["true"], &[("NANOINIT_REMAP_EXIT", "256")], "bad value for NANOINIT_REMAP_EXIT: '256'"),
        (&["true"], &[("DUMB_INIT_SETSID", "maybe")], "bad value for DUMB_INIT_SETSID: 'maybe'"),
        (&["true"], &[("TINI_SUBREAPER", "yes please")], "bad value for TINI_SUBREAPER: 'yes please'"),
        (&["true"], &[("NANOINIT_REWRITE", "TERM")], "bad value for NANOINIT_REWRITE: 'TERM'"),
    ];
    for mode in MODES {
        let lab = Lab::new("usage", mode);
        for exe in ["nanoinit", "tini", "dumb-init"] {
            for (args, env, msg) in table {
                let o = lab.run(exe, args, env);
                let what = format!("{mode:?} {exe} {args:?} {env:?}");
                assert_eq!(o.code, 2, "{what}: {o:?}");
                assert_eq!(o.stdout, "", "{what}");
                assert_eq!(o.stderr, format!("nanoinit: {msg}\n{HINT}"), "{what}");
            }
        }
    }
}

/// Only the tini personality has its own version line (`docker info` parses
/// it); dumb-init's `-V` prints nanoinit's, which nothing parses.
#[test]
fn dumb_init_version_is_nanoinits_line() {
    let lab = Lab::new("dumb-version", Mode::Subreaper);
    for flag in ["-V", "--version"] {
        let o = lab.run("dumb-init", &[flag], &[]);
        assert_eq!(o.code, 0, "{o:?}");
        assert!(o.stdout.starts_with(&format!("nanoinit {VERSION} (git ")), "{o:?}");
    }
}
