//! The input flags every subcommand shares (paths or `--demo`, `--column`, `--max-gap-days`),
//! and how they become a source and load options.

use std::path::PathBuf;

use crate::i18n::{tr, trf};
use anyhow::{Context, Result, bail};
use clap::Args;

use crate::cohort::{Frames, Grouping, TimeAxis, group_by};
use crate::data::{self, LoadOptions, Role};
use crate::model::Cohort;
use crate::model::pseudonym::{PseudonymKey, Pseudonyms};
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
    /// Read only these columns of a Parquet table (comma-separated or repeated), with those
    /// `--column` names: a Parquet file larger than memory loads when the columns kept fit.
    #[arg(long = "parquet-columns", value_name = "NAME,…", value_delimiter = ',')]
    pub parquet_columns: Vec<String>,
    /// Largest gap in days between a sample and the visit it is linked to.
    #[arg(long, default_value_t = data::DEFAULT_MAX_LINK_GAP_DAYS)]
    pub max_gap_days: f64,
    /// Group subjects by this column: any categorical column of the subjects, or of the sample
    /// metadata when constant within each subject.
    #[arg(long = "group-by", value_name = "COLUMN")]
    pub group_by: Option<String>,
    /// Time axis: months_since_baseline, months_since_onset, day, visit_number, or any numeric
    /// visit or sample-metadata column.
    #[arg(long, value_name = "COLUMN", default_value = "months_since_baseline")]
    pub time: String,
    /// Replace every subject and sample ID (views, tables, figures, exports, reports) by a
    /// keyed hash; the key comes from `--session`, else a new one for this run.
    #[arg(long)]
    pub pseudonymise: bool,
    /// With `--pseudonymise`: move all of each subject's dates by one random offset of its own
    /// (intervals are kept).
    #[arg(long, requires = "pseudonymise")]
    pub shift_dates: bool,
    /// A session file (`.cohort.json`): its inputs when no paths are given, its options, its
    /// pseudonym key, and (window, `figure`) its screen.
    #[arg(long, value_name = "FILE")]
    pub session: Option<PathBuf>,
    /// The session read once: `source`, `options` and the commands all ask for it, and
    /// reading it hashes every input file.
    #[arg(skip)]
    pub(crate) opened: std::sync::OnceLock<crate::session::Opened>,
}

/// The grouping and time axis the flags chose, checked against the cohort.
pub struct Choices {
    pub grouping: Option<Grouping>,
    pub time: TimeAxis,
}

impl InputArgs {
    /// The session file, read and checked (its missing or changed sources are warnings).
    pub fn opened_session(&self) -> Result<Option<crate::session::Opened>> {
        let Some(path) = &self.session else { return Ok(None) };
        if let Some(opened) = self.opened.get() {
            return Ok(Some(opened.clone()));
        }
        let opened = crate::session::open(path)?;
        Ok(Some(self.opened.get_or_init(|| opened).clone()))
    }

    /// Load options from the flags, on top of the session's.
    pub fn options(&self) -> Result<LoadOptions> {
        let session = self.opened_session()?;
        let mut overrides = session.as_ref().map(|s| s.load.overrides.clone()).unwrap_or_default();
        for spec in &self.columns {
            let Some((role, name)) = spec.split_once('=') else {
                bail!("{}", trf("--column takes ROLE=NAME, got `{spec}`", &[("spec", &spec)]));
            };
            let role: Role = role.trim().parse().map_err(anyhow::Error::msg)?;
            overrides.insert(role, name.trim().to_owned());
        }
        if self.max_gap_days.is_nan() || self.max_gap_days < 0.0 {
            bail!("{}", tr("--max-gap-days must be a number of days >= 0"));
        }
        let session_key = session.as_ref().and_then(|s| s.session.key());
        let pseudonyms = if self.pseudonymise {
            let key = match session_key {
                Some(key) => key,
                None => PseudonymKey::random().map_err(anyhow::Error::msg)?,
            };
            Some(Pseudonyms {
                key,
                shift_dates: self.shift_dates,
            })
        } else {
            // A session saved with pseudonyms on stays pseudonymised.
            session.as_ref().and_then(|s| s.load.pseudonyms.clone())
        };
        let max_link_gap_days = match &session {
            Some(s) if self.max_gap_days == data::DEFAULT_MAX_LINK_GAP_DAYS => s.load.max_link_gap_days,
            _ => self.max_gap_days,
        };
        // Named here, or else as the session kept them.
        let parquet_columns = if self.parquet_columns.is_empty() {
            session
                .as_ref()
                .map(|s| s.load.parquet_columns.clone())
                .unwrap_or_default()
        } else {
            self.parquet_columns.iter().map(|c| c.trim().to_owned()).collect()
        };
        Ok(LoadOptions {
            overrides,
            max_link_gap_days,
            pseudonyms,
            parquet_columns,
        })
    }

    /// The source the flags name: the demo or paths.
    pub fn source(&self) -> Result<Source> {
        if self.demo {
            if !self.paths.is_empty() {
                bail!("{}", tr("give either --demo or paths, not both"));
            }
            return Ok(Source::Demo);
        }
        if self.paths.is_empty() {
            if let Some(opened) = self.opened_session()? {
                for problem in &opened.problems {
                    eprintln!("cohort-explorer: warning: session: {problem}");
                }
                return Ok(opened.source);
            }
            bail!("{}", tr("no input: give files or folders, --demo, or --session FILE"));
        }
        Ok(Source::Paths(self.paths.clone()))
    }

    /// The grouping and time axis of `--group-by` and `--time`; an unknown or unsuitable column
    /// is an error naming it.
    pub fn choices(&self, frames: Frames<'_>) -> Result<Choices> {
        let time: TimeAxis = self.time.parse().unwrap_or_default();
        time.check(frames).context("--time")?;
        let grouping = match &self.group_by {
            Some(column) => Some(group_by(frames.subjects, column).context("--group-by")?),
            None => None,
        };
        Ok(Choices { grouping, time })
    }

    /// True when `--group-by` or `--time` asks for more than the defaults.
    pub fn has_choices(&self) -> bool {
        self.group_by.is_some() || self.time.parse::<TimeAxis>().unwrap_or_default() != TimeAxis::default()
    }

    /// Load the cohort the flags name.
    pub fn load(&self) -> Result<Cohort> {
        Ok(pipeline::load(&self.source()?, &self.options()?)?)
    }
}
