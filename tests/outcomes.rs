//! Time to event on whole cohorts, end to end: two cohorts with events (a tidy one with event
//! dates, a PRO-ACT one with its death form) loaded from files, each subject's follow-up derived
//! by the app, and the curves, log-rank test and Cox model compared with what lifelines 0.30.3
//! makes of follow-ups that tests/fixtures/survival/make_cohorts.py derives on its own.

mod common;

use common::{close, floats};

use std::path::PathBuf;

use cohort_explorer::cohort::{Endpoint, Grouping, Origin, group_by, survival, time_to_event};
use cohort_explorer::model::columns as c;
use cohort_explorer::model::frame::strs;
use cohort_explorer::pipeline::{Analysis, Options, Source, analyse};
use serde_json::Value;

fn folder(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/survival")
        .join(name)
}

fn load(name: &str) -> Analysis {
    analyse(&Source::Paths(vec![folder(name)]), &Options::default(), &(), 1.0).expect("the cohort loads")
}

fn expected() -> Vec<Value> {
    let text = std::fs::read_to_string(folder("expected.json")).expect("expected.json");
    serde_json::from_str::<Value>(&text)
        .expect("json")
        .as_array()
        .expect("cases")
        .clone()
}

fn same(a: Option<f64>, b: &Value, tol: f64, what: &str) {
    match (a, b.as_f64()) {
        (Some(a), Some(b)) => close(a, b, tol, what),
        (None, None) => {}
        (a, b) => panic!("{what}: {a:?} vs lifelines {b:?}"),
    }
}

#[test]
fn follow_up_curves_and_models_equal_lifelines_on_both_cohorts() {
    let tidy = load("tidy");
    let proact = load("proact");
    for case in expected() {
        let analysis = if case["cohort"] == "tidy" { &tidy } else { &proact };
        let frames = analysis.tables.frames(&analysis.cohort);
        let endpoint: Endpoint = case["endpoint"].as_str().expect("endpoint").parse().expect("endpoint");
        let origin: Origin = case["origin"].as_str().expect("origin").parse().expect("origin");
        let name = format!("{} {endpoint} from {origin}", case["cohort"]);
        let tte = time_to_event(frames, endpoint, origin).expect("time to event");

        // Every subject's follow-up, as the script derives it from the raw files.
        let ids = strs(frames.subjects, c::SUBJECT_ID).expect("ids");
        let want = case["subjects"].as_object().expect("subjects");
        let (n, _) = tte.counts();
        assert_eq!(
            n,
            want.len(),
            "{name}: subjects with a time; left out {:?}",
            tte.left_out
        );
        for (k, got) in tte.of_subject.iter().enumerate() {
            let id = ids[k].as_deref().expect("id");
            match (got, want.get(id)) {
                (Some((t, e)), Some(w)) => {
                    close(*t, w[0].as_f64().expect("t"), 1e-12, &format!("{name}: {id} time"));
                    assert_eq!(u8::from(*e), w[1].as_u64().expect("e") as u8, "{name}: {id} event");
                }
                (None, None) => {}
                (got, want) => panic!("{name}: {id}: {got:?} vs {want:?}"),
            }
        }

        let grouping = match case["group_by"].as_str() {
            Some(column) => group_by(frames.subjects, column).expect("grouping"),
            None => Grouping {
                column: "all".to_owned(),
                levels: vec!["all".to_owned()],
                of_subject: vec![0; frames.subjects.height()],
            },
        };
        let covariates: Vec<String> = case["covariates"]
            .as_array()
            .expect("covariates")
            .iter()
            .map(|v| {
                if v == "age" {
                    c::AGE_YEARS.to_owned()
                } else {
                    v.as_str().expect("name").to_owned()
                }
            })
            .collect();
        let result = survival(frames, &grouping, &tte, &covariates, None).expect("survival");
        let curves = case["curves"].as_object().expect("curves");
        assert_eq!(result.groups.len(), curves.len(), "{name}: groups");
        for g in &result.groups {
            let want = &curves[&g.name];
            let what = format!("{name}, {}", g.name);
            assert_eq!(g.n as u64, want["n"].as_u64().expect("n"), "{what}: n");
            assert_eq!(
                g.events as u64,
                want["events"].as_u64().expect("events"),
                "{what}: events"
            );
            let times = floats(&want["times"]);
            assert_eq!(g.km.times.len(), times.len(), "{what}: timeline");
            for (i, t) in times.iter().enumerate() {
                close(g.km.times[i], *t, 1e-12, &format!("{what}: time {i}"));
                close(
                    g.km.survival[i],
                    want["survival"][i].as_f64().expect("s"),
                    1e-6,
                    &format!("{what}: S({t})"),
                );
                close(
                    g.km.lower[i],
                    want["lower"][i].as_f64().expect("l"),
                    1e-4,
                    &format!("{what}: lower({t})"),
                );
                close(
                    g.km.upper[i],
                    want["upper"][i].as_f64().expect("u"),
                    1e-4,
                    &format!("{what}: upper({t})"),
                );
                assert_eq!(
                    g.km.at_risk[i] as u64,
                    want["at_risk"][i].as_u64().expect("r"),
                    "{what}: at risk({t})"
                );
            }
            same(g.median, &want["median"], 1e-6, &format!("{what}: median"));
            same(
                g.median_ci.0,
                &want["median_lower"],
                1e-6,
                &format!("{what}: median lower"),
            );
            same(
                g.median_ci.1,
                &want["median_upper"],
                1e-6,
                &format!("{what}: median upper"),
            );
        }
        match case.get("logrank") {
            Some(lr) => {
                let got = result.logrank.expect("log-rank");
                close(
                    got.statistic,
                    lr["statistic"].as_f64().expect("chi2"),
                    1e-6,
                    &format!("{name}: chi2"),
                );
                close(
                    got.p,
                    lr["p"].as_f64().expect("p"),
                    1e-6,
                    &format!("{name}: log-rank p"),
                );
                assert_eq!(got.df as u64, lr["df"].as_u64().expect("df"));
            }
            None => assert!(result.logrank.is_none(), "{name}: one group has no log-rank test"),
        }
        if let Some(cox) = case.get("cox").and_then(Value::as_object) {
            for (term, want) in cox {
                let hazard = match term.strip_prefix("group=") {
                    Some(level) => result
                        .groups
                        .iter()
                        .find(|g| g.name == level)
                        .and_then(|g| g.hazard)
                        .expect("group HR"),
                    None => {
                        result
                            .covariates
                            .iter()
                            .find(|h| h.term == c::AGE_YEARS)
                            .expect("covariate")
                            .hazard
                    }
                };
                let what = format!("{name}: HR {term}");
                close(hazard.ratio, want["hr"].as_f64().expect("hr"), 1e-3, &what);
                close(hazard.lower, want["lower"].as_f64().expect("lower"), 1e-3, &what);
                close(hazard.upper, want["upper"].as_f64().expect("upper"), 1e-3, &what);
                close(hazard.p, want["p"].as_f64().expect("p"), 1e-3, &what);
            }
            assert!(
                result.groups[0].hazard.is_none(),
                "{name}: the reference has no HR of its own"
            );
        }
    }
}

#[test]
fn gastrostomy_before_the_first_visit_is_left_out_and_said() {
    let tidy = load("tidy");
    let frames = tidy.tables.frames(&tidy.cohort);
    let tte = time_to_event(frames, Endpoint::Gastrostomy, Origin::Baseline).expect("gastrostomy");
    assert_eq!(tte.left_out.len(), 5, "{:?}", tte.left_out);
    assert!(
        tte.left_out_summary().starts_with("5 event before the origin"),
        "{}",
        tte.left_out_summary()
    );
}

#[test]
fn an_endpoint_without_data_names_what_is_missing() {
    let proact = load("proact");
    let frames = proact.tables.frames(&proact.cohort);
    let e = time_to_event(frames, Endpoint::Tracheostomy, Origin::Baseline).expect_err("no tracheostomy data");
    assert!(e.to_string().contains("tracheostomy_date"), "{e}");
    assert!("mitos-7".parse::<Endpoint>().is_err());
    assert!("alsfrs-drop:x".parse::<Endpoint>().is_err());
    assert_eq!("alsfrs-drop:6".parse::<Endpoint>(), Ok(Endpoint::AlsfrsDrop(6.0)));
    assert!(
        "survival"
            .parse::<Endpoint>()
            .expect_err("unknown")
            .contains("death-or-tracheostomy")
    );
}

#[test]
fn died_no_reads_a_death_time_as_the_end_of_follow_up() {
    // R's survival::pbc in its `time, status` form (status 0: censored at `time`).
    use cohort_explorer::data::{LoadOptions, Overrides, Role};
    let mut overrides = Overrides::new();
    overrides.insert(Role::DeathDays, "time".to_owned());
    overrides.insert(Role::Died, "status".to_owned());
    let options = Options {
        load: LoadOptions {
            overrides,
            ..LoadOptions::default()
        },
        ..Options::default()
    };
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pbc_subjects.csv");
    let analysis = analyse(&Source::Paths(vec![path]), &options, &(), 1.0).expect("pbc loads");
    let frames = analysis.tables.frames(&analysis.cohort);
    let tte = time_to_event(frames, Endpoint::Death, Origin::Baseline).expect("death");
    let ids = strs(frames.subjects, c::SUBJECT_ID).expect("ids");
    let k = ids.iter().position(|id| id.as_deref() == Some("2")).expect("subject 2");
    assert_eq!(tte.of_subject[k], Some((4500.0 / 30.44, false)));
    assert_eq!(tte.counts(), (6, 5));
    let rules: Vec<&str> = analysis.findings.iter().map(|f| f.rule.as_str()).collect();
    assert!(rules.contains(&"events.death-but-alive"), "{rules:?}");
}
