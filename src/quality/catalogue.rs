//! The catalogue of every rule id: its family, default severity, whether the loaders report
//! it, and what it checks (the README's rule table, and the ids a rules file may name).

use serde::Serialize;

use crate::model::Severity;

/// One rule: its id, family, default severity and what it reports.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct RuleInfo {
    pub id: &'static str,
    pub family: &'static str,
    pub severity: Severity,
    /// Found while loading (the loaders report it) rather than by `quality::check`.
    pub at_load: bool,
    pub description: &'static str,
}

impl RuleInfo {
    /// What the rule checks, in the language in use.
    pub fn text(&self) -> &'static str {
        crate::i18n::tr(self.description)
    }
}

const fn rule(
    id: &'static str,
    family: &'static str,
    severity: Severity,
    at_load: bool,
    description: &'static str,
) -> RuleInfo {
    RuleInfo {
        id,
        family,
        severity,
        at_load,
        description,
    }
}

use Severity::{Error as E, Info as I, Warning as W};

/// Every rule, by family. The README's rule table is this list.
pub const CATALOGUE: &[RuleInfo] = &[
    rule(
        "load.skipped-files",
        "load",
        W,
        true,
        "files that could not be read at all",
    ),
    rule(
        "load.unrecognised-file",
        "load",
        W,
        true,
        "a file whose layout was not recognised",
    ),
    rule(
        "load.unreadable-column",
        "load",
        W,
        true,
        "Parquet columns of a type with no text form (lists, structs, durations), left out",
    ),
    rule(
        "load.extra-fields",
        "load",
        W,
        true,
        "rows with more fields than the header",
    ),
    rule(
        "load.unknown-event",
        "load",
        W,
        true,
        "events-table rows naming an event the app does not use",
    ),
    rule(
        "load.event-without-time",
        "load",
        E,
        true,
        "an events-table row with no readable date or day",
    ),
    rule(
        "schema.missing-role",
        "schema",
        W,
        false,
        "a role the checks and metrics need is in no file (dates, ALSFRS-R, weight, height, onset)",
    ),
    rule(
        "schema.missing-date",
        "schema",
        W,
        false,
        "a visit without a date in a cohort whose visits are dated",
    ),
    rule(
        "schema.duplicate-column",
        "schema",
        W,
        true,
        "two columns of a file mean the same role",
    ),
    rule(
        "schema.unparseable-number",
        "schema",
        W,
        true,
        "a measure cell that is not a number",
    ),
    rule(
        "schema.unparseable-date",
        "schema",
        W,
        true,
        "a date cell that is not a date",
    ),
    rule(
        "schema.alsfrs-scale",
        "schema",
        I,
        true,
        "the original 40-point ALSFRS, not ALSFRS-R",
    ),
    rule(
        "schema.empty-table",
        "schema",
        E,
        true,
        "an abundance table without samples or features",
    ),
    rule(
        "schema.no-clades",
        "schema",
        E,
        true,
        "a MetaPhlAn table without clade rows",
    ),
    rule("range.alsfrs-item", "ranges", E, false, "an ALSFRS-R item outside 0–4"),
    rule(
        "range.alsfrs-total",
        "ranges",
        E,
        false,
        "an ALSFRS-R total outside 0–48",
    ),
    rule("range.bmi", "ranges", W, false, "BMI outside 10–60 kg/m²"),
    rule("range.weight", "ranges", W, false, "weight outside 25–250 kg"),
    rule("range.height", "ranges", W, false, "height outside 120–230 cm"),
    rule(
        "range.ree",
        "ranges",
        W,
        false,
        "measured REE outside 500–5000 kcal/day",
    ),
    rule("range.negative-abundance", "ranges", E, true, "a negative abundance"),
    rule(
        "units.weight-lb",
        "units",
        W,
        false,
        "weights that read as pounds, not kilograms",
    ),
    rule(
        "units.ree-kj",
        "units",
        W,
        false,
        "an REE that reads as kJ/day, not kcal/day",
    ),
    rule(
        "units.height-m",
        "units",
        W,
        true,
        "a height in metres (converted to cm at load)",
    ),
    rule(
        "units.percent-abundance",
        "units",
        I,
        true,
        "relative abundances in percent (converted)",
    ),
    rule(
        "units.mixed-abundance-kinds",
        "units",
        W,
        true,
        "counts and relative abundances mixed across tables",
    ),
    rule(
        "identity.missing-subject",
        "identity",
        E,
        true,
        "a row with values but no subject id",
    ),
    rule(
        "identity.duplicate-visit",
        "identity",
        E,
        true,
        "one subject and visit twice (error if the values differ)",
    ),
    rule(
        "identity.duplicate-subject",
        "identity",
        W,
        true,
        "one subject on two rows of the subjects table",
    ),
    rule("identity.duplicate-sample", "identity", W, true, "one sample id twice"),
    rule(
        "identity.duplicate-table",
        "identity",
        I,
        true,
        "the same abundance table in two files (a .biom and its TSV), read once",
    ),
    rule(
        "identity.partial-ordination",
        "identity",
        W,
        true,
        "a given distance matrix or PCoA misses samples of the table, so it is not used",
    ),
    rule(
        "identity.unknown-sample-values",
        "identity",
        I,
        true,
        "per-sample values (QIIME 2 alpha diversity) for samples the cohort does not have",
    ),
    rule(
        "identity.conflicting-attribute",
        "identity",
        W,
        true,
        "one subject given two different values of an attribute",
    ),
    rule(
        "identity.subject-not-in-subjects",
        "identity",
        W,
        false,
        "a subject with data but no row in the subjects table",
    ),
    rule(
        "identity.subject-without-data",
        "identity",
        I,
        false,
        "a subjects-table row with no visits and no samples",
    ),
    rule(
        "identity.sample-without-subject",
        "identity",
        W,
        true,
        "a sample with no subject id",
    ),
    rule(
        "identity.unlinked-sample",
        "identity",
        W,
        true,
        "a sample with no visit of its subject within the link gap",
    ),
    rule(
        "identity.sample-without-metadata",
        "identity",
        W,
        true,
        "abundances for a sample with no metadata row",
    ),
    rule(
        "identity.sample-without-abundances",
        "identity",
        I,
        true,
        "metadata for a sample with no abundances",
    ),
    rule(
        "events.before-onset",
        "events",
        E,
        false,
        "death, tracheostomy, NIV or gastrostomy before the subject's symptom onset",
    ),
    rule(
        "events.before-birth",
        "events",
        E,
        false,
        "an event dated before the subject's birth",
    ),
    rule(
        "events.visit-after-death",
        "events",
        E,
        false,
        "a visit dated after the subject's death",
    ),
    rule(
        "events.died-without-date",
        "events",
        W,
        false,
        "died = yes with no date or day of death",
    ),
    rule(
        "events.death-but-alive",
        "events",
        E,
        false,
        "a date of death for a subject recorded as died = no",
    ),
    rule(
        "time.before-onset",
        "time",
        E,
        false,
        "a visit dated before the subject's symptom onset",
    ),
    rule(
        "time.before-birth",
        "time",
        E,
        false,
        "a visit dated before the subject's birth year",
    ),
    rule(
        "time.future-date",
        "time",
        E,
        false,
        "a visit or sample dated after today",
    ),
    rule(
        "time.ambiguous-date",
        "time",
        W,
        true,
        "a date that reads as day/month and month/day",
    ),
    rule(
        "time.mixed-date-formats",
        "time",
        I,
        true,
        "day/month and month/day dates in one column",
    ),
    rule(
        "time.long-gap",
        "time",
        W,
        false,
        "consecutive visits further apart than max_visit_gap_days",
    ),
    rule(
        "time.height-change",
        "time",
        W,
        false,
        "an adult height differing from the subject median by more than max_height_change_cm",
    ),
    rule(
        "time.alsfrs-rise",
        "time",
        W,
        false,
        "ALSFRS-R total rising more than max_alsfrs_rise between visits",
    ),
    rule(
        "time.weight-change",
        "time",
        W,
        false,
        "weight changing faster than max_weight_change_kg_per_month",
    ),
    rule(
        "alsfrs.total-mismatch",
        "alsfrs",
        E,
        false,
        "ALSFRS-R total ≠ the sum of its 12 items",
    ),
    rule(
        "alsfrs.both-5a-5b",
        "alsfrs",
        W,
        false,
        "items 5a and 5b both scored (only one applies)",
    ),
    rule(
        "composition.not-normalised",
        "composition",
        W,
        true,
        "relative abundances not summing to 1 (or 100)",
    ),
    rule(
        "composition.presence-absence",
        "composition",
        I,
        true,
        "a presence/absence table (QIIME 2 FeatureTable[PresenceAbsence]): only presence-based metrics mean anything",
    ),
    rule(
        "composition.all-zero",
        "composition",
        E,
        false,
        "a sample whose abundances are all zero",
    ),
    rule(
        "composition.low-depth",
        "composition",
        W,
        false,
        "a sample with few reads (count tables)",
    ),
    rule(
        "composition.missing-taxonomy",
        "composition",
        W,
        false,
        "a feature with no taxonomy when one was loaded",
    ),
    rule(
        "composition.conflicting-taxonomy",
        "composition",
        W,
        true,
        "a feature given two different lineages",
    ),
];

/// The catalogue entry of a rule id.
pub fn rule_info(id: &str) -> Option<&'static RuleInfo> {
    CATALOGUE.iter().find(|r| r.id == id)
}
