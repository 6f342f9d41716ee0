//! i686: the system-call instruction, the process entry point, and small
//! strlen and bcmp (musl's libc.a, linked as on x86_64, provides the other
//! routines core calls).

/// Raw `int 0x80` with up to five arguments; returns the kernel's raw result.
///
/// # Safety
/// The arguments must be valid for system call `nr` as the kernel documents it.
#[inline(never)]
pub unsafe fn syscall5(nr: usize, a0: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> isize {
    let ret: isize;
    // SAFETY: the caller guarantees the arguments suit `nr`; the kernel returns
    // in eax and preserves every other register. The fourth argument goes in
    // esi, which LLVM may reserve as a base pointer and so cannot be named as an
    // operand: it is swapped in and back out around the call.
    unsafe {
        core::arch::asm!(
            "xchg esi, {a3}",
            "int 0x80",
            "xchg esi, {a3}",
            a3 = in(reg) a3,
            inlateout("eax") nr as isize => ret,
            in("ebx") a0,
            in("ecx") a1,
            in("edx") a2,
            in("edi") a4,
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
    // in eax and preserves every other register.
    unsafe {
        core::arch::asm!(
            "int 0x80",
            inlateout("eax") nr as isize => ret,
            in("ebx") a0,
            in("ecx") a1,
            in("edx") a2,
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
        "mov eax, esp",      // the kernel's initial stack
        "and esp, -16",      // the ABI wants 16-byte alignment at a call,
        "sub esp, 12",       // after the one argument is pushed
        "push eax",          // argument (cdecl: on the stack)
        "call {entry}",
        "ud2",               // entry never returns
        entry = sym crate::entry,
    )
}

// strlen (CStr::from_ptr on argv and envp) and bcmp (byte-slice equality):
// byte loops, as on x86_64, since the strings are short. A symbol defined here
// keeps the linker from pulling musl's from libc.a; musl's i686 bcmp is also
// position-independent code that needs a helper from crt1.o, whose sections
// link/discard.ld drops. Assembly, not Rust: LLVM may turn a Rust loop back
// into a call to the routine itself.
core::arch::global_asm!(
    ".globl strlen",
    ".type strlen, @function",
    "strlen:", // [esp + 4] = NUL-terminated string; returns its length
    "    mov ecx, [esp + 4]",
    "    mov eax, ecx",
    "2:  cmp byte ptr [eax], 0",
    "    lea eax, [eax + 1]",
    "    jne 2b",
    "    sub eax, ecx",
    "    dec eax",
    "    ret",
    ".size strlen, . - strlen",
    ".globl bcmp",
    ".type bcmp, @function",
    "bcmp:", // [esp + 4], [esp + 8] = two buffers, [esp + 12] = len; 0 iff equal
    "    push esi",
    "    push edi",
    "    mov esi, [esp + 12]",
    "    mov edi, [esp + 16]",
    "    mov ecx, [esp + 20]",
    "    xor eax, eax", // sets ZF: equal when len is 0 and cmpsb never runs
    "    repe cmpsb",
    "    setne al",
    "    pop edi",
    "    pop esi",
    "    ret",
    ".size bcmp, . - bcmp",
);
