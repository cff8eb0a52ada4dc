//! `check`: every data-quality finding about the inputs, as text, JSON, CSV or HTML. Exit 1
//! when any finding is an error, 0 otherwise; 2 when the inputs or the rules file are unusable.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::i18n::trf;
use anyhow::{Context, Result};

use super::input::InputArgs;
use crate::quality::report::{self, Format};
use crate::quality::{self, Rules};

pub fn run(input: &InputArgs, format: Format, out: Option<&Path>, rules: Option<&PathBuf>) -> Result<ExitCode> {
    // The rules first: a bad rules file is reported before a long load.
    let rules = match rules {
        Some(path) => Rules::from_file(path)?,
        None => Rules::default(),
    };
    let cohort = input.load()?;
    if input.has_choices() {
        let tables = crate::pipeline::tables(&cohort, &crate::metrics::tables::MetricOptions::default())?;
        input.choices(tables.frames(&cohort))?;
    }
    let findings = crate::pipeline::check(&cohort, &rules)?;
    let title = if input.demo {
        "the demo cohort".to_owned()
    } else {
        input
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let text = report::render(&findings, &title, format);
    match out {
        Some(path) => {
            let inputs: Vec<String> = cohort.sources.iter().map(|s| s.path.clone()).collect();
            crate::data::write::write_text(&text, path, &inputs)
                .with_context(|| trf("could not write the report to {path}", &[("path", &path.display())]))?;
            println!("{}: {}", path.display(), report::totals(&findings));
        }
        None => print!("{text}"),
    }
    let (errors, _, _) = quality::counts(&findings);
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
