//! The dependency rules of `ARCHITECTURE.md`, checked over `cargo metadata` rather than by
//! review:
//!
//! ```text
//! schema-compiler  <-  engine  <-  cli
//! schema-compiler  <-  lsp     <-  cli
//! ```
//!
//! and the serde_json feature rule: no crate in the workspace may switch on `preserve_order` or
//! `float_roundtrip`, because Cargo unifies features and the schema hash must not change when a
//! front-end happens to pull one of them in.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

const COMPILER: &str = "jazz-schema-compiler";
const ENGINE: &str = "jazz-engine";
const LSP: &str = "jazz-lsp";
const CLI: &str = "jazz-cli";
const BENCH: &str = "jazz-bench";
const ARCHITECTURE: &str = "jazz-architecture-tests";

/// serde_json features that change how numbers are parsed or keys are ordered.
const HASH_CHANGING_SERDE_JSON_FEATURES: &[&str] = &["preserve_order", "float_roundtrip"];

fn workspace_manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml")
}

fn metadata(no_deps: bool) -> Value {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(["metadata", "--format-version", "1", "--manifest-path"]);
    cmd.arg(workspace_manifest());
    if no_deps {
        cmd.arg("--no-deps");
    }
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo metadata: {e}"));
    assert!(
        out.status.success(),
        "cargo metadata failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("bad cargo metadata JSON: {e}"))
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// Workspace package name → the workspace packages it depends on (any dependency kind: a
/// dev-dependency that points the wrong way still couples the crates).
fn workspace_graph() -> BTreeMap<String, BTreeSet<String>> {
    let meta = metadata(true);
    let members: BTreeSet<&str> = meta["workspace_members"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let packages: Vec<&Value> = meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| members.contains(str_field(p, "id")))
        .collect();
    let names: BTreeSet<&str> = packages.iter().map(|p| str_field(p, "name")).collect();
    packages
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|d| str_field(d, "name"))
                .filter(|n| names.contains(n))
                .map(str::to_owned)
                .collect();
            (str_field(p, "name").to_owned(), deps)
        })
        .collect()
}

fn allowed_workspace_deps(krate: &str) -> Option<&'static [&'static str]> {
    Some(match krate {
        COMPILER => &[],
        ENGINE | LSP => &[COMPILER],
        // Benchmarks measure the front-ends too; nothing links the bench crate (see below).
        BENCH => &[COMPILER, ENGINE, LSP],
        ARCHITECTURE => &[],
        CLI => &[COMPILER, ENGINE, LSP],
        _ => return None,
    })
}

#[test]
fn workspace_crates_follow_the_dependency_direction() {
    let graph = workspace_graph();
    for needed in [COMPILER, ENGINE, LSP, CLI] {
        assert!(
            graph.contains_key(needed),
            "{needed} is missing from the workspace"
        );
    }
    let mut violations = Vec::new();
    for (krate, deps) in &graph {
        let Some(allowed) = allowed_workspace_deps(krate) else {
            violations.push(format!(
                "{krate} is a workspace crate with no rule here: add it to ARCHITECTURE.md and \
                 to allowed_workspace_deps"
            ));
            continue;
        };
        for dep in deps {
            if !allowed.contains(&dep.as_str()) {
                violations.push(format!("{krate} must not depend on {dep}"));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "dependency rules broken:\n  {}",
        violations.join("\n  ")
    );
}

#[test]
fn lsp_and_engine_never_depend_on_each_other() {
    let graph = workspace_graph();
    let deps_of = |k: &str| graph.get(k).cloned().unwrap_or_default();
    assert!(!deps_of(LSP).contains(ENGINE), "{LSP} depends on {ENGINE}");
    assert!(!deps_of(ENGINE).contains(LSP), "{ENGINE} depends on {LSP}");
}

#[test]
fn serde_json_never_gets_hash_changing_features() {
    let meta = metadata(false);
    let nodes = meta["resolve"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let packages = meta["packages"].as_array().cloned().unwrap_or_default();
    let serde_json_ids: BTreeSet<&str> = packages
        .iter()
        .filter(|p| str_field(p, "name") == "serde_json")
        .map(|p| str_field(p, "id"))
        .collect();
    let mut bad = Vec::new();
    for node in &nodes {
        let id = str_field(node, "id");
        if !serde_json_ids.contains(id) {
            continue;
        }
        for feature in node["features"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if HASH_CHANGING_SERDE_JSON_FEATURES.contains(&feature) {
                bad.push(format!("{id} has feature `{feature}`"));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "serde_json features unified into the workspace would change the schema hash:\n  {}",
        bad.join("\n  ")
    );
}

#[test]
fn binaries_benches_and_tests_are_leaves() {
    // Nothing links the binary crate, the bench corpus or these tests.
    let graph = workspace_graph();
    for (krate, deps) in &graph {
        for leaf in [CLI, BENCH, ARCHITECTURE] {
            assert!(!deps.contains(leaf), "{krate} must not depend on {leaf}");
        }
    }
}
