//! Completion of keys: columns in the where-object of a rule (`policy.<t>.allowRead.where({`),
//! of `policy.<t>.exists.where({` and of objects in `anyOf([...])` / `allOf([...])` under them;
//! session paths with the claim names seen elsewhere in the project in `session.where({` and
//! `session["`.
//!
//! The context is read from the text before the cursor (the file may not parse while typing):
//! one forward pass finds the brackets still open, skipping strings and comments.

use crate::policy::bytecode::MAGIC_COLUMNS;

use crate::source::{FileId, Span};

use super::Analysis;
use super::complete::{Completion, CompletionKind};

/// Where the cursor's object literal sits.
enum KeyContext {
    /// A where-object of rules on this table.
    Table(String),
    /// `session.where({`.
    Session,
}

impl Analysis {
    /// Key candidates when the cursor is at a key of a where-object or in a session path;
    /// `None` when it is not.
    pub(super) fn key_completions(&self, file: FileId, before: &str) -> Option<Vec<Completion>> {
        let cursor = u32::try_from(before.len()).unwrap_or(u32::MAX);
        let here = |s: &Span| s.file == file && s.range.contains(cursor);
        let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
        let typed = before.trim_end_matches(|c: char| ident(c) || c == '.');
        // After `claims.` the editor replaces only the part after the dot: offer bare names.
        let in_claims = before
            .get(typed.len()..)
            .is_some_and(|p| p.starts_with("claims."));
        // `session["claims.` / `session['`: session paths.
        if let Some(rest) = typed.strip_suffix('"').or_else(|| typed.strip_suffix('\''))
            && rest.trim_end().ends_with("session[")
        {
            return Some(self.session_paths(in_claims, &here));
        }
        let head = typed
            .strip_suffix('"')
            .or_else(|| typed.strip_suffix('\''))
            .unwrap_or(typed);
        let trimmed = head.trim_end();
        if !(trimmed.ends_with('{') || trimmed.ends_with(',')) {
            return None;
        }
        let open = open_brackets(trimmed)?;
        match key_context(trimmed, &open)? {
            KeyContext::Session => Some(self.session_paths(in_claims, &here)),
            KeyContext::Table(t) => {
                let table = self.schema.as_deref()?.table(&t)?;
                let mut out: Vec<Completion> = table
                    .columns
                    .iter()
                    .map(|c| Completion {
                        label: c.name.clone(),
                        kind: CompletionKind::Column,
                        detail: format!("{}.{}: {}", t, c.name, c.column_type.describe()),
                    })
                    .collect();
                out.push(Completion {
                    label: "id".into(),
                    kind: CompletionKind::Column,
                    detail: format!("{t}.id: the row id"),
                });
                out.extend(MAGIC_COLUMNS.iter().map(|m| Completion {
                    label: (*m).to_owned(),
                    kind: CompletionKind::Column,
                    detail: format!("{t}.{m}: magic column"),
                }));
                Some(out)
            }
        }
    }

    /// `user_id`, `authMode` and `claims.<x>` for every claim used in the project; only the
    /// claim names when `claims.` is already typed.
    fn session_paths(&self, in_claims: bool, here: &dyn Fn(&Span) -> bool) -> Vec<Completion> {
        let claims = self.claims_except(here).into_iter().map(|c| Completion {
            label: if in_claims {
                c.clone()
            } else {
                format!("claims.{c}")
            },
            kind: CompletionKind::Member,
            detail: "a JWT claim used elsewhere in the project".into(),
        });
        if in_claims {
            return claims.collect();
        }
        let mut out = vec![
            Completion {
                label: "user_id".into(),
                kind: CompletionKind::Member,
                detail: "the signed-in user's id".into(),
            },
            Completion {
                label: "authMode".into(),
                kind: CompletionKind::Member,
                detail: "how the session authenticated".into(),
            },
        ];
        out.extend(claims);
        out
    }
}

/// The brackets still open at the end of `text`: (bracket, byte offset); `None` when the
/// text ends inside a string or a comment (no key is being typed there).
fn open_brackets(text: &str) -> Option<Vec<(u8, usize)>> {
    let bytes = text.as_bytes();
    let mut stack: Vec<(u8, usize)> = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' | b'\'' | b'`' => {
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => return None,
                        Some(b'\\') => i += 1,
                        Some(&c) if c == b => break,
                        Some(_) => {}
                    }
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
                bytes.get(i)?;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while !(bytes.get(i) == Some(&b'*') && bytes.get(i + 1) == Some(&b'/')) {
                    bytes.get(i)?;
                    i += 1;
                }
                i += 1;
            }
            b'(' | b'[' | b'{' => stack.push((b, i)),
            b')' | b']' | b'}' => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    Some(stack)
}

/// What the innermost open `{` is the argument of: a `where(` on a table's rule or exists
/// builder, or `session.where(`. Objects that are elements of `anyOf([` / `allOf([` count as
/// their combinator's place.
fn key_context(text: &str, open: &[(u8, usize)]) -> Option<KeyContext> {
    let mut level = open.len().checked_sub(1)?;
    let (b, pos) = *open.get(level)?;
    if b != b'{' {
        return None;
    }
    let mut arg_start = pos;
    loop {
        let (pb, ppos) = *open.get(level.checked_sub(1)?)?;
        let between = text.get(ppos + 1..arg_start)?.trim();
        match pb {
            // The object is an element of an array: `anyOf([` / `allOf([`.
            b'[' => {
                let (cb, cpos) = *open.get(level.checked_sub(2)?)?;
                let callee = text.get(..cpos)?.trim_end();
                let direct = text.get(cpos + 1..ppos)?.trim().is_empty();
                if cb != b'('
                    || !direct
                    || !(callee.ends_with("anyOf") || callee.ends_with("allOf"))
                {
                    return None;
                }
                if !(between.is_empty() || between.ends_with(',')) {
                    return None;
                }
                level -= 2;
                // The combinator call must itself be an argument: look at its own parent.
                let callee_start = callee.len() - 5;
                let (gb, gpos) = *open.get(level.checked_sub(1)?)?;
                let lead = text.get(gpos + 1..callee_start)?.trim();
                if gb == b'(' && lead.is_empty() {
                    return receiver(text.get(..gpos)?);
                }
                if gb == b'[' && (lead.is_empty() || lead.ends_with(',')) {
                    arg_start = callee_start;
                    continue;
                }
                return None;
            }
            b'(' if between.is_empty() => return receiver(text.get(..ppos)?),
            _ => return None,
        }
    }
}

/// `recv` of `recv.where` / `recv.whereOld` / `recv.whereNew`.
fn strip_where(callee: &str) -> Option<&str> {
    let callee = callee.trim_end();
    ["whereOld", "whereNew", "where"]
        .iter()
        .find_map(|w| callee.strip_suffix(w))?
        .trim_end()
        .strip_suffix('.')
        .map(str::trim_end)
}

/// The offset of the `(` that the `)` just after `text` closes: the last bracket left open.
fn matching_open(text: &str) -> Option<usize> {
    open_brackets(text)?
        .last()
        .filter(|(b, _)| *b == b'(')
        .map(|(_, at)| *at)
}

/// The context of a `where` call whose callee text is `callee` (`policy.t.allowRead.where`).
fn receiver(callee: &str) -> Option<KeyContext> {
    let mut recv = strip_where(callee)?;
    // `allowUpdate.whereOld({...}).whereNew({`: the builder is before the earlier calls.
    while let Some(inner) = recv.strip_suffix(')') {
        let open = matching_open(inner)?;
        recv = strip_where(inner.get(..open)?)?;
    }
    if recv.ends_with("session") {
        return Some(KeyContext::Session);
    }
    let builders = [
        "exists",
        "allowRead",
        "allowReads",
        "allowInsert",
        "allowInserts",
        "allowUpdate",
        "allowUpdates",
        "allowDelete",
        "allowDeletes",
    ];
    let rest = builders
        .iter()
        .find_map(|b| recv.strip_suffix(b))?
        .trim_end()
        .strip_suffix('.')?
        .trim_end();
    let start = rest
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
        .map_or(0, |i| i + 1);
    let table = rest.get(start..)?;
    let before = rest.get(..start)?.trim_end();
    (!table.is_empty() && before.ends_with("policy.")).then(|| KeyContext::Table(table.to_owned()))
}

#[cfg(test)]
mod tests;
