//! Signalling every descendant. As namespace PID 1, `kill(-1)`: every process
//! of the namespace is ours. As a subreaper, one pass over `/proc`: a process
//! is ours when its chain of parents (`/proc/PID/stat`) leads to us.
//!
//! Why passes over `/proc` and not a walk down `children` files: a walk down
//! needs a stack as deep as the tree and a buffer as wide as the widest
//! family, and neither is bounded without a heap. A walk up needs one pid at a
//! time, so any depth and width fit in fixed memory; a process outside our
//! tree (a sibling container's, in a shared PID namespace) is never ours
//! because its chain ends at PID 1 or 0 without passing us.
//!
//! Why one pass (two for KILL): `/proc` lists pids in increasing order from
//! where the reading stands, and a child forked while we read gets a higher
//! pid than its parent, so it is still ahead of us and is found. Sending a
//! signal twice is not harmless (a second INT or TERM means "quit now" to many
//! programs, a second HUP reloads twice), and remembering who got one needs
//! memory the size of the tree; so every signal but KILL gets one pass, as
//! `kill(-1)` gives one. KILL, the last word, gets a second pass for a child
//! forked at a lower pid (the kernel's pids wrap around) or a walk that raced
//! an exit.

use nanoinit::line::Line;
use nanoinit::signals::SIGKILL;
use rustix::process::Pid;

use crate::sys::{self, Error};

/// Bytes of `/proc` directory records read at once (about 170 pids).
const DIR_BUF: usize = 4096;
/// Bytes of `/proc/PID/stat` read: the pid, the name (at most 64 bytes, for
/// a kernel worker), the state and the parent fit.
const STAT_BUF: usize = 128;
/// Slots in the cache of pids found to be ours during a pass (a power of two,
/// so the slot index needs no bounds check). A process found after its
/// parent (the usual pid order) stops its walk at that parent: a chain costs
/// one read per process, not one per level.
const CACHE: usize = 64;
/// Most steps of one walk up: more than any chain of parents can have (the
/// kernel's largest pid), so it only bounds a walk gone wrong.
const MAX_STEPS: u32 = 1 << 22;
/// Times a walk starts over from the bottom when a parent on the way has
/// gone (been reaped) meanwhile; its children moved to a new parent then.
const RESTARTS: u32 = 4;

/// Sends `sig` to every descendant of nanoinit (`me`). Fails only when
/// `/proc` cannot be read; a process that is gone by the time its turn comes
/// is skipped.
pub fn signal_descendants(me: Pid, sig: u8) -> Result<(), Error> {
    if me == Pid::INIT {
        // Every process of the namespace is ours; the kernel skips PID 1 itself.
        return sys::kill_all(sig);
    }
    let me = me.as_raw_pid() as u32;
    pass(me, sig)?;
    if sig == SIGKILL {
        pass(me, sig)?;
    }
    Ok(())
}

/// Signals each process of `/proc` that descends from `me`.
#[inline(never)]
fn pass(me: u32, sig: u8) -> Result<(), Error> {
    let dir = sys::open_readonly(b"/proc\0", libc::O_DIRECTORY)?;
    let mut buf = [0u8; DIR_BUF];
    let mut cache = [0u32; CACHE];
    loop {
        let n = sys::getdents(&dir, &mut buf)?;
        if n == 0 {
            return Ok(());
        }
        for pid in nanoinit::proc::dirents(buf.get(..n).unwrap_or(&[])) {
            signal_if_ours(me, pid, sig, &mut cache);
        }
    }
}

/// Signals `pid` if it descends from `me`. The pidfd is taken before the
/// check: if the pid is reused after it, the pidfd still names the process
/// checked, and the signal reaches it or nobody. Without pidfds (ENOSYS
/// before Linux 5.3) the check comes right before a kill by number.
fn signal_if_ours(me: u32, pid: u32, sig: u8, cache: &mut [u32; CACHE]) {
    let Some(p) = i32::try_from(pid).ok().and_then(Pid::from_raw) else { return };
    let pidfd = sys::pidfd_open(p);
    if !descends(me, pid, cache) {
        return;
    }
    // A failure (the process is gone, or will not take it) is this
    // process's alone; the pass goes on.
    let _ = match pidfd {
        Ok(fd) => sys::pidfd_kill(&fd, sig),
        Err(_) => sys::kill(p, sig),
    };
}

/// Whether `me` is an ancestor of `pid`, walking up its parents. Each read is
/// of a live process; a wrong answer would need a pid on the chain to be
/// reaped and handed out again between two reads of one walk, a full wrap of
/// the kernel's pid counter within microseconds.
fn descends(me: u32, pid: u32, cache: &mut [u32; CACHE]) -> bool {
    let mut cur = pid;
    let mut restarts = 0;
    for _ in 0..MAX_STEPS {
        let parent = match parent_of(cur) {
            Some(p) => p,
            None if cur != pid && restarts < RESTARTS => {
                restarts += 1;
                cur = pid;
                continue;
            }
            None => return false,
        };
        // 0 is above the namespace's PID 1, and PID 1 is not below us (we are
        // not PID 1 here): the chain left without passing us.
        if parent <= 1 {
            return false;
        }
        if parent == me || cache[parent as usize % CACHE] == parent {
            cache[pid as usize % CACHE] = pid;
            return true;
        }
        cur = parent;
    }
    false
}

/// The parent of `pid`, from `/proc/PID/stat`; `None` once it is gone.
fn parent_of(pid: u32) -> Option<u32> {
    let mut path = Line::default();
    path.str("/proc/").num(pid).str("/stat\0");
    let fd = sys::open_readonly(path.as_bytes(), 0).ok()?;
    let mut buf = [0u8; STAT_BUF];
    let n = sys::read(sys::borrow(&fd), &mut buf);
    // Closed before parsing: one close on every path.
    drop(fd);
    nanoinit::proc::stat_ppid(buf.get(..n.ok()?)?)
}
