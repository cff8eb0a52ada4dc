//! Composition: samples with no reads or too few, relative abundances that do not sum to 1,
//! and features the loaded taxonomy does not name. Negative values are reported at load.

use super::rules::Rules;
use super::{finding, show};
use crate::model::{AbundanceKind, AbundanceTable, Cohort, Finding, Taxonomy};

/// Layouts that hold abundances (to name the file a sample's finding is about).
const ABUNDANCE_LAYOUTS: [&str; 4] = [
    "BIOM classic TSV feature table",
    "sample x taxon matrix",
    "MetaPhlAn merged table",
    "long abundance table",
];

pub fn check(cohort: &Cohort, rules: &Rules) -> Vec<Finding> {
    let Some(table) = cohort.abundances() else {
        return Vec::new();
    };
    let files: Vec<&str> = cohort
        .sources
        .iter()
        .filter(|s| ABUNDANCE_LAYOUTS.contains(&s.layout.as_str()) || s.layout.contains("BIOM"))
        .map(|s| s.path.as_str())
        .collect();
    let file = if let [one] = files[..] { Some(one) } else { None };
    let mut out = samples(table, rules);
    out.extend(missing_taxonomy(table, cohort.taxonomy()));
    if let Some(file) = file {
        out = out.into_iter().map(|f| f.file(file)).collect();
    }
    out
}

/// All-zero, low-depth (counts) and not-normalised (relative) samples.
pub fn samples(table: &AbundanceTable, rules: &Rules) -> Vec<Finding> {
    let r = &rules.composition;
    let totals: Vec<f64> = (0..table.num_samples()).map(|s| table.sample_total(s)).collect();
    let mut nonzero: Vec<f64> = totals.iter().copied().filter(|t| *t > 0.0).collect();
    nonzero.sort_by(f64::total_cmp);
    let median = nonzero.get(nonzero.len() / 2).copied().unwrap_or(0.0);
    let min_depth = r.min_read_depth.max(r.min_depth_fraction_of_median * median);
    let mut out = Vec::new();
    for (s, &total) in totals.iter().enumerate() {
        let id = &table.sample_ids[s];
        let f = if total == 0.0 {
            finding(
                "composition.all-zero",
                crate::i18n::tr(
                    "every abundance of this sample is zero: nothing was measured (or the column is blank)",
                ),
            )
        } else if table.kind == AbundanceKind::Counts && total < min_depth {
            finding(
                "composition.low-depth",
                crate::i18n::trf(
                    "read depth {p1} is below {p2} (the larger of {p3} reads and {p4}% of the median depth {p5})",
                    &[
                        ("p1", &(show(total))),
                        ("p2", &format!("{min_depth:.0}")),
                        ("p3", &(show(r.min_read_depth))),
                        ("p4", &format!("{:.0}", r.min_depth_fraction_of_median * 100.0)),
                        ("p5", &(show(median))),
                    ],
                ),
            )
        } else if table.kind == AbundanceKind::Relative && (total - 1.0).abs() > r.sum_tolerance {
            finding(
                "composition.not-normalised",
                crate::i18n::trf(
                    "relative abundances sum to {p1}; expected 1 (or 100 %) within {p2}",
                    &[("p1", &(show(total))), ("p2", &(show(r.sum_tolerance)))],
                ),
            )
        } else {
            continue;
        };
        out.push(f.sample(id).value(&show(total)));
    }
    out
}

/// Features without a lineage, when a taxonomy was loaded.
pub fn missing_taxonomy(table: &AbundanceTable, taxonomy: &Taxonomy) -> Vec<Finding> {
    if taxonomy.is_empty() {
        return Vec::new();
    }
    table
        .feature_ids
        .iter()
        .filter(|f| !taxonomy.contains_key(*f))
        .map(|f| {
            finding(
                "composition.missing-taxonomy",
                crate::i18n::trf(
                    "feature {f} has abundances but no taxonomy; it counts as unassigned at every rank",
                    &[("f", &f)],
                ),
            )
            .value(f)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Lineage;
    use crate::quality::test_frames::rules;

    fn table(kind: AbundanceKind, rows: &[[f64; 3]]) -> AbundanceTable {
        AbundanceTable::new(
            (0..rows.len()).map(|i| format!("s{i}")).collect(),
            vec!["f1".into(), "f2".into(), "f3".into()],
            &rows.iter().flatten().copied().collect::<Vec<_>>(),
            kind,
        )
    }

    #[test]
    fn samples_need_reads_and_fractions_need_to_sum_to_one() {
        let r = Rules::default();
        let counts = |rows: &[[f64; 3]]| samples(&table(AbundanceKind::Counts, rows), &r);
        let deep = [4000.0, 3000.0, 3000.0];
        assert!(counts(&[deep, deep, deep]).is_empty());
        let found = counts(&[deep, [0.0; 3], [300.0, 200.0, 100.0], deep]);
        assert_eq!(rules(&found), ["composition.all-zero", "composition.low-depth"]);
        assert_eq!(found[1].sample.as_deref(), Some("s2"));
        assert_eq!(found[1].value.as_deref(), Some("600"));
        // Above the absolute minimum but a tiny fraction of the median.
        let huge = [400_000.0, 300_000.0, 300_000.0];
        assert_eq!(
            rules(&counts(&[huge, huge, [2000.0, 0.0, 0.0]])),
            ["composition.low-depth"]
        );
        let rel = |rows: &[[f64; 3]]| samples(&table(AbundanceKind::Relative, rows), &r);
        assert!(rel(&[[0.5, 0.25, 0.25], [0.2, 0.3, 0.49]]).is_empty());
        assert_eq!(
            rules(&rel(&[[0.5, 0.25, 0.25], [0.5, 0.5, 0.5]])),
            ["composition.not-normalised"]
        );
    }

    #[test]
    fn features_without_taxonomy_are_named() {
        let t = table(AbundanceKind::Counts, &[[1.0, 2.0, 3.0]]);
        assert!(missing_taxonomy(&t, &Taxonomy::new()).is_empty(), "no taxonomy loaded");
        let mut tax = Taxonomy::new();
        tax.insert("f1".into(), Lineage::default());
        tax.insert("f3".into(), Lineage::default());
        let found = missing_taxonomy(&t, &tax);
        assert_eq!(rules(&found), ["composition.missing-taxonomy"]);
        assert_eq!(found[0].value.as_deref(), Some("f2"));
    }
}
