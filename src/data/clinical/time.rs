//! Time in clinical tables: date columns parsed with one day/month order per column, the
//! order of visit labels, and each row's date, day, month or visit label.

use crate::model::hash::HashMap;

use super::cells::not_a_number;
use crate::data::parts::{FileCtx, Parts, Shared, VisitRow};
use crate::data::roles::{Role, RoleMatch, find};
use crate::data::table::RawTable;
use crate::data::values::{DateCell, DateOrder, Number, is_missing, parse_date_column, parse_number};
use crate::model::time::DAYS_PER_MONTH;
use crate::model::{Finding, Severity};

/// Parsed date columns of a table, by column index.
pub(super) struct DateCols(HashMap<usize, Vec<DateCell>>);

impl DateCols {
    pub(super) fn get(&self, c: usize, r: usize) -> Option<DateCell> {
        self.0.get(&c).and_then(|v| v.get(r)).copied()
    }
}

pub(super) fn date_columns(table: &RawTable, matches: &[RoleMatch], ctx: &FileCtx, parts: &mut Parts) -> DateCols {
    let subject_col = find(matches, Role::Subject).map(|m| m.col);
    let mut out = HashMap::default();
    for m in matches.iter().filter(|m| m.role.is_date()) {
        let (cells, order) = parse_date_column(table.column(m.col));
        if order == DateOrder::Conflicting {
            parts.findings.push(
                Finding::new(
                    Severity::Error,
                    "time.mixed-date-formats",
                    crate::i18n::tr(
                        "this column has both day-first and month-first dates; ambiguous ones were read day-first",
                    ),
                )
                .file(ctx.name)
                .column(&m.header),
            );
        }
        for (r, cell) in cells.iter().enumerate() {
            let subject = subject_col.map_or("", |c| table.cell(r, c).trim());
            let raw = table.cell(r, m.col).trim();
            let finding = match cell {
                DateCell::Invalid => Some(Finding::new(
                    Severity::Warning,
                    "schema.unparseable-date",
                    crate::i18n::trf(
                        "`{raw}` is not a date (expected e.g. 2021-03-05, 05/03/2021 or an Excel serial)",
                        &[("raw", &raw)],
                    ),
                )),
                DateCell::Date { ambiguous: true, .. } => Some(Finding::new(
                    Severity::Warning,
                    "time.ambiguous-date",
                    crate::i18n::trf(
                        "`{raw}` could be day/month or month/day and no date in the column decides; read as day/month",
                        &[("raw", &raw)],
                    ),
                )),
                _ => None,
            };
            if let Some(f) = finding {
                parts.findings.push(
                    f.file(ctx.name)
                        .row(table.line(r))
                        .column(&m.header)
                        .subject(subject)
                        .value(raw),
                );
            }
        }
        out.insert(m.col, cells);
    }
    DateCols(out)
}

/// First-appearance order of visit labels (`REDCap` events are exported in event order).
pub(super) fn event_order(table: &RawTable, visit_col: Option<usize>) -> HashMap<String, usize> {
    let mut order = HashMap::default();
    if let Some(c) = visit_col {
        for v in table.column(c) {
            if !is_missing(v) {
                let n = order.len();
                order.entry(v.to_owned()).or_insert(n);
            }
        }
    }
    order
}

/// The time columns of a table.
pub(super) struct TimeCols {
    date: Option<usize>,
    day: Option<usize>,
    month: Option<usize>,
    pub(super) visit: Option<usize>,
    visit_number: Option<usize>,
    instrument: Option<usize>,
    instance: Option<usize>,
    /// Each visit label read, held once for all the rows that have it.
    labels: HashMap<String, Shared>,
}

impl TimeCols {
    pub(super) fn new(matches: &[RoleMatch]) -> Self {
        let col = |r| find(matches, r).map(|m| m.col);
        Self {
            date: col(Role::Date),
            day: col(Role::Day),
            month: col(Role::Month),
            visit: col(Role::Visit),
            visit_number: col(Role::VisitNumber),
            instrument: col(Role::RepeatInstrument),
            instance: col(Role::RepeatInstance),
            labels: HashMap::default(),
        }
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one call site; the pieces come from one table read"
    )]
    pub(super) fn fill(
        &mut self,
        row: &mut VisitRow,
        table: &RawTable,
        r: usize,
        dates: &DateCols,
        events: &HashMap<String, usize>,
        nth: usize,
        ctx: &FileCtx,
        parts: &mut Parts,
    ) {
        if let Some(c) = self.date
            && let Some(DateCell::Date { days, .. }) = dates.get(c, r)
        {
            row.date = Some(days);
        }
        let number = |c: Option<usize>, parts: &mut Parts| -> Option<f64> {
            let c = c?;
            match parse_number(table.cell(r, c), table.decimal_comma) {
                Number::Value(v) => Some(v),
                Number::Invalid => {
                    parts.findings.push(not_a_number(
                        ctx,
                        row.line,
                        &table.headers[c],
                        table.cell(r, c),
                        &row.subject,
                        "time",
                    ));
                    None
                }
                Number::Missing => None,
            }
        };
        row.day = number(self.day, parts).or_else(|| number(self.month, parts).map(|m| m * DAYS_PER_MONTH));
        row.order = number(self.visit_number, parts);
        if let Some(c) = self.visit {
            let label = table.cell(r, c).trim();
            if !is_missing(label) {
                let mut full = label.to_owned();
                for extra in [self.instrument, self.instance].into_iter().flatten() {
                    let v = table.cell(r, extra).trim();
                    if !v.is_empty() {
                        full.push_str(" / ");
                        full.push_str(v);
                    }
                }
                if row.order.is_none() {
                    row.order = events.get(label).map(|&i| i as f64);
                }
                if row.day.is_none() && row.date.is_none() {
                    row.day = day_from_label(label);
                }
                let shared = self.labels.entry(full).or_insert_with_key(|l| Shared::from(l.as_str()));
                row.label = Some(shared.clone());
            }
        }
        if row.date.is_none() && row.day.is_none() && row.order.is_none() && row.label.is_none() {
            row.order = Some(nth as f64);
        }
    }
}

/// Days implied by a visit label: `baseline` → 0, `month_3_arm_1` → 91.3, `week_12` → 84.
pub fn day_from_label(label: &str) -> Option<f64> {
    let l = label.to_lowercase();
    if l.starts_with("baseline") || l.starts_with("screening") || l == "bl" || l.starts_with("基线") {
        return Some(0.0);
    }
    let digits = |s: &str| -> Option<f64> {
        let n: String = s
            .trim_start_matches(['_', ' ', '-'])
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        n.parse().ok()
    };
    for (prefix, days) in [
        ("month", DAYS_PER_MONTH),
        ("week", 7.0),
        ("day", 1.0),
        ("m", DAYS_PER_MONTH),
        ("w", 7.0),
    ] {
        if let Some(rest) = l.strip_prefix(prefix)
            && let Some(n) = digits(rest)
        {
            return Some(n * days);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_to_days() {
        assert_eq!(day_from_label("baseline_arm_1"), Some(0.0));
        assert_eq!(day_from_label("month_3_arm_1"), Some(3.0 * DAYS_PER_MONTH));
        assert_eq!(day_from_label("week_12"), Some(84.0));
        assert_eq!(day_from_label("followup"), None);
    }
}
