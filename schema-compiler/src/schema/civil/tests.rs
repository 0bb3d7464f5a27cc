use super::*;

#[test]
fn known_dates() {
    let cases: &[((i64, u32, u32), i64)] = &[
        ((1970, 1, 1), 0),
        ((1969, 12, 31), -1),
        ((2000, 3, 1), 11_017),
        ((2024, 2, 29), 19_782),
        ((1600, 2, 29), -135_081),
        ((1, 1, 1), -719_162),
        ((0, 3, 1), -719_468),
        ((0, 1, 1), -719_528),
        ((-1, 12, 31), -719_529),
        ((9999, 12, 31), 2_932_896),
        // The limits of a JS Date: ±8.64e15 ms is ±100,000,000 days.
        ((-271_821, 4, 20), -100_000_000),
        ((275_760, 9, 13), 100_000_000),
    ];
    for &((y, m, d), days) in cases {
        assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        assert_eq!(civil_from_days(days), (y, m, d), "day {days}");
    }
}

#[test]
fn leap_years() {
    for y in [2024, 2000, 1600, 400, 4, 0, -4, -400, -2000] {
        assert!(is_leap_year(y), "{y}");
        assert_eq!(days_in_month(y, 2), 29, "{y}");
    }
    for y in [2023, 1900, 2100, 100, 1, -1, -100, -1900] {
        assert!(!is_leap_year(y), "{y}");
        assert_eq!(days_in_month(y, 2), 28, "{y}");
    }
}

#[test]
fn month_lengths() {
    let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    for (month, len) in (1..=12).zip(lengths) {
        assert_eq!(days_in_month(2023, month), len, "month {month}");
    }
    let year: u32 = (1..=12).map(|m| days_in_month(2024, m)).sum();
    assert_eq!(year, 366);
}

/// Walks every date from 1000 BCE (year -1000) to 3000 CE in order: each one's day number is
/// the previous one's plus one, and converts back to the same date.
#[test]
fn round_trips_over_consecutive_days() {
    let mut expected = days_from_civil(-1000, 1, 1);
    for year in -1000..=3000 {
        for month in 1..=12 {
            for day in 1..=days_in_month(year, month) {
                let days = days_from_civil(year, month, day);
                assert_eq!(days, expected, "{year}-{month}-{day}");
                assert_eq!(civil_from_days(days), (year, month, day), "day {days}");
                expected += 1;
            }
        }
    }
}

/// Day numbers across the whole JS Date range, with a stride that hits every day of the month
/// and both sides of era boundaries, convert to a valid date and back.
#[test]
fn round_trips_over_the_js_date_range() {
    let mut days = -100_000_000;
    while days <= 100_000_000 {
        let (y, m, d) = civil_from_days(days);
        assert!((1..=12).contains(&m), "day {days}: month {m}");
        assert!(
            (1..=days_in_month(y, m)).contains(&d),
            "day {days}: {y}-{m}-{d}"
        );
        assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        days += 9_973;
    }
}
