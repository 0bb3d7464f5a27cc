//! The client side of upstream's admin HTTP API:
//! URL rules, headers, timeouts, GET retries and the `<What> failed: …` messages. Blocking,
//! one request at a time; used by `migrations create|push`, `schema export --schema-hash`,
//! `schema diff`, `permissions status` and the publish pipeline (`deploy`, `jazz dev`).

use std::io::Read;
use std::thread::sleep;
use std::time::{Duration, Instant};

use ureq::Agent;

/// A configured admin client for one app.
pub struct Admin {
    base: String,
    app_id: String,
    secret: String,
    agent: Agent,
    verbose: bool,
}

/// A fetched schema: the `schema` member as received (order kept) and `publishedAt`.
pub struct FetchedSchema {
    pub schema: jazz_schema_compiler::schema::JsonValue,
    pub published_at: Option<f64>,
}

/// A permissions head: `{"schemaHash","version","parentBundleObjectId","bundleObjectId"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub schema_hash: String,
    pub version: u64,
    pub parent_bundle_object_id: Option<String>,
    pub bundle_object_id: String,
}

impl Head {
    fn from_json(v: &serde_json::Value) -> Option<Self> {
        Some(Self {
            schema_hash: v.get("schemaHash")?.as_str()?.to_ascii_lowercase(),
            version: v.get("version")?.as_u64()?,
            parent_bundle_object_id: v
                .get("parentBundleObjectId")
                .and_then(|p| p.as_str())
                .map(str::to_owned),
            bundle_object_id: v.get("bundleObjectId")?.as_str()?.to_owned(),
        })
    }

    /// The CLI's JSON form (snake_case, like every `--format json` envelope).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "schema_hash": self.schema_hash,
            "version": self.version,
            "parent_bundle_object_id": self.parent_bundle_object_id,
            "bundle_object_id": self.bundle_object_id,
        })
    }
}

/// A failed request: the HTTP status when the server answered, and the message upstream's CLI
/// prints for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub status: Option<u16>,
    pub message: String,
}

/// `encodeURIComponent`.
pub fn encode_component(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Normalises a server URL: ws(s) → http(s), no query or fragment, no trailing `/`.
pub fn normalize_url(url: &str) -> Result<String, String> {
    let u = url.trim();
    let mapped = if let Some(rest) = u.strip_prefix("ws://") {
        format!("http://{rest}")
    } else if let Some(rest) = u.strip_prefix("wss://") {
        format!("https://{rest}")
    } else {
        u.to_owned()
    };
    if !(mapped.starts_with("http://") || mapped.starts_with("https://")) {
        return Err(format!(
            "invalid server URL {url}: the scheme must be http, https, ws or wss"
        ));
    }
    if mapped.contains('?') || mapped.contains('#') {
        return Err(format!(
            "invalid server URL {url}: must not contain a query or fragment"
        ));
    }
    Ok(mapped.trim_end_matches('/').to_owned())
}

impl Admin {
    pub fn new(
        server_url: &str,
        app_id: &str,
        secret: &str,
        timeout_secs: u64,
        verbose: bool,
    ) -> Result<Self, String> {
        let base = normalize_url(server_url)?;
        let agent: Agent = Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(timeout_secs)))
            .user_agent(format!("jazz/{}", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Ok(Self {
            base,
            app_id: app_id.to_owned(),
            secret: secret.to_owned(),
            agent,
            verbose,
        })
    }

    fn url(&self, route: &str) -> String {
        format!(
            "{}/apps/{}/{route}",
            self.base,
            encode_component(&self.app_id)
        )
    }

    fn log(&self, method: &str, url: &str, status: Option<u16>, started: Instant) {
        if self.verbose {
            let status = status.map_or("-".to_owned(), |s| s.to_string());
            eprintln!(
                "{method} {url} {status} {}ms",
                started.elapsed().as_millis()
            );
        }
    }

    /// A GET with up to two retries on connection errors and 502/503/504.
    fn get(&self, what: &str, route: &str) -> Result<(u16, String), String> {
        let url = self.url(route);
        let mut attempt = 0;
        loop {
            let started = Instant::now();
            let r = self
                .agent
                .get(&url)
                .header("X-Jazz-Admin-Secret", &self.secret)
                .call();
            let retry = match &r {
                Ok(resp) => matches!(resp.status().as_u16(), 502..=504),
                Err(_) => true,
            };
            if retry && attempt < 2 {
                self.log(
                    "GET",
                    &url,
                    r.as_ref().ok().map(|x| x.status().as_u16()),
                    started,
                );
                sleep(Duration::from_millis(if attempt == 0 { 250 } else { 1000 }));
                attempt += 1;
                continue;
            }
            return self.finish(what, "GET", &url, r, started);
        }
    }

    fn finish(
        &self,
        what: &str,
        method: &str,
        url: &str,
        r: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
        started: Instant,
    ) -> Result<(u16, String), String> {
        match r {
            Ok(mut resp) => {
                let status = resp.status();
                self.log(method, url, Some(status.as_u16()), started);
                let mut body = String::new();
                let _ = resp.body_mut().as_reader().read_to_string(&mut body);
                Ok((status.as_u16(), body))
            }
            Err(e) => {
                self.log(method, url, None, started);
                Err(format!(
                    "{what} failed: could not connect to {}: {e}",
                    self.base
                ))
            }
        }
    }

    /// `<What> failed: <status> <reason>[ - <body>]`.
    fn failure(what: &str, status: u16, body: &str) -> String {
        let reason = ureq::http::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        let mut m = format!("{what} failed: {status} {reason}");
        if !body.is_empty() {
            m.push_str(&format!(" - {body}"));
        }
        m
    }

    /// `GET /schemas` → `hashes`.
    pub fn list_hashes(&self) -> Result<Vec<String>, String> {
        let what = "Schema hashes fetch";
        let (status, body) = self.get(what, "schemas")?;
        if !(200..300).contains(&status) {
            return Err(Self::failure(what, status, &body));
        }
        let v: serde_json::Value =
            serde_json::from_str(&body).map_err(|e| format!("{what} failed: invalid JSON: {e}"))?;
        Ok(v.get("hashes")
            .and_then(|h| h.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_ascii_lowercase))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// `GET /schema/<hash>`; `Ok(None)` on 404.
    pub fn fetch_schema(&self, hash: &str) -> Result<Option<FetchedSchema>, String> {
        let what = "Schema fetch";
        let (status, body) = self.get(what, &format!("schema/{hash}"))?;
        if status == 404 {
            return Ok(None);
        }
        if !(200..300).contains(&status) {
            return Err(Self::failure(what, status, &body));
        }
        let v = jazz_schema_compiler::schema::json::parse(&body)
            .map_err(|e| format!("{what} failed: invalid JSON: {e}"))?;
        let jazz_schema_compiler::schema::JsonValue::Object(members) = v else {
            return Err(format!("{what} failed: the answer is not a JSON object"));
        };
        let get = |k: &str| members.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let schema =
            get("schema").ok_or_else(|| format!("{what} failed: the answer has no schema"))?;
        let published_at = match get("publishedAt") {
            Some(jazz_schema_compiler::schema::JsonValue::Number(n)) => Some(n),
            _ => None,
        };
        Ok(Some(FetchedSchema {
            schema,
            published_at,
        }))
    }

    /// A POST; never retried.
    fn post(&self, what: &str, route: &str, body: &str) -> Result<(u16, String), String> {
        let url = self.url(route);
        let started = Instant::now();
        let r = self
            .agent
            .post(&url)
            .header("X-Jazz-Admin-Secret", &self.secret)
            .header("Content-Type", "application/json")
            .send(body);
        self.finish(what, "POST", &url, r, started)
    }

    /// A 2xx JSON answer of a GET, or the failure message upstream's CLI prints.
    fn get_json(&self, what: &str, route: &str) -> Result<serde_json::Value, String> {
        let (status, body) = self.get(what, route)?;
        if !(200..300).contains(&status) {
            return Err(Self::failure(what, status, &body));
        }
        serde_json::from_str(&body).map_err(|e| format!("{what} failed: invalid JSON: {e}"))
    }

    /// `POST /admin/migrations` with a compact lens body; never retried.
    pub fn push_migration(&self, body: &str) -> Result<(), String> {
        let what = "Migration push";
        let (status, text) = self.post(what, "admin/migrations", body)?;
        if (200..300).contains(&status) {
            Ok(())
        } else {
            Err(Self::failure(what, status, &text))
        }
    }

    /// `POST /admin/schemas {"schema": <compact WasmSchema JSON>}` → the server's `hash`.
    pub fn publish_schema(&self, schema_json: &str) -> Result<String, String> {
        let what = "Schema publish";
        let (status, text) = self.post(
            what,
            "admin/schemas",
            &format!("{{\"schema\":{schema_json}}}"),
        )?;
        if !(200..300).contains(&status) {
            return Err(Self::failure(what, status, &text));
        }
        let v: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{what} failed: invalid JSON: {e}"))?;
        v.get("hash")
            .and_then(|h| h.as_str())
            .map(str::to_ascii_lowercase)
            .ok_or_else(|| format!("{what} failed: the answer has no hash"))
    }

    /// `GET /admin/permissions/head`.
    pub fn permissions_head(&self) -> Result<Option<Head>, String> {
        let v = self.get_json("Permissions head fetch", "admin/permissions/head")?;
        Ok(v.get("head").and_then(Head::from_json))
    }

    /// `GET /admin/permissions`: the head and the stored `permissions` map as received.
    pub fn permissions(
        &self,
    ) -> Result<
        (
            Option<Head>,
            Option<jazz_schema_compiler::schema::JsonValue>,
        ),
        String,
    > {
        let what = "Permissions fetch";
        let (status, body) = self.get(what, "admin/permissions")?;
        if !(200..300).contains(&status) {
            return Err(Self::failure(what, status, &body));
        }
        let v: serde_json::Value =
            serde_json::from_str(&body).map_err(|e| format!("{what} failed: invalid JSON: {e}"))?;
        let head = v.get("head").and_then(Head::from_json);
        // The map is re-read with the compiler's JSON reader, which keeps key order.
        let perms = match jazz_schema_compiler::schema::json::parse(&body) {
            Ok(jazz_schema_compiler::schema::JsonValue::Object(members)) => members
                .into_iter()
                .find(|(k, _)| k == "permissions")
                .map(|(_, p)| p)
                .filter(|p| !matches!(p, jazz_schema_compiler::schema::JsonValue::Null)),
            _ => None,
        };
        Ok((head, perms))
    }

    /// `GET /admin/schema-connectivity?fromHash=&toHash=`.
    pub fn connected(&self, from: &str, to: &str) -> Result<bool, String> {
        let v = self.get_json(
            "Schema connectivity fetch",
            &format!("admin/schema-connectivity?fromHash={from}&toHash={to}"),
        )?;
        Ok(v.get("connected")
            .and_then(|c| c.as_bool())
            .unwrap_or(false))
    }

    /// `POST /admin/permissions` → the new head. A 409 keeps its status
    /// so callers can tell a stale parent from other failures.
    pub fn publish_permissions(
        &self,
        schema_hash: &str,
        permissions_json: &str,
        parent: Option<&str>,
    ) -> Result<Head, Failure> {
        let what = "Permissions publish";
        let parent = parent.map_or_else(|| "null".to_owned(), |p| format!("\"{p}\""));
        let body = format!(
            "{{\"schemaHash\":\"{schema_hash}\",\"permissions\":{permissions_json},\"expectedParentBundleObjectId\":{parent}}}"
        );
        let (status, text) = self
            .post(what, "admin/permissions", &body)
            .map_err(|m| Failure {
                status: None,
                message: m,
            })?;
        if !(200..300).contains(&status) {
            return Err(Failure {
                status: Some(status),
                message: Self::failure(what, status, &text),
            });
        }
        serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("head").and_then(Head::from_json))
            .ok_or_else(|| Failure {
                status: Some(status),
                message: format!("{what} failed: the answer has no head"),
            })
    }
}

/// The snapshot time of a fetched schema: `publishedAt` in ms (µs when ≥ 1e14), else now.
pub fn published_ms(published_at: Option<f64>, now_ms: u64) -> u64 {
    match published_at {
        Some(p) if p.is_finite() && p >= 0.0 => {
            let ms = if p >= 1e14 { p / 1000.0 } else { p };
            ms.trunc() as u64
        }
        _ => now_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_encoding() {
        assert_eq!(
            normalize_url("ws://h:1/base/").as_deref(),
            Ok("http://h:1/base")
        );
        assert!(normalize_url("http://h/?x=1").is_err());
        assert_eq!(encode_component("a b/c"), "a%20b%2Fc");
        assert_eq!(published_ms(Some(1.7e15), 5), 1_700_000_000_000);
        assert_eq!(published_ms(Some(-1.0), 5), 5);
        assert_eq!(published_ms(None, 5), 5);
    }
}
