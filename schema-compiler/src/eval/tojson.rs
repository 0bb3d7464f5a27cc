//! Evaluator values → JSON values with `JSON.stringify` semantics: used for
//! JSON schemas given as object literals and for JSON column defaults.

use crate::diagnostics::{Diagnostic, codes};
use crate::schema::JsonValue;
use crate::schema::json::insert_ordered;
use crate::source::Span;

use super::date::to_iso_string;
use super::module::Evaluator;
use super::value::Value;

/// What JSON serialization lost, for JZ1031.
#[derive(Default)]
struct Changes {
    dropped_undefined: bool,
    non_finite: bool,
    /// Array elements and object members written so far: shared nested values expand
    /// exponentially, so this is bounded by the evaluation budget (JZ0111).
    slots: usize,
}

/// `JSON.parse(JSON.stringify(v))` as a JSON value, for JSON schemas: reports JZ1031 when the
/// value changes and errors for values JSON cannot hold. `None` when `v` serializes to nothing.
pub fn to_json(ev: &mut Evaluator<'_>, v: &Value, span: Span) -> Option<JsonValue> {
    let mut changes = Changes::default();
    let out = match convert(v, &mut changes) {
        Ok(j) => j,
        Err(e) => {
            report(ev, e, span);
            return None;
        }
    };
    if changes.dropped_undefined || changes.non_finite {
        let what = if changes.non_finite {
            "`NaN`/`Infinity` become `null`"
        } else {
            "`undefined` members are left out"
        };
        ev.push(
            Diagnostic::new(
                codes::JSON_SCHEMA_CHANGED,
                format!("the JSON schema changes when serialized: {what}"),
            )
            .at(span)
            .help("write the JSON value the server will store"),
        );
    }
    out
}

/// `JSON.stringify(v)` text for a JSON column default; `Err` with a diagnostic already made.
pub fn stringify_default(v: &Value) -> Result<Option<String>, JsonProblem> {
    let mut changes = Changes::default();
    Ok(convert(v, &mut changes)?.map(|j| crate::schema::json::stringify(&j)))
}

/// Why a value cannot be serialized.
#[derive(Debug)]
pub enum JsonProblem {
    NotSerializable(&'static str),
    Opaque(std::rc::Rc<super::value::Opaque>),
    LoneSurrogate,
    /// The value expands to more than [`super::budget::MAX_ARRAY_LEN`] elements.
    TooLarge,
}

pub fn report(ev: &mut Evaluator<'_>, e: JsonProblem, span: Span) {
    match e {
        JsonProblem::Opaque(o) => ev.report_opaque(&o),
        JsonProblem::NotSerializable(what) => {
            let msg = "JSON values must be serializable";
            ev.push(
                Diagnostic::new(
                    codes::DEFAULT_JSON,
                    format!("{msg}: {what} cannot be stored as JSON"),
                )
                .upstream(msg)
                .at(span),
            );
        }
        JsonProblem::TooLarge => {
            let check = ev
                .budget
                .array(super::budget::MAX_ARRAY_LEN.saturating_add(1));
            let _ = ev.spend(check, span, "this value as JSON");
        }
        JsonProblem::LoneSurrogate => {
            ev.push(
                Diagnostic::new(
                    codes::LONE_SURROGATE,
                    "a string here contains an unpaired UTF-16 surrogate, which the server rejects",
                )
                .at(span),
            );
        }
    }
}

impl Changes {
    fn grow(&mut self, n: usize) -> Result<(), JsonProblem> {
        self.slots = self.slots.saturating_add(n);
        if self.slots > super::budget::MAX_ARRAY_LEN {
            return Err(JsonProblem::TooLarge);
        }
        Ok(())
    }
}

fn convert(v: &Value, ch: &mut Changes) -> Result<Option<JsonValue>, JsonProblem> {
    stacker::maybe_grow(
        crate::syntax::STACK_RED_ZONE,
        crate::syntax::STACK_GROW,
        || convert_inner(v, ch),
    )
}

fn convert_inner(v: &Value, ch: &mut Changes) -> Result<Option<JsonValue>, JsonProblem> {
    Ok(Some(match v {
        Value::Undefined
        | Value::Function(_)
        | Value::Closure(_)
        | Value::Lib(_)
        | Value::Method(_)
        | Value::Permissions(_) => {
            return Ok(None);
        }
        Value::Null => JsonValue::Null,
        Value::Bool(b) => JsonValue::Bool(*b),
        Value::Num(n) => {
            if n.is_finite() {
                JsonValue::Number(*n)
            } else {
                ch.non_finite = true;
                JsonValue::Null
            }
        }
        Value::Str(s) => {
            if s.lone_surrogate {
                return Err(JsonProblem::LoneSurrogate);
            }
            JsonValue::String(String::from(&*s.text))
        }
        Value::Date(ms) => match to_iso_string(*ms) {
            Some(s) => JsonValue::String(s),
            None => JsonValue::Null,
        },
        Value::Bytes(b) => JsonValue::Object(
            b.iter()
                .enumerate()
                .map(|(i, x)| (i.to_string(), JsonValue::Number(f64::from(*x))))
                .collect(),
        ),
        Value::Array(items) => {
            ch.grow(items.len())?;
            let mut out = Vec::with_capacity(items.len());
            for i in items.iter() {
                out.push(convert(i, ch)?.unwrap_or(JsonValue::Null));
            }
            JsonValue::Array(out)
        }
        Value::Object(o) => {
            ch.grow(o.props.len())?;
            let mut members = Vec::with_capacity(o.props.len());
            for (k, v) in &o.props {
                match convert(v, ch)? {
                    Some(j) => insert_ordered(&mut members, k.clone(), j),
                    None => ch.dropped_undefined = true,
                }
            }
            JsonValue::Object(members)
        }
        Value::Opaque(o) => return Err(JsonProblem::Opaque(o.clone())),
        Value::Builder(_) => return Err(JsonProblem::NotSerializable("a column builder")),
        Value::Table(_) => return Err(JsonProblem::NotSerializable("a table")),
        Value::App(_) | Value::AppMember => return Err(JsonProblem::NotSerializable("an app")),
        Value::Zod(_) => return Err(JsonProblem::NotSerializable("a zod schema")),
    }))
}
