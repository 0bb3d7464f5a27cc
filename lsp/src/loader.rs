//! The server's [`SourceLoader`]: open editor buffers (overlays) over the disk. The compiler
//! reads every file through it, so an unsaved edit to `schema.ts` is what `permissions.ts` and
//! the migrations are checked against.

use std::collections::{BTreeSet, HashMap};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jazz_schema_compiler::source::SourceLoader;

/// Open buffers by absolute path, falling back to the file system.
#[derive(Debug, Default, Clone)]
pub struct OverlayLoader {
    overlays: HashMap<PathBuf, Arc<str>>,
}

impl OverlayLoader {
    /// Sets the text of an open buffer.
    pub fn set(&mut self, path: PathBuf, text: Arc<str>) {
        self.overlays.insert(path, text);
    }

    /// Forgets a closed buffer: the disk is the truth again.
    pub fn remove(&mut self, path: &Path) {
        self.overlays.remove(path);
    }

    pub fn get(&self, path: &Path) -> Option<&Arc<str>> {
        self.overlays.get(path)
    }

    /// How many buffers are open.
    pub fn len(&self) -> usize {
        self.overlays.len()
    }

    pub fn is_empty(&self) -> bool {
        self.overlays.is_empty()
    }

    /// The open buffers' paths.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.overlays.keys().map(PathBuf::as_path)
    }
}

impl SourceLoader for OverlayLoader {
    fn read(&self, path: &Path) -> io::Result<Option<Arc<str>>> {
        if let Some(text) = self.overlays.get(path) {
            return Ok(Some(text.clone()));
        }
        match std::fs::read(path) {
            Ok(bytes) => String::from_utf8(bytes)
                .map(|s| Some(Arc::from(s)))
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) if e.kind() == io::ErrorKind::IsADirectory => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn is_file(&self, path: &Path) -> bool {
        self.overlays.contains_key(path) || path.is_file()
    }

    fn exists(&self, path: &Path) -> bool {
        self.overlays.contains_key(path) || path.exists()
    }

    fn list_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        let mut names = BTreeSet::new();
        match std::fs::read_dir(path) {
            Ok(entries) => {
                for e in entries {
                    if let Some(name) = e?.file_name().to_str() {
                        names.insert(name.to_owned());
                    }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        for p in self.overlays.keys() {
            if p.parent() == Some(path)
                && let Some(name) = p.file_name().and_then(|n| n.to_str())
            {
                names.insert(name.to_owned());
            }
        }
        Ok(names.into_iter().collect())
    }

    /// Like the CLI's disk loader, so imports are confined to the project the same way; an
    /// unsaved buffer that is not on disk yet is resolved through its folder.
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        match std::fs::canonicalize(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound && self.overlays.contains_key(path) => {
                let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
                    return Err(e);
                };
                Ok(std::fs::canonicalize(dir)?.join(name))
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlays_shadow_the_disk_and_closing_restores_it() {
        let dir = std::env::temp_dir().join(format!("jazz-lsp-loader-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let file = dir.join("schema.ts");
        let _ = std::fs::write(&file, "disk");
        let mut l = OverlayLoader::default();
        assert_eq!(l.read(&file).ok().flatten().as_deref(), Some("disk"));
        l.set(file.clone(), Arc::from("buffer"));
        l.set(dir.join("new.ts"), Arc::from("unsaved"));
        assert_eq!(l.read(&file).ok().flatten().as_deref(), Some("buffer"));
        assert!(l.is_file(&dir.join("new.ts")));
        let names = l.list_dir(&dir).unwrap_or_default();
        assert_eq!(names, vec!["new.ts".to_owned(), "schema.ts".to_owned()]);
        l.remove(&file);
        assert_eq!(l.read(&file).ok().flatten().as_deref(), Some("disk"));
        assert_eq!(l.read(&dir.join("missing.ts")).ok().flatten(), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn unsaved_buffers_canonicalize_through_their_folder() {
        let dir = std::env::temp_dir().join(format!("jazz-lsp-canon-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let real = std::fs::canonicalize(&dir).unwrap_or_default();
        let mut l = OverlayLoader::default();
        let unsaved = dir.join("sub/../new.ts");
        assert!(l.canonicalize(&unsaved).is_err(), "not on disk, not open");
        l.set(dir.join("new.ts"), Arc::from("x"));
        assert_eq!(
            l.canonicalize(&dir.join("new.ts")).ok(),
            Some(real.join("new.ts"))
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
