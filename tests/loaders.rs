//! Loaders on a small real-looking fixture per layout, including the messy cases.

use std::path::{Path, PathBuf};

use cohort_explorer::data::{LoadOptions, Role, load_paths};
use cohort_explorer::metrics::tables::{MetricOptions, samples_table};
use cohort_explorer::model::{AbundanceKind, Cohort, columns as c};
use polars::prelude::*;

mod common;
use common::{f64_col, str_col};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn load(names: &[&str]) -> Cohort {
    let paths: Vec<PathBuf> = names.iter().map(|n| fixture(n)).collect();
    load_paths(&paths, &LoadOptions::default()).unwrap_or_else(|e| panic!("{names:?}: {e}"))
}

fn layout_of(cohort: &Cohort, i: usize) -> &str {
    &cohort.sources[i].layout
}

#[test]
fn tidy_visits_with_bom_crlf_pounds_and_text_ids() {
    let cohort = load(&["tidy_visits_bom_crlf.csv"]);
    assert_eq!(layout_of(&cohort, 0), "tidy clinical visits");
    assert_eq!(cohort.sources[0].encoding.as_deref(), Some("UTF-8 (BOM)"));
    assert_eq!(cohort.num_subjects(), 2);
    assert_eq!(cohort.num_visits(), 5);
    let ids = str_col(cohort.subjects(), c::SUBJECT_ID);
    assert_eq!(ids, [Some("000123".to_owned()), Some("1000301298.rs".to_owned())]);
    let v = cohort.visits();
    let w = f64_col(v, c::WEIGHT_KG);
    assert!((w[0].expect("weight") - 165.3 * 0.453_592_37).abs() < 1e-9);
    // Days since the subject's first visit.
    assert_eq!(f64_col(v, c::DAY)[..3], [Some(0.0), Some(91.0), Some(182.0)]);
    // Height given once is carried to later visits for BMI.
    let bmi = f64_col(v, c::BMI);
    let expected = 160.0 * 0.453_592_37 / 1.72f64.powi(2);
    assert!((bmi[1].expect("bmi") - expected).abs() < 1e-9);
    // -999 is a missing code, and the text column is reported as unused.
    assert_eq!(f64_col(v, "grip_strength_kg")[2], None);
    assert!(cohort.sources[0].ignored_columns.iter().any(|h| h == "Notes"));
    assert_eq!(f64_col(v, c::ALSFRS_R_TOTAL)[2], None);
}

#[test]
fn semicolons_decimal_commas_and_day_first_dates() {
    let cohort = load(&["visits_semicolon_decimal_comma.csv"]);
    assert_eq!(cohort.sources[0].separator.as_deref(), Some(";"));
    assert!(cohort.sources[0].decimal_comma);
    let v = cohort.visits();
    assert_eq!(f64_col(v, c::WEIGHT_KG)[0], Some(72.5));
    assert_eq!(f64_col(v, "ree_measured_kcal")[0], Some(1650.5));
    // 25/09/2021 proves the column is day-first, so 05/03/2021 is 5 March.
    assert_eq!(f64_col(v, c::DAY)[..3], [Some(0.0), Some(91.0), Some(204.0)]);
    assert!(cohort.findings.iter().all(|f| f.rule != "time.ambiguous-date"));
}

#[test]
fn r_write_csv_with_empty_first_header_and_rownames() {
    let cohort = load(&["r_write_csv_rownames.csv"]);
    assert_eq!(layout_of(&cohort, 0), "tidy clinical visits");
    assert_eq!(cohort.num_subjects(), 2);
    let v = cohort.visits();
    // Month offsets become days; the row-names column is not a measure.
    assert_eq!(f64_col(v, c::DAY)[1], Some(3.0 * 30.44));
    assert!(v.column("unnamed").is_err());
    assert_eq!(f64_col(v, c::BMI), [Some(24.1), Some(23.9), Some(21.5), Some(21.0)]);
}

#[test]
fn redcap_events_order_visits_and_carry_subject_fields() {
    let cohort = load(&["redcap_export.csv"]);
    assert_eq!(layout_of(&cohort, 0), "REDCap export");
    assert_eq!(cohort.num_subjects(), 2);
    assert_eq!(cohort.num_visits(), 5);
    let v = cohort.visits();
    assert_eq!(str_col(v, c::VISIT)[1].as_deref(), Some("month_3_arm_1"));
    assert_eq!(f64_col(v, c::DAY)[2], Some(6.0 * 30.44));
    let s = cohort.subjects();
    assert_eq!(str_col(s, "sex"), [Some("female".to_owned()), Some("male".to_owned())]);
    assert_eq!(str_col(s, "site")[1].as_deref(), Some("Site B"));
}

#[test]
fn proact_folder_converts_units_and_keeps_alsfrs_versions_apart() {
    let cohort = load(&["proact"]);
    assert_eq!(cohort.sources.len(), 7);
    assert!(
        cohort.sources.iter().all(|s| s.layout.starts_with("PRO-ACT")),
        "{:?}",
        cohort.sources
    );
    assert_eq!(cohort.num_subjects(), 2);
    let v = cohort.visits();
    let ids = str_col(v, c::SUBJECT_ID);
    let days = f64_col(v, c::DAY);
    let total = f64_col(v, c::ALSFRS_R_TOTAL);
    let original = f64_col(v, "alsfrs_original_total");
    let weight = f64_col(v, c::WEIGHT_KG);
    let height = f64_col(v, c::HEIGHT_CM);
    let fvc = f64_col(v, "fvc_percent_predicted");
    let row = |id: &str, day: f64| {
        (0..ids.len())
            .find(|&i| ids[i].as_deref() == Some(id) && days[i] == Some(day))
            .expect("visit")
    };
    // Same subject and delta in ALSFRS, Vitals and FVC: one visit.
    let r = row("329", 0.0);
    assert_eq!(total[r], Some(41.0));
    assert!((weight[r].expect("weight") - 176.0 * 0.453_592_37).abs() < 1e-9);
    assert!((height[r].expect("height") - 68.0 * 2.54).abs() < 1e-9);
    assert_eq!(fvc[r], Some(83.0), "best of three trials");
    // Subject 533 has only the 40-point ALSFRS: never read as ALSFRS-R.
    let r = row("533", 0.0);
    assert_eq!(total[r], None);
    assert_eq!(original[r], Some(37.0));
    assert_eq!(weight[r], Some(70.5));
    let s = cohort.subjects();
    assert_eq!(
        str_col(s, "onset_region"),
        [Some("spinal".to_owned()), Some("bulbar".to_owned())]
    );
    assert_eq!(
        str_col(s, "arm"),
        [Some("Active".to_owned()), Some("Placebo".to_owned())]
    );
    assert_eq!(f64_col(s, c::ONSET_DELTA_DAYS), [Some(-420.0), Some(-300.0)]);
    // Months since onset from the onset delta (days relative to enrolment).
    let r = row("329", 91.0);
    assert!((f64_col(v, c::MONTHS_SINCE_ONSET)[r].expect("months") - 511.0 / 30.44).abs() < 1e-9);
    // 5b scored at the third visit is item 5b, not 5a.
    let r = row("329", 182.0);
    assert_eq!(f64_col(v, "alsfrs_q5b")[r], Some(2.0));
    assert_eq!(f64_col(v, "alsfrs_q5a")[r], None);
}

#[test]
fn gbk_chinese_headers() {
    let cohort = load(&["clinical_gbk.csv"]);
    assert_eq!(cohort.sources[0].encoding.as_deref(), Some("GB18030"));
    let roles: Vec<&str> = cohort.sources[0].roles.iter().map(|r| r.role.as_str()).collect();
    assert_eq!(
        roles,
        ["subject", "sex", "date", "weight", "height", "ree", "alsfrs_r_total"]
    );
    assert_eq!(cohort.num_subjects(), 2);
    assert_eq!(
        str_col(cohort.subjects(), "sex"),
        [Some("male".to_owned()), Some("female".to_owned())]
    );
    assert_eq!(f64_col(cohort.visits(), c::DAY)[1], Some(95.0));
}

#[test]
fn windows_1252_subjects_table() {
    let cohort = load(&["subjects_windows1252.csv"]);
    assert_eq!(cohort.sources[0].encoding.as_deref(), Some("Windows-1252"));
    assert_eq!(layout_of(&cohort, 0), "subjects table");
    assert_eq!(
        str_col(cohort.subjects(), "site"),
        [Some("Zürich".to_owned()), Some("Genève".to_owned())]
    );
    assert_eq!(str_col(cohort.subjects(), "notes")[0].as_deref(), Some("née Müller"));
    assert_eq!(cohort.num_visits(), 0);
}

#[test]
fn qiime_microbiome_files_link_samples_to_visits() {
    let cohort = load(&[
        "visits_semicolon_decimal_comma.csv",
        "sample_metadata_q2types.tsv",
        "feature_table_biom.tsv",
        "taxonomy_qiime.tsv",
    ]);
    let layouts: Vec<&str> = cohort.sources.iter().map(|s| s.layout.as_str()).collect();
    assert_eq!(
        layouts[1..],
        [
            "QIIME 2 sample metadata",
            "BIOM classic TSV feature table",
            "QIIME 2 taxonomy"
        ]
    );
    assert_eq!(cohort.num_samples(), 3);
    assert_eq!(cohort.num_features(), 3);
    assert_eq!(cohort.abundances().map(|a| a.kind), Some(AbundanceKind::Counts));
    let s = cohort.samples();
    // S1 is 2 days after P01's baseline, S2 16 days after the 04/06 visit; both within 30 days.
    assert_eq!(f64_col(s, c::DAY)[..2], [Some(2.0), Some(107.0)]);
    let linked: Vec<Option<i32>> = s
        .column(c::LINKED_VISIT_NUMBER)
        .expect("col")
        .i32()
        .expect("i32")
        .iter()
        .collect();
    assert_eq!(linked, [Some(1), Some(2), Some(1)]);
    assert_eq!(f64_col(s, c::READ_DEPTH), [Some(160.0), Some(85.0), Some(210.0)]);
    // The taxonomy file (GTDB/SILVA style) wins over the table's own column: it was read later,
    // so the table's lineage (read first) is kept and the conflict is reported.
    assert!(cohort.taxonomy().contains_key("f1"));
}

#[test]
fn dada2_taxonomy_with_sequence_ids_and_na() {
    let cohort = load(&["dada2_taxonomy.csv"]);
    assert_eq!(layout_of(&cohort, 0), "per-rank taxonomy table");
    let tax = cohort.taxonomy();
    assert_eq!(tax.len(), 3);
    let l = &tax["TACGTAGGTGGCAAGCGTTGTCCGGATTTATTGGGCGTAAAGCGAGCGCAG"];
    assert_eq!(l.ranks[4].as_deref(), Some("Lachnospiraceae"));
    assert_eq!(l.ranks[5], None);
    assert_eq!(l.label_at(5), "Unassigned (f: Lachnospiraceae)");
}

/// DADA2's two outputs written by `write.csv`: the sequence table (samples × sequences) and
/// `assignTaxonomy`'s per-rank table. The sequences in the first file's headers used to be
/// taken as genus names, so every feature had "two different lineages", no phylum, and no F/B.
#[test]
fn dada2_sequence_table_takes_its_lineages_from_the_taxonomy_file() {
    let cohort = load(&["dada2_seqtab.csv", "dada2_taxonomy.csv"]);
    assert_eq!(layout_of(&cohort, 0), "sample x taxon matrix");
    let conflicts: Vec<_> = cohort
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("composition."))
        .map(|f| &f.message)
        .collect();
    assert!(conflicts.is_empty(), "{conflicts:?}");
    let l = &cohort.taxonomy()["TACGTAGGGGGCAAGCGTTATCCGGATTTACTGGGTGTAAAGGGAGCGTAG"];
    assert_eq!(l.ranks[1].as_deref(), Some("Firmicutes"));
    assert_eq!(l.ranks[5].as_deref(), Some("Faecalibacterium"));
    let samples = samples_table(&cohort, &MetricOptions::default()).expect("samples");
    let fb = f64_col(&samples, "fb_ratio");
    let expected = [(579.0 + 449.0) / 345.0, (405.0 + 231.0) / 353.0, 1507.0 / 3001.0];
    for (got, want) in fb.iter().zip(expected) {
        assert!((got.expect("F/B") - want).abs() < 1e-12, "{got:?} vs {want}");
    }
    // Without the taxonomy file, a sequence is not a genus name: the features are unassigned.
    let alone = load(&["dada2_seqtab.csv"]);
    assert!(alone.taxonomy().is_empty());
}

#[test]
fn sample_taxon_matrix_in_percent_becomes_fractions() {
    let cohort = load(&["sample_taxon_matrix_percent.csv"]);
    assert_eq!(layout_of(&cohort, 0), "sample x taxon matrix");
    let a = cohort.abundances().expect("abundances");
    assert_eq!(a.kind, AbundanceKind::Relative);
    assert_eq!(a.sample_ids, ["A1", "A2", "A3"]);
    assert!((a.sample(0)[0] - 0.455).abs() < 1e-12);
    assert_eq!(
        cohort.taxonomy()["k__Bacteria;p__Bacteroidetes;g__Bacteroides"].ranks[1].as_deref(),
        Some("Bacteroidetes")
    );
}

/// A real study's shape: `#ID`, then genus names without prefixes, counts in the cells. It was
/// read as 502 subjects with no samples; the headers and cells say it is a sample × taxon matrix.
#[test]
fn sample_by_genus_matrix_with_id_header_is_a_matrix_not_subjects() {
    let cohort = load(&["sample_genus_matrix.csv"]);
    assert_eq!(layout_of(&cohort, 0), "sample x taxon matrix");
    let a = cohort.abundances().expect("abundances");
    assert_eq!(a.kind, AbundanceKind::Counts);
    assert_eq!(a.sample_ids, ["S001", "S002", "S003", "S004"]);
    assert_eq!(a.num_features(), 8);
    let lineage = &cohort.taxonomy()["Ruminococcaceae_UCG-014"];
    assert_eq!(lineage.ranks[5].as_deref(), Some("Ruminococcaceae_UCG-014"));
    // The same first header over laboratory values stays a subjects table.
    let labs = load(&["lab_values_subjects.csv"]);
    assert_eq!(layout_of(&labs, 0), "subjects table");
    assert_eq!(labs.num_subjects(), 3);
    assert!(labs.abundances().is_none());
}

#[test]
fn metaphlan_keeps_one_rank() {
    let cohort = load(&["metaphlan_merged.tsv"]);
    assert_eq!(layout_of(&cohort, 0), "MetaPhlAn merged table");
    let a = cohort.abundances().expect("abundances");
    // Species only: parents are not counted again.
    assert_eq!(a.num_features(), 3);
    let total: f64 = a.sample(0).iter().sum();
    assert!((total - 1.0).abs() < 1e-12, "{total}");
    assert_eq!(a.sample_ids, ["m1", "m2"]);
}

#[test]
fn long_abundance_table_pivots_and_carries_subjects() {
    let cohort = load(&["long_abundance.csv"]);
    assert_eq!(layout_of(&cohort, 0), "long abundance table");
    let a = cohort.abundances().expect("abundances");
    assert_eq!(a.num_samples(), 2);
    assert_eq!(a.num_features(), 3);
    assert_eq!(a.sample(1), [60.0, 140.0, 5.0]);
    assert_eq!(
        str_col(cohort.samples(), c::SUBJECT_ID),
        [Some("P1".to_owned()), Some("P1".to_owned())]
    );
    assert_eq!(f64_col(cohort.samples(), c::DAY), [Some(0.0), Some(90.0)]);
}

#[test]
fn parquet_input_reads_like_csv() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = load(&["visits_semicolon_decimal_comma.csv"]);
    let mut df = csv
        .visits()
        .select(["subject_id", "date", "alsfrs_r_total", "weight_kg"])
        .expect("select");
    let path = dir.path().join("visits.parquet");
    let file = std::fs::File::create(&path).expect("create");
    ParquetWriter::new(file).finish(&mut df).expect("write parquet");
    let cohort = load_paths(&[path], &LoadOptions::default()).expect("load parquet");
    assert_eq!(cohort.sources[0].encoding.as_deref(), Some("Parquet"));
    assert_eq!(cohort.num_visits(), 5);
    assert_eq!(
        f64_col(cohort.visits(), c::WEIGHT_KG),
        f64_col(csv.visits(), c::WEIGHT_KG)
    );
    assert_eq!(f64_col(cohort.visits(), c::DAY), f64_col(csv.visits(), c::DAY));
}

/// A wide visits table in many small row groups, more rows than one batch of the Parquet
/// reader: 7,000 subjects × 10 visits, a text weight column with one unreadable value near the
/// end, twenty lab columns and a notes column.
fn wide_visits_parquet(path: &Path) {
    let n = 70_000;
    let subjects: Vec<String> = (0..n).map(|i| format!("P{:04}", i / 10)).collect();
    let dates: Vec<String> = (0..n).map(|i| format!("2021-{:02}-15", 1 + (i % 10))).collect();
    let weights: Vec<String> = (0..n)
        .map(|i| {
            if i == 68_000 {
                "heavy".to_owned()
            } else {
                format!("{:.1}", 60.0 + f64::from(i % 97) / 10.0)
            }
        })
        .collect();
    let mut columns = vec![
        Column::new("subject_id".into(), subjects),
        Column::new("visit_date".into(), dates),
        Column::new("weight_kg".into(), weights),
    ];
    for lab in 1..=20 {
        let values: Vec<f64> = (0..n).map(|i| f64::from(i * lab) % 13.0).collect();
        columns.push(Column::new(format!("lab_{lab}").into(), values));
    }
    columns.push(Column::new(
        "notes".into(),
        (0..n).map(|i| format!("free text {i}")).collect::<Vec<_>>(),
    ));
    let mut df = DataFrame::new_infer_height(columns).expect("frame");
    let file = std::fs::File::create(path).expect("create");
    ParquetWriter::new(file)
        .with_row_group_size(Some(7_000))
        .finish(&mut df)
        .expect("write parquet");
}

#[test]
fn parquet_reads_only_the_columns_named_a_batch_of_row_groups_at_a_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("wide.parquet");
    wide_visits_parquet(&path);
    let whole = load_paths(std::slice::from_ref(&path), &LoadOptions::default()).expect("whole");
    assert_eq!(whole.num_visits(), 70_000);
    assert!(whole.visits().column("lab_20").is_ok());

    let options = LoadOptions {
        parquet_columns: vec!["subject_id".to_owned(), "Visit date".to_owned(), "weight_kg".to_owned()],
        ..LoadOptions::default()
    };
    let kept = load_paths(std::slice::from_ref(&path), &options).expect("kept");
    // Every row but the one whose only value is unreadable.
    assert_eq!(kept.num_visits(), 69_999);
    assert!(kept.visits().column("lab_1").is_err());
    let weights = |c: &Cohort| {
        let w = f64_col(c.visits(), c::WEIGHT_KG);
        w.into_iter().flatten().collect::<Vec<f64>>()
    };
    assert_eq!(weights(&kept), weights(&whole));
    let source = &kept.sources[0];
    assert_eq!(source.num_columns, 3);
    assert!(source.ignored_columns.contains(&"lab_7 (not read)".to_owned()));
    assert!(source.ignored_columns.contains(&"notes (not read)".to_owned()));
    // The unreadable weight is found on its own line, ten batches of row groups in.
    let bad = kept
        .findings
        .iter()
        .find(|f| f.column.as_deref() == Some("weight_kg") && f.rule.contains("number"))
        .expect("unreadable weight reported");
    assert_eq!(bad.row, Some(68_002));

    let typo = LoadOptions {
        parquet_columns: vec!["subject_id".to_owned(), "wieght_kg".to_owned()],
        ..LoadOptions::default()
    };
    let err = load_paths(std::slice::from_ref(&path), &typo).expect_err("a column no input has");
    let message = err.to_string();
    assert!(
        message.contains("`wieght_kg`") && message.contains("lab_20"),
        "{message}"
    );
}

#[test]
fn parquet_column_types_of_real_exports_read_and_the_rest_are_named() {
    // tests/fixtures/parquet_types.py wrote it.
    let cohort = load(&["parquet_types.parquet"]);
    let v = cohort.visits();
    // Local midnight in Beijing, stored as 16:00 UTC the day before, is read on its own date.
    let dates: Vec<Option<String>> = v
        .column(c::DATE)
        .expect("date column")
        .cast(&DataType::String)
        .expect("dates as text")
        .str()
        .expect("text")
        .iter()
        .map(|d| d.map(str::to_owned))
        .collect();
    let expected = ["2021-01-01", "2021-04-01", "2021-02-01", "2021-05-01"];
    assert_eq!(dates, expected.map(|d| Some(d.to_owned())));
    assert_eq!(
        f64_col(v, c::WEIGHT_KG),
        [Some(70.5), Some(69.25), Some(61.0), Some(60.75)]
    );
    assert_eq!(
        f64_col(v, c::ALSFRS_R_TOTAL),
        [Some(44.0), Some(41.0), Some(38.0), None]
    );
    assert_eq!(
        str_col(cohort.subjects(), c::SUBJECT_ID),
        [Some("P1".to_owned()), Some("P2".to_owned())]
    );
    let source = &cohort.sources[0];
    assert_eq!(source.num_columns, 5);
    assert_eq!(
        source.ignored_columns,
        [
            "tags (not read: type list)",
            "since_onset (not read: type duration)",
            "device (not read: type struct)"
        ]
    );
    let unreadable: Vec<&str> = cohort
        .findings
        .iter()
        .filter(|f| f.rule == "load.unreadable-column")
        .filter_map(|f| f.column.as_deref())
        .collect();
    assert_eq!(unreadable, ["tags", "since_onset", "device"]);
    // Ids and dates kept, but no measure: said as such.
    let options = LoadOptions {
        parquet_columns: vec!["subject_id".to_owned(), "visit_date".to_owned()],
        ..LoadOptions::default()
    };
    let err = load_paths(&[fixture("parquet_types.parquet")], &options).expect_err("nothing to keep");
    assert!(
        err.to_string()
            .contains("has no row with both a subject id and a measured value"),
        "{err}"
    );
}

#[test]
fn a_parquet_file_whose_footer_polars_panics_on_is_refused_by_name() {
    // A mutant from fuzzing (fuzz/corpus/crash-parquet-footer-051; its first byte picks the
    // fuzz entry's file name).
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/crash-parquet-footer-051");
    let bytes = std::fs::read(corpus).expect("corpus input");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("damaged.parquet");
    std::fs::write(&path, &bytes[1..]).expect("write");
    let err = load_paths(std::slice::from_ref(&path), &LoadOptions::default()).expect_err("refused");
    let message = err.to_string();
    assert!(
        message.contains("not a readable Parquet file") && message.ends_with("damaged.parquet"),
        "{message}"
    );
}

/// A table given as a pipe (`<(zcat visits.csv.gz)`) is read whole from its first byte; only a
/// regular file is peeked at for Parquet.
#[cfg(unix)]
#[test]
fn a_table_from_a_pipe_is_read_from_its_first_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("visits.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("no mkfifo here; skipped");
        return;
    }
    let text = std::fs::read(fixture("tidy_visits_bom_crlf.csv")).expect("fixture");
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, text).expect("write to the pipe"))
    };
    let cohort = load_paths(std::slice::from_ref(&fifo), &LoadOptions::default()).expect("loads from the pipe");
    writer.join().expect("writer");
    assert_eq!(cohort.sources[0].encoding.as_deref(), Some("UTF-8 (BOM)"));
    assert_eq!(cohort.num_visits(), 5);
}

#[test]
fn column_override_assigns_a_role() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("odd.csv");
    std::fs::write(&path, "PID,when,score\nA,2021-01-01,40\nA,2021-04-01,38\n").expect("write");
    let mut options = LoadOptions::default();
    options.overrides.insert(Role::Subject, "PID".to_owned());
    options.overrides.insert(Role::Date, "when".to_owned());
    options.overrides.insert(Role::AlsfrsRTotal, "score".to_owned());
    let cohort = load_paths(std::slice::from_ref(&path), &options).expect("load");
    assert_eq!(cohort.num_visits(), 2);
    assert_eq!(f64_col(cohort.visits(), c::ALSFRS_R_TOTAL), [Some(40.0), Some(38.0)]);
    // Without the overrides the file is refused with a message naming it.
    let err = load_paths(std::slice::from_ref(&path), &LoadOptions::default()).expect_err("unrecognised");
    assert!(err.to_string().ends_with(&path.display().to_string()), "{err}");
}

#[test]
fn ambiguous_dates_are_flagged_not_guessed_silently() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("amb.csv");
    std::fs::write(
        &path,
        "subject_id,visit_date,weight_kg\nA,05/03/2021,70\nA,07/06/2021,69\n",
    )
    .expect("write");
    let cohort = load_paths(&[path], &LoadOptions::default()).expect("load");
    let flagged: Vec<_> = cohort
        .findings
        .iter()
        .filter(|f| f.rule == "time.ambiguous-date")
        .collect();
    assert_eq!(flagged.len(), 2);
    assert_eq!(flagged[0].row, Some(2));
    assert_eq!(flagged[0].subject.as_deref(), Some("A"));
}

#[test]
fn broken_inputs_are_refused_with_the_file_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, bytes) in [
        ("empty.csv", &b""[..]),
        ("binary.csv", &b"\x00\x01\x02\x03garbage"[..]),
        ("book.xlsx", &b"PK\x03\x04rest"[..]),
        ("table.biom", &b"\x89HDF\r\n"[..]),
        ("noid.csv", &b"a,b\n1,2\n"[..]),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let err = load_paths(std::slice::from_ref(&path), &LoadOptions::default()).expect_err(name);
        assert!(err.to_string().contains(name), "{name}: {err}");
    }
    let missing = dir.path().join("missing.csv");
    let err = load_paths(&[missing], &LoadOptions::default()).expect_err("missing");
    assert!(err.to_string().contains("missing.csv"));
}

#[test]
fn moving_pictures_counts_when_shared_is_present() {
    let Some(dir) = common::moving_pictures() else {
        return;
    };
    let cohort = load_paths(&[dir], &LoadOptions::default()).expect("moving pictures");
    assert_eq!(cohort.num_samples(), 34);
    assert_eq!(cohort.num_features(), 770);
    assert_eq!(cohort.num_subjects(), 2);
    assert_eq!(cohort.abundances().map(|a| a.kind), Some(AbundanceKind::Counts));
    assert_eq!(cohort.taxonomy().len(), 770);
    let days = f64_col(cohort.samples(), c::DAY);
    assert!(days.iter().all(Option::is_some));
    // The HDF5 .biom beside its TSV export is the same table: read once, said once.
    let duplicate: Vec<_> = cohort
        .findings
        .iter()
        .filter(|f| f.rule == "identity.duplicate-table")
        .collect();
    assert_eq!(duplicate.len(), 1, "{:?}", cohort.findings);
    assert!(!cohort.findings.iter().any(|f| f.rule == "identity.duplicate-sample"));
}

/// BIOM 2.1 (HDF5) is read natively, and QIIME 2's `.biom` and its TSV export load to the
/// same table: sample and feature ids in order, every count, each sample's depth.
#[test]
fn moving_pictures_biom_hdf5_and_tsv_load_to_identical_tables() {
    let Some(dir) = common::moving_pictures() else {
        return;
    };
    let one = |name: &str| load_paths(&[dir.join(name)], &LoadOptions::default()).expect(name);
    let (biom, tsv) = (one("feature-table.biom"), one("feature-table.tsv"));
    assert_eq!(layout_of(&biom, 0), "BIOM 2.1 (HDF5) feature table");
    let (a, b) = (biom.abundances().expect("biom"), tsv.abundances().expect("tsv"));
    assert_eq!((a.num_samples(), a.num_features()), (34, 770));
    assert_eq!(a.sample_ids, b.sample_ids);
    assert_eq!(a.feature_ids, b.feature_ids);
    assert_eq!(a.to_dense(), b.to_dense());
    assert_eq!(a.kind, AbundanceKind::Counts);
    let depth: f64 = a
        .sample(a.sample_ids.iter().position(|s| s == "L1S105").expect("L1S105"))
        .iter()
        .sum();
    assert_eq!(depth, 7788.0);
}

#[test]
fn biom_json_sparse_table() {
    let cohort = load(&["table_biom1.json"]);
    assert_eq!(layout_of(&cohort, 0), "BIOM 1.0 JSON feature table");
    let a = cohort.abundances().expect("abundances");
    assert_eq!(a.kind, AbundanceKind::Counts);
    assert_eq!(a.sample_ids, ["S1", "S2"]);
    assert_eq!(a.sample(0), [12.0, 30.0, 0.0]);
    assert_eq!(a.sample(1), [0.0, 7.0, 1.0]);
    assert_eq!(cohort.taxonomy()["f2"].ranks[5].as_deref(), Some("Bacteroides"));
}

/// BIOM 2.1 with observation taxonomy as biom-format writes it: a 2-D string dataset, gzip.
#[test]
fn biom_hdf5_with_observation_taxonomy() {
    let cohort = load(&["table_biom2.biom"]);
    assert_eq!(layout_of(&cohort, 0), "BIOM 2.1 (HDF5) feature table");
    let a = cohort.abundances().expect("abundances");
    assert_eq!(a.kind, AbundanceKind::Counts);
    assert_eq!(a.sample_ids, ["S1", "S2"]);
    assert_eq!(a.feature_ids, ["f1", "f2", "f3"]);
    assert_eq!(a.sample(0), [12.0, 30.0, 0.0]);
    assert_eq!(a.sample(1), [0.0, 7.0, 1.0]);
    let tax = cohort.taxonomy();
    assert_eq!(tax["f1"].ranks[5].as_deref(), Some("Faecalibacterium"));
    assert_eq!(tax["f2"].ranks[1].as_deref(), Some("Bacteroidetes"));
    assert_eq!(tax["f3"].ranks[1].as_deref(), Some("Proteobacteria"));
    assert_eq!(tax["f3"].ranks[2], None);
}

#[test]
fn a_subject_listed_twice_in_the_subjects_table_is_reported() {
    let inputs = vec![
        cohort_explorer::data::Input {
            name: "subjects.csv".into(),
            bytes: b"subject_id,site,sex\nS1,Beijing,male\nS2,Milan,female\nS1,Beijing,male\n".to_vec(),
            explicit: true,
            parquet_file: None,
        },
        cohort_explorer::data::Input {
            name: "visits.csv".into(),
            bytes: b"subject_id,visit_date,weight_kg\nS1,2022-01-10,70\nS2,2022-01-11,60\n".to_vec(),
            explicit: true,
            parquet_file: None,
        },
    ];
    let cohort = cohort_explorer::data::load_inputs(inputs, &LoadOptions::default()).expect("loads");
    let dup: Vec<_> = cohort
        .findings
        .iter()
        .filter(|f| f.rule == "identity.duplicate-subject")
        .collect();
    assert_eq!(dup.len(), 1, "{:#?}", cohort.findings);
    assert_eq!(dup[0].subject.as_deref(), Some("S1"));
    assert_eq!(dup[0].row, Some(4));
    assert!(dup[0].message.contains("subjects.csv:2"), "{}", dup[0].message);
}

#[test]
fn a_longitudinal_study_gets_natural_ids_and_its_subject_attributes_from_sample_metadata() {
    let cohort = load(&["longitudinal/feature-table.tsv", "longitudinal/metadata.tsv"]);
    let s = cohort.subjects();
    // Subject IDs in natural order: 2 before 10.
    let ids: Vec<String> = str_col(s, c::SUBJECT_ID).into_iter().flatten().collect();
    assert_eq!(ids, ["1", "2", "3", "10", "11", "12"]);
    // Columns constant within subjects become subject attributes, sex normalised.
    assert_eq!(
        str_col(s, c::SEX),
        ["male", "female", "male", "female", "male", "female"].map(|v| Some(v.to_owned()))
    );
    assert_eq!(str_col(s, "delivery")[1].as_deref(), Some("Cesarean"));
    assert_eq!(str_col(s, "diet")[3].as_deref(), Some("bd"));
    // Columns that vary within subjects stay per sample.
    assert!(s.column("day_of_life").is_err());
    assert!(cohort.samples().column("day_of_life").is_ok());
    // Subject 11's last sample disagrees on sex: one finding at that sample, first value kept.
    let conflicts: Vec<_> = cohort
        .findings
        .iter()
        .filter(|f| f.rule == "identity.conflicting-attribute")
        .collect();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].subject.as_deref(), Some("11"));
    assert_eq!(conflicts[0].sample.as_deref(), Some("S11.m3"));
    assert_eq!(conflicts[0].value.as_deref(), Some("Female"));
    // Month gives each sample its day.
    let day = f64_col(cohort.samples(), c::DAY);
    assert!(day.iter().all(Option::is_some));
}

#[test]
fn a_treatment_column_groups_and_an_event_status_never_does() {
    // The shape of R's survival::pbc: `status` is the event (0 censored, 1 transplant, 2 dead).
    let cohort = load(&["pbc_subjects.csv"]);
    let roles: Vec<(String, String)> = cohort.sources[0]
        .roles
        .iter()
        .map(|r| (r.role.clone(), r.column.clone()))
        .collect();
    assert!(roles.contains(&("arm".to_owned(), "trt".to_owned())), "{roles:?}");
    assert!(!roles.iter().any(|(_, c)| c == "status"), "{roles:?}");
    let arms = str_col(cohort.subjects(), c::ARM);
    assert_eq!(arms.iter().flatten().filter(|a| *a == "2").count(), 2);
    assert!(cohort.subjects().column(c::GROUP).is_err());
}

#[test]
fn overlapping_metadata_files_give_one_finding_per_pair_with_the_count() {
    let cohort = load(&[
        "sample_metadata_q2types.tsv",
        "sample_metadata_subset.tsv",
        "feature_table_biom.tsv",
    ]);
    let dup: Vec<_> = cohort
        .findings
        .iter()
        .filter(|f| f.rule == "identity.duplicate-sample")
        .collect();
    assert_eq!(dup.len(), 1, "{dup:?}");
    assert!(
        dup[0]
            .file
            .as_deref()
            .is_some_and(|f| f.ends_with("sample_metadata_subset.tsv"))
    );
    assert!(
        dup[0]
            .message
            .starts_with("2 sample(s) of this file are also listed in"),
        "{}",
        dup[0].message
    );
    assert!(dup[0].message.contains("sample_metadata_q2types.tsv"));
    // Every sample is kept once, with the first file's row.
    assert_eq!(cohort.num_samples(), 3);
}

/// BIOM 2.1 sample metadata (`/sample/metadata/<category>`) is read like a metadata file, and
/// a metadata file listing the same sample wins without a duplicate-sample finding.
#[test]
fn biom_hdf5_sample_metadata_gives_subjects_and_times() {
    let cohort = load(&["table_biom2_metadata.biom"]);
    let samples = cohort.samples();
    assert_eq!(
        str_col(samples, c::SAMPLE_ID),
        [Some("S1".to_owned()), Some("S2".to_owned())]
    );
    assert_eq!(
        str_col(samples, c::SUBJECT_ID),
        [Some("P1".to_owned()), Some("P2".to_owned())]
    );
    assert_eq!(f64_col(samples, c::DAY), [Some(0.0), Some(14.0)]);
    assert_eq!(
        str_col(samples, "body_site"),
        [Some("gut".to_owned()), Some("gut".to_owned())]
    );
    assert_eq!(cohort.num_subjects(), 2);
    assert!(
        !cohort
            .findings
            .iter()
            .any(|f| f.rule == "identity.sample-without-metadata")
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let meta = dir.path().join("metadata.tsv");
    std::fs::write(
        &meta,
        "sample-id\thost_subject_id\tdays_since_experiment_start\nS1\tP9\t3\n",
    )
    .expect("write");
    let paths = [fixture("table_biom2_metadata.biom"), meta];
    let cohort = load_paths(&paths, &LoadOptions::default()).expect("with metadata file");
    let samples = cohort.samples();
    // S1 from the file, S2 from the table.
    assert_eq!(
        str_col(samples, c::SUBJECT_ID),
        [Some("P9".to_owned()), Some("P2".to_owned())]
    );
    assert_eq!(f64_col(samples, c::DAY), [Some(3.0), Some(14.0)]);
    assert!(
        !cohort.findings.iter().any(|f| f.rule == "identity.duplicate-sample"),
        "{:?}",
        cohort.findings
    );
}

/// Found by the fuzzer: a damaged BIOM 2.1 file whose `indptr` declares 4 billion elements
/// made the HDF5 reader allocate 16 GB (20 s, 12 GB resident). Reads are now bounded by the
/// file's size, and the file is refused with what was wrong.
#[test]
fn a_biom_declaring_billions_of_elements_is_refused_not_allocated() {
    let err = load_paths(&[fixture("broken/biom_huge_dataspace.biom")], &LoadOptions::default())
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("exceeds the 67108864 byte read limit") && err.contains("biom_huge_dataspace.biom"),
        "{err}"
    );
}

/// A table that names more samples × features than it could hold (a header of 50,000 samples
/// over 50,000 one-character rows: 200 kB of text, 2.5 billion cells) is refused, not allocated.
#[test]
fn a_table_too_large_to_hold_is_refused_with_its_size() {
    let n = 50_000;
    let header: Vec<String> = (0..n).map(|s| format!("S{s}")).collect();
    let rows: Vec<String> = (0..n).map(|f| format!("f{f}")).collect();
    let text = format!(
        "# Constructed from biom file\n#OTU ID\t{}\n{}\n",
        header.join("\t"),
        rows.join("\n")
    );
    let input = cohort_explorer::data::Input {
        name: "wide.tsv".to_owned(),
        bytes: text.into_bytes(),
        explicit: true,
        parquet_file: None,
    };
    let err = cohort_explorer::data::load_inputs(vec![input], &LoadOptions::default())
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("50000 features × 50000 samples is too large") && err.contains("wide.tsv"),
        "{err}"
    );
}

/// Event and follow-up columns (issue 13) become subject attributes: dates as dates, `died`
/// as yes/no from 是/否, with English and Chinese headers; PRO-ACT's death form fills them too.
#[test]
fn event_columns_become_subject_attributes() {
    let cohort = load(&["subjects_events.csv"]);
    let subjects = cohort.subjects();
    let date = |name: &str| {
        subjects
            .column(name)
            .unwrap_or_else(|_| panic!("no column {name}"))
            .to_physical_repr()
            .i32()
            .expect("date column")
            .iter()
            .map(|d| d.map(cohort_explorer::model::time::iso_from_days))
            .collect::<Vec<_>>()
    };
    assert_eq!(date(c::DEATH_DATE), [Some("2021-06-01".to_owned()), None]);
    assert_eq!(date(c::TRACHEOSTOMY_DATE), [None, Some("2022-01-10".to_owned())]);
    assert_eq!(date(c::NIV_DATE), [Some("2021-03-01".to_owned()), None]);
    assert_eq!(date(c::GASTROSTOMY_DATE), [None, Some("2021-11-02".to_owned())]);
    assert_eq!(
        date(c::LAST_CONTACT_DATE),
        [Some("2021-06-01".to_owned()), Some("2022-05-01".to_owned())]
    );
    assert_eq!(
        str_col(subjects, c::DIED),
        [Some("yes".to_owned()), Some("no".to_owned())]
    );

    let proact = load(&["proact"]);
    let ids = str_col(proact.subjects(), c::SUBJECT_ID);
    let row = ids
        .iter()
        .position(|s| s.as_deref() == Some("533"))
        .expect("subject 533");
    assert_eq!(str_col(proact.subjects(), c::DIED)[row].as_deref(), Some("yes"));
    assert_eq!(f64_col(proact.subjects(), c::DEATH_DAYS)[row], Some(400.0));
}

#[test]
fn a_long_events_table_fills_the_same_subject_attributes() {
    let cohort = load(&["events_long.csv"]);
    assert_eq!(cohort.sources[0].layout, "events table");
    let subjects = cohort.subjects();
    assert_eq!(
        str_col(subjects, c::SUBJECT_ID),
        [Some("P1".to_owned()), Some("P2".to_owned()), Some("P3".to_owned())]
    );
    let date = |name: &str| -> Vec<Option<String>> {
        let days = subjects
            .column(name)
            .unwrap_or_else(|_| panic!("no column {name}"))
            .to_physical_repr();
        let days = days.i32().expect("date column");
        days.iter()
            .map(|d| d.map(cohort_explorer::model::time::iso_from_days))
            .collect()
    };
    assert_eq!(date(c::DEATH_DATE), [Some("2021-06-01".to_owned()), None, None]);
    assert_eq!(date(c::NIV_DATE), [Some("2021-03-01".to_owned()), None, None]);
    assert_eq!(date(c::TRACHEOSTOMY_DATE), [None, Some("2022-01-10".to_owned()), None]);
    assert_eq!(
        date(c::GASTROSTOMY_DATE),
        [None, Some("2021-11-02".to_owned()), Some("2021-08-15".to_owned())]
    );
    assert_eq!(date(c::LAST_CONTACT_DATE), [None, Some("2022-05-01".to_owned()), None]);
    let rules: Vec<&str> = cohort.findings.iter().map(|f| f.rule.as_str()).collect();
    assert!(rules.contains(&"load.unknown-event"), "{rules:?}");
    let untimed = cohort
        .findings
        .iter()
        .find(|f| f.rule == "load.event-without-time")
        .expect("the death without a date");
    assert_eq!((untimed.row, untimed.subject.as_deref()), (Some(9), Some("P3")));

    // Days instead of dates sit on the visits' day axis (PRO-ACT's deltas).
    let proact = load(&["proact", "proact_events_days.csv"]);
    let ids = str_col(proact.subjects(), c::SUBJECT_ID);
    let row = |id: &str| ids.iter().position(|s| s.as_deref() == Some(id)).expect("subject");
    assert_eq!(f64_col(proact.subjects(), c::NIV_DAYS)[row("329")], Some(150.0));
    assert_eq!(
        f64_col(proact.subjects(), c::LAST_CONTACT_DAYS)[row("329")],
        Some(300.0)
    );
    assert_eq!(f64_col(proact.subjects(), c::DEATH_DAYS)[row("533")], Some(400.0));
}

#[test]
fn a_folder_read_passes_over_the_apps_own_review_and_session_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("visits.csv"),
        "subject_id,visit_date,alsfrs_r_total\nS1,2021-01-10,44\nS1,2021-04-10,41\n",
    )
    .expect("visits");
    std::fs::write(
        dir.path().join(cohort_explorer::data::REVIEW_SIDECAR),
        r#"{"format": "cohort-explorer review", "version": 1, "findings": []}"#,
    )
    .expect("review");
    std::fs::write(
        dir.path().join("freeze.cohort.json"),
        r#"{"format": "cohort-explorer-session"}"#,
    )
    .expect("session");
    std::fs::write(dir.path().join("notes.txt.bak"), "not a table").expect("other");
    let cohort = load_paths(&[dir.path().to_path_buf()], &LoadOptions::default()).expect("loads");
    assert_eq!(cohort.sources.len(), 1);
    // Other files that are not tables are still listed as skipped; the app's own are not.
    let skipped: Vec<&str> = cohort
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("load."))
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(
        skipped[0].contains("notes.txt.bak") && !skipped[0].contains("cohort"),
        "{skipped:?}"
    );
}
