//! Sessions and presentation mode, driven as a user would: save, reopen elsewhere, present.

mod common;

use std::path::{Path, PathBuf};

use cohort_explorer::app::CohortApp;
use cohort_explorer::app::explorer::Pane;
use cohort_explorer::app::state::{Flag, GroupBy, XAxis};
use cohort_explorer::data::LoadOptions;
use cohort_explorer::pipeline::Source;
use common::gui::{explorer, harness, subject_index, tile_of};
use eframe::egui;
use egui_kittest::kittest::Queryable;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sessions")
        .join(name)
}

/// A fresh app that opens `session` (the demo loads first, as when the window starts).
fn opened(session: &Path) -> CohortApp {
    let ctx = egui::Context::default();
    let mut app = CohortApp::new(&ctx, Source::Demo, LoadOptions::default());
    app.open_session(&ctx, session);
    app.wait_until_loaded();
    app
}

#[test]
fn a_version_1_session_opens_its_cohort_grouped_filtered_and_selected() {
    let app = opened(&fixture("v1.cohort.json"));
    assert!(app.notifications.is_empty(), "{:?}", app.notifications);
    let e = app.explorer.as_ref().expect("loaded");
    assert_eq!(e.state.group_by, GroupBy::Column("site".to_owned()));
    assert_eq!(e.state.x_axis, XAxis::MonthsSinceOnset);
    let milan = e
        .derived
        .groups
        .iter()
        .position(|g| g == "Milan")
        .expect("a Milan group");
    assert!(e.state.filters.hidden_groups.contains(&milan));
    assert!(
        e.state
            .filters
            .hidden
            .contains(&("sex".to_owned(), "female".to_owned()))
    );
    assert_eq!(e.state.filters.flags.get(&Flag::HasMicrobiome), Some(&true));
    assert_eq!(e.state.filters.min_baseline_alsfrs, 30.0);
    let selected: Vec<usize> = ["BJ-0001", "BJ-0004"].iter().map(|id| subject_index(e, id)).collect();
    assert_eq!(e.state.selection.selected.iter().copied().collect::<Vec<_>>(), selected);
    assert_eq!(e.state.cohorts.len(), 1);
    assert!(e.derived.measures.iter().any(|m| m.column == "weight_kg"));
    assert_eq!(app.slides.len(), 1);
    assert_eq!(app.slides[0].title, "Weight by site");
}

#[test]
fn a_saved_session_reopens_the_same_screen_from_another_folder() {
    let mut h = harness(None);
    // A screen worth keeping: grouped by sex, a filter, two selected, a view's settings, a slide.
    {
        let e = h.state_mut().explorer.as_mut().expect("explorer");
        e.state.group_by = GroupBy::Column("sex".to_owned());
        e.regroup().expect("sex groups");
        e.state.filters.min_baseline_alsfrs = 35.0;
        e.state.selection.selected = [3, 7].into_iter().collect();
        for (_, tile) in e.tree.tiles.iter_mut() {
            if let egui_tiles::Tile::Pane(Pane::Distribution(d)) = tile {
                d.metric = 3;
            }
        }
    }
    let tile = tile_of(explorer(&h), |p| matches!(p, Pane::Distribution(_))).expect("a Distribution view");
    h.state_mut().slides.clear();
    h.state_mut().add_slide(tile);
    h.run_steps(2);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("talk.cohort.json");
    h.state_mut().save_session(&path);
    assert!(h.state().notifications.is_empty(), "{:?}", h.state().notifications);
    let text = std::fs::read_to_string(&path).expect("written");
    assert!(
        text.contains("\"version\": 1") && text.contains("\"inputs\": \"demo\""),
        "{text}"
    );

    let app = opened(&path);
    assert!(app.notifications.is_empty(), "{:?}", app.notifications);
    let (before, after) = (explorer(&h), app.explorer.as_ref().expect("loaded"));
    assert_eq!(after.state.group_by, before.state.group_by);
    assert_eq!(after.derived.groups, before.derived.groups);
    assert_eq!(after.state.filters.min_baseline_alsfrs, 35.0);
    let ids = |e: &cohort_explorer::app::explorer::Explorer| -> Vec<String> {
        e.state
            .selection
            .selected
            .iter()
            .map(|s| e.derived.subjects[*s].id.clone())
            .collect()
    };
    assert_eq!(ids(after), ids(before));
    let metric = after.panes().find_map(|p| match p {
        Pane::Distribution(d) => Some(d.metric),
        _ => None,
    });
    assert_eq!(metric, Some(3), "the Distribution view's metric came back");
    assert_eq!(app.slides, h.state().slides);
}

#[test]
fn a_changed_or_missing_source_is_named_and_the_rest_opens() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("study");
    let demo = cohort_explorer::demo::generate(&cohort_explorer::demo::DemoOptions::default());
    cohort_explorer::demo::write(&demo, &data).expect("demo written");
    let ctx = egui::Context::default();
    let mut app = CohortApp::new(&ctx, Source::Paths(vec![data.clone()]), LoadOptions::default());
    app.wait_until_loaded();
    let path = dir.path().join("study.cohort.json");
    app.save_session(&path);
    assert!(
        std::fs::read_to_string(&path)
            .expect("saved")
            .contains("\"study/visits.csv\"")
    );
    // The taxonomy is gone and a visit changed.
    std::fs::remove_file(data.join("taxonomy.tsv")).expect("rm");
    let visits = std::fs::read_to_string(data.join("visits.csv")).expect("visits");
    std::fs::write(data.join("visits.csv"), visits.replacen(",35,", ",34,", 1)).expect("write");
    let app = opened(&path);
    let notes = app.notifications.join("\n");
    assert!(
        notes.contains("changed since the session was saved") && notes.contains("visits.csv"),
        "{notes}"
    );
    assert!(
        notes.contains("missing since the session was saved") && notes.contains("taxonomy.tsv"),
        "{notes}"
    );
    let e = app.explorer.as_ref().expect("the rest opened");
    assert_eq!(e.derived.subjects.len(), 120);
}

#[test]
fn a_damaged_or_newer_session_is_a_message_and_the_defaults_stay() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (text, says) in [
        (
            "{\"format\": \"cohort-explorer-session\", \"version\": 7}",
            "newer cohort-explorer",
        ),
        (
            "{\"format\": \"cohort-explorer-session\", \"version\": 1, \"inputs\": [1, 2]}",
            "damaged",
        ),
        ("not json at all", "damaged"),
    ] {
        let path = dir.path().join("bad.cohort.json");
        std::fs::write(&path, text).expect("write");
        let app = opened(&path);
        assert!(
            app.notifications.iter().any(|n| n.contains(says)),
            "{:?}",
            app.notifications
        );
        let e = app.explorer.as_ref().expect("the demo still opened");
        assert_eq!(e.state.group_by, GroupBy::Arm);
    }
}

#[test]
fn presenting_steps_through_the_demo_deck_and_puts_the_screen_back() {
    let mut h = harness(None);
    let slides = h.state().slides.len();
    assert!(slides >= 6, "the demo ships its deck: {slides}");
    let before = explorer(&h).state.group_by.clone();
    h.key_press(egui::Key::F11);
    h.run_steps(3);
    assert_eq!(h.state().presenting.as_ref().map(|p| p.slide), Some(0));
    assert_eq!(h.ctx.zoom_factor(), 1.5, "larger text and thicker lines");
    h.get_by_label(&h.state().slides[0].title.clone());
    assert_eq!(explorer(&h).state.group_by, GroupBy::Column("group".to_owned()));
    h.key_press(egui::Key::ArrowRight);
    h.run_steps(2);
    h.key_press(egui::Key::PageDown);
    h.run_steps(2);
    assert_eq!(h.state().presenting.as_ref().map(|p| p.slide), Some(2));
    assert!(
        matches!(h.state().presenting.as_ref().and_then(|p| p.pane.as_ref()), Some(Pane::Trajectory(t)) if t.show_mixed)
    );
    h.key_press(egui::Key::PageUp);
    h.run_steps(2);
    assert_eq!(h.state().presenting.as_ref().map(|p| p.slide), Some(1));
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(h.state().presenting.is_none());
    assert_eq!(explorer(&h).state.group_by, before);
    assert_eq!(h.ctx.zoom_factor(), 1.0);
}
