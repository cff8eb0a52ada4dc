//! Taxa: which taxa change over time (each genus's CLR on months since baseline, random
//! intercept per subject, BH q) as a sortable, searchable table and a volcano plot, and which go
//! with the disease (Spearman of each subject's baseline abundance with ALSFRS-R slope, ΔFS,
//! BMI change and REE ratio) as a heatmap. Clicking a taxon opens its trajectory.

use crate::i18n::tr;
use eframe::egui;
use egui_plot::{Legend, MarkerShape, Plot, PlotPoint, Points};

use crate::app::derived::Derived;
use crate::app::state::Command;
use crate::app::view::{Slot, View, ViewCtx, problem_ui, settings_pairs, settings_text};
use crate::app::widgets::plot::emptiest_corner;
use crate::app::widgets::table::sortable_header_ui;
use crate::cohort::{CLINICAL, MeasureRef};
use crate::metrics::trends::TaxonTrend;
use crate::model::natural::natural_cmp;

/// Table columns, with their widths.
/// The columns: (header in the language in use, width).
fn columns() -> [(&'static str, f32); 7] {
    [
        (tr("Taxon"), 170.0),
        (tr("Prevalence"), 75.0),
        (tr("Mean abund."), 80.0),
        (tr("CLR/month"), 75.0),
        (tr("SE"), 60.0),
        (tr("p"), 70.0),
        (tr("q"), 70.0),
    ]
}

/// q below which a taxon's trend or correlation is marked.
const Q_MARK: f64 = 0.05;

/// Which part of the view is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Panel {
    #[default]
    Table,
    Volcano,
    Heatmap,
}

/// Persistent state of the Taxa view.
#[derive(Clone, Debug)]
pub struct TaxaView {
    pub panel: Panel,
    pub search: String,
    pub sort_column: usize,
    pub descending: bool,
    /// Taxa (indices into the trends) shown in the last frame, in display order.
    pub last_rows: Vec<usize>,
}

impl Default for TaxaView {
    fn default() -> Self {
        Self {
            panel: Panel::Table,
            search: String::new(),
            // Most significant first.
            sort_column: 6,
            descending: false,
            last_rows: Vec::new(),
        }
    }
}

fn num(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "–".to_owned(), |v| format!("{v:.digits$}"))
}

fn pval(v: Option<f64>) -> String {
    v.map_or_else(
        || "–".to_owned(),
        |v| {
            if v < 1e-3 {
                format!("{v:.1e}")
            } else {
                format!("{v:.3}")
            }
        },
    )
}

impl TaxaView {
    /// Open `taxon`'s CLR trajectory at the view's rank.
    fn open(ctx: &mut ViewCtx<'_>, taxon: &str) {
        let rank = ctx.derived.taxa_trends.rank;
        ctx.commands.push(Command::OpenTrajectory(
            MeasureRef::Taxon {
                name: taxon.to_owned(),
                clr: true,
            },
            rank,
        ));
    }

    fn rows(&self, taxa: &[TaxonTrend]) -> Vec<usize> {
        let needle = self.search.trim().to_lowercase();
        let mut rows: Vec<usize> = (0..taxa.len())
            .filter(|&k| needle.is_empty() || taxa[k].taxon.to_lowercase().contains(&needle))
            .collect();
        let key = |t: &TaxonTrend| -> Option<f64> {
            match self.sort_column {
                1 => Some(t.prevalence),
                2 => Some(t.mean_relative_abundance),
                3 => t.slope,
                4 => t.std_error,
                5 => t.p_value,
                _ => t.q_value,
            }
        };
        rows.sort_by(|&a, &b| {
            if self.sort_column == 0 {
                return natural_cmp(&taxa[a].taxon, &taxa[b].taxon);
            }
            // Untested taxa last whichever the direction.
            match (key(&taxa[a]), key(&taxa[b])) {
                (Some(x), Some(y)) => {
                    let o = x.total_cmp(&y);
                    if self.descending { o.reverse() } else { o }
                }
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => natural_cmp(&taxa[a].taxon, &taxa[b].taxon),
            }
        });
        if self.sort_column == 0 && self.descending {
            rows.reverse();
        }
        rows
    }

    fn table_ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        let derived = std::sync::Arc::clone(ctx.derived);
        let taxa = &derived.taxa_trends.trends.taxa;
        ui.horizontal(|ui| {
            let label = ui.label(tr("Search taxa:"));
            ui.text_edit_singleline(&mut self.search).labelled_by(label.id);
        });
        let rows = self.rows(taxa);
        sortable_header_ui(ui, &columns(), &mut self.sort_column, &mut self.descending);
        ui.separator();
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show_rows(ui, row_height, rows.len(), |ui, range| {
                for &k in &rows[range] {
                    let t = &taxa[k];
                    let cells = [
                        t.taxon.clone(),
                        format!("{:.0}%", t.prevalence * 100.0),
                        format!("{:.2}%", t.mean_relative_abundance * 100.0),
                        num(t.slope, 3),
                        num(t.std_error, 3),
                        pval(t.p_value),
                        pval(t.q_value),
                    ];
                    let marked = t.q_value.is_some_and(|q| q < Q_MARK);
                    let row = ui.horizontal(|ui| {
                        for ((_, width), text) in columns().iter().zip(cells) {
                            let mut rich = egui::RichText::new(text);
                            if marked {
                                rich = rich.strong();
                            }
                            ui.add_sized([*width, row_height - 4.0], egui::Label::new(rich).truncate());
                        }
                    });
                    let response = ui
                        .interact(
                            row.response.rect,
                            ui.scope_id().with(("taxon", k)),
                            egui::Sense::click(),
                        )
                        .on_hover_text(tr("Open this taxon's CLR trajectory"));
                    if response.clicked() {
                        Self::open(ctx, &t.taxon);
                    }
                }
            });
        self.last_rows = rows;
    }

    fn volcano_ui(ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        let derived = std::sync::Arc::clone(ctx.derived);
        let taxa = &derived.taxa_trends.trends.taxa;
        let points: Vec<(usize, [f64; 2])> = taxa
            .iter()
            .enumerate()
            .filter_map(|(k, t)| Some((k, [t.slope?, -t.q_value?.max(1e-300).log10()])))
            .collect();
        let marked: Vec<[f64; 2]> = points
            .iter()
            .filter(|(_, p)| p[1] > -Q_MARK.log10())
            .map(|(_, p)| *p)
            .collect();
        let rest: Vec<[f64; 2]> = points
            .iter()
            .filter(|(_, p)| p[1] <= -Q_MARK.log10())
            .map(|(_, p)| *p)
            .collect();
        let text = ui.visuals().text_color();
        let corner = emptiest_corner(points.iter().map(|(_, p)| *p));
        let response = Plot::new("taxa-volcano")
            .legend(Legend::default().position(corner))
            .x_axis_label(tr("CLR change per month"))
            .y_axis_label("−log10 q")
            .allow_scroll(false)
            .show(ui, |plot_ui| {
                plot_ui.points(
                    Points::new("q ≥ 0.05", rest)
                        .color(text.gamma_multiply(0.4))
                        .radius(3.0)
                        .shape(MarkerShape::Circle),
                );
                plot_ui.points(
                    Points::new("q < 0.05", marked)
                        .color(egui::Color32::from_rgb(0xD5, 0x5E, 0x00))
                        .radius(4.0)
                        .shape(MarkerShape::Circle),
                );
                let pointer = plot_ui.pointer_coordinate()?;
                let at = plot_ui.screen_from_plot(pointer);
                points
                    .iter()
                    .map(|(k, p)| (*k, plot_ui.screen_from_plot(PlotPoint::new(p[0], p[1])).distance(at)))
                    .filter(|(_, d)| *d <= 8.0)
                    .min_by(|a, b| a.1.total_cmp(&b.1))
                    .map(|(k, _)| k)
            });
        if let Some(k) = response.inner {
            let t = &taxa[k];
            response.response.clone().on_hover_text(format!(
                "{}\nCLR/month {} (SE {})\nq {}\nclick: open its trajectory",
                t.taxon,
                num(t.slope, 3),
                num(t.std_error, 3),
                pval(t.q_value)
            ));
            if response.response.clicked() {
                Self::open(ctx, &t.taxon);
            }
        }
    }

    fn heatmap_ui(ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        let derived = std::sync::Arc::clone(ctx.derived);
        let rows = &derived.taxa_trends.correlations;
        if rows.iter().all(|(_, cells)| cells.iter().all(Option::is_none)) {
            ui.label(tr(
                "No clinical course to correlate with (no ALSFRS-R slopes, ΔFS, BMI or REE).",
            ));
            return;
        }
        ui.label(tr(
            "Spearman ρ of each subject's baseline abundance with the clinical course; * q < 0.05 (BH per column).",
        ));
        egui::ScrollArea::both().auto_shrink([false, false]).show(ui, |ui| {
            egui::Grid::new("taxa-heatmap").spacing([4.0, 2.0]).show(ui, |ui| {
                ui.label("");
                for (_, name) in CLINICAL {
                    ui.strong(name);
                }
                ui.end_row();
                for (taxon, cells) in rows {
                    if ui
                        .link(taxon)
                        .on_hover_text(tr("Open this taxon's CLR trajectory"))
                        .clicked()
                    {
                        Self::open(ctx, taxon);
                    }
                    for cell in cells {
                        let (text, fill) = match cell {
                            Some(c) => (
                                format!("{:+.2}{}", c.rho, if c.q_value < Q_MARK { "*" } else { "" }),
                                diverging(c.rho),
                            ),
                            None => ("–".to_owned(), egui::Color32::TRANSPARENT),
                        };
                        let (rect, response) = ui.allocate_exact_size(egui::vec2(96.0, 20.0), egui::Sense::hover());
                        ui.painter().rect_filled(rect, 2.0, fill);
                        ui.painter().text(
                            rect.center(),
                            egui::Align2::CENTER_CENTER,
                            text,
                            egui::TextStyle::Body.resolve(ui.style()),
                            ui.visuals().strong_text_color(),
                        );
                        if let Some(c) = cell {
                            response.on_hover_text(format!(
                                "ρ {:+.3}, p {}, q {}, n {}",
                                c.rho,
                                pval(Some(c.p_value)),
                                pval(Some(c.q_value)),
                                c.n
                            ));
                        }
                    }
                    ui.end_row();
                }
            });
        });
    }

    fn view_ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        if problem_ui(ui, ctx, tr("Taxa")) {
            return;
        }
        if ctx.derived.taxa_pending {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr("Fitting each taxon's trend… The other views can be used meanwhile."));
            });
            return;
        }
        let trends = &ctx.derived.taxa_trends.trends;
        if trends.taxa.is_empty() {
            ui.label(tr("No microbiome samples with a subject and a time."));
            return;
        }
        ui.horizontal_wrapped(|ui| {
            if !ctx.figure {
                for (panel, name) in [
                    (Panel::Table, tr("Table")),
                    (Panel::Volcano, tr("Volcano")),
                    (Panel::Heatmap, tr("Taxa × clinical")),
                ] {
                    ui.selectable_value(&mut self.panel, panel, name);
                }
                ui.separator();
            }
            let model = if trends.by_group {
                tr("genus CLR ~ months × group + (1 | subject), REML; slope of the first group, p of months × group")
            } else {
                tr("genus CLR ~ months + (1 | subject), REML")
            };
            ui.label(format!(
                "{model}; {} of {} genera tested (present in ≥ 10% of {} samples, {} subjects)",
                trends.taxa.iter().filter(|t| t.p_value.is_some()).count(),
                trends.taxa.len(),
                trends.num_samples,
                trends.num_subjects
            ));
        });
        match self.panel {
            Panel::Table => self.table_ui(ui, ctx),
            Panel::Volcano => Self::volcano_ui(ui, ctx),
            Panel::Heatmap => Self::heatmap_ui(ui, ctx),
        }
    }
}

/// Blue for negative, orange for positive correlations, stronger with |ρ| (readable in both
/// themes behind light text).
fn diverging(rho: f64) -> egui::Color32 {
    let t = rho.clamp(-1.0, 1.0).abs() as f32;
    let base = if rho < 0.0 {
        egui::Color32::from_rgb(0x00, 0x72, 0xB2)
    } else {
        egui::Color32::from_rgb(0xD5, 0x5E, 0x00)
    };
    base.gamma_multiply(0.15 + 0.75 * t)
}

impl View for TaxaView {
    fn defaults(derived: &Derived) -> Vec<(Slot, Self)> {
        if derived.taxa_trends.trends.taxa.is_empty() && !derived.taxa_pending {
            Vec::new()
        } else {
            vec![(Slot::RightTop, Self::default())]
        }
    }

    fn title(&self, _ctx: &ViewCtx<'_>) -> egui::WidgetText {
        tr("Taxa").into()
    }

    fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        self.view_ui(ui, ctx);
    }

    fn settings(&self, _derived: &Derived) -> String {
        let panel = match self.panel {
            Panel::Table => "table",
            Panel::Volcano => "volcano",
            Panel::Heatmap => "heatmap",
        };
        settings_text(&[("panel", panel.to_owned())])
    }

    fn apply_settings(&mut self, settings: &str, _derived: &Derived) {
        for (key, value) in settings_pairs(settings) {
            if key == "panel" {
                self.panel = match value {
                    "volcano" => Panel::Volcano,
                    "heatmap" => Panel::Heatmap,
                    _ => Panel::Table,
                };
            }
        }
    }

    fn restore(_saved: Option<&str>, _derived: &Derived) -> Option<Self> {
        Some(Self::default())
    }
}
