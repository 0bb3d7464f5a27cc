//! `jazz create app`.

mod support;

use support::{envelope, jazz, run};
use uuid::Uuid;

#[test]
fn prints_a_random_uuid_v7() {
    let dir = tempfile::tempdir().expect("temp dir");
    let a = run(jazz(dir.path()).args(["create", "app"]));
    let b = run(jazz(dir.path()).args(["create", "app"]));
    assert_eq!(a.code, 0);
    let id = a.stdout.strip_suffix('\n').expect("one line");
    assert_eq!(
        Uuid::parse_str(id).map(|u| u.get_version_num()).ok(),
        Some(7),
        "{id}"
    );
    assert_eq!(id, id.to_lowercase());
    assert_ne!(a.stdout, b.stdout);
    assert!(a.stderr.is_empty());
}

#[test]
fn a_name_gives_a_deterministic_uuid_v5() {
    let dir = tempfile::tempdir().expect("temp dir");
    let expected = Uuid::new_v5(&Uuid::NAMESPACE_DNS, b"my-app").to_string();
    for args in [
        ["create", "app", "-n", "my-app"],
        ["create", "app", "--name", "my-app"],
    ] {
        let r = run(jazz(dir.path()).args(args));
        assert_eq!(r.code, 0);
        assert_eq!(r.stdout, format!("{expected}\n"));
    }
    let r = run(jazz(dir.path()).args(["create", "app", "--name=my-app", "--format", "json"]));
    let v = envelope(&r.stdout, "create app", 0);
    assert_eq!(v["result"], serde_json::json!({ "app_id": expected }));
    assert_eq!(v["diagnostics"], serde_json::json!([]));
}
