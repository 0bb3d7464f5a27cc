//! Workspace tests on real temporary directories: project roots, overlays over disk,
//! whole-project diagnostics and the clearing of stale ones.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::*;

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("jazz-lsp-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::create_dir_all(&dir);
        Self(dir)
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.0.join(rel);
        if let Some(parent) = p.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(&p, text);
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const GOOD: &str = "import { schema as s } from \"jazz-tools\";\nimport { base } from \"./base\";\nexport const app = s.defineApp({ a: s.table({ ...base, r: s.ref(\"a\") }) });\n";

fn codes(files: &[FileDiagnostics], path: &Path) -> Vec<String> {
    files
        .iter()
        .filter(|f| f.path == path)
        .flat_map(|f| f.diagnostics.iter())
        .filter_map(|d| match &d.code {
            Some(tower_lsp_server::ls_types::NumberOrString::String(s)) => Some(s.clone()),
            _ => None,
        })
        // Permissions (JZ2xxx) and migrations (JZ3xxx) findings vary with those phases.
        .filter(|c| c.starts_with("JZ0") || c.starts_with("JZ1"))
        .collect()
}

#[test]
fn project_roots_follow_discovery() {
    let t = TempDir::new("roots");
    let svelte = t.write("app/src/lib/schema.ts", GOOD);
    t.write("app/src/lib/base.ts", "");
    let migration = t.write("flat/migrations/20240101-a.ts", "");
    t.write("flat/schema.ts", GOOD);
    let ws = Workspace::new(vec![t.0.clone()]);
    assert_eq!(ws.project_root(&svelte), Some(t.0.join("app")));
    assert_eq!(ws.project_root(&migration), Some(t.0.join("flat")));
    assert_eq!(ws.project_root(&t.0.join("elsewhere/x.ts")), None);
}

#[test]
fn an_edit_to_an_import_rechecks_the_schema_and_clears_stale_diagnostics() {
    let t = TempDir::new("stale");
    let schema = t.write("schema.ts", GOOD);
    let base = t.write(
        "base.ts",
        "import { schema as s } from \"jazz-tools\";\nexport const base = { n: s.string() };\n",
    );
    let mut ws = Workspace::new(vec![t.0.clone()]);
    ws.set_text(schema.clone(), Arc::from(GOOD));
    let root = t.0.clone();
    let clean = ws.diagnostics(&root);
    assert!(clean.iter().any(|f| f.path == schema), "{clean:?}");
    assert!(codes(&clean, &schema).is_empty(), "{clean:?}");
    assert!(codes(&clean, &base).is_empty(), "{clean:?}");

    // Breaking the imported file (unsaved) reports in that file.
    ws.set_text(
        base.clone(),
        Arc::from("import { schema as s } from \"jazz-tools\";\nexport const base = { $n: s.string() };\n"),
    );
    let first = ws.diagnostics(&root);
    assert_eq!(codes(&first, &base), vec!["JZ1010".to_owned()]);

    // Closing the buffer restores the disk version: base.ts is published empty.
    ws.close(&base);
    let second = ws.diagnostics(&root);
    assert!(
        second
            .iter()
            .any(|f| f.path == base && f.diagnostics.is_empty()),
        "{second:?}"
    );

    // A file the project stops importing is cleared once, then no longer published.
    let lone = "import { schema as s } from \"jazz-tools\";\nexport const app = s.defineApp({ a: s.table({ n: s.string() }) });\n";
    ws.set_text(schema.clone(), Arc::from(lone));
    let third = ws.diagnostics(&root);
    assert!(
        third
            .iter()
            .any(|f| f.path == base && f.diagnostics.is_empty())
    );
    ws.disk_changed();
    assert!(ws.diagnostics(&root).iter().all(|f| f.path != base));
}

#[test]
fn cyclic_imports_and_huge_files_are_diagnostics() {
    let t = TempDir::new("cycle");
    let schema = t.write(
        "schema.ts",
        "import { schema as s } from \"jazz-tools\";\nimport { x } from \"./a\";\nexport const app = s.defineApp({ t: s.table({ n: s.string() }) });\n",
    );
    t.write("a.ts", "import { y } from \"./b\";\nexport const x = 1;\n");
    let b = t.write("b.ts", "import { x } from \"./a\";\nexport const y = 2;\n");
    let mut ws = Workspace::new(vec![t.0.clone()]);
    ws.set_text(
        schema.clone(),
        Arc::from(std::fs::read_to_string(&schema).unwrap_or_default()),
    );
    let files = ws.diagnostics(&t.0);
    assert_eq!(codes(&files, &b), vec!["JZ0107".to_owned()]);

    let mut big = String::from("import { schema as s } from \"jazz-tools\";\n");
    while big.len() < 10 * 1024 * 1024 {
        big.push_str("// padding padding padding padding padding padding padding padding\n");
    }
    ws.set_text(schema.clone(), Arc::from(big));
    let files = ws.diagnostics(&t.0);
    assert_eq!(codes(&files, &schema), vec!["JZ0003".to_owned()]);
}

#[test]
fn typing_a_corpus_schema_char_by_char_never_floods_diagnostics() {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/projects-tasks/schema.ts");
    let full = std::fs::read_to_string(&fixture).unwrap_or_default();
    assert!(!full.is_empty());
    let t = TempDir::new("typing");
    let schema = t.write("schema.ts", "");
    let mut ws = Workspace::new(vec![t.0.clone()]);
    let mut most = 0;
    for (end, _) in full.char_indices().step_by(3) {
        ws.set_text(schema.clone(), Arc::from(&full[..end]));
        let n = ws
            .diagnostics(&t.0)
            .iter()
            .filter(|f| f.path == schema)
            .map(|f| f.diagnostics.len())
            .sum::<usize>();
        most = most.max(n);
    }
    // A half-typed file is one syntax error, sometimes with an evaluation finding.
    assert!(
        most <= 3,
        "up to {most} diagnostics for a half-typed schema.ts"
    );
}

#[test]
fn a_schema_that_does_not_name_jazz_tools_is_published_empty() {
    let t = TempDir::new("drizzle");
    let drizzle = "import { pgTable, text } from \"drizzle-orm/pg-core\";\nexport const users = pgTable(\"users\", { name: text(\"name\") });\n";
    let schema = t.write("schema.ts", drizzle);
    let mut ws = Workspace::new(vec![t.0.clone()]);
    ws.set_text(schema.clone(), Arc::from(drizzle));
    let files = ws.diagnostics(&t.0);
    assert!(files.iter().any(|f| f.path == schema), "{files:?}");
    assert!(files.iter().all(|f| f.diagnostics.is_empty()), "{files:?}");

    // The same file importing jazz-tools (even as a type-only import) is a Jazz schema again:
    // its missing app export is reported.
    let jazz = format!("import type {{ schema }} from 'jazz-tools';\n{drizzle}");
    ws.set_text(schema.clone(), Arc::from(jazz));
    let files = ws.diagnostics(&t.0);
    assert_eq!(codes(&files, &schema), vec!["JZ1003".to_owned()]);

    // A schema.ts that only re-exports a file importing jazz-tools is a Jazz schema too.
    let tables = t.write(
        "tables.ts",
        "import { schema as s } from \"jazz-tools\";\nexport const app = s.defineApp({ a: s.table({ $n: s.string() }) });\n",
    );
    ws.set_text(
        schema.clone(),
        Arc::from("export { app } from \"./tables\";\n"),
    );
    let files = ws.diagnostics(&t.0);
    assert_eq!(codes(&files, &tables), vec!["JZ1010".to_owned()]);
}

#[test]
fn answers_from_the_last_good_analysis_while_a_file_has_errors() {
    use tower_lsp_server::ls_types::{HoverContents, Position};
    let t = TempDir::new("recall");
    let text = "import { schema as s } from \"jazz-tools\";\nexport const app = s.defineApp({\n  a: s.table({ x: s.string() }),\n  b: s.table({ y: s.int(), r: s.ref(\"a\") }),\n});\n";
    let schema = t.write("schema.ts", text);
    let perms = t.write(
        "permissions.ts",
        "import { definePermissions } from \"jazz-tools/permissions\";\nimport { app } from \"./schema.ts\";\nexport default definePermissions(app, ({ policy }) => {\n  policy.b.allowRead.always();\n});\n",
    );
    let mut ws = Workspace::new(vec![t.0.clone()]);
    ws.set_text(schema.clone(), Arc::from(text));
    assert!(!ws.analysis(&t.0).has_errors());
    // An unknown column type in table `a`; `b`'s line (line 3) is untouched.
    let broken = text.replace("x: s.string()", "x: s.strin()");
    ws.set_text(schema.clone(), Arc::from(broken.as_str()));
    let Some((now, good)) = ws.recall_for(&schema) else {
        panic!("no project")
    };
    assert!(now.has_errors());
    assert!(good.is_some());
    let y = Position::new(3, 15);
    let hover = crate::features::hover(&now, good.as_deref(), &schema, y);
    let Some(HoverContents::Markup(m)) = hover.map(|h| h.contents) else {
        panic!("no hover on b.y")
    };
    assert_eq!(m.value, "```\nb.y: int, not null\n```\n");
    // Without it (as before), nothing.
    assert!(crate::features::hover(&now, None, &schema, y).is_none());
    // Definition of `b` from permissions.ts: the key on line 3 of schema.ts.
    let Some((now, good)) = ws.recall_for(&perms) else {
        panic!("no project")
    };
    let def = crate::features::definition(&now, good.as_deref(), &perms, Position::new(3, 10));
    assert_eq!(
        def.map(|l| (l.uri.path().to_string(), l.range.start)),
        Some((schema.to_string_lossy().into_owned(), Position::new(3, 2)))
    );
    assert!(crate::features::definition(&now, None, &perms, Position::new(3, 10)).is_none());
}

#[test]
fn process_env_reads_see_the_project_env_file() {
    let t = TempDir::new("envfile");
    t.write(
        "schema.ts",
        "import { schema as s } from \"jazz-tools\";\nexport const app = s.defineApp({ chats: s.table({ name: s.string() }) });\n",
    );
    let perms = t.write(
        "permissions.ts",
        "import { schema as s } from \"jazz-tools\";\nimport { app } from \"./schema\";\nexport default s.definePermissions(app, ({ policy }) => {\n  policy.chats.allowRead.where({ name: process.env.JAZZ_LSP_TEST_CHAT });\n  policy.chats.allowInsert.never();\n  policy.chats.allowUpdate.never();\n  policy.chats.allowDelete.never();\n});\n",
    );
    let all_codes = |files: &[FileDiagnostics]| -> Vec<String> {
        files
            .iter()
            .filter(|f| f.path == perms)
            .flat_map(|f| f.diagnostics.iter())
            .filter_map(|d| match &d.code {
                Some(tower_lsp_server::ls_types::NumberOrString::String(s)) => Some(s.clone()),
                _ => None,
            })
            .collect()
    };
    let mut ws = Workspace::new(vec![t.0.clone()]);
    let root = t.0.clone();
    // Unset: the same error `jazz validate` gives.
    assert!(all_codes(&ws.diagnostics(&root)).contains(&"JZ2350".to_owned()));
    // Set in the project's .env (an unsaved buffer counts): resolved, as the CLI resolves it.
    ws.set_text(t.0.join(".env"), Arc::from("JAZZ_LSP_TEST_CHAT=general\n"));
    let codes = all_codes(&ws.diagnostics(&root));
    assert!(!codes.contains(&"JZ2350".to_owned()), "{codes:?}");
}

#[test]
fn edits_to_permissions_alone_are_analysed_like_a_fresh_project() {
    let t = TempDir::new("perms-only");
    let schema = t.write("schema.ts", GOOD);
    t.write(
        "base.ts",
        "import { schema as s } from \"jazz-tools\";\nexport const base = { n: s.string() };\n",
    );
    let good = "import { definePermissions } from \"jazz-tools/permissions\";\nimport { app } from \"./schema\";\nexport default definePermissions(app, ({ policy }) => {\n  policy.a.allowRead.always();\n  policy.a.allowInsert.always();\n  policy.a.allowUpdate.always();\n  policy.a.allowDelete.always();\n});\n";
    let bad = good.replace("policy.a.allowRead", "policy.b.allowRead");
    let perms = t.write("permissions.ts", good);
    let mut ws = Workspace::new(vec![t.0.clone()]);
    ws.set_text(schema, Arc::from(GOOD));
    for (i, text) in [good, &bad, good, &bad].into_iter().enumerate() {
        ws.set_text(perms.clone(), Arc::from(text));
        let kept = ws.analysis(&t.0);
        let _ = std::fs::write(&perms, text);
        let fresh = jazz_schema_compiler::project::analyze(
            &OverlayLoader::default(),
            &t.0,
            &jazz_schema_compiler::project::AnalyzeOptions::default().with_migrations(None),
        );
        assert_eq!(
            format!("{:?}", kept.diagnostics),
            format!("{:?}", fresh.diagnostics),
            "edit {i}"
        );
        assert_eq!(
            kept.has_errors(),
            i % 2 == 1,
            "edit {i}: {:?}",
            kept.diagnostics
        );
    }
}
