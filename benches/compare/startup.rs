//! Start-up overhead: `INIT -- /bin/true` against `/bin/true` alone.
use super::*;

impl Report {
    pub fn startup(&mut self, plan: &Plan, inits: &[Init], root: bool) {
        // Column 0 is the baseline (/bin/true alone), then one per init.
        let n = inits.len() + 1;
        let mut plain: Vec<Vec<f64>> = vec![Vec::new(); n];
        let mut pid1: Vec<Vec<f64>> = vec![Vec::new(); n];
        let mut failures = vec![0usize; n];
        let argv = |k: usize| {
            if k == 0 {
                vec!["/bin/true".to_string()]
            } else {
                inits[k - 1].argv(&["/bin/true"])
            }
        };
        for round in 0..plan.startup_runs {
            for j in 0..n {
                let k = (j + round) % n;
                let a = argv(k);
                let t = Instant::now();
                let st = Command::new(&a[0])
                    .args(&a[1..])
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status();
                let dt = t.elapsed().as_secs_f64() * 1e3;
                match st {
                    Ok(s) if s.success() => plain[k].push(dt),
                    _ => failures[k] += 1,
                }
                if root {
                    let t = Instant::now();
                    let code = Ns::spawn(&a, Mode::Pid1, None).ok().and_then(|mut ns| ns.wait(Duration::from_secs(10)));
                    let dt = t.elapsed().as_secs_f64() * 1e3;
                    match code {
                        Some(0) => pid1[k].push(dt),
                        _ => failures[k] += 1,
                    }
                }
            }
        }
        let mp: Vec<Option<f64>> = plain.iter_mut().map(|v| median(v)).collect();
        let mq: Vec<Option<f64>> = pid1.iter_mut().map(|v| median(v)).collect();
        let over = |m: &[Option<f64>], k: usize| m[k].zip(m[0]).map(|(a, b)| a - b);
        let best_p = best_peer(inits, |i| over(&mp, 1 + inits.iter().position(|j| j.name == i.name).unwrap_or(0)));
        let best_q = best_peer(inits, |i| over(&mq, 1 + inits.iter().position(|j| j.name == i.name).unwrap_or(0)));
        self.line(&format!(
            "## Start-up: `INIT -- /bin/true`, spawn to reaped, median of {} interleaved runs",
            plan.startup_runs
        ));
        self.line("");
        self.line("Plain: a child of the bench (inits that can become a subreaper do). PID 1: first process of a new PID namespace (clone(CLONE_NEWPID) included).");
        self.line("");
        let ms = |v: Option<f64>| v.map(|v| format!("{v:.3}")).unwrap_or_else(|| "–".into());
        let mut rows = Vec::new();
        for k in 0..n {
            let name = if k == 0 { "(/bin/true alone)".to_string() } else { inits[k - 1].name.to_string() };
            let (ratio_p, ratio_q) = if k == 0 {
                (String::new(), String::new())
            } else {
                (ratio(over(&mp, k), best_p), ratio(over(&mq, k), best_q))
            };
            let x =
                |m: &[Option<f64>]| m[k].zip(m[0]).map(|(a, b)| format!("{:.2}", a / b)).unwrap_or_else(|| "–".into());
            let mut row = vec![name, ms(mp[k]), if k == 0 { String::new() } else { ms(over(&mp, k)) }, x(&mp), ratio_p];
            if root {
                row.extend([ms(mq[k]), if k == 0 { String::new() } else { ms(over(&mq, k)) }, x(&mq), ratio_q]);
            }
            row.push(failures[k].to_string());
            rows.push(row);
        }
        let cells = (1..n).map(|k| (inits[k - 1].name, ms(over(&mp, k)), over(&mp, k))).collect();
        self.summarize(format!("`INIT -- /bin/true` start-up overhead (ms, median of {})", plan.startup_runs), cells);
        let mut head = vec!["init", "plain (ms)", "overhead (ms)", "÷ /bin/true", "overhead × best peer"];
        if root {
            head.extend(["PID 1 (ms)", "overhead (ms)", "÷ /bin/true", "overhead × best peer"]);
        }
        head.push("failed runs");
        self.table(&head, &rows);
    }
}
