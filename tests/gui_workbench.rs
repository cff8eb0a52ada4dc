//! The workbench in the window, driven headlessly: the saved layout, findings linked to the
//! views, and rules files.

mod common;

use cohort_explorer::app::CohortApp;
use cohort_explorer::app::explorer::{Explorer, Pane};
use cohort_explorer::data::LoadOptions;
use cohort_explorer::pipeline::Source;
use common::gui::{MemoryStorage, explorer, harness, subject_index};
use eframe::egui;
use egui_kittest::kittest::Queryable;

fn pane_kinds(e: &Explorer) -> Vec<String> {
    let mut kinds: Vec<String> = e
        .panes()
        .map(|p| match p {
            Pane::Trajectory(v) => format!("trajectory {}", e.derived.measures[v.measure].column),
            other => format!("{other:?}").split('(').next().unwrap_or_default().to_owned(),
        })
        .collect();
    kinds.sort();
    kinds
}

#[test]
fn the_layout_is_saved_and_reopened_with_the_settings() {
    let mut h = harness(None);
    // Close the scatter view and the weight trajectory, as a user closing tabs would.
    {
        let e = h.state_mut().explorer.as_mut().unwrap();
        let doomed: Vec<_> = e
            .tree
            .tiles
            .iter()
            .filter(|(_, t)| match t {
                egui_tiles::Tile::Pane(Pane::Scatter(_)) => true,
                egui_tiles::Tile::Pane(Pane::Trajectory(v)) => v.measure == 2,
                _ => false,
            })
            .map(|(id, _)| *id)
            .collect();
        assert_eq!(doomed.len(), 2);
        for id in doomed {
            e.tree.remove_recursively(id);
        }
    }
    h.run_steps(2);
    let before = pane_kinds(explorer(&h));
    assert!(!before.iter().any(|k| k == "Scatter"));
    let mut storage = MemoryStorage::default();
    eframe::App::save(h.state_mut(), &mut storage);
    drop(h);

    let mut app = CohortApp::new(&egui::Context::default(), Source::Demo, LoadOptions::default());
    app.settings = eframe::get_value(&storage, "cohort-explorer-settings").expect("settings saved");
    app.wait_until_loaded();
    let e = app.explorer.as_ref().unwrap();
    assert_eq!(pane_kinds(e), before);

    // A damaged layout (a child that does not exist) opens on the default screen instead.
    let mut app = CohortApp::new(&egui::Context::default(), Source::Demo, LoadOptions::default());
    let mut settings: cohort_explorer::app::Settings =
        eframe::get_value(&storage, "cohort-explorer-settings").expect("settings saved");
    let layout = settings.layout.as_mut().unwrap();
    let root = layout.root;
    layout.tiles.remove(root);
    app.settings = settings;
    app.wait_until_loaded();
    assert!(
        pane_kinds(app.explorer.as_ref().unwrap())
            .iter()
            .any(|k| k == "Scatter")
    );
}

#[test]
fn clicking_a_finding_selects_its_subject_and_marks_it_in_the_profile() {
    let (dir, demo) = common::write_messy_demo(60);
    let mut h = harness(Some(vec![dir.path().to_path_buf()]));
    let (e, w, i) = explorer(&h).derived.findings.counts;
    assert!(e > 0 && w > 0);
    h.get_by_label_contains("Data quality (").click();
    h.run_steps(3);
    // Only errors, only the item-range rule: one finding, at the planted subject.
    h.get_by_label(&format!("{w} warnings")).click();
    h.get_by_label(&format!("{i} info")).click();
    h.run_steps(2);
    let planted = demo
        .planted
        .iter()
        .find(|p| p.rule == "range.alsfrs-item")
        .expect("planted");
    let subject = planted.subject.clone().expect("subject");
    {
        let e = h.state_mut().explorer.as_mut().expect("explorer");
        for (_, tile) in e.tree.tiles.iter_mut() {
            if let egui_tiles::Tile::Pane(Pane::Quality(v)) = tile {
                v.rule = Some("range.alsfrs-item".to_owned());
            }
        }
    }
    h.run_steps(3);
    let rows = explorer(&h)
        .panes()
        .find_map(|p| {
            if let Pane::Quality(v) = p {
                Some(v.last_rows.clone())
            } else {
                None
            }
        })
        .expect("quality view");
    assert_eq!(rows.len(), 1, "{rows:?}");
    let k = rows[0];
    assert_eq!(
        explorer(&h).derived.findings.all[k].subject.as_deref(),
        Some(subject.as_str())
    );
    // The row names the finding; clicking it (its severity cell) selects the subject everywhere.
    assert_eq!(h.get_all_by_label_contains("ALSFRS-R item 5 is outside").count(), 2);
    h.get_by_label("error").click();
    h.run_steps(4);
    let e = explorer(&h);
    let s = subject_index(e, &subject);
    assert_eq!(e.state.selection.selected.iter().copied().collect::<Vec<_>>(), [s]);
    assert_eq!(e.state.focused_finding, Some(k));
    // The profile opened on it with the finding marked, and trajectories ring that visit.
    let profile = e
        .panes()
        .find_map(|p| {
            if let Pane::Profile(v) = p {
                Some(v.clone())
            } else {
                None
            }
        })
        .expect("profile");
    assert_eq!(profile.last_subject, Some(s));
    assert_eq!(profile.last_focused, Some(k));
    let marked = e.panes().any(|p| match p {
        Pane::Trajectory(v) => v.last_markers.iter().any(|(f, _)| *f == k),
        _ => false,
    });
    assert!(marked, "the finding's visit is ringed on a trajectory");
}

#[test]
fn a_rules_file_rechecks_the_open_cohort() {
    let (dir, _demo) = common::write_messy_demo(60);
    let ctx = egui::Context::default();
    let mut app = CohortApp::new(
        &ctx,
        Source::Paths(vec![dir.path().to_path_buf()]),
        LoadOptions::default(),
    );
    app.wait_until_loaded();
    let count = |app: &CohortApp, rule: &str| {
        let f = &app.explorer.as_ref().expect("explorer").derived.findings;
        f.all.iter().filter(|x| x.rule == rule).count()
    };
    assert!(count(&app, "range.alsfrs-item") > 0);
    let rules = dir.path().join("strict.toml");
    std::fs::write(&rules, "[severity]\n\"range.alsfrs-item\" = \"off\"\n").expect("write rules");
    app.use_rules_file(&ctx, &rules);
    app.wait_until_checked();
    assert_eq!(count(&app, "range.alsfrs-item"), 0);
    let f = &app.explorer.as_ref().expect("explorer").derived.findings;
    assert_eq!(f.rules_file.as_deref(), Some(rules.display().to_string().as_str()));
    // A broken rules file is refused with a notification naming it; the rules stay.
    std::fs::write(&rules, "[severity\n").expect("write rules");
    app.use_rules_file(&ctx, &rules);
    assert!(
        app.notifications.last().is_some_and(|n| n.contains("strict.toml")),
        "{:?}",
        app.notifications
    );
    assert_eq!(count(&app, "range.alsfrs-item"), 0);
}

/// The rows of the Data quality view shown in the last frame.
fn quality_rows(e: &Explorer) -> Vec<usize> {
    e.panes()
        .find_map(|p| match p {
            Pane::Quality(v) => Some(v.last_rows.clone()),
            _ => None,
        })
        .expect("quality view")
}

/// Only the findings of `rule` in the Data quality view.
fn only_rule(h: &mut egui_kittest::Harness<'_, CohortApp>, rule: &str) {
    let e = h.state_mut().explorer.as_mut().expect("explorer");
    for (_, tile) in e.tree.tiles.iter_mut() {
        if let egui_tiles::Tile::Pane(Pane::Quality(v)) = tile {
            v.rule = Some(rule.to_owned());
        }
    }
}

#[test]
fn a_finding_marked_accepted_stays_accepted_in_a_shuffled_reexport() {
    use cohort_explorer::quality::review::{SIDECAR, Status};
    let (dir, _demo) = common::write_messy_demo(60);
    let mut h = harness(Some(vec![dir.path().to_path_buf()]));
    h.get_by_label_contains("Data quality (").click();
    h.run_steps(3);
    only_rule(&mut h, "range.alsfrs-item");
    h.run_steps(3);
    let rows = quality_rows(explorer(&h));
    assert_eq!(rows.len(), 1, "{rows:?}");
    let k = rows[0];
    let finding = explorer(&h).derived.findings.all[k].clone();
    assert_eq!(explorer(&h).state.review.status(k), Status::Open);
    // Tick it, write a note and mark it accepted, as a coordinator would.
    h.get_by_label("Tick all shown").click();
    h.run_steps(2);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Note:")
        .click();
    h.run_steps(1);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Note:")
        .type_text("confirmed on the CRF");
    h.run_steps(2);
    h.get_by_label("accepted as is").click();
    h.run_steps(3);
    let e = explorer(&h);
    assert_eq!(e.state.review.status(k), Status::Accepted);
    assert_eq!(e.state.review.counts.accepted, 1);
    let sidecar = dir.path().join(SIDECAR);
    let saved = std::fs::read_to_string(&sidecar).expect("the review is kept next to the data");
    assert!(
        saved.contains("\"status\": \"accepted\"") && saved.contains("confirmed on the CRF"),
        "{saved}"
    );
    drop(h);

    // The next export of the same data: visit rows in reverse order, CRLF line ends.
    let visits = dir.path().join("visits.csv");
    let bytes = std::fs::read(&visits).expect("visits");
    let mut lines: Vec<&[u8]> = bytes
        .split(|b| *b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.is_empty())
        .collect();
    lines[1..].reverse();
    std::fs::write(&visits, lines.join(&b"\r\n"[..])).expect("re-export");

    let mut h = harness(Some(vec![dir.path().to_path_buf()]));
    h.get_by_label_contains("Data quality (").click();
    only_rule(&mut h, "range.alsfrs-item");
    h.run_steps(3);
    let e = explorer(&h);
    let k = quality_rows(e)[0];
    let again = &e.derived.findings.all[k];
    assert_ne!(again.row, finding.row, "the finding moved to another line");
    // The sidecar beside the data is not taken for a file the loader could not read.
    assert!(
        !e.derived.findings.all.iter().any(|f| f.rule.starts_with("load.")),
        "{:?}",
        e.derived
            .findings
            .all
            .iter()
            .filter(|f| f.rule.starts_with("load."))
            .collect::<Vec<_>>()
    );
    assert_eq!(again.subject, finding.subject);
    assert_eq!(e.state.review.status(k), Status::Accepted);
    assert_eq!(
        e.state.review.review.entry(again).map(|r| r.note.as_str()),
        Some("confirmed on the CRF")
    );
    // The status column says so.
    assert!(h.get_all_by_label("accepted as is").count() >= 2);
}

#[test]
fn compare_with_an_earlier_freeze_marks_the_changed_value_in_the_table_profile_and_trajectories() {
    use cohort_explorer::app::state::{AppCommand, Command, Item};
    use cohort_explorer::demo::{DemoOptions, generate, write};
    let dir = tempfile::tempdir().expect("temp dir");
    let (old, new) = (dir.path().join("october"), dir.path().join("november"));
    let demo = generate(&DemoOptions {
        subjects: 60,
        ..DemoOptions::default()
    });
    write(&demo, &old).expect("old freeze");
    write(&demo, &new).expect("new freeze");
    // November corrects one weight: the third visit row's.
    let visits = std::fs::read_to_string(new.join("visits.csv")).expect("visits");
    let mut lines: Vec<String> = visits.lines().map(str::to_owned).collect();
    let weight = lines[0]
        .split(',')
        .position(|h| h == "weight_kg")
        .expect("weight column");
    let mut cells: Vec<String> = lines[3].split(',').map(str::to_owned).collect();
    let subject = cells[0].clone();
    let before: f64 = cells[weight].parse().expect("a weight");
    cells[weight] = format!("{:.1}", before + 4.0);
    lines[3] = cells.join(",");
    std::fs::write(new.join("visits.csv"), lines.join("\n") + "\n").expect("edit");

    let mut h = harness(Some(vec![new.clone()]));
    let ctx = h.ctx.clone();
    h.state_mut()
        .apply(&ctx, AppCommand::CompareWith(Source::Paths(vec![old])));
    h.state_mut().wait_until_compared();
    h.run_steps(3);
    let e = explorer(&h);
    let compare = e.compare.clone().expect("compared");
    assert_eq!(compare.num_subjects(), 1, "{:?}", compare.diff);
    let s = subject_index(e, &subject);
    assert!(compare.changed(s, &["weight_kg"]));
    assert!(
        compare.lines(s).iter().any(|l| l.contains("weight_kg")),
        "{:?}",
        compare.lines(s)
    );
    // The Cohort table marks the subject's row.
    assert_eq!(h.get_all_by_label(&format!("Δ {subject}")).count(), 1);
    // Selected, its profile lists the change, and the weight trajectory rings the visit.
    h.state_mut()
        .explorer
        .as_mut()
        .expect("explorer")
        .apply(vec![Command::Select(Item::Subject(s))]);
    h.get_by_label("Subject profile").click();
    h.run_steps(4);
    assert!(h.get_all_by_label_contains("Changed since").count() >= 1);
    let ringed = explorer(&h).panes().any(|p| match p {
        Pane::Trajectory(v) => !v.last_changed.is_empty(),
        _ => false,
    });
    assert!(ringed, "the changed visit is ringed on a trajectory");
    // And the marks go when the comparison stops.
    h.state_mut().apply(&ctx, AppCommand::StopComparing);
    h.run_steps(2);
    assert!(explorer(&h).compare.is_none());
    assert_eq!(h.query_all_by_label(&format!("Δ {subject}")).count(), 0);
}

#[test]
fn queries_written_from_the_window_mark_findings_sent_and_answers_resolve_them() {
    use cohort_explorer::app::state::AppCommand;
    use cohort_explorer::quality::review::Status;
    let (dir, _demo) = common::write_messy_demo(60);
    let mut h = harness(Some(vec![dir.path().to_path_buf()]));
    let ctx = h.ctx.clone();
    let out = tempfile::tempdir().expect("temp dir");
    h.state_mut()
        .apply(&ctx, AppCommand::WriteQueries(out.path().to_path_buf()));
    h.run_steps(2);
    let e = explorer(&h);
    let all = &e.derived.findings.all;
    // Every error and warning was asked; notes (info) were not.
    for (k, f) in all.iter().enumerate() {
        let expected = if f.severity >= cohort_explorer::model::Severity::Warning {
            Status::QuerySent
        } else {
            Status::Open
        };
        assert_eq!(e.state.review.status(k), expected, "{f:?}");
    }
    let milan = out.path().join("queries-Milan.csv");
    let sheet = std::fs::read_to_string(&milan).expect("Milan's sheet");
    assert!(out.path().join("queries-Milan.html").exists());
    // Milan answers every question: right as it is.
    let answered: Vec<String> = sheet
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.to_owned()
            } else {
                format!("{},as entered,correct as is", &l[..l.len() - 2])
            }
        })
        .collect();
    std::fs::write(&milan, answered.join("\r\n")).expect("answers");
    h.state_mut().apply(&ctx, AppCommand::ReadAnswers(vec![milan]));
    h.run_steps(2);
    let app = h.state();
    assert!(
        app.notifications.iter().any(|n| n.contains("accepted as is")),
        "{:?}",
        app.notifications
    );
    let e = explorer(&h);
    let accepted: Vec<&cohort_explorer::model::Finding> = e
        .derived
        .findings
        .all
        .iter()
        .enumerate()
        .filter(|(k, _)| e.state.review.status(*k) == Status::Accepted)
        .map(|(_, f)| f)
        .collect();
    assert_eq!(accepted.len(), sheet.lines().count() - 1);
    assert!(accepted.iter().all(|f| f.site.as_deref() == Some("Milan")));
}
