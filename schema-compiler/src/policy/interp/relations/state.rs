//! The relation builder value and its lowering to the relation IR JSON:
//! externally tagged nodes, keys in upstream's order, scope aliases `__join_<i>`, `__hop_<i>`,
//! `__recursive_join_<i>`.

use std::rc::Rc;

use crate::schema::json::JsonValue;
use crate::source::Span;

/// What a relation value was built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateKind {
    /// `policy.<t>` plus where/join/hopTo/select.
    Table,
    /// The result of `gather(...)`.
    Recursive,
    /// The result of `policy.union([...])`.
    Union,
}

/// One join of the relation (explicit `join` or a hop).
#[derive(Clone, Debug)]
pub struct JoinSpec {
    pub table: Rc<str>,
    pub left: String,
    pub right: String,
    pub via_hop: bool,
}

/// One where entry: its bare column, the scope it binds to and its lowered predicates.
#[derive(Clone, Debug)]
pub struct RelFilter {
    pub column: String,
    pub scope: String,
    /// The where key (for diagnostics).
    pub span: Span,
    /// `None`: the entry is bound to the gather's `current` (consumed by `gather`).
    pub preds: Option<Vec<JsonValue>>,
}

/// A relation value (immutable; every builder call makes a new one).
#[derive(Clone, Debug)]
pub struct RelState {
    pub kind: StateKind,
    pub output_table: Rc<str>,
    pub base: JsonValue,
    /// The scope of `base`'s rows (`""` for a union).
    pub initial_scope: String,
    pub filters: Vec<RelFilter>,
    pub joins: Vec<JoinSpec>,
    /// `select({ alias: column })`, aliases trimmed, columns unqualified.
    pub select: Option<Vec<(String, String)>>,
}

/// `{ "<tag>": value }`.
pub fn tag(name: &str, value: JsonValue) -> JsonValue {
    JsonValue::Object(vec![(name.to_owned(), value)])
}

/// An object with keys in the given order.
pub fn obj(members: Vec<(&str, JsonValue)>) -> JsonValue {
    JsonValue::Object(
        members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

pub fn s(text: &str) -> JsonValue {
    JsonValue::String(text.to_owned())
}

/// `{"TableScan":{"table":t}}`.
pub fn table_scan(table: &str) -> JsonValue {
    tag("TableScan", obj(vec![("table", s(table))]))
}

/// `"a.b"` → `(Some("a"), "b")`; `"b"` → `(None, "b")` (first dot only).
pub fn split_qualified(column: &str) -> (Option<&str>, &str) {
    match column.split_once('.') {
        Some((p, rest)) => (Some(p), rest),
        None => (None, column),
    }
}

/// A column reference: a qualifier names the scope, else the default scope (if any).
pub fn col_ref(column: &str, default_scope: &str) -> JsonValue {
    let (prefix, bare) = split_qualified(column);
    match prefix {
        Some(p) => obj(vec![("scope", s(p)), ("column", s(bare))]),
        None if !default_scope.is_empty() => {
            obj(vec![("scope", s(default_scope)), ("column", s(bare))])
        }
        None => obj(vec![("column", s(bare))]),
    }
}

/// `[{alias:"id", expr:{Column:{scope, column:"id"}}}]`.
pub fn hop_columns(scope: &str) -> JsonValue {
    JsonValue::Array(vec![obj(vec![
        ("alias", s("id")),
        (
            "expr",
            tag(
                "Column",
                obj(vec![("scope", s(scope)), ("column", s("id"))]),
            ),
        ),
    ])])
}

/// `Filter` over `input` with the predicates `And`-ed; none (or a lone `"True"`) adds nothing.
pub fn apply_filter(input: JsonValue, mut preds: Vec<JsonValue>) -> JsonValue {
    let predicate = match preds.len() {
        0 => return input,
        1 => preds.pop().unwrap_or(JsonValue::Null),
        _ => tag("And", JsonValue::Array(preds)),
    };
    if predicate == JsonValue::String("True".into()) {
        return input;
    }
    tag(
        "Filter",
        obj(vec![("input", input), ("predicate", predicate)]),
    )
}

/// The scope alias of join `i` of a relation of `kind`.
pub fn join_alias(kind: StateKind, join: &JoinSpec, i: usize) -> String {
    if kind == StateKind::Recursive {
        format!("__recursive_join_{i}")
    } else if join.via_hop {
        format!("__hop_{i}")
    } else {
        format!("__join_{i}")
    }
}

/// Joins, then the filters' predicates, then a projection (select, or the hop's `id`).
pub fn tail(
    kind: StateKind,
    base: JsonValue,
    initial_scope: &str,
    joins: &[JoinSpec],
    preds: Vec<JsonValue>,
    select: Option<&[(String, String)]>,
) -> JsonValue {
    let mut rel = base;
    let mut scope = initial_scope.to_owned();
    let mut hop = false;
    for (i, j) in joins.iter().enumerate() {
        let right_scope = join_alias(kind, j, i);
        let on = obj(vec![
            ("left", col_ref(&j.left, &scope)),
            ("right", col_ref(&j.right, &right_scope)),
        ]);
        rel = tag(
            "Join",
            obj(vec![
                ("left", rel),
                ("right", table_scan(&j.table)),
                ("on", JsonValue::Array(vec![on])),
                ("join_kind", s("Inner")),
            ]),
        );
        scope = right_scope;
        hop |= j.via_hop;
    }
    rel = apply_filter(rel, preds);
    match select {
        Some(cols) if !cols.is_empty() => {
            let columns = cols
                .iter()
                .map(|(alias, col)| {
                    obj(vec![
                        ("alias", s(alias)),
                        ("expr", tag("Column", col_ref(col, &scope))),
                    ])
                })
                .collect();
            tag(
                "Project",
                obj(vec![("input", rel), ("columns", JsonValue::Array(columns))]),
            )
        }
        _ if hop => tag(
            "Project",
            obj(vec![("input", rel), ("columns", hop_columns(&scope))]),
        ),
        _ => rel,
    }
}

impl RelState {
    /// `policy.<table>` as a relation.
    pub fn table(table: &str) -> Self {
        Self {
            kind: StateKind::Table,
            output_table: Rc::from(table),
            base: table_scan(table),
            initial_scope: table.to_owned(),
            filters: Vec::new(),
            joins: Vec::new(),
            select: None,
        }
    }

    /// The scope new where entries bind to: the last join's, else the base's.
    pub fn current_scope(&self) -> String {
        match self.joins.last() {
            Some(j) => join_alias(self.kind, j, self.joins.len() - 1),
            None => self.initial_scope.clone(),
        }
    }

    /// The table behind a scope of this relation.
    pub fn scope_table(&self, scope: &str) -> Option<Rc<str>> {
        if self.kind != StateKind::Union && scope == self.initial_scope {
            return Some(Rc::from(scope));
        }
        self.joins
            .iter()
            .enumerate()
            .find(|(i, j)| join_alias(self.kind, j, *i) == scope)
            .map(|(_, j)| j.table.clone())
    }

    pub fn has_select(&self) -> bool {
        self.select.as_ref().is_some_and(|c| !c.is_empty())
    }

    /// The relation IR of this value; entries still bound to `current` are left out (the
    /// caller reports them).
    pub fn lower(&self) -> JsonValue {
        let preds = self
            .filters
            .iter()
            .filter_map(|f| f.preds.clone())
            .flatten()
            .collect();
        tail(
            self.kind,
            self.base.clone(),
            &self.initial_scope,
            &self.joins,
            preds,
            self.select.as_deref(),
        )
    }
}
