//! Queries to sites: each site's open findings as a CSV sheet (UTF-8 with a BOM, so Excel opens
//! it as UTF-8) and an HTML page, in plain words, with empty *answer* and *outcome* columns; and
//! the answered sheets read back into the review.
//!
//! A sheet's rows carry the finding's fingerprint (`id`) and the fields it is made of, so an
//! answer finds its finding even in a review file that never saw it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::catalogue::rule_info;
use super::report::{csv_cell, esc};
use super::review::{Key, Review, Status};
use crate::data::table::parse_delimited;
use crate::data::text::decode;
use crate::data::write::{WriteError, write_bytes};
use crate::i18n::{Lang, lang, tr, trf};
use crate::model::{Finding, Severity};

/// The sheet's columns: (key read back, header in English; the header is written in the
/// language in use, and either language's is read back).
const COLUMNS: [&str; 14] = [
    "id", "site", "subject", "visit", "sample", "file", "line", "column", "value", "severity", "rule", "question",
    "answer", "outcome",
];

/// The outcome a site writes: the data were corrected.
pub const CORRECTED: &str = "corrected";
/// The outcome a site writes: the value is right as it is.
pub const CORRECT_AS_IS: &str = "correct as is";

/// The header of a column in the language in use.
fn header(column: &str) -> &'static str {
    match column {
        "id" => tr("id"),
        "site" => tr("site"),
        "subject" => tr("subject"),
        "visit" => tr("visit"),
        "sample" => tr("sample"),
        "file" => tr("file"),
        "line" => tr("line"),
        "column" => tr("column"),
        "value" => tr("value"),
        "severity" => tr("severity"),
        "rule" => tr("rule"),
        "question" => tr("question"),
        "answer" => tr("answer"),
        _ => tr("outcome"),
    }
}

/// The sheets written for one site.
#[derive(Clone, Debug)]
pub struct SiteSheets {
    pub site: String,
    pub csv: PathBuf,
    pub html: PathBuf,
    /// The findings asked about (one question per fingerprint).
    pub findings: Vec<usize>,
}

/// A finding's question in plain words: what the rule checks, then what was found.
pub fn question(f: &Finding) -> String {
    match rule_info(&f.rule) {
        Some(rule) => format!("{}: {}", rule.text(), f.message),
        None => f.message.clone(),
    }
}

/// A file name for a site: letters, digits and CJK kept, anything else a dash.
fn slug(site: &str) -> String {
    let s: String = site
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let s = s.trim_matches('-').to_owned();
    if s.is_empty() { "no-site".to_owned() } else { s }
}

/// The cells of one question, aligned with [`COLUMNS`] (answer and outcome empty).
fn cells(f: &Finding) -> [String; 14] {
    let key = Key::of(f);
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        key.fingerprint(),
        o(&f.site),
        o(&key.subject),
        o(&key.visit),
        o(&key.sample),
        o(&key.file),
        f.row.map_or_else(String::new, |r| r.to_string()),
        o(&key.column),
        o(&key.value),
        f.severity.label().to_owned(),
        f.rule.clone(),
        question(f),
        String::new(),
        String::new(),
    ]
}

/// Write one CSV sheet and one HTML page per site with the errors and warnings still open or
/// waiting for an answer (`review` says which) into `dir`, created if needed. `inputs` are never written over.
pub fn write(
    findings: &[Finding],
    review: &Review,
    dir: &Path,
    title: &str,
    inputs: &[String],
) -> Result<Vec<SiteSheets>, WriteError> {
    let mut by_site: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut seen = std::collections::HashSet::new();
    for (i, f) in findings.iter().enumerate() {
        // Sites are asked about problems (errors and warnings), not about notes.
        if f.severity < Severity::Warning || !matches!(review.status(f), Status::Open | Status::QuerySent) {
            continue;
        }
        if seen.insert(Key::of(f)) {
            by_site
                .entry(f.site.clone().unwrap_or_else(|| tr("no site").to_owned()))
                .or_default()
                .push(i);
        }
    }
    std::fs::create_dir_all(dir).map_err(|cause| WriteError::Create {
        path: dir.display().to_string(),
        cause,
    })?;
    let mut out = Vec::new();
    for (site, rows) in by_site {
        let name = format!("queries-{}", slug(&site));
        let csv = dir.join(format!("{name}.csv"));
        let html = dir.join(format!("{name}.html"));
        let mut text = String::from("\u{feff}");
        text.push_str(
            &COLUMNS
                .iter()
                .map(|c| csv_cell(header(c)))
                .collect::<Vec<_>>()
                .join(","),
        );
        text.push_str("\r\n");
        for &i in &rows {
            let row: Vec<String> = cells(&findings[i]).iter().map(|c| csv_cell(c)).collect();
            text.push_str(&row.join(","));
            text.push_str("\r\n");
        }
        write_bytes(text.as_bytes(), &csv, inputs)?;
        write_bytes(page(findings, &rows, &site, title).as_bytes(), &html, inputs)?;
        out.push(SiteSheets {
            site,
            csv,
            html,
            findings: rows,
        });
    }
    Ok(out)
}

/// One site's page: how to answer, then the questions.
fn page(findings: &[Finding], rows: &[usize], site: &str, title: &str) -> String {
    let heading = if site == tr("no site") {
        tr("Data queries for findings without a site").to_owned()
    } else {
        trf("Data queries for site {site}", &[("site", &esc(site))])
    };
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{code}\"><head><meta charset=\"utf-8\"><title>{heading}</title>\
         <style>body{{font-family:system-ui,sans-serif;margin:2em;color:#222}}\
         table{{border-collapse:collapse;font-size:.9em}}th,td{{border:1px solid #ccc;padding:.3em .6em;\
         text-align:left;vertical-align:top}}th{{background:#f2f2f2}}td.answer{{min-width:14em}}</style>\
         </head><body>\n<h1>{heading}</h1>\n<p>{cohort}</p>\n<p>{how}</p>\n<table><tr>",
        code = if lang() == Lang::Zh { "zh-Hans" } else { "en" },
        cohort = esc(&trf(
            "{n} open questions about {title}.",
            &[("n", &rows.len()), ("title", &title)]
        )),
        how = esc(&trf(
            "Please answer each question in the CSV sheet of the same name: write what you found in the answer column, and `{corrected}` or `{as_is}` in the outcome column.",
            &[("corrected", &tr("corrected")), ("as_is", &tr("correct as is"))]
        )),
    );
    for column in [
        "subject", "visit", "sample", "file", "column", "value", "question", "answer", "outcome",
    ] {
        let _ = write!(out, "<th>{}</th>", esc(header(column)));
    }
    out.push_str("</tr>\n");
    for &i in rows {
        let c = cells(&findings[i]);
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td class=\"answer\"></td><td></td></tr>",
            esc(&c[2]),
            esc(&c[3]),
            esc(&c[4]),
            esc(&if c[6].is_empty() {
                c[5].clone()
            } else {
                format!("{}:{}", c[5], c[6])
            }),
            esc(&c[7]),
            esc(&c[8]),
            esc(&c[11]),
        );
    }
    out.push_str("</table>\n</body></html>\n");
    out
}

/// What reading answered sheets did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    pub resolved: usize,
    pub accepted: usize,
    /// Answers without an outcome: the note is kept, the status stays.
    pub noted: usize,
    /// Rows that could not be used, each with why (line and reason).
    pub problems: Vec<String>,
}

impl Imported {
    /// What reading `sheet` did, in one line.
    pub fn summary(&self, sheet: &Path) -> String {
        trf(
            "{sheet}: {resolved} resolved, {accepted} accepted as is, {noted} answered without an outcome",
            &[
                ("sheet", &sheet.display()),
                ("resolved", &self.resolved),
                ("accepted", &self.accepted),
                ("noted", &self.noted),
            ],
        )
    }
}

/// Mark the findings `sheets` ask about that were still open as *query sent*.
pub fn mark_sent(review: &mut Review, findings: &[Finding], sheets: &[SiteSheets], by: &str, date: &str) {
    let open: Vec<&Finding> = sheets
        .iter()
        .flat_map(|sheet| sheet.findings.iter().map(|&k| &findings[k]))
        .filter(|f| review.status(f).is_open())
        .collect();
    review.mark(
        open,
        &super::review::Mark {
            status: Status::QuerySent,
            note: None,
            by,
            date,
        },
    );
}

/// Why a sheet could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}", trf("cannot read the answered sheet: {cause}: {path}", &[("cause", .cause), ("path", .path)]))]
    Read { path: String, cause: std::io::Error },
    #[error("{}", trf("not a query sheet: it has no `{column}` column: {path}", &[("column", .column), ("path", .path)]))]
    NotASheet { path: String, column: &'static str },
}

/// The status an outcome asks for (either language, any case), `None` for an empty outcome.
fn outcome(text: &str) -> Result<Option<Status>, ()> {
    let t = text.trim().to_lowercase();
    if t.is_empty() {
        return Ok(None);
    }
    let is = |english: &'static str| t == english || t == tr(english).to_lowercase();
    if is(CORRECTED) || t == "resolved" || t == "fixed" {
        Ok(Some(Status::Resolved))
    } else if is(CORRECT_AS_IS) || t == "accepted" || t == "correct" {
        Ok(Some(Status::Accepted))
    } else {
        Err(())
    }
}

/// Read an answered sheet into `review`: each answer becomes its finding's note, and the status
/// becomes *resolved* or *accepted* as the outcome says.
pub fn import(path: &Path, review: &mut Review, by: &str, date: &str) -> Result<Imported, ImportError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|cause| ImportError::Read {
        path: name.clone(),
        cause,
    })?;
    let (text, _) = decode(&bytes);
    let table = parse_delimited(&text, &name, &mut Vec::new());
    // A column by its key or its header in either language.
    let col = |key: &'static str| {
        table.headers.iter().position(|h| {
            let h = h.trim().trim_start_matches('\u{feff}').to_lowercase();
            h == key || h == header(key).to_lowercase()
        })
    };
    let need = |key: &'static str| {
        col(key).ok_or(ImportError::NotASheet {
            path: name.clone(),
            column: key,
        })
    };
    let (id, answer, result) = (need("id")?, need("answer")?, need("outcome")?);
    let field = |row: usize, key: &'static str| {
        col(key)
            .map(|c| table.cell(row, c).trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let mut imported = Imported::default();
    for row in 0..table.num_rows() {
        let line = table.line(row);
        let fingerprint = table.cell(row, id).trim().to_owned();
        let note = table.cell(row, answer).trim().to_owned();
        let Ok(status) = outcome(table.cell(row, result)) else {
            imported.problems.push(trf(
                "line {line}: outcome `{found}` is neither `{corrected}` nor `{as_is}`",
                &[
                    ("line", &line),
                    ("found", &table.cell(row, result).trim()),
                    ("corrected", &tr("corrected")),
                    ("as_is", &tr("correct as is")),
                ],
            ));
            continue;
        };
        if fingerprint.is_empty() || (note.is_empty() && status.is_none()) {
            continue;
        }
        // A finding the review has not seen yet: its entry from the sheet's own fields.
        if review.by_id(&fingerprint).is_none() {
            let key = Key {
                rule: field(row, "rule").unwrap_or_default(),
                file: field(row, "file"),
                subject: field(row, "subject"),
                sample: field(row, "sample"),
                visit: field(row, "visit"),
                column: field(row, "column"),
                value: field(row, "value"),
            };
            if key.fingerprint() != fingerprint {
                imported.problems.push(trf(
                    "line {line}: no finding has the id `{id}` (was the row edited?)",
                    &[("line", &line), ("id", &fingerprint)],
                ));
                continue;
            }
            review.insert(key, Status::QuerySent);
        }
        let current = review.by_id(&fingerprint).map_or(Status::QuerySent, |e| e.status);
        let new = status.unwrap_or(current);
        review.answer(&fingerprint, new, &note, by, date);
        match status {
            Some(Status::Resolved) => imported.resolved += 1,
            Some(Status::Accepted) => imported.accepted += 1,
            _ => imported.noted += 1,
        }
    }
    Ok(imported)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::review::Mark;

    fn findings() -> Vec<Finding> {
        let mut a = Finding::new(Severity::Warning, "range.bmi", "BMI 72 is implausible")
            .file("/data/visits.csv")
            .row(3)
            .column("bmi")
            .subject("S1")
            .value("72")
            .visit("2021-03-05");
        a.site = Some("Milan".to_owned());
        let mut b = Finding::new(Severity::Error, "range.alsfrs-total", "ALSFRS-R total 52, \"over 48\"")
            .file("/data/visits.csv")
            .row(9)
            .column("alsfrs_r_total")
            .subject("S7")
            .value("52")
            .visit("2021-04-01");
        b.site = Some("São Paulo".to_owned());
        let mut c = b.clone();
        c.subject = Some("S8".to_owned());
        vec![a, b, c]
    }

    #[test]
    fn sheets_round_trip_answers_into_the_review() {
        let findings = findings();
        let mut review = Review::default();
        // An accepted finding is not asked again.
        review.mark(
            &findings[2..],
            &Mark {
                status: Status::Accepted,
                note: None,
                by: "me",
                date: "2026-11-01",
            },
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let sheets = write(&findings, &review, dir.path(), "the test cohort", &[]).expect("written");
        let sites: Vec<&str> = sheets.iter().map(|s| s.site.as_str()).collect();
        assert_eq!(sites, ["Milan", "São Paulo"]);
        assert!(sheets[1].csv.ends_with("queries-São-Paulo.csv"));
        let bytes = std::fs::read(&sheets[1].csv).expect("csv");
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "a BOM for Excel");
        let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "S8's finding is accepted: {text}");
        assert!(
            lines[1].contains(": ALSFRS-R total 52, \"\"over 48\"\"\","),
            "{}",
            lines[1]
        );
        let html = std::fs::read_to_string(&sheets[1].html).expect("html");
        assert!(html.contains("S7") && !html.contains("S8") && html.contains("<td class=\"answer\"></td>"));
        // The site answers in Excel (which may save with semicolons) and the sheet is read back.
        let answered = text
            .replace(",,\r\n", ",checked the CRF: 42,corrected\r\n")
            .replace(',', ";");
        let back = dir.path().join("answered.csv");
        std::fs::write(&back, format!("\u{feff}{answered}")).expect("write");
        let mut fresh = Review::default();
        let imported = import(&back, &mut fresh, "site", "2026-12-01").expect("read");
        assert_eq!(
            (imported.resolved, imported.accepted, imported.problems.len()),
            (1, 0, 0)
        );
        let entry = fresh.entry(&findings[1]).expect("an entry from the sheet's fields");
        assert_eq!(entry.status, Status::Resolved);
        assert_eq!(entry.note, "checked the CRF: 42");
        // Milan's sheet: an answer that accepts, another with an outcome no one knows.
        let milan = std::fs::read_to_string(&sheets[0].csv).expect("csv");
        std::fs::write(
            &back,
            milan.replace(",,\r\n", ",\"true value, athlete\",correct as is\r\n"),
        )
        .expect("write");
        let imported = import(&back, &mut fresh, "site", "2026-12-01").expect("read");
        assert_eq!(imported.accepted, 1);
        assert_eq!(fresh.status(&findings[0]), Status::Accepted);
        std::fs::write(&back, milan.replace(",,\r\n", ",x,maybe\r\n")).expect("write");
        let imported = import(&back, &mut fresh, "site", "2026-12-01").expect("read");
        assert!(imported.problems[0].contains("maybe"), "{:?}", imported.problems);
        std::fs::write(&back, "a,b\n1,2\n").expect("write");
        assert!(matches!(
            import(&back, &mut fresh, "x", "y"),
            Err(ImportError::NotASheet { column: "id", .. })
        ));
    }
}
