//! Every did-you-mean comes with its quick fix: over the error fixtures (evaluation, policy,
//! error apps) and one case per place that suggests a name, each diagnostic whose help says
//! "did you mean" has a fix whose text is in the help, and applying the fix makes that
//! diagnostic go away.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use jazz_schema_compiler::diagnostics::{Diagnostic, Fix};
use jazz_schema_compiler::project::{Analysis, analyze};
use jazz_schema_compiler::source::MemoryLoader;

type Files = BTreeMap<PathBuf, String>;

fn analyse(files: &Files) -> Analysis {
    let mut loader = MemoryLoader::new();
    for (p, t) in files {
        loader = loader.with(p.clone(), t.clone());
    }
    analyze(
        &loader,
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    )
}

fn suggests(d: &Diagnostic) -> bool {
    d.help
        .as_deref()
        .is_some_and(|h| h.contains("did you mean"))
}

/// The project's files with the fix applied.
fn apply(a: &Analysis, files: &Files, fix: &Fix) -> Files {
    let mut out = files.clone();
    let mut edits = fix.edits.clone();
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    for e in edits {
        let path = a.db.path(e.file).expect("edited file").to_path_buf();
        let text = out.get_mut(&path).expect("edited file is a project file");
        text.replace_range(e.range.start as usize..e.range.end as usize, &e.new_text);
    }
    out
}

/// Checks every did-you-mean of the project; returns how many there were.
fn check(case: &str, files: &Files) -> usize {
    let a = analyse(files);
    let mut seen = 0;
    for d in a.diagnostics.iter().filter(|d| suggests(d)) {
        seen += 1;
        let help = d.help.as_deref().unwrap_or("");
        let where_ = format!("{case}: {} {} (help: {help})", d.code, d.message);
        assert!(
            !d.fixes.is_empty(),
            "{where_}: no fix; span text {:?}",
            d.span().map(|s| a.db.slice(s))
        );
        for fix in &d.fixes {
            for e in &fix.edits {
                assert!(
                    help.contains(&e.new_text),
                    "{where_}: fix writes {:?}",
                    e.new_text
                );
                assert_ne!(
                    a.db.slice(jazz_schema_compiler::source::Span {
                        file: e.file,
                        range: e.range,
                    }),
                    e.new_text,
                    "{where_}: the fix changes nothing"
                );
            }
            let fixed = analyse(&apply(&a, files, fix));
            let start = d
                .span()
                .map(|s| (a.db.path(s.file).map(Path::to_path_buf), s.range.start));
            let again = fixed.diagnostics.iter().any(|f| {
                f.code == d.code
                    && f.span()
                        .map(|s| (fixed.db.path(s.file).map(Path::to_path_buf), s.range.start))
                        == start
            });
            assert!(!again, "{where_}: still reported after `{}`", fix.title);
        }
    }
    seen
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ts_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .expect("fixture dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ts"))
        .collect();
    v.sort();
    v
}

fn schema_only(text: &str) -> Files {
    Files::from([(PathBuf::from("/app/schema.ts"), text.to_owned())])
}

#[test]
fn fixtures_with_a_did_you_mean_have_its_fix() {
    let mut seen = 0;
    for f in ts_files(&crate_dir().join("tests/fixtures/eval/err")) {
        let text = fs::read_to_string(&f).expect("read fixture");
        seen += check(&f.display().to_string(), &schema_only(&text));
    }
    let policy = crate_dir().join("tests/fixtures/policy");
    let schema = fs::read_to_string(policy.join("schema.ts")).expect("read schema");
    for f in ts_files(&policy.join("err")) {
        let text = fs::read_to_string(&f).expect("read fixture");
        let files = Files::from([
            (PathBuf::from("/app/schema.ts"), schema.clone()),
            (PathBuf::from("/app/permissions.ts"), text),
        ]);
        seen += check(&f.display().to_string(), &files);
    }
    let apps = crate_dir().join("../tests/fixtures/errors");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&apps)
        .expect("error apps")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let files: Files = ts_files(&dir)
            .into_iter()
            .map(|p| {
                let name = p.file_name().map(PathBuf::from).unwrap_or_default();
                (
                    Path::new("/app").join(name),
                    fs::read_to_string(&p).expect("read app"),
                )
            })
            .collect();
        seen += check(&dir.display().to_string(), &files);
    }
    // The fixtures do suggest names (misspelt builder, unknown ref, merge strategy, ...).
    assert!(
        seen >= 8,
        "only {seen} did-you-mean findings in the fixtures"
    );
}

const SCHEMA: &str = r#"import { schema as s } from "jazz-tools";
export const app = s.defineApp({
  projects: s.table({ name: s.string() }),
  tasks: s.table({
    title: s.string(),
    status: s.enum("todo", "done"),
    projectId: s.ref("projects"),
  }),
});
"#;

/// One case per place that suggests a name: `from` is replaced by `to` in schema.ts, or
/// permissions.ts is `to`'s rule inside `definePermissions`.
#[test]
fn every_place_that_suggests_a_name_offers_the_fix() {
    let schema_cases = [
        ("column builder", "name: s.string()", "name: s.strin()"),
        (
            "computed member",
            "name: s.string()",
            "name: s[\"strin\"]()",
        ),
        (
            "modifier",
            "title: s.string()",
            "title: s.string().optinal()",
        ),
        (
            "table member",
            "s.table({ name: s.string() })",
            "s.table({ name: s.string() }).indexOnli()",
        ),
        (
            "merge strategy",
            "title: s.string()",
            "title: s.string().merge(\"counte\")",
        ),
        ("ref target", "s.ref(\"projects\")", "s.ref(\"project\")"),
        (
            "default variant",
            "s.enum(\"todo\", \"done\")",
            "s.enum(\"todo\", \"done\").default(\"dne\")",
        ),
        (
            "slice",
            "\n});\n",
            "\n});\nexport const sliced = app.slice(\"taks\");\n",
        ),
    ];
    for (case, from, to) in schema_cases {
        assert!(SCHEMA.contains(from), "{case}");
        let n = check(case, &schema_only(&SCHEMA.replacen(from, to, 1)));
        assert!(n >= 1, "{case}: no did-you-mean");
    }
    let rules = [
        ("unknown table", "policy.task.allowRead.always();"),
        (
            "unknown column",
            "policy.tasks.allowRead.where({ titel: \"x\" });",
        ),
        (
            "enum variant",
            "policy.tasks.allowRead.where({ status: \"dne\" });",
        ),
        (
            "enum variant operator",
            "policy.tasks.allowRead.where({ status: { ne: 'dne' } });",
        ),
        (
            "relation",
            "policy.tasks.allowRead.where(policy.exists(policy.tasks.hopTo(\"projct\")));",
        ),
        (
            "session path",
            "policy.tasks.allowRead.where({ title: session.usr_id });",
        ),
        (
            "not a foreign key",
            "policy.tasks.allowRead.where(allowedTo.read(\"projectI\"));",
        ),
    ];
    for (case, rule) in rules {
        let perms = format!(
            "import {{ definePermissions }} from \"jazz-tools/permissions\";\nimport {{ app }} from \"./schema.ts\";\nexport default definePermissions(app, ({{ policy, session, allowedTo }}) => {{\n  {rule}\n}});\n"
        );
        let files = Files::from([
            (PathBuf::from("/app/schema.ts"), SCHEMA.to_owned()),
            (PathBuf::from("/app/permissions.ts"), perms),
        ]);
        let n = check(case, &files);
        assert!(n >= 1, "{case}: no did-you-mean");
    }
}
