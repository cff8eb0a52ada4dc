//! The desktop app (eframe/egui). Loads the cohort on a background thread and shows what was
//! loaded: files with their recognised layouts, cohort counts and load findings.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

use anyhow::Result;
use eframe::egui;

use crate::data::{self, LoadOptions};
use crate::model::Cohort;

/// Where the app is in loading its cohort.
enum State {
    Loading(Receiver<Result<Cohort, String>>),
    Ready(Arc<Cohort>),
    Failed(String),
}

/// The eframe application.
pub struct CohortApp {
    state: State,
    title: String,
}

impl CohortApp {
    /// Start loading `paths` (or the embedded demo cohort) in the background.
    pub fn new(ctx: &egui::Context, paths: Option<Vec<PathBuf>>, options: LoadOptions) -> Self {
        let (tx, rx) = channel();
        let title = paths.as_ref().map_or_else(
            || "demo cohort".to_owned(),
            |p| p.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
        );
        let repaint = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("cohort-loader".to_owned())
            .spawn(move || {
                let result = match paths {
                    Some(paths) => data::load_paths(&paths, &options),
                    None => data::load_inputs(crate::cli::demo_inputs(), &options),
                };
                let _ = tx.send(result.map_err(|e| e.to_string()));
                repaint.request_repaint();
            });
        let state = match spawned {
            Ok(_) => State::Loading(rx),
            Err(e) => State::Failed(format!("could not start loading: {e}")),
        };
        Self { state, title }
    }

    /// The loaded cohort, once ready.
    pub fn cohort(&self) -> Option<&Arc<Cohort>> {
        match &self.state {
            State::Ready(c) => Some(c),
            _ => None,
        }
    }

    fn poll(&mut self) {
        if let State::Loading(rx) = &self.state {
            match rx.try_recv() {
                Ok(Ok(cohort)) => self.state = State::Ready(Arc::new(cohort)),
                Ok(Err(e)) => self.state = State::Failed(e),
                Err(std::sync::mpsc::TryRecvError::Empty) => {}
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    self.state = State::Failed("the loader stopped unexpectedly".to_owned());
                }
            }
        }
    }
}

impl eframe::App for CohortApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.poll();
        egui::Panel::top("title").show(ui, |ui| {
            ui.heading(format!("cohort-explorer — {}", self.title));
        });
        match &self.state {
            State::Loading(_) => {
                egui::CentralPanel::default_margins().show(ui, |ui| {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Loading…");
                    });
                });
            }
            State::Failed(e) => {
                let e = e.clone();
                egui::CentralPanel::default_margins().show(ui, |ui| {
                    ui.colored_label(ui.visuals().error_fg_color, format!("Could not load: {e}"));
                });
            }
            State::Ready(cohort) => {
                let cohort = Arc::clone(cohort);
                overview_ui(ui, &cohort);
            }
        }
    }
}

fn overview_ui(ui: &mut egui::Ui, cohort: &Cohort) {
    egui::Panel::left("cohort").default_size(320.0).show(ui, |ui| {
        ui.heading("Cohort");
        egui::Grid::new("counts").num_columns(2).show(ui, |ui| {
            for (label, n) in [
                ("Subjects", cohort.num_subjects()),
                ("Visits", cohort.num_visits()),
                ("Samples", cohort.num_samples()),
                ("Features", cohort.num_features()),
            ] {
                ui.label(label);
                ui.label(n.to_string());
                ui.end_row();
            }
        });
        ui.separator();
        ui.heading("Files");
        egui::ScrollArea::vertical().show(ui, |ui| {
            for f in &cohort.sources {
                ui.label(egui::RichText::new(&f.path).strong());
                ui.label(format!("{} — {} rows", f.layout, f.num_rows));
            }
        });
    });
    egui::CentralPanel::default_margins().show(ui, |ui| {
        let (e, w, i) = cohort.finding_counts();
        ui.heading(format!("Load findings: {e} errors, {w} warnings, {i} info"));
        egui::ScrollArea::vertical().show(ui, |ui| {
            egui::Grid::new("findings").striped(true).num_columns(4).show(ui, |ui| {
                for f in &cohort.findings {
                    ui.label(f.severity.label());
                    ui.label(&f.rule);
                    ui.label(f.location());
                    ui.label(&f.message);
                    ui.end_row();
                }
            });
        });
    });
}

/// Open the window and run until it is closed.
pub fn run(paths: Option<Vec<PathBuf>>, options: LoadOptions) -> Result<()> {
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1400.0, 900.0])
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
