//! The Chinese interface, switched on in the window. In a test binary of its own: the language
//! is the process's, and the other GUI tests look for English labels.

mod common;

use cohort_explorer::app::figure::{self, FigureOptions, FigureView};
use cohort_explorer::i18n::{Lang, lang, set_lang};
use common::gui::harness;
use egui_kittest::kittest::Queryable;

#[test]
fn switching_to_chinese_relabels_the_menu_side_panel_views_and_figures() {
    set_lang(Lang::En);
    let mut h = harness(None);
    h.get_by_label("Open files…");
    h.get_by_label("中文").click();
    h.run_steps(3);
    assert_eq!(lang(), Lang::Zh);
    assert_eq!(h.state().settings.lang, Some(Lang::Zh), "kept for the next run");
    for label in [
        "打开文件…",
        "演示",
        "会话",
        "队列",
        "筛选",
        "时间轴",
        "距基线月数",
        "队列表",
        "图",
    ] {
        assert!(h.query_all_by_label(label).next().is_some(), "no `{label}`");
    }
    assert!(h.query_by_label("Open files…").is_none());
    // A figure says what it shows in Chinese.
    let explorer = h.state_mut().explorer.as_mut().expect("explorer");
    let pane = figure::pane(explorer, FigureView::Trajectories, None).expect("a view");
    let svg = figure::draw(
        explorer,
        &pane,
        &FigureOptions {
            width: 600.0,
            height: 400.0,
            ..FigureOptions::default()
        },
    )
    .svg();
    assert!(
        svg.contains("按队列的治疗组分组；无筛选；显示 120 名受试者中的 120 名"),
        "{}",
        &svg[..600.min(svg.len())]
    );
    // And back.
    h.get_by_label("English").click();
    h.run_steps(3);
    h.get_by_label("Open files…");
    set_lang(Lang::En);
}
