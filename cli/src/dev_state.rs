//! What `jazz dev` leaves on disk for the other commands (docs/architecture.md, "jazz dev and
//! the engine"): the data dir's layout, the per-app admin secret that persists across restarts
//! (`<data dir>/<appId>.admin-secret`, mode 0600), and the lock file naming the pid and URL of
//! the run serving a store (`<data dir>/<appId>/jazz-dev.lock`). `jazz migrations`, `jazz
//! permissions` and `jazz deploy` read them when no server URL or admin secret is given, so a
//! command `jazz dev` prints works when pasted into another terminal.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The lock file inside a store dir: `<pid> <url>`.
pub const LOCK_FILE: &str = "jazz-dev.lock";

/// `jazz dev`'s data dir when `--data-dir` is not given.
pub fn default_data_dir(root: &Path) -> PathBuf {
    root.join("node_modules")
        .join(".cache")
        .join("jazz-dev-server")
}

/// The file holding the admin secret `jazz dev` generated for `app`.
pub fn secret_file(data_dir: &Path, app: &str) -> PathBuf {
    data_dir.join(format!("{app}.admin-secret"))
}

/// The secret in `file`, when it holds one.
pub fn read_secret(file: &Path) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    let secret = text.trim();
    (!secret.is_empty() && !secret.chars().any(char::is_control)).then(|| secret.to_owned())
}

/// The secret kept in `file`, or `fresh()` written there first (created with mode 0600, never
/// readable by other users). `Ok((secret, created))`.
pub fn keep_secret(file: &Path, fresh: impl FnOnce() -> String) -> Result<(String, bool), String> {
    if let Some(s) = read_secret(file) {
        return Ok((s, false));
    }
    let secret = fresh();
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    // Written beside the target and renamed, so a reader never sees half a secret.
    let tmp = file.with_extension(format!("admin-secret.new-{}", std::process::id()));
    let written = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options.open(&tmp)?;
        writeln!(f, "{secret}")?;
        f.sync_all()?;
        std::fs::rename(&tmp, file)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!("cannot write {}: {e}", file.display()));
    }
    Ok((secret, true))
}

/// A live `jazz dev` run serving a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Running {
    pub pid: u32,
    pub url: String,
}

/// The run holding `store`'s lock file, when that process is alive.
pub fn holder(store: &Path) -> Option<Running> {
    let text = std::fs::read_to_string(store.join(LOCK_FILE)).ok()?;
    let (pid, url) = text.trim().split_once(' ')?;
    let pid: u32 = pid.parse().ok()?;
    let alive = pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists();
    alive.then(|| Running {
        pid,
        url: url.to_owned(),
    })
}

/// What the default data dir of the project at `root` says about `app`.
#[derive(Debug, Default)]
pub struct Found {
    /// The live `jazz dev` serving the app.
    pub running: Option<Running>,
    /// The admin secret it keeps, and its file.
    pub secret: Option<(String, PathBuf)>,
}

/// Looks for `app`'s `jazz dev` state in the project's default data dir.
pub fn find(root: &Path, app: &str) -> Found {
    let data_dir = default_data_dir(root);
    let file = secret_file(&data_dir, app);
    Found {
        running: holder(&data_dir.join(app)),
        secret: read_secret(&file).map(|s| (s, file)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_secret_is_reused_and_private() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let file = secret_file(&tmp.path().join("data"), "app");
        let (first, created) = keep_secret(&file, || "jazz-dev-one".into()).expect("keep");
        assert!(created);
        let (second, created) = keep_secret(&file, || "jazz-dev-two".into()).expect("keep");
        assert!(!created);
        assert_eq!(first, "jazz-dev-one");
        assert_eq!(second, "jazz-dev-one");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // An empty or damaged file is replaced.
        std::fs::write(&file, "\n").expect("write");
        let (third, created) = keep_secret(&file, || "jazz-dev-three".into()).expect("keep");
        assert!(created);
        assert_eq!(third, "jazz-dev-three");
    }

    #[test]
    fn a_dead_holder_is_not_running() {
        let tmp = tempfile::tempdir().expect("tempdir");
        std::fs::write(tmp.path().join(LOCK_FILE), "999999999 http://127.0.0.1:1\n")
            .expect("write");
        assert_eq!(holder(tmp.path()), None);
        std::fs::write(
            tmp.path().join(LOCK_FILE),
            format!("{} http://127.0.0.1:2\n", std::process::id()),
        )
        .expect("write");
        assert_eq!(
            holder(tmp.path()).map(|r| r.url),
            Some("http://127.0.0.1:2".to_owned())
        );
    }
}
