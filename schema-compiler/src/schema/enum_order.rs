//! Enum variant order (schema.md §3.8): ICU root collation, and the collation-sensitivity check.

/// Variants in the order upstream stores them (ICU root collation, stable). STUB: byte order.
pub fn sort_variants(variants: &[String]) -> Vec<String> {
    let mut v = variants.to_vec();
    v.sort();
    v
}

/// Whether root order differs from byte order or any variant is non-ASCII (JZ1024). STUB.
pub fn is_collation_sensitive(variants: &[String]) -> bool {
    let _ = variants;
    false
}
