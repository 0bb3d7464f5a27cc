//! The canonical JSON-schema bytes J: the JSON schema as upstream's Rust side
//! re-serializes it after parsing (serde_json's sorted map, its number formatting).

use super::serde_num::{serde_fmt, serde_num_of_js};
use crate::schema::JsonValue;
use crate::schema::json::write_js_string;

/// J: object keys sorted by UTF-8 bytes (recursively; a repeated key keeps its last value),
/// arrays in order, strings escaped as `JSON.stringify` does, numbers as `serdeFmt(serdeNum(js
/// text))`, and non-finite numbers as `null` (what `JSON.stringify` sent).
pub fn canonical_json_bytes(v: &JsonValue) -> Vec<u8> {
    let mut out = String::new();
    write(&mut out, v);
    out.into_bytes()
}

fn write(out: &mut String, v: &JsonValue) {
    match v {
        JsonValue::Null => out.push_str("null"),
        JsonValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        JsonValue::Number(x) => match serde_num_of_js(*x) {
            Some(n) => out.push_str(&serde_fmt(n)),
            // Non-finite: JS wrote `null`. A float serde would reject cannot reach the hash
            // upstream; keep the JS digits so the output stays deterministic.
            None if x.is_finite() => out.push_str(&crate::schema::json::number_to_js_string(*x)),
            None => out.push_str("null"),
        },
        JsonValue::String(s) => write_js_string(out, s),
        JsonValue::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(out, item);
            }
            out.push(']');
        }
        JsonValue::Object(members) => {
            let mut sorted: Vec<&(String, JsonValue)> = members.iter().collect();
            // Stable sort, then keep the last of equal keys, as a map insert would.
            sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            let mut unique: Vec<&(String, JsonValue)> = Vec::with_capacity(sorted.len());
            for m in sorted {
                match unique.last_mut() {
                    Some(last) if last.0 == m.0 => *last = m,
                    _ => unique.push(m),
                }
            }
            out.push('{');
            for (i, (k, item)) in unique.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_js_string(out, k);
                out.push(':');
                write(out, item);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::json::parse;

    #[test]
    fn section_5_4_example() {
        let text = r#"{"type":"number","x-b":0.00001,"x-a":[1e-7,0.000025,10000000000000000,100000000000000000000,1.5,0,18446744073709552000,0.30000000000000004,-0.000002],"é":"\u0001\"\\/"}"#;
        let want = r#"{"type":"number","x-a":[1e-7,0.000025,10000000000000000,1e+20,1.5,0,1.8446744073709552e+19,0.30000000000000004,-2e-6],"x-b":0.00001,"é":"\u0001\"\\/"}"#;
        let got =
            parse(text).map(|v| String::from_utf8_lossy(&canonical_json_bytes(&v)).into_owned());
        assert_eq!(got, Ok(want.to_string()));
    }

    #[test]
    fn keys_sort_by_bytes_and_repeats_keep_the_last() {
        let v = JsonValue::Object(vec![
            ("b".into(), JsonValue::Number(1.0)),
            (
                "a".into(),
                JsonValue::Object(vec![
                    ("é".into(), JsonValue::Null),
                    ("z".into(), JsonValue::Bool(true)),
                ]),
            ),
            ("B".into(), JsonValue::Number(f64::NAN)),
            ("b".into(), JsonValue::Number(2.5)),
        ]);
        assert_eq!(
            String::from_utf8_lossy(&canonical_json_bytes(&v)),
            r#"{"B":null,"a":{"z":true,"é":null},"b":2.5}"#
        );
    }
}
