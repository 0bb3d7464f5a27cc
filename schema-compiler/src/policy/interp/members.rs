//! The DSL surface: members of `ctx`, `policy`, table builders, rule builders, `session`,
//! `allowedTo`, rows; and the calls that register rules.

use std::cell::RefCell;
use std::rc::Rc;

use crate::diagnostics::{Diagnostic, did_you_mean, name_list, quoted_name};
use crate::eval::symbols::{NameUse, Named};
use crate::source::Span;

use super::super::codes;
use super::super::ir::{CmpOp, Expr, Operation, PValue, RuleForm, Slot};
use super::Interp;
use super::value::{Action, Builtin, Cond, Pv, UpdateBuilder};

/// Magic columns readable in policies.
pub const MAGIC: &[&str] = &["$createdBy", "$createdAt", "$updatedBy", "$updatedAt"];

/// The form of an `allow*` call and the span of its condition argument.
fn rule_form(method: &str, arg: Option<&(Pv, Span)>) -> (RuleForm, Option<Span>) {
    match method {
        "always" => (RuleForm::Always, None),
        "never" => (RuleForm::Never, None),
        _ => (RuleForm::Where, arg.map(|a| a.1)),
    }
}

/// `isCreator`.
pub fn is_creator() -> Expr {
    Expr::Cmp {
        column: "$createdBy".into(),
        op: CmpOp::Eq,
        value: PValue::SessionRef(vec!["user_id".into()]),
    }
}

impl Interp<'_> {
    fn bound(recv: &Pv, name: &str, span: Span) -> Pv {
        Pv::Bound(Rc::new((recv.clone(), Rc::from(name), span)))
    }

    /// Whether `col` can be read on `table` (columns, magic columns, `id`).
    pub(super) fn has_column(&self, table: &str, col: &str) -> bool {
        col == "id"
            || MAGIC.contains(&col)
            || self
                .schema
                .table(table)
                .is_some_and(|t| t.column(col).is_some())
    }

    /// JZ2302 with did-you-mean over columns, magic columns and `id`.
    pub(super) fn unknown_column(&mut self, table: &str, col: &str, span: Span) {
        if matches!(col, "$canRead" | "$canEdit" | "$canDelete") {
            self.report(
                codes::QUERY_ONLY_COLUMN,
                span,
                format!("`{col}` exists in queries only and never resolves in a policy, so this condition is false"),
            );
            if let Some(d) = self.diags.last_mut() {
                d.help = Some(
                    "refer to the policy you mean directly, e.g. `allowedTo.read(\"<fk>\")`".into(),
                );
            }
            return;
        }
        let mut cands: Vec<&str> = vec!["id"];
        cands.extend(MAGIC.iter().copied());
        if let Some(t) = self.schema.table(table) {
            cands.extend(t.columns.iter().map(|c| c.name.as_str()));
        }
        let mut d = Diagnostic::new(
            codes::UNKNOWN_COLUMN,
            format!(
                "unknown column `{}` on table `{}`",
                quoted_name(col),
                quoted_name(table)
            ),
        )
        .at(span)
        .note("upstream compiles this and the condition is always false at runtime");
        if let Some(s) = did_you_mean(col, cands.iter().copied()) {
            let help = format!("did you mean `{}`?", quoted_name(s));
            d = self.did_you_mean(d, help, span, col, s);
        } else {
            d = d.help(format!(
                "columns of `{}`: {}",
                quoted_name(table),
                name_list(&cands)
            ));
        }
        let d = self.in_discarded_table(d, table);
        self.diags.push(d);
    }

    /// JZ2301 with did-you-mean over the schema's tables.
    pub(super) fn unknown_table(&mut self, name: &str, span: Span) {
        let tables: Vec<&str> = self.schema.tables.iter().map(|t| t.name.as_str()).collect();
        let mut d = Diagnostic::new(
            codes::UNKNOWN_TABLE,
            format!(
                "unknown table `{}`: the schema has no such table",
                quoted_name(name)
            ),
        )
        .at(span)
        .note("upstream fails here with a JavaScript TypeError");
        if let Some(s) = did_you_mean(name, tables.iter().copied()) {
            let help = format!("did you mean `{}`?", quoted_name(s));
            d = self.did_you_mean(d, help, span, name, s);
        } else {
            d = d.help(format!("tables in the schema: {}", name_list(&tables)));
        }
        self.diags.push(d);
    }

    /// `recv.key`.
    pub(super) fn member(&mut self, recv: &Pv, key: &str, kspan: Span, span: Span) -> Pv {
        match recv {
            Pv::Obj(_) => recv.get(key).cloned().unwrap_or(Pv::Undef),
            Pv::Arr(a) => match key {
                "length" => Pv::Num(a.len() as f64),
                "forEach" | "map" | "filter" => Self::bound(recv, key, kspan),
                k => k
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| a.get(i).cloned())
                    .unwrap_or(Pv::Undef),
            },
            Pv::Ctx => match key {
                "policy" => Pv::Policy,
                "session" => Pv::Session,
                "anyOf" => Pv::Builtin(Builtin::AnyOf),
                "allOf" => Pv::Builtin(Builtin::AllOf),
                "allowedTo" => Pv::AllowedTo,
                "isCreator" => Pv::Cond(Rc::new(Cond::Ready(is_creator()))),
                "not" | "none" => {
                    self.report(
                        codes::NO_NOT,
                        kspan,
                        format!("there is no `{key}` combinator in the permissions DSL"),
                    );
                    if let Some(d) = self.diags.last_mut() {
                        d.help = Some("write the positive form (e.g. `session.where({ authMode: { ne: \"local-first\" } })`), or a raw `{ type: \"Not\", expr }`".into());
                    }
                    Pv::Bad
                }
                _ => Pv::Undef,
            },
            Pv::Policy => {
                if self.schema.table(key).is_some() {
                    self.record(NameUse::exact(kspan, key).map(|s| NameUse::table(key, s)));
                    Pv::Table(Rc::from(key))
                } else if matches!(key, "exists" | "union") {
                    Self::bound(recv, key, kspan)
                } else {
                    self.unknown_table(key, kspan);
                    Pv::Bad
                }
            }
            Pv::Table(t) => match key {
                "allowRead" | "allowReads" => Pv::Action(t.clone(), Action::Read),
                "allowInsert" | "allowInserts" => Pv::Action(t.clone(), Action::Insert),
                "allowDelete" | "allowDeletes" => Pv::Action(t.clone(), Action::Delete),
                "allowUpdate" | "allowUpdates" => {
                    Pv::Update(Rc::new(RefCell::new(UpdateBuilder {
                        table: t.clone(),
                        old: None,
                        new: None,
                        registered: false,
                        span,
                    })))
                }
                "exists" => Pv::ExistsB(t.clone()),
                "managedByCreator" => Self::bound(recv, key, kspan),
                "where" | "join" | "select" | "hopTo" | "gather" => Self::bound(recv, key, kspan),
                _ => self.unknown_member(key, kspan, "table builders"),
            },
            Pv::Rel(_) => match key {
                "where" | "join" | "select" | "hopTo" | "gather" => Self::bound(recv, key, kspan),
                _ => self.unknown_member(key, kspan, "relations"),
            },
            Pv::Action(..) => match key {
                "where" | "always" | "never" => Self::bound(recv, key, kspan),
                _ => self.unknown_member(key, kspan, "rule builders"),
            },
            Pv::Update(_) => match key {
                "where" | "whereOld" | "whereNew" | "always" | "never" => {
                    Self::bound(recv, key, kspan)
                }
                _ => self.unknown_member(key, kspan, "update builders"),
            },
            Pv::ExistsB(_) => match key {
                "where" => Self::bound(recv, key, kspan),
                _ => self.unknown_member(key, kspan, "exists builders"),
            },
            Pv::AllowedTo => match key {
                "read" | "insert" | "update" | "delete" | "readReferencing"
                | "insertReferencing" | "updateReferencing" | "deleteReferencing" => {
                    Self::bound(recv, key, kspan)
                }
                _ => self.unknown_member(key, kspan, "allowedTo"),
            },
            Pv::Session => match key {
                "where" => Self::bound(recv, key, kspan),
                _ => {
                    let path: Vec<String> = key
                        .split('.')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect();
                    self.check_session_path(&path, kspan);
                    Pv::SessionRef(Rc::new(path))
                }
            },
            Pv::SessionRef(p) => {
                let joined = format!("{}.{key}", p.join("."));
                self.report(
                    codes::SESSION_PROPERTY,
                    span,
                    format!("`session.{joined}` is `undefined`: a property of a session reference does not exist"),
                );
                if let Some(d) = self.diags.last_mut() {
                    d.help = Some(format!("write `session[\"{joined}\"]`"));
                    d.notes.push(
                        "upstream silently drops the where key, which can grant every session"
                            .into(),
                    );
                }
                Pv::Bad
            }
            Pv::Row(t) => {
                // An empty table: the outer row of a relation's where callback (any column).
                if t.is_empty() || self.has_column(t, key) {
                    if !t.is_empty() {
                        self.record(NameUse::exact(kspan, key).map(|s| NameUse::column(t, key, s)));
                    }
                    Pv::RowRef {
                        table: t.clone(),
                        column: Rc::from(key),
                        span: kspan,
                    }
                } else {
                    let t = t.clone();
                    self.unknown_column(&t, key, kspan);
                    Pv::Bad
                }
            }
            Pv::Bad => Pv::Bad,
            Pv::Static(_) | Pv::Str(_) | Pv::Num(_) | Pv::Bool(_) => Pv::Undef,
            other => {
                let d = other.describe();
                self.report(
                    codes::NOT_STATIC,
                    span,
                    format!("cannot evaluate definePermissions(...) statically: cannot read `{key}` of {d}"),
                );
                Pv::Bad
            }
        }
    }

    fn unknown_member(&mut self, key: &str, span: Span, what: &str) -> Pv {
        self.report(
            codes::NOT_STATIC,
            span,
            format!("cannot evaluate definePermissions(...) statically: `{key}` is not a member of {what}"),
        );
        Pv::Bad
    }

    /// JZ2310 for session paths that never resolve.
    pub(super) fn check_session_path(&mut self, path: &[String], span: Span) {
        if let (Some("claims"), Some(claim)) = (
            path.first().map(String::as_str),
            path.get(1).filter(|c| !c.is_empty()),
        ) {
            self.uses.push(NameUse {
                named: Named::Claim(claim.clone()),
                span,
            });
        }
        let ok = match path.first().map(String::as_str) {
            Some("user_id" | "userId" | "authMode" | "auth_mode") => path.len() == 1,
            Some("claims") => path.len() > 1,
            _ => false,
        };
        if !ok {
            let first = path.first().map(String::as_str).unwrap_or("");
            let mut d = Diagnostic::new(
                codes::UNKNOWN_SESSION_PATH,
                format!(
                    "session path `{}` never resolves at runtime, so conditions using it are false",
                    path.join(".")
                ),
            )
            .at(span);
            if let Some(s) = did_you_mean(first, ["user_id", "authMode", "claims"]) {
                d = self.did_you_mean(d, format!("did you mean `{s}`?"), span, first, s);
            } else {
                d = d.help("use `user_id`, `authMode` or `claims.<name>`");
            }
            self.diags.push(d);
        }
    }

    /// `recv.name(args)`.
    pub(super) fn call_method(
        &mut self,
        recv: &Pv,
        name: &str,
        nspan: Span,
        args: Vec<(Pv, Span)>,
        span: Span,
    ) -> Pv {
        let first = args.first().cloned();
        match recv {
            Pv::Arr(items) => {
                let Some((f, _)) = first else {
                    return Pv::Undef;
                };
                let mut out = Vec::new();
                for (i, it) in items.iter().enumerate() {
                    let r = self.call_value(
                        &f,
                        vec![(it.clone(), span), (Pv::Num(i as f64), span)],
                        span,
                    );
                    if name == "filter" {
                        if !self.static_test(&r, span, "`.filter` callback result") {
                            return Pv::Bad;
                        }
                        if r.truthy() {
                            out.push(it.clone());
                        }
                    } else {
                        out.push(r);
                    }
                }
                if name == "map" || name == "filter" {
                    Pv::Arr(Rc::new(out))
                } else {
                    Pv::Undef
                }
            }
            Pv::Policy => self.policy_call(name, nspan, args, span),
            Pv::Rel(r) => {
                let r = r.clone();
                self.rel_call(&r, name, nspan, args, span)
            }
            Pv::Table(t) if name != "managedByCreator" => {
                let r = super::relations::state::RelState::table(t);
                self.rel_call(&r, name, nspan, args, span)
            }
            Pv::Table(t) => {
                // managedByCreator()
                let t = t.clone();
                for slots in [
                    vec![Slot::SelectUsing],
                    vec![Slot::InsertCheck],
                    vec![Slot::UpdateUsing, Slot::UpdateCheck],
                    vec![Slot::DeleteUsing],
                ] {
                    self.register(
                        t.clone(),
                        slots,
                        is_creator(),
                        span,
                        RuleForm::ManagedByCreator,
                        None,
                    );
                }
                Pv::Undef
            }
            Pv::Action(t, a) => {
                let slots = match a {
                    Action::Read => vec![Slot::SelectUsing],
                    Action::Insert => vec![Slot::InsertCheck],
                    Action::Delete => vec![Slot::DeleteUsing],
                    Action::Update => vec![Slot::UpdateUsing, Slot::UpdateCheck],
                };
                let (form, arg) = rule_form(name, first.as_ref());
                let e = match name {
                    "always" => Expr::True,
                    "never" => Expr::False,
                    _ => match first {
                        Some((c, cs)) => self.resolve(&c, cs, t),
                        None => {
                            self.upstream_error(
                                codes::BAD_CONDITION,
                                span,
                                "Unsupported permission condition input.".into(),
                            );
                            Expr::False
                        }
                    },
                };
                self.register(t.clone(), slots, e, span, form, arg);
                Pv::Undef
            }
            Pv::Update(b) => {
                let t = b.borrow().table.clone();
                match name {
                    "where" | "always" | "never" => {
                        let (form, arg) = rule_form(name, first.as_ref());
                        let e = match name {
                            "always" => Expr::True,
                            "never" => Expr::False,
                            _ => match first {
                                Some((c, cs)) => self.resolve(&c, cs, &t),
                                None => Expr::False,
                            },
                        };
                        let slots = vec![Slot::UpdateUsing, Slot::UpdateCheck];
                        self.register(t, slots, e, span, form, arg);
                        Pv::Undef
                    }
                    _ => {
                        let c = first.unwrap_or((Pv::Undef, span));
                        {
                            let mut bm = b.borrow_mut();
                            if name == "whereOld" {
                                bm.old = Some(c);
                            } else {
                                bm.new = Some(c);
                            }
                        }
                        self.register_update(b);
                        recv.clone()
                    }
                }
            }
            Pv::ExistsB(t) => {
                let t = t.clone();
                match first {
                    Some((Pv::Obj(o), _)) if super::relations::has_qualified(&o, &t) => {
                        Pv::Cond(Rc::new(Cond::Ready(self.qualified_where(&o, &t, false))))
                    }
                    Some((Pv::Obj(o), _)) => {
                        let cond = self.where_object(&o, &t, true);
                        Pv::Cond(Rc::new(Cond::Ready(Expr::Exists {
                            table: t.to_string(),
                            condition: Box::new(cond),
                        })))
                    }
                    Some((Pv::Bad, _)) => Pv::Cond(Rc::new(Cond::Ready(Expr::False))),
                    other => {
                        let at = other.map(|o| o.1).unwrap_or(span);
                        self.upstream_error(
                            codes::NOT_WHERE_OBJECT,
                            at,
                            "Expected a where-object condition.".into(),
                        );
                        Pv::Cond(Rc::new(Cond::Ready(Expr::False)))
                    }
                }
            }
            Pv::AllowedTo => self.allowed_to(name, nspan, args, span),
            Pv::Session => {
                let e = match first {
                    Some((Pv::Obj(o), _)) => self.session_where(&o),
                    other => {
                        let at = other.map(|o| o.1).unwrap_or(span);
                        self.upstream_error(
                            codes::NOT_WHERE_OBJECT,
                            at,
                            "Expected a where-object condition.".into(),
                        );
                        Expr::False
                    }
                };
                Pv::Cond(Rc::new(Cond::Ready(e)))
            }
            _ => {
                let _ = Operation::Select;
                self.report(
                    codes::NOT_STATIC,
                    nspan,
                    format!("cannot evaluate definePermissions(...) statically: `{name}(...)` is not supported here"),
                );
                Pv::Bad
            }
        }
    }

    /// `anyOf([...])` / `allOf([...])`.
    pub(super) fn call_builtin(&mut self, b: Builtin, args: Vec<(Pv, Span)>, span: Span) -> Pv {
        let name = if b == Builtin::AnyOf {
            "anyOf"
        } else {
            "allOf"
        };
        match args.into_iter().next() {
            Some((Pv::Arr(items), s)) => {
                let kids: Vec<(Pv, Span)> = items.iter().map(|i| (i.clone(), s)).collect();
                Pv::Cond(Rc::new(if b == Builtin::AnyOf {
                    Cond::AnyOf(kids)
                } else {
                    Cond::AllOf(kids)
                }))
            }
            other => {
                let at = other.map(|o| o.1).unwrap_or(span);
                self.upstream_error(
                    codes::COMBINATOR_NOT_ARRAY,
                    at,
                    format!("\"{name}(...)\" expects an array of conditions."),
                );
                Pv::Bad
            }
        }
    }
}
