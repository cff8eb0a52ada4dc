//! cohort-explorer: load longitudinal ALS cohorts (clinical visits, microbiome abundances),
//! derive the metrics clinicians quote, check data quality, and explore them in linked views.

/// The egui/eframe desktop app (the only module that touches the GUI crates; the `gui`
/// feature, on by default, so the fuzz targets build without them).
#[cfg(feature = "gui")]
pub mod app;
/// Headless subcommands: `summary`, `check`, `review`, `diff`, `export`, `figure`, `demo`.
pub mod cli;
/// Groupings, time axes and measures a user chooses over a loaded cohort.
pub mod cohort;
/// Reading files of every recognised layout into a Cohort.
pub mod data;
/// The deterministic synthetic demo cohort (and the embedded default one).
pub mod demo;
/// Two data freezes compared: what was added, removed and changed, and which findings are new
/// or fixed (`diff`, and *Compare with…* in the window).
pub mod diff;
/// The interface's language (English, Simplified Chinese) and its one catalogue of strings.
pub mod i18n;
/// Derived metrics as polars expressions and plain kernels.
pub mod metrics;
/// The Cohort and its id, finding and abundance types.
pub mod model;
/// The one headless path: inputs → cohort → derived tables → findings, for the CLI and the app.
pub mod pipeline;
/// Data-quality rules (DESIGN §4), shared by `check` and the Data quality view.
pub mod quality;
/// The seeded random number generator shared by the demo and randomized metrics.
pub mod rng;
/// Session files: inputs with checksums, options, the pseudonym key and the window's screen.
pub mod session;
