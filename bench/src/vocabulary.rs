//! Words the generator builds names from, so that generated apps read like real ones (and
//! identifiers have realistic lengths for the parser).

pub(crate) const NOUNS: &[&str] = &[
    "users",
    "organizations",
    "projects",
    "tasks",
    "comments",
    "labels",
    "documents",
    "folders",
    "invoices",
    "customers",
    "orders",
    "products",
    "reviews",
    "messages",
    "channels",
    "events",
    "tickets",
    "notifications",
    "attachments",
    "teams",
];

/// Enum columns: a column name and its variants (in source order; the schema sorts them).
pub(crate) const ENUMS: &[(&str, &[&str])] = &[
    ("status", &["draft", "published", "archived"]),
    ("priorityLevel", &["low", "medium", "high", "urgent"]),
    ("stage", &["todo", "doing", "done"]),
    ("visibility", &["public", "private", "unlisted"]),
];
