//! On a pseudo-terminal: the child gets the foreground; setsid mode hands it the tty.
use super::*;

/// A pty pair: the master for the test, the slave as path.
struct Pty {
    master: fs::File,
    slave: String,
}

fn openpty() -> Pty {
    // SAFETY: plain calls on the fd just opened; TIOCGPTN writes one c_uint
    // into `n`; the fd is owned by the File from here on.
    unsafe {
        let m = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC);
        assert!(m >= 0, "posix_openpt");
        assert_eq!(libc::grantpt(m), 0);
        assert_eq!(libc::unlockpt(m), 0);
        let mut n: libc::c_uint = 0;
        assert_eq!(libc::ioctl(m, libc::TIOCGPTN, &mut n), 0);
        Pty { master: fs::File::from(OwnedFd::from_raw_fd(m)), slave: format!("/dev/pts/{n}") }
    }
}

impl Pty {
    /// Collects everything the master reads, in the background.
    fn reader(&self) -> std::sync::Arc<std::sync::Mutex<String>> {
        use std::io::Read;
        let out = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let (mut m, o) = (self.master.try_clone().unwrap(), out.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 512];
            while let Ok(n) = m.read(&mut buf) {
                if n == 0 {
                    break;
                }
                o.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        out
    }

    /// nanoinit (as `exe`, not PID 1) as session leader with this pty as
    /// controlling tty and as fds 0, 1 and 2.
    fn command(&self, lab: &Lab, exe: &str, args: &[&str]) -> Command {
        use std::os::unix::fs::OpenOptionsExt;
        let slave =
            fs::OpenOptions::new().read(true).write(true).custom_flags(libc::O_NOCTTY).open(&self.slave).unwrap();
        let mut c = Command::new(lab.dir.personality(exe));
        without_our_vars(c.args(args).current_dir(&lab.dir.0));
        c.stdin(slave.try_clone().unwrap()).stdout(slave.try_clone().unwrap()).stderr(slave);
        // SAFETY: the closure makes only async-signal-safe calls (setsid, ioctl).
        unsafe {
            c.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        c
    }
}

fn wait_text(out: &std::sync::Arc<std::sync::Mutex<String>>, text: &str) -> bool {
    poll(DEADLINE, || out.lock().unwrap().contains(text).then_some(())).is_some()
}

#[test]
fn pty_default_mode_child_is_the_foreground_group() {
    let lab = Lab::new("pty-fg", Mode::Subreaper);
    for exe in ["nanoinit", "tini"] {
        let pty = openpty();
        let out = pty.reader();
        let init = Init::start_ready(
            pty.command(&lab, exe, &["sh", "-c", "echo ready; read x; echo got:$x"]),
            Mode::Subreaper,
        );
        assert_eq!(stat_num(init.pid, SESSION), Some(init.pid as i64), "nanoinit leads the session");
        let child = init.main_child();
        assert!(wait_text(&out, "ready"), "{exe}: {:?}", out.lock().unwrap());
        // The tty's foreground group (tpgid) is the child's own group.
        assert_eq!(stat_num(child, PGRP), Some(child as i64));
        assert_eq!(stat_num(child, TPGID), Some(child as i64), "{exe}: tpgid");
        use std::io::Write;
        (&pty.master).write_all(b"hello\n").unwrap();
        let o = init.wait();
        assert_eq!(o.code, 0, "{exe}: {o:?}; tty: {:?}", out.lock().unwrap());
        assert!(wait_text(&out, "got:hello"), "{exe}: {:?}", out.lock().unwrap());
    }
}

/// setsid mode on a pty. `drop_hup`: add `-r HUP:0`, so the hand-off is checked
/// apart from the tty-release SIGHUP/SIGCONT (checked by the test below).
fn pty_setsid_mode(drop_hup: bool) {
    let lab = Lab::new("pty-setsid", Mode::Subreaper);
    for (exe, args) in [("nanoinit", &["--setsid"][..]), ("dumb-init", &[])] {
        let _ = fs::write(&lab.log, "");
        let pty = openpty();
        let out = pty.reader();
        let tty_nr = {
            use std::os::unix::fs::MetadataExt;
            fs::metadata(&pty.slave).unwrap().rdev()
        };
        let script = format!(
            "trap 'echo sig:HUP >> {log}' HUP; trap 'echo sig:CONT >> {log}' CONT; echo ready >> {log}; read x; echo got:$x",
            log = lab.log
        );
        let mut argv = args.to_vec();
        if drop_hup {
            argv.extend(["-r", "HUP:0"]);
        }
        argv.extend(["-v", "--", "sh", "-c", &script]);
        let init = Init::start_ready(pty.command(&lab, exe, &argv), Mode::Subreaper);
        lab.expect("ready");
        let child = children(init.pid).first().copied().unwrap_or_else(|| {
            panic!(
                "{exe}: no child; exited {}; tty: {:?}; log {:?}",
                init.has_exited(),
                out.lock().unwrap(),
                lab.lines()
            )
        });
        // The child leads a new session with the pty as its controlling tty;
        // nanoinit let go of it.
        assert_eq!(stat_num(child, SESSION), Some(child as i64), "{exe}: sid");
        let ctty = stat_num(child, TTY_NR).unwrap_or(0) as u64;
        let dev = |d: u64| (libc::major(d), libc::minor(d));
        assert_eq!(dev(ctty), dev(tty_nr), "{exe}: child's tty_nr");
        assert_eq!(stat_num(init.pid, TTY_NR), Some(0), "{exe}: nanoinit still has a tty");
        assert_eq!(stat_num(child, TPGID), Some(child as i64), "{exe}: foreground group");
        use std::io::Write;
        (&pty.master).write_all(b"hello\n").unwrap();
        let o = init.wait();
        assert_eq!(o.code, 0, "{exe}: {o:?}");
        assert!(wait_text(&out, "got:hello"), "{exe}: {:?}", out.lock().unwrap());
        if !drop_hup {
            assert!(
                !lab.has("sig:HUP") && !lab.has("sig:CONT"),
                "{exe}: the tty hand-off's HUP/CONT reached the child: {:?}",
                lab.lines()
            );
            let tty = out.lock().unwrap().clone();
            assert!(!tty.contains("forwarded SIGHUP") && !tty.contains("forwarded SIGCONT"), "{exe}: {tty}");
        }
    }
}

#[test]
fn pty_setsid_mode_hands_the_tty_to_the_child() {
    pty_setsid_mode(true);
}

#[test]
fn pty_setsid_mode_swallows_the_tty_release_hup_and_cont() {
    pty_setsid_mode(false);
}

#[test]
fn pty_dumb_init_job_control_not_pid1() {
    let lab = Lab::new("pty-jobctl", Mode::Subreaper);
    let pty = openpty();
    let _out = pty.reader();
    let main = lab.catch("main", "TERM", "CONT");
    // `-r HUP:0`: job control checked apart from the tty-release SIGHUP (see above).
    let args = ["-r", "HUP:0", "--", "sh", "-c", &format!("exec {main}")];
    let init = Init::start_ready(pty.command(&lab, "dumb-init", &args), Mode::Subreaper);
    lab.ready("main");
    let child = init.main_child();
    assert_eq!(stat_num(child, SESSION), Some(child as i64));
    init.signal(libc::SIGTSTP);
    assert!(wait_state(child, true), "child not stopped");
    assert!(wait_state(init.pid, true), "nanoinit did not stop itself");
    init.signal(libc::SIGCONT);
    assert!(wait_state(init.pid, false) && wait_state(child, false), "not continued");
    lab.expect("main:CONT");
    init.signal(libc::SIGTERM);
    let o = init.wait();
    assert_eq!(o.code, 0, "{o:?}");
}
