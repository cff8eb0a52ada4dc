//! The groups' legend, drawn beside a plot rather than over its data: each visible group's
//! colour with its line and marker style (past ten groups the styles tell repeated colours
//! apart), its name and how many subjects it has after the filters.

use crate::i18n::trf;
use eframe::egui::{self, Color32, Sense, Shape, Stroke};

use crate::app::theme::{group_color, group_line_style, group_marker};
use crate::app::view::ViewCtx;

/// One row (wrapping) of "— name (n = k)" for the groups with subjects in the plot: `counts`
/// are the subjects drawn per group (a group with none is left out).
pub fn group_legend_ui(ui: &mut egui::Ui, ctx: &ViewCtx<'_>, counts: &[usize]) {
    ui.horizontal_wrapped(|ui| {
        for (g, name) in ctx.derived.groups.iter().enumerate() {
            let n = counts.get(g).copied().unwrap_or(0);
            if n == 0 || ctx.state.filters.hidden_groups.contains(&g) {
                continue;
            }
            let text = trf("{name} (n = {n})", &[("name", name), ("n", &n)]);
            keep_together(ui, &text, 30.0);
            swatch_ui(ui, g);
            ui.add(egui::Label::new(text).wrap_mode(egui::TextWrapMode::Extend));
            ui.add_space(10.0);
        }
    });
}

/// A short line in the group's colour and line style with its marker in the middle.
pub fn swatch_ui(ui: &mut egui::Ui, group: usize) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(30.0, 14.0), Sense::hover());
    let color = group_color(group);
    let y = rect.center().y;
    let (a, b) = (egui::pos2(rect.left() + 1.0, y), egui::pos2(rect.right() - 1.0, y));
    let stroke = Stroke::new(2.5, color);
    match group_line_style(group) {
        egui_plot::LineStyle::Solid => {
            ui.painter().line_segment([a, b], stroke);
        }
        egui_plot::LineStyle::Dashed { length } => {
            ui.painter()
                .extend(Shape::dashed_line(&[a, b], stroke, length * 0.6, length * 0.4));
        }
        egui_plot::LineStyle::Dotted { spacing } => {
            ui.painter()
                .extend(Shape::dotted_line(&[a, b], color, spacing * 0.7, 1.5));
        }
    }
    marker(ui.painter(), rect.center(), group_marker(group), color);
}

/// A legend entry outside a plot: a short solid line in `color`, then `text` (in a
/// `horizontal_wrapped` row, which moves whole entries to the next line).
pub fn entry_ui(ui: &mut egui::Ui, color: Color32, text: &str) {
    keep_together(ui, text, 24.0);
    let (rect, _) = ui.allocate_exact_size(egui::vec2(24.0, 14.0), Sense::hover());
    let y = rect.center().y;
    ui.painter().line_segment(
        [egui::pos2(rect.left() + 1.0, y), egui::pos2(rect.right() - 1.0, y)],
        Stroke::new(2.5, color),
    );
    ui.add(egui::Label::new(text).wrap_mode(egui::TextWrapMode::Extend));
}

/// In a `horizontal_wrapped` row: start a new line unless a swatch `swatch_width` wide and
/// `text` both fit on this one, so an entry's swatch never ends a line its label does not.
fn keep_together(ui: &mut egui::Ui, text: &str, swatch_width: f32) {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let text_width = ui.fonts_mut(|f| f.layout_no_wrap(text.to_owned(), font, Color32::WHITE).size().x);
    let needed = swatch_width + 2.0 * ui.spacing().item_spacing.x + text_width;
    if ui.available_size_before_wrap().x < needed && ui.cursor().min.x > ui.max_rect().min.x + 1.0 {
        ui.end_row();
    }
}

/// A marker of `shape` at `at`, 4 px in radius.
fn marker(painter: &egui::Painter, at: egui::Pos2, shape: egui_plot::MarkerShape, color: Color32) {
    let r = 4.0;
    let points: Vec<egui::Pos2> = match shape {
        egui_plot::MarkerShape::Square => vec![
            at + egui::vec2(-r, -r),
            at + egui::vec2(r, -r),
            at + egui::vec2(r, r),
            at + egui::vec2(-r, r),
        ],
        egui_plot::MarkerShape::Up => vec![at + egui::vec2(0.0, -r), at + egui::vec2(r, r), at + egui::vec2(-r, r)],
        egui_plot::MarkerShape::Diamond => vec![
            at + egui::vec2(0.0, -r),
            at + egui::vec2(r, 0.0),
            at + egui::vec2(0.0, r),
            at + egui::vec2(-r, 0.0),
        ],
        _ => {
            painter.circle_filled(at, r, color);
            return;
        }
    };
    painter.add(Shape::convex_polygon(points, color, Stroke::NONE));
}
