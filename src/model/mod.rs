//! The Cohort: subjects, visits, samples, abundances and taxonomy, immutable once loaded and
//! shared as `Arc`. Tables are polars frames with the stable column names of [`columns`].

mod abundance;
pub mod columns;
mod finding;
pub mod frame;
pub mod hash;
pub mod natural;
mod ordination;
pub mod pseudonym;
pub mod time;

use polars::prelude::{DataFrame, DataType};
use serde::Serialize;

pub use abundance::{AbundanceKind, AbundanceTable, Lineage, RANKS, SparseRows, Taxonomy};
pub use finding::{Finding, Severity, severity_counts};
pub use ordination::{DistanceMatrix, Given, Pcoa};

/// What one input file turned out to be, for `summary` and the GUI's file list.
#[derive(Clone, Debug, Serialize)]
pub struct SourceFile {
    pub path: String,
    pub layout: String,
    pub encoding: Option<String>,
    pub separator: Option<String>,
    pub decimal_comma: bool,
    pub num_rows: usize,
    pub num_columns: usize,
    /// `role → header [unit]` as assigned.
    pub roles: Vec<RoleUse>,
    /// Columns that were not used, so nothing disappears unnoticed.
    pub ignored_columns: Vec<String>,
    /// What a QIIME 2 artifact says of itself.
    pub artifact: Option<Artifact>,
}

/// A QIIME 2 artifact's identity, from its `metadata.yaml` and `VERSION`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Artifact {
    pub uuid: String,
    /// The semantic type, e.g. `FeatureTable[Frequency]`.
    pub semantic_type: String,
    /// The directory format, e.g. `BIOMV210DirFmt` (none for a visualization).
    pub format: Option<String>,
    /// The archive version and the QIIME 2 release that wrote it.
    pub archive_version: Option<String>,
    pub framework: Option<String>,
}

impl SourceFile {
    /// A file known only by its path; the reader fills in the rest.
    pub fn new(path: &str, layout: &str) -> Self {
        Self {
            path: path.to_owned(),
            layout: layout.to_owned(),
            encoding: None,
            separator: None,
            decimal_comma: false,
            num_rows: 0,
            num_columns: 0,
            roles: Vec::new(),
            ignored_columns: Vec::new(),
            artifact: None,
        }
    }
}

/// One role assignment in a file.
#[derive(Clone, Debug, Serialize)]
pub struct RoleUse {
    pub role: String,
    pub column: String,
    pub unit: Option<String>,
}

/// The measure columns of a visits frame: every float column that does not place the row in
/// time (the cohort's own visits, or the derived visits table with its extra metrics).
pub fn measure_columns(visits: &DataFrame) -> Vec<String> {
    visits
        .columns()
        .iter()
        .filter(|c| c.dtype() == &DataType::Float64 && !columns::VISIT_TIME.contains(&c.name().as_str()))
        .map(|c| c.name().to_string())
        .collect()
}

/// A loaded cohort. Build one with [`crate::data::load`].
#[derive(Clone, Debug, Default)]
pub struct Cohort {
    pub(crate) subjects: DataFrame,
    pub(crate) visits: DataFrame,
    pub(crate) samples: DataFrame,
    pub(crate) abundances: Option<AbundanceTable>,
    pub(crate) taxonomy: Taxonomy,
    /// Distance matrices and PCoA results given by files (QIIME 2 artifacts, distance TSVs).
    pub(crate) distances: Vec<Given<DistanceMatrix>>,
    pub(crate) ordinations: Vec<Given<Pcoa>>,
    pub sources: Vec<SourceFile>,
    pub findings: Vec<Finding>,
    /// Largest gap (days) at which a sample is linked to a visit.
    pub max_link_gap_days: f64,
}

impl Cohort {
    /// One row per subject; see [`columns`] for the names.
    pub fn subjects(&self) -> &DataFrame {
        &self.subjects
    }

    /// One row per subject × visit, sorted by subject then day.
    pub fn visits(&self) -> &DataFrame {
        &self.visits
    }

    /// One row per microbiome sample, with its subject and linked visit.
    pub fn samples(&self) -> &DataFrame {
        &self.samples
    }

    pub fn abundances(&self) -> Option<&AbundanceTable> {
        self.abundances.as_ref()
    }

    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    /// Distance matrices given by files, in input order.
    pub fn given_distances(&self) -> &[Given<DistanceMatrix>] {
        &self.distances
    }

    /// PCoA results given by files, in input order.
    pub fn given_ordinations(&self) -> &[Given<Pcoa>] {
        &self.ordinations
    }

    /// The samples an ordination places: those with abundances, or, without a table, every
    /// sample the cohort knows.
    pub fn ordination_samples(&self) -> Vec<&str> {
        if let Some(table) = &self.abundances {
            return table.sample_ids.iter().map(String::as_str).collect();
        }
        self.samples
            .column(columns::SAMPLE_ID)
            .ok()
            .and_then(|c| c.str().ok())
            .map(|ids| ids.iter().flatten().collect())
            .unwrap_or_default()
    }

    pub fn num_subjects(&self) -> usize {
        self.subjects.height()
    }

    pub fn num_visits(&self) -> usize {
        self.visits.height()
    }

    pub fn num_samples(&self) -> usize {
        self.samples.height()
    }

    pub fn num_features(&self) -> usize {
        self.abundances.as_ref().map_or(0, AbundanceTable::num_features)
    }

    /// Visit measure columns (everything numeric after the time columns).
    pub fn measure_names(&self) -> Vec<String> {
        measure_columns(&self.visits)
    }

    /// Earliest and latest `day` over visits and samples.
    pub fn day_span(&self) -> Option<(f64, f64)> {
        let mut span: Option<(f64, f64)> = None;
        for frame in [&self.visits, &self.samples] {
            let Ok(col) = frame.column(columns::DAY) else { continue };
            let Ok(days) = col.f64() else { continue };
            for d in days.iter().flatten() {
                span = Some(span.map_or((d, d), |(lo, hi)| (lo.min(d), hi.max(d))));
            }
        }
        span
    }

    /// Earliest and latest calendar date (days since 1970-01-01) over visits and samples.
    pub fn date_span(&self) -> Option<(i32, i32)> {
        let mut span: Option<(i32, i32)> = None;
        for frame in [&self.visits, &self.samples] {
            let Ok(col) = frame.column(columns::DATE) else { continue };
            let Ok(phys) = col.to_physical_repr().i32().cloned() else {
                continue;
            };
            for d in phys.iter().flatten() {
                span = Some(span.map_or((d, d), |(lo, hi)| (lo.min(d), hi.max(d))));
            }
        }
        span
    }

    /// Number of findings at each severity: (errors, warnings, infos).
    pub fn finding_counts(&self) -> (usize, usize, usize) {
        severity_counts(&self.findings)
    }
}
