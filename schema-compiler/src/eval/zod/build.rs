//! Building zod schemas from `z.*` calls and method calls, and refusing what is outside the
//! subset.
//!
//! Where zod 4.3 gives an order-dependent or version-dependent result (two lower bounds on one
//! chain, bounds before `.int()`, a non-finite bound, a `__proto__` shape key), the construct
//! is refused rather than emulated, as the spec asks.

use crate::schema::json::insert_ordered;
use std::rc::Rc;

use super::bounds::{is_number_method, length_bound, number_method};
use super::{
    IsoFormat, LengthBounds, Literal, NumberSchema, ObjectMode, StringSchema, ZodArg, ZodError,
    ZodKind, ZodSchema,
};

/// Keys of zod's error-customisation params (`{ message: "…" }`), which never change the JSON
/// Schema. Any other key might (`precision`, `offset`, …), so it is refused.
const ERROR_PARAM_KEYS: &[&str] = &["message", "error", "abort"];

fn leaf(kind: ZodKind) -> Result<ZodSchema, ZodError> {
    ZodSchema::new(kind)
}

/// Checks that `args` holds `required` arguments, plus at most one error-params argument.
pub(super) fn expect_args<'a>(
    construct: &str,
    args: &'a [ZodArg],
    required: usize,
) -> Result<&'a [ZodArg], ZodError> {
    let (main, rest) = args.split_at(required.min(args.len()));
    if main.len() < required {
        return Err(ZodError::new(format!(
            "`{construct}` needs {required} argument(s) here"
        )));
    }
    match rest {
        [] => Ok(main),
        [params] if is_error_params(params) => Ok(main),
        _ => Err(ZodError::new(format!(
            "these arguments to `{construct}` are outside the zod subset jazz can evaluate \
             statically (only an error message may follow)"
        ))),
    }
}

fn is_error_params(arg: &ZodArg) -> bool {
    match arg {
        ZodArg::String(_) | ZodArg::Undefined => true,
        ZodArg::Object(members) => members
            .iter()
            .all(|(k, _)| ERROR_PARAM_KEYS.contains(&k.as_str())),
        _ => false,
    }
}

fn zod_arg(construct: &str, arg: Option<&ZodArg>) -> Result<Rc<ZodSchema>, ZodError> {
    match arg {
        Some(ZodArg::Zod(z)) => Ok(Rc::clone(z)),
        _ => Err(ZodError::new(format!(
            "`{construct}` needs a zod schema here; other values are outside the zod subset jazz \
             can evaluate statically"
        ))),
    }
}

pub(super) fn finite_number(construct: &str, arg: Option<&ZodArg>) -> Result<f64, ZodError> {
    match arg {
        Some(ZodArg::Number(n)) if n.is_finite() => Ok(*n),
        _ => Err(ZodError::new(format!(
            "`{construct}` with an argument that is not a finite number is outside the zod \
             subset jazz can evaluate statically"
        ))),
    }
}

/// `z.<name>(args)`.
pub(super) fn call_z(name: &str, args: &[ZodArg]) -> Result<ZodSchema, ZodError> {
    let construct = format!("z.{name}()");
    let c = construct.as_str();
    match name {
        "string" => {
            expect_args(c, args, 0).and_then(|_| leaf(ZodKind::String(StringSchema::default())))
        }
        "number" => {
            expect_args(c, args, 0).and_then(|_| leaf(ZodKind::Number(NumberSchema::default())))
        }
        "int" => expect_args(c, args, 0).and_then(|_| {
            leaf(ZodKind::Number(NumberSchema {
                integer: true,
                ..NumberSchema::default()
            }))
        }),
        "boolean" => expect_args(c, args, 0).and_then(|_| leaf(ZodKind::Boolean)),
        "null" => expect_args(c, args, 0).and_then(|_| leaf(ZodKind::Null)),
        "any" => expect_args(c, args, 0).and_then(|_| leaf(ZodKind::Any)),
        "unknown" => expect_args(c, args, 0).and_then(|_| leaf(ZodKind::Unknown)),
        "iso.datetime" | "iso.date" => {
            if !args.is_empty() {
                return Err(ZodError::outside(&format!("z.{name}(…)")));
            }
            let format = if name == "iso.date" {
                IsoFormat::Date
            } else {
                IsoFormat::DateTime
            };
            leaf(ZodKind::String(StringSchema {
                format: Some(format),
                ..StringSchema::default()
            }))
        }
        "literal" => literal(c, expect_args(c, args, 1)?.first()),
        "enum" => enumeration(c, expect_args(c, args, 1)?.first()),
        "array" => {
            let element = zod_arg(c, expect_args(c, args, 1)?.first())?;
            ZodSchema::new(ZodKind::Array {
                element,
                length: LengthBounds::default(),
            })
        }
        "object" | "strictObject" | "looseObject" => {
            let mode = match name {
                "strictObject" => ObjectMode::Strict,
                "looseObject" => ObjectMode::Loose,
                _ => ObjectMode::Strip,
            };
            let shape = shape(c, expect_args(c, args, 1)?.first())?;
            ZodSchema::new(ZodKind::Object { shape, mode })
        }
        "record" => {
            let main = expect_args(c, args, 2)?;
            let key = zod_arg(c, main.first())?;
            if !matches!(key.kind(), ZodKind::String(_)) {
                return Err(ZodError::new(
                    "`z.record()` with a key schema other than a string schema is outside the \
                     zod subset jazz can evaluate statically",
                ));
            }
            let value = zod_arg(c, main.get(1))?;
            ZodSchema::new(ZodKind::Record { key, value })
        }
        "union" => union(c, expect_args(c, args, 1)?.first()),
        "nullable" | "optional" => {
            let [inner] = args else {
                return Err(ZodError::new(format!(
                    "`{construct}` takes exactly one zod schema"
                )));
            };
            let inner = zod_arg(c, Some(inner))?;
            ZodSchema::new(if name == "nullable" {
                ZodKind::Nullable(inner)
            } else {
                ZodKind::Optional(inner)
            })
        }
        _ => Err(ZodError::outside(&construct)),
    }
}

fn literal(construct: &str, arg: Option<&ZodArg>) -> Result<ZodSchema, ZodError> {
    let value = match arg {
        Some(ZodArg::String(s)) => Literal::String(s.clone()),
        Some(ZodArg::Number(n)) if n.is_finite() => Literal::Number(*n),
        Some(ZodArg::Bool(b)) => Literal::Bool(*b),
        Some(ZodArg::Null) => Literal::Null,
        _ => {
            return Err(ZodError::new(format!(
                "`{construct}` of anything but one string, finite number, boolean or null is \
                 outside the zod subset jazz can evaluate statically"
            )));
        }
    };
    leaf(ZodKind::Literal(value))
}

/// zod keys an object by the variants, so JS object key order applies: duplicates keep their
/// first position, array-index strings come first in ascending order.
fn enumeration(construct: &str, arg: Option<&ZodArg>) -> Result<ZodSchema, ZodError> {
    let not_strings = || {
        ZodError::new(format!(
            "`{construct}` of anything but an array of strings is outside the zod subset jazz can \
             evaluate statically"
        ))
    };
    let Some(ZodArg::Array(items)) = arg else {
        return Err(not_strings());
    };
    let mut keyed: Vec<(String, ())> = Vec::with_capacity(items.len());
    for item in items {
        let ZodArg::String(s) = item else {
            return Err(not_strings());
        };
        insert_ordered(&mut keyed, s.clone(), ());
    }
    leaf(ZodKind::Enum(keyed.into_iter().map(|(k, ())| k).collect()))
}

fn shape(construct: &str, arg: Option<&ZodArg>) -> Result<Vec<(String, Rc<ZodSchema>)>, ZodError> {
    let Some(ZodArg::Object(members)) = arg else {
        return Err(ZodError::new(format!(
            "`{construct}` needs an object literal of zod schemas as its shape"
        )));
    };
    let mut shape = Vec::with_capacity(members.len());
    for (key, value) in members {
        if key == "__proto__" {
            // zod 4.3 leaves such a key out of `properties` but lists it in `required`.
            return Err(ZodError::new(
                "a shape key `__proto__` is outside the zod subset jazz can evaluate statically",
            ));
        }
        let ZodArg::Zod(value) = value else {
            return Err(ZodError::new(format!(
                "the shape member `{key}` is not a zod schema; `{construct}` shapes outside the \
                 zod subset cannot be evaluated statically"
            )));
        };
        insert_ordered(&mut shape, key.clone(), Rc::clone(value));
    }
    Ok(shape)
}

fn union(construct: &str, arg: Option<&ZodArg>) -> Result<ZodSchema, ZodError> {
    let Some(ZodArg::Array(items)) = arg else {
        return Err(ZodError::new(format!(
            "`{construct}` needs an array of zod schemas"
        )));
    };
    if items.is_empty() {
        return Err(ZodError::new(
            "`z.union([])` throws in zod; it is outside the zod subset jazz can evaluate statically",
        ));
    }
    let members = items
        .iter()
        .map(|item| zod_arg(construct, Some(item)))
        .collect::<Result<Vec<_>, _>>()?;
    ZodSchema::new(ZodKind::Union(members))
}

/// `<recv>.<name>(args)`.
pub(super) fn call_method(
    recv: &ZodSchema,
    name: &str,
    args: &[ZodArg],
) -> Result<ZodSchema, ZodError> {
    let construct = format!(".{name}()");
    let c = construct.as_str();
    let wrap = |make: fn(Rc<ZodSchema>) -> ZodKind| {
        if !args.is_empty() {
            return Err(ZodError::outside(&format!(".{name}(…)")));
        }
        ZodSchema::new(make(Rc::new(recv.clone())))
    };
    match (recv.kind(), name) {
        (_, "optional") => wrap(ZodKind::Optional),
        (_, "nullable") => wrap(ZodKind::Nullable),
        (ZodKind::String(s), "min" | "max" | "length" | "nonempty") => {
            let length = length_bound(c, s.length, name, args)?;
            leaf(ZodKind::String(StringSchema {
                length,
                ..s.clone()
            }))
        }
        (ZodKind::Array { element, length }, "min" | "max" | "length" | "nonempty") => {
            let length = length_bound(c, *length, name, args)?;
            ZodSchema::new(ZodKind::Array {
                element: Rc::clone(element),
                length,
            })
        }
        (ZodKind::Number(n), _) if is_number_method(name) => {
            leaf(ZodKind::Number(number_method(c, *n, name, args)?))
        }
        (ZodKind::Object { shape, .. }, "strict" | "passthrough") => {
            if !args.is_empty() {
                return Err(ZodError::outside(&format!(".{name}(…)")));
            }
            let mode = if name == "strict" {
                ObjectMode::Strict
            } else {
                ObjectMode::Loose
            };
            ZodSchema::new(ZodKind::Object {
                shape: shape.clone(),
                mode,
            })
        }
        (kind, _) if is_subset_method(name) => Err(ZodError::new(format!(
            "`{construct}` on {} is outside the zod subset jazz can evaluate statically",
            describe(kind)
        ))),
        _ => Err(ZodError::outside(&construct)),
    }
}

fn is_subset_method(name: &str) -> bool {
    is_number_method(name) || matches!(name, "length" | "nonempty" | "strict" | "passthrough")
}

fn describe(kind: &ZodKind) -> &'static str {
    match kind {
        ZodKind::String(_) => "a string schema",
        ZodKind::Number(_) => "a number schema",
        ZodKind::Boolean => "z.boolean()",
        ZodKind::Null => "z.null()",
        ZodKind::Any => "z.any()",
        ZodKind::Unknown => "z.unknown()",
        ZodKind::Literal(_) => "z.literal()",
        ZodKind::Enum(_) => "z.enum()",
        ZodKind::Array { .. } => "an array schema",
        ZodKind::Object { .. } => "an object schema",
        ZodKind::Record { .. } => "z.record()",
        ZodKind::Union(_) => "z.union()",
        ZodKind::Nullable(_) => "a nullable schema",
        ZodKind::Optional(_) => "an optional schema",
    }
}
