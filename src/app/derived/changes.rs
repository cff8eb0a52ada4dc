//! Change over time, as trajectory modes: each subject's change from its previous or its first
//! observation (first differences, change from baseline), and a control chart (the group mean
//! with ±2 SD and ±3 SD limits per time bin, and the observations outside them).

use super::subjects::SubjectInfo;
use super::trajectories::{GroupMean, Measure, Series, bin_width, group_means};
use crate::metrics::longitudinal::binned_sd;

/// How a trajectory plot shows its measure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    #[default]
    Values,
    /// Change from the subject's previous observation.
    FromPrevious,
    /// Change from the subject's first observation.
    FromBaseline,
    /// Values with each group's mean ± 2 SD and ± 3 SD per time bin.
    ControlChart,
}

impl Mode {
    pub const ALL: [Mode; 4] = [Mode::Values, Mode::FromPrevious, Mode::FromBaseline, Mode::ControlChart];

    pub fn label(self) -> &'static str {
        match self {
            Mode::Values => crate::i18n::tr("values"),
            Mode::FromPrevious => crate::i18n::tr("change from previous"),
            Mode::FromBaseline => crate::i18n::tr("change from baseline"),
            Mode::ControlChart => crate::i18n::tr("control chart"),
        }
    }
}

/// Fewest values in a time bin for control limits.
const MIN_CONTROL_COUNT: usize = 3;

/// `m` as `mode` shows it: change series with their own group means, or (control chart) the
/// values with the ±2 SD band in place of the 95% CI; `None` for plain values.
pub fn transformed(m: &Measure, subjects: &[SubjectInfo], num_groups: usize, mode: Mode) -> Option<Measure> {
    let change = |series: &Series, from_first: bool| Series {
        subject: series.subject,
        points: std::array::from_fn(|axis| {
            let pts = &series.points[axis];
            pts.iter()
                .enumerate()
                .skip(1)
                .map(|(i, p)| {
                    let reference = if from_first { pts[0].y } else { pts[i - 1].y };
                    egui_plot::PlotPoint::new(p.x, p.y - reference)
                })
                .collect()
        }),
    };
    let mut out = m.clone();
    match mode {
        Mode::Values => return None,
        Mode::FromPrevious | Mode::FromBaseline => {
            out.series = m.series.iter().map(|s| change(s, mode == Mode::FromBaseline)).collect();
            out.bin_widths = std::array::from_fn(|axis| bin_width(&out.series, axis));
            out.means = group_means(&out, subjects, num_groups);
            out.label = format!("{} — {}", m.label, mode.label());
        }
        Mode::ControlChart => {
            out.means = control_limits(m, subjects, num_groups, 2.0);
            out.label = format!("{} — {}", m.label, mode.label());
        }
    }
    Some(out)
}

/// Each group's mean ± `k` SD per time bin, per x-axis, as (x, mean, lower, upper).
pub fn control_limits(m: &Measure, subjects: &[SubjectInfo], num_groups: usize, k: f64) -> Vec<GroupMean> {
    let widths = m.bin_widths;
    (0..num_groups)
        .map(|group| GroupMean {
            group,
            points: std::array::from_fn(|axis| {
                let pts = m
                    .series
                    .iter()
                    .filter(|s| subjects[s.subject].group == group)
                    .flat_map(|s| s.points[axis].iter().map(|p| (p.x, p.y)));
                binned_sd(pts, widths[axis], MIN_CONTROL_COUNT)
                    .into_iter()
                    .map(|[x, mean, sd]| [x, mean, mean - k * sd, mean + k * sd])
                    .collect()
            }),
        })
        .collect()
}

/// Observations of visible subjects outside their group's limits on `axis`: (subject, x, y,
/// beyond 3 SD). A point is judged against the limits of its nearest time bin.
pub fn outside_limits(
    m: &Measure,
    subjects: &[SubjectInfo],
    two: &[GroupMean],
    three: &[GroupMean],
    axis: usize,
    visible: &dyn Fn(usize) -> bool,
) -> Vec<(usize, f64, f64, bool)> {
    let nearest = |limits: &[[f64; 4]], x: f64| -> Option<[f64; 4]> {
        limits
            .iter()
            .copied()
            .min_by(|a, b| (a[0] - x).abs().total_cmp(&(b[0] - x).abs()))
    };
    let mut out = Vec::new();
    for s in m.series.iter().filter(|s| visible(s.subject)) {
        let g = subjects[s.subject].group;
        let (Some(two), Some(three)) = (two.get(g), three.get(g)) else {
            continue;
        };
        for p in &s.points[axis] {
            let (Some(l2), Some(l3)) = (nearest(&two.points[axis], p.x), nearest(&three.points[axis], p.x)) else {
                continue;
            };
            if p.y < l2[2] || p.y > l2[3] {
                out.push((s.subject, p.x, p.y, p.y < l3[2] || p.y > l3[3]));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use egui_plot::PlotPoint;

    use super::*;

    fn subject(group: usize) -> SubjectInfo {
        SubjectInfo {
            group,
            ..SubjectInfo::default()
        }
    }

    fn measure(values: &[&[f64]]) -> Measure {
        let series: Vec<Series> = values
            .iter()
            .enumerate()
            .map(|(subject, ys)| Series {
                subject,
                points: std::array::from_fn(|_| {
                    ys.iter()
                        .enumerate()
                        .map(|(i, y)| PlotPoint::new(i as f64, *y))
                        .collect()
                }),
            })
            .collect();
        Measure {
            column: "m".into(),
            label: "M".into(),
            rank: None,
            bin_widths: std::array::from_fn(|axis| bin_width(&series, axis)),
            series_of: (0..series.len()).map(Some).collect(),
            series,
            means: Vec::new(),
        }
    }

    #[test]
    fn change_modes_difference_each_subjects_series() {
        let m = measure(&[&[10.0, 12.0, 9.0], &[5.0, 7.5]]);
        let subjects = [subject(0), subject(0)];
        let prev = transformed(&m, &subjects, 1, Mode::FromPrevious).expect("changes");
        let ys: Vec<f64> = prev.series[0].points[0].iter().map(|p| p.y).collect();
        assert_eq!(ys, [2.0, -3.0]);
        assert_eq!(
            prev.series[0].points[0][0].x, 1.0,
            "the first observation has no change"
        );
        let base = transformed(&m, &subjects, 1, Mode::FromBaseline).expect("changes");
        let ys: Vec<f64> = base.series[0].points[0].iter().map(|p| p.y).collect();
        assert_eq!(ys, [2.0, -1.0]);
        assert!(transformed(&m, &subjects, 1, Mode::Values).is_none());
    }

    #[test]
    fn the_control_chart_marks_points_beyond_two_and_three_sd() {
        // Nine subjects near 10 at every time, one far out at time 2.
        let mut rows: Vec<Vec<f64>> = (0..9).map(|k| vec![10.0 + f64::from(k % 3) - 1.0; 3]).collect();
        rows.push(vec![10.0, 10.0, 30.0]);
        let refs: Vec<&[f64]> = rows.iter().map(Vec::as_slice).collect();
        let m = measure(&refs);
        let subjects: Vec<SubjectInfo> = (0..10).map(|_| subject(0)).collect();
        let two = control_limits(&m, &subjects, 1, 2.0);
        let three = control_limits(&m, &subjects, 1, 3.0);
        let out = outside_limits(&m, &subjects, &two, &three, 0, &|_| true);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!((out[0].0, out[0].2), (9, 30.0));
    }
}
