//! Enum variant order: ICU root collation, and the collation-sensitivity check.
//!
//! Upstream sorts variants with `localeCompare` in the Node process's default locale. We use the
//! ICU root collation (locale `und`, default options), which `en-US` matches, so our order is the
//! same on every machine. The row codec stores an enum value as its index in this order, so it
//! decides wire compatibility. This module knows nothing of diagnostics; the JZ1024 check asks
//! [`is_collation_sensitive`] and [`root_collation_available`].

use std::sync::OnceLock;

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed, CollatorPreferences};
use icu_locale_core::locale;

/// The root collator from compiled data, built once; `None` if the data could not be loaded.
fn root_collator() -> Option<&'static CollatorBorrowed<'static>> {
    static COLLATOR: OnceLock<Option<CollatorBorrowed<'static>>> = OnceLock::new();
    COLLATOR
        .get_or_init(|| {
            let prefs = CollatorPreferences::from(&locale!("und"));
            Collator::try_new(prefs, CollatorOptions::default()).ok()
        })
        .as_ref()
}

/// Whether ICU root collation data is available. Without it, [`sort_variants`] falls back to
/// byte order, and JZ1024 must be an error for every collation-sensitive enum.
pub fn root_collation_available() -> bool {
    root_collator().is_some()
}

/// Variants in the order upstream stores them (ICU root collation, stable: variants that collate
/// equal keep their first-occurrence order). Falls back to byte order without ICU data.
pub fn sort_variants(variants: &[String]) -> Vec<String> {
    let mut sorted = variants.to_vec();
    match root_collator() {
        // Root collation orders words of lowercase ASCII letters as bytes do: skip ICU for the
        // common case (`sort_agrees_with_the_collator_on_lowercase_words` checks it).
        Some(_) if all_lowercase_letters(variants) => sorted.sort(),
        Some(collator) => sorted.sort_by(|a, b| collator.compare(a, b)),
        None => sorted.sort(),
    }
    sorted
}

/// Whether every variant is made of the letters `a`–`z` alone.
fn all_lowercase_letters(variants: &[String]) -> bool {
    variants
        .iter()
        .all(|v| v.bytes().all(|b| b.is_ascii_lowercase()))
}

/// Whether root order differs from byte order or any variant is non-ASCII (JZ1024): a tailored
/// locale (sv, da, cs, lt, tr, …) may then order the variants differently upstream. Without ICU
/// data this is conservatively `true` unless every variant is lowercase ASCII letters.
pub fn is_collation_sensitive(variants: &[String]) -> bool {
    if variants.iter().any(|v| !v.is_ascii()) {
        return true;
    }
    if all_lowercase_letters(variants) {
        return false;
    }
    if !root_collation_available() {
        return true;
    }
    let mut bytes = variants.to_vec();
    bytes.sort();
    sort_variants(variants) != bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    const ROOT_ORDER: &[&str] = &[
        "_x",
        "-x",
        "10",
        "9",
        "a",
        "A",
        "ä",
        "a b",
        "a_b",
        "a1",
        "a10",
        "a9",
        "ab",
        "b",
        "B",
        "done",
        "e",
        "é",
        "f",
        "in_progress",
        "inProgress",
        "x-",
        "z",
        "Zeta",
        "Ω",
    ];
    const BYTE_ORDER: &[&str] = &[
        "-x",
        "10",
        "9",
        "A",
        "B",
        "Zeta",
        "_x",
        "a",
        "a b",
        "a1",
        "a10",
        "a9",
        "a_b",
        "ab",
        "b",
        "done",
        "e",
        "f",
        "inProgress",
        "in_progress",
        "x-",
        "z",
        "ä",
        "é",
        "Ω",
    ];

    #[test]
    fn golden_list_in_root_order() {
        assert!(root_collation_available());
        assert_eq!(sort_variants(&strings(BYTE_ORDER)), strings(ROOT_ORDER));
        let mut reversed = strings(ROOT_ORDER);
        reversed.reverse();
        assert_eq!(sort_variants(&reversed), strings(ROOT_ORDER));
    }

    #[test]
    fn golden_byte_order_is_what_a_plain_sort_gives() {
        let mut v = strings(ROOT_ORDER);
        v.sort();
        assert_eq!(v, strings(BYTE_ORDER));
    }

    #[test]
    fn vector_22_variant_order() {
        let input = strings(&["Zeta", "é", "B", "b", "ab", "a1", "a_b", "A", "a", "_x"]);
        let want = strings(&["_x", "a", "A", "a_b", "a1", "ab", "b", "B", "é", "Zeta"]);
        assert_eq!(sort_variants(&input), want);
        assert!(is_collation_sensitive(&input));
    }

    #[test]
    fn sort_is_stable_for_canonically_equivalent_variants() {
        // "é" precomposed and as "e" + U+0301 collate equal; first occurrence stays first.
        let composed = "\u{e9}".to_owned();
        let decomposed = "e\u{301}".to_owned();
        let v = vec![composed.clone(), "a".into(), decomposed.clone()];
        assert_eq!(
            sort_variants(&v),
            vec!["a".into(), composed.clone(), decomposed.clone()]
        );
        let v = vec![decomposed.clone(), composed.clone()];
        assert_eq!(sort_variants(&v), vec![decomposed, composed]);
    }

    proptest::proptest! {
        #[test]
        fn sort_agrees_with_the_collator_on_lowercase_words(
            words in proptest::collection::vec("[a-z]{0,6}", 0..12),
        ) {
            let collator = root_collator().unwrap_or_else(|| unreachable!("compiled data"));
            let mut by_collator = words.clone();
            by_collator.sort_by(|a, b| collator.compare(a, b));
            proptest::prop_assert_eq!(sort_variants(&words), by_collator);
        }
    }

    #[test]
    fn lowercase_ascii_letters_are_not_sensitive() {
        assert!(!is_collation_sensitive(&strings(&[
            "pending", "done", "active"
        ])));
        assert!(!is_collation_sensitive(&strings(&[])));
        assert!(!is_collation_sensitive(&strings(&["b", "a", "b"])));
    }

    #[test]
    fn order_differences_and_non_ascii_are_sensitive() {
        assert!(is_collation_sensitive(&strings(&["a", "B"])));
        assert!(is_collation_sensitive(&strings(&[
            "in_progress",
            "inProgress"
        ])));
        assert!(is_collation_sensitive(&strings(&["10", "9", "_x", "-x"])));
        assert!(is_collation_sensitive(&strings(&["ä"])));
        assert!(is_collation_sensitive(&strings(ROOT_ORDER)));
    }

    #[test]
    fn ascii_orders_that_agree_are_not_sensitive() {
        // Digits before letters and lowercase only: both orders agree.
        assert!(!is_collation_sensitive(&strings(&["b2", "a1", "c"])));
    }
}
