//! Data-quality rules (DESIGN §4): one file per family, each turning the loaded cohort's
//! frames into [`Finding`]s located at file, row, column, subject and sample. [`check`] runs
//! them all after the loaders' own findings, applies the rules file's severities and sorts.

pub mod alsfrs;
pub mod catalogue;
pub mod composition;
pub mod identity;
pub mod ranges;
pub mod report;
pub mod rules;
pub mod schema;
pub mod time;
pub mod units;

use std::collections::{BTreeMap, HashMap};

use polars::prelude::{DataFrame, DataType};

use crate::metrics::tables::{f64s, strs};
use crate::model::{Cohort, Finding, Severity, columns as c};
pub use catalogue::{CATALOGUE, RuleInfo, rule_info};
pub use rules::{DEFAULT_RULES_TOML, Level, Rules, RulesError};

/// Every finding about `cohort`: the loaders', then each family's, with severities as the rules
/// say (rules set to `off` dropped), each with its subject's site, worst first.
pub fn check(cohort: &Cohort, rules: &Rules) -> Vec<Finding> {
    let visits = Visits::new(cohort.visits());
    let subjects = Subjects::new(cohort.subjects());
    let mut found = cohort.findings.clone();
    found.extend(schema::check(cohort, &visits));
    let mixups = units::MixUps::find(&visits, &subjects, rules);
    found.extend(ranges::check(&visits, &mixups, rules));
    found.extend(units::check(&visits, &mixups));
    found.extend(identity::check(&visits, &subjects));
    found.extend(time::check(&visits, &subjects, cohort.samples(), &mixups, rules));
    found.extend(alsfrs::check(&visits, rules));
    found.extend(composition::check(cohort, rules));
    let site: HashMap<&str, &str> = subjects
        .id
        .iter()
        .zip(&subjects.site)
        .filter_map(|(id, s)| Some((id.as_deref()?, s.as_deref()?)))
        .collect();
    let mut out: Vec<Finding> = found
        .into_iter()
        .filter_map(|mut f| {
            f.severity = rules.severity_of(&f.rule, f.severity)?;
            if f.site.is_none() {
                f.site = f.subject.as_deref().and_then(|s| site.get(s)).map(|s| (*s).to_owned());
            }
            Some(f)
        })
        .collect();
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.file.cmp(&b.file))
            .then_with(|| a.row.cmp(&b.row))
            .then_with(|| a.sample.cmp(&b.sample))
    });
    out
}

/// Errors, warnings and info in `findings` (as for the load findings alone).
pub use crate::model::severity_counts as counts;

/// Findings per rule, with the worst severity met: (rule, severity, count), in rule order.
pub fn by_rule(findings: &[Finding]) -> Vec<(String, Severity, usize)> {
    let mut map: BTreeMap<&str, (Severity, usize)> = BTreeMap::new();
    for f in findings {
        let e = map.entry(&f.rule).or_insert((f.severity, 0));
        e.0 = e.0.max(f.severity);
        e.1 += 1;
    }
    map.into_iter().map(|(r, (s, n))| (r.to_owned(), s, n)).collect()
}

/// Findings per site: (site, errors, warnings, info); findings with no site under "–".
pub fn by_site(findings: &[Finding]) -> Vec<(String, usize, usize, usize)> {
    let mut map: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        map.entry(f.site.as_deref().unwrap_or("–")).or_default().push(f);
    }
    map.into_iter()
        .map(|(site, fs)| {
            let (e, w, i) = counts(fs.iter().copied());
            (site.to_owned(), e, w, i)
        })
        .collect()
}

/// The visits frame's columns the rules read, by row (rows are in subject, time order).
pub struct Visits {
    pub height: usize,
    pub subject: Vec<Option<String>>,
    pub file: Vec<Option<String>>,
    pub line: Vec<Option<f64>>,
    /// Days since 1970-01-01.
    pub date: Vec<Option<i32>>,
    /// Days since the subject's baseline.
    pub day: Vec<Option<f64>>,
    columns: HashMap<String, Vec<Option<f64>>>,
}

impl Visits {
    pub fn new(df: &DataFrame) -> Self {
        let columns = MEASURES
            .iter()
            .chain(&ALSFRS_ITEMS)
            .filter(|name| df.column(name).is_ok())
            .map(|name| ((*name).to_owned(), f64s(df, name)))
            .collect();
        Self {
            height: df.height(),
            subject: strs(df, c::SUBJECT_ID),
            file: strs(df, c::SOURCE_FILE),
            line: f64s(df, c::SOURCE_LINE),
            date: dates(df, c::DATE),
            day: f64s(df, c::DAY),
            columns,
        }
    }

    /// A measure column the rules read (see [`MEASURES`], [`ALSFRS_ITEMS`]), if the cohort has it.
    pub fn get(&self, name: &str) -> Option<&[Option<f64>]> {
        self.columns.get(name).map(Vec::as_slice)
    }

    /// A finding located at visit row `i`: file, line, subject.
    pub fn at(&self, i: usize, f: Finding) -> Finding {
        let mut f = f;
        if let Some(file) = &self.file[i] {
            f = f.file(file);
        }
        if let Some(line) = self.line[i] {
            f = f.row(line as usize);
        }
        if let Some(s) = &self.subject[i] {
            f = f.subject(s);
        }
        f
    }

    /// Row ranges of each subject's visits (rows are grouped by subject).
    pub fn by_subject(&self) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        for i in 1..=self.height {
            if i == self.height || self.subject[i] != self.subject[start] {
                if start < i {
                    out.push(start..i);
                }
                start = i;
            }
        }
        out
    }
}

/// Measure columns the rules read.
pub const MEASURES: [&str; 5] = [c::WEIGHT_KG, c::HEIGHT_CM, c::BMI, c::ALSFRS_R_TOTAL, REE];

/// The measured REE column (kcal/day).
pub const REE: &str = "ree_measured_kcal";

/// The 13 ALSFRS-R item columns (5a and 5b are alternatives).
pub const ALSFRS_ITEMS: [&str; 13] = [
    "alsfrs_q1",
    "alsfrs_q2",
    "alsfrs_q3",
    "alsfrs_q4",
    "alsfrs_q5a",
    "alsfrs_q5b",
    "alsfrs_q6",
    "alsfrs_q7",
    "alsfrs_q8",
    "alsfrs_q9",
    "alsfrs_q10",
    "alsfrs_q11",
    "alsfrs_q12",
];

/// The subjects frame's columns the rules read.
pub struct Subjects {
    pub id: Vec<Option<String>>,
    pub site: Vec<Option<String>>,
    pub onset_date: Vec<Option<i32>>,
    pub birth_year: Vec<Option<f64>>,
    pub height_cm: Vec<Option<f64>>,
    pub premorbid_weight_kg: Vec<Option<f64>>,
    pub listed: Vec<Option<String>>,
    pub num_visits: Vec<Option<f64>>,
    pub num_samples: Vec<Option<f64>>,
    /// Row of each subject id.
    pub index: HashMap<String, usize>,
}

impl Subjects {
    pub fn new(df: &DataFrame) -> Self {
        let id = strs(df, c::SUBJECT_ID);
        let index = id
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((s.clone()?, i)))
            .collect();
        Self {
            site: strs(df, "site"),
            onset_date: dates(df, "onset_date"),
            birth_year: f64s(df, "birth_year"),
            height_cm: f64s(df, c::HEIGHT_CM),
            premorbid_weight_kg: f64s(df, "premorbid_weight_kg"),
            listed: strs(df, "listed_in_subjects_table"),
            num_visits: f64s(df, c::NUM_VISITS),
            num_samples: f64s(df, c::NUM_SAMPLES),
            index,
            id,
        }
    }

    /// The row of a subject id.
    pub fn row(&self, subject: Option<&str>) -> Option<usize> {
        self.index.get(subject?).copied()
    }
}

/// A date column as days since 1970-01-01 (all missing when absent or not dates).
pub fn dates(df: &DataFrame, name: &str) -> Vec<Option<i32>> {
    let Ok(col) = df.column(name) else {
        return vec![None; df.height()];
    };
    if !matches!(col.dtype(), DataType::Date) {
        return vec![None; df.height()];
    }
    col.cast(&DataType::Int32)
        .ok()
        .and_then(|c| c.i32().ok().map(|ca| ca.iter().collect()))
        .unwrap_or_else(|| vec![None; df.height()])
}

/// A number as the file would show it: no trailing `.0` on whole numbers.
pub fn show(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{}", (v * 1000.0).round() / 1000.0)
    }
}

/// A new finding with the rule's catalogue severity (tests and rule files use this).
pub fn finding(rule: &str, message: impl Into<String>) -> Finding {
    let severity = rule_info(rule).map_or(Severity::Warning, |r| r.severity);
    Finding::new(severity, rule, message)
}

#[cfg(test)]
pub(crate) mod test_frames {
    //! Tiny visits and subjects frames for the table-driven rule tests.
    use polars::prelude::*;

    use crate::model::columns as c;

    /// A visits frame: one subject per row block; `cols` are (name, values) float columns.
    pub fn visits(subjects: &[&str], dates: &[Option<i32>], cols: &[(&str, Vec<Option<f64>>)]) -> DataFrame {
        let n = subjects.len();
        let mut columns = vec![
            Column::new(c::SUBJECT_ID.into(), subjects.to_vec()),
            Column::new(c::DATE.into(), dates.to_vec())
                .cast(&DataType::Date)
                .unwrap(),
            Column::new(c::SOURCE_FILE.into(), vec!["visits.csv"; n]),
            Column::new(c::SOURCE_LINE.into(), (2..2 + n as i64).collect::<Vec<_>>()),
        ];
        for (name, values) in cols {
            columns.push(Column::new((*name).into(), values.clone()));
        }
        DataFrame::new(n, columns).unwrap()
    }

    /// A subjects frame with the given text and float columns.
    pub fn subjects(ids: &[&str], text: &[(&str, Vec<Option<&str>>)], num: &[(&str, Vec<Option<f64>>)]) -> DataFrame {
        let mut columns = vec![Column::new(c::SUBJECT_ID.into(), ids.to_vec())];
        for (name, values) in text {
            columns.push(Column::new((*name).into(), values.clone()));
        }
        for (name, values) in num {
            columns.push(Column::new((*name).into(), values.clone()));
        }
        DataFrame::new(ids.len(), columns).unwrap()
    }

    /// Rule ids of the findings, in order.
    pub fn rules(found: &[crate::model::Finding]) -> Vec<&str> {
        found.iter().map(|f| f.rule.as_str()).collect()
    }
}
