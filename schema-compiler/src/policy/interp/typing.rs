//! Literal/column type checks: JZ2303 (a literal that can never equal
//! the column under strict typed equality), JZ2304 (not an enum variant), JZ2306 (`Date`
//! literal against a microsecond provenance column).

use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::schema::ColumnType;
use crate::source::Span;

use super::super::codes;
use super::super::ir::{CmpOp, Lit};
use super::Interp;

/// Whether a literal of this variant can ever equal a value of the column type.
fn compatible(ty: &ColumnType, l: &Lit) -> bool {
    match (ty, l) {
        (_, Lit::Null) => true,
        (ColumnType::Text | ColumnType::Json { .. } | ColumnType::Enum { .. }, Lit::Text(_)) => {
            true
        }
        (ColumnType::Integer, Lit::Integer(_)) => true,
        (ColumnType::BigInt, Lit::BigInt(_)) => true,
        (ColumnType::Double, Lit::Double(_)) => true,
        (ColumnType::Boolean, Lit::Boolean(_)) => true,
        (ColumnType::Timestamp, Lit::Timestamp(_)) => true,
        // Cmp parses Text against a Uuid column.
        (ColumnType::Uuid, Lit::Uuid(_) | Lit::Text(_)) => true,
        (ColumnType::Bytea, Lit::Bytea(_)) => true,
        (ColumnType::Array(inner), Lit::Array(items)) => items.iter().all(|i| compatible(inner, i)),
        _ => false,
    }
}

impl Interp<'_> {
    /// Checks a literal compared with `table.col` by `op`.
    pub(super) fn check_literal(&mut self, table: &str, col: &str, l: &Lit, op: CmpOp, span: Span) {
        if matches!(col, "$createdAt" | "$updatedAt") {
            if let Lit::Timestamp(_) = l {
                self.report(
                    codes::DATE_PROVENANCE,
                    span,
                    format!("a `Date` literal is milliseconds but `{col}` holds microseconds, so this comparison is off by a factor of 1000"),
                );
            }
            return;
        }
        let Some(c) = self.schema.table(table).and_then(|t| t.column(col)) else {
            return;
        };
        let ty = c.column_type.clone();
        if let (ColumnType::Enum { variants }, Lit::Text(t)) = (&ty, l) {
            if !variants.iter().any(|v| v == t) {
                let mut d = Diagnostic::new(
                    codes::ENUM_VARIANT,
                    format!(
                        "\"{t}\" is not a variant of enum column `{col}` ({}), so it never matches",
                        variants.join(", ")
                    ),
                )
                .at(span);
                if let Some(s) = did_you_mean(t, variants.iter().map(String::as_str)) {
                    // `span` is the key; the fix edits the string right after it.
                    let at = self.literal_after_key(span, t).unwrap_or(span);
                    d = self.did_you_mean(d, format!("did you mean \"{s}\"?"), at, t, s);
                }
                self.diags.push(d);
            }
            return;
        }
        if compatible(&ty, l) {
            return;
        }
        let mut msg = format!(
            "a {} literal can never equal column `{col}` ({}) under strict typed equality",
            l.tag(),
            ty.describe()
        );
        if op == CmpOp::Ne {
            msg.push_str("; this `ne` is therefore always true and grants more than intended");
        } else if op != CmpOp::Eq {
            msg.push_str("; ordering across types is always false");
        }
        let help = match (&ty, l) {
            (ColumnType::Text, Lit::Integer(i)) => Some(format!("write the string \"{i}\"")),
            (ColumnType::Text, Lit::Uuid(u)) => Some(format!(
                "the string \"{u}\" is read as a Uuid; the column is text, so it never matches"
            )),
            (ColumnType::BigInt | ColumnType::Double, Lit::Integer(_)) => {
                Some("write it as a tagged value, e.g. `{ type: \"BigInt\", value: 5 }`".into())
            }
            _ => None,
        };
        let mut d = Diagnostic::new(codes::TYPE_MISMATCH, msg).at(span);
        if let Some(h) = help {
            d = d.help(h);
        }
        self.diags.push(d);
    }
}

impl Interp<'_> {
    /// The string literal `"value"` written as the value of the where-object key at `key`
    /// (`key: "value"` or `key: { op: "value" }`), quotes included.
    fn literal_after_key(&self, key: Span, value: &str) -> Option<Span> {
        fn after(s: &str, c: char) -> Option<&str> {
            s.trim_start().strip_prefix(c).map(str::trim_start)
        }
        let text = self.db?.text(key.file);
        let rest = text.get(key.range.end as usize..)?;
        // A quoted key ends with its quote; the `:` follows.
        let mut v = after(rest, ':')?;
        if let Some(inner) = after(v, '{') {
            let op_len = inner
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(0);
            v = after(inner.get(op_len..)?, ':').filter(|_| op_len > 0)?;
        }
        let quote = v.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let body = v.get(1..)?.strip_prefix(value)?;
        if !body.starts_with(quote) {
            return None;
        }
        let start = text.len() - v.len();
        let end = start + value.len() + 2;
        Some(Span::new(
            key.file,
            u32::try_from(start).ok()?,
            u32::try_from(end).ok()?,
        ))
    }
}
