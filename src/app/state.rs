//! Shared explorer state: the one hover/selection state every view reads, filters, the time
//! axis, and the commands views queue (applied after the UI pass, so frame order is fixed).

use crate::i18n::tr;
use std::collections::BTreeSet;

/// Anything that can be hovered or selected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Item {
    /// A subject, by index into `Derived::subjects`.
    Subject(usize),
}

/// How strongly a subject is drawn. Ordered, so levels combine with `max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Highlight {
    /// Another subject is hovered or selected: draw faintly.
    Faded,
    /// Nothing is hovered or selected: draw normally.
    Normal,
    Selected,
    Hovered,
}

/// The x-axis of every trajectory plot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum XAxis {
    #[default]
    MonthsSinceBaseline,
    MonthsSinceOnset,
    /// Calendar date, plotted as days since 1970-01-01.
    Date,
    VisitNumber,
    /// A numeric column of the study's own (`month`, `day_of_life`), chosen in the side panel
    /// (`Derived::time_column`).
    Column,
}

impl XAxis {
    /// Number of axes: the length of every per-axis array (see [`XAxis::index`]).
    pub const COUNT: usize = 5;
    pub const ALL: [XAxis; Self::COUNT] = [
        XAxis::MonthsSinceBaseline,
        XAxis::MonthsSinceOnset,
        XAxis::Date,
        XAxis::VisitNumber,
        XAxis::Column,
    ];

    pub fn label(self) -> &'static str {
        match self {
            XAxis::MonthsSinceBaseline => tr("Months since baseline"),
            XAxis::MonthsSinceOnset => tr("Months since onset"),
            XAxis::Date => tr("Date"),
            XAxis::VisitNumber => tr("Visit number"),
            XAxis::Column => tr("A column of the study"),
        }
    }

    pub fn index(self) -> usize {
        match self {
            XAxis::MonthsSinceBaseline => 0,
            XAxis::MonthsSinceOnset => 1,
            XAxis::Date => 2,
            XAxis::VisitNumber => 3,
            XAxis::Column => 4,
        }
    }

    /// The visits-table column it plots (dates as days since 1970-01-01); the chosen column's
    /// values come from `Derived::time_column`.
    pub fn column(self) -> Option<&'static str> {
        Some(match self {
            XAxis::MonthsSinceBaseline => crate::model::columns::MONTHS_SINCE_BASELINE,
            XAxis::MonthsSinceOnset => crate::model::columns::MONTHS_SINCE_ONSET,
            XAxis::Date => crate::model::columns::DATE,
            XAxis::VisitNumber => crate::model::columns::VISIT_NUMBER,
            XAxis::Column => return None,
        })
    }

    /// An x value as a reader would write it: a date on the date axis, a number otherwise.
    pub fn format(self, x: f64) -> String {
        match self {
            XAxis::Date => crate::model::time::format_day(x),
            XAxis::VisitNumber => format!("{x:.0}"),
            XAxis::MonthsSinceBaseline | XAxis::MonthsSinceOnset => format!("{x:.1}"),
            XAxis::Column => format!("{x:.2}"),
        }
    }

    /// The unit of one x step, for slopes: a month, a visit, (date axis) a day, or one unit of
    /// the chosen column.
    pub fn unit(self) -> &'static str {
        match self {
            XAxis::MonthsSinceBaseline | XAxis::MonthsSinceOnset => "month",
            XAxis::Date => "day",
            XAxis::VisitNumber => "visit",
            XAxis::Column => "unit",
        }
    }
}

/// Hover (double-buffered: written this frame, read next frame) and selection.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// What was hovered during the previous frame; views read this.
    pub hovered: Option<Item>,
    hovered_next: Option<Item>,
    /// Subjects hovered together last frame (a survival step's events), sorted; views read this.
    pub hovered_set: Vec<usize>,
    hovered_set_next: Vec<usize>,
    pub selected: BTreeSet<usize>,
}

impl Selection {
    /// Highlight level of a subject given the current hover and selection.
    pub fn highlight(&self, subject: usize) -> Highlight {
        if self.hovered_set.binary_search(&subject).is_ok() {
            return Highlight::Hovered;
        }
        match self.hovered {
            Some(Item::Subject(h)) if h == subject => Highlight::Hovered,
            _ if self.selected.contains(&subject) => Highlight::Selected,
            None if self.selected.is_empty() && self.hovered_set.is_empty() => Highlight::Normal,
            _ => Highlight::Faded,
        }
    }

    /// The subject hovered last frame, if any.
    pub fn hovered_subject(&self) -> Option<usize> {
        self.hovered.map(|Item::Subject(s)| s)
    }
}

/// A yes/no attribute filtered as any / only yes / only no.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Flag {
    Hypermetabolic,
    HasMicrobiome,
}

/// ΔFS bands (points lost per month before baseline), as used to stratify ALS trials.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DfsBand {
    Slow,
    Intermediate,
    Fast,
}

impl DfsBand {
    pub const ALL: [DfsBand; 3] = [DfsBand::Slow, DfsBand::Intermediate, DfsBand::Fast];

    pub fn label(self) -> &'static str {
        match self {
            DfsBand::Slow => tr("slow (< 0.5)"),
            DfsBand::Intermediate => tr("intermediate (0.5–1)"),
            DfsBand::Fast => tr("fast (> 1)"),
        }
    }

    pub fn contains(self, dfs: f64) -> bool {
        match self {
            DfsBand::Slow => dfs < 0.5,
            DfsBand::Intermediate => (0.5..=1.0).contains(&dfs),
            DfsBand::Fast => dfs > 1.0,
        }
    }
}

/// Which subjects the views show.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    /// Groups (indices into `Derived::groups`) switched off.
    pub hidden_groups: BTreeSet<usize>,
    /// Values switched off, as (categorical subject column, value); see `Derived::categories`.
    pub hidden: BTreeSet<(String, String)>,
    /// Required value of each yes/no attribute (absent = any).
    pub flags: std::collections::BTreeMap<Flag, bool>,
    /// Lowest baseline ALSFRS-R shown (0 = no limit; subjects without one are kept).
    pub min_baseline_alsfrs: f64,
    pub dfs_band: Option<DfsBand>,
}

/// A saved selection, usable as a grouping.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedCohort {
    pub name: String,
    /// Subject indices into `Derived::subjects`.
    pub members: BTreeSet<usize>,
}

/// What colours and groups subjects in every view (kept in the settings).
#[derive(Clone, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum GroupBy {
    /// The cohort's own arm (or group) column.
    #[default]
    Arm,
    /// The named cohorts, in order (a subject in several belongs to the first); the rest form
    /// one more group.
    NamedCohorts,
    /// Any categorical subject column (sex, site, delivery, `hypermetabolic`, …).
    Column(String),
}

/// Name of the group of subjects in no named cohort.
pub const NOT_IN_A_COHORT: &str = "not in a named cohort";

/// What views ask for; applied by [`apply`] after the UI pass.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Hover(Item),
    /// Hover several subjects at once (the events at a survival step).
    HoverSet(Vec<usize>),
    /// Click: select only this item (or clear when it is the only one selected).
    Select(Item),
    /// Box/lasso select: replace the selection with these subjects.
    SelectSet(Vec<usize>),
    ClearSelection,
    ToggleGroup(usize),
    /// Show or hide the subjects with this value of a categorical column.
    ToggleCategory(String, String),
    SetFlag(Flag, Option<bool>),
    SetMinBaselineAlsfrs(f64),
    SetDfsBand(Option<DfsBand>),
    SetXAxis(XAxis),
    /// Save the current selection under a name (replacing a cohort of that name).
    SaveCohort(String),
    DeleteCohort(usize),
    /// Select a named cohort's members.
    SelectCohort(usize),
    SetGroupBy(GroupBy),
    /// Show this finding (index into `Findings::all`): its subject is selected separately, and
    /// the Subject profile opens with the value marked.
    FocusFinding(usize),
    /// Build the trajectory geometry of a measure (at a rank, for taxa) so views can show it.
    AddMeasure(crate::cohort::MeasureRef, Option<usize>),
    /// Show a measure in a trajectory plot of its own, opened next to the view that asked.
    OpenTrajectory(crate::cohort::MeasureRef, Option<usize>),
    /// Plot time on this numeric column of the study (and switch to that x-axis).
    SetTimeColumn(String),
    /// Set the review status (and the note, when given) of these findings (indices into
    /// `Findings::all`).
    Mark {
        findings: Vec<usize>,
        status: crate::quality::review::Status,
        note: Option<String>,
        /// Who marks them.
        by: String,
    },
    /// An app-level action, handed to the shell after the UI pass.
    App(AppCommand),
}

/// A file dialog's purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialog {
    Files,
    Folder,
    Rules,
    OpenSession,
    SaveSession,
    /// An earlier freeze to compare the open cohort with.
    CompareWith,
    /// The folder the sites' query sheets go into.
    Queries,
    /// Sites' answered query sheets to read back.
    Answers,
    /// Where to save the figure of the view in this tile.
    SaveFigure(egui_tiles::TileId, FigureFormat),
}

/// The file formats a figure is written in (see `app::figure`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FigureFormat {
    Svg,
    Png,
}

impl FigureFormat {
    /// The format a file name's extension asks for.
    pub fn of(path: &std::path::Path) -> Option<FigureFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "svg" => Some(FigureFormat::Svg),
            "png" => Some(FigureFormat::Png),
            _ => None,
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            FigureFormat::Svg => "svg",
            FigureFormat::Png => "png",
        }
    }
}

/// What to do with a view's figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FigureAction {
    /// Ask where, then write it in this format.
    Save(FigureFormat),
    /// Put it on the clipboard as an image.
    Copy,
}

/// What the shell does for a view or its menu after the UI pass (never through view state).
#[derive(Clone, Debug, PartialEq)]
pub enum AppCommand {
    /// Load a cohort, replacing the open one (and cancelling a load under way).
    Open(crate::pipeline::Source),
    /// Show a file dialog; its pick comes back as `Open` or `UseRulesFile`.
    Pick(Dialog),
    /// Check with this rules file from now on, and re-check the open cohort.
    UseRulesFile(std::path::PathBuf),
    /// Back to the default arrangement of views.
    ResetLayout,
    SetTheme(eframe::egui::Theme),
    /// Replace subject and sample IDs by pseudonyms (and shift each subject's dates), or not:
    /// the open cohort is loaded again.
    SetPseudonyms {
        on: bool,
        shift_dates: bool,
    },
    /// Start presentation mode.
    Present,
    /// Show the interface in this language.
    SetLang(crate::i18n::Lang),
    /// Make review marks under this name from now on (remembered).
    SetReviewer(String),
    /// Compare the open cohort with an earlier freeze of the same study.
    CompareWith(crate::pipeline::Source),
    /// Stop marking what changed since the earlier freeze.
    StopComparing,
    /// Write each site's open findings as query sheets into this folder (marked query sent).
    WriteQueries(std::path::PathBuf),
    /// Read sites' answered query sheets into the review.
    ReadAnswers(Vec<std::path::PathBuf>),
    /// Add the view in this tile, as shown now, to the slides.
    AddSlide(egui_tiles::TileId),
    /// Save or copy the figure of the view in this tile.
    Figure(egui_tiles::TileId, FigureAction),
    /// Remove the notification at this index.
    Dismiss(usize),
    /// Show a message (a choice that did not fit the cohort).
    Notify(String),
}

/// Everything the commands change.
#[derive(Clone, Debug, Default)]
pub struct ViewState {
    pub selection: Selection,
    pub filters: Filters,
    pub x_axis: XAxis,
    pub cohorts: Vec<NamedCohort>,
    pub group_by: GroupBy,
    /// The finding last clicked in the Data quality view.
    pub focused_finding: Option<usize>,
    /// The coordinator's review of the findings.
    pub review: ReviewState,
}

/// The coordinator's review of the findings (`quality::review`), kept in the sidecar next to the
/// data and written on every change.
#[derive(Clone, Debug, Default)]
pub struct ReviewState {
    pub review: crate::quality::review::Review,
    /// The sidecar (`None`: the demo or dropped files, kept for this run only).
    pub path: Option<std::path::PathBuf>,
    /// The name marks are made under (from the settings).
    pub by: String,
    /// Each finding's status, for `Findings::all`.
    pub statuses: Vec<crate::quality::review::Status>,
    pub counts: crate::quality::review::StatusCounts,
    /// The findings `statuses` are for (their address), to recompute when they change.
    pub for_findings: usize,
    /// Counts the recomputations, so a view's cached rows know the statuses changed.
    pub generation: u64,
}

impl ReviewState {
    /// Recompute the statuses when the findings are others than last time (or `force`).
    /// `address` tells one list of findings from another (the address of its `Arc`).
    pub fn sync(&mut self, findings: &[crate::model::Finding], address: usize, force: bool) {
        if force || address != self.for_findings || self.statuses.len() != findings.len() {
            (self.statuses, self.counts) = self.review.tally(findings);
            self.for_findings = address;
            self.generation += 1;
        }
    }

    /// A finding's status (open until the statuses are known).
    pub fn status(&self, finding: usize) -> crate::quality::review::Status {
        self.statuses.get(finding).copied().unwrap_or_default()
    }
}

impl ViewState {
    /// Group names and each subject's group when grouping by the named cohorts.
    pub fn cohort_grouping(&self, num_subjects: usize) -> (Vec<String>, Vec<usize>) {
        let mut names: Vec<String> = self.cohorts.iter().map(|c| c.name.clone()).collect();
        let rest = names.len();
        names.push(NOT_IN_A_COHORT.to_owned());
        let groups = (0..num_subjects)
            .map(|s| self.cohorts.iter().position(|c| c.members.contains(&s)).unwrap_or(rest))
            .collect();
        (names, groups)
    }
}

/// Apply one frame's commands; the hover buffer flips whether or not anything was hovered.
pub fn apply(state: &mut ViewState, commands: Vec<Command>) {
    for command in commands {
        match command {
            Command::Hover(item) => state.selection.hovered_next = Some(item),
            Command::HoverSet(mut subjects) => {
                subjects.sort_unstable();
                subjects.dedup();
                state.selection.hovered_set_next = subjects;
            }
            Command::Select(Item::Subject(s)) => {
                let only = state.selection.selected.len() == 1 && state.selection.selected.contains(&s);
                state.selection.selected.clear();
                if !only {
                    state.selection.selected.insert(s);
                }
            }
            Command::SelectSet(subjects) => state.selection.selected = subjects.into_iter().collect(),
            Command::ClearSelection => state.selection.selected.clear(),
            Command::ToggleGroup(g) => {
                if !state.filters.hidden_groups.remove(&g) {
                    state.filters.hidden_groups.insert(g);
                }
            }
            Command::ToggleCategory(category, value) => {
                let key = (category, value);
                if !state.filters.hidden.remove(&key) {
                    state.filters.hidden.insert(key);
                }
            }
            Command::SetFlag(flag, value) => match value {
                Some(v) => {
                    state.filters.flags.insert(flag, v);
                }
                None => {
                    state.filters.flags.remove(&flag);
                }
            },
            Command::SetMinBaselineAlsfrs(v) => state.filters.min_baseline_alsfrs = v,
            Command::SetDfsBand(band) => state.filters.dfs_band = band,
            Command::SetXAxis(axis) => state.x_axis = axis,
            Command::SaveCohort(name) => {
                let name = name.trim().to_owned();
                if name.is_empty() || state.selection.selected.is_empty() {
                    continue;
                }
                let members = state.selection.selected.clone();
                match state.cohorts.iter_mut().find(|c| c.name == name) {
                    Some(c) => c.members = members,
                    None => state.cohorts.push(NamedCohort { name, members }),
                }
            }
            Command::DeleteCohort(i) => {
                if i < state.cohorts.len() {
                    state.cohorts.remove(i);
                }
            }
            Command::SelectCohort(i) => {
                if let Some(c) = state.cohorts.get(i) {
                    state.selection.selected = c.members.clone();
                }
            }
            Command::SetGroupBy(g) => state.group_by = g,
            Command::FocusFinding(k) => state.focused_finding = Some(k),
            // Carried out by the explorer (it owns the geometry) and the shell.
            Command::SetTimeColumn(_) => state.x_axis = XAxis::Column,
            Command::AddMeasure(..) | Command::OpenTrajectory(..) | Command::App(_) | Command::Mark { .. } => {}
        }
    }
    state.selection.hovered = state.selection.hovered_next.take();
    state.selection.hovered_set = std::mem::take(&mut state.selection.hovered_set_next);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hover_is_double_buffered_and_fades_others() {
        let mut s = ViewState::default();
        assert_eq!(s.selection.highlight(3), Highlight::Normal);
        apply(&mut s, vec![Command::Hover(Item::Subject(3))]);
        assert_eq!(s.selection.highlight(3), Highlight::Hovered);
        assert_eq!(s.selection.highlight(4), Highlight::Faded);
        apply(&mut s, vec![]);
        assert_eq!(s.selection.highlight(3), Highlight::Normal);
        apply(&mut s, vec![Command::Select(Item::Subject(4))]);
        assert_eq!(s.selection.highlight(4), Highlight::Selected);
        apply(&mut s, vec![Command::Select(Item::Subject(4))]);
        assert!(s.selection.selected.is_empty());
    }

    #[test]
    fn named_cohorts_save_the_selection_and_group_subjects() {
        let mut s = ViewState::default();
        // Nothing selected: nothing saved.
        apply(&mut s, vec![Command::SaveCohort("empty".into())]);
        assert!(s.cohorts.is_empty());
        apply(
            &mut s,
            vec![Command::SelectSet(vec![1, 2]), Command::SaveCohort(" fast ".into())],
        );
        apply(
            &mut s,
            vec![Command::SelectSet(vec![2, 3]), Command::SaveCohort("late".into())],
        );
        assert_eq!(s.cohorts.len(), 2);
        assert_eq!(s.cohorts[0].name, "fast");
        let (names, groups) = s.cohort_grouping(5);
        assert_eq!(names, ["fast", "late", NOT_IN_A_COHORT]);
        // Subject 2 is in both: the first cohort wins.
        assert_eq!(groups, [2, 0, 0, 1, 2]);
        // Saving under an existing name replaces it.
        apply(
            &mut s,
            vec![Command::SelectSet(vec![4]), Command::SaveCohort("fast".into())],
        );
        assert_eq!(s.cohorts.len(), 2);
        assert_eq!(s.cohort_grouping(5).1, [2, 2, 1, 1, 0]);
        apply(&mut s, vec![Command::SelectCohort(1)]);
        assert_eq!(s.selection.selected.iter().copied().collect::<Vec<_>>(), [2, 3]);
        apply(&mut s, vec![Command::DeleteCohort(0)]);
        assert_eq!(s.cohorts[0].name, "late");
    }
}
