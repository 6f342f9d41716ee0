//! Reaping as PID 1: orphans released at once, and a double-fork storm.
use super::*;

impl Report {
    pub fn reaping(&mut self, plan: &Plan, inits: &[Init], me: &str, tmp: &Path) {
        #[derive(Default, Clone)]
        struct Acc {
            at_once_ms: Vec<f64>,
            at_once_rate: Vec<f64>,
            at_once_left: usize,
            storm_rate: Vec<f64>,
            storm_end: usize,
            storm_left: usize,
            problems: Vec<String>,
        }
        let mut acc = vec![Acc::default(); inits.len()];
        let orphans = plan.orphans.to_string();
        let storm = plan.storm.to_string();
        for round in 0..plan.reap_rounds {
            for j in 0..inits.len() {
                let k = (j + round) % inits.len();
                let i = &inits[k];
                for (what, count) in [("orphans", &orphans), ("storm", &storm)] {
                    let out = tmp.join(format!("reap-{}-{what}-{round}", i.name));
                    let out_s = out.to_str().unwrap_or_default().to_string();
                    let code = Ns::spawn(&i.argv(&[me, WORKLOAD, what, count, &out_s]), Mode::Pid1Proc, None)
                        .ok()
                        .and_then(|mut ns| ns.wait(Duration::from_secs(60)));
                    let text = fs::read_to_string(&out).unwrap_or_default();
                    let _ = fs::remove_file(&out);
                    let kv = |key: &str| {
                        text.split_whitespace()
                            .find_map(|w| w.strip_prefix(key)?.strip_prefix('=')?.parse::<f64>().ok())
                    };
                    let a = &mut acc[k];
                    match (code, kv("ms"), kv("made")) {
                        (Some(_), Some(ms), Some(made)) if ms > 0.0 => {
                            if what == "orphans" {
                                a.at_once_ms.push(ms);
                                a.at_once_rate.push(made / ms * 1e3);
                                a.at_once_left = a.at_once_left.max(kv("left").unwrap_or(0.0) as usize);
                            } else {
                                a.storm_rate.push(made / ms * 1e3);
                                a.storm_end = a.storm_end.max(kv("zombies_at_end").unwrap_or(0.0) as usize);
                                a.storm_left = a.storm_left.max(kv("left").unwrap_or(0.0) as usize);
                            }
                        }
                        (None, ..) => a.problems.push(format!("{what}: init did not exit within 60 s")),
                        (Some(c), ..) => a.problems.push(format!("{what}: no result (init exit {c})")),
                    }
                }
            }
        }
        self.line(&format!(
            "## Reaping, as PID 1 of a new PID namespace (median of {} rounds; zombies: worst round)",
            plan.reap_rounds
        ));
        self.line("");
        self.line(&format!(
            "At once: {} orphans blocked on one pipe are released together; time until the last is reaped. Storm: {} serial double-forks (each grandchild is orphaned and exits at once), until all are reaped.",
            plan.orphans, plan.storm
        ));
        self.line("");
        let med = |v: &[f64]| median(&mut v.to_vec());
        let best_ms =
            best_peer(inits, |i| med(&acc[inits.iter().position(|j| j.name == i.name).unwrap_or(0)].at_once_ms));
        let best_storm = best_peer(inits, |i| {
            med(&acc[inits.iter().position(|j| j.name == i.name).unwrap_or(0)].storm_rate).map(|r| 1.0 / r)
        });
        let mut rows = Vec::new();
        let mut cells = Vec::new();
        let mut problems = Vec::new();
        for (k, i) in inits.iter().enumerate() {
            let a = &acc[k];
            let f0 = |v: Option<f64>| v.map(|v| format!("{v:.0}")).unwrap_or_else(|| "–".into());
            let ms = med(&a.at_once_ms);
            let sr = med(&a.storm_rate);
            cells.push((i.name, ms.map(|v| format!("{v:.1}")).unwrap_or_else(|| "–".into()), ms));
            rows.push(vec![
                i.name.to_string(),
                ms.map(|v| format!("{v:.1}")).unwrap_or_else(|| "–".into()),
                f0(med(&a.at_once_rate)),
                ratio(ms, best_ms),
                a.at_once_left.to_string(),
                f0(sr),
                ratio(sr.map(|r| 1.0 / r), best_storm),
                a.storm_end.to_string(),
                a.storm_left.to_string(),
            ]);
            for p in &a.problems {
                problems.push(format!("- {}: {p}", i.name));
            }
        }
        self.table(
            &[
                "init",
                "at once: time (ms)",
                "orphans/s",
                "time × best peer",
                "zombies left after 5 s",
                "storm: orphans/s",
                "time × best peer",
                "zombies at end of storm",
                "zombies left after 5 s",
            ],
            &rows,
        );
        self.summarize(format!("{} orphans at once, reaped in (ms)", plan.orphans), cells);
        for p in problems {
            self.line(&p);
        }
        if !self.out.ends_with("\n\n") {
            self.line("");
        }
    }
}
