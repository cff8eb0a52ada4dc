//! Composition: stacked relative abundance of the top genera (+ Other), one bar per sample,
//! grouped by subject in time order with a gap between subjects.

use eframe::egui;
use egui_plot::{Bar, BarChart, Legend, Plot};

use crate::app::state::{Command, Highlight, Item};
use crate::app::theme::taxon_color;
use crate::app::view::{Slot, View, ViewCtx};

/// Most bars drawn at once (level of detail).
pub const MAX_BARS: usize = 600;

/// Persistent state of the composition view.
#[derive(Clone, Debug, Default)]
pub struct CompositionView {
    /// Bars drawn in the last frame: (x, subject).
    pub last_bars: Vec<(f64, Option<usize>)>,
}

impl CompositionView {
    fn view_ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        if crate::app::view::problem_ui(ui, ctx, "Composition") {
            return;
        }
        let comp = &ctx.derived.composition;
        if comp.samples.is_empty() {
            ui.label("No microbiome samples.");
            return;
        }
        // x positions: consecutive within a subject, a gap of one bar between subjects.
        let mut xs = Vec::new();
        let mut x = 0.0;
        let mut last_subject = None;
        for sample in comp.samples.iter().filter(|s| s.subject.is_none_or(|s| ctx.visible(s))) {
            if last_subject.is_some() && sample.subject != last_subject {
                x += 1.0;
            }
            last_subject = sample.subject;
            xs.push((x, sample));
            x += 1.0;
        }
        self.last_bars = xs.iter().map(|(x, s)| (*x, s.subject)).collect();
        ui.label(format!(
            "Relative abundance, top {} genera; {} samples",
            comp.taxa.len() - 1,
            xs.len()
        ));
        let plot = Plot::new("composition")
            .legend(Legend::default())
            .y_axis_label("Relative abundance")
            .x_axis_label("Samples, by subject in time order")
            .include_y(0.0)
            .include_y(1.0)
            .allow_scroll(false)
            .show_x(false);
        let response = plot.show(ui, |plot_ui| {
            let mut charts: Vec<BarChart> = Vec::new();
            for (t, taxon) in comp.taxa.iter().enumerate() {
                let bars: Vec<Bar> = xs
                    .iter()
                    .map(|(x, s)| {
                        let level = s
                            .subject
                            .map_or(Highlight::Normal, |subj| ctx.state.selection.highlight(subj));
                        let color = taxon_color(t, comp.taxa.len());
                        let color = if level == Highlight::Faded {
                            color.gamma_multiply(0.3)
                        } else {
                            color
                        };
                        Bar::new(*x, s.values[t]).width(0.9).fill(color).name(&s.id)
                    })
                    .collect();
                let refs: Vec<&BarChart> = charts.iter().collect();
                let chart = BarChart::new(taxon.clone(), bars)
                    .color(taxon_color(t, comp.taxa.len()))
                    .stack_on(&refs);
                charts.push(chart);
            }
            for chart in charts {
                plot_ui.bar_chart(chart);
            }
            plot_ui.pointer_coordinate()
        });
        if response.response.hovered()
            && let Some(p) = response.inner
        {
            let hit = xs
                .iter()
                .find(|(x, _)| (p.x - x).abs() <= 0.45 && (0.0..=1.0).contains(&p.y));
            if let Some((_, sample)) = hit {
                if let Some(subject) = sample.subject {
                    ctx.commands.push(Command::Hover(Item::Subject(subject)));
                    if response.response.clicked() {
                        ctx.commands.push(Command::Select(Item::Subject(subject)));
                    }
                }
                let subject = sample
                    .subject
                    .map_or("no subject", |s| ctx.derived.subjects[s].id.as_str());
                response
                    .response
                    .clone()
                    .on_hover_text(format!("{} ({subject}), day {:.0}", sample.id, sample.day));
            }
        }
    }
}

impl View for CompositionView {
    fn defaults(_derived: &crate::app::derived::Derived) -> Vec<(Slot, Self)> {
        vec![(Slot::RightTop, Self::default())]
    }

    fn title(&self, _ctx: &ViewCtx<'_>) -> egui::WidgetText {
        "Composition".into()
    }

    fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        self.view_ui(ui, ctx);
    }

    fn restore(_saved: Option<&str>, _derived: &crate::app::derived::Derived) -> Option<Self> {
        Some(Self::default())
    }
}
