//! Reading files into a Cohort: detect each file's layout from its content, map column roles,
//! convert units, and assemble one cohort from a folder or several files. Source files are only
//! ever read.

mod assemble;
mod biom_hdf5;
mod biom_json;
pub mod clinical;
pub mod detect;
mod events;
mod fast;
mod frames;
mod given;
mod microbiome;
mod parquet;
pub mod parts;
mod qiime2;
pub mod roles;
pub mod table;
pub mod taxonomy;
pub mod text;
pub mod units;
pub mod values;
pub mod write;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::model::hash::HashSet;

use crate::model::{Cohort, Finding, RoleUse, Severity, SourceFile};
pub use detect::Layout;
use parts::FileCtx;
use parts::Parts;
pub use roles::{Overrides, Role};
use table::RawTable;

/// Default largest gap between a sample and the visit it is linked to.
pub const DEFAULT_MAX_LINK_GAP_DAYS: f64 = 30.0;

/// How to load: role overrides and the sample–visit linking window.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    pub overrides: Overrides,
    pub max_link_gap_days: f64,
    /// Replace every subject and sample ID as soon as the cohort is loaded (`--pseudonymise`).
    pub pseudonyms: Option<crate::model::pseudonym::Pseudonyms>,
    /// Read only these columns of a Parquet table (`--parquet-columns`), with the columns the
    /// overrides name; empty reads every column. A Parquet file that has none of them is read
    /// whole (it is another table, such as the abundances).
    pub parquet_columns: Vec<String>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            overrides: Overrides::new(),
            max_link_gap_days: DEFAULT_MAX_LINK_GAP_DAYS,
            pseudonyms: None,
            parquet_columns: Vec::new(),
        }
    }
}

/// The layout recorded for a file that was skipped.
const NOT_RECOGNISED: &str = "not recognised (skipped)";
const ORDINATION_AS_GIVEN: &str = "PCoA (scikit-bio ordination), shown as given";
const DISTANCES_AS_GIVEN: &str = "distance matrix, used as given";

/// What a file can be recorded as besides a [`Layout::label`] (`SourceFile::layout` stays in
/// English: the checks and the JSON summary key on it); [`layout_name`] says it in the
/// language in use, from the catalogue.
pub const LAYOUT_NAMES: [&str; 10] = [
    NOT_RECOGNISED,
    ORDINATION_AS_GIVEN,
    DISTANCES_AS_GIVEN,
    "BIOM 2.1 (HDF5) feature table",
    "BIOM 1.0 JSON feature table",
    "BIOM 2.1 HDF5 inside",
    "BIOM 1.0 JSON inside",
    "taxonomy TSV inside",
    "alpha diversity per sample",
    "PCoA, shown as given",
];

/// A file's recorded layout in the language in use. A QIIME 2 artifact's
/// (`QIIME 2 <type> (<what is inside>)`) keeps its type, a name, and says what is inside.
pub fn layout_name(layout: &str) -> String {
    let artifact = layout
        .strip_prefix("QIIME 2 ")
        .and_then(|rest| rest.strip_suffix(')'))
        .and_then(|rest| rest.split_once(" ("));
    match artifact {
        Some((kind, inside)) => format!("QIIME 2 {kind} ({})", crate::i18n::tr_known(inside)),
        None => crate::i18n::tr_known(layout),
    }
}

/// Why input could not be used at all. Messages end with the path.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}", crate::i18n::trf("cannot read {what}: {cause}: {path}", &[("what", .what), ("cause", .cause), ("path", .path)]))]
    Io {
        what: &'static str,
        path: String,
        cause: std::io::Error,
    },
    #[error("{}", crate::i18n::trf("{why}: {path}", &[("why", .why), ("path", .path)]))]
    Unusable { path: String, why: String },
    #[error("{}", crate::i18n::trf("no subjects, visits or samples could be loaded: {why}", &[("why", .why)]))]
    NothingLoaded { why: String },
    #[error("{}", crate::i18n::trf("{cause} (from {files})", &[("cause", .cause), ("files", .files)]))]
    Assemble {
        files: String,
        cause: assemble::AssembleError,
    },
    #[error("{}", crate::i18n::trf("no input has a column `{column}` for the role `{role}`; the columns found are: {found}", &[("column", .column), ("role", .role), ("found", .found)]))]
    MissingOverride {
        role: String,
        column: String,
        found: String,
    },
    #[error("{}", crate::i18n::trf("no input has a column `{column}` (named in --parquet-columns); the columns found are: {found}", &[("column", .column), ("found", .found)]))]
    MissingParquetColumn { column: String, found: String },
    #[error("{}", crate::i18n::trf("the IDs could not be pseudonymised: {why}", &[("why", .0)]))]
    Pseudonymise(String),
}

/// One input: a name for messages and its bytes. `explicit` inputs were named by the user
/// (an unrecognised one is an error); files found in a folder are skipped with a warning.
#[derive(Clone, Debug)]
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
    pub explicit: bool,
    /// A Parquet file left on disk (its `bytes` stay empty): read from there a few row groups
    /// at a time, only the columns wanted (`LoadOptions::parquet_columns`), so a file larger
    /// than memory loads when those columns fit.
    pub parquet_file: Option<PathBuf>,
}

/// The review sidecar the app keeps next to the data (`quality::review`): passed over in
/// silence when the folder is read.
pub const REVIEW_SIDECAR: &str = ".cohort-review.json";

/// How session files end (`session`): a session saved beside the data is not data either.
pub const SESSION_SUFFIX: &str = ".cohort.json";

/// Extensions read from a folder; anything else there is listed as skipped.
const TABLE_EXTENSIONS: [&str; 11] = [
    "csv", "tsv", "txt", "tab", "parquet", "pq", "biom", "json", "qza", "qzv", "xlsx",
];

/// Read files and folders (a folder's own files, not its subfolders) into one cohort.
pub fn load_paths(paths: &[PathBuf], options: &LoadOptions) -> Result<Cohort, LoadError> {
    // Every file to read (explicit or not), then all of them read at once.
    let mut wanted: Vec<(PathBuf, bool)> = Vec::new();
    let mut skipped = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|cause| LoadError::Io {
            what: crate::i18n::tr("input"),
            path: path.display().to_string(),
            cause,
        })?;
        if meta.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|cause| LoadError::Io {
                    what: crate::i18n::tr("folder"),
                    path: path.display().to_string(),
                    cause,
                })?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect();
            entries.sort();
            for entry in entries {
                let name = entry
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                let ext = entry
                    .extension()
                    .map(|e| e.to_string_lossy().to_lowercase())
                    .unwrap_or_default();
                // The app's own files: the review sidecar (and the temporary file it is written
                // through) and sessions.
                if name.starts_with(REVIEW_SIDECAR) || name.ends_with(SESSION_SUFFIX) {
                    continue;
                }
                if name.starts_with('.') || !TABLE_EXTENSIONS.contains(&ext.as_str()) {
                    skipped.push(entry.display().to_string());
                    continue;
                }
                wanted.push((entry, false));
            }
        } else {
            wanted.push((path.clone(), true));
        }
    }
    let inputs = wanted
        .par_iter()
        .map(|(path, explicit)| read_input(path, *explicit))
        .collect::<Result<Vec<Input>, LoadError>>()?;
    if inputs.is_empty() {
        // A folder of notes and pictures: say what was there.
        let folders: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        let why = if skipped.is_empty() {
            crate::i18n::trf("{p1} holds no files", &[("p1", &(folders.join(", ")))])
        } else {
            crate::i18n::trf(
                "{p1} holds no table files (.csv, .tsv, .txt, .parquet, .biom, .json, .qza); found {p2}",
                &[("p1", &(folders.join(", "))), ("p2", &(skipped.join(", ")))],
            )
        };
        return Err(LoadError::NothingLoaded { why });
    }
    let mut cohort = load_inputs(inputs, options)?;
    if !skipped.is_empty() {
        cohort.findings.push(Finding::new(
            Severity::Info,
            "load.skipped-files",
            crate::i18n::trf("not tables, not read: {p1}", &[("p1", &(skipped.join(", ")))]),
        ));
    }
    Ok(cohort)
}

fn read_input(path: &Path, explicit: bool) -> Result<Input, LoadError> {
    use std::io::{Read as _, Seek as _};
    let io = |cause| LoadError::Io {
        what: crate::i18n::tr("file"),
        path: path.display().to_string(),
        cause,
    };
    let name = path.display().to_string();
    let mut file = std::fs::File::open(path).map_err(io)?;
    // A Parquet file stays on disk: only the columns wanted are read, later. Only a regular
    // file is looked at first; a pipe (`<(zcat …)`) is read whole from its start.
    if file.metadata().is_ok_and(|m| m.is_file()) {
        let mut magic = [0u8; 4];
        if file.read_exact(&mut magic).is_ok() && &magic == PARQUET_MAGIC {
            return Ok(Input {
                name,
                bytes: Vec::new(),
                explicit,
                parquet_file: Some(path.to_owned()),
            });
        }
        file.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(io)?;
    Ok(Input {
        name,
        bytes,
        explicit,
        parquet_file: None,
    })
}

/// How a Parquet file starts.
const PARQUET_MAGIC: &[u8; 4] = b"PAR1";

/// Load inputs already in memory (the embedded demo cohort, tests, dropped files).
pub fn load_inputs(inputs: Vec<Input>, options: &LoadOptions) -> Result<Cohort, LoadError> {
    load_inputs_with(inputs, options, true)
}

/// As [`load_inputs`]; `fast` lets clean feature tables take the fast path (`data::fast`).
fn load_inputs_with(inputs: Vec<Input>, options: &LoadOptions, fast: bool) -> Result<Cohort, LoadError> {
    let mut parts = Parts::default();
    let mut sources = Vec::new();
    let mut subject_files = HashSet::default();
    // Decoding and splitting text into cells is most of reading: every input at once, each
    // text's bytes let go as soon as it is read.
    let staged: Vec<(Input, Option<TextReadResult>)> = inputs
        .into_par_iter()
        .map(|mut input| {
            if format_of(&input) != Format::Text {
                return (input, None);
            }
            let read = read_text(&input, options, fast);
            input.bytes = Vec::new();
            (input, Some(read))
        })
        .collect();
    for (index, (input, pre)) in staged.into_iter().enumerate() {
        let outcome = read_one(&input, index, options, fast, pre, &mut parts);
        match outcome {
            Ok((source, layout)) => {
                if matches!(layout, Layout::Subjects | Layout::ProActSubjects) {
                    subject_files.insert(index);
                }
                sources.push(source);
            }
            Err(why) if input.explicit => {
                return Err(LoadError::Unusable { path: input.name, why });
            }
            Err(why) => {
                parts.findings.push(
                    Finding::new(
                        Severity::Warning,
                        "load.unrecognised-file",
                        crate::i18n::trf("{why}; skipped", &[("why", &why)]),
                    )
                    .file(&input.name),
                );
                sources.push(SourceFile::new(&input.name, NOT_RECOGNISED));
            }
        }
    }
    // A column named by hand must exist somewhere, or the user's intent is silently lost.
    let found = |name: &str| {
        let wanted = roles::normalize(name).0;
        parts.headers.iter().any(|h| roles::normalize(h).0 == wanted)
    };
    let all_found = || parts.headers.iter().map(String::as_str).collect::<Vec<_>>().join(", ");
    for (role, name) in &options.overrides {
        if !found(name) {
            return Err(LoadError::MissingOverride {
                role: role.as_str(),
                column: name.clone(),
                found: all_found(),
            });
        }
    }
    if let Some(name) = options.parquet_columns.iter().find(|name| !found(name)) {
        return Err(LoadError::MissingParquetColumn {
            column: name.clone(),
            found: all_found(),
        });
    }
    if parts.visits.is_empty()
        && parts.subjects.is_empty()
        && parts.samples.is_empty()
        && parts.abundances.is_empty()
        && parts.taxonomy.is_empty()
        && parts.distances.is_empty()
        && parts.ordinations.is_empty()
        && parts.sample_values.is_empty()
    {
        // Say, file by file, why nothing came of it.
        let why: Vec<String> = sources
            .iter()
            .map(|source: &SourceFile| {
                if source.layout == NOT_RECOGNISED {
                    crate::i18n::trf("{p1} was not recognised", &[("p1", &source.path)])
                } else if source.num_rows == 0 {
                    crate::i18n::trf(
                        "{p1} has a header ({p2} column{p3}) but no rows under it",
                        &[
                            ("p1", &source.path),
                            ("p2", &source.num_columns),
                            ("p3", &(if source.num_columns == 1 { "" } else { "s" })),
                        ],
                    )
                } else if source.roles.iter().any(|r| r.role == Role::Subject.as_str()) {
                    // Visit rows with no value at all are not visits (e.g. `--parquet-columns`
                    // kept the ids and dates but no measure).
                    crate::i18n::trf(
                        "{p1} ({p2}, {p3} rows) has no row with both a subject id and a measured value",
                        &[("p1", &source.path), ("p2", &source.layout), ("p3", &source.num_rows)],
                    )
                } else {
                    crate::i18n::trf(
                        "{p1} ({p2}, {p3} rows) has no subject, visit or sample id in its rows",
                        &[("p1", &source.path), ("p2", &source.layout), ("p3", &source.num_rows)],
                    )
                }
            })
            .collect();
        let why = if why.is_empty() {
            crate::i18n::tr("no input was given").to_owned()
        } else {
            why.join("; ")
        };
        return Err(LoadError::NothingLoaded { why });
    }
    // Assembly joins every file, so a failure there names them all.
    let files: Vec<String> = sources.iter().map(|s| s.path.clone()).collect();
    assemble::assemble(parts, sources, &subject_files, options.max_link_gap_days).map_err(|e| LoadError::Assemble {
        files: files.join(", "),
        cause: e,
    })
}

/// Read one input into `parts`, or say why it is not usable. `pre` is its [`read_text`]
/// when that already ran (text inputs, whose bytes may then be gone; otherwise it runs here).
fn read_one(
    input: &Input,
    index: usize,
    options: &LoadOptions,
    fast: bool,
    pre: Option<TextReadResult>,
    parts: &mut Parts,
) -> Result<(SourceFile, Layout), String> {
    let ctx = FileCtx {
        index,
        name: &input.name,
    };
    let mut source = SourceFile::new(&input.name, "");
    // What the input is: told by `pre` (its bytes may be gone) or by its first bytes.
    let format = if pre.is_some() { Format::Text } else { format_of(input) };
    // Parse problems count only once the file is recognised; a skipped file reports one line.
    let mut parse_findings = Vec::new();
    // Columns of a Parquet file left unread (`--parquet-columns`).
    let mut not_read = Vec::new();
    let table = match format {
        Format::Text => {
            let (read, encoding) = pre.unwrap_or_else(|| read_text(input, options, fast))?;
            source.encoding = Some(encoding.label().to_owned());
            match read {
                // scikit-bio's ordination text (what a QIIME 2 PCoAResults holds), exported on its own.
                TextRead::Ordination(text) => {
                    let (n, dims) = given::read_ordination(&text, &ctx, parts)?;
                    source.layout = ORDINATION_AS_GIVEN.to_owned();
                    source.num_rows = n;
                    source.num_columns = dims;
                    return Ok((source, Layout::SampleMetadata));
                }
                TextRead::Clean(clean) => {
                    describe(
                        &mut source,
                        &clean.head,
                        &clean.matches,
                        Layout::BiomTsv,
                        &input.name,
                        parts,
                    );
                    source.num_rows = clean.table.num_features();
                    microbiome::push_sparse(clean.table, false, &ctx, parts);
                    return Ok((source, Layout::BiomTsv));
                }
                TextRead::Table(table, findings) => {
                    parse_findings = findings;
                    table
                }
            }
        }
        Format::Empty => return Err(crate::i18n::tr("the file is empty").to_owned()),
        // Zip archives are told apart by what they hold: a QIIME 2 artifact, a workbook, other.
        Format::Zip => {
            let read = qiime2::read(&input.bytes, &ctx, parts)?;
            if let Some(meta) = &read.sample_metadata {
                table_sample_metadata(meta, &ctx, options, parts);
            }
            source.layout = read.layout;
            source.encoding = Some("zip".to_owned());
            source.num_rows = read.rows;
            source.num_columns = read.columns;
            source.artifact = Some(read.artifact);
            let layout = if read.is_table {
                Layout::BiomTsv
            } else {
                Layout::SampleMetadata
            };
            return Ok((source, layout));
        }
        Format::Workbook => {
            return Err(
                crate::i18n::tr("Excel workbooks are not read; save the sheet as CSV (UTF-8) and open that").to_owned(),
            );
        }
        Format::Hdf5 | Format::Json => {
            let ((features, samples), format, encoding) = if format == Format::Hdf5 {
                let biom = biom_hdf5::read(&input.bytes, &ctx, parts)?;
                if let Some(meta) = &biom.sample_metadata {
                    table_sample_metadata(meta, &ctx, options, parts);
                }
                ((biom.features, biom.samples), "BIOM 2.1 (HDF5) feature table", "HDF5")
            } else {
                (
                    biom_json::read(&input.bytes, &ctx, parts)?,
                    "BIOM 1.0 JSON feature table",
                    "UTF-8",
                )
            };
            source.layout = format.to_owned();
            source.encoding = Some(encoding.to_owned());
            source.num_rows = features;
            source.num_columns = samples;
            return Ok((source, Layout::BiomTsv));
        }
        Format::Parquet => {
            source.encoding = Some("Parquet".to_owned());
            let source = match &input.parquet_file {
                Some(path) => parquet::Source::File(path),
                None => parquet::Source::Bytes(&input.bytes),
            };
            let wanted = parquet::wanted(&options.parquet_columns, &options.overrides);
            let read = parquet::read(source, &wanted)?;
            // Columns left unread still count as found (for `--column` and `--parquet-columns`).
            parts.headers.extend(read.headers_left_out());
            not_read = read.left_out(&input.name, &mut parse_findings);
            read.table
        }
    };
    if table.headers.is_empty() {
        return Err(crate::i18n::tr("no header row found").to_owned());
    }
    if table.num_rows() == 0 && table.num_cols() <= 1 {
        let chars: usize = table.headers.iter().map(|h| h.chars().count()).sum();
        return Err(crate::i18n::trf(
            "one line of {chars} characters and nothing under it: not a table (no header row with separated columns)",
            &[("chars", &chars)],
        ));
    }
    let matches = roles::assign_roles(&table.headers, &options.overrides);
    let Some(layout) = detect::detect(&table, &matches) else {
        report_duplicate_headers(&table, &input.name, parts);
        parts.headers.extend(table.headers.iter().cloned());
        return Err(crate::i18n::trf(
            "not a recognised layout: no subject column ({p1}) and not a microbiome table; name the subject column with --column subject=NAME",
            &[("p1", &("subject_id, patient_id, record_id, …"))],
        ));
    };
    describe(&mut source, &table, &matches, layout, &input.name, parts);
    match layout {
        Layout::ClinicalVisits | Layout::Subjects | Layout::Redcap | Layout::ProActVisits | Layout::ProActSubjects => {
            source.ignored_columns = clinical::read(&table, &matches, layout, &ctx, parts);
        }
        Layout::BiomTsv => microbiome::read_biom_tsv(&table, &ctx, parts)?,
        Layout::SampleTaxonMatrix => microbiome::read_sample_matrix(&table, &matches, &ctx, parts)?,
        Layout::SampleMetadata => microbiome::read_sample_metadata(&table, &matches, &ctx, parts),
        Layout::MetaPhlAn => microbiome::read_metaphlan(&table, &ctx, parts)?,
        Layout::LongAbundance => microbiome::read_long(&table, &matches, &ctx, parts)?,
        Layout::Events => {
            if let Some(col) = events::event_column(&table, &matches) {
                events::read_events(&table, &matches, col, &ctx, parts);
            }
        }
        Layout::QiimeTaxonomy => taxonomy::read_qiime_taxonomy(&table, &input.name, parts),
        Layout::RankTaxonomy => taxonomy::read_rank_taxonomy(&table, &input.name, parts),
        Layout::DistanceMatrix => {
            given::read_distance_matrix(&table, &ctx, parts)?;
            source.layout = DISTANCES_AS_GIVEN.to_owned();
        }
    }
    parts.findings.append(&mut parse_findings);
    source.ignored_columns.append(&mut not_read);
    Ok((source, layout))
}

/// A text input decoded and split into cells, before its layout is known: the slow part of
/// reading, which [`load_inputs`] does for every input at once.
enum TextRead {
    /// A clean BIOM TSV read straight into its matrix (`data::fast`).
    Clean(fast::CleanMatrix),
    /// Any other delimited text, with the parser's findings.
    Table(RawTable, Vec<Finding>),
    /// scikit-bio's ordination text.
    Ordination(String),
}

/// A [`TextRead`] with the text's encoding, or why the input is not text.
type TextReadResult = Result<(TextRead, text::TextEncoding), String>;

/// What an input is, from its first bytes (and, for workbooks, its name's extension).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Empty,
    /// A zip archive: a QIIME 2 artifact, a workbook or other.
    Zip,
    Workbook,
    Hdf5,
    Json,
    Parquet,
    /// Delimited text (or scikit-bio's ordination text), read by [`read_text`].
    Text,
}

fn format_of(input: &Input) -> Format {
    let bytes = &input.bytes;
    if input.parquet_file.is_some() {
        Format::Parquet
    } else if bytes.is_empty() {
        Format::Empty
    } else if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Format::Zip
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") || has_extension(&input.name, &["xlsx", "xls"]) {
        Format::Workbook
    } else if bytes.starts_with(b"\x89HDF\r\n\x1a\n") {
        Format::Hdf5
    } else if bytes.trim_ascii_start().starts_with(b"{") {
        Format::Json
    } else if bytes.starts_with(PARQUET_MAGIC) {
        Format::Parquet
    } else {
        Format::Text
    }
}

/// Decode a text input and split it into cells (or, when `fast`, a clean feature table into
/// its matrix).
fn read_text(input: &Input, options: &LoadOptions, fast: bool) -> TextReadResult {
    let (text, encoding) = text::decode(&input.bytes);
    if text.contains('\0') {
        return Err(crate::i18n::tr("this is a binary file, not a text table").to_owned());
    }
    if text.trim_start_matches('\u{feff}').starts_with("Eigvals\t") {
        return Ok((TextRead::Ordination(text.into_owned()), encoding));
    }
    if fast && let Some(clean) = fast::clean_biom_tsv(&text, &input.name, &options.overrides) {
        return Ok((TextRead::Clean(clean), encoding));
    }
    let mut findings = Vec::new();
    let table = table::parse_delimited(&text, &input.name, &mut findings);
    Ok((TextRead::Table(table, findings), encoding))
}

/// What a recognised delimited table is (separator, size, layout, roles), and its headers in
/// `parts` (for overrides) with a finding for each repeated one.
fn describe(
    source: &mut SourceFile,
    table: &RawTable,
    matches: &[roles::RoleMatch],
    layout: Layout,
    name: &str,
    parts: &mut Parts,
) {
    source.separator = table
        .separator
        .map(|s| if s == '\t' { "tab".to_owned() } else { s.to_string() });
    source.decimal_comma = table.decimal_comma;
    source.num_rows = table.num_rows();
    source.num_columns = table.num_cols();
    report_duplicate_headers(table, name, parts);
    parts.headers.extend(table.headers.iter().cloned());
    source.layout = layout.label().to_owned();
    source.roles = matches
        .iter()
        .map(|m| RoleUse {
            role: m.role.as_str(),
            column: m.header.clone(),
            unit: m.unit.map(|u| u.label().to_owned()),
        })
        .collect();
}

/// Sample metadata stored inside a feature table, read with the same roles as a metadata file
/// (a `host_subject_id` category becomes the subject) but kept only for samples that no
/// metadata file lists.
fn table_sample_metadata(meta: &RawTable, ctx: &FileCtx, options: &LoadOptions, parts: &mut Parts) {
    let matches = roles::assign_roles(&meta.headers, &options.overrides);
    parts.headers.extend(meta.headers.iter().cloned());
    let start = parts.samples.len();
    microbiome::read_sample_metadata(meta, &matches, ctx, parts);
    for row in &mut parts.samples[start..] {
        row.from_table = true;
    }
}

fn report_duplicate_headers(table: &RawTable, file: &str, parts: &mut Parts) {
    let mut seen = HashSet::default();
    for h in &table.headers {
        if !h.is_empty() && !seen.insert(h.as_str()) {
            parts.findings.push(
                Finding::new(
                    Severity::Warning,
                    "schema.duplicate-column",
                    crate::i18n::tr("column name appears twice; only the first is used for its role"),
                )
                .file(file)
                .column(h),
            );
        }
    }
}

/// True when `name` ends in one of `extensions` (any case).
fn has_extension(name: &str, extensions: &[&str]) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A feature table with sample metadata, loaded with and without the fast path.
    fn both_ways(table: &str) -> (Cohort, Cohort) {
        let inputs = vec![
            Input {
                name: "table.tsv".to_owned(),
                bytes: table.as_bytes().to_vec(),
                explicit: true,
                parquet_file: None,
            },
            Input {
                name: "meta.tsv".to_owned(),
                bytes: b"sample-id\tsubject_id\tcollection_date\nS1\tP1\t2021-01-05\nS2\tP1\t2021-03-05\nS3\tP2\t2021-02-01\n".to_vec(),
                explicit: true,
                parquet_file: None,
            },
        ];
        let options = LoadOptions::default();
        let fast = load_inputs_with(inputs.clone(), &options, true).expect("loads");
        let careful = load_inputs_with(inputs, &options, false).expect("loads");
        (fast, careful)
    }

    #[test]
    fn a_conflicting_subject_attribute_names_the_row_that_gave_the_value_kept() {
        let input = |name: &str, text: &str| Input {
            name: name.to_owned(),
            bytes: text.as_bytes().to_vec(),
            explicit: true,
            parquet_file: None,
        };
        let inputs = vec![
            input("a.csv", "subject_id,site,arm\nP2,Oslo,A\nP1,Rome,B\n"),
            input("b.csv", "subject_id,site,arm\nP1,Rome,B\nP2,Oslo,C\nP1,Pisa,B\n"),
        ];
        let cohort = load_inputs(inputs, &LoadOptions::default()).expect("loads");
        let mut conflicts: Vec<(String, String, usize)> = cohort
            .findings
            .iter()
            .filter(|f| f.rule == "identity.conflicting-attribute")
            .map(|f| {
                (
                    f.subject.clone().unwrap_or_default(),
                    f.message.clone(),
                    f.row.unwrap_or(0),
                )
            })
            .collect();
        conflicts.sort();
        assert_eq!(conflicts.len(), 2, "{conflicts:?}");
        assert_eq!(conflicts[0].0, "P1");
        assert!(
            conflicts[0].1.contains("`Pisa` here but `Rome` at a.csv:3"),
            "{conflicts:?}"
        );
        assert_eq!(conflicts[0].2, 4);
        assert_eq!(conflicts[1].0, "P2");
        assert!(conflicts[1].1.contains("`C` here but `A` at a.csv:2"), "{conflicts:?}");
    }

    #[test]
    fn the_fast_path_reads_what_the_careful_reader_reads() {
        // Tables the fast path reads (CRLF rows, no trailing newline, a negative value)…
        let clean = [
            "# Constructed from biom file\n#OTU ID\tS1\tS2\tS3\nf1\t10.0\t0.0\t3\nf2\t0.5\t2.0\t1e1\r\nf3\t0\t7\t0.125\n",
            "#OTU ID\tS1\tS2\tS3\nf1\t1\t0\t3\nf2\t1\t2\t1",
            "#OTU ID\tS1\tS2\tS3\nf1\t1\t-4\t3\nf2\t1\t2\t1\n",
            // Zeros spelled otherwise (`0e0` reads as zero though its text does not look it;
            // the rows are closed up after), and a sample with no cells at all.
            "#OTU ID\tS1\tS2\tS3\nf1\t0e0\t-0\t3\nf2\t+0\t2\t0.0e5\nf3\t000\t0.\t1\n",
            "#OTU ID\tS1\tS2\tS3\nf1\t0\t5\t0E-3\nf2\t0\t1e0\t2\n",
        ];
        // …and those it leaves to the careful reader: missing values, a decimal comma, a short
        // row, a long row, a blank line, a comment row, quotes, a taxonomy column.
        let unusual = [
            "#OTU ID\tS1\tS2\tS3\nf1\t1\tNA\t3\nf2\t\t2\t1\n",
            "#OTU ID\tS1\tS2\tS3\nf1\t1,5\t0\t3\nf2\t1\t2\t1\n",
            "#OTU ID\tS1\tS2\tS3\nf1\t1\t0\nf2\t1\t2\t1\n",
            "#OTU ID\tS1\tS2\tS3\nf1\t1\t0\t3\t9\nf2\t1\t2\t1\n",
            "#OTU ID\tS1\tS2\tS3\nf1\t1\t0\t3\n\nf2\t1\t2\t1\n",
            "#OTU ID\tS1\tS2\tS3\nf1\t1\t0\t3\n#q2:note\tx\ty\tz\nf2\t1\t2\t1\n",
            "#OTU ID\tS1\tS2\tS3\n\"f1\"\t1\t0\t3\nf2\t1\t2\t1\n",
            "#OTU ID\tS1\tS2\tS3\ttaxonomy\nf1\t1\t0\t3\tk__Bacteria; p__Firmicutes\nf2\t1\t2\t1\tk__Bacteria\n",
        ];
        for table in clean.into_iter().chain(unusual) {
            let (fast, careful) = both_ways(table);
            assert_eq!(
                format!("{:?}", fast.abundances()),
                format!("{:?}", careful.abundances()),
                "{table:?}"
            );
            assert!(fast.abundances().is_some(), "{table:?}");
            assert_eq!(
                format!("{:?}", fast.findings),
                format!("{:?}", careful.findings),
                "{table:?}"
            );
            assert_eq!(
                format!("{:?}", fast.sources),
                format!("{:?}", careful.sources),
                "{table:?}"
            );
            assert_eq!(fast.samples, careful.samples, "{table:?}");
            let sorted = |c: &Cohort| {
                format!(
                    "{:?}",
                    c.taxonomy().iter().collect::<std::collections::BTreeMap<_, _>>()
                )
            };
            assert_eq!(sorted(&fast), sorted(&careful), "{table:?}");
        }
        // The clean table did take the fast path, and the unusual ones did not.
        for table in clean {
            assert!(
                fast::clean_biom_tsv(table, "t.tsv", &Overrides::new()).is_some(),
                "{table:?}"
            );
        }
        for table in unusual {
            assert!(
                fast::clean_biom_tsv(table, "t.tsv", &Overrides::new()).is_none(),
                "{table:?}"
            );
        }
    }

    #[test]
    fn the_moving_pictures_table_takes_the_fast_path_to_the_same_cohort() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/moving-pictures");
        let Ok(table) = std::fs::read_to_string(dir.join("feature-table.tsv")) else {
            return; // ../shared is not beside the checkout
        };
        assert!(fast::clean_biom_tsv(&table, "feature-table.tsv", &Overrides::new()).is_some());
        let inputs: Vec<Input> = ["feature-table.tsv", "sample-metadata.tsv", "taxonomy.tsv"]
            .iter()
            .map(|f| read_input(&dir.join(f), true).expect("readable"))
            .collect();
        let options = LoadOptions::default();
        let fast = load_inputs_with(inputs.clone(), &options, true).expect("loads");
        let careful = load_inputs_with(inputs, &options, false).expect("loads");
        assert_eq!(
            format!("{:?}", fast.abundances()),
            format!("{:?}", careful.abundances())
        );
        assert_eq!(format!("{:?}", fast.findings), format!("{:?}", careful.findings));
        assert_eq!(format!("{:?}", fast.sources), format!("{:?}", careful.sources));
        assert_eq!(fast.samples, careful.samples);
    }
}
