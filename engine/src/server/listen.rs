//! The accept loop (cli-and-server.md §5.2, §5.7): HTTP/1.1 connections with a 30 s header
//! timeout (slowloris) and a bounded read buffer, at most
//! [`MAX_CONNECTIONS`] at a time, the peer address handed to handlers as `ConnectInfo`, and a
//! graceful drain when `shutdown` resolves, bounded by the shutdown timeout. Accept errors (such as running out of file
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
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tower_service::Service;

/// Concurrent connections served at most (§5.2).
pub const MAX_CONNECTIONS: usize = 4096;
/// Request line plus headers, at most (§5.2). Checked exactly per request by the server's
/// request layer; the connection's read buffer is capped at twice this as a backstop.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;
/// Time to receive the headers, at most (§5.2).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves `router` until `shutdown` resolves; `on_drain` runs when draining starts. Then the
/// connections open at that moment finish their in-flight requests within `drain`, while the
/// listener keeps answering new connections one request each (so `/health` reports the phase
/// instead of refusing connections). At the drain deadline whatever remains is closed.
pub async fn accept_loop(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    on_drain: impl FnOnce(),
    drain: Duration,
) {
    let graceful = GracefulShutdown::new();
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
        let watched = graceful.watch(connection(stream, peer, &router, true));
        tasks.spawn(async move {
            let _ = watched.await;
            drop(permit);
        });
    }
    on_drain();
    let drained = graceful.shutdown();
    let deadline = tokio::time::sleep(drain);
    tokio::pin!(drained, deadline);
    let mut late = JoinSet::new();
    loop {
        while late.try_join_next().is_some() {}
        tokio::select! {
            () = &mut drained => break,
            () = &mut deadline => break,
            r = listener.accept() => match r {
                Ok((stream, peer)) => {
                    if let Ok(permit) = permits.clone().try_acquire_owned() {
                        let served = connection(stream, peer, &router, false);
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

/// One HTTP/1.1 connection serving `router`; `keep_alive` off serves a single request.
fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: &Router,
    keep_alive: bool,
) -> http1::Connection<TokioIo<TcpStream>, PeerService> {
    let service = PeerService {
        router: router.clone(),
        peer,
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
}

impl hyper::service::Service<hyper::Request<Incoming>> for PeerService {
    type Response = axum::response::Response;
    type Error = Infallible;
    type Future = <Router as Service<hyper::Request<Incoming>>>::Future;

    fn call(&self, mut req: hyper::Request<Incoming>) -> Self::Future {
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
