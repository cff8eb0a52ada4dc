//! The one headless path from inputs to what every front end shows: files (or the embedded
//! demo) → [`Cohort`] → derived tables → data-quality findings. The CLI's commands and the
//! window's loader both go through here, so they load, derive and check the same way; each
//! stage reports progress and stops early when the caller cancels.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use polars::prelude::{DataFrame, PolarsError};

use crate::data::{self, LoadError, LoadOptions};
use crate::metrics::tables::{MetricOptions, samples_table, subjects_table, visits_table};
use crate::model::frame::ColumnError;
use crate::model::{Cohort, Finding};
use crate::quality::{self, Rules};

/// Where a cohort comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// The demo cohort embedded in the binary.
    Demo,
    /// Files and folders (a folder's own files).
    Paths(Vec<PathBuf>),
}

impl Source {
    /// How the source is named in titles, messages and the recent list.
    pub fn label(&self) -> String {
        match self {
            Source::Demo => "demo cohort".to_owned(),
            Source::Paths(paths) => paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// The stages of [`analyse`], in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Reading,
    /// Deriving the tables and checking data quality, at once.
    Deriving,
    /// Checking data quality again (another rules file).
    Checking,
    /// After the pipeline: a front end preparing what it draws.
    Preparing,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Reading => crate::i18n::tr("Reading files"),
            Stage::Deriving => crate::i18n::tr("Deriving metrics and checking data quality"),
            Stage::Checking => crate::i18n::tr("Checking data quality"),
            Stage::Preparing => crate::i18n::tr("Preparing views"),
        }
    }
}

/// Where a long run reports how far it is, and learns that it should stop.
pub trait Progress {
    /// `fraction` is of the whole run, 0–1.
    fn report(&self, stage: Stage, fraction: f32);
    fn is_cancelled(&self) -> bool;
}

/// No progress wanted (the CLI, tests).
impl Progress for () {
    fn report(&self, _: Stage, _: f32) {}

    fn is_cancelled(&self) -> bool {
        false
    }
}

/// Everything that changes what is derived and checked.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub load: LoadOptions,
    pub metrics: MetricOptions,
    pub rules: Rules,
}

/// Why a run gave nothing. Messages name the file or column at fault.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("{}", crate::i18n::trf("deriving the metrics failed: {e}", &[("e", .0)]))]
    Derive(#[from] PolarsError),
    #[error("{}", crate::i18n::trf("checking data quality failed: {e}", &[("e", .0)]))]
    Check(#[from] ColumnError),
    #[error("{}", crate::i18n::tr("cancelled"))]
    Cancelled,
}

/// The derived tables every front end reads (see README, "Export columns").
#[derive(Clone, Debug, Default)]
pub struct Tables {
    /// Visits with per-visit metrics (domains, stages, BMI category, REE comparison).
    pub visits: DataFrame,
    /// Samples with diversity, F/B ratio and within-subject distances.
    pub samples: DataFrame,
    /// Subjects with slopes, ΔFS, baseline and last values.
    pub subjects: DataFrame,
}

impl Tables {
    /// The tables with their cohort, as groupings, time axes and measures read them.
    pub fn frames<'a>(&'a self, cohort: &'a Cohort) -> crate::cohort::Frames<'a> {
        crate::cohort::Frames {
            cohort,
            visits: &self.visits,
            samples: &self.samples,
            subjects: &self.subjects,
        }
    }
}

/// A cohort with its derived tables and findings.
#[derive(Clone, Debug)]
pub struct Analysis {
    pub cohort: Cohort,
    pub tables: Tables,
    /// Load findings and every rule's, worst first.
    pub findings: Vec<Finding>,
}

/// Read a source into a cohort.
pub fn load(source: &Source, options: &LoadOptions) -> Result<Cohort, LoadError> {
    let mut cohort = match source {
        Source::Demo => data::load_inputs(crate::demo::embedded_inputs(), options),
        Source::Paths(paths) => data::load_paths(paths, options),
    }?;
    // Before anything else reads the cohort: no original ID reaches a view, table or report.
    if let Some(pseudonyms) = &options.pseudonyms {
        pseudonyms
            .apply(&mut cohort)
            .map_err(|e| LoadError::Pseudonymise(e.to_string()))?;
    }
    Ok(cohort)
}

/// The derived visits, samples and subjects tables of a cohort.
pub fn tables(cohort: &Cohort, options: &MetricOptions) -> Result<Tables, PolarsError> {
    tables_timed(cohort, options).map(|(tables, _)| tables)
}

/// How long [`tables_timed`] took: the visits and subjects tables (`derive`), and the samples
/// table with its alpha diversity (`alpha`), each as if alone.
#[derive(Clone, Copy, Debug, Default)]
pub struct TableTimes {
    pub derive: Duration,
    pub alpha: Duration,
}

/// [`tables`], with the time of each (`export --timings`). The visits and samples tables are
/// derived at once.
pub fn tables_timed(cohort: &Cohort, options: &MetricOptions) -> Result<(Tables, TableTimes), PolarsError> {
    let timed = |work: &dyn Fn() -> Result<DataFrame, PolarsError>| {
        let started = Instant::now();
        work().map(|df| (df, started.elapsed()))
    };
    let (visits, samples) = rayon::join(
        || timed(&|| visits_table(cohort, options)),
        || timed(&|| samples_table(cohort, options)),
    );
    let ((visits, visits_took), (samples, alpha)) = (visits?, samples?);
    let (subjects, subjects_took) = timed(&|| subjects_table(cohort, &visits, Some(&samples)))?;
    let tables = Tables {
        visits,
        samples,
        subjects,
    };
    Ok((
        tables,
        TableTimes {
            derive: visits_took + subjects_took,
            alpha,
        },
    ))
}

/// Every data-quality finding about a cohort, with the rules' thresholds and severities.
pub fn check(cohort: &Cohort, rules: &Rules) -> Result<Vec<Finding>, ColumnError> {
    quality::check(cohort, rules)
}

/// One file's bytes, named as it was (the name's extension matters only for workbooks), loaded,
/// derived and checked: what the window does with a dropped file, and the fuzz target's entry.
pub fn analyse_bytes(name: &str, bytes: Vec<u8>, options: &Options) -> Result<Analysis, PipelineError> {
    let input = data::Input {
        name: name.to_owned(),
        bytes,
        explicit: true,
        parquet_file: None,
    };
    derived_and_checked(data::load_inputs(vec![input], &options.load)?, options)
}

/// A loaded cohort with its tables and findings, derived and checked at once (the checks read
/// only the cohort); a failure to derive is reported before one to check.
fn derived_and_checked(cohort: Cohort, options: &Options) -> Result<Analysis, PipelineError> {
    let (tables, findings) = rayon::join(|| tables(&cohort, &options.metrics), || check(&cohort, &options.rules));
    let (tables, findings) = (tables?, findings?);
    Ok(Analysis {
        cohort,
        tables,
        findings,
    })
}

/// Load, then derive and check at once ([`derived_and_checked`]), reporting each stage
/// (up to `done` of the whole run, so a front end can add its own stages after) and stopping
/// between stages when cancelled.
pub fn analyse(
    source: &Source,
    options: &Options,
    progress: &dyn Progress,
    done: f32,
) -> Result<Analysis, PipelineError> {
    let step = |stage: Stage, k: f32| -> Result<(), PipelineError> {
        if progress.is_cancelled() {
            return Err(PipelineError::Cancelled);
        }
        progress.report(stage, done * k / 2.0);
        Ok(())
    };
    step(Stage::Reading, 0.0)?;
    let cohort = load(source, &options.load)?;
    step(Stage::Deriving, 1.0)?;
    let analysis = derived_and_checked(cohort, options)?;
    step(Stage::Deriving, 2.0)?;
    Ok(analysis)
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    struct Recorder(RefCell<Vec<(Stage, f32)>>, bool);

    impl Progress for Recorder {
        fn report(&self, stage: Stage, fraction: f32) {
            self.0.borrow_mut().push((stage, fraction));
        }

        fn is_cancelled(&self) -> bool {
            self.1
        }
    }

    #[test]
    fn the_demo_runs_through_every_stage_in_order() {
        let progress = Recorder(RefCell::new(Vec::new()), false);
        let analysis = analyse(&Source::Demo, &Options::default(), &progress, 0.8).expect("demo");
        assert_eq!(analysis.cohort.num_subjects(), analysis.tables.subjects.height());
        assert_eq!(analysis.cohort.num_visits(), analysis.tables.visits.height());
        let stages: Vec<Stage> = progress.0.borrow().iter().map(|(s, _)| *s).collect();
        assert_eq!(stages, [Stage::Reading, Stage::Deriving, Stage::Deriving]);
        let fractions: Vec<f32> = progress.0.borrow().iter().map(|(_, f)| *f).collect();
        assert!(fractions.windows(2).all(|w| w[0] < w[1]), "{fractions:?}");
        assert!((fractions[2] - 0.8).abs() < 1e-6);
    }

    #[test]
    fn a_cancelled_run_stops_before_reading() {
        let progress = Recorder(RefCell::new(Vec::new()), true);
        let result = analyse(&Source::Demo, &Options::default(), &progress, 1.0);
        assert!(matches!(result, Err(PipelineError::Cancelled)));
        assert!(progress.0.borrow().is_empty());
    }
}
