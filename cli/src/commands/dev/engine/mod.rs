//! Which server `jazz dev` runs (docs/architecture.md, "jazz dev and the engine"): upstream's
//! native sync engine from the project's `node_modules/jazz-tools`, found the way Node resolves
//! a package (from the project root upward), or our embedded catalogue server when that engine
//! is not installed. `--engine auto|upstream|embedded|<path>` (env `JAZZ_ENGINE`) decides.
//!
//! [`process`] starts and stops one engine process, [`guard`] makes it die with `jazz dev`,
//! [`supervise`] restarts it when it crashes or stops answering.

pub mod guard;
pub mod process;
pub mod supervise;

use std::path::{Path, PathBuf};

/// The jazz-tools release whose formats (hashes, stubs, policy JSON) jazz reproduces (shared
/// with `validate`'s JZ0113).
pub use jazz_schema_compiler::project::versions::REPRODUCED_JAZZ_TOOLS as REPRODUCED_VERSION;

/// `--engine` as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// The upstream engine when the project has it, else the embedded server.
    Auto,
    /// The upstream engine from `node_modules`; an error when it is not installed.
    Upstream,
    /// Our catalogue server, in-process.
    Embedded,
    /// An engine binary at this path.
    Path(PathBuf),
}

impl Choice {
    /// Parses a flag or `JAZZ_ENGINE` value (`cwd` resolves a relative path).
    pub fn parse(value: &str, cwd: &Path) -> Choice {
        match value.trim() {
            "" | "auto" => Choice::Auto,
            "upstream" => Choice::Upstream,
            "embedded" => Choice::Embedded,
            p => Choice::Path(crate::paths::resolve(cwd, Path::new(p))),
        }
    }
}

/// An upstream engine binary found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub binary: PathBuf,
    /// The `version` of the `jazz-tools` package.json beside it, when there is one.
    pub version: Option<String>,
}

impl Found {
    /// The version for messages: the package version or `unknown version`.
    pub fn version_shown(&self) -> &str {
        self.version.as_deref().unwrap_or("unknown version")
    }
}

/// What `--engine` resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selected {
    Upstream(Found),
    /// The embedded server; `why` says why the upstream engine is not used, for the notice.
    Embedded {
        notice: Option<String>,
    },
}

/// The file name of upstream's engine for this machine, as the `jazz-tools` package ships it
/// (`bin/native/jazz-tools-<platform>`); `None` on a platform it has no build for.
pub fn platform_binary_name() -> Option<&'static str> {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => Some("jazz-tools-linux-x64"),
        ("linux", "aarch64") => Some("jazz-tools-linux-arm64"),
        ("macos", "aarch64") => Some("jazz-tools-darwin-arm64"),
        ("macos", "x86_64") => Some("jazz-tools-darwin-x64"),
        ("windows", "x86_64") => Some("jazz-tools-windows-x64.exe"),
        _ => None,
    }
}

/// Where resolution looked, and why each place did not hold a usable engine.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Search {
    /// The first `node_modules/jazz-tools` folder found, if any.
    pub package: Option<PathBuf>,
    /// Why the engine in that package cannot run (missing binary, not executable).
    pub problem: Option<String>,
}

/// Node-style resolution of `jazz-tools`: the nearest `node_modules/jazz-tools` from `root`
/// upward (as `require.resolve` would pick it), then its platform binary.
pub fn resolve_installed(root: &Path) -> Result<Found, Search> {
    let mut search = Search::default();
    for dir in root.ancestors() {
        let package = dir.join("node_modules").join("jazz-tools");
        if !package.is_dir() {
            continue;
        }
        search.package = Some(package.clone());
        let Some(name) = platform_binary_name() else {
            search.problem = Some(format!(
                "jazz-tools ships no engine for {}-{}",
                std::env::consts::OS,
                std::env::consts::ARCH
            ));
            return Err(search);
        };
        let binary = package.join("bin").join("native").join(name);
        return match usable(&binary) {
            Ok(()) => Ok(Found {
                version: package_version(&package),
                binary,
            }),
            Err(problem) => {
                search.problem = Some(problem);
                Err(search)
            }
        };
    }
    Err(search)
}

/// An engine at an explicit path: its package version is read from the `jazz-tools` folder
/// it sits in (`<package>/bin/native/<binary>`), when it does.
pub fn at_path(binary: &Path) -> Result<Found, String> {
    usable(binary)?;
    let package = binary
        .canonicalize()
        .ok()
        .and_then(|b| Some(b.parent()?.parent()?.parent()?.to_path_buf()));
    Ok(Found {
        binary: binary.to_path_buf(),
        version: package.as_deref().and_then(package_version),
    })
}

/// Resolves `--engine` for a project rooted at `root`. `Err` is the message for an engine
/// that was asked for and cannot be used.
pub fn select(choice: &Choice, root: &Path) -> Result<Selected, String> {
    match choice {
        Choice::Embedded => Ok(Selected::Embedded { notice: None }),
        Choice::Path(p) => at_path(p).map(Selected::Upstream),
        Choice::Upstream => resolve_installed(root)
            .map(Selected::Upstream)
            .map_err(|s| not_installed(&s, root)),
        Choice::Auto => Ok(match resolve_installed(root) {
            Ok(found) => Selected::Upstream(found),
            Err(s) => Selected::Embedded {
                notice: Some(embedded_notice(&s)),
            },
        }),
    }
}

/// The one line printed when the embedded server stands in for the engine.
fn embedded_notice(s: &Search) -> String {
    let why = match (&s.package, &s.problem) {
        (Some(p), Some(problem)) => format!("{problem} ({})", p.display()),
        _ => "jazz-tools is not installed in this project".to_owned(),
    };
    format!(
        "the embedded server only stores schemas and permissions: apps cannot sync against it ({why}). Run `npm install jazz-tools` for the real engine, or pass --engine <path>."
    )
}

fn not_installed(s: &Search, root: &Path) -> String {
    match (&s.package, &s.problem) {
        (Some(p), Some(problem)) => format!(
            "--engine upstream: {problem} in {}. Reinstall it (`npm install jazz-tools`) or pass --engine <path>.",
            p.display()
        ),
        _ => format!(
            "--engine upstream: jazz-tools is not installed in {} or any folder above it. Run `npm install jazz-tools`, or pass --engine <path> to a jazz-tools engine binary.",
            root.display()
        ),
    }
}

/// `Ok` when `binary` is a file this user may execute.
fn usable(binary: &Path) -> Result<(), String> {
    let meta = std::fs::metadata(binary)
        .map_err(|e| format!("cannot use the engine {}: {e}", binary.display()))?;
    if !meta.is_file() {
        return Err(format!("the engine {} is not a file", binary.display()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o111 == 0 {
            return Err(format!(
                "the engine {} is not executable (chmod +x it, or reinstall jazz-tools)",
                binary.display()
            ));
        }
    }
    Ok(())
}

/// The `version` field of `<package>/package.json`.
fn package_version(package: &Path) -> Option<String> {
    let text = std::fs::read_to_string(package.join("package.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("version")?.as_str().map(str::to_owned)
}

/// The warning for an engine whose formats may differ from the ones jazz reproduces, once per
/// start; `None` for the reproduced version.
pub fn version_warning(found: &Found) -> Option<String> {
    match found.version.as_deref() {
        Some(REPRODUCED_VERSION) => None,
        Some(v) => Some(format!(
            "the installed jazz-tools is {v}; jazz reproduces {REPRODUCED_VERSION}. Schema hashes (for example of zod-typed json columns), migration stubs and policy JSON may differ from what this engine computes: a hash mismatch on publish is reported, never ignored."
        )),
        None => Some(format!(
            "cannot tell the version of the engine {} (no jazz-tools package.json beside it); jazz reproduces {REPRODUCED_VERSION}.",
            found.binary.display()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn install(root: &Path, version: &str, mode: u32) -> PathBuf {
        let package = root.join("node_modules").join("jazz-tools");
        let native = package.join("bin").join("native");
        std::fs::create_dir_all(&native).expect("dirs");
        std::fs::write(
            package.join("package.json"),
            format!(r#"{{"name":"jazz-tools","version":"{version}"}}"#),
        )
        .expect("package.json");
        let bin = native.join(platform_binary_name().expect("a supported platform"));
        std::fs::write(&bin, "#!/bin/sh\n").expect("binary");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(mode)).expect("chmod");
        }
        bin
    }

    #[test]
    fn choices_parse() {
        let cwd = Path::new("/p");
        assert_eq!(Choice::parse("auto", cwd), Choice::Auto);
        assert_eq!(Choice::parse("", cwd), Choice::Auto);
        assert_eq!(Choice::parse("upstream", cwd), Choice::Upstream);
        assert_eq!(Choice::parse("embedded", cwd), Choice::Embedded);
        assert_eq!(
            Choice::parse("bin/engine", cwd),
            Choice::Path(PathBuf::from("/p/bin/engine"))
        );
    }

    #[cfg(unix)]
    #[test]
    fn resolution_walks_up_like_node_and_reads_the_version() {
        let tmp = tempfile::tempdir().expect("tmp");
        let app = tmp.path().join("apps").join("web");
        std::fs::create_dir_all(&app).expect("app");
        assert_eq!(
            select(&Choice::Auto, &app).map(|s| matches!(s, Selected::Embedded { .. })),
            Ok(true)
        );
        assert!(
            select(&Choice::Upstream, &app)
                .expect_err("not installed")
                .contains("not installed")
        );
        // A workspace root install is found from the app folder.
        let bin = install(tmp.path(), "2.0.0-alpha.50", 0o755);
        let found = resolve_installed(&app).expect("found");
        assert_eq!(found.binary, bin);
        assert_eq!(found.version.as_deref(), Some("2.0.0-alpha.50"));
        assert_eq!(version_warning(&found), None);
        // The nearest install wins, and a non-executable one is reported, not run.
        install(&app, "2.0.0-alpha.53", 0o644);
        let s = resolve_installed(&app).expect_err("not executable");
        assert!(s.problem.expect("problem").contains("not executable"));
        match select(&Choice::Auto, &app).expect("auto") {
            Selected::Embedded { notice } => {
                assert!(notice.expect("notice").contains("not executable"))
            }
            other => panic!("{other:?}"),
        }
        install(&app, "2.0.0-alpha.53", 0o755);
        let found = resolve_installed(&app).expect("found");
        assert!(
            version_warning(&found)
                .expect("warning")
                .contains("2.0.0-alpha.53")
        );
        let explicit = at_path(&bin).expect("explicit path");
        assert_eq!(explicit.version.as_deref(), Some("2.0.0-alpha.50"));
    }
}
