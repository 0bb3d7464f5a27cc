//! The installed `jazz-tools` and `zod` versions, found the way Node resolves a package from the
//! project root (the nearest `node_modules/<package>/package.json` at or above it), and the
//! warnings when they are not versions whose output jazz reproduces (JZ0113, JZ0114).

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, codes};
use crate::schema::JsonValue;
use crate::source::{SourceDb, SourceLoader, Span};

/// The jazz-tools release whose formats (WasmSchema JSON and hash, snapshots, migration stubs,
/// policy JSON) jazz reproduces. jazz-tools is pre-release and any alpha may change a format,
/// so this one version is the accepted range.
pub const REPRODUCED_JAZZ_TOOLS: &str = "2.0.0-alpha.50";

/// The zod `major.minor` releases whose JSON Schema output for `s.json(z...)` jazz reproduces.
pub const REPRODUCED_ZOD: &[(u64, u64)] = &[(4, 3), (4, 4)];

/// An installed package: its `version` and the package.json it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    pub version: String,
    pub package_json: PathBuf,
}

/// `package`'s installed version, resolving from `root` upward like Node; `None` when it is
/// not installed or its package.json has no readable `version`.
pub fn installed(loader: &dyn SourceLoader, root: &Path, package: &str) -> Option<Installed> {
    for dir in root.ancestors() {
        let package_json = dir.join("node_modules").join(package).join("package.json");
        let Ok(Some(text)) = loader.read(&package_json) else {
            continue;
        };
        let JsonValue::Object(fields) = crate::schema::json::parse(&text).ok()? else {
            return None;
        };
        let version = fields.into_iter().find_map(|(k, v)| match v {
            JsonValue::String(s) if k == "version" => Some(s),
            _ => None,
        })?;
        return Some(Installed {
            version,
            package_json,
        });
    }
    None
}

/// Whether jazz reproduces this jazz-tools version's formats.
pub fn jazz_tools_reproduced(version: &str) -> bool {
    version.trim() == REPRODUCED_JAZZ_TOOLS
}

/// Whether jazz reproduces this zod version's JSON Schema output.
pub fn zod_reproduced(version: &str) -> bool {
    let mut parts = version.trim().split(['.', '-', '+']);
    let num = |p: Option<&str>| p.and_then(|p| p.parse::<u64>().ok());
    match (num(parts.next()), num(parts.next())) {
        (Some(major), Some(minor)) => REPRODUCED_ZOD.contains(&(major, minor)),
        _ => false,
    }
}

/// JZ0113 once for an installed jazz-tools jazz does not reproduce (at the schema file's
/// `jazz-tools` import), and JZ0114 at each `s.json(z...)` when the installed zod's output may
/// differ from the one jazz computes.
pub fn version_diagnostics(
    loader: &dyn SourceLoader,
    root: &Path,
    db: &SourceDb,
    schema_file: &Path,
    zod_columns: &[Span],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(jt) = installed(loader, root, "jazz-tools")
        && !jazz_tools_reproduced(&jt.version)
        && let Some(at) = import_span(db, schema_file)
    {
        out.push(
            Diagnostic::new(
                codes::JAZZ_TOOLS_VERSION,
                format!(
                    "the installed jazz-tools is {}; jazz reproduces the formats of {REPRODUCED_JAZZ_TOOLS}",
                    jt.version
                ),
            )
            .at(at)
            .note(format!("found in {}", jt.package_json.display()))
            .note("the schema hash (for example of zod-typed json columns), migration stubs and policy JSON may differ from what this jazz-tools computes; a server that disagrees rejects the publish with a hash mismatch")
            .help(format!("install jazz-tools {REPRODUCED_JAZZ_TOOLS} to be sure the outputs match")),
        );
    }
    if !zod_columns.is_empty()
        && let Some(z) = installed(loader, root, "zod")
        && !zod_reproduced(&z.version)
    {
        for span in zod_columns {
            out.push(
                Diagnostic::new(
                    codes::ZOD_VERSION,
                    format!(
                        "the installed zod is {}; jazz computes this column's JSON Schema (and so the schema hash) the way zod 4.3 and 4.4 do",
                        z.version
                    ),
                )
                .at(*span)
                .note("zod 4.5 and later write some JSON Schema shapes differently, so the app may compute another hash")
                .help("install zod 4.3 or 4.4, or write the JSON Schema as a plain object: `s.json({ type: \"object\", ... })`"),
            );
        }
    }
    out
}

/// The first `"jazz-tools"` module specifier in the schema file (else its start).
fn import_span(db: &SourceDb, schema_file: &Path) -> Option<Span> {
    let id = db.lookup(schema_file)?;
    let file = db.get(id)?;
    let text: &str = &file.text;
    let at = ["\"jazz-tools\"", "'jazz-tools'"]
        .iter()
        .filter_map(|q| text.find(q).map(|i| (i, q.len())))
        .min();
    Some(match at {
        Some((i, len)) => Span::new(id, i as u32, (i + len) as u32),
        None => Span::new(id, 0, 0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_versions() {
        assert!(jazz_tools_reproduced("2.0.0-alpha.50"));
        assert!(!jazz_tools_reproduced("2.0.0-alpha.53"));
        assert!(zod_reproduced("4.3.6"));
        assert!(zod_reproduced("4.4.0"));
        assert!(!zod_reproduced("4.5.0"));
        assert!(!zod_reproduced("3.25.1"));
        assert!(!zod_reproduced("garbage"));
    }
}
