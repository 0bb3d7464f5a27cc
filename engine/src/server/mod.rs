//! The HTTP server (axum): `GET /health` and the upstream-compatible admin API under
//! `/apps/<appId>/`, with its reliability rules (JSON
//! errors, body limits, caught panics, graceful shutdown). The only module of the engine that
//! touches the network. Our data API and WebSocket subscriptions slot in as further routes.
//!
//! - this file: configuration, shared state, the router, the per-request layer and `serve`;
//! - `http.rs`: body reading, Content-Type, admin auth, panic catching;
//! - `error.rs`: [`ApiError`], and the status and code of each engine error;
//! - `wire.rs`: every JSON body the server writes, as serde structs;
//! - `admin.rs`: the admin route handlers;
//! - `run.rs`: running as a process (signals, shutdown budget);
//! - `throttle.rs`: slowing down repeated failed admin authentications;
//! - `listen.rs`: the accept loop (header limits, connection cap, graceful drain);
//! - `session.rs`: the user sessions the development-mode schema push accepts.

mod admin;
pub mod error;
pub mod http;
mod listen;
pub mod run;
mod session;
mod throttle;
mod wire;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use tokio::net::TcpListener;
use uuid::Uuid;

use crate::catalogue::SharedCatalogue;
use error::ApiError;
use http::CatchPanic;
use wire::{Health, LogLine, json_response};

/// Default body limit: 8 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
/// Default time to receive a whole request body once its handler reads it.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(15);
/// Default drain deadline after SIGINT/SIGTERM (`--shutdown-timeout-secs`).
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The app this process serves.
    pub app_id: Uuid,
    /// The name the app id was derived from, also accepted in paths.
    pub app_name: Option<String>,
    pub admin_secret: Option<String>,
    pub backend_secret: Option<String>,
    pub max_body_bytes: usize,
    /// Time to receive a whole request body; a slower body gets 408.
    pub body_timeout: Duration,
    /// How long a failed authentication waits for its answer once its peer has failed too
    /// often. Requests that authenticate, and `/health`, never wait.
    pub auth_failure_delay: Duration,
    /// How long in-flight requests may finish after shutdown starts; then the remaining
    /// connections are closed.
    pub shutdown_timeout: Duration,
    /// Structural schema pushes with a user session need no admin secret.
    pub development_mode: bool,
    /// Local-first tokens are accepted.
    pub allow_local_first_auth: bool,
    /// One log line per request on stdout.
    pub log_requests: bool,
    /// Request log lines as JSON objects (`--log-format json`).
    pub log_json: bool,
    /// With a loopback bind, answer 421 to requests whose `Host` is not `127.0.0.1:<port>`,
    /// `localhost:<port>` or `[::1]:<port>`: DNS-rebinding protection for `jazz dev`.
    /// The port is filled in once the listener is bound.
    pub loopback_host_check: bool,
    /// The `Host` values served when [`Self::loopback_host_check`] is on (lowercase).
    pub allowed_hosts: Vec<String>,
}

impl ServerConfig {
    pub fn new(app_id: Uuid) -> Self {
        Self {
            app_id,
            app_name: None,
            admin_secret: None,
            backend_secret: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
            auth_failure_delay: throttle::DEFAULT_DELAY,
            development_mode: false,
            allow_local_first_auth: true,
            log_requests: false,
            log_json: false,
            loopback_host_check: false,
            allowed_hosts: Vec::new(),
        }
    }

    /// Fills [`Self::allowed_hosts`] for the bound address (a no-op without the check or
    /// on a non-loopback bind).
    pub fn bind_hosts(&mut self, bound: std::net::SocketAddr) {
        if self.loopback_host_check && bound.ip().is_loopback() {
            let p = bound.port();
            self.allowed_hosts = vec![
                format!("127.0.0.1:{p}"),
                format!("localhost:{p}"),
                format!("[::1]:{p}"),
            ];
        }
    }
}

/// Where the server is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Phase {
    Running = 0,
    ShuttingDown,
    DrainingConnections,
    FlushingRuntime,
    ClosingStorage,
    StorageClosed,
    Failed,
}

impl Phase {
    const ALL: [Phase; 7] = [
        Phase::Running,
        Phase::ShuttingDown,
        Phase::DrainingConnections,
        Phase::FlushingRuntime,
        Phase::ClosingStorage,
        Phase::StorageClosed,
        Phase::Failed,
    ];

    /// The name `/health` reports.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Running => "running",
            Phase::ShuttingDown => "shutting_down",
            Phase::DrainingConnections => "draining_connections",
            Phase::FlushingRuntime => "flushing_runtime",
            Phase::ClosingStorage => "closing_storage",
            Phase::StorageClosed => "storage_closed",
            Phase::Failed => "failed",
        }
    }
}

/// The current [`Phase`], shared between the server and whoever shuts it down.
#[derive(Debug, Default)]
pub struct Lifecycle(AtomicU8);

impl Lifecycle {
    pub fn get(&self) -> Phase {
        let n = self.0.load(Ordering::SeqCst);
        Phase::ALL
            .into_iter()
            .find(|p| *p as u8 == n)
            .unwrap_or(Phase::Failed)
    }

    pub fn set(&self, phase: Phase) {
        self.0.store(phase as u8, Ordering::SeqCst);
    }
}

/// What every handler sees.
#[derive(Debug)]
pub struct AppState {
    pub config: ServerConfig,
    pub catalogue: Arc<SharedCatalogue>,
    pub lifecycle: Arc<Lifecycle>,
    throttle: throttle::AuthThrottle,
}

/// A server over one app's catalogue.
#[derive(Debug, Clone)]
pub struct Server {
    state: Arc<AppState>,
}

impl Server {
    pub fn new(config: ServerConfig, catalogue: SharedCatalogue) -> Self {
        Self {
            state: Arc::new(AppState {
                config,
                catalogue: Arc::new(catalogue),
                lifecycle: Arc::new(Lifecycle::default()),
                throttle: throttle::AuthThrottle::default(),
            }),
        }
    }

    pub fn lifecycle(&self) -> Arc<Lifecycle> {
        self.state.lifecycle.clone()
    }

    pub fn catalogue(&self) -> Arc<SharedCatalogue> {
        self.state.catalogue.clone()
    }

    /// The routes with the per-request layer.
    pub fn router(&self) -> Router {
        let apps = "/apps/{app}";
        Router::new()
            .route("/health", get(health))
            .route(&format!("{apps}/schemas"), get(admin::list_schemas))
            .route(&format!("{apps}/schema/{{hash}}"), get(admin::get_schema))
            .route(
                &format!("{apps}/admin/schemas"),
                axum::routing::post(admin::publish_schema),
            )
            .route(
                &format!("{apps}/admin/schema-connectivity"),
                get(admin::connectivity),
            )
            .route(
                &format!("{apps}/admin/permissions/head"),
                get(admin::permissions_head),
            )
            .route(
                &format!("{apps}/admin/permissions"),
                get(admin::permissions).post(admin::publish_permissions),
            )
            .route(
                &format!("{apps}/admin/migrations"),
                axum::routing::post(admin::publish_migration),
            )
            .route(&format!("{apps}/ws"), any(admin::sync_protocol))
            .fallback(not_found)
            .method_not_allowed_fallback(method_not_allowed)
            .layer(middleware::from_fn_with_state(
                self.state.clone(),
                per_request,
            ))
            .with_state(self.state.clone())
    }

    /// Serves on `listener` until `shutdown` resolves, then drains in-flight requests and
    /// walks the shutdown phases. The store is closed when the last handle drops.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let lifecycle = self.state.lifecycle.clone();
        let drain = self.state.config.shutdown_timeout;
        let router = self.router();
        drop(self);
        let draining = lifecycle.clone();
        listen::accept_loop(
            listener,
            router,
            shutdown,
            move || draining.set(Phase::DrainingConnections),
            drain,
        )
        .await;
        lifecycle.set(Phase::FlushingRuntime);
        lifecycle.set(Phase::ClosingStorage);
        lifecycle.set(Phase::StorageClosed);
        Ok(())
    }
}

async fn health(State(s): State<Arc<AppState>>) -> Response {
    match s.lifecycle.get() {
        Phase::Running => json_response(
            StatusCode::OK,
            &Health {
                status: "healthy",
                phase: None,
            },
        ),
        phase => json_response(
            StatusCode::SERVICE_UNAVAILABLE,
            &Health {
                status: "shutting_down",
                phase: Some(phase.name()),
            },
        ),
    }
}

async fn not_found(req: Request) -> ApiError {
    ApiError::not_found(format!("not found: {}", req.uri().path()))
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "bad_request",
        "method not allowed",
    )
}

/// Answers CORS preflights, refuses app requests while shutting down, turns panics into 500, echoes
/// or generates `X-Request-Id`, and logs one line per request without raw ids or secrets.
async fn per_request(State(s): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let peer = listen::peer(&req).map(|a| a.ip());
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "<unmatched>".into());
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128)
        .map(str::to_string)
        .unwrap_or_else(|| Uuid::new_v4().to_string());
    let preflight = req.method() == axum::http::Method::OPTIONS;
    let header_bytes: usize = req.uri().to_string().len()
        + req
            .headers()
            .iter()
            .map(|(k, v)| k.as_str().len() + v.len() + 4)
            .sum::<usize>();
    let host_ok = s.config.allowed_hosts.is_empty()
        || req
            .headers()
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .is_some_and(|h| s.config.allowed_hosts.contains(&h.to_ascii_lowercase()));
    let mut response = if !host_ok {
        ApiError::new(
            StatusCode::MISDIRECTED_REQUEST,
            "bad_request",
            "unexpected Host header",
        )
        .into_response()
    } else if header_bytes > listen::MAX_HEADER_BYTES {
        ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "bad_request",
            "request headers too large",
        )
        .into_response()
    } else if preflight {
        let mut r = StatusCode::NO_CONTENT.into_response();
        let h = r.headers_mut();
        h.insert(
            "access-control-allow-methods",
            HeaderValue::from_static("GET, POST, PUT, PATCH, DELETE, OPTIONS"),
        );
        h.insert(
            "access-control-allow-headers",
            HeaderValue::from_static(
                "content-type, authorization, x-jazz-admin-secret, x-jazz-backend-secret, x-jazz-session, x-jazz-schema-hash, x-jazz-env, x-jazz-user-branch, x-request-id",
            ),
        );
        h.insert("access-control-max-age", HeaderValue::from_static("86400"));
        r
    } else if s.lifecycle.get() != Phase::Running && req.uri().path() != "/health" {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "internal",
            "server is shutting down",
        )
        .into_response()
    } else {
        match CatchPanic::new(next.run(req)).await {
            Ok(r) => r,
            Err(()) => {
                eprintln!("request {request_id}: a handler panicked; answered 500");
                ApiError::internal("internal error").into_response()
            }
        }
    };
    // Only failed authentications are slowed down; see `throttle.rs`.
    if let Some(ip) = peer
        && response.status() == StatusCode::UNAUTHORIZED
    {
        match s.throttle.failed(ip) {
            throttle::Verdict::Answer => {}
            throttle::Verdict::Delay(slot) => {
                tokio::time::sleep(s.config.auth_failure_delay).await;
                drop(slot);
            }
            throttle::Verdict::Refuse => {
                response = ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "unauthorized",
                    "too many failed authentication attempts from this address; retry later",
                )
                .into_response();
                response
                    .headers_mut()
                    .insert("retry-after", HeaderValue::from_static("1"));
            }
        }
    }
    // CORS is permissive, as upstream's.
    response
        .headers_mut()
        .insert("access-control-allow-origin", HeaderValue::from_static("*"));
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", v);
    }
    if s.config.log_requests {
        let (status, ms) = (response.status().as_u16(), started.elapsed().as_millis());
        if s.config.log_json {
            let line = LogLine {
                method: method.as_str(),
                ms: u64::try_from(ms).unwrap_or(u64::MAX),
                request_id: &request_id,
                route: &route,
                status,
            };
            if let Ok(line) = wire::to_text(&line) {
                println!("{line}");
            }
        } else {
            println!("{method} {route} {status} {ms}ms request_id={request_id}");
        }
    }
    response
}
