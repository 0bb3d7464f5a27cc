//! A JSON value as JavaScript holds it (ordered object members, f64 numbers), and the JS side of
//! JSON text: `Number::toString`, `JSON.stringify` (compact and `indent 2`) and `JSON.parse`.
//!
//! Used for JSON schemas, JSON-column defaults and the WasmSchema JSON writer. This module knows
//! only JavaScript's rules; Rust/serde number semantics (what the hash sees) live in
//! `schema::hash`, never here.

mod parse;

pub use parse::parse;

/// A JSON value with JS semantics: object members are in property order, numbers are f64.
///
/// Invariant kept by [`parse`] and expected from other producers: an object holds each key once,
/// in the order [`insert_ordered`] gives.
#[derive(Clone, Debug, PartialEq)]
pub enum JsonValue {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<JsonValue>),
    Object(Vec<(String, JsonValue)>),
}

/// Why a JSON text could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at byte {offset}")]
pub struct JsonError {
    pub message: String,
    pub offset: usize,
}

/// The numeric value of `key` if it is an ECMAScript array index: the canonical decimal text of
/// an integer in `0 ..= 4294967294` (`"0"`, `"17"`; not `"01"`, `"-1"`, `"1.5"`, `"4294967295"`).
pub fn is_array_index_key(key: &str) -> Option<u32> {
    let bytes = key.as_bytes();
    if bytes.is_empty() || bytes.len() > 10 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if bytes.len() > 1 && bytes.first() == Some(&b'0') {
        return None;
    }
    let n: u64 = key.parse().ok()?;
    if n <= 4_294_967_294 {
        u32::try_from(n).ok()
    } else {
        None
    }
}

/// Defines `key` on an object kept as a member list in JS property order.
///
/// - An existing key keeps its position and gets the new value (a duplicate literal key, a
///   spread over an existing key, a duplicate key in `JSON.parse`).
/// - A new array-index key goes among the index keys, which come first in ascending numeric order.
/// - Any other new key is appended (creation order).
///
/// Given a list in property order, the result is in property order.
pub fn insert_ordered<T>(members: &mut Vec<(String, T)>, key: String, value: T) {
    if let Some(slot) = members.iter_mut().find(|(k, _)| *k == key) {
        slot.1 = value;
        return;
    }
    match is_array_index_key(&key) {
        Some(index) => {
            let at = members
                .iter()
                .position(|(k, _)| is_array_index_key(k).is_none_or(|other| other > index))
                .unwrap_or(members.len());
            members.insert(at, (key, value));
        }
        None => members.push((key, value)),
    }
}

/// The members of an object literal given as `(key, value)` pairs in source order, in property
/// order: the same result as [`insert_ordered`] of each pair in turn, in linear time (objects of
/// 100,000 members are normal in large schemas).
pub fn ordered_members<T>(pairs: Vec<(String, T)>) -> Vec<(String, T)> {
    if pairs.len() <= 16 {
        let mut members = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            insert_ordered(&mut members, k, v);
        }
        return members;
    }
    // A duplicate key keeps its first position and takes the last value.
    let mut first: std::collections::HashMap<String, usize> =
        std::collections::HashMap::with_capacity(pairs.len());
    let mut slots: Vec<Option<(String, T)>> = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        match first.get(&k) {
            Some(&at) => {
                if let Some(slot) = slots.get_mut(at) {
                    *slot = Some((k, v));
                }
            }
            None => {
                first.insert(k.clone(), slots.len());
                slots.push(Some((k, v)));
            }
        }
    }
    // Array-index keys first, ascending; then the others in creation order.
    let mut index_keys = Vec::new();
    let mut others = Vec::with_capacity(slots.len());
    for (k, v) in slots.into_iter().flatten() {
        match is_array_index_key(&k) {
            Some(n) => index_keys.push((n, (k, v))),
            None => others.push((k, v)),
        }
    }
    index_keys.sort_by_key(|(n, _)| *n);
    let mut members: Vec<(String, T)> = index_keys.into_iter().map(|(_, m)| m).collect();
    members.extend(others);
    members
}

/// ECMA-262 `Number::toString(x)`: `NaN`, `Infinity`, `-0` → `"0"`, `1e21` → `"1e+21"`,
/// `1e-7` → `"1e-7"`, `0.000001` → `"0.000001"`.
pub fn number_to_js_string(x: f64) -> String {
    if x == 0.0 {
        // Both zeros print as "0"; written out so the contract does not hang on the crate.
        return "0".to_string();
    }
    ryu_js::Buffer::new().format(x).to_string()
}

/// Appends `s` as a JSON string literal with `JSON.stringify`'s escapes: `\"`, `\\`,
/// `\b \t \n \f \r`, other C0 controls as lowercase `\u00xx`, everything else raw.
pub fn write_js_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends a number as `JSON.stringify` writes it: non-finite → `null`, `-0` → `0`.
pub fn write_js_number(out: &mut String, x: f64) {
    if x.is_finite() {
        out.push_str(&number_to_js_string(x));
    } else {
        out.push_str("null");
    }
}

/// Compact `JSON.stringify(v)`: members in stored order, no whitespace.
pub fn stringify(v: &JsonValue) -> String {
    let mut out = String::new();
    write_value(&mut out, v, None, 0);
    out
}

/// `JSON.stringify(v, null, 2)`, with no trailing newline.
pub fn stringify_pretty(v: &JsonValue) -> String {
    let mut out = String::new();
    write_value(&mut out, v, Some(2), 0);
    out
}

/// Writes `v` compactly (`indent: None`) or pretty with `indent` spaces per level, starting at
/// nesting `level`. Shared with the WasmSchema writer, which builds a [`JsonValue`] tree.
pub(crate) fn write_value(out: &mut String, v: &JsonValue, indent: Option<usize>, level: usize) {
    match v {
        JsonValue::Null => out.push_str("null"),
        JsonValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        JsonValue::Number(x) => write_js_number(out, *x),
        JsonValue::String(s) => write_js_string(out, s),
        JsonValue::Array(items) => {
            write_container(out, '[', ']', items, indent, level, |out, item, level| {
                write_value(out, item, indent, level)
            })
        }
        JsonValue::Object(members) => write_container(
            out,
            '{',
            '}',
            members,
            indent,
            level,
            |out, (k, item), level| {
                write_js_string(out, k);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_value(out, item, indent, level);
            },
        ),
    }
}

fn write_container<T>(
    out: &mut String,
    open: char,
    close: char,
    items: &[T],
    indent: Option<usize>,
    level: usize,
    mut write_item: impl FnMut(&mut String, &T, usize),
) {
    out.push(open);
    if items.is_empty() {
        out.push(close);
        return;
    }
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if let Some(width) = indent {
            out.push('\n');
            push_spaces(out, width * (level + 1));
        }
        write_item(out, item, level + 1);
    }
    if let Some(width) = indent {
        out.push('\n');
        push_spaces(out, width * level);
    }
    out.push(close);
}

fn push_spaces(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_to_string_follows_ecma262() {
        let cases: &[(f64, &str)] = &[
            (1e21, "1e+21"),
            (1e-7, "1e-7"),
            (0.000001, "0.000001"),
            (-0.0, "0"),
            (0.0, "0"),
            (1e20, "100000000000000000000"),
            (123.456, "123.456"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (-1.5, "-1.5"),
            (0.1 + 0.2, "0.30000000000000004"),
            (2f64.powi(60), "1152921504606847000"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (1.5e-7, "1.5e-7"),
            (123e20, "1.23e+22"),
        ];
        for (x, want) in cases {
            assert_eq!(number_to_js_string(*x), *want, "toString({x:e})");
        }
    }

    #[test]
    fn string_escapes_match_json_stringify() {
        let mut out = String::new();
        write_js_string(
            &mut out,
            "\"\\\u{8}\t\n\u{c}\r\u{0}\u{1f}/\u{7f}\u{2028}\u{2029}é😀",
        );
        assert_eq!(
            out,
            "\"\\\"\\\\\\b\\t\\n\\f\\r\\u0000\\u001f/\u{7f}\u{2028}\u{2029}é😀\""
        );
        let mut out = String::new();
        write_js_string(&mut out, "\u{1b}\u{b}");
        assert_eq!(out, "\"\\u001b\\u000b\"");
    }

    #[test]
    fn stringify_compact_and_pretty() {
        let v = JsonValue::Object(vec![
            (
                "a".into(),
                JsonValue::Array(vec![JsonValue::Number(1.0), JsonValue::Null]),
            ),
            ("b".into(), JsonValue::Object(vec![])),
            ("c".into(), JsonValue::Array(vec![])),
            ("d".into(), JsonValue::Number(f64::NAN)),
            ("e".into(), JsonValue::Number(-0.0)),
        ]);
        assert_eq!(
            stringify(&v),
            r#"{"a":[1,null],"b":{},"c":[],"d":null,"e":0}"#
        );
        assert_eq!(
            stringify_pretty(&v),
            "{\n  \"a\": [\n    1,\n    null\n  ],\n  \"b\": {},\n  \"c\": [],\n  \"d\": null,\n  \"e\": 0\n}"
        );
    }

    #[test]
    fn array_index_keys() {
        assert_eq!(is_array_index_key("0"), Some(0));
        assert_eq!(is_array_index_key("17"), Some(17));
        assert_eq!(is_array_index_key("4294967294"), Some(4_294_967_294));
        for k in [
            "",
            "01",
            "-1",
            "1.5",
            "4294967295",
            "99999999999",
            "a",
            " 1",
            "+1",
        ] {
            assert_eq!(is_array_index_key(k), None, "{k:?}");
        }
    }

    #[test]
    fn insert_ordered_follows_property_order() {
        let mut m: Vec<(String, i32)> = Vec::new();
        for (k, v) in [
            ("b", 1),
            ("1", 2),
            ("a", 3),
            ("0", 4),
            ("b", 5),
            ("10", 6),
            ("2", 7),
        ] {
            insert_ordered(&mut m, k.to_string(), v);
        }
        let got: Vec<(&str, i32)> = m.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(
            got,
            [("0", 4), ("1", 2), ("2", 7), ("10", 6), ("b", 5), ("a", 3)]
        );
    }

    #[test]
    fn ordered_members_matches_insert_ordered() {
        for n in [0usize, 5, 16, 17, 300] {
            // Mixed index and other keys, with duplicates of both kinds.
            let pairs: Vec<(String, usize)> = (0..n)
                .map(|i| {
                    let k = match i % 5 {
                        0 => format!("{}", (i * 7) % 23),
                        1 => format!("k{}", (i * 3) % 41),
                        2 => format!("0{i}"),
                        _ => format!("t{i}"),
                    };
                    (k, i)
                })
                .collect();
            let mut expected = Vec::new();
            for (k, v) in pairs.clone() {
                insert_ordered(&mut expected, k, v);
            }
            assert_eq!(ordered_members(pairs), expected, "n = {n}");
        }
    }

    #[test]
    fn json_default_example_of_section_4_3() {
        let v = parse(r#"{ "b": 1, "1": 2, "a": [1e21, -0, 0.1, "é"] }"#);
        assert_eq!(
            v.map(|v| stringify(&v)),
            Ok(r#"{"1":2,"b":1,"a":[1e+21,0,0.1,"é"]}"#.into())
        );
    }
}
