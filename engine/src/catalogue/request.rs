//! Checking publish bodies (cli-and-server.md §3.3.4, §3.3.7, §3.3.8, §5.1) into catalogue
//! values. Pure: bytes in, values or a one-line message out. Never panics on any input.
//!
//! Schemas go through the compiler's WasmSchema reader and hash; permissions through the
//! compiler's policy JSON reader and bytecode encoder. Lenses are checked for shape and the
//! upstream marker rules here, because the compiler has no reader for lens JSON yet.

use jazz_schema_compiler::policy;
use jazz_schema_compiler::schema::hash::parse_hex;
use jazz_schema_compiler::schema::json::{self, JsonValue, stringify};
use jazz_schema_compiler::schema::wasm_json::{from_json_text, to_compact_json};
use jazz_schema_compiler::schema::{SchemaHash, WasmSchema, schema_hash};
use serde_json::Value;
use uuid::Uuid;

/// Deepest nesting a request body may have (§5.1).
pub const MAX_NESTING: usize = 128;

type Members = [(String, JsonValue)];

fn field<'a>(o: &'a Members, k: &str) -> Option<&'a JsonValue> {
    o.iter().find(|(key, _)| key == k).map(|(_, v)| v)
}

/// Parses a body as JSON: `invalid JSON body: <detail>` on failure (§5.1).
pub fn parse_body(body: &[u8]) -> Result<JsonValue, String> {
    let text =
        std::str::from_utf8(body).map_err(|e| format!("invalid JSON body: invalid UTF-8: {e}"))?;
    if nesting(text) > MAX_NESTING {
        return Err(format!(
            "invalid JSON body: nesting deeper than {MAX_NESTING} levels"
        ));
    }
    json::parse(text).map_err(|e| format!("invalid JSON body: {e}"))
}

/// The deepest bracket nesting outside strings (an upper bound of the parser's recursion).
fn nesting(text: &str) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

fn object(v: &JsonValue) -> Result<&Members, String> {
    match v {
        JsonValue::Object(m) => Ok(m),
        _ => Err("invalid request body: expected a JSON object".into()),
    }
}

/// A schema hash from a path or a query: 64 hex characters, either case (§3.1).
pub fn parse_hash(text: &str) -> Result<SchemaHash, String> {
    if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("invalid schema hash: expected hex string".into());
    }
    parse_hex(text).ok_or_else(|| "invalid schema hash: expected 64 hex chars".into())
}

fn hash_field(o: &Members, k: &str) -> Result<SchemaHash, String> {
    match field(o, k) {
        Some(JsonValue::String(s)) => parse_hash(s),
        None | Some(JsonValue::Null) => Err(format!("invalid request body: missing field `{k}`")),
        Some(_) => Err(format!(
            "invalid request body: field `{k}` must be a string"
        )),
    }
}

/// A checked schema publish: the schema, its canonical JSON and its hash.
#[derive(Debug)]
pub struct SchemaPublish {
    pub schema: WasmSchema,
    pub json: String,
    pub hash: SchemaHash,
}

/// Tables a published schema may have at most (§5.2); more is 413.
pub const MAX_SCHEMA_TABLES: usize = 100_000;
/// Columns a published schema may have at most, over all its tables (§5.2); more is 413.
pub const MAX_SCHEMA_COLUMNS: usize = 1_000_000;

/// Why a schema publish was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaRefusal {
    /// 400: not a valid schema.
    Invalid(String),
    /// 413: over [`MAX_SCHEMA_TABLES`] or [`MAX_SCHEMA_COLUMNS`].
    TooLarge(String),
}

impl std::fmt::Display for SchemaRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SchemaRefusal::Invalid(m) | SchemaRefusal::TooLarge(m) => f.write_str(m),
        }
    }
}

/// `POST /admin/schemas` (§3.3.4).
pub fn schema_publish(body: &JsonValue) -> Result<SchemaPublish, SchemaRefusal> {
    let o = object(body).map_err(SchemaRefusal::Invalid)?;
    if !matches!(field(o, "permissions"), None | Some(JsonValue::Null)) {
        return Err(SchemaRefusal::Invalid("schema publishing no longer accepts permissions; publish permissions via POST /admin/permissions".into()));
    }
    let Some(raw) = field(o, "schema") else {
        return Err(SchemaRefusal::Invalid(
            "invalid schema: missing field `schema`".into(),
        ));
    };
    // Policies inside tables are dropped by the reader, before hashing and storing.
    let schema = from_json_text(&stringify(raw)).map_err(|e| {
        SchemaRefusal::Invalid(if e.0.starts_with("invalid schema") {
            e.0
        } else {
            format!("invalid schema: {}", e.0)
        })
    })?;
    check_schema_size(&schema)?;
    check_names(&schema).map_err(SchemaRefusal::Invalid)?;
    let hash = schema_hash(&schema);
    let json = to_compact_json(&schema);
    Ok(SchemaPublish { schema, json, hash })
}

fn check_schema_size(schema: &WasmSchema) -> Result<(), SchemaRefusal> {
    let tables = schema.tables.len();
    if tables > MAX_SCHEMA_TABLES {
        return Err(SchemaRefusal::TooLarge(format!(
            "schema too large: {tables} tables (limit {MAX_SCHEMA_TABLES})"
        )));
    }
    let columns: usize = schema.tables.iter().map(|t| t.columns.len()).sum();
    if columns > MAX_SCHEMA_COLUMNS {
        return Err(SchemaRefusal::TooLarge(format!(
            "schema too large: {columns} columns (limit {MAX_SCHEMA_COLUMNS})"
        )));
    }
    Ok(())
}

/// Table and column names (and the names they refer to) must not contain control characters:
/// they are invisible in every listing, and NUL would make different schemas hash alike.
fn check_names(schema: &WasmSchema) -> Result<(), String> {
    let bad = |name: &str| name.chars().find(|c| c.is_control());
    for t in &schema.tables {
        if let Some(c) = bad(&t.name) {
            return Err(format!(
                "invalid schema: table name {} contains the control character U+{:04X}",
                Value::from(t.name.as_str()),
                u32::from(c)
            ));
        }
        let columns = t.columns.iter().map(|c| c.name.as_str());
        let refs = t.columns.iter().filter_map(|c| c.references.as_deref());
        let indexed = t.indexed_columns.iter().flatten().map(String::as_str);
        for name in columns.chain(refs).chain(indexed) {
            if let Some(c) = bad(name) {
                return Err(format!(
                    "invalid schema: table {}: name {} contains the control character U+{:04X}",
                    Value::from(t.name.as_str()),
                    Value::from(name),
                    u32::from(c)
                ));
            }
        }
    }
    Ok(())
}

/// One table lens, as far as the server checks it.
#[derive(Debug, Clone, PartialEq)]
pub struct TableLensShape {
    pub table: String,
    pub added: bool,
    pub removed: bool,
    pub renamed_from: Option<String>,
    pub operations: usize,
}

/// A checked lens publish.
#[derive(Debug)]
pub struct LensPublish {
    pub from: SchemaHash,
    pub to: SchemaHash,
    pub tables: Vec<TableLensShape>,
    /// Compact JSON of `forward`.
    pub forward: String,
}

fn bool_field(o: &Members, k: &str, table: &str) -> Result<bool, String> {
    match field(o, k) {
        None | Some(JsonValue::Null) => Ok(false),
        Some(JsonValue::Bool(b)) => Ok(*b),
        Some(_) => Err(format!(
            "invalid request body: `{k}` of table {table} must be a boolean"
        )),
    }
}

fn op_shape(op: &JsonValue, table: &str) -> Result<(), String> {
    let bad = |what: &str| format!("invalid request body: operation on table {table}: {what}");
    let JsonValue::Object(o) = op else {
        return Err(bad("expected an object"));
    };
    let Some(JsonValue::String(column)) = field(o, "column") else {
        return Err(bad("missing string field `column`"));
    };
    match field(o, "type") {
        Some(JsonValue::String(t)) if t == "introduce" || t == "drop" => {
            match (field(o, "column_type"), field(o, "value")) {
                (Some(JsonValue::Object(_)), Some(JsonValue::Object(_))) => Ok(()),
                _ => Err(bad(&format!(
                    "{t} of column {column} needs object fields `column_type` and `value`"
                ))),
            }
        }
        Some(JsonValue::String(t)) if t == "rename" => match field(o, "value") {
            Some(JsonValue::String(_)) => Ok(()),
            _ => Err(bad(&format!(
                "rename of column {column} needs a string `value`"
            ))),
        },
        _ => Err(bad("`type` must be introduce, drop or rename")),
    }
}

/// `POST /admin/migrations`, shape and marker rules (§3.3.8). Table references are checked
/// against the schemas by [`check_lens_tables`].
pub fn lens_publish(body: &JsonValue) -> Result<LensPublish, String> {
    let o = object(body)?;
    let from = hash_field(o, "fromHash")?;
    let to = hash_field(o, "toHash")?;
    let forward = match field(o, "forward") {
        Some(JsonValue::Array(items)) => items,
        None | Some(JsonValue::Null) => {
            return Err("invalid request body: missing field `forward`".into());
        }
        Some(_) => return Err("invalid request body: `forward` must be an array".into()),
    };
    let mut tables = Vec::with_capacity(forward.len());
    for item in forward {
        let JsonValue::Object(t) = item else {
            return Err("invalid request body: every table lens must be an object".into());
        };
        let Some(JsonValue::String(name)) = field(t, "table") else {
            return Err("invalid request body: table lens without a string `table`".into());
        };
        let added = bool_field(t, "added", name)?;
        let removed = bool_field(t, "removed", name)?;
        let renamed_from = match field(t, "renamedFrom") {
            None | Some(JsonValue::Null) => None,
            Some(JsonValue::String(s)) => Some(s.clone()),
            Some(_) => {
                return Err(format!(
                    "invalid request body: `renamedFrom` of table {name} must be a string"
                ));
            }
        };
        let ops: &[JsonValue] = match field(t, "operations") {
            None | Some(JsonValue::Null) => &[],
            Some(JsonValue::Array(ops)) => ops,
            Some(_) => {
                return Err(format!(
                    "invalid request body: `operations` of table {name} must be an array"
                ));
            }
        };
        for op in ops {
            op_shape(op, name)?;
        }
        if added && removed {
            return Err(format!("table {name} cannot be both added and removed"));
        }
        if (added || removed) && renamed_from.is_some() {
            return Err(format!(
                "table {name} cannot combine added/removed markers with renamedFrom"
            ));
        }
        if (added || removed) && !ops.is_empty() {
            return Err(format!(
                "table {name} cannot combine added/removed markers with column operations"
            ));
        }
        tables.push(TableLensShape {
            table: name.clone(),
            added,
            removed,
            renamed_from,
            operations: ops.len(),
        });
    }
    let forward = match field(o, "forward") {
        Some(v) => stringify(v),
        None => "[]".into(),
    };
    Ok(LensPublish {
        from,
        to,
        tables,
        forward,
    })
}

/// Added tables must exist in the target schema, removed ones in the source (§3.3.8).
pub fn check_lens_tables(
    tables: &[TableLensShape],
    from: &WasmSchema,
    to: &WasmSchema,
) -> Result<(), String> {
    for t in tables {
        if t.added && to.table(&t.table).is_none() {
            return Err(format!(
                "createTables references unknown target table {}",
                t.table
            ));
        }
        if t.removed && from.table(&t.table).is_none() {
            return Err(format!(
                "dropTables references unknown source table {}",
                t.table
            ));
        }
    }
    Ok(())
}

/// A checked permissions publish.
#[derive(Debug)]
pub struct PermissionsPublish {
    pub schema_hash: SchemaHash,
    pub permissions: JsonValue,
    pub expected_parent: Option<Uuid>,
}

/// `POST /admin/permissions`, step 1 (§3.3.7).
pub fn permissions_publish(body: &JsonValue) -> Result<PermissionsPublish, String> {
    let o = object(body)?;
    let schema_hash = hash_field(o, "schemaHash")?;
    let expected_parent = match field(o, "expectedParentBundleObjectId") {
        None | Some(JsonValue::Null) => None,
        Some(JsonValue::String(s)) => {
            Some(Uuid::parse_str(s).map_err(|_| "invalid object id: expected UUID".to_string())?)
        }
        Some(_) => return Err("invalid object id: expected UUID".into()),
    };
    let permissions = match field(o, "permissions") {
        Some(p @ JsonValue::Object(_)) => p.clone(),
        None => return Err("invalid permissions: missing field `permissions`".into()),
        Some(_) => return Err("invalid permissions: expected an object of tables".into()),
    };
    policy::parse::policy(&permissions).map_err(|e| format!("invalid permissions: {e}"))?;
    Ok(PermissionsPublish {
        schema_hash,
        permissions,
        expected_parent,
    })
}

/// Compiles a permissions map against its schema into our bytecode, with its content hash.
/// The map was checked by [`permissions_publish`] (or when it was stored).
pub fn compile_permissions(
    permissions: &JsonValue,
    schema: &WasmSchema,
) -> Result<(Vec<u8>, String), String> {
    let policy =
        policy::parse::policy(permissions).map_err(|e| format!("invalid permissions: {e}"))?;
    let bytes = policy::bytecode::encode(&policy, schema);
    let hash = policy::bytecode::content_hash(&bytes);
    Ok((bytes, hash))
}

/// The upstream server's serialisation of a permissions map (§3.3.6): every table has the four
/// operations, each with `using` and `with_check` (`null` when absent).
pub fn permissions_for_answer(permissions: &JsonValue) -> JsonValue {
    let JsonValue::Object(tables) = permissions else {
        return permissions.clone();
    };
    let mut out = Vec::with_capacity(tables.len());
    for (name, ops) in tables {
        let ops = match ops {
            JsonValue::Object(o) => o.as_slice(),
            _ => &[],
        };
        let mut table = Vec::new();
        for op in ["select", "insert", "update", "delete"] {
            let given = match field(ops, op) {
                Some(JsonValue::Object(o)) => o.as_slice(),
                _ => &[],
            };
            let slot = |k: &str| field(given, k).cloned().unwrap_or(JsonValue::Null);
            table.push((
                op.to_string(),
                JsonValue::Object(vec![
                    ("using".into(), slot("using")),
                    ("with_check".into(), slot("with_check")),
                ]),
            ));
        }
        out.push((name.clone(), JsonValue::Object(table)));
    }
    JsonValue::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_checked_without_panicking() {
        assert!(parse_body(b"{").is_err_and(|e| e.starts_with("invalid JSON body:")));
        assert!(parse_body(&[0xff, 0xfe]).is_err());
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(parse_body(deep.as_bytes()).is_err_and(|e| e.contains("nesting")));
        assert!(parse_body(br#"{"a":"[[[["}"#).is_ok());
    }

    #[test]
    fn hashes_are_checked() {
        assert_eq!(
            parse_hash("zz").err().as_deref(),
            Some("invalid schema hash: expected hex string")
        );
        assert_eq!(
            parse_hash("ab").err().as_deref(),
            Some("invalid schema hash: expected 64 hex chars")
        );
        assert!(parse_hash(&"AB".repeat(32)).is_ok());
    }

    #[test]
    fn lens_marker_rules() -> Result<(), String> {
        let h = "a".repeat(64);
        let body = |t: &str| format!(r#"{{"fromHash":"{h}","toHash":"{h}","forward":[{t}]}}"#);
        let check = |t: &str| parse_body(body(t).as_bytes()).and_then(|v| lens_publish(&v));
        assert!(check(r#"{"table":"a"}"#).is_ok());
        assert!(
            check(r#"{"table":"a","added":true,"removed":true}"#)
                .is_err_and(|e| e == "table a cannot be both added and removed")
        );
        assert!(
            check(r#"{"table":"a","added":true,"renamedFrom":"b"}"#)
                .is_err_and(|e| e.contains("renamedFrom"))
        );
        assert!(
            check(r#"{"table":"a","removed":true,"operations":[{"type":"rename","column":"x","value":"y"}]}"#)
                .is_err_and(|e| e.contains("column operations"))
        );
        assert!(check(r#"{"table":"a","operations":[{"type":"zap","column":"x"}]}"#).is_err());
        Ok(())
    }
}
