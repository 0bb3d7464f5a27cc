//! Source files: ids, the loader trait, the file database and line index.
//!
//! Inside the core a location is a [`FileId`] plus a [`TextRange`] of UTF-8 byte offsets.
//! Lines, columns and UTF-16 positions are computed only at the edges, via [`LineIndex`].
//! This module knows nothing of SWC.

mod confine;
mod line_index;
mod loader;
mod resolve;

pub use confine::ProjectRoot;
pub use line_index::{LineCol, LineIndex};
pub use loader::{MemoryLoader, SourceLoader};
pub use resolve::{ImportTarget, resolve_relative};

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Index of a file in a [`SourceDb`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A half-open range of UTF-8 byte offsets into one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub const fn new(start: u32, end: u32) -> Self {
        Self { start, end }
    }
    pub const fn empty(at: u32) -> Self {
        Self { start: at, end: at }
    }
    pub fn len(&self) -> u32 {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn contains(&self, offset: u32) -> bool {
        self.start <= offset && offset <= self.end
    }
}

/// A location: a file and a byte range in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub range: TextRange,
}

impl Span {
    pub const fn new(file: FileId, start: u32, end: u32) -> Self {
        Self {
            file,
            range: TextRange::new(start, end),
        }
    }
}

/// One loaded source file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the loader knows it (absolute for the CLI).
    pub path: PathBuf,
    pub text: Arc<str>,
    pub line_index: Arc<LineIndex>,
}

/// All files read while analysing one project. File ids index into it.
#[derive(Debug, Default, Clone)]
pub struct SourceDb {
    files: Vec<SourceFile>,
}

impl SourceDb {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file, or returns the id it already has.
    pub fn add(&mut self, path: PathBuf, text: Arc<str>) -> FileId {
        if let Some(id) = self.lookup(&path) {
            return id;
        }
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        let line_index = Arc::new(LineIndex::new(&text));
        self.files.push(SourceFile {
            path,
            text,
            line_index,
        });
        id
    }

    pub fn lookup(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path == path)
            .and_then(|i| u32::try_from(i).ok())
            .map(FileId)
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn path(&self, id: FileId) -> Option<&Path> {
        self.get(id).map(|f| f.path.as_path())
    }

    pub fn text(&self, id: FileId) -> &str {
        self.get(id).map(|f| &*f.text).unwrap_or("")
    }

    /// The source text a span covers ("" if the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text(span.file)
            .get(span.range.start as usize..span.range.end as usize)
            .unwrap_or("")
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}
