//! Identity: who the data belongs to. Duplicate visits and samples, rows without a subject,
//! and samples without a subject, visit, metadata or abundances are reported by the loaders;
//! here, subjects the subjects table and the data files disagree about.

use super::{Subjects, Visits, finding};
use crate::model::Finding;

pub fn check(visits: &Visits, subjects: &Subjects) -> Vec<Finding> {
    // Only meaningful when a subjects table was loaded.
    if !subjects.listed.iter().any(Option::is_some) {
        return Vec::new();
    }
    let first_visit: std::collections::HashMap<&str, usize> = visits
        .by_subject()
        .into_iter()
        .filter_map(|rows| Some((visits.subject[rows.start].as_deref()?, rows.start)))
        .collect();
    let mut out = Vec::new();
    for (r, id) in subjects.id.iter().enumerate() {
        let Some(id) = id.as_deref() else { continue };
        let visits_n = subjects.num_visits[r].unwrap_or(0.0);
        let samples_n = subjects.num_samples[r].unwrap_or(0.0);
        if subjects.listed[r].is_none() {
            let f = finding(
                "identity.subject-not-in-subjects",
                crate::i18n::trf("subject has {visits_n} visit(s) and {samples_n} sample(s) but no row in the subjects table (no group, site, onset or height)", &[("visits_n", &format!("{visits_n:.0}")), ("samples_n", &format!("{samples_n:.0}"))]),
            )
            .subject(id);
            out.push(match first_visit.get(id) {
                Some(&i) => visits.at(i, f),
                None => f,
            });
        } else if visits_n == 0.0 && samples_n == 0.0 {
            out.push(
                finding(
                    "identity.subject-without-data",
                    crate::i18n::tr("subject is in the subjects table but has no visits and no samples"),
                )
                .subject(id),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::test_frames::{rules, subjects, visits};

    #[test]
    fn subjects_table_and_data_must_agree() {
        let v = visits(&["A", "A", "B"], &[None, None, None], &[]);
        let yes = Some("yes");
        let run = |listed: Vec<Option<&str>>, nv: Vec<Option<f64>>| {
            let s = subjects(
                &["A", "B", "C"],
                &[("listed_in_subjects_table", listed)],
                &[("num_visits", nv), ("num_samples", vec![Some(0.0); 3])],
            );
            check(
                &Visits::new(&v).expect("visit columns"),
                &Subjects::new(&s).expect("subject columns"),
            )
        };
        // Clean: A and B listed with visits (C is not in this table at all).
        let clean = subjects(
            &["A", "B"],
            &[("listed_in_subjects_table", vec![yes, yes])],
            &[("num_visits", vec![Some(2.0), Some(1.0)])],
        );
        assert!(
            check(
                &Visits::new(&v).expect("visit columns"),
                &Subjects::new(&clean).expect("subject columns")
            )
            .is_empty()
        );
        // B has visits but no subjects-table row: located at its first visit.
        let found = run(vec![yes, None, yes], vec![Some(2.0), Some(1.0), Some(1.0)]);
        assert_eq!(rules(&found), ["identity.subject-not-in-subjects"]);
        assert_eq!((found[0].subject.as_deref(), found[0].row), (Some("B"), Some(4)));
        // C is listed but has nothing.
        let found = run(vec![yes, yes, yes], vec![Some(2.0), Some(1.0), Some(0.0)]);
        assert_eq!(rules(&found), ["identity.subject-without-data"]);
        // No subjects table loaded: nothing to compare.
        assert!(run(vec![None, None, None], vec![Some(2.0), Some(1.0), Some(0.0)]).is_empty());
    }
}
