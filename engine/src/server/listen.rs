//! The accept loop (cli-and-server.md §5.2, §5.7): HTTP/1.1 connections with a 30 s header
//! timeout (slowloris) and a bounded read buffer, at most
//! [`MAX_CONNECTIONS`] at a time, the peer address handed to handlers as `ConnectInfo`, and a
//! graceful drain when `shutdown` resolves. Accept errors (such as running out of file
//! descriptors) pause the loop instead of ending the server.

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
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower_service::Service;

/// Concurrent connections served at most (§5.2).
pub const MAX_CONNECTIONS: usize = 4096;
/// Request line plus headers, at most (§5.2). Checked exactly per request by the server's
/// request layer; the connection's read buffer is capped at twice this as a backstop.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;
/// Time to receive the headers, at most (§5.2).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves `router` until `shutdown` resolves; `on_drain` runs when draining starts. Returns once
/// every connection has finished.
pub async fn accept_loop(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    on_drain: impl FnOnce(),
) {
    let graceful = GracefulShutdown::new();
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
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
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            let mut router = router.clone();
            async move {
                let response: Result<_, Infallible> = router.call(req).await;
                response
            }
        });
        let mut builder = http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIMEOUT)
            .max_buf_size(2 * MAX_HEADER_BYTES);
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let watched = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = watched.await;
            drop(permit);
        });
    }
    drop(listener);
    on_drain();
    graceful.shutdown().await;
}

/// The peer address of a request, as [`accept_loop`] records it.
pub fn peer(req: &axum::extract::Request) -> Option<SocketAddr> {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
}
