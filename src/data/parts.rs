//! What the readers produce before assembly: visit rows, subject rows, sample rows,
//! abundance tables and lineages, each remembering the file and line it came from.

use crate::model::hash::HashMap;

use crate::model::{AbundanceTable, DistanceMatrix, Finding, Given, Pcoa, Taxonomy};

/// A measure column of the visits table, by index into [`Parts::measures`].
pub type MeasureId = usize;

/// Text many rows hold (a subject's id, a visit label), allocated once for all of them: a
/// cohort has ten or more visit rows per subject.
pub type Shared = std::sync::Arc<str>;

/// One clinical observation row (a visit of a subject) from one file.
#[derive(Clone, Debug, Default)]
pub struct VisitRow {
    pub subject: Shared,
    /// Days since 1970-01-01.
    pub date: Option<i32>,
    /// Days since baseline/enrolment as given by the file.
    pub day: Option<f64>,
    pub label: Option<Shared>,
    /// Order of the visit when only labels or numbers are known.
    pub order: Option<f64>,
    pub file: usize,
    pub line: usize,
    /// The measure of each of the file's measure columns (shared by its rows)…
    pub measures: std::sync::Arc<[MeasureId]>,
    /// …and this row's value in each, NaN where it has none (values read are always finite).
    pub values: Box<[f64]>,
    /// Values of measures this row does not have, from later rows of the same visit merged
    /// into it (`data::assemble`).
    pub merged: Vec<(MeasureId, f64)>,
}

impl VisitRow {
    /// The values the row has, as (measure, value), in the file's column order.
    pub fn given(&self) -> impl Iterator<Item = (MeasureId, f64)> + '_ {
        self.measures
            .iter()
            .zip(&self.values)
            .filter(|(_, v)| !v.is_nan())
            .map(|(&m, &v)| (m, v))
    }

    /// The value of measure `m`, if the visit has one: the first value given.
    pub fn value(&self, m: MeasureId) -> Option<f64> {
        self.values().find(|(id, _)| *id == m).map(|(_, v)| v)
    }

    /// Every value, its own and merged ones, as (measure, value); a measure given twice comes
    /// first with its first value.
    pub fn values(&self) -> impl Iterator<Item = (MeasureId, f64)> + '_ {
        self.given().chain(self.merged.iter().copied())
    }
}

/// A value describing a subject once (or a sample).
#[derive(Clone, Debug, PartialEq)]
pub enum Attr {
    Text(String),
    Num(f64),
    /// Days since 1970-01-01.
    Date(i32),
}

impl Attr {
    /// Text for reports and conflict messages.
    pub fn display(&self) -> String {
        match self {
            Attr::Text(t) => t.clone(),
            Attr::Num(v) => format!("{v}"),
            Attr::Date(d) => crate::model::time::iso_from_days(*d),
        }
    }
}

/// Subject-level values from one row of one file.
#[derive(Clone, Debug, Default)]
pub struct SubjectRow {
    pub subject: String,
    pub attrs: Vec<(String, Attr)>,
    pub file: usize,
    pub line: usize,
}

/// A microbiome sample's metadata from one row of one file.
#[derive(Clone, Debug, Default)]
pub struct SampleRow {
    pub sample: String,
    pub subject: Option<String>,
    pub date: Option<i32>,
    pub day: Option<f64>,
    pub attrs: Vec<(String, String)>,
    pub file: usize,
    pub line: usize,
    /// Metadata stored inside a feature table (BIOM 2.1 `/sample/metadata`): used only for
    /// samples that no metadata file lists.
    pub from_table: bool,
}

/// One numeric value per sample that a file gives (a QIIME 2 alpha-diversity artifact).
#[derive(Clone, Debug, Default)]
pub struct SampleValues {
    /// The column name, as the file gives it (`faith_pd`, `shannon_entropy`).
    pub name: String,
    pub file: usize,
    pub values: Vec<(String, f64)>,
}

/// Context for reading one file: its index among the inputs and its name for messages.
pub struct FileCtx<'a> {
    pub index: usize,
    pub name: &'a str,
}

/// Each subject's attributes after merging subjects tables and visit rows: subject → name → value.
pub(super) type SubjectAttrs = std::collections::BTreeMap<String, std::collections::BTreeMap<String, Attr>>;

/// Everything read from all files, waiting to be assembled into a Cohort.
#[derive(Debug, Default)]
pub struct Parts {
    pub visits: Vec<VisitRow>,
    /// Names of visit measure columns (`weight_kg`, `alsfrs_q1`, extra measures).
    pub measures: Vec<String>,
    measure_index: HashMap<String, MeasureId>,
    pub subjects: Vec<SubjectRow>,
    pub samples: Vec<SampleRow>,
    pub abundances: Vec<(usize, AbundanceTable)>,
    /// Lineages given in taxonomy files or in a table's own taxonomy column.
    pub taxonomy: Taxonomy,
    /// Lineages read from feature names themselves (`g__Bacteroides`, a matrix header
    /// `Bacteroides`): used only for features that no taxonomy names, so a DADA2 table keyed by
    /// sequences or `ASV_1` never competes with its `assignTaxonomy` file.
    pub id_taxonomy: Taxonomy,
    /// Per-sample values computed elsewhere (QIIME 2 alpha diversity), joined as measures.
    pub sample_values: Vec<SampleValues>,
    /// Distance matrices and ordinations given by files, used as given.
    pub distances: Vec<Given<DistanceMatrix>>,
    pub ordinations: Vec<Given<Pcoa>>,
    pub findings: Vec<Finding>,
    /// Every header met in the inputs, to check the user's column overrides against.
    pub headers: std::collections::BTreeSet<String>,
}

impl Parts {
    /// The cohort's taxonomy: what taxonomy files gave, then the lineages feature names give
    /// for the features none of those files names.
    pub fn take_taxonomy(&mut self) -> Taxonomy {
        let mut taxonomy = std::mem::take(&mut self.taxonomy);
        for (id, lineage) in std::mem::take(&mut self.id_taxonomy) {
            taxonomy.entry(id).or_insert(lineage);
        }
        taxonomy
    }

    /// The id of a measure column, registering it on first use.
    pub fn measure(&mut self, name: &str) -> MeasureId {
        if let Some(&id) = self.measure_index.get(name) {
            return id;
        }
        self.measures.push(name.to_owned());
        self.measure_index.insert(name.to_owned(), self.measures.len() - 1);
        self.measures.len() - 1
    }
}

/// A header as a `snake_case` column name: `Grip Strength (kg)` → `grip_strength_kg`.
pub fn snake_case(header: &str) -> String {
    let mut out = String::new();
    for c in header.trim().trim_start_matches('#').chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    if out.is_empty() { "unnamed".to_owned() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_headers() {
        assert_eq!(snake_case("Grip Strength (kg)"), "grip_strength_kg");
        assert_eq!(snake_case("#SampleID"), "sampleid");
        assert_eq!(snake_case("  "), "unnamed");
        assert_eq!(snake_case("握力"), "握力");
    }
}
