//! What `jazz migrations create` without `--fromHash` / `--toHash` does for the current schema, as
//! a value: write the initial snapshot, nothing, a snapshot only, or
//! a stub plus a snapshot. Pure: the caller lists `<migrationsDir>` and its snapshots, reads the
//! clock, and writes what the plan says (the CLI to disk, the editor through a workspace edit).

use crate::diagnostics::Diagnostic;
use crate::schema::snapshots::{Snapshot, committed_name, is_committed_name, latest_committed};
use crate::schema::wasm_json::to_pretty_json;
use crate::schema::{SchemaHash, WasmSchema, schema_hash};

use super::codes;
use super::diff::inexpressible;
use super::names::{files_for_edge, normalize_name, stub_file_name, timestamp};
use super::{render_stub, requires_row_transform};

/// A file to write: its name in `<migrationsDir>` (snapshots: in `snapshots/`) and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedFile {
    pub file_name: String,
    pub text: String,
}

/// The outcome of `migrations create` for one edge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CreatePlan {
    /// No committed snapshot yet: write the initial one of `hash`, no migration.
    Initial {
        hash: SchemaHash,
        snapshot: PlannedFile,
    },
    /// Both ends are the same schema.
    Unchanged { hash: SchemaHash },
    /// The change needs no row transform: only a snapshot of `to` (when asked for and none
    /// exists).
    NotRequired {
        from: SchemaHash,
        to: SchemaHash,
        snapshot: Option<PlannedFile>,
    },
    /// A stub for `from -> to`, plus a snapshot of `to` (when asked for and none exists).
    /// `covered` lists the migration files that already exist for this edge (JZ3405).
    Generate {
        from: SchemaHash,
        to: SchemaHash,
        stub: PlannedFile,
        snapshot: Option<PlannedFile>,
        covered: Vec<String>,
        warnings: Vec<Diagnostic>,
    },
    /// A bad `--name` (JZ3402) or a stub that cannot be rendered (JZ3401): nothing is to be
    /// written.
    Failed(Diagnostic),
}

/// One end of an edge.
#[derive(Clone, Copy, Debug)]
pub struct Version<'a> {
    pub schema: &'a WasmSchema,
    pub hash: SchemaHash,
}

/// What the run is given besides the edge: the readable snapshots, the `*.ts` names in the
/// migrations directory, the run's clock reading and the raw `--name`.
#[derive(Clone, Copy, Debug)]
pub struct Inputs<'a> {
    pub snapshots: &'a [Snapshot],
    pub migration_files: &'a [String],
    pub now_ms: u64,
    pub name: Option<&'a str>,
}

/// Plans `migrations create` without `--fromHash` / `--toHash`: from the latest committed
/// snapshot to `current`.
pub fn plan_create(current: &WasmSchema, inputs: Inputs<'_>) -> CreatePlan {
    let to = Version {
        schema: current,
        hash: schema_hash(current),
    };
    let latest = latest_committed(inputs.snapshots.iter().map(|s| s.file_name.as_str()))
        .and_then(|n| inputs.snapshots.iter().find(|s| s.file_name == n));
    let Some(latest) = latest else {
        return match snapshot_of(to, inputs) {
            Some(snapshot) => CreatePlan::Initial {
                hash: to.hash,
                snapshot,
            },
            None => CreatePlan::Unchanged { hash: to.hash },
        };
    };
    let from = Version {
        schema: &latest.schema,
        hash: latest.hash,
    };
    plan_edge(from, to, true, inputs)
}

/// Plans what `migrations create` writes for a resolved edge (snapshot, stub, or nothing). `snapshot_to` asks for a committed snapshot of
/// `to` (it is the current schema, not one named by `--toHash`).
pub fn plan_edge(
    from: Version<'_>,
    to: Version<'_>,
    snapshot_to: bool,
    inputs: Inputs<'_>,
) -> CreatePlan {
    if from.hash == to.hash {
        return CreatePlan::Unchanged { hash: to.hash };
    }
    let snapshot = || snapshot_to.then(|| snapshot_of(to, inputs)).flatten();
    if !requires_row_transform(from.schema, to.schema) {
        return CreatePlan::NotRequired {
            from: from.hash,
            to: to.hash,
            snapshot: snapshot(),
        };
    }
    let name = match inputs.name {
        None => "unnamed".to_owned(),
        Some(n) => match normalize_name(n) {
            Some(n) => n,
            None => {
                let m = "Migration name must contain at least one ASCII letter or digit after normalization.";
                return CreatePlan::Failed(Diagnostic::new(codes::BAD_NAME, m).upstream(m));
            }
        },
    };
    let covered: Vec<String> = files_for_edge(inputs.migration_files, &from.hash, &to.hash)
        .into_iter()
        .cloned()
        .collect();
    let mut warnings = Vec::new();
    if !covered.is_empty() {
        warnings.push(
            Diagnostic::new(
                codes::SECOND_FILE,
                format!(
                    "another migration file already covers this edge: {}",
                    covered.join(", ")
                ),
            )
            .help("`migrations push` fails with \"Multiple migration files found\" until only one remains"),
        );
    }
    for (t, c, kind) in inexpressible(from.schema, to.schema) {
        warnings.push(Diagnostic::new(
            codes::NOT_EXPRESSIBLE,
            format!(
                "this transition cannot be expressed by upstream Jazz migrations: {t}.{c} changes {}",
                kind.as_str()
            ),
        ));
    }
    let stub = match render_stub(from.schema, &from.hash, to.schema, &to.hash) {
        Ok(s) => s,
        Err(d) => {
            let m = d.message.clone();
            return CreatePlan::Failed(d.upstream(m));
        }
    };
    CreatePlan::Generate {
        from: from.hash,
        to: to.hash,
        stub: PlannedFile {
            file_name: stub_file_name(&timestamp(inputs.now_ms), &name, &from.hash, &to.hash),
            text: stub,
        },
        snapshot: snapshot(),
        covered,
        warnings,
    }
}

/// "Ensure committed": the snapshot file of `v`, unless a committed one exists.
fn snapshot_of(v: Version<'_>, inputs: Inputs<'_>) -> Option<PlannedFile> {
    let exists = inputs
        .snapshots
        .iter()
        .any(|s| s.hash == v.hash && is_committed_name(&s.file_name));
    (!exists).then(|| PlannedFile {
        file_name: committed_name(inputs.now_ms, &v.hash),
        text: to_pretty_json(v.schema),
    })
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

    fn inputs<'a>(
        snapshots: &'a [Snapshot],
        files: &'a [String],
        name: Option<&'a str>,
    ) -> Inputs<'a> {
        Inputs {
            snapshots,
            migration_files: files,
            now_ms: NOW,
            name,
        }
    }

    #[test]
    fn the_first_run_writes_the_initial_snapshot() {
        let plan = plan_create(&schema(V1), inputs(&[], &[], None));
        let CreatePlan::Initial { snapshot, .. } = plan else {
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
            plan_create(&schema(V1), inputs(&snaps, &[], None)),
            CreatePlan::Unchanged {
                hash: schema_hash(&schema(V1))
            }
        );
        let plan = plan_create(&schema(V2_DEFAULT), inputs(&snaps, &[], None));
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
        let plan = plan_create(&schema(V2), inputs(&snaps, &existing, Some(" Add Done! ")));
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
        assert!(
            stub.text.contains("Added required column \"done\""),
            "{}",
            stub.text
        );
        assert_eq!(
            snapshot.map(|s| s.file_name),
            Some(format!("20260601T120000-{}.json", h2.short()))
        );
        assert_eq!(covered, existing);
        assert_eq!(warnings.first().map(|d| d.code), Some(codes::SECOND_FILE));
        let bad = plan_create(&schema(V2), inputs(&snaps, &[], Some("!!")));
        assert!(matches!(bad, CreatePlan::Failed(d) if d.code == codes::BAD_NAME));
        // `--toHash`: no snapshot of `to` is asked for.
        let (v1, v2) = (schema(V1), schema(V2));
        let edge = plan_edge(
            Version {
                schema: &v1,
                hash: h1,
            },
            Version {
                schema: &v2,
                hash: h2,
            },
            false,
            inputs(&snaps, &[], None),
        );
        assert!(
            matches!(edge, CreatePlan::Generate { snapshot: None, .. }),
            "{edge:?}"
        );
    }
}
