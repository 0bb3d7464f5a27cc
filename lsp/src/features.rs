//! Request handlers as pure functions of an [`Analysis`]: each asks `project::query` and
//! converts the answer. They hold no state and never look at syntax.

use std::path::Path;

use jazz_schema_compiler::FileId;
use jazz_schema_compiler::project::Analysis;
use jazz_schema_compiler::project::query::{
    CompletionKind, OutlineItem, OutlineKind, Recall, RenameError, Symbol,
};
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, DocumentSymbol, FoldingRange, FoldingRangeKind, Hover,
    HoverContents, InlayHint, InlayHintLabel, Location, MarkupContent, MarkupKind, Position, Range,
    SymbolKind, WorkspaceEdit,
};

use crate::{convert, to_proto};

mod actions;

pub use actions::{
    CREATE_MIGRATION, code_actions, command_root, create_files_edit, plan_message, planned_files,
};

/// The file's id in the analysis and the byte offset of an LSP position in it.
fn locate(a: &Analysis, path: &Path, pos: Position) -> Option<(FileId, u32)> {
    let id = a.db.lookup(path)?;
    let f = a.db.get(id)?;
    Some((id, convert::offset(&f.line_index, &f.text, pos)))
}

/// The hover at `pos`; `good` is the file's last good analysis, asked when `a` has no answer.
pub fn hover(a: &Analysis, good: Option<&Analysis>, path: &Path, pos: Position) -> Option<Hover> {
    let (file, offset) = locate(a, path, pos)?;
    let (text, span) = Recall::new(a, good).hover(file, offset)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: Some(to_proto::range(a, span.file, span.range)),
    })
}

/// Completion at `pos`, from `good` when `a` has none (see [`hover`]).
pub fn completion(
    a: &Analysis,
    good: Option<&Analysis>,
    path: &Path,
    pos: Position,
) -> Vec<CompletionItem> {
    let Some((file, offset)) = locate(a, path, pos) else {
        return Vec::new();
    };
    Recall::new(a, good)
        .completions(file, offset)
        .into_iter()
        .map(|c| CompletionItem {
            kind: Some(match c.kind {
                CompletionKind::Table => CompletionItemKind::CLASS,
                CompletionKind::Constructor => CompletionItemKind::CONSTRUCTOR,
                CompletionKind::Function => CompletionItemKind::FUNCTION,
                CompletionKind::Modifier => CompletionItemKind::METHOD,
                CompletionKind::Member => CompletionItemKind::PROPERTY,
                CompletionKind::Column => CompletionItemKind::FIELD,
            }),
            detail: Some(c.detail),
            label: c.label,
            ..Default::default()
        })
        .collect()
}

fn symbol(a: &Analysis, path: &Path, pos: Position) -> Option<Symbol> {
    let (file, offset) = locate(a, path, pos)?;
    a.symbol_at(file, offset).map(|s| s.symbol)
}

/// The definition of the name at `pos`, from `good` when `a` has none (see [`hover`]).
pub fn definition(
    a: &Analysis,
    good: Option<&Analysis>,
    path: &Path,
    pos: Position,
) -> Option<Location> {
    let (file, offset) = locate(a, path, pos)?;
    to_proto::location(a, Recall::new(a, good).definition(file, offset)?)
}

pub fn references(a: &Analysis, path: &Path, pos: Position, with_decl: bool) -> Vec<Location> {
    let Some(sym) = symbol(a, path, pos) else {
        return Vec::new();
    };
    a.references(&sym, with_decl)
        .into_iter()
        .filter_map(|s| to_proto::location(a, s))
        .collect()
}

/// The range of the renamable name at `pos`, if there is one.
pub fn prepare_rename(a: &Analysis, path: &Path, pos: Position) -> Option<Range> {
    let (file, offset) = locate(a, path, pos)?;
    let at = a.symbol_at(file, offset)?;
    if matches!(at.symbol, Symbol::App | Symbol::Migration(_)) {
        return None;
    }
    Some(to_proto::range(a, at.span.file, at.span.range))
}

/// The rename edit and the warning to show with it, or why it cannot be done.
pub fn rename(
    a: &Analysis,
    path: &Path,
    pos: Position,
    new_name: &str,
) -> Result<Option<(WorkspaceEdit, String)>, String> {
    let Some(sym) = symbol(a, path, pos) else {
        return Ok(None);
    };
    let what = match &sym {
        Symbol::Table(t) => format!("table `{t}`"),
        Symbol::Column { table, column } => format!("column `{table}.{column}`"),
        Symbol::App => "the app".into(),
        Symbol::Migration(_) => "a migration".into(),
    };
    match a.rename(&sym, new_name) {
        Ok(edits) => Ok(Some((
            to_proto::workspace_edit(a, &edits),
            format!(
                "Renamed {what} to `{new_name}`. This changes the schema hash: create a migration with `jazz migrations create` before deploying."
            ),
        ))),
        Err(RenameError::NotRenamable) => Err(format!("{what} cannot be renamed")),
        Err(RenameError::InvalidName(n)) => Err(format!(
            "`{n}` is not a valid name: use an identifier (letters, digits, `_`; not starting with a digit or `$`)"
        )),
        Err(RenameError::Taken(n)) => Err(match &sym {
            Symbol::Table(_) => format!("a table named `{n}` already exists"),
            _ if n == "id" => "`id` is the row id every table has".to_owned(),
            _ => format!("a column named `{n}` already exists in this table"),
        }),
    }
}

pub fn document_symbols(a: &Analysis, path: &Path) -> Vec<DocumentSymbol> {
    let Some(file) = a.db.lookup(path) else {
        return Vec::new();
    };
    a.outline(file)
        .iter()
        .map(|o| document_symbol(a, o))
        .collect()
}

#[expect(
    deprecated,
    reason = "DocumentSymbol::deprecated must be set to build the struct"
)]
fn document_symbol(a: &Analysis, o: &OutlineItem) -> DocumentSymbol {
    DocumentSymbol {
        name: o.name.clone(),
        detail: o.detail.clone(),
        kind: match o.kind {
            OutlineKind::Table => SymbolKind::STRUCT,
            OutlineKind::Column => SymbolKind::FIELD,
            OutlineKind::App => SymbolKind::MODULE,
            OutlineKind::Rule => SymbolKind::METHOD,
        },
        tags: None,
        deprecated: None,
        range: to_proto::range(a, o.span.file, o.span.range),
        selection_range: to_proto::range(a, o.selection.file, o.selection.range),
        children: (!o.children.is_empty())
            .then(|| o.children.iter().map(|c| document_symbol(a, c)).collect()),
    }
}

pub fn inlay_hints(a: &Analysis, path: &Path, range: Range) -> Vec<InlayHint> {
    let Some(file) = a.db.lookup(path) else {
        return Vec::new();
    };
    a.inlay_hints(file)
        .into_iter()
        .map(|h| InlayHint {
            position: to_proto::range(a, file, jazz_schema_compiler::TextRange::empty(h.offset))
                .start,
            label: InlayHintLabel::String(h.label),
            kind: None,
            text_edits: None,
            tooltip: None,
            padding_left: None,
            padding_right: None,
            data: None,
        })
        .filter(|h| range.start <= h.position && h.position <= range.end)
        .collect()
}

pub fn folding_ranges(a: &Analysis, path: &Path) -> Vec<FoldingRange> {
    let Some(file) = a.db.lookup(path) else {
        return Vec::new();
    };
    a.folds(file)
        .into_iter()
        .map(|r| to_proto::range(a, file, r))
        .filter(|r| r.end.line > r.start.line)
        .map(|r| FoldingRange {
            start_line: r.start.line,
            start_character: None,
            end_line: r.end.line,
            end_character: None,
            kind: Some(FoldingRangeKind::Region),
            collapsed_text: None,
        })
        .collect()
}

#[cfg(test)]
mod tests;
