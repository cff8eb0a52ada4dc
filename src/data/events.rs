//! A long events table: one row per subject and event (`subject_id, event, date | day`), read
//! into the same subject attributes a subjects table gives (`death_date`, `niv_days`, …).
//! Recognised by content: most values of its event column name known events.

use super::parts::{Attr, FileCtx, Parts, SubjectRow};
use super::roles::{Role, RoleMatch, find, normalize};
use super::table::RawTable;
use super::values::{DateCell, Number, is_missing, parse_date_column, parse_number};
use crate::model::{Finding, Severity, columns as c};

/// Headers of an events table's event column (normalised).
const EVENT_HEADERS: [&str; 5] = ["event", "eventtype", "eventname", "事件", "事件类型"];

/// Each event's names in an events table (normalised), and the subject columns it fills.
const EVENTS: [(&[&str], c::DatedEvent); 5] = [
    (&["death", "died", "dead", "deceased", "死亡"], c::DEATH),
    (
        &["tracheostomy", "tracheotomy", "trach", "tivstart", "气管切开"],
        c::TRACHEOSTOMY,
    ),
    (
        &["niv", "nivstart", "noninvasiveventilation", "bipap", "无创通气"],
        c::NIV,
    ),
    (&["gastrostomy", "peg", "rig", "feedingtube", "胃造瘘"], c::GASTROSTOMY),
    (
        &["lastcontact", "lastfollowup", "lastseen", "lastvisit", "末次随访"],
        c::LAST_CONTACT,
    ),
];

/// The subject columns of an event name, if it is one we know.
fn event_columns(name: &str) -> Option<c::DatedEvent> {
    let key = normalize(name).0;
    EVENTS
        .iter()
        .find(|(names, _)| names.contains(&key.as_str()))
        .map(|(_, event)| *event)
}

/// The event column of a table that is an events table: a subject, a date or day, an event
/// header, and most event values known.
pub fn event_column(table: &RawTable, matches: &[RoleMatch]) -> Option<usize> {
    if find(matches, Role::Subject).is_none() || table.num_cols() > 6 {
        return None;
    }
    if find(matches, Role::Date).is_none() && find(matches, Role::Day).is_none() {
        return None;
    }
    let col = table
        .headers
        .iter()
        .position(|h| EVENT_HEADERS.contains(&normalize(h).0.as_str()))?;
    let values: Vec<&str> = table.column(col).filter(|v| !is_missing(v)).take(500).collect();
    let known = values.iter().filter(|v| event_columns(v).is_some()).count();
    (!values.is_empty() && known * 2 > values.len()).then_some(col)
}

/// Read every row into a subject attribute; unknown events and unreadable times are findings.
pub fn read_events(table: &RawTable, matches: &[RoleMatch], event_col: usize, ctx: &FileCtx, parts: &mut Parts) {
    let Some(subject_col) = find(matches, Role::Subject).map(|m| m.col) else {
        return;
    };
    let date_col = find(matches, Role::Date).map(|m| m.col);
    let day_col = find(matches, Role::Day).map(|m| m.col);
    let dates = date_col.map(|col| parse_date_column(table.column(col)).0);
    let mut unknown: Vec<String> = Vec::new();
    for r in 0..table.num_rows() {
        let line = table.line(r);
        let subject = table.cell(r, subject_col).trim();
        let event = table.cell(r, event_col).trim();
        if is_missing(subject) || is_missing(event) {
            continue;
        }
        let Some(columns) = event_columns(event) else {
            if !unknown.iter().any(|u| u == event) {
                unknown.push(event.to_owned());
            }
            continue;
        };
        let date = dates.as_ref().map_or(DateCell::Missing, |d| d[r]);
        let attr = match (
            date,
            day_col.map(|col| parse_number(table.cell(r, col), table.decimal_comma)),
        ) {
            (DateCell::Date { days, .. }, _) => Some((columns.date, Attr::Date(days))),
            (_, Some(Number::Value(d))) => Some((columns.days, Attr::Num(d))),
            _ => None,
        };
        let Some((name, value)) = attr else {
            let col = date_col.or(day_col).unwrap_or(event_col);
            parts.findings.push(
                Finding::new(
                    Severity::Error,
                    "load.event-without-time",
                    crate::i18n::trf(
                        "event `{event}` has no readable date or day; it was not loaded",
                        &[("event", &event)],
                    ),
                )
                .file(ctx.name)
                .row(line)
                .column(&table.headers[col])
                .subject(subject),
            );
            continue;
        };
        parts.subjects.push(SubjectRow {
            subject: subject.to_owned(),
            attrs: vec![(name.to_owned(), value)],
            file: ctx.index,
            line,
        });
    }
    if !unknown.is_empty() {
        parts.findings.push(
            Finding::new(
                Severity::Warning,
                "load.unknown-event",
                crate::i18n::trf(
                    "events not used (not death, tracheostomy, NIV, gastrostomy or last contact): {p1}",
                    &[("p1", &(unknown.join(", ")))],
                ),
            )
            .file(ctx.name)
            .column(&table.headers[event_col]),
        );
    }
}
