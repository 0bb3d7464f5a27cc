//! The lens graph and deterministic path finding. Nodes are the known
//! schema hashes; every non-draft lens between two known schemas is an edge usable both ways.
//! The breadth-first search visits neighbours in ascending (hash hex, Forward before Backward)
//! order, so the path depends only on the set of lenses, never on insertion order.

use std::collections::{BTreeSet, HashMap, VecDeque};

use crate::schema::SchemaHash;

use super::lens::{Lens, Step};

/// How a lens is walked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    Forward,
    Backward,
}

/// One hop: the index of the lens in the slice given to [`find_path`], and its direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hop {
    pub lens: usize,
    pub direction: Direction,
}

/// A shortest path from `from` to `to`, or `None` when they are not connected.
/// `from == to` (known or not) is the empty path. Draft lenses and lenses touching an
/// unknown schema are ignored.
pub fn find_path(
    lenses: &[Lens],
    known: &BTreeSet<SchemaHash>,
    from: SchemaHash,
    to: SchemaHash,
) -> Option<Vec<Hop>> {
    if from == to {
        return Some(Vec::new());
    }
    if !known.contains(&from) || !known.contains(&to) {
        return None;
    }
    // Adjacency: node -> sorted (neighbour, direction, lens index).
    let mut adj: HashMap<SchemaHash, Vec<(SchemaHash, Direction, usize)>> = HashMap::new();
    for (i, l) in lenses.iter().enumerate() {
        if l.is_draft() || !known.contains(&l.source) || !known.contains(&l.target) {
            continue;
        }
        adj.entry(l.source)
            .or_default()
            .push((l.target, Direction::Forward, i));
        adj.entry(l.target)
            .or_default()
            .push((l.source, Direction::Backward, i));
    }
    for edges in adj.values_mut() {
        // The lens index breaks the last tie (two lenses on one pair) so the order stays total.
        edges.sort_by_key(|e| (e.0.to_hex(), e.1, e.2));
    }
    let mut parent: HashMap<SchemaHash, (SchemaHash, Hop)> = HashMap::new();
    let mut queue = VecDeque::from([from]);
    let mut seen = BTreeSet::from([from]);
    while let Some(node) = queue.pop_front() {
        if node == to {
            break;
        }
        for (next, direction, lens) in adj.get(&node).map(Vec::as_slice).unwrap_or_default() {
            if seen.insert(*next) {
                parent.insert(
                    *next,
                    (
                        node,
                        Hop {
                            lens: *lens,
                            direction: *direction,
                        },
                    ),
                );
                queue.push_back(*next);
            }
        }
    }
    let mut hops = Vec::new();
    let mut at = to;
    while at != from {
        let (prev, hop) = parent.get(&at)?;
        hops.push(*hop);
        at = *prev;
    }
    hops.reverse();
    Some(hops)
}

/// The ops of a path, concatenated: `forward` for Forward hops, `backward` for Backward ones.
pub fn path_ops(lenses: &[Lens], path: &[Hop]) -> Vec<Step> {
    let mut out = Vec::new();
    for hop in path {
        if let Some(l) = lenses.get(hop.lens) {
            match hop.direction {
                Direction::Forward => out.extend(l.forward.iter().cloned()),
                Direction::Backward => out.extend(l.backward()),
            }
        }
    }
    out
}
