//! Idle as PID 1: memory and wake-ups of every init at once.
use super::*;

impl Report {
    pub fn idle(&mut self, plan: &Plan, inits: &[Init], me: &str) {
        // All at once, so the idle seconds are paid once.
        let mut running: Vec<(usize, Ns)> = Vec::new();
        let mut errors: Vec<String> = Vec::new();
        for (k, i) in inits.iter().enumerate() {
            match Ns::spawn(&i.argv(&[me, WORKLOAD, "pause"]), Mode::Pid1Proc, None) {
                Ok(ns) => running.push((k, ns)),
                Err(e) => errors.push(format!("{}: {e}", i.name)),
            }
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && running.iter().any(|(_, ns)| ns.first_child().is_none()) {
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(500));
        let before: Vec<Option<u64>> =
            running.iter().map(|(_, ns)| proc_status_field(ns.pid, "voluntary_ctxt_switches")).collect();
        let before_inv: Vec<Option<u64>> =
            running.iter().map(|(_, ns)| proc_status_field(ns.pid, "nonvoluntary_ctxt_switches")).collect();
        std::thread::sleep(Duration::from_secs(plan.idle_secs));
        struct Row {
            k: usize,
            rss: Option<u64>,
            hwm: Option<u64>,
            pss: Option<u64>,
            wake: Option<u64>,
            invol: Option<u64>,
            alive: bool,
        }
        let mut rows = Vec::new();
        for (n, (k, ns)) in running.iter_mut().enumerate() {
            let after = proc_status_field(ns.pid, "voluntary_ctxt_switches");
            let after_inv = proc_status_field(ns.pid, "nonvoluntary_ctxt_switches");
            let pss =
                fs::read_to_string(format!("/proc/{}/smaps_rollup", ns.pid)).ok().and_then(|s| field_value(&s, "Pss"));
            let alive = ns.wait(Duration::ZERO).is_none() && ns.first_child().is_some();
            rows.push(Row {
                k: *k,
                rss: proc_status_field(ns.pid, "VmRSS"),
                hwm: proc_status_field(ns.pid, "VmHWM"),
                pss,
                wake: after.zip(before[n]).map(|(a, b)| a - b),
                invol: after_inv.zip(before_inv[n]).map(|(a, b)| a - b),
                alive,
            });
        }
        drop(running);
        self.line(&format!(
            "## Idle, as PID 1 of a new PID namespace (all inits at once, child asleep, {} s)",
            plan.idle_secs
        ));
        self.line("");
        let pss_of = |k: usize| rows.iter().find(|r| r.k == k).and_then(|r| r.pss.or(r.rss)).map(|v| v as f64);
        let best = best_peer(inits, |i| pss_of(inits.iter().position(|j| j.name == i.name).unwrap_or(0)));
        let table: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                let i = &inits[r.k];
                vec![
                    i.name.to_string(),
                    opt(r.rss),
                    opt(r.hwm),
                    opt(r.pss),
                    ratio(r.pss.map(|v| v as f64), best),
                    opt(r.wake),
                    opt(r.invol),
                    if r.alive { "yes".into() } else { "**no**".into() },
                ]
            })
            .collect();
        self.table(
            &[
                "init",
                "VmRSS (kB)",
                "VmHWM (kB)",
                "Pss (kB)",
                "Pss × best peer",
                &format!("wake-ups / {} s (voluntary ctx switches)", plan.idle_secs),
                "involuntary ctx switches",
                "child still running",
            ],
            &table,
        );
        let cell = |f: fn(&Row) -> Option<u64>| {
            rows.iter().map(|r| (inits[r.k].name, opt(f(r)), f(r).map(|v| v as f64))).collect()
        };
        self.summarize("idle as PID 1: Pss (kB)".into(), cell(|r| r.pss));
        self.summarize(format!("wake-ups in {} s idle", plan.idle_secs), cell(|r| r.wake));
        for e in errors {
            self.line(&format!("- could not start {e}"));
        }
    }
}
