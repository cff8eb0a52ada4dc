//! Derived tables on the demo cohort: the numbers tell the story the generator planted, and
//! each column is consistent with the kernels.

use cohort_explorer::data::{LoadOptions, load_inputs};
use cohort_explorer::demo::embedded_inputs;
use cohort_explorer::metrics::distance::{BetaMetric, distance_matrix};
use cohort_explorer::metrics::ree::ReeEquation;
use cohort_explorer::metrics::tables::{MetricOptions, ordination_table, samples_table, subjects_table, visits_table};
use cohort_explorer::model::{Cohort, columns as c, frame};
use polars::prelude::DataFrame;

/// A numeric column the derived tables must have.
fn f64s(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
    frame::f64s(df, name).expect(name)
}

/// A text column the derived tables must have.
fn strs(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    frame::strs(df, name).expect(name)
}

fn demo() -> Cohort {
    load_inputs(embedded_inputs(), &LoadOptions::default()).expect("demo")
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[test]
fn visit_metrics_are_consistent() {
    let cohort = demo();
    let v = visits_table(&cohort, &MetricOptions::default()).expect("visits");
    let total = f64s(&v, c::ALSFRS_R_TOTAL);
    let items = f64s(&v, "alsfrs_r_items_sum");
    let domains: Vec<Vec<Option<f64>>> = [
        "alsfrs_bulbar",
        "alsfrs_fine_motor",
        "alsfrs_gross_motor",
        "alsfrs_respiratory",
    ]
    .iter()
    .map(|d| f64s(&v, d))
    .collect();
    let mut checked = 0;
    for i in 0..v.height() {
        if let Some(t) = items[i] {
            // The clean demo's totals equal the sum of items, and the domains partition them.
            assert_eq!(total[i], Some(t));
            let sum: f64 = domains.iter().map(|d| d[i].expect("domain")).sum();
            assert_eq!(sum, t);
            checked += 1;
        }
    }
    assert!(checked > 500);
    let kings = strs(&v, "kings_stage");
    assert!(kings.iter().flatten().any(|k| k == "4A" || k == "4B"));
    assert!(kings.iter().flatten().any(|k| k == "1" || k == "2"));
    // About half of patients are hypermetabolic at the default 1.10 threshold.
    let ratio: Vec<f64> = f64s(&v, "ree_ratio").into_iter().flatten().collect();
    assert!(ratio.len() > 300);
    let share = ratio.iter().filter(|r| **r > 1.10).count() as f64 / ratio.len() as f64;
    assert!((0.3..0.65).contains(&share), "{share}");
    // A stricter threshold flags fewer visits; another equation changes the prediction.
    let strict = visits_table(
        &cohort,
        &MetricOptions {
            hypermetabolic_ratio: 1.2,
            ..MetricOptions::default()
        },
    )
    .expect("v");
    let flagged = |df: &polars::prelude::DataFrame| {
        df.column("hypermetabolic")
            .expect("col")
            .bool()
            .expect("bool")
            .iter()
            .flatten()
            .filter(|b| *b)
            .count()
    };
    assert!(flagged(&strict) < flagged(&v));
    let msj = visits_table(
        &cohort,
        &MetricOptions {
            ree_equation: ReeEquation::MifflinStJeor,
            ..MetricOptions::default()
        },
    )
    .expect("v");
    assert_ne!(f64s(&msj, "ree_predicted_kcal"), f64s(&v, "ree_predicted_kcal"));
}

#[test]
fn subject_metrics_show_decline() {
    let cohort = demo();
    let options = MetricOptions::default();
    let v = visits_table(&cohort, &options).expect("visits");
    let samples = samples_table(&cohort, &options).expect("samples");
    let s = subjects_table(&cohort, &v, Some(&samples)).expect("subjects");
    let group = strs(&s, "group");
    let slope = f64s(&s, "alsfrs_r_slope_per_month");
    let dfs = f64s(&s, "delta_fs");
    let als_slopes: Vec<f64> = (0..s.height())
        .filter(|&i| group[i].as_deref() == Some("ALS"))
        .filter_map(|i| slope[i])
        .collect();
    assert!(als_slopes.len() > 60);
    let m = median(als_slopes);
    assert!((-1.5..-0.2).contains(&m), "median slope {m}");
    let dfs: Vec<f64> = dfs.into_iter().flatten().collect();
    assert!(dfs.iter().all(|d| *d >= 0.0) && median(dfs) > 0.2);
    // Baseline and last values of measures exist; weight falls on average in patients.
    let first = f64s(&s, "baseline_weight_kg");
    let last = f64s(&s, "last_weight_kg");
    let change: Vec<f64> = (0..s.height())
        .filter(|&i| group[i].as_deref() == Some("ALS"))
        .filter_map(|i| Some(last[i]? - first[i]?))
        .collect();
    assert!(median(change) < 0.0);
    assert!(s.column("baseline_fb_ratio").is_ok());
}

#[test]
fn microbiome_metrics_show_the_als_shift() {
    let cohort = demo();
    let samples = samples_table(&cohort, &MetricOptions::default()).expect("samples");
    let table = cohort.abundances().expect("abundances");
    let dm = distance_matrix(table, BetaMetric::BrayCurtis);
    assert_eq!(dm.len(), cohort.num_samples());
    let subjects = cohort.subjects();
    let als: std::collections::HashSet<String> = strs(subjects, c::SUBJECT_ID)
        .into_iter()
        .zip(strs(subjects, "group"))
        .filter(|(_, g)| g.as_deref() == Some("ALS"))
        .filter_map(|(id, _)| id)
        .collect();
    let sid = strs(&samples, c::SUBJECT_ID);
    let fb = f64s(&samples, "fb_ratio");
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for i in 0..samples.height() {
        if let (Some(s), Some(v)) = (&sid[i], fb[i]) {
            if als.contains(s) { a.push(v) } else { b.push(v) }
        }
    }
    assert!(median(a) < median(b), "F/B lower in ALS");
    let shannon: Vec<f64> = f64s(&samples, "shannon").into_iter().flatten().collect();
    assert_eq!(shannon.len(), samples.height());
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for (s, v) in sid.iter().zip(&shannon) {
        if s.as_ref().is_some_and(|s| als.contains(s)) {
            a.push(*v);
        } else {
            b.push(*v);
        }
    }
    assert!(median(a) < median(b), "Shannon diversity lower in ALS");
    // First samples are at distance 0 from baseline; later ones are not.
    let from_base: Vec<f64> = f64s(&samples, "distance_from_baseline").into_iter().flatten().collect();
    assert!(from_base.contains(&0.0) && from_base.iter().any(|d| *d > 0.0));
    let ord = cohort_explorer::metrics::ordination::pcoa(&dm, 3);
    let ord_df = ordination_table(&cohort, &ord).expect("ordination");
    assert_eq!(ord_df.height(), cohort.num_samples());
    assert_eq!(
        ord.exact,
        cohort.num_samples() <= cohort_explorer::metrics::ordination::EXACT_MAX_SAMPLES
    );
    assert!(ord.proportion_explained[0] >= ord.proportion_explained[1]);
    assert!(ord_df.column("pc3").is_ok());
}
