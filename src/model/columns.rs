//! Stable column names of the cohort tables (also the `export` columns; documented in
//! README.md). Units are part of the name.

pub const SUBJECT_ID: &str = "subject_id";
pub const SAMPLE_ID: &str = "sample_id";
pub const VISIT: &str = "visit";
pub const VISIT_NUMBER: &str = "visit_number";
pub const DATE: &str = "date";
/// Days since the subject's baseline (first visit or enrolment).
pub const DAY: &str = "day";
pub const MONTHS_SINCE_BASELINE: &str = "months_since_baseline";
pub const MONTHS_SINCE_ONSET: &str = "months_since_onset";
pub const SOURCE_FILE: &str = "source_file";
pub const SOURCE_LINE: &str = "source_line";

pub const WEIGHT_KG: &str = "weight_kg";
pub const HEIGHT_CM: &str = "height_cm";
pub const BMI: &str = "bmi";
pub const ALSFRS_R_TOTAL: &str = "alsfrs_r_total";

/// Sample link to clinical visits.
pub const LINKED_VISIT_NUMBER: &str = "linked_visit_number";
pub const LINK_GAP_DAYS: &str = "link_gap_days";
pub const READ_DEPTH: &str = "read_depth";

/// Subject columns derived at load.
pub const BASELINE_DATE: &str = "baseline_date";
pub const NUM_VISITS: &str = "num_visits";
pub const NUM_SAMPLES: &str = "num_samples";
pub const ONSET_DELTA_DAYS: &str = "onset_delta_days";

/// Visit columns that place a row in time rather than measure something.
pub const VISIT_TIME: [&str; 7] = [
    VISIT_NUMBER,
    DAY,
    MONTHS_SINCE_BASELINE,
    MONTHS_SINCE_ONSET,
    DATE,
    VISIT,
    SOURCE_LINE,
];
