//! The fuzz entry, shared by the AFL++ target (`load.rs`) and the corpus replay in the tests:
//! the first byte picks the file's name (its extension only matters for workbooks), the rest is
//! the file, which is turned into a cohort. A panic is a crash; an error is a correct answer to
//! bad input.

use cohort_explorer::data::{Input, LoadOptions, load_inputs};

/// File names the first byte chooses from.
pub const NAMES: [&str; 6] = [
    "input.csv",
    "input.tsv",
    "table.biom",
    "artifact.qza",
    "sheet.xlsx",
    "input.txt",
];

/// The file a fuzz input stands for: its name and its bytes.
pub fn input(data: &[u8]) -> Option<(&'static str, &[u8])> {
    let (&first, rest) = data.split_first()?;
    Some((NAMES[usize::from(first) % NAMES.len()], rest))
}

/// Bytes → cohort, as for a file the user opens.
pub fn run(data: &[u8]) {
    let Some((name, bytes)) = input(data) else {
        return;
    };
    let input = Input {
        name: name.to_owned(),
        bytes: bytes.to_vec(),
        explicit: true,
        parquet_file: None,
    };
    let _ = load_inputs(vec![input], &LoadOptions::default());
}
