//! Fixed texts: usage, version lines, license.

/// `nanoinit --version`.
pub const VERSION_LINE: &str = concat!("nanoinit ", env!("CARGO_PKG_VERSION"), " (git ", env!("NANOINIT_GIT"), ")\n");
/// `tini --version`, in the form `docker info` parses.
pub const VERSION_LINE_TINI: &str =
    concat!("tini version ", env!("CARGO_PKG_VERSION"), " - git.", env!("NANOINIT_GIT"), "\n");

/// The one-line hint after a usage error.
pub const USAGE_HINT: &str = "Try 'nanoinit --help'.\n";

/// `--help`: every option by name; the README explains each.
pub const USAGE: &str = "\
usage: nanoinit [OPTION]... [--] PROGRAM [ARG]...
-h help -V version -l license -v verbose -s subreaper -w warn-reap -g pgroup
-c single-child -a signal-all -P pause --setsid --wait --grace SECS
-r rewrite S:R -e remap-exit N -p pdeathsig SIG (also --LONG, NANOINIT_LONG)
";

/// `--license`: the notice; the full text is LICENSE in the source.
pub const LICENSE: &str = "nanoinit: MIT License. See LICENSE.
";
