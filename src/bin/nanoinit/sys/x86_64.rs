//! x86_64: the system-call instruction, the process entry point, and small
//! versions of the libc routines core calls (strlen).

/// Raw `syscall` with up to five arguments; returns the kernel's raw result.
///
/// # Safety
/// The arguments must be valid for system call `nr` as the kernel documents it.
pub unsafe fn syscall5(nr: usize, a0: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> isize {
    let ret: isize;
    // SAFETY: the caller guarantees the arguments suit `nr`; the kernel clobbers
    // rcx and r11 and nothing else, and uses no user stack.
    unsafe {
        core::arch::asm!(
            "syscall",
            inlateout("rax") nr as isize => ret,
            in("rdi") a0,
            in("rsi") a1,
            in("rdx") a2,
            in("r10") a3,
            in("r8") a4,
            lateout("rcx") _,
            lateout("r11") _,
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
#[inline(always)]
pub unsafe fn syscall3(nr: usize, a0: usize, a1: usize, a2: usize) -> isize {
    let ret: isize;
    // SAFETY: the caller guarantees the arguments suit `nr`; the kernel clobbers
    // rcx and r11 and nothing else, and uses no user stack.
    unsafe {
        core::arch::asm!(
            "syscall",
            inlateout("rax") nr as isize => ret,
            in("rdi") a0,
            in("rsi") a1,
            in("rdx") a2,
            lateout("rcx") _,
            lateout("r11") _,
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
        "xor ebp, ebp",      // outermost frame for debuggers
        "mov rdi, rsp",      // argument: the kernel's initial stack
        "and rsp, -16",      // the ABI wants 16-byte alignment at a call
        "call {entry}",
        "ud2",               // entry never returns
        entry = sym crate::entry,
    )
}

// strlen, the one libc routine core calls here (CStr::from_ptr on argv and
// envp). musl's is word-at-a-time, 77 bytes; a byte loop does in 17 and the
// strings are short. A symbol defined here keeps the linker from pulling musl's
// from libc.a. Assembly, not Rust: LLVM may turn a Rust loop back into a strlen call.
core::arch::global_asm!(
    ".globl strlen",
    ".type strlen, @function",
    "strlen:", // rdi = NUL-terminated string; returns its length
    "    mov rax, rdi",
    "2:  cmp byte ptr [rax], 0",
    "    lea rax, [rax + 1]",
    "    jne 2b",
    "    sub rax, rdi",
    "    dec rax",
    "    ret",
    ".size strlen, . - strlen",
);
