//! What the evaluator saw, by location: where each table and column of the schema is defined,
//! where `s.ref("…")` names a table, and where the app is built. Recorded while the schema is
//! built, so aliases, spreads and imports are already resolved; `project::query` answers the
//! editor's questions ("what is at this offset", "every use of table X") from it.
//!
//! Plain data: no syntax, no LSP types.

use std::hash::{BuildHasher, Hash};

use crate::hash::HashMap;

use crate::source::Span;

/// A table definition: the key that names it in the definition object.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TableSymbol {
    pub name: String,
    /// The property key (quotes included for a string key).
    pub key: Span,
    /// The `s.table({...})` call, when the table was built by one (for folding).
    pub body: Option<Span>,
}

/// A column definition.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ColumnSymbol {
    pub table: String,
    pub name: String,
    /// The property key (quotes included for a string key).
    pub key: Span,
    /// The builder's constructing call (`s.string()`).
    pub builder: Span,
}

/// `s.ref("table")`: the string literal, quotes included, and the table it names.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RefSite {
    pub table: String,
    pub span: Span,
    /// The column whose builder holds the ref.
    pub column: (String, String),
}

/// A table (`column: None`) or column written twice in one object literal (JZ1086): the key of
/// the definition JS discarded and of the one that counts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Discarded {
    pub table: String,
    pub column: Option<String>,
    pub earlier: Span,
    pub later: Span,
}

/// Everything recorded, in recording order, without duplicates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SchemaSymbols {
    pub tables: Vec<TableSymbol>,
    pub columns: Vec<ColumnSymbol>,
    pub refs: Vec<RefSite>,
    /// Each `defineApp(...)` / `defineSliceableApp(...)` call that built an app.
    pub apps: Vec<Span>,
    /// Definitions discarded because their key is written again later in the same object.
    pub discarded: Vec<Discarded>,
    /// What has been recorded, so a definition built twice (an app and a definition-like
    /// export, or aliases) is recorded once without a quadratic scan.
    seen: Seen,
}

#[derive(Clone, Debug, Default)]
struct Seen {
    tables: Positions,
    columns: Positions,
    refs: Positions,
    apps: Positions,
    discarded: Positions,
    /// The name index of `tables` and `columns`, built at the first lookup.
    lookup: Lookup,
}

/// Determined by the lists it indexes.
impl PartialEq for Seen {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Seen {}

/// The positions of a list's elements, found by the element's hash: whether a symbol is
/// already recorded is answered without keeping a second copy of it (a large schema records
/// thousands of columns on every edit).
#[derive(Clone, Default)]
struct Positions(hashbrown::HashTable<usize>);

impl std::fmt::Debug for Positions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Positions({})", self.0.len())
    }
}

fn hash_of<T: Hash>(item: &T) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(item)
}

impl Positions {
    /// Pushes `item` onto `list` unless an equal element is there; whether it was pushed.
    fn push<T: Hash + Eq>(&mut self, list: &mut Vec<T>, item: T) -> bool {
        let hash = hash_of(&item);
        if self.0.find(hash, |&i| list.get(i) == Some(&item)).is_some() {
            return false;
        }
        self.0
            .insert_unique(hash, list.len(), |&i| list.get(i).map_or(0, hash_of));
        list.push(item);
        true
    }

    /// Removes the elements of `list` from `from` on.
    fn truncate<T: Hash>(&mut self, list: &mut Vec<T>, from: usize) {
        for (i, item) in list.iter().enumerate().skip(from) {
            if let Ok(entry) = self.0.find_entry(hash_of(item), |&j| j == i) {
                entry.remove();
            }
        }
        list.truncate(from);
    }
}

/// Table name → position of its first symbol in `tables`, and (table, column) → position of
/// its first symbol in `columns`: built on demand (the schema phase records every table and
/// column; only findings look them up), dropped when a symbol is added. Not part of the value.
#[derive(Clone, Debug, Default)]
struct Lookup(std::sync::OnceLock<Indexes>);

/// Table name → position in `tables`; (table, column) → position in `columns`.
type Indexes = (HashMap<String, usize>, HashMap<(String, String), usize>);

impl PartialEq for Lookup {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Lookup {}

impl SchemaSymbols {
    pub fn add_table(&mut self, t: TableSymbol) {
        if self.seen.tables.push(&mut self.tables, t) {
            self.seen.lookup = Lookup::default();
        }
    }

    /// Records `d`; false when it was already recorded (the definition was built twice).
    pub fn add_discarded(&mut self, d: Discarded) -> bool {
        self.seen.discarded.push(&mut self.discarded, d)
    }

    /// The discarded earlier definitions of tables, by table name.
    pub fn discarded_tables(&self) -> impl Iterator<Item = (&str, Span)> {
        self.discarded
            .iter()
            .filter(|d| d.column.is_none())
            .map(|d| (d.table.as_str(), d.earlier))
    }

    pub fn add_column(&mut self, c: ColumnSymbol) {
        if self.seen.columns.push(&mut self.columns, c) {
            self.seen.lookup = Lookup::default();
        }
    }

    /// The index of `tables` and `columns`, built at the first call after a change.
    fn lookup(&self) -> &Indexes {
        self.seen.lookup.0.get_or_init(|| {
            let mut tables =
                HashMap::with_capacity_and_hasher(self.tables.len(), Default::default());
            for (i, t) in self.tables.iter().enumerate() {
                tables.entry(t.name.clone()).or_insert(i);
            }
            let mut columns =
                HashMap::with_capacity_and_hasher(self.columns.len(), Default::default());
            for (i, c) in self.columns.iter().enumerate() {
                columns
                    .entry((c.table.clone(), c.name.clone()))
                    .or_insert(i);
            }
            (tables, columns)
        })
    }

    /// The first definition recorded of table `name`, as `tables.iter().find(..)` finds it,
    /// through an index (findings label tables per table).
    pub fn table(&self, name: &str) -> Option<&TableSymbol> {
        let i = *self.lookup().0.get(name)?;
        self.tables.get(i).filter(|t| t.name == name)
    }

    /// The first definition recorded of column `table.column`, through the index.
    pub fn column(&self, table: &str, column: &str) -> Option<&ColumnSymbol> {
        let i = *self
            .lookup()
            .1
            .get(&(table.to_owned(), column.to_owned()))?;
        self.columns
            .get(i)
            .filter(|c| c.table == table && c.name == column)
    }

    pub fn add_ref(&mut self, r: RefSite) {
        self.seen.refs.push(&mut self.refs, r);
    }

    pub fn add_app(&mut self, span: Span) {
        self.seen.apps.push(&mut self.apps, span);
    }

    /// How much has been recorded so far, for [`SchemaSymbols::truncate`].
    pub fn mark(&self) -> SymbolsMark {
        SymbolsMark([
            self.tables.len(),
            self.columns.len(),
            self.refs.len(),
            self.apps.len(),
            self.discarded.len(),
        ])
    }

    /// Forgets everything recorded after `mark` (a definition that turned out not to be the
    /// schema), in time proportional to what is forgotten.
    pub fn truncate(&mut self, mark: SymbolsMark) {
        let [tables, columns, refs, apps, discarded] = mark.0;
        self.seen.tables.truncate(&mut self.tables, tables);
        self.seen.columns.truncate(&mut self.columns, columns);
        self.seen.refs.truncate(&mut self.refs, refs);
        self.seen.apps.truncate(&mut self.apps, apps);
        self.seen.discarded.truncate(&mut self.discarded, discarded);
        self.seen.lookup = Lookup::default();
    }
}

/// A point in the recording of [`SchemaSymbols`] (the length of each list).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SymbolsMark([usize; 5]);

/// What a name outside a definition denotes: a table, a column, or a session claim.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Named {
    Table(String),
    Column {
        table: String,
        column: String,
    },
    /// `claims.<name>` in a session path (only the first segment after `claims`).
    Claim(String),
}

/// A use of a name recorded by the permissions interpreter (`policy.<table>`, where-object
/// keys, `allowedTo.*("fk")`, `row.<col>`, session claims) or read from a migration file.
/// `span` covers exactly the name's characters: never quotes, never a qualifying prefix.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NameUse {
    pub named: Named,
    pub span: Span,
}

impl NameUse {
    pub fn table(name: &str, span: Span) -> Self {
        Self {
            named: Named::Table(name.to_owned()),
            span,
        }
    }

    pub fn column(table: &str, column: &str, span: Span) -> Self {
        Self {
            named: Named::Column {
                table: table.to_owned(),
                column: column.to_owned(),
            },
            span,
        }
    }

    /// The span of `name` inside a key or string spanning `span`: the whole span when it is as
    /// long as the name (a bare identifier), the inside of the quotes when it is two longer,
    /// `None` otherwise (escapes: the characters cannot be mapped one to one).
    pub fn exact(span: Span, name: &str) -> Option<Span> {
        let len = u32::try_from(name.len()).ok()?;
        let width = span.range.end.checked_sub(span.range.start)?;
        if width == len {
            Some(span)
        } else if width == len + 2 {
            Some(Span::new(
                span.file,
                span.range.start + 1,
                span.range.end - 1,
            ))
        } else {
            None
        }
    }

    /// The span of the part of `key` (spanning `span` like [`NameUse::exact`]) that starts at
    /// byte `at` of the key and is `len` bytes long.
    pub fn part(span: Span, key: &str, at: usize, len: usize) -> Option<Span> {
        let whole = Self::exact(span, key)?;
        let start = whole.range.start.checked_add(u32::try_from(at).ok()?)?;
        let end = start.checked_add(u32::try_from(len).ok()?)?;
        (end <= whole.range.end).then(|| Span::new(span.file, start, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn span(start: u32, end: u32) -> Span {
        Span::new(FileId(0), start, end)
    }

    #[test]
    fn exact_spans_drop_quotes_and_refuse_escapes() {
        assert_eq!(NameUse::exact(span(10, 15), "title"), Some(span(10, 15)));
        assert_eq!(NameUse::exact(span(10, 17), "title"), Some(span(11, 16)));
        // `"ti\u0074le"`: the characters do not map one to one.
        assert_eq!(NameUse::exact(span(10, 24), "title"), None);
    }

    #[test]
    fn parts_of_a_qualified_key_are_inside_the_quotes() {
        // `"todos.title"` at 10..23
        let key = "todos.title";
        assert_eq!(NameUse::part(span(10, 23), key, 0, 5), Some(span(11, 16)));
        assert_eq!(NameUse::part(span(10, 23), key, 6, 5), Some(span(17, 22)));
        assert_eq!(NameUse::part(span(10, 23), key, 8, 5), None);
    }

    /// Truncating to a mark gives what was recorded up to it, and what was forgotten can be
    /// recorded again.
    #[test]
    fn truncate_forgets_what_came_after_the_mark() {
        let table = |name: &str, at: u32| TableSymbol {
            name: name.into(),
            key: span(at, at + 1),
            body: None,
        };
        let column = |at: u32| ColumnSymbol {
            table: "a".into(),
            name: format!("c{at}"),
            key: span(at, at + 1),
            builder: span(at, at + 2),
        };
        let mut sy = SchemaSymbols::default();
        sy.add_table(table("a", 0));
        sy.add_column(column(1));
        let before = sy.clone();
        let mark = sy.mark();
        sy.add_table(table("b", 10));
        sy.add_column(column(11));
        sy.add_app(span(20, 30));
        assert!(sy.table("b").is_some());
        sy.truncate(mark);
        assert_eq!(sy, before);
        assert!(sy.table("b").is_none(), "the lookup index was rebuilt");
        sy.add_table(table("b", 10));
        assert_eq!(
            sy.tables.len(),
            2,
            "a forgotten symbol can be recorded again"
        );
    }

    /// The name lookups find the first symbol recorded, as a scan of `tables` / `columns` does.
    #[test]
    fn lookups_agree_with_a_scan() {
        let mut sy = SchemaSymbols::default();
        for i in 0..120u32 {
            let name = format!("t{}", i % 40);
            sy.add_table(TableSymbol {
                name: name.clone(),
                key: span(i, i + 1),
                body: None,
            });
            sy.add_column(ColumnSymbol {
                table: name,
                name: format!("c{}", i % 3),
                key: span(i, i + 2),
                builder: span(i, i + 3),
            });
        }
        assert_eq!(sy.tables.len(), 120);
        // A lookup builds the index; a later addition is still found.
        assert!(sy.table("late").is_none());
        sy.add_table(TableSymbol {
            name: "late".into(),
            key: span(500, 504),
            body: None,
        });
        assert_eq!(sy.table("late").map(|t| t.key), Some(span(500, 504)));
        for t in 0..45 {
            let name = format!("t{t}");
            let scan = sy.tables.iter().find(|x| x.name == name);
            assert_eq!(sy.table(&name), scan, "{name}");
            for c in 0..4 {
                let col = format!("c{c}");
                let scan = sy.columns.iter().find(|x| x.table == name && x.name == col);
                assert_eq!(sy.column(&name, &col), scan, "{name}.{col}");
            }
        }
    }
}
