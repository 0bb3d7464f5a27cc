//! `jazz-lsp`: the language server behind `jazz lsp`.
//!
//! **Invariant: this is the only crate that knows LSP types.** Everything the server says about
//! a project comes from `jazz_schema_compiler::project::Analysis` and its `query` module; this
//! crate only converts between the protocol and the core (positions, ranges, diagnostics,
//! fixes). Handlers never walk syntax or resolve names themselves: a missing fact belongs in
//! the core.
//!
//! - [`convert`]: UTF-8 offsets ↔ UTF-16 positions; [`to_proto`]: core values → LSP values;
//! - [`loader`]: open buffers over the disk; [`workspace`]: buffers, projects, analyses;
//! - [`features`]: request handlers as pure functions; [`server`]: the protocol front;
//! - [`log`]: the log file / stderr logger.

pub mod analyzer;
pub mod convert;
pub mod features;
pub mod loader;
pub mod log;
pub mod server;
pub mod to_proto;
pub mod workspace;

use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, ReadBuf};
use tower_lsp_server::{LspService, Server};

pub use log::Level;

/// How `jazz lsp` was asked to run.
#[derive(Debug, Clone)]
pub struct Options {
    pub log_file: Option<PathBuf>,
    pub log_level: Level,
}

/// Errors before the server could start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open log file {path}: {source}")]
    LogFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

/// Serves LSP on stdin/stdout until `exit` or the end of stdin. Returns the process exit
/// code: 0 after `shutdown` then `exit`; 1 on `exit` without `shutdown` or on end of input
/// without `exit`.
pub fn run_stdio(options: &Options) -> Result<i32, StartError> {
    let sink: Box<dyn std::io::Write + Send> = match &options.log_file {
        Some(path) => Box::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|source| StartError::LogFile {
                    path: path.clone(),
                    source,
                })?,
        ),
        None => Box::new(std::io::stderr()),
    };
    let log = Arc::new(log::Log::new(options.log_level, sink));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(StartError::Runtime)?;
    let code = runtime.block_on(async {
        let shutdown = Arc::new(AtomicBool::new(false));
        let eof = Arc::new(AtomicBool::new(false));
        let stdin = EofWatch {
            inner: tokio::io::stdin(),
            eof: eof.clone(),
        };
        let backend_log = log.clone();
        let backend_shutdown = shutdown.clone();
        let (service, socket) = LspService::new(move |client| {
            server::Backend::new(client, backend_log, backend_shutdown)
        });
        Server::new(stdin, tokio::io::stdout(), socket)
            .serve(service)
            .await;
        // The transport stops reading at `exit`, so end of input seen means no `exit` came.
        let clean = shutdown.load(Ordering::SeqCst) && !eof.load(Ordering::SeqCst);
        i32::from(!clean)
    });
    log.write(Level::Info, format_args!("exiting with code {code}"));
    // Blocking stdin reads never finish on their own: do not wait for them.
    runtime.shutdown_background();
    Ok(code)
}

/// Stdin that remembers whether it reached the end.
struct EofWatch<R> {
    inner: R,
    eof: Arc<AtomicBool>,
}

impl<R: AsyncRead + Unpin> AsyncRead for EofWatch<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = &poll
            && buf.filled().len() == before
            && buf.remaining() > 0
        {
            self.eof.store(true, Ordering::SeqCst);
        }
        poll
    }
}
