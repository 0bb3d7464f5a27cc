//! `project::Incremental` against a fresh analysis: over seeded random edit sequences to
//! schema.ts, a file it imports, permissions.ts, a migration file, a committed snapshot, an
//! installed package.json and the files import resolution looks at (edits that introduce and
//! fix errors included), the analysis that reused its schema phase and one made from scratch must agree exactly:
//! the files read with their ids, every diagnostic with its spans, the WasmSchema bytes and
//! hash, the policy JSON and the names the editor queries use.

use std::path::Path;

use jazz_schema_compiler::migrations::codes::SCHEMA_CHANGED;
use jazz_schema_compiler::policy::json::to_compact;
use jazz_schema_compiler::project::{Analysis, AnalyzeOptions, Incremental, analyze};
use jazz_schema_compiler::schema::{schema_hash, wasm_json::to_compact_json};
use jazz_schema_compiler::source::MemoryLoader;

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

const SCHEMA: &[&str] = &[
    // Good, importing the shared columns.
    "import { schema as s } from \"jazz-tools\";\nimport { shared } from \"./columns\";\nconst schema = {\n  todos: s.table({ title: s.string(), done: s.boolean(), ...shared }),\n  projects: s.table({ name: s.string() }),\n};\nexport const app = s.defineApp(schema);\n",
    // Good, one more table and a ref.
    "import { schema as s } from \"jazz-tools\";\nimport { shared } from \"./columns\";\nconst schema = {\n  todos: s.table({ title: s.string(), done: s.boolean(), project: s.ref(\"projects\"), ...shared }),\n  projects: s.table({ name: s.string(), ...shared }),\n  tags: s.table({ label: s.string() }),\n};\nexport const app = s.defineApp(schema);\n",
    // A syntax error.
    "import { schema as s } from \"jazz-tools\";\nimport { shared } from \"./columns\";\nconst schema = {\n  todos: s.table({ title: s.string(, done: s.boolean() }),\n};\nexport const app = s.defineApp(schema);\n",
    // An unknown column type.
    "import { schema as s } from \"jazz-tools\";\nimport { shared } from \"./columns\";\nconst schema = {\n  todos: s.table({ title: s.strin(), done: s.boolean(), ...shared }),\n  projects: s.table({ name: s.string() }),\n};\nexport const app = s.defineApp(schema);\n",
    // Imports through a folder (`./lib` is lib.ts or lib/index.ts).
    "import { schema as s } from \"jazz-tools\";\nimport { shared } from \"./lib\";\nconst schema = {\n  todos: s.table({ title: s.string(), done: s.boolean(), ...shared }),\n  projects: s.table({ name: s.string() }),\n};\nexport const app = s.defineApp(schema);\n",
    // A zod-typed json column (its hash depends on the installed zod).
    "import { schema as s } from \"jazz-tools\";\nimport { z } from \"zod\";\nimport { shared } from \"./columns\";\nconst schema = {\n  todos: s.table({ title: s.string(), done: s.boolean(), meta: s.json(z.object({ n: z.number() })), ...shared }),\n  projects: s.table({ name: s.string() }),\n};\nexport const app = s.defineApp(schema);\n",
    // Edits inside one table of the first (parsed again table by table,
    // `syntax::ParseCache`): a column's type, a column added, a table added between two.
    "import { schema as s } from \"jazz-tools\";\nimport { shared } from \"./columns\";\nconst schema = {\n  todos: s.table({ title: s.string(), done: s.int(), ...shared }),\n  projects: s.table({ name: s.string() }),\n};\nexport const app = s.defineApp(schema);\n",
    "import { schema as s } from \"jazz-tools\";\nimport { shared } from \"./columns\";\nconst schema = {\n  todos: s.table({ title: s.string(), done: s.boolean(), due: s.timestamp().optional(), ...shared }),\n  projects: s.table({ name: s.string() }),\n};\nexport const app = s.defineApp(schema);\n",
    "import { schema as s } from \"jazz-tools\";\nimport { shared } from \"./columns\";\nconst schema = {\n  todos: s.table({ title: s.string(), done: s.boolean(), ...shared }),\n  labels: s.table({ text: s.string(), todo: s.ref(\"todos\") }),\n  projects: s.table({ name: s.string() }),\n};\nexport const app = s.defineApp(schema);\n",
    // The app exported under another name only.
    "import { schema as s } from \"jazz-tools\";\nimport { shared } from \"./columns\";\nconst schema = {\n  todos: s.table({ title: s.string(), done: s.boolean(), ...shared }),\n  projects: s.table({ name: s.string() }),\n};\nexport const other = s.defineApp(schema);\n",
];

const COLUMNS: &[Option<&str>] = &[
    Some(
        "import { schema as s } from \"jazz-tools\";\nexport const shared = { owner: s.string() };\n",
    ),
    Some(
        "import { schema as s } from \"jazz-tools\";\nexport const shared = { owner: s.string(), rank: s.int().optional() };\n",
    ),
    Some(
        "import { schema as s } from \"jazz-tools\";\nexport const shared = { owner: s.string( };\n",
    ),
    Some(
        "import { schema as s } from \"jazz-tools\";\nexport const other = { owner: s.string() };\n",
    ),
    Some(
        "import { schema as s } from \"jazz-tools\";\nconst col = s.string();\nexport const shared = { owner: col };\n",
    ),
    None,
];

const LIB: &[Option<&str>] = &[
    None,
    Some(
        "import { schema as s } from \"jazz-tools\";\nexport const shared = { fromFile: s.string() };\n",
    ),
];

const LIB_INDEX: &[Option<&str>] = &[
    None,
    Some(
        "import { schema as s } from \"jazz-tools\";\nexport const shared = { fromIndex: s.int() };\n",
    ),
];

const PERMISSIONS: &[Option<&str>] = &[
    Some(
        "import { definePermissions } from \"jazz-tools/permissions\";\nimport { app } from \"./schema\";\nexport default definePermissions(app, ({ policy, session }) => {\n  policy.todos.allowRead.where({ owner: session.user_id });\n  policy.todos.allowInsert.where({ owner: session.user_id });\n  policy.todos.allowUpdate.where({ owner: session.user_id });\n  policy.todos.allowDelete.where({ owner: session.user_id });\n  policy.projects.allowRead.always();\n});\n",
    ),
    // Names a table that does not exist, and reads process.env.
    Some(
        "import { definePermissions } from \"jazz-tools/permissions\";\nimport { app } from \"./schema\";\nconst ADMIN = process.env.ADMIN_ID;\nexport default definePermissions(app, ({ policy, session }) => {\n  policy.todoz.allowRead.always();\n  policy.todos.allowRead.where({ owner: ADMIN });\n});\n",
    ),
    // A syntax error.
    Some(
        "import { definePermissions } from \"jazz-tools/permissions\";\nimport { app } from \"./schema\";\nexport default definePermissions(app, ({ policy }) => {\n  policy.todos.allowRead.where({ title: \"x\" );\n});\n",
    ),
    // No export.
    Some(
        "import { definePermissions } from \"jazz-tools/permissions\";\nimport { app } from \"./schema\";\nconst p = definePermissions(app, ({ policy }) => {\n  policy.todos.allowRead.always();\n});\n",
    ),
    // Builds its own values in place at module level (the kept phase must survive this).
    Some(
        "import { definePermissions } from \"jazz-tools/permissions\";\nimport { app } from \"./schema\";\nconst owners = [];\nowners.push(\"a\");\nexport default definePermissions(app, ({ policy, session }) => {\n  policy.todos.allowRead.where({ owner: owners[0] });\n  policy.projects.allowRead.where({ name: session.user_id });\n});\n",
    ),
    // Imports the shared columns too, and changes a builder after the app was built.
    Some(
        "import { definePermissions } from \"jazz-tools/permissions\";\nimport { app } from \"./schema\";\nimport { shared } from \"./columns\";\nshared.owner.optional();\nexport default definePermissions(app, ({ policy }) => {\n  policy.todos.allowRead.always();\n});\n",
    ),
    None,
];

const MIGRATION: &[Option<&str>] = &[
    None,
    Some(
        "import { schema as s } from \"jazz-tools\";\nexport default s.defineMigration({\n  fromHash: \"aaaaaaaaaaaa\", toHash: \"bbbbbbbbbbbb\",\n  migrate: { todos: { owner: s.add.string({ default: \"\" }) } },\n  from: { todos: s.table({ title: s.string() }) },\n  to: { todos: s.table({ title: s.string(), owner: s.string() }) },\n});\n",
    ),
    Some(
        "import { schema as s } from \"jazz-tools\";\nexport default s.defineMigration({\n  fromHash: \"aaaaaaaaaaaa\", toHash: \"bbbbbbbbbbbb\",\n  from: { todos: s.table({ title: s.string() }) },\n  to: { todos: s.table({ title: s.string( }) },\n});\n",
    ),
];

const JAZZ_TOOLS: &[Option<&str>] = &[
    None,
    Some("{ \"name\": \"jazz-tools\", \"version\": \"2.0.0-alpha.50\" }"),
    Some("{ \"name\": \"jazz-tools\", \"version\": \"2.0.0-alpha.53\" }"),
];

const ZOD: &[Option<&str>] = &[
    None,
    Some("{ \"name\": \"zod\", \"version\": \"4.3.6\" }"),
    Some("{ \"name\": \"zod\", \"version\": \"4.5.0\" }"),
];

/// A committed snapshot: the schema changed since, so JZ3504 is reported while no migration
/// file names the edge.
const SNAPSHOT: &[Option<&str>] = &[
    None,
    Some(
        "{\"todos\":{\"columns\":[{\"name\":\"title\",\"column_type\":{\"type\":\"Text\"},\"nullable\":false}]}}",
    ),
    Some("not a schema"),
];

/// The files of the project and the variants each can take (`None`: absent).
fn files() -> Vec<(&'static str, Vec<Option<&'static str>>)> {
    vec![
        ("/app/schema.ts", SCHEMA.iter().copied().map(Some).collect()),
        ("/app/columns.ts", COLUMNS.to_vec()),
        ("/app/lib.ts", LIB.to_vec()),
        ("/app/lib/index.ts", LIB_INDEX.to_vec()),
        ("/app/permissions.ts", PERMISSIONS.to_vec()),
        (
            "/app/migrations/20260101000000-add-owner-aaaaaaaaaaaa-bbbbbbbbbbbb.ts",
            MIGRATION.to_vec(),
        ),
        (
            "/app/node_modules/jazz-tools/package.json",
            JAZZ_TOOLS.to_vec(),
        ),
        ("/app/node_modules/zod/package.json", ZOD.to_vec()),
        (
            "/app/migrations/snapshots/20260101T000000-aaaaaaaaaaaa.json",
            SNAPSHOT.to_vec(),
        ),
    ]
}

fn loader(state: &[usize]) -> MemoryLoader {
    let mut loader = MemoryLoader::new();
    for ((path, variants), &i) in files().iter().zip(state) {
        if let Some(text) = variants[i] {
            loader.insert(*path, text);
        }
    }
    loader
}

/// Everything compared, as text.
fn facts(a: &Analysis) -> String {
    let mut out = String::new();
    for (id, f) in a.db.iter() {
        out.push_str(&format!(
            "file {id:?} {} {}\n",
            f.path.display(),
            f.text.len()
        ));
    }
    for d in &a.diagnostics {
        out.push_str(&format!("{d:?}\n"));
    }
    if let Some(schema) = &a.schema {
        out.push_str(&to_compact_json(schema));
        out.push_str(&format!("\nhash {}\n", schema_hash(schema).to_hex()));
    }
    if let Some(p) = &a.permissions {
        if let Some(policy) = &p.policy {
            out.push_str(&to_compact(policy));
        }
        out.push_str(&format!("\nspan {:?}\nuses {:?}\n", p.span, p.uses));
    }
    let s = &a.symbols;
    out.push_str(&format!(
        "tables {:?}\ncolumns {:?}\nrefs {:?}\napps {:?}\n",
        s.tables, s.columns, s.refs, s.apps
    ));
    out.push_str(&format!("migrations {:?}\n", a.migrations));
    out.push_str(&format!(
        "files {:?} {:?} errors {}\n",
        a.schema_file,
        a.permissions_file,
        a.valid_schema_ignoring_migrations().is_some()
    ));
    out
}

/// Runs `steps` random edits from `seed`; returns how many analyses reused the schema phase,
/// how many reported JZ3504 (the schema changed since the snapshot), and how many files the
/// schema phases parsed again in part.
fn run(seed: u64, steps: usize) -> (usize, usize, u32) {
    let env = |name: &str| (name == "ADMIN_ID").then(|| "admin".to_owned());
    let options = AnalyzeOptions::default()
        .with_env(&env)
        .with_migrations(None);
    let files = files();
    let mut rng = Rng(seed);
    let mut state = vec![0usize; files.len()];
    let mut incremental = Incremental::new();
    let mut reused = 0;
    let mut changed = 0;
    for step in 0..steps {
        // Mostly permissions.ts and the migration, as in an editor; the rest now and then.
        let which = match rng.below(10) {
            0..=3 => 4,
            4..=5 => 5,
            6 => 0,
            7 => 1,
            _ => [2, 3, 6, 7, 8][rng.below(5)],
        };
        state[which] = rng.below(files[which].1.len());
        let loader = loader(&state);
        let kept = incremental.analyze(&loader, Path::new("/app"), &options);
        reused += usize::from(incremental.reused_schema());
        let fresh = analyze(&loader, Path::new("/app"), &options);
        assert_eq!(
            facts(&kept),
            facts(&fresh),
            "seed {seed}, step {step}, files {state:?}"
        );
        changed += usize::from(kept.diagnostics.iter().any(|d| d.code == SCHEMA_CHANGED));
    }
    (reused, changed, incremental.parse_stats().reparsed)
}

#[test]
fn incremental_analysis_agrees_with_a_fresh_one() {
    let (mut reused, mut changed, mut reparsed) = (0, 0, 0);
    for seed in [0x9e37_79b9_7f4a_7c15, 42, 7] {
        let (r, c, p) = run(seed, 150);
        reused += r;
        changed += c;
        reparsed += p;
    }
    // The comparison means something only if the kept phase was really used, the snapshot
    // was really read, and schema.ts was really parsed again in part.
    assert!(reused > 100, "the schema phase was reused {reused} times");
    assert!(changed > 10, "JZ3504 was reported {changed} times");
    assert!(
        reparsed > 3,
        "schema.ts was parsed again in part {reparsed} times"
    );
}

#[test]
fn an_edit_to_an_imported_file_is_not_missed() {
    let options = AnalyzeOptions::default();
    let mut state = vec![0usize; files().len()];
    let mut incremental = Incremental::new();
    let before = incremental.analyze(&loader(&state), Path::new("/app"), &options);
    assert!(!before.has_errors(), "{:?}", before.diagnostics);
    // columns.ts now has a syntax error: schema.ts itself is unchanged.
    state[1] = 2;
    let after = incremental.analyze(&loader(&state), Path::new("/app"), &options);
    assert!(!incremental.reused_schema());
    assert!(after.has_errors());
    // Only permissions.ts changes: the schema phase is reused.
    state[1] = 0;
    let _ = incremental.analyze(&loader(&state), Path::new("/app"), &options);
    state[4] = 1;
    let again = incremental.analyze(&loader(&state), Path::new("/app"), &options);
    assert!(incremental.reused_schema());
    assert_eq!(
        facts(&again),
        facts(&analyze(&loader(&state), Path::new("/app"), &options))
    );
}

#[test]
fn a_file_appearing_where_an_import_resolves_is_not_missed() {
    let options = AnalyzeOptions::default();
    // schema.ts imports `./lib`, which is lib/index.ts...
    let mut state = vec![0usize; files().len()];
    state[0] = 4;
    state[3] = 1;
    let mut incremental = Incremental::new();
    let _ = incremental.analyze(&loader(&state), Path::new("/app"), &options);
    // ...until lib.ts appears: no text the schema phase read changed, but the import now
    // resolves elsewhere.
    state[2] = 1;
    let after = incremental.analyze(&loader(&state), Path::new("/app"), &options);
    assert!(!incremental.reused_schema());
    assert_eq!(
        facts(&after),
        facts(&analyze(&loader(&state), Path::new("/app"), &options))
    );
}
