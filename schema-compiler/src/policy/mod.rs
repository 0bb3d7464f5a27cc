//! The permissions phase (permissions.md): static evaluation of `permissions.ts` into the
//! Policy IR, the upstream policy JSON, the policy bytecode with its VM, and the static checks.
//!
//! - `ir.rs`: the Policy IR; `json.rs` / `parse.rs`: policy JSON out and in;
//! - `interp/`: the symbolic interpreter of the `definePermissions` factory;
//! - `checks/`: static checks on the merged policy and the recorded condition fragments
//!   (missing policies with their fixes, FKs, cycles, leaves, constant clauses, update rules,
//!   inherited targets);
//! - `bytecode/`: encoder, verifier/decoder, disassembler; `vm/`: the evaluator;
//! - `explain.rs`: the readable notation;
//! - `codes.rs`: the JZ2xxx codes.

pub mod bytecode;
mod checks;
pub mod codes;
pub mod explain;
pub mod interp;
pub mod ir;
pub mod json;
pub mod parse;
pub mod vm;

use crate::hash::HashMap;
use std::rc::Rc;

use crate::diagnostics::Diagnostic;
use crate::eval::PermissionsExport;
use crate::eval::value::Value;
use crate::schema::WasmSchema;
use crate::source::{SourceDb, Span};

pub use ir::Policy;

/// What the permissions phase produced.
#[derive(Debug, Default, Clone)]
pub struct PolicyOutput {
    /// The merged policy (even with errors, for the editor).
    pub policy: Option<Policy>,
    pub diagnostics: Vec<Diagnostic>,
    /// The `definePermissions(...)` call.
    pub span: Option<Span>,
    /// Tables, columns and claims named in permissions.ts (for the editor).
    pub uses: Vec<crate::eval::symbols::NameUse>,
}

/// Compiles the permissions export. `has_file` tells whether a permissions.ts exists; `env`
/// holds the resolved values for `process.env` (defines › environment › env files); `db`
/// holds the source text the fixes edit; `defs` where schema.ts defines tables and columns.
pub fn compile(
    export: &PermissionsExport,
    has_file: bool,
    schema: &WasmSchema,
    env: &dyn Fn(&str) -> Option<String>,
    db: &SourceDb,
    defs: &crate::eval::symbols::SchemaSymbols,
) -> PolicyOutput {
    let mut out = PolicyOutput::default();
    let file_span = export.file.map(|f| Span::new(f, 0, 0));
    let Some((value, vspan)) = &export.value else {
        if has_file {
            let msg = "Missing permissions export in permissions.ts. Export default definePermissions(...) (or export const permissions = definePermissions(...)).";
            let mut d = Diagnostic::new(codes::MISSING_EXPORT, msg).upstream(msg);
            if let Some(s) = file_span {
                d = d.at(s);
            }
            out.diagnostics.push(d);
        }
        // Deliberate deviation from upstream (see CHANGELOG): without a permissions file upstream
        // warns for every table × operation. For a schema-only project that is four identical
        // warnings per table, pinned to the top of schema.ts in the editor and failing
        // `--deny-warnings`; the missing-policy warnings accompany a permissions file only
        // (CHANGELOG).
        let _ = schema;
        return out;
    };
    let Value::Permissions(def) = value else {
        if matches!(value, Value::Opaque(_)) {
            // Already reported by the evaluator.
            return out;
        }
        let msg = "Invalid permissions export in permissions.ts. Expected default export from definePermissions(...).";
        out.diagnostics.push(
            Diagnostic::new(codes::INVALID_EXPORT, msg)
                .upstream(msg)
                .at(*vspan),
        );
        return out;
    };
    // `s.definePermissions(app`: one line, for findings about the whole call.
    out.span = Some(Span::new(
        def.span.file,
        def.span.range.start,
        def.app_span.range.end,
    ));
    let app_schema = match &def.app {
        Value::App(a) => a.schema.clone(),
        Value::Opaque(_) => return out,
        other => {
            out.diagnostics.push(
                Diagnostic::new(
                    codes::NOT_STATIC,
                    format!(
                        "cannot evaluate definePermissions(...) statically: the first argument is {}, not the app from `s.defineApp(...)`",
                        other.describe()
                    ),
                )
                .at(def.app_span)
                .help("pass the app: `import { app } from \"./schema\"`"),
            );
            return out;
        }
    };
    let _ = schema;
    let module: HashMap<Rc<str>, Value> = def.scope.iter().cloned().collect();
    let factory = interp::value::from_static(&def.factory, def.factory_span);
    let mut it = interp::Interp::new(&app_schema, module, env);
    it.env_inits = def.env_inits.iter().cloned().collect();
    it.db = Some(db);
    it.discarded = defs
        .discarded_tables()
        .map(|(t, s)| (t.to_owned(), s))
        .collect();
    let (policy, diags, uses) = it.run(&factory, def.factory_span);
    out.diagnostics = diags;
    out.uses = uses;
    let call = out.span.unwrap_or(def.span);
    let site = db
        .get(def.factory_span.file)
        .and_then(|f| checks::Site::of(def, f.text.clone()));
    checks::run(
        &policy,
        &app_schema,
        defs,
        call,
        site.as_ref(),
        &mut out.diagnostics,
    );
    out.policy = Some(policy);
    out
}
