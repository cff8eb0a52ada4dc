//! Units: weights in pounds and REE in kJ written where kg and kcal were expected. Heights in
//! metres and percent abundances are converted and reported by the loaders.

use std::collections::BTreeSet;

use super::rules::Rules;
use super::{REE, Subjects, Visits, finding, show};
use crate::data::units::{KG_PER_LB, KJ_PER_KCAL};
use crate::model::{Finding, columns as c};

/// Visit rows whose values a unit mix-up explains: found once by [`MixUps::find`] and read by
/// the units rules (which report them) and the range and time rules (which leave them alone).
pub struct MixUps {
    pub weight_lb: BTreeSet<usize>,
    pub ree_kj: BTreeSet<usize>,
}

impl MixUps {
    pub fn find(visits: &Visits, subjects: &Subjects, rules: &Rules) -> Self {
        Self {
            weight_lb: weight_lb_rows(visits, subjects, rules),
            ree_kj: ree_kj_rows(visits, rules),
        }
    }
}

pub fn check(visits: &Visits, mixups: &MixUps) -> Vec<Finding> {
    let mut out = Vec::new();
    let lb = &mixups.weight_lb;
    let weights = visits.get(c::WEIGHT_KG).unwrap_or_default();
    for rows in visits.by_subject() {
        let flagged: Vec<usize> = rows.clone().filter(|i| lb.contains(i)).collect();
        let Some(&first) = flagged.first() else { continue };
        let Some(w) = weights[first] else { continue };
        let of = rows.clone().filter(|&i| weights[i].is_some()).count();
        let which = if flagged.len() == 1 {
            crate::i18n::tr("this weight").to_owned()
        } else {
            crate::i18n::trf(
                "{p1} of this subject's {of} weights (first here)",
                &[("p1", &(flagged.len())), ("of", &of)],
            )
        };
        out.push(
            visits.at(
                first,
                finding(
                    "units.weight-lb",
                    crate::i18n::trf("{which} read as pounds: {p1} lb is {p2} kg, plausible for this subject where the value as kg is not; expected kg", &[("which", &which), ("p1", &(show(w))), ("p2", &format!("{:.1}", w * KG_PER_LB))]),
                )
                .column(c::WEIGHT_KG)
                .value(&show(w)),
            ),
        );
    }
    let ree = visits.get(REE).unwrap_or_default();
    for &i in &mixups.ree_kj {
        let Some(v) = ree[i] else { continue };
        out.push(
            visits.at(
                i,
                finding(
                    "units.ree-kj",
                    crate::i18n::trf("REE {p1} reads as kJ/day: it is {p2} kcal/day, plausible for this subject where the value as kcal is not; expected kcal/day", &[("p1", &(show(v))), ("p2", &format!("{:.0}", v / KJ_PER_KCAL))]),
                )
                .column(REE)
                .value(&show(v)),
            ),
        );
    }
    out
}

/// True when `ratio` is `factor` within the rules' tolerance.
fn near(ratio: f64, factor: f64, rules: &Rules) -> bool {
    (ratio / factor - 1.0).abs() <= rules.units.ratio_tolerance
}

/// Median of the values, if any.
fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        f64::midpoint(values[n / 2 - 1], values[n / 2])
    })
}

/// Visit rows whose weight reads as pounds: about 2.2× the subject's other weights, or about
/// 2.2× (down to 0.7 × 2.2: weight lost since) the premorbid weight, or (with no premorbid
/// weight) a BMI of at least `lb_min_bmi` that is ordinary once read in pounds.
fn weight_lb_rows(visits: &Visits, subjects: &Subjects, rules: &Rules) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    let Some(weights) = visits.get(c::WEIGHT_KG) else {
        return out;
    };
    let heights = visits.get(c::HEIGHT_CM).unwrap_or_default();
    let lb = 1.0 / KG_PER_LB;
    for rows in visits.by_subject() {
        let row = subjects.row(visits.subject[rows.start].as_deref());
        let premorbid = row.and_then(|r| subjects.premorbid_weight_kg[r]);
        let subject_height = row.and_then(|r| subjects.height_cm[r]);
        for i in rows.clone() {
            let Some(w) = weights[i] else { continue };
            let others = median(rows.clone().filter(|&j| j != i).filter_map(|j| weights[j]).collect());
            let by_others = others.is_some_and(|m| near(w / m, lb, rules));
            let by_premorbid = premorbid.is_some_and(|p| {
                let r = w / p;
                r >= lb * 0.7 && r <= lb * (1.0 + rules.units.ratio_tolerance)
            });
            // BMI is the weakest clue: only when no premorbid weight says otherwise.
            let by_bmi = premorbid.is_none()
                && heights.get(i).copied().flatten().or(subject_height).is_some_and(|h| {
                    let bmi = w / (h / 100.0).powi(2);
                    bmi >= rules.units.lb_min_bmi && (15.0..=35.0).contains(&(bmi * KG_PER_LB))
                });
            if by_others || by_premorbid || by_bmi {
                out.insert(i);
            }
        }
    }
    out
}

/// Visit rows whose REE reads as kJ/day: about 4.184× the subject's other values, or above
/// the plausible range and inside it once divided by 4.184.
fn ree_kj_rows(visits: &Visits, rules: &Rules) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    let Some(ree) = visits.get(REE) else {
        return out;
    };
    let [lo, hi] = rules.ranges.ree_kcal;
    for rows in visits.by_subject() {
        for i in rows.clone() {
            let Some(v) = ree[i] else { continue };
            let others = median(rows.clone().filter(|&j| j != i).filter_map(|j| ree[j]).collect());
            let by_others = others.is_some_and(|m| near(v / m, KJ_PER_KCAL, rules));
            let kcal = v / KJ_PER_KCAL;
            let by_range = v > hi && (lo..=hi).contains(&kcal) && others.is_none_or(|m| v / m > 2.0);
            if by_others || by_range {
                out.insert(i);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::test_frames::{rules, subjects, visits};

    /// The units findings of a visits and a subjects frame, with the default rules.
    fn checked(v: &polars::prelude::DataFrame, s: &polars::prelude::DataFrame) -> Vec<Finding> {
        let (v, s) = (
            Visits::new(v).expect("visit columns"),
            Subjects::new(s).expect("subject columns"),
        );
        check(&v, &MixUps::find(&v, &s, &Rules::default()))
    }

    fn run(weights: &[f64], height: Option<f64>, premorbid: Option<f64>) -> Vec<Finding> {
        let n = weights.len();
        let df = visits(
            &vec!["S1"; n],
            &vec![None; n],
            &[(c::WEIGHT_KG, weights.iter().map(|w| Some(*w)).collect())],
        );
        let s = subjects(
            &["S1"],
            &[],
            &[(c::HEIGHT_CM, vec![height]), ("premorbid_weight_kg", vec![premorbid])],
        );
        checked(&df, &s)
    }

    #[test]
    fn weights_in_pounds_are_found_by_each_clue() {
        // Clean: kilograms, losing weight slowly.
        assert!(run(&[72.0, 70.5, 69.0], Some(175.0), Some(75.0)).is_empty());
        // One visit in pounds among kilograms.
        let one = run(&[72.0, 155.4, 69.0], None, None);
        assert_eq!(rules(&one), ["units.weight-lb"]);
        assert_eq!(one[0].row, Some(3));
        // Every visit in pounds: the premorbid weight gives it away…
        let all = run(&[158.7, 155.4, 152.1], None, Some(75.0));
        assert_eq!(rules(&all), ["units.weight-lb"], "one finding for the subject");
        assert!(
            all[0].message.starts_with("3 of this subject's 3 weights"),
            "{}",
            all[0].message
        );
        // …or the height: BMI 51.8 as kg, 23.5 as lb.
        assert_eq!(rules(&run(&[158.7, 155.4], Some(175.0), None)), ["units.weight-lb"]);
        // A heavy patient in kg (BMI 41 and 47): below lb_min_bmi, or the premorbid weight
        // says kilograms.
        assert!(run(&[125.0, 124.0], Some(175.0), None).is_empty());
        assert!(run(&[145.0, 144.0], Some(175.0), Some(150.0)).is_empty());
    }

    #[test]
    fn ree_in_kilojoules_is_found_against_the_subject_or_the_range() {
        let run = |ree: &[f64]| {
            let n = ree.len();
            let df = visits(
                &vec!["S1"; n],
                &vec![None; n],
                &[(REE, ree.iter().map(|v| Some(*v)).collect())],
            );
            checked(&df, &subjects(&["S1"], &[], &[]))
        };
        assert!(run(&[1500.0, 1450.0, 1620.0]).is_empty());
        let kj = run(&[6276.0, 1450.0, 1520.0]);
        assert_eq!(rules(&kj), ["units.ree-kj"]);
        assert_eq!(kj[0].value.as_deref(), Some("6276"));
        // A lone value: above 5000 kcal/day but 1500 once read as kJ.
        assert_eq!(rules(&run(&[6276.0])), ["units.ree-kj"]);
        // A lone 30000 is not kJ either (7170 kcal/day): left to range.ree.
        assert!(run(&[30000.0]).is_empty());
    }
}
