//! Property tests over the pure library: the parsers never panic on any bytes,
//! and agree with small reference models written here with std.
mod common;

use nanoinit::config::{self, Action, ErrorKind, Personality, Session, Target};
use nanoinit::line::{Line, LINE_MAX};
use nanoinit::num::{fmt_u32, parse_u32, U32_DIGITS};
use nanoinit::path::{self, PATH_BUF};
use nanoinit::signals;
use nanoinit::status::Ended;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

// ---------------------------------------------------------------- strategies

/// Any bytes, non-UTF-8 included.
fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..max)
}

/// Words the parser has a meaning for, so random argv reaches deep branches.
const TOKENS: &[&str] = &[
    "-",
    "--",
    "-h",
    "-V",
    "-l",
    "-v",
    "-vv",
    "-vvg",
    "-s",
    "-g",
    "-c",
    "-a",
    "-w",
    "-P",
    "-e",
    "-e143",
    "-e0,1,2",
    "-r",
    "-rTERM:0",
    "-p",
    "-pKILL",
    "--help",
    "--version",
    "--license",
    "--verbose",
    "--subreaper",
    "--pgroup",
    "--single-child",
    "--setsid",
    "--signal-all",
    "--warn-reap",
    "--wait",
    "--pause",
    "--grace",
    "--grace=0.5",
    "--grace=",
    "--rewrite",
    "--rewrite=TERM:INT,HUP:0",
    "--remap-exit",
    "--remap-exit=",
    "--pdeathsig",
    "--pdeathsig=",
    "--wait=1",
    "--help=x",
    "--version=1",
    "--nope",
    "-x",
    "-e-1",
    "143",
    "0",
    "256",
    "4294967296",
    "TERM",
    "sigrtmin+3",
    "RTMAX-1",
    "TERM:0",
    "15:RTMAX",
    ":",
    ",",
    "1.5",
    "1.",
    ".5",
    "sh",
    "true",
    "",
];

/// Environment names nanoinit reads, and a few it does not.
fn env_names() -> Vec<&'static str> {
    common::OUR_VARS.iter().copied().chain(["PATH", "HOME", "nanoinit_verbosity", ""]).collect()
}

const ENV_VALUES: &[&str] =
    &["", "0", "1", "2", "99", "true", "FALSE", "yes", "off", "maybe", "TERM:0", "143,0", "1.5", "KILL", "-1"];

fn arg() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => select(TOKENS).prop_map(|t| t.as_bytes().to_vec()),
        2 => bytes(12),
        1 => (select(TOKENS), bytes(4)).prop_map(|(t, b)| [t.as_bytes(), &b].concat()),
        1 => "[-0-9a-zA-Z:,.=+]{0,12}".prop_map(String::into_bytes),
    ]
}

fn env_entry() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => (select(env_names()), select(ENV_VALUES)).prop_map(|(n, v)| format!("{n}={v}").into_bytes()),
        2 => (select(env_names()), bytes(8)).prop_map(|(n, v)| [n.as_bytes(), b"=", &v].concat()),
        1 => bytes(16),
    ]
}

fn argv0() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        select(&["nanoinit", "/sbin/tini", "docker-init", "/usr/bin/dumb-init", "tini-static", "", "/"][..])
            .prop_map(|s| s.as_bytes().to_vec()),
        bytes(10),
    ]
}

// ---------------------------------------------------------------- reference models

/// `str::parse::<u32>` restricted to what nanoinit calls a number: digits only.
fn ref_u32(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse::<u32>().ok()
}

/// `--grace` takes whole seconds, in milliseconds (as `docker stop -t`).
fn ref_grace_ms(s: &[u8]) -> Option<u32> {
    ref_u32(s)?.checked_mul(1000)
}

const REF_NAMES: [&str; 31] = [
    "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM",
    "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO",
    "PWR", "SYS",
];

/// Signal specs as documented: number 1..=64 (0 when allowed), NAME, SIGNAME,
/// RTMIN[+n], RTMAX[-n] within 34..=64, any case.
fn ref_signal(spec: &[u8], allow_zero: bool) -> Option<u8> {
    if let Some(n) = ref_u32(spec) {
        return match n {
            0 if allow_zero => Some(0),
            1..=64 => Some(n as u8),
            _ => None,
        };
    }
    let up = spec.to_ascii_uppercase();
    let body = up.strip_prefix(b"SIG").unwrap_or(&up);
    if let Some(i) = REF_NAMES.iter().position(|n| n.as_bytes() == body) {
        return Some(i as u8 + 1);
    }
    let rt = |name: &[u8], op: u8, base: i64, dir: i64| -> Option<u8> {
        let rest = body.strip_prefix(name)?;
        if rest.is_empty() {
            return Some(base as u8);
        }
        let digits = rest.strip_prefix(&[op])?;
        let n = i64::from(ref_u32(digits)?);
        let s = base + dir * n;
        (34..=64).contains(&s).then_some(s as u8)
    };
    rt(b"RTMIN", b'+', 34, 1).or_else(|| rt(b"RTMAX", b'-', 64, -1))
}

/// The full name `Line::sig` writes, without the newline.
fn line_sig(sig: u8) -> Vec<u8> {
    let mut l = Line::default();
    let out = l.sig(sig).finish();
    out[..out.len() - 1].to_vec()
}

/// Flips the case of the letters selected by `mask`.
fn mix_case(s: &[u8], mask: u64) -> Vec<u8> {
    s.iter()
        .enumerate()
        .map(|(i, &b)| if mask >> (i % 64) & 1 == 1 { b.to_ascii_lowercase() } else { b.to_ascii_uppercase() })
        .collect()
}

// ---------------------------------------------------------------- config

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Any argv and environment, however malformed: a result, never a panic;
    /// an error renders to one line.
    #[test]
    fn parse_never_panics(a0 in argv0(), args in vec(arg(), 0..8), env in vec(env_entry(), 0..6)) {
        let argv: Vec<&[u8]> = std::iter::once(&a0[..]).chain(args.iter().map(Vec::as_slice)).collect();
        let envp: Vec<&[u8]> = env.iter().map(Vec::as_slice).collect();
        match config::parse(argv.iter().copied(), envp.iter().copied()) {
            Ok(Action::Run(cfg)) => {
                if let Some(i) = cfg.program {
                    prop_assert!(i >= 1 && i < argv.len(), "program index {} of {}", i, argv.len());
                }
                prop_assert!(cfg.verbosity <= config::MAX_VERBOSITY);
            }
            Ok(_) => {}
            Err(e) => {
                let mut l = Line::default();
                let out = e.render(&mut l).finish();
                prop_assert!(out.len() <= LINE_MAX);
                prop_assert_eq!(out.last(), Some(&b'\n'));
                // One line whenever the echoed name and value hold no newline
                // (see `error_is_one_line_whatever_the_value` for the rest).
                if !e.name.contains(&b'\n') && !e.value.contains(&b'\n') {
                    prop_assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1);
                }
            }
        }
    }

    /// The error echoes the offending name and value; a newline (or any control
    /// byte) in them must not split the message into several lines.
    #[test]
    fn error_is_one_line_whatever_the_value(value in bytes(12)) {
        let argv: [&[u8]; 4] = [b"nanoinit", b"-e", &value, b"true"];
        if let Err(e) = config::parse(argv, std::iter::empty()) {
            let mut l = Line::default();
            let out = e.render(&mut l).finish();
            prop_assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1, "{:?}", String::from_utf8_lossy(out));
        }
    }

    /// Parsing stops at the first non-option: whatever follows is the program's.
    #[test]
    fn first_word_is_the_program(word in "[a-zA-Z0-9/._][ -~]{0,8}", rest in vec(arg(), 0..6)) {
        let mut argv: Vec<&[u8]> = vec![b"nanoinit", word.as_bytes()];
        argv.extend(rest.iter().map(Vec::as_slice));
        match config::parse(argv.iter().copied(), std::iter::empty()) {
            Ok(Action::Run(cfg)) => prop_assert_eq!(cfg.program, Some(1)),
            other => prop_assert!(false, "{:?}", other),
        }
        // The same after `--`, even for a word that looks like an option.
        let mut argv: Vec<&[u8]> = vec![b"nanoinit", b"-v", b"--"];
        argv.extend(rest.iter().map(Vec::as_slice));
        match config::parse(argv.iter().copied(), std::iter::empty()) {
            Ok(Action::Run(cfg)) if !rest.is_empty() => prop_assert_eq!(cfg.program, Some(3)),
            Err(e) if rest.is_empty() => prop_assert_eq!(e.kind, ErrorKind::NoProgram),
            other => prop_assert!(false, "{:?}", other),
        }
    }
}

/// One option of the modelled subset.
#[derive(Debug, Clone)]
enum Opt {
    Verbose,
    WarnReap,
    Wait,
    All,
    Remap(String),
    Grace(String),
    Rewrite(String, String),
}

fn sig_spec() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u8..=64, any::<u64>(), any::<bool>()).prop_map(|(s, m, strip)| {
            let n = line_sig(s);
            let n = if strip { n.strip_prefix(b"SIG").unwrap_or(&n).to_vec() } else { n };
            String::from_utf8(mix_case(&n, m)).unwrap()
        }),
        (0u32..80).prop_map(|n| n.to_string()),
        select(&["", "FOO", "SIG", "RTMIN+31", "RTMAX-31", "RTMIN-1", "iot", "cld", "+1", " 1", "1x", "0015"][..])
            .prop_map(str::to_string),
    ]
}

fn model_opt() -> impl Strategy<Value = Opt> {
    prop_oneof![
        Just(Opt::Verbose),
        Just(Opt::WarnReap),
        Just(Opt::Wait),
        Just(Opt::All),
        prop_oneof!["[0-9]{1,3}", "[0-9 +x-]{0,4}", "[0-9]{9,12}"].prop_map(Opt::Remap),
        prop_oneof!["[0-9]{1,8}(\\.[0-9]{0,4})?", "[0-9.]{0,6}"].prop_map(Opt::Grace),
        (sig_spec(), sig_spec()).prop_map(|(a, b)| Opt::Rewrite(a, b)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// A modelled subset of options gives exactly the Config (or the first
    /// error) a straightforward reference computes.
    #[test]
    fn options_match_the_model(opts in vec(model_opt(), 0..6), verbosity_env in proptest::option::of("[0-9a-z]{0,11}")) {
        let mut argv: Vec<Vec<u8>> = vec![b"nanoinit".to_vec()];
        for o in &opts {
            match o {
                Opt::Verbose => argv.push(b"-v".to_vec()),
                Opt::WarnReap => argv.push(b"--warn-reap".to_vec()),
                Opt::Wait => argv.push(b"--wait".to_vec()),
                Opt::All => argv.push(b"-a".to_vec()),
                Opt::Remap(v) => argv.extend([b"-e".to_vec(), v.clone().into_bytes()]),
                Opt::Grace(v) => argv.push(format!("--grace={v}").into_bytes()),
                Opt::Rewrite(a, b) => argv.extend([b"--rewrite".to_vec(), format!("{a}:{b}").into_bytes()]),
            }
        }
        argv.push(b"prog".to_vec());
        argv.push(b"-x".to_vec());
        let env: Vec<Vec<u8>> = verbosity_env.iter().map(|v| format!("NANOINIT_VERBOSITY={v}").into_bytes()).collect();
        let got = config::parse(argv.iter().map(Vec::as_slice), env.iter().map(Vec::as_slice));

        // The reference.
        let mut env_verbosity = None;
        if let Some(v) = &verbosity_env {
            match ref_u32(v.as_bytes()) {
                Some(n) => env_verbosity = Some(n.min(4) as u8),
                None => {
                    let e = got.expect_err("bad NANOINIT_VERBOSITY accepted");
                    prop_assert_eq!(e.kind, ErrorKind::BadValue);
                    prop_assert_eq!(e.name, b"NANOINIT_VERBOSITY");
                    return Ok(());
                }
            }
        }
        let (mut v, mut warn, mut wait, mut all) = (0u8, false, false, false);
        let mut remap = Vec::new();
        let mut grace = None;
        let mut rewrites: Vec<(u8, u8)> = Vec::new();
        for o in &opts {
            let bad: Option<(&[u8], Vec<u8>)> = match o {
                Opt::Verbose => { v += 1; None }
                Opt::WarnReap => { warn = true; None }
                Opt::Wait => { wait = true; None }
                Opt::All => { all = true; None }
                Opt::Remap(s) => match ref_u32(s.as_bytes()).filter(|&n| n <= 255) {
                    Some(n) => { remap.push(n as u8); None }
                    None => Some((b"e", s.clone().into_bytes())),
                },
                Opt::Grace(s) => match ref_grace_ms(s.as_bytes()) {
                    Some(ms) => { grace = Some(ms); None }
                    None => Some((b"grace", s.clone().into_bytes())),
                },
                Opt::Rewrite(a, b) => match (ref_signal(a.as_bytes(), false), ref_signal(b.as_bytes(), true)) {
                    (Some(f), Some(t)) if !b.contains(':') => { rewrites.push((f, t)); None }
                    _ => Some((b"rewrite", format!("{a}:{b}").into_bytes())),
                },
            };
            if let Some((name, value)) = bad {
                let e = got.expect_err("bad value accepted");
                prop_assert_eq!(e.kind, ErrorKind::BadValue);
                prop_assert_eq!(e.name, name);
                prop_assert_eq!(e.value, &value[..]);
                return Ok(());
            }
        }
        let cfg = match got {
            Ok(Action::Run(cfg)) => cfg,
            other => { prop_assert!(false, "expected Run, got {:?}", other); unreachable!() }
        };
        prop_assert_eq!(cfg.personality, Personality::Nanoinit);
        prop_assert_eq!(cfg.program, Some(argv.len() - 2));
        let want_v = if v > 0 { (1 + v).min(4) } else { env_verbosity.unwrap_or(1) };
        prop_assert_eq!(cfg.verbosity, want_v);
        prop_assert_eq!(cfg.warn_reap, warn);
        prop_assert_eq!(cfg.wait_all, wait);
        prop_assert_eq!(cfg.target, if all { Target::All } else { Target::Child });
        prop_assert_eq!(cfg.session, Session::Group);
        prop_assert_eq!(cfg.grace_ms, grace.unwrap_or(config::DEFAULT_GRACE_MS));
        for code in 0..=255u8 {
            prop_assert_eq!(cfg.remap.contains(code), remap.contains(&code), "code {}", code);
        }
        for sig in 1..=64u8 {
            let want = rewrites.iter().rev().find(|r| r.0 == sig).map_or(sig, |r| r.1);
            prop_assert_eq!(cfg.rewrite.map(sig), want, "signal {}", sig);
        }
    }
}

// ---------------------------------------------------------------- numbers

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn u32_matches_std_on_digits(s in "[0-9]{1,12}") {
        prop_assert_eq!(parse_u32(s.as_bytes()), s.parse::<u32>().ok());
    }

    #[test]
    fn u32_refuses_all_but_digits(s in bytes(14)) {
        prop_assert_eq!(parse_u32(&s), ref_u32(&s));
    }

    #[test]
    fn u32_round_trips(n in any::<u32>()) {
        let mut d = [0u8; U32_DIGITS];
        let text = fmt_u32(n, &mut d);
        let want = n.to_string();
        prop_assert_eq!(text, want.as_bytes());
        prop_assert_eq!(parse_u32(text), Some(n));
    }
}

// ---------------------------------------------------------------- signals

/// Every signal's printed name parses back: as printed, lower case, any mixed
/// case, and without its `SIG` prefix; and so does its number.
#[test]
fn every_signal_name_round_trips() {
    for sig in 1..=64u8 {
        let name = line_sig(sig);
        assert_eq!(signals::parse(&name, false), Ok(sig), "{}", String::from_utf8_lossy(&name));
        assert_eq!(signals::parse(&name.to_ascii_lowercase(), false), Ok(sig));
        if let Some(short) = name.strip_prefix(b"SIG") {
            assert_eq!(signals::parse(short, false), Ok(sig));
            assert_eq!(signals::parse(&short.to_ascii_lowercase(), true), Ok(sig));
        } else {
            // 32 and 33 have no name (glibc and musl reserve them): printed as numbers.
            assert!(sig == 32 || sig == 33, "{sig} printed without a name");
        }
        assert_eq!(signals::parse(sig.to_string().as_bytes(), false), Ok(sig));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn signal_names_any_case(sig in 1u8..=64, mask in any::<u64>(), strip in any::<bool>()) {
        let name = line_sig(sig);
        let name = if strip { name.strip_prefix(b"SIG").map(<[u8]>::to_vec).unwrap_or(name) } else { name };
        prop_assert_eq!(signals::parse(&mix_case(&name, mask), false), Ok(sig));
    }

    #[test]
    fn signal_specs_match_the_model(spec in prop_oneof![sig_spec().prop_map(String::into_bytes), bytes(10), "(SIG)?(RTM(IN|AX))?[+-]?[0-9]{0,4}".prop_map(String::into_bytes)], zero in any::<bool>()) {
        let got = signals::parse(&spec, zero).ok();
        prop_assert_eq!(got, ref_signal(&spec, zero), "{:?}", String::from_utf8_lossy(&spec));
        if let Some(s) = got {
            prop_assert!(s <= 64 && (s > 0 || zero));
        }
    }
}

// ---------------------------------------------------------------- PATH

fn dir_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        vec(select(&b"ab/."[..]), 0..40),
        // Around the buffer's edge.
        (PATH_BUF - 40..PATH_BUF + 10, any::<bool>()).prop_map(|(n, slash)| {
            let mut d = vec![b'd'; n];
            if slash && n > 0 {
                d[n - 1] = b'/';
            }
            d
        }),
        bytes(64),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// `join` writes `dir[/]prog\0` exactly when it fits in PATH_BUF, and never
    /// touches a byte past what it returns (a path that does not fit may leave
    /// scratch in the buffer, which the caller discards).
    #[test]
    fn join_matches_concatenation(dir in dir_strategy(), prog in prop_oneof![bytes(12), vec(Just(b'p'), 0..60)], fill in any::<u8>()) {
        let mut buf = [fill; PATH_BUF];
        let mut want = dir.clone();
        if !dir.is_empty() && !dir.ends_with(b"/") {
            want.push(b'/');
        }
        want.extend_from_slice(&prog);
        want.push(0);
        let got = path::join(&dir, &prog, &mut buf).map(<[u8]>::to_vec);
        if want.len() <= PATH_BUF {
            prop_assert_eq!(got.as_deref(), Some(&want[..]));
            prop_assert!(buf[want.len()..].iter().all(|&b| b == fill), "wrote past the result");
        } else {
            prop_assert_eq!(got, None);
        }
    }

    #[test]
    fn dirs_is_split_on_colons(p in prop_oneof![bytes(40), vec(select(&b":/a"[..]), 0..20)]) {
        let got: Vec<&[u8]> = path::dirs(&p).collect();
        let want: Vec<&[u8]> = p.split(|&b| b == b':').collect();
        prop_assert_eq!(got, want);
        prop_assert_eq!(path::is_explicit(&p), p.contains(&b'/'));
    }
}

// ---------------------------------------------------------------- wait status

/// Every status the kernel produces for wait4 (exit, signal ± core, stop,
/// continue): nanoinit decodes it exactly as the libc macros do, and never
/// calls a stop or a continue an end.
#[test]
fn wait_status_agrees_with_libc_everywhere_defined() {
    let mut statuses: Vec<i32> = Vec::new();
    statuses.extend((0..=255).map(|c| c << 8)); // exited
    for sig in 1..=0x7e {
        statuses.push(sig); // killed
        statuses.push(sig | 0x80); // killed, core dumped
    }
    for sig in 1..=64 {
        statuses.push(sig << 8 | 0x7f); // stopped
        statuses.push((sig << 8 | 0x7f) | (1 << 16)); // ptrace event stop
    }
    statuses.push(0xffff); // continued
    for s in statuses {
        check_status(s);
        let ended = Ended::from_wait_status(s as u32);
        if libc::WIFSTOPPED(s) || libc::WIFCONTINUED(s) {
            assert_eq!(ended, None, "{s:#x}");
        } else {
            assert!(ended.is_some(), "{s:#x}");
        }
    }
}

fn check_status(s: i32) {
    let ended = Ended::from_wait_status(s as u32);
    match ended {
        Some(Ended::Exited(c)) => {
            assert!(libc::WIFEXITED(s), "{s:#x}");
            assert_eq!(i32::from(c), libc::WEXITSTATUS(s), "{s:#x}");
        }
        Some(Ended::Signaled { sig, core }) => {
            assert!(libc::WIFSIGNALED(s), "{s:#x}");
            assert_eq!(i32::from(sig), libc::WTERMSIG(s), "{s:#x}");
            assert_eq!(core, libc::WCOREDUMP(s), "{s:#x}");
        }
        None => assert!(!libc::WIFEXITED(s), "{s:#x}"),
    }
    if libc::WIFEXITED(s) {
        assert_eq!(ended, Some(Ended::Exited(libc::WEXITSTATUS(s) as u8)), "{s:#x}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5000))]

    /// On any 32 bits: never a panic, and whatever nanoinit calls an end, libc
    /// calls the same end.
    #[test]
    fn wait_status_never_contradicts_libc(s in any::<i32>()) {
        check_status(s);
        if let Some(e) = Ended::from_wait_status(s as u32) {
            let code = u32::from(e.shell_code());
            prop_assert!(code <= 255);
        }
    }

    /// The byte splitter every parser uses agrees with core's `split`, and
    /// `cut` with `split_once`.
    #[test]
    fn split_and_cut_agree_with_core(buf in prop_oneof![bytes(60), vec(select(&[b':', b'a', b' '][..]), 0..40)], sep in select(&[b':', b' ', 0u8][..])) {
        let ours: Vec<&[u8]> = nanoinit::bytes::split(&buf, sep).collect();
        let core: Vec<&[u8]> = buf.split(|&b| b == sep).collect();
        prop_assert_eq!(ours, core);
        let want = buf.iter().position(|&b| b == sep).map(|i| (&buf[..i], &buf[i + 1..]));
        prop_assert_eq!(nanoinit::bytes::cut(&buf, sep), want);
    }
}

// ---------------------------------------------------------------- Line

#[derive(Debug, Clone)]
enum F {
    Str(&'static str),
    Bytes(Vec<u8>),
    Num(u32),
    Sig(u8),
}

fn frag() -> impl Strategy<Value = F> {
    prop_oneof![
        select(&["", "nanoinit: ", "warning: ", "x", "a rather longer piece of text for the line "][..])
            .prop_map(F::Str),
        prop_oneof![bytes(40), (0usize..700).prop_map(|n| vec![b'z'; n])].prop_map(F::Bytes),
        any::<u32>().prop_map(F::Num),
        any::<u8>().prop_map(F::Sig),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// A line is its fragments concatenated, cut at LINE_MAX - 1 bytes, plus one
    /// newline; never longer.
    #[test]
    fn line_is_bounded_and_ends_in_newline(frags in vec(frag(), 0..12)) {
        let mut want = Vec::new();
        for f in &frags {
            match f {
                F::Str(s) => want.extend_from_slice(s.as_bytes()),
                F::Bytes(b) => want.extend_from_slice(b),
                F::Num(n) => want.extend_from_slice(n.to_string().as_bytes()),
                F::Sig(s) => want.extend_from_slice(&match signals::name(*s) {
                    (b"", _) => s.to_string().into_bytes(),
                    (n, 0) => [&b"SIG"[..], n].concat(),
                    (n, k) => [&b"SIG"[..], n, b"+", k.to_string().as_bytes()].concat(),
                }),
            }
        }
        want.truncate(LINE_MAX - 1);
        want.push(b'\n');
        let mut l = Line::default();
        for f in &frags {
            match f {
                F::Str(s) => l.str(s),
                F::Bytes(b) => l.push(b),
                F::Num(n) => l.num(*n),
                F::Sig(s) => l.sig(*s),
            };
        }
        let out = l.finish();
        prop_assert!(out.len() <= LINE_MAX);
        prop_assert_eq!(out.last(), Some(&b'\n'));
        prop_assert_eq!(out, &want[..]);
        // Finishing twice is the same line.
        let again = l.finish().to_vec();
        prop_assert_eq!(again, want);
    }
}
