//! Reader for clinical tables: tidy visits, subjects tables, `REDCap` exports and PRO-ACT forms.
//! One path for all of them, since they differ only in which roles their columns play.

use std::collections::HashMap;

use super::detect::Layout;
use super::parts::{Attr, Parts, SubjectRow, VisitRow, snake_case};
use super::roles::{ITEM_5B, Role, RoleMatch, find};
use super::table::RawTable;
use super::units::Unit;
use super::values::{DateCell, DateOrder, Number, is_missing, parse_date_column, parse_number};
use crate::model::time::DAYS_PER_MONTH;
use crate::model::{Finding, Severity};

/// The visit-measure column a role fills, in the app's standard unit.
pub fn measure_name(role: Role) -> Option<String> {
    Some(match role {
        Role::Item(5) => "alsfrs_q5a".to_owned(),
        Role::Item(ITEM_5B) => "alsfrs_q5b".to_owned(),
        Role::Item(n) => format!("alsfrs_q{n}"),
        Role::AlsfrsRTotal => "alsfrs_r_total".to_owned(),
        Role::AlsfrsTotal => "alsfrs_original_total".to_owned(),
        Role::Weight => "weight_kg".to_owned(),
        Role::Height => "height_cm".to_owned(),
        Role::Bmi => "bmi".to_owned(),
        Role::Ree => "ree_measured_kcal".to_owned(),
        Role::Fvc => "fvc_percent_predicted".to_owned(),
        Role::SixMwd => "six_mwd_m".to_owned(),
        _ => return None,
    })
}

/// The subject attribute a role fills.
pub fn attribute_name(role: Role) -> Option<&'static str> {
    Some(match role {
        Role::Group => "group",
        Role::Arm => "arm",
        Role::Site => "site",
        Role::Sex => "sex",
        Role::Age => "age_years",
        Role::BirthYear => "birth_year",
        Role::BirthDate => "birth_date",
        Role::OnsetDate => "onset_date",
        Role::OnsetDelta => "onset_delta_days",
        Role::OnsetRegion => "onset_region",
        Role::PremorbidWeight => "premorbid_weight_kg",
        Role::Height => "height_cm",
        Role::Weight => "weight_kg",
        _ => return None,
    })
}

/// Context for reading one file.
pub struct FileCtx<'a> {
    pub index: usize,
    pub name: &'a str,
}

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
    let time = TimeCols::new(matches);
    let event_order = event_order(table, time.visit);

    // Measure columns: roles, then extra numeric columns.
    let mut measure_cols: Vec<(usize, String, Conv)> = Vec::new();
    let mut attr_cols: Vec<(usize, String, AttrKind)> = Vec::new();
    let fvc_trials = fvc_trial_columns(table);
    for m in matches {
        if subject_level {
            if let Some(name) = attribute_name(m.role) {
                attr_cols.push((m.col, name.to_owned(), attr_kind(m, table, matches)));
            }
        } else if let Some(name) = measure_name(m.role) {
            if m.role == Role::Fvc && !fvc_trials.is_empty() {
                continue;
            }
            measure_cols.push((m.col, name, conv_for(m, table, matches)));
        } else if let Some(name) = attribute_name(m.role) {
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
    let measure_ids: Vec<usize> = measure_cols.iter().map(|(_, n, _)| parts.measure(n)).collect();

    let mut per_subject_rows: HashMap<String, usize> = HashMap::new();
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
                        "row has values but no subject id; it was not loaded",
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
        let mut values = Vec::new();
        for ((c, name, conv), &id) in measure_cols.iter().zip(&measure_ids) {
            let raw = table.cell(r, *c);
            match parse_number(raw, table.decimal_comma) {
                Number::Value(v) => {
                    let (v, was_metres) = conv.apply(v, table, r);
                    metres_converted += usize::from(was_metres);
                    values.push((id, v));
                }
                Number::Invalid => {
                    parts
                        .findings
                        .push(not_a_number(ctx, line, &table.headers[*c], raw, &subject, name));
                }
                Number::Missing => {}
            }
        }
        if let Some(v) = fvc_best_trial(table, r, &fvc_trials) {
            values.push((parts.measure("fvc_percent_predicted"), v));
        }
        if values.is_empty() {
            continue;
        }
        let nth = per_subject_rows.entry(subject.clone()).or_insert(0);
        *nth += 1;
        let mut row = VisitRow {
            subject,
            file: ctx.index,
            line,
            values,
            ..VisitRow::default()
        };
        time.fill(&mut row, table, r, &dates, &event_order, *nth, ctx, parts);
        parts.visits.push(row);
    }
    if metres_converted > 0 {
        parts.findings.push(
            Finding::new(
                Severity::Warning,
                "units.height-m",
                format!("{metres_converted} height value(s) below 3 look like metres and were converted to cm"),
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
        Role::all().iter().filter_map(|r| measure_name(*r)).any(|m| m == n) && !parts.measures.iter().any(|m| m == n)
    };
    if reserved(&base) { format!("{base}_extra") } else { base }
}

fn not_a_number(ctx: &FileCtx, line: usize, header: &str, raw: &str, subject: &str, name: &str) -> Finding {
    Finding::new(
        Severity::Warning,
        "schema.unparseable-number",
        format!("`{}` is not a number; {name} left empty", raw.trim()),
    )
    .file(ctx.name)
    .row(line)
    .column(header)
    .subject(subject)
    .value(raw.trim())
}

/// How to convert a measure cell to the standard unit.
#[derive(Clone, Copy, Debug)]
enum Conv {
    None,
    /// A fixed unit from the header or synonym.
    Fixed(Unit),
    /// A per-row units column (PRO-ACT `Weight_Units`), with the default when blank.
    Column(usize, Option<Unit>),
    /// Height without a unit: values below 3 are metres.
    HeightGuess,
}

impl Conv {
    /// The converted value and whether a metres guess was applied.
    fn apply(self, v: f64, table: &RawTable, r: usize) -> (f64, bool) {
        // Nobody is under 3 cm tall: such a height is in metres.
        let metres = v > 0.0 && v < 3.0;
        match self {
            Conv::Fixed(Unit::Centimetre) | Conv::HeightGuess if metres => (v * 100.0, true),
            Conv::Fixed(u) => (u.to_standard(v), false),
            Conv::Column(c, default) => match Unit::parse(table.cell(r, c)).or(default) {
                Some(u) => (u.to_standard(v), false),
                None if metres && is_height_units(table, c) => (v * 100.0, true),
                None => (v, false),
            },
            Conv::None | Conv::HeightGuess => (v, false),
        }
    }
}

fn is_height_units(table: &RawTable, c: usize) -> bool {
    table.headers[c].to_lowercase().contains("height")
}

fn conv_for(m: &RoleMatch, _table: &RawTable, matches: &[RoleMatch]) -> Conv {
    let units_role = match m.role {
        Role::Weight | Role::PremorbidWeight => Some(Role::WeightUnits),
        Role::Height => Some(Role::HeightUnits),
        Role::Ree => Some(Role::ReeUnits),
        _ => None,
    };
    if let Some(u) = m.unit {
        return Conv::Fixed(u);
    }
    if let Some(units) = units_role.and_then(|r| find(matches, r)) {
        return Conv::Column(units.col, None);
    }
    if m.role == Role::Height {
        Conv::HeightGuess
    } else {
        Conv::None
    }
}

#[derive(Clone, Copy, Debug)]
enum AttrKind {
    Text,
    Num,
    NumConv(Conv),
    Sex,
    Region,
    Date,
}

fn attr_kind(m: &RoleMatch, table: &RawTable, matches: &[RoleMatch]) -> AttrKind {
    match m.role {
        Role::Sex => AttrKind::Sex,
        Role::OnsetRegion => AttrKind::Region,
        Role::BirthDate | Role::OnsetDate => AttrKind::Date,
        Role::Age | Role::BirthYear | Role::OnsetDelta => AttrKind::Num,
        Role::PremorbidWeight | Role::Height | Role::Weight => AttrKind::NumConv(conv_for(m, table, matches)),
        _ => AttrKind::Text,
    }
}

fn read_attr(
    table: &RawTable,
    r: usize,
    c: usize,
    kind: AttrKind,
    dates: &DateCols,
    ctx: &FileCtx,
    parts: &mut Parts,
) -> Option<Attr> {
    let raw = table.cell(r, c).trim();
    if is_missing(raw) {
        return None;
    }
    match kind {
        AttrKind::Text => Some(Attr::Text(raw.to_owned())),
        AttrKind::Sex => Some(Attr::Text(normalize_sex(raw))),
        AttrKind::Region => Some(Attr::Text(normalize_region(raw))),
        AttrKind::Date => match dates.get(c, r) {
            Some(DateCell::Date { days, .. }) => Some(Attr::Date(days)),
            _ => None,
        },
        AttrKind::Num | AttrKind::NumConv(_) => match parse_number(raw, table.decimal_comma) {
            Number::Value(v) => {
                let (value, was_metres) = match kind {
                    AttrKind::NumConv(conv) => conv.apply(v, table, r),
                    _ => (v, false),
                };
                if was_metres {
                    parts.findings.push(
                        Finding::new(
                            Severity::Warning,
                            "units.height-m",
                            format!("height {raw} looks like metres; read as {value} cm"),
                        )
                        .file(ctx.name)
                        .row(table.line(r))
                        .column(&table.headers[c])
                        .value(raw),
                    );
                }
                Some(Attr::Num(value))
            }
            Number::Invalid => {
                parts.findings.push(
                    Finding::new(
                        Severity::Warning,
                        "schema.unparseable-number",
                        format!("`{raw}` is not a number; left empty"),
                    )
                    .file(ctx.name)
                    .row(table.line(r))
                    .column(&table.headers[c])
                    .value(raw),
                );
                None
            }
            Number::Missing => None,
        },
    }
}

/// `M`, `Male`, `男`, … → `male`; `F`, `Female`, `女`, … → `female`; anything else as written.
pub fn normalize_sex(raw: &str) -> String {
    match raw.trim().to_lowercase().as_str() {
        "m" | "male" | "man" | "男" | "男性" => "male".to_owned(),
        "f" | "female" | "woman" | "女" | "女性" => "female".to_owned(),
        other => other.to_owned(),
    }
}

/// `Onset: Bulbar`, `bulbar`, `延髓` → `bulbar`; limb/spinal forms → `spinal`.
pub fn normalize_region(raw: &str) -> String {
    let t = raw.trim().to_lowercase();
    let t = t.trim_start_matches("onset:").trim();
    let bulbar = t.contains("bulbar") || t.contains("延髓") || t.contains("球部");
    let spinal = t.contains("limb") || t.contains("spinal") || t.contains("脊髓") || t.contains("肢体");
    match (bulbar, spinal) {
        (true, true) => "mixed".to_owned(),
        (true, false) => "bulbar".to_owned(),
        (false, true) => "spinal".to_owned(),
        _ => t.to_owned(),
    }
}

/// Parsed date columns of a table, by column index.
struct DateCols(HashMap<usize, Vec<DateCell>>);

impl DateCols {
    fn get(&self, c: usize, r: usize) -> Option<DateCell> {
        self.0.get(&c).and_then(|v| v.get(r)).copied()
    }
}

fn date_columns(table: &RawTable, matches: &[RoleMatch], ctx: &FileCtx, parts: &mut Parts) -> DateCols {
    let subject_col = find(matches, Role::Subject).map(|m| m.col);
    let mut out = HashMap::new();
    for m in matches
        .iter()
        .filter(|m| matches!(m.role, Role::Date | Role::BirthDate | Role::OnsetDate))
    {
        let (cells, order) = parse_date_column(table.column(m.col));
        if order == DateOrder::Conflicting {
            parts.findings.push(
                Finding::new(
                    Severity::Error,
                    "time.mixed-date-formats",
                    "this column has both day-first and month-first dates; ambiguous ones were read day-first",
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
                    format!("`{raw}` is not a date (expected e.g. 2021-03-05, 05/03/2021 or an Excel serial)"),
                )),
                DateCell::Date { ambiguous: true, .. } => Some(Finding::new(
                    Severity::Warning,
                    "time.ambiguous-date",
                    format!(
                        "`{raw}` could be day/month or month/day and no date in the column decides; read as day/month"
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
fn event_order(table: &RawTable, visit_col: Option<usize>) -> HashMap<String, usize> {
    let mut order = HashMap::new();
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
struct TimeCols {
    date: Option<usize>,
    day: Option<usize>,
    month: Option<usize>,
    visit: Option<usize>,
    visit_number: Option<usize>,
    instrument: Option<usize>,
    instance: Option<usize>,
}

impl TimeCols {
    fn new(matches: &[RoleMatch]) -> Self {
        let col = |r| find(matches, r).map(|m| m.col);
        Self {
            date: col(Role::Date),
            day: col(Role::Day),
            month: col(Role::Month),
            visit: col(Role::Visit),
            visit_number: col(Role::VisitNumber),
            instrument: col(Role::RepeatInstrument),
            instance: col(Role::RepeatInstance),
        }
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one call site; the pieces come from one table read"
    )]
    fn fill(
        &self,
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
                row.label = Some(full);
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
                format!(
                    "column `{}` was read as the original 40-point ALSFRS but has values up to {max}; if it is ALSFRS-R, \
                     pass --column alsfrs_r_total=\"{}\"",
                    m.header, m.header
                ),
            )
            .file(ctx.name)
            .column(&m.header),
        );
    }
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

    #[test]
    fn sex_and_region() {
        assert_eq!(normalize_sex("女"), "female");
        assert_eq!(normalize_sex(" Male "), "male");
        assert_eq!(normalize_region("Onset: Limb"), "spinal");
        assert_eq!(normalize_region("Onset: Limb and Bulbar"), "mixed");
    }
}
