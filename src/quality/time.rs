//! Time: visits before onset or birth, dates in the future, long gaps between visits, and
//! changes between consecutive visits too fast to be real (ALSFRS-R rising, weight jumping).
//! Ambiguous and unparseable dates are reported by the loaders.

use polars::prelude::DataFrame;

use super::rules::Rules;
use super::units::MixUps;
use super::{Subjects, Visits, finding, show};
use crate::model::frame::{ColumnError, opt_dates, opt_strs};
use crate::model::time::{DAYS_PER_MONTH, civil_from_days, iso_from_days};
use crate::model::{Finding, columns as c};

pub fn check(
    visits: &Visits,
    subjects: &Subjects,
    samples: &DataFrame,
    mixups: &MixUps,
    rules: &Rules,
) -> Result<Vec<Finding>, ColumnError> {
    let mut out = Vec::new();
    let today = rules.today().unwrap_or(i32::MAX);
    for i in 0..visits.height {
        let Some(d) = visits.date[i] else { continue };
        let s = subjects.row(visits.subject[i].as_deref());
        if let Some(onset) = s.and_then(|r| subjects.onset_date[r])
            && d < onset
        {
            out.push(
                visits.at(
                    i,
                    finding(
                        "time.before-onset",
                        crate::i18n::trf(
                            "visit dated {p1}, {p2} days before symptom onset ({p3}); expected on or after onset",
                            &[
                                ("p1", &(iso_from_days(d))),
                                ("p2", &(onset - d)),
                                ("p3", &(iso_from_days(onset))),
                            ],
                        ),
                    )
                    .column(c::DATE)
                    .value(&iso_from_days(d)),
                ),
            );
        }
        if let Some(born) = s.and_then(|r| subjects.birth_year[r])
            && f64::from(civil_from_days(d).0) < born
        {
            out.push(
                visits.at(
                    i,
                    finding(
                        "time.before-birth",
                        crate::i18n::trf(
                            "visit dated {p1}, before the subject's birth year {p2}",
                            &[("p1", &(iso_from_days(d))), ("p2", &(show(born)))],
                        ),
                    )
                    .column(c::DATE)
                    .value(&iso_from_days(d)),
                ),
            );
        }
        if d > today {
            out.push(
                visits.at(
                    i,
                    finding(
                        "time.future-date",
                        crate::i18n::trf(
                            "visit dated {p1}, after today ({p2})",
                            &[("p1", &(iso_from_days(d))), ("p2", &(iso_from_days(today)))],
                        ),
                    )
                    .column(c::DATE)
                    .value(&iso_from_days(d)),
                ),
            );
        }
    }
    let sample_ids = opt_strs(samples, c::SAMPLE_ID)?;
    let sample_subjects = opt_strs(samples, c::SUBJECT_ID)?;
    for (k, d) in opt_dates(samples, c::DATE)?.into_iter().enumerate() {
        if let Some(d) = d
            && d > today
        {
            let mut f = finding(
                "time.future-date",
                crate::i18n::trf(
                    "sample collected {p1}, after today ({p2})",
                    &[("p1", &(iso_from_days(d))), ("p2", &(iso_from_days(today)))],
                ),
            )
            .column(c::DATE)
            .value(&iso_from_days(d));
            if let Some(id) = &sample_ids[k] {
                f = f.sample(id);
            }
            if let Some(s) = &sample_subjects[k] {
                f = f.subject(s);
            }
            out.push(f);
        }
    }
    out.extend(between_visits(visits, mixups, rules));
    out.extend(height_changes(visits, rules));
    Ok(out)
}

/// Heights measured at visits far from the subject's median height (adults do not grow).
fn height_changes(visits: &Visits, rules: &Rules) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(height) = visits.get(c::HEIGHT_CM) else {
        return out;
    };
    let limit = rules.time.max_height_change_cm;
    for rows in visits.by_subject() {
        let mut hs: Vec<f64> = rows.clone().filter_map(|i| height[i]).collect();
        if hs.len() < 3 {
            continue;
        }
        hs.sort_by(f64::total_cmp);
        let median = hs[hs.len() / 2];
        for i in rows {
            if let Some(h) = height[i]
                && (h - median).abs() > limit
            {
                out.push(visits.at(
                    i,
                    finding(
                        "time.height-change",
                        crate::i18n::trf("height {p1} cm differs from this subject's usual {p2} cm by more than {p3} cm; an adult's height should not change", &[("p1", &(show(h))), ("p2", &(show(median))), ("p3", &(show(limit)))]),
                    )
                    .column(c::HEIGHT_CM)
                    .value(&show(h)),
                ));
            }
        }
    }
    out
}

/// The longest expected gap between visits on the cohort's own schedule: three times the median
/// interval between a subject's consecutive dated visits (270 days for quarterly visits, three
/// years for yearly ones), or 270 days when no subject has two.
fn schedule_gap(visits: &Visits) -> f64 {
    let mut gaps: Vec<f64> = visits
        .by_subject()
        .into_iter()
        .flat_map(|rows| {
            let days: Vec<f64> = rows.filter_map(|i| visits.day[i]).collect();
            days.windows(2).map(|w| w[1] - w[0]).collect::<Vec<_>>()
        })
        .filter(|g| *g > 0.0)
        .collect();
    if gaps.is_empty() {
        return 270.0;
    }
    gaps.sort_by(f64::total_cmp);
    3.0 * gaps[gaps.len() / 2]
}

/// Rules on consecutive visits of one subject: gaps, ALSFRS-R rises, weight changes.
fn between_visits(visits: &Visits, mixups: &MixUps, rules: &Rules) -> Vec<Finding> {
    let t = &rules.time;
    let max_gap = t.max_visit_gap_days.unwrap_or_else(|| schedule_gap(visits));
    let mut out = Vec::new();
    let total = visits.get(c::ALSFRS_R_TOTAL);
    let weight = visits.get(c::WEIGHT_KG);
    let lb = &mixups.weight_lb;
    let line = |i: usize| {
        visits.line[i].map_or_else(String::new, |l| {
            crate::i18n::trf(" (line {l})", &[("l", &format!("{l:.0}"))])
        })
    };
    for rows in visits.by_subject() {
        let timed: Vec<(usize, f64)> = rows.filter_map(|i| Some((i, visits.day[i]?))).collect();
        for w in timed.windows(2) {
            let ((i, d0), (j, d1)) = (w[0], w[1]);
            let gap = d1 - d0;
            if gap > max_gap {
                out.push(
                    visits.at(
                        j,
                        finding(
                            "time.long-gap",
                            crate::i18n::trf("{gap} days since the previous visit{p1}; expected at most {p2} days between visits{p3}", &[("gap", &format!("{gap:.0}")), ("p1", &(line(i))), ("p2", &(show(max_gap.round()))), ("p3", &(if t.max_visit_gap_days.is_some() {
                                    ""
                                } else {
                                    " (3 × the cohort's median interval)"
                                }))]),
                        )
                        .column(c::DATE)
                        .value(&crate::i18n::trf("{gap} days", &[("gap", &format!("{gap:.0}"))])),
                    ),
                );
            }
            if let Some(total) = total
                && let (Some(a), Some(b)) = (total[i], total[j])
                && b - a > t.max_alsfrs_rise
            {
                out.push(visits.at(
                    j,
                    finding(
                        "time.alsfrs-rise",
                        crate::i18n::trf("ALSFRS-R total rose from {p1} to {p2} (+{p3}) since the previous visit{p4}; rises of more than {p5} points are implausible in ALS", &[("p1", &(show(a))), ("p2", &(show(b))), ("p3", &(show(b - a))), ("p4", &(line(i))), ("p5", &(show(t.max_alsfrs_rise)))]),
                    )
                    .column(c::ALSFRS_R_TOTAL)
                    .value(&show(b)),
                ));
            }
            if let Some(weight) = weight
                && let (Some(a), Some(b)) = (weight[i], weight[j])
                && !lb.contains(&i)
                && !lb.contains(&j)
            {
                // Visits days apart are compared as half a month apart, not as a huge rate.
                let months = (gap.abs() / DAYS_PER_MONTH).max(0.5);
                let rate = (b - a).abs() / months;
                if rate > t.max_weight_change_kg_per_month {
                    out.push(visits.at(
                        j,
                        finding(
                            "time.weight-change",
                            crate::i18n::trf("weight went from {p1} to {p2} kg in {gap} days ({rate} kg/month) since the previous visit{p3}; expected at most {p4} kg/month", &[("p1", &(show(a))), ("p2", &(show(b))), ("gap", &format!("{gap:.0}")), ("rate", &format!("{rate:.1}")), ("p3", &(line(i))), ("p4", &(show(t.max_weight_change_kg_per_month)))]),
                        )
                        .column(c::WEIGHT_KG)
                        .value(&show(b)),
                    ));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use polars::prelude::*;

    use super::*;
    use crate::model::time::days_from_civil;
    use crate::quality::test_frames::{rules, subjects, visits};

    fn day(y: i32, m: u32, d: u32) -> Option<i32> {
        days_from_civil(y, m, d)
    }

    /// One subject (born 1960, onset 2021-06-01) seen on `dates_`, with measure columns.
    fn run(dates_: &[Option<i32>], cols: &[(&str, Vec<Option<f64>>)]) -> Vec<Finding> {
        let n = dates_.len();
        let base = dates_.iter().flatten().min().copied().unwrap_or(0);
        let mut all = cols.to_vec();
        all.push((c::DAY, dates_.iter().map(|d| d.map(|d| f64::from(d - base))).collect()));
        let v = visits(&vec!["S1"; n], dates_, &all);
        let s = subjects(&["S1"], &[], &[("birth_year", vec![Some(1960.0)])]);
        let s = s
            .hstack(&[Column::new("onset_date".into(), [day(2021, 6, 1)])
                .cast(&DataType::Date)
                .unwrap()])
            .unwrap();
        let samples = DataFrame::empty();
        let mut rules_ = Rules::default();
        rules_.time.today = "2026-11-25".to_owned();
        let (v, s) = (
            Visits::new(&v).expect("visit columns"),
            Subjects::new(&s).expect("subject columns"),
        );
        check(&v, &s, &samples, &MixUps::find(&v, &s, &rules_), &rules_).expect("sample columns")
    }

    #[test]
    fn long_gaps_are_judged_against_the_cohorts_own_schedule() {
        let every = |days: i32, k: std::ops::Range<i32>| -> Vec<Option<i32>> {
            k.map(|k| day(2021, 7, 1).map(|d| d + days * k)).collect()
        };
        // Yearly visits are the schedule, not a gap (a real cohort gave 1,092 warnings).
        assert!(run(&every(365, 0..5), &[]).is_empty());
        // Missing four half-yearly visits in a row is a gap.
        let mut holed = every(182, 0..9);
        holed.drain(3..7);
        let found = run(&holed, &[]);
        assert_eq!(rules(&found), ["time.long-gap"], "{found:?}");
        assert!(
            found[0].message.contains("3 × the cohort's median interval"),
            "{}",
            found[0].message
        );
    }

    fn quarterly(n: usize) -> Vec<Option<i32>> {
        (0..n).map(|k| day(2022, 1, 10).map(|d| d + 90 * k as i32)).collect()
    }

    #[test]
    fn dates_must_fall_between_onset_birth_and_today() {
        assert!(run(&quarterly(4), &[]).is_empty());
        let mut d = quarterly(4);
        d[0] = day(2021, 5, 1);
        // (and the year to the next visit is a long gap)
        assert_eq!(rules(&run(&d, &[])), ["time.before-onset", "time.long-gap"]);
        d[0] = day(1955, 3, 1);
        let found = run(&d, &[]);
        assert!(rules(&found).contains(&"time.before-birth"), "{found:?}");
        let mut d = quarterly(4);
        d[3] = day(2031, 1, 15);
        let found = run(&d, &[]);
        assert_eq!(rules(&found), ["time.future-date", "time.long-gap"]);
        assert_eq!(found[0].value.as_deref(), Some("2031-01-15"));
        assert_eq!(found[0].row, Some(5));
    }

    #[test]
    fn consecutive_visits_must_be_close_and_change_plausibly() {
        let mut d = quarterly(7);
        d.drain(2..4);
        assert!(run(&d, &[]).is_empty(), "two missed visits (270 days) are allowed");
        d.remove(2);
        let found = run(&d, &[]);
        assert_eq!(rules(&found), ["time.long-gap"]);
        assert!(found[0].message.starts_with("360 days"), "{}", found[0].message);
        let total = |v: [f64; 4]| vec![(c::ALSFRS_R_TOTAL, v.iter().map(|x| Some(*x)).collect())];
        assert!(
            run(&quarterly(4), &total([40.0, 38.0, 41.0, 36.0])).is_empty(),
            "+3 is allowed"
        );
        let rise = run(&quarterly(4), &total([40.0, 38.0, 44.0, 36.0]));
        assert_eq!(rules(&rise), ["time.alsfrs-rise"]);
        assert_eq!(rise[0].row, Some(4));
        let weight = |v: [f64; 4]| vec![(c::WEIGHT_KG, v.iter().map(|x| Some(*x)).collect())];
        assert!(run(&quarterly(4), &weight([70.0, 68.0, 65.0, 62.0])).is_empty());
        let jump = run(&quarterly(4), &weight([70.0, 68.0, 95.0, 66.0]));
        assert_eq!(rules(&jump), ["time.weight-change", "time.weight-change"]);
        let height = |v: [f64; 4]| vec![(c::HEIGHT_CM, v.iter().map(|x| Some(*x)).collect())];
        assert!(run(&quarterly(4), &height([171.0, 170.0, 172.0, 170.5])).is_empty());
        let shrunk = run(&quarterly(4), &height([171.0, 170.0, 162.0, 170.5]));
        assert_eq!(rules(&shrunk), ["time.height-change"]);
        assert_eq!(shrunk[0].value.as_deref(), Some("162"));
    }
}
