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
Usage: nanoinit [OPTIONS] [--] PROGRAM [ARGS...]
       nanoinit -P
Run PROGRAM as a child of a minimal init: forward signals, reap zombies,
exit with PROGRAM's status (128+N if signal N killed it).

  -h, --help            this text
  -V, --version         version and git commit
  -l, --license         license
  -v, --verbose         more output on stderr (repeatable)
  -s, --subreaper       accepted for tini; nanoinit is a subreaper whenever not PID 1
  -g, --pgroup          forward signals to the child's process group
  -c, --single-child    no new session or group; signal the child only
      --setsid          child leads a new session (tty as controlling tty);
                        signals go to its group; TSTP/TTIN/TTOU become STOP
  -a, --signal-all      forward signals to every descendant
  -r, --rewrite S:R     forward signal S as R; R=0 drops S (repeatable)
  -e, --remap-exit N    report exit code N as 0 (repeatable, 0-255)
  -p, --pdeathsig SIG   signal nanoinit gets when its parent dies
  -w, --warn-reap       warn about each reaped process other than the child
      --grace SECONDS   when the child exits, TERM the rest, KILL after
                        SECONDS (default 3; tini/dumb-init names: 0 = exit now)
      --wait            when the child exits, wait for every descendant
  -P, --pause           run no program; reap; exit 0 on TERM or INT
Signals: TERM, SIGTERM, 15, RTMIN+3 (any case).
Environment: NANOINIT_VERBOSITY NANOINIT_PGROUP NANOINIT_SETSID
  NANOINIT_SINGLE_CHILD NANOINIT_SIGNAL_ALL NANOINIT_REWRITE=S:R,..
  NANOINIT_REMAP_EXIT=N,.. NANOINIT_PDEATHSIG NANOINIT_WARN_REAP
  NANOINIT_GRACE NANOINIT_WAIT NANOINIT_SUBREAPER, and tini's TINI_SUBREAPER
  TINI_KILL_PROCESS_GROUP TINI_VERBOSITY, dumb-init's DUMB_INIT_SETSID
  DUMB_INIT_DEBUG. Booleans: 1/true/yes/on, 0/false/no/off/empty.
Exit: PROGRAM's code; 128+N; 126 cannot execute; 127 not found;
  2 usage error; 1 internal error.
Named tini or docker-init it takes tini's defaults; dumb-init, dumb-init's.
";

/// `--license`.
pub const LICENSE: &str = "\
MIT License

Copyright (c) 2026 the nanoinit authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the \"Software\"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
";
