//! Hygiene: what nanoinit holds on to, and what the child gets from it.
//! nanoinit pins no fd and no directory; the child gets exactly the fds, the
//! environment and a clean signal state, whatever nanoinit itself inherited.
mod common;
use common::*;

use std::ffi::OsStr;
use std::fs::File;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::time::Duration;

/// Gives the spawned process fds 5 and 7 (not close-on-exec), a blocked
/// USR1/RTMIN+2 and an ignored PIPE/USR2/HUP: the mess a careless parent leaves.
fn inherit_mess(c: &mut std::process::Command, five: &File, seven: &File) {
    let (a, b) = (five.as_raw_fd(), seven.as_raw_fd());
    unsafe {
        c.pre_exec(move || {
            // Via fds ≥ 100 first, so that neither source is overwritten by the other's dup2.
            let (ha, hb) = (libc::fcntl(a, libc::F_DUPFD_CLOEXEC, 100), libc::fcntl(b, libc::F_DUPFD_CLOEXEC, 100));
            if ha < 0 || hb < 0 || libc::dup2(ha, 5) < 0 || libc::dup2(hb, 7) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGUSR1);
            libc::sigaddset(&mut set, libc::SIGRTMIN() + 2);
            libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
            for s in [libc::SIGPIPE, libc::SIGUSR2, libc::SIGHUP] {
                libc::signal(s, libc::SIG_IGN);
            }
            Ok(())
        });
    }
}

/// The test process's own fds that are not close-on-exec.
fn leaked_fds() -> Vec<i32> {
    fds(std::process::id() as i32)
        .into_iter()
        .map(|f| f.0)
        .filter(|&n| {
            let info = std::fs::read_to_string(format!("/proc/self/fdinfo/{n}")).unwrap_or_default();
            // (A fd another test thread closed meanwhile has no fdinfo: not leaked.)
            let flags = info.lines().find_map(|l| l.strip_prefix("flags:")).map(str::trim);
            flags.and_then(|f| u32::from_str_radix(f, 8).ok()).is_some_and(|f| f & libc::O_CLOEXEC as u32 == 0)
        })
        .collect()
}

/// nanoinit keeps only 0-2 and its signalfd, and sits in `/`; the child has
/// exactly 0-2 plus the inherited 5 and 7 (no signalfd, no spawn pipe), the
/// test's cwd, and an empty mask and ignore set.
#[test]
fn fds_cwd_and_signal_state() {
    let dir = TempDir::new("hygiene-fds");
    let five = File::create(dir.join("five")).unwrap();
    let seven = File::open("/dev/null").unwrap();
    for mode in MODES {
        let mut c = command(mode, &["--", "sleep", "30"]);
        c.current_dir(&dir.0);
        inherit_mess(&mut c, &five, &seven);
        let init = Init::start_ready(c, mode);
        let child = init.main_child();
        wait_comm(child, "sleep");
        let me = init.pid;

        // nanoinit lets go of the inherited fds right after the spawn.
        let mine = poll(DEADLINE, || {
            let f = fds(me);
            (f.len() == 4).then_some(f)
        })
        .unwrap_or_else(|| panic!("{mode:?}: nanoinit still holds {:?}", fds(me)));
        let numbers: Vec<i32> = mine.iter().map(|f| f.0).collect();
        assert_eq!(&numbers[..3], [0, 1, 2], "{mode:?}: {mine:?}");
        assert_eq!(mine[3].1, "anon_inode:[signalfd]", "{mode:?}: {mine:?}");
        assert_eq!(std::fs::read_link(format!("/proc/{me}/cwd")).unwrap(), std::path::Path::new("/"), "{mode:?}");

        // Right after its exec a dynamic `sleep` still has the loader's file
        // of libc open; wait until it has settled.
        let theirs = poll(DEADLINE, || {
            let f = fds(child);
            (!f.iter().any(|(_, target)| target.contains(".so"))).then_some(f)
        })
        .unwrap_or_else(|| fds(child));
        let numbers: Vec<i32> = theirs.iter().map(|f| f.0).collect();
        // Whatever the test process itself leaks (cargo's jobserver pipe, …) is
        // inherited by nanoinit too, and so rightly reaches the child.
        let mut want = vec![0, 1, 2, 5, 7];
        want.extend(leaked_fds().into_iter().filter(|&f| f > 2 && f != 5 && f != 7));
        want.sort();
        assert_eq!(numbers, want, "{mode:?}: {theirs:?}");
        assert_eq!(theirs[..3], mine[..3], "{mode:?}: the child's stdio is nanoinit's");
        let target = |n: i32| theirs.iter().find(|f| f.0 == n).map(|f| f.1.clone());
        assert_eq!(target(5), Some(dir.join("five")), "{mode:?}");
        assert_eq!(target(7).as_deref(), Some("/dev/null"), "{mode:?}");
        assert!(!theirs.iter().any(|f| f.1.contains("signalfd")), "{mode:?}: {theirs:?}");
        assert_eq!(std::fs::read_link(format!("/proc/{child}/cwd")).unwrap(), dir.0, "{mode:?}");

        // nanoinit itself inherited the blocked and ignored signals; the child must not.
        assert_eq!(sig_mask(child, "SigBlk"), Some(0), "{mode:?}");
        assert_eq!(sig_mask(child, "SigIgn"), Some(0), "{mode:?}");
        assert_eq!(sig_mask(child, "SigPnd"), Some(0), "{mode:?}");
        assert_eq!(sig_mask(child, "ShdPnd"), Some(0), "{mode:?}");
        assert_eq!(sig_mask(me, "SigIgn"), Some(0), "{mode:?}: nanoinit resets inherited ignores");

        init.signal(libc::SIGTERM);
        let o = init.wait();
        assert_eq!(o.code, 128 + libc::SIGTERM, "{mode:?}: {}", o.stderr);
    }
}

/// The child's environment is byte for byte what nanoinit was given, in order,
/// its own `NANOINIT_*`/`TINI_*` variables and odd bytes included.
#[test]
fn environment_passes_through_exactly() {
    let dir = TempDir::new("hygiene-env");
    let vars: Vec<(&[u8], Vec<u8>)> = vec![
        (b"A", b"1".to_vec()),
        (b"EMPTY", b"".to_vec()),
        (b"SPACES", b" a  b ".to_vec()),
        (b"NEWLINE", b"x\ny".to_vec()),
        (b"EQUALS", b"a=b=c".to_vec()),
        (b"NON_UTF8", b"\xff\xfe\x80".to_vec()),
        (b"NANOINIT_GRACE", b"2".to_vec()),
        (b"NANOINIT_VERBOSITY", b"0".to_vec()),
        (b"TINI_SUBREAPER", b"1".to_vec()),
        (b"DUMB_INIT_SETSID", b"0".to_vec()),
        (b"LONG", vec![b'L'; 100_000]),
        (b"lower_case", b"v".to_vec()),
    ];
    let env_bin = which("env").expect("env");
    for mode in MODES {
        let out_path = dir.join(&format!("env-{mode:?}"));
        let mut c = command_as(mode, bin(), &["--", &env_bin, "-0"]);
        c.env_clear();
        for (k, v) in &vars {
            c.env(OsStr::from_bytes(k), OsStr::from_bytes(v));
        }
        c.stdout(File::create(&out_path).unwrap());
        let o = Init::start(c, mode).wait();
        assert_eq!(o.code, 0, "{mode:?}: {}", o.stderr);
        let got = std::fs::read(&out_path).unwrap();
        let mut got: Vec<&[u8]> = got.split(|&b| b == 0).filter(|e| !e.is_empty()).collect();
        let want: Vec<Vec<u8>> = vars.iter().map(|(k, v)| [*k, b"=", v].concat()).collect();
        let mut want: Vec<&[u8]> = want.iter().map(Vec::as_slice).collect();
        got.sort();
        want.sort();
        assert_eq!(
            got.len(),
            want.len(),
            "{mode:?}: {:?}",
            got.iter().map(|e| String::from_utf8_lossy(&e[..e.len().min(40)])).collect::<Vec<_>>()
        );
        assert!(got == want, "{mode:?}: environment differs");
    }
}

/// The signals that would mean "nanoinit faulted" if the kernel raised them are,
/// when merely sent with kill(2), forwarded like any other: the child traps each.
#[test]
fn fault_signals_sent_by_kill_are_forwarded() {
    const FAULTS: [(i32, &str); 7] = [
        (libc::SIGSEGV, "SEGV"),
        (libc::SIGBUS, "BUS"),
        (libc::SIGFPE, "FPE"),
        (libc::SIGILL, "ILL"),
        (libc::SIGABRT, "ABRT"),
        (libc::SIGTRAP, "TRAP"),
        (libc::SIGSYS, "SYS"),
    ];
    for mode in MODES {
        let dir = TempDir::new("hygiene-faults");
        let log = dir.join("got");
        let traps: String = FAULTS.iter().map(|(_, n)| format!("trap 'echo {n} >> \"$1\"' {n}; ")).collect();
        let script = format!("{traps} : > \"$1\"; while [ $(wc -l < \"$1\") -lt 7 ]; do sleep 0.01; done; exit 0");
        let init = Init::start_ready(command(mode, &["-v", "--", "sh", "-c", &script, "sh", &log]), mode);
        let child = init.main_child();
        for (sig, _) in FAULTS {
            wait_catches(child, sig);
        }
        for (sig, _) in FAULTS {
            init.signal(sig);
        }
        let o = init.wait_for(Duration::from_secs(20));
        assert_eq!(o.code, 0, "{mode:?}: {}", o.stderr);
        let mut got: Vec<String> = std::fs::read_to_string(&log).unwrap().lines().map(str::to_string).collect();
        got.sort();
        let mut want: Vec<String> = FAULTS.iter().map(|(_, n)| n.to_string()).collect();
        want.sort();
        assert_eq!(got, want, "{mode:?}");
        for (_, n) in FAULTS {
            assert_eq!(
                count_lines(&o.stderr, &format!("nanoinit: forwarded SIG{n} to child ")),
                1,
                "{mode:?}: {}",
                o.stderr
            );
        }
    }
}
