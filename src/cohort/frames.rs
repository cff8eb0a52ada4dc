//! What every choice over a cohort reads (the cohort with its derived tables), and how a choice
//! that does not fit is reported.

use polars::prelude::DataFrame;

use crate::model::Cohort;
use crate::model::frame::ColumnError;

/// The cohort with its derived tables, as every choice here reads them.
#[derive(Clone, Copy)]
pub struct Frames<'a> {
    pub cohort: &'a Cohort,
    /// Derived visits (with per-visit metrics).
    pub visits: &'a DataFrame,
    /// Derived samples (with diversity and F/B).
    pub samples: &'a DataFrame,
    /// Derived subjects (with slopes and baselines); groupings index its rows.
    pub subjects: &'a DataFrame,
}

/// A choice that does not fit the cohort. Messages name the column and what was found.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CohortError {
    #[error("{}", crate::i18n::trf("no column `{column}` to {purpose}; columns that can: {available}", &[("column", .column), ("purpose", .purpose), ("available", &list(.available))]))]
    UnknownColumn {
        purpose: &'static str,
        column: String,
        available: Vec<String>,
    },
    #[error("{}", crate::i18n::trf("column `{column}` cannot {purpose}: {why}", &[("column", .column), ("purpose", .purpose), ("why", .why)]))]
    Unsuitable {
        purpose: &'static str,
        column: String,
        why: String,
    },
    #[error("{}", crate::i18n::trf("no taxon `{name}` at rank {rank}; e.g. {examples}", &[("name", .name), ("rank", .rank), ("examples", &list(.examples))]))]
    UnknownTaxon {
        name: String,
        rank: String,
        examples: Vec<String>,
    },
    #[error("{}", crate::i18n::trf("endpoint `{endpoint}` has no data in this cohort: it needs {needs}", &[("endpoint", .endpoint), ("needs", .needs)]))]
    NoEndpointData { endpoint: String, needs: String },
    #[error("{0}")]
    Column(#[from] ColumnError),
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        crate::i18n::tr("none").to_owned()
    } else {
        names.join(", ")
    }
}
