//! The command line: no subcommand opens the GUI; `summary`, `check`, `export`, `figure` and `demo` run
//! headless on the same loaders and rules. Exit codes: 0 success, 1 `check` found errors, 2 unusable input.

mod check;
mod demo;
mod diff;
mod export;
#[cfg(feature = "gui")]
mod figure;
mod input;
mod summary;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

pub use input::InputArgs;

/// Explore longitudinal ALS cohorts: microbiome, BMI, REE and ALSFRS-R.
#[derive(Debug, Parser)]
#[command(name = "cohort-explorer", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Files or folders to open in the GUI (none: the embedded demo cohort).
    #[command(flatten)]
    pub input: InputArgs,
    /// Data-quality rules file (TOML, or JSON by extension) for the GUI's Data quality view.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Open the window comparing the cohort with an earlier freeze of the study (its folder),
    /// as *Compare with…* does.
    #[arg(long, value_name = "FOLDER")]
    pub compare_with: Option<PathBuf>,
    /// Language of the window, messages and reports (default: the system's locale).
    #[arg(long, value_enum, global = true)]
    pub lang: Option<crate::i18n::Lang>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what was recognised in each file and what was loaded.
    Summary {
        #[command(flatten)]
        input: InputArgs,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// List every load finding (by default: counts per rule with three examples each) and
        /// every unused column (by default: a dozen per file).
        #[arg(long)]
        all: bool,
    },
    /// Check data quality: every finding, located, with exit code 1 when any (still open, with
    /// --review) is at least as severe as --fail-on.
    Check {
        #[command(flatten)]
        input: InputArgs,
        /// Report format.
        #[arg(long, value_enum, default_value = "text")]
        format: crate::quality::report::Format,
        /// Write the report to this file instead of standard output. Never one of the inputs.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Rules file (TOML, or JSON by extension) with thresholds and severities.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Print the default rules file, documented, and exit.
        #[arg(long, exclusive = true)]
        print_rules: bool,
        #[command(flatten)]
        coordinator: check::ReviewArgs,
    },
    /// Read sites' answered query sheets (from `check --queries`) into a review file, and print
    /// its counts per status.
    Review {
        /// The review file (`.cohort-review.json`).
        #[arg(long, value_name = "FILE")]
        review: PathBuf,
        /// An answered sheet (CSV); repeatable.
        #[arg(long = "import", value_name = "SHEET")]
        import: Vec<PathBuf>,
        /// The name recorded with the answers (default: the login name).
        #[arg(long)]
        by: Option<String>,
    },
    /// Compare two data freezes: subjects, visits and samples added and removed, changed values,
    /// changed abundances, new and fixed findings. Exit 1 when anything differs.
    Diff {
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        diff: diff::DiffArgs,
    },
    /// Write a cohort table to CSV, TSV or Parquet (chosen by the file extension).
    Export {
        #[command(flatten)]
        input: InputArgs,
        /// Which table to write; repeat it, or give `all`, for several from one load into the
        /// folder `--out`.
        #[arg(long, value_enum, required = true)]
        table: Vec<export::Table>,
        /// Output file (.csv, .tsv or .parquet), or a folder for several tables. Never one of the
        /// input files.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        metrics: export::MetricArgs,
        /// Print the time of each stage (read, derive, alpha, distances, PCoA, write) at the end.
        #[arg(long)]
        timings: bool,
    },
    /// Draw one view to SVG or PNG, headless (no display, no GPU), as the window draws it.
    #[cfg(feature = "gui")]
    Figure {
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        figure: figure::FigureArgs,
    },
    /// Write the synthetic demo cohort to a folder.
    Demo {
        /// Folder to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Number of subjects.
        #[arg(long, default_value_t = crate::demo::DEFAULT_SUBJECTS)]
        subjects: usize,
        /// Random seed; the same seed gives the same files.
        #[arg(long, default_value_t = crate::demo::DEFAULT_SEED)]
        seed: u64,
        /// Number of microbiome samples (default: about one per subject visit pair, see README).
        #[arg(long)]
        samples: Option<usize>,
        /// Number of microbiome features (ASVs).
        #[arg(long, default_value_t = crate::demo::DEFAULT_FEATURES)]
        features: usize,
        /// Plant realistic data-quality problems.
        #[arg(long)]
        messy: bool,
    },
}

/// Parse arguments and run; errors become one line on stderr and exit code 2.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    crate::i18n::set_lang(cli.lang.unwrap_or_else(crate::i18n::Lang::from_system));
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!(
                "cohort-explorer: {}",
                crate::i18n::trf("error: {message}", &[("message", &one_line(&e))])
            );
            ExitCode::from(2)
        }
    }
}

fn one_line(e: &anyhow::Error) -> String {
    e.chain()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
        .replace('\n', " ")
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        None => open_window(&cli),
        Some(Command::Summary { input, json, all }) => summary::run(&input, json, all),
        Some(Command::Check { print_rules: true, .. }) => {
            print!("{}", crate::quality::DEFAULT_RULES_TOML);
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check {
            input,
            format,
            out,
            rules,
            coordinator,
            ..
        }) => check::run(&input, format, out.as_deref(), rules.as_ref(), &coordinator),
        Some(Command::Review { review, import, by }) => check::review(&review, &import, by.as_deref()),
        Some(Command::Diff { input, diff }) => diff::run(&input, &diff),
        Some(Command::Export {
            input,
            table,
            out,
            metrics,
            timings,
        }) => export::run(&input, &table, &out, &metrics, timings),
        #[cfg(feature = "gui")]
        Some(Command::Figure { input, figure }) => figure::run(&input, &figure),
        Some(Command::Demo {
            out,
            subjects,
            seed,
            samples,
            features,
            messy,
        }) => demo::run(
            &out,
            &crate::demo::DemoOptions {
                subjects,
                seed,
                samples,
                features,
                messy,
            },
        ),
    }
}

/// No subcommand: open the window on the inputs (the demo cohort when there are none).
#[cfg(feature = "gui")]
fn open_window(cli: &Cli) -> Result<ExitCode> {
    use crate::pipeline::Source;
    use anyhow::Context;

    let source = if cli.input.paths.is_empty() || cli.input.demo {
        Source::Demo
    } else {
        Source::Paths(cli.input.paths.clone())
    };
    // A session is opened by the window itself, so that a damaged one is a notification there
    // (and the demo opens) rather than an error here.
    let options = InputArgs {
        session: None,
        ..cli.input.clone()
    }
    .options()?;
    let rules = match &cli.rules {
        Some(path) => crate::quality::Rules::from_file(path)?,
        None => crate::quality::Rules::default(),
    };
    let rules_file = cli.rules.as_ref().map(|p| p.display().to_string());
    let start = crate::app::StartChoices {
        group_by: cli.input.group_by.clone(),
        time: cli.input.has_choices().then(|| cli.input.time.clone()),
        session: cli.input.session.clone(),
        compare_with: cli.compare_with.clone(),
        lang_given: cli.lang.is_some(),
    };
    crate::app::run(source, options, rules, rules_file, start)
        .context(crate::i18n::tr("the window could not be opened"))?;
    Ok(ExitCode::SUCCESS)
}

/// Built without the `gui` feature (the fuzz targets): only the headless commands exist.
#[cfg(not(feature = "gui"))]
fn open_window(_: &Cli) -> Result<ExitCode> {
    anyhow::bail!(
        "{}",
        crate::i18n::tr(
            "this build has no window (built without the `gui` feature); use a subcommand such as `summary`"
        )
    )
}
