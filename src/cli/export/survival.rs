//! The time-to-event `export` tables: `survival` (each group's Kaplan–Meier curve with its 95%
//! band) and `survival-summary` (per group: n, events, median with CI, RMST, hazard ratio against
//! the first group, and the log-rank test; then one row per covariate term of the Cox model).

use crate::i18n::{tr, trf};
use anyhow::{Context, Result, bail};
use polars::prelude::{Column, DataFrame};

use super::super::input::Choices;
use crate::cohort::{Endpoint, Frames, Grouping, Origin, Survival, survival, time_to_event};

/// Name of the one group when there is no `--group-by`.
pub const ALL: &str = "all";

/// The survival analysis the flags ask for, with what was left out said on stderr.
pub fn analyse(
    frames: Frames<'_>,
    choices: &Choices,
    endpoint: Option<&str>,
    origin: &str,
    covariates: &[String],
    horizon: Option<f64>,
) -> Result<Survival> {
    let Some(endpoint) = endpoint else {
        bail!(
            "{}",
            trf(
                "--endpoint is needed: one of {names}",
                &[("names", &crate::cohort::ENDPOINT_NAMES.join(", "))]
            )
        );
    };
    let endpoint: Endpoint = endpoint.parse().map_err(anyhow::Error::msg).context("--endpoint")?;
    let origin: Origin = origin.parse().map_err(anyhow::Error::msg).context("--origin")?;
    if horizon.is_some_and(|h| !h.is_finite() || h <= 0.0) {
        bail!("{}", tr("--horizon must be a positive number of months"));
    }
    let tte = time_to_event(frames, endpoint, origin).context("--endpoint")?;
    let (n, events) = tte.counts();
    if n == 0 {
        bail!(
            "{}",
            trf(
                "endpoint `{endpoint}` from {origin}: no subject has a follow-up time ({why})",
                &[
                    ("endpoint", &endpoint),
                    ("origin", &origin),
                    ("why", &tte.left_out_summary())
                ]
            )
        );
    }
    let grouping = choices.grouping.clone().unwrap_or_else(|| Grouping {
        column: ALL.to_owned(),
        levels: vec![ALL.to_owned()],
        of_subject: vec![0; frames.subjects.height()],
    });
    let result = survival(frames, &grouping, &tte, covariates, horizon).context("--covariate")?;
    eprintln!(
        "endpoint {} ({}) from {origin}: {n} subjects, {events} events; months = days / 30.44",
        endpoint,
        endpoint.label()
    );
    if !tte.left_out.is_empty() {
        let examples: Vec<&str> = tte.left_out.iter().take(5).map(|(id, _)| id.as_str()).collect();
        eprintln!(
            "left out {} subjects: {} (e.g. {})",
            tte.left_out.len(),
            tte.left_out_summary(),
            examples.join(", ")
        );
    }
    if let Some(problem) = &result.cox_problem {
        eprintln!("{problem}");
    }
    let fitted = !result.covariates.is_empty() || result.groups.iter().any(|g| g.hazard.is_some());
    if fitted && result.cox_n < n {
        eprintln!(
            "Cox model on {} of {n} subjects (the others lack a covariate or are in a group without events)",
            result.cox_n
        );
    }
    Ok(result)
}

/// Each group's curve: a row at 0 and one per distinct time with an event or a censoring.
pub fn curves(result: &Survival) -> Result<DataFrame> {
    let mut group = Vec::new();
    let (mut time, mut at_risk, mut events, mut censored) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut surv, mut lower, mut upper) = (Vec::new(), Vec::new(), Vec::new());
    for g in &result.groups {
        let km = &g.km;
        for i in 0..km.times.len() {
            group.push(g.name.clone());
            time.push(km.times[i]);
            at_risk.push(km.at_risk[i] as u32);
            events.push(km.events[i] as u32);
            censored.push(km.censored[i] as u32);
            surv.push(km.survival[i]);
            lower.push(km.lower[i]);
            upper.push(km.upper[i]);
        }
    }
    let n = group.len();
    Ok(DataFrame::new(
        n,
        vec![
            Column::new("group".into(), group),
            Column::new("time_months".into(), time),
            Column::new("at_risk".into(), at_risk),
            Column::new("events".into(), events),
            Column::new("censored".into(), censored),
            Column::new("survival".into(), surv),
            Column::new("ci_lower".into(), lower),
            Column::new("ci_upper".into(), upper),
        ],
    )?)
}

/// Per group, then per covariate term (`covariate:TERM`, hazard-ratio columns only).
pub fn summary(result: &Survival) -> Result<DataFrame> {
    let mut rows: Vec<SummaryRow> = result
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| SummaryRow {
            group: g.name.clone(),
            n: Some(g.n as u32),
            events: Some(g.events as u32),
            median: g.median,
            median_ci: g.median_ci,
            rmst: Some(g.rmst),
            hazard: if Some(i) == result.reference {
                Some((1.0, None, None, None))
            } else {
                g.hazard.map(|h| (h.ratio, Some(h.lower), Some(h.upper), Some(h.p)))
            },
        })
        .collect();
    rows.extend(result.covariates.iter().map(|c| SummaryRow {
        group: format!("covariate:{}", c.term),
        n: None,
        events: None,
        median: None,
        median_ci: (None, None),
        rmst: None,
        hazard: Some((
            c.hazard.ratio,
            Some(c.hazard.lower),
            Some(c.hazard.upper),
            Some(c.hazard.p),
        )),
    }));
    let lr = result.logrank;
    let n = rows.len();
    let col_f = |name: &str, f: &dyn Fn(&SummaryRow) -> Option<f64>| {
        Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
    };
    Ok(DataFrame::new(
        n,
        vec![
            Column::new("group".into(), rows.iter().map(|r| r.group.clone()).collect::<Vec<_>>()),
            Column::new("n".into(), rows.iter().map(|r| r.n).collect::<Vec<_>>()),
            Column::new("events".into(), rows.iter().map(|r| r.events).collect::<Vec<_>>()),
            col_f("median_months", &|r| r.median),
            col_f("median_ci_lower", &|r| r.median_ci.0),
            col_f("median_ci_upper", &|r| r.median_ci.1),
            col_f("rmst", &|r| r.rmst),
            col_f("hazard_ratio", &|r| r.hazard.map(|h| h.0)),
            col_f("hr_ci_lower", &|r| r.hazard.and_then(|h| h.1)),
            col_f("hr_ci_upper", &|r| r.hazard.and_then(|h| h.2)),
            col_f("hr_p", &|r| r.hazard.and_then(|h| h.3)),
            col_f("logrank_chi2", &|_| lr.map(|l| l.statistic)),
            Column::new("logrank_df".into(), vec![lr.map(|l| l.df as u32); n]),
            col_f("logrank_p", &|_| lr.map(|l| l.p)),
        ],
    )?)
}

/// A hazard ratio, its CI and p.
type Ratio = (f64, Option<f64>, Option<f64>, Option<f64>);

struct SummaryRow {
    group: String,
    n: Option<u32>,
    events: Option<u32>,
    median: Option<f64>,
    median_ci: (Option<f64>, Option<f64>),
    rmst: Option<f64>,
    /// Ratio, CI and p (the reference has only its ratio, 1).
    hazard: Option<Ratio>,
}
