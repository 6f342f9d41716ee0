//! Workloads: this bench binary re-executed under an init with `WORKLOAD` as argv[1].
use super::*;

pub fn workload(args: &[String]) -> ! {
    let arg = |n: usize| args.get(n).map(String::as_str).unwrap_or("");
    match arg(0) {
        "pause" => loop {
            // SAFETY: plain system call.
            unsafe { libc::pause() };
        },
        "sleep" => {
            // An init may hand down a blocked mask; a forwarded TERM must land.
            // SAFETY: plain system call on a valid empty set.
            unsafe {
                let mut empty: libc::sigset_t = std::mem::zeroed();
                libc::sigemptyset(&mut empty);
                libc::sigprocmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut());
            }
            std::thread::sleep(Duration::from_millis(arg(1).parse().unwrap_or(300)));
            std::process::exit(0)
        }
        "sigecho" => sigecho(arg(1)),
        "orphans" => orphans(arg(1).parse().unwrap_or(1000), arg(2)),
        "storm" => storm(arg(1).parse().unwrap_or(2000), arg(2)),
        "tree" => super::trees::tree(arg(1)),
        "treehost" => super::trees::treehost(arg(1), arg(2), args.get(3..).unwrap_or(&[])),
        other => {
            eprintln!("bench workload: unknown mode {other:?}");
            std::process::exit(2)
        }
    }
}

pub static ECHO_FD: AtomicI32 = AtomicI32::new(-1);

pub extern "C" fn on_usr1(_: libc::c_int) {
    let b = b'x';
    // SAFETY: write(2) is async-signal-safe; the fd stays open for our lifetime.
    unsafe { libc::write(ECHO_FD.load(Ordering::Relaxed), (&b as *const u8).cast(), 1) };
}

/// Answers every SIGUSR1 with one byte on the FIFO at `path`.
pub fn sigecho(path: &str) -> ! {
    let f = OpenOptions::new().write(true).open(path).unwrap_or_else(|e| {
        eprintln!("sigecho: {path}: {e}");
        std::process::exit(1)
    });
    ECHO_FD.store(f.as_raw_fd(), Ordering::Relaxed);
    std::mem::forget(f);
    // SAFETY: installs an async-signal-safe handler; unblocks SIGUSR1.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_usr1 as extern "C" fn(libc::c_int) as libc::sighandler_t;
        sa.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(libc::SIGUSR1, &sa, std::ptr::null_mut());
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGUSR1);
        libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::write(ECHO_FD.load(Ordering::Relaxed), b"R".as_ptr().cast(), 1);
        loop {
            libc::pause();
        }
    }
}

pub fn write_result(out: &str, line: &str) {
    let _ = fs::write(out, line);
}

/// `n` orphans blocked on one pipe, released at once: time until all are reaped.
pub fn orphans(n: usize, out: &str) -> ! {
    let mut go = [0; 2];
    let mut pids = [0; 2];
    // SAFETY: single-threaded process; the forked children only make system calls.
    unsafe {
        if libc::pipe(go.as_mut_ptr()) != 0 || libc::pipe(pids.as_mut_ptr()) != 0 {
            std::process::exit(1);
        }
        let m = libc::fork();
        if m == 0 {
            libc::close(pids[0]);
            libc::close(go[1]);
            for _ in 0..n {
                let g = libc::fork();
                if g == 0 {
                    libc::close(pids[1]);
                    let mut b = 0u8;
                    libc::read(go[0], (&mut b as *mut u8).cast(), 1);
                    libc::_exit(0);
                }
                if g < 0 {
                    break;
                }
                libc::write(pids[1], (&g as *const libc::pid_t).cast(), 4);
            }
            libc::_exit(0);
        }
        libc::close(go[0]);
        libc::close(pids[1]);
    }
    let mut r = unsafe { File::from_raw_fd(pids[0]) };
    let mut bytes = Vec::new();
    let _ = r.read_to_end(&mut bytes);
    let mut alive: Vec<libc::pid_t> =
        bytes.chunks_exact(4).map(|c| libc::pid_t::from_ne_bytes([c[0], c[1], c[2], c[3]])).collect();
    let made = alive.len();
    // The intermediate has exited (its pipe end is closed); reap it so the
    // grandchildren are surely the init's.
    loop {
        let mut st = 0;
        if unsafe { libc::wait(&mut st) } < 0 {
            break;
        }
    }
    let t = Instant::now();
    unsafe { libc::close(go[1]) };
    let deadline = t + Duration::from_secs(5);
    let mut done_at = None;
    while Instant::now() < deadline {
        // SAFETY: signal 0 only checks existence; a zombie still exists.
        alive.retain(|&p| unsafe { libc::kill(p, 0) } == 0);
        if alive.is_empty() {
            done_at = Some(t.elapsed());
            break;
        }
        std::thread::sleep(Duration::from_micros(100));
    }
    let ms = done_at.unwrap_or_else(|| t.elapsed()).as_secs_f64() * 1e3;
    write_result(out, &format!("made={made} ms={ms:.3} left={}\n", alive.len()));
    std::process::exit(0)
}

/// Other processes of this PID namespace: (all, zombies).
pub fn others() -> (usize, usize) {
    let me = std::process::id().to_string();
    let (mut all, mut zombies) = (0, 0);
    if let Ok(d) = fs::read_dir("/proc") {
        for e in d.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name == "1" || name == me || !name.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            all += 1;
            if fs::read_to_string(format!("/proc/{name}/stat"))
                .ok()
                .and_then(|s| s.rsplit_once(") ").map(|(_, r)| r.starts_with('Z')))
                .unwrap_or(false)
            {
                zombies += 1;
            }
        }
    }
    (all, zombies)
}

/// `k` serial double-forks: each grandchild is orphaned and exits at once.
pub fn storm(k: usize, out: &str) -> ! {
    let t = Instant::now();
    let mut made = 0;
    for _ in 0..k {
        // SAFETY: single-threaded process; the children only fork and _exit.
        unsafe {
            let c = libc::fork();
            if c == 0 {
                libc::fork();
                libc::_exit(0);
            }
            if c < 0 {
                break;
            }
            let mut st = 0;
            libc::waitpid(c, &mut st, 0);
        }
        made += 1;
    }
    let (_, zombies_at_end) = others();
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut left = others().0;
    let mut ms = t.elapsed().as_secs_f64() * 1e3;
    while left > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_micros(200));
        ms = t.elapsed().as_secs_f64() * 1e3;
        left = others().0;
    }
    write_result(out, &format!("made={made} ms={ms:.3} zombies_at_end={zombies_at_end} left={left}\n"));
    std::process::exit(0)
}
