//! Reader for clinical tables: tidy visits, subjects tables, `REDCap` exports and PRO-ACT forms.
//! One path for all of them, since they differ only in which roles their columns play.

mod attrs;
mod cells;
mod time;

use crate::model::hash::HashMap;

use super::detect::Layout;
use super::parts::{FileCtx, MeasureId, Parts, Shared, SubjectRow, VisitRow, snake_case};
use super::roles::{Role, RoleMatch, find};
use super::table::RawTable;
use super::values::{Number, is_missing, parse_number};
use crate::model::{Finding, Severity, columns as c};
use attrs::{AttrKind, attr_kind, read_attr};
pub use attrs::{normalize_region, normalize_sex};
use cells::{Conv, conv_for, not_a_number};
use time::{TimeCols, date_columns, event_order};

/// Columns not used, reported in `summary` so nothing disappears unnoticed.
pub type Ignored = Vec<String>;

/// Read a clinical table into visit and subject rows.
pub fn read(table: &RawTable, matches: &[RoleMatch], layout: Layout, ctx: &FileCtx, parts: &mut Parts) -> Ignored {
    let Some(subject_col) = find(matches, Role::Subject).map(|m| m.col) else {
        return Vec::new();
    };
    let subject_level = matches!(layout, Layout::Subjects | Layout::ProActSubjects);
    let mut ignored = Vec::new();
    let dates = date_columns(table, matches, ctx, parts);
    let mut time = TimeCols::new(matches);
    let event_order = event_order(table, time.visit);

    // Measure columns: roles, then extra numeric columns.
    let mut measure_cols: Vec<(usize, String, Conv)> = Vec::new();
    let mut attr_cols: Vec<(usize, String, AttrKind)> = Vec::new();
    let fvc_trials = fvc_trial_columns(table);
    for m in matches {
        if subject_level {
            if let Some(name) = m.role.attribute_column() {
                attr_cols.push((m.col, name.to_owned(), attr_kind(m, table, matches)));
            }
        } else if let Some(name) = m.role.measure_column() {
            if m.role == Role::Fvc && !fvc_trials.is_empty() {
                continue;
            }
            measure_cols.push((m.col, name.to_owned(), conv_for(m, table, matches)));
        } else if let Some(name) = m.role.attribute_column() {
            attr_cols.push((m.col, name.to_owned(), attr_kind(m, table, matches)));
        }
    }
    let used: Vec<usize> = matches
        .iter()
        .map(|m| m.col)
        .chain(fvc_trials.iter().copied())
        .collect();
    for c in 0..table.num_cols() {
        if used.contains(&c) || is_rownames(table, c) {
            continue;
        }
        let header = &table.headers[c];
        let numeric = super::detect::numeric_share(&column_only(table, c), 0) >= 0.9;
        let any_value = table.column(c).any(|v| !is_missing(v));
        if !any_value {
            ignored.push(format!("{header} (empty)"));
        } else if subject_level {
            let kind = if numeric { AttrKind::Num } else { AttrKind::Text };
            attr_cols.push((c, snake_case(header), kind));
        } else if numeric {
            measure_cols.push((c, unique_measure_name(parts, header), Conv::None));
        } else {
            ignored.push(header.clone());
        }
    }
    let mut measure_ids: Vec<usize> = measure_cols.iter().map(|(_, n, _)| parts.measure(n)).collect();
    // PRO-ACT's FVC trials give one more measure, after the columns, when any row has one.
    let fvc = (!fvc_trials.is_empty()
        && (0..table.num_rows()).any(|r| fvc_best_trial(table, r, &fvc_trials).is_some()))
    .then(|| parts.measure(c::FVC_PERCENT_PREDICTED));
    measure_ids.extend(fvc);
    let measures: std::sync::Arc<[MeasureId]> = measure_ids.into();

    // Each subject's id once for all its rows, and its rows counted.
    let mut per_subject_rows: HashMap<Shared, usize> = HashMap::default();
    let mut metres_converted = 0usize;
    for r in 0..table.num_rows() {
        let line = table.line(r);
        let subject = table.cell(r, subject_col).trim();
        if is_missing(subject) {
            let has_data = (0..table.num_cols()).any(|c| c != subject_col && !is_missing(table.cell(r, c)));
            if has_data {
                parts.findings.push(
                    Finding::new(
                        Severity::Error,
                        "identity.missing-subject",
                        crate::i18n::tr("row has values but no subject id; it was not loaded"),
                    )
                    .file(ctx.name)
                    .row(line)
                    .column(&table.headers[subject_col]),
                );
            }
            continue;
        }
        let subject = subject.to_owned();
        // Subject attributes.
        let mut attrs = Vec::new();
        let reported = parts.findings.len();
        for (c, name, kind) in &attr_cols {
            if let Some(v) = read_attr(table, r, *c, *kind, &dates, ctx, parts) {
                attrs.push((name.clone(), v));
            }
        }
        for f in &mut parts.findings[reported..] {
            f.subject.get_or_insert_with(|| subject.clone());
        }
        if !attrs.is_empty() || subject_level {
            parts.subjects.push(SubjectRow {
                subject: subject.clone(),
                attrs,
                file: ctx.index,
                line,
            });
        }
        if subject_level {
            continue;
        }
        // Measures.
        let mut values = vec![f64::NAN; measures.len()].into_boxed_slice();
        for ((c, name, conv), value) in measure_cols.iter().zip(values.iter_mut()) {
            let raw = table.cell(r, *c);
            match parse_number(raw, table.decimal_comma) {
                Number::Value(v) => {
                    let (v, was_metres) = conv.apply(v, table, r);
                    metres_converted += usize::from(was_metres);
                    *value = v;
                }
                Number::Invalid => {
                    parts
                        .findings
                        .push(not_a_number(ctx, line, &table.headers[*c], raw, &subject, name));
                }
                Number::Missing => {}
            }
        }
        if fvc.is_some()
            && let (Some(v), Some(last)) = (fvc_best_trial(table, r, &fvc_trials), values.last_mut())
        {
            *last = v;
        }
        if values.iter().all(|v| v.is_nan()) {
            continue;
        }
        let (shared, nth) = match per_subject_rows.get_key_value(subject.as_str()) {
            Some((shared, &nth)) => (shared.clone(), nth + 1),
            None => (Shared::from(subject.as_str()), 1),
        };
        per_subject_rows.insert(shared.clone(), nth);
        let mut row = VisitRow {
            subject: shared,
            file: ctx.index,
            line,
            measures: measures.clone(),
            values,
            ..VisitRow::default()
        };
        time.fill(&mut row, table, r, &dates, &event_order, nth, ctx, parts);
        parts.visits.push(row);
    }
    if metres_converted > 0 {
        parts.findings.push(
            Finding::new(
                Severity::Warning,
                "units.height-m",
                crate::i18n::trf(
                    "{metres_converted} height value(s) below 3 look like metres and were converted to cm",
                    &[("metres_converted", &metres_converted)],
                ),
            )
            .file(ctx.name)
            .column(&find(matches, Role::Height).map_or(String::new(), |m| m.header.clone())),
        );
    }
    check_alsfrs_scale(table, matches, ctx, parts);
    ignored
}

fn column_only(table: &RawTable, c: usize) -> RawTable {
    let mut t = RawTable::with_headers(vec![table.headers[c].clone()]);
    t.decimal_comma = table.decimal_comma;
    for r in 0..table.num_rows().min(200) {
        t.push_row(r, [table.cell(r, c)]);
    }
    t
}

/// R's `write.csv` row names: an empty or `rownames` header over 1, 2, 3, ….
fn is_rownames(table: &RawTable, c: usize) -> bool {
    let h = table.headers[c].trim().to_lowercase();
    (h.is_empty() || h == "rownames" || h == "x" || h == "unnamed: 0")
        && table
            .column(c)
            .enumerate()
            .all(|(i, v)| v.parse::<usize>().is_ok_and(|n| n == i + 1 || n == i))
}

fn unique_measure_name(parts: &Parts, header: &str) -> String {
    let base = snake_case(header);
    let reserved = |n: &str| {
        Role::all().iter().filter_map(|r| r.measure_column()).any(|m| m == n) && !parts.measures.iter().any(|m| m == n)
    };
    if reserved(&base) { format!("{base}_extra") } else { base }
}

/// PRO-ACT FVC has up to three trials per visit; the best (maximum) is reported.
fn fvc_trial_columns(table: &RawTable) -> Vec<usize> {
    (0..table.num_cols())
        .filter(|&c| {
            super::roles::normalize(&table.headers[c])
                .0
                .starts_with("pctofnormaltrial")
        })
        .collect()
}

fn fvc_best_trial(table: &RawTable, r: usize, cols: &[usize]) -> Option<f64> {
    cols.iter()
        .filter_map(|&c| match parse_number(table.cell(r, c), table.decimal_comma) {
            Number::Value(v) => Some(v),
            _ => None,
        })
        .reduce(f64::max)
}

/// A column named like the 40-point ALSFRS but holding values above 40 is probably ALSFRS-R.
fn check_alsfrs_scale(table: &RawTable, matches: &[RoleMatch], ctx: &FileCtx, parts: &mut Parts) {
    let Some(m) = find(matches, Role::AlsfrsTotal) else {
        return;
    };
    let max = table
        .column(m.col)
        .filter_map(|v| match parse_number(v, table.decimal_comma) {
            Number::Value(v) => Some(v),
            _ => None,
        })
        .fold(f64::NAN, f64::max);
    if max > 40.0 {
        parts.findings.push(
            Finding::new(
                Severity::Warning,
                "schema.alsfrs-scale",
                crate::i18n::trf("column `{p1}` was read as the original 40-point ALSFRS but has values up to {max}; if it is ALSFRS-R, pass --column alsfrs_r_total=\"{p2}\"", &[("p1", &m.header), ("max", &max), ("p2", &m.header)]),
            )
            .file(ctx.name)
            .column(&m.header),
        );
    }
}
