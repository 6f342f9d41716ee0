//! An early SIGTERM: sent right after the init starts, is it lost?
use super::*;

impl Report {
    pub fn early(&mut self, plan: &Plan, inits: &[Init], me: &str) {
        // Orphans of a plain init that a TERM killed come to us, to be killed and reaped.
        // SAFETY: plain prctl on ourselves.
        unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1 as libc::c_ulong) };
        #[derive(Default, Clone)]
        struct Acc {
            starts: usize,
            lost: usize,
            init_killed: usize,
            other: Vec<String>,
            spent: Duration,
            done: bool,
        }
        // "Right after start" must not depend on where the scheduler puts the
        // new process: the bench spins on CPU 0, the init runs on CPU 1.
        let pinned = pin_apart();
        let launcher = own_comm();
        let sleep_ms = EARLY_CHILD_MS.to_string();
        self.line(&format!(
            "## Early SIGTERM (up to {} starts or {} s per init and mode, interleaved)",
            plan.early_max,
            plan.early_budget.as_secs()
        ));
        self.line("");
        self.line(&format!(
            "SIGTERM is sent as soon as /proc/PID/comm shows the init's execve (comm changes part-way through execve, \
             before the init's first instruction; the bench spins on one CPU, the init runs on another). \
             The child would sleep {EARLY_CHILD_MS} ms. Lost: the child slept its full time (init exit 0) instead of dying of a \
             forwarded TERM (exit 143). Modes: **PID 1**: the kernel drops a TERM sent to a namespace's PID 1 that neither blocks \
             nor catches it, and no init can act before its first instruction, so every init loses it (the runtime's race, not \
             the init's). **PID 1, TERM blocked at exec**: the launcher blocks SIGTERM, so the TERM stays pending until the init \
             takes it (the child unblocks everything first thing); a loss here is the init's own race between taking the signal \
             and its child being ready. **plain child**: such a TERM kills the init itself (\"init killed\", nothing forwarded; \
             the bench, a subreaper, kills the orphaned child)."
        ));
        self.line("");
        let mut rows = Vec::new();
        let mut cells = Vec::new();
        for mode in [Mode::Pid1, Mode::Pid1TermBlocked, Mode::Plain] {
            let mut acc = vec![Acc::default(); inits.len()];
            let mut round = 0usize;
            while acc.iter().any(|a| !a.done) {
                for j in 0..inits.len() {
                    let k = (j + round) % inits.len();
                    let a = &mut acc[k];
                    if a.done {
                        continue;
                    }
                    let t = Instant::now();
                    let outcome = early_one(&inits[k].argv(&[me, WORKLOAD, "sleep", &sleep_ms]), mode, &launcher);
                    a.spent += t.elapsed();
                    a.starts += 1;
                    match outcome {
                        Early::Forwarded => {}
                        Early::Lost => a.lost += 1,
                        Early::InitKilled => a.init_killed += 1,
                        Early::Other(e) => a.other.push(e),
                    }
                    if a.starts >= plan.early_max || a.spent >= plan.early_budget {
                        a.done = true;
                    }
                }
                round += 1;
            }
            for (i, a) in inits.iter().zip(&acc) {
                let mut other = a.other.clone();
                other.sort();
                other.dedup();
                let per_k = |n: usize| {
                    if a.starts > 0 {
                        format!("{:.1}", n as f64 * 1000.0 / a.starts as f64)
                    } else {
                        "–".into()
                    }
                };
                if mode == Mode::Pid1TermBlocked && a.starts > 0 {
                    let per_1000 = a.lost as f64 * 1000.0 / a.starts as f64;
                    cells.push((i.name, format!("{per_1000:.0}"), Some(per_1000)));
                }
                rows.push(vec![
                    i.name.to_string(),
                    match mode {
                        Mode::Pid1 => "PID 1".into(),
                        Mode::Pid1TermBlocked => "PID 1, TERM blocked at exec".into(),
                        _ => "plain child".into(),
                    },
                    a.starts.to_string(),
                    a.lost.to_string(),
                    per_k(a.lost),
                    if mode != Mode::Plain {
                        "n/a".into()
                    } else {
                        format!("{} ({}/1000)", a.init_killed, per_k(a.init_killed))
                    },
                    format!(
                        "{}{}",
                        a.other.len(),
                        if other.is_empty() { String::new() } else { format!(" ({})", other.join(", ")) }
                    ),
                ]);
            }
        }
        self.summarize("early SIGTERM lost, TERM blocked at exec (per 1000)".into(), cells);
        if let Some(saved) = pinned {
            CHILD_CPU.store(-1, Ordering::Relaxed);
            // SAFETY: restores our own affinity mask.
            unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &saved) };
        }
        self.table_left(
            &["init", "mode", "starts", "lost", "lost per 1000", "init killed by the TERM", "other outcomes"],
            &rows,
            2,
        );
        if pinned.is_none() {
            self.line("- fewer than 2 CPUs available: the bench and the init were not pinned apart, so \"right after start\" depends on the scheduler here.");
            self.line("");
        }
    }
}

/// What became of one early SIGTERM.
enum Early {
    /// The child died of it (init exit 143).
    Forwarded,
    /// The child slept its full time (init exit 0).
    Lost,
    /// The init itself died of the TERM (plain mode only).
    InitKilled,
    Other(String),
}

/// One start for the early-SIGTERM test.
fn early_one(argv: &[String], mode: Mode, launcher: &str) -> Early {
    let mut ns = match Ns::spawn(argv, mode, None) {
        Ok(ns) => ns,
        Err(e) => return Early::Other(e.to_string()),
    };
    let comm = format!("/proc/{}/comm", ns.pid);
    let deadline = Instant::now() + Duration::from_secs(2);
    let outcome = loop {
        match fs::read_to_string(&comm) {
            Ok(c) if c != launcher => break None,
            Ok(_) if Instant::now() < deadline => {}
            _ => break Some(Early::Other("never exec'd".into())),
        }
    };
    let outcome = outcome.unwrap_or_else(|| {
        // SAFETY: our own child, not yet reaped.
        unsafe { libc::kill(ns.pid, libc::SIGTERM) };
        match ns.wait_raw(Duration::from_millis(EARLY_CHILD_MS + 2000)) {
            None => Early::Other("hung".into()),
            Some(st) if libc::WIFSIGNALED(st) && libc::WTERMSIG(st) == libc::SIGTERM => Early::InitKilled,
            Some(st) => match decode_status(st) {
                0 => Early::Lost,
                143 => Early::Forwarded,
                c => Early::Other(format!("exit {c}")),
            },
        }
    });
    drop(ns);
    if mode == Mode::Plain {
        kill_adopted();
    }
    outcome
}
