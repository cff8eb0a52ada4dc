//! Geometry of the Trajectories view: each subject's series of a measure (any visit or sample
//! measure, or a taxon) on every x-axis, the group means with their 95% CI, and the x range all
//! stacked plots share.

use egui_plot::PlotPoint;
use rayon::prelude::*;

use super::subjects::SubjectInfo;
use crate::app::state::XAxis;
use crate::cohort::{CohortError, Frames, MeasureRef, TimeAxis, observations};
use crate::metrics::longitudinal::binned_means;
use crate::model::columns as c;
use crate::model::time::DAYS_PER_MONTH;

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
    /// How `--measure` and the saved layout name it (`alsfrs_r_total`, `shannon`, `taxon:…`).
    pub column: String,
    pub label: String,
    /// The rank a taxon measure is taken at (`None`: features, or not a taxon).
    pub rank: Option<usize>,
    pub series: Vec<Series>,
    /// Index into `series` of each subject's trajectory (None: no values).
    pub series_of: Vec<Option<usize>>,
    /// Filled by the grouping (see `Derived::regrouped`).
    pub means: Vec<GroupMean>,
    /// [`bin_width`] on each x-axis, found once (it sorts every interval between visits).
    pub bin_widths: [f64; XAxis::COUNT],
}

/// Measures built at load when present, in order: the clinical ones, then the microbiome's.
pub const DEFAULTS: [&str; 7] = [
    c::ALSFRS_R_TOTAL,
    c::BMI,
    c::WEIGHT_KG,
    c::REE_RATIO,
    c::FVC_PERCENT_PREDICTED,
    c::SHANNON,
    c::FB_RATIO,
];

/// A reader's name for a measure column.
pub fn label_of(column: &str) -> String {
    match column {
        c::ALSFRS_R_TOTAL => crate::i18n::tr("ALSFRS-R total"),
        c::BMI => crate::i18n::tr("BMI (kg/m²)"),
        c::WEIGHT_KG => crate::i18n::tr("Weight (kg)"),
        c::REE_RATIO => crate::i18n::tr("REE measured / predicted"),
        c::FVC_PERCENT_PREDICTED => crate::i18n::tr("FVC (% predicted)"),
        c::SHANNON => crate::i18n::tr("Shannon diversity (ln)"),
        c::FB_RATIO => crate::i18n::tr("Firmicutes/Bacteroidetes ratio"),
        c::OBSERVED_FEATURES => crate::i18n::tr("Observed features"),
        c::SIMPSON => crate::i18n::tr("Gini–Simpson"),
        c::PIELOU_EVENNESS => crate::i18n::tr("Pielou evenness"),
        c::CHAO1 => crate::i18n::tr("Chao1"),
        c::DISTANCE_FROM_BASELINE => crate::i18n::tr("Distance from the subject's first sample"),
        c::DISTANCE_FROM_PREVIOUS => crate::i18n::tr("Distance from the previous sample"),
        other => return other.to_owned(),
    }
    .to_owned()
}

/// Width of the time bins for group means when a measure's schedule cannot tell: 3 months (an
/// ALS trial's visit interval; in days on the date axis) or one visit.
const BIN_WIDTH: [f64; XAxis::COUNT] = [3.0, 3.0, 3.0 * DAYS_PER_MONTH, 1.0, 1.0];

/// The bin width of group means on `axis`: the measure's own schedule, as the median interval
/// between a subject's consecutive observations (monthly samples bin by month, quarterly visits
/// by three months), else [`BIN_WIDTH`]. The visit-number axis bins by visit.
pub fn bin_width(series: &[Series], axis: usize) -> f64 {
    if axis == XAxis::VisitNumber.index() {
        return 1.0;
    }
    let mut gaps: Vec<f64> = series
        .iter()
        .flat_map(|s| s.points[axis].windows(2).map(|w| w[1].x - w[0].x))
        .filter(|g| *g > 0.0 && g.is_finite())
        .collect();
    if gaps.is_empty() {
        return BIN_WIDTH[axis];
    }
    gaps.sort_by(f64::total_cmp);
    gaps[gaps.len() / 2]
}

/// Fewest values in a time bin for a group mean to be drawn.
const MIN_BIN_COUNT: usize = 3;

/// The time axis of each x-axis, in `XAxis::ALL` order (the last: the study's chosen column).
fn axes(time_column: Option<&str>) -> [Option<TimeAxis>; XAxis::COUNT] {
    [
        Some(TimeAxis::MonthsSinceBaseline),
        Some(TimeAxis::MonthsSinceOnset),
        Some(TimeAxis::Date),
        Some(TimeAxis::VisitNumber),
        time_column.map(|c| TimeAxis::Column(c.to_owned())),
    ]
}

/// One measure's series per subject on every x-axis (group means empty); `time_column` fills
/// the study's own axis.
pub fn measure(
    frames: Frames<'_>,
    spec: &MeasureRef,
    rank: Option<usize>,
    num_subjects: usize,
    time_column: Option<&str>,
) -> Result<Measure, CohortError> {
    let mut series: Vec<Series> = Vec::new();
    let mut series_of: Vec<Option<usize>> = vec![None; num_subjects];
    for (axis, time) in axes(time_column).iter().enumerate() {
        let Some(time) = time else { continue };
        let found = match observations(frames, spec, time, rank) {
            Ok(found) => found,
            // A column the visits (or the samples) lack leaves the measure without that axis.
            Err(_) if axis == XAxis::Column.index() => continue,
            Err(e) => return Err(e),
        };
        for o in found {
            let Some(slot) = series_of.get_mut(o.subject) else {
                continue;
            };
            let k = *slot.get_or_insert_with(|| {
                series.push(Series {
                    subject: o.subject,
                    points: std::array::from_fn(|_| Vec::new()),
                });
                series.len() - 1
            });
            series[k].points[axis].push(PlotPoint::new(o.time, o.value));
        }
    }
    let (column, label) = match spec {
        MeasureRef::Visit(name) | MeasureRef::Sample(name) => (name.clone(), label_of(name)),
        MeasureRef::Taxon { name, clr } => {
            let at = rank.map_or("feature", |r| crate::model::RANKS[r]);
            let what = if *clr { "CLR" } else { "relative abundance" };
            (spec.label(), format!("{name} ({at}, {what})"))
        }
    };
    Ok(Measure {
        column,
        label,
        rank,
        bin_widths: std::array::from_fn(|axis| bin_width(&series, axis)),
        series,
        series_of,
        means: Vec::new(),
    })
}

/// The [`DEFAULTS`] the cohort has, each as series per subject.
pub fn trajectories(frames: Frames<'_>, num_subjects: usize) -> Result<Vec<Measure>, CohortError> {
    let specs: Vec<MeasureRef> = DEFAULTS
        .iter()
        .filter_map(|column| {
            if frames.visits.column(column).is_ok() {
                Some(MeasureRef::Visit((*column).to_owned()))
            } else if frames.samples.column(column).is_ok() {
                Some(MeasureRef::Sample((*column).to_owned()))
            } else {
                None
            }
        })
        .collect();
    // Each measure on its own (in parallel); a default column of the wrong type is an error
    // (named), not a silently missing plot.
    let measured: Vec<Result<Measure, CohortError>> = specs
        .par_iter()
        .map(|spec| measure(frames, spec, None, num_subjects, None))
        .collect();
    let mut out = Vec::new();
    for m in measured {
        let m = m?;
        if !m.series.is_empty() {
            out.push(m);
        }
    }
    Ok(out)
}

/// Each group's binned mean of `m` with its 95% CI, per x-axis (bins of `m.bin_widths`).
pub fn group_means(m: &Measure, subjects: &[SubjectInfo], num_groups: usize) -> Vec<GroupMean> {
    (0..num_groups)
        .map(|group| GroupMean {
            group,
            points: std::array::from_fn(|axis| {
                let points = m
                    .series
                    .iter()
                    .filter(|s| subjects[s.subject].group == group)
                    .flat_map(|s| s.points[axis].iter().map(|p| (p.x, p.y)));
                binned_means(points, m.bin_widths[axis], MIN_BIN_COUNT)
            }),
        })
        .collect()
}

/// The x range of every measure's points, per x-axis (0–1 where there are none).
pub fn x_range(measures: &[Measure]) -> [(f64, f64); XAxis::COUNT] {
    std::array::from_fn(|axis| {
        let xs = measures
            .iter()
            .flat_map(|m| m.series.iter().flat_map(move |s| s.points[axis].iter().map(|p| p.x)));
        let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| (lo.min(x), hi.max(x)));
        if lo.is_finite() && hi > lo {
            (lo, hi)
        } else {
            (0.0, 1.0)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(subject: usize, xs: &[f64]) -> Series {
        Series {
            subject,
            points: std::array::from_fn(|_| xs.iter().map(|x| PlotPoint::new(*x, 1.0)).collect()),
        }
    }

    #[test]
    fn group_means_bin_by_the_measures_own_schedule() {
        let monthly = [series(0, &[0.0, 1.0, 2.0, 3.0]), series(1, &[0.0, 1.1, 2.0])];
        assert!((bin_width(&monthly, 0) - 1.0).abs() < 1e-12);
        let quarterly = [series(0, &[0.0, 3.0, 6.1, 9.0])];
        assert!((bin_width(&quarterly, 1) - 3.0).abs() < 1e-12);
        // Visit numbers bin by visit; a measure seen once per subject falls back to 3 months.
        assert_eq!(bin_width(&monthly, XAxis::VisitNumber.index()), 1.0);
        assert_eq!(bin_width(&[series(0, &[2.0])], 0), BIN_WIDTH[0]);
    }
}
