//! `jazz permissions test`: runs every expectation of the TOML test files
//! against the policy VM in Enforcing mode over an in-memory store; one line per expectation,
//! then `N passed, N failed`. Exit 0 iff nothing failed and no JZ25xx error occurred; exit 1
//! otherwise, including when there is no test file at all (JZ2500).
//!
//! - `file.rs`: the file format; `values.rs`: TOML values by column type.

mod file;
mod trace;
mod values;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jazz_schema_compiler::diagnostics::{Code, Diagnostic};
use jazz_schema_compiler::policy::codes;
use jazz_schema_compiler::policy::ir::Slot;
use jazz_schema_compiler::policy::vm::{
    self, Decision, MemoryData, Options, Program, Reason, Request, Row, Session, Val, format_uuid,
};
use jazz_schema_compiler::schema::WasmSchema;
use jazz_schema_compiler::source::{SourceDb, Span};
use serde_json::json;
use toml::Value as T;

use super::{Compiled, compiled};
use crate::args::PermissionsTestArgs;
use crate::commands::{Context, Outcome};
use file::{Problem, TestFile};

/// One expectation's outcome.
struct Ran {
    name: String,
    ok: bool,
    detail: Vec<String>,
    /// The failure traces, one per decision shown.
    trace: Vec<serde_json::Value>,
}

pub fn run(ctx: &mut Context, args: &PermissionsTestArgs) -> anyhow::Result<Outcome> {
    let root = ctx.root(&args.project);
    let c = match compiled(ctx, &root) {
        Ok(c) => c,
        Err(o) => return Ok(o),
    };
    let bytes = match &args.bytecode {
        Some(p) => match std::fs::read(crate::paths::resolve(&ctx.cwd, p)) {
            Ok(b) => b,
            Err(e) => {
                ctx.out.error(&format!("cannot read {}: {e}", p.display()));
                return Ok(Outcome::failed(serde_json::Value::Null));
            }
        },
        None => c.bytes.clone(),
    };
    let program = match Program::load(&bytes) {
        Ok(p) => p,
        Err(e) => {
            ctx.out.error(&format!("error[{}]: {e}", e.code()));
            return Ok(Outcome::failed(serde_json::Value::Null));
        }
    };
    let files = if args.files.is_empty() {
        default_files(&c)
    } else {
        args.files
            .iter()
            .map(|f| crate::paths::resolve(&ctx.cwd, f))
            .collect()
    };
    let Some(schema) = c.analysis.schema.as_deref() else {
        return Ok(Outcome::failed(serde_json::Value::Null));
    };
    if files.is_empty() {
        return Ok(no_test_files(ctx, &c, &root));
    }
    let (mut passed, mut failed, mut problems) = (0usize, 0usize, 0usize);
    let mut results = Vec::new();
    for f in &files {
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                let message = format!("cannot read {}: {e}", f.display());
                if ctx.out.is_ci() {
                    let d = Diagnostic::new(codes::TEST_FILE, message);
                    ctx.out.diagnostics(&[d], &SourceDb::new(), &root);
                } else {
                    ctx.out.error(&format!("error[JZ2501]: {message}"));
                }
                problems += 1;
                continue;
            }
        };
        let mut db = SourceDb::new();
        let file_id = db.add(f.clone(), text.as_str().into());
        let tf = match file::parse(&text, schema) {
            Ok(tf) => tf,
            Err(p) => {
                if ctx.out.is_ci() {
                    // An annotation on the file: GitHub and SARIF viewers show it there.
                    let d = Diagnostic::new(Code(p.code), p.message).at(Span::new(file_id, 0, 0));
                    ctx.out.diagnostics(&[d], &db, &root);
                } else {
                    ctx.out.error(&format!(
                        "error[JZ{}]: {}: {}",
                        p.code,
                        f.display(),
                        p.message
                    ));
                }
                problems += 1;
                continue;
            }
        };
        let spans = if ctx.out.is_ci() {
            file::expect_spans(&text)
        } else {
            Vec::new()
        };
        ctx.out.result(&format!("{}", f.display()));
        for (i, e) in tf.expects.iter().enumerate() {
            let name = e
                .get("name")
                .and_then(T::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("expectation {}", i + 1));
            if let Some(filter) = &args.filter
                && !name.contains(filter.as_str())
            {
                continue;
            }
            let tc = trace::Ctx {
                program: &program,
                bytes: &bytes,
                root: &root,
                table: "",
                session: None,
            };
            let mut problem = None;
            let r = match expectation(tc, schema, &tf, e, &name) {
                Ok(r) => r,
                Err(p) => {
                    problems += 1;
                    let detail = vec![format!("error[JZ{}]: {}", p.code, p.message)];
                    problem = Some(p);
                    Ran {
                        name,
                        ok: false,
                        detail,
                        trace: Vec::new(),
                    }
                }
            };
            if r.ok {
                passed += 1;
                ctx.out.result(&format!("  ✓ {}", r.name));
            } else {
                failed += 1;
                ctx.out.result(&format!("  ✗ {}", r.name));
                for d in &r.detail {
                    ctx.out.result(&format!("      {d}"));
                }
            }
            if !r.ok && ctx.out.is_ci() {
                let mut d = match problem {
                    Some(p) => Diagnostic::new(Code(p.code), format!("{}: {}", r.name, p.message)),
                    None => {
                        let mut d = Diagnostic::new(
                            codes::TEST_FAILED,
                            format!("policy test \"{}\" failed", r.name),
                        );
                        for line in &r.detail {
                            d = d.note(line.trim());
                        }
                        d
                    }
                };
                if let Some(range) = spans.get(i) {
                    let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
                    d = d.at(Span::new(file_id, at(range.start), at(range.end)));
                }
                ctx.out.diagnostics(&[d], &db, &root);
            }
            results.push(json!({"file": f.display().to_string(), "name": r.name, "ok": r.ok, "detail": r.detail, "trace": r.trace}));
        }
    }
    ctx.out.result(&format!("{passed} passed, {failed} failed"));
    let result = json!({"passed": passed, "failed": failed, "results": results});
    if failed > 0 || problems > 0 {
        Ok(Outcome::failed(result))
    } else {
        Ok(Outcome::ok(result))
    }
}

/// The folder the default test files live in: beside permissions.ts (else schema.ts).
fn tests_dir(c: &Compiled) -> PathBuf {
    c.analysis
        .permissions_file
        .as_deref()
        .or(c.analysis.schema_file.as_deref())
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// No test file given and none at the default places: JZ2500, exit 1, and nothing run (no
/// `0 passed, 0 failed` line that could pass for a result).
fn no_test_files(ctx: &mut Context, c: &Compiled, root: &Path) -> Outcome {
    let dir = tests_dir(c);
    let main = dir.join("permissions.test.toml");
    let more = dir.join("permissions.tests");
    let d = Diagnostic::new(
        jazz_schema_compiler::policy::codes::TEST_NO_FILES,
        format!(
            "no policy tests to run: found neither {} nor {}/*.toml",
            main.display(),
            more.display()
        ),
    )
    .help(format!(
        "create {} (`version = 1`, then [sessions.<name>], [[seed.<table>]] and [[expect]] entries; see \"Testing permissions\" in the README), or pass test files as arguments",
        main.display()
    ));
    ctx.out.diagnostics(&[d], &SourceDb::new(), root);
    Outcome::failed(json!({"passed": 0, "failed": 0, "results": []}))
}

fn default_files(c: &Compiled) -> Vec<PathBuf> {
    let dir = tests_dir(c);
    let mut out = Vec::new();
    let main = dir.join("permissions.test.toml");
    if main.is_file() {
        out.push(main);
    }
    if let Ok(rd) = std::fs::read_dir(dir.join("permissions.tests")) {
        let mut more: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        more.sort();
        out.extend(more);
    }
    out
}

fn bad(code: u16, m: impl Into<String>) -> Problem {
    Problem {
        code,
        message: m.into(),
    }
}

fn row_ref(tf: &TestFile, e: &toml::Table, key: &str) -> Result<[u8; 16], Problem> {
    let s = e
        .get(key)
        .and_then(T::as_str)
        .ok_or_else(|| bad(2506, format!("`{key}` (a row id) is required")))?;
    if s.starts_with('@') && !tf.symbols.contains_key(s) {
        return Err(bad(2504, format!("unknown symbolic id `{s}`")));
    }
    values::uuid_of(s).ok_or_else(|| bad(2504, format!("`{s}` is not a UUID or @symbol")))
}

fn find<'a>(tf: &'a TestFile, table: &str, id: &[u8; 16]) -> Result<&'a Row, Problem> {
    tf.data
        .rows(table)
        .iter()
        .find(|r| &r.id == id)
        .ok_or_else(|| bad(2504, format!("no seeded `{table}` row with that id")))
}

fn show_id(tf: &TestFile, id: &[u8; 16]) -> String {
    match tf.symbols.iter().find(|(_, v)| *v == id) {
        Some((s, _)) => format!("{s} ({})", format_uuid(id)),
        None => format_uuid(id),
    }
}

fn reason_word(d: &Decision) -> &'static str {
    match d.reason {
        Reason::AnonymousWrite => "anonymous",
        Reason::AbsentSlot(_) => "no-policy",
        _ => "policy",
    }
}

fn expectation(
    tc: trace::Ctx,
    schema: &WasmSchema,
    tf: &TestFile,
    e: &toml::Table,
    name: &str,
) -> Result<Ran, Problem> {
    let who = e
        .get("as")
        .and_then(T::as_str)
        .ok_or_else(|| bad(2506, "`as` is required"))?;
    let session: Option<&Session> = if who == "$backend" {
        None
    } else {
        Some(
            tf.sessions
                .get(who)
                .ok_or_else(|| bad(2504, format!("unknown session `{who}`")))?,
        )
    };
    let ops: Vec<&str> = ["read", "insert", "update", "delete", "can"]
        .into_iter()
        .filter(|k| e.contains_key(*k))
        .collect();
    let [op] = ops.as_slice() else {
        return Err(bad(
            2506,
            "exactly one of read/insert/update/delete/can is required",
        ));
    };
    let table = match *op {
        "can" => e.get("table").and_then(T::as_str),
        o => e.get(o).and_then(T::as_str),
    }
    .ok_or_else(|| bad(2506, "the operation needs a table name"))?;
    if schema.table(table).is_none() {
        return Err(bad(2502, format!("unknown table `{table}`")));
    }
    let p = tc.program;
    let tc = trace::Ctx {
        table,
        session,
        ..tc
    };
    let opts = Options {
        trace: true,
        ..Options::default()
    };
    let mut ran = Ran {
        name: name.to_owned(),
        ok: true,
        detail: Vec::new(),
        trace: Vec::new(),
    };
    if *op == "read" {
        let filter = match e.get("where") {
            Some(T::Table(w)) => Some(w.clone()),
            _ => None,
        };
        let mut visible = Vec::new();
        for r in tf.data.rows(table) {
            if let Some(w) = &filter {
                let mut keep = true;
                for (k, v) in w {
                    let st = schema.table(table).ok_or_else(|| bad(2502, "table"))?;
                    let Some(ci) = st.columns.iter().position(|c| &c.name == k) else {
                        return Err(bad(2502, format!("unknown column `{table}.{k}`")));
                    };
                    let want = st
                        .columns
                        .get(ci)
                        .map(|c| values::convert(v, &c.column_type))
                        .transpose()
                        .map_err(|m| bad(2503, m))?;
                    if r.values.get(ci) != want.as_ref() {
                        keep = false;
                    }
                }
                if !keep {
                    continue;
                }
            }
            let quiet = Options::default();
            if vm::decide(p, table, Request::Read(r), session, &tf.data, quiet).allowed {
                visible.push(r.id);
            }
        }
        let ids = |key: &str| -> Result<Option<Vec<[u8; 16]>>, Problem> {
            match e.get(key) {
                None => Ok(None),
                Some(T::Array(items)) => items
                    .iter()
                    .map(|i| {
                        i.as_str()
                            .and_then(values::uuid_of)
                            .ok_or_else(|| bad(2504, format!("`{key}` holds row ids")))
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(Some),
                Some(_) => Err(bad(2506, format!("`{key}` must be an array"))),
            }
        };
        let (rows, inc, exc) = (ids("rows")?, ids("includes")?, ids("excludes")?);
        if rows.is_none() && inc.is_none() && exc.is_none() {
            return Err(bad(2506, "a read needs `rows`, `includes` or `excludes`"));
        }
        if let Some(want) = &rows {
            let mut a = want.clone();
            let mut b = visible.clone();
            a.sort();
            b.sort();
            if a != b {
                ran.ok = false;
            }
        }
        if let Some(inc) = &inc {
            ran.ok &= inc.iter().all(|i| visible.contains(i));
        }
        if let Some(exc) = &exc {
            ran.ok &= exc.iter().all(|i| !visible.contains(i));
        }
        if !ran.ok {
            let list = |ids: &[[u8; 16]]| {
                let v: Vec<String> = ids.iter().map(|i| show_id(tf, i)).collect();
                format!("[{}]", v.join(", "))
            };
            ran.detail.push(format!("visible rows: {}", list(&visible)));
            for (label, ids) in [
                ("expected rows", &rows),
                ("expected to include", &inc),
                ("expected to exclude", &exc),
            ] {
                if let Some(ids) = ids {
                    ran.detail.push(format!("{label}: {}", list(ids)));
                }
            }
            // A trace for every row on the wrong side: wanted but hidden, or shown but unwanted.
            let wanted = |id: &[u8; 16]| {
                rows.as_ref().is_some_and(|r| r.contains(id))
                    || inc.as_ref().is_some_and(|r| r.contains(id))
            };
            let unwanted = |id: &[u8; 16]| {
                rows.as_ref().is_some_and(|r| !r.contains(id))
                    || exc.as_ref().is_some_and(|r| r.contains(id))
            };
            for r in tf.data.rows(table) {
                let seen = visible.contains(&r.id);
                if seen && !unwanted(&r.id) || !seen && !wanted(&r.id) {
                    continue;
                }
                let d = vm::decide(p, table, Request::Read(r), session, &tf.data, opts);
                let (lines, mut j) = trace::explain(&tc, &d, Some(r));
                let word = if d.allowed { "visible" } else { "hidden" };
                ran.detail.push(format!("{}: {word}", show_id(tf, &r.id)));
                ran.detail
                    .extend(lines.into_iter().map(|l| format!("  {l}")));
                if j.is_object() {
                    j["row"] = json!(show_id(tf, &r.id));
                }
                ran.trace.push(j);
            }
        }
        return Ok(ran);
    }
    let allowed = e
        .get("allowed")
        .and_then(T::as_bool)
        .ok_or_else(|| bad(2506, "`allowed = true|false` is required"))?;
    let writer = session
        .map(|s| s.user_id.clone())
        .unwrap_or_else(|| "jazz:system".into());
    let now_us = tf.now_ms.saturating_mul(1000);
    let mut syms = tf.symbols.clone();
    let new_row;
    let seen: Option<&Row>;
    let decision = match *op {
        "insert" => {
            let v = match e.get("values") {
                Some(T::Table(t)) => t.clone(),
                _ => toml::Table::new(),
            };
            let mut r = file::build_row(schema, table, &v, tf.now_ms, None, &mut syms)?;
            r.created_by = writer.clone();
            r.created_at = now_us;
            r.updated_by = writer;
            r.updated_at = now_us;
            new_row = r;
            seen = Some(&new_row);
            vm::decide(p, table, Request::Insert(&new_row), session, &tf.data, opts)
        }
        "update" => {
            let id = row_ref(tf, e, "row")?;
            let old = find(tf, table, &id)?;
            let mut r = old.clone();
            let st = schema.table(table).ok_or_else(|| bad(2502, "table"))?;
            if let Some(T::Table(set)) = e.get("set") {
                for (k, v) in set {
                    let Some(ci) = st.columns.iter().position(|c| &c.name == k) else {
                        return Err(bad(2502, format!("unknown column `{table}.{k}`")));
                    };
                    let ty = st
                        .columns
                        .get(ci)
                        .map(|c| c.column_type.clone())
                        .ok_or_else(|| bad(2502, "column"))?;
                    let val = values::convert(v, &ty).map_err(|m| bad(2503, m))?;
                    if let Some(slot) = r.values.get_mut(ci) {
                        *slot = val;
                    }
                }
            }
            if let Some(T::Array(unset)) = e.get("unset") {
                for u in unset {
                    let k = u.as_str().unwrap_or("");
                    let Some(ci) = st.columns.iter().position(|c| c.name == k) else {
                        return Err(bad(2502, format!("unknown column `{table}.{k}`")));
                    };
                    if let Some(slot) = r.values.get_mut(ci) {
                        *slot = Val::Null;
                    }
                }
            }
            r.updated_by = writer;
            r.updated_at = now_us;
            new_row = r;
            let d = vm::decide(
                p,
                table,
                Request::Update { old, new: &new_row },
                session,
                &tf.data,
                opts,
            );
            seen = Some(match d.reason {
                Reason::Granted(Slot::UpdateCheck) | Reason::ClauseFalse(Slot::UpdateCheck) => {
                    &new_row
                }
                _ => old,
            });
            d
        }
        "delete" => {
            let id = row_ref(tf, e, "row")?;
            let r = find(tf, table, &id)?;
            seen = Some(r);
            vm::decide(p, table, Request::Delete(r), session, &tf.data, opts)
        }
        _ => {
            let id = row_ref(tf, e, "row")?;
            let r = find(tf, table, &id)?;
            let what = e.get("can").and_then(T::as_str).unwrap_or("read");
            let got = vm::can(p, table, what, r, session, &tf.data);
            let ok = got == Some(allowed);
            if !ok {
                ran.ok = false;
                ran.detail
                    .push(format!("${what}: got {got:?}, expected {allowed}"));
            }
            return Ok(ran);
        }
    };
    let reason = e.get("reason").and_then(T::as_str);
    ran.ok = decision.allowed == allowed
        && (allowed || reason.is_none_or(|r| r == reason_word(&decision)));
    if !ran.ok {
        // The reason word classifies denials only.
        let got = if decision.allowed {
            format!("allowed ({:?})", decision.reason)
        } else {
            format!(
                "denied ({:?}, reason `{}`)",
                decision.reason,
                reason_word(&decision)
            )
        };
        ran.detail.push(format!(
            "decision: {got}; expected allowed = {allowed}{}",
            reason
                .map(|r| format!(", reason = {r}"))
                .unwrap_or_default()
        ));
        let (lines, j) = trace::explain(&tc, &decision, seen);
        ran.detail.extend(lines);
        ran.trace.push(j);
    }
    Ok(ran)
}

/// An evaluation trace for `explain --session/--row` (data in the test-file format).
pub fn trace(
    c: &Compiled,
    table: &str,
    op: &str,
    session: Option<&str>,
    row: Option<&str>,
    data: Option<&Path>,
    cwd: &Path,
) -> Result<(Decision, Vec<String>), String> {
    let schema = c.analysis.schema.as_deref().ok_or("no schema")?;
    let program = Program::load(&c.bytes).map_err(|e| e.to_string())?;
    let seed = match data {
        Some(p) => {
            std::fs::read_to_string(crate::paths::resolve(cwd, p)).map_err(|e| e.to_string())?
        }
        None => "version = 1\n".into(),
    };
    let tf = file::parse(&seed, schema).map_err(|p| format!("JZ{}: {}", p.code, p.message))?;
    let sess = match session {
        Some(j) => {
            let v: serde_json::Value =
                serde_json::from_str(j).map_err(|e| format!("--session: {e}"))?;
            let t: toml::Value =
                serde_json::from_value(v).map_err(|e| format!("--session: {e}"))?;
            let text = format!(
                "version = 1\n[sessions.s]\n{}",
                toml::to_string(&t).map_err(|e| e.to_string())?
            );
            let f = file::parse(&text, schema).map_err(|p| p.message)?;
            f.sessions.get("s").cloned()
        }
        None => None,
    };
    let row_toml: toml::Table = match row {
        Some(j) => {
            let v: serde_json::Value =
                serde_json::from_str(j).map_err(|e| format!("--row: {e}"))?;
            serde_json::from_value(v).map_err(|e| format!("--row: {e}"))?
        }
        None => toml::Table::new(),
    };
    let mut syms = BTreeMap::new();
    let r = file::build_row(schema, table, &row_toml, tf.now_ms, Some(0), &mut syms)
        .map_err(|p| p.message)?;
    let req = match op {
        "insert" => Request::Insert(&r),
        "update" => Request::Update { old: &r, new: &r },
        "delete" => Request::Delete(&r),
        _ => Request::Read(&r),
    };
    let opts = Options {
        trace: true,
        ..Options::default()
    };
    let d = vm::decide(&program, table, req, sess.as_ref(), &tf.data, opts);
    let lines = d
        .trace
        .iter()
        .map(|(pc, name, r)| format!("@{pc:04} {name:<12} {r}"))
        .collect();
    let _ = MemoryData::new();
    Ok((d, lines))
}
