//! armv7 (EABI, built as Thumb-2): the system-call instruction, the process
//! entry point, and the memory routines core calls. The target is a gnu one and
//! no libc is linked, so every routine core needs is defined here.

/// Raw `svc 0` with up to five arguments; returns the kernel's raw result.
///
/// # Safety
/// The arguments must be valid for system call `nr` as the kernel documents it.
// Out of line, as on aarch64: one call is smaller than the set-up at every site.
#[inline(never)]
pub unsafe fn syscall5(nr: usize, a0: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> isize {
    let ret: isize;
    // SAFETY: the caller guarantees the arguments suit `nr`; the kernel returns
    // in r0 and preserves every other register. The number goes in r7, which
    // Thumb code keeps as its frame pointer, so r7 is saved around the call.
    unsafe {
        core::arch::asm!(
            "mov {saved}, r7",
            "mov r7, {nr}",
            "svc 0",
            "mov r7, {saved}",
            nr = in(reg) nr,
            saved = out(reg) _,
            inlateout("r0") a0 as isize => ret,
            in("r1") a1,
            in("r2") a2,
            in("r3") a3,
            in("r4") a4,
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
// Out of line: in Thumb code saving and restoring r7 at every site costs
// more than a call (measured: 96 bytes).
#[inline(never)]
pub unsafe fn syscall3(nr: usize, a0: usize, a1: usize, a2: usize) -> isize {
    let ret: isize;
    // SAFETY: the caller guarantees the arguments suit `nr`; the kernel returns
    // in r0 and preserves every other register. The number goes in r7, which
    // Thumb code keeps as its frame pointer, so r7 is saved around the call.
    unsafe {
        core::arch::asm!(
            "mov {saved}, r7",
            "mov r7, {nr}",
            "svc 0",
            "mov r7, {saved}",
            nr = in(reg) nr,
            saved = out(reg) _,
            inlateout("r0") a0 as isize => ret,
            in("r1") a1,
            in("r2") a2,
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
        "mov r0, sp",        // argument: the kernel's initial stack (8-byte aligned)
        "mov r7, #0",        // outermost frame for debuggers (r7 is Thumb's fp)
        "mov lr, #0",
        "bl {entry}",
        "udf #0",            // entry never returns
        entry = sym crate::entry,
    )
}

// The memory routines core calls: byte loops, since nanoinit only moves a few
// hundred bytes at a time. Assembly, not Rust: LLVM would turn a Rust copy loop
// back into a call to memcpy.
core::arch::global_asm!(
    ".syntax unified",
    ".thumb",
    ".globl memcpy",
    ".type memcpy, %function",
    ".thumb_func",
    "memcpy:", // r0 = dst (returned), r1 = src, r2 = len
    "    mov r3, r0",
    "    cbz r2, 2f",
    "1:  ldrb r12, [r1], #1",
    "    strb r12, [r3], #1",
    "    subs r2, r2, #1",
    "    bne 1b",
    "2:  bx lr",
    ".size memcpy, . - memcpy",
    ".globl memset",
    ".type memset, %function",
    ".thumb_func",
    "memset:", // r0 = dst (returned), r1 = byte, r2 = len
    "    mov r3, r0",
    "    cbz r2, 2f",
    "1:  strb r1, [r3], #1",
    "    subs r2, r2, #1",
    "    bne 1b",
    "2:  bx lr",
    ".size memset, . - memset",
    ".globl strlen",
    ".type strlen, %function",
    ".thumb_func",
    "strlen:", // r0 = NUL-terminated string; returns its length
    "    mov r1, r0",
    "1:  ldrb r2, [r1], #1",
    "    cmp r2, #0",
    "    bne 1b",
    "    subs r0, r1, r0",
    "    subs r0, r0, #1",
    "    bx lr",
    ".size strlen, . - strlen",
);
