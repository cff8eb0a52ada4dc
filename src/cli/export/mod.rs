//! `export`: write a cohort table with stable snake_case column names (see README).

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};

mod longitudinal;
mod survival;

use super::input::InputArgs;
use crate::data::write::{write_distance_matrix, write_table};
use crate::metrics::distance::BetaMetric;
use crate::metrics::microbiome::{rank_index, with_relative_abundance};
use crate::metrics::ree::ReeEquation;
use crate::metrics::tables::{MetricOptions, ordination_table, samples_table, visits_table};

/// Tables `export` can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Table {
    /// One row per subject, with slopes, ΔFS, baseline and last values.
    Subjects,
    /// One row per subject × visit, units converted, with per-visit metrics.
    Visits,
    /// One row per microbiome sample: diversity, F/B ratio, relative abundances at `--rank`.
    Samples,
    /// Sample × sample distance matrix (TSV, as QIIME 2 writes it).
    Distances,
    /// PCoA coordinates of the samples.
    Ordination,
    /// One row per observation of `--measure`, with its change from the previous (or first).
    Changes,
    /// REML fit of `--measure ~ time * group` with a random intercept per subject.
    MixedModel,
    /// One row per taxon at `--rank`: prevalence, mean abundance, CLR trend over time with q.
    TaxonTrends,
    /// Kaplan–Meier curve of `--endpoint` per group, with its 95% band.
    Survival,
    /// Per group: n, events, median survival with CI, RMST, hazard ratio, log-rank test.
    SurvivalSummary,
}

/// Metric choices shared by the export tables.
#[derive(Debug, Args, Clone)]
pub struct MetricArgs {
    /// Taxonomic rank of the abundance columns in `--table samples` (or `feature`).
    #[arg(long, default_value = "genus")]
    pub rank: String,
    /// Rank at which diversity, distances and ordination are computed (default: features).
    #[arg(long)]
    pub beta_rank: Option<String>,
    /// Beta-diversity metric: bray-curtis (default), jaccard or aitchison. Given explicitly,
    /// `--table ordination` computes it even when the inputs give a distance matrix or PCoA.
    #[arg(long)]
    pub metric: Option<BetaMetric>,
    /// Predicted-REE equation: harris-benedict, roza-shizgal or mifflin-st-jeor.
    #[arg(long, default_value = "harris-benedict")]
    pub ree_equation: ReeEquation,
    /// Measured/predicted REE ratio above which a visit is hypermetabolic.
    #[arg(long, default_value_t = crate::metrics::ree::DEFAULT_HYPERMETABOLIC_RATIO)]
    pub hypermetabolic_ratio: f64,
    /// Number of PCoA axes.
    #[arg(long, default_value_t = 5)]
    pub dims: usize,
    /// The measure of `changes` and `mixed-model`: a visit column (`alsfrs_r_total`), a sample
    /// column (`shannon`), or `taxon:NAME` / `clr:NAME` at `--rank`.
    #[arg(long)]
    pub measure: Option<String>,
    /// What `changes` measures from: the previous observation or the first.
    #[arg(long, value_enum, default_value = "previous")]
    pub baseline: longitudinal::Baseline,
    /// Add a random slope on time per subject to `mixed-model`.
    #[arg(long)]
    pub random_slope: bool,
    /// The event of `survival` and `survival-summary`: death, tracheostomy, niv, gastrostomy,
    /// death-or-tracheostomy, kings-4, mitos-N, alsfrs-drop:N or alsfrs-below:N.
    #[arg(long)]
    pub endpoint: Option<String>,
    /// Where survival time starts: baseline (the first visit; PRO-ACT's delta 0) or onset.
    #[arg(long, default_value = "baseline")]
    pub origin: String,
    /// A subject column added to the Cox model of `survival-summary` (numeric, or categorical
    /// with its first level as reference). Repeat for several.
    #[arg(long = "covariate")]
    pub covariates: Vec<String>,
    /// Months up to which `survival-summary` gives the restricted mean survival time (default:
    /// the shortest of the groups' follow-ups).
    #[arg(long)]
    pub horizon: Option<f64>,
}

pub(super) fn parse_rank(name: &str) -> Result<Option<usize>> {
    match name.trim().to_lowercase().as_str() {
        "feature" | "asv" | "otu" => Ok(None),
        other => match rank_index(other) {
            Some(i) => Ok(Some(i)),
            None => {
                bail!("unknown rank `{other}` (use kingdom, phylum, class, order, family, genus, species or feature)")
            }
        },
    }
}

pub fn run(input: &InputArgs, table: Table, out: &Path, metric: &MetricArgs) -> Result<ExitCode> {
    let rank = parse_rank(&metric.rank)?;
    if metric.hypermetabolic_ratio.is_nan() || metric.hypermetabolic_ratio <= 0.0 {
        bail!("--hypermetabolic-ratio must be a positive ratio, e.g. 1.10");
    }
    let options = MetricOptions {
        ree_equation: metric.ree_equation,
        hypermetabolic_ratio: metric.hypermetabolic_ratio,
        rank: parse_rank(metric.beta_rank.as_deref().unwrap_or("feature"))?,
        beta_metric: metric.metric.unwrap_or_default(),
        pcoa_dims: metric.dims.max(1),
    };
    let cohort = input.load()?;
    let inputs: Vec<String> = cohort.sources.iter().map(|s| s.path.clone()).collect();
    let longitudinal = matches!(
        table,
        Table::Changes | Table::MixedModel | Table::TaxonTrends | Table::Survival | Table::SurvivalSummary
    );
    if input.has_choices() && !longitudinal {
        // Checked here too, so a wrong column is named whatever the table.
        let tables = crate::pipeline::tables(&cohort, &options)?;
        input.choices(tables.frames(&cohort))?;
    }
    eprintln!(
        "REE: {} (hypermetabolic when measured/predicted > {}); beta diversity: {}",
        options.ree_equation, options.hypermetabolic_ratio, options.beta_metric
    );
    let mut df = match table {
        Table::Visits => visits_table(&cohort, &options)?,
        Table::Subjects => crate::pipeline::tables(&cohort, &options)?.subjects,
        Table::Samples => {
            let samples = samples_table(&cohort, &options)?;
            if cohort
                .abundances()
                .is_some_and(|a| a.kind == crate::model::AbundanceKind::Relative)
            {
                eprintln!("chao1 left empty: {}", crate::metrics::diversity::CHAO1_NEEDS_COUNTS);
            }
            with_relative_abundance(&samples, &cohort, rank)?
        }
        Table::Survival | Table::SurvivalSummary => {
            let tables = crate::pipeline::tables(&cohort, &options)?;
            let frames = tables.frames(&cohort);
            let choices = input.choices(frames)?;
            let result = survival::analyse(
                frames,
                &choices,
                metric.endpoint.as_deref(),
                &metric.origin,
                &metric.covariates,
                metric.horizon,
            )?;
            if table == Table::Survival {
                survival::curves(&result)?
            } else {
                eprintln!("RMST up to {:.2} months", result.horizon);
                survival::summary(&result)?
            }
        }
        Table::Changes | Table::MixedModel | Table::TaxonTrends => {
            let tables = crate::pipeline::tables(&cohort, &options)?;
            let frames = tables.frames(&cohort);
            let choices = input.choices(frames)?;
            match table {
                Table::Changes => {
                    longitudinal::changes(frames, &choices, metric.measure.as_deref(), metric.baseline, rank)?
                }
                Table::MixedModel => {
                    longitudinal::mixed_model(frames, &choices, metric.measure.as_deref(), metric.random_slope, rank)?
                }
                _ => longitudinal::taxon_trends(frames, &choices, rank)?,
            }
        }
        Table::Distances => {
            let Some(abundances) = cohort.abundances() else {
                bail!("no microbiome abundances were loaded, so there are no distances");
            };
            let ranked = crate::metrics::microbiome::at_rank(abundances, cohort.taxonomy(), options.rank);
            let dm = crate::metrics::distance::distance_matrix(&ranked, options.beta_metric);
            write_distance_matrix(&dm.ids, &dm.data, out, &inputs)?;
            eprintln!(
                "wrote {} x {} {} distances to {}",
                dm.len(),
                dm.len(),
                options.beta_metric,
                out.display()
            );
            return Ok(ExitCode::SUCCESS);
        }
        Table::Ordination => {
            // A PCoA or distance matrix the inputs give is used as given, unless a metric or
            // rank is asked for explicitly.
            let use_given = metric.metric.is_none() && metric.beta_rank.is_none();
            let Some((ord, basis)) = crate::metrics::ordination::ordinate(
                &cohort,
                use_given,
                options.rank,
                options.beta_metric,
                options.pcoa_dims,
            ) else {
                bail!("no microbiome abundances, distance matrix or PCoA were loaded, so there is no ordination");
            };
            let explained: Vec<String> = ord
                .proportion_explained
                .iter()
                .enumerate()
                .map(|(i, p)| format!("pc{} {:.1}%", i + 1, p * 100.0))
                .collect();
            let how = match basis {
                crate::metrics::ordination::Basis::Computed(_) if !ord.exact => {
                    " (truncated eigensolver; proportions of the trace)"
                }
                _ => "",
            };
            eprintln!("{}{how}: {}", basis.label(), explained.join(", "));
            ordination_table(&cohort, &ord)?
        }
    };
    write_table(&mut df, out, &inputs)?;
    eprintln!(
        "wrote {} rows x {} columns to {}",
        df.height(),
        df.width(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}
