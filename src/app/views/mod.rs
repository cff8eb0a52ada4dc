//! The views, one per file. Each gets a borrowed [`ViewCtx`] and queues commands.

pub mod cohort_table;
pub mod composition;
pub mod distribution;
pub mod ordination;
pub mod scatter;
pub mod select;
pub mod subject_profile;
pub mod trajectories;

use std::sync::Arc;

use eframe::egui::Color32;
use egui_plot::{MarkerShape, PlotUi, Points};

use super::derived::{Derived, SubjectInfo};
use super::state::{Category, Command, Flag, Highlight, ViewState};

/// What every view may read, and where it queues what it wants changed.
pub struct ViewCtx<'a> {
    pub derived: &'a Arc<Derived>,
    pub state: &'a ViewState,
    pub commands: &'a mut Vec<Command>,
    /// Which subjects pass the filters, computed once per frame.
    visible: Vec<bool>,
}

impl<'a> ViewCtx<'a> {
    pub fn new(derived: &'a Arc<Derived>, state: &'a ViewState, commands: &'a mut Vec<Command>) -> Self {
        let visible = derived.subjects.iter().map(|s| passes_filters(s, state)).collect();
        Self {
            derived,
            state,
            commands,
            visible,
        }
    }

    /// True when the subject passes the filters.
    pub fn visible(&self, subject: usize) -> bool {
        self.visible.get(subject).copied().unwrap_or(false)
    }

    /// Number of subjects passing the filters.
    pub fn num_visible(&self) -> usize {
        self.visible.iter().filter(|v| **v).count()
    }
}

/// The filters of `state` applied to one subject.
fn passes_filters(s: &SubjectInfo, state: &ViewState) -> bool {
    let f = &state.filters;
    let hidden = |c: Category, v: &str| !f.hidden.is_empty() && f.hidden.contains(&(c, v.to_owned()));
    let flag_ok = |flag: Flag, value: Option<bool>| f.flags.get(&flag).is_none_or(|want| value == Some(*want));
    !f.hidden_groups.contains(&s.group)
        && !hidden(Category::Site, &s.site)
        && !hidden(Category::Sex, &s.sex)
        && !hidden(Category::OnsetRegion, &s.onset_region)
        && flag_ok(Flag::Hypermetabolic, s.hypermetabolic)
        && flag_ok(Flag::HasMicrobiome, Some(s.num_samples > 0))
        && s.baseline_alsfrs.is_none_or(|b| b >= f.min_baseline_alsfrs)
        && f.dfs_band
            .is_none_or(|band| s.delta_fs.is_some_and(|d| band.contains(d)))
}

/// The subject (and its point) nearest the pointer among `candidates` (within 8 px).
pub fn nearest_subject(
    plot_ui: &egui_plot::PlotUi<'_>,
    candidates: impl Iterator<Item = (usize, egui_plot::PlotPoint)>,
) -> Option<(usize, egui_plot::PlotPoint)> {
    let pointer = plot_ui.pointer_coordinate()?;
    let at = plot_ui.screen_from_plot(pointer);
    candidates
        .map(|(s, p)| (s, p, plot_ui.screen_from_plot(p).distance(at)))
        .filter(|(_, _, d)| *d <= 8.0)
        .min_by(|a, b| a.2.total_cmp(&b.2))
        .map(|(s, p, _)| (s, p))
}

/// Points drawn in layers, one item per (class, highlight level), faded first within each
/// class so emphasised points are on top; only unemphasised items are named, so the legend has
/// one entry per class. `points` are (class, subject, position); emphasised points are drawn
/// 2 px larger than `radius`; `color` maps a class colour to a highlight level.
pub fn layered_points(
    plot_ui: &mut PlotUi<'_>,
    ctx: &ViewCtx<'_>,
    classes: &[(String, Color32)],
    points: impl Iterator<Item = (usize, usize, [f64; 2])>,
    radius: f32,
    color: impl Fn(Color32, Highlight) -> Color32,
) {
    const LEVELS: [Highlight; 4] = [
        Highlight::Faded,
        Highlight::Normal,
        Highlight::Selected,
        Highlight::Hovered,
    ];
    let mut layers: Vec<[Vec<[f64; 2]>; 4]> = vec![Default::default(); classes.len()];
    for (class, subject, p) in points {
        let level = ctx.state.selection.highlight(subject);
        if let (Some(layer), Some(l)) = (layers.get_mut(class), LEVELS.iter().position(|x| *x == level)) {
            layer[l].push(p);
        }
    }
    for ((name, base), layer) in classes.iter().zip(layers) {
        for (level, pts) in LEVELS.into_iter().zip(layer) {
            if pts.is_empty() {
                continue;
            }
            let label = if level <= Highlight::Normal {
                name.clone()
            } else {
                String::new()
            };
            let r = if level >= Highlight::Selected {
                radius + 2.0
            } else {
                radius
            };
            plot_ui.points(
                Points::new(label, pts)
                    .color(color(*base, level))
                    .radius(r)
                    .shape(MarkerShape::Circle),
            );
        }
    }
}
