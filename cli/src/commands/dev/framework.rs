//! Which framework a project uses and the env var lines its client needs:
//! detection from `<root>/package.json`, the env-var prefix, and the printed block.
//! The block never holds secrets.

use std::path::Path;

use crate::args::FrameworkChoice;

/// A framework whose bundler exposes prefixed env vars to client code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framework {
    SvelteKit,
    Next,
    Expo,
    Vite,
}

impl Framework {
    pub fn prefix(self) -> &'static str {
        match self {
            Framework::SvelteKit => "PUBLIC_",
            Framework::Next => "NEXT_PUBLIC_",
            Framework::Expo => "EXPO_PUBLIC_",
            Framework::Vite => "VITE_",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Framework::SvelteKit => "SvelteKit",
            Framework::Next => "Next.js",
            Framework::Expo => "Expo",
            Framework::Vite => "Vite",
        }
    }
}

/// The package that reveals each framework, in detection order (SvelteKit and Next.js apps
/// usually depend on `vite` too, so it comes last).
const DETECTION: [(&str, Framework); 4] = [
    ("@sveltejs/kit", Framework::SvelteKit),
    ("next", Framework::Next),
    ("expo", Framework::Expo),
    ("vite", Framework::Vite),
];

/// The framework to use: `--framework`, else detected from `<root>/package.json`. The bool
/// says whether it was detected.
pub fn choose(choice: FrameworkChoice, root: &Path) -> (Option<Framework>, bool) {
    match choice {
        FrameworkChoice::Auto => (detect(root), true),
        FrameworkChoice::Vite => (Some(Framework::Vite), false),
        FrameworkChoice::Sveltekit => (Some(Framework::SvelteKit), false),
        FrameworkChoice::Next => (Some(Framework::Next), false),
        FrameworkChoice::Expo => (Some(Framework::Expo), false),
        FrameworkChoice::None => (None, false),
    }
}

/// Looks at `dependencies` and `devDependencies`; an unreadable package.json detects nothing.
pub fn detect(root: &Path) -> Option<Framework> {
    let text = std::fs::read_to_string(root.join("package.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let has = |pkg: &str| {
        ["dependencies", "devDependencies"]
            .iter()
            .any(|section| json.get(section).and_then(|d| d.get(pkg)).is_some())
    };
    DETECTION
        .iter()
        .find(|(pkg, _)| has(pkg))
        .map(|(_, framework)| *framework)
}

/// The env pairs for a client: the framework pair and the unprefixed pair, or all five pairs
/// when no framework is known.
pub fn env_pairs(framework: Option<Framework>, app_id: &str, url: &str) -> Vec<(String, String)> {
    let prefixes: Vec<&str> = match framework {
        Some(f) => vec![f.prefix(), ""],
        None => vec!["", "PUBLIC_", "VITE_", "NEXT_PUBLIC_", "EXPO_PUBLIC_"],
    };
    let mut pairs = Vec::new();
    for p in prefixes {
        pairs.push((format!("{p}JAZZ_APP_ID"), app_id.to_owned()));
        pairs.push((format!("{p}JAZZ_SERVER_URL"), url.to_owned()));
    }
    pairs
}

/// The printed block (stdout, dotenv syntax).
pub fn env_block(framework: Option<Framework>, detected: bool, app_id: &str, url: &str) -> String {
    let heading = match (framework, detected) {
        (Some(f), true) => format!("Env for {} (detected from package.json):", f.name()),
        (Some(f), false) => format!("Env for {}:", f.name()),
        (None, _) => "Env for your app:".to_owned(),
    };
    let mut out = heading;
    for (k, v) in env_pairs(framework, app_id, url) {
        out.push_str(&format!("\n  {k}={v}"));
    }
    out
}

/// The env key a generated app id is saved under.
pub fn app_id_key(framework: Option<Framework>) -> String {
    format!("{}JAZZ_APP_ID", framework.map_or("", Framework::prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_order_prefers_meta_frameworks_over_vite() {
        let dir = tempfile::tempdir().expect("temp dir");
        let pkg = dir.path().join("package.json");
        std::fs::write(
            &pkg,
            r#"{"dependencies":{"vite":"5"},"devDependencies":{"@sveltejs/kit":"2"}}"#,
        )
        .expect("write");
        assert_eq!(detect(dir.path()), Some(Framework::SvelteKit));
        std::fs::write(&pkg, r#"{"devDependencies":{"vite":"5"}}"#).expect("write");
        assert_eq!(detect(dir.path()), Some(Framework::Vite));
        std::fs::write(&pkg, "{not json").expect("write");
        assert_eq!(detect(dir.path()), None);
        assert_eq!(
            choose(FrameworkChoice::Next, dir.path()),
            (Some(Framework::Next), false)
        );
    }

    #[test]
    fn block_lists_the_framework_pair_then_the_unprefixed_pair() {
        let block = env_block(Some(Framework::Vite), true, "id", "http://127.0.0.1:1");
        assert_eq!(
            block,
            "Env for Vite (detected from package.json):\n  VITE_JAZZ_APP_ID=id\n  VITE_JAZZ_SERVER_URL=http://127.0.0.1:1\n  JAZZ_APP_ID=id\n  JAZZ_SERVER_URL=http://127.0.0.1:1"
        );
        assert_eq!(env_pairs(None, "id", "u").len(), 10);
        assert_eq!(app_id_key(Some(Framework::Next)), "NEXT_PUBLIC_JAZZ_APP_ID");
        assert_eq!(app_id_key(None), "JAZZ_APP_ID");
    }
}
