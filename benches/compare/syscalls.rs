//! System calls from the init's execve to the child's (strace).
use super::*;
use std::os::unix::process::CommandExt;

impl Report {
    pub fn syscalls(&mut self, plan: &Plan, inits: &[Init], notes: &mut Vec<String>) {
        let Some(strace) = which("strace") else {
            notes.push("strace is not installed: syscall counts not measured".into());
            return;
        };
        let unshare = which("unshare");
        let tmp = std::env::temp_dir().join(format!("nanoinit-bench-strace.{}", std::process::id()));
        let mut rows = Vec::new();
        let mut best_in: Vec<Option<f64>> = Vec::new();
        for i in inits {
            let mut counts: Vec<(usize, usize, usize)> = Vec::new();
            for _ in 0..plan.strace_runs {
                let mut c = Command::new(&strace);
                c.args(["-f", "-qq", "-o"]).arg(&tmp).arg("--");
                if let Some(u) = &unshare {
                    c.args([u.as_str(), "--pid", "--fork", "--kill-child"]);
                }
                c.args(i.argv(&["/bin/true"])).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
                // SAFETY: runs in the forked child before exec, and only sets
                // dispositions (async-signal-safe system calls).
                unsafe {
                    c.pre_exec(|| {
                        default_dispositions();
                        Ok(())
                    });
                }
                let ok = c.spawn().ok().and_then(|mut ch| wait_child(&mut ch, Duration::from_secs(20))).is_some();
                let text = fs::read_to_string(&tmp).unwrap_or_default();
                let _ = fs::remove_file(&tmp);
                if ok {
                    if let Some(n) = count_syscalls(&text, &i.path, "/bin/true") {
                        counts.push(n);
                    }
                }
            }
            let med = |f: fn(&(usize, usize, usize)) -> usize| {
                let mut v: Vec<f64> = counts.iter().map(f).map(|x| x as f64).collect();
                median(&mut v)
            };
            let (a, b, c) = (med(|t| t.0), med(|t| t.1), med(|t| t.2));
            best_in.push(a);
            rows.push((i.name, a, b, c));
        }
        let best = inits
            .iter()
            .zip(&best_in)
            .filter(|(i, _)| !i.nanoinit)
            .filter_map(|(_, v)| *v)
            .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.min(v))));
        self.line(&format!(
            "## System calls, `INIT -- /bin/true` as PID 1 of a new PID namespace (strace -f, median of {})",
            plan.strace_runs
        ));
        self.line("");
        let f = |v: Option<f64>| v.map(|v| format!("{v:.0}")).unwrap_or_else(|| "–".into());
        let table: Vec<Vec<String>> =
            rows.iter().map(|(n, a, b, c)| vec![n.to_string(), f(*a), ratio(*a, best), f(*b), f(*c)]).collect();
        let cells = rows.iter().map(|(n, a, ..)| (*n, f(*a), *a)).collect();
        self.summarize("syscalls from the init's execve to the child's".into(), cells);
        self.table(
            &["init", "init: own execve → child's execve", "× best peer", "child: fork → execve", "init: whole run"],
            &table,
        );
    }
}

/// Counts, from an `strace -f` log: the init's syscalls after its own execve
/// up to the child's execve of `child`; the child's syscalls before that
/// execve; the init's syscalls over the whole run.
fn count_syscalls(text: &str, init: &str, child: &str) -> Option<(usize, usize, usize)> {
    let lines: Vec<(&str, &str)> =
        text.lines().filter_map(|l| l.split_once(' ')).map(|(p, r)| (p, r.trim_start())).collect();
    let init_exec = format!("execve(\"{init}\"");
    let child_exec = format!("execve(\"{child}\"");
    let is_call = |r: &str| !(r.starts_with("<...") || r.starts_with("---") || r.starts_with("+++"));
    let (ii, init_pid) =
        lines.iter().enumerate().find(|(_, (_, r))| r.starts_with(&init_exec)).map(|(n, (p, _))| (n, *p))?;
    let (ci, child_pid) = lines
        .iter()
        .enumerate()
        .skip(ii + 1)
        .find(|(_, (p, r))| *p != init_pid && r.starts_with(&child_exec))
        .map(|(n, (p, _))| (n, *p))?;
    let before = lines[ii + 1..ci].iter().filter(|(p, r)| *p == init_pid && is_call(r)).count();
    let child_n = lines[..ci].iter().filter(|(p, r)| *p == child_pid && is_call(r)).count();
    let total = lines[ii + 1..].iter().filter(|(p, r)| *p == init_pid && is_call(r)).count();
    Some((before, child_n, total))
}
