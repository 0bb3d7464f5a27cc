//! The thread that analyses projects. It keeps one [`Incremental`] per project root, so an
//! edit that leaves schema.ts and its imports alone re-runs only the permissions phase and the
//! migrations check (see `docs/architecture.md`). The kept state holds the evaluator's `Rc`
//! values and cannot leave the thread that made it; the [`crate::workspace::Workspace`]
//! sends each analysis here (a copy of the overlay loader and the project's `.env` values)
//! and waits for the [`Analysis`].

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;

use jazz_schema_compiler::project::{Analysis, AnalyzeOptions, Incremental, analyze};

use crate::loader::OverlayLoader;

/// The evaluator recurses; give it the stack of a main thread.
const STACK: usize = 8 << 20;

struct Job {
    root: PathBuf,
    loader: OverlayLoader,
    env_file: BTreeMap<String, String>,
    reply: mpsc::Sender<Analysis>,
}

/// What the thread is asked to do.
enum Message {
    Analyse(Job),
    /// Let go of an analysis the workspace replaced. Freeing a large project's analysis takes
    /// a few milliseconds; here it happens after the next answer has gone out, not between an
    /// edit and its diagnostics.
    Retire(Arc<Analysis>),
}

/// A handle on the analysis thread, started at the first analysis and ended when dropped.
#[derive(Default)]
pub struct Analyzer {
    thread: Option<(mpsc::Sender<Message>, JoinHandle<()>)>,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("running", &self.thread.is_some())
            .finish()
    }
}

impl Analyzer {
    /// Analyses the project at `root` as the editor sees it: `process.env` reads see the
    /// server's environment, then `env_file` (the project's `.env`), and every migration file
    /// in the default directory is checked.
    pub fn analyze(
        &mut self,
        root: &Path,
        loader: &OverlayLoader,
        env_file: BTreeMap<String, String>,
    ) -> Analysis {
        let (reply, answer) = mpsc::channel();
        let job = Job {
            root: root.to_path_buf(),
            loader: loader.clone(),
            env_file: env_file.clone(),
            reply,
        };
        let sent = match self.sender() {
            Some(tx) => tx.send(Message::Analyse(job)).map_err(drop),
            None => Err(()),
        };
        match sent.map(|()| answer.recv()) {
            Ok(Ok(analysis)) => analysis,
            // The thread is gone (it cannot be started, or it ended): analyse here, from
            // scratch, and start a new thread next time.
            Ok(Err(_)) | Err(_) => {
                self.thread = None;
                analyze_once(root, loader, &env_file, None)
            }
        }
    }

    /// Hands `old` to the thread to be freed there (or frees it here when there is none).
    pub fn retire(&mut self, old: Arc<Analysis>) {
        if let Some((tx, _)) = &self.thread {
            let _ = tx.send(Message::Retire(old));
        }
    }

    fn sender(&mut self) -> Option<&mpsc::Sender<Message>> {
        if self.thread.is_none() {
            let (tx, rx) = mpsc::channel::<Message>();
            let handle = std::thread::Builder::new()
                .name("jazz-analysis".to_owned())
                .stack_size(STACK)
                .spawn(move || serve(&rx))
                .ok()?;
            self.thread = Some((tx, handle));
        }
        self.thread.as_ref().map(|(tx, _)| tx)
    }
}

impl Drop for Analyzer {
    fn drop(&mut self) {
        if let Some((tx, handle)) = self.thread.take() {
            drop(tx);
            let _ = handle.join();
        }
    }
}

/// The thread's loop: one [`Incremental`] per project root, until the handle is dropped.
fn serve(messages: &mpsc::Receiver<Message>) {
    let mut projects: HashMap<PathBuf, Incremental> = HashMap::new();
    while let Ok(message) = messages.recv() {
        match message {
            Message::Analyse(job) => {
                let project = projects.entry(job.root.clone()).or_default();
                let analysis = analyze_once(&job.root, &job.loader, &job.env_file, Some(project));
                let _ = job.reply.send(analysis);
            }
            Message::Retire(old) => drop(old),
        }
    }
}

fn analyze_once(
    root: &Path,
    loader: &OverlayLoader,
    env_file: &BTreeMap<String, String>,
    kept: Option<&mut Incremental>,
) -> Analysis {
    let lookup = |name: &str| {
        std::env::var(name)
            .ok()
            .or_else(|| env_file.get(name).cloned())
    };
    // The editor checks every migration file (in the default directory) on each change.
    let options = AnalyzeOptions::default()
        .with_env(&lookup)
        .with_migrations(None);
    match kept {
        Some(project) => project.analyze(loader, root, &options),
        None => analyze(loader, root, &options),
    }
}
