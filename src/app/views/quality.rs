//! Data quality: every finding of the rules (and of loading), filterable by severity, rule and
//! site, searchable and sortable, with counts per rule. Clicking a finding selects its subject
//! in every view and opens the Subject profile with the offending visit marked.

use crate::i18n::{tr, trf};
use eframe::egui;

use crate::app::state::{AppCommand, Command, Dialog, Item};
use crate::app::theme::severity_color;
use crate::app::view::{Slot, View, ViewCtx};
use crate::model::natural::natural_cmp;
use crate::model::{Finding, Severity};
use crate::quality::rule_info;

/// Table columns, with their widths (the message takes the rest).
/// The columns: (header in the language in use, width).
fn columns() -> [(&'static str, f32); 9] {
    [
        (tr("Severity"), 105.0),
        (tr("Rule"), 200.0),
        (tr("Site"), 60.0),
        (tr("Subject"), 70.0),
        (tr("Sample"), 85.0),
        (tr("Where"), 125.0),
        (tr("Column"), 100.0),
        (tr("Value"), 75.0),
        (tr("Message"), 0.0),
    ]
}

/// Persistent state of the Data quality view.
#[derive(Clone, Debug)]
pub struct QualityView {
    /// Shown severities: error, warning, info.
    pub show: [bool; 3],
    /// Only this rule (None: all).
    pub rule: Option<String>,
    /// Only this site (None: all).
    pub site: Option<String>,
    pub search: String,
    pub sort_column: usize,
    pub descending: bool,
    /// Findings (indices into `Findings::all`) shown in the last frame, in display order.
    pub last_rows: Vec<usize>,
    rows_key: String,
}

impl Default for QualityView {
    fn default() -> Self {
        Self {
            show: [true; 3],
            rule: None,
            site: None,
            search: String::new(),
            sort_column: 0,
            descending: true,
            last_rows: Vec::new(),
            rows_key: String::new(),
        }
    }
}

/// Index of a severity in `QualityView::show`.
fn level(s: Severity) -> usize {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

/// The text of one cell (see [`columns`]).
fn cell(f: &Finding, column: usize) -> String {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    match column {
        0 => f.severity.label().to_owned(),
        1 => f.rule.clone(),
        2 => o(&f.site),
        3 => o(&f.subject),
        4 => o(&f.sample),
        5 => {
            let file = f
                .file
                .as_deref()
                .map_or("", |p| p.rsplit(['/', '\\']).next().unwrap_or(p));
            match f.row {
                Some(r) => format!("{file}:{r}"),
                None => file.to_owned(),
            }
        }
        6 => o(&f.column),
        7 => o(&f.value),
        _ => f.message.clone(),
    }
}

impl QualityView {
    fn passes(&self, f: &Finding, needle: &str) -> bool {
        self.show[level(f.severity)]
            && self.rule.as_ref().is_none_or(|r| *r == f.rule)
            && self.site.as_ref().is_none_or(|s| f.site.as_ref() == Some(s))
            && (needle.is_empty()
                || [&f.subject, &f.sample, &f.file, &f.value]
                    .iter()
                    .any(|v| v.as_ref().is_some_and(|v| v.to_lowercase().contains(needle)))
                || f.message.to_lowercase().contains(needle))
    }

    /// The findings shown, in order; recomputed only when the filters, sort or findings change.
    fn rows(&mut self, ctx: &ViewCtx<'_>) -> Vec<usize> {
        let findings = &ctx.derived.findings;
        let key = format!(
            "{:p}|{:?}|{:?}|{:?}|{}|{}|{}",
            std::sync::Arc::as_ptr(findings),
            self.show,
            self.rule,
            self.site,
            self.search,
            self.sort_column,
            self.descending
        );
        if key != self.rows_key {
            let needle = self.search.to_lowercase();
            let mut rows: Vec<usize> = (0..findings.all.len())
                .filter(|&k| self.passes(&findings.all[k], &needle))
                .collect();
            if self.sort_column == 0 {
                // Worst first (ascending: mildest first), then as checked.
                rows.sort_by_key(|&k| std::cmp::Reverse(findings.all[k].severity));
            } else {
                let keys: Vec<String> = rows.iter().map(|&k| cell(&findings.all[k], self.sort_column)).collect();
                let mut order: Vec<usize> = (0..rows.len()).collect();
                order.sort_by(|&a, &b| natural_cmp(&keys[a], &keys[b]));
                rows = order.into_iter().map(|i| rows[i]).collect();
            }
            if self.descending != (self.sort_column == 0) {
                rows.reverse();
            }
            self.last_rows = rows;
            self.rows_key = key;
        }
        self.last_rows.clone()
    }

    fn view_ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        let findings = std::sync::Arc::clone(&ctx.derived.findings);
        let (e, w, i) = findings.counts;
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new(tr("Data quality:")).strong());
            for (k, (n, name, severity)) in [
                (e, tr("errors"), Severity::Error),
                (w, tr("warnings"), Severity::Warning),
                (i, tr("info"), Severity::Info),
            ]
            .into_iter()
            .enumerate()
            {
                let text = egui::RichText::new(format!("{n} {name}")).color(severity_color(ui, severity));
                ui.checkbox(&mut self.show[k], text);
            }
            ui.separator();
            ui.label(findings.rules_file.as_deref().map_or_else(
                || tr("default rules").to_owned(),
                |f| format!("rules: {}", f.rsplit(['/', '\\']).next().unwrap_or(f)),
            ))
            .on_hover_text(findings.rules_file.as_deref().unwrap_or(tr("no rules file: the documented defaults")));
            if ui
                .button(tr("Rules file…"))
                .on_hover_text(tr("Check again with thresholds and severities from a TOML or JSON rules file (see `cohort-explorer check --print-rules`)"))
                .clicked()
            {
                ctx.commands.push(Command::App(AppCommand::Pick(Dialog::Rules)));
            }
        });
        ui.horizontal_wrapped(|ui| {
            egui::ComboBox::from_label("rule")
                .selected_text(self.rule.as_deref().unwrap_or(tr("all rules")))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.rule, None, tr("all rules"));
                    for (rule, _, n) in &findings.rules {
                        ui.selectable_value(&mut self.rule, Some(rule.clone()), format!("{rule} ({n})"));
                    }
                });
            egui::ComboBox::from_label("site")
                .selected_text(self.site.as_deref().unwrap_or(tr("all sites")))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.site, None, tr("all sites"));
                    for site in &findings.sites {
                        ui.selectable_value(&mut self.site, Some(site.clone()), site);
                    }
                });
            let label = ui.label(tr("Search:"));
            ui.add(
                egui::TextEdit::singleline(&mut self.search)
                    .desired_width(140.0)
                    .hint_text(tr("subject, sample, text")),
            )
            .labelled_by(label.id);
        });
        egui::CollapsingHeader::new(trf("Counts per rule ({n} rules)", &[("n", &findings.rules.len())]))
            .default_open(false)
            .show(ui, |ui| {
                egui::Grid::new("rule-counts").striped(true).show(ui, |ui| {
                    for (rule, severity, n) in &findings.rules {
                        let chosen = self.rule.as_deref() == Some(rule.as_str());
                        if ui
                            .selectable_label(chosen, rule)
                            .on_hover_text("show only this rule")
                            .clicked()
                        {
                            self.rule = if chosen { None } else { Some(rule.clone()) };
                        }
                        ui.colored_label(severity_color(ui, *severity), severity.label());
                        ui.label(n.to_string());
                        ui.label(rule_info(rule).map_or("", |r| r.description));
                        ui.end_row();
                    }
                });
            });
        let rows = self.rows(ctx);
        ui.label(format!("{} of {} findings", rows.len(), findings.all.len()));
        // The header scrolls sideways with the rows; the rows scroll down on their own.
        egui::ScrollArea::horizontal()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                self.header_ui(ui);
                ui.separator();
                let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
                egui::ScrollArea::vertical().auto_shrink([false, false]).show_rows(
                    ui,
                    row_height,
                    rows.len(),
                    |ui, range| {
                        for &k in &rows[range] {
                            Self::row_ui(ui, ctx, &findings.all[k], k, findings.subject[k], row_height);
                        }
                    },
                );
            });
    }

    fn header_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            for (i, (name, width)) in columns().iter().enumerate() {
                let arrow = if self.sort_column == i {
                    if self.descending { " (desc)" } else { " (asc)" }
                } else {
                    ""
                };
                let width = if *width > 0.0 { *width } else { 300.0 };
                let button = egui::Button::new(egui::RichText::new(format!("{name}{arrow}")).strong()).frame(false);
                let clicked = ui
                    .allocate_ui_with_layout(
                        egui::vec2(width, 20.0),
                        egui::Layout::left_to_right(egui::Align::Center),
                        |ui| {
                            ui.set_min_width(width);
                            ui.add(button).clicked()
                        },
                    )
                    .inner;
                if clicked {
                    self.descending = if self.sort_column == i {
                        !self.descending
                    } else {
                        i == 0
                    };
                    self.sort_column = i;
                }
            }
        });
    }

    fn row_ui(
        ui: &mut egui::Ui,
        ctx: &mut ViewCtx<'_>,
        f: &Finding,
        k: usize,
        subject: Option<usize>,
        row_height: f32,
    ) {
        let focused = ctx.state.focused_finding == Some(k);
        let fill = if focused {
            ui.visuals().selection.bg_fill.gamma_multiply(0.5)
        } else {
            egui::Color32::TRANSPARENT
        };
        let row = egui::Frame::new().fill(fill).show(ui, |ui| {
            ui.horizontal(|ui| {
                for (i, (_, width)) in columns().iter().enumerate() {
                    let mut text = egui::RichText::new(cell(f, i));
                    if i == 0 {
                        text = text.color(severity_color(ui, f.severity)).strong();
                    }
                    let label = egui::Label::new(text);
                    if *width > 0.0 {
                        ui.allocate_ui_with_layout(
                            egui::vec2(*width, row_height),
                            egui::Layout::left_to_right(egui::Align::Center),
                            |ui| {
                                ui.set_min_width(*width);
                                ui.add(label.truncate());
                            },
                        );
                    } else {
                        ui.add(label.extend());
                    }
                }
            });
        });
        let response = ui
            .interact(
                row.response.rect,
                ui.scope_id().with(("finding", k)),
                egui::Sense::click(),
            )
            .on_hover_text(format!("{}\n{}", f.location(), f.message));
        if let Some(s) = subject
            && (response.hovered() || row.response.hovered())
        {
            ctx.commands.push(Command::Hover(Item::Subject(s)));
        }
        if response.clicked() {
            if let Some(s) = subject {
                ctx.commands.push(Command::SelectSet(vec![s]));
            }
            ctx.commands.push(Command::FocusFinding(k));
        }
    }
}

impl View for QualityView {
    fn defaults(_derived: &crate::app::derived::Derived) -> Vec<(Slot, Self)> {
        vec![(Slot::Bottom, Self::default())]
    }

    fn title(&self, ctx: &ViewCtx<'_>) -> egui::WidgetText {
        let (e, w, _) = ctx.derived.findings.counts;
        trf("Data quality ({e} errors, {w} warnings)", &[("e", &e), ("w", &w)]).into()
    }

    fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
        self.view_ui(ui, ctx);
    }

    fn restore(_saved: Option<&str>, _derived: &crate::app::derived::Derived) -> Option<Self> {
        Some(Self::default())
    }
}

#[cfg(test)]
mod tests {
    use crate::model::natural::natural_cmp;

    #[test]
    fn natural_order_compares_numbers_as_numbers() {
        let mut v = vec!["visits.csv:10", "visits.csv:9", "a.csv:100", "visits.csv:9x"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["a.csv:100", "visits.csv:9", "visits.csv:9x", "visits.csv:10"]);
    }
}
