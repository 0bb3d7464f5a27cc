//! Code actions in core terms: every fix of the diagnostics that touch a range, and one action
//! per table that applies all the fixes of its missing-policy warnings at once. JZ2101 already
//! carries one fix for all the operations of its table; the grouped action adds JZ2102's
//! (copy the update rule to delete) when a table has both. The "create migration" action needs the
//! migrations directory and is planned by `Analysis::migration_plan`.

use std::collections::BTreeMap;

use crate::diagnostics::TextEdit;
use crate::policy::codes::{DELETE_FALLBACK, MISSING_POLICY};
use crate::source::{FileId, TextRange};

use super::Analysis;

/// One applicable action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub edits: Vec<TextEdit>,
    /// Indices into `Analysis::diagnostics` of the diagnostics the action resolves.
    pub diagnostics: Vec<usize>,
    /// The one obvious fix (a diagnostic with a single fix).
    pub preferred: bool,
}

impl Analysis {
    /// The actions for `range` of `file`: each fix of each diagnostic whose primary span
    /// touches the range, then "Add missing policies for table `t`" for each table with such
    /// a missing-policy warning and more than one fix among all its warnings.
    pub fn actions(&self, file: FileId, range: TextRange) -> Vec<Action> {
        let touches = |r: TextRange| r.start <= range.end && range.start <= r.end;
        let mut out = Vec::new();
        let mut tables: Vec<String> = Vec::new();
        for (i, d) in self.diagnostics.iter().enumerate() {
            if !d.span().is_some_and(|s| s.file == file && touches(s.range)) {
                continue;
            }
            for fix in &d.fixes {
                out.push(Action {
                    title: fix.title.clone(),
                    edits: fix.edits.clone(),
                    diagnostics: vec![i],
                    preferred: d.fixes.len() == 1,
                });
            }
            if let Some(t) = missing_policy_table(d)
                && !tables.contains(&t)
            {
                tables.push(t);
            }
        }
        let groups = self.missing_policy_fixes();
        for t in tables {
            let Some((indices, edits, count)) = groups.get(&t) else {
                continue;
            };
            if *count > 1 {
                out.push(Action {
                    title: format!("Add missing policies for table `{t}`"),
                    edits: edits.clone(),
                    diagnostics: indices.clone(),
                    preferred: false,
                });
            }
        }
        out
    }

    /// Per table: the missing-policy warnings, the edits of all their fixes, and how many
    /// fixes there are.
    fn missing_policy_fixes(&self) -> BTreeMap<String, (Vec<usize>, Vec<TextEdit>, usize)> {
        let mut groups: BTreeMap<String, (Vec<usize>, Vec<TextEdit>, usize)> = BTreeMap::new();
        for (i, d) in self.diagnostics.iter().enumerate() {
            let Some(t) = missing_policy_table(d) else {
                continue;
            };
            let g = groups.entry(t).or_default();
            g.0.push(i);
            // The first fix of each warning is its main one (the others are alternatives).
            if let Some(fix) = d.fixes.first() {
                g.1.extend(fix.edits.iter().cloned());
                g.2 += 1;
            }
        }
        groups
    }
}

/// The table of a JZ2101 / JZ2102 warning: both messages start `table "<t>" has no `
/// (JZ2102's is upstream's fixed text).
fn missing_policy_table(d: &crate::diagnostics::Diagnostic) -> Option<String> {
    if d.code != MISSING_POLICY && d.code != DELETE_FALLBACK {
        return None;
    }
    let rest = d.message.strip_prefix("table \"")?;
    let end = rest.find("\" has no ")?;
    rest.get(..end).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Code, Diagnostic, Fix};
    use crate::source::Span;

    fn warning(code: Code, message: String, at: u32, fix: Option<&str>) -> Diagnostic {
        let mut d = Diagnostic::new(code, message).at(Span::new(FileId(1), at, at + 5));
        if let Some(text) = fix {
            d.fixes.push(Fix {
                title: format!("Add `{text}`"),
                edits: vec![TextEdit {
                    file: FileId(1),
                    range: TextRange::empty(100),
                    new_text: text.into(),
                }],
            });
        }
        d
    }

    fn missing(table: &str, ops: &str, at: u32, fix: Option<&str>) -> Diagnostic {
        let message = format!("table \"{table}\" has no policy for {ops}");
        warning(MISSING_POLICY, message, at, fix)
    }

    fn fallback(table: &str, at: u32, fix: Option<&str>) -> Diagnostic {
        let message = format!(
            "table \"{table}\" has no explicit delete policy in permissions.ts; deletes can fall back to update.using at runtime, but add delete.using to make the delete rule explicit and silence this warning."
        );
        warning(DELETE_FALLBACK, message, at, fix)
    }

    #[test]
    fn fixes_of_touching_diagnostics_and_one_action_per_table() {
        let a = Analysis {
            diagnostics: vec![
                missing(
                    "notes",
                    "read, insert",
                    10,
                    Some("policy.notes.allowRead.never(); policy.notes.allowInsert.never();"),
                ),
                fallback("notes", 10, Some("policy.notes.allowDelete.always();")),
                missing(
                    "tags",
                    "read, insert, update, delete",
                    40,
                    Some("policy.tags.allowRead.never(); …"),
                ),
                missing("items", "read", 60, None),
            ],
            ..Analysis::default()
        };
        let got = a.actions(FileId(1), TextRange::new(12, 12));
        let titles: Vec<&str> = got.iter().map(|x| x.title.as_str()).collect();
        assert_eq!(
            titles,
            vec![
                "Add `policy.notes.allowRead.never(); policy.notes.allowInsert.never();`",
                "Add `policy.notes.allowDelete.always();`",
                "Add missing policies for table `notes`",
            ]
        );
        let all = got.last().map(|x| x.edits.len());
        assert_eq!(all, Some(2));
        assert_eq!(got.last().map(|x| x.diagnostics.clone()), Some(vec![0, 1]));
        // One fix among the table's warnings (JZ2101 alone carries all its operations): no
        // grouped action, and that fix is the preferred one.
        let tags = a.actions(FileId(1), TextRange::new(40, 41));
        assert_eq!(tags.len(), 1);
        assert!(tags[0].preferred);
        assert!(a.actions(FileId(1), TextRange::new(60, 61)).is_empty());
        assert!(a.actions(FileId(1), TextRange::new(20, 30)).is_empty());
        assert!(a.actions(FileId(2), TextRange::new(12, 12)).is_empty());
    }
}
