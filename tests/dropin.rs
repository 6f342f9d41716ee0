//! The drop-in interface, run for real: every option and environment variable
//! in each personality (argv[0] = nanoinit, tini, dumb-init, ...), as PID 1 of a
//! fresh PID namespace and as a subreaper. Workloads are small perl/sh scripts
//! that log what they receive to a file; every wait polls with a deadline.
// Table-driven tests spell their row types inline, next to the rows.
#![allow(clippy::type_complexity)]
mod common;
use common::*;

use std::cell::RefCell;
use std::fs;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::Duration;

const VERSION: &str = env!("CARGO_PKG_VERSION");
const HINT: &str = "Try 'nanoinit --help'.\n";

/// A signal catcher: `perl catcher.pl LOG TAG QUIT SIG...`. Logs `TAG:ready:PID`
/// once its handlers are set, `TAG:SIG` for each SIG caught, and `TAG:exit` when
/// it ends after a QUIT signal (`A,B`: either; `-`: never; `...+slow`: half a
/// second after). `!SIG`
/// ignores SIG. Signals by name (`USR1`) or number (`37`).
const CATCHER: &str = r#"
use strict; use warnings; use Config;
my ($log, $tag, $quit, @sigs) = @ARGV;
my @names = split ' ', $Config{sig_name};
sub name { my $s = shift; $s =~ /^\d+$/ ? $names[$s] : $s }
sub note { open(my $f, '>>', $log) or die "$log: $!"; print $f "$tag:$_[0]\n"; close $f }
my $done = 0;
my $slow = ($quit =~ s/\+slow$//);
for my $s (@sigs) {
    if ($s =~ s/^!//) { $SIG{name($s)} = 'IGNORE' } else { my $n = $s; $SIG{name($s)} = sub { note($n) } }
}
for my $q (split /,/, $quit) { next if $q eq '-'; $SIG{name($q)} = sub { note($q); $done = 1 } }
note("ready:$$");
while (!$done) { select(undef, undef, undef, 0.1) }
select(undef, undef, undef, 0.5) if $slow;
note("exit");
"#;

/// One test's workspace: a scratch dir with the catcher, a shared log, and
/// personality symlinks. Catchers it started as a subreaper's descendants are
/// SIGKILLed on drop (their pids are host pids only then).
struct Lab {
    dir: TempDir,
    mode: Mode,
    log: String,
    catcher: String,
    /// Every catcher pid seen ready.
    seen: RefCell<Vec<i32>>,
}

impl Lab {
    fn new(tag: &str, mode: Mode) -> Lab {
        let dir = TempDir::new(tag);
        let log = dir.join("log");
        let catcher = dir.join("catcher.pl");
        fs::write(&catcher, CATCHER).unwrap();
        fs::write(&log, "").unwrap();
        Lab { dir, mode, log, catcher, seen: RefCell::new(Vec::new()) }
    }

    /// Shell words running a catcher.
    fn catch(&self, tag: &str, quit: &str, sigs: &str) -> String {
        format!("perl {} {} {tag} {quit} {sigs}", self.catcher, self.log)
    }

    /// The init command: `exe` is a personality name (`nanoinit`, `tini`, ...).
    fn cmd(&self, exe: &str, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut c = command_as(self.mode, &self.dir.personality(exe), args);
        c.envs(env.iter().copied());
        c.current_dir(&self.dir.0);
        c
    }

    fn start(&self, exe: &str, args: &[&str], env: &[(&str, &str)]) -> Init {
        Init::start_ready(self.cmd(exe, args, env), self.mode)
    }

    fn run(&self, exe: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
        Init::start(self.cmd(exe, args, env), self.mode).wait()
    }

    fn lines(&self) -> Vec<String> {
        fs::read_to_string(&self.log).unwrap_or_default().lines().map(str::to_string).collect()
    }

    fn has(&self, line: &str) -> bool {
        self.lines().iter().any(|l| l == line)
    }

    /// Waits for `line` in the log; false on timeout.
    fn wait_line(&self, line: &str) -> bool {
        poll(DEADLINE, || self.has(line).then_some(())).is_some()
    }

    /// Waits for `TAG:ready:PID` and returns PID (as the catcher sees it).
    fn ready(&self, tag: &str) -> i32 {
        let prefix = format!("{tag}:ready:");
        let pid = poll(DEADLINE, || self.lines().iter().find_map(|l| l.strip_prefix(&prefix)?.parse().ok()))
            .unwrap_or_else(|| panic!("{tag} never got ready; log: {:?}", self.lines()));
        self.seen.borrow_mut().push(pid);
        pid
    }

    /// SIGKILLs the catchers seen so far, in subreaper mode (host pids), if
    /// they still run the catcher.
    fn kill_catchers(&self) {
        if self.mode != Mode::Subreaper {
            return;
        }
        let mut pids = self.seen.borrow().clone();
        pids.extend(self.lines().iter().filter_map(|l| l.split(":ready:").nth(1)?.parse::<i32>().ok()));
        for pid in pids {
            if proc_file(pid, "cmdline").contains(&self.catcher) {
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
            }
        }
    }

    /// Asserts `line` shows up in the log.
    fn expect(&self, line: &str) {
        assert!(self.wait_line(line), "{:?}: no {line:?} in {:?}", self.mode, self.lines());
    }

    /// Asserts `line` is not in the log after a short settle time.
    fn expect_not(&self, line: &str) {
        std::thread::sleep(Duration::from_millis(300));
        assert!(!self.has(line), "{:?}: unexpected {line:?} in {:?}", self.mode, self.lines());
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        self.kill_catchers();
    }
}

fn lines_of(s: &str) -> Vec<&str> {
    s.lines().collect()
}

fn has_line(s: &str, line: &str) -> bool {
    s.lines().any(|l| l == line)
}

// ---------------------------------------------------------------- info options

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
                            // dumb-init's format is checked by an ignored test (bug).
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

// ---------------------------------------------------------------- usage errors

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

/// `--help=x` and friends refuse the value like every other flag: one line
/// naming the option and the value, exit 2, nothing on stdout.
#[test]
fn info_options_refuse_an_attached_value() {
    for mode in MODES {
        let lab = Lab::new("help-value", mode);
        for name in ["help", "license", "version"] {
            let o = lab.run("nanoinit", &[&format!("--{name}=x")], &[]);
            let line = format!("nanoinit: no value allowed for --{name}: 'x'\n");
            assert_eq!(o.code, 2, "{mode:?} --{name}=x: {o:?}");
            assert!(o.stderr.starts_with(&line) && o.stdout.is_empty(), "{mode:?} --{name}=x: {o:?}");
        }
    }
}

// ---------------------------------------------------------------- exit codes

#[test]
fn remap_exit_reports_chosen_codes_as_0() {
    let table: &[(&str, &[&str], &[(&str, &str)], &str, i32)] = &[
        ("nanoinit", &[], &[], "kill -TERM $$", 143),
        ("nanoinit", &["-e", "143"], &[], "kill -TERM $$", 0),
        ("tini", &["-e", "143"], &[], "exit 143", 0),
        ("dumb-init", &["--remap-exit=143"], &[], "exit 143", 0),
        ("tini", &["-e143", "-e", "3"], &[], "exit 3", 0),
        ("nanoinit", &["-e", "143"], &[], "exit 3", 3),
        ("nanoinit", &[], &[("NANOINIT_REMAP_EXIT", "3,4")], "exit 4", 0),
        ("tini", &["-e", "0"], &[], "exit 0", 0),
        ("tini", &["-e", "255"], &[], "exit 255", 0),
    ];
    for mode in MODES {
        let lab = Lab::new("remap", mode);
        for (exe, args, env, script, want) in table {
            let mut argv = args.to_vec();
            argv.extend(["--", "sh", "-c", script]);
            let o = lab.run(exe, &argv, env);
            assert_eq!(o.code, *want, "{mode:?} {exe} {argv:?} {env:?}: {o:?}");
        }
    }
}

// ---------------------------------------------------------------- -v trace

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

// ---------------------------------------------------------------- -w

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

// ---------------------------------------------------------------- targets

/// `sh` that starts catcher `gc` in the background (same process group) and
/// then execs catcher `main`.
fn main_and_grandchild(lab: &Lab, main: (&str, &str), gc: (&str, &str)) -> String {
    format!("{} & exec {}", lab.catch("gc", gc.0, gc.1), lab.catch("main", main.0, main.1))
}

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
            assert_eq!(stat_num(child, 2), Some(child as i64), "{mode:?} {exe}: child leads its group");
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
            let (ours, its) = (stat_num(init.pid, 2), stat_num(child, 2));
            if ours != its || stat_num(child, 3) != stat_num(init.pid, 3) {
                failures.push(format!("{mode:?} {exe} {args:?} {env:?}: nanoinit pgid {ours:?}, child pgid {its:?}"));
            }
            init.signal(libc::SIGTERM);
            let o = init.wait();
            assert_eq!(o.code, 143, "{mode:?} {exe} {args:?}: {o:?}");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn single_child_in_dumb_init_stays_in_our_group() {
    single_child_group_check(&[
        ("dumb-init", &["-c"], &[]),
        ("dumb-init", &["--single-child"], &[]),
        ("dumb-init", &[], &[("DUMB_INIT_SETSID", "0")]),
        ("dumb-init", &[], &[("NANOINIT_SINGLE_CHILD", "1")]),
    ]);
}

#[test]
fn single_child_in_every_personality_stays_in_our_group() {
    single_child_group_check(&[
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
                assert_eq!(stat_num(daemon, 3), Some(daemon as i64), "the daemon leads its own session");
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

// ---------------------------------------------------------------- setsid mode

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
            assert_eq!(stat_num(child, 3), Some(child as i64), "{what}: sid == pid");
            assert_eq!(stat_num(child, 2), Some(child as i64), "{what}: pgid == pid");
            assert_ne!(stat_num(init.pid, 3), Some(child as i64), "{what}");
            if mode == Mode::Subreaper {
                assert_eq!(stat_num(gc, 2), Some(child as i64), "{what}: grandchild in the child's group");
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

// ---------------------------------------------------------------- rewrite

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

// ---------------------------------------------------------------- tini defaults

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

// ---------------------------------------------------------------- after the main child

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

// ---------------------------------------------------------------- -p

#[test]
fn pdeathsig_as_subreaper_when_the_parent_dies() {
    let lab = Lab::new("pdeath-sub", Mode::Subreaper);
    for (exe, args, env) in [
        ("nanoinit", &["-p", "TERM"][..], &[][..]),
        ("tini", &["-p", "SIGTERM"], &[]),
        ("dumb-init", &[], &[("NANOINIT_PDEATHSIG", "15")]),
    ] {
        let _ = fs::write(&lab.log, "");
        let pidfile = lab.dir.join("init.pid");
        // An intermediate parent: starts nanoinit in the background, waits until
        // its child is ready, exits.
        let script = format!(
            "\"$0\" \"$@\" & echo $! > {pidfile}; until grep -q main:ready {}; do sleep 0.02; done; exit 0",
            lab.log
        );
        let mut c = Command::new("sh");
        c.arg("-c").arg(&script).arg(lab.dir.personality(exe)).args(args);
        c.args(["--", "perl", &lab.catcher, &lab.log, "main", "TERM"]);
        for v in OUR_VARS {
            c.env_remove(v);
        }
        c.envs(env.iter().copied()).stdin(Stdio::null()).process_group(0);
        let mut sh = c.spawn().unwrap();
        let main = lab.ready("main");
        let init: i32 = fs::read_to_string(&pidfile).unwrap().trim().parse().unwrap();
        assert!(sh.wait().unwrap().success());
        // nanoinit got TERM from its parent's death and forwarded it.
        lab.expect("main:TERM");
        lab.expect("main:exit");
        let gone = poll(DEADLINE, || (!alive(init) && !alive(main)).then_some(()));
        assert!(gone.is_some(), "{exe} {args:?} {env:?}: left running: nanoinit {} main {}", alive(init), alive(main));
    }
}

#[test]
fn pdeathsig_as_pid1_when_unshare_dies() {
    let lab = Lab::new("pdeath-pid1", Mode::Pid1);
    for (exe, args) in [("nanoinit", &["-p", "TERM"][..]), ("tini", &["--pdeathsig=SIGTERM"])] {
        let _ = fs::write(&lab.log, "");
        let mut argv = args.to_vec();
        let main = lab.catch("main", "TERM", "");
        let script = format!("exec {main}");
        argv.extend(["--", "sh", "-c", &script]);
        let init = lab.start(exe, &argv, &[]);
        lab.ready("main");
        let pid = init.pid;
        unsafe {
            libc::kill(init.outer(), libc::SIGKILL);
        }
        lab.expect("main:TERM");
        lab.expect("main:exit");
        assert!(poll(DEADLINE, || (!alive(pid)).then_some(())).is_some(), "{exe}: nanoinit survived");
        let _ = init.wait();
    }
}

// ---------------------------------------------------------------- pause

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
    poll(DEADLINE, || tree(init.pid).is_empty().then_some(())).expect("the orphan was never reaped");
    init.signal(libc::SIGTERM);
    let o = init.wait();
    assert_eq!(o.code, 0);
    assert!(
        o.stderr.lines().any(|l| l.starts_with("nanoinit: warning: reaped process ") && l.ends_with(": exit code 3")),
        "{}",
        o.stderr
    );
}

// ---------------------------------------------------------------- job control

fn wait_state(pid: i32, stopped: bool) -> bool {
    poll(DEADLINE, || ((state(pid) == Some('T')) == stopped).then_some(())).is_some()
}

#[test]
fn dumb_init_job_control_stops_and_continues_child_and_itself() {
    for mode in MODES {
        let lab = Lab::new("jobctl", mode);
        for sig in [libc::SIGTSTP, libc::SIGTTIN, libc::SIGTTOU] {
            let _ = fs::write(&lab.log, "");
            let main = lab.catch("main", "TERM", "CONT");
            let init = lab.start("dumb-init", &["-v", "--", "sh", "-c", &format!("exec {main}")], &[]);
            lab.ready("main");
            let child = init.main_child();
            init.signal(sig);
            assert!(wait_state(child, true), "{mode:?} {sig}: child not stopped");
            if mode == Mode::Subreaper {
                assert!(wait_state(init.pid, true), "{sig}: nanoinit did not stop itself");
            } else {
                // As PID 1 the kernel ignores the self-stop.
                std::thread::sleep(Duration::from_millis(200));
                assert_ne!(state(init.pid), Some('T'));
            }
            init.signal(libc::SIGCONT);
            assert!(wait_state(init.pid, false) && wait_state(child, false), "{mode:?} {sig}: not continued");
            lab.expect("main:CONT");
            init.signal(libc::SIGTERM);
            let o = init.wait();
            assert_eq!(o.code, 0, "{mode:?} {sig}: {o:?}");
            assert!(
                o.stderr.lines().any(|l| l.starts_with("nanoinit: forwarded SIGSTOP to process group ")),
                "{}",
                o.stderr
            );
        }
    }
}

// ---------------------------------------------------------------- pseudo-terminal

/// A pty pair: the master for the test, the slave as path.
struct Pty {
    master: fs::File,
    slave: String,
}

fn openpty() -> Pty {
    unsafe {
        let m = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC);
        assert!(m >= 0, "posix_openpt");
        assert_eq!(libc::grantpt(m), 0);
        assert_eq!(libc::unlockpt(m), 0);
        let mut n: libc::c_uint = 0;
        assert_eq!(libc::ioctl(m, libc::TIOCGPTN, &mut n), 0);
        Pty { master: fs::File::from(OwnedFd::from_raw_fd(m)), slave: format!("/dev/pts/{n}") }
    }
}

impl Pty {
    /// Collects everything the master reads, in the background.
    fn reader(&self) -> std::sync::Arc<std::sync::Mutex<String>> {
        use std::io::Read;
        let out = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let (mut m, o) = (self.master.try_clone().unwrap(), out.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 512];
            while let Ok(n) = m.read(&mut buf) {
                if n == 0 {
                    break;
                }
                o.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        out
    }

    /// nanoinit (as `exe`, not PID 1) as session leader with this pty as
    /// controlling tty and as fds 0, 1 and 2.
    fn command(&self, lab: &Lab, exe: &str, args: &[&str]) -> Command {
        use std::os::unix::fs::OpenOptionsExt;
        let slave =
            fs::OpenOptions::new().read(true).write(true).custom_flags(libc::O_NOCTTY).open(&self.slave).unwrap();
        let mut c = Command::new(lab.dir.personality(exe));
        c.args(args).current_dir(&lab.dir.0);
        for v in OUR_VARS {
            c.env_remove(v);
        }
        c.stdin(slave.try_clone().unwrap()).stdout(slave.try_clone().unwrap()).stderr(slave);
        unsafe {
            c.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        c
    }
}

fn wait_text(out: &std::sync::Arc<std::sync::Mutex<String>>, text: &str) -> bool {
    poll(DEADLINE, || out.lock().unwrap().contains(text).then_some(())).is_some()
}

#[test]
fn pty_default_mode_child_is_the_foreground_group() {
    let lab = Lab::new("pty-fg", Mode::Subreaper);
    for exe in ["nanoinit", "tini"] {
        let pty = openpty();
        let out = pty.reader();
        let init = Init::start_ready(
            pty.command(&lab, exe, &["sh", "-c", "echo ready; read x; echo got:$x"]),
            Mode::Subreaper,
        );
        assert_eq!(stat_num(init.pid, 3), Some(init.pid as i64), "nanoinit leads the session");
        let child = init.main_child();
        assert!(wait_text(&out, "ready"), "{exe}: {:?}", out.lock().unwrap());
        // The tty's foreground group (tpgid) is the child's own group.
        assert_eq!(stat_num(child, 2), Some(child as i64));
        assert_eq!(stat_num(child, 5), Some(child as i64), "{exe}: tpgid");
        use std::io::Write;
        (&pty.master).write_all(b"hello\n").unwrap();
        let o = init.wait();
        assert_eq!(o.code, 0, "{exe}: {o:?}; tty: {:?}", out.lock().unwrap());
        assert!(wait_text(&out, "got:hello"), "{exe}: {:?}", out.lock().unwrap());
    }
}

/// setsid mode on a pty. `drop_hup`: add `-r HUP:0`, so the hand-off is checked
/// apart from the tty-release SIGHUP/SIGCONT (checked by the test below).
fn pty_setsid_mode(drop_hup: bool) {
    let lab = Lab::new("pty-setsid", Mode::Subreaper);
    for (exe, args) in [("nanoinit", &["--setsid"][..]), ("dumb-init", &[])] {
        let _ = fs::write(&lab.log, "");
        let pty = openpty();
        let out = pty.reader();
        let tty_nr = {
            use std::os::unix::fs::MetadataExt;
            fs::metadata(&pty.slave).unwrap().rdev()
        };
        let script = format!(
            "trap 'echo sig:HUP >> {log}' HUP; trap 'echo sig:CONT >> {log}' CONT; echo ready >> {log}; read x; echo got:$x",
            log = lab.log
        );
        let mut argv = args.to_vec();
        if drop_hup {
            argv.extend(["-r", "HUP:0"]);
        }
        argv.extend(["-v", "--", "sh", "-c", &script]);
        let init = Init::start_ready(pty.command(&lab, exe, &argv), Mode::Subreaper);
        lab.expect("ready");
        let child = children(init.pid).first().copied().unwrap_or_else(|| {
            panic!(
                "{exe}: no child; exited {}; tty: {:?}; log {:?}",
                init.has_exited(),
                out.lock().unwrap(),
                lab.lines()
            )
        });
        // The child leads a new session with the pty as its controlling tty;
        // nanoinit let go of it.
        assert_eq!(stat_num(child, 3), Some(child as i64), "{exe}: sid");
        let ctty = stat_num(child, 4).unwrap_or(0) as u64;
        #[allow(unused_unsafe)]
        let dev = |d: u64| unsafe { (libc::major(d), libc::minor(d)) };
        assert_eq!(dev(ctty), dev(tty_nr), "{exe}: child's tty_nr");
        assert_eq!(stat_num(init.pid, 4), Some(0), "{exe}: nanoinit still has a tty");
        assert_eq!(stat_num(child, 5), Some(child as i64), "{exe}: foreground group");
        use std::io::Write;
        (&pty.master).write_all(b"hello\n").unwrap();
        let o = init.wait();
        assert_eq!(o.code, 0, "{exe}: {o:?}");
        assert!(wait_text(&out, "got:hello"), "{exe}: {:?}", out.lock().unwrap());
        if !drop_hup {
            assert!(
                !lab.has("sig:HUP") && !lab.has("sig:CONT"),
                "{exe}: the tty hand-off's HUP/CONT reached the child: {:?}",
                lab.lines()
            );
            let tty = out.lock().unwrap().clone();
            assert!(!tty.contains("forwarded SIGHUP") && !tty.contains("forwarded SIGCONT"), "{exe}: {tty}");
        }
    }
}

#[test]
fn pty_setsid_mode_hands_the_tty_to_the_child() {
    pty_setsid_mode(true);
}

#[test]
fn pty_setsid_mode_swallows_the_tty_release_hup_and_cont() {
    pty_setsid_mode(false);
}

#[test]
fn pty_dumb_init_job_control_not_pid1() {
    let lab = Lab::new("pty-jobctl", Mode::Subreaper);
    let pty = openpty();
    let _out = pty.reader();
    let main = lab.catch("main", "TERM", "CONT");
    // `-r HUP:0`: job control checked apart from the tty-release SIGHUP (see above).
    let args = ["-r", "HUP:0", "--", "sh", "-c", &format!("exec {main}")];
    let init = Init::start_ready(pty.command(&lab, "dumb-init", &args), Mode::Subreaper);
    lab.ready("main");
    let child = init.main_child();
    assert_eq!(stat_num(child, 3), Some(child as i64));
    init.signal(libc::SIGTSTP);
    assert!(wait_state(child, true), "child not stopped");
    assert!(wait_state(init.pid, true), "nanoinit did not stop itself");
    init.signal(libc::SIGCONT);
    assert!(wait_state(init.pid, false) && wait_state(child, false), "not continued");
    lab.expect("main:CONT");
    init.signal(libc::SIGTERM);
    let o = init.wait();
    assert_eq!(o.code, 0, "{o:?}");
}
