//! The explorer in a headless harness (egui_kittest) for the GUI tests: the real app, loaded.

use cohort_explorer::app::CohortApp;
use cohort_explorer::app::explorer::Explorer;
use cohort_explorer::data::LoadOptions;
use cohort_explorer::pipeline::Source;
use eframe::egui;
use egui_kittest::Harness;

/// Paths to open, or the embedded demo.
pub fn source(paths: Option<Vec<std::path::PathBuf>>) -> Source {
    paths.map_or(Source::Demo, Source::Paths)
}

pub fn harness(paths: Option<Vec<std::path::PathBuf>>) -> Harness<'static, CohortApp> {
    let mut app = CohortApp::new(&egui::Context::default(), source(paths), LoadOptions::default());
    app.wait_until_loaded();
    assert!(app.notifications.is_empty(), "{:?}", app.notifications);
    let mut harness = Harness::builder()
        .with_context_setup(cohort_explorer::app::install_fonts)
        .with_size(egui::Vec2::new(1500.0, 950.0))
        .build_ui_state(|ui, app: &mut CohortApp| app.ui(ui), app);
    harness.run_steps(3);
    harness
}

pub fn explorer<'h>(h: &'h Harness<'_, CohortApp>) -> &'h Explorer {
    h.state().explorer.as_ref().expect("explorer")
}

/// The tile of the first view that `wanted` picks.
pub fn tile_of(
    e: &Explorer,
    wanted: impl Fn(&cohort_explorer::app::explorer::Pane) -> bool,
) -> Option<egui_tiles::TileId> {
    e.tree.tiles.iter().find_map(|(id, t)| match t {
        egui_tiles::Tile::Pane(p) if wanted(p) => Some(*id),
        _ => None,
    })
}

pub fn subject_index(e: &Explorer, id: &str) -> usize {
    e.derived.subjects.iter().position(|s| s.id == id).expect("subject")
}

/// A patient with visits and microbiome samples, to hover.
pub fn sampled_patient(e: &Explorer) -> usize {
    e.derived
        .subjects
        .iter()
        .position(|s| s.num_samples >= 2 && s.slope.is_some())
        .expect("a sampled patient")
}

/// eframe storage in memory, as the native app's file would hold it.
#[derive(Default)]
pub struct MemoryStorage(std::collections::HashMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}
