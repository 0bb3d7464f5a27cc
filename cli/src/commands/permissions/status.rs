//! `jazz permissions status [<appId>]`: compile the project, check
//! that the server stores the current schema hash, and describe the server's permissions head
//! against it: upstream's lines, then ours, whether the local permissions match the head's.

use jazz_schema_compiler::schema::schema_hash;
use serde_json::json;

use super::compiled;
use crate::args::PermissionsStatusArgs;
use crate::commands::{Context, Outcome, shown};
use crate::connection::Settings;
use crate::publish::same_permissions;

fn fail(ctx: &mut Context, message: &str) -> anyhow::Result<Outcome> {
    ctx.out.error(message);
    Ok(Outcome::failed(serde_json::Value::Null))
}

pub fn run(ctx: &mut Context, a: &PermissionsStatusArgs) -> anyhow::Result<Outcome> {
    let root = ctx.root(&a.project);
    let c = match compiled(ctx, &root) {
        Ok(c) => c,
        Err(o) => return Ok(o),
    };
    let Some(schema) = c.analysis.schema.as_deref() else {
        return fail(ctx, "internal error: no schema was built");
    };
    let hash = schema_hash(schema);
    let (hex, h12) = (hash.to_hex(), hash.short());
    if let Some(f) = &c.analysis.schema_file {
        ctx.out
            .info(&format!("Loaded structural schema from {}.", shown(f)));
    }
    if let Some(f) = c
        .analysis
        .permissions_file
        .as_ref()
        .or(c.analysis.schema_file.as_ref())
    {
        ctx.out
            .info(&format!("Loaded current permissions from {}.", shown(f)));
    }
    let root = ctx.root(&a.project);
    let settings = Settings::resolve(ctx, a.app_id.as_deref(), &a.server, &root);
    let admin = match settings.admin(ctx) {
        Ok(x) => x,
        Err(m) => return fail(ctx, &m),
    };
    match admin.list_hashes() {
        Ok(h) if h.contains(&hex) => {}
        Ok(_) => {
            // alpha.50's text; later upstream versions say "the provided schema".
            return fail(
                ctx,
                "No stored structural schema matches the local schema.ts. Publish the structural schema before pushing permissions.",
            );
        }
        Err(m) => return fail(ctx, &m),
    }
    let (head, stored) = match admin.permissions() {
        Ok(x) => x,
        Err(m) => return fail(ctx, &m),
    };
    ctx.out.result(&format!(
        "Local structural schema matches stored hash {h12}."
    ));
    ctx.out
        .result("Permission-only changes do not create schema hashes or require migrations.");
    let matches = head.is_some()
        && stored
            .as_ref()
            .is_some_and(|p| same_permissions(&c.policy, p));
    let pending = match &head {
        None => {
            ctx.out
                .result("Server has no published permissions head yet.");
            ctx.out.result("Next push will publish version 1.");
            true
        }
        Some(h) => {
            let target = h.schema_hash.get(..12).unwrap_or(&h.schema_hash);
            ctx.out.result(&format!(
                "Server permissions head is v{} on {target}.",
                h.version
            ));
            let retarget = h.schema_hash != hex;
            if retarget {
                ctx.out.result(&format!(
                    "Current server permissions target {target}; pushing will retarget the head to {h12}."
                ));
            } else {
                ctx.out
                    .result("Current server permissions already target this structural schema.");
            }
            ctx.out.result(&format!(
                "Next push will require parent bundle {}.",
                h.bundle_object_id
            ));
            ctx.out.result(if matches {
                "Local permissions match the server head."
            } else {
                "Local permissions differ from the server head."
            });
            retarget || !matches
        }
    };
    let result = json!({
        "schema_hash": hex,
        "head": head.as_ref().map(|h| h.to_json()),
        "next_version": head.as_ref().map_or(1, |h| h.version + 1),
        "required_parent": head.as_ref().map(|h| h.bundle_object_id.clone()),
        "matches_head": matches,
    });
    let mut outcome = Outcome::ok(result);
    if a.exit_code && pending {
        outcome.exit_code = 3;
    }
    Ok(outcome)
}
