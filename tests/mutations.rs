//! Mutated inputs never panic the loader: every fixture (and the moving-pictures files when
//! `../shared` is present) is damaged in a few hundred seeded ways — bytes flipped, ranges cut
//! or repeated, separators, quotes, BOMs, missing codes and extreme numbers spliced in — and
//! loaded alone and beside a good file. A load either succeeds or fails with a message naming
//! the damaged file. This is the quick regression net; it replays the same cases every run.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use cohort_explorer::data::{Input, LoadOptions, load_inputs};
use cohort_explorer::metrics::tables::{MetricOptions, samples_table, subjects_table, visits_table};

/// Cases per file in the test run; `MUTATIONS_PER_FILE` and `MUTATIONS_SEED` run a longer,
/// different campaign by hand (`MUTATIONS_DUMP=DIR` keeps the refused inputs).
const MUTATIONS_PER_FILE: usize = 150;

/// Splices that break parsers: separators, quotes, line ends, encodings, missing codes,
/// numbers at the edges of f64, dates that do not exist, taxonomy syntax.
const TOKENS: [&[u8]; 28] = [
    b",",
    b"\t",
    b";",
    b"\"",
    b"\n",
    b"\r\n",
    b"\r",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\0",
    b"NA",
    b"-999",
    b"1e309",
    b"-1e308",
    b"NaN",
    b"inf",
    b"0",
    b"",
    b"#",
    b"__",
    b"k__Bacteria;p__",
    b"|",
    b"2022/13/45",
    b"31/02/2021",
    b"\xB1\xB1\xBE\xA9",
    b"\xC3",
    b"subject_id",
    b"9999999999999999999999",
];

/// xorshift64*: a fixed sequence, so a failure replays exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

fn mutate(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(6) {
            0 if !out.is_empty() => {
                let i = at.min(out.len() - 1);
                out[i] ^= 1 << rng.below(8);
            }
            1 => {
                let end = (at + rng.below(64)).min(out.len());
                out.drain(at..end);
            }
            2 => {
                let end = (at + rng.below(256)).min(out.len());
                let copy = out[at..end].to_vec();
                let to = rng.below(out.len() + 1);
                out.splice(to..to, copy);
            }
            3 => out.truncate(at),
            _ => {
                let token = TOKENS[rng.below(TOKENS.len())];
                out.splice(at..at, token.iter().copied());
            }
        }
    }
    out
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn input(name: &str, bytes: Vec<u8>) -> Input {
    Input {
        name: name.to_owned(),
        bytes,
        explicit: true,
        parquet_file: None,
    }
}

/// Load and compute the derived tables; `Err` carries the message. A cohort that loads must
/// give its tables.
fn load_and_measure(inputs: Vec<Input>) -> Result<(), String> {
    let cohort = load_inputs(inputs, &LoadOptions::default()).map_err(|e| e.to_string())?;
    let options = MetricOptions::default();
    let visits = visits_table(&cohort, &options).map_err(|e| e.to_string())?;
    let samples = samples_table(&cohort, &options).map_err(|e| e.to_string())?;
    subjects_table(&cohort, &visits, Some(&samples)).map_err(|e| e.to_string())?;
    Ok(())
}

#[test]
fn mutated_inputs_load_or_fail_with_the_file_named_and_never_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files(&root.join("tests/fixtures"), &mut paths);
    let shared = root.join("../shared/fixtures/moving-pictures");
    for name in [
        "sample-metadata.tsv",
        "feature-table.tsv",
        "taxonomy.tsv",
        "feature-table.biom",
    ] {
        if shared.join(name).exists() {
            paths.push(shared.join(name));
        }
    }
    assert!(paths.len() >= 20, "fixtures found: {paths:?}");
    let good = std::fs::read(root.join("tests/fixtures/tidy_visits_bom_crlf.csv")).expect("fixture");
    let (mut loaded, mut refused, mut panics) = (0usize, 0usize, Vec::new());
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    let per_file = env("MUTATIONS_PER_FILE").map_or(MUTATIONS_PER_FILE, |n| n as usize);
    let seed = env("MUTATIONS_SEED").unwrap_or(0x9E37_79B9_7F4A_7C15);
    for (f, path) in paths.iter().enumerate() {
        let bytes = std::fs::read(path).expect("fixture");
        let name = format!("damaged/{}", path.file_name().expect("name").to_string_lossy());
        let mut rng = Rng(seed ^ (f as u64 + 1));
        for case in 0..per_file {
            let damaged = mutate(&bytes, &mut rng);
            let mut inputs = vec![input(&name, damaged.clone())];
            if case % 3 == 0 {
                inputs.push(input("good/visits.csv", good.clone()));
            }
            match catch_unwind(AssertUnwindSafe(|| load_and_measure(inputs))) {
                Ok(Ok(())) => loaded += 1,
                Ok(Err(message)) => {
                    refused += 1;
                    if let Ok(dir) = std::env::var("MUTATIONS_DUMP") {
                        let _ = std::fs::write(Path::new(&dir).join(format!("{f}-{case}")), &damaged);
                    }
                    assert!(
                        message.contains(&name) || message.contains("good/visits.csv"),
                        "case {case} of {}: the message names no file: {message}",
                        path.display()
                    );
                }
                Err(_) => panics.push(format!("{} case {case}", path.display())),
            }
        }
    }
    eprintln!("{} files: {loaded} loaded, {refused} refused", paths.len());
    assert!(panics.is_empty(), "{} panics: {panics:?}", panics.len());
    // Both outcomes are exercised: the mutations are neither all harmless nor all fatal.
    assert!(loaded > 0 && refused > 0, "loaded {loaded}, refused {refused}");
}
