//! Command line and environment → one plain [`Config`]. Pure: no syscalls.
//!
//! Parsing stops at the first non-option (or `--`), so the program's own flags
//! are never taken (tini#55, #132). Precedence: the command line over the
//! environment (where a later variable wins) over the personality's defaults.

use crate::bytes;
use crate::line::Line;
use crate::num;
use crate::signals::{self, Rewrite, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU};
use crate::status::RemapSet;

/// Grace period of nanoinit's own personality: long enough for a clean shutdown of
/// what the main child left behind, shorter than Docker's 10 s and Kubernetes' 30 s.
pub const DEFAULT_GRACE_MS: u32 = 3000;
/// Milliseconds in a second (`--grace` takes whole seconds, as `docker stop -t`).
const MS_PER_S: u32 = 1000;
/// Verbosity when nothing says otherwise: warnings and errors.
pub const DEFAULT_VERBOSITY: u8 = 1;
/// Verbosity `DUMB_INIT_DEBUG` asks for.
const DEBUG_VERBOSITY: u8 = 3;
/// Highest verbosity that changes anything.
pub const MAX_VERBOSITY: u8 = 4;

/// Whose defaults apply, chosen by the base name of `argv[0]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Personality {
    /// Anything else: nanoinit's own defaults.
    Nanoinit,
    /// `tini`, `docker-init`: tini's defaults and `--version` format.
    Tini,
    /// `dumb-init`: setsid mode, job-control rewrites.
    DumbInit,
}

impl Personality {
    /// The personality for an `argv[0]`.
    pub fn from_argv0(argv0: &[u8]) -> Personality {
        let base = argv0.rsplit(|&b| b == b'/').next().unwrap_or(argv0);
        match bytes::word_index(b"tini tini-static docker-init dumb-init", base, false) {
            Some(0..=2) => Personality::Tini,
            Some(_) => Personality::DumbInit,
            None => Personality::Nanoinit,
        }
    }
}

/// How the child is placed relative to nanoinit's session and process group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Session {
    /// Stay in nanoinit's process group (dumb-init `-c`).
    Inherit,
    /// Its own process group, made the tty's foreground group (tini).
    Group,
    /// Its own session, with fd 0 as controlling tty when it is one (dumb-init).
    Session,
}

/// Who a forwarded signal goes to while the main child runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The main child only.
    Child,
    /// The main child's process group.
    Group,
    /// Every descendant (every process of the namespace when PID 1).
    All,
}

/// Everything the init does, decided before it does anything.
#[derive(Debug, Clone)]
pub struct Config {
    /// Whose defaults were used.
    pub personality: Personality,
    /// Index in argv of the program to run; `None` is pause mode (no program;
    /// reap; exit 0 on TERM or INT).
    pub program: Option<usize>,
    /// 0 quiet, 1 warnings, 2 trace of signals and reaps, 3+ debug.
    pub verbosity: u8,
    /// Where the child lives.
    pub session: Session,
    /// Where forwarded signals go.
    pub target: Target,
    /// What each signal becomes before forwarding.
    pub rewrite: Rewrite,
    /// Exit codes reported as 0.
    pub remap: RemapSet,
    /// Signal nanoinit gets when its parent dies (0 = none).
    pub pdeathsig: u8,
    /// Warn about each reaped process that is not the main child.
    pub warn_reap: bool,
    /// After the main child exits: TERM the rest and wait this long before KILL (0 = exit at once).
    pub grace_ms: u32,
    /// After the main child exits, wait for every descendant, however long.
    pub wait_all: bool,
    /// Stop nanoinit itself after forwarding TSTP/TTIN/TTOU (dumb-init's job
    /// control: always as dumb-init, in setsid mode as nanoinit).
    pub job_control: bool,
    /// The flag options in effect, one bit per option (in the order of the
    /// long names); the fields above are derived from it once parsing is done.
    pub flags: u16,
}

/// Two configs are equal when they make nanoinit behave the same: `flags` is
/// bookkeeping (a no-op flag such as `-s` sets a bit and nothing else).
impl PartialEq for Config {
    fn eq(&self, o: &Config) -> bool {
        let behaviour =
            |c: &Config| (c.personality, c.program, c.verbosity, c.session, c.target, c.rewrite, c.remap, c.pdeathsig);
        let policy = |c: &Config| (c.warn_reap, c.grace_ms, c.wait_all, c.job_control);
        behaviour(self) == behaviour(o) && policy(self) == policy(o)
    }
}

impl Eq for Config {}

impl Config {
    /// A personality's defaults, before any option or variable. The fields
    /// derived from `flags` are filled in when [`parse_into`] accepts a run.
    pub fn defaults(personality: Personality) -> Config {
        Config {
            personality,
            program: None,
            verbosity: DEFAULT_VERBOSITY,
            session: Session::Group,
            target: Target::Child,
            rewrite: Rewrite::default(),
            remap: RemapSet::default(),
            pdeathsig: 0,
            warn_reap: false,
            grace_ms: if personality == Personality::Nanoinit { DEFAULT_GRACE_MS } else { 0 },
            wait_all: false,
            job_control: false,
            flags: if personality == Personality::DumbInit { Opt::Setsid.bit() } else { 0 },
        }
    }

    /// Whether flag `o` is on.
    fn has(&self, o: Opt) -> bool {
        self.flags & o.bit() != 0
    }

    /// Derives placement, target and the job-control rewrites from the flags.
    /// Precedence when several are given: single-child over setsid over pgroup.
    fn resolve(&mut self) {
        let pgroup = self.has(Opt::Pgroup);
        let single = self.has(Opt::SingleChild);
        let setsid = self.has(Opt::Setsid) && !single;
        let dumb = self.personality == Personality::DumbInit;
        self.session = match () {
            _ if setsid => Session::Session,
            _ if pgroup => Session::Group,
            _ if single || dumb => Session::Inherit,
            _ => Session::Group,
        };
        self.target = match () {
            _ if self.has(Opt::SignalAll) => Target::All,
            _ if setsid || pgroup => Target::Group,
            _ => Target::Child,
        };
        self.job_control = setsid || dumb;
        self.warn_reap = self.has(Opt::WarnReap);
        self.wait_all = self.has(Opt::Wait);
        // In setsid mode the child's session is orphaned from any job
        // control, so default stop signals would be ignored; SIGSTOP cannot
        // be (dumb-init's rule). tini never forwards TTIN/TTOU. Otherwise the
        // stop signals go as they are, which is every signal's default.
        const _: () = assert!(SIGTTIN == SIGTSTP + 1 && SIGTTOU == SIGTTIN + 1, "one range");
        let (first, to) = match () {
            _ if setsid => (SIGTSTP, SIGSTOP),
            _ if self.personality == Personality::Tini => (SIGTTIN, 0),
            _ => return,
        };
        for s in first..=SIGTTOU {
            self.rewrite.set_default(s, to);
        }
    }

    /// Applies a flag (`on`) or a valued option (`value`). `None` = bad value.
    fn apply(&mut self, opt: Opt, on: bool, value: &[u8]) -> Option<()> {
        match opt {
            Opt::Rewrite => {
                for rule in bytes::split(value, b',') {
                    let (from, to) = bytes::cut(rule, b':')?;
                    let from = signals::parse(from, false).ok()?;
                    self.rewrite.set(from, signals::parse(to, true).ok()?);
                }
            }
            Opt::RemapExit => {
                for code in bytes::split(value, b',') {
                    self.remap.insert(u8::try_from(num::parse_u32(code)?).ok()?);
                }
            }
            Opt::Pdeathsig => self.pdeathsig = signals::parse(value, false).ok()?,
            Opt::Grace => self.grace_ms = num::parse_u32(value)?.checked_mul(MS_PER_S)?,
            Opt::Verbose if on => {
                // Each -v counts up from the default, whatever the environment said.
                if !self.has(Opt::Verbose) {
                    self.verbosity = DEFAULT_VERBOSITY;
                }
                self.verbosity = (self.verbosity + 1).min(MAX_VERBOSITY);
                self.flags |= Opt::Verbose.bit();
            }
            _ if on => {
                // Placement options exclude each other: the later one wins.
                let placement = Opt::Pgroup.bit() | Opt::Setsid.bit();
                self.flags &= !match opt {
                    Opt::SingleChild => placement,
                    Opt::Pgroup | Opt::Setsid => Opt::SingleChild.bit(),
                    _ => 0,
                };
                self.flags |= opt.bit();
            }
            _ => self.flags &= !opt.bit(),
        }
        Some(())
    }

    /// Applies one environment variable, if it is one of ours. `None` = bad value.
    // Chosen by scripts/inline-search.py.
    #[inline]
    fn apply_env(&mut self, name: &[u8], value: &[u8]) -> Option<()> {
        let peer = lookup(ENV_NAMES, &ENV_OPTS, name);
        let Some(opt) = peer.or_else(|| nanoinit_env(name)) else {
            return Some(());
        };
        match opt {
            Opt::Verbose => self.verbosity = num::parse_u32(value)?.min(u32::from(MAX_VERBOSITY)) as u8,
            o if o.takes_value() => self.apply(o, true, value)?,
            o => {
                // TINI_SUBREAPER, TINI_KILL_PROCESS_GROUP, DUMB_INIT_SETSID: their
                // owners test for presence (getenv != NULL), so set but empty is on.
                let on = parse_bool(value, peer.is_some() && o != DUMB_INIT_DEBUG)?;
                if o != DUMB_INIT_DEBUG {
                    self.apply(o, on, value)?;
                } else if on {
                    self.verbosity = DEBUG_VERBOSITY;
                }
            }
        }
        Some(())
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Run (or, in pause mode, just reap).
    Run(Config),
    /// Print usage to stdout, exit 0.
    Help,
    /// Print the version in the personality's format, exit 0.
    Version(Personality),
    /// Print the license, exit 0.
    License,
}

/// What was wrong with the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// An option nobody defines.
    UnknownOption,
    /// An option that takes a value came last.
    MissingValue,
    /// A value that does not parse or is out of range.
    BadValue,
    /// `--flag=value` for a flag that takes none.
    UnexpectedValue,
    /// No program after the options.
    NoProgram,
    /// A program given together with pause mode.
    ProgramInPause,
}

/// A refused command line or environment, naming the option and the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error<'a> {
    /// What went wrong.
    pub kind: ErrorKind,
    /// `-`, `--`, or `` for an environment variable.
    pub dash: &'static str,
    /// The option or variable name as given.
    pub name: &'a [u8],
    /// The value as given, if any.
    pub value: &'a [u8],
}

impl Error<'_> {
    /// Renders the one-line message (without the `nanoinit: ` prefix).
    pub fn render<'l>(&self, l: &'l mut Line) -> &'l mut Line {
        l.template(self.template(), [0, 0], &self.parts())
    }

    /// The message as a [`Line::template`] over [`Error::parts`].
    pub fn template(&self) -> &'static str {
        match self.kind {
            ErrorKind::UnknownOption => crate::msg!("unknown option " {text dashes} {text name}),
            ErrorKind::MissingValue => crate::msg!("missing value for " {text dashes} {text name}),
            ErrorKind::BadValue => crate::msg!("bad value for " {text dashes} {text name} ": '" {text value} "'"),
            ErrorKind::UnexpectedValue => {
                crate::msg!("no value allowed for " {text dashes} {text name} ": '" {text value} "'")
            }
            ErrorKind::NoProgram => "no program given",
            ErrorKind::ProgramInPause => crate::msg!("-P runs no program: '" {text program} {text more} "'"),
        }
    }

    /// The dash, the name and the value, for [`Error::template`].
    // Chosen by scripts/inline-search.py.
    #[inline]
    pub fn parts(&self) -> [&[u8]; 3] {
        [self.dash.as_bytes(), self.name, self.value]
    }
}

/// The options, each with its short letter (0 = none) and long name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opt {
    Help,
    Version,
    License,
    Verbose,
    Subreaper,
    Pgroup,
    SingleChild,
    Setsid,
    Rewrite,
    RemapExit,
    Pdeathsig,
    WarnReap,
    Grace,
    Wait,
    SignalAll,
    Pause,
}

/// Every option, in the order of `LONG` and `SHORT`.
const ALL: [Opt; 16] = [
    Opt::Help,
    Opt::Version,
    Opt::License,
    Opt::Verbose,
    Opt::Subreaper,
    Opt::Pgroup,
    Opt::SingleChild,
    Opt::Setsid,
    Opt::Rewrite,
    Opt::RemapExit,
    Opt::Pdeathsig,
    Opt::WarnReap,
    Opt::Grace,
    Opt::Wait,
    Opt::SignalAll,
    Opt::Pause,
];
/// Long names in `ALL` order, space-separated (one string, not a pointer table).
const LONG: &[u8] = b"help version license verbose subreaper pgroup single-child setsid rewrite \
remap-exit pdeathsig warn-reap grace wait signal-all pause";
/// Short letters in `ALL` order; a space means none.
const SHORT: &[u8; 16] = b"hVlvsgc repw  aP";

/// The peers' environment variables and `NANOINIT_VERBOSITY`, in `ENV_OPTS`
/// order; every other option is `NANOINIT_<LONG_NAME>` (`-` as `_`).
const ENV_NAMES: &[u8] = b"TINI_SUBREAPER TINI_KILL_PROCESS_GROUP TINI_VERBOSITY DUMB_INIT_SETSID \
DUMB_INIT_DEBUG NANOINIT_VERBOSITY";
const ENV_OPTS: [Opt; 6] = [Opt::Subreaper, Opt::Pgroup, Opt::Verbose, Opt::Setsid, DUMB_INIT_DEBUG, Opt::Verbose];
/// `DUMB_INIT_DEBUG`, a boolean meaning "debug verbosity", has no option of its
/// own; it borrows `Help`'s slot, which no variable can mean otherwise.
const DUMB_INIT_DEBUG: Opt = Opt::Help;
/// Longest `NANOINIT_*` suffix worth comparing (`SINGLE_CHILD`, `REMAP_EXIT`, …).
const ENV_SUFFIX_MAX: usize = 16;

/// The option `NANOINIT_<SUFFIX>` sets, if any (not help, version or license).
fn nanoinit_env(name: &[u8]) -> Option<Opt> {
    let suffix = bytes::strip(name, b"NANOINIT_", false)?;
    let mut long = [0u8; ENV_SUFFIX_MAX];
    let long = long.get_mut(..suffix.len())?;
    for (d, &s) in long.iter_mut().zip(suffix) {
        *d = if s == b'_' { b'-' } else { s.to_ascii_lowercase() };
    }
    lookup(LONG, &ALL, long).filter(|o| !matches!(o, Opt::Help | Opt::Version | Opt::License))
}

impl Opt {
    /// The option's bit in `Config::flags`.
    fn bit(self) -> u16 {
        1 << self as u16
    }
    /// Whether the option takes a value.
    // Chosen by scripts/inline-search.py.
    #[inline(never)]
    fn takes_value(self) -> bool {
        matches!(self, Opt::Rewrite | Opt::RemapExit | Opt::Pdeathsig | Opt::Grace)
    }
}

/// The entry of `opts` whose word in `names` is `name`.
// Chosen by scripts/inline-search.py.
#[inline(always)]
fn lookup(names: &'static [u8], opts: &[Opt], name: &[u8]) -> Option<Opt> {
    opts.get(bytes::word_index(names, name, false)?).copied()
}

/// Parses a boolean environment value: `1 true yes on` / `0 false no off`;
/// the empty string means `empty`.
// Chosen by scripts/inline-search.py.
#[inline(always)]
fn parse_bool(v: &[u8], empty: bool) -> Option<bool> {
    if v.is_empty() {
        Some(empty)
    } else if bytes::word_index(b"1 true yes on", v, true).is_some() {
        Some(true)
    } else if bytes::word_index(b"0 false no off", v, true).is_some() {
        Some(false)
    } else {
        None
    }
}

/// Parses `argv` (all of it, `argv[0]` included) and the environment.
pub fn parse<'a, A, E>(argv: A, env: E) -> Result<Action, Error<'a>>
where
    A: IntoIterator<Item = &'a [u8]>,
    E: IntoIterator<Item = &'a [u8]>,
{
    let mut argv = argv.into_iter();
    let personality = Personality::from_argv0(argv.next().unwrap_or(b""));
    let mut cfg = Config::defaults(personality);
    match parse_into(&mut cfg, argv, env)? {
        Parsed::Run => Ok(Action::Run(cfg)),
        Parsed::Help => Ok(Action::Help),
        Parsed::Version => Ok(Action::Version(personality)),
        Parsed::License => Ok(Action::License),
    }
}

/// What [`parse_into`] found, without the config it filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parsed {
    /// Run with the config.
    Run,
    /// `--help`.
    Help,
    /// `--version`.
    Version,
    /// `--license`.
    License,
}

/// Parses the arguments after `argv[0]` and the environment into `cfg`, which
/// holds the personality's defaults ([`Config::defaults`]).
// Chosen by scripts/inline-search.py.
#[inline(always)]
pub fn parse_into<'a, A, E>(cfg: &mut Config, argv: A, env: E) -> Result<Parsed, Error<'a>>
where
    A: IntoIterator<Item = &'a [u8]>,
    E: IntoIterator<Item = &'a [u8]>,
{
    let mut args = argv.into_iter();
    for entry in env {
        let Some((name, value)) = bytes::cut(entry, b'=') else { continue };
        if cfg.apply_env(name, value).is_none() {
            return Err(Error { kind: ErrorKind::BadValue, dash: "", name, value });
        }
    }
    // Every error leaves through `err`, filled in where it is found.
    let mut err = Error { kind: ErrorKind::NoProgram, dash: "", name: b"", value: b"" };
    let mut index = 0usize;
    let program = 'args: loop {
        let Some(arg) = args.next() else { break None };
        index += 1;
        let (dash, mut rest) = match arg {
            b"--" => break args.next().map(|p| (index + 1, p)),
            [b'-', b'-', r @ ..] => ("--", r),
            [b'-', r @ ..] if !r.is_empty() => ("-", r),
            _ => break Some((index, arg)),
        };
        err.dash = dash;
        // One `--long[=value]`, or each letter of a cluster like `-vvg` / `-e143`.
        while let Some((&c, tail)) = rest.split_first() {
            let (opt, inline) = if dash.len() == 2 {
                let (name, inline) = match bytes::cut(rest, b'=') {
                    Some((n, v)) => (n, Some(v)),
                    None => (rest, None),
                };
                err.name = name;
                rest = &[];
                (lookup(LONG, &ALL, name), inline)
            } else {
                err.name = rest.get(..1).unwrap_or(rest);
                rest = tail;
                let i = SHORT.iter().position(|&s| s == c && c != b' ');
                let opt = i.and_then(|i| ALL.get(i)).copied();
                let takes = opt.is_some_and(Opt::takes_value);
                (opt, (takes && !rest.is_empty()).then(|| core::mem::take(&mut rest)))
            };
            let Some(opt) = opt else {
                err.kind = ErrorKind::UnknownOption;
                break 'args None;
            };
            let value = match (opt.takes_value(), inline) {
                (true, Some(v)) => v,
                (true, None) => {
                    index += 1;
                    let Some(v) = args.next() else {
                        err.kind = ErrorKind::MissingValue;
                        break 'args None;
                    };
                    v
                }
                (false, Some(v)) => {
                    err.kind = ErrorKind::UnexpectedValue;
                    err.value = v;
                    break 'args None;
                }
                (false, None) => b"",
            };
            match opt {
                Opt::Help => return Ok(Parsed::Help),
                Opt::Version => return Ok(Parsed::Version),
                Opt::License => return Ok(Parsed::License),
                _ => {}
            }
            if cfg.apply(opt, true, value).is_none() {
                err.kind = ErrorKind::BadValue;
                err.value = value;
                break 'args None;
            }
        }
    };
    match program {
        _ if err.kind != ErrorKind::NoProgram => {}
        Some((_, name)) if cfg.has(Opt::Pause) => {
            err = Error { kind: ErrorKind::ProgramInPause, dash: "", name, value: b"" };
        }
        None if !cfg.has(Opt::Pause) => err.dash = "",
        _ => {
            cfg.program = program.map(|(i, _)| i);
            cfg.resolve();
            return Ok(Parsed::Run);
        }
    }
    Err(err)
}

/// Every option the parser accepts: its short letter (a space when it has
/// none), its long name, and whether it takes a value. For the help's tests.
pub fn options() -> impl Iterator<Item = (u8, &'static [u8], bool)> {
    SHORT.iter().zip(bytes::split(LONG, b' ')).zip(ALL).map(|((&short, long), o)| (short, long, o.takes_value()))
}

/// The variables the parser reads besides `NANOINIT_<LONG>`. For the help's tests.
pub fn variables() -> impl Iterator<Item = &'static [u8]> {
    bytes::split(ENV_NAMES, b' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The short letters, long names and `ALL` are three parallel tables; a
    /// shifted letter once made `-a` mean `--grace`.
    #[test]
    fn short_letters_line_up_with_long_names() {
        let pairs = [
            (b'h', "help"),
            (b'V', "version"),
            (b'l', "license"),
            (b'v', "verbose"),
            (b's', "subreaper"),
            (b'g', "pgroup"),
            (b'c', "single-child"),
            (b'r', "rewrite"),
            (b'e', "remap-exit"),
            (b'p', "pdeathsig"),
            (b'w', "warn-reap"),
            (b'a', "signal-all"),
            (b'P', "pause"),
        ];
        for (c, long) in pairs {
            let i = SHORT.iter().position(|&s| s == c).unwrap();
            assert_eq!(lookup(LONG, &ALL, long.as_bytes()), ALL.get(i).copied(), "-{}", c as char);
        }
        assert_eq!(crate::bytes::split(LONG, b' ').count(), ALL.len());
    }
}
