//! Embeds the git commit for `--version`, and gives the init binary (only the
//! binary: the test harnesses link std normally) its own entry point and a
//! non-PIE static layout without unwind tables. Each flag says why below; the
//! README's "Size" section gives the whole layout.
use std::{env, path::Path, process::Command};

fn main() {
    let dir = env::var("CARGO_MANIFEST_DIR").unwrap();
    let git = Command::new("git")
        .args(["-C", &dir, "describe", "--always", "--dirty", "--abbrev=12", "--exclude=*"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=NANOINIT_GIT={git}");
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/index");
    println!("cargo:rerun-if-changed=.git/refs");
    println!("cargo:rerun-if-changed=link/discard.ld");
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");

    let target_env = env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if target_env != "musl" {
        println!("cargo:warning=nanoinit is meant for *-linux-musl targets; got '{target_env}'");
        return;
    }
    // rust-lld (aarch64 here) takes raw arguments; gcc wants them behind -Wl,.
    let lld = env::var("RUSTC_LINKER").map(|l| l.contains("lld")).unwrap_or(false);
    let script = Path::new(&dir).join("link/discard.ld");
    let mut args = vec![
        // Our own entry (sys/<arch>.rs): no crt start-up code, no libc init.
        "--entry=init_entry".to_string(),
        // No build-id note: bytes nobody reads, and it would differ per build path.
        "--build-id=none".into(),
        // Nothing would ever mprotect a RELRO region in a static binary with its
        // own entry; without it no page-aligned gap.
        "-z".into(),
        "norelro".into(),
        // One R+X and one RW segment instead of four page-aligned ones (GNU ld's
        // default), whose alignment alone puts the floor near 13 KB.
        "-z".into(),
        "noseparate-code".into(),
        // Nothing unwinds (panic = "abort"); the script below drops .eh_frame,
        // which -C force-unwind-tables=no cannot (libcore carries uwtable).
        "--no-eh-frame-hdr".into(),
        // Discards the crt objects' sections, .eh_frame and .comment.
        "-T".into(),
        script.display().to_string(),
    ];
    if lld {
        args.push("--no-pie".into());
        // rodata in the R+X segment with the code, as GNU ld does with
        // noseparate-code: one LOAD header and no alignment gap.
        args.push("--no-rosegment".into());
        for a in args {
            println!("cargo:rustc-link-arg-bins={a}");
        }
    } else {
        // -no-pie beats any RUSTFLAGS: a static-pie with our own entry would crash,
        // since nothing applies its relocations.
        println!("cargo:rustc-link-arg-bins=-no-pie");
        println!("cargo:rustc-link-arg-bins=-static");
        let mut i = 0;
        while i < args.len() {
            // Keep `-z X` and `-T file` pairs together in one -Wl.
            if args[i] == "-z" || args[i] == "-T" {
                println!("cargo:rustc-link-arg-bins=-Wl,{},{}", args[i], args[i + 1]);
                i += 2;
            } else {
                println!("cargo:rustc-link-arg-bins=-Wl,{}", args[i]);
                i += 1;
            }
        }
    }
    // core calls memcpy, memset and strlen (bcmp too, were a slice compared with
    // `==`). sys/<arch>.rs defines those whose musl versions are large for a
    // binary that copies a few hundred bytes at most (x86_64: strlen; aarch64:
    // memcpy, memset, strlen); musl's libc.a supplies the rest, and nothing else.
    println!("cargo:rustc-link-arg-bins=-lc");
}
