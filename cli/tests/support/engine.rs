//! A real engine for CLI tests: `jazz server <app> --port 0 --in-memory` on 127.0.0.1 as a
//! child process (killed on drop), and a small admin client that never treats a status as an
//! error; and a recording proxy in front of it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The app every engine test uses.
pub const APP: &str = "7c9d3a52-1e4f-4b8a-8d2c-5f6e7a8b9c01";
pub const SECRET: &str = "engine-secret";

/// A running `jazz server` (owned: killed on drop), or a handle on one.
pub struct Engine {
    child: Option<Child>,
    pub url: String,
}

impl Drop for Engine {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Engine {
    /// A handle on a server started elsewhere (not stopped on drop).
    pub fn attach(url: &str) -> Self {
        Self {
            child: None,
            url: url.to_owned(),
        }
    }

    /// Starts a server for [`APP`] with admin secret [`SECRET`]; `dir` holds the port file.
    #[expect(
        clippy::zombie_processes,
        reason = "the child is stored in the Engine, whose Drop kills and waits for it"
    )]
    pub fn start(dir: &Path) -> Self {
        let port_file = dir.join(format!("engine-port-{}", std::process::id()));
        let _ = std::fs::remove_file(&port_file);
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("jazz"))
            .current_dir(dir)
            .env_remove("JAZZ_ADMIN_SECRET")
            .env_remove("JAZZ_APP_ID")
            .env_remove("JAZZ_PORT")
            .env_remove("JAZZ_DATA_DIR")
            .env_remove("NODE_ENV")
            .args(["--no-env-file", "server", APP, "--port", "0"])
            .args([
                "--host",
                "127.0.0.1",
                "--in-memory",
                "--admin-secret",
                SECRET,
            ])
            .arg("--bound-port-file")
            .arg(&port_file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn jazz server");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(p) = std::fs::read_to_string(&port_file)
                && let Ok(port) = p.trim().parse::<u16>()
            {
                return Self {
                    child: Some(child),
                    url: format!("http://127.0.0.1:{port}"),
                };
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("jazz server did not start");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn agent() -> ureq::Agent {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into()
    }

    /// `GET /apps/<APP>/<route>` with the admin secret: (status, JSON body or null).
    pub fn get(&self, route: &str) -> (u16, serde_json::Value) {
        let mut resp = Self::agent()
            .get(format!("{}/apps/{APP}/{route}", self.url))
            .header("X-Jazz-Admin-Secret", SECRET)
            .call()
            .expect("GET");
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or_default())
    }

    /// `POST /apps/<APP>/<route>` with the admin secret: (status, raw body).
    pub fn post(&self, route: &str, body: &str) -> (u16, String) {
        let mut resp = Self::agent()
            .post(format!("{}/apps/{APP}/{route}", self.url))
            .header("X-Jazz-Admin-Secret", SECRET)
            .header("Content-Type", "application/json")
            .send(body)
            .expect("POST");
        let status = resp.status().as_u16();
        (status, resp.body_mut().read_to_string().unwrap_or_default())
    }

    /// The stored schema hashes, in publish order.
    pub fn hashes(&self) -> Vec<String> {
        let (status, v) = self.get("schemas");
        assert_eq!(status, 200, "{v}");
        v["hashes"]
            .as_array()
            .expect("hashes")
            .iter()
            .map(|h| h.as_str().expect("hash").to_owned())
            .collect()
    }

    /// `GET /admin/schema-connectivity`.
    pub fn connected(&self, from: &str, to: &str) -> bool {
        let (status, v) = self.get(&format!(
            "admin/schema-connectivity?fromHash={from}&toHash={to}"
        ));
        assert_eq!(status, 200, "{v}");
        v["connected"].as_bool().expect("connected")
    }

    /// The permissions head, or null.
    pub fn head(&self) -> serde_json::Value {
        let (status, v) = self.get("admin/permissions/head");
        assert_eq!(status, 200, "{v}");
        v["head"].clone()
    }
}

/// The requests a proxy forwarded: method, path and body.
pub type Seen = Arc<Mutex<Vec<(String, String, String)>>>;

/// Hooks of [`proxy`]: `before` runs before a request is forwarded; `after` may rewrite the
/// answer's body.
pub type Before = Box<dyn Fn(&str, &str) + Send>;
pub type After = Box<dyn Fn(&str, String) -> String + Send>;

/// A loopback HTTP proxy in front of an engine (one request per connection) that records what
/// it forwards and lets a test act between requests or rewrite answers.
pub fn proxy(engine_url: String, before: Before, after: After) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let seen: Seen = Arc::default();
    let log = seen.clone();
    std::thread::spawn(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let mut parts = line.split_whitespace();
            let method = parts.next().unwrap_or("").to_owned();
            let path = parts.next().unwrap_or("").to_owned();
            let mut len = 0;
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                    break;
                }
                if let Some((k, v)) = h.split_once(':')
                    && k.trim().eq_ignore_ascii_case("content-length")
                {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            let _ = reader.read_exact(&mut body);
            log.lock().expect("lock").push((
                method.clone(),
                path.clone(),
                String::from_utf8_lossy(&body).into_owned(),
            ));
            before(&method, &path);
            let target = format!("{engine_url}{path}");
            let resp = if method == "POST" {
                agent
                    .post(&target)
                    .header("X-Jazz-Admin-Secret", SECRET)
                    .header("Content-Type", "application/json")
                    .send(&body[..])
            } else {
                agent
                    .get(&target)
                    .header("X-Jazz-Admin-Secret", SECRET)
                    .call()
            };
            let Ok(mut resp) = resp else { continue };
            let status = resp.status();
            let text = after(&path, resp.body_mut().read_to_string().unwrap_or_default());
            let _ = write!(
                stream,
                "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                status.as_u16(),
                status.canonical_reason().unwrap_or(""),
                text.len()
            );
        }
    });
    (url, seen)
}
