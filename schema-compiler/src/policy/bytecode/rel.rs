//! The relation IR of `ExistsRel`, read from its JSON (externally tagged,
//! as the upstream server deserialises it) into a name-level tree, and rendered readably for
//! the disassembler. Reading is structural only: unknown tables, columns and scopes are
//! resolved (to Absent) by `plan.rs`, never rejected here, so everything the upstream server
//! accepts is read. Anything else is an error (the bundle is unusable, JZ2402).

use crate::schema::json::JsonValue;

use super::super::ir::{CmpOp, Lit};
use super::super::parse::tagged_value;

/// `{"scope"?, "column"}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ColRef {
    pub scope: Option<String>,
    pub column: String,
}

/// `Current`, `Outer`, `Frontier`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowIdRef {
    Current,
    Outer,
    Frontier,
}

/// A projection / dedupe / frontier key.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyRef {
    Column(ColRef),
    RowId(RowIdRef),
}

/// The right-hand side of a predicate.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueRef {
    Literal(Lit),
    SessionRef(Vec<String>),
    /// Upstream's branch reference: never resolves here.
    BranchRef(String),
    OuterColumn(ColRef),
    FrontierColumn(ColRef),
    RowId(RowIdRef),
}

/// A predicate over relation rows.
#[derive(Debug, Clone, PartialEq)]
pub enum Pred {
    Cmp(ColRef, CmpOp, ValueRef),
    Contains(ColRef, ValueRef),
    IsNull(ColRef),
    IsNotNull(ColRef),
    In(ColRef, Vec<ValueRef>),
    And(Vec<Pred>),
    Or(Vec<Pred>),
    Not(Box<Pred>),
    True,
    False,
}

/// A relation node.
#[derive(Debug, Clone, PartialEq)]
pub enum Rel {
    TableScan(String),
    Filter(Box<Rel>, Pred),
    Join {
        left: Box<Rel>,
        right: Box<Rel>,
        on: Vec<(ColRef, ColRef)>,
        left_join: bool,
    },
    Project(Box<Rel>, Vec<(String, KeyRef)>),
    Union(Vec<Rel>),
    Gather {
        seed: Box<Rel>,
        step: Box<Rel>,
        frontier: KeyRef,
        max_depth: u64,
        dedupe: Vec<KeyRef>,
    },
    Distinct(Box<Rel>, Vec<KeyRef>),
    /// Terms: column, descending.
    OrderBy(Box<Rel>, Vec<(ColRef, bool)>),
    Offset(Box<Rel>, u64),
    Limit(Box<Rel>, u64),
}

/// Nesting bound of relation trees and predicates (fail closed beyond it).
const MAX_NESTING: u32 = 64;

type Obj = [(String, JsonValue)];

fn field<'a>(o: &'a Obj, k: &str) -> Result<&'a JsonValue, String> {
    o.iter()
        .find(|(key, _)| key == k)
        .map(|(_, v)| v)
        .ok_or_else(|| format!("relation: missing `{k}`"))
}

/// The single `{"Tag": body}` of an externally tagged value.
fn tagged(v: &JsonValue) -> Result<(&str, &JsonValue), String> {
    match v {
        JsonValue::Object(o) if o.len() == 1 => o
            .first()
            .map(|(k, v)| (k.as_str(), v))
            .ok_or_else(|| "relation: empty object".to_owned()),
        _ => Err("relation: expected an object with one tag".into()),
    }
}

fn obj(v: &JsonValue) -> Result<&Obj, String> {
    match v {
        JsonValue::Object(o) => Ok(o),
        _ => Err("relation: expected an object".into()),
    }
}

fn arr(v: &JsonValue) -> Result<&[JsonValue], String> {
    match v {
        JsonValue::Array(a) => Ok(a),
        _ => Err("relation: expected an array".into()),
    }
}

fn string(v: &JsonValue) -> Result<String, String> {
    match v {
        JsonValue::String(s) => Ok(s.clone()),
        _ => Err("relation: expected a string".into()),
    }
}

fn count(v: &JsonValue) -> Result<u64, String> {
    match v {
        JsonValue::Number(n) if n.fract() == 0.0 && *n >= 0.0 && *n <= 9_007_199_254_740_991.0 => {
            Ok(*n as u64)
        }
        _ => Err("relation: expected a non-negative integer".into()),
    }
}

fn col_ref(v: &JsonValue) -> Result<ColRef, String> {
    let o = obj(v)?;
    let scope = match o.iter().find(|(k, _)| k == "scope").map(|(_, v)| v) {
        None | Some(JsonValue::Null) => None,
        Some(s) => Some(string(s)?),
    };
    Ok(ColRef {
        scope,
        column: string(field(o, "column")?)?,
    })
}

fn row_id(v: &JsonValue) -> Result<RowIdRef, String> {
    match v {
        JsonValue::String(s) if s == "Current" => Ok(RowIdRef::Current),
        JsonValue::String(s) if s == "Outer" => Ok(RowIdRef::Outer),
        JsonValue::String(s) if s == "Frontier" => Ok(RowIdRef::Frontier),
        _ => Err("relation: expected Current, Outer or Frontier".into()),
    }
}

fn key_ref(v: &JsonValue) -> Result<KeyRef, String> {
    match tagged(v)? {
        ("Column", c) => Ok(KeyRef::Column(col_ref(c)?)),
        ("RowId", r) => Ok(KeyRef::RowId(row_id(r)?)),
        (t, _) => Err(format!("relation: unknown key `{t}`")),
    }
}

fn keys(v: &JsonValue) -> Result<Vec<KeyRef>, String> {
    arr(v)?.iter().map(key_ref).collect()
}

fn value_ref(v: &JsonValue) -> Result<ValueRef, String> {
    Ok(match tagged(v)? {
        ("Literal", l) => ValueRef::Literal(tagged_value(l)?),
        ("SessionRef", p) => {
            ValueRef::SessionRef(arr(p)?.iter().map(string).collect::<Result<_, _>>()?)
        }
        ("BranchRef", b) => ValueRef::BranchRef(string(b)?),
        ("OuterColumn", c) => ValueRef::OuterColumn(col_ref(c)?),
        ("FrontierColumn", c) => ValueRef::FrontierColumn(col_ref(c)?),
        ("RowId", r) => ValueRef::RowId(row_id(r)?),
        (t, _) => return Err(format!("relation: unknown value reference `{t}`")),
    })
}

fn cmp_op(v: &JsonValue) -> Result<CmpOp, String> {
    match v {
        JsonValue::String(s) => {
            CmpOp::parse(s).ok_or_else(|| format!("relation: unknown operator `{s}`"))
        }
        _ => Err("relation: expected an operator".into()),
    }
}

fn pred(v: &JsonValue, depth: u32) -> Result<Pred, String> {
    if depth > MAX_NESTING {
        return Err("relation: predicate nests too deeply".into());
    }
    match v {
        JsonValue::String(s) if s == "True" => return Ok(Pred::True),
        JsonValue::String(s) if s == "False" => return Ok(Pred::False),
        _ => {}
    }
    let list = |b: &JsonValue| -> Result<Vec<Pred>, String> {
        arr(b)?.iter().map(|p| pred(p, depth + 1)).collect()
    };
    Ok(match tagged(v)? {
        ("Cmp", b) => {
            let o = obj(b)?;
            Pred::Cmp(
                col_ref(field(o, "left")?)?,
                cmp_op(field(o, "op")?)?,
                value_ref(field(o, "right")?)?,
            )
        }
        ("Contains", b) => {
            let o = obj(b)?;
            Pred::Contains(col_ref(field(o, "left")?)?, value_ref(field(o, "right")?)?)
        }
        ("IsNull", b) => Pred::IsNull(col_ref(field(obj(b)?, "column")?)?),
        ("IsNotNull", b) => Pred::IsNotNull(col_ref(field(obj(b)?, "column")?)?),
        ("In", b) => {
            let o = obj(b)?;
            let values = arr(field(o, "values")?)?
                .iter()
                .map(value_ref)
                .collect::<Result<_, _>>()?;
            Pred::In(col_ref(field(o, "left")?)?, values)
        }
        ("And", b) => Pred::And(list(b)?),
        ("Or", b) => Pred::Or(list(b)?),
        ("Not", b) => Pred::Not(Box::new(pred(b, depth + 1)?)),
        (t, _) => return Err(format!("relation: unknown predicate `{t}`")),
    })
}

/// Reads a relation (`ExistsRel.rel`).
pub fn read(v: &JsonValue) -> Result<Rel, String> {
    rel(v, 0)
}

fn rel(v: &JsonValue, depth: u32) -> Result<Rel, String> {
    if depth > MAX_NESTING {
        return Err("relation: nests too deeply".into());
    }
    let (tag, body) = tagged(v)?;
    let o = obj(body)?;
    let input =
        || -> Result<Box<Rel>, String> { Ok(Box::new(rel(field(o, "input")?, depth + 1)?)) };
    Ok(match tag {
        "TableScan" => Rel::TableScan(string(field(o, "table")?)?),
        "Filter" => Rel::Filter(input()?, pred(field(o, "predicate")?, 0)?),
        "Join" => {
            let on = arr(field(o, "on")?)?
                .iter()
                .map(|c| {
                    let c = obj(c)?;
                    Ok((col_ref(field(c, "left")?)?, col_ref(field(c, "right")?)?))
                })
                .collect::<Result<_, String>>()?;
            let left_join = match field(o, "join_kind")? {
                JsonValue::String(k) if k == "Inner" => false,
                JsonValue::String(k) if k == "Left" => true,
                _ => return Err("relation: join_kind must be Inner or Left".into()),
            };
            Rel::Join {
                left: Box::new(rel(field(o, "left")?, depth + 1)?),
                right: Box::new(rel(field(o, "right")?, depth + 1)?),
                on,
                left_join,
            }
        }
        "Project" => {
            let cols = arr(field(o, "columns")?)?
                .iter()
                .map(|c| {
                    let c = obj(c)?;
                    Ok((string(field(c, "alias")?)?, key_ref(field(c, "expr")?)?))
                })
                .collect::<Result<_, String>>()?;
            Rel::Project(input()?, cols)
        }
        "Union" => Rel::Union(
            arr(field(o, "inputs")?)?
                .iter()
                .map(|r| rel(r, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        "Gather" => Rel::Gather {
            seed: Box::new(rel(field(o, "seed")?, depth + 1)?),
            step: Box::new(rel(field(o, "step")?, depth + 1)?),
            frontier: key_ref(field(o, "frontier_key")?)?,
            max_depth: count(field(o, "max_depth")?)?,
            dedupe: keys(field(o, "dedupe_key")?)?,
        },
        "Distinct" => Rel::Distinct(input()?, keys(field(o, "key")?)?),
        "OrderBy" => {
            let terms = arr(field(o, "terms")?)?
                .iter()
                .map(|t| {
                    let t = obj(t)?;
                    let desc = match field(t, "direction")? {
                        JsonValue::String(d) if d == "Asc" => false,
                        JsonValue::String(d) if d == "Desc" => true,
                        _ => return Err("relation: direction must be Asc or Desc".to_owned()),
                    };
                    Ok((col_ref(field(t, "column")?)?, desc))
                })
                .collect::<Result<_, String>>()?;
            Rel::OrderBy(input()?, terms)
        }
        "Offset" => Rel::Offset(input()?, count(field(o, "offset")?)?),
        "Limit" => Rel::Limit(input()?, count(field(o, "limit")?)?),
        t => return Err(format!("relation: unknown node `{t}`")),
    })
}
