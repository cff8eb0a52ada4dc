//! From parts to a Cohort: merge visits from several files, place every observation in time
//! (`day` since the subject's baseline, months since onset), link samples to visits, and build
//! the polars frames.

use std::collections::BTreeMap;

use crate::model::hash::{HashMap, HashSet};

use polars::prelude::*;

use super::frames::{samples_frame, subjects_frame, take_measure_columns, visits_frame};
use super::parts::{Attr, Parts, SampleRow, Shared, SubjectAttrs, VisitRow};
use crate::model::natural::natural_cmp;
use crate::model::{AbundanceTable, Cohort, Finding, Severity, SourceFile, SparseRows, columns as c};

/// Errors building the frames (a polars failure is a bug, reported rather than panicking).
#[derive(Debug, thiserror::Error)]
pub enum AssembleError {
    #[error("{}", crate::i18n::tr("building the cohort tables failed"))]
    Polars(#[from] PolarsError),
}

/// Build the Cohort from everything the readers produced.
pub fn assemble(
    mut parts: Parts,
    sources: Vec<SourceFile>,
    subject_files: &HashSet<usize>,
    max_gap_days: f64,
) -> Result<Cohort, AssembleError> {
    let file_name = |i: usize| sources.get(i).map_or_else(String::new, |s| s.path.clone());
    let mut findings = std::mem::take(&mut parts.findings);
    // Metadata a feature table carries fills in only for samples no metadata file lists.
    let listed: HashSet<String> = parts
        .samples
        .iter()
        .filter(|s| !s.from_table)
        .map(|s| s.sample.clone())
        .collect();
    parts.samples.retain(|s| !s.from_table || !listed.contains(&s.sample));
    // The visits merged and the subjects' attributes gathered at once; their findings in that
    // order.
    let raw_visits = std::mem::take(&mut parts.visits);
    let ((mut visits, visit_findings), (mut subjects, subject_findings)) = rayon::join(
        || {
            let mut found = Vec::new();
            (merge_visits(raw_visits, &parts.measures, &file_name, &mut found), found)
        },
        || {
            let mut found = Vec::new();
            (merge_subjects(&parts, subject_files, &file_name, &mut found), found)
        },
    );
    findings.extend(visit_findings);
    findings.extend(subject_findings);
    add_unlisted_subjects(&mut subjects, &visits, &parts.samples);
    // The subjects' rows are merged: their memory goes to the frames built next.
    drop(std::mem::take(&mut parts.subjects));
    // The file each abundance sample came from, for findings about it.
    let abundance_files: HashMap<String, String> = parts
        .abundances
        .iter()
        .flat_map(|(file, t)| t.sample_ids.iter().map(move |s| (s.clone(), *file)))
        .map(|(s, f)| (s, file_name(f)))
        .collect();
    let abundances = merge_abundances(std::mem::take(&mut parts.abundances), &file_name, &mut findings);

    // Baseline per subject: first visit date, else first sample date.
    // (Keyed by shared ids, not borrowed from the visits, whose values are moved out below.)
    let mut baseline: HashMap<Shared, i32> = HashMap::default();
    let mut earliest = |subject: &str, d: i32| match baseline.get_mut(subject) {
        Some(b) => *b = (*b).min(d),
        None => {
            baseline.insert(Shared::from(subject), d);
        }
    };
    for v in &visits {
        if let Some(d) = v.date {
            earliest(&v.subject, d);
        }
    }
    let with_visits: HashSet<&str> = visits.iter().map(|v| &*v.subject).collect();
    for s in &parts.samples {
        if let (Some(subj), Some(d)) = (&s.subject, s.date)
            && !with_visits.contains(subj.as_str())
        {
            earliest(subj, d);
        }
    }
    let onset_day: HashMap<&str, f64> = subjects
        .iter()
        .filter_map(|(id, attrs)| {
            let from_date = match (attrs.get(c::ONSET_DATE), baseline.get(id.as_str())) {
                (Some(Attr::Date(o)), Some(b)) => Some(f64::from(o - b)),
                _ => None,
            };
            let from_delta = match attrs.get(c::ONSET_DELTA_DAYS) {
                Some(Attr::Num(d)) => Some(*d),
                _ => None,
            };
            from_date.or(from_delta).map(|d| (id.as_str(), d))
        })
        .collect();

    // Visits table, sorted by subject and time.
    let day_of = |v: &VisitRow| match (v.date, baseline.get(&*v.subject)) {
        (Some(d), Some(b)) => Some(f64::from(d - b)),
        _ => v.day,
    };
    // Subjects in natural order (the subjects table's), ranked once (not compared at every
    // step of the visits' sort).
    let mut names: Vec<&str> = subjects.keys().map(String::as_str).collect();
    names.sort_by(|a, b| natural_cmp(a, b));
    let rank: HashMap<&str, usize> = names.iter().enumerate().map(|(i, s)| (*s, i)).collect();
    // The visits' keys, the visit's place last so the unstable sort (which needs no scratch
    // space) keeps rows with equal keys in their order.
    let mut keyed: Vec<VisitOrder> = visits
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let rank = rank.get(&*v.subject).copied().unwrap_or(usize::MAX);
            let day = day_of(v).unwrap_or(f64::INFINITY);
            (rank, day, v.order.unwrap_or(f64::INFINITY), v.line, i)
        })
        .collect();
    keyed.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.total_cmp(&b.1))
            .then(a.2.total_cmp(&b.2))
            .then(a.3.cmp(&b.3))
            .then(a.4.cmp(&b.4))
    });
    let by_measure = take_measure_columns(&mut visits, keyed.iter().map(|k| k.4), parts.measures.len());
    let rows: Vec<(&VisitRow, Option<f64>)> = keyed.iter().map(|k| (&visits[k.4], day_of(&visits[k.4]))).collect();
    drop(keyed);
    // The visits frame beside the samples frame (the samples linked to the nearest visit of
    // their subject) and then the subjects frame, which counts the samples.
    let (visits_df, samples_and_subjects) = rayon::join(
        || visits_frame(&rows, by_measure, &parts.measures, &subjects, &onset_day, &file_name),
        || -> Result<_, AssembleError> {
            let samples_df = samples_frame(
                &parts,
                abundances.as_ref(),
                &abundance_files,
                &rows,
                &baseline,
                max_gap_days,
                &file_name,
                &mut findings,
            )?;
            let subjects_df = subjects_frame(&subjects, &names, &baseline, &onset_day, &rows, &samples_df)?;
            Ok((samples_df, subjects_df))
        },
    );
    let visits_df = visits_df?;
    let (samples_df, subjects_df) = samples_and_subjects?;

    let mut cohort = Cohort {
        subjects: subjects_df,
        visits: visits_df,
        samples: samples_df,
        abundances,
        taxonomy: parts.take_taxonomy(),
        distances: std::mem::take(&mut parts.distances),
        ordinations: std::mem::take(&mut parts.ordinations),
        sources: Vec::new(),
        findings: Vec::new(),
        max_link_gap_days: max_gap_days,
    };
    given_coverage(&cohort, &mut findings);
    cohort.sources = sources;
    cohort.findings = findings;
    // Freeing the merged rows' many small allocations takes tens of milliseconds at scale: on
    // another thread, not on the way to the first screen.
    drop(rows);
    let _ = std::thread::Builder::new()
        .name("free-parts".to_owned())
        .spawn(move || drop((visits, subjects, parts)));
    Ok(cohort)
}

/// A given distance matrix or PCoA is used for the ordination only when it places every sample
/// with abundances; one that does not is named, with what it misses.
fn given_coverage(cohort: &Cohort, findings: &mut Vec<Finding>) {
    if cohort.abundances().is_none() {
        return;
    }
    let wanted = cohort.ordination_samples();
    let given = cohort
        .given_distances()
        .iter()
        .map(|g| (&g.file, &g.value.ids, "distance matrix"))
        .chain(
            cohort
                .given_ordinations()
                .iter()
                .map(|g| (&g.file, &g.value.ids, "PCoA")),
        );
    for (file, ids, what) in given {
        let have: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let missing: Vec<&str> = wanted.iter().copied().filter(|id| !have.contains(id)).collect();
        if missing.is_empty() {
            continue;
        }
        findings.push(
            Finding::new(
                Severity::Warning,
                "identity.partial-ordination",
                crate::i18n::trf("this {what} places {p1} of the {p2} samples with abundances (missing e.g. {p3}); the ordination is computed from the table instead", &[("what", &what), ("p1", &(wanted.len() - missing.len())), ("p2", &(wanted.len())), ("p3", &(missing.iter().take(3).copied().collect::<Vec<_>>().join(", ")))]),
            )
            .file(file),
        );
    }
}

/// Where a visit sorts: its subject's rank (natural order), day, visit order and line, then
/// its place among the visits.
type VisitOrder = (usize, f64, f64, usize, usize);

#[derive(Hash, PartialEq, Eq)]
enum VisitKey {
    Date(i32),
    Day(u64),
    Label(super::parts::Shared),
    Order(u64),
}

fn visit_key(row: &VisitRow) -> VisitKey {
    if let Some(d) = row.date {
        VisitKey::Date(d)
    } else if let Some(d) = row.day {
        VisitKey::Day(d.to_bits())
    } else if let Some(l) = &row.label {
        VisitKey::Label(l.clone())
    } else {
        VisitKey::Order(row.order.unwrap_or(0.0).to_bits())
    }
}

fn merge_visits(
    mut rows: Vec<VisitRow>,
    measures: &[String],
    file_name: &dyn Fn(usize) -> String,
    findings: &mut Vec<Finding>,
) -> Vec<VisitRow> {
    // Which merged visit each row belongs to, numbered in order of appearance. The table holds
    // the first row of each visit (its number is looked up in `group`), hashed by its subject
    // and visit key: 4 bytes an entry, where a map keyed by them took 48.
    let hasher = foldhash::fast::RandomState::default();
    let hash = |row: &VisitRow| std::hash::BuildHasher::hash_one(&hasher, (&*row.subject, visit_key(row)));
    let same = |a: &VisitRow, b: &VisitRow| a.subject == b.subject && visit_key(a) == visit_key(b);
    let mut firsts: hashbrown::HashTable<u32> = hashbrown::HashTable::new();
    let mut group: Vec<usize> = Vec::with_capacity(rows.len());
    let mut visits = 0;
    for (r, row) in rows.iter().enumerate() {
        let entry = firsts.entry(
            hash(row),
            |&f| same(&rows[f as usize], row),
            |&f| hash(&rows[f as usize]),
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(first) => group.push(group[*first.get() as usize]),
            hashbrown::hash_table::Entry::Vacant(slot) => {
                slot.insert(r as u32);
                group.push(visits);
                visits += 1;
            }
        }
    }
    drop(firsts);
    // In place, not into a second list: a visit's first row moves down to the visit's place
    // (never later than where it is, as visits are numbered in order of appearance), and its
    // later rows are merged into it there.
    let mut kept = 0;
    for (r, i) in group.into_iter().enumerate() {
        if i == kept {
            rows.swap(r, kept);
            kept += 1;
            continue;
        }
        let (done, rest) = rows.split_at_mut(r);
        let (first, row) = (&mut done[i], &mut rest[0]);
        let same_file = first.file == row.file;
        let mut conflicts = Vec::new();
        for (m, v) in row.given() {
            match first.value(m) {
                Some(old) if (old - v).abs() > 1e-9 => conflicts.push(format!("{} {old} vs {v}", measures[m])),
                _ => {}
            }
        }
        if same_file || !conflicts.is_empty() {
            let first = format!("{}:{}", file_name(first.file), first.line);
            let (severity, message) = if conflicts.is_empty() {
                (
                    Severity::Warning,
                    crate::i18n::trf(
                        "same subject and visit as {first}, with the same values; the duplicate row was merged",
                        &[("first", &first)],
                    ),
                )
            } else {
                (
                    Severity::Error,
                    crate::i18n::trf(
                        "same subject and visit as {first} with different values ({p1}); the first values were kept",
                        &[("first", &first), ("p1", &(conflicts.join(", ")))],
                    ),
                )
            };
            findings.push(
                Finding::new(severity, "identity.duplicate-visit", message)
                    .file(&file_name(row.file))
                    .row(row.line)
                    .subject(&row.subject),
            );
        }
        for (m, v) in row.given() {
            if first.value(m).is_none() {
                first.merged.push((m, v));
            }
        }
        if first.label.is_none() {
            first.label = row.label.take();
        }
    }
    rows.truncate(kept);
    // The list grew by doubling while the files were read.
    rows.shrink_to_fit();
    rows
}

fn merge_subjects(
    parts: &Parts,
    subject_files: &HashSet<usize>,
    file_name: &dyn Fn(usize) -> String,
    findings: &mut Vec<Finding>,
) -> SubjectAttrs {
    let mut out: SubjectAttrs = BTreeMap::new();
    // Where each subject's subjects-table row was, to report a second one.
    let mut listed_at: HashMap<&str, (usize, usize)> = HashMap::default();
    for (r, row) in parts.subjects.iter().enumerate() {
        let entry = out.entry(row.subject.clone()).or_default();
        if subject_files.contains(&row.file) {
            entry
                .entry(c::LISTED_IN_SUBJECTS_TABLE.to_owned())
                .or_insert(Attr::Text("yes".to_owned()));
            if let Some((f, l)) = listed_at.insert(&row.subject, (row.file, row.line)) {
                findings.push(
                    Finding::new(
                        Severity::Warning,
                        "identity.duplicate-subject",
                        crate::i18n::trf("subject listed again (first at {p1}:{l}); differing values are reported as conflicts and the first kept", &[("p1", &(file_name(f))), ("l", &l)]),
                    )
                    .file(&file_name(row.file))
                    .row(row.line)
                    .subject(&row.subject),
                );
            }
        }
        for (name, value) in &row.attrs {
            match entry.get(name) {
                Some(old) if old != value => {
                    // The row that gave the value kept: the subject's first with this attribute
                    // (looked for only here, as conflicts are few).
                    let (f, l) = parts.subjects[..r]
                        .iter()
                        .find(|first| first.subject == row.subject && first.attrs.iter().any(|(n, _)| n == name))
                        .map_or((row.file, row.line), |first| (first.file, first.line));
                    findings.push(
                        Finding::new(
                            Severity::Warning,
                            "identity.conflicting-attribute",
                            crate::i18n::trf(
                                "{name} is `{p1}` here but `{p2}` at {p3}:{l}; the first is kept",
                                &[
                                    ("name", &name),
                                    ("p1", &(value.display())),
                                    ("p2", &(old.display())),
                                    ("p3", &(file_name(f))),
                                    ("l", &l),
                                ],
                            ),
                        )
                        .file(&file_name(row.file))
                        .row(row.line)
                        .subject(&row.subject)
                        .value(&value.display()),
                    );
                }
                Some(_) => {}
                None => {
                    entry.insert(name.clone(), value.clone());
                }
            }
        }
    }
    lift_sample_attributes(parts, &mut out, file_name, findings);
    out
}

/// Every subject with visits or samples but no attributes, with none.
fn add_unlisted_subjects(out: &mut SubjectAttrs, visits: &[VisitRow], samples: &[SampleRow]) {
    let visit_subjects = visits.iter().map(|v| &*v.subject);
    let mut last: Option<&str> = None;
    for subject in visit_subjects.chain(samples.iter().filter_map(|s| s.subject.as_deref())) {
        // A subject's rows mostly come together: look each run up once.
        if last != Some(subject) && !out.contains_key(subject) {
            out.insert(subject.to_owned(), BTreeMap::new());
        }
        last = Some(subject);
    }
}

/// Share of subjects (with two or more samples carrying the column) whose samples must agree for
/// a sample-metadata column to describe the subject.
const SUBJECT_LEVEL_AGREEMENT: f64 = 0.8;

/// Subject attributes given only in sample metadata (sex, delivery mode, diet, …). A column
/// whose values agree within at least [`SUBJECT_LEVEL_AGREEMENT`] of the subjects is a subject
/// attribute: each subject takes its first sample's value (sex and onset region normalised,
/// numbers as numbers) and a subject whose samples disagree gets a finding. Columns that vary
/// within most subjects (body site, visit) stay per sample. A subjects table's value wins.
fn lift_sample_attributes(
    parts: &Parts,
    out: &mut SubjectAttrs,
    file_name: &dyn Fn(usize) -> String,
    findings: &mut Vec<Finding>,
) {
    // Column → subject → (first value, where, disagreeing samples).
    type Seen<'a> = BTreeMap<&'a str, (&'a str, &'a SampleRow, Vec<&'a SampleRow>)>;
    let mut columns: BTreeMap<&str, Seen<'_>> = BTreeMap::new();
    for row in &parts.samples {
        let Some(subject) = row.subject.as_deref() else {
            continue;
        };
        for (name, value) in &row.attrs {
            let seen = columns.entry(name.as_str()).or_default();
            match seen.get_mut(subject) {
                None => {
                    seen.insert(subject, (value.as_str(), row, Vec::new()));
                }
                Some((first, _, differ)) => {
                    if *first != value.as_str() {
                        differ.push(row);
                    }
                }
            }
        }
    }
    for (name, seen) in columns {
        let num_agree = seen.values().filter(|(_, _, d)| d.is_empty()).count();
        if (num_agree as f64) < SUBJECT_LEVEL_AGREEMENT * seen.len() as f64 {
            continue;
        }
        let numeric = seen.values().all(|(v, _, _)| v.trim().parse::<f64>().is_ok());
        for (subject, (first, at, differ)) in seen {
            let attrs = out.entry(subject.to_owned()).or_default();
            if attrs.contains_key(name) {
                continue;
            }
            let value = match name {
                c::SEX => Attr::Text(super::clinical::normalize_sex(first)),
                c::ONSET_REGION => Attr::Text(super::clinical::normalize_region(first)),
                _ if numeric => first
                    .trim()
                    .parse()
                    .map_or_else(|_| Attr::Text(first.to_owned()), Attr::Num),
                _ => Attr::Text(first.to_owned()),
            };
            attrs.insert(name.to_owned(), value);
            for row in differ {
                let value = row
                    .attrs
                    .iter()
                    .find(|(k, _)| k == name)
                    .map_or("", |(_, v)| v.as_str());
                findings.push(
                    Finding::new(
                        Severity::Warning,
                        "identity.conflicting-attribute",
                        crate::i18n::trf("{name} is `{value}` in this sample but `{first}` in sample {p1} ({p2}:{p3}); the first is kept", &[("name", &name), ("value", &value), ("first", &first), ("p1", &at.sample), ("p2", &(file_name(at.file))), ("p3", &at.line)]),
                    )
                    .file(&file_name(row.file))
                    .row(row.line)
                    .subject(subject)
                    .sample(&row.sample)
                    .column(name)
                    .value(value),
                );
            }
        }
    }
}

/// Join several abundance tables into one (union of features, zero where absent).
fn merge_abundances(
    mut tables: Vec<(usize, AbundanceTable)>,
    file_name: &dyn Fn(usize) -> String,
    findings: &mut Vec<Finding>,
) -> Option<AbundanceTable> {
    // The same table in two formats (a QIIME 2 `.biom` and its `biom convert` TSV) is read once.
    let mut k = 1;
    while k < tables.len() {
        if let Some(j) = (0..k).find(|&j| same_table(&tables[j].1, &tables[k].1)) {
            findings.push(
                Finding::new(
                    Severity::Info,
                    "identity.duplicate-table",
                    crate::i18n::trf(
                        "holds the same {p1} × {p2} table as {p3}; it is read once",
                        &[
                            ("p1", &(tables[k].1.num_features())),
                            ("p2", &(tables[k].1.num_samples())),
                            ("p3", &(file_name(tables[j].0))),
                        ],
                    ),
                )
                .file(&file_name(tables[k].0)),
            );
            tables.remove(k);
        } else {
            k += 1;
        }
    }
    let mut iter = tables.into_iter();
    let (_, first) = iter.next()?;
    let rest: Vec<(usize, AbundanceTable)> = iter.collect();
    if rest.is_empty() {
        return Some(first);
    }
    let mixed = rest.iter().any(|(_, t)| t.kind != first.kind);
    let mut all = vec![first];
    all.extend(rest.into_iter().map(|(_, t)| t));
    if mixed {
        findings.push(Finding::new(
            Severity::Warning,
            "units.mixed-abundance-kinds",
            crate::i18n::tr(
                "some tables hold counts and others relative abundances; all were converted to relative abundances",
            ),
        ));
        all = all.iter().map(AbundanceTable::relative).collect();
    }
    let kind = all[0].kind;
    let mut feature_index: HashMap<String, usize> = HashMap::default();
    let mut feature_ids = Vec::new();
    for t in &all {
        for f in &t.feature_ids {
            feature_index.entry(f.clone()).or_insert_with(|| {
                feature_ids.push(f.clone());
                feature_ids.len() - 1
            });
        }
    }
    let mut sample_ids = Vec::new();
    let mut seen = HashSet::default();
    let mut rows = SparseRows::with_capacity(0, all.iter().map(AbundanceTable::num_nonzero).sum());
    let mut cells: Vec<(u32, f64)> = Vec::new();
    for t in &all {
        let map: Vec<u32> = t.feature_ids.iter().map(|f| feature_index[f] as u32).collect();
        for s in 0..t.num_samples() {
            if !seen.insert(t.sample_ids[s].clone()) {
                findings.push(
                    Finding::new(
                        Severity::Error,
                        "identity.duplicate-sample",
                        crate::i18n::tr("sample appears in more than one abundance table; the first is kept"),
                    )
                    .sample(&t.sample_ids[s]),
                );
                continue;
            }
            sample_ids.push(t.sample_ids[s].clone());
            // The sample's cells under the joined features, a feature named twice summed.
            let (features, values) = t.row(s);
            cells.clear();
            cells.extend(features.iter().zip(values).map(|(&f, &v)| (map[f as usize], v)));
            cells.sort_by_key(|c| c.0);
            let mut k = 0;
            while k < cells.len() {
                let (f, mut v) = cells[k];
                k += 1;
                while k < cells.len() && cells[k].0 == f {
                    v += cells[k].1;
                    k += 1;
                }
                rows.push(f, v);
            }
            rows.end_row();
        }
    }
    Some(rows.finish(sample_ids, feature_ids, kind))
}

/// Same samples, features and values, in the same order.
fn same_table(a: &AbundanceTable, b: &AbundanceTable) -> bool {
    a == b
}
