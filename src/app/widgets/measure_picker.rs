//! The measure picker of a trajectory plot: the measures already built, every other numeric
//! visit or sample measure of the cohort, and any taxon at any rank (searchable, as relative
//! abundance or CLR). Picking one that is not built yet asks the explorer to build it.

use crate::i18n::tr;
use eframe::egui;

use crate::app::state::Command;
use crate::app::view::ViewCtx;
use crate::cohort::MeasureRef;
use crate::model::RANKS;

/// Most taxa listed under the search box.
const MAX_LISTED: usize = 40;

/// What the picker remembers between frames.
#[derive(Clone, Debug, Default)]
pub struct MeasurePicker {
    pub search: String,
    /// Rank of the taxon list: an index into `RANKS`, or `RANKS.len()` for features.
    pub rank: usize,
    /// Follow a taxon's CLR instead of its relative abundance.
    pub clr: bool,
    /// A measure asked for and not built yet: its column key and rank.
    pub pending: Option<(String, Option<usize>)>,
}

impl MeasurePicker {
    pub fn new() -> Self {
        Self {
            rank: 5,
            ..Self::default()
        }
    }

    fn rank(&self) -> Option<usize> {
        (self.rank < RANKS.len()).then_some(self.rank)
    }

    /// Ask for `spec` at `rank`: chosen at once when built, else built by the explorer first.
    fn want(&mut self, ctx: &mut ViewCtx<'_>, spec: MeasureRef, rank: Option<usize>, current: &mut usize) {
        let key = spec.label();
        if let Some(k) = ctx
            .derived
            .measures
            .iter()
            .position(|m| m.column == key && m.rank == rank)
        {
            *current = k;
            return;
        }
        self.pending = Some((key, rank));
        ctx.commands.push(Command::AddMeasure(spec, rank));
    }

    /// Take up a measure that was asked for once the explorer has built it.
    pub fn settle(&mut self, ctx: &ViewCtx<'_>, current: &mut usize) {
        if let Some((key, rank)) = &self.pending
            && let Some(k) = ctx
                .derived
                .measures
                .iter()
                .position(|m| m.column == *key && m.rank == *rank)
        {
            *current = k;
            self.pending = None;
        }
    }

    /// The measure combo box and the taxon menu.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>, current: &mut usize) {
        let id = ui.scope_id();
        let derived = std::sync::Arc::clone(ctx.derived);
        let selected = derived.measures.get(*current).map_or("–", |m| m.label.as_str());
        let mut chosen: Option<(MeasureRef, Option<usize>)> = None;
        let title = ui.label(tr("Measure"));
        egui::ComboBox::from_id_salt(("measure", id))
            .selected_text(selected)
            .width(220.0)
            .show_ui(ui, |ui| {
                for (k, m) in derived.measures.iter().enumerate() {
                    if ui.selectable_label(k == *current, &m.label).clicked() {
                        *current = k;
                    }
                }
                let others: Vec<&MeasureRef> = derived
                    .measure_choices
                    .iter()
                    .filter(|spec| !derived.measures.iter().any(|m| m.column == spec.label()))
                    .collect();
                if !others.is_empty() {
                    ui.separator();
                    for spec in others {
                        if ui
                            .selectable_label(false, crate::app::derived::label_of(&spec.label()))
                            .clicked()
                        {
                            chosen = Some(((*spec).clone(), None));
                        }
                    }
                }
            })
            .response
            .labelled_by(title.id);
        if !derived.taxa.is_empty() {
            ui.menu_button(tr("Taxon…"), |ui| {
                ui.horizontal(|ui| {
                    let name = |r: usize| RANKS.get(r).copied().unwrap_or("feature");
                    let title = ui.label(tr("Rank"));
                    egui::ComboBox::from_id_salt(("taxon-rank", id))
                        .selected_text(name(self.rank))
                        .show_ui(ui, |ui| {
                            for r in 0..=RANKS.len() {
                                ui.selectable_value(&mut self.rank, r, name(r));
                            }
                        })
                        .response
                        .labelled_by(title.id);
                    ui.checkbox(&mut self.clr, "CLR");
                });
                ui.horizontal(|ui| {
                    let title = ui.label(tr("Search taxa"));
                    ui.add(egui::TextEdit::singleline(&mut self.search).hint_text("name"))
                        .labelled_by(title.id);
                });
                let needle = self.search.trim().to_lowercase();
                let taxa = derived.taxa.get(self.rank).map_or(&[][..], Vec::as_slice);
                egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
                    for taxon in taxa
                        .iter()
                        .filter(|t| needle.is_empty() || t.to_lowercase().contains(&needle))
                        .take(MAX_LISTED)
                    {
                        if ui.button(taxon).clicked() {
                            let spec = MeasureRef::Taxon {
                                name: taxon.clone(),
                                clr: self.clr,
                            };
                            chosen = Some((spec, self.rank()));
                            ui.close();
                        }
                    }
                });
            });
        }
        if let Some((spec, rank)) = chosen {
            self.want(ctx, spec, rank, current);
        }
    }
}
