//! User sessions (cli-and-server.md §3.5.2). Implemented so far: backend impersonation through
//! `X-Jazz-Session` (standard padded base64 of `{"user_id", "claims"?, "authMode"?}`).
//! Local-first self-signed tokens (§3.5.3) and external JWTs (§3.5.4) are not verified yet:
//! [`bearer_session`] is the seam where they go, and it accepts nothing until then.

use serde_json::Value;

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

/// Decodes an `X-Jazz-Session` header value; `Invalid session format` on any failure.
pub fn decode_impersonation(header: &str) -> Result<Session, String> {
    let invalid = || "Invalid session format".to_string();
    let bytes = base64_standard(header.trim()).ok_or_else(invalid)?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    let user_id = v
        .get("user_id")
        .and_then(Value::as_str)
        .ok_or_else(invalid)?
        .to_string();
    let claims = match v.get("claims") {
        None | Some(Value::Null) => Value::Object(Default::default()),
        Some(c @ Value::Object(_)) => c.clone(),
        Some(_) => return Err(invalid()),
    };
    let mode = v.get("authMode").or_else(|| v.get("auth_mode"));
    let auth_mode = match mode.and_then(Value::as_str) {
        None if mode.is_none() => AuthMode::External,
        Some("external") => AuthMode::External,
        Some("local-first") => AuthMode::LocalFirst,
        Some("anonymous") => AuthMode::Anonymous,
        _ => return Err(invalid()),
    };
    Ok(Session {
        user_id,
        claims,
        auth_mode,
    })
}

/// A bearer token's session. Token verification (§3.5.3, §3.5.4) is not implemented yet, so
/// every token is refused.
pub fn bearer_session(_token: &str, _app_id: &uuid::Uuid) -> Result<Session, String> {
    Err("bearer tokens are not supported by this server yet".into())
}

/// Standard base64 with padding (RFC 4648 §4); `None` for anything else.
fn base64_standard(text: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let chunks = bytes.len() / 4;
    for (i, chunk) in bytes.chunks_exact(4).enumerate() {
        let pad = chunk.iter().rev().take_while(|c| **c == b'=').count();
        if pad > 2 || (pad > 0 && i + 1 != chunks) {
            return None;
        }
        let mut n = 0u32;
        for c in &chunk[..4 - pad] {
            n = (n << 6) | val(*c)?;
        }
        n <<= 6 * pad as u32;
        let three = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&three[..3 - pad]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_known_values() {
        assert_eq!(base64_standard("aGk="), Some(b"hi".to_vec()));
        assert_eq!(base64_standard("aGVsbG8h"), Some(b"hello!".to_vec()));
        assert_eq!(base64_standard("a"), None);
        assert_eq!(base64_standard("a=bc"), None);
    }

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
        assert!(decode_impersonation("!!").is_err());
    }
}
