//! What the benchmarks share: where the scale cohort is.

use std::path::PathBuf;
use std::time::Instant;

use cohort_explorer::data::{LoadOptions, load_paths};
use cohort_explorer::model::Cohort;

/// The cohort folder: the first argument that is not a flag, else the one `benches/scale.sh`
/// writes. `None` (with a note) when it does not exist, so `cargo bench` without it is a no-op.
pub fn cohort_folder() -> Option<PathBuf> {
    let folder = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map_or_else(|| PathBuf::from("/tmp/cohort-bench/demo"), PathBuf::from);
    if folder.exists() {
        Some(folder)
    } else {
        eprintln!(
            "no cohort at {}; run benches/scale.sh first (or pass a folder)",
            folder.display()
        );
        None
    }
}

/// The cohort of [`cohort_folder`], loaded, with the load time on stderr; `None` without it.
#[allow(dead_code, reason = "not every benchmark loads a folder")]
pub fn load_cohort() -> Option<Cohort> {
    let folder = cohort_folder()?;
    let started = Instant::now();
    let cohort = load_paths(&[folder], &LoadOptions::default()).expect("the cohort loads");
    eprintln!("loaded in {:.2?}", started.elapsed());
    Some(cohort)
}
