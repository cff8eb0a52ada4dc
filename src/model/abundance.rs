//! Microbiome abundances (samples × features) and taxonomy (feature → lineage).
//!
//! Abundances are a dense sample-major matrix of plain `f64`: per-sample kernels (diversity,
//! distances) read one contiguous row, which is faster than going through a long frame.

use std::collections::HashMap;

use serde::Serialize;

/// Whether the numbers are read counts or relative abundances (fractions of 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AbundanceKind {
    Counts,
    /// Fractions summing to about 1 per sample (percentages are converted on load).
    Relative,
}

/// A samples × features matrix, stored by sample as its non-zero cells (compressed sparse
/// rows). Microbiome tables are mostly zeros (a third or less of the cells is non-zero in
/// typical 16S tables), so this holds a table in about half the memory of a dense matrix, and
/// per-sample kernels (diversity, distances) read one sample's cells contiguously.
#[derive(Clone, Debug, PartialEq)]
pub struct AbundanceTable {
    pub sample_ids: Vec<String>,
    pub feature_ids: Vec<String>,
    /// Sample `s`'s cells are `row_starts[s]..row_starts[s + 1]` of `features` and `cells`.
    row_starts: Vec<usize>,
    /// Feature of each stored cell, increasing within a sample.
    features: Vec<u32>,
    /// Value of each stored cell: every value that is not zero (NaN included).
    cells: Vec<f64>,
    pub kind: AbundanceKind,
}

impl AbundanceTable {
    /// A table from a dense samples × features matrix (`dense[s * num_features + f]`).
    pub fn new(sample_ids: Vec<String>, feature_ids: Vec<String>, dense: &[f64], kind: AbundanceKind) -> Self {
        let nf = feature_ids.len();
        assert_eq!(
            dense.len(),
            sample_ids.len() * nf,
            "a dense table has samples × features cells"
        );
        let nnz = dense.iter().filter(|v| **v != 0.0).count();
        let mut rows = SparseRows::with_capacity(sample_ids.len(), nnz);
        for row in dense.chunks(nf.max(1)).take(sample_ids.len()) {
            for (f, &v) in row.iter().enumerate() {
                rows.push(f as u32, v);
            }
            rows.end_row();
        }
        rows.finish(sample_ids, feature_ids, kind)
    }

    /// A table from its sparse rows as [`AbundanceTable::row`] gives them; `None` unless they
    /// are consistent (a start per sample and one at the end, features in range and increasing
    /// within each sample, no zero stored).
    pub fn from_sparse(
        sample_ids: Vec<String>,
        feature_ids: Vec<String>,
        row_starts: Vec<usize>,
        features: Vec<u32>,
        cells: Vec<f64>,
        kind: AbundanceKind,
    ) -> Option<Self> {
        let nf = feature_ids.len();
        let consistent = row_starts.len() == sample_ids.len() + 1
            && row_starts.first() == Some(&0)
            && row_starts.last() == Some(&cells.len())
            && features.len() == cells.len()
            && row_starts.windows(2).all(|w| {
                w[0] <= w[1]
                    && features[w[0]..w[1]].windows(2).all(|p| p[0] < p[1])
                    && features[w[0]..w[1]].last().is_none_or(|&f| (f as usize) < nf)
            })
            && cells.iter().all(|v| *v != 0.0);
        consistent.then_some(Self {
            sample_ids,
            feature_ids,
            row_starts,
            features,
            cells,
            kind,
        })
    }

    /// Row of each sample id, to join the table with the samples frame.
    pub fn sample_rows(&self) -> std::collections::HashMap<&str, usize> {
        self.sample_ids
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i))
            .collect()
    }

    pub fn num_samples(&self) -> usize {
        self.sample_ids.len()
    }

    pub fn num_features(&self) -> usize {
        self.feature_ids.len()
    }

    /// Cells stored: those that are not zero.
    pub fn num_nonzero(&self) -> usize {
        self.cells.len()
    }

    /// Every stored (non-zero) value, sample after sample.
    pub fn nonzero_cells(&self) -> &[f64] {
        &self.cells
    }

    /// One sample's non-zero cells: their features (increasing) and values.
    pub fn row(&self, s: usize) -> (&[u32], &[f64]) {
        let range = self.row_starts[s]..self.row_starts[s + 1];
        (&self.features[range.clone()], &self.cells[range])
    }

    /// One sample's abundances, in feature order (zeros included).
    pub fn sample(&self, s: usize) -> Vec<f64> {
        let mut out = vec![0.0; self.num_features()];
        self.fill_sample(s, &mut out);
        out
    }

    /// Write sample `s`'s abundances into `out` (one value per feature), zeros included.
    pub fn fill_sample(&self, s: usize, out: &mut [f64]) {
        out.fill(0.0);
        let (features, cells) = self.row(s);
        for (&f, &v) in features.iter().zip(cells) {
            out[f as usize] = v;
        }
    }

    /// The value of sample `s` for feature `f`.
    pub fn value(&self, s: usize, f: usize) -> f64 {
        let (features, cells) = self.row(s);
        features.binary_search(&(f as u32)).map_or(0.0, |i| cells[i])
    }

    /// The whole table as a dense samples × features matrix (`[s * num_features + f]`).
    pub fn to_dense(&self) -> Vec<f64> {
        let nf = self.num_features();
        let mut out = vec![0.0; self.num_samples() * nf];
        for (s, row) in out.chunks_mut(nf.max(1)).enumerate().take(self.num_samples()) {
            self.fill_sample(s, row);
        }
        out
    }

    /// Each feature's total over the samples.
    pub fn feature_totals(&self) -> Vec<f64> {
        let mut totals = vec![0.0; self.num_features()];
        for (&f, &v) in self.features.iter().zip(&self.cells) {
            totals[f as usize] += v;
        }
        totals
    }

    /// Total of one sample (its read depth for counts).
    pub fn sample_total(&self, s: usize) -> f64 {
        self.row(s).1.iter().sum()
    }

    /// Sum features into groups (e.g. genera): `group_of[f]` names the group of feature `f`.
    /// Returns the group names (first-seen order) and a new table of the same kind.
    #[must_use]
    pub fn aggregate(&self, group_of: &[String]) -> AbundanceTable {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut names: Vec<String> = Vec::new();
        let target: Vec<usize> = group_of
            .iter()
            .map(|g| {
                *index.entry(g.as_str()).or_insert_with(|| {
                    names.push(g.clone());
                    names.len() - 1
                })
            })
            .collect();
        let num_groups = names.len();
        let mut row = vec![0.0; num_groups];
        let mut touched = vec![false; num_groups];
        let mut groups: Vec<u32> = Vec::new();
        let mut rows = SparseRows::with_capacity(self.num_samples(), self.num_nonzero());
        for s in 0..self.num_samples() {
            let (fs, vs) = self.row(s);
            for (&f, &v) in fs.iter().zip(vs) {
                let g = target[f as usize];
                row[g] += v;
                if !touched[g] {
                    touched[g] = true;
                    groups.push(g as u32);
                }
            }
            groups.sort_unstable();
            for &g in &groups {
                rows.push(g, row[g as usize]);
                row[g as usize] = 0.0;
                touched[g as usize] = false;
            }
            groups.clear();
            rows.end_row();
        }
        rows.finish(self.sample_ids.clone(), names, self.kind)
    }

    /// The same table with each sample scaled to sum to 1 (all-zero samples stay zero).
    #[must_use]
    pub fn relative(&self) -> AbundanceTable {
        let mut out = self.clone();
        for w in out.row_starts.windows(2) {
            let row = &mut out.cells[w[0]..w[1]];
            let total: f64 = row.iter().sum();
            if total > 0.0 {
                for v in row.iter_mut() {
                    *v /= total;
                }
            }
        }
        out.kind = AbundanceKind::Relative;
        out.drop_zeros();
        out
    }

    /// Divide every value by `by` (percent to fractions).
    pub fn divide(&mut self, by: f64) {
        for v in &mut self.cells {
            *v /= by;
        }
        self.drop_zeros();
    }

    /// Cells that became zero (a value far below its divisor underflows) are not stored.
    fn drop_zeros(&mut self) {
        if !self.cells.contains(&0.0) {
            return;
        }
        let mut rows = SparseRows::with_capacity(self.num_samples(), self.num_nonzero());
        for s in 0..self.num_samples() {
            let (features, cells) = self.row(s);
            for (&f, &v) in features.iter().zip(cells) {
                rows.push(f, v);
            }
            rows.end_row();
        }
        (self.row_starts, self.features, self.cells) = (rows.row_starts, rows.features, rows.cells);
    }
}

/// Builds an [`AbundanceTable`] sample by sample: each sample's cells in increasing feature
/// order, then [`SparseRows::end_row`]. Zeros are skipped.
#[derive(Debug, Default)]
pub struct SparseRows {
    row_starts: Vec<usize>,
    features: Vec<u32>,
    cells: Vec<f64>,
}

impl SparseRows {
    pub fn with_capacity(num_samples: usize, num_nonzero: usize) -> Self {
        let mut row_starts = Vec::with_capacity(num_samples + 1);
        row_starts.push(0);
        Self {
            row_starts,
            features: Vec::with_capacity(num_nonzero),
            cells: Vec::with_capacity(num_nonzero),
        }
    }

    /// Add a cell to the current sample (after the cells of lower features).
    pub fn push(&mut self, feature: u32, value: f64) {
        debug_assert!(
            self.features.len() == *self.row_starts.last().unwrap_or(&0)
                || self.features.last().is_some_and(|&last| last < feature),
            "features increase within a sample"
        );
        if value != 0.0 {
            self.features.push(feature);
            self.cells.push(value);
        }
    }

    /// The current sample is complete.
    pub fn end_row(&mut self) {
        self.row_starts.push(self.cells.len());
    }

    /// The table, with a row for every sample id (samples never ended are empty).
    pub fn finish(mut self, sample_ids: Vec<String>, feature_ids: Vec<String>, kind: AbundanceKind) -> AbundanceTable {
        self.row_starts.resize(sample_ids.len() + 1, self.cells.len());
        self.row_starts.truncate(sample_ids.len() + 1);
        AbundanceTable {
            sample_ids,
            feature_ids,
            row_starts: self.row_starts,
            features: self.features,
            cells: self.cells,
            kind,
        }
    }
}

/// Taxonomic ranks, in order.
pub const RANKS: [&str; 7] = ["kingdom", "phylum", "class", "order", "family", "genus", "species"];

/// A parsed lineage: one optional name per rank (`None` = unassigned at that rank).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Lineage {
    pub ranks: [Option<String>; 7],
}

impl Lineage {
    /// The name at a rank index, or the deepest assigned name above it, marked unassigned:
    /// `Unassigned (f: Lachnospiraceae)`. Used when aggregating so nothing is lost.
    pub fn label_at(&self, rank: usize) -> String {
        if let Some(name) = self.ranks.get(rank).and_then(Option::as_ref) {
            return name.clone();
        }
        let above = self.ranks[..rank.min(7)]
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, r)| r.as_ref().map(|n| (i, n)));
        match above {
            Some((i, name)) => format!("Unassigned ({}: {name})", &RANKS[i][..1]),
            None => "Unassigned".to_owned(),
        }
    }
}

/// Feature id → lineage.
pub type Taxonomy = HashMap<String, Lineage>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregate_and_relative() {
        let t = AbundanceTable::new(
            vec!["s1".into(), "s2".into()],
            vec!["a".into(), "b".into(), "c".into()],
            &[1.0, 2.0, 3.0, 0.0, 0.0, 0.0],
            AbundanceKind::Counts,
        );
        let g = t.aggregate(&["x".into(), "y".into(), "x".into()]);
        assert_eq!(g.feature_ids, ["x", "y"]);
        assert_eq!(g.to_dense(), [4.0, 2.0, 0.0, 0.0]);
        let r = g.relative();
        assert_eq!(r.to_dense(), [4.0 / 6.0, 2.0 / 6.0, 0.0, 0.0]);
        assert_eq!(r.num_nonzero(), 2);
        // Groups that cancel to zero are not stored.
        let t = AbundanceTable::new(
            vec!["s".into()],
            vec!["a".into(), "b".into()],
            &[2.0, -2.0],
            AbundanceKind::Counts,
        );
        assert_eq!(t.aggregate(&["x".into(), "x".into()]).num_nonzero(), 0);
    }

    #[test]
    fn sparse_rows_read_as_the_dense_matrix() {
        let dense = [0.0, 5.0, 0.0, 0.0, 1.5, f64::NAN, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0];
        let ids = |p: &str, n: usize| (0..n).map(|i| format!("{p}{i}")).collect::<Vec<_>>();
        let t = AbundanceTable::new(ids("s", 3), ids("f", 4), &dense, AbundanceKind::Counts);
        assert_eq!(t.num_nonzero(), 4);
        assert_eq!(t.row(0), (&[1u32][..], &[5.0][..]));
        assert_eq!(t.row(2), (&[][..], &[][..]));
        assert_eq!(t.sample(0), [0.0, 5.0, 0.0, 0.0]);
        assert_eq!(t.value(1, 3), 2.0);
        assert_eq!(t.value(1, 2), 0.0);
        assert!(t.value(1, 1).is_nan());
        let back = t.to_dense();
        assert!(back.iter().zip(&dense).all(|(a, b)| a.to_bits() == b.to_bits()));
        assert_eq!(t.sample_total(0), 5.0);
        assert_eq!(t.feature_totals()[0], 1.5);
        assert!(t.feature_totals()[1].is_nan());
        let same = AbundanceTable::from_sparse(
            ids("s", 3),
            ids("f", 4),
            vec![0, 1, 4, 4],
            vec![1, 0, 1, 3],
            vec![5.0, 1.5, f64::NAN, 2.0],
            AbundanceKind::Counts,
        );
        assert!(same.is_some_and(|s| s.row(1).0 == [0, 1, 3]));
        // Out-of-order features, a feature out of range, a stored zero, a missing end.
        for (starts, features, cells) in [
            (vec![0, 2, 2, 2], vec![1, 0], vec![1.0, 1.0]),
            (vec![0, 1, 1, 1], vec![4], vec![1.0]),
            (vec![0, 1, 1, 1], vec![0], vec![0.0]),
            (vec![0, 1, 1], vec![0], vec![1.0]),
        ] {
            assert!(
                AbundanceTable::from_sparse(ids("s", 3), ids("f", 4), starts, features, cells, AbundanceKind::Counts)
                    .is_none()
            );
        }
    }

    #[test]
    fn unassigned_labels_keep_the_parent() {
        let mut l = Lineage::default();
        l.ranks[0] = Some("Bacteria".into());
        l.ranks[4] = Some("Lachnospiraceae".into());
        assert_eq!(l.label_at(5), "Unassigned (f: Lachnospiraceae)");
        assert_eq!(l.label_at(4), "Lachnospiraceae");
        assert_eq!(Lineage::default().label_at(5), "Unassigned");
    }
}
