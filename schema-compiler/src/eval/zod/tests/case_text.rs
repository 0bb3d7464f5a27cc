//! A tiny reader for the zod expressions in `tests/zod-oracle/cases.txt`, so the unit tests can
//! drive `call_z`/`call_method` with exactly the cases the real-zod oracle runs. It knows only
//! what those cases use: `z.a.b(…)` calls, method chains, numbers, double-quoted strings
//! without escapes, `true`/`false`/`null`, arrays and object literals.

use std::rc::Rc;

use super::super::{ZodArg, ZodError, call_method, call_z};

/// Evaluates one case; `Err` holds either a parse problem or the zod error.
pub fn eval(text: &str) -> Result<ZodArg, String> {
    let mut p = Parser {
        src: text.as_bytes(),
        pos: 0,
    };
    let value = p.value()?;
    p.skip_ws();
    if p.pos != p.src.len() {
        return Err(format!("trailing text at {}", p.pos));
    }
    Ok(value)
}

struct Parser<'a> {
    src: &'a [u8],
    pos: usize,
}

fn zod_err(e: ZodError) -> String {
    e.message
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self.src.get(self.pos).is_some_and(u8::is_ascii_whitespace) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.src.get(self.pos).copied()
    }

    fn expect(&mut self, b: u8) -> Result<(), String> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!("expected `{}` at {}", b as char, self.pos))
        }
    }

    fn ident(&mut self) -> Result<String, String> {
        self.skip_ws();
        let start = self.pos;
        while self
            .src
            .get(self.pos)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(format!("expected a name at {start}"));
        }
        Ok(String::from_utf8_lossy(&self.src[start..self.pos]).into_owned())
    }

    fn value(&mut self) -> Result<ZodArg, String> {
        match self.peek() {
            Some(b'"') => self.string().map(ZodArg::String),
            Some(b'[') => self.list(b']').map(ZodArg::Array),
            Some(b'{') => self.object(),
            Some(b) if b == b'-' || b.is_ascii_digit() => self.number().map(ZodArg::Number),
            _ => match self.ident()?.as_str() {
                "true" => Ok(ZodArg::Bool(true)),
                "false" => Ok(ZodArg::Bool(false)),
                "null" => Ok(ZodArg::Null),
                "NaN" => Ok(ZodArg::Number(f64::NAN)),
                "Infinity" => Ok(ZodArg::Number(f64::INFINITY)),
                "z" => self.chain(),
                other => Err(format!("unknown name `{other}`")),
            },
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.expect(b'"')?;
        let start = self.pos;
        while self.src.get(self.pos).is_some_and(|b| *b != b'"') {
            self.pos += 1;
        }
        let text = String::from_utf8_lossy(&self.src[start..self.pos]).into_owned();
        self.expect(b'"')?;
        Ok(text)
    }

    fn number(&mut self) -> Result<f64, String> {
        self.skip_ws();
        let start = self.pos;
        while self
            .src
            .get(self.pos)
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'))
        {
            self.pos += 1;
        }
        let text = String::from_utf8_lossy(&self.src[start..self.pos]);
        text.parse().map_err(|_| format!("bad number `{text}`"))
    }

    /// Comma-separated values up to `close` (the opener is consumed here).
    fn list(&mut self, close: u8) -> Result<Vec<ZodArg>, String> {
        self.pos += 1;
        let mut items = Vec::new();
        while self.peek() != Some(close) {
            items.push(self.value()?);
            if self.peek() == Some(b',') {
                self.pos += 1;
            }
        }
        self.expect(close)?;
        Ok(items)
    }

    fn object(&mut self) -> Result<ZodArg, String> {
        self.expect(b'{')?;
        let mut members = Vec::new();
        while self.peek() != Some(b'}') {
            let key = match self.peek() {
                Some(b'"') => self.string()?,
                Some(b'[') => {
                    self.pos += 1;
                    let key = self.string()?;
                    self.expect(b']')?;
                    key
                }
                _ => self.ident()?,
            };
            self.expect(b':')?;
            members.push((key, self.value()?));
            if self.peek() == Some(b',') {
                self.pos += 1;
            }
        }
        self.expect(b'}')?;
        Ok(ZodArg::Object(members))
    }

    /// After `z`: `.name(.name)*(args)` and then `.method(args)*`.
    fn chain(&mut self) -> Result<ZodArg, String> {
        let mut name = String::new();
        while self.peek() == Some(b'.') {
            self.pos += 1;
            if !name.is_empty() {
                name.push('.');
            }
            name.push_str(&self.ident()?);
        }
        if self.peek() != Some(b'(') {
            return Err(format!("expected a call at {}", self.pos));
        }
        let args = self.list(b')')?;
        let mut schema = call_z(&name, &args).map_err(zod_err)?;
        while self.peek() == Some(b'.') {
            self.pos += 1;
            let method = self.ident()?;
            if self.peek() != Some(b'(') {
                return Err(format!("expected a call at {}", self.pos));
            }
            let args = self.list(b')')?;
            schema = call_method(&schema, &method, &args).map_err(zod_err)?;
        }
        Ok(ZodArg::Zod(Rc::new(schema)))
    }
}
