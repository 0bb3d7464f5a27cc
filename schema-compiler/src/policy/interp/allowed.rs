//! `allowedTo.*`: FK-name resolution (exact, `+Id`, `+_id`), `maxDepth`,
//! `…Referencing` sources.

use std::rc::Rc;

use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::eval::symbols::NameUse;
use crate::source::Span;

use super::super::codes;
use super::super::ir::{Expr, Operation};
use super::Interp;
use super::value::{Cond, Pv};

/// The hard cap on inherits depth.
pub const MAX_DEPTH_CAP: u32 = 64;

impl Interp<'_> {
    pub(super) fn allowed_to(
        &mut self,
        name: &str,
        _nspan: Span,
        args: Vec<(Pv, Span)>,
        span: Span,
    ) -> Pv {
        let (base, referencing) = match name.strip_suffix("Referencing") {
            Some(b) => (b, true),
            None => (name, false),
        };
        let op = match base {
            "read" => Operation::Select,
            "insert" => Operation::Insert,
            "update" => Operation::Update,
            _ => Operation::Delete,
        };
        let mut it = args.into_iter();
        let source = if referencing {
            match it.next() {
                Some((Pv::Table(t), s)) => Some((t, s)),
                Some((Pv::Str(t), s)) => {
                    if self.schema.table(&t).is_none() {
                        self.unknown_table(&t, s);
                        return Pv::Cond(Rc::new(Cond::Ready(Expr::False)));
                    }
                    self.record(NameUse::exact(s, &t).map(|at| NameUse::table(&t, at)));
                    Some((t, s))
                }
                _ => return Pv::Cond(Rc::new(Cond::Ready(Expr::False))),
            }
        } else {
            None
        };
        let (fk, fk_span) = match it.next() {
            Some((Pv::Str(s), sp)) => (s, sp),
            Some((Pv::Bad, _)) => return Pv::Cond(Rc::new(Cond::Ready(Expr::False))),
            other => {
                let at = other.map(|o| o.1).unwrap_or(span);
                self.report(
                    codes::NOT_A_FK,
                    at,
                    format!("allowedTo.{name}(...) expects a foreign-key column name"),
                );
                return Pv::Cond(Rc::new(Cond::Ready(Expr::False)));
            }
        };
        let mut max_depth = None;
        if let Some((opts, _)) = it.next()
            && let Some((md, mdspan)) = match &opts {
                Pv::Obj(o) => o
                    .iter()
                    .find(|(k, _, _)| k == "maxDepth")
                    .map(|(_, v, s)| (v.clone(), *s)),
                _ => None,
            }
        {
            match md {
                Pv::Undef => {}
                Pv::Num(n) if n.fract() == 0.0 && n >= 1.0 => {
                    if n > f64::from(MAX_DEPTH_CAP) {
                        self.report(
                            codes::MAX_DEPTH_CAP,
                            mdspan,
                            format!("maxDepth {n} exceeds the hard cap {MAX_DEPTH_CAP}; the runtime would deny everything"),
                        );
                    }
                    max_depth = Some(n.min(f64::from(u32::MAX)) as u32);
                }
                _ => {
                    let msg = if referencing {
                        format!(
                            "allowedTo.*Referencing(..., \"{fk}\") maxDepth must be a positive integer."
                        )
                    } else {
                        format!("allowedTo.*(\"{fk}\") maxDepth must be a positive integer.")
                    };
                    self.upstream_error(codes::BAD_MAX_DEPTH, mdspan, msg);
                }
            }
        }
        Pv::Cond(Rc::new(Cond::Allowed {
            method: name.into(),
            op,
            fk,
            fk_span,
            max_depth,
            source,
        }))
    }

    /// FK columns of `table`: (name, referenced table).
    fn fk_columns(&self, table: &str) -> Vec<(String, String)> {
        self.schema
            .table(table)
            .map(|t| {
                t.columns
                    .iter()
                    .filter_map(|c| c.references.clone().map(|r| (c.name.clone(), r)))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn find_fk(&self, table: &str, name: &str) -> Option<(String, String)> {
        let fks = self.fk_columns(table);
        for cand in [name.to_owned(), format!("{name}Id"), format!("{name}_id")] {
            if let Some(f) = fks.iter().find(|(c, _)| *c == cand) {
                return Some(f.clone());
            }
        }
        None
    }

    pub(super) fn resolve_allowed(&mut self, c: &Cond, table: &str) -> Expr {
        let Cond::Allowed {
            method,
            op,
            fk,
            fk_span,
            max_depth,
            source,
        } = c
        else {
            return Expr::False;
        };
        let lower = op.as_str().to_lowercase();
        match source {
            None => match self.find_fk(table, fk) {
                Some((col, _)) => {
                    self.record(
                        NameUse::exact(*fk_span, fk).map(|s| NameUse::column(table, &col, s)),
                    );
                    Expr::Inherits {
                        operation: *op,
                        via_column: col,
                        max_depth: *max_depth,
                    }
                }
                None => {
                    let fks = self.fk_columns(table);
                    let names: Vec<&str> = fks.iter().map(|(c, _)| c.as_str()).collect();
                    let avail = if names.is_empty() {
                        "(none)".to_owned()
                    } else {
                        names.join(", ")
                    };
                    let tail = format!(
                        "(\"{fk}\") is invalid for table \"{table}\": column is not a foreign key reference. Available FK columns: {avail}."
                    );
                    let d = Diagnostic::new(codes::NOT_A_FK, format!("allowedTo.{method}{tail}"))
                        .at(*fk_span)
                        .upstream(format!("allowedTo.{lower}{tail}"));
                    let mut d = self.in_discarded_table(op_note(d, method, &lower), table);
                    if let Some(s) = did_you_mean(fk, names.iter().copied()) {
                        let target = fks
                            .iter()
                            .find(|(c, _)| c == s)
                            .map(|(_, r)| r.clone())
                            .unwrap_or_default();
                        let help = format!("did you mean `{s}` (references `{target}`)?");
                        d = self.did_you_mean(d, help, *fk_span, fk, s);
                    } else if self.has_column(table, fk) {
                        d = d.note(format!(
                            "`{fk}` is a column of `{table}`, but it does not reference another table"
                        ));
                    }
                    self.diags.push(d);
                    Expr::False
                }
            },
            Some((src, _)) => {
                if let Some((col, _)) = self.find_fk(src, fk) {
                    self.record(
                        NameUse::exact(*fk_span, fk).map(|s| NameUse::column(src, &col, s)),
                    );
                }
                let args = format!("(policy.{src}, \"{fk}\") is invalid for table \"{table}\": ");
                // JZ2215, our text naming the method called, upstream's the operation.
                let referencing = |why: String| {
                    let d = Diagnostic::new(
                        codes::BAD_REFERENCING,
                        format!("allowedTo.{method}{args}{why}"),
                    )
                    .at(*fk_span)
                    .upstream(format!("allowedTo.{lower}Referencing{args}{why}"));
                    op_note(d, method, &lower)
                };
                match self.find_fk(src, fk) {
                    Some((col, target)) if target == table => Expr::InheritsReferencing {
                        operation: *op,
                        source_table: src.to_string(),
                        via_column: col,
                        max_depth: *max_depth,
                    },
                    Some((_, target)) => {
                        let why = format!(
                            "source FK references \"{target}\" but this rule is for \"{table}\"."
                        );
                        let d = self.in_discarded_table(referencing(why), src);
                        self.diags.push(d);
                        Expr::False
                    }
                    None => {
                        let fks = self.fk_columns(src);
                        let names: Vec<&str> = fks.iter().map(|(c, _)| c.as_str()).collect();
                        let avail = if names.is_empty() {
                            "(none)".to_owned()
                        } else {
                            names.join(", ")
                        };
                        let why = format!(
                            "column is not a foreign key reference on source table. Available FK columns: {avail}."
                        );
                        let d = self.in_discarded_table(referencing(why), src);
                        self.diags.push(d);
                        Expr::False
                    }
                }
            }
        }
    }
}

/// When upstream's text names the operation (`select`) and not the method called (`read`),
/// says so, so that the two lines do not seem to disagree.
fn op_note(d: Diagnostic, method: &str, lower: &str) -> Diagnostic {
    let base = method.strip_suffix("Referencing").unwrap_or(method);
    if base == lower {
        return d;
    }
    d.note(format!(
        "upstream's message names the operation `{lower}`, which `allowedTo.{base}` checks"
    ))
}
