//! The shell driven without a window: notifications, command-line start choices.

use super::*;

#[test]
fn a_view_that_cannot_be_built_is_a_notification_naming_view_and_column() {
    let ctx = egui::Context::default();
    let mut app = CohortApp::new(&ctx, Source::Demo, LoadOptions::default());
    app.wait_until_loaded();
    assert!(app.notifications.is_empty(), "{:?}", app.notifications);
    let explorer = app.explorer.take().expect("demo loaded");
    let mut derived = (*explorer.base()).clone();
    derived.problems.push(derived::Problem {
        view: "Ordination",
        message: "column `day` is missing".to_owned(),
    });
    app.finish(&Source::Demo, Ok(derived));
    assert_eq!(app.notifications, ["Ordination: column `day` is missing"]);
    // And the load itself failing names the source.
    app.finish(
        &Source::Demo,
        Err("Cohort table: column `num_visits` is missing".to_owned()),
    );
    assert_eq!(
        app.notifications[1],
        "Could not load demo cohort: Cohort table: column `num_visits` is missing"
    );
    app.apply(&ctx, AppCommand::Dismiss(0));
    assert_eq!(app.notifications.len(), 1);
}

#[test]
fn the_command_lines_group_by_and_time_open_the_window_grouped_and_placed() {
    let study = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/longitudinal");
    let ctx = egui::Context::default();
    let mut app = CohortApp::new(&ctx, Source::Paths(vec![study.clone()]), LoadOptions::default());
    app.start = StartChoices {
        group_by: Some("delivery".to_owned()),
        time: Some("day_of_life".to_owned()),
        session: None,
        compare_with: None,
        lang_given: false,
    };
    app.wait_until_loaded();
    assert!(app.notifications.is_empty(), "{:?}", app.notifications);
    let explorer = app.explorer.as_ref().expect("loaded");
    assert_eq!(explorer.state.group_by, state::GroupBy::Column("delivery".to_owned()));
    assert_eq!(explorer.derived.groups, ["Cesarean", "Vaginal"]);
    assert_eq!(explorer.state.x_axis, state::XAxis::Column);
    // A column the cohort lacks is named in a notification; the views stay as they were.
    let mut app = CohortApp::new(&ctx, Source::Paths(vec![study]), LoadOptions::default());
    app.start = StartChoices {
        group_by: Some("feeding".to_owned()),
        time: None,
        session: None,
        compare_with: None,
        lang_given: false,
    };
    app.wait_until_loaded();
    assert!(
        app.notifications.iter().any(|n| n.contains("no column `feeding`")),
        "{:?}",
        app.notifications
    );
    assert_eq!(
        app.explorer.as_ref().expect("loaded").state.group_by,
        state::GroupBy::Arm
    );
}

#[test]
fn the_clinical_views_show_before_the_ordination_which_another_open_abandons() {
    let ctx = egui::Context::default();
    let mut app = CohortApp::new(&ctx, Source::Demo, LoadOptions::default());
    app.wait_for_first_screen();
    let explorer = app.explorer.as_ref().expect("the first screen");
    // Trajectories are there; the ordination is being built (its result lands at a poll).
    assert!(!explorer.derived.measures.is_empty());
    assert!(explorer.derived.ordination_pending && explorer.derived.ordination.is_empty());
    assert!(explorer.derived.taxa_pending && explorer.derived.taxa_trends.trends.taxa.is_empty());
    // The Taxa view is on the default screen all the same, to fill in.
    assert!(explorer.panes().any(|p| matches!(p, explorer::Pane::Taxa(_))));
    assert!(app.is_ordinating());
    // Opening another cohort drops (so cancels) the ordination under way.
    app.open(&ctx, Source::Demo);
    assert!(!app.is_ordinating());
    app.wait_until_loaded();
    let derived = &app.explorer.as_ref().expect("loaded").derived;
    assert!(!derived.ordination_pending && !derived.taxa_pending);
    assert_eq!(derived.ordination.len(), derived.cohort.ordination_samples().len());
    // The taxa's trends by the arms, as regrouping by them builds them.
    assert!(derived.taxa_trends.trends.by_group && !derived.taxa.is_empty());
    assert!(app.notifications.is_empty(), "{:?}", app.notifications);
}

#[test]
fn a_lost_microbiome_job_is_said_in_the_views_not_waited_for() {
    let ctx = egui::Context::default();
    let mut app = CohortApp::new(&ctx, Source::Demo, LoadOptions::default());
    app.wait_for_first_screen();
    app.ordinating = None;
    app.set_microbiome(None);
    let derived = &app.explorer.as_ref().expect("loaded").derived;
    assert!(!derived.ordination_pending && !derived.taxa_pending);
    let views: Vec<&str> = derived.problems.iter().map(|p| p.view).collect();
    assert_eq!(views, ["Ordination", "Taxa"]);
    assert_eq!(
        app.notifications,
        [
            "Ordination: stopped unexpectedly while being built",
            "Taxa: stopped unexpectedly while being built"
        ]
    );
}

#[test]
fn parquet_columns_given_at_start_hold_for_the_files_opened_later() {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parquet_types.parquet");
    let ctx = egui::Context::default();
    let options = LoadOptions {
        parquet_columns: vec!["subject_id".to_owned(), "visit_date".to_owned(), "weight_kg".to_owned()],
        ..LoadOptions::default()
    };
    let mut app = CohortApp::new(&ctx, Source::Demo, options);
    app.wait_until_loaded();
    // The demo has no Parquet: all of it is there.
    assert!(
        app.explorer
            .as_ref()
            .expect("demo")
            .derived
            .cohort
            .visits()
            .column("alsfrs_r_total")
            .is_ok()
    );
    app.open(&ctx, Source::Paths(vec![fixture]));
    app.wait_until_loaded();
    assert!(app.notifications.is_empty(), "{:?}", app.notifications);
    let cohort = &app.explorer.as_ref().expect("loaded").derived.cohort;
    assert_eq!(cohort.num_visits(), 4);
    assert!(cohort.visits().column("weight_kg").is_ok());
    assert!(cohort.visits().column("alsfrs_r_total").is_err());
    assert!(
        cohort.sources[0]
            .ignored_columns
            .contains(&"alsfrs_r_total (not read)".to_owned())
    );
}
