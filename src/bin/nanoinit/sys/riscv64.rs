//! riscv64: the system-call instruction, the process entry point, and the
//! memory routines core calls. The target is a gnu one and no libc is linked,
//! so every routine core needs is defined here.

/// Raw `ecall` with up to five arguments; returns the kernel's raw result.
///
/// # Safety
/// The arguments must be valid for system call `nr` as the kernel documents it.
#[inline(never)]
pub unsafe fn syscall5(nr: usize, a0: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> isize {
    let ret: isize;
    // SAFETY: the caller guarantees the arguments suit `nr`; the kernel returns
    // in a0 and preserves every other integer register.
    unsafe {
        core::arch::asm!(
            "ecall",
            in("a7") nr,
            inlateout("a0") a0 as isize => ret,
            in("a1") a1,
            in("a2") a2,
            in("a3") a3,
            in("a4") a4,
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
    // in a0 and preserves every other integer register.
    unsafe {
        core::arch::asm!(
            "ecall",
            in("a7") nr,
            inlateout("a0") a0 as isize => ret,
            in("a1") a1,
            in("a2") a2,
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
        "mv a0, sp",         // argument: the kernel's initial stack (16-byte aligned)
        "li ra, 0",          // outermost frame for debuggers
        "li s0, 0",
        "call {entry}",
        "unimp",             // entry never returns
        entry = sym crate::entry,
    )
}

// The memory routines core calls: byte loops, since nanoinit only moves a few
// hundred bytes at a time. Assembly, not Rust: LLVM would turn a Rust copy loop
// back into a call to memcpy.
core::arch::global_asm!(
    ".globl memcpy",
    ".type memcpy, @function",
    "memcpy:", // a0 = dst (returned), a1 = src, a2 = len
    "    mv a3, a0",
    "    beqz a2, 2f",
    "1:  lbu a4, 0(a1)",
    "    sb a4, 0(a3)",
    "    addi a1, a1, 1",
    "    addi a3, a3, 1",
    "    addi a2, a2, -1",
    "    bnez a2, 1b",
    "2:  ret",
    ".size memcpy, . - memcpy",
    ".globl memset",
    ".type memset, @function",
    "memset:", // a0 = dst (returned), a1 = byte, a2 = len
    "    mv a3, a0",
    "    beqz a2, 2f",
    "1:  sb a1, 0(a3)",
    "    addi a3, a3, 1",
    "    addi a2, a2, -1",
    "    bnez a2, 1b",
    "2:  ret",
    ".size memset, . - memset",
    ".globl strlen",
    ".type strlen, @function",
    "strlen:", // a0 = NUL-terminated string; returns its length
    "    mv a1, a0",
    "1:  lbu a2, 0(a1)",
    "    addi a1, a1, 1",
    "    bnez a2, 1b",
    "    sub a0, a1, a0",
    "    addi a0, a0, -1",
    "    ret",
    ".size strlen, . - strlen",
);
