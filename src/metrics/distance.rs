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
    pair_with_sums(a, b, a.iter().sum(), b.iter().sum(), metric)
}

/// [`pair`] with the row sums known (they are computed once per sample for a whole matrix).
fn pair_with_sums(a: &[f64], b: &[f64], sum_a: f64, sum_b: f64, metric: BetaMetric) -> f64 {
    let total = sum_a + sum_b;
    match metric {
        BetaMetric::BrayCurtis => {
            let shared = lane_sum(a, b, |x, y| if x < y { x } else { y });
            if total > 0.0 {
                // Never below 0 by rounding (a sample against itself).
                ((total - 2.0 * shared) / total).max(0.0)
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
/// cache (2 × 32 rows of 2,000 features is 1 MB); streaming every row j past every row i would
/// move n² rows through memory.
const BLOCK: usize = 32;

/// The metric's sum for one pair of prepared rows (Σ min, or Σ squared difference).
#[inline(always)]
fn kernel_sum(metric: BetaMetric, a: &[f64], b: &[f64]) -> f64 {
    match metric {
        BetaMetric::Aitchison => lane_sum(a, b, |x, y| (x - y) * (x - y)),
        _ => lane_sum(a, b, |x, y| if x < y { x } else { y }),
    }
}

/// The distance from a pair's sum: Bray–Curtis from Σ min and the row totals, Aitchison from
/// Σ squared difference.
#[inline(always)]
fn finish(metric: BetaMetric, sum: f64, total_a: f64, total_b: f64) -> f64 {
    let total = total_a + total_b;
    if metric == BetaMetric::Aitchison {
        sum.sqrt()
    } else if total > 0.0 {
        ((total - 2.0 * sum) / total).max(0.0)
    } else {
        0.0
    }
}

/// One tile of the upper triangle (rows i0..i1 against columns j0..j1), written to
/// `out[i - i0][j - i - 1]` for j > i: four rows against four columns at a time
/// ([`block_step`]; Aitchison as ‖a‖² + ‖b‖² − 2 a·b), pairs at a ragged edge one at a time.
/// (Measured on 5,000 × 2,000 with AVX-512: the kernel is bound by its vector operations, two
/// per Bray–Curtis term, and by the second-level cache's bandwidth for the Gram form; passes
/// over chunks of features, with or without packing the chunks, were slower.)
#[inline(always)]
fn dense_tile<S: pulp::Simd>(simd: S, tile: Tile<'_>) {
    let Tile {
        metric,
        rows,
        m,
        sums,
        i: (i0, i1),
        j: (j0, j1),
        out,
    } = tile;
    let row = |i: usize| &rows[i * m..(i + 1) * m];
    let mut put = |i: usize, j: usize, sum: f64| {
        if j > i {
            out[i - i0][j - i - 1] = finish(metric, sum, sums[i], sums[j]);
        }
    };
    // Whole blocks with a pair above the diagonal; the rest pair by pair.
    let mut blocks = Vec::new();
    for i in (i0..i1).step_by(MICRO) {
        for j in (j0..j1).step_by(MICRO) {
            if j + MICRO <= i + 1 {
                continue;
            }
            if i + MICRO <= i1 && j + MICRO <= j1 {
                blocks.push((i, j));
            } else {
                for ii in i..(i + MICRO).min(i1) {
                    for jj in (j..(j + MICRO).min(j1)).filter(|jj| *jj > ii) {
                        put(ii, jj, kernel_sum(metric, row(ii), row(jj)));
                    }
                }
            }
        }
    }
    let lanes = std::mem::size_of::<S::f64s>() / std::mem::size_of::<f64>();
    let vectors = m - m % lanes;
    let zero = simd.splat_f64s(0.0);
    let mut acc = vec![[[zero; MICRO]; MICRO]; blocks.len()];
    let part = |i: usize| &rows[i * m..i * m + vectors];
    for (acc, &(i, j)) in acc.iter_mut().zip(&blocks) {
        let a = [part(i), part(i + 1), part(i + 2), part(i + 3)];
        let b = [part(j), part(j + 1), part(j + 2), part(j + 3)];
        match metric {
            // Σ a·b (the Gram matrix): one multiply-add per term.
            BetaMetric::Aitchison => block_step::<S>(acc, a, b, |acc, x, y| simd.mul_add_e_f64s(x, y, acc)),
            _ => block_step::<S>(acc, a, b, |acc, x, y| simd.add_f64s(acc, simd.min_f64s(x, y))),
        }
    }
    let term = |x: f64, y: f64| match metric {
        BetaMetric::Aitchison => x * y,
        _ => x.min(y),
    };
    for (acc, &(i, j)) in acc.iter().zip(&blocks) {
        for (p, acc) in acc.iter().enumerate() {
            for (q, acc) in acc.iter().enumerate() {
                let (i, j) = (i + p, j + q);
                let (a, b) = (row(i), row(j));
                let tail: f64 = a[vectors..].iter().zip(&b[vectors..]).map(|(x, y)| term(*x, *y)).sum();
                let sum = simd.reduce_sum_f64s(*acc) + tail;
                if metric == BetaMetric::Aitchison {
                    // ‖a − b‖² = ‖a‖² + ‖b‖² − 2 a·b, unless that cancels (near-identical
                    // samples): then the squared differences themselves.
                    let norms = sums[i] + sums[j];
                    let d2 = norms - 2.0 * sum;
                    let d2 = if d2 < GRAM_GUARD * norms {
                        kernel_sum(metric, a, b)
                    } else {
                        d2
                    };
                    put(i, j, d2);
                } else {
                    put(i, j, sum);
                }
            }
        }
    }
}

/// Aitchison distances whose square is below this share of ‖a‖² + ‖b‖² are summed from the
/// differences: there the Gram form loses digits (its relative error is about 1e-16 / share).
const GRAM_GUARD: f64 = 1e-3;

/// Rows per side of [`block_step`].
const MICRO: usize = 4;

/// Add the metric's terms for four rows `a` against four rows `b` (16 pairs) to their vector
/// accumulators: each loaded vector serves four pairs (half a load per term; pair by pair
/// needs two), and the 16 accumulators stay in registers. The rows are whole vectors long.
#[inline(always)]
fn block_step<S: pulp::Simd>(
    acc: &mut [[S::f64s; MICRO]; MICRO],
    a: [&[f64]; MICRO],
    b: [&[f64]; MICRO],
    step: impl Fn(S::f64s, S::f64s, S::f64s) -> S::f64s,
) {
    let (av, bv) = (a.map(|r| S::as_simd_f64s(r).0), b.map(|r| S::as_simd_f64s(r).0));
    let n = av[0].len();
    let (a0, a1, a2, a3) = (&av[0][..n], &av[1][..n], &av[2][..n], &av[3][..n]);
    let (b0, b1, b2, b3) = (&bv[0][..n], &bv[1][..n], &bv[2][..n], &bv[3][..n]);
    let mut r = *acc;
    for k in 0..n {
        let x = [a0[k], a1[k], a2[k], a3[k]];
        let y = [b0[k], b1[k], b2[k], b3[k]];
        for p in 0..MICRO {
            for q in 0..MICRO {
                r[p][q] = step(r[p][q], x[p], y[q]);
            }
        }
    }
    *acc = r;
}

/// A [`dense_tile`] to run with the CPU's widest vectors: `pulp` compiles `with_simd` (and what
/// it inlines) once per instruction set and picks one at run time. (A closure given to
/// `dispatch` is not inlined into the vectorised context; a `WithSimd` type is.)
struct Tile<'a> {
    metric: BetaMetric,
    rows: &'a [f64],
    m: usize,
    sums: &'a [f64],
    i: (usize, usize),
    j: (usize, usize),
    out: &'a mut [Vec<f64>],
}

impl pulp::WithSimd for Tile<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, simd: S) {
        dense_tile(simd, self);
    }
}

/// Jaccard from presence bitsets: |a ∧ b| by popcount, |a ∨ b| from the two counts.
fn jaccard_upper(table: &AbundanceTable, n: usize, stop: &AtomicBool) -> Vec<Vec<f64>> {
    let m = table.num_features();
    let words = m.div_ceil(64).max(1);
    let bits: Vec<u64> = (0..n)
        .into_par_iter()
        .flat_map_iter(|s| {
            let mut w = vec![0u64; words];
            for (k, v) in table.sample(s).iter().enumerate() {
                if *v > 0.0 {
                    w[k / 64] |= 1 << (k % 64);
                }
            }
            w
        })
        .collect();
    let counts: Vec<u32> = bits
        .chunks(words)
        .map(|w| w.iter().map(|x| x.count_ones()).sum())
        .collect();
    (0..n)
        .into_par_iter()
        .map(|i| {
            if stop.load(Ordering::Relaxed) {
                return Vec::new();
            }
            let a = &bits[i * words..(i + 1) * words];
            pulp::Arch::new().dispatch(JaccardRow {
                a,
                i,
                bits: &bits,
                words,
                counts: &counts,
            })
        })
        .collect()
}

/// Row i's Jaccard distances to every later sample, with the CPU's popcount instruction (see
/// [`Tile`]).
struct JaccardRow<'a> {
    a: &'a [u64],
    i: usize,
    bits: &'a [u64],
    words: usize,
    counts: &'a [u32],
}

impl pulp::WithSimd for JaccardRow<'_> {
    type Output = Vec<f64>;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) -> Vec<f64> {
        let JaccardRow {
            a,
            i,
            bits,
            words,
            counts,
        } = self;
        let n = counts.len();
        (i + 1..n)
            .map(|j| {
                let b = &bits[j * words..(j + 1) * words];
                let both: u32 = a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum();
                let union = counts[i] + counts[j] - both;
                if union > 0 {
                    1.0 - f64::from(both) / f64::from(union)
                } else {
                    0.0
                }
            })
            .collect()
    }
}

/// All pairwise distances between the table's samples: the upper triangle in parallel tiles
/// (Bray–Curtis and Aitchison on the prepared rows with the CPU's widest vectors; Jaccard on
/// bitsets), then mirrored.
pub fn distance_matrix(table: &AbundanceTable, metric: BetaMetric) -> DistanceMatrix {
    let upper = upper_triangle(table, metric, &AtomicBool::new(false));
    mirrored(table, &upper)
}

/// As [`distance_matrix`], giving up (`None`) soon after `stop` is set: the window's background
/// ordination, abandoned when another cohort is opened.
pub fn distance_matrix_unless(table: &AbundanceTable, metric: BetaMetric, stop: &AtomicBool) -> Option<DistanceMatrix> {
    let upper = upper_triangle(table, metric, stop);
    (!stop.load(Ordering::Relaxed)).then(|| mirrored(table, &upper))
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
    let rows = upper_triangle(table, metric, stop);
    (!stop.load(Ordering::Relaxed)).then(|| Triangle {
        ids: table.sample_ids.clone(),
        rows,
    })
}

/// Row i's distances to samples i+1.. (rows left empty once `stop` is set).
fn upper_triangle(table: &AbundanceTable, metric: BetaMetric, stop: &AtomicBool) -> Vec<Vec<f64>> {
    let n = table.num_samples();
    if metric == BetaMetric::Jaccard {
        return jaccard_upper(table, n, stop);
    }
    let m = table.num_features();
    let rows: Vec<f64> = (0..n)
        .into_par_iter()
        .flat_map_iter(|s| prepare(table.sample(s), metric))
        .collect();
    // Row totals (Bray–Curtis) or squared norms (Aitchison's Gram form).
    let sums: Vec<f64> = rows
        .chunks(m.max(1))
        .map(|r| match metric {
            BetaMetric::Aitchison => r.iter().map(|x| x * x).sum(),
            _ => r.iter().sum(),
        })
        .collect();
    (0..n.div_ceil(BLOCK))
        .into_par_iter()
        .flat_map_iter(|b| {
            let (i0, i1) = (b * BLOCK, ((b + 1) * BLOCK).min(n));
            if stop.load(Ordering::Relaxed) {
                return vec![Vec::new(); i1 - i0];
            }
            let mut out: Vec<Vec<f64>> = (i0..i1).map(|i| vec![0.0; n - i - 1]).collect();
            let arch = pulp::Arch::new();
            for j0 in (i0..n).step_by(BLOCK) {
                let j1 = (j0 + BLOCK).min(n);
                arch.dispatch(Tile {
                    metric,
                    rows: &rows,
                    m,
                    sums: &sums,
                    i: (i0, i1),
                    j: (j0, j1),
                    out: &mut out,
                });
            }
            out
        })
        .collect()
}

/// The full symmetric matrix from its upper triangle.
fn mirrored(table: &AbundanceTable, upper: &[Vec<f64>]) -> DistanceMatrix {
    let n = table.num_samples();
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

    #[test]
    fn a_matrix_stopped_on_the_way_is_none_and_otherwise_the_same() {
        let t = AbundanceTable {
            sample_ids: (0..70).map(|i| format!("s{i}")).collect(),
            feature_ids: (0..5).map(|i| format!("f{i}")).collect(),
            values: (0..350).map(|i| f64::from(i % 7)).collect(),
            kind: AbundanceKind::Counts,
        };
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
    fn near_identical_samples_keep_their_aitchison_distance_exact() {
        // The Gram form would cancel to noise here; the guard sums the differences instead.
        let base: Vec<f64> = (0..40).map(|k| f64::from(k % 9 + 1) * 3.0).collect();
        let mut values = Vec::new();
        for s in 0..8 {
            values.extend(
                base.iter()
                    .enumerate()
                    .map(|(k, v)| if k == s { v * (1.0 + 1e-7) } else { *v }),
            );
        }
        let t = AbundanceTable {
            sample_ids: (0..8).map(|i| format!("s{i}")).collect(),
            feature_ids: (0..40).map(|k| format!("f{k}")).collect(),
            values,
            kind: AbundanceKind::Counts,
        };
        let dm = distance_matrix(&t, BetaMetric::Aitchison);
        let metric = BetaMetric::Aitchison;
        for i in 0..8 {
            for j in (i + 1)..8 {
                let want = pair(&prepare(t.sample(i), metric), &prepare(t.sample(j), metric), metric);
                assert!(want > 0.0);
                assert!(
                    (dm.get(i, j) - want).abs() <= 1e-9 * want,
                    "({i}, {j}): {} vs {want}",
                    dm.get(i, j)
                );
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
            let t = AbundanceTable {
                sample_ids: (0..n).map(|i| format!("s{i}")).collect(),
                feature_ids: (0..m).map(|k| format!("f{k}")).collect(),
                values,
                kind: AbundanceKind::Counts,
            };
            for metric in [BetaMetric::BrayCurtis, BetaMetric::Jaccard, BetaMetric::Aitchison] {
                let dm = distance_matrix(&t, metric);
                for i in 0..n {
                    assert_eq!(dm.get(i, i), 0.0);
                    for j in 0..n {
                        let want = pair(&prepare(t.sample(i), metric), &prepare(t.sample(j), metric), metric);
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
