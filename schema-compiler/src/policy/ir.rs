//! The Policy IR (permissions.md §0, §2): per table the five clause slots, each an [`Expr`]
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

/// A wire `Value` (§2.3).
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

/// A policy expression (§2.2). `ExistsRel` keeps its relation as JSON (the DSL forms that
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

/// The five clause slots (§0), in this canonical order.
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

/// How a rule was written (§1.3), for the checks that tell `.always()`/`.never()` apart from a
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
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Policy {
    pub tables: Vec<TablePolicy>,
    /// Environment variable names consumed (§1.13), sorted.
    pub env: Vec<String>,
    /// Source pieces of the conditions, in evaluation order (empty for parsed JSON).
    pub fragments: Vec<Fragment>,
}

impl Policy {
    pub fn table(&self, name: &str) -> Option<&TablePolicy> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// Merges `e` into `slot` of `table` (§1.4), creating the table entry at its first rule.
    pub fn merge(&mut self, table: &str, slot: Slot, e: Expr) {
        let idx = match self.tables.iter().position(|t| t.name == table) {
            Some(i) => i,
            None => {
                self.tables.push(TablePolicy {
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
        if let Some(t) = self.tables.iter_mut().find(|t| t.name == table) {
            t.rules.push(origin);
        }
    }
}
