//! `jazz permissions compile`: full analysis, then the bytecode
//! (`--out`, default `permissions.jzpb`), the upstream policy JSON (`--json`) and the listing
//! (`--disasm`). Any error: exit 1 and nothing written.

use std::io::IsTerminal;
use std::path::Path;

use jazz_schema_compiler::diagnostics::count;
use jazz_schema_compiler::policy::{bytecode, json};
use serde_json::json;

use super::{compiled, short_hash, write_atomic};
use crate::commands::{Context, Outcome, UsageError};
use crate::paths;

use crate::args::PermissionsCompileArgs;

pub fn run(ctx: &mut Context, args: &PermissionsCompileArgs) -> anyhow::Result<Outcome> {
    let root = ctx.root(&args.project);
    let out_is_stdout = args.out.as_deref() == Some(Path::new("-"));
    if out_is_stdout && std::io::stdout().is_terminal() {
        return Err(UsageError {
            command: &["permissions", "compile"],
            message: "refusing to write bytecode to a terminal; pass --out <file>".into(),
        }
        .into());
    }
    let mut c = match compiled(ctx, &root) {
        Ok(c) => c,
        Err(o) => return Ok(o),
    };
    if args.strip {
        c.bytes = bytecode::strip(&c.bytes);
    }
    let (_, warnings) = count(&c.analysis.diagnostics);
    let listing = bytecode::disassemble(&c.bytes).unwrap_or_else(|e| format!("; {e}\n"));
    let bundle = bytecode::Bundle::load(&c.bytes).ok();
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("permissions.jzpb").to_path_buf());
    let mut written = Vec::new();
    let mut write = |ctx: &mut Context, path: &Path, bytes: &[u8]| -> bool {
        if path == Path::new("-") {
            ctx.out.artefact(&String::from_utf8_lossy(bytes));
            return true;
        }
        let full = paths::resolve(&ctx.cwd, path);
        match write_atomic(&full, bytes) {
            Ok(()) => {
                written.push(full.display().to_string());
                true
            }
            Err(e) => {
                ctx.out
                    .error(&format!("cannot write {}: {e}", full.display()));
                false
            }
        }
    };
    let mut ok = true;
    if !out_is_stdout {
        ok &= write(ctx, &out, &c.bytes);
    }
    if let Some(j) = &args.json {
        ok &= write(ctx, j, json::to_pretty(&c.policy).as_bytes());
    }
    if let Some(d) = &args.disasm {
        ok &= write(ctx, d, listing.as_bytes());
    }
    if out_is_stdout {
        use std::io::Write;
        let _ = std::io::stdout().write_all(&c.bytes);
    }
    let content = bytecode::content_hash(&c.bytes);
    let (tables, present, total, schema_hex) = match &bundle {
        Some(b) => {
            let total = b.tables.len() * 5;
            let present = b
                .tables
                .iter()
                .flat_map(|t| t.entries.iter())
                .filter(|e| **e != bytecode::ABSENT && **e != bytecode::FALLBACK)
                .count();
            let hex: String = b.schema_hash.iter().map(|x| format!("{x:02x}")).collect();
            (b.tables.len(), present, total, hex)
        }
        None => (0, 0, 0, String::new()),
    };
    let result = json!({
        "out": if out_is_stdout { None } else { Some(paths::resolve(&ctx.cwd, &out).display().to_string()) },
        "json": args.json.as_ref().map(|p| paths::resolve(&ctx.cwd, p).display().to_string()),
        "content_hash": content,
        "schema_hash": schema_hex,
        "tables": tables,
        "entries": present,
        "entry_points": total,
        "env": c.policy.env,
        "version": bytecode::POLICY_BYTECODE_VERSION,
    });
    if !ok {
        return Ok(Outcome::failed(result));
    }
    let target = if out_is_stdout {
        "stdout".to_owned()
    } else {
        out.display().to_string()
    };
    let policy_tables = c.policy.tables.len();
    if !c.policy.env.is_empty() {
        ctx.out
            .info(&format!("Environment read: {}", c.policy.env.join(", ")));
    }
    let line = format!(
        "Compiled permissions for {policy_tables} table(s), {present} of {total} entry points → {target} (bundle {}, schema {})",
        short_hash(&content),
        short_hash(&schema_hex)
    );
    if out_is_stdout {
        ctx.out.info(&line);
    } else {
        ctx.out.result(&line);
    }
    if args.deny_warnings && warnings > 0 {
        return Ok(Outcome::failed(result));
    }
    Ok(Outcome::ok(result))
}
