//! The development-mode schema push: a valid non-anonymous user
//! session (a local-first bearer token or backend impersonation) may publish a structural
//! schema without the admin secret; anonymous sessions, wrong secrets and production mode may
//! not, and no other route is relaxed.

mod support;

use std::time::{SystemTime, UNIX_EPOCH};

use ed25519_dalek::{Signer, SigningKey};
use sha2::{Digest, Sha512};
use support::*;
use uuid::Uuid;

fn b64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// A self-signed token as upstream clients make them.
fn token(iss: &str, aud: &str, lifetime: i64) -> String {
    let seed = [7u8; 32];
    let digest = Sha512::new()
        .chain_update(b"jazz-auth-sign-v1")
        .chain_update(seed)
        .finalize();
    let mut secret = [0u8; 32];
    secret.copy_from_slice(&digest[..32]);
    let key = SigningKey::from_bytes(&secret);
    let public = key.verifying_key().to_bytes();
    let ns = Uuid::from_bytes(*b"jazz-auth-key-v1");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    let claims = serde_json::json!({
        "iss": iss,
        "sub": Uuid::new_v5(&ns, &public).to_string(),
        "aud": aud,
        "jazz_pub_key": b64url(&public),
        "iat": now,
        "exp": now + lifetime,
    });
    let signed = format!(
        "{}.{}",
        b64url(br#"{"alg":"EdDSA","typ":"JWT"}"#),
        b64url(claims.to_string().as_bytes())
    );
    let sig = key.sign(signed.as_bytes()).to_bytes();
    format!("{signed}.{}", b64url(&sig))
}

fn push(base: &str, headers: &[(&str, Option<&str>)]) -> u16 {
    post_with(
        base,
        &format!("/apps/{APP}/admin/schemas"),
        headers,
        &schema_body(SCHEMA_V1),
    )
    .0
}

#[test]
fn local_first_tokens_may_push_schemas_in_development_mode() {
    let mut c = config(Some(SECRET));
    c.development_mode = true;
    let s = start(c, None);
    let user = format!("Bearer {}", token("urn:jazz:local-first", APP, 600));
    let anon = format!("Bearer {}", token("urn:jazz:anonymous", APP, 600));
    let other_app = format!(
        "Bearer {}",
        token("urn:jazz:local-first", "another-app", 600)
    );
    let too_long = format!("Bearer {}", token("urn:jazz:local-first", APP, 7200));
    assert_eq!(push(&s.base, &[("Authorization", Some(&anon))]), 401);
    assert_eq!(push(&s.base, &[("Authorization", Some(&other_app))]), 401);
    assert_eq!(push(&s.base, &[("Authorization", Some(&too_long))]), 401);
    assert_eq!(
        push(
            &s.base,
            &[
                ("Authorization", Some(&user)),
                ("X-Jazz-Admin-Secret", Some("wrong"))
            ]
        ),
        401
    );
    assert_eq!(push(&s.base, &[("Authorization", Some(&user))]), 201);
    let (status, _) = post_with(
        &s.base,
        &format!("/apps/{APP}/admin/permissions"),
        &[("Authorization", Some(&user))],
        "{}",
    );
    assert_eq!(status, 401);

    // Production mode: the token is not enough.
    let prod = start(config(Some(SECRET)), None);
    assert_eq!(push(&prod.base, &[("Authorization", Some(&user))]), 401);
    // Local-first auth disabled: refused too.
    let mut c = config(Some(SECRET));
    c.development_mode = true;
    c.allow_local_first_auth = false;
    let off = start(c, None);
    assert_eq!(push(&off.base, &[("Authorization", Some(&user))]), 401);
}

#[test]
fn development_mode_push_by_impersonated_session() {
    let mut c = config(Some(SECRET));
    c.development_mode = true;
    c.backend_secret = Some("backend".into());
    let s = start(c, None);
    let path = app("/admin/schemas");
    let body = schema_body(SCHEMA_V1);
    // {"user_id":"u1"} and {"user_id":"u1","authMode":"anonymous"}
    let user = "eyJ1c2VyX2lkIjoidTEifQ==";
    let anon = "eyJ1c2VyX2lkIjoidTEiLCJhdXRoTW9kZSI6ImFub255bW91cyJ9";
    let with = |session: &str, admin: Option<&str>| {
        post_with(
            &s.base,
            &path,
            &[
                ("X-Jazz-Session", Some(session)),
                ("X-Jazz-Backend-Secret", Some("backend")),
                ("X-Jazz-Admin-Secret", admin),
            ],
            &body,
        )
        .0
    };
    assert_eq!(with(anon, None), 401);
    assert_eq!(with(user, Some("wrong")), 401);
    assert_eq!(with(user, None), 201);
    // No other route is relaxed.
    let (status, _) = post_with(
        &s.base,
        &app("/admin/permissions"),
        &[
            ("X-Jazz-Session", Some(user)),
            ("X-Jazz-Backend-Secret", Some("backend")),
        ],
        "{}",
    );
    assert_eq!(status, 401);
}

/// An external JWT the server cannot verify (no `--jwks-url` / `--jwt-public-key`, and external
/// verification is not built) never stands in for the admin secret: the push falls back to the
/// admin rules (401 `unauthorized`) and stores nothing.
#[test]
fn unverifiable_external_jwts_cannot_push_schemas() {
    let mut c = config(Some(SECRET));
    c.development_mode = true;
    let s = start(c, None);
    let claims = serde_json::json!({
        "iss": "https://issuer.example",
        "sub": "user-1",
        "aud": APP,
        "exp": 4_102_444_800i64,
    });
    let unsigned = format!(
        "{}.{}",
        b64url(br#"{"alg":"RS256","typ":"JWT","kid":"k1"}"#),
        b64url(claims.to_string().as_bytes())
    );
    for token in [
        format!("{unsigned}.{}", b64url(&[7u8; 256])),
        format!("{unsigned}."),
        format!(
            "{}.{}.",
            b64url(br#"{"alg":"none","typ":"JWT"}"#),
            b64url(claims.to_string().as_bytes())
        ),
    ] {
        let bearer = format!("Bearer {token}");
        let (status, body) = post_with(
            &s.base,
            &app("/admin/schemas"),
            &[("Authorization", Some(&bearer))],
            &schema_body(SCHEMA_V1),
        );
        assert_eq!(
            (status, json(&body)),
            (
                401,
                serde_json::json!({"error": "Admin secret required for this operation", "code": "unauthorized"})
            ),
            "{token}"
        );
    }
    let (status, body) = get(&s.base, &app("/schemas"), Some(SECRET));
    assert_eq!(status, 200);
    assert_eq!(json(&body)["hashes"], serde_json::json!([]));
}
