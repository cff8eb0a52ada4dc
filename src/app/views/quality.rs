//! Data quality: every finding of the rules (and of loading), filterable by severity, rule,
//! site and review status, searchable and sortable, with counts per rule and per status.
//! Clicking a finding selects its subject in every view and opens the Subject profile with the
//! offending visit marked; ticked findings are marked in bulk (open, query sent, resolved,
//! accepted as is) with a note, kept in the review sidecar next to the data.

use crate::i18n::{tr, trf};
use eframe::egui;

use crate::app::state::{AppCommand, Command, Dialog, Item};
use crate::app::theme::severity_color;
use crate::app::view::{Slot, View, ViewCtx};
use crate::model::natural::natural_cmp;
use crate::model::{Finding, Severity};
use crate::quality::review::Status;
use crate::quality::rule_info;

/// The width of the rows' tick boxes.
const TICK_WIDTH: f32 = 22.0;

/// Table columns, with their widths (the message takes the rest).
/// The columns: (header in the language in use, width).
fn columns() -> [(&'static str, f32); 10] {
    [
        (tr("Severity"), 105.0),
        (tr("Status"), 105.0),
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
    /// Shown review statuses, in the order of `Status::ALL`.
    pub show_status: [bool; 4],
    /// Findings ticked for marking (indices into `Findings::all`).
    pub ticked: std::collections::BTreeSet<usize>,
    /// The note the next mark gives the ticked findings (empty: their notes stay).
    pub note: String,
    /// Who marks them (`None`: the name last used).
    pub by: Option<String>,
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
            show_status: [true; 4],
            ticked: std::collections::BTreeSet::new(),
            note: String::new(),
            by: None,
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

/// A severity's name in the language in use.
fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => tr("error"),
        Severity::Warning => tr("warning"),
        Severity::Info => tr("info"),
    }
}

/// The text of one cell (see [`columns`]).
fn cell(f: &Finding, status: Status, column: usize) -> String {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    match column {
        0 => severity_name(f.severity).to_owned(),
        1 => status.label().to_owned(),
        2 => f.rule.clone(),
        3 => o(&f.site),
        4 => o(&f.subject),
        5 => o(&f.sample),
        6 => {
            let file = f
                .file
                .as_deref()
                .map_or("", |p| p.rsplit(['/', '\\']).next().unwrap_or(p));
            match f.row {
                Some(r) => format!("{file}:{r}"),
                None => file.to_owned(),
            }
        }
        7 => o(&f.column),
        8 => o(&f.value),
        _ => f.message.clone(),
    }
}

impl QualityView {
    fn passes(&self, f: &Finding, status: Status, needle: &str) -> bool {
        self.show[level(f.severity)]
            && self.show_status[Status::ALL.iter().position(|s| *s == status).unwrap_or(0)]
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
            "{:p}|{}|{:?}|{:?}|{:?}|{:?}|{}|{}|{}",
            std::sync::Arc::as_ptr(findings),
            ctx.state.review.generation,
            self.show_status,
            self.show,
            self.rule,
            self.site,
            self.search,
            self.sort_column,
            self.descending
        );
        if key != self.rows_key {
            let needle = self.search.to_lowercase();
            let review = &ctx.state.review;
            let mut rows: Vec<usize> = (0..findings.all.len())
                .filter(|&k| self.passes(&findings.all[k], review.status(k), &needle))
                .collect();
            if self.sort_column == 0 {
                // Worst first (ascending: mildest first), then as checked.
                rows.sort_by_key(|&k| std::cmp::Reverse(findings.all[k].severity));
            } else {
                let keys: Vec<String> = rows
                    .iter()
                    .map(|&k| cell(&findings.all[k], review.status(k), self.sort_column))
                    .collect();
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
                |f| trf("rules: {file}", &[("file", &f.rsplit(['/', '\\']).next().unwrap_or(f))]),
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
            egui::ComboBox::from_label(tr("rule"))
                .selected_text(self.rule.as_deref().unwrap_or(tr("all rules")))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.rule, None, tr("all rules"));
                    for (rule, _, n) in &findings.rules {
                        ui.selectable_value(&mut self.rule, Some(rule.clone()), format!("{rule} ({n})"));
                    }
                });
            egui::ComboBox::from_label(tr("site"))
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
                            .on_hover_text(tr("show only this rule"))
                            .clicked()
                        {
                            self.rule = if chosen { None } else { Some(rule.clone()) };
                        }
                        ui.colored_label(severity_color(ui, *severity), severity.label());
                        ui.label(n.to_string());
                        ui.label(rule_info(rule).map_or("", |r| r.text()));
                        ui.end_row();
                    }
                });
            });
        let rows = self.rows(ctx);
        self.review_ui(ui, ctx, &rows);
        ui.label(trf(
            "{shown} of {total} findings",
            &[("shown", &rows.len()), ("total", &findings.all.len())],
        ));
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
                            self.row_ui(ui, ctx, &findings.all[k], k, findings.subject[k], row_height);
                        }
                    },
                );
            });
    }

    /// Counts and filters per review status, and marking of the ticked findings.
    fn review_ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>, rows: &[usize]) {
        let review = &ctx.state.review;
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new(tr("Review:")).strong());
            for (k, status) in Status::ALL.iter().enumerate() {
                let text = format!("{} {}", review.counts.get(*status), status.label());
                ui.checkbox(&mut self.show_status[k], text);
            }
            ui.label(trf("{n} fixed", &[("n", &review.counts.fixed)]))
                .on_hover_text(tr("Reviewed findings the data no longer have"));
            ui.separator();
            match &review.path {
                Some(path) => {
                    let name = path
                        .file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                    ui.weak(trf("kept in {file}", &[("file", &name)]))
                        .on_hover_text(path.display().to_string());
                }
                None => {
                    ui.weak(tr("kept for this run (no folder to keep a review file in)"));
                }
            }
        });
        if review.counts.fixed > 0 {
            egui::CollapsingHeader::new(trf(
                "Fixed: {n} reviewed findings no longer in the data",
                &[("n", &review.counts.fixed)],
            ))
            .id_salt("review-fixed")
            .show(ui, |ui| {
                for e in review.review.fixed(&ctx.derived.findings.all) {
                    let k = &e.key;
                    let place: Vec<&str> = [&k.file, &k.subject, &k.sample, &k.visit, &k.column]
                        .into_iter()
                        .filter_map(|v| v.as_deref())
                        .collect();
                    let value = k.value.as_deref().map_or(String::new(), |v| format!(" `{v}`"));
                    let note = if e.note.is_empty() {
                        String::new()
                    } else {
                        format!(" — {}", e.note)
                    };
                    ui.label(format!(
                        "{} {} {}{value} [{}]{note}",
                        k.rule,
                        place.join(" "),
                        e.message,
                        e.status.label()
                    ));
                }
            });
        }
        ui.horizontal_wrapped(|ui| {
            if ui
                .button(tr("Queries to sites…"))
                .on_hover_text(tr("One CSV sheet (for Excel) and one HTML page per site with its open errors and warnings, to answer in the sheet; they are then marked query sent"))
                .clicked()
            {
                ctx.commands.push(Command::App(AppCommand::Pick(Dialog::Queries)));
            }
            if ui
                .button(tr("Read answers…"))
                .on_hover_text(tr("Read sites' answered sheets: each answer becomes the finding's note, and its outcome (corrected, correct as is) the status"))
                .clicked()
            {
                ctx.commands.push(Command::App(AppCommand::Pick(Dialog::Answers)));
            }
        });
        // Ticked findings that are no longer listed are not marked by accident.
        self.ticked.retain(|k| rows.contains(k));
        ui.horizontal_wrapped(|ui| {
            if ui.button(tr("Tick all shown")).clicked() {
                self.ticked.extend(rows.iter().copied());
            }
            if ui
                .add_enabled(!self.ticked.is_empty(), egui::Button::new(tr("Untick all")))
                .clicked()
            {
                self.ticked.clear();
            }
            let label = ui.label(tr("Note:"));
            ui.add(
                egui::TextEdit::singleline(&mut self.note)
                    .desired_width(220.0)
                    .hint_text(tr("why (kept with the status)")),
            )
            .labelled_by(label.id);
            let by = self.by.get_or_insert_with(|| ctx.state.review.by.clone());
            let label = ui.label(tr("by"));
            ui.add(
                egui::TextEdit::singleline(by)
                    .desired_width(110.0)
                    .hint_text(tr("your name")),
            )
            .labelled_by(label.id);
            ui.label(trf("Mark {n} ticked as:", &[("n", &self.ticked.len())]));
            for status in Status::ALL {
                if ui
                    .add_enabled(!self.ticked.is_empty(), egui::Button::new(status.label()))
                    .clicked()
                {
                    let note = self.note.trim();
                    ctx.commands.push(Command::Mark {
                        findings: self.ticked.iter().copied().collect(),
                        status,
                        note: (!note.is_empty()).then(|| note.to_owned()),
                        by: self.by.clone().unwrap_or_default(),
                    });
                    self.ticked.clear();
                    self.note.clear();
                }
            }
        });
    }

    fn header_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            // Over the rows' tick boxes.
            ui.add_space(TICK_WIDTH);
            for (i, (name, width)) in columns().iter().enumerate() {
                let arrow = if self.sort_column == i {
                    if self.descending { tr(" (desc)") } else { tr(" (asc)") }
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
        &mut self,
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
        let status = ctx.state.review.status(k);
        let mut ticked = self.ticked.contains(&k);
        let row = egui::Frame::new().fill(fill).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.allocate_ui_with_layout(
                    egui::vec2(TICK_WIDTH, row_height),
                    egui::Layout::left_to_right(egui::Align::Center),
                    |ui| {
                        ui.set_min_width(TICK_WIDTH);
                        if ui
                            .checkbox(&mut ticked, "")
                            .on_hover_text(tr("Tick to mark in bulk"))
                            .changed()
                        {
                            if ticked {
                                self.ticked.insert(k);
                            } else {
                                self.ticked.remove(&k);
                            }
                        }
                    },
                );
                for (i, (_, width)) in columns().iter().enumerate() {
                    let mut text = egui::RichText::new(cell(f, status, i));
                    if i == 0 {
                        text = text.color(severity_color(ui, f.severity)).strong();
                    }
                    if i == 1 && !status.is_open() {
                        text = text.italics();
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
        // The row past its tick box: a click there opens the finding, a click on the box ticks.
        let mut clickable = row.response.rect;
        clickable.min.x += TICK_WIDTH + ui.spacing().item_spacing.x;
        let response = ui
            .interact(clickable, ui.scope_id().with(("finding", k)), egui::Sense::click())
            .on_hover_text(match ctx.state.review.review.entry(f).filter(|e| !e.note.is_empty()) {
                Some(e) => format!(
                    "{}\n{}\n{}: {} ({}, {})",
                    f.location(),
                    f.message,
                    status.label(),
                    e.note,
                    e.by,
                    e.date
                ),
                None => format!("{}\n{}", f.location(), f.message),
            });
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
