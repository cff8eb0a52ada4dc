//! The longitudinal exports (`changes`, `mixed-model`, `taxon-trends`) with `--time` and
//! `--group-by`, against pandas and statsmodels (tests/reference/longitudinal.json, made by
//! tests/reference/make_longitudinal.py) on an ECAM-shaped fixture and on the real QIIME 2
//! moving-pictures study.

mod common;

use common::floats;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn reference() -> Value {
    let text = std::fs::read_to_string(root().join("tests/reference/longitudinal.json")).expect("reference");
    serde_json::from_str(&text).expect("json")
}

fn study() -> PathBuf {
    root().join("tests/fixtures/longitudinal")
}

fn moving_pictures() -> Option<PathBuf> {
    let p = root().join("../shared/fixtures/moving-pictures");
    p.is_dir().then_some(p)
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cohort-explorer"))
        .args(args)
        .output()
        .expect("run cohort-explorer")
}

/// Run `export` into a temporary CSV and read it back as rows of named cells.
fn export(input: &Path, args: &[&str]) -> Vec<HashMap<String, String>> {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out.csv");
    let mut all = vec![
        "export",
        input.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ];
    all.extend(args);
    let o = run(&all);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).expect("csv");
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().expect("header").split(',').map(str::to_owned).collect();
    lines
        .map(|l| header.iter().cloned().zip(l.split(',').map(str::to_owned)).collect())
        .collect()
}

fn num(row: &HashMap<String, String>, key: &str) -> Option<f64> {
    row.get(key).and_then(|v| v.parse().ok())
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-12)
}

#[test]
fn changes_equal_pandas_from_the_previous_and_the_first_sample() {
    let r = &reference()["fixture"]["changes"];
    let samples: Vec<&str> = r["sample"]
        .as_array()
        .expect("samples")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for (baseline, key) in [("previous", "change"), ("first", "change_first")] {
        let rows = export(
            &study(),
            &[
                "--table",
                "changes",
                "--measure",
                "shannon",
                "--time",
                "month",
                "--group-by",
                "delivery",
                "--baseline",
                baseline,
            ],
        );
        let ours: Vec<&str> = rows.iter().map(|r| r["sample_id"].as_str()).collect();
        assert_eq!(ours, samples, "subjects in natural order, then time");
        for (i, row) in rows.iter().enumerate() {
            assert!((num(row, "value").expect("value") - r["value"][i].as_f64().expect("v")).abs() < 1e-12);
            match (num(row, "change"), r[key][i].as_f64()) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-12, "{baseline} {i}: {a} vs {b}"),
                (None, None) => {}
                other => panic!("{baseline} {i}: {other:?}"),
            }
        }
        assert!(
            rows.iter()
                .all(|r| ["Vaginal", "Cesarean"].contains(&r["group"].as_str()))
        );
    }
}

/// Our rows of a mixed-model export against a statsmodels fit, matching terms by name.
fn check_mixed(rows: &[HashMap<String, String>], fit: &Value, rename: &[(&str, &str)]) {
    let names: Vec<String> = fit["names"]
        .as_array()
        .expect("names")
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    let (fe, se) = (floats(&fit["fe"]), floats(&fit["se"]));
    // statsmodels names terms after the formula's columns (`month:delivery[T.Vaginal]`).
    let ours_of = |name: &str| -> String {
        name.split(':')
            .map(|part| {
                rename.iter().fold(part.to_owned(), |p, (from, to)| {
                    if p == *from {
                        (*to).to_owned()
                    } else if let Some(rest) = p.strip_prefix(&format!("{from}[")) {
                        format!("{to}[{rest}")
                    } else {
                        p
                    }
                })
            })
            .collect::<Vec<_>>()
            .join(":")
    };
    for (k, name) in names.iter().enumerate() {
        let ours = ours_of(name);
        let row = rows
            .iter()
            .find(|r| r["term"] == ours)
            .unwrap_or_else(|| panic!("no term {ours}"));
        let (est, err) = (
            num(row, "estimate").expect("estimate"),
            num(row, "std_error").expect("se"),
        );
        assert!(close(est, fe[k], 1e-4), "{ours}: {est} vs {}", fe[k]);
        assert!(close(err, se[k], 2e-2), "{ours} se: {err} vs {}", se[k]);
        let z = num(row, "z").expect("z");
        assert!(close(z, est / err, 1e-12));
        let (lo, hi) = (
            num(row, "ci_lower").expect("lower"),
            num(row, "ci_upper").expect("upper"),
        );
        assert!(close(hi - lo, 2.0 * 1.959_963_984_540_054 * err, 1e-9));
    }
    let var = |term: &str| rows.iter().find(|r| r["term"] == term).and_then(|r| num(r, "estimate"));
    assert!(close(
        var("Group Var").expect("group var"),
        fit["group_var"].as_f64().expect("gv"),
        1e-2
    ));
    assert!(close(
        var("Scale").expect("scale"),
        fit["scale"].as_f64().expect("scale"),
        1e-3
    ));
}

#[test]
fn the_mixed_model_equals_statsmodels_with_and_without_a_grouping() {
    let r = reference();
    let grouped = export(
        &study(),
        &[
            "--table",
            "mixed-model",
            "--measure",
            "shannon",
            "--time",
            "month",
            "--group-by",
            "delivery",
        ],
    );
    let terms: Vec<&str> = grouped.iter().map(|r| r["term"].as_str()).collect();
    assert_eq!(
        terms,
        [
            "Intercept",
            "time",
            "group[T.Vaginal]",
            "time:group[T.Vaginal]",
            "Group Var",
            "Scale"
        ]
    );
    check_mixed(
        &grouped,
        &r["fixture"]["shannon_by_delivery"],
        &[("delivery", "group"), ("month", "time")],
    );
    let plain = export(
        &study(),
        &["--table", "mixed-model", "--measure", "shannon", "--time", "month"],
    );
    check_mixed(&plain, &r["fixture"]["shannon"], &[("month", "time")]);
    if let Some(mp) = moving_pictures() {
        let rows = export(
            &mp,
            &[
                "--table",
                "mixed-model",
                "--measure",
                "shannon",
                "--time",
                "days-since-experiment-start",
            ],
        );
        check_mixed(&rows, &r["moving_pictures"]["shannon"], &[("t", "time")]);
    }
}

/// Our taxon-trends rows against statsmodels' per-taxon fits. Standard errors: ours are
/// σ²(XᵀV⁻¹X)⁻¹ at the REML estimate, statsmodels' come from the observed Hessian of the whole
/// REML likelihood; they agree within 2% except where the subject variance is at or near zero
/// (a study of two subjects has a few such taxa), where they may differ by up to 10%.
fn check_trends(rows: &[HashMap<String, String>], theirs: &Value) {
    let theirs = theirs.as_object().expect("taxa");
    assert_eq!(rows.len(), theirs.len());
    let mut tested = Vec::new();
    let mut loose = 0;
    for row in rows {
        let t = &theirs[&row["taxon"]];
        assert!((num(row, "prevalence").expect("prevalence") - t["prevalence"].as_f64().expect("p")).abs() < 1e-12);
        let mean = num(row, "mean_relative_abundance").expect("mean");
        assert!((mean - t["mean"].as_f64().expect("mean")).abs() < 1e-12);
        match t.get("slope").and_then(Value::as_f64) {
            None => assert!(
                num(row, "p_value").is_none() && num(row, "q_value").is_none(),
                "{row:?}"
            ),
            Some(slope) => {
                let (ours, se) = (num(row, "slope").expect("slope"), num(row, "std_error").expect("se"));
                let their_se = t["se"].as_f64().expect("se");
                // Relative to the slope, or to its standard error for slopes near zero.
                assert!(
                    (ours - slope).abs() <= 1e-4 * slope.abs().max(their_se),
                    "{}: {ours} vs {slope}",
                    row["taxon"]
                );
                assert!(close(se, their_se, 1e-1), "{}: se {se} vs {their_se}", row["taxon"]);
                if !close(se, their_se, 2e-2) {
                    loose += 1;
                }
                tested.push((num(row, "p_value").expect("p"), num(row, "q_value").expect("q")));
            }
        }
    }
    assert!(
        loose * 50 <= tested.len(),
        "{loose} of {} standard errors beyond 2%",
        tested.len()
    );
    // q is Benjamini–Hochberg over the tested taxa: at least p, monotone in p, at most 1.
    tested.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert!(tested.iter().all(|(p, q)| q >= p && *q <= 1.0));
    assert!(tested.windows(2).all(|w| w[0].1 <= w[1].1 + 1e-15));
    let m = tested.len() as f64;
    let (p_max, q_max) = tested.last().copied().expect("some taxa tested");
    assert!(close(q_max, p_max.min(1.0), 1e-12), "largest q = largest p × m / m");
    assert!(
        tested
            .iter()
            .enumerate()
            .all(|(i, (p, q))| *q <= p * m / (i as f64 + 1.0) + 1e-15)
    );
}

#[test]
fn taxon_trends_equal_statsmodels_per_taxon() {
    let r = reference();
    let rows = export(
        &study(),
        &["--table", "taxon-trends", "--rank", "genus", "--time", "month"],
    );
    check_trends(&rows, &r["fixture"]["trends"]);
    if let Some(mp) = moving_pictures() {
        let rows = export(
            &mp,
            &[
                "--table",
                "taxon-trends",
                "--rank",
                "feature",
                "--time",
                "days-since-experiment-start",
            ],
        );
        check_trends(&rows, &r["moving_pictures"]["trends"]);
    }
}

#[test]
fn unknown_or_unsuitable_columns_exit_2_naming_them() {
    let path = study();
    let p = path.to_str().expect("utf-8");
    for (args, says) in [
        (
            vec!["--table", "changes", "--measure", "shannon", "--time", "visit_month"],
            "no column `visit_month` to use as time",
        ),
        (
            vec!["--table", "changes", "--measure", "shannon", "--group-by", "feeding"],
            "no column `feeding` to group by",
        ),
        (
            vec!["--table", "changes", "--measure", "shannon", "--group-by", "month"],
            "--group-by: no column `month`",
        ),
        (
            vec!["--table", "changes", "--measure", "evenness"],
            "no column `evenness` to follow as a measure",
        ),
        (
            vec!["--table", "changes", "--measure", "taxon:Prevotella", "--rank", "genus"],
            "no taxon `Prevotella` at rank genus",
        ),
        (vec!["--table", "mixed-model"], "--measure is needed"),
        (vec!["--table", "subjects", "--group-by", "sample_id"], "--group-by"),
    ] {
        let mut all = vec!["export", p, "--out", "/dev/null/never.csv"];
        all.extend(args.iter().copied());
        let o = run(&all);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn a_taxon_and_its_clr_follow_the_samples() {
    let rows = export(
        &study(),
        &[
            "--table",
            "changes",
            "--measure",
            "taxon:Bifidobacterium",
            "--rank",
            "genus",
            "--time",
            "day_of_life",
        ],
    );
    assert_eq!(rows.len(), 23);
    assert!(
        rows.iter()
            .all(|r| num(r, "value").is_some_and(|v| (0.0..=1.0).contains(&v)))
    );
    let clr = export(
        &study(),
        &[
            "--table",
            "changes",
            "--measure",
            "clr:Bifidobacterium",
            "--rank",
            "genus",
            "--time",
            "month",
        ],
    );
    // Bifidobacterium falls over the months in the fixture: its CLR mostly goes down.
    let falls = clr.iter().filter(|r| num(r, "change").is_some_and(|c| c < 0.0)).count();
    assert!(falls * 3 > clr.len() * 2 - 12, "{falls} of {}", clr.len());
}

#[test]
fn grouped_taxon_trends_test_the_time_by_group_terms_as_statsmodels() {
    use cohort_explorer::cohort::{TimeAxis, group_by, trends};
    use cohort_explorer::pipeline::{Options, Source, analyse};
    let analysis = analyse(&Source::Paths(vec![study()]), &Options::default(), &(), 1.0).expect("the study loads");
    let frames = analysis.tables.frames(&analysis.cohort);
    let grouping = group_by(frames.subjects, "delivery").expect("delivery groups");
    let found = trends(
        frames,
        &TimeAxis::Column("month".to_owned()),
        Some(5),
        Some(&grouping.of_subject),
    )
    .expect("trends");
    assert!(found.by_group);
    let r = reference();
    let theirs = r["fixture"]["trends_by_delivery"].as_object().expect("taxa");
    assert_eq!(found.taxa.iter().filter(|t| t.p_value.is_some()).count(), theirs.len());
    for t in &found.taxa {
        let want = &theirs[&t.taxon];
        let (slope, p) = (t.slope.expect("slope"), t.p_value.expect("p"));
        assert!(
            close(slope, want["slope"].as_f64().expect("slope"), 1e-4),
            "{}: {slope}",
            t.taxon
        );
        // p of a Wald χ² with 1 df is the interaction's z test; the SEs agree within 2%.
        let their_p = want["p"].as_f64().expect("p");
        assert!(
            (p - their_p).abs() <= 0.05 * their_p.max(1e-3),
            "{}: p {p} vs {their_p}",
            t.taxon
        );
    }
}

#[test]
fn taxa_by_clinical_course_equal_scipy_on_the_demo() {
    use cohort_explorer::cohort::{CLINICAL, clinical_correlations};
    use cohort_explorer::pipeline::{Options, Source, analyse};
    let text = std::fs::read_to_string(root().join("tests/reference/taxa_clinical.json")).expect("reference");
    let r: Value = serde_json::from_str(&text).expect("json");
    let analysis = analyse(&Source::Demo, &Options::default(), &(), 1.0).expect("demo");
    let rows = clinical_correlations(analysis.tables.frames(&analysis.cohort), Some(5)).expect("correlations");
    let mut ours: Vec<&str> = rows.iter().map(|(t, _)| t.as_str()).collect();
    ours.sort_unstable();
    let mut theirs: Vec<&str> = r["taxa"]
        .as_array()
        .expect("taxa")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    theirs.sort_unstable();
    assert_eq!(ours, theirs, "the genera present at baseline in ≥ 10% of subjects");
    let names = [
        "alsfrs_r_slope_per_month",
        "delta_fs",
        "bmi_change_pct",
        "baseline_ree_ratio",
    ];
    assert_eq!(CLINICAL.len(), names.len());
    let mut compared = 0;
    for (m, name) in names.iter().enumerate() {
        let cells = r["cells"][name].as_object().expect("cells");
        for (taxon, row) in &rows {
            match (&row[m], cells.get(taxon)) {
                (Some(c), Some(want)) => {
                    assert!(
                        (c.rho - want["rho"].as_f64().expect("rho")).abs() < 1e-9,
                        "{name} {taxon}"
                    );
                    assert!(close(c.p_value, want["p"].as_f64().expect("p"), 1e-6), "{name} {taxon}");
                    assert!(close(c.q_value, want["q"].as_f64().expect("q"), 1e-6), "{name} {taxon}");
                    assert_eq!(c.n as u64, want["n"].as_u64().expect("n"));
                    compared += 1;
                }
                (None, None) => {}
                other => panic!("{name} {taxon}: {other:?}"),
            }
        }
    }
    assert!(compared > 400, "{compared} cells compared");
}
