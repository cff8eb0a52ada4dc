//! Subject profile: everything about one subject (the hovered, else the first selected):
//! attributes, derived metrics, every measure over time, and its samples.

use crate::i18n::{tr, trf};
use eframe::egui;
use egui_plot::{Line, MarkerShape, Plot, PlotPoints, Points, VLine};

use crate::app::derived::SUBJECT_METRICS;
use crate::app::state::Command;
use crate::app::theme::{CHANGED, group_color, marker_color, severity_color};
use crate::app::view::{Slot, View, ViewCtx};
use crate::app::widgets::plot::time_axis;

/// Persistent state of the profile view.
#[derive(Clone, Debug, Default)]
pub struct SubjectProfileView {
    /// The subject shown in the last frame.
    pub last_subject: Option<usize>,
    /// The finding marked in the last frame (a focused finding of the shown subject).
    pub last_focused: Option<usize>,
}

impl SubjectProfileView {
    fn view_ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
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
            ui.label(tr("Select a subject (click a line, point or row) to see its profile."));
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
                tr("sex not recorded")
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
        // Every other categorical attribute (sample-metadata ones too: delivery, diet, …).
        let others: Vec<String> = d
            .categories
            .iter()
            .filter(|c| {
                ![
                    crate::model::columns::SITE,
                    crate::model::columns::SEX,
                    crate::model::columns::ONSET_REGION,
                ]
                .contains(&c.column.as_str())
            })
            .filter_map(|c| Some(format!("{}: {}", c.column.replace('_', " "), c.values.get(s)?)))
            .collect();
        if !others.is_empty() {
            ui.label(others.join(" · "));
        }
        egui::Grid::new(("profile-metrics", s))
            .num_columns(2)
            .striped(true)
            .show(ui, |ui| {
                for (i, (_, label)) in SUBJECT_METRICS.iter().enumerate() {
                    ui.label(*label);
                    ui.label(info.metrics[i].map_or_else(|| "–".to_owned(), |v| format!("{v:.3}")));
                    ui.end_row();
                }
                ui.label(tr("Hypermetabolic (first REE)"));
                ui.label(info.hypermetabolic.map_or("–", |h| if h { "yes" } else { "no" }));
                ui.end_row();
            });
        let findings = std::sync::Arc::clone(&d.findings);
        let own: &[usize] = findings.by_subject.get(&s).map_or(&[], Vec::as_slice);
        let focused = ctx.state.focused_finding.filter(|k| own.contains(k));
        self.last_focused = focused;
        if let Some(k) = focused {
            let f = &findings.all[k];
            egui::Frame::new()
                .stroke(egui::Stroke::new(1.5, severity_color(ui, f.severity)))
                .inner_margin(6.0)
                .show(ui, |ui| {
                    ui.label(
                        egui::RichText::new(format!("{} {}", f.severity.label(), f.rule))
                            .color(severity_color(ui, f.severity))
                            .strong(),
                    );
                    let value = f
                        .value
                        .as_deref()
                        .map_or_else(String::new, |v| format!(" · value `{v}`"));
                    ui.label(format!("{}{value}", f.location()));
                    ui.label(&f.message);
                });
        }
        if !own.is_empty() {
            egui::CollapsingHeader::new(trf("Data-quality findings ({n})", &[("n", &own.len())]))
                .id_salt(("profile-findings", s))
                .default_open(true)
                .show(ui, |ui| {
                    for &k in own {
                        let f = &findings.all[k];
                        let mut text = egui::RichText::new(format!("{} {}: {}", f.severity.label(), f.rule, f.message));
                        // Coloured unless selected: the selection fill would swallow red text.
                        if focused != Some(k) {
                            text = text.color(severity_color(ui, f.severity));
                        }
                        if ui
                            .selectable_label(focused == Some(k), text)
                            .on_hover_text(f.location())
                            .clicked()
                        {
                            ctx.commands.push(Command::FocusFinding(k));
                        }
                    }
                });
        }
        if let Some(compare) = ctx.compare {
            let changes = compare.lines(s);
            let title = if compare.added.contains(&s) {
                trf("New since {old}", &[("old", &compare.label)])
            } else {
                trf(
                    "Changed since {old} ({n})",
                    &[("old", &compare.label), ("n", &changes.len())],
                )
            };
            if changes.is_empty() {
                ui.weak(trf("Unchanged since {old}", &[("old", &compare.label)]));
            } else {
                egui::CollapsingHeader::new(egui::RichText::new(title).color(CHANGED))
                    .id_salt(("profile-changes", s))
                    .default_open(true)
                    .show(ui, |ui| {
                        for line in changes {
                            ui.label(line);
                        }
                    });
            }
        }
        let axis = ctx.state.x_axis;
        let a = axis.index();
        let plots: Vec<(&str, Vec<[f64; 2]>)> = d
            .measures
            .iter()
            .filter_map(|m| {
                let series = &m.series[(*m.series_of.get(s)?)?];
                Some((m.label.as_str(), series.points[a].iter().map(|p| [p.x, p.y]).collect()))
            })
            .collect();
        // Where this subject's findings are, on this axis: (finding, x).
        let marks: Vec<(usize, f64)> = own
            .iter()
            .filter_map(|&k| Some((k, (*findings.visit.get(k)?)?[a]?)))
            .collect();
        // This subject's visits that changed since the earlier freeze, on this axis.
        let changed_x: Vec<f64> = ctx.compare.map_or_else(Vec::new, |c| {
            c.visits
                .iter()
                .filter(|(t, _)| *t == s)
                .filter_map(|(_, v)| v[a])
                .collect()
        });
        let height = ((ui.available_height() - 10.0) / plots.len().max(1) as f32).max(90.0);
        egui::ScrollArea::vertical().show(ui, |ui| {
            for (label, points) in plots {
                ui.label(label);
                time_axis(Plot::new(("profile", s, label, a)), axis)
                    .height(height)
                    .allow_scroll(false)
                    .show(ui, |plot_ui| {
                        let color = group_color(info.group);
                        plot_ui.line(
                            Line::new(label, PlotPoints::from(points.clone()))
                                .color(color)
                                .width(2.0),
                        );
                        for &(k, x) in &marks {
                            let severity = findings.all[k].severity;
                            let at: Vec<[f64; 2]> =
                                points.iter().filter(|p| (p[0] - x).abs() < 1e-9).copied().collect();
                            // The offending visit: a line across the plot and a large ring.
                            let radius = if focused == Some(k) {
                                plot_ui.vline(VLine::new("", x).color(marker_color(severity)).width(1.5));
                                10.0
                            } else {
                                6.0
                            };
                            plot_ui.points(
                                Points::new("", at)
                                    .shape(MarkerShape::Circle)
                                    .filled(false)
                                    .radius(radius)
                                    .color(marker_color(severity)),
                            );
                        }
                        let changed: Vec<[f64; 2]> = points
                            .iter()
                            .filter(|p| changed_x.iter().any(|x| (p[0] - x).abs() < 1e-9))
                            .copied()
                            .collect();
                        if !changed.is_empty() {
                            plot_ui.points(
                                Points::new("", changed)
                                    .shape(MarkerShape::Diamond)
                                    .filled(false)
                                    .radius(8.0)
                                    .color(CHANGED),
                            );
                        }
                        plot_ui.points(Points::new("", points).color(color).radius(3.5));
                    });
            }
        });
    }
}

impl View for SubjectProfileView {
    fn defaults(_derived: &crate::app::derived::Derived) -> Vec<(Slot, Self)> {
        vec![(Slot::Bottom, Self::default())]
    }

    fn title(&self, _ctx: &ViewCtx<'_>) -> egui::WidgetText {
        tr("Subject profile").into()
    }

    fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        self.view_ui(ui, ctx);
    }

    fn restore(_saved: Option<&str>, _derived: &crate::app::derived::Derived) -> Option<Self> {
        Some(Self::default())
    }
}
