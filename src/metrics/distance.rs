//! Beta diversity: sample × sample distances (Bray–Curtis, Jaccard, Aitchison), matching
//! `skbio.diversity.beta_diversity` / `scipy.spatial.distance`, and within-subject distances.

use std::fmt;
use std::str::FromStr;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::AbundanceTable;

/// A beta-diversity metric.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BetaMetric {
    /// Bray–Curtis dissimilarity on relative abundances.
    #[default]
    BrayCurtis,
    /// Jaccard distance on presence/absence.
    Jaccard,
    /// Aitchison distance: Euclidean distance between robust CLR transforms (log of each
    /// non-zero value minus the mean log of the sample's non-zero values; zeros stay 0).
    Aitchison,
}

impl BetaMetric {
    pub fn label(self) -> &'static str {
        match self {
            BetaMetric::BrayCurtis => "Bray-Curtis (relative abundances)",
            BetaMetric::Jaccard => "Jaccard (presence/absence)",
            BetaMetric::Aitchison => "Aitchison (robust CLR of non-zero values)",
        }
    }
}

impl fmt::Display for BetaMetric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for BetaMetric {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_lowercase().replace(['-', '_', ' '], "").as_str() {
            "braycurtis" | "bc" => Ok(BetaMetric::BrayCurtis),
            "jaccard" => Ok(BetaMetric::Jaccard),
            "aitchison" | "rclr" => Ok(BetaMetric::Aitchison),
            _ => Err(format!("unknown metric `{s}` (bray-curtis, jaccard, aitchison)")),
        }
    }
}

pub use crate::model::DistanceMatrix;

/// Robust CLR of one sample: ln x − mean(ln x) over non-zero x; zeros stay 0 (DEICODE's rclr).
pub fn robust_clr(values: &[f64]) -> Vec<f64> {
    let logs: Vec<f64> = values.iter().filter(|v| **v > 0.0).map(|v| v.ln()).collect();
    if logs.is_empty() {
        return vec![0.0; values.len()];
    }
    let mean = logs.iter().sum::<f64>() / logs.len() as f64;
    values
        .iter()
        .map(|&v| if v > 0.0 { v.ln() - mean } else { 0.0 })
        .collect()
}

/// A sample transformed for `metric`: relative abundances, presence/absence or robust CLR.
pub fn prepare(values: &[f64], metric: BetaMetric) -> Vec<f64> {
    match metric {
        BetaMetric::BrayCurtis => {
            let total: f64 = values.iter().sum();
            values
                .iter()
                .map(|v| if total > 0.0 { v / total } else { 0.0 })
                .collect()
        }
        BetaMetric::Jaccard => values.iter().map(|v| f64::from(u8::from(*v > 0.0))).collect(),
        BetaMetric::Aitchison => robust_clr(values),
    }
}

/// Lanes of independent accumulators: floating-point sums are not reassociated by the
/// compiler, so explicit lanes are what lets these loops use SIMD.
const LANES: usize = 8;

/// Σ f(a[k], b[k]) over two equal-length slices, accumulated in [`LANES`] lanes.
#[inline]
fn lane_sum(a: &[f64], b: &[f64], f: impl Fn(f64, f64) -> f64) -> f64 {
    let mut acc = [0.0; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..LANES {
            acc[k] += f(x[k], y[k]);
        }
    }
    let tail: f64 = ra.iter().zip(rb).map(|(x, y)| f(*x, *y)).sum();
    acc.iter().sum::<f64>() + tail
}

/// Distance between two samples already [`prepare`]d for `metric`.
pub fn pair(a: &[f64], b: &[f64], metric: BetaMetric) -> f64 {
    pair_with_sums(a, b, a.iter().sum(), b.iter().sum(), metric)
}

/// [`pair`] with the row sums known (they are computed once per sample for a whole matrix).
fn pair_with_sums(a: &[f64], b: &[f64], sum_a: f64, sum_b: f64, metric: BetaMetric) -> f64 {
    let total = sum_a + sum_b;
    match metric {
        BetaMetric::BrayCurtis => {
            let shared = lane_sum(a, b, |x, y| if x < y { x } else { y });
            if total > 0.0 {
                (total - 2.0 * shared) / total
            } else {
                0.0
            }
        }
        BetaMetric::Jaccard => {
            let both = lane_sum(a, b, |x, y| x * y);
            let union = total - both;
            if union > 0.0 { 1.0 - both / union } else { 0.0 }
        }
        BetaMetric::Aitchison => lane_sum(a, b, |x, y| (x - y) * (x - y)).sqrt(),
    }
}

/// Tile size of the distance matrix: tiles of BLOCK × BLOCK samples keep both sets of rows in
/// cache; streaming every row j past every row i would move n² rows through memory.
const BLOCK: usize = 32;

/// All pairwise distances between the table's samples (upper triangle computed in parallel,
/// then mirrored).
pub fn distance_matrix(table: &AbundanceTable, metric: BetaMetric) -> DistanceMatrix {
    let n = table.num_samples();
    let rows: Vec<Vec<f64>> = (0..n)
        .into_par_iter()
        .map(|s| prepare(table.sample(s), metric))
        .collect();
    let sums: Vec<f64> = rows.iter().map(|r| r.iter().sum()).collect();
    let upper: Vec<Vec<f64>> = (0..n.div_ceil(BLOCK))
        .into_par_iter()
        .flat_map_iter(|b| {
            let (i0, i1) = (b * BLOCK, ((b + 1) * BLOCK).min(n));
            let mut out: Vec<Vec<f64>> = (i0..i1).map(|i| vec![0.0; n - i - 1]).collect();
            for j0 in (i0..n).step_by(BLOCK) {
                let j1 = (j0 + BLOCK).min(n);
                for i in i0..i1 {
                    for j in (i + 1).max(j0)..j1 {
                        out[i - i0][j - i - 1] = pair_with_sums(&rows[i], &rows[j], sums[i], sums[j], metric);
                    }
                }
            }
            out
        })
        .collect();
    let mut data = vec![0.0; n * n];
    for (i, row) in upper.iter().enumerate() {
        for (k, d) in row.iter().enumerate() {
            let j = i + 1 + k;
            data[i * n + j] = *d;
            data[j * n + i] = *d;
        }
    }
    DistanceMatrix {
        ids: table.sample_ids.clone(),
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AbundanceKind;

    #[test]
    fn hand_worked_distances() {
        let t = AbundanceTable {
            sample_ids: vec!["a".into(), "b".into()],
            feature_ids: vec!["x".into(), "y".into(), "z".into()],
            values: vec![2.0, 2.0, 0.0, 1.0, 0.0, 3.0],
            kind: AbundanceKind::Counts,
        };
        // Relative: a = (.5, .5, 0), b = (.25, 0, .75): BC = 1 − min-sum = 1 − .25.
        let bc = distance_matrix(&t, BetaMetric::BrayCurtis);
        assert!((bc.get(0, 1) - 0.75).abs() < 1e-12);
        assert_eq!(bc.get(0, 1), bc.get(1, 0));
        // Jaccard: shared {x}, union {x, y, z}.
        assert!((distance_matrix(&t, BetaMetric::Jaccard).get(0, 1) - 2.0 / 3.0).abs() < 1e-12);
        // rclr a = (0, 0, 0); b = (ln1 − m, 0, ln3 − m), m = ln3/2.
        let d = distance_matrix(&t, BetaMetric::Aitchison).get(0, 1);
        let m = 3f64.ln() / 2.0;
        assert!((d - (m * m + (3f64.ln() - m).powi(2)).sqrt()).abs() < 1e-12);
        assert_eq!("bray_curtis".parse::<BetaMetric>(), Ok(BetaMetric::BrayCurtis));
    }
}
