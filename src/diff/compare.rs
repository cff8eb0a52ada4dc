//! The comparison itself: rows matched by key, values compared as values.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use polars::prelude::{DataFrame, DataType};
use serde::Serialize;

use crate::model::frame::{ColumnError, opt_bools, opt_dates, opt_f64s, opt_strs};
use crate::model::{Cohort, Finding, columns as c};
use crate::quality::Visits;
use crate::quality::frames::show;
use crate::quality::review::Key;

/// The default Bray–Curtis distance above which a sample's abundances count as changed.
pub const DEFAULT_ABUNDANCE_THRESHOLD: f64 = 0.01;

/// Columns the loader adds or derives (where a row was read, what it was linked to, counts, a
/// sample's read depth, which its abundances' comparison covers):
/// they follow from the compared values and would only repeat them.
const NOT_COMPARED: [&str; 13] = [
    c::READ_DEPTH,
    c::SOURCE_FILE,
    c::SOURCE_LINE,
    c::DAY,
    c::VISIT_NUMBER,
    c::MONTHS_SINCE_BASELINE,
    c::MONTHS_SINCE_ONSET,
    c::LINKED_VISIT_NUMBER,
    c::NUM_VISITS,
    c::NUM_SAMPLES,
    c::LISTED_IN_SUBJECTS_TABLE,
    c::BASELINE_DATE,
    c::AGE_YEARS_AT_VISIT,
];

/// A visit, by its subject and its date (or day, or label).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct VisitRef {
    pub subject: String,
    pub visit: String,
}

/// A sample, with its subject and date when the metadata give them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SampleRef {
    pub sample: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// Where a changed value is: the subjects table, a visit or a sample's metadata.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Table {
    Subjects,
    Visits,
    Samples,
}

/// One value that differs between the freezes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    pub table: Table,
    /// The subject (for a sample, its subject when known).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The visit's date (or day, or label).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample: Option<String>,
    pub column: String,
    /// `None`: empty in that freeze.
    pub old: Option<String>,
    pub new: Option<String>,
}

/// A sample whose abundances moved by more than the threshold.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AbundanceChange {
    pub sample: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Bray–Curtis distance between the sample's relative abundances in the two freezes.
    pub bray_curtis: f64,
}

/// Everything that differs between two freezes.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FreezeDiff {
    pub old: String,
    pub new: String,
    pub subjects_added: Vec<String>,
    pub subjects_removed: Vec<String>,
    pub visits_added: Vec<VisitRef>,
    pub visits_removed: Vec<VisitRef>,
    pub samples_added: Vec<SampleRef>,
    pub samples_removed: Vec<SampleRef>,
    pub changes: Vec<Change>,
    pub abundance_threshold: f64,
    /// Samples in both freezes with abundances in both.
    pub abundance_samples_compared: usize,
    pub abundance_changes: Vec<AbundanceChange>,
    pub findings_new: Vec<Finding>,
    pub findings_fixed: Vec<Finding>,
}

impl FreezeDiff {
    /// True when the freezes hold the same data and findings.
    pub fn is_empty(&self) -> bool {
        self.subjects_added.is_empty()
            && self.subjects_removed.is_empty()
            && self.visits_added.is_empty()
            && self.visits_removed.is_empty()
            && self.samples_added.is_empty()
            && self.samples_removed.is_empty()
            && self.changes.is_empty()
            && self.abundance_changes.is_empty()
            && self.findings_new.is_empty()
            && self.findings_fixed.is_empty()
    }
}

/// A freeze to compare: its name for the report, its cohort and its findings.
pub struct Freeze<'a> {
    pub name: String,
    pub cohort: &'a Cohort,
    pub findings: &'a [Finding],
}

/// Compare two freezes.
pub fn compare(old: &Freeze<'_>, new: &Freeze<'_>, abundance_threshold: f64) -> Result<FreezeDiff, ColumnError> {
    let mut diff = FreezeDiff {
        old: old.name.clone(),
        new: new.name.clone(),
        abundance_threshold,
        ..FreezeDiff::default()
    };
    // Subjects.
    let (a, b) = (
        Rows::subjects(old.cohort.subjects())?,
        Rows::subjects(new.cohort.subjects())?,
    );
    let (added, removed) = a.added_removed(&b);
    diff.subjects_added = added.into_iter().map(|k| k[0].clone()).collect();
    diff.subjects_removed = removed.into_iter().map(|k| k[0].clone()).collect();
    diff.changes.extend(a.changes(&b, Table::Subjects));
    // Visits.
    let (a, b) = (Rows::visits(old.cohort.visits())?, Rows::visits(new.cohort.visits())?);
    let (added, removed) = a.added_removed(&b);
    let visit = |k: Vec<String>| VisitRef {
        subject: k[0].clone(),
        visit: k[1].clone(),
    };
    diff.visits_added = added.into_iter().map(visit).collect();
    diff.visits_removed = removed.into_iter().map(visit).collect();
    diff.changes.extend(a.changes(&b, Table::Visits));
    // Samples.
    let (a, b) = (
        Rows::samples(old.cohort.samples())?,
        Rows::samples(new.cohort.samples())?,
    );
    let (added, removed) = a.added_removed(&b);
    diff.samples_added = added.into_iter().map(|k| b.sample_ref(&k)).collect();
    diff.samples_removed = removed.into_iter().map(|k| a.sample_ref(&k)).collect();
    diff.changes.extend(a.changes(&b, Table::Samples));
    // Abundances.
    if let (Some(x), Some(y)) = (old.cohort.abundances(), new.cohort.abundances()) {
        let (compared, moved) = abundance_changes(x, y, abundance_threshold);
        diff.abundance_samples_compared = compared;
        diff.abundance_changes = moved
            .into_iter()
            .map(|(sample, bray_curtis)| AbundanceChange {
                subject: b.subject_of(&sample),
                sample,
                bray_curtis,
            })
            .collect();
    }
    // Findings, by what they are about. The file's name is left out: freezes are often named
    // by their date, and a finding about the same value is the same finding.
    let key = |f: &Finding| {
        let mut k = Key::of(f);
        k.file = None;
        k
    };
    let before: BTreeSet<Key> = old.findings.iter().map(key).collect();
    let after: BTreeSet<Key> = new.findings.iter().map(key).collect();
    let mut seen = BTreeSet::new();
    diff.findings_new = new
        .findings
        .iter()
        .filter(|f| !before.contains(&key(f)) && seen.insert(key(f)))
        .cloned()
        .collect();
    diff.findings_fixed = old
        .findings
        .iter()
        .filter(|f| !after.contains(&key(f)) && seen.insert(key(f)))
        .cloned()
        .collect();
    Ok(diff)
}

/// A frame's rows by key, with every compared column as text values.
struct Rows {
    /// Key → row.
    index: BTreeMap<Vec<String>, usize>,
    /// Compared columns: name → value per row.
    columns: BTreeMap<String, Vec<Option<Cell>>>,
    /// Each row's subject (for samples), and date.
    subject: Vec<Option<String>>,
    date: Vec<Option<String>>,
}

impl Rows {
    fn subjects(df: &DataFrame) -> Result<Rows, ColumnError> {
        let ids = opt_strs(df, c::SUBJECT_ID)?;
        let keys = ids.iter().map(|id| Some(vec![id.clone()?])).collect();
        Rows::new(df, keys, ids, vec![None; df.height()], &[c::SUBJECT_ID])
    }

    fn visits(df: &DataFrame) -> Result<Rows, ColumnError> {
        let visits = Visits::new(df)?;
        let dates: Vec<Option<String>> = (0..df.height()).map(|i| visits.key(i)).collect();
        let keys = visits
            .subject
            .iter()
            .zip(&dates)
            .map(|(subject, date)| Some(vec![subject.clone()?, date.clone()?]))
            .collect();
        Rows::new(
            df,
            keys,
            visits.subject.clone(),
            dates,
            &[c::SUBJECT_ID, c::DATE, c::VISIT],
        )
    }

    fn samples(df: &DataFrame) -> Result<Rows, ColumnError> {
        let ids = opt_strs(df, c::SAMPLE_ID)?;
        let keys = ids.iter().map(|id| Some(vec![id.clone()?])).collect();
        let subject = opt_strs(df, c::SUBJECT_ID)?;
        let dates = opt_dates(df, c::DATE)?
            .into_iter()
            .map(|d| d.map(crate::model::time::iso_from_days))
            .collect();
        Rows::new(df, keys, subject, dates, &[c::SAMPLE_ID])
    }

    /// `keys` of each row (`None`: a row without its key is not compared); `key_columns` are
    /// not compared as values (they are the key).
    fn new(
        df: &DataFrame,
        keys: Vec<Option<Vec<String>>>,
        subject: Vec<Option<String>>,
        date: Vec<Option<String>>,
        key_columns: &[&str],
    ) -> Result<Rows, ColumnError> {
        let mut index = BTreeMap::new();
        for (row, key) in keys.into_iter().enumerate() {
            let Some(mut key) = key else { continue };
            // Two rows with one key (a visit twice on one day) are told apart by their order.
            let base = key.clone();
            let mut n = 1;
            while index.contains_key(&key) {
                n += 1;
                key = base.clone();
                key.push(n.to_string());
            }
            index.insert(key, row);
        }
        let mut columns = BTreeMap::new();
        for col in df.columns() {
            let name = col.name().as_str();
            if NOT_COMPARED.contains(&name) || key_columns.contains(&name) {
                continue;
            }
            columns.insert(name.to_owned(), values(df, name)?);
        }
        Ok(Rows {
            index,
            columns,
            subject,
            date,
        })
    }

    /// Keys in `new` and not here, and here and not in `new`.
    fn added_removed(&self, new: &Rows) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
        let added = new
            .index
            .keys()
            .filter(|k| !self.index.contains_key(*k))
            .cloned()
            .collect();
        let removed = self
            .index
            .keys()
            .filter(|k| !new.index.contains_key(*k))
            .cloned()
            .collect();
        (added, removed)
    }

    /// Every value that differs between rows with one key. A column only one freeze has counts
    /// where the other freeze's row would have a value.
    fn changes(&self, new: &Rows, table: Table) -> Vec<Change> {
        let names: BTreeSet<&String> = self.columns.keys().chain(new.columns.keys()).collect();
        let mut out = Vec::new();
        for (key, &i) in &self.index {
            let Some(&j) = new.index.get(key) else { continue };
            for name in &names {
                let before = self.columns.get(*name).and_then(|v| v[i].as_ref());
                let after = new.columns.get(*name).and_then(|v| v[j].as_ref());
                if before == after {
                    continue;
                }
                let (subject, visit, sample) = match table {
                    Table::Subjects => (Some(key[0].clone()), None, None),
                    Table::Visits => (Some(key[0].clone()), Some(key[1].clone()), None),
                    Table::Samples => (new.subject[j].clone(), new.date[j].clone(), Some(key[0].clone())),
                };
                out.push(Change {
                    table,
                    subject,
                    visit,
                    sample,
                    column: (*name).clone(),
                    old: before.map(Cell::shown),
                    new: after.map(Cell::shown),
                });
            }
        }
        out
    }

    fn sample_ref(&self, key: &[String]) -> SampleRef {
        let row = self.index.get(key).copied();
        SampleRef {
            sample: key[0].clone(),
            subject: row.and_then(|r| self.subject[r].clone()),
            date: row.and_then(|r| self.date[r].clone()),
        }
    }

    fn subject_of(&self, sample: &str) -> Option<String> {
        let row = *self.index.get(&vec![sample.to_owned()])?;
        self.subject[row].clone()
    }
}

/// One value as compared: a number (`47.0` and `47` are one), a date, or trimmed text.
#[derive(Clone, Debug)]
enum Cell {
    Number(f64),
    Date(i32),
    Text(String),
}

impl PartialEq for Cell {
    fn eq(&self, other: &Cell) -> bool {
        match (self, other) {
            // Equal up to the last bits a re-export's decimal text may round.
            (Cell::Number(a), Cell::Number(b)) => a == b || (a - b).abs() <= 1e-12 * a.abs().max(b.abs()),
            (Cell::Date(a), Cell::Date(b)) => a == b,
            (Cell::Text(a), Cell::Text(b)) => a == b,
            _ => false,
        }
    }
}

impl Cell {
    /// As the report shows it: numbers as [`show`] prints them, dates as YYYY-MM-DD.
    fn shown(&self) -> String {
        match self {
            Cell::Number(v) => show(*v),
            Cell::Date(d) => crate::model::time::iso_from_days(*d),
            Cell::Text(t) => t.clone(),
        }
    }
}

/// A column's values as compared: numbers, dates, text trimmed (a number written as text is
/// read as the number; an empty text is no value).
fn values(df: &DataFrame, name: &str) -> Result<Vec<Option<Cell>>, ColumnError> {
    let col = df.column(name).map_err(|_| ColumnError::Missing {
        column: name.to_owned(),
    })?;
    let number = |v: f64| v.is_finite().then_some(Cell::Number(v));
    Ok(match col.dtype() {
        DataType::Date => opt_dates(df, name)?.into_iter().map(|d| d.map(Cell::Date)).collect(),
        DataType::Boolean => opt_bools(df, name)?
            .into_iter()
            .map(|b| b.map(|b| Cell::Text(if b { "yes" } else { "no" }.to_owned())))
            .collect(),
        d if d.is_primitive_numeric() => opt_f64s(df, name)?.into_iter().map(|v| v.and_then(number)).collect(),
        DataType::String => opt_strs(df, name)?
            .into_iter()
            .map(|v| {
                let v = v?;
                let t = v.trim();
                match t.parse::<f64>() {
                    Ok(x) => number(x),
                    Err(_) if t.is_empty() => None,
                    Err(_) => Some(Cell::Text(t.to_owned())),
                }
            })
            .collect(),
        _ => {
            let text = col.cast(&DataType::String).map_err(|_| ColumnError::Missing {
                column: name.to_owned(),
            })?;
            text.str()
                .map_err(|_| ColumnError::Missing {
                    column: name.to_owned(),
                })?
                .iter()
                .map(|v| v.map(|v| Cell::Text(v.to_owned())))
                .collect()
        }
    })
}

/// Samples in both tables (with any abundance), and those whose relative abundances moved by
/// more than `threshold` (Bray–Curtis), with the distance.
fn abundance_changes(
    old: &crate::model::AbundanceTable,
    new: &crate::model::AbundanceTable,
    threshold: f64,
) -> (usize, Vec<(String, f64)>) {
    let new_rows = new.sample_rows();
    let new_features: HashMap<&str, usize> = new
        .feature_ids
        .iter()
        .enumerate()
        .map(|(i, f)| (f.as_str(), i))
        .collect();
    // Each old feature's column in the new table, found once.
    let column: Vec<Option<usize>> = old
        .feature_ids
        .iter()
        .map(|f| new_features.get(f.as_str()).copied())
        .collect();
    let mut only_new = vec![true; new.feature_ids.len()];
    for g in column.iter().flatten() {
        only_new[*g] = false;
    }
    let mut compared = 0;
    let mut moved = Vec::new();
    for (s, sample) in old.sample_ids.iter().enumerate() {
        let Some(&t) = new_rows.get(sample.as_str()) else {
            continue;
        };
        let (a, b) = (old.sample(s), new.sample(t));
        let (sa, sb): (f64, f64) = (a.iter().sum(), b.iter().sum());
        if sa <= 0.0 || sb <= 0.0 {
            continue;
        }
        compared += 1;
        // Σ|pᵢ − qᵢ| / 2 over the union of features (relative abundances sum to 1 each).
        let mut differ: f64 = a
            .iter()
            .zip(&column)
            .map(|(&x, g)| (x / sa - g.map_or(0.0, |g| b[g]) / sb).abs())
            .sum();
        differ += b
            .iter()
            .zip(&only_new)
            .filter(|(_, o)| **o)
            .map(|(y, _)| y / sb)
            .sum::<f64>();
        let bc = differ / 2.0;
        if bc > threshold {
            moved.push((sample.clone(), bc));
        }
    }
    (compared, moved)
}
