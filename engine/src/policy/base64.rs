//! Base64 decoding (RFC 4648): the standard alphabet with padding (`X-Jazz-Session`) and the
//! URL-safe alphabet without padding (JWS parts). Strict: any other character, a misplaced or
//! missing `=`, or non-zero trailing bits give `None`.

fn value(c: u8, url: bool) -> Option<u32> {
    match c {
        b'A'..=b'Z' => Some(u32::from(c - b'A')),
        b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
        b'+' if !url => Some(62),
        b'/' if !url => Some(63),
        b'-' if url => Some(62),
        b'_' if url => Some(63),
        _ => None,
    }
}

fn decode(chars: &[u8], url: bool) -> Option<Vec<u8>> {
    if chars.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(chars.len() * 3 / 4);
    for chunk in chars.chunks(4) {
        let mut n = 0u32;
        for c in chunk {
            n = (n << 6) | value(*c, url)?;
        }
        let bits = 6 * chunk.len() as u32;
        n <<= 24 - bits;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        let keep = (bits / 8) as usize;
        // Non-canonical encodings (set bits past the last byte) are rejected.
        if n & ((1u32 << (24 - 8 * keep as u32)) - 1) != 0 {
            return None;
        }
        out.extend_from_slice(&bytes[..keep]);
    }
    Some(out)
}

/// Standard alphabet, padded to a multiple of 4.
pub fn standard(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let trimmed = bytes
        .strip_suffix(b"==")
        .or_else(|| bytes.strip_suffix(b"="))
        .unwrap_or(bytes);
    decode(trimmed, false)
}

/// URL-safe alphabet, no padding.
pub fn url_no_pad(text: &str) -> Option<Vec<u8>> {
    decode(text.as_bytes(), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(standard("aGk="), Some(b"hi".to_vec()));
        assert_eq!(standard("aGVsbG8h"), Some(b"hello!".to_vec()));
        assert_eq!(standard("a"), None);
        assert_eq!(standard("a=bc"), None);
        assert_eq!(standard("aGl="), None);
        assert_eq!(url_no_pad("_-8"), Some(vec![0xff, 0xef]));
        assert_eq!(url_no_pad("aGk"), Some(b"hi".to_vec()));
        assert_eq!(url_no_pad("aGk="), None);
    }
}
