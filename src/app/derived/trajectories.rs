//! Geometry of the Trajectories view: each subject's series of a measure on every x-axis, the
//! group means with their 95% CI, and the x range all stacked plots share.

use std::collections::HashMap;

use egui_plot::PlotPoint;
use polars::prelude::DataFrame;

use super::subjects::SubjectInfo;
use crate::app::state::XAxis;
use crate::metrics::longitudinal::binned_means;
use crate::model::columns as c;
use crate::model::frame::{ColumnError, f64s, opt_f64s, strs};
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
    pub column: &'static str,
    pub label: &'static str,
    pub series: Vec<Series>,
    /// Index into `series` of each subject's trajectory (None: no values).
    pub series_of: Vec<Option<usize>>,
    /// Filled by the grouping (see `Derived::regrouped`).
    pub means: Vec<GroupMean>,
}

/// Measures shown as trajectories, in order.
const MEASURES: [(&str, &str); 5] = [
    (c::ALSFRS_R_TOTAL, "ALSFRS-R total"),
    (c::BMI, "BMI (kg/m²)"),
    (c::WEIGHT_KG, "Weight (kg)"),
    (c::REE_RATIO, "REE measured / predicted"),
    (c::FVC_PERCENT_PREDICTED, "FVC (% predicted)"),
];

/// Width of the time bins for group means, per x-axis: 3 months (the visit interval; in days
/// on the date axis) or one visit.
const BIN_WIDTH: [f64; XAxis::COUNT] = [3.0, 3.0, 3.0 * DAYS_PER_MONTH, 1.0];

/// Fewest values in a time bin for a group mean to be drawn.
const MIN_BIN_COUNT: usize = 3;

/// Each measure the derived visits table has, as series per subject (group means empty).
pub fn trajectories(
    visits: &DataFrame,
    index: &HashMap<&str, usize>,
    num_subjects: usize,
) -> Result<Vec<Measure>, ColumnError> {
    let ids = strs(visits, c::SUBJECT_ID)?;
    let xs = XAxis::ALL
        .iter()
        .map(|axis| f64s(visits, axis.column()))
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::new();
    for &(column, label) in &MEASURES {
        let y = opt_f64s(visits, column)?;
        if y.iter().all(Option::is_none) {
            continue;
        }
        let mut series: Vec<Series> = Vec::new();
        for i in 0..visits.height() {
            let (Some(id), Some(v)) = (ids[i].as_deref(), y[i]) else {
                continue;
            };
            let Some(&subject) = index.get(id) else { continue };
            if series.last().is_none_or(|s| s.subject != subject) {
                series.push(Series {
                    subject,
                    points: std::array::from_fn(|_| Vec::new()),
                });
            }
            if let Some(s) = series.last_mut() {
                for (axis, x) in xs.iter().enumerate() {
                    if let Some(x) = x[i] {
                        s.points[axis].push(PlotPoint::new(x, v));
                    }
                }
            }
        }
        let mut series_of = vec![None; num_subjects];
        for (k, s) in series.iter().enumerate() {
            series_of[s.subject] = Some(k);
        }
        out.push(Measure {
            column,
            label,
            series,
            series_of,
            means: Vec::new(),
        });
    }
    Ok(out)
}

/// Each group's binned mean with its 95% CI, per x-axis.
pub fn group_means(series: &[Series], subjects: &[SubjectInfo], num_groups: usize) -> Vec<GroupMean> {
    (0..num_groups)
        .map(|group| GroupMean {
            group,
            points: std::array::from_fn(|axis| {
                let points = series
                    .iter()
                    .filter(|s| subjects[s.subject].group == group)
                    .flat_map(|s| s.points[axis].iter().map(|p| (p.x, p.y)));
                binned_means(points, BIN_WIDTH[axis], MIN_BIN_COUNT)
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
