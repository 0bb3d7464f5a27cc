//! The few JS globals the evaluated subset allows: calls such as `Date.UTC`,
//! `Date.parse`, `Uint8Array.of/from` and `Object.freeze`, and `new Date(...)` /
//! `new Uint8Array(...)`. The date arithmetic itself is in `date`; this module turns it into
//! values and diagnostics.

use std::rc::Rc;

use crate::diagnostics::{Diagnostic, codes};
use crate::source::Span;

use super::date::{DateParse, date_utc, parse_date_string, time_clip};
use super::expr::to_number;
use super::module::{Evaluator, opaque};
use super::value::Value;

/// Calls of globals: `Date.UTC`, `Date.parse`, `Date.now`, `Uint8Array.of/from`, `Object.freeze`.
pub fn call_global(
    ev: &mut Evaluator<'_>,
    path: &str,
    args: Vec<(Value, Span)>,
    span: Span,
) -> Value {
    match path {
        "Object.freeze" => args
            .into_iter()
            .next()
            .map(|a| a.0)
            .unwrap_or(Value::Undefined),
        "Date.UTC" => {
            let nums: Option<Vec<f64>> = args.iter().map(|(v, _)| to_number(v)).collect();
            match nums {
                Some(n) => Value::Num(date_utc(&n)),
                None => opaque(
                    span,
                    codes::NOT_STATIC,
                    "`Date.UTC` with arguments that cannot be evaluated",
                    None,
                ),
            }
        }
        "Date.parse" => match args.first() {
            Some((Value::Str(s), sspan)) => match date_from_string(ev, &s.text, *sspan) {
                Some(ms) => Value::Num(ms),
                None => super::module::silent(*sspan),
            },
            _ => opaque(
                span,
                codes::BAD_DATE,
                "`Date.parse` needs an ISO date string",
                None,
            ),
        },
        "Date.now" | "Date" => opaque(
            span,
            codes::BAD_DATE,
            "the current time is different on every run, so the schema would be too",
            Some(
                "write a fixed instant: `new Date(\"2026-01-01T00:00:00Z\")` or a millisecond number",
            ),
        ),
        "Uint8Array.of" => bytes_from(args.iter().map(|a| &a.0), span),
        "Uint8Array.from" => match args.first() {
            Some((Value::Array(items), _)) => bytes_from(items.iter(), span),
            _ => opaque(
                span,
                codes::NOT_STATIC,
                "`Uint8Array.from` needs an array literal",
                None,
            ),
        },
        "Object.assign" => {
            if let Some((Value::Object(_), s)) = args.first() {
                ev.push(Diagnostic::new(codes::MUTATION, "`Object.assign` mutates its target; jazz evaluates the schema from its literals only").at(*s).help("build the object in one literal with spreads: `{ ...a, ...b }`"));
            }
            opaque(
                span,
                codes::MUTATION,
                "`Object.assign` is not evaluated",
                Some("use `{ ...a, ...b }`"),
            )
        }
        "Object.keys" | "Object.values" | "Object.entries" => object_members(ev, path, args, span),
        "Object.fromEntries" => from_entries(ev, args, span),
        p if p.starts_with("Object.") => opaque(
            span,
            codes::NOT_STATIC,
            format!("`{p}` cannot be evaluated statically"),
            Some("write the object out, or combine parts with `...spread`"),
        ),
        p => opaque(
            span,
            codes::NON_DSL_CALL,
            format!("`{p}(…)` is not part of the statically evaluable subset"),
            Some("inline the value"),
        ),
    }
}

fn bytes_from<'v>(items: impl Iterator<Item = &'v Value>, span: Span) -> Value {
    let mut out = Vec::new();
    for v in items {
        match to_number(v) {
            Some(n) => out.push(to_uint8(n)),
            None => return opaque(span, codes::NOT_STATIC, "byte values must be numbers", None),
        }
    }
    Value::Bytes(Rc::new(out))
}

/// ToUint8: truncate, then modulo 256 (`256 → 0`, `-1 → 255`, `1.7 → 1`).
pub fn to_uint8(n: f64) -> u8 {
    if !n.is_finite() {
        return 0;
    }
    let t = n.trunc().rem_euclid(256.0);
    t as u8
}

/// `new Uint8Array(...)`.
pub fn new_bytes(args: Vec<(Value, Span)>, span: Span) -> Value {
    match args.first() {
        None => Value::Bytes(Rc::new(Vec::new())),
        Some((Value::Array(items), _)) => bytes_from(items.iter(), span),
        Some((Value::Num(n), _))
            if n.is_finite() && *n >= 0.0 && *n <= 65_536.0 && n.fract() == 0.0 =>
        {
            Value::Bytes(Rc::new(vec![0; *n as usize]))
        }
        Some((Value::Bytes(b), _)) => Value::Bytes(b.clone()),
        Some((_, s)) => opaque(
            *s,
            codes::NOT_STATIC,
            "`new Uint8Array` needs an array literal or a small length",
            None,
        ),
    }
}

/// `new Date(...)`.
pub fn new_date(ev: &mut Evaluator<'_>, args: Vec<(Value, Span)>, span: Span) -> Value {
    match args.as_slice() {
        [] => opaque(
            span,
            codes::BAD_DATE,
            "`new Date()` is the current time, which differs on every run",
            Some("write a fixed instant: `new Date(\"2026-01-01T00:00:00Z\")`"),
        ),
        [(Value::Num(n), _)] => Value::Date(time_clip(*n)),
        [(Value::Date(d), _)] => Value::Date(*d),
        [(Value::Str(s), sspan)] => match date_from_string(ev, &s.text, *sspan) {
            Some(ms) => Value::Date(ms),
            None => super::module::silent(*sspan),
        },
        [_, _, ..] => opaque(
            span,
            codes::BAD_DATE,
            "`new Date(year, month, …)` uses the machine's local time zone",
            Some("use `new Date(Date.UTC(year, month, …))` or an ISO string ending in `Z`"),
        ),
        [(other, s)] => opaque(
            *s,
            codes::BAD_DATE,
            format!(
                "`new Date` of {} cannot be evaluated statically",
                other.describe()
            ),
            None,
        ),
    }
}

/// Parses a date string, reporting JZ0104 (and the JZ0120 rollover warning) itself.
fn date_from_string(ev: &mut Evaluator<'_>, s: &str, span: Span) -> Option<f64> {
    match parse_date_string(s) {
        DateParse::Ms { ms, rolled_over } => {
            if rolled_over {
                ev.push(Diagnostic::new(codes::DATE_ROLLOVER, format!("\"{s}\" names a day past the end of its month; it rolls over into the next month")).at(span));
            }
            Some(ms)
        }
        DateParse::NoOffset => {
            ev.push(
                Diagnostic::new(codes::BAD_DATE, format!("\"{s}\" has no time zone offset, so upstream reads it in the machine's local time zone"))
                    .at(span)
                    .help("append `Z` for UTC")
                    .fix("Append `Z` (UTC)", Span::new(span.file, span.range.end.saturating_sub(1), span.range.end.saturating_sub(1)), "Z"),
            );
            None
        }
        DateParse::Invalid => {
            ev.push(
                Diagnostic::new(
                    codes::BAD_DATE,
                    format!(
                        "\"{s}\" is not an ISO 8601 date; JS engines parse such strings differently"
                    ),
                )
                .at(span)
                .help("write an ISO date such as \"2026-01-01\" or \"2026-01-01T00:00:00Z\""),
            );
            None
        }
    }
}

/// `Object.keys/values/entries` of a static object or array (own enumerable string keys, in
/// property order).
fn object_members(
    ev: &mut Evaluator<'_>,
    path: &str,
    args: Vec<(Value, Span)>,
    span: Span,
) -> Value {
    let pairs: Vec<(String, Value)> = match args.into_iter().next() {
        Some((Value::Object(o), _)) => o.props.clone(),
        Some((Value::Array(a), _)) => a
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v.clone()))
            .collect(),
        Some((Value::Str(s), _)) if !s.lone_surrogate => s
            .text
            .encode_utf16()
            .enumerate()
            .map(|(i, u)| (i.to_string(), Value::str(&String::from_utf16_lossy(&[u]))))
            .collect(),
        Some((v @ Value::Opaque(_), _)) => return v,
        Some((v, s)) => {
            return opaque(
                s,
                codes::NOT_STATIC,
                format!(
                    "`{path}` of {} cannot be evaluated statically",
                    v.describe()
                ),
                Some("pass an object literal (or a `const` bound to one)"),
            );
        }
        None => {
            return opaque(
                span,
                codes::NOT_STATIC,
                format!("`{path}` needs an object"),
                None,
            );
        }
    };
    let check = ev.budget.array(pairs.len());
    if let Err(v) = ev.spend(check, span, "this array") {
        return v;
    }
    let out = pairs
        .into_iter()
        .map(|(k, v)| match path {
            "Object.keys" => Value::str(&k),
            "Object.values" => v,
            _ => Value::Array(Rc::new(vec![Value::str(&k), v])),
        })
        .collect();
    Value::Array(Rc::new(out))
}

/// `Object.fromEntries([[key, value], ...])` over a static array of pairs.
fn from_entries(ev: &mut Evaluator<'_>, args: Vec<(Value, Span)>, span: Span) -> Value {
    let (items, at) = match args.into_iter().next() {
        Some((Value::Array(a), s)) => (a, s),
        Some((v @ Value::Opaque(_), _)) => return v,
        Some((_, s)) => {
            return opaque(
                s,
                codes::NOT_STATIC,
                "`Object.fromEntries` needs a static array of `[key, value]` pairs",
                Some("pass an array literal, or `.map((x) => [key, value])` of one"),
            );
        }
        None => {
            return opaque(
                span,
                codes::NOT_STATIC,
                "`Object.fromEntries` needs an array",
                None,
            );
        }
    };
    let mut o = super::value::Object::default();
    for item in items.iter() {
        let (k, v) = match item {
            Value::Array(pair) => (
                pair.first().cloned().unwrap_or(Value::Undefined),
                pair.get(1).cloned().unwrap_or(Value::Undefined),
            ),
            v @ Value::Opaque(_) => return v.clone(),
            _ => {
                return opaque(
                    at,
                    codes::NOT_STATIC,
                    "each entry of `Object.fromEntries` must be a `[key, value]` array",
                    Some("map each item to a pair: `.map((x) => [x, value])`"),
                );
            }
        };
        let key = match &k {
            Value::Str(s) if !s.lone_surrogate => String::from(&*s.text),
            Value::Num(n) => crate::schema::json::number_to_js_string(*n),
            Value::Opaque(_) => return k,
            _ => {
                return opaque(
                    at,
                    codes::NOT_STATIC,
                    "`Object.fromEntries` keys must be strings or numbers",
                    Some("use string keys"),
                );
            }
        };
        let check = ev.budget.object_work(o.insert_work(&key));
        if let Err(v) = ev.spend(check, span, "this object") {
            return v;
        }
        o.set_key_span(key.clone(), at);
        o.set(key, v);
    }
    Value::Object(Rc::new(o))
}
