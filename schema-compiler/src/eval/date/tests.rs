//! Unit tests for `eval::date`; expected values were taken from Node 20 (`Date.parse`,
//! `Date.UTC`, `toISOString`).

use super::*;

fn ms(s: &str) -> f64 {
    match parse_date_string(s) {
        DateParse::Ms {
            ms,
            rolled_over: false,
        } => ms,
        other => panic!("{s:?} parsed as {other:?}"),
    }
}

#[test]
fn date_only_forms_are_utc_midnight() {
    assert_eq!(ms("2026"), 1767225600000.0);
    assert_eq!(ms("2026-03"), 1772323200000.0);
    assert_eq!(ms("2026-03-15"), 1773532800000.0);
    assert_eq!(ms("2024-02-29"), 1709164800000.0);
}

#[test]
fn expanded_years() {
    assert_eq!(ms("+002026-03-15"), 1773532800000.0);
    assert_eq!(ms("-000001-01-01"), -62198755200000.0);
    assert_eq!(ms("+275760-09-13"), 8.64e15);
    assert_eq!(ms("-271821-04-20"), -8.64e15);
    assert!(ms("+275760-09-14").is_nan(), "past TimeClip");
    assert_eq!(parse_date_string("-000000-01-01"), DateParse::Invalid);
    assert_eq!(parse_date_string("+02026-01-01"), DateParse::Invalid);
}

#[test]
fn date_times_with_offsets() {
    assert_eq!(ms("2026-01-01T10:20Z"), 1767262800000.0);
    assert_eq!(ms("2026-01-01T10:20:30.5+02:00"), 1767255630500.0);
    assert_eq!(ms("2026-01-01T10:20:30.05-0130"), 1767268230050.0);
    assert_eq!(ms("2026-01-01T10:00+0100"), 1767258000000.0);
    assert_eq!(ms("2026-01T10:00Z"), 1767261600000.0);
    assert_eq!(ms("2026T10:00Z"), 1767261600000.0);
}

#[test]
fn lowercase_t_and_z_and_fraction_truncation() {
    assert_eq!(ms("2026-01-01t10:20:30.1234z"), 1767262830123.0);
    assert_eq!(ms("2026-01-01T10:20:30.9999Z"), 1767262830999.0);
}

#[test]
fn hour_24_only_at_midnight() {
    assert_eq!(ms("2026-01-01T24:00Z"), 1767312000000.0);
    assert_eq!(ms("2026-01-01T24:00:00.000Z"), 1767312000000.0);
    assert_eq!(parse_date_string("2026-01-01T24:01Z"), DateParse::Invalid);
    assert_eq!(
        parse_date_string("2026-01-01T24:00:01Z"),
        DateParse::Invalid
    );
    assert_eq!(
        parse_date_string("2026-01-01T24:00:00.001Z"),
        DateParse::Invalid
    );
    assert_eq!(
        parse_date_string("2026-01-01T24:00:00.0001Z"),
        DateParse::Invalid
    );
    assert_eq!(ms("2026-01-01T24:00:00.0000Z"), 1767312000000.0);
}

#[test]
fn day_past_month_end_rolls_over() {
    assert_eq!(
        parse_date_string("2026-02-30"),
        DateParse::Ms {
            ms: 1772409600000.0,
            rolled_over: true
        }
    );
    assert_eq!(
        parse_date_string("2025-04-31T00:00Z"),
        DateParse::Ms {
            ms: ms("2025-05-01"),
            rolled_over: true
        }
    );
}

#[test]
fn field_ranges() {
    for bad in [
        "2026-00-01",
        "2026-13-01",
        "2026-01-00",
        "2026-01-32",
        "2026-01-01T23:60Z",
    ] {
        assert_eq!(parse_date_string(bad), DateParse::Invalid, "{bad}");
    }
    for bad in [
        "2026-01-01T10:00:60Z",
        "2026-01-01T10:00+24:00",
        "2026-01-01T10:00+01:60",
    ] {
        assert_eq!(parse_date_string(bad), DateParse::Invalid, "{bad}");
    }
}

#[test]
fn no_offset_is_reported() {
    assert_eq!(parse_date_string("2026-01-01T10:00"), DateParse::NoOffset);
    assert_eq!(
        parse_date_string("2026-01-01T10:00:00.123"),
        DateParse::NoOffset
    );
}

#[test]
fn non_iso_strings_are_invalid() {
    for bad in [
        "2026-01-01 00:00Z",
        "Jan 1 2026",
        "2026-1-1",
        "",
        " 2026-01-01",
        "2026-01-01Z",
        "2026-01-01T10Z",
        "2026-01-01T10:00:00.Z",
        "2026-01-01T10:00.5Z",
        "2026-01-01T10:00Zx",
        "2026-01-01T10:00+1",
        "2026-01-01T10:00+0100x",
        "20260101",
        "é",
    ] {
        assert_eq!(parse_date_string(bad), DateParse::Invalid, "{bad:?}");
    }
}

#[test]
fn date_utc_follows_make_date() {
    let cases: &[(&[f64], f64)] = &[
        (&[2026.0], 1767225600000.0),
        (&[99.0, 0.0], 915148800000.0),
        (&[0.0], -2208988800000.0),
        (&[100.0], -59011459200000.0),
        (&[-1.0], -62198755200000.0),
        (&[2026.0, 0.0, 1.0], 1767225600000.0),
        (&[2026.0, 13.0, 1.0], 1801440000000.0),
        (&[2026.0, -1.0, 1.0], 1764547200000.0),
        (&[2026.0, 0.0, 0.0], 1767139200000.0),
        (&[2026.0, 1.0, 29.0], 1772323200000.0),
        (&[1970.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.7], 1.0),
        (&[1970.0, 0.0, 1.0, -1.0], -3600000.0),
        (&[99.5], 915148800000.0),
        (&[-0.5], -2208988800000.0),
        (&[275760.0, 8.0, 13.0], 8.64e15),
        (&[-271821.0, 3.0, 20.0], -8.64e15),
        (
            &[2026.0, 0.0, 1.0, 25.0, 61.0, 61.0, 1001.0],
            1767319322001.0,
        ),
    ];
    for (args, want) in cases {
        assert_eq!(date_utc(args), *want, "Date.UTC{args:?}");
    }
}

#[test]
fn date_utc_nan_cases() {
    for args in [
        &[][..],
        &[f64::NAN],
        &[2026.0, f64::NAN],
        &[1e300],
        &[f64::INFINITY],
        &[2026.0, 0.0, 1.0, 0.0, 0.0, 0.0, f64::NEG_INFINITY],
        &[275760.0, 8.0, 13.0, 0.0, 0.0, 0.0, 1.0],
        &[2026.0, 1e300],
    ] {
        assert!(date_utc(args).is_nan(), "Date.UTC{args:?}");
    }
}

#[test]
fn time_clip_truncates_and_rejects() {
    assert_eq!(time_clip(1.7), 1.0);
    assert_eq!(time_clip(-1.7), -1.0);
    assert!(time_clip(-0.0).is_sign_positive());
    assert!(time_clip(8.64e15 + 1.0).is_nan());
    assert!(time_clip(f64::INFINITY).is_nan());
}

#[test]
fn iso_strings() {
    let cases = [
        (0.0, "1970-01-01T00:00:00.000Z"),
        (-1.0, "1969-12-31T23:59:59.999Z"),
        (1.5, "1970-01-01T00:00:00.001Z"),
        (253402300800000.0, "+010000-01-01T00:00:00.000Z"),
        (-62198755200000.0, "-000001-01-01T00:00:00.000Z"),
        (-62198755200001.0, "-000002-12-31T23:59:59.999Z"),
        (8.64e15, "+275760-09-13T00:00:00.000Z"),
        (-8.64e15, "-271821-04-20T00:00:00.000Z"),
    ];
    for (ms, want) in cases {
        assert_eq!(to_iso_string(ms).as_deref(), Some(want), "{ms}");
    }
    assert_eq!(to_iso_string(f64::NAN), None);
    assert_eq!(to_iso_string(9e15), None);
}

#[test]
fn round_trip_through_iso_string() {
    for ms in [0.0, 1767262830123.0, -62198755200001.0, 8.64e15, -8.64e15] {
        let text = to_iso_string(ms).unwrap_or_default();
        assert_eq!(
            parse_date_string(&text),
            DateParse::Ms {
                ms,
                rolled_over: false
            }
        );
    }
}

proptest::proptest! {
    #[test]
    fn parsing_never_panics(s in "\\PC{0,40}") {
        let _ = parse_date_string(&s);
    }

    #[test]
    fn iso_like_strings_never_panic(s in "[+-]?[0-9]{4,6}(-[0-9]{2}){0,2}([Tt][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,6})?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?") {
        if let DateParse::Ms { ms, .. } = parse_date_string(&s) {
            proptest::prop_assert!(ms.is_nan() || ms.fract() == 0.0);
        }
    }

    #[test]
    fn date_utc_never_panics(args in proptest::collection::vec(proptest::num::f64::ANY, 0..8)) {
        let t = date_utc(&args);
        proptest::prop_assert!(t.is_nan() || t.abs() <= 8.64e15);
        let _ = to_iso_string(t);
    }
}
