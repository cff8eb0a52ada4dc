//! Composition: stacked relative abundance of the top taxa (+ Other, grey, last) at a chosen
//! rank, one bar per sample (or per subject and time bin when averaged), a facet per group,
//! each subject's samples in time order with a gap between subjects; subjects in ID order or by
//! a taxon's baseline abundance. The legend stands beside the bars. Hovering a bar hovers its
//! subject everywhere.

use crate::i18n::{tr, trf};
use std::sync::{Arc, Weak};

use eframe::egui;
use egui_plot::{Bar, BarChart, Plot, PlotPoint, Text};

use crate::app::derived::{Composition, CompositionSample, Derived, composition_at};
use crate::app::state::{Command, Highlight, Item};
use crate::app::theme::{group_color, taxon_color};
use crate::app::view::{Slot, View, ViewCtx, settings_pairs, settings_text};
use crate::model::RANKS;
use crate::model::time::DAYS_PER_MONTH;

/// Most bars drawn at once (level of detail).
pub const MAX_BARS: usize = 600;

/// Width of the time bins when averaging, in days (three months).
const AVERAGE_BIN_DAYS: f64 = 3.0 * DAYS_PER_MONTH;

/// Persistent state of the composition view.
#[derive(Clone, Debug)]
pub struct CompositionView {
    /// Bars drawn in the last frame: (x, subject).
    pub last_bars: Vec<(f64, Option<usize>)>,
    /// Rank: an index into `RANKS`, or `RANKS.len()` for features.
    pub rank: usize,
    pub top: usize,
    /// Order subjects by their first sample's abundance of this taxon (index into the taxa).
    pub order_by: Option<usize>,
    /// One bar per subject and 3-month bin, averaged.
    pub average: bool,
    /// The composition at another rank or top N than the default one.
    cache: Option<Cached>,
}

impl Default for CompositionView {
    fn default() -> Self {
        Self {
            last_bars: Vec::new(),
            rank: 5,
            top: crate::app::derived::TOP_TAXA,
            order_by: None,
            average: false,
            cache: None,
        }
    }
}

/// A composition built for (rank, top N) from a `Derived`.
type Cached = ((usize, usize), Weak<Derived>, Arc<Composition>);

/// A bar to draw: where, whose, and the fractions.
struct Placed<'a> {
    x: f64,
    subject: Option<usize>,
    label: String,
    day: f64,
    values: std::borrow::Cow<'a, [f64]>,
}

impl CompositionView {
    /// The composition shown: the default one, or one built for this rank and top N.
    fn composition(&mut self, derived: &Arc<Derived>) -> Arc<Composition> {
        if self.rank == 5 && self.top == crate::app::derived::TOP_TAXA {
            return Arc::clone(&derived.composition);
        }
        let key = (self.rank, self.top);
        let fresh = self
            .cache
            .as_ref()
            .is_some_and(|(k, source, _)| *k == key && std::ptr::eq(source.as_ptr(), Arc::as_ptr(derived)));
        if !fresh {
            let rank = (self.rank < RANKS.len()).then_some(self.rank);
            let built = composition_at(&derived.cohort, &derived.subject_index(), rank, self.top).unwrap_or_default();
            self.cache = Some((key, Arc::downgrade(derived), Arc::new(built)));
        }
        self.cache
            .as_ref()
            .map_or_else(|| Arc::new(Composition::default()), |(_, _, c)| Arc::clone(c))
    }

    fn controls_ui(&mut self, ui: &mut egui::Ui, comp: &Composition) {
        ui.horizontal_wrapped(|ui| {
            let name = |r: usize| RANKS.get(r).copied().unwrap_or("feature");
            let title = ui.label(tr("Rank"));
            egui::ComboBox::from_id_salt(("composition-rank", ui.scope_id()))
                .selected_text(name(self.rank))
                .show_ui(ui, |ui| {
                    for r in 1..=RANKS.len() {
                        ui.selectable_value(&mut self.rank, r, name(r));
                    }
                })
                .response
                .labelled_by(title.id);
            let title = ui.label(tr("Top"));
            ui.add(egui::DragValue::new(&mut self.top).range(1..=20))
                .labelled_by(title.id);
            let title = ui.label(tr("Subjects by"));
            let order = self
                .order_by
                .and_then(|t| comp.taxa.get(t))
                .map_or_else(|| "ID".to_owned(), |t| format!("baseline {t}"));
            egui::ComboBox::from_id_salt(("composition-order", ui.scope_id()))
                .selected_text(order)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.order_by, None, "ID");
                    for (t, taxon) in comp.taxa.iter().enumerate().take(comp.taxa.len().saturating_sub(1)) {
                        ui.selectable_value(&mut self.order_by, Some(t), format!("baseline {taxon}"));
                    }
                })
                .response
                .labelled_by(title.id);
            ui.checkbox(&mut self.average, tr("Average per 3 months"));
        });
    }

    /// The bars in facet, subject and time order, with the facets' (label, first x).
    fn layout<'a>(&self, ctx: &ViewCtx<'_>, comp: &'a Composition) -> (Vec<Placed<'a>>, Vec<(String, f64)>) {
        let d = &ctx.derived;
        let group_of = |s: &CompositionSample| s.subject.map(|subj| d.subjects[subj].group);
        let shown: Vec<&CompositionSample> = comp
            .samples
            .iter()
            .filter(|s| s.subject.is_none_or(|s| ctx.visible(s)))
            .collect();
        // Each subject's samples (the composition lists them by subject, then time), with the
        // baseline abundance of the ordering taxon; one pass, whatever the cohort's size.
        let mut runs: Vec<(Option<usize>, Vec<&CompositionSample>, f64)> = Vec::new();
        for s in shown {
            match runs.last_mut() {
                Some((subject, samples, _)) if *subject == s.subject => samples.push(s),
                _ => runs.push((s.subject, vec![s], 0.0)),
            }
        }
        if let Some(t) = self.order_by {
            for (_, samples, baseline) in &mut runs {
                *baseline = samples
                    .iter()
                    .min_by(|a, b| a.day.total_cmp(&b.day))
                    .and_then(|s| s.values.get(t).copied())
                    .unwrap_or(0.0);
            }
        }
        runs.sort_by(|(a, sa, ba), (b, sb, bb)| {
            let (ga, gb) = (
                sa.first().and_then(|s| group_of(s)),
                sb.first().and_then(|s| group_of(s)),
            );
            // Samples without a subject form the last facet.
            ga.is_none()
                .cmp(&gb.is_none())
                .then(ga.cmp(&gb))
                .then_with(|| bb.total_cmp(ba))
                .then(a.cmp(b))
        });
        let mut bars = Vec::new();
        let mut facets: Vec<(String, f64)> = Vec::new();
        let mut x = 0.0;
        let mut last_group: Option<Option<usize>> = None;
        for (subject, samples, _) in runs {
            let group = samples.first().and_then(|s| group_of(s));
            if last_group == Some(group) {
                x += 1.0;
            } else {
                if last_group.is_some() {
                    x += 3.0;
                }
                let label = group.map_or_else(|| "no subject".to_owned(), |g| d.groups[g].clone());
                facets.push((label, x));
                last_group = Some(group);
            }
            let label = subject.map_or("–", |s| d.subjects[s].id.as_str()).to_owned();
            if self.average {
                let mut bins: std::collections::BTreeMap<i64, (f64, Vec<f64>, usize)> =
                    std::collections::BTreeMap::new();
                for s in &samples {
                    let e = bins.entry((s.day / AVERAGE_BIN_DAYS).floor() as i64).or_insert((
                        s.day,
                        vec![0.0; s.values.len()],
                        0,
                    ));
                    for (acc, v) in e.1.iter_mut().zip(&s.values) {
                        *acc += v;
                    }
                    e.2 += 1;
                }
                for (_, (day, sums, n)) in bins {
                    let values: Vec<f64> = sums.iter().map(|v| v / n as f64).collect();
                    bars.push(Placed {
                        x,
                        subject,
                        label: format!("{label}, {n} samples"),
                        day,
                        values: values.into(),
                    });
                    x += 1.0;
                }
            } else {
                for s in samples {
                    bars.push(Placed {
                        x,
                        subject,
                        label: s.id.clone(),
                        day: s.day,
                        values: std::borrow::Cow::Borrowed(&s.values),
                    });
                    x += 1.0;
                }
            }
        }
        (bars, facets)
    }

    fn view_ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        if crate::app::view::problem_ui(ui, ctx, tr("Composition")) {
            return;
        }
        let derived = Arc::clone(ctx.derived);
        let comp = self.composition(&derived);
        if comp.samples.is_empty() {
            ui.label(tr("No microbiome samples."));
            return;
        }
        if !ctx.figure {
            self.controls_ui(ui, &comp);
        }
        let (mut bars, facets) = self.layout(ctx, &comp);
        let total = bars.len();
        if bars.len() > MAX_BARS {
            // Level of detail: an even subsample, facets kept in place.
            let stride = bars.len().div_ceil(MAX_BARS);
            bars = bars.into_iter().step_by(stride).collect();
        }
        self.last_bars = bars.iter().map(|b| (b.x, b.subject)).collect();
        let rank = RANKS.get(self.rank).copied().unwrap_or("feature");
        ui.label(trf(
            "Relative abundance, top {top} at {rank}; {bars} bars{sampled}",
            &[
                ("top", &(comp.taxa.len() - 1)),
                ("rank", &rank),
                ("bars", &bars.len()),
                (
                    "sampled",
                    &if bars.len() < total {
                        trf(" of {total} (even sample)", &[("total", &total)])
                    } else {
                        String::new()
                    },
                ),
            ],
        ));
        let legend_width = 170.0;
        let plot_width = (ui.available_width() - legend_width).max(200.0);
        let mut hovered = None;
        ui.horizontal_top(|ui| {
            let plot = Plot::new("composition")
                .width(plot_width)
                .y_axis_label(tr("Relative abundance"))
                .x_axis_label(tr("Samples: by group, subject and time"))
                .include_y(0.0)
                .include_y(1.12)
                .allow_scroll(false)
                .show_x(false);
            let response = plot.show(ui, |plot_ui| {
                let mut charts: Vec<BarChart> = Vec::new();
                for (t, taxon) in comp.taxa.iter().enumerate() {
                    let color = taxon_color(t, comp.taxa.len());
                    let chart_bars: Vec<Bar> = bars
                        .iter()
                        .map(|b| {
                            let level = b
                                .subject
                                .map_or(Highlight::Normal, |s| ctx.state.selection.highlight(s));
                            let fill = if level == Highlight::Faded {
                                color.gamma_multiply(0.3)
                            } else {
                                color
                            };
                            Bar::new(b.x, b.values.get(t).copied().unwrap_or(0.0))
                                .width(0.9)
                                .fill(fill)
                                .name(&b.label)
                        })
                        .collect();
                    let refs: Vec<&BarChart> = charts.iter().collect();
                    charts.push(BarChart::new(taxon.clone(), chart_bars).color(color).stack_on(&refs));
                }
                for chart in charts {
                    plot_ui.bar_chart(chart);
                }
                for (g, (label, x)) in facets.iter().enumerate() {
                    let color = derived
                        .groups
                        .iter()
                        .position(|n| n == label)
                        .map_or(egui::Color32::GRAY, group_color);
                    plot_ui.text(
                        Text::new(
                            format!("facet {g}"),
                            PlotPoint::new(*x - 0.5, 1.07),
                            egui::RichText::new(label).strong().color(color),
                        )
                        .anchor(egui::Align2::LEFT_CENTER),
                    );
                }
                plot_ui.pointer_coordinate()
            });
            if response.response.hovered()
                && let Some(p) = response.inner
            {
                hovered = bars
                    .iter()
                    .position(|b| (p.x - b.x).abs() <= 0.45 && (0.0..=1.0).contains(&p.y))
                    .map(|k| (k, response.response.clone()));
            }
            // The legend beside the bars, "Other" last.
            ui.vertical(|ui| {
                ui.set_width(legend_width - 10.0);
                for (t, taxon) in comp.taxa.iter().enumerate() {
                    ui.horizontal(|ui| {
                        let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                        ui.painter().rect_filled(rect, 2.0, taxon_color(t, comp.taxa.len()));
                        ui.add(egui::Label::new(taxon).truncate());
                    });
                }
            });
        });
        if let Some((k, response)) = hovered {
            let b = &bars[k];
            if let Some(subject) = b.subject {
                ctx.commands.push(Command::Hover(Item::Subject(subject)));
                if response.clicked() {
                    ctx.commands.push(Command::Select(Item::Subject(subject)));
                }
            }
            let subject = b.subject.map_or("no subject", |s| derived.subjects[s].id.as_str());
            response.on_hover_text(format!("{} ({subject}), day {:.0}", b.label, b.day));
        }
    }
}

impl View for CompositionView {
    fn defaults(_derived: &Derived) -> Vec<(Slot, Self)> {
        vec![(Slot::RightTop, Self::default())]
    }

    fn title(&self, _ctx: &ViewCtx<'_>) -> egui::WidgetText {
        tr("Composition").into()
    }

    fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        self.view_ui(ui, ctx);
    }

    fn settings(&self, _derived: &Derived) -> String {
        settings_text(&[
            ("rank", self.rank.to_string()),
            ("top", self.top.to_string()),
            ("average", self.average.to_string()),
        ])
    }

    fn apply_settings(&mut self, settings: &str, _derived: &Derived) {
        for (key, value) in settings_pairs(settings) {
            match key {
                "rank" => self.rank = value.parse().unwrap_or(self.rank).min(RANKS.len()),
                "top" => self.top = value.parse().unwrap_or(self.top).clamp(1, 30),
                "average" => self.average = value == "true",
                _ => {}
            }
        }
    }

    fn restore(_saved: Option<&str>, _derived: &Derived) -> Option<Self> {
        Some(Self::default())
    }
}
