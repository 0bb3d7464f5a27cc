//! The Policy IR: per table the five clause slots, each an [`Expr`]
//! mirroring the upstream wire variants one to one, plus the origin of every rule.

use crate::source::Span;

/// A comparison operator (`CmpOp`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "Eq",
            CmpOp::Ne => "Ne",
            CmpOp::Lt => "Lt",
            CmpOp::Le => "Le",
            CmpOp::Gt => "Gt",
            CmpOp::Ge => "Ge",
        }
    }

    pub fn parse(s: &str) -> Option<CmpOp> {
        Some(match s {
            "Eq" => CmpOp::Eq,
            "Ne" => CmpOp::Ne,
            "Lt" => CmpOp::Lt,
            "Le" => CmpOp::Le,
            "Gt" => CmpOp::Gt,
            "Ge" => CmpOp::Ge,
            _ => return None,
        })
    }

    /// The readable symbol used by `explain`.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "≠",
            CmpOp::Lt => "<",
            CmpOp::Le => "≤",
            CmpOp::Gt => ">",
            CmpOp::Ge => "≥",
        }
    }
}

/// An operation (`Operation`), also the four policy operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    Select,
    Insert,
    Update,
    Delete,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Select => "Select",
            Operation::Insert => "Insert",
            Operation::Update => "Update",
            Operation::Delete => "Delete",
        }
    }

    pub fn parse(s: &str) -> Option<Operation> {
        Some(match s {
            "Select" => Operation::Select,
            "Insert" => Operation::Insert,
            "Update" => Operation::Update,
            "Delete" => Operation::Delete,
            _ => return None,
        })
    }

    /// `read`, `insert`, `update`, `delete` (the names in messages).
    pub fn word(self) -> &'static str {
        match self {
            Operation::Select => "read",
            Operation::Insert => "insert",
            Operation::Update => "update",
            Operation::Delete => "delete",
        }
    }

    pub const ALL: [Operation; 4] = [
        Operation::Select,
        Operation::Insert,
        Operation::Update,
        Operation::Delete,
    ];
}

/// A wire `Value`.
#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    Null,
    Integer(i32),
    BigInt(i64),
    Double(f64),
    Boolean(bool),
    Text(String),
    Timestamp(u64),
    Uuid(String),
    Bytea(Vec<u8>),
    Array(Vec<Lit>),
}

impl Lit {
    pub fn tag(&self) -> &'static str {
        match self {
            Lit::Null => "Null",
            Lit::Integer(_) => "Integer",
            Lit::BigInt(_) => "BigInt",
            Lit::Double(_) => "Double",
            Lit::Boolean(_) => "Boolean",
            Lit::Text(_) => "Text",
            Lit::Timestamp(_) => "Timestamp",
            Lit::Uuid(_) => "Uuid",
            Lit::Bytea(_) => "Bytea",
            Lit::Array(_) => "Array",
        }
    }
}

/// A `PolicyValue`: a literal or a session path (the outer row is the reserved session path
/// `["__jazz_outer_row", col]`).
#[derive(Clone, Debug, PartialEq)]
pub enum PValue {
    Literal(Lit),
    SessionRef(Vec<String>),
}

/// The reserved first segment of an outer-row reference.
pub const OUTER_ROW: &str = "__jazz_outer_row";

/// A policy expression. `ExistsRel` keeps its relation as JSON (the DSL forms that
/// build relations are reported as unsupported by this version's evaluator).
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Cmp {
        column: String,
        op: CmpOp,
        value: PValue,
    },
    SessionCmp {
        path: Vec<String>,
        op: CmpOp,
        value: Lit,
    },
    IsNull {
        column: String,
    },
    IsNotNull {
        column: String,
    },
    SessionIsNull {
        path: Vec<String>,
    },
    SessionIsNotNull {
        path: Vec<String>,
    },
    Contains {
        column: String,
        value: PValue,
    },
    SessionContains {
        path: Vec<String>,
        value: Lit,
    },
    In {
        column: String,
        session_path: Vec<String>,
    },
    InList {
        column: String,
        values: Vec<PValue>,
    },
    SessionInList {
        path: Vec<String>,
        values: Vec<Lit>,
    },
    Exists {
        table: String,
        condition: Box<Expr>,
    },
    ExistsRel {
        rel: crate::schema::json::JsonValue,
    },
    Inherits {
        operation: Operation,
        via_column: String,
        max_depth: Option<u32>,
    },
    InheritsReferencing {
        operation: Operation,
        source_table: String,
        via_column: String,
        max_depth: Option<u32>,
    },
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    True,
    False,
}

/// The five clause slots, in this canonical order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slot {
    SelectUsing,
    InsertCheck,
    UpdateUsing,
    UpdateCheck,
    DeleteUsing,
}

impl Slot {
    pub const ALL: [Slot; 5] = [
        Slot::SelectUsing,
        Slot::InsertCheck,
        Slot::UpdateUsing,
        Slot::UpdateCheck,
        Slot::DeleteUsing,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Slot::SelectUsing => "select.using",
            Slot::InsertCheck => "insert.with_check",
            Slot::UpdateUsing => "update.using",
            Slot::UpdateCheck => "update.with_check",
            Slot::DeleteUsing => "delete.using",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// How a rule was written, for the checks that tell `.always()`/`.never()` apart from a
/// condition that happens to be constant, and `whereOld` alone from `whereOld().whereNew()`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RuleForm {
    #[default]
    Where,
    Always,
    Never,
    ManagedByCreator,
    /// `allowUpdate.whereOld(a)` without `whereNew`.
    Old,
    /// `allowUpdate.whereNew(b)` without `whereOld`.
    New,
    OldNew,
}

/// Where a rule came from.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleOrigin {
    /// The rule's callee (`policy.t.allowRead.where`) or update builder (`policy.t.allowUpdate`).
    pub span: Span,
    /// The slots the rule contributed to.
    pub slots: Vec<Slot>,
    /// The rule's own condition for each slot (parallel to `slots`, before merging).
    pub exprs: Vec<Expr>,
    pub form: RuleForm,
    /// The argument that gave the `using` condition (`where(c)`, `whereOld(c)`), if any.
    pub arg: Option<Span>,
    /// The rule's statement, when the rule call starts a statement of a block (fixes insert
    /// next to it).
    pub stmt: Option<Span>,
    /// An error was reported while the rule was evaluated: its `False`s may stand for failed
    /// conditions, so checks about constant clauses skip it.
    pub tainted: bool,
}

impl RuleOrigin {
    /// A rule filling `slots` with `expr`.
    pub fn new(span: Span, slots: Vec<Slot>, expr: &Expr) -> Self {
        Self {
            span,
            exprs: slots.iter().map(|_| expr.clone()).collect(),
            slots,
            form: RuleForm::Where,
            arg: None,
            stmt: None,
            tainted: false,
        }
    }

    /// The rule's condition for `slot`.
    pub fn expr(&self, slot: Slot) -> Option<&Expr> {
        let i = self.slots.iter().position(|s| *s == slot)?;
        self.exprs.get(i)
    }
}

/// A compiled piece of a condition and the source it came from (a where key, an operator key, a
/// `session.where` entry, an `allowedTo` FK literal, a raw expression): the leaf checks report
/// on these spans.
#[derive(Clone, Debug, PartialEq)]
pub struct Fragment {
    /// The table the piece was compiled against (`None` for `session.where`).
    pub table: Option<String>,
    pub expr: Expr,
    pub span: Span,
}

/// One table's policies.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TablePolicy {
    pub name: String,
    pub slots: [Option<Expr>; 5],
    pub rules: Vec<RuleOrigin>,
}

impl TablePolicy {
    pub fn slot(&self, s: Slot) -> Option<&Expr> {
        self.slots.get(s.index()).and_then(Option::as_ref)
    }
}

/// All tables with at least one rule, in first-rule order.
///
/// `index` maps each table name to its position in `tables`, so [`Policy::table`],
/// [`Policy::merge`] and [`Policy::record_rule`] are constant time whatever the table count
/// (a list search made a policy on every table quadratic). It is not part of the value:
/// equality, `Debug` and the serialized forms read `tables` alone, in its order. `tables` may
/// still be built directly (`Policy { tables, ..Policy::default() }`): a lookup checks every
/// hit and falls back to a scan while the index does not cover `tables`, and the mutating
/// methods rebuild it first.
#[derive(Clone, Default)]
pub struct Policy {
    pub tables: Vec<TablePolicy>,
    /// Environment variable names consumed, sorted.
    pub env: Vec<String>,
    /// Source pieces of the conditions, in evaluation order (empty for parsed JSON).
    pub fragments: Vec<Fragment>,
    /// Table name → position in `tables` (see the type's docs); kept by the methods.
    #[doc(hidden)]
    pub index: TableIndex,
}

impl PartialEq for Policy {
    fn eq(&self, other: &Self) -> bool {
        self.tables == other.tables && self.env == other.env && self.fragments == other.fragments
    }
}

impl std::fmt::Debug for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Policy")
            .field("tables", &self.tables)
            .field("env", &self.env)
            .field("fragments", &self.fragments)
            .finish()
    }
}

/// The name index of [`Policy::tables`]: name → position of the first table of that name.
#[derive(Clone, Debug, Default)]
pub struct TableIndex {
    at: std::collections::HashMap<String, usize>,
    /// How many entries of `tables` the index covers (a prefix, in order).
    covered: usize,
}

impl TableIndex {
    /// Indexes the entries of `tables` not covered yet (all of them when `tables` shrank).
    fn sync(&mut self, tables: &[TablePolicy]) {
        if self.covered > tables.len() {
            *self = TableIndex::default();
        }
        for (i, t) in tables.iter().enumerate().skip(self.covered) {
            self.at.entry(t.name.clone()).or_insert(i);
        }
        self.covered = tables.len();
    }

    /// The position of `name` in `tables`: `Some` when known, `None` when known to be absent,
    /// and the outer `None` when the index cannot tell (it does not cover `tables`, or `tables`
    /// changed under it).
    fn find(&self, tables: &[TablePolicy], name: &str) -> Option<Option<usize>> {
        match self.at.get(name) {
            Some(&i) if tables.get(i).is_some_and(|t| t.name == name) => Some(Some(i)),
            Some(_) => None,
            None if self.covered == tables.len() => Some(None),
            None => None,
        }
    }
}

impl Policy {
    pub fn table(&self, name: &str) -> Option<&TablePolicy> {
        match self.index.find(&self.tables, name) {
            Some(i) => i.and_then(|i| self.tables.get(i)),
            None => self.tables.iter().find(|t| t.name == name),
        }
    }

    /// The position of `name` in `tables`, through the index (rebuilt when stale).
    fn position(&mut self, name: &str) -> Option<usize> {
        self.index.sync(&self.tables);
        match self.index.find(&self.tables, name) {
            Some(i) => i,
            None => {
                // `tables` was edited in place: index it afresh.
                self.index = TableIndex::default();
                self.index.sync(&self.tables);
                self.index.find(&self.tables, name).flatten()
            }
        }
    }

    /// Appends a table entry (its name not already present), keeping the index.
    pub fn push_table(&mut self, t: TablePolicy) {
        self.index.sync(&self.tables);
        self.tables.push(t);
        self.index.sync(&self.tables);
    }

    /// Merges `e` into `slot` of `table`, creating the table entry at its first rule.
    pub fn merge(&mut self, table: &str, slot: Slot, e: Expr) {
        let idx = match self.position(table) {
            Some(i) => i,
            None => {
                self.push_table(TablePolicy {
                    name: table.to_owned(),
                    ..TablePolicy::default()
                });
                self.tables.len() - 1
            }
        };
        let Some(t) = self.tables.get_mut(idx) else {
            return;
        };
        let Some(cell) = t.slots.get_mut(slot.index()) else {
            return;
        };
        *cell = Some(match cell.take() {
            None => e,
            Some(old) => {
                let mut kids = match old {
                    Expr::Or(k) => k,
                    other => vec![other],
                };
                match e {
                    Expr::Or(k) => kids.extend(k),
                    other => kids.push(other),
                }
                Expr::Or(kids)
            }
        });
    }

    /// Records a rule's origin on its table (the table entry must exist).
    pub fn record_rule(&mut self, table: &str, origin: RuleOrigin) {
        if let Some(i) = self.position(table)
            && let Some(t) = self.tables.get_mut(i)
        {
            t.rules.push(origin);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(column: &str, v: i32) -> Expr {
        Expr::Cmp {
            column: column.to_owned(),
            op: CmpOp::Eq,
            value: PValue::Literal(Lit::Integer(v)),
        }
    }

    fn origin() -> RuleOrigin {
        let span = Span::new(crate::source::FileId(0), 0, 0);
        RuleOrigin::new(span, vec![Slot::SelectUsing], &Expr::True)
    }

    /// The index keeps first-rule order and agrees with a linear scan, including on tables
    /// built or edited directly.
    #[test]
    fn table_index_keeps_order_and_agrees_with_a_scan() {
        let mut p = Policy::default();
        let names: Vec<String> = (0..200).map(|i| format!("t{}", (i * 37) % 101)).collect();
        for (i, n) in names.iter().enumerate() {
            let slot = Slot::ALL[i % 5];
            p.merge(n, slot, cmp("a", i as i32));
            p.record_rule(n, origin());
        }
        let mut first = Vec::new();
        for n in &names {
            if !first.contains(n) {
                first.push(n.clone());
            }
        }
        let order: Vec<&str> = p.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(order, first.iter().map(String::as_str).collect::<Vec<_>>());
        let scan = |p: &Policy, n: &str| p.tables.iter().find(|t| t.name == n).cloned();
        for n in names.iter().map(String::as_str).chain(["t999", "", "t1x"]) {
            assert_eq!(p.table(n).cloned(), scan(&p, n), "{n}");
        }
        // Each name's rules all landed on its one entry.
        let rules: usize = p.tables.iter().map(|t| t.rules.len()).sum();
        assert_eq!(rules, names.len());

        // Built directly, then edited in place: lookups and merges still agree with a scan.
        let mut q = Policy {
            tables: p.tables.clone(),
            ..Policy::default()
        };
        assert_eq!(q, p);
        assert_eq!(q.table("t36").cloned(), scan(&p, "t36"));
        q.merge("t36", Slot::DeleteUsing, Expr::False);
        q.tables.swap(0, 5);
        q.tables.truncate(50);
        for n in names.iter().map(String::as_str).chain(["t999"]) {
            assert_eq!(q.table(n).cloned(), scan(&q, n), "{n}");
        }
        q.tables[3].name = "renamed".to_owned();
        q.merge("renamed", Slot::InsertCheck, Expr::True);
        assert_eq!(q.tables.len(), 50);
        assert_eq!(q.table("renamed").cloned(), scan(&q, "renamed"));
        q.merge("fresh", Slot::InsertCheck, Expr::True);
        assert_eq!(q.tables.last().map(|t| t.name.as_str()), Some("fresh"));
    }
}
