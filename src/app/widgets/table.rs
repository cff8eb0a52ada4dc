//! The header row of a sortable table: one button per column, clicking sorts by it (again:
//! reverses), the sorted column marked (asc)/(desc).

use crate::i18n::tr;
use eframe::egui;

/// Draw the header; `columns` are (name, width).
pub fn sortable_header_ui(ui: &mut egui::Ui, columns: &[(&str, f32)], sort_column: &mut usize, descending: &mut bool) {
    ui.horizontal(|ui| {
        for (i, (name, width)) in columns.iter().enumerate() {
            let arrow = match (*sort_column == i, *descending) {
                (true, true) => tr(" (desc)"),
                (true, false) => tr(" (asc)"),
                _ => "",
            };
            if ui
                .add_sized([*width, 20.0], egui::Button::new(format!("{name}{arrow}")).frame(false))
                .clicked()
            {
                *descending = *sort_column == i && !*descending;
                *sort_column = i;
            }
        }
    });
}
