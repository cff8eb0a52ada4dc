//! Geometry of the Composition view: relative abundance of the top genera (+ "Other") per
//! sample, samples ordered by subject then time.

use std::collections::HashMap;

use crate::metrics::microbiome::at_rank;
use crate::model::frame::{ColumnError, f64s, strs};
use crate::model::{Cohort, columns as c};

/// Rank index of genera in `model::RANKS`.
const GENUS: usize = 5;

/// Relative abundance of the top genera (+ "Other") per sample, samples ordered by subject
/// then time.
#[derive(Clone, Debug, Default)]
pub struct Composition {
    /// Top taxa by mean relative abundance, then "Other".
    pub taxa: Vec<String>,
    pub samples: Vec<CompositionSample>,
}

/// One bar of the composition view.
#[derive(Clone, Debug)]
pub struct CompositionSample {
    pub id: String,
    pub subject: Option<usize>,
    pub day: f64,
    /// Fractions aligned with `Composition::taxa`.
    pub values: Vec<f64>,
}

/// Number of taxa shown before "Other".
pub const TOP_TAXA: usize = 10;

/// The default screen's composition: the top genera.
pub fn composition(cohort: &Cohort, index: &HashMap<&str, usize>) -> Result<Composition, ColumnError> {
    composition_at(cohort, index, Some(GENUS), TOP_TAXA)
}

/// The `top` taxa at `rank` (`None`: features) by mean relative abundance, then "Other".
pub fn composition_at<S: std::hash::BuildHasher>(
    cohort: &Cohort,
    index: &HashMap<&str, usize, S>,
    rank: Option<usize>,
    top: usize,
) -> Result<Composition, ColumnError> {
    let Some(table) = cohort.abundances() else {
        return Ok(Composition::default());
    };
    let genus = at_rank(table, cohort.taxonomy(), rank).relative();
    let ns = genus.num_samples();
    let mut mean: Vec<(usize, f64)> = genus
        .feature_totals()
        .into_iter()
        .map(|total| total / ns.max(1) as f64)
        .enumerate()
        .collect();
    mean.sort_by(|a, b| b.1.total_cmp(&a.1));
    let top: Vec<usize> = mean.iter().take(top).map(|m| m.0).collect();
    let mut taxa: Vec<String> = top.iter().map(|&f| genus.feature_ids[f].clone()).collect();
    taxa.push("Other".to_owned());
    let samples_df = cohort.samples();
    let ids = strs(samples_df, c::SAMPLE_ID)?;
    let subjects = strs(samples_df, c::SUBJECT_ID)?;
    let days = f64s(samples_df, c::DAY)?;
    let meta: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| Some((id.as_deref()?, i)))
        .collect();
    let mut samples: Vec<CompositionSample> = (0..ns)
        .map(|s| {
            let row = genus.sample(s);
            let mut values: Vec<f64> = top.iter().map(|&f| row[f]).collect();
            let shown: f64 = values.iter().sum();
            values.push((row.iter().sum::<f64>() - shown).max(0.0));
            let m = meta.get(genus.sample_ids[s].as_str()).copied();
            CompositionSample {
                id: genus.sample_ids[s].clone(),
                subject: m
                    .and_then(|i| subjects[i].as_deref())
                    .and_then(|id| index.get(id).copied()),
                day: m.and_then(|i| days[i]).unwrap_or(0.0),
                values,
            }
        })
        .collect();
    samples.sort_by(|a, b| a.subject.cmp(&b.subject).then(a.day.total_cmp(&b.day)));
    Ok(Composition { taxa, samples })
}
