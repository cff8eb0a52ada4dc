//! ALSFRS-R consistency: the total is the sum of its 12 items, and only one of items 5a
//! (cutting food, no gastrostomy) and 5b (with gastrostomy) is scored. Item and total ranges
//! are in [`super::ranges`].

use super::rules::Rules;
use super::{ALSFRS_ITEMS, Visits, finding, show};

/// Item 5a (cutting food without gastrostomy) and its alternative 5b (with one).
const ITEM_5A: &str = ALSFRS_ITEMS[4];
const ITEM_5B: &str = ALSFRS_ITEMS[5];
use crate::model::{Finding, columns as c};

pub fn check(visits: &Visits, rules: &Rules) -> Vec<Finding> {
    let items: Vec<&[Option<f64>]> = ALSFRS_ITEMS.iter().filter_map(|name| visits.get(name)).collect();
    if items.len() < ALSFRS_ITEMS.len() - 1 {
        // Items not recorded (or only a total): nothing to compare.
        return Vec::new();
    }
    let item = |name: &str, i: usize| visits.get(name).and_then(|v| v[i]);
    let total = visits.get(c::ALSFRS_R_TOTAL);
    let mut out = Vec::new();
    for i in 0..visits.height {
        let (a, b) = (item(ITEM_5A, i), item(ITEM_5B, i));
        if let (Some(a), Some(b)) = (a, b) {
            out.push(visits.at(
                i,
                finding(
                    "alsfrs.both-5a-5b",
                    crate::i18n::trf("items 5a ({p1}) and 5b ({p2}) are both scored; 5b replaces 5a only for patients with a gastrostomy", &[("p1", &(show(a))), ("p2", &(show(b)))]),
                )
                .column(ITEM_5B)
                .value(&show(b)),
            ));
        }
        let others: Option<f64> = ALSFRS_ITEMS
            .iter()
            .filter(|n| **n != ITEM_5A && **n != ITEM_5B)
            .map(|n| item(n, i))
            .sum();
        let Some(t) = total.and_then(|t| t[i]) else { continue };
        let Some(others) = others else { continue };
        // With both 5a and 5b scored, a total matching either reading is consistent.
        let sums: Vec<f64> = [a, b].iter().flatten().map(|five| others + five).collect();
        let tolerance = rules.alsfrs.total_tolerance;
        if let Some(&sum) = sums.first()
            && sums.iter().all(|s| (t - s).abs() > tolerance)
        {
            out.push(
                visits.at(
                    i,
                    finding(
                        "alsfrs.total-mismatch",
                        crate::i18n::trf(
                            "ALSFRS-R total {p1} but its 12 items sum to {p2}; expected the total to equal the sum",
                            &[("p1", &(show(t))), ("p2", &(show(sum)))],
                        ),
                    )
                    .column(c::ALSFRS_R_TOTAL)
                    .value(&show(t)),
                ),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::test_frames::{rules, visits};

    /// One visit scored 3 on every item but 5b (missing), with `edit` applied.
    fn run(edit: &[(&str, Option<f64>)]) -> Vec<Finding> {
        let mut cols: Vec<(&str, Vec<Option<f64>>)> = ALSFRS_ITEMS
            .iter()
            .map(|n| (*n, vec![if *n == "alsfrs_q5b" { None } else { Some(3.0) }]))
            .collect();
        cols.push((c::ALSFRS_R_TOTAL, vec![Some(36.0)]));
        for (name, v) in edit {
            cols.iter_mut().find(|(n, _)| n == name).expect("column").1 = vec![*v];
        }
        check(
            &Visits::new(&visits(&["S1"], &[None], &cols)).expect("visit columns"),
            &Rules::default(),
        )
    }

    #[test]
    fn totals_must_equal_the_items_and_5a_5b_exclude_each_other() {
        assert!(run(&[]).is_empty());
        // 5b instead of 5a is fine.
        assert!(run(&[("alsfrs_q5a", None), ("alsfrs_q5b", Some(3.0))]).is_empty());
        let off = run(&[(c::ALSFRS_R_TOTAL, Some(33.0))]);
        assert_eq!(rules(&off), ["alsfrs.total-mismatch"]);
        assert!(off[0].message.contains("sum to 36"), "{}", off[0].message);
        // Both scored: reported; the total matches the 5a reading, so no mismatch too.
        assert_eq!(rules(&run(&[("alsfrs_q5b", Some(1.0))])), ["alsfrs.both-5a-5b"]);
        // Both scored and the total matches neither reading.
        assert_eq!(
            rules(&run(&[("alsfrs_q5b", Some(1.0)), (c::ALSFRS_R_TOTAL, Some(30.0))])),
            ["alsfrs.both-5a-5b", "alsfrs.total-mismatch"]
        );
        // An item missing: the sum is unknown, nothing to compare.
        assert!(run(&[("alsfrs_q9", None), (c::ALSFRS_R_TOTAL, Some(20.0))]).is_empty());
        // A tolerance accepts small differences.
        let mut rules_ = Rules::default();
        rules_.alsfrs.total_tolerance = 3.0;
        let mut cols: Vec<(&str, Vec<Option<f64>>)> = ALSFRS_ITEMS.iter().map(|n| (*n, vec![Some(3.0)])).collect();
        cols.retain(|(n, _)| *n != "alsfrs_q5b");
        cols.push((c::ALSFRS_R_TOTAL, vec![Some(33.0)]));
        assert!(
            check(
                &Visits::new(&visits(&["S1"], &[None], &cols)).expect("visit columns"),
                &rules_
            )
            .is_empty()
        );
    }
}
