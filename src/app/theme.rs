//! Colours: the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies),
//! one colour per group, the same in every view, and how highlight levels change them.

use eframe::egui::Color32;

use super::state::Highlight;
use crate::model::Severity;

/// Okabe & Ito (2008) colour-blind-safe palette, black left out for dark backgrounds.
const OKABE_ITO: [Color32; 7] = [
    Color32::from_rgb(0xE6, 0x9F, 0x00),
    Color32::from_rgb(0x56, 0xB4, 0xE9),
    Color32::from_rgb(0x00, 0x9E, 0x73),
    Color32::from_rgb(0xF0, 0xE4, 0x42),
    Color32::from_rgb(0x00, 0x72, 0xB2),
    Color32::from_rgb(0xD5, 0x5E, 0x00),
    Color32::from_rgb(0xCC, 0x79, 0xA7),
];

/// The colour of a group.
pub fn group_color(group: usize) -> Color32 {
    OKABE_ITO[group % OKABE_ITO.len()]
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

/// Text colour of a severity, from the theme's error and warning colours.
pub fn severity_color(ui: &eframe::egui::Ui, s: Severity) -> Color32 {
    match s {
        Severity::Error => ui.visuals().error_fg_color,
        Severity::Warning => ui.visuals().warn_fg_color,
        Severity::Info => ui.visuals().weak_text_color(),
    }
}
