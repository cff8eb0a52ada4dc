//! The microbiome over time in the window, driven headlessly: grouping by a study's own
//! metadata, and following any measure or taxon as a trajectory.

mod common;

use std::path::Path;

use cohort_explorer::app::explorer::Pane;
use cohort_explorer::app::state::GroupBy;
use common::gui::{explorer, harness};
use egui_kittest::kittest::Queryable;

fn study() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/longitudinal")
}

/// The label of each trajectory plot's measure.
fn trajectory_labels(e: &cohort_explorer::app::explorer::Explorer) -> Vec<String> {
    e.panes()
        .filter_map(|p| match p {
            Pane::Trajectory(t) => e.derived.measures.get(t.measure).map(|m| m.label.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn grouping_by_a_metadata_column_regroups_every_view() {
    let mut h = harness(Some(vec![study()]));
    let e = explorer(&h);
    // A microbiome study opens on its diversity over time, in one group.
    assert!(
        trajectory_labels(e).iter().any(|l| l.starts_with("Shannon")),
        "{:?}",
        trajectory_labels(e)
    );
    assert_eq!(e.derived.groups, ["all"]);
    assert!(
        e.derived.group_columns.contains(&"delivery".to_owned()),
        "{:?}",
        e.derived.group_columns
    );
    h.get_by_label("Group by").click();
    h.run_steps(2);
    h.get_by_label("delivery").click();
    h.run_steps(3);
    let e = explorer(&h);
    assert_eq!(e.state.group_by, GroupBy::Column("delivery".to_owned()));
    assert_eq!(e.derived.groups, ["Cesarean", "Vaginal"]);
    // Subjects 2, 11 and 12 were born by caesarean section.
    let cesarean: Vec<&str> = e
        .derived
        .subjects
        .iter()
        .filter(|s| s.group == 0)
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(cesarean, ["2", "11", "12"]);
    // Every trajectory now has a mean per group, and the filters count each group.
    for m in &e.derived.measures {
        assert_eq!(m.means.len(), 2, "{}", m.label);
        assert!(m.means.iter().all(|g| !g.points[0].is_empty()), "{}", m.label);
    }
    h.get_by_label("Cesarean (3)");
    h.get_by_label("Vaginal (3)");
    // The grouping is remembered with the settings.
    eframe::App::save(h.state_mut(), &mut common::gui::MemoryStorage::default());
    assert_eq!(h.state().settings.group_by, GroupBy::Column("delivery".to_owned()));
}

#[test]
fn picking_a_taxon_shows_its_trajectory() {
    let mut h = harness(Some(vec![study()]));
    let before = explorer(&h).derived.measures.len();
    h.get_all_by_label("Taxon…").next().expect("a taxon menu").click();
    h.run_steps(2);
    h.get_by_label("Search taxa").type_text("bifido");
    h.run_steps(2);
    h.get_by_label("Bifidobacterium").click();
    h.run_steps(4);
    let e = explorer(&h);
    assert_eq!(e.derived.measures.len(), before + 1);
    let m = e.derived.measures.last().expect("the new measure");
    assert_eq!(m.label, "Bifidobacterium (genus, relative abundance)");
    assert_eq!(m.series.len(), 6, "one line per subject");
    assert!(
        trajectory_labels(e).contains(&m.label),
        "a plot follows it: {:?}",
        trajectory_labels(e)
    );
    // Its relative abundance falls over the months in this study.
    let first_last: Vec<(f64, f64)> = m
        .series
        .iter()
        .map(|s| (s.points[0][0].y, s.points[0][s.points[0].len() - 1].y))
        .collect();
    assert!(first_last.iter().filter(|(a, b)| b < a).count() >= 5, "{first_last:?}");
}

#[test]
fn clicking_a_taxon_in_the_taxa_view_opens_its_trajectory_and_the_selection_links() {
    let mut h = harness(Some(vec![study()]));
    let e = explorer(&h);
    let trends = &e.derived.taxa_trends.trends;
    assert_eq!(trends.taxa.len(), 8);
    // Bifidobacterium falls month on month in this study: the clearest trend.
    assert_eq!(trends.taxa[0].taxon, "Bifidobacterium");
    assert!(trends.taxa[0].q_value.is_some_and(|q| q < 1e-6));
    h.get_by_label("Taxa").click();
    h.run_steps(2);
    h.get_by_label("Bifidobacterium").click();
    h.run_steps(4);
    let e = explorer(&h);
    let k = e
        .derived
        .measures
        .iter()
        .position(|m| m.column == "clr:Bifidobacterium")
        .expect("its CLR is followed");
    assert_eq!(e.derived.measures[k].label, "Bifidobacterium (genus, CLR)");
    assert!(
        e.panes().any(|p| matches!(p, Pane::Trajectory(t) if t.measure == k)),
        "a trajectory plot opened for it"
    );
    // The new plot links like every other: selecting a subject emphasises it there.
    let subject = e
        .derived
        .subjects
        .iter()
        .position(|s| s.id == "10")
        .expect("subject 10");
    h.state_mut()
        .explorer
        .as_mut()
        .expect("explorer")
        .apply(vec![cohort_explorer::app::state::Command::SelectSet(vec![subject])]);
    h.run_steps(2);
    let e = explorer(&h);
    let emphasised: Vec<usize> = e
        .panes()
        .find_map(|p| match p {
            Pane::Trajectory(t) if t.measure == k => Some(t.last_emphasised.clone()),
            _ => None,
        })
        .expect("the taxon's plot");
    assert_eq!(emphasised, [subject]);
}

#[test]
fn a_trajectory_switches_to_changes_and_a_control_chart() {
    use cohort_explorer::app::derived::changes::Mode;
    let mut h = harness(Some(vec![study()]));
    for (mode, label) in [
        (Mode::FromBaseline, "change from baseline"),
        (Mode::ControlChart, "control chart"),
    ] {
        h.get_all_by_label("Show").next().expect("a mode menu").click();
        h.run_steps(2);
        h.get_by_label(label).click();
        h.run_steps(3);
        let e = explorer(&h);
        let modes: Vec<Mode> = e
            .panes()
            .filter_map(|p| match p {
                Pane::Trajectory(t) => Some(t.mode),
                _ => None,
            })
            .collect();
        assert!(modes.contains(&mode), "{modes:?}");
    }
}

#[test]
fn paired_change_tests_within_and_between_groups() {
    let mut h = harness(Some(vec![study()]));
    h.get_by_label("Group by").click();
    h.run_steps(2);
    h.get_by_label("delivery").click();
    h.run_steps(2);
    h.get_all_by_label("Paired change")
        .next()
        .expect("a paired-change switch")
        .click();
    h.run_steps(3);
    let e = explorer(&h);
    assert_eq!(e.derived.groups, ["Cesarean", "Vaginal"]);
    assert!(e.panes().any(|p| matches!(p, Pane::Trajectory(t) if t.paired.open)));
    // From the first to the last month: three subjects per delivery mode, tested.
    h.get_by_label("Wilcoxon p");
    let between = h
        .query_all(egui_kittest::kittest::by().predicate(|n| {
            n.value()
                .is_some_and(|v| v.starts_with("Mann–Whitney between groups: p "))
        }))
        .count();
    assert!(between >= 1, "no test between the two delivery modes");
}

#[test]
fn the_filters_list_every_categorical_column() {
    let mut h = harness(Some(vec![study()]));
    h.get_by_label("By delivery").click();
    h.run_steps(2);
    h.get_by_role_and_label(eframe::egui::accesskit::Role::CheckBox, "Cesarean")
        .click();
    h.run_steps(2);
    let e = explorer(&h);
    assert!(
        e.state
            .filters
            .hidden
            .contains(&("delivery".to_owned(), "Cesarean".to_owned()))
    );
    h.get_by_label("Showing 3 of 6 subjects");
    // Diet is listed too; sex as before.
    h.get_by_label("By diet");
    h.get_by_label("By sex");
}

#[test]
fn the_ordination_colours_by_any_sample_or_subject_column() {
    use cohort_explorer::app::views::ordination::ColorBy;
    let mut h = harness(Some(vec![study()]));
    h.get_by_label("or").click();
    h.run_steps(2);
    h.get_by_label("sample: day_of_life").click();
    h.run_steps(3);
    let chosen = |h: &egui_kittest::Harness<'_, cohort_explorer::app::CohortApp>| {
        explorer(h).panes().find_map(|p| match p {
            Pane::Ordination(o) => Some(o.color_by.clone()),
            _ => None,
        })
    };
    assert_eq!(chosen(&h), Some(ColorBy::Sample("day_of_life".to_owned())));
    // A numeric column draws a colour bar with its range.
    h.get_by_label("day_of_life: 1.000");
    // A subject's text column: a legend entry per value.
    for (_, tile) in h.state_mut().explorer.as_mut().expect("explorer").tree.tiles.iter_mut() {
        if let egui_tiles::Tile::Pane(Pane::Ordination(o)) = tile {
            o.color_by = ColorBy::Subject("diet".to_owned());
        }
    }
    h.run_steps(3);
    assert_eq!(chosen(&h), Some(ColorBy::Subject("diet".to_owned())));
    h.get_by_label("bd");
    h.get_by_label("fd");
}

#[test]
fn composition_switches_rank_and_averages_per_subject_and_time_bin() {
    let mut h = harness(Some(vec![study()]));
    h.get_by_label("Composition").click();
    h.run_steps(3);
    let bars = |h: &egui_kittest::Harness<'_, cohort_explorer::app::CohortApp>| {
        explorer(h)
            .panes()
            .find_map(|p| match p {
                Pane::Composition(c) => Some((c.last_bars.len(), c.rank)),
                _ => None,
            })
            .expect("composition")
    };
    assert_eq!(bars(&h), (23, 5), "one bar per sample at genus");
    h.get_by_label("Rank").click();
    h.run_steps(2);
    h.get_by_label("phylum").click();
    h.run_steps(3);
    assert_eq!(bars(&h), (23, 1));
    // Facets by group are labelled; the legend stands beside the bars with Other last.
    h.get_by_label("Firmicutes");
    h.get_by_label("Other");
    h.get_by_label("Average per 3 months").click();
    h.run_steps(3);
    // Months 0–2 share a bin, month 3 has its own: two bars per subject.
    assert_eq!(bars(&h).0, 12);
}

#[test]
fn the_profile_shows_attributes_given_only_in_sample_metadata() {
    let mut h = harness(Some(vec![study()]));
    let subject = explorer(&h)
        .derived
        .subjects
        .iter()
        .position(|s| s.id == "2")
        .expect("subject 2");
    h.state_mut()
        .explorer
        .as_mut()
        .expect("explorer")
        .apply(vec![cohort_explorer::app::state::Command::SelectSet(vec![subject])]);
    h.get_by_label("Subject profile").click();
    h.run_steps(3);
    // Sex came from the sample metadata too, normalised.
    h.get_by_label("delivery: Cesarean · diet: fd");
    assert_eq!(explorer(&h).derived.subjects[subject].sex, "female");
}

#[test]
fn the_time_axis_can_be_a_numeric_column_of_the_study() {
    use cohort_explorer::app::state::XAxis;
    let mut h = harness(Some(vec![study()]));
    assert!(explorer(&h).derived.time_columns.contains(&"day_of_life".to_owned()));
    h.get_by_label("Column").click();
    h.run_steps(2);
    h.get_by_label("day_of_life").click();
    h.run_steps(3);
    let e = explorer(&h);
    assert_eq!(e.state.x_axis, XAxis::Column);
    assert_eq!(e.derived.time_column.as_deref(), Some("day_of_life"));
    let shannon = e
        .derived
        .measures
        .iter()
        .find(|m| m.column == "shannon")
        .expect("shannon");
    // Subject 10's samples sit at days 3, 33, 63 and 93 of life.
    let ten = e
        .derived
        .subjects
        .iter()
        .position(|s| s.id == "10")
        .expect("subject 10");
    let series = &shannon.series[shannon.series_of[ten].expect("its samples")];
    let days: Vec<f64> = series.points[XAxis::Column.index()].iter().map(|p| p.x).collect();
    assert_eq!(days, [3.0, 33.0, 63.0, 93.0]);
    // Group means follow on that axis too.
    assert!(!shannon.means[0].points[XAxis::Column.index()].is_empty());
}
