//! aarch64 system-call instruction. rustix keeps the syscalls we need here
//! (clone, execve, rt_sigprocmask, …) in its hidden, name-rotating runtime module.

/// Raw `svc 0` with up to five arguments; returns the kernel's raw result.
///
/// # Safety
/// The arguments must be valid for system call `nr` as the kernel documents it.
#[inline(always)]
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
