//! A policy-test file read into sessions, the seeded store and the
//! expectations. Problems are JZ25xx messages.

use std::collections::BTreeMap;

use jazz_schema_compiler::policy::vm::{AuthMode, MemoryData, Row, Session, Val};
use jazz_schema_compiler::schema::WasmSchema;
use jazz_schema_compiler::schema::json::JsonValue;
use toml::Value as T;

use super::values::{convert, datetime_ms, default_val, sym, to_json, uuid_of};

/// A JZ25xx problem.
#[derive(Debug, Clone)]
pub struct Problem {
    pub code: u16,
    pub message: String,
}

fn problem(code: u16, message: impl Into<String>) -> Problem {
    Problem {
        code,
        message: message.into(),
    }
}

/// A parsed test file.
pub struct TestFile {
    pub now_ms: u64,
    pub sessions: BTreeMap<String, Session>,
    pub data: MemoryData,
    pub expects: Vec<toml::Table>,
    /// `@sym` → id, for display.
    pub symbols: BTreeMap<String, [u8; 16]>,
}

/// Where each expectation is in `text`, in order: its `name` value when it has one, else the
/// entry (for `[[expect]]` tables, the header). Empty when the file does not parse.
pub fn expect_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    use toml::de::{DeTable, DeValue};
    let Ok(doc) = DeTable::parse(text) else {
        return Vec::new();
    };
    let Some(DeValue::Array(entries)) = doc.get_ref().get("expect").map(|v| v.get_ref()) else {
        return Vec::new();
    };
    entries
        .iter()
        .map(|entry| match entry.get_ref() {
            DeValue::Table(t) => t.get("name").map_or_else(|| entry.span(), |n| n.span()),
            _ => entry.span(),
        })
        .collect()
}

/// Reads `text` against `schema`.
pub fn parse(text: &str, schema: &WasmSchema) -> Result<TestFile, Problem> {
    let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        problem(2501, format!("not a valid TOML file: {}", e.message()))
    })?;
    match doc.get("version") {
        Some(T::Integer(1)) => {}
        Some(v) => {
            return Err(problem(
                2501,
                format!("unsupported version {v}; this build reads version = 1"),
            ));
        }
        None => return Err(problem(2501, "missing `version = 1`")),
    }
    let now_ms = match doc.get("clock").and_then(|c| c.get("now")) {
        Some(T::Datetime(d)) => datetime_ms(d)
            .and_then(|x| u64::try_from(x).ok())
            .unwrap_or(0),
        Some(_) => return Err(problem(2503, "[clock] now must be a TOML datetime")),
        None => 1_767_225_600_000,
    };
    let mut sessions = BTreeMap::new();
    if let Some(T::Table(s)) = doc.get("sessions") {
        for (name, v) in s {
            let Some(user_id) = v.get("user_id").and_then(T::as_str) else {
                return Err(problem(2503, format!("session `{name}` needs `user_id`")));
            };
            let auth_mode = match v.get("authMode").and_then(T::as_str) {
                None => AuthMode::External,
                Some(m) => AuthMode::parse(m).ok_or_else(|| {
                    problem(2503, format!("session `{name}`: unknown authMode `{m}`"))
                })?,
            };
            let claims = match (v.get("claims"), v.get("claims_json").and_then(T::as_str)) {
                (Some(_), Some(_)) => {
                    return Err(problem(
                        2503,
                        format!("session `{name}`: `claims` and `claims_json` are exclusive"),
                    ));
                }
                (Some(c), None) => to_json(c),
                (None, Some(j)) => jazz_schema_compiler::schema::json::parse(j)
                    .map_err(|e| problem(2503, format!("session `{name}`: claims_json: {e}")))?,
                (None, None) => JsonValue::Object(Vec::new()),
            };
            // `@sym` user ids are the symbol's UUID, so they can match Uuid columns.
            let user_id = if user_id.starts_with('@') {
                jazz_schema_compiler::policy::vm::format_uuid(&sym(user_id))
            } else {
                user_id.to_owned()
            };
            sessions.insert(
                name.clone(),
                Session {
                    user_id,
                    auth_mode,
                    claims,
                },
            );
        }
    }
    let mut data = MemoryData::new();
    let mut symbols = BTreeMap::new();
    let mut seen_ids: Vec<[u8; 16]> = Vec::new();
    if let Some(T::Table(seed)) = doc.get("seed") {
        for (table, rows) in seed {
            let Some(T::Array(rows)) = Some(rows) else {
                continue;
            };
            for (i, r) in rows.iter().enumerate() {
                let T::Table(r) = r else {
                    return Err(problem(2506, format!("seed.{table}: each row is a table")));
                };
                let row = build_row(schema, table, r, now_ms, Some(i), &mut symbols)?;
                if seen_ids.contains(&row.id) {
                    return Err(problem(2505, format!("seed.{table}: duplicate row id")));
                }
                seen_ids.push(row.id);
                data.insert(table, row);
            }
        }
    }
    let expects = match doc.get("expect") {
        Some(T::Array(a)) => a
            .iter()
            .map(|e| match e {
                T::Table(t) => Ok(t.clone()),
                _ => Err(problem(2506, "each [[expect]] is a table")),
            })
            .collect::<Result<_, _>>()?,
        _ => Vec::new(),
    };
    Ok(TestFile {
        now_ms,
        sessions,
        data,
        expects,
        symbols,
    })
}

/// Builds a row of `table` from TOML values (seed rows and insert values).
pub fn build_row(
    schema: &WasmSchema,
    table: &str,
    r: &toml::Table,
    now_ms: u64,
    index: Option<usize>,
    symbols: &mut BTreeMap<String, [u8; 16]>,
) -> Result<Row, Problem> {
    let Some(t) = schema.table(table) else {
        return Err(problem(2502, format!("unknown table `{table}`")));
    };
    for k in r.keys() {
        let magic = matches!(
            k.as_str(),
            "$createdBy" | "$createdAt" | "$updatedBy" | "$updatedAt"
        );
        if k != "id" && !magic && t.column(k).is_none() {
            return Err(problem(2502, format!("unknown column `{table}.{k}`")));
        }
    }
    let id = match r.get("id") {
        Some(T::String(s)) => {
            if s.starts_with('@') {
                symbols.insert(s.clone(), sym(s));
            }
            uuid_of(s).ok_or_else(|| {
                problem(
                    2503,
                    format!("`{table}.id`: `{s}` is not a UUID or @symbol"),
                )
            })?
        }
        Some(_) => return Err(problem(2503, format!("`{table}.id` must be a string"))),
        None => sym(&format!("{table}#{}", index.unwrap_or(usize::MAX))),
    };
    let mut values = Vec::new();
    for c in &t.columns {
        let v = match r.get(&c.name) {
            Some(v) => {
                if let T::String(s) = v
                    && s.starts_with('@')
                {
                    symbols.insert(s.clone(), sym(s));
                }
                convert(v, &c.column_type)
                    .map_err(|e| problem(2503, format!("`{table}.{}`: {e}", c.name)))?
            }
            None => match (&c.default, c.nullable) {
                (Some(d), _) => default_val(d),
                (None, true) => Val::Null,
                (None, false) => {
                    return Err(problem(2503, format!("`{table}.{}` is required", c.name)));
                }
            },
        };
        values.push(v);
    }
    let now_us = now_ms.saturating_mul(1000);
    let ts = |k: &str, default: u64| -> Result<u64, Problem> {
        match r.get(k) {
            Some(T::Integer(i)) => {
                u64::try_from(*i).map_err(|_| problem(2503, format!("`{k}` must be non-negative")))
            }
            Some(T::Datetime(d)) => Ok(datetime_ms(d)
                .and_then(|x| u64::try_from(x).ok())
                .unwrap_or(0)
                .saturating_mul(1000)),
            Some(_) => Err(problem(
                2503,
                format!("`{k}` must be a datetime or an integer (µs)"),
            )),
            None => Ok(default),
        }
    };
    let created_by = r
        .get("$createdBy")
        .and_then(T::as_str)
        .unwrap_or("jazz:system")
        .to_owned();
    let created_at = ts("$createdAt", now_us)?;
    let updated_by = r
        .get("$updatedBy")
        .and_then(T::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| created_by.clone());
    let updated_at = ts("$updatedAt", created_at)?;
    Ok(Row {
        id,
        values,
        created_by,
        created_at,
        updated_by,
        updated_at,
    })
}
