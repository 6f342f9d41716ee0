//! The inits under test: where they are, their version, size and linkage.
use super::*;

pub struct Init {
    pub name: &'static str,
    pub path: String,
    /// Wants `--` before the program.
    pub dashdash: bool,
    pub version: String,
    pub size: u64,
    pub is_static: Option<bool>,
    pub nanoinit: bool,
}

impl Init {
    pub fn argv(&self, prog: &[&str]) -> Vec<String> {
        let mut v = vec![self.path.clone()];
        if self.dashdash {
            v.push("--".into());
        }
        v.extend(prog.iter().map(|s| s.to_string()));
        v
    }
}

pub fn names(inits: &[Init]) -> String {
    inits.iter().map(|i| i.name).collect::<Vec<_>>().join(", ")
}

pub fn find_inits(notes: &mut Vec<String>) -> Vec<Init> {
    let nanoinit = std::env::var("NANOINIT_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_nanoinit").to_string());
    let candidates: [(&'static str, &[&str], bool); 5] = [
        ("nanoinit", &[], true),
        ("tini", &["/usr/bin/tini"], true),
        ("tini-static", &["/usr/bin/tini-static"], true),
        ("dumb-init", &["/usr/bin/dumb-init"], false),
        ("catatonit", &["/usr/libexec/podman/catatonit", "/usr/bin/catatonit"], true),
    ];
    let mut out = Vec::new();
    for (name, paths, dashdash) in candidates {
        let found = if name == "nanoinit" {
            Some(nanoinit.clone())
        } else {
            paths.iter().find(|p| Path::new(p).exists()).map(|p| p.to_string()).or_else(|| which(name))
        };
        let Some(path) = found else {
            notes.push(format!("{name}: not installed, not measured (as root `make bench` installs it)"));
            continue;
        };
        let real = fs::canonicalize(&path).unwrap_or_else(|_| PathBuf::from(&path));
        let size = fs::metadata(&real).map(|m| m.len()).unwrap_or(0);
        let is_static = elf_is_static(&real);
        let version = version_of(&path);
        out.push(Init { name, path, dashdash, version, size, is_static, nanoinit: name == "nanoinit" });
    }
    out
}

pub fn which(name: &str) -> Option<String> {
    let path = std::env::var("PATH").unwrap_or_default();
    path.split(':').map(|d| format!("{d}/{name}")).find(|p| Path::new(p).is_file())
}

/// First line of `INIT --version`.
pub fn version_of(path: &str) -> String {
    let child =
        Command::new(path).arg("--version").stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
    let Ok(mut child) = child else { return "?".into() };
    if wait_child(&mut child, Duration::from_secs(5)).is_none() {
        return "?".into();
    }
    let mut s = String::new();
    if let Some(mut o) = child.stdout.take() {
        let _ = o.read_to_string(&mut s);
    }
    if s.trim().is_empty() {
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_string(&mut s);
        }
    }
    s.lines().next().unwrap_or("?").trim().replace('|', "/")
}

/// No PT_INTERP program header means static (also for static-pie).
pub fn elf_is_static(path: &Path) -> Option<bool> {
    let mut f = File::open(path).ok()?;
    let mut b = Vec::new();
    f.read_to_end(&mut b).ok()?;
    if b.len() < 64 || &b[..4] != b"\x7fELF" || b[4] != 2 {
        return None;
    }
    let u16_at = |o: usize| u16::from_le_bytes([b[o], b[o + 1]]) as usize;
    let phoff = u64::from_le_bytes(b[32..40].try_into().ok()?) as usize;
    let (phentsize, phnum) = (u16_at(54), u16_at(56));
    for i in 0..phnum {
        let o = phoff + i * phentsize;
        let ty = u32::from_le_bytes(b.get(o..o + 4)?.try_into().ok()?);
        if ty == 3 {
            return Some(false);
        }
    }
    Some(true)
}
