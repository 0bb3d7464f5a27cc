//! Path conventions of the CLI: resolving flag paths against
//! the cwd the way Node's `path.resolve` does (lexically, without following symlinks), and
//! showing paths relative to the project root with `/` separators.

use std::path::{Component, Path, PathBuf};

/// `base.join(p)` with `.` and `..` removed lexically.
pub fn resolve(base: &Path, p: &Path) -> PathBuf {
    let joined = base.join(p);
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(c);
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to `root` with `/` separators, or the whole path (still with `/`) when it is
/// not under `root`.
pub fn relative(path: &Path, root: &Path) -> String {
    let shown = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = shown
        .components()
        .map(|c| match c {
            Component::RootDir => String::new(),
            other => other.as_os_str().to_string_lossy().into_owned(),
        })
        .collect();
    if parts.len() == 1 && parts.first().is_some_and(String::is_empty) {
        "/".to_owned()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_lexically() {
        assert_eq!(
            resolve(Path::new("/a/b"), Path::new("../c/./d")),
            PathBuf::from("/a/c/d")
        );
        assert_eq!(
            resolve(Path::new("/a"), Path::new("/x/y")),
            PathBuf::from("/x/y")
        );
        assert_eq!(
            resolve(Path::new("/a"), Path::new(".")),
            PathBuf::from("/a")
        );
    }

    #[test]
    fn relative_paths_use_slashes() {
        assert_eq!(
            relative(Path::new("/p/src/lib/schema.ts"), Path::new("/p")),
            "src/lib/schema.ts"
        );
        assert_eq!(relative(Path::new("/q/x.ts"), Path::new("/p")), "/q/x.ts");
    }
}
