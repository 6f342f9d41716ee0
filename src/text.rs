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

/// `--help`: every option; the README explains each.
pub const USAGE: &str = "\
nanoinit [-hVlvswgcaP] [-r S:R] [-e N] [-p SIG] [--setsid] [--grace SECS]
         [--wait] [--] PROGRAM [ARG]...
Runs PROGRAM: forwards signals, reaps zombies, exits with its status.
-h help  -V version  -l license  -v verbose  -s subreaper (always)
-w warn-reap  -g pgroup  -c single-child  -a signal-all  -P pause
-r rewrite S:R (0 drops)  -e remap-exit N (to 0)  -p pdeathsig SIG
--setsid: own session and tty, TSTP/TTIN/TTOU sent as STOP
--grace SECS: TERM the rest, KILL after SECS (default 3)
--wait: wait for every descendant
Long forms: --help --version ... as named. Env: NANOINIT_<LONG_NAME>,
NANOINIT_VERBOSITY, TINI_SUBREAPER, TINI_KILL_PROCESS_GROUP,
TINI_VERBOSITY, DUMB_INIT_SETSID, DUMB_INIT_DEBUG. As tini, docker-init
or dumb-init: their defaults. Exit: PROGRAM's; 128+N on signal N;
126/127 cannot run/not found; 2 usage; 1 internal.
";

/// `--license`: the notice; the full text is LICENSE in the source.
pub const LICENSE: &str = "nanoinit: MIT License, (c) 2026 the nanoinit authors; no warranty. See LICENSE.\n";
