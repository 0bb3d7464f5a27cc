//! The VS Code extension's manifest (`editors/vscode/package.json`): what `vsce` packages and
//! what VS Code reads to activate it and to start `jazz lsp`.

use std::path::Path;

use serde_json::Value;

fn manifest() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../editors/vscode/package.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("package.json is not JSON: {e}"))
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn activates_on_jazz_files_and_the_root_package_json() {
    let m = manifest();
    assert_eq!(
        strings(&m["activationEvents"]),
        vec![
            "workspaceContains:**/schema.ts",
            "workspaceContains:**/permissions.ts",
            "workspaceContains:**/migrations/*.ts",
            // The extension then checks that the project uses jazz-tools before it starts.
            "workspaceContains:package.json",
        ]
    );
}

#[test]
fn is_packageable_by_vsce() {
    let m = manifest();
    for field in ["name", "publisher", "version", "displayName", "description"] {
        assert!(
            m[field].as_str().is_some_and(|s| !s.is_empty()),
            "{field} missing"
        );
    }
    assert!(
        m["engines"]["vscode"]
            .as_str()
            .is_some_and(|v| v.starts_with('^'))
    );
    assert_eq!(m["main"], "./out/extension.js");
    let scripts = &m["scripts"];
    assert!(
        scripts["build"]
            .as_str()
            .is_some_and(|s| s.contains("esbuild"))
    );
    assert!(
        scripts["package"]
            .as_str()
            .is_some_and(|s| s.starts_with("vsce package"))
    );
    assert_eq!(scripts["vscode:prepublish"], "npm run build");
    assert!(m["devDependencies"]["@vscode/vsce"].is_string());
    assert!(m["dependencies"]["vscode-languageclient"].is_string());
}

#[test]
fn contributes_the_server_path_and_the_commands() {
    let m = manifest();
    let path = &m["contributes"]["configuration"]["properties"]["jazz.serverPath"];
    assert_eq!(path["type"], "string");
    // Empty: node_modules/.bin/jazz, then the bundled binary, then PATH.
    assert_eq!(path["default"], "");
    let commands: Vec<&str> = m["contributes"]["commands"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["command"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(commands, vec!["jazz.restartServer", "jazz.showOutput"]);
}
