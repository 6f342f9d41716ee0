//! s390x (big-endian): the system-call instruction, the process entry point,
//! and the memory routines core calls. The target is a gnu one and no libc is
//! linked, so every routine core needs is defined here.

/// Raw `svc 0` with up to five arguments; returns the kernel's raw result.
///
/// # Safety
/// The arguments must be valid for system call `nr` as the kernel documents it.
#[inline(never)]
pub unsafe fn syscall5(nr: usize, a0: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> isize {
    let ret: isize;
    // SAFETY: the caller guarantees the arguments suit `nr`; the kernel returns
    // in r2 and preserves every other register.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("r1") nr,
            inlateout("r2") a0 as isize => ret,
            in("r3") a1,
            in("r4") a2,
            in("r5") a3,
            in("r6") a4,
            options(nostack),
        );
    }
    ret
}

/// Raw system call with up to three arguments; returns the kernel's raw result.
/// Most calls need no more, and the kernel ignores the argument registers a
/// call does not use, so they are not set.
///
/// # Safety
/// The arguments must be valid for system call `nr` as the kernel documents it.
// Inline, unlike syscall5: with at most four registers to set, the
// instruction at each site is smaller than a call (measured: 200-440 bytes).
#[inline(always)]
pub unsafe fn syscall3(nr: usize, a0: usize, a1: usize, a2: usize) -> isize {
    let ret: isize;
    // SAFETY: the caller guarantees the arguments suit `nr`; the kernel returns
    // in r2 and preserves every other register.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("r1") nr,
            inlateout("r2") a0 as isize => ret,
            in("r3") a1,
            in("r4") a2,
            options(nostack),
        );
    }
    ret
}

/// The process entry point: hands the initial stack pointer (argc, argv, envp) to `entry`.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub extern "C" fn init_entry() -> ! {
    core::arch::naked_asm!(
        "lgr %r2, %r15",     // argument: the kernel's initial stack
        "aghi %r15, -160",   // the register save area a callee may write
        "brasl %r14, {entry}",
        ".short 0",          // an illegal instruction: entry never returns
        entry = sym crate::entry,
    )
}

// The memory routines core calls: byte loops, since nanoinit only moves a few
// hundred bytes at a time. Assembly, not Rust: LLVM would turn a Rust copy loop
// back into a call to memcpy. (`la` leaves the condition code alone.)
core::arch::global_asm!(
    ".globl memcpy",
    ".type memcpy, @function",
    "memcpy:", // r2 = dst (returned), r3 = src, r4 = len
    "    lgr %r1, %r2",
    "    ltgr %r4, %r4",
    "    jz 2f",
    "1:  ic %r0, 0(%r3)",
    "    stc %r0, 0(%r1)",
    "    la %r1, 1(%r1)",
    "    la %r3, 1(%r3)",
    "    brctg %r4, 1b",
    "2:  br %r14",
    ".size memcpy, . - memcpy",
    ".globl memset",
    ".type memset, @function",
    "memset:", // r2 = dst (returned), r3 = byte, r4 = len
    "    lgr %r1, %r2",
    "    ltgr %r4, %r4",
    "    jz 2f",
    "1:  stc %r3, 0(%r1)",
    "    la %r1, 1(%r1)",
    "    brctg %r4, 1b",
    "2:  br %r14",
    ".size memset, . - memset",
    ".globl strlen",
    ".type strlen, @function",
    "strlen:", // r2 = NUL-terminated string; returns its length
    "    lgr %r1, %r2",
    "1:  cli 0(%r1), 0",
    "    la %r1, 1(%r1)",
    "    jne 1b",
    "    sgr %r1, %r2",
    "    aghi %r1, -1",
    "    lgr %r2, %r1",
    "    br %r14",
    ".size strlen, . - strlen",
);
