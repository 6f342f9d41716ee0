//! Signalling every descendant: `kill(-1)` as namespace PID 1; as a subreaper,
//! a depth-first walk of `/proc/PID/task/PID/children` from our own children
//! down (never anything outside our own tree).

use nanoinit::line::Line;
use nanoinit::num::parse_u32;
use rustix::process::Pid;

use crate::sys::{self, Error};

/// Bytes of a `children` file read: room for about 500 pids. Children of one
/// process beyond that are not reached by one round (as namespace PID 1,
/// `kill(-1)` has no such limit).
const READ_BUF: usize = 4096;
/// Deepest level walked below our own children.
const MAX_DEPTH: u32 = 8;

/// Sends `sig` to every descendant of nanoinit (`me`).
// Chosen by scripts/inline-search.py.
#[inline(never)]
pub fn signal_descendants(me: Pid, sig: u8) -> Result<(), Error> {
    if me == Pid::INIT {
        // Every process of the namespace is ours; the kernel skips PID 1 itself.
        return sys::kill_all(sig);
    }
    walk(me.as_raw_pid() as u32, sig, 0)
}

/// Signals each child of `pid` after its own descendants (read before anyone
/// dies, so a dying parent's children are never missed by reparenting).
/// Children forked by another thread of a process are listed under that
/// thread's file, which this walk does not read.
fn walk(pid: u32, sig: u8, depth: u32) -> Result<(), Error> {
    let mut path = Line::default();
    path.str("/proc/").num(pid).str("/task/").num(pid).str("/children\0");
    let fd = sys::open_readonly(path.as_bytes(), 0)?;
    let mut buf = [0u8; READ_BUF];
    let n = sys::read(sys::borrow(&fd), &mut buf)?;
    for child in nanoinit::bytes::split(buf.get(..n).unwrap_or(&[]), b' ').filter_map(parse_u32) {
        if depth < MAX_DEPTH {
            // A child that died meanwhile has no file; its siblings still count.
            let _ = walk(child, sig, depth + 1);
        }
        if let Some(p) = i32::try_from(child).ok().and_then(Pid::from_raw) {
            let _ = sys::kill(p, sig);
        }
    }
    Ok(())
}
