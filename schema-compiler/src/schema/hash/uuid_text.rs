//! UUID text as upstream's Rust side accepts it (the `uuid` crate's `parse_str`): 32-hex simple,
//! hyphenated `8-4-4-4-12`, braced `{hyphenated}` or `urn:uuid:hyphenated`. Hex digits in
//! either case; the `urn:uuid:` prefix in lowercase only, as that crate matches it.

/// The 16 bytes of a UUID text, or `None` if upstream would reject it.
pub fn parse_uuid(text: &str) -> Option<[u8; 16]> {
    let bytes = text.as_bytes();
    let hyphenated = match bytes.len() {
        32 => return hex_bytes(bytes.iter().copied()),
        36 => bytes,
        38 if bytes.first() == Some(&b'{') && bytes.last() == Some(&b'}') => bytes.get(1..37)?,
        45 if bytes.starts_with(b"urn:uuid:") => bytes.get(9..)?,
        _ => return None,
    };
    for (i, b) in hyphenated.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) != (*b == b'-') {
            return None;
        }
    }
    hex_bytes(hyphenated.iter().copied().filter(|b| *b != b'-'))
}

fn hex_bytes(digits: impl Iterator<Item = u8>) -> Option<[u8; 16]> {
    let mut out = [0u8; 16];
    let mut count = 0usize;
    for (i, d) in digits.enumerate() {
        let v = char::from(d).to_digit(16)?;
        let slot = out.get_mut(i / 2)?;
        *slot = (*slot << 4) | u8::try_from(v).ok()?;
        count += 1;
    }
    (count == 32).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_four_forms() {
        let want = [
            0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
            0xcd, 0xef,
        ];
        for text in [
            "0123456789ABCDEF0123456789ABCDEF",
            "01234567-89ab-cdef-0123-456789abcdef",
            "{01234567-89AB-cdef-0123-456789abcdef}",
            "urn:uuid:01234567-89ab-cdef-0123-456789abcdef",
        ] {
            assert_eq!(parse_uuid(text), Some(want), "{text}");
        }
    }

    #[test]
    fn rejects_other_shapes() {
        for text in [
            "",
            "0123456789abcdef0123456789abcde",
            "0123456789abcdef0123456789abcdeg",
            "01234567-89ab-cdef-0123-456789abcdeg",
            "0123456789-ab-cdef-0123-456789abcde",
            "{0123456789abcdef0123456789abcdef}",
            "URN:UUID:01234567-89ab-cdef-0123-456789abcdef",
            "(01234567-89ab-cdef-0123-456789abcdef)",
            "01234567-89ab-cdef-0123-456789abcdé",
        ] {
            assert_eq!(parse_uuid(text), None, "{text}");
        }
    }
}
