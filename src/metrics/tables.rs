//! The derived tables behind `export` and the views: visits with per-visit metrics, subjects
//! with per-subject summaries, samples with diversity, plus distances and ordination.

use crate::model::hash::HashMap;

use polars::prelude::*;
use rayon::prelude::*;

use super::alsfrs::{AlsfrsItems, kings_stage, mitos_stage};
use super::distance::{BetaMetric, pair, prepare};
use super::diversity::{alpha, fb_ratio};
use super::longitudinal::{delta_fs, ols};
use super::microbiome::at_rank;
use super::ordination::Pcoa;
use super::progression::{d50_phase, delta_fs_category, fit_d50};
use super::ree::{DEFAULT_HYPERMETABOLIC_RATIO, ReeEquation, compare};
use crate::model::frame::{ColumnError, f64s, opt_bools, opt_f64s, opt_strs, rows_by_id, str_refs, strs};
use crate::model::time::civil_from_days;
use crate::model::{Cohort, columns as c};

/// Choices that change derived values; always shown with the results.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricOptions {
    pub ree_equation: ReeEquation,
    /// Measured / predicted REE above which a visit is hypermetabolic.
    pub hypermetabolic_ratio: f64,
    /// Taxonomic rank index for composition and diversity (`None` = features as they are).
    pub rank: Option<usize>,
    pub beta_metric: BetaMetric,
    pub pcoa_dims: usize,
}

impl Default for MetricOptions {
    fn default() -> Self {
        Self {
            ree_equation: ReeEquation::default(),
            hypermetabolic_ratio: DEFAULT_HYPERMETABOLIC_RATIO,
            rank: None,
            beta_metric: BetaMetric::default(),
            pcoa_dims: 5,
        }
    }
}

/// WHO adult BMI category.
pub fn who_category(bmi: f64) -> &'static str {
    match bmi {
        b if b < 18.5 => "underweight",
        b if b < 25.0 => "normal",
        b if b < 30.0 => "overweight",
        _ => "obese",
    }
}

/// Per-subject facts the visit metrics need (sex, age, premorbid weight).
struct SubjectFacts {
    male: Option<bool>,
    age_years: Option<f64>,
    birth_year: Option<f64>,
    premorbid_weight_kg: Option<f64>,
}

fn subject_facts(cohort: &Cohort) -> Result<HashMap<String, SubjectFacts>, ColumnError> {
    let s = cohort.subjects();
    let ids = strs(s, c::SUBJECT_ID)?;
    let sex = opt_strs(s, c::SEX)?;
    let age = opt_f64s(s, c::AGE_YEARS)?;
    let birth = opt_f64s(s, c::BIRTH_YEAR)?;
    let premorbid = opt_f64s(s, c::PREMORBID_WEIGHT_KG)?;
    Ok(ids
        .into_iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let male = sex[i].as_deref().and_then(|x| match x {
                "male" => Some(true),
                "female" => Some(false),
                _ => None,
            });
            Some((
                id?,
                SubjectFacts {
                    male,
                    age_years: age[i],
                    birth_year: birth[i],
                    premorbid_weight_kg: premorbid[i],
                },
            ))
        })
        .collect())
}

/// Visits with ALSFRS-R domains and stages, BMI category, weight/BMI change and REE comparison.
pub fn visits_table(cohort: &Cohort, options: &MetricOptions) -> PolarsResult<DataFrame> {
    let v = cohort.visits();
    let n = v.height();
    let facts = subject_facts(cohort)?;
    let ids = str_refs(v, c::SUBJECT_ID)?;
    let day = f64s(v, c::DAY)?;
    let date = f64s(v, c::DATE)?;
    let item_cols = c::ALSFRS_ITEMS
        .iter()
        .map(|name| opt_f64s(v, name))
        .collect::<Result<Vec<_>, _>>()?;
    let given_total = opt_f64s(v, c::ALSFRS_R_TOTAL)?;
    let weight = opt_f64s(v, c::WEIGHT_KG)?;
    let height = opt_f64s(v, c::HEIGHT_CM)?;
    let bmi = opt_f64s(v, c::BMI)?;
    let ree = opt_f64s(v, c::REE_MEASURED_KCAL)?;

    let mut out: HashMap<&str, Vec<Option<f64>>> = HashMap::default();
    let mut kings = Vec::with_capacity(n);
    let mut who = Vec::with_capacity(n);
    let mut hyper = Vec::with_capacity(n);
    let keys = [
        c::ALSFRS_R_ITEMS_SUM,
        c::ALSFRS_R_TOTAL,
        c::ALSFRS_BULBAR,
        c::ALSFRS_FINE_MOTOR,
        c::ALSFRS_GROSS_MOTOR,
        c::ALSFRS_RESPIRATORY,
        c::MITOS_STAGE,
        c::KINGS_STAGE_NUMBER,
        c::WEIGHT_CHANGE_PCT_FROM_BASELINE,
        c::BMI_CHANGE_PCT_FROM_BASELINE,
        c::WEIGHT_CHANGE_PCT_FROM_PREMORBID,
        c::AGE_YEARS_AT_VISIT,
        c::REE_PREDICTED_KCAL,
        c::REE_RATIO,
        c::DELTA_REE_PCT,
    ];
    for k in keys {
        out.insert(k, Vec::with_capacity(n));
    }
    let mut first_weight: HashMap<&str, f64> = HashMap::default();
    let mut first_bmi: HashMap<&str, f64> = HashMap::default();
    for i in 0..n {
        let mut q = [None; 13];
        for (k, col) in item_cols.iter().enumerate() {
            q[k] = col[i];
        }
        let items = AlsfrsItems::from_columns(q);
        let any_item = q.iter().any(Option::is_some);
        let push = |out: &mut HashMap<&str, Vec<Option<f64>>>, k: &str, v: Option<f64>| {
            if let Some(col) = out.get_mut(k) {
                col.push(v);
            }
        };
        push(&mut out, c::ALSFRS_R_ITEMS_SUM, items.total());
        push(&mut out, c::ALSFRS_R_TOTAL, given_total[i].or(items.total()));
        push(&mut out, c::ALSFRS_BULBAR, items.bulbar());
        push(&mut out, c::ALSFRS_FINE_MOTOR, items.fine_motor());
        push(&mut out, c::ALSFRS_GROSS_MOTOR, items.gross_motor());
        push(&mut out, c::ALSFRS_RESPIRATORY, items.respiratory());
        let stage = any_item.then(|| kings_stage(&items)).flatten();
        kings.push(stage.map(super::alsfrs::KingsStage::label));
        push(&mut out, c::KINGS_STAGE_NUMBER, stage.map(|s| f64::from(s.number())));
        push(
            &mut out,
            c::MITOS_STAGE,
            any_item.then(|| mitos_stage(&items)).flatten().map(f64::from),
        );
        who.push(bmi[i].map(who_category));
        let id = ids[i].unwrap_or_default();
        let fact = facts.get(id);
        let pct = |now: Option<f64>, base: Option<f64>| Some((now? - base?) / base? * 100.0).filter(|v| v.is_finite());
        if let Some(w) = weight[i] {
            first_weight.entry(id).or_insert(w);
        }
        if let Some(b) = bmi[i] {
            first_bmi.entry(id).or_insert(b);
        }
        push(
            &mut out,
            c::WEIGHT_CHANGE_PCT_FROM_BASELINE,
            pct(weight[i], first_weight.get(id).copied()),
        );
        push(
            &mut out,
            c::BMI_CHANGE_PCT_FROM_BASELINE,
            pct(bmi[i], first_bmi.get(id).copied()),
        );
        push(
            &mut out,
            c::WEIGHT_CHANGE_PCT_FROM_PREMORBID,
            pct(weight[i], fact.and_then(|f| f.premorbid_weight_kg)),
        );
        // Age at the visit: from the visit date and birth year, else baseline age plus time.
        let age = match (date[i], fact.and_then(|f| f.birth_year)) {
            (Some(d), Some(by)) => {
                let (y, m, dd) = civil_from_days(d as i32);
                Some(f64::from(y) + (f64::from(m) - 1.0) / 12.0 + f64::from(dd) / 365.25 - by - 0.5)
            }
            _ => fact.and_then(|f| Some(f.age_years? + day[i].unwrap_or(0.0) / 365.25)),
        };
        push(&mut out, c::AGE_YEARS_AT_VISIT, age);
        let predicted = match (fact.and_then(|f| f.male), weight[i], height[i], age) {
            (Some(male), Some(w), Some(h), Some(a)) => Some(options.ree_equation.predict(male, w, h, a)),
            _ => None,
        };
        push(&mut out, c::REE_PREDICTED_KCAL, predicted);
        let cmp = ree[i]
            .zip(predicted)
            .and_then(|(m, p)| compare(m, p, options.hypermetabolic_ratio));
        push(&mut out, c::REE_RATIO, cmp.map(|c| c.ratio));
        push(&mut out, c::DELTA_REE_PCT, cmp.map(|c| c.delta_pct));
        hyper.push(cmp.map(|c| c.hypermetabolic));
    }
    let mut df = v.clone();
    let mut add = |name: &str, col: Column| -> PolarsResult<()> {
        if df.column(name).is_ok() {
            df.with_column(col)?;
        } else {
            df.hstack_mut(&[col])?;
        }
        Ok(())
    };
    for k in keys {
        add(k, Column::new(k.into(), out.remove(k).unwrap_or_default()))?;
    }
    add(c::KINGS_STAGE, Column::new(c::KINGS_STAGE.into(), kings))?;
    add(c::BMI_WHO_CATEGORY, Column::new(c::BMI_WHO_CATEGORY.into(), who))?;
    add(c::HYPERMETABOLIC, Column::new(c::HYPERMETABOLIC.into(), hyper))?;
    Ok(df)
}

/// Subjects with ALSFRS-R slope (n, span), ΔFS, baseline and last value of every measure,
/// baseline REE ratio and hypermetabolic flag, and baseline microbiome summaries.
pub fn subjects_table(cohort: &Cohort, visits: &DataFrame, samples: Option<&DataFrame>) -> PolarsResult<DataFrame> {
    let s = cohort.subjects();
    let ids = strs(s, c::SUBJECT_ID)?;
    let row_of: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| Some((id.as_deref()?, i)))
        .collect();
    let n = s.height();
    let vids = strs(visits, c::SUBJECT_ID)?;
    let months = f64s(visits, c::MONTHS_SINCE_BASELINE)?;
    let since_onset = f64s(visits, c::MONTHS_SINCE_ONSET)?;
    let total = opt_f64s(visits, c::ALSFRS_R_TOTAL)?;
    // Visit rows per subject, in time order (the visits table is sorted).
    let rows = rows_by_id(&ids, &vids);
    let mut slope = vec![None; n];
    let mut slope_n = vec![None; n];
    let mut span = vec![None; n];
    let mut dfs = vec![None; n];
    let (mut d50, mut dx, mut rd50, mut phase) = (vec![None; n], vec![None; n], vec![None; n], vec![None; n]);
    // Each subject's fits (the D50 model's is iterative), subjects in parallel.
    let fits: Vec<_> = rows
        .par_iter()
        .map(|r| {
            let points: Vec<(f64, f64)> = r.iter().filter_map(|&i| Some((since_onset[i]?, total[i]?))).collect();
            let d50_fit = fit_d50(&points).map(|fit| (fit, r.iter().find_map(|&i| since_onset[i])));
            let ols_fit = ols(r.iter().filter_map(|&i| Some((months[i]?, total[i]?))));
            let first_total = r.iter().find(|&&i| total[i].is_some()).copied();
            (d50_fit, ols_fit, first_total)
        })
        .collect();
    for (k, (d50_fit, ols_fit, first_total)) in fits.into_iter().enumerate() {
        if let Some((fit, first)) = d50_fit {
            d50[k] = Some(fit.d50);
            dx[k] = Some(fit.dx);
            rd50[k] = first.map(|m| m / fit.d50);
            phase[k] = rd50[k].and_then(d50_phase);
        }
        if let Some(fit) = ols_fit {
            slope[k] = Some(fit.slope);
            slope_n[k] = Some(fit.num_points as i32);
            span[k] = Some(fit.span);
        }
        if let Some(i) = first_total {
            dfs[k] = total[i].zip(since_onset[i]).and_then(|(t, m)| delta_fs(t, m));
        }
    }
    let mut cols = vec![
        Column::new(c::ALSFRS_R_SLOPE_PER_MONTH.into(), slope),
        Column::new(c::ALSFRS_R_SLOPE_N.into(), slope_n),
        Column::new(c::ALSFRS_R_SLOPE_SPAN_MONTHS.into(), span),
        Column::new(c::DELTA_FS.into(), dfs.clone()),
        Column::new(
            c::DELTA_FS_CATEGORY.into(),
            dfs.iter().map(|d| d.and_then(delta_fs_category)).collect::<Vec<_>>(),
        ),
        Column::new(c::D50_MONTHS.into(), d50),
        Column::new(c::D50_DX_MONTHS.into(), dx),
        Column::new(c::RD50_BASELINE.into(), rd50),
        Column::new(c::D50_PHASE_BASELINE.into(), phase),
    ];
    let measures = crate::model::measure_columns(visits);
    for m in &measures {
        let values = f64s(visits, m)?;
        let first: Vec<Option<f64>> = rows.iter().map(|r| r.iter().find_map(|&i| values[i])).collect();
        let last: Vec<Option<f64>> = rows.iter().map(|r| r.iter().rev().find_map(|&i| values[i])).collect();
        cols.push(Column::new(c::baseline(m).into(), first));
        cols.push(Column::new(c::last(m).into(), last));
    }
    let h = opt_bools(visits, c::HYPERMETABOLIC)?;
    let hyper: Vec<Option<bool>> = rows.iter().map(|r| r.iter().find_map(|&i| h[i])).collect();
    cols.push(Column::new(c::HYPERMETABOLIC.into(), hyper));
    if let Some(samples) = samples {
        let sid = strs(samples, c::SUBJECT_ID)?;
        let day = f64s(samples, c::DAY)?;
        for m in c::BASELINE_SAMPLE_MEASURES {
            let values = opt_f64s(samples, m)?;
            let mut best: Vec<Option<(f64, f64)>> = vec![None; n];
            for i in 0..samples.height() {
                let (Some(k), Some(v)) = (sid[i].as_deref().and_then(|id| row_of.get(id)), values[i]) else {
                    continue;
                };
                let d = day[i].unwrap_or(f64::INFINITY);
                if best[*k].is_none_or(|(bd, _)| d < bd) {
                    best[*k] = Some((d, v));
                }
            }
            cols.push(Column::new(
                c::baseline(m).into(),
                best.iter().map(|b| b.map(|x| x.1)).collect::<Vec<_>>(),
            ));
        }
    }
    s.hstack(&cols)
}

/// Samples with alpha diversity (at `options.rank`), F/B ratio, and the distance of each
/// sample from its subject's first sample and from the previous one.
pub fn samples_table(cohort: &Cohort, options: &MetricOptions) -> PolarsResult<DataFrame> {
    let samples = cohort.samples().clone();
    let Some(table) = cohort.abundances() else {
        return Ok(samples);
    };
    let ranked = at_rank(table, cohort.taxonomy(), options.rank);
    let row_of = table.sample_rows();
    let ids = strs(&samples, c::SAMPLE_ID)?;
    let rows: Vec<Option<usize>> = ids
        .iter()
        .map(|id| id.as_deref().and_then(|id| row_of.get(id).copied()))
        .collect();
    let alphas: Vec<_> = (0..ranked.num_samples())
        .into_par_iter()
        .map(|s| alpha(ranked.row(s).1, ranked.kind))
        .collect();
    let fb = fb_ratio(table, cohort.taxonomy());
    let pick = |f: &dyn Fn(&super::diversity::Alpha) -> Option<f64>| -> Vec<Option<f64>> {
        rows.iter()
            .map(|r| r.and_then(|r| f(&alphas[r])).filter(|v| v.is_finite()))
            .collect()
    };
    let prepared = |s: usize| prepare(&ranked.sample(s), options.beta_metric);
    let distance = |a: &[f64], b: &[f64]| pair(a, b, options.beta_metric);
    let [from_baseline, from_previous] = within_subject_distances(&samples, &rows, &prepared, &distance)?;
    let cols = vec![
        Column::new(c::OBSERVED_FEATURES.into(), pick(&|a| Some(a.observed_features))),
        Column::new(c::SHANNON.into(), pick(&|a| Some(a.shannon))),
        Column::new(c::SHANNON_LOG2.into(), pick(&|a| Some(a.shannon_log2))),
        Column::new(c::SIMPSON.into(), pick(&|a| Some(a.simpson))),
        Column::new(c::PIELOU_EVENNESS.into(), pick(&|a| Some(a.pielou_evenness))),
        Column::new(c::CHAO1.into(), pick(&|a| a.chao1)),
        Column::new(
            c::FB_RATIO.into(),
            rows.iter().map(|r| r.and_then(|r| fb[r])).collect::<Vec<_>>(),
        ),
        Column::new(c::DISTANCE_FROM_BASELINE.into(), from_baseline),
        Column::new(c::DISTANCE_FROM_PREVIOUS.into(), from_previous),
    ];
    samples.hstack(&cols)
}

/// For each sample, the distance to its subject's first sample and to the sample before it.
/// Subjects in parallel, each sample's row prepared (`prepared`: a table row as the distance
/// reads it) when its subject's turn comes, so no prepared copy of the whole table is held.
fn within_subject_distances(
    samples: &DataFrame,
    rows: &[Option<usize>],
    prepared: &(dyn Fn(usize) -> Vec<f64> + Sync),
    distance: &(dyn Fn(&[f64], &[f64]) -> f64 + Sync),
) -> Result<[Vec<Option<f64>>; 2], ColumnError> {
    let subject = str_refs(samples, c::SUBJECT_ID)?;
    let day = f64s(samples, c::DAY)?;
    let mut by_subject: HashMap<&str, Vec<usize>> = HashMap::default();
    for (i, s) in subject.iter().enumerate() {
        if let (Some(s), Some(_), Some(_)) = (*s, day[i], rows[i]) {
            by_subject.entry(s).or_default().push(i);
        }
    }
    // Each sample's distances from its subject's first and previous samples, as (sample,
    // from first, from previous).
    let found: Vec<Vec<(usize, f64, Option<f64>)>> = by_subject
        .into_par_iter()
        .map(|(_, mut list)| {
            list.sort_by(|&a, &b| day[a].unwrap_or(0.0).total_cmp(&day[b].unwrap_or(0.0)));
            // Every sample listed has a table row (see above).
            let table_rows: Vec<Vec<f64>> = list.iter().filter_map(|&i| rows[i]).map(prepared).collect();
            (0..list.len())
                .map(|k| {
                    let previous = (k > 0).then(|| distance(&table_rows[k - 1], &table_rows[k]));
                    (list[k], distance(&table_rows[0], &table_rows[k]), previous)
                })
                .collect()
        })
        .collect();
    let n = samples.height();
    let (mut base, mut prev) = (vec![None; n], vec![None; n]);
    for (i, from_first, from_previous) in found.into_iter().flatten() {
        base[i] = Some(from_first);
        prev[i] = from_previous;
    }
    Ok([base, prev])
}

/// A PCoA of the samples with their subject and day: `sample_id, subject_id, day, pc1, …`.
pub fn ordination_table(cohort: &Cohort, ord: &Pcoa) -> PolarsResult<DataFrame> {
    let samples = cohort.samples();
    let ids = strs(samples, c::SAMPLE_ID)?;
    let subjects = strs(samples, c::SUBJECT_ID)?;
    let days = f64s(samples, c::DAY)?;
    let meta: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| Some((id.as_deref()?, i)))
        .collect();
    let lookup = |id: &String| meta.get(id.as_str()).copied();
    let mut cols = vec![
        Column::new(c::SAMPLE_ID.into(), ord.ids.clone()),
        Column::new(
            c::SUBJECT_ID.into(),
            ord.ids
                .iter()
                .map(|id| lookup(id).and_then(|i| subjects[i].clone()))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            c::DAY.into(),
            ord.ids
                .iter()
                .map(|id| lookup(id).and_then(|i| days[i]))
                .collect::<Vec<_>>(),
        ),
    ];
    for axis in 0..ord.dims {
        let values: Vec<f64> = (0..ord.ids.len()).map(|i| ord.coord(i, axis)).collect();
        cols.push(Column::new(c::pc(axis).into(), values));
    }
    DataFrame::new(ord.ids.len(), cols)
}
