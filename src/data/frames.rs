//! Building the cohort's polars frames (visits, samples, subjects) from merged rows: the
//! second half of assembly, after visits and subjects are merged.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::hash::{HashMap, HashSet};

use polars::prelude::*;

use super::parts::{Attr, Parts, SubjectAttrs, VisitRow};
use crate::metrics::clinical::fill_bmi;
use crate::model::columns as c;
use crate::model::time::DAYS_PER_MONTH;
use crate::model::{AbundanceKind, AbundanceTable, Finding, Severity};

/// Canonical order of measure columns; extra measures follow in the order they were met.
fn measure_order(measures: &[String]) -> Vec<usize> {
    let canonical: Vec<&str> = c::ALSFRS_ITEMS
        .into_iter()
        .chain([
            c::ALSFRS_R_TOTAL,
            c::ALSFRS_ORIGINAL_TOTAL,
            c::WEIGHT_KG,
            c::HEIGHT_CM,
            c::BMI,
            c::REE_MEASURED_KCAL,
            c::FVC_PERCENT_PREDICTED,
            c::SIX_MWD_M,
        ])
        .collect();
    let mut order: Vec<usize> = canonical
        .iter()
        .filter_map(|n| measures.iter().position(|m| m == n))
        .collect();
    let rest: Vec<usize> = (0..measures.len()).filter(|i| !order.contains(i)).collect();
    order.extend(rest);
    order
}

/// Each measure's values over the visits in `order` (NaN where a visit has none, read values
/// being always finite), moved out of the visit rows: each row's values are let go as soon as
/// they are read, so the frames built next reuse their memory.
pub(super) fn take_measure_columns(
    visits: &mut [VisitRow],
    order: impl ExactSizeIterator<Item = usize>,
    num_measures: usize,
) -> Vec<Vec<f64>> {
    let n = order.len();
    let mut by_measure = vec![vec![f64::NAN; n]; num_measures];
    for (i, r) in order.enumerate() {
        let v = &mut visits[r];
        for (m, value) in v.values() {
            // A measure given twice keeps its first value.
            let slot = &mut by_measure[m][i];
            if slot.is_nan() {
                *slot = value;
            }
        }
        v.values = Box::default();
        v.merged = Vec::new();
    }
    by_measure
}

/// The visits frame, from the visits in order and their measures' columns
/// ([`take_measure_columns`]).
pub(super) fn visits_frame(
    rows: &[(&VisitRow, Option<f64>)],
    mut by_measure: Vec<Vec<f64>>,
    measures: &[String],
    subjects: &SubjectAttrs,
    onset_day: &HashMap<&str, f64>,
    file_name: &(dyn Fn(usize) -> String + Sync),
) -> PolarsResult<DataFrame> {
    let n = rows.len();
    let mut visit_number = Vec::with_capacity(n);
    let mut last: Option<&str> = None;
    let mut k = 0i32;
    for (v, _) in rows {
        if last != Some(&*v.subject) {
            k = 0;
            last = Some(&*v.subject);
        }
        k += 1;
        visit_number.push(k);
    }
    // Times as floats, NaN for none (days are always finite), taken as the columns' buffers.
    let day: Vec<f64> = rows.iter().map(|r| r.1.unwrap_or(f64::NAN)).collect();
    let months: Vec<f64> = day.iter().map(|d| d / DAYS_PER_MONTH).collect();
    let since_onset: Vec<f64> = rows
        .iter()
        .map(|(v, d)| Some((d.as_ref()? - onset_day.get(&*v.subject)?) / DAYS_PER_MONTH))
        .map(|m| m.unwrap_or(f64::NAN))
        .collect();
    let mut cols = vec![
        Column::new(
            c::SUBJECT_ID.into(),
            rows.iter().map(|r| &*r.0.subject).collect::<Vec<_>>(),
        ),
        Column::new(
            c::VISIT.into(),
            rows.iter().map(|r| r.0.label.as_deref()).collect::<Vec<_>>(),
        ),
        Column::new(c::VISIT_NUMBER.into(), visit_number),
        Column::new(c::DATE.into(), rows.iter().map(|r| r.0.date).collect::<Vec<_>>()).cast(&DataType::Date)?,
        nan_as_null(c::DAY, day),
        nan_as_null(c::MONTHS_SINCE_BASELINE, months),
        nan_as_null(c::MONTHS_SINCE_ONSET, since_onset),
    ];
    let height_id = measures.iter().position(|m| m == c::HEIGHT_CM);
    // Each measure's values become its column's buffer, not copied.
    for m in measure_order(measures) {
        let mut values = std::mem::take(&mut by_measure[m]);
        if Some(m) == height_id {
            fill_heights(rows, &mut values, subjects);
        }
        cols.push(nan_as_null(measures[m].as_str(), values));
    }
    if height_id.is_none() && subjects.values().any(|a| a.contains_key(c::HEIGHT_CM)) {
        let mut values = vec![f64::NAN; n];
        fill_heights(rows, &mut values, subjects);
        cols.push(nan_as_null(c::HEIGHT_CM, values));
    }
    if n > 0 && !measures.iter().any(|m| m == c::BMI) {
        cols.push(Column::new(c::BMI.into(), vec![None::<f64>; n]));
    }
    // Each file's name once, every row's cell pointing at it (a gather shares the text), not a
    // copy of the path per row.
    let mut files: HashMap<usize, IdxSize> = HashMap::default();
    let mut names: Vec<String> = Vec::new();
    let which: Vec<IdxSize> = rows
        .iter()
        .map(|(v, _)| {
            *files.entry(v.file).or_insert_with(|| {
                names.push(file_name(v.file));
                (names.len() - 1) as IdxSize
            })
        })
        .collect();
    let names = StringChunked::from_iter_values(c::SOURCE_FILE.into(), names.iter().map(String::as_str));
    cols.push(names.take(&IdxCa::from_vec(PlSmallStr::EMPTY, which))?.into_column());
    cols.push(Column::new(
        c::SOURCE_LINE.into(),
        rows.iter().map(|r| r.0.line as i64).collect::<Vec<_>>(),
    ));
    let mut df = DataFrame::new(n, cols)?;
    // With no rows there is no BMI column to fill (a header whose only row was unusable).
    if n > 0 && df.column(c::WEIGHT_KG).is_ok() && df.column(c::HEIGHT_CM).is_ok() {
        fill_bmi(&mut df)?;
    }
    Ok(df)
}

/// Height for BMI: the visit's own, else the subject's recorded height, else the subject's
/// nearest earlier (or first) measured height — adults' height is taken as constant.
fn fill_heights(rows: &[(&VisitRow, Option<f64>)], values: &mut [f64], subjects: &SubjectAttrs) {
    let mut start = 0;
    while start < rows.len() {
        let subject = &rows[start].0.subject;
        let end = (start..rows.len())
            .find(|&i| rows[i].0.subject != *subject)
            .unwrap_or(rows.len());
        let recorded = match subjects.get(&**subject).and_then(|a| a.get(c::HEIGHT_CM)) {
            Some(Attr::Num(h)) => Some(*h),
            _ => None,
        };
        let first_measured = values[start..end].iter().find(|v| !v.is_nan()).copied();
        let mut carried = recorded.or(first_measured);
        for v in &mut values[start..end] {
            if v.is_nan() {
                *v = carried.unwrap_or(f64::NAN);
            } else {
                carried = Some(*v);
            }
        }
        start = end;
    }
}

/// A float column taking `values` as its buffer (no copy), NaN read as null.
fn nan_as_null(name: &str, values: Vec<f64>) -> Column {
    let present = BooleanChunked::from_iter_values(PlSmallStr::EMPTY, values.iter().map(|v| !v.is_nan()));
    let validity = present.downcast_iter().next().map(|a| a.values().clone());
    Float64Chunked::from_vec_validity(name.into(), values, validity).into_column()
}

#[expect(
    clippy::too_many_arguments,
    reason = "one assembly step with one caller; a context struct would only rename them"
)]
pub(super) fn samples_frame(
    parts: &Parts,
    abundances: Option<&AbundanceTable>,
    abundance_files: &HashMap<String, String>,
    visits: &[(&VisitRow, Option<f64>)],
    baseline: &HashMap<super::parts::Shared, i32>,
    max_gap: f64,
    file_name: &(dyn Fn(usize) -> String + Sync),
    findings: &mut Vec<Finding>,
) -> PolarsResult<DataFrame> {
    // Metadata per sample (first row wins). A sample listed twice in one file is a finding at
    // the second row; two metadata files that overlap (a full file and a subset) are one
    // finding per pair of files, with the count.
    let mut meta: BTreeMap<&str, &super::parts::SampleRow> = BTreeMap::new();
    let mut across: BTreeMap<(usize, usize), Vec<&str>> = BTreeMap::new();
    for s in &parts.samples {
        match meta.entry(s.sample.as_str()) {
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(s);
            }
            std::collections::btree_map::Entry::Occupied(e) => {
                let first = *e.get();
                if first.file == s.file {
                    findings.push(
                        Finding::new(
                            Severity::Warning,
                            "identity.duplicate-sample",
                            crate::i18n::trf(
                                "sample id listed twice in metadata (first at line {p1}); the first row is kept",
                                &[("p1", &first.line)],
                            ),
                        )
                        .file(&file_name(s.file))
                        .row(s.line)
                        .sample(&s.sample),
                    );
                } else {
                    across.entry((first.file, s.file)).or_default().push(&s.sample);
                }
            }
        }
    }
    for ((first, second), samples) in across {
        let examples: Vec<&str> = samples.iter().take(3).copied().collect();
        findings.push(
            Finding::new(
                Severity::Warning,
                "identity.duplicate-sample",
                crate::i18n::trf(
                    "{p1} sample(s) of this file are also listed in {p2}; the rows there are kept (e.g. {p3})",
                    &[
                        ("p1", &(samples.len())),
                        ("p2", &(file_name(first))),
                        ("p3", &(examples.join(", "))),
                    ],
                ),
            )
            .file(&file_name(second)),
        );
    }
    let abundance_ids: Vec<&str> =
        abundances.map_or_else(Vec::new, |a| a.sample_ids.iter().map(String::as_str).collect());
    let in_table: HashSet<&str> = abundance_ids.iter().copied().collect();
    let mut ids: Vec<&str> = abundance_ids.clone();
    ids.extend(meta.keys().filter(|k| !in_table.contains(*k)));

    let mut visit_days: HashMap<&str, Vec<(f64, i32)>> = HashMap::default();
    let mut k = 0;
    let mut last = "";
    for (v, d) in visits {
        if *v.subject != *last {
            k = 0;
            last = &v.subject;
        }
        k += 1;
        if let Some(d) = d {
            visit_days.entry(&*v.subject).or_default().push((*d, k));
        }
    }
    let has_visits = !visits.is_empty();
    let depth: HashMap<&str, f64> = abundances
        .filter(|a| a.kind == AbundanceKind::Counts)
        .map(|a| {
            (0..a.num_samples())
                .map(|s| (a.sample_ids[s].as_str(), a.sample_total(s)))
                .collect()
        })
        .unwrap_or_default();

    let mut subject_col = Vec::new();
    let mut date_col = Vec::new();
    let mut day_col = Vec::new();
    let mut link_col = Vec::new();
    let mut gap_col = Vec::new();
    for id in &ids {
        let m = meta.get(id);
        let subject = m.and_then(|m| m.subject.as_deref());
        let date = m.and_then(|m| m.date);
        let day = match (date, subject.and_then(|s| baseline.get(s))) {
            (Some(d), Some(b)) => Some(f64::from(d - b)),
            _ => m.and_then(|m| m.day),
        };
        let link = match (subject, day) {
            (Some(s), Some(d)) => visit_days.get(s).and_then(|vs| {
                vs.iter()
                    .map(|(vd, k)| ((vd - d).abs(), *k))
                    .filter(|(gap, _)| *gap <= max_gap)
                    .min_by(|a, b| a.0.total_cmp(&b.0))
            }),
            _ => None,
        };
        if m.is_none() {
            let mut f = Finding::new(
                Severity::Warning,
                "identity.sample-without-metadata",
                crate::i18n::tr("sample has abundances but no metadata row, so no subject or time"),
            )
            .sample(id);
            if let Some(file) = abundance_files.get(*id) {
                f = f.file(file);
            }
            findings.push(f);
        } else if subject.is_none() {
            let s = m.map(|m| (m.file, m.line));
            let mut f = Finding::new(
                Severity::Warning,
                "identity.sample-without-subject",
                crate::i18n::tr("sample has no subject id"),
            )
            .sample(id);
            if let Some((file, line)) = s {
                f = f.file(&file_name(file)).row(line);
            }
            findings.push(f);
        } else if has_visits && link.is_none() {
            let (file, line) = m.map_or((0, 0), |m| (m.file, m.line));
            findings.push(
                Finding::new(
                    Severity::Warning,
                    "identity.unlinked-sample",
                    crate::i18n::trf(
                        "no visit of this subject within {max_gap} days of the sample; kept unlinked",
                        &[("max_gap", &max_gap)],
                    ),
                )
                .file(&file_name(file))
                .row(line)
                .subject(subject.unwrap_or_default())
                .sample(id),
            );
        }
        if abundances.is_some() && !in_table.contains(id) {
            let (file, line) = m.map_or((0, 0), |m| (m.file, m.line));
            findings.push(
                Finding::new(
                    Severity::Info,
                    "identity.sample-without-abundances",
                    crate::i18n::tr("sample has metadata but no abundances"),
                )
                .file(&file_name(file))
                .row(line)
                .sample(id),
            );
        }
        subject_col.push(subject);
        date_col.push(date);
        day_col.push(day);
        link_col.push(link.map(|l| l.1));
        gap_col.push(link.map(|l| l.0));
    }
    let n = ids.len();
    let mut cols = vec![
        Column::new(c::SAMPLE_ID.into(), ids.clone()),
        Column::new(c::SUBJECT_ID.into(), subject_col),
        Column::new(c::DATE.into(), date_col).cast(&DataType::Date)?,
        Column::new(c::DAY.into(), day_col),
        Column::new(c::LINKED_VISIT_NUMBER.into(), link_col),
        Column::new(c::LINK_GAP_DAYS.into(), gap_col),
    ];
    if !depth.is_empty() {
        cols.push(Column::new(
            c::READ_DEPTH.into(),
            ids.iter().map(|id| depth.get(id).copied()).collect::<Vec<_>>(),
        ));
    }
    let attr_names: BTreeSet<&str> = parts
        .samples
        .iter()
        .flat_map(|s| s.attrs.iter().map(|(k, _)| k.as_str()))
        .collect();
    let reserved: HashSet<&str> = cols
        .iter()
        .map(|c| c.name().as_str())
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    let mut extra = Vec::new();
    for name in attr_names {
        if reserved.contains(name) {
            continue;
        }
        let values: Vec<Option<&str>> = ids
            .iter()
            .map(|id| {
                meta.get(id)
                    .and_then(|m| m.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()))
            })
            .collect();
        extra.push(Column::new(name.into(), values));
    }
    let given = given_sample_values(parts, &ids, &reserved, file_name, findings);
    cols.extend(extra);
    cols.extend(given);
    DataFrame::new(n, cols)
}

/// Per-sample values a file gives (QIIME 2 alpha diversity) as numeric columns. A name the
/// samples table already has, or derives (`observed_features`), gets a `_qiime2` suffix, so the
/// given and the computed values sit side by side.
fn given_sample_values(
    parts: &Parts,
    ids: &[&str],
    reserved: &HashSet<&str>,
    file_name: &(dyn Fn(usize) -> String + Sync),
    findings: &mut Vec<Finding>,
) -> Vec<Column> {
    let row_of: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut taken: HashSet<String> = reserved.iter().map(|s| (*s).to_owned()).collect();
    taken.extend(
        parts
            .samples
            .iter()
            .flat_map(|s| s.attrs.iter().map(|(k, _)| k.clone())),
    );
    taken.extend(c::DERIVED_SAMPLE.iter().map(|s| (*s).to_owned()));
    let mut out = Vec::new();
    for given in &parts.sample_values {
        let mut name = given.name.clone();
        if taken.contains(&name) {
            name = format!("{}_qiime2", given.name);
        }
        let mut k = 2;
        while taken.contains(&name) {
            name = format!("{}_qiime2_{k}", given.name);
            k += 1;
        }
        taken.insert(name.clone());
        let mut values: Vec<Option<f64>> = vec![None; ids.len()];
        let mut unknown = Vec::new();
        for (sample, v) in &given.values {
            match row_of.get(sample.as_str()) {
                Some(&r) => values[r] = Some(*v),
                None => unknown.push(sample.as_str()),
            }
        }
        if !unknown.is_empty() {
            findings.push(
                Finding::new(
                    Severity::Info,
                    "identity.unknown-sample-values",
                    crate::i18n::trf("{p1} of the {p2} samples here are in no table or metadata of the cohort (e.g. {p3}); their {p4} is not used", &[("p1", &(unknown.len())), ("p2", &(given.values.len())), ("p3", &(unknown.iter().take(3).copied().collect::<Vec<_>>().join(", "))), ("p4", &given.name)]),
                )
                .file(&file_name(given.file)),
            );
        }
        out.push(Column::new(name.into(), values));
    }
    out
}

/// The subjects table, one row per subject of `ids` (every subject, in natural order).
pub(super) fn subjects_frame(
    subjects: &SubjectAttrs,
    ids: &[&str],
    baseline: &HashMap<super::parts::Shared, i32>,
    onset_day: &HashMap<&str, f64>,
    visits: &[(&VisitRow, Option<f64>)],
    samples: &DataFrame,
) -> PolarsResult<DataFrame> {
    let n = ids.len();
    let mut num_visits: HashMap<&str, i32> = HashMap::default();
    for (v, _) in visits {
        *num_visits.entry(&*v.subject).or_default() += 1;
    }
    let mut num_samples: HashMap<String, i32> = HashMap::default();
    if let Ok(col) = samples.column(c::SUBJECT_ID).and_then(|c| c.str().cloned()) {
        for s in col.iter().flatten() {
            *num_samples.entry(s.to_owned()).or_default() += 1;
        }
    }
    let mut cols = vec![Column::new(c::SUBJECT_ID.into(), ids.to_vec())];
    let preferred = [
        c::GROUP,
        c::ARM,
        c::SITE,
        c::SEX,
        c::AGE_YEARS,
        c::BIRTH_YEAR,
        c::BIRTH_DATE,
        c::ONSET_DATE,
        c::ONSET_DELTA_DAYS,
        c::ONSET_REGION,
        c::HEIGHT_CM,
        c::WEIGHT_KG,
        c::PREMORBID_WEIGHT_KG,
    ];
    let mut names: Vec<&str> = preferred.to_vec();
    let others: BTreeSet<&str> = subjects
        .values()
        .flat_map(|a| a.keys().map(String::as_str))
        .filter(|k| !preferred.contains(k))
        .collect();
    names.extend(others);
    let derived = [c::BASELINE_DATE, c::NUM_VISITS, c::NUM_SAMPLES, c::SUBJECT_ID];
    let attrs: Vec<Option<&BTreeMap<String, Attr>>> = ids.iter().map(|id| subjects.get(*id)).collect();
    for name in names {
        let values: Vec<Option<&Attr>> = attrs.iter().map(|a| a.and_then(|a| a.get(name))).collect();
        // A file's own column named like a derived one is kept under another name.
        let column_name = if derived.contains(&name) {
            format!("{name}_given")
        } else {
            name.to_owned()
        };
        let name = column_name.as_str();
        let present: Vec<&Attr> = values.iter().flatten().copied().collect();
        if name == c::ONSET_DELTA_DAYS {
            // Derived from onset date where only the date was given.
            let v: Vec<Option<f64>> = ids.iter().map(|id| onset_day.get(id).copied()).collect();
            if v.iter().any(Option::is_some) {
                cols.push(Column::new(name.into(), v));
            }
            continue;
        }
        if present.is_empty() {
            continue;
        }
        if present.iter().all(|a| matches!(a, Attr::Num(_))) {
            let v: Vec<Option<f64>> = values
                .iter()
                .map(|a| match a {
                    Some(Attr::Num(x)) => Some(*x),
                    _ => None,
                })
                .collect();
            cols.push(Column::new(name.into(), v));
        } else if present.iter().all(|a| matches!(a, Attr::Date(_))) {
            let v: Vec<Option<i32>> = values
                .iter()
                .map(|a| match a {
                    Some(Attr::Date(x)) => Some(*x),
                    _ => None,
                })
                .collect();
            cols.push(Column::new(name.into(), v).cast(&DataType::Date)?);
        } else {
            let v: Vec<Option<String>> = values.iter().map(|a| a.map(Attr::display)).collect();
            cols.push(Column::new(name.into(), v));
        }
    }
    cols.push(
        Column::new(
            c::BASELINE_DATE.into(),
            ids.iter().map(|id| baseline.get(*id).copied()).collect::<Vec<_>>(),
        )
        .cast(&DataType::Date)?,
    );
    cols.push(Column::new(
        c::NUM_VISITS.into(),
        ids.iter()
            .map(|id| num_visits.get(id).copied().unwrap_or(0))
            .collect::<Vec<_>>(),
    ));
    cols.push(Column::new(
        c::NUM_SAMPLES.into(),
        ids.iter()
            .map(|id| num_samples.get(*id).copied().unwrap_or(0))
            .collect::<Vec<_>>(),
    ));
    DataFrame::new(n, cols)
}
