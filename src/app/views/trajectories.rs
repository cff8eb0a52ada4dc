//! Trajectories: one measure over time, one line per subject coloured by group; hovering a
//! line hovers the subject everywhere. Stacked plots share the x-axis and a cursor.

use eframe::egui;
use egui_plot::{Legend, Line, Plot, PlotPoints, Polygon};

use super::{ViewCtx, nearest_subject};
use crate::app::state::{Command, Highlight, Item};
use crate::app::theme::{group_color, highlighted, line_width};

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
}

impl TrajectoryView {
    pub fn new(measure: usize) -> Self {
        Self {
            measure,
            last_emphasised: Vec::new(),
            last_transform: None,
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        let Some(measure) = ctx.derived.measures.get(self.measure) else {
            ui.label("This measure is not in the cohort.");
            return;
        };
        let axis = ctx.state.x_axis;
        let a = axis.index();
        let plot = Plot::new(("trajectory", self.measure))
            .legend(Legend::default())
            .x_axis_label(axis.label())
            .y_axis_label(measure.label)
            .default_x_bounds(ctx.derived.x_range[a].0, ctx.derived.x_range[a].1)
            .link_cursor(egui::Id::unique("trajectories"), [true, false])
            .allow_scroll(false);
        self.last_emphasised.clear();
        let mut emphasised = Vec::new();
        let mut sampled = (0, 0);
        let response = plot.show(ui, |plot_ui| {
            // Faded lines first, highlighted ones last so they are on top.
            let visible: Vec<&crate::app::derived::Series> = measure
                .series
                .iter()
                .filter(|s| ctx.visible(s.subject) && !s.points[a].is_empty())
                .collect();
            // Level of detail: past MAX_LINES, an even subsample of lines (plus every highlighted
            // one) is drawn; the group means below still use every subject.
            let stride = visible.len().div_ceil(MAX_LINES).max(1);
            let mut order: Vec<(Highlight, &crate::app::derived::Series)> = visible
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
        if let Some((subject, point)) = response.inner {
            ctx.commands.push(Command::Hover(Item::Subject(subject)));
            let info = &ctx.derived.subjects[subject];
            response.response.clone().on_hover_text(format!(
                "{} — {}\n{}: {:.1}\n{}: {:.1}",
                info.id,
                ctx.derived.groups[info.group],
                axis.label(),
                point.x,
                measure.label,
                point.y
            ));
            if response.response.clicked() {
                ctx.commands.push(Command::Select(Item::Subject(subject)));
            }
        }
    }
}

impl TrajectoryView {
    /// Where a subject's second (or only) point was drawn in the last frame.
    pub fn screen_position(&self, explorer: &crate::app::explorer::Explorer, subject: usize) -> Option<egui::Pos2> {
        let transform = self.last_transform.as_ref()?;
        let measure = explorer.derived.measures.get(self.measure)?;
        let series = measure.series.iter().find(|s| s.subject == subject)?;
        let points = &series.points[explorer.state.x_axis.index()];
        let point = points.get(1).or(points.first())?;
        Some(transform.position_from_point(point))
    }
}
