//! Trajectories: one measure over time, one line per subject coloured by group; hovering a
//! line hovers the subject everywhere. Stacked plots share the x-axis and a cursor. Optional
//! overlays: each drawn subject's OLS line, and a linear mixed model (`measure ~ time * group`,
//! random intercept and slope, REML) fitted off the UI thread — its group lines, and the
//! subject-specific lines of the hovered and selected subjects.

use std::sync::{Arc, Weak};

use eframe::egui;
use egui_plot::{Legend, Line, LineStyle, Plot, PlotPoints, PlotUi, Polygon};

use crate::app::derived::{Derived, Measure, Series};
use crate::app::jobs::{Job, Poll};
use crate::app::state::{Command, Highlight, Item, XAxis};
use crate::app::theme::{group_color, highlighted, line_width};
use crate::app::view::{Slot, View, ViewCtx, problem_ui};
use crate::app::widgets::measure_picker::MeasurePicker;
use crate::app::widgets::plot::{draw_markers, finding_markers, nearest_subject, time_axis};
use crate::metrics::longitudinal::ols;
use crate::metrics::mixed::{self, MixedFit};
use crate::model::columns as c;
use crate::model::time::DAYS_PER_MONTH;

/// Most individual lines drawn per plot before sampling (level of detail).
pub const MAX_LINES: usize = 400;

/// Persistent state of one trajectory view.
#[derive(Clone, Debug)]
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
    mixed: Option<MixedJob>,
    /// Mark visits with data-quality findings.
    pub show_findings: bool,
    /// Findings marked in the last frame, with where: (finding, plot point).
    pub last_markers: Vec<(usize, egui_plot::PlotPoint)>,
    /// Which measure to follow.
    pub picker: MeasurePicker,
}

/// A mixed-model fit of one measure on one x-axis for one grouping, running or done.
#[derive(Clone, Debug)]
struct MixedJob {
    measure: usize,
    axis: usize,
    /// The `Derived` it was fitted on (a regrouping refits). Weak, so an old grouping is freed,
    /// but its allocation stays and no new `Derived` can take its address and look the same.
    source: Weak<Derived>,
    /// The fit under way (shared by clones of the view; cancelled when the last is dropped).
    job: Option<Arc<Job<Result<GroupedFit, String>>>>,
    result: Option<Result<GroupedFit, String>>,
}

impl MixedJob {
    fn start(ui: &egui::Ui, derived: &Arc<Derived>, measure: usize, axis: usize) -> Self {
        let d = Arc::clone(derived);
        let spawned = Job::spawn("mixed-model", ui.ctx(), move |_| {
            d.measures
                .get(measure)
                .ok_or_else(|| "no such measure".to_owned())
                .and_then(|m| fit_mixed(&d, m, axis))
        });
        let (job, result) = match spawned {
            Ok(job) => (Some(Arc::new(job)), None),
            Err(e) => (None, Some(Err(e))),
        };
        Self {
            measure,
            axis,
            source: Arc::downgrade(derived),
            job,
            result,
        }
    }

    /// Take the fit if it has finished.
    fn poll(&mut self) {
        let Some(job) = &self.job else { return };
        match job.poll() {
            Poll::Running => return,
            Poll::Done(fit) => self.result = Some(fit),
            Poll::Lost => self.result = Some(Err("the fit stopped unexpectedly".to_owned())),
        }
        self.job = None;
    }

    /// True when this job fitted `measure` of `derived` on `axis`.
    fn fits(&self, derived: &Arc<Derived>, measure: usize, axis: usize) -> bool {
        self.measure == measure && self.axis == axis && std::ptr::eq(self.source.as_ptr(), Arc::as_ptr(derived))
    }
}

/// A straight fitted line between two points (OLS and mixed-model overlays).
fn segment_line(plot_ui: &mut PlotUi<'_>, ends: [[f64; 2]; 2], color: egui::Color32, width: f32, style: LineStyle) {
    plot_ui.line(
        Line::new("", PlotPoints::from(ends.to_vec()))
            .color(color)
            .width(width)
            .style(style),
    );
}

/// A mixed-model fit with the group indices it was fitted on.
#[derive(Clone, Debug)]
pub struct GroupedFit {
    pub fit: MixedFit,
    /// Model group of each `Derived` group (None: the group has no observations).
    model_group: Vec<Option<usize>>,
}

impl GroupedFit {
    /// Population prediction for a `Derived` group, if it was in the model.
    pub fn predict_group(&self, group: usize, x: f64) -> Option<f64> {
        Some(self.fit.predict_group((*self.model_group.get(group)?)?, x))
    }

    /// Prediction for one subject (fixed + its random effects).
    pub fn predict_subject(&self, subject: usize, group: usize, x: f64) -> Option<f64> {
        Some(self.fit.predict_subject(subject, (*self.model_group.get(group)?)?, x))
    }
}

/// `measure ~ x * group` with a random intercept and slope per subject, on every subject; groups
/// without observations of this measure (e.g. controls without ALSFRS-R) are left out.
fn fit_mixed(d: &Derived, m: &Measure, axis: usize) -> Result<GroupedFit, String> {
    let mut present = vec![false; d.groups.len()];
    for s in m.series.iter().filter(|s| !s.points[axis].is_empty()) {
        present[d.subjects[s.subject].group] = true;
    }
    let mut next = 0;
    let model_group: Vec<Option<usize>> = present
        .iter()
        .map(|p| {
            p.then(|| {
                next += 1;
                next - 1
            })
        })
        .collect();
    let obs: Vec<mixed::Obs> = m
        .series
        .iter()
        .flat_map(|s| {
            let group = model_group[d.subjects[s.subject].group].unwrap_or(0);
            s.points[axis].iter().map(move |p| mixed::Obs {
                subject: s.subject,
                months: p.x,
                group,
                y: p.y,
            })
        })
        .collect();
    let fit = mixed::fit(&obs, next, true).map_err(|e| e.to_string())?;
    Ok(GroupedFit { fit, model_group })
}

impl TrajectoryView {
    pub fn new(measure: usize) -> Self {
        Self {
            measure,
            last_emphasised: Vec::new(),
            last_transform: None,
            show_ols: false,
            show_mixed: false,
            mixed: None,
            show_findings: true,
            last_markers: Vec::new(),
            picker: MeasurePicker::new(),
        }
    }

    /// The finished mixed-model fit for the current axis and grouping, if any.
    pub fn mixed_fit(&self) -> Option<&Result<GroupedFit, String>> {
        self.mixed.as_ref()?.result.as_ref()
    }

    /// Overlay switches, and the mixed model's state and group slopes.
    fn overlay_controls_ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>, axis: usize) {
        ui.horizontal_wrapped(|ui| {
            self.picker.ui(ui, ctx, &mut self.measure);
            ui.checkbox(&mut self.show_findings, "Findings")
                .on_hover_text("Ring each visit of a visible subject that has a data-quality finding");
            ui.checkbox(&mut self.show_ols, "Subject OLS lines");
            ui.checkbox(&mut self.show_mixed, "Mixed model")
                .on_hover_text("measure ~ time × group, random intercept and slope per subject (REML); dashed: group lines, fine dashes: hovered/selected subjects");
            if !self.show_mixed {
                return;
            }
            if self.mixed.as_ref().is_none_or(|j| !j.fits(ctx.derived, self.measure, axis)) {
                self.mixed = Some(MixedJob::start(ui, ctx.derived, self.measure, axis));
            }
            if let Some(job) = &mut self.mixed {
                job.poll();
            }
            match self.mixed_fit() {
                None => {
                    ui.spinner();
                    ui.label("fitting…");
                }
                Some(Err(e)) => {
                    ui.colored_label(ui.visuals().error_fg_color, format!("mixed model: {e}"));
                }
                Some(Ok(fit)) => {
                    // On the date axis x is in days: quote the slope per month.
                    let (unit, step) = match ctx.state.x_axis {
                        XAxis::Date => ("month", DAYS_PER_MONTH),
                        other => (other.unit(), 1.0),
                    };
                    ui.label(format!("slope per {unit}:"));
                    for (g, name) in ctx.derived.groups.iter().enumerate() {
                        if let (Some(a), Some(b)) = (fit.predict_group(g, 0.0), fit.predict_group(g, step)) {
                            ui.colored_label(group_color(g), format!("{name} {:+.2}", b - a));
                        }
                    }
                    if let Some(note) = &fit.fit.note {
                        ui.label("(random intercept only)").on_hover_text(note);
                    }
                }
            }
        });
    }

    /// Group lines of the mixed model over the plotted range, and the emphasised subjects' own.
    fn draw_mixed(
        fit: &GroupedFit,
        plot_ui: &mut PlotUi<'_>,
        ctx: &ViewCtx<'_>,
        m: &Measure,
        axis: usize,
        emphasised: &[usize],
    ) {
        // Each line spans the data it describes: a group's binned means, a subject's own visits.
        let span = |points: &mut dyn Iterator<Item = f64>| {
            points.fold(None, |r: Option<(f64, f64)>, x| {
                Some(r.map_or((x, x), |(a, b)| (a.min(x), b.max(x))))
            })
        };
        for mean in &m.means {
            let g = mean.group;
            if ctx.state.filters.hidden_groups.contains(&g) {
                continue;
            }
            let Some((lo, hi)) = span(&mut mean.points[axis].iter().map(|p| p[0])) else {
                continue;
            };
            if let (Some(a), Some(b)) = (fit.predict_group(g, lo), fit.predict_group(g, hi)) {
                segment_line(
                    plot_ui,
                    [[lo, a], [hi, b]],
                    group_color(g),
                    3.0,
                    LineStyle::dashed_loose(),
                );
            }
        }
        for series in m.series.iter().filter(|s| emphasised.contains(&s.subject)) {
            let (s, g) = (series.subject, ctx.derived.subjects[series.subject].group);
            let Some((lo, hi)) = span(&mut series.points[axis].iter().map(|p| p.x)) else {
                continue;
            };
            if let (Some(a), Some(b)) = (fit.predict_subject(s, g, lo), fit.predict_subject(s, g, hi)) {
                segment_line(
                    plot_ui,
                    [[lo, a], [hi, b]],
                    group_color(g),
                    1.5,
                    LineStyle::dashed_dense(),
                );
            }
        }
    }

    fn view_ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        if problem_ui(ui, ctx, "Trajectories") {
            return;
        }
        self.picker.settle(ctx, &mut self.measure);
        let Some(measure) = ctx.derived.measures.get(self.measure) else {
            ui.label("This measure is not in the cohort.");
            return;
        };
        let axis = ctx.state.x_axis;
        let a = axis.index();
        self.overlay_controls_ui(ui, ctx, a);
        let plot = time_axis(Plot::new(("trajectory", self.measure, a)), axis)
            .legend(Legend::default())
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
        let mixed_fit = if self.show_mixed {
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
            let mut legend_done = vec![false; ctx.derived.groups.len()];
            for (level, series) in &order {
                let group = ctx.derived.subjects[series.subject].group;
                // One legend entry per group: name the first line of each group after it.
                let name = if legend_done[group] {
                    String::new()
                } else {
                    ctx.derived.groups[group].clone()
                };
                legend_done[group] = true;
                let color = highlighted(group_color(group), *level);
                plot_ui.line(
                    Line::new(name, PlotPoints::from(&series.points[a][..]))
                        .color(color)
                        .width(line_width(*level)),
                );
                if *level >= Highlight::Selected {
                    emphasised.push(series.subject);
                }
                if show_ols && let Some(fit) = ols(series.points[a].iter().map(|p| (p.x, p.y))) {
                    let (x0, x1) = (series.points[a][0].x, series.points[a][series.points[a].len() - 1].x);
                    let ends = [[x0, fit.at(x0)], [x1, fit.at(x1)]];
                    segment_line(plot_ui, ends, color, line_width(*level), LineStyle::dashed_dense());
                }
            }
            // Group means with 95% CI bands, over the individual lines.
            for mean in &measure.means {
                if ctx.state.filters.hidden_groups.contains(&mean.group) || mean.points[a].len() < 2 {
                    continue;
                }
                let color = group_color(mean.group);
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
                plot_ui.line(Line::new("", PlotPoints::from(line)).color(color).width(4.0));
            }
            if let Some(fit) = mixed_fit {
                Self::draw_mixed(fit, plot_ui, ctx, measure, a, &emphasised);
            }
            if show_findings {
                markers = finding_markers(ctx, measure, a);
                draw_markers(plot_ui, ctx, &markers);
            }
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
            ui.label(format!(
                "{} of {} subject lines drawn (even sample); group means use all",
                sampled.0, sampled.1
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
