//! The coordinator's review of findings: each finding marked *open*, *query sent*, *resolved*
//! or *accepted as is*, with a note, a name and a date, kept in a sidecar file next to the data
//! (`.cohort-review.json`, hand-editable; its format is in README.md).
//!
//! A finding is keyed by a [`fingerprint`] of what it is about (rule, file name without its
//! folder, subject, sample, visit, column and value), never by its line, so a status follows
//! the finding through a re-export that reorders rows, changes line endings or edits other
//! rows. A reviewed finding that the data no longer has is *fixed*.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::i18n::{tr, trf};
use crate::model::{Finding, Severity};

/// The review file's `format` value.
pub const FORMAT: &str = "cohort-explorer review";
/// The newest review format this build reads and the one it writes.
pub const VERSION: u32 = 1;
/// The sidecar's file name, next to the data (the loader passes over it).
pub const SIDECAR: &str = crate::data::REVIEW_SIDECAR;

/// Where a finding stands in the coordinator's review.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Not reviewed yet (or reopened).
    #[default]
    Open,
    /// Asked of the site; waiting for its answer.
    QuerySent,
    /// The data were corrected (or will be at the next export).
    Resolved,
    /// The value is right as it is.
    Accepted,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Open, Status::QuerySent, Status::Resolved, Status::Accepted];

    /// The name in the language in use.
    pub fn label(self) -> &'static str {
        match self {
            Status::Open => tr("open"),
            Status::QuerySent => tr("query sent"),
            Status::Resolved => tr("resolved"),
            Status::Accepted => tr("accepted as is"),
        }
    }

    /// The file's spelling (`open`, `query-sent`, `resolved`, `accepted`).
    pub fn key(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::QuerySent => "query-sent",
            Status::Resolved => "resolved",
            Status::Accepted => "accepted",
        }
    }

    /// Still to be dealt with: counts for gating and goes into a site's queries.
    pub fn is_open(self) -> bool {
        self == Status::Open
    }
}

/// What identifies a finding across exports, as written in the review file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Key {
    pub rule: String,
    /// The file's name without its folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<String>,
    /// The visit's date, else its day or number (see `Finding::visit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The value as a number prints (`47.0` and `47` are one value), else as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl Key {
    /// The key of a finding.
    pub fn of(f: &Finding) -> Key {
        let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        Key {
            rule: f.rule.clone(),
            file: f
                .file
                .as_deref()
                .map(|p| p.rsplit(['/', '\\']).next().unwrap_or(p).to_owned()),
            subject: text(&f.subject),
            sample: text(&f.sample),
            visit: text(&f.visit),
            column: text(&f.column),
            value: text(&f.value).map(|v| canonical_value(&v)),
        }
    }

    /// The key's fingerprint: 16 hexadecimal digits of a SHA-256 of its fields.
    pub fn fingerprint(&self) -> String {
        let mut hash = Sha256::new();
        for field in [
            Some(&self.rule),
            self.file.as_ref(),
            self.subject.as_ref(),
            self.sample.as_ref(),
            self.visit.as_ref(),
            self.column.as_ref(),
            self.value.as_ref(),
        ] {
            hash.update(field.map_or("\u{0}", String::as_str).as_bytes());
            hash.update([0x1f]);
        }
        crate::model::pseudonym::hex(&hash.finalize()[..8])
    }
}

/// A number as one value however it was written (`47.0`, `47`, ` 4.70e1`), else the text.
fn canonical_value(v: &str) -> String {
    match v.trim().parse::<f64>() {
        Ok(x) if x.is_finite() => super::frames::show(x),
        _ => v.trim().to_owned(),
    }
}

/// A finding's fingerprint (see [`Key`]).
pub fn fingerprint(f: &Finding) -> String {
    Key::of(f).fingerprint()
}

/// One reviewed finding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The fingerprint, for reading and for answered query sheets; recomputed from the key.
    #[serde(default)]
    pub id: String,
    #[serde(flatten)]
    pub key: Key,
    pub status: Status,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Who set the status.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub by: String,
    /// When (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub date: String,
    /// The finding's severity and message when last seen, for a reader of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
}

/// The review file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Review {
    /// Entries by fingerprint.
    entries: BTreeMap<String, Entry>,
}

#[derive(Serialize, Deserialize)]
struct ReviewFile {
    format: String,
    version: u32,
    #[serde(default)]
    findings: Vec<Entry>,
}

/// Why a review file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("{}", trf("cannot read the review file: {cause}: {path}", &[("cause", .cause), ("path", .path)]))]
    Read { path: String, cause: std::io::Error },
    #[error("{}", trf("not a review file ({why}): {path}", &[("why", .why), ("path", .path)]))]
    Damaged { path: String, why: String },
    #[error("{}", trf("the review file was written by a newer cohort-explorer (version {found}; this one reads up to {version}): {path}", &[("found", .found), ("version", &VERSION), ("path", .path)]))]
    Newer { path: String, found: u32 },
    #[error("{}", trf("cannot write the review file: {cause}: {path}", &[("cause", .cause), ("path", .path)]))]
    Write { path: String, cause: std::io::Error },
}

/// A change of status asked for: the status, the note (kept when `None`) and who made it.
#[derive(Clone, Debug)]
pub struct Mark<'a> {
    pub status: Status,
    pub note: Option<&'a str>,
    pub by: &'a str,
    pub date: &'a str,
}

/// The count of findings at each status, and of reviewed findings no longer in the data.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatusCounts {
    pub open: usize,
    pub query_sent: usize,
    pub resolved: usize,
    pub accepted: usize,
    pub fixed: usize,
}

impl StatusCounts {
    pub fn get(&self, status: Status) -> usize {
        match status {
            Status::Open => self.open,
            Status::QuerySent => self.query_sent,
            Status::Resolved => self.resolved,
            Status::Accepted => self.accepted,
        }
    }
}

impl Review {
    /// The sidecar next to the data: in the folder given, else beside the first file.
    pub fn sidecar_for(paths: &[PathBuf]) -> Option<PathBuf> {
        let first = paths.first()?;
        let folder = if first.is_dir() {
            first.clone()
        } else {
            first.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        Some(folder.join(SIDECAR))
    }

    /// Read a review file; a file that does not exist is an empty review.
    pub fn open(path: &Path) -> Result<Review, ReviewError> {
        let name = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Review::default()),
            Err(cause) => return Err(ReviewError::Read { path: name, cause }),
        };
        Review::parse(&text).map_err(|e| match e {
            ParseError::Damaged(why) => ReviewError::Damaged { path: name, why },
            ParseError::Newer(found) => ReviewError::Newer { path: name, found },
        })
    }

    fn parse(text: &str) -> Result<Review, ParseError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let file: ReviewFile = serde_json::from_str(text).map_err(|e| ParseError::Damaged(e.to_string()))?;
        if file.format != FORMAT {
            return Err(ParseError::Damaged(trf(
                "its format is `{found}`, not `{format}`",
                &[("found", &file.format), ("format", &FORMAT)],
            )));
        }
        if file.version > VERSION {
            return Err(ParseError::Newer(file.version));
        }
        let mut review = Review::default();
        for mut entry in file.findings {
            // The key decides: a hand-edited field re-keys the entry.
            entry.id = entry.key.fingerprint();
            review.entries.insert(entry.id.clone(), entry);
        }
        Ok(review)
    }

    /// The file's text: entries in a stable order, so a file under version control diffs well.
    pub fn to_json(&self) -> String {
        let mut findings: Vec<Entry> = self.entries.values().cloned().collect();
        findings.sort_by(|a, b| a.key.cmp(&b.key));
        let file = ReviewFile {
            format: FORMAT.to_owned(),
            version: VERSION,
            findings,
        };
        serde_json::to_string_pretty(&file).unwrap_or_default() + "\n"
    }

    /// Write the review (through a temporary file, so a failed write loses nothing).
    pub fn save(&self, path: &Path) -> Result<(), ReviewError> {
        let write = |cause| ReviewError::Write {
            path: path.display().to_string(),
            cause,
        };
        let temporary = path.with_extension("json.partial");
        std::fs::write(&temporary, self.to_json()).map_err(write)?;
        std::fs::rename(&temporary, path).map_err(write)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every entry, by fingerprint.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entry of a finding, if it was reviewed.
    pub fn entry(&self, f: &Finding) -> Option<&Entry> {
        self.entries.get(&fingerprint(f))
    }

    /// The entry with this fingerprint.
    pub fn by_id(&self, id: &str) -> Option<&Entry> {
        self.entries.get(id.trim())
    }

    /// A finding's status (open when not reviewed).
    pub fn status(&self, f: &Finding) -> Status {
        self.entry(f).map_or(Status::Open, |e| e.status)
    }

    /// An entry for a finding known only by its key (a row of an answered sheet).
    pub fn insert(&mut self, key: Key, status: Status) {
        let id = key.fingerprint();
        self.entries.entry(id.clone()).or_insert(Entry {
            id,
            key,
            status,
            note: String::new(),
            by: String::new(),
            date: String::new(),
            severity: None,
            message: String::new(),
            site: None,
        });
    }

    /// Set the status (and note) of `findings`. Findings with one fingerprint share an entry.
    pub fn mark<'a>(&mut self, findings: impl IntoIterator<Item = &'a Finding>, mark: &Mark<'_>) -> usize {
        let mut n = 0;
        for f in findings {
            let key = Key::of(f);
            let id = key.fingerprint();
            self.insert(key, Status::Open);
            let Some(entry) = self.entries.get_mut(&id) else {
                continue;
            };
            entry.status = mark.status;
            if let Some(note) = mark.note {
                note.clone_into(&mut entry.note);
            }
            mark.by.clone_into(&mut entry.by);
            mark.date.clone_into(&mut entry.date);
            entry.severity = Some(f.severity);
            entry.message.clone_from(&f.message);
            entry.site.clone_from(&f.site);
            n += 1;
        }
        n
    }

    /// Set the status and note of the entry `id` (an answered query). `None` if there is none.
    pub fn answer(&mut self, id: &str, status: Status, note: &str, by: &str, date: &str) -> Option<&Entry> {
        let entry = self.entries.get_mut(id.trim())?;
        entry.status = status;
        note.clone_into(&mut entry.note);
        by.clone_into(&mut entry.by);
        date.clone_into(&mut entry.date);
        Some(entry)
    }

    /// Reviewed findings the data no longer have: fixed.
    pub fn fixed(&self, findings: &[Finding]) -> Vec<&Entry> {
        let present: std::collections::HashSet<String> = findings.iter().map(fingerprint).collect();
        self.entries.values().filter(|e| !present.contains(&e.id)).collect()
    }

    /// Each finding's status, in order, and the findings per status with the fixed ones: every
    /// finding's fingerprint computed once.
    pub fn tally(&self, findings: &[Finding]) -> (Vec<Status>, StatusCounts) {
        let ids: Vec<String> = findings.iter().map(fingerprint).collect();
        let present: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
        let mut counts = StatusCounts {
            fixed: self.entries.keys().filter(|id| !present.contains(id.as_str())).count(),
            ..StatusCounts::default()
        };
        let statuses: Vec<Status> = ids
            .iter()
            .map(|id| {
                let status = self.entries.get(id).map_or(Status::Open, |e| e.status);
                match status {
                    Status::Open => counts.open += 1,
                    Status::QuerySent => counts.query_sent += 1,
                    Status::Resolved => counts.resolved += 1,
                    Status::Accepted => counts.accepted += 1,
                }
                status
            })
            .collect();
        (statuses, counts)
    }

    /// Findings per status, and the fixed ones.
    pub fn counts(&self, findings: &[Finding]) -> StatusCounts {
        self.tally(findings).1
    }
}

enum ParseError {
    Damaged(String),
    Newer(u32),
}

/// The name a mark is made under when none is given: the user's login name.
pub fn default_name() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bmi(file: &str, line: usize, value: &str) -> Finding {
        Finding::new(Severity::Warning, "range.bmi", "BMI outside 10–60")
            .file(file)
            .row(line)
            .column("bmi")
            .subject("S1")
            .value(value)
            .visit("2021-03-05")
    }

    #[test]
    fn the_fingerprint_ignores_the_folder_the_line_and_how_a_number_is_written() {
        let a = bmi("/data/2024-10/visits.csv", 12, "72");
        let b = bmi("C:\\freeze\\visits.csv", 40, "72.0");
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_eq!(fingerprint(&a).len(), 16);
        // Another visit, value, column or rule is another finding.
        let mut c = a.clone();
        c.visit = Some("2021-06-05".to_owned());
        assert_ne!(fingerprint(&a), fingerprint(&c));
        assert_ne!(fingerprint(&a), fingerprint(&bmi("visits.csv", 12, "73")));
        let mut d = a.clone();
        d.rule = "range.weight".to_owned();
        assert_ne!(fingerprint(&a), fingerprint(&d));
    }

    #[test]
    fn a_review_round_trips_through_its_file_and_finds_what_was_fixed() {
        let findings = [bmi("visits.csv", 3, "72"), bmi("visits.csv", 4, "8")];
        let mut review = Review::default();
        let mark = Mark {
            status: Status::Accepted,
            note: Some("confirmed with the site"),
            by: "Anna",
            date: "2026-11-30",
        };
        assert_eq!(review.mark(&findings[..1], &mark), 1);
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(SIDECAR);
        review.save(&path).expect("saved");
        let text = std::fs::read_to_string(&path).expect("written");
        assert!(
            text.contains("\"status\": \"accepted\"") && text.contains("\"by\": \"Anna\""),
            "{text}"
        );
        let reopened = Review::open(&path).expect("read");
        assert_eq!(reopened, review);
        assert_eq!(reopened.status(&findings[0]), Status::Accepted);
        assert_eq!(reopened.status(&findings[1]), Status::Open);
        assert_eq!(
            reopened.entry(&findings[0]).map(|e| e.note.as_str()),
            Some("confirmed with the site")
        );
        // The accepted finding is gone from the next freeze: fixed.
        let counts = reopened.counts(&findings[1..]);
        assert_eq!((counts.open, counts.accepted, counts.fixed), (1, 0, 1));
        // A hand edit of the status is read.
        std::fs::write(&path, text.replace("\"accepted\"", "\"query-sent\"")).expect("edit");
        assert_eq!(
            Review::open(&path).expect("read").status(&findings[0]),
            Status::QuerySent
        );
    }

    #[test]
    fn a_missing_file_is_an_empty_review_and_a_damaged_or_newer_one_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("review.json");
        assert!(Review::open(&path).expect("missing is empty").is_empty());
        std::fs::write(&path, "{ not json").expect("write");
        let e = Review::open(&path).expect_err("damaged");
        assert!(e.to_string().contains("review.json"), "{e}");
        std::fs::write(
            &path,
            format!("{{\"format\": \"{FORMAT}\", \"version\": 9, \"findings\": []}}"),
        )
        .expect("write");
        assert!(matches!(Review::open(&path), Err(ReviewError::Newer { found: 9, .. })));
        std::fs::write(&path, "{\"format\": \"something else\", \"version\": 1}").expect("write");
        assert!(matches!(Review::open(&path), Err(ReviewError::Damaged { .. })));
    }
}
