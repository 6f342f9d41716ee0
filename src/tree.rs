//! Signalling every descendant: `kill(-1)` as namespace PID 1; as a subreaper,
//! each of our children, from `/proc/thread-self/children`.
//!
//! As a subreaper nanoinit signals its own children only: the main child while
//! it runs, and the orphans it adopted. A grandchild whose parent still lives
//! is reached when that parent passes the signal on, or, once the parent has
//! died and the grandchild is ours, by the next round (the SIGKILL at the end
//! of the grace period walks again). Never anything outside our own tree.

use nanoinit::num::parse_u32;
use rustix::process::Pid;

use crate::sys::{self, Error};

/// Bytes of the `children` file read: room for about 500 pids. Children beyond
/// that are not reached by one round (as namespace PID 1, `kill(-1)` has no
/// such limit).
const READ_BUF: usize = 4096;

/// Sends `sig` to every descendant we can name (see the module doc). Returns
/// how many got it.
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
    let fd = sys::open_readonly(b"/proc/thread-self/children\0", 0)?;
    let mut buf = [0u8; READ_BUF];
    let n = rustix::io::read(sys::borrow(&fd), &mut buf)?;
    let mut sent = 0;
    for child in nanoinit::bytes::split(buf.get(..n).unwrap_or(&[]), b' ').filter_map(parse_u32) {
        let Some(p) = i32::try_from(child).ok().and_then(Pid::from_raw) else { continue };
        sent += u32::from(sys::kill(p, sig).is_ok());
    }
    Ok(sent)
}
