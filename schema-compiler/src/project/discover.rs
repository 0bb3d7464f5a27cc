//! Finding schema.ts and permissions.ts.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, codes};
use crate::source::SourceLoader;

/// The result of looking for a project's files.
#[derive(Debug)]
pub enum Discovery {
    Found {
        schema_file: PathBuf,
        permissions_file: Option<PathBuf>,
    },
    Failed(Box<Diagnostic>),
}

/// A project's migrations directory when `--migrations-dir` is not given:
/// `<project root>/migrations`, the project root being the folder discovery started from (the
/// folder above `src/` for `src/schema.ts` and `src/lib/schema.ts`). Every CLI command, `jazz
/// dev` and the language server use this one rule.
pub fn default_migrations_dir(root: &Path) -> PathBuf {
    root.join("migrations")
}

/// Where a project's schema may live, relative to its root, in the order they are listed.
const CANDIDATES: [&str; 3] = ["schema.ts", "src/schema.ts", "src/lib/schema.ts"];

/// The project root for a command run in `start` without `--schema-dir`: the innermost folder,
/// `start` or above it, holding `schema.ts`, `src/schema.ts` or `src/lib/schema.ts`, widened
/// to the folder above `src/` (or `src/lib/`) when that finds the same file. The walk stops
/// after a folder containing `.git` and at the filesystem root. `Err` lists the folders
/// searched.
pub fn find_root(loader: &dyn SourceLoader, start: &Path) -> Result<PathBuf, Vec<PathBuf>> {
    let mut searched = Vec::new();
    for dir in start.ancestors() {
        searched.push(dir.to_path_buf());
        if let Some(schema) = single_candidate(loader, dir) {
            let mut root = dir.to_path_buf();
            for up in dir.ancestors().skip(1).take(2) {
                if single_candidate(loader, up).as_ref() == Some(&schema) {
                    root = up.to_path_buf();
                }
            }
            return Ok(root);
        }
        if loader.exists(&dir.join(".git")) {
            break;
        }
    }
    Err(searched)
}

/// The schema file discovery finds at `root`, when it finds exactly one.
fn single_candidate(loader: &dyn SourceLoader, root: &Path) -> Option<PathBuf> {
    let mut found = CANDIDATES
        .iter()
        .map(|c| root.join(c))
        .filter(|p| loader.is_file(p));
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// Looks for `schema.ts` at `<root>`, `<root>/src` and `<root>/src/lib`; exactly one must exist.
pub fn discover(loader: &dyn SourceLoader, root: &Path) -> Discovery {
    let candidates = [
        root.join("schema.ts"),
        root.join("src").join("schema.ts"),
        root.join("src").join("lib").join("schema.ts"),
    ];
    let found: Vec<&PathBuf> = candidates.iter().filter(|p| loader.is_file(p)).collect();
    match found.as_slice() {
        [] => {
            let searched = candidates
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" or ");
            let msg = format!(
                "Schema file not found. Jazz looks for schema.ts (and, optionally, permissions.ts alongside it) at the project root, ./src/, or ./src/lib/ (SvelteKit). Searched: {searched}. Pass --schema-dir <path> to point at a different root."
            );
            let mut d = Diagnostic::new(codes::SCHEMA_NOT_FOUND, "no schema.ts found")
                .upstream(msg)
                .help(
                    "run jazz in your app's folder (the one holding schema.ts, src/schema.ts or src/lib/schema.ts) or in a folder below it, or pass --schema-dir <path>",
                );
            let above: Vec<String> = root
                .ancestors()
                .skip(1)
                .scan(loader.exists(&root.join(".git")), |stop, dir| {
                    if *stop {
                        return None;
                    }
                    *stop = loader.exists(&dir.join(".git"));
                    Some(dir.display().to_string())
                })
                .collect();
            if !above.is_empty() {
                d = d.note(format!(
                    "also searched the folders above, up to the repository or filesystem root: {}",
                    above.join(", ")
                ));
            }
            Discovery::Failed(Box::new(d))
        }
        [one] => {
            let dir = one.parent().unwrap_or(root);
            let perms = dir.join("permissions.ts");
            let permissions_file = loader.is_file(&perms).then_some(perms);
            Discovery::Found {
                schema_file: (*one).clone(),
                permissions_file,
            }
        }
        many => {
            let list = many
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" and ");
            let msg = format!(
                "Ambiguous schema location: found {list}. Delete all but one so the schema root is unambiguous."
            );
            Discovery::Failed(Box::new(
                Diagnostic::new(codes::SCHEMA_AMBIGUOUS, msg.clone()).upstream(msg),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::MemoryLoader;

    #[test]
    fn finds_sveltekit_layout() {
        let l = MemoryLoader::new()
            .with("/p/src/lib/schema.ts", "")
            .with("/p/src/lib/permissions.ts", "");
        match discover(&l, Path::new("/p")) {
            Discovery::Found {
                schema_file,
                permissions_file,
            } => {
                assert_eq!(schema_file, PathBuf::from("/p/src/lib/schema.ts"));
                assert_eq!(
                    permissions_file,
                    Some(PathBuf::from("/p/src/lib/permissions.ts"))
                );
            }
            Discovery::Failed(d) => panic!("{}", d.message),
        }
    }

    #[test]
    fn reports_ambiguity_and_absence() {
        let l = MemoryLoader::new()
            .with("/p/schema.ts", "")
            .with("/p/src/schema.ts", "");
        let Discovery::Failed(d) = discover(&l, Path::new("/p")) else {
            panic!("expected failure")
        };
        assert_eq!(d.code, codes::SCHEMA_AMBIGUOUS);
        assert_eq!(
            d.message,
            "Ambiguous schema location: found /p/schema.ts and /p/src/schema.ts. Delete all but one so the schema root is unambiguous."
        );
        let Discovery::Failed(d) = discover(&MemoryLoader::new(), Path::new("/p")) else {
            panic!()
        };
        assert_eq!(d.code, codes::SCHEMA_NOT_FOUND);
        assert!(d.upstream_message.as_deref().is_some_and(|m| {
            m.contains("Searched: /p/schema.ts or /p/src/schema.ts or /p/src/lib/schema.ts.")
        }));
        assert!(d.help.is_some());
        assert_eq!(
            d.notes,
            vec!["also searched the folders above, up to the repository or filesystem root: /"]
        );
    }

    #[test]
    fn find_root_walks_up_to_the_folder_above_src() {
        let l = MemoryLoader::new()
            .with("/r/.git", "")
            .with("/r/app/src/lib/schema.ts", "");
        assert_eq!(
            find_root(&l, Path::new("/r/app/src/lib/ui")),
            Ok(PathBuf::from("/r/app"))
        );
        let l = MemoryLoader::new().with("/r/app/schema.ts", "");
        assert_eq!(
            find_root(&l, Path::new("/r/app/src/components")),
            Ok(PathBuf::from("/r/app"))
        );
        let l = MemoryLoader::new()
            .with("/schema.ts", "")
            .with("/r/.git", "");
        assert_eq!(
            find_root(&l, Path::new("/r/a")),
            Err(vec![PathBuf::from("/r/a"), PathBuf::from("/r")])
        );
        assert_eq!(
            default_migrations_dir(Path::new("/r/app")),
            PathBuf::from("/r/app/migrations")
        );
    }
}
