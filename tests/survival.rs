//! Kaplan–Meier, its band, median, RMST and the log-rank test against lifelines 0.30.3 on two
//! real datasets bundled with it (tests/reference/survival/make_survival_fixture.py).

mod common;

use common::close;

use cohort_explorer::metrics::survival::{kaplan_meier, logrank};
use serde_json::Value;

/// A lifelines reference file of tests/reference/survival/.
fn reference(name: &str) -> Value {
    let path = format!("{}/tests/reference/survival/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json")
}

/// A 0/1 event column as booleans.
fn events(v: &Value) -> Vec<bool> {
    v.as_array().expect("events").iter().map(|v| v == 1).collect()
}

fn floats(v: &Value) -> Vec<Option<f64>> {
    v.as_array().expect("array").iter().map(Value::as_f64).collect()
}

fn same_option(a: Option<f64>, b: Option<f64>, what: &str) {
    match (a, b) {
        (Some(a), Some(b)) => close(a, b, 1e-12, what),
        (None, None) => {}
        _ => panic!("{what}: {a:?} vs lifelines {b:?}"),
    }
}

fn check(name: &str, data: &Value) {
    let durations: Vec<f64> = floats(&data["durations"]).into_iter().flatten().collect();
    let events = events(&data["events"]);
    let groups: Vec<usize> = data["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|v| v.as_u64().expect("group") as usize)
        .collect();
    for (g, want) in data["km"].as_array().expect("km").iter().enumerate() {
        let pick = |xs: &[f64]| -> Vec<f64> { (0..xs.len()).filter(|&i| groups[i] == g).map(|i| xs[i]).collect() };
        let ev: Vec<bool> = (0..events.len())
            .filter(|&i| groups[i] == g)
            .map(|i| events[i])
            .collect();
        let km = kaplan_meier(&pick(&durations), &ev);
        let what = format!("{name} group {g}");
        let times: Vec<f64> = floats(&want["timeline"]).into_iter().flatten().collect();
        assert_eq!(km.times, times, "{what} timeline");
        let at_risk: Vec<usize> = want["at_risk"]
            .as_array()
            .expect("at risk")
            .iter()
            .map(|v| v.as_u64().expect("n") as usize)
            .collect();
        assert_eq!(km.at_risk, at_risk, "{what} at risk");
        for (i, s) in floats(&want["survival"]).into_iter().enumerate() {
            close(
                km.survival[i],
                s.expect("survival"),
                1e-12,
                &format!("{what} S({})", times[i]),
            );
        }
        for (edge, ours) in [("lower", &km.lower), ("upper", &km.upper)] {
            for (i, b) in floats(&want[edge]).into_iter().enumerate() {
                close(
                    ours[i],
                    b.expect("a number"),
                    1e-9,
                    &format!("{what} {edge}({})", times[i]),
                );
            }
        }
        same_option(km.median(), want["median"].as_f64(), &format!("{what} median"));
        let (lo, hi) = km.median_ci();
        same_option(lo, want["median_lower"].as_f64(), &format!("{what} median lower"));
        same_option(hi, want["median_upper"].as_f64(), &format!("{what} median upper"));
        let horizon = want["horizon"].as_f64().expect("horizon");
        close(
            km.rmst(horizon),
            want["rmst"].as_f64().expect("rmst"),
            1e-12,
            &format!("{what} RMST"),
        );
    }
    let test = logrank(&durations, &events, &groups).expect("log-rank");
    let want = &data["logrank"];
    close(
        test.statistic,
        want["statistic"].as_f64().expect("statistic"),
        1e-9,
        &format!("{name} log-rank"),
    );
    assert_eq!(test.df as u64, want["df"].as_u64().expect("df"));
    let p = want["p"].as_f64().expect("p");
    assert!((test.p - p).abs() <= 1e-6 * p, "{name} p: {} vs lifelines {p}", test.p);
}

#[test]
fn kaplan_meier_and_log_rank_match_lifelines_on_waltons() {
    check("waltons", &reference("survival.json")["waltons"]);
}

#[test]
fn kaplan_meier_and_log_rank_match_lifelines_on_larynx_stages() {
    check("larynx", &reference("survival.json")["larynx"]);
}

#[test]
fn one_group_or_no_event_has_no_log_rank() {
    assert!(logrank(&[1.0, 2.0], &[true, false], &[0, 0]).is_none());
    assert!(logrank(&[1.0, 2.0], &[false, false], &[0, 1]).is_none());
    let km = kaplan_meier(&[], &[]);
    assert_eq!((km.median(), km.rmst(10.0)), (None, 10.0));
}

/// Cox proportional hazards with Efron ties on the Rossi recidivism data, against lifelines.
#[test]
fn cox_efron_matches_lifelines_on_rossi() {
    let want = reference("cox.json");
    let durations: Vec<f64> = floats(&want["durations"]).into_iter().flatten().collect();
    let events = events(&want["events"]);
    let x: Vec<f64> = want["x"]
        .as_array()
        .expect("x")
        .iter()
        .flat_map(|row| floats(row).into_iter().flatten())
        .collect();
    let p = want["covariates"].as_array().expect("covariates").len();
    let fit = cohort_explorer::metrics::survival::cox(&durations, &events, &x, p).expect("fit");
    for (name, ours, tol) in [
        ("coef", &fit.coef, 1e-6),
        ("se", &fit.se, 1e-6),
        ("p", &fit.p, 1e-5),
        ("hr_lower", &fit.hr_lower, 1e-6),
        ("hr_upper", &fit.hr_upper, 1e-6),
    ] {
        for (a, b) in ours.iter().zip(floats(&want[name])) {
            close(*a, b.expect("number"), tol, name);
        }
    }
    close(
        fit.log_likelihood,
        want["log_likelihood"].as_f64().expect("loglik"),
        1e-9,
        "log-likelihood",
    );
}
