//! Drag selection shared by the Scatter and Ordination views: a box (two corners) or a lasso
//! (the pointer's path, closed), drawn while dragging and turned into a set of subjects when
//! the drag ends.

use crate::i18n::tr;
use eframe::egui;
use egui_plot::PlotPoint;

/// What a drag on the plot does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Tool {
    /// Drag pans the plot (no selection).
    Pan,
    #[default]
    Box,
    Lasso,
}

/// The selection drag in progress, in plot coordinates.
#[derive(Clone, Debug, Default)]
pub struct DragSelect {
    pub tool: Tool,
    path: Vec<PlotPoint>,
}

impl DragSelect {
    pub fn with_tool(tool: Tool) -> Self {
        Self { tool, path: Vec::new() }
    }

    /// Buttons choosing the tool.
    pub fn tool_ui(&mut self, ui: &mut egui::Ui, allow_pan: bool) {
        if allow_pan {
            ui.selectable_value(&mut self.tool, Tool::Pan, tr("Pan"));
        }
        ui.selectable_value(&mut self.tool, Tool::Box, tr("Box select"));
        ui.selectable_value(&mut self.tool, Tool::Lasso, tr("Lasso select"));
    }

    /// True when drags select rather than pan (the plot must not pan then).
    pub fn selecting(&self) -> bool {
        self.tool != Tool::Pan
    }

    /// The outline to draw and test against: the box's corners or the lasso path.
    pub fn outline(&self) -> Vec<PlotPoint> {
        match (self.tool, self.path.first(), self.path.last()) {
            (Tool::Box, Some(a), Some(b)) => vec![
                PlotPoint::new(a.x, a.y),
                PlotPoint::new(b.x, a.y),
                PlotPoint::new(b.x, b.y),
                PlotPoint::new(a.x, b.y),
            ],
            (Tool::Lasso, _, _) => self.path.clone(),
            _ => Vec::new(),
        }
    }

    /// Draw the outline over the plot (after `Plot::show`, with its transform). Painted, not
    /// added as a plot item, so it never changes the plot's automatic bounds mid-drag.
    pub fn draw(&self, ui: &egui::Ui, transform: &egui_plot::PlotTransform) {
        let outline = self.outline();
        if outline.len() >= 2 {
            let screen: Vec<egui::Pos2> = outline.iter().map(|p| transform.position_from_point(p)).collect();
            ui.painter_at(*transform.frame()).add(egui::Shape::closed_line(
                screen,
                egui::Stroke::new(1.5, ui.visuals().strong_text_color()),
            ));
        }
    }

    /// Follow the drag on `response` (a plot drawn with `transform`); when it ends, the
    /// subjects whose points lie inside.
    pub fn update(
        &mut self,
        response: &egui::Response,
        transform: &egui_plot::PlotTransform,
        points: impl Iterator<Item = (usize, PlotPoint)>,
    ) -> Option<Vec<usize>> {
        if !self.selecting() {
            self.path.clear();
            return None;
        }
        if response.drag_started() {
            self.path.clear();
            // Start where the button went down, not where the drag was recognised.
            if let Some(origin) = response.ctx.input(|i| i.pointer.press_origin()) {
                self.path.push(transform.value_from_position(origin));
            }
        }
        // The pointer as egui has it this frame (the plot's own coordinate can lag a frame).
        let here = response
            .ctx
            .input(|i| i.pointer.interact_pos())
            .map(|p| transform.value_from_position(p));
        if (response.dragged() || response.drag_stopped())
            && let Some(p) = here
        {
            match self.tool {
                Tool::Box if self.path.len() >= 2 => self.path[1] = p,
                _ if self.path.last() == Some(&p) => {}
                _ => self.path.push(p),
            }
        }
        if !response.drag_stopped() {
            return None;
        }
        let outline = self.outline();
        self.path.clear();
        if outline.len() < 3 {
            return None;
        }
        let mut inside: Vec<usize> = points.filter(|(_, p)| contains(&outline, *p)).map(|(s, _)| s).collect();
        inside.sort_unstable();
        inside.dedup();
        Some(inside)
    }
}

/// Even–odd rule: is `p` inside the closed polygon `poly`?
pub fn contains(poly: &[PlotPoint], p: PlotPoint) -> bool {
    let mut inside = false;
    let mut j = poly.len() - 1;
    for i in 0..poly.len() {
        let (a, b) = (poly[i], poly[j]);
        if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
            inside = !inside;
        }
        j = i;
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_in_polygon_handles_concave_lassos() {
        // A "U": the notch between the arms is outside.
        let u: Vec<PlotPoint> = [
            [0.0, 0.0],
            [3.0, 0.0],
            [3.0, 3.0],
            [2.0, 3.0],
            [2.0, 1.0],
            [1.0, 1.0],
            [1.0, 3.0],
            [0.0, 3.0],
        ]
        .iter()
        .map(|p| PlotPoint::new(p[0], p[1]))
        .collect();
        assert!(contains(&u, PlotPoint::new(0.5, 2.0)));
        assert!(contains(&u, PlotPoint::new(2.5, 2.0)));
        assert!(contains(&u, PlotPoint::new(1.5, 0.5)));
        assert!(!contains(&u, PlotPoint::new(1.5, 2.0)));
        assert!(!contains(&u, PlotPoint::new(4.0, 1.0)));
    }
}
