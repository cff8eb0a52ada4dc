//! Replays the fuzz corpus (`fuzz/corpus/`: the AFL++ queue minimised with `afl-cmin`, and any
//! input that once crashed) through the fuzz entry, so a loader regression that panics on one
//! of them fails `cargo test` without running the fuzzer. Each input that loads is also derived
//! and checked, which the fuzzer skips for speed. See `fuzz/README.md`.

use std::path::Path;

#[path = "../fuzz/fuzz_targets/entry.rs"]
mod entry;

#[test]
fn the_fuzz_corpus_loads_without_a_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(files.len() >= 40, "the corpus holds {} inputs", files.len());
    let mut names = std::collections::BTreeSet::new();
    for file in &files {
        let data = std::fs::read(file).expect("corpus file");
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            entry::run(&data);
            if let Some((name, bytes)) = entry::input(&data) {
                names.insert(name);
                let _ = cohort_explorer::pipeline::analyse_bytes(
                    name,
                    bytes.to_vec(),
                    &cohort_explorer::pipeline::Options::default(),
                );
            }
        }));
        assert!(outcome.is_ok(), "panicked on {}", file.display());
    }
    // Every way of naming a file is exercised.
    assert_eq!(names.len(), entry::NAMES.len(), "{names:?}");
}
