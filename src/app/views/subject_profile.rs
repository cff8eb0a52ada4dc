//! Subject profile: everything about one subject (the hovered, else the first selected):
//! attributes, derived metrics, every measure over time, and its samples.

use eframe::egui;
use egui_plot::{Line, Plot, PlotPoints, Points};

use super::ViewCtx;
use crate::app::derived::SUBJECT_METRICS;
use crate::app::theme::group_color;

/// Persistent state of the profile view.
#[derive(Clone, Debug, Default)]
pub struct SubjectProfileView {
    /// The subject shown in the last frame.
    pub last_subject: Option<usize>,
}

impl SubjectProfileView {
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        let subject = ctx
            .state
            .selection
            .selected
            .iter()
            .next()
            .copied()
            .or(ctx.state.selection.hovered_subject());
        self.last_subject = subject;
        let Some(s) = subject else {
            ui.label("Select a subject (click a line, point or row) to see its profile.");
            return;
        };
        let d = ctx.derived;
        let info = &d.subjects[s];
        ui.heading(egui::RichText::new(&info.id).color(group_color(info.group)));
        ui.label(format!(
            "{} · {} · {} · onset {} · {} visits · {} samples",
            d.groups[info.group],
            info.site,
            if info.sex.is_empty() {
                "sex not recorded"
            } else {
                &info.sex
            },
            if info.onset_region.is_empty() {
                "–"
            } else {
                &info.onset_region
            },
            info.num_visits,
            info.num_samples
        ));
        egui::Grid::new(("profile-metrics", s))
            .num_columns(2)
            .striped(true)
            .show(ui, |ui| {
                for (i, (_, label)) in SUBJECT_METRICS.iter().enumerate() {
                    ui.label(*label);
                    ui.label(info.metrics[i].map_or_else(|| "–".to_owned(), |v| format!("{v:.3}")));
                    ui.end_row();
                }
                ui.label("Hypermetabolic (first REE)");
                ui.label(info.hypermetabolic.map_or("–", |h| if h { "yes" } else { "no" }));
                ui.end_row();
            });
        let axis = ctx.state.x_axis;
        let a = axis.index();
        let plots: Vec<(&str, Vec<[f64; 2]>)> = d
            .measures
            .iter()
            .filter_map(|m| {
                let series = m.series.iter().find(|x| x.subject == s)?;
                Some((m.label, series.points[a].iter().map(|p| [p.x, p.y]).collect()))
            })
            .collect();
        let height = ((ui.available_height() - 10.0) / plots.len().max(1) as f32).max(90.0);
        egui::ScrollArea::vertical().show(ui, |ui| {
            for (label, points) in plots {
                ui.label(label);
                super::time_axis(Plot::new(("profile", s, label, a)), axis)
                    .height(height)
                    .allow_scroll(false)
                    .show(ui, |plot_ui| {
                        let color = group_color(info.group);
                        plot_ui.line(
                            Line::new(label, PlotPoints::from(points.clone()))
                                .color(color)
                                .width(2.0),
                        );
                        plot_ui.points(Points::new("", points).color(color).radius(3.5));
                    });
            }
        });
    }
}
