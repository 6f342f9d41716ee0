//! `-p`: a signal for nanoinit when its parent dies.
use super::*;

#[test]
fn pdeathsig_as_subreaper_when_the_parent_dies() {
    let lab = Lab::new("pdeath-sub", Mode::Subreaper);
    for (exe, args, env) in [
        ("nanoinit", &["-p", "TERM"][..], &[][..]),
        ("tini", &["-p", "SIGTERM"], &[]),
        ("dumb-init", &[], &[("NANOINIT_PDEATHSIG", "15")]),
    ] {
        let _ = fs::write(&lab.log, "");
        let pidfile = lab.dir.join("init.pid");
        // An intermediate parent: starts nanoinit in the background, waits until
        // its child is ready, exits.
        let script = format!(
            "\"$0\" \"$@\" & echo $! > {pidfile}; until grep -q main:ready {}; do sleep 0.02; done; exit 0",
            lab.log
        );
        let mut c = Command::new("sh");
        c.arg("-c").arg(&script).arg(lab.dir.personality(exe)).args(args);
        c.args(["--", "perl", &lab.catcher, &lab.log, "main", "TERM"]);
        without_our_vars(&mut c);
        c.envs(env.iter().copied()).stdin(Stdio::null()).process_group(0);
        let mut sh = c.spawn().unwrap();
        let main = lab.ready("main");
        let init: i32 = fs::read_to_string(&pidfile).unwrap().trim().parse().unwrap();
        assert!(sh.wait().unwrap().success());
        // nanoinit got TERM from its parent's death and forwarded it.
        lab.expect("main:TERM");
        lab.expect("main:exit");
        let gone = poll(DEADLINE, || (!alive(init) && !alive(main)).then_some(()));
        assert!(gone.is_some(), "{exe} {args:?} {env:?}: left running: nanoinit {} main {}", alive(init), alive(main));
    }
}

#[test]
fn pdeathsig_as_pid1_when_unshare_dies() {
    let lab = Lab::new("pdeath-pid1", Mode::Pid1);
    for (exe, args) in [("nanoinit", &["-p", "TERM"][..]), ("tini", &["--pdeathsig=SIGTERM"])] {
        let _ = fs::write(&lab.log, "");
        let mut argv = args.to_vec();
        let main = lab.catch("main", "TERM", "");
        let script = format!("exec {main}");
        argv.extend(["--", "sh", "-c", &script]);
        let init = lab.start(exe, &argv, &[]);
        lab.ready("main");
        let pid = init.pid;
        // SAFETY: kill takes plain integers; the pid is the process this test started.
        unsafe {
            libc::kill(init.outer(), libc::SIGKILL);
        }
        lab.expect("main:TERM");
        lab.expect("main:exit");
        assert!(poll(DEADLINE, || (!alive(pid)).then_some(())).is_some(), "{exe}: nanoinit survived");
        let _ = init.wait();
    }
}
