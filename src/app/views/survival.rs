//! Survival: Kaplan–Meier curves of time to an endpoint (death, a milestone, a stage or an
//! ALSFRS-R threshold) from baseline or onset, per group or for the selection against the rest,
//! with 95% bands, censor ticks, the number at risk under the x-axis, and the log-rank test and
//! Cox hazard ratios in the legend. Hovering a step hovers, in every view, the subjects whose
//! event it is.

use crate::i18n::{tr, trf};
use std::sync::{Arc, Weak};

use eframe::egui;
use egui_plot::{Line, MarkerShape, Plot, PlotPoint, PlotPoints, PlotTransform, Points, Polygon};

use crate::app::derived::Derived;
use crate::app::derived::survival::{curves, follow_up};
use crate::app::state::{Command, Highlight};
use crate::app::theme::{group_color, highlighted};
use crate::app::view::{Slot, View, ViewCtx, problem_ui, settings_pairs, settings_text};
use crate::app::widgets::legend::entry_ui;
use crate::cohort::{Endpoint, Origin, Survival, TimeToEvent};

/// Which groups the curves compare.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Compare {
    /// The explorer's grouping (arm, any column, named cohorts).
    #[default]
    Groups,
    /// The current selection against every other shown subject.
    SelectionVsRest,
}

/// Names of the two curves of [`Compare::SelectionVsRest`].
pub const SELECTION: &str = "selection";
pub const REST: &str = "rest";

/// What the curves were computed from, to recompute only when it changes.
#[derive(Clone, Debug, PartialEq)]
struct Key {
    endpoint: String,
    origin: Origin,
    group_of: Vec<usize>,
    names: Vec<String>,
    visible: Vec<bool>,
}

/// A follow-up computed for (endpoint, origin) on a cohort.
type FollowUp = (String, Origin, Weak<Derived>, Arc<Result<TimeToEvent, String>>);

/// Persistent state of the survival view.
#[derive(Clone, Debug)]
pub struct SurvivalView {
    pub endpoint: Endpoint,
    pub origin: Origin,
    pub compare: Compare,
    pub show_bands: bool,
    /// The follow-up of (endpoint, origin) for the cohort it was computed on.
    follow: Option<FollowUp>,
    curves: Option<(Key, Arc<Result<Survival, String>>)>,
    /// Plot-to-screen transform of the last frame.
    last_transform: Option<PlotTransform>,
    /// (group name, n, events) of the curves drawn in the last frame.
    pub last_curves: Vec<(String, usize, usize)>,
    /// The step hovered in the last frame: (curve, time) and its subjects.
    pub last_hovered_step: Option<(usize, f64, Vec<usize>)>,
}

impl Default for SurvivalView {
    fn default() -> Self {
        Self {
            endpoint: Endpoint::Death,
            origin: Origin::Baseline,
            compare: Compare::Groups,
            show_bands: true,
            follow: None,
            curves: None,
            last_transform: None,
            last_curves: Vec::new(),
            last_hovered_step: None,
        }
    }
}

/// A survival curve as steps: (t₀, S₀), (t₁, S₀), (t₁, S₁), … with no repeated point (a
/// zero-length segment has no direction, and the tessellator draws it as a spike), ending at the
/// last time.
fn steps(times: &[f64], values: &[f64]) -> Vec<[f64; 2]> {
    let mut out: Vec<[f64; 2]> = Vec::with_capacity(times.len() * 2);
    for (&t, &v) in times.iter().zip(values) {
        match out.last() {
            Some(&[_, y]) if y == v => {}
            Some(&[_, y]) => {
                out.push([t, y]);
                out.push([t, v]);
            }
            None => out.push([t, v]),
        }
    }
    if let (Some(&t), Some(&[x, y])) = (times.last(), out.last())
        && t > x
    {
        out.push([t, y]);
    }
    out
}

/// A round step for the number-at-risk columns: about six across `span` months.
fn risk_step(span: f64) -> f64 {
    [1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 60.0]
        .into_iter()
        .find(|s| span / s <= 7.0)
        .unwrap_or(120.0)
}

impl SurvivalView {
    /// The follow-up for the current endpoint and origin, computed once per cohort.
    fn follow_up(&mut self, derived: &Arc<Derived>) -> Arc<Result<TimeToEvent, String>> {
        let name = self.endpoint.to_string();
        let fresh = self.follow.as_ref().is_some_and(|(e, o, d, _)| {
            *e == name && *o == self.origin && std::ptr::eq(d.as_ptr(), Arc::as_ptr(derived))
        });
        if !fresh {
            let tte = follow_up(derived, self.endpoint, self.origin);
            self.follow = Some((name, self.origin, Arc::downgrade(derived), Arc::new(tte)));
        }
        match &self.follow {
            Some(f) => Arc::clone(&f.3),
            None => Arc::new(Err(String::new())),
        }
    }

    /// The groups to compare: names and each subject's group.
    fn groups(&self, ctx: &ViewCtx<'_>) -> (Vec<String>, Vec<usize>) {
        let d = ctx.derived;
        match self.compare {
            Compare::SelectionVsRest if !ctx.state.selection.selected.is_empty() => (
                vec![SELECTION.to_owned(), REST.to_owned()],
                (0..d.subjects.len())
                    .map(|s| usize::from(!ctx.state.selection.selected.contains(&s)))
                    .collect(),
            ),
            _ => (d.groups.clone(), d.subjects.iter().map(|s| s.group).collect()),
        }
    }

    fn controls_ui(&mut self, ui: &mut egui::Ui, ctx: &ViewCtx<'_>) {
        ui.horizontal_wrapped(|ui| {
            let title = ui.label(tr("Endpoint"));
            egui::ComboBox::from_id_salt(("endpoint", ui.scope_id()))
                .selected_text(self.endpoint.label())
                .show_ui(ui, |ui| {
                    for e in Endpoint::presets() {
                        let same_kind = std::mem::discriminant(&e) == std::mem::discriminant(&self.endpoint);
                        if ui.selectable_label(same_kind, e.label()).clicked() && !same_kind {
                            self.endpoint = e;
                        }
                    }
                })
                .response
                .labelled_by(title.id);
            match &mut self.endpoint {
                Endpoint::Mitos(n) => {
                    ui.add(egui::DragValue::new(n).range(1..=4).prefix(tr("stage ≥ ")));
                }
                Endpoint::AlsfrsDrop(n) => {
                    ui.add(
                        egui::DragValue::new(n)
                            .range(1.0..=47.0)
                            .speed(0.2)
                            .prefix(tr("points lost ≥ ")),
                    );
                }
                Endpoint::AlsfrsBelow(n) => {
                    ui.add(
                        egui::DragValue::new(n)
                            .range(0.0..=47.0)
                            .speed(0.2)
                            .prefix(tr("total ≤ ")),
                    );
                }
                _ => {}
            }
            let title = ui.label(tr("from"));
            egui::ComboBox::from_id_salt(("origin", ui.scope_id()))
                .selected_text(self.origin.to_string())
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.origin, Origin::Baseline, tr("baseline"))
                        .on_hover_text(tr("the first visit (PRO-ACT: delta 0)"));
                    ui.selectable_value(&mut self.origin, Origin::Onset, tr("onset"))
                        .on_hover_text(tr("symptom onset"));
                })
                .response
                .labelled_by(title.id);
            let mut vs_rest = self.compare == Compare::SelectionVsRest;
            let no_selection = ctx.state.selection.selected.is_empty();
            ui.checkbox(&mut vs_rest, tr("Selection vs rest"))
                .on_hover_text(if no_selection {
                    tr("select subjects in any view (click, box or lasso) to draw them as their own curve")
                } else {
                    tr("the selected subjects as one curve against every other shown subject")
                });
            self.compare = if vs_rest {
                Compare::SelectionVsRest
            } else {
                Compare::Groups
            };
            ui.checkbox(&mut self.show_bands, tr("95% bands"));
        });
    }

    fn view_ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        if problem_ui(ui, ctx, tr("Survival")) {
            return;
        }
        if !ctx.figure {
            self.controls_ui(ui, ctx);
        }
        let derived = Arc::clone(ctx.derived);
        let tte = self.follow_up(&derived);
        let tte = match tte.as_ref() {
            Ok(t) => t,
            Err(e) => {
                ui.colored_label(ui.visuals().warn_fg_color, e);
                self.last_curves.clear();
                return;
            }
        };
        let (names, group_of) = self.groups(ctx);
        let key = Key {
            endpoint: self.endpoint.to_string(),
            origin: self.origin,
            visible: (0..derived.subjects.len()).map(|s| ctx.visible(s)).collect(),
            group_of,
            names,
        };
        if self.curves.as_ref().is_none_or(|(k, _)| *k != key) {
            let result = curves(&derived, tte, &key.names, &key.group_of, &key.visible);
            self.curves = Some((key, Arc::new(result)));
        }
        let Some((key, result)) = &self.curves else { return };
        let (key, result) = (key.clone(), Arc::clone(result));
        let result = match result.as_ref() {
            Ok(r) => r,
            Err(e) => {
                ui.colored_label(ui.visuals().warn_fg_color, e);
                self.last_curves.clear();
                return;
            }
        };
        let selection_mode = key.names.first().map(String::as_str) == Some(SELECTION);
        // Selection vs rest: the selection in the accent colour, the rest grey.
        let color_of = |level: usize| {
            if selection_mode {
                if level == 0 {
                    egui::Color32::from_rgb(214, 39, 40)
                } else {
                    egui::Color32::from_gray(130)
                }
            } else {
                group_color(level)
            }
        };
        Self::summary_ui(ui, tte, result);

        let risk_rows = result.groups.len();
        let row_h = 16.0;
        let table_h = row_h * (risk_rows as f32 + 1.0) + 6.0;
        let max_t = result
            .groups
            .iter()
            .filter_map(|g| g.km.times.last())
            .fold(0.0f64, |a, &b| a.max(b));
        // The legend above the plot, never over the curves: per curve n, events, median, HR.
        let names: Vec<String> = result
            .groups
            .iter()
            .enumerate()
            .map(|(gi, g)| {
                let hazard = match (result.reference, g.hazard) {
                    (Some(r), _) if r == gi && result.groups.len() > 1 => " · HR 1 (ref)".to_owned(),
                    (_, Some(h)) => format!(" · HR {:.2} ({:.2}–{:.2})", h.ratio, h.lower, h.upper),
                    _ => String::new(),
                };
                let median = g.median.map_or_else(
                    || tr("median not reached").to_owned(),
                    |m| trf("median {m} mo", &[("m", &format!("{m:.1}"))]),
                );
                trf(
                    "{name} (n={n}, {events} events) · {median}{hazard}",
                    &[
                        ("name", &g.name),
                        ("n", &g.n),
                        ("events", &g.events),
                        ("median", &median),
                        ("hazard", &hazard),
                    ],
                )
            })
            .collect();
        ui.horizontal_wrapped(|ui| {
            for (g, name) in result.groups.iter().zip(&names) {
                entry_ui(ui, color_of(g.level), name);
                ui.add_space(8.0);
            }
        });
        let plot = Plot::new("survival")
            .x_axis_label(match self.origin {
                Origin::Baseline => tr("Months since baseline"),
                Origin::Onset => tr("Months since onset"),
            })
            .y_axis_label(trf("Free of {endpoint}", &[("endpoint", &self.endpoint.label())]))
            .include_y(0.0)
            .include_y(1.0)
            .include_x(0.0)
            .include_x(max_t)
            .allow_scroll(false)
            .height((ui.available_height() - table_h).max(120.0));
        let show_bands = self.show_bands;
        let hovered_set = &ctx.state.selection.hovered_set;
        let response = plot.show(ui, |plot_ui| {
            for (g, name) in result.groups.iter().zip(&names) {
                let color = color_of(g.level);
                let km = &g.km;
                if show_bands {
                    for i in 0..km.times.len() {
                        let next = km.times.get(i + 1).copied().unwrap_or(km.times[i]);
                        if next <= km.times[i] {
                            continue;
                        }
                        let quad = vec![
                            [km.times[i], km.lower[i]],
                            [next, km.lower[i]],
                            [next, km.upper[i]],
                            [km.times[i], km.upper[i]],
                        ];
                        plot_ui.polygon(
                            Polygon::new("", PlotPoints::from(quad))
                                .fill_color(color.gamma_multiply(0.10))
                                .stroke(egui::Stroke::NONE),
                        );
                    }
                }
                // Vertical drops at one x must stay lines, not be aggregated into a band.
                plot_ui.line(
                    Line::new(name.as_str(), PlotPoints::from(steps(&km.times, &km.survival)))
                        .color(color)
                        .width(2.5)
                        .allow_band(false),
                );
                let ticks: Vec<[f64; 2]> = (0..km.times.len())
                    .filter(|&i| km.censored[i] > 0)
                    .map(|i| [km.times[i], km.survival[i]])
                    .collect();
                if !ticks.is_empty() {
                    plot_ui.points(Points::new("", ticks).shape(MarkerShape::Plus).radius(4.0).color(color));
                }
                // The hovered step's subjects, ringed where their curve drops.
                let hovered: Vec<[f64; 2]> = g
                    .members
                    .iter()
                    .filter(|(_, e, k)| *e && hovered_set.binary_search(k).is_ok())
                    .map(|(t, _, _)| [*t, km.at(*t)])
                    .collect();
                if !hovered.is_empty() {
                    plot_ui.points(
                        Points::new("", hovered)
                            .shape(MarkerShape::Circle)
                            .filled(false)
                            .radius(7.0)
                            .color(highlighted(color, Highlight::Hovered)),
                    );
                }
            }
            plot_ui.pointer_coordinate()
        });
        let transform = response.transform;
        self.last_transform = Some(transform);
        self.last_curves = result.groups.iter().map(|g| (g.name.clone(), g.n, g.events)).collect();
        Self::risk_table_ui(ui, result, &transform, row_h, max_t, &color_of);

        // The step under the pointer: a drop of a curve within a few pixels.
        self.last_hovered_step = response
            .response
            .hover_pos()
            .and_then(|at| nearest_step(result, &transform, at));
        if let Some((gi, t, subjects)) = &self.last_hovered_step {
            let g = &result.groups[*gi];
            let ids: Vec<&str> = subjects
                .iter()
                .take(8)
                .map(|s| derived.subjects[*s].id.as_str())
                .collect();
            let more = if subjects.len() > ids.len() { ", …" } else { "" };
            response.response.clone().on_hover_text(format!(
                "{}: {} event(s) at {t:.1} months\nsurvival {:.3}\n{}{more}",
                g.name,
                subjects.len(),
                g.km.at(*t),
                ids.join(", ")
            ));
            ctx.commands.push(Command::HoverSet(subjects.clone()));
            if response.response.clicked() {
                ctx.commands.push(Command::SelectSet(subjects.clone()));
            }
        }
    }

    /// The log-rank test and what was left out, above the plot.
    fn summary_ui(ui: &mut egui::Ui, tte: &TimeToEvent, result: &Survival) {
        let (n, events): (usize, usize) = result.groups.iter().fold((0, 0), |(n, e), g| (n + g.n, e + g.events));
        let logrank = result.logrank.map_or_else(String::new, |lr| {
            format!(" · log-rank χ² = {:.2}, df = {}, p = {:.3}", lr.statistic, lr.df, lr.p)
        });
        let text = trf(
            "{n} subjects, {events} events{logrank}",
            &[("n", &n), ("events", &events), ("logrank", &logrank)],
        );
        ui.label(text);
        if !tte.left_out.is_empty() {
            ui.small(trf("left out: {what}", &[("what", &tte.left_out_summary())]));
        }
        if let Some(problem) = &result.cox_problem {
            ui.small(problem);
        }
    }

    /// The number at risk under the x-axis, one row per curve, aligned with the plot's x.
    fn risk_table_ui(
        ui: &mut egui::Ui,
        result: &Survival,
        transform: &PlotTransform,
        row_h: f32,
        max_t: f64,
        color_of: &dyn Fn(usize) -> egui::Color32,
    ) {
        let rows = result.groups.len();
        let (rect, _) = ui.allocate_exact_size(
            egui::vec2(ui.available_width(), row_h * (rows as f32 + 1.0)),
            egui::Sense::hover(),
        );
        let painter = ui.painter_at(rect);
        let font = egui::FontId::proportional(11.0);
        let text_color = ui.visuals().text_color();
        let frame = transform.frame();
        painter.text(
            egui::pos2(rect.left() + 2.0, rect.top()),
            egui::Align2::LEFT_TOP,
            tr("At risk"),
            font.clone(),
            text_color,
        );
        let step = risk_step(max_t);
        let (lo, hi) = (transform.bounds().min()[0].max(0.0), transform.bounds().max()[0]);
        let last = (hi / step).floor().clamp(0.0, 1000.0) as u32;
        let ticks: Vec<f64> = (0..=last).map(|k| f64::from(k) * step).filter(|t| *t >= lo).collect();
        for (r, g) in result.groups.iter().enumerate() {
            let y = rect.top() + row_h * (r as f32 + 1.0);
            let color = color_of(g.level);
            // The curve's name in the margin left of the plot, cut to fit.
            let width = (frame.left() - rect.left() - 6.0).max(12.0);
            let mut job = egui::text::LayoutJob::simple_singleline(g.name.clone(), font.clone(), color);
            job.wrap = egui::text::TextWrapping::truncate_at_width(width);
            let galley = ui.fonts_mut(|f| f.layout_job(job));
            painter.galley(egui::pos2(rect.left() + 2.0, y), galley, color);
            for &t in &ticks {
                let x = transform.position_from_point(&PlotPoint::new(t, 0.0)).x;
                let at_risk = g.members.iter().filter(|(time, _, _)| *time >= t).count();
                painter.text(
                    egui::pos2(x, y),
                    egui::Align2::CENTER_TOP,
                    at_risk.to_string(),
                    font.clone(),
                    color,
                );
            }
        }
    }

    /// Where curve `group`'s drop at `time` was drawn in the last frame (its midpoint).
    pub fn step_position(&self, group: usize, time: f64) -> Option<egui::Pos2> {
        let (_, result) = self.curves.as_ref()?;
        let g = result.as_ref().as_ref().ok()?.groups.get(group)?;
        let i = g.km.times.iter().position(|t| *t == time)?;
        let before = if i == 0 { 1.0 } else { g.km.survival[i - 1] };
        let mid = f64::midpoint(before, g.km.survival[i]);
        Some(self.last_transform?.position_from_point(&PlotPoint::new(time, mid)))
    }

    /// The curves of the last frame, for tests.
    pub fn last_result(&self) -> Option<&Survival> {
        self.curves.as_ref()?.1.as_ref().as_ref().ok()
    }
}

/// The curve drop nearest `at` within 6 px, with its event subjects.
fn nearest_step(result: &Survival, transform: &PlotTransform, at: egui::Pos2) -> Option<(usize, f64, Vec<usize>)> {
    let mut best: Option<(f32, usize, f64)> = None;
    for (gi, g) in result.groups.iter().enumerate() {
        for i in 0..g.km.times.len() {
            if g.km.events[i] == 0 {
                continue;
            }
            let before = if i == 0 { 1.0 } else { g.km.survival[i - 1] };
            let top = transform.position_from_point(&PlotPoint::new(g.km.times[i], before));
            let bottom = transform.position_from_point(&PlotPoint::new(g.km.times[i], g.km.survival[i]));
            let dx = (at.x - top.x).abs();
            let dy = if at.y < top.y {
                top.y - at.y
            } else if at.y > bottom.y {
                at.y - bottom.y
            } else {
                0.0
            };
            let d = dx.hypot(dy);
            if d <= 6.0 && best.is_none_or(|b| d < b.0) {
                best = Some((d, gi, g.km.times[i]));
            }
        }
    }
    let (_, gi, t) = best?;
    Some((gi, t, result.groups[gi].events_at(t).collect()))
}

impl View for SurvivalView {
    fn defaults(_derived: &Derived) -> Vec<(Slot, Self)> {
        vec![(Slot::RightTop, Self::default())]
    }

    fn title(&self, _ctx: &ViewCtx<'_>) -> egui::WidgetText {
        tr("Survival").into()
    }

    fn figure_title(&self, _ctx: &ViewCtx<'_>) -> String {
        match self.origin {
            Origin::Baseline => trf(
                "Kaplan–Meier: {endpoint} from baseline",
                &[("endpoint", &self.endpoint.label())],
            ),
            Origin::Onset => trf(
                "Kaplan–Meier: {endpoint} from onset",
                &[("endpoint", &self.endpoint.label())],
            ),
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        self.view_ui(ui, ctx);
    }

    fn settings(&self, _derived: &Derived) -> String {
        settings_text(&[
            ("bands", self.show_bands.to_string()),
            ("vs_rest", (self.compare == Compare::SelectionVsRest).to_string()),
        ])
    }

    fn apply_settings(&mut self, settings: &str, _derived: &Derived) {
        for (key, value) in settings_pairs(settings) {
            match key {
                "bands" => self.show_bands = value == "true",
                "vs_rest" if value == "true" => self.compare = Compare::SelectionVsRest,
                "vs_rest" => self.compare = Compare::Groups,
                _ => {}
            }
        }
    }

    fn saved(&self, _derived: &Derived) -> Option<String> {
        Some(format!("{} {}", self.endpoint, self.origin))
    }

    fn restore(saved: Option<&str>, _derived: &Derived) -> Option<Self> {
        let mut view = Self::default();
        if let Some((endpoint, origin)) = saved.and_then(|s| s.split_once(' ')) {
            view.endpoint = endpoint.parse().unwrap_or(Endpoint::Death);
            view.origin = origin.parse().unwrap_or_default();
        }
        Some(view)
    }
}
