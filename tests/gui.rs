//! The explorer driven headlessly with egui_kittest: real app state, real clicks and hovers.

mod common;

use std::path::Path;

use cohort_explorer::app::CohortApp;
use cohort_explorer::app::explorer::Pane;
use cohort_explorer::app::state::{Highlight, XAxis};
use common::gui::{explorer, harness, sampled_patient, subject_index, tile_of};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

#[test]
fn hovering_a_table_row_highlights_the_subject_in_every_view() {
    let mut h = harness(None);
    let s = sampled_patient(explorer(&h));
    let id = explorer(&h).derived.subjects[s].id.clone();
    for pane in h.state_mut().explorer.as_mut().expect("explorer").tree.tiles.iter_mut() {
        if let (_, egui_tiles::Tile::Pane(Pane::Table(t))) = pane {
            t.search = id.clone();
        }
    }
    h.run_steps(2);
    h.get_by_label(&id).hover();
    h.run_steps(3);
    let e = explorer(&h);
    assert_eq!(e.state.selection.hovered_subject(), Some(s));
    assert_eq!(e.state.selection.highlight(s), Highlight::Hovered);
    let mut seen = (false, false);
    for pane in e.panes() {
        match pane {
            Pane::Ordination(o) => seen.0 = o.last_emphasised == vec![s],
            Pane::Trajectory(t) if t.measure == 0 => seen.1 = t.last_emphasised == vec![s],
            _ => {}
        }
    }
    assert_eq!(
        seen,
        (true, true),
        "ordination and ALSFRS-R trajectories emphasise the hovered subject"
    );
}

#[test]
fn hovering_a_trajectory_line_hovers_the_subject() {
    let mut h = harness(None);
    let s = sampled_patient(explorer(&h));
    let pos = explorer(&h)
        .panes()
        .find_map(|p| match p {
            Pane::Trajectory(t) if t.measure == 0 => {
                t.screen_position(&explorer(&h).derived, explorer(&h).state.x_axis, s)
            }
            _ => None,
        })
        .expect("a drawn point of the subject");
    h.hover_at(pos);
    h.run_steps(3);
    assert_eq!(explorer(&h).state.selection.hovered_subject(), Some(s));
}

#[test]
fn group_filter_applies_to_every_view() {
    let mut h = harness(None);
    let (control, total, controls) = {
        let e = explorer(&h);
        let g = e
            .derived
            .groups
            .iter()
            .position(|g| g == "control")
            .expect("control group");
        let n = e.derived.subjects.iter().filter(|s| s.group == g).count();
        (g, e.derived.subjects.len(), n)
    };
    h.get_by_label(&format!("control ({controls})")).click();
    h.run_steps(3);
    let e = explorer(&h);
    assert!(e.state.filters.hidden_groups.contains(&control));
    h.get_by_label(&format!("Showing {} of {total} subjects", total - controls));
    for pane in e.panes() {
        match pane {
            Pane::Table(t) => {
                assert_eq!(t.last_rows.len(), total - controls);
                assert!(t.last_rows.iter().all(|&s| e.derived.subjects[s].group != control));
            }
            Pane::Ordination(o) => assert!(
                o.last_emphasised
                    .iter()
                    .all(|&s| e.derived.subjects[s].group != control)
            ),
            // Drawn only when its tab is open; then no control curve.
            Pane::Survival(v) => assert!(v.last_curves.iter().all(|c| c.0 != "control")),
            Pane::Trajectory(_)
            | Pane::Scatter(_)
            | Pane::Composition(_)
            | Pane::Profile(_)
            | Pane::Distribution(_)
            // Taxon trends are fitted on the whole cohort (not refitted per filter).
            | Pane::Taxa(_)
            // Findings are listed whatever the filters: a coordinator needs all of them.
            | Pane::Quality(_) => {}
        }
    }
}

#[test]
fn clicking_selects_and_the_time_axis_switches() {
    let mut h = harness(None);
    let first = {
        let e = explorer(&h);
        let mut ids: Vec<&str> = e.derived.subjects.iter().map(|s| s.id.as_str()).collect();
        ids.sort_unstable();
        ids[0].to_owned()
    };
    h.get_by_label(&first).click();
    h.run_steps(3);
    let s = subject_index(explorer(&h), &first);
    assert!(explorer(&h).state.selection.selected.contains(&s));
    h.get_by_label("Subject profile").click();
    h.run_steps(3);
    let shown = explorer(&h).panes().find_map(|p| {
        if let Pane::Profile(v) = p {
            Some(v.last_subject)
        } else {
            None
        }
    });
    assert_eq!(shown, Some(Some(s)));
    h.get_by_label("Visit number").click();
    h.run_steps(2);
    assert_eq!(explorer(&h).state.x_axis, XAxis::VisitNumber);
}

#[test]
fn opening_a_file_uses_the_dialog_path() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/redcap_export.csv");
    let h = harness(Some(vec![file]));
    let e = explorer(&h);
    assert_eq!(e.cohort.num_subjects(), 2);
    assert_eq!(e.derived.subjects.len(), 2);
}

#[test]
fn box_select_in_scatter_selects_the_subjects_inside() {
    use cohort_explorer::app::view::ViewCtx;
    let mut h = harness(None);
    h.get_by_label("Scatter").click();
    h.run_steps(3);
    let (a, b, expected) = {
        let e = explorer(&h);
        let scatter = e
            .panes()
            .find_map(|p| if let Pane::Scatter(s) = p { Some(s) } else { None })
            .expect("scatter view");
        let mut commands = Vec::new();
        let ctx = ViewCtx::new(&e.derived, &e.state, &mut commands);
        let drawn: Vec<(usize, egui::Pos2)> = (0..e.derived.subjects.len())
            .filter_map(|s| Some((s, scatter.screen_position(&ctx, s)?)))
            .collect();
        assert!(drawn.len() > 20, "{} points drawn", drawn.len());
        // A box spanning two drawn points.
        let (p, q) = (drawn[3].1, drawn[drawn.len() / 2].1);
        let rect = egui::Rect::from_two_pos(p, q).expand(2.0);
        let expected: std::collections::BTreeSet<usize> = drawn
            .iter()
            .filter(|(_, pos)| rect.contains(*pos))
            .map(|(s, _)| *s)
            .collect();
        (rect.min, rect.max, expected)
    };
    assert!(expected.len() >= 2);
    let button = |pos, pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    h.event(egui::Event::PointerMoved(a));
    h.step();
    h.event(button(a, true));
    h.step();
    for t in [0.3, 0.6, 1.0] {
        h.event(egui::Event::PointerMoved(a + (b - a) * t));
        h.step();
    }
    h.event(button(b, false));
    h.run_steps(3);
    assert_eq!(explorer(&h).state.selection.selected, expected);
}

#[test]
fn sex_and_flag_filters_apply_to_the_table() {
    use cohort_explorer::app::state::{Command, Flag, apply};
    let mut h = harness(None);
    h.get_by_label("By sex").click();
    h.run_steps(2);
    h.get_by_role_and_label(egui::accesskit::Role::CheckBox, "female")
        .click();
    h.run_steps(3);
    let (men, with_samples_men) = {
        let e = explorer(&h);
        let men = e.derived.subjects.iter().filter(|s| s.sex != "female").count();
        let both = e
            .derived
            .subjects
            .iter()
            .filter(|s| s.sex != "female" && s.num_samples > 0)
            .count();
        (men, both)
    };
    let rows = |h: &Harness<'_, CohortApp>| {
        explorer(h).panes().find_map(|p| {
            if let Pane::Table(t) = p {
                Some(t.last_rows.len())
            } else {
                None
            }
        })
    };
    assert_eq!(rows(&h), Some(men));
    // Flags combine with the categories.
    let state = &mut h.state_mut().explorer.as_mut().expect("explorer").state;
    apply(state, vec![Command::SetFlag(Flag::HasMicrobiome, Some(true))]);
    h.run_steps(2);
    assert_eq!(rows(&h), Some(with_samples_men));
    assert!(with_samples_men < men);
}

#[test]
fn composition_shows_one_bar_per_visible_sample_faceted_by_group_in_subject_order() {
    let mut h = harness(None);
    h.get_by_label("Composition").click();
    h.run_steps(3);
    let bars = |h: &Harness<'_, CohortApp>| {
        explorer(h)
            .panes()
            .find_map(|p| {
                if let Pane::Composition(c) = p {
                    Some(c.last_bars.clone())
                } else {
                    None
                }
            })
            .expect("composition")
    };
    let all = bars(&h);
    assert_eq!(all.len(), explorer(&h).cohort.num_samples());
    // A facet per group in group order; within it, subjects are contiguous and in order.
    let e = explorer(&h);
    let keys: Vec<(usize, usize)> = all
        .iter()
        .map(|b| {
            let s = b.1.expect("every demo sample has a subject");
            (e.derived.subjects[s].group, s)
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(keys, sorted);
    // Facets are set apart by a wider gap than subjects.
    let gaps: Vec<f64> = all.windows(2).map(|w| w[1].0 - w[0].0).collect();
    assert_eq!(gaps.iter().filter(|g| **g > 3.5).count(), e.derived.groups.len() - 1);
    let controls = {
        let e = explorer(&h);
        e.derived
            .subjects
            .iter()
            .filter(|s| e.derived.groups[s.group] == "control")
            .map(|s| s.num_samples)
            .sum::<usize>()
    };
    let label = {
        let e = explorer(&h);
        let g = e.derived.groups.iter().position(|g| g == "control").expect("control");
        format!(
            "control ({})",
            e.derived.subjects.iter().filter(|s| s.group == g).count()
        )
    };
    h.get_by_label(&label).click();
    h.run_steps(3);
    assert_eq!(bars(&h).len(), all.len() - controls);
}

#[test]
fn distribution_draws_a_box_per_visible_group() {
    let mut h = harness(None);
    h.get_by_label("Distribution").click();
    h.run_steps(3);
    let boxes = |h: &Harness<'_, CohortApp>| {
        explorer(h)
            .panes()
            .find_map(|p| {
                if let Pane::Distribution(d) = p {
                    Some(d.last_boxes.clone())
                } else {
                    None
                }
            })
            .expect("distribution")
    };
    // Default metric is the ALSFRS-R slope: controls have none, so one box per patient arm.
    let e = explorer(&h);
    let arms = e.derived.groups.iter().filter(|g| *g != "control").count();
    let drawn = boxes(&h);
    assert_eq!(drawn.len(), arms);
    assert!(drawn.iter().all(|(_, n, median)| *n > 5 && *median < 0.0));
}

fn button(pos: egui::Pos2, pressed: bool) -> egui::Event {
    egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    }
}

#[test]
fn lasso_in_ordination_selects_the_subjects_inside() {
    use cohort_explorer::app::widgets::select::{Tool, contains};
    let mut h = harness(None);
    for (_, tile) in h.state_mut().explorer.as_mut().expect("explorer").tree.tiles.iter_mut() {
        if let egui_tiles::Tile::Pane(Pane::Ordination(o)) = tile {
            o.select.tool = Tool::Lasso;
        }
    }
    h.run_steps(3);
    let (lasso, expected) = {
        let e = explorer(&h);
        let o = e
            .panes()
            .find_map(|p| if let Pane::Ordination(o) = p { Some(o) } else { None })
            .expect("ordination view");
        let drawn: Vec<(usize, egui::Pos2)> = e
            .derived
            .ordination
            .iter()
            .filter_map(|p| Some((p.subject?, o.screen_position(p)?)))
            .collect();
        assert!(drawn.len() > 20, "{} samples drawn", drawn.len());
        // A concave lasso (a "V") around the middle of the cloud.
        let mid = drawn.iter().fold(egui::Vec2::ZERO, |a, (_, p)| a + p.to_vec2()) / drawn.len() as f32;
        let c = mid.to_pos2();
        let lasso: Vec<egui::Pos2> = [(-60.0, -50.0), (0.0, 10.0), (60.0, -50.0), (0.0, 60.0)]
            .iter()
            .map(|(dx, dy)| c + egui::vec2(*dx, *dy))
            .collect();
        let poly: Vec<egui_plot::PlotPoint> = lasso.iter().map(|p| egui_plot::PlotPoint::new(p.x, p.y)).collect();
        let expected: std::collections::BTreeSet<usize> = drawn
            .iter()
            .filter(|(_, p)| contains(&poly, egui_plot::PlotPoint::new(p.x, p.y)))
            .map(|(s, _)| *s)
            .collect();
        (lasso, expected)
    };
    assert!(!expected.is_empty(), "the lasso encloses some samples");
    h.event(egui::Event::PointerMoved(lasso[0]));
    h.step();
    h.event(button(lasso[0], true));
    h.step();
    // Walk the outline in small steps, as a hand would.
    for w in lasso.windows(2) {
        for t in [0.25, 0.5, 0.75, 1.0] {
            h.event(egui::Event::PointerMoved(w[0] + (w[1] - w[0]) * t));
            h.step();
        }
    }
    h.event(button(lasso[3], false));
    h.run_steps(3);
    assert_eq!(explorer(&h).state.selection.selected, expected);
}

#[test]
fn a_selection_saved_as_a_named_cohort_becomes_the_grouping() {
    use cohort_explorer::app::state::{Command, NOT_IN_A_COHORT};
    let mut h = harness(None);
    let chosen: Vec<usize> = {
        let e = explorer(&h);
        (0..e.derived.subjects.len()).filter(|s| s % 3 == 0).collect()
    };
    h.state_mut()
        .explorer
        .as_mut()
        .expect("explorer")
        .apply(vec![Command::SelectSet(chosen.clone())]);
    h.run_steps(2);
    h.get(
        egui_kittest::kittest::by()
            .role(egui::accesskit::Role::TextInput)
            .predicate(|n| n.placeholder() == Some("name")),
    )
    .click();
    h.run_steps(2);
    h.get(
        egui_kittest::kittest::by()
            .role(egui::accesskit::Role::TextInput)
            .predicate(|n| n.placeholder() == Some("name")),
    )
    .type_text("every third");
    h.run_steps(2);
    h.get_by_label("Save selection").click();
    h.run_steps(2);
    assert_eq!(explorer(&h).state.cohorts.len(), 1);
    assert_eq!(explorer(&h).state.cohorts[0].name, "every third");
    h.get_by_label("Group by").click();
    h.run_steps(2);
    h.get_by_label("named cohorts").click();
    h.run_steps(3);
    let e = explorer(&h);
    assert_eq!(e.derived.groups, ["every third", NOT_IN_A_COHORT]);
    for (s, info) in e.derived.subjects.iter().enumerate() {
        assert_eq!(info.group, usize::from(s % 3 != 0), "subject {s}");
    }
    // The group means follow the new grouping.
    let alsfrs = &e.derived.measures[0];
    assert_eq!(alsfrs.means.len(), 2);
    assert!(alsfrs.means.iter().all(|m| m.points[0].len() >= 2));
    // And back to the arms.
    h.get_by_label("Group by").click();
    h.run_steps(2);
    h.get_by_label("arm").click();
    h.run_steps(2);
    assert!(!explorer(&h).derived.groups.iter().any(|g| g == NOT_IN_A_COHORT));
}

#[test]
fn the_mixed_model_fits_off_the_ui_thread_and_shows_group_slopes() {
    let mut h = harness(None);
    for (_, tile) in h.state_mut().explorer.as_mut().expect("explorer").tree.tiles.iter_mut() {
        if let egui_tiles::Tile::Pane(Pane::Trajectory(t)) = tile
            && t.measure == 0
        {
            t.show_mixed = true;
            t.show_ols = true;
        }
    }
    let fitted = |h: &Harness<'_, CohortApp>| {
        explorer(h).panes().find_map(|p| match p {
            Pane::Trajectory(t) if t.measure == 0 => t.mixed_fit().cloned(),
            _ => None,
        })
    };
    let mut fit = None;
    let t0 = std::time::Instant::now();
    for _ in 0..3000 {
        h.step();
        fit = fitted(&h);
        if fit.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    eprintln!("mixed model fitted in {:?}", t0.elapsed());
    let fit = fit.expect("the fit finished").expect("the fit succeeded");
    h.run_steps(2);
    // ALSFRS-R declines in every ALS arm of the demo cohort; controls have no ALSFRS-R and are
    // left out of the model rather than making it singular.
    let e = explorer(&h);
    let mut arms = 0;
    for (g, name) in e.derived.groups.iter().enumerate() {
        match (fit.predict_group(g, 0.0), fit.predict_group(g, 1.0)) {
            (Some(a), Some(b)) => {
                assert!(b - a < -0.3, "{name}: slope {}", b - a);
                h.get_by_label(&format!("{name} {:+.2}", b - a));
                arms += 1;
            }
            _ => assert_eq!(name, "control"),
        }
    }
    assert_eq!(arms, 4);
}

#[test]
fn the_date_axis_plots_visits_on_their_calendar_dates() {
    let mut h = harness(None);
    h.get_by_label("Date").click();
    h.run_steps(3);
    let e = explorer(&h);
    assert_eq!(e.state.x_axis, XAxis::Date);
    // The first ALSFRS-R point of a patient sits on the day of that visit (days since 1970).
    let s = sampled_patient(e);
    let id = &e.derived.subjects[s].id;
    let visits = e.cohort.visits();
    let ids = visits.column("subject_id").unwrap().str().unwrap();
    let dates = visits
        .column("date")
        .unwrap()
        .cast(&polars::prelude::DataType::Int32)
        .unwrap();
    let dates = dates.i32().unwrap();
    let mut first: Vec<i32> = (0..visits.height())
        .filter(|&i| ids.get(i) == Some(id.as_str()))
        .filter_map(|i| dates.get(i))
        .collect();
    first.sort_unstable();
    let m = e
        .derived
        .measures
        .iter()
        .find(|m| m.column == "alsfrs_r_total")
        .unwrap();
    let series = m.series.iter().find(|x| x.subject == s).unwrap();
    let x = &series.points[XAxis::Date.index()];
    assert!(!x.is_empty());
    assert!(x.iter().all(|p| first.contains(&(p.x as i32))), "{x:?} vs {first:?}");
    assert_eq!(x[0].x as i32, first[0]);
    // The shared range spans the study's calendar years, and the plot was drawn on it.
    let (lo, hi) = e.derived.x_range[XAxis::Date.index()];
    assert!(hi - lo > 365.0, "{lo}..{hi}");
    let traj = e
        .panes()
        .find_map(|p| match p {
            Pane::Trajectory(v) if e.derived.measures[v.measure].column == "alsfrs_r_total" => Some(v),
            _ => None,
        })
        .unwrap();
    assert!(traj.screen_position(&e.derived, e.state.x_axis, s).is_some());
    assert_eq!(XAxis::Date.format(x[0].x).len(), 10);
}

#[test]
fn the_figure_menu_copies_the_view_in_front_as_an_image_and_saves_it_as_a_file() {
    let mut h = harness(None);
    h.get_all_by_label("Figure")
        .next()
        .expect("a Figure menu on a tab bar")
        .click();
    h.run_steps(2);
    h.get_by_label("Copy as image").click();
    h.run_steps(1);
    let copied = h.output().platform_output.commands.iter().find_map(|c| match c {
        egui::OutputCommand::CopyImage(image) => Some(image.size),
        _ => None,
    });
    assert_eq!(copied, Some([1600, 1000]), "{:?}", h.state().notifications);
    // Saving goes through a file dialog; after it, the same figure is written where picked.
    let dir = tempfile::tempdir().expect("temp dir");
    let tile = tile_of(explorer(&h), |p| matches!(p, Pane::Distribution(_))).expect("a Distribution view");
    let path = dir.path().join("distribution.svg");
    let ctx = h.ctx.clone();
    h.state_mut()
        .save_figure(&ctx, tile, cohort_explorer::app::figure::Format::Svg, &path);
    let svg = std::fs::read_to_string(&path).expect("written");
    assert!(
        svg.contains(">ALSFRS-R slope (points/month) by group</text>"),
        "{}",
        &svg[..300.min(svg.len())]
    );
    assert!(h.state().notifications.is_empty(), "{:?}", h.state().notifications);
}

#[test]
fn switching_pseudonyms_on_replaces_every_id_and_keeps_each_subjects_pseudonym() {
    let mut h = harness(None);
    let originals: Vec<String> = explorer(&h).derived.subjects.iter().map(|s| s.id.clone()).collect();
    h.get_by_label("Pseudonyms").click();
    h.run_steps(2);
    h.get_by_label("Replace subject and sample IDs").click();
    h.run_steps(2);
    h.state_mut().wait_until_loaded();
    h.run_steps(3);
    assert!(h.state().pseudonymised());
    let first: Vec<String> = explorer(&h).derived.subjects.iter().map(|s| s.id.clone()).collect();
    assert_eq!(first.len(), originals.len());
    assert!(
        first.iter().all(|id| id.starts_with("S-") && !originals.contains(id)),
        "{first:?}"
    );
    let cohort = &explorer(&h).cohort;
    let samples = cohort.abundances().expect("demo abundances");
    assert!(samples.sample_ids.iter().all(|id| id.starts_with("X-")));
    // The menu says so, and a figure carries pseudonyms only.
    h.get_by_label("IDs pseudonymised");
    // Off and on again: the same pseudonyms (the key is kept).
    let ctx = h.ctx.clone();
    h.state_mut().set_pseudonyms(&ctx, false, false);
    h.state_mut().wait_until_loaded();
    assert_eq!(explorer(&h).derived.subjects[0].id, originals[0]);
    h.state_mut().set_pseudonyms(&ctx, true, false);
    h.state_mut().wait_until_loaded();
    let again: std::collections::HashSet<String> = explorer(&h).derived.subjects.iter().map(|s| s.id.clone()).collect();
    assert_eq!(again, first.into_iter().collect());
}
