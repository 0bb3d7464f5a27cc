//! `jazz permissions explain <table> <op>`: the slots that decide the
//! operation (explicit, absent or fallback), each contributing rule with `file:line:col` and
//! its source line, the merged condition in the readable notation, the tables it reads, the
//! diagnostics about this table and operation; `--bytecode` adds the listing, and
//! `--session`/`--row` an evaluation trace.

use jazz_schema_compiler::diagnostics::{Diagnostic, did_you_mean};
use jazz_schema_compiler::policy::ir::{Operation, Slot};
use jazz_schema_compiler::policy::{bytecode, codes, explain, vm};
use serde_json::json;

use super::{compiled, location, testing};
use crate::args::PermissionsExplainArgs;
use crate::commands::{Context, Outcome, report};

pub fn run(ctx: &mut Context, args: &PermissionsExplainArgs) -> anyhow::Result<Outcome> {
    let root = ctx.root(&args.project);
    let c = match compiled(ctx, &root) {
        Ok(c) => c,
        Err(o) => return Ok(o),
    };
    let Some(schema) = c.analysis.schema.as_deref() else {
        return Ok(Outcome::failed(serde_json::Value::Null));
    };
    let table = args.table.as_str();
    if schema.table(table).is_none() {
        let names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
        let mut d = Diagnostic::new(
            codes::UNKNOWN_TABLE,
            format!("unknown table `{table}`: the schema has no such table"),
        );
        d = match did_you_mean(table, names.iter().copied()) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help(format!("tables in the schema: {}", names.join(", "))),
        };
        let mut a = jazz_schema_compiler::project::Analysis::default();
        a.diagnostics.push(d);
        report(ctx, &a, &root);
        return Ok(Outcome::failed(serde_json::Value::Null));
    }
    let (operation, slots): (Operation, Vec<Slot>) = match args.op.as_str() {
        "read" | "select" => (Operation::Select, vec![Slot::SelectUsing]),
        "insert" => (Operation::Insert, vec![Slot::InsertCheck]),
        "update" => (
            Operation::Update,
            vec![Slot::UpdateUsing, Slot::UpdateCheck],
        ),
        _ => (Operation::Delete, vec![Slot::DeleteUsing]),
    };
    let tp = c.policy.table(table);
    let parent = |col: &str| {
        schema
            .table(table)
            .and_then(|t| t.column(col))
            .and_then(|c| c.references.clone())
    };
    let mut lines = vec![format!("{table} · {}", operation.word())];
    let mut shown: Vec<Slot> = slots.clone();
    let mut slot_json = Vec::new();
    let delete_fallback = operation == Operation::Delete
        && tp.is_some_and(|t| {
            t.slot(Slot::DeleteUsing).is_none() && t.slot(Slot::UpdateUsing).is_some()
        });
    if delete_fallback {
        shown.push(Slot::UpdateUsing);
    }
    for s in shown {
        let expr = tp.and_then(|t| t.slot(s));
        match expr {
            None if s == Slot::DeleteUsing && delete_fallback => {
                lines.push(format!(
                    "  {:<17} absent → falls back to update.using",
                    s.name()
                ));
                slot_json.push(json!({"slot": s.name(), "state": "fallback"}));
            }
            None => {
                lines.push(format!("  {:<17} absent (denied)", s.name()));
                slot_json.push(json!({"slot": s.name(), "state": "absent"}));
            }
            Some(e) => {
                let mut rules = Vec::new();
                for r in tp.map(|t| t.rules.as_slice()).unwrap_or(&[]) {
                    if r.slots.contains(&s) {
                        let (loc, src) = location(&c.analysis, &root, r.span);
                        lines.push(format!("  {:<17} {loc}  {src}", s.name()));
                        rules.push(loc);
                    }
                }
                let text = explain::render(e, &parent);
                lines.push(format!("      {text}"));
                let mut reads = Vec::new();
                explain::reads(e, &parent, &mut reads);
                let mut seen = Vec::new();
                reads.retain(|r| {
                    let new = !seen.contains(r);
                    seen.push(r.clone());
                    new
                });
                if !reads.is_empty() {
                    let r: Vec<String> = reads
                        .iter()
                        .map(|(t, why)| format!("{t} ({why})"))
                        .collect();
                    lines.push(format!("  reads: {}", r.join(", ")));
                }
                slot_json.push(json!({"slot": s.name(), "state": "explicit", "rules": rules, "condition": text}));
            }
        }
    }
    // JZ2101 names every missing operation of a table in one diagnostic; its upstream text
    // keeps one line per operation, so the line about this operation is found there.
    let needle = format!(
        "table \"{table}\" has no explicit {} policy",
        operation.word()
    );
    for d in &c.analysis.diagnostics {
        let line = if d.code == codes::MISSING_POLICY {
            d.upstream_message
                .as_deref()
                .and_then(|u| u.lines().find(|l| l.contains(&needle)))
                .map(|l| l.strip_prefix("Warning: ").unwrap_or(l).to_owned())
        } else if operation == Operation::Delete
            && d.code == codes::DELETE_FALLBACK
            && d.message.contains(&format!("\"{table}\""))
        {
            Some(d.message.clone())
        } else {
            None
        };
        if let Some(line) = line {
            lines.push(format!("  {}[{}]: {}", d.severity.as_str(), d.code, line));
        }
    }
    if args.bytecode
        && let Ok(listing) = bytecode::disassemble(&c.bytes)
    {
        let mut inside = false;
        for l in listing.lines() {
            if let Some(name) = l.strip_prefix("table ") {
                inside = name == table;
            }
            if inside {
                lines.push(format!("  | {l}"));
            }
        }
    }
    let mut trace_json = serde_json::Value::Null;
    if args.session.is_some() || args.row.is_some() {
        match testing::trace(
            &c,
            table,
            &args.op,
            args.session.as_deref(),
            args.row.as_deref(),
            args.data.as_deref(),
            &ctx.cwd,
        ) {
            Ok((decision, text)) => {
                lines.push(format!(
                    "trace: {} ({:?})",
                    if decision.allowed {
                        "allowed"
                    } else {
                        "denied"
                    },
                    decision.reason
                ));
                for t in &text {
                    lines.push(format!("  {t}"));
                }
                trace_json = json!({"allowed": decision.allowed, "reason": format!("{:?}", decision.reason), "leaves": text});
            }
            Err(e) => {
                ctx.out.error(&e);
                return Ok(Outcome::failed(serde_json::Value::Null));
            }
        }
    }
    for l in &lines {
        ctx.out.result(l);
    }
    let _ = vm::Limits::default();
    Ok(Outcome::ok(json!({
        "table": table,
        "operation": operation.word(),
        "slots": slot_json,
        "trace": trace_json,
    })))
}
