//! The explorer's side panel: cohort counts, filters, named cohorts and the grouping, the time
//! axis, the selection and the data-quality summary. It only queues commands.

use eframe::egui;

use crate::i18n::{tr, trf};
use egui_tiles::Tile;

use super::explorer::{Explorer, Pane};
use super::state::{Command, DfsBand, Flag, GroupBy, XAxis};
use super::theme::group_color;

impl Explorer {
    fn cohorts_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.heading(tr("Named cohorts"));
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut self.cohort_name)
                    .hint_text(tr("name"))
                    .desired_width(110.0),
            );
            let can_save = !self.state.selection.selected.is_empty() && !self.cohort_name.trim().is_empty();
            if ui
                .add_enabled(can_save, egui::Button::new(tr("Save selection")))
                .on_disabled_hover_text(tr("select subjects (click, box or lasso) and type a name"))
                .clicked()
            {
                commands.push(Command::SaveCohort(std::mem::take(&mut self.cohort_name)));
            }
        });
        for (i, c) in self.state.cohorts.iter().enumerate() {
            ui.horizontal(|ui| {
                let color = match self.state.group_by {
                    GroupBy::NamedCohorts => group_color(i),
                    GroupBy::Arm | GroupBy::Column(_) => ui.visuals().text_color(),
                };
                ui.colored_label(color, format!("{} ({})", c.name, c.members.len()));
                if ui.small_button(tr("select")).clicked() {
                    commands.push(Command::SelectCohort(i));
                }
                if ui.small_button(tr("delete")).clicked() {
                    commands.push(Command::DeleteCohort(i));
                }
            });
        }
        ui.horizontal(|ui| {
            let title = ui.label(tr("Group by"));
            let label = |g: &GroupBy| match g {
                GroupBy::Arm => tr("arm").to_owned(),
                GroupBy::NamedCohorts => tr("named cohorts").to_owned(),
                GroupBy::Column(c) => c.clone(),
            };
            let mut choices = vec![GroupBy::Arm];
            // The user's own cohorts next, ahead of the study's many columns.
            if !self.state.cohorts.is_empty() {
                choices.push(GroupBy::NamedCohorts);
            }
            // The arm column is the default grouping already (with the group column for subjects
            // without an arm).
            choices.extend(
                self.base
                    .group_columns
                    .iter()
                    .filter(|c| c.as_str() != crate::model::columns::ARM)
                    .cloned()
                    .map(GroupBy::Column),
            );
            egui::ComboBox::from_id_salt("group-by")
                .selected_text(label(&self.state.group_by))
                .show_ui(ui, |ui| {
                    for g in choices {
                        if ui.selectable_label(self.state.group_by == g, label(&g)).clicked() {
                            commands.push(Command::SetGroupBy(g));
                        }
                    }
                })
                .response
                .labelled_by(title.id);
        });
    }

    /// The side panel; `shown` subjects pass the filters.
    pub(super) fn side_panel_ui(&mut self, ui: &mut egui::Ui, shown: usize, commands: &mut Vec<Command>) {
        ui.heading(tr("Cohort"));
        ui.label(trf(
            "{subjects} subjects · {visits} visits · {samples} samples",
            &[
                ("subjects", &self.cohort.num_subjects()),
                ("visits", &self.cohort.num_visits()),
                ("samples", &self.cohort.num_samples()),
            ],
        ));
        ui.label(
            egui::RichText::new(trf(
                "Showing {shown} of {total} subjects",
                &[("shown", &shown), ("total", &self.derived.subjects.len())],
            ))
            .strong(),
        );
        ui.separator();
        ui.heading(tr("Filters"));
        for (g, name) in self.derived.groups.iter().enumerate() {
            let mut on = !self.state.filters.hidden_groups.contains(&g);
            let count = self.derived.subjects.iter().filter(|s| s.group == g).count();
            let text = egui::RichText::new(format!("{name} ({count})")).color(group_color(g));
            if ui.checkbox(&mut on, text).changed() {
                commands.push(Command::ToggleGroup(g));
            }
        }
        // Every categorical subject column, its values switched on and off.
        let derived = std::sync::Arc::clone(&self.derived);
        for category in derived.categories.iter().filter(|c| c.levels.len() >= 2) {
            let column = &category.column;
            let distinct = &category.levels;
            let title = trf("By {column}", &[("column", &column.replace('_', " "))]);
            egui::CollapsingHeader::new(title).default_open(false).show(ui, |ui| {
                for v in distinct {
                    let key = (column.clone(), v.clone());
                    let mut on = !self.state.filters.hidden.contains(&key);
                    if ui.checkbox(&mut on, v.as_str()).changed() {
                        commands.push(Command::ToggleCategory(key.0, key.1));
                    }
                }
            });
        }
        for (flag, title) in [
            (Flag::Hypermetabolic, tr("Hypermetabolic")),
            (Flag::HasMicrobiome, tr("Has microbiome")),
        ] {
            ui.horizontal(|ui| {
                ui.label(title);
                let current = self.state.filters.flags.get(&flag).copied();
                for (value, text) in [(None, tr("any")), (Some(true), tr("yes")), (Some(false), tr("no"))] {
                    if ui.selectable_label(current == value, text).clicked() {
                        commands.push(Command::SetFlag(flag, value));
                    }
                }
            });
        }
        let mut min = self.state.filters.min_baseline_alsfrs;
        if ui
            .add(
                egui::Slider::new(&mut min, 0.0..=48.0)
                    .step_by(1.0)
                    .text(tr("min baseline ALSFRS-R")),
            )
            .changed()
        {
            commands.push(Command::SetMinBaselineAlsfrs(min));
        }
        ui.horizontal_wrapped(|ui| {
            ui.label("ΔFS:");
            let current = self.state.filters.dfs_band;
            if ui.selectable_label(current.is_none(), tr("any")).clicked() {
                commands.push(Command::SetDfsBand(None));
            }
            for band in DfsBand::ALL {
                if ui.selectable_label(current == Some(band), band.label()).clicked() {
                    commands.push(Command::SetDfsBand(Some(band)));
                }
            }
        });
        ui.separator();
        self.cohorts_ui(ui, commands);
        ui.separator();
        ui.heading(tr("Time axis"));
        for axis in XAxis::ALL {
            if axis == XAxis::Column {
                continue;
            }
            if ui.radio(self.state.x_axis == axis, axis.label()).clicked() {
                commands.push(Command::SetXAxis(axis));
            }
        }
        // The study's own numeric columns (month, day of life, days since the experiment began).
        if !self.base.time_columns.is_empty() {
            ui.horizontal(|ui| {
                let chosen = self.derived.time_column.clone();
                if let Some(name) = &chosen
                    && ui.radio(self.state.x_axis == XAxis::Column, name.as_str()).clicked()
                {
                    commands.push(Command::SetXAxis(XAxis::Column));
                }
                let title = ui.label(if chosen.is_some() { tr("or") } else { tr("Column") });
                egui::ComboBox::from_id_salt("time-column")
                    .selected_text(chosen.as_deref().unwrap_or(tr("choose…")))
                    .show_ui(ui, |ui| {
                        for name in &self.base.time_columns {
                            if ui.selectable_label(chosen.as_ref() == Some(name), name).clicked() {
                                commands.push(Command::SetTimeColumn(name.clone()));
                            }
                        }
                    })
                    .response
                    .labelled_by(title.id);
            });
        }
        ui.separator();
        ui.heading(tr("Selection"));
        let hovered = self
            .state
            .selection
            .hovered_subject()
            .map(|s| self.derived.subjects[s].id.clone());
        ui.label(trf(
            "Hovered: {who}",
            &[("who", &hovered.unwrap_or_else(|| "–".to_owned()))],
        ));
        let selected: Vec<&str> = self
            .state
            .selection
            .selected
            .iter()
            .map(|s| self.derived.subjects[*s].id.as_str())
            .collect();
        let who = if selected.is_empty() {
            "–".to_owned()
        } else {
            selected.join(", ")
        };
        ui.label(trf("Selected: {who}", &[("who", &who)]));
        if !selected.is_empty() && ui.button(tr("Clear selection")).clicked() {
            commands.push(Command::ClearSelection);
        }
        let (e, w, i) = self.derived.findings.counts;
        ui.separator();
        ui.heading(tr("Data quality"));
        ui.label(trf(
            "{e} errors, {w} warnings, {i} info",
            &[("e", &e), ("w", &w), ("i", &i)],
        ));
        if ui.button(tr("Show findings")).clicked() {
            self.tree
                .make_active(|_, tile| matches!(tile, Tile::Pane(Pane::Quality(_))));
        }
    }
}
