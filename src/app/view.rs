//! What every view is: the [`View`] trait the registry (`views/mod.rs`) dispatches on, the
//! [`Slot`]s of the default screen, and the borrowed [`ViewCtx`] a view draws from and queues
//! commands into. Views never mutate shared state, and never import each other.

use std::sync::Arc;

use eframe::egui;

use super::derived::{Derived, SubjectInfo};
use super::state::{Command, Flag, ViewState};

/// Where the default screen puts a view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// Stacked on the left, sharing the time axis (the headline trajectories).
    Left,
    /// Tabs on the upper right.
    RightTop,
    /// Tabs on the lower right (tables, profile, findings).
    Bottom,
}

/// A kind of view. Implement it in one file under `app/views/` and add one line to the
/// registry (`views/mod.rs`); the dock, the saved layout and the tab titles follow.
pub trait View: Sized {
    /// The views of this kind on the default screen, with where each goes (none: the view is
    /// only opened from a saved layout).
    fn defaults(derived: &Derived) -> Vec<(Slot, Self)>;

    /// The tab title.
    fn title(&self, ctx: &ViewCtx<'_>) -> egui::WidgetText;

    /// A figure's title: what the plot shows, where the tab title only names the view.
    fn figure_title(&self, ctx: &ViewCtx<'_>) -> String {
        self.title(ctx).text().to_owned()
    }

    /// Draw one frame, queueing commands in `ctx`.
    fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>);

    /// What a saved layout keeps beyond the kind (a trajectory's measure column).
    fn saved(&self, _derived: &Derived) -> Option<String> {
        None
    }

    /// A fresh view from what a saved layout kept; `None` when this cohort lacks what the view
    /// shows (the layout then leaves it out).
    fn restore(saved: Option<&str>, derived: &Derived) -> Option<Self>;

    /// The view's settings beyond its kind (an axis, a colouring, an overlay) as
    /// `key=value;…` (see [`settings_text`]), kept by sessions and slides.
    fn settings(&self, _derived: &Derived) -> String {
        String::new()
    }

    /// Take settings written by [`View::settings`]; unknown keys and values are left out.
    fn apply_settings(&mut self, _settings: &str, _derived: &Derived) {}
}

/// Settings as `key=value;…` (values must not hold `;`).
pub fn settings_text(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", v.replace(';', ",")))
        .collect::<Vec<_>>()
        .join(";")
}

/// The `key=value` pairs of a settings text.
pub fn settings_pairs(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.split(';')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
}

/// What every view may read, and where it queues what it wants changed.
pub struct ViewCtx<'a> {
    pub derived: &'a Arc<Derived>,
    pub state: &'a ViewState,
    pub commands: &'a mut Vec<Command>,
    /// Which subjects pass the filters, computed once per frame.
    visible: Vec<bool>,
    /// Drawn as a figure (export, presentation): plots only, without the view's controls.
    pub figure: bool,
    /// What changed since an earlier freeze, when the cohort is compared with one.
    pub compare: Option<&'a super::freeze::Comparison>,
}

/// Which subjects pass the filters and the hidden values of `state`.
pub fn visible_subjects(derived: &Derived, state: &ViewState) -> Vec<bool> {
    // The hidden values, resolved once to each column's per-subject values.
    let hidden: Vec<(&[String], &str)> = state
        .filters
        .hidden
        .iter()
        .filter_map(|(column, value)| {
            let category = derived.categories.iter().find(|c| c.column == *column)?;
            Some((category.values.as_slice(), value.as_str()))
        })
        .collect();
    derived
        .subjects
        .iter()
        .enumerate()
        .map(|(i, s)| passes_filters(s, state) && hidden.iter().all(|(values, v)| values.get(i).is_none_or(|x| x != v)))
        .collect()
}

impl<'a> ViewCtx<'a> {
    pub fn new(derived: &'a Arc<Derived>, state: &'a ViewState, commands: &'a mut Vec<Command>) -> Self {
        Self::with_visible(derived, state, commands, visible_subjects(derived, state))
    }

    /// As [`ViewCtx::new`], with the subjects' visibility already worked out for this state
    /// ([`visible_subjects`]): a frame that needs it twice works it out once.
    pub fn with_visible(
        derived: &'a Arc<Derived>,
        state: &'a ViewState,
        commands: &'a mut Vec<Command>,
        visible: Vec<bool>,
    ) -> Self {
        Self {
            derived,
            state,
            commands,
            visible,
            figure: false,
            compare: None,
        }
    }

    /// The same context with what changed since an earlier freeze marked.
    #[must_use]
    pub fn with_compare(mut self, compare: Option<&'a super::freeze::Comparison>) -> Self {
        self.compare = compare;
        self
    }

    /// The same context for drawing a figure: views leave out their controls.
    #[must_use]
    pub fn for_figure(mut self) -> Self {
        self.figure = true;
        self
    }

    /// True when the subject passes the filters.
    pub fn visible(&self, subject: usize) -> bool {
        self.visible.get(subject).copied().unwrap_or(false)
    }

    /// Number of subjects passing the filters.
    pub fn num_visible(&self) -> usize {
        self.visible.iter().filter(|v| **v).count()
    }

    /// Why this view's geometry could not be built, if it could not (shown in place of the plot).
    pub fn problem(&self, view: &str) -> Option<&str> {
        self.derived
            .problems
            .iter()
            .find(|p| p.view == view)
            .map(|p| p.message.as_str())
    }
}

/// The filters of `state` other than the categorical columns applied to one subject.
fn passes_filters(s: &SubjectInfo, state: &ViewState) -> bool {
    let f = &state.filters;
    let flag_ok = |flag: Flag, value: Option<bool>| f.flags.get(&flag).is_none_or(|want| value == Some(*want));
    !f.hidden_groups.contains(&s.group)
        && flag_ok(Flag::Hypermetabolic, s.hypermetabolic)
        && flag_ok(Flag::HasMicrobiome, Some(s.num_samples > 0))
        && s.baseline_alsfrs.is_none_or(|b| b >= f.min_baseline_alsfrs)
        && f.dfs_band
            .is_none_or(|band| s.delta_fs.is_some_and(|d| band.contains(d)))
}

/// Draw a view's "could not be built" message instead of its plot; true when there was one.
pub fn problem_ui(ui: &mut egui::Ui, ctx: &ViewCtx<'_>, view: &str) -> bool {
    let Some(message) = ctx.problem(view) else {
        return false;
    };
    ui.colored_label(ui.visuals().error_fg_color, format!("{view}: {message}"));
    true
}
