//! Reading the migration config from the syntax tree: module-scope
//! `const` bindings, object entries in JS property order (spreads of const objects, duplicate
//! keys), default literals, op calls and the element builders of `add.array` / `drop.array`.
//! Anything else is JZ3002 at its span. No evaluation beyond literals happens here; witnesses
//! are built by the evaluator.

use std::collections::HashMap;
use std::rc::Rc;

use crate::diagnostics::Diagnostic;
use crate::schema::enum_order::sort_variants;
use crate::schema::json::is_array_index_key;
use crate::schema::{ColumnKind, ColumnType};
use crate::source::Span;
use crate::syntax::ast::{Arg, Expr, Item, MemberProp, Pat, Prop, PropKey, Stmt, UnaryOp, VarKind};

use super::super::codes;

/// A default literal.
#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    Undefined,
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Array(Vec<Lit>),
    Object(Vec<(String, Lit)>),
    /// Milliseconds (NaN for an invalid date).
    Date(f64),
    Bytes(Vec<u8>),
}

/// One object entry: key, key span, value expression.
#[derive(Clone, Debug)]
pub struct Entry<'a> {
    pub key: String,
    pub key_span: Span,
    pub value: &'a Expr,
}

/// Module-scope context: `const` initialisers by name.
pub struct Scope<'a> {
    consts: HashMap<Rc<str>, &'a Expr>,
    pub diags: Vec<Diagnostic>,
}

const MAX_DEPTH: u32 = 64;

pub fn unsupported(span: Span, what: &str) -> Diagnostic {
    Diagnostic::new(
        codes::UNSUPPORTED,
        "unsupported expression in a migration file (migration files are read statically)",
    )
    .at_labelled(span, what.to_owned())
}

impl<'a> Scope<'a> {
    pub fn new(items: &'a [Item]) -> Self {
        let mut consts = HashMap::new();
        for item in items {
            if let Item::Stmt {
                stmt:
                    Stmt::Var {
                        kind: VarKind::Const,
                        decls,
                        ..
                    },
                ..
            } = item
            {
                for d in decls {
                    if let (Pat::Ident(id), Some(init)) = (&d.pat, &d.init) {
                        consts.insert(id.name.clone(), init);
                    }
                }
            }
        }
        Self {
            consts,
            diags: Vec::new(),
        }
    }

    /// Follows `const` names to their initialiser.
    pub fn resolve(&self, mut e: &'a Expr) -> &'a Expr {
        for _ in 0..MAX_DEPTH {
            match e {
                Expr::Ident(id) => match self.consts.get(&id.name) {
                    Some(init) => e = init,
                    None => return e,
                },
                _ => return e,
            }
        }
        e
    }

    pub fn const_expr(&self, name: &str) -> Option<&'a Expr> {
        self.consts.get(name).copied()
    }

    /// The entries of an object expression in JS own-property order; `None` (after JZ3002) when
    /// it is not an object. Duplicate keys keep their first position and last value (JZ3507).
    pub fn entries(&mut self, e: &'a Expr) -> Option<Vec<Entry<'a>>> {
        let mut out: Vec<Entry<'a>> = Vec::new();
        self.collect_entries(e, &mut out, 0).then_some(())?;
        // Canonical array-index keys first, ascending; then the rest in insertion order.
        let (mut idx, rest): (Vec<Entry<'a>>, Vec<Entry<'a>>) = out
            .into_iter()
            .partition(|en| is_array_index_key(&en.key).is_some());
        idx.sort_by_key(|en| is_array_index_key(&en.key));
        idx.extend(rest);
        Some(idx)
    }

    fn collect_entries(&mut self, e: &'a Expr, out: &mut Vec<Entry<'a>>, depth: u32) -> bool {
        let e = self.resolve(e);
        let Expr::Object { props, .. } = e else {
            self.diags
                .push(unsupported(e.span(), "expected an object literal"));
            return false;
        };
        if depth > MAX_DEPTH {
            self.diags
                .push(unsupported(e.span(), "spreads nested too deeply"));
            return false;
        }
        for p in props {
            let (key, key_span, value) = match p {
                Prop::KeyValue {
                    key: PropKey::Static { span, name },
                    value,
                    ..
                } => (String::from(&*name.text), *span, value),
                Prop::KeyValue { key, .. } | Prop::Method { key, .. } => {
                    self.diags
                        .push(unsupported(key.span(), "computed or non-static key"));
                    continue;
                }
                Prop::Shorthand(id) => match self.consts.get(&id.name) {
                    Some(init) => (id.name.to_string(), id.span, *init),
                    None => {
                        self.diags.push(unsupported(
                            id.span,
                            "shorthand of a name that is not a module-scope const",
                        ));
                        continue;
                    }
                },
                Prop::Spread { expr, .. } => {
                    self.collect_entries(expr, out, depth + 1);
                    continue;
                }
                Prop::Proto { span, .. } => {
                    self.diags.push(unsupported(*span, "`__proto__` key"));
                    continue;
                }
            };
            if key == "__proto__" {
                self.diags.push(unsupported(key_span, "`__proto__` key"));
                continue;
            }
            if let Some(prev) = out.iter_mut().find(|en| en.key == key) {
                self.diags.push(
                    Diagnostic::new(
                        codes::DUPLICATE_KEY,
                        format!("duplicate key `{key}`: the last value wins"),
                    )
                    .at(key_span)
                    .label(prev.key_span, "first written here"),
                );
                prev.value = value;
                prev.key_span = key_span;
            } else {
                out.push(Entry {
                    key,
                    key_span,
                    value,
                });
            }
        }
        true
    }

    /// A string literal (or a template without substitutions).
    pub fn string(&self, e: &'a Expr) -> Option<(String, Span)> {
        match self.resolve(e) {
            Expr::Str { value, span } => Some((String::from(&*value.text), *span)),
            Expr::Template {
                quasis,
                exprs,
                span,
            } if exprs.is_empty() => Some((
                quasis
                    .iter()
                    .flatten()
                    .map(|q| String::from(&*q.text))
                    .collect(),
                *span,
            )),
            _ => None,
        }
    }

    /// A default literal; `None` after JZ3002.
    pub fn literal(&mut self, e: &'a Expr, depth: u32) -> Option<Lit> {
        let e = self.resolve(e);
        if depth > MAX_DEPTH {
            self.diags
                .push(unsupported(e.span(), "value nested too deeply"));
            return None;
        }
        if let Some((s, _)) = self.string(e) {
            return Some(Lit::Str(s));
        }
        Some(match e {
            Expr::Null { .. } => Lit::Null,
            Expr::Ident(id) if &*id.name == "undefined" => Lit::Undefined,
            Expr::Bool { value, .. } => Lit::Bool(*value),
            Expr::Num { value, .. } => Lit::Num(*value),
            Expr::Unary {
                op: UnaryOp::Minus,
                arg,
                ..
            } => match self.resolve(arg) {
                Expr::Num { value, .. } => Lit::Num(-value),
                other => {
                    self.diags
                        .push(unsupported(other.span(), "only numbers can be negated"));
                    return None;
                }
            },
            Expr::Array { elems, .. } => {
                let mut items = Vec::new();
                for el in elems {
                    match el {
                        Some(Arg {
                            spread: false,
                            expr,
                        }) => items.push(self.literal(expr, depth + 1)?),
                        Some(Arg { expr, .. }) => {
                            self.diags
                                .push(unsupported(expr.span(), "spread in an array literal"));
                            return None;
                        }
                        None => items.push(Lit::Undefined),
                    }
                }
                Lit::Array(items)
            }
            Expr::Object { .. } => {
                let entries = self.entries(e)?;
                let mut members = Vec::new();
                for en in entries {
                    members.push((en.key, self.literal(en.value, depth + 1)?));
                }
                Lit::Object(members)
            }
            Expr::New { callee, args, span } => return self.new_expr(callee, args, *span, depth),
            other => {
                self.diags.push(unsupported(
                    other.span(),
                    "defaults must be literals, `new Date(...)` or `new Uint8Array([...])`",
                ));
                return None;
            }
        })
    }

    fn new_expr(
        &mut self,
        callee: &'a Expr,
        args: &'a [Arg],
        span: Span,
        depth: u32,
    ) -> Option<Lit> {
        let name = match callee {
            Expr::Ident(id) => id.name.to_string(),
            _ => String::new(),
        };
        let first = args.first().filter(|a| !a.spread).map(|a| &a.expr);
        match (name.as_str(), first, args.len()) {
            ("Date", Some(a), 1) => {
                match self.literal(a, depth + 1)? {
                    Lit::Num(n) => Some(Lit::Date(crate::eval::date::time_clip(n))),
                    Lit::Str(s) => match crate::eval::date::parse_date_string(&s) {
                        crate::eval::date::DateParse::Ms { ms, .. } => Some(Lit::Date(ms)),
                        _ => {
                            self.diags.push(unsupported(span, "`new Date` needs an ISO date string with an offset, or milliseconds"));
                            None
                        }
                    },
                    _ => {
                        self.diags
                            .push(unsupported(span, "`new Date` takes a string or a number"));
                        None
                    }
                }
            }
            ("Uint8Array", Some(a), 1) => match self.literal(a, depth + 1)? {
                Lit::Array(items) => {
                    let bytes: Option<Vec<u8>> = items
                        .iter()
                        .map(|i| match i {
                            Lit::Num(n) if n.fract() == 0.0 && (0.0..=255.0).contains(n) => {
                                Some(*n as u8)
                            }
                            _ => None,
                        })
                        .collect();
                    match bytes {
                        Some(b) => Some(Lit::Bytes(b)),
                        None => {
                            self.diags.push(
                                Diagnostic::new(
                                    codes::BAD_BYTES,
                                    "Bytea arrays must contain integers in range 0..255",
                                )
                                .at(span),
                            );
                            None
                        }
                    }
                }
                _ => {
                    self.diags
                        .push(unsupported(span, "`new Uint8Array` takes an array literal"));
                    None
                }
            },
            _ => {
                self.diags.push(unsupported(
                    span,
                    "only `new Date(...)` and `new Uint8Array([...])` are read",
                ));
                None
            }
        }
    }

    /// The column type an element builder (`s.string()`, `s.ref("t")`, `s.array(...)`...)
    /// stands for, with its ref target; modifiers are skipped. `None` when not a builder.
    pub fn builder_type(&self, e: &'a Expr, depth: u32) -> Option<(ColumnType, Option<String>)> {
        let Expr::Call { callee, args, .. } = self.resolve(e) else {
            return None;
        };
        let Expr::Member {
            obj,
            prop: MemberProp::Name { name, .. },
            ..
        } = &**callee
        else {
            return None;
        };
        if depth > MAX_DEPTH {
            return None;
        }
        let arg = |i: usize| args.get(i).filter(|a| !a.spread).map(|a| &a.expr);
        if matches!(&**name, "optional" | "default" | "merge" | "transform") {
            return self.builder_type(obj, depth + 1);
        }
        let kind = ColumnKind::from_dsl_name(name)?;
        Some(match kind {
            ColumnKind::String
            | ColumnKind::Boolean
            | ColumnKind::Int
            | ColumnKind::Float
            | ColumnKind::Timestamp
            | ColumnKind::Bytes => (kind.plain_type()?, None),
            ColumnKind::Json => (ColumnType::Json { schema: None }, None),
            ColumnKind::Enum => {
                let vs: Option<Vec<String>> = args
                    .iter()
                    .map(|a| self.string(&a.expr).map(|s| s.0))
                    .collect();
                (
                    ColumnType::Enum {
                        variants: sort_variants(&vs?),
                    },
                    None,
                )
            }
            ColumnKind::Ref => (ColumnType::Uuid, Some(self.string(arg(0)?)?.0)),
            ColumnKind::Array => {
                let (el, r) = self.builder_type(arg(0)?, depth + 1)?;
                (ColumnType::Array(Box::new(el)), r)
            }
        })
    }
}

/// The callee name of `X.name(...)` or `name(...)`, and for `X.ns.name(...)` the namespace.
pub fn callee_path(callee: &Expr) -> Option<(Option<&str>, &str)> {
    match callee {
        Expr::Ident(id) => Some((None, &id.name)),
        Expr::Member {
            obj,
            prop: MemberProp::Name { name, .. },
            ..
        } => match &**obj {
            Expr::Member {
                prop: MemberProp::Name { name: ns, .. },
                obj: base,
                ..
            } if matches!(**base, Expr::Ident(_)) => Some((Some(ns), name)),
            Expr::Ident(_) => Some((None, name)),
            _ => None,
        },
        _ => None,
    }
}
