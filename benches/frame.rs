//! Frame CPU time of the explorer with all views open, stepped headlessly (egui_kittest), on a
//! cohort folder (default: the 10,000-subject demo that `benches/scale.sh` writes).
//!
//!   cargo bench --bench frame -- [FOLDER]
//!
//! Prints the median and worst frame over 120 frames while the pointer sweeps across the
//! window (hovering lines, points and rows), after the load has finished.

mod common;

use std::time::Instant;

use cohort_explorer::app::CohortApp;
use cohort_explorer::data::LoadOptions;
use eframe::egui;
use egui_kittest::Harness;

fn main() {
    let Some(folder) = common::cohort_folder() else {
        return;
    };
    let started = Instant::now();
    let mut app = CohortApp::new(
        &egui::Context::default(),
        cohort_explorer::pipeline::Source::Paths(vec![folder.clone()]),
        LoadOptions::default(),
    );
    app.wait_until_loaded();
    eprintln!("loaded and derived in {:.2?}", started.elapsed());
    let mut harness = Harness::builder()
        .with_size(egui::Vec2::new(1600.0, 1000.0))
        .build_ui_state(|ui, app: &mut CohortApp| app.ui(ui), app);
    // Warm-up frames (layout, first tessellation, table sort).
    harness.run_steps(5);
    let mut times = Vec::new();
    for i in 0..120 {
        let t = i as f32 / 120.0;
        harness.hover_at(egui::pos2(300.0 + 1200.0 * t, 150.0 + 700.0 * (t * 7.0).fract()));
        let start = Instant::now();
        harness.step();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let subjects = harness
        .state()
        .explorer
        .as_ref()
        .map_or(0, |e| e.derived.subjects.len());
    println!(
        "{} subjects: median frame {:.1} ms, 90th percentile {:.1} ms, worst {:.1} ms (120 frames, all views open)",
        subjects,
        times[times.len() / 2],
        times[times.len() * 9 / 10],
        times[times.len() - 1]
    );
}
