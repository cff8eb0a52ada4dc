//! Event rules: milestones and death that contradict the rest of the record — an event before
//! symptom onset or birth, visits after death, `died = yes` without a date of death, and a date
//! of death for a subject recorded as alive.

use polars::prelude::DataFrame;

use super::frames::{Visits, finding, show};
use crate::model::Finding;
use crate::model::columns as c;
use crate::model::frame::{ColumnError, opt_dates, opt_f64s, opt_strs};
use crate::model::time::{civil_from_days, iso_from_days};

/// A subject's event: its date when given, and its day on the visits' day axis.
#[derive(Clone, Copy)]
struct At {
    date: Option<i32>,
    day: Option<f64>,
}

impl At {
    fn describe(self) -> String {
        match (self.date, self.day) {
            (Some(d), _) => crate::i18n::trf("dated {p1}", &[("p1", &(iso_from_days(d)))]),
            (None, Some(day)) => crate::i18n::trf("on day {p1}", &[("p1", &(show(day)))]),
            (None, None) => String::new(),
        }
    }

    fn value(self) -> String {
        match (self.date, self.day) {
            (Some(d), _) => iso_from_days(d),
            (None, Some(day)) => show(day),
            (None, None) => String::new(),
        }
    }
}

/// An event's name, date column, and each subject's date and day.
type Event<'a> = (&'a str, &'a str, Vec<Option<i32>>, Vec<Option<f64>>);

/// An event's name in the language in use.
fn event_name(name: &str) -> &str {
    match name {
        "death" => crate::i18n::tr("death"),
        "tracheostomy" => crate::i18n::tr("tracheostomy"),
        "gastrostomy" => crate::i18n::tr("gastrostomy"),
        other => other,
    }
}

/// Every event finding for the cohort's subjects and visits.
pub fn check(subjects: &DataFrame, visits: &Visits) -> Result<Vec<Finding>, ColumnError> {
    let ids = opt_strs(subjects, c::SUBJECT_ID)?;
    let baseline = opt_dates(subjects, c::BASELINE_DATE)?;
    let onset_date = opt_dates(subjects, c::ONSET_DATE)?;
    let onset_day = opt_f64s(subjects, c::ONSET_DELTA_DAYS)?;
    let birth_date = opt_dates(subjects, c::BIRTH_DATE)?;
    let birth_year = opt_f64s(subjects, c::BIRTH_YEAR)?;
    let died = opt_strs(subjects, c::DIED)?;
    let events: Vec<Event> = c::CLINICAL_EVENTS
        .iter()
        .map(|e| {
            Ok((
                e.name,
                e.date,
                opt_dates(subjects, e.date)?,
                opt_f64s(subjects, e.days)?,
            ))
        })
        .collect::<Result<_, ColumnError>>()?;
    let at = |k: usize, dates: &[Option<i32>], days: &[Option<f64>]| At {
        date: dates[k],
        day: dates[k].zip(baseline[k]).map(|(d, b)| f64::from(d - b)).or(days[k]),
    };
    let mut out = Vec::new();
    let located = |k: usize, f: Finding, column: &str| {
        let f = f.column(column);
        match &ids[k] {
            Some(id) => f.subject(id),
            None => f,
        }
    };
    for k in 0..ids.len() {
        for (name, column, dates, days) in &events {
            let event = at(k, dates, days);
            if event.date.is_none() && event.day.is_none() {
                continue;
            }
            // Before onset: by date when both are dated, else on the day axis.
            let before_onset = match (event.date, onset_date[k]) {
                (Some(e), Some(o)) => {
                    (e < o).then(|| crate::i18n::trf("symptom onset ({p1})", &[("p1", &(iso_from_days(o)))]))
                }
                _ => match (event.day, onset_day[k]) {
                    (Some(e), Some(o)) if e < o => {
                        Some(crate::i18n::trf("symptom onset (day {p1})", &[("p1", &(show(o)))]))
                    }
                    _ => None,
                },
            };
            if let Some(onset) = before_onset {
                out.push(located(
                    k,
                    finding(
                        "events.before-onset",
                        crate::i18n::trf(
                            "{name} {p1} is before {onset}",
                            &[
                                ("name", &event_name(name)),
                                ("p1", &(event.describe())),
                                ("onset", &onset),
                            ],
                        ),
                    )
                    .value(&event.value()),
                    column,
                ));
            }
            let before_birth = match (event.date, birth_date[k], birth_year[k]) {
                (Some(e), Some(b), _) if e < b => Some(iso_from_days(b)),
                (Some(e), None, Some(y)) if f64::from(civil_from_days(e).0) < y => Some(show(y)),
                _ => None,
            };
            if let Some(born) = before_birth {
                out.push(located(
                    k,
                    finding(
                        "events.before-birth",
                        crate::i18n::trf(
                            "{name} {p1} is before the subject's birth ({born})",
                            &[
                                ("name", &event_name(name)),
                                ("p1", &(event.describe())),
                                ("born", &born),
                            ],
                        ),
                    )
                    .value(&event.value()),
                    column,
                ));
            }
        }
        let (_, _, death_dates, death_days) = &events[0];
        let death = at(k, death_dates, death_days);
        let dated = death.date.is_some() || death.day.is_some();
        match died[k].as_deref() {
            Some("yes") if !dated => out.push(located(
                k,
                finding(
                    "events.died-without-date",
                    crate::i18n::tr("recorded as died, but with no date or day of death; left out of survival from death"),
                ),
                c::DIED,
            )),
            Some("no") if dated => out.push(located(
                k,
                finding(
                    "events.death-but-alive",
                    crate::i18n::trf("a death {p1} is recorded, but `died` says no; survival reads it as the end of follow-up, alive", &[("p1", &(death.describe()))]),
                )
                .value(&death.value()),
                c::DIED,
            )),
            _ => {}
        }
    }
    out.extend(visits_after_death(&ids, &events[0].2, &events[0].3, &baseline, visits));
    Ok(out)
}

/// Visits dated (or on a day) after the subject's death, one finding per visit.
fn visits_after_death(
    ids: &[Option<String>],
    death_date: &[Option<i32>],
    death_days: &[Option<f64>],
    baseline: &[Option<i32>],
    visits: &Visits,
) -> Vec<Finding> {
    let row: std::collections::HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .filter_map(|(k, id)| Some((id.as_deref()?, k)))
        .collect();
    let mut out = Vec::new();
    for i in 0..visits.height {
        let Some(&k) = visits.subject[i].as_deref().and_then(|s| row.get(s)) else {
            continue;
        };
        let message = match (visits.date[i], death_date[k]) {
            (Some(v), Some(d)) if v > d => Some(crate::i18n::trf(
                "visit dated {p1}, {p2} days after death ({p3})",
                &[
                    ("p1", &(iso_from_days(v))),
                    ("p2", &(v - d)),
                    ("p3", &(iso_from_days(d))),
                ],
            )),
            (_, Some(_)) => None,
            _ => {
                let death_day = death_days[k].or(death_date[k].zip(baseline[k]).map(|(d, b)| f64::from(d - b)));
                match (visits.day[i], death_day) {
                    (Some(v), Some(d)) if v > d => Some(crate::i18n::trf(
                        "visit on day {p1}, {p2} days after death (day {p3})",
                        &[("p1", &(show(v))), ("p2", &(show(v - d))), ("p3", &(show(d)))],
                    )),
                    _ => None,
                }
            }
        };
        if let Some(message) = message {
            out.push(visits.at(i, finding("events.visit-after-death", message)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use polars::prelude::*;

    use super::*;
    use crate::model::time::days_from_civil;
    use crate::quality::test_frames::{rules, visits};

    fn day(y: i32, m: u32, d: u32) -> Option<i32> {
        days_from_civil(y, m, d)
    }

    /// One subject, A, with three visits in 2021 and the given subject columns.
    fn run(died: Option<&str>, dates: &[(&str, Option<i32>)]) -> Vec<Finding> {
        let v = visits(
            &["A", "A", "A"],
            &[day(2021, 1, 10), day(2021, 4, 10), day(2021, 7, 10)],
            &[],
        );
        let mut cols = vec![
            Column::new(c::SUBJECT_ID.into(), ["A"]),
            Column::new(c::DIED.into(), [died]),
            Column::new(c::BASELINE_DATE.into(), [day(2021, 1, 10)])
                .cast(&DataType::Date)
                .unwrap(),
            Column::new(c::ONSET_DATE.into(), [day(2020, 6, 1)])
                .cast(&DataType::Date)
                .unwrap(),
            Column::new(c::BIRTH_YEAR.into(), [Some(1960.0)]),
        ];
        for (name, d) in dates {
            cols.push(Column::new((*name).into(), [*d]).cast(&DataType::Date).unwrap());
        }
        let s = DataFrame::new(1, cols).unwrap();
        check(&s, &Visits::new(&v).unwrap()).unwrap()
    }

    #[test]
    fn events_must_agree_with_onset_birth_visits_and_died() {
        assert!(run(Some("no"), &[]).is_empty());
        assert!(run(Some("yes"), &[(c::DEATH_DATE, day(2021, 9, 1))]).is_empty());
        assert!(run(None, &[(c::NIV_DATE, day(2021, 2, 1))]).is_empty());

        let found = run(None, &[(c::GASTROSTOMY_DATE, day(2020, 3, 1))]);
        assert_eq!(rules(&found), ["events.before-onset"]);
        assert_eq!(found[0].column.as_deref(), Some(c::GASTROSTOMY_DATE));
        assert_eq!(found[0].value.as_deref(), Some("2020-03-01"));
        assert!(
            found[0].message.contains("before symptom onset (2020-06-01)"),
            "{}",
            found[0].message
        );

        let found = run(None, &[(c::TRACHEOSTOMY_DATE, day(1959, 3, 1))]);
        assert_eq!(rules(&found), ["events.before-onset", "events.before-birth"]);

        let found = run(Some("yes"), &[(c::DEATH_DATE, day(2021, 3, 1))]);
        assert_eq!(rules(&found), ["events.visit-after-death", "events.visit-after-death"]);
        assert_eq!(found[0].row, Some(3), "located at the second visit");
        assert!(found[0].message.contains("40 days after death"), "{}", found[0].message);

        assert_eq!(rules(&run(Some("yes"), &[])), ["events.died-without-date"]);
        assert_eq!(
            rules(&run(Some("no"), &[(c::DEATH_DATE, day(2021, 9, 1))])),
            ["events.death-but-alive"]
        );
    }

    #[test]
    fn days_are_compared_on_the_day_axis_when_there_are_no_dates() {
        let mut v = visits(&["A", "A"], &[None, None], &[]);
        v.with_column(Column::new(c::DAY.into(), [Some(0.0), Some(400.0)]))
            .unwrap();
        let s = DataFrame::new(
            1,
            vec![
                Column::new(c::SUBJECT_ID.into(), ["A"]),
                Column::new(c::DIED.into(), ["yes"]),
                Column::new(c::DEATH_DAYS.into(), [Some(300.0)]),
                Column::new(c::ONSET_DELTA_DAYS.into(), [Some(-500.0)]),
                Column::new(c::GASTROSTOMY_DAYS.into(), [Some(-600.0)]),
            ],
        )
        .unwrap();
        let found = check(&s, &Visits::new(&v).unwrap()).unwrap();
        assert_eq!(rules(&found), ["events.before-onset", "events.visit-after-death"]);
        assert!(
            found[1]
                .message
                .starts_with("visit on day 400, 100 days after death (day 300)")
        );
    }
}
