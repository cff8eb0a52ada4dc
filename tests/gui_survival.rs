//! The Survival view driven headlessly: its curves follow the grouping and the filters, a
//! hovered step hovers its subjects in every view, and the selection is drawn as its own curve.

mod common;

use cohort_explorer::app::explorer::Pane;
use cohort_explorer::app::state::{Command, Highlight};
use cohort_explorer::app::views::survival::{Compare, REST, SELECTION, SurvivalView};
use cohort_explorer::cohort::{Endpoint, Origin};
use common::gui::{explorer, harness};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn survival<'a>(h: &'a Harness<'_, cohort_explorer::app::CohortApp>) -> &'a SurvivalView {
    explorer(h)
        .panes()
        .find_map(|p| if let Pane::Survival(s) = p { Some(s) } else { None })
        .expect("a survival view")
}

fn survival_mut<'a>(h: &'a mut Harness<'_, cohort_explorer::app::CohortApp>) -> &'a mut SurvivalView {
    let e = h.state_mut().explorer.as_mut().expect("explorer");
    e.tree
        .tiles
        .iter_mut()
        .find_map(|(_, t)| match t {
            egui_tiles::Tile::Pane(Pane::Survival(s)) => Some(s),
            _ => None,
        })
        .expect("a survival view")
}

fn open_survival(h: &mut Harness<'_, cohort_explorer::app::CohortApp>) {
    h.get_by_label("Survival").click();
    h.run_steps(3);
}

#[test]
fn hovering_a_step_hovers_the_subjects_with_an_event_then() {
    let mut h = harness(None);
    open_survival(&mut h);
    let view = survival(&h);
    assert_eq!((view.endpoint, view.origin), (Endpoint::Death, Origin::Baseline));
    // One curve per arm with subjects (the controls have no arm: their group is "control").
    let names: Vec<&str> = view.last_curves.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(names, ["aerobic", "combined", "control", "resistance", "usual care"]);
    let result = view.last_result().expect("curves");
    // The first death in the first arm, and where its step was drawn.
    let g = &result.groups[0];
    let i = (0..g.km.times.len()).find(|&i| g.km.events[i] > 0).expect("a death");
    let t = g.km.times[i];
    let expected: Vec<usize> = g.events_at(t).collect();
    assert!(!expected.is_empty());
    let pos = view.step_position(0, t).expect("drawn");
    h.hover_at(pos);
    h.run_steps(3);
    let e = explorer(&h);
    assert_eq!(e.state.selection.hovered_set, expected);
    for &s in &expected {
        assert_eq!(e.state.selection.highlight(s), Highlight::Hovered);
    }
    let other = (0..e.derived.subjects.len())
        .find(|s| !expected.contains(s))
        .expect("another subject");
    assert_eq!(e.state.selection.highlight(other), Highlight::Faded);
    assert_eq!(
        survival(&h).last_hovered_step.as_ref().map(|s| s.2.clone()),
        Some(expected)
    );
}

#[test]
fn the_selection_is_drawn_as_its_own_curve_against_the_rest() {
    let mut h = harness(None);
    open_survival(&mut h);
    // Select every patient of the "usual care" arm from outside the view.
    let chosen: Vec<usize> = {
        let e = explorer(&h);
        let g = e.derived.groups.iter().position(|g| g == "usual care").expect("arm");
        (0..e.derived.subjects.len())
            .filter(|&s| e.derived.subjects[s].group == g)
            .collect()
    };
    h.state_mut()
        .explorer
        .as_mut()
        .expect("explorer")
        .apply(vec![Command::SelectSet(chosen.clone())]);
    h.run_steps(2);
    h.get_by_label("Selection vs rest").click();
    h.run_steps(3);
    let view = survival(&h);
    assert_eq!(view.compare, Compare::SelectionVsRest);
    let total = explorer(&h).derived.subjects.len();
    let curves = &view.last_curves;
    assert_eq!(curves.len(), 2, "{curves:?}");
    assert_eq!((curves[0].0.as_str(), curves[0].1), (SELECTION, chosen.len()));
    assert_eq!((curves[1].0.as_str(), curves[1].1), (REST, total - chosen.len()));
    // Its members are exactly the selection.
    let result = view.last_result().expect("curves");
    let mut members: Vec<usize> = result.groups[0].members.iter().map(|m| m.2).collect();
    members.sort_unstable();
    assert_eq!(members, chosen);

    // Another endpoint and origin, chosen in the view: ALSFRS-R below 24 from onset.
    let view = survival_mut(&mut h);
    view.endpoint = Endpoint::AlsfrsBelow(24.0);
    view.origin = Origin::Onset;
    h.run_steps(3);
    let view = survival(&h);
    let result = view.last_result().expect("curves");
    assert!(result.groups[0].events > 0);
    // Controls have no ALSFRS-R and no onset: only patients are followed.
    assert!(view.last_curves.iter().map(|c| c.1).sum::<usize>() < total);
}
