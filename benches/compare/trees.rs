//! Ending a big tree: the time from one SIGTERM to the init until a tree of
//! 11,110 processes (fanout 10, 4 levels, every one dying of TERM) is gone,
//! with each init told to signal the whole tree (nanoinit `-a`, tini `-g`,
//! dumb-init by default, catatonit `-g`).
//!
//! As PID 1: the init's exit ends the namespace, and the kernel kills and
//! reaps what is left before the init's parent sees it exit, so "gone" is the
//! init's exit. As a subreaper: the namespace's PID 1 is this binary
//! (`treehost`), the init its plain child; "gone" is when the last process of
//! the namespace has been reaped, by the init or (for an init that exits
//! before its tree) by `treehost` as the orphans' new parent.

use super::*;

/// Children per node of the tree.
const FANOUT: usize = 10;
/// Levels below the main program.
const DEPTH: u32 = 4;
/// Processes in the tree, the main program not counted.
pub const TREE_SIZE: usize = 11_110;

/// Options that make `init` signal the whole tree, as PID 1 or not.
fn whole_tree_flags(init: &Init, pid1: bool) -> Vec<&'static str> {
    match init.name {
        "nanoinit" => vec!["-a"],
        "tini" | "tini-static" if pid1 => vec!["-g"],
        "tini" | "tini-static" => vec!["-s", "-g"],
        "catatonit" => vec!["-g"],
        _ => vec![],
    }
}

fn argv(init: &Init, pid1: bool, prog: &[&str]) -> Vec<String> {
    let mut v = vec![init.path.clone()];
    v.extend(whole_tree_flags(init, pid1).iter().map(|s| s.to_string()));
    if init.dashdash {
        v.push("--".into());
    }
    v.extend(prog.iter().map(|s| s.to_string()));
    v
}

impl Report {
    /// The table: median ms per init, as PID 1 and as a subreaper.
    pub(crate) fn trees(&mut self, rounds: usize, inits: &[Init], me: &str, tmp: &Path) {
        let mut pid1: Vec<Vec<f64>> = vec![Vec::new(); inits.len()];
        let mut sub: Vec<Vec<f64>> = vec![Vec::new(); inits.len()];
        let mut problems = Vec::new();
        for round in 0..rounds {
            for j in 0..inits.len() {
                let k = (j + round) % inits.len();
                let i = &inits[k];
                let ready = tmp.join(format!("tree-{}-{round}", i.name));
                let ready_s = ready.to_str().unwrap_or_default().to_string();
                let tree = [me, WORKLOAD, "tree", ready_s.as_str()];
                match tree_as_pid1(&argv(i, true, &tree), &ready) {
                    Ok(ms) => pid1[k].push(ms),
                    Err(e) => problems.push(format!("- {} as PID 1: {e}", i.name)),
                }
                let _ = fs::remove_file(&ready);
                let out = tmp.join(format!("treehost-{}-{round}", i.name));
                let out_s = out.to_str().unwrap_or_default().to_string();
                let mut host = vec![me.to_string(), WORKLOAD.into(), "treehost".into(), out_s, ready_s.clone()];
                host.extend(argv(i, false, &tree));
                let code =
                    Ns::spawn(&host, Mode::Pid1Proc, None).ok().and_then(|mut ns| ns.wait(Duration::from_secs(120)));
                let text = fs::read_to_string(&out).unwrap_or_default();
                match text.trim().strip_prefix("ms=").and_then(|v| v.parse::<f64>().ok()) {
                    Some(ms) if code == Some(0) => sub[k].push(ms),
                    _ => problems.push(format!("- {} as a subreaper: {} (exit {code:?})", i.name, text.trim())),
                }
                let _ = fs::remove_file(&out);
                let _ = fs::remove_file(&ready);
            }
        }
        self.line(&format!("## Ending a tree of {TREE_SIZE} processes (median of {rounds} rounds)"));
        self.line("");
        self.line(
            "One SIGTERM to the init, which signals the whole tree (nanoinit `-a`, tini `-g`, dumb-init's \
             session, catatonit `-g`); time until every process of the tree has been reaped. As a subreaper, \
             an init that exits before its tree leaves the rest to the namespace's PID 1 (tini, dumb-init and \
             catatonit do not wait for orphans); the time still runs to the last reap.",
        );
        self.line("");
        let med = |v: &[f64]| median(&mut v.to_vec());
        let pos = |i: &Init| inits.iter().position(|j| j.name == i.name).unwrap_or(0);
        let best1 = best_peer(inits, |i| med(&pid1[pos(i)]));
        let best2 = best_peer(inits, |i| med(&sub[pos(i)]));
        let f1 = |v: Option<f64>| v.map(|v| format!("{v:.0}")).unwrap_or_else(|| "–".into());
        let rows: Vec<Vec<String>> = inits
            .iter()
            .enumerate()
            .map(|(k, i)| {
                let (a, b) = (med(&pid1[k]), med(&sub[k]));
                vec![i.name.to_string(), f1(a), ratio(a, best1), f1(b), ratio(b, best2)]
            })
            .collect();
        self.table(&["init", "PID 1: ms", "× best peer", "subreaper: ms", "× best peer"], &rows);
        for p in problems {
            self.line(&p);
        }
        if !problems_end(&self.out) {
            self.line("");
        }
    }
}

fn problems_end(out: &str) -> bool {
    out.ends_with("\n\n")
}

/// Starts the init as PID 1 with the tree under it, TERMs it once the tree
/// is built, and returns the ms until it has exited.
fn tree_as_pid1(argv: &[String], ready: &Path) -> Result<f64, String> {
    let mut ns = Ns::spawn(argv, Mode::Pid1Proc, None).map_err(|e| format!("spawn: {e}"))?;
    wait_ready(ready, || ns.wait(Duration::ZERO).is_some())?;
    let t0 = Instant::now();
    // SAFETY: our own child, not yet reaped.
    unsafe { libc::kill(ns.pid, libc::SIGTERM) };
    match ns.wait(Duration::from_secs(120)) {
        Some(_) => Ok(t0.elapsed().as_secs_f64() * 1e3),
        None => Err("did not exit within 120 s".into()),
    }
}

/// Waits until the tree has written "ready" (or `gone` says it never will).
fn wait_ready(ready: &Path, mut gone: impl FnMut() -> bool) -> Result<(), String> {
    let end = Instant::now() + Duration::from_secs(120);
    while fs::read_to_string(ready).map(|s| s != "ready").unwrap_or(true) {
        if gone() {
            return Err("exited before the tree was built".into());
        }
        if Instant::now() > end {
            return Err("tree not built within 120 s".into());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Ok(())
}

/// Workload `tree READY`: the main program. Forks the tree (every process
/// dies of TERM, as it has by default), writes "ready" once every process
/// has said it exists, and waits for its signal.
pub fn tree(ready: &str) -> ! {
    let mut p = [0; 2];
    // SAFETY: single-threaded process; the forked children only make system
    // calls (fork, write, pause) and never return into Rust code that allocates.
    unsafe {
        let mut empty: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut empty);
        libc::sigprocmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut());
        libc::signal(libc::SIGTERM, libc::SIG_DFL);
        if libc::pipe(p.as_mut_ptr()) != 0 {
            std::process::exit(1);
        }
        node(DEPTH, p[1]);
        libc::close(p[1]);
        let mut seen = 0;
        let mut buf = [0u8; 4096];
        while seen < TREE_SIZE {
            let n = libc::read(p[0], buf.as_mut_ptr().cast(), buf.len());
            if n <= 0 {
                std::process::exit(1);
            }
            seen += n as usize;
        }
    }
    let _ = fs::write(format!("{ready}.tmp"), "ready");
    let _ = fs::rename(format!("{ready}.tmp"), ready);
    loop {
        // SAFETY: plain system call.
        unsafe { libc::pause() };
    }
}

/// Forks `FANOUT` children, each a node of `levels - 1` more levels; a new
/// process writes one byte to `fd` and pauses until it dies.
///
/// # Safety
/// Only in a single-threaded process.
unsafe fn node(levels: u32, fd: RawFd) {
    if levels == 0 {
        return;
    }
    for _ in 0..FANOUT {
        // SAFETY: (the caller's) single-threaded process.
        unsafe {
            match libc::fork() {
                0 => {
                    node(levels - 1, fd);
                    libc::write(fd, b"x".as_ptr().cast(), 1);
                    loop {
                        libc::pause();
                    }
                }
                -1 => libc::_exit(1),
                _ => {}
            }
        }
    }
}

/// Workload `treehost OUT READY INIT…`, as PID 1 of a namespace: starts the
/// init as a plain child, TERMs it once the tree is built, reaps everything
/// that comes to it, and writes `ms=` (TERM to the last reap) to OUT.
pub fn treehost(out: &str, ready: &str, init: &[String]) -> ! {
    let mut cmd = std::process::Command::new(&init[0]);
    cmd.args(&init[1..]).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    let child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            write_result(out, &format!("spawn: {e}"));
            std::process::exit(1)
        }
    };
    let pid = child.id() as libc::pid_t;
    let gone = || {
        let mut st = 0;
        // SAFETY: plain system call on our own child.
        unsafe { libc::waitpid(pid, &mut st, libc::WNOHANG) == pid }
    };
    if let Err(e) = wait_ready(Path::new(ready), gone) {
        write_result(out, &e);
        std::process::exit(1)
    }
    let t0 = Instant::now();
    // SAFETY: our own child, not yet reaped.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    // Everything in the namespace is ours or comes to us: reap until none is left.
    loop {
        let mut st = 0;
        // SAFETY: plain system call.
        if unsafe { libc::waitpid(-1, &mut st, 0) } < 0 {
            break;
        }
    }
    write_result(out, &format!("ms={:.1}", t0.elapsed().as_secs_f64() * 1e3));
    std::process::exit(0)
}
