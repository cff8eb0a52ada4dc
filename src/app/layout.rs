//! The dock's arrangement, saved between runs: the same tile tree with each view reduced to
//! its kind (a trajectory by its measure's column), so a layout made on one cohort opens on
//! the next.

use eframe::egui;
use egui_tiles::{Container, Tile, TileId, Tiles, Tree};

use super::derived::Derived;
use super::views::Pane;
pub use super::views::PaneKind;

/// The tile tree with views reduced to their kinds.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Layout {
    pub root: TileId,
    pub tiles: Tiles<PaneKind>,
    /// Each view's settings beyond its kind (`View::settings`), by tile.
    #[serde(default)]
    pub settings: Vec<(TileId, String)>,
}

impl Layout {
    /// The arrangement of `tree`, or None when it is empty.
    pub fn of(tree: &Tree<Pane>, derived: &Derived) -> Option<Self> {
        let mut tiles = Tiles::default();
        let mut settings = Vec::new();
        for (id, tile) in tree.tiles.iter() {
            let tile = match tile {
                Tile::Pane(pane) => {
                    let s = pane.settings(derived);
                    if !s.is_empty() {
                        settings.push((*id, s));
                    }
                    Tile::Pane(pane.kind(derived))
                }
                Tile::Container(c) => Tile::Container(c.clone()),
            };
            tiles.insert(*id, tile);
        }
        Some(Self {
            root: tree.root()?,
            tiles,
            settings,
        })
    }

    /// The saved arrangement with fresh views, or None when it does not hold together (a child
    /// or the root missing, a cycle: a damaged settings file). Trajectories of measures this
    /// cohort lacks are left out.
    pub fn restore(&self, derived: &Derived) -> Option<Tree<Pane>> {
        if !self.is_tree() {
            return None;
        }
        let mut tiles = Tiles::default();
        let mut missing = Vec::new();
        for (id, tile) in self.tiles.iter() {
            let tile = match tile {
                Tile::Container(c) => Tile::Container(c.clone()),
                Tile::Pane(kind) => {
                    if let Some(mut p) = Pane::restore(kind, derived) {
                        if let Some((_, s)) = self.settings.iter().find(|(t, _)| t == id) {
                            p.apply_settings(s, derived);
                        }
                        Tile::Pane(p)
                    } else {
                        // A placeholder, removed below with its parent's link to it.
                        missing.push(*id);
                        Tile::Container(Container::new_tabs(Vec::new()))
                    }
                }
            };
            tiles.insert(*id, tile);
        }
        tiles.recompute_next_tile_id();
        let mut tree = Tree::new(egui::Id::unique("explorer"), self.root, tiles);
        for id in missing {
            tree.remove_recursively(id);
        }
        tree.tiles.get(self.root).is_some().then_some(tree)
    }

    /// The first view of the same kind as `like` in this layout, with its settings (for a
    /// figure drawn from a session).
    pub fn pane_like(&self, like: &Pane, derived: &Derived) -> Option<Pane> {
        let wanted = std::mem::discriminant(&like.kind(derived));
        // Tiles are a hash map: the lowest id (the first made) is the first view.
        let mut tiles: Vec<(&TileId, &Tile<PaneKind>)> = self.tiles.iter().collect();
        tiles.sort_by_key(|(id, _)| id.0);
        tiles.into_iter().find_map(|(id, tile)| match tile {
            Tile::Pane(kind) if std::mem::discriminant(kind) == wanted => {
                let mut pane = Pane::restore(kind, derived)?;
                if let Some((_, s)) = self.settings.iter().find(|(t, _)| t == id) {
                    pane.apply_settings(s, derived);
                }
                Some(pane)
            }
            _ => None,
        })
    }

    /// True when every tile reachable from the root exists and is reached once (no cycles, no
    /// shared children), as in any tree egui_tiles made.
    fn is_tree(&self) -> bool {
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![self.root];
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                return false;
            }
            match self.tiles.get(id) {
                None => return false,
                Some(Tile::Container(c)) => stack.extend(c.children().copied()),
                Some(Tile::Pane(_)) => {}
            }
        }
        true
    }
}
