//! Beta diversity: sample × sample distances (Bray–Curtis, Jaccard, Aitchison), matching
//! `skbio.diversity.beta_diversity` / `scipy.spatial.distance`, and within-subject distances.
#![expect(
    clippy::inline_always,
    reason = "the kernels must inline into pulp's `with_simd` to be compiled with its wider instruction sets"
)]

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::panels::{PairOp, Sparse, upper_pair_sums};
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
            BetaMetric::BrayCurtis => crate::i18n::tr("Bray-Curtis (relative abundances)"),
            BetaMetric::Jaccard => crate::i18n::tr("Jaccard (presence/absence)"),
            BetaMetric::Aitchison => crate::i18n::tr("Aitchison (robust CLR of non-zero values)"),
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
            _ => Err(crate::i18n::trf(
                "unknown metric `{s}` (bray-curtis, jaccard, aitchison)",
                &[("s", &s)],
            )),
        }
    }
}

pub use crate::model::DistanceMatrix;

/// Robust CLR of one sample: ln x − mean(ln x) over non-zero x; zeros stay 0 (DEICODE's rclr).
pub fn robust_clr(values: &[f64]) -> Vec<f64> {
    // The logs once, then the mean of the non-zero ones taken off (summed in the same order).
    let mut out: Vec<f64> = values
        .iter()
        .map(|&v| if v > 0.0 { ln_count(v) } else { 0.0 })
        .collect();
    let (mut sum, mut count) = (0.0, 0usize);
    for (l, v) in out.iter().zip(values) {
        if *v > 0.0 {
            sum += l;
            count += 1;
        }
    }
    if count > 0 {
        let mean = sum / count as f64;
        for (l, v) in out.iter_mut().zip(values) {
            if *v > 0.0 {
                *l -= mean;
            }
        }
    }
    out
}

/// Counts below this have their natural logarithm looked up ([`ln_count`]).
const SMALL_COUNTS: usize = 1 << 16;

/// ln v, looked up for whole numbers below [`SMALL_COUNTS`] (read counts mostly are): the same
/// `f64::ln` of the same number, computed once per process instead of once per cell (3.3 M
/// logarithms for a 5,000 × 2,000 Aitchison matrix).
fn ln_count(v: f64) -> f64 {
    static TABLE: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    if v < SMALL_COUNTS as f64 && v.fract() == 0.0 {
        let table = TABLE.get_or_init(|| (0..SMALL_COUNTS).map(|k| (k as f64).ln()).collect());
        table[v as usize]
    } else {
        v.ln()
    }
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
#[inline(always)]
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
    let total = a.iter().sum::<f64>() + b.iter().sum::<f64>();
    match metric {
        BetaMetric::BrayCurtis => bray_curtis(lane_sum(a, b, |x, y| if x < y { x } else { y }), total, || {
            lane_sum(a, b, |x, y| (x - y).abs())
        }),
        BetaMetric::Jaccard => {
            let both = lane_sum(a, b, |x, y| x * y);
            let union = total - both;
            if union > 0.0 { 1.0 - both / union } else { 0.0 }
        }
        BetaMetric::Aitchison => lane_sum(a, b, |x, y| (x - y) * (x - y)).sqrt(),
    }
}

/// Bray–Curtis from the shared abundance Σ min(a, b) and the sum of both samples' totals:
/// (T − 2 Σmin) / T, or, where that would cancel (below [`GUARD`]: near-identical samples, a
/// sample against itself), Σ|a − b| / T from `differences`. 0 when both samples are empty.
fn bray_curtis(shared: f64, total: f64, differences: impl FnOnce() -> f64) -> f64 {
    if total > 0.0 {
        let d = (total - 2.0 * shared) / total;
        if d < GUARD { differences() / total } else { d }
    } else {
        0.0
    }
}

/// Jaccard from presence bitsets: |a ∧ b| by popcount, |a ∨ b| from the two counts.
fn jaccard_upper(table: &AbundanceTable, n: usize, stop: &AtomicBool, out: Vec<&mut [f64]>) {
    let m = table.num_features();
    let words = m.div_ceil(64).max(1);
    let bits: Vec<u64> = (0..n)
        .into_par_iter()
        .flat_map_iter(|s| {
            let mut w = vec![0u64; words];
            let (features, values) = table.row(s);
            for (&k, v) in features.iter().zip(values) {
                if *v > 0.0 {
                    w[k as usize / 64] |= 1 << (k % 64);
                }
            }
            w
        })
        .collect();
    let counts: Vec<u32> = bits
        .chunks(words)
        .map(|w| w.iter().map(|x| x.count_ones()).sum())
        .collect();
    out.into_par_iter().enumerate().for_each(|(i, out)| {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let a = &bits[i * words..(i + 1) * words];
        pulp::Arch::new().dispatch(JaccardRow {
            a,
            i,
            bits: &bits,
            words,
            counts: &counts,
            out,
        });
    });
}

/// Row i's Jaccard distances to every later sample, with the CPU's popcount instruction (see
/// [`Tile`]).
struct JaccardRow<'a> {
    a: &'a [u64],
    i: usize,
    bits: &'a [u64],
    words: usize,
    counts: &'a [u32],
    out: &'a mut [f64],
}

impl pulp::WithSimd for JaccardRow<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) {
        let JaccardRow {
            a,
            i,
            bits,
            words,
            counts,
            out,
        } = self;
        for (j, d) in (i + 1..counts.len()).zip(out) {
            let b = &bits[j * words..(j + 1) * words];
            let both: u32 = a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum();
            let union = counts[i] + counts[j] - both;
            *d = if union > 0 {
                1.0 - f64::from(both) / f64::from(union)
            } else {
                0.0
            };
        }
    }
}

/// All pairwise distances between the table's samples: the upper triangle in parallel blocks
/// (Bray–Curtis and Aitchison in [`super::panels`] with the CPU's widest vectors; Jaccard on
/// bitsets),
/// then mirrored.
pub fn distance_matrix(table: &AbundanceTable, metric: BetaMetric) -> DistanceMatrix {
    distance_matrix_unless(table, metric, &AtomicBool::new(false)).expect("never stopped")
}

/// As [`distance_matrix`], giving up (`None`) soon after `stop` is set: the window's background
/// ordination, abandoned when another cohort is opened.
pub fn distance_matrix_unless(table: &AbundanceTable, metric: BetaMetric, stop: &AtomicBool) -> Option<DistanceMatrix> {
    let n = table.num_samples();
    let mut data = vec![0.0; n * n];
    let out = data
        .chunks_mut(n.max(1))
        .enumerate()
        .map(|(i, row)| &mut row[i + 1..])
        .collect();
    upper_triangle(table, metric, stop, out);
    if stop.load(Ordering::Relaxed) {
        return None;
    }
    mirror_upper(&mut data, n);
    Some(DistanceMatrix {
        ids: table.sample_ids.clone(),
        data,
    })
}

/// Copies the upper triangle of the n × n row-major `data` below the diagonal: blocks of rows
/// in parallel, each filled tile by tile so that the columns being read stay in cache.
fn mirror_upper(data: &mut [f64], n: usize) {
    const TILE: usize = 64;
    // Each row split at its diagonal: the part below is written, the part above is read.
    let (mut lower, mut upper) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for (j, row) in data.chunks_mut(n.max(1)).enumerate() {
        let (below, rest) = row.split_at_mut(j);
        lower.push(below);
        upper.push(&rest[1..]);
    }
    lower.par_chunks_mut(TILE).enumerate().for_each(|(b, rows)| {
        let j0 = b * TILE;
        for i0 in (0..j0 + rows.len()).step_by(TILE) {
            for (j, row) in (j0..).zip(rows.iter_mut()) {
                for i in i0..(i0 + TILE).min(j) {
                    row[i] = upper[i][j - i - 1];
                }
            }
        }
    });
}

/// The distances above the diagonal only, row by row: half the memory of the full matrix, for
/// ordinations of more samples than the full matrix should hold
/// (`ordination::full_matrix_max`).
#[derive(Clone, Debug, PartialEq)]
pub struct Triangle {
    pub ids: Vec<String>,
    /// Row i: the distances from sample i to samples i+1, i+2, ….
    pub rows: Vec<Vec<f64>>,
}

impl Triangle {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The distance between samples i and j.
    pub fn get(&self, i: usize, j: usize) -> f64 {
        match i.cmp(&j) {
            std::cmp::Ordering::Less => self.rows[i][j - i - 1],
            std::cmp::Ordering::Greater => self.rows[j][i - j - 1],
            std::cmp::Ordering::Equal => 0.0,
        }
    }
}

/// As [`distance_matrix_unless`], keeping only the [`Triangle`] above the diagonal.
pub fn distance_triangle_unless(table: &AbundanceTable, metric: BetaMetric, stop: &AtomicBool) -> Option<Triangle> {
    let n = table.num_samples();
    let mut rows: Vec<Vec<f64>> = (0..n).map(|i| vec![0.0; n - i - 1]).collect();
    upper_triangle(table, metric, stop, rows.iter_mut().map(Vec::as_mut_slice).collect());
    (!stop.load(Ordering::Relaxed)).then(|| Triangle {
        ids: table.sample_ids.clone(),
        rows,
    })
}

/// Row i's distances to samples i+1.. into `out[i]` (rows not yet done are left as they were
/// once `stop` is set). Bray–Curtis from the shared abundance Σ min(a, b) and the totals;
/// Aitchison from the Gram form ‖a‖² + ‖b‖² − 2 a·b; both summed in [`super::panels`]. Where
/// either form would cancel (near-identical samples), the pair is summed again from its
/// differences.
fn upper_triangle(table: &AbundanceTable, metric: BetaMetric, stop: &AtomicBool, out: Vec<&mut [f64]>) {
    let n = table.num_samples();
    if metric == BetaMetric::Jaccard {
        return jaccard_upper(table, n, stop, out);
    }
    let m = table.num_features();
    let op = match metric {
        BetaMetric::Aitchison => PairOp::Product,
        _ => PairOp::Min,
    };
    let rows = Sparse::from_rows(n, m, op, |s| prepare(&table.sample(s), metric));
    // Row totals (Bray–Curtis) or squared norms (Aitchison's Gram form).
    let sums: Vec<f64> = (0..n)
        .into_par_iter()
        .map(|i| {
            let (_, values) = rows.row(i);
            match metric {
                BetaMetric::Aitchison => values.iter().map(|x| x * x).sum(),
                _ => values.iter().sum(),
            }
        })
        .collect();
    let finish = |i: usize, j: usize, sum: f64| {
        let total = sums[i] + sums[j];
        if metric == BetaMetric::Aitchison {
            let d2 = total - 2.0 * sum;
            if d2 < GUARD * total {
                rows.merged_sum(i, j, |x, y| (x - y) * (x - y)).sqrt()
            } else {
                d2.sqrt()
            }
        } else {
            bray_curtis(sum, total, || rows.merged_sum(i, j, |x, y| (x - y).abs()))
        }
    };
    upper_pair_sums(&rows, op, finish, stop, out);
}

/// Distances whose form above is below this share of its scale (Bray–Curtis below 1e-3,
/// Aitchison's square below 1e-3 of ‖a‖² + ‖b‖²) are summed from the differences: there the
/// form loses digits (its relative error is about 1e-16 / share).
const GUARD: f64 = 1e-3;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AbundanceKind;

    #[test]
    fn looked_up_logarithms_are_the_logarithms() {
        for v in [1.0, 2.0, 3.0, 10.0, 65_535.0, 65_536.0, 1e6, 0.5, 2.5, 1e-300, 7.0e15] {
            assert_eq!(ln_count(v).to_bits(), v.ln().to_bits(), "{v}");
        }
    }

    #[test]
    fn hand_worked_distances() {
        let t = AbundanceTable::new(
            vec!["a".into(), "b".into()],
            vec!["x".into(), "y".into(), "z".into()],
            &[2.0, 2.0, 0.0, 1.0, 0.0, 3.0],
            AbundanceKind::Counts,
        );
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

    #[test]
    fn a_matrix_stopped_on_the_way_is_none_and_otherwise_the_same() {
        let t = AbundanceTable::new(
            (0..70).map(|i| format!("s{i}")).collect(),
            (0..5).map(|i| format!("f{i}")).collect(),
            &(0..350).map(|i| f64::from(i % 7)).collect::<Vec<_>>(),
            AbundanceKind::Counts,
        );
        for metric in [BetaMetric::BrayCurtis, BetaMetric::Jaccard, BetaMetric::Aitchison] {
            assert!(distance_matrix_unless(&t, metric, &AtomicBool::new(true)).is_none());
            assert!(distance_triangle_unless(&t, metric, &AtomicBool::new(true)).is_none());
            let dm = distance_matrix_unless(&t, metric, &AtomicBool::new(false)).expect("not stopped");
            assert_eq!(dm.data, distance_matrix(&t, metric).data);
            let triangle = distance_triangle_unless(&t, metric, &AtomicBool::new(false)).expect("not stopped");
            for i in 0..70 {
                for j in 0..70 {
                    assert_eq!(triangle.get(i, j).to_bits(), dm.get(i, j).to_bits());
                }
            }
        }
    }

    #[test]
    fn near_identical_samples_keep_their_distances_exact() {
        // The shared-abundance and Gram forms would cancel to noise here; the guard sums the
        // differences instead.
        let base: Vec<f64> = (0..40).map(|k| f64::from(k % 9 + 1) * 3.0).collect();
        let mut values = Vec::new();
        for s in 0..8 {
            values.extend(
                base.iter()
                    .enumerate()
                    .map(|(k, v)| if k == s { v * (1.0 + 1e-7) } else { *v }),
            );
        }
        let t = AbundanceTable::new(
            (0..8).map(|i| format!("s{i}")).collect(),
            (0..40).map(|k| format!("f{k}")).collect(),
            &values,
            AbundanceKind::Counts,
        );
        for metric in [BetaMetric::BrayCurtis, BetaMetric::Aitchison] {
            let dm = distance_matrix(&t, metric);
            for i in 0..8 {
                for j in (i + 1)..8 {
                    let (a, b) = (prepare(&t.sample(i), metric), prepare(&t.sample(j), metric));
                    // scipy's definitions: Σ|a − b| / Σ(a + b), and √Σ(a − b)².
                    let want = if metric == BetaMetric::BrayCurtis {
                        let diff: f64 = a.iter().zip(&b).map(|(x, y)| (x - y).abs()).sum();
                        diff / a.iter().zip(&b).map(|(x, y)| x + y).sum::<f64>()
                    } else {
                        a.iter().zip(&b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>().sqrt()
                    };
                    assert!(want > 0.0);
                    assert!(
                        (dm.get(i, j) - want).abs() <= 1e-9 * want,
                        "{metric} ({i}, {j}): {} vs {want}",
                        dm.get(i, j)
                    );
                }
            }
        }
    }

    #[test]
    fn tiled_matrix_equals_the_pairwise_definition_at_every_edge() {
        // Sizes that leave partial tiles, odd rows and a feature tail past the lanes.
        let mut rng = crate::rng::Rng::new(7);
        for (n, m) in [(1, 5), (2, 3), (3, 17), (37, 13), (70, 9), (65, 64)] {
            let values: Vec<f64> = (0..n * m)
                .map(|_| {
                    if rng.chance(0.4) {
                        0.0
                    } else {
                        rng.range(0.0, 50.0).floor()
                    }
                })
                .collect();
            let t = AbundanceTable::new(
                (0..n).map(|i| format!("s{i}")).collect(),
                (0..m).map(|k| format!("f{k}")).collect(),
                &values,
                AbundanceKind::Counts,
            );
            for metric in [BetaMetric::BrayCurtis, BetaMetric::Jaccard, BetaMetric::Aitchison] {
                let dm = distance_matrix(&t, metric);
                for i in 0..n {
                    assert_eq!(dm.get(i, i), 0.0);
                    for j in 0..n {
                        let want = pair(&prepare(&t.sample(i), metric), &prepare(&t.sample(j), metric), metric);
                        let got = dm.get(i, j);
                        assert!(
                            (got - want).abs() <= 1e-12 * want.abs().max(1.0),
                            "{metric} n={n} m={m} ({i}, {j}): {got} vs {want}"
                        );
                    }
                }
            }
        }
    }
}
