//! Temporary directories and files, and programs found on PATH.
use super::{bin, poll};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("nanoinit-{tag}-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }

    /// `self/rel` as a string.
    pub fn join(&self, rel: &str) -> String {
        self.0.join(rel).to_string_lossy().into_owned()
    }

    /// The directory as a string.
    pub fn path(&self) -> String {
        self.0.to_string_lossy().into_owned()
    }

    /// A symlink `self/name` → the nanoinit binary (`tini`, `dumb-init`, ...).
    pub fn personality(&self, name: &str) -> String {
        let link = self.join(name);
        if fs::symlink_metadata(&link).is_err() {
            std::os::unix::fs::symlink(bin(), &link).unwrap();
        }
        link
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Writes `content` to `path` with permissions `mode` (octal string, e.g. "755").
/// The file is written by a short-lived `sh`, never through an fd of the test
/// process: a write fd held here would leak into children other test threads
/// fork at that moment, and exec of the file would fail with ETXTBSY.
pub fn write_file(path: &str, content: &str, mode: &str) {
    use std::io::Write;
    if let Some(dir) = Path::new(path).parent() {
        fs::create_dir_all(dir).expect("create dirs");
    }
    let mut c = Command::new("sh")
        .args(["-c", "cat > \"$1\" && chmod \"$2\" \"$1\"", "sh", path, mode])
        .stdin(Stdio::piped())
        .spawn()
        .expect("spawn sh to write a file");
    c.stdin.take().unwrap().write_all(content.as_bytes()).unwrap();
    assert!(c.wait().unwrap().success(), "writing {path} failed");
}

/// Waits until `path` exists, or panics after `within`.
pub fn wait_for_file(path: &str, within: Duration) {
    poll(within, || Path::new(path).exists().then_some(())).unwrap_or_else(|| panic!("{path} never appeared"));
}

/// Absolute path of `name` found in the test's own PATH (so a Command whose
/// environment changes PATH can still find it).
pub fn which(name: &str) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var("PATH").unwrap_or_else(|_| "/usr/local/bin:/usr/bin:/bin".into());
    path.split(':').map(|d| Path::new(d).join(name)).find_map(|p| {
        let m = fs::metadata(&p).ok()?;
        (m.is_file() && m.permissions().mode() & 0o111 != 0).then(|| p.to_string_lossy().into_owned())
    })
}
