//! User sessions: the session type, and backend impersonation through
//! `X-Jazz-Session` (standard padded base64 of `{"user_id", "claims"?, "authMode"?}`). Bearer
//! tokens are in [`super::token`].

use serde_json::Value;

use super::base64;

/// How a session was established.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    External,
    LocalFirst,
    Anonymous,
}

/// A user session.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub user_id: String,
    pub claims: Value,
    pub auth_mode: AuthMode,
}

/// Why an `X-Jazz-Session` header was refused. Every variant reads `Invalid session format`,
/// as upstream answers; the variant says which part was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// Not standard padded base64.
    #[error("Invalid session format")]
    Base64,
    /// The decoded bytes are not JSON.
    #[error("Invalid session format")]
    Json,
    /// No string `user_id`.
    #[error("Invalid session format")]
    UserId,
    /// `claims` is present but not an object.
    #[error("Invalid session format")]
    Claims,
    /// `authMode` is not `external`, `local-first` or `anonymous`.
    #[error("Invalid session format")]
    AuthMode,
}

/// Decodes an `X-Jazz-Session` header value.
pub fn decode_impersonation(header: &str) -> Result<Session, SessionError> {
    let bytes = base64::standard(header.trim()).ok_or(SessionError::Base64)?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|_| SessionError::Json)?;
    let user_id = v
        .get("user_id")
        .and_then(Value::as_str)
        .ok_or(SessionError::UserId)?
        .to_string();
    let claims = match v.get("claims") {
        None | Some(Value::Null) => Value::Object(Default::default()),
        Some(c @ Value::Object(_)) => c.clone(),
        Some(_) => return Err(SessionError::Claims),
    };
    let mode = v.get("authMode").or_else(|| v.get("auth_mode"));
    let auth_mode = match mode.and_then(Value::as_str) {
        None if mode.is_none() => AuthMode::External,
        Some("external") => AuthMode::External,
        Some("local-first") => AuthMode::LocalFirst,
        Some("anonymous") => AuthMode::Anonymous,
        _ => return Err(SessionError::AuthMode),
    };
    Ok(Session {
        user_id,
        claims,
        auth_mode,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impersonation_header() {
        // {"user_id":"u1","authMode":"anonymous"}
        let s = decode_impersonation("eyJ1c2VyX2lkIjoidTEiLCJhdXRoTW9kZSI6ImFub255bW91cyJ9");
        assert_eq!(s.map(|s| s.auth_mode), Ok(AuthMode::Anonymous));
        let s = decode_impersonation("eyJ1c2VyX2lkIjoidTEifQ==");
        assert_eq!(
            s.map(|s| (s.user_id, s.auth_mode)),
            Ok(("u1".into(), AuthMode::External))
        );
        assert_eq!(decode_impersonation("!!"), Err(SessionError::Base64));
        // {"user_id":"u1","authMode":"admin"}
        let s = decode_impersonation("eyJ1c2VyX2lkIjoidTEiLCJhdXRoTW9kZSI6ImFkbWluIn0=");
        assert_eq!(s, Err(SessionError::AuthMode));
        assert_eq!(SessionError::AuthMode.to_string(), "Invalid session format");
    }
}
