//! The sections of a `defineMigration({...})` config, read from the
//! syntax tree into owned data: hashes, table markers, table renames and column ops.

use crate::diagnostics::Diagnostic;
use crate::schema::{ColumnKind, ColumnType};
use crate::source::{FileId, Span};
use crate::syntax::ast::{Expr, Item, Module, Pat, Stmt};

use super::super::codes;
use super::ops::column_op;
use super::syntax::{Entry, Lit, Scope, callee_path, unsupported};

/// `createTables.<t>` / `dropTables.<t>`.
#[derive(Debug, Clone)]
pub struct Marker {
    pub table: String,
    pub span: Span,
    pub is_true: bool,
}

/// `renameTables.<new>: s.renameTableFrom("<old>")`.
#[derive(Debug, Clone)]
pub struct TableRename {
    pub new: String,
    pub span: Span,
    pub old: Option<(String, Span)>,
}

/// `add.*` / `drop.*` arguments.
#[derive(Debug, Clone)]
pub struct TypedOp {
    /// The constructor after `add.` / `drop.`: `string`, `int`, `enum`...
    pub ty: ColumnKind,
    /// Enum variants as written.
    pub variants: Vec<String>,
    pub ref_table: Option<String>,
    /// The `of:` element builder of `add.array` / `drop.array`.
    pub of: Option<(ColumnType, Option<String>)>,
    /// `None` when the `default` / `backwardsDefault` key is missing.
    pub value: Option<Lit>,
    /// The value was not a readable literal (already reported as JZ3002).
    pub unreadable: bool,
    pub value_span: Span,
}

#[derive(Debug, Clone)]
pub enum OpKind {
    Add(TypedOp),
    Drop(TypedOp),
    Rename { old: String, old_span: Span },
}

/// One `migrate.<table>.<column>` entry.
#[derive(Debug, Clone)]
pub struct ColumnOp {
    pub column: String,
    pub span: Span,
    pub kind: OpKind,
}

#[derive(Debug, Clone)]
pub struct MigrateTable {
    pub table: String,
    pub span: Span,
    pub ops: Vec<ColumnOp>,
}

/// A config as far as it could be read.
#[derive(Debug, Clone)]
pub struct Config {
    pub root: Span,
    pub from_hash: Option<(String, Span)>,
    pub to_hash: Option<(String, Span)>,
    pub rename_tables: Vec<TableRename>,
    pub create_tables: Vec<Marker>,
    pub drop_tables: Vec<Marker>,
    pub migrate: Vec<MigrateTable>,
    /// The `migrate` key, where a table with no entry is reported.
    pub migrate_key: Option<Span>,
}

pub struct ConfigResult {
    pub config: Option<Config>,
    pub diags: Vec<Diagnostic>,
}

const KNOWN_KEYS: &[&str] = &[
    "fromHash",
    "toHash",
    "from",
    "to",
    "renameTables",
    "createTables",
    "dropTables",
    "migrate",
];

fn root_expr<'a>(module: &'a Module, scope: &Scope<'a>) -> Option<&'a Expr> {
    let mut migration = None;
    for item in &module.items {
        match item {
            Item::ExportDefault { expr, .. } => return Some(expr),
            Item::ExportNamed {
                specifiers,
                source: None,
                ..
            } => {
                if let Some(sp) = specifiers.iter().find(|s| &*s.exported == "default") {
                    return scope.const_expr(&sp.orig);
                }
            }
            Item::Stmt {
                stmt: Stmt::Var { decls, .. },
                exported: true,
            } => {
                for d in decls {
                    if let (Pat::Ident(id), Some(init)) = (&d.pat, &d.init)
                        && &*id.name == "migration"
                    {
                        migration = Some(init);
                    }
                }
            }
            _ => {}
        }
    }
    migration
}

/// Reads the config of the exported `defineMigration(...)` call. `path` is for JZ3001.
pub fn read_config(module: &Module, file: FileId, path: &str) -> ConfigResult {
    let mut scope = Scope::new(&module.items);
    let invalid = |span: Span| {
        let msg =
            format!("Invalid migration export in {path}. Export default defineMigration(...).");
        Diagnostic::new(codes::INVALID_EXPORT, msg.clone())
            .upstream(msg)
            .at(span)
    };
    let Some(root) = root_expr(module, &scope).map(|e| scope.resolve(e)) else {
        return ConfigResult {
            config: None,
            diags: vec![invalid(Span::new(file, 0, 0))],
        };
    };
    let cfg_expr = match root {
        Expr::Call { callee, args, .. }
            if matches!(callee_path(callee), Some((None, "defineMigration"))) =>
        {
            match args.first() {
                Some(a) if !a.spread => &a.expr,
                _ => {
                    return ConfigResult {
                        config: None,
                        diags: vec![invalid(root.span())],
                    };
                }
            }
        }
        _ => {
            return ConfigResult {
                config: None,
                diags: vec![invalid(root.span())],
            };
        }
    };
    let Some(entries) = scope.entries(cfg_expr) else {
        let mut diags = std::mem::take(&mut scope.diags);
        diags.push(invalid(root.span()));
        return ConfigResult {
            config: None,
            diags,
        };
    };
    let mut cfg = Config {
        root: root.span(),
        from_hash: None,
        to_hash: None,
        rename_tables: Vec::new(),
        create_tables: Vec::new(),
        drop_tables: Vec::new(),
        migrate: Vec::new(),
        migrate_key: None,
    };
    let mut diags = Vec::new();
    let has = |k: &str| entries.iter().any(|e| e.key == k);
    let mut missing: Vec<&str> = ["fromHash", "toHash", "from", "to"]
        .into_iter()
        .filter(|k| !has(k))
        .collect();
    for en in &entries {
        match en.key.as_str() {
            "fromHash" | "toHash" => match scope.string(en.value) {
                Some((h, span)) => {
                    let ok = (12..=64).contains(&h.len())
                        && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
                    if !ok {
                        let m = "schema hash must be a 12-64 character lowercase hex schema hash.";
                        diags.push(
                            Diagnostic::new(codes::BAD_HASH, m)
                                .at_labelled(span, format!("`{}`", en.key)),
                        );
                    }
                    if en.key == "fromHash" {
                        cfg.from_hash = Some((h, span));
                    } else {
                        cfg.to_hash = Some((h, span));
                    }
                }
                None => missing.push(if en.key == "fromHash" {
                    "fromHash"
                } else {
                    "toHash"
                }),
            },
            "from" | "to" => {
                if !matches!(scope.resolve(en.value), Expr::Object { .. }) {
                    missing.push(if en.key == "from" { "from" } else { "to" });
                }
            }
            "createTables" | "dropTables" => {
                let markers = markers(&mut scope, en);
                if en.key == "createTables" {
                    cfg.create_tables = markers;
                } else {
                    cfg.drop_tables = markers;
                }
            }
            "renameTables" => cfg.rename_tables = renames(&mut scope, en),
            "migrate" => {
                cfg.migrate_key = Some(en.key_span);
                cfg.migrate = migrate(&mut scope, en);
            }
            other => diags.push(
                Diagnostic::new(
                    codes::UNKNOWN_KEY,
                    format!("unknown defineMigration key `{other}` is ignored"),
                )
                .at(en.key_span)
                .help(format!("the keys are {}", KNOWN_KEYS.join(", "))),
            ),
        }
    }
    if !missing.is_empty() {
        diags.push(invalid(root.span()).note(format!(
            "missing or not of the right kind: {}",
            missing.join(", ")
        )));
    }
    diags.extend(scope.diags);
    ConfigResult {
        config: Some(cfg),
        diags,
    }
}

fn markers<'a>(scope: &mut Scope<'a>, en: &Entry<'a>) -> Vec<Marker> {
    let Some(entries) = scope.entries(en.value) else {
        return Vec::new();
    };
    entries
        .into_iter()
        .map(|e| Marker {
            is_true: matches!(scope.resolve(e.value), Expr::Bool { value: true, .. }),
            table: e.key,
            span: e.key_span,
        })
        .collect()
}

fn renames<'a>(scope: &mut Scope<'a>, en: &Entry<'a>) -> Vec<TableRename> {
    let Some(entries) = scope.entries(en.value) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in entries {
        let old = match scope.resolve(e.value) {
            Expr::Call { callee, args, .. }
                if matches!(callee_path(callee), Some((None, "renameTableFrom"))) =>
            {
                args.first().and_then(|a| scope.string(&a.expr))
            }
            _ => None,
        };
        if old.is_none() {
            scope.diags.push(unsupported(
                e.value.span(),
                "expected `s.renameTableFrom(\"<old table>\")`",
            ));
        }
        out.push(TableRename {
            new: e.key,
            span: e.key_span,
            old,
        });
    }
    out
}

fn migrate<'a>(scope: &mut Scope<'a>, en: &Entry<'a>) -> Vec<MigrateTable> {
    let Some(tables) = scope.entries(en.value) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for t in tables {
        let Some(cols) = scope.entries(t.value) else {
            continue;
        };
        let mut ops = Vec::new();
        for c in cols {
            if let Some(kind) = column_op(scope, c.value) {
                ops.push(ColumnOp {
                    column: c.key,
                    span: c.key_span,
                    kind,
                });
            }
        }
        out.push(MigrateTable {
            table: t.key,
            span: t.key_span,
            ops,
        });
    }
    out
}
