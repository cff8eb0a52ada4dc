//! `figure`: one view of a cohort written to SVG or PNG with no display and no GPU. The cohort
//! is loaded and its views prepared exactly as the window does (a headless [`CohortApp`]), and
//! the view is drawn by its own `ui` code (`app::figure`), so the file shows what the window
//! shows.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::i18n::{tr, trf};
use anyhow::{Result, bail};
use clap::Args;

use super::InputArgs;
use crate::app::figure::{self, FigureOptions, FigureView, Format};
use crate::app::session::Screen;
use crate::app::{CohortApp, StartChoices};

/// What `figure` draws, and how.
#[derive(Debug, Args, Clone)]
pub struct FigureArgs {
    /// The view to draw.
    #[arg(long, value_enum)]
    pub view: FigureView,
    /// The file to write: .svg or .png. Never one of the inputs.
    #[arg(long)]
    pub out: PathBuf,
    /// What the view shows: for trajectories a measure (`alsfrs_r_total`, `bmi`, `shannon`,
    /// `taxon:NAME`…); for distribution and scatter (its y) a per-subject metric
    /// (`alsfrs_r_slope_per_month`…); for survival an endpoint (`death`, `kings-4`…).
    #[arg(long)]
    pub measure: Option<String>,
    /// Width in points (pixels at 96 dpi).
    #[arg(long, default_value_t = 1600.0)]
    pub width: f32,
    /// Height in points (pixels at 96 dpi).
    #[arg(long, default_value_t = 1000.0)]
    pub height: f32,
    /// Resolution of a PNG (300 for print: 1600 × 1000 points become 5000 × 3125 pixels).
    #[arg(long, default_value_t = 96.0)]
    pub dpi: f32,
    /// The figure's title (default: the view's).
    #[arg(long)]
    pub title: Option<String>,
    /// Add a footer with the app version, today's date and the source files' names.
    #[arg(long)]
    pub footer: bool,
    /// Draw on the dark theme instead of the light one.
    #[arg(long)]
    pub dark: bool,
}

/// Load, prepare the views as the window does, draw one and write it.
pub fn run(input: &InputArgs, args: &FigureArgs) -> Result<ExitCode> {
    let Some(format) = Format::of(&args.out) else {
        bail!(
            "{}",
            trf(
                "--out must end in .svg or .png: {path}",
                &[("path", &args.out.display())]
            )
        );
    };
    if !(args.width.is_finite() && args.height.is_finite() && args.width >= 200.0 && args.height >= 150.0) {
        bail!("{}", tr("--width and --height must be at least 200 and 150 points"));
    }
    if !(args.dpi.is_finite() && (24.0..=1200.0).contains(&args.dpi)) {
        bail!("{}", tr("--dpi must be between 24 and 1200"));
    }
    let mut app = CohortApp::headless(input.source()?, input.options()?);
    let ctx = app.context();
    app.start = StartChoices {
        group_by: input.group_by.clone(),
        time: input.has_choices().then(|| input.time.clone()),
        session: None,
        compare_with: None,
        lang_given: true,
    };
    // A session: its inputs (unless paths are given), options and screen — grouping, filters,
    // selection, the views' settings — opened as the window opens it.
    let opened = input.opened_session()?;
    let screen: Option<Screen> = match &opened {
        Some(opened) if !opened.session.view.is_null() => {
            Some(serde_json::from_value(opened.session.view.clone()).map_err(|e| {
                anyhow::anyhow!("{}", trf("--session: the screen could not be read: {e}", &[("e", &e)]))
            })?)
        }
        _ => None,
    };
    if let (Some(path), true) = (&input.session, input.paths.is_empty() && !input.demo) {
        app.open_session(&ctx, path);
        if input.pseudonymise {
            // The session's key (kept by open_session), or a new one.
            app.set_pseudonyms(&ctx, true, input.shift_dates);
        }
    } else if let Some(screen) = &screen {
        app.restore_screen_after_load(screen.clone());
    }
    app.wait_until_loaded();
    let notes = std::mem::take(&mut app.notifications);
    let Some(explorer) = app.explorer.as_mut() else {
        bail!("{}", notes.join("; "));
    };
    // A flag the cohort cannot honour is an error; a view that could not be built is said.
    if let Some(flag) = notes
        .iter()
        .find(|n| n.starts_with("--group-by") || n.starts_with("--time"))
    {
        bail!("{flag}");
    }
    for note in &notes {
        eprintln!("cohort-explorer: warning: {note}");
    }
    let mut pane = figure::pane(explorer, args.view, args.measure.as_deref()).map_err(anyhow::Error::msg)?;
    // Without --measure, the session's view of this kind, with its settings.
    if args.measure.is_none()
        && let Some(saved) = screen.as_ref().and_then(|s| s.layout.as_ref())
        && let Some(from_session) = saved.pane_like(&pane, &explorer.derived)
    {
        pane = from_session;
    }
    let options = FigureOptions {
        width: args.width,
        height: args.height,
        dpi: args.dpi,
        title: args.title.clone(),
        footer: args.footer.then(|| figure::footer(&explorer.derived)),
        dark: args.dark,
    };
    let drawn = figure::draw(explorer, &pane, &options);
    let inputs: Vec<String> = explorer.cohort.sources.iter().map(|s| s.path.clone()).collect();
    drawn.write(&args.out, format, &inputs).map_err(anyhow::Error::msg)?;
    Ok(ExitCode::SUCCESS)
}
