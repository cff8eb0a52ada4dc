//! Session files (`*.cohort.json`): what is needed to open the same screen again elsewhere —
//! the inputs (paths relative to the session file, each read file's SHA-256), column overrides,
//! options (REE equation, thresholds, rules file), the pseudonym key, and what the window keeps
//! of its views (grouping, filters, selection, named cohorts, layout, each view's settings,
//! the presentation's slides).
//!
//! This module reads and writes the file and checks the inputs; the window's part (`view`,
//! `slides`) is kept as JSON here and read by `app::session`, so the headless commands can take
//! `--session` without the GUI. The format is versioned ([`VERSION`]): a file from a newer
//! version, or one that does not parse, is an error the caller turns into defaults and a
//! message; a source that is missing or changed is named in [`Opened::problems`] and the rest
//! still opens.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::data::{LoadOptions, Overrides, Role};
use crate::metrics::ree::ReeEquation;
use crate::metrics::tables::MetricOptions;
use crate::model::SourceFile;
use crate::model::pseudonym::{PseudonymKey, Pseudonyms};
use crate::pipeline::Source;

/// What the `format` field of every session file says.
pub const FORMAT: &str = "cohort-explorer-session";

/// The version this build writes. Version 1: this layout.
pub const VERSION: u32 = 1;

/// A session file's contents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub format: String,
    pub version: u32,
    pub inputs: Inputs,
    /// Column overrides, role → column (`--column ROLE=NAME`).
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    #[serde(default)]
    pub options: SessionOptions,
    /// The key of pseudonymised IDs, and whether they are on.
    #[serde(default)]
    pub pseudonyms: Option<SessionPseudonyms>,
    /// The window's screen (grouping, filters, selection, named cohorts, layout, views'
    /// settings), as `app::session` writes it.
    #[serde(default)]
    pub view: serde_json::Value,
    /// The presentation's slides, as `app::session` writes them.
    #[serde(default)]
    pub slides: Vec<serde_json::Value>,
}

/// What was opened: the embedded demo, or paths with the files read from them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Inputs {
    Demo,
    Paths {
        /// As given (files or folders), relative to the session file where possible.
        paths: Vec<String>,
        /// Every file read, relative to the session file where possible, with its SHA-256.
        files: Vec<InputFile>,
    },
}

/// One file read, and its checksum when the session was saved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InputFile {
    pub path: String,
    pub sha256: String,
}

/// Options that change what is derived.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionOptions {
    pub ree_equation: ReeEquation,
    pub hypermetabolic_ratio: f64,
    pub max_gap_days: f64,
    /// The data-quality rules file, relative to the session file where possible.
    pub rules_file: Option<String>,
    /// The columns read from Parquet tables (`--parquet-columns`); empty for all.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parquet_columns: Vec<String>,
}

impl Default for SessionOptions {
    fn default() -> Self {
        let metrics = MetricOptions::default();
        Self {
            ree_equation: metrics.ree_equation,
            hypermetabolic_ratio: metrics.hypermetabolic_ratio,
            max_gap_days: crate::data::DEFAULT_MAX_LINK_GAP_DAYS,
            rules_file: None,
            parquet_columns: Vec::new(),
        }
    }
}

/// The pseudonym key (hex) and the switches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionPseudonyms {
    pub key: String,
    pub on: bool,
    #[serde(default)]
    pub shift_dates: bool,
}

/// Why a session file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("{}", crate::i18n::trf("cannot read the session file: {cause}: {path}", &[("cause", .cause), ("path", .path)]))]
    Io { path: String, cause: std::io::Error },
    #[error("{}", crate::i18n::trf("the session file is damaged ({why}); opening with defaults: {path}", &[("why", .why), ("path", .path)]))]
    Damaged { path: String, why: String },
    #[error("{}", crate::i18n::trf(
        "the session file was written by a newer cohort-explorer (format version {found}; this one reads up to {version}); opening with defaults: {path}",
        &[("found", .found), ("version", &VERSION), ("path", .path)],
    ))]
    Newer { path: String, found: u32 },
    #[error("{}", crate::i18n::trf("cannot write the session file: {cause}: {path}", &[("cause", .cause), ("path", .path)]))]
    Write { path: String, cause: std::io::Error },
}

/// A session read and checked against the files it names.
#[derive(Clone, Debug)]
pub struct Opened {
    pub source: Source,
    pub load: LoadOptions,
    pub metrics: MetricOptions,
    /// The rules file, resolved.
    pub rules_file: Option<PathBuf>,
    /// Sources missing or changed since the session was saved, in words.
    pub problems: Vec<String>,
    pub session: Session,
}

impl Session {
    /// A session of `source` (whose files read are `files`) to be saved at `path`.
    pub fn new(source: &Source, files: &[SourceFile], path: &Path) -> Self {
        let base = base_dir(path);
        let inputs = match source {
            Source::Demo => Inputs::Demo,
            Source::Paths(paths) => Inputs::Paths {
                paths: paths.iter().map(|p| relative(p, &base)).collect(),
                files: files
                    .iter()
                    .filter_map(|f| {
                        let p = Path::new(&f.path);
                        Some(InputFile {
                            path: relative(p, &base),
                            sha256: sha256_of(p).ok()?,
                        })
                    })
                    .collect(),
            },
        };
        Self {
            format: FORMAT.to_owned(),
            version: VERSION,
            inputs,
            columns: BTreeMap::new(),
            options: SessionOptions::default(),
            pseudonyms: None,
            view: serde_json::Value::Null,
            slides: Vec::new(),
        }
    }

    /// Keep the load options (overrides, link gap, pseudonyms) and metric options.
    #[must_use]
    pub fn with_options(mut self, load: &LoadOptions, metrics: &MetricOptions, key: Option<&PseudonymKey>) -> Self {
        self.columns = load.overrides.iter().map(|(r, c)| (r.to_string(), c.clone())).collect();
        self.options.ree_equation = metrics.ree_equation;
        self.options.hypermetabolic_ratio = metrics.hypermetabolic_ratio;
        self.options.max_gap_days = load.max_link_gap_days;
        self.options.parquet_columns = load.parquet_columns.clone();
        let key = load.pseudonyms.as_ref().map(|p| &p.key).or(key);
        self.pseudonyms = key.map(|k| SessionPseudonyms {
            key: k.to_hex(),
            on: load.pseudonyms.is_some(),
            shift_dates: load.pseudonyms.as_ref().is_some_and(|p| p.shift_dates),
        });
        self
    }

    /// Write the session as pretty JSON (hand-editable).
    pub fn write(&self, path: &Path) -> Result<(), SessionError> {
        let text = serde_json::to_string_pretty(self).map_err(|e| SessionError::Write {
            path: path.display().to_string(),
            cause: std::io::Error::other(e),
        })?;
        std::fs::write(path, text + "\n").map_err(|cause| SessionError::Write {
            path: path.display().to_string(),
            cause,
        })
    }

    /// The pseudonym key kept in the session, if any.
    pub fn key(&self) -> Option<PseudonymKey> {
        self.pseudonyms
            .as_ref()
            .and_then(|p| PseudonymKey::from_hex(&p.key).ok())
    }
}

/// Read a session file: its inputs resolved against its folder and checked (missing and changed
/// files are named in `problems`; those that remain still open), its options as load and metric
/// options.
pub fn open(path: &Path) -> Result<Opened, SessionError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|cause| SessionError::Io {
        path: shown.clone(),
        cause,
    })?;
    let session = parse(&text).map_err(|why| match why {
        ParseError::Newer(found) => SessionError::Newer {
            path: shown.clone(),
            found,
        },
        ParseError::Damaged(why) => SessionError::Damaged {
            path: shown.clone(),
            why,
        },
    })?;
    let base = base_dir(path);
    let mut problems = Vec::new();
    let source = match &session.inputs {
        Inputs::Demo => Source::Demo,
        Inputs::Paths { paths, files } => {
            let mut present = Vec::new();
            for p in paths {
                let resolved = base.join(p);
                if resolved.exists() {
                    present.push(resolved);
                } else {
                    problems.push(format!("missing since the session was saved: {}", resolved.display()));
                }
            }
            for f in files {
                let resolved = base.join(&f.path);
                match sha256_of(&resolved) {
                    Ok(sum) if sum == f.sha256 => {}
                    Ok(_) => problems.push(format!("changed since the session was saved: {}", resolved.display())),
                    Err(_) if resolved.exists() => {
                        problems.push(format!("cannot be read: {}", resolved.display()));
                    }
                    Err(_) => {
                        let named = paths.iter().any(|p| base.join(p) == resolved);
                        if !named {
                            problems.push(format!("missing since the session was saved: {}", resolved.display()));
                        }
                    }
                }
            }
            Source::Paths(present)
        }
    };
    let mut overrides = Overrides::new();
    for (role, column) in &session.columns {
        match role.parse::<Role>() {
            Ok(role) => {
                overrides.insert(role, column.clone());
            }
            Err(e) => problems.push(format!("column override `{role}={column}` left out: {e}")),
        }
    }
    let pseudonyms = session
        .pseudonyms
        .as_ref()
        .filter(|p| p.on)
        .and_then(|p| match PseudonymKey::from_hex(&p.key) {
            Ok(key) => Some(Pseudonyms {
                key,
                shift_dates: p.shift_dates,
            }),
            Err(e) => {
                problems.push(format!("pseudonyms left off: {e}"));
                None
            }
        });
    let o = &session.options;
    let load = LoadOptions {
        overrides,
        max_link_gap_days: if o.max_gap_days.is_finite() && o.max_gap_days >= 0.0 {
            o.max_gap_days
        } else {
            crate::data::DEFAULT_MAX_LINK_GAP_DAYS
        },
        pseudonyms,
        parquet_columns: o.parquet_columns.clone(),
    };
    let metrics = MetricOptions {
        ree_equation: o.ree_equation,
        hypermetabolic_ratio: o.hypermetabolic_ratio,
        ..MetricOptions::default()
    };
    let rules_file = o.rules_file.as_ref().map(|r| base.join(r));
    Ok(Opened {
        source,
        load,
        metrics,
        rules_file,
        problems,
        session,
    })
}

enum ParseError {
    Newer(u32),
    Damaged(String),
}

/// A session from its text: the format and version checked first, so a newer file says so
/// rather than failing on a field this build does not know.
fn parse(text: &str) -> Result<Session, ParseError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| ParseError::Damaged(e.to_string()))?;
    if value.get("format").and_then(serde_json::Value::as_str) != Some(FORMAT) {
        return Err(ParseError::Damaged(format!("no \"format\": \"{FORMAT}\"")));
    }
    let version = value
        .get("version")
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| ParseError::Damaged("no version".to_owned()))?;
    let version = u32::try_from(version).unwrap_or(u32::MAX);
    if version > VERSION {
        return Err(ParseError::Newer(version));
    }
    // Version 1 is the only one so far; an older one would be upgraded here.
    serde_json::from_value(value).map_err(|e| ParseError::Damaged(e.to_string()))
}

/// The folder paths in a session are relative to.
fn base_dir(session: &Path) -> PathBuf {
    let dir = session.parent().map(Path::to_path_buf).unwrap_or_default();
    let dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    };
    dir.canonicalize().unwrap_or(dir)
}

/// `path` relative to `base` when it lies below it, else absolute.
fn relative(path: &Path, base: &Path) -> String {
    let absolute = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    absolute
        .strip_prefix(base)
        .map_or_else(|_| absolute.display().to_string(), |p| p.display().to_string())
}

/// SHA-256 of a file, as 64 hexadecimal digits.
pub fn sha256_of(path: &Path) -> std::io::Result<String> {
    use std::io::Read as _;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(crate::model::pseudonym::hex(&hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_is_the_standard_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("abc.txt");
        std::fs::write(&path, "abc").expect("write");
        assert_eq!(
            sha256_of(&path).expect("read"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_newer_or_damaged_session_is_an_error_saying_which() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("s.cohort.json");
        std::fs::write(
            &path,
            r#"{"format": "cohort-explorer-session", "version": 99, "future": true}"#,
        )
        .expect("write");
        let e = open(&path).expect_err("newer");
        assert!(
            e.to_string().contains("newer cohort-explorer (format version 99"),
            "{e}"
        );
        std::fs::write(
            &path,
            r#"{"format": "cohort-explorer-session", "version": 1, "inputs": 7}"#,
        )
        .expect("write");
        let e = open(&path).expect_err("damaged");
        assert!(e.to_string().contains("damaged"), "{e}");
        std::fs::write(&path, "{ not json").expect("write");
        assert!(open(&path).expect_err("not json").to_string().contains("damaged"));
    }

    #[test]
    fn inputs_are_kept_relative_and_a_changed_or_missing_file_is_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        std::fs::create_dir(&data).expect("mkdir");
        let (a, b) = (data.join("a.csv"), data.join("b.csv"));
        std::fs::write(&a, "subject_id,weight_kg\nP1,60\n").expect("write");
        std::fs::write(&b, "subject_id,height_cm\nP1,170\n").expect("write");
        let sources: Vec<SourceFile> = [&a, &b]
            .iter()
            .map(|p| SourceFile {
                path: p.display().to_string(),
                layout: String::new(),
                encoding: None,
                separator: None,
                decimal_comma: false,
                num_rows: 1,
                num_columns: 2,
                roles: Vec::new(),
                ignored_columns: Vec::new(),
                artifact: None,
            })
            .collect();
        let path = dir.path().join("s.cohort.json");
        let session = Session::new(&Source::Paths(vec![data.clone()]), &sources, &path);
        session.write(&path).expect("write");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains("\"data/a.csv\""), "{text}");
        assert!(
            !text.contains(&dir.path().display().to_string()),
            "absolute paths: {text}"
        );
        let opened = open(&path).expect("opens");
        assert!(opened.problems.is_empty(), "{:?}", opened.problems);
        std::fs::write(&a, "subject_id,weight_kg\nP1,61\n").expect("write");
        std::fs::remove_file(&b).expect("rm");
        let opened = open(&path).expect("still opens");
        assert_eq!(opened.problems.len(), 2, "{:?}", opened.problems);
        assert!(
            opened.problems[0].starts_with("changed since the session was saved")
                && opened.problems[0].ends_with("a.csv")
        );
        assert!(
            opened.problems[1].starts_with("missing since the session was saved")
                && opened.problems[1].ends_with("b.csv")
        );
        assert!(matches!(&opened.source, Source::Paths(p) if p.len() == 1));
    }

    #[test]
    fn the_parquet_columns_are_kept_and_none_leaves_no_trace() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("s.cohort.json");
        let load = LoadOptions {
            parquet_columns: vec!["subject_id".to_owned(), "weight_kg".to_owned()],
            ..LoadOptions::default()
        };
        let session = Session::new(&Source::Demo, &[], &path).with_options(&load, &MetricOptions::default(), None);
        session.write(&path).expect("write");
        assert_eq!(open(&path).expect("opens").load.parquet_columns, load.parquet_columns);
        let plain = Session::new(&Source::Demo, &[], &path).with_options(
            &LoadOptions::default(),
            &MetricOptions::default(),
            None,
        );
        plain.write(&path).expect("write");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(!text.contains("parquet_columns"), "{text}");
        assert!(open(&path).expect("opens").load.parquet_columns.is_empty());
    }
}
