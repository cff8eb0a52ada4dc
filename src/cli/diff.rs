//! `diff`: two data freezes compared (subjects, visits, samples, values, abundances, findings).
//! Exit 0 when they hold the same data, 1 when anything differs, 2 when an input is unusable.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::i18n::{tr, trf};
use anyhow::{Context, Result, bail};
use clap::Args;

use super::input::InputArgs;
use crate::diff::{DEFAULT_ABUNDANCE_THRESHOLD, Format, Freeze, compare, render};
use crate::pipeline::{self, Source};
use crate::quality::Rules;

#[derive(Args, Clone, Debug)]
pub struct DiffArgs {
    /// The newer freeze: files or folders (`diff OLD... --against NEW...`). Without it, the two
    /// paths given are the old and the new folder.
    #[arg(long, num_args = 1.., value_name = "NEW")]
    pub against: Vec<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Write the report to this file instead of standard output. Never one of the inputs.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// A sample's abundances count as changed above this Bray–Curtis distance between versions.
    #[arg(long, default_value_t = DEFAULT_ABUNDANCE_THRESHOLD)]
    pub abundance_threshold: f64,
    /// Rules file for the findings compared (as `check --rules`).
    #[arg(long)]
    pub rules: Option<PathBuf>,
}

pub fn run(input: &InputArgs, args: &DiffArgs) -> Result<ExitCode> {
    if !(args.abundance_threshold >= 0.0 && args.abundance_threshold <= 1.0) {
        bail!("{}", tr("--abundance-threshold must be between 0 and 1"));
    }
    let rules = match &args.rules {
        Some(path) => Rules::from_file(path)?,
        None => Rules::default(),
    };
    // Old and new: the paths and --against, or two paths.
    let (old, new) = if !args.against.is_empty() {
        (input.source()?, Source::Paths(args.against.clone()))
    } else if input.paths.len() == 2 && !input.demo {
        (
            Source::Paths(vec![input.paths[0].clone()]),
            Source::Paths(vec![input.paths[1].clone()]),
        )
    } else {
        bail!(
            "{}",
            tr("give the old and the new freeze: `diff OLD NEW` or `diff OLD... --against NEW...`")
        );
    };
    // One set of options (and one pseudonym key) for both, so the same subject is the same ID.
    let options = input.options()?;
    let load = |source: &Source| -> Result<_> {
        let cohort = pipeline::load(source, &options).with_context(|| source.label())?;
        let findings = pipeline::check(&cohort, &rules)?;
        Ok((cohort, findings))
    };
    let (a, fa) = load(&old)?;
    let (b, fb) = load(&new)?;
    let diff = compare(
        &Freeze {
            name: old.label(),
            cohort: &a,
            findings: &fa,
        },
        &Freeze {
            name: new.label(),
            cohort: &b,
            findings: &fb,
        },
        args.abundance_threshold,
    )?;
    let text = render(&diff, args.format);
    match &args.out {
        Some(path) => {
            let inputs: Vec<String> = a.sources.iter().chain(&b.sources).map(|s| s.path.clone()).collect();
            crate::data::write::write_text(&text, path, &inputs)
                .with_context(|| trf("could not write the report to {path}", &[("path", &path.display())]))?;
            println!("{}: {}", path.display(), crate::diff::totals(&diff));
        }
        None => print!("{text}"),
    }
    Ok(if diff.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
