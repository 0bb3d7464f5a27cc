//! Reading one column op of `migrate.<table>`:
//! `s.add.<t>(…)`, `s.drop.<t>(…)`, `s.renameFrom("old")` and the deprecated `s.rename`.

use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::schema::ColumnKind;
use crate::source::Span;
use crate::syntax::ast::Expr;

use super::super::codes;
use super::config::{OpKind, TypedOp};
use super::syntax::{Scope, callee_path, unsupported};

pub(super) fn column_op<'a>(scope: &mut Scope<'a>, value: &'a Expr) -> Option<OpKind> {
    let e = scope.resolve(value);
    let Expr::Call {
        callee, args, span, ..
    } = e
    else {
        scope.diags.push(unsupported(
            e.span(),
            "expected `s.add.<type>(...)`, `s.drop.<type>(...)` or `s.renameFrom(\"<old>\")`",
        ));
        return None;
    };
    match callee_path(callee) {
        Some((None, name @ ("renameFrom" | "rename"))) => {
            if name == "rename" {
                scope.diags.push(
                    Diagnostic::new(
                        codes::DEPRECATED_RENAME,
                        "rename(...) is deprecated; use renameFrom(...)",
                    )
                    .at(callee.span())
                    .fix(
                        "Use renameFrom",
                        callee_name_span(callee).unwrap_or(*span),
                        "renameFrom",
                    ),
                );
            }
            match args.first().and_then(|a| scope.string(&a.expr)) {
                Some((old, old_span)) => Some(OpKind::Rename { old, old_span }),
                None => {
                    scope.diags.push(unsupported(
                        *span,
                        "`renameFrom` takes the old column name as a string",
                    ));
                    None
                }
            }
        }
        Some((Some(verb @ ("add" | "drop")), name))
            if ColumnKind::from_dsl_name(name).is_some() =>
        {
            let ty = ColumnKind::from_dsl_name(name)?;
            let drop = verb == "drop";
            let dkey = if drop { "backwardsDefault" } else { "default" };
            let mut op = TypedOp {
                ty,
                variants: Vec::new(),
                ref_table: None,
                of: None,
                value: None,
                unreadable: false,
                value_span: *span,
            };
            let mut opts = None;
            for (i, a) in args.iter().enumerate() {
                let is_last = i + 1 == args.len();
                match ty {
                    ColumnKind::Enum if !is_last => match scope.string(&a.expr) {
                        Some((v, _)) => op.variants.push(v),
                        None => scope.diags.push(unsupported(
                            a.expr.span(),
                            "enum variants must be string literals",
                        )),
                    },
                    ColumnKind::Ref if i == 0 => {
                        op.ref_table = scope.string(&a.expr).map(|s| s.0);
                    }
                    // The options object (`{ default, of, schema }`) is the last argument.
                    ColumnKind::String
                    | ColumnKind::Boolean
                    | ColumnKind::Int
                    | ColumnKind::Float
                    | ColumnKind::Timestamp
                    | ColumnKind::Bytes
                    | ColumnKind::Json
                    | ColumnKind::Enum
                    | ColumnKind::Ref
                    | ColumnKind::Array => {
                        if is_last {
                            opts = Some(&a.expr);
                        } else {
                            scope
                                .diags
                                .push(unsupported(a.expr.span(), "unexpected argument"));
                        }
                    }
                }
            }
            if let Some(o) = opts
                && let Some(entries) = scope.entries(o)
            {
                for en in entries {
                    match en.key.as_str() {
                        k if k == dkey => {
                            op.value_span = en.value.span();
                            op.value = scope.literal(en.value, 0);
                            op.unreadable = op.value.is_none();
                        }
                        "of" if ty == ColumnKind::Array => op.of = scope.builder_type(en.value, 0),
                        "schema" if ty == ColumnKind::Json => {}
                        _ => {}
                    }
                }
            }
            Some(if drop {
                OpKind::Drop(op)
            } else {
                OpKind::Add(op)
            })
        }
        path => {
            let mut d = unsupported(callee.span(), "not a migration op");
            // `s.add.strng(...)`: the column constructor is misspelt.
            if let Some((Some(verb @ ("add" | "drop")), name)) = path
                && let Some(near) = did_you_mean(name, ColumnKind::dsl_names())
            {
                d = d.help(format!("did you mean `s.{verb}.{near}(...)`?"));
                if let Some(at) = callee_name_span(callee) {
                    d = d.fix(format!("Replace with `{near}`"), at, near);
                }
            }
            scope.diags.push(d);
            None
        }
    }
}

fn callee_name_span(callee: &Expr) -> Option<Span> {
    match callee {
        Expr::Member {
            prop: crate::syntax::ast::MemberProp::Name { span, .. },
            ..
        } => Some(*span),
        Expr::Ident(id) => Some(id.span),
        _ => None,
    }
}
