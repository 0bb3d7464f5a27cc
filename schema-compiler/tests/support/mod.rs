//! Shared by the corpus golden tests: where the corpus apps are and how to load one into a
//! memory loader rooted at `/app`.

use std::fs;
use std::path::{Path, PathBuf};

use jazz_schema_compiler::source::MemoryLoader;

/// The top-level `tests/fixtures` folder (the corpus apps copied from `shared/corpus`).
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

/// Loads every `.ts` file of an app into a memory loader rooted at `/app`.
pub fn load_app(dir: &Path) -> MemoryLoader {
    let mut loader = MemoryLoader::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("fixture dir") {
            let p = entry.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "ts") {
                let rel = p.strip_prefix(dir).expect("prefix");
                loader.insert(
                    Path::new("/app").join(rel),
                    fs::read_to_string(&p).expect("read"),
                );
            }
        }
    }
    loader
}

/// The corpus apps that have `expected/<file>`, sorted.
pub fn apps_with(expected: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(fixtures())
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("expected").join(expected).is_file())
        .collect();
    out.sort();
    out
}

/// One analysed corpus app: its folder name, the analysis and its error diagnostics as text.
pub struct AnalysedApp {
    pub name: String,
    pub analysis: jazz_schema_compiler::project::Analysis,
    pub errors: Vec<String>,
}

/// Analyses the app in `dir` as the project `/app`.
pub fn analyse_app(dir: &Path) -> AnalysedApp {
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned();
    let analysis = jazz_schema_compiler::project::analyze(
        &load_app(dir),
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    let errors = analysis
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    AnalysedApp {
        name,
        analysis,
        errors,
    }
}
