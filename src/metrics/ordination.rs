//! Principal coordinates analysis (PCoA) of a distance matrix, as `skbio.stats.ordination.pcoa`:
//! Gower centring of −½D², eigendecomposition, coordinates = eigenvectors × √eigenvalue.
//! Exact (cyclic Jacobi) for up to [`EXACT_MAX_SAMPLES`] samples; above that a randomized
//! subspace iteration finds the leading axes, with proportions relative to the trace.
#![expect(
    clippy::inline_always,
    reason = "the kernels must inline into pulp's `with_simd` to be compiled with its wider instruction sets"
)]

use rayon::prelude::*;

use std::sync::atomic::AtomicBool;

use super::distance::{BetaMetric, DistanceMatrix, Triangle, distance_matrix_unless, distance_triangle_unless};
use super::microbiome::at_rank;
use crate::model::Cohort;
use crate::rng::Rng;

/// Largest matrix decomposed exactly.
pub const EXACT_MAX_SAMPLES: usize = 300;

pub use crate::model::Pcoa;

/// Where an ordination's axes come from, for titles and messages.
#[derive(Clone, Debug, PartialEq)]
pub enum Basis {
    /// A PCoA a file gave (QIIME 2 `PCoAResults`), drawn as given.
    GivenPcoa(String),
    /// PCoA of a distance matrix a file gave (QIIME 2 `DistanceMatrix`, a distance TSV).
    GivenDistances(String),
    /// PCoA of distances computed from the abundance table.
    Computed(BetaMetric),
}

impl Basis {
    pub fn label(&self) -> String {
        let name = |file: &str| {
            std::path::Path::new(file)
                .file_name()
                .map_or_else(|| file.to_owned(), |n| n.to_string_lossy().into_owned())
        };
        match self {
            Basis::GivenPcoa(file) => crate::i18n::trf("PCoA as given in {file}", &[("file", &name(file))]),
            Basis::GivenDistances(file) => {
                crate::i18n::trf("PCoA of the distances given in {file}", &[("file", &name(file))])
            }
            Basis::Computed(metric) => crate::i18n::trf("PCoA of {metric}", &[("metric", metric)]),
        }
    }
}

/// The PCoA of the cohort's samples, with where it comes from. With `use_given`, a PCoA a file
/// gave comes first, then a given distance matrix, each only when it places every sample with
/// abundances (without a table: the samples it shares with the cohort, or all of its own);
/// otherwise `metric` distances computed from the table at `rank`. `None` without either.
pub fn ordinate(
    cohort: &Cohort,
    use_given: bool,
    rank: Option<usize>,
    metric: BetaMetric,
    dims: usize,
) -> Option<(Pcoa, Basis)> {
    ordinate_unless(cohort, use_given, rank, metric, dims, &AtomicBool::new(false))
}

/// As [`ordinate`], giving up (`None`) once `stop` is set while the distances are computed.
pub fn ordinate_unless(
    cohort: &Cohort,
    use_given: bool,
    rank: Option<usize>,
    metric: BetaMetric,
    dims: usize,
    stop: &AtomicBool,
) -> Option<(Pcoa, Basis)> {
    if use_given && let Some(found) = given_ordination(cohort, dims) {
        return Some(found);
    }
    let table = cohort.abundances()?;
    let ranked = at_rank(table, cohort.taxonomy(), rank);
    let ord = if ranked.num_samples() > full_matrix_max() {
        pcoa_of_triangle(&distance_triangle_unless(&ranked, metric, stop)?, dims)
    } else {
        pcoa(&distance_matrix_unless(&ranked, metric, stop)?, dims)
    };
    Some((ord, Basis::Computed(metric)))
}

/// Default of [`full_matrix_max`]: 10,000 samples make an 800 MB matrix.
pub const FULL_MATRIX_MAX: usize = 10_000;

/// The largest number of samples whose computed ordination holds the full square distance
/// matrix; above it only the triangle above the diagonal is kept ([`pcoa_of_triangle`], half
/// the memory: 1.6 GB rather than 3.2 GB at 20,000 samples). Set with the environment variable
/// `COHORT_EXPLORER_FULL_MATRIX_MAX` (the window and every command read it).
pub fn full_matrix_max() -> usize {
    std::env::var("COHORT_EXPLORER_FULL_MATRIX_MAX")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(FULL_MATRIX_MAX)
}

/// A PCoA a file gave, else the PCoA of a distance matrix a file gave — each only when it
/// places every sample with abundances (see [`ordinate`]).
pub fn given_ordination(cohort: &Cohort, dims: usize) -> Option<(Pcoa, Basis)> {
    let wanted = cohort.ordination_samples();
    let has_table = cohort.abundances().is_some();
    // The ids a given result is read over: all wanted ones, or (no table) those it shares.
    let over = |ids: &[String]| -> Vec<String> {
        if has_table {
            return wanted.iter().map(|s| (*s).to_owned()).collect();
        }
        let mine: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
        let shared: Vec<String> = wanted
            .iter()
            .filter(|w| mine.contains(*w))
            .map(|s| (*s).to_owned())
            .collect();
        if shared.len() >= 2 { shared } else { ids.to_vec() }
    };
    for given in cohort.given_ordinations() {
        let ids = over(&given.value.ids);
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        if let Some(sub) = given.value.subset(&refs) {
            return Some((truncate(sub, dims), Basis::GivenPcoa(given.file.clone())));
        }
    }
    for given in cohort.given_distances() {
        let ids = over(&given.value.ids);
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        if let Some(sub) = given.value.subset(&refs) {
            return Some((pcoa(&sub, dims), Basis::GivenDistances(given.file.clone())));
        }
    }
    None
}

/// The first `dims` axes of a PCoA.
fn truncate(ord: Pcoa, dims: usize) -> Pcoa {
    if dims >= ord.dims {
        return ord;
    }
    let coordinates = ord
        .coordinates
        .chunks(ord.dims.max(1))
        .flat_map(|row| row[..dims].iter().copied())
        .collect();
    Pcoa {
        eigenvalues: ord.eigenvalues.into_iter().take(dims).collect(),
        proportion_explained: ord.proportion_explained.into_iter().take(dims).collect(),
        coordinates,
        dims,
        ..ord
    }
}

/// Gower-centred −½D² (row-major).
fn centred(dm: &DistanceMatrix) -> Vec<f64> {
    let n = dm.len();
    let mut b: Vec<f64> = dm.data.iter().map(|d| -0.5 * d * d).collect();
    let row_means: Vec<f64> = b.chunks(n).map(|r| r.iter().sum::<f64>() / n as f64).collect();
    let grand = row_means.iter().sum::<f64>() / n as f64;
    b.par_chunks_mut(n).enumerate().for_each(|(i, row)| {
        for (j, v) in row.iter_mut().enumerate() {
            *v += grand - row_means[i] - row_means[j];
        }
    });
    b
}

/// PCoA keeping the first `dims` axes (fewer when there are fewer samples).
pub fn pcoa(dm: &DistanceMatrix, dims: usize) -> Pcoa {
    let n = dm.len();
    let dims = dims.min(n);
    if n == 0 {
        return Pcoa {
            ids: Vec::new(),
            eigenvalues: Vec::new(),
            proportion_explained: Vec::new(),
            coordinates: Vec::new(),
            dims: 0,
            exact: true,
        };
    }
    let exact = n <= EXACT_MAX_SAMPLES;
    let (values, vectors, total) = if exact {
        let (values, vectors) = jacobi_eigen(centred(dm), n);
        let total: f64 = values.iter().map(|v| v.max(0.0)).sum();
        (values, vectors, total)
    } else {
        // trace(B) = trace(−½ J D² J) = Σᵢⱼ d²ᵢⱼ / 2n (D has a zero diagonal, J is idempotent).
        let trace = dm.data.iter().map(|d| d * d).sum::<f64>() / (2.0 * n as f64);
        let (values, vectors) = subspace_eigen(|q| gower_times(n, q, |x| squares_times(dm, x)), n, dims);
        (values, vectors, trace)
    };
    axes(dm.ids.clone(), values, &vectors, total, dims, exact)
}

/// PCoA of the distances in a [`Triangle`] (always the truncated eigensolver): as [`pcoa`]
/// without ever holding the full matrix.
pub fn pcoa_of_triangle(tri: &Triangle, dims: usize) -> Pcoa {
    let n = tri.len();
    let dims = dims.min(n);
    if n <= EXACT_MAX_SAMPLES {
        let mut data = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                data[i * n + j] = tri.get(i, j);
            }
        }
        return pcoa(
            &DistanceMatrix {
                ids: tri.ids.clone(),
                data,
            },
            dims,
        );
    }
    // Each pair once above the diagonal: Σᵢⱼ d² / 2n = Σᵢ<ⱼ d² / n.
    let trace = tri.rows.iter().flatten().map(|d| d * d).sum::<f64>() / n as f64;
    let (values, vectors) = subspace_eigen(|q| gower_times(n, q, |x| triangle_squares_times(tri, x)), n, dims);
    axes(tri.ids.clone(), values, &vectors, trace, dims, false)
}

/// The first `dims` axes from eigenpairs (eigenvectors as columns of a row-major n × k
/// matrix): descending order, each scaled by √eigenvalue with the largest component positive,
/// proportions of `total`.
fn axes(ids: Vec<String>, mut values: Vec<f64>, vectors: &[f64], total: f64, dims: usize, exact: bool) -> Pcoa {
    let n = ids.len();
    // Descending order; near-zero and negative eigenvalues give zero coordinates, as in skbio.
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &c| values[c].total_cmp(&values[a]));
    let scale = values.iter().map(|v| v.abs()).fold(0.0, f64::max);
    for v in &mut values {
        if v.abs() <= 1e-8 * scale.max(1e-300) || *v < 0.0 {
            *v = 0.0;
        }
    }
    let dims = dims.min(order.len());
    let mut coordinates = vec![0.0; n * dims];
    let mut eigenvalues = Vec::with_capacity(dims);
    for (axis, &k) in order.iter().take(dims).enumerate() {
        let lambda = values[k];
        eigenvalues.push(lambda);
        let col: Vec<f64> = (0..n).map(|i| vectors[i * values.len() + k]).collect();
        // Fix the arbitrary sign: the largest component is positive.
        let sign = col
            .iter()
            .copied()
            .fold(0.0f64, |m, v| if v.abs() > m.abs() { v } else { m })
            .signum();
        for i in 0..n {
            coordinates[i * dims + axis] = col[i] * sign * lambda.sqrt();
        }
    }
    let proportion_explained = eigenvalues
        .iter()
        .map(|v| if total > 0.0 { v / total } else { 0.0 })
        .collect();
    Pcoa {
        ids,
        eigenvalues,
        proportion_explained,
        coordinates,
        dims,
        exact,
    }
}

/// All eigenvalues and eigenvectors (columns, row-major n × n) of a symmetric matrix by cyclic
/// Jacobi rotations.
pub fn jacobi_eigen(mut a: Vec<f64>, n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut v = vec![0.0; n * n];
    for i in 0..n {
        v[i * n + i] = 1.0;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * n + j].powi(2))
            .sum();
        let diag: f64 = (0..n).map(|i| a[i * n + i].powi(2)).sum();
        if off <= 1e-30 * diag.max(1e-300) {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let akp = a[k * n + p];
                    let akq = a[k * n + q];
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let apk = a[p * n + k];
                    let aqk = a[q * n + k];
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for k in 0..n {
                    let vkp = v[k * n + p];
                    let vkq = v[k * n + q];
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..n).map(|i| a[i * n + i]).collect(), v)
}

/// Leading eigenpairs of a symmetric n × n matrix, given as `times(Q)` = B·Q for a row-major
/// n × l matrix Q, by randomized subspace iteration with a Rayleigh–Ritz step (Halko,
/// Martinsson & Tropp 2011). Returns `l` pairs (l ≥ dims) with eigenvectors as columns of a
/// row-major n × l matrix.
fn subspace_eigen(times: impl Fn(&[f64]) -> Vec<f64>, n: usize, dims: usize) -> (Vec<f64>, Vec<f64>) {
    let l = (dims + 10).min(n);
    let mut rng = Rng::new(0x5EED);
    let mut q: Vec<f64> = (0..n * l).map(|_| rng.normal()).collect();
    orthonormalize(&mut q, n, l);
    for _ in 0..12 {
        q = times(&q);
        orthonormalize(&mut q, n, l);
    }
    // T = Qᵀ B Q, then rotate Q by T's eigenvectors.
    let bq = times(&q);
    let mut t = vec![0.0; l * l];
    for a in 0..l {
        for c in 0..l {
            t[a * l + c] = (0..n).map(|i| q[i * l + a] * bq[i * l + c]).sum();
        }
    }
    let (values, w) = jacobi_eigen(t, l);
    let mut vectors = vec![0.0; n * l];
    for i in 0..n {
        for k in 0..l {
            vectors[i * l + k] = (0..l).map(|a| q[i * l + a] * w[a * l + k]).sum();
        }
    }
    (values, vectors)
}

/// Columns of Q processed at once by [`SquaresTimes`] (Q's l columns padded with zeros).
const PANEL: usize = 16;

/// B·Q for PCoA's Gower-centred B = −½ J D² J (J = I − 11ᵀ/n), without forming B: centre Q's
/// columns (J Q), multiply by the squared distances (`squares_times`, given the n × [`PANEL`]
/// panel), centre the result's columns and scale by −½. Q is row-major n × l (l ≤ [`PANEL`]).
fn gower_times(n: usize, q: &[f64], squares_times: impl Fn(&[f64]) -> Vec<f64>) -> Vec<f64> {
    let l = q.len() / n.max(1);
    let centre = |x: &mut [f64], width: usize| {
        for c in 0..width {
            let mean = (0..n).map(|i| x[i * width + c]).sum::<f64>() / n as f64;
            for i in 0..n {
                x[i * width + c] -= mean;
            }
        }
    };
    let mut panel = vec![0.0; n * PANEL];
    for (row, q) in panel.chunks_mut(PANEL).zip(q.chunks(l)) {
        row[..l].copy_from_slice(q);
    }
    centre(&mut panel, PANEL);
    let mut product = squares_times(&panel);
    centre(&mut product, PANEL);
    product
        .chunks(PANEL)
        .flat_map(|row| row[..l].iter().map(|v| -0.5 * v))
        .collect()
}

/// D² X for the full matrix D (squares read as needed) and an n × [`PANEL`] panel X.
fn squares_times(dm: &DistanceMatrix, x: &[f64]) -> Vec<f64> {
    let n = dm.len();
    let mut product = vec![0.0; n * PANEL];
    let arch = pulp::Arch::new();
    product
        .par_chunks_mut(SQUARE_ROWS * PANEL)
        .enumerate()
        .for_each(|(p, out)| {
            arch.dispatch(SquaresTimes {
                d: &dm.data,
                x,
                n,
                first: p * SQUARE_ROWS,
                out,
            });
        });
    product
}

/// Rows of the triangle per task of [`triangle_squares_times`] (and columns per tile).
const TRIANGLE_BLOCK: usize = 64;

/// D² X from the triangle above D's diagonal: each stored pair serves both of its rows (row i
/// takes d²ᵢⱼ xⱼ, row j takes d²ᵢⱼ xᵢ), in tiles of [`TRIANGLE_BLOCK`] columns so the rows of the
/// product they touch stay in cache; every task adds into its own product, summed at the end.
fn triangle_squares_times(tri: &Triangle, x: &[f64]) -> Vec<f64> {
    let n = tri.len();
    let arch = pulp::Arch::new();
    (0..n.div_ceil(TRIANGLE_BLOCK))
        .into_par_iter()
        .fold(
            || vec![0.0; n * PANEL],
            |mut y, b| {
                arch.dispatch(TriangleRows {
                    rows: &tri.rows,
                    x,
                    i: (b * TRIANGLE_BLOCK, ((b + 1) * TRIANGLE_BLOCK).min(n)),
                    y: &mut y,
                });
                y
            },
        )
        .reduce(
            || vec![0.0; n * PANEL],
            |mut a, b| {
                for (a, b) in a.iter_mut().zip(&b) {
                    *a += b;
                }
                a
            },
        )
}

/// Rows i0..i1 of the triangle times the panel, added into `y` (see
/// [`triangle_squares_times`]); compiled for the CPU's widest vectors through `pulp`.
struct TriangleRows<'a> {
    rows: &'a [Vec<f64>],
    x: &'a [f64],
    i: (usize, usize),
    y: &'a mut [f64],
}

impl pulp::WithSimd for TriangleRows<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) {
        let TriangleRows {
            rows,
            x,
            i: (i0, i1),
            y,
        } = self;
        let n = rows.len();
        let panel = |v: &[f64], k: usize| -> [f64; PANEL] {
            let mut out = [0.0; PANEL];
            out.copy_from_slice(&v[k * PANEL..(k + 1) * PANEL]);
            out
        };
        for j0 in (i0 + 1..n).step_by(TRIANGLE_BLOCK) {
            let j1 = (j0 + TRIANGLE_BLOCK).min(n);
            for i in i0..i1 {
                let xi = panel(x, i);
                let mut yi = [0.0; PANEL];
                for j in (i + 1).max(j0)..j1 {
                    let d = rows[i][j - i - 1];
                    let s = d * d;
                    let xj = panel(x, j);
                    let yj = &mut y[j * PANEL..(j + 1) * PANEL];
                    for c in 0..PANEL {
                        yi[c] += s * xj[c];
                        yj[c] += s * xi[c];
                    }
                }
                for (y, v) in y[i * PANEL..(i + 1) * PANEL].iter_mut().zip(yi) {
                    *y += v;
                }
            }
        }
    }
}

/// Rows of D² taken together by [`SquaresTimes`].
const SQUARE_ROWS: usize = 4;

/// Up to [`SQUARE_ROWS`] rows of D² (each distance squared as it is read) times the n ×
/// [`PANEL`] panel X: for each k, the rows' d²ᵢₖ times X's row k, added to the rows' output
/// vectors — each loaded row of X serves every row, and the accumulators stay in registers.
/// Run with the CPU's widest vectors through `pulp` (see `distance::Tile`).
struct SquaresTimes<'a> {
    d: &'a [f64],
    x: &'a [f64],
    n: usize,
    first: usize,
    out: &'a mut [f64],
}

impl pulp::WithSimd for SquaresTimes<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, simd: S) {
        let SquaresTimes { d, x, n, first, out } = self;
        let lanes = std::mem::size_of::<S::f64s>() / std::mem::size_of::<f64>();
        let per_row = PANEL / lanes;
        let xs = S::as_simd_f64s(x).0;
        let rows = out.len() / PANEL;
        let zero = simd.splat_f64s(0.0);
        let mut acc = [[zero; PANEL]; SQUARE_ROWS];
        let d_row = |r: usize| &d[(first + r) * n..(first + r + 1) * n];
        if rows == SQUARE_ROWS {
            let (d0, d1, d2, d3) = (d_row(0), d_row(1), d_row(2), d_row(3));
            for k in 0..n {
                let s = [d0[k], d1[k], d2[k], d3[k]].map(|v| simd.splat_f64s(v * v));
                let xk = &xs[k * per_row..(k + 1) * per_row];
                for (v, xv) in xk.iter().enumerate() {
                    for r in 0..SQUARE_ROWS {
                        acc[r][v] = simd.mul_add_e_f64s(s[r], *xv, acc[r][v]);
                    }
                }
            }
        } else {
            for (r, acc) in acc.iter_mut().enumerate().take(rows) {
                let dr = d_row(r);
                for k in 0..n {
                    let s = simd.splat_f64s(dr[k] * dr[k]);
                    for (v, xv) in xs[k * per_row..(k + 1) * per_row].iter().enumerate() {
                        acc[v] = simd.mul_add_e_f64s(s, *xv, acc[v]);
                    }
                }
            }
        }
        let outs = S::as_mut_simd_f64s(out).0;
        for r in 0..rows {
            outs[r * per_row..(r + 1) * per_row].copy_from_slice(&acc[r][..per_row]);
        }
    }
}

/// Modified Gram–Schmidt, twice ("twice is enough"), on the columns of a row-major n × l
/// matrix; a column with nothing left after projection (rank-deficient input) becomes zero.
fn orthonormalize(q: &mut [f64], n: usize, l: usize) {
    for k in 0..l {
        let before = (0..n).map(|i| q[i * l + k].powi(2)).sum::<f64>().sqrt();
        for _pass in 0..2 {
            for j in 0..k {
                let dot: f64 = (0..n).map(|i| q[i * l + k] * q[i * l + j]).sum();
                for i in 0..n {
                    q[i * l + k] -= dot * q[i * l + j];
                }
            }
        }
        let norm = (0..n).map(|i| q[i * l + k].powi(2)).sum::<f64>().sqrt();
        let keep = norm > 1e-10 * before.max(1e-300);
        for i in 0..n {
            q[i * l + k] = if keep { q[i * l + k] / norm } else { 0.0 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::distance::distance_matrix;
    use super::*;

    #[test]
    fn jacobi_on_a_known_matrix() {
        // [[2, 1], [1, 2]] has eigenvalues 3 and 1.
        let (mut values, _) = jacobi_eigen(vec![2.0, 1.0, 1.0, 2.0], 2);
        values.sort_by(f64::total_cmp);
        assert!((values[0] - 1.0).abs() < 1e-12 && (values[1] - 3.0).abs() < 1e-12);
    }

    #[test]
    fn truncated_agrees_with_exact_on_leading_axes() {
        // Points on a line and a circle: distances are Euclidean, so PCoA recovers them.
        let n = 60;
        let pts: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let a = i as f64 / n as f64 * std::f64::consts::TAU;
                (3.0 * a.cos(), a.sin())
            })
            .collect();
        let mut data = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                data[i * n + j] = ((pts[i].0 - pts[j].0).powi(2) + (pts[i].1 - pts[j].1).powi(2)).sqrt();
            }
        }
        let dm = DistanceMatrix {
            ids: (0..n).map(|i| i.to_string()).collect(),
            data,
        };
        let exact = pcoa(&dm, 2);
        let (values, _) = subspace_eigen(|q| gower_times(n, q, |x| squares_times(&dm, x)), n, 2);
        let mut values = values;
        values.sort_by(|a, b| b.total_cmp(a));
        assert!((values[0] - exact.eigenvalues[0]).abs() < 1e-8 * exact.eigenvalues[0]);
        assert!((values[1] - exact.eigenvalues[1]).abs() < 1e-8 * exact.eigenvalues[0]);
        // 2-D Euclidean points: two axes explain everything.
        assert!((exact.proportion_explained.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn the_triangle_gives_the_pcoa_of_the_full_matrix() {
        // Above the exact solver's size, so both take the truncated path.
        let (n, m) = (EXACT_MAX_SAMPLES + 37, 40);
        let mut rng = Rng::new(5);
        let values: Vec<f64> = (0..n * m)
            .map(|_| {
                if rng.chance(0.5) {
                    0.0
                } else {
                    rng.range(0.0, 30.0).floor()
                }
            })
            .collect();
        let table = crate::model::AbundanceTable::new(
            (0..n).map(|i| format!("s{i}")).collect(),
            (0..m).map(|k| format!("f{k}")).collect(),
            &values,
            crate::model::AbundanceKind::Counts,
        );
        let stop = AtomicBool::new(false);
        let full = pcoa(&distance_matrix(&table, BetaMetric::BrayCurtis), 3);
        let tri = distance_triangle_unless(&table, BetaMetric::BrayCurtis, &stop).expect("not stopped");
        let half = pcoa_of_triangle(&tri, 3);
        assert_eq!(half.ids, full.ids);
        assert!(!half.exact && !full.exact);
        for (a, b) in half.eigenvalues.iter().zip(&full.eigenvalues) {
            assert!((a - b).abs() <= 1e-9 * b.abs(), "{a} vs {b}");
        }
        for (a, b) in half.proportion_explained.iter().zip(&full.proportion_explained) {
            assert!((a - b).abs() <= 1e-9, "{a} vs {b}");
        }
        for (a, b) in half.coordinates.iter().zip(&full.coordinates) {
            assert!((a - b).abs() <= 1e-7, "{a} vs {b}");
        }
    }

    #[test]
    fn truncated_axes_correlate_with_exact_ones_on_compositions() {
        // 200 compositions of 300 features with a few gradients, as microbiome data look.
        let (n, m) = (200, 300);
        let mut rng = Rng::new(11);
        let mut values = vec![0.0; n * m];
        for i in 0..n {
            let (g1, g2) = (rng.uniform(), rng.uniform());
            for k in 0..m {
                let base = ((k as f64 / m as f64) - g1).abs() * 6.0 + ((k % 7) as f64 / 7.0 - g2).abs() * 3.0;
                let mean = (-base).exp() * 200.0;
                values[i * m + k] = if rng.chance(0.35) {
                    0.0
                } else {
                    rng.poisson(mean) as f64
                };
            }
        }
        let table = crate::model::AbundanceTable::new(
            (0..n).map(|i| format!("s{i}")).collect(),
            (0..m).map(|k| format!("f{k}")).collect(),
            &values,
            crate::model::AbundanceKind::Counts,
        );
        let dm = distance_matrix(&table, BetaMetric::BrayCurtis);
        let b = centred(&dm);
        let (exact_values, exact_vectors) = jacobi_eigen(b.clone(), n);
        let (values, vectors) = subspace_eigen(|q| gower_times(n, q, |x| squares_times(&dm, x)), n, 3);
        let column = |vals: &[f64], vecs: &[f64], rank: usize| -> Vec<f64> {
            let mut order: Vec<usize> = (0..vals.len()).collect();
            order.sort_by(|&a, &c| vals[c].total_cmp(&vals[a]));
            let k = order[rank];
            (0..n).map(|i| vecs[i * vals.len() + k]).collect()
        };
        for axis in 0..3 {
            let (a, e) = (
                column(&values, &vectors, axis),
                column(&exact_values, &exact_vectors, axis),
            );
            let r = crate::metrics::stats::pearson(&a, &e).expect("r").statistic.abs();
            assert!(r >= 0.9999, "axis {}: |r| = {r}", axis + 1);
        }
    }
}
