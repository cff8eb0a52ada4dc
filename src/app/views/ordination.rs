//! Ordination: PCoA of the samples (Bray–Curtis), coloured by group; the hovered subject's
//! samples are joined in time order so its path is visible.

use eframe::egui;
use egui_plot::{Legend, Line, MarkerShape, Plot, PlotPoint, PlotPoints, Points};

use super::{ViewCtx, nearest_subject};
use crate::app::state::{Command, Highlight, Item};
use crate::app::theme::{group_color, highlighted};

/// Persistent state of the ordination view.
#[derive(Clone, Debug, Default)]
pub struct OrdinationView {
    /// Subjects drawn highlighted in the last frame.
    pub last_emphasised: Vec<usize>,
}

impl OrdinationView {
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        let d = ctx.derived;
        if d.ordination.is_empty() {
            ui.label("No microbiome samples to ordinate.");
            return;
        }
        let [e1, e2] = d.ordination_explained;
        let plot = Plot::new("ordination")
            .legend(Legend::default())
            .x_axis_label(format!("PC1 ({e1:.1}%)"))
            .y_axis_label(format!("PC2 ({e2:.1}%)"))
            .data_aspect(1.0)
            .allow_scroll(false);
        let mut emphasised = Vec::new();
        let response = plot.show(ui, |plot_ui| {
            for (g, name) in d.groups.iter().enumerate() {
                for level in [
                    Highlight::Faded,
                    Highlight::Normal,
                    Highlight::Selected,
                    Highlight::Hovered,
                ] {
                    let pts: Vec<[f64; 2]> = d
                        .ordination
                        .iter()
                        .filter(|p| p.subject.is_some_and(|s| ctx.visible(s) && d.subjects[s].group == g))
                        .filter(|p| p.subject.is_some_and(|s| ctx.state.selection.highlight(s) == level))
                        .map(|p| [p.x, p.y])
                        .collect();
                    if pts.is_empty() {
                        continue;
                    }
                    let radius = if level >= Highlight::Selected { 5.0 } else { 3.0 };
                    let label = if level == Highlight::Normal || level == Highlight::Faded {
                        name.clone()
                    } else {
                        String::new()
                    };
                    plot_ui.points(
                        Points::new(label, pts)
                            .color(highlighted(group_color(g), level))
                            .radius(radius)
                            .shape(MarkerShape::Circle),
                    );
                }
            }
            // Path of each emphasised subject, in time order.
            let mut subjects: Vec<usize> = d
                .ordination
                .iter()
                .filter_map(|p| p.subject)
                .filter(|s| ctx.visible(*s) && ctx.state.selection.highlight(*s) >= Highlight::Selected)
                .collect();
            subjects.sort_unstable();
            subjects.dedup();
            for s in &subjects {
                let mut path: Vec<(f64, [f64; 2])> = d
                    .ordination
                    .iter()
                    .filter(|p| p.subject == Some(*s))
                    .map(|p| (p.day, [p.x, p.y]))
                    .collect();
                path.sort_by(|a, b| a.0.total_cmp(&b.0));
                let color = group_color(d.subjects[*s].group);
                plot_ui.line(
                    Line::new("", path.iter().map(|p| p.1).collect::<PlotPoints<'_>>())
                        .color(color)
                        .width(2.0),
                );
            }
            emphasised = subjects;
            nearest_subject(
                plot_ui,
                d.ordination.iter().filter_map(|p| {
                    p.subject
                        .filter(|s| ctx.visible(*s))
                        .map(|s| (s, PlotPoint::new(p.x, p.y)))
                }),
            )
        });
        self.last_emphasised = emphasised;
        if let Some((subject, point)) = response.inner {
            ctx.commands.push(Command::Hover(Item::Subject(subject)));
            let day = d
                .ordination
                .iter()
                .find(|p| p.x == point.x && p.y == point.y)
                .map_or(0.0, |p| p.day);
            response
                .response
                .clone()
                .on_hover_text(format!("{} — day {day:.0}", d.subjects[subject].id));
            if response.response.clicked() {
                ctx.commands.push(Command::Select(Item::Subject(subject)));
            }
        }
    }
}
