//! Distribution: a per-subject metric by group, as box plots (median, quartiles, whiskers to
//! the most extreme values within 1.5 IQR) with every subject as a jittered point, and the
//! Kruskal–Wallis (or Mann–Whitney for two groups) test across the visible groups.

use crate::i18n::{tr, trf};
use eframe::egui;
use egui_plot::{BoxElem, BoxPlot, BoxSpread, GridMark, MarkerShape, Plot, Points};

use crate::app::derived::{SUBJECT_METRICS, metric_label};
use crate::app::state::Highlight;
use crate::app::theme::{group_color, highlighted};
use crate::app::view::{Slot, View, ViewCtx, settings_pairs, settings_text};
use crate::app::widgets::legend::group_legend_ui;
use crate::metrics::stats::{kruskal_wallis, mann_whitney_u};

/// Persistent state of the distribution view.
#[derive(Clone, Debug)]
pub struct DistributionView {
    pub metric: usize,
    /// (group, n, median) of the boxes drawn in the last frame.
    pub last_boxes: Vec<(usize, usize, f64)>,
}

impl Default for DistributionView {
    fn default() -> Self {
        // ALSFRS-R slope by group.
        Self {
            metric: 1,
            last_boxes: Vec::new(),
        }
    }
}

/// Quantile by linear interpolation (numpy's default) of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

impl DistributionView {
    fn view_ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        if !ctx.figure {
            egui::ComboBox::from_label("metric")
                .selected_text(metric_label(self.metric))
                .show_ui(ui, |ui| {
                    for i in 0..SUBJECT_METRICS.len() {
                        let name = metric_label(i);
                        ui.selectable_value(&mut self.metric, i, name);
                    }
                });
        }
        let d = ctx.derived;
        let mut by_group: Vec<Vec<(usize, f64)>> = vec![Vec::new(); d.groups.len()];
        for (s, info) in d.subjects.iter().enumerate() {
            if let (true, Some(v)) = (ctx.visible(s), info.metrics.get(self.metric).copied().flatten()) {
                by_group[info.group].push((s, v));
            }
        }
        let values: Vec<Vec<f64>> = by_group.iter().map(|g| g.iter().map(|p| p.1).collect()).collect();
        let present: Vec<&[f64]> = values.iter().filter(|v| !v.is_empty()).map(Vec::as_slice).collect();
        let test = match present.as_slice() {
            [a, b] => {
                mann_whitney_u(a, b).map(|t| format!("Mann–Whitney U = {:.1}, p = {:.2e}", t.statistic, t.p_value))
            }
            groups if groups.len() > 2 => {
                kruskal_wallis(groups).map(|t| format!("Kruskal–Wallis H = {:.2}, p = {:.2e}", t.statistic, t.p_value))
            }
            _ => None,
        };
        ui.label(test.map_or_else(
            || tr("Too few groups with values for a test").to_owned(),
            |t| trf("{test} (exploratory)", &[("test", &t)]),
        ));
        let counts: Vec<usize> = by_group.iter().map(Vec::len).collect();
        group_legend_ui(ui, ctx, &counts);
        let mut boxes = Vec::new();
        let names = d.groups.clone();
        Plot::new(("distribution", self.metric))
            .y_axis_label(metric_label(self.metric))
            .x_axis_label(group_axis_title(ctx))
            // One mark per group, named: the boxes stand at x = 0, 1, 2…
            .x_grid_spacer(|input| {
                let (lo, hi) = input.bounds;
                let (lo, hi) = (lo.ceil().max(0.0) as usize, hi.floor().max(-1.0));
                (lo..=(hi.max(0.0) as usize))
                    .filter(|g| *g as f64 <= hi)
                    .map(|g| GridMark {
                        value: g as f64,
                        step_size: 1.0,
                    })
                    .collect()
            })
            .x_axis_formatter(move |mark, _| {
                let x = mark.value.round();
                if (mark.value - x).abs() < 1e-9 && x >= 0.0 {
                    names.get(x as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .allow_scroll(false)
            .show(ui, |plot_ui| {
                for (g, group) in by_group.iter().enumerate() {
                    if group.is_empty() {
                        continue;
                    }
                    let mut sorted: Vec<f64> = group.iter().map(|p| p.1).collect();
                    sorted.sort_by(f64::total_cmp);
                    let (q1, median, q3) = (quantile(&sorted, 0.25), quantile(&sorted, 0.5), quantile(&sorted, 0.75));
                    let iqr = q3 - q1;
                    let low = sorted.iter().copied().find(|v| *v >= q1 - 1.5 * iqr).unwrap_or(q1);
                    let high = sorted
                        .iter()
                        .rev()
                        .copied()
                        .find(|v| *v <= q3 + 1.5 * iqr)
                        .unwrap_or(q3);
                    let x = g as f64;
                    let color = group_color(g);
                    plot_ui.box_plot(
                        BoxPlot::new(
                            d.groups[g].clone(),
                            vec![
                                BoxElem::new(x, BoxSpread::new(low, q1, median, q3, high))
                                    .box_width(0.5)
                                    .whisker_width(0.25)
                                    // egui_plot only strokes boxes whose fill is unset too.
                                    .stroke(egui::Stroke::new(2.0, color))
                                    .fill(color.gamma_multiply(0.25)),
                            ],
                        )
                        .color(color),
                    );
                    // Jitter from the subject index, stable across frames.
                    let points: Vec<[f64; 2]> = group
                        .iter()
                        .map(|(s, v)| [x + ((*s * 7919) % 100) as f64 / 100.0 * 0.4 - 0.2, *v])
                        .collect();
                    plot_ui.points(
                        Points::new("", points)
                            .color(highlighted(color, Highlight::Normal))
                            .radius(2.0)
                            .shape(MarkerShape::Circle),
                    );
                    let emphasised: Vec<[f64; 2]> = group
                        .iter()
                        .filter(|(s, _)| ctx.state.selection.highlight(*s) >= Highlight::Selected)
                        .map(|(s, v)| [x + ((*s * 7919) % 100) as f64 / 100.0 * 0.4 - 0.2, *v])
                        .collect();
                    if !emphasised.is_empty() {
                        plot_ui.points(
                            Points::new("", emphasised)
                                .color(color)
                                .radius(5.0)
                                .shape(MarkerShape::Diamond),
                        );
                    }
                    boxes.push((g, group.len(), median));
                }
            });
        self.last_boxes = boxes;
    }
}

/// The x-axis title: what the groups are.
fn group_axis_title(ctx: &ViewCtx<'_>) -> String {
    match &ctx.state.group_by {
        crate::app::state::GroupBy::Arm => tr("Group").to_owned(),
        crate::app::state::GroupBy::NamedCohorts => tr("Named cohort").to_owned(),
        crate::app::state::GroupBy::Column(column) => column.clone(),
    }
}

impl View for DistributionView {
    fn defaults(_derived: &crate::app::derived::Derived) -> Vec<(Slot, Self)> {
        vec![(Slot::RightTop, Self::default())]
    }

    fn title(&self, _ctx: &ViewCtx<'_>) -> egui::WidgetText {
        tr("Distribution").into()
    }

    fn figure_title(&self, ctx: &ViewCtx<'_>) -> String {
        trf(
            "{metric} by {groups}",
            &[
                ("metric", &metric_label(self.metric)),
                ("groups", &group_axis_title(ctx).to_lowercase()),
            ],
        )
    }

    fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        self.view_ui(ui, ctx);
    }

    fn restore(_saved: Option<&str>, _derived: &crate::app::derived::Derived) -> Option<Self> {
        Some(Self::default())
    }

    fn settings(&self, _derived: &crate::app::derived::Derived) -> String {
        settings_text(&[("metric", SUBJECT_METRICS[self.metric].0.to_owned())])
    }

    fn apply_settings(&mut self, settings: &str, _derived: &crate::app::derived::Derived) {
        for (key, value) in settings_pairs(settings) {
            if key == "metric"
                && let Some(i) = SUBJECT_METRICS.iter().position(|m| m.0 == value)
            {
                self.metric = i;
            }
        }
    }
}
