//! Beta-diversity results as data: a sample × sample distance matrix and a PCoA, whether the
//! metrics computed them or a file (a QIIME 2 `DistanceMatrix` or `PCoAResults` artifact, a
//! distance-matrix TSV) gave them.

use std::collections::HashMap;

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

    /// The matrix over `ids` only, in that order (`None` when one of them is missing).
    pub fn subset(&self, ids: &[&str]) -> Option<DistanceMatrix> {
        let at: HashMap<&str, usize> = self.ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
        let rows: Vec<usize> = ids.iter().map(|id| at.get(id).copied()).collect::<Option<_>>()?;
        let data = rows
            .iter()
            .flat_map(|&i| rows.iter().map(move |&j| (i, j)))
            .map(|(i, j)| self.get(i, j))
            .collect();
        Some(DistanceMatrix {
            ids: ids.iter().map(|s| (*s).to_owned()).collect(),
            data,
        })
    }
}

/// PCoA result: one row of `coordinates` per sample, `dims` columns.
#[derive(Clone, Debug, PartialEq)]
pub struct Pcoa {
    pub ids: Vec<String>,
    pub eigenvalues: Vec<f64>,
    pub proportion_explained: Vec<f64>,
    /// Row-major n × dims.
    pub coordinates: Vec<f64>,
    pub dims: usize,
    /// True when the decomposition was exact; false for the truncated solver.
    pub exact: bool,
}

impl Pcoa {
    /// Coordinate of sample `i` on axis `axis` (0-based).
    pub fn coord(&self, i: usize, axis: usize) -> f64 {
        self.coordinates[i * self.dims + axis]
    }

    /// The samples `ids` only, in that order, keeping the axes (`None` when one is missing).
    pub fn subset(&self, ids: &[&str]) -> Option<Pcoa> {
        let at: HashMap<&str, usize> = self.ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
        let rows: Vec<usize> = ids.iter().map(|id| at.get(id).copied()).collect::<Option<_>>()?;
        let coordinates = rows
            .iter()
            .flat_map(|&i| self.coordinates[i * self.dims..(i + 1) * self.dims].iter().copied())
            .collect();
        Some(Pcoa {
            ids: ids.iter().map(|s| (*s).to_owned()).collect(),
            eigenvalues: self.eigenvalues.clone(),
            proportion_explained: self.proportion_explained.clone(),
            coordinates,
            dims: self.dims,
            exact: self.exact,
        })
    }
}

/// A result that a file gave, to be shown as given rather than recomputed.
#[derive(Clone, Debug, PartialEq)]
pub struct Given<T> {
    /// The file it came from.
    pub file: String,
    pub value: T,
}
