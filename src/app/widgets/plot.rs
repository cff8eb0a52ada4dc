//! Plot helpers shared by the views: the subject nearest the pointer, points layered by
//! highlight, the time axis (with calendar-date grid marks), and data-quality finding rings.

use eframe::egui::Color32;
use egui_plot::{GridInput, GridMark, MarkerShape, PlotPoint, PlotUi, Points};

use crate::app::derived::Measure;
use crate::app::state::{Highlight, XAxis};
use crate::app::theme::{CHANGED, marker_color};
use crate::app::view::ViewCtx;
use crate::model::Severity;
use crate::model::time::{civil_from_days, days_from_civil, format_day};

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
/// level over every class so emphasised points are on top; one empty item per class in its base colour carries
/// the name, so the legend has one entry per class, in the class's colour. `points` are (class, subject, position); emphasised points are drawn
/// 2 px larger than `radius`; `color` maps a class colour to a highlight level.
pub fn layered_points(
    plot_ui: &mut PlotUi<'_>,
    ctx: &ViewCtx<'_>,
    classes: &[(String, Color32)],
    shape_of: impl Fn(usize) -> MarkerShape,
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
    // The legend's entries: an item per class in its own colour, so the legend shows the colour
    // of the group (not of its faded points), the same as every other view. Its one point is
    // not a number, so nothing is drawn (egui_plot's legend leaves out items with no points).
    for (class, ((name, base), layer)) in classes.iter().zip(&layers).enumerate() {
        if layer.iter().any(|l| !l.is_empty()) {
            plot_ui.points(
                Points::new(name.clone(), vec![[f64::NAN, f64::NAN]])
                    .color(*base)
                    .radius(radius)
                    .shape(shape_of(class)),
            );
        }
    }
    // Level by level across the classes, so a hovered or selected point is over every class.
    for (l, level) in LEVELS.into_iter().enumerate() {
        for (class, ((_, base), layer)) in classes.iter().zip(&mut layers).enumerate() {
            let pts = std::mem::take(&mut layer[l]);
            if pts.is_empty() {
                continue;
            }
            let r = if level >= Highlight::Selected {
                radius + 2.0
            } else {
                radius
            };
            plot_ui.points(
                Points::new("", pts)
                    .color(color(*base, level))
                    .radius(r)
                    .shape(shape_of(class)),
            );
        }
    }
}

/// The corner of the plot where a legend covers the fewest of `points`: each corner's box of
/// 35 % × 35 % of the points' extent is counted; ties go to the top right, then the top left,
/// bottom right, bottom left.
pub fn emptiest_corner(points: impl Iterator<Item = [f64; 2]> + Clone) -> egui_plot::Corner {
    use egui_plot::Corner;
    let finite = points.filter(|p| p[0].is_finite() && p[1].is_finite());
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for p in finite.clone() {
        for k in 0..2 {
            lo[k] = lo[k].min(p[k]);
            hi[k] = hi[k].max(p[k]);
        }
    }
    if !(lo[0] < hi[0] && lo[1] < hi[1]) {
        return Corner::RightTop;
    }
    let within = |p: &[f64; 2], right: bool, top: bool| {
        let fx = (p[0] - lo[0]) / (hi[0] - lo[0]);
        let fy = (p[1] - lo[1]) / (hi[1] - lo[1]);
        (if right { fx >= 0.65 } else { fx <= 0.35 }) && (if top { fy >= 0.65 } else { fy <= 0.35 })
    };
    [
        (Corner::RightTop, true, true),
        (Corner::LeftTop, false, true),
        (Corner::RightBottom, true, false),
        (Corner::LeftBottom, false, false),
    ]
    .into_iter()
    .min_by_key(|(_, right, top)| finite.clone().filter(|p| within(p, *right, *top)).count())
    .map_or(Corner::RightTop, |(c, _, _)| c)
}

/// A plot with `axis` as its x-axis: its label, and on the date axis month/quarter/year grid
/// lines labelled as dates instead of day counts.
pub fn time_axis(plot: egui_plot::Plot<'_>, axis: XAxis) -> egui_plot::Plot<'_> {
    if axis != XAxis::Date {
        // Month and visit numbers are short: label every month of a 9-month study, where
        // egui_plot's default spacing (for wide labels) leaves only "0".
        let hints = egui_plot::AxisHints::new_x()
            .label(axis.label())
            .label_spacing(36.0..=50.0);
        return plot.custom_x_axes(vec![hints]);
    }
    let plot = plot.x_axis_label(axis.label());
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

/// The visits of visible subjects with findings, on this measure's plot: (finding, point).
/// A finding about a visit is marked on every measure observed at that visit.
pub fn finding_markers(ctx: &ViewCtx<'_>, measure: &Measure, axis: usize) -> Vec<(usize, PlotPoint)> {
    let findings = &ctx.derived.findings;
    findings
        .visit
        .iter()
        .enumerate()
        .filter_map(|(k, visit)| {
            let x = (*visit)?[axis]?;
            let s = findings.subject[k]?;
            if !ctx.visible(s) {
                return None;
            }
            let series = &measure.series[(*measure.series_of.get(s)?)?];
            let p = series.points[axis].iter().find(|p| (p.x - x).abs() < 1e-9)?;
            Some((k, *p))
        })
        .collect()
}

/// The visits that changed since an earlier freeze (added, or with a changed value), of
/// visible subjects, on this measure's plot.
pub fn changed_markers(ctx: &ViewCtx<'_>, measure: &Measure, axis: usize) -> Vec<PlotPoint> {
    let Some(compare) = ctx.compare else { return Vec::new() };
    compare
        .visits
        .iter()
        .filter_map(|(s, visit)| {
            let x = visit[axis]?;
            if !ctx.visible(*s) {
                return None;
            }
            let series = &measure.series[(*measure.series_of.get(*s)?)?];
            series.points[axis].iter().find(|p| (p.x - x).abs() < 1e-9).copied()
        })
        .collect()
}

/// Violet diamonds around the visits that changed since the earlier freeze, with a legend entry.
pub fn draw_changed(plot_ui: &mut PlotUi<'_>, ctx: &ViewCtx<'_>, points: &[PlotPoint]) {
    let Some(compare) = ctx.compare else { return };
    if points.is_empty() {
        return;
    }
    plot_ui.points(
        Points::new(
            crate::i18n::trf("changed since {old}", &[("old", &compare.label)]),
            points.iter().map(|p| [p.x, p.y]).collect::<Vec<_>>(),
        )
        .shape(MarkerShape::Diamond)
        .filled(false)
        .radius(8.0)
        .color(CHANGED),
    );
}

/// Hollow rings at the markers, coloured by severity, one legend entry per severity.
pub fn draw_markers(plot_ui: &mut PlotUi<'_>, ctx: &ViewCtx<'_>, markers: &[(usize, PlotPoint)]) {
    for severity in [Severity::Info, Severity::Warning, Severity::Error] {
        let pts: Vec<[f64; 2]> = markers
            .iter()
            .filter(|(k, _)| ctx.derived.findings.all[*k].severity == severity)
            .map(|(_, p)| [p.x, p.y])
            .collect();
        if pts.is_empty() {
            continue;
        }
        plot_ui.points(
            Points::new(format!("finding ({})", severity.label()), pts)
                .shape(MarkerShape::Circle)
                .filled(false)
                .radius(6.0)
                .color(marker_color(severity)),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_legend_goes_to_the_corner_with_fewest_points() {
        use egui_plot::Corner;
        // A cloud falling from the top left: the top right and bottom left are empty, and
        // the bottom left has one point.
        let mut points: Vec<[f64; 2]> = (0..50)
            .map(|i| [f64::from(i) / 50.0, 1.0 - f64::from(i) / 50.0])
            .collect();
        points.push([0.1, 0.1]);
        points.push([0.9, 0.95]);
        points.push([0.95, 0.9]);
        assert!(matches!(
            super::emptiest_corner(points.iter().copied()),
            Corner::LeftBottom
        ));
        assert!(matches!(super::emptiest_corner(std::iter::empty()), Corner::RightTop));
    }

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
