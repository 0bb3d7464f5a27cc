//! `jazz migrations create`: compare the
//! latest committed snapshot (or `--fromHash`) with the current schema (or `--toHash`), and
//! write the initial snapshot, nothing, a snapshot only, or a stub plus a snapshot. `--check`
//! writes nothing and reports what it would write.

use std::fs;
use std::path::PathBuf;

use anyhow::Context as _;
use jazz_schema_compiler::diagnostics::Diagnostic;
use jazz_schema_compiler::migrations::codes;
use jazz_schema_compiler::migrations::plan::{
    CreatePlan, Inputs, Version as PlanVersion, plan_create, plan_edge,
};
use jazz_schema_compiler::schema::{SchemaHash, WasmSchema, schema_hash};
use jazz_schema_compiler::source::SourceDb;
use serde_json::json;

use crate::args::MigrationsCreateArgs;
use crate::commands::{Context, Outcome, no_schema, report, shown};
use crate::connection::Settings;
use crate::store::{Store, Version, migration_file_names, now_ms, resolve};

struct Run {
    dry: bool,
    written: Vec<PathBuf>,
    pending: Vec<(String, PathBuf)>,
}

impl Run {
    /// Records a snapshot written (or pending) for the report.
    fn snapshot(&mut self, path: Option<PathBuf>) {
        if let Some(p) = path {
            if self.dry {
                self.pending.push(("would write snapshot".into(), p));
            } else {
                self.written.push(p);
            }
        }
    }
}

/// An outcome line; `--check` prints `Pending:` lines instead.
fn say(ctx: &Context, check: bool, line: &str) {
    if !check {
        ctx.out.info(line);
    }
}

fn fail(ctx: &mut Context, message: &str) -> Outcome {
    ctx.out.error(message);
    Outcome::failed(serde_json::Value::Null)
}

fn coded(ctx: &mut Context, d: Diagnostic) -> Outcome {
    ctx.out
        .diagnostics(&[d], &SourceDb::new(), &ctx.cwd.clone());
    Outcome::failed(serde_json::Value::Null)
}

pub fn run(ctx: &mut Context, a: &MigrationsCreateArgs) -> anyhow::Result<Outcome> {
    let migrations_dir = ctx.migrations_dir(&a.migrations, &a.project);
    if !a.check {
        fs::create_dir_all(&migrations_dir)
            .with_context(|| format!("cannot create {}", shown(&migrations_dir)))?;
    }
    let root = ctx.root(&a.project);
    let settings = Settings::resolve(ctx, a.app_id.as_deref(), &a.server, &root);
    let app_shown = settings.app_id.clone().unwrap_or_else(|| "<appId>".into());
    let started = now_ms();
    let mut store = Store::load(ctx, &migrations_dir)?;
    let mut run = Run {
        dry: a.check,
        written: Vec::new(),
        pending: Vec::new(),
    };

    let current: Option<WasmSchema> = if a.to_hash.is_none() {
        let root = ctx.root(&a.project);
        let analysis = ctx.analyze(&root);
        report(ctx, &analysis, &root);
        let Some(schema) = analysis.valid_schema() else {
            no_schema(ctx, &analysis);
            return Ok(Outcome::failed(serde_json::Value::Null));
        };
        Some(schema.clone())
    } else {
        None
    };

    let existing = migration_file_names(&store.migrations_dir)?;
    let explicit = a.from_hash.is_some() || a.to_hash.is_some();
    // The plan is the library's (`migrations::plan`, shared with the editor's "Create
    // migration"); this function resolves the edge and writes what the plan says.
    let snapshots = store.snapshots.clone();
    let inputs = Inputs {
        snapshots: &snapshots,
        migration_files: &existing,
        now_ms: started,
        name: a.name.as_deref(),
    };
    let plan = if !explicit {
        let Some(schema) = &current else {
            return Ok(fail(ctx, "internal error: no current schema"));
        };
        plan_create(schema, inputs)
    } else {
        let from = match &a.from_hash {
            Some(h) => match resolve(ctx, &store, &settings, "fromHash", h) {
                Ok(v) => v,
                Err(m) => return Ok(fail(ctx, &m)),
            },
            None => match store.latest() {
                Some(l) => Version {
                    hash: l.hash,
                    schema: l.schema.clone(),
                    fetched: None,
                },
                None => {
                    let cli = ctx.cli.clone();
                    return Ok(fail(
                        ctx,
                        &format!(
                            "No committed snapshot found. Provide --fromHash or run `{cli} migrations create` once to create an initial snapshot."
                        ),
                    ));
                }
            },
        };
        store_fetched(&mut store, &mut run, &from)?;
        let to = match (&a.to_hash, current) {
            (Some(h), _) => match resolve(ctx, &store, &settings, "toHash", h) {
                Ok(v) => v,
                Err(m) => return Ok(fail(ctx, &m)),
            },
            (None, Some(schema)) => Version {
                hash: schema_hash(&schema),
                schema,
                fetched: None,
            },
            (None, None) => return Ok(fail(ctx, "internal error: no current schema")),
        };
        store_fetched(&mut store, &mut run, &to)?;
        let snapshots = store.snapshots.clone();
        plan_edge(
            PlanVersion {
                schema: &from.schema,
                hash: from.hash,
            },
            PlanVersion {
                schema: &to.schema,
                hash: to.hash,
            },
            a.to_hash.is_none(),
            Inputs {
                snapshots: &snapshots,
                ..inputs
            },
        )
    };

    let cli = ctx.cli.clone();
    let push_line = |from: &SchemaHash, to: &SchemaHash| {
        format!(
            "{cli} migrations push {app_shown} {} {}",
            from.short(),
            to.short()
        )
    };
    match plan {
        CreatePlan::Initial { hash, snapshot } => {
            let p = store.write_planned(&snapshot, a.check)?;
            run.snapshot(Some(p.clone()));
            say(
                ctx,
                a.check,
                &format!("Wrote initial schema snapshot: {}", shown(&p)),
            );
            say(
                ctx,
                a.check,
                "No migration created because there was no previous local schema baseline.",
            );
            Ok(finish(ctx, a, run, "initial-snapshot", None, Some(&hash)))
        }
        CreatePlan::Unchanged { hash } => {
            ctx.out.info("No structural schema changes detected.");
            Ok(finish(ctx, a, run, "unchanged", Some(&hash), Some(&hash)))
        }
        CreatePlan::NotRequired { from, to, snapshot } => {
            if let Some(s) = &snapshot {
                let p = store.write_planned(s, a.check)?;
                run.snapshot(Some(p));
            }
            say(
                ctx,
                a.check,
                "No reviewed migration file needed because this schema change does not require row transformations.",
            );
            say(
                ctx,
                a.check,
                &format!("Next step: Run {}", push_line(&from, &to)),
            );
            Ok(finish(
                ctx,
                a,
                run,
                "migration-not-required",
                Some(&from),
                Some(&to),
            ))
        }
        CreatePlan::Failed(d) => Ok(coded(ctx, d)),
        CreatePlan::Generate {
            from,
            to,
            stub,
            snapshot,
            warnings,
            ..
        } => {
            let path = store.migrations_dir.join(&stub.file_name);
            if path.exists() {
                let m = format!("Migration stub already exists: {}", shown(&path));
                return Ok(coded(
                    ctx,
                    Diagnostic::new(codes::STUB_EXISTS, m.clone()).upstream(m),
                ));
            }
            ctx.out
                .diagnostics(&warnings, &SourceDb::new(), &store.migrations_dir.clone());
            if a.check {
                run.pending.push(("would generate".into(), path.clone()));
            } else {
                fs::write(&path, &stub.text)
                    .with_context(|| format!("cannot write {}", shown(&path)))?;
                run.written.push(path.clone());
            }
            if let Some(s) = &snapshot {
                let p = store.write_planned(s, a.check)?;
                run.snapshot(Some(p));
            }
            say(ctx, a.check, &format!("Generated: {}", shown(&path)));
            say(ctx, a.check, "");
            say(
                ctx,
                a.check,
                "Migration stubs are only for structural schema changes.",
            );
            say(
                ctx,
                a.check,
                "Permission-only changes do not create schema hashes or require migrations.",
            );
            say(ctx, a.check, "");
            say(ctx, a.check, "Next steps:");
            say(ctx, a.check, "1. Fill in migrate.");
            if a.name.is_none() {
                say(ctx, a.check, "2. Rename the file by replacing 'unnamed'.");
            }
            let n = if a.name.is_none() { 3 } else { 2 };
            say(ctx, a.check, &format!("{n}. Run {}", push_line(&from, &to)));
            Ok(finish(ctx, a, run, "generated", Some(&from), Some(&to)))
        }
    }
}

/// Writes (or, with `--check`, records as pending) the snapshot of a server-fetched schema.
fn store_fetched(store: &mut Store, run: &mut Run, v: &Version) -> anyhow::Result<()> {
    if let Some((text, ms)) = &v.fetched {
        let path = store.ensure_committed(&v.schema, &v.hash, text, *ms, run.dry)?;
        run.snapshot(path);
    }
    Ok(())
}

fn finish(
    ctx: &mut Context,
    a: &MigrationsCreateArgs,
    run: Run,
    status: &str,
    from: Option<&SchemaHash>,
    to: Option<&SchemaHash>,
) -> Outcome {
    for (what, p) in &run.pending {
        ctx.out.result(&format!("Pending: {what} {}", shown(p)));
    }
    let changed = status != "unchanged";
    let exit_code = if changed && a.exit_code {
        3
    } else if changed && a.check {
        1
    } else {
        0
    };
    let result = json!({
        "status": status,
        "from_hash": from.map(SchemaHash::to_hex),
        "to_hash": to.map(SchemaHash::to_hex),
        "written": run.written.iter().map(|p| shown(p)).collect::<Vec<_>>(),
        "pending": run.pending.iter().map(|(_, p)| shown(p)).collect::<Vec<_>>(),
    });
    Outcome {
        exit_code,
        ..Outcome::ok(result)
    }
}
