//! `jazz validate` on hostile projects: a file that doubles a string 64 times finishes with
//! JZ0111 instead of growing until the machine runs out of memory, and imports cannot read
//! files outside the project (JZ0112).

mod support;

use support::{jazz, project, run};

/// schema.ts that doubles a string on each of 64 lines (2^64 bytes at the end).
fn doubling_schema() -> String {
    let mut src = String::from("import { schema as s } from \"jazz-tools\";\nlet v = \"x\";\n");
    for _ in 0..64 {
        src.push_str("v = v + v;\n");
    }
    src.push_str("const t0 = \"x\";\n");
    for i in 1..=64 {
        src.push_str(&format!("const t{i} = t{p} + t{p};\n", p = i - 1));
    }
    src.push_str(
        "export const app = s.defineApp({ todos: s.table({ title: s.string().default(t64) }) });\n",
    );
    src
}

#[test]
fn sixty_four_doublings_stop_at_the_budget() {
    // No timing is asserted: without the budget this run never ends (the suite times out), and
    // with it memory is bounded by construction (64 MiB of evaluated values).
    let tmp = project(&[("schema.ts", &doubling_schema())]);
    let r = run(jazz(tmp.path()).args(["validate", "--color=never"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("JZ0111"), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "evaluation budget exceeded: this concatenation goes past the limit of 1 MiB per string"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("const t21 = t20 + t20;"), "{}", r.stderr);
}

const SECRET: &str = "SECRET-7f3a-do-not-print";

/// A module outside the project whose source holds a secret and is not valid TypeScript (so
/// that, if it were read, its first line would be shown in a syntax error's snippet).
fn outside_module() -> String {
    format!("{SECRET}: x:0:0:root:/root:/bin/sh\nexport const title = \"{SECRET}\";\n")
}

fn importing_schema(spec: &str) -> String {
    format!(
        "import {{ schema as s }} from \"jazz-tools\";\nimport {{ title }} from \"{spec}\";\nexport const app = s.defineApp({{ todos: s.table({{ title: s.string().default(title) }}) }});\n"
    )
}

/// Runs `jazz validate` in `app` and checks JZ0112 names `shown` and nothing of the secret leaks.
fn assert_confined(app: &std::path::Path, shown: &str) {
    for format in ["text", "json"] {
        let r = run(jazz(app).args(["validate", "--color=never", "--format", format]));
        assert_eq!(r.code, 1, "{format}: {}{}", r.stdout, r.stderr);
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(all.contains("JZ0112"), "{format}: {all}");
        assert!(all.contains(shown), "{format}: names the path: {all}");
        assert!(!all.contains(SECRET), "{format}: leaked the secret: {all}");
        assert!(
            !all.contains("root:/root"),
            "{format}: leaked the file: {all}"
        );
    }
}

#[test]
fn a_parent_import_outside_the_project_is_refused_unread() {
    let tmp = project(&[
        ("outside.ts", &outside_module()),
        ("app/package.json", "{}"),
        ("app/schema.ts", &importing_schema("../outside")),
    ]);
    assert_confined(&tmp.path().join("app"), "outside.ts");
}

#[test]
fn a_deep_relative_import_of_a_system_file_is_refused_unread() {
    let tmp = project(&[(
        "schema.ts",
        &importing_schema("../../../../../../../../../../etc/passwd"),
    )]);
    let r = run(jazz(tmp.path()).args(["validate", "--color=never"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("JZ0112"), "{}", r.stderr);
    assert!(r.stderr.contains("/etc/passwd"), "{}", r.stderr);
    assert!(!r.stderr.contains("root:"), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_project_is_not_followed() {
    let tmp = project(&[
        ("elsewhere/secret.ts", &outside_module()),
        ("app/package.json", "{}"),
        ("app/schema.ts", &importing_schema("./linked/secret")),
    ]);
    std::os::unix::fs::symlink(tmp.path().join("elsewhere"), tmp.path().join("app/linked"))
        .expect("symlink");
    assert_confined(&tmp.path().join("app"), "linked/secret.ts");
}

#[cfg(unix)]
#[test]
fn a_symlink_that_stays_inside_the_project_is_followed() {
    let tmp = project(&[
        ("app/package.json", "{}"),
        ("app/shared/values.ts", "export const title = \"inside\";\n"),
        ("app/src/schema.ts", &importing_schema("./linked/values")),
    ]);
    std::os::unix::fs::symlink(
        tmp.path().join("app/shared"),
        tmp.path().join("app/src/linked"),
    )
    .expect("symlink");
    let r = run(jazz(&tmp.path().join("app/src")).args(["validate", "--color=never"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}
