//! Fixed texts: usage, version lines, license.

/// The version of this build.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// `git describe` of the source this was built from (set by build.rs).
pub const GIT: &str = env!("NANOINIT_GIT");

/// `nanoinit --version`.
pub const VERSION_LINE: &str = concat!("nanoinit ", env!("CARGO_PKG_VERSION"), " (git ", env!("NANOINIT_GIT"), ")\n");
/// `tini --version`, in the form `docker info` parses.
pub const VERSION_LINE_TINI: &str = concat!("tini version ", env!("CARGO_PKG_VERSION"), " - git.", env!("NANOINIT_GIT"), "\n");
/// `dumb-init --version`.
pub const VERSION_LINE_DUMB_INIT: &str = concat!("dumb-init v", env!("CARGO_PKG_VERSION"), " (nanoinit git ", env!("NANOINIT_GIT"), ")\n");

/// The one-line hint after a usage error.
pub const USAGE_HINT: &str = "Try 'nanoinit --help'.\n";

/// `--help`.
pub const USAGE: &str = "\
usage: nanoinit [OPTION]... [--] PROGRAM [ARG]... | nanoinit -P
Run PROGRAM; forward signals; reap zombies; exit with its status.
-h --help            -V --version         -l --license
-v --verbose         more log (repeat)    -s --subreaper  (always, not PID 1)
-g --pgroup          signal PROGRAM's group
-c --single-child    no new group or session
   --setsid          PROGRAM leads a session; TSTP/TTIN/TTOU become STOP
-a --signal-all      signal every descendant
-r --rewrite S:R     forward S as R, 0 drops (repeat)
-e --remap-exit N    exit code N becomes 0 (repeat)
-p --pdeathsig SIG   signal for nanoinit when its parent dies
-w --warn-reap       warn on each reaped orphan
   --grace SECS      at exit TERM the rest, KILL after SECS (3; tini 0)
   --wait            at exit wait for every descendant
-P --pause           no PROGRAM; exit 0 on TERM/INT
Env: NANOINIT_<LONG_OPTION>=VALUE, NANOINIT_VERBOSITY, TINI_SUBREAPER,
TINI_KILL_PROCESS_GROUP, TINI_VERBOSITY, DUMB_INIT_SETSID, DUMB_INIT_DEBUG
Exit: PROGRAM's, 128+N on signal N, 126/127 exec failed, 2 usage, 1 error
Named tini, docker-init or dumb-init it acts like that one.
";

/// `--license`: the notice; the full text is LICENSE in the source.
pub const LICENSE: &str = "nanoinit: MIT License, (c) 2026 the nanoinit authors; no warranty. See LICENSE.\n";
