//! Which taxa change, and which go with the disease: each taxon's CLR trend over the chosen
//! time axis (random intercept per subject, BH q), and Spearman correlations of each subject's
//! baseline abundance with per-subject clinical metrics (the "early marker" question).

use std::collections::HashMap;

use super::frames::{CohortError, Frames};
use super::time::TimeAxis;
use crate::metrics::microbiome::{at_rank, clr};
use crate::metrics::stats::{benjamini_hochberg, spearman};
use crate::metrics::trends::{MIN_PREVALENCE, TaxonTrend, taxon_trends_by_group};
use crate::model::columns as c;
use crate::model::frame::{f64s, opt_f64s, strs};
use crate::model::natural::natural_cmp;

/// The trends of every taxon at a rank, with what they were fitted on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trends {
    /// Most significant first (by q, then name); untested taxa last.
    pub taxa: Vec<TaxonTrend>,
    /// ε of the CLR (half the smallest non-zero relative abundance at the rank).
    pub pseudocount: f64,
    pub num_samples: usize,
    pub num_subjects: usize,
    /// True when fitted as `clr ~ time * group` (p tests the time × group terms).
    pub by_group: bool,
}

/// `clr ~ time` with a random intercept per subject for every taxon at `rank`, over the samples
/// with a subject and a time on `time`; with `group_of` (each subjects-table row's group) and
/// samples in at least two groups, `clr ~ time * group`, p testing the time × group terms.
pub fn trends(
    frames: Frames<'_>,
    time: &TimeAxis,
    rank: Option<usize>,
    group_of: Option<&[usize]>,
) -> Result<Trends, CohortError> {
    let Some(table) = frames.cohort.abundances() else {
        return Ok(Trends::default());
    };
    let rel = at_rank(table, frames.cohort.taxonomy(), rank).relative();
    let transformed = clr(&rel);
    let row_of = rel.sample_rows();
    let samples = strs(frames.samples, c::SAMPLE_ID)?;
    let sample_subjects = strs(frames.samples, c::SUBJECT_ID)?;
    let times = time.of_samples(frames)?;
    let subject_row: HashMap<String, usize> = strs(frames.subjects, c::SUBJECT_ID)?
        .into_iter()
        .enumerate()
        .filter_map(|(i, id)| Some((id?, i)))
        .collect();
    let mut dense: HashMap<&str, usize> = HashMap::new();
    let (mut rows, mut subject, mut at, mut group) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..samples.len() {
        let (Some(id), Some(s), Some(t)) = (samples[i].as_deref(), sample_subjects[i].as_deref(), times[i]) else {
            continue;
        };
        let Some(&r) = row_of.get(id) else { continue };
        let g = match group_of {
            Some(groups) => match subject_row.get(s).and_then(|row| groups.get(*row)) {
                Some(g) => *g,
                None => continue,
            },
            None => 0,
        };
        let next = dense.len();
        subject.push(*dense.entry(s).or_insert(next));
        rows.push(r);
        at.push(t);
        group.push(g);
    }
    // The groups with samples, renumbered from 0 (the reference) in their own order.
    let mut present: Vec<usize> = group.clone();
    present.sort_unstable();
    present.dedup();
    let group: Vec<usize> = group.iter().map(|g| present.binary_search(g).unwrap_or(0)).collect();
    let by_group = (present.len() > 1).then_some(group.as_slice());
    let nf = rel.num_features();
    let pick = |values: &[f64]| -> Vec<f64> {
        rows.iter()
            .flat_map(|&r| values[r * nf..(r + 1) * nf].iter().copied())
            .collect()
    };
    let mut taxa = taxon_trends_by_group(
        &rel.feature_ids,
        &pick(&rel.to_dense()),
        &pick(&transformed.values),
        &subject,
        &at,
        by_group,
    );
    taxa.sort_by(|a, b| {
        let key = |t: &TaxonTrend| t.q_value.unwrap_or(f64::INFINITY);
        key(a).total_cmp(&key(b)).then_with(|| natural_cmp(&a.taxon, &b.taxon))
    });
    Ok(Trends {
        taxa,
        pseudocount: transformed.pseudocount,
        num_samples: rows.len(),
        num_subjects: dense.len(),
        by_group: by_group.is_some(),
    })
}

/// Per-subject clinical metrics a baseline taxon may go with: (subjects-table column or
/// derived name, label).
pub const CLINICAL: [(&str, &str); 4] = [
    (c::ALSFRS_R_SLOPE_PER_MONTH, "ALSFRS-R slope"),
    (c::DELTA_FS, "ΔFS"),
    ("bmi_change_pct", "BMI change %"),
    (c::BASELINE_REE_RATIO, "REE ratio"),
];

/// Spearman's ρ of one taxon's baseline abundance with one clinical metric.
#[derive(Clone, Debug, PartialEq)]
pub struct Correlation {
    pub rho: f64,
    pub p_value: f64,
    /// Benjamini–Hochberg over the taxa, per clinical metric.
    pub q_value: f64,
    pub n: usize,
}

/// One taxon's correlations, one cell per [`CLINICAL`] metric (`None`: too few subjects).
pub type TaxonCorrelations = (String, Vec<Option<Correlation>>);

/// For each taxon at `rank` present at baseline in at least 10% of the subjects, its baseline
/// relative abundance (the subject's first sample) against each of [`CLINICAL`]: a row per
/// taxon (most prevalent first), a cell per metric (`None` with fewer than 4 subjects).
pub fn clinical_correlations(frames: Frames<'_>, rank: Option<usize>) -> Result<Vec<TaxonCorrelations>, CohortError> {
    let Some(table) = frames.cohort.abundances() else {
        return Ok(Vec::new());
    };
    let rel = at_rank(table, frames.cohort.taxonomy(), rank).relative();
    let nf = rel.num_features();
    let row_of = rel.sample_rows();
    // Each subject's first sample with abundances.
    let subject_ids = strs(frames.subjects, c::SUBJECT_ID)?;
    let subject_row: HashMap<&str, usize> = subject_ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| Some((id.as_deref()?, i)))
        .collect();
    let (samples, owners, days) = (
        strs(frames.samples, c::SAMPLE_ID)?,
        strs(frames.samples, c::SUBJECT_ID)?,
        f64s(frames.samples, c::DAY)?,
    );
    let mut first: Vec<Option<(f64, usize)>> = vec![None; subject_ids.len()];
    for i in 0..samples.len() {
        let (Some(id), Some(owner)) = (samples[i].as_deref(), owners[i].as_deref()) else {
            continue;
        };
        let (Some(&r), Some(&s)) = (row_of.get(id), subject_row.get(owner)) else {
            continue;
        };
        let day = days[i].unwrap_or(f64::INFINITY);
        if first[s].is_none_or(|(d, _)| day < d) {
            first[s] = Some((day, r));
        }
    }
    // The clinical metrics, per subject.
    let s = frames.subjects;
    let bmi_change: Vec<Option<f64>> = opt_f64s(s, &c::baseline(c::BMI))?
        .into_iter()
        .zip(opt_f64s(s, &c::last(c::BMI))?)
        .map(|(b, l)| Some((l? - b?) / b? * 100.0).filter(|v| v.is_finite()))
        .collect();
    let metrics: Vec<Vec<Option<f64>>> = CLINICAL
        .iter()
        .map(|(name, _)| {
            if *name == "bmi_change_pct" {
                Ok(bmi_change.clone())
            } else {
                opt_f64s(s, name)
            }
        })
        .collect::<Result<_, _>>()?;
    let with_sample: Vec<(usize, usize)> = first
        .iter()
        .enumerate()
        .filter_map(|(s, f)| Some((s, f.as_ref()?.1)))
        .collect();
    let dense = rel.to_dense();
    let mut prevalent: Vec<(usize, f64)> = (0..nf)
        .map(|f| {
            let present = with_sample.iter().filter(|(_, r)| dense[r * nf + f] > 0.0).count();
            (f, present as f64 / with_sample.len().max(1) as f64)
        })
        .filter(|(_, p)| *p >= MIN_PREVALENCE)
        .collect();
    prevalent.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then_with(|| natural_cmp(&rel.feature_ids[a.0], &rel.feature_ids[b.0]))
    });
    let mut cells: Vec<Vec<Option<Correlation>>> = vec![vec![None; CLINICAL.len()]; prevalent.len()];
    for (m, metric) in metrics.iter().enumerate() {
        let mut tested = Vec::new();
        for (k, (f, _)) in prevalent.iter().enumerate() {
            let (x, y): (Vec<f64>, Vec<f64>) = with_sample
                .iter()
                .filter_map(|(s, r)| Some((dense[r * nf + f], metric[*s]?)))
                .unzip();
            if x.len() < 4 {
                continue;
            }
            if let Some(t) = spearman(&x, &y).filter(|t| t.p_value.is_finite()) {
                tested.push((k, t.statistic, t.p_value, x.len()));
            }
        }
        let q = benjamini_hochberg(&tested.iter().map(|t| t.2).collect::<Vec<_>>());
        for ((k, rho, p, n), q) in tested.into_iter().zip(q) {
            cells[k][m] = Some(Correlation {
                rho,
                p_value: p,
                q_value: q,
                n,
            });
        }
    }
    Ok(prevalent
        .into_iter()
        .map(|(f, _)| rel.feature_ids[f].clone())
        .zip(cells)
        .collect())
}
