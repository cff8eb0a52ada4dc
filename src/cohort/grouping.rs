//! Groupings: any categorical column of the subjects table (arm, site, sex, onset region, and
//! sample-metadata columns constant within a subject, which loading lifts there) as groups.

use polars::prelude::{DataFrame, DataType};

use super::frames::CohortError;
use crate::model::columns as c;
use crate::model::frame::{bools, f64s, strs};
use crate::model::natural::natural_cmp;

/// Name of the group of subjects without a value.
pub const NOT_RECORDED: &str = "(not recorded)";

/// Most levels a column may have to be a grouping.
const MAX_LEVELS: usize = 30;

/// Subject columns that identify or count rather than group.
const NOT_GROUPS: [&str; 5] = [
    c::SUBJECT_ID,
    c::BASELINE_DATE,
    c::LISTED_IN_SUBJECTS_TABLE,
    c::NUM_VISITS,
    c::NUM_SAMPLES,
];

/// Subjects in groups: level names (natural order, [`NOT_RECORDED`] last) and each subject's.
#[derive(Clone, Debug, PartialEq)]
pub struct Grouping {
    pub column: String,
    pub levels: Vec<String>,
    /// Group of each row of the subjects table.
    pub of_subject: Vec<usize>,
}

impl Grouping {
    /// Number of subjects in each level.
    pub fn counts(&self) -> Vec<usize> {
        let mut n = vec![0; self.levels.len()];
        for g in &self.of_subject {
            n[*g] += 1;
        }
        n
    }
}

/// Each subject's value of `column` as text, if the column can group: text, yes/no, or a
/// number with few distinct values (coded groups).
fn labels(subjects: &DataFrame, column: &str) -> Result<Vec<Option<String>>, CohortError> {
    let col = subjects.column(column).map_err(|_| CohortError::UnknownColumn {
        purpose: crate::i18n::tr("group by"),
        column: column.to_owned(),
        available: group_columns(subjects),
    })?;
    Ok(match col.dtype() {
        DataType::String | DataType::Null => strs(subjects, column)?,
        DataType::Boolean => bools(subjects, column)?
            .into_iter()
            .map(|b| b.map(|b| if b { "yes" } else { "no" }.to_owned()))
            .collect(),
        d if d.is_primitive_numeric() => {
            let values = f64s(subjects, column)?;
            // Only whole numbers are codes; a measurement (BMI, a baseline value) is not a group.
            if values.iter().flatten().any(|v| v.fract() != 0.0) {
                return Err(CohortError::Unsuitable {
                    purpose: crate::i18n::tr("group by"),
                    column: column.to_owned(),
                    why: crate::i18n::tr("it holds measurements, not codes (use a categorical column)").to_owned(),
                });
            }
            values.into_iter().map(|v| v.map(|v| format!("{v}"))).collect()
        }
        other => {
            return Err(CohortError::Unsuitable {
                purpose: crate::i18n::tr("group by"),
                column: column.to_owned(),
                why: crate::i18n::trf("it holds {other}", &[("other", &other)]),
            });
        }
    })
}

/// Why a column's values cannot form groups, if they cannot.
fn unsuitable(values: &[Option<String>], numeric: bool) -> Option<String> {
    let mut distinct: Vec<&str> = values.iter().flatten().map(String::as_str).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let n = values.len();
    if distinct.is_empty() {
        return Some(crate::i18n::tr("it has no values").to_owned());
    }
    if distinct.len() > MAX_LEVELS || (n > 3 && distinct.len() == n && !numeric) {
        return Some(crate::i18n::trf(
            "it has {k} different values among {n} subjects (a grouping needs at most {max}, shared by several subjects)",
            &[("k", &distinct.len()), ("n", &n), ("max", &MAX_LEVELS)],
        ));
    }
    if numeric && distinct.len() > 12 {
        return Some(crate::i18n::trf(
            "it is a number with {k} different values",
            &[("k", &distinct.len())],
        ));
    }
    None
}

/// The columns the subjects can be grouped by, in table order.
pub fn group_columns(subjects: &DataFrame) -> Vec<String> {
    subjects
        .columns()
        .iter()
        .map(|col| col.name().to_string())
        .filter(|name| !NOT_GROUPS.contains(&name.as_str()) && !is_derived_value(name))
        .filter(|name| {
            let numeric = subjects.column(name).is_ok_and(|c| c.dtype().is_primitive_numeric());
            labels(subjects, name).is_ok_and(|v| unsuitable(&v, numeric).is_none())
        })
        .collect()
}

/// Per-subject summaries of measures (`baseline_bmi`, `last_weight_kg`, slopes): values, never
/// offered as groupings even when a small cohort makes them look like codes.
fn is_derived_value(name: &str) -> bool {
    name.starts_with("baseline_")
        || name.starts_with("last_")
        || [
            c::ALSFRS_R_SLOPE_PER_MONTH,
            c::ALSFRS_R_SLOPE_N,
            c::ALSFRS_R_SLOPE_SPAN_MONTHS,
            c::DELTA_FS,
        ]
        .contains(&name)
}

/// Group the subjects by `column`.
pub fn group_by(subjects: &DataFrame, column: &str) -> Result<Grouping, CohortError> {
    let values = labels(subjects, column)?;
    let numeric = subjects.column(column).is_ok_and(|c| c.dtype().is_primitive_numeric());
    if NOT_GROUPS.contains(&column) {
        return Err(CohortError::Unsuitable {
            purpose: crate::i18n::tr("group by"),
            column: column.to_owned(),
            why: crate::i18n::tr("it identifies or counts subjects").to_owned(),
        });
    }
    if let Some(why) = unsuitable(&values, numeric) {
        return Err(CohortError::Unsuitable {
            purpose: crate::i18n::tr("group by"),
            column: column.to_owned(),
            why,
        });
    }
    let mut levels: Vec<String> = values.iter().flatten().cloned().collect();
    levels.sort_by(|a, b| natural_cmp(a, b));
    levels.dedup();
    let missing = values.iter().any(Option::is_none);
    if missing {
        levels.push(NOT_RECORDED.to_owned());
    }
    let of_subject = values
        .iter()
        .map(|v| match v {
            Some(v) => levels.iter().position(|l| l == v).unwrap_or(0),
            None => levels.len() - 1,
        })
        .collect();
    Ok(Grouping {
        column: column.to_owned(),
        levels,
        of_subject,
    })
}

#[cfg(test)]
mod tests {
    use polars::prelude::Column;

    use super::*;

    fn subjects() -> DataFrame {
        DataFrame::new(
            5,
            vec![
                Column::new(c::SUBJECT_ID.into(), ["1", "2", "10", "11", "3"]),
                Column::new(
                    "delivery".into(),
                    [
                        Some("Vaginal"),
                        Some("Cesarean"),
                        None,
                        Some("Vaginal"),
                        Some("Cesarean"),
                    ],
                ),
                Column::new("dose".into(), [Some(10.0), Some(2.0), Some(10.0), Some(2.0), None]),
                Column::new(
                    c::HYPERMETABOLIC.into(),
                    [Some(true), Some(false), None, Some(true), Some(false)],
                ),
                Column::new("weight".into(), [61.5, 70.25, 80.0, 55.5, 90.0]),
                Column::new("site".into(), ["A", "A", "B", "B", "A"]),
                Column::new("code".into(), ["a", "b", "c", "d", "e"]),
                Column::new(c::NUM_VISITS.into(), [1, 2, 3, 4, 5]),
            ],
        )
        .expect("frame")
    }

    #[test]
    fn any_categorical_column_groups_with_missing_values_last() {
        let s = subjects();
        let g = group_by(&s, "delivery").expect("groups");
        assert_eq!(g.levels, ["Cesarean", "Vaginal", NOT_RECORDED]);
        assert_eq!(g.of_subject, [1, 0, 2, 1, 0]);
        assert_eq!(g.counts(), [2, 2, 1]);
        // Coded numbers group in numeric order; yes/no columns group as yes/no.
        assert_eq!(group_by(&s, "dose").expect("groups").levels, ["2", "10", NOT_RECORDED]);
        assert_eq!(
            group_by(&s, c::HYPERMETABOLIC).expect("groups").levels,
            ["no", "yes", NOT_RECORDED]
        );
        assert_eq!(group_columns(&s), ["delivery", "dose", c::HYPERMETABOLIC, "site"]);
        let e = group_by(&s, "weight").expect_err("a measurement");
        assert!(e.to_string().contains("measurements, not codes"), "{e}");
    }

    #[test]
    fn unknown_and_unsuitable_columns_are_refused_by_name() {
        let s = subjects();
        let e = group_by(&s, "diet").expect_err("unknown");
        assert_eq!(
            e.to_string(),
            "no column `diet` to group by; columns that can: delivery, dose, hypermetabolic, site"
        );
        let e = group_by(&s, "code").expect_err("an id-like column");
        assert!(
            e.to_string()
                .starts_with("column `code` cannot group by: it has 5 different values"),
            "{e}"
        );
        assert!(group_by(&s, c::NUM_VISITS).is_err());
    }
}
