//! Answers while a file has errors: hover, definition and completion ask the current analysis
//! first and, when it has no answer (a syntax error or an unknown column type leaves no schema),
//! the last analysis in which the queried file was good ([`LastGood`]).
//!
//! A recalled analysis read older texts, so positions are mapped between its texts and today's
//! ([`Change`]): each file differs by one edited region, found as the longest common prefix and
//! suffix. Text before the region keeps its offsets, text after it shifts by the edit's length
//! change, and anything touching the region is not mapped. A recalled answer is given only when
//! every range it rests on maps: the name under the cursor, the definition it points to, and the
//! whole table section a hover describes. Otherwise there is no answer: never a wrong one.
//!
//! Per file rather than per project: a file's last good analysis is the latest one in which the
//! file and everything it depends on had no errors (schema.ts and its imports for schema.ts;
//! those and permissions.ts for permissions.ts). Migration files never count; the current
//! analysis answers for them.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::source::{FileId, Span, TextRange};

use super::{Analysis, Completion, Symbol};

/// The last good analysis of each file of one project.
#[derive(Clone, Debug, Default)]
pub struct LastGood {
    files: HashMap<PathBuf, Arc<Analysis>>,
}

impl LastGood {
    /// Keeps `a` as the last good analysis of schema.ts and permissions.ts, each when `a` is
    /// good for it.
    pub fn record(&mut self, a: &Arc<Analysis>) {
        for path in [&a.schema_file, &a.permissions_file].into_iter().flatten() {
            if good_for(a, path) {
                self.files.insert(path.clone(), a.clone());
            }
        }
    }

    /// The last analysis in which `path` was good.
    pub fn get(&self, path: &Path) -> Option<&Arc<Analysis>> {
        self.files.get(path)
    }
}

/// Whether `a` can answer for `path`: a schema was built, permissions were compiled when
/// `path` is permissions.ts, and no error sits where it would make those answers partial.
fn good_for(a: &Analysis, path: &Path) -> bool {
    if a.schema.is_none() || a.db.lookup(path).is_none() {
        return false;
    }
    let is_permissions = a.permissions_file.as_deref() == Some(path);
    if is_permissions && a.permissions.is_none() {
        return false;
    }
    let permissions = a.permissions_file.as_deref().and_then(|p| a.db.lookup(p));
    let migrations: HashSet<FileId> = a.migrations.iter().filter_map(|m| m.file).collect();
    !a.diagnostics.iter().any(|d| {
        let migration_code = (3000..4000).contains(&d.code.0);
        let elsewhere = d.span().is_some_and(|s| {
            migrations.contains(&s.file) || (!is_permissions && Some(s.file) == permissions)
        });
        d.is_error() && !migration_code && !elsewhere
    })
}

/// The current analysis, with the last good one of the queried file behind it.
#[derive(Clone, Copy, Debug)]
pub struct Recall<'a> {
    now: &'a Analysis,
    good: Option<&'a Analysis>,
}

impl<'a> Recall<'a> {
    /// `good` is the queried file's last good analysis ([`LastGood::get`]); it is not asked
    /// when it is `now` itself.
    pub fn new(now: &'a Analysis, good: Option<&'a Analysis>) -> Self {
        let good = good.filter(|g| !std::ptr::eq(*g, now));
        Self { now, good }
    }

    /// The hover text at `offset` of `file` (an id of the current analysis) and the range of
    /// the name it describes, in today's text.
    pub fn hover(&self, file: FileId, offset: u32) -> Option<(String, Span)> {
        if let Some(at) = self.now.symbol_at(file, offset)
            && let Some(text) = self.now.hover(&at.symbol)
        {
            return Some((text, at.span));
        }
        let (good, at) = self.recalled_symbol(file, offset)?;
        if !self.section_unchanged(good, &at.symbol) {
            return None;
        }
        let policies = good
            .permissions_file
            .as_deref()
            .is_none_or(|p| self.same_text(good, p));
        let text = good.hover_with(&at.symbol, policies)?;
        Some((text, self.mapped(good, at.span)?))
    }

    /// Where the name at `offset` of `file` is defined, in today's text.
    pub fn definition(&self, file: FileId, offset: u32) -> Option<Span> {
        if let Some(at) = self.now.symbol_at(file, offset)
            && let Some(def) = self.now.definition(&at.symbol)
        {
            return Some(def);
        }
        let (good, at) = self.recalled_symbol(file, offset)?;
        self.mapped(good, good.definition(&at.symbol)?)
    }

    /// Completion candidates at `offset` of `file`: the current analysis's, or when it has
    /// none, the recalled analysis's for today's text before the cursor.
    pub fn completions(&self, file: FileId, offset: u32) -> Vec<Completion> {
        let out = self.now.completions(file, offset);
        if !out.is_empty() {
            return out;
        }
        let Some((good, old_file)) = self.recalled_file(file) else {
            return out;
        };
        let before = self.now.db.text(file).get(..offset as usize).unwrap_or("");
        good.completions_after(old_file, before)
    }

    /// The recalled analysis and the id it gave the file at `file`'s path.
    fn recalled_file(&self, file: FileId) -> Option<(&'a Analysis, FileId)> {
        let good = self.good?;
        let old = good.db.lookup(self.now.db.path(file)?)?;
        Some((good, old))
    }

    /// The table or column the recalled analysis has at today's `offset`, when the name
    /// there is unchanged since. The app and migrations are never recalled (their hover
    /// depends on the whole project).
    fn recalled_symbol(
        &self,
        file: FileId,
        offset: u32,
    ) -> Option<(&'a Analysis, super::SymbolAt)> {
        let (good, old) = self.recalled_file(file)?;
        let change = Change::new(good.db.text(old), self.now.db.text(file));
        let at = good.symbol_at(old, change.new_to_old(offset)?)?;
        if !matches!(at.symbol, Symbol::Table(_) | Symbol::Column { .. }) {
            return None;
        }
        self.mapped(good, at.span)?;
        Some((good, at))
    }

    /// Whether the table a symbol belongs to is unchanged since `good`: its key, its
    /// `s.table({...})` call, and every column's key and builder (a column spread in from
    /// elsewhere is written outside the call).
    fn section_unchanged(&self, good: &Analysis, symbol: &Symbol) -> bool {
        let table = match symbol {
            Symbol::Table(t) | Symbol::Column { table: t, .. } => t,
            Symbol::App | Symbol::Migration(_) => return false,
        };
        let Some(t) = good.symbols.table(table) else {
            return false;
        };
        let columns = good.symbols.columns.iter().filter(|c| c.table == *table);
        std::iter::once(t.key)
            .chain(t.body)
            .chain(columns.flat_map(|c| [c.key, c.builder]))
            .all(|s| self.mapped(good, s).is_some())
    }

    /// Whether the file at `path` reads the same now as in `good`.
    fn same_text(&self, good: &Analysis, path: &Path) -> bool {
        let old = good.db.lookup(path).map(|f| good.db.text(f));
        let now = self.now.db.lookup(path).map(|f| self.now.db.text(f));
        old == now
    }

    /// A span of the recalled analysis in today's text, when it does not touch what changed.
    fn mapped(&self, good: &Analysis, span: Span) -> Option<Span> {
        let file = self.now.db.lookup(good.db.path(span.file)?)?;
        let change = Change::new(good.db.text(span.file), self.now.db.text(file));
        Some(Span {
            file,
            range: change.old_to_new(span.range)?,
        })
    }
}

/// How a file's text changed: one edited region, `old[start..old_end]` became
/// `new[start..new_end]`; everything before and after is equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Change {
    start: u32,
    old_end: u32,
    new_end: u32,
    same: bool,
}

impl Change {
    fn new(old: &str, new: &str) -> Self {
        let (o, n) = (old.as_bytes(), new.as_bytes());
        let mut start = o.iter().zip(n).take_while(|(a, b)| a == b).count();
        while !old.is_char_boundary(start) {
            start -= 1;
        }
        let room = o.len().min(n.len()) - start;
        let mut suffix = o
            .iter()
            .rev()
            .zip(n.iter().rev())
            .take(room)
            .take_while(|(a, b)| a == b)
            .count();
        while !old.is_char_boundary(o.len() - suffix) {
            suffix -= 1;
        }
        let to_u32 = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        Self {
            start: to_u32(start),
            old_end: to_u32(o.len() - suffix),
            new_end: to_u32(n.len() - suffix),
            same: old == new,
        }
    }

    /// A range of the old text in the new one. Only a range with an unchanged character on
    /// both sides of it, outside the edited region, is mapped (an edit right next to a name
    /// changes the name).
    fn old_to_new(self, r: TextRange) -> Option<TextRange> {
        if self.same || r.end < self.start {
            Some(r)
        } else if r.start > self.old_end {
            let shift = |x: u32| (x - self.old_end).checked_add(self.new_end);
            Some(TextRange::new(shift(r.start)?, shift(r.end)?))
        } else {
            None
        }
    }

    /// A cursor offset of the new text in the old one.
    fn new_to_old(self, offset: u32) -> Option<u32> {
        if self.same || offset <= self.start {
            Some(offset)
        } else if offset >= self.new_end {
            (offset - self.new_end).checked_add(self.old_end)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests;
