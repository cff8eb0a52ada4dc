//! Σₖ op(aₖ, bₖ) for every pair of rows of a matrix, op being min (Bray–Curtis' shared
//! abundance) or product (a Gram matrix): the kernel under [`super::distance`].
//!
//! Each row i is read sparse, as its non-zero entries, and every later row j is read from
//! panels that hold [`PANEL`] rows transposed (feature by feature, the panel's rows side by
//! side). For one of row i's non-zero values x at feature k, one broadcast of x against the
//! panel's values at k updates the sums of PANEL pairs at once, vector by vector, with no
//! reduction at the end. Zeros of row i are skipped: op(0, b) is 0 for both ops when every
//! value is finite and, for min, not negative ([`Sparse::from_rows`] keeps zeros otherwise).
//! At a third non-zero this is a third of the dense pair-by-pair work; at full density, as
//! much. (`cargo bench --bench distances`, 5,000 × 2,000 at 33% non-zero, AVX-512, 2 cores:
//! Bray–Curtis 1.22 s dense, 0.55 s here.)
#![expect(
    clippy::inline_always,
    reason = "the kernels must inline into pulp's `with_simd` to be compiled with its wider instruction sets"
)]

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

/// Rows per panel: with AVX-512, four vectors of sums (eight with AVX2).
pub const PANEL: usize = 32;

/// Rows i that share one pass over the panels: each panel is read from memory once per block.
/// (Bray–Curtis at 5,000 × 2,000, measured before the panels were aligned: 64 rows per block
/// took 0.92 s, 128 0.82 s, 256 0.80 s, 512 0.76 s, 1,024 0.86 s as the blocks became too
/// few to share out between the cores.)
const ROWS_PER_BLOCK: usize = 512;

/// The term summed over the features of a pair of rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PairOp {
    /// min(a, b): Bray–Curtis' shared abundance.
    Min,
    /// a · b: the Gram matrix (Aitchison's ‖a − b‖² = ‖a‖² + ‖b‖² − 2 a·b).
    Product,
}

/// The rows of a matrix as their non-zero entries (compressed sparse rows).
pub struct Sparse {
    m: usize,
    rows: Vec<(Vec<u32>, Vec<f64>)>,
}

impl Sparse {
    /// The `n` rows `row(0)`, `row(1)`, … (`m` values each) for `op`. Zeros are left out only
    /// where op(0, b) = 0 for every b in the matrix: every value finite, and for min none
    /// negative.
    pub fn from_rows(n: usize, m: usize, op: PairOp, row: impl Fn(usize) -> Vec<f64> + Sync) -> Self {
        let plain = |v: &f64| v.is_finite() && (op == PairOp::Product || *v >= 0.0);
        let build = |skip_zeros: bool| -> Option<Vec<(Vec<u32>, Vec<f64>)>> {
            (0..n)
                .into_par_iter()
                .map(|i| {
                    let values = row(i);
                    debug_assert_eq!(values.len(), m);
                    if skip_zeros && !values.iter().all(plain) {
                        return None;
                    }
                    Some(
                        values
                            .iter()
                            .enumerate()
                            .filter(|(_, v)| !skip_zeros || **v != 0.0)
                            .map(|(k, v)| (k as u32, *v))
                            .unzip(),
                    )
                })
                .collect()
        };
        let rows = build(true).or_else(|| build(false)).expect("kept zeros always build");
        Sparse { m, rows }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row i's kept entries: their columns and values.
    pub fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let (index, value) = &self.rows[i];
        (index, value)
    }

    /// Σₖ f(a_ik, a_jk) over the columns kept in either row (a missing entry is 0): the exact
    /// sum of differences where a pair's [`upper_pair_sums`] form would cancel.
    pub fn merged_sum(&self, i: usize, j: usize, f: impl Fn(f64, f64) -> f64) -> f64 {
        let ((ia, va), (ib, vb)) = (self.row(i), self.row(j));
        let (mut p, mut q, mut sum) = (0, 0, 0.0);
        while p < ia.len() || q < ib.len() {
            let (ka, kb) = (
                ia.get(p).copied().unwrap_or(u32::MAX),
                ib.get(q).copied().unwrap_or(u32::MAX),
            );
            let (x, y) = match ka.cmp(&kb) {
                std::cmp::Ordering::Less => (va[p], 0.0),
                std::cmp::Ordering::Greater => (0.0, vb[q]),
                std::cmp::Ordering::Equal => (va[p], vb[q]),
            };
            sum += f(x, y);
            p += usize::from(ka <= kb);
            q += usize::from(kb <= ka);
        }
        sum
    }

    /// The rows in panels of [`PANEL`]: panel p holds rows pPANEL.. as `m` groups of PANEL
    /// values (column k of each row side by side), the last panel padded with zeros. The
    /// panels start at `.1`, on a 64-byte boundary, so that no vector load straddles two cache
    /// lines (measured at 5,000 × 2,000: the sums took a fifth longer with misaligned panels).
    fn panels(&self) -> (Vec<f64>, usize) {
        let size = self.m * PANEL;
        let mut panels = vec![0.0; self.len().div_ceil(PANEL) * size + 8];
        let start = panels.as_ptr().align_offset(64).min(8);
        panels[start..]
            .par_chunks_mut(size.max(1))
            .enumerate()
            .for_each(|(p, panel)| {
                for r in 0..PANEL {
                    let i = p * PANEL + r;
                    if i >= self.len() {
                        break;
                    }
                    let (index, value) = self.row(i);
                    for (k, v) in index.iter().zip(value) {
                        panel[*k as usize * PANEL + r] = *v;
                    }
                }
            });
        (panels, start)
    }
}

/// For every row i, `out[i][j - i - 1] = finish(i, j, Σₖ op(a_ik, a_jk))` for j = i+1, i+2, …
/// (`out[i]` is n − i − 1 long): blocks of rows in parallel, each against the panels from its
/// own on. Once `stop` is set, blocks not yet done are left as they were.
pub fn upper_pair_sums(
    rows: &Sparse,
    op: PairOp,
    finish: impl Fn(usize, usize, f64) -> f64 + Sync,
    stop: &AtomicBool,
    mut out: Vec<&mut [f64]>,
) {
    let n = rows.len();
    assert_eq!(out.len(), n, "one output row per row");
    let (panels, start) = rows.panels();
    let panels = &panels[start..];
    let size = rows.m * PANEL;
    out.par_chunks_mut(ROWS_PER_BLOCK).enumerate().for_each(|(b, out)| {
        let (i0, i1) = (b * ROWS_PER_BLOCK, b * ROWS_PER_BLOCK + out.len());
        let arch = pulp::Arch::new();
        let mut sums = vec![[0.0; PANEL]; i1 - i0];
        for p in i0 / PANEL..n.div_ceil(PANEL) {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            arch.dispatch(Block {
                op,
                rows,
                i: (i0, i1),
                p,
                panel: &panels[p * size..(p + 1) * size],
                sums: &mut sums,
            });
            // Finished outside the vectorised code, where `finish` inlines.
            for (i, sums) in (i0..i1).zip(&sums) {
                let first = (p * PANEL).max(i + 1);
                let last = ((p + 1) * PANEL).min(n);
                if first < last {
                    let row = &mut out[i - i0][first - i - 1..last - i - 1];
                    for (j, d) in (first..last).zip(row) {
                        *d = finish(i, j, sums[j - p * PANEL]);
                    }
                }
            }
        }
    });
}

/// Rows i0..i1 against panel p, compiled for the CPU's widest vectors: `pulp` compiles
/// `with_simd` (and what it inlines) once per instruction set and picks one at run time.
struct Block<'a> {
    op: PairOp,
    rows: &'a Sparse,
    i: (usize, usize),
    p: usize,
    panel: &'a [f64],
    /// Row i's sums against the panel's rows, at i − i0.
    sums: &'a mut [[f64; PANEL]],
}

impl pulp::WithSimd for Block<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, simd: S) {
        let lanes = std::mem::size_of::<S::f64s>() / std::mem::size_of::<f64>();
        // The number of vectors per panel row, as a constant so the sums stay in registers.
        match PANEL / lanes {
            2 => block::<S, 2>(simd, self),
            4 => block::<S, 4>(simd, self),
            8 => block::<S, 8>(simd, self),
            16 => block::<S, 16>(simd, self),
            32 => block::<S, 32>(simd, self),
            _ => block::<pulp::Scalar, PANEL>(pulp::Scalar::new(), self),
        }
    }
}

/// [`Block`] with NV vectors of S per panel row.
#[inline(always)]
fn block<S: pulp::Simd, const NV: usize>(simd: S, block: Block<'_>) {
    let Block {
        op,
        rows,
        i: (i0, i1),
        p,
        panel,
        sums: out,
    } = block;
    for i in i0..i1 {
        if (p + 1) * PANEL <= i + 1 {
            continue;
        }
        let (index, value) = rows.row(i);
        let sums = match op {
            PairOp::Min => row_sums::<S, NV>(simd, index, value, panel, |acc, x, y| {
                simd.add_f64s(acc, simd.min_f64s(x, y))
            }),
            PairOp::Product => row_sums::<S, NV>(simd, index, value, panel, |acc, x, y| simd.mul_add_e_f64s(x, y, acc)),
        };
        out[i - i0] = sums;
    }
}

/// One row's sums against a panel's PANEL rows: for each kept entry, its value broadcast
/// against the panel's row of that column, in two sets of sums (even and odd entries) so that
/// consecutive steps do not wait on each other.
#[inline(always)]
fn row_sums<S: pulp::Simd, const NV: usize>(
    simd: S,
    index: &[u32],
    value: &[f64],
    panel: &[f64],
    step: impl Fn(S::f64s, S::f64s, S::f64s) -> S::f64s,
) -> [f64; PANEL] {
    let column = |k: u32| {
        let k = k as usize * PANEL;
        &S::as_simd_f64s(&panel[k..k + PANEL]).0[..NV]
    };
    let zero = simd.splat_f64s(0.0);
    let (mut even, mut odd) = ([zero; NV], [zero; NV]);
    let (pairs, last) = (index.chunks_exact(2), value.chunks_exact(2));
    let (index_tail, value_tail) = (pairs.remainder(), last.remainder());
    for (k, v) in pairs.zip(last) {
        let (b0, b1) = (column(k[0]), column(k[1]));
        let (x0, x1) = (simd.splat_f64s(v[0]), simd.splat_f64s(v[1]));
        for q in 0..NV {
            even[q] = step(even[q], x0, b0[q]);
            odd[q] = step(odd[q], x1, b1[q]);
        }
    }
    for (k, v) in index_tail.iter().zip(value_tail) {
        let (b, x) = (column(*k), simd.splat_f64s(*v));
        for q in 0..NV {
            even[q] = step(even[q], x, b[q]);
        }
    }
    let mut sums = [0.0; PANEL];
    for (out, (e, o)) in S::as_mut_simd_f64s(&mut sums).0.iter_mut().zip(even.iter().zip(&odd)) {
        *out = simd.add_f64s(*e, *o);
    }
    sums
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `n` rows of the row-major `values` (`m` columns each) for `op`.
    fn sparse(values: &[f64], n: usize, m: usize, op: PairOp) -> Sparse {
        Sparse::from_rows(n, m, op, |i| values[i * m..(i + 1) * m].to_vec())
    }

    #[test]
    fn pair_sums_equal_the_dense_definition_with_and_without_zeros_kept() {
        let mut rng = crate::rng::Rng::new(11);
        for (n, m) in [(1, 3), (2, 1), (33, 7), (70, 40), (97, 5)] {
            for negative in [false, true] {
                let values: Vec<f64> = (0..n * m)
                    .map(|_| {
                        if rng.chance(0.5) {
                            0.0
                        } else if negative && rng.chance(0.2) {
                            -rng.range(0.0, 3.0)
                        } else {
                            rng.range(0.0, 3.0)
                        }
                    })
                    .collect();
                for op in [PairOp::Min, PairOp::Product] {
                    let rows = sparse(&values, n, m, op);
                    let mut got: Vec<Vec<f64>> = (0..n).map(|i| vec![f64::NAN; n - i - 1]).collect();
                    let out = got.iter_mut().map(Vec::as_mut_slice).collect();
                    upper_pair_sums(&rows, op, |_, _, s| s, &AtomicBool::new(false), out);
                    for i in 0..n {
                        assert_eq!(got[i].len(), n - i - 1);
                        for j in i + 1..n {
                            let (a, b) = (&values[i * m..(i + 1) * m], &values[j * m..(j + 1) * m]);
                            let want: f64 = a
                                .iter()
                                .zip(b)
                                .map(|(x, y)| if op == PairOp::Min { x.min(*y) } else { x * y })
                                .sum();
                            assert!(
                                (got[i][j - i - 1] - want).abs() <= 1e-12 * want.abs().max(1.0),
                                "{op:?} n={n} m={m} negative={negative} ({i}, {j})"
                            );
                            let diff = rows.merged_sum(i, j, |x, y| (x - y).abs());
                            let want_diff: f64 = a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum();
                            assert!((diff - want_diff).abs() <= 1e-12 * want_diff.max(1.0));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn stopped_sums_leave_every_row_as_it_was() {
        let rows = sparse(&[1.0; 80 * 3], 80, 3, PairOp::Min);
        let mut got: Vec<Vec<f64>> = (0..80).map(|i| vec![-1.0; 79 - i]).collect();
        let out = got.iter_mut().map(Vec::as_mut_slice).collect();
        upper_pair_sums(&rows, PairOp::Min, |_, _, s| s, &AtomicBool::new(true), out);
        assert!(got.iter().flatten().all(|d| *d == -1.0));
        let out = got.iter_mut().map(Vec::as_mut_slice).collect();
        upper_pair_sums(&rows, PairOp::Min, |_, _, s| s, &AtomicBool::new(false), out);
        assert!(got.iter().flatten().all(|d| *d == 3.0));
    }
}
