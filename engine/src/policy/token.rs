//! Bearer tokens. Self-signed local-first and
//! anonymous tokens are verified here, every step with strict Ed25519. External JWTs
//! are not supported yet: they are answered `disabled`, as a server without
//! `--jwks-url` / `--jwt-public-key` does.

use ed25519_dalek::{Signature, VerifyingKey};
use serde_json::Value;
use uuid::Uuid;

use super::base64;
use super::session::{AuthMode, Session};

/// `6a617a7a-2d61-7574-682d-6b65792d7631`: the bytes of ASCII `jazz-auth-key-v1`.
pub const USER_ID_NAMESPACE: Uuid = Uuid::from_bytes(*b"jazz-auth-key-v1");

const LOCAL_FIRST: &str = "urn:jazz:local-first";
const ANONYMOUS: &str = "urn:jazz:anonymous";
const CLAIMS: [&str; 6] = ["iss", "sub", "aud", "jazz_pub_key", "iat", "exp"];

/// Why a token was refused: upstream's `code` (`invalid`, `expired`, `disabled`) and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthFailure {
    pub code: &'static str,
    pub message: String,
}

fn invalid(message: impl Into<String>) -> AuthFailure {
    AuthFailure {
        code: "invalid",
        message: message.into(),
    }
}

fn disabled(message: &str) -> AuthFailure {
    AuthFailure {
        code: "disabled",
        message: message.into(),
    }
}

/// What token verification needs from the server.
#[derive(Debug, Clone, Copy)]
pub struct TokenRules {
    pub app_id: Uuid,
    pub allow_local_first: bool,
    /// Seconds since the Unix epoch.
    pub now: i64,
}

fn json_part(part: &str, what: &str) -> Result<serde_json::Map<String, Value>, AuthFailure> {
    let bytes =
        base64::url_no_pad(part).ok_or_else(|| invalid(format!("invalid {what} encoding")))?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(invalid(format!("invalid {what}"))),
    }
}

/// The app id a token's `aud` names: a UUID, or a name mapped to UUIDv5(DNS, name).
fn audience(aud: &str) -> Uuid {
    Uuid::parse_str(aud).unwrap_or_else(|_| Uuid::new_v5(&Uuid::NAMESPACE_DNS, aud.as_bytes()))
}

/// Verifies a bearer token and returns its session.
pub fn verify_bearer(token: &str, rules: &TokenRules) -> Result<Session, AuthFailure> {
    let parts: Vec<&str> = token.split('.').collect();
    let [header, claims, signature] = parts.as_slice() else {
        return Err(invalid("invalid token format"));
    };
    let claims_map = json_part(claims, "token claims")?;
    let iss = claims_map.get("iss").and_then(Value::as_str).unwrap_or("");
    if iss != LOCAL_FIRST && iss != ANONYMOUS {
        return Err(disabled("JWT auth is not enabled for this app"));
    }
    let head = json_part(header, "token header")?;
    if head.get("alg").and_then(Value::as_str) != Some("EdDSA") {
        return Err(invalid("unsupported token algorithm"));
    }
    if let Some(unknown) = claims_map.keys().find(|k| !CLAIMS.contains(&k.as_str())) {
        return Err(invalid(format!("unknown field `{unknown}`")));
    }
    let mode = if iss == LOCAL_FIRST {
        if !rules.allow_local_first {
            return Err(disabled("Local-first auth is not enabled for this app"));
        }
        AuthMode::LocalFirst
    } else {
        AuthMode::Anonymous
    };
    let text = |k: &str| claims_map.get(k).and_then(Value::as_str);
    let aud = text("aud").ok_or_else(|| invalid("missing field `aud`"))?;
    if audience(aud) != rules.app_id {
        return Err(invalid("audience mismatch"));
    }
    let key_bytes = text("jazz_pub_key")
        .and_then(base64::url_no_pad)
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| invalid("invalid jazz_pub_key"))?;
    let key = VerifyingKey::from_bytes(&key_bytes).map_err(|_| invalid("invalid jazz_pub_key"))?;
    let sig = base64::url_no_pad(signature)
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .ok_or_else(|| invalid("invalid signature encoding"))?;
    let signed = format!("{header}.{claims}");
    key.verify_strict(signed.as_bytes(), &Signature::from_bytes(&sig))
        .map_err(|_| invalid("invalid signature"))?;
    let sub = text("sub").ok_or_else(|| invalid("missing field `sub`"))?;
    if sub != Uuid::new_v5(&USER_ID_NAMESPACE, &key_bytes).to_string() {
        return Err(invalid("sub mismatch"));
    }
    let time = |k: &str| claims_map.get(k).and_then(Value::as_i64);
    let iat = time("iat").ok_or_else(|| invalid("missing field `iat`"))?;
    let exp = time("exp").ok_or_else(|| invalid("missing field `exp`"))?;
    if iat > rules.now.saturating_add(60) {
        return Err(invalid("token issued in the future"));
    }
    if exp <= rules.now {
        return Err(AuthFailure {
            code: "expired",
            message: "JWT has expired".into(),
        });
    }
    if exp.saturating_sub(iat) > 3600 {
        return Err(invalid("token lifetime exceeds 3600 seconds"));
    }
    Ok(Session {
        user_id: sub.to_string(),
        claims: Value::Object(Default::default()),
        auth_mode: mode,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A self-signed local-first token (a published test vector), valid in its time window.
    const TOKEN: &str = "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJ1cm46amF6ejpsb2NhbC1maXJzdCIsInN1YiI6ImZhNjU5NTdhLThiNjMtNTNjOC04MTg3LWZiMTU2ODM2NWZhMSIsImF1ZCI6IjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMSIsImphenpfcHViX2tleSI6Il96Mlh2N2lTSjdLdVEybHlsZ01mNWp2UHVXS1BGOThWNE9LQUV3SVVVZGsiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6MTcwMDAwMzYwMH0.DADrahx-8JUfwCPP1S9IFL-rRUnxQgb2hGs8LVkc3_N0jEy5c69omAoTsEfhGOJAWDPyCEjKzhiZDKVEJpbyCg";

    fn rules(now: i64) -> TokenRules {
        TokenRules {
            app_id: Uuid::from_u128(1),
            allow_local_first: true,
            now,
        }
    }

    #[test]
    fn the_spec_vector_verifies_in_its_window() {
        let s = verify_bearer(TOKEN, &rules(1_700_000_000));
        assert_eq!(
            s.map(|s| (s.user_id, s.auth_mode)),
            Ok((
                "fa65957a-8b63-53c8-8187-fb1568365fa1".to_string(),
                AuthMode::LocalFirst
            ))
        );
        assert!(verify_bearer(TOKEN, &rules(1_699_999_940)).is_ok());
        assert!(verify_bearer(TOKEN, &rules(1_699_999_939)).is_err());
        let expired = verify_bearer(TOKEN, &rules(1_700_003_600));
        assert_eq!(expired.map_err(|e| e.code), Err("expired"));
    }

    #[test]
    fn tampering_and_configuration_are_refused() {
        let mut r = rules(1_700_000_000);
        r.app_id = Uuid::from_u128(2);
        assert!(verify_bearer(TOKEN, &r).is_err());
        let mut r = rules(1_700_000_000);
        r.allow_local_first = false;
        assert_eq!(
            verify_bearer(TOKEN, &r).map_err(|e| e.code),
            Err("disabled")
        );
        let mut bad_sig = TOKEN.to_string();
        bad_sig.pop();
        bad_sig.push('A');
        assert!(verify_bearer(&bad_sig, &rules(1_700_000_000)).is_err());
        assert!(verify_bearer("a.b", &rules(1_700_000_000)).is_err());
        assert!(verify_bearer("..", &rules(1_700_000_000)).is_err());
    }

    #[test]
    fn namespace_matches_the_spec() {
        assert_eq!(
            USER_ID_NAMESPACE.to_string(),
            "6a617a7a-2d61-7574-682d-6b65792d7631"
        );
    }
}
