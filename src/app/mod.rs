//! The desktop app (eframe/egui): loads cohorts on a background thread with visible progress,
//! then shows the [`explorer::Explorer`] of linked views. The only module that uses GUI crates.

pub mod derived;
pub mod explorer;
pub mod findings;
pub mod layout;
pub mod state;
mod theme;
pub mod views;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use anyhow::Result;
use eframe::egui;

use crate::data::{self, LoadOptions};
use derived::Derived;
use explorer::Explorer;
use findings::Findings;

type Loaded = Result<(crate::model::Cohort, Derived), String>;

/// Key of the settings in eframe's storage.
const SETTINGS_KEY: &str = "cohort-explorer-settings";

/// Most recent file sets remembered.
const MAX_RECENT: usize = 8;

/// What is remembered between runs (eframe storage; window size and theme are eframe's own).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    /// File sets opened, most recent first.
    pub recent: Vec<Vec<PathBuf>>,
    pub x_axis: state::XAxis,
    /// Named cohorts (name, subject IDs) per opened source (its label).
    pub cohorts: std::collections::BTreeMap<String, Vec<(String, Vec<String>)>>,
    /// The dock's arrangement (None: the default screen).
    pub layout: Option<layout::Layout>,
}

impl Settings {
    /// Put `paths` first in the recent list.
    pub fn remember(&mut self, paths: &[PathBuf]) {
        self.recent.retain(|r| r != paths);
        self.recent.insert(0, paths.to_vec());
        self.recent.truncate(MAX_RECENT);
    }
}

/// What a file dialog is picking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dialog {
    Files,
    Folder,
    Rules,
}

/// The eframe application.
pub struct CohortApp {
    options: LoadOptions,
    /// The load under way: its label, its paths (None: the demo) and where the result arrives.
    loading: Option<(String, Option<Vec<PathBuf>>, Receiver<Loaded>)>,
    pub settings: Settings,
    /// An open file dialog: what it is for, and where the pick arrives.
    dialog: Option<(Dialog, Receiver<Option<Vec<PathBuf>>>)>,
    /// Data-quality rules for every cohort opened, and their file (None: the defaults).
    rules: crate::quality::Rules,
    rules_file: Option<String>,
    /// A re-check under way after the rules changed.
    rechecking: Option<Receiver<Findings>>,
    /// Paths picked in the dialog, opened at the start of the next frame.
    pending_open: Option<Vec<PathBuf>>,
    /// A rules file picked in the dialog, used at the start of the next frame.
    pending_rules: Option<PathBuf>,
    pub explorer: Option<Explorer>,
    /// The last error, shown until dismissed.
    pub notification: Option<String>,
    title: String,
}

impl CohortApp {
    /// Start loading `paths` (or the embedded demo cohort) in the background.
    pub fn new(ctx: &egui::Context, paths: Option<Vec<PathBuf>>, options: LoadOptions) -> Self {
        Self::with_rules(ctx, paths, options, crate::quality::Rules::default(), None)
    }

    /// As [`CohortApp::new`], checking data quality with `rules` (read from `rules_file`).
    pub fn with_rules(
        ctx: &egui::Context,
        paths: Option<Vec<PathBuf>>,
        options: LoadOptions,
        rules: crate::quality::Rules,
        rules_file: Option<String>,
    ) -> Self {
        let mut app = Self {
            options,
            loading: None,
            settings: Settings::default(),
            dialog: None,
            rules,
            rules_file,
            rechecking: None,
            pending_open: None,
            pending_rules: None,
            explorer: None,
            notification: None,
            title: String::new(),
        };
        app.open(ctx, paths);
        app
    }

    /// Load files or folders (or the demo with `None`): the path the dialog, drag-and-drop and
    /// the command line all take.
    pub fn open(&mut self, ctx: &egui::Context, paths: Option<Vec<PathBuf>>) {
        let (tx, rx) = channel();
        let label = paths.as_ref().map_or_else(
            || "demo cohort".to_owned(),
            |p| p.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
        );
        let options = self.options.clone();
        let (rules, rules_file) = (self.rules.clone(), self.rules_file.clone());
        let repaint = ctx.clone();
        let opened = paths.clone();
        let spawned = std::thread::Builder::new()
            .name("cohort-loader".to_owned())
            .spawn(move || {
                let loaded = match paths {
                    Some(paths) => data::load_paths(&paths, &options),
                    None => data::load_inputs(crate::cli::demo_inputs(), &options),
                };
                let result = loaded.map_err(|e| e.to_string()).map(|cohort| {
                    let mut derived = Derived::new(&cohort);
                    let all = crate::quality::check(&cohort, &rules);
                    derived.findings = Arc::new(Findings::new(&cohort, &derived, all, rules_file));
                    (cohort, derived)
                });
                let _ = tx.send(result);
                repaint.request_repaint();
            });
        match spawned {
            Ok(_) => self.loading = Some((label, opened, rx)),
            Err(e) => self.notification = Some(format!("could not start loading: {e}")),
        }
    }

    /// Wait for the background load to finish (tests and headless harnesses).
    pub fn wait_until_loaded(&mut self) {
        if let Some((label, paths, rx)) = self.loading.take() {
            match rx.recv() {
                Ok(result) => self.finish(label, paths, result),
                Err(_) => self.notification = Some("the loader stopped unexpectedly".to_owned()),
            }
        }
    }

    fn finish(&mut self, label: String, paths: Option<Vec<PathBuf>>, result: Loaded) {
        match result {
            Ok((cohort, derived)) => {
                self.remember_explorer();
                let mut explorer = Explorer::new(Arc::new(cohort), Arc::new(derived));
                explorer.state.x_axis = self.settings.x_axis;
                if let Some(layout) = &self.settings.layout {
                    explorer.restore_layout(layout);
                }
                if let Some(saved) = self.settings.cohorts.get(&label) {
                    explorer.restore_cohorts(saved);
                }
                if let Some(paths) = paths {
                    self.settings.remember(&paths);
                }
                self.title = label;
                self.explorer = Some(explorer);
            }
            Err(e) => self.notification = Some(format!("Could not load {label}: {e}")),
        }
    }

    fn poll(&mut self) {
        if let Some((_, _, rx)) = &self.loading {
            match rx.try_recv() {
                Ok(result) => {
                    if let Some((label, paths, _)) = self.loading.take() {
                        self.finish(label, paths, result);
                    }
                }
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => {
                    self.loading = None;
                    self.notification = Some("the loader stopped unexpectedly".to_owned());
                }
            }
        }
        if let Some((purpose, rx)) = &self.dialog {
            match rx.try_recv() {
                Ok(picked) => {
                    let purpose = *purpose;
                    self.dialog = None;
                    match (purpose, picked.filter(|p| !p.is_empty())) {
                        (Dialog::Rules, Some(paths)) => self.pending_rules = paths.into_iter().next(),
                        (_, Some(paths)) => self.pending_open = Some(paths),
                        (_, None) => {}
                    }
                }
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => self.dialog = None,
            }
        }
        if let Some(rx) = &self.rechecking {
            match rx.try_recv() {
                Ok(findings) => {
                    self.rechecking = None;
                    if let Some(explorer) = &mut self.explorer {
                        explorer.set_findings(findings);
                    }
                }
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => {
                    self.rechecking = None;
                    self.notification = Some("the data-quality check stopped unexpectedly".to_owned());
                }
            }
        }
    }

    fn pick(&mut self, ctx: &egui::Context, purpose: Dialog) {
        let (tx, rx) = channel();
        let repaint = ctx.clone();
        // The native dialog blocks; it runs on its own thread so frames keep coming.
        let spawned = std::thread::Builder::new()
            .name("file-dialog".to_owned())
            .spawn(move || {
                let picked = match purpose {
                    Dialog::Files => rfd::FileDialog::new().set_title("Open cohort files").pick_files(),
                    Dialog::Folder => rfd::FileDialog::new()
                        .set_title("Open a cohort folder")
                        .pick_folder()
                        .map(|p| vec![p]),
                    Dialog::Rules => rfd::FileDialog::new()
                        .set_title("Data-quality rules file")
                        .add_filter("rules", &["toml", "json"])
                        .pick_file()
                        .map(|p| vec![p]),
                };
                let _ = tx.send(picked);
                repaint.request_repaint();
            });
        match spawned {
            Ok(_) => self.dialog = Some((purpose, rx)),
            Err(e) => self.notification = Some(format!("could not open the file dialog: {e}")),
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
            Err(e) => self.notification = Some(e.to_string()),
        }
    }

    /// Re-run the data-quality check of the open cohort off the UI thread.
    fn recheck(&mut self, ctx: &egui::Context) {
        let Some(explorer) = &self.explorer else { return };
        let (cohort, base) = (Arc::clone(&explorer.cohort), explorer.base());
        let (rules, file) = (self.rules.clone(), self.rules_file.clone());
        let (tx, rx) = channel();
        let repaint = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("quality-check".to_owned())
            .spawn(move || {
                let all = crate::quality::check(&cohort, &rules);
                let _ = tx.send(Findings::new(&cohort, &base, all, file));
                repaint.request_repaint();
            });
        match spawned {
            Ok(_) => self.rechecking = Some(rx),
            Err(e) => self.notification = Some(format!("could not start the check: {e}")),
        }
    }

    /// Wait for a re-check to finish (tests).
    pub fn wait_until_checked(&mut self) {
        if let Some(rx) = self.rechecking.take()
            && let Ok(findings) = rx.recv()
            && let Some(explorer) = &mut self.explorer
        {
            explorer.set_findings(findings);
        }
    }

    /// The whole window's contents for one frame.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        self.poll();
        if let Some(paths) = self.pending_open.take() {
            self.open(&ui.ctx().clone(), Some(paths));
        }
        if let Some(path) = self.pending_rules.take() {
            self.use_rules_file(&ui.ctx().clone(), &path);
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
            self.open(&ui.ctx().clone(), Some(dropped));
        }
        egui::Panel::top("menu").show(ui, |ui| {
            ui.horizontal(|ui| {
                if ui.button("Open files…").clicked() {
                    self.pick(&ui.ctx().clone(), Dialog::Files);
                }
                if ui.button("Open folder…").clicked() {
                    self.pick(&ui.ctx().clone(), Dialog::Folder);
                }
                if ui.button("Demo cohort").clicked() {
                    self.open(&ui.ctx().clone(), None);
                }
                let mut reopen = None;
                ui.add_enabled_ui(!self.settings.recent.is_empty(), |ui| {
                    ui.menu_button("Recent", |ui| {
                        for paths in &self.settings.recent {
                            let label = paths
                                .iter()
                                .map(|p| p.display().to_string())
                                .collect::<Vec<_>>()
                                .join(", ");
                            if ui.button(label).clicked() {
                                reopen = Some(paths.clone());
                            }
                        }
                    });
                });
                if let Some(paths) = reopen {
                    self.open(&ui.ctx().clone(), Some(paths));
                }
                if let Some(explorer) = &mut self.explorer
                    && ui
                        .button("Reset layout")
                        .on_hover_text("Back to the default arrangement of views")
                        .clicked()
                {
                    explorer.reset_layout();
                }
                // Text, not egui's emoji theme buttons: the bundled fonts lack their glyphs.
                let dark = ui.ctx().theme() == egui::Theme::Dark;
                if ui.selectable_label(!dark, "Light").clicked() {
                    ui.ctx().set_theme(egui::Theme::Light);
                }
                if ui.selectable_label(dark, "Dark").clicked() {
                    ui.ctx().set_theme(egui::Theme::Dark);
                }
                ui.separator();
                if let Some((label, _, _)) = &self.loading {
                    ui.spinner();
                    ui.label(format!("Loading {label}…"));
                } else {
                    ui.label(egui::RichText::new(&self.title).strong());
                }
            });
            if let Some(message) = self.notification.clone() {
                ui.horizontal(|ui| {
                    ui.colored_label(ui.visuals().error_fg_color, message);
                    if ui.button("Dismiss").clicked() {
                        self.notification = None;
                    }
                });
            }
        });
        match &mut self.explorer {
            Some(explorer) => {
                explorer.ui(ui);
                if std::mem::take(&mut explorer.wants_rules_file) {
                    self.pick(&ui.ctx().clone(), Dialog::Rules);
                }
            }
            None => {
                egui::CentralPanel::default_margins().show(ui, |ui| {
                    ui.label("Open files or a folder, drop them on the window, or open the demo cohort.");
                });
            }
        }
    }
}

impl CohortApp {
    /// Keep the open explorer's named cohorts and time axis in the settings.
    fn remember_explorer(&mut self) {
        if let Some(explorer) = &self.explorer {
            self.settings.x_axis = explorer.state.x_axis;
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
        self.remember_explorer();
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }
}

/// Open the window and run until it is closed.
pub fn run(
    paths: Option<Vec<PathBuf>>,
    options: LoadOptions,
    rules: crate::quality::Rules,
    rules_file: Option<String>,
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
            let mut app = CohortApp::with_rules(&cc.egui_ctx, paths, options, rules, rules_file);
            if let Some(settings) = cc.storage.and_then(|s| eframe::get_value::<Settings>(s, SETTINGS_KEY)) {
                app.settings = settings;
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))
}
