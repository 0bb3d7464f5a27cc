//! Test support: a real server on 127.0.0.1 port 0 (in memory or on a data dir) and a small
//! blocking HTTP client that never treats a status as an error.

#![allow(
    dead_code,
    reason = "each test crate uses a different subset of these helpers"
)]

use std::path::Path;

use jazz_engine::{Server, ServerConfig, SharedCatalogue, Store};
use uuid::Uuid;

pub const APP: &str = "6f1f0f5e-4c1b-4b8a-9e2f-2b1d5a7c9e10";
pub const SECRET: &str = "s3cret";

pub const SCHEMA_V1: &str =
    r#"{"todos":{"columns":[{"name":"title","column_type":{"type":"Text"},"nullable":false}]}}"#;
pub const SCHEMA_V2: &str = r#"{"todos":{"columns":[{"name":"title","column_type":{"type":"Text"},"nullable":false},{"name":"done","column_type":{"type":"Boolean"},"nullable":false}]}}"#;

/// A running server; dropping it shuts the server down.
pub struct TestServer {
    pub base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(std::time::Duration::from_secs(5));
        }
    }
}

pub fn config(secret: Option<&str>) -> ServerConfig {
    let mut c = ServerConfig::new(Uuid::parse_str(APP).expect("app id"));
    c.admin_secret = secret.map(str::to_string);
    c
}

pub fn start(config: ServerConfig, data_dir: Option<&Path>) -> TestServer {
    start_with_workers(config, data_dir, 2)
}

/// [`start`] on a runtime with `workers` executor threads.
pub fn start_with_workers(
    config: ServerConfig,
    data_dir: Option<&Path>,
    workers: usize,
) -> TestServer {
    let app = config.app_id.to_string();
    let store = match data_dir {
        Some(d) => Store::open_dir(d, &app),
        None => Store::in_memory(&app),
    }
    .expect("store");
    let catalogue = SharedCatalogue::open(store, config.app_id).expect("catalogue");
    let server = Server::new(config, catalogue);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    runtime.spawn(server.serve(listener, async move {
        let _ = rx.await;
    }));
    TestServer {
        base: format!("http://127.0.0.1:{port}"),
        stop: Some(tx),
        runtime: Some(runtime),
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// (status, body)
pub fn get(base: &str, path: &str, secret: Option<&str>) -> (u16, String) {
    let mut r = agent().get(format!("{base}{path}"));
    if let Some(s) = secret {
        r = r.header("X-Jazz-Admin-Secret", s);
    }
    let (status, _, body) = parts(r.call().expect("request"));
    (status, body)
}

pub fn post(base: &str, path: &str, secret: Option<&str>, body: &str) -> (u16, String) {
    post_with(base, path, &[("X-Jazz-Admin-Secret", secret)], body)
}

pub fn post_with(
    base: &str,
    path: &str,
    headers: &[(&str, Option<&str>)],
    body: &str,
) -> (u16, String) {
    let mut r = agent()
        .post(format!("{base}{path}"))
        .header("Content-Type", "application/json");
    for (k, v) in headers {
        if let Some(v) = v {
            r = r.header(*k, *v);
        }
    }
    let (status, _, body) = parts(r.send(body).expect("request"));
    (status, body)
}

/// (status, Content-Type or `-`, body) of an answer.
pub fn parts(mut resp: ureq::http::Response<ureq::Body>) -> (u16, String, String) {
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string();
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    (status, content_type, body)
}

/// A path under this app: `/apps/<APP><path>`.
pub fn app(path: &str) -> String {
    format!("/apps/{APP}{path}")
}

pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

pub fn schema_body(schema: &str) -> String {
    format!(r#"{{"schema":{schema},"permissions":null}}"#)
}

/// Publishes a schema and returns its hash.
pub fn publish_schema(base: &str, schema: &str) -> String {
    let (status, body) = post(
        base,
        &format!("/apps/{APP}/admin/schemas"),
        Some(SECRET),
        &schema_body(schema),
    );
    assert_eq!(status, 201, "{body}");
    json(&body)["hash"].as_str().expect("hash").to_string()
}
