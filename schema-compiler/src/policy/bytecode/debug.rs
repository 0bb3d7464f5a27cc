//! The optional debug section (B11): for every rule of every table, the slots it contributed
//! to and its source span as a project-relative path and byte range, so `explain` traces and the
//! disassembler can point at `permissions.ts`. It follows the code section and is followed by
//! its own length (u32), so it can be found and stripped without parsing the bundle; the content
//! hash excludes it. Bytecode compiled from policy JSON has none.
//!
//! Per rule: u32 table index, u8 slot mask (bit `Slot::index()`), u32 path length + UTF-8
//! path, u32 start, u32 end; preceded by the u32 rule count.

/// One rule's origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebugRule {
    pub table: u32,
    /// Bit `i` set: the rule contributed to slot `i`.
    pub slots: u8,
    pub path: String,
    pub start: u32,
    pub end: u32,
}

/// The length of the debug section recorded in the trailer (`None`: no valid trailer).
fn debug_len(bytes: &[u8]) -> Option<usize> {
    let at = bytes.len().checked_sub(4)?;
    let n = super::read_u32(bytes, at)? as usize;
    (n <= at).then_some(n)
}

/// The canonical bytes: everything before the debug section (the whole input when it has no
/// valid trailer, so the hash of damaged bytes is still defined).
pub fn canonical(bytes: &[u8]) -> &[u8] {
    match debug_len(bytes) {
        Some(n) => bytes.get(..bytes.len() - 4 - n).unwrap_or(bytes),
        None => bytes,
    }
}

/// The same bundle without its debug section (`--strip`).
pub fn strip(bytes: &[u8]) -> Vec<u8> {
    let mut out = canonical(bytes).to_vec();
    out.extend(0u32.to_le_bytes());
    out
}

/// Writes the section and the trailer.
pub(super) fn write(rules: &[DebugRule], out: &mut Vec<u8>) {
    if rules.is_empty() {
        out.extend(0u32.to_le_bytes());
        return;
    }
    let start = out.len();
    out.extend((rules.len() as u32).to_le_bytes());
    for r in rules {
        out.extend(r.table.to_le_bytes());
        out.push(r.slots);
        out.extend((r.path.len() as u32).to_le_bytes());
        out.extend(r.path.as_bytes());
        out.extend(r.start.to_le_bytes());
        out.extend(r.end.to_le_bytes());
    }
    let len = (out.len() - start) as u32;
    out.extend(len.to_le_bytes());
}

/// The body (up to the code section's end) and the debug rules.
pub(super) type Split<'b> = (&'b [u8], Vec<DebugRule>);

/// Splits `bytes` into the body (up to the code section's end) and the parsed debug rules;
/// `tables` bounds the table indexes. Errors carry the offset.
pub(super) fn split(bytes: &[u8], tables: usize) -> Result<Split<'_>, (usize, String)> {
    let Some(n) = debug_len(bytes) else {
        return Err((bytes.len(), "missing debug section trailer".into()));
    };
    let body_end = bytes.len() - 4 - n;
    let body = bytes.get(..body_end).unwrap_or(&[]);
    if n == 0 {
        return Ok((body, Vec::new()));
    }
    let sec = bytes.get(body_end..body_end + n).unwrap_or(&[]);
    let mut pos = 0usize;
    let err = |pos: usize, m: &str| Err((body_end + pos, m.to_owned()));
    let u32_at = |pos: usize| super::read_u32(sec, pos);
    let Some(count) = u32_at(0) else {
        return err(0, "truncated debug section");
    };
    pos += 4;
    // Each rule takes at least 17 bytes.
    if (count as usize).saturating_mul(17) > sec.len() {
        return err(0, "debug rule count exceeds the section");
    }
    let mut rules = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let (Some(table), Some(&slots), Some(plen)) =
            (u32_at(pos), sec.get(pos + 4), u32_at(pos + 5))
        else {
            return err(pos, "truncated debug rule");
        };
        if table as usize >= tables || slots >= 1 << 5 {
            return err(pos, "invalid debug rule");
        }
        let p0 = pos + 9;
        let Some(path) = p0
            .checked_add(plen as usize)
            .and_then(|p1| sec.get(p0..p1))
            .and_then(|b| std::str::from_utf8(b).ok())
        else {
            return err(pos, "invalid debug path");
        };
        let q = p0 + plen as usize;
        let (Some(start), Some(end)) = (u32_at(q), u32_at(q + 4)) else {
            return err(q, "truncated debug span");
        };
        if start > end {
            return err(q, "debug span ends before it starts");
        }
        rules.push(DebugRule {
            table,
            slots,
            path: path.to_owned(),
            start,
            end,
        });
        pos = q + 8;
    }
    if pos != sec.len() {
        return err(pos, "trailing bytes in the debug section");
    }
    Ok((body, rules))
}
