//! Hostile input: every refusal is one clear line (plus the usage hint for a
//! usage error) and a documented exit code—2 for usage, 127 not found, 126
//! cannot execute—never a crash, a hang, or a signal death.
mod common;
use common::*;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::process::Command;
use std::time::Duration;

/// The kernel's limit on one argument or environment string, NUL included
/// (MAX_ARG_STRLEN = 32 pages).
const MAX_ARG_STRLEN: usize = 32 * 4096;
const HINT: &str = "Try 'nanoinit --help'.\n";

fn finish(cmd: Command, mode: Mode) -> Output {
    Init::start(cmd, mode).wait_for(Duration::from_secs(30))
}

/// Asserts a usage error: exit 2, nothing on stdout, exactly `line` and the hint on stderr.
#[track_caller]
fn assert_usage(o: &Output, line: &str, what: &str) {
    assert_eq!(o.code, 2, "{what}: {o:?}");
    assert_eq!(o.stdout, "", "{what}");
    assert_eq!(o.stderr, format!("nanoinit: {line}\n{HINT}"), "{what}");
}

/// Asserts an exec failure: `code`, and exactly the one line naming the program.
#[track_caller]
fn assert_exec_failure(o: &Output, code: i32, prog: &str, why: &str) {
    assert_eq!(o.code, code, "{prog:?}: {o:?}");
    assert_eq!(o.stderr, format!("nanoinit: cannot run '{prog}': {why}\n"), "{prog:?}");
}

/// Edge cases of value parsing. The common usage errors, in every personality
/// and both modes, are in tests/dropin/usage.rs.
#[test]
fn bad_values_are_one_line_and_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["-e", " 1", "true"], "bad value for -e: ' 1'"),
        (&["-e", "1 ", "true"], "bad value for -e: '1 '"),
        (&["-e", "+1", "true"], "bad value for -e: '+1'"),
        (&["-e", "-1", "true"], "bad value for -e: '-1'"),
        (&["-e", "1x", "true"], "bad value for -e: '1x'"),
        (&["-e", "0x10", "true"], "bad value for -e: '0x10'"),
        (&["-e", "", "true"], "bad value for -e: ''"),
        (&["-e", "1,,2", "true"], "bad value for -e: '1,,2'"),
        (&["-e4294967296", "true"], "bad value for -e: '4294967296'"),
        (&["-e", "99999999999999999999", "true"], "bad value for -e: '99999999999999999999'"),
        (&["--remap-exit=1x", "true"], "bad value for --remap-exit: '1x'"),
        (&["--grace", "4294968", "true"], "bad value for --grace: '4294968'"),
        (&["--grace", "4294967.296", "true"], "bad value for --grace: '4294967.296'"),
        (&["--grace", "1.2345", "true"], "bad value for --grace: '1.2345'"),
        (&["--grace", " 1", "true"], "bad value for --grace: ' 1'"),
        (&["--grace", "1e3", "true"], "bad value for --grace: '1e3'"),
        (&["--grace", "1.", "true"], "bad value for --grace: '1.'"),
        (&["--grace=.5", "true"], "bad value for --grace: '.5'"),
        (&["-p", "0", "true"], "bad value for -p: '0'"),
        (&["-p", "65", "true"], "bad value for -p: '65'"),
        (&["-p", "SIGNOPE", "true"], "bad value for -p: 'SIGNOPE'"),
        (&["-r", "TERM", "true"], "bad value for -r: 'TERM'"),
        (&["-r", "TERM:99", "true"], "bad value for -r: 'TERM:99'"),
        (&["-r", "0:TERM", "true"], "bad value for -r: '0:TERM'"),
        (&["-r", ":", "true"], "bad value for -r: ':'"),
        (&["-r", "TERM:INT:HUP", "true"], "bad value for -r: 'TERM:INT:HUP'"),
        (&["-r", "RTMIN+31:0", "true"], "bad value for -r: 'RTMIN+31:0'"),
        (&["-vx", "true"], "unknown option -x"),
        (&["--wait=1", "true"], "no value allowed for --wait: '1'"),
        (&["--help=me"], "no value allowed for --help: 'me'"),
        (&["-e"], "missing value for -e"),
        (&["--grace"], "missing value for --grace"),
        (&["--"], "no program given"),
        (&["-v", "-g", "--"], "no program given"),
    ];
    for (args, line) in cases {
        let o = finish(command(Mode::Subreaper, args), Mode::Subreaper);
        assert_usage(&o, line, &format!("{args:?}"));
    }
    // The same in PID 1 mode, once: nothing is different before the fork.
    let o = finish(command(Mode::Pid1, &["-e", " 1", "true"]), Mode::Pid1);
    assert_usage(&o, "bad value for -e: ' 1'", "as PID 1");
}

#[test]
fn bad_environment_is_one_line_and_exit_2() {
    let cases = [
        ("NANOINIT_VERBOSITY", "abc"),
        ("NANOINIT_VERBOSITY", "-1"),
        ("NANOINIT_VERBOSITY", "99999999999"),
        ("TINI_VERBOSITY", " 2"),
        ("NANOINIT_GRACE", "1x"),
        ("NANOINIT_GRACE", "99999999999"),
        ("NANOINIT_PDEATHSIG", "0"),
        ("TINI_SUBREAPER", "maybe"),
        ("DUMB_INIT_SETSID", "2"),
        ("NANOINIT_WAIT", "yes please"),
    ];
    for (name, value) in cases {
        let mut c = command(Mode::Subreaper, &["true"]);
        c.env(name, value);
        let o = finish(c, Mode::Subreaper);
        assert_usage(&o, &format!("bad value for {name}: '{value}'"), name);
    }
}

#[test]
fn hundred_thousand_arguments_reach_the_child() {
    let nums: Vec<String> = (1..=100_000).map(|n| n.to_string()).collect();
    for mode in MODES {
        let mut c = command(mode, &["--", "sh", "-c", "echo $# \"$1\" \"${100000}\"", "sh"]);
        c.args(&nums);
        let o = finish(c, mode);
        assert_eq!((o.code, o.stdout.as_str()), (0, "100000 1 100000\n"), "{mode:?}: {}", o.stderr);
    }
}

#[test]
fn hundred_thousand_options() {
    // Repeated flags are fine: -v saturates at the highest verbosity.
    let mut c = command(Mode::Subreaper, &[]);
    c.args(std::iter::repeat_n("-g", 50_000)).args(std::iter::repeat_n("-w", 50_000));
    c.args(["--", "sh", "-c", "exit 5"]);
    let o = finish(c, Mode::Subreaper);
    assert_eq!(o.code, 5, "{}", o.stderr);
    let mut c = command(Mode::Subreaper, &[]);
    c.args(std::iter::repeat_n("-v", 100_000)).args(["sh", "-c", "exit 6"]);
    let o = finish(c, Mode::Subreaper);
    assert_eq!(o.code, 6, "{}", o.stderr);
    assert!(o.stderr.contains("nanoinit: reaped main child "), "-v×100000 is the top verbosity: {}", o.stderr);
    // One cluster of 100,000 letters.
    let mut c = command(Mode::Subreaper, &[]);
    c.arg(format!("-{}", "v".repeat(100_000))).args(["sh", "-c", "exit 7"]);
    assert_eq!(finish(c, Mode::Subreaper).code, 7);
    // 100,000 unknown options: the first one is named, once.
    let mut c = command(Mode::Subreaper, &[]);
    c.args((0..100_000).map(|i| format!("--bogus{i}"))).arg("true");
    assert_usage(&finish(c, Mode::Subreaper), "unknown option --bogus0", "100000 unknown options");
    // 100,000 options that each need a value, the last one missing it.
    let mut c = command(Mode::Subreaper, &[]);
    c.args(std::iter::repeat_n(["-e", "1"], 50_000).flatten()).arg("-e");
    assert_usage(&finish(c, Mode::Subreaper), "missing value for -e", "50000 -e");
}

#[test]
fn largest_arguments() {
    let biggest = MAX_ARG_STRLEN - 1;
    // The longest value the kernel passes, as an option value: the error line is
    // cut to LINE_MAX (512 bytes with its newline), still one line plus the hint.
    let mut c = command(Mode::Subreaper, &["-e"]);
    c.arg("9".repeat(biggest)).arg("true");
    let o = finish(c, Mode::Subreaper);
    assert_eq!(o.code, 2);
    let lines: Vec<&str> = o.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{:?}", &o.stderr[..200]);
    assert!(lines[0].starts_with("nanoinit: bad value for -e: '999"), "{}", &lines[0][..60]);
    assert_eq!(lines[0].len() + 1, nanoinit::line::LINE_MAX, "the error line is cut at LINE_MAX");
    assert_eq!(format!("{}\n", lines[1]), HINT);
    // The same as an unknown long option's name.
    let mut c = command(Mode::Subreaper, &[]);
    c.arg(format!("--{}", "z".repeat(biggest - 2))).arg("true");
    let o = finish(c, Mode::Subreaper);
    assert_eq!((o.code, o.stderr.lines().count()), (2, 2));
    // And as an environment value.
    let mut c = command(Mode::Subreaper, &["true"]);
    c.env("NANOINIT_GRACE", "1".repeat(biggest - "NANOINIT_GRACE=".len()));
    let o = finish(c, Mode::Subreaper);
    assert_eq!((o.code, o.stderr.lines().count()), (2, 2));
    assert!(o.stderr.lines().all(|l| l.len() < nanoinit::line::LINE_MAX));

    // 1 MiB of arguments (eight of the longest), then 1 MiB of environment,
    // reach the child intact, as PID 1 and as a subreaper. (Both at once would
    // pass ARG_MAX, a quarter of the 8 MiB stack limit.)
    for mode in MODES {
        for (args, vars) in [(8u8, 0u8), (0, 8)] {
            let mut c = command(mode, &["--", "perl", "-e", "print length(join q(), @ARGV), q( ), length(join q(), map { $ENV{qq(BIG$_)} // q() } 0..7), qq(\\n)"]);
            for i in 0..args {
                c.arg(char::from(b'a' + i).to_string().repeat(biggest));
            }
            for i in 0..vars {
                c.env(format!("BIG{i}"), "e".repeat(biggest - 5));
            }
            let o = finish(c, mode);
            assert_eq!(o.code, 0, "{mode:?}: {}", o.stderr);
            assert_eq!(
                o.stdout,
                format!("{} {}\n", usize::from(args) * biggest, usize::from(vars) * (biggest - 5)),
                "{mode:?}"
            );
        }
    }

    // A single 1 MiB argument never reaches nanoinit: the kernel refuses it (E2BIG).
    let mut c = command(Mode::Subreaper, &["true"]);
    c.arg("x".repeat(1 << 20));
    let err = c.spawn().expect_err("a 1 MiB argument was accepted by execve");
    assert_eq!(err.raw_os_error(), Some(libc::E2BIG));
}

#[test]
fn a_64k_path_of_junk_still_finds_the_program() {
    let dir = TempDir::new("hostile-path");
    let good = dir.join("good");
    let noexec = dir.join("noexec");
    write_file(&format!("{good}/nanoinit-probe"), "#!/bin/sh\nexit 42\n", "755");
    write_file(&format!("{noexec}/nanoinit-probe"), "#!/bin/sh\nexit 43\n", "644");
    write_file(&dir.join("file"), "", "644");
    let too_long = format!("/{}", "a".repeat(5000)); // > PATH_BUF: never joined
    let long_component = format!("/{}", "b".repeat(300)); // ENAMETOOLONG from the kernel
    let deep = format!("/{}", vec!["c".repeat(200); 20].join("/")); // ~4000 bytes, ENOENT
    let mut entries: Vec<String> = Vec::new();
    let junk = [
        "",
        ".",
        "relative",
        "./rel/dir",
        "../..",
        "/nonexistent",
        &dir.join("file"),
        &noexec,
        &too_long,
        &long_component,
        &deep,
    ];
    let mut len = 0;
    while len < 64 * 1024 {
        for j in junk {
            len += j.len() + 1;
            entries.push(j.to_string());
        }
    }
    for (mode, tail, code) in
        [(Mode::Subreaper, Some(&good), 42), (Mode::Pid1, Some(&good), 42), (Mode::Subreaper, None, 126)]
    {
        let mut path = entries.join(":");
        if let Some(g) = tail {
            path = format!("{path}:{g}");
        }
        assert!(path.len() >= 64 * 1024 && path.len() < MAX_ARG_STRLEN - 5);
        let mut c = command_as(mode, bin(), &["nanoinit-probe"]);
        c.env("PATH", &path);
        let o = finish(c, mode);
        if code == 42 {
            assert_eq!(o.code, 42, "{mode:?}: {}", o.stderr);
            assert_eq!(o.stderr, "");
        } else {
            // Only the copy without the exec bit was found: EACCES wins over ENOENT, as in execvp.
            assert_exec_failure(&o, 126, "nanoinit-probe", "Permission denied");
        }
    }
    // Nothing anywhere: 127.
    let mut c = command_as(Mode::Subreaper, bin(), &["nanoinit-probe"]);
    c.env("PATH", [too_long.as_str(), &long_component, &deep, "", "/nonexistent"].join(":"));
    assert_exec_failure(&finish(c, Mode::Subreaper), 127, "nanoinit-probe", "No such file or directory");
}

#[test]
fn programs_that_cannot_run() {
    let dir = TempDir::new("hostile-exec");
    let noexec = dir.join("noexec.sh");
    write_file(&noexec, "#!/bin/sh\nexit 0\n", "644");
    let missing_interp = dir.join("missing-interp");
    write_file(&missing_interp, "#!/nonexistent/interp\n", "755");
    let garbage = dir.join("garbage");
    write_file(&garbage, "\u{1}\u{2}\u{3}\u{4} not a program\n", "755");
    let long_name = "n".repeat(5000);
    let long_path = format!("/{}", "p".repeat(5000));
    let long_component = format!("/tmp/{}", "q".repeat(300));
    let cases: &[(&str, i32, &str)] = &[
        ("", 127, "No such file or directory"),
        (".", 126, "Permission denied"),
        ("..", 126, "Permission denied"),
        ("/", 126, "Permission denied"),
        ("/tmp", 126, "Permission denied"),
        ("/tmp/", 126, "Permission denied"),
        (&noexec, 126, "Permission denied"),
        (&missing_interp, 127, "No such file or directory"),
        (&garbage, 126, "Exec format error"),
        ("/nonexistent/prog", 127, "No such file or directory"),
        ("/etc/passwd/x", 127, "Not a directory"),
        (&long_name, 127, "No such file or directory"),
        (&long_path, 127, "Filename too long"),
        (&long_component, 127, "Filename too long"),
    ];
    for &(prog, code, why) in cases {
        for mode in [Mode::Subreaper, Mode::Pid1] {
            if mode == Mode::Pid1 && prog.len() > 100 {
                continue;
            }
            let o = finish(command(mode, &["--", prog, "arg"]), mode);
            let shown = if prog.len() > 400 { &o.stderr } else { &format!("nanoinit: cannot run '{prog}': {why}\n") };
            if prog.len() > 400 {
                // The name is cut so the line fits LINE_MAX; still one line.
                assert_eq!(o.code, code, "{:.40}…", prog);
                assert_eq!(o.stderr.lines().count(), 1);
                assert!(o.stderr.len() <= nanoinit::line::LINE_MAX);
                assert!(o.stderr.starts_with("nanoinit: cannot run '"), "{shown}");
            } else {
                assert_exec_failure(&o, code, prog, why);
            }
            assert_eq!(o.stdout, "");
        }
    }
    // Without `--` too: an empty word is a program name, not an option.
    assert_exec_failure(
        &finish(command(Mode::Subreaper, &[""]), Mode::Subreaper),
        127,
        "",
        "No such file or directory",
    );
}

#[test]
fn non_utf8_bytes() {
    let odd = OsStr::from_bytes(b"\xff\xfe\x80a\xc3");
    for mode in MODES {
        // An argument and an environment value reach the child byte for byte.
        let mut c = command(
            mode,
            &["--", "sh", "-c", "printf %s \"$1\" | od -An -tx1; printf %s \"$ODD\" | od -An -tx1", "sh"],
        );
        c.arg(odd).env("ODD", odd);
        let o = finish(c, mode);
        assert_eq!(o.code, 0, "{mode:?}: {}", o.stderr);
        let hex: Vec<&str> = o.stdout.split_whitespace().collect();
        assert_eq!(hex, ["ff", "fe", "80", "61", "c3", "ff", "fe", "80", "61", "c3"], "{mode:?}");
    }
    // As an option, a value, a variable, a program name: the usual errors.
    let lossy = String::from_utf8_lossy(odd.as_bytes()).into_owned();
    let mut c = command(Mode::Subreaper, &[]);
    c.arg(OsStr::from_bytes(b"--\xff\xfe\x80a\xc3")).arg("true");
    assert_usage(&finish(c, Mode::Subreaper), &format!("unknown option --{lossy}"), "non-UTF-8 option");
    let mut c = command(Mode::Subreaper, &["-e"]);
    c.arg(odd).arg("true");
    assert_usage(&finish(c, Mode::Subreaper), &format!("bad value for -e: '{lossy}'"), "non-UTF-8 value");
    let mut c = command(Mode::Subreaper, &["true"]);
    c.env("NANOINIT_GRACE", odd);
    assert_usage(&finish(c, Mode::Subreaper), &format!("bad value for NANOINIT_GRACE: '{lossy}'"), "non-UTF-8 env");
    let mut c = command(Mode::Subreaper, &["--"]);
    c.arg(odd);
    assert_exec_failure(&finish(c, Mode::Subreaper), 127, &lossy, "No such file or directory");
    // A non-UTF-8 variable *name* nanoinit does not know is passed along untouched.
    // (Run `env` itself: dash drops variables whose names are not identifiers.)
    let mut c = command(Mode::Subreaper, &["--", "env"]);
    c.env(OsStr::from_bytes(b"X\xff"), "1");
    let o = finish(c, Mode::Subreaper);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.lines().any(|l| l == "X\u{fffd}=1"), "{}", o.stdout);
}

#[test]
fn control_bytes_in_a_value_stay_on_one_line() {
    let o = finish(command(Mode::Subreaper, &["-e", "1\n2", "true"]), Mode::Subreaper);
    assert_eq!(o.code, 2);
    assert_eq!(o.stderr.lines().count(), 2, "one error line plus the hint: {:?}", o.stderr);
    let o = finish(command(Mode::Subreaper, &["--", "no\nsuch"]), Mode::Subreaper);
    assert_eq!(o.code, 127);
    assert_eq!(o.stderr.lines().count(), 1, "{:?}", o.stderr);
}
