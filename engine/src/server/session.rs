//! Which user sessions allow the development-mode schema push: a
//! valid, non-anonymous session from backend impersonation or a bearer token. Failures here
//! never answer by themselves; the request then falls back to the admin rules.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::HeaderMap;

use super::ServerConfig;
use super::http::secrets_equal;
use crate::policy::session::{AuthMode, Session, decode_impersonation};
use crate::policy::token::{TokenRules, verify_bearer};

/// The request's user session, if it carries a valid one.
pub fn user_session(config: &ServerConfig, headers: &HeaderMap) -> Option<Session> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(session) = text("x-jazz-session") {
        let backend = config.backend_secret.as_deref()?;
        let given = text("x-jazz-backend-secret")?;
        if !secrets_equal(given.as_bytes(), backend.as_bytes()) {
            return None;
        }
        return decode_impersonation(session).ok();
    }
    let token = text("authorization")?.strip_prefix("Bearer ")?.trim();
    if token.is_empty() {
        return None;
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    let rules = TokenRules {
        app_id: config.app_id,
        allow_local_first: config.allow_local_first_auth,
        now,
    };
    verify_bearer(token, &rules).ok()
}

/// True when the request may push a structural schema without the admin secret.
pub fn allows_schema_push(config: &ServerConfig, headers: &HeaderMap) -> bool {
    user_session(config, headers).is_some_and(|s| s.auth_mode != AuthMode::Anonymous)
}
