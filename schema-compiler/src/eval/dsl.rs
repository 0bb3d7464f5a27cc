//! The library surface the evaluator models: jazz-tools (`s`, `col`, `defineApp`...), zod, and
//! the few JS globals the subset allows (`Date`, `Uint8Array`, `Object.freeze`). Calls into it
//! are the positions where opaque arguments are reported.
//!
//! This file holds the call entry points (`call_lib`, `call_method`, `construct`), the argument
//! checks they share and the bridge to zod. Which members exist is decided in `members`; calls
//! of jazz-tools functions are in `jazz`, the builder modifiers in `modifiers`, and the globals
//! themselves in `eval::globals`.

mod jazz;
mod members;
mod modifiers;

use std::rc::Rc;

use crate::diagnostics::{Diagnostic, codes};
use crate::source::Span;

use super::module::{Evaluator, opaque, silent};
use super::value::{LibRef, Value};
use super::zod::{self, ZodArg};

use jazz::call_jazz;
pub use members::{global, lib_member, member};
use modifiers::modifier;

/// Reports opaque arguments of a DSL call; returns false if there were any.
fn check_args(ev: &mut Evaluator<'_>, args: &[(Value, Span)]) -> bool {
    let mut ok = true;
    for (v, _) in args {
        if let Some(o) = find_opaque(v, 0) {
            ev.report_opaque(&o);
            ok = false;
        }
    }
    ok
}

/// The first opaque value inside `v` (arrays and objects, a few levels deep).
fn find_opaque(v: &Value, depth: u32) -> Option<Rc<super::value::Opaque>> {
    if depth > 32 {
        return None;
    }
    match v {
        Value::Opaque(o) => Some(o.clone()),
        Value::Array(items) => items.iter().find_map(|i| find_opaque(i, depth + 1)),
        Value::Object(o) => o.props.iter().find_map(|(_, i)| find_opaque(i, depth + 1)),
        _ => None,
    }
}

fn extra_args(ev: &mut Evaluator<'_>, name: &str, args: &[(Value, Span)], max: usize) {
    if args.len() > max {
        let first = args.get(max).map(|a| a.1);
        let last = args.last().map(|a| a.1);
        if let (Some(f), Some(l)) = (first, last) {
            ev.push(
                Diagnostic::new(
                    codes::EXTRA_ARGS,
                    format!("`{name}` takes {max} argument(s); the rest are ignored"),
                )
                .at(crate::source::Span::new(f.file, f.range.start, l.range.end))
                .help("remove the extra arguments"),
            );
        }
    }
}

/// Calls a library function.
pub fn call_lib(
    ev: &mut Evaluator<'_>,
    lib: &LibRef,
    args: Vec<(Value, Span)>,
    span: Span,
) -> Value {
    match lib {
        LibRef::JazzFn { name, legacy } => call_jazz(ev, name, *legacy, args, span),
        LibRef::ZodFn { path } => {
            if !check_args(ev, &args) {
                return silent(span);
            }
            let zargs: Vec<ZodArg> = args.iter().map(|(v, _)| zod_arg(v)).collect();
            match zod::call_z(path, &zargs) {
                Ok(z) => Value::Zod(Rc::new(z)),
                Err(e) => zod_error(span, e),
            }
        }
        LibRef::Global { path } => super::globals::call_global(ev, path, args, span),
        LibRef::Permissions => Value::AppMember,
        _ => opaque(
            span,
            codes::NON_DSL_CALL,
            "this namespace is not a function",
            None,
        ),
    }
}

fn zod_error(span: Span, e: zod::ZodError) -> Value {
    Value::Opaque(Rc::new(super::value::Opaque {
        span,
        code: codes::ZOD_UNSUPPORTED,
        message: e.message,
        help: Some(
            "write the JSON Schema as a plain object literal: `s.json({ type: \"object\", … })`"
                .into(),
        ),
        labels: Vec::new(),
        fixes: Vec::new(),
        silent: false,
    }))
}

/// Converts an evaluator value to a zod call argument.
pub fn zod_arg(v: &Value) -> ZodArg {
    match v {
        Value::Zod(z) => ZodArg::Zod(z.clone()),
        Value::Num(n) => ZodArg::Number(*n),
        Value::Str(s) => ZodArg::String(String::from(&*s.text)),
        Value::Bool(b) => ZodArg::Bool(*b),
        Value::Null => ZodArg::Null,
        Value::Undefined => ZodArg::Undefined,
        Value::Array(a) => ZodArg::Array(a.iter().map(zod_arg).collect()),
        Value::Object(o) => ZodArg::Object(
            o.props
                .iter()
                .map(|(k, v)| (k.clone(), zod_arg(v)))
                .collect(),
        ),
        _ => ZodArg::Other,
    }
}

/// `recv.name(args)` for DSL values.
pub fn call_method(
    ev: &mut Evaluator<'_>,
    recv: Value,
    name: &str,
    name_span: Span,
    args: Vec<(Value, Span)>,
    span: Span,
) -> Value {
    match recv {
        Value::Builder(id) => {
            if name != "transform" && !check_args(ev, &args) {
                return Value::Builder(id);
            }
            modifier(ev, id, name, name_span, args, span);
            Value::Builder(id)
        }
        Value::Table(t) => {
            if !check_args(ev, &args) {
                return silent(span);
            }
            super::build::index_only(ev, &t, args, span)
        }
        Value::App(app) => {
            if !check_args(ev, &args) {
                return Value::App(app);
            }
            super::build::slice(ev, app, args, span)
        }
        Value::Zod(z) => {
            if !check_args(ev, &args) {
                return silent(span);
            }
            let zargs: Vec<ZodArg> = args.iter().map(|(v, _)| zod_arg(v)).collect();
            match zod::call_method(&z, name, &zargs) {
                Ok(z) => Value::Zod(Rc::new(z)),
                Err(e) => zod_error(
                    Span::new(name_span.file, name_span.range.start, span.range.end),
                    e,
                ),
            }
        }
        other => opaque(
            span,
            codes::NON_DSL_CALL,
            format!(
                "`.{name}()` on {} cannot be evaluated statically",
                other.describe()
            ),
            None,
        ),
    }
}

/// `new X(args)`.
pub fn construct(ev: &mut Evaluator<'_>, f: Value, args: Vec<(Value, Span)>, span: Span) -> Value {
    match &f {
        Value::Lib(lib) => match &**lib {
            LibRef::Global { path } if &**path == "Date" => {
                super::globals::new_date(ev, args, span)
            }
            LibRef::Global { path } if &**path == "Uint8Array" => {
                super::globals::new_bytes(args, span)
            }
            _ => opaque(
                span,
                codes::NOT_STATIC,
                "`new` of this value cannot be evaluated statically",
                Some("use plain literals"),
            ),
        },
        Value::Opaque(_) => f,
        _ => opaque(
            span,
            codes::NOT_STATIC,
            "`new` cannot be evaluated statically here",
            Some("use plain literals"),
        ),
    }
}
