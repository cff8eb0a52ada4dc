//! The menu bar: open, recent, session, present, layout, theme, pseudonyms, the load's
//! progress and the notifications. It only queues `AppCommand`s.

use eframe::egui;

use crate::i18n::{tr, trf};

use super::CohortApp;
use super::state::{AppCommand, Dialog};
use crate::pipeline::Source;

impl CohortApp {
    /// The menu bar: open, recent, layout, theme, the load's progress and the notifications.
    pub(super) fn menu_ui(&self, ui: &mut egui::Ui, commands: &mut Vec<AppCommand>) {
        ui.horizontal(|ui| {
            if ui.button(tr("Open files…")).clicked() {
                commands.push(AppCommand::Pick(Dialog::Files));
            }
            if ui.button(tr("Open folder…")).clicked() {
                commands.push(AppCommand::Pick(Dialog::Folder));
            }
            if ui.button(tr("Demo cohort")).clicked() {
                commands.push(AppCommand::Open(Source::Demo));
            }
            if self.explorer.is_some()
                && ui
                    .button(tr("Present"))
                    .on_hover_text(trf(
                        "Full screen, one view per slide ({n} slides; add one from a view's Figure menu). F11; the arrow keys to move, Esc to leave",
                        &[("n", &self.slides.len())],
                    ))
                    .clicked()
            {
                commands.push(AppCommand::Present);
            }
            if let Some(explorer) = &self.explorer {
                match &explorer.compare {
                    Some(compare) => {
                        let text = trf(
                            "Compared with {old}: {n} subjects changed",
                            &[("old", &compare.label), ("n", &compare.num_subjects())],
                        );
                        if ui
                            .button(tr("Stop comparing"))
                            .on_hover_text(text)
                            .clicked()
                        {
                            commands.push(AppCommand::StopComparing);
                        }
                    }
                    None if self.comparing() => {
                        ui.add_enabled(false, egui::Button::new(tr("Comparing…")));
                    }
                    None => {
                        if ui
                            .button(tr("Compare with…"))
                            .on_hover_text(tr("Mark what changed since an earlier freeze of this study (its folder): changed values in the Cohort table and the Subject profile, changed visits ringed on the trajectories"))
                            .clicked()
                        {
                            commands.push(AppCommand::Pick(Dialog::CompareWith));
                        }
                    }
                }
            }
            ui.menu_button(tr("Session"), |ui| {
                if ui.button(tr("Open session…")).clicked() {
                    commands.push(AppCommand::Pick(Dialog::OpenSession));
                    ui.close();
                }
                if ui
                    .add_enabled(self.explorer.is_some(), egui::Button::new(tr("Save session…")))
                    .on_hover_text(tr("The files (with checksums), options, grouping, filters, selection, named cohorts, layout, each view's settings and the slides, in one .cohort.json file"))
                    .clicked()
                {
                    commands.push(AppCommand::Pick(Dialog::SaveSession));
                    ui.close();
                }
            });
            ui.add_enabled_ui(!self.settings.recent.is_empty(), |ui| {
                ui.menu_button(tr("Recent"), |ui| {
                    for paths in &self.settings.recent {
                        let source = Source::Paths(paths.clone());
                        if ui.button(source.label()).clicked() {
                            commands.push(AppCommand::Open(source));
                        }
                    }
                });
            });
            if self.explorer.is_some()
                && ui
                    .button(tr("Reset layout"))
                    .on_hover_text(tr("Back to the default arrangement of views"))
                    .clicked()
            {
                commands.push(AppCommand::ResetLayout);
            }
            // Text, not egui's emoji theme buttons: the bundled fonts lack their glyphs.
            let dark = ui.ctx().theme() == egui::Theme::Dark;
            if ui.selectable_label(!dark, tr("Light")).clicked() {
                commands.push(AppCommand::SetTheme(egui::Theme::Light));
            }
            if ui.selectable_label(dark, tr("Dark")).clicked() {
                commands.push(AppCommand::SetTheme(egui::Theme::Dark));
            }
            // Each language named in itself, so either can be found.
            let now = crate::i18n::lang();
            for lang in [crate::i18n::Lang::En, crate::i18n::Lang::Zh] {
                if ui.selectable_label(now == lang, lang.name()).clicked() {
                    commands.push(AppCommand::SetLang(lang));
                }
            }
            let (mut on, mut shift) = (
                self.pseudonymised(),
                self.options.pseudonyms.as_ref().is_some_and(|p| p.shift_dates),
            );
            let label = if on { tr("IDs pseudonymised") } else { tr("Pseudonyms") };
            ui.menu_button(label, |ui| {
                let before = (on, shift);
                ui.checkbox(&mut on, tr("Replace subject and sample IDs"))
                    .on_hover_text(tr("Everywhere: views, tooltips, tables, figures, exports. Stable: a keyed hash, the key kept on this machine"));
                ui.add_enabled(on, egui::Checkbox::new(&mut shift, tr("Shift each subject's dates")))
                    .on_hover_text(tr("All of a subject's dates move by one random offset of its own; intervals are kept"));
                if (on, shift) != before {
                    commands.push(AppCommand::SetPseudonyms {
                        on,
                        shift_dates: on && shift,
                    });
                }
            });
            ui.separator();
            let running = self
                .loading
                .as_ref()
                .map(|l| (trf("Loading {what}", &[("what", &l.source.label())]), l.job.progress()))
                .or_else(|| {
                    self.rechecking
                        .as_ref()
                        .map(|j| (tr("Re-checking").to_owned(), j.progress()))
                });
            if let Some((what, progress)) = running {
                ui.spinner();
                ui.add(
                    egui::ProgressBar::new(progress.fraction)
                        .desired_width(160.0)
                        .show_percentage(),
                );
                ui.label(format!("{what}: {}…", progress.stage));
            } else {
                ui.label(egui::RichText::new(&self.title).strong());
                if let Some(job) = &self.ordinating {
                    ui.separator();
                    ui.spinner();
                    ui.weak(format!("{}…", job.progress().stage));
                }
            }
        });
        for (i, message) in self.notifications.iter().enumerate() {
            ui.horizontal(|ui| {
                ui.colored_label(ui.visuals().error_fg_color, message);
                if ui.button(tr("Dismiss")).clicked() {
                    commands.push(AppCommand::Dismiss(i));
                }
            });
        }
    }
}
