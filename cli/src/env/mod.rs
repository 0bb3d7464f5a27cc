//! The environment jazz resolves settings from: the real process
//! environment, env files, and `--define` values, held as explicit maps and passed around.
//! Nothing here ever writes to the process environment.
//!
//! Precedence is flag > real env > env files > default; flags are the caller's
//! business, so this module answers the two levels in the middle.

pub use jazz_schema_compiler::project::env_file as file;

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Framework prefixes upstream accepts for public settings.
pub const FRAMEWORK_PREFIXES: [&str; 4] = ["PUBLIC_", "VITE_", "NEXT_PUBLIC_", "EXPO_PUBLIC_"];

/// Env names of the server URL, in lookup order.
pub const SERVER_URL_NAMES: [&str; 5] = [
    "JAZZ_SERVER_URL",
    "PUBLIC_JAZZ_SERVER_URL",
    "VITE_JAZZ_SERVER_URL",
    "NEXT_PUBLIC_JAZZ_SERVER_URL",
    "EXPO_PUBLIC_JAZZ_SERVER_URL",
];

/// Env names of the app id, in lookup order.
pub const APP_ID_NAMES: [&str; 5] = [
    "JAZZ_APP_ID",
    "PUBLIC_JAZZ_APP_ID",
    "VITE_JAZZ_APP_ID",
    "NEXT_PUBLIC_JAZZ_APP_ID",
    "EXPO_PUBLIC_JAZZ_APP_ID",
];

/// Where a resolved value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    ProcessEnv,
    EnvFile,
}

/// A value found for one of several names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub name: String,
    pub value: String,
    pub origin: Origin,
}

/// The real environment, the merged env files and the `--define` values.
#[derive(Debug, Clone, Default)]
pub struct Env {
    real: BTreeMap<String, String>,
    files: BTreeMap<String, String>,
    defines: BTreeMap<String, String>,
}

impl Env {
    pub fn new(
        real: BTreeMap<String, String>,
        files: BTreeMap<String, String>,
        defines: BTreeMap<String, String>,
    ) -> Self {
        Self {
            real,
            files,
            defines,
        }
    }

    /// The merged env-file values.
    pub fn files(&self) -> &BTreeMap<String, String> {
        &self.files
    }

    /// Replaces the env-file values (`jazz dev` re-reads them when a file changes).
    pub fn set_files(&mut self, files: BTreeMap<String, String>) {
        self.files = files;
    }

    /// A real-environment value, if set and non-empty (for process concerns such as colour).
    pub fn real(&self, name: &str) -> Option<&str> {
        self.real
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    fn file(&self, name: &str) -> Option<&str> {
        self.files
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// The first non-empty value of `names`: the real environment is searched first, in list
    /// order, then the env files. Also returns a warning for every other name whose
    /// value differs from the chosen one.
    pub fn lookup(&self, names: &[&str]) -> (Option<Resolved>, Vec<String>) {
        let found = names
            .iter()
            .find_map(|n| self.real(n).map(|v| (*n, v, Origin::ProcessEnv)))
            .or_else(|| {
                names
                    .iter()
                    .find_map(|n| self.file(n).map(|v| (*n, v, Origin::EnvFile)))
            });
        let Some((name, value, origin)) = found else {
            return (None, Vec::new());
        };
        let warnings = names
            .iter()
            .filter(|n| **n != name)
            .filter_map(|n| self.real(n).or_else(|| self.file(n)).map(|v| (*n, v)))
            .filter(|(_, v)| *v != value)
            .map(|(other, v)| format!("{name} ({value}) and {other} ({v}) differ; using {name}."))
            .collect();
        (
            Some(Resolved {
                name: name.to_owned(),
                value: value.to_owned(),
                origin,
            }),
            warnings,
        )
    }

    /// A secret (`JAZZ_ADMIN_SECRET`, `JAZZ_BACKEND_SECRET`): never read from a framework-prefixed
    /// name, and a warning for each prefixed form that is set.
    pub fn secret(&self, name: &str) -> (Option<Resolved>, Vec<String>) {
        let warnings = FRAMEWORK_PREFIXES
            .iter()
            .map(|p| format!("{p}{name}"))
            .filter(|n| self.real(n).or_else(|| self.file(n)).is_some())
            .map(|n| {
                format!(
                    "{n} is ignored; framework-prefixed variables are bundled into client code. Use {name}."
                )
            })
            .collect();
        (self.lookup(&[name]).0, warnings)
    }

    /// What `process.env.NAME` reads in the project see: `--define`, then the real environment,
    /// then the env files.
    pub fn process_env(&self, name: &str) -> Option<&str> {
        self.defines
            .get(name)
            .map(String::as_str)
            .or_else(|| self.real.get(name).map(String::as_str))
            .or_else(|| self.files.get(name).map(String::as_str))
    }
}

/// Which env files to load.
#[derive(Debug, Clone)]
pub enum EnvFiles {
    /// `./.env` if it exists, silently skipped otherwise.
    Default,
    /// Only these, in order; a missing one is warned about.
    Explicit(Vec<PathBuf>),
    /// `--no-env-file`.
    Disabled,
}

/// The merged values of the env files and the warnings loading them produced.
#[derive(Debug, Default)]
pub struct LoadedFiles {
    pub values: BTreeMap<String, String>,
    pub warnings: Vec<String>,
}

/// Reads the env files, relative to `cwd`. Never fails: unreadable files become warnings.
pub fn load_files(which: &EnvFiles, cwd: &Path) -> LoadedFiles {
    let mut loaded = LoadedFiles::default();
    let (paths, explicit): (Vec<PathBuf>, bool) = match which {
        EnvFiles::Disabled => return loaded,
        EnvFiles::Default => (vec![PathBuf::from(".env")], false),
        EnvFiles::Explicit(paths) => (paths.clone(), true),
    };
    let mut parsed = Vec::new();
    for path in paths {
        match fs::read(cwd.join(&path)) {
            Ok(bytes) => parsed.push(file::parse(&String::from_utf8_lossy(&bytes))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if explicit {
                    let shown = path.display();
                    loaded
                        .warnings
                        .push(format!("env file {shown} not found; ignoring it"));
                }
            }
            Err(e) => {
                let shown = path.display();
                loaded.warnings.push(format!(
                    "env file {shown} could not be read ({e}); ignoring it"
                ));
            }
        }
    }
    loaded.values = merge(parsed);
    loaded
}

/// Merges parsed files: across files the first file that sets a key wins; within one file the
/// last line wins, as in Node.
pub fn merge(files: Vec<Vec<(String, String)>>) -> BTreeMap<String, String> {
    let mut merged = BTreeMap::new();
    for pairs in files {
        let mut this_file = BTreeMap::new();
        for (k, v) in pairs {
            this_file.insert(k, v);
        }
        for (k, v) in this_file {
            merged.entry(k).or_insert(v);
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn real_env_beats_files_and_empty_counts_as_unset() {
        let env = Env::new(
            map(&[("JAZZ_APP_ID", ""), ("VITE_JAZZ_APP_ID", "real")]),
            map(&[("JAZZ_APP_ID", "file")]),
            BTreeMap::new(),
        );
        let (found, warnings) = env.lookup(&APP_ID_NAMES);
        let found = found.expect("a value");
        assert_eq!(
            (found.name.as_str(), found.value.as_str()),
            ("VITE_JAZZ_APP_ID", "real")
        );
        assert_eq!(found.origin, Origin::ProcessEnv);
        assert_eq!(
            warnings,
            vec!["VITE_JAZZ_APP_ID (real) and JAZZ_APP_ID (file) differ; using VITE_JAZZ_APP_ID."]
        );
    }

    #[test]
    fn list_order_within_a_level() {
        let env = Env::new(
            BTreeMap::new(),
            map(&[
                ("VITE_JAZZ_SERVER_URL", "http://a"),
                ("JAZZ_SERVER_URL", "http://a"),
            ]),
            BTreeMap::new(),
        );
        let (found, warnings) = env.lookup(&SERVER_URL_NAMES);
        let found = found.expect("a value");
        assert_eq!(found.name, "JAZZ_SERVER_URL");
        assert_eq!(found.origin, Origin::EnvFile);
        assert!(warnings.is_empty(), "equal values are no conflict");
        assert_eq!(Env::default().lookup(&SERVER_URL_NAMES), (None, Vec::new()));
    }

    #[test]
    fn prefixed_secrets_are_ignored_with_a_warning() {
        let env = Env::new(
            map(&[("VITE_JAZZ_ADMIN_SECRET", "leak")]),
            BTreeMap::new(),
            BTreeMap::new(),
        );
        let (found, warnings) = env.secret("JAZZ_ADMIN_SECRET");
        assert_eq!(found, None);
        assert_eq!(
            warnings,
            vec![
                "VITE_JAZZ_ADMIN_SECRET is ignored; framework-prefixed variables are bundled into client code. Use JAZZ_ADMIN_SECRET."
            ]
        );
    }

    #[test]
    fn defines_beat_everything_for_process_env() {
        let env = Env::new(
            map(&[("X", "real")]),
            map(&[("X", "file"), ("Y", "file")]),
            map(&[("X", "def")]),
        );
        assert_eq!(env.process_env("X"), Some("def"));
        assert_eq!(env.process_env("Y"), Some("file"));
        assert_eq!(env.process_env("Z"), None);
    }

    #[test]
    fn first_file_wins_last_line_wins_within_a_file() {
        let merged = merge(vec![
            vec![("A".into(), "1".into()), ("A".into(), "2".into())],
            vec![("A".into(), "3".into()), ("B".into(), "4".into())],
        ]);
        assert_eq!(merged, map(&[("A", "2"), ("B", "4")]));
    }

    #[test]
    fn loads_files_relative_to_cwd() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path();
        fs::write(dir.join(".env"), "A=default\n").expect("write");
        fs::write(dir.join("one.env"), "A=one\nB=one\n").expect("write");
        fs::write(dir.join("two.env"), "B=two\nC=two\n").expect("write");

        let loaded = load_files(&EnvFiles::Default, dir);
        assert_eq!(loaded.values, map(&[("A", "default")]));
        assert!(loaded.warnings.is_empty());

        let explicit = EnvFiles::Explicit(vec![
            "one.env".into(),
            "missing.env".into(),
            "two.env".into(),
        ]);
        let loaded = load_files(&explicit, dir);
        assert_eq!(
            loaded.values,
            map(&[("A", "one"), ("B", "one"), ("C", "two")])
        );
        assert_eq!(
            loaded.warnings,
            vec!["env file missing.env not found; ignoring it"]
        );

        assert!(load_files(&EnvFiles::Disabled, dir).values.is_empty());
        let empty = dir.join("empty");
        fs::create_dir_all(&empty).expect("dir");
        let loaded = load_files(&EnvFiles::Default, &empty);
        assert!(
            loaded.values.is_empty() && loaded.warnings.is_empty(),
            "missing ./.env is silent"
        );
    }
}
