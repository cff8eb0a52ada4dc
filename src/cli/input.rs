//! The input flags every subcommand shares (paths or `--demo`, `--column`, `--max-gap-days`),
//! and how they become a source and load options.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;

use crate::data::{self, LoadOptions, Overrides, Role};
use crate::model::Cohort;
use crate::pipeline::{self, Source};

/// Inputs shared by every subcommand.
#[derive(Debug, Args, Clone, Default)]
pub struct InputArgs {
    /// Files or folders.
    pub paths: Vec<PathBuf>,
    /// Use the embedded demo cohort instead of paths.
    #[arg(long)]
    pub demo: bool,
    /// Override a column role, e.g. `--column subject=PID` (repeatable).
    #[arg(long = "column", value_name = "ROLE=NAME")]
    pub columns: Vec<String>,
    /// Largest gap in days between a sample and the visit it is linked to.
    #[arg(long, default_value_t = data::DEFAULT_MAX_LINK_GAP_DAYS)]
    pub max_gap_days: f64,
}

impl InputArgs {
    /// Load options from the flags.
    pub fn options(&self) -> Result<LoadOptions> {
        let mut overrides = Overrides::new();
        for spec in &self.columns {
            let Some((role, name)) = spec.split_once('=') else {
                bail!("--column takes ROLE=NAME, got `{spec}`");
            };
            let role: Role = role.trim().parse().map_err(anyhow::Error::msg)?;
            overrides.insert(role, name.trim().to_owned());
        }
        if self.max_gap_days.is_nan() || self.max_gap_days < 0.0 {
            bail!("--max-gap-days must be a number of days >= 0");
        }
        Ok(LoadOptions {
            overrides,
            max_link_gap_days: self.max_gap_days,
        })
    }

    /// The source the flags name: the demo or paths.
    pub fn source(&self) -> Result<Source> {
        if self.demo {
            if !self.paths.is_empty() {
                bail!("give either --demo or paths, not both");
            }
            return Ok(Source::Demo);
        }
        if self.paths.is_empty() {
            bail!("no input: give files or folders, or --demo");
        }
        Ok(Source::Paths(self.paths.clone()))
    }

    /// Load the cohort the flags name.
    pub fn load(&self) -> Result<Cohort> {
        Ok(pipeline::load(&self.source()?, &self.options()?)?)
    }
}
