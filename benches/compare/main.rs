//! `cargo bench --bench compare` (or `make bench`): nanoinit against every peer
//! init it can get — tini, tini-static, dumb-init, catatonit — interleaved in
//! one run. Writes `<target dir>/bench/report.md` and prints it.
//!
//! It reports; it never asserts. What each table means: docs/bench.md.
//!
//! The workloads (idle child, signal echo, orphan makers, a short sleep) are
//! this same binary re-executed with `WORKLOAD` as argv[1]. Inits run as PID 1
//! of a new PID namespace (a raw `clone(CLONE_NEWPID)`, with a private /proc
//! where the workload needs one) for every measurement where that matters.
//!
//! The peers are installed by `make bench` (scripts/deps.sh), not here.
//!
//! Environment: `NANOINIT_BENCH_QUICK=1` (fewer iterations, for a smoke run),
//! `NANOINIT_BENCH_BIN` (measure another nanoinit binary),
//! `NANOINIT_BENCH_REPORT` (where to write the report).

use std::ffi::{CStr, CString};
use std::fmt::Write as _;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

mod early;
mod idle;
mod inits;
mod ns;
mod reaping;
mod report;
mod round_trip;
mod startup;
mod stats;
mod syscalls;
mod trees;
mod workload;
use inits::*;
use ns::*;
use report::*;
use stats::*;
use workload::*;

/// argv[1] that turns this binary into a workload.
const WORKLOAD: &str = "__nanoinit_bench_workload";
/// The main child's run time in the early-SIGTERM test (a loss = it ran all of it).
const EARLY_CHILD_MS: u64 = 200;

/// How much of everything to do.
struct Plan {
    startup_runs: usize,
    strace_runs: usize,
    idle_secs: u64,
    rtt_blocks: usize,
    rtt_block: usize,
    orphans: usize,
    storm: usize,
    reap_rounds: usize,
    early_max: usize,
    early_budget: Duration,
    /// Rounds of ending a tree of `trees::TREE_SIZE` processes.
    tree_rounds: usize,
}

impl Plan {
    fn new(quick: bool) -> Plan {
        if quick {
            Plan {
                startup_runs: 30,
                strace_runs: 1,
                idle_secs: 2,
                rtt_blocks: 4,
                rtt_block: 250,
                orphans: 200,
                storm: 300,
                reap_rounds: 1,
                early_max: 100,
                early_budget: Duration::from_secs(2),
                tree_rounds: 1,
            }
        } else {
            Plan {
                startup_runs: 300,
                strace_runs: 3,
                idle_secs: 5,
                rtt_blocks: 20,
                rtt_block: 500,
                orphans: 1000,
                storm: 2000,
                reap_rounds: 3,
                early_max: 1000,
                early_budget: Duration::from_secs(5),
                tree_rounds: 3,
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(WORKLOAD) {
        workload(&args[2..]);
    }
    // `cargo bench` passes `--bench` (and filters); there is nothing to filter.
    let started = Instant::now();
    let quick = env_flag("NANOINIT_BENCH_QUICK");
    let plan = Plan::new(quick);
    let root = unsafe { libc::geteuid() } == 0;
    let mut notes: Vec<String> = Vec::new();
    let inits = find_inits(&mut notes);
    let tmp = TmpDir::new().expect("create a temporary directory");
    let me = std::env::current_exe().expect("find this benchmark's own path");
    let me = me.to_str().expect("a UTF-8 path").to_string();
    let mut r = Report::default();
    r.header(&plan, quick, &inits);

    say(&format!("bench: {} inits: {}", inits.len(), names(&inits)));
    r.binaries(&inits);
    if root {
        say("bench: idle memory and wake-ups (all at once)");
        r.idle(&plan, &inits, &me);
    } else {
        notes.push(
            "not root: the PID-namespace measurements (idle, reaping, signals, early SIGTERM, start-up as PID 1) were skipped".into(),
        );
    }
    say("bench: syscalls to the child's execve (strace)");
    r.syscalls(&plan, &inits, &mut notes);
    say("bench: start-up overhead");
    r.startup(&plan, &inits, root);
    if root {
        say("bench: reaping");
        r.reaping(&plan, &inits, &me, &tmp.0);
        say("bench: signal round trip");
        r.round_trip(&plan, &inits, &me, &tmp.0);
        say("bench: early SIGTERM");
        r.early(&plan, &inits, &me);
        say("bench: ending a big tree");
        r.trees(plan.tree_rounds, &inits, &me, &tmp.0);
    }
    let elapsed = started.elapsed();
    r.footer(&notes, elapsed);

    let path = report_path();
    if let Some(dir) = path.parent() {
        let _ = fs::create_dir_all(dir);
    }
    match fs::write(&path, &r.out) {
        Ok(()) => say(&format!("bench: report written to {}", path.display())),
        Err(e) => say(&format!("bench: cannot write {}: {e}", path.display())),
    }
    let json = path.with_extension("json");
    if let Err(e) = fs::write(&json, r.json()) {
        say(&format!("bench: cannot write {}: {e}", json.display()));
    }
    print!("{}", r.out);
    let _ = io::stdout().flush();
}

// ---------------------------------------------------------------------------
// Small things

fn say(s: &str) {
    eprintln!("{s}");
}

fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0")
}

fn report_path() -> PathBuf {
    if let Ok(p) = std::env::var("NANOINIT_BENCH_REPORT") {
        return PathBuf::from(p);
    }
    // CARGO_TARGET_TMPDIR is <target dir>[/<triple>]/tmp; the report goes to
    // <target dir>/bench (the outermost of the two with a CACHEDIR.TAG).
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let target = tmp
        .ancestors()
        .skip(1)
        .take(2)
        .filter(|d| d.join("CACHEDIR.TAG").exists())
        .last()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench").join("report.md")
}

fn utc_now() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let (days, rem) = (secs.div_euclid(86400), secs.rem_euclid(86400));
    // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let mut s = String::new();
    let _ = write!(s, "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", rem / 3600, rem % 3600 / 60, rem % 60);
    s
}

/// A private temporary directory, removed on drop.
struct TmpDir(PathBuf);

impl TmpDir {
    fn new() -> io::Result<TmpDir> {
        let p = std::env::temp_dir().join(format!("nanoinit-bench.{}", std::process::id()));
        fs::create_dir_all(&p)?;
        Ok(TmpDir(p))
    }
}

impl Drop for TmpDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
