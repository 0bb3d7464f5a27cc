//! Literals: JS values to wire `Value`s.

use crate::schema::json::JsonValue;
use crate::source::Span;

use super::super::codes;
use super::super::ir::Lit;
use super::Interp;
use super::value::Pv;

const VALUE_TAGS: &[&str] = &[
    "Null",
    "Integer",
    "BigInt",
    "Double",
    "Boolean",
    "Text",
    "Timestamp",
    "Uuid",
    "Bytea",
    "Array",
];

/// `{ type: "<ValueTag>", value }` or a single-key legacy `{ Text: "x" }`.
pub fn is_tagged(v: &Pv) -> bool {
    let Pv::Obj(o) = v else { return false };
    if let Some(Pv::Str(t)) = v.get("type") {
        return VALUE_TAGS.contains(&&**t);
    }
    o.len() == 1
        && o.first()
            .is_some_and(|(k, _, _)| VALUE_TAGS.contains(&k.as_str()))
}

/// Whether `s` is UUID-shaped (versions 1–8, RFC variant), any case.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 36 {
        return false;
    }
    for (i, c) in b.iter().enumerate() {
        let ok = match i {
            8 | 13 | 18 | 23 => *c == b'-',
            14 => (b'1'..=b'8').contains(c),
            19 => matches!(c.to_ascii_lowercase(), b'8' | b'9' | b'a' | b'b'),
            _ => c.is_ascii_hexdigit(),
        };
        if !ok {
            return false;
        }
    }
    true
}

/// A JS number as a wire value.
pub fn number(n: f64) -> Option<Lit> {
    if !n.is_finite() {
        return None;
    }
    if n.fract() == 0.0 {
        if n >= f64::from(i32::MIN) && n <= f64::from(i32::MAX) {
            return Some(Lit::Integer(n as i32));
        }
        if n.abs() <= 9_007_199_254_740_991.0 {
            return Some(Lit::BigInt(n as i64));
        }
    }
    Some(Lit::Double(n))
}

/// An interpreter value as JSON (for raw policy expressions).
pub fn to_json(v: &Pv) -> JsonValue {
    match v {
        Pv::Null => JsonValue::Null,
        Pv::Bool(b) => JsonValue::Bool(*b),
        Pv::Num(n) => JsonValue::Number(*n),
        Pv::Str(s) => JsonValue::String(s.to_string()),
        Pv::Arr(a) => JsonValue::Array(a.iter().map(to_json).collect()),
        Pv::Obj(o) => JsonValue::Object(
            o.iter()
                .filter(|(_, x, _)| !matches!(x, Pv::Undef))
                .map(|(k, x, _)| (k.clone(), to_json(x)))
                .collect(),
        ),
        Pv::Cond(c) => match &**c {
            super::value::Cond::Ready(e) => super::super::json::expr(e),
            _ => JsonValue::Null,
        },
        _ => JsonValue::Null,
    }
}

impl Interp<'_> {
    /// Converts a literal; reports JZ2228 (and friends) and returns `None` on failure.
    pub(super) fn literal(&mut self, v: &Pv, span: Span) -> Option<Lit> {
        match v {
            Pv::Null => Some(Lit::Null),
            Pv::Bool(b) => Some(Lit::Boolean(*b)),
            Pv::Num(n) => {
                let r = number(*n);
                if r.is_none() {
                    self.upstream_error(
                        codes::BAD_LITERAL,
                        span,
                        "Permissions literals only support finite numbers.".into(),
                    );
                }
                r
            }
            Pv::Str(s) => Some(if is_uuid(s) {
                Lit::Uuid(s.to_string())
            } else {
                Lit::Text(s.to_string())
            }),
            Pv::Date(ms) => {
                if !ms.is_finite() {
                    self.upstream_error(
                        codes::BAD_LITERAL,
                        span,
                        "Permissions literals only support finite numbers.".into(),
                    );
                    None
                } else if *ms < 0.0 {
                    self.report(
                        codes::DATE_BEFORE_EPOCH,
                        span,
                        "a Date before 1970 becomes a negative timestamp, which the server rejects",
                    );
                    None
                } else {
                    Some(Lit::Timestamp(*ms as u64))
                }
            }
            Pv::Bytes(b) => {
                self.report(
                    codes::BYTEA_LITERAL,
                    span,
                    "upstream's `jazz-tools deploy` cannot publish a Uint8Array literal; jazz writes it as a byte array",
                );
                Some(Lit::Bytea(b.to_vec()))
            }
            Pv::Arr(items) => {
                let check = self.budget.array(items.len());
                if !self.spend(check, span, "this literal") {
                    return None;
                }
                let mut out = Vec::new();
                for i in items.iter() {
                    out.push(self.literal(i, span)?);
                }
                Some(Lit::Array(out))
            }
            Pv::Obj(_) if is_tagged(v) => {
                let json = to_json(v);
                match super::super::parse::tagged_value(&json) {
                    Ok(l) => Some(l),
                    Err(m) => {
                        self.upstream_error(codes::BAD_LITERAL, span, m);
                        None
                    }
                }
            }
            Pv::Bad => None,
            _ => {
                self.upstream_error(
                    codes::BAD_LITERAL,
                    span,
                    "Permissions literals must use scalars, arrays, Date, Uint8Array, or tagged Value objects.".into(),
                );
                None
            }
        }
    }
}
