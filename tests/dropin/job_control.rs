//! Job control in setsid mode: TSTP/TTIN/TTOU sent as STOP, nanoinit stops itself.
use super::*;

#[test]
fn dumb_init_job_control_stops_and_continues_child_and_itself() {
    for mode in MODES {
        let lab = Lab::new("jobctl", mode);
        for sig in [libc::SIGTSTP, libc::SIGTTIN, libc::SIGTTOU] {
            let _ = fs::write(&lab.log, "");
            let main = lab.catch("main", "TERM", "CONT");
            let init = lab.start("dumb-init", &["-v", "--", "sh", "-c", &format!("exec {main}")], &[]);
            lab.ready("main");
            let child = init.main_child();
            init.signal(sig);
            assert!(wait_state(child, true), "{mode:?} {sig}: child not stopped");
            if mode == Mode::Subreaper {
                assert!(wait_state(init.pid, true), "{sig}: nanoinit did not stop itself");
            } else {
                // As PID 1 the kernel ignores the self-stop.
                std::thread::sleep(Duration::from_millis(200));
                assert_ne!(state(init.pid), Some('T'));
            }
            init.signal(libc::SIGCONT);
            assert!(wait_state(init.pid, false) && wait_state(child, false), "{mode:?} {sig}: not continued");
            lab.expect("main:CONT");
            init.signal(libc::SIGTERM);
            let o = init.wait();
            assert_eq!(o.code, 0, "{mode:?} {sig}: {o:?}");
            assert!(
                o.stderr.lines().any(|l| l.starts_with("nanoinit: forwarded SIGSTOP to process group ")),
                "{}",
                o.stderr
            );
        }
    }
}
