//! Geometry and rows the views draw, prepared once per loaded cohort (on the loader thread),
//! never inside a frame.

use std::collections::HashMap;
use std::sync::Arc;

use egui_plot::PlotPoint;

use super::findings::Findings;
use super::state::XAxis;
use crate::data::clinical::DAYS_PER_MONTH;
use crate::metrics::tables::{
    MetricOptions, f64s, ordination_table, samples_table, strs, subjects_table, visits_table,
};
use crate::model::{Cohort, columns as c};

/// One subject as the views know it.
#[derive(Clone, Debug)]
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
}

/// Per-subject metrics offered by the Scatter view: (subjects-table column, label).
pub const SUBJECT_METRICS: [(&str, &str); 8] = [
    ("baseline_alsfrs_r_total", "Baseline ALSFRS-R"),
    ("alsfrs_r_slope_per_month", "ALSFRS-R slope (points/month)"),
    ("delta_fs", "ΔFS (points lost/month)"),
    ("baseline_bmi", "Baseline BMI (kg/m²)"),
    ("baseline_ree_ratio", "Baseline REE measured/predicted"),
    ("baseline_fb_ratio", "Baseline F/B ratio"),
    ("baseline_shannon", "Baseline Shannon (ln)"),
    ("baseline_observed_features", "Baseline observed features"),
];

/// One subject's trajectory of a measure, with points for each x-axis (see `XAxis::index`).
#[derive(Clone, Debug)]
pub struct Series {
    pub subject: usize,
    pub points: [Vec<PlotPoint>; XAxis::COUNT],
}

/// A group's mean trajectory: (x, mean, lower, upper) of the 95% CI, per x-axis.
#[derive(Clone, Debug, Default)]
pub struct GroupMean {
    pub group: usize,
    pub points: [Vec<[f64; 4]>; XAxis::COUNT],
}

/// A measure plotted over time.
#[derive(Clone, Debug)]
pub struct Measure {
    pub column: &'static str,
    pub label: &'static str,
    pub series: Vec<Series>,
    /// Index into `series` of each subject's trajectory (None: no values).
    pub series_of: Vec<Option<usize>>,
    pub means: Vec<GroupMean>,
}

/// Width of the time bins for group means, per x-axis: 3 months (the visit interval; in days
/// on the date axis) or one visit.
const BIN_WIDTH: [f64; XAxis::COUNT] = [3.0, 3.0, 3.0 * DAYS_PER_MONTH, 1.0];

/// Mean and normal-approximation 95% CI of each group's values in time bins with ≥ 3 values.
fn group_means(series: &[Series], subjects: &[SubjectInfo], num_groups: usize) -> Vec<GroupMean> {
    (0..num_groups)
        .map(|group| {
            let mut mean = GroupMean {
                group,
                ..GroupMean::default()
            };
            for (axis, width) in BIN_WIDTH.iter().enumerate() {
                let mut bins: std::collections::BTreeMap<i64, Vec<f64>> = std::collections::BTreeMap::new();
                for s in series.iter().filter(|s| subjects[s.subject].group == group) {
                    for p in &s.points[axis] {
                        bins.entry((p.x / width).round() as i64).or_default().push(p.y);
                    }
                }
                mean.points[axis] = bins
                    .into_iter()
                    .filter(|(_, v)| v.len() >= 3)
                    .map(|(bin, v)| {
                        let n = v.len() as f64;
                        let m = v.iter().sum::<f64>() / n;
                        let sd = (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
                        let half = 1.96 * sd / n.sqrt();
                        [bin as f64 * width, m, m - half, m + half]
                    })
                    .collect();
            }
            mean
        })
        .collect()
}

/// A sample in the ordination plane.
#[derive(Clone, Copy, Debug)]
pub struct OrdinationPoint {
    pub subject: Option<usize>,
    pub day: f64,
    pub x: f64,
    pub y: f64,
}

/// Everything the views draw.
#[derive(Clone, Debug, Default)]
pub struct Derived {
    pub subjects: Vec<SubjectInfo>,
    pub groups: Vec<String>,
    pub measures: Vec<Measure>,
    pub ordination: Vec<OrdinationPoint>,
    /// Percent explained by the two plotted axes.
    pub ordination_explained: [f64; 2],
    /// Shared x range of every trajectory plot, per x-axis (see `XAxis::index`).
    pub x_range: [(f64, f64); XAxis::COUNT],
    pub composition: Composition,
    /// Data-quality findings, located for the views.
    pub findings: Arc<Findings>,
}

/// Relative abundance of the top genera (+ "Other") per sample, samples ordered by subject
/// then time.
#[derive(Clone, Debug, Default)]
pub struct Composition {
    /// Top taxa by mean relative abundance, then "Other".
    pub taxa: Vec<String>,
    pub samples: Vec<CompositionSample>,
}

/// One bar of the composition view.
#[derive(Clone, Debug)]
pub struct CompositionSample {
    pub id: String,
    pub subject: Option<usize>,
    pub day: f64,
    /// Fractions aligned with `Composition::taxa`.
    pub values: Vec<f64>,
}

/// Number of taxa shown before "Other".
pub const TOP_TAXA: usize = 10;

fn composition(cohort: &Cohort, index: &HashMap<&str, usize>) -> Composition {
    let Some(table) = cohort.abundances() else {
        return Composition::default();
    };
    let genus = crate::metrics::microbiome::at_rank(table, cohort.taxonomy(), Some(5)).relative();
    let nf = genus.num_features();
    let ns = genus.num_samples();
    let mut mean: Vec<(usize, f64)> = (0..nf)
        .map(|f| {
            (
                f,
                (0..ns).map(|s| genus.values[s * nf + f]).sum::<f64>() / ns.max(1) as f64,
            )
        })
        .collect();
    mean.sort_by(|a, b| b.1.total_cmp(&a.1));
    let top: Vec<usize> = mean.iter().take(TOP_TAXA).map(|m| m.0).collect();
    let mut taxa: Vec<String> = top.iter().map(|&f| genus.feature_ids[f].clone()).collect();
    taxa.push("Other".to_owned());
    let samples_df = cohort.samples();
    let ids = strs(samples_df, c::SAMPLE_ID);
    let subjects = strs(samples_df, c::SUBJECT_ID);
    let days = f64s(samples_df, c::DAY);
    let meta: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| Some((id.as_deref()?, i)))
        .collect();
    let mut samples: Vec<CompositionSample> = (0..ns)
        .map(|s| {
            let row = genus.sample(s);
            let mut values: Vec<f64> = top.iter().map(|&f| row[f]).collect();
            let shown: f64 = values.iter().sum();
            values.push((row.iter().sum::<f64>() - shown).max(0.0));
            let m = meta.get(genus.sample_ids[s].as_str()).copied();
            CompositionSample {
                id: genus.sample_ids[s].clone(),
                subject: m
                    .and_then(|i| subjects[i].as_deref())
                    .and_then(|id| index.get(id).copied()),
                day: m.and_then(|i| days[i]).unwrap_or(0.0),
                values,
            }
        })
        .collect();
    samples.sort_by(|a, b| a.subject.cmp(&b.subject).then(a.day.total_cmp(&b.day)));
    Composition { taxa, samples }
}

/// Measures shown as trajectories, in order.
const MEASURES: [(&str, &str); 5] = [
    ("alsfrs_r_total", "ALSFRS-R total"),
    ("bmi", "BMI (kg/m²)"),
    ("weight_kg", "Weight (kg)"),
    ("ree_ratio", "REE measured / predicted"),
    ("fvc_percent_predicted", "FVC (% predicted)"),
];

impl Derived {
    /// Prepare the views' data; errors in optional parts leave those parts empty.
    pub fn new(cohort: &Cohort) -> Self {
        let options = MetricOptions::default();
        let Ok(visits) = visits_table(cohort, &options) else {
            return Self::default();
        };
        let samples = samples_table(cohort, &options).ok();
        let Ok(s) = subjects_table(cohort, &visits, samples.as_ref()) else {
            return Self::default();
        };
        let ids = strs(&s, c::SUBJECT_ID);
        let group_of = |i: usize, arm: &[Option<String>], group: &[Option<String>]| -> String {
            arm[i]
                .clone()
                .or_else(|| group[i].clone())
                .unwrap_or_else(|| "all".to_owned())
        };
        let (arm, group) = (strs(&s, "arm"), strs(&s, "group"));
        let mut groups: Vec<String> = (0..s.height()).map(|i| group_of(i, &arm, &group)).collect();
        groups.sort();
        groups.dedup();
        let text = |name: &str| strs(&s, name);
        let (site, sex, region) = (text("site"), text("sex"), text("onset_region"));
        let (nv, ns) = (f64s(&s, c::NUM_VISITS), f64s(&s, c::NUM_SAMPLES));
        let (base, slope, dfs) = (
            f64s(&s, "baseline_alsfrs_r_total"),
            f64s(&s, "alsfrs_r_slope_per_month"),
            f64s(&s, "delta_fs"),
        );
        let hyper: Vec<Option<bool>> = s
            .column("hypermetabolic")
            .ok()
            .and_then(|c| c.bool().ok().map(|b| b.iter().collect()))
            .unwrap_or_default();
        let metric_cols: Vec<Vec<Option<f64>>> = SUBJECT_METRICS.iter().map(|(col, _)| f64s(&s, col)).collect();
        let subjects: Vec<SubjectInfo> = (0..s.height())
            .map(|i| SubjectInfo {
                id: ids[i].clone().unwrap_or_default(),
                group: groups.iter().position(|g| *g == group_of(i, &arm, &group)).unwrap_or(0),
                site: site[i].clone().unwrap_or_default(),
                sex: sex[i].clone().unwrap_or_default(),
                onset_region: region[i].clone().unwrap_or_default(),
                num_visits: nv[i].unwrap_or(0.0) as usize,
                num_samples: ns[i].unwrap_or(0.0) as usize,
                baseline_alsfrs: base[i],
                slope: slope[i],
                delta_fs: dfs[i],
                hypermetabolic: hyper.get(i).copied().flatten(),
                metrics: metric_cols.iter().map(|c| c[i]).collect(),
            })
            .collect();
        let index: HashMap<&str, usize> = subjects.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
        let measures = trajectories(&visits, &index, &subjects, groups.len());
        let (ordination, ordination_explained) = ordination(cohort, &index);
        let mut x_range = [(0.0, 1.0); XAxis::COUNT];
        for (axis, range) in x_range.iter_mut().enumerate() {
            let xs = measures
                .iter()
                .flat_map(|m| m.series.iter().flat_map(move |s| s.points[axis].iter().map(|p| p.x)));
            let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| (lo.min(x), hi.max(x)));
            if lo.is_finite() && hi > lo {
                *range = (lo, hi);
            }
        }
        let composition = composition(cohort, &index);
        Self {
            subjects,
            groups,
            measures,
            ordination,
            ordination_explained,
            x_range,
            composition,
            findings: Arc::default(),
        }
    }
}

impl Derived {
    /// The same cohort grouped differently (named cohorts): groups, each subject's group and
    /// the group means change; everything else is shared geometry.
    #[must_use]
    pub fn regrouped(&self, groups: Vec<String>, group_of: &[usize]) -> Self {
        let mut out = self.clone();
        for (s, g) in out.subjects.iter_mut().zip(group_of) {
            s.group = *g;
        }
        for m in &mut out.measures {
            m.means = group_means(&m.series, &out.subjects, groups.len());
        }
        out.groups = groups;
        out
    }
}

fn trajectories(
    visits: &polars::prelude::DataFrame,
    index: &HashMap<&str, usize>,
    subjects: &[SubjectInfo],
    num_groups: usize,
) -> Vec<Measure> {
    let ids = strs(visits, c::SUBJECT_ID);
    let xs = XAxis::ALL.map(|axis| f64s(visits, axis.column()));
    MEASURES
        .iter()
        .filter_map(|&(column, label)| {
            let y = f64s(visits, column);
            if y.iter().all(Option::is_none) {
                return None;
            }
            let mut by_subject: Vec<(usize, Series)> = Vec::new();
            for i in 0..visits.height() {
                let (Some(id), Some(v)) = (ids[i].as_deref(), y[i]) else {
                    continue;
                };
                let Some(&subject) = index.get(id) else { continue };
                if by_subject.last().is_none_or(|(s, _)| *s != subject) {
                    by_subject.push((
                        subject,
                        Series {
                            subject,
                            points: std::array::from_fn(|_| Vec::new()),
                        },
                    ));
                }
                let series = &mut by_subject.last_mut().expect("pushed above").1;
                for (axis, x) in xs.iter().enumerate() {
                    if let Some(x) = x[i] {
                        series.points[axis].push(PlotPoint::new(x, v));
                    }
                }
            }
            let series: Vec<Series> = by_subject.into_iter().map(|(_, s)| s).collect();
            let mut series_of = vec![None; subjects.len()];
            for (k, s) in series.iter().enumerate() {
                series_of[s.subject] = Some(k);
            }
            let means = group_means(&series, subjects, num_groups);
            Some(Measure {
                column,
                label,
                series,
                series_of,
                means,
            })
        })
        .collect()
}

fn ordination(cohort: &Cohort, index: &HashMap<&str, usize>) -> (Vec<OrdinationPoint>, [f64; 2]) {
    let Some(table) = cohort.abundances() else {
        return (Vec::new(), [0.0; 2]);
    };
    let dm = crate::metrics::distance::distance_matrix(table, crate::metrics::distance::BetaMetric::BrayCurtis);
    let Ok((df, ord)) = ordination_table(cohort, &dm, 2) else {
        return (Vec::new(), [0.0; 2]);
    };
    if ord.dims < 2 {
        return (Vec::new(), [0.0; 2]);
    }
    let subjects = strs(&df, c::SUBJECT_ID);
    let days = f64s(&df, c::DAY);
    let points = (0..df.height())
        .map(|i| OrdinationPoint {
            subject: subjects[i].as_deref().and_then(|s| index.get(s).copied()),
            day: days[i].unwrap_or(0.0),
            x: ord.coord(i, 0),
            y: ord.coord(i, 1),
        })
        .collect();
    (
        points,
        [ord.proportion_explained[0] * 100.0, ord.proportion_explained[1] * 100.0],
    )
}
