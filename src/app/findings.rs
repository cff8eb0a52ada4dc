//! The data-quality findings as the views use them: each finding's subject (as a view index)
//! and, when it is about a visit row, where that visit sits on every time axis, so views can
//! mark it. Built on the loader thread with the cohort, and again when the rules change.

use std::collections::HashMap;

use super::state::XAxis;
use crate::model::frame::{ColumnError, f64s, strs};
use crate::model::{Cohort, Finding, Severity, columns as c};
use crate::quality;

/// A visit's position on each x-axis (see [`XAxis::index`]).
pub type VisitX = [Option<f64>; XAxis::COUNT];

/// Where each visit row of a visits frame sits on every x-axis.
pub struct VisitPlaces(Vec<Vec<Option<f64>>>);

impl VisitPlaces {
    /// Every axis's column of `visits` (an axis without one places no visit).
    pub fn of(visits: &polars::prelude::DataFrame) -> Result<Self, ColumnError> {
        XAxis::ALL
            .iter()
            .map(|axis| {
                axis.column()
                    .map_or_else(|| Ok(vec![None; visits.height()]), |c| f64s(visits, c))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(VisitPlaces)
    }

    /// Visit row `row` on every axis.
    pub fn at(&self, row: usize) -> VisitX {
        std::array::from_fn(|a| self.0[a][row])
    }
}

/// Findings with their subjects and visits.
#[derive(Clone, Debug, Default)]
pub struct Findings {
    pub all: Vec<Finding>,
    /// Subject (index into `Derived::subjects`) of each finding.
    pub subject: Vec<Option<usize>>,
    /// The visit of each finding located at a visit row.
    pub visit: Vec<Option<VisitX>>,
    /// Findings of each subject, in order.
    pub by_subject: HashMap<usize, Vec<usize>>,
    /// (rule, worst severity, count), by rule id.
    pub rules: Vec<(String, Severity, usize)>,
    /// Sites named by findings, sorted.
    pub sites: Vec<String>,
    /// Errors, warnings, info.
    pub counts: (usize, usize, usize),
    /// Where the rules came from (None: the defaults).
    pub rules_file: Option<String>,
}

impl Findings {
    /// Locate `all` in the cohort's visits, with subjects numbered as in `index` (the views'
    /// subject rows).
    pub fn new(
        cohort: &Cohort,
        index: &HashMap<&str, usize>,
        all: Vec<Finding>,
        rules_file: Option<String>,
    ) -> Result<Self, ColumnError> {
        let visits = cohort.visits();
        let (files, lines) = (strs(visits, c::SOURCE_FILE)?, f64s(visits, c::SOURCE_LINE)?);
        let places = VisitPlaces::of(visits)?;
        let mut rows: HashMap<(&str, usize), usize> = HashMap::new();
        for (i, (file, line)) in files.iter().zip(&lines).enumerate() {
            if let (Some(file), Some(line)) = (file, line) {
                rows.entry((file.as_str(), *line as usize)).or_insert(i);
            }
        }
        let subject: Vec<Option<usize>> = all
            .iter()
            .map(|f| f.subject.as_deref().and_then(|s| index.get(s).copied()))
            .collect();
        let visit = all
            .iter()
            .map(|f| {
                let row = *rows.get(&(f.file.as_deref()?, f.row?))?;
                Some(places.at(row))
            })
            .collect();
        let mut by_subject: HashMap<usize, Vec<usize>> = HashMap::new();
        for (k, s) in subject.iter().enumerate() {
            if let Some(s) = s {
                by_subject.entry(*s).or_default().push(k);
            }
        }
        let sites: Vec<String> = all
            .iter()
            .filter_map(|f| f.site.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        Ok(Self {
            rules: quality::by_rule(&all),
            counts: quality::counts(&all),
            all,
            subject,
            visit,
            by_subject,
            sites,
            rules_file,
        })
    }
}
