//! `--help` against the parser: every option and variable the parser accepts
//! is described, every one the help names is accepted, and the defaults it
//! states are the ones the running personality has. So the two cannot drift.

mod common;

use common::*;
use nanoinit::config::{self, Action, Config, Personality, Session, Target};
use nanoinit::help;
use nanoinit::signals::{SIGTTIN, SIGTTOU};

/// Every name nanoinit answers to, with the personality it picks.
const NAMES: [(&str, Personality); 5] = [
    ("nanoinit", Personality::Nanoinit),
    ("tini", Personality::Tini),
    ("tini-static", Personality::Tini),
    ("docker-init", Personality::Tini),
    ("dumb-init", Personality::DumbInit),
];
/// One name per personality.
const EACH: [&str; 3] = ["nanoinit", "tini", "dumb-init"];
/// Where option descriptions start (0-based column).
const DESCRIPTION_COLUMN: usize = 24;

fn personality(name: &str) -> Personality {
    NAMES.iter().find(|(n, _)| *n == name).unwrap().1
}

/// The help as the library renders it for `name`.
fn help_of(name: &str) -> String {
    let mut buf = [0; help::TEMPLATE_LEN];
    String::from_utf8(help::render(personality(name), &mut buf).to_vec()).unwrap()
}

/// The config `name PROGRAM` runs with, under `env`.
fn config_of(name: &str, env: &[&str]) -> Config {
    let argv = [name, "prog"];
    match config::parse(argv.iter().map(|a| a.as_bytes()), env.iter().map(|e| e.as_bytes())) {
        Ok(Action::Run(c)) => c,
        other => panic!("{name} {env:?}: {other:?}"),
    }
}

/// The option lines of a help: `(option column, description)`, continuation
/// lines joined to their option.
fn option_lines(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let (opt, desc) = line.split_at(DESCRIPTION_COLUMN.min(line.len()));
        let is_option = line.starts_with("  -") || line.starts_with("      --");
        if is_option {
            out.push((opt.trim_end().to_string(), desc.to_string()));
        } else if opt.trim().is_empty() && !desc.is_empty() {
            if let Some(last) = out.last_mut() {
                last.1 = format!("{} {desc}", last.1);
            }
        }
    }
    out
}

#[test]
fn the_binary_prints_it_in_one_piece_for_every_name() {
    let dir = TempDir::new("help");
    for (name, _) in NAMES {
        let exe = dir.personality(name);
        for flag in ["-h", "--help"] {
            let o = Init::start(command_as(Mode::Subreaper, &exe, &[flag]), Mode::Subreaper).wait();
            assert_eq!((o.code, o.stderr.as_str()), (0, ""), "{name} {flag}");
            assert_eq!(o.stdout, help_of(name), "{name} {flag}");
            let lines = o.stdout.lines().count();
            assert!(lines <= 40, "{name}: {lines} lines");
            assert!(o.stdout.lines().all(|l| l.len() <= 80 && l.is_ascii()), "{name}");
        }
    }
}

#[test]
fn every_option_the_parser_accepts_is_described() {
    for name in EACH {
        let lines = option_lines(&help_of(name));
        for (short, long, takes_value) in config::options() {
            let long = std::str::from_utf8(long).unwrap();
            let want = match short {
                b' ' => format!("      --{long}"),
                c => format!("  -{}, --{long}", c as char),
            };
            let (opt, desc) = lines
                .iter()
                .find(|(o, _)| o == &want || o.starts_with(&format!("{want} ")))
                .unwrap_or_else(|| panic!("{name}: no line for {want}"));
            // A value is shown by its syntax, in capitals: SECS, SIG, S:R,..
            let value = opt.strip_prefix(&want).unwrap().trim();
            assert_eq!(!value.is_empty(), takes_value, "{name}: {want} value syntax '{value}'");
            assert!(value.chars().all(|c| !c.is_ascii_lowercase()), "{name}: {want} value '{value}'");
            assert!(desc.split_whitespace().count() >= 3, "{name}: {want} described as '{desc}'");
        }
    }
}

#[test]
fn every_option_the_help_names_is_accepted() {
    let known: Vec<(u8, String)> =
        config::options().map(|(s, l, _)| (s, String::from_utf8(l.to_vec()).unwrap())).collect();
    for name in EACH {
        let lines = option_lines(&help_of(name));
        assert_eq!(lines.len(), known.len(), "{name}: one line per option");
        for (opt, _) in lines {
            let mut words = opt.split_whitespace();
            let first = words.next().unwrap();
            let (short, long) = match first.strip_suffix(',') {
                Some(s) => (s.as_bytes()[1], words.next().unwrap()),
                None => (b' ', first),
            };
            let long = long.strip_prefix("--").unwrap();
            assert!(known.contains(&(short, long.to_string())), "{name}: '{opt}' is no option");
        }
    }
}

/// Each personality lists its peer's variables and nanoinit's; the nanoinit
/// one points to the others.
#[test]
fn every_variable_the_parser_reads_is_named() {
    for name in EACH {
        let text = help_of(name);
        assert!(text.contains("NANOINIT_<LONG>"), "{name}");
        for var in config::variables() {
            let var = std::str::from_utf8(var).unwrap();
            let peer = var.split('_').next().unwrap();
            let shown = match (personality(name), peer) {
                (_, "NANOINIT") => true,
                (Personality::Tini, "TINI") | (Personality::DumbInit, "DUMB") => true,
                (Personality::Nanoinit, "TINI") => text.contains("TINI_*"),
                (Personality::Nanoinit, "DUMB") => text.contains("DUMB_INIT_*"),
                _ => continue,
            };
            let described = text.lines().any(|l| l.trim_start().starts_with(var));
            assert!(shown && (described || personality(name) == Personality::Nanoinit), "{name}: {var}");
        }
    }
}

/// Every `NAME=VALUE` example in the help is read: it changes the config.
#[test]
fn every_variable_example_changes_the_config() {
    for name in EACH {
        let text = help_of(name);
        let examples: Vec<&str> = text
            .split_whitespace()
            .filter(|w| w.contains('=') && ["NANOINIT_", "TINI_", "DUMB_INIT_"].iter().any(|p| w.starts_with(p)))
            .filter(|w| !w.ends_with("=N"))
            .collect();
        assert!(examples.len() >= 2, "{name}: {examples:?}");
        for e in examples {
            assert_ne!(config_of(name, &[e]), config_of(name, &[]), "{name}: {e} is not read");
        }
    }
}

/// The defaults the help states are the running personality's.
#[test]
fn stated_defaults_are_the_parsers() {
    for name in EACH {
        let text = help_of(name);
        let c = config_of(name, &[]);
        let options = option_lines(&text);
        let desc = |long: &str| &options.iter().find(|(o, _)| o.contains(&format!("--{long}"))).unwrap().1;

        let grace = desc("grace").split("(default ").nth(1).unwrap();
        let secs: u32 = grace.split(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap();
        assert_eq!(secs * 1000, c.grace_ms, "{name}: --grace");

        let setsid_default = desc("setsid").contains("(default)");
        assert_eq!(setsid_default, c.session == Session::Session, "{name}: --setsid");

        let drops_ttin_ttou = desc("rewrite").contains("(default: TTIN:0,TTOU:0)");
        assert_eq!(drops_ttin_ttou, c.rewrite.map(SIGTTIN) == 0 && c.rewrite.map(SIGTTOU) == 0, "{name}: -r");

        let alone = text.contains("By default PROGRAM has its own process group and signals go to it alone.");
        assert_eq!(alone, c.session == Session::Group && c.target == Target::Child, "{name}");
        let group = text.contains("By default (--setsid) signals go to PROGRAM's process group.");
        assert_eq!(group, c.session == Session::Session && c.target == Target::Group, "{name}");

        assert!(desc("verbose").contains("(default: warnings)"), "{name}");
        assert_eq!(c.verbosity, config::DEFAULT_VERBOSITY, "{name}: warnings are level 1");
        assert!(text.contains("log level 0-4 (default 1: warnings; -v adds 1)"), "{name}");
        assert_eq!(config::MAX_VERBOSITY, 4);
    }
}

/// "empty means off" for every boolean but tini's two.
#[test]
fn an_empty_boolean_is_off() {
    for name in EACH {
        assert!(help_of(name).contains("empty means off"), "{name}");
        assert_eq!(config_of(name, &["NANOINIT_WAIT="]), config_of(name, &[]), "{name}");
        assert!(config_of(name, &["NANOINIT_WAIT=on"]).wait_all, "{name}");
    }
}

/// tini's presence flags: set and empty means on (as in tini); 0 is off.
#[test]
fn tini_presence_flags_are_on_when_empty() {
    assert!(help_of("tini").contains("but on for TINI_SUBREAPER and TINI_KILL_PROCESS_GROUP"));
    assert_eq!(config_of("tini", &["TINI_KILL_PROCESS_GROUP="]).target, Target::Group);
    assert_eq!(config_of("tini", &["TINI_KILL_PROCESS_GROUP=0"]).target, Target::Child);
}
