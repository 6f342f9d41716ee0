//! Storms, as PID 1 of a fresh namespace, each bounded in time: a flood of
//! orphans, a flood of signals, a child stopped and continued a thousand times.
//! Each prints what it measured (`cargo test -- --nocapture` shows it).
mod common;
use common::*;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// Double-forks `N` orphans from `K` parallel workers, then waits for USR1 and exits 7.
const ORPHANS_PL: &str = r#"
use POSIX ();
$SIG{USR1} = sub { POSIX::_exit(7) };
my ($n, $k, $ready) = @ARGV;
for my $w (1..$k) {
    next if fork;
    for (1..$n/$k) {
        my $p = fork;
        if (!defined $p) { select(undef, undef, undef, 0.001); redo }
        if ($p == 0) { POSIX::_exit(0) if fork; POSIX::_exit(0) }
        waitpid($p, 0);
    }
    POSIX::_exit(0);
}
1 while wait != -1;
open my $f, ">", $ready or die; close $f;
sleep 1 while 1;
"#;

/// Ignores every signal it can (all but KILL, STOP and glibc's 32/33), says it
/// is ready, and exits 42 once the `done` file exists.
const IGNORE_ALL_PL: &str = r#"
use POSIX ();
for my $s (1..64) {
    next if $s == 9 || $s == 19 || $s == 32 || $s == 33;
    POSIX::sigaction($s, POSIX::SigAction->new('IGNORE')) or die "sigaction $s: $!";
}
my ($ready, $done) = @ARGV;
open my $f, ">", $ready or die; close $f;
select(undef, undef, undef, 0.005) until -e $done;
exit 42;
"#;

/// 10,000 orphans (each the grandchild of a worker, reparented to nanoinit when
/// its parent exits at once): every one reaped, no zombie left, and the main
/// child's status (7, from a forwarded SIGUSR1) still right.
#[test]
fn ten_thousand_orphans_leave_no_zombie() {
    if !is_root() {
        eprintln!("skipped: needs root for a PID namespace");
        return;
    }
    const N: usize = 10_000;
    let dir = TempDir::new("orphans");
    let script = script(&dir, "orphans.pl", ORPHANS_PL);
    let ready = dir.join("ready");
    let n = N.to_string();
    let cmd = command(Mode::Pid1, &["-w", "--", "perl", &script, &n, "4", &ready]);
    let started = Instant::now();
    let init = Init::start_ready(cmd, Mode::Pid1);
    wait_for_file(&ready, Duration::from_secs(60));
    let forked = started.elapsed();
    // Every orphan has exited by now; nanoinit must have reaped them all.
    let left = poll(Duration::from_secs(10), || zombies_under(init.pid).is_empty().then_some(()));
    let drained = started.elapsed();
    assert!(left.is_some(), "zombies left under nanoinit: {:?}", zombies_under(init.pid).len());
    assert_eq!(state(init.pid).map(|s| s != 'Z'), Some(true), "nanoinit is gone");
    init.signal(libc::SIGUSR1);
    let o = init.wait_for(Duration::from_secs(90));
    let reaped = count_lines(&o.stderr, "nanoinit: warning: reaped process ");
    eprintln!("orphan storm: {N} orphans from 4 workers in {forked:?}, zombie-free at {drained:?}, {reaped} reaped by nanoinit, run {:?}", o.elapsed);
    assert_eq!(o.code, 7, "stderr tail: {}", tail(&o.stderr));
    assert_eq!(reaped, N, "each orphan is reaped exactly once");
    assert_eq!(count_lines(&o.stderr, "nanoinit: ") - reaped, 0, "unexpected output: {}", tail(&o.stderr));
}

/// 100,000 signals of every blockable kind (standard, real-time, and the
/// reserved 32/33, which `--rewrite` drops), from four threads, by kill(2) and
/// sigqueue(3), while the child ignores them all: nanoinit survives, forwards
/// each queued real-time signal exactly once, and reports the child's exit.
#[test]
fn hundred_thousand_signals() {
    if !is_root() {
        eprintln!("skipped: needs root for a PID namespace");
        return;
    }
    const TOTAL: usize = 100_000;
    const THREADS: usize = 4;
    // Each thread sends this many, then waits until nanoinit has read every
    // pending signal: the kernel dequeues a queued real-time signal by a list
    // walk, so a 50,000-deep queue alone takes it seconds (O(n²)) to drain.
    const BURST: usize = 250;
    let sigs: Vec<i32> = (1..=64).filter(|&s| s != libc::SIGKILL && s != libc::SIGSTOP).collect();
    let dir = TempDir::new("sigstorm");
    let script = script(&dir, "ignore.pl", IGNORE_ALL_PL);
    let (ready, done) = (dir.join("ready"), dir.join("done"));
    let cmd = command(Mode::Pid1, &["-v", "--rewrite", "32:0,33:0", "--", "perl", &script, &ready, &done]);
    let init = Init::start_ready(cmd, Mode::Pid1);
    wait_for_file(&ready, Duration::from_secs(20));
    let pid = init.pid;

    let started = Instant::now();
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let sigs = sigs.clone();
            thread::spawn(move || {
                // Per signal: how many sends the kernel accepted.
                let mut ok = [0usize; 65];
                let mut again = 0usize;
                for i in 0..TOTAL / THREADS {
                    if i % BURST == 0 && !spin_until(Duration::from_secs(20), || idle(pid)) {
                        panic!("nanoinit stopped draining its signals");
                    }
                    let sig = sigs[(i * 7 + t * 13) % sigs.len()];
                    let r = unsafe {
                        if t == 0 {
                            libc::sigqueue(pid, sig, libc::sigval { sival_ptr: i as *mut libc::c_void })
                        } else {
                            libc::kill(pid, sig)
                        }
                    };
                    if r == 0 {
                        ok[sig as usize] += 1;
                    } else {
                        let e = std::io::Error::last_os_error().raw_os_error();
                        assert_eq!(e, Some(libc::EAGAIN), "sending {sig}");
                        again += 1;
                    }
                }
                (ok, again)
            })
        })
        .collect();
    let mut ok = [0usize; 65];
    let mut again = 0;
    for h in handles {
        let (o, a) = h.join().unwrap();
        for (t, n) in ok.iter_mut().zip(o) {
            *t += n;
        }
        again += a;
    }
    let sent = started.elapsed();
    // Let nanoinit drain its queue before the child's exit ends the run.
    let drained = poll(Duration::from_secs(30), || idle(pid).then_some(()));
    let drain_time = started.elapsed();
    assert!(drained.is_some(), "nanoinit still has signals pending after 30 s");
    assert!(state(pid).is_some_and(|s| s != 'Z'), "nanoinit died under the storm");
    std::fs::write(&done, "").unwrap();
    let o = init.wait_for(Duration::from_secs(60));
    let accepted: usize = ok.iter().sum();
    let rt_accepted: usize = ok[32..].iter().sum();
    let forwarded = count_lines(&o.stderr, "nanoinit: forwarded ");
    let dropped = count_lines(&o.stderr, "nanoinit: dropping ");
    eprintln!(
        "signal storm: {TOTAL} sends ({accepted} accepted, {again} EAGAIN, {rt_accepted} real-time queued) in {sent:?}, \
         drained at {drain_time:?}; nanoinit forwarded {forwarded}, dropped {dropped}; exit {}",
        o.code
    );
    assert_eq!(o.code, 42, "stderr tail: {}", tail(&o.stderr));
    assert_eq!(accepted + again, TOTAL);
    // Real-time signals queue one by one: each accepted one is forwarded (or,
    // for 32/33, dropped) exactly once. Standard ones coalesce: at least once each.
    for sig in 1..=64u8 {
        if sig == 9 || sig == 19 || sig == 17 {
            // KILL and STOP were not sent; CHLD makes nanoinit reap, not forward.
            continue;
        }
        let name = signal_name(sig);
        let n = if sig == 32 || sig == 33 {
            o.stderr.lines().filter(|l| *l == format!("nanoinit: dropping {name}")).count()
        } else {
            let prefix = format!("nanoinit: forwarded {name} to child ");
            o.stderr.lines().filter(|l| l.starts_with(&prefix)).count()
        };
        if sig >= 32 {
            assert_eq!(n, ok[sig as usize], "{name}: forwarded/dropped vs accepted");
        } else if ok[sig as usize] > 0 {
            assert!(n >= 1 && n <= ok[sig as usize], "{name}: {n} forwarded for {} accepted", ok[sig as usize]);
        }
    }
}

/// Whether `pid` has no signal pending (process-wide or thread).
fn idle(pid: i32) -> bool {
    sig_mask(pid, "ShdPnd") == Some(0) && sig_mask(pid, "SigPnd") == Some(0)
}

/// The name nanoinit logs for a signal.
fn signal_name(sig: u8) -> String {
    let mut l = nanoinit::line::Line::default();
    let s = l.sig(sig).finish();
    String::from_utf8_lossy(&s[..s.len() - 1]).into_owned()
}

/// Stops the child with SIGSTOP and continues it with SIGCONT, 1,000 times,
/// waiting each time until /proc shows the change: nanoinit never takes a stop
/// for an exit, and exits with the child's real code at the end.
#[test]
fn thousand_stops_are_not_exits() {
    if !is_root() {
        eprintln!("skipped: needs root for a PID namespace");
        return;
    }
    const CYCLES: usize = 1000;
    for mode in MODES {
        let dir = TempDir::new("stopcont");
        let (ready, done) = (dir.join("ready"), dir.join("done"));
        let script = script(&dir, "wait.pl", "my ($r, $d) = @ARGV; open my $f, '>', $r or die; close $f;\nselect(undef, undef, undef, 0.005) until -e $d;\nexit 42;\n");
        let init = Init::start_ready(command(mode, &["-v", "--", "perl", &script, &ready, &done]), mode);
        wait_for_file(&ready, Duration::from_secs(20));
        let child = init.main_child();
        let started = Instant::now();
        let limit = Duration::from_secs(5);
        for i in 0..CYCLES {
            unsafe { libc::kill(child, libc::SIGSTOP) };
            assert!(spin_until(limit, || state(child) == Some('T')), "{mode:?}: cycle {i}: child never stopped");
            unsafe { libc::kill(child, libc::SIGCONT) };
            assert!(
                spin_until(limit, || matches!(state(child), Some('R' | 'S'))),
                "{mode:?}: cycle {i}: child never continued"
            );
            assert!(state(init.pid).is_some_and(|s| s != 'Z'), "{mode:?}: nanoinit exited after {i} stops");
        }
        let took = started.elapsed();
        // nanoinit is still there, still the child's parent.
        assert_eq!(ppid(child), Some(init.pid), "{mode:?}");
        std::fs::write(&done, "").unwrap();
        let o = init.wait_for(Duration::from_secs(30));
        eprintln!("stop/continue storm ({mode:?}): {CYCLES} cycles in {took:?}; exit {}", o.code);
        assert_eq!(o.code, 42, "{mode:?}: {}", tail(&o.stderr));
        assert_eq!(count_lines(&o.stderr, "nanoinit: reaped main child "), 1, "{mode:?}: {}", o.stderr);
        assert!(o.stderr.contains(": exit code 42"), "{mode:?}: {}", o.stderr);
    }
}

/// A storm of SIGCHLDs sent by kill(2) while orphans are really dying: a fake
/// SIGCHLD is only a reason to look, never taken as the main child's end.
#[test]
fn fake_sigchld_storm_is_harmless() {
    if !is_root() {
        eprintln!("skipped: needs root for a PID namespace");
        return;
    }
    let dir = TempDir::new("fakechld");
    let (ready, done) = (dir.join("ready"), dir.join("done"));
    let script = script(&dir, "wait.pl", "my ($r, $d) = @ARGV; open my $f, '>', $r or die; close $f;\nselect(undef, undef, undef, 0.005) until -e $d;\nexit 3;\n");
    let init = Init::start_ready(command(Mode::Pid1, &["--", "perl", &script, &ready, &done]), Mode::Pid1);
    wait_for_file(&ready, Duration::from_secs(20));
    let stop = Arc::new(AtomicBool::new(false));
    let pid = init.pid;
    let s2 = stop.clone();
    let sender = thread::spawn(move || {
        let mut n = 0u64;
        while !s2.load(Ordering::Relaxed) && n < 200_000 {
            unsafe { libc::kill(pid, libc::SIGCHLD) };
            n += 1;
        }
        n
    });
    thread::sleep(Duration::from_millis(300));
    assert!(state(pid).is_some_and(|s| s != 'Z'), "nanoinit exited on a fake SIGCHLD");
    stop.store(true, Ordering::Relaxed);
    let n = sender.join().unwrap();
    std::fs::write(&done, "").unwrap();
    let o = init.wait_for(Duration::from_secs(20));
    eprintln!("fake SIGCHLD storm: {n} sent; exit {}", o.code);
    assert_eq!(o.code, 3, "{}", o.stderr);
}

/// The last few lines of a long log, for assertion messages.
fn tail(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(5)..].join("\n")
}

/// Writes a workload script (read by perl, never executed itself).
fn script(dir: &TempDir, name: &str, text: &str) -> String {
    let p = dir.join(name);
    write_file(&p, text, "644");
    p
}
