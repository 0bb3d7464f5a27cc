//! The embedded server of `jazz dev`: the engine's server run
//! in-process on 127.0.0.1, its store under `<data dir>/<appId>/` with a lock file that
//! names the pid and URL of the run holding it, `--reset`, and the banner.

use std::path::Path;
use std::time::Duration;

use jazz_engine::ServerConfig;
use jazz_engine::server::run::{RunError, RunOptions, StorageMode};
use jazz_engine::storage::StorageError;

use super::report::Reporter;
use super::settings::{Secret, Settings, Storage};
use crate::dev_state::{self, LOCK_FILE};
use crate::paths;

/// How long the embedded server drains on shutdown.
const DRAIN: Duration = Duration::from_secs(5);

/// The engine's run options for these settings.
#[expect(clippy::too_many_arguments, reason = "one value per server setting")]
pub fn options(
    s: &Settings,
    host: &str,
    port: u16,
    storage: &Storage,
    backend: &Secret,
    local_first: bool,
    json: bool,
    verbose: bool,
) -> RunOptions {
    let mut config = ServerConfig::new(s.app.id);
    config.app_name = s.app.name.clone();
    config.admin_secret = Some(s.admin_secret.value.clone());
    config.backend_secret = Some(backend.value.clone());
    config.development_mode = true;
    // Loopback binds refuse foreign Host headers (DNS rebinding).
    config.loopback_host_check = true;
    config.allow_local_first_auth = local_first;
    // Request logs would drown the cycle lines; `-v` brings them back in text mode.
    config.log_requests = verbose && !json;
    RunOptions {
        config,
        storage: match storage {
            Storage::InMemory => StorageMode::InMemory,
            Storage::Dir { store, .. } => StorageMode::Dir(store.clone()),
        },
        host: host.to_owned(),
        port,
        shutdown_timeout: DRAIN,
    }
}

/// `(pid, url)` of the live run holding a store.
fn holder(store: &Path) -> Option<(u32, String)> {
    dev_state::holder(store).map(|r| (r.pid, r.url))
}

/// The message for a store another run holds.
fn in_use(store: &Path, pid: u32, url: &str) -> String {
    format!(
        "Another jazz dev is already using {} (pid {pid}, {url}).",
        store.display()
    )
}

/// Before starting: refuse a store a live run holds, and apply `--reset`.
pub fn prepare(storage: &Storage, reset: bool) -> Result<(), String> {
    let Storage::Dir { store, .. } = storage else {
        return Ok(());
    };
    if let Some((pid, url)) = holder(store) {
        return Err(in_use(store, pid, &url));
    }
    if reset && store.exists() {
        std::fs::remove_dir_all(store)
            .map_err(|e| format!("cannot reset {}: {e}", store.display()))?;
    }
    Ok(())
}

/// Records this run in the store's lock file.
pub fn lock(storage: &Storage, url: &str) {
    if let Storage::Dir { store, .. } = storage {
        let _ = std::fs::write(
            store.join(LOCK_FILE),
            format!("{} {url}\n", std::process::id()),
        );
    }
}

/// Removes this run's lock file.
pub fn unlock(storage: &Storage) {
    if let Storage::Dir { store, .. } = storage
        && holder(store).is_some_and(|(pid, _)| pid == std::process::id())
    {
        let _ = std::fs::remove_file(store.join(LOCK_FILE));
    }
}

/// The startup failure message: the engine's, or the lock holder's when the store is locked.
pub fn startup_error(storage: &Storage, engine: &RunError) -> String {
    if let Storage::Dir { store, .. } = storage
        && matches!(engine, RunError::Storage(StorageError::Locked(_)))
        && let Some((pid, url)) = holder(store)
    {
        return in_use(store, pid, &url);
    }
    format!("Server error: {engine}")
}

/// The upstream engine a banner describes.
pub struct EngineBanner<'a> {
    pub found: &'a super::engine::Found,
    pub pid: u32,
    pub inspector: Option<String>,
}

/// The banner lines and the `ready` event; `engine` is `None` for the embedded server.
pub fn banner(
    rep: Reporter,
    s: &Settings,
    url: &str,
    storage: &Storage,
    backend: &Secret,
    engine: Option<&EngineBanner<'_>>,
) {
    let data_dir = match storage {
        Storage::InMemory => "in memory".to_owned(),
        Storage::Dir { data_dir, .. } => paths::relative(data_dir, &s.root),
    };
    match engine {
        Some(e) => {
            rep.info(&format!("Running the Jazz engine on {url}"));
            rep.info(&format!(
                "Engine:   jazz-tools {} ({})",
                e.found.version_shown(),
                paths::relative(&e.found.binary, &s.root)
            ));
        }
        None => rep.info(&format!("Running a local jazz server on {url}")),
    }
    rep.info(&format!("Data dir: {data_dir}"));
    rep.info(&format!("App id:   {}", s.app.shown()));
    rep.info(&format!("Admin secret: {}", s.admin_secret.shown()));
    rep.info(&format!("Backend secret: {}", backend.shown()));
    let env: serde_json::Map<String, serde_json::Value> =
        super::framework::env_pairs(s.framework, &s.app.id.to_string(), url)
            .into_iter()
            .map(|(k, v)| (k, v.into()))
            .collect();
    let mut ready = serde_json::json!({
        "mode": "embedded",
        "url": url,
        "app_id": s.app.id.to_string(),
        "data_dir": data_dir,
        "env": env,
    });
    // `started` names the server process; the supervisor sends one per engine restart too.
    rep.event(
        "started",
        match engine {
            Some(e) => serde_json::json!({
                "engine": "upstream",
                "path": e.found.binary.display().to_string(),
                "version": e.found.version,
                "pid": e.pid,
                "url": url,
                "inspector": e.inspector,
                "restart": 0,
            }),
            None => serde_json::json!({
                "engine": "embedded",
                "path": null,
                "version": env!("CARGO_PKG_VERSION"),
                "pid": std::process::id(),
                "url": url,
                "inspector": null,
                "restart": 0,
            }),
        },
    );
    match engine {
        Some(e) => {
            ready["engine"] = serde_json::json!({
                "kind": "upstream",
                "path": e.found.binary.display().to_string(),
                "version": e.found.version,
                "pid": e.pid,
            });
            ready["inspector"] = e.inspector.clone().into();
        }
        None => {
            ready["engine"] = serde_json::json!({ "kind": "embedded", "path": null, "version": env!("CARGO_PKG_VERSION") });
        }
    }
    if s.admin_secret.generated {
        ready["admin_secret"] = s.admin_secret.value.clone().into();
    }
    rep.event("ready", ready);
}

/// The URL clients use for a bound port.
pub fn url_for(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

/// For a non-loopback bind, the first non-loopback IPv4 address of this machine (the one its
/// default route uses), which devices and emulators can reach; `None` for a loopback bind or
/// when there is no such address.
pub fn lan_ipv4(host: &str) -> Option<std::net::Ipv4Addr> {
    let bind: std::net::IpAddr = match host {
        "localhost" => return None,
        h => h.trim_matches(['[', ']']).parse().ok()?,
    };
    if bind.is_loopback() {
        return None;
    }
    if let std::net::IpAddr::V4(v4) = bind
        && !v4.is_unspecified()
    {
        return Some(v4);
    }
    // Connecting a UDP socket sends nothing; it only picks the outgoing interface.
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    match socket.local_addr().ok()?.ip() {
        std::net::IpAddr::V4(v4) if !v4.is_loopback() && !v4.is_unspecified() => Some(v4),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locked_store_names_its_holder() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let store = dir.path().join("app");
        std::fs::create_dir_all(&store)?;
        std::fs::write(
            store.join(LOCK_FILE),
            format!("{} http://127.0.0.1:4000", std::process::id()),
        )?;
        let storage = Storage::Dir {
            data_dir: dir.path().to_path_buf(),
            store: store.clone(),
        };
        let locked = RunError::Storage(StorageError::Locked(store.clone()));
        assert_eq!(
            startup_error(&storage, &locked),
            in_use(&store, std::process::id(), "http://127.0.0.1:4000")
        );
        let other = RunError::Storage(StorageError::Io("storage failure: disk full".into()));
        assert_eq!(
            startup_error(&storage, &other),
            "Server error: storage failure: disk full"
        );
        Ok(())
    }

    #[test]
    fn loopback_binds_keep_the_loopback_url() {
        assert_eq!(lan_ipv4("127.0.0.1"), None);
        assert_eq!(lan_ipv4("localhost"), None);
        assert_eq!(lan_ipv4("[::1]"), None);
        assert_eq!(
            lan_ipv4("192.168.1.20"),
            Some(std::net::Ipv4Addr::new(192, 168, 1, 20))
        );
        if let Some(ip) = lan_ipv4("0.0.0.0") {
            assert!(!ip.is_loopback() && !ip.is_unspecified(), "{ip}");
        }
    }
}
