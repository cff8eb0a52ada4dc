//! Ranges: values outside what a human body or a scale allows. Values a unit mix-up explains
//! (weights in pounds, REE in kJ) are left to [`super::units`], so one problem is one finding.

use super::rules::{Range, Rules};
use super::units::MixUps;
use super::{ALSFRS_ITEMS, REE, Visits, finding, show};
use crate::model::{Finding, columns as c};

pub fn check(visits: &Visits, mixups: &MixUps, rules: &Rules) -> Vec<Finding> {
    let r = &rules.ranges;
    let mut out = Vec::new();
    for item in ALSFRS_ITEMS {
        out.extend(outside(
            visits,
            item,
            r.alsfrs_item,
            "range.alsfrs-item",
            "ALSFRS-R item",
            "",
        ));
    }
    out.extend(outside(
        visits,
        c::ALSFRS_R_TOTAL,
        r.alsfrs_total,
        "range.alsfrs-total",
        "ALSFRS-R total",
        "",
    ));
    let weight_lb = &mixups.weight_lb;
    out.extend(
        outside(visits, c::WEIGHT_KG, r.weight_kg, "range.weight", "weight", " kg")
            .into_iter()
            .filter(|(i, _)| !weight_lb.contains(i)),
    );
    out.extend(outside(
        visits,
        c::HEIGHT_CM,
        r.height_cm,
        "range.height",
        "height",
        " cm",
    ));
    out.extend(
        outside(visits, c::BMI, r.bmi, "range.bmi", "BMI", " kg/m²")
            .into_iter()
            .filter(|(i, _)| !weight_lb.contains(i)),
    );
    let ree_kj = &mixups.ree_kj;
    out.extend(
        outside(visits, REE, r.ree_kcal, "range.ree", "measured REE", " kcal/day")
            .into_iter()
            .filter(|(i, _)| !ree_kj.contains(i)),
    );
    out.into_iter().map(|(_, f)| f).collect()
}

/// Rows of `column` outside `[lo, hi]`, as (row, finding).
fn outside(
    visits: &Visits,
    column: &str,
    [lo, hi]: Range,
    rule: &str,
    what: &str,
    unit: &str,
) -> Vec<(usize, Finding)> {
    let Some(values) = visits.get(column) else {
        return Vec::new();
    };
    values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            let v = (*v)?;
            (v < lo || v > hi).then(|| {
                let f = finding(
                    rule,
                    crate::i18n::trf(
                        "{what} {p1}{unit} is outside the plausible {p2}–{p3}{unit}",
                        &[
                            ("what", &what),
                            ("p1", &(show(v))),
                            ("unit", &unit),
                            ("p2", &(show(lo))),
                            ("p3", &(show(hi))),
                        ],
                    ),
                )
                .column(column)
                .value(&show(v));
                (i, visits.at(i, f))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::Subjects;
    use crate::quality::test_frames::{rules, subjects, visits};

    fn run(cols: &[(&str, Vec<Option<f64>>)]) -> Vec<Finding> {
        let n = cols[0].1.len();
        let df = visits(&vec!["S1"; n], &vec![Some(19_000); n], cols);
        let (v, r) = (Visits::new(&df).expect("visit columns"), Rules::default());
        check(
            &v,
            &MixUps::find(
                &v,
                &Subjects::new(&subjects(&[], &[], &[])).expect("subject columns"),
                &r,
            ),
            &r,
        )
    }

    #[test]
    fn each_range_rule_fires_outside_its_range_only() {
        // (column, clean values, broken value, rule)
        let cases: [(&str, [f64; 2], f64, &str); 7] = [
            ("alsfrs_q7", [0.0, 4.0], 5.0, "range.alsfrs-item"),
            ("alsfrs_q1", [2.0, 3.0], -1.0, "range.alsfrs-item"),
            ("alsfrs_r_total", [0.0, 48.0], 49.0, "range.alsfrs-total"),
            ("height_cm", [150.0, 190.0], 17.5, "range.height"),
            ("bmi", [18.0, 31.0], 72.0, "range.bmi"),
            ("weight_kg", [40.0, 90.0], 12.0, "range.weight"),
            ("ree_measured_kcal", [1200.0, 2100.0], 300.0, "range.ree"),
        ];
        for (column, clean, broken, rule) in cases {
            let ok = run(&[(column, vec![Some(clean[0]), Some(clean[1]), None])]);
            assert!(ok.is_empty(), "{column}: {ok:?}");
            let bad = run(&[(column, vec![Some(clean[0]), Some(broken), None])]);
            assert_eq!(rules(&bad), [rule], "{column}");
            assert_eq!(bad[0].row, Some(3), "{column}: the second data row is line 3");
            assert_eq!(bad[0].column.as_deref(), Some(column));
            assert_eq!(bad[0].value.as_deref(), Some(show(broken).as_str()));
            assert_eq!(bad[0].subject.as_deref(), Some("S1"));
        }
    }

    #[test]
    fn a_unit_mix_up_is_reported_once_as_units_not_range() {
        // 6276 kJ/day is 1500 kcal/day: units.ree-kj, not range.ree.
        let found = run(&[("ree_measured_kcal", vec![Some(1480.0), Some(6276.0), Some(1510.0)])]);
        assert!(found.is_empty(), "{found:?}");
    }
}
