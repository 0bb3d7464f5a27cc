//! `JSON.parse` with JavaScript semantics: strict JSON grammar, JSON
//! whitespace only, numbers to correctly rounded f64, object members in property order, a
//! duplicate key keeping its first position with its last value.
//!
//! Deviations, both on inputs upstream's Rust side would reject anyway: a lone UTF-16 surrogate
//! escape is an error (a Rust `String` cannot hold it, and serde_json rejects it too), and
//! nesting deeper than [`MAX_DEPTH`] is an error (the parser recurses and the core is fuzzed).

use super::{JsonError, JsonValue, ordered_members};

/// Deepest nesting of arrays and objects accepted.
pub const MAX_DEPTH: usize = 512;

/// `JSON.parse(text)`. Errors carry the byte offset where parsing stopped.
pub fn parse(text: &str) -> Result<JsonValue, JsonError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    p.skip_ws();
    let v = p.value(0)?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error("unexpected text after the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: &str) -> JsonError {
        JsonError {
            message: message.to_string(),
            offset: self.pos,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn eat_literal(&mut self, word: &str, v: JsonValue) -> Result<JsonValue, JsonError> {
        if self.bytes.get(self.pos..self.pos + word.len()) == Some(word.as_bytes()) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err(self.error("unexpected token"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<JsonValue, JsonError> {
        match self.peek() {
            None => Err(self.error("unexpected end of JSON input")),
            Some(b'n') => self.eat_literal("null", JsonValue::Null),
            Some(b't') => self.eat_literal("true", JsonValue::Bool(true)),
            Some(b'f') => self.eat_literal("false", JsonValue::Bool(false)),
            Some(b'"') => self.string().map(JsonValue::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'[') => self.array(depth + 1),
            Some(b'{') => self.object(depth + 1),
            Some(_) => Err(self.error("unexpected token")),
        }
    }

    fn array(&mut self, depth: usize) -> Result<JsonValue, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error("JSON nested too deeply"));
        }
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(JsonValue::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(JsonValue::Array(items));
                }
                _ => return Err(self.error("expected ',' or ']'")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<JsonValue, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error("JSON nested too deeply"));
        }
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(JsonValue::Object(members));
        }
        // Collected in source order; put in property order once, in linear time.
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a property name"));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.error("expected ':'"));
            }
            self.pos += 1;
            self.skip_ws();
            let v = self.value(depth)?;
            members.push((key, v));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(JsonValue::Object(ordered_members(members)));
                }
                _ => return Err(self.error("expected ',' or '}'")),
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<JsonValue, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("no number after minus sign")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.error("unterminated fractional number"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("exponent part is missing a number"));
            }
        }
        let literal = self.text.get(start..self.pos).unwrap_or("");
        // Rust's float parsing is correctly rounded, like JS; overflow gives ±Infinity as in JS.
        literal
            .parse::<f64>()
            .map(JsonValue::Number)
            .map_err(|_| JsonError {
                message: "invalid number".into(),
                offset: start,
            })
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // Stops only at ASCII bytes, so both ends are char boundaries.
            out.push_str(self.text.get(run_start..self.pos).unwrap_or(""));
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    self.escape(&mut out)?;
                }
                Some(_) => return Err(self.error("bad control character in string literal")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let unit = self.hex4()?;
                let c = if (0xD800..0xDC00).contains(&unit) {
                    let high = unit;
                    if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u".as_slice()) {
                        return Err(self.error("lone surrogate in string escape"));
                    }
                    self.pos += 2;
                    let low = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(self.error("lone surrogate in string escape"));
                    }
                    let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                    char::from_u32(code)
                } else {
                    char::from_u32(unit)
                };
                let c = c.ok_or_else(|| self.error("lone surrogate in string escape"))?;
                out.push(c);
                return Ok(());
            }
            _ => return Err(self.error("bad escaped character")),
        };
        self.pos += 1;
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => return Err(self.error("bad Unicode escape")),
            };
            v = v * 16 + u32::from(d);
            self.pos += 1;
        }
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::json::stringify;

    fn round(text: &str) -> String {
        match parse(text) {
            Ok(v) => stringify(&v),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn keeps_first_position_and_last_value() {
        assert_eq!(round(r#"{"a":1,"b":2,"a":3}"#), r#"{"a":3,"b":2}"#);
        assert_eq!(
            round(r#"{"z":1,"10":2,"9":3,"01":4}"#),
            r#"{"9":3,"10":2,"z":1,"01":4}"#
        );
        assert_eq!(round(r#"{"__proto__":1}"#), r#"{"__proto__":1}"#);
    }

    #[test]
    fn numbers_round_correctly() {
        assert_eq!(
            round("[0.22323896460701453, 1e400, -1e400, -0, 1E+2, 5e-324]"),
            "[0.22323896460701453,null,null,0,100,5e-324]"
        );
        assert_eq!(parse("0.1").ok(), Some(JsonValue::Number(0.1)));
        assert_eq!(round("18446744073709551615"), "18446744073709552000");
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(round(r#""\u00e9\/\ud83d\ude00\n""#), "\"é/😀\\n\"");
        assert_eq!(round(" \t\r\n\"x\" "), "\"x\"");
    }

    #[test]
    fn rejects_invalid_json_with_offset() {
        let cases: &[(&str, usize)] = &[
            ("", 0),
            ("01", 1),
            ("+1", 0),
            ("1.", 2),
            (".5", 0),
            ("-", 1),
            ("1e", 2),
            ("[1,]", 3),
            ("{\"a\":1,}", 7),
            ("{a:1}", 1),
            ("'a'", 0),
            ("\"\u{1}\"", 1),
            ("\"\\x\"", 2),
            ("\"\\ud800\"", 7),
            ("\"\\udc00\"", 7),
            ("\"abc", 4),
            ("nul", 0),
            ("[1] x", 4),
            ("\u{feff}{}", 0),
            ("{\"a\" 1}", 5),
            ("\u{a0}1", 0),
        ];
        for (text, offset) in cases {
            match parse(text) {
                Ok(v) => panic!("{text:?} parsed as {v:?}"),
                Err(e) => assert_eq!(e.offset, *offset, "{text:?}: {e}"),
            }
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        assert!(parse(&deep).is_err_and(|e| e.message == "JSON nested too deeply"));
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
    }
}
