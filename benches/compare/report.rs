//! The markdown report: its header, the binary table and the footer; each
//! measurement adds its own table (one module each).
use super::*;

#[derive(Default)]
pub struct Report {
    pub out: String,
    /// Facts about the run for `report.json` (date, kernel, CPU, plan).
    pub meta: Vec<(&'static str, String)>,
    /// The headline rows, one per measurement, for `report.json`, which
    /// scripts/numbers.py turns into the README's table.
    pub summary: Vec<Summary>,
}

/// One headline row: per init, the cell's text and the value that ranks it
/// (lower is better in every row).
pub struct Summary {
    pub label: String,
    pub cells: Vec<(&'static str, String, Option<f64>)>,
}

impl Report {
    /// Adds a headline row; a measurement that adds one shows up in the README
    /// at the next `make bench` with no other change.
    pub fn summarize(&mut self, label: String, cells: Vec<(&'static str, String, Option<f64>)>) {
        self.summary.push(Summary { label, cells });
    }

    /// `meta` and `summary` as JSON (no serde: the bench has no dependencies).
    pub fn json(&self) -> String {
        fn s(v: &str) -> String {
            let mut o = String::from("\"");
            for c in v.chars() {
                match c {
                    '"' => o.push_str("\\\""),
                    '\\' => o.push_str("\\\\"),
                    c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
                    c => o.push(c),
                }
            }
            o.push('"');
            o
        }
        let num = |v: Option<f64>| v.filter(|v| v.is_finite()).map_or("null".into(), |v| format!("{v}"));
        let meta: Vec<String> = self.meta.iter().map(|(k, v)| format!("{}: {}", s(k), s(v))).collect();
        let rows: Vec<String> = self
            .summary
            .iter()
            .map(|r| {
                let cells: Vec<String> = r
                    .cells
                    .iter()
                    .map(|(init, text, v)| {
                        format!("{{\"init\": {}, \"text\": {}, \"value\": {}}}", s(init), s(text), num(*v))
                    })
                    .collect();
                format!("    {{\"label\": {}, \"cells\": [{}]}}", s(&r.label), cells.join(", "))
            })
            .collect();
        format!("{{\"meta\": {{{}}},\n \"rows\": [\n{}\n]}}\n", meta.join(", "), rows.join(",\n"))
    }

    pub fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    /// A markdown table: the first column left-aligned, numbers right-aligned.
    pub fn table(&mut self, head: &[&str], rows: &[Vec<String>]) {
        self.table_left(head, rows, 1);
    }

    /// Like [`Report::table`] with the first `left` columns left-aligned.
    pub fn table_left(&mut self, head: &[&str], rows: &[Vec<String>], left: usize) {
        self.line(&format!("| {} |", head.join(" | ")));
        self.line(&format!(
            "|{}",
            (0..head.len()).map(|i| if i < left { "---|" } else { "---:|" }).collect::<String>()
        ));
        for r in rows {
            self.line(&format!("| {} |", r.join(" | ")));
        }
        self.line("");
    }

    pub fn header(&mut self, plan: &Plan, quick: bool, inits: &[Init]) {
        let mut u: libc::utsname = unsafe { std::mem::zeroed() };
        // SAFETY: a valid utsname to fill.
        unsafe { libc::uname(&mut u) };
        let cstr = |a: &[libc::c_char]| unsafe { CStr::from_ptr(a.as_ptr()) }.to_string_lossy().into_owned();
        let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let model = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name")?.split_once(':').map(|(_, v)| v.trim().to_string()))
            .unwrap_or_else(|| "?".into());
        let ncpu = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        let mhz =
            cpuinfo.lines().find_map(|l| l.strip_prefix("cpu MHz")?.split_once(':').map(|(_, v)| v.trim().to_string()));
        let kernel = format!("{} {} {}", cstr(&u.sysname), cstr(&u.release), cstr(&u.machine));
        let cpu = format!("{model}{}, {ncpu} CPUs available", mhz.map(|m| format!(" @ {m} MHz")).unwrap_or_default());
        self.meta =
            vec![("date", utc_now()), ("kernel", kernel.clone()), ("cpu", cpu.clone()), ("quick", quick.to_string())];
        self.line("# nanoinit bench: nanoinit and its peers, interleaved in one run");
        self.line("");
        self.line(&format!("- date: {}", self.meta[0].1));
        self.line(&format!("- kernel: {kernel}"));
        self.line(&format!("- CPU: {cpu}"));
        self.line(&format!("- inits: {}", names(inits)));
        self.line(&format!(
            "- plan{}: start-up {} runs each; signal round trip {}; {} orphans at once and a {}-step double-fork storm, {} rounds; early SIGTERM up to {} starts or {} s per init and mode",
            if quick { " (QUICK — not for publishing)" } else { "" },
            plan.startup_runs,
            plan.rtt_blocks * plan.rtt_block,
            plan.orphans,
            plan.storm,
            plan.reap_rounds,
            plan.early_max,
            plan.early_budget.as_secs()
        ));
        self.line(
            "- \"× best peer\": the value divided by the best value among the peers (nanoinit excluded); lower is better everywhere.",
        );
        self.line("");
    }

    pub fn binaries(&mut self, inits: &[Init]) {
        self.line("## Binary");
        self.line("");
        let best = best_peer(inits, |i| Some(i.size as f64));
        let rows: Vec<Vec<String>> = inits
            .iter()
            .map(|i| {
                vec![
                    i.name.to_string(),
                    i.version.clone(),
                    format!("`{}`", shown_path(&i.path)),
                    i.size.to_string(),
                    match i.is_static {
                        Some(true) => "yes".into(),
                        Some(false) => "no (dynamic)".into(),
                        None => "?".into(),
                    },
                    ratio(Some(i.size as f64), best),
                ]
            })
            .collect();
        self.table_left(&["init", "version", "path", "size (bytes)", "static", "× best peer"], &rows, 3);
        let cells = inits
            .iter()
            .map(|i| {
                let linked = match i.is_static {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "?",
                };
                (i.name, format!("{} / {linked}", grouped(i.size)), Some(i.size as f64))
            })
            .collect();
        self.summarize("binary size (bytes) / static".into(), cells);
    }

    pub fn footer(&mut self, notes: &[String], elapsed: Duration) {
        self.line(&format!("Bench run time: {:.0} s.", elapsed.as_secs_f64()));
        if !notes.is_empty() {
            self.line("");
            self.line("Notes:");
            for n in notes {
                self.line(&format!("- {n}"));
            }
        }
    }
}

/// `path` as the report shows it: relative to the source tree when inside it
/// (`dist/nanoinit`), so the report names no directory of the bench machine.
fn shown_path(path: &str) -> &str {
    let tree = concat!(env!("CARGO_MANIFEST_DIR"), "/");
    path.strip_prefix(tree).unwrap_or(path)
}
