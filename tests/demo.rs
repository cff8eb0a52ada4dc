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

/// The embedded demo's findings, each as the README states it (section "The demo cohort"),
/// from the subjects table every front end reads.
#[test]
fn the_embedded_demo_shows_each_finding_of_its_story() {
    use cohort_explorer::metrics::stats::{kruskal_wallis, mann_whitney_u, spearman};
    use cohort_explorer::metrics::tables::MetricOptions;
    use cohort_explorer::pipeline::{self, Source};
    let cohort = pipeline::load(&Source::Demo, &cohort_explorer::data::LoadOptions::default()).expect("demo");
    let tables = pipeline::tables(&cohort, &MetricOptions::default()).expect("tables");
    let s = &tables.subjects;
    let group = common::str_col(s, "group");
    let arm = common::str_col(s, "arm");
    let hyper: Vec<Option<bool>> = s
        .column(c::HYPERMETABOLIC)
        .expect("hyper")
        .bool()
        .expect("bool")
        .iter()
        .collect();
    let slope = common::f64_col(s, c::ALSFRS_R_SLOPE_PER_MONTH);
    let baseline = common::f64_col(s, c::BASELINE_ALSFRS_R_TOTAL);
    let bmi_change = common::f64_col(s, "last_bmi_change_pct_from_baseline");
    let fb = common::f64_col(s, c::BASELINE_FB_RATIO);
    let shannon = common::f64_col(s, c::BASELINE_SHANNON);
    let patients: Vec<usize> = (0..s.height())
        .filter(|&i| group[i].as_deref() == Some("ALS"))
        .collect();
    let controls: Vec<usize> = (0..s.height())
        .filter(|&i| group[i].as_deref() == Some("control"))
        .collect();
    let values = |rows: &[usize], col: &[Option<f64>]| -> Vec<f64> { rows.iter().filter_map(|&i| col[i]).collect() };
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };

    // Patients against controls: lower Shannon and F/B at baseline.
    for (what, col) in [("Shannon", &shannon), ("F/B", &fb)] {
        let (p, c) = (values(&patients, col), values(&controls, col));
        assert!(median(p.clone()) < median(c.clone()), "{what} lower in ALS");
        let test = mann_whitney_u(&p, &c).expect("test");
        assert!(test.p_value < 0.01, "{what}: p = {}", test.p_value);
    }
    // About half the patients hypermetabolic; they decline faster and lose more weight.
    let hyper_rows: Vec<usize> = patients.iter().copied().filter(|&i| hyper[i] == Some(true)).collect();
    let normo_rows: Vec<usize> = patients.iter().copied().filter(|&i| hyper[i] == Some(false)).collect();
    let share = hyper_rows.len() as f64 / (hyper_rows.len() + normo_rows.len()) as f64;
    assert!((0.35..=0.65).contains(&share), "{share}");
    assert!(median(values(&hyper_rows, &slope)) < median(values(&normo_rows, &slope)));
    assert!(median(values(&hyper_rows, &bmi_change)) < median(values(&normo_rows, &bmi_change)));
    let test = mann_whitney_u(&values(&hyper_rows, &slope), &values(&normo_rows, &slope)).expect("test");
    assert!(test.p_value < 0.01, "hypermetabolic decline: p = {}", test.p_value);
    // Greater BMI loss with faster decline (both negative: a positive correlation).
    let pairs: Vec<(f64, f64)> = patients.iter().filter_map(|&i| bmi_change[i].zip(slope[i])).collect();
    let (x, y): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
    let rho = spearman(&x, &y).expect("rho");
    assert!(
        rho.statistic > 0.15 && rho.p_value < 0.05,
        "BMI change vs slope: {rho:?}"
    );
    // A lower baseline F/B with faster decline.
    let pairs: Vec<(f64, f64)> = patients.iter().filter_map(|&i| fb[i].zip(slope[i])).collect();
    let (x, y): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
    let rho = spearman(&x, &y).expect("rho");
    assert!(rho.statistic > 0.15 && rho.p_value < 0.05, "F/B vs slope: {rho:?}");
    // Exercise slows early-stage patients' decline (baseline ALSFRS-R ≥ 40), not later ones'.
    for (early, wanted) in [(true, true), (false, false)] {
        let by_arm: Vec<Vec<f64>> = ["aerobic", "resistance", "combined", "usual care"]
            .iter()
            .map(|a| {
                patients
                    .iter()
                    .filter(|&&i| arm[i].as_deref() == Some(*a) && baseline[i].is_some_and(|b| (b >= 40.0) == early))
                    .filter_map(|&i| slope[i])
                    .collect()
            })
            .collect();
        let groups: Vec<&[f64]> = by_arm.iter().map(Vec::as_slice).collect();
        let test = kruskal_wallis(&groups).expect("test");
        assert_eq!(test.p_value < 0.05, wanted, "early = {early}: p = {}", test.p_value);
        if early {
            let usual = median(by_arm[3].clone());
            for exercised in &by_arm[..3] {
                assert!(
                    median(exercised.clone()) > usual,
                    "an exercise arm declines more slowly"
                );
            }
        }
    }
}
