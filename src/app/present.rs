//! Presentation mode (F11 or *Present*): full screen, larger text and thicker lines, no side
//! panel or controls, one view per slide. A slide (`session::Slide`) is a view with its settings,
//! grouping, filters and selection; the arrow keys, PageUp/PageDown and Space step through the
//! deck, Esc or F11 leaves and puts the screen back as it was. The demo cohort comes with a deck
//! that tells its story ([`demo_deck`]).

use crate::i18n::tr;
use eframe::egui;

use super::CohortApp;
use super::explorer::Pane;
use super::session::{Presentation, SavedFilters, Slide};
use super::state::{GroupBy, XAxis};
use super::view::{ViewCtx, settings_text};
use super::views::PaneKind;

/// How much larger everything is drawn while presenting (text, lines, markers).
pub const ZOOM: f32 = 1.5;

impl CohortApp {
    /// The demo's deck, when the demo opens with no slides (a session's come first).
    pub(super) fn ensure_demo_deck(&mut self, source: &crate::pipeline::Source) {
        if self.slides.is_empty() && matches!(source, crate::pipeline::Source::Demo) {
            self.slides = demo_deck();
        }
    }

    /// egui keeps its zoom with the window's memory: a run closed while presenting must not
    /// start the next one enlarged.
    pub(super) fn unzoom_a_closed_presentation(ctx: &egui::Context) {
        if (ctx.zoom_factor() - ZOOM).abs() < 1e-6 {
            ctx.set_zoom_factor(1.0);
        }
    }

    /// Start presenting the slides (the open views, one per slide, when there are none).
    pub fn start_presentation(&mut self, ctx: &egui::Context) {
        let Some(explorer) = &self.explorer else {
            self.notify(tr("Present: open a cohort first"));
            return;
        };
        if self.slides.is_empty() {
            self.slides = explorer
                .panes()
                .filter(|p| !matches!(p, Pane::Table(_) | Pane::Profile(_) | Pane::Quality(_)))
                .map(|p| {
                    let mut commands = Vec::new();
                    let view_ctx = ViewCtx::new(&explorer.derived, &explorer.state, &mut commands);
                    let title = p.figure_title(&view_ctx);
                    Slide::of(explorer, p, title)
                })
                .collect();
        }
        if self.slides.is_empty() {
            self.notify(tr(
                "Present: no plot to show; open one, or add a slide from a view's Figure menu",
            ));
            return;
        }
        let Some(explorer) = &self.explorer else { return };
        self.presenting = Some(Presentation {
            slide: 0,
            pane: None,
            before: explorer.state.clone(),
        });
        self.go_to_slide(0);
        ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(true));
        ctx.set_zoom_factor(ZOOM);
    }

    /// Leave presentation mode: the screen as it was before.
    pub fn stop_presentation(&mut self, ctx: &egui::Context) {
        if let (Some(p), Some(explorer)) = (self.presenting.take(), &mut self.explorer) {
            let regroup = p.before.group_by != explorer.state.group_by;
            explorer.state = p.before;
            if regroup && let Err(e) = explorer.regroup() {
                self.notifications.push(e);
            }
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(false));
        ctx.set_zoom_factor(1.0);
    }

    /// Show slide `index` (clamped to the deck).
    pub fn go_to_slide(&mut self, index: usize) {
        let (Some(presentation), Some(explorer)) = (&mut self.presenting, &mut self.explorer) else {
            return;
        };
        let Some(slide) = self.slides.get(index.min(self.slides.len().saturating_sub(1))) else {
            return;
        };
        presentation.slide = index.min(self.slides.len() - 1);
        let (pane, notes) = slide.show(explorer);
        presentation.pane = pane;
        self.notifications.extend(notes);
    }

    /// Add the view in `tile` as the last slide, as it is shown now.
    pub fn add_slide(&mut self, tile: egui_tiles::TileId) {
        let Some(explorer) = &self.explorer else { return };
        let Some(pane) = explorer.pane(tile) else { return };
        let mut commands = Vec::new();
        let title = pane.figure_title(&ViewCtx::new(&explorer.derived, &explorer.state, &mut commands));
        let slide = Slide::of(explorer, pane, title);
        self.slides.push(slide);
    }

    /// One frame of the presentation: the slide's title and view, the slide number, the keys.
    pub(super) fn presentation_ui(&mut self, ui: &mut egui::Ui) {
        let (next, previous, leave) = ui.input(|i| {
            (
                i.key_pressed(egui::Key::ArrowRight)
                    || i.key_pressed(egui::Key::PageDown)
                    || i.key_pressed(egui::Key::Space),
                i.key_pressed(egui::Key::ArrowLeft) || i.key_pressed(egui::Key::PageUp),
                i.key_pressed(egui::Key::Escape) || i.key_pressed(egui::Key::F11),
            )
        });
        let ctx = ui.ctx().clone();
        if leave {
            self.stop_presentation(&ctx);
            return;
        }
        let current = self.presenting.as_ref().map_or(0, |p| p.slide);
        if next && current + 1 < self.slides.len() {
            self.go_to_slide(current + 1);
        } else if previous && current > 0 {
            self.go_to_slide(current - 1);
        }
        let count = self.slides.len();
        let (Some(presentation), Some(explorer)) = (&mut self.presenting, &mut self.explorer) else {
            return;
        };
        let title = self
            .slides
            .get(presentation.slide)
            .map(|s| s.title.clone())
            .unwrap_or_default();
        egui::Panel::bottom("slide-number").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.weak(format!("{} / {count}", presentation.slide + 1));
                ui.separator();
                ui.weak(tr("Left/Right arrow or PageUp/PageDown: slides · Esc: leave"));
            });
        });
        let mut commands = Vec::new();
        egui::CentralPanel::default_margins().show(ui, |ui| {
            ui.label(egui::RichText::new(title).size(26.0).strong());
            ui.add_space(4.0);
            match &mut presentation.pane {
                Some(pane) => {
                    let mut view_ctx = ViewCtx::new(&explorer.derived, &explorer.state, &mut commands).for_figure();
                    pane.ui(ui, &mut view_ctx);
                }
                None => {
                    ui.label(tr("This cohort lacks what this slide shows."));
                }
            }
        });
        // Hover and selection work as in the dock; app-level commands are not offered here.
        let _ = explorer.apply(commands);
    }
}

/// The demo cohort's story, one slide per finding (README, "The demo cohort").
pub fn demo_deck() -> Vec<Slide> {
    let by = |column: &str| GroupBy::Column(column.to_owned());
    let slide = |title: &str, view: PaneKind, settings: String, group_by: GroupBy, filters: SavedFilters| Slide {
        title: title.to_owned(),
        view,
        settings,
        group_by,
        x_axis: XAxis::MonthsSinceBaseline,
        filters,
        selection: Vec::new(),
    };
    let patients = SavedFilters {
        hidden: vec![("group".to_owned(), "control".to_owned())],
        ..SavedFilters::default()
    };
    let early = SavedFilters {
        min_baseline_alsfrs: 40.0,
        ..patients.clone()
    };
    let all = SavedFilters::default();
    vec![
        slide(
            tr("Shannon diversity over time: ALS patients against healthy controls"),
            PaneKind::Trajectory("shannon".to_owned()),
            String::new(),
            by("group"),
            all.clone(),
        ),
        slide(
            tr("The gut microbiome of ALS patients apart from the controls' (PCoA, Bray–Curtis)"),
            PaneKind::Ordination,
            settings_text(&[("colour", "group".to_owned())]),
            by("group"),
            all.clone(),
        ),
        slide(
            tr("ALSFRS-R by arm, with the linear mixed model"),
            PaneKind::Trajectory("alsfrs_r_total".to_owned()),
            settings_text(&[("mixed", "true".to_owned())]),
            GroupBy::Arm,
            patients.clone(),
        ),
        slide(
            tr("Exercise slows the decline of early-stage patients (baseline ALSFRS-R ≥ 40)"),
            PaneKind::Distribution,
            settings_text(&[("metric", "alsfrs_r_slope_per_month".to_owned())]),
            GroupBy::Arm,
            early,
        ),
        slide(
            tr("Hypermetabolic patients decline faster"),
            PaneKind::Distribution,
            settings_text(&[("metric", "alsfrs_r_slope_per_month".to_owned())]),
            by("hypermetabolic"),
            patients.clone(),
        ),
        slide(
            tr("Greater BMI loss goes with faster decline"),
            PaneKind::Scatter,
            settings_text(&[
                ("x", "last_bmi_change_pct_from_baseline".to_owned()),
                ("y", "alsfrs_r_slope_per_month".to_owned()),
            ]),
            GroupBy::Arm,
            patients.clone(),
        ),
        slide(
            tr("A lower baseline F/B ratio goes with faster decline"),
            PaneKind::Scatter,
            settings_text(&[
                ("x", "baseline_fb_ratio".to_owned()),
                ("y", "alsfrs_r_slope_per_month".to_owned()),
            ]),
            GroupBy::Arm,
            patients.clone(),
        ),
        slide(
            tr("Survival by hypermetabolism"),
            PaneKind::Survival("death baseline".to_owned()),
            settings_text(&[("bands", "true".to_owned())]),
            by("hypermetabolic"),
            patients,
        ),
    ]
}
