//! Schema: roles the metrics and checks need that no file provided. Unparseable numbers and
//! dates and duplicate columns are reported by the loaders where they are met.

use super::{ALSFRS_ITEMS, REE, Visits, finding};
use crate::model::{Cohort, Finding, Severity, columns as c};

pub fn check(cohort: &Cohort, visits: &Visits) -> Vec<Finding> {
    if visits.height == 0 {
        // A microbiome-only cohort: no clinical roles to miss.
        return Vec::new();
    }
    let has = |name: &str| visits.get(name).is_some_and(|v| v.iter().any(Option::is_some));
    let mut out = Vec::new();
    let dated = visits.date.iter().filter(|d| d.is_some()).count();
    if dated > 0 && dated < visits.height {
        // Dates that did not parse are already reported where they are.
        let unparsed: std::collections::HashSet<(Option<&str>, Option<usize>)> = cohort
            .findings
            .iter()
            .filter(|f| f.rule == "schema.unparseable-date")
            .map(|f| (f.file.as_deref(), f.row))
            .collect();
        for i in (0..visits.height).filter(|&i| visits.date[i].is_none()) {
            let at = (visits.file[i].as_deref(), visits.line[i].map(|l| l as usize));
            if unparsed.contains(&at) {
                continue;
            }
            out.push(visits.at(
                i,
                finding(
                    "schema.missing-date",
                    crate::i18n::tr("visit has no date while the cohort's other visits are dated; it is placed in time by its visit order only"),
                )
                .column(c::DATE),
            ));
        }
    }
    let mut missing = |severity: Severity, what: &str, consequence: &str| {
        let mut f = finding(
            "schema.missing-role",
            crate::i18n::trf(
                "no file gives {what}; {consequence}",
                &[("what", &what), ("consequence", &consequence)],
            ),
        );
        f.severity = severity;
        out.push(f);
    };
    if visits.date.iter().all(Option::is_none) && visits.day.iter().all(Option::is_none) {
        missing(
            Severity::Warning,
            crate::i18n::tr("visit dates or days"),
            crate::i18n::tr("visits are ordered by visit label only and the time rules cannot run"),
        );
    }
    if !has(c::ALSFRS_R_TOTAL) && !ALSFRS_ITEMS.iter().any(|i| has(i)) {
        missing(
            Severity::Info,
            crate::i18n::tr("ALSFRS-R scores"),
            crate::i18n::tr("no functional decline metrics"),
        );
    }
    if !has(c::WEIGHT_KG) {
        missing(
            Severity::Info,
            crate::i18n::tr("weight"),
            crate::i18n::tr("no BMI or weight-loss metrics"),
        );
    } else if !has(c::HEIGHT_CM) {
        missing(
            Severity::Info,
            crate::i18n::tr("height"),
            crate::i18n::tr("BMI cannot be computed"),
        );
    }
    let onset = [c::ONSET_DATE, c::ONSET_DELTA_DAYS].iter().any(|n| {
        cohort
            .subjects()
            .column(n)
            .is_ok_and(|col| col.null_count() < col.len())
    });
    if !onset {
        missing(
            Severity::Info,
            crate::i18n::tr("symptom onset"),
            crate::i18n::tr("no months since onset, ΔFS or visit-before-onset check"),
        );
    }
    if !has(REE) {
        missing(
            Severity::Info,
            crate::i18n::tr("measured REE"),
            crate::i18n::tr("no hypermetabolism metrics"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use polars::prelude::*;

    use super::*;
    use crate::quality::test_frames::{rules, subjects, visits};

    fn run(dates: &[Option<i32>], cols: &[(&str, Vec<Option<f64>>)], onset: bool) -> Vec<Finding> {
        let n = dates.len();
        let v = visits(&vec!["S1"; n], dates, cols);
        let s = if onset {
            subjects(&["S1"], &[], &[(c::ONSET_DELTA_DAYS, vec![Some(-300.0)])])
        } else {
            subjects(&["S1"], &[], &[])
        };
        let cohort = Cohort {
            visits: v,
            subjects: s,
            ..Cohort::default()
        };
        check(&cohort, &Visits::new(cohort.visits()).expect("visit columns"))
    }

    #[test]
    fn each_missing_role_is_named_with_what_it_costs() {
        let all = [
            (c::ALSFRS_R_TOTAL, vec![Some(40.0)]),
            (c::WEIGHT_KG, vec![Some(70.0)]),
            (c::HEIGHT_CM, vec![Some(170.0)]),
            (REE, vec![Some(1500.0)]),
        ];
        assert!(run(&[Some(19_000)], &all, true).is_empty());
        let missing = |found: &[Finding]| -> Vec<String> {
            found
                .iter()
                .map(|f| f.message.split(';').next().unwrap_or_default().to_owned())
                .collect()
        };
        let found = run(&[None], &all, true);
        assert_eq!(rules(&found), ["schema.missing-role"]);
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(missing(&found), ["no file gives visit dates or days"]);
        for (k, what) in ["ALSFRS-R scores", "weight", "height", "measured REE"]
            .iter()
            .enumerate()
        {
            let mut cols = all.to_vec();
            cols.remove(k);
            let found = run(&[Some(19_000)], &cols, true);
            assert_eq!(missing(&found), [format!("no file gives {what}")]);
            assert_eq!(found[0].severity, Severity::Info);
        }
        assert_eq!(
            missing(&run(&[Some(19_000)], &all, false)),
            ["no file gives symptom onset"]
        );
        // One undated visit among dated ones is located.
        let cols: Vec<(&str, Vec<Option<f64>>)> = all.iter().map(|(n, v)| (*n, vec![v[0]; 3])).collect();
        let found = run(&[Some(19_000), None, Some(19_090)], &cols, true);
        assert_eq!(rules(&found), ["schema.missing-date"]);
        assert_eq!(found[0].row, Some(3));
        // A microbiome-only cohort misses nothing clinical.
        let empty = Cohort::default();
        assert!(check(&empty, &Visits::new(&DataFrame::empty()).expect("visit columns")).is_empty());
    }
}
