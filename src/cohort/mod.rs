//! Views of a loaded cohort that a user chooses: a grouping by any categorical subject column,
//! a time axis (a built-in one or any numeric column), and a measure (a visit measure, a sample
//! measure, or a taxon's abundance), with the observations they select, and time to an event
//! (an endpoint from an origin) with survival by group. Shared by the CLI's
//! `--group-by`, `--time` and `--measure` and by the window.

mod endpoint;
mod frames;
mod grouping;
mod measure;
mod survival;
mod taxa;
mod time;

pub use endpoint::{ENDPOINT_NAMES, Endpoint, LeftOut, Origin, TimeToEvent, time_to_event};
pub use frames::{CohortError, Frames};
pub use grouping::{Grouping, NOT_RECORDED, group_by, group_columns};
pub use measure::{MeasureRef, ObsId, Observation, measure_choices, observations};
pub use survival::{CovariateHazard, GroupSurvival, Hazard, Survival, covariate_columns, survival};
pub use taxa::{CLINICAL, Correlation, TaxonCorrelations, Trends, clinical_correlations, trends};
pub use time::{TimeAxis, study_time_columns as time_columns};
