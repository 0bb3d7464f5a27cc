//! Keeping module resolution inside the project (JZ0112). An import such as
//! `"../../../../etc/passwd"`, or one that passes through a symlink to `/etc`, must not be read:
//! the file's first lines would be printed in the diagnostic snippet. The project root is the
//! nearest folder at or above the entry file's folder that holds `package.json` or `.git`, or
//! else the entry file's folder; an import is allowed only when its canonical path (symlinks
//! resolved, through the loader, since the core does no IO) lies inside the canonical root.

use std::path::{Path, PathBuf};

use super::SourceLoader;

/// The folder imports may not leave, canonicalized by the loader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectRoot {
    /// As found (for messages).
    pub path: PathBuf,
    canonical: PathBuf,
}

impl ProjectRoot {
    /// The root for the project whose entry files (schema.ts, permissions.ts) sit in `dir`.
    pub fn find(loader: &dyn SourceLoader, dir: &Path) -> Self {
        let path = dir
            .ancestors()
            .find(|d| is_project_dir(loader, d))
            .unwrap_or(dir)
            .to_path_buf();
        let canonical = loader
            .canonicalize(&path)
            .unwrap_or_else(|_| super::resolve::normalize(&path));
        Self { path, canonical }
    }

    /// Whether `file` (a resolved import) lies inside the root once symlinks are resolved. A
    /// file the loader cannot canonicalize is outside.
    pub fn contains(&self, loader: &dyn SourceLoader, file: &Path) -> bool {
        loader
            .canonicalize(file)
            .is_ok_and(|c| c.starts_with(&self.canonical))
    }
}

fn is_project_dir(loader: &dyn SourceLoader, dir: &Path) -> bool {
    // `.git` is a folder in a plain checkout and a file in a worktree: `exists` sees both
    // (without listing every folder up to `/`, as discovery asks it too).
    loader.is_file(&dir.join("package.json")) || loader.exists(&dir.join(".git"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::MemoryLoader;

    #[test]
    fn the_root_is_the_nearest_package_or_repository_folder() {
        let l = MemoryLoader::new()
            .with("/repo/.git", "gitdir: elsewhere")
            .with("/repo/app/package.json", "{}")
            .with("/repo/app/src/lib/schema.ts", "");
        let root = ProjectRoot::find(&l, Path::new("/repo/app/src/lib"));
        assert_eq!(root.path, Path::new("/repo/app"));
        assert!(root.contains(&l, Path::new("/repo/app/src/shared.ts")));
        assert!(root.contains(&l, Path::new("/repo/app/src/lib/../x.ts")));
        assert!(!root.contains(&l, Path::new("/repo/other.ts")));
        assert!(!root.contains(&l, Path::new("/repo/app/../app2/x.ts")));
        let l = MemoryLoader::new().with("/loose/schema.ts", "");
        let root = ProjectRoot::find(&l, Path::new("/loose"));
        assert_eq!(root.path, Path::new("/loose"));
        assert!(!root.contains(&l, Path::new("/etc/passwd")));
    }

    /// A `.git` folder (a plain checkout) marks the root, found by asking whether it exists.
    #[test]
    fn a_git_folder_marks_the_root() {
        struct Checkout(MemoryLoader);
        impl SourceLoader for Checkout {
            fn read(&self, path: &Path) -> std::io::Result<Option<std::sync::Arc<str>>> {
                self.0.read(path)
            }
            fn is_file(&self, path: &Path) -> bool {
                self.0.is_file(path)
            }
            fn exists(&self, path: &Path) -> bool {
                path == Path::new("/repo/.git") || self.0.exists(path)
            }
        }
        let l = Checkout(MemoryLoader::new().with("/repo/src/schema.ts", ""));
        let root = ProjectRoot::find(&l, Path::new("/repo/src"));
        assert_eq!(root.path, Path::new("/repo"));
    }
}
