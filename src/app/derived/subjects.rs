//! The subjects as every view knows them: id, arm, site, sex, onset region, counts and the
//! per-subject metrics the Scatter, Distribution and filters use.

use polars::prelude::DataFrame;

use crate::model::columns as c;
use crate::model::frame::{ColumnError, f64s, opt_bools, opt_dates, opt_f64s, opt_strs, strs};

/// One subject as the views know it.
#[derive(Clone, Debug, Default)]
pub struct SubjectInfo {
    pub id: String,
    /// Index into [`Derived::groups`].
    pub group: usize,
    pub site: String,
    pub sex: String,
    pub onset_region: String,
    pub num_visits: usize,
    pub num_samples: usize,
    pub baseline_alsfrs: Option<f64>,
    pub slope: Option<f64>,
    pub delta_fs: Option<f64>,
    pub hypermetabolic: Option<bool>,
    /// Per-subject metrics, aligned with [`SUBJECT_METRICS`].
    pub metrics: Vec<Option<f64>>,
    /// The D50 model's (D50, dx) in months since onset.
    pub d50: Option<(f64, f64)>,
    /// Onset in days relative to the baseline (negative: before it).
    pub onset_day: Option<f64>,
    /// Baseline date (days since 1970-01-01).
    pub baseline_date: Option<i32>,
}

/// Per-subject metrics offered by the Scatter view: (subjects-table column, label).
pub const SUBJECT_METRICS: [(&str, &str); 12] = [
    (c::BASELINE_ALSFRS_R_TOTAL, "Baseline ALSFRS-R"),
    (c::ALSFRS_R_SLOPE_PER_MONTH, "ALSFRS-R slope (points/month)"),
    (c::DELTA_FS, "ΔFS (points lost/month)"),
    (c::BASELINE_BMI, "Baseline BMI (kg/m²)"),
    (c::BASELINE_REE_RATIO, "Baseline REE measured/predicted"),
    (c::BASELINE_FB_RATIO, "Baseline F/B ratio"),
    (c::BASELINE_SHANNON, "Baseline Shannon (ln)"),
    (c::BASELINE_OBSERVED_FEATURES, "Baseline observed features"),
    (c::D50_MONTHS, "D50 (months from onset to half function)"),
    (c::D50_DX_MONTHS, "D50 dx (months)"),
    (c::RD50_BASELINE, "Relative D50 at baseline"),
    ("last_bmi_change_pct_from_baseline", "BMI change by the last visit (%)"),
];

/// The label of metric `i` of [`SUBJECT_METRICS`] in the language in use (the catalogue has
/// each English label; `tests/i18n.rs` checks).
pub fn metric_label(i: usize) -> &'static str {
    SUBJECT_METRICS
        .get(i)
        .map_or("", |(_, english)| crate::i18n::tr(english))
}

/// Name of the one group when a cohort has no arm or group column.
pub const ALL: &str = "all";

/// The subjects as the views know them, and each one's arm (else group, else "all").
pub fn subjects(s: &DataFrame) -> Result<(Vec<SubjectInfo>, Vec<String>), ColumnError> {
    let ids = strs(s, c::SUBJECT_ID)?;
    let (arm, group) = (opt_strs(s, c::ARM)?, opt_strs(s, c::GROUP)?);
    let (site, sex, region) = (
        opt_strs(s, c::SITE)?,
        opt_strs(s, c::SEX)?,
        opt_strs(s, c::ONSET_REGION)?,
    );
    let (nv, ns) = (f64s(s, c::NUM_VISITS)?, f64s(s, c::NUM_SAMPLES)?);
    let (base, slope, dfs) = (
        opt_f64s(s, c::BASELINE_ALSFRS_R_TOTAL)?,
        opt_f64s(s, c::ALSFRS_R_SLOPE_PER_MONTH)?,
        opt_f64s(s, c::DELTA_FS)?,
    );
    let hyper = opt_bools(s, c::HYPERMETABOLIC)?;
    let (d50, dx) = (opt_f64s(s, c::D50_MONTHS)?, opt_f64s(s, c::D50_DX_MONTHS)?);
    let onset = opt_f64s(s, c::ONSET_DELTA_DAYS)?;
    let baseline = opt_dates(s, c::BASELINE_DATE)?;
    let metric_cols = SUBJECT_METRICS
        .iter()
        .map(|(col, _)| opt_f64s(s, col))
        .collect::<Result<Vec<_>, _>>()?;
    let arms = (0..s.height())
        .map(|i| {
            arm[i]
                .clone()
                .or_else(|| group[i].clone())
                .unwrap_or_else(|| ALL.to_owned())
        })
        .collect();
    let subjects = (0..s.height())
        .map(|i| SubjectInfo {
            id: ids[i].clone().unwrap_or_default(),
            group: 0,
            site: site[i].clone().unwrap_or_default(),
            sex: sex[i].clone().unwrap_or_default(),
            onset_region: region[i].clone().unwrap_or_default(),
            num_visits: nv[i].unwrap_or(0.0) as usize,
            num_samples: ns[i].unwrap_or(0.0) as usize,
            baseline_alsfrs: base[i],
            slope: slope[i],
            delta_fs: dfs[i],
            hypermetabolic: hyper[i],
            metrics: metric_cols.iter().map(|c| c[i]).collect(),
            d50: d50[i].zip(dx[i]),
            onset_day: onset[i],
            baseline_date: baseline[i],
        })
        .collect();
    Ok((subjects, arms))
}
