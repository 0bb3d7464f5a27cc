//! The evaluation budget (JZ0111) in the permissions interpreter: values that double on every
//! line stop at the limit with a diagnostic on the expression that crossed it, instead of
//! growing until memory runs out. The schema evaluator's cases are fixtures in
//! `fixtures/eval/err/budget-*.ts`.

use std::path::Path;

use jazz_schema_compiler::diagnostics::Diagnostic;
use jazz_schema_compiler::project::analyze;
use jazz_schema_compiler::source::MemoryLoader;

const SCHEMA: &str = r#"import { schema as s } from "jazz-tools";
export const app = s.defineApp({
  docs: s.table({ title: s.string(), tags: s.array(s.string()) }),
});"#;

/// Analyses a project whose schema.ts is `module` + SCHEMA's app and whose permissions factory
/// runs `body`.
fn analyze_perms(module: &str, body: &str) -> (Vec<Diagnostic>, String) {
    let perms = format!(
        "import {{ schema as s }} from \"jazz-tools\";\nimport {{ app }} from \"./schema\";\n{module}\nexport default s.definePermissions(app, ({{ policy }}) => {{\n{body}\n}});\n"
    );
    let loader = MemoryLoader::new()
        .with("/app/schema.ts", SCHEMA)
        .with("/app/permissions.ts", perms.clone());
    let a = analyze(
        &loader,
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    (a.diagnostics, perms)
}

/// The one JZ0111 and the source text under its span.
fn budget_error(diags: &[Diagnostic], src: &str) -> (String, String) {
    let hits: Vec<&Diagnostic> = diags.iter().filter(|d| d.code.0 == 111).collect();
    assert_eq!(hits.len(), 1, "exactly one JZ0111: {diags:#?}");
    let d = hits[0];
    let span = d.span().expect("JZ0111 has a span");
    let at = src
        .get(span.range.start as usize..span.range.end as usize)
        .expect("span inside permissions.ts")
        .to_owned();
    (d.message.clone(), at)
}

fn doubling(init: &str, step: impl Fn(usize) -> String) -> String {
    let mut body = format!("  const v0 = {init};\n");
    for i in 1..=64 {
        body.push_str(&format!("  const v{i} = {};\n", step(i - 1)));
    }
    body.push_str("  policy.docs.allowRead.where({ title: v64 });\n");
    body
}

#[test]
fn string_doubling_in_the_factory_stops_at_the_string_limit() {
    let body = doubling("\"x\"", |p| format!("v{p} + v{p}"));
    let (d, src) = analyze_perms("", &body);
    let (msg, at) = budget_error(&d, &src);
    assert_eq!(at, "v20 + v20", "the first concatenation past 1 MiB");
    assert!(msg.contains("limit of 1 MiB per string"), "{msg}");
}

#[test]
fn template_doubling_in_the_factory_stops_at_the_string_limit() {
    let body = doubling("\"x\"", |p| format!("`${{v{p}}}${{v{p}}}`"));
    let (d, src) = analyze_perms("", &body);
    let (msg, at) = budget_error(&d, &src);
    assert_eq!(at, "`${v20}${v20}`");
    assert!(msg.contains("limit of 1 MiB per string"), "{msg}");
}

#[test]
fn array_spread_doubling_in_the_factory_stops_at_the_array_limit() {
    let body = doubling("[\"x\"]", |p| format!("[...v{p}, ...v{p}]"));
    let (d, src) = analyze_perms("", &body);
    let (msg, at) = budget_error(&d, &src);
    // 2^17 = 131072 elements is the first array over 100,000.
    assert_eq!(at, "[...v16, ...v16]");
    assert!(msg.contains("limit of 100000 elements per array"), "{msg}");
}

#[test]
fn shared_nested_module_arrays_do_not_expand_without_limit() {
    // Cheap in the schema evaluator (each array holds two references), exponential once the
    // interpreter copies the value.
    let mut module = String::from("const n0 = [\"x\"];\n");
    for i in 1..=64 {
        module.push_str(&format!("const n{i} = [n{p}, n{p}];\n", p = i - 1));
    }
    let (d, src) = analyze_perms(
        &module,
        "  policy.docs.allowRead.where({ tags: { contains: n64 } });",
    );
    let (msg, at) = budget_error(&d, &src);
    assert_eq!(at, "n64");
    assert!(
        msg.contains("limit of 64 MiB of strings and arrays in total"),
        "{msg}"
    );
}

#[test]
fn helpers_that_call_each_other_twice_stop_at_the_step_limit() {
    // 2^40 calls: each helper calls the previous one twice.
    let mut body = String::from("  const f0 = () => ({ title: \"x\" });\n");
    for i in 1..=40 {
        body.push_str(&format!(
            "  const f{i} = () => anyOf([f{p}(), f{p}()]);\n",
            p = i - 1
        ));
    }
    body.push_str("  policy.docs.allowRead.where(f40());\n");
    let perms = format!(
        "import {{ schema as s }} from \"jazz-tools\";\nimport {{ app }} from \"./schema\";\nexport default s.definePermissions(app, ({{ policy, anyOf }}) => {{\n{body}\n}});\n"
    );
    let loader = MemoryLoader::new()
        .with("/app/schema.ts", SCHEMA)
        .with("/app/permissions.ts", perms.clone());
    let a = analyze(
        &loader,
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    let (msg, _) = budget_error(&a.diagnostics, &perms);
    assert!(
        msg.contains("the permissions callback goes past the limit of 200000 steps"),
        "{msg}"
    );
}

/// The budget charges the work object building really does: a schema written as one big
/// literal, or spread together from big parts, is never mistaken for a runaway. Keys go through
/// a hash index, so 25,000 tables cost about 25,000 comparisons, not 25,000² / 2 (which passed
/// the 200,000,000 limit and made `jazz validate` refuse large schemas with JZ0111).
#[test]
fn large_literal_and_spread_schemas_stay_within_the_budget() {
    let table = |i: usize| format!("t{i}:s.table({{a:s.string(),b:s.int()}}),\n");
    let part = |from: usize, to: usize| (from..to).map(table).collect::<String>();
    let literal = format!(
        "import {{ schema as s }} from \"jazz-tools\";\nconst schema = {{\n{}}};\nexport const app = s.defineApp(schema);\n",
        part(0, 25_000)
    );
    let spread = format!(
        "import {{ schema as s }} from \"jazz-tools\";\nconst a = {{\n{}}};\nconst b = {{\n{}}};\nexport const app = s.defineApp({{ ...a, ...b }});\n",
        part(0, 12_500),
        part(12_500, 25_000)
    );
    for text in [literal, spread] {
        let loader = MemoryLoader::new().with("/app/schema.ts", text);
        let a = analyze(
            &loader,
            Path::new("/app"),
            &jazz_schema_compiler::project::AnalyzeOptions::default(),
        );
        let codes: Vec<u16> = a.diagnostics.iter().map(|d| d.code.0).collect();
        assert!(codes.is_empty(), "{codes:?}");
        assert_eq!(a.schema.map(|s| s.tables.len()), Some(25_000));
    }
}
