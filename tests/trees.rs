//! Trees of any depth and width (issue 12, defects 3 and 4): `--grace`,
//! `--signal-all` and `--wait` reach every descendant of a subreaper — a chain
//! 100 deep, 5,000 children of one process, a tree of 11,120 15 levels deep — and never a
//! process outside nanoinit's tree, even one born with a dead descendant's pid.
//!
//! Each run is one PID namespace (`unshare --pid --fork --mount-proc`) whose
//! PID 1 is a `sh` wrapper: it starts a sibling (a process of the namespace
//! that does not descend from nanoinit, as a sibling container's would in a
//! shared namespace), runs nanoinit as a plain process (so a subreaper), and
//! then reports what is left. Ending the namespace ends everything the test
//! started, whatever happened. The trees are `sh` subshells (forks, no exec);
//! the leaves block reading a pipe the test holds open and never writes.
mod common;
use common::*;

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

/// Deadline of one run: the trees take a few seconds to build on 2 busy cores.
const RUN_DEADLINE: Duration = Duration::from_secs(120);

/// One big tree at a time: with a 32,768 pid_max, two runs of 11,120 next to
/// other tests' processes would come close to the limit.
static BIG: Mutex<()> = Mutex::new(());

/// Room kept for the other tests running beside a big one.
const SPARE_PROCESSES: u64 = 1_000;

/// Takes the big-tree lock for a run of about `processes`, or says why the
/// run is skipped: a host whose pids cgroup or pid_max leaves too little room
/// would fail it for a reason that is not nanoinit's.
fn big_run(processes: u64) -> Option<MutexGuard<'static, ()>> {
    if !is_root() {
        eprintln!("skipped: needs root");
        return None;
    }
    let guard = BIG.lock().unwrap_or_else(|e| e.into_inner());
    let room = process_room();
    if room < processes + SPARE_PROCESSES {
        eprintln!("skipped: needs room for {processes} processes and {SPARE_PROCESSES} more; this host leaves {room}");
        return None;
    }
    Some(guard)
}

/// How many more processes this host lets us start: the least room left by
/// the kernel's pid_max and by each pids cgroup above us (v1 or v2).
fn process_room() -> u64 {
    let read = |path: &Path| std::fs::read_to_string(path).ok().and_then(|s| s.trim().parse::<u64>().ok());
    let running = std::fs::read_dir("/proc")
        .map(|d| d.flatten().filter(|e| e.file_name().to_string_lossy().bytes().all(|b| b.is_ascii_digit())).count())
        .unwrap_or(0) as u64;
    let mut room = read(Path::new("/proc/sys/kernel/pid_max")).map_or(u64::MAX, |max| max.saturating_sub(running));
    for line in std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default().lines() {
        // `ID:CONTROLLERS:PATH`; v2 has no controller list.
        let mut fields = line.splitn(3, ':').skip(1);
        let (controllers, path) = (fields.next().unwrap_or(""), fields.next().unwrap_or(""));
        let root = match controllers {
            "" => "/sys/fs/cgroup",
            c if c.split(',').any(|c| c == "pids") => "/sys/fs/cgroup/pids",
            _ => continue,
        };
        // pids.max is "max" (no limit) in most; a parent's limit binds us too.
        let mut dir = PathBuf::from(format!("{root}{path}"));
        while dir.starts_with(root) {
            if let (Some(max), Some(current)) = (read(&dir.join("pids.max")), read(&dir.join("pids.current"))) {
                room = room.min(max.saturating_sub(current));
            }
            if !dir.pop() {
                break;
            }
        }
    }
    room
}

/// Shell functions for the main program. `tree F D` forks F children per node
/// down to depth D; `chain N` nests N subshells; `wide N` forks N children of
/// one process; `chain N CMD…` runs CMD at the bottom (`stubborn` is a leaf
/// that ignores TERM). A leaf notes it is ready with one byte in `$READY`, then
/// blocks reading fd 3 (the test's pipe). An inner node waits for its
/// children; `trap '' TERM` before building makes the whole tree ignore TERM
/// (an ignored signal stays ignored in a subshell).
const LIB: &str = r#"
leaf() { printf x >> "$READY"; read -r _ <&3; }
tree() { if [ "$2" -gt 0 ]; then i=0; while [ $i -lt "$1" ]; do tree "$1" $(($2 - 1)) & i=$((i + 1)); done; wait; else leaf; fi; }
chain() { n=$1; shift; if [ "$n" -gt 0 ]; then chain $((n - 1)) "$@" & wait; else "$@"; fi; }
stubborn() { trap '' TERM; leaf; }
wide() { i=0; while [ $i -lt "$1" ]; do leaf & i=$((i + 1)); done; wait; }
ready() { while [ "$(wc -c < "$READY")" -lt "$1" ]; do sleep 0.05; done; }
"#;

/// PID 1 of the namespace: a sibling, then nanoinit, then the report.
/// `$NANO_ARGS` are nanoinit's options; its log goes to `$LOG`.
const WRAPPER: &str = r#"
exec 3<&0
sleep 1000 <&- >/dev/null 2>&1 & sib=$!
echo "sibling $sib"
"$NANO" $NANO_ARGS -- sh -c "$LIB$MAIN" 2>"$LOG" &
nano=$!
[ -n "$AFTER" ] && eval "$AFTER"
wait $nano
echo "nanoinit exited $?"
# What is left besides this shell and the sibling (zombies are dead: not counted);
# killed processes take a moment to go.
n=-1; tries=0
while [ $n -ne 0 ] && [ $tries -lt 100 ]; do
    n=0
    for d in /proc/[0-9]*; do
        p=${d#/proc/}
        case $p in 1|$sib|$$) continue ;; esac
        read -r st 2>/dev/null < "$d/stat" || continue
        case $st in *") Z "*) continue ;; esac
        n=$((n + 1))
    done
    tries=$((tries + 1)); [ $n -ne 0 ] && sleep 0.1
done
echo "left $n"
kill -0 $sib 2>/dev/null && echo "sibling alive"
"#;

/// What a run reported.
struct Report {
    /// The wrapper's stdout.
    out: String,
    /// nanoinit's log.
    log: String,
}

impl Report {
    fn check(&self, expect: &[&str], refuse: &[&str]) {
        for e in expect {
            assert!(
                self.out.contains(e) || self.log.contains(e),
                "missing {e:?}\nout:\n{}\nlog:\n{}",
                self.out,
                tail(&self.log)
            );
        }
        for r in refuse {
            assert!(
                !self.out.contains(r) && !self.log.contains(r),
                "found {r:?}\nout:\n{}\nlog:\n{}",
                self.out,
                tail(&self.log)
            );
        }
    }
}

fn tail(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// Runs `main` (a shell script using [`LIB`]) under nanoinit with `args`, in
/// a namespace of its own with a sibling; `after` runs in the wrapper while
/// nanoinit runs (`$nano` is its pid).
fn run(args: &str, main: &str, after: &str) -> Report {
    let dir = TempDir::new("trees");
    let (ready, log) = (dir.join("ready"), dir.join("log"));
    std::fs::write(&ready, "").unwrap();
    let mut cmd = Command::new(which("unshare").expect("unshare"));
    cmd.args(["--pid", "--fork", "--mount-proc", "--kill-child=SIGKILL", "sh", "-c", WRAPPER])
        .env("NANO", bin())
        .env("NANO_ARGS", args)
        .env("LIB", LIB)
        .env("MAIN", main)
        .env("AFTER", after)
        .env("READY", &ready)
        .env("LOG", &log)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .process_group(0);
    without_our_vars(&mut cmd);
    let mut child = cmd.spawn().expect("spawn unshare");
    // Held open (never written) while the run lasts: the leaves block on it.
    let stdin: ChildStdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let end = Instant::now() + RUN_DEADLINE;
    let finished = loop {
        if child.try_wait().unwrap().is_some() {
            break true;
        }
        if Instant::now() > end {
            break false;
        }
        thread::sleep(Duration::from_millis(20));
    };
    if !finished {
        // The namespace's PID 1 leads its own group; --kill-child ends the rest.
        // SAFETY: kill takes plain integers; the group is the one this run started.
        unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
        let _ = child.kill();
        let _ = child.wait();
    }
    drop(stdin);
    let out = reader.join().unwrap();
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(finished, "still running after {RUN_DEADLINE:?}\nout:\n{out}\nlog:\n{}", tail(&log));
    Report { out, log }
}

/// The main program: builds with `build`, waits for `leaves`, exits 3.
fn main_exits(build: &str, leaves: usize) -> String {
    format!("{build} & ready {leaves}; exit 3")
}

#[test]
fn chain_of_100_whose_bottom_ignores_term_is_killed() {
    let Some(_big) = big_run(110) else { return };
    // Only the bottom ignores TERM: the 99 above it die of the grace period's
    // TERM, the bottom (reparented to nanoinit by then) of its KILL.
    let r = run("-v --grace 1", &main_exits("chain 100 stubborn", 1), "");
    r.check(
        &["nanoinit exited 3", "grace over: KILL", "all exited", "left 0", "sibling alive"],
        &["outlived", "unable"],
    );
}

#[test]
fn five_thousand_children_ignoring_term_are_killed() {
    let Some(_big) = big_run(5_010) else { return };
    let r = run("-v --grace 1", &main_exits("trap '' TERM; wide 5000", 5000), "");
    r.check(
        &["nanoinit exited 3", "grace over: KILL", "all exited", "left 0", "sibling alive"],
        &["outlived", "unable"],
    );
}

/// 10 + 100 + 1,000 + 10,000 processes, 10 levels below the main program
/// (11,120 in all, 15 levels deep).
const TREE: &str = "chain 10 tree 10 4";
/// Leaves of [`TREE`].
const TREE_LEAVES: usize = 10_000;

#[test]
fn tree_of_11120_gets_term_everywhere() {
    let Some(_big) = big_run(11_130) else { return };
    // A grace longer than the run's deadline: one process the TERM missed
    // would hold the run past it.
    let r = run("-v --grace 600", &main_exits(TREE, TREE_LEAVES), "");
    r.check(&["nanoinit exited 3", "all exited", "left 0", "sibling alive"], &["grace over", "outlived", "unable"]);
}

#[test]
fn tree_of_11120_ignoring_term_is_killed() {
    let Some(_big) = big_run(11_130) else { return };
    let r = run("-v --grace 1", &main_exits(&format!("trap '' TERM; {TREE}"), TREE_LEAVES), "");
    r.check(
        &["nanoinit exited 3", "grace over: KILL", "all exited", "left 0", "sibling alive"],
        &["outlived", "unable"],
    );
}

/// Waits (in the wrapper) until nanoinit's log shows `what`, then sends it TERM.
fn term_after(what: &str) -> String {
    format!("while ! grep -q '{what}' \"$LOG\"; do sleep 0.05; done; kill -TERM $nano")
}

#[test]
fn wait_forwards_to_a_tree_of_11120() {
    let Some(_big) = big_run(11_130) else { return };
    // The main program exits at once; nanoinit waits for the tree until our
    // TERM, which must reach all of it for the run to end.
    let r = run("-v --wait", &main_exits(TREE, TREE_LEAVES), &term_after("waiting for the rest"));
    r.check(&["nanoinit exited 3", "all exited", "left 0", "sibling alive"], &["unable"]);
}

#[test]
fn signal_all_reaches_every_level() {
    let Some(_big) = big_run(3_110) else { return };
    // The main program lives on its tree (a chain of 100 above 1,000 leaves
    // and a wide family of 2,000); our TERM, forwarded to every descendant,
    // ends all of them. The main program dies of it: 128 + 15.
    let main = "wide 2000 & chain 100 wide 1000 & ready 3000; echo built > \"$READY.built\"; wait";
    let after = "while [ ! -e \"$READY.built\" ]; do sleep 0.05; done; kill -TERM $nano";
    let r = run("-v --signal-all", main, after);
    r.check(&["nanoinit exited 143", "left 0", "sibling alive"], &["unable"]);
}

#[test]
fn siblings_are_never_signalled_while_descendants_churn() {
    let Some(_big) = big_run(100) else { return };
    // Descendants and siblings are born and reaped all the time, so pids are
    // freed and handed out again while nanoinit forwards 300 USR1s to every
    // descendant; a sibling (a child of the namespace's PID 1) notes any USR1
    // it gets, and its short `sleep` would die of one.
    // The main program notes it is ready once its trap is set: a USR1 before
    // that would kill it (and on busy cores the first one can come first).
    let main = "trap '' USR1; printf x >> \"$READY\"; while :; do (:) & (:) & (:) & wait; done";
    let after = r#"
        while [ ! -s "$READY" ]; do sleep 0.01; done
        HITS=$READY.hits
        ( while [ ! -e "$READY.stop" ]; do
            ( trap 'echo hit >> "$HITS"' USR1; sleep 0.01 || echo "sleep died" >> "$HITS" ) &
            ( trap 'echo hit >> "$HITS"' USR1; sleep 0.01 || echo "sleep died" >> "$HITS" )
          done ) &
        churn=$!
        i=0; while [ $i -lt 300 ]; do kill -USR1 $nano; i=$((i + 1)); sleep 0.01; done
        : > "$READY.stop"; wait $churn
        [ -s "$HITS" ] && echo "sibling signalled: $(sort "$HITS" | uniq -c)"
        kill -TERM $nano
    "#;
    let r = run("-v --signal-all", main, after);
    r.check(&["nanoinit exited 143", "forwarded SIGUSR1", "left 0", "sibling alive"], &["sibling signalled", "unable"]);
}

#[test]
fn a_sibling_given_a_dead_descendants_pid_is_never_signalled() {
    if !is_root() {
        return eprintln!("skipped: needs root");
    }
    // A pid reused on purpose. A descendant is found by a first forwarded
    // USR1 and dies of it; once it is reaped, the namespace's last pid is set
    // (ns_last_pid) so that a sibling outside nanoinit's tree is born with
    // its number. Nothing nanoinit learnt about that pid may outlive the
    // process: the second USR1 must miss the sibling. A USR1 kills a `sleep`
    // when it is sent, so the sibling's exit status tells: TERM (143), which
    // the wrapper sends last, and not USR1 (138).
    let main = r#"trap : USR1
        sleep 1000 <&- & d=$!
        printf x >> "$READY"
        while kill -0 $d 2>/dev/null; do wait $d; done
        echo $d > "$READY.dead"
        while :; do sleep 1000 <&- & wait $!; done"#;
    let after = r#"
        while [ ! -s "$READY" ]; do sleep 0.01; done
        kill -USR1 $nano
        while [ ! -s "$READY.dead" ]; do sleep 0.01; done
        dead=$(cat "$READY.dead")
        echo $((dead - 1)) > /proc/sys/kernel/ns_last_pid
        sleep 1000 <&- >/dev/null 2>&1 &
        reused=$!
        [ "$reused" = "$dead" ] && echo "pid of the dead descendant reused"
        kill -USR1 $nano
        while [ "$(grep -c 'forwarded SIGUSR1' "$LOG")" -lt 2 ]; do sleep 0.01; done
        kill -TERM $reused; wait $reused
        echo "reused pid's process ended $?"
        kill -TERM $nano
    "#;
    let r = run("-v --signal-all", main, after);
    r.check(
        &["pid of the dead descendant reused", "reused pid's process ended 143", "left 0", "sibling alive"],
        &["unable"],
    );
}
