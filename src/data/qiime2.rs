//! QIIME 2 artifacts (`.qza`): a zip archive holding `<uuid>/metadata.yaml` (uuid, semantic
//! type, directory format), `<uuid>/VERSION` and the payload under `<uuid>/data/`. Recognised by
//! content, whatever the file is called, and read in memory: the payload is unzipped into a
//! buffer and handed to the reader of its format (BIOM 2.1, taxonomy TSV, alpha diversity,
//! distance matrix, scikit-bio ordination). A visualization (`.qzv`), an unknown semantic type,
//! a spreadsheet or any other zip is refused with what it is.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::parts::{FileCtx, Parts};
use super::{biom_hdf5, biom_json, given, table, taxonomy, text};
use crate::model::{Artifact, Finding, Severity};

/// Largest payload unpacked into memory (a zip bomb is refused, not unpacked).
const MAX_PAYLOAD_BYTES: u64 = 4 << 30;

/// The semantic types read, for messages.
const READ_TYPES: &str = "FeatureTable[Frequency | RelativeFrequency | PresenceAbsence], FeatureData[Taxonomy], SampleData[AlphaDiversity], DistanceMatrix and PCoAResults";

/// What an artifact turned out to hold.
pub struct Payload {
    /// For the file list: `QIIME 2 FeatureTable[Frequency] (BIOM 2.1 inside)`.
    pub layout: String,
    pub rows: usize,
    pub columns: usize,
    pub artifact: Artifact,
    /// The payload is an abundance table (for the layout the loader records).
    pub is_table: bool,
    /// Sample metadata stored in the BIOM table, for the sample-metadata reader.
    pub sample_metadata: Option<table::RawTable>,
}

/// Read a zip archive: a QIIME 2 artifact's payload into `parts`, or say what the zip is.
pub fn read(bytes: &[u8], ctx: &FileCtx, parts: &mut Parts) -> Result<Payload, String> {
    let mut zip = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| crate::i18n::trf("a damaged zip archive ({e})", &[("e", &e)]))?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .map(std::borrow::Cow::into_owned)
        .collect();
    let Some(root) = names
        .iter()
        .filter_map(|n| n.strip_suffix("/metadata.yaml"))
        .find(|root| !root.is_empty() && !root.contains('/'))
        .map(str::to_owned)
    else {
        return Err(not_an_artifact(&names));
    };
    let metadata = text_entry(&mut zip, &format!("{root}/metadata.yaml"))?;
    let version = text_entry(&mut zip, &format!("{root}/VERSION")).unwrap_or_default();
    let fields = flat_yaml(&metadata);
    let field = |key: &str| {
        fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty() && v != "null")
    };
    let version_fields = flat_yaml(&version);
    let artifact = Artifact {
        uuid: field("uuid").unwrap_or_else(|| root.clone()),
        semantic_type: field("type")
            .ok_or_else(|| crate::i18n::tr("a QIIME 2 archive whose metadata.yaml names no type").to_owned())?,
        format: field("format"),
        archive_version: version_fields
            .iter()
            .find(|(k, _)| k == "archive")
            .map(|(_, v)| v.clone()),
        framework: version_fields
            .iter()
            .find(|(k, _)| k == "framework")
            .map(|(_, v)| v.clone()),
    };
    let kind = artifact
        .semantic_type
        .split(" %")
        .next()
        .unwrap_or_default()
        .replace(' ', "");
    let described = format!(
        "QIIME 2 {} (uuid {}, format {})",
        artifact.semantic_type,
        artifact.uuid,
        artifact.format.as_deref().unwrap_or("none")
    );
    if kind == "Visualization" {
        return Err(crate::i18n::trf(
            "a QIIME 2 visualization (.qzv, uuid {p1}): an interactive page for QIIME 2 View, not data; open the .qza artifacts it was made from",
            &[("p1", &artifact.uuid)],
        ));
    }
    let data = |zip: &mut ZipArchive<Cursor<&[u8]>>, file: &str| -> Result<Vec<u8>, String> {
        let path = format!("{root}/data/{file}");
        entry(zip, &path).map_err(|why| format!("{described}: {why}"))
    };
    let mut sample_metadata = None;
    let (label, rows, columns, is_table) = match kind.as_str() {
        "FeatureTable[Frequency]" | "FeatureTable[RelativeFrequency]" | "FeatureTable[PresenceAbsence]" => {
            let biom = data(&mut zip, "feature-table.biom")?;
            let (features, samples, inside) = if biom.starts_with(b"\x89HDF\r\n\x1a\n") {
                let read = biom_hdf5::read(&biom, ctx, parts)?;
                sample_metadata = read.sample_metadata;
                (read.features, read.samples, "BIOM 2.1 HDF5 inside")
            } else {
                let (f, s) = biom_json::read(&biom, ctx, parts)?;
                (f, s, "BIOM 1.0 JSON inside")
            };
            if kind == "FeatureTable[PresenceAbsence]" {
                parts.findings.push(
                    Finding::new(
                        Severity::Info,
                        "composition.presence-absence",
                        crate::i18n::tr("a presence/absence table: abundances are 0 or 1, so observed features and Jaccard describe it; Shannon, Bray–Curtis and the F/B ratio count presence only"),
                    )
                    .file(ctx.name),
                );
            }
            (inside.to_owned(), features, samples, true)
        }
        "FeatureData[Taxonomy]" => {
            let bytes = data(&mut zip, "taxonomy.tsv")?;
            let table = tsv(&bytes);
            if table.num_cols() < 2 {
                return Err(crate::i18n::trf(
                    "{described}: data/taxonomy.tsv has no Taxon column",
                    &[("described", &described)],
                ));
            }
            taxonomy::read_qiime_taxonomy(&table, ctx.name, parts);
            (
                "taxonomy TSV inside".to_owned(),
                table.num_rows(),
                table.num_cols(),
                false,
            )
        }
        "SampleData[AlphaDiversity]" => {
            let bytes = data(&mut zip, "alpha-diversity.tsv")?;
            let (samples, measures) =
                given::read_alpha(&tsv(&bytes), ctx, parts).map_err(|why| format!("{described}: {why}"))?;
            ("alpha diversity per sample".to_owned(), samples, measures + 1, false)
        }
        "DistanceMatrix" => {
            let bytes = data(&mut zip, "distance-matrix.tsv")?;
            let n =
                given::read_distance_matrix(&tsv(&bytes), ctx, parts).map_err(|why| format!("{described}: {why}"))?;
            ("distance matrix, used as given".to_owned(), n, n, false)
        }
        "PCoAResults" => {
            let bytes = data(&mut zip, "ordination.txt")?;
            let (text, _) = text::decode(&bytes);
            let (n, dims) = given::read_ordination(&text, ctx, parts).map_err(|why| format!("{described}: {why}"))?;
            ("PCoA, shown as given".to_owned(), n, dims, false)
        }
        _ => {
            return Err(crate::i18n::trf(
                "a {described}, a type that is not read; the artifacts read are {READ_TYPES}",
                &[("described", &described), ("READ_TYPES", &READ_TYPES)],
            ));
        }
    };
    Ok(Payload {
        layout: format!("QIIME 2 {} ({label})", artifact.semantic_type),
        rows,
        columns,
        artifact,
        is_table,
        sample_metadata,
    })
}

/// What a zip that is not a QIIME 2 archive is, for the message.
fn not_an_artifact(names: &[String]) -> String {
    let has = |name: &str| names.iter().any(|n| n == name);
    if has("xl/workbook.xml") || names.iter().any(|n| n.starts_with("xl/")) {
        return crate::i18n::tr(
            "an Excel workbook (.xlsx); Excel files are not read: save the sheet as CSV (UTF-8) and open that",
        )
        .to_owned();
    }
    if has("content.xml") && has("mimetype") {
        return crate::i18n::tr("an OpenDocument file (.ods/.odt); save the sheet as CSV (UTF-8) and open that")
            .to_owned();
    }
    if names.iter().any(|n| n.starts_with("word/")) {
        return crate::i18n::tr("a Word document (.docx), not a table").to_owned();
    }
    let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
    crate::i18n::trf(
        "a zip archive, but not a QIIME 2 artifact (no <uuid>/metadata.yaml inside); it holds {p1} file(s): {p2}{p3}; unpack it and open the tables inside",
        &[
            ("p1", &(names.len())),
            ("p2", &(shown.join(", "))),
            ("p3", &(if names.len() > shown.len() { ", …" } else { "" })),
        ],
    )
}

/// One entry of the archive, unpacked into memory.
fn entry(zip: &mut ZipArchive<Cursor<&[u8]>>, path: &str) -> Result<Vec<u8>, String> {
    let mut file = zip
        .by_name(path)
        .map_err(|_| crate::i18n::trf("no {path} inside", &[("path", &path)]))?;
    if file.size() > MAX_PAYLOAD_BYTES {
        return Err(crate::i18n::trf(
            "{path} unpacks to {p2} bytes, more than this reader takes",
            &[("path", &path), ("p2", &(file.size()))],
        ));
    }
    let mut out = Vec::with_capacity(file.size().min(1 << 28) as usize);
    Read::by_ref(&mut file)
        .take(MAX_PAYLOAD_BYTES)
        .read_to_end(&mut out)
        .map_err(|e| crate::i18n::trf("{path} could not be unpacked ({e})", &[("path", &path), ("e", &e)]))?;
    Ok(out)
}

fn text_entry(zip: &mut ZipArchive<Cursor<&[u8]>>, path: &str) -> Result<String, String> {
    let bytes = entry(zip, path)?;
    Ok(text::decode(&bytes).0.into_owned())
}

/// A TSV payload as a table (QIIME 2 writes UTF-8 TSV with `#` directives).
fn tsv(bytes: &[u8]) -> table::RawTable {
    let (text, _) = text::decode(bytes);
    table::parse_delimited(&text, "", &mut Vec::new())
}

/// `key: value` lines of a flat YAML document (what metadata.yaml and VERSION hold).
fn flat_yaml(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().trim_matches(['\'', '"']).to_owned()))
        .collect()
}
