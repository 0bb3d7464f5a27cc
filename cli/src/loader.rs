//! The disk [`SourceLoader`]: how the compiler core reads project files when run from the CLI.
//! Files are read as UTF-8; a missing file is `Ok(None)`, anything else unreadable is an error
//! the core turns into a diagnostic.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jazz_schema_compiler::source::SourceLoader;

/// Reads files straight from the file system.
#[derive(Debug, Default, Clone, Copy)]
pub struct DiskLoader;

impl SourceLoader for DiskLoader {
    fn read(&self, path: &Path) -> io::Result<Option<Arc<str>>> {
        match fs::read(path) {
            Ok(bytes) => String::from_utf8(bytes)
                .map(|text| Some(Arc::from(text)))
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }

    fn exists(&self, path: &Path) -> bool {
        path.exists()
    }

    fn list_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        let entries = match fs::read_dir(path) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut names = Vec::new();
        for entry in entries {
            if let Some(name) = entry?.file_name().to_str() {
                names.push(name.to_owned());
            }
        }
        names.sort();
        Ok(names)
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        fs::canonicalize(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lists_and_reports_missing_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(dir.path().join("b.ts"), "export {}").expect("write");
        fs::write(dir.path().join("a.ts"), "").expect("write");
        fs::write(dir.path().join("bad.ts"), [0xff, 0xfe]).expect("write");
        let l = DiskLoader;
        assert_eq!(
            l.read(&dir.path().join("b.ts")).expect("read").as_deref(),
            Some("export {}")
        );
        assert_eq!(l.read(&dir.path().join("nope.ts")).expect("read"), None);
        assert_eq!(
            l.read(&dir.path().join("bad.ts"))
                .map_err(|e| e.kind())
                .err(),
            Some(io::ErrorKind::InvalidData)
        );
        assert!(l.is_file(&dir.path().join("a.ts")) && !l.is_file(dir.path()));
        assert_eq!(
            l.list_dir(dir.path()).expect("list"),
            vec!["a.ts", "b.ts", "bad.ts"]
        );
        assert!(
            l.list_dir(&dir.path().join("none"))
                .expect("list")
                .is_empty()
        );
    }
}
