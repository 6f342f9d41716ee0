//! Signal numbers, their names, sets of them, and the rewrite table.
//!
//! A signal is a plain number in `1..=NSIG` rather than a closed enum, so a
//! real-time signal is forwarded exactly like SIGTERM (nix#495 is the
//! counter-example: a closed enum that panics on SIGRTMIN).

/// Highest signal number on Linux; the kernel's `sigset_t` has one bit per signal.
pub const NSIG: u8 = 64;
/// `SIGRTMIN` as the C libraries, `kill -l` and Docker name it (the kernel's 32 and
/// 33 are reserved by glibc, 32–34 by musl).
pub const RTMIN: u8 = 34;
/// `SIGRTMAX`.
pub const RTMAX: u8 = 64;

pub const SIGHUP: u8 = 1;
pub const SIGINT: u8 = 2;
pub const SIGKILL: u8 = 9;
pub const SIGTERM: u8 = 15;
pub const SIGALRM: u8 = 14;
pub const SIGCHLD: u8 = 17;
pub const SIGCONT: u8 = 18;
pub const SIGSTOP: u8 = 19;
pub const SIGTSTP: u8 = 20;
pub const SIGTTIN: u8 = 21;
pub const SIGTTOU: u8 = 22;

/// Names of signals 1..=31 (Linux x86_64 and aarch64 share them), in order,
/// space-separated: one string instead of a table of pointers.
const NAMES: &[u8] = b"HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT \
CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS";

/// Short name of a signal without the `SIG` prefix, and an offset to print as
/// `+N` when not 0: `(b"TERM", 0)`, `(b"RTMIN", 3)`, and `(b"", 0)` for a number
/// with no name (32, 33, out of range). Real-time signals are always named from
/// RTMIN (RTMAX-n is parsed, not printed).
// Chosen by scripts/inline-search.py.
#[inline]
pub fn name(sig: u8) -> (&'static [u8], u8) {
    match sig {
        RTMIN..=RTMAX => (b"RTMIN", sig - RTMIN),
        _ => (crate::bytes::split(NAMES, b' ').nth(usize::from(sig).wrapping_sub(1)).unwrap_or(b""), 0),
    }
}

/// Why a signal specification was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecError {
    /// Neither a known name nor a number in range.
    Unknown,
}

/// Parses `TERM`, `SIGTERM`, `15`, `RTMIN+3`, `SIGRTMAX-1` (any case) into 1..=64.
/// With `allow_zero`, `0` is accepted too (the rewrite target that means "drop").
pub fn parse(spec: &[u8], allow_zero: bool) -> Result<u8, SpecError> {
    if let Some(n) = crate::num::parse_u32(spec) {
        return match u8::try_from(n) {
            Ok(0) if allow_zero => Ok(0),
            Ok(s @ 1..=NSIG) => Ok(s),
            _ => Err(SpecError::Unknown),
        };
    }
    let body = crate::bytes::strip(spec, b"SIG", true).unwrap_or(spec);
    if let Some(i) = crate::bytes::word_index(NAMES, body, true) {
        return Ok(i as u8 + 1);
    }
    parse_rt(body, b"RTMIN", RTMIN, true).or_else(|| parse_rt(body, b"RTMAX", RTMAX, false)).ok_or(SpecError::Unknown)
}

/// `RTMIN`, `RTMIN+n` (or `RTMAX`, `RTMAX-n`), kept within 34..=64.
// Chosen by scripts/inline-search.py.
#[inline(always)]
fn parse_rt(body: &[u8], base_name: &[u8], base: u8, up: bool) -> Option<u8> {
    let rest = crate::bytes::strip(body, base_name, true)?;
    let Some((&op, digits)) = rest.split_first() else {
        return Some(base);
    };
    if op != if up { b'+' } else { b'-' } {
        return None;
    }
    let off = u8::try_from(crate::num::parse_u32(digits)?).ok()?;
    let sig = if up { base.checked_add(off)? } else { base.checked_sub(off)? };
    (RTMIN..=RTMAX).contains(&sig).then_some(sig)
}

/// A set of signals 1..=64, one bit each: the kernel's `sigset_t` layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SigSet(pub u64);

impl SigSet {
    /// No signal.
    pub const EMPTY: SigSet = SigSet(0);
    /// Every signal 1..=64, real-time ones included (unlike musl's `sigfillset`).
    pub const ALL: SigSet = SigSet(!0);

    fn bit(sig: u8) -> u64 {
        match sig {
            1..=NSIG => 1u64 << (sig - 1),
            _ => 0,
        }
    }
    /// Whether `sig` is in the set.
    pub fn contains(self, sig: u8) -> bool {
        self.0 & Self::bit(sig) != 0
    }
    /// Adds `sig` (out-of-range numbers are ignored).
    pub fn insert(&mut self, sig: u8) {
        self.0 |= Self::bit(sig);
    }
    /// Removes `sig`.
    pub fn remove(&mut self, sig: u8) {
        self.0 &= !Self::bit(sig);
    }
}

/// Hex digits of a mask in `/proc/PID/status` (64 signals, 4 bits a digit).
const MASK_DIGITS: usize = 16;

/// The `SigIgn:` set from the text of `/proc/PID/status`: the dispositions that
/// survived execve. `None` when the line is missing or cut short (a read that
/// stopped mid-line), so the caller can fall back to resetting every signal.
pub fn ignored_from_status(text: &[u8]) -> Option<SigSet> {
    // Never the first line, so it follows a newline (which rules out any
    // other field ending in "SigIgn").
    let mut rest = text;
    let hex = loop {
        if let Some(after) = crate::bytes::strip(rest, b"\nSigIgn:\t", false) {
            break after.get(..MASK_DIGITS)?;
        }
        rest = rest.get(1..)?;
    };
    let mut mask = 0u64;
    for &c in hex {
        mask = mask << 4 | u64::from((c as char).to_digit(16)?);
    }
    Some(SigSet(mask))
}

/// What each signal becomes before it is forwarded: itself, another signal, or 0 (dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rewrite {
    /// Per signal, what it becomes XOR the signal itself: all zeros forward
    /// every signal unchanged, so the default needs no table to fill in.
    to: [u8; NSIG as usize],
    /// Signals the user rewrote explicitly; defaults never override these.
    explicit: SigSet,
}

impl Default for Rewrite {
    // Chosen by scripts/inline-search.py.
    #[inline(always)]
    fn default() -> Self {
        Rewrite { to: [0; NSIG as usize], explicit: SigSet::EMPTY }
    }
}

impl Rewrite {
    /// The signal `sig` is forwarded as; 0 means "drop it".
    pub fn map(&self, sig: u8) -> u8 {
        match sig.checked_sub(1).and_then(|i| self.to.get(usize::from(i))) {
            Some(&t) => t ^ sig,
            None => 0,
        }
    }
    /// The user's rule `from:to`; it wins over any default.
    pub fn set(&mut self, from: u8, to: u8) {
        self.put(from, to);
        self.explicit.insert(from);
    }
    /// A personality's default rule, applied only where the user set none.
    pub fn set_default(&mut self, from: u8, to: u8) {
        if !self.explicit.contains(from) {
            self.put(from, to);
        }
    }
    /// Stores `from → to` in the XOR form.
    fn put(&mut self, from: u8, to: u8) {
        if let Some(t) = from.checked_sub(1).and_then(|i| self.to.get_mut(usize::from(i))) {
            *t = to ^ from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::format;
    use std::string::String;

    fn full_name(sig: u8) -> String {
        let (n, off) = name(sig);
        let n = std::str::from_utf8(n).unwrap();
        match off {
            _ if n.is_empty() => format!("{sig}"),
            0 => format!("SIG{n}"),
            k => format!("SIG{n}+{k}"),
        }
    }

    #[test]
    fn every_signal_round_trips_by_name_and_number() {
        for sig in 1..=NSIG {
            let n = full_name(sig);
            assert_eq!(parse(n.as_bytes(), false), Ok(sig), "{n}");
            if let Some(short) = n.strip_prefix("SIG") {
                assert_eq!(parse(short.as_bytes(), false), Ok(sig), "{short}");
            }
            assert_eq!(parse(n.to_lowercase().as_bytes(), false), Ok(sig), "{n}");
            assert_eq!(parse(format!("{sig}").as_bytes(), false), Ok(sig));
        }
    }

    #[test]
    fn names_match_bash() {
        assert_eq!(full_name(15), "SIGTERM");
        assert_eq!(full_name(34), "SIGRTMIN");
        assert_eq!(full_name(35), "SIGRTMIN+1");
        assert_eq!(full_name(49), "SIGRTMIN+15");
        assert_eq!(full_name(64), "SIGRTMIN+30");
        assert_eq!(full_name(32), "32");
    }

    #[test]
    fn specs() {
        assert_eq!(parse(b"term", false), Ok(15));
        assert_eq!(parse(b"SigTerm", false), Ok(15));
        assert_eq!(parse(b"RTMIN+3", false), Ok(37));
        assert_eq!(parse(b"sigrtmax-1", false), Ok(63));
        assert_eq!(parse(b"RTMIN+31", false), Err(SpecError::Unknown));
        assert_eq!(parse(b"RTMAX-31", false), Err(SpecError::Unknown));
        assert_eq!(parse(b"RTMIN-1", false), Err(SpecError::Unknown));
        assert_eq!(parse(b"0", false), Err(SpecError::Unknown));
        assert_eq!(parse(b"0", true), Ok(0));
        assert_eq!(parse(b"65", false), Err(SpecError::Unknown));
        assert_eq!(parse(b"", false), Err(SpecError::Unknown));
        assert_eq!(parse(b"SIG", false), Err(SpecError::Unknown));
        assert_eq!(parse(b"-15", false), Err(SpecError::Unknown));
        assert_eq!(parse(b" 15", false), Err(SpecError::Unknown));
        assert_eq!(parse(b"IOT", false), Err(SpecError::Unknown));
    }

    #[test]
    fn rewrite_defaults_yield_to_user_rules() {
        let mut r = Rewrite::default();
        assert_eq!(r.map(15), 15);
        r.set(SIGTSTP, 0);
        r.set_default(SIGTSTP, SIGSTOP);
        r.set_default(SIGTTIN, SIGSTOP);
        assert_eq!(r.map(SIGTSTP), 0);
        assert_eq!(r.map(SIGTTIN), SIGSTOP);
        assert_eq!(r.map(0), 0);
        assert_eq!(r.map(65), 0);
    }

    #[test]
    fn sigset_bits() {
        let mut s = SigSet::EMPTY;
        s.insert(64);
        s.insert(1);
        s.insert(0);
        s.insert(65);
        assert_eq!(s.0, 1 | 1 << 63);
        assert!(s.contains(64) && !s.contains(2));
        s.remove(64);
        assert_eq!(s.0, 1);
    }

    #[test]
    fn ignored_set_comes_from_the_sigign_line_only_when_whole() {
        let status = b"Name:\tx\nSigBlk:\tffffffffffffffff\nSigIgn:\t0000000000011000\nSigCgt:\t0\n";
        let set = ignored_from_status(status).unwrap();
        assert!(set.contains(13) && set.contains(17) && !set.contains(15));
        assert_eq!(ignored_from_status(b"x\nSigIgn:\t8000000000000001"), Some(SigSet(1 | 1 << 63)));
        // Cut mid-line, missing, not hex, or a look-alike field: no answer.
        for bad in [
            &b"x\nSigIgn:\t00000000000110"[..],
            b"",
            b"SigBlk:\t0000000000000000\n",
            b"x\nSigIgn:\t000000000001100g\n",
            b"x\nXSigIgn:\t0000000000000000",
        ] {
            assert_eq!(ignored_from_status(bad), None, "{}", String::from_utf8_lossy(bad));
        }
    }
}
