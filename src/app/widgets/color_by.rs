//! Colouring points by any column: a text column as classes (one colour and legend entry per
//! value), a numeric one on the viridis map in fine steps with a colour bar. Used by views that
//! colour samples or subjects by a column the user picks.

use eframe::egui::{self, Color32};
use polars::prelude::{DataFrame, DataType};

use crate::app::theme::{group_color, sequential_color};
use crate::model::columns as c;
use crate::model::frame::{f64s, strs};
use crate::model::natural::natural_cmp;

/// Steps of the continuous colour map (each its own plot item, without a legend entry).
pub const STEPS: usize = 16;

/// Columns that identify or link rather than describe.
const NOT_COLOURS: [&str; 8] = [
    c::SUBJECT_ID,
    c::SAMPLE_ID,
    c::DATE,
    c::LINKED_VISIT_NUMBER,
    c::LINK_GAP_DAYS,
    c::SOURCE_FILE,
    c::SOURCE_LINE,
    c::BASELINE_DATE,
];

/// How each point is coloured, once computed for a column.
#[derive(Clone, Debug, Default)]
pub struct Scale {
    /// (legend name — empty for the steps of a numeric map —, colour) per class.
    pub classes: Vec<(String, Color32)>,
    /// Class of each row (None: no value, not drawn).
    pub class_of: Vec<Option<usize>>,
    /// The numeric range, for the colour bar.
    pub range: Option<(f64, f64)>,
}

/// The columns of `df` points can be coloured by.
pub fn columns(df: &DataFrame) -> Vec<String> {
    df.columns()
        .iter()
        .filter(|col| !NOT_COLOURS.contains(&col.name().as_str()))
        .filter(|col| matches!(col.dtype(), DataType::String | DataType::Boolean) || col.dtype().is_primitive_numeric())
        .map(|col| col.name().to_string())
        .collect()
}

/// A column as numbers: numeric columns, and text columns whose every value is a number (sample
/// metadata is read as text).
fn numbers(df: &DataFrame, column: &str) -> Option<Vec<Option<f64>>> {
    if let Ok(values) = f64s(df, column) {
        return Some(values);
    }
    let text = strs(df, column).ok()?;
    text.iter()
        .map(|v| match v {
            None => Some(None),
            Some(t) => t.trim().parse::<f64>().ok().map(Some),
        })
        .collect()
}

/// The scale of `column` over the rows of `df`.
pub fn scale(df: &DataFrame, column: &str) -> Scale {
    if let Some(numbers) = numbers(df, column) {
        let finite = numbers.iter().flatten().filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
        if lo.is_finite() {
            let span = (hi - lo).max(f64::MIN_POSITIVE);
            let classes = (0..STEPS)
                .map(|k| {
                    (
                        String::new(),
                        sequential_color(0.15 + 0.85 * k as f32 / (STEPS - 1) as f32),
                    )
                })
                .collect();
            let class_of = numbers
                .iter()
                .map(|v| {
                    v.filter(|v| v.is_finite())
                        .map(|v| (((v - lo) / span * STEPS as f64) as usize).min(STEPS - 1))
                })
                .collect();
            return Scale {
                classes,
                class_of,
                range: Some((lo, hi)),
            };
        }
    }
    let text: Vec<Option<String>> = match df.column(column).map(|c| c.dtype().clone()) {
        Ok(DataType::Boolean) => crate::model::frame::bools(df, column)
            .unwrap_or_default()
            .into_iter()
            .map(|b| b.map(|b| if b { "yes" } else { "no" }.to_owned()))
            .collect(),
        _ => strs(df, column).unwrap_or_default(),
    };
    let mut levels: Vec<String> = text.iter().flatten().cloned().collect();
    levels.sort_by(|a, b| natural_cmp(a, b));
    levels.dedup();
    let class_of = text
        .iter()
        .map(|v| v.as_ref().and_then(|v| levels.iter().position(|l| l == v)))
        .collect();
    Scale {
        classes: levels
            .into_iter()
            .enumerate()
            .map(|(k, l)| (l, group_color(k)))
            .collect(),
        class_of,
        range: None,
    }
}

/// A horizontal colour bar with the range's ends, for a numeric scale.
pub fn colour_bar_ui(ui: &mut egui::Ui, column: &str, (lo, hi): (f64, f64)) {
    ui.horizontal(|ui| {
        ui.label(format!("{column}: {lo:.3}"));
        let (rect, _) = ui.allocate_exact_size(egui::vec2(160.0, 12.0), egui::Sense::hover());
        let step = rect.width() / STEPS as f32;
        for k in 0..STEPS {
            let x = rect.left() + k as f32 * step;
            let cell = egui::Rect::from_min_size(egui::pos2(x, rect.top()), egui::vec2(step + 0.5, rect.height()));
            ui.painter()
                .rect_filled(cell, 0.0, sequential_color(0.15 + 0.85 * k as f32 / (STEPS - 1) as f32));
        }
        ui.label(format!("{hi:.3}"));
    });
}

#[cfg(test)]
mod tests {
    use polars::prelude::Column;

    use super::*;

    #[test]
    fn numbers_map_onto_steps_and_text_onto_classes() {
        let df = DataFrame::new(
            4,
            vec![
                Column::new("shannon".into(), [Some(1.0), Some(2.0), None, Some(3.0)]),
                Column::new("body_site".into(), [Some("gut"), Some("tongue"), Some("gut"), None]),
                Column::new(c::SAMPLE_ID.into(), ["a", "b", "c", "d"]),
                Column::new("month".into(), [Some("0"), Some("1"), Some("2"), None]),
            ],
        )
        .expect("frame");
        assert_eq!(columns(&df), ["shannon", "body_site", "month"]);
        // Numbers written as text (sample metadata) are numbers.
        assert_eq!(scale(&df, "month").range, Some((0.0, 2.0)));
        let s = scale(&df, "shannon");
        assert_eq!(s.range, Some((1.0, 3.0)));
        assert_eq!(s.class_of, [Some(0), Some(STEPS / 2), None, Some(STEPS - 1)]);
        let t = scale(&df, "body_site");
        let names: Vec<&str> = t.classes.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["gut", "tongue"]);
        assert_eq!(t.class_of, [Some(0), Some(1), Some(0), None]);
    }
}
