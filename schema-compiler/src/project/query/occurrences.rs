//! The occurrence index: every place a table or column of the current schema is named, across
//! schema.ts (definitions, `s.ref("…")`), permissions.ts (`policy.<table>`, where-object keys,
//! `allowedTo.*("fk")`, `row.<col>`) and the migration files whose `toHash` is the current
//! schema's (their `to` side). Definition, references and rename are answered from it.
//!
//! Built from what the phases recorded ([`SchemaSymbols`], `PolicyOutput::uses`,
//! `MigrationNames`); nothing here reads syntax.

use std::collections::HashSet;

use crate::eval::symbols::{NameUse, Named};
use crate::migrations::project::MigrationNames;
use crate::schema::schema_hash;
use crate::source::Span;

use super::{Analysis, Symbol};

/// One place that names a symbol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub symbol: Symbol,
    pub span: Span,
    /// The key that defines it in schema.ts.
    pub definition: bool,
}

impl Analysis {
    /// Every occurrence, definitions first (columns, then tables), then uses in recording
    /// order: schema refs, permissions, migrations. Each (symbol, span) once. Built by the
    /// first question that needs it and kept with the analysis; an edit never builds it.
    pub fn occurrences(&self) -> &[Occurrence] {
        self.occurrence_index
            .get_or_init(|| self.index_occurrences())
    }

    fn index_occurrences(&self) -> Vec<Occurrence> {
        let syms = &self.symbols;
        let mut out: Vec<Occurrence> = Vec::new();
        out.extend(syms.columns.iter().map(|c| Occurrence {
            symbol: Symbol::Column {
                table: c.table.clone(),
                column: c.name.clone(),
            },
            span: c.key,
            definition: true,
        }));
        out.extend(syms.tables.iter().map(|t| Occurrence {
            symbol: Symbol::Table(t.name.clone()),
            span: t.key,
            definition: true,
        }));
        out.extend(syms.refs.iter().map(|r| Occurrence {
            symbol: Symbol::Table(r.table.clone()),
            span: r.span,
            definition: false,
        }));
        let uses = self
            .permissions
            .iter()
            .flat_map(|p| p.uses.iter())
            .chain(self.current_migrations().flat_map(|m| m.names.iter()));
        out.extend(uses.filter_map(|u| self.use_occurrence(u)));
        let mut seen = HashSet::new();
        out.retain(|o| seen.insert((o.symbol.clone(), o.span)));
        out
    }

    /// A recorded use as an occurrence, when it names a table or column of the schema.
    fn use_occurrence(&self, u: &NameUse) -> Option<Occurrence> {
        let schema = self.schema.as_deref()?;
        let symbol = match &u.named {
            Named::Table(t) => {
                schema.table(t)?;
                Symbol::Table(t.clone())
            }
            Named::Column { table, column } => {
                schema.table(table)?.column(column)?;
                Symbol::Column {
                    table: table.clone(),
                    column: column.clone(),
                }
            }
            Named::Claim(_) => return None,
        };
        Some(Occurrence {
            symbol,
            span: u.span,
            definition: false,
        })
    }

    /// The migration files whose `toHash` names the current schema: their `to` side uses
    /// today's names, so a rename carries over to them.
    pub fn current_migrations(&self) -> impl Iterator<Item = &MigrationNames> {
        let hash = self.schema.as_deref().map(|s| schema_hash(s).to_hex());
        self.migrations
            .iter()
            .filter(move |m| match (&hash, &m.to_hash) {
                (Some(h), Some(t)) => t.len() >= 12 && h.starts_with(t.as_str()),
                _ => false,
            })
    }

    /// Claim names used anywhere in permissions.ts (`session.where({ "claims.<x>": … })`,
    /// `session["claims.<x>"]`), sorted, each once.
    pub fn claims(&self) -> Vec<String> {
        self.claims_except(&|_| false)
    }

    /// [`Analysis::claims`] without the uses at spans `skip` matches (the one being typed).
    pub fn claims_except(&self, skip: &dyn Fn(&Span) -> bool) -> Vec<String> {
        let mut out: Vec<String> = self
            .permissions
            .iter()
            .flat_map(|p| p.uses.iter())
            .filter(|u| !skip(&u.span))
            .filter_map(|u| match &u.named {
                Named::Claim(c) => Some(c.clone()),
                _ => None,
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests;
