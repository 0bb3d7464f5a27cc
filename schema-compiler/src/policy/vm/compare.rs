//! Leaf value semantics over borrowed values (no allocation on the hot
//! path): variant-exact structural equality (Doubles bitwise), the one Uuid-vs-Text coercion
//! of `Cmp`, and the partial ordering with `Null` below everything.

use std::cmp::Ordering;

use super::super::ir::{CmpOp, Lit};
use super::data::{Val, parse_uuid};

/// A borrowed runtime value.
#[derive(Debug, Clone, Copy)]
pub enum V<'a> {
    Null,
    Integer(i32),
    BigInt(i64),
    Double(f64),
    Boolean(bool),
    Text(&'a str),
    Timestamp(u64),
    Uuid([u8; 16]),
    Bytea(&'a [u8]),
    Array(&'a [Val]),
}

impl<'a> From<&'a Val> for V<'a> {
    #[inline]
    fn from(v: &'a Val) -> Self {
        match v {
            Val::Null => V::Null,
            Val::Integer(i) => V::Integer(*i),
            Val::BigInt(i) => V::BigInt(*i),
            Val::Double(d) => V::Double(*d),
            Val::Boolean(b) => V::Boolean(*b),
            Val::Text(t) => V::Text(t),
            Val::Timestamp(t) => V::Timestamp(*t),
            Val::Uuid(u) => V::Uuid(*u),
            Val::Bytea(b) => V::Bytea(b),
            Val::Array(a) => V::Array(a),
        }
    }
}

/// A literal as a runtime value (a Uuid literal that does not parse stays Text).
pub fn lit_val(l: &Lit) -> Val {
    match l {
        Lit::Null => Val::Null,
        Lit::Integer(i) => Val::Integer(*i),
        Lit::BigInt(i) => Val::BigInt(*i),
        Lit::Double(d) => Val::Double(*d),
        Lit::Boolean(b) => Val::Boolean(*b),
        Lit::Text(t) => Val::Text(t.clone()),
        Lit::Timestamp(t) => Val::Timestamp(*t),
        Lit::Uuid(u) => match parse_uuid(u) {
            Some(b) => Val::Uuid(b),
            None => Val::Text(u.clone()),
        },
        Lit::Bytea(b) => Val::Bytea(b.clone()),
        Lit::Array(items) => Val::Array(items.iter().map(lit_val).collect()),
    }
}

/// Strict equality.
#[inline]
pub fn eq(a: V<'_>, b: V<'_>) -> bool {
    match (a, b) {
        (V::Null, V::Null) => true,
        (V::Integer(x), V::Integer(y)) => x == y,
        (V::BigInt(x), V::BigInt(y)) => x == y,
        (V::Double(x), V::Double(y)) => x.to_bits() == y.to_bits(),
        (V::Boolean(x), V::Boolean(y)) => x == y,
        (V::Text(x), V::Text(y)) => x == y,
        (V::Timestamp(x), V::Timestamp(y)) => x == y,
        (V::Uuid(x), V::Uuid(y)) => x == y,
        (V::Bytea(x), V::Bytea(y)) => x == y,
        (V::Array(x), V::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| eq(p.into(), q.into()))
        }
        _ => false,
    }
}

/// Equality with the `Cmp` coercion: a Uuid column against Text parses the text.
#[inline]
pub fn eq_coerce(col: V<'_>, rhs: V<'_>) -> bool {
    match (col, rhs) {
        // The common case first, without the general match of `eq`.
        (V::Text(x), V::Text(y)) => x == y,
        (V::Uuid(u), V::Text(t)) => parse_uuid(t).is_some_and(|p| p == u),
        _ => eq(col, rhs),
    }
}

fn order(a: V<'_>, b: V<'_>) -> Option<Ordering> {
    Some(match (a, b) {
        (V::Null, V::Null) => Ordering::Equal,
        (V::Null, _) => Ordering::Less,
        (_, V::Null) => Ordering::Greater,
        (V::Integer(x), V::Integer(y)) => x.cmp(&y),
        (V::BigInt(x), V::BigInt(y)) => x.cmp(&y),
        (V::Double(x), V::Double(y)) => x.total_cmp(&y),
        (V::Boolean(x), V::Boolean(y)) => x.cmp(&y),
        (V::Text(x), V::Text(y)) => x.as_bytes().cmp(y.as_bytes()),
        (V::Timestamp(x), V::Timestamp(y)) => x.cmp(&y),
        (V::Uuid(x), V::Uuid(y)) => x.cmp(&y),
        _ => return None,
    })
}

/// `col op rhs` with both sides resolved.
#[inline]
pub fn cmp(col: V<'_>, op: CmpOp, rhs: V<'_>) -> bool {
    match op {
        CmpOp::Eq => eq_coerce(col, rhs),
        CmpOp::Ne => !eq_coerce(col, rhs),
        CmpOp::Lt => order(col, rhs) == Some(Ordering::Less),
        CmpOp::Le => matches!(order(col, rhs), Some(Ordering::Less | Ordering::Equal)),
        CmpOp::Gt => order(col, rhs) == Some(Ordering::Greater),
        CmpOp::Ge => matches!(order(col, rhs), Some(Ordering::Greater | Ordering::Equal)),
    }
}

/// `Contains`: an array element equal to `v`, or a Text substring.
pub fn contains(col: V<'_>, v: V<'_>) -> bool {
    match (col, v) {
        (V::Array(items), _) => items.iter().any(|i| eq(i.into(), v)),
        (V::Text(t), V::Text(s)) => t.contains(s),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_matrix() {
        let n = V::Null;
        let x = V::Integer(1);
        assert!(!cmp(x, CmpOp::Lt, n));
        assert!(!cmp(x, CmpOp::Le, n));
        assert!(cmp(n, CmpOp::Le, n));
        assert!(cmp(x, CmpOp::Gt, n));
        assert!(!cmp(n, CmpOp::Gt, n));
        assert!(cmp(x, CmpOp::Ge, n) && cmp(n, CmpOp::Ge, n));
        assert!(cmp(n, CmpOp::Eq, n));
    }

    #[test]
    fn typed_equality_never_coerces_numbers() {
        assert!(!eq(V::Integer(3), V::BigInt(3)));
        assert!(!eq(V::Integer(3), V::Double(3.0)));
        assert!(!eq(V::Text("5"), V::Integer(5)));
        assert!(
            cmp(V::Text("5"), CmpOp::Ne, V::Integer(5)),
            "a type mismatch makes Ne true"
        );
        assert!(
            !cmp(V::Integer(1), CmpOp::Lt, V::BigInt(2)),
            "no ordering across variants"
        );
        assert!(eq(V::Double(f64::NAN), V::Double(f64::NAN)));
        assert!(!eq(V::Double(0.0), V::Double(-0.0)));
    }

    #[test]
    fn uuid_column_against_text_parses_any_case() {
        let u = parse_uuid("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b").unwrap_or_default();
        assert!(cmp(
            V::Uuid(u),
            CmpOp::Eq,
            V::Text("0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B")
        ));
        assert!(!cmp(V::Uuid(u), CmpOp::Eq, V::Text("nope")));
        assert!(!contains(
            V::Array(&[Val::Uuid(u)]),
            V::Text("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")
        ));
    }
}
