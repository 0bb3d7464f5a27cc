//! `jazz deploy [<appId>]`: compile the
//! project, print upstream's lines and the warnings, then run the publish pipeline
//! ([`crate::publish`]) and print what it did. Exit 1 on any failure, 3 with `--exit-code`
//! when something was (or, with `--dry-run`, would be) published.

use jazz_schema_compiler::diagnostics::count;

use super::{Context, Outcome, no_schema, report, shown};
use crate::args::DeployArgs;
use crate::connection::Settings;
use crate::publish::{Line, Options, publish};

pub fn run(ctx: &mut Context, a: &DeployArgs) -> anyhow::Result<Outcome> {
    // The settings come first, in the order app id, URL, secret.
    let root = ctx.root(&a.project);
    let settings = Settings::resolve(ctx, a.app_id.as_deref(), &a.server, &root);
    let admin = match settings.admin(ctx) {
        Ok(x) => x,
        Err(m) => {
            ctx.out.error(&m);
            return Ok(Outcome::failed(serde_json::Value::Null));
        }
    };
    let root = ctx.root(&a.project);
    let analysis = ctx.analyze(&root);
    let (errors, warnings) = count(&analysis.diagnostics);
    let Some(file) = analysis
        .schema_file
        .as_ref()
        .filter(|_| analysis.valid_schema().is_some())
    else {
        report(ctx, &analysis, &root);
        no_schema(ctx, &analysis);
        ctx.out.summary_line(&format!(
            "Found {} error(s) and {warnings} warning(s).",
            errors.max(1)
        ));
        return Ok(Outcome::failed(serde_json::Value::Null));
    };
    ctx.out
        .info(&format!("Loaded current schema from {}.", shown(file)));
    report(ctx, &analysis, &root);
    if a.deny_warnings && warnings > 0 {
        ctx.out.summary_line(&format!(
            "Found {errors} error(s) and {warnings} warning(s); nothing was deployed (--deny-warnings)."
        ));
        return Ok(Outcome::failed(serde_json::Value::Null));
    }

    let opts = Options {
        migrations_dir: ctx.migrations_dir(&a.migrations, &a.project),
        dry_run: a.dry_run,
        no_verify: a.no_verify,
        cli: ctx.cli.clone(),
        app_id: settings.app_id.clone().unwrap_or_default(),
    };
    let done = publish(&analysis, &admin, &opts);
    ctx.out
        .diagnostics(&done.diagnostics, &done.db, &ctx.cwd.clone());
    for line in &done.lines {
        match line {
            Line::Info(l) => ctx.out.info(l),
            Line::Result(l) => ctx.out.result(l),
            Line::Warning(l) => ctx.out.upstream_warning(l),
        }
    }
    let result = done.to_json();
    if let Some(f) = &done.failure {
        ctx.out.error(&f.message);
        if let Some(h) = &f.hint {
            ctx.out.hint(h);
        }
        return Ok(Outcome::failed(result));
    }
    let mut outcome = Outcome::ok(result);
    if a.exit_code && done.changed {
        outcome.exit_code = 3;
    }
    Ok(outcome)
}
