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
