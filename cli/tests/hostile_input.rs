//! `jazz validate` on input built to hurt the renderers: lines past column 65,535, names a
//! megabyte long, control characters in names. Each run must end with the coded diagnostic,
//! exit 1 (never a panic's 101) and print a bounded amount.

mod support;

use support::{envelope, jazz, project, redact, run};

const HEAD: &str = "import { schema as s } from \"jazz-tools\";\n";

/// Stderr stays this small whatever the input.
const MAX_STDERR: usize = 20_000;

#[test]
fn syntax_error_past_column_65535_renders_a_clipped_line() {
    let schema = format!("{HEAD}{}const = 1;\n", " ".repeat(70_000));
    let tmp = project(&[("schema.ts", &schema)]);
    let r = run(jazz(tmp.path()).args(["validate", "--color=never"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.len() < MAX_STDERR, "{} bytes", r.stderr.len());
    let stderr = redact(&r.stderr, tmp.path());
    assert!(stderr.contains("JZ0001"), "{stderr}");
    // The header names the true position; the snippet keeps a window ending in the error.
    assert!(stderr.contains("[schema.ts:2:70007]"), "{stderr}");
    assert!(stderr.contains(" 2 │ … "), "{stderr}");
    assert!(stderr.contains("const = 1;"), "{stderr}");
}

#[test]
fn schema_error_past_column_65535_renders_a_clipped_line() {
    // One line: 10,000 enum variants (90,000 columns), then a ref to no table.
    let variants: Vec<String> = (0..10_000).map(|i| format!("\"v{i}\"")).collect();
    let schema = format!(
        "{HEAD}export const app = s.defineApp({{ t: s.table({{ e: s.enum({}), r: s.ref(\"nowhere\") }}) }});\n",
        variants.join(", ")
    );
    let tmp = project(&[("schema.ts", &schema)]);
    let r = run(jazz(tmp.path()).args(["validate", "--color=never"]));
    assert_eq!(r.code, 1, "{}", &r.stderr[..r.stderr.len().min(2_000)]);
    let stderr = redact(&r.stderr, tmp.path());
    assert!(
        stderr.contains("JZ1016"),
        "{}",
        &stderr[..stderr.len().min(2_000)]
    );
    assert!(
        stderr.contains("s.ref(\"nowhere\")"),
        "{}",
        &stderr[..stderr.len().min(2_000)]
    );
    let col = schema
        .lines()
        .nth(1)
        .and_then(|l| l.find("\"nowhere\""))
        .expect("ref")
        + 1;
    assert!(col > 65_535);
    assert!(
        stderr.contains(&format!("[schema.ts:2:{col}]")),
        "{}",
        &stderr[..stderr.len().min(2_000)]
    );

    // JSON keeps the true position.
    let r = run(jazz(tmp.path()).args(["validate", "--format=json"]));
    let v = envelope(&r.stdout, "validate", 1);
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    let d = diags
        .iter()
        .find(|d| d["code"] == "JZ1016")
        .expect("JZ1016");
    assert_eq!(
        d["range"]["start"],
        serde_json::json!({ "line": 2, "column": col }),
        "{d}"
    );
}

#[test]
fn megabyte_ref_name_gives_bounded_output() {
    let name = "r".repeat(1_000_000);
    let schema = format!(
        "{HEAD}export const app = s.defineApp({{\n  t: s.table({{ a: s.ref(\"{name}\") }}),\n}});\n"
    );
    let tmp = project(&[("schema.ts", &schema)]);
    let r = run(jazz(tmp.path()).args(["validate", "--color=never"]));
    assert_eq!(r.code, 1, "{}", &r.stderr[..r.stderr.len().min(2_000)]);
    assert!(r.stderr.len() < MAX_STDERR, "{} bytes", r.stderr.len());
    // The message quotes 80 characters of the name (miette wraps the rest of the sentence).
    let quoted = format!("`s.ref(\"{}…\")`", "r".repeat(79));
    assert!(
        r.stderr.contains("JZ1016"),
        "{}",
        &r.stderr[..r.stderr.len().min(2_000)]
    );
    assert!(
        r.stderr.contains(&quoted),
        "{}",
        &r.stderr[..r.stderr.len().min(2_000)]
    );
}

#[test]
fn control_character_in_a_name_is_an_error() {
    let schema = format!(
        "{HEAD}export const app = s.defineApp({{\n  \"a\\u0000b\": s.table({{ title: s.string() }}),\n}});\n"
    );
    let tmp = project(&[("schema.ts", &schema)]);
    let r = run(jazz(tmp.path()).args(["validate", "--color=never"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("JZ1085"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("table name \"a\\0b\" contains the control character U+0000"),
        "{}",
        r.stderr
    );
}
