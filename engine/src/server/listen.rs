//! The accept loop: HTTP/1.1 connections with a 30 s header
//! timeout (slowloris) and a bounded read buffer, at most
//! [`MAX_CONNECTIONS`] at a time, the peer address handed to handlers as `ConnectInfo`, and a
//! graceful drain when `shutdown` resolves, bounded by the shutdown timeout. Accept errors (such as
//! running out of file descriptors) pause the loop instead of ending the server.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore, watch};
use tokio::task::JoinSet;
use tower_service::Service;

/// Concurrent connections served at most.
pub const MAX_CONNECTIONS: usize = 4096;
/// Request line plus headers, at most. Checked exactly per request by the server's
/// request layer; the connection's read buffer is capped at twice this as a backstop.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;
/// Time to receive the headers, at most.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a connection accepted just before the drain may take to send its first request.
/// Hyper's graceful shutdown closes a connection that has not yet started a request, which
/// would drop a request already on the wire; so such a connection gets this long (bounded by
/// the drain) to start one, which is then answered.
const FIRST_REQUEST_GRACE: Duration = Duration::from_secs(1);

/// Serves `router` until `shutdown` resolves; `on_drain` runs when draining starts. Then the
/// connections open at that moment finish their in-flight requests (or, if they have not
/// sent one yet, their first request) within `drain`, while the listener keeps answering new
/// connections one request each (so `/health` reports the phase instead of refusing
/// connections). At the drain deadline whatever remains is closed.
pub async fn accept_loop(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    on_drain: impl FnOnce(),
    drain: Duration,
) {
    let (stop, stopping) = watch::channel(false);
    let grace = FIRST_REQUEST_GRACE.min(drain);
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut tasks = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        while tasks.try_join_next().is_some() {}
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(accepted) => accepted,
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let started = Arc::new(Notify::new());
        let conn = connection(stream, peer, &router, true, Some(started.clone()));
        let stopping = stopping.clone();
        tasks.spawn(async move {
            serve_until_stopped(conn, started, stopping, grace).await;
            drop(permit);
        });
    }
    on_drain();
    let _ = stop.send(true);
    let deadline = tokio::time::sleep(drain);
    tokio::pin!(deadline);
    let mut late = JoinSet::new();
    loop {
        while late.try_join_next().is_some() {}
        tokio::select! {
            joined = tasks.join_next() => if joined.is_none() { break },
            () = &mut deadline => break,
            r = listener.accept() => match r {
                Ok((stream, peer)) => {
                    if let Ok(permit) = permits.clone().try_acquire_owned() {
                        let served = connection(stream, peer, &router, false, None);
                        late.spawn(async move {
                            let _ = served.await;
                            drop(permit);
                        });
                    }
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            },
        }
    }
    drop(listener);
    // Past the deadline: close what remains (dropping a connection closes its socket).
    tasks.shutdown().await;
    late.shutdown().await;
}

/// Serves `conn` until it ends or `stopping` turns true; then lets it finish its in-flight
/// request, or start and finish its first one within `grace`, and closes it.
async fn serve_until_stopped(
    conn: http1::Connection<TokioIo<TcpStream>, PeerService>,
    started: Arc<Notify>,
    mut stopping: watch::Receiver<bool>,
    grace: Duration,
) {
    let mut conn = std::pin::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = stopping.wait_for(|stop| *stop) => {}
    }
    tokio::select! {
        _ = conn.as_mut() => return,
        () = started.notified() => {}
        () = tokio::time::sleep(grace) => {}
    }
    conn.as_mut().graceful_shutdown();
    let _ = conn.await;
}

/// One HTTP/1.1 connection serving `router`; `keep_alive` off serves a single request.
/// `started` is notified as each request starts.
fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: &Router,
    keep_alive: bool,
    started: Option<Arc<Notify>>,
) -> http1::Connection<TokioIo<TcpStream>, PeerService> {
    let service = PeerService {
        router: router.clone(),
        peer,
        started,
    };
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .keep_alive(keep_alive)
        .max_buf_size(2 * MAX_HEADER_BYTES);
    builder.serve_connection(TokioIo::new(stream), service)
}

/// The router, with the peer address put into each request as `ConnectInfo`.
#[derive(Clone)]
struct PeerService {
    router: Router,
    peer: SocketAddr,
    started: Option<Arc<Notify>>,
}

impl hyper::service::Service<hyper::Request<Incoming>> for PeerService {
    type Response = axum::response::Response;
    type Error = Infallible;
    type Future = <Router as Service<hyper::Request<Incoming>>>::Future;

    fn call(&self, mut req: hyper::Request<Incoming>) -> Self::Future {
        if let Some(started) = &self.started {
            // Stores a permit when nobody waits yet, so a request that started just before
            // the drain still counts.
            started.notify_one();
        }
        req.extensions_mut().insert(ConnectInfo(self.peer));
        self.router.clone().call(req)
    }
}

/// The peer address of a request, as [`accept_loop`] records it.
pub fn peer(req: &axum::extract::Request) -> Option<SocketAddr> {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
}
