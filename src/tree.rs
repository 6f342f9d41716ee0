//! Signalling every descendant: `kill(-1)` as namespace PID 1; as a subreaper,
//! a depth-first walk of `/proc/PID/task/PID/children` (never anything outside
//! our own tree).

use nanoinit::line::Line;
use nanoinit::num::parse_u32;
use rustix::process::Pid;

use crate::sys::{self, Error};

/// Bytes of a `children` file read: room for about 280 pids. Children of one
/// process beyond that are not reached by the walk (as namespace PID 1,
/// `kill(-1)` has no such limit).
const READ_BUF: usize = 2048;
/// Deepest level of the tree walked (each level holds one `READ_BUF` on the stack).
const MAX_DEPTH: u32 = 16;

/// Sends `sig` to every descendant of nanoinit (`me`). Returns how many got it.
#[inline(never)]
pub fn signal_descendants(me: Pid, sig: u8) -> Result<u32, Error> {
    if me == Pid::INIT {
        // Every process of the namespace is ours; the kernel skips PID 1 itself.
        return match sys::kill_all(sig) {
            Ok(()) => Ok(1),
            Err(Error(libc::ESRCH)) => Ok(0),
            Err(e) => Err(e),
        };
    }
    walk(me.as_raw_pid() as u32, sig, 0)
}

/// Signals each child of `pid` after its own descendants (read before anyone
/// dies, so a dying parent's children are never missed by reparenting).
/// Children forked by another thread of a process are listed under that
/// thread's file, which this walk does not read.
fn walk(pid: u32, sig: u8, depth: u32) -> Result<u32, Error> {
    let mut path = Line::default();
    path.str("/proc/").num(pid).str("/task/").num(pid).str("/children\0");
    let fd = sys::open_readonly(path.as_bytes(), 0)?;
    let mut buf = [0u8; READ_BUF];
    let n = rustix::io::read(sys::borrow(&fd), &mut buf)?;
    drop(fd);
    let mut sent = 0;
    for child in nanoinit::bytes::split(buf.get(..n).unwrap_or(&[]), b' ').filter_map(parse_u32) {
        if depth < MAX_DEPTH {
            sent += walk(child, sig, depth + 1).unwrap_or(0);
        }
        let Some(p) = i32::try_from(child).ok().and_then(Pid::from_raw) else { continue };
        sent += u32::from(sys::kill(p, sig).is_ok());
    }
    Ok(sent)
}
