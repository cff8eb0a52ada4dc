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

/// A samples × features matrix.
#[derive(Clone, Debug, PartialEq)]
pub struct AbundanceTable {
    pub sample_ids: Vec<String>,
    pub feature_ids: Vec<String>,
    /// `values[s * num_features + f]`.
    pub values: Vec<f64>,
    pub kind: AbundanceKind,
}

impl AbundanceTable {
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

    /// One sample's abundances, in feature order.
    pub fn sample(&self, s: usize) -> &[f64] {
        let n = self.num_features();
        &self.values[s * n..(s + 1) * n]
    }

    /// Total of one sample (its read depth for counts).
    pub fn sample_total(&self, s: usize) -> f64 {
        self.sample(s).iter().sum()
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
        let mut values = vec![0.0; self.num_samples() * num_groups];
        for s in 0..self.num_samples() {
            let row = &mut values[s * num_groups..(s + 1) * num_groups];
            for (f, v) in self.sample(s).iter().enumerate() {
                row[target[f]] += v;
            }
        }
        AbundanceTable {
            sample_ids: self.sample_ids.clone(),
            feature_ids: names,
            values,
            kind: self.kind,
        }
    }

    /// The same table with each sample scaled to sum to 1 (all-zero samples stay zero).
    #[must_use]
    pub fn relative(&self) -> AbundanceTable {
        let n = self.num_features();
        let mut values = self.values.clone();
        for row in values.chunks_mut(n.max(1)) {
            let total: f64 = row.iter().sum();
            if total > 0.0 {
                for v in row.iter_mut() {
                    *v /= total;
                }
            }
        }
        AbundanceTable {
            values,
            kind: AbundanceKind::Relative,
            ..self.clone()
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
        let t = AbundanceTable {
            sample_ids: vec!["s1".into(), "s2".into()],
            feature_ids: vec!["a".into(), "b".into(), "c".into()],
            values: vec![1.0, 2.0, 3.0, 0.0, 0.0, 0.0],
            kind: AbundanceKind::Counts,
        };
        let g = t.aggregate(&["x".into(), "y".into(), "x".into()]);
        assert_eq!(g.feature_ids, ["x", "y"]);
        assert_eq!(g.values, [4.0, 2.0, 0.0, 0.0]);
        let r = g.relative();
        assert_eq!(r.values, [4.0 / 6.0, 2.0 / 6.0, 0.0, 0.0]);
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
