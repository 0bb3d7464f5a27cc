//! Sessions and session-path resolution.

use crate::schema::json::JsonValue;

use super::super::bytecode::SessionPath;
use super::compare::V;

/// How the session authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthMode {
    #[default]
    External,
    LocalFirst,
    Anonymous,
}

impl AuthMode {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMode::External => "external",
            AuthMode::LocalFirst => "local-first",
            AuthMode::Anonymous => "anonymous",
        }
    }

    pub fn parse(s: &str) -> Option<AuthMode> {
        Some(match s {
            "external" => AuthMode::External,
            "local-first" => AuthMode::LocalFirst,
            "anonymous" => AuthMode::Anonymous,
            _ => return None,
        })
    }
}

/// A session.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub user_id: String,
    pub auth_mode: AuthMode,
    /// A JSON object.
    pub claims: JsonValue,
}

impl Session {
    pub fn new(user_id: &str) -> Self {
        Self {
            user_id: user_id.to_owned(),
            auth_mode: AuthMode::External,
            claims: JsonValue::Object(Vec::new()),
        }
    }

    /// The raw JSON at a claims path.
    pub fn claim(&self, path: &[String]) -> Option<&JsonValue> {
        let mut cur = &self.claims;
        for seg in path {
            match cur {
                JsonValue::Object(m) => {
                    cur = m.iter().rev().find(|(k, _)| k == seg).map(|(_, v)| v)?;
                }
                _ => return None,
            }
        }
        Some(cur)
    }

    /// A resolved session value; `None` is Absent.
    #[inline]
    pub fn resolve(&self, p: &SessionPath) -> Option<V<'_>> {
        match p {
            SessionPath::UserId => Some(V::Text(&self.user_id)),
            SessionPath::AuthMode => Some(V::Text(self.auth_mode.as_str())),
            SessionPath::Claims(path) => self.claim(path).and_then(json_scalar),
            SessionPath::Absent(_) => None,
        }
    }
}

/// A claim value as a runtime value: strings, integers, booleans, null; others are Absent.
pub fn json_scalar(v: &JsonValue) -> Option<V<'_>> {
    match v {
        JsonValue::String(s) => Some(V::Text(s)),
        JsonValue::Bool(b) => Some(V::Boolean(*b)),
        JsonValue::Null => Some(V::Null),
        JsonValue::Number(n) if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0 => {
            let i = *n as i64;
            Some(match i32::try_from(i) {
                Ok(x) => V::Integer(x),
                Err(_) => V::BigInt(i),
            })
        }
        _ => None,
    }
}
