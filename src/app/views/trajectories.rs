//! Trajectories: one measure over time, one line per subject coloured by group; hovering a
//! line hovers the subject everywhere. Stacked plots share the x-axis and a cursor. Optional
//! overlays: each drawn subject's OLS line, and a linear mixed model (`measure ~ time * group`,
//! random intercept and slope, REML) fitted off the UI thread — its group lines, and the
//! subject-specific lines of the hovered and selected subjects.

use crate::i18n::{tr, trf};
use std::sync::{Arc, Weak};

use eframe::egui;
use egui_plot::{Line, LineStyle, Plot, PlotPoints, PlotUi, Polygon};

use crate::app::derived::changes::{Mode, control_limits, outside_limits, transformed};
use crate::app::derived::{Derived, GroupMean, Measure, Series};
use crate::app::state::{Command, Highlight, Item, XAxis};
use crate::app::theme::{group_color, group_line_style, highlighted, line_width};
use crate::app::view::{Slot, View, ViewCtx, problem_ui, settings_pairs, settings_text};
use crate::app::widgets::legend::group_legend_ui;
use crate::app::widgets::measure_picker::MeasurePicker;
use crate::app::widgets::mixed_overlay::{GroupedFit, MixedJob, draw_mixed, segment_line};
use crate::app::widgets::paired_change::PairedChange;
use crate::app::widgets::plot::{
    changed_markers, draw_changed, draw_markers, finding_markers, nearest_subject, time_axis,
};
use crate::metrics::longitudinal::ols;
use crate::model::columns as c;
use crate::model::time::DAYS_PER_MONTH;

/// Most individual lines drawn per plot before sampling (level of detail).
pub const MAX_LINES: usize = 400;

/// Persistent state of one trajectory view.
#[derive(Clone, Debug)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent overlay switches, each a checkbox"
)]
pub struct TrajectoryView {
    /// Index into `Derived::measures`.
    pub measure: usize,
    /// Subjects drawn highlighted in the last frame (for tests and the status line).
    pub last_emphasised: Vec<usize>,
    /// Plot-to-screen transform of the last frame, to find where a subject was drawn.
    last_transform: Option<egui_plot::PlotTransform>,
    /// Draw each drawn subject's own OLS line.
    pub show_ols: bool,
    /// Draw the mixed model's lines.
    pub show_mixed: bool,
    /// Draw the D50 model's curve of the hovered and selected subjects (ALSFRS-R only).
    pub show_d50: bool,
    mixed: Option<MixedJob>,
    /// Mark visits with data-quality findings.
    pub show_findings: bool,
    /// Findings marked in the last frame, with where: (finding, plot point).
    pub last_markers: Vec<(usize, egui_plot::PlotPoint)>,
    /// The visits ringed as changed since an earlier freeze in the last frame.
    pub last_changed: Vec<egui_plot::PlotPoint>,
    /// Which measure to follow.
    pub picker: MeasurePicker,
    /// Values, changes or a control chart.
    pub mode: Mode,
    /// Change between two chosen times, tested.
    pub paired: PairedChange,
    /// The measure as `mode` shows it, for (mode, measure, the `Derived` it came from).
    shown: Option<(Mode, usize, Weak<Derived>, Arc<Shown>)>,
}

/// A measure transformed for a mode, with the control chart's ±3 SD limits and the
/// observations outside ±2 SD: (subject, point, beyond 3 SD), per x-axis.
#[derive(Debug)]
struct Shown {
    measure: Measure,
    three: Vec<GroupMean>,
    outside: [Vec<(usize, [f64; 2], bool)>; XAxis::COUNT],
}

impl TrajectoryView {
    pub fn new(measure: usize) -> Self {
        Self {
            measure,
            last_emphasised: Vec::new(),
            last_transform: None,
            show_ols: false,
            show_mixed: false,
            show_d50: false,
            mixed: None,
            show_findings: true,
            last_markers: Vec::new(),
            last_changed: Vec::new(),
            picker: MeasurePicker::new(),
            mode: Mode::Values,
            shown: None,
            paired: PairedChange::default(),
        }
    }

    /// The measure as the mode shows it (None: plain values), rebuilt when the mode, the measure
    /// or the grouping changed.
    fn shown(&mut self, derived: &Arc<Derived>) -> Option<Arc<Shown>> {
        if self.mode == Mode::Values {
            return None;
        }
        let fresh = self.shown.as_ref().is_some_and(|(mode, measure, source, _)| {
            *mode == self.mode && *measure == self.measure && std::ptr::eq(source.as_ptr(), Arc::as_ptr(derived))
        });
        if !fresh {
            let m = derived.measures.get(self.measure)?;
            let (subjects, groups) = (&derived.subjects, derived.groups.len());
            let measure = transformed(m, subjects, groups, self.mode)?;
            let (three, outside) = if self.mode == Mode::ControlChart {
                let three = control_limits(m, subjects, groups, 3.0);
                let outside = std::array::from_fn(|axis| {
                    outside_limits(m, subjects, &measure.means, &three, axis, &|_| true)
                        .into_iter()
                        .map(|(s, x, y, far)| (s, [x, y], far))
                        .collect()
                });
                (three, outside)
            } else {
                (Vec::new(), Default::default())
            };
            let shown = Shown {
                measure,
                three,
                outside,
            };
            self.shown = Some((self.mode, self.measure, Arc::downgrade(derived), Arc::new(shown)));
        }
        self.shown.as_ref().map(|(_, _, _, s)| Arc::clone(s))
    }

    /// Start (or keep polling) the mixed-model fit of this measure on this axis and grouping.
    fn fit_mixed(&mut self, ui: &egui::Ui, ctx: &ViewCtx<'_>, axis: usize) {
        if self
            .mixed
            .as_ref()
            .is_none_or(|j| !j.fits(ctx.derived, self.measure, axis))
        {
            self.mixed = Some(MixedJob::start(ui, ctx.derived, self.measure, axis));
        }
        if let Some(job) = &mut self.mixed {
            job.poll();
        }
    }

    /// True while the mixed model it shows is still being fitted (a figure waits for it).
    pub fn is_fitting(&self) -> bool {
        self.show_mixed && self.mode == Mode::Values && self.mixed.as_ref().is_some_and(|j| j.result.is_none())
    }

    /// The finished mixed-model fit for the current axis and grouping, if any.
    pub fn mixed_fit(&self) -> Option<&Result<GroupedFit, String>> {
        self.mixed.as_ref()?.result.as_ref()
    }

    /// Overlay switches, and the mixed model's state and group slopes.
    fn overlay_controls_ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>, axis: usize) {
        ui.horizontal_wrapped(|ui| {
            self.picker.ui(ui, ctx, &mut self.measure);
            ui.checkbox(&mut self.show_findings, tr("Findings"))
                .on_hover_text(tr("Ring each visit of a visible subject that has a data-quality finding"));
            let title = ui.label(tr("Show"));
            egui::ComboBox::from_id_salt(("mode", ui.scope_id()))
                .selected_text(self.mode.label())
                .show_ui(ui, |ui| {
                    for mode in Mode::ALL {
                        ui.selectable_value(&mut self.mode, mode, mode.label());
                    }
                })
                .response
                .labelled_by(title.id);
            ui.checkbox(&mut self.show_ols, tr("Subject OLS lines"));
            let alsfrs = ctx.derived.measures.get(self.measure).is_some_and(|m| m.column == c::ALSFRS_R_TOTAL);
            if alsfrs && self.mode == Mode::Values {
                ui.checkbox(&mut self.show_d50, tr("D50 curve")).on_hover_text(
                    tr("The D50 model of the hovered and selected subjects: 48 / (1 + exp((t − D50)/dx)), t in months since onset (Steinbach et al. 2020)"),
                );
            }
            if self.mode != Mode::Values {
                // The mixed model describes the values themselves.
                return;
            }
            ui.checkbox(&mut self.show_mixed, tr("Mixed model"))
                .on_hover_text(tr("measure ~ time × group, random intercept and slope per subject (REML); dashed: group lines, fine dashes: hovered/selected subjects"));
            if !self.show_mixed {
                return;
            }
            self.fit_mixed(ui, ctx, axis);
            match self.mixed_fit() {
                None => {
                    ui.spinner();
                    ui.label(tr("fitting…"));
                }
                Some(Err(e)) => {
                    ui.colored_label(ui.visuals().error_fg_color, trf("mixed model: {why}", &[("why", e)]));
                }
                Some(Ok(fit)) => {
                    // On the date axis x is in days: quote the slope per month.
                    let (unit, step) = match ctx.state.x_axis {
                        XAxis::Date => ("month", DAYS_PER_MONTH),
                        other => (other.unit(), 1.0),
                    };
                    ui.label(trf("slope per {unit}:", &[("unit", &unit)]));
                    for (g, name) in ctx.derived.groups.iter().enumerate() {
                        if let (Some(a), Some(b)) = (fit.predict_group(g, 0.0), fit.predict_group(g, step)) {
                            ui.colored_label(group_color(g), format!("{name} {:+.2}", b - a));
                        }
                    }
                    if let Some(note) = &fit.fit.note {
                        ui.label(tr("(random intercept only)")).on_hover_text(note);
                    }
                }
            }
        });
    }

    fn view_ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        if problem_ui(ui, ctx, "Trajectories") {
            return;
        }
        self.picker.settle(ctx, &mut self.measure);
        let derived = Arc::clone(ctx.derived);
        if derived.measures.get(self.measure).is_none() {
            ui.label(tr("This measure is not in the cohort."));
            return;
        }
        let axis = ctx.state.x_axis;
        let a = axis.index();
        if !ctx.figure {
            self.overlay_controls_ui(ui, ctx, a);
        } else if self.show_mixed && self.mode == Mode::Values {
            // No controls in a figure or on a slide, but the model it shows.
            self.fit_mixed(ui, ctx, a);
        }
        let shown = self.shown(&derived);
        let Some(measure) = shown
            .as_ref()
            .map(|s| &s.measure)
            .or(derived.measures.get(self.measure))
        else {
            return;
        };
        if let Some(values) = derived.measures.get(self.measure).filter(|_| !ctx.figure) {
            let tolerance = values.bin_widths[a] / 2.0;
            self.paired.ui(ui, ctx, values, a, tolerance);
        }
        let mut counts = vec![0; derived.groups.len()];
        for s in measure
            .series
            .iter()
            .filter(|s| ctx.visible(s.subject) && !s.points[a].is_empty())
        {
            counts[derived.subjects[s.subject].group] += 1;
        }
        group_legend_ui(ui, ctx, &counts);
        let plot = time_axis(Plot::new(("trajectory", self.measure, a)), axis)
            .x_axis_label(match (axis, &derived.time_column) {
                (XAxis::Column, Some(name)) => name.clone(),
                _ => axis.label().to_owned(),
            })
            .y_axis_label(measure.label.as_str())
            .default_x_bounds(ctx.derived.x_range[a].0, ctx.derived.x_range[a].1)
            .link_cursor(egui::Id::unique("trajectories"), [true, false])
            .allow_scroll(false);
        self.last_emphasised.clear();
        let mut emphasised = Vec::new();
        let mut sampled = (0, 0);
        let show_ols = self.show_ols;
        let show_findings = self.show_findings;
        let mut markers = Vec::new();
        let mut changed = Vec::new();
        let show_d50 = self.show_d50
            && self.mode == Mode::Values
            && measure.column == c::ALSFRS_R_TOTAL
            && matches!(axis, XAxis::MonthsSinceBaseline | XAxis::MonthsSinceOnset | XAxis::Date);
        let mixed_fit = if self.show_mixed && self.mode == Mode::Values {
            self.mixed_fit().and_then(|r| r.as_ref().ok())
        } else {
            None
        };
        let response = plot.show(ui, |plot_ui| {
            // Faded lines first, highlighted ones last so they are on top.
            let visible: Vec<&Series> = measure
                .series
                .iter()
                .filter(|s| ctx.visible(s.subject) && !s.points[a].is_empty())
                .collect();
            // Level of detail: past MAX_LINES, an even subsample of lines (plus every highlighted
            // one) is drawn; the group means below still use every subject.
            let stride = visible.len().div_ceil(MAX_LINES).max(1);
            let mut order: Vec<(Highlight, &Series)> = visible
                .iter()
                .enumerate()
                .map(|(i, s)| (i, ctx.state.selection.highlight(s.subject), *s))
                .filter(|(i, h, _)| i % stride == 0 || *h >= Highlight::Selected)
                .map(|(_, h, s)| (h, s))
                .collect();
            sampled = (order.len(), visible.len());
            order.sort_by_key(|(h, _)| *h);
            // Faded and plain lines under the group means; hovered and selected ones over
            // everything (below), so a subject near its group's mean stays visible.
            let split = order.partition_point(|(h, _)| *h <= Highlight::Normal);
            for (level, series) in &order[..split] {
                draw_series(plot_ui, ctx, series, *level, a, show_ols);
            }
            // Group means with 95% CI bands, over the individual lines.
            // The means fade while a subject is hovered, so its line reads against them.
            let fade = if ctx.state.selection.hovered_subject().is_some() || !ctx.state.selection.hovered_set.is_empty()
            {
                0.35
            } else {
                1.0
            };
            for mean in &measure.means {
                if ctx.state.filters.hidden_groups.contains(&mean.group) || mean.points[a].len() < 2 {
                    continue;
                }
                let color = group_color(mean.group).gamma_multiply(fade);
                let pts = &mean.points[a];
                // The band as one convex quad per segment (a polygon fill must be convex).
                for w in pts.windows(2) {
                    let quad = vec![
                        [w[0][0], w[0][2]],
                        [w[1][0], w[1][2]],
                        [w[1][0], w[1][3]],
                        [w[0][0], w[0][3]],
                    ];
                    plot_ui.polygon(
                        Polygon::new("", PlotPoints::from(quad))
                            .fill_color(color.gamma_multiply(0.18))
                            .stroke(egui::Stroke::NONE),
                    );
                }
                let line: Vec<[f64; 2]> = pts.iter().map(|p| [p[0], p[1]]).collect();
                plot_ui.line(
                    Line::new("", PlotPoints::from(line))
                        .color(color)
                        .width(4.0)
                        .style(group_line_style(mean.group)),
                );
            }
            if let Some(shown) = &shown {
                draw_control_chart(plot_ui, ctx, shown, a);
            }
            if let Some(fit) = mixed_fit {
                let emphasised: Vec<usize> = order[split..].iter().map(|(_, s)| s.subject).collect();
                draw_mixed(fit, plot_ui, ctx, measure, a, &emphasised);
            }
            if show_d50 {
                for (level, series) in order.iter().filter(|(h, _)| *h >= Highlight::Selected) {
                    let last = series.points[a].last().map_or(0.0, |p| p.x);
                    if let Some(curve) = d50_curve(&ctx.derived.subjects[series.subject], axis, last) {
                        let color = highlighted(group_color(ctx.derived.subjects[series.subject].group), *level);
                        plot_ui.line(
                            Line::new("", PlotPoints::from(curve))
                                .color(color)
                                .width(2.0)
                                .style(LineStyle::dashed_loose()),
                        );
                    }
                }
            }
            for (level, series) in &order[split..] {
                draw_series(plot_ui, ctx, series, *level, a, show_ols);
                emphasised.push(series.subject);
            }
            if show_findings {
                markers = finding_markers(ctx, measure, a);
                draw_markers(plot_ui, ctx, &markers);
            }
            changed = changed_markers(ctx, measure, a);
            draw_changed(plot_ui, ctx, &changed);
            nearest_subject(
                plot_ui,
                order
                    .iter()
                    .flat_map(|(_, s)| s.points[a].iter().map(move |p| (s.subject, *p))),
            )
        });
        self.last_emphasised = emphasised;
        self.last_transform = Some(response.transform);
        if sampled.0 < sampled.1 {
            ui.label(trf(
                "{drawn} of {all} subject lines drawn (even sample); group means use all",
                &[("drawn", &sampled.0), ("all", &sampled.1)],
            ));
        }
        // A hovered finding marker explains itself; a click opens it.
        let hovered_marker = response.response.hover_pos().and_then(|at| {
            markers
                .iter()
                .map(|(k, p)| (*k, response.transform.position_from_point(p).distance(at)))
                .filter(|(_, d)| *d <= 7.0)
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(k, _)| k)
        });
        self.last_markers = markers;
        self.last_changed = changed;
        if let Some(k) = hovered_marker {
            let f = &ctx.derived.findings.all[k];
            response.response.clone().on_hover_text(format!(
                "{} {}\n{}\n{}",
                f.severity.label(),
                f.rule,
                f.location(),
                f.message
            ));
            if response.response.clicked() {
                if let Some(s) = ctx.derived.findings.subject[k] {
                    ctx.commands.push(Command::SelectSet(vec![s]));
                }
                ctx.commands.push(Command::FocusFinding(k));
            }
            return;
        }
        if let Some((subject, point)) = response.inner {
            ctx.commands.push(Command::Hover(Item::Subject(subject)));
            let info = &ctx.derived.subjects[subject];
            response.response.clone().on_hover_text(format!(
                "{} — {}\n{}: {}\n{}: {:.1}",
                info.id,
                ctx.derived.groups[info.group],
                axis.label(),
                axis.format(point.x),
                measure.label,
                point.y
            ));
            if response.response.clicked() {
                ctx.commands.push(Command::Select(Item::Subject(subject)));
            }
        }
    }
}

/// One subject's line in its group's colour and style at its highlight level, with its OLS
/// line when asked.
fn draw_series<'a>(
    plot_ui: &mut PlotUi<'a>,
    ctx: &ViewCtx<'_>,
    series: &'a Series,
    level: Highlight,
    a: usize,
    show_ols: bool,
) {
    let group = ctx.derived.subjects[series.subject].group;
    let color = highlighted(group_color(group), level);
    plot_ui.line(
        Line::new("", PlotPoints::from(&series.points[a][..]))
            .color(color)
            .width(line_width(level))
            .style(group_line_style(group)),
    );
    if show_ols && let Some(fit) = ols(series.points[a].iter().map(|p| (p.x, p.y))) {
        let (x0, x1) = (series.points[a][0].x, series.points[a][series.points[a].len() - 1].x);
        let ends = [[x0, fit.at(x0)], [x1, fit.at(x1)]];
        segment_line(plot_ui, ends, color, line_width(level), LineStyle::dashed_dense());
    }
}

/// A subject's D50 curve on `axis`, from onset to six months past `last_x` (the last visit's x):
/// the model's months since onset moved onto months since baseline or calendar days.
fn d50_curve(subject: &crate::app::derived::SubjectInfo, axis: XAxis, last_x: f64) -> Option<Vec<[f64; 2]>> {
    let (d50, dx) = subject.d50?;
    let onset = subject.onset_day?;
    // x of a time t (months since onset) on the axis.
    let to_x = |t: f64| match axis {
        XAxis::MonthsSinceOnset => Some(t),
        XAxis::MonthsSinceBaseline => Some(t + onset / DAYS_PER_MONTH),
        XAxis::Date => subject.baseline_date.map(|b| f64::from(b) + onset + t * DAYS_PER_MONTH),
        _ => None,
    };
    let x0 = to_x(0.0)?;
    let per_month = to_x(1.0)? - x0;
    let end = (last_x - x0) / per_month + 6.0;
    let fit = crate::metrics::progression::D50Fit { d50, dx, sse: 0.0 };
    Some(
        (0..=120)
            .map(|i| {
                let t = end.max(1.0) * f64::from(i) / 120.0;
                [x0 + t * per_month, fit.at(t)]
            })
            .collect(),
    )
}

/// The ±3 SD limits of the control chart as dashed lines per group, and the observations of
/// visible subjects outside ±2 SD (orange) or ±3 SD (red) ringed.
fn draw_control_chart(plot_ui: &mut PlotUi<'_>, ctx: &ViewCtx<'_>, shown: &Shown, axis: usize) {
    for limits in &shown.three {
        if ctx.state.filters.hidden_groups.contains(&limits.group) || limits.points[axis].len() < 2 {
            continue;
        }
        for k in [2, 3] {
            let line: Vec<[f64; 2]> = limits.points[axis].iter().map(|p| [p[0], p[k]]).collect();
            plot_ui.line(
                Line::new("", PlotPoints::from(line))
                    .color(group_color(limits.group))
                    .width(1.5)
                    .style(LineStyle::dashed_loose()),
            );
        }
    }
    for (far, name, color) in [
        (
            false,
            tr("outside ±2 SD"),
            crate::app::theme::marker_color(crate::model::Severity::Warning),
        ),
        (
            true,
            tr("outside ±3 SD"),
            crate::app::theme::marker_color(crate::model::Severity::Error),
        ),
    ] {
        let pts: Vec<[f64; 2]> = shown.outside[axis]
            .iter()
            .filter(|(s, _, f)| *f == far && ctx.visible(*s))
            .map(|(_, p, _)| *p)
            .collect();
        if !pts.is_empty() {
            plot_ui.points(
                egui_plot::Points::new(name, pts)
                    .shape(egui_plot::MarkerShape::Circle)
                    .filled(false)
                    .radius(6.0)
                    .color(color),
            );
        }
    }
}

/// Trajectories stacked on the left when present: function, weight and the microbiome's diversity;
/// the other measures open as tabs.
const HEADLINE: [&str; 3] = [c::ALSFRS_R_TOTAL, c::BMI, c::SHANNON];

impl View for TrajectoryView {
    fn defaults(derived: &Derived) -> Vec<(Slot, Self)> {
        let headline = HEADLINE
            .iter()
            .filter_map(|name| derived.measures.iter().position(|m| m.column == *name))
            .map(|m| (Slot::Left, Self::new(m)));
        let others = (0..derived.measures.len())
            .filter(|m| !HEADLINE.contains(&derived.measures[*m].column.as_str()))
            .map(|m| (Slot::RightTop, Self::new(m)));
        headline.chain(others).collect()
    }

    fn title(&self, ctx: &ViewCtx<'_>) -> egui::WidgetText {
        ctx.derived
            .measures
            .get(self.measure)
            .map_or("Trajectory", |m| m.label.as_str())
            .into()
    }

    fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        self.view_ui(ui, ctx);
    }

    fn settings(&self, _derived: &Derived) -> String {
        let mode = match self.mode {
            Mode::Values => "values",
            Mode::FromPrevious => "previous",
            Mode::FromBaseline => "baseline",
            Mode::ControlChart => "control",
        };
        settings_text(&[
            ("mode", mode.to_owned()),
            ("ols", self.show_ols.to_string()),
            ("mixed", self.show_mixed.to_string()),
            ("d50", self.show_d50.to_string()),
            ("findings", self.show_findings.to_string()),
        ])
    }

    fn apply_settings(&mut self, settings: &str, _derived: &Derived) {
        for (key, value) in settings_pairs(settings) {
            let on = value == "true";
            match key {
                "mode" => {
                    self.mode = match value {
                        "previous" => Mode::FromPrevious,
                        "baseline" => Mode::FromBaseline,
                        "control" => Mode::ControlChart,
                        _ => Mode::Values,
                    }
                }
                "ols" => self.show_ols = on,
                "mixed" => self.show_mixed = on,
                "d50" => self.show_d50 = on,
                "findings" => self.show_findings = on,
                _ => {}
            }
        }
    }

    fn saved(&self, derived: &Derived) -> Option<String> {
        derived.measures.get(self.measure).map(|m| m.column.clone())
    }

    fn restore(saved: Option<&str>, derived: &Derived) -> Option<Self> {
        let column = saved?;
        derived.measures.iter().position(|m| m.column == column).map(Self::new)
    }
}

impl TrajectoryView {
    /// Where a subject's second (or only) point was drawn in the last frame, on `axis`.
    pub fn screen_position(&self, derived: &Derived, axis: XAxis, subject: usize) -> Option<egui::Pos2> {
        let transform = self.last_transform.as_ref()?;
        let measure = derived.measures.get(self.measure)?;
        let series = measure.series.iter().find(|s| s.subject == subject)?;
        let points = &series.points[axis.index()];
        let point = points.get(1).or(points.first())?;
        Some(transform.position_from_point(point))
    }
}
