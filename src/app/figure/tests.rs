use super::*;
use crate::app::CohortApp;
use crate::pipeline::Source;

/// The demo cohort loaded as the window loads it, microbiome views included.
fn demo() -> CohortApp {
    let mut app = CohortApp::new(
        &egui::Context::default(),
        Source::Demo,
        crate::data::LoadOptions::default(),
    );
    app.wait_until_loaded();
    assert!(app.explorer.is_some(), "{:?}", app.notifications);
    app
}

/// The texts of an SVG's `<text>` elements.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text ")
        .skip(1)
        .filter_map(|t| {
            let start = t.find('>')? + 1;
            let end = t.find("</text>")?;
            Some(
                t[start..end]
                    .replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">"),
            )
        })
        .collect()
}

#[test]
fn every_view_draws_to_svg_and_png_with_its_title_axis_titles_and_groups() {
    let mut app = demo();
    let explorer = app.explorer.as_mut().expect("loaded");
    let groups = explorer.derived.groups.clone();
    // The groups with an ALSFRS-R slope (the demo's healthy controls have no ALSFRS-R).
    let slope = SUBJECT_METRICS
        .iter()
        .position(|m| m.0 == "alsfrs_r_slope_per_month")
        .expect("a metric");
    let rated: Vec<String> = (0..groups.len())
        .filter(|g| {
            explorer
                .derived
                .subjects
                .iter()
                .any(|s| s.group == *g && s.metrics[slope].is_some())
        })
        .map(|g| groups[g].clone())
        .collect();
    assert!(rated.len() >= 4, "{rated:?}");
    let options = FigureOptions {
        width: 900.0,
        height: 560.0,
        footer: Some(footer(&explorer.derived)),
        ..FigureOptions::default()
    };
    // (view, texts its figure must show: axis titles; groups it must name).
    let none: &[String] = &[];
    let expected: [(FigureView, &[&str], &[String]); 7] = [
        (
            FigureView::Trajectories,
            &["ALSFRS-R total", "Months since baseline"],
            &rated,
        ),
        (
            FigureView::Distribution,
            &["ALSFRS-R slope (points/month)", "Group"],
            &rated,
        ),
        (
            FigureView::Scatter,
            &["ALSFRS-R slope (points/month)", "Baseline F/B ratio"],
            &rated,
        ),
        (FigureView::Ordination, &["PC1 (", "PC2 ("], &groups),
        (
            FigureView::Survival,
            &["Free of death", "Months since baseline", "At risk"],
            &groups,
        ),
        (FigureView::Composition, &["Relative abundance", "Bacteroides"], &groups),
        (FigureView::Taxa, &["CLR change per month", "log10 q"], none),
    ];
    for (view, wanted, named) in expected {
        let pane = pane(explorer, view, None).expect("a view of the demo");
        let drawn = draw(explorer, &pane, &options);
        let svg = drawn.svg();
        let shown = texts(&svg);
        let has = |needle: &str| shown.iter().any(|t| t.contains(needle));
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{view:?}");
        for text in wanted {
            assert!(has(text), "{view:?}: no `{text}` in {shown:?}");
        }
        for group in named {
            assert!(has(group), "{view:?}: group `{group}` not named in {shown:?}");
        }
        assert!(
            has("Grouped by the cohort's arm; no filters; 120 of 120 subjects shown"),
            "{view:?}: {shown:?}"
        );
        assert!(has("cohort-explorer "), "{view:?}: no footer");
        assert!(
            svg.contains("<path ") || svg.contains("<circle ") || svg.contains("<rect x"),
            "{view:?}: no marks"
        );

        let png = drawn.png().expect("png");
        let reader = png::Decoder::new(std::io::Cursor::new(png)).read_info().expect("a PNG");
        assert_eq!((reader.info().width, reader.info().height), (900, 560), "{view:?}");
    }
}

#[test]
fn a_png_at_300_dpi_has_three_and_a_bit_times_the_pixels_and_says_so() {
    let mut app = demo();
    let explorer = app.explorer.as_mut().expect("loaded");
    let pane = pane(explorer, FigureView::Distribution, Some("baseline_bmi")).expect("a metric");
    let options = FigureOptions {
        width: 320.0,
        height: 200.0,
        dpi: 300.0,
        ..FigureOptions::default()
    };
    let drawn = draw(explorer, &pane, &options);
    let canvas = drawn.canvas();
    assert_eq!((canvas.width, canvas.height), (1000, 625));
    // Not a blank page: the light theme's background and darker ink.
    let rgba = canvas.rgba();
    let dark = rgba
        .chunks_exact(4)
        .filter(|p| p[0] < 100 && p[1] < 100 && p[2] < 100)
        .count();
    assert!(dark > 1000, "only {dark} dark pixels");
    let reader = png::Decoder::new(std::io::Cursor::new(drawn.png().expect("png")))
        .read_info()
        .expect("a PNG");
    assert_eq!(reader.info().pixel_dims.map(|d| d.xppu), Some(11_811));
    assert!(texts(&drawn.svg()).iter().any(|t| t == "Baseline BMI (kg/m²) by group"));
}

#[test]
fn a_measure_the_view_cannot_show_is_an_error_naming_it() {
    let mut app = demo();
    let explorer = app.explorer.as_mut().expect("loaded");
    let e = pane(explorer, FigureView::Ordination, Some("bmi")).expect_err("no measure for ordination");
    assert!(e.contains("--measure does not apply to --view ordination"), "{e}");
    let e = pane(explorer, FigureView::Trajectories, Some("no_such_column")).expect_err("unknown");
    assert!(e.contains("no_such_column"), "{e}");
    let e = pane(explorer, FigureView::Survival, Some("immortality")).expect_err("unknown endpoint");
    assert!(e.contains("immortality"), "{e}");
    // A measure the default screen does not follow is added, as the measure picker adds it.
    let Pane::Trajectory(t) = pane(explorer, FigureView::Trajectories, Some("weight_kg")).expect("weight") else {
        panic!("not a trajectory")
    };
    assert_eq!(explorer.derived.measures[t.measure].column, "weight_kg");
}

#[test]
fn the_caption_names_the_grouping_and_each_filter() {
    let mut app = demo();
    let explorer = app.explorer.as_mut().expect("loaded");
    explorer.state.filters.hidden_groups.insert(0);
    explorer
        .state
        .filters
        .flags
        .insert(crate::app::state::Flag::Hypermetabolic, true);
    let mut commands = Vec::new();
    let ctx = ViewCtx::new(&explorer.derived, &explorer.state, &mut commands);
    let text = caption(&explorer.derived, &explorer.state, &ctx);
    let first = &explorer.derived.groups[0];
    assert!(text.contains(&format!("groups hidden: {first}")), "{text}");
    assert!(text.contains("hypermetabolic"), "{text}");
    assert!(
        text.contains(&format!("{} of 120 subjects shown", ctx.num_visible())),
        "{text}"
    );
}
