//! *Compare with…*: the open cohort against an earlier freeze of the same study, as the views
//! show it. Each subject's changes in words (for the Cohort table's and the Subject profile's
//! marks), which of its attributes and measures changed, and where its changed or added visits
//! sit on every time axis (ringed on the trajectories). Built off the UI thread.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::findings::{VisitPlaces, VisitX};
use crate::diff::{FreezeDiff, Table};
use crate::i18n::trf;
use crate::model::Cohort;
use crate::model::frame::ColumnError;
use crate::quality::Visits;

/// The open cohort compared with an earlier freeze.
#[derive(Clone, Debug, Default)]
pub struct Comparison {
    /// The earlier freeze, as named in the window.
    pub label: String,
    pub diff: FreezeDiff,
    /// Each subject's changes in words, by subject (view index).
    lines: HashMap<usize, Vec<String>>,
    /// Each subject's changed columns (raw names; `visits` and `samples` for rows added or
    /// removed).
    columns: HashMap<usize, BTreeSet<String>>,
    /// Subjects the earlier freeze did not have.
    pub added: HashSet<usize>,
    /// Visits added or with a changed value: subject and place on each time axis.
    pub visits: Vec<(usize, VisitX)>,
}

impl Comparison {
    /// The comparison of `diff` (earlier freeze `label` against `cohort`) for the views, whose
    /// subjects `index` numbers.
    pub fn new(
        label: String,
        diff: FreezeDiff,
        cohort: &Cohort,
        index: &HashMap<&str, usize>,
    ) -> Result<Self, ColumnError> {
        let mut out = Comparison {
            label,
            ..Comparison::default()
        };
        let mut note = |subject: Option<&str>, column: &str, line: String| {
            let Some(&s) = subject.and_then(|id| index.get(id)) else {
                return;
            };
            out.lines.entry(s).or_default().push(line);
            out.columns.entry(s).or_default().insert(column.to_owned());
        };
        for id in &diff.subjects_added {
            note(Some(id), "visits", trf("new: not in {old}", &[("old", &diff.old)]));
        }
        for v in &diff.visits_added {
            note(
                Some(&v.subject),
                "visits",
                trf("visit {visit} added", &[("visit", &v.visit)]),
            );
        }
        for v in &diff.visits_removed {
            note(
                Some(&v.subject),
                "visits",
                trf("visit {visit} removed", &[("visit", &v.visit)]),
            );
        }
        for s in &diff.samples_added {
            note(
                s.subject.as_deref(),
                "samples",
                trf("sample {id} added", &[("id", &s.sample)]),
            );
        }
        for s in &diff.samples_removed {
            note(
                s.subject.as_deref(),
                "samples",
                trf("sample {id} removed", &[("id", &s.sample)]),
            );
        }
        let empty = || crate::i18n::tr("(empty)").to_owned();
        for c in &diff.changes {
            let (old, new) = (c.old.clone().unwrap_or_else(empty), c.new.clone().unwrap_or_else(empty));
            let line = match c.table {
                Table::Subjects => format!("{}: {old} -> {new}", c.column),
                Table::Visits => format!("{} {}: {old} -> {new}", c.visit.as_deref().unwrap_or(""), c.column),
                Table::Samples => format!("{} {}: {old} -> {new}", c.sample.as_deref().unwrap_or(""), c.column),
            };
            note(c.subject.as_deref(), &c.column, line);
        }
        for a in &diff.abundance_changes {
            note(
                a.subject.as_deref(),
                "samples",
                trf(
                    "sample {id}: abundances moved (Bray–Curtis {bc})",
                    &[("id", &a.sample), ("bc", &format!("{:.3}", a.bray_curtis))],
                ),
            );
        }
        out.added = diff
            .subjects_added
            .iter()
            .filter_map(|id| index.get(id.as_str()).copied())
            .collect();
        // The changed and added visits, located as the findings' visits are.
        let wanted: HashSet<(&str, &str)> = diff
            .visits_added
            .iter()
            .map(|v| (v.subject.as_str(), v.visit.as_str()))
            .chain(
                diff.changes
                    .iter()
                    .filter(|c| c.table == Table::Visits)
                    .filter_map(|c| Some((c.subject.as_deref()?, c.visit.as_deref()?))),
            )
            .collect();
        let frame = cohort.visits();
        let visits = Visits::new(frame)?;
        let places = VisitPlaces::of(frame)?;
        for (row, subject) in visits.subject.iter().enumerate() {
            let (Some(subject), Some(key)) = (subject.as_deref(), visits.key(row)) else {
                continue;
            };
            if wanted.contains(&(subject, key.as_str()))
                && let Some(&s) = index.get(subject)
            {
                out.visits.push((s, places.at(row)));
            }
        }
        out.diff = diff;
        Ok(out)
    }

    /// A subject's changes in words (none when it did not change).
    pub fn lines(&self, subject: usize) -> &[String] {
        self.lines.get(&subject).map_or(&[], Vec::as_slice)
    }

    /// True when any of these columns (raw names, or `visits`, `samples`) changed for the subject.
    pub fn changed(&self, subject: usize, columns: &[&str]) -> bool {
        self.columns
            .get(&subject)
            .is_some_and(|set| columns.iter().any(|c| set.contains(*c)))
    }

    /// Subjects with any change.
    pub fn num_subjects(&self) -> usize {
        self.lines.len()
    }
}
