//! Cohort table: one row per subject with derived metrics; sortable, searchable; hovering or
//! clicking a row hovers or selects the subject everywhere.

use crate::i18n::{tr, trf};
use eframe::egui;

use crate::app::state::{Command, Highlight, Item};
use crate::app::theme::{CHANGED, group_color};
use crate::app::view::{Slot, View, ViewCtx};
use crate::app::widgets::table::sortable_header_ui;
use crate::model::columns as c;
use crate::model::natural::natural_cmp;

/// Columns, with their widths.
/// The columns: (header in the language in use, width).
fn columns() -> [(&'static str, f32); 9] {
    [
        (tr("Subject"), 90.0),
        (tr("Group"), 80.0),
        (tr("Site"), 65.0),
        (tr("Sex"), 50.0),
        (tr("Onset"), 55.0),
        (tr("FRS bl"), 50.0),
        (tr("Slope/mo"), 60.0),
        (tr("ΔFS"), 45.0),
        (tr("Samples"), 55.0),
    ]
}

/// Persistent state of the table view.
#[derive(Clone, Debug, Default)]
pub struct CohortTableView {
    pub search: String,
    pub sort_column: usize,
    pub descending: bool,
    /// Rows (subject indices) shown in the last frame, in display order.
    pub last_rows: Vec<usize>,
    /// What `last_rows` was computed for; rows are re-sorted only when it changes.
    rows_key: String,
}

/// The cohort's columns behind each table column, for marking what changed since an earlier
/// freeze (`visits`, `samples`: rows added or removed).
const SOURCES: [&[&str]; 9] = [
    &[],
    &[c::GROUP, c::ARM],
    &[c::SITE],
    &[c::SEX],
    &[c::ONSET_REGION, c::ONSET_DATE],
    &[c::ALSFRS_R_TOTAL, "visits"],
    &[c::ALSFRS_R_TOTAL, "visits"],
    &[c::ALSFRS_R_TOTAL, c::ONSET_DATE, "visits"],
    &["samples"],
];

fn fmt(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "–".to_owned(), |v| format!("{v:.decimals$}"))
}

impl CohortTableView {
    fn sort_key(&self, ctx: &ViewCtx<'_>, s: usize) -> (String, f64) {
        let d = &ctx.derived.subjects[s];
        let num = |v: Option<f64>| v.unwrap_or(f64::NEG_INFINITY);
        match self.sort_column {
            0 => (d.id.clone(), 0.0),
            1 => (ctx.derived.groups[d.group].clone(), 0.0),
            2 => (d.site.clone(), 0.0),
            3 => (d.sex.clone(), 0.0),
            4 => (d.onset_region.clone(), 0.0),
            5 => (String::new(), num(d.baseline_alsfrs)),
            6 => (String::new(), num(d.slope)),
            7 => (String::new(), num(d.delta_fs)),
            _ => (String::new(), d.num_samples as f64),
        }
    }

    fn view_ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        ui.horizontal(|ui| {
            let label = ui.label(tr("Search subjects:"));
            ui.text_edit_singleline(&mut self.search).labelled_by(label.id);
            ui.label(trf(
                "{shown} of {total} subjects",
                &[("shown", &ctx.num_visible()), ("total", &ctx.derived.subjects.len())],
            ));
        });
        let key = format!(
            "{}|{}|{}|{:?}",
            self.search, self.sort_column, self.descending, ctx.state.filters
        );
        if key != self.rows_key || self.last_rows.is_empty() {
            let needle = self.search.to_lowercase();
            let mut rows: Vec<usize> = (0..ctx.derived.subjects.len())
                .filter(|&s| ctx.visible(s))
                .filter(|&s| needle.is_empty() || ctx.derived.subjects[s].id.to_lowercase().contains(&needle))
                .collect();
            let keys: Vec<(String, f64)> = (0..ctx.derived.subjects.len()).map(|s| self.sort_key(ctx, s)).collect();
            rows.sort_by(|&a, &b| natural_cmp(&keys[a].0, &keys[b].0).then(keys[a].1.total_cmp(&keys[b].1)));
            if self.descending {
                rows.reverse();
            }
            self.last_rows = rows;
            self.rows_key = key;
        }
        let rows = std::mem::take(&mut self.last_rows);
        sortable_header_ui(ui, &columns(), &mut self.sort_column, &mut self.descending);
        ui.separator();
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show_rows(ui, row_height, rows.len(), |ui, range| {
                for &s in &rows[range] {
                    let d = &ctx.derived.subjects[s];
                    let level = ctx.state.selection.highlight(s);
                    let changes = ctx.compare.map_or(&[][..], |c| c.lines(s));
                    let added = ctx.compare.is_some_and(|c| c.added.contains(&s));
                    let cells = [
                        match (added, changes.is_empty()) {
                            (true, _) => format!("+ {}", d.id),
                            (false, false) => format!("Δ {}", d.id),
                            (false, true) => d.id.clone(),
                        },
                        ctx.derived.groups[d.group].clone(),
                        d.site.clone(),
                        d.sex.clone(),
                        d.onset_region.clone(),
                        fmt(d.baseline_alsfrs, 0),
                        fmt(d.slope, 2),
                        fmt(d.delta_fs, 2),
                        d.num_samples.to_string(),
                    ];
                    let fill = if level >= Highlight::Selected {
                        ui.visuals().selection.bg_fill.gamma_multiply(0.5)
                    } else {
                        egui::Color32::TRANSPARENT
                    };
                    let row = egui::Frame::new().fill(fill).show(ui, |ui| {
                        ui.horizontal(|ui| {
                            for (i, ((_, width), text)) in columns().iter().zip(cells).enumerate() {
                                let mut rich = egui::RichText::new(text);
                                if i == 1 {
                                    rich = rich.color(group_color(d.group));
                                }
                                if level >= Highlight::Selected {
                                    rich = rich.strong();
                                }
                                let changed = (i == 0 && !changes.is_empty())
                                    || ctx.compare.is_some_and(|c| !added && c.changed(s, SOURCES[i]));
                                if changed {
                                    rich = rich.background_color(CHANGED.gamma_multiply(0.35));
                                }
                                ui.add_sized([*width, row_height], egui::Label::new(rich).truncate());
                            }
                        });
                    });
                    let mut response =
                        ui.interact(row.response.rect, ui.scope_id().with(("row", s)), egui::Sense::click());
                    if let Some(compare) = ctx.compare
                        && !changes.is_empty()
                    {
                        response = response.on_hover_text(format!(
                            "{}\n{}",
                            trf("Since {old}:", &[("old", &compare.label)]),
                            changes.join("\n")
                        ));
                    }
                    if response.hovered() || row.response.hovered() {
                        ctx.commands.push(Command::Hover(Item::Subject(s)));
                    }
                    if response.clicked() {
                        ctx.commands.push(Command::Select(Item::Subject(s)));
                    }
                }
            });
        self.last_rows = rows;
    }
}

impl View for CohortTableView {
    fn defaults(_derived: &crate::app::derived::Derived) -> Vec<(Slot, Self)> {
        vec![(Slot::Bottom, Self::default())]
    }

    fn title(&self, _ctx: &ViewCtx<'_>) -> egui::WidgetText {
        tr("Cohort table").into()
    }

    fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        self.view_ui(ui, ctx);
    }

    fn restore(_saved: Option<&str>, _derived: &crate::app::derived::Derived) -> Option<Self> {
        Some(Self::default())
    }
}
