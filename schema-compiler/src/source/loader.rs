//! How the core reads files: through a loader it is handed (disk in the CLI, editor overlays in
//! the LSP, memory in tests). The core itself never touches the file system.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Read access to source files.
pub trait SourceLoader {
    /// The file's text. `Ok(None)` when it does not exist; `Err` when it exists but cannot be
    /// read (permissions, not UTF-8, ...).
    fn read(&self, path: &Path) -> io::Result<Option<Arc<str>>>;

    /// Whether a file exists (used by discovery and import resolution).
    fn is_file(&self, path: &Path) -> bool;

    /// Whether a file or folder exists (discovery stops at a folder holding `.git`, which is a
    /// folder in a clone and a file in a worktree).
    fn exists(&self, path: &Path) -> bool {
        self.is_file(path)
    }

    /// File names in a directory, sorted; empty when it does not exist.
    fn list_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        let _ = path;
        Ok(Vec::new())
    }

    /// The absolute path with `.`, `..` and symlinks resolved, so the core can keep imports
    /// inside the project (`source::confine`). The default suits loaders without links: the
    /// lexical normalisation of `path`.
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        Ok(super::resolve::normalize(path))
    }
}

/// An in-memory loader: a map from path to text. Used by tests, fuzzing and benchmarks.
#[derive(Debug, Default, Clone)]
pub struct MemoryLoader {
    files: BTreeMap<PathBuf, Arc<str>>,
}

impl MemoryLoader {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with(mut self, path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Self {
        self.insert(path, text);
        self
    }

    pub fn insert(&mut self, path: impl Into<PathBuf>, text: impl Into<Arc<str>>) {
        self.files.insert(path.into(), text.into());
    }
}

impl SourceLoader for MemoryLoader {
    fn read(&self, path: &Path) -> io::Result<Option<Arc<str>>> {
        Ok(self.files.get(path).cloned())
    }

    fn is_file(&self, path: &Path) -> bool {
        self.files.contains_key(path)
    }

    fn list_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        let mut names: Vec<String> = self
            .files
            .keys()
            .filter(|p| p.parent() == Some(path))
            .filter_map(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_owned))
            .collect();
        names.sort();
        Ok(names)
    }
}
