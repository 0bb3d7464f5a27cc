//! JZ2341 (warning part): fields of a raw PolicyExpr object that the server's deserialiser
//! ignores. They are dropped from the compiled policy, which is
//! rarely what the author meant (`colum`, `vaue`, …). Missing or ill-typed fields are the
//! error part, reported from the parser's message by the interpreter.

use crate::schema::json::JsonValue;

/// Bounds the walk over hostile raw objects.
const MAX_DEPTH: u32 = 64;

/// The fields each expression variant has after `type`.
fn expr_fields(tag: &str) -> Option<&'static [&'static str]> {
    Some(match tag {
        "Cmp" => &["column", "op", "value"],
        "SessionCmp" => &["path", "op", "value"],
        "IsNull" | "IsNotNull" => &["column"],
        "SessionIsNull" | "SessionIsNotNull" => &["path"],
        "Contains" => &["column", "value"],
        "SessionContains" => &["path", "value"],
        "In" => &["column", "session_path"],
        "InList" => &["column", "values"],
        "SessionInList" => &["path", "values"],
        "Exists" => &["table", "condition"],
        "ExistsRel" => &["rel"],
        "Inherits" => &["operation", "via_column", "max_depth"],
        "InheritsReferencing" => &["operation", "source_table", "via_column", "max_depth"],
        "And" | "Or" => &["exprs"],
        "Not" => &["expr"],
        "True" | "False" => &[],
        _ => return None,
    })
}

/// Unknown fields of the raw expression `v`, as `"<field>" of <Tag>` descriptions.
pub fn unknown_fields(v: &JsonValue) -> Vec<String> {
    let mut out = Vec::new();
    expr(v, 0, &mut out);
    out
}

fn fields(v: &JsonValue) -> Option<(&str, &[(String, JsonValue)])> {
    let JsonValue::Object(o) = v else { return None };
    match o.iter().find(|(k, _)| k == "type") {
        Some((_, JsonValue::String(t))) => Some((t.as_str(), o.as_slice())),
        _ => None,
    }
}

fn extra(tag: &str, o: &[(String, JsonValue)], known: &[&str], out: &mut Vec<String>) {
    for (k, _) in o {
        if k != "type" && !known.contains(&k.as_str()) {
            out.push(format!("`{k}` of `{tag}`"));
        }
    }
}

fn expr(v: &JsonValue, depth: u32, out: &mut Vec<String>) {
    if depth > MAX_DEPTH {
        return;
    }
    let Some((tag, o)) = fields(v) else { return };
    let Some(known) = expr_fields(tag) else {
        return;
    };
    extra(tag, o, known, out);
    for (k, x) in o {
        match (tag, k.as_str()) {
            (_, "condition" | "expr") => expr(x, depth + 1, out),
            (_, "exprs") => {
                if let JsonValue::Array(items) = x {
                    items.iter().for_each(|i| expr(i, depth + 1, out));
                }
            }
            ("Cmp" | "Contains", "value") => policy_value(x, depth + 1, out),
            ("InList", "values") => {
                if let JsonValue::Array(items) = x {
                    items.iter().for_each(|i| policy_value(i, depth + 1, out));
                }
            }
            (_, "value") => value(x, depth + 1, out),
            (_, "values") => {
                if let JsonValue::Array(items) = x {
                    items.iter().for_each(|i| value(i, depth + 1, out));
                }
            }
            _ => {}
        }
    }
}

/// `{"type":"Literal","value"}` | `{"type":"SessionRef","path"}`.
fn policy_value(v: &JsonValue, depth: u32, out: &mut Vec<String>) {
    let Some((tag, o)) = fields(v) else { return };
    match tag {
        "Literal" => {
            extra(tag, o, &["value"], out);
            if let Some((_, x)) = o.iter().find(|(k, _)| k == "value") {
                value(x, depth + 1, out);
            }
        }
        "SessionRef" => extra(tag, o, &["path"], out),
        _ => {}
    }
}

/// A tagged wire value `{"type":"<Tag>","value"}` (`Null` has no value).
fn value(v: &JsonValue, depth: u32, out: &mut Vec<String>) {
    if depth > MAX_DEPTH {
        return;
    }
    let Some((tag, o)) = fields(v) else { return };
    let known: &[&str] = if tag == "Null" { &[] } else { &["value"] };
    extra(tag, o, known, out);
    if tag == "Array"
        && let Some((_, JsonValue::Array(items))) = o.iter().find(|(k, _)| k == "value")
    {
        items.iter().for_each(|i| value(i, depth + 1, out));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::json::parse;

    #[test]
    fn reports_extra_fields_at_every_level() {
        let v = parse(r#"{"type":"And","exprs":[{"type":"Cmp","colum":"a","column":"a","op":"Eq","value":{"type":"Literal","value":{"type":"Text","value":"x","extra":1}}},{"type":"True","note":"x"}]}"#).expect("json");
        assert_eq!(
            unknown_fields(&v),
            vec!["`colum` of `Cmp`", "`extra` of `Text`", "`note` of `True`"]
        );
        let ok =
            parse(r#"{"type":"Inherits","operation":"Select","via_column":"p","max_depth":2}"#)
                .expect("json");
        assert!(unknown_fields(&ok).is_empty());
    }
}
