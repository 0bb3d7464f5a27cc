//! The JSON the server writes: every body (and the JSON request log line) is one of the serde
//! structs below, serialised by [`json_response`]. A struct's field order is its key order on
//! the wire, upstream's, so nothing depends on how `serde_json` orders
//! map keys. JSON written elsewhere (a stored schema, a permissions map written by the
//! compiler) is embedded verbatim as a [`RawValue`] (see [`raw`]).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::value::RawValue;

use super::error::ApiError;
use crate::catalogue::BundleEntry;

/// `body` as compact JSON.
pub fn to_text(body: &impl Serialize) -> Result<String, serde_json::Error> {
    serde_json::to_string(body)
}

/// A response with `body` as its JSON text. The bodies here are strings, numbers, options and
/// checked raw JSON, which always serialise; a failure would still answer (500, no body).
pub fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
    let Ok(text) = to_text(body) else {
        eprintln!("a response body failed to serialise; answered 500");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut r = (status, text).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// JSON text to embed as it is; a 500 with `unreadable` if it is not JSON.
pub fn raw(text: String, unreadable: &'static str) -> Result<Box<RawValue>, ApiError> {
    RawValue::from_string(text).map_err(|_| ApiError::internal(unreadable))
}

/// `{error, code}`.
#[derive(Serialize)]
pub struct ErrorBody<'a> {
    pub error: &'a str,
    pub code: &'a str,
}

/// `GET /health`: `status`, and `phase` while shutting down.
#[derive(Serialize)]
pub struct Health {
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<&'static str>,
}

/// `GET /schemas`.
#[derive(Serialize)]
pub struct SchemaList {
    pub hashes: Vec<String>,
    pub schemas: Vec<SchemaSummary>,
}

/// One schema of [`SchemaList`].
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaSummary {
    pub hash: String,
    pub published_at: u64,
}

/// `GET /schema/<hash>`: the stored schema JSON as it is.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaAnswer {
    pub schema: Box<RawValue>,
    pub published_at: u64,
}

/// `POST /admin/schemas`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaPublished {
    pub object_id: String,
    pub hash: String,
}

/// `GET /admin/schema-connectivity`.
#[derive(Serialize)]
pub struct Connectivity {
    pub connected: bool,
}

/// A permissions head.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Head {
    pub schema_hash: String,
    pub version: u64,
    pub parent_bundle_object_id: Option<String>,
    pub bundle_object_id: String,
}

impl From<&BundleEntry> for Head {
    fn from(b: &BundleEntry) -> Self {
        Head {
            schema_hash: b.schema_hash.to_hex(),
            version: b.version,
            parent_bundle_object_id: b.parent.map(|p| p.to_string()),
            bundle_object_id: b.id.to_string(),
        }
    }
}

/// `GET /admin/permissions/head` and `POST /admin/permissions`.
#[derive(Serialize)]
pub struct HeadAnswer {
    pub head: Option<Head>,
}

/// `GET /admin/permissions`: the head and its permissions map, both `null` without
/// a head.
#[derive(Serialize)]
pub struct PermissionsAnswer {
    pub head: Option<Head>,
    pub permissions: Option<Box<RawValue>>,
}

/// `POST /admin/migrations`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LensPublished {
    pub object_id: String,
    pub from_hash: String,
    pub to_hash: String,
}

/// A request log line with `--log-format json`. The keys are in alphabetical order, the
/// order the line has always had.
#[derive(Serialize)]
pub struct LogLine<'a> {
    pub method: &'a str,
    pub ms: u64,
    pub request_id: &'a str,
    pub route: &'a str,
    pub status: u16,
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use jazz_schema_compiler::schema::SchemaHash;

    fn text(body: &impl Serialize) -> String {
        to_text(body).unwrap_or_else(|e| format!("failed: {e}"))
    }

    #[test]
    fn health_has_a_phase_only_while_shutting_down() {
        let up = Health {
            status: "healthy",
            phase: None,
        };
        assert_eq!(text(&up), r#"{"status":"healthy"}"#);
        let down = Health {
            status: "shutting_down",
            phase: Some("draining_connections"),
        };
        assert_eq!(
            text(&down),
            r#"{"status":"shutting_down","phase":"draining_connections"}"#
        );
    }

    #[test]
    fn heads_in_upstream_key_order() {
        let mut b = BundleEntry {
            id: Uuid::from_bytes([2; 16]),
            schema_hash: SchemaHash([0xab; 32]),
            version: 12,
            parent: None,
            permissions: "{}".into(),
            bytecode_hash: String::new(),
            published_at: 0,
        };
        let hex = "ab".repeat(32);
        assert_eq!(
            text(&HeadAnswer {
                head: Some(Head::from(&b))
            }),
            format!(
                r#"{{"head":{{"schemaHash":"{hex}","version":12,"parentBundleObjectId":null,"bundleObjectId":"02020202-0202-0202-0202-020202020202"}}}}"#
            )
        );
        b.parent = Some(Uuid::from_bytes([3; 16]));
        assert!(
            text(&Head::from(&b))
                .contains(r#""parentBundleObjectId":"03030303-0303-0303-0303-030303030303","#)
        );
        assert_eq!(
            text(&PermissionsAnswer {
                head: None,
                permissions: None
            }),
            r#"{"head":null,"permissions":null}"#
        );
    }

    #[test]
    fn raw_json_is_embedded_byte_for_byte() {
        let stored = r#"{"b":{"x":1.50,"y":1e21},"a":"\u00e9\/"}"#;
        let answer = SchemaAnswer {
            schema: raw(stored.to_string(), "stored schema is unreadable").unwrap_or_else(|e| {
                panic!("{}", e.message);
            }),
            published_at: 1_700_000_000_000,
        };
        assert_eq!(
            text(&answer),
            format!(r#"{{"schema":{stored},"publishedAt":1700000000000}}"#)
        );
        assert_eq!(
            raw("{".into(), "stored permissions are unreadable")
                .map(|_| ())
                .map_err(|e| (e.status, e.message)),
            Err((
                StatusCode::INTERNAL_SERVER_ERROR,
                "stored permissions are unreadable".to_string()
            ))
        );
    }

    #[test]
    fn log_lines_keep_their_key_order() {
        let line = LogLine {
            method: "GET",
            ms: 3,
            request_id: "r\"1",
            route: "/health",
            status: 200,
        };
        let before = serde_json::json!({
            "method": "GET",
            "route": "/health",
            "status": 200,
            "ms": 3,
            "request_id": "r\"1",
        });
        assert_eq!(text(&line), before.to_string());
        assert_eq!(
            text(&line),
            r#"{"method":"GET","ms":3,"request_id":"r\"1","route":"/health","status":200}"#
        );
    }
}
