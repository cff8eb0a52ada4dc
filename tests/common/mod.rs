//! Helpers shared by the integration tests: the demo cohort loaded in memory or written out.
#![allow(dead_code)]

pub mod gui;

use cohort_explorer::data::{Input, LoadOptions, load_inputs};
use cohort_explorer::demo::{DemoCohort, DemoOptions, Planted, generate};
use cohort_explorer::model::Cohort;
use polars::prelude::DataFrame;

/// The demo cohort of `options`, loaded from memory, and what was planted in it.
pub fn load_demo(options: &DemoOptions) -> (Cohort, Vec<Planted>) {
    let demo = generate(options);
    let inputs = demo
        .files
        .iter()
        .map(|(name, bytes)| Input {
            name: name.clone(),
            bytes: bytes.clone(),
            explicit: true,
            parquet_file: None,
        })
        .collect();
    (
        load_inputs(inputs, &LoadOptions::default()).expect("demo loads"),
        demo.planted,
    )
}

/// The messy demo of `subjects` subjects written to a temporary folder.
pub fn write_messy_demo(subjects: usize) -> (tempfile::TempDir, DemoCohort) {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = generate(&DemoOptions {
        subjects,
        messy: true,
        ..DemoOptions::default()
    });
    for (name, bytes) in &demo.files {
        std::fs::write(dir.path().join(name), bytes).expect("write demo");
    }
    (dir, demo)
}

/// A Float64 column's values (panics naming the column when it is missing).
pub fn f64_col(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
    df.column(name)
        .unwrap_or_else(|_| panic!("no column {name}"))
        .f64()
        .expect("f64 column")
        .iter()
        .collect()
}

/// A string column's values (panics naming the column when it is missing).
pub fn str_col(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    df.column(name)
        .unwrap_or_else(|_| panic!("no column {name}"))
        .str()
        .expect("string column")
        .iter()
        .map(|v| v.map(str::to_owned))
        .collect()
}

/// The public QIIME 2 moving-pictures data in `../shared`, or `None` (with a note on stderr)
/// when it is not beside the repository, so the tests that use it skip.
pub fn moving_pictures() -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/moving-pictures");
    if dir.exists() {
        Some(dir)
    } else {
        eprintln!("skipping: {} not present", dir.display());
        None
    }
}

/// A JSON array of numbers (a reference fixture's column).
pub fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

/// Assert `a` is within `tol` of the reference `b` (relative, absolute below 1), naming `what`.
pub fn close(a: f64, b: f64, tol: f64, what: &str) {
    assert!((a - b).abs() <= tol * b.abs().max(1.0), "{what}: {a} vs lifelines {b}");
}
