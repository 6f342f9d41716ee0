//! nanoinit under `strace -f`: counting its system calls and failing them on
//! purpose. Shared by tests/startup.rs and tests/faults.rs.
#![allow(dead_code)]

use std::fs;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::common::{self, Mode, TempDir};

/// Exit code of the program [`exit_program`] builds.
pub const PROGRAM_CODE: i32 = 7;

/// strace, or `None` (with a note on stderr) when it is not installed.
pub fn strace() -> Option<String> {
    let s = common::which("strace");
    if s.is_none() {
        eprintln!("strace is not installed (apt-get install strace): skipped");
    }
    s
}

/// A run of nanoinit under strace, being set up.
pub struct Launch {
    /// The command whose exit code is nanoinit's: strace itself for a plain
    /// process, `unshare` for PID 1.
    pub cmd: Command,
    /// PID 1 only: strace, attached once the namespace's first process runs.
    attach: Option<(Command, String)>,
}

/// `strace -f -qq -o LOG EXTRA...` around `nanoinit ARGS...`, as a plain
/// process (nanoinit is strace's child) or as PID 1 of a new PID namespace.
///
/// strace's own start-up forks test children, and in a fresh PID namespace
/// the first of them would become its PID 1. So for PID 1, `unshare --pid
/// --fork` starts [`holder`], which waits for a file and then execs nanoinit,
/// and strace attaches (`-p`) before the file appears. The holder's calls
/// (nanosleep, access) are none of nanoinit's; its execve is retried if failed.
pub fn launch(mode: Mode, strace: &str, dir: &TempDir, log: &str, extra: &[String], args: &[&str]) -> Option<Launch> {
    launch_following(mode, strace, dir, log, true, extra, args)
}

/// [`launch`], with `follow` false tracing nanoinit alone (no `-f`): its
/// children's calls are neither logged nor failed.
pub fn launch_following(
    mode: Mode,
    strace: &str,
    dir: &TempDir,
    log: &str,
    follow: bool,
    extra: &[String],
    args: &[&str],
) -> Option<Launch> {
    let mut st = Command::new(strace);
    if follow {
        st.arg("-f");
    }
    st.args(["-qq", "-o", log]).args(extra);
    let mut cmd = match mode {
        Mode::Subreaper => {
            st.arg("--").arg(common::bin());
            st
        }
        Mode::Pid1 => {
            let holder = holder(dir)?;
            let go = dir.join(&format!("go.{}", GO.fetch_add(1, Ordering::Relaxed)));
            let mut c = Command::new(common::which("unshare").expect("unshare"));
            c.args(["--pid", "--fork", "--kill-child=SIGKILL", &holder, &go, common::bin()]);
            st.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).process_group(0);
            return Some(Launch { cmd: finish(c, args), attach: Some((st, go)) });
        }
    };
    cmd = finish(cmd, args);
    Some(Launch { cmd, attach: None })
}

static GO: AtomicUsize = AtomicUsize::new(0);

fn finish(mut c: Command, args: &[&str]) -> Command {
    common::without_our_vars(c.args(args));
    c.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
    // Its own process group, so a cleanup kill reaches what it started and nothing else.
    c.process_group(0);
    c
}

/// How a run ended.
#[derive(Debug)]
pub struct Run {
    /// Exit code (128+N when killed by signal N); `None` when it outlived the deadline.
    pub code: Option<i32>,
    pub stderr: String,
    /// What went wrong in the harness rather than in nanoinit (strace never
    /// attached, or failed itself), if anything.
    pub harness: Option<&'static str>,
}

fn kill_group(c: &mut Child) {
    // The child leads its own group (`finish`): this reaches strace, nanoinit
    // and the program, and nothing else.
    // SAFETY: kill takes plain integers.
    unsafe {
        libc::kill(-(c.id() as i32), libc::SIGKILL);
    }
    let _ = c.wait();
}

/// Waits for `c` until `end`; kills its group past it.
fn wait_until(c: &mut Child, end: Instant) -> Option<i32> {
    loop {
        if let Some(s) = c.try_wait().unwrap() {
            return Some(s.code().unwrap_or_else(|| 128 + s.signal().unwrap_or(0)));
        }
        if Instant::now() > end {
            kill_group(c);
            return None;
        }
        thread::sleep(Duration::from_millis(2));
    }
}

impl Launch {
    /// A run of `cmd` with no strace (for comparisons).
    pub fn plain(cmd: Command) -> Launch {
        Launch { cmd, attach: None }
    }

    /// Runs to the end or, past `deadline`, kills what it started. stderr
    /// goes to a file (no reader threads), so many runs can go at once.
    pub fn run(self, dir: &TempDir, tag: &str, deadline: Duration) -> Run {
        self.run_then(dir, tag, deadline, None)
    }

    /// [`Launch::run`], calling `then` with the started process's pid once it
    /// runs (nanoinit is its child: strace's, or unshare's as PID 1).
    pub fn run_then(mut self, dir: &TempDir, tag: &str, deadline: Duration, then: Option<&dyn Fn(i32)>) -> Run {
        let err = dir.join(&format!("{tag}.err"));
        self.cmd.stderr(fs::File::create(&err).unwrap());
        let end = Instant::now() + deadline;
        let mut main = self.cmd.spawn().expect("spawn");
        let mut tracer = None;
        let mut harness = None;
        if let Some((mut st, go)) = self.attach.take() {
            // unshare's child is the holder, the namespace's PID 1.
            let holder = common::poll(deadline, || common::children(main.id() as i32).first().copied());
            let attached = holder.and_then(|h| {
                let t = st.arg("-p").arg(h.to_string()).spawn().expect("spawn strace");
                tracer = Some(t);
                common::poll(deadline, || common::status_field(h, "TracerPid").filter(|p| p != "0").map(|_| ()))
            });
            if attached.is_some() {
                fs::write(&go, "").unwrap();
            } else {
                harness = Some("strace never attached to the holder");
                if let Some(mut t) = tracer.take() {
                    kill_group(&mut t);
                }
                kill_group(&mut main);
            }
        }
        if let Some(then) = then.filter(|_| harness.is_none()) {
            then(main.id() as i32);
        }
        let code = wait_until(&mut main, end);
        if let Some(mut t) = tracer {
            // strace ends with its last tracee.
            let _ = wait_until(&mut t, end.max(Instant::now()) + Duration::from_secs(2));
        }
        let stderr = fs::read_to_string(&err).unwrap_or_default();
        let _ = fs::remove_file(err);
        if stderr.contains("strace: ") {
            harness = Some("strace itself failed");
        }
        Run { code, stderr, harness }
    }
}

/// One system call line of an `strace -f` log: (pid, name, rest of the line).
/// `<... resumed>`, signal (`---`) and exit (`+++`) lines are not calls.
pub fn calls(log: &str) -> Vec<(String, String, String)> {
    log.lines()
        .filter_map(|l| {
            let (pid, rest) = l.split_once(' ')?;
            let rest = rest.trim_start();
            if rest.starts_with("<...") || rest.starts_with("---") || rest.starts_with("+++") {
                return None;
            }
            let name = rest.split('(').next()?.to_string();
            Some((pid.to_string(), name, rest.to_string()))
        })
        .collect()
}

/// What nanoinit does between its execve and its program's: the calls of
/// nanoinit itself (its own execve left out) and of its forked child before
/// that child's execve of `program`, in log order. Also returns the calls of
/// nanoinit from its execve to its exit.
pub struct Traced {
    /// nanoinit's calls up to the program's execve (dispatched in the child).
    pub startup: Vec<String>,
    /// Every call made by nanoinit or, before its execve, by its child; each
    /// with the tracee it came from, in order.
    pub all: Vec<(String, String)>,
}

/// Splits an `strace -f` log of `nanoinit ... -- program` as [`Traced`] says.
pub fn trace(log: &str, program: &str) -> Option<Traced> {
    let calls = calls(log);
    let own_exec = format!("execve(\"{}\"", common::bin());
    let prog_exec = format!("execve(\"{program}\"");
    let start = calls.iter().position(|(_, _, r)| r.starts_with(&own_exec))?;
    let init = calls[start].0.clone();
    let mut startup = Vec::new();
    let mut all = Vec::new();
    let mut exec_seen = false;
    let mut child: Option<String> = None;
    for (pid, name, rest) in &calls[start + 1..] {
        if *pid == init {
            if !exec_seen {
                startup.push(name.clone());
            }
            all.push((pid.clone(), name.clone()));
            continue;
        }
        // The first other tracee is the forked child; after its execve of
        // the program, its calls are the program's.
        let c = child.get_or_insert_with(|| pid.clone());
        if c != pid || exec_seen {
            continue;
        }
        all.push((pid.clone(), name.clone()));
        if rest.starts_with(&prog_exec) {
            exec_seen = true;
        }
    }
    exec_seen.then_some(Traced { startup, all })
}

/// Assembles and links a static x86_64 program from `asm` into `dir/name`
/// (no library: its only system calls are the ones written here). `None`
/// on other architectures or without binutils.
pub fn assemble(dir: &TempDir, name: &str, asm: &str) -> Option<String> {
    let exe = dir.join(name);
    if fs::metadata(&exe).is_ok() {
        return Some(exe);
    }
    if !cfg!(target_arch = "x86_64") {
        eprintln!("the helper programs are x86_64 assembly: skipped");
        return None;
    }
    let (src, obj, tmp) =
        (dir.join(&format!("{name}.s")), dir.join(&format!("{name}.o")), dir.join(&format!("{name}.tmp")));
    common::write_file(&src, asm, "644");
    let ok = |c: &mut Command| c.stderr(Stdio::null()).status().is_ok_and(|s| s.success());
    if !ok(Command::new("as").args(["-o", &obj, &src])) || !ok(Command::new("ld").args(["-o", &tmp, &obj])) {
        eprintln!("as/ld (binutils) not available: skipped");
        return None;
    }
    // Renamed into place: a concurrent caller never execs a half-written file.
    fs::rename(&tmp, &exe).ok()?;
    Some(exe)
}

/// A program whose exit code no fault can change: it sleeps 20 ms
/// (nanosleep, which nanoinit never makes, so it is never failed) and exits
/// with [`PROGRAM_CODE`], trying again if exit_group is failed. Any other
/// code comes from nanoinit.
pub fn exit_program(dir: &TempDir) -> Option<String> {
    assemble(
        dir,
        "exit7",
        "    .globl _start\n_start:\n    lea req(%rip), %rdi\n    xor %esi, %esi\n    mov $35, %eax\n    syscall\n\
         1:  mov $231, %eax\n    mov $7, %edi\n    syscall\n    jmp 1b\n    .data\nreq: .quad 0, 20000000\n",
    )
}

/// `holder GO PROGRAM ARGS...`: polls (nanosleep, access) until file GO
/// exists, then execs PROGRAM ARGS..., retrying a failed execve.
fn holder(dir: &TempDir) -> Option<String> {
    assemble(
        dir,
        "holder",
        "    .globl _start\n_start:\n    mov (%rsp), %r12\n    lea 8(%rsp), %r13\n    lea 16(%rsp,%r12,8), %r14\n\
         1:  lea ts(%rip), %rdi\n    xor %esi, %esi\n    mov $35, %eax\n    syscall\n\
             mov 8(%r13), %rdi\n    xor %esi, %esi\n    mov $21, %eax\n    syscall\n    test %rax, %rax\n    jnz 1b\n\
         2:  mov 16(%r13), %rdi\n    lea 16(%r13), %rsi\n    mov %r14, %rdx\n    mov $59, %eax\n    syscall\n    jmp 2b\n\
             .data\nts: .quad 0, 2000000\n",
    )
}
