//! Resolution of import specifiers to files, the way the bundler upstream uses does it: exact path,
//! `.js`→`.ts` stem swaps, then `.tsx`/`.ts` and index files.

use std::path::{Component, Path, PathBuf};

use super::SourceLoader;

/// What an import specifier points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportTarget {
    /// `jazz-tools`
    JazzTools,
    /// `jazz-tools/permissions`
    JazzPermissions,
    /// `zod` or `zod/v4`
    Zod,
    /// A project file.
    File(PathBuf),
    /// A relative specifier that matched no file.
    Missing,
    /// A bare package, Node built-in, alias or JSON import: unreadable statically.
    Unsupported,
}

/// Resolves `spec` imported from the file `from`.
pub fn resolve_relative(loader: &dyn SourceLoader, from: &Path, spec: &str) -> ImportTarget {
    match spec {
        "jazz-tools" => return ImportTarget::JazzTools,
        "jazz-tools/permissions" => return ImportTarget::JazzPermissions,
        "zod" | "zod/v4" => return ImportTarget::Zod,
        _ => {}
    }
    if !(spec.starts_with("./") || spec.starts_with("../") || spec == "." || spec == "..") {
        return ImportTarget::Unsupported;
    }
    if spec.ends_with(".json") {
        return ImportTarget::Unsupported;
    }
    let base = from.parent().unwrap_or(Path::new(""));
    let joined = normalize(&base.join(spec));
    for candidate in candidates(&joined, spec) {
        if loader.is_file(&candidate) {
            return ImportTarget::File(candidate);
        }
    }
    ImportTarget::Missing
}

fn candidates(p: &Path, spec: &str) -> Vec<PathBuf> {
    let mut out = vec![p.to_path_buf()];
    let s = p.to_string_lossy();
    for (js, tss) in [
        (".js", &[".ts", ".tsx"][..]),
        (".jsx", &[".tsx", ".ts"][..]),
        (".mjs", &[".mts"][..]),
        (".cjs", &[".cts"][..]),
    ] {
        if let Some(stem) = s.strip_suffix(js) {
            for ts in tss {
                out.push(PathBuf::from(format!("{stem}{ts}")));
            }
        }
    }
    if !spec.ends_with('/') {
        out.push(PathBuf::from(format!("{s}.tsx")));
        out.push(PathBuf::from(format!("{s}.ts")));
        out.push(PathBuf::from(format!("{s}.js")));
    }
    out.push(p.join("index.tsx"));
    out.push(p.join("index.ts"));
    out.push(p.join("index.js"));
    out
}

/// Lexical normalisation of `.` and `..` (no symlink resolution: the loader may be virtual).
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::MemoryLoader;

    #[test]
    fn resolves_like_the_bundler() {
        let l = MemoryLoader::new()
            .with("/app/auth/schema.ts", "")
            .with("/app/lib/index.ts", "")
            .with("/app/x.ts", "");
        let from = Path::new("/app/schema.ts");
        assert_eq!(
            resolve_relative(&l, from, "./auth/schema"),
            ImportTarget::File("/app/auth/schema.ts".into())
        );
        assert_eq!(
            resolve_relative(&l, from, "./x.js"),
            ImportTarget::File("/app/x.ts".into())
        );
        assert_eq!(
            resolve_relative(&l, from, "./lib"),
            ImportTarget::File("/app/lib/index.ts".into())
        );
        assert_eq!(resolve_relative(&l, from, "./nope"), ImportTarget::Missing);
        assert_eq!(
            resolve_relative(&l, from, "lodash"),
            ImportTarget::Unsupported
        );
        assert_eq!(resolve_relative(&l, from, "zod/v4"), ImportTarget::Zod);
    }
}
