//! The explorer: side panel (cohort, filters, x-axis) and a dock of linked views (egui_tiles).
//! Views queue commands during the frame; they are applied after the UI pass.

use std::sync::Arc;

use eframe::egui;
use egui_tiles::{Tile, TileId, Tiles, Tree, UiResponse};

use super::derived::Derived;
use super::findings::Findings;
use super::layout::Layout;
use super::state::{Category, Command, DfsBand, Flag, GroupBy, NamedCohort, ViewState, XAxis, apply};
use super::theme::group_color;
use super::views::ViewCtx;
use super::views::cohort_table::CohortTableView;
use super::views::composition::CompositionView;
use super::views::distribution::DistributionView;
use super::views::ordination::OrdinationView;
use super::views::quality::QualityView;
use super::views::scatter::ScatterView;
use super::views::subject_profile::SubjectProfileView;
use super::views::trajectories::TrajectoryView;
use crate::model::Cohort;

/// A tile in the dock.
#[derive(Clone, Debug)]
pub enum Pane {
    Trajectory(TrajectoryView),
    Ordination(OrdinationView),
    Scatter(ScatterView),
    Composition(CompositionView),
    Profile(SubjectProfileView),
    Distribution(DistributionView),
    Table(CohortTableView),
    Quality(QualityView),
}

/// The loaded cohort with its views.
pub struct Explorer {
    pub cohort: Arc<Cohort>,
    /// What the views draw, grouped as `state.group_by` says.
    pub derived: Arc<Derived>,
    /// Grouped by the cohort's own arm/group column.
    base: Arc<Derived>,
    /// The name typed for the next saved cohort.
    cohort_name: String,
    pub state: ViewState,
    pub tree: Tree<Pane>,
    /// A view asked for a rules file; the app opens the dialog.
    pub wants_rules_file: bool,
}

struct Behavior<'a> {
    ctx: ViewCtx<'a>,
}

impl egui_tiles::Behavior<Pane> for Behavior<'_> {
    fn pane_ui(&mut self, ui: &mut egui::Ui, _tile_id: TileId, pane: &mut Pane) -> UiResponse {
        match pane {
            Pane::Trajectory(v) => v.ui(ui, &mut self.ctx),
            Pane::Ordination(v) => v.ui(ui, &mut self.ctx),
            Pane::Scatter(v) => v.ui(ui, &mut self.ctx),
            Pane::Composition(v) => v.ui(ui, &mut self.ctx),
            Pane::Profile(v) => v.ui(ui, &mut self.ctx),
            Pane::Distribution(v) => v.ui(ui, &mut self.ctx),
            Pane::Table(v) => v.ui(ui, &mut self.ctx),
            Pane::Quality(v) => v.ui(ui, &mut self.ctx),
        }
        UiResponse::None
    }

    fn tab_title_for_pane(&mut self, pane: &Pane) -> egui::WidgetText {
        match pane {
            Pane::Trajectory(v) => self
                .ctx
                .derived
                .measures
                .get(v.measure)
                .map_or("Trajectory", |m| m.label)
                .into(),
            Pane::Ordination(_) => "Ordination (PCoA)".into(),
            Pane::Scatter(_) => "Scatter".into(),
            Pane::Composition(_) => "Composition".into(),
            Pane::Profile(_) => "Subject profile".into(),
            Pane::Distribution(_) => "Distribution".into(),
            Pane::Table(_) => "Cohort table".into(),
            Pane::Quality(_) => {
                let (e, w, _) = self.ctx.derived.findings.counts;
                format!("Data quality ({e} errors, {w} warnings)").into()
            }
        }
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
            wants_rules_file: false,
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
        self.regroup();
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

/// The default screen: ALSFRS-R and BMI trajectories stacked on the left, ordination and the
/// cohort table on the right.
fn default_tree(derived: &Derived) -> Tree<Pane> {
    let mut tiles = Tiles::default();
    let measure = |name: &str| derived.measures.iter().position(|m| m.column == name);
    let mut left = Vec::new();
    for name in ["alsfrs_r_total", "bmi"] {
        if let Some(m) = measure(name) {
            left.push(tiles.insert_pane(Pane::Trajectory(TrajectoryView::new(m))));
        }
    }
    let extra: Vec<TileId> = (0..derived.measures.len())
        .filter(|m| !["alsfrs_r_total", "bmi"].contains(&derived.measures[*m].column))
        .map(|m| tiles.insert_pane(Pane::Trajectory(TrajectoryView::new(m))))
        .collect();
    let ordination = tiles.insert_pane(Pane::Ordination(OrdinationView::default()));
    let table = tiles.insert_pane(Pane::Table(CohortTableView::default()));
    let scatter = tiles.insert_pane(Pane::Scatter(ScatterView::default()));
    let composition = tiles.insert_pane(Pane::Composition(CompositionView::default()));
    let distribution = tiles.insert_pane(Pane::Distribution(DistributionView::default()));
    let mut right_top = vec![ordination, composition, scatter, distribution];
    right_top.extend(extra);
    let right_top = tiles.insert_tab_tile(right_top);
    let left = tiles.insert_vertical_tile(left);
    let profile = tiles.insert_pane(Pane::Profile(SubjectProfileView::default()));
    let quality = tiles.insert_pane(Pane::Quality(QualityView::default()));
    let bottom = tiles.insert_tab_tile(vec![table, profile, quality]);
    let right = tiles.insert_vertical_tile(vec![right_top, bottom]);
    let root = tiles.insert_horizontal_tile(vec![left, right]);
    Tree::new(egui::Id::unique("explorer"), root, tiles)
}

impl Explorer {
    /// One frame: side panel, dock, then the queued commands.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let mut commands = Vec::new();
        egui::Panel::left("cohort").default_size(260.0).show(ui, |ui| {
            self.side_panel_ui(ui, &mut commands);
        });
        egui::CentralPanel::default_margins().show(ui, |ui| {
            let mut behavior = Behavior {
                ctx: ViewCtx::new(&self.derived, &self.state, &mut commands),
            };
            self.tree.ui(&mut behavior, ui);
        });
        if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            commands.push(Command::ClearSelection);
        }
        self.apply(commands);
    }

    /// Apply commands, regrouping the views when the grouping or the named cohorts changed.
    pub fn apply(&mut self, commands: Vec<Command>) {
        let regroup = commands.iter().any(|c| {
            matches!(
                c,
                Command::SetGroupBy(_) | Command::SaveCohort(_) | Command::DeleteCohort(_)
            )
        });
        let focus = commands.iter().any(|c| matches!(c, Command::FocusFinding(_)));
        self.wants_rules_file |= commands.contains(&Command::PickRulesFile);
        apply(&mut self.state, commands);
        if regroup {
            self.regroup();
        }
        if focus {
            self.tree
                .make_active(|_, tile| matches!(tile, Tile::Pane(Pane::Profile(_))));
        }
    }

    fn regroup(&mut self) {
        let derived = match self.state.group_by {
            GroupBy::Arm => Arc::clone(&self.base),
            GroupBy::NamedCohorts => {
                let (names, groups) = self.state.cohort_grouping(self.base.subjects.len());
                Arc::new(self.base.regrouped(names, &groups))
            }
        };
        if !Arc::ptr_eq(&derived, &self.derived) {
            // Group indices mean something else now.
            self.state.filters.hidden_groups.clear();
            self.derived = derived;
        }
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
        let index: std::collections::HashMap<&str, usize> = self
            .base
            .subjects
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
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

    fn cohorts_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.heading("Named cohorts");
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut self.cohort_name)
                    .hint_text("name")
                    .desired_width(110.0),
            );
            let can_save = !self.state.selection.selected.is_empty() && !self.cohort_name.trim().is_empty();
            if ui
                .add_enabled(can_save, egui::Button::new("Save selection"))
                .on_disabled_hover_text("select subjects (click, box or lasso) and type a name")
                .clicked()
            {
                commands.push(Command::SaveCohort(std::mem::take(&mut self.cohort_name)));
            }
        });
        for (i, c) in self.state.cohorts.iter().enumerate() {
            ui.horizontal(|ui| {
                let color = match self.state.group_by {
                    GroupBy::NamedCohorts => group_color(i),
                    GroupBy::Arm => ui.visuals().text_color(),
                };
                ui.colored_label(color, format!("{} ({})", c.name, c.members.len()));
                if ui.small_button("select").clicked() {
                    commands.push(Command::SelectCohort(i));
                }
                if ui.small_button("delete").clicked() {
                    commands.push(Command::DeleteCohort(i));
                }
            });
        }
        ui.horizontal(|ui| {
            ui.label("Group by");
            for (g, text) in [(GroupBy::Arm, "arm"), (GroupBy::NamedCohorts, "named cohorts")] {
                let enabled = g == GroupBy::Arm || !self.state.cohorts.is_empty();
                if ui
                    .add_enabled(enabled, egui::Button::selectable(self.state.group_by == g, text))
                    .clicked()
                {
                    commands.push(Command::SetGroupBy(g));
                }
            }
        });
    }

    fn side_panel_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let shown = ViewCtx::new(&self.derived, &self.state, commands).num_visible();
        ui.heading("Cohort");
        ui.label(format!(
            "{} subjects · {} visits · {} samples",
            self.cohort.num_subjects(),
            self.cohort.num_visits(),
            self.cohort.num_samples()
        ));
        ui.label(egui::RichText::new(format!("Showing {shown} of {} subjects", self.derived.subjects.len())).strong());
        ui.separator();
        ui.heading("Filters");
        for (g, name) in self.derived.groups.iter().enumerate() {
            let mut on = !self.state.filters.hidden_groups.contains(&g);
            let count = self.derived.subjects.iter().filter(|s| s.group == g).count();
            let text = egui::RichText::new(format!("{name} ({count})")).color(group_color(g));
            if ui.checkbox(&mut on, text).changed() {
                commands.push(Command::ToggleGroup(g));
            }
        }
        for (category, title) in [
            (Category::Site, "By site"),
            (Category::Sex, "By sex"),
            (Category::OnsetRegion, "By onset region"),
        ] {
            let mut values: Vec<&str> = self
                .derived
                .subjects
                .iter()
                .map(|s| match category {
                    Category::Site => s.site.as_str(),
                    Category::Sex => s.sex.as_str(),
                    Category::OnsetRegion => s.onset_region.as_str(),
                })
                .collect();
            values.sort_unstable();
            values.dedup();
            if values.len() < 2 {
                continue;
            }
            egui::CollapsingHeader::new(title).default_open(false).show(ui, |ui| {
                for v in values {
                    let mut on = !self.state.filters.hidden.contains(&(category, v.to_owned()));
                    let label = if v.is_empty() { "(not recorded)" } else { v };
                    if ui.checkbox(&mut on, label).changed() {
                        commands.push(Command::ToggleCategory(category, v.to_owned()));
                    }
                }
            });
        }
        for (flag, title) in [
            (Flag::Hypermetabolic, "Hypermetabolic"),
            (Flag::HasMicrobiome, "Has microbiome"),
        ] {
            ui.horizontal(|ui| {
                ui.label(title);
                let current = self.state.filters.flags.get(&flag).copied();
                for (value, text) in [(None, "any"), (Some(true), "yes"), (Some(false), "no")] {
                    if ui.selectable_label(current == value, text).clicked() {
                        commands.push(Command::SetFlag(flag, value));
                    }
                }
            });
        }
        let mut min = self.state.filters.min_baseline_alsfrs;
        if ui
            .add(
                egui::Slider::new(&mut min, 0.0..=48.0)
                    .step_by(1.0)
                    .text("min baseline ALSFRS-R"),
            )
            .changed()
        {
            commands.push(Command::SetMinBaselineAlsfrs(min));
        }
        ui.horizontal_wrapped(|ui| {
            ui.label("ΔFS:");
            let current = self.state.filters.dfs_band;
            if ui.selectable_label(current.is_none(), "any").clicked() {
                commands.push(Command::SetDfsBand(None));
            }
            for band in DfsBand::ALL {
                if ui.selectable_label(current == Some(band), band.label()).clicked() {
                    commands.push(Command::SetDfsBand(Some(band)));
                }
            }
        });
        ui.separator();
        self.cohorts_ui(ui, commands);
        ui.separator();
        ui.heading("Time axis");
        for axis in XAxis::ALL {
            if ui.radio(self.state.x_axis == axis, axis.label()).clicked() {
                commands.push(Command::SetXAxis(axis));
            }
        }
        ui.separator();
        ui.heading("Selection");
        let hovered = self
            .state
            .selection
            .hovered_subject()
            .map(|s| self.derived.subjects[s].id.clone());
        ui.label(format!("Hovered: {}", hovered.unwrap_or_else(|| "–".to_owned())));
        let selected: Vec<&str> = self
            .state
            .selection
            .selected
            .iter()
            .map(|s| self.derived.subjects[*s].id.as_str())
            .collect();
        ui.label(format!(
            "Selected: {}",
            if selected.is_empty() {
                "–".to_owned()
            } else {
                selected.join(", ")
            }
        ));
        if !selected.is_empty() && ui.button("Clear selection").clicked() {
            commands.push(Command::ClearSelection);
        }
        let (e, w, i) = self.derived.findings.counts;
        ui.separator();
        ui.heading("Data quality");
        ui.label(format!("{e} errors, {w} warnings, {i} info"));
        if ui.button("Show findings").clicked() {
            self.tree
                .make_active(|_, tile| matches!(tile, Tile::Pane(Pane::Quality(_))));
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
