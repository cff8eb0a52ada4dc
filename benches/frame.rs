//! The window's first screen and its frames on a cohort folder (default: the 10,000-subject demo
//! that `benches/scale.sh` writes), headless (egui_kittest, no GPU), in one run:
//!
//!   cargo bench --bench frame -- [FOLDER]
//!
//! 1. Time to the first screen (load, derive, check, the clinical views' geometry, one frame)
//!    of the embedded demo and of the folder, beside the CLI's load of the same folder
//!    (`data::load_paths`). Issue 14's target: folder − demo ≤ 2 × the CLI's load. Window
//!    start-up is the same for both and cancels out.
//! 2. Time until the ordination, built after the first screen, is drawn.
//! 3. Frame time with every view brought to the front in turn: 40 frames each while the
//!    pointer sweeps across the window (hovering lines, points and rows); median and worst of
//!    the CPU time the window's thread spent on each frame (`CLOCK_THREAD_CPUTIME_ID`, which
//!    time spent waiting for a core on a busy shared machine does not inflate), and the wall
//!    time beside it.

mod common;

use std::time::{Duration, Instant};

use cohort_explorer::app::CohortApp;
use cohort_explorer::data::{LoadOptions, load_paths};
use cohort_explorer::pipeline::Source;
use eframe::egui;
use egui_kittest::Harness;

/// The app on `source` after its first drawn frame, and the time that took.
fn first_screen(source: Source) -> (Harness<'static, CohortApp>, Duration) {
    let started = Instant::now();
    let mut app = CohortApp::new(&egui::Context::default(), source, LoadOptions::default());
    app.wait_for_first_screen();
    let mut harness = Harness::builder()
        .with_context_setup(cohort_explorer::app::install_fonts)
        .with_size(egui::Vec2::new(1600.0, 1000.0))
        .build_ui_state(|ui, app: &mut CohortApp| app.ui(ui), app);
    harness.step();
    (harness, started.elapsed())
}

fn main() {
    let Some(folder) = common::cohort_folder() else {
        return;
    };
    let started = Instant::now();
    load_paths(std::slice::from_ref(&folder), &LoadOptions::default()).expect("the cohort loads");
    let cli_load = started.elapsed();
    let (_, demo) = first_screen(Source::Demo);
    let (mut harness, cohort) = first_screen(Source::Paths(vec![folder]));
    let shown = Instant::now();
    let extra = cohort.saturating_sub(demo);
    println!(
        "first screen: demo {demo:.2?}, cohort {cohort:.2?} (+{extra:.2?}); CLI load {cli_load:.2?}; \
         target +{:.2?}: {}",
        cli_load * 2,
        if extra <= cli_load * 2 { "met" } else { "NOT met" }
    );
    while harness.state().is_ordinating() {
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    harness.step();
    println!("ordination drawn {:.2?} after the first screen", shown.elapsed());
    let explorer = harness.state().explorer.as_ref().expect("loaded");
    println!(
        "{} subjects, {} visits, {} samples in the ordination",
        explorer.derived.subjects.len(),
        explorer.cohort.num_visits(),
        explorer.derived.ordination.len()
    );
    let panes: Vec<(egui_tiles::TileId, String)> = explorer
        .tree
        .tiles
        .iter()
        .filter_map(|(id, t)| match t {
            egui_tiles::Tile::Pane(p) => Some((*id, format!("{:?}", p.kind(&explorer.base())))),
            egui_tiles::Tile::Container(_) => None,
        })
        .collect();
    let (mut worst_of_all, mut worst_wall) = (0.0f64, 0.0f64);
    for (id, name) in panes {
        if let Some(e) = harness.state_mut().explorer.as_mut() {
            e.tree.make_active(|tile, _| tile == id);
        }
        // Warm-up frames (layout, first tessellation, table sort, the view's caches).
        harness.run_steps(5);
        let (mut cpu, mut wall) = (Vec::new(), Vec::new());
        for i in 0..40 {
            let t = i as f32 / 40.0;
            harness.hover_at(egui::pos2(300.0 + 1200.0 * t, 150.0 + 700.0 * (t * 7.0).fract()));
            let (start, start_cpu) = (Instant::now(), cpu_time::ThreadTime::now());
            harness.step();
            wall.push(start.elapsed().as_secs_f64() * 1000.0);
            cpu.push(start_cpu.elapsed().as_secs_f64() * 1000.0);
        }
        cpu.sort_by(f64::total_cmp);
        wall.sort_by(f64::total_cmp);
        let worst = cpu[cpu.len() - 1];
        worst_of_all = worst_of_all.max(worst);
        worst_wall = worst_wall.max(wall[wall.len() - 1]);
        println!(
            "  {name:<24} CPU per frame: median {:5.1} ms, worst {worst:5.1} ms (wall: median {:5.1}, worst {:5.1})",
            cpu[cpu.len() / 2],
            wall[wall.len() / 2],
            wall[wall.len() - 1]
        );
    }
    println!(
        "worst frame's CPU time over every view: {worst_of_all:.1} ms (target ≤ 16 ms); worst wall time {worst_wall:.1} ms"
    );
}
