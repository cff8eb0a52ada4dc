//! Views of a loaded cohort that a user chooses: a grouping by any categorical subject column,
//! a time axis (a built-in one or any numeric column), and a measure (a visit measure, a sample
//! measure, or a taxon's abundance), with the observations they select. Shared by the CLI's
//! `--group-by`, `--time` and `--measure` and by the window.

mod frames;
mod grouping;
mod measure;
mod taxa;
mod time;

pub use frames::{CohortError, Frames};
pub use grouping::{Grouping, NOT_RECORDED, group_by, group_columns};
pub use measure::{MeasureRef, ObsId, Observation, measure_choices, observations};
pub use taxa::{CLINICAL, Correlation, TaxonCorrelations, Trends, clinical_correlations, trends};
pub use time::{TimeAxis, study_time_columns as time_columns};
