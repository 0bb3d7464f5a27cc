//! The admin routes under `/apps/<appId>/` (cli-and-server.md §3.3). Each handler checks the
//! app id, then admin auth (§3.2), then the body; checking bodies and catalogue work run on the
//! blocking pool, because large bodies take CPU time and commits fsync.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jazz_schema_compiler::schema::json::{self, stringify};
use serde_json::{Value, json};
use uuid::Uuid;

use super::AppState;
use super::http::{
    ApiError, check_admin, check_content_type, has_admin_header, json_response, read_body,
};
use super::session;
use crate::catalogue::request::{self, SchemaRefusal, parse_hash, permissions_for_answer};
use crate::catalogue::{BundleEntry, CatalogueError, SharedCatalogue};

type Answer = Result<Response, ApiError>;
type St = State<Arc<AppState>>;

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// 404 `app not found: <id>` unless `id` is our app id (any case) or its name (§3.1).
fn check_app(s: &AppState, id: &str) -> Result<(), ApiError> {
    let by_uuid = Uuid::parse_str(id).is_ok_and(|u| u == s.config.app_id);
    let by_name = s.config.app_name.as_deref() == Some(id);
    if by_uuid || by_name {
        Ok(())
    } else {
        Err(ApiError::not_found(format!("app not found: {id}")))
    }
}

fn admin(s: &AppState, app: &str, headers: &HeaderMap) -> Result<(), ApiError> {
    check_app(s, app)?;
    check_admin(s.config.admin_secret.as_deref(), headers)
}

/// Reads a JSON request body and checks it with `check` on the blocking pool: parsing, hashing
/// and compiling a large body take CPU time that must not stall the executor (and with it
/// `/health` and every other request).
async fn checked_body<R: Send + 'static>(
    s: &AppState,
    headers: &HeaderMap,
    body: Body,
    check: impl FnOnce(&json::JsonValue) -> Result<R, ApiError> + Send + 'static,
) -> Result<R, ApiError> {
    check_content_type(headers)?;
    let bytes = read_body(
        headers,
        body,
        s.config.max_body_bytes,
        s.config.body_timeout,
    )
    .await?;
    let joined = tokio::task::spawn_blocking(move || {
        let v = request::parse_body(&bytes).map_err(ApiError::bad_request)?;
        check(&v)
    })
    .await;
    joined.unwrap_or_else(|_| Err(ApiError::internal("internal error")))
}

fn ok(status: StatusCode, v: Value) -> Answer {
    Ok(json_response(status, v.to_string()))
}

/// Runs catalogue work on the blocking pool and maps its errors to statuses.
async fn blocking<R: Send + 'static>(
    s: &AppState,
    f: impl FnOnce(&SharedCatalogue) -> Result<R, CatalogueError> + Send + 'static,
) -> Result<R, ApiError> {
    let cat = s.catalogue.clone();
    let joined = tokio::task::spawn_blocking(move || f(&cat)).await;
    match joined {
        Ok(Ok(r)) => Ok(r),
        Ok(Err(CatalogueError::BadRequest(m))) => Err(ApiError::bad_request(m)),
        Ok(Err(CatalogueError::NotFound(m))) => Err(ApiError::not_found(m)),
        Ok(Err(CatalogueError::Conflict(m))) => {
            Err(ApiError::new(StatusCode::CONFLICT, "bad_request", m))
        }
        Ok(Err(CatalogueError::Storage(m))) => {
            eprintln!("storage failure: {m}");
            Err(ApiError::internal(m))
        }
        Err(_) => Err(ApiError::internal("internal error")),
    }
}

/// A JSON string literal.
fn q(text: &str) -> String {
    Value::from(text).to_string()
}

/// A JSON object from already-encoded member values, in the given (upstream's) key order.
fn ordered(members: &[(&str, String)]) -> String {
    let body: Vec<String> = members
        .iter()
        .map(|(k, v)| format!("{}:{v}", q(k)))
        .collect();
    format!("{{{}}}", body.join(","))
}

/// `Head` (§3.3) in upstream's field order.
fn head_json(b: &BundleEntry) -> String {
    ordered(&[
        ("schemaHash", q(&b.schema_hash.to_hex())),
        ("version", b.version.to_string()),
        (
            "parentBundleObjectId",
            b.parent
                .map_or_else(|| "null".into(), |p| q(&p.to_string())),
        ),
        ("bundleObjectId", q(&b.id.to_string())),
    ])
}

fn created(body: String) -> Answer {
    Ok(json_response(StatusCode::CREATED, body))
}

pub async fn list_schemas(State(s): St, Path(app): Path<String>, headers: HeaderMap) -> Answer {
    admin(&s, &app, &headers)?;
    let (hashes, schemas): (Vec<Value>, Vec<Value>) = s.catalogue.read(|c| {
        c.schemas()
            .into_iter()
            .map(|e| {
                let h = e.hash.to_hex();
                (
                    json!(h),
                    json!({ "hash": h, "publishedAt": e.published_at }),
                )
            })
            .unzip()
    });
    ok(
        StatusCode::OK,
        json!({ "hashes": hashes, "schemas": schemas }),
    )
}

pub async fn get_schema(
    State(s): St,
    Path((app, hash)): Path<(String, String)>,
    headers: HeaderMap,
) -> Answer {
    admin(&s, &app, &headers)?;
    let hash = parse_hash(&hash).map_err(ApiError::bad_request)?;
    let found = s
        .catalogue
        .read(|c| c.schema(&hash).map(|e| (e.json.clone(), e.published_at)));
    let Some((schema, published_at)) = found else {
        return Err(ApiError::not_found(format!(
            "schema catalogue not found for hash {hash}"
        )));
    };
    Ok(json_response(
        StatusCode::OK,
        format!(r#"{{"schema":{schema},"publishedAt":{published_at}}}"#),
    ))
}

pub async fn publish_schema(
    State(s): St,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    check_app(&s, &app)?;
    // Development mode: a user session may push structural schemas without the secret, but a
    // given admin header always decides (§3.2).
    let by_session = s.config.development_mode
        && !has_admin_header(&headers)
        && session::allows_schema_push(&s.config, &headers);
    if !by_session {
        check_admin(s.config.admin_secret.as_deref(), &headers)?;
    }
    let p = checked_body(&s, &headers, body, |v| {
        request::schema_publish(v).map_err(|e| match e {
            SchemaRefusal::Invalid(m) => ApiError::bad_request(m),
            SchemaRefusal::TooLarge(m) => {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "bad_request", m)
            }
        })
    })
    .await?;
    let now = now_ms();
    let e = blocking(&s, move |c| c.publish_schema(p, now)).await?;
    created(ordered(&[
        ("objectId", q(&e.object_id().to_string())),
        ("hash", q(&e.hash.to_hex())),
    ]))
}

/// `fromHash` / `toHash` from the raw query.
fn query_hash(
    query: Option<&str>,
    name: &str,
) -> Result<jazz_schema_compiler::schema::SchemaHash, ApiError> {
    let value = query
        .unwrap_or("")
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::bad_request(format!("missing query parameter {name}")))?;
    parse_hash(value).map_err(ApiError::bad_request)
}

pub async fn connectivity(
    State(s): St,
    Path(app): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Answer {
    admin(&s, &app, &headers)?;
    let from = query_hash(query.as_deref(), "fromHash")?;
    let to = query_hash(query.as_deref(), "toHash")?;
    let connected = s.catalogue.read(|c| c.connected(&from, &to));
    ok(StatusCode::OK, json!({ "connected": connected }))
}

pub async fn permissions_head(State(s): St, Path(app): Path<String>, headers: HeaderMap) -> Answer {
    admin(&s, &app, &headers)?;
    let head = s.catalogue.read(|c| c.head().map(head_json));
    Ok(json_response(
        StatusCode::OK,
        ordered(&[("head", head.unwrap_or_else(|| "null".into()))]),
    ))
}

pub async fn permissions(State(s): St, Path(app): Path<String>, headers: HeaderMap) -> Answer {
    admin(&s, &app, &headers)?;
    let found = s
        .catalogue
        .read(|c| c.head().map(|b| (head_json(b), b.permissions.clone())));
    let Some((head, perms)) = found else {
        return Ok(json_response(
            StatusCode::OK,
            r#"{"head":null,"permissions":null}"#.into(),
        ));
    };
    let perms = json::parse(&perms)
        .map(|p| stringify(&permissions_for_answer(&p)))
        .map_err(|_| ApiError::internal("stored permissions are unreadable"))?;
    Ok(json_response(
        StatusCode::OK,
        format!(r#"{{"head":{head},"permissions":{perms}}}"#),
    ))
}

pub async fn publish_permissions(
    State(s): St,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    admin(&s, &app, &headers)?;
    let p = checked_body(&s, &headers, body, |v| {
        request::permissions_publish(v).map_err(ApiError::bad_request)
    })
    .await?;
    let now = now_ms();
    let b = blocking(&s, move |c| c.publish_permissions(p, now)).await?;
    created(ordered(&[("head", head_json(&b))]))
}

pub async fn publish_migration(
    State(s): St,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    admin(&s, &app, &headers)?;
    let p = checked_body(&s, &headers, body, |v| {
        request::lens_publish(v).map_err(ApiError::bad_request)
    })
    .await?;
    let (lens, replaced) = blocking(&s, move |c| c.publish_lens(p)).await?;
    if replaced {
        eprintln!(
            "warning: lens {} -> {} replaced with different content",
            lens.from.short(),
            lens.to.short()
        );
    }
    created(ordered(&[
        ("objectId", q(&lens.object_id().to_string())),
        ("fromHash", q(&lens.from.to_hex())),
        ("toHash", q(&lens.to.to_hex())),
    ]))
}

/// This is the catalogue server: the sync protocol is upstream's engine's. 501 before any
/// upgrade, naming the command that runs the real engine.
pub async fn sync_protocol(State(s): St, Path(app): Path<String>) -> Answer {
    check_app(&s, &app)?;
    Err(ApiError::new(
        StatusCode::NOT_IMPLEMENTED,
        "incompatible_protocol",
        "this is jazz's catalogue server (schemas and permissions only); it does not sync app data. Run `jazz dev --engine upstream` in a project with jazz-tools installed to get the real Jazz engine",
    ))
}
