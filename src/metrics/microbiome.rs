//! Microbiome metrics over the abundance table: aggregation to a rank, relative abundance.

use crate::model::{AbundanceTable, RANKS, Taxonomy};

/// Index of a rank name (`genus` → 5), accepting `domain` for kingdom.
pub fn rank_index(name: &str) -> Option<usize> {
    let n = name.trim().to_lowercase();
    if n == "domain" {
        return Some(0);
    }
    RANKS.iter().position(|r| *r == n)
}

/// Sum features to the taxa of one rank; features unassigned at that rank are grouped as
/// `Unassigned (parent)` so no abundance is dropped. `None` keeps features as they are.
pub fn at_rank<'a>(
    table: &'a AbundanceTable,
    taxonomy: &Taxonomy,
    rank: Option<usize>,
) -> std::borrow::Cow<'a, AbundanceTable> {
    let Some(rank) = rank else {
        return std::borrow::Cow::Borrowed(table);
    };
    let labels: Vec<String> = table
        .feature_ids
        .iter()
        .map(|f| {
            taxonomy
                .get(f)
                .map_or_else(|| "Unassigned".to_owned(), |l| l.label_at(rank))
        })
        .collect();
    std::borrow::Cow::Owned(table.aggregate(&labels))
}

/// Centred log-ratios of a relative-abundance table, with the pseudocount used.
#[derive(Clone, Debug, PartialEq)]
pub struct Clr {
    /// `values[s * num_features + f]` = ln(p + ε) − mean over features of ln(p + ε).
    pub values: Vec<f64>,
    /// ε: half the smallest non-zero relative abundance in the table.
    pub pseudocount: f64,
}

/// CLR of each sample over all taxa of `rel` (relative abundances), with ε half the smallest
/// non-zero relative abundance in the table so zeros stay finite and below every observed value
/// (as q2-longitudinal's and ANCOM's pseudocount practice; Aitchison 1986 for the transform).
pub fn clr(rel: &AbundanceTable) -> Clr {
    let nf = rel.num_features().max(1);
    let smallest = rel
        .nonzero_cells()
        .iter()
        .copied()
        .filter(|v| *v > 0.0)
        .fold(f64::INFINITY, f64::min);
    let pseudocount = if smallest.is_finite() { smallest / 2.0 } else { 1.0 };
    let mut values = Vec::with_capacity(rel.num_samples() * nf);
    let mut row = vec![0.0; rel.num_features()];
    for s in 0..rel.num_samples() {
        rel.fill_sample(s, &mut row);
        let logs: Vec<f64> = row.iter().map(|p| (p + pseudocount).ln()).collect();
        let mean = logs.iter().sum::<f64>() / nf as f64;
        values.extend(logs.iter().map(|l| l - mean));
    }
    Clr { values, pseudocount }
}

/// `samples` with one column of relative abundance (fraction) per taxon at `rank`, most
/// abundant taxa first; samples without abundances get nulls.
pub fn with_relative_abundance(
    samples: &polars::prelude::DataFrame,
    cohort: &crate::model::Cohort,
    rank: Option<usize>,
) -> polars::prelude::PolarsResult<polars::prelude::DataFrame> {
    use polars::prelude::{Column, PlSmallStr};

    let Some(table) = cohort.abundances() else {
        return Ok(samples.clone());
    };
    let rel = at_rank(table, cohort.taxonomy(), rank).relative();
    let row_of = rel.sample_rows();
    let ids = crate::model::frame::strs(samples, crate::model::columns::SAMPLE_ID)?;
    let rows: Vec<Option<usize>> = ids
        .iter()
        .map(|id| id.as_deref().and_then(|id| row_of.get(id).copied()))
        .collect();
    let nf = rel.num_features();
    let dense = rel.to_dense();
    let mut totals: Vec<(usize, f64)> = (0..nf)
        .map(|f| (f, (0..rel.num_samples()).map(|s| dense[s * nf + f]).sum()))
        .collect();
    totals.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let existing: Vec<String> = samples
        .get_column_names()
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    let columns: Vec<Column> = totals
        .iter()
        .map(|&(f, _)| {
            let mut name = rel.feature_ids[f].clone();
            if existing.contains(&name) {
                name.push_str("_abundance");
            }
            let values: Vec<Option<f64>> = rows.iter().map(|r| r.map(|s| dense[s * nf + f])).collect();
            Column::new(PlSmallStr::from(name), values)
        })
        .collect();
    samples.hstack(&columns)
}
