//! The longitudinal `export` tables: `changes` (each observation's change), `mixed-model`
//! (`M ~ time * group` by REML, as statsmodels `mixedlm`) and `taxon-trends` (each taxon's CLR
//! on time, random intercept per subject, with Benjamini–Hochberg q).

use std::collections::HashMap;

use crate::i18n::{tr, trf};
use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use polars::prelude::{Column, DataFrame};

use super::super::input::Choices;
use crate::cohort::{Frames, MeasureRef, NOT_RECORDED, ObsId, Observation, observations, trends};
use crate::metrics::longitudinal::{ChangeFrom, Z_975, changes as change_from};
use crate::metrics::mixed::{self, Obs};
use crate::metrics::special::normal_sf;
use crate::model::columns as c;
use crate::model::frame::strs;

/// What `changes` measures from (`--baseline`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Baseline {
    #[default]
    Previous,
    First,
}

/// The measure of `--measure` and its observations on the chosen time axis.
fn measured(
    frames: Frames<'_>,
    choices: &Choices,
    measure: Option<&str>,
    rank: Option<usize>,
) -> Result<(MeasureRef, Vec<Observation>)> {
    let Some(spec) = measure else {
        bail!(
            "{}",
            tr("--measure is needed: a visit column (alsfrs_r_total), a sample column (shannon) or taxon:NAME")
        );
    };
    let measure = MeasureRef::parse(spec, frames).context("--measure")?;
    let obs = observations(frames, &measure, &choices.time, rank).context("--measure")?;
    if obs.is_empty() {
        bail!(
            "{}",
            trf(
                "--measure {spec}: no observation has a subject, a time on `{time}` and a value",
                &[("spec", &spec), ("time", &choices.time)]
            )
        );
    }
    Ok((measure, obs))
}

/// One row per observation: subject, visit number or sample, time, group, value and change.
pub fn changes(
    frames: Frames<'_>,
    choices: &Choices,
    measure: Option<&str>,
    baseline: Baseline,
    rank: Option<usize>,
) -> Result<DataFrame> {
    let (measure, obs) = measured(frames, choices, measure, rank)?;
    let ids = strs(frames.subjects, c::SUBJECT_ID)?;
    let subjects: Vec<usize> = obs.iter().map(|o| o.subject).collect();
    let values: Vec<f64> = obs.iter().map(|o| o.value).collect();
    let from = match baseline {
        Baseline::Previous => ChangeFrom::Previous,
        Baseline::First => ChangeFrom::First,
    };
    let change = change_from(&subjects, &values, from);
    let group: Vec<Option<String>> = obs
        .iter()
        .map(|o| {
            let g = choices.grouping.as_ref()?;
            Some(g.levels[g.of_subject[o.subject]].clone())
        })
        .collect();
    let id_column = if measure.is_per_sample() {
        Column::new(
            c::SAMPLE_ID.into(),
            obs.iter()
                .map(|o| match &o.id {
                    ObsId::Sample(s) => Some(s.clone()),
                    ObsId::Visit(_) => None,
                })
                .collect::<Vec<_>>(),
        )
    } else {
        Column::new(
            c::VISIT_NUMBER.into(),
            obs.iter()
                .map(|o| match o.id {
                    ObsId::Visit(n) => Some(n),
                    ObsId::Sample(_) => None,
                })
                .collect::<Vec<_>>(),
        )
    };
    let cols = vec![
        Column::new(
            c::SUBJECT_ID.into(),
            subjects.iter().map(|s| ids[*s].clone()).collect::<Vec<_>>(),
        ),
        id_column,
        Column::new("time".into(), obs.iter().map(|o| o.time).collect::<Vec<_>>()),
        Column::new("group".into(), group),
        Column::new("value".into(), values),
        Column::new("change".into(), change),
    ];
    Ok(DataFrame::new(obs.len(), cols)?)
}

/// The REML fit of `measure ~ time * group` (`~ time` without a grouping), random intercept per
/// subject (and slope with `--random-slope`): one row per fixed effect, then the variances.
pub fn mixed_model(
    frames: Frames<'_>,
    choices: &Choices,
    measure: Option<&str>,
    random_slope: bool,
    rank: Option<usize>,
) -> Result<DataFrame> {
    let (measure, all) = measured(frames, choices, measure, rank)?;
    // Treatment coding with the first level in sorted order as the reference (as patsy);
    // subjects without a group value are left out, as statsmodels drops missing rows.
    let (levels, group_of): (Vec<String>, Vec<Option<usize>>) = match &choices.grouping {
        None => (Vec::new(), vec![Some(0); frames.subjects.height()]),
        Some(g) => {
            let mut present: Vec<String> = all
                .iter()
                .map(|o| g.levels[g.of_subject[o.subject]].clone())
                .filter(|l| l != NOT_RECORDED)
                .collect();
            present.sort();
            present.dedup();
            let of = g
                .of_subject
                .iter()
                .map(|&k| present.iter().position(|l| *l == g.levels[k]))
                .collect();
            (present, of)
        }
    };
    let mut dense: HashMap<usize, usize> = HashMap::new();
    let obs: Vec<Obs> = all
        .iter()
        .filter_map(|o| {
            let group = group_of[o.subject]?;
            let next = dense.len();
            let subject = *dense.entry(o.subject).or_insert(next);
            Some(Obs {
                subject,
                months: o.time,
                group,
                y: o.value,
            })
        })
        .collect();
    let num_groups = levels.len().max(1);
    let fit = mixed::fit(&obs, num_groups, random_slope).with_context(|| {
        trf(
            "the mixed model of {measure} could not be fitted",
            &[("measure", &measure.label())],
        )
    })?;
    if let Some(note) = &fit.note {
        eprintln!("mixed model: {note}");
    }
    eprintln!(
        "mixed model: {} ~ time{} on {} observations of {} subjects (REML)",
        measure.label(),
        if levels.is_empty() { "" } else { " * group" },
        obs.len(),
        dense.len()
    );
    let mut terms = vec!["Intercept".to_owned(), "time".to_owned()];
    terms.extend(levels.iter().skip(1).map(|l| format!("group[T.{l}]")));
    terms.extend(levels.iter().skip(1).map(|l| format!("time:group[T.{l}]")));
    let mut term = Vec::new();
    let mut columns: [Vec<Option<f64>>; 6] = Default::default();
    for (name, (est, se)) in terms.iter().zip(fit.fixed.iter().zip(&fit.std_errors)) {
        let z = est / se;
        term.push(name.clone());
        for (col, v) in columns.iter_mut().zip([
            *est,
            *se,
            z,
            2.0 * normal_sf(z.abs()),
            est - Z_975 * se,
            est + Z_975 * se,
        ]) {
            col.push(Some(v));
        }
    }
    let mut variances = vec![("Group Var", fit.random_cov[0])];
    if fit.random_slope {
        variances.push(("Group x time Cov", fit.random_cov[1]));
        variances.push(("time Var", fit.random_cov[3]));
    }
    variances.push(("Scale", fit.residual_variance));
    for (name, v) in variances {
        term.push(name.to_owned());
        columns[0].push(Some(v));
        for col in &mut columns[1..] {
            col.push(None);
        }
    }
    let [estimate, std_error, z, p, lower, upper] = columns;
    let cols = vec![
        Column::new("term".into(), term),
        Column::new("estimate".into(), estimate),
        Column::new("std_error".into(), std_error),
        Column::new("z".into(), z),
        Column::new("p_value".into(), p),
        Column::new("ci_lower".into(), lower),
        Column::new("ci_upper".into(), upper),
    ];
    Ok(DataFrame::new(cols[0].len(), cols)?)
}

/// One row per taxon at `rank`: prevalence and mean relative abundance over the samples with a
/// subject and a time, and the CLR trend (`clr ~ time`, random intercept per subject) with q.
pub fn taxon_trends(frames: Frames<'_>, choices: &Choices, rank: Option<usize>) -> Result<DataFrame> {
    if frames.cohort.abundances().is_none() {
        bail!(
            "{}",
            tr("no microbiome abundances were loaded, so there are no taxon trends")
        );
    }
    let found = trends(frames, &choices.time, rank, None).context("--time")?;
    if found.num_samples == 0 {
        bail!(
            "{}",
            trf(
                "no sample has both a subject and a time on `{time}`",
                &[("time", &choices.time)]
            )
        );
    }
    eprintln!(
        "taxon trends: clr ~ time (random intercept per subject, REML) for {} of {} taxa present in ≥ 10% of {} samples; CLR pseudocount {:.3e}",
        found.taxa.iter().filter(|t| t.p_value.is_some()).count(),
        found.taxa.len(),
        found.num_samples,
        found.pseudocount
    );
    let t = &found.taxa;
    let cols = vec![
        Column::new("taxon".into(), t.iter().map(|t| t.taxon.clone()).collect::<Vec<_>>()),
        Column::new("prevalence".into(), t.iter().map(|t| t.prevalence).collect::<Vec<_>>()),
        Column::new(
            "mean_relative_abundance".into(),
            t.iter().map(|t| t.mean_relative_abundance).collect::<Vec<_>>(),
        ),
        Column::new("slope".into(), t.iter().map(|t| t.slope).collect::<Vec<_>>()),
        Column::new("std_error".into(), t.iter().map(|t| t.std_error).collect::<Vec<_>>()),
        Column::new("p_value".into(), t.iter().map(|t| t.p_value).collect::<Vec<_>>()),
        Column::new("q_value".into(), t.iter().map(|t| t.q_value).collect::<Vec<_>>()),
    ];
    Ok(DataFrame::new(t.len(), cols)?)
}
