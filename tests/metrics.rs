//! Metric kernels against scikit-bio, scipy and statsmodels (tests/reference/reference.json,
//! made by tests/reference/make_reference.py) and against QIIME 2's own moving-pictures results.

mod common;

use common::floats;

use std::collections::HashMap;
use std::path::Path;

use cohort_explorer::data::{LoadOptions, load_paths};
use cohort_explorer::metrics::distance::{BetaMetric, distance_matrix};
use cohort_explorer::metrics::diversity::alpha;
use cohort_explorer::metrics::longitudinal::{binned_means, mean_ci95, ols};
use cohort_explorer::metrics::ordination::pcoa;
use cohort_explorer::metrics::stats::{benjamini_hochberg, kruskal_wallis, mann_whitney_u, pearson, spearman};
use cohort_explorer::model::{AbundanceKind, AbundanceTable};
use serde_json::Value;

fn reference() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/reference.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("reference.json")).expect("json")
}

fn matrix(v: &Value) -> Vec<Vec<f64>> {
    v.as_array().expect("rows").iter().map(floats).collect()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + b.abs())
}

fn reference_table(r: &Value) -> AbundanceTable {
    let counts = matrix(&r["counts"]);
    AbundanceTable::new(
        r["ids"]
            .as_array()
            .expect("ids")
            .iter()
            .map(|v| v.as_str().expect("id").to_owned())
            .collect(),
        (0..counts[0].len()).map(|i| format!("f{i}")).collect(),
        &counts.concat(),
        AbundanceKind::Counts,
    )
}

#[test]
fn alpha_diversity_matches_scikit_bio() {
    let r = reference();
    let table = reference_table(&r);
    for s in 0..table.num_samples() {
        let a = alpha(table.row(s).1, table.kind);
        let want = |k: &str| floats(&r["alpha"][k])[s];
        assert!(close(a.observed_features, want("observed_features"), 1e-12));
        assert!(close(a.shannon, want("shannon"), 1e-12), "shannon {s}");
        assert!(close(a.shannon_log2, want("shannon_log2"), 1e-12));
        assert!(close(a.simpson, want("simpson"), 1e-12));
        assert!(close(a.pielou_evenness, want("pielou_evenness"), 1e-12));
        assert!(close(a.chao1.expect("counts"), want("chao1"), 1e-12), "chao1 {s}");
    }
}

#[test]
fn beta_diversity_matches_scikit_bio() {
    let r = reference();
    let table = reference_table(&r);
    for (metric, key) in [
        (BetaMetric::BrayCurtis, "bray_curtis"),
        (BetaMetric::Jaccard, "jaccard"),
        (BetaMetric::Aitchison, "aitchison"),
    ] {
        let dm = distance_matrix(&table, metric);
        let want = matrix(&r[key]);
        assert_eq!(want.len(), dm.len());
        for (i, row) in want.iter().enumerate() {
            for (j, w) in row.iter().enumerate() {
                assert!(
                    close(dm.get(i, j), *w, 1e-12),
                    "{key} [{i}, {j}] {} vs {w}",
                    dm.get(i, j)
                );
            }
        }
    }
}

#[test]
fn pcoa_matches_scikit_bio_up_to_sign() {
    let r = reference();
    let table = reference_table(&r);
    let ord = pcoa(&distance_matrix(&table, BetaMetric::BrayCurtis), 3);
    assert!(ord.exact);
    let eig = floats(&r["pcoa"]["eigenvalues"]);
    let prop = floats(&r["pcoa"]["proportion_explained"]);
    let coords = matrix(&r["pcoa"]["coordinates"]);
    for axis in 0..3 {
        assert!(close(ord.eigenvalues[axis], eig[axis], 1e-10));
        assert!(close(ord.proportion_explained[axis], prop[axis], 1e-10));
        let sign = (ord.coord(0, axis) * coords[0][axis]).signum();
        for (i, row) in coords.iter().enumerate() {
            assert!(
                close(ord.coord(i, axis) * sign, row[axis], 1e-9),
                "axis {axis} sample {i}"
            );
        }
    }
}

#[test]
fn tests_match_scipy_and_statsmodels() {
    let r = reference();
    for key in ["mann_whitney_exact", "mann_whitney_ties"] {
        let case = &r[key];
        let res = mann_whitney_u(&floats(&case["x"]), &floats(&case["y"])).expect("mwu");
        assert!(close(res.statistic, case["u"].as_f64().expect("u"), 1e-12), "{key}");
        assert!(
            close(res.p_value, case["p"].as_f64().expect("p"), 1e-10),
            "{key}: {} vs {}",
            res.p_value,
            case["p"]
        );
    }
    let groups: Vec<Vec<f64>> = matrix(&r["kruskal"]["groups"]);
    let refs: Vec<&[f64]> = groups.iter().map(Vec::as_slice).collect();
    let kw = kruskal_wallis(&refs).expect("kw");
    assert!(close(kw.statistic, r["kruskal"]["h"].as_f64().expect("h"), 1e-12));
    assert!(close(kw.p_value, r["kruskal"]["p"].as_f64().expect("p"), 1e-10));
    for (key, f) in [("spearman", spearman as fn(&[f64], &[f64]) -> _), ("pearson", pearson)] {
        let case = &r[key];
        let res = f(&floats(&case["x"]), &floats(&case["y"])).expect(key);
        assert!(close(res.statistic, case["r"].as_f64().expect("r"), 1e-12), "{key}");
        assert!(close(res.p_value, case["p"].as_f64().expect("p"), 1e-10), "{key}");
    }
    let q = benjamini_hochberg(&floats(&r["bh"]["p"]));
    for (a, b) in q.iter().zip(floats(&r["bh"]["q"])) {
        assert!(close(*a, b, 1e-12));
    }
    let x = floats(&r["ols"]["x"]);
    let y = floats(&r["ols"]["y"]);
    let fit = ols(x.into_iter().zip(y)).expect("ols");
    assert!(close(fit.slope, r["ols"]["slope"].as_f64().expect("slope"), 1e-12));
    assert!(close(
        fit.intercept,
        r["ols"]["intercept"].as_f64().expect("intercept"),
        1e-12
    ));
}

/// Read a QIIME 2 `sample<TAB>value` or square matrix TSV.
fn read_tsv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).expect("reference tsv");
    let mut lines = text.lines();
    let header = lines.next().expect("header").split('\t').map(str::to_owned).collect();
    (
        header,
        lines.map(|l| l.split('\t').map(str::to_owned).collect()).collect(),
    )
}

#[test]
fn qiime2_moving_pictures_results_to_1e9() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/moving-pictures/reference_qiime2");
    if !base.exists() {
        eprintln!("skipping: {} not present", base.display());
        return;
    }
    let cohort = load_paths(&[base.join("rarefied-table.tsv")], &LoadOptions::default()).expect("rarefied table");
    let table = cohort.abundances().expect("abundances");
    let index: HashMap<&str, usize> = table
        .sample_ids
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    for (file, pick) in [
        (
            "alpha_shannon_log2.tsv",
            (|a: &cohort_explorer::metrics::diversity::Alpha| a.shannon_log2) as fn(&_) -> f64,
        ),
        ("alpha_observed_features.tsv", |a| a.observed_features),
        ("alpha_pielou_evenness.tsv", |a| a.pielou_evenness),
    ] {
        let (_, rows) = read_tsv(&base.join(file));
        assert_eq!(rows.len(), 34);
        for row in rows {
            let s = index[row[0].as_str()];
            let want: f64 = row[1].parse().expect("value");
            let got = pick(&alpha(&table.sample(s), table.kind));
            assert!((got - want).abs() < 1e-9, "{file} {}: {got} vs {want}", row[0]);
        }
    }
    for (file, metric) in [
        ("beta_bray_curtis.tsv", BetaMetric::BrayCurtis),
        ("beta_jaccard.tsv", BetaMetric::Jaccard),
    ] {
        let dm = distance_matrix(table, metric);
        let (header, rows) = read_tsv(&base.join(file));
        for row in rows {
            let i = index[row[0].as_str()];
            for (k, v) in row[1..].iter().enumerate() {
                let j = index[header[k + 1].as_str()];
                let want: f64 = v.parse().expect("distance");
                assert!(
                    (dm.get(i, j) - want).abs() < 1e-9,
                    "{file} {} {}",
                    row[0],
                    header[k + 1]
                );
            }
        }
    }
}

#[test]
fn mixed_model_matches_statsmodels_reml() {
    use cohort_explorer::metrics::mixed::{Obs, fit};
    let r = reference();
    let m = &r["mixed"];
    let subject = floats(&m["data"]["subject"]);
    let months = floats(&m["data"]["months"]);
    let group = floats(&m["data"]["group"]);
    let y = floats(&m["data"]["y"]);
    let obs: Vec<Obs> = (0..y.len())
        .map(|i| Obs {
            subject: subject[i] as usize,
            months: months[i],
            group: group[i] as usize,
            y: y[i],
        })
        .collect();
    // statsmodels orders Intercept, group, months, months:group; ours intercept, months, group, months:group.
    // Standard errors are the usual σ²(XᵀV⁻¹X)⁻¹; statsmodels takes them from the Hessian of the
    // full REML likelihood, which differs in the fourth digit.
    let order = [0, 2, 1, 3];
    for (key, slope) in [("slope", true), ("intercept", false)] {
        let f = fit(&obs, 2, slope).expect("fit");
        assert_eq!(f.random_slope, slope, "{:?}", f.note);
        let fe = floats(&m[key]["fe"]);
        let se = floats(&m[key]["se"]);
        for (ours, theirs) in order.iter().enumerate() {
            assert!(
                close(f.fixed[ours], fe[*theirs], 1e-5),
                "{key} fixed {ours}: {} vs {}",
                f.fixed[ours],
                fe[*theirs]
            );
            assert!(
                close(f.std_errors[ours], se[*theirs], 2e-3),
                "{key} se {ours}: {} vs {}",
                f.std_errors[ours],
                se[*theirs]
            );
        }
        let cov = floats(&m[key]["cov_re"]);
        for (a, b) in f.random_cov.iter().zip(&cov) {
            assert!(close(*a, *b, 1e-3), "{key} cov_re {a} vs {b}");
        }
        assert!(close(
            f.residual_variance,
            m[key]["scale"].as_f64().expect("scale"),
            1e-4
        ));
    }
}

#[test]
fn group_means_and_their_95_ci_match_scipy() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/group_means.json");
    let r: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("group_means.json")).expect("json");
    let single = &r["single"];
    let ci = mean_ci95(&floats(&single["values"])).expect("four values");
    for (ours, theirs) in [(ci.mean, "mean"), (ci.lower, "lower"), (ci.upper, "upper")] {
        let want = single[theirs].as_f64().expect("number");
        assert!((ours - want).abs() < 1e-12, "{theirs}: {ours} vs {want}");
    }
    assert!(mean_ci95(&[1.0]).is_none());
    let points = matrix(&r["points"]);
    let width = r["width"].as_f64().expect("width");
    let ours = binned_means(points[0].iter().copied().zip(points[1].iter().copied()), width, 3);
    let theirs = matrix(&r["means"]);
    assert_eq!(ours.len(), theirs.len());
    for (a, b) in ours.iter().zip(&theirs) {
        for k in 0..4 {
            assert!((a[k] - b[k]).abs() < 1e-9 * b[k].abs().max(1.0), "{a:?} vs {b:?}");
        }
    }
}

#[test]
fn wilcoxon_signed_rank_matches_scipy_on_each_of_its_paths() {
    use cohort_explorer::metrics::stats::wilcoxon_signed_rank;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/wilcoxon.json");
    let r: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("wilcoxon.json")).expect("json");
    for case in ["exact_small", "exact_60", "ties_10", "zeros_12", "ties_40", "zeros_30"] {
        let c = &r[case];
        let t = wilcoxon_signed_rank(&floats(&c["d"])).expect("a test");
        let (w, p) = (c["statistic"].as_f64().expect("w"), c["p"].as_f64().expect("p"));
        assert!((t.statistic - w).abs() < 1e-9, "{case}: W {} vs {w}", t.statistic);
        assert!(
            (t.p_value - p).abs() < 1e-9 * p.max(1e-3),
            "{case}: p {} vs {p}",
            t.p_value
        );
    }
    assert!(wilcoxon_signed_rank(&[0.0, 0.0]).is_none());
}

#[test]
fn d50_fits_equal_scipy_least_squares() {
    use cohort_explorer::metrics::progression::{d50_phase, delta_fs_category, fit_d50};
    let path = format!("{}/tests/reference/progression/d50.json", env!("CARGO_MANIFEST_DIR"));
    let cases: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json");
    let cases = cases.as_array().expect("cases");
    assert!(cases.len() > 100);
    for case in cases {
        let t = case["t"].as_array().expect("t").iter().map(|v| v.as_f64().expect("t"));
        let y = case["y"].as_array().expect("y").iter().map(|v| v.as_f64().expect("y"));
        let points: Vec<(f64, f64)> = t.zip(y).collect();
        let fit = fit_d50(&points).unwrap_or_else(|| panic!("{}: no fit", case["subject"]));
        let (d50, dx, sse) = (
            case["d50"].as_f64().expect("d50"),
            case["dx"].as_f64().expect("dx"),
            case["sse"].as_f64().expect("sse"),
        );
        let what = format!("{} {}", case["cohort"], case["subject"]);
        assert!(
            fit.sse <= sse * (1.0 + 1e-9) + 1e-12,
            "{what}: SSE {} vs scipy {sse}",
            fit.sse
        );
        assert!(
            (fit.d50 - d50).abs() <= 1e-6 * d50,
            "{what}: D50 {} vs scipy {d50}",
            fit.d50
        );
        assert!((fit.dx - dx).abs() <= 1e-6 * dx, "{what}: dx {} vs scipy {dx}", fit.dx);
    }
    // Nothing to fit: one visit, or no decline.
    assert!(fit_d50(&[(10.0, 40.0)]).is_none());
    assert!(fit_d50(&[(10.0, 48.0), (20.0, 48.0)]).is_none());
    assert_eq!(
        [0.1, 0.3, 0.6, 0.9].map(|r| d50_phase(r).expect("phase")),
        ["I", "II", "III", "IV"]
    );
    assert_eq!(d50_phase(-0.1), None);
    assert_eq!(
        [0.2, 0.5, 1.0, 1.4].map(|d| delta_fs_category(d).expect("category")),
        ["slow", "intermediate", "intermediate", "fast"]
    );
}
