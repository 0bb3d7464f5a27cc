//! Watching a project for `jazz dev`: which files count
//! ([`WatchSet`]), directory-level `notify` watches (so editors that save through
//! rename-and-replace are seen), the trailing debounce, and the content-hash filter that
//! drops events whose file did not really change.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use jazz_schema_compiler::source::SourceLoader;
use notify::{RecursiveMode, Watcher as _};

use crate::loader::DiskLoader;

/// Under continuous changes a cycle still starts after this long.
const DEBOUNCE_CAP: Duration = Duration::from_secs(1);

/// How often a blocked wait looks at the stop flag.
const STOP_POLL: Duration = Duration::from_millis(100);

/// The inputs of a project: named files plus the migration files of one directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchSet {
    pub files: BTreeSet<PathBuf>,
    pub migrations_dir: PathBuf,
}

impl WatchSet {
    /// `<migrations dir>/*.ts` and `<migrations dir>/snapshots/*.json`.
    fn is_migration_input(&self, p: &Path) -> bool {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let parent = p.parent();
        (parent == Some(self.migrations_dir.as_path())
            && name.ends_with(".ts")
            && !name.ends_with(".d.ts"))
            || (parent == Some(crate::store::snapshots_dir(&self.migrations_dir).as_path())
                && name.ends_with(".json"))
    }

    pub fn contains(&self, p: &Path) -> bool {
        self.files.contains(p) || self.is_migration_input(p)
    }

    /// The directories to watch: every named file's directory and the migrations folders.
    /// The migrations dir's parent is watched too, so a `migrations/` created later is seen.
    pub fn dirs(&self) -> BTreeSet<PathBuf> {
        let mut dirs: BTreeSet<PathBuf> = self
            .files
            .iter()
            .filter_map(|f| f.parent().map(Path::to_path_buf))
            .collect();
        dirs.insert(self.migrations_dir.clone());
        dirs.insert(crate::store::snapshots_dir(&self.migrations_dir));
        if let Some(parent) = self.migrations_dir.parent() {
            dirs.insert(parent.to_path_buf());
        }
        dirs
    }

    /// Every input that exists now, files first, then migration inputs (for hashing).
    pub fn existing(&self) -> BTreeSet<PathBuf> {
        let mut out: BTreeSet<PathBuf> =
            self.files.iter().filter(|f| f.is_file()).cloned().collect();
        for dir in [
            self.migrations_dir.clone(),
            crate::store::snapshots_dir(&self.migrations_dir),
        ] {
            // Listed the way the compiler lists them.
            for name in DiskLoader.list_dir(&dir).unwrap_or_default() {
                let p = dir.join(name);
                if self.is_migration_input(&p) && p.is_file() {
                    out.insert(p);
                }
            }
        }
        out
    }
}

/// The content hash of each input as last compiled (`None`: the file did not exist).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contents(pub BTreeMap<PathBuf, Option<blake3::Hash>>);

impl Contents {
    /// The hash of a file as it is on disk now.
    pub fn hash_on_disk(p: &Path) -> Option<blake3::Hash> {
        std::fs::read(p).ok().map(|b| blake3::hash(&b))
    }

    /// The paths among `paths` whose content differs from the recorded one.
    pub fn changed(&self, paths: &BTreeSet<PathBuf>) -> BTreeSet<PathBuf> {
        paths
            .iter()
            .filter(|p| self.0.get(*p).copied().flatten() != Self::hash_on_disk(p))
            .cloned()
            .collect()
    }
}

/// Directory watches over a [`WatchSet`], delivering debounced batches of changed paths.
pub struct Watcher {
    inner: notify::RecommendedWatcher,
    rx: Receiver<notify::Result<notify::Event>>,
    watched: BTreeSet<PathBuf>,
    debounce: Duration,
    /// Set from outside (`r` + Enter) to get an empty batch: a forced cycle.
    pub force: std::sync::Arc<AtomicBool>,
}

impl Watcher {
    /// `force` is shared with whoever may ask for a forced cycle.
    pub fn new(debounce: Duration, force: std::sync::Arc<AtomicBool>) -> notify::Result<Self> {
        let (tx, rx) = channel();
        let inner = notify::recommended_watcher(move |e| {
            let _ = tx.send(e);
        })?;
        Ok(Self {
            inner,
            rx,
            watched: BTreeSet::new(),
            debounce,
            force,
        })
    }

    /// Watches the set's directories that exist (non-recursively) and drops the others.
    /// Returns the number of directories watched.
    pub fn sync(&mut self, set: &WatchSet) -> usize {
        let wanted: BTreeSet<PathBuf> = set.dirs().into_iter().filter(|d| d.is_dir()).collect();
        for gone in self
            .watched
            .difference(&wanted)
            .cloned()
            .collect::<Vec<_>>()
        {
            let _ = self.inner.unwatch(&gone);
            self.watched.remove(&gone);
        }
        for dir in wanted {
            if !self.watched.contains(&dir)
                && self.inner.watch(&dir, RecursiveMode::NonRecursive).is_ok()
            {
                self.watched.insert(dir);
            }
        }
        self.watched.len()
    }

    /// Paths of the set named by pending events, without waiting.
    fn drain(&self, set: &WatchSet, into: &mut BTreeSet<PathBuf>) -> bool {
        let mut any = false;
        while let Ok(e) = self.rx.try_recv() {
            any |= collect(e, set, into);
        }
        any
    }

    /// Blocks until a debounced batch of changes to the set's inputs arrives, or `stop` is
    /// set (`None`). Events that only touch files outside the set are ignored; whether the
    /// content really changed is the caller's check. An empty batch means a forced cycle.
    pub fn next_batch(&self, set: &WatchSet, stop: &AtomicBool) -> Option<BTreeSet<PathBuf>> {
        let mut batch = BTreeSet::new();
        // Anything that arrived while a cycle ran is one pending follow-up.
        self.drain(set, &mut batch);
        while batch.is_empty() {
            if stop.load(Ordering::SeqCst) {
                return None;
            }
            if self.force.swap(false, Ordering::SeqCst) {
                return Some(batch);
            }
            match self.rx.recv_timeout(STOP_POLL) {
                Ok(e) => {
                    collect(e, set, &mut batch);
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        // Trailing debounce: each further change restarts the window, up to the cap.
        let first = Instant::now();
        let mut last = first;
        while !self.debounce.is_zero() {
            let now = Instant::now();
            let quiet_until = last + self.debounce;
            let deadline = quiet_until.min(first + DEBOUNCE_CAP);
            if now >= deadline || stop.load(Ordering::SeqCst) {
                break;
            }
            match self.rx.recv_timeout(deadline - now) {
                Ok(e) => {
                    if collect(e, set, &mut batch) {
                        last = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        self.drain(set, &mut batch);
        Some(batch)
    }
}

/// Adds the set's paths named by one event; true when it named any.
fn collect(e: notify::Result<notify::Event>, set: &WatchSet, into: &mut BTreeSet<PathBuf>) -> bool {
    let Ok(event) = e else { return false };
    if event.kind.is_access() {
        return false;
    }
    let mut any = false;
    for p in event.paths {
        if set.contains(&p) {
            into.insert(p);
            any = true;
        }
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_membership_and_directories() {
        let set = WatchSet {
            files: [
                PathBuf::from("/p/src/schema.ts"),
                PathBuf::from("/p/shared/x.ts"),
            ]
            .into(),
            migrations_dir: PathBuf::from("/p/migrations"),
        };
        assert!(set.contains(Path::new("/p/src/schema.ts")));
        assert!(set.contains(Path::new("/p/migrations/20260101-a-1-2.ts")));
        assert!(set.contains(Path::new("/p/migrations/snapshots/s.json")));
        assert!(!set.contains(Path::new("/p/migrations/types.d.ts")));
        assert!(!set.contains(Path::new("/p/migrations/snapshots/s.ts")));
        assert!(!set.contains(Path::new("/p/src/other.ts")));
        let dirs: Vec<_> = set.dirs().into_iter().collect();
        assert_eq!(
            dirs,
            [
                "/p",
                "/p/migrations",
                "/p/migrations/snapshots",
                "/p/shared",
                "/p/src"
            ]
            .map(PathBuf::from)
        );
    }

    #[test]
    fn only_real_content_changes_count() {
        let dir = tempfile::tempdir().expect("temp dir");
        let a = dir.path().join("a.ts");
        let b = dir.path().join("b.ts");
        std::fs::write(&a, "one").expect("write");
        let mut contents = Contents::default();
        contents.0.insert(a.clone(), Contents::hash_on_disk(&a));
        contents.0.insert(b.clone(), None);
        let both: BTreeSet<PathBuf> = [a.clone(), b.clone()].into();
        assert!(contents.changed(&both).is_empty(), "a touch is no change");
        std::fs::write(&b, "new").expect("write");
        std::fs::write(&a, "two").expect("write");
        assert_eq!(contents.changed(&both), both);
    }

    #[test]
    fn a_rename_over_a_watched_file_is_one_batch() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("canonical");
        let target = root.join("schema.ts");
        std::fs::write(&target, "a").expect("write");
        let set = WatchSet {
            files: [target.clone()].into(),
            migrations_dir: jazz_schema_compiler::project::default_migrations_dir(&root),
        };
        let mut w = Watcher::new(Duration::from_millis(50), Default::default()).expect("watcher");
        assert!(w.sync(&set) >= 1);
        let tmp = root.join(".schema.ts.tmp");
        std::fs::write(&tmp, "b").expect("write");
        std::fs::rename(&tmp, &target).expect("rename");
        // Guards against a hang if no event ever arrives; the assertion below then fails.
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let guard = stop.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(20));
            guard.store(true, Ordering::SeqCst);
        });
        let batch = w.next_batch(&set, &stop).expect("a batch");
        assert_eq!(batch, [target].into());
    }
}
