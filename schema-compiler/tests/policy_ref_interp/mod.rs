//! A reference tree-walking interpreter over the Policy IR,
//! written from the spec and independent of the VM: names are resolved at every step, tables
//! are always scanned, nothing is memoised, comparisons and session resolution are
//! re-implemented here. `ExistsRel` is out of its scope (its tests are `policy_rel.rs`).

use std::cmp::Ordering;

use jazz_schema_compiler::policy::ir::{CmpOp, Expr, Lit, OUTER_ROW, Operation, PValue, Policy};
use jazz_schema_compiler::policy::vm::{MemoryData, Row, Session, Val};
use jazz_schema_compiler::schema::WasmSchema;
use jazz_schema_compiler::schema::json::JsonValue;

/// The reference evaluator of one decision.
pub struct Reference<'a> {
    pub policy: &'a Policy,
    pub schema: &'a WasmSchema,
    pub data: &'a MemoryData,
    pub session: &'a Session,
}

fn uuid(s: &str) -> Option<[u8; 16]> {
    let hex: Vec<char> = s.chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 || (s.len() != 36 && s.len() != 32) {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, o) in out.iter_mut().enumerate() {
        let hi = hex.get(2 * i)?.to_digit(16)?;
        let lo = hex.get(2 * i + 1)?.to_digit(16)?;
        *o = (hi * 16 + lo) as u8;
    }
    Some(out)
}

fn canonical(u: &[u8; 16]) -> String {
    let h: String = u.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// A wire literal as a runtime value (a Uuid literal that does not parse stays Text).
pub fn lit(l: &Lit) -> Val {
    match l {
        Lit::Null => Val::Null,
        Lit::Integer(i) => Val::Integer(*i),
        Lit::BigInt(i) => Val::BigInt(*i),
        Lit::Double(d) => Val::Double(*d),
        Lit::Boolean(b) => Val::Boolean(*b),
        Lit::Text(t) => Val::Text(t.clone()),
        Lit::Timestamp(t) => Val::Timestamp(*t),
        Lit::Uuid(u) => uuid(u)
            .map(Val::Uuid)
            .unwrap_or_else(|| Val::Text(u.clone())),
        Lit::Bytea(b) => Val::Bytea(b.clone()),
        Lit::Array(items) => Val::Array(items.iter().map(lit).collect()),
    }
}

/// Equality as the VM's `Cmp Eq`: variant-exact, structural, Doubles bitwise.
fn eq(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Double(x), Val::Double(y)) => x.to_bits() == y.to_bits(),
        (Val::Array(x), Val::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| eq(p, q))
        }
        (Val::Double(_), _) | (Val::Array(_), _) => false,
        _ => a == b,
    }
}

/// `Cmp` equality: a Uuid column against Text parses the text.
fn eq_column(col: &Val, rhs: &Val) -> bool {
    match (col, rhs) {
        (Val::Uuid(u), Val::Text(t)) => uuid(t) == Some(*u),
        _ => eq(col, rhs),
    }
}

fn order(a: &Val, b: &Val) -> Option<Ordering> {
    Some(match (a, b) {
        (Val::Null, Val::Null) => Ordering::Equal,
        (Val::Null, _) => Ordering::Less,
        (_, Val::Null) => Ordering::Greater,
        (Val::Integer(x), Val::Integer(y)) => x.cmp(y),
        (Val::BigInt(x), Val::BigInt(y)) => x.cmp(y),
        (Val::Double(x), Val::Double(y)) => x.total_cmp(y),
        (Val::Boolean(x), Val::Boolean(y)) => x.cmp(y),
        (Val::Text(x), Val::Text(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Val::Timestamp(x), Val::Timestamp(y)) => x.cmp(y),
        (Val::Uuid(x), Val::Uuid(y)) => x.cmp(y),
        _ => return None,
    })
}

fn compare(col: &Val, op: CmpOp, rhs: &Val) -> bool {
    match op {
        CmpOp::Eq => eq_column(col, rhs),
        CmpOp::Ne => !eq_column(col, rhs),
        CmpOp::Lt => order(col, rhs) == Some(Ordering::Less),
        CmpOp::Le => matches!(order(col, rhs), Some(Ordering::Less | Ordering::Equal)),
        CmpOp::Gt => order(col, rhs) == Some(Ordering::Greater),
        CmpOp::Ge => matches!(order(col, rhs), Some(Ordering::Greater | Ordering::Equal)),
    }
}

/// A claim as a value (strings, integers, booleans, null; others Absent).
fn claim_value(j: &JsonValue) -> Option<Val> {
    match j {
        JsonValue::String(s) => Some(Val::Text(s.clone())),
        JsonValue::Bool(b) => Some(Val::Boolean(*b)),
        JsonValue::Null => Some(Val::Null),
        JsonValue::Number(n) if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0 => {
            let i = *n as i64;
            Some(i32::try_from(i).map(Val::Integer).unwrap_or(Val::BigInt(i)))
        }
        _ => None,
    }
}

type Path = Vec<(String, [u8; 16], Operation)>;

/// A raw session value: user_id / authMode text, or the JSON of a claim.
enum Raw<'j> {
    Text(String),
    Json(&'j JsonValue),
}

impl Reference<'_> {
    fn claim(&self, path: &[String]) -> Option<&JsonValue> {
        let mut cur = &self.session.claims;
        for seg in path {
            let JsonValue::Object(m) = cur else {
                return None;
            };
            cur = m.iter().rev().find(|(k, _)| k == seg).map(|(_, v)| v)?;
        }
        Some(cur)
    }

    /// The raw session value at a path.
    fn session_raw(&self, p: &[String]) -> Option<Raw<'_>> {
        match p {
            [one] if one == "user_id" || one == "userId" => {
                Some(Raw::Text(self.session.user_id.clone()))
            }
            [one] if one == "authMode" || one == "auth_mode" => {
                Some(Raw::Text(self.session.auth_mode.as_str().to_owned()))
            }
            [first, rest @ ..] if first == "claims" && !rest.is_empty() => {
                self.claim(rest).map(Raw::Json)
            }
            _ => None,
        }
    }

    fn session_value(&self, p: &[String]) -> Option<Val> {
        match self.session_raw(p)? {
            Raw::Text(t) => Some(Val::Text(t)),
            Raw::Json(j) => claim_value(j),
        }
    }

    fn known_table(&self, t: &str) -> bool {
        self.schema.table(t).is_some() || self.policy.table(t).is_some()
    }

    /// Column lookup: magic column → schema column → id → Absent.
    fn column(&self, table: &str, row: &Row, name: &str) -> Option<Val> {
        if let Some(i) = self
            .schema
            .table(table)
            .and_then(|t| t.columns.iter().position(|c| c.name == name))
        {
            return row.values.get(i).cloned();
        }
        match name {
            "$createdBy" => Some(Val::Text(row.created_by.clone())),
            "$updatedBy" => Some(Val::Text(row.updated_by.clone())),
            "$createdAt" => Some(Val::Timestamp(row.created_at)),
            "$updatedAt" => Some(Val::Timestamp(row.updated_at)),
            "id" => Some(Val::Uuid(row.id)),
            _ => None,
        }
    }

    fn operand(&self, v: &PValue, outer: Option<(&str, &Row)>) -> Option<Val> {
        match v {
            PValue::Literal(l) => Some(lit(l)),
            PValue::SessionRef(p) => match (p.as_slice(), outer) {
                ([first, c], Some((t, r))) if first == OUTER_ROW => self.column(t, r, c),
                _ => self.session_value(p),
            },
        }
    }

    /// The clause of `table` for an inherited operation.
    fn clause(&self, table: &str, op: Operation) -> Option<&Expr> {
        let t = self.policy.table(table)?;
        let slot = |i: usize| t.slots.get(i).and_then(Option::as_ref);
        match op {
            Operation::Select => slot(0),
            Operation::Insert => slot(1),
            Operation::Update => slot(2),
            Operation::Delete => slot(4).or(slot(2)),
        }
    }

    fn enter(
        &self,
        table: &str,
        id: [u8; 16],
        op: Operation,
        depth: u32,
        calls: u32,
        path: &mut Path,
    ) -> bool {
        if path
            .iter()
            .any(|(t, i, o)| t == table && *i == id && *o == op)
        {
            return false;
        }
        let Some(parent) = self.data.rows(table).iter().find(|r| r.id == id) else {
            return false;
        };
        let Some(clause) = self.clause(table, op) else {
            return false;
        };
        path.push((table.to_owned(), id, op));
        let r = self.eval(clause, table, parent, None, depth + 1, calls, path);
        path.pop();
        r
    }

    fn depth_ok(max: Option<u32>, depth: u32) -> bool {
        let m = max.unwrap_or(10);
        (1..=64).contains(&m) && depth < m
    }

    /// Evaluates `e` on `row` of `table`.
    #[expect(
        clippy::too_many_arguments,
        reason = "mirrors the reference interpreter's recursion state one value each"
    )]
    pub fn eval(
        &self,
        e: &Expr,
        table: &str,
        row: &Row,
        outer: Option<(&str, &Row)>,
        depth: u32,
        calls: u32,
        path: &mut Path,
    ) -> bool {
        let col = |c: &str| self.column(table, row, c);
        match e {
            Expr::True => true,
            Expr::False => false,
            Expr::And(k) => k
                .iter()
                .all(|x| self.eval(x, table, row, outer, depth, calls, path)),
            Expr::Or(k) => k
                .iter()
                .any(|x| self.eval(x, table, row, outer, depth, calls, path)),
            Expr::Not(x) => !self.eval(x, table, row, outer, depth, calls, path),
            Expr::Cmp { column, op, value } => match (col(column), self.operand(value, outer)) {
                (Some(a), Some(b)) => compare(&a, *op, &b),
                _ => false,
            },
            Expr::IsNull { column } => col(column) == Some(Val::Null),
            Expr::IsNotNull { column } => matches!(col(column), Some(v) if v != Val::Null),
            Expr::Contains { column, value } => match (col(column), self.operand(value, outer)) {
                (Some(Val::Array(items)), Some(v)) => items.iter().any(|i| eq(i, &v)),
                (Some(Val::Text(t)), Some(Val::Text(s))) => t.contains(&s),
                _ => false,
            },
            Expr::InList { column, values } => match col(column) {
                None | Some(Val::Null) => false,
                Some(a) => values
                    .iter()
                    .any(|v| self.operand(v, outer).is_some_and(|b| eq(&a, &b))),
            },
            Expr::In {
                column,
                session_path,
            } => {
                let Some(a) = col(column) else { return false };
                let Some(Raw::Json(JsonValue::Array(items))) = self.session_raw(session_path)
                else {
                    return false;
                };
                items.iter().any(|j| match (&a, j) {
                    (Val::Text(x), JsonValue::String(y)) => x == y,
                    (Val::Uuid(u), JsonValue::String(y)) => canonical(u) == *y,
                    (Val::Integer(_) | Val::BigInt(_), _) => {
                        let want = match a {
                            Val::Integer(i) => i64::from(i),
                            Val::BigInt(i) => i,
                            _ => return false,
                        };
                        matches!(claim_value(j), Some(Val::Integer(x)) if i64::from(x) == want)
                            || matches!(claim_value(j), Some(Val::BigInt(x)) if x == want)
                    }
                    _ => false,
                })
            }
            Expr::SessionCmp { path: p, op, value } => self
                .session_value(p)
                .is_some_and(|v| compare(&v, *op, &lit(value))),
            Expr::SessionIsNull { path: p } => self.session_value(p) == Some(Val::Null),
            Expr::SessionIsNotNull { path: p } => {
                matches!(self.session_value(p), Some(v) if v != Val::Null)
            }
            Expr::SessionContains { path: p, value } => {
                let want = lit(value);
                match self.session_raw(p) {
                    Some(Raw::Text(s)) => matches!(&want, Val::Text(t) if s.contains(t.as_str())),
                    Some(Raw::Json(JsonValue::String(s))) => {
                        matches!(&want, Val::Text(t) if s.contains(t.as_str()))
                    }
                    Some(Raw::Json(JsonValue::Array(items))) => items
                        .iter()
                        .any(|j| claim_value(j).is_some_and(|v| eq(&v, &want))),
                    _ => false,
                }
            }
            Expr::SessionInList { path: p, values } => match self.session_value(p) {
                None | Some(Val::Null) => false,
                Some(v) => values.iter().any(|x| eq(&v, &lit(x))),
            },
            Expr::Exists {
                table: t,
                condition,
            } => {
                if calls >= 64 || !self.known_table(t) {
                    return false;
                }
                self.data
                    .rows(t)
                    .iter()
                    .any(|r| self.eval(condition, t, r, Some((table, row)), depth, calls + 1, path))
            }
            Expr::ExistsRel { .. } => false,
            Expr::Inherits {
                operation,
                via_column,
                max_depth,
            } => {
                if !Self::depth_ok(*max_depth, depth) {
                    return false;
                }
                let Some(c) = self
                    .schema
                    .table(table)
                    .and_then(|t| t.columns.iter().find(|c| &c.name == via_column))
                else {
                    return false;
                };
                match col(via_column) {
                    Some(Val::Null) => true,
                    Some(Val::Uuid(id)) => match &c.references {
                        Some(p) if self.known_table(p) => {
                            self.enter(p, id, *operation, depth, calls, path)
                        }
                        _ => false,
                    },
                    _ => false,
                }
            }
            Expr::InheritsReferencing {
                operation,
                source_table,
                via_column,
                max_depth,
            } => {
                if !Self::depth_ok(*max_depth, depth) {
                    return false;
                }
                let refs_here = self
                    .schema
                    .table(source_table)
                    .and_then(|t| t.columns.iter().find(|c| &c.name == via_column))
                    .is_some_and(|c| c.references.as_deref() == Some(table));
                if !refs_here {
                    return false;
                }
                let Some(ci) = self
                    .schema
                    .table(source_table)
                    .and_then(|t| t.columns.iter().position(|c| &c.name == via_column))
                else {
                    return false;
                };
                let me = Val::Uuid(row.id);
                let candidates: Vec<[u8; 16]> = self
                    .data
                    .rows(source_table)
                    .iter()
                    .filter(|r| match r.values.get(ci) {
                        Some(v @ Val::Uuid(_)) => *v == me,
                        Some(Val::Array(items)) => items.contains(&me),
                        _ => false,
                    })
                    .map(|r| r.id)
                    .collect();
                candidates
                    .into_iter()
                    .any(|id| self.enter(source_table, id, *operation, depth, calls, path))
            }
        }
    }

    /// A read decision (Enforcing): `select.using`, absent denies.
    pub fn read(&self, table: &str, row: &Row) -> bool {
        match self
            .policy
            .table(table)
            .and_then(|t| t.slots.first()?.as_ref())
        {
            Some(e) => self.eval(e, table, row, None, 0, 0, &mut Vec::new()),
            None => false,
        }
    }

    /// A delete decision: `delete.using`, else `update.using`.
    pub fn delete(&self, table: &str, row: &Row) -> bool {
        match self.clause(table, Operation::Delete) {
            Some(e) => self.eval(e, table, row, None, 0, 0, &mut Vec::new()),
            None => false,
        }
    }
}
