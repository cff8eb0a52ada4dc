//! What the shell does for the command line's start choices, the menu's Session and
//! Pseudonyms entries and the views' Figure menus: group and place in time as asked, open and
//! save a session file, switch pseudonyms (loading the cohort again), draw a view as a figure
//! to save or copy.

use crate::i18n::{tr, trf};
use eframe::egui;

use super::explorer::Explorer;
use super::state::{self, AppCommand};
use super::{CohortApp, StartChoices, figure, session};
use crate::model::pseudonym::{PseudonymKey, Pseudonyms};
use crate::pipeline::Source;

impl CohortApp {
    /// Show pseudonyms in place of every subject and sample ID (or the IDs again), loading the
    /// open cohort again; the key is the settings' (made once), so pseudonyms stay the same.
    pub fn set_pseudonyms(&mut self, ctx: &egui::Context, on: bool, shift_dates: bool) {
        self.options.pseudonyms = if on {
            let key = self
                .settings
                .pseudonym_key
                .as_deref()
                .and_then(|k| PseudonymKey::from_hex(k).ok())
                .map_or_else(PseudonymKey::random, Ok);
            match key {
                Ok(key) => {
                    self.settings.pseudonym_key = Some(key.to_hex());
                    Some(Pseudonyms { key, shift_dates })
                }
                Err(e) => {
                    self.notify(e);
                    return;
                }
            }
        } else {
            None
        };
        if let Some(source) = self.source.clone() {
            // Named cohorts and the layout are kept with the settings across the reload.
            self.remember_explorer();
            self.open(ctx, source);
        }
    }

    /// Open a session file: its inputs, options, pseudonym key, screen and slides. A missing or
    /// changed source is named in a notification and the rest opens; a damaged session, or one
    /// from a newer version, is a notification and changes nothing.
    pub fn open_session(&mut self, ctx: &egui::Context, path: &std::path::Path) {
        let opened = match crate::session::open(path) {
            Ok(opened) => opened,
            Err(e) => {
                self.notify(e.to_string());
                return;
            }
        };
        for problem in &opened.problems {
            self.notify(trf("Session: {problem}", &[("problem", problem)]));
        }
        let session = &opened.session;
        if let Some(key) = session.key() {
            self.settings.pseudonym_key = Some(key.to_hex());
        }
        self.pending_screen = match serde_json::from_value::<session::Screen>(session.view.clone()) {
            Ok(screen) => Some(screen),
            Err(_) if session.view.is_null() => None,
            Err(e) => {
                self.notify(trf(
                    "Session: the screen could not be read ({why}); the default one is shown",
                    &[("why", &e)],
                ));
                None
            }
        };
        self.slides = session
            .slides
            .iter()
            .filter_map(|s| match serde_json::from_value::<session::Slide>(s.clone()) {
                Ok(slide) => Some(slide),
                Err(e) => {
                    self.notifications
                        .push(trf("Session: a slide was left out ({why})", &[("why", &e)]));
                    None
                }
            })
            .collect();
        if let Some(rules) = &opened.rules_file {
            match crate::quality::Rules::from_file(rules) {
                Ok(r) => {
                    self.rules = r;
                    self.rules_file = Some(rules.display().to_string());
                }
                Err(e) => self.notify(trf("Session: {problem}", &[("problem", &e)])),
            }
        }
        self.options = opened.load;
        self.metrics = opened.metrics;
        // The layout and cohorts come from the session, not from the last run's settings.
        self.settings.layout = None;
        self.open(ctx, opened.source);
    }

    /// Save the open cohort's session (inputs, options, key, screen, slides) to `path`.
    pub fn save_session(&mut self, path: &std::path::Path) {
        let (Some(explorer), Some(source)) = (&self.explorer, &self.source) else {
            self.notify(tr("Save session: no cohort is open"));
            return;
        };
        let key = self
            .settings
            .pseudonym_key
            .as_deref()
            .and_then(|k| PseudonymKey::from_hex(k).ok());
        let mut file = crate::session::Session::new(source, &explorer.cohort.sources, path).with_options(
            &self.options,
            &self.metrics,
            key.as_ref(),
        );
        file.options.rules_file = self.rules_file.clone().map(|r| {
            let base = path.parent().unwrap_or(std::path::Path::new("."));
            std::path::Path::new(&r)
                .strip_prefix(base)
                .map_or(r.clone(), |p| p.display().to_string())
        });
        let dark = self.ctx.theme() == egui::Theme::Dark;
        file.view = serde_json::to_value(session::Screen::of(explorer, dark)).unwrap_or_default();
        file.slides = self
            .slides
            .iter()
            .filter_map(|s| serde_json::to_value(s).ok())
            .collect();
        if let Err(e) = file.write(path) {
            self.notify(e.to_string());
        }
    }

    /// Put a session's screen back when the cohort has loaded (the headless `figure`).
    pub fn restore_screen_after_load(&mut self, screen: session::Screen) {
        self.pending_screen = Some(screen);
    }

    /// True when subject and sample IDs are shown as pseudonyms.
    pub fn pseudonymised(&self) -> bool {
        self.options.pseudonyms.is_some()
    }

    /// The view in `tile` drawn as a figure, on the window's theme, with the footer.
    pub fn figure(&mut self, ctx: &egui::Context, tile: egui_tiles::TileId) -> Option<figure::Drawn> {
        let explorer = self.explorer.as_ref()?;
        let Some(pane) = explorer.pane(tile) else {
            self.notify(tr("Figure: that view is no longer open"));
            return None;
        };
        let options = figure::FigureOptions {
            footer: Some(figure::footer(&explorer.derived)),
            dark: ctx.theme() == egui::Theme::Dark,
            ..figure::FigureOptions::default()
        };
        Some(figure::draw(explorer, pane, &options))
    }

    /// Write the figure of the view in `tile` to `path`.
    pub fn save_figure(
        &mut self,
        ctx: &egui::Context,
        tile: egui_tiles::TileId,
        format: figure::Format,
        path: &std::path::Path,
    ) {
        let Some(drawn) = self.figure(ctx, tile) else { return };
        let inputs: Vec<String> = self
            .explorer
            .as_ref()
            .map(|e| e.cohort.sources.iter().map(|s| s.path.clone()).collect())
            .unwrap_or_default();
        if let Err(e) = drawn.write(path, format, &inputs) {
            self.notify(trf("Figure: {problem}", &[("problem", &e)]));
        }
    }

    /// Open the review sidecar next to the data (none for the demo: its marks last this run).
    pub(super) fn open_review(&mut self, source: &Source, explorer: &mut Explorer) {
        let path = match source {
            Source::Paths(paths) => crate::quality::review::Review::sidecar_for(paths),
            Source::Demo => None,
        };
        let by = if self.settings.reviewer.trim().is_empty() {
            crate::quality::review::default_name()
        } else {
            self.settings.reviewer.clone()
        };
        if let Err(message) = explorer.open_review(path, &by) {
            self.notify(message);
        }
    }

    /// Group and place in time as the command line asked; a column the cohort cannot use is a
    /// notification naming it.
    pub(super) fn apply_start(&mut self, explorer: &mut Explorer, start: StartChoices) {
        if let Some(column) = start.group_by {
            if explorer.base().group_columns.contains(&column) {
                explorer.state.group_by = state::GroupBy::Column(column);
                if let Err(message) = explorer.regroup() {
                    self.notify(message);
                }
            } else {
                let unknown = crate::cohort::CohortError::UnknownColumn {
                    purpose: tr("group by"),
                    column,
                    available: explorer.base().group_columns.clone(),
                };
                self.notify(format!("--group-by: {unknown}"));
            }
        }
        let Some(time) = start.time else { return };
        let axis = match time.parse::<crate::cohort::TimeAxis>() {
            Ok(crate::cohort::TimeAxis::MonthsSinceBaseline | crate::cohort::TimeAxis::Day) => {
                Some(state::XAxis::MonthsSinceBaseline)
            }
            Ok(crate::cohort::TimeAxis::MonthsSinceOnset) => Some(state::XAxis::MonthsSinceOnset),
            Ok(crate::cohort::TimeAxis::Date) => Some(state::XAxis::Date),
            Ok(crate::cohort::TimeAxis::VisitNumber) => Some(state::XAxis::VisitNumber),
            Ok(crate::cohort::TimeAxis::Column(_)) | Err(_) => None,
        };
        match axis {
            Some(axis) => explorer.state.x_axis = axis,
            None => {
                for command in explorer.apply(vec![state::Command::SetTimeColumn(time)]) {
                    if let AppCommand::Notify(message) = command {
                        self.notify(format!("--time: {message}"));
                    }
                }
            }
        }
    }
}

impl CohortApp {
    /// Load an earlier freeze with the open cohort's options and rules and compare the open
    /// cohort with it, off the UI thread; the views mark what changed when it is done.
    pub(super) fn compare_with(&mut self, ctx: &egui::Context, earlier: Source) {
        let Some(explorer) = &self.explorer else { return };
        let (cohort, base) = (std::sync::Arc::clone(&explorer.cohort), explorer.base());
        let (options, rules) = (self.options.clone(), self.rules.clone());
        let current = self.source.as_ref().map_or_else(String::new, Source::label);
        let spawned = crate::app::jobs::Job::spawn("compare", ctx, move |_| {
            let label = earlier.label();
            let older = crate::pipeline::load(&earlier, &options).map_err(|e| e.to_string())?;
            let findings = crate::pipeline::check(&older, &rules).map_err(|e| e.to_string())?;
            let diff = crate::diff::compare(
                &crate::diff::Freeze {
                    name: label.clone(),
                    cohort: &older,
                    findings: &findings,
                },
                &crate::diff::Freeze {
                    name: current,
                    cohort: &cohort,
                    findings: &base.findings.all,
                },
                crate::diff::DEFAULT_ABUNDANCE_THRESHOLD,
            )
            .map_err(|e| e.to_string())?;
            super::freeze::Comparison::new(label, diff, &cohort, &base.subject_index()).map_err(|e| e.to_string())
        });
        match spawned {
            Ok(job) => self.comparing = Some(job),
            Err(e) => self.notify(e),
        }
    }

    /// Take a finished comparison to the views (or say why it failed).
    pub(super) fn poll_comparison(&mut self) {
        let Some(job) = &self.comparing else { return };
        let outcome = match job.poll() {
            crate::app::jobs::Poll::Running => return,
            crate::app::jobs::Poll::Done(outcome) => outcome,
            crate::app::jobs::Poll::Lost => Err(tr("the comparison stopped unexpectedly").to_owned()),
        };
        self.comparing = None;
        self.take_comparison(outcome);
    }

    /// Wait for a comparison to finish (tests).
    pub fn wait_until_compared(&mut self) {
        if let Some(job) = self.comparing.take() {
            let outcome = job
                .wait()
                .unwrap_or_else(|| Err(tr("the comparison stopped unexpectedly").to_owned()));
            self.take_comparison(outcome);
        }
    }

    fn take_comparison(&mut self, outcome: Result<super::freeze::Comparison, String>) {
        match outcome {
            Ok(comparison) => {
                if let Some(explorer) = &mut self.explorer {
                    explorer.compare = Some(std::sync::Arc::new(comparison));
                }
            }
            Err(e) => self.notify(trf("Compare with: {e}", &[("e", &e)])),
        }
    }

    /// Whether a comparison is under way.
    pub(super) fn comparing(&self) -> bool {
        self.comparing.is_some()
    }
}

impl CohortApp {
    /// The Data quality view's *Queries to sites…*: the sheets, and a notification saying where.
    pub(super) fn write_queries(&mut self, dir: &std::path::Path) {
        let title = self.source.as_ref().map_or_else(String::new, Source::label);
        let Some(explorer) = &mut self.explorer else { return };
        let note = match explorer.write_queries(dir, &title) {
            Ok(note) | Err(note) => note,
        };
        self.notify(note);
    }

    /// The Data quality view's *Read answers…*: each sheet's outcome in a notification.
    pub(super) fn read_answers(&mut self, sheets: &[std::path::PathBuf]) {
        let Some(explorer) = &mut self.explorer else { return };
        for note in explorer.read_answers(sheets) {
            self.notify(note);
        }
    }
}
