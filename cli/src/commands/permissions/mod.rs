//! `jazz permissions compile|explain|test|status`.
//!
//! - `compile.rs`, `explain.rs`, `status.rs`: those commands (their flags are in
//!   `crate::args::permissions`);
//! - `testing/`: the TOML policy-test harness (`jazz permissions test`).

mod compile;
mod explain;
mod status;
mod testing;

use std::path::{Path, PathBuf};

use jazz_schema_compiler::diagnostics::Diagnostic;
use jazz_schema_compiler::policy::Policy;
use jazz_schema_compiler::policy::codes;
use jazz_schema_compiler::project::Analysis;
use jazz_schema_compiler::source::Span;

use super::{Context, Outcome, report};
use crate::args::PermissionsCommand;

pub fn run(ctx: &mut Context, cmd: &PermissionsCommand) -> anyhow::Result<Outcome> {
    match cmd {
        PermissionsCommand::Compile(a) => compile::run(ctx, a),
        PermissionsCommand::Explain(a) => explain::run(ctx, a),
        PermissionsCommand::Test(a) => testing::run(ctx, a),
        PermissionsCommand::Status(a) => status::run(ctx, a),
    }
}

/// A compiled project: the analysis, its policy and the bytecode.
pub struct Compiled {
    pub analysis: Analysis,
    pub policy: Policy,
    pub bytes: Vec<u8>,
}

/// Analyses and compiles; prints diagnostics. `Err` carries the failed outcome (errors, or
/// JZ2005 when the project has no permissions).
pub fn compiled(ctx: &mut Context, root: &Path) -> Result<Compiled, Outcome> {
    let mut analysis = ctx.analyze(root);
    let no_file = analysis.permissions_file.is_none()
        && analysis
            .permissions
            .as_ref()
            .is_none_or(|p| p.policy.is_none());
    if no_file && !analysis.has_errors() && analysis.schema.is_some() {
        let msg = "No permissions found for this app. Create a permissions.ts file before using permissions commands.";
        analysis
            .diagnostics
            .retain(|d| d.code != codes::MISSING_POLICY);
        analysis
            .diagnostics
            .push(Diagnostic::new(codes::NO_PERMISSIONS, msg).upstream(msg));
    }
    report(ctx, &analysis, root);
    let policy = analysis.permissions.as_ref().and_then(|p| p.policy.clone());
    match (analysis.has_errors(), policy, analysis.schema.as_deref()) {
        (false, Some(policy), Some(schema)) => {
            // Rule spans as project-relative paths (the debug section; `--strip` drops it).
            let path_of = |span: &Span| {
                let f = analysis.db.get(span.file)?;
                let rel = f.path.strip_prefix(root).unwrap_or(&f.path);
                Some(rel.display().to_string().replace('\\', "/"))
            };
            let bytes = jazz_schema_compiler::policy::bytecode::encode_with_debug(
                &policy, schema, &path_of,
            );
            Ok(Compiled {
                analysis,
                policy,
                bytes,
            })
        }
        _ => {
            let (e, w) = jazz_schema_compiler::diagnostics::count(&analysis.diagnostics);
            ctx.out
                .summary_line(&format!("Found {} error(s) and {w} warning(s).", e.max(1)));
            Err(Outcome::failed(serde_json::Value::Null))
        }
    }
}

/// `file:line:col` of a span, relative to `root`, plus its source line.
pub fn location(analysis: &Analysis, root: &Path, span: Span) -> (String, String) {
    let Some(f) = analysis.db.get(span.file) else {
        return ("?".into(), String::new());
    };
    let lc = f.line_index.line_col_chars(&f.text, span.range.start);
    let rel: PathBuf = f
        .path
        .strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| f.path.clone());
    let line_text = f
        .text
        .lines()
        .nth(lc.line as usize)
        .unwrap_or("")
        .trim()
        .to_owned();
    (
        format!(
            "{}:{}:{}",
            rel.display().to_string().replace('\\', "/"),
            lc.line + 1,
            lc.col + 1
        ),
        line_text,
    )
}

/// `1f9d…42b0`.
pub fn short_hash(h: &str) -> String {
    match (h.get(..4), h.get(h.len().saturating_sub(4)..)) {
        (Some(a), Some(b)) => format!("{a}…{b}"),
        _ => h.to_owned(),
    }
}

/// Writes `bytes` to `path` atomically (temp file in the same directory, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "out".into());
    let tmp = match dir {
        Some(d) => d.join(format!(".{name}.tmp{}", std::process::id())),
        None => PathBuf::from(format!(".{name}.tmp{}", std::process::id())),
    };
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
