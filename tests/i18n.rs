//! The one catalogue of strings: every `tr("…")` and `trf("…")` of the source is in it, with
//! its Chinese, and it holds nothing the source does not use.

use std::collections::BTreeSet;
use std::path::Path;

/// The string literals passed to `tr(` and `trf(` in every file under `dir`.
fn used(dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).expect("source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            used(&path, out);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("source");
        for call in ["tr(\"", "trf(\"", "tr(\n", "trf(\n"] {
            let mut rest = text.as_str();
            while let Some(at) = rest.find(call) {
                let before = rest[..at].chars().last();
                rest = &rest[at + call.len() - 1..];
                // `str(`, `attr(`: another function whose name ends in tr.
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let start = rest.trim_start();
                let Some(body) = start.strip_prefix('"') else { continue };
                let mut literal = String::new();
                let mut chars = body.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => match chars.next() {
                            Some('n') => literal.push('\n'),
                            Some(other) => literal.push(other),
                            None => break,
                        },
                        c => literal.push(c),
                    }
                }
                out.insert(literal);
            }
        }
    }
}

#[test]
fn both_languages_cover_every_string_of_the_interface() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut strings = BTreeSet::new();
    used(&root.join("src"), &mut strings);
    assert!(strings.len() > 100, "only {} strings found", strings.len());
    // Translated where they are shown (`metric_label`): the per-subject metrics' labels.
    strings.extend(
        cohort_explorer::app::derived::SUBJECT_METRICS
            .iter()
            .map(|(_, label)| (*label).to_owned()),
    );
    // Translated where they are shown (`RuleInfo::text`): what each data-quality rule checks.
    strings.extend(
        cohort_explorer::quality::CATALOGUE
            .iter()
            .map(|r| r.description.to_owned()),
    );
    // Translated where they are shown (`data::layout_name`): what a file was read as.
    strings.extend(cohort_explorer::data::Layout::ALL.iter().map(|l| l.label().to_owned()));
    strings.extend(cohort_explorer::data::LAYOUT_NAMES.iter().map(|&name| name.to_owned()));
    let entries = cohort_explorer::i18n::entries().expect("the catalogue parses");
    let mut catalogue = BTreeSet::new();
    for (en, zh) in &entries {
        assert!(catalogue.insert(en.clone()), "`{en}` is in the catalogue twice");
        assert!(!zh.trim().is_empty(), "`{en}` has no Chinese");
        // The same placeholders in both languages.
        let names = |s: &str| -> BTreeSet<String> {
            s.split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}'))
                .map(|(n, _)| n.to_owned())
                .collect()
        };
        assert_eq!(names(en), names(zh), "`{en}` and `{zh}` fill different placeholders");
    }
    let missing: Vec<&String> = strings.difference(&catalogue).collect();
    assert!(missing.is_empty(), "not in assets/i18n/catalogue.toml: {missing:#?}");
    let unused: Vec<&String> = catalogue.difference(&strings).collect();
    assert!(unused.is_empty(), "in the catalogue but not in the source: {unused:#?}");
}
