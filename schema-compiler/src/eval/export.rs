//! Which export is the schema: `schema`, `schemaDef`, `default`, `app`, in
//! that order; app-like values, then definition-like objects built at the end of module
//! evaluation; then the legacy `table()` calls; else JZ1003. The first candidate that qualifies
//! wins and later ones are never looked at, as upstream.

use std::rc::Rc;
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, codes};
use crate::schema::WasmSchema;
use crate::source::{FileId, Span};

use super::module::{Evaluator, Exports};
use super::value::{Object, Value};

const CANDIDATES: [&str; 4] = ["schema", "schemaDef", "default", "app"];

enum Candidate {
    App(Arc<WasmSchema>),
    WasmLiteral(Value, Span),
    Definition(Value, Span),
}

/// JZ1007: `name` failed to convert and `next` is used instead. The errors that made it fail
/// become labels here: they describe an export that is not the schema, so they block nothing.
fn skipped(name: &str, next: &str, span: Span, dropped: &[Diagnostic]) -> Diagnostic {
    let mut d = Diagnostic::new(
        codes::EXPORT_SKIPPED,
        format!("export `{name}` is not a schema; using `{next}`"),
    )
    .at(span);
    let mut unlabelled = Vec::new();
    for e in dropped.iter().filter(|e| e.is_error()) {
        match e.span() {
            Some(at) => d = d.label(at, format!("{} ({})", e.message, e.code)),
            None => unlabelled.push(format!("{} ({})", e.message, e.code)),
        }
        d.fixes.extend(e.fixes.iter().cloned());
    }
    for text in unlabelled {
        d = d.note(format!("converting it fails: {text}"));
    }
    d.note("upstream silently moves on to the next export when converting one fails; fix the problems above if this export is meant to be the schema")
}

impl Evaluator<'_> {
    pub fn select_schema(&mut self, exports: &Exports, file: FileId) -> Option<Arc<WasmSchema>> {
        // Candidates in priority order, up to the first one that cannot be evaluated: upstream
        // never looks past the candidate that qualifies, so an unevaluable export after it is
        // not an error (JZ1008 hint), while one before it stops the choice.
        let mut found: Vec<(&str, Candidate, Span)> = Vec::new();
        let mut stopped_at: Option<(&str, &Value, Span)> = None;
        for name in CANDIDATES {
            let Some((_, v, span)) = exports.get(name) else {
                continue;
            };
            match v {
                Value::Opaque(_) => {
                    stopped_at = Some((name, v, *span));
                    break;
                }
                Value::App(app) => found.push((name, Candidate::App(app.schema.clone()), *span)),
                Value::Object(o) => {
                    if let Some(w @ Value::Object(_)) = o.get("wasmSchema") {
                        found.push((name, Candidate::WasmLiteral(w.clone(), *span), *span));
                    } else if is_definition_like(o) {
                        found.push((name, Candidate::Definition(v.clone(), *span), *span));
                    }
                }
                _ => {}
            }
        }
        // The name of each candidate's successor, for JZ1007.
        let next_names: Vec<Option<&str>> = (0..found.len())
            .map(|i| {
                found
                    .get(i + 1)
                    .map(|(n, _, _)| *n)
                    .or(stopped_at.map(|(n, _, _)| n))
            })
            .collect();
        for (i, (name, cand, span)) in found.into_iter().enumerate() {
            let chosen = match cand {
                Candidate::App(schema) => Some(schema),
                Candidate::WasmLiteral(v, s) => self.wasm_literal(&v, s).map(Arc::new),
                Candidate::Definition(v, s) => match next_names[i] {
                    None => super::build::build_definition(self, &v, s).map(Arc::new),
                    Some(next) => {
                        // Another candidate follows: a failed conversion skips this one, as
                        // upstream does, and only the chosen export's findings stay.
                        let before = self.diags.len();
                        let symbols = self.symbols.mark();
                        let schema = super::build::build_definition(self, &v, s);
                        if !self.diags[before..].iter().any(Diagnostic::is_error) {
                            schema.map(Arc::new)
                        } else {
                            let dropped = self.diags.split_off(before);
                            self.symbols.truncate(symbols);
                            self.push(skipped(name, next, span, &dropped));
                            continue;
                        }
                    }
                },
            };
            if let Some((later, Value::Opaque(o), later_span)) = stopped_at
                && !o.silent
            {
                self.push(
                    Diagnostic::new(
                        codes::LATER_EXPORT_IGNORED,
                        format!("export `{later}` is not evaluated; the schema is export `{name}`"),
                    )
                    .at(later_span)
                    .label(span, format!("export `{name}` comes first and is the schema"))
                    .note("upstream takes the first export that qualifies, in the order `schema`, `schemaDef`, `default`, `app`, and never looks at the others"),
                );
            }
            return chosen;
        }
        if let Some((name, Value::Opaque(o), span)) = stopped_at {
            if o.silent {
                return None;
            }
            let mut d = Diagnostic::new(o.code, o.message.clone())
                .at(o.span)
                .label(span, format!("export `{name}` needs this value"));
            for (s, m) in &o.labels {
                d = d.label(*s, m.clone());
            }
            if let Some(h) = &o.help {
                d = d.help(h.clone());
            }
            d.fixes.extend(o.fixes.iter().cloned());
            self.push(d);
            return None;
        }
        if !self.legacy_tables.is_empty() {
            let mut def = Object::default();
            for (name, cols, _) in std::mem::take(&mut self.legacy_tables) {
                def.set(name, cols);
            }
            let span = Span::new(file, 0, 0);
            return super::build::build_definition(self, &Value::Object(Rc::new(def)), span)
                .map(Arc::new);
        }
        if self.diags.iter().any(|d| {
            matches!(d.code, codes::SYNTAX | codes::TOO_LARGE | codes::INTERNAL)
                && d.span().is_some_and(|s| s.file == file)
        }) {
            // The file could not be parsed (or not at all); "no schema export" would only
            // repeat that.
            return None;
        }
        let path = self
            .db
            .path(file)
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let msg = format!(
            "Could not find a schema in {path}. Define tables with side-effect table(...) calls at module scope, or export const schema / app / default. By convention, schema.ts (and permissions.ts) live at the project root (or src/lib/ for SvelteKit). See https://jazz.tools/docs/schemas/defining-tables."
        );
        self.push(
            Diagnostic::new(codes::NO_SCHEMA_EXPORT, msg.clone())
                .upstream(msg)
                .at(Span::new(file, 0, 0))
                .help("export the app: `export const app = s.defineApp({ … })`; a file that exports only slices (`export const x = app.slice(...)`) is not loadable, also export `app`"),
        );
        None
    }

    /// A hand-written `{ wasmSchema: {...} }` export, normalised like the CLI does.
    fn wasm_literal(&mut self, v: &Value, span: Span) -> Option<WasmSchema> {
        let json = super::tojson::to_json(self, v, span)?;
        if let crate::schema::JsonValue::Object(tables) = &json {
            let with_policies: Vec<&str> = tables
                .iter()
                .filter(|(_, t)| matches!(t, crate::schema::JsonValue::Object(m) if m.iter().any(|(k, v)| k == "policies" && *v != crate::schema::JsonValue::Null)))
                .map(|(n, _)| n.as_str())
                .collect();
            if !with_policies.is_empty() {
                let msg = format!(
                    "Inline table permissions in schema.ts are no longer supported. Move policies to permissions.ts. Tables: {}.",
                    with_policies.join(", ")
                );
                self.push(
                    Diagnostic::new(codes::INLINE_POLICIES, msg.clone())
                        .upstream(msg)
                        .at(span),
                );
                return None;
            }
        }
        let text = crate::schema::json::stringify(&json);
        match crate::schema::wasm_json::from_json_text(&text) {
            Ok(s) => Some(s),
            Err(e) => {
                self.push(
                    Diagnostic::new(
                        codes::NOT_STATIC,
                        format!("invalid `wasmSchema` literal: {e}"),
                    )
                    .at(span),
                );
                None
            }
        }
    }
}

/// Every own property is a table source and every column value a builder.
fn is_definition_like(o: &Object) -> bool {
    o.props.iter().all(|(_, t)| match t {
        Value::Table(t) => t
            .columns
            .props
            .iter()
            .all(|(_, c)| matches!(c, Value::Builder(_))),
        Value::Object(c) => c.props.iter().all(|(_, c)| matches!(c, Value::Builder(_))),
        _ => false,
    })
}
