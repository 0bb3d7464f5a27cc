//! Relation names derived from the schema (upstream's
//! `codegen/relation-analyzer.ts` rules): a forward relation per FK column on its table, a
//! reverse relation `<source>Via<Forward>` on the referenced table.

use std::sync::OnceLock;

use regex::{Captures, Regex};

use crate::schema::{ColumnType, IndexedSchema};

/// Which way a relation goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelKind {
    /// From the FK column to the referenced row.
    Forward,
    /// From the referenced row to the rows whose FK points at it.
    Reverse,
}

/// One named relation of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relation {
    pub name: String,
    pub kind: RelKind,
    pub to_table: String,
    /// Forward: the FK column; reverse: `id`.
    pub from_column: String,
    /// Forward: `id`; reverse: the FK column on `to_table`.
    pub to_column: String,
}

/// The relations of `table`, in upstream's order (schema table order, then column order).
/// Columns whose reference is not a UUID/UUID[] or names an unknown table are skipped (the
/// schema phase reports them).
pub fn relations_of(schema: &IndexedSchema<'_>, table: &str) -> Vec<Relation> {
    let mut out = Vec::new();
    for t in &schema.tables {
        for c in &t.columns {
            let Some(target) = &c.references else {
                continue;
            };
            let uuid = match &c.column_type {
                ColumnType::Uuid => true,
                ColumnType::Array(element) => matches!(**element, ColumnType::Uuid),
                _ => false,
            };
            if !uuid || schema.table(target).is_none() {
                continue;
            }
            let forward = forward_name(&c.name);
            if t.name == table {
                out.push(Relation {
                    name: forward.clone(),
                    kind: RelKind::Forward,
                    to_table: target.clone(),
                    from_column: c.name.clone(),
                    to_column: "id".into(),
                });
            }
            if target == table {
                out.push(Relation {
                    name: format!("{}Via{}", t.name, capitalize(&forward)),
                    kind: RelKind::Reverse,
                    to_table: t.name.clone(),
                    from_column: "id".into(),
                    to_column: c.name.clone(),
                });
            }
        }
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(f) => f.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// FK column → forward relation name: a trailing `_ids|Ids|_id|Id` removed, pluralised when
/// the column name ends in `s`.
pub fn forward_name(column: &str) -> String {
    let stripped = ["_ids", "Ids", "_id", "Id"]
        .iter()
        .find_map(|suf| column.strip_suffix(suf))
        .unwrap_or(column);
    if column.ends_with('s') {
        plural(stripped)
    } else {
        stripped.to_owned()
    }
}

const IRREGULAR: &[(&str, &str)] = &[
    ("i", "we"),
    ("me", "us"),
    ("he", "they"),
    ("she", "they"),
    ("them", "them"),
    ("myself", "ourselves"),
    ("yourself", "yourselves"),
    ("itself", "themselves"),
    ("herself", "themselves"),
    ("himself", "themselves"),
    ("themself", "themselves"),
    ("is", "are"),
    ("was", "were"),
    ("has", "have"),
    ("this", "these"),
    ("that", "those"),
    ("my", "our"),
    ("its", "their"),
    ("his", "their"),
    ("her", "their"),
    ("echo", "echoes"),
    ("dingo", "dingoes"),
    ("volcano", "volcanoes"),
    ("tornado", "tornadoes"),
    ("torpedo", "torpedoes"),
    ("genus", "genera"),
    ("viscus", "viscera"),
    ("stigma", "stigmata"),
    ("stoma", "stomata"),
    ("dogma", "dogmata"),
    ("lemma", "lemmata"),
    ("schema", "schemata"),
    ("anathema", "anathemata"),
    ("ox", "oxen"),
    ("axe", "axes"),
    ("die", "dice"),
    ("yes", "yeses"),
    ("foot", "feet"),
    ("eave", "eaves"),
    ("goose", "geese"),
    ("tooth", "teeth"),
    ("quiz", "quizzes"),
    ("human", "humans"),
    ("proof", "proofs"),
    ("carve", "carves"),
    ("valve", "valves"),
    ("looey", "looies"),
    ("thief", "thieves"),
    ("groove", "grooves"),
    ("pickaxe", "pickaxes"),
    ("passerby", "passersby"),
    ("canvas", "canvases"),
];

const UNCOUNTABLE: &[&str] = &[
    "adulthood",
    "advice",
    "agenda",
    "aid",
    "aircraft",
    "alcohol",
    "ammo",
    "analytics",
    "anime",
    "athletics",
    "audio",
    "bison",
    "blood",
    "bream",
    "buffalo",
    "butter",
    "carp",
    "cash",
    "chassis",
    "chess",
    "clothing",
    "cod",
    "commerce",
    "cooperation",
    "corps",
    "debris",
    "diabetes",
    "digestion",
    "elk",
    "energy",
    "equipment",
    "excretion",
    "expertise",
    "firmware",
    "flounder",
    "fun",
    "gallows",
    "garbage",
    "graffiti",
    "hardware",
    "headquarters",
    "health",
    "herpes",
    "highjinks",
    "homework",
    "housework",
    "information",
    "jeans",
    "justice",
    "kudos",
    "labour",
    "literature",
    "machinery",
    "mackerel",
    "mail",
    "media",
    "mews",
    "moose",
    "music",
    "mud",
    "manga",
    "news",
    "only",
    "personnel",
    "pike",
    "plankton",
    "pliers",
    "police",
    "pollution",
    "premises",
    "rain",
    "research",
    "rice",
    "salmon",
    "scissors",
    "series",
    "sewage",
    "shambles",
    "shrimp",
    "software",
    "staff",
    "swine",
    "tennis",
    "traffic",
    "transportation",
    "trout",
    "tuna",
    "wealth",
    "welfare",
    "whiting",
    "wildebeest",
    "wildlife",
    "you",
];

/// Plural rules in registration order (the last matching one wins); the uncountable
/// patterns come last with `$0`.
const RULES: &[(&str, &str)] = &[
    (r"s?$", "s"),
    (r"[^\x00-\x7F]$", "${0}"),
    (r"([^aeiou]ese)$", "${1}"),
    (r"(ax|test)is$", "${1}es"),
    (r"(alias|[^aou]us|t[lm]as|gas|ris)$", "${1}es"),
    (r"(e[mn]u)s?$", "${1}s"),
    (r"([^l]ias|[aeiou]las|[ejzr]as|[iu]am)$", "${1}"),
    (
        r"(alumn|syllab|vir|radi|nucle|fung|cact|stimul|termin|bacill|foc|uter|loc|strat)(?:us|i)$",
        "${1}i",
    ),
    (r"(alumn|alg|vertebr)(?:a|ae)$", "${1}ae"),
    (r"(seraph|cherub)(?:im)?$", "${1}im"),
    (r"(her|at|gr)o$", "${1}oes"),
    (
        r"(agend|addend|millenni|dat|extrem|bacteri|desiderat|strat|candelabr|errat|ov|symposi|curricul|automat|quor)(?:a|um)$",
        "${1}a",
    ),
    (
        r"(apheli|hyperbat|periheli|asyndet|noumen|phenomen|criteri|organ|prolegomen|hedr|automat)(?:a|on)$",
        "${1}a",
    ),
    (r"sis$", "ses"),
    (r"(?:(kni|wi|li)fe|(ar|l|ea|eo|oa|hoo)f)$", "${1}${2}ves"),
    (r"([^aeiouy]|qu)y$", "${1}ies"),
    (r"([^ch][ieo][ln])ey$", "${1}ies"),
    (r"(x|ch|ss|sh|zz)$", "${1}es"),
    (r"(matr|cod|mur|sil|vert|ind|append)(?:ix|ex)$", "${1}ices"),
    (r"\b((?:tit)?m|l)(?:ice|ouse)$", "${1}ice"),
    (r"(pe)(?:rson|ople)$", "${1}ople"),
    (r"(child)(?:ren)?$", "${1}ren"),
    (r"eaux$", "${0}"),
    (r"m[ae]n$", "men"),
    (r"^thou$", "you"),
    (r"pok[eé]mon$", "${0}"),
    (r"[^aeiou]ese$", "${0}"),
    (r"deer$", "${0}"),
    (r"fish$", "${0}"),
    (r"measles$", "${0}"),
    (r"o[iu]s$", "${0}"),
    (r"pox$", "${0}"),
    (r"sheep$", "${0}"),
];

fn rules() -> &'static [(Regex, &'static str)] {
    static CELL: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    CELL.get_or_init(|| {
        RULES
            .iter()
            .filter_map(|(p, r)| Regex::new(&format!("(?i){p}")).ok().map(|re| (re, *r)))
            .collect()
    })
}

/// Upstream's case restoration: the replacement takes the case shape of what it replaces.
fn restore_case(word: &str, token: &str) -> String {
    if word == token {
        return token.to_owned();
    }
    if word == word.to_lowercase() {
        return token.to_lowercase();
    }
    if word == word.to_uppercase() {
        return token.to_uppercase();
    }
    if word.chars().next().is_some_and(char::is_uppercase) {
        let lower = token.to_lowercase();
        return capitalize(&lower);
    }
    token.to_lowercase()
}

/// English pluralisation with the rule set upstream uses (`pluralize` defaults).
pub fn plural(word: &str) -> String {
    let token = word.to_lowercase();
    if let Some((_, p)) = IRREGULAR.iter().find(|(_, p)| *p == token) {
        return restore_case(word, p);
    }
    if let Some((_, p)) = IRREGULAR.iter().find(|(s, _)| *s == token) {
        return restore_case(word, p);
    }
    if token.is_empty() || UNCOUNTABLE.contains(&token.as_str()) {
        return word.to_owned();
    }
    for (re, rep) in rules().iter().rev() {
        let Some(caps) = re.captures(word) else {
            continue;
        };
        let Some(m) = caps.get(0) else { continue };
        let mut result = String::new();
        expand(&caps, rep, &mut result);
        let restored = if m.as_str().is_empty() {
            let prev = word[..m.start()].chars().last().map(String::from);
            restore_case(prev.as_deref().unwrap_or(""), &result)
        } else {
            restore_case(m.as_str(), &result)
        };
        return format!("{}{}{}", &word[..m.start()], restored, &word[m.end()..]);
    }
    word.to_owned()
}

fn expand(caps: &Captures<'_>, rep: &str, out: &mut String) {
    caps.expand(rep, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_names_strip_id_suffixes_and_pluralise_list_columns() {
        assert_eq!(forward_name("projectId"), "project");
        assert_eq!(forward_name("parent_id"), "parent");
        assert_eq!(forward_name("parent_team"), "parent_team");
        assert_eq!(forward_name("tagIds"), "tags");
        assert_eq!(forward_name("assignees_ids"), "assignees");
        assert_eq!(forward_name("categoryIds"), "categories");
        assert_eq!(forward_name("personIds"), "people");
        assert_eq!(forward_name("childIds"), "children");
        assert_eq!(forward_name("boxIds"), "boxes");
        assert_eq!(forward_name("statusIds"), "statuses");
        assert_eq!(forward_name("address"), "addresses");
        assert_eq!(forward_name("users"), "users");
        assert_eq!(forward_name("sheepIds"), "sheep");
        assert_eq!(forward_name("leafIds"), "leaves");
        assert_eq!(forward_name("data_ids"), "data");
    }

    /// Upstream's relation-analyzer test ("every reference suffix branch").
    #[test]
    fn relation_names_match_upstream_catalogue() {
        use crate::schema::{Column, Table};
        let table = |name: &str, columns: Vec<Column>| Table {
            name: name.into(),
            columns,
            indexed_columns: None,
        };
        let fk = |name: &str, target: &str, array: bool| {
            let t = if array {
                ColumnType::Array(Box::new(ColumnType::Uuid))
            } else {
                ColumnType::Uuid
            };
            let mut c = Column::new(name, t);
            c.references = Some(target.into());
            c
        };
        let schema = crate::schema::WasmSchema {
            tables: vec![
                table("categories", vec![]),
                table("people", vec![]),
                table("analyses", vec![]),
                table("statuses", vec![]),
                table(
                    "links",
                    vec![
                        fk("category_id", "categories", false),
                        fk("personId", "people", false),
                        fk("analysis_ids", "analyses", true),
                        fk("statusIds", "statuses", true),
                        fk("address", "people", false),
                    ],
                ),
            ],
        };
        let names = |t: &str| -> Vec<String> {
            relations_of(&IndexedSchema::new(&schema), t)
                .into_iter()
                .map(|r| r.name)
                .collect()
        };
        assert_eq!(
            names("links"),
            ["category", "person", "analyses", "statuses", "addresses"]
        );
        assert_eq!(names("categories"), ["linksViaCategory"]);
        assert_eq!(names("people"), ["linksViaPerson", "linksViaAddresses"]);
        assert_eq!(names("analyses"), ["linksViaAnalyses"]);
        assert_eq!(names("statuses"), ["linksViaStatuses"]);
    }

    #[test]
    fn plural_keeps_case_shape() {
        assert_eq!(plural("Person"), "People");
        assert_eq!(plural("BOX"), "BOXES");
        assert_eq!(plural("teamMember"), "teamMembers");
        assert_eq!(plural("news"), "news");
        assert_eq!(plural("schema"), "schemata");
    }
}
