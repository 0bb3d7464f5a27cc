//! The readable rendering of relations (`rel.rs`) for the disassembler and `explain`: one node
//! per line, children indented, predicates in the readable notation `jazz permissions explain`
//! prints.

use super::rel::{ColRef, KeyRef, Pred, Rel, RowIdRef, ValueRef};

fn col_text(c: &ColRef) -> String {
    match &c.scope {
        Some(s) => format!("{s}.{}", c.column),
        None => c.column.clone(),
    }
}

fn row_id_text(r: RowIdRef) -> &'static str {
    match r {
        RowIdRef::Current => "current.id",
        RowIdRef::Outer => "outer.id",
        RowIdRef::Frontier => "frontier.id",
    }
}

fn key_text(k: &KeyRef) -> String {
    match k {
        KeyRef::Column(c) => col_text(c),
        KeyRef::RowId(r) => row_id_text(*r).into(),
    }
}

fn value_text(v: &ValueRef) -> String {
    match v {
        ValueRef::Literal(l) => super::disasm::lit_text(l),
        ValueRef::SessionRef(p) => format!("session.{}", p.join(".")),
        ValueRef::BranchRef(b) => format!("branch({b:?})"),
        ValueRef::OuterColumn(c) => format!("outer.{}", c.column),
        ValueRef::FrontierColumn(c) => format!("frontier.{}", c.column),
        ValueRef::RowId(r) => row_id_text(*r).into(),
    }
}

/// A predicate in the readable notation.
pub fn pred_text(p: &Pred) -> String {
    let join = |ps: &[Pred], sep: &str, empty: &str| {
        if ps.is_empty() {
            return empty.to_owned();
        }
        let parts: Vec<String> = ps.iter().map(pred_text).collect();
        format!("({})", parts.join(sep))
    };
    match p {
        Pred::Cmp(c, o, v) => format!("{} {} {}", col_text(c), o.symbol(), value_text(v)),
        Pred::Contains(c, v) => format!("{} CONTAINS {}", col_text(c), value_text(v)),
        Pred::IsNull(c) => format!("{} IS NULL", col_text(c)),
        Pred::IsNotNull(c) => format!("{} IS NOT NULL", col_text(c)),
        Pred::In(c, vs) => format!(
            "{} ∈ [{}]",
            col_text(c),
            vs.iter().map(value_text).collect::<Vec<_>>().join(", ")
        ),
        Pred::And(ps) => join(ps, " AND ", "TRUE"),
        Pred::Or(ps) => join(ps, " OR ", "FALSE"),
        Pred::Not(x) => format!("NOT ({})", pred_text(x)),
        Pred::True => "TRUE".into(),
        Pred::False => "FALSE".into(),
    }
}

/// The relation as indented lines (one node per line, children indented by two spaces).
pub fn render(r: &Rel, indent: usize, out: &mut Vec<String>) {
    let pad = "  ".repeat(indent);
    match r {
        Rel::TableScan(t) => out.push(format!("{pad}scan {t}")),
        Rel::Filter(i, p) => {
            out.push(format!("{pad}filter {}", pred_text(p)));
            render(i, indent + 1, out);
        }
        Rel::Join {
            left,
            right,
            on,
            left_join,
        } => {
            let on: Vec<String> = on
                .iter()
                .map(|(l, r)| format!("{} = {}", col_text(l), col_text(r)))
                .collect();
            let kind = if *left_join { "left" } else { "inner" };
            out.push(format!("{pad}join {kind} on {}", on.join(" AND ")));
            render(left, indent + 1, out);
            render(right, indent + 1, out);
        }
        Rel::Project(i, cols) => {
            let cols: Vec<String> = cols
                .iter()
                .map(|(a, k)| format!("{a}: {}", key_text(k)))
                .collect();
            out.push(format!("{pad}project {}", cols.join(", ")));
            render(i, indent + 1, out);
        }
        Rel::Union(inputs) => {
            out.push(format!("{pad}union n={}", inputs.len()));
            for i in inputs {
                render(i, indent + 1, out);
            }
        }
        Rel::Gather {
            seed,
            step,
            frontier,
            max_depth,
            dedupe,
        } => {
            let d: Vec<String> = dedupe.iter().map(key_text).collect();
            out.push(format!(
                "{pad}gather frontier={} depth={max_depth} dedupe=[{}]",
                key_text(frontier),
                d.join(", ")
            ));
            out.push(format!("{pad}  seed:"));
            render(seed, indent + 2, out);
            out.push(format!("{pad}  step:"));
            render(step, indent + 2, out);
        }
        Rel::Distinct(i, k) => {
            let k: Vec<String> = k.iter().map(key_text).collect();
            out.push(format!("{pad}distinct [{}]", k.join(", ")));
            render(i, indent + 1, out);
        }
        Rel::OrderBy(i, terms) => {
            let t: Vec<String> = terms
                .iter()
                .map(|(c, d)| format!("{} {}", col_text(c), if *d { "desc" } else { "asc" }))
                .collect();
            out.push(format!("{pad}order by {}", t.join(", ")));
            render(i, indent + 1, out);
        }
        Rel::Offset(i, n) => {
            out.push(format!("{pad}offset {n}"));
            render(i, indent + 1, out);
        }
        Rel::Limit(i, n) => {
            out.push(format!("{pad}limit {n}"));
            render(i, indent + 1, out);
        }
    }
}
