//! What the window remembers between runs, in eframe's storage: recent files, the time axis,
//! named cohorts per source and the dock's arrangement.

use std::path::PathBuf;

use super::layout;
use super::state;

/// Key of the settings in eframe's storage.
pub(super) const SETTINGS_KEY: &str = "cohort-explorer-settings";

/// Most recent file sets remembered.
const MAX_RECENT: usize = 8;

/// What is remembered between runs (eframe storage; window size and theme are eframe's own).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    /// File sets opened, most recent first.
    pub recent: Vec<Vec<PathBuf>>,
    pub x_axis: state::XAxis,
    /// The grouping of the views (a column is kept when the next cohort has it).
    pub group_by: state::GroupBy,
    /// Named cohorts (name, subject IDs) per opened source (its label).
    pub cohorts: std::collections::BTreeMap<String, Vec<(String, Vec<String>)>>,
    /// The dock's arrangement (None: the default screen).
    pub layout: Option<layout::Layout>,
    /// The key of pseudonymised IDs (hex), made the first time they are switched on, so a
    /// subject keeps its pseudonym from one run to the next.
    pub pseudonym_key: Option<String>,
    /// The interface's language chosen in the window (None: the system's).
    pub lang: Option<crate::i18n::Lang>,
    /// The name review marks are made under (empty: the login name).
    pub reviewer: String,
}

impl Settings {
    /// Put `paths` first in the recent list.
    pub fn remember(&mut self, paths: &[PathBuf]) {
        self.recent.retain(|r| r != paths);
        self.recent.insert(0, paths.to_vec());
        self.recent.truncate(MAX_RECENT);
    }
}
