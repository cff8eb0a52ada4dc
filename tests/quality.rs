//! The data-quality check on whole cohorts: every problem `demo --messy` plants is found at
//! its subject or sample, the clean demo has no errors, and the rules file is honoured.

mod common;

use cohort_explorer::data::{LoadOptions, load_paths};
use cohort_explorer::demo::{DemoOptions, Planted};
use cohort_explorer::model::{Finding, Severity};
use cohort_explorer::quality::{self, Rules, rule_info};
use common::load_demo as load;

/// True when a finding reports the planted problem: same rule, at its subject and sample
/// where the plant names them.
fn reports(f: &Finding, p: &Planted) -> bool {
    f.rule == p.rule
        && p.subject.as_ref().is_none_or(|s| f.subject.as_ref() == Some(s))
        && p.sample.as_ref().is_none_or(|s| f.sample.as_ref() == Some(s))
}

#[test]
fn every_planted_problem_is_found_at_its_subject_or_sample() {
    for (subjects, seed) in [(120, 7), (60, 3), (200, 11)] {
        let (cohort, planted) = load(&DemoOptions {
            subjects,
            seed,
            messy: true,
            ..DemoOptions::default()
        });
        assert!(planted.len() >= 25, "{planted:#?}");
        let findings = quality::check(&cohort, &Rules::default()).expect("cohort columns");
        let missed: Vec<&Planted> = planted
            .iter()
            .filter(|p| !findings.iter().any(|f| reports(f, p)))
            .collect();
        assert!(missed.is_empty(), "seed {seed}: missed {missed:#?}");
        // Every kind of problem, and every rule id is documented in the catalogue.
        for f in &findings {
            assert!(rule_info(&f.rule).is_some(), "{} is not in the catalogue", f.rule);
            assert!(!f.message.is_empty());
        }
        // Findings about a subject carry its site.
        let located = findings
            .iter()
            .filter(|f| f.subject.is_some() && f.site.is_some())
            .count();
        assert!(located * 10 >= findings.iter().filter(|f| f.subject.is_some()).count() * 9);
        // Errors exist, so `check` exits 1.
        assert!(quality::counts(&findings).0 > 0);
    }
}

#[test]
fn the_clean_demo_has_no_errors_or_warnings() {
    for (subjects, seed) in [(120, 7), (300, 5)] {
        let (cohort, _) = load(&DemoOptions {
            subjects,
            seed,
            ..DemoOptions::default()
        });
        let findings = quality::check(&cohort, &Rules::default()).expect("cohort columns");
        let bad: Vec<&Finding> = findings.iter().filter(|f| f.severity > Severity::Info).collect();
        assert!(bad.is_empty(), "seed {seed}: {bad:#?}");
    }
}

#[test]
fn the_rules_file_sets_thresholds_and_severities() {
    let (cohort, _) = load(&DemoOptions {
        messy: true,
        ..DemoOptions::default()
    });
    let defaults = quality::check(&cohort, &Rules::default()).expect("cohort columns");
    let n = |fs: &[Finding], rule: &str| fs.iter().filter(|f| f.rule == rule).count();
    let rules = Rules::parse(
        r#"
        [time]
        max_visit_gap_days = 80
        [severity]
        "time.before-onset" = "info"
        "composition.missing-taxonomy" = "off"
        "range.negative-abundance" = "warning"
        "#,
        false,
        "rules.toml",
    )
    .expect("valid rules");
    let tuned = quality::check(&cohort, &rules).expect("cohort columns");
    assert!(n(&tuned, "time.long-gap") > n(&defaults, "time.long-gap"));
    assert_eq!(n(&tuned, "composition.missing-taxonomy"), 0);
    assert!(n(&defaults, "composition.missing-taxonomy") > 0);
    let sev = |fs: &[Finding], rule: &str| fs.iter().find(|f| f.rule == rule).map(|f| f.severity);
    assert_eq!(sev(&tuned, "time.before-onset"), Some(Severity::Info));
    // Load findings follow the rules file too.
    assert_eq!(sev(&tuned, "range.negative-abundance"), Some(Severity::Warning));
    // The documented default file is the defaults.
    let documented = Rules::parse(quality::DEFAULT_RULES_TOML, false, "default").expect("default parses");
    assert_eq!(documented, Rules::default());
    // JSON works as well as TOML.
    let json = Rules::parse(r#"{"composition": {"min_read_depth": 5000}}"#, true, "r.json").expect("json");
    assert!((json.composition.min_read_depth - 5000.0).abs() < 1e-9);
}

#[test]
fn a_bad_rules_file_is_refused_with_its_name_and_the_problem() {
    for (text, expect) in [
        ("[time]\nmax_gap = 3\n", "unknown field"),
        (
            "[severity]\n\"no.such-rule\" = \"error\"\n",
            "unknown rule id `no.such-rule`",
        ),
        ("[severity]\n\"range.bmi\" = \"fatal\"\n", "unknown variant"),
        ("[ranges]\nbmi = [60, 10]\n", "low ≤ high"),
        ("[time]\ntoday = \"25/11/2026\"\n", "not a YYYY-MM-DD date"),
        ("[ranges\n", "rules.toml"),
    ] {
        let err = Rules::parse(text, false, "rules.toml").expect_err(text).to_string();
        assert!(err.starts_with("rules.toml: "), "{err}");
        assert!(err.contains(expect), "{text}: {err}");
    }
}

#[test]
fn moving_pictures_checks_without_clinical_noise() {
    let Some(dir) = common::moving_pictures() else {
        return;
    };
    let paths: Vec<_> = ["feature-table.tsv", "taxonomy.tsv", "sample-metadata.tsv"]
        .iter()
        .map(|f| dir.join(f))
        .collect();
    let cohort = load_paths(&paths, &LoadOptions::default()).expect("moving pictures loads");
    let findings = quality::check(&cohort, &Rules::default()).expect("cohort columns");
    for f in &findings {
        assert!(rule_info(&f.rule).is_some(), "{}", f.rule);
    }
    // A microbiome-only study: no missing clinical roles, no errors.
    assert!(
        !findings.iter().any(|f| f.rule == "schema.missing-role"),
        "{findings:#?}"
    );
    assert_eq!(quality::counts(&findings).0, 0, "{findings:#?}");
}
