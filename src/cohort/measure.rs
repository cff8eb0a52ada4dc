//! Measures followed over time: any numeric visit column (ALSFRS-R, BMI, neurofilament light,
//! …), any numeric sample column (Shannon, F/B, distance from baseline, …), or a taxon's
//! relative abundance (`taxon:NAME`) or CLR (`clr:NAME`) at a rank, and the observations of one
//! measure: subject, visit or sample, time and value.

use crate::model::hash::HashMap;

use polars::prelude::{DataFrame, DataType};

use super::frames::{CohortError, Frames};
use super::time::TimeAxis;
use crate::metrics::microbiome::{at_rank, clr};
use crate::model::columns as c;
use crate::model::frame::{f64s, str_refs, strs};
use crate::model::natural::natural_cmp;

/// Sample columns that place or link a sample rather than measure it.
const SAMPLE_NOT_MEASURES: [&str; 4] = [c::DAY, c::LINKED_VISIT_NUMBER, c::LINK_GAP_DAYS, c::READ_DEPTH];

/// A measure, as `--measure` names it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum MeasureRef {
    /// A numeric column of the visits table.
    Visit(String),
    /// A numeric column of the samples table.
    Sample(String),
    /// A taxon at the rank in force: relative abundance, or its CLR.
    Taxon { name: String, clr: bool },
}

impl MeasureRef {
    /// Read `spec`: `taxon:NAME`, `clr:NAME`, or a visit or sample column.
    pub fn parse(spec: &str, frames: Frames<'_>) -> Result<Self, CohortError> {
        let spec = spec.trim();
        for (prefix, is_clr) in [("taxon:", false), ("clr:", true)] {
            if let Some(name) = spec.strip_prefix(prefix) {
                return Ok(MeasureRef::Taxon {
                    name: name.trim().to_owned(),
                    clr: is_clr,
                });
            }
        }
        if visit_measures(frames.visits).iter().any(|m| m == spec) {
            return Ok(MeasureRef::Visit(spec.to_owned()));
        }
        if sample_measures(frames.samples).iter().any(|m| m == spec) {
            return Ok(MeasureRef::Sample(spec.to_owned()));
        }
        let mut available = visit_measures(frames.visits);
        available.extend(sample_measures(frames.samples));
        available.push("taxon:NAME".to_owned());
        available.push("clr:NAME".to_owned());
        Err(CohortError::UnknownColumn {
            purpose: crate::i18n::tr("follow as a measure"),
            column: spec.to_owned(),
            available,
        })
    }

    /// How the measure is named in tables and titles.
    pub fn label(&self) -> String {
        match self {
            MeasureRef::Visit(name) | MeasureRef::Sample(name) => name.clone(),
            MeasureRef::Taxon { name, clr: false } => format!("taxon:{name}"),
            MeasureRef::Taxon { name, clr: true } => format!("clr:{name}"),
        }
    }

    /// True when observations are samples (not visits).
    pub fn is_per_sample(&self) -> bool {
        !matches!(self, MeasureRef::Visit(_))
    }
}

/// Every measure of the cohort a trajectory can follow: numeric visit columns, then numeric
/// sample columns.
pub fn measure_choices(frames: Frames<'_>) -> Vec<MeasureRef> {
    let mut out: Vec<MeasureRef> = visit_measures(frames.visits)
        .into_iter()
        .map(MeasureRef::Visit)
        .collect();
    out.extend(sample_measures(frames.samples).into_iter().map(MeasureRef::Sample));
    out
}

/// Numeric measure columns of a visits table.
pub fn visit_measures(visits: &DataFrame) -> Vec<String> {
    crate::model::measure_columns(visits)
}

/// Numeric measure columns of a samples table (diversity, F/B, distances, numeric metadata).
pub fn sample_measures(samples: &DataFrame) -> Vec<String> {
    samples
        .columns()
        .iter()
        .filter(|col| col.dtype().is_primitive_numeric() && col.dtype() != &DataType::Boolean)
        .map(|col| col.name().to_string())
        .filter(|name| !SAMPLE_NOT_MEASURES.contains(&name.as_str()))
        .collect()
}

/// Which visit or sample an observation is.
#[derive(Clone, Debug, PartialEq)]
pub enum ObsId {
    /// The visit's number within its subject.
    Visit(i64),
    Sample(String),
}

/// One value of a measure at one time.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// Row of the subject in the subjects table.
    pub subject: usize,
    pub id: ObsId,
    pub time: f64,
    pub value: f64,
}

/// Every observation of `measure` with a subject, a time and a value, by subject (in the
/// subjects table's order) and time. `rank` applies to taxa (`None`: features).
pub fn observations(
    frames: Frames<'_>,
    measure: &MeasureRef,
    time: &TimeAxis,
    rank: Option<usize>,
) -> Result<Vec<Observation>, CohortError> {
    // Ids borrowed from the frames: a measure's every axis reads them again.
    let subject_ids = str_refs(frames.subjects, c::SUBJECT_ID)?;
    let row_of: HashMap<&str, usize> = subject_ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| Some(((*id)?, i)))
        .collect();
    let mut out = Vec::new();
    match measure {
        MeasureRef::Visit(name) => {
            let v = frames.visits;
            let (ids, numbers) = (str_refs(v, c::SUBJECT_ID)?, f64s(v, c::VISIT_NUMBER)?);
            let (times, values) = (time.of_visits(frames)?, f64s(v, name)?);
            for i in 0..v.height() {
                let (Some(s), Some(t), Some(y)) = (ids[i].and_then(|id| row_of.get(id)), times[i], values[i]) else {
                    continue;
                };
                out.push(Observation {
                    subject: *s,
                    id: ObsId::Visit(numbers[i].unwrap_or(0.0) as i64),
                    time: t,
                    value: y,
                });
            }
        }
        MeasureRef::Sample(_) | MeasureRef::Taxon { .. } => {
            let s = frames.samples;
            let (ids, samples) = (str_refs(s, c::SUBJECT_ID)?, strs(s, c::SAMPLE_ID)?);
            let times = time.of_samples(frames)?;
            let values = match measure {
                MeasureRef::Sample(name) => f64s(s, name)?,
                _ => taxon_values(frames, measure, rank, &samples)?,
            };
            for i in 0..s.height() {
                let (Some(subject), Some(t), Some(y), Some(id)) = (
                    ids[i].and_then(|id| row_of.get(id)),
                    times[i],
                    values[i],
                    samples[i].as_ref(),
                ) else {
                    continue;
                };
                out.push(Observation {
                    subject: *subject,
                    id: ObsId::Sample(id.clone()),
                    time: t,
                    value: y,
                });
            }
        }
    }
    out.sort_by(|a, b| a.subject.cmp(&b.subject).then(a.time.total_cmp(&b.time)));
    Ok(out)
}

/// A taxon's relative abundance (or CLR) per row of the samples table.
fn taxon_values(
    frames: Frames<'_>,
    measure: &MeasureRef,
    rank: Option<usize>,
    samples: &[Option<String>],
) -> Result<Vec<Option<f64>>, CohortError> {
    let MeasureRef::Taxon { name, clr: use_clr } = measure else {
        return Ok(vec![None; samples.len()]);
    };
    let rank_name = rank.map_or("feature", |r| crate::model::RANKS[r]).to_owned();
    let Some(table) = frames.cohort.abundances() else {
        return Err(CohortError::UnknownTaxon {
            name: name.clone(),
            rank: rank_name,
            examples: Vec::new(),
        });
    };
    let rel = at_rank(table, frames.cohort.taxonomy(), rank).relative();
    let exact = rel.feature_ids.iter().position(|f| f == name);
    let Some(f) = exact.or_else(|| rel.feature_ids.iter().position(|f| f.eq_ignore_ascii_case(name))) else {
        let mut examples = rel.feature_ids.clone();
        examples.sort_by(|a, b| natural_cmp(a, b));
        examples.truncate(8);
        return Err(CohortError::UnknownTaxon {
            name: name.clone(),
            rank: rank_name,
            examples,
        });
    };
    let values = if *use_clr { clr(&rel).values } else { rel.to_dense() };
    let nf = rel.num_features();
    let row_of = rel.sample_rows();
    Ok(samples
        .iter()
        .map(|id| id.as_deref().and_then(|id| row_of.get(id)).map(|r| values[r * nf + f]))
        .collect())
}
