//! Reading one column op of `migrate.<table>`:
//! `s.add.<t>(…)`, `s.drop.<t>(…)`, `s.renameFrom("old")` and the deprecated `s.rename`.

use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::Expr;

use super::super::codes;
use super::config::{OpKind, TypedOp};
use super::syntax::{Scope, callee_path, unsupported};

const OP_TYPES: &[&str] = &[
    "string",
    "int",
    "float",
    "boolean",
    "timestamp",
    "bytes",
    "json",
    "enum",
    "ref",
    "array",
];

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
        Some((Some(verb @ ("add" | "drop")), ty)) if OP_TYPES.contains(&ty) => {
            let drop = verb == "drop";
            let dkey = if drop { "backwardsDefault" } else { "default" };
            let mut op = TypedOp {
                ty: ty.to_owned(),
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
                    "enum" if !is_last => match scope.string(&a.expr) {
                        Some((v, _)) => op.variants.push(v),
                        None => scope.diags.push(unsupported(
                            a.expr.span(),
                            "enum variants must be string literals",
                        )),
                    },
                    "ref" if i == 0 => op.ref_table = scope.string(&a.expr).map(|s| s.0),
                    _ if is_last => opts = Some(&a.expr),
                    _ => scope
                        .diags
                        .push(unsupported(a.expr.span(), "unexpected argument")),
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
                        "of" if ty == "array" => op.of = scope.builder_type(en.value, 0),
                        "schema" if ty == "json" => {}
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
        _ => {
            scope
                .diags
                .push(unsupported(callee.span(), "not a migration op"));
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
