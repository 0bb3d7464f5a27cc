//! The app id of a `jazz dev` run: explicit value › real environment
//! › env files › a new UUIDv4 (embedded mode only), and appending it to the project's env file
//! so the next start reuses it. An existing assignment is never modified.

use std::fs;
use std::io;
use std::path::Path;

use uuid::Uuid;

use crate::env::{APP_ID_NAMES, Env, file};

/// Where the app id came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Explicit,
    /// An env name (real environment or env file).
    Env(String),
    Generated,
}

/// A resolved app id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppId {
    pub id: Uuid,
    /// The value as given, when it was a name rather than a UUID.
    pub name: Option<String>,
    /// The text to persist: the name or the UUID as given.
    pub raw: String,
    pub source: Source,
}

impl AppId {
    fn parse(raw: &str, source: Source) -> Self {
        let raw = raw.trim().to_owned();
        match Uuid::parse_str(&raw) {
            Ok(id) => Self {
                id,
                name: None,
                raw: id.to_string(),
                source,
            },
            Err(_) => Self {
                id: Uuid::new_v5(&Uuid::NAMESPACE_DNS, raw.as_bytes()),
                name: Some(raw.clone()),
                raw,
                source,
            },
        }
    }

    /// `<uuid>`, or `<uuid> (from name <name>)`.
    pub fn shown(&self) -> String {
        match &self.name {
            Some(name) => format!("{} (from name {name})", self.id),
            None => self.id.to_string(),
        }
    }
}

/// Resolves the app id. `None` means it is missing and may not be generated.
pub fn resolve(explicit: Option<&str>, env: &Env, generate: bool) -> (Option<AppId>, Vec<String>) {
    if let Some(raw) = explicit.filter(|r| !r.trim().is_empty()) {
        return (Some(AppId::parse(raw, Source::Explicit)), Vec::new());
    }
    let (found, warnings) = env.lookup(&APP_ID_NAMES);
    if let Some(found) = found {
        return (
            Some(AppId::parse(&found.value, Source::Env(found.name))),
            warnings,
        );
    }
    let generated = generate.then(|| {
        let id = Uuid::new_v4();
        AppId {
            id,
            name: None,
            raw: id.to_string(),
            source: Source::Generated,
        }
    });
    (generated, warnings)
}

/// What persisting did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Persisted {
    /// `<KEY>=<id>` was appended.
    Appended { key: String },
    /// The file already assigns an app id (`key`, `value`); it is left alone.
    Present { key: String, value: String },
}

/// Appends `<key>=<raw>` to `file` unless it already assigns one of the five app-id keys: a newline
/// is inserted first when the file lacks a trailing one, the file's line
/// ending style and permissions are kept, and the write is atomic (temp file + rename).
pub fn persist(path: &Path, key: &str, raw: &str) -> io::Result<Persisted> {
    let text = match fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    if let Some((k, v)) = existing(&text) {
        return Ok(Persisted::Present { key: k, value: v });
    }
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = text.clone();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(eol);
    }
    out.push_str(&format!("{key}={raw}{eol}"));
    write_atomically(path, &out)?;
    Ok(Persisted::Appended {
        key: key.to_owned(),
    })
}

/// The last assignment of the first app-id key the file assigns (comments are not
/// assignments; quotes are stripped by the parser).
fn existing(text: &str) -> Option<(String, String)> {
    let pairs = file::parse(text);
    APP_ID_NAMES.iter().find_map(|name| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(k, v)| (k.clone(), v.clone()))
    })
}

/// Writes `text` to `path` through a temp file in the same directory and a rename, keeping
/// the permissions of an existing file.
pub fn write_atomically(path: &Path, text: &str) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "env".to_owned());
    let tmp = dir.join(format!(".{name}.jazz-{}.tmp", std::process::id()));
    fs::write(&tmp, text)?;
    if let Ok(meta) = fs::metadata(path) {
        let _ = fs::set_permissions(&tmp, meta.permissions());
    }
    fs::rename(&tmp, path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn env(real: &[(&str, &str)], files: &[(&str, &str)]) -> Env {
        let map = |p: &[(&str, &str)]| {
            p.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<BTreeMap<_, _>>()
        };
        Env::new(map(real), map(files), BTreeMap::new())
    }

    const A: &str = "0190f5c2-7a4e-7c1b-9d1e-3f2a1b0c9d8e";
    const B: &str = "11111111-2222-4333-8444-555555555555";

    #[test]
    fn explicit_beats_environment_beats_files() {
        let e = env(&[("VITE_JAZZ_APP_ID", B)], &[("JAZZ_APP_ID", A)]);
        let (id, _) = resolve(Some(A), &e, true);
        assert_eq!(
            id.map(|i| (i.raw, i.source)),
            Some((A.into(), Source::Explicit))
        );
        let (id, warnings) = resolve(None, &e, true);
        let id = id.expect("an id");
        assert_eq!(id.raw, B);
        assert_eq!(id.source, Source::Env("VITE_JAZZ_APP_ID".into()));
        assert_eq!(
            warnings.len(),
            1,
            "the differing file value is warned about"
        );
        let (id, _) = resolve(None, &env(&[], &[("JAZZ_APP_ID", A)]), true);
        assert_eq!(id.map(|i| i.raw), Some(A.to_owned()));
    }

    #[test]
    fn generates_only_when_allowed_and_maps_names() {
        let (id, _) = resolve(None, &env(&[], &[]), true);
        let id = id.expect("generated");
        assert_eq!(id.source, Source::Generated);
        assert_eq!(id.id.get_version_num(), 4);
        assert_eq!(resolve(None, &env(&[], &[]), false).0, None);
        let (id, _) = resolve(Some("my-app"), &env(&[], &[]), false);
        let id = id.expect("named");
        assert_eq!(id.id, Uuid::new_v5(&Uuid::NAMESPACE_DNS, b"my-app"));
        assert_eq!(id.shown(), format!("{} (from name my-app)", id.id));
    }

    #[test]
    fn appends_with_a_newline_guard_and_keeps_crlf() {
        let dir = tempfile::tempdir().expect("temp dir");
        let p = dir.path().join(".env");
        fs::write(&p, "A=1\r\nB=2").expect("write");
        let r = persist(&p, "VITE_JAZZ_APP_ID", A).expect("persist");
        assert_eq!(
            r,
            Persisted::Appended {
                key: "VITE_JAZZ_APP_ID".into()
            }
        );
        assert_eq!(
            fs::read_to_string(&p).expect("read"),
            format!("A=1\r\nB=2\r\nVITE_JAZZ_APP_ID={A}\r\n")
        );
        let fresh = dir.path().join("sub").join(".env");
        persist(&fresh, "JAZZ_APP_ID", A).expect("persist");
        assert_eq!(
            fs::read_to_string(&fresh).expect("read"),
            format!("JAZZ_APP_ID={A}\n")
        );
    }

    #[test]
    fn never_touches_an_existing_assignment_but_ignores_comments() {
        let dir = tempfile::tempdir().expect("temp dir");
        let p = dir.path().join(".env");
        let text = format!("# JAZZ_APP_ID=old\nNEXT_PUBLIC_JAZZ_APP_ID=\"{B}\"\n");
        fs::write(&p, &text).expect("write");
        let r = persist(&p, "JAZZ_APP_ID", A).expect("persist");
        assert_eq!(
            r,
            Persisted::Present {
                key: "NEXT_PUBLIC_JAZZ_APP_ID".into(),
                value: B.into()
            }
        );
        assert_eq!(fs::read_to_string(&p).expect("read"), text);

        let commented = dir.path().join("c.env");
        fs::write(&commented, "# JAZZ_APP_ID=old\n").expect("write");
        persist(&commented, "JAZZ_APP_ID", A).expect("persist");
        assert_eq!(
            fs::read_to_string(&commented).expect("read"),
            format!("# JAZZ_APP_ID=old\nJAZZ_APP_ID={A}\n")
        );
    }
}
