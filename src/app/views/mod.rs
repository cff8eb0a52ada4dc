//! The views, one per file. Each gets a borrowed [`ViewCtx`] and queues commands.

pub mod cohort_table;
pub mod composition;
pub mod distribution;
pub mod ordination;
pub mod quality;
pub mod scatter;
pub mod select;
pub mod subject_profile;
pub mod trajectories;

use std::sync::Arc;

use eframe::egui::Color32;
use egui_plot::{GridInput, GridMark, MarkerShape, PlotUi, Points};

use super::derived::{Derived, SubjectInfo};
use super::state::{Category, Command, Flag, Highlight, ViewState, XAxis, format_day};
use crate::data::values::{civil_from_days, days_from_civil};

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

/// A plot with `axis` as its x-axis: its label, and on the date axis month/quarter/year grid
/// lines labelled as dates instead of day counts.
pub fn time_axis(plot: egui_plot::Plot<'_>, axis: XAxis) -> egui_plot::Plot<'_> {
    let plot = plot.x_axis_label(axis.label());
    if axis != XAxis::Date {
        return plot;
    }
    plot.x_grid_spacer(date_marks).x_axis_formatter(|mark, _| {
        let date = format_day(mark.value);
        // Year marks read "2024", month marks "2024-03".
        let len = if mark.step_size >= 365.0 { 4 } else { 7 };
        date.get(..len).unwrap_or(&date).to_owned()
    })
}

/// Grid marks on the first of each month (days since 1970-01-01), thicker each quarter, year
/// and decade; spans over two centuries fall back to plain decimal marks.
fn date_marks(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    if !(lo.is_finite() && hi.is_finite()) || hi - lo > 200.0 * 365.25 || lo.abs() > 3.0e6 || hi.abs() > 3.0e6 {
        return egui_plot::log_grid_spacer(10)(input);
    }
    let (mut year, mut month, _) = civil_from_days(lo.floor() as i32);
    let mut marks = Vec::new();
    while let Some(day) = days_from_civil(year, month, 1).map(f64::from)
        && day <= hi
    {
        let step = match (month, year % 10) {
            (1, 0) => 3652.5,
            (1, _) => 365.25,
            (4 | 7 | 10, _) => 91.31,
            _ => 30.44,
        };
        if day >= lo && step >= input.base_step_size {
            marks.push(GridMark {
                value: day,
                step_size: step,
            });
        }
        (year, month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> f64 {
        f64::from(days_from_civil(y, m, d).unwrap())
    }

    #[test]
    fn date_marks_fall_on_month_starts_and_thicken_at_quarters_and_years() {
        let bounds = (day(2023, 11, 15), day(2024, 5, 2));
        let marks = date_marks(GridInput {
            bounds,
            base_step_size: 5.0,
        });
        let dates: Vec<String> = marks.iter().map(|m| format_day(m.value)).collect();
        assert_eq!(
            dates,
            [
                "2023-12-01",
                "2024-01-01",
                "2024-02-01",
                "2024-03-01",
                "2024-04-01",
                "2024-05-01"
            ]
        );
        let steps: Vec<f64> = marks.iter().map(|m| m.step_size).collect();
        assert_eq!(steps, [30.44, 365.25, 30.44, 30.44, 91.31, 30.44]);
        // Zoomed out, months are dropped and quarters remain.
        let coarse = date_marks(GridInput {
            bounds,
            base_step_size: 60.0,
        });
        assert_eq!(coarse.len(), 2);
        // Absurd spans fall back to decimal marks rather than looping over millennia.
        assert!(
            !date_marks(GridInput {
                bounds: (-1.0e7, 1.0e7),
                base_step_size: 1.0e5
            })
            .is_empty()
        );
    }

    #[test]
    fn x_values_read_as_dates_on_the_date_axis() {
        assert_eq!(XAxis::Date.format(day(2021, 2, 28)), "2021-02-28");
        assert_eq!(XAxis::VisitNumber.format(3.0), "3");
        assert_eq!(XAxis::MonthsSinceOnset.format(12.345), "12.3");
        assert_eq!(format_day(f64::NAN), "");
    }
}
