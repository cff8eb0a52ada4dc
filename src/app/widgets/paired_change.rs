//! Paired change between two time points of a trajectory: each subject's change, the median per
//! group with the Wilcoxon signed-rank test (against no change), and between groups the
//! Mann–Whitney test (two groups) or Kruskal–Wallis (more), as scipy computes them.

use crate::i18n::tr;
use eframe::egui;

use crate::app::derived::Measure;
use crate::app::theme::group_color;
use crate::app::view::ViewCtx;
use crate::metrics::longitudinal::paired_changes;
use crate::metrics::stats::{kruskal_wallis, mann_whitney_u, wilcoxon_signed_rank};

/// The two times compared (in the plot's x units), when chosen.
#[derive(Clone, Debug, Default)]
pub struct PairedChange {
    pub open: bool,
    pub times: Option<(f64, f64)>,
}

fn p_text(p: f64) -> String {
    if p < 1e-3 {
        format!("{p:.1e}")
    } else {
        format!("{p:.3}")
    }
}

impl PairedChange {
    /// The switch, the two times and the tests, for `m` on x-axis `axis`; `tolerance` is how far
    /// from each time a visit may be (half the schedule's interval).
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &ViewCtx<'_>, m: &Measure, axis: usize, tolerance: f64) {
        ui.checkbox(&mut self.open, tr("Paired change")).on_hover_text(tr(
            "Each subject's change between two times, tested within and between groups",
        ));
        if !self.open {
            return;
        }
        let (lo, hi) = ctx.derived.x_range[axis];
        let (mut from, mut to) = self.times.unwrap_or((lo, hi));
        ui.horizontal_wrapped(|ui| {
            ui.label("from");
            ui.add(egui::DragValue::new(&mut from).speed(0.1).range(lo..=hi));
            ui.label("to");
            ui.add(egui::DragValue::new(&mut to).speed(0.1).range(lo..=hi));
            ui.label(format!("(± {tolerance:.1})"));
        });
        self.times = Some((from, to));
        let points: Vec<(usize, Vec<(f64, f64)>)> = m
            .series
            .iter()
            .filter(|s| ctx.visible(s.subject))
            .map(|s| (s.subject, s.points[axis].iter().map(|p| (p.x, p.y)).collect()))
            .collect();
        let changes = paired_changes(points.iter().map(|(s, p)| (*s, p.as_slice())), from, to, tolerance);
        let mut by_group: Vec<Vec<f64>> = vec![Vec::new(); ctx.derived.groups.len()];
        for (s, d) in &changes {
            by_group[ctx.derived.subjects[*s].group].push(*d);
        }
        egui::Grid::new(("paired", ui.scope_id())).striped(true).show(ui, |ui| {
            for header in ["group", "n", "median change", "Wilcoxon p"] {
                ui.strong(header);
            }
            ui.end_row();
            for (g, values) in by_group.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
                let mut sorted = values.clone();
                sorted.sort_by(f64::total_cmp);
                let n = sorted.len();
                let median = if n % 2 == 1 {
                    sorted[n / 2]
                } else {
                    f64::midpoint(sorted[n / 2 - 1], sorted[n / 2])
                };
                ui.colored_label(group_color(g), &ctx.derived.groups[g]);
                ui.label(n.to_string());
                ui.label(format!("{median:+.3}"));
                ui.label(wilcoxon_signed_rank(values).map_or_else(|| "–".to_owned(), |t| p_text(t.p_value)));
                ui.end_row();
            }
        });
        let present: Vec<&[f64]> = by_group.iter().filter(|v| !v.is_empty()).map(Vec::as_slice).collect();
        let between = match present.as_slice() {
            [a, b] => mann_whitney_u(a, b).map(|t| format!("Mann–Whitney between groups: p {}", p_text(t.p_value))),
            [_, _, _, ..] => {
                kruskal_wallis(&present).map(|t| format!("Kruskal–Wallis between groups: p {}", p_text(t.p_value)))
            }
            _ => None,
        };
        if let Some(text) = between {
            ui.label(text);
        }
    }
}
