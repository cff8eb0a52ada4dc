//! The window's part of a session file (`crate::session` keeps the rest): the screen — grouping,
//! time axis, filters, selection, named cohorts, measures followed, the dock with each view's
//! settings, the theme — and the presentation's slides (with the state of a presentation under
//! way, `present.rs` drawing it). Subjects are kept by ID, groups and
//! filter values by name, so a session opens on a re-export of the same data.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::derived::Derived;
use super::explorer::{Explorer, Pane};
use super::layout::{Layout, PaneKind};
use super::state::{AppCommand, Command, DfsBand, Filters, Flag, GroupBy, ViewState, XAxis};

/// The screen as a session keeps it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Screen {
    pub group_by: GroupBy,
    pub x_axis: XAxis,
    /// The study's own time column, when the x-axis is one.
    pub time_column: Option<String>,
    pub filters: SavedFilters,
    /// Selected subjects, by ID.
    pub selection: Vec<String>,
    /// Named cohorts: (name, subject IDs).
    pub cohorts: Vec<(String, Vec<String>)>,
    /// Measures followed (a column, `taxon:NAME`, `clr:NAME`) with the rank of a taxon.
    pub measures: Vec<(String, Option<usize>)>,
    pub layout: Option<Layout>,
    /// `light` or `dark`.
    pub theme: Option<String>,
}

/// Filters by name rather than index.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedFilters {
    pub hidden_groups: Vec<String>,
    pub hidden: Vec<(String, String)>,
    pub flags: Vec<(Flag, bool)>,
    pub min_baseline_alsfrs: f64,
    pub dfs_band: Option<DfsBand>,
}

/// One slide of a presentation: a view with its settings, over the cohort grouped, filtered and
/// selected as when it was added.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Slide {
    pub title: String,
    pub view: PaneKind,
    #[serde(default)]
    pub settings: String,
    #[serde(default)]
    pub group_by: GroupBy,
    #[serde(default)]
    pub x_axis: XAxis,
    #[serde(default)]
    pub filters: SavedFilters,
    #[serde(default)]
    pub selection: Vec<String>,
}

impl SavedFilters {
    pub fn of(filters: &Filters, derived: &Derived) -> Self {
        Self {
            hidden_groups: filters
                .hidden_groups
                .iter()
                .filter_map(|g| derived.groups.get(*g).cloned())
                .collect(),
            hidden: filters.hidden.iter().cloned().collect(),
            flags: filters.flags.iter().map(|(f, v)| (*f, *v)).collect(),
            min_baseline_alsfrs: filters.min_baseline_alsfrs,
            dfs_band: filters.dfs_band,
        }
    }

    /// The filters over `derived` (groups it lacks are left out).
    pub fn to_filters(&self, derived: &Derived) -> Filters {
        Filters {
            hidden_groups: self
                .hidden_groups
                .iter()
                .filter_map(|name| derived.groups.iter().position(|g| g == name))
                .collect(),
            hidden: self.hidden.iter().cloned().collect(),
            flags: self.flags.iter().copied().collect(),
            min_baseline_alsfrs: if self.min_baseline_alsfrs.is_finite() {
                self.min_baseline_alsfrs.clamp(0.0, 48.0)
            } else {
                0.0
            },
            dfs_band: self.dfs_band,
        }
    }
}

/// Selected subjects' IDs.
fn selection_ids(selected: &BTreeSet<usize>, derived: &Derived) -> Vec<String> {
    selected
        .iter()
        .filter_map(|s| derived.subjects.get(*s).map(|i| i.id.clone()))
        .collect()
}

/// Subjects by ID (IDs this cohort lacks are left out).
fn selection_of(ids: &[String], derived: &Derived) -> BTreeSet<usize> {
    let index = derived.subject_index();
    ids.iter().filter_map(|id| index.get(id.as_str()).copied()).collect()
}

impl Screen {
    /// The explorer's screen.
    pub fn of(explorer: &Explorer, dark: bool) -> Self {
        let d = &explorer.derived;
        Self {
            group_by: explorer.state.group_by.clone(),
            x_axis: explorer.state.x_axis,
            time_column: d.time_column.clone(),
            filters: SavedFilters::of(&explorer.state.filters, d),
            selection: selection_ids(&explorer.state.selection.selected, d),
            cohorts: explorer.saved_cohorts(),
            measures: d.measures.iter().map(|m| (m.column.clone(), m.rank)).collect(),
            layout: explorer.layout(),
            theme: Some(if dark { "dark" } else { "light" }.to_owned()),
        }
    }

    /// Put the screen back; what the cohort cannot show is said in the returned messages.
    pub fn restore(&self, explorer: &mut Explorer) -> Vec<String> {
        let mut notes = Vec::new();
        let mut commands: Vec<Command> = Vec::new();
        let base = explorer.base();
        for (column, rank) in &self.measures {
            if base.measures.iter().any(|m| m.column == *column && m.rank == *rank) {
                continue;
            }
            match crate::cohort::MeasureRef::parse(column, base.tables.frames(&base.cohort)) {
                Ok(spec) => commands.push(Command::AddMeasure(spec, *rank)),
                Err(e) => notes.push(format!("Session: measure `{column}` left out: {e}")),
            }
        }
        if let Some(column) = &self.time_column {
            commands.push(Command::SetTimeColumn(column.clone()));
        }
        notes.extend(notify(explorer.apply(commands)));
        explorer.state.x_axis = self.x_axis;
        explorer.restore_cohorts(&self.cohorts);
        explorer.state.group_by = self.group_by.clone();
        if let Err(e) = explorer.regroup() {
            notes.push(format!("Session: {e}"));
        }
        explorer.state.filters = self.filters.to_filters(&explorer.derived);
        explorer.state.selection.selected = selection_of(&self.selection, &explorer.derived);
        if let Some(layout) = &self.layout {
            explorer.restore_layout(layout);
        }
        notes
    }
}

impl Slide {
    /// The view `pane` as the explorer shows it now.
    pub fn of(explorer: &Explorer, pane: &Pane, title: String) -> Self {
        let d = &explorer.derived;
        Self {
            title,
            view: pane.kind(d),
            settings: pane.settings(d),
            group_by: explorer.state.group_by.clone(),
            x_axis: explorer.state.x_axis,
            filters: SavedFilters::of(&explorer.state.filters, d),
            selection: selection_ids(&explorer.state.selection.selected, d),
        }
    }

    /// Show this slide: group, filter and select as it says, and give its view; None when the
    /// cohort lacks what the view shows.
    pub fn show(&self, explorer: &mut Explorer) -> (Option<Pane>, Vec<String>) {
        let mut notes = Vec::new();
        if explorer.state.group_by != self.group_by {
            explorer.state.group_by = self.group_by.clone();
            if let Err(e) = explorer.regroup() {
                notes.push(format!("Slide {}: {e}", self.title));
            }
        }
        explorer.state.x_axis = self.x_axis;
        explorer.state.filters = self.filters.to_filters(&explorer.derived);
        explorer.state.selection.selected = selection_of(&self.selection, &explorer.derived);
        let base = explorer.base();
        if let PaneKind::Trajectory(column) = &self.view
            && !explorer.derived.measures.iter().any(|m| m.column == *column)
            && let Ok(spec) = crate::cohort::MeasureRef::parse(column, base.tables.frames(&base.cohort))
        {
            notes.extend(notify(explorer.apply(vec![Command::AddMeasure(spec, None)])));
        }
        let pane = Pane::restore(&self.view, &explorer.derived).map(|mut p| {
            p.apply_settings(&self.settings, &explorer.derived);
            p
        });
        if pane.is_none() {
            notes.push(format!("Slide {}: this cohort lacks what the view shows", self.title));
        }
        (pane, notes)
    }
}

fn notify(commands: Vec<AppCommand>) -> impl Iterator<Item = String> {
    commands.into_iter().filter_map(|c| match c {
        AppCommand::Notify(m) => Some(m),
        _ => None,
    })
}

/// A presentation under way.
pub struct Presentation {
    pub slide: usize,
    /// The current slide's view (None: the cohort lacks what it shows).
    pub pane: Option<Pane>,
    /// The explorer's state before presenting, put back after.
    pub(super) before: ViewState,
}
