//! Geometry of the Taxa view: every genus's CLR trend over months since baseline (random
//! intercept per subject, BH q) and its baseline abundance's Spearman correlations with the
//! per-subject clinical course.

use crate::cohort::{CohortError, Frames, TaxonCorrelations, TimeAxis, Trends, clinical_correlations, trends};

/// Rank of the Taxa view's table (genus).
pub const TAXA_RANK: usize = 5;

/// What the Taxa view draws.
#[derive(Clone, Debug, Default)]
pub struct Taxa {
    pub rank: Option<usize>,
    pub trends: Trends,
    /// Per taxon (most prevalent at baseline first), one cell per `cohort::CLINICAL` metric.
    pub correlations: Vec<TaxonCorrelations>,
}

/// The correlations (they do not depend on the grouping); trends come from [`grouped_trends`].
pub fn taxa(frames: Frames<'_>) -> Result<Taxa, CohortError> {
    let rank = Some(TAXA_RANK);
    Ok(Taxa {
        rank,
        trends: Trends::default(),
        correlations: clinical_correlations(frames, rank)?,
    })
}

/// The genera's trends for a grouping (each subjects-table row's group): `clr ~ time * group`
/// when there are several groups, `clr ~ time` otherwise.
pub fn grouped_trends(frames: Frames<'_>, group_of: &[usize], num_groups: usize) -> Result<Trends, CohortError> {
    let groups = (num_groups > 1).then_some(group_of);
    trends(frames, &TimeAxis::MonthsSinceBaseline, Some(TAXA_RANK), groups)
}
