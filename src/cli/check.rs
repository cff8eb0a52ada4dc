//! `check`: every data-quality finding about the inputs, as text, JSON, CSV or HTML, with the
//! coordinator's review (`--review`), queries to the sites (`--queries`) and gating
//! (`--fail-on`). Exit 1 when a finding that counts is at or above the `--fail-on` severity
//! (with a review, only findings still open count), 0 otherwise; 2 when the inputs, the rules
//! file or the review file are unusable.
//!
//! `review`: read answered query sheets into a review file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::i18n::{tr, trf};
use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};

use super::input::InputArgs;
use crate::model::Severity;
use crate::quality::report::{self, Format};
use crate::quality::review::{self, Review, Status};
use crate::quality::{Rules, queries};

/// The least severity that fails a check.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    #[default]
    Error,
    Warning,
}

/// The coordinator's options of `check`.
#[derive(Args, Clone, Debug, Default)]
pub struct ReviewArgs {
    /// Review file (`.cohort-review.json`, created when missing): each finding's status and note
    /// are reported, and only findings still open count for the exit status.
    #[arg(long, value_name = "FILE")]
    pub review: Option<PathBuf>,
    /// The least severity that gives exit status 1.
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
    /// Write one CSV sheet and one HTML page per site with its open errors and warnings into this
    /// folder. With --review, those findings are then marked "query sent".
    #[arg(long, value_name = "DIR")]
    pub queries: Option<PathBuf>,
    /// The name recorded with the statuses set (default: the login name).
    #[arg(long)]
    pub by: Option<String>,
}

pub fn run(
    input: &InputArgs,
    format: Format,
    out: Option<&Path>,
    rules: Option<&PathBuf>,
    coordinator: &ReviewArgs,
) -> Result<ExitCode> {
    // The rules and the review first: a bad file is reported before a long load.
    let rules = match rules {
        Some(path) => Rules::from_file(path)?,
        None => Rules::default(),
    };
    let mut review = coordinator.review.as_deref().map(Review::open).transpose()?;
    let cohort = input.load()?;
    if input.has_choices() {
        let tables = crate::pipeline::tables(&cohort, &crate::metrics::tables::MetricOptions::default())?;
        input.choices(tables.frames(&cohort))?;
    }
    let findings = crate::pipeline::check(&cohort, &rules)?;
    let title = if input.demo {
        tr("the demo cohort").to_owned()
    } else {
        input
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let inputs: Vec<String> = cohort.sources.iter().map(|s| s.path.clone()).collect();
    // Gating counts what is still open, as the review stood before queries were sent.
    let least = match coordinator.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
    };
    let failing = findings
        .iter()
        .filter(|f| f.severity >= least && review.as_ref().is_none_or(|r| r.status(f).is_open()))
        .count();
    let text = report::render(&findings, &title, format, review.as_ref());
    match out {
        Some(path) => {
            crate::data::write::write_text(&text, path, &inputs)
                .with_context(|| trf("could not write the report to {path}", &[("path", &path.display())]))?;
            println!("{}: {}", path.display(), report::totals(&findings));
        }
        None => print!("{text}"),
    }
    if let Some(dir) = &coordinator.queries {
        let asked = queries::write(
            &findings,
            review.as_ref().unwrap_or(&Review::default()),
            dir,
            &title,
            &inputs,
        )?;
        for sheet in &asked {
            eprintln!(
                "{}",
                trf(
                    "{site}: {n} questions in {csv} and {html}",
                    &[
                        ("site", &sheet.site),
                        ("n", &sheet.findings.len()),
                        ("csv", &sheet.csv.display()),
                        ("html", &sheet.html.display())
                    ]
                )
            );
        }
        if let Some(review) = review.as_mut() {
            let by = coordinator.by.clone().unwrap_or_else(review::default_name);
            queries::mark_sent(review, &findings, &asked, &by, &crate::model::time::today());
        }
        if asked.is_empty() {
            eprintln!("{}", tr("no open errors or warnings: no queries written"));
        }
        if let (Some(review), Some(path)) = (&review, &coordinator.review) {
            review.save(path)?;
        }
    }
    Ok(if failing > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `review --review FILE [--import SHEET]...`: read answered sheets, then print the counts.
pub fn review(path: &Path, import: &[PathBuf], by: Option<&str>) -> Result<ExitCode> {
    let mut review = Review::open(path)?;
    let by = by.map_or_else(review::default_name, str::to_owned);
    let today = crate::model::time::today();
    for sheet in import {
        let done = queries::import(sheet, &mut review, &by, &today)?;
        println!("{}", done.summary(sheet));
        for problem in &done.problems {
            eprintln!("  {problem}");
        }
    }
    if !import.is_empty() {
        review.save(path)?;
    }
    let mut counts = [0usize; 4];
    for entry in review.entries() {
        counts[Status::ALL.iter().position(|s| *s == entry.status).unwrap_or(0)] += 1;
    }
    if review.is_empty() && import.is_empty() && !path.exists() {
        bail!("{}", trf("no review file at {path}", &[("path", &path.display())]));
    }
    let list: Vec<String> = Status::ALL
        .iter()
        .zip(counts)
        .map(|(s, n)| format!("{n} {}", s.label()))
        .collect();
    println!(
        "{}",
        trf(
            "{path}: {n} reviewed findings: {list}",
            &[
                ("path", &path.display()),
                ("n", &review.len()),
                ("list", &list.join(", "))
            ]
        )
    );
    Ok(ExitCode::SUCCESS)
}
