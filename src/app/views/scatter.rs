//! Scatter: any two per-subject metrics (e.g. baseline F/B ratio vs ALSFRS-R slope, the
//! "early marker" question), with the OLS line and Pearson r and p of the visible subjects.
//! Drag a box or a lasso to select the subjects inside it.

use crate::i18n::{tr, trf};
use std::sync::{Arc, Weak};

use eframe::egui;
use egui_plot::{Legend, Line, Plot, PlotPoint, PlotPoints};

use crate::app::derived::{Derived, SUBJECT_METRICS, metric_label};
use crate::app::state::{Command, Highlight, Item};
use crate::app::theme::{group_color, group_marker, highlighted};
use crate::app::view::{Slot, View, ViewCtx, settings_pairs, settings_text};
use crate::app::widgets::color_by::{self, Scale};
use crate::app::widgets::legend::group_legend_ui;
use crate::app::widgets::plot::{emptiest_corner, layered_points, nearest_subject};
use crate::app::widgets::select::DragSelect;
use crate::metrics::longitudinal::ols;
use crate::metrics::stats::pearson;

/// Persistent state of a scatter view.
#[derive(Clone, Debug)]
pub struct ScatterView {
    pub x: usize,
    pub y: usize,
    /// Box or lasso selection.
    pub select: DragSelect,
    /// Plot-to-screen transform of the last frame.
    last_transform: Option<egui_plot::PlotTransform>,
    /// Pearson r and p of the visible points in the last frame.
    pub last_fit: Option<(f64, f64, usize)>,
    /// Colour by this subject column instead of the group (numeric: a colour map and bar).
    pub color_by: Option<String>,
    /// Its scale, for (column, the `Derived` it was read from).
    scale: Option<(String, Weak<Derived>, Arc<Scale>)>,
}

impl Default for ScatterView {
    fn default() -> Self {
        // Baseline F/B ratio against ALSFRS-R slope.
        Self {
            x: 5,
            y: 1,
            select: DragSelect::default(),
            last_transform: None,
            last_fit: None,
            color_by: None,
            scale: None,
        }
    }
}

impl ScatterView {
    fn points(&self, ctx: &ViewCtx<'_>) -> Vec<(usize, PlotPoint)> {
        (0..ctx.derived.subjects.len())
            .filter(|&s| ctx.visible(s))
            .filter_map(|s| {
                let m = &ctx.derived.subjects[s].metrics;
                Some((s, PlotPoint::new((*m.get(self.x)?)?, (*m.get(self.y)?)?)))
            })
            .collect()
    }

    /// Screen position of a subject's point in the last frame (for tests).
    pub fn screen_position(&self, ctx: &ViewCtx<'_>, subject: usize) -> Option<egui::Pos2> {
        let (_, p) = self.points(ctx).into_iter().find(|(s, _)| *s == subject)?;
        Some(self.last_transform.as_ref()?.position_from_point(&p))
    }

    fn view_ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        if !ctx.figure {
            ui.horizontal_wrapped(|ui| {
                for (label, axis) in [("x", &mut self.x), ("y", &mut self.y)] {
                    egui::ComboBox::from_label(label)
                        .selected_text(metric_label(*axis))
                        .show_ui(ui, |ui| {
                            for i in 0..SUBJECT_METRICS.len() {
                                let name = metric_label(i);
                                ui.selectable_value(axis, i, name);
                            }
                        });
                }
                let title = ui.label(tr("Colour by"));
                egui::ComboBox::from_id_salt(("scatter-colour", ui.scope_id()))
                    .selected_text(self.color_by.as_deref().unwrap_or(tr("group")))
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut self.color_by, None, tr("group"));
                        for c in color_by::columns(&ctx.derived.tables.subjects) {
                            ui.selectable_value(&mut self.color_by, Some(c.clone()), c);
                        }
                    })
                    .response
                    .labelled_by(title.id);
                ui.separator();
                self.select.tool_ui(ui, true);
            });
        }
        let derived = Arc::clone(ctx.derived);
        let scale = self.color_by.clone().map(|column| {
            let fresh = self
                .scale
                .as_ref()
                .is_some_and(|(c, source, _)| *c == column && std::ptr::eq(source.as_ptr(), Arc::as_ptr(&derived)));
            if !fresh {
                let scale = Arc::new(color_by::scale(&derived.tables.subjects, &column));
                self.scale = Some((column.clone(), Arc::downgrade(&derived), scale));
            }
            self.scale
                .as_ref()
                .map_or_else(|| Arc::new(Scale::default()), |(_, _, s)| Arc::clone(s))
        });
        if let (Some(column), Some((lo, hi))) = (&self.color_by, scale.as_ref().and_then(|s| s.range)) {
            color_by::colour_bar_ui(ui, column, (lo, hi));
        }
        let points = self.points(ctx);
        let xs: Vec<f64> = points.iter().map(|p| p.1.x).collect();
        let ys: Vec<f64> = points.iter().map(|p| p.1.y).collect();
        let fit = ols(xs.iter().copied().zip(ys.iter().copied()));
        let test = pearson(&xs, &ys);
        self.last_fit = test.map(|t| (t.statistic, t.p_value, points.len()));
        ui.label(match test {
            Some(t) => trf(
                "n = {n}, Pearson r = {r}, p = {p} (exploratory); drag to select",
                &[
                    ("n", &points.len()),
                    ("r", &format!("{:.3}", t.statistic)),
                    ("p", &format!("{:.2e}", t.p_value)),
                ],
            ),
            None => trf(
                "n = {n}: too few subjects with both values for a correlation",
                &[("n", &points.len())],
            ),
        });
        // Groups: the legend outside the plot, with n; a column's classes: egui_plot's.
        let mut plot = Plot::new(("scatter", self.x, self.y));
        if scale.is_none() {
            let mut counts = vec![0; ctx.derived.groups.len()];
            for (s, _) in &points {
                counts[ctx.derived.subjects[*s].group] += 1;
            }
            group_legend_ui(ui, ctx, &counts);
        } else {
            plot = plot.legend(Legend::default().position(emptiest_corner(points.iter().map(|(_, p)| [p.x, p.y]))));
        }
        let plot = plot
            .x_axis_label(metric_label(self.x))
            .y_axis_label(metric_label(self.y))
            .allow_drag(!self.select.selecting())
            .allow_boxed_zoom(false)
            .allow_scroll(false);
        let fit_color = ui.visuals().text_color();
        let response = plot.show(ui, |plot_ui| {
            let subjects = &ctx.derived.subjects;
            match &scale {
                None => {
                    let classes: Vec<(String, egui::Color32)> = (ctx.derived.groups.iter().enumerate())
                        .map(|(g, name)| (name.clone(), group_color(g)))
                        .collect();
                    layered_points(
                        plot_ui,
                        ctx,
                        &classes,
                        group_marker,
                        points.iter().map(|(s, p)| (subjects[*s].group, *s, [p.x, p.y])),
                        4.0,
                        highlighted,
                    );
                }
                Some(scale) => layered_points(
                    plot_ui,
                    ctx,
                    &scale.classes,
                    |_| egui_plot::MarkerShape::Circle,
                    points
                        .iter()
                        .filter_map(|(s, p)| Some((scale.class_of.get(*s).copied().flatten()?, *s, [p.x, p.y]))),
                    4.0,
                    |color, level| {
                        if level == Highlight::Faded {
                            color.gamma_multiply(0.2)
                        } else {
                            color
                        }
                    },
                ),
            }
            if let (Some(fit), false) = (fit, xs.is_empty()) {
                let (lo, hi) = xs
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(*x), b.max(*x)));
                let line = vec![[lo, fit.at(lo)], [hi, fit.at(hi)]];
                plot_ui.line(
                    Line::new(tr("OLS fit"), PlotPoints::from(line))
                        .color(fit_color)
                        .width(1.5),
                );
            }
            nearest_subject(plot_ui, points.iter().copied())
        });
        self.last_transform = Some(response.transform);
        self.select.draw(ui, &response.transform);
        let hovered = response.inner;
        let r = &response.response;
        if let Some(inside) = self.select.update(r, &response.transform, points.iter().copied()) {
            ctx.commands.push(Command::SelectSet(inside));
        } else if let Some((subject, point)) = hovered {
            ctx.commands.push(Command::Hover(Item::Subject(subject)));
            r.clone().on_hover_text(format!(
                "{}\n{}: {:.3}\n{}: {:.3}",
                ctx.derived.subjects[subject].id,
                metric_label(self.x),
                point.x,
                metric_label(self.y),
                point.y
            ));
            if r.clicked() {
                ctx.commands.push(Command::Select(Item::Subject(subject)));
            }
        }
    }
}

impl View for ScatterView {
    fn defaults(_derived: &crate::app::derived::Derived) -> Vec<(Slot, Self)> {
        vec![(Slot::RightTop, Self::default())]
    }

    fn title(&self, _ctx: &ViewCtx<'_>) -> egui::WidgetText {
        tr("Scatter").into()
    }

    fn figure_title(&self, _ctx: &ViewCtx<'_>) -> String {
        trf(
            "{y} against {x}",
            &[("y", &metric_label(self.y)), ("x", &metric_label(self.x))],
        )
    }

    fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        self.view_ui(ui, ctx);
    }

    fn settings(&self, _derived: &crate::app::derived::Derived) -> String {
        settings_text(&[
            ("x", SUBJECT_METRICS[self.x].0.to_owned()),
            ("y", SUBJECT_METRICS[self.y].0.to_owned()),
            ("colour", self.color_by.clone().unwrap_or_default()),
        ])
    }

    fn apply_settings(&mut self, settings: &str, _derived: &crate::app::derived::Derived) {
        let metric = |v: &str| SUBJECT_METRICS.iter().position(|m| m.0 == v);
        for (key, value) in settings_pairs(settings) {
            match key {
                "x" => self.x = metric(value).unwrap_or(self.x),
                "y" => self.y = metric(value).unwrap_or(self.y),
                "colour" => self.color_by = (!value.is_empty()).then(|| value.to_owned()),
                _ => {}
            }
        }
    }

    fn restore(_saved: Option<&str>, _derived: &crate::app::derived::Derived) -> Option<Self> {
        Some(Self::default())
    }
}
