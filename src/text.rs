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
nanoinit [OPTION]... [--] PROGRAM [ARG]...  Run PROGRAM, forward signals,
reap zombies, exit with PROGRAM's status. Long options: --help --version
--license --verbose --subreaper (no-op: always when not PID 1) and:
-g --pgroup          signal PROGRAM's process group
-c --single-child    no own process group or session
   --setsid          own session, tty; TSTP/TTIN/TTOU sent as STOP
-a --signal-all      signal every descendant
-r --rewrite S:R     send signal S as R; R=0 drops S
-e --remap-exit N    exit code N becomes 0
-p --pdeathsig SIG   signal for nanoinit when its parent dies
-w --warn-reap       warn on each reaped orphan
   --grace SECS      PROGRAM gone: TERM the rest, KILL after SECS (3)
   --wait            PROGRAM gone: wait for every descendant
-P --pause           run no PROGRAM; reap; exit 0 on TERM or INT
-h -V -l -v -s       help, version, license, verbose (repeat), subreaper
Signals: TERM, SIGTERM, 15, RTMIN+3. Env: NANOINIT_<LONG_OPTION>,
NANOINIT_VERBOSITY, TINI_SUBREAPER, TINI_KILL_PROCESS_GROUP,
TINI_VERBOSITY, DUMB_INIT_SETSID, DUMB_INIT_DEBUG. Named tini, docker-init
or dumb-init: their defaults. Exit: PROGRAM's, 128+signal, 126/127 cannot
run/not found, 2 usage, 1 internal.
";

/// `--license`: the notice; the full text is LICENSE in the source.
pub const LICENSE: &str = "nanoinit: MIT License, (c) 2026 the nanoinit authors; no warranty. See LICENSE.\n";
