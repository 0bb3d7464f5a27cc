//! Running a server as a process does: open the store, load the
//! catalogue, bind, report the address, serve until SIGINT or SIGTERM, drain within the
//! shutdown budget, close the store. A second signal during shutdown ends it at once.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use tokio::net::TcpListener;

use super::{Server, ServerConfig};
use crate::catalogue::SharedCatalogue;
use crate::storage::{StorageError, Store, quietly_catch};

/// Where the catalogue lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageMode {
    InMemory,
    Dir(PathBuf),
}

/// Everything `jazz server` decides before starting.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub config: ServerConfig,
    pub storage: StorageMode,
    pub host: String,
    pub port: u16,
    /// `--shutdown-timeout-secs`.
    pub shutdown_timeout: Duration,
}

/// How a run ended without a startup failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Drained and closed after a signal.
    Graceful,
    /// A second signal arrived during shutdown (exit 130).
    Interrupted,
    /// Draining took longer than 2 × timeout + 5 s (exit 1).
    TimedOut,
}

/// Why a run could not start or did not end cleanly. `Display` is the detail after
/// `Server error: ` in the CLI's message.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The store could not be opened or its catalogue not loaded.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The async runtime could not be built.
    #[error("cannot start the runtime: {0}")]
    Runtime(std::io::Error),
    /// The listener could not be bound (or its address not read).
    #[error("failed to bind {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    /// Serving failed.
    #[error("server failed: {0}")]
    Serve(std::io::Error),
    /// The serving task panicked or was cancelled.
    #[error("server task failed: {0}")]
    Task(tokio::task::JoinError),
}

/// Opens the store for `opts` and loads the catalogue. A store that cannot be read, or whose
/// reading panics, is reported as corrupt (an in-memory one by the detail alone).
pub fn open_catalogue(opts: &RunOptions) -> Result<SharedCatalogue, StorageError> {
    let app = opts.config.app_id.to_string();
    let store = match &opts.storage {
        StorageMode::InMemory => Store::in_memory(&app),
        StorageMode::Dir(dir) => Store::open_dir(dir, &app),
    }?;
    let dir = store.dir().map(std::path::Path::to_path_buf);
    let app_id = opts.config.app_id;
    let corrupt = |detail: String| match &dir {
        Some(d) => StorageError::Corrupt {
            dir: d.clone(),
            detail,
        },
        None => StorageError::Io(detail),
    };
    match quietly_catch(move || SharedCatalogue::open(store, app_id)) {
        Some(Ok(c)) => Ok(c),
        Some(Err(StorageError::Io(detail))) => Err(corrupt(detail)),
        Some(Err(e)) => Err(e),
        None => Err(corrupt("reading the store panicked".into())),
    }
}

/// Runs until a signal. `on_listening` gets the bound address once the catalogue is loaded
/// and the listener is bound (so `/health` is ready as soon as it is called).
pub fn run_blocking(
    opts: RunOptions,
    on_listening: impl FnOnce(SocketAddr),
) -> Result<Ended, RunError> {
    run_blocking_until(opts, on_listening, std::future::pending())
}

/// [`run_blocking`] that also shuts down gracefully when `stop` resolves (`jazz dev` stops its
/// embedded server when the child process it runs exits).
pub fn run_blocking_until(
    opts: RunOptions,
    on_listening: impl FnOnce(SocketAddr),
    stop: impl Future<Output = ()> + Send + 'static,
) -> Result<Ended, RunError> {
    let catalogue = open_catalogue(&opts)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(RunError::Runtime)?;
    let addr = format!("{}:{}", opts.host, opts.port);
    let bind_failed = |source| RunError::Bind {
        addr: addr.clone(),
        source,
    };
    let listener = runtime
        .block_on(TcpListener::bind(&addr))
        .map_err(bind_failed)?;
    let bound = listener.local_addr().map_err(bind_failed)?;
    // Listening for signals before `on_listening` announces the server.
    let signal = {
        let _in_runtime = runtime.enter();
        shutdown_signal()
    };
    on_listening(bound);
    let mut config = opts.config;
    config.bind_hosts(bound);
    config.shutdown_timeout = opts.shutdown_timeout;
    let server = Server::new(config, catalogue);
    let budget = opts.shutdown_timeout * 2 + Duration::from_secs(5);
    let ended = runtime.block_on(async move {
        let (first_tx, first_rx) = tokio::sync::oneshot::channel::<()>();
        let serving = tokio::spawn(server.serve(listener, async move {
            tokio::select! {
                _ = signal => {}
                _ = stop => {}
            }
            let _ = first_tx.send(());
        }));
        let mut serving = serving;
        tokio::select! {
            r = &mut serving => return finished(r),
            _ = first_rx => {}
        }
        tokio::select! {
            r = &mut serving => finished(r),
            _ = shutdown_signal() => Ok(Ended::Interrupted),
            _ = tokio::time::sleep(budget) => Ok(Ended::TimedOut),
        }
    });
    runtime.shutdown_timeout(Duration::from_secs(1));
    ended
}

fn finished(r: Result<std::io::Result<()>, tokio::task::JoinError>) -> Result<Ended, RunError> {
    match r {
        Ok(Ok(())) => Ok(Ended::Graceful),
        Ok(Err(e)) => Err(RunError::Serve(e)),
        Err(e) => Err(RunError::Task(e)),
    }
}

/// Resolves on SIGINT (Ctrl-C) or, on Unix, SIGTERM. Must be called inside a Tokio runtime:
/// on Unix the handlers are installed right away, not at the first poll, so a signal that
/// arrives in between is neither lost nor fatal (the process would otherwise die of SIGINT
/// before anything listens). Call it before printing what invites the user to press Ctrl-C.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            match (interrupt, terminate) {
                (Ok(mut int), Ok(mut term)) => {
                    tokio::select! {
                        _ = int.recv() => {}
                        _ = term.recv() => {}
                    }
                }
                (Ok(mut int), Err(_)) => {
                    let _ = int.recv().await;
                }
                (Err(_), _) => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async move {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(all(test, unix))]
mod signal_tests {
    use super::shutdown_signal;

    #[test]
    fn a_signal_sent_before_the_first_poll_is_seen() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let signal = {
            let _in_runtime = runtime.enter();
            shutdown_signal()
        };
        // SIGTERM to ourselves before anything polls the future: the handler is already in
        // place, so the process survives and the future resolves.
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &std::process::id().to_string()])
            .status()
            .expect("kill");
        assert!(sent.success());
        runtime.block_on(async {
            tokio::time::timeout(std::time::Duration::from_secs(30), signal)
                .await
                .expect("the signal was seen");
        });
    }
}
