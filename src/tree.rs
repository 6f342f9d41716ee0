//! Signalling every descendant: `kill(-1)` as namespace PID 1, a walk of /proc
//! as a subreaper (never anything outside our own tree).

use nanoinit::num::{fmt_u32, U32_DIGITS};
use nanoinit::path::append;
use rustix::process::Pid;

use crate::sys::{self, Error};

/// Bytes of directory entries read from /proc per getdents64 call.
const DIRENT_BUF: usize = 2048;
/// Bytes of `/proc/PID/stat` read; the ppid sits within the first ~50 bytes
/// after a comm of at most 64 bytes.
const STAT_BUF: usize = 256;
/// Longest ancestor chain followed; deeper trees are not ours to guess about.
const MAX_DEPTH: usize = 4096;
/// `/proc/` + pid digits + `/stat` + NUL.
const STAT_PATH: usize = 6 + U32_DIGITS + 5 + 1;

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
    let dir = sys::open_readonly(b"/proc\0", libc::O_DIRECTORY)?;
    let mut buf = [0u8; DIRENT_BUF];
    let mut sent = 0;
    loop {
        let n = sys::getdents(sys::borrow(&dir), &mut buf)?;
        if n == 0 {
            return Ok(sent);
        }
        for name in nanoinit::status::dirent_names(buf.get(..n).unwrap_or(&[])) {
            let Some(pid) = nanoinit::num::parse_u32(name) else { continue };
            let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) else { continue };
            if pid != me && descends_from(pid, me) && sys::kill(pid, sig).is_ok() {
                sent += 1;
            }
        }
    }
}

/// Whether `me` is an ancestor of `pid`, following ppids through /proc.
#[inline(never)]
fn descends_from(pid: Pid, me: Pid) -> bool {
    let mut cur = pid.as_raw_pid() as u32;
    for _ in 0..MAX_DEPTH {
        match parent_of(cur) {
            Some(p) if p == me.as_raw_pid() as u32 => return true,
            Some(p) if p > 1 => cur = p,
            _ => return false,
        }
    }
    false
}

/// The parent pid of `pid`, from `/proc/PID/stat`.
#[inline(never)]
fn parent_of(pid: u32) -> Option<u32> {
    let mut path = [0u8; STAT_PATH];
    let mut digits = [0u8; U32_DIGITS];
    let mut len = 0;
    for part in [&b"/proc/"[..], fmt_u32(pid, &mut digits), b"/stat\0"] {
        len = append(&mut path, len, part)?;
    }
    let fd = sys::open_readonly(path.get(..len)?, 0).ok()?;
    let mut stat = [0u8; STAT_BUF];
    let n = rustix::io::read(sys::borrow(&fd), &mut stat).ok()?;
    nanoinit::status::stat_ppid(stat.get(..n)?)
}
