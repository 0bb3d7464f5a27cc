//! Error answers: [`ApiError`], written as the `{error, code}` body,
//! and the one place where the engine's typed errors become an HTTP status and upstream's
//! `code`. The matches are exhaustive, so a new error variant needs a status here.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::wire::{self, ErrorBody};
use crate::catalogue::CatalogueError;
use crate::catalogue::request::RequestError;

/// An error answer: status, upstream `code` and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: &self.message,
            code: self.code,
        };
        let mut r = wire::json_response(self.status, &body);
        if self.status == StatusCode::REQUEST_TIMEOUT {
            // The rest of the body may still be arriving: do not wait for it.
            r.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        r
    }
}

/// Every refused request is `bad_request`; a schema over the size limits is 413, the rest 400.
impl From<RequestError> for ApiError {
    fn from(e: RequestError) -> Self {
        let status = match &e {
            RequestError::SchemaTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            RequestError::Utf8(_)
            | RequestError::TooDeep
            | RequestError::Json(_)
            | RequestError::Shape(_)
            | RequestError::MissingQuery(_)
            | RequestError::HashNotHex
            | RequestError::HashLength
            | RequestError::ObjectId
            | RequestError::PermissionsInSchema
            | RequestError::SchemaReader(_)
            | RequestError::Schema(_)
            | RequestError::LensMarkers { .. }
            | RequestError::UnknownTargetTable(_)
            | RequestError::UnknownSourceTable(_)
            | RequestError::Permissions(_) => StatusCode::BAD_REQUEST,
        };
        ApiError::new(status, "bad_request", e.to_string())
    }
}

/// A request the catalogue refused as a request; 404 for an unknown schema; 409 (code
/// `bad_request`, as upstream) for a stale permissions parent; 500 for a failed commit.
impl From<CatalogueError> for ApiError {
    fn from(e: CatalogueError) -> Self {
        match e {
            CatalogueError::Request(e) => e.into(),
            CatalogueError::UnknownSchema { .. } => ApiError::not_found(e.to_string()),
            CatalogueError::StaleParent { .. } => {
                ApiError::new(StatusCode::CONFLICT, "bad_request", e.to_string())
            }
            CatalogueError::Storage(e) => ApiError::internal(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use jazz_schema_compiler::schema::SchemaHash;

    use super::*;
    use crate::storage::StorageError;

    fn answer(e: impl Into<ApiError>) -> (u16, &'static str, String) {
        let e = e.into();
        (e.status.as_u16(), e.code, e.message)
    }

    #[test]
    fn request_errors_are_400_except_oversized_schemas() {
        let too_large = RequestError::SchemaTooLarge {
            what: "columns",
            count: 7,
            limit: 6,
        };
        assert_eq!(
            answer(too_large),
            (
                413,
                "bad_request",
                "schema too large: 7 columns (limit 6)".into()
            )
        );
        let refusals = [
            RequestError::Utf8("x".into()),
            RequestError::TooDeep,
            RequestError::Json("x".into()),
            RequestError::Shape("x".into()),
            RequestError::MissingQuery("fromHash".into()),
            RequestError::HashNotHex,
            RequestError::HashLength,
            RequestError::ObjectId,
            RequestError::PermissionsInSchema,
            RequestError::SchemaReader("invalid schema at t: x".into()),
            RequestError::Schema("x".into()),
            RequestError::LensMarkers {
                table: "t".into(),
                rule: "be both added and removed",
            },
            RequestError::UnknownTargetTable("t".into()),
            RequestError::UnknownSourceTable("t".into()),
            RequestError::Permissions("x".into()),
        ];
        for e in refusals {
            let message = e.to_string();
            assert_eq!(answer(e), (400, "bad_request", message));
        }
    }

    #[test]
    fn catalogue_errors_choose_their_status() {
        let hash = SchemaHash([0xab; 32]);
        assert_eq!(
            answer(CatalogueError::UnknownSchema {
                role: "source",
                hash
            }),
            (
                404,
                "not_found",
                format!("source schema catalogue not found for hash {hash}")
            )
        );
        let id = uuid::Uuid::from_bytes([1; 16]);
        assert_eq!(
            answer(CatalogueError::StaleParent {
                expected: None,
                current: Some(id),
            }),
            (
                409,
                "bad_request",
                format!("stale permissions parent: expected none, current {id}")
            )
        );
        assert_eq!(
            answer(CatalogueError::Storage(StorageError::Io(
                "storage failure: disk full".into()
            ))),
            (500, "internal", "storage failure: disk full".into())
        );
        assert_eq!(
            answer(CatalogueError::Request(RequestError::UnknownTargetTable(
                "t".into()
            ))),
            (
                400,
                "bad_request",
                "createTables references unknown target table t".into()
            )
        );
        assert_eq!(
            answer(CatalogueError::Request(RequestError::SchemaTooLarge {
                what: "tables",
                count: 2,
                limit: 1
            }))
            .0,
            413
        );
    }

    #[tokio::test]
    async fn error_bodies_put_error_before_code() {
        let r = ApiError::bad_request("a \"quoted\" é\n").into_response();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            r.headers().get(header::CONTENT_TYPE),
            Some(&HeaderValue::from_static("application/json"))
        );
        let body = axum::body::to_bytes(r.into_body(), 1024).await;
        assert_eq!(
            body.as_deref().ok(),
            Some(r#"{"error":"a \"quoted\" é\n","code":"bad_request"}"#.as_bytes())
        );
        let timeout = ApiError::new(StatusCode::REQUEST_TIMEOUT, "bad_request", "slow");
        assert_eq!(
            timeout.into_response().headers().get(header::CONNECTION),
            Some(&HeaderValue::from_static("close"))
        );
    }
}
