//! The desktop app (eframe/egui): loads cohorts on a background thread with visible progress,
//! then shows the [`explorer::Explorer`] of linked views. The only module that uses GUI crates.

pub mod derived;
pub mod explorer;
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

type Loaded = Result<(crate::model::Cohort, Derived), String>;

/// The eframe application.
pub struct CohortApp {
    options: LoadOptions,
    loading: Option<(String, Receiver<Loaded>)>,
    dialog: Option<Receiver<Option<Vec<PathBuf>>>>,
    /// Paths picked in the dialog, opened at the start of the next frame.
    pending_open: Option<Vec<PathBuf>>,
    pub explorer: Option<Explorer>,
    /// The last error, shown until dismissed.
    pub notification: Option<String>,
    title: String,
}

impl CohortApp {
    /// Start loading `paths` (or the embedded demo cohort) in the background.
    pub fn new(ctx: &egui::Context, paths: Option<Vec<PathBuf>>, options: LoadOptions) -> Self {
        let mut app = Self {
            options,
            loading: None,
            dialog: None,
            pending_open: None,
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
        let repaint = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("cohort-loader".to_owned())
            .spawn(move || {
                let loaded = match paths {
                    Some(paths) => data::load_paths(&paths, &options),
                    None => data::load_inputs(crate::cli::demo_inputs(), &options),
                };
                let result = loaded.map_err(|e| e.to_string()).map(|cohort| {
                    let derived = Derived::new(&cohort);
                    (cohort, derived)
                });
                let _ = tx.send(result);
                repaint.request_repaint();
            });
        match spawned {
            Ok(_) => self.loading = Some((label, rx)),
            Err(e) => self.notification = Some(format!("could not start loading: {e}")),
        }
    }

    /// Wait for the background load to finish (tests and headless harnesses).
    pub fn wait_until_loaded(&mut self) {
        if let Some((label, rx)) = self.loading.take() {
            match rx.recv() {
                Ok(result) => self.finish(label, result),
                Err(_) => self.notification = Some("the loader stopped unexpectedly".to_owned()),
            }
        }
    }

    fn finish(&mut self, label: String, result: Loaded) {
        match result {
            Ok((cohort, derived)) => {
                self.title = label;
                self.explorer = Some(Explorer::new(Arc::new(cohort), Arc::new(derived)));
            }
            Err(e) => self.notification = Some(format!("Could not load {label}: {e}")),
        }
    }

    fn poll(&mut self) {
        if let Some((_, rx)) = &self.loading {
            match rx.try_recv() {
                Ok(result) => {
                    if let Some((label, _)) = self.loading.take() {
                        self.finish(label, result);
                    }
                }
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => {
                    self.loading = None;
                    self.notification = Some("the loader stopped unexpectedly".to_owned());
                }
            }
        }
        if let Some(rx) = &self.dialog {
            match rx.try_recv() {
                Ok(picked) => {
                    self.dialog = None;
                    if let Some(paths) = picked.filter(|p| !p.is_empty()) {
                        self.pending_open = Some(paths);
                    }
                }
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => self.dialog = None,
            }
        }
    }

    fn pick(&mut self, ctx: &egui::Context, folder: bool) {
        let (tx, rx) = channel();
        let repaint = ctx.clone();
        // The native dialog blocks; it runs on its own thread so frames keep coming.
        let spawned = std::thread::Builder::new()
            .name("file-dialog".to_owned())
            .spawn(move || {
                let dialog = rfd::FileDialog::new().set_title("Open cohort files");
                let picked = if folder {
                    dialog.pick_folder().map(|p| vec![p])
                } else {
                    dialog.pick_files()
                };
                let _ = tx.send(picked);
                repaint.request_repaint();
            });
        match spawned {
            Ok(_) => self.dialog = Some(rx),
            Err(e) => self.notification = Some(format!("could not open the file dialog: {e}")),
        }
    }

    /// The whole window's contents for one frame.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        self.poll();
        if let Some(paths) = self.pending_open.take() {
            self.open(&ui.ctx().clone(), Some(paths));
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
                    self.pick(&ui.ctx().clone(), false);
                }
                if ui.button("Open folder…").clicked() {
                    self.pick(&ui.ctx().clone(), true);
                }
                if ui.button("Demo cohort").clicked() {
                    self.open(&ui.ctx().clone(), None);
                }
                ui.separator();
                if let Some((label, _)) = &self.loading {
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
            Some(explorer) => explorer.ui(ui),
            None => {
                egui::CentralPanel::default_margins().show(ui, |ui| {
                    ui.label("Open files or a folder, drop them on the window, or open the demo cohort.");
                });
            }
        }
    }
}

impl eframe::App for CohortApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        CohortApp::ui(self, ui);
    }
}

/// Open the window and run until it is closed.
pub fn run(paths: Option<Vec<PathBuf>>, options: LoadOptions) -> Result<()> {
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1500.0, 950.0])
            .with_title("cohort-explorer"),
        ..Default::default()
    };
    eframe::run_native(
        "cohort-explorer",
        native,
        Box::new(move |cc| Ok(Box::new(CohortApp::new(&cc.egui_ctx, paths, options)))),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))
}
