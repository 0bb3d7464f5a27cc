use super::*;
use crate::schema::hash::parse_hex;

const STARTER: &str = r#"{"todos":{"columns":[{"name":"title","column_type":{"type":"Text"},"nullable":false},{"name":"done","column_type":{"type":"Boolean"},"nullable":false}]}}"#;
const STARTER_HASH: &str = "bfd77d25b0696da75df2ca82ab129c6289432decaaad8b86adcb31a366bdd217";
const EMPTY_HASH: &str = "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262";

fn file(name: &str, text: &str) -> SnapshotFile {
    SnapshotFile {
        file_name: name.into(),
        text: Ok(text.into()),
    }
}

fn hash(hex: &str) -> SchemaHash {
    parse_hex(hex).unwrap_or(SchemaHash([0; 32]))
}

#[test]
fn snapshot_name_patterns() {
    for name in [
        "bfd77d25b069.json",
        "BFD77D25B069.JSON",
        "20260101T000000-bfd77d25b069.json",
        "20260101t000000-bfd77d25b069.json",
        "12345678901234567T000000-bfd77d25b069.json",
    ] {
        assert!(is_snapshot_name(name), "{name}");
    }
    for name in [
        "bfd77d25b06.json",
        "bfd77d25b0699.json",
        "xbfd77d25b069.json",
        "1234567T000000-bfd77d25b069.json",
        "123456789012345678T000000-bfd77d25b069.json",
        "20260101T00000-bfd77d25b069.json",
        "20260101T000000bfd77d25b069.json",
        "20260101T000000-bfd77d25b069.json.bak",
        "20260101T000000-bfd77d25b06g.json",
        "2026010é0T000000-bfd77d25b069.json",
        ".json",
        "",
    ] {
        assert!(!is_snapshot_name(name), "{name}");
    }
    assert!(is_committed_name("20260101T000000-bfd77d25b069.json"));
    assert!(is_committed_name("20260101t000000-BFD77D25B069.Json"));
    assert!(!is_committed_name("bfd77d25b069.json"));
    assert!(!is_committed_name("202601011T000000-bfd77d25b069.json"));
}

#[test]
fn committed_names_use_utc_civil_time() {
    let h = hash(STARTER_HASH);
    assert_eq!(committed_name(0, &h), "19700101T000000-bfd77d25b069.json");
    assert_eq!(
        committed_name(1_767_225_600_000, &h),
        "20260101T000000-bfd77d25b069.json"
    );
    // 2024-02-29T23:59:59.999Z
    assert_eq!(
        committed_name(1_709_251_199_999, &h),
        "20240229T235959-bfd77d25b069.json"
    );
    // 2000-03-01T12:34:56Z
    assert_eq!(
        committed_name(951_914_096_000, &h),
        "20000301T123456-bfd77d25b069.json"
    );
    // +275760-09-13 (the JS Date maximum): the year is not padded or signed.
    assert_eq!(
        committed_name(8_640_000_000_000_000, &h),
        "2757600913T000000-bfd77d25b069.json"
    );
    let far = committed_name(u64::MAX, &h);
    assert!(far.ends_with("-bfd77d25b069.json"), "{far}");
}

#[test]
fn latest_committed_follows_locale_compare() {
    let names = [
        "20260101T000000-aaaaaaaaaaaa.json",
        "20260102T000000-aaaaaaaaaaaa.json",
        "99990101T000000-aaaaaaaaaaa.json",
        "fffffffffffff.json",
        "ffffffffffff.json",
    ];
    assert_eq!(
        latest_committed(names),
        Some("20260102T000000-aaaaaaaaaaaa.json")
    );
    let same_second = [
        "20260102T000000-0bbbbbbbbbbb.json",
        "20260102T000000-0aaaaaaaaaaa.json",
    ];
    assert_eq!(
        latest_committed(same_second),
        Some("20260102T000000-0bbbbbbbbbbb.json")
    );
    // Case only decides ties, lowercase first.
    let cases = [
        "20260102T000000-AAAAAAAAAAAA.json",
        "20260102t000000-aaaaaaaaaaaa.json",
    ];
    assert_eq!(
        latest_committed(cases),
        Some("20260102T000000-AAAAAAAAAAAA.json")
    );
    assert_eq!(committed_name_cmp("a", "A"), Ordering::Less);
    assert_eq!(committed_name_cmp("B", "a"), Ordering::Greater);
    assert_eq!(latest_committed(["ffffffffffff.json"]), None);
}

#[test]
fn reads_snapshots_and_warns() {
    let files = vec![
        file("20260101T000000-bfd77d25b069.json", STARTER),
        file("bfd77d25b069.json", STARTER),
        file("20260102T000000-000000000000.json", STARTER),
        file("af1349b9f5f9.json", "{}\n"),
        file("aaaaaaaaaaaa.json", "{ not json"),
        SnapshotFile {
            file_name: "bbbbbbbbbbbb.json".into(),
            text: Err("permission denied".into()),
        },
        file("notes.json", "garbage"),
    ];
    let (snapshots, diags) = read_snapshots(files);
    let got: Vec<(&str, String)> = snapshots
        .iter()
        .map(|s| (s.file_name.as_str(), s.hash.short()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "20260101T000000-bfd77d25b069.json",
                "bfd77d25b069".to_string()
            ),
            (
                "20260102T000000-000000000000.json",
                "bfd77d25b069".to_string()
            ),
            ("af1349b9f5f9.json", "af1349b9f5f9".to_string()),
            ("bfd77d25b069.json", "bfd77d25b069".to_string()),
        ]
    );
    let summary: Vec<(String, &str)> = diags
        .iter()
        .map(|d| (d.code.to_string(), d.message.as_str()))
        .collect();
    assert_eq!(summary.len(), 3, "{summary:?}");
    assert_eq!(summary[0].0, "JZ1081");
    assert_eq!(
        summary[0].1,
        "Snapshot 20260102T000000-000000000000.json is named for hash 000000000000, but its content hashes to bfd77d25b069"
    );
    assert_eq!(summary[1].0, "JZ1080");
    assert!(
        summary[1]
            .1
            .starts_with("Skipping snapshot aaaaaaaaaaaa.json: it is not valid WasmSchema JSON: ")
    );
    assert_eq!(
        summary[2],
        (
            "JZ1080".into(),
            "Skipping snapshot bbbbbbbbbbbb.json: it cannot be read: permission denied"
        )
    );
    assert!(diags.iter().all(|d| d.severity == crate::Severity::Warning));
    assert_eq!(unique_by_hash(&snapshots).len(), 2);
}

fn fake(name: &str, hex: &str) -> Snapshot {
    Snapshot {
        file_name: name.into(),
        schema: WasmSchema::default(),
        hash: hash(hex),
    }
}

#[test]
fn resolves_prefixes() {
    let b = &format!("bfd77d25b069{}", "a".repeat(52));
    let b2 = "bfd77d25b0690000000000000000000000000000000000000000000000000000";
    let stored = vec![
        fake("1.json", STARTER_HASH),
        fake("2.json", STARTER_HASH),
        fake("3.json", EMPTY_HASH),
    ];
    let found =
        |input: &str| resolve_prefix(&stored, input, "fromHash").map(|s| s.file_name.clone());
    assert_eq!(found(" BFD77D25B069 "), Ok("1.json".into()));
    assert_eq!(found(STARTER_HASH), Ok("1.json".into()));
    assert_eq!(found("af1349b9f5f9a1"), Ok("3.json".into()));
    let msg = |r: Result<String, Box<Diagnostic>>| r.map_err(|d| (d.code.to_string(), d.message));
    assert_eq!(
        msg(found("000000000000")),
        Err((
            "JZ1084".into(),
            "No stored schema found for fromHash prefix 000000000000.".into()
        ))
    );
    assert_eq!(
        msg(found(&format!("{}0", &STARTER_HASH[..63]))),
        Err((
            "JZ1084".into(),
            format!(
                "No stored schema found for fromHash prefix {}0.",
                &STARTER_HASH[..63]
            )
        ))
    );
    assert_eq!(
        msg(found("xyz")),
        Err((
            "JZ1083".into(),
            "fromHash must be a 12-64 character lowercase hex schema hash.".into()
        ))
    );
    let more = vec![
        fake("a.json", b),
        fake("b.json", STARTER_HASH),
        fake("c.json", b2),
    ];
    let r = resolve_prefix(&more, "bfd77d25b069", "toHash").map(|s| s.file_name.clone());
    assert_eq!(
        msg(r),
        Err((
            "JZ1082".into(),
            "toHash prefix bfd77d25b069 is ambiguous: bfd77d25b069, bfd77d25b069, bfd77d25b069"
                .into()
        ))
    );
}
