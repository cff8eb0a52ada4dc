//! Geometry of the Ordination view: each sample's place on the first two PCoA axes, with its
//! subject and day. A PCoA or distance matrix the inputs give (QIIME 2 artifacts) is drawn as
//! given when it places every sample; otherwise Bray–Curtis distances are computed — the
//! slowest geometry of a load, so the window builds it after the first screen (see
//! [`super::Derived::ordination_pending`]).

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;

use polars::prelude::PolarsError;

use crate::metrics::distance::BetaMetric;
use crate::metrics::ordination::ordinate_unless;
use crate::metrics::tables::ordination_table;
use crate::model::frame::{f64s, strs};
use crate::model::{Cohort, columns as c};

/// A sample in the ordination plane.
#[derive(Clone, Copy, Debug)]
pub struct OrdinationPoint {
    pub subject: Option<usize>,
    /// Row of the sample in the derived samples table (for colouring by its columns).
    pub sample_row: Option<usize>,
    pub day: f64,
    pub x: f64,
    pub y: f64,
}

/// The PCoA plane of the samples (none without abundances or with fewer than two axes).
#[derive(Clone, Debug, Default)]
pub struct Ordination {
    pub points: Vec<OrdinationPoint>,
    /// Percent explained by the two plotted axes.
    pub explained: [f64; 2],
    /// Where the axes come from, for the view's caption.
    pub basis: String,
}

/// The plane, or an empty one when there is nothing to ordinate or `stop` was set on the way.
pub fn ordination(
    cohort: &Cohort,
    samples: &polars::prelude::DataFrame,
    index: &HashMap<&str, usize>,
    stop: &AtomicBool,
) -> Result<Ordination, PolarsError> {
    let Some((ord, basis)) = ordinate_unless(cohort, true, None, BetaMetric::BrayCurtis, 2, stop) else {
        return Ok(Ordination::default());
    };
    let df = ordination_table(cohort, &ord)?;
    if ord.dims < 2 {
        return Ok(Ordination::default());
    }
    let subjects = strs(&df, c::SUBJECT_ID)?;
    let days = f64s(&df, c::DAY)?;
    let ids = strs(&df, c::SAMPLE_ID)?;
    let row_of: HashMap<String, usize> = strs(samples, c::SAMPLE_ID)?
        .into_iter()
        .enumerate()
        .filter_map(|(i, id)| Some((id?, i)))
        .collect();
    let points = (0..df.height())
        .map(|i| OrdinationPoint {
            subject: subjects[i].as_deref().and_then(|s| index.get(s).copied()),
            sample_row: ids[i].as_ref().and_then(|id| row_of.get(id).copied()),
            day: days[i].unwrap_or(0.0),
            x: ord.coord(i, 0),
            y: ord.coord(i, 1),
        })
        .collect();
    Ok(Ordination {
        points,
        explained: [ord.proportion_explained[0] * 100.0, ord.proportion_explained[1] * 100.0],
        basis: basis.label(),
    })
}
