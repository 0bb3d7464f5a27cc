//! Reading WasmSchema JSON as upstream does: `JSON.parse` in JS, then
//! `JSON.stringify`, then serde in Rust.
//!
//! The JS steps are [`json::parse`] plus one rule applied while reading: a non-finite number is
//! `null` (what `JSON.stringify` wrote). The serde step is hand-written below: unknown fields
//! are ignored, explicit `null` is absent for the optional fields, and numbers are read through
//! serdeNum of the JS number text.

use super::WasmJsonError;
use crate::schema::hash::parse_uuid;
use crate::schema::hash::serde_num::{
    self, i32_from_js, i64_from_js, timestamp_from_js, u8_from_js,
};
use crate::schema::json::{self, JsonValue};
use crate::schema::{Column, ColumnType, MergeStrategy, Table, Value, WasmSchema};

type Members = [(String, JsonValue)];

/// Reads WasmSchema JSON: a bare schema object, or the runtime envelope
/// `{"__jazzRuntimeSchema":1,"schema":{…},…}`. Policies are accepted and dropped.
pub fn from_json_text(text: &str) -> Result<WasmSchema, WasmJsonError> {
    let root = json::parse(text).map_err(|e| WasmJsonError(format!("invalid JSON: {e}")))?;
    let JsonValue::Object(members) = &root else {
        return Err(err("", "expected an object of tables"));
    };
    if let (Some(marker), Some(JsonValue::Object(inner))) = (
        field(members, "__jazzRuntimeSchema"),
        field(members, "schema"),
    ) && matches!(marker, JsonValue::Number(_))
    {
        // Upstream's untagged enum tries the envelope first, then the bare schema.
        return read_schema(inner).or_else(|e| read_schema(members).map_err(|_| e));
    }
    read_schema(members)
}

fn err(path: &str, message: &str) -> WasmJsonError {
    if path.is_empty() {
        WasmJsonError(format!("invalid schema: {message}"))
    } else {
        WasmJsonError(format!("invalid schema at {path}: {message}"))
    }
}

/// A member's value, with JSON `null` (and non-finite numbers, which JS wrote as `null`) as absent.
fn field<'a>(members: &'a Members, key: &str) -> Option<&'a JsonValue> {
    members
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .filter(|v| !is_null(v))
}

fn is_null(v: &JsonValue) -> bool {
    match v {
        JsonValue::Null => true,
        JsonValue::Number(x) => !x.is_finite(),
        _ => false,
    }
}

fn required<'a>(
    members: &'a Members,
    key: &str,
    path: &str,
) -> Result<&'a JsonValue, WasmJsonError> {
    field(members, key).ok_or_else(|| err(path, &format!("missing field `{key}`")))
}

fn as_object<'a>(v: &'a JsonValue, path: &str) -> Result<&'a Members, WasmJsonError> {
    match v {
        JsonValue::Object(m) => Ok(m),
        _ => Err(err(path, "expected an object")),
    }
}

fn as_array<'a>(v: &'a JsonValue, path: &str) -> Result<&'a [JsonValue], WasmJsonError> {
    match v {
        JsonValue::Array(items) => Ok(items),
        _ => Err(err(path, "expected an array")),
    }
}

fn as_string(v: &JsonValue, path: &str) -> Result<String, WasmJsonError> {
    match v {
        JsonValue::String(s) => Ok(s.clone()),
        _ => Err(err(path, "expected a string")),
    }
}

fn as_bool(v: &JsonValue, path: &str) -> Result<bool, WasmJsonError> {
    match v {
        JsonValue::Bool(b) => Ok(*b),
        _ => Err(err(path, "expected a boolean")),
    }
}

fn as_number(v: &JsonValue, path: &str) -> Result<f64, WasmJsonError> {
    match v {
        JsonValue::Number(x) if x.is_finite() => Ok(*x),
        _ => Err(err(path, "expected a number")),
    }
}

fn strings(v: &JsonValue, path: &str) -> Result<Vec<String>, WasmJsonError> {
    as_array(v, path)?
        .iter()
        .enumerate()
        .map(|(i, s)| as_string(s, &format!("{path}[{i}]")))
        .collect()
}

fn read_schema(members: &Members) -> Result<WasmSchema, WasmJsonError> {
    let tables = members
        .iter()
        .map(|(name, v)| read_table(name, v, &format!("{name:?}")))
        .collect::<Result<_, _>>()?;
    Ok(WasmSchema { tables })
}

fn read_table(name: &str, v: &JsonValue, path: &str) -> Result<Table, WasmJsonError> {
    let members = as_object(v, path)?;
    if let Some((_, policies)) = members.iter().find(|(k, _)| k == "policies") {
        // Rust's TablePolicies has a default but no Option: `null` is a type error.
        if !matches!(policies, JsonValue::Object(_)) {
            return Err(err(&format!("{path}.policies"), "expected an object"));
        }
    }
    let columns = read_columns(
        required(members, "columns", path)?,
        &format!("{path}.columns"),
    )?;
    let indexed_columns = field(members, "indexed_columns")
        .map(|v| strings(v, &format!("{path}.indexed_columns")))
        .transpose()?;
    Ok(Table {
        name: name.to_string(),
        columns,
        indexed_columns,
    })
}

fn read_columns(v: &JsonValue, path: &str) -> Result<Vec<Column>, WasmJsonError> {
    as_array(v, path)?
        .iter()
        .enumerate()
        .map(|(i, c)| read_column(c, &format!("{path}[{i}]")))
        .collect()
}

fn read_column(v: &JsonValue, path: &str) -> Result<Column, WasmJsonError> {
    let m = as_object(v, path)?;
    let name = as_string(required(m, "name", path)?, &format!("{path}.name"))?;
    let column_type = read_column_type(
        required(m, "column_type", path)?,
        &format!("{path}.column_type"),
    )?;
    let nullable = as_bool(required(m, "nullable", path)?, &format!("{path}.nullable"))?;
    let default = field(m, "default")
        .map(|d| read_value(d, &format!("{path}.default")))
        .transpose()?;
    let references = field(m, "references")
        .map(|r| as_string(r, &format!("{path}.references")))
        .transpose()?;
    let merge_strategy = match field(m, "merge_strategy") {
        None => None,
        Some(JsonValue::String(s)) if s == "Counter" => Some(MergeStrategy::Counter),
        Some(JsonValue::String(s)) if s == "GSet" => Some(MergeStrategy::GSet),
        Some(_) => {
            return Err(err(
                &format!("{path}.merge_strategy"),
                "expected \"Counter\" or \"GSet\"",
            ));
        }
    };
    Ok(Column {
        name,
        column_type,
        nullable,
        default,
        references,
        merge_strategy,
    })
}

fn read_column_type(v: &JsonValue, path: &str) -> Result<ColumnType, WasmJsonError> {
    let m = as_object(v, path)?;
    let tag = as_string(required(m, "type", path)?, &format!("{path}.type"))?;
    Ok(match tag.as_str() {
        "Integer" => ColumnType::Integer,
        "BigInt" => ColumnType::BigInt,
        "Boolean" => ColumnType::Boolean,
        "Text" => ColumnType::Text,
        "Timestamp" => ColumnType::Timestamp,
        "Uuid" => ColumnType::Uuid,
        "Double" => ColumnType::Double,
        "Bytea" => ColumnType::Bytea,
        "BatchId" => ColumnType::BatchId,
        "Enum" => ColumnType::Enum {
            variants: strings(required(m, "variants", path)?, &format!("{path}.variants"))?,
        },
        "Json" => ColumnType::Json {
            schema: field(m, "schema").cloned(),
        },
        "Array" => ColumnType::Array(Box::new(read_column_type(
            required(m, "element", path)?,
            &format!("{path}.element"),
        )?)),
        "Row" => ColumnType::Row(read_columns(
            required(m, "columns", path)?,
            &format!("{path}.columns"),
        )?),
        other => return Err(err(path, &format!("unknown column type `{other}`"))),
    })
}

fn read_value(v: &JsonValue, path: &str) -> Result<Value, WasmJsonError> {
    let m = as_object(v, path)?;
    let tag = as_string(required(m, "type", path)?, &format!("{path}.type"))?;
    let content_path = format!("{path}.value");
    if tag == "Null" {
        return match m.iter().find(|(k, _)| k == "value") {
            Some((_, c)) if !is_null(c) => Err(err(&content_path, "expected null")),
            _ => Ok(Value::Null),
        };
    }
    let content = required(m, "value", path)?;
    let p = content_path.as_str();
    fn number<T>(
        v: &JsonValue,
        p: &str,
        check: fn(f64) -> Option<T>,
        what: &str,
    ) -> Result<T, WasmJsonError> {
        check(as_number(v, p)?).ok_or_else(|| err(p, what))
    }
    Ok(match tag.as_str() {
        "Integer" => Value::Integer(number(
            content,
            p,
            i32_from_js,
            "Integer must be an integer in i32 range",
        )?),
        "BigInt" => Value::BigInt(number(
            content,
            p,
            i64_from_js,
            "BigInt must be an integer in i64 range",
        )?),
        "Timestamp" => Value::Timestamp(number(
            content,
            p,
            timestamp_from_js,
            "Timestamp must be an integer milliseconds value >= 0",
        )?),
        "Double" => {
            let x = as_number(content, p)?;
            serde_num::serde_num_of_js(x).ok_or_else(|| err(p, "number out of range"))?;
            Value::Double(x)
        }
        "Boolean" => Value::Boolean(as_bool(content, p)?),
        "Text" => Value::Text(as_string(content, p)?),
        "Uuid" => {
            let text = as_string(content, p)?;
            if parse_uuid(&text).is_none() {
                return Err(err(p, &format!("invalid UUID {text:?}")));
            }
            Value::Uuid(text)
        }
        "Bytea" => Value::Bytea(byte_array(content, p)?),
        "BatchId" => {
            let bytes = byte_array(content, p)?;
            Value::BatchId(bytes.try_into().map_err(|_| err(p, "expected 16 bytes"))?)
        }
        "Array" | "Row" => {
            let items = as_array(content, p)?
                .iter()
                .enumerate()
                .map(|(i, item)| read_value(item, &format!("{p}[{i}]")))
                .collect::<Result<Vec<_>, _>>()?;
            if tag == "Array" {
                Value::Array(items)
            } else {
                Value::Row(items)
            }
        }
        other => return Err(err(path, &format!("unknown value type `{other}`"))),
    })
}

fn byte_array(v: &JsonValue, path: &str) -> Result<Vec<u8>, WasmJsonError> {
    as_array(v, path)?
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let p = format!("{path}[{i}]");
            u8_from_js(as_number(b, &p)?).ok_or_else(|| err(&p, "expected an integer 0..=255"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::wasm_json::to_compact_json;

    const STARTER: &str = r#"{"todos":{"columns":[{"name":"title","column_type":{"type":"Text"},"nullable":false},{"name":"done","column_type":{"type":"Boolean"},"nullable":false}]}}"#;

    fn compact(text: &str) -> Result<String, WasmJsonError> {
        from_json_text(text).map(|s| to_compact_json(&s))
    }

    #[test]
    fn accepts_envelope_nulls_unknown_fields_and_policies() {
        let envelope =
            format!(r#"{{"__jazzRuntimeSchema":1,"schema":{STARTER},"loadedPolicyBundle":true}}"#);
        assert_eq!(compact(&envelope), Ok(STARTER.to_string()));
        let noisy = r#"{"todos":{"x":1,"policies":{"select":{}},"indexed_columns":null,"columns":[{"name":"title","extra":[1],"column_type":{"type":"Text","what":0},"nullable":false,"default":null,"references":null,"merge_strategy":null},{"name":"done","column_type":{"type":"Boolean"},"nullable":false}]}}"#;
        assert_eq!(compact(noisy), Ok(STARTER.to_string()));
        let dup = format!(
            r#"{{"todos":{{"columns":[]}},"todos":{}}}"#,
            &STARTER[9..STARTER.len() - 1]
        );
        assert_eq!(compact(&dup), Ok(STARTER.to_string()));
    }

    #[test]
    fn rejects_what_serde_rejects() {
        let with_default = |col_type: &str, value: &str| {
            format!(
                r#"{{"t":{{"columns":[{{"name":"c","column_type":{{"type":"{col_type}"}},"nullable":false,"default":{value}}}]}}}}"#
            )
        };
        let bad = [
            r#"{"todos":{"columns":[],"policies":null}}"#.to_string(),
            r#"{"todos":{"columns":[],"policies":[]}}"#.to_string(),
            r#"{"todos":{}}"#.to_string(),
            r#"[]"#.to_string(),
            r#"{"t":{"columns":[{"name":"c","column_type":{"type":"Nope"},"nullable":false}]}}"#.to_string(),
            r#"{"t":{"columns":[{"name":"c","column_type":{"type":"Text"}}]}}"#.to_string(),
            r#"{"t":{"columns":[{"name":"c","column_type":{"type":"Text"},"nullable":false,"merge_strategy":"Lww"}]}}"#.to_string(),
            with_default("Integer", r#"{"type":"Integer","value":1.5}"#),
            with_default("Integer", r#"{"type":"Integer","value":2147483648}"#),
            with_default("Timestamp", r#"{"type":"Timestamp","value":-1}"#),
            with_default("Timestamp", r#"{"type":"Timestamp","value":1.5}"#),
            with_default("Timestamp", r#"{"type":"Timestamp","value":1e21}"#),
            with_default("Uuid", r#"{"type":"Uuid","value":"not-a-uuid"}"#),
            with_default("Bytea", r#"{"type":"Bytea","value":{"0":0,"1":1}}"#),
            with_default("Bytea", r#"{"type":"Bytea","value":[256]}"#),
            with_default("Double", r#"{"type":"Double","value":1e400}"#),
            with_default("Text", r#"{"type":"Text"}"#),
            with_default("Text", r#"{"type":"Null","value":1}"#),
            "{".to_string(),
        ];
        for text in bad {
            assert!(from_json_text(&text).is_err(), "accepted {text}");
        }
    }

    #[test]
    fn reads_values() {
        let text = r#"{"t":{"columns":[{"name":"c","column_type":{"type":"Timestamp"},"nullable":false,"default":{"type":"Timestamp","value":1.152921504606847e18}},{"name":"d","column_type":{"type":"Double"},"nullable":true,"default":{"type":"Null","value":null}},{"name":"u","column_type":{"type":"Uuid"},"nullable":false,"default":{"type":"Uuid","value":"URN:uuid:x"}}]}}"#;
        assert!(from_json_text(text).is_err());
        let text = text.replace("URN:uuid:x", "0123456789ABCDEF0123456789ABCDEF");
        let schema = from_json_text(&text).map(|s| s.tables);
        let defaults: Option<Vec<Option<Value>>> = schema.ok().and_then(|t| {
            t.first()
                .map(|t| t.columns.iter().map(|c| c.default.clone()).collect())
        });
        assert_eq!(
            defaults,
            Some(vec![
                Some(Value::Timestamp(1_152_921_504_606_847_000)),
                Some(Value::Null),
                Some(Value::Uuid("0123456789ABCDEF0123456789ABCDEF".into())),
            ])
        );
    }
}
