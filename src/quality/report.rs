//! Findings as text, JSON, CSV or a self-contained HTML report (`check --format`).

use crate::i18n::{Lang, lang, tr, trf};
use std::fmt::Write as _;

use serde::Serialize;

use super::review::{Entry, Review, Status, StatusCounts};
use super::{by_rule, by_site, counts, rule_info};
use crate::model::Finding;

/// Report formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Csv,
    Html,
}

/// The report of `findings` about the cohort named `title`; with a `review`, each finding's
/// status and note, the counts per status and the reviewed findings that are gone (fixed).
pub fn render(findings: &[Finding], title: &str, format: Format, review: Option<&Review>) -> String {
    match format {
        Format::Text => text(findings, title, review),
        Format::Json => json(findings, title, review),
        Format::Csv => csv(findings, review),
        Format::Html => html(findings, title, review),
    }
}

/// One line of the counts per status: `3 open, 1 query sent, 0 resolved, 2 accepted as is, 1 fixed`.
pub fn status_totals(counts: &StatusCounts) -> String {
    let mut parts: Vec<String> = Status::ALL
        .iter()
        .map(|s| format!("{} {}", counts.get(*s), s.label()))
        .collect();
    parts.push(format!("{} {}", counts.fixed, tr("fixed")));
    parts.join(", ")
}

/// A finding's status and note in a review, as cells.
fn review_cells(review: Option<&Review>, f: &Finding) -> Option<[String; 2]> {
    let review = review?;
    Some(match review.entry(f) {
        Some(e) => [e.status.key().to_owned(), e.note.clone()],
        None => [Status::Open.key().to_owned(), String::new()],
    })
}

/// One line of totals: `2 errors, 9 warnings, 1 info`.
pub fn totals(findings: &[Finding]) -> String {
    let (e, w, i) = counts(findings);
    if lang() == Lang::Zh {
        return trf("{e} errors, {w} warnings, {i} info", &[("e", &e), ("w", &w), ("i", &i)]);
    }
    format!(
        "{e} error{}, {w} warning{}, {i} info",
        if e == 1 { "" } else { "s" },
        if w == 1 { "" } else { "s" }
    )
}

fn text(findings: &[Finding], title: &str, review: Option<&Review>) -> String {
    let mut out = trf(
        "Data quality of {title}: {totals}",
        &[("title", &title), ("totals", &totals(findings))],
    );
    out.push('\n');
    if let Some(review) = review {
        let counts = review.counts(findings);
        let _ = writeln!(
            out,
            "{}",
            trf("Review: {counts}", &[("counts", &status_totals(&counts))])
        );
        let fixed = review.fixed(findings);
        if !fixed.is_empty() {
            let _ = write!(out, "\n{}:\n", tr("Fixed since the review (no longer in the data)"));
            for e in fixed {
                let k = &e.key;
                let _ = writeln!(
                    out,
                    "  {} {} {} {} {} {}: {}",
                    e.status.key(),
                    k.rule,
                    k.file.as_deref().unwrap_or(""),
                    k.subject.as_deref().or(k.sample.as_deref()).unwrap_or(""),
                    k.visit.as_deref().unwrap_or(""),
                    k.value.as_deref().map_or(String::new(), |v| format!("`{v}`")),
                    e.message
                );
            }
        }
    }
    if findings.is_empty() {
        return out;
    }
    let _ = write!(out, "\n{}:\n", tr("By rule"));
    for (rule, severity, n) in by_rule(findings) {
        let _ = writeln!(out, "  {:<7} {rule:<36} {n:>6}", severity.label());
    }
    let _ = write!(out, "\n{}:\n", tr("Findings"));
    for f in findings {
        let _ = write!(out, "  {:<7} {} {}", f.severity.label(), f.rule, f.location());
        if let Some([status, note]) = review_cells(review, f) {
            let _ = write!(
                out,
                " [{status}{}]",
                if note.is_empty() {
                    String::new()
                } else {
                    format!(": {note}")
                }
            );
        }
        if let Some(s) = &f.subject {
            let _ = write!(out, " {}", trf("subject {id}", &[("id", s)]));
        }
        if let Some(s) = &f.sample {
            let _ = write!(out, " {}", trf("sample {id}", &[("id", s)]));
        }
        if let Some(v) = &f.value {
            let _ = write!(out, " {}", trf("value `{v}`", &[("v", v)]));
        }
        let _ = writeln!(out, ": {}", f.message);
    }
    out
}

#[derive(Serialize)]
struct RuleCount<'a> {
    rule: String,
    severity: &'static str,
    count: usize,
    description: &'a str,
}

#[derive(Serialize)]
struct SiteCount {
    site: String,
    errors: usize,
    warnings: usize,
    info: usize,
}

/// A finding with its review status and note.
#[derive(Serialize)]
struct Reviewed<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

#[derive(Serialize)]
struct ReviewSummary<'a> {
    open: usize,
    query_sent: usize,
    resolved: usize,
    accepted: usize,
    fixed: usize,
    /// Reviewed findings no longer in the data.
    fixed_findings: Vec<&'a Entry>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    cohort: &'a str,
    errors: usize,
    warnings: usize,
    info: usize,
    by_rule: Vec<RuleCount<'a>>,
    by_site: Vec<SiteCount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    review: Option<ReviewSummary<'a>>,
    findings: Vec<Reviewed<'a>>,
}

fn rule_counts(findings: &[Finding]) -> Vec<RuleCount<'static>> {
    by_rule(findings)
        .into_iter()
        .map(|(rule, severity, count)| RuleCount {
            description: rule_info(&rule).map_or("", |r| r.description),
            rule,
            severity: severity.label(),
            count,
        })
        .collect()
}

fn site_counts(findings: &[Finding]) -> Vec<SiteCount> {
    by_site(findings)
        .into_iter()
        .map(|(site, errors, warnings, info)| SiteCount {
            site,
            errors,
            warnings,
            info,
        })
        .collect()
}

fn json(findings: &[Finding], title: &str, review: Option<&Review>) -> String {
    let (errors, warnings, info) = counts(findings);
    let report = JsonReport {
        cohort: title,
        errors,
        warnings,
        info,
        by_rule: rule_counts(findings),
        by_site: site_counts(findings),
        review: review.map(|r| {
            let c = r.counts(findings);
            ReviewSummary {
                open: c.open,
                query_sent: c.query_sent,
                resolved: c.resolved,
                accepted: c.accepted,
                fixed: c.fixed,
                fixed_findings: r.fixed(findings),
            }
        }),
        findings: findings
            .iter()
            .map(|f| {
                let cells = review_cells(review, f);
                Reviewed {
                    finding: f,
                    status: cells.as_ref().map(|[s, _]| s.clone()),
                    note: cells.and_then(|[_, n]| (!n.is_empty()).then_some(n)),
                }
            })
            .collect(),
    };
    serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")) + "\n"
}

/// Columns of the CSV report (and of the findings table in the HTML report).
pub const CSV_COLUMNS: [&str; 10] = [
    "severity", "rule", "file", "row", "column", "subject", "site", "sample", "value", "message",
];

/// The cells of one finding, aligned with [`CSV_COLUMNS`].
pub fn cells(f: &Finding) -> [String; 10] {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        f.severity.label().to_owned(),
        f.rule.clone(),
        o(&f.file),
        f.row.map_or_else(String::new, |r| r.to_string()),
        o(&f.column),
        o(&f.subject),
        o(&f.site),
        o(&f.sample),
        o(&f.value),
        f.message.clone(),
    ]
}

/// A CSV cell, quoted when it holds a comma, a quote or a line break.
pub fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn csv(findings: &[Finding], review: Option<&Review>) -> String {
    let mut out = CSV_COLUMNS.join(",");
    if review.is_some() {
        out.push_str(",status,note");
    }
    out.push('\n');
    for f in findings {
        let mut row: Vec<String> = cells(f).iter().map(|c| csv_cell(c)).collect();
        if let Some(extra) = review_cells(review, f) {
            row.extend(extra.iter().map(|c| csv_cell(c)));
        }
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// Text as HTML (the reports are self-contained pages).
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em;color:#222}\
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}\
table{border-collapse:collapse;font-size:.9em}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}\
th{background:#f2f2f2}td.n{text-align:right}\
.error{color:#b00020;font-weight:600}.warning{color:#a05a00;font-weight:600}.info{color:#1f5f99}\
.totals span{margin-right:1.5em;font-size:1.1em}code{font-size:.95em}";

/// A titled summary table; cells are HTML already, numbers are right-aligned.
fn html_table(out: &mut String, title: &str, headers: &[&str], rows: &[Vec<String>]) {
    let _ = write!(out, "<h2>{title}</h2>\n<table><tr>");
    for h in headers {
        let _ = write!(out, "<th>{h}</th>");
    }
    out.push_str("</tr>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let class = if cell.parse::<f64>().is_ok() {
                " class=\"n\""
            } else {
                ""
            };
            let _ = write!(out, "<td{class}>{cell}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

fn html(findings: &[Finding], title: &str, review: Option<&Review>) -> String {
    let (e, w, i) = counts(findings);
    let mut out = String::new();
    let heading = trf("Data quality: {title}", &[("title", &esc(title))]);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <title>{heading}</title><style>{STYLE}</style></head><body>\n\
         <h1>{heading}</h1>\n<p class=\"totals\"><span class=\"error\">{errors}</span>\
         <span class=\"warning\">{warnings}</span><span class=\"info\">{infos}</span></p>\n",
        code = if lang() == Lang::Zh { "zh-Hans" } else { "en" },
        errors = trf("{n} errors", &[("n", &e)]),
        warnings = trf("{n} warnings", &[("n", &w)]),
        infos = trf("{n} info", &[("n", &i)]),
    );
    let rules: Vec<Vec<String>> = rule_counts(findings)
        .into_iter()
        .map(|r| {
            let s = r.severity;
            vec![
                format!("<code>{}</code>", esc(&r.rule)),
                format!("<span class=\"{s}\">{s}</span>"),
                r.count.to_string(),
                esc(rule_info(&r.rule).map_or(r.description, |info| info.text())),
            ]
        })
        .collect();
    html_table(
        &mut out,
        tr("By rule"),
        &[tr("rule"), tr("severity"), tr("findings"), tr("what it checks")],
        &rules,
    );
    let sites: Vec<Vec<String>> = site_counts(findings)
        .into_iter()
        .map(|s| {
            vec![
                esc(&s.site),
                s.errors.to_string(),
                s.warnings.to_string(),
                s.info.to_string(),
            ]
        })
        .collect();
    html_table(
        &mut out,
        tr("By site"),
        &[tr("site"), tr("errors"), tr("warnings"), tr("info")],
        &sites,
    );
    if let Some(review) = review {
        let c = review.counts(findings);
        let mut rows: Vec<Vec<String>> = Status::ALL
            .iter()
            .map(|s| vec![esc(s.label()), c.get(*s).to_string()])
            .collect();
        rows.push(vec![esc(tr("fixed")), c.fixed.to_string()]);
        html_table(&mut out, tr("By review status"), &[tr("status"), tr("findings")], &rows);
        let fixed: Vec<Vec<String>> = review
            .fixed(findings)
            .iter()
            .map(|e| {
                let k = &e.key;
                let o = |v: &Option<String>| esc(v.as_deref().unwrap_or(""));
                vec![
                    esc(e.status.label()),
                    format!("<code>{}</code>", esc(&k.rule)),
                    o(&k.file),
                    o(&k.subject),
                    o(&k.sample),
                    o(&k.visit),
                    o(&k.column),
                    o(&k.value),
                    esc(&e.note),
                ]
            })
            .collect();
        if !fixed.is_empty() {
            html_table(
                &mut out,
                tr("Fixed since the review (no longer in the data)"),
                &[
                    tr("status"),
                    tr("rule"),
                    tr("file"),
                    tr("subject"),
                    tr("sample"),
                    tr("visit"),
                    tr("column"),
                    tr("value"),
                    tr("note"),
                ],
                &fixed,
            );
        }
    }
    let rows: Vec<Vec<String>> = findings
        .iter()
        .map(|f| {
            let mut row: Vec<String> = cells(f).iter().map(|c| esc(c)).collect();
            row[0] = format!("<span class=\"{s}\">{s}</span>", s = f.severity.label());
            if let Some(extra) = review_cells(review, f) {
                row.extend(extra.iter().map(|c| esc(c)));
            }
            row
        })
        .collect();
    let mut headers: Vec<&str> = CSV_COLUMNS.to_vec();
    if review.is_some() {
        headers.extend(["status", "note"]);
    }
    html_table(&mut out, tr("Findings"), &headers, &rows);
    let _ = write!(
        out,
        "<p>{}</p>\n</body></html>\n",
        tr("Written by cohort-explorer check.")
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;

    fn sample() -> Vec<Finding> {
        vec![
            Finding::new(Severity::Error, "range.bmi", "BMI 72 is \"high\", <implausible>")
                .file("v.csv")
                .row(3)
                .column("bmi")
                .subject("S1")
                .value("72"),
            Finding::new(Severity::Info, "composition.low-depth", "few reads").sample("x,1"),
        ]
    }

    #[test]
    fn every_format_carries_every_finding() {
        let f = sample();
        let t = render(&f, "c", Format::Text, None);
        assert!(t.starts_with("Data quality of c: 1 error, 0 warnings, 1 info"), "{t}");
        assert!(
            t.contains("error   range.bmi v.csv:3 [bmi] subject S1 value `72`"),
            "{t}"
        );
        let j: serde_json::Value = serde_json::from_str(&render(&f, "c", Format::Json, None)).unwrap();
        assert_eq!(j["errors"], 1);
        assert_eq!(j["findings"].as_array().unwrap().len(), 2);
        assert_eq!(j["by_rule"][1]["rule"], "range.bmi");
        let c = render(&f, "c", Format::Csv, None);
        let lines: Vec<&str> = c.lines().collect();
        assert_eq!(lines[0], CSV_COLUMNS.join(","));
        assert_eq!(
            lines[1],
            "error,range.bmi,v.csv,3,bmi,S1,,,72,\"BMI 72 is \"\"high\"\", <implausible>\""
        );
        assert!(lines[2].contains(",\"x,1\","), "{}", lines[2]);
        let h = render(&f, "<c>", Format::Html, None);
        assert!(h.contains("<title>Data quality: &lt;c&gt;</title>"));
        assert!(h.contains("&lt;implausible&gt;"));
        assert!(!h.contains("<implausible>"));
        assert!(!h.contains("http"), "self-contained: no links to fetch");
    }
}
