//! Survival by group: a Kaplan–Meier curve per group, the log-rank test across the groups and a
//! Cox model of the grouping (the first group in sorted order with events as the reference) with
//! optional covariates — what the Survival view draws and `export --table survival*` writes.

use polars::prelude::DataType;

use super::endpoint::TimeToEvent;
use super::frames::{CohortError, Frames};
use super::grouping::{Grouping, NOT_RECORDED, group_by};
use crate::metrics::survival::{KaplanMeier, LogRank, cox, kaplan_meier, logrank};
use crate::model::frame::f64s;

/// A hazard ratio with its 95% CI and Wald p.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hazard {
    pub ratio: f64,
    pub lower: f64,
    pub upper: f64,
    pub p: f64,
}

/// One group's curve and summary.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupSurvival {
    /// The grouping's level index.
    pub level: usize,
    pub name: String,
    pub n: usize,
    pub events: usize,
    pub km: KaplanMeier,
    pub median: Option<f64>,
    pub median_ci: (Option<f64>, Option<f64>),
    /// Restricted mean survival time up to [`Survival::horizon`].
    pub rmst: f64,
    /// Against the reference group; `None` for the reference itself and when the model could
    /// not be fitted.
    pub hazard: Option<Hazard>,
    /// (months, event, subject row) of every subject in the group, by time.
    pub members: Vec<(f64, bool, usize)>,
}

impl GroupSurvival {
    /// Subjects of the group with the event at `time` (to link a hovered step).
    pub fn events_at(&self, time: f64) -> impl Iterator<Item = usize> + '_ {
        self.members
            .iter()
            .filter(move |(t, e, _)| *e && *t == time)
            .map(|(_, _, k)| *k)
    }
}

/// A term of the Cox model other than the grouping: a numeric covariate, or one level of a
/// categorical one against its first level.
#[derive(Clone, Debug, PartialEq)]
pub struct CovariateHazard {
    /// `age_years`, or `sex=male` for a level.
    pub term: String,
    pub hazard: Hazard,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Survival {
    pub groups: Vec<GroupSurvival>,
    /// Index into `groups` of the Cox reference: the first group in sorted order with events
    /// (`None` when no group has any).
    pub reference: Option<usize>,
    pub logrank: Option<LogRank>,
    pub covariates: Vec<CovariateHazard>,
    /// Subjects in the Cox model (those with every covariate).
    pub cox_n: usize,
    /// Why the Cox model has no result, when it has none and was asked for.
    pub cox_problem: Option<String>,
    /// The RMST horizon in months.
    pub horizon: f64,
}

/// A covariate's columns in the Cox design, with each subject's values (`None`: missing).
struct Covariate {
    terms: Vec<String>,
    values: Vec<Option<Vec<f64>>>,
}

fn covariate(frames: &Frames, name: &str) -> Result<Covariate, CohortError> {
    let s = frames.subjects;
    let col = s.column(name).map_err(|_| CohortError::UnknownColumn {
        purpose: crate::i18n::tr("be a covariate"),
        column: name.to_owned(),
        available: covariate_columns(frames),
    })?;
    if col.dtype().is_primitive_numeric() {
        return Ok(Covariate {
            terms: vec![name.to_owned()],
            values: f64s(s, name)?
                .into_iter()
                .map(|v| v.filter(|v| v.is_finite()).map(|v| vec![v]))
                .collect(),
        });
    }
    let grouping = group_by(s, name).map_err(|e| match e {
        CohortError::Unsuitable { why, .. } => CohortError::Unsuitable {
            purpose: crate::i18n::tr("be a covariate"),
            column: name.to_owned(),
            why,
        },
        other => other,
    })?;
    let levels: Vec<&String> = grouping.levels.iter().filter(|l| *l != NOT_RECORDED).collect();
    let terms = levels.iter().skip(1).map(|l| format!("{name}={l}")).collect();
    let values = grouping
        .of_subject
        .iter()
        .map(|&g| {
            let level = &grouping.levels[g];
            (level != NOT_RECORDED).then(|| {
                levels
                    .iter()
                    .skip(1)
                    .map(|l| f64::from(u8::from(*l == level)))
                    .collect()
            })
        })
        .collect();
    Ok(Covariate { terms, values })
}

/// Subject columns that can be covariates: numeric ones and those that can group.
pub fn covariate_columns(frames: &Frames) -> Vec<String> {
    let s = frames.subjects;
    let mut out: Vec<String> = s
        .columns()
        .iter()
        .filter(|c| c.dtype().is_primitive_numeric() && c.dtype() != &DataType::Boolean)
        .map(|c| c.name().to_string())
        .filter(|n| n != crate::model::columns::SUBJECT_ID)
        .collect();
    out.extend(super::grouping::group_columns(s));
    out.sort();
    out.dedup();
    out
}

/// Kaplan–Meier per group, log-rank across groups and Cox of the grouping plus `covariates`.
/// `horizon` (months) bounds the RMST; by default the shortest of the groups' last times, so
/// every group's curve is defined up to it.
pub fn survival(
    frames: Frames,
    grouping: &Grouping,
    tte: &TimeToEvent,
    covariates: &[String],
    horizon: Option<f64>,
) -> Result<Survival, CohortError> {
    let covs: Vec<Covariate> = covariates
        .iter()
        .map(|name| covariate(&frames, name))
        .collect::<Result<_, _>>()?;
    let mut groups: Vec<GroupSurvival> = Vec::new();
    for (level, name) in grouping.levels.iter().enumerate() {
        let mut members: Vec<(f64, bool, usize)> = tte
            .of_subject
            .iter()
            .enumerate()
            .filter(|(k, _)| grouping.of_subject.get(*k) == Some(&level))
            .filter_map(|(k, v)| v.map(|(t, e)| (t, e, k)))
            .collect();
        if members.is_empty() {
            continue;
        }
        members.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
        let durations: Vec<f64> = members.iter().map(|m| m.0).collect();
        let events: Vec<bool> = members.iter().map(|m| m.1).collect();
        let km = kaplan_meier(&durations, &events);
        groups.push(GroupSurvival {
            level,
            name: name.clone(),
            n: members.len(),
            events: events.iter().filter(|e| **e).count(),
            median: km.median(),
            median_ci: km.median_ci(),
            km,
            rmst: 0.0,
            hazard: None,
            members,
        });
    }
    let horizon = horizon.unwrap_or_else(|| {
        groups
            .iter()
            .filter_map(|g| g.members.last().map(|m| m.0))
            .reduce(f64::min)
            .unwrap_or(0.0)
    });
    for g in &mut groups {
        g.rmst = g.km.rmst(horizon);
    }
    // Every subject with a time, in group order, for the tests and the model.
    let rows: Vec<(usize, f64, bool, usize)> = groups
        .iter()
        .enumerate()
        .flat_map(|(gi, g)| g.members.iter().map(move |&(t, e, k)| (gi, t, e, k)))
        .collect();
    let durations: Vec<f64> = rows.iter().map(|r| r.1).collect();
    let events: Vec<bool> = rows.iter().map(|r| r.2).collect();
    let group_of: Vec<usize> = rows.iter().map(|r| r.0).collect();
    let logrank = logrank(&durations, &events, &group_of);

    // Cox: one indicator per non-reference group, then the covariates' terms. A group without
    // events has no finite hazard ratio (its coefficient runs to −∞), so it is left out of the
    // model; the reference is the first group in sorted order that has events.
    let modelled: Vec<usize> = (0..groups.len()).filter(|&g| groups[g].events > 0).collect();
    let reference = modelled.first().copied();
    let compared: Vec<usize> = modelled.iter().skip(1).copied().collect();
    let group_terms = compared.len();
    let p = group_terms + covs.iter().map(|c| c.terms.len()).sum::<usize>();
    let mut x = Vec::new();
    let (mut cd, mut ce) = (Vec::new(), Vec::new());
    for &(gi, t, e, k) in &rows {
        if !modelled.contains(&gi) {
            continue;
        }
        let Some(cov_values): Option<Vec<&Vec<f64>>> = covs.iter().map(|c| c.values[k].as_ref()).collect() else {
            continue;
        };
        x.extend(compared.iter().map(|&j| f64::from(u8::from(gi == j))));
        x.extend(cov_values.into_iter().flatten());
        cd.push(t);
        ce.push(e);
    }
    let mut out_covariates = Vec::new();
    let mut cox_problem = None;
    let without_events: Vec<String> = (0..groups.len())
        .filter(|g| !modelled.contains(g))
        .map(|g| groups[g].name.clone())
        .collect();
    if p > 0 {
        match cox(&cd, &ce, &x, p) {
            Some(fit) => {
                let hazard = |j: usize| Hazard {
                    ratio: fit.coef[j].exp(),
                    lower: fit.hr_lower[j],
                    upper: fit.hr_upper[j],
                    p: fit.p[j],
                };
                for (j, &g) in compared.iter().enumerate() {
                    groups[g].hazard = Some(hazard(j));
                }
                let terms = covs.iter().flat_map(|c| c.terms.iter());
                for (j, term) in terms.enumerate() {
                    out_covariates.push(CovariateHazard {
                        term: term.clone(),
                        hazard: hazard(group_terms + j),
                    });
                }
            }
            None => {
                cox_problem = Some(if ce.iter().any(|e| *e) {
                    crate::i18n::tr("the Cox model could not be fitted (a term is constant, or separates the events)")
                        .to_owned()
                } else {
                    crate::i18n::tr("no events, so no Cox model").to_owned()
                });
            }
        }
    }
    if !without_events.is_empty() && groups.len() > 1 && cox_problem.is_none() {
        cox_problem = Some(crate::i18n::trf(
            "no events in {groups}: left out of the Cox model (no finite hazard ratio)",
            &[("groups", &without_events.join(", "))],
        ));
    }
    Ok(Survival {
        groups,
        reference,
        logrank,
        covariates: out_covariates,
        cox_n: cd.len(),
        cox_problem,
        horizon,
    })
}
