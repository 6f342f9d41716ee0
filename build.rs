//! Embeds the git commit for `--version`, and gives the init binary (only the
//! binary: the test harnesses link std normally) its own entry point and a
//! non-PIE static layout without unwind tables. Why each flag is there:
//! ../shared/notes/toolchain.md §3.
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
    if target_env != "musl" && target_env != "gnu" {
        println!("cargo:warning=nanoinit is meant for *-linux-musl and *-linux-gnu targets; got '{target_env}'");
        return;
    }
    // rust-lld (aarch64 here) takes raw arguments; gcc wants them behind -Wl,.
    let lld = env::var("RUSTC_LINKER").map(|l| l.contains("lld")).unwrap_or(false);
    let script = Path::new(&dir).join("link/discard.ld");
    let mut args = vec![
        "--entry=init_entry".to_string(),
        "--build-id=none".into(),
        "-z".into(),
        "norelro".into(),
        "-z".into(),
        "noseparate-code".into(),
        "--no-eh-frame-hdr".into(),
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
    // core needs memcpy, memset, bcmp and strlen. musl's libc.a (shipped with
    // the musl targets) provides those sys/<arch>.rs does not define; a gnu
    // target links no libc at all, so its arch file defines every one.
    if target_env == "musl" {
        println!("cargo:rustc-link-arg-bins=-lc");
    } else {
        empty_glibc_stand_ins();
    }
}

/// The libc crate (constants and types only here) asks a gnu target's link for
/// glibc's libraries by name (`-lc -lm -lrt -lpthread`), which this toolchain
/// does not ship for the cross targets. No symbol of theirs is wanted, so empty
/// archives of those names satisfy the request and nothing of glibc is linked;
/// a missing symbol still fails the link as undefined.
fn empty_glibc_stand_ins() {
    let dir = Path::new(&env::var("OUT_DIR").unwrap()).join("no-glibc");
    std::fs::create_dir_all(&dir).unwrap();
    for lib in ["c", "m", "rt", "pthread", "dl", "util"] {
        std::fs::write(dir.join(format!("lib{lib}.a")), b"!<arch>\n").unwrap();
    }
    println!("cargo:rustc-link-search=native={}", dir.display());
}
