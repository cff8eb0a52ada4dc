//! Ordination: PCoA of the samples (Bray–Curtis), coloured by group or by time since
//! baseline; the emphasised subjects' samples are joined in time order with arrows showing the
//! direction of the path. Drag a box or lasso to select subjects.

use crate::i18n::{tr, trf};
use std::sync::{Arc, Weak};

use eframe::egui;
use egui_plot::{Arrows, Legend, Line, Plot, PlotPoint, PlotPoints, PlotUi};

use crate::app::derived::{Derived, OrdinationPoint};
use crate::app::state::{Command, Highlight, Item};
use crate::app::theme::{group_color, group_marker, highlighted, sequential_color};
use crate::app::view::{Slot, View, ViewCtx, settings_pairs, settings_text};
use crate::app::widgets::color_by::{self, Scale};
use crate::app::widgets::legend::group_legend_ui;
use crate::app::widgets::plot::{emptiest_corner, layered_points, nearest_subject};
use crate::app::widgets::select::{DragSelect, Tool};

/// What the points' colour shows.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum ColorBy {
    #[default]
    Group,
    /// Months since the subject's baseline, in bins.
    Time,
    /// A column of the samples table (body site, Shannon, a metadata number, …).
    Sample(String),
    /// A column of the subjects table (baseline ALSFRS-R, ΔFS, sex, …).
    Subject(String),
}

/// Number of time bins when colouring by time.
const TIME_BINS: usize = 6;

/// Persistent state of the ordination view.
#[derive(Clone, Debug)]
pub struct OrdinationView {
    pub color_by: ColorBy,
    pub select: DragSelect,
    /// Subjects drawn highlighted in the last frame.
    pub last_emphasised: Vec<usize>,
    /// Plot-to-screen transform of the last frame.
    last_transform: Option<egui_plot::PlotTransform>,
    /// The colour scale of a column, for (choice, the `Derived` it was read from).
    scale: Option<(ColorBy, Weak<Derived>, Arc<Scale>)>,
}

impl Default for OrdinationView {
    fn default() -> Self {
        Self {
            color_by: ColorBy::Group,
            select: DragSelect::with_tool(Tool::Pan),
            last_emphasised: Vec::new(),
            last_transform: None,
            scale: None,
        }
    }
}

/// Time bins (months since baseline) of equal width, a multiple of 3 months.
fn time_bins(points: &[OrdinationPoint]) -> (f64, usize) {
    let max_month = points
        .iter()
        .map(|p| p.day / crate::model::time::DAYS_PER_MONTH)
        .fold(0.0, f64::max);
    let width = ((max_month / TIME_BINS as f64 / 3.0).ceil() * 3.0).max(3.0);
    let bins = ((max_month / width).floor() as usize + 1).min(TIME_BINS);
    (width, bins)
}

impl OrdinationView {
    /// Screen position of a sample point in the last frame (for tests).
    pub fn screen_position(&self, point: &OrdinationPoint) -> Option<egui::Pos2> {
        Some(
            self.last_transform
                .as_ref()?
                .position_from_point(&PlotPoint::new(point.x, point.y)),
        )
    }

    /// The colour scale of the column chosen (None for group and time), read once per choice.
    fn column_scale(&mut self, derived: &Arc<Derived>) -> Option<Arc<Scale>> {
        let (df, column) = match &self.color_by {
            ColorBy::Group | ColorBy::Time => return None,
            ColorBy::Sample(c) => (&derived.tables.samples, c),
            ColorBy::Subject(c) => (&derived.tables.subjects, c),
        };
        let fresh = self
            .scale
            .as_ref()
            .is_some_and(|(by, source, _)| *by == self.color_by && std::ptr::eq(source.as_ptr(), Arc::as_ptr(derived)));
        if !fresh {
            let scale = Arc::new(color_by::scale(df, column));
            self.scale = Some((self.color_by.clone(), Arc::downgrade(derived), scale));
        }
        self.scale.as_ref().map(|(_, _, s)| Arc::clone(s))
    }

    /// One points item per (colour class, highlight level), so the legend has one entry per class.
    fn draw_points(&self, plot_ui: &mut PlotUi<'_>, ctx: &ViewCtx<'_>, scale: Option<&Scale>) {
        let d = ctx.derived;
        let (width, bins) = time_bins(&d.ordination);
        let classes: Vec<(String, egui::Color32)> = match &self.color_by {
            ColorBy::Sample(_) | ColorBy::Subject(_) => scale.map(|s| s.classes.clone()).unwrap_or_default(),
            ColorBy::Group => d
                .groups
                .iter()
                .enumerate()
                .map(|(g, n)| (n.clone(), group_color(g)))
                .collect(),
            ColorBy::Time => (0..bins)
                .map(|b| {
                    let lo = b as f64 * width;
                    let label = if b + 1 == bins {
                        trf("month {lo}+", &[("lo", &format!("{lo:.0}"))])
                    } else {
                        trf(
                            "months {lo}–{hi}",
                            &[("lo", &format!("{lo:.0}")), ("hi", &format!("{:.0}", lo + width))],
                        )
                    };
                    // The darkest viridis purple is lost on a dark background: start a little in.
                    (
                        label,
                        sequential_color(0.15 + 0.85 * b as f32 / (bins.max(2) - 1) as f32),
                    )
                })
                .collect(),
        };
        let class_of = |p: &OrdinationPoint, s: usize| -> Option<usize> {
            match &self.color_by {
                ColorBy::Group => Some(d.subjects[s].group),
                ColorBy::Time => {
                    Some(((p.day / crate::model::time::DAYS_PER_MONTH / width).floor().max(0.0) as usize).min(bins - 1))
                }
                ColorBy::Sample(_) => scale?.class_of.get(p.sample_row?).copied().flatten(),
                ColorBy::Subject(_) => scale?.class_of.get(s).copied().flatten(),
            }
        };
        let by_group = self.color_by == ColorBy::Group;
        layered_points(
            plot_ui,
            ctx,
            &classes,
            // Past ten groups colours repeat; their markers do not.
            |class| {
                if by_group {
                    group_marker(class)
                } else {
                    egui_plot::MarkerShape::Circle
                }
            },
            d.ordination.iter().filter_map(|p| {
                let s = p.subject.filter(|s| ctx.visible(*s))?;
                Some((class_of(p, s)?, s, [p.x, p.y]))
            }),
            3.0,
            |color, level| match (by_group, level) {
                (true, _) => highlighted(color, level),
                // Ordered colours keep their hue; fading only lowers their opacity.
                (false, Highlight::Faded) => color.gamma_multiply(0.2),
                (false, _) => color,
            },
        );
    }

    fn view_ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        if crate::app::view::problem_ui(ui, ctx, "Ordination") {
            return;
        }
        let d = ctx.derived;
        if d.ordination_pending {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr(
                    "Ordinating the samples (Bray-Curtis distances, PCoA)… The other views can be used meanwhile.",
                ));
            });
            return;
        }
        if d.ordination.is_empty() {
            ui.label(tr("No microbiome samples to ordinate."));
            return;
        }
        if !ctx.figure {
            ui.horizontal_wrapped(|ui| {
                ui.label(tr("Colour by"));
                ui.selectable_value(&mut self.color_by, ColorBy::Group, tr("group"));
                ui.selectable_value(&mut self.color_by, ColorBy::Time, tr("time since baseline"));
                let name = match &self.color_by {
                    ColorBy::Sample(c) => format!("sample: {c}"),
                    ColorBy::Subject(c) => format!("subject: {c}"),
                    ColorBy::Group | ColorBy::Time => tr("a column…").to_owned(),
                };
                let title = ui.label(tr("or"));
                egui::ComboBox::from_id_salt(("colour-column", ui.scope_id()))
                    .selected_text(name)
                    .show_ui(ui, |ui| {
                        for c in color_by::columns(&d.tables.samples) {
                            ui.selectable_value(&mut self.color_by, ColorBy::Sample(c.clone()), format!("sample: {c}"));
                        }
                        for c in color_by::columns(&d.tables.subjects) {
                            let choice = ColorBy::Subject(c.clone());
                            ui.selectable_value(&mut self.color_by, choice, format!("subject: {c}"));
                        }
                    })
                    .response
                    .labelled_by(title.id);
                ui.separator();
                self.select.tool_ui(ui, true);
            });
        }
        ui.weak(&d.ordination_basis);
        let derived = Arc::clone(d);
        let scale = self.column_scale(&derived);
        if let (Some((lo, hi)), ColorBy::Sample(c) | ColorBy::Subject(c)) =
            (scale.as_ref().and_then(|s| s.range), &self.color_by)
        {
            color_by::colour_bar_ui(ui, c, (lo, hi));
        }
        let [e1, e2] = d.ordination_explained;
        // Groups: the legend outside the plot, with n (subjects with samples); other colourings:
        // egui_plot's legend of their classes.
        let mut plot = Plot::new("ordination");
        match self.color_by {
            ColorBy::Group => {
                let mut subjects: Vec<(usize, usize)> = d
                    .ordination
                    .iter()
                    .filter_map(|p| p.subject)
                    .filter(|s| ctx.visible(*s))
                    .map(|s| (d.subjects[s].group, s))
                    .collect();
                subjects.sort_unstable();
                subjects.dedup();
                let mut counts = vec![0; d.groups.len()];
                for (g, _) in subjects {
                    counts[g] += 1;
                }
                group_legend_ui(ui, ctx, &counts);
            }
            ColorBy::Time => {
                plot = plot.legend(
                    Legend::default()
                        .title(tr("Since baseline"))
                        .follow_insertion_order(true)
                        .position(emptiest_corner(d.ordination.iter().map(|p| [p.x, p.y]))),
                );
            }
            ColorBy::Sample(_) | ColorBy::Subject(_) => {
                plot =
                    plot.legend(Legend::default().position(emptiest_corner(d.ordination.iter().map(|p| [p.x, p.y]))));
            }
        }
        let plot = plot
            .x_axis_label(format!("PC1 ({e1:.1}%)"))
            .y_axis_label(format!("PC2 ({e2:.1}%)"))
            .data_aspect(1.0)
            .allow_drag(!self.select.selecting())
            .allow_boxed_zoom(false)
            .allow_scroll(false);
        let mut emphasised = Vec::new();
        let this = &*self;
        let response = plot.show(ui, |plot_ui| {
            this.draw_points(plot_ui, ctx, scale.as_deref());
            // Path of each emphasised subject, in time order, with an arrow on each step.
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
                // Arrows end short of the next sample so the point stays visible.
                let (origins, tips): (Vec<[f64; 2]>, Vec<[f64; 2]>) = path
                    .windows(2)
                    .map(|w| {
                        let (a, b) = (w[0].1, w[1].1);
                        let t = 0.8;
                        (a, [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t])
                    })
                    .unzip();
                if !origins.is_empty() {
                    plot_ui.arrows(Arrows::new("", origins, tips).color(color).tip_length(10.0));
                }
            }
            emphasised = subjects;
            nearest_subject(plot_ui, visible_points(ctx))
        });
        self.last_emphasised = emphasised;
        self.last_transform = Some(response.transform);
        self.select.draw(ui, &response.transform);
        let hovered = response.inner;
        if let Some(inside) = self
            .select
            .update(&response.response, &response.transform, visible_points(ctx))
        {
            ctx.commands.push(Command::SelectSet(inside));
        } else if let Some((subject, point)) = hovered {
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

/// The visible subjects' sample points.
fn visible_points<'a>(ctx: &'a ViewCtx<'_>) -> impl Iterator<Item = (usize, PlotPoint)> + 'a {
    ctx.derived.ordination.iter().filter_map(|p| {
        p.subject
            .filter(|s| ctx.visible(*s))
            .map(|s| (s, PlotPoint::new(p.x, p.y)))
    })
}

impl View for OrdinationView {
    fn defaults(_derived: &crate::app::derived::Derived) -> Vec<(Slot, Self)> {
        vec![(Slot::RightTop, Self::default())]
    }

    fn title(&self, _ctx: &ViewCtx<'_>) -> egui::WidgetText {
        tr("Ordination (PCoA)").into()
    }

    fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        self.view_ui(ui, ctx);
    }

    fn settings(&self, _derived: &crate::app::derived::Derived) -> String {
        let colour = match &self.color_by {
            ColorBy::Group => "group".to_owned(),
            ColorBy::Time => "time".to_owned(),
            ColorBy::Sample(c) => format!("sample:{c}"),
            ColorBy::Subject(c) => format!("subject:{c}"),
        };
        settings_text(&[("colour", colour)])
    }

    fn apply_settings(&mut self, settings: &str, _derived: &crate::app::derived::Derived) {
        for (key, value) in settings_pairs(settings) {
            if key == "colour" {
                self.color_by = match value.split_once(':') {
                    Some(("sample", c)) => ColorBy::Sample(c.to_owned()),
                    Some(("subject", c)) => ColorBy::Subject(c.to_owned()),
                    _ if value == "time" => ColorBy::Time,
                    _ => ColorBy::Group,
                };
            }
        }
    }

    fn restore(_saved: Option<&str>, _derived: &crate::app::derived::Derived) -> Option<Self> {
        Some(Self::default())
    }
}
