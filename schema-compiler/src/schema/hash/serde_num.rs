//! Upstream's Rust number semantics: how serde_json 1.0.149 (no
//! `float_roundtrip`, no `arbitrary_precision`) turns a JSON number literal into a u64, i64 or
//! f64 ([`serde_num`]), and how it writes one back ([`serde_fmt`]).
//!
//! The float path is deliberately **not** correctly rounded: it reproduces serde_json's fast
//! path, whose result is what upstream hashes. Implemented here by hand, never through
//! `serde_json`, so that cargo feature unification cannot change hashes.

use crate::schema::json::number_to_js_string;

/// A number as serde_json holds it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SerdeNumber {
    U64(u64),
    I64(i64),
    F64(f64),
}

impl SerdeNumber {
    /// The f64 serde hands to an `f64` field: integers round to nearest.
    pub fn as_f64(self) -> f64 {
        match self {
            SerdeNumber::U64(v) => v as f64,
            SerdeNumber::I64(v) => v as f64,
            SerdeNumber::F64(v) => v,
        }
    }
}

/// Why serde_json would reject a number literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SerdeNumError {
    /// Not a JSON number literal.
    Syntax,
    /// Finite in JS, but serde_json's float path overflows (e.g. `1.7976931348623157e+308`).
    OutOfRange,
}

/// `serdeNum(text)` for a JSON number literal such as JS's `Number::toString` output.
pub fn serde_num(text: &str) -> Result<SerdeNumber, SerdeNumError> {
    let bytes = text.as_bytes();
    let (positive, mut i) = match bytes.first() {
        Some(b'-') => (false, 1),
        _ => (true, 0),
    };
    let digit = |i: usize| {
        bytes
            .get(i)
            .filter(|b| b.is_ascii_digit())
            .map(|b| u64::from(b - b'0'))
    };

    // Integer part. serde_json keeps a u64 until the first digit that does not fit; from then on
    // every further integer digit only bumps the exponent.
    let first = digit(i).ok_or(SerdeNumError::Syntax)?;
    i += 1;
    let mut sig = first;
    let mut exp: i32 = 0;
    let mut overflowed = false;
    if first != 0 {
        while let Some(d) = digit(i) {
            i += 1;
            if overflowed {
                exp = exp.saturating_add(1);
            } else if let Some(next) = sig.checked_mul(10).and_then(|v| v.checked_add(d)) {
                sig = next;
            } else {
                overflowed = true;
                exp = 1;
            }
        }
    }
    let mut is_float = overflowed;

    if bytes.get(i) == Some(&b'.') {
        is_float = true;
        i += 1;
        if digit(i).is_none() {
            return Err(SerdeNumError::Syntax);
        }
        // Fraction digits are taken while they fit, even after an integer-part overflow (serde
        // starts over with the same significand); the rest are ignored.
        let mut fits = true;
        while let Some(d) = digit(i) {
            i += 1;
            if fits {
                match sig.checked_mul(10).and_then(|v| v.checked_add(d)) {
                    Some(next) => {
                        sig = next;
                        exp = exp.saturating_sub(1);
                    }
                    None => fits = false,
                }
            }
        }
    }

    if let Some(b'e' | b'E') = bytes.get(i) {
        is_float = true;
        i += 1;
        let positive_exp = match bytes.get(i) {
            Some(b'-') => {
                i += 1;
                false
            }
            Some(b'+') => {
                i += 1;
                true
            }
            _ => true,
        };
        let mut e: i32 = i32::try_from(digit(i).ok_or(SerdeNumError::Syntax)?).unwrap_or(0);
        i += 1;
        let mut exp_overflow = false;
        while let Some(d) = digit(i) {
            i += 1;
            let d = i32::try_from(d).unwrap_or(0);
            match e.checked_mul(10).and_then(|v| v.checked_add(d)) {
                Some(next) if !exp_overflow => e = next,
                _ => exp_overflow = true,
            }
        }
        if i != bytes.len() {
            return Err(SerdeNumError::Syntax);
        }
        if exp_overflow {
            if sig != 0 && positive_exp {
                return Err(SerdeNumError::OutOfRange);
            }
            return Ok(SerdeNumber::F64(if positive { 0.0 } else { -0.0 }));
        }
        exp = if positive_exp {
            exp.saturating_add(e)
        } else {
            exp.saturating_sub(e)
        };
    }
    if i != bytes.len() {
        return Err(SerdeNumError::Syntax);
    }

    if !is_float {
        if positive {
            return Ok(SerdeNumber::U64(sig));
        }
        // serde_json: `-0` and anything below i64::MIN become floats.
        return match i64::try_from(sig) {
            Ok(v) if v != 0 => Ok(SerdeNumber::I64(-v)),
            _ if sig == 1 << 63 => Ok(SerdeNumber::I64(i64::MIN)),
            _ => Ok(SerdeNumber::F64(-(sig as f64))),
        };
    }
    f64_from_parts(positive, sig, exp).map(SerdeNumber::F64)
}

/// serde_json's `f64_from_parts`: one rounding for `sig as f64`, one for the power of ten.
fn f64_from_parts(positive: bool, sig: u64, mut exp: i32) -> Result<f64, SerdeNumError> {
    let mut f = sig as f64;
    loop {
        let k = exp.unsigned_abs();
        if k <= 308 {
            let pow = pow10(k);
            if exp >= 0 {
                f *= pow;
                if f.is_infinite() {
                    return Err(SerdeNumError::OutOfRange);
                }
            } else {
                f /= pow;
            }
            break;
        }
        if f == 0.0 {
            break;
        }
        if exp >= 0 {
            return Err(SerdeNumError::OutOfRange);
        }
        f /= 1e308;
        exp += 308;
    }
    Ok(if positive { f } else { -f })
}

/// The correctly rounded f64 of `10^k` for `k <= 308`: Rust's literal parsing is exact.
fn pow10(k: u32) -> f64 {
    format!("1e{k}").parse().unwrap_or(f64::INFINITY)
}

/// serdeNum applied to a JS number, as upstream sees a number that JS wrote: `None` where JS
/// writes `null` (non-finite) or serde_json rejects the text.
pub fn serde_num_of_js(x: f64) -> Option<SerdeNumber> {
    if !x.is_finite() {
        return None;
    }
    serde_num(&number_to_js_string(x)).ok()
}

/// The u64 a Timestamp field gets from a JS number: integer text → u64 (so `2**60` gives
/// `1152921504606847000`); a float only if finite, ≥ 0, integral and below 2^64.
pub fn timestamp_from_js(x: f64) -> Option<u64> {
    match serde_num_of_js(x)? {
        SerdeNumber::U64(v) => Some(v),
        SerdeNumber::I64(_) => None,
        SerdeNumber::F64(f) => {
            (f >= 0.0 && f.fract() == 0.0 && f < 18_446_744_073_709_551_616.0).then_some(f as u64)
        }
    }
}

/// The i32 an Integer field gets from a JS number: only integer literals within i32.
pub fn i32_from_js(x: f64) -> Option<i32> {
    match serde_num_of_js(x)? {
        SerdeNumber::U64(v) => i32::try_from(v).ok(),
        SerdeNumber::I64(v) => i32::try_from(v).ok(),
        SerdeNumber::F64(_) => None,
    }
}

/// The i64 a BigInt field gets from a JS number: only integer literals within i64.
pub fn i64_from_js(x: f64) -> Option<i64> {
    match serde_num_of_js(x)? {
        SerdeNumber::U64(v) => i64::try_from(v).ok(),
        SerdeNumber::I64(v) => Some(v),
        SerdeNumber::F64(_) => None,
    }
}

/// The u8 a Bytea element gets from a JS number: only integer literals 0..=255.
pub fn u8_from_js(x: f64) -> Option<u8> {
    match serde_num_of_js(x)? {
        SerdeNumber::U64(v) => u8::try_from(v).ok(),
        _ => None,
    }
}

/// `serdeFmt(n)`: integers in plain decimal; floats with the shortest round-trip digits,
/// fixed with at least one fraction digit when `-5 <= e < 16`, else `d[.ddd]e±X`.
pub fn serde_fmt(n: SerdeNumber) -> String {
    match n {
        SerdeNumber::U64(v) => v.to_string(),
        SerdeNumber::I64(v) => v.to_string(),
        SerdeNumber::F64(f) if !f.is_finite() => "null".to_string(),
        SerdeNumber::F64(f) => {
            let sign = if f.is_sign_negative() { "-" } else { "" };
            if f == 0.0 {
                return format!("{sign}0.0");
            }
            let (digits, e) = shortest_digits(f.abs());
            let k = digits.len() as i32;
            let body = if (-5..16).contains(&e) {
                if e >= 0 {
                    let int_len = (e + 1) as usize;
                    if digits.len() <= int_len {
                        format!("{digits}{}.0", "0".repeat(int_len - digits.len()))
                    } else {
                        let (a, b) = digits.split_at(int_len);
                        format!("{a}.{b}")
                    }
                } else {
                    format!("0.{}{digits}", "0".repeat((-e - 1) as usize))
                }
            } else {
                let (d1, rest) = digits.split_at(1.min(digits.len()));
                let dot = if k > 1 { "." } else { "" };
                let esign = if e >= 0 { "+" } else { "-" };
                format!("{d1}{dot}{rest}e{esign}{}", e.unsigned_abs())
            };
            format!("{sign}{body}")
        }
    }
}

/// The shortest round-trip decimal digits of a positive finite `x` (no leading or trailing
/// zeros) and the decimal exponent `e` with `10^e <= x < 10^(e+1)`. Read off JS's
/// `Number::toString`, which prints exactly those digits.
fn shortest_digits(x: f64) -> (String, i32) {
    let text = number_to_js_string(x);
    let (mantissa, exp_part) = match text.split_once('e') {
        Some((m, e)) => (m, e.trim_start_matches('+').parse::<i32>().unwrap_or(0)),
        None => (text.as_str(), 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all: String = format!("{int_part}{frac_part}");
    let lead = all.len() - all.trim_start_matches('0').len();
    let digits = all
        .trim_start_matches('0')
        .trim_end_matches('0')
        .to_string();
    // Position of the first significant digit relative to the decimal point.
    let e = int_part.len() as i32 - 1 - lead as i32 + exp_part;
    if digits.is_empty() {
        ("0".to_string(), 0)
    } else {
        (digits, e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SerdeNumber::{F64, I64, U64};

    #[test]
    fn integers_stay_integers() {
        assert_eq!(serde_num("0"), Ok(U64(0)));
        assert_eq!(serde_num("18446744073709551615"), Ok(U64(u64::MAX)));
        assert_eq!(serde_num("-9223372036854775808"), Ok(I64(i64::MIN)));
        assert_eq!(serde_num("-5"), Ok(I64(-5)));
        assert_eq!(
            serde_num("1152921504606847000"),
            Ok(U64(1_152_921_504_606_847_000))
        );
        assert_eq!(
            serde_num("18446744073709552000"),
            Ok(F64(18446744073709552000.0))
        );
        assert_eq!(
            serde_num("-9223372036854775809"),
            Ok(F64(-9223372036854775809.0))
        );
        assert!(matches!(serde_num("-0"), Ok(F64(z)) if z == 0.0 && z.is_sign_negative()));
    }

    #[test]
    fn float_path_is_lossy() {
        let bits = |t: &str| serde_num(t).map(|n| n.as_f64().to_bits());
        assert_eq!(bits("0.22323896460701453"), Ok(0x3fcc93182a170b2f));
        assert_eq!(bits("1.5"), Ok(1.5f64.to_bits()));
        assert_eq!(bits("5e-324"), Ok(5e-324f64.to_bits()));
        assert_eq!(bits("1e-400"), Ok(0));
        assert_eq!(bits("-2e-6"), Ok((-2e-6f64).to_bits()));
        assert_eq!(serde_num("1e400"), Err(SerdeNumError::OutOfRange));
        assert_eq!(serde_num("1e99999999999"), Err(SerdeNumError::OutOfRange));
        assert_eq!(serde_num("0e99999999999"), Ok(F64(0.0)));
        assert_eq!(serde_num("1e-99999999999"), Ok(F64(0.0)));
        for bad in [
            "", "-", "01", "1.", ".5", "1e", "1e+", "1x", "NaN", "Infinity", "+1",
        ] {
            assert_eq!(serde_num(bad), Err(SerdeNumError::Syntax), "{bad:?}");
        }
    }

    #[test]
    fn fmt_examples_of_section_5_5() {
        let cases: &[(f64, &str)] = &[
            (100.0, "100.0"),
            (0.00001, "0.00001"),
            (1e15, "1000000000000000.0"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (1e20, "1e+20"),
            (1e-6, "1e-6"),
            (1e-7, "1e-7"),
            (9.9e-6, "9.9e-6"),
            (0.30000000000000004, "0.30000000000000004"),
            (-2e-6, "-2e-6"),
            (123.456, "123.456"),
            (1.8446744073709552e19, "1.8446744073709552e+19"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
        ];
        for (x, want) in cases {
            assert_eq!(serde_fmt(F64(*x)), *want, "{x:e}");
        }
        assert_eq!(serde_fmt(U64(u64::MAX)), "18446744073709551615");
        assert_eq!(serde_fmt(I64(-7)), "-7");
    }

    #[test]
    fn js_number_conversions() {
        assert_eq!(
            timestamp_from_js(2f64.powi(60)),
            Some(1_152_921_504_606_847_000)
        );
        assert_eq!(timestamp_from_js(1767225600000.0), Some(1_767_225_600_000));
        assert_eq!(timestamp_from_js(-0.0), Some(0));
        assert_eq!(timestamp_from_js(-1.0), None);
        assert_eq!(timestamp_from_js(1.5), None);
        assert_eq!(timestamp_from_js(1e21), None);
        assert_eq!(timestamp_from_js(f64::NAN), None);
        assert_eq!(timestamp_from_js(1e20), None);
        assert_eq!(timestamp_from_js(1e19), Some(10_000_000_000_000_000_000));
        assert_eq!(i32_from_js(-3.0), Some(-3));
        assert_eq!(i32_from_js(1.5), None);
        assert_eq!(i32_from_js(2147483648.0), None);
        assert_eq!(u8_from_js(255.0), Some(255));
        assert_eq!(u8_from_js(256.0), None);
        assert_eq!(u8_from_js(-1.0), None);
        assert_eq!(i64_from_js(-5.0), Some(-5));
    }
}
