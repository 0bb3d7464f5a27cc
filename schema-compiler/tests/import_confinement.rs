//! Imports are confined to the project root (JZ0112): the nearest folder with `package.json` or
//! `.git` above schema.ts, else schema.ts's folder. A file outside is never read, so nothing of
//! it can reach a diagnostic. (Symlinks are covered by the CLI tests on a real disk.)

use std::path::Path;

use jazz_schema_compiler::project::analyze;
use jazz_schema_compiler::source::MemoryLoader;

const SCHEMA: &str = "import { schema as s } from \"jazz-tools\";\nimport { title } from \"../secret\";\nexport const app = s.defineApp({ todos: s.table({ title: s.string().default(title) }) });\n";

#[test]
fn an_import_above_the_root_is_an_error_and_is_not_read() {
    let loader = MemoryLoader::new()
        .with("/repo/secret.ts", "export const title = \"hunter2\";\n")
        .with("/repo/app/package.json", "{}")
        .with("/repo/app/schema.ts", SCHEMA);
    let a = analyze(
        &loader,
        Path::new("/repo/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    let codes: Vec<u16> = a.diagnostics.iter().map(|d| d.code.0).collect();
    assert_eq!(codes, vec![112], "{:#?}", a.diagnostics);
    let d = &a.diagnostics[0];
    assert_eq!(
        d.message,
        "import of `../secret` leaves the project: `/repo/secret.ts` is outside `/repo/app`"
    );
    let span = d.span().expect("at the import");
    let file = a.db.get(span.file).expect("schema.ts");
    assert_eq!(
        &file.text[span.range.start as usize..span.range.end as usize],
        "\"../secret\""
    );
    assert!(a.db.lookup(Path::new("/repo/secret.ts")).is_none(), "read");
}

#[test]
fn the_root_is_the_nearest_package_folder_so_parent_imports_inside_it_work() {
    let loader = MemoryLoader::new()
        .with("/repo/app/package.json", "{}")
        .with("/repo/app/secret.ts", "export const title = \"inside\";\n")
        .with("/repo/app/src/schema.ts", SCHEMA);
    let a = analyze(
        &loader,
        Path::new("/repo/app/src"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    assert!(a.diagnostics.is_empty(), "{:#?}", a.diagnostics);
    assert!(a.schema.is_some());
}
