//! JS `Date` semantics needed by the evaluator: ISO string parsing with UTC
//! rules, `Date.UTC`, TimeClip and `toISOString`.
//!
//! Only the ECMA-262 "Date Time String Format" is modelled. Everything that upstream would hand
//! to V8's implementation-defined fallback parser, or read in the machine's local time zone,
//! is reported instead of guessed. This module knows nothing of syntax or diagnostics.

use crate::schema::civil::{civil_from_days, days_from_civil, days_in_month};

const MS_PER_DAY: f64 = 86_400_000.0;
const MS_PER_HOUR: f64 = 3_600_000.0;
const MS_PER_MINUTE: f64 = 60_000.0;
const MS_PER_SECOND: f64 = 1_000.0;

/// V8's MakeDay accepts only these year and month ranges; anything else is NaN.
const MAX_ABS_YEAR: f64 = 1_000_000.0;
const MAX_ABS_MONTH: f64 = 10_000_000.0;

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

/// A cursor over the ASCII bytes of a date string.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_any(&mut self, options: &[u8]) -> Option<u8> {
        let b = self.peek().filter(|b| options.contains(b))?;
        self.pos += 1;
        Some(b)
    }

    /// Exactly `n` ASCII digits as a number.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let mut value: u32 = 0;
        for _ in 0..n {
            let d = self.peek().filter(u8::is_ascii_digit)?;
            value = value * 10 + u32::from(d - b'0');
            self.pos += 1;
        }
        Some(value)
    }

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }
}

/// Parses `new Date(str)` / `Date.parse(str)`.
pub fn parse_date_string(s: &str) -> DateParse {
    parse_iso(s).unwrap_or(DateParse::Invalid)
}

fn parse_iso(s: &str) -> Option<DateParse> {
    let mut c = Cursor {
        bytes: s.as_bytes(),
        pos: 0,
    };
    let year = parse_year(&mut c)?;
    let (mut month, mut day) = (1, 1);
    if c.eat(b'-') {
        month = c.digits(2)?;
        if c.eat(b'-') {
            day = c.digits(2)?;
        }
    }
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let rolled_over = day > days_in_month(year, month);
    let day_number = days_from_civil(year, month, 1) + i64::from(day) - 1;
    let done = |time_ms: f64, offset_ms: f64| {
        // Exact in f64: every term is an integer far below 2^53.
        let ms = day_number as f64 * MS_PER_DAY + time_ms - offset_ms;
        Some(DateParse::Ms {
            ms: time_clip(ms),
            rolled_over,
        })
    };
    if c.at_end() {
        return done(0.0, 0.0);
    }
    c.eat_any(b"Tt")?;
    let hour = c.digits(2)?;
    c.eat(b':').then_some(())?;
    let minute = c.digits(2)?;
    let (mut second, mut milli, mut fraction_is_zero) = (0, 0, true);
    if c.eat(b':') {
        second = c.digits(2)?;
        if c.eat(b'.') {
            (milli, fraction_is_zero) = parse_fraction(&mut c)?;
        }
    }
    // V8 looks at every fraction digit here, not only the first three.
    let is_midnight_24 = hour == 24 && minute == 0 && second == 0 && fraction_is_zero;
    if (hour > 23 && !is_midnight_24) || minute > 59 || second > 59 {
        return None;
    }
    let time_ms = f64::from(hour) * MS_PER_HOUR
        + f64::from(minute) * MS_PER_MINUTE
        + f64::from(second) * MS_PER_SECOND
        + f64::from(milli);
    if c.at_end() {
        return Some(DateParse::NoOffset);
    }
    let offset_ms = if c.eat_any(b"Zz").is_some() {
        0.0
    } else {
        let sign = if c.eat_any(b"+-")? == b'-' { -1.0 } else { 1.0 };
        let oh = c.digits(2)?;
        c.eat(b':');
        let om = c.digits(2)?;
        if oh > 23 || om > 59 {
            return None;
        }
        sign * (f64::from(oh) * MS_PER_HOUR + f64::from(om) * MS_PER_MINUTE)
    };
    if !c.at_end() {
        return None;
    }
    done(time_ms, offset_ms)
}

/// `YYYY`, or an expanded `±YYYYYY` (where `-000000` is not allowed).
fn parse_year(c: &mut Cursor<'_>) -> Option<i64> {
    match c.eat_any(b"+-") {
        None => c.digits(4).map(i64::from),
        Some(sign) => {
            let y = i64::from(c.digits(6)?);
            match sign {
                b'-' if y == 0 => None,
                b'-' => Some(-y),
                _ => Some(y),
            }
        }
    }
}

/// One or more fraction digits as milliseconds (only the first three count: truncated, not
/// rounded), and whether every digit is zero.
fn parse_fraction(c: &mut Cursor<'_>) -> Option<(u32, bool)> {
    let mut milli = 0;
    let mut count = 0;
    let mut all_zero = true;
    while let Some(d) = c.peek().filter(u8::is_ascii_digit) {
        if count < 3 {
            milli = milli * 10 + u32::from(d - b'0');
        }
        all_zero &= d == b'0';
        count += 1;
        c.pos += 1;
    }
    let scale = match count {
        0 => return None,
        1 => 100,
        2 => 10,
        _ => 1,
    };
    Some((milli * scale, all_zero))
}

/// ECMA-262 TimeClip.
pub fn time_clip(t: f64) -> f64 {
    if !t.is_finite() || t.abs() > 8.64e15 {
        f64::NAN
    } else {
        t.trunc() + 0.0
    }
}

/// ECMA-262 MakeTime.
fn make_time(hour: f64, min: f64, sec: f64, ms: f64) -> f64 {
    if ![hour, min, sec, ms].iter().all(|v| v.is_finite()) {
        return f64::NAN;
    }
    hour.trunc() * MS_PER_HOUR
        + min.trunc() * MS_PER_MINUTE
        + sec.trunc() * MS_PER_SECOND
        + ms.trunc()
}

/// ECMA-262 MakeDay, with V8's year and month limits for "not possible".
fn make_day(year: f64, month: f64, date: f64) -> f64 {
    if ![year, month, date].iter().all(|v| v.is_finite()) {
        return f64::NAN;
    }
    let (y, m, dt) = (year.trunc(), month.trunc(), date.trunc());
    if y.abs() > MAX_ABS_YEAR || m.abs() > MAX_ABS_MONTH {
        return f64::NAN;
    }
    // Both fit i64 exactly after the range check above.
    let ym = y as i64 + (m as i64).div_euclid(12);
    let mn = (m as i64).rem_euclid(12);
    let month1 = u32::try_from(mn + 1).unwrap_or(1);
    days_from_civil(ym, month1, 1) as f64 + dt - 1.0
}

/// ECMA-262 MakeDate.
fn make_date(day: f64, time: f64) -> f64 {
    if !day.is_finite() || !time.is_finite() {
        return f64::NAN;
    }
    let tv = day * MS_PER_DAY + time;
    if tv.is_finite() { tv } else { f64::NAN }
}

/// `Date.UTC(y, m?, d?, h?, min?, s?, ms?)`; `args` are the arguments after ToNumber.
pub fn date_utc(args: &[f64]) -> f64 {
    let arg = |i: usize, default: f64| args.get(i).copied().unwrap_or(default);
    let y = arg(0, f64::NAN);
    let year = if y.is_nan() {
        f64::NAN
    } else {
        let yi = y.trunc();
        if (0.0..=99.0).contains(&yi) {
            1900.0 + yi
        } else {
            y
        }
    };
    let day = make_day(year, arg(1, 0.0), arg(2, 1.0));
    let time = make_time(arg(3, 0.0), arg(4, 0.0), arg(5, 0.0), arg(6, 0.0));
    time_clip(make_date(day, time))
}

/// `Date.prototype.toISOString`; `None` for an invalid date.
pub fn to_iso_string(ms: f64) -> Option<String> {
    let t = time_clip(ms);
    if t.is_nan() {
        return None;
    }
    // |t| ≤ 8.64e15 and integral, so the conversion is exact.
    let t = t as i64;
    let days = t.div_euclid(86_400_000);
    let in_day = t.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    let year_text = if (0..=9999).contains(&year) {
        format!("{year:04}")
    } else if year < 0 {
        format!("-{:06}", -year)
    } else {
        format!("+{year:06}")
    };
    Some(format!(
        "{year_text}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000
    ))
}

#[cfg(test)]
mod tests;
