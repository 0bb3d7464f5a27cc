//! JS `Date` semantics needed by the evaluator (schema.md §3.6): ISO string parsing with UTC
//! rules, `Date.UTC`, TimeClip and `toISOString`.

/// The result of parsing a date string.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DateParse {
    /// Milliseconds since the epoch (already TimeClipped; may be NaN when out of range).
    /// `rolled_over` is set when the day was past the month's end (`2026-02-30`).
    Ms { ms: f64, rolled_over: bool },
    /// An ISO date-time without an offset: local time upstream, JZ0104 here.
    NoOffset,
    /// Not an ISO string (implementation-defined in JS): JZ0104.
    Invalid,
}

/// Parses `new Date(str)` / `Date.parse(str)`. STUB.
pub fn parse_date_string(s: &str) -> DateParse {
    let _ = s;
    DateParse::Invalid
}

/// ECMA-262 TimeClip.
pub fn time_clip(t: f64) -> f64 {
    if !t.is_finite() || t.abs() > 8.64e15 { f64::NAN } else { t.trunc() + 0.0 }
}

/// `Date.UTC(y, m?, d?, h?, min?, s?, ms?)`. STUB.
pub fn date_utc(args: &[f64]) -> f64 {
    let _ = args;
    f64::NAN
}

/// `Date.prototype.toISOString`; `None` for an invalid date. STUB.
pub fn to_iso_string(ms: f64) -> Option<String> {
    let _ = ms;
    None
}
