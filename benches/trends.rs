//! Taxon trends at scale: every feature's CLR ~ time random-intercept REML fit with BH q, on a
//! cohort folder (default: the 10,000-subject, 5,000-sample × 2,000-feature demo that
//! `benches/scale.sh` writes). The target is ≤ 2 s for 2,000 taxa × 5,000 samples.
//!
//!   cargo bench --bench trends -- [FOLDER]
//!
//! Prints the load time, then the best and median of 5 runs of the trends themselves (the CLR
//! transform included, as `export --table taxon-trends` does it).

mod common;

use std::collections::HashMap;
use std::time::Instant;

use cohort_explorer::metrics::microbiome::clr;
use cohort_explorer::metrics::trends::taxon_trends;
use cohort_explorer::model::columns as c;
use cohort_explorer::model::frame::{f64s, strs};

fn main() {
    let Some(cohort) = common::load_cohort() else {
        return;
    };
    let table = cohort.abundances().expect("abundances");
    let rel = table.relative();
    let samples = cohort.samples();
    let (ids, subjects, days) = (
        strs(samples, c::SAMPLE_ID).expect("ids"),
        strs(samples, c::SUBJECT_ID).expect("subjects"),
        f64s(samples, c::DAY).expect("days"),
    );
    let row_of = rel.sample_rows();
    let mut dense: HashMap<&str, usize> = HashMap::new();
    let (mut rows, mut subject, mut time) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..ids.len() {
        let (Some(id), Some(s), Some(d)) = (ids[i].as_deref(), subjects[i].as_deref(), days[i]) else {
            continue;
        };
        let Some(&r) = row_of.get(id) else { continue };
        let next = dense.len();
        subject.push(*dense.entry(s).or_insert(next));
        rows.push(r);
        time.push(d / 30.44);
    }
    let nf = rel.num_features();
    let mut runs = Vec::new();
    let mut tested = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let transformed = clr(&rel);
        let pick = |values: &[f64]| -> Vec<f64> {
            rows.iter()
                .flat_map(|&r| values[r * nf..(r + 1) * nf].iter().copied())
                .collect()
        };
        let trends = taxon_trends(
            &rel.feature_ids,
            &pick(&rel.to_dense()),
            &pick(&transformed.values),
            &subject,
            &time,
        );
        runs.push(t.elapsed().as_secs_f64());
        tested = trends.iter().filter(|t| t.p_value.is_some()).count();
    }
    runs.sort_by(f64::total_cmp);
    eprintln!(
        "taxon trends: {nf} taxa ({tested} tested) × {} samples of {} subjects: best {:.3} s, median {:.3} s",
        rows.len(),
        dense.len(),
        runs[0],
        runs[2]
    );
}
