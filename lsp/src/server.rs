//! The tower-lsp-server front: protocol handlers over a shared [`Workspace`]. Edits update
//! buffers at once and schedule a debounced re-analysis that publishes diagnostics for every
//! open project; requests analyse on demand, so they always see the latest text.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use jazz_schema_compiler::project::Analysis;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::log::{Level, Log};
use crate::workspace::Workspace;

mod create_migration;
use crate::{convert, features};

/// The default pause after an edit before diagnostics are recomputed.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(50);

pub struct Backend {
    client: Client,
    ws: Arc<Mutex<Workspace>>,
    log: Arc<Log>,
    debounce: Mutex<Duration>,
    shutdown: Arc<AtomicBool>,
    /// The client applies workspace edits that create files.
    resource_ops: Mutex<bool>,
}

impl Backend {
    pub fn new(client: Client, log: Arc<Log>, shutdown: Arc<AtomicBool>) -> Self {
        Self {
            client,
            ws: Arc::new(Mutex::new(Workspace::default())),
            log,
            debounce: Mutex::new(DEFAULT_DEBOUNCE),
            shutdown,
            resource_ops: Mutex::new(false),
        }
    }

    fn ws(&self) -> MutexGuard<'_, Workspace> {
        // A panic while holding the lock cannot leave the buffers half-written (every update
        // is one insert), so a poisoned lock is still usable.
        self.ws.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn analysis(&self, uri: &Uri) -> Option<(Arc<Analysis>, PathBuf)> {
        let path = uri.to_file_path()?.into_owned();
        let a = self.ws().analysis_for(&path)?;
        Some((a, path))
    }

    /// [`Backend::analysis`], with the file's last good analysis.
    fn recall(&self, uri: &Uri) -> Option<(Arc<Analysis>, Option<Arc<Analysis>>, PathBuf)> {
        let path = uri.to_file_path()?.into_owned();
        let (now, good) = self.ws().recall_for(&path)?;
        Some((now, good, path))
    }

    /// Re-analyses after the debounce, unless another edit came in meanwhile.
    fn schedule(&self) {
        let generation = self.ws().generation();
        let ws = self.ws.clone();
        let client = self.client.clone();
        let log = self.log.clone();
        let debounce = *self.debounce.lock().unwrap_or_else(|p| p.into_inner());
        tokio::spawn(async move {
            tokio::time::sleep(debounce).await;
            let computed = tokio::task::spawn_blocking(move || {
                let mut ws = ws.lock().unwrap_or_else(|p| p.into_inner());
                if ws.generation() != generation {
                    return None;
                }
                let started = Instant::now();
                let mut all = Vec::new();
                for root in ws.open_projects() {
                    all.extend(ws.diagnostics(&root));
                }
                Some((all, started.elapsed()))
            })
            .await;
            let Ok(Some((files, took))) = computed else {
                return;
            };
            log.write(
                Level::Info,
                format_args!("analysed in {:.1} ms", took.as_secs_f64() * 1e3),
            );
            for f in files {
                client.publish_diagnostics(f.uri, f.diagnostics, None).await;
            }
        });
    }
}

/// The clock reading that names created migration files and snapshots.
fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn pos_params(p: &TextDocumentPositionParams) -> (&Uri, Position) {
    (&p.text_document.uri, p.position)
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let mut folders: Vec<PathBuf> = params
            .workspace_folders
            .unwrap_or_default()
            .iter()
            .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
            .collect();
        #[expect(deprecated, reason = "older clients only send rootUri")]
        if let Some(root) = params
            .root_uri
            .and_then(|u| u.to_file_path().map(|p| p.into_owned()))
        {
            folders.push(root);
        }
        if let Some(ms) = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("debounceMs"))
            .and_then(serde_json::Value::as_u64)
        {
            *self.debounce.lock().unwrap_or_else(|p| p.into_inner()) = Duration::from_millis(ms);
        }
        let creates = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref())
            .is_some_and(|e| {
                e.document_changes == Some(true)
                    && e.resource_operations
                        .as_ref()
                        .is_some_and(|ops| ops.contains(&ResourceOperationKind::Create))
            });
        *self.resource_ops.lock().unwrap_or_else(|p| p.into_inner()) = creates;
        self.log
            .write(Level::Info, format_args!("workspace folders: {folders:?}"));
        *self.ws() = Workspace::new(folders);
        Ok(InitializeResult {
            capabilities: capabilities(),
            server_info: Some(ServerInfo {
                name: "jazz-lsp".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            ..Default::default()
        })
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        if let Some(path) = params.text_document.uri.to_file_path() {
            self.ws()
                .set_text(path.into_owned(), Arc::from(params.text_document.text));
            self.schedule();
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let Some(path) = params
            .text_document
            .uri
            .to_file_path()
            .map(|p| p.into_owned())
        else {
            return;
        };
        {
            let mut ws = self.ws();
            let mut text: String = ws.text(&path).map(|t| t.to_string()).unwrap_or_default();
            for change in params.content_changes {
                apply_change(&mut text, change);
            }
            ws.set_text(path, Arc::from(text));
        }
        self.schedule();
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        if let Some(path) = params.text_document.uri.to_file_path() {
            self.ws().close(&path);
            self.schedule();
        }
    }

    async fn did_change_watched_files(&self, _: DidChangeWatchedFilesParams) {
        self.ws().disk_changed();
        self.schedule();
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let (uri, pos) = pos_params(&params.text_document_position_params);
        Ok(self
            .recall(uri)
            .and_then(|(a, good, p)| features::hover(&a, good.as_deref(), &p, pos)))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let (uri, pos) = pos_params(&params.text_document_position);
        Ok(self.recall(uri).map(|(a, good, p)| {
            CompletionResponse::Array(features::completion(&a, good.as_deref(), &p, pos))
        }))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let (uri, pos) = pos_params(&params.text_document_position_params);
        Ok(self
            .recall(uri)
            .and_then(|(a, good, p)| features::definition(&a, good.as_deref(), &p, pos))
            .map(GotoDefinitionResponse::Scalar))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let (uri, pos) = pos_params(&params.text_document_position);
        let decl = params.context.include_declaration;
        Ok(self
            .analysis(uri)
            .map(|(a, p)| features::references(&a, &p, pos, decl)))
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let (uri, pos) = pos_params(&params);
        Ok(self
            .analysis(uri)
            .and_then(|(a, p)| features::prepare_rename(&a, &p, pos))
            .map(PrepareRenameResponse::Range))
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let (uri, pos) = pos_params(&params.text_document_position);
        let Some((a, p)) = self.analysis(uri) else {
            return Ok(None);
        };
        match features::rename(&a, &p, pos, &params.new_name) {
            Ok(Some((edit, warning))) => {
                self.client
                    .show_message(MessageType::WARNING, warning)
                    .await;
                Ok(Some(edit))
            }
            Ok(None) => Ok(None),
            Err(why) => Err(Error::invalid_params(why)),
        }
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        Ok(self
            .analysis(&params.text_document.uri)
            .map(|(a, p)| DocumentSymbolResponse::Nested(features::document_symbols(&a, &p))))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let Some(path) = params
            .text_document
            .uri
            .to_file_path()
            .map(|p| p.into_owned())
        else {
            return Ok(None);
        };
        let (a, plan, root) = {
            let mut ws = self.ws();
            let Some(root) = ws.project_root(&path) else {
                return Ok(None);
            };
            let a = ws.analysis(&root);
            // Only the schema file offers "Create migration": plan it only there.
            let plan = (a.schema_file.as_deref() == Some(path.as_path()))
                .then(|| ws.migration_plan(&root, now_ms()))
                .flatten()
                .map(|(plan, _)| plan);
            (a, plan, root)
        };
        Ok(Some(features::code_actions(
            &a,
            &path,
            params.range,
            plan.as_ref().map(|p| (p, root.as_path())),
        )))
    }

    async fn execute_command(
        &self,
        params: ExecuteCommandParams,
    ) -> Result<Option<serde_json::Value>> {
        if params.command != features::CREATE_MIGRATION {
            return Err(Error::invalid_params(format!(
                "unknown command `{}`",
                params.command
            )));
        }
        let Some(root) = features::command_root(&params.arguments) else {
            return Err(Error::invalid_params(
                "expected `{ \"root\": <project root> }`",
            ));
        };
        Ok(self.create_migration(&root).await)
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        Ok(self
            .analysis(&params.text_document.uri)
            .map(|(a, p)| features::inlay_hints(&a, &p, params.range)))
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        Ok(self
            .analysis(&params.text_document.uri)
            .map(|(a, p)| features::folding_ranges(&a, &p)))
    }
}

/// Applies one content change (a range edit, or the whole text) to a buffer.
pub fn apply_change(text: &mut String, change: TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let index = jazz_schema_compiler::source::LineIndex::new(text);
            let r = convert::text_range(&index, text, range);
            if text.is_char_boundary(r.start as usize) && text.is_char_boundary(r.end as usize) {
                text.replace_range(r.start as usize..r.end as usize, &change.text);
            }
        }
    }
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into(), "\"".into(), "'".into()]),
            ..Default::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![features::CREATE_MIGRATION.into()],
            work_done_progress_options: Default::default(),
        }),
        inlay_hint_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        ..Default::default()
    }
}
