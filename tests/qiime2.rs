//! QIIME 2 artifacts (`.qza`) read by content, in memory: each semantic type the loader reads,
//! compared with scikit-bio's values (tests/fixtures/qiime2/make_artifacts.py), the moving-pictures
//! files wrapped as artifacts, and every zip that is not one refused with what it is.

// Reference values are pasted as scikit-bio printed them.
#![allow(clippy::unreadable_literal)]

use std::io::Write;
use std::path::{Path, PathBuf};

use cohort_explorer::data::{Input, LoadOptions, load_inputs, load_paths};
use cohort_explorer::metrics::distance::BetaMetric;
use cohort_explorer::metrics::ordination::{Basis, ordinate};
use cohort_explorer::metrics::tables::{MetricOptions, samples_table};
use cohort_explorer::model::{AbundanceKind, Cohort, columns as c};

mod common;
use common::f64_col;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/qiime2")
        .join(name)
}

fn load(names: &[&str]) -> Cohort {
    let paths: Vec<PathBuf> = names.iter().map(|n| fixture(n)).collect();
    load_paths(&paths, &LoadOptions::default()).unwrap_or_else(|e| panic!("{names:?}: {e}"))
}

fn refused(name: &str) -> String {
    match load_paths(&[fixture(name)], &LoadOptions::default()) {
        Ok(_) => panic!("{name} was loaded"),
        Err(e) => e.to_string(),
    }
}

/// scikit-bio's PCoA coordinates on the first two axes, by sample.
fn reference_pcoa() -> Vec<(String, f64, f64)> {
    let text = std::fs::read_to_string(fixture("reference/pcoa.tsv")).expect("reference");
    text.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            (f[0].to_owned(), f[1].parse().expect("pc1"), f[2].parse().expect("pc2"))
        })
        .collect()
}

#[test]
fn a_feature_table_artifact_is_its_biom_table_and_summary_names_it() {
    let cohort = load(&["table.qza"]);
    let a = cohort.abundances().expect("abundances");
    assert_eq!(a.kind, AbundanceKind::Counts);
    assert_eq!(a.sample_ids, ["S1", "S2"]);
    assert_eq!(a.feature_ids, ["f1", "f2", "f3"]);
    assert_eq!(a.sample(0), [12.0, 30.0, 0.0]);
    assert_eq!(a.sample(1), [0.0, 7.0, 1.0]);
    let source = &cohort.sources[0];
    assert_eq!(source.layout, "QIIME 2 FeatureTable[Frequency] (BIOM 2.1 HDF5 inside)");
    let artifact = source.artifact.as_ref().expect("artifact");
    assert_eq!(artifact.semantic_type, "FeatureTable[Frequency]");
    assert_eq!(artifact.uuid, "6a8c5f2e-1d3b-4c7a-9e2f-0b1a2c3d4e01");
    assert_eq!(artifact.format.as_deref(), Some("BIOMV210DirFmt"));
    assert_eq!(artifact.archive_version.as_deref(), Some("5"));
    assert_eq!(artifact.framework.as_deref(), Some("2023.9.1"));
    let run = |json: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cohort-explorer"));
        cmd.arg("summary").arg(fixture("table.qza"));
        if json {
            cmd.arg("--json");
        }
        let out = cmd.output().expect("run");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let text = run(false);
    assert!(
        text.contains(
            "QIIME 2 artifact: type FeatureTable[Frequency], uuid 6a8c5f2e-1d3b-4c7a-9e2f-0b1a2c3d4e01, format BIOMV210DirFmt"
        ),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(&run(true)).expect("json");
    let given = &json["files"][0]["artifact"];
    assert_eq!(given["semantic_type"], "FeatureTable[Frequency]");
    assert_eq!(given["uuid"], "6a8c5f2e-1d3b-4c7a-9e2f-0b1a2c3d4e01");
}

#[test]
fn a_taxonomy_artifact_names_the_features_of_the_table() {
    let cohort = load(&["table.qza", "taxonomy.qza"]);
    let tax = cohort.taxonomy();
    assert_eq!(tax["f1"].ranks[5].as_deref(), Some("Faecalibacterium"));
    assert_eq!(tax["f2"].ranks[1].as_deref(), Some("Bacteroidetes"));
    assert_eq!(tax["f3"].ranks[1].as_deref(), Some("Proteobacteria"));
    assert_eq!(
        cohort.sources[1].artifact.as_ref().map(|a| a.semantic_type.as_str()),
        Some("FeatureData[Taxonomy]")
    );
    // Both artifacts give the same lineages: no conflict is reported.
    assert!(
        !cohort
            .findings
            .iter()
            .any(|f| f.rule == "composition.conflicting-taxonomy")
    );
}

/// Alpha diversity from QIIME 2 is joined as a per-sample measure under its own name; a name
/// the app derives itself (`observed_features`) keeps both, the given one suffixed.
#[test]
fn alpha_diversity_artifacts_join_the_samples_as_measures() {
    let cohort = load(&["table.qza", "alpha_shannon.qza", "alpha_observed.qza"]);
    let samples = samples_table(&cohort, &MetricOptions::default()).expect("samples");
    // scikit-bio, shannon base 2 (make_artifacts.py).
    let given = f64_col(&samples, "shannon_entropy");
    assert_eq!(given, [Some(0.8631205685666311), Some(0.5435644431995964)]);
    let ours = f64_col(&samples, c::SHANNON_LOG2);
    for (g, o) in given.iter().zip(&ours) {
        assert!((g.expect("given") - o.expect("ours")).abs() < 1e-12, "{g:?} vs {o:?}");
    }
    assert_eq!(f64_col(&samples, "observed_features_qiime2"), [Some(2.0), Some(2.0)]);
    assert_eq!(f64_col(&samples, c::OBSERVED_FEATURES), [Some(2.0), Some(2.0)]);
    assert_eq!(
        samples.column("shannon_entropy").expect("column").dtype(),
        &polars::prelude::DataType::Float64
    );
}

/// A distance matrix given alone is ordinated as given, and its PCoA equals scikit-bio's.
#[test]
fn a_distance_matrix_artifact_is_ordinated_like_scikit_bio() {
    let cohort = load(&["distance.qza"]);
    let (ord, basis) = ordinate(&cohort, true, None, BetaMetric::BrayCurtis, 2).expect("ordination");
    assert!(
        matches!(basis, Basis::GivenDistances(ref f) if f.ends_with("distance.qza")),
        "{basis:?}"
    );
    assert_eq!(basis.label(), "PCoA of the distances given in distance.qza");
    let reference = reference_pcoa();
    assert_eq!(ord.ids, reference.iter().map(|r| r.0.clone()).collect::<Vec<_>>());
    for axis in 0..2 {
        // Axes are defined up to sign.
        let sign = (ord.coord(0, axis) * if axis == 0 { reference[0].1 } else { reference[0].2 }).signum();
        for (i, r) in reference.iter().enumerate() {
            let want = if axis == 0 { r.1 } else { r.2 };
            assert!((ord.coord(i, axis) * sign - want).abs() < 1e-9, "{} axis {axis}", r.0);
        }
    }
}

#[test]
fn a_pcoa_artifact_is_shown_as_given() {
    let cohort = load(&["pcoa.qza"]);
    let (ord, basis) = ordinate(&cohort, true, None, BetaMetric::BrayCurtis, 2).expect("ordination");
    assert_eq!(basis.label(), "PCoA as given in pcoa.qza");
    assert_eq!(ord.dims, 2);
    for (i, r) in reference_pcoa().iter().enumerate() {
        assert_eq!(ord.ids[i], r.0);
        assert_eq!((ord.coord(i, 0), ord.coord(i, 1)), (r.1, r.2));
    }
    assert!((ord.proportion_explained[0] - 0.9219176199208861).abs() < 1e-15);
    assert_eq!(cohort.sources[0].layout, "QIIME 2 PCoAResults (PCoA, shown as given)");
}

#[test]
fn zips_that_are_not_artifacts_are_refused_with_what_they_are() {
    let qzv = refused("summary.qzv");
    assert!(
        qzv.contains("QIIME 2 visualization") && qzv.contains("summary.qzv"),
        "{qzv}"
    );
    let tree = refused("tree.qza");
    assert!(
        tree.contains("Phylogeny[Rooted]") && tree.contains("tree.qza"),
        "{tree}"
    );
    assert!(tree.contains("FeatureTable[Frequency"), "says what is read: {tree}");
    let xlsx = refused("workbook.xlsx");
    assert!(
        xlsx.contains("Excel workbook") && xlsx.contains("workbook.xlsx"),
        "{xlsx}"
    );
    let zip = refused("notes.zip");
    assert!(
        zip.contains("not a QIIME 2 artifact") && zip.contains("README.txt") && zip.contains("notes.zip"),
        "{zip}"
    );
    // In a folder, the same files are skipped with a warning each, and the rest loads.
    let cohort = load_paths(&[fixture("")], &LoadOptions::default()).expect("folder");
    let skipped: Vec<&str> = cohort
        .findings
        .iter()
        .filter(|f| f.rule == "load.unrecognised-file")
        .filter_map(|f| f.file.as_deref())
        .collect();
    for name in ["summary.qzv", "tree.qza", "workbook.xlsx"] {
        assert!(skipped.iter().any(|f| f.ends_with(name)), "{name} in {skipped:?}");
    }
    assert_eq!(cohort.num_features(), 3);
}

#[test]
fn a_truncated_artifact_is_a_message_not_a_panic() {
    let bytes = std::fs::read(fixture("table.qza")).expect("fixture");
    for cut in [30, bytes.len() / 2, bytes.len() - 10] {
        let input = Input {
            name: "cut.qza".to_owned(),
            bytes: bytes[..cut].to_vec(),
            explicit: true,
            parquet_file: None,
        };
        let err = load_inputs(vec![input], &LoadOptions::default()).expect_err("truncated");
        assert!(err.to_string().contains("cut.qza"), "{err}");
    }
}

/// Wrap a file as QIIME 2 does: `<uuid>/metadata.yaml`, `VERSION` and `data/<name>`, deflated.
fn artifact(semantic_type: &str, format: &str, name: &str, data: &[u8]) -> Vec<u8> {
    let uuid = "0d8b3a52-7c1e-4f59-8a36-2b1c0e9d7f44";
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut add = |path: String, bytes: &[u8]| {
        zip.start_file(path, options).expect("entry");
        zip.write_all(bytes).expect("write");
    };
    add(format!("{uuid}/VERSION"), b"QIIME 2\narchive: 5\nframework: 2020.8.0\n");
    add(
        format!("{uuid}/metadata.yaml"),
        format!("uuid: {uuid}\ntype: {semantic_type}\nformat: {format}\n").as_bytes(),
    );
    add(format!("{uuid}/data/{name}"), data);
    zip.finish().expect("zip").into_inner()
}

/// The moving-pictures files wrapped as artifacts load as the files do, and QIIME 2's own
/// Bray–Curtis matrix becomes the ordination; a matrix that misses a sample is named and not used.
#[test]
fn moving_pictures_as_artifacts_when_shared_is_present() {
    let Some(dir) = common::moving_pictures() else {
        return;
    };
    let read = |name: &str| std::fs::read(dir.join(name)).expect(name);
    let input = |name: &str, bytes: Vec<u8>| Input {
        name: name.to_owned(),
        bytes,
        explicit: true,
        parquet_file: None,
    };
    let bray = read("reference_qiime2/beta_bray_curtis.tsv");
    let artifacts = vec![
        input(
            "table.qza",
            artifact(
                "FeatureTable[Frequency]",
                "BIOMV210DirFmt",
                "feature-table.biom",
                &read("feature-table.biom"),
            ),
        ),
        input(
            "taxonomy.qza",
            artifact(
                "FeatureData[Taxonomy]",
                "TSVTaxonomyDirectoryFormat",
                "taxonomy.tsv",
                &read("taxonomy.tsv"),
            ),
        ),
        input(
            "faith_pd.qza",
            artifact(
                "SampleData[AlphaDiversity]",
                "AlphaDiversityDirectoryFormat",
                "alpha-diversity.tsv",
                &read("reference_qiime2/alpha_faith_pd.tsv"),
            ),
        ),
        input(
            "bray_curtis.qza",
            artifact(
                "DistanceMatrix",
                "DistanceMatrixDirectoryFormat",
                "distance-matrix.tsv",
                &bray,
            ),
        ),
        input("sample-metadata.tsv", read("sample-metadata.tsv")),
    ];
    let wrapped = load_inputs(artifacts, &LoadOptions::default()).expect("artifacts");
    let plain = load_paths(
        &[
            dir.join("feature-table.tsv"),
            dir.join("taxonomy.tsv"),
            dir.join("sample-metadata.tsv"),
        ],
        &LoadOptions::default(),
    )
    .expect("files");
    let (a, b) = (wrapped.abundances().expect("qza"), plain.abundances().expect("tsv"));
    assert_eq!((a.sample_ids.len(), a.feature_ids.len()), (34, 770));
    assert_eq!(
        (&a.sample_ids, &a.feature_ids, &a.to_dense()),
        (&b.sample_ids, &b.feature_ids, &b.to_dense())
    );
    assert_eq!(wrapped.taxonomy(), plain.taxonomy());
    assert_eq!(wrapped.num_subjects(), plain.num_subjects());
    let faith = f64_col(wrapped.samples(), "faith_pd");
    assert_eq!(faith.iter().flatten().count(), 34);
    let (ord, basis) = ordinate(&wrapped, true, None, BetaMetric::BrayCurtis, 2).expect("ordination");
    assert_eq!(basis.label(), "PCoA of the distances given in bray_curtis.qza");
    assert_eq!(ord.ids.len(), 34);
    // QIIME 2 rarefied before Bray–Curtis, so its matrix differs from ours on the raw table, and
    // the given one is what is drawn.
    let (computed, _) = ordinate(&wrapped, false, None, BetaMetric::BrayCurtis, 2).expect("computed");
    assert!((ord.proportion_explained[0] - computed.proportion_explained[0]).abs() > 1e-6);

    // Drop L1S105 from the matrix: it no longer covers the table, so it is named and not used.
    let text = String::from_utf8(bray).expect("utf-8");
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    let keep: Vec<usize> = (0..rows[0].len()).filter(|&j| rows[0][j] != "L1S105").collect();
    let partial: String = rows
        .iter()
        .filter(|r| r[0] != "L1S105")
        .map(|r| keep.iter().map(|&j| r[j]).collect::<Vec<_>>().join("\t") + "\n")
        .collect();
    let inputs = vec![
        input("feature-table.biom", read("feature-table.biom")),
        input(
            "partial.qza",
            artifact(
                "DistanceMatrix",
                "DistanceMatrixDirectoryFormat",
                "distance-matrix.tsv",
                partial.as_bytes(),
            ),
        ),
    ];
    let cohort = load_inputs(inputs, &LoadOptions::default()).expect("partial");
    let finding = cohort
        .findings
        .iter()
        .find(|f| f.rule == "identity.partial-ordination")
        .expect("partial-ordination finding");
    assert_eq!(finding.file.as_deref(), Some("partial.qza"));
    assert!(
        finding.message.contains("33 of the 34") && finding.message.contains("L1S105"),
        "{}",
        finding.message
    );
    let (_, basis) = ordinate(&cohort, true, None, BetaMetric::BrayCurtis, 2).expect("ordination");
    assert_eq!(basis, Basis::Computed(BetaMetric::BrayCurtis));
}

/// scikit-bio's ordination text on its own (as `qiime tools export` leaves it) is recognised by
/// its `Eigvals` header; a damaged one is refused with the line at fault.
#[test]
fn an_exported_ordination_text_is_shown_as_given() {
    let bytes = std::fs::read(fixture("pcoa.qza")).expect("fixture");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let name = zip
        .file_names()
        .filter_map(Result::ok)
        .find(|n| n.ends_with("data/ordination.txt"))
        .expect("ordination inside")
        .into_owned();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(&name).expect("entry"), &mut text).expect("read");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ordination.txt");
    std::fs::write(&path, &text).expect("write");
    let cohort = load_paths(std::slice::from_ref(&path), &LoadOptions::default()).expect("ordination.txt");
    assert_eq!(cohort.sources[0].layout, "PCoA (scikit-bio ordination), shown as given");
    let (ord, basis) = ordinate(&cohort, true, None, BetaMetric::BrayCurtis, 2).expect("ordination");
    assert_eq!(basis.label(), "PCoA as given in ordination.txt");
    assert_eq!(ord.coord(5, 1), reference_pcoa()[5].2);

    let damaged = text.replacen("0.3601589238720386", "x", 1);
    std::fs::write(&path, damaged).expect("write");
    let err = load_paths(&[path], &LoadOptions::default())
        .expect_err("damaged")
        .to_string();
    assert!(
        err.contains("line 15: `x` is not a number") && err.contains("ordination.txt"),
        "{err}"
    );
}
