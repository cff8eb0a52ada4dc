//! A freeze comparison as text, JSON or a self-contained HTML page (`diff --format`).

use std::fmt::Write as _;

use super::compare::{Change, FreezeDiff, SampleRef, Table, VisitRef};
use crate::i18n::{Lang, lang, tr, trf};
use crate::model::Finding;
use crate::quality::report::esc;

/// Formats of `diff`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
    Html,
}

/// The comparison in `format`.
pub fn render(diff: &FreezeDiff, format: Format) -> String {
    match format {
        Format::Text => text(diff),
        Format::Json => serde_json::to_string_pretty(diff).unwrap_or_default() + "\n",
        Format::Html => html(diff),
    }
}

fn empty(v: Option<&String>) -> String {
    v.cloned().unwrap_or_else(|| tr("(empty)").to_owned())
}

/// Where a change is, in words: `S003 2021-03-05`, `S003`, `sample S1.3 (S003)`.
fn place(c: &Change) -> String {
    match c.table {
        Table::Subjects => c.subject.clone().unwrap_or_default(),
        Table::Visits => format!(
            "{} {}",
            c.subject.as_deref().unwrap_or(""),
            c.visit.as_deref().unwrap_or("")
        ),
        Table::Samples => {
            let sample = trf("sample {id}", &[("id", &c.sample.as_deref().unwrap_or(""))]);
            match &c.subject {
                Some(s) => format!("{sample} ({s})"),
                None => sample,
            }
        }
    }
}

fn visit(v: &VisitRef) -> String {
    format!("{} {}", v.subject, v.visit)
}

fn sample(s: &SampleRef) -> String {
    let mut out = s.sample.clone();
    if let Some(subject) = &s.subject {
        let _ = write!(
            out,
            " ({subject}{})",
            s.date.as_deref().map_or(String::new(), |d| format!(" {d}"))
        );
    }
    out
}

fn finding(f: &Finding) -> String {
    let mut out = format!("{} {}", f.severity.label(), f.rule);
    for part in [&f.subject, &f.sample, &f.visit, &f.column].into_iter().flatten() {
        let _ = write!(out, " {part}");
    }
    if let Some(v) = &f.value {
        let _ = write!(out, " `{v}`");
    }
    let _ = write!(out, ": {}", f.message);
    out
}

/// One line of totals.
pub fn totals(d: &FreezeDiff) -> String {
    trf(
        "subjects +{sa} −{sr}; visits +{va} −{vr}; samples +{pa} −{pr}; {changes} changed values; {ab} samples with changed abundances; findings {fnew} new, {ffix} fixed",
        &[
            ("sa", &d.subjects_added.len()),
            ("sr", &d.subjects_removed.len()),
            ("va", &d.visits_added.len()),
            ("vr", &d.visits_removed.len()),
            ("pa", &d.samples_added.len()),
            ("pr", &d.samples_removed.len()),
            ("changes", &d.changes.len()),
            ("ab", &d.abundance_changes.len()),
            ("fnew", &d.findings_new.len()),
            ("ffix", &d.findings_fixed.len()),
        ],
    )
}

fn text(d: &FreezeDiff) -> String {
    let mut out = trf("Comparing {old} with {new}", &[("old", &d.old), ("new", &d.new)]);
    out.push('\n');
    if d.is_empty() {
        let _ = writeln!(out, "{}", tr("No change."));
        return out;
    }
    let _ = writeln!(out, "{}", totals(d));
    let mut section = |title: &str, lines: Vec<String>| {
        if lines.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{title} ({}):", lines.len());
        for line in lines {
            let _ = writeln!(out, "  {line}");
        }
    };
    section(tr("Subjects added"), d.subjects_added.clone());
    section(tr("Subjects removed"), d.subjects_removed.clone());
    section(tr("Visits added"), d.visits_added.iter().map(visit).collect());
    section(tr("Visits removed"), d.visits_removed.iter().map(visit).collect());
    section(tr("Samples added"), d.samples_added.iter().map(sample).collect());
    section(tr("Samples removed"), d.samples_removed.iter().map(sample).collect());
    section(
        tr("Changed values"),
        d.changes
            .iter()
            .map(|c| {
                format!(
                    "{} {}: {} → {}",
                    place(c),
                    c.column,
                    empty(c.old.as_ref()),
                    empty(c.new.as_ref())
                )
            })
            .collect(),
    );
    section(
        &trf(
            "Samples whose abundances changed (Bray–Curtis > {t}, of {n} compared)",
            &[("t", &d.abundance_threshold), ("n", &d.abundance_samples_compared)],
        ),
        d.abundance_changes
            .iter()
            .map(|a| {
                let who = a.subject.as_deref().map_or(String::new(), |s| format!(" ({s})"));
                format!("{}{who}: {:.4}", a.sample, a.bray_curtis)
            })
            .collect(),
    );
    section(tr("New findings"), d.findings_new.iter().map(finding).collect());
    section(tr("Fixed findings"), d.findings_fixed.iter().map(finding).collect());
    out
}

fn table(out: &mut String, title: &str, headers: &[&str], rows: &[Vec<String>]) {
    if rows.is_empty() {
        return;
    }
    let _ = write!(out, "<h2>{} ({})</h2>\n<table><tr>", esc(title), rows.len());
    for h in headers {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{}</td>", esc(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

fn html(d: &FreezeDiff) -> String {
    let heading = trf("Comparing {old} with {new}", &[("old", &d.old), ("new", &d.new)]);
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{code}\"><head><meta charset=\"utf-8\"><title>{h}</title>\
         <style>body{{font-family:system-ui,sans-serif;margin:2em;color:#222}}h2{{font-size:1.15em;margin-top:1.5em}}\
         table{{border-collapse:collapse;font-size:.9em}}th,td{{border:1px solid #ccc;padding:.25em .6em;text-align:left}}\
         th{{background:#f2f2f2}}td:nth-child(n+4){{font-variant-numeric:tabular-nums}}</style></head><body>\n\
         <h1>{h}</h1>\n<p>{totals}</p>\n",
        code = if lang() == Lang::Zh { "zh-Hans" } else { "en" },
        h = esc(&heading),
        totals = esc(&if d.is_empty() {
            tr("No change.").to_owned()
        } else {
            totals(d)
        }),
    );
    let one = |v: &Vec<String>| v.iter().map(|s| vec![s.clone()]).collect::<Vec<_>>();
    table(
        &mut out,
        tr("Subjects added"),
        &[tr("subject")],
        &one(&d.subjects_added),
    );
    table(
        &mut out,
        tr("Subjects removed"),
        &[tr("subject")],
        &one(&d.subjects_removed),
    );
    let visits = |v: &[VisitRef]| {
        v.iter()
            .map(|v| vec![v.subject.clone(), v.visit.clone()])
            .collect::<Vec<_>>()
    };
    table(
        &mut out,
        tr("Visits added"),
        &[tr("subject"), tr("visit")],
        &visits(&d.visits_added),
    );
    table(
        &mut out,
        tr("Visits removed"),
        &[tr("subject"), tr("visit")],
        &visits(&d.visits_removed),
    );
    let samples = |v: &[SampleRef]| {
        v.iter()
            .map(|s| {
                vec![
                    s.sample.clone(),
                    s.subject.clone().unwrap_or_default(),
                    s.date.clone().unwrap_or_default(),
                ]
            })
            .collect::<Vec<_>>()
    };
    let sample_headers = [tr("sample"), tr("subject"), tr("date")];
    table(
        &mut out,
        tr("Samples added"),
        &sample_headers,
        &samples(&d.samples_added),
    );
    table(
        &mut out,
        tr("Samples removed"),
        &sample_headers,
        &samples(&d.samples_removed),
    );
    let changes: Vec<Vec<String>> = d
        .changes
        .iter()
        .map(|c| vec![place(c), c.column.clone(), empty(c.old.as_ref()), empty(c.new.as_ref())])
        .collect();
    table(
        &mut out,
        tr("Changed values"),
        &[tr("where"), tr("column"), tr("old"), tr("new")],
        &changes,
    );
    let abundances: Vec<Vec<String>> = d
        .abundance_changes
        .iter()
        .map(|a| {
            vec![
                a.sample.clone(),
                a.subject.clone().unwrap_or_default(),
                format!("{:.4}", a.bray_curtis),
            ]
        })
        .collect();
    table(
        &mut out,
        &trf(
            "Samples whose abundances changed (Bray–Curtis > {t}, of {n} compared)",
            &[("t", &d.abundance_threshold), ("n", &d.abundance_samples_compared)],
        ),
        &[tr("sample"), tr("subject"), "Bray–Curtis"],
        &abundances,
    );
    let findings = |v: &[Finding]| v.iter().map(|f| vec![finding(f)]).collect::<Vec<_>>();
    table(
        &mut out,
        tr("New findings"),
        &[tr("finding")],
        &findings(&d.findings_new),
    );
    table(
        &mut out,
        tr("Fixed findings"),
        &[tr("finding")],
        &findings(&d.findings_fixed),
    );
    out.push_str("</body></html>\n");
    out
}
