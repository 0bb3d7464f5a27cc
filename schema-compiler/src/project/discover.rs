//! Finding schema.ts and permissions.ts (schema.md §1.1–§1.2, cli-and-server.md §1.5).

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
            Discovery::Failed(Box::new(
                Diagnostic::error(codes::SCHEMA_NOT_FOUND, msg.clone()).upstream(msg),
            ))
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
                Diagnostic::error(codes::SCHEMA_AMBIGUOUS, msg.clone()).upstream(msg),
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
        assert!(
            d.message
                .contains("Searched: /p/schema.ts or /p/src/schema.ts or /p/src/lib/schema.ts.")
        );
    }
}
