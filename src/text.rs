//! Fixed texts: version lines, the usage hint, license (`--help` is in `help`).

/// `nanoinit --version`.
pub const VERSION_LINE: &str = concat!("nanoinit ", env!("CARGO_PKG_VERSION"), " (git ", env!("NANOINIT_GIT"), ")\n");
/// `tini --version`, in the form `docker info` parses.
pub const VERSION_LINE_TINI: &str =
    concat!("tini version ", env!("CARGO_PKG_VERSION"), " - git.", env!("NANOINIT_GIT"), "\n");

/// The one-line hint after a usage error.
pub const USAGE_HINT: &str = "Try 'nanoinit --help'.\n";

/// `--license`: the notice; the full text is LICENSE in the source.
pub const LICENSE: &str = "nanoinit: MIT License. See LICENSE.
";
