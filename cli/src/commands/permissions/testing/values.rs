//! Converting TOML values of policy-test files to VM values by column type,
//! symbolic ids (`@sym` → UUIDv5 under a fixed namespace) and TOML datetimes.

use jazz_schema_compiler::policy::vm::{Val, parse_uuid};
use jazz_schema_compiler::schema::json::JsonValue;
use jazz_schema_compiler::schema::{ColumnType, Value as DefaultValue};
use toml::Value as T;

/// The namespace of symbolic ids.
fn namespace() -> uuid::Uuid {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, b"jazz:policy-tests")
}

/// `@sym` → its UUID bytes.
pub fn sym(name: &str) -> [u8; 16] {
    *uuid::Uuid::new_v5(&namespace(), name.as_bytes()).as_bytes()
}

/// A UUID given as `@sym` or UUID text.
pub fn uuid_of(s: &str) -> Option<[u8; 16]> {
    match s.strip_prefix('@') {
        Some(_) => Some(sym(s)),
        None => parse_uuid(s),
    }
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A TOML datetime as milliseconds since the epoch (local forms are read as UTC).
pub fn datetime_ms(dt: &toml::value::Datetime) -> Option<i64> {
    let date = dt.date?;
    let days = days_from_civil(
        i64::from(date.year),
        i64::from(date.month),
        i64::from(date.day),
    );
    let (h, mi, s, ns) = match dt.time {
        Some(t) => (
            i64::from(t.hour),
            i64::from(t.minute),
            i64::from(t.second),
            i64::from(t.nanosecond),
        ),
        None => (0, 0, 0, 0),
    };
    let offset_min = match dt.offset {
        Some(toml::value::Offset::Custom { minutes }) => i64::from(minutes),
        _ => 0,
    };
    Some(((days * 86_400 + h * 3600 + mi * 60 + s - offset_min * 60) * 1000) + ns / 1_000_000)
}

/// TOML → JSON (for claims and Json columns).
pub fn to_json(v: &T) -> JsonValue {
    match v {
        T::String(s) => JsonValue::String(s.clone()),
        T::Integer(i) => JsonValue::Number(*i as f64),
        T::Float(f) => JsonValue::Number(*f),
        T::Boolean(b) => JsonValue::Bool(*b),
        T::Datetime(d) => JsonValue::String(d.to_string()),
        T::Array(a) => JsonValue::Array(a.iter().map(to_json).collect()),
        T::Table(t) => JsonValue::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
    }
}

/// A value for a column of type `ty`.
pub fn convert(v: &T, ty: &ColumnType) -> Result<Val, String> {
    let bad = || format!("{} does not fit a {} column", short(v), ty.describe());
    Ok(match ty {
        ColumnType::Text | ColumnType::Enum { .. } => match v {
            T::String(s) => Val::Text(s.clone()),
            _ => return Err(bad()),
        },
        ColumnType::Json { .. } => {
            Val::Text(jazz_schema_compiler::schema::json::stringify(&to_json(v)))
        }
        ColumnType::Integer => match v {
            T::Integer(i) => Val::Integer(i32::try_from(*i).map_err(|_| bad())?),
            _ => return Err(bad()),
        },
        ColumnType::BigInt => match v {
            T::Integer(i) => Val::BigInt(*i),
            _ => return Err(bad()),
        },
        ColumnType::Double => match v {
            T::Float(f) => Val::Double(*f),
            T::Integer(i) => Val::Double(*i as f64),
            _ => return Err(bad()),
        },
        ColumnType::Boolean => match v {
            T::Boolean(b) => Val::Boolean(*b),
            _ => return Err(bad()),
        },
        ColumnType::Timestamp => match v {
            T::Datetime(d) => Val::Timestamp(
                datetime_ms(d)
                    .and_then(|x| u64::try_from(x).ok())
                    .ok_or_else(bad)?,
            ),
            T::Integer(i) => Val::Timestamp(u64::try_from(*i).map_err(|_| bad())?),
            _ => return Err(bad()),
        },
        ColumnType::Uuid => match v {
            T::String(s) => Val::Uuid(uuid_of(s).ok_or_else(bad)?),
            _ => return Err(bad()),
        },
        ColumnType::Bytea => match v {
            T::Array(items) => Val::Bytea(
                items
                    .iter()
                    .map(|i| match i {
                        T::Integer(x) => u8::try_from(*x).map_err(|_| bad()),
                        _ => Err(bad()),
                    })
                    .collect::<Result<_, _>>()?,
            ),
            _ => return Err(bad()),
        },
        ColumnType::Array(inner) => match v {
            T::Array(items) => Val::Array(
                items
                    .iter()
                    .map(|i| convert(i, inner))
                    .collect::<Result<_, _>>()?,
            ),
            _ => return Err(bad()),
        },
        ColumnType::Row(_) | ColumnType::BatchId => return Err(bad()),
    })
}

/// A schema default as a VM value.
pub fn default_val(d: &DefaultValue) -> Val {
    match d {
        DefaultValue::Null => Val::Null,
        DefaultValue::Integer(i) => Val::Integer(*i),
        DefaultValue::BigInt(i) => Val::BigInt(*i),
        DefaultValue::Boolean(b) => Val::Boolean(*b),
        DefaultValue::Text(t) => Val::Text(t.clone()),
        DefaultValue::Timestamp(t) => Val::Timestamp(*t),
        DefaultValue::Uuid(u) => parse_uuid(u).map(Val::Uuid).unwrap_or(Val::Null),
        DefaultValue::Array(a) | DefaultValue::Row(a) => {
            Val::Array(a.iter().map(default_val).collect())
        }
        DefaultValue::Double(x) => Val::Double(*x),
        DefaultValue::Bytea(b) => Val::Bytea(b.clone()),
        DefaultValue::BatchId(b) => Val::Bytea(b.to_vec()),
    }
}

fn short(v: &T) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}
