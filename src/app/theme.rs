//! Colours: one per group (ten distinguishable hues, readable on light and dark backgrounds),
//! the same in every view, line and marker styles past ten groups, and how highlight levels
//! change them.

use eframe::egui::Color32;

use super::state::Highlight;
use crate::model::Severity;

/// Group colours: ten hues told apart by colour-vision-deficient eyes too (Okabe & Ito's blue,
/// vermillion and bluish green first, then darkened Tableau-like hues), each of a luminance
/// that keeps a contrast of at least 3:1 as text or line on the light and the dark theme's
/// backgrounds alike (tested below) — Okabe–Ito's yellow and sky blue vanish on white.
pub const GROUP_PALETTE: [Color32; 10] = [
    Color32::from_rgb(0x00, 0x72, 0xB2),
    Color32::from_rgb(0xD5, 0x5E, 0x00),
    Color32::from_rgb(0x00, 0x9E, 0x73),
    Color32::from_rgb(0xB5, 0x50, 0x8F),
    Color32::from_rgb(0xA0, 0x78, 0x00),
    Color32::from_rgb(0x1A, 0x8A, 0x9E),
    Color32::from_rgb(0x7C, 0x6B, 0xC4),
    Color32::from_rgb(0xC2, 0x45, 0x4A),
    Color32::from_rgb(0x5E, 0x8C, 0x31),
    Color32::from_rgb(0x8A, 0x6D, 0x5A),
];

/// The colour of a group, the same in every view; past ten groups colours repeat, told apart by
/// [`group_line_style`] and [`group_marker`].
pub fn group_color(group: usize) -> Color32 {
    GROUP_PALETTE[group % GROUP_PALETTE.len()]
}

/// How a group's lines are drawn: solid for the first ten groups, then dashed, then dotted.
pub fn group_line_style(group: usize) -> egui_plot::LineStyle {
    match (group / GROUP_PALETTE.len()) % 3 {
        0 => egui_plot::LineStyle::Solid,
        1 => egui_plot::LineStyle::Dashed { length: 10.0 },
        _ => egui_plot::LineStyle::Dotted { spacing: 6.0 },
    }
}

/// A group's marker: circles for the first ten groups, then squares, triangles, diamonds.
pub fn group_marker(group: usize) -> egui_plot::MarkerShape {
    const SHAPES: [egui_plot::MarkerShape; 4] = [
        egui_plot::MarkerShape::Circle,
        egui_plot::MarkerShape::Square,
        egui_plot::MarkerShape::Up,
        egui_plot::MarkerShape::Diamond,
    ];
    SHAPES[(group / GROUP_PALETTE.len()) % SHAPES.len()]
}

/// A group colour adjusted for a highlight level.
pub fn highlighted(color: Color32, level: Highlight) -> Color32 {
    match level {
        Highlight::Faded => color.gamma_multiply(0.15),
        Highlight::Normal => color.gamma_multiply(0.4),
        Highlight::Selected | Highlight::Hovered => color,
    }
}

/// Line width for a highlight level.
pub fn line_width(level: Highlight) -> f32 {
    match level {
        Highlight::Faded | Highlight::Normal => 1.2,
        Highlight::Selected => 2.5,
        Highlight::Hovered => 3.5,
    }
}

/// Colours for taxa in composition plots (Tableau 10); the last taxon ("Other") is grey.
pub fn taxon_color(index: usize, count: usize) -> Color32 {
    const TABLEAU: [Color32; 10] = [
        Color32::from_rgb(0x4E, 0x79, 0xA7),
        Color32::from_rgb(0xF2, 0x8E, 0x2B),
        Color32::from_rgb(0xE1, 0x57, 0x59),
        Color32::from_rgb(0x76, 0xB7, 0xB2),
        Color32::from_rgb(0x59, 0xA1, 0x4F),
        Color32::from_rgb(0xED, 0xC9, 0x48),
        Color32::from_rgb(0xB0, 0x7A, 0xA1),
        Color32::from_rgb(0xFF, 0x9D, 0xA7),
        Color32::from_rgb(0x9C, 0x75, 0x5F),
        Color32::from_rgb(0xBA, 0xB0, 0xAC),
    ];
    if index + 1 == count {
        Color32::from_gray(110)
    } else {
        TABLEAU[index % TABLEAU.len()]
    }
}

/// Viridis (perceptually uniform, colour-blind safe) at `t` in 0..=1, for ordered classes
/// such as time bins.
pub fn sequential_color(t: f32) -> Color32 {
    const STOPS: [[f32; 3]; 5] = [
        [68.0, 1.0, 84.0],
        [59.0, 82.0, 139.0],
        [33.0, 145.0, 140.0],
        [94.0, 201.0, 98.0],
        [253.0, 231.0, 37.0],
    ];
    let t = t.clamp(0.0, 1.0) * (STOPS.len() - 1) as f32;
    let i = (t.floor() as usize).min(STOPS.len() - 2);
    let f = t - i as f32;
    let mix = |k: usize| (STOPS[i][k] + (STOPS[i + 1][k] - STOPS[i][k]) * f).round() as u8;
    Color32::from_rgb(mix(0), mix(1), mix(2))
}

/// Ring colour of a finding marker (readable on light and dark plots).
pub fn marker_color(severity: Severity) -> Color32 {
    match severity {
        Severity::Error => Color32::from_rgb(230, 40, 40),
        Severity::Warning => Color32::from_rgb(240, 150, 0),
        Severity::Info => Color32::GRAY,
    }
}

/// The mark of what changed since an earlier freeze: rings on plots, cell fills in tables
/// (a violet no group and no severity uses).
pub const CHANGED: Color32 = Color32::from_rgb(170, 90, 230);

/// Text colour of a severity, from the theme's error and warning colours.
pub fn severity_color(ui: &eframe::egui::Ui, s: Severity) -> Color32 {
    match s {
        Severity::Error => ui.visuals().error_fg_color,
        Severity::Warning => ui.visuals().warn_fg_color,
        Severity::Info => ui.visuals().weak_text_color(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use eframe::egui::Visuals;

    /// WCAG 2 relative luminance of an sRGB colour.
    fn relative_luminance(c: Color32) -> f64 {
        let linear = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.040_45 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(c.r()) + 0.7152 * linear(c.g()) + 0.0722 * linear(c.b())
    }

    /// WCAG 2 contrast ratio of two colours (1 to 21).
    fn contrast(a: Color32, b: Color32) -> f64 {
        let (a, b) = (relative_luminance(a), relative_luminance(b));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    #[test]
    fn every_group_colour_has_3_to_1_contrast_on_both_themes_backgrounds() {
        for visuals in [Visuals::light(), Visuals::dark()] {
            let backgrounds = [
                visuals.panel_fill,
                visuals.extreme_bg_color,
                visuals.window_fill,
                visuals.faint_bg_color,
            ];
            for (g, color) in GROUP_PALETTE.iter().enumerate() {
                for bg in backgrounds {
                    let ratio = contrast(*color, bg);
                    assert!(ratio >= 3.0, "group {g} {color:?} on {bg:?}: {ratio:.2}");
                }
            }
        }
    }

    #[test]
    fn contrast_matches_the_wcag_definition() {
        assert!((contrast(Color32::WHITE, Color32::BLACK) - 21.0).abs() < 1e-9);
        // WCAG's own example: #767676 on white is 4.54:1.
        assert!((contrast(Color32::from_gray(0x76), Color32::WHITE) - 4.54).abs() < 0.01);
    }

    #[test]
    fn the_first_ten_groups_differ_in_colour_and_later_ones_in_style() {
        let colours: std::collections::HashSet<_> = (0..10).map(group_color).collect();
        assert_eq!(colours.len(), 10);
        for g in 10..30 {
            assert_eq!(group_color(g), group_color(g % 10));
            assert!(group_line_style(g) != group_line_style(g % 10) || group_marker(g) != group_marker(g % 10));
        }
    }
}
