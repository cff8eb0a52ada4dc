//! The command line: exit codes, one-line errors, summary output, export columns, demo.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cohort-explorer"))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run cohort-explorer")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn summary_text_names_layouts_roles_and_counts() {
    let path = fixture("tidy_visits_bom_crlf.csv");
    let o = run(&["summary", path.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("tidy clinical visits"), "{out}");
    assert!(out.contains("subject=Patient ID"), "{out}");
    assert!(out.contains("weight=Weight (lb) [lb]"), "{out}");
    assert!(out.contains("subjects  2"), "{out}");
    assert!(out.contains("visits    5"), "{out}");
}

#[test]
fn summary_json_on_the_embedded_demo() {
    let o = run(&["summary", "--demo", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(json["num_subjects"], 120);
    assert_eq!(json["files"].as_array().map(Vec::len), Some(5));
    assert!(json["num_samples"].as_u64().unwrap_or(0) > 100);
    assert_eq!(json["num_features"], 300);
    // The clean demo has no load findings of warning or error level.
    let bad: Vec<_> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] != "info")
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
}

#[test]
fn unusable_input_exits_2_with_one_line_naming_the_file() {
    let missing = fixture("no-such-file.csv");
    let o = run(&["summary", missing.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("no-such-file.csv"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    let dir = tempfile::tempdir().expect("tempdir");
    let junk = dir.path().join("junk.csv");
    std::fs::write(&junk, "a,b\n1,2\n").expect("write");
    let o = run(&["summary", junk.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("junk.csv"));
}

#[test]
fn bad_arguments_exit_2() {
    assert_eq!(run(&["summary"]).status.code(), Some(2));
    assert_eq!(
        run(&["summary", "--demo", "--column", "nonsense=X"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["summary", "--demo", "--column", "subject"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["export", "--demo", "--table", "nope", "--out", "x.csv"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(run(&["--help"]).status.code(), Some(0));
}

#[test]
fn export_visits_has_stable_columns_and_never_overwrites_inputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("visits.csv");
    let o = run(&[
        "export",
        "--demo",
        "--table",
        "visits",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).expect("read export");
    let header = text.lines().next().expect("header");
    for col in [
        "subject_id",
        "visit_number",
        "date",
        "day",
        "months_since_onset",
        "alsfrs_r_total",
        "weight_kg",
        "bmi",
        "ree_measured_kcal",
    ] {
        assert!(header.split(',').any(|h| h == col), "{col} missing in {header}");
    }

    // Writing over an input file is refused and the input is unchanged.
    let input = dir.path().join("in.csv");
    let original = std::fs::read(fixture("redcap_export.csv")).expect("fixture");
    std::fs::write(&input, &original).expect("copy");
    let o = run(&[
        "export",
        input.to_str().expect("utf-8"),
        "--table",
        "visits",
        "--out",
        input.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read(&input).expect("reread"), original);
}

#[test]
fn export_samples_with_genus_abundances_and_parquet() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("samples.tsv");
    let o = run(&[
        "export",
        "--demo",
        "--table",
        "samples",
        "--rank",
        "genus",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).expect("read");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    assert!(header.contains(&"Faecalibacterium"));
    assert!(header.contains(&"Methanobrevibacter"));
    let first = header
        .iter()
        .position(|h| *h == "Bacteroides" || *h == "Faecalibacterium")
        .expect("taxon column");
    let start = header
        .iter()
        .position(|h| !h.is_empty() && h.chars().next().is_some_and(char::is_uppercase))
        .expect("taxa");
    assert!(first >= start);
    // Relative abundances of a sample sum to 1.
    let row: Vec<&str> = lines.next().expect("row").split('\t').collect();
    let sum: f64 = row[start..].iter().filter_map(|v| v.parse::<f64>().ok()).sum();
    assert!((sum - 1.0).abs() < 1e-9, "{sum}");

    let pq = dir.path().join("subjects.parquet");
    let o = run(&[
        "export",
        "--demo",
        "--table",
        "subjects",
        "--out",
        pq.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["summary", pq.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("subjects  120"), "{}", stdout(&o));
}

#[test]
fn demo_is_deterministic_and_matches_the_embedded_assets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = run(&["demo", "--out", dir.path().to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let assets = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    for name in [
        "subjects.csv",
        "visits.csv",
        "sample-metadata.tsv",
        "feature-table.tsv",
        "taxonomy.tsv",
    ] {
        let made = std::fs::read(dir.path().join(name)).expect("generated");
        let embedded = std::fs::read(assets.join(name)).expect("asset");
        assert!(
            made == embedded,
            "{name} differs from assets/demo; regenerate with `cohort-explorer demo --out assets/demo`"
        );
    }
    let o = run(&["summary", dir.path().to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn moving_pictures_summary_when_shared_is_present() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/moving-pictures");
    if !dir.exists() {
        eprintln!("skipping: {} not present", dir.display());
        return;
    }
    let o = run(&["summary", "--json", dir.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(json["num_samples"], 34);
    assert_eq!(json["num_features"], 770);
    assert_eq!(json["num_subjects"], 2);
}

#[test]
fn export_distances_and_ordination_with_options() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture_dir = fixture("");
    let inputs: Vec<String> = [
        "sample_metadata_q2types.tsv",
        "feature_table_biom.tsv",
        "taxonomy_qiime.tsv",
    ]
    .iter()
    .map(|n| fixture_dir.join(n).display().to_string())
    .collect();
    let dm = dir.path().join("dm.tsv");
    let mut args = vec!["export".to_owned()];
    args.extend(inputs.iter().cloned());
    args.extend(["--table", "distances", "--metric", "jaccard", "--out"].map(str::to_owned));
    args.push(dm.display().to_string());
    let o = bin().args(&args).output().expect("run");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&dm).expect("matrix");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "\tS1\tS2\tS3");
    // S1 has {f1, f2}, S3 has {f2, f3}: Jaccard 1 − 1/3.
    let d13: f64 = lines[1].split('\t').nth(3).expect("cell").parse().expect("number");
    assert!((d13 - 2.0 / 3.0).abs() < 1e-12);
    // The separator follows the extension: a `.csv` is comma-separated (it was tab-separated).
    let dm_csv = dir.path().join("dm.csv");
    let mut args = vec!["export".to_owned()];
    args.extend(inputs.iter().cloned());
    args.extend(["--table", "distances", "--metric", "jaccard", "--out"].map(str::to_owned));
    args.push(dm_csv.display().to_string());
    let o = bin().args(&args).output().expect("run");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&dm_csv).expect("matrix");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], ",S1,S2,S3");
    assert!(!text.contains('\t'));
    let d13: f64 = lines[1].split(',').nth(3).expect("cell").parse().expect("number");
    assert!((d13 - 2.0 / 3.0).abs() < 1e-12);
    // A format a matrix cannot take is refused, naming it.
    let mut args = vec!["export".to_owned()];
    args.extend(inputs.iter().cloned());
    args.extend(["--table", "distances", "--out"].map(str::to_owned));
    args.push(dir.path().join("dm.parquet").display().to_string());
    let o = bin().args(&args).output().expect("run");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("written as .csv or .tsv, not `parquet`"),
        "{}",
        stderr(&o)
    );

    let ord = dir.path().join("ord.csv");
    let mut args = vec!["export".to_owned()];
    args.extend(inputs.iter().cloned());
    args.extend(["--table", "ordination", "--dims", "2", "--out"].map(str::to_owned));
    args.push(ord.display().to_string());
    let o = bin().args(&args).output().expect("run");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("pc1"), "{}", stderr(&o));
    let header = std::fs::read_to_string(&ord)
        .expect("ordination")
        .lines()
        .next()
        .expect("header")
        .to_owned();
    assert_eq!(header, "sample_id,subject_id,day,pc1,pc2");

    // Options are validated: a bad equation or threshold exits 2.
    let out = dir.path().join("v.csv");
    let o = run(&[
        "export",
        "--demo",
        "--table",
        "visits",
        "--ree-equation",
        "kleiber",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&[
        "export",
        "--demo",
        "--table",
        "visits",
        "--ree-equation",
        "mifflin-st-jeor",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("Mifflin-St Jeor"));
    let header = std::fs::read_to_string(&out)
        .expect("visits")
        .lines()
        .next()
        .expect("header")
        .to_owned();
    for col in [
        "kings_stage",
        "mitos_stage",
        "alsfrs_bulbar",
        "ree_predicted_kcal",
        "ree_ratio",
        "hypermetabolic",
        "bmi_who_category",
    ] {
        assert!(header.split(',').any(|h| h == col), "{col} missing");
    }
}

#[test]
fn check_exit_codes_follow_the_findings() {
    let o = run(&["check", "--demo"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("Data quality of the demo cohort: 0 errors"),
        "{}",
        stdout(&o)
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let messy = dir.path().join("messy");
    let o = run(&["demo", "--out", messy.to_str().unwrap(), "--messy", "--subjects", "60"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["check", messy.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("error   range.alsfrs-item"), "{text}");
    assert!(text.contains("units.weight-lb"), "{text}");

    // Every format, to a file; the report never replaces an input.
    for (format, ext) in [("json", "json"), ("csv", "csv"), ("html", "html"), ("text", "txt")] {
        let out = dir.path().join(format!("report.{ext}"));
        let o = run(&[
            "check",
            messy.to_str().unwrap(),
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stdout(&o).contains("errors"), "{}", stdout(&o));
        let body = std::fs::read_to_string(&out).expect("report written");
        match format {
            "json" => {
                let v: serde_json::Value = serde_json::from_str(&body).expect("json");
                assert!(v["errors"].as_u64().unwrap() > 0);
                assert!(v["by_site"].as_array().unwrap().len() >= 3);
            }
            "csv" => assert!(body.starts_with("severity,rule,file,row,column,subject,site,sample,value,message\n")),
            "html" => {
                assert!(body.starts_with("<!DOCTYPE html>"));
                assert!(body.contains("<h2>By site</h2>"));
                assert!(
                    !body.contains("<script src") && !body.contains("<link"),
                    "self-contained"
                );
            }
            _ => assert!(body.starts_with("Data quality of")),
        }
    }
    let input = messy.join("visits.csv");
    let before = std::fs::read(&input).unwrap();
    let o = run(&["check", messy.to_str().unwrap(), "--out", input.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("visits.csv"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&input).unwrap(), before, "the input is untouched");
}

#[test]
fn check_refuses_bad_rules_and_bad_input_with_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, "[severity]\n\"range.bmii\" = \"off\"\n").unwrap();
    let o = run(&["check", "--demo", "--rules", rules.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("rules.toml") && err.contains("range.bmii"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let o = run(&["check", fixture("no-such-file.csv").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    // A file that is no cohort at all.
    let junk = dir.path().join("junk.csv");
    std::fs::write(&junk, [0xff, 0x00, 0x13, 0x37, 0x00]).unwrap();
    let o = run(&["check", junk.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("junk.csv"), "{}", stderr(&o));
    // The documented defaults print and parse back.
    let o = run(&["check", "--print-rules"]);
    assert_eq!(o.status.code(), Some(0));
    std::fs::write(&rules, &o.stdout).unwrap();
    let o = run(&["check", "--demo", "--rules", rules.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_column_override_naming_no_column_exits_2_listing_the_headers() {
    let path = fixture("tidy_visits_bom_crlf.csv");
    let o = run(&["summary", path.to_str().expect("utf-8"), "--column", "subject=PID"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.contains("no input has a column `PID` for the role `subject`"),
        "{err}"
    );
    assert!(err.contains("Patient ID"), "the headers found are listed: {err}");
    // The same override naming a real column loads.
    let o = run(&[
        "summary",
        path.to_str().expect("utf-8"),
        "--column",
        "subject=Patient ID",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn summary_counts_findings_per_rule_with_three_examples_and_lists_all_on_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = run(&["demo", "--out", dir.path().to_str().expect("utf-8"), "--messy"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let path = dir.path().to_str().expect("utf-8");
    let short = stdout(&run(&["summary", path]));
    let all = stdout(&run(&["summary", path, "--all"]));
    // Each rule once, with its count; at most three examples under it.
    assert!(short.contains("  warning identity.unlinked-sample: "), "{short}");
    let mut examples = Vec::new();
    for line in short.lines() {
        let header = ["  error ", "  warning ", "  info "]
            .iter()
            .any(|p| line.starts_with(p));
        if header {
            examples.push(0);
        } else if line.starts_with("          ") && !line.trim_start().starts_with('…') {
            *examples.last_mut().expect("examples follow a rule") += 1;
        }
    }
    assert!(examples.len() >= 8, "{short}");
    assert!(examples.iter().all(|n| (1..=3).contains(n)), "{examples:?}");
    assert!(short.contains("(every finding: --all, or --json)"));
    // The examples name the sample, without repeating the rule; `--all` lists as many as counted.
    let rule = "identity.unlinked-sample";
    let heading = short
        .lines()
        .position(|l| l.contains(&format!("{rule}: ")))
        .expect("rule heading");
    let count: usize = short
        .lines()
        .nth(heading)
        .and_then(|l| l.rsplit(": ").next()?.trim().parse().ok())
        .expect("count");
    let first = short.lines().nth(heading + 1).expect("an example");
    assert!(first.contains(" sample ") && !first.contains(rule), "{first}");
    assert_eq!(all.lines().filter(|l| l.contains(rule)).count(), count, "{all}");
}

#[test]
fn inputs_that_hold_nothing_are_named_with_what_is_missing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let header_only = dir.path().join("header_only.csv");
    std::fs::write(&header_only, "subject_id,visit_date,weight_kg\n").expect("write");
    let one_line = dir.path().join("one_line.csv");
    std::fs::write(&one_line, "x".repeat(100_000)).expect("write");
    let notes = dir.path().join("notes");
    std::fs::create_dir(&notes).expect("mkdir");
    std::fs::write(notes.join("README.md"), "# notes\n").expect("write");
    for (path, says) in [
        (&header_only, "has a header (3 columns) but no rows under it"),
        (&one_line, "one line of 100000 characters and nothing under it"),
        (&notes, "holds no table files"),
    ] {
        let before = std::fs::read_dir(dir.path()).expect("dir").count();
        let o = run(&["summary", path.to_str().expect("utf-8")]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(says), "{err}");
        let name = path.file_name().expect("name").to_string_lossy().to_string();
        assert!(err.contains(&name), "the message names the input: {err}");
        assert_eq!(
            std::fs::read_dir(dir.path()).expect("dir").count(),
            before,
            "nothing written"
        );
    }
}

#[test]
fn survival_exports_curves_and_a_summary_per_group() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tidy = fixture("survival/tidy");
    let tidy = tidy.to_str().expect("utf-8 path");
    let curves = dir.path().join("km.csv");
    let o = run(&[
        "export",
        tidy,
        "--table",
        "survival",
        "--endpoint",
        "death",
        "--group-by",
        "arm",
        "--out",
        curves.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("90 subjects, 41 events"), "{}", stderr(&o));
    let text = std::fs::read_to_string(&curves).expect("curves written");
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    assert_eq!(
        lines.next(),
        Some("group,time_months,at_risk,events,censored,survival,ci_lower,ci_upper")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    // A row at 0 for each of the three arms, the first group in natural order first.
    let starts: Vec<&str> = rows.iter().filter(|r| r[1] == "0.0").map(|r| r[0]).collect();
    assert_eq!(starts, ["high dose", "low dose", "placebo"]);
    assert!(
        rows.iter()
            .all(|r| r[5].parse::<f64>().is_ok_and(|s| (0.0..=1.0).contains(&s)))
    );

    let summary = dir.path().join("summary.csv");
    let o = run(&[
        "export",
        tidy,
        "--table",
        "survival-summary",
        "--endpoint",
        "death",
        "--group-by",
        "arm",
        "--covariate",
        "sex",
        "--out",
        summary.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&summary).expect("summary written");
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    assert_eq!(
        lines.next(),
        Some(
            "group,n,events,median_months,median_ci_lower,median_ci_upper,rmst,hazard_ratio,hr_ci_lower,\
             hr_ci_upper,hr_p,logrank_chi2,logrank_df,logrank_p"
        )
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 4, "three arms and sex=male: {rows:?}");
    assert_eq!(&rows[0][..3], ["high dose", "30", "6"]);
    assert_eq!(rows[0][7], "1.0", "the reference group's hazard ratio");
    assert!(rows[0][8].is_empty(), "the reference has no CI");
    assert_eq!(rows[3][0], "covariate:sex=male");
    // The log-rank test repeats on every row.
    assert!(
        rows.iter()
            .all(|r| r[11] == rows[0][11] && r[13] == rows[0][13] && r[12] == "2")
    );
}

#[test]
fn an_unknown_or_empty_endpoint_exits_2_saying_what_is_missing() {
    let proact = fixture("survival/proact");
    let proact = proact.to_str().expect("utf-8 path");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("km.csv");
    let out = out.to_str().expect("path");
    for (endpoint, said) in [
        ("pneumonia", "unknown endpoint `pneumonia`"),
        ("niv", "niv_date or niv_days"),
    ] {
        let o = run(&[
            "export",
            proact,
            "--table",
            "survival",
            "--endpoint",
            endpoint,
            "--out",
            out,
        ]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains(said), "{}", stderr(&o));
    }
    let o = run(&["export", proact, "--table", "survival", "--out", out]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--endpoint is needed"), "{}", stderr(&o));
    assert!(!Path::new(out).exists(), "nothing written on an error");
}

#[test]
fn export_all_writes_every_table_from_one_load_as_each_alone_would() {
    let dir = tempfile::tempdir().expect("tempdir");
    let all = dir.path().join("all");
    let o = run(&[
        "export",
        "--demo",
        "--table",
        "all",
        "--endpoint",
        "death",
        "--timings",
        "--out",
        all.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // --timings: every stage, on one line at the end.
    let last = stderr(&o).lines().last().unwrap_or_default().to_owned();
    for stage in [
        "stages: read ",
        "derive ",
        "alpha ",
        "distances ",
        "PCoA ",
        "write ",
        "total ",
    ] {
        assert!(last.contains(stage), "{last}");
    }
    let data = |path: &Path| -> Vec<String> {
        std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(str::to_owned)
            .collect()
    };
    for (table, file) in [
        ("visits", "visits.csv"),
        ("subjects", "subjects.csv"),
        ("samples", "samples.csv"),
        ("distances", "distances.tsv"),
        ("ordination", "ordination.csv"),
        ("taxon-trends", "taxon-trends.csv"),
        ("survival", "survival.csv"),
        ("survival-summary", "survival-summary.csv"),
    ] {
        let alone = dir.path().join(file);
        let o = run(&[
            "export",
            "--demo",
            "--table",
            table,
            "--endpoint",
            "death",
            "--out",
            alone.to_str().expect("path"),
        ]);
        assert_eq!(o.status.code(), Some(0), "{table}: {}", stderr(&o));
        assert_eq!(data(&all.join(file)), data(&alone), "{table}");
    }
    // Two tables into a file is refused; a cohort without microbiome skips its tables.
    let o = run(&[
        "export",
        "--demo",
        "--table",
        "visits",
        "--table",
        "subjects",
        "--out",
        all.join("visits.csv").to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let tidy = fixture("survival/tidy");
    let clinical = dir.path().join("clinical");
    let o = run(&[
        "export",
        tidy.to_str().expect("path"),
        "--table",
        "all",
        "--out",
        clinical.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("skipped ordination.csv"), "{}", stderr(&o));
    assert!(clinical.join("subjects.csv").exists() && !clinical.join("taxon-trends.csv").exists());
}

#[test]
fn above_the_full_matrix_limit_the_ordination_from_the_triangle_is_the_same() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cohort = dir.path().join("cohort");
    let o = run(&[
        "demo",
        "--out",
        cohort.to_str().expect("utf-8"),
        "--subjects",
        "200",
        "--samples",
        "340",
        "--features",
        "60",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let export = |out: &Path, limit: Option<&str>| -> Output {
        let mut cmd = bin();
        cmd.args([
            "export",
            cohort.to_str().expect("utf-8"),
            "--table",
            "ordination",
            "--out",
        ]);
        cmd.arg(out);
        if let Some(limit) = limit {
            cmd.env("COHORT_EXPLORER_FULL_MATRIX_MAX", limit);
        }
        cmd.output().expect("run")
    };
    let (full, half) = (dir.path().join("full.csv"), dir.path().join("half.csv"));
    let o = export(&full, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("above the diagonal"), "{}", stderr(&o));
    let o = export(&half, Some("100"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("keeps only the distances above the diagonal"),
        "{}",
        stderr(&o)
    );
    let read = |p: &Path| -> Vec<Vec<String>> {
        std::fs::read_to_string(p)
            .expect("written")
            .lines()
            .map(|l| l.split(',').map(str::to_owned).collect())
            .collect()
    };
    let (a, b) = (read(&full), read(&half));
    assert_eq!(a.len(), b.len());
    assert_eq!(a[0], b[0]);
    for (x, y) in a.iter().zip(&b).skip(1) {
        assert_eq!(x[..3], y[..3]);
        for (u, v) in x[3..].iter().zip(&y[3..]) {
            let (u, v): (f64, f64) = (u.parse().expect("number"), v.parse().expect("number"));
            assert!((u - v).abs() < 1e-7, "{u} vs {v}");
        }
    }
}

#[test]
fn figure_writes_svg_and_png_headless_and_refuses_what_it_cannot_draw() {
    let dir = tempfile::tempdir().expect("temp dir");
    let svg = dir.path().join("km.svg");
    let o = run(&[
        "figure",
        "--demo",
        "--view",
        "survival",
        "--measure",
        "death",
        "--out",
        svg.to_str().expect("utf-8"),
        "--width",
        "800",
        "--height",
        "500",
        "--footer",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&svg).expect("svg written");
    for needle in [
        ">Kaplan–Meier: death from baseline</text>",
        ">Free of death</text>",
        "cohort-explorer 0.1.0",
    ] {
        assert!(text.contains(needle), "no {needle}");
    }
    let png = dir.path().join("bmi.png");
    let o = run(&[
        "figure",
        "--demo",
        "--view",
        "trajectories",
        "--measure",
        "bmi",
        "--group-by",
        "site",
        "--out",
        png.to_str().expect("utf-8"),
        "--width",
        "640",
        "--height",
        "400",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bytes = std::fs::read(&png).expect("png written");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    // Width and height from the IHDR chunk.
    assert_eq!(u32::from_be_bytes(bytes[16..20].try_into().expect("4 bytes")), 640);
    assert_eq!(u32::from_be_bytes(bytes[20..24].try_into().expect("4 bytes")), 400);

    for (args, message) in [
        (
            vec!["--view", "ordination", "--out", "x.pdf"],
            "--out must end in .svg or .png",
        ),
        (
            vec!["--view", "ordination", "--measure", "bmi", "--out", "x.svg"],
            "--measure does not apply",
        ),
        (
            vec!["--view", "trajectories", "--group-by", "shoe_size", "--out", "x.svg"],
            "shoe_size",
        ),
    ] {
        let mut all = vec!["figure", "--demo"];
        all.extend(args);
        let o = run(&all);
        assert_eq!(o.status.code(), Some(2), "{all:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(message),
            "{all:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// Whole words of letters, digits and `-_.` in `text`.
fn words(text: &str) -> std::collections::HashSet<String> {
    text.split(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .map(|w| w.trim_end_matches('.').to_owned())
        .filter(|w| !w.is_empty())
        .collect()
}

/// The values of one column of a CSV file (no quoted commas in the columns read here).
fn csv_column(path: &Path, column: &str) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let i = header.iter().position(|h| *h == column).expect("column");
    lines.map(|l| l.split(',').nth(i).unwrap_or("").to_owned()).collect()
}

/// The messy demo of 40 subjects written into `dir/messy`.
fn messy_demo(dir: &Path) -> PathBuf {
    let data = dir.join("messy");
    let o = run(&[
        "demo",
        "--out",
        data.to_str().expect("utf-8"),
        "--messy",
        "--subjects",
        "40",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    data
}

#[test]
fn pseudonymised_exports_and_reports_hold_no_original_id_and_keep_each_subjects_pseudonym() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = messy_demo(dir.path());
    // Every original ID: the subjects' and the samples', as the files give them.
    let mut originals = std::collections::HashSet::new();
    for (file, sep) in [
        ("subjects.csv", ','),
        ("visits.csv", ';'),
        ("sample-metadata.tsv", '\t'),
    ] {
        let text = std::fs::read_to_string(data.join(file)).expect("demo file");
        for line in text.lines().skip(1).filter(|l| !l.starts_with('#')) {
            let first = line.split(sep).next().unwrap_or("").trim_start_matches('\u{feff}');
            if !first.is_empty() {
                originals.insert(first.to_owned());
            }
        }
    }
    assert!(originals.len() > 40, "{}", originals.len());
    let plain = dir.path().join("plain");
    let hidden = dir.path().join("hidden");
    let input = data.to_str().expect("utf-8");
    for (out, extra) in [(&plain, vec![]), (&hidden, vec!["--pseudonymise", "--shift-dates"])] {
        let mut args = vec!["export", input, "--table", "all", "--out", out.to_str().expect("utf-8")];
        args.extend(extra.iter().copied());
        let o = run(&args);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let report = dir.path().join("report.html");
    let o = run(&[
        "check",
        input,
        "--pseudonymise",
        "--format",
        "html",
        "--out",
        report.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(1), "the messy demo has errors: {}", stderr(&o));
    let summary = run(&["summary", input, "--pseudonymise", "--all"]);
    let mut written = vec![
        ("summary".to_owned(), stdout(&summary)),
        ("report".to_owned(), std::fs::read_to_string(&report).expect("report")),
    ];
    for entry in std::fs::read_dir(&hidden).expect("out dir") {
        let path = entry.expect("entry").path();
        written.push((
            path.display().to_string(),
            std::fs::read_to_string(&path).expect("table"),
        ));
    }
    for (what, text) in &written {
        let leaked: Vec<&String> = words(text)
            .iter()
            .filter(|w| originals.contains(*w))
            .map(|w| originals.get(w).expect("in the set"))
            .collect();
        assert!(leaked.is_empty(), "{what} holds original IDs: {leaked:?}");
    }
    // One pseudonym per subject in every table, and the same rows as without pseudonyms.
    let subjects: std::collections::HashSet<String> = csv_column(&hidden.join("subjects.csv"), "subject_id")
        .into_iter()
        .collect();
    assert_eq!(
        subjects.len(),
        csv_column(&plain.join("subjects.csv"), "subject_id").len()
    );
    for table in ["visits.csv", "samples.csv", "ordination.csv"] {
        let ids = csv_column(&hidden.join(table), "subject_id");
        assert!(
            ids.iter().filter(|s| !s.is_empty()).all(|s| subjects.contains(s)),
            "{table}"
        );
        assert_eq!(ids.len(), csv_column(&plain.join(table), "subject_id").len(), "{table}");
    }
    // Intervals kept: within each subject, date − day (its baseline date) is one value, with
    // and without shifted dates; the baseline dates themselves moved.
    let day_of = |d: &str| -> Option<i64> {
        let mut p = d.split('-').map(|x| x.parse::<i64>().ok());
        let (y, m, dd) = (p.next()??, p.next()??, p.next()??);
        // Days from civil (Howard Hinnant), enough to compare offsets.
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + dd - 1;
        Some(era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy)
    };
    let baselines = |dir: &Path| -> std::collections::HashMap<String, i64> {
        let (ids, dates, days) = (
            csv_column(&dir.join("visits.csv"), "subject_id"),
            csv_column(&dir.join("visits.csv"), "date"),
            csv_column(&dir.join("visits.csv"), "day"),
        );
        let mut out = std::collections::HashMap::new();
        for i in 0..ids.len() {
            let (Some(date), Ok(day)) = (day_of(&dates[i]), days[i].parse::<f64>()) else {
                continue;
            };
            let base = date - day as i64;
            let first = *out.entry(ids[i].clone()).or_insert(base);
            assert_eq!(first, base, "{}: visits moved apart in {}", ids[i], dir.display());
        }
        out
    };
    let (before, after) = (baselines(&plain), baselines(&hidden));
    assert_eq!(before.len(), after.len());
    let kept: std::collections::HashSet<i64> = before.values().copied().collect();
    let unmoved = after.values().filter(|d| kept.contains(d)).count();
    assert!(
        unmoved * 5 < after.len(),
        "{unmoved} of {} baseline dates did not move",
        after.len()
    );
}

#[test]
fn a_session_gives_the_inputs_options_and_screen_to_headless_commands() {
    let dir = tempfile::tempdir().expect("temp dir");
    let session = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sessions/v1.cohort.json");
    let session = session.to_str().expect("utf-8");
    // Its inputs (the demo) and options (Mifflin–St Jeor, hypermetabolic above 1.2).
    let out = dir.path().join("visits.csv");
    let o = run(&[
        "export",
        "--session",
        session,
        "--table",
        "visits",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let plain = dir.path().join("plain.csv");
    let o = run(&[
        "export",
        "--demo",
        "--table",
        "visits",
        "--out",
        plain.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (a, b) = (
        csv_column(&out, "ree_predicted_kcal"),
        csv_column(&plain, "ree_predicted_kcal"),
    );
    assert_eq!(a.len(), b.len());
    assert!(
        a.iter().zip(&b).any(|(x, y)| x != y),
        "the session's REE equation was not used"
    );
    // Its screen in a figure: grouped by site, Milan hidden.
    let svg = dir.path().join("f.svg");
    let o = run(&[
        "figure",
        "--session",
        session,
        "--view",
        "distribution",
        "--out",
        svg.to_str().expect("utf-8"),
        "--width",
        "700",
        "--height",
        "450",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&svg).expect("svg");
    assert!(
        text.contains("Grouped by `site`; filters: groups hidden: Milan"),
        "{}",
        &text[..400.min(text.len())]
    );
    // A session that is not one: exit 2 naming it.
    let bad = dir.path().join("bad.cohort.json");
    std::fs::write(&bad, "{}").expect("write");
    let o = run(&["summary", "--session", bad.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("damaged") && stderr(&o).contains("bad.cohort.json"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn lang_zh_writes_the_reports_headings_in_chinese() {
    let dir = tempfile::tempdir().expect("temp dir");
    let html = dir.path().join("report.html");
    let o = run(&[
        "check",
        "--demo",
        "--lang",
        "zh",
        "--format",
        "html",
        "--out",
        html.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&html).expect("report");
    assert!(
        text.contains("<html lang=\"zh-Hans\">") && text.contains("<h1>数据质量：演示队列</h1>"),
        "{}",
        &text[..400]
    );
    let o = run(&["check", "--demo", "--lang", "zh"]);
    assert!(
        stdout(&o).starts_with("演示队列 的数据质量：0 个错误，0 个警告"),
        "{}",
        stdout(&o)
    );
    let o = run(&["check", "--demo", "--lang", "en"]);
    assert!(
        stdout(&o).starts_with("Data quality of the demo cohort: 0 errors, 0 warnings"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn lang_zh_says_errors_and_file_layouts_in_chinese() {
    // A file's layout in `summary`.
    let o = run(&["summary", "--demo", "--lang", "zh"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("整洁格式临床访视表; 1079 行 × 21 列") && text.contains("BIOM 经典 TSV 特征表"),
        "{text}"
    );
    // Errors of the command line, of the loader and of a choice that does not fit the cohort.
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("missing.csv");
    let o = run(&["summary", "--lang", "zh", missing.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("cohort-explorer: 错误：无法读取输入："),
        "{}",
        stderr(&o)
    );
    let o = run(&["summary", "--demo", "--lang", "zh", "--group-by", "nope"]);
    assert!(
        stderr(&o).contains("--group-by: 没有可用于分组的列 `nope`；可用的列：group, arm"),
        "{}",
        stderr(&o)
    );
    let out = dir.path().join("figure.gif");
    let o = run(&[
        "figure",
        "--demo",
        "--lang",
        "zh",
        "--view",
        "scatter",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert!(stderr(&o).contains("--out 必须以 .svg 或 .png 结尾"), "{}", stderr(&o));
    // What each rule checks, in the HTML report and in the sites' queries.
    let messy = messy_demo(dir.path());
    let html = dir.path().join("report.html");
    let queries = dir.path().join("queries");
    let o = run(&[
        "check",
        messy.to_str().expect("utf-8"),
        "--lang",
        "zh",
        "--format",
        "html",
        "--out",
        html.to_str().expect("utf-8"),
        "--queries",
        queries.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report = std::fs::read_to_string(&html).expect("report");
    assert!(report.contains("ALSFRS-R 总分 ≠ 12 个条目之和"), "{report}");
    let sheet = std::fs::read_to_string(queries.join("queries-Milan.csv")).expect("Milan's queries");
    assert!(sheet.starts_with("\u{feff}编号,中心,受试者,访视"), "{sheet}");
    // The same in English.
    let o = run(&["summary", "--demo", "--lang", "en", "--group-by", "nope"]);
    assert!(
        stderr(&o).contains("error: --group-by: no column `nope` to group by; columns that can: group, arm"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_figure_of_a_cohort_without_arms_says_it_is_not_grouped_when_shared_is_present() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/moving-pictures");
    if !dir.exists() {
        eprintln!("skipping: {} not present", dir.display());
        return;
    }
    let out = tempfile::tempdir().expect("temp dir");
    let svg = out.path().join("ordination.svg");
    let o = run(&[
        "figure",
        dir.to_str().expect("utf-8"),
        "--view",
        "ordination",
        "--out",
        svg.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&svg).expect("svg");
    assert!(text.contains("Not grouped; no filters;"), "{text}");
    assert!(!text.contains("Grouped by the cohort"), "{text}");
}
