//! Figures for a slide or a paper: one view drawn off screen by the same code that draws it in
//! the window (the view's own `ui`, in an egui context of its own, which draws the legend of
//! its groups with their n), framed with a title, a caption naming the grouping and the
//! filters, and an optional footer (app version, date, source files). Written as SVG (`svg.rs`: the painted
//! shapes as vector elements) or PNG (`raster.rs`: egui's meshes rasterised on the CPU), so the
//! window's Export menu and the headless `figure` command need no display and no GPU.

mod raster;
mod svg;

use crate::i18n::{tr, trf};
use std::path::Path;

use eframe::egui::{self, Color32};

use super::derived::{Derived, SUBJECT_METRICS};
use super::explorer::{Explorer, Pane};
use super::state::{AppCommand, Command, Filters, Flag, GroupBy, ViewState};
use super::view::ViewCtx;
use super::views::{composition, distribution, ordination, scatter, survival, taxa, trajectories};

/// How a figure is drawn.
#[derive(Clone, Debug)]
pub struct FigureOptions {
    /// Size in points (one point is one pixel at 96 dpi).
    pub width: f32,
    pub height: f32,
    /// Resolution of a PNG: pixels are points × dpi / 96.
    pub dpi: f32,
    /// The title; None: the view's tab title.
    pub title: Option<String>,
    /// A footer line (see [`footer`]); None: none.
    pub footer: Option<String>,
    /// Draw on the dark theme (projectors and paper favour the light one).
    pub dark: bool,
}

impl Default for FigureOptions {
    fn default() -> Self {
        Self {
            width: 1600.0,
            height: 1000.0,
            dpi: 96.0,
            title: None,
            footer: None,
            dark: false,
        }
    }
}

/// The views a figure can show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FigureView {
    Trajectories,
    Composition,
    Ordination,
    Scatter,
    Distribution,
    Survival,
    Taxa,
}

impl FigureView {
    pub const ALL: [FigureView; 7] = [
        FigureView::Trajectories,
        FigureView::Composition,
        FigureView::Ordination,
        FigureView::Scatter,
        FigureView::Distribution,
        FigureView::Survival,
        FigureView::Taxa,
    ];
}

pub use super::state::FigureFormat as Format;

/// A view drawn off screen: what egui painted, and the textures it painted with.
pub struct Drawn {
    size: egui::Vec2,
    pixels_per_point: f32,
    background: Color32,
    shapes: Vec<egui::epaint::ClippedShape>,
    textures: raster::Textures,
    ctx: egui::Context,
}

impl Drawn {
    /// The figure as SVG text.
    pub fn svg(&self) -> String {
        svg::svg(&self.shapes, self.size, self.background)
    }

    /// The figure rasterised at its resolution.
    fn canvas(&self) -> raster::Canvas {
        let ppp = self.pixels_per_point;
        let (w, h) = (
            (self.size.x * ppp).round() as usize,
            (self.size.y * ppp).round() as usize,
        );
        let mut canvas = raster::Canvas::new(w, h, self.background);
        let primitives = self.ctx.tessellate(self.shapes.clone(), ppp);
        canvas.draw(&primitives, &self.textures, ppp);
        canvas
    }

    /// The figure as PNG bytes.
    pub fn png(&self) -> Result<Vec<u8>, String> {
        self.canvas()
            .png(self.pixels_per_point * 96.0)
            .map_err(|e| format!("PNG encoding failed: {e}"))
    }

    /// The figure as an image (for the clipboard).
    pub fn image(&self) -> egui::ColorImage {
        self.canvas().color_image()
    }

    /// Write the figure as `format` to `path`, never over one of `inputs` (the files read).
    pub fn write(&self, path: &Path, format: Format, inputs: &[String]) -> Result<(), String> {
        let bytes = match format {
            Format::Svg => self.svg().into_bytes(),
            Format::Png => self.png()?,
        };
        crate::data::write::write_bytes(&bytes, path, inputs).map_err(|e| e.to_string())
    }
}

/// Draw `pane` as a figure of the explorer's cohort, grouped and filtered as it is now.
pub fn draw(explorer: &Explorer, pane: &Pane, options: &FigureOptions) -> Drawn {
    draw_with(&explorer.derived, &explorer.state, pane, options)
}

/// Draw `pane` over `derived` as `state` groups, filters and selects it.
pub fn draw_with(derived: &std::sync::Arc<Derived>, state: &ViewState, pane: &Pane, options: &FigureOptions) -> Drawn {
    let ctx = egui::Context::default();
    super::fonts::install(&ctx);
    ctx.set_theme(if options.dark {
        egui::Theme::Dark
    } else {
        egui::Theme::Light
    });
    let pixels_per_point = (options.dpi / 96.0).clamp(0.25, 16.0);
    let size = egui::vec2(options.width.max(200.0), options.height.max(150.0));
    let mut input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, size)),
        ..Default::default()
    };
    input
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .native_pixels_per_point = Some(pixels_per_point);
    let mut textures = raster::Textures::default();
    let mut pane = pane.clone();
    let mut shapes = Vec::new();
    let mut background = Color32::WHITE;
    // egui sizes some widgets in a first pass and plots settle their bounds in the next: the
    // third frame is the one a user sees.
    // A view still fitting what it shows (a trajectory's mixed model) is waited for, up to a
    // minute.
    let started = std::time::Instant::now();
    let fitting = |pane: &Pane| matches!(pane, Pane::Trajectory(t) if t.is_fitting());
    let mut frame = 0;
    while frame < 3 || (fitting(&pane) && started.elapsed() < std::time::Duration::from_secs(60)) {
        if frame >= 3 {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        frame += 1;
        let mut output = ctx.run_ui(input.clone(), |ui| {
            background = ui.visuals().panel_fill;
            frame_ui(ui, derived, state, &mut pane, options);
        });
        textures.apply(&output.textures_delta);
        output.textures_delta.clear();
        shapes = output.shapes;
    }
    Drawn {
        size,
        pixels_per_point,
        background,
        shapes,
        textures,
        ctx,
    }
}

/// The figure's layout: title and legend above, caption and footer below, the view between.
fn frame_ui(
    ui: &mut egui::Ui,
    derived: &std::sync::Arc<Derived>,
    state: &ViewState,
    pane: &mut Pane,
    options: &FigureOptions,
) {
    let mut commands = Vec::new();
    let mut ctx = ViewCtx::new(derived, state, &mut commands).for_figure();
    let title = options.title.clone().unwrap_or_else(|| pane.figure_title(&ctx));
    egui::Panel::top("figure-title").show(ui, |ui| {
        ui.add_space(6.0);
        ui.label(egui::RichText::new(title).size(22.0).strong());
        ui.add_space(4.0);
    });
    egui::Panel::bottom("figure-caption").show(ui, |ui| {
        ui.add_space(4.0);
        ui.label(caption(derived, state, &ctx));
        if let Some(footer) = &options.footer {
            ui.small(footer);
        }
        ui.add_space(4.0);
    });
    egui::CentralPanel::default_margins().show(ui, |ui| pane.ui(ui, &mut ctx));
}

/// "Grouped by arm. Filters: …; 212 of 240 subjects shown." for the figure's caption.
pub fn caption(derived: &Derived, state: &ViewState, ctx: &ViewCtx<'_>) -> String {
    let grouping = match &state.group_by {
        // A cohort without arms is one group: nothing to name.
        GroupBy::Arm if derived.groups.len() <= 1 => None,
        GroupBy::Arm => Some(tr("the cohort's arm").to_owned()),
        GroupBy::NamedCohorts => Some(tr("the named cohorts").to_owned()),
        GroupBy::Column(column) => Some(format!("`{column}`")),
    };
    let filters = describe_filters(&state.filters, derived);
    let filters = if filters.is_empty() {
        tr("no filters").to_owned()
    } else {
        trf("filters: {list}", &[("list", &filters.join("; "))])
    };
    let values: [(&str, &dyn std::fmt::Display); 4] = [
        ("filters", &filters),
        ("shown", &ctx.num_visible()),
        ("total", &derived.subjects.len()),
        ("axis", &state.x_axis.label()),
    ];
    let rest = trf(
        "{filters}; {shown} of {total} subjects shown; time axis: {axis}.",
        &values,
    );
    match grouping {
        Some(grouping) => trf(
            "Grouped by {grouping}; {rest}",
            &[("grouping", &grouping), ("rest", &rest)],
        ),
        None => trf("Not grouped; {rest}", &[("rest", &rest)]),
    }
}

/// The active filters in words, for a figure's caption ("hidden: Control", "hypermetabolic").
pub fn describe_filters(filters: &Filters, derived: &Derived) -> Vec<String> {
    let mut out = Vec::new();
    let hidden: Vec<&str> = filters
        .hidden_groups
        .iter()
        .filter_map(|g| derived.groups.get(*g).map(String::as_str))
        .collect();
    if !hidden.is_empty() {
        out.push(trf("groups hidden: {list}", &[("list", &hidden.join(", "))]));
    }
    for (column, value) in &filters.hidden {
        out.push(format!("{column} ≠ {value}"));
    }
    for (flag, wanted) in &filters.flags {
        let name = match flag {
            Flag::Hypermetabolic => tr("hypermetabolic"),
            Flag::HasMicrobiome => tr("with microbiome samples"),
        };
        out.push(if *wanted {
            name.to_owned()
        } else {
            trf("not {what}", &[("what", &name)])
        });
    }
    if filters.min_baseline_alsfrs > 0.0 {
        out.push(trf("baseline ALSFRS-R ≥ {n}", &[("n", &filters.min_baseline_alsfrs)]));
    }
    if let Some(band) = filters.dfs_band {
        out.push(format!("ΔFS {}", band.label()));
    }
    out
}

/// The footer of a figure: app version, today's date and the source files' names.
pub fn footer(derived: &Derived) -> String {
    let today = crate::model::time::today();
    let files: Vec<String> = derived
        .cohort
        .sources
        .iter()
        .map(|s| {
            Path::new(&s.path)
                .file_name()
                .map_or_else(|| s.path.clone(), |n| n.to_string_lossy().into_owned())
        })
        .collect();
    let files = if files.is_empty() {
        "embedded demo cohort".to_owned()
    } else {
        files.join(", ")
    };
    format!("cohort-explorer {} · {today} · {files}", env!("CARGO_PKG_VERSION"))
}

/// The view a figure shows, showing `measure` (see `--measure` of the `figure` command).
pub fn pane(explorer: &mut Explorer, view: FigureView, measure: Option<&str>) -> Result<Pane, String> {
    let measure = measure.map(str::trim);
    let metric = |name: &str| -> Result<usize, String> {
        SUBJECT_METRICS
            .iter()
            .position(|(column, label)| *column == name || label.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                let names: Vec<&str> = SUBJECT_METRICS.iter().map(|m| m.0).collect();
                format!(
                    "--measure: no per-subject metric `{name}`; use one of {}",
                    names.join(", ")
                )
            })
    };
    let unused = |view: &str| -> Result<(), String> {
        if measure.is_some() {
            return Err(format!("--measure does not apply to --view {view}"));
        }
        Ok(())
    };
    Ok(match view {
        FigureView::Trajectories => {
            let index = trajectory_measure(explorer, measure.unwrap_or(crate::model::columns::ALSFRS_R_TOTAL))?;
            Pane::Trajectory(trajectories::TrajectoryView::new(index))
        }
        FigureView::Distribution => {
            let mut view = distribution::DistributionView::default();
            if let Some(name) = measure {
                view.metric = metric(name)?;
            }
            Pane::Distribution(view)
        }
        FigureView::Scatter => {
            let mut view = scatter::ScatterView::default();
            if let Some(name) = measure {
                view.y = metric(name)?;
            }
            Pane::Scatter(view)
        }
        FigureView::Survival => {
            let mut view = survival::SurvivalView::default();
            if let Some(name) = measure {
                view.endpoint = name.parse().map_err(|e: String| format!("--measure: {e}"))?;
            }
            Pane::Survival(view)
        }
        FigureView::Ordination => {
            unused("ordination")?;
            Pane::Ordination(ordination::OrdinationView::default())
        }
        FigureView::Composition => {
            unused("composition")?;
            Pane::Composition(composition::CompositionView::default())
        }
        FigureView::Taxa => {
            unused("taxa")?;
            // The volcano: the view's table is no figure.
            Pane::Taxa(taxa::TaxaView {
                panel: taxa::Panel::Volcano,
                ..taxa::TaxaView::default()
            })
        }
    })
}

/// The index of the trajectory measure `name` (a column or label), added as the window's measure
/// picker adds it when the default screen does not follow it yet.
fn trajectory_measure(explorer: &mut Explorer, name: &str) -> Result<usize, String> {
    let find = |e: &Explorer| {
        e.derived
            .measures
            .iter()
            .position(|m| m.column == name || m.label.eq_ignore_ascii_case(name))
    };
    if let Some(index) = find(explorer) {
        return Ok(index);
    }
    let base = explorer.base();
    let spec = crate::cohort::MeasureRef::parse(name, base.tables.frames(&base.cohort))
        .map_err(|e| format!("--measure: {e}"))?;
    let notes = explorer.apply(vec![Command::AddMeasure(spec, None)]);
    find(explorer).ok_or_else(|| {
        let why: Vec<String> = notes
            .into_iter()
            .filter_map(|c| match c {
                AppCommand::Notify(m) => Some(m),
                _ => None,
            })
            .collect();
        format!("--measure: `{name}` cannot be followed over time: {}", why.join("; "))
    })
}

#[cfg(test)]
mod tests;
