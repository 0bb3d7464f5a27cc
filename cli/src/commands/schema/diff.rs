//! `jazz schema diff` (ours): a readable structural diff between two schema versions (default:
//! the latest committed snapshot -> the current schema.ts) with the change kinds of
//! `migrations::diff` and whether a migration is needed; `--unified` adds a unified diff of the
//! two WasmSchema JSON documents; `--exit-code` exits 3 when they differ. Local only.

use std::io::IsTerminal;

use jazz_schema_compiler::migrations::diff::{SchemaDiff, diff};
use jazz_schema_compiler::schema::snapshots::resolve_prefix;
use jazz_schema_compiler::schema::wasm_json::to_pretty_json;
use jazz_schema_compiler::schema::{SchemaHash, WasmSchema, schema_hash};
use serde_json::json;
use similar::{ChangeTag, TextDiff};

use crate::args::SchemaDiffArgs;
use crate::commands::{Context, Outcome, no_schema, report};
use crate::store::Store;

fn fail(ctx: &mut Context, message: &str) -> anyhow::Result<Outcome> {
    ctx.out.error(message);
    Ok(Outcome::failed(serde_json::Value::Null))
}

pub fn run(ctx: &mut Context, a: &SchemaDiffArgs) -> anyhow::Result<Outcome> {
    let migrations_dir = ctx.migrations_dir(&a.migrations, &a.project);
    let store = Store::load(ctx, &migrations_dir)?;
    let local = |label: &str, h: &str| {
        resolve_prefix(&store.snapshots, h, label)
            .map(|s| (s.schema.clone(), s.hash))
            .map_err(|d| d.message)
    };
    let from: (WasmSchema, SchemaHash) = match &a.from_hash {
        Some(h) => match local("fromHash", h) {
            Ok(v) => v,
            Err(m) => return fail(ctx, &m),
        },
        None => match store.latest() {
            Some(l) => (l.schema.clone(), l.hash),
            None => {
                let cli = ctx.cli.clone();
                return fail(
                    ctx,
                    &format!(
                        "No committed snapshot found. Provide --fromHash or run `{cli} migrations create` once to create an initial snapshot."
                    ),
                );
            }
        },
    };
    let to: (WasmSchema, SchemaHash) = match &a.to_hash {
        Some(h) => match local("toHash", h) {
            Ok(v) => v,
            Err(m) => return fail(ctx, &m),
        },
        None => {
            let root = ctx.root(&a.project);
            let analysis = ctx.analyze(&root);
            report(ctx, &analysis, &root);
            let Some(s) = analysis.valid_schema() else {
                no_schema(ctx, &analysis);
                return Ok(Outcome::failed(serde_json::Value::Null));
            };
            (s.clone(), schema_hash(s))
        }
    };
    let d = diff(&from.0, &to.0);
    let changed = from.1 != to.1;
    ctx.out.result(&format!(
        "Schema diff {} -> {}",
        from.1.short(),
        to.1.short()
    ));
    for line in render(&d) {
        ctx.out.result(&line);
    }
    let needed = if d.requires_migration { "yes" } else { "no" };
    ctx.out.result(&format!("Migration file needed: {needed}"));
    if a.unified && changed {
        let old = to_pretty_json(&from.0);
        let new = to_pretty_json(&to.0);
        let color = std::io::stdout().is_terminal() && ctx.env.real("NO_COLOR").is_none();
        let td = TextDiff::from_lines(&old, &new);
        let mut text = String::new();
        let (fa, fb) = (
            format!("{}.json", from.1.short()),
            format!("{}.json", to.1.short()),
        );
        for line in td
            .unified_diff()
            .context_radius(3)
            .header(&fa, &fb)
            .to_string()
            .lines()
        {
            let paint = match line.chars().next() {
                _ if !color => None,
                Some('+') if !line.starts_with("+++") => Some("32"),
                Some('-') if !line.starts_with("---") => Some("31"),
                Some('@') => Some("36"),
                _ => None,
            };
            match paint {
                Some(c) => text.push_str(&format!("\x1b[{c}m{line}\x1b[0m\n")),
                None => text.push_str(&format!("{line}\n")),
            }
        }
        let _ = ChangeTag::Equal;
        ctx.out.result(text.trim_end_matches('\n'));
    }
    let tables: Vec<serde_json::Value> = d
        .tables
        .iter()
        .map(|t| {
            json!({
                "table": t.table,
                "columns_added": t.added,
                "columns_removed": t.removed,
                "possible_rename": t.possible_rename.as_ref().map(|(o, n)| json!({"from": o, "to": n})),
                "changed": t.changed.iter().map(|c| json!({"column": c.column, "kind": c.kind.as_str(), "before": c.before, "after": c.after, "expressible": c.kind.expressible()})).collect::<Vec<_>>(),
                "reordered": t.reordered,
                "indexed_changed": t.indexed_changed,
            })
        })
        .collect();
    let result = json!({
        "from_hash": from.1.to_hex(),
        "to_hash": to.1.to_hex(),
        "changed": changed,
        "migration_required": d.requires_migration,
        "tables_added": d.tables_added,
        "tables_removed": d.tables_removed,
        "possible_table_renames": d.possible_table_renames.iter().map(|(o, n)| json!({"from": o, "to": n})).collect::<Vec<_>>(),
        "tables": tables,
    });
    let exit_code = if a.exit_code && changed { 3 } else { 0 };
    Ok(Outcome {
        exit_code,
        ..Outcome::ok(result)
    })
}

/// The readable lines of a diff.
fn render(d: &SchemaDiff) -> Vec<String> {
    let mut out = Vec::new();
    if d.is_empty() {
        out.push("  no structural changes".to_owned());
    }
    for t in &d.tables_added {
        out.push(format!("  + table {t}"));
    }
    for t in &d.tables_removed {
        out.push(format!("  - table {t}"));
    }
    for (o, n) in &d.possible_table_renames {
        out.push(format!("  ~ possible table rename: {o} -> {n}"));
    }
    for t in &d.tables {
        out.push(format!("  table {}:", t.table));
        for c in &t.added {
            out.push(format!("    + column {c}"));
        }
        for c in &t.removed {
            out.push(format!("    - column {c}"));
        }
        if let Some((o, n)) = &t.possible_rename {
            out.push(format!("    ~ possible rename: {o} -> {n}"));
        }
        for c in &t.changed {
            let note = if c.kind.expressible() {
                ""
            } else {
                " (cannot be expressed by upstream migrations)"
            };
            out.push(format!(
                "    ~ column {}: {} {} -> {}{note}",
                c.column,
                c.kind.as_str(),
                c.before,
                c.after
            ));
        }
        if t.reordered {
            out.push("    ~ columns reordered".to_owned());
        }
        if t.indexed_changed {
            out.push("    ~ indexed columns changed".to_owned());
        }
    }
    out
}
