//! What `jazz migrations create` without `--fromHash` / `--toHash` does for the current schema
//! (migrations.md §1.4), as a value: write the initial snapshot, nothing, a snapshot only, or
//! a stub plus a snapshot. Pure: the caller lists `<migrationsDir>` and its snapshots, reads the
//! clock, and writes what the plan says (the CLI to disk, the editor through a workspace edit).

use crate::diagnostics::Diagnostic;
use crate::schema::snapshots::{Snapshot, committed_name, is_committed_name, latest_committed};
use crate::schema::wasm_json::to_pretty_json;
use crate::schema::{SchemaHash, WasmSchema, schema_hash};

use super::codes;
use super::diff::inexpressible;
use super::names::{files_for_edge, stub_file_name, timestamp};
use super::{render_stub, requires_row_transform};

/// A file to write: its name in `<migrationsDir>` (snapshots: in `snapshots/`) and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedFile {
    pub file_name: String,
    pub text: String,
}

/// The outcome of `migrations create` for the current schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CreatePlan {
    /// No committed snapshot yet: write the initial one, no migration.
    Initial { snapshot: PlannedFile },
    /// The latest committed snapshot is the current schema.
    Unchanged,
    /// The change needs no row transform: only a snapshot (unless one exists).
    NotRequired {
        from: SchemaHash,
        to: SchemaHash,
        snapshot: Option<PlannedFile>,
    },
    /// A stub for `from -> to`, plus a snapshot of `to` (unless one exists). `covered` lists
    /// the migration files that already exist for this edge (JZ3405 when not empty).
    Generate {
        from: SchemaHash,
        to: SchemaHash,
        stub: PlannedFile,
        snapshot: Option<PlannedFile>,
        covered: Vec<String>,
        warnings: Vec<Diagnostic>,
    },
    /// The stub cannot be rendered (JZ3401); nothing is to be written.
    Failed(Diagnostic),
}

/// Plans `migrations create` for `current`, given the readable snapshots, the `*.ts` names in
/// the migrations directory, the run's clock reading and the normalised migration name.
pub fn plan_create(
    snapshots: &[Snapshot],
    migration_files: &[String],
    current: &WasmSchema,
    now_ms: u64,
    name: &str,
) -> CreatePlan {
    let hash = schema_hash(current);
    let snapshot = || {
        let exists = snapshots
            .iter()
            .any(|s| s.hash == hash && is_committed_name(&s.file_name));
        (!exists).then(|| PlannedFile {
            file_name: committed_name(now_ms, &hash),
            text: to_pretty_json(current),
        })
    };
    let latest = latest_committed(snapshots.iter().map(|s| s.file_name.as_str()))
        .and_then(|n| snapshots.iter().find(|s| s.file_name == n));
    let Some(latest) = latest else {
        return match snapshot() {
            Some(snapshot) => CreatePlan::Initial { snapshot },
            None => CreatePlan::Unchanged,
        };
    };
    if latest.hash == hash {
        return CreatePlan::Unchanged;
    }
    if !requires_row_transform(&latest.schema, current) {
        return CreatePlan::NotRequired {
            from: latest.hash,
            to: hash,
            snapshot: snapshot(),
        };
    }
    let stub = match render_stub(&latest.schema, &latest.hash, current, &hash) {
        Ok(s) => s,
        Err(d) => return CreatePlan::Failed(*d),
    };
    let covered: Vec<String> = files_for_edge(migration_files, &latest.hash, &hash)
        .into_iter()
        .cloned()
        .collect();
    let mut warnings = Vec::new();
    if !covered.is_empty() {
        warnings.push(
            Diagnostic::warning(
                codes::SECOND_FILE,
                format!(
                    "another migration file already covers this edge: {}",
                    covered.join(", ")
                ),
            )
            .help("`migrations push` fails with \"Multiple migration files found\" until only one remains"),
        );
    }
    for (t, c, kind) in inexpressible(&latest.schema, current) {
        warnings.push(Diagnostic::warning(
            codes::NOT_EXPRESSIBLE,
            format!(
                "this transition cannot be expressed by upstream Jazz migrations: {t}.{c} changes {}",
                kind.as_str()
            ),
        ));
    }
    CreatePlan::Generate {
        from: latest.hash,
        to: hash,
        stub: PlannedFile {
            file_name: stub_file_name(&timestamp(now_ms), name, &latest.hash, &hash),
            text: stub,
        },
        snapshot: snapshot(),
        covered,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::wasm_json::from_json_text;

    fn schema(json: &str) -> WasmSchema {
        from_json_text(json).unwrap_or_default()
    }

    const V1: &str = r#"{"tasks":{"columns":[{"name":"title","column_type":{"type":"Text"},"nullable":false}]}}"#;
    const V2: &str = r#"{"tasks":{"columns":[{"name":"title","column_type":{"type":"Text"},"nullable":false},{"name":"done","column_type":{"type":"Boolean"},"nullable":false}]}}"#;
    const V2_DEFAULT: &str = r#"{"tasks":{"columns":[{"name":"title","column_type":{"type":"Text"},"nullable":false,"default":{"type":"Text","value":"x"}}]}}"#;
    // 2026-06-01T12:00:00Z
    const NOW: u64 = 1_780_315_200_000;

    fn snap(name: &str, json: &str) -> Snapshot {
        let s = schema(json);
        Snapshot {
            file_name: name.into(),
            hash: schema_hash(&s),
            schema: s,
        }
    }

    #[test]
    fn the_first_run_writes_the_initial_snapshot() {
        let plan = plan_create(&[], &[], &schema(V1), NOW, "unnamed");
        let CreatePlan::Initial { snapshot } = plan else {
            panic!("{plan:?}");
        };
        let h = schema_hash(&schema(V1)).short();
        assert_eq!(snapshot.file_name, format!("20260601T120000-{h}.json"));
        assert_eq!(snapshot.text, to_pretty_json(&schema(V1)));
    }

    #[test]
    fn an_unchanged_or_transform_free_schema_gets_no_stub() {
        let snaps = [snap("20260101T000000-aaaaaaaaaaaa.json", V1)];
        assert_eq!(
            plan_create(&snaps, &[], &schema(V1), NOW, "unnamed"),
            CreatePlan::Unchanged
        );
        let plan = plan_create(&snaps, &[], &schema(V2_DEFAULT), NOW, "unnamed");
        assert!(
            matches!(
                plan,
                CreatePlan::NotRequired {
                    snapshot: Some(_),
                    ..
                }
            ),
            "{plan:?}"
        );
    }

    #[test]
    fn a_new_column_plans_a_stub_and_a_snapshot() {
        let snaps = [snap("20260101T000000-aaaaaaaaaaaa.json", V1)];
        let (h1, h2) = (schema_hash(&schema(V1)), schema_hash(&schema(V2)));
        let existing = vec![format!(
            "20260102T000000-x-{}-{}.ts",
            h1.short(),
            h2.short()
        )];
        let plan = plan_create(&snaps, &existing, &schema(V2), NOW, "add-done");
        let CreatePlan::Generate {
            stub,
            snapshot,
            covered,
            warnings,
            ..
        } = plan
        else {
            panic!("{plan:?}");
        };
        assert_eq!(
            stub.file_name,
            format!("20260601T120000-add-done-{}-{}.ts", h1.short(), h2.short())
        );
        assert_eq!(
            Ok(stub.text.clone()),
            render_stub(&schema(V1), &h1, &schema(V2), &h2)
        );
        assert!(stub.text.contains("done: s.add.boolean("), "{}", stub.text);
        assert_eq!(
            snapshot.map(|s| s.file_name),
            Some(format!("20260601T120000-{}.json", h2.short()))
        );
        assert_eq!(covered, existing);
        assert_eq!(warnings.first().map(|d| d.code), Some(codes::SECOND_FILE));
    }
}
