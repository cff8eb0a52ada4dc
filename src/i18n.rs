//! The interface's language: English or Simplified Chinese, every string from one catalogue
//! (`assets/i18n/catalogue.toml`: each entry its English text, which is also its key, and its
//! Chinese). [`tr`] translates a fixed string, [`trf`] one with `{name}` placeholders filled
//! after translation (word order differs between the languages). The language comes from the
//! system locale at start (`LC_ALL`, `LC_MESSAGES`, `LANG`), the settings, or `--lang`.
//!
//! A string missing from the catalogue is shown in English; `tests/i18n.rs` fails on any
//! `tr`/`trf` string of the source that the catalogue lacks, and on an entry without Chinese.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

/// The languages of the interface.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// The language of a locale name (`zh_CN.UTF-8`, `zh-Hans`: Chinese; anything else: English).
    pub fn from_locale(locale: &str) -> Lang {
        if locale.trim().to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The system's language, from the environment's locale (the first of `LC_ALL`,
    /// `LC_MESSAGES` and `LANG` that is set).
    pub fn from_system() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
            .map_or(Lang::En, |v| Lang::from_locale(&v))
    }

    /// The language's own name, for the switch.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "中文",
        }
    }
}

static LANG: AtomicU8 = AtomicU8::new(0);

/// Use `lang` from now on, everywhere (the window and reports alike).
pub fn set_lang(lang: Lang) {
    LANG.store(lang as u8, Ordering::Relaxed);
}

/// The language in use.
pub fn lang() -> Lang {
    if LANG.load(Ordering::Relaxed) == Lang::Zh as u8 {
        Lang::Zh
    } else {
        Lang::En
    }
}

/// The catalogue, embedded.
pub const CATALOGUE: &str = include_str!("../assets/i18n/catalogue.toml");

#[derive(serde::Deserialize)]
struct Entry {
    en: String,
    zh: String,
}

#[derive(serde::Deserialize)]
struct Catalogue {
    #[serde(rename = "s")]
    entries: Vec<Entry>,
}

/// English → Chinese, read once.
fn chinese() -> &'static HashMap<String, String> {
    static MAP: OnceLock<HashMap<String, String>> = OnceLock::new();
    MAP.get_or_init(|| {
        // The catalogue is part of the binary and checked by tests: it parses.
        toml::from_str::<Catalogue>(CATALOGUE)
            .map(|c| c.entries.into_iter().map(|e| (e.en, e.zh)).collect())
            .unwrap_or_default()
    })
}

/// Every (English, Chinese) pair of the catalogue, for its tests.
pub fn entries() -> Result<Vec<(String, String)>, String> {
    toml::from_str::<Catalogue>(CATALOGUE)
        .map(|c| c.entries.into_iter().map(|e| (e.en, e.zh)).collect())
        .map_err(|e| e.to_string())
}

/// `english` in the language in use.
pub fn tr(english: &'static str) -> &'static str {
    match lang() {
        Lang::En => english,
        Lang::Zh => chinese().get(english).map_or(english, String::as_str),
    }
}

/// A string that is not a literal of the source (a value the data carries, such as a file's
/// layout) in the language in use, when the catalogue has it; otherwise as it is.
pub fn tr_known(english: &str) -> String {
    match lang() {
        Lang::En => english.to_owned(),
        Lang::Zh => chinese().get(english).map_or(english, String::as_str).to_owned(),
    }
}

/// `english` in the language in use, with each `{name}` replaced by its value.
pub fn trf(english: &'static str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = tr(english).to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), &value.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chinese_locale_means_chinese() {
        assert_eq!(Lang::from_locale("zh_CN.UTF-8"), Lang::Zh);
        assert_eq!(Lang::from_locale("zh-Hans"), Lang::Zh);
        assert_eq!(Lang::from_locale("en_GB.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale("C"), Lang::En);
    }

    #[test]
    fn placeholders_are_filled_after_translation() {
        // In English (the default of a fresh process's tests that do not switch).
        let text = trf("{shown} of {total} subjects shown", &[("shown", &3), ("total", &10)]);
        assert!(
            text == "3 of 10 subjects shown" || text == "显示 3 / 10 名受试者",
            "{text}"
        );
    }
}
