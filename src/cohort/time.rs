//! The time axis of longitudinal views and exports: months since baseline (the default) or
//! onset, days, visit number, or any numeric metadata column (`month`, `day_of_life`,
//! `days-since-experiment-start`), for visits and for samples alike.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use polars::prelude::{DataFrame, DataType};

use super::frames::{CohortError, Frames};
use crate::model::columns as c;
use crate::model::frame::{f64s, opt_f64s, strs};
use crate::model::time::DAYS_PER_MONTH;

/// Where an observation sits in time.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TimeAxis {
    #[default]
    MonthsSinceBaseline,
    MonthsSinceOnset,
    /// Days since baseline.
    Day,
    /// Calendar date, as days since 1970-01-01.
    Date,
    VisitNumber,
    /// A numeric column of the visits or samples table (as the file names it, or snake_case).
    Column(String),
}

impl FromStr for TimeAxis {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim() {
            c::MONTHS_SINCE_BASELINE => TimeAxis::MonthsSinceBaseline,
            c::MONTHS_SINCE_ONSET => TimeAxis::MonthsSinceOnset,
            c::DAY => TimeAxis::Day,
            c::DATE => TimeAxis::Date,
            c::VISIT_NUMBER => TimeAxis::VisitNumber,
            other => TimeAxis::Column(other.to_owned()),
        })
    }
}

impl fmt::Display for TimeAxis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeAxis::MonthsSinceBaseline => c::MONTHS_SINCE_BASELINE,
            TimeAxis::MonthsSinceOnset => c::MONTHS_SINCE_ONSET,
            TimeAxis::Day => c::DAY,
            TimeAxis::Date => c::DATE,
            TimeAxis::VisitNumber => c::VISIT_NUMBER,
            TimeAxis::Column(name) => name,
        })
    }
}

/// A column name as loading stores it: `days-since-experiment-start` → `days_since_experiment_start`.
fn stored_name(name: &str) -> String {
    crate::data::parts::snake_case(name)
}

impl TimeAxis {
    /// Each visit's time on this axis.
    pub fn of_visits(&self, frames: Frames<'_>) -> Result<Vec<Option<f64>>, CohortError> {
        let v = frames.visits;
        Ok(match self {
            TimeAxis::MonthsSinceBaseline => f64s(v, c::MONTHS_SINCE_BASELINE)?,
            TimeAxis::MonthsSinceOnset => f64s(v, c::MONTHS_SINCE_ONSET)?,
            TimeAxis::Day => f64s(v, c::DAY)?,
            TimeAxis::Date => f64s(v, c::DATE)?,
            TimeAxis::VisitNumber => f64s(v, c::VISIT_NUMBER)?,
            TimeAxis::Column(name) => numeric_column(v, name, &[frames.visits, frames.samples])?,
        })
    }

    /// Each sample's time on this axis (months since onset from the subject's onset; the visit
    /// number of the linked visit).
    pub fn of_samples(&self, frames: Frames<'_>) -> Result<Vec<Option<f64>>, CohortError> {
        let s = frames.samples;
        Ok(match self {
            TimeAxis::MonthsSinceBaseline => f64s(s, c::DAY)?
                .into_iter()
                .map(|d| d.map(|d| d / DAYS_PER_MONTH))
                .collect(),
            TimeAxis::MonthsSinceOnset => {
                let subjects = strs(frames.subjects, c::SUBJECT_ID)?;
                let onset = opt_f64s(frames.subjects, c::ONSET_DELTA_DAYS)?;
                let onset_of: HashMap<&str, f64> = subjects
                    .iter()
                    .zip(&onset)
                    .filter_map(|(id, o)| Some((id.as_deref()?, (*o)?)))
                    .collect();
                let ids = strs(s, c::SUBJECT_ID)?;
                f64s(s, c::DAY)?
                    .into_iter()
                    .zip(&ids)
                    .map(|(d, id)| Some((d? - onset_of.get(id.as_deref()?)?) / DAYS_PER_MONTH))
                    .collect()
            }
            TimeAxis::Day => f64s(s, c::DAY)?,
            TimeAxis::Date => f64s(s, c::DATE)?,
            TimeAxis::VisitNumber => f64s(s, c::LINKED_VISIT_NUMBER)?,
            TimeAxis::Column(name) => numeric_column(s, name, &[frames.samples, frames.visits])?,
        })
    }

    /// Check the axis fits the cohort (a named column exists in the visits or samples table and
    /// holds numbers).
    pub fn check(&self, frames: Frames<'_>) -> Result<(), CohortError> {
        let TimeAxis::Column(name) = self else {
            return Ok(());
        };
        let stored = stored_name(name);
        let in_visits = frames.visits.column(&stored).is_ok() || frames.visits.column(name).is_ok();
        if in_visits {
            self.of_visits(frames).map(|_| ())
        } else {
            self.of_samples(frames).map(|_| ())
        }
    }
}

/// Columns of the samples table that identify, link or measure rather than place in time.
const NOT_TIMES: [&str; 18] = [
    c::SUBJECT_ID,
    c::SAMPLE_ID,
    c::LINKED_VISIT_NUMBER,
    c::LINK_GAP_DAYS,
    c::READ_DEPTH,
    c::SOURCE_LINE,
    c::OBSERVED_FEATURES,
    c::SHANNON,
    c::SHANNON_LOG2,
    c::SIMPSON,
    c::PIELOU_EVENNESS,
    c::CHAO1,
    c::FB_RATIO,
    c::DISTANCE_FROM_BASELINE,
    c::DISTANCE_FROM_PREVIOUS,
    c::NUM_VISITS,
    c::NUM_SAMPLES,
    c::BASELINE_DATE,
];

/// The study's own numeric columns that can be a time axis (beyond the built-in ones).
pub fn study_time_columns(frames: Frames<'_>) -> Vec<String> {
    let built_in = [
        c::MONTHS_SINCE_BASELINE,
        c::MONTHS_SINCE_ONSET,
        c::DAY,
        c::DATE,
        c::VISIT_NUMBER,
    ];
    time_columns(&[frames.visits, frames.samples])
        .into_iter()
        .filter(|name| !built_in.contains(&name.as_str()))
        .collect()
}

/// The time axes a cohort offers: the built-in ones, then numeric sample-metadata columns.
fn time_columns(tables: &[&DataFrame]) -> Vec<String> {
    let mut names = vec![
        c::MONTHS_SINCE_BASELINE.to_owned(),
        c::MONTHS_SINCE_ONSET.to_owned(),
        c::DAY.to_owned(),
        c::DATE.to_owned(),
        c::VISIT_NUMBER.to_owned(),
    ];
    // Visits' other numeric columns are measures; samples' metadata columns may be times.
    if let Some(samples) = tables.iter().find(|df| df.column(c::SAMPLE_ID).is_ok()) {
        for col in samples.columns() {
            let name = col.name().to_string();
            if !names.contains(&name)
                && !NOT_TIMES.contains(&name.as_str())
                && col.dtype() != &DataType::Boolean
                && as_numbers(samples, &name).is_ok()
            {
                names.push(name);
            }
        }
    }
    names
}

/// A column read as numbers: numeric columns as they are, text columns (sample metadata) when
/// every value is a number.
fn as_numbers(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>, String> {
    let col = df.column(name).map_err(|_| "missing".to_owned())?;
    if col.dtype() == &DataType::String {
        let text = strs(df, name).map_err(|e| e.to_string())?;
        if text.iter().all(Option::is_none) {
            return Err(crate::i18n::tr("it has no values").to_owned());
        }
        return text
            .into_iter()
            .map(|v| match v {
                None => Ok(None),
                Some(t) => t
                    .trim()
                    .parse::<f64>()
                    .map(Some)
                    .map_err(|_| crate::i18n::trf("`{t}` is not a number", &[("t", &t)])),
            })
            .collect();
    }
    f64s(df, name).map_err(|e| e.to_string())
}

/// `name` (or its stored snake_case form) in `df` as numbers; an error names the column and
/// lists the tables' numeric columns.
fn numeric_column(df: &DataFrame, name: &str, all: &[&DataFrame]) -> Result<Vec<Option<f64>>, CohortError> {
    let stored = stored_name(name);
    let found = [name, stored.as_str()].into_iter().find(|n| df.column(n).is_ok());
    let Some(found) = found else {
        return Err(CohortError::UnknownColumn {
            purpose: crate::i18n::tr("use as time"),
            column: name.to_owned(),
            available: time_columns(all),
        });
    };
    as_numbers(df, found).map_err(|why| CohortError::Unsuitable {
        purpose: crate::i18n::tr("be the time axis"),
        column: name.to_owned(),
        why,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_axes_and_columns_parse() {
        assert_eq!("months_since_baseline".parse(), Ok(TimeAxis::MonthsSinceBaseline));
        assert_eq!("day".parse(), Ok(TimeAxis::Day));
        assert_eq!(
            "days-since-experiment-start".parse(),
            Ok(TimeAxis::Column("days-since-experiment-start".to_owned()))
        );
        assert_eq!(TimeAxis::VisitNumber.to_string(), "visit_number");
        assert_eq!(
            stored_name("days-since-experiment-start"),
            "days_since_experiment_start"
        );
    }
}
