//! Change over time: per-subject OLS slope of a measure on months, ΔFS, and a group's mean
//! trajectory with its 95% confidence band.

/// An ordinary least-squares line through (x, y) points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OlsFit {
    pub slope: f64,
    pub intercept: f64,
    pub num_points: usize,
    /// max(x) − min(x).
    pub span: f64,
}

impl OlsFit {
    /// The fitted value at `x`.
    pub fn at(&self, x: f64) -> f64 {
        self.intercept + self.slope * x
    }
}

/// OLS of y on x over the points where both are present; needs two distinct x values.
pub fn ols(points: impl IntoIterator<Item = (f64, f64)>) -> Option<OlsFit> {
    let pts: Vec<(f64, f64)> = points
        .into_iter()
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect();
    let n = pts.len();
    if n < 2 {
        return None;
    }
    let nf = n as f64;
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / nf;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / nf;
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    let (lo, hi) = pts.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
        (lo.min(p.0), hi.max(p.0))
    });
    Some(OlsFit {
        slope,
        intercept: my - slope * mx,
        num_points: n,
        span: hi - lo,
    })
}

/// ΔFS (Kimura 2006): (48 − ALSFRS-R at the first visit) / months from onset to that visit.
/// Positive = points lost per month. `None` when onset is not before the visit.
pub fn delta_fs(first_total: f64, months_onset_to_visit: f64) -> Option<f64> {
    (months_onset_to_visit > 0.0).then(|| (48.0 - first_total) / months_onset_to_visit)
}

/// What a change is measured from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ChangeFrom {
    /// The subject's previous observation (first differences).
    #[default]
    Previous,
    /// The subject's first observation.
    First,
}

/// Each value's change from its subject's previous (or first) value, for values in subject then
/// time order; a subject's first observation has none.
pub fn changes(subjects: &[usize], values: &[f64], from: ChangeFrom) -> Vec<Option<f64>> {
    let mut out = Vec::with_capacity(values.len());
    for i in 0..values.len() {
        let start = i == 0 || subjects[i] != subjects[i - 1];
        if start {
            out.push(None);
            continue;
        }
        let reference = match from {
            ChangeFrom::Previous => values[i - 1],
            ChangeFrom::First => {
                let mut k = i;
                while k > 0 && subjects[k - 1] == subjects[i] {
                    k -= 1;
                }
                values[k]
            }
        };
        out.push(Some(values[i] - reference));
    }
    out
}

/// Each subject's change between two times: its value nearest `to` minus its value nearest
/// `from`, each within `tolerance` of the time asked (subjects without both are left out).
/// `series` are (subject, points in time order).
pub fn paired_changes<'a>(
    series: impl IntoIterator<Item = (usize, &'a [(f64, f64)])>,
    from: f64,
    to: f64,
    tolerance: f64,
) -> Vec<(usize, f64)> {
    let nearest = |points: &[(f64, f64)], t: f64| -> Option<f64> {
        points
            .iter()
            .filter(|(x, _)| (x - t).abs() <= tolerance)
            .min_by(|a, b| (a.0 - t).abs().total_cmp(&(b.0 - t).abs()))
            .map(|p| p.1)
    };
    series
        .into_iter()
        .filter_map(|(s, points)| Some((s, nearest(points, to)? - nearest(points, from)?)))
        .collect()
}

/// The 0.975 quantile of the standard normal (scipy `norm.ppf(0.975)`).
pub const Z_975: f64 = 1.959_963_984_540_054;

/// A mean with its normal-approximation 95% confidence interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeanCi {
    pub mean: f64,
    pub lower: f64,
    pub upper: f64,
}

/// Mean of `values` ± z₀.₉₇₅ × SE, with the standard error from the sample SD (n − 1), as scipy's
/// `norm.interval(0.95, loc=mean, scale=sem(values))`. Needs two values.
pub fn mean_ci95(values: &[f64]) -> Option<MeanCi> {
    if values.len() < 2 {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let sd = (values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let half = Z_975 * sd / n.sqrt();
    Some(MeanCi {
        mean,
        lower: mean - half,
        upper: mean + half,
    })
}

/// The y values of `points` pooled into bins of `width` centred on multiples of `width`
/// (bin index = round(x / width)), keeping bins with at least `min_count` (and two) values.
fn bins(points: impl IntoIterator<Item = (f64, f64)>, width: f64, min_count: usize) -> Vec<(i64, Vec<f64>)> {
    let mut bins: std::collections::BTreeMap<i64, Vec<f64>> = std::collections::BTreeMap::new();
    for (x, y) in points {
        if x.is_finite() && y.is_finite() {
            bins.entry((x / width).round() as i64).or_default().push(y);
        }
    }
    bins.into_iter().filter(|(_, v)| v.len() >= min_count.max(2)).collect()
}

/// A group's mean trajectory: `points` (x, y) pooled into bins of `width` centred on multiples of
/// `width`, each bin with at least `min_count` values giving (bin centre, mean, lower, upper).
pub fn binned_means(points: impl IntoIterator<Item = (f64, f64)>, width: f64, min_count: usize) -> Vec<[f64; 4]> {
    bins(points, width, min_count)
        .into_iter()
        .filter_map(|(bin, v)| {
            let ci = mean_ci95(&v)?;
            Some([bin as f64 * width, ci.mean, ci.lower, ci.upper])
        })
        .collect()
}

/// A control chart of pooled observations: per bin of `width` (as [`binned_means`]) with at
/// least `min_count` values, (bin centre, mean, sample SD with n − 1), for limits at mean ± k·SD
/// (Shewhart; q2-longitudinal's `volatility` control limits).
pub fn binned_sd(points: impl IntoIterator<Item = (f64, f64)>, width: f64, min_count: usize) -> Vec<[f64; 3]> {
    bins(points, width, min_count)
        .into_iter()
        .map(|(bin, v)| {
            let n = v.len() as f64;
            let mean = v.iter().sum::<f64>() / n;
            let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
            [bin as f64 * width, mean, sd]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_changes_take_each_subjects_nearest_values() {
        let a = [(0.0, 40.0), (3.1, 38.0), (5.9, 35.0)];
        let b = [(0.2, 45.0), (6.4, 44.0)];
        let c = [(3.0, 30.0)];
        let got = paired_changes([(0, &a[..]), (1, &b[..]), (2, &c[..])], 0.0, 6.0, 0.5);
        assert_eq!(got, [(0, -5.0), (1, -1.0)]);
    }

    #[test]
    fn control_chart_bins_give_mean_and_sample_sd() {
        let pts = [(0.1, 1.0), (-0.2, 3.0), (0.0, 5.0), (3.0, 7.0), (2.9, 7.0)];
        let bins = binned_sd(pts, 3.0, 2);
        assert_eq!(bins.len(), 2);
        assert_eq!(bins[0], [0.0, 3.0, 2.0]);
        assert_eq!(bins[1], [3.0, 7.0, 0.0]);
        assert!(binned_sd(pts, 3.0, 3).len() == 1);
    }

    #[test]
    fn changes_from_previous_and_first_restart_at_each_subject() {
        let subjects = [0, 0, 0, 1, 1];
        let values = [10.0, 12.0, 9.0, 5.0, 7.5];
        assert_eq!(
            changes(&subjects, &values, ChangeFrom::Previous),
            [None, Some(2.0), Some(-3.0), None, Some(2.5)]
        );
        assert_eq!(
            changes(&subjects, &values, ChangeFrom::First),
            [None, Some(2.0), Some(-1.0), None, Some(2.5)]
        );
    }

    #[test]
    fn ols_matches_hand_computation() {
        // y = 40 − 0.8 x exactly, plus a point off the line.
        let fit = ols([(0.0, 40.0), (3.0, 37.6), (6.0, 35.2), (9.0, 34.0)]).expect("fit");
        // x̄ = 4.5, ȳ = 36.7; Sxx = 45; Sxy = −4.5·3.3 − 1.5·0.9 + 1.5·(−1.5) + 4.5·(−2.7) = −30.6
        assert!((fit.slope - (-30.6 / 45.0)).abs() < 1e-12);
        assert!((fit.intercept - (36.7 + 4.5 * 30.6 / 45.0)).abs() < 1e-12);
        assert_eq!((fit.num_points, fit.span), (4, 9.0));
        assert_eq!(ols([(1.0, 2.0)]), None);
        assert_eq!(ols([(1.0, 2.0), (1.0, 3.0)]), None);
        assert_eq!(
            ols([(0.0, 1.0), (1.0, f64::NAN), (2.0, 3.0)]).map(|f| f.num_points),
            Some(2)
        );
    }

    #[test]
    fn delta_fs_by_hand() {
        assert_eq!(delta_fs(40.0, 16.0), Some(0.5));
        assert_eq!(delta_fs(40.0, 0.0), None);
    }
}
