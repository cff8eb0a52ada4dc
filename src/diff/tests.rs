use super::*;
use crate::data::{Input, LoadOptions, load_inputs};
use crate::model::Cohort;
use crate::quality::Rules;

fn cohort(files: &[(&str, String)]) -> Cohort {
    let inputs = files
        .iter()
        .map(|(name, text)| Input {
            name: (*name).to_owned(),
            bytes: text.as_bytes().to_vec(),
            explicit: true,
            parquet_file: None,
        })
        .collect();
    load_inputs(inputs, &LoadOptions::default()).expect("loads")
}

const SUBJECTS: &str = "subject_id,site,sex,height_cm\nS1,Milan,F,165\nS2,Milan,M,180\nS3,Turin,F,158\n";
const VISITS: &str = "subject_id,visit_date,alsfrs_r_total,weight_kg\n\
S1,2021-01-10,44,61.5\nS1,2021-04-10,41,60\nS2,2021-02-01,47,82\nS2,2021-05-01,45,80.5\n\
S3,2021-03-01,39,55\nS3,2021-06-01,90,54\n";

fn compare_texts(old: &[(&str, String)], new: &[(&str, String)]) -> FreezeDiff {
    let (a, b) = (cohort(old), cohort(new));
    let rules = Rules::default();
    let (fa, fb) = (
        crate::quality::check(&a, &rules).expect("checked"),
        crate::quality::check(&b, &rules).expect("checked"),
    );
    compare(
        &Freeze {
            name: "old".into(),
            cohort: &a,
            findings: &fa,
        },
        &Freeze {
            name: "new".into(),
            cohort: &b,
            findings: &fb,
        },
        DEFAULT_ABUNDANCE_THRESHOLD,
    )
    .expect("compared")
}

/// The rows of a CSV text reversed under its header, with CRLF, a BOM and whole numbers as `47.0`.
fn reexport(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    lines.reverse();
    let rows: Vec<String> = lines
        .iter()
        .map(|l| {
            l.split(',')
                .map(|cell| {
                    if cell.parse::<i64>().is_ok() {
                        format!("{cell}.0")
                    } else {
                        cell.to_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    format!("\u{feff}{header}\r\n{}\r\n", rows.join("\r\n"))
}

#[test]
fn a_reexport_shows_no_change() {
    let old = [("subjects.csv", SUBJECTS.to_owned()), ("visits.csv", VISITS.to_owned())];
    let new = [
        ("freeze-2/subjects.csv", reexport(SUBJECTS)),
        ("freeze-2/visits.csv", reexport(VISITS)),
    ];
    let diff = compare_texts(&old, &new);
    assert!(diff.is_empty(), "{}", render(&diff, Format::Text));
    assert!(render(&diff, Format::Text).contains("No change."));
}

/// A change as (subject, visit, column, old, new).
type Row<'a> = (
    Option<&'a str>,
    Option<&'a str>,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
);

#[test]
fn planted_changes_are_each_named_and_nothing_else() {
    let old = [("subjects.csv", SUBJECTS.to_owned()), ("visits.csv", VISITS.to_owned())];
    // S3 leaves, S4 arrives; S1's second visit is gone and a third added; S2's weight is
    // corrected; S3's impossible ALSFRS-R total (a finding) leaves with S3.
    let subjects = SUBJECTS
        .replace("S3,Turin,F,158\n", "S4,Turin,M,171\n")
        .replace("S2,Milan,M,180", "S2,Turin,M,180");
    let visits = VISITS
        .replace("S1,2021-04-10,41,60\n", "S1,2021-07-10,38,59\n")
        .replace("S2,2021-05-01,45,80.5", "S2,2021-05-01,45,85.5")
        .replace("S3,2021-03-01,39,55\nS3,2021-06-01,90,54\n", "S4,2021-03-03,40,70\n");
    let diff = compare_texts(
        &old,
        &[("subjects.csv", reexport(&subjects)), ("visits.csv", reexport(&visits))],
    );
    assert_eq!(diff.subjects_added, ["S4"]);
    assert_eq!(diff.subjects_removed, ["S3"]);
    let visit = |s: &str, v: &str| VisitRef {
        subject: s.into(),
        visit: v.into(),
    };
    assert!(diff.visits_added.contains(&visit("S1", "2021-07-10")));
    assert!(diff.visits_added.contains(&visit("S4", "2021-03-03")));
    assert!(diff.visits_removed.contains(&visit("S1", "2021-04-10")));
    let changed: Vec<Row<'_>> = diff
        .changes
        .iter()
        .map(|c| {
            (
                c.subject.as_deref(),
                c.visit.as_deref(),
                c.column.as_str(),
                c.old.as_deref(),
                c.new.as_deref(),
            )
        })
        .collect();
    assert!(
        changed.contains(&(Some("S2"), Some("2021-05-01"), "weight_kg", Some("80.5"), Some("85.5"))),
        "{changed:?}"
    );
    assert!(
        changed.contains(&(Some("S2"), None, "site", Some("Milan"), Some("Turin"))),
        "{changed:?}"
    );
    // S1 has only added and removed visits; S2's other visit and values did not change.
    assert!(changed.iter().all(|c| c.0 == Some("S2")), "{changed:?}");
    assert!(
        diff.findings_fixed
            .iter()
            .any(|f| f.rule == "range.alsfrs-total" && f.subject.as_deref() == Some("S3")),
        "{:?}",
        diff.findings_fixed
    );
    let json: serde_json::Value = serde_json::from_str(&render(&diff, Format::Json)).expect("json");
    assert!(
        json["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .any(|c| c["new"] == "85.5" && c["visit"] == "2021-05-01")
    );
    let html = render(&diff, Format::Html);
    assert!(
        html.contains("<td>S2 2021-05-01</td><td>weight_kg</td><td>80.5</td><td>85.5</td>"),
        "{html}"
    );
}

#[test]
fn abundances_are_compared_per_sample_by_bray_curtis() {
    let table = "#OTU ID\tA\tB\tC\nf1\t10\t5\t0\nf2\t10\t5\t7\nf3\t0\t10\t7\n";
    // A unchanged (written in another order and as 10.0), B moved, C's counts doubled (the same
    // relative abundances).
    let moved = "#OTU ID\tC\tB\tA\nf3\t14\t0\t0\nf2\t14\t5\t10.0\nf1\t0\t15\t10\n";
    let diff = compare_texts(&[("table.tsv", table.to_owned())], &[("table.tsv", moved.to_owned())]);
    assert_eq!(diff.abundance_samples_compared, 3);
    assert_eq!(diff.abundance_changes.len(), 1, "{:?}", diff.abundance_changes);
    let b = &diff.abundance_changes[0];
    assert_eq!(b.sample, "B");
    // B: (0.25, 0.25, 0.5) → (0.75, 0.25, 0): Σ|p − q| / 2 = 0.5.
    assert!((b.bray_curtis - 0.5).abs() < 1e-12, "{}", b.bray_curtis);
}
