//! powerpc64le (ELFv2): the system-call instruction, the process entry point,
//! and the memory routines core calls. The target is a gnu one and no libc is
//! linked, so every routine core needs is defined here.

/// Raw `sc` with up to five arguments; returns the kernel's raw result, as a
/// negative errno on failure like every other architecture.
///
/// # Safety
/// The arguments must be valid for system call `nr` as the kernel documents it.
#[inline(never)]
pub unsafe fn syscall5(nr: usize, a0: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> isize {
    let ret: isize;
    // SAFETY: the caller guarantees the arguments suit `nr`. The kernel returns
    // in r3 and clobbers r0, r4–r12, cr0, ctr and xer. It reports failure with
    // cr0.SO set and a positive errno in r3, which is negated here.
    unsafe {
        core::arch::asm!(
            "sc",
            "bns 1f",
            "neg 3, 3",
            "1:",
            inlateout("r0") nr => _,
            inlateout("r3") a0 as isize => ret,
            inlateout("r4") a1 => _,
            inlateout("r5") a2 => _,
            inlateout("r6") a3 => _,
            inlateout("r7") a4 => _,
            lateout("r8") _,
            lateout("r9") _,
            lateout("r10") _,
            lateout("r11") _,
            lateout("r12") _,
            lateout("cr0") _,
            lateout("ctr") _,
            lateout("xer") _,
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
// Inline, unlike syscall5: with at most four registers to set, the `bl` to
// the shared `sc_negating` at each site is smaller than a call to a function
// that sets them again (measured: 216 bytes).
#[inline(always)]
pub unsafe fn syscall3(nr: usize, a0: usize, a1: usize, a2: usize) -> isize {
    let ret: isize;
    // SAFETY: the caller guarantees the arguments suit `nr`. `sc_negating`
    // makes the call and turns a failure into -errno; the kernel clobbers r0,
    // r4–r12, cr0, ctr and xer, and the `bl` clobbers lr.
    unsafe {
        core::arch::asm!(
            "bl {sc}",
            sc = sym sc_negating,
            inlateout("r0") nr => _,
            inlateout("r3") a0 as isize => ret,
            inlateout("r4") a1 => _,
            inlateout("r5") a2 => _,
            lateout("r6") _,
            lateout("r7") _,
            lateout("r8") _,
            lateout("r9") _,
            lateout("r10") _,
            lateout("r11") _,
            lateout("r12") _,
            lateout("cr0") _,
            lateout("ctr") _,
            lateout("xer") _,
            lateout("lr") _,
            options(nostack),
        );
    }
    ret
}

/// `sc`, then the kernel's failure convention (cr0.SO set, a positive errno in
/// r3) turned into -errno as on other architectures. One shared copy: a `bl`
/// here is 4 bytes at each syscall3 site instead of 12.
#[unsafe(naked)]
unsafe extern "C" fn sc_negating() {
    core::arch::naked_asm!("sc", "bnslr", "neg 3, 3", "blr")
}

/// The process entry point: hands the initial stack pointer (argc, argv, envp) to `entry`.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub extern "C" fn init_entry() -> ! {
    core::arch::naked_asm!(
        // Static data is reached through the TOC pointer in r2, which nothing
        // has set yet: compute it from our own address.
        "bl 1f",
        "1: mflr 12",
        "addis 2, 12, (.TOC. - 1b)@ha",
        "addi 2, 2, (.TOC. - 1b)@l",
        "mr 3, 1",           // argument: the kernel's initial stack
        "clrrdi 1, 1, 4",    // 16-byte alignment
        "li 0, 0",
        "stdu 0, -32(1)",    // the minimum frame, with a null back chain
        "bl {entry}",
        "trap",              // entry never returns
        entry = sym crate::entry,
    )
}

// The memory routines core calls: byte loops, since nanoinit only moves a few
// hundred bytes at a time. Assembly, not Rust: LLVM would turn a Rust copy loop
// back into a call to memcpy. They use no TOC, so they need no local entry.
core::arch::global_asm!(
    ".globl memcpy",
    ".type memcpy, @function",
    "memcpy:", // r3 = dst (returned), r4 = src, r5 = len
    "    cmpdi 5, 0",
    "    beqlr",
    "    mtctr 5",
    "    addi 4, 4, -1",
    "    addi 9, 3, -1",
    "1:  lbzu 10, 1(4)",
    "    stbu 10, 1(9)",
    "    bdnz 1b",
    "    blr",
    ".size memcpy, . - memcpy",
    ".globl memset",
    ".type memset, @function",
    "memset:", // r3 = dst (returned), r4 = byte, r5 = len
    "    cmpdi 5, 0",
    "    beqlr",
    "    mtctr 5",
    "    addi 9, 3, -1",
    "1:  stbu 4, 1(9)",
    "    bdnz 1b",
    "    blr",
    ".size memset, . - memset",
    ".globl strlen",
    ".type strlen, @function",
    "strlen:", // r3 = NUL-terminated string; returns its length
    "    addi 9, 3, -1",
    "1:  lbzu 10, 1(9)",
    "    cmpwi 10, 0",
    "    bne 1b",
    "    subf 3, 3, 9",
    "    blr",
    ".size strlen, . - strlen",
);
