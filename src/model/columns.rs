//! Stable column names of the cohort tables and of the derived tables (also the `export`
//! columns; documented in README.md). Units are part of the name. Every layer names columns
//! through these constants, so a renamed column is one edit and a typo is a compile error.

// Identity and time: every visits and samples table has these.
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

// Visit measures, in the app's standard units.
pub const WEIGHT_KG: &str = "weight_kg";
pub const HEIGHT_CM: &str = "height_cm";
pub const BMI: &str = "bmi";
pub const ALSFRS_R_TOTAL: &str = "alsfrs_r_total";
/// The original 40-point ALSFRS total, kept apart from ALSFRS-R.
pub const ALSFRS_ORIGINAL_TOTAL: &str = "alsfrs_original_total";
pub const REE_MEASURED_KCAL: &str = "ree_measured_kcal";
pub const FVC_PERCENT_PREDICTED: &str = "fvc_percent_predicted";
pub const SIX_MWD_M: &str = "six_mwd_m";
/// ALSFRS-R items in questionnaire order: 1–4, 5a, 5b, 6–12.
pub const ALSFRS_ITEMS: [&str; 13] = [
    "alsfrs_q1",
    "alsfrs_q2",
    "alsfrs_q3",
    "alsfrs_q4",
    "alsfrs_q5a",
    "alsfrs_q5b",
    "alsfrs_q6",
    "alsfrs_q7",
    "alsfrs_q8",
    "alsfrs_q9",
    "alsfrs_q10",
    "alsfrs_q11",
    "alsfrs_q12",
];

// Subject attributes.
pub const GROUP: &str = "group";
pub const ARM: &str = "arm";
pub const SITE: &str = "site";
pub const SEX: &str = "sex";
pub const AGE_YEARS: &str = "age_years";
pub const BIRTH_YEAR: &str = "birth_year";
pub const BIRTH_DATE: &str = "birth_date";
pub const ONSET_DATE: &str = "onset_date";
pub const ONSET_DELTA_DAYS: &str = "onset_delta_days";
pub const ONSET_REGION: &str = "onset_region";
// Events and follow-up (subject attributes).
pub const DEATH_DATE: &str = "death_date";
/// Days from the study's day 0 to death (PRO-ACT `Death_Days`).
pub const DEATH_DAYS: &str = "death_days";
/// `yes` or `no`.
pub const DIED: &str = "died";
pub const TRACHEOSTOMY_DATE: &str = "tracheostomy_date";
pub const NIV_DATE: &str = "niv_date";
pub const GASTROSTOMY_DATE: &str = "gastrostomy_date";
pub const LAST_CONTACT_DATE: &str = "last_contact_date";
/// Days from the study's day 0 (or the subject's baseline) to each event, where a file gives
/// days instead of dates (a long events table with a `day` column).
pub const TRACHEOSTOMY_DAYS: &str = "tracheostomy_days";
pub const NIV_DAYS: &str = "niv_days";
pub const GASTROSTOMY_DAYS: &str = "gastrostomy_days";
pub const LAST_CONTACT_DAYS: &str = "last_contact_days";

/// An event a subject may have, with its date column and its days column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DatedEvent {
    /// The event's name in messages.
    pub name: &'static str,
    pub date: &'static str,
    pub days: &'static str,
}

pub const DEATH: DatedEvent = DatedEvent {
    name: "death",
    date: DEATH_DATE,
    days: DEATH_DAYS,
};
pub const TRACHEOSTOMY: DatedEvent = DatedEvent {
    name: "tracheostomy",
    date: TRACHEOSTOMY_DATE,
    days: TRACHEOSTOMY_DAYS,
};
pub const NIV: DatedEvent = DatedEvent {
    name: "NIV",
    date: NIV_DATE,
    days: NIV_DAYS,
};
pub const GASTROSTOMY: DatedEvent = DatedEvent {
    name: "gastrostomy",
    date: GASTROSTOMY_DATE,
    days: GASTROSTOMY_DAYS,
};
pub const LAST_CONTACT: DatedEvent = DatedEvent {
    name: "last contact",
    date: LAST_CONTACT_DATE,
    days: LAST_CONTACT_DAYS,
};
/// The clinical events (not the last contact), as the rules and endpoints read them.
pub const CLINICAL_EVENTS: [DatedEvent; 4] = [DEATH, TRACHEOSTOMY, NIV, GASTROSTOMY];
pub const PREMORBID_WEIGHT_KG: &str = "premorbid_weight_kg";
/// `yes` when the subject is listed in a subjects table (not only seen in visits or samples).
pub const LISTED_IN_SUBJECTS_TABLE: &str = "listed_in_subjects_table";
pub const BASELINE_DATE: &str = "baseline_date";
pub const NUM_VISITS: &str = "num_visits";
pub const NUM_SAMPLES: &str = "num_samples";

// Sample link to clinical visits.
pub const LINKED_VISIT_NUMBER: &str = "linked_visit_number";
pub const LINK_GAP_DAYS: &str = "link_gap_days";
pub const READ_DEPTH: &str = "read_depth";

// Derived visit columns (`metrics::tables::visits_table`).
pub const ALSFRS_R_ITEMS_SUM: &str = "alsfrs_r_items_sum";
pub const ALSFRS_BULBAR: &str = "alsfrs_bulbar";
pub const ALSFRS_FINE_MOTOR: &str = "alsfrs_fine_motor";
pub const ALSFRS_GROSS_MOTOR: &str = "alsfrs_gross_motor";
pub const ALSFRS_RESPIRATORY: &str = "alsfrs_respiratory";
pub const MITOS_STAGE: &str = "mitos_stage";
pub const KINGS_STAGE: &str = "kings_stage";
pub const KINGS_STAGE_NUMBER: &str = "kings_stage_number";
pub const BMI_WHO_CATEGORY: &str = "bmi_who_category";
pub const WEIGHT_CHANGE_PCT_FROM_BASELINE: &str = "weight_change_pct_from_baseline";
pub const BMI_CHANGE_PCT_FROM_BASELINE: &str = "bmi_change_pct_from_baseline";
pub const WEIGHT_CHANGE_PCT_FROM_PREMORBID: &str = "weight_change_pct_from_premorbid";
pub const AGE_YEARS_AT_VISIT: &str = "age_years_at_visit";
pub const REE_PREDICTED_KCAL: &str = "ree_predicted_kcal";
pub const REE_RATIO: &str = "ree_ratio";
pub const DELTA_REE_PCT: &str = "delta_ree_pct";
/// Measured/predicted REE above the threshold in force (per visit; per subject at baseline).
pub const HYPERMETABOLIC: &str = "hypermetabolic";

// Derived subject columns (`metrics::tables::subjects_table`); `baseline_M` / `last_M` exist for
// every visit measure M (see [`baseline`]).
pub const ALSFRS_R_SLOPE_PER_MONTH: &str = "alsfrs_r_slope_per_month";
pub const ALSFRS_R_SLOPE_N: &str = "alsfrs_r_slope_n";
pub const ALSFRS_R_SLOPE_SPAN_MONTHS: &str = "alsfrs_r_slope_span_months";
pub const DELTA_FS: &str = "delta_fs";
/// slow (< 0.5 points/month), intermediate (0.5–1) or fast (> 1).
pub const DELTA_FS_CATEGORY: &str = "delta_fs_category";
/// D50 model (`metrics::progression`): months from onset to half of ALSFRS-R lost.
pub const D50_MONTHS: &str = "d50_months";
pub const D50_DX_MONTHS: &str = "d50_dx_months";
/// Relative D50 at the first visit: months since onset / D50.
pub const RD50_BASELINE: &str = "rd50_baseline";
/// D50 phase (I–IV) at the first visit.
pub const D50_PHASE_BASELINE: &str = "d50_phase_baseline";
pub const BASELINE_ALSFRS_R_TOTAL: &str = "baseline_alsfrs_r_total";
pub const BASELINE_BMI: &str = "baseline_bmi";
pub const BASELINE_REE_RATIO: &str = "baseline_ree_ratio";
pub const BASELINE_FB_RATIO: &str = "baseline_fb_ratio";
pub const BASELINE_SHANNON: &str = "baseline_shannon";
pub const BASELINE_OBSERVED_FEATURES: &str = "baseline_observed_features";

// Derived sample columns (`metrics::tables::samples_table`).
pub const OBSERVED_FEATURES: &str = "observed_features";
pub const SHANNON: &str = "shannon";
pub const SHANNON_LOG2: &str = "shannon_log2";
pub const SIMPSON: &str = "simpson";
pub const PIELOU_EVENNESS: &str = "pielou_evenness";
pub const CHAO1: &str = "chao1";
pub const FB_RATIO: &str = "fb_ratio";
pub const DISTANCE_FROM_BASELINE: &str = "distance_from_baseline";
pub const DISTANCE_FROM_PREVIOUS: &str = "distance_from_previous";

/// Every column `samples_table` derives, so values a file gives under the same name (QIIME 2's
/// `observed_features`) can be kept beside them.
pub const DERIVED_SAMPLE: [&str; 9] = [
    OBSERVED_FEATURES,
    SHANNON,
    SHANNON_LOG2,
    SIMPSON,
    PIELOU_EVENNESS,
    CHAO1,
    FB_RATIO,
    DISTANCE_FROM_BASELINE,
    DISTANCE_FROM_PREVIOUS,
];

/// Sample measures summarised per subject at the subject's first sample.
pub const BASELINE_SAMPLE_MEASURES: [&str; 3] = [FB_RATIO, SHANNON, OBSERVED_FEATURES];

/// The subjects-table column of a measure's value at the subject's first visit or sample.
pub fn baseline(measure: &str) -> String {
    format!("baseline_{measure}")
}

/// The subjects-table column of a measure's value at the subject's last visit.
pub fn last(measure: &str) -> String {
    format!("last_{measure}")
}

/// The ordination-table column of PCoA axis `axis` (0-based): `pc1`, `pc2`, ….
pub fn pc(axis: usize) -> String {
    format!("pc{}", axis + 1)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_names_follow_their_measures() {
        assert_eq!(baseline(ALSFRS_R_TOTAL), BASELINE_ALSFRS_R_TOTAL);
        assert_eq!(baseline(BMI), BASELINE_BMI);
        assert_eq!(baseline(SHANNON), BASELINE_SHANNON);
        assert_eq!(pc(0), "pc1");
        assert_eq!(ALSFRS_ITEMS[4], "alsfrs_q5a");
    }
}
