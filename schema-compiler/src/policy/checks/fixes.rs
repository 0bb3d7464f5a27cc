//! Text edits for the permissions fixes: where a new rule can be
//! inserted in the `definePermissions` factory, and the small rewrites of one rule call. Every
//! edit is built from the source text and only offered when the text has the expected shape,
//! so applying it yields valid permissions.ts.

use std::sync::Arc;

use crate::diagnostics::{Fix, TextEdit};
use crate::eval::value::{PermissionsDef, Value};
use crate::source::{FileId, Span, TextRange};
use crate::syntax::ast::{FnBody, Pat, PropKey};

use super::super::ir::{RuleForm, RuleOrigin};

/// Where fixes may add rules: the end of the factory body.
#[derive(Debug, Clone)]
pub struct Site {
    pub file: FileId,
    pub text: Arc<str>,
    /// Offset of the insertion; the new statement is `indent + stmt + suffix`.
    insert_at: u32,
    indent: String,
    suffix: String,
    /// How the factory reaches `policy` (`policy`, a renamed binding, `ctx.policy`).
    pub policy: String,
}

impl Site {
    /// The site of `def`'s factory in `text` (the factory's file), if it has a block body and
    /// a `policy` it can name.
    pub fn of(def: &PermissionsDef, text: Arc<str>) -> Option<Site> {
        let Value::Function(f) = &def.factory else {
            return None;
        };
        let FnBody::Block(stmts) = &f.body else {
            return None;
        };
        let policy = policy_name(f.params.first()?)?;
        let close = f.span.range.end.checked_sub(1)?;
        if text.get(close as usize..f.span.range.end as usize) != Some("}") {
            return None;
        }
        let line = line_start(&text, close);
        let before = text.get(line as usize..close as usize)?;
        let indent_of = |at: u32| -> String {
            let ls = line_start(&text, at);
            text.get(ls as usize..at as usize)
                .filter(|w| w.chars().all(char::is_whitespace))
                .unwrap_or("")
                .to_owned()
        };
        // A trailing `return` (returning the rules is allowed) must stay last: insert before it.
        let ret = match stmts.last() {
            Some(crate::syntax::ast::Stmt::Return { span, .. }) => Some(span.range.start),
            _ => None,
        };
        let (insert_at, indent, suffix) = if let Some(r) = ret {
            let ls = line_start(&text, r);
            let lead = text.get(ls as usize..r as usize)?;
            if !lead.chars().all(char::is_whitespace) {
                return None;
            }
            (ls, lead.to_owned(), "\n".to_owned())
        } else if before.chars().all(char::is_whitespace) {
            let indent = match stmts.iter().rev().find_map(stmt_start) {
                Some(s) => indent_of(s),
                None => format!("{before}  "),
            };
            (line, indent, "\n".to_owned())
        } else {
            (close, String::new(), " ".to_owned())
        };
        Some(Site {
            file: f.span.file,
            text,
            insert_at,
            indent,
            suffix,
            policy,
        })
    }

    /// A fix adding each of `stmts` (without `;`) at the end of the factory body, in order,
    /// as one edit.
    pub fn add_statements(&self, title: String, stmts: &[String]) -> Fix {
        let new_text = stmts
            .iter()
            .map(|stmt| format!("{}{stmt};{}", self.indent, self.suffix))
            .collect();
        Fix {
            title,
            edits: vec![TextEdit {
                file: self.file,
                range: TextRange::new(self.insert_at, self.insert_at),
                new_text,
            }],
        }
    }

    fn slice(&self, s: Span) -> Option<&str> {
        (s.file == self.file)
            .then(|| self.text.get(s.range.start as usize..s.range.end as usize))
            .flatten()
    }

    /// The offset just past the `)` closing the call whose last argument is `arg`.
    fn call_end(&self, arg: Span) -> Option<u32> {
        let rest = self.text.get(arg.range.end as usize..)?;
        let skipped = rest
            .char_indices()
            .find(|(_, c)| !(c.is_whitespace() || *c == ','))?;
        (skipped.1 == ')').then(|| arg.range.end + skipped.0 as u32 + 1)
    }

    /// JZ2321: `….where({})` → `….always()`.
    pub fn where_to_always(&self, r: &RuleOrigin) -> Option<Fix> {
        let arg = r.arg?;
        let callee = self.slice(r.span)?;
        let recv = callee.strip_suffix(".where")?;
        let start = r.span.range.start + recv.len() as u32 + 1;
        let end = self.call_end(arg)?;
        Some(edit(
            self.file,
            start,
            end,
            "always()",
            "Replace with `.always()`",
        ))
    }

    /// JZ2325: insert `.whereNew({})` after the `whereOld(…)` call of an update builder.
    pub fn add_where_new(&self, r: &RuleOrigin) -> Option<Fix> {
        let end = self.call_end(r.arg?)?;
        Some(edit(
            self.file,
            end,
            end,
            ".whereNew({})",
            "Add `.whereNew({})` (the new row may have any value)",
        ))
    }

    /// JZ2102: a copy of the update rule `r` as an `allowDelete` rule, inserted after the rule's
    /// statement (same scope, so the condition's names still resolve).
    pub fn copy_to_delete(&self, r: &RuleOrigin, table: &str) -> Option<Fix> {
        let stmt = r.stmt?;
        if stmt.range.start != r.span.range.start {
            return None;
        }
        let callee = self.slice(r.span)?;
        let builder = [".where", ".always", ".never"]
            .iter()
            .find_map(|m| callee.strip_suffix(m))
            .unwrap_or(callee);
        let recv = builder
            .strip_suffix(".allowUpdate")
            .or_else(|| builder.strip_suffix(".allowUpdates"))?;
        let cond = match r.form {
            RuleForm::Always => "always()".to_owned(),
            RuleForm::Never => "never()".to_owned(),
            _ => format!("where({})", self.slice(r.arg?)?),
        };
        let indent = {
            let ls = line_start(&self.text, stmt.range.start);
            self.text
                .get(ls as usize..stmt.range.start as usize)
                .filter(|w| w.chars().all(char::is_whitespace))
                .unwrap_or("")
                .to_owned()
        };
        let at = stmt.range.end;
        Some(edit(
            self.file,
            at,
            at,
            &format!("\n{indent}{recv}.allowDelete.{cond};"),
            &format!("Copy the update rule to `policy.{table}.allowDelete`"),
        ))
    }
}

fn edit(file: FileId, start: u32, end: u32, text: &str, title: &str) -> Fix {
    Fix {
        title: title.to_owned(),
        edits: vec![TextEdit {
            file,
            range: TextRange::new(start, end),
            new_text: text.to_owned(),
        }],
    }
}

fn line_start(text: &str, at: u32) -> u32 {
    text.get(..at as usize)
        .and_then(|b| b.rfind('\n'))
        .map_or(0, |i| i as u32 + 1)
}

fn stmt_start(s: &crate::syntax::ast::Stmt) -> Option<u32> {
    use crate::syntax::ast::Stmt;
    match s {
        Stmt::Var { span, .. }
        | Stmt::Function { span, .. }
        | Stmt::Expr { span, .. }
        | Stmt::Return { span, .. }
        | Stmt::If { span, .. }
        | Stmt::Block { span, .. }
        | Stmt::Loop { span, .. }
        | Stmt::Switch { span, .. }
        | Stmt::Break { span, .. }
        | Stmt::Continue { span, .. }
        | Stmt::Other { span, .. } => Some(span.range.start),
        _ => None,
    }
}

/// How the factory's first parameter reaches `policy`.
fn policy_name(p: &Pat) -> Option<String> {
    match p {
        Pat::Ident(i) => Some(format!("{}.policy", i.name)),
        Pat::Default { pat, .. } => policy_name(pat),
        Pat::Object { props, .. } => props
            .iter()
            .find_map(|prop| match (&prop.key, &prop.value) {
                (PropKey::Static { name, .. }, Pat::Ident(i)) if &*name.text == "policy" => {
                    Some(i.name.to_string())
                }
                _ => None,
            }),
        _ => None,
    }
}
