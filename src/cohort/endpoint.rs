//! Time to an event: each subject's follow-up for an endpoint (death, a milestone, a stage or an
//! ALSFRS-R threshold) from an origin (baseline or onset), in months, as the survival views and
//! `export --table survival` read it.
//!
//! Every time is first placed on the visits' day axis: days since the subject's baseline (their
//! first visit) when the cohort has dates, else the study's own day numbers (PRO-ACT's deltas).
//! An event given as a date sits at `date − baseline_date`; one given in days (PRO-ACT's
//! `Death_Days`) is already on that axis.

use crate::i18n::{tr, trf};
use std::fmt;
use std::str::FromStr;

use super::frames::{CohortError, Frames};
use crate::model::columns as c;
use crate::model::frame::{f64s, opt_dates, opt_f64s, opt_strs, rows_by_id, strs};
use crate::model::time::DAYS_PER_MONTH;

/// What counts as the event.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Endpoint {
    Death,
    Tracheostomy,
    Niv,
    Gastrostomy,
    /// The first of death and tracheostomy (tracheostomy-free survival).
    DeathOrTracheostomy,
    /// The first visit at King's stage 4 (4A or 4B).
    Kings4,
    /// The first visit at MiToS stage ≥ N.
    Mitos(u8),
    /// The first visit whose ALSFRS-R total is at or below the subject's first total − N.
    AlsfrsDrop(f64),
    /// The first visit with an ALSFRS-R total at or below N.
    AlsfrsBelow(f64),
}

/// Every endpoint name, for messages and pickers (`N` stands for a number).
pub const ENDPOINT_NAMES: [&str; 9] = [
    "death",
    "tracheostomy",
    "niv",
    "gastrostomy",
    "death-or-tracheostomy",
    "kings-4",
    "mitos-N",
    "alsfrs-drop:N",
    "alsfrs-below:N",
];

impl FromStr for Endpoint {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim().to_lowercase();
        let unknown = || {
            crate::i18n::trf(
                "unknown endpoint `{s}`; use one of {names}",
                &[("s", &s), ("names", &ENDPOINT_NAMES.join(", "))],
            )
        };
        let number = |text: &str, what: &'static str| -> Result<f64, String> {
            text.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| {
                    crate::i18n::trf(
                        "endpoint `{s}`: `{text}` is not {what}",
                        &[("s", &s), ("text", &text), ("what", &what)],
                    )
                })
        };
        Ok(match s.as_str() {
            "death" => Endpoint::Death,
            "tracheostomy" => Endpoint::Tracheostomy,
            "niv" => Endpoint::Niv,
            "gastrostomy" => Endpoint::Gastrostomy,
            "death-or-tracheostomy" => Endpoint::DeathOrTracheostomy,
            "kings-4" => Endpoint::Kings4,
            _ => {
                if let Some(n) = s.strip_prefix("mitos-") {
                    let n = number(n, crate::i18n::tr("a MiToS stage 1–4"))?;
                    if !(1.0..=4.0).contains(&n) || n.fract() != 0.0 {
                        return Err(crate::i18n::trf(
                            "endpoint `{s}`: MiToS stages that can be reached at a visit are 1–4",
                            &[("s", &s)],
                        ));
                    }
                    Endpoint::Mitos(n as u8)
                } else if let Some(n) = s.strip_prefix("alsfrs-drop:") {
                    Endpoint::AlsfrsDrop(number(n, crate::i18n::tr("a number of ALSFRS-R points"))?)
                } else if let Some(n) = s.strip_prefix("alsfrs-below:") {
                    Endpoint::AlsfrsBelow(number(n, crate::i18n::tr("an ALSFRS-R total"))?)
                } else {
                    return Err(unknown());
                }
            }
        })
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Death => f.write_str("death"),
            Endpoint::Tracheostomy => f.write_str("tracheostomy"),
            Endpoint::Niv => f.write_str("niv"),
            Endpoint::Gastrostomy => f.write_str("gastrostomy"),
            Endpoint::DeathOrTracheostomy => f.write_str("death-or-tracheostomy"),
            Endpoint::Kings4 => f.write_str("kings-4"),
            Endpoint::Mitos(n) => write!(f, "mitos-{n}"),
            Endpoint::AlsfrsDrop(n) => write!(f, "alsfrs-drop:{n}"),
            Endpoint::AlsfrsBelow(n) => write!(f, "alsfrs-below:{n}"),
        }
    }
}

impl Endpoint {
    /// The endpoints offered in the window, in menu order.
    pub fn presets() -> Vec<Endpoint> {
        vec![
            Endpoint::Death,
            Endpoint::Tracheostomy,
            Endpoint::Niv,
            Endpoint::Gastrostomy,
            Endpoint::DeathOrTracheostomy,
            Endpoint::Kings4,
            Endpoint::Mitos(2),
            Endpoint::AlsfrsDrop(6.0),
            Endpoint::AlsfrsBelow(24.0),
        ]
    }

    /// A reader's name for the event ("death or tracheostomy", "ALSFRS-R ≤ first − 6").
    pub fn label(&self) -> String {
        match self {
            Endpoint::Death => tr("death").to_owned(),
            Endpoint::Tracheostomy => tr("tracheostomy").to_owned(),
            Endpoint::Niv => "NIV".to_owned(),
            Endpoint::Gastrostomy => tr("gastrostomy").to_owned(),
            Endpoint::DeathOrTracheostomy => tr("death or tracheostomy").to_owned(),
            Endpoint::Kings4 => tr("King's stage 4").to_owned(),
            Endpoint::Mitos(n) => trf("MiToS stage ≥ {n}", &[("n", n)]),
            Endpoint::AlsfrsDrop(n) => trf("ALSFRS-R ≤ first − {n}", &[("n", n)]),
            Endpoint::AlsfrsBelow(n) => format!("ALSFRS-R ≤ {n}"),
        }
    }
}

/// Where time starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The subject's first visit (day 0; PRO-ACT's delta 0).
    #[default]
    Baseline,
    /// Symptom onset.
    Onset,
}

impl FromStr for Origin {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_lowercase().as_str() {
            "baseline" => Ok(Origin::Baseline),
            "onset" => Ok(Origin::Onset),
            other => Err(crate::i18n::trf(
                "unknown origin `{other}`; use baseline or onset",
                &[("other", &other)],
            )),
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Origin::Baseline => "baseline",
            Origin::Onset => "onset",
        })
    }
}

/// Why a subject has no follow-up time for an endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LeftOut {
    /// The event happened before the origin (e.g. gastrostomy before the first visit).
    EventBeforeOrigin,
    /// `died = yes` with neither a date nor days.
    DiedWithoutDate,
    /// An event date but no baseline date to place it on the day axis.
    NoBaselineDate,
    /// No onset (for `--origin onset`).
    NoOnset,
    /// Neither visits nor a last contact after the origin.
    NoFollowUp,
    /// A visit endpoint's measure was never assessed (a control without ALSFRS-R).
    NotAssessed,
}

impl LeftOut {
    pub fn label(&self) -> &'static str {
        match self {
            LeftOut::EventBeforeOrigin => tr("event before the origin"),
            LeftOut::DiedWithoutDate => tr("died, with no date of death"),
            LeftOut::NoBaselineDate => tr("event date, but no visit date to count from"),
            LeftOut::NoOnset => tr("no onset date or onset delta"),
            LeftOut::NoFollowUp => tr("no follow-up after the origin"),
            LeftOut::NotAssessed => tr("never assessed for this endpoint"),
        }
    }
}

/// Each subject's follow-up for one endpoint and origin.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeToEvent {
    pub endpoint: Endpoint,
    pub origin: Origin,
    /// Per row of the subjects table: months from the origin and whether the event happened
    /// (false: censored then); `None` when left out.
    pub of_subject: Vec<Option<(f64, bool)>>,
    /// Subjects left out, with why (subject id, reason), in subjects-table order.
    pub left_out: Vec<(String, LeftOut)>,
}

impl TimeToEvent {
    /// Subjects with a time, and of them with the event.
    pub fn counts(&self) -> (usize, usize) {
        let kept = self.of_subject.iter().flatten();
        let n = kept.clone().count();
        (n, kept.filter(|(_, e)| *e).count())
    }

    /// Left-out subjects counted per reason, e.g. "3 event before the origin, 1 no onset".
    pub fn left_out_summary(&self) -> String {
        let mut counts: std::collections::BTreeMap<&LeftOut, usize> = std::collections::BTreeMap::new();
        for (_, why) in &self.left_out {
            *counts.entry(why).or_default() += 1;
        }
        counts
            .iter()
            .map(|(why, n)| format!("{n} {}", why.label()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// An event's day on the visits' day axis: from its date column (less the baseline date), else
/// from its days column. `Err` when a date cannot be placed.
struct EventDays {
    dates: Vec<Option<i32>>,
    days: Vec<Option<f64>>,
}

impl EventDays {
    fn read(frames: &Frames, event: c::DatedEvent) -> Result<Self, CohortError> {
        let s = frames.subjects;
        Ok(EventDays {
            dates: opt_dates(s, event.date)?,
            days: opt_f64s(s, event.days)?,
        })
    }

    fn any(&self) -> bool {
        self.dates.iter().any(Option::is_some) || self.days.iter().any(Option::is_some)
    }

    fn at(&self, k: usize, baseline: Option<i32>) -> Result<Option<f64>, LeftOut> {
        match (self.dates[k], self.days[k]) {
            (Some(d), _) => match baseline {
                Some(b) => Ok(Some(f64::from(d - b))),
                None => Err(LeftOut::NoBaselineDate),
            },
            (None, Some(days)) => Ok(Some(days)),
            (None, None) => Ok(None),
        }
    }
}

fn has_column(frames: &Frames, name: &str) -> bool {
    frames.subjects.column(name).is_ok()
}

/// The columns an endpoint reads, for the message when none is there.
fn needs(endpoint: Endpoint) -> &'static str {
    match endpoint {
        Endpoint::Death => crate::i18n::tr(
            "death_date, death_days or died (a subjects table, PRO-ACT's DeathData, or an events table)",
        ),
        Endpoint::Tracheostomy => crate::i18n::tr("tracheostomy_date or tracheostomy_days"),
        Endpoint::Niv => crate::i18n::tr("niv_date or niv_days"),
        Endpoint::Gastrostomy => crate::i18n::tr("gastrostomy_date or gastrostomy_days"),
        Endpoint::DeathOrTracheostomy => {
            crate::i18n::tr("death_date, death_days, died, tracheostomy_date or tracheostomy_days")
        }
        Endpoint::Kings4 => crate::i18n::tr("ALSFRS-R items at visits (for King's stage)"),
        Endpoint::Mitos(_) => crate::i18n::tr("ALSFRS-R items at visits (for MiToS stage)"),
        Endpoint::AlsfrsDrop(_) | Endpoint::AlsfrsBelow(_) => crate::i18n::tr("ALSFRS-R totals at visits"),
    }
}

/// Each subject's time to `endpoint` from `origin`. `Err` names what is missing when the cohort
/// has no data for the endpoint (or, for onset, no onset at all).
pub fn time_to_event(frames: Frames, endpoint: Endpoint, origin: Origin) -> Result<TimeToEvent, CohortError> {
    let s = frames.subjects;
    let n = s.height();
    let ids = strs(s, c::SUBJECT_ID)?;
    let baseline = opt_dates(s, c::BASELINE_DATE)?;
    let onset = opt_f64s(s, c::ONSET_DELTA_DAYS)?;
    if origin == Origin::Onset && onset.iter().all(Option::is_none) {
        return Err(no_data(
            endpoint,
            crate::i18n::tr("an onset date or onset delta (for --origin onset)"),
        ));
    }
    // Visits per subject, in time order (the visits table is sorted by subject and time).
    let v = frames.visits;
    let vid = strs(v, c::SUBJECT_ID)?;
    let vday = f64s(v, c::DAY)?;
    let mut visits = rows_by_id(&ids, &vid);
    for rows in &mut visits {
        rows.retain(|&i| vday[i].is_some());
    }
    let last_visit: Vec<Option<f64>> = visits
        .iter()
        .map(|r| r.iter().filter_map(|&i| vday[i]).reduce(f64::max))
        .collect();
    let last_contact = EventDays::read(&frames, c::LAST_CONTACT)?;
    // When a subject without the event is censored: the later of the last visit and the last
    // contact; for an endpoint seen at visits, the last visit that assessed it (a milestone
    // between assessments cannot be seen, and `None` means never assessed).
    let mut censor: Vec<Result<Option<f64>, LeftOut>> = (0..n)
        .map(|k| {
            let contact = last_contact.at(k, baseline[k]).ok().flatten();
            Ok([last_visit[k], contact].into_iter().flatten().reduce(f64::max))
        })
        .collect();

    // The event's day for each subject: Ok(None) when it did not happen (as far as we know).
    let event_day: Vec<Result<Option<f64>, LeftOut>> = match endpoint {
        Endpoint::Death | Endpoint::Tracheostomy | Endpoint::Niv | Endpoint::Gastrostomy => {
            let days = dated_event(&frames, endpoint)?;
            let died_column = endpoint == Endpoint::Death && has_column(&frames, c::DIED);
            if !days.any() && !died_column {
                return Err(no_data(endpoint, needs(endpoint)));
            }
            let died = opt_strs(s, c::DIED)?;
            (0..n)
                .map(|k| {
                    let at = days.at(k, baseline[k])?;
                    if endpoint == Endpoint::Death {
                        match died[k].as_deref() {
                            Some("yes") if at.is_none() => return Err(LeftOut::DiedWithoutDate),
                            Some("no") => return Ok(alive_until(&mut censor[k], at)),
                            _ => {}
                        }
                    }
                    Ok(at)
                })
                .collect()
        }
        Endpoint::DeathOrTracheostomy => {
            let death = dated_event(&frames, Endpoint::Death)?;
            let trach = dated_event(&frames, Endpoint::Tracheostomy)?;
            if !death.any() && !trach.any() && !has_column(&frames, c::DIED) {
                return Err(no_data(endpoint, needs(endpoint)));
            }
            let died = opt_strs(s, c::DIED)?;
            (0..n)
                .map(|k| {
                    let mut d = death.at(k, baseline[k])?;
                    if died[k].as_deref() == Some("no") {
                        d = alive_until(&mut censor[k], d);
                    }
                    let t = trach.at(k, baseline[k])?;
                    match (d, t) {
                        (Some(d), Some(t)) => Ok(Some(d.min(t))),
                        (Some(x), None) | (None, Some(x)) => Ok(Some(x)),
                        (None, None) if died[k].as_deref() == Some("yes") => Err(LeftOut::DiedWithoutDate),
                        (None, None) => Ok(None),
                    }
                })
                .collect()
        }
        Endpoint::Kings4 | Endpoint::Mitos(_) | Endpoint::AlsfrsDrop(_) | Endpoint::AlsfrsBelow(_) => {
            let column = match endpoint {
                Endpoint::Kings4 => c::KINGS_STAGE_NUMBER,
                Endpoint::Mitos(_) => c::MITOS_STAGE,
                _ => c::ALSFRS_R_TOTAL,
            };
            let values = opt_f64s(v, column)?;
            if values.iter().all(Option::is_none) {
                return Err(no_data(endpoint, needs(endpoint)));
            }
            for (k, rows) in visits.iter().enumerate() {
                let assessed = rows.iter().filter(|&&i| values[i].is_some()).filter_map(|&i| vday[i]);
                censor[k] = assessed.reduce(f64::max).map(Some).ok_or(LeftOut::NotAssessed);
            }
            visits
                .iter()
                .map(|rows| {
                    let first = rows.iter().find_map(|&i| values[i]);
                    let hit = |x: f64| match endpoint {
                        Endpoint::Kings4 => x >= 4.0,
                        Endpoint::Mitos(m) => x >= f64::from(m),
                        Endpoint::AlsfrsDrop(d) => first.is_some_and(|f| x <= f - d),
                        Endpoint::AlsfrsBelow(b) => x <= b,
                        _ => false,
                    };
                    Ok(rows
                        .iter()
                        .find(|&&i| values[i].is_some_and(hit))
                        .and_then(|&i| vday[i]))
                })
                .collect()
        }
    };

    let mut of_subject = vec![None; n];
    let mut left_out = Vec::new();
    for k in 0..n {
        let id = ids[k].clone().unwrap_or_default();
        let start = match origin {
            Origin::Baseline => 0.0,
            Origin::Onset => {
                let Some(o) = onset[k] else {
                    left_out.push((id, LeftOut::NoOnset));
                    continue;
                };
                o
            }
        };
        let outcome = event_day[k].clone().and_then(|event| {
            if let Some(e) = event {
                return if e < start {
                    Err(LeftOut::EventBeforeOrigin)
                } else {
                    Ok((e, true))
                };
            }
            match censor[k].clone()? {
                Some(end) if end >= start => Ok((end, false)),
                _ => Err(LeftOut::NoFollowUp),
            }
        });
        match outcome {
            Ok((day, event)) => of_subject[k] = Some(((day - start) / DAYS_PER_MONTH, event)),
            Err(why) => left_out.push((id, why)),
        }
    }
    Ok(TimeToEvent {
        endpoint,
        origin,
        of_subject,
        left_out,
    })
}

/// `died = no` wins over a death date or day: the subject is alive, and the time given is read
/// as the end of follow-up (the `time, status` convention of survival tables), so it extends
/// the censoring time. Returns no event.
fn alive_until(censor: &mut Result<Option<f64>, LeftOut>, time: Option<f64>) -> Option<f64> {
    if let (Ok(end), Some(t)) = (censor.as_mut(), time) {
        *end = Some(end.map_or(t, |e| e.max(t)));
    }
    None
}

fn dated_event(frames: &Frames, endpoint: Endpoint) -> Result<EventDays, CohortError> {
    let event = match endpoint {
        Endpoint::Death => c::DEATH,
        Endpoint::Tracheostomy => c::TRACHEOSTOMY,
        Endpoint::Niv => c::NIV,
        _ => c::GASTROSTOMY,
    };
    EventDays::read(frames, event)
}

fn no_data(endpoint: Endpoint, what: &str) -> CohortError {
    CohortError::NoEndpointData {
        endpoint: endpoint.to_string(),
        needs: what.to_owned(),
    }
}
