//! The supervisor's decisions (`nanoinit::policy`) on the host: one test per
//! phase change, and properties over random event sequences. No process is
//! started here; the recording sink stands in for the binary.
use nanoinit::config::{self, Action, Config};
use nanoinit::policy::{Event, Level, Phase, Policy, Sink, To, KILL_WAIT_MS, SI_KERNEL, SI_USER, WAIT_RETRY_MS};
use nanoinit::signals::*;
use nanoinit::status::Ended;
use proptest::prelude::*;

/// `si_code` of sigqueue(3): anyone may claim any pid with it.
const SI_QUEUE: i32 = -1;
/// `si_code` of tgkill(2).
const SI_TKILL: i32 = -6;
/// nanoinit's pid in the tests where it is not PID 1.
const ME: u32 = 500;
const MAIN: u32 = 501;
const OTHER: u32 = 777;
const SIGUSR1: u8 = 10;
const SIGPIPE: u8 = 13;

/// What the policy asked for, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Did {
    Send(To, u8),
    Arm(u32),
    Stop,
    Note(Level, &'static str, u32),
    Reaped(Level, u32, Ended, bool),
    Exit(u8, &'static str),
}

#[derive(Default)]
struct Rec(Vec<Did>);

impl Sink for Rec {
    fn send(&mut self, to: To, sig: u8) {
        self.0.push(Did::Send(to, sig));
    }
    fn arm(&mut self, ms: u32) -> bool {
        self.0.push(Did::Arm(ms));
        true
    }
    fn stop_self(&mut self) {
        self.0.push(Did::Stop);
    }
    fn note(&mut self, level: Level, msg: &'static str, arg: u32) {
        self.0.push(Did::Note(level, msg, arg));
    }
    fn reaped(&mut self, level: Level, pid: u32, ended: Ended, main: bool) {
        self.0.push(Did::Reaped(level, pid, ended, main));
    }
    fn exit(&mut self, code: u8, why: &'static str) {
        self.0.push(Did::Exit(code, why));
    }
}

/// The config for `argv` (argv[0] included; a program unless `-P`).
fn cfg(argv: &[&str]) -> Config {
    match config::parse(argv.iter().map(|s| s.as_bytes()), std::iter::empty()) {
        Ok(Action::Run(c)) => c,
        other => panic!("{argv:?}: {other:?}"),
    }
}

/// Feeds `events` to a fresh policy (nanoinit `me`, main child [`MAIN`]
/// unless pause mode) and returns what it asked for after each.
fn run(c: &Config, me: u32, events: &[Event]) -> (Vec<Vec<Did>>, Phase) {
    let main = c.program.map(|_| MAIN);
    let mut p = Policy::new(c, me, main);
    let did = events
        .iter()
        .map(|&e| {
            let mut r = Rec::default();
            p.on(e, &mut r);
            r.0
        })
        .collect();
    (did, p.phase())
}

/// Everything asked for, flat.
fn all(events: &[Event], c: &Config) -> Vec<Did> {
    run(c, ME, events).0.concat()
}

fn sig(signo: u8, pid: u32, code: i32) -> Event {
    Event::Signal { signo, pid, code }
}
fn from_outside(signo: u8) -> Event {
    sig(signo, 0, SI_USER)
}
fn exited(pid: u32, code: u8) -> Event {
    Event::Exited { pid, ended: Ended::Exited(code) }
}
const DEADLINE: Event = Event::Signal { signo: SIGALRM, pid: 0, code: SI_KERNEL };
const NONE_LEFT: Event = Event::Drained { left: false };
const SOME_LEFT: Event = Event::Drained { left: true };

fn reaped_main(code: u8) -> Did {
    Did::Reaped(Level::Info, MAIN, Ended::Exited(code), true)
}

// ---------------------------------------------------------------- phases

#[test]
fn main_child_alone_exits_with_its_code() {
    let c = cfg(&["nanoinit", "sh"]);
    let (did, phase) = run(&c, ME, &[exited(MAIN, 7), NONE_LEFT]);
    assert_eq!(did, [vec![reaped_main(7)], vec![Did::Exit(7, "main child exited")]]);
    assert_eq!(phase, Phase::Done);
    let killed = Event::Exited { pid: MAIN, ended: Ended::Signaled { sig: 9, core: false } };
    assert_eq!(all(&[killed, NONE_LEFT], &c).last(), Some(&Did::Exit(137, "main child exited")));
}

#[test]
fn remapped_code_is_the_exit_code() {
    let c = cfg(&["tini", "-e", "7", "sh"]);
    assert_eq!(all(&[exited(MAIN, 7), NONE_LEFT], &c).last(), Some(&Did::Exit(0, "main child exited")));
}

#[test]
fn running_until_the_main_child_is_reaped() {
    let c = cfg(&["nanoinit", "sh"]);
    let (did, phase) = run(&c, ME, &[exited(OTHER, 1), SOME_LEFT, NONE_LEFT, DEADLINE]);
    assert_eq!(did[0], [Did::Reaped(Level::Info, OTHER, Ended::Exited(1), false)]);
    assert!(did[1..].iter().all(Vec::is_empty), "{did:?}");
    assert_eq!(phase, Phase::Running);
}

#[test]
fn warn_reap_warns_for_others_only() {
    let c = cfg(&["tini", "-w", "sh"]);
    let did = all(&[exited(OTHER, 0), exited(MAIN, 0)], &c);
    assert_eq!(did, [Did::Reaped(Level::Warn, OTHER, Ended::Exited(0), false), reaped_main(0)]);
}

#[test]
fn rest_left_gets_term_then_grace_then_kill() {
    let c = cfg(&["nanoinit", "sh"]);
    let (did, phase) = run(&c, ME, &[exited(MAIN, 3), SOME_LEFT, DEADLINE, DEADLINE]);
    assert_eq!(
        did[1],
        [
            Did::Note(Level::Info, "TERM to the rest, KILL in \x01 ms", 3000),
            Did::Send(To::Descendants, SIGTERM),
            Did::Arm(3000)
        ]
    );
    assert_eq!(
        did[2],
        [
            Did::Note(Level::Info, "grace over: KILL to the rest", 0),
            Did::Send(To::Descendants, SIGKILL),
            Did::Arm(KILL_WAIT_MS)
        ]
    );
    assert_eq!(did[3], [Did::Note(Level::Warn, "some outlived KILL", 0), Did::Exit(3, "gave up waiting")]);
    assert_eq!(phase, Phase::Done);
}

#[test]
fn rest_gone_within_the_grace_ends_the_run() {
    let c = cfg(&["nanoinit", "--grace", "5", "sh"]);
    for before_kill in [true, false] {
        let mut ev = vec![exited(MAIN, 4), SOME_LEFT, exited(OTHER, 0), SOME_LEFT];
        if !before_kill {
            ev.push(DEADLINE);
        }
        ev.push(NONE_LEFT);
        let (did, phase) = run(&c, ME, &ev);
        assert_eq!(did.last().unwrap(), &[Did::Exit(4, "all exited")]);
        assert_eq!(phase, Phase::Done);
    }
}

#[test]
fn no_grace_exits_with_the_rest_running() {
    for argv in [&["tini", "sh"][..], &["nanoinit", "--grace", "0", "sh"], &["dumb-init", "-c", "sh"]] {
        let c = cfg(argv);
        assert_eq!(all(&[exited(MAIN, 2), SOME_LEFT], &c).last(), Some(&Did::Exit(2, "main child exited")), "{argv:?}");
    }
}

#[test]
fn wait_mode_waits_for_every_descendant() {
    let c = cfg(&["nanoinit", "--wait", "sh"]);
    let (did, phase) = run(&c, ME, &[exited(MAIN, 6), SOME_LEFT, DEADLINE, SOME_LEFT]);
    assert_eq!(did[1], [Did::Note(Level::Info, "waiting for the rest", 0)]);
    assert!(did[2..].iter().all(Vec::is_empty));
    assert_eq!(phase, Phase::Waiting);
    assert_eq!(all(&[exited(MAIN, 6), SOME_LEFT, NONE_LEFT], &c).last(), Some(&Did::Exit(6, "all exited")));
}

#[test]
fn pause_mode_ends_on_term_or_int_only() {
    let c = cfg(&["nanoinit", "-P"]);
    for stop in [SIGTERM, SIGINT] {
        let (did, phase) = run(
            &c,
            ME,
            &[from_outside(SIGUSR1), exited(OTHER, 1), NONE_LEFT, from_outside(SIGHUP), from_outside(stop)],
        );
        assert_eq!(did[1], [Did::Reaped(Level::Info, OTHER, Ended::Exited(1), false)]);
        assert!(did[0].is_empty() && did[2].is_empty() && did[3].is_empty(), "{did:?}");
        assert_eq!(did[4], [Did::Exit(0, "paused, got TERM/INT")]);
        assert_eq!(phase, Phase::Done);
    }
}

#[test]
fn nothing_is_asked_after_exit() {
    let c = cfg(&["nanoinit", "sh"]);
    let (did, _) = run(&c, ME, &[exited(MAIN, 0), NONE_LEFT, from_outside(SIGTERM), DEADLINE, Event::WaitFailed]);
    assert!(did[2..].iter().all(Vec::is_empty), "{did:?}");
}

// ---------------------------------------------------------------- forwarding

#[test]
fn forwards_by_target_then_to_the_rest() {
    for (argv, to) in [
        (&["nanoinit", "sh"][..], To::Child(MAIN)),
        (&["tini", "-g", "--wait", "sh"], To::Group(MAIN)),
        (&["dumb-init", "--wait", "sh"], To::Group(MAIN)),
        (&["nanoinit", "--signal-all", "sh"], To::Descendants),
    ] {
        let c = cfg(argv);
        assert_eq!(all(&[from_outside(SIGUSR1)], &c), [Did::Send(to, SIGUSR1)], "{argv:?}");
        // Once the main child is gone, the rest of the tree is who is left.
        let did = all(&[exited(MAIN, 0), SOME_LEFT, from_outside(SIGUSR1)], &c);
        assert_eq!(did.last(), Some(&Did::Send(To::Descendants, SIGUSR1)), "{argv:?}");
    }
}

#[test]
fn rewrite_and_drop() {
    let c = cfg(&["nanoinit", "-r", "USR1:HUP", "-r", "INT:0", "sh"]);
    assert_eq!(all(&[from_outside(SIGUSR1)], &c), [Did::Send(To::Child(MAIN), SIGHUP)]);
    assert_eq!(all(&[from_outside(SIGINT)], &c), [Did::Note(Level::Info, "dropping \x02", SIGINT.into())]);
}

#[test]
fn sigchld_is_never_forwarded() {
    for argv in [&["nanoinit", "sh"][..], &["nanoinit", "-P"]] {
        assert_eq!(all(&[from_outside(SIGCHLD), sig(SIGCHLD, OTHER, SI_QUEUE)], &cfg(argv)), []);
    }
}

#[test]
fn our_own_signals_are_never_forwarded() {
    let c = cfg(&["dumb-init", "sh"]);
    for (signo, code) in [(SIGPIPE, SI_USER), (SIGHUP, SI_USER), (SIGCONT, SI_USER), (SIGTERM, SI_KERNEL)] {
        assert_eq!(all(&[sig(signo, ME, code)], &c), [], "{signo}");
    }
    let pid1 = |e| run(&c, 1, &[e]).0.concat();
    assert_eq!(pid1(sig(SIGPIPE, 1, SI_USER)), []);
    // From outside the namespace the sender's pid reads 0.
    assert_eq!(pid1(sig(SIGPIPE, 0, SI_USER)), [Did::Send(To::Group(MAIN), SIGPIPE)]);
    // sigqueue and tgkill may name any pid: not proof that we sent it.
    for code in [SI_QUEUE, SI_TKILL] {
        assert_eq!(all(&[sig(SIGHUP, ME, code)], &c), [Did::Send(To::Group(MAIN), SIGHUP)]);
    }
}

#[test]
fn only_the_kernels_alarm_is_the_deadline() {
    let c = cfg(&["nanoinit", "sh"]);
    // A SIGALRM somebody sent is forwarded like any other, in every phase.
    assert_eq!(all(&[from_outside(SIGALRM)], &c), [Did::Send(To::Child(MAIN), SIGALRM)]);
    let did = all(&[exited(MAIN, 0), SOME_LEFT, from_outside(SIGALRM)], &c);
    assert_eq!(did.last(), Some(&Did::Send(To::Descendants, SIGALRM)));
    assert!(!did.contains(&Did::Send(To::Descendants, SIGKILL)));
    // Ours is never forwarded.
    assert_eq!(all(&[DEADLINE], &c), []);
}

#[test]
fn setsid_leader_exit_terms_its_group_before_the_reap() {
    let c = cfg(&["dumb-init", "sh"]);
    let did = all(&[exited(MAIN, 0)], &c);
    assert_eq!(did, [Did::Send(To::Group(MAIN), SIGTERM), reaped_main(0)]);
    let c = cfg(&["dumb-init", "-r", "TERM:HUP", "sh"]);
    assert_eq!(all(&[exited(MAIN, 0)], &c)[0], Did::Send(To::Group(MAIN), SIGHUP));
    let c = cfg(&["dumb-init", "-r", "TERM:0", "sh"]);
    assert_eq!(all(&[exited(MAIN, 0)], &c), [reaped_main(0)]);
    // Not for another process, nor outside setsid mode.
    assert_eq!(all(&[exited(OTHER, 0)], &cfg(&["dumb-init", "sh"])).len(), 1);
    assert_eq!(all(&[exited(MAIN, 0)], &cfg(&["tini", "-g", "sh"])), [reaped_main(0)]);
}

#[test]
fn job_control_stops_dumb_init_with_or_without_setsid() {
    for (argv, forwarded) in [
        (&["dumb-init", "sh"][..], Did::Send(To::Group(MAIN), SIGSTOP)),
        (&["dumb-init", "-c", "sh"], Did::Send(To::Child(MAIN), SIGTSTP)),
        (&["nanoinit", "--setsid", "sh"], Did::Send(To::Group(MAIN), SIGSTOP)),
    ] {
        let c = cfg(argv);
        assert_eq!(all(&[from_outside(SIGTSTP)], &c), [forwarded, Did::Stop], "{argv:?}");
        // As namespace PID 1 the kernel would ignore the stop: not asked.
        assert!(!run(&c, 1, &[from_outside(SIGTSTP)]).0.concat().contains(&Did::Stop), "{argv:?}");
    }
    // dumb-init stops itself even when the signal is dropped.
    let c = cfg(&["dumb-init", "-c", "-r", "TTIN:0", "sh"]);
    assert_eq!(all(&[from_outside(SIGTTIN)], &c), [Did::Note(Level::Info, "dropping \x02", 21), Did::Stop]);
    for argv in [&["nanoinit", "sh"][..], &["tini", "sh"]] {
        assert!(!all(&[from_outside(SIGTSTP)], &cfg(argv)).contains(&Did::Stop), "{argv:?}");
    }
}

// ---------------------------------------------------------------- failures

#[test]
fn a_failed_wait_is_retried_by_a_timer() {
    let c = cfg(&["nanoinit", "sh"]);
    let (did, phase) = run(&c, ME, &[Event::WaitFailed, DEADLINE, exited(MAIN, 9), NONE_LEFT]);
    assert_eq!(did[0], [Did::Arm(WAIT_RETRY_MS)]);
    assert!(did[1].is_empty());
    assert_eq!(did[3], [Did::Exit(9, "main child exited")]);
    assert_eq!(phase, Phase::Done);
    // In the grace period the armed deadline is the next event already.
    let did = run(&c, ME, &[exited(MAIN, 9), SOME_LEFT, Event::WaitFailed]).0;
    assert_eq!(did[2], []);
    let c = cfg(&["nanoinit", "--wait", "sh"]);
    let did = run(&c, ME, &[exited(MAIN, 9), SOME_LEFT, Event::WaitFailed]).0;
    assert_eq!(did[2], [Did::Arm(WAIT_RETRY_MS)]);
}

#[test]
fn a_failed_signalfd_read_keeps_the_run_unless_paused() {
    let c = cfg(&["nanoinit", "sh"]);
    let (did, _) = run(&c, ME, &[Event::ReadFailed, exited(MAIN, 5), NONE_LEFT]);
    assert!(did[0].is_empty());
    assert_eq!(did[2], [Did::Exit(5, "main child exited")]);
    let (did, _) = run(&cfg(&["nanoinit", "-P"]), ME, &[Event::ReadFailed]);
    assert_eq!(did[0], [Did::Exit(1, "cannot hear signals")]);
    // In the grace period the deadline would come through the broken
    // signalfd, so it would never come: KILL at once instead.
    let (did, _) = run(&c, ME, &[exited(MAIN, 5), SOME_LEFT, Event::ReadFailed]);
    assert!(did[2].contains(&Did::Send(To::Descendants, SIGKILL)), "{:?}", did[2]);
}

// ---------------------------------------------------------------- properties

/// Command lines covering every placement, target, after-exit policy and mode.
const CONFIGS: &[&[&str]] = &[
    &["nanoinit", "sh"],
    &["nanoinit", "--grace", "0", "sh"],
    &["nanoinit", "--wait", "sh"],
    &["nanoinit", "--signal-all", "-e", "3", "sh"],
    &["nanoinit", "--setsid", "-w", "sh"],
    &["nanoinit", "-r", "TERM:0", "-r", "USR1:TERM", "sh"],
    &["nanoinit", "-P"],
    &["tini", "-g", "sh"],
    &["dumb-init", "sh"],
    &["dumb-init", "-c", "sh"],
];

fn signal_event() -> impl Strategy<Value = Event> {
    // KILL and STOP never reach a signalfd.
    let signo = (1u8..=64).prop_filter("catchable", |s| *s != SIGKILL && *s != SIGSTOP);
    let pid = prop_oneof![Just(0), Just(ME), Just(MAIN), Just(OTHER)];
    let code = prop_oneof![Just(SI_USER), Just(SI_KERNEL), Just(SI_QUEUE), Just(SI_TKILL)];
    (signo, pid, code).prop_map(|(signo, pid, code)| Event::Signal { signo, pid, code })
}

fn event() -> impl Strategy<Value = Event> {
    let ended = prop_oneof![
        any::<u8>().prop_map(Ended::Exited),
        (1u8..=64, any::<bool>()).prop_map(|(sig, core)| Ended::Signaled { sig, core }),
    ];
    prop_oneof![
        4 => signal_event(),
        1 => Just(DEADLINE),
        2 => (prop_oneof![Just(MAIN), Just(OTHER), Just(OTHER + 1)], ended)
            .prop_map(|(pid, ended)| Event::Exited { pid, ended }),
        2 => any::<bool>().prop_map(|left| Event::Drained { left }),
        1 => Just(Event::WaitFailed),
        1 => Just(Event::ReadFailed),
    ]
}

/// Makes a sequence one the kernel could produce: no "no child left" while the
/// main child has not been reaped.
fn realistic(events: Vec<Event>, pause: bool) -> Vec<Event> {
    let mut main_gone = pause;
    events
        .into_iter()
        .map(|e| match e {
            Event::Exited { pid: MAIN, .. } if !pause => {
                main_gone = true;
                e
            }
            Event::Drained { left: false } if !main_gone => Event::Drained { left: true },
            e => e,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn invariants_over_random_events(which in 0..CONFIGS.len(), me in prop_oneof![Just(1u32), Just(ME)],
                                     raw in proptest::collection::vec(event(), 0..40)) {
        let c = cfg(CONFIGS[which]);
        let pause = c.program.is_none();
        let events = realistic(raw, pause);
        let (did, _) = run(&c, me, &events);
        let mut main_exit: Option<Ended> = None;
        let mut main_reaped = false;
        let mut exited = false;
        let mut termed_rest = false;
        let mut grace_armed = false;
        let mut grace_over = false;
        for (e, acts) in events.iter().zip(&did) {
            if exited {
                prop_assert!(acts.is_empty(), "asked after exit: {e:?} → {acts:?}");
            }
            if let Event::Exited { pid: MAIN, ended } = e {
                if !main_reaped && !pause {
                    main_exit = Some(*ended);
                }
            }
            // A broken signalfd ends the grace too: its deadline could never be heard.
            if matches!(e, Event::ReadFailed) && grace_armed {
                grace_over = true;
            }
            if let Event::Signal { signo, pid, code } = *e {
                let ours = pid == me && (code == SI_USER || code == SI_KERNEL);
                if ours && signo != SIGALRM {
                    prop_assert!(acts.is_empty(), "own signal acted on: {e:?} → {acts:?}");
                }
                if signo == SIGCHLD {
                    prop_assert!(acts.is_empty(), "SIGCHLD acted on: {acts:?}");
                }
                if signo == SIGALRM && code == SI_KERNEL && grace_armed {
                    grace_over = true;
                }
            }
            for a in acts {
                prop_assert!(!exited, "{a:?} after exit");
                match *a {
                    Did::Send(To::Child(p) | To::Group(p), _) => {
                        prop_assert_eq!(p, MAIN);
                        prop_assert!(!main_reaped, "{:?} after the main child was reaped", a);
                    }
                    Did::Send(To::Descendants, SIGTERM) if main_exit.is_some() => termed_rest = true,
                    Did::Send(_, SIGKILL) => {
                        prop_assert!(termed_rest && grace_over, "KILL before TERM and the grace");
                    }
                    Did::Arm(ms) => {
                        prop_assert!(ms == c.grace_ms || ms == KILL_WAIT_MS || ms == WAIT_RETRY_MS, "{}", ms);
                        if termed_rest && ms == c.grace_ms {
                            grace_armed = true;
                        }
                    }
                    Did::Stop => prop_assert!(me != 1 && c.job_control),
                    Did::Reaped(_, pid, _, true) => {
                        prop_assert_eq!(pid, MAIN);
                        main_reaped = true;
                    }
                    Did::Exit(code, why) => {
                        exited = true;
                        match main_exit {
                            Some(end) => prop_assert_eq!(code, c.remap.apply(end.shell_code())),
                            None => {
                                prop_assert!(pause, "exit {} ({}) before the main child was reaped", code, why);
                                prop_assert!(code == 0 || code == 1);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// A sink whose timer cannot be armed (a failed setitimer).
struct NoTimer(Rec);

impl Sink for NoTimer {
    fn send(&mut self, to: To, sig: u8) {
        self.0.send(to, sig);
    }
    fn arm(&mut self, ms: u32) -> bool {
        self.0.arm(ms);
        false
    }
    fn stop_self(&mut self) {
        self.0.stop_self();
    }
    fn note(&mut self, level: Level, msg: &'static str, arg: u32) {
        self.0.note(level, msg, arg);
    }
    fn reaped(&mut self, level: Level, pid: u32, ended: Ended, main: bool) {
        self.0.reaped(level, pid, ended, main);
    }
    fn exit(&mut self, code: u8, why: &'static str) {
        self.0.exit(code, why);
    }
}

/// Regression (issue 12's fault matrix): a grace timer that could not be
/// armed left nanoinit waiting forever for a process that ignores TERM. The
/// grace is cut short: KILL follows the TERM at once.
#[test]
fn a_grace_without_a_timer_goes_on_to_kill() {
    let c = cfg(&["nanoinit", "sh"]);
    let mut p = Policy::new(&c, ME, Some(MAIN));
    let mut sink = NoTimer(Rec::default());
    for e in [exited(MAIN, 3), SOME_LEFT] {
        p.on(e, &mut sink);
    }
    let sent: Vec<_> = sink.0 .0.iter().filter(|d| matches!(d, Did::Send(..))).cloned().collect();
    assert_eq!(sent, [Did::Send(To::Descendants, SIGTERM), Did::Send(To::Descendants, SIGKILL)]);
    assert_eq!(p.phase(), Phase::Killing);
    p.on(NONE_LEFT, &mut sink);
    assert_eq!(sink.0 .0.last(), Some(&Did::Exit(3, "all exited")));
}
