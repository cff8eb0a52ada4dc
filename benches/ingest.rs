//! Ingest beside polars' own CSV reader, on the same files (default: the 48 MB folder that
//! `benches/scale.sh` writes):
//!
//!   cargo bench --bench ingest -- [FOLDER]
//!
//! Ours: `data::load_paths` of the folder (detection, roles, units, checks at read, assembly
//! into the cohort). Polars: `CsvReader` of each of the folder's tables into a `DataFrame`
//! (tab-separated for `.tsv`, the BIOM header comment line skipped), nothing more. Best and
//! median of 3 runs each, and the ratio of the bests (issue 14's target: ≤ 1.5).

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cohort_explorer::data::{LoadOptions, load_paths};
use polars::prelude::*;

fn timed(label: &str, mut run: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..3)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed()
        })
        .collect();
    times.sort();
    eprintln!("{label}: best {:.3?}, median {:.3?}", times[0], times[1]);
    times[0]
}

/// One table as polars reads it: the separator from the extension, a leading `#` comment line
/// (BIOM's "# Constructed from biom file") skipped.
fn polars_read(path: &Path) -> DataFrame {
    let text_start = std::fs::read(path).expect("readable");
    let skip = usize::from(text_start.starts_with(b"# "));
    let separator = if path.extension().is_some_and(|e| e == "tsv") {
        b'\t'
    } else {
        b','
    };
    CsvReadOptions::default()
        .with_has_header(true)
        .with_skip_rows(skip)
        .with_parse_options(CsvParseOptions::default().with_separator(separator))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .expect("a reader")
        .finish()
        .expect("polars reads it")
}

fn main() {
    let Some(folder) = common::cohort_folder() else {
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("a folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv" || e == "tsv"))
        .collect();
    files.sort();
    let bytes: u64 = files.iter().filter_map(|f| f.metadata().ok()).map(|m| m.len()).sum();
    eprintln!("{} files, {:.1} MB", files.len(), bytes as f64 / 1e6);
    let ours = timed("cohort-explorer load_paths", || {
        load_paths(std::slice::from_ref(&folder), &LoadOptions::default()).expect("the cohort loads");
    });
    let theirs = timed("polars CsvReader, every file", || {
        for f in &files {
            polars_read(f);
        }
    });
    println!(
        "ingest of {:.1} MB: ours {ours:.3?}, polars {theirs:.3?}, ratio {:.2} (target ≤ 1.5; ours ≤ 0.4 s)",
        bytes as f64 / 1e6,
        ours.as_secs_f64() / theirs.as_secs_f64()
    );
}
