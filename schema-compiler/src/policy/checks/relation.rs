//! Reading `ExistsRel` relations for the checks: the tables scanned and
//! the table of the output rows. Works on the relation JSON, whichever way it was built (DSL
//! relation builders, qualified keys, raw objects).

use crate::schema::json::JsonValue;

/// Bounds the walk over hostile raw relations.
const MAX_DEPTH: u32 = 64;

fn field<'a>(o: &'a [(String, JsonValue)], k: &str) -> Option<&'a JsonValue> {
    o.iter().find(|(key, _)| key == k).map(|(_, v)| v)
}

/// The single `{ "<Node>": { … } }` entry of a relation node.
fn node(v: &JsonValue) -> Option<(&str, &[(String, JsonValue)])> {
    match v {
        JsonValue::Object(o) => match o.as_slice() {
            [(k, JsonValue::Object(body))] => Some((k.as_str(), body.as_slice())),
            _ => None,
        },
        _ => None,
    }
}

/// Every table a `TableScan` reads, in first-seen order.
pub fn scanned(rel: &JsonValue) -> Vec<String> {
    let mut out = Vec::new();
    collect(rel, 0, &mut out);
    out
}

fn collect(v: &JsonValue, depth: u32, out: &mut Vec<String>) {
    if depth > MAX_DEPTH {
        return;
    }
    match v {
        JsonValue::Object(o) => {
            if let Some(("TableScan", body)) = node(v)
                && let Some(JsonValue::String(t)) = field(body, "table")
            {
                if !out.contains(t) {
                    out.push(t.clone());
                }
                return;
            }
            o.iter().for_each(|(_, x)| collect(x, depth + 1, out));
        }
        JsonValue::Array(items) => items.iter().for_each(|x| collect(x, depth + 1, out)),
        _ => {}
    }
}

/// The table of the relation's output rows: a join continues on its right side, a projection
/// or filter on its input, a union on its first input, a gather on its seed.
pub fn output_table(rel: &JsonValue) -> Option<String> {
    output_at(rel, 0)
}

fn output_at(rel: &JsonValue, depth: u32) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    let (kind, body) = node(rel)?;
    let next = |k: &str| field(body, k).and_then(|x| output_at(x, depth + 1));
    match kind {
        "TableScan" => match field(body, "table") {
            Some(JsonValue::String(t)) => Some(t.clone()),
            _ => None,
        },
        "Join" => next("right"),
        "Gather" => next("seed"),
        "Union" => match field(body, "inputs") {
            Some(JsonValue::Array(items)) => items.first().and_then(|x| output_at(x, depth + 1)),
            _ => None,
        },
        _ => next("input"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::json::parse;

    #[test]
    fn qualified_key_relation_outputs_the_joined_table() {
        let rel = parse(r#"{"Filter":{"input":{"Join":{"left":{"TableScan":{"table":"workspaces"}},"right":{"TableScan":{"table":"members"}},"on":[],"join_kind":"Inner"}},"predicate":"True"}}"#).expect("json");
        assert_eq!(
            scanned(&rel),
            vec!["workspaces".to_owned(), "members".to_owned()]
        );
        assert_eq!(output_table(&rel).as_deref(), Some("members"));
        let scan = parse(r#"{"TableScan":{"table":"docs"}}"#).expect("json");
        assert_eq!(output_table(&scan).as_deref(), Some("docs"));
        assert_eq!(output_table(&JsonValue::Null), None);
    }
}
