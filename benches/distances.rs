//! Beta diversity and PCoA at scale: Bray–Curtis, Jaccard and Aitchison for every pair of the
//! cohort's samples, then the PCoA of the Bray–Curtis matrix, on a cohort folder (default: the
//! 5,000-sample × 2,000-feature demo that `benches/scale.sh` writes). Targets (issue 14, 2 cores):
//! each metric ≤ 0.6 s, the PCoA ≤ 0.5 s.
//!
//!   cargo bench --bench distances -- [FOLDER] [--metric=bray-curtis|jaccard|aitchison]
//!
//! Prints the best and median of 3 runs of each.

mod common;

use std::time::{Duration, Instant};

use cohort_explorer::metrics::distance::{BetaMetric, distance_matrix};
use cohort_explorer::metrics::ordination::pcoa;

fn timed<T>(label: &str, mut run: impl FnMut() -> T) -> T {
    let mut times: Vec<Duration> = Vec::new();
    let mut out = None;
    for _ in 0..3 {
        let started = Instant::now();
        out = Some(run());
        times.push(started.elapsed());
    }
    times.sort();
    eprintln!("{label}: best {:.3?}, median {:.3?}", times[0], times[1]);
    out.expect("ran")
}

fn main() {
    let Some(cohort) = common::load_cohort() else {
        return;
    };
    let table = cohort.abundances().expect("abundances");
    let density = table.num_nonzero() as f64 / (table.num_samples() * table.num_features()) as f64;
    eprintln!(
        "{} samples × {} features, {:.0}% non-zero, {} threads, SIMD {:?}",
        table.num_samples(),
        table.num_features(),
        density * 100.0,
        rayon::current_num_threads(),
        pulp::Arch::new()
    );
    let only = std::env::args()
        .find_map(|a| a.strip_prefix("--metric=").map(str::to_owned))
        .map(|m| m.parse::<BetaMetric>().expect("bray-curtis, jaccard or aitchison"));
    if let Some(metric) = only {
        timed(&metric.to_string(), || distance_matrix(table, metric));
        return;
    }
    let mut bray = None;
    for metric in [BetaMetric::BrayCurtis, BetaMetric::Jaccard, BetaMetric::Aitchison] {
        let dm = timed(&metric.to_string(), || distance_matrix(table, metric));
        if metric == BetaMetric::BrayCurtis {
            bray = Some(dm);
        }
    }
    let dm = bray.expect("Bray-Curtis");
    timed("PCoA (5 axes)", || pcoa(&dm, 5));
}
