//! `jazz validate`: compile and check the project, print upstream's
//! lines, every diagnostic, and a count when something is wrong. Writes nothing.

use jazz_schema_compiler::diagnostics::count;
use serde_json::json;

use super::{Context, Outcome, no_schema, report, shown};
use crate::args::ValidateArgs;
use jazz_schema_compiler::schema::schema_hash;

pub fn run(ctx: &mut Context, args: &ValidateArgs) -> anyhow::Result<Outcome> {
    let root = ctx.root(&args.project);
    // `process.env` in permissions.ts reads --define › environment › env files.
    let dir = (!args.no_migrations).then(|| ctx.migrations_dir(&args.migrations, &args.project));
    let analysis = ctx.analyze_with(&root, dir.as_deref());
    let schema_ok = analysis.valid_schema_ignoring_migrations().is_some();

    let schema = if schema_ok {
        analysis.schema.as_deref()
    } else {
        None
    };
    if let (Some(_), Some(file)) = (schema, &analysis.schema_file) {
        ctx.out
            .info(&format!("Loaded structural schema from {}.", shown(file)));
        if let Some(perms) = &analysis.permissions_file {
            let cli = &ctx.cli;
            ctx.out.info(&format!(
                "Loaded current permissions from {}.",
                shown(perms)
            ));
            ctx.out
                .info("Permission-only changes do not create schema hashes or require migrations.");
            ctx.out.info(&format!(
                "Use `{cli} permissions status <appId>` or `{cli} deploy <appId>` for auth publication."
            ));
        }
    }
    report(ctx, &analysis, &root);

    let (errors, warnings) = count(&analysis.diagnostics);
    let Some(schema) = schema.filter(|_| errors == 0) else {
        no_schema(ctx, &analysis);
        let errors = errors.max(1);
        ctx.out.summary_line(&format!(
            "Found {errors} error(s) and {warnings} warning(s)."
        ));
        return Ok(Outcome::failed(serde_json::Value::Null));
    };
    let result = json!({
        "schema_file": analysis.schema_file.as_deref().map(shown),
        "permissions_file": analysis.permissions_file.as_deref().map(shown),
        "tables": schema.tables.len(),
        "schema_hash": schema_hash(schema).to_hex(),
    });
    if args.deny_warnings && warnings > 0 {
        ctx.out.summary_line(&format!(
            "Found {errors} error(s) and {warnings} warning(s)."
        ));
        return Ok(Outcome::failed(result));
    }
    let n = schema.tables.len();
    let noun = if n == 1 { "table" } else { "tables" };
    ctx.out
        .result(&format!("Validated {n} {noun} in schema.ts."));
    Ok(Outcome::ok(result))
}
