//! The JSON Schema of a zod schema, written the way zod 4.3.x `toJSONSchema` does for the
//! draft-07 target on the output side: the same members, in the same order.
//!
//! zod builds each schema's JSON from a "bag" of constraints filled by its checks; the number
//! rules below reproduce that bag for the one-bound-per-side chains `build` accepts.

use super::{IsoFormat, Literal, NumberSchema, ObjectMode, StringSchema, ZodKind, ZodSchema};
use crate::schema::JsonValue;

const DRAFT_07: &str = "http://json-schema.org/draft-07/schema#";

/// `Number.MAX_SAFE_INTEGER`: the bounds `.int()` brings.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// The date part of zod's ISO patterns; `z.iso.date()` ends here.
const ISO_DATE_PATTERN: &str = r"^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))";

/// What `z.iso.datetime()` (no options) appends to the date part: minutes required, seconds
/// and fraction optional, `Z` only.
const ISO_TIME_PATTERN: &str = r"T(?:(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z))";

type Members = Vec<(String, JsonValue)>;

/// `{"$schema": draft-07, …conv(schema)}`.
pub(super) fn to_json_schema(schema: &ZodSchema) -> JsonValue {
    let mut members = vec![("$schema".to_owned(), JsonValue::String(DRAFT_07.to_owned()))];
    members.extend(conv(schema));
    JsonValue::Object(members)
}

fn push(members: &mut Members, key: &str, value: JsonValue) {
    members.push((key.to_owned(), value));
}

fn string(s: &str) -> JsonValue {
    JsonValue::String(s.to_owned())
}

fn type_only(name: &str) -> Members {
    vec![("type".to_owned(), string(name))]
}

/// The members of one schema's JSON Schema, in zod's order.
fn conv(schema: &ZodSchema) -> Members {
    match schema.kind() {
        ZodKind::String(s) => conv_string(s),
        ZodKind::Number(n) => conv_number(n),
        ZodKind::Boolean => type_only("boolean"),
        ZodKind::Null => type_only("null"),
        ZodKind::Any | ZodKind::Unknown => Vec::new(),
        ZodKind::Literal(value) => {
            let (ty, value) = match value {
                Literal::String(s) => ("string", JsonValue::String(s.clone())),
                Literal::Number(n) => ("number", JsonValue::Number(*n)),
                Literal::Bool(b) => ("boolean", JsonValue::Bool(*b)),
                Literal::Null => ("null", JsonValue::Null),
            };
            let mut m = type_only(ty);
            push(&mut m, "const", value);
            m
        }
        ZodKind::Enum(variants) => {
            let mut m = type_only("string");
            let values = variants.iter().map(|v| string(v)).collect();
            push(&mut m, "enum", JsonValue::Array(values));
            m
        }
        ZodKind::Array { element, length } => {
            let mut m = Members::new();
            if let Some(min) = length.min {
                push(&mut m, "minItems", JsonValue::Number(min));
            }
            if let Some(max) = length.max {
                push(&mut m, "maxItems", JsonValue::Number(max));
            }
            push(&mut m, "type", string("array"));
            push(&mut m, "items", object(element));
            m
        }
        ZodKind::Object { shape, mode } => {
            let mut m = type_only("object");
            let properties = shape.iter().map(|(k, v)| (k.clone(), object(v))).collect();
            push(&mut m, "properties", JsonValue::Object(properties));
            let required: Vec<JsonValue> = shape
                .iter()
                .filter(|(_, v)| !is_optional(v))
                .map(|(k, _)| string(k))
                .collect();
            if !required.is_empty() {
                push(&mut m, "required", JsonValue::Array(required));
            }
            let additional = match mode {
                ObjectMode::Strip | ObjectMode::Strict => JsonValue::Bool(false),
                ObjectMode::Loose => JsonValue::Object(Vec::new()),
            };
            push(&mut m, "additionalProperties", additional);
            m
        }
        ZodKind::Record { key, value } => {
            let mut m = type_only("object");
            push(&mut m, "propertyNames", object(key));
            push(&mut m, "additionalProperties", object(value));
            m
        }
        ZodKind::Union(members) => {
            let options = members.iter().map(|member| object(member)).collect();
            vec![("anyOf".to_owned(), JsonValue::Array(options))]
        }
        ZodKind::Nullable(inner) => {
            let options = vec![object(inner), JsonValue::Object(type_only("null"))];
            vec![("anyOf".to_owned(), JsonValue::Array(options))]
        }
        ZodKind::Optional(inner) => conv(inner),
    }
}

fn object(schema: &ZodSchema) -> JsonValue {
    JsonValue::Object(conv(schema))
}

/// Whether an object shape member is left out of `required`: zod's `optout`, which `.optional()`
/// sets, `.nullable()` passes through and a union takes from any member.
fn is_optional(schema: &ZodSchema) -> bool {
    match schema.kind() {
        ZodKind::Optional(_) => true,
        ZodKind::Nullable(inner) => is_optional(inner),
        ZodKind::Union(members) => members.iter().any(|m| is_optional(m)),
        _ => false,
    }
}

fn conv_string(s: &StringSchema) -> Members {
    let mut m = type_only("string");
    if let Some(min) = s.length.min {
        push(&mut m, "minLength", JsonValue::Number(min));
    }
    if let Some(max) = s.length.max {
        push(&mut m, "maxLength", JsonValue::Number(max));
    }
    match s.format {
        Some(IsoFormat::DateTime) => {
            push(&mut m, "format", string("date-time"));
            let pattern = format!("{ISO_DATE_PATTERN}{ISO_TIME_PATTERN}$");
            push(&mut m, "pattern", JsonValue::String(pattern));
        }
        Some(IsoFormat::Date) => {
            push(&mut m, "format", string("date"));
            push(
                &mut m,
                "pattern",
                JsonValue::String(format!("{ISO_DATE_PATTERN}$")),
            );
        }
        None => {}
    }
    m
}

/// zod's number bag: `.int()` starts both inclusive bounds at ±MAX_SAFE_INTEGER, an inclusive
/// bound only ever tightens the bag, and when both an inclusive and an exclusive bound are
/// present on one side the tighter one wins (the exclusive one on a tie).
fn conv_number(n: &NumberSchema) -> Members {
    let mut m = type_only(if n.integer { "integer" } else { "number" });
    let default = |v: f64| n.integer.then_some(v);
    let (mut minimum, mut exclusive_minimum) = (default(-MAX_SAFE_INTEGER), None);
    if let Some(b) = n.lower {
        if b.exclusive {
            exclusive_minimum = Some(b.value);
        } else if minimum.is_none_or(|cur| b.value > cur) {
            minimum = Some(b.value);
        }
    }
    let (mut maximum, mut exclusive_maximum) = (default(MAX_SAFE_INTEGER), None);
    if let Some(b) = n.upper {
        if b.exclusive {
            exclusive_maximum = Some(b.value);
        } else if maximum.is_none_or(|cur| b.value < cur) {
            maximum = Some(b.value);
        }
    }
    match (exclusive_minimum, minimum) {
        (Some(ex), Some(min)) if ex >= min => {
            push(&mut m, "exclusiveMinimum", JsonValue::Number(ex))
        }
        (_, Some(min)) => push(&mut m, "minimum", JsonValue::Number(min)),
        (Some(ex), None) => push(&mut m, "exclusiveMinimum", JsonValue::Number(ex)),
        (None, None) => {}
    }
    match (exclusive_maximum, maximum) {
        (Some(ex), Some(max)) if ex <= max => {
            push(&mut m, "exclusiveMaximum", JsonValue::Number(ex))
        }
        (_, Some(max)) => push(&mut m, "maximum", JsonValue::Number(max)),
        (Some(ex), None) => push(&mut m, "exclusiveMaximum", JsonValue::Number(ex)),
        (None, None) => {}
    }
    if let Some(step) = n.multiple_of {
        push(&mut m, "multipleOf", JsonValue::Number(step));
    }
    m
}
