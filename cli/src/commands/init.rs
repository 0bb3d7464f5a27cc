//! `jazz init`: add a starter `schema.ts`, `permissions.ts`, a policy test file and the
//! `migrations/` folder to an existing project folder (the cwd, or `--dir`).
//!
//! Like `prisma init` it refuses when the folder already has a schema (`schema.ts`,
//! `src/schema.ts` or `src/lib/schema.ts`, the places discovery looks), writes nothing then,
//! and exits 1. Otherwise it never overwrites a file: each file that already exists is kept and
//! reported as kept. The schema goes where the layout suggests: `src/lib/` in a SvelteKit app
//! (a `svelte.config.*` beside an existing `src/lib/`), else `src/` when that folder exists,
//! else the folder itself. permissions.ts and the test file go beside it, where discovery and
//! `permissions test` look for them; migrations go to `project::default_migrations_dir`.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use jazz_schema_compiler::project::default_migrations_dir;
use serde_json::json;

use super::{Context, Outcome};
use crate::args::InitArgs;
use crate::paths;

const SCHEMA: &str = r#"import { schema as s } from "jazz-tools";

// The tables of the app. `jazz validate` checks this file; `jazz dev` publishes it on save.
const schema = {
  todos: s.table({
    title: s.string(),
    done: s.boolean().default(false),
  }),
};

type AppSchema = s.Schema<typeof schema>;
export const app: s.App<AppSchema> = s.defineApp(schema);
export type Todo = s.RowOf<typeof app.todos>;
"#;

const PERMISSIONS: &str = r#"import { definePermissions } from "jazz-tools/permissions";
import { app } from "./schema";

// Every signed-in user may add todos, and sees and changes only the todos they created.
export default definePermissions(app, ({ policy, session }) => {
  policy.todos.allowRead.where({ $createdBy: session.user_id });
  policy.todos.allowInsert.always();
  policy.todos.allowUpdate.where({ $createdBy: session.user_id });
  policy.todos.allowDelete.where({ $createdBy: session.user_id });
});
"#;

const TESTS: &str = r#"# Policy tests: `jazz permissions test` runs every [[expect]] against permissions.ts, starting
# from the rows seeded below, without a server. The README's "Testing permissions" section
# lists what a test file may contain.
version = 1

[sessions.alice]
user_id = "alice"

[sessions.bob]
user_id = "bob"

[[seed.todos]]
id = "@milk"
title = "Buy milk"
"$createdBy" = "alice"

[[expect]]
name = "people see the todos they created"
as = "alice"
read = "todos"
rows = ["@milk"]

[[expect]]
name = "nobody sees someone else's todos"
as = "bob"
read = "todos"
rows = []

[[expect]]
name = "anyone signed in may add a todo"
as = "bob"
insert = "todos"
values = { title = "Water the plants" }
allowed = true

[[expect]]
name = "someone else's todo cannot be ticked off"
as = "bob"
update = "todos"
row = "@milk"
set = { done = true }
allowed = false
reason = "policy"
"#;

/// Where discovery looks for a schema, relative to the project root.
const SCHEMA_PLACES: [&str; 3] = ["schema.ts", "src/schema.ts", "src/lib/schema.ts"];

pub fn run(ctx: &mut Context, args: &InitArgs) -> anyhow::Result<Outcome> {
    let root = match &args.dir {
        Some(dir) => paths::resolve(&ctx.cwd, dir),
        None => ctx.cwd.clone(),
    };
    let show = |p: &Path| paths::relative(p, &ctx.cwd);
    if let Some(existing) = SCHEMA_PLACES
        .iter()
        .map(|p| root.join(p))
        .find(|p| p.exists())
    {
        ctx.out.error(&format!(
            "{} already exists; jazz init only starts a new project and changed nothing",
            show(&existing)
        ));
        ctx.out.hint(&format!(
            "run `{} validate` to check the existing project",
            ctx.cli
        ));
        return Ok(Outcome::failed(json!({ "files": [] })));
    }
    if let Err(e) = fs::create_dir_all(&root) {
        ctx.out
            .error(&format!("cannot create {}: {e}", show(&root)));
        return Ok(Outcome::failed(json!({ "files": [] })));
    }

    let schema_dir = schema_dir(&root);
    let migrations = default_migrations_dir(&root);
    let files: [(PathBuf, Option<&str>); 4] = [
        (schema_dir.join("schema.ts"), Some(SCHEMA)),
        (schema_dir.join("permissions.ts"), Some(PERMISSIONS)),
        (schema_dir.join("permissions.test.toml"), Some(TESTS)),
        (migrations, None),
    ];
    let mut report = Vec::new();
    for (path, content) in &files {
        let created = match content {
            Some(text) => create_file(path, text),
            None => create_dir(path),
        };
        let mut shown = show(path);
        if content.is_none() {
            shown.push('/');
        }
        match created {
            Ok(true) => {
                ctx.out.result(&format!("created {shown}"));
                report.push(json!({ "path": shown, "status": "created" }));
            }
            Ok(false) => {
                ctx.out
                    .result(&format!("kept    {shown} (it already exists)"));
                report.push(json!({ "path": shown, "status": "kept" }));
            }
            Err(e) => {
                ctx.out.error(&format!("cannot create {shown}: {e}"));
                return Ok(Outcome::failed(json!({ "files": report })));
            }
        }
    }
    let cli = &ctx.cli;
    ctx.out.info("");
    ctx.out.info("Next steps:");
    ctx.out
        .info(&format!("  {cli} validate            check the project"));
    ctx.out.info(&format!(
        "  {cli} permissions test    run permissions.test.toml"
    ));
    ctx.out.info(&format!(
        "  {cli} migrations create   record the first schema snapshot"
    ));
    ctx.out.info(&format!(
        "  {cli} dev                 run a dev server that publishes every save"
    ));
    Ok(Outcome::ok(json!({
        "root": root.display().to_string(),
        "files": report,
    })))
}

/// The folder schema.ts goes in (see the module comment).
fn schema_dir(root: &Path) -> PathBuf {
    let src = root.join("src");
    let svelte = ["svelte.config.js", "svelte.config.ts", "svelte.config.mjs"]
        .iter()
        .any(|f| root.join(f).is_file());
    if svelte && src.join("lib").is_dir() {
        src.join("lib")
    } else if src.is_dir() {
        src
    } else {
        root.to_path_buf()
    }
}

/// Writes a new file; `Ok(false)` when something is already there (left untouched).
fn create_file(path: &Path, text: &str) -> io::Result<bool> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(mut f) => f.write_all(text.as_bytes()).map(|()| true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}

/// Creates a folder; `Ok(false)` when it already exists.
fn create_dir(path: &Path) -> io::Result<bool> {
    match fs::create_dir(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && path.is_dir() => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_goes_where_the_layout_suggests() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path();
        assert_eq!(schema_dir(root), root);
        fs::create_dir_all(root.join("src/lib")).expect("mkdir");
        assert_eq!(schema_dir(root), root.join("src"));
        fs::write(root.join("svelte.config.js"), "").expect("write");
        assert_eq!(schema_dir(root), root.join("src/lib"));
    }

    #[test]
    fn existing_files_are_kept() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let file = tmp.path().join("a/b.ts");
        assert!(matches!(create_file(&file, "one"), Ok(true)));
        assert!(matches!(create_file(&file, "two"), Ok(false)));
        assert_eq!(fs::read_to_string(&file).expect("read"), "one");
        assert!(matches!(create_dir(tmp.path()), Ok(false)));
    }
}
