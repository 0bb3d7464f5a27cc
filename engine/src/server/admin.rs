//! The admin routes under `/apps/<appId>/`. Each handler checks the
//! app id, then admin auth, then the body; checking bodies and catalogue work run on the
//! blocking pool, because large bodies take CPU time and commits fsync.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jazz_schema_compiler::schema::json::{self, stringify};
use uuid::Uuid;

use super::AppState;
use super::error::ApiError;
use super::http::{check_admin, check_content_type, has_admin_header, read_body};
use super::session;
use super::wire::{
    self, Connectivity, Head, HeadAnswer, LensPublished, PermissionsAnswer, SchemaAnswer,
    SchemaList, SchemaPublished, SchemaSummary, json_response,
};
use crate::catalogue::request::{
    self, RequestError, parse_hash, permissions_for_answer, query_hash,
};
use crate::catalogue::{CatalogueError, SharedCatalogue};

type Answer = Result<Response, ApiError>;

/// The 500 message when the head's stored permissions do not read.
const PERMISSIONS_UNREADABLE: &str = "stored permissions are unreadable";
type St = State<Arc<AppState>>;

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// 404 `app not found: <id>` unless `id` is our app id (any case) or its name.
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
    check: impl FnOnce(&json::JsonValue) -> Result<R, RequestError> + Send + 'static,
) -> Result<R, ApiError> {
    check_content_type(headers)?;
    let bytes = read_body(
        headers,
        body,
        s.config.max_body_bytes,
        s.config.body_timeout,
    )
    .await?;
    let joined = tokio::task::spawn_blocking(move || check(&request::parse_body(&bytes)?)).await;
    match joined {
        Ok(checked) => Ok(checked?),
        Err(_) => Err(ApiError::internal("internal error")),
    }
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
        Ok(Err(e)) => {
            if let CatalogueError::Storage(m) = &e {
                eprintln!("storage failure: {m}");
            }
            Err(e.into())
        }
        Err(_) => Err(ApiError::internal("internal error")),
    }
}

/// 200 with `body`.
fn ok(body: &impl serde::Serialize) -> Answer {
    Ok(json_response(StatusCode::OK, body))
}

/// 201 with `body`.
fn created(body: &impl serde::Serialize) -> Answer {
    Ok(json_response(StatusCode::CREATED, body))
}

pub async fn list_schemas(State(s): St, Path(app): Path<String>, headers: HeaderMap) -> Answer {
    admin(&s, &app, &headers)?;
    let (hashes, schemas) = s.catalogue.read(|c| {
        c.schemas()
            .into_iter()
            .map(|e| {
                let hash = e.hash.to_hex();
                (
                    hash.clone(),
                    SchemaSummary {
                        hash,
                        published_at: e.published_at,
                    },
                )
            })
            .unzip()
    });
    ok(&SchemaList { hashes, schemas })
}

pub async fn get_schema(
    State(s): St,
    Path((app, hash)): Path<(String, String)>,
    headers: HeaderMap,
) -> Answer {
    admin(&s, &app, &headers)?;
    let hash = parse_hash(&hash)?;
    let found = s
        .catalogue
        .read(|c| c.schema(&hash).map(|e| (e.json.clone(), e.published_at)));
    let Some((schema, published_at)) = found else {
        return Err(ApiError::not_found(format!(
            "schema catalogue not found for hash {hash}"
        )));
    };
    ok(&SchemaAnswer {
        schema: wire::raw(schema, "stored schema is unreadable")?,
        published_at,
    })
}

pub async fn publish_schema(
    State(s): St,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    check_app(&s, &app)?;
    // Development mode: a user session may push structural schemas without the secret, but a
    // given admin header always decides.
    let by_session = s.config.development_mode
        && !has_admin_header(&headers)
        && session::allows_schema_push(&s.config, &headers);
    if !by_session {
        check_admin(s.config.admin_secret.as_deref(), &headers)?;
    }
    let p = checked_body(&s, &headers, body, request::schema_publish).await?;
    let now = now_ms();
    let e = blocking(&s, move |c| c.publish_schema(p, now)).await?;
    created(&SchemaPublished {
        object_id: e.object_id().to_string(),
        hash: e.hash.to_hex(),
    })
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
    ok(&Connectivity { connected })
}

pub async fn permissions_head(State(s): St, Path(app): Path<String>, headers: HeaderMap) -> Answer {
    admin(&s, &app, &headers)?;
    let head = s.catalogue.read(|c| c.head().map(Head::from));
    ok(&HeadAnswer { head })
}

pub async fn permissions(State(s): St, Path(app): Path<String>, headers: HeaderMap) -> Answer {
    admin(&s, &app, &headers)?;
    let found = s
        .catalogue
        .read(|c| c.head().map(|b| (Head::from(b), b.permissions.clone())));
    let Some((head, perms)) = found else {
        return ok(&PermissionsAnswer {
            head: None,
            permissions: None,
        });
    };
    let perms = json::parse(&perms)
        .map(|p| stringify(&permissions_for_answer(&p)))
        .map_err(|_| ApiError::internal(PERMISSIONS_UNREADABLE))?;
    ok(&PermissionsAnswer {
        head: Some(head),
        permissions: Some(wire::raw(perms, PERMISSIONS_UNREADABLE)?),
    })
}

pub async fn publish_permissions(
    State(s): St,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    admin(&s, &app, &headers)?;
    let p = checked_body(&s, &headers, body, request::permissions_publish).await?;
    let now = now_ms();
    let b = blocking(&s, move |c| c.publish_permissions(p, now)).await?;
    created(&HeadAnswer {
        head: Some(Head::from(&b)),
    })
}

pub async fn publish_migration(
    State(s): St,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    admin(&s, &app, &headers)?;
    let p = checked_body(&s, &headers, body, request::lens_publish).await?;
    let (lens, replaced) = blocking(&s, move |c| c.publish_lens(p)).await?;
    if replaced {
        eprintln!(
            "warning: lens {} -> {} replaced with different content",
            lens.from.short(),
            lens.to.short()
        );
    }
    created(&LensPublished {
        object_id: lens.object_id().to_string(),
        from_hash: lens.from.to_hex(),
        to_hash: lens.to.to_hex(),
    })
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
