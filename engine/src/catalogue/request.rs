//! Checking publish bodies into catalogue
//! values. Pure: bytes in, values or a [`RequestError`] out (its `Display` is the one-line
//! message the client gets). Never panics on any input.
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

/// Deepest nesting a request body may have.
pub const MAX_NESTING: usize = 128;

type Members = [(String, JsonValue)];

/// Why a request (body, path or query) was refused. Every variant is the client's fault; the
/// server chooses the status from the variant (`server/error.rs`): [`Self::SchemaTooLarge`] is
/// 413, the rest 400. `Display` is the message of the error body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The body is not UTF-8.
    #[error("invalid JSON body: invalid UTF-8: {0}")]
    Utf8(String),
    /// The body nests deeper than [`MAX_NESTING`].
    #[error("invalid JSON body: nesting deeper than {MAX_NESTING} levels")]
    TooDeep,
    /// The body is not JSON; the parser's message.
    #[error("invalid JSON body: {0}")]
    Json(String),
    /// The body is JSON of the wrong shape; what is wrong.
    #[error("invalid request body: {0}")]
    Shape(String),
    /// A required query parameter is absent or empty.
    #[error("missing query parameter {0}")]
    MissingQuery(String),
    /// A schema hash with a character that is not a hex digit.
    #[error("invalid schema hash: expected hex string")]
    HashNotHex,
    /// A schema hash of hex digits, but not 64 of them.
    #[error("invalid schema hash: expected 64 hex chars")]
    HashLength,
    /// `expectedParentBundleObjectId` is not a UUID.
    #[error("invalid object id: expected UUID")]
    ObjectId,
    /// A schema publish that still carries `permissions`.
    #[error(
        "schema publishing no longer accepts permissions; publish permissions via POST /admin/permissions"
    )]
    PermissionsInSchema,
    /// Not a valid schema: the reader's message, which names the schema itself.
    #[error("{0}")]
    SchemaReader(String),
    /// Not a valid schema: what is wrong.
    #[error("invalid schema: {0}")]
    Schema(String),
    /// Over [`MAX_SCHEMA_TABLES`] tables or [`MAX_SCHEMA_COLUMNS`] columns; `what` is
    /// `tables` or `columns`.
    #[error("schema too large: {count} {what} (limit {limit})")]
    SchemaTooLarge {
        what: &'static str,
        count: usize,
        limit: usize,
    },
    /// A table lens whose markers contradict each other; `rule` completes `table <t> cannot`.
    #[error("table {table} cannot {rule}")]
    LensMarkers { table: String, rule: &'static str },
    /// A lens creates a table the target schema lacks.
    #[error("createTables references unknown target table {0}")]
    UnknownTargetTable(String),
    /// A lens drops a table the source schema lacks.
    #[error("dropTables references unknown source table {0}")]
    UnknownSourceTable(String),
    /// A permissions map that is missing, of the wrong shape, or does not read as a policy.
    #[error("invalid permissions: {0}")]
    Permissions(String),
}

fn field<'a>(o: &'a Members, k: &str) -> Option<&'a JsonValue> {
    o.iter().find(|(key, _)| key == k).map(|(_, v)| v)
}

/// Parses a body as JSON: `invalid JSON body: <detail>` on failure.
pub fn parse_body(body: &[u8]) -> Result<JsonValue, RequestError> {
    let text = std::str::from_utf8(body).map_err(|e| RequestError::Utf8(e.to_string()))?;
    if nesting(text) > MAX_NESTING {
        return Err(RequestError::TooDeep);
    }
    json::parse(text).map_err(|e| RequestError::Json(e.to_string()))
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

fn shape(what: impl Into<String>) -> RequestError {
    RequestError::Shape(what.into())
}

fn object(v: &JsonValue) -> Result<&Members, RequestError> {
    match v {
        JsonValue::Object(m) => Ok(m),
        _ => Err(shape("expected a JSON object")),
    }
}

/// A schema hash from a path or a query: 64 hex characters, either case.
pub fn parse_hash(text: &str) -> Result<SchemaHash, RequestError> {
    if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(RequestError::HashNotHex);
    }
    parse_hex(text).ok_or(RequestError::HashLength)
}

/// The schema hash in query parameter `name` of a raw query string (`fromHash`, `toHash`).
pub fn query_hash(query: Option<&str>, name: &str) -> Result<SchemaHash, RequestError> {
    let value = query
        .unwrap_or("")
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| RequestError::MissingQuery(name.to_string()))?;
    parse_hash(value)
}

fn hash_field(o: &Members, k: &str) -> Result<SchemaHash, RequestError> {
    match field(o, k) {
        Some(JsonValue::String(s)) => parse_hash(s),
        None | Some(JsonValue::Null) => Err(shape(format!("missing field `{k}`"))),
        Some(_) => Err(shape(format!("field `{k}` must be a string"))),
    }
}

/// A checked schema publish: the schema, its canonical JSON and its hash.
#[derive(Debug)]
pub struct SchemaPublish {
    pub schema: WasmSchema,
    pub json: String,
    pub hash: SchemaHash,
}

/// Tables a published schema may have at most; more is 413.
pub const MAX_SCHEMA_TABLES: usize = 100_000;
/// Columns a published schema may have at most, over all its tables; more is 413.
pub const MAX_SCHEMA_COLUMNS: usize = 1_000_000;

/// `POST /admin/schemas`.
pub fn schema_publish(body: &JsonValue) -> Result<SchemaPublish, RequestError> {
    let o = object(body)?;
    if !matches!(field(o, "permissions"), None | Some(JsonValue::Null)) {
        return Err(RequestError::PermissionsInSchema);
    }
    let Some(raw) = field(o, "schema") else {
        return Err(RequestError::Schema("missing field `schema`".into()));
    };
    // Policies inside tables are dropped by the reader, before hashing and storing.
    let schema = from_json_text(&stringify(raw)).map_err(|e| {
        if e.0.starts_with("invalid schema") {
            RequestError::SchemaReader(e.0)
        } else {
            RequestError::Schema(e.0)
        }
    })?;
    check_schema_size(&schema)?;
    check_names(&schema)?;
    let hash = schema_hash(&schema);
    let json = to_compact_json(&schema);
    Ok(SchemaPublish { schema, json, hash })
}

fn check_schema_size(schema: &WasmSchema) -> Result<(), RequestError> {
    let tables = schema.tables.len();
    if tables > MAX_SCHEMA_TABLES {
        return Err(RequestError::SchemaTooLarge {
            what: "tables",
            count: tables,
            limit: MAX_SCHEMA_TABLES,
        });
    }
    let columns: usize = schema.tables.iter().map(|t| t.columns.len()).sum();
    if columns > MAX_SCHEMA_COLUMNS {
        return Err(RequestError::SchemaTooLarge {
            what: "columns",
            count: columns,
            limit: MAX_SCHEMA_COLUMNS,
        });
    }
    Ok(())
}

/// Table and column names (and the names they refer to) must not contain control characters:
/// they are invisible in every listing, and NUL would make different schemas hash alike.
fn check_names(schema: &WasmSchema) -> Result<(), RequestError> {
    let bad = |name: &str| name.chars().find(|c| c.is_control());
    for t in &schema.tables {
        if let Some(c) = bad(&t.name) {
            return Err(RequestError::Schema(format!(
                "table name {} contains the control character U+{:04X}",
                Value::from(t.name.as_str()),
                u32::from(c)
            )));
        }
        let columns = t.columns.iter().map(|c| c.name.as_str());
        let refs = t.columns.iter().filter_map(|c| c.references.as_deref());
        let indexed = t.indexed_columns.iter().flatten().map(String::as_str);
        for name in columns.chain(refs).chain(indexed) {
            if let Some(c) = bad(name) {
                return Err(RequestError::Schema(format!(
                    "table {}: name {} contains the control character U+{:04X}",
                    Value::from(t.name.as_str()),
                    Value::from(name),
                    u32::from(c)
                )));
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

fn bool_field(o: &Members, k: &str, table: &str) -> Result<bool, RequestError> {
    match field(o, k) {
        None | Some(JsonValue::Null) => Ok(false),
        Some(JsonValue::Bool(b)) => Ok(*b),
        Some(_) => Err(shape(format!("`{k}` of table {table} must be a boolean"))),
    }
}

fn op_shape(op: &JsonValue, table: &str) -> Result<(), RequestError> {
    let bad = |what: &str| shape(format!("operation on table {table}: {what}"));
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

/// `POST /admin/migrations`, shape and marker rules. Table references are checked
/// against the schemas by [`check_lens_tables`].
pub fn lens_publish(body: &JsonValue) -> Result<LensPublish, RequestError> {
    let o = object(body)?;
    let from = hash_field(o, "fromHash")?;
    let to = hash_field(o, "toHash")?;
    let forward = match field(o, "forward") {
        Some(JsonValue::Array(items)) => items,
        None | Some(JsonValue::Null) => {
            return Err(shape("missing field `forward`"));
        }
        Some(_) => return Err(shape("`forward` must be an array")),
    };
    let mut tables = Vec::with_capacity(forward.len());
    for item in forward {
        let JsonValue::Object(t) = item else {
            return Err(shape("every table lens must be an object"));
        };
        let Some(JsonValue::String(name)) = field(t, "table") else {
            return Err(shape("table lens without a string `table`"));
        };
        let added = bool_field(t, "added", name)?;
        let removed = bool_field(t, "removed", name)?;
        let renamed_from = match field(t, "renamedFrom") {
            None | Some(JsonValue::Null) => None,
            Some(JsonValue::String(s)) => Some(s.clone()),
            Some(_) => {
                return Err(shape(format!(
                    "`renamedFrom` of table {name} must be a string"
                )));
            }
        };
        let ops: &[JsonValue] = match field(t, "operations") {
            None | Some(JsonValue::Null) => &[],
            Some(JsonValue::Array(ops)) => ops,
            Some(_) => {
                return Err(shape(format!(
                    "`operations` of table {name} must be an array"
                )));
            }
        };
        for op in ops {
            op_shape(op, name)?;
        }
        let contradiction = |rule| RequestError::LensMarkers {
            table: name.clone(),
            rule,
        };
        if added && removed {
            return Err(contradiction("be both added and removed"));
        }
        if (added || removed) && renamed_from.is_some() {
            return Err(contradiction(
                "combine added/removed markers with renamedFrom",
            ));
        }
        if (added || removed) && !ops.is_empty() {
            return Err(contradiction(
                "combine added/removed markers with column operations",
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

/// Added tables must exist in the target schema, removed ones in the source.
pub fn check_lens_tables(
    tables: &[TableLensShape],
    from: &WasmSchema,
    to: &WasmSchema,
) -> Result<(), RequestError> {
    for t in tables {
        if t.added && to.table(&t.table).is_none() {
            return Err(RequestError::UnknownTargetTable(t.table.clone()));
        }
        if t.removed && from.table(&t.table).is_none() {
            return Err(RequestError::UnknownSourceTable(t.table.clone()));
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

/// `POST /admin/permissions`, step 1.
pub fn permissions_publish(body: &JsonValue) -> Result<PermissionsPublish, RequestError> {
    let o = object(body)?;
    let schema_hash = hash_field(o, "schemaHash")?;
    let expected_parent = match field(o, "expectedParentBundleObjectId") {
        None | Some(JsonValue::Null) => None,
        Some(JsonValue::String(s)) => Some(Uuid::parse_str(s).map_err(|_| RequestError::ObjectId)?),
        Some(_) => return Err(RequestError::ObjectId),
    };
    let permissions = match field(o, "permissions") {
        Some(p @ JsonValue::Object(_)) => p.clone(),
        None => {
            return Err(RequestError::Permissions(
                "missing field `permissions`".into(),
            ));
        }
        Some(_) => {
            return Err(RequestError::Permissions(
                "expected an object of tables".into(),
            ));
        }
    };
    policy::parse::policy(&permissions).map_err(|e| RequestError::Permissions(e.to_string()))?;
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
) -> Result<(Vec<u8>, String), RequestError> {
    let policy =
        policy::parse::policy(permissions).map_err(|e| RequestError::Permissions(e.to_string()))?;
    let bytes = policy::bytecode::encode(&policy, schema);
    let hash = policy::bytecode::content_hash(&bytes);
    Ok((bytes, hash))
}

/// The upstream server's serialisation of a permissions map: every table has the four
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

    fn message<T>(r: Result<T, RequestError>) -> Option<String> {
        r.err().map(|e| e.to_string())
    }

    #[test]
    fn bodies_are_checked_without_panicking() {
        assert!(matches!(parse_body(b"{"), Err(RequestError::Json(_))));
        assert!(message(parse_body(b"{")).is_some_and(|e| e.starts_with("invalid JSON body: ")));
        assert!(matches!(
            parse_body(&[0xff, 0xfe]),
            Err(RequestError::Utf8(_))
        ));
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(
            message(parse_body(deep.as_bytes())).as_deref(),
            Some("invalid JSON body: nesting deeper than 128 levels")
        );
        assert!(parse_body(br#"{"a":"[[[["}"#).is_ok());
    }

    #[test]
    fn hashes_are_checked() {
        assert_eq!(
            message(parse_hash("zz")).as_deref(),
            Some("invalid schema hash: expected hex string")
        );
        assert_eq!(
            message(parse_hash("ab")).as_deref(),
            Some("invalid schema hash: expected 64 hex chars")
        );
        assert!(parse_hash(&"AB".repeat(32)).is_ok());
    }

    #[test]
    fn query_hashes_are_read_from_the_raw_query() {
        let h = "ab".repeat(32);
        let query = format!("toHash=&fromHash={h}&x");
        assert!(query_hash(Some(&query), "fromHash").is_ok());
        assert_eq!(
            message(query_hash(Some(&query), "toHash")).as_deref(),
            Some("missing query parameter toHash")
        );
        assert_eq!(
            query_hash(None, "fromHash").err(),
            Some(RequestError::MissingQuery("fromHash".into()))
        );
        assert_eq!(
            query_hash(Some("fromHash=xy"), "fromHash").err(),
            Some(RequestError::HashNotHex)
        );
    }

    #[test]
    fn schema_refusals() {
        let check = |body: &str| parse_body(body.as_bytes()).and_then(|v| schema_publish(&v));
        assert_eq!(
            message(check("[]")).as_deref(),
            Some("invalid request body: expected a JSON object")
        );
        assert_eq!(
            message(check(r#"{"schema":{},"permissions":{}}"#)).as_deref(),
            Some(
                "schema publishing no longer accepts permissions; publish permissions via POST /admin/permissions"
            )
        );
        assert_eq!(
            message(check("{}")).as_deref(),
            Some("invalid schema: missing field `schema`")
        );
        assert!(matches!(
            check(r#"{"schema":[]}"#),
            Err(RequestError::SchemaReader(m)) if m.starts_with("invalid schema")
        ));
        assert_eq!(
            message(check(
                r#"{"schema":{"a\u0001":{"columns":[{"name":"c","column_type":{"type":"Text"},"nullable":false}]}}}"#
            ))
            .as_deref(),
            Some("invalid schema: table name \"a\\u0001\" contains the control character U+0001")
        );
        let too_many = RequestError::SchemaTooLarge {
            what: "tables",
            count: 100_001,
            limit: MAX_SCHEMA_TABLES,
        };
        assert_eq!(
            too_many.to_string(),
            "schema too large: 100001 tables (limit 100000)"
        );
    }

    #[test]
    fn lens_marker_rules() {
        let h = "a".repeat(64);
        let body = |t: &str| format!(r#"{{"fromHash":"{h}","toHash":"{h}","forward":[{t}]}}"#);
        let check =
            |t: &str| message(parse_body(body(t).as_bytes()).and_then(|v| lens_publish(&v)));
        assert_eq!(check(r#"{"table":"a"}"#), None);
        assert_eq!(
            check(r#"{"table":"a","added":true,"removed":true}"#).as_deref(),
            Some("table a cannot be both added and removed")
        );
        assert_eq!(
            check(r#"{"table":"a","added":true,"renamedFrom":"b"}"#).as_deref(),
            Some("table a cannot combine added/removed markers with renamedFrom")
        );
        assert_eq!(
            check(r#"{"table":"a","removed":true,"operations":[{"type":"rename","column":"x","value":"y"}]}"#).as_deref(),
            Some("table a cannot combine added/removed markers with column operations")
        );
        assert_eq!(
            check(r#"{"table":"a","operations":[{"type":"zap","column":"x"}]}"#).as_deref(),
            Some(
                "invalid request body: operation on table a: `type` must be introduce, drop or rename"
            )
        );
        assert_eq!(
            check(r#"{"table":"a","added":1}"#).as_deref(),
            Some("invalid request body: `added` of table a must be a boolean")
        );
    }

    #[test]
    fn permissions_refusals() {
        let h = "a".repeat(64);
        let check = |rest: &str| {
            let body = format!(r#"{{"schemaHash":"{h}"{rest}}}"#);
            message(parse_body(body.as_bytes()).and_then(|v| permissions_publish(&v)))
        };
        assert_eq!(
            check(r#","permissions":{},"expectedParentBundleObjectId":"x""#).as_deref(),
            Some("invalid object id: expected UUID")
        );
        assert_eq!(
            check("").as_deref(),
            Some("invalid permissions: missing field `permissions`")
        );
        assert_eq!(
            check(r#","permissions":[]"#).as_deref(),
            Some("invalid permissions: expected an object of tables")
        );
        assert_eq!(check(r#","permissions":{}"#), None);
        assert_eq!(
            message(permissions_publish(&JsonValue::Object(vec![]))).as_deref(),
            Some("invalid request body: missing field `schemaHash`")
        );
    }
}
