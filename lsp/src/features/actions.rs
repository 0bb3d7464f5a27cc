//! Code actions and the `jazz.createMigration` command: core [`Action`]s and a core
//! [`CreatePlan`] converted to protocol values.

use std::path::{Path, PathBuf};

use jazz_schema_compiler::migrations::codes::SCHEMA_CHANGED;
use jazz_schema_compiler::migrations::plan::{CreatePlan, PlannedFile};
use jazz_schema_compiler::project::Analysis;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Command, CreateFile, CreateFileOptions,
    DocumentChangeOperation, DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier,
    Position, Range, ResourceOp, TextDocumentEdit, TextEdit, WorkspaceEdit,
};

use crate::{convert, to_proto};

/// The command the "Create migration" action runs (`workspace/executeCommand`), with the
/// project root as its one argument `{ "root": "<path>" }`.
pub const CREATE_MIGRATION: &str = "jazz.createMigration";

/// The actions for `range` of `path`: every fix of the diagnostics there, "Add missing policies
/// for table `t`", and, on the schema file when the schema changed since the latest snapshot
/// and no migration file covers the change, "Create migration" (the fix of JZ3504).
pub fn code_actions(
    a: &Analysis,
    path: &Path,
    range: Range,
    plan: Option<(&CreatePlan, &Path)>,
) -> Vec<CodeActionOrCommand> {
    let Some(file) = a.db.lookup(path) else {
        return Vec::new();
    };
    let Some(f) = a.db.get(file) else {
        return Vec::new();
    };
    let r = convert::text_range(&f.line_index, &f.text, range);
    let mut out: Vec<CodeActionOrCommand> = a
        .actions(file, r)
        .into_iter()
        .map(|x| {
            let diagnostics: Vec<_> = x
                .diagnostics
                .iter()
                .filter_map(|i| a.diagnostics.get(*i))
                .map(|d| to_proto::diagnostic(a, d))
                .collect();
            CodeActionOrCommand::CodeAction(CodeAction {
                title: x.title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(diagnostics),
                edit: Some(to_proto::workspace_edit(a, &x.edits)),
                is_preferred: Some(x.preferred),
                ..Default::default()
            })
        })
        .collect();
    let on_schema = a.schema_file.as_deref() == Some(path);
    if let (
        true,
        Some((
            CreatePlan::Generate {
                from, to, covered, ..
            },
            root,
        )),
    ) = (on_schema, plan)
        && covered.is_empty()
    {
        let title = format!(
            "Create migration {} → {} (jazz migrations create)",
            from.short(),
            to.short()
        );
        // The action fixes JZ3504 (the schema changed since the latest snapshot), which the
        // analysis reports on this file when it checked the migrations.
        let fixes: Vec<_> = a
            .diagnostics
            .iter()
            .filter(|d| d.code == SCHEMA_CHANGED && d.span().is_some_and(|s| s.file == file))
            .map(|d| to_proto::diagnostic(a, d))
            .collect();
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: title.clone(),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: (!fixes.is_empty()).then_some(fixes),
            command: Some(Command {
                title,
                command: CREATE_MIGRATION.into(),
                arguments: Some(vec![serde_json::json!({ "root": root })]),
            }),
            ..Default::default()
        }));
    }
    out
}

/// The root argument of a [`CREATE_MIGRATION`] command.
pub fn command_root(args: &[serde_json::Value]) -> Option<PathBuf> {
    args.first()?.get("root")?.as_str().map(PathBuf::from)
}

/// The files a plan writes under the migrations directory `dir`: the stub, then the snapshot.
pub fn planned_files(plan: &CreatePlan, dir: &Path) -> Vec<(PathBuf, String)> {
    let snap = |s: &PlannedFile| (dir.join("snapshots").join(&s.file_name), s.text.clone());
    match plan {
        CreatePlan::Generate { stub, snapshot, .. } => {
            let mut out = vec![(dir.join(&stub.file_name), stub.text.clone())];
            out.extend(snapshot.as_ref().map(snap));
            out
        }
        CreatePlan::Initial { snapshot, .. } => vec![snap(snapshot)],
        CreatePlan::NotRequired { snapshot, .. } => snapshot.iter().map(snap).collect(),
        CreatePlan::Unchanged { .. } | CreatePlan::Failed(_) => Vec::new(),
    }
}

/// A workspace edit that creates each file (never over an existing one) and inserts its text.
pub fn create_files_edit(files: &[(PathBuf, String)]) -> Option<WorkspaceEdit> {
    let mut ops = Vec::new();
    for (path, text) in files {
        let uri = to_proto::uri(path)?;
        ops.push(DocumentChangeOperation::Op(ResourceOp::Create(
            CreateFile {
                uri: uri.clone(),
                options: Some(CreateFileOptions {
                    overwrite: Some(false),
                    ignore_if_exists: Some(false),
                }),
                annotation_id: None,
            },
        )));
        ops.push(DocumentChangeOperation::Edit(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
            edits: vec![OneOf::Left(TextEdit {
                range: Range::new(Position::new(0, 0), Position::new(0, 0)),
                new_text: text.clone(),
            })],
        }));
    }
    Some(WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(ops)),
        ..Default::default()
    })
}

/// What to tell the user about a plan that writes nothing, or the plan's first line.
pub fn plan_message(plan: &CreatePlan) -> String {
    match plan {
        CreatePlan::Initial { .. } => "No migration created because there was no previous local schema baseline: wrote the initial schema snapshot.".into(),
        CreatePlan::Unchanged { .. } => "No structural schema changes detected.".into(),
        CreatePlan::NotRequired { .. } => "No reviewed migration file needed because this schema change does not require row transformations.".into(),
        CreatePlan::Generate { stub, .. } => format!("Generated: {}. Fill in migrate, then rename the file by replacing 'unnamed'.", stub.file_name),
        CreatePlan::Failed(d) => format!("{}: {}", d.code, d.message),
    }
}
