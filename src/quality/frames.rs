//! The cohort frames as the rules read them: visits and subjects as plain column vectors, read
//! once per check, and the small helpers every rule family shares.

use std::collections::HashMap;

use polars::prelude::DataFrame;

use super::catalogue::rule_info;
use crate::model::frame::{ColumnError, opt_dates, opt_f64s, opt_strs};
use crate::model::{Finding, Severity, columns as c};

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
    /// The visit's label or number as the file gives it.
    pub visit: Vec<Option<String>>,
    columns: HashMap<String, Vec<Option<f64>>>,
}

impl Visits {
    /// The columns of a visits frame; any may be absent (rules then find nothing to check).
    pub fn new(df: &DataFrame) -> Result<Self, ColumnError> {
        let columns = MEASURES
            .iter()
            .chain(&ALSFRS_ITEMS)
            .filter(|name| df.column(name).is_ok())
            .map(|name| Ok(((*name).to_owned(), opt_f64s(df, name)?)))
            .collect::<Result<_, ColumnError>>()?;
        Ok(Self {
            height: df.height(),
            subject: opt_strs(df, c::SUBJECT_ID)?,
            file: opt_strs(df, c::SOURCE_FILE)?,
            line: opt_f64s(df, c::SOURCE_LINE)?,
            date: opt_dates(df, c::DATE)?,
            day: opt_f64s(df, c::DAY)?,
            visit: opt_strs(df, c::VISIT)
                .or_else(|_| opt_f64s(df, c::VISIT).map(|v| v.into_iter().map(|v| v.map(show)).collect()))?,
            columns,
        })
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

    /// How a finding names visit row `i` across exports: its date, else its day since
    /// baseline, else its label or number.
    pub fn key(&self, i: usize) -> Option<String> {
        if let Some(date) = self.date[i] {
            return Some(crate::model::time::iso_from_days(date));
        }
        if let Some(day) = self.day[i] {
            return Some(format!("day {}", show(day)));
        }
        self.visit[i].as_ref().map(|v| format!("visit {v}"))
    }

    /// The [`Visits::key`] of the visit rows read from these lines of these files (one pass, no
    /// work when none is asked for), by (file, line).
    pub fn keys_at(
        &self,
        wanted: &HashMap<String, std::collections::HashSet<usize>>,
    ) -> HashMap<(String, usize), String> {
        if wanted.is_empty() {
            return HashMap::new();
        }
        (0..self.height)
            .filter_map(|i| {
                let file = self.file[i].as_deref()?;
                let line = self.line[i]? as usize;
                if !wanted.get(file)?.contains(&line) {
                    return None;
                }
                Some(((file.to_owned(), line), self.key(i)?))
            })
            .collect()
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
pub const REE: &str = c::REE_MEASURED_KCAL;

/// The 13 ALSFRS-R item columns (5a and 5b are alternatives).
pub const ALSFRS_ITEMS: [&str; 13] = c::ALSFRS_ITEMS;

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
    /// The columns of a subjects frame; any may be absent.
    pub fn new(df: &DataFrame) -> Result<Self, ColumnError> {
        let id = opt_strs(df, c::SUBJECT_ID)?;
        let index = id
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((s.clone()?, i)))
            .collect();
        Ok(Self {
            site: opt_strs(df, c::SITE)?,
            onset_date: opt_dates(df, c::ONSET_DATE)?,
            birth_year: opt_f64s(df, c::BIRTH_YEAR)?,
            height_cm: opt_f64s(df, c::HEIGHT_CM)?,
            premorbid_weight_kg: opt_f64s(df, c::PREMORBID_WEIGHT_KG)?,
            listed: opt_strs(df, c::LISTED_IN_SUBJECTS_TABLE)?,
            num_visits: opt_f64s(df, c::NUM_VISITS)?,
            num_samples: opt_f64s(df, c::NUM_SAMPLES)?,
            index,
            id,
        })
    }

    /// The row of a subject id.
    pub fn row(&self, subject: Option<&str>) -> Option<usize> {
        self.index.get(subject?).copied()
    }
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
