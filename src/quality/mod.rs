//! Data-quality rules (DESIGN §4): one file per family, each turning the loaded cohort's
//! frames into [`Finding`]s located at file, row, column, subject and sample. [`check`] runs
//! them all after the loaders' own findings, applies the rules file's severities and sorts.

pub mod alsfrs;
pub mod catalogue;
pub mod composition;
pub mod events;
pub mod frames;
pub mod identity;
pub mod queries;
pub mod ranges;
pub mod report;
pub mod review;
pub mod rules;
pub mod schema;
pub mod time;
pub mod units;

use std::collections::{BTreeMap, HashMap};

use crate::model::frame::ColumnError;
use crate::model::{Cohort, Finding, Severity};
pub use catalogue::{CATALOGUE, RuleInfo, rule_info};
#[cfg(test)]
pub(crate) use frames::test_frames;
pub use frames::{ALSFRS_ITEMS, MEASURES, REE, Subjects, Visits, finding, show};
pub use rules::{DEFAULT_RULES_TOML, Level, Rules, RulesError};

/// Every finding about `cohort`: the loaders', then each family's, with severities as the rules
/// say (rules set to `off` dropped), each with its subject's site, worst first. Fails only when
/// a cohort frame has a column of the wrong type.
pub fn check(cohort: &Cohort, rules: &Rules) -> Result<Vec<Finding>, ColumnError> {
    let visits = Visits::new(cohort.visits())?;
    let subjects = Subjects::new(cohort.subjects())?;
    let mut found = cohort.findings.clone();
    found.extend(schema::check(cohort, &visits));
    let mixups = units::MixUps::find(&visits, &subjects, rules);
    found.extend(ranges::check(&visits, &mixups, rules));
    found.extend(units::check(&visits, &mixups));
    found.extend(identity::check(&visits, &subjects));
    found.extend(time::check(&visits, &subjects, cohort.samples(), &mixups, rules)?);
    found.extend(alsfrs::check(&visits, rules));
    found.extend(events::check(cohort.subjects(), &visits)?);
    found.extend(composition::check(cohort, rules));
    let site: HashMap<&str, &str> = subjects
        .id
        .iter()
        .zip(&subjects.site)
        .filter_map(|(id, s)| Some((id.as_deref()?, s.as_deref()?)))
        .collect();
    // The visit of each finding at a visit row, for its fingerprint (only those rows are keyed).
    let mut at_rows: HashMap<String, std::collections::HashSet<usize>> = HashMap::new();
    for f in found.iter().filter(|f| f.visit.is_none()) {
        if let (Some(file), Some(line)) = (&f.file, f.row) {
            at_rows.entry(file.clone()).or_default().insert(line);
        }
    }
    let visit = visits.keys_at(&at_rows);
    // A sample's finding belongs to the sample's subject (and so goes to its site's queries);
    // the samples are read only when a finding needs it.
    let mut sample_subject: HashMap<String, String> = HashMap::new();
    if found.iter().any(|f| f.subject.is_none() && f.sample.is_some()) {
        let samples = cohort.samples();
        sample_subject = crate::model::frame::opt_strs(samples, crate::model::columns::SAMPLE_ID)?
            .into_iter()
            .zip(crate::model::frame::opt_strs(
                samples,
                crate::model::columns::SUBJECT_ID,
            )?)
            .filter_map(|(sample, subject)| Some((sample?, subject?)))
            .collect();
    }
    let mut out: Vec<Finding> = found
        .into_iter()
        .filter_map(|mut f| {
            f.severity = rules.severity_of(&f.rule, f.severity)?;
            if f.subject.is_none() {
                f.subject = f.sample.as_deref().and_then(|s| sample_subject.get(s)).cloned();
            }
            if f.site.is_none() {
                f.site = f.subject.as_deref().and_then(|s| site.get(s)).map(|s| (*s).to_owned());
            }
            if f.visit.is_none()
                && let (Some(file), Some(line)) = (&f.file, f.row)
            {
                f.visit = visit.get(&(file.clone(), line)).cloned();
            }
            Some(f)
        })
        .collect();
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.file.cmp(&b.file))
            .then_with(|| a.row.cmp(&b.row))
            .then_with(|| a.sample.cmp(&b.sample))
    });
    Ok(out)
}

/// Errors, warnings and info in `findings` (as for the load findings alone).
pub use crate::model::severity_counts as counts;

/// Findings per rule, with the worst severity met: (rule, severity, count), in rule order.
pub fn by_rule(findings: &[Finding]) -> Vec<(String, Severity, usize)> {
    let mut map: BTreeMap<&str, (Severity, usize)> = BTreeMap::new();
    for f in findings {
        let e = map.entry(&f.rule).or_insert((f.severity, 0));
        e.0 = e.0.max(f.severity);
        e.1 += 1;
    }
    map.into_iter().map(|(r, (s, n))| (r.to_owned(), s, n)).collect()
}

/// Findings per site: (site, errors, warnings, info); findings with no site under "–".
pub fn by_site(findings: &[Finding]) -> Vec<(String, usize, usize, usize)> {
    let mut map: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        map.entry(f.site.as_deref().unwrap_or("–")).or_default().push(f);
    }
    map.into_iter()
        .map(|(site, fs)| {
            let (e, w, i) = counts(fs.iter().copied());
            (site.to_owned(), e, w, i)
        })
        .collect()
}
