//! The rules file: thresholds and severities, read from TOML (or JSON), every key optional.
//! [`DEFAULT_RULES_TOML`] is the documented default file; `catalogue` lists every rule id.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::catalogue::rule_info;
use crate::model::Severity;

/// A closed interval `[low, high]` of plausible values.
pub type Range = [f64; 2];

/// Thresholds and severities for every rule family.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    pub ranges: Ranges,
    pub units: Units,
    pub time: Time,
    pub alsfrs: Alsfrs,
    pub composition: Composition,
    /// Per-rule severity overrides: rule id → `error`, `warning`, `info` or `off`.
    pub severity: BTreeMap<String, Level>,
}

/// Plausible ranges of values (`range.*`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Ranges {
    pub alsfrs_item: Range,
    pub alsfrs_total: Range,
    pub bmi: Range,
    pub weight_kg: Range,
    pub height_cm: Range,
    pub ree_kcal: Range,
}

/// Unit mix-ups (`units.*`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Units {
    /// How far (as a fraction) a ratio may be from the conversion factor (2.2046 lb/kg,
    /// 4.184 kJ/kcal) and still read as that unit.
    pub ratio_tolerance: f64,
    /// With no premorbid weight, a weight whose BMI is at least this, and ordinary (15–35)
    /// once read as pounds, is in pounds.
    pub lb_min_bmi: f64,
}

/// Time rules (`time.*`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Time {
    /// Longest expected gap between consecutive visits of a subject; unset, three times the
    /// cohort's median interval between visits (two missed visits on its own schedule).
    pub max_visit_gap_days: Option<f64>,
    /// Largest plausible rise of the ALSFRS-R total between consecutive visits.
    pub max_alsfrs_rise: f64,
    /// Fastest plausible weight change between consecutive visits.
    pub max_weight_change_kg_per_month: f64,
    /// Largest plausible difference of an adult's height from their median height.
    pub max_height_change_cm: f64,
    /// Dates after this are in the future (`YYYY-MM-DD`; empty: the day the check runs).
    pub today: String,
}

/// ALSFRS-R consistency (`alsfrs.*`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Alsfrs {
    /// Largest accepted difference between the total and the sum of its 12 items.
    pub total_tolerance: f64,
}

/// Microbiome composition (`composition.*`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Composition {
    /// Count tables: samples with fewer reads are low-depth.
    pub min_read_depth: f64,
    /// Count tables: samples below this fraction of the median depth are low-depth too.
    pub min_depth_fraction_of_median: f64,
    /// Relative tables: a sample's total may differ from 1 by this much.
    pub sum_tolerance: f64,
}

/// A severity, or `off` to drop the rule's findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
    Off,
}

impl Level {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Info => Some(Severity::Info),
            Level::Off => None,
        }
    }
}

impl Default for Ranges {
    fn default() -> Self {
        Self {
            alsfrs_item: [0.0, 4.0],
            alsfrs_total: [0.0, 48.0],
            bmi: [10.0, 60.0],
            weight_kg: [25.0, 250.0],
            height_cm: [120.0, 230.0],
            ree_kcal: [500.0, 5000.0],
        }
    }
}

impl Default for Units {
    fn default() -> Self {
        Self {
            ratio_tolerance: 0.12,
            lb_min_bmi: 45.0,
        }
    }
}

impl Default for Time {
    fn default() -> Self {
        Self {
            max_visit_gap_days: None,
            max_alsfrs_rise: 4.0,
            max_weight_change_kg_per_month: 5.0,
            max_height_change_cm: 5.0,
            today: String::new(),
        }
    }
}

impl Default for Alsfrs {
    fn default() -> Self {
        Self { total_tolerance: 0.0 }
    }
}

impl Default for Composition {
    fn default() -> Self {
        Self {
            min_read_depth: 1000.0,
            min_depth_fraction_of_median: 0.1,
            sum_tolerance: 0.02,
        }
    }
}

/// The default rules file, with every key and what it means (`check --print-rules`).
pub const DEFAULT_RULES_TOML: &str = r#"# cohort-explorer data-quality rules. Every key is optional: a missing key keeps the
# default shown here. Use with `cohort-explorer check --rules FILE`, or in the app's
# Data quality view (Rules file…).

[ranges]                 # plausible values; outside them: range.* findings
alsfrs_item = [0, 4]     # each ALSFRS-R item
alsfrs_total = [0, 48]   # the ALSFRS-R total
bmi = [10, 60]           # kg/m²
weight_kg = [25, 250]
height_cm = [120, 230]
ree_kcal = [500, 5000]   # measured resting energy expenditure, kcal/day

[units]
ratio_tolerance = 0.12   # a value within 12% of 2.2046× (lb) or 4.184× (kJ) the expected one
lb_min_bmi = 45          # with no premorbid weight: BMI ≥ 45 that is ordinary in pounds

[time]
# max_visit_gap_days = 270           # longer gaps between visits: time.long-gap; unset, 3 × the
                                     # cohort's median interval (two missed visits on its schedule)
max_alsfrs_rise = 4                  # larger rises between visits: time.alsfrs-rise
max_weight_change_kg_per_month = 5   # faster changes between visits: time.weight-change
max_height_change_cm = 5             # further from the subject's median height: time.height-change
today = ""                           # dates after this are in the future; "" = the day of the check

[alsfrs]
total_tolerance = 0      # |total − sum of items| allowed

[composition]
min_read_depth = 1000                # count tables: fewer reads is low depth
min_depth_fraction_of_median = 0.1   # … or below 10% of the median sample's depth
sum_tolerance = 0.02                 # relative tables: |sample total − 1| allowed

[severity]               # override any rule's severity: "error", "warning", "info" or "off"
# "time.long-gap" = "info"
# "composition.missing-taxonomy" = "off"
"#;

/// Why a rules file was refused.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("{}", crate::i18n::trf("{path}: cannot read the rules file: {source}", &[("path", .path), ("source", .source)]))]
    Read { path: String, source: std::io::Error },
    #[error("{}", crate::i18n::trf("{path}: not a valid rules file: {message}", &[("path", .path), ("message", .message)]))]
    Parse { path: String, message: String },
    #[error("{}", crate::i18n::trf("{path}: unknown rule id `{rule}` in [severity] (see `check --list-rules`)", &[("path", .path), ("rule", .rule)]))]
    UnknownRule { path: String, rule: String },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

impl Rules {
    /// Read a rules file: TOML, or JSON when the name ends in `.json`.
    pub fn from_file(path: &Path) -> Result<Self, RulesError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| RulesError::Read {
            path: name.clone(),
            source,
        })?;
        let json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        Self::parse(&text, json, &name)
    }

    /// Parse rules text (TOML, or JSON), checking rule ids and ranges; `name` is used in errors.
    pub fn parse(text: &str, json: bool, name: &str) -> Result<Self, RulesError> {
        let rules: Rules = if json {
            serde_json::from_str(text).map_err(|e| e.to_string())
        } else {
            toml::from_str(text).map_err(|e| e.to_string())
        }
        .map_err(|message| RulesError::Parse {
            path: name.to_owned(),
            message: message.trim().replace('\n', " "),
        })?;
        if let Some(rule) = rules.severity.keys().find(|r| rule_info(r).is_none()) {
            return Err(RulesError::UnknownRule {
                path: name.to_owned(),
                rule: rule.clone(),
            });
        }
        let r = &rules.ranges;
        for (key, [lo, hi]) in [
            ("alsfrs_item", r.alsfrs_item),
            ("alsfrs_total", r.alsfrs_total),
            ("bmi", r.bmi),
            ("weight_kg", r.weight_kg),
            ("height_cm", r.height_cm),
            ("ree_kcal", r.ree_kcal),
        ] {
            if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
                return Err(RulesError::Invalid {
                    path: name.to_owned(),
                    message: format!("[ranges] {key} must be [low, high] with low ≤ high"),
                });
            }
        }
        if rules.today().is_none() {
            return Err(RulesError::Invalid {
                path: name.to_owned(),
                message: format!("[time] today = `{}` is not a YYYY-MM-DD date", rules.time.today),
            });
        }
        Ok(rules)
    }

    /// The severity of `rule`'s findings: the override, else `default`; None when off.
    pub fn severity_of(&self, rule: &str, default: Severity) -> Option<Severity> {
        self.severity.get(rule).map_or(Some(default), |l| l.severity())
    }

    /// "Today" in days since 1970-01-01: `time.today`, else the system clock; None when
    /// `time.today` is not a `YYYY-MM-DD` date.
    pub fn today(&self) -> Option<i32> {
        let text = self.time.today.trim();
        if text.is_empty() {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            return Some(i32::try_from(secs / 86_400).unwrap_or(i32::MAX));
        }
        let mut parts = text.split('-');
        let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return None;
        };
        crate::model::time::days_from_civil(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }
}
