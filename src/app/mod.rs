//! The desktop app (eframe/egui): the shell loads cohorts as background [`jobs::Job`]s with a
//! progress bar, applies app-level commands after each frame, and shows the
//! [`explorer::Explorer`] of linked views. The only module that uses GUI crates.

mod actions;
pub mod derived;
pub mod explorer;
pub mod figure;
pub mod findings;
mod fonts;
pub mod freeze;
pub mod jobs;
pub mod layout;
mod menu;
mod present;
pub mod session;
mod settings;
mod side_panel;
pub mod state;
mod theme;
pub mod view;
pub mod views;
pub mod widgets;

use crate::i18n::tr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;
use eframe::egui;

use crate::data::LoadOptions;
use crate::pipeline::{self, Source, Stage};
use derived::{Derived, Microbiome};
use explorer::Explorer;
use findings::Findings;
use jobs::{Job, Poll};
use settings::SETTINGS_KEY;
pub use settings::Settings;
use state::{AppCommand, Dialog, FigureAction};

/// Give `ctx` the app's fonts (egui's, then the bundled CJK subset, then a system CJK font):
/// for a context the app did not make itself (a test harness).
pub fn install_fonts(ctx: &egui::Context) {
    fonts::install(ctx);
}

/// A loaded cohort with the views' data (the cohort is `Derived::cohort`), or why not.
type Loaded = Result<Derived, String>;

/// What the command line asked the first cohort to open with (`--group-by`, `--time`).
#[derive(Clone, Debug, Default)]
pub struct StartChoices {
    /// `--lang` was given (it wins over the language kept in the settings).
    pub lang_given: bool,
    pub group_by: Option<String>,
    pub time: Option<String>,
    /// A session file to open (`--session`).
    pub session: Option<PathBuf>,
    /// An earlier freeze to compare the cohort with once it is open (`--compare-with`).
    pub compare_with: Option<PathBuf>,
}

/// A load under way: what is loading, and the job.
struct Loading {
    source: Source,
    job: Job<Loaded>,
}

/// The eframe application.
pub struct CohortApp {
    options: LoadOptions,
    loading: Option<Loading>,
    pub settings: Settings,
    /// An open file dialog: what it is for, and the job waiting for the pick.
    dialog: Option<(Dialog, Job<Option<Vec<PathBuf>>>)>,
    /// Data-quality rules for every cohort opened, and their file (None: the defaults).
    rules: crate::quality::Rules,
    rules_file: Option<String>,
    /// A re-check under way after the rules changed.
    rechecking: Option<Job<Result<Findings, String>>>,
    /// The open cohort's microbiome geometry (ordination, taxa's trends), built after its first
    /// screen (dropped, so cancelled, when another cohort opens).
    ordinating: Option<Job<Microbiome>>,
    /// *Compare with…* under way: the earlier freeze loading and being compared.
    comparing: Option<Job<Result<freeze::Comparison, String>>>,
    pub explorer: Option<Explorer>,
    /// Errors and warnings shown until dismissed, oldest first.
    pub notifications: Vec<String>,
    title: String,
    /// Applied to the first cohort that loads, then forgotten.
    pub start: StartChoices,
    /// The context the app was made for (background jobs ask it to repaint).
    ctx: egui::Context,
    /// What is open (or opening), to load again when the pseudonyms are switched.
    source: Option<Source>,
    /// Options of what is derived (REE equation, hypermetabolic threshold): a session's.
    metrics: crate::metrics::tables::MetricOptions,
    /// A session's screen, put back when its cohort has loaded.
    pending_screen: Option<session::Screen>,
    /// The presentation's slides.
    pub slides: Vec<session::Slide>,
    /// Presentation mode, when on.
    pub presenting: Option<session::Presentation>,
}

impl CohortApp {
    /// Start loading `source` in the background.
    pub fn new(ctx: &egui::Context, source: Source, options: LoadOptions) -> Self {
        Self::with_rules(ctx, source, options, crate::quality::Rules::default(), None)
    }

    /// A cohort app with a context of its own and no window (the headless `figure` command),
    /// loading `source` as the window would.
    pub fn headless(source: Source, options: LoadOptions) -> Self {
        Self::new(&egui::Context::default(), source, options)
    }

    /// The context the app draws in (for a headless app: its own).
    pub fn context(&self) -> egui::Context {
        self.ctx.clone()
    }

    /// As [`CohortApp::new`], checking data quality with `rules` (read from `rules_file`).
    pub fn with_rules(
        ctx: &egui::Context,
        source: Source,
        options: LoadOptions,
        rules: crate::quality::Rules,
        rules_file: Option<String>,
    ) -> Self {
        fonts::install(ctx);
        let mut app = Self {
            options,
            loading: None,
            settings: Settings::default(),
            dialog: None,
            rules,
            rules_file,
            rechecking: None,
            ordinating: None,
            comparing: None,
            explorer: None,
            notifications: Vec::new(),
            title: String::new(),
            start: StartChoices::default(),
            ctx: ctx.clone(),
            source: None,
            metrics: crate::metrics::tables::MetricOptions::default(),
            pending_screen: None,
            slides: Vec::new(),
            presenting: None,
        };
        app.open(ctx, source);
        app
    }

    fn notify(&mut self, message: impl Into<String>) {
        self.notifications.push(message.into());
    }

    /// Load files or folders, or the demo: the path the dialog, drag-and-drop, the recent list
    /// and the command line all take. A load under way is cancelled.
    pub fn open(&mut self, ctx: &egui::Context, source: Source) {
        self.ordinating = None;
        self.source = Some(source.clone());
        let options = pipeline::Options {
            load: self.options.clone(),
            metrics: self.metrics.clone(),
            rules: self.rules.clone(),
        };
        let rules_file = self.rules_file.clone();
        let what = source.clone();
        let spawned = Job::spawn("cohort-loader", ctx, move |worker| -> Loaded {
            let analysis = pipeline::analyse(&what, &options, worker, 0.8).map_err(|e| e.to_string())?;
            pipeline::Progress::report(worker, Stage::Preparing, 0.8);
            Derived::new(analysis, rules_file).map_err(|e| e.to_string())
        });
        match spawned {
            // Replacing the last load drops (and so cancels) it.
            Ok(job) => self.loading = Some(Loading { source, job }),
            Err(e) => self.notify(e),
        }
    }

    /// Wait for the background load to finish, and for the ordination after it (tests and
    /// headless harnesses).
    pub fn wait_until_loaded(&mut self) {
        self.wait_for_first_screen();
        if let Some(job) = self.ordinating.take() {
            self.set_microbiome(job.wait());
        }
    }

    /// Wait for the load only: the clinical views are ready, the microbiome geometry may still
    /// be building ([`CohortApp::is_ordinating`]).
    pub fn wait_for_first_screen(&mut self) {
        if let Some(loading) = self.loading.take() {
            match loading.job.wait() {
                Some(result) => self.finish(&loading.source, result),
                None => self.notify("the loader stopped unexpectedly"),
            }
        }
    }

    /// True while the open cohort's ordination and taxa's trends are being built.
    pub fn is_ordinating(&self) -> bool {
        self.ordinating.is_some()
    }

    /// Hand the finished microbiome geometry to the explorer (`None`: its job was lost, and the
    /// views say so instead of waiting).
    fn set_microbiome(&mut self, result: Option<Microbiome>) {
        let lost = |view: &'static str| derived::Problem {
            view,
            message: "stopped unexpectedly while being built".to_owned(),
        };
        let built = result.unwrap_or_else(|| Microbiome {
            ordination: Err(lost("Ordination")),
            taxa: Err(lost("Taxa")),
            taxa_by_rank: Vec::new(),
        });
        for problem in [built.ordination.as_ref().err(), built.taxa.as_ref().err()]
            .into_iter()
            .flatten()
        {
            self.notify(problem.to_string());
        }
        if let Some(explorer) = &mut self.explorer {
            explorer.set_microbiome(&built);
        }
    }

    fn finish(&mut self, source: &Source, result: Loaded) {
        let label = source.label();
        match result {
            Ok(derived) => {
                self.remember_explorer();
                // A re-check or comparison of the last cohort must not land on this one.
                self.rechecking = None;
                self.comparing = None;
                for problem in &derived.problems {
                    self.notifications.push(format!("{problem}"));
                }
                let mut explorer = Explorer::new(Arc::clone(&derived.cohort), Arc::new(derived));
                // The study's own time column is chosen again for each cohort.
                explorer.state.x_axis = match self.settings.x_axis {
                    state::XAxis::Column => state::XAxis::default(),
                    other => other,
                };
                if let Some(layout) = &self.settings.layout {
                    explorer.restore_layout(layout);
                }
                if let Some(saved) = self.settings.cohorts.get(&label) {
                    explorer.restore_cohorts(saved);
                }
                // The grouping kept from last time, when this cohort can use it.
                if let state::GroupBy::Column(column) = &self.settings.group_by
                    && explorer.base().group_columns.contains(column)
                {
                    explorer.state.group_by = self.settings.group_by.clone();
                    // The column can group this cohort (checked just above).
                    let _ = explorer.regroup();
                }
                self.open_review(source, &mut explorer);
                self.ensure_demo_deck(source);
                let start = std::mem::take(&mut self.start);
                let compare_with = start.compare_with.clone();
                self.apply_start(&mut explorer, start);
                if let Some(screen) = self.pending_screen.take() {
                    for note in screen.restore(&mut explorer) {
                        self.notify(note);
                    }
                    match screen.theme.as_deref() {
                        Some("dark") => self.ctx.set_theme(egui::Theme::Dark),
                        Some("light") => self.ctx.set_theme(egui::Theme::Light),
                        _ => {}
                    }
                }
                self.ordinating = None;
                if explorer.base().ordination_pending {
                    let base = explorer.base();
                    match Job::spawn("microbiome", &self.ctx, move |worker| {
                        worker.report(
                            crate::i18n::tr("Ordinating the samples and fitting the taxa's trends"),
                            0.0,
                        );
                        base.microbiome(worker.stop_flag())
                    }) {
                        Ok(job) => self.ordinating = Some(job),
                        Err(e) => self.notify(e),
                    }
                }
                if let Source::Paths(paths) = source {
                    self.settings.remember(paths);
                }
                self.title = label;
                self.explorer = Some(explorer);
                if let Some(earlier) = compare_with {
                    let ctx = self.ctx.clone();
                    self.compare_with(&ctx, Source::Paths(vec![earlier]));
                }
            }
            Err(e) => self.notify(format!("Could not load {label}: {e}")),
        }
    }

    /// Take the results of finished jobs.
    fn poll(&mut self, ctx: &egui::Context) {
        if let Some(loading) = &self.loading {
            let outcome = loading.job.poll();
            if !matches!(outcome, Poll::Running)
                && let Some(loading) = self.loading.take()
            {
                match outcome {
                    Poll::Done(result) => self.finish(&loading.source, result),
                    Poll::Lost | Poll::Running => self.notify("the loader stopped unexpectedly"),
                }
            }
        }
        if let Some((purpose, job)) = &self.dialog {
            let purpose = *purpose;
            match job.poll() {
                Poll::Running => {}
                Poll::Lost => self.dialog = None,
                Poll::Done(picked) => {
                    self.dialog = None;
                    match (purpose, picked.filter(|p| !p.is_empty())) {
                        (Dialog::Rules, Some(paths)) => {
                            if let Some(path) = paths.into_iter().next() {
                                self.apply(ctx, AppCommand::UseRulesFile(path));
                            }
                        }
                        (Dialog::OpenSession, Some(paths)) => {
                            if let Some(path) = paths.into_iter().next() {
                                self.open_session(ctx, &path);
                            }
                        }
                        (Dialog::SaveSession, Some(paths)) => {
                            if let Some(path) = paths.into_iter().next() {
                                self.save_session(&path);
                            }
                        }
                        (Dialog::CompareWith, Some(paths)) => {
                            self.apply(ctx, AppCommand::CompareWith(Source::Paths(paths)));
                        }
                        (Dialog::Queries, Some(mut paths)) => {
                            if let Some(dir) = paths.pop() {
                                self.apply(ctx, AppCommand::WriteQueries(dir));
                            }
                        }
                        (Dialog::Answers, Some(paths)) => self.apply(ctx, AppCommand::ReadAnswers(paths)),
                        (Dialog::SaveFigure(tile, format), Some(paths)) => {
                            if let Some(path) = paths.into_iter().next() {
                                self.save_figure(ctx, tile, format, &path);
                            }
                        }
                        (_, Some(paths)) => self.apply(ctx, AppCommand::Open(Source::Paths(paths))),
                        (_, None) => {}
                    }
                }
            }
        }
        if let Some(job) = &self.ordinating {
            match job.poll() {
                Poll::Running => {}
                Poll::Done(ord) => {
                    self.ordinating = None;
                    self.set_microbiome(Some(ord));
                }
                Poll::Lost => {
                    self.ordinating = None;
                    self.set_microbiome(None);
                }
            }
        }
        self.poll_comparison();
        if let Some(job) = &self.rechecking {
            match job.poll() {
                Poll::Running => {}
                Poll::Done(result) => {
                    self.rechecking = None;
                    match result {
                        Ok(findings) => {
                            if let Some(explorer) = &mut self.explorer {
                                explorer.set_findings(findings);
                            }
                        }
                        Err(e) => self.notify(e),
                    }
                }
                Poll::Lost => {
                    self.rechecking = None;
                    self.notify("the data-quality check stopped unexpectedly");
                }
            }
        }
    }

    /// Carry out one app-level command (after the UI pass).
    pub fn apply(&mut self, ctx: &egui::Context, command: AppCommand) {
        match command {
            AppCommand::Open(source) => self.open(ctx, source),
            AppCommand::Pick(purpose) => self.pick(ctx, purpose),
            AppCommand::UseRulesFile(path) => self.use_rules_file(ctx, &path),
            AppCommand::ResetLayout => {
                if let Some(explorer) = &mut self.explorer {
                    explorer.reset_layout();
                }
            }
            AppCommand::SetTheme(theme) => ctx.set_theme(theme),
            AppCommand::Dismiss(i) => {
                if i < self.notifications.len() {
                    self.notifications.remove(i);
                }
            }
            AppCommand::Notify(message) => self.notify(message),
            AppCommand::SetPseudonyms { on, shift_dates } => self.set_pseudonyms(ctx, on, shift_dates),
            AppCommand::Present => self.start_presentation(ctx),
            AppCommand::SetLang(lang) => {
                crate::i18n::set_lang(lang);
                self.settings.lang = Some(lang);
            }
            AppCommand::SetReviewer(name) => self.settings.reviewer = name,
            AppCommand::CompareWith(source) => self.compare_with(ctx, source),
            AppCommand::WriteQueries(dir) => self.write_queries(&dir),
            AppCommand::ReadAnswers(sheets) => self.read_answers(&sheets),
            AppCommand::StopComparing => {
                self.comparing = None;
                if let Some(explorer) = &mut self.explorer {
                    explorer.compare = None;
                }
            }
            AppCommand::AddSlide(tile) => self.add_slide(tile),
            AppCommand::Figure(tile, FigureAction::Save(format)) => self.pick(ctx, Dialog::SaveFigure(tile, format)),
            AppCommand::Figure(tile, FigureAction::Copy) => {
                if let Some(drawn) = self.figure(ctx, tile) {
                    ctx.copy_image(drawn.image());
                }
            }
        }
    }

    fn pick(&mut self, ctx: &egui::Context, purpose: Dialog) {
        // The native dialog blocks; it runs as a job so frames keep coming.
        let spawned = Job::spawn("file-dialog", ctx, move |_| match purpose {
            Dialog::Files => rfd::FileDialog::new().set_title(tr("Open cohort files")).pick_files(),
            Dialog::Folder => rfd::FileDialog::new()
                .set_title(tr("Open a cohort folder"))
                .pick_folder()
                .map(|p| vec![p]),
            Dialog::Rules => rfd::FileDialog::new()
                .set_title(tr("Data-quality rules file"))
                .add_filter("rules", &["toml", "json"])
                .pick_file()
                .map(|p| vec![p]),
            Dialog::OpenSession => rfd::FileDialog::new()
                .set_title(tr("Open session"))
                .add_filter("session", &["json"])
                .pick_file()
                .map(|p| vec![p]),
            Dialog::SaveSession => rfd::FileDialog::new()
                .set_title(tr("Save session"))
                .add_filter("session", &["json"])
                .set_file_name("cohort.cohort.json")
                .save_file()
                .map(|p| vec![p]),
            Dialog::CompareWith => rfd::FileDialog::new()
                .set_title(tr("Compare with an earlier freeze (its folder)"))
                .pick_folder()
                .map(|p| vec![p]),
            Dialog::Queries => rfd::FileDialog::new()
                .set_title(tr("Folder for the sites' query sheets"))
                .pick_folder()
                .map(|p| vec![p]),
            Dialog::Answers => rfd::FileDialog::new()
                .set_title(tr("Answered query sheets"))
                .add_filter("CSV", &["csv", "txt", "tsv"])
                .pick_files(),
            Dialog::SaveFigure(_, format) => {
                let ext = format.extension();
                rfd::FileDialog::new()
                    .set_title(tr("Save figure"))
                    .add_filter(ext, &[ext])
                    .set_file_name(format!("figure.{ext}"))
                    .save_file()
                    .map(|p| vec![p])
            }
        });
        match spawned {
            Ok(job) => self.dialog = Some((purpose, job)),
            Err(e) => self.notify(e),
        }
    }

    /// Check every cohort opened from now on, and the open one again, with a rules file (the
    /// path the Rules file… dialog and `--rules` take). A bad file leaves the rules as they were.
    pub fn use_rules_file(&mut self, ctx: &egui::Context, path: &std::path::Path) {
        match crate::quality::Rules::from_file(path) {
            Ok(rules) => {
                self.rules = rules;
                self.rules_file = Some(path.display().to_string());
                self.recheck(ctx);
            }
            Err(e) => self.notify(e.to_string()),
        }
    }

    /// Re-run the data-quality check of the open cohort off the UI thread.
    fn recheck(&mut self, ctx: &egui::Context) {
        let Some(explorer) = &self.explorer else { return };
        let (cohort, base) = (Arc::clone(&explorer.cohort), explorer.base());
        let (rules, file) = (self.rules.clone(), self.rules_file.clone());
        let spawned = Job::spawn("quality-check", ctx, move |worker| {
            pipeline::Progress::report(worker, Stage::Checking, 0.0);
            let all = pipeline::check(&cohort, &rules).map_err(|e| format!("Data quality: {e}"))?;
            Findings::new(&cohort, &base.subject_index(), all, file).map_err(|e| format!("Data quality: {e}"))
        });
        match spawned {
            Ok(job) => self.rechecking = Some(job),
            Err(e) => self.notify(e),
        }
    }

    /// Wait for a re-check to finish (tests).
    pub fn wait_until_checked(&mut self) {
        if let Some(job) = self.rechecking.take() {
            match job.wait() {
                Some(Ok(findings)) => {
                    if let Some(explorer) = &mut self.explorer {
                        explorer.set_findings(findings);
                    }
                }
                Some(Err(e)) => self.notify(e),
                None => self.notify("the data-quality check stopped unexpectedly"),
            }
        }
    }

    /// The whole window's contents for one frame; app-level commands are applied after it.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.poll(&ctx);
        if self.presenting.is_some() {
            self.presentation_ui(ui);
            return;
        }
        let mut commands = Vec::new();
        if ui.input(|i| i.key_pressed(egui::Key::F11)) {
            commands.push(AppCommand::Present);
        }
        let dropped: Vec<PathBuf> = ui.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if !dropped.is_empty() {
            commands.push(AppCommand::Open(Source::Paths(dropped)));
        }
        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui, &mut commands));
        match &mut self.explorer {
            Some(explorer) => commands.extend(explorer.ui(ui)),
            None => {
                egui::CentralPanel::default_margins().show(ui, |ui| {
                    ui.label(tr(
                        "Open files or a folder, drop them on the window, or open the demo cohort.",
                    ));
                });
            }
        }
        for command in commands {
            self.apply(&ctx, command);
        }
    }
}

impl CohortApp {
    /// Keep the open explorer's named cohorts and time axis in the settings.
    fn remember_explorer(&mut self) {
        if let Some(explorer) = &self.explorer {
            self.settings.x_axis = explorer.state.x_axis;
            self.settings.group_by = explorer.state.group_by.clone();
            self.settings.layout = explorer.layout();
            let saved = explorer.saved_cohorts();
            if saved.is_empty() {
                self.settings.cohorts.remove(&self.title);
            } else {
                self.settings.cohorts.insert(self.title.clone(), saved);
            }
        }
    }
}

impl eframe::App for CohortApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        CohortApp::ui(self, ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        // Saved while presenting (eframe saves every 30 s, and on closing): remember the screen
        // as it was before the presentation, and carry on presenting.
        let before = self.presenting.as_ref().map(|p| p.before.clone());
        let during = match (before, &mut self.explorer) {
            (Some(before), Some(explorer)) => Some(std::mem::replace(&mut explorer.state, before)),
            _ => None,
        };
        self.remember_explorer();
        if let (Some(during), Some(explorer)) = (during, &mut self.explorer) {
            explorer.state = during;
        }
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }
}

/// Open the window and run until it is closed.
pub fn run(
    source: Source,
    options: LoadOptions,
    rules: crate::quality::Rules,
    rules_file: Option<String>,
    start: StartChoices,
) -> Result<()> {
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1500.0, 950.0])
            .with_title("cohort-explorer"),
        ..Default::default()
    };
    eframe::run_native(
        "cohort-explorer",
        native,
        Box::new(move |cc| {
            let mut app = CohortApp::with_rules(&cc.egui_ctx, source, options, rules, rules_file);
            let session = start.session.clone();
            let lang_given = start.lang_given;
            app.start = start;
            if let Some(settings) = cc.storage.and_then(|s| eframe::get_value::<Settings>(s, SETTINGS_KEY)) {
                app.settings = settings;
            }
            // The language chosen in the window last time, unless `--lang` chose one now.
            if let (Some(lang), false) = (app.settings.lang, lang_given) {
                crate::i18n::set_lang(lang);
            }
            CohortApp::unzoom_a_closed_presentation(&cc.egui_ctx);
            if let Some(path) = session {
                app.open_session(&cc.egui_ctx, &path);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))
}

#[cfg(test)]
mod tests;
