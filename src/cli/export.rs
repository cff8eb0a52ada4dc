//! `export`: write a cohort table with stable `snake_case` column names (see README).

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::ValueEnum;

use super::InputArgs;
use crate::data::write::write_table;
use crate::metrics::microbiome::{rank_index, samples_with_relative_abundance};

/// Tables `export` can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Table {
    /// One row per subject.
    Subjects,
    /// One row per subject × visit, units converted, with `day` and `bmi`.
    Visits,
    /// One row per microbiome sample, with relative abundances at `--rank`.
    Samples,
}

pub fn run(input: &InputArgs, table: Table, out: &Path, rank: &str) -> Result<ExitCode> {
    let rank = match rank.trim().to_lowercase().as_str() {
        "feature" | "asv" | "otu" => None,
        name => match rank_index(name) {
            Some(i) => Some(i),
            None => {
                bail!("unknown rank `{name}` (use kingdom, phylum, class, order, family, genus, species or feature)")
            }
        },
    };
    let cohort = input.load()?;
    let mut df = match table {
        Table::Subjects => cohort.subjects().clone(),
        Table::Visits => cohort.visits().clone(),
        Table::Samples => samples_with_relative_abundance(&cohort, rank)?,
    };
    let inputs: Vec<String> = cohort.sources.iter().map(|s| s.path.clone()).collect();
    write_table(&mut df, out, &inputs)?;
    eprintln!(
        "wrote {} rows x {} columns to {}",
        df.height(),
        df.width(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}
