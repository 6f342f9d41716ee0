//! Reading `/proc`: one parser for `stat`, one for `status`, and the process
//! tree built on them. A process that is gone reads as empty (None, false).
use super::{poll, DEADLINE};
use std::fs;

/// Reads `/proc/PID/FILE`, empty when gone.
pub fn proc_file(pid: i32, file: &str) -> String {
    fs::read_to_string(format!("/proc/{pid}/{file}")).unwrap_or_default()
}

// ---- /proc/PID/stat

/// Indexes for [`stat_num`]: field N of proc(5)'s `/proc/PID/stat` is index
/// N-3, counted after the comm (which may itself hold spaces and parentheses).
pub const STATE: usize = 0;
pub const PPID: usize = 1;
pub const PGRP: usize = 2;
pub const SESSION: usize = 3;
pub const TTY_NR: usize = 4;
pub const TPGID: usize = 5;
pub const START_TIME: usize = 19;

/// The fields of `/proc/PID/stat` after the comm; empty when gone.
fn stat_fields(pid: i32) -> Vec<String> {
    let stat = proc_file(pid, "stat");
    match stat.rfind(')') {
        Some(close) => stat[close + 1..].split_whitespace().map(str::to_string).collect(),
        None => Vec::new(),
    }
}

/// One numeric field of `/proc/PID/stat` ([`PGRP`], [`SESSION`], ...).
pub fn stat_num(pid: i32, index: usize) -> Option<i64> {
    stat_fields(pid).get(index)?.parse().ok()
}

/// The process state letter (`S`, `R`, `T`, `Z`, ...), `None` when gone.
pub fn state(pid: i32) -> Option<char> {
    stat_fields(pid).get(STATE)?.chars().next()
}

/// Whether `pid` exists and is not a zombie.
pub fn alive(pid: i32) -> bool {
    pid > 0 && !matches!(state(pid), None | Some('Z') | Some('X'))
}

/// Parent pid.
pub fn ppid(pid: i32) -> Option<i32> {
    Some(stat_num(pid, PPID)? as i32)
}

/// Start time of `pid`, to tell it from a later process that reuses the number.
pub fn start_time(pid: i32) -> Option<u64> {
    Some(stat_num(pid, START_TIME)? as u64)
}

// ---- /proc/PID/status

/// The value of `field` (e.g. `SigBlk`) in a `/proc/PID/status` text.
pub fn field_of(status: &str, field: &str) -> Option<String> {
    status.lines().find_map(|l| Some(l.strip_prefix(field)?.strip_prefix(':')?.trim().to_string()))
}

/// A field of `/proc/PID/status` (e.g. `SigBlk`).
pub fn status_field(pid: i32, field: &str) -> Option<String> {
    field_of(&proc_file(pid, "status"), field)
}

/// A `/proc/PID/status` signal mask field (`SigCgt`, `SigBlk`, ...) as a number.
pub fn sig_mask(pid: i32, field: &str) -> Option<u64> {
    u64::from_str_radix(&status_field(pid, field)?, 16).ok()
}

/// Whether `pid` blocks every signal that can be blocked.
pub fn blocks_all(pid: i32) -> bool {
    // SIGKILL and SIGSTOP cannot be blocked: the kernel shows fffffffffffbfeff.
    const UNBLOCKABLE: u64 = 1 << (libc::SIGKILL - 1) | 1 << (libc::SIGSTOP - 1);
    sig_mask(pid, "SigBlk").is_some_and(|m| m | UNBLOCKABLE == u64::MAX)
}

/// Waits until `pid` has a handler installed for `sig` (e.g. a shell trap); panics after the deadline.
pub fn wait_catches(pid: i32, sig: i32) {
    let bit = 1u64 << (sig - 1);
    poll(DEADLINE, || sig_mask(pid, "SigCgt").is_some_and(|m| m & bit != 0).then_some(()))
        .unwrap_or_else(|| panic!("pid {pid} never installed a handler for signal {sig}"));
}

/// Waits until `sig` is no longer pending for the whole process `pid` (nanoinit
/// has read it from its signalfd and acted on it). False on timeout.
pub fn wait_consumed(pid: i32, sig: i32) -> bool {
    let bit = 1u64 << (sig - 1);
    poll(DEADLINE, || (sig_mask(pid, "ShdPnd").unwrap_or(0) & bit == 0).then_some(())).is_some()
}

/// `pid` as its own (innermost) PID namespace sees it: the last `NSpid` entry.
pub fn ns_pid(pid: i32) -> Option<i32> {
    status_field(pid, "NSpid")?.split_whitespace().last()?.parse().ok()
}

/// Waits until `pid`'s comm is `comm` (e.g. the child has exec'd `sleep`).
pub fn wait_comm(pid: i32, comm: &str) {
    poll(DEADLINE, || (proc_file(pid, "comm").trim() == comm).then_some(()))
        .unwrap_or_else(|| panic!("pid {pid} never became {comm:?} (comm {:?})", proc_file(pid, "comm").trim()));
}

/// Open fds of `pid` with their link targets, sorted by number.
pub fn fds(pid: i32) -> Vec<(i32, String)> {
    let mut v: Vec<(i32, String)> = fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| {
            d.flatten()
                .filter_map(|e| {
                    let n = e.file_name().to_string_lossy().parse().ok()?;
                    let t = fs::read_link(e.path()).ok()?.to_string_lossy().into_owned();
                    Some((n, t))
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

// ---- the process tree

/// Direct children of `pid` (needs CONFIG_PROC_CHILDREN).
pub fn children(pid: i32) -> Vec<i32> {
    proc_file(pid, &format!("task/{pid}/children")).split_whitespace().filter_map(|s| s.parse().ok()).collect()
}

/// Whether `root` is an ancestor of `pid`.
fn descends(pid: i32, root: i32) -> bool {
    let mut cur = pid;
    // A bound in case a pid is reused into a loop while we walk.
    for _ in 0..4096 {
        match ppid(cur) {
            Some(p) if p == root => return true,
            Some(p) if p > 1 => cur = p,
            _ => return false,
        }
    }
    false
}

/// Every process whose ancestry includes `root` (zombies included).
pub fn descendants(root: i32) -> Vec<i32> {
    fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().to_string_lossy().parse::<i32>().ok())
                .filter(|&p| descends(p, root))
                .collect()
        })
        .unwrap_or_default()
}

/// Zombies (state Z) among the descendants of `root`.
pub fn zombies_under(root: i32) -> Vec<i32> {
    descendants(root).into_iter().filter(|&p| state(p) == Some('Z')).collect()
}
