//! The explorer: side panel (cohort, filters, x-axis; `side_panel.rs`) and a dock of linked
//! views (egui_tiles) from the view registry. Views queue commands during the frame; they are
//! applied after the UI pass, and app-level ones are handed to the shell.

use crate::i18n::tr;
use std::sync::Arc;

use eframe::egui;
use egui_tiles::{Tile, TileId, Tree, UiResponse};

use super::derived::{Derived, Microbiome};
use super::findings::Findings;
use super::layout::Layout;
use super::state::{
    AppCommand, Command, FigureAction, FigureFormat as Format, GroupBy, NamedCohort, ViewState, XAxis, apply,
};
use super::view::ViewCtx;
pub use super::views::Pane;
use super::views::default_tree;
use crate::cohort::group_by;
use crate::model::Cohort;

/// The loaded cohort with its views.
pub struct Explorer {
    pub cohort: Arc<Cohort>,
    /// What the views draw, grouped as `state.group_by` says.
    pub derived: Arc<Derived>,
    /// Grouped by the cohort's own arm/group column.
    pub(super) base: Arc<Derived>,
    /// The name typed for the next saved cohort.
    pub(super) cohort_name: String,
    pub state: ViewState,
    pub tree: Tree<Pane>,
    /// What changed since an earlier freeze (*Compare with…*), marked in the views.
    pub compare: Option<Arc<super::freeze::Comparison>>,
}

struct Behavior<'a> {
    ctx: ViewCtx<'a>,
}

impl egui_tiles::Behavior<Pane> for Behavior<'_> {
    fn pane_ui(&mut self, ui: &mut egui::Ui, _tile_id: TileId, pane: &mut Pane) -> UiResponse {
        pane.ui(ui, &mut self.ctx);
        UiResponse::None
    }

    fn tab_title_for_pane(&mut self, pane: &Pane) -> egui::WidgetText {
        pane.title(&self.ctx)
    }

    /// A Figure menu on each tab bar, for the view in front.
    fn top_bar_right_ui(
        &mut self,
        _tiles: &egui_tiles::Tiles<Pane>,
        ui: &mut egui::Ui,
        _tile_id: TileId,
        tabs: &egui_tiles::Tabs,
        _scroll_offset: &mut f32,
    ) {
        let Some(active) = tabs.active else { return };
        ui.menu_button(tr("Figure"), |ui| {
            let mut action = None;
            if ui.button(tr("Save as SVG…")).clicked() {
                action = Some(FigureAction::Save(Format::Svg));
            }
            if ui.button(tr("Save as PNG…")).clicked() {
                action = Some(FigureAction::Save(Format::Png));
            }
            if ui.button(tr("Copy as image")).clicked() {
                action = Some(FigureAction::Copy);
            }
            ui.separator();
            if ui.button(tr("Add as a slide")).clicked() {
                self.ctx.commands.push(Command::App(AppCommand::AddSlide(active)));
                ui.close();
            }
            if let Some(action) = action {
                self.ctx.commands.push(Command::App(AppCommand::Figure(active, action)));
                ui.close();
            }
        })
        .response
        .on_hover_text(tr(
            "This view as a figure for a slide: title, legend with n, caption with the grouping and filters",
        ));
    }

    fn simplification_options(&self) -> egui_tiles::SimplificationOptions {
        egui_tiles::SimplificationOptions {
            all_panes_must_have_tabs: true,
            ..Default::default()
        }
    }
}

impl Explorer {
    /// The default screen (see [`default_tree`]).
    pub fn new(cohort: Arc<Cohort>, derived: Arc<Derived>) -> Self {
        Self {
            cohort,
            tree: default_tree(&derived),
            base: Arc::clone(&derived),
            derived,
            cohort_name: String::new(),
            state: ViewState::default(),
            compare: None,
        }
    }

    /// The views' data grouped by the cohort's own arms (what findings are located against).
    pub fn base(&self) -> Arc<Derived> {
        Arc::clone(&self.base)
    }

    /// New findings (the rules changed): every view sees them, regrouped as before.
    pub fn set_findings(&mut self, findings: Findings) {
        let mut base = (*self.base).clone();
        base.findings = Arc::new(findings);
        self.base = Arc::new(base);
        self.state.focused_finding = None;
        self.derived = Arc::clone(&self.base);
        // The grouping held before and its column is still there: it cannot fail here.
        let _ = self.regroup();
    }

    /// The microbiome geometry, built after the first screen (for the base's grouping): every
    /// view sees it, grouped as before.
    pub fn set_microbiome(&mut self, built: &Microbiome) {
        let same = Arc::ptr_eq(&self.base, &self.derived);
        self.base = Arc::new(self.base.with_microbiome(built));
        self.derived = if same {
            Arc::clone(&self.base)
        } else {
            // Grouped otherwise meanwhile: the taxa's trends by those groups.
            let group_of: Vec<usize> = self.derived.subjects.iter().map(|s| s.group).collect();
            let groups = self.derived.groups.clone();
            Arc::new(self.derived.with_microbiome(built).regrouped(groups, &group_of))
        };
    }

    /// The dock's arrangement, to save.
    pub fn layout(&self) -> Option<Layout> {
        Layout::of(&self.tree, &self.base)
    }

    /// Arrange the dock as saved; a damaged layout leaves the current one.
    pub fn restore_layout(&mut self, layout: &Layout) {
        if let Some(tree) = layout.restore(&self.base) {
            self.tree = tree;
        }
    }

    /// Back to the default screen.
    pub fn reset_layout(&mut self) {
        self.tree = default_tree(&self.base);
    }
}

impl Explorer {
    /// One frame: side panel, dock, then the queued commands; returns the app-level ones.
    pub fn ui(&mut self, ui: &mut egui::Ui) -> Vec<AppCommand> {
        let mut commands = Vec::new();
        self.sync_review(false);
        // Who passes the filters, once for the side panel's count and the views (commands
        // change the state only after both).
        let visible = super::view::visible_subjects(&self.derived, &self.state);
        let shown = visible.iter().filter(|v| **v).count();
        egui::Panel::left("cohort").default_size(260.0).show(ui, |ui| {
            self.side_panel_ui(ui, shown, &mut commands);
        });
        egui::CentralPanel::default_margins().show(ui, |ui| {
            let mut behavior = Behavior {
                ctx: ViewCtx::with_visible(&self.derived, &self.state, &mut commands, visible)
                    .with_compare(self.compare.as_deref()),
            };
            self.tree.ui(&mut behavior, ui);
        });
        if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            commands.push(Command::ClearSelection);
        }
        self.apply(commands)
    }

    /// Apply commands, regrouping the views when the grouping or the named cohorts changed;
    /// returns the app-level commands for the shell.
    pub fn apply(&mut self, commands: Vec<Command>) -> Vec<AppCommand> {
        let regroup = commands.iter().any(|c| {
            matches!(
                c,
                Command::SetGroupBy(_) | Command::SaveCohort(_) | Command::DeleteCohort(_)
            )
        });
        let focus = commands.iter().any(|c| matches!(c, Command::FocusFinding(_)));
        let marks: Vec<(Vec<usize>, crate::quality::review::Status, Option<String>, String)> = commands
            .iter()
            .filter_map(|c| match c {
                Command::Mark {
                    findings,
                    status,
                    note,
                    by,
                } => Some((findings.clone(), *status, note.clone(), by.clone())),
                _ => None,
            })
            .collect();
        let app: Vec<AppCommand> = commands
            .iter()
            .filter_map(|c| match c {
                Command::App(a) => Some(a.clone()),
                _ => None,
            })
            .collect();
        let wanted: Vec<(crate::cohort::MeasureRef, Option<usize>)> = commands
            .iter()
            .filter_map(|c| match c {
                Command::AddMeasure(spec, rank) | Command::OpenTrajectory(spec, rank) => Some((spec.clone(), *rank)),
                _ => None,
            })
            .collect();
        let time_column = commands.iter().rev().find_map(|c| match c {
            Command::SetTimeColumn(name) => Some(name.clone()),
            _ => None,
        });
        let to_open: Vec<(String, Option<usize>)> = commands
            .iter()
            .filter_map(|c| match c {
                Command::OpenTrajectory(spec, rank) => Some((spec.label(), *rank)),
                _ => None,
            })
            .collect();
        apply(&mut self.state, commands);
        let mut app = app;
        for (findings, status, note, by) in marks {
            if by.trim() != self.state.review.by {
                by.trim().clone_into(&mut self.state.review.by);
                app.push(AppCommand::SetReviewer(self.state.review.by.clone()));
            }
            if let Err(message) = self.mark(&findings, status, note.as_deref()) {
                app.push(AppCommand::Notify(message));
            }
        }
        for (spec, rank) in wanted {
            let key = spec.label();
            if self.base.measures.iter().any(|m| m.column == key && m.rank == rank) {
                continue;
            }
            match self.base.with_measure(&spec, rank) {
                Ok(base) => {
                    self.base = Arc::new(base);
                    if let Err(message) = self.regroup() {
                        app.push(AppCommand::Notify(message));
                    }
                }
                Err(e) => app.push(AppCommand::Notify(format!("Trajectories: {e}"))),
            }
        }
        for (key, rank) in to_open {
            self.open_trajectory(&key, rank);
        }
        if let Some(name) = time_column {
            match self.base.with_time_column(&name) {
                Ok(base) => {
                    self.base = Arc::new(base);
                    if let Err(message) = self.regroup() {
                        app.push(AppCommand::Notify(message));
                    }
                }
                Err(message) => {
                    self.state.x_axis = XAxis::default();
                    app.push(AppCommand::Notify(message));
                }
            }
        }
        if regroup && let Err(message) = self.regroup() {
            app.push(AppCommand::Notify(message));
        }
        if focus {
            self.tree
                .make_active(|_, tile| matches!(tile, Tile::Pane(Pane::Profile(_))));
        }
        app
    }

    /// Set the review status of findings and write the sidecar; `Err` says why it could not be
    /// written (the marks stay for this run).
    pub fn mark(
        &mut self,
        findings: &[usize],
        status: crate::quality::review::Status,
        note: Option<&str>,
    ) -> Result<(), String> {
        let all = &self.base.findings.all;
        let chosen = findings.iter().filter_map(|&k| all.get(k));
        let review = &mut self.state.review;
        let by = review.by.clone();
        review.review.mark(
            chosen,
            &crate::quality::review::Mark {
                status,
                note,
                by: &by,
                date: &crate::model::time::today(),
            },
        );
        self.save_review()
    }

    /// Write each site's open errors and warnings as query sheets into `dir`, mark them as
    /// query sent and save the review; says what was written.
    pub fn write_queries(&mut self, dir: &std::path::Path, title: &str) -> Result<String, String> {
        let inputs: Vec<String> = self.cohort.sources.iter().map(|s| s.path.clone()).collect();
        let all = &self.base.findings.all;
        let review = &mut self.state.review;
        let sheets =
            crate::quality::queries::write(all, &review.review, dir, title, &inputs).map_err(|e| e.to_string())?;
        let by = review.by.clone();
        crate::quality::queries::mark_sent(&mut review.review, all, &sheets, &by, &crate::model::time::today());
        self.save_review()?;
        let n: usize = sheets.iter().map(|s| s.findings.len()).sum();
        Ok(crate::i18n::trf(
            "{n} questions for {sites} sites written to {dir}",
            &[("n", &n), ("sites", &sheets.len()), ("dir", &dir.display())],
        ))
    }

    /// Read answered query sheets into the review and save it; says what was read.
    pub fn read_answers(&mut self, sheets: &[std::path::PathBuf]) -> Vec<String> {
        let today = crate::model::time::today();
        let by = self.state.review.by.clone();
        let mut notes = Vec::new();
        for sheet in sheets {
            match crate::quality::queries::import(sheet, &mut self.state.review.review, &by, &today) {
                Ok(done) => {
                    notes.push(done.summary(sheet));
                    notes.extend(done.problems);
                }
                Err(e) => notes.push(e.to_string()),
            }
        }
        if let Err(e) = self.save_review() {
            notes.push(e);
        }
        notes
    }

    /// After the review changed: the statuses again, and the sidecar written (none for the demo).
    fn save_review(&mut self) -> Result<(), String> {
        self.sync_review(true);
        let review = &self.state.review;
        match &review.path {
            Some(path) => review.review.save(path).map_err(|e| e.to_string()),
            None => Ok(()),
        }
    }

    /// Open the review sidecar at `path` (a missing one is an empty review).
    pub fn open_review(&mut self, path: Option<std::path::PathBuf>, by: &str) -> Result<(), String> {
        let review = &mut self.state.review;
        by.clone_into(&mut review.by);
        review.review = match &path {
            Some(path) => crate::quality::review::Review::open(path)
                .map_err(|e| crate::i18n::trf("{error}; review marks are kept for this run only", &[("error", &e)]))?,
            None => crate::quality::review::Review::default(),
        };
        review.path = path;
        self.sync_review(true);
        Ok(())
    }

    /// The findings' statuses, recomputed when the findings changed (or `force`).
    fn sync_review(&mut self, force: bool) {
        let findings = &self.base.findings;
        let address = Arc::as_ptr(findings) as usize;
        self.state.review.sync(&findings.all, address, force);
    }

    /// Group the views as `state.group_by` says; a column that cannot group (absent from this
    /// cohort) falls back to the arm, and the error says why.
    pub fn regroup(&mut self) -> Result<(), String> {
        let mut outcome = Ok(());
        let derived = match &self.state.group_by {
            GroupBy::Arm => Arc::clone(&self.base),
            GroupBy::NamedCohorts => {
                let (names, groups) = self.state.cohort_grouping(self.base.subjects.len());
                Arc::new(self.base.regrouped(names, &groups))
            }
            GroupBy::Column(column) => match group_by(&self.base.tables.subjects, column) {
                Ok(g) => Arc::new(self.base.regrouped(named_levels(column, g.levels), &g.of_subject)),
                Err(e) => {
                    outcome = Err(format!("Group by: {e}"));
                    self.state.group_by = GroupBy::Arm;
                    Arc::clone(&self.base)
                }
            },
        };
        if derived.groups != self.derived.groups {
            // Group indices mean something else now.
            self.state.filters.hidden_groups.clear();
        }
        self.derived = derived;
        outcome
    }

    /// Show the measure `key` (at `rank`) in a trajectory plot: the one already following it, or
    /// a new tab beside the Taxa view (else at the root).
    fn open_trajectory(&mut self, key: &str, rank: Option<usize>) {
        let Some(measure) = self
            .derived
            .measures
            .iter()
            .position(|m| m.column == key && m.rank == rank)
        else {
            return;
        };
        let shown = |tile: &Tile<Pane>| matches!(tile, Tile::Pane(Pane::Trajectory(t)) if t.measure == measure);
        if !self.tree.tiles.iter().any(|(_, t)| shown(t)) {
            let beside = self
                .tree
                .tiles
                .iter()
                .find(|(_, t)| matches!(t, Tile::Pane(Pane::Taxa(_))))
                .and_then(|(id, _)| self.tree.tiles.parent_of(*id))
                .or(self.tree.root());
            let id = self
                .tree
                .tiles
                .insert_pane(Pane::Trajectory(super::views::trajectories::TrajectoryView::new(
                    measure,
                )));
            if let Some(Tile::Container(container)) = beside.and_then(|b| self.tree.tiles.get_mut(b)) {
                container.add_child(id);
            }
        }
        self.tree.make_active(|_, tile| shown(tile));
    }

    /// Named cohorts as subject IDs (for saving with the settings).
    pub fn saved_cohorts(&self) -> Vec<(String, Vec<String>)> {
        self.state
            .cohorts
            .iter()
            .map(|c| {
                let ids = c.members.iter().map(|s| self.base.subjects[*s].id.clone()).collect();
                (c.name.clone(), ids)
            })
            .collect()
    }

    /// Restore named cohorts saved as subject IDs; IDs not in this cohort are dropped.
    pub fn restore_cohorts(&mut self, saved: &[(String, Vec<String>)]) {
        let index = self.base.subject_index();
        for (name, ids) in saved {
            let members: std::collections::BTreeSet<usize> =
                ids.iter().filter_map(|id| index.get(id.as_str()).copied()).collect();
            if !members.is_empty() && !self.state.cohorts.iter().any(|c| c.name == *name) {
                self.state.cohorts.push(NamedCohort {
                    name: name.clone(),
                    members,
                });
            }
        }
    }

    /// The view in a tile, if the tile is a view.
    pub fn pane(&self, tile: TileId) -> Option<&Pane> {
        match self.tree.tiles.get(tile)? {
            Tile::Pane(p) => Some(p),
            Tile::Container(_) => None,
        }
    }

    /// The views of one kind, for tests and status lines.
    pub fn panes(&self) -> impl Iterator<Item = &Pane> {
        self.tree.tiles.iter().filter_map(|(_, t)| match t {
            Tile::Pane(p) => Some(p),
            Tile::Container(_) => None,
        })
    }
}

/// Group names for a yes/no column say what is yes (`hypermetabolic: yes`), as a legend of
/// "yes" and "no" would not; other columns' levels are their values.
fn named_levels(column: &str, levels: Vec<String>) -> Vec<String> {
    let yes_no = levels
        .iter()
        .all(|l| matches!(l.as_str(), "yes" | "no" | crate::cohort::NOT_RECORDED));
    if !yes_no {
        return levels;
    }
    levels
        .into_iter()
        .map(|l| {
            if l == crate::cohort::NOT_RECORDED {
                l
            } else {
                format!("{column}: {l}")
            }
        })
        .collect()
}
