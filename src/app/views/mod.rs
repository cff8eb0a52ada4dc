//! The view registry: every kind of view, one per file, registered once in [`views!`] below.
//! The registration makes the dock's [`Pane`], the saved layout's [`PaneKind`], the dispatch of
//! drawing and titles, the default screen, and the restore of a saved layout.

pub mod cohort_table;
pub mod composition;
pub mod distribution;
pub mod ordination;
pub mod quality;
pub mod scatter;
pub mod subject_profile;
pub mod survival;
pub mod taxa;
pub mod trajectories;

use eframe::egui;
use egui_tiles::{TileId, Tiles, Tree};

use super::derived::Derived;
use super::view::{Slot, View, ViewCtx};

/// Declares the registered views: `Name: Type` for a view saved by kind alone, `Name: Type =>
/// String` for one saved with a parameter (see [`View::saved`]). Order is the order of the
/// default screen's tabs.
macro_rules! views {
    ($($name:ident: $view:ty $(=> $param:ident)?),* $(,)?) => {
        /// A tile in the dock: one registered view with its state.
        #[derive(Clone, Debug)]
        pub enum Pane {
            $($name($view)),*
        }

        /// A view by kind, as a saved layout keeps it.
        #[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        pub enum PaneKind {
            $($name $(($param))?),*
        }

        impl Pane {
            pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut ViewCtx<'_>) {
                match self {
                    $(Pane::$name(v) => v.ui(ui, ctx)),*
                }
            }

            pub fn title(&self, ctx: &ViewCtx<'_>) -> egui::WidgetText {
                match self {
                    $(Pane::$name(v) => v.title(ctx)),*
                }
            }

            pub fn figure_title(&self, ctx: &ViewCtx<'_>) -> String {
                match self {
                    $(Pane::$name(v) => v.figure_title(ctx)),*
                }
            }

            /// The view's settings beyond its kind (see [`View::settings`]).
            pub fn settings(&self, derived: &Derived) -> String {
                match self {
                    $(Pane::$name(v) => v.settings(derived)),*
                }
            }

            /// Take settings written by [`Pane::settings`].
            pub fn apply_settings(&mut self, settings: &str, derived: &Derived) {
                match self {
                    $(Pane::$name(v) => v.apply_settings(settings, derived)),*
                }
            }

            /// The view reduced to its kind, to save.
            pub fn kind(&self, derived: &Derived) -> PaneKind {
                match self {
                    $(Pane::$name(v) => views!(@kind $name v derived $($param)?)),*
                }
            }

            /// A fresh view of a saved kind; `None` when this cohort lacks what it shows.
            pub fn restore(kind: &PaneKind, derived: &Derived) -> Option<Pane> {
                match kind {
                    $(views!(@pattern $name saved $($param)?) =>
                        <$view as View>::restore(views!(@saved saved $($param)?), derived).map(Pane::$name)),*
                }
            }

            /// Every registered view's default instances, in registration order.
            fn defaults(derived: &Derived) -> Vec<(Slot, Pane)> {
                let mut out = Vec::new();
                $(out.extend(<$view as View>::defaults(derived).into_iter().map(|(slot, v)| (slot, Pane::$name(v))));)*
                out
            }
        }
    };
    (@kind $name:ident $v:ident $d:ident) => {{ let _ = ($v, $d); PaneKind::$name }};
    (@kind $name:ident $v:ident $d:ident $param:ident) => { PaneKind::$name($v.saved($d).unwrap_or_default()) };
    (@pattern $name:ident $s:ident) => { PaneKind::$name };
    (@pattern $name:ident $s:ident $param:ident) => { PaneKind::$name($s) };
    (@saved $s:ident) => { None };
    (@saved $s:ident $param:ident) => { Some($s.as_str()) };
}

views! {
    Ordination: ordination::OrdinationView,
    Composition: composition::CompositionView,
    Scatter: scatter::ScatterView,
    Distribution: distribution::DistributionView,
    Survival: survival::SurvivalView => String,
    Taxa: taxa::TaxaView,
    Trajectory: trajectories::TrajectoryView => String,
    Table: cohort_table::CohortTableView,
    Profile: subject_profile::SubjectProfileView,
    Quality: quality::QualityView,
}

/// The default screen: the [`Slot::Left`] views stacked on the left (the headline
/// trajectories), [`Slot::RightTop`] tabs above [`Slot::Bottom`] tabs on the right.
pub fn default_tree(derived: &Derived) -> Tree<Pane> {
    let mut tiles = Tiles::default();
    let (mut left, mut right_top, mut bottom) = (Vec::new(), Vec::new(), Vec::new());
    for (slot, pane) in Pane::defaults(derived) {
        let id = tiles.insert_pane(pane);
        match slot {
            Slot::Left => left.push(id),
            Slot::RightTop => right_top.push(id),
            Slot::Bottom => bottom.push(id),
        }
    }
    let left: TileId = tiles.insert_vertical_tile(left);
    let right_top = tiles.insert_tab_tile(right_top);
    let bottom = tiles.insert_tab_tile(bottom);
    let right = tiles.insert_vertical_tile(vec![right_top, bottom]);
    let root = tiles.insert_horizontal_tile(vec![left, right]);
    Tree::new(egui::Id::unique("explorer"), root, tiles)
}
