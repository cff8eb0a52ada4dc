//! What the benchmarks share: where the scale cohort is.

use std::path::PathBuf;

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
