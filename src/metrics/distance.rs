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

/// A symmetric distance matrix with its sample ids.
#[derive(Clone, Debug, PartialEq)]
pub struct DistanceMatrix {
    pub ids: Vec<String>,
    /// Row-major n × n.
    pub data: Vec<f64>,
}

impl DistanceMatrix {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.data[i * self.len() + j]
    }
}

/// A sample as its non-zero entries (index, value): microbiome tables are mostly zeros.
struct Sparse {
    idx: Vec<u32>,
    val: Vec<f64>,
}

fn sparse_rows(table: &AbundanceTable, transform: impl Fn(&[f64]) -> Vec<f64> + Sync) -> Vec<Sparse> {
    (0..table.num_samples())
        .into_par_iter()
        .map(|s| {
            let row = transform(table.sample(s));
            let (mut idx, mut val) = (Vec::new(), Vec::new());
            for (i, v) in row.iter().enumerate() {
                if *v != 0.0 {
                    idx.push(i as u32);
                    val.push(*v);
                }
            }
            Sparse { idx, val }
        })
        .collect()
}

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

/// All pairwise distances between the table's samples.
pub fn distance_matrix(table: &AbundanceTable, metric: BetaMetric) -> DistanceMatrix {
    let n = table.num_samples();
    let rows = match metric {
        BetaMetric::BrayCurtis => sparse_rows(table, |r| {
            let total: f64 = r.iter().sum();
            r.iter().map(|v| if total > 0.0 { v / total } else { 0.0 }).collect()
        }),
        BetaMetric::Jaccard => sparse_rows(table, |r| r.iter().map(|v| f64::from(u8::from(*v > 0.0))).collect()),
        BetaMetric::Aitchison => sparse_rows(table, robust_clr),
    };
    let sums: Vec<f64> = rows.iter().map(|r| r.val.iter().map(|v| v.abs()).sum()).collect();
    let nf = table.num_features();
    let mut data = vec![0.0; n * n];
    data.par_chunks_mut(n.max(1)).enumerate().for_each(|(i, out)| {
        // Row i dense, the others walked by their non-zeros.
        let mut dense = vec![0.0; nf];
        for (k, v) in rows[i].idx.iter().zip(&rows[i].val) {
            dense[*k as usize] = *v;
        }
        for j in 0..n {
            if i == j {
                continue;
            }
            out[j] = match metric {
                BetaMetric::BrayCurtis => {
                    let shared: f64 = rows[j]
                        .idx
                        .iter()
                        .zip(&rows[j].val)
                        .map(|(k, v)| dense[*k as usize].min(*v))
                        .sum();
                    let denom = sums[i] + sums[j];
                    if denom > 0.0 {
                        (denom - 2.0 * shared) / denom
                    } else {
                        0.0
                    }
                }
                BetaMetric::Jaccard => {
                    let both: f64 = rows[j].idx.iter().map(|k| dense[*k as usize]).sum();
                    let union = sums[i] + sums[j] - both;
                    if union > 0.0 { 1.0 - both / union } else { 0.0 }
                }
                BetaMetric::Aitchison => {
                    // ‖a − b‖² = ‖a‖² + ‖b‖² − 2 a·b
                    let dot: f64 = rows[j]
                        .idx
                        .iter()
                        .zip(&rows[j].val)
                        .map(|(k, v)| dense[*k as usize] * v)
                        .sum();
                    let na: f64 = rows[i].val.iter().map(|v| v * v).sum();
                    let nb: f64 = rows[j].val.iter().map(|v| v * v).sum();
                    (na + nb - 2.0 * dot).max(0.0).sqrt()
                }
            };
        }
    });
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
