//! The demo generator: realistic, deterministic, and (with `--messy`) carrying problems the
//! loader reports.

mod common;

use cohort_explorer::demo::{DemoOptions, generate};
use cohort_explorer::model::columns as c;
use common::load_demo as load;

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = values.collect();
    v.iter().sum::<f64>() / v.len() as f64
}

#[test]
fn clean_demo_tells_the_als_story() {
    let (cohort, planted) = load(&DemoOptions::default());
    assert!(planted.is_empty());
    assert_eq!(cohort.num_subjects(), 120);
    let (errors, warnings, _) = cohort.finding_counts();
    assert_eq!((errors, warnings), (0, 0), "{:#?}", cohort.findings);
    let v = cohort.visits();
    // Visits every ~3 months: the second visit of a patient is 70–110 days after baseline.
    let days: Vec<Option<f64>> = v.column(c::DAY).expect("day").f64().expect("f64").iter().collect();
    let numbers: Vec<Option<i32>> = v
        .column(c::VISIT_NUMBER)
        .expect("n")
        .i32()
        .expect("i32")
        .iter()
        .collect();
    let subjects = cohort.subjects();
    let als: std::collections::HashSet<String> = subjects
        .column(c::SUBJECT_ID)
        .expect("id")
        .str()
        .expect("str")
        .iter()
        .zip(subjects.column("group").expect("group").str().expect("str").iter())
        .filter(|(_, g)| *g == Some("ALS"))
        .filter_map(|(id, _)| id.map(str::to_owned))
        .collect();
    assert!((80..=110).contains(&als.len()), "{} patients", als.len());
    let ids: Vec<Option<&str>> = v
        .column(c::SUBJECT_ID)
        .expect("id")
        .str()
        .expect("str")
        .iter()
        .collect();
    let second: Vec<f64> = (0..days.len())
        .filter(|&i| numbers[i] == Some(2) && ids[i].is_some_and(|id| als.contains(id)))
        .filter_map(|i| days[i])
        .collect();
    assert!(second.iter().filter(|d| (70.0..=110.0).contains(*d)).count() * 10 >= second.len() * 8);
    // ALSFRS-R declines: last totals are lower than baselines on average.
    let totals: Vec<Option<f64>> = v
        .column(c::ALSFRS_R_TOTAL)
        .expect("t")
        .f64()
        .expect("f64")
        .iter()
        .collect();
    let base = mean(
        totals
            .iter()
            .zip(&numbers)
            .filter(|(_, n)| **n == Some(1))
            .filter_map(|(t, _)| *t),
    );
    let later = mean(
        totals
            .iter()
            .zip(&numbers)
            .filter(|(_, n)| n.is_some_and(|n| n >= 5))
            .filter_map(|(t, _)| *t),
    );
    assert!(base > 30.0 && base < 46.0, "{base}");
    assert!(later < base - 3.0, "baseline {base}, later {later}");
    // Every sample is linked to a visit within 30 days.
    let s = cohort.samples();
    assert_eq!(s.column(c::LINKED_VISIT_NUMBER).expect("link").null_count(), 0);
    let depth: Vec<f64> = s
        .column(c::READ_DEPTH)
        .expect("depth")
        .f64()
        .expect("f64")
        .iter()
        .flatten()
        .collect();
    assert!(depth.iter().all(|d| (4000.0..=60_000.0).contains(d)), "{depth:?}");
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = generate(&DemoOptions {
        subjects: 15,
        ..DemoOptions::default()
    });
    let b = generate(&DemoOptions {
        subjects: 15,
        ..DemoOptions::default()
    });
    let other = generate(&DemoOptions {
        subjects: 15,
        seed: 1,
        ..DemoOptions::default()
    });
    assert_eq!(a.files, b.files);
    assert_ne!(a.files, other.files);
}

#[test]
fn sample_and_feature_counts_follow_the_options() {
    let options = DemoOptions {
        subjects: 40,
        samples: Some(25),
        features: 180,
        ..DemoOptions::default()
    };
    let (cohort, _) = load(&options);
    assert_eq!(cohort.num_samples(), 25);
    assert_eq!(cohort.num_features(), 180);
}

#[test]
fn messy_demo_loads_and_reports_what_loading_can_see() {
    let (cohort, planted) = load(&DemoOptions {
        messy: true,
        ..DemoOptions::default()
    });
    assert!(planted.len() >= 20, "{planted:#?}");
    // Problems the loader itself must report (the rest are for the data-quality rules).
    for rule in [
        "time.ambiguous-date",
        "schema.unparseable-date",
        "schema.unparseable-number",
        "identity.duplicate-visit",
        "units.height-m",
        "identity.sample-without-subject",
        "identity.unlinked-sample",
        "identity.sample-without-abundances",
        "identity.sample-without-metadata",
        "range.negative-abundance",
    ] {
        assert!(cohort.findings.iter().any(|f| f.rule == rule), "{rule} not reported");
    }
    // The planted problems are located at the planted subject where they have one.
    for p in planted.iter().filter(|p| {
        matches!(
            p.rule,
            "time.ambiguous-date" | "schema.unparseable-date" | "identity.duplicate-visit"
        )
    }) {
        let subject = p.subject.as_deref().expect("subject");
        assert!(
            cohort
                .findings
                .iter()
                .any(|f| f.rule == p.rule && f.subject.as_deref() == Some(subject)),
            "{} at {subject}",
            p.rule
        );
    }
    // `;` + decimal commas still give the right numbers; the padded id is trimmed.
    assert!(cohort.sources[1].decimal_comma);
    assert_eq!(cohort.num_subjects(), 121, "120 subjects plus the planted unknown one");
}
