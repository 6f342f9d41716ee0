//! Collecting dead children. Each one is seen first (`WNOWAIT`) and told to
//! the policy while its zombie still holds the pid, then reaped: so a signal
//! the policy sends to the main child's group in answer can never reach a
//! group whose number was reused.

use nanoinit::policy::{Event, Policy};
use nanoinit::status::Ended;

use crate::log::Level;
use crate::supervise::Act;
use crate::sys::{self, Error};

/// Tells `policy` about every child that has ended, reaping each, then how
/// many are left. SIGCHLDs coalesce, so this loops until the kernel says
/// "none" rather than counting signals. With `block`, it first waits for a
/// child to end (the signalfd failed: there is nothing else to wait for).
/// Any failure but ECHILD goes to the policy, which makes a retry come (EINTR
/// included: with every signal blocked only a tracer causes one).
pub fn drain(policy: &mut Policy<'_>, act: &mut Act, block: bool) {
    let mut flags = libc::WNOWAIT | if block { 0 } else { libc::WNOHANG };
    let event = loop {
        let end = match sys::waitid(libc::P_ALL, 0, flags) {
            Ok(Some(end)) => end,
            Ok(None) => break Event::Drained { left: true },
            Err(Error(libc::ECHILD)) => break Event::Drained { left: false },
            Err(e) => break failed(act, e),
        };
        flags = libc::WNOWAIT | libc::WNOHANG;
        policy.on(Event::Exited { pid: end.pid, ended: Ended::from_siginfo(end.code, end.status) }, act);
        if let Err(e) = sys::waitid(libc::P_PID, end.pid, libc::WNOHANG) {
            // The zombie stays; the retry sees it again.
            break failed(act, e);
        }
    };
    policy.on(event, act);
}

// Inlined at its two calls: on ppc64le a function of its own costs more
// (prologue, TOC set-up, a 12-byte trailer) than the call it saves.
#[inline(always)]
fn failed(act: &Act, e: Error) -> Event {
    act.log.failed(Level::Error, "wait", e);
    Event::WaitFailed
}
