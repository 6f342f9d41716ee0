//! aarch64: the system-call instruction, the process entry point, and small
//! versions of the libc routines core calls (memcpy, memset and strlen).

/// Raw `svc 0` with up to five arguments; returns the kernel's raw result.
///
/// # Safety
/// The arguments must be valid for system call `nr` as the kernel documents it.
// Out of line here (x86_64's is inlined): with fixed-width instructions one call
// is smaller than the set-up of x8 and `svc` at every site (measured: 44 bytes).
#[inline(never)]
pub unsafe fn syscall5(nr: usize, a0: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> isize {
    let ret: isize;
    // SAFETY: the caller guarantees the arguments suit `nr`; the kernel returns
    // in x0 and preserves every other register.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("x8") nr,
            inlateout("x0") a0 as isize => ret,
            in("x1") a1,
            in("x2") a2,
            in("x3") a3,
            in("x4") a4,
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
    // in x0 and preserves every other register.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("x8") nr,
            inlateout("x0") a0 as isize => ret,
            in("x1") a1,
            in("x2") a2,
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
        "mov x29, #0",       // outermost frame for debuggers
        "mov x30, #0",
        "mov x0, sp",        // argument: the kernel's initial stack
        "bl {entry}",
        "brk #0",            // entry never returns
        entry = sym crate::entry,
    )
}

// The memory routines core calls. musl's aarch64 ones are tuned for large
// copies (656 bytes for memcpy and memset); nanoinit only ever moves a few
// hundred bytes at a time, so byte loops do, in 76 bytes. A symbol defined here
// keeps the linker from pulling musl's from libc.a. Assembly, not Rust: LLVM
// would turn a Rust copy loop back into a call to memcpy.
core::arch::global_asm!(
    ".globl memcpy",
    ".type memcpy, %function",
    "memcpy:", // x0 = dst (returned), x1 = src, x2 = len
    "    mov x3, x0",
    "    cbz x2, 2f",
    "1:  ldrb w4, [x1], #1",
    "    strb w4, [x3], #1",
    "    subs x2, x2, #1",
    "    b.ne 1b",
    "2:  ret",
    ".size memcpy, . - memcpy",
    ".globl memset",
    ".type memset, %function",
    "memset:", // x0 = dst (returned), w1 = byte, x2 = len
    "    mov x3, x0",
    "    cbz x2, 2f",
    "1:  strb w1, [x3], #1",
    "    subs x2, x2, #1",
    "    b.ne 1b",
    "2:  ret",
    ".size memset, . - memset",
    ".globl strlen",
    ".type strlen, %function",
    "strlen:", // x0 = NUL-terminated string; returns its length
    "    mov x1, x0",
    "1:  ldrb w2, [x1], #1",
    "    cbnz w2, 1b",
    "    sub x0, x1, x0",
    "    sub x0, x0, #1",
    "    ret",
    ".size strlen, . - strlen",
);
