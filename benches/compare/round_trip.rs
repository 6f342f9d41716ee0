//! Signal round trip through the init to a child that answers on a FIFO.
use super::*;

impl Report {
    pub fn round_trip(&mut self, plan: &Plan, inits: &[Init], me: &str, tmp: &Path) {
        struct Run {
            k: usize,
            ns: Ns,
            fifo: File,
            rtt: Vec<f64>,
            timeouts: usize,
            gave_up: bool,
        }
        let mut runs: Vec<Run> = Vec::new();
        let mut problems = Vec::new();
        for (k, i) in inits.iter().enumerate() {
            let path = tmp.join(format!("echo-{}", i.name));
            let cpath = CString::new(path.to_str().unwrap_or_default()).expect("no NUL");
            // SAFETY: a valid C path.
            if unsafe { libc::mkfifo(cpath.as_ptr(), 0o600) } != 0 {
                problems.push(format!("- {}: mkfifo: {}", i.name, io::Error::last_os_error()));
                continue;
            }
            let fifo = match OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(&path) {
                Ok(f) => f,
                Err(e) => {
                    problems.push(format!("- {}: open fifo: {e}", i.name));
                    continue;
                }
            };
            match Ns::spawn(
                &i.argv(&[me, WORKLOAD, "sigecho", path.to_str().unwrap_or_default()]),
                Mode::Pid1Proc,
                None,
            ) {
                Ok(ns) => runs.push(Run { k, ns, fifo, rtt: Vec::new(), timeouts: 0, gave_up: false }),
                Err(e) => problems.push(format!("- {}: {e}", i.name)),
            }
        }
        // Each child says "R" once its handler is in place.
        for r in &mut runs {
            let mut b = [0u8; 16];
            let ready = poll_in(r.fifo.as_raw_fd(), Duration::from_secs(5))
                && r.fifo.read(&mut b).is_ok_and(|n| n > 0 && b[0] == b'R');
            if !ready {
                r.gave_up = true;
                problems.push(format!("- {}: the echo child never became ready", inits[r.k].name));
            }
        }
        for block in 0..plan.rtt_blocks {
            for j in 0..runs.len() {
                let len = runs.len();
                let r = &mut runs[(j + block) % len];
                if r.gave_up {
                    continue;
                }
                let mut consecutive = 0;
                for _ in 0..plan.rtt_block {
                    let mut b = [0u8; 64];
                    let t = Instant::now();
                    // SAFETY: our own child (the namespace's init).
                    unsafe { libc::kill(r.ns.pid, libc::SIGUSR1) };
                    if poll_in(r.fifo.as_raw_fd(), Duration::from_secs(1)) && r.fifo.read(&mut b).is_ok_and(|n| n > 0) {
                        r.rtt.push(t.elapsed().as_secs_f64() * 1e6);
                        consecutive = 0;
                    } else {
                        r.timeouts += 1;
                        consecutive += 1;
                        if consecutive >= 5 {
                            r.gave_up = true;
                            problems.push(format!("- {}: gave up after 5 answers missing in a row", inits[r.k].name));
                            break;
                        }
                    }
                }
            }
        }
        let meds: Vec<(usize, Option<f64>)> = runs.iter_mut().map(|r| (r.k, median(&mut r.rtt))).collect();
        let best = best_peer(inits, |i| meds.iter().find(|(k, _)| inits[*k].name == i.name).and_then(|(_, m)| *m));
        self.line(&format!(
            "## Signal round trip, as PID 1 of a new PID namespace ({} per init, interleaved in blocks of {})",
            plan.rtt_blocks * plan.rtt_block,
            plan.rtt_block
        ));
        self.line("");
        self.line(
            "SIGUSR1 sent to the init from outside; the child's handler writes a byte to a FIFO the bench reads.",
        );
        self.line("");
        let us = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "–".into());
        let mut cells = Vec::new();
        let rows: Vec<Vec<String>> = runs
            .iter_mut()
            .map(|r| {
                let n = r.rtt.len();
                let med = median(&mut r.rtt);
                let p99 = percentile(&mut r.rtt, 99.0);
                cells.push((inits[r.k].name, format!("{} / {}", us(med), us(p99)), med));
                vec![
                    inits[r.k].name.to_string(),
                    n.to_string(),
                    us(med),
                    ratio(med, best),
                    us(percentile(&mut r.rtt, 99.0)),
                    us(percentile(&mut r.rtt, 99.9)),
                    us(r.rtt.iter().cloned().fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))),
                    r.timeouts.to_string(),
                ]
            })
            .collect();
        self.table(
            &[
                "init",
                "round trips",
                "median (µs)",
                "median × best peer",
                "p99 (µs)",
                "p99.9 (µs)",
                "max (µs)",
                "lost (no answer in 1 s)",
            ],
            &rows,
        );
        self.summarize("signal round trip, median / p99 (µs)".into(), cells);
        for p in problems {
            self.line(&p);
        }
        if !self.out.ends_with("\n\n") {
            self.line("");
        }
    }
}
