//! The failure trace of `jazz permissions test`: the deciding slot, then
//! the granting `Or` branch with `file:line:col` (from the bytecode debug section) on an
//! unexpected allow, or the first false leaf with its resolved values on an unexpected deny.
//! It reads the VM's own leaf trace (`Options::trace`) and the disassembler's listing; it does
//! not evaluate anything itself.

use std::path::Path;

use jazz_schema_compiler::policy::bytecode::{self, MAGIC_COLUMNS};
use jazz_schema_compiler::policy::ir::Slot;
use jazz_schema_compiler::policy::vm::{Decision, Program, Reason, Row, Session, V, format_uuid};
use serde_json::{Value as J, json};

/// What the trace needs besides the decision.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub program: &'a Program,
    pub bytes: &'a [u8],
    pub root: &'a Path,
    pub table: &'a str,
    pub session: Option<&'a Session>,
}

/// One listing line: offset, nesting depth, instruction text.
struct Ins {
    pc: usize,
    depth: usize,
    text: String,
}

/// The listing of `table`'s expressions (lines `  0037  cmp.eq …`).
fn listing(bytes: &[u8], table: &str) -> Vec<Ins> {
    let Ok(text) = bytecode::disassemble(bytes) else {
        return Vec::new();
    };
    let mut inside = false;
    let mut out = Vec::new();
    for l in text.lines() {
        if let Some(name) = l.strip_prefix("table ") {
            inside = name == table;
            continue;
        }
        let Some(rest) = l.strip_prefix("  ").filter(|_| inside) else {
            continue;
        };
        let Some((num, body)) = rest.split_once("  ") else {
            continue;
        };
        let Ok(pc) = num.parse::<usize>() else {
            continue;
        };
        let trimmed = body.trim_start();
        out.push(Ins {
            pc,
            depth: (body.len() - trimmed.len()) / 2,
            text: trimmed.to_owned(),
        });
    }
    out
}

fn slot_of(r: &Reason) -> Option<Slot> {
    match r {
        Reason::Granted(s) | Reason::ClauseFalse(s) | Reason::AbsentSlot(s) => Some(*s),
        _ => None,
    }
}

/// `file:line:col` and the trimmed source line of a byte offset in a project file.
fn location(root: &Path, path: &str, start: u32) -> (String, String) {
    let Ok(text) = std::fs::read_to_string(root.join(path)) else {
        return (format!("{path}:?"), String::new());
    };
    let at = (start as usize).min(text.len());
    let before = text.get(..at).unwrap_or("");
    let line = before.matches('\n').count();
    let col = before.rsplit('\n').next().unwrap_or("").chars().count();
    let src = text.lines().nth(line).unwrap_or("").trim().to_owned();
    (format!("{path}:{}:{}", line + 1, col + 1), src)
}

fn val_text(v: V<'_>) -> String {
    match v {
        V::Null => "null".into(),
        V::Text(t) => format!("{t:?}"),
        V::Uuid(u) => format!("{:?}", format_uuid(&u)),
        V::Integer(i) => i.to_string(),
        V::BigInt(i) => i.to_string(),
        V::Double(d) => d.to_string(),
        V::Boolean(b) => b.to_string(),
        V::Timestamp(t) => format!("Timestamp({t})"),
        other => format!("{other:?}"),
    }
}

/// The value of one symbolic operand of a leaf, when it names the decided row or the session.
fn resolve(c: &Ctx, row: Option<&Row>, outer_table: bool, token: &str) -> Option<String> {
    if let Some(path) = token.strip_prefix("session.") {
        let b = &c.program.bundle;
        let i = b.raw_paths.iter().position(|p| p.join(".") == path)?;
        return Some(match c.session.and_then(|s| s.resolve(b.paths.get(i)?)) {
            Some(v) => val_text(v),
            None => "absent".into(),
        });
    }
    if !outer_table {
        return None;
    }
    let row = row?;
    let t = &c.program.bundle.tables[c.program.bundle.table_index(c.table)?];
    if let Some(ci) = t.cols.iter().position(|col| col.name == token) {
        return row.values.get(ci).map(|v| val_text(V::from(v)));
    }
    let text = |s: &str| format!("{s:?}");
    match MAGIC_COLUMNS.iter().position(|m| *m == token)? {
        0 => Some(text(&row.created_by)),
        1 => Some(format!("Timestamp({})", row.created_at)),
        2 => Some(text(&row.updated_by)),
        _ => Some(format!("Timestamp({})", row.updated_at)),
    }
}

/// The trace of `d` as indented text lines and JSON. `row` is the row the deciding slot saw
/// (the old row for `update.using`, the new one for `update.with_check`).
pub fn explain(c: &Ctx, d: &Decision, row: Option<&Row>) -> (Vec<String>, J) {
    let Some(slot) = slot_of(&d.reason) else {
        return (Vec::new(), J::Null);
    };
    let mut lines = vec![format!("slot: {}", slot.name())];
    let mut j = json!({"slot": slot.name()});
    let b = &c.program.bundle;
    let Some(ti) = b.table_index(c.table) else {
        return (lines, j);
    };
    let entry = b.tables[ti].entries.get(slot.index()).copied();
    let list = listing(c.bytes, c.table);
    // The slot's expression: from its entry line to the next line at depth 0.
    let start = list.iter().position(|i| Some(i.pc as u32) == entry);
    let expr: &[Ins] = match start {
        Some(s) => {
            let end = list[s + 1..]
                .iter()
                .position(|i| i.depth == 0)
                .map_or(list.len(), |n| s + 1 + n);
            &list[s..end]
        }
        None => &[],
    };
    let in_expr = |pc: usize| expr.iter().any(|i| i.pc == pc);
    let leaves: Vec<&(usize, &str, bool)> = d.trace.iter().filter(|t| in_expr(t.0)).collect();
    match &d.reason {
        Reason::Granted(_) => {
            let rules: Vec<_> = b
                .debug
                .iter()
                .filter(|r| r.table as usize == ti && r.slots & (1 << slot.index()) != 0)
                .collect();
            // Top-level `or`: one branch per rule, in rule order; the granting branch is the
            // last one the VM entered (it stops at the first true branch).
            let branches: Vec<usize> = match expr.first() {
                Some(top) if top.text.starts_with("or ") => {
                    expr.iter().filter(|i| i.depth == 1).map(|i| i.pc).collect()
                }
                Some(top) => vec![top.pc],
                None => Vec::new(),
            };
            let branch_of = |pc: usize| branches.iter().rposition(|b| *b <= pc);
            let granting = match leaves.last() {
                None => Some(0),
                Some(l) => branch_of(l.0).map(|n| if l.2 { n } else { n + 1 }),
            };
            let rule = match granting {
                Some(n) if rules.len() == branches.len() => rules.get(n).copied(),
                _ if rules.len() == 1 => rules.first().copied(),
                _ => None,
            };
            match rule {
                Some(r) => {
                    let (loc, src) = location(c.root, &r.path, r.start);
                    lines.push(format!("granted by {loc}: {src}"));
                    j["granted_by"] = json!({"location": loc, "source": src});
                }
                None if b.debug.is_empty() => {
                    lines.push("granted by: (no debug section in the bytecode)".into());
                }
                None => {
                    let locs: Vec<String> = rules
                        .iter()
                        .map(|r| location(c.root, &r.path, r.start).0)
                        .collect();
                    lines.push(format!("granted by one of: {}", locs.join(", ")));
                    j["granted_by"] = json!({"candidates": locs});
                }
            }
        }
        Reason::ClauseFalse(_) => {
            let Some(leaf) = leaves.iter().find(|l| !l.2) else {
                lines.push("no false leaf (the clause has no conditions)".into());
                return (lines, j);
            };
            let Some(k) = expr.iter().position(|i| i.pc == leaf.0) else {
                return (lines, j);
            };
            let ins = &expr[k];
            // Inside `exists`/`inherits` columns name another table's rows: not resolved.
            let mut depth = ins.depth;
            let mut outer_table = true;
            for a in expr[..k].iter().rev() {
                if a.depth < depth {
                    depth = a.depth;
                    if !(a.text.starts_with("and ")
                        || a.text.starts_with("or ")
                        || a.text.starts_with("not"))
                    {
                        outer_table = false;
                    }
                }
            }
            let mut values = serde_json::Map::new();
            let mut shown = Vec::new();
            for tok in ins.text.split_whitespace().skip(1) {
                if values.contains_key(tok) {
                    continue;
                }
                if let Some(v) = resolve(c, row, outer_table, tok) {
                    shown.push(format!("{tok} = {v}"));
                    values.insert(tok.to_owned(), J::String(v));
                }
            }
            let text = ins.text.split_whitespace().collect::<Vec<_>>().join(" ");
            let vals = if shown.is_empty() {
                String::new()
            } else {
                format!(" ({})", shown.join(", "))
            };
            lines.push(format!("first false leaf: @{:04} {text}{vals}", ins.pc));
            j["first_false_leaf"] = json!({"pc": ins.pc, "instruction": text, "values": values});
        }
        _ => {}
    }
    (lines, j)
}
