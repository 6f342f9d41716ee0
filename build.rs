//! Embeds the git commit for `--version`, packs src/help.txt for `--help`, and
//! gives the init binary (only the binary: the test harnesses link std
//! normally) its own entry point and a non-PIE static layout without unwind
//! tables. Each flag says why below; the README's "Size" section gives the
//! whole layout.
use std::{env, fs, path::Path, process::Command};

fn main() {
    let dir = env::var("CARGO_MANIFEST_DIR").unwrap();
    pack_help(&dir);
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
        // Our own entry (sys/<arch>.rs): no crt start-up code, no libc init.
        "--entry=init_entry".to_string(),
        // No build-id note: bytes nobody reads, and it would differ per build path.
        "--build-id=none".into(),
        // Nothing would ever mprotect a RELRO region in a static binary with its
        // own entry; without it no page-aligned gap.
        "-z".into(),
        "norelro".into(),
        // One R+X segment (and one RW, had the binary writable data) instead of
        // four page-aligned ones (GNU ld's default), whose alignment alone puts
        // the floor near 13 KB.
        "-z".into(),
        "noseparate-code".into(),
        // Segments not page-aligned in the file (the kernel maps each from the
        // page it starts in) and the ELF headers in no segment: nothing reads
        // them from memory (no dynamic linker, no libc start-up), so lld
        // writes no PT_PHDR either (56 bytes on 64-bit platforms).
        "--nmagic".into(),
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
    // binary that copies a few hundred bytes at most; on the musl targets
    // musl's libc.a supplies the rest, and nothing else. A gnu target links no
    // libc at all, so its arch file defines every one.
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
    fs::create_dir_all(&dir).unwrap();
    for lib in ["c", "m", "rt", "pthread", "dl", "util"] {
        fs::write(dir.join(format!("lib{lib}.a")), b"!<arch>\n").unwrap();
    }
    println!("cargo:rustc-link-search=native={}", dir.display());
}

/// The personalities' tags in src/help.txt, in `Personality` order.
const TAGS: [char; 3] = ['n', 't', 'd'];
/// Back-reference limits of the packed format (decoder: src/help.rs).
const MIN_COPY: usize = 3;
const MAX_COPY: usize = MIN_COPY + 15;
const MAX_DIST: usize = 1 << 11;

/// Turns src/help.txt into the one template the decoder expands (tagged lines
/// become `{n|t|d}` alternatives, comments go), packs it, and writes
/// `$OUT_DIR/help.rs` with the packed bytes and the template's length.
fn pack_help(dir: &str) {
    let path = Path::new(dir).join("src/help.txt");
    println!("cargo:rerun-if-changed={}", path.display());
    let src = fs::read_to_string(&path).expect("src/help.txt");
    assert!(src.bytes().all(|b| b == b'\n' || (b' '..b'\x7f').contains(&b)), "help.txt: printable ASCII only");
    let mut template = String::new();
    // Consecutive lines with the same tag share one alternative.
    let mut group: Option<(String, [String; 3])> = None;
    let flush = |group: &mut Option<(String, [String; 3])>, out: &mut String| {
        if let Some((_, parts)) = group.take() {
            out.push_str(&format!("{{{}}}", parts.join("|")));
        }
    };
    for line in src.lines().filter(|l| !l.starts_with('#')) {
        let tagged = line.strip_prefix('[').and_then(|l| l.split_once(']'));
        match tagged {
            Some((tag, text)) if !tag.is_empty() && tag.chars().all(|c| TAGS.contains(&c)) => {
                if group.as_ref().is_some_and(|(t, _)| t != tag) {
                    flush(&mut group, &mut template);
                }
                let (_, parts) = group.get_or_insert_with(|| (tag.to_string(), Default::default()));
                for (i, part) in parts.iter_mut().enumerate() {
                    if tag.contains(TAGS[i]) {
                        // An alternative inside a tagged line is resolved here:
                        // the decoder's alternatives do not nest.
                        part.push_str(&choose(text, i));
                        part.push('\n');
                    }
                }
            }
            _ => {
                flush(&mut group, &mut template);
                template.push_str(line);
                template.push('\n');
            }
        }
    }
    flush(&mut group, &mut template);
    let packed = lz_pack(template.as_bytes());
    let bytes: Vec<String> = packed.iter().map(|b| b.to_string()).collect();
    let out = format!(
        "/// Length of the unpacked template (all three personalities).\n\
         pub const TEMPLATE_LEN: usize = {};\n\
         /// src/help.txt packed by build.rs.\n\
         static PACKED: [u8; {}] = [{}];\n",
        template.len(),
        packed.len(),
        bytes.join(",")
    );
    fs::write(Path::new(&env::var("OUT_DIR").unwrap()).join("help.rs"), out).unwrap();
}

/// `line` with each `{A|B|C}` replaced by its part for personality `i`.
fn choose(line: &str, i: usize) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some((head, tail)) = rest.split_once('{') {
        let (alts, tail) = tail.split_once('}').expect("help.txt: '{' without '}'");
        let alts: Vec<&str> = alts.split('|').collect();
        assert_eq!(alts.len(), TAGS.len(), "help.txt: {{A|B|C}} needs three parts");
        out.push_str(head);
        out.push_str(alts[i]);
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// LZ77 with an optimal parse: each position takes the cheapest of a literal
/// (1 byte) or a copy of 3..=18 earlier bytes up to 2048 back (2 bytes),
/// found by dynamic programming from the end. Format: see src/help.rs.
fn lz_pack(data: &[u8]) -> Vec<u8> {
    let n = data.len();
    // cost[i]: packed size of data[i..]; step[i]: (length, distance) of the copy at i.
    let mut cost = vec![0usize; n + 1];
    let mut step = vec![(1usize, 0usize); n + 1];
    for i in (0..n).rev() {
        cost[i] = 1 + cost[i + 1];
        step[i] = (1, 0);
        for dist in 1..=i.min(MAX_DIST) {
            let mut len = 0;
            while len < MAX_COPY && i + len < n && data[i + len - dist] == data[i + len] {
                len += 1;
            }
            for l in MIN_COPY..=len {
                if 2 + cost[i + l] < cost[i] {
                    cost[i] = 2 + cost[i + l];
                    step[i] = (l, dist);
                }
            }
        }
    }
    let mut out = Vec::with_capacity(cost[0]);
    let mut i = 0;
    while i < n {
        let (len, dist) = step[i];
        if dist == 0 {
            out.push(data[i]);
        } else {
            let d = dist - 1;
            out.push(0x80 | ((len - MIN_COPY) << 3) as u8 | (d >> 8) as u8);
            out.push(d as u8);
        }
        i += len;
    }
    out
}
