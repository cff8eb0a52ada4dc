//! `summary`: what was recognised in each file, with which roles, and what was loaded.

use crate::i18n::{tr, trf};
use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;

use super::input::InputArgs;
use crate::model::time::iso_from_days;
use crate::model::{Cohort, Finding, SourceFile};

/// Examples printed per rule in text mode (`--all` prints every finding).
const EXAMPLES_PER_RULE: usize = 3;

/// Rules met in `findings`, worst severity first, then by rule id: (rule, severity, count).
fn sorted_rules(findings: &[Finding]) -> Vec<(String, crate::model::Severity, usize)> {
    let mut rules = crate::quality::by_rule(findings);
    rules.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rules
}

#[derive(Serialize)]
struct Summary<'a> {
    files: &'a [SourceFile],
    num_subjects: usize,
    num_visits: usize,
    num_samples: usize,
    num_features: usize,
    abundance_kind: Option<crate::model::AbundanceKind>,
    num_linked_samples: usize,
    day_span: Option<(f64, f64)>,
    date_span: Option<(String, String)>,
    measures: Vec<String>,
    findings: &'a [Finding],
    /// With `--group-by`: the column, and each group with its number of subjects.
    #[serde(skip_serializing_if = "Option::is_none")]
    grouping: Option<(String, Vec<(String, usize)>)>,
}

pub fn run(input: &InputArgs, json: bool, all: bool) -> Result<ExitCode> {
    let cohort = input.load()?;
    let mut grouping = None;
    if input.has_choices() {
        let tables = crate::pipeline::tables(&cohort, &crate::metrics::tables::MetricOptions::default())?;
        let choices = input.choices(tables.frames(&cohort))?;
        grouping = choices.grouping.map(|g| {
            (
                g.column.clone(),
                g.levels.iter().cloned().zip(g.counts()).collect::<Vec<_>>(),
            )
        });
    }
    if json {
        let mut s = summary(&cohort);
        s.grouping = grouping;
        println!("{}", serde_json::to_string_pretty(&s)?);
    } else {
        print!("{}", text(&cohort, all));
        if let Some((column, groups)) = grouping {
            let list: Vec<String> = groups.iter().map(|(g, n)| format!("{g} ({n})")).collect();
            println!("grouped by {column}: {}", list.join(", "));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn summary(cohort: &Cohort) -> Summary<'_> {
    Summary {
        files: &cohort.sources,
        num_subjects: cohort.num_subjects(),
        num_visits: cohort.num_visits(),
        num_samples: cohort.num_samples(),
        num_features: cohort.num_features(),
        abundance_kind: cohort.abundances().map(|a| a.kind),
        num_linked_samples: num_linked(cohort),
        day_span: cohort.day_span(),
        date_span: cohort.date_span().map(|(a, b)| (iso_from_days(a), iso_from_days(b))),
        measures: cohort.measure_names(),
        findings: &cohort.findings,
        grouping: None,
    }
}

fn num_linked(cohort: &Cohort) -> usize {
    cohort
        .samples()
        .column(crate::model::columns::LINKED_VISIT_NUMBER)
        .map_or(0, |c| c.len() - c.null_count())
}

/// Unused columns named per file in the text summary without `--all`.
const MAX_UNUSED_NAMED: usize = 12;

/// The text report.
pub fn text(cohort: &Cohort, all: bool) -> String {
    let s = summary(cohort);
    let mut out = String::new();
    let _ = writeln!(out, "{}", trf("Files ({n}):", &[("n", &s.files.len())]));
    for f in s.files {
        let _ = writeln!(
            out,
            "  {}\n    {}; {}{}{}{}",
            f.path,
            crate::data::layout_name(&f.layout),
            trf(
                "{rows} rows x {columns} columns",
                &[("rows", &f.num_rows), ("columns", &f.num_columns)]
            ),
            f.encoding.as_ref().map_or(String::new(), |e| format!("; {e}")),
            f.separator.as_ref().map_or(String::new(), |e| format!(
                "; {}",
                trf("separator {sep}", &[("sep", e)])
            )),
            if f.decimal_comma {
                format!("; {}", tr("decimal comma"))
            } else {
                String::new()
            },
        );
        if let Some(a) = &f.artifact {
            let _ = writeln!(
                out,
                "    {}{}{}",
                trf(
                    "QIIME 2 artifact: type {kind}, uuid {uuid}, format {format}",
                    &[
                        ("kind", &a.semantic_type),
                        ("uuid", &a.uuid),
                        ("format", &a.format.as_deref().unwrap_or(tr("none")))
                    ]
                ),
                a.archive_version.as_ref().map_or(String::new(), |v| format!(
                    ", {}",
                    trf("archive version {v}", &[("v", v)])
                )),
                a.framework.as_ref().map_or(String::new(), |v| format!(
                    ", {}",
                    trf("written by QIIME 2 {v}", &[("v", v)])
                )),
            );
        }
        if !f.roles.is_empty() {
            let roles: Vec<String> = f
                .roles
                .iter()
                .map(|r| {
                    format!(
                        "{}={}{}",
                        r.role,
                        r.column,
                        r.unit.as_ref().map_or(String::new(), |u| format!(" [{u}]"))
                    )
                })
                .collect();
            let _ = writeln!(out, "    {}", trf("roles: {list}", &[("list", &roles.join(", "))]));
        }
        if !f.ignored_columns.is_empty() {
            // A wide table can leave hundreds unused: a dozen named, unless `--all`.
            let shown = if all { f.ignored_columns.len() } else { MAX_UNUSED_NAMED };
            let mut list = f
                .ignored_columns
                .iter()
                .take(shown)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if f.ignored_columns.len() > shown {
                list = format!(
                    "{list} {}",
                    trf("… {n} more", &[("n", &(f.ignored_columns.len() - shown))])
                );
            }
            let _ = writeln!(out, "    {}", trf("not used: {list}", &[("list", &list)]));
        }
    }
    let _ = writeln!(out, "\n{}", tr("Cohort:"));
    let _ = writeln!(out, "  {}", trf("subjects  {n}", &[("n", &s.num_subjects)]));
    let _ = writeln!(out, "  {}", trf("visits    {n}", &[("n", &s.num_visits)]));
    let _ = writeln!(
        out,
        "  {}",
        trf(
            "samples   {n} ({linked} linked to a visit)",
            &[("n", &s.num_samples), ("linked", &s.num_linked_samples)]
        )
    );
    let kind = s.abundance_kind.map_or(String::new(), |k| {
        format!(
            " ({})",
            if k == crate::model::AbundanceKind::Counts {
                tr("counts")
            } else {
                tr("relative abundances")
            }
        )
    });
    let _ = writeln!(out, "  {}{kind}", trf("features  {n}", &[("n", &s.num_features)]));
    if let Some((lo, hi)) = s.day_span {
        let (lo, hi) = (format!("{lo:.0}"), format!("{hi:.0}"));
        let _ = writeln!(
            out,
            "  {}",
            trf("time span day {lo} to {hi} since baseline", &[("lo", &lo), ("hi", &hi)])
        );
    }
    if let Some((lo, hi)) = &s.date_span {
        let _ = writeln!(out, "  {}", trf("dates     {lo} to {hi}", &[("lo", lo), ("hi", hi)]));
    }
    if !s.measures.is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            trf("measures  {list}", &[("list", &s.measures.join(", "))])
        );
    }
    let (e, w, i) = cohort.finding_counts();
    let _ = writeln!(
        out,
        "\n{}",
        trf(
            "Load findings: {e} error(s), {w} warning(s), {i} info",
            &[("e", &e), ("w", &w), ("i", &i)]
        )
    );
    // Where, who and what: the location, the subject or sample, and the offending value.
    let place = |f: &Finding| {
        let subject = f
            .subject
            .as_ref()
            .map_or(String::new(), |s| format!(" {}", trf("subject {id}", &[("id", s)])));
        let sample = f
            .sample
            .as_ref()
            .map_or(String::new(), |s| format!(" {}", trf("sample {id}", &[("id", s)])));
        let value = match &f.value {
            Some(v) if f.sample.as_ref() != Some(v) && f.subject.as_ref() != Some(v) => format!(" `{v}`"),
            _ => String::new(),
        };
        format!("{}{subject}{sample}{value}: {}", f.location(), f.message)
    };
    let line = |f: &Finding| format!("{} {}", f.rule, place(f));
    if all {
        let mut sorted: Vec<&Finding> = s.findings.iter().collect();
        sorted.sort_by_key(|f| std::cmp::Reverse(f.severity));
        for f in sorted {
            let _ = writeln!(out, "  {:7} {}", f.severity.label(), line(f));
        }
        return out;
    }
    // Counts per rule, worst first, with the first few examples of each.
    for (rule, severity, n) in sorted_rules(s.findings) {
        let _ = writeln!(out, "  {:7} {rule}: {n}", severity.label());
        let examples: Vec<&Finding> = s
            .findings
            .iter()
            .filter(|f| f.rule == rule)
            .take(EXAMPLES_PER_RULE)
            .collect();
        for f in &examples {
            let _ = writeln!(out, "          {}", place(f));
        }
        if n > examples.len() {
            let _ = writeln!(out, "          {}", trf("… {n} more", &[("n", &(n - examples.len()))]));
        }
    }
    if !s.findings.is_empty() {
        let _ = writeln!(out, "  {}", tr("(every finding: --all, or --json)"));
    }
    out
}
